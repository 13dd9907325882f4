//! Collects a session's diagnostics for rendering: keeps the first findings of each rule per
//! file (so a file with millions of bad rows stays bounded) and exact totals of all of them.

use std::cell::Cell;

use hashbrown::HashMap;
use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity, Sink};
use crate::rules::Rule;
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
    /// Findings per (file, code), listed or not, in the order first seen.
    tallies: Vec<Tally>,
    /// Where each (file, code) is in `tallies`.
    index: HashMap<(Option<String>, &'static str), usize>,
    /// The tally counted last: a file with millions of findings of one rule in a row finds it
    /// without hashing.
    last: Cell<usize>,
    max_per_rule: usize,
}

/// The findings of one rule in one file (None: package-level), by severity.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Tally {
    file: Option<String>,
    code: &'static str,
    by_severity: [u64; 3],
}

impl Tally {
    /// All its findings, whatever their severity (the listing cap counts them all).
    fn seen(&self) -> u64 {
        self.by_severity.iter().sum()
    }

    fn is(&self, file: Option<&str>, code: &str) -> bool {
        self.code == code && self.file.as_deref() == file
    }

    fn count_mut(&mut self, severity: Severity) -> &mut u64 {
        let [errors, warnings, infos] = &mut self.by_severity;
        match severity {
            Severity::Error => errors,
            Severity::Warning => warnings,
            Severity::Info => infos,
        }
    }

    fn count(&self, severity: Severity) -> u64 {
        let [errors, warnings, infos] = self.by_severity;
        match severity {
            Severity::Error => errors,
            Severity::Warning => warnings,
            Severity::Info => infos,
        }
    }
}

const SEVERITIES: [Severity; 3] = [Severity::Error, Severity::Warning, Severity::Info];

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
            tallies: Vec::new(),
            index: HashMap::new(),
            last: Cell::new(0),
            max_per_rule,
        }
    }

    /// Every (file, code, severity) with its number of findings, listed or not.
    pub fn totals(&self) -> impl Iterator<Item = (Option<&str>, &'static str, Severity, u64)> {
        self.tallies.iter().flat_map(|t| {
            SEVERITIES
                .iter()
                .zip(t.by_severity)
                .filter(|(_, n)| *n > 0)
                .map(|(s, n)| (t.file.as_deref(), t.code, *s, n))
        })
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

    /// Findings listed per rule and file (0: all).
    pub fn max_per_rule(&self) -> usize {
        self.max_per_rule
    }

    /// Passes every finding on to `sink` as they came: the listed ones in order, then the ones
    /// only counted. With the same cap, `sink` ends as if the findings had been sent to it.
    pub fn replay(mut self, sink: &mut dyn Sink) {
        let mut listed: HashMap<(Option<String>, &'static str, Severity), u64> = HashMap::new();
        for d in std::mem::take(&mut self.diagnostics) {
            *listed
                .entry((d.file.clone(), d.code, d.severity))
                .or_insert(0) += 1;
            sink.push(d);
        }
        for (file, code, severity, total) in self.totals() {
            let Some(rule) = crate::rules::find(code) else {
                continue;
            };
            let counted = total
                - listed
                    .get(&FileCodeSeverity(file, code, severity))
                    .copied()
                    .unwrap_or(0);
            sink.count_many(file, rule, severity, counted);
        }
    }

    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0
    }

    /// Total findings for a file and rule, listed or not.
    pub fn total(&self, file: Option<&str>, code: &str) -> u64 {
        self.tallies
            .iter()
            .filter(|t| t.is(file, code))
            .map(Tally::seen)
            .sum()
    }

    /// Total findings of a severity in a file (`None`: package-level), listed or not.
    pub fn total_of(&self, file: Option<&str>, severity: Severity) -> u64 {
        self.tallies
            .iter()
            .filter(|t| t.file.as_deref() == file)
            .map(|t| t.count(severity))
            .sum()
    }
}

impl Report {
    /// Counts a finding; true when it is to be listed.
    fn tally(&mut self, file: Option<&str>, code: &'static str, severity: Severity) -> bool {
        self.tally_many(file, code, severity, 1) == 1
    }

    /// Counts `n` findings alike; returns how many of them are to be listed. Keys are looked
    /// up by reference first: a file with millions of findings allocates nothing per finding.
    fn tally_many(
        &mut self,
        file: Option<&str>,
        code: &'static str,
        severity: Severity,
        n: u64,
    ) -> u64 {
        match severity {
            Severity::Error => self.summary.errors += n,
            Severity::Warning => self.summary.warnings += n,
            Severity::Info => self.summary.infos += n,
        }
        let found = self.find(file, code);
        let tally = match found.and_then(|i| self.tallies.get_mut(i)) {
            Some(tally) => tally,
            None => {
                self.index
                    .insert((file.map(str::to_owned), code), self.tallies.len());
                self.last.set(self.tallies.len());
                self.tallies.push(Tally {
                    file: file.map(str::to_owned),
                    code,
                    by_severity: [0; 3],
                });
                let Some(tally) = self.tallies.last_mut() else {
                    return 0;
                };
                tally
            }
        };
        let before = tally.seen();
        *tally.count_mut(severity) += n;
        let listed = if self.max_per_rule == 0 {
            n
        } else {
            (self.max_per_rule as u64).saturating_sub(before).min(n)
        };
        self.summary.omitted += n - listed;
        listed
    }

