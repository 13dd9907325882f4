//! Hostile and damaged zips: each gives a clear finding (or, when nothing can be listed, a clear
//! error), reads nothing it should not, and never panics.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)] // test code

use std::io::Write;

use rostercheck_cli::input::check_zip_bytes;
use rostercheck_core::Report;

fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in entries {
            w.start_file(*name, options).expect("entry");
            w.write_all(bytes).expect("write");
        }
        w.finish().expect("finish");
    }
    out.into_inner()
}

fn base() -> Vec<(String, Vec<u8>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../rostercheck-core/tests/fixtures/base-1.1");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("base")
        .map(|e| e.expect("entry").path())
        .map(|p| {
            (
                p.file_name().expect("name").to_string_lossy().into_owned(),
                std::fs::read(&p).expect("read"),
            )
        })
        .collect();
    files.sort();
    files
}

/// The base package as a zip.
fn base_zip() -> Vec<u8> {
    let files = base();
    let entries: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    zip(&entries)
}

/// The base package as a zip, with the offsets of `name`'s local header and central entry.
fn base_zip_at(name: &str) -> (Vec<u8>, usize, usize) {
    let entry = base()
        .iter()
        .position(|(n, _)| n == name)
        .expect("in the base package");
    let bytes = base_zip();
    let (local, central) = headers(&bytes);
    (bytes, local[entry], central[entry])
}

fn check(bytes: &[u8]) -> Result<Report, String> {
    let mut report = Report::new(0);
    check_zip_bytes(bytes, 4096, &mut report).map(|()| report)
}

fn codes(r: &Report) -> Vec<&'static str> {
    r.diagnostics.iter().map(|d| d.code).collect()
}

/// Offsets of every local file header and central directory entry.
fn headers(bytes: &[u8]) -> (Vec<usize>, Vec<usize>) {
    let find = |sig: &[u8]| {
        bytes
            .windows(4)
            .enumerate()
            .filter(|(_, w)| *w == sig)
            .map(|(i, _)| i)
            .collect::<Vec<_>>()
    };
    (find(b"PK\x03\x04"), find(b"PK\x01\x02"))
}

#[test]
fn a_clean_zip_has_no_findings() {
    let r = check(&base_zip()).expect("readable");
    assert!(r.diagnostics.is_empty(), "{:?}", codes(&r));
}

#[test]
fn a_zip_bomb_is_refused_without_being_inflated() {
    let zeros = vec![0u8; 200 * 1024 * 1024];
    let bytes = zip(&[
        ("manifest.csv", b"propertyName,value\n"),
        ("users.csv", &zeros),
    ]);
    assert!(
        bytes.len() < 1024 * 1024,
        "the bomb is small: {}",
        bytes.len()
    );
    let r = check(&bytes).expect("listed");
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.code == "OR015")
        .expect("OR015");
    assert!(d.message.contains("zip bomb"), "{}", d.message);
}

#[test]
fn an_encrypted_entry_is_reported_and_the_rest_checked() {
    let (mut bytes, local, central) = base_zip_at("users.csv");
    // Set the "encrypted" flag of users.csv.
    bytes[local + 6] |= 1;
    bytes[central + 8] |= 1;
    let r = check(&bytes).expect("listed");
    let problems: Vec<&str> = r
        .diagnostics
        .iter()
        .filter(|d| d.code == "OR015")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        problems,
        ["users.csv could not be read: it is encrypted (password-protected)"]
    );
    // The unreadable users.csv does not cascade into one finding per enrollment.
    assert!(!codes(&r).contains(&"OR501"), "{:?}", codes(&r));
}

#[test]
fn an_unsupported_compression_method_is_a_clear_message() {
    let (mut bytes, local, central) = base_zip_at("demographics.csv");
    bytes[local + 8] = 99;
    bytes[central + 10] = 99;
    match check(&bytes) {
        // The zip library refuses to list such an archive at all.
        Err(e) => assert!(e.contains("not a readable zip archive"), "{e}"),
        Ok(r) => assert!(
            r.diagnostics.iter().any(|d| d.code == "OR015"),
            "{:?}",
            codes(&r)
        ),
    }
}

#[test]
fn a_damaged_entry_is_reported_and_the_rest_checked() {
    let (mut bytes, local, _) = base_zip_at("orgs.csv");
    // Scramble the compressed data of orgs.csv.
    let name_len = u16::from_le_bytes([bytes[local + 26], bytes[local + 27]]) as usize;
    let data = local + 30 + name_len;
    for b in &mut bytes[data..data + 20] {
        *b ^= 0x5A;
    }
    let r = check(&bytes).expect("listed");
    assert!(
        r.diagnostics
            .iter()
            .any(|d| d.code == "OR015" && d.file.as_deref() == Some("orgs.csv")),
        "{:?}",
        codes(&r)
    );
}

#[test]
fn a_truncated_zip_is_a_clear_error() {
    let bytes = base_zip();
    let err = check(&bytes[..bytes.len() / 2])
        .err()
        .expect("cannot be listed");
    assert!(
        err.contains("not a readable zip archive") && err.contains("partly downloaded"),
        "{err}"
    );
}

#[test]
fn nested_folders_path_like_names_duplicates_and_a_zip_inside() {
    let files = base();
    let mut entries: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|(n, b)| (format!("../../export/{n}"), b.clone()))
        .collect();
    entries.push(("../../export/Users.csv".into(), b"sourcedId\n".to_vec()));
    entries.push(("inner.zip".into(), zip(&[("users.csv", b"x")])));
    let refs: Vec<(&str, &[u8])> = entries
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let r = check(&zip(&refs)).expect("listed");
    let c = codes(&r);
    assert!(c.contains(&"OR011"), "nested folder: {c:?}");
    assert!(c.contains(&"OR014"), "duplicate: {c:?}");
    assert!(
        r.diagnostics
            .iter()
            .any(|d| d.message.contains("zip inside the zip")),
        "{c:?}"
    );
    // The files themselves were read and are clean.
    assert!(
        !c.iter()
            .any(|c| c.starts_with("OR3") || c.starts_with("OR5")),
        "{c:?}"
    );
}
