//! The facade in a real browser (headless Chromium through wasm-bindgen-test-runner).
#![allow(clippy::expect_used, clippy::unwrap_used)] // test code (wasm_bindgen_test is not seen as a test by clippy)

use rostercheck_wasm::{rules, version, Validator};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const MANIFEST: &str =
    "propertyName,value\nmanifest.version,1.0\noneroster.version,1.1\nfile.orgs,bulk\n";
const ORGS: &str = "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\n\
d1,,,District,district,,\ns1,,,School,School,,d1\n";

fn run(chunk: usize) -> (String, String) {
    let mut v = Validator::new(vec!["orgs.csv".into(), "manifest.csv".into()], 0);
    let order = v.plan();
    assert_eq!(order, vec![1, 0], "manifest first");
    let mut batches = String::new();
    for i in order {
        v.begin_file(i);
        let bytes = if i == 0 { ORGS } else { MANIFEST }.as_bytes();
        for c in bytes.chunks(chunk) {
            v.feed(c);
            batches.push_str(&v.take_batch());
        }
        v.end_file();
        batches.push_str(&v.take_batch());
    }
    (batches, v.finish())
}

#[wasm_bindgen_test]
fn validates_in_the_browser_whatever_the_chunks() {
    let (batches, report) = run(3);
    assert!(batches.contains("\"code\":\"OR303\""), "{batches}");
    assert!(
        batches.contains("\"raw\":\"s1,,,School,School,,d1\""),
        "{batches}"
    );
    // OR303 (`School`) and OR003 (the manifest lacks most file.* rows).
    assert!(report.contains("\"errors\": 2"), "{report}");
    assert!(report.contains("\"code\": \"OR003\""), "{report}");
    assert!(report.contains("\"version\": \"1.1\""), "{report}");
    assert!(
        !report.contains("\"raw\""),
        "the JSON report keeps the CLI contract"
    );
    assert_eq!(run(1000).1, report);
}

#[wasm_bindgen_test]
fn rules_and_version() {
    assert!(rules().contains("\"OR309\""));
    assert!(!version().is_empty());
}

/// Measures the two ways to hand a large batch of findings to JavaScript: one JSON string that
/// JavaScript parses (what the facade does), or JS objects built field by field by
/// serde-wasm-bindgen. Prints the times; asserts nothing about them.
#[wasm_bindgen_test]
fn batch_transfer_measurement() {
    use rostercheck_core::diagnostic::Diagnostic;
    use rostercheck_core::rules::value::INVALID_GRADE;
    let batch: Vec<Diagnostic> = (0..20_000u64)
        .map(|i| {
            Diagnostic::new(
                &INVALID_GRADE,
                "Excel removed the leading zero: grade `9` should be `09`",
                "grades are two-digit codes",
            )
            .file("users.csv")
            .line(i + 2)
            .position(16)
            .field("grades")
            .value("9")
        })
        .collect();
    let t0 = js_sys::Date::now();
    let json = serde_json::to_string(&batch).expect("json");
    let parsed = js_sys::JSON::parse(&json).expect("parse");
    let t1 = js_sys::Date::now();
    let objects = serde_wasm_bindgen::to_value(&batch).expect("objects");
    let t2 = js_sys::Date::now();
    assert!(parsed.is_object() && objects.is_object());
    wasm_bindgen_test::console_log!(
        "20,000 findings: JSON string + JSON.parse {:.1} ms; serde-wasm-bindgen {:.1} ms",
        t1 - t0,
        t2 - t1
    );
}
