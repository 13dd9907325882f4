//! Drivers shared by the fuzz targets (`fuzz/`, cargo-fuzz on nightly) and the stable test that
//! replays saved inputs. Each turns arbitrary bytes into a package, validates it, and checks the
//! invariants a panic would break: no crash, and the same findings whatever the chunk sizes.

use rostercheck_core::spec::FileKind;
use rostercheck_core::{validate_in_memory, Report};

/// Chunk sizes derived from a seed byte (1 to 4096, and whole files).
fn chunks(seed: u8) -> [usize; 2] {
    [1 + (seed as usize * 37) % 4096, 0]
}

fn same_findings(files: &[(String, Vec<u8>)], seed: u8) {
    let mut first: Option<Report> = None;
    for chunk in chunks(seed) {
        let mut report = Report::new(50);
        validate_in_memory(files, chunk, &mut report);
        if let Some(f) = &first {
            assert_eq!(
                f.diagnostics, report.diagnostics,
                "findings depend on the chunk size"
            );
            assert_eq!(f.summary, report.summary, "totals depend on the chunk size");
        } else {
            first = Some(report);
        }
    }
}

fn kind_at(byte: u8) -> FileKind {
    FileKind::ALL
        .get(byte as usize % FileKind::ALL.len())
        .copied()
        .unwrap_or(FileKind::Users)
}

/// One file of a kind chosen by the first byte; the second byte picks the chunk size.
pub fn session(data: &[u8]) {
    let [kind, seed, content @ ..] = data else {
        return;
    };
    let kind = kind_at(*kind);
    same_findings(&[(kind.file_name().to_owned(), content.to_vec())], *seed);
}

/// Several files: the input is split on `0xFF` bytes; each part's first byte names its kind.
pub fn package(data: &[u8]) {
    let [seed, rest @ ..] = data else { return };
    let mut files = Vec::new();
    for part in rest.split(|b| *b == 0xFF).take(24) {
        let Some((kind, content)) = part.split_first() else {
            continue;
        };
        let name = kind_at(*kind).file_name();
        files.push((name.to_owned(), content.to_vec()));
    }
    same_findings(&files, *seed);
}

/// An arbitrary manifest.csv beside a few fixed small files.
pub fn manifest(data: &[u8]) {
    let files = vec![
        ("manifest.csv".to_owned(), data.to_vec()),
        ("orgs.csv".to_owned(), b"sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\nd1,,,D,district,,\n".to_vec()),
        ("roles.csv".to_owned(), b"sourcedId\n".to_vec()),
        ("users.xlsx".to_owned(), b"PK\x03\x04".to_vec()),
    ];
    same_findings(&files, data.first().copied().unwrap_or(0));
}

/// Arbitrary bytes as a zip export.
pub fn zip(data: &[u8]) {
    let mut report = Report::new(50);
    let _ = crate::input::check_zip_bytes(data, 4096, &mut report);
}

/// The drivers by name, for the replay test.
pub fn driver(name: &str) -> Option<fn(&[u8])> {
    match name {
        "session" => Some(session),
        "package" => Some(package),
        "manifest" => Some(manifest),
        "zip" => Some(zip),
        _ => None,
    }
}
