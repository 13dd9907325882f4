//! Large files are checked in two parts on two threads (`Session::fork`); the report is the
//! one a single thread gives, whether the parts are merged or the second is read again.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)] // test code

use std::path::{Path, PathBuf};

use rostercheck_cli::input;
use rostercheck_core::{Report, Session};
use rostercheck_gen::{generate_in_memory, GenOptions, Mode, Version};

/// A generated package with defects on both sides of every file's middle, written to a
/// fresh folder.
fn package(name: &str, defects: bool) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "rostercheck-two-parts-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let files = generate_in_memory(&GenOptions {
        version: Version::V1_2,
        mode: Mode::Bulk,
        students: 1_500,
        seed: 4,
        crlf: false,
        uuid_ids: false,
        quote_all: false,
    })
    .unwrap();
    for (file, bytes) in files {
        let mut lines: Vec<String> = String::from_utf8(bytes)
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect();
        let n = lines.len();
        if defects && n > 20 {
            // A bad value early and late, a reference to nothing late, a blank line late.
            for at in [n / 4, n * 3 / 4] {
                let mut fields: Vec<String> = lines[at].split(',').map(str::to_owned).collect();
                fields[1] = "retired".to_owned();
                lines[at] = fields.join(",");
            }
            let mut fields: Vec<String> = lines[n * 2 / 3].split(',').map(str::to_owned).collect();
            if let Some(last) = fields.iter_mut().rev().find(|f| f.contains('-')) {
                *last = "nobody-0001".to_owned();
            }
            lines[n * 2 / 3] = fields.join(",");
            lines.insert(n * 4 / 5, String::new());
            if file == "enrollments.csv" {
                // An id in both parts: the parts cannot be merged, the second is read again.
                let early = lines[2].clone();
                lines.insert(n - 2, early);
            }
            if file == "users.csv" {
                // Extra fields in the second part: read again too.
                lines[n - 3].push_str(",x");
            }
        }
        std::fs::write(dir.join(file), lines.join("\n") + "\n").unwrap();
    }
    dir
}

fn check(dir: &Path, chunk: usize, from: u64, ahead_share: Option<u8>) -> (Report, usize) {
    let mut report = Report::new(3);
    let session = input::check_with_splitting(
        Session::new(),
        &[dir.to_path_buf()],
        chunk,
        input::Splitting { from, ahead_share },
        &mut report,
    )
    .unwrap();
    (report, session.parts_absorbed())
}

/// The same findings, in the same order, and the same package summary.
fn assert_same(split: &Report, whole: &Report, at: &str) {
    assert_eq!(split.summary, whole.summary, "{at}");
    assert_eq!(split.diagnostics, whole.diagnostics, "{at}");
    assert_eq!(
        format!("{:?}", split.package),
        format!("{:?}", whole.package),
        "{at}"
    );
}

