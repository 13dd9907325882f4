//! One fixture per rule: its invalid package fires the rule, its valid package does not.
//! Findings of every invalid fixture are snapshotted, and every fixture gives the same findings
//! whatever the chunk size.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)] // test code

mod common;

use common::*;
use rostercheck_core::rules::ALL;

fn fixture_paths() -> Vec<std::path::PathBuf> {
    let mut paths: Vec<_> = std::fs::read_dir(fixtures_dir().join("rules"))
        .expect("fixtures/rules")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "fixture"))
        .collect();
    paths.sort();
    paths
}

#[test]
fn base_packages_are_clean() {
    for version in ["1.1", "1.2"] {
        let report = run(&base(version), 0);
        let all: Vec<_> = report.diagnostics.iter().map(describe).collect();
        assert!(all.is_empty(), "base-{version}:\n{}", all.join("\n"));
    }
}

#[test]
fn every_rule_has_a_fixture() {
    let have: Vec<String> = fixture_paths()
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    let missing: Vec<&str> = ALL
        .iter()
        .map(|r| r.code)
        .filter(|c| !have.iter().any(|h| h == c))
        .collect();
    assert!(missing.is_empty(), "rules without a fixture: {missing:?}");
    for h in &have {
        assert!(ALL.iter().any(|r| r.code == h), "fixture {h} names no rule");
    }
}

#[test]
fn invalid_fixtures_fire_their_rule_and_valid_ones_do_not() {
    let mut failures = Vec::new();
    for path in fixture_paths() {
        let f = load_fixture(&path);
        let invalid = run(&f.invalid, 0);
        if !invalid.diagnostics.iter().any(|d| d.code == f.code) {
            let got: Vec<_> = invalid.diagnostics.iter().map(describe).collect();
            failures.push(format!(
                "{}: invalid fixture does not fire it; got:\n{}",
                f.code,
                got.join("\n")
            ));
        }
        let valid = run(&f.valid, 0);
        let fired: Vec<_> = valid
            .diagnostics
            .iter()
            .filter(|d| d.code == f.code)
            .map(describe)
            .collect();
        if !fired.is_empty() {
            failures.push(format!(
                "{}: valid fixture fires it:\n{}",
                f.code,
                fired.join("\n")
            ));
        }
        insta::assert_snapshot!(
            f.code.clone(),
            invalid
                .diagnostics
                .iter()
                .map(describe)
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn findings_do_not_depend_on_chunk_boundaries() {
    for path in fixture_paths() {
        let f = load_fixture(&path);
        for pkg in [&f.invalid, &f.valid] {
            let whole = run(pkg, 0);
            for chunk in [1, 2, 7, 64, 4096] {
                let chunked = run(pkg, chunk);
                assert_eq!(
                    chunked.diagnostics, whole.diagnostics,
                    "{} at chunk size {chunk}",
                    f.code
                );
            }
        }
    }
}

/// The general row checks and the clean rows' own path (`session/clean_row.rs`) agree on every
/// fixture: a rule added to the general checks of a file with a clean path, and not asked
/// there, shows here.
#[test]
fn every_fixture_gives_the_same_findings_on_the_unoptimised_path() {
    for path in fixture_paths() {
        let f = load_fixture(&path);
        for pkg in [&f.invalid, &f.valid] {
            let reference = run_with(rostercheck_core::Session::unoptimised, pkg, 4096);
            assert_eq!(
                run(pkg, 4096).diagnostics,
                reference.diagnostics,
                "{}",
                f.code
            );
        }
    }
}
