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
    /// Total findings per (file, code), including omitted ones.
    pub totals: HashMap<(Option<String>, &'static str), u64>,
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
            max_per_rule,
        }
    }

    pub fn set_package(&mut self, package: PackageInfo) {
        self.summary.files = package.files.len() as u64;
        self.summary.rows = package.files.iter().map(|f| f.rows).sum();
        self.package = Some(package);
    }

    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0
    }

    /// Total findings for a file and rule, listed or not.
    pub fn total(&self, file: Option<&str>, code: &str) -> u64 {
        self.totals
            .iter()
            .filter(|((f, c), _)| f.as_deref() == file && *c == code)
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
        let count = self.totals.entry((d.file.clone(), d.code)).or_insert(0);
        *count += 1;
        if self.max_per_rule == 0 || *count <= self.max_per_rule as u64 {
            self.diagnostics.push(d);
        } else {
            self.summary.omitted += 1;
        }
    }
}
