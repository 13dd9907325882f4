//! The `rostercheck` binary: exit codes, formats, and the rule commands.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)] // test code

use std::path::Path;
use std::process::Command;

fn rostercheck(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rostercheck"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn fixture(version: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../rostercheck-core/tests/fixtures/base-{version}"))
        .display()
        .to_string()
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "rostercheck-cli-test-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn clean_package_exits_0() {
    let (code, out, _) = rostercheck(&["check", &fixture("1.1")]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("0 errors, 0 warnings, 0 infos. No errors: ready to sync."),
        "{out}"
    );
}

#[test]
fn errors_exit_1_and_the_report_names_file_line_and_fix() {
    let dir = temp_dir("errors");
    for entry in std::fs::read_dir(fixture("1.1")).expect("fixture") {
        let p = entry.expect("entry").path();
        std::fs::copy(&p, dir.join(p.file_name().expect("name"))).expect("copy");
    }
    let users = std::fs::read_to_string(dir.join("users.csv"))
        .expect("users")
        .replace(",p1,09,", ",p1,9,");
    std::fs::write(dir.join("users.csv"), users).expect("write");
    let (code, out, _) = rostercheck(&["check", dir.to_str().expect("utf8")]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("error[OR309] invalid-grade"), "{out}");
    assert!(
        out.contains(
            "line 4, col 17, `grades`: Excel removed the leading zero: grade `9` should be `09`"
        ),
        "{out}"
    );
    assert!(out.contains("fix: "), "{out}");
    assert!(out.contains("Not ready to sync"), "{out}");
}

#[test]
fn cannot_run_exits_2_with_a_message() {
    let (code, _, err) = rostercheck(&["check", "/nonexistent/package"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read /nonexistent/package"), "{err}");
    let dir = temp_dir("badzip");
    let zip = dir.join("broken.zip");
    std::fs::write(&zip, b"PK\x03\x04 not really a zip").expect("write");
    let (code, _, err) = rostercheck(&["check", zip.to_str().expect("utf8")]);
    assert_eq!(code, 2);
    assert!(err.contains("not a readable zip archive"), "{err}");
    let (code, _, _) = rostercheck(&["explain", "OR999"]);
    assert_eq!(code, 2);
}

#[test]
fn json_report_has_the_documented_shape() {
    let (code, out, _) = rostercheck(&["check", &fixture("1.2"), "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["tool"]["name"], "rostercheck");
    assert_eq!(v["package"]["version"], "1.2");
    assert_eq!(v["package"]["versionSource"], "manifest");
    assert_eq!(v["package"]["files"][0]["name"], "manifest.csv");
    for key in ["errors", "warnings", "infos", "omitted", "files", "rows"] {
        assert!(v["summary"][key].is_u64(), "summary.{key}");
    }
    assert!(v["diagnostics"].as_array().expect("array").is_empty());
}

#[test]
fn json_diagnostics_carry_every_contract_field() {
    let dir = temp_dir("json");
    for entry in std::fs::read_dir(fixture("1.1")).expect("fixture") {
        let p = entry.expect("entry").path();
        std::fs::copy(&p, dir.join(p.file_name().expect("name"))).expect("copy");
    }
    let classes = std::fs::read_to_string(dir.join("classes.csv"))
        .expect("classes")
        .replace("scheduled,Lab 2", "Scheduled,Lab 2");
    std::fs::write(dir.join("classes.csv"), classes).expect("write");
    let (code, out, _) = rostercheck(&["check", dir.to_str().expect("utf8"), "--format", "json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let d = &v["diagnostics"][0];
    let mut keys: Vec<&str> = d
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "code", "column", "field", "file", "help", "line", "message", "rule", "severity",
            "value"
        ]
    );
    assert_eq!(d["code"], "OR303");
    assert_eq!(d["rule"], "invalid-enum");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["file"], "classes.csv");
    assert_eq!(d["line"], 3);
    assert_eq!(d["column"], 8);
    assert_eq!(d["field"], "classType");
    assert_eq!(d["value"], "Scheduled");
    assert_eq!(v["summary"]["errors"], 1);
}

#[test]
fn zip_exports_and_nested_folders_are_read() {
    let dir = temp_dir("zip");
    let zip = dir.join("OneRoster.zip");
    let (code, _, err) = rostercheck(&[
        "generate",
        "--out",
        zip.to_str().expect("utf8"),
        "--students",
        "50",
        "--oneroster",
        "1.1",
    ]);
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = rostercheck(&["check", zip.to_str().expect("utf8")]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("OneRoster 1.1 package (from manifest.csv)"),
        "{out}"
    );
}

#[test]
fn generate_writes_a_folder_that_validates() {
    let dir = temp_dir("gen");
    let out = dir.join("district");
    let (code, _, err) = rostercheck(&[
        "generate",
        "--out",
        out.to_str().expect("utf8"),
        "--students",
        "120",
        "--mode",
        "delta",
    ]);
    assert_eq!(code, 0, "{err}");
    let (code, report, _) =
        rostercheck(&["check", out.to_str().expect("utf8"), "--format", "json"]);
    assert_eq!(code, 0, "{report}");
    let v: serde_json::Value = serde_json::from_str(&report).expect("json");
    assert_eq!(v["summary"]["errors"], 0);
    assert_eq!(v["summary"]["warnings"], 0);
}

#[test]
fn rules_and_explain() {
    let (code, out, _) = rostercheck(&["rules"]);
    assert_eq!(code, 0);
    assert!(out.lines().count() >= 60, "{out}");
    assert!(out.contains("OR309  error    invalid-grade"), "{out}");
    let (code, out, _) = rostercheck(&["rules", "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(
        v.as_array().expect("array").len(),
        rostercheck_core::rules::ALL.len()
    );
    let (code, out, _) = rostercheck(&["explain", "invalid-grade"]);
    assert_eq!(code, 0);
    for heading in [
        "What it checks",
        "Why it matters",
        "Example",
        "How to fix",
        "Spec",
    ] {
        assert!(out.contains(heading), "{out}");
    }
}

#[test]
fn max_per_rule_caps_the_list_but_not_the_totals() {
    let dir = temp_dir("cap");
    let out = dir.join("d");
    rostercheck(&[
        "generate",
        "--out",
        out.to_str().expect("utf8"),
        "--students",
        "100",
        "--oneroster",
        "1.1",
    ]);
    let users = std::fs::read_to_string(out.join("users.csv"))
        .expect("users")
        .replace(",true,", ",TRUE,");
    std::fs::write(out.join("users.csv"), users).expect("write");
    let (code, report, _) = rostercheck(&[
        "check",
        out.to_str().expect("utf8"),
        "--format",
        "json",
        "--max-per-rule",
        "5",
    ]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&report).expect("json");
    let listed = v["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .filter(|d| d["code"] == "OR307")
        .count();
    assert_eq!(listed, 5);
    let errors = v["summary"]["errors"].as_u64().expect("errors");
    assert_eq!(
        errors,
        5 + v["summary"]["omitted"].as_u64().expect("omitted")
    );
    assert!(errors > 100, "{errors}");
}
