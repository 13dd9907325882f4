//! Packages from the synthetic district generator validate with no findings at all, in every
//! version and mode, and chunking them does not change anything.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)] // test code

mod common;

use common::*;
use rostercheck_gen::{generate_in_memory, GenOptions, Mode, Version};

fn package(version: Version, mode: Mode, students: u64) -> Package {
    let opts = GenOptions {
        version,
        mode,
        students,
        seed: 7,
        crlf: mode == Mode::Delta,
        uuid_ids: false,
        quote_all: false,
    };
    generate_in_memory(&opts).expect("generate")
}

#[test]
fn generated_packages_have_no_findings() {
    for version in [Version::V1_1, Version::V1_2] {
        for mode in [Mode::Bulk, Mode::Delta] {
            for students in [10, 1500] {
                let report = run(&package(version, mode, students), 0);
                let all: Vec<String> = report.diagnostics.iter().map(describe).collect();
                assert!(
                    all.is_empty(),
                    "{version:?} {mode:?} {students} students:\n{}",
                    all.join("\n")
                );
                let info = report.package.as_ref().expect("package info");
                assert_eq!(info.version, Some(version.as_str()));
                assert!(info.files.iter().all(|f| f.checked), "{:?}", info.files);
            }
        }
    }
}

#[test]
fn generated_package_is_chunk_invariant() {
    let pkg = package(Version::V1_2, Mode::Bulk, 60);
    let whole = run(&pkg, 0);
    for chunk in [1, 7, 4096] {
        let chunked = run(&pkg, chunk);
        assert_eq!(chunked.diagnostics, whole.diagnostics, "chunk {chunk}");
        assert_eq!(chunked.summary, whole.summary, "chunk {chunk}");
    }
}

/// Defects spread over a generated package are each found at their line, at every chunk size.
#[test]
fn defects_in_a_generated_package_are_found_at_their_lines() {
    let mut pkg = package(Version::V1_1, Mode::Bulk, 200);
    let users = &mut pkg
        .iter_mut()
        .find(|(n, _)| n == "users.csv")
        .expect("users")
        .1;
    let text = String::from_utf8(users.clone()).expect("utf8");
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    // Line 10: the `enabledUser` of a user becomes TRUE (Excel's habit).
    lines[9] = lines[9].replacen(",true,", ",TRUE,", 1);
    *users = (lines.join("\n") + "\n").into_bytes();
    let whole = run(&pkg, 0);
    let found: Vec<_> = whole
        .diagnostics
        .iter()
        .map(|d| (d.code, d.file.clone(), d.line))
        .collect();
    assert_eq!(
        found,
        vec![("OR307", Some("users.csv".to_owned()), Some(10))]
    );
    assert_eq!(run(&pkg, 13).diagnostics, whole.diagnostics);
}

#[test]
fn packages_with_uuid_ids_have_no_findings() {
    for version in [Version::V1_1, Version::V1_2] {
        let opts = GenOptions {
            version,
            students: 900,
            uuid_ids: true,
            quote_all: false,
            ..GenOptions::default()
        };
        let pkg = generate_in_memory(&opts).expect("generate");
        let users = &pkg.iter().find(|(n, _)| n == "users.csv").expect("users").1;
        let first = String::from_utf8_lossy(users)
            .lines()
            .nth(1)
            .unwrap_or_default()
            .to_owned();
        let id = first.split(',').next().unwrap_or_default();
        assert_eq!(id.len(), 36, "{first}");
        let report = run(&pkg, 4096);
        let all: Vec<String> = report.diagnostics.iter().map(describe).collect();
        assert!(all.is_empty(), "{version:?}:\n{}", all.join("\n"));
    }
}