    /// Findings seen so far for `file` and `code` (listed or not).
    fn seen(&self, file: Option<&str>, code: &'static str) -> u64 {
        self.find(file, code)
            .and_then(|i| self.tallies.get(i))
            .map_or(0, Tally::seen)
    }

    /// Where the tally of `file` and `code` is: the last one used, or looked up by reference
    /// (a file with millions of findings allocates nothing per finding).
    fn find(&self, file: Option<&str>, code: &'static str) -> Option<usize> {
        let last = self.last.get();
        if self.tallies.get(last).is_some_and(|t| t.is(file, code)) {
            return Some(last);
        }
        let i = *self.index.get(&FileCode(file, code))?;
        self.last.set(i);
        Some(i)
    }
}

impl Sink for Report {
    fn push(&mut self, d: Diagnostic) {
        if self.tally(d.file.as_deref(), d.code, d.severity) {
            self.diagnostics.push(d);
        }
    }

    fn keeps(&self, file: Option<&str>, code: &'static str) -> bool {
        self.max_per_rule == 0 || self.seen(file, code) < self.max_per_rule as u64
    }

    fn count(&mut self, file: Option<&str>, rule: &'static Rule, severity: Severity) {
        self.tally(file, rule.code, severity);
    }

    fn count_many(&mut self, file: Option<&str>, rule: &'static Rule, severity: Severity, n: u64) {
        self.tally_many(file, rule.code, severity, n);
    }
}

/// `(file, code)` borrowed, to look up the owned keys without building one. Hashes like the
/// owned tuple: the fields in the same order, `&str` like `String`.
#[derive(Hash)]
struct FileCode<'a>(Option<&'a str>, &'static str);

impl hashbrown::Equivalent<(Option<String>, &'static str)> for FileCode<'_> {
    fn equivalent(&self, key: &(Option<String>, &'static str)) -> bool {
        self.0 == key.0.as_deref() && self.1 == key.1
    }
}

#[derive(Hash)]
struct FileCodeSeverity<'a>(Option<&'a str>, &'static str, Severity);

impl hashbrown::Equivalent<(Option<String>, &'static str, Severity)> for FileCodeSeverity<'_> {
    fn equivalent(&self, key: &(Option<String>, &'static str, Severity)) -> bool {
        self.0 == key.0.as_deref() && self.1 == key.1 && self.2 == key.2
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::rules::value::REQUIRED_VALUE_MISSING as RULE;

    #[test]
    fn counting_a_finding_equals_pushing_one_past_the_cap() {
        let finding = || Diagnostic::new(&RULE, "m", "h").file("users.csv");
        let mut pushed = Report::new(2);
        let mut counted = Report::new(2);
        for _ in 0..5 {
            pushed.push(finding());
            if counted.keeps(Some("users.csv"), RULE.code) {
                counted.push(finding());
            } else {
                counted.count(Some("users.csv"), &RULE, RULE.severity);
            }
        }
        assert_eq!(pushed.summary, counted.summary);
        assert_eq!(counted.summary.omitted, 3);
        assert_eq!(pushed.diagnostics, counted.diagnostics);
        assert_eq!(counted.total(Some("users.csv"), RULE.code), 5);
        assert!(!counted.keeps(Some("users.csv"), RULE.code));
        assert!(counted.keeps(Some("orgs.csv"), RULE.code));
        assert!(Report::new(0).keeps(None, RULE.code));
    }

    #[test]
    fn counting_many_equals_counting_one_by_one() {
        for (cap, before, n) in [(2, 0, 5), (2, 1, 5), (2, 3, 4), (0, 1, 7), (10, 2, 3)] {
            let mut one_by_one = Report::new(cap);
            let mut at_once = Report::new(cap);
            for report in [&mut one_by_one, &mut at_once] {
                for _ in 0..before {
                    report.push(Diagnostic::new(&RULE, "m", "h").file("users.csv"));
                }
            }
            for _ in 0..n {
                one_by_one.count(Some("users.csv"), &RULE, RULE.severity);
            }
            at_once.count_many(Some("users.csv"), &RULE, RULE.severity, n);
            assert_eq!(
                one_by_one.summary, at_once.summary,
                "cap {cap}, {before} then {n}"
            );
            assert_eq!(one_by_one.tallies, at_once.tallies);
            assert_eq!(
                one_by_one.keeps(Some("users.csv"), RULE.code),
                at_once.keeps(Some("users.csv"), RULE.code)
            );
        }
    }
}

// The bytes of a part's findings (see `crate::wire`): no package yet.
crate::wire::wire_struct!(Summary {
    errors,
    warnings,
    infos,
    omitted,
    files,
    rows
});

impl crate::wire::Wire for Report {
    fn put(&self, out: &mut Vec<u8>) {
        debug_assert!(self.package.is_none());
        self.diagnostics.put(out);
        self.summary.put(out);
        self.tallies.put(out);
        self.max_per_rule.put(out);
    }

    fn get(r: &mut crate::wire::Reader<'_>) -> Option<Self> {
        let mut report = Report {
            diagnostics: Vec::get(r)?,
            summary: Summary::get(r)?,
            tallies: Vec::get(r)?,
            max_per_rule: usize::get(r)?,
            ..Report::new(0)
        };
        for (i, t) in report.tallies.iter().enumerate() {
            report.index.insert((t.file.clone(), t.code), i);
        }
        Some(report)
    }
}

crate::wire::wire_struct!(Tally {
    file,
    code,
    by_severity
});