#[test]
fn files_checked_in_two_parts_give_the_report_of_one_thread() {
    for (name, defects) in [("clean", false), ("defects", true)] {
        let dir = package(name, defects);
        let (whole, none) = check(&dir, 65536, u64::MAX, None);
        assert_eq!(none, 0);
        assert!(defects == whole.has_errors(), "{name}: {:?}", whole.summary);
        // demographics.csv is checked ahead, by the thread of enrollments' second part: from
        // its header on (0), from its middle on after this thread has checked the first half
        // (50), not at all (100: this thread checks it whole), or from where the threads'
        // speeds say (None).
        for (chunk, ahead_share) in [
            (4096, None),
            (65536, None),
            (65536, Some(0)),
            (4096, Some(50)),
            (65536, Some(50)),
            (65536, Some(100)),
        ] {
            let at = format!("{name}, chunk {chunk}, ahead share {ahead_share:?}");
            let (split, absorbed) = check(&dir, chunk, 0, ahead_share);
            assert_same(&split, &whole, &at);
            // courses, classes, users, roles, enrollments and demographics are split (the
            // last in the part the ahead share leaves the other thread); with defects users
            // and enrollments are read again.
            let split_files = if defects { 4 } else { 6 };
            let expected = split_files - usize::from(ahead_share == Some(100));
            assert_eq!(absorbed, expected, "{at}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn roles_checked_beside_users_give_the_report_of_one_thread() {
    // users.csv read whole by this thread (smaller than the size files are split from) while
    // the other checks roles.csv, its references to users looked up once users.csv is read.
    // Roles that make students aides (which their enrollments then contradict) are taken in;
    // roles of users who do not exist have roles.csv read again by this thread, which reports
    // them with their lines; so do the package's other defects.
    let edit = |dir: &Path, every: usize, from: &str, to: &str| {
        let roles = std::fs::read_to_string(dir.join("roles.csv")).unwrap();
        let edited: Vec<String> = roles
            .lines()
            .enumerate()
            .map(|(n, line)| {
                if n % 97 == every {
                    line.replacen(from, to, 1)
                } else {
                    line.to_owned()
                }
            })
            .collect();
        std::fs::write(dir.join("roles.csv"), edited.join("\n") + "\n").unwrap();
    };
    // (name, defects, roles edited: every so many lines, this text for that, roles.csv taken
    // in.)
    type Edit = Option<(usize, &'static str, &'static str)>;
    let cases: [(&str, bool, Edit, bool); 4] = [
        ("beside-clean", false, None, true),
        (
            "beside-aides",
            false,
            Some((9, ",primary,student,", ",primary,aide,")),
            true,
        ),
        (
            "beside-gone",
            false,
            Some((5, ",stu-", ",stu-gone-")),
            false,
        ),
        (
            "beside-defects",
            true,
            Some((5, ",stu-", ",stu-gone-")),
            false,
        ),
    ];
    for (name, defects, roles, taken_in) in cases {
        let dir = package(name, defects);
        if let Some((every, from, to)) = roles {
            edit(&dir, every, from, to);
        }
        let size = |file: &str| std::fs::metadata(dir.join(file)).unwrap().len();
        let from = size("users.csv") + 1;
        assert!(
            size("roles.csv") >= from / 8,
            "roles.csv too small to be checked beside"
        );
        let (whole, _) = check(&dir, 65536, u64::MAX, None);
        assert!(
            !whole.diagnostics.is_empty() || roles.is_none(),
            "{name}: nothing found"
        );
        for chunk in [4096, 65536] {
            let at = format!("{name}, chunk {chunk}");
            let (split, absorbed) = check(&dir, chunk, from, None);
            assert_same(&split, &whole, &at);
            // roles.csv beside users.csv, enrollments.csv in two parts (with defects, read
            // again: an id in both parts) and demographics.csv checked ahead.
            let expected = usize::from(taken_in) + if defects { 1 } else { 2 };
            assert_eq!(absorbed, expected, "{at}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

/// `dir`'s files in a zip beside it (deflated, as districts' exports are).
fn zipped(dir: &Path) -> PathBuf {
    let zip_path = dir.with_extension("zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    for name in names {
        zip.start_file(name.as_str(), options).unwrap();
        std::io::Write::write_all(&mut zip, &std::fs::read(dir.join(&name)).unwrap()).unwrap();
    }
    zip.finish().unwrap();
    zip_path
}

#[test]
fn zip_entries_checked_in_two_parts_give_the_report_of_one_thread() {
    for (name, defects) in [("zip-clean", false), ("zip-defects", true)] {
        let dir = package(name, defects);
        let zip = zipped(&dir);
        let (whole, none) = check(&zip, 65536, u64::MAX, None);
        assert_eq!(none, 0);
        assert!(defects == whole.has_errors(), "{name}: {:?}", whole.summary);
        // The same report as the loose files give.
        let (loose, _) = check(&dir, 65536, u64::MAX, None);
        assert_same(&whole, &loose, name);
        for chunk in [4096, 65536] {
            let at = format!("{name}, chunk {chunk}");
            let (split, absorbed) = check(&zip, chunk, 0, None);
            assert_same(&split, &whole, &at);
            // courses, classes, users, roles, enrollments and demographics are split; with
            // defects, users' and enrollments' second parts are read again by this thread.
            assert_eq!(absorbed, if defects { 4 } else { 6 }, "{at}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
        std::fs::remove_file(&zip).unwrap();
    }
}

/// A zip entry damaged in its second part: whether the part's thread or this one meets the
/// damage, the report is the one of reading the entry through.
#[test]
fn a_zip_entry_damaged_past_the_cut_gives_the_report_of_one_thread() {
    let dir = package("zip-damaged", false);
    let zip = zipped(&dir);
    let (start, packed) = {
        let mut archive = zip::ZipArchive::new(std::fs::File::open(&zip).unwrap()).unwrap();
        let entry = archive.by_name("enrollments.csv").unwrap();
        (entry.data_start(), entry.compressed_size())
    };
    let bytes = std::fs::read(&zip).unwrap();
    for (i, at) in [(0, packed * 3 / 4), (1, packed - 2)] {
        let mut damaged = bytes.clone();
        damaged[(start + at) as usize] ^= 0x5a;
        let path = dir.with_extension(format!("{i}.zip"));
        std::fs::write(&path, &damaged).unwrap();
        let (whole, _) = check(&path, 65536, u64::MAX, None);
        assert!(whole.has_errors(), "{:?}", whole.summary);
        let (split, absorbed) = check(&path, 65536, 0, None);
        assert_same(&split, &whole, &format!("damage {i}"));
        // Every split entry's part taken in but enrollments' (read again, up to the damage).
        assert_eq!(absorbed, 5, "damage {i}");
        std::fs::remove_file(&path).unwrap();
    }
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::remove_file(&zip).unwrap();
}
