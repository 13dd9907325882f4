//! Collects a session's diagnostics for rendering: keeps the first findings of each rule per
//! file (so a file with millions of bad rows stays bounded) and exact totals of all of them.

use hashbrown::HashMap;
use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity, Sink};
use crate::session::PackageInfo;

/// Findings kept per (file, rule) by default; totals stay exact.
pub const DEFAULT_MAX_PER_RULE: usize = 1000;

#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub errors: u64,
    pub warnings: u64,
    pub infos: u64,
    /// Findings counted in the totals but not listed (beyond the per-rule cap).
    pub omitted: u64,
    pub files: u64,
    pub rows: u64,
}

pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    pub summary: Summary,
    pub package: Option<PackageInfo>,
    /// Total findings per (file, code, severity), including omitted ones.
    pub totals: HashMap<(Option<String>, &'static str, Severity), u64>,
    /// Findings seen per (file, code), to apply the cap.
    per_rule: HashMap<(Option<String>, &'static str), u64>,
    max_per_rule: usize,
}

impl Default for Report {
    fn default() -> Self {
        Report::new(DEFAULT_MAX_PER_RULE)
    }
}

impl Report {
    /// `max_per_rule` = 0 keeps everything.
    pub fn new(max_per_rule: usize) -> Report {
        Report {
            diagnostics: Vec::new(),
            summary: Summary::default(),
            package: None,
            totals: HashMap::new(),
            per_rule: HashMap::new(),
            max_per_rule,
        }
    }

    /// Records what the session learned, and puts the findings in report order: package-level
    /// first, then each file in processing order, by line and column.
    pub fn set_package(&mut self, package: PackageInfo) {
        self.summary.files = package.files.len() as u64;
        self.summary.rows = package.files.iter().map(|f| f.rows).sum();
        let rank = |file: &Option<String>| match file {
            None => 0,
            Some(name) => package
                .files
                .iter()
                .position(|f| &f.name == name)
                .map_or(usize::MAX, |p| p + 1),
        };
        self.diagnostics.sort_by(|a, b| {
            (rank(&a.file), &a.file, a.line, a.column).cmp(&(
                rank(&b.file),
                &b.file,
                b.line,
                b.column,
            ))
        });
        self.package = Some(package);
    }

    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0
    }

    /// Total findings for a file and rule, listed or not.
    pub fn total(&self, file: Option<&str>, code: &str) -> u64 {
        self.totals
            .iter()
            .filter(|((f, c, _), _)| f.as_deref() == file && *c == code)
            .map(|(_, n)| *n)
            .sum()
    }

    /// Total findings of a severity in a file (`None`: package-level), listed or not.
    pub fn total_of(&self, file: Option<&str>, severity: Severity) -> u64 {
        self.totals
            .iter()
            .filter(|((f, _, s), _)| f.as_deref() == file && *s == severity)
            .map(|(_, n)| *n)
            .sum()
    }
}

impl Sink for Report {
    fn push(&mut self, d: Diagnostic) {
        match d.severity {
            Severity::Error => self.summary.errors += 1,
            Severity::Warning => self.summary.warnings += 1,
            Severity::Info => self.summary.infos += 1,
        }
        *self
            .totals
            .entry((d.file.clone(), d.code, d.severity))
            .or_insert(0) += 1;
        let seen = self.per_rule.entry((d.file.clone(), d.code)).or_insert(0);
        *seen += 1;
        if self.max_per_rule == 0 || *seen <= self.max_per_rule as u64 {
            self.diagnostics.push(d);
        } else {
            self.summary.omitted += 1;
        }
    }
}
