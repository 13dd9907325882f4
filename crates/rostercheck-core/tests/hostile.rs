//! Hostile and broken files: each gets a clear finding, in bounded memory, and never a panic or
//! a hang. (Time is not asserted; a hang would stop the test run.)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)] // test code

mod common;

use common::*;

fn codes(report: &rostercheck_core::Report) -> Vec<&'static str> {
    let mut c: Vec<_> = report.diagnostics.iter().map(|d| d.code).collect();
    c.dedup();
    c
}

/// The clean 1.1 base with `file` replaced by `content`.
fn with(file: &str, content: Vec<u8>) -> Package {
    let mut pkg = base("1.1");
    pkg.retain(|(n, _)| n != file);
    pkg.push((file.to_owned(), content));
    pkg
}

#[test]
fn zero_bytes_and_only_a_bom() {
    let r = run(&with("demographics.csv", Vec::new()), 0);
    assert_eq!(codes(&r), ["OR112"]);
    let r = run(&with("demographics.csv", b"\xEF\xBB\xBF".to_vec()), 1);
    assert_eq!(codes(&r), ["OR112", "OR103"]);
}

#[test]
fn binary_files_are_named() {
    for (bytes, what) in [
        (&b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"[..], "PNG image"),
        (b"%PDF-1.7\n%\xE2\xE3\xCF\xD3", "PDF document"),
        (b"PK\x03\x04\x14\0\x06\0\x08\0", "Excel workbook"),
        (
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0",
            "old Excel workbook",
        ),
    ] {
        let r = run(&with("demographics.csv", bytes.to_vec()), 3);
        let d = &r.diagnostics[0];
        assert_eq!(d.code, "OR111");
        assert!(d.message.contains(what), "{}", d.message);
        assert_eq!(r.diagnostics.len(), 1, "one finding, not one per line");
    }
}

#[test]
fn a_100_mb_single_line_is_one_finding() {
    let mut content = b"sourcedId,status,dateLastModified,birthDate\n".to_vec();
    content.resize(content.len() + 100 * 1024 * 1024, b'x');
    let r = run(&with("demographics.csv", content), 1 << 20);
    assert!(codes(&r).contains(&"OR114"), "{:?}", codes(&r));
}

#[test]
fn a_million_columns_is_one_finding() {
    let mut header = "c,".repeat(1_000_000);
    header.push('\n');
    let r = run(&with("demographics.csv", header.into_bytes()), 64 * 1024);
    assert_eq!(codes(&r), ["OR114"]);
}

#[test]
fn ten_million_empty_lines_are_one_finding() {
    let mut content =
        std::fs::read(fixtures_dir().join("base-1.1/demographics.csv")).expect("base");
    content.resize(content.len() + 10_000_000, b'\n');
    let r = run(&with("demographics.csv", content), 64 * 1024);
    assert_eq!(codes(&r), ["OR109"]);
    assert!(
        r.diagnostics[0]
            .message
            .starts_with("10000000 lines are empty (lines 5, 6, 7, 8, 9, …)"),
        "{}",
        r.diagnostics[0].message
    );
}

#[test]
fn nul_bytes_and_mixed_line_endings() {
    let content = b"sourcedId,status,dateLastModified,birthDate,sex,americanIndianOrAlaskaNative,asian,blackOrAfricanAmerican,nativeHawaiianOrOtherPacificIslander,white,demographicRaceTwoOrMoreRaces,hispanicOrLatinoEthnicity,countryOfBirthCode,stateOfBirthAbbreviation,cityOfBirth,publicSchoolResidenceStatus\r\n\
s1,,,2010-03-14,male,false,false,false,false,true,false,true,US,CA,Spring\0field,\n\
s2,,,2009-11-02,female,false,false,true,false,false,false,false,,,,\r\n\
s3,,,2012-06-30,FEMALE,false,true,false,false,false,false,false,,,,\n";
    let r = run(&with("demographics.csv", content.to_vec()), 5);
    let found: Vec<_> = r.diagnostics.iter().map(|d| (d.code, d.line)).collect();
    assert_eq!(found, [("OR104", Some(2)), ("OR303", Some(4))]);
}

#[test]
fn invalid_utf8_split_across_chunks_is_found_once() {
    let base = std::fs::read(fixtures_dir().join("base-1.1/users.csv")).expect("base");
    let text = String::from_utf8(base)
        .expect("utf8")
        .replace("José", "Jos\u{FFFD}");
    let bytes = text.replace('\u{FFFD}', "\u{1}").into_bytes();
    let bytes: Vec<u8> = bytes
        .into_iter()
        .map(|b| if b == 1 { 0xE9 } else { b })
        .collect();
    let at = bytes.iter().position(|b| *b == 0xE9).expect("byte");
    let pkg = with("users.csv", bytes);
    let whole = run(&pkg, 0);
    assert_eq!(codes(&whole), ["OR101"]);
    // Chunks that end right inside the bad sequence, and everywhere around it.
    for chunk in [at, at + 1, 1, 2, 3] {
        assert_eq!(
            run(&pkg, chunk).diagnostics,
            whole.diagnostics,
            "chunk {chunk}"
        );
    }
}

#[test]
fn a_repeated_header_is_found() {
    let mut content = std::fs::read(fixtures_dir().join("base-1.1/orgs.csv")).expect("base");
    let header: Vec<u8> = content
        .iter()
        .take_while(|b| **b != b'\n')
        .copied()
        .collect();
    content.extend_from_slice(&header);
    content.extend_from_slice(b"\nsch3,,,Third School,school,,dist1\n");
    let r = run(&with("orgs.csv", content), 7);
    assert_eq!(codes(&r), ["OR115"]);
}

#[test]
fn millions_of_findings_keep_exact_totals_with_a_capped_list() {
    let mut content =
        std::fs::read(fixtures_dir().join("base-1.1/demographics.csv")).expect("base");
    for i in 0..1_000_000 {
        content.extend_from_slice(
            format!("x{i},,,2010-03-14,M,false,false,false,false,true,false,false,,,,\n")
                .as_bytes(),
        );
    }
    let mut report = rostercheck_core::Report::new(100);
    rostercheck_core::validate_in_memory(&with("demographics.csv", content), 1 << 16, &mut report);
    // Each row: an unknown student (OR501, grouped per id) and `M` for sex (OR303).
    assert_eq!(report.total(Some("demographics.csv"), "OR303"), 1_000_000);
    assert_eq!(
        report
            .diagnostics
            .iter()
            .filter(|d| d.code == "OR303")
            .count(),
        100
    );
    assert!(report.summary.omitted >= 999_900);
}

#[test]
fn a_10_mb_field_is_one_finding_with_a_short_value() {
    let mut content =
        std::fs::read(fixtures_dir().join("base-1.1/demographics.csv")).expect("base");
    let mut row = "x".repeat(10 << 20).into_bytes();
    row.extend_from_slice(
        b",,,2010-03-14,male,false,false,false,false,true,false,true,US,CA,Spring,\n",
    );
    content.extend_from_slice(&row);
    let r = run(&with("demographics.csv", content), 1 << 20);
    let long: Vec<_> = r.diagnostics.iter().filter(|d| d.code == "OR302").collect();
    assert_eq!(long.len(), 1, "{:?}", codes(&r));
    assert!(long[0].value.as_deref().is_some_and(|v| v.len() < 1000));
    assert!(long[0].raw.as_deref().is_some_and(|v| v.len() < 2000));
}
