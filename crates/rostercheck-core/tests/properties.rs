//! Properties over generated inputs (proptest): findings do not depend on chunk boundaries even
//! with random defects; the JSON report round-trips; the CSV report neutralises every
//! formula-like cell.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)] // test code

mod common;

use common::*;
use proptest::prelude::*;
use rostercheck_core::csv::{Event, RecordReader};
use rostercheck_core::diagnostic::Diagnostic;
use rostercheck_core::render;
use rostercheck_core::rules::value::INVALID_ENUM;
use rostercheck_core::Report;
use rostercheck_gen::{generate_in_memory, GenOptions, Mode, Version};

/// Bytes that break CSV and values in interesting ways.
const DEFECTS: &[u8] = b",\"\r\n\0\xE9\xEF\xBB\xBF;\t 9-TZ";

fn package(v11: bool, delta: bool, students: u64, seed: u64) -> Package {
    let opts = GenOptions {
        version: if v11 { Version::V1_1 } else { Version::V1_2 },
        mode: if delta { Mode::Delta } else { Mode::Bulk },
        students,
        seed,
        crlf: seed.is_multiple_of(2),
        uuid_ids: false,
        quote_all: false,
    };
    generate_in_memory(&opts).expect("generate")
}

fn damaged() -> impl Strategy<Value = Package> {
    (
        any::<bool>(),
        any::<bool>(),
        3u64..40,
        any::<u64>(),
        prop::collection::vec(
            (
                any::<prop::sample::Index>(),
                any::<prop::sample::Index>(),
                prop::sample::select(DEFECTS),
            ),
            0..8,
        ),
    )
        .prop_map(|(v11, delta, students, seed, defects)| {
            let mut pkg = package(v11, delta, students, seed);
            for (file, at, byte) in defects {
                let (_, bytes) = file.get_mut(&mut pkg);
                if !bytes.is_empty() {
                    let i = at.index(bytes.len());
                    bytes[i] = byte;
                }
            }
            pkg
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn chunk_boundaries_never_change_findings(pkg in damaged(), chunk in 1usize..512) {
        let whole = run(&pkg, 0);
        let chunked = run(&pkg, chunk);
        prop_assert_eq!(&chunked.diagnostics, &whole.diagnostics);
        prop_assert_eq!(&chunked.summary, &whole.summary);
    }

    #[test]
    fn json_report_round_trips(pkg in damaged()) {
        let report = run(&pkg, 4096);
        let text = render::json::render(&report);
        let parsed: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        prop_assert_eq!(&parsed["diagnostics"], &serde_json::to_value(&report.diagnostics).expect("value"));
        prop_assert_eq!(&parsed["summary"], &serde_json::to_value(&report.summary).expect("value"));
        prop_assert_eq!(&parsed["package"], &serde_json::to_value(&report.package).expect("value"));
        for d in parsed["diagnostics"].as_array().expect("array") {
            prop_assert_eq!(d.as_object().expect("object").len(), 10);
        }
    }

    #[test]
    fn csv_report_neutralises_every_formula_cell(values in prop::collection::vec(any::<String>(), 1..6), prefix in prop::sample::select(vec!["", "=", "+", "-", "@", "\t", "\r", "'"])) {
        let mut report = Report::new(0);
        for v in &values {
            let v = format!("{prefix}{v}");
            let d = Diagnostic::new(&INVALID_ENUM, v.clone(), v.clone()).file(&v).field(&v).value(&v);
            rostercheck_core::Sink::push(&mut report, d);
        }
        let csv = render::csv::render(&report);
        let body = csv.strip_prefix('\u{FEFF}').expect("BOM");
        let mut rows: Vec<Vec<String>> = Vec::new();
        let mut reader = RecordReader::new();
        let mut on = |e: Event<'_>| {
            if let Event::Record(r) = e {
                rows.push(r.fields().map(|f| String::from_utf8_lossy(f).into_owned()).collect());
            }
        };
        reader.feed(body.as_bytes(), &mut on);
        reader.finish(&mut on);
        prop_assert_eq!(rows.len(), values.len() + 1);
        for (row, v) in rows.iter().skip(1).zip(&values) {
            let original = format!("{prefix}{v}");
            let expected = render::csv::neutralise(&original).into_owned();
            for i in [3, 6, 8, 9] {
                prop_assert!(!row[i].starts_with(['=', '+', '-', '@', '\t', '\r']), "{:?}", row[i]);
            }
            // Values may be cut for display; the start is kept.
            prop_assert!(expected.starts_with(row[7].trim_end_matches('…')), "{:?} vs {:?}", row[7], expected);
            prop_assert_eq!(&row[8], &expected);
        }
    }
}
