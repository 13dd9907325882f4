//! The facade in a real browser (headless Chromium through wasm-bindgen-test-runner).

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
