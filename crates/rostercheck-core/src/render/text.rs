//! The human report: package findings first, then each file with its findings grouped by rule,
//! counts first, the first few examples of each group in full.

// Indexes are into groups built just before, never empty.
#![allow(clippy::indexing_slicing)]

use std::fmt::Write;

use crate::diagnostic::{Diagnostic, Severity};
use crate::report::Report;

/// Examples shown per group before "… and N more".
const EXAMPLES: usize = 3;

pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    fn severity(&self, s: Severity) -> String {
        match s {
            Severity::Error => self.paint("1;31", "error"),
            Severity::Warning => self.paint("1;33", "warning"),
            Severity::Info => self.paint("1;36", "info"),
        }
    }
}

fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

pub fn render(report: &Report, style: &Style) -> String {
    let mut out = String::new();
    if let Some(p) = &report.package {
        let source = match p.version_source {
            crate::session::VersionSource::Manifest => "from manifest.csv",
            crate::session::VersionSource::Inferred => "inferred",
        };
        let _ = writeln!(
            out,
            "{} OneRoster {} package ({source}): {}, {}",
            style.paint("1", "rostercheck"),
            p.version.unwrap_or("?"),
            plural(p.files.len() as u64, "file"),
            plural(report.summary.rows, "row")
        );
    }
    // Sections: package-level first, then files in package order.
    let mut sections: Vec<Option<String>> = vec![None];
    if let Some(p) = &report.package {
        sections.extend(p.files.iter().map(|f| Some(f.name.clone())));
    }
    for d in &report.diagnostics {
        if !sections.contains(&d.file) {
            sections.push(d.file.clone());
        }
    }
    for section in sections {
        let items: Vec<&Diagnostic> = report
            .diagnostics
            .iter()
            .filter(|d| d.file == section)
            .collect();
        let info = section.as_ref().and_then(|name| {
            report
                .package
                .as_ref()?
                .files
                .iter()
                .find(|f| &f.name == name)
        });
        let count = |s: Severity| report.total_of(section.as_deref(), s);
        let title = match (&section, info) {
            (None, _) if items.is_empty() => continue,
            (None, _) => "Package".to_owned(),
            (Some(name), Some(f)) => {
                let mode = f
                    .mode
                    .map_or(String::new(), |m| format!(", {}", m.as_str()));
                format!("{name} ({}{mode})", plural(f.rows, "row"))
            }
            (Some(name), None) => name.clone(),
        };
        let tally = if items.is_empty() {
            style.paint("32", "no problems")
        } else {
            let mut parts = Vec::new();
            for (s, w) in [
                (Severity::Error, "error"),
                (Severity::Warning, "warning"),
                (Severity::Info, "info"),
            ] {
                let n = count(s);
                if n > 0 {
                    parts.push(plural(n, w));
                }
            }
            parts.join(", ")
        };
        let _ = writeln!(out, "\n{}  {tally}", style.paint("1;4", &title));
        // Group by rule, most severe first, then by code.
        let mut codes: Vec<(Severity, &'static str)> = Vec::new();
        for d in &items {
            if !codes.iter().any(|(_, c)| *c == d.code) {
                codes.push((d.severity, d.code));
            }
        }
        codes.sort();
        for (_, code) in codes {
            let group: Vec<&&Diagnostic> = items.iter().filter(|d| d.code == code).collect();
            let first = group[0];
            let total = report.total(section.as_deref(), code);
            let rule = crate::rules::find(code);
            let times = if total > 1 {
                format!(" ×{total}")
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "  {}[{code}] {}{times}: {}",
                style.severity(first.severity),
                first.rule,
                rule.map_or("", |r| r.summary)
            );
            for d in group.iter().take(EXAMPLES) {
                let mut place = Vec::new();
                if let Some(l) = d.line {
                    place.push(format!("line {l}"));
                }
                if let Some(c) = d.column {
                    place.push(format!("col {c}"));
                }
                if let Some(f) = &d.field {
                    place.push(format!("`{f}`"));
                }
                let place = if place.is_empty() {
                    String::new()
                } else {
                    format!("{}: ", place.join(", "))
                };
                let _ = writeln!(out, "    {}{}", style.paint("2", &place), d.message);
                let _ = writeln!(out, "      {} {}", style.paint("36", "fix:"), d.help);
            }
            if total > EXAMPLES as u64 {
                let lines: Vec<String> = group
                    .iter()
                    .skip(EXAMPLES)
                    .take(8)
                    .filter_map(|d| d.line)
                    .map(|l| l.to_string())
                    .collect();
                let at = if lines.is_empty() {
                    String::new()
                } else {
                    format!(
                        " (lines {}{})",
                        lines.join(", "),
                        if total > EXAMPLES as u64 + 8 {
                            ", …"
                        } else {
                            ""
                        }
                    )
                };
                let _ = writeln!(out, "    … and {} more{at}", total - EXAMPLES as u64);
            }
        }
    }
    let s = &report.summary;
    let verdict = if s.errors == 0 {
        style.paint("1;32", "No errors: ready to sync.")
    } else {
        style.paint("1;31", "Not ready to sync: fix the errors first.")
    };
    let _ = writeln!(
        out,
        "\n{}, {}, {}. {verdict}",
        plural(s.errors, "error"),
        plural(s.warnings, "warning"),
        plural(s.infos, "info")
    );
    if s.omitted > 0 {
        let _ = writeln!(
            out,
            "({} more findings are counted but not listed; see --max-per-rule.)",
            s.omitted
        );
    }
    out
}
