//! Every package in `../shared/corpus` (OneRoster files written by other people), run as it is
//! and pinned: a change in what rostercheck says about real-world files shows up in review.
//!
//! Judgements recorded here, from the spec text (`shared/reference/oneroster-spec.md`):
//! * `official-1p2-VRd118`, the official 1EdTech valid case, has no findings at all. It is a
//!   delta package, so the whole-roster checks (one district, every class with a teacher) do
//!   not apply: a delta file holds changes, not the roster.
//! * `classlink-demo-export-1p1` has no errors. Its `demographics.csv` has a header and no rows:
//!   the 1.2 binding says "files with no data rows are NOT permitted", but for 1.1 that wording
//!   is unverified (spec.md §11, §2 "for 1.1 they are corroborated"), so OR405 is a warning in 1.1.
//!   Its other warnings: schools without a parent (OR505), classes whose only term is the
//!   schoolYear `FY` (OR507; PROVENANCE notes `termSourcedIds=FY` points at the schoolYear
//!   session) and one student without enrollments (OR601).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)] // test code

use std::path::{Path, PathBuf};

use rostercheck_cli::input;
use rostercheck_core::Report;

fn corpus_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    assert!(
        dir.is_dir(),
        "the corpus is read from {} (../shared/corpus beside the repository); it is missing",
        dir.display()
    );
    dir
}

/// The packages in a corpus folder: each zip on its own, and the loose CSVs together.
fn packages(dir: &Path) -> Vec<(String, Vec<PathBuf>)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("corpus dir")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    let name = dir
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    let mut out = Vec::new();
    for zip in files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "zip"))
    {
        out.push((
            format!("{name}/{}", zip.file_name().expect("zip").to_string_lossy()),
            vec![zip.clone()],
        ));
    }
    let loose: Vec<PathBuf> = files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")))
        .cloned()
        .collect();
    if !loose.is_empty() {
        out.push((format!("{name}/*.csv"), loose));
    }
    out
}

fn check(paths: &[PathBuf]) -> Report {
    let mut report = Report::new(0);
    input::check(paths, 64 * 1024, &mut report).expect("package can be read");
    report
}

fn summary(report: &Report) -> String {
    let mut codes: Vec<(&str, usize)> = Vec::new();
    for d in &report.diagnostics {
        match codes.iter_mut().find(|(c, _)| *c == d.code) {
            Some(entry) => entry.1 += 1,
            None => codes.push((d.code, 1)),
        }
    }
    codes.sort();
    let s = &report.summary;
    let version = report
        .package
        .as_ref()
        .and_then(|p| p.version)
        .unwrap_or("?");
    format!(
        "{} errors, {} warnings, {} infos (as {version}): {}",
        s.errors,
        s.warnings,
        s.infos,
        codes
            .iter()
            .map(|(c, n)| format!("{c}×{n}"))
            .collect::<Vec<_>>()
            .join(" ")
    )
}

#[test]
fn corpus_outcomes_are_pinned() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("corpus")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(
        dirs.len() >= 28,
        "expected the 28 corpus packages, found {}",
        dirs.len()
    );
    let mut lines = Vec::new();
    for dir in dirs {
        for (label, paths) in packages(&dir) {
            lines.push(format!("{label}: {}", summary(&check(&paths))));
        }
    }
    insta::assert_snapshot!("corpus", lines.join("\n"));
}

fn codes(report: &Report) -> Vec<&'static str> {
    report.diagnostics.iter().map(|d| d.code).collect()
}

fn corpus(path: &str) -> Vec<PathBuf> {
    vec![corpus_dir().join(path)]
}

#[test]
fn official_valid_case_has_no_errors() {
    let report = check(&corpus("official-1p2-VRd118/VRd118.zip"));
    assert_eq!(report.summary.errors, 0, "{:#?}", report.diagnostics);
    assert_eq!(report.package.as_ref().and_then(|p| p.version), Some("1.2"));
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
}

#[test]
fn classlink_demo_export_has_no_errors() {
    let report = check(&corpus("classlink-demo-export-1p1/OneRoster-original.zip"));
    assert_eq!(report.summary.errors, 0, "{:#?}", report.diagnostics);
    assert!(codes(&report).contains(&"OR405"));
}

#[test]
fn known_defects_are_found() {
    let has = |path: &str, code: &str| {
        let dir = corpus_dir().join(path);
        let paths = if dir.is_dir() {
            packages(&dir).remove(0).1
        } else {
            vec![dir]
        };
        let report = check(&paths);
        assert!(
            codes(&report).contains(&code),
            "{path} should report {code}:\n{}",
            summary(&report)
        );
    };
    // The Moodle edit of VRd118 re-saved users.csv with enabledUser `TRUE`.
    has("moodle-oneroster_test_data-VRd118-modified", "OR307");
    // The manifest typo `fiel.demographics`.
    has("lepo-rosterhub-sample-en", "OR004");
    // A Shift_JIS export.
    has("lepo-rosterhub-2017-sjis", "OR101");
    // Two teacher rows with a trailing comma.
    has("edfi-grandbend-oneroster-1.1", "OR107");
    // Microsoft SDS v2.1 files under OneRoster names.
    has("nearmiss-msft-sds-v2p1-not-oneroster", "OR208");
    // A 1.1 users.csv in a 1.2 package.
    has("churchcore-academy-rostering-v1p2-delta", "OR207");
    // A second `role` column.
    has("mockroster-users-handedited-1p1", "OR203");
    // Header-only files.
    has("nicelion-classlink-headers-only", "OR405");
    // Booleans written TRUE, `Scheduled`, status in a bulk file.
    has("moodle-Test_full_data_set-1p1", "OR402");
    // A D/M/YYYY date.
    has("moodle-test01-1p1", "OR304");
}

#[test]
fn zip_and_loose_copies_give_the_same_findings() {
    for name in ["lepo-rosterhub-sample-en", "lepo-rosterhub-sample-ja"] {
        let all = packages(&corpus_dir().join(name));
        assert_eq!(all.len(), 2, "{name}: a zip and loose CSVs");
        let (a, b) = (check(&all[0].1), check(&all[1].1));
        assert_eq!(a.diagnostics, b.diagnostics, "{name}");
    }
}
