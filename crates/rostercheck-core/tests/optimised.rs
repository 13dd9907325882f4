//! The optimised engine (memchr fast path, ids sorted once per file, rows checked in batches)
//! against the reference behaviour (`Session::unoptimised`: every byte through csv-core, ids in
//! a hash map, each row checked as it arrives): the same findings in the same order, on
//! generated packages riddled with defects, at every size a test can afford.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)] // test code

mod common;

use common::*;
use rostercheck_core::{
    validate_in_memory_in_parts, validate_in_memory_with, Parts, Report, Session, Split,
};
use rostercheck_gen::{generate_in_memory, GenOptions, Mode, Version};

/// A small deterministic generator (no dependency needed for this).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

/// Damages `count` lines of every file: ids copied from other rows (duplicates, also
/// within one batch), references to ids that do not exist, quotes, NUL and non-UTF-8 bytes,
/// blank lines, extra commas, CR line ends and lines cut in two.
fn damage(pkg: &mut Package, seed: u64, count: usize) {
    let mut rng = Lcg(seed);
    for (_, bytes) in pkg.iter_mut() {
        let text = String::from_utf8_lossy(bytes).into_owned();
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        if lines.len() < 3 {
            continue;
        }
        for _ in 0..count {
            let n = lines.len();
            let at = 1 + rng.below(n - 1);
            let other = 1 + rng.below(n - 1);
            let near = (at + 1 + rng.below(8)).min(n - 1);
            let mut fields: Vec<String> = lines[at].split(',').map(str::to_owned).collect();
            let from: Vec<String> = lines[other].split(',').map(str::to_owned).collect();
            let col = rng.below(fields.len());
            match rng.below(12) {
                0 => fields[0] = from[0].clone(),
                1 => lines[near] = lines[at].clone(),
                2 if col < from.len() => fields[col] = from[col].clone(),
                3 => fields[col] = format!("missing-{}", rng.below(50)),
                4 => fields[col] = format!("\"{}\"", fields[col]),
                5 => fields[col] = format!("{}\"x", fields[col]),
                6 => fields[col].push('\0'),
                7 => fields[col].push('\u{e9}'),
                8 => fields[col] = format!(" {} ", fields[col]),
                9 => fields.push(String::new()),
                10 => fields[col].push('\r'),
                _ => fields[col] = format!("\"{}\n{}\"", fields[col], fields[col]),
            }
            lines[at] = fields.join(",");
        }
        let mut out = lines.join("\n").into_bytes();
        out.push(b'\n');
        // Sometimes a byte that is not UTF-8 at all.
        if rng.below(3) == 0 {
            let i = rng.below(out.len());
            out[i] = 0xE9;
        }
        *bytes = out;
    }
}

fn report(session: Session, pkg: &Package, chunk: usize, cap: usize) -> Report {
    let mut report = Report::new(cap);
    validate_in_memory_with(session, pkg, chunk, &mut report);
    report
}

fn compare(pkg: &Package, chunks: &[usize], what: &str) {
    for cap in [0, 3] {
        let reference = report(Session::unoptimised(), pkg, 4096, cap);
        assert!(
            !reference.diagnostics.is_empty() || cap > 0,
            "{what}: no findings at all"
        );
        for &chunk in chunks {
            let fast = report(Session::new(), pkg, chunk, cap);
            assert_same(
                &reference,
                &fast,
                &format!("{what}, chunk {chunk}, cap {cap}"),
            );
        }
    }
}

/// The same summary and findings, or a panic showing where they part.
fn assert_same(reference: &Report, got: &Report, what: &str) {
    assert_eq!(got.summary, reference.summary, "{what}");
    if got.diagnostics != reference.diagnostics {
        let a: Vec<String> = reference.diagnostics.iter().map(describe).collect();
        let b: Vec<String> = got.diagnostics.iter().map(describe).collect();
        let first = a
            .iter()
            .zip(&b)
            .position(|(x, y)| x != y)
            .unwrap_or(a.len().min(b.len()));
        panic!(
            "{what}: findings differ from finding {first}\nreference: {:?}\ngot:       {:?}",
            a.get(first..first + 3),
            b.get(first..first + 3)
        );
    }
}

/// Replaces the text of the file `name` with what `change` makes of it.
fn edit(pkg: &mut Package, name: &str, change: impl FnOnce(&str) -> String) {
    let (_, bytes) = pkg.iter_mut().find(|(n, _)| n == name).unwrap();
    *bytes = change(std::str::from_utf8(bytes).unwrap()).into_bytes();
}

fn generated(version: Version, mode: Mode, students: u64, seed: u64) -> Package {
    generate_in_memory(&GenOptions {
        version,
        mode,
        students,
        seed,
        crlf: seed.is_multiple_of(2),
        uuid_ids: false,
        quote_all: false,
    })
    .expect("generate")
}

#[test]
fn damaged_small_packages_give_the_same_report() {
    for (i, version) in [Version::V1_1, Version::V1_2].into_iter().enumerate() {
        for seed in 1..=6u64 {
            let mode = if seed == 3 { Mode::Delta } else { Mode::Bulk };
            let mut pkg = generated(version, mode, 40 + seed * 30, seed + i as u64);
            damage(&mut pkg, seed * 31 + i as u64, 12);
            compare(
                &pkg,
                &[1, 7, 64, 4096, 0],
                &format!("{version:?} seed {seed}"),
            );
        }
    }
}

#[test]
fn every_row_of_a_valid_package_takes_the_clean_path_where_there_is_one() {
    // Reports are the same either way (the tests here): only this fails if the short path of
    // enrollments, roles, demographics, users and classes stops being taken.
    // (A row with a quoted field, such as a name with a comma, takes it too.)
    for version in [Version::V1_1, Version::V1_2] {
        let pkg = generated(version, Mode::Bulk, 600, 5);
        let (taken, rows) = clean_path_rows(&pkg, Session::new());
        assert!(rows > 3000, "{version:?}: {rows} rows");
        assert_eq!(taken, rows, "{version:?}");
        assert_eq!(clean_path_rows(&pkg, Session::unoptimised()).0, 0);
    }
}

/// How many rows of the files with a clean path took it in `session`, and how many they hold
/// (the package must be valid).
fn clean_path_rows(pkg: &Package, session: Session) -> (u64, u64) {
    let mut report = Report::new(100);
    let session = validate_in_memory_with(session, pkg, 0, &mut report);
    assert!(!report.has_errors(), "{:?}", report.diagnostics);
    let rows = [
        "enrollments.csv",
        "roles.csv",
        "demographics.csv",
        "users.csv",
        "classes.csv",
    ]
    .iter()
    .filter(|name| pkg.iter().any(|(n, _)| n == *name))
    .map(|name| file_text(pkg, name).lines().skip(1).count() as u64)
    .sum();
    (session.clean_path_rows(), rows)
}

#[test]
fn damaged_district_gives_the_same_report() {
    // Thousands of rows per file, so duplicates span filter batches, row batches and the
    // tables' growth; defects in every file.
    let mut pkg = generated(Version::V1_2, Mode::Bulk, 6_000, 11);
    damage(&mut pkg, 99, 400);
    compare(&pkg, &[4096, 65536], "6,000 students");
    let mut pkg = generated(Version::V1_1, Mode::Bulk, 6_000, 12);
    damage(&mut pkg, 98, 400);
    compare(&pkg, &[65536], "6,000 students, 1.1");
}

#[test]
fn findings_past_the_listing_cap_count_as_they_would_listed() {
    // Broken references, errors in a bulk file and warnings in a delta one, twenty of each
    // kind in one file: past the cap they are only counted, never built.
    for mode in [Mode::Bulk, Mode::Delta] {
        let mut pkg = generated(Version::V1_2, mode, 300, 5);
        edit(&mut pkg, "enrollments.csv", |text| {
            let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
            let header = csv_fields(&lines[0]);
            let class = header.iter().position(|h| h == "classSourcedId").unwrap();
            let user = header.iter().position(|h| h == "userSourcedId").unwrap();
            for (i, line) in lines.iter_mut().enumerate().skip(1).take(40) {
                let mut fields = csv_fields(line);
                let column = if i % 2 == 0 { class } else { user };
                fields[column] = format!("missing-{i}");
                *line = fields.join(",");
            }
            lines.join("\n") + "\n"
        });
        let all = report(Session::new(), &pkg, 4096, 0);
        let capped = report(Session::new(), &pkg, 4096, 3);
        let totals = |r: &Report| {
            let mut t: Vec<_> = r
                .totals()
                .map(|(f, c, s, n)| (f.map(str::to_owned), c, s, n))
                .collect();
            t.sort();
            t
        };
        assert_eq!(totals(&capped), totals(&all), "{mode:?}");
        let by_severity = |r: &Report| (r.summary.errors, r.summary.warnings, r.summary.infos);
        assert_eq!(by_severity(&capped), by_severity(&all), "{mode:?}");
        assert!(
            capped.summary.omitted > 20,
            "{mode:?}: the cap left out only {}",
            capped.summary.omitted
        );
    }
}

#[test]
fn duplicates_beyond_the_kept_values_are_still_reported() {
    // Every user row repeated: far more duplicates than fit the filter's batches.
    let mut pkg = generated(Version::V1_2, Mode::Bulk, 3_000, 5);
    edit(&mut pkg, "users.csv", |text| {
        let body: String = text.lines().skip(1).map(|l| format!("{l}\n")).collect();
        format!("{text}{body}")
    });
    compare(&pkg, &[65536], "users repeated");
    let fast = report(Session::new(), &pkg, 65536, 0);
    let dups = fast
        .diagnostics
        .iter()
        .filter(|d| d.code == "OR401")
        .count();
    assert!(dups > 3_000, "{dups}");
    assert!(fast
        .diagnostics
        .iter()
        .filter(|d| d.code == "OR401")
        .all(|d| d.value.is_some() && d.raw.is_some()));
}

#[test]
fn a_file_of_one_repeated_row_is_settled_on_the_way() {
    // More repeats than the duplicate log keeps values for: it is merged during the file, and
    // the report still matches the reference exactly.
    let mut pkg = generated(Version::V1_2, Mode::Bulk, 20, 3);
    edit(&mut pkg, "users.csv", |text| {
        let row = format!("{}\n", text.lines().nth(5).unwrap());
        format!("{text}{}", row.repeat(210_000))
    });
    compare(&pkg, &[65536], "one row repeated");
    let fast = report(Session::new(), &pkg, 65536, 3);
    assert_eq!(fast.total(Some("users.csv"), "OR401"), 210_000);
    assert_eq!(fast.total(Some("users.csv"), "OR603"), 210_000);
}

/// Checks `pkg` with every file split in two parts at several places, and compares with the
/// reference; returns how often the parts were merged and refused.
fn compare_in_parts(pkg: &Package, chunks: &[usize], what: &str) -> Parts {
    let mut total = Parts::default();
    for cap in [0, 3] {
        let reference = report(Session::unoptimised(), pkg, 4096, cap);
        for &chunk in chunks {
            // (Through bytes, as between the page's workers, at two of the cuts; and with the
            // file after each split one checked from a fork made before it, as the page does.)
            for (fraction, as_bytes, ahead) in [
                (0.0, false, false),
                (0.3, true, false),
                (0.3, true, true),
                (0.5, false, false),
                (0.5, false, true),
                (0.9, true, false),
            ] {
                let split = Split {
                    chunk,
                    fraction,
                    min_bytes: 0,
                    as_bytes,
                    ahead,
                };
                let mut checked = Report::new(cap);
                let parts = validate_in_memory_in_parts(Session::new(), pkg, split, &mut checked);
                total.merged += parts.merged;
                total.refused += parts.refused;
                total.refused_early += parts.refused_early;
                let case = format!(
                    "{what}, chunk {chunk}, cap {cap}, cut at {fraction}, bytes {as_bytes}, ahead {ahead}"
                );
                assert_same(&reference, &checked, &case);
                assert_eq!(
                    format!("{:?}", checked.package),
                    format!("{:?}", reference.package),
                    "{what}: package info"
                );
                if as_bytes {
                    // Bytes that do not read back would send a file to be read whole, which
                    // gives the same report: the same cut in one session must merge as many.
                    let direct = validate_in_memory_in_parts(
                        Session::new(),
                        pkg,
                        Split {
                            as_bytes: false,
                            ..split
                        },
                        &mut Report::new(cap),
                    );
                    assert_eq!(parts, direct, "{case}: merged through bytes as directly");
                }
            }
        }
    }
    total
}

#[test]
fn a_valid_package_checked_in_two_parts_merges_every_file() {
    for version in [Version::V1_1, Version::V1_2] {
        let pkg = generated(version, Mode::Bulk, 300, 7);
        let parts = compare_in_parts(&pkg, &[4096], &format!("{version:?} valid"));
        assert_eq!(parts.refused, 0, "{parts:?}");
        assert!(parts.merged > 20, "{parts:?}");
    }
}

#[test]
fn damaged_packages_checked_in_two_parts_give_the_same_report() {
    let mut merged = 0;
    for (i, version) in [Version::V1_1, Version::V1_2].into_iter().enumerate() {
        for seed in 1..=6u64 {
            let mode = if seed == 3 { Mode::Delta } else { Mode::Bulk };
            let mut pkg = generated(version, mode, 40 + seed * 30, seed + i as u64);
            damage(&mut pkg, seed * 31 + i as u64, 12);
            if seed % 2 == 0 {
                blank_lines(&mut pkg);
            }
            merged +=
                compare_in_parts(&pkg, &[7, 4096, 0], &format!("{version:?} seed {seed}")).merged;
        }
    }
    // Some parts cannot be merged (a damaged row at the cut, an id in both parts); most can.
    assert!(merged > 100, "{merged}");
    let mut pkg = generated(Version::V1_2, Mode::Bulk, 6_000, 11);
    damage(&mut pkg, 99, 400);
    compare_in_parts(&pkg, &[65536], "6,000 students");
}

#[test]
fn a_part_with_more_distinct_broken_references_than_are_kept_is_refused_as_it_is_checked() {
    // From its second row on, every enrollment names a different user that does not exist:
    // more distinct problems than the findings keep (200,000), so a part that holds them
    // could not be merged exactly. It says so once checked (the CLI's thread and the page's
    // worker stop there), and the file is read whole, with the same report.
    let mut pkg = generated(Version::V1_2, Mode::Bulk, 300, 9);
    edit(&mut pkg, "enrollments.csv", |text| {
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        let header = csv_fields(&lines[0]);
        let column = |name: &str| header.iter().position(|h| h == name).unwrap();
        let (id, user) = (column("sourcedId"), column("userSourcedId"));
        let row = csv_fields(&lines[1]);
        for i in 0..210_000 {
            let mut fields = row.clone();
            fields[id] = format!("extra-{i}");
            fields[user] = format!("missing-{i}");
            lines.push(fields.join(","));
        }
        lines.join("\n") + "\n"
    });
    let reference = report(Session::unoptimised(), &pkg, 65536, 1000);
    let mut checked = Report::new(1000);
    let split = Split {
        chunk: 65536,
        fraction: 0.01,
        min_bytes: 0,
        as_bytes: true,
        ahead: false,
    };
    let parts = validate_in_memory_in_parts(Session::new(), &pkg, split, &mut checked);
    assert_same(&reference, &checked, "210,000 broken references");
    assert_eq!(parts.refused_early, 1, "{parts:?}");
    assert!(parts.merged > 3, "{parts:?}");
}

/// Empty lines at a fifth and at seven tenths of every file (one before and one after most
/// cuts), and one before the header.
fn blank_lines(pkg: &mut Package) {
    for (_, bytes) in pkg.iter_mut() {
        bytes.insert(0, b'\n');
        for fraction in [0.7, 0.2] {
            let at = (bytes.len() as f64 * fraction) as usize;
            if let Some(n) = bytes[at..].iter().position(|b| *b == b'\n') {
                bytes.insert(at + n + 1, b'\n');
            }
        }
    }
}

#[test]
fn an_enrollment_in_the_wrong_school_is_found_whichever_part_its_class_was_in() {
    // The classes' schools come from both parts of classes.csv.
    let mut pkg = generated(Version::V1_2, Mode::Bulk, 3_000, 9);
    let text = file_text;
    let classes = text(&pkg, "classes.csv");
    let schools: Vec<String> = text(&pkg, "orgs.csv")
        .lines()
        .filter(|l| l.contains(",school,"))
        .map(|l| l.split(',').next().unwrap().to_owned())
        .collect();
    assert!(schools.len() > 1);
    // The first and the last class (one in each part).
    let ends: Vec<(String, String)> = [classes.lines().nth(1), classes.lines().last()]
        .into_iter()
        .map(|l| {
            let f: Vec<&str> = l.unwrap().split(',').collect();
            (f[0].to_owned(), f[9].to_owned())
        })
        .collect();
    edit(&mut pkg, "enrollments.csv", |text| {
        let mut out = String::new();
        for line in text.lines() {
            let mut f: Vec<String> = line.split(',').map(str::to_owned).collect();
            if let Some((_, school)) = ends.iter().find(|(class, _)| f[3] == *class) {
                f[4] = schools.iter().find(|s| *s != school).unwrap().clone();
            }
            out.push_str(&f.join(","));
            out.push('\n');
        }
        out
    });
    compare_in_parts(&pkg, &[65536], "enrollments in the wrong school");
    let reference = report(Session::unoptimised(), &pkg, 65536, 0);
    let mismatches: Vec<_> = reference
        .diagnostics
        .iter()
        .filter(|d| d.code == "OR506")
        .collect();
    assert!(
        mismatches.iter().any(|d| d.message.contains(&ends[0].0)),
        "first class"
    );
    assert!(
        mismatches.iter().any(|d| d.message.contains(&ends[1].0)),
        "last class"
    );
}

#[test]
fn a_reference_into_an_empty_file_from_the_second_part_only_keeps_its_line() {
    // academicSessions.csv has no rows, and only the last courses name a school year: the
    // finding's first line comes from the second part of courses.csv (its lines shifted).
    let mut pkg = generated(Version::V1_1, Mode::Bulk, 3_000, 5);
    for (name, bytes) in pkg.iter_mut() {
        let text = String::from_utf8(bytes.clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let kept = match name.as_str() {
            "academicSessions.csv" => lines[..1].join("\n"),
            "courses.csv" => {
                let last = lines.len() - 3;
                let rows = lines.iter().enumerate().map(|(i, line)| {
                    let mut f: Vec<&str> = line.split(',').collect();
                    if i > 0 && i < last && f.len() > 3 {
                        f[3] = "";
                    }
                    f.join(",")
                });
                rows.collect::<Vec<_>>().join("\n")
            }
            _ => continue,
        };
        *bytes = format!("{kept}\n").into_bytes();
    }
    let parts = compare_in_parts(&pkg, &[4096], "references into an empty file");
    assert!(parts.merged > 0, "{parts:?}");
    let reference = report(Session::unoptimised(), &pkg, 4096, 0);
    let courses = reference
        .diagnostics
        .iter()
        .filter(|d| {
            d.file.as_deref() == Some("courses.csv") && d.message.contains("academicSessions")
        })
        .collect::<Vec<_>>();
    assert_eq!(courses.len(), 1, "{courses:#?}");
}

#[test]
fn a_file_checked_ahead_sees_the_roles_of_the_file_before() {
    // Students given another role in roles.csv: their enrollments as students conflict with
    // the role bits roles.csv set on users, so no part of enrollments.csv may be checked from
    // a session forked before roles.csv was read. (Every 40th student: their enrollments lie
    // in both parts.)
    let mut pkg = generated(Version::V1_2, Mode::Bulk, 2_000, 4);
    edit(&mut pkg, "roles.csv", |text| {
        let mut students = 0;
        text.lines()
            .map(|line| {
                let student = line.contains(",primary,student,");
                students += usize::from(student);
                if student && students % 40 == 0 {
                    format!("{}\n", line.replace(",primary,student,", ",primary,aide,"))
                } else {
                    format!("{line}\n")
                }
            })
            .collect()
    });
    let reference = report(Session::unoptimised(), &pkg, 4096, 0);
    let conflicts = reference
        .diagnostics
        .iter()
        .filter(|d| {
            d.file.as_deref() == Some("enrollments.csv") && d.field.as_deref() == Some("role")
        })
        .count();
    assert!(conflicts >= 40, "{conflicts}");
    let parts = compare_in_parts(&pkg, &[65536], "roles that conflict with enrollments");
    assert!(parts.merged > 0, "{parts:?}");
}

#[test]
fn roles_checked_beside_users_give_the_same_report() {
    // The CLI and the page check roles.csv in their other thread or worker from a fork made
    // before users.csv, its references to users looked up when it is taken in: students given
    // another role (which enrollments.csv then contradicts), a repeated role and a repeated
    // user are reported as when the files are read one after the other. A role of a user who
    // does not exist, or a users.csv without rows, has the part refused and roles.csv read
    // again by the first session, which reports the role with its line.
    let mut pkg = generated(Version::V1_2, Mode::Bulk, 2_000, 8);
    let roles = |gone: bool| {
        move |text: &str| {
            let lines: Vec<&str> = text.lines().collect();
            let mut out = String::new();
            for (n, line) in lines.iter().enumerate() {
                let changed = match n % 41 {
                    0 if n > 0 => line.replace(",primary,student,", ",primary,aide,"),
                    7 if gone => line.replacen(",stu-", ",stu-gone-", 1),
                    13 => lines[n - 1].to_owned(),
                    _ => (*line).to_owned(),
                };
                out.push_str(&changed);
                out.push('\n');
            }
            out
        }
    };
    edit(&mut pkg, "users.csv", |text| {
        let lines: Vec<&str> = text.lines().collect();
        let mut out = String::new();
        for (n, line) in lines.iter().enumerate() {
            // (A user repeated: every user is still there once.)
            if n % 97 == 50 {
                out.push_str(lines[n - 1]);
                out.push('\n');
            }
            out.push_str(line);
            out.push('\n');
        }
        out
    });
    let mut gone = pkg.clone();
    edit(&mut pkg, "roles.csv", roles(false));
    edit(&mut gone, "roles.csv", roles(true));
    let mut no_users = pkg.clone();
    edit(&mut no_users, "users.csv", |text| {
        format!("{}\n", text.lines().next().unwrap())
    });
    // And every file damaged besides (quotes, broken lines, bytes that are not UTF-8): the
    // part may then be refused, and roles.csv read again by the first session.
    let mut damaged = gone.clone();
    damage(&mut damaged, 21, 12);
    let cases = [
        (&pkg, "aides and repeated roles", Some(1)),
        (&gone, "roles of users who do not exist", Some(0)),
        (&no_users, "users.csv without rows", Some(0)),
        (&damaged, "every file damaged", None),
    ];
    for (pkg, what, deferred) in cases {
        let size = |name: &str| {
            pkg.iter()
                .find(|(n, _)| n == name)
                .map_or(0, |(_, b)| b.len())
        };
        let reference = report(Session::unoptimised(), pkg, 4096, 3);
        assert!(
            reference
                .diagnostics
                .iter()
                .any(|d| d.file.as_deref() == Some("roles.csv")),
            "{what}: no finding in roles.csv"
        );
        // users.csv and roles.csv are read whole (files past the larger of them are split).
        let whole = size("users.csv").max(size("roles.csv")) + 1;
        for (chunk, as_bytes) in [(65536, true), (0, false), (7, true)] {
            let split = Split {
                chunk,
                fraction: 0.5,
                min_bytes: whole,
                as_bytes,
                ahead: true,
            };
            let mut checked = Report::new(3);
            let parts = validate_in_memory_in_parts(Session::new(), pkg, split, &mut checked);
            assert_same(&reference, &checked, &format!("{what}, chunk {chunk}"));
            if let Some(deferred) = deferred {
                assert_eq!(parts.deferred, deferred, "{what}: {parts:?}");
            }
        }
    }
}

/// The text of the file `name` of `pkg`.
fn file_text(pkg: &Package, name: &str) -> String {
    String::from_utf8(pkg.iter().find(|(n, _)| n == name).unwrap().1.clone()).unwrap()
}

/// Sets, on rows 5, 12, 19… of the file `name` (closer together when the file is too short
/// for that), each column to its value in turn, written as given (a column or a file the
/// version does not have is skipped; the row's other fields keep their quotes where they need
/// them). A `beginDate` on an even turn gets an end date too, and `subjects` one subject code.
fn damage_rows(pkg: &mut Package, name: &str, changes: &[(&str, String)]) {
    if !pkg.iter().any(|(n, _)| n == name) {
        return;
    }
    edit(pkg, name, |t| {
        let mut lines: Vec<String> = t.lines().map(str::to_owned).collect();
        let header: Vec<String> = lines[0].split(',').map(str::to_owned).collect();
        let at = |column: &str| header.iter().position(|h| h == column);
        // (Clean rows between the damaged ones, fewer in a short file.)
        let step = (lines.len().saturating_sub(6) / changes.len().max(1)).clamp(2, 7);
        for (k, (column, value)) in changes.iter().enumerate() {
            let Some(col) = at(column) else { continue };
            let row = 5 + k * step;
            let mut fields: Vec<String> = csv_fields(&lines[row])
                .into_iter()
                .map(|f| {
                    if f.contains([',', '"']) {
                        format!("\"{}\"", f.replace('"', "\"\""))
                    } else {
                        f
                    }
                })
                .collect();
            fields[col] = value.clone();
            // 2027-09-02 then makes a reversed pair, 2026-08-15 a valid one.
            if *column == "beginDate" && k % 2 == 0 {
                fields[at("endDate").unwrap()] = "2027-06-15".to_owned();
            }
            // One subject then matches its one code, two do not.
            if *column == "subjects" && k % 2 == 0 {
                fields[at("subjectCodes").unwrap()] = "51001".to_owned();
            }
            lines[row] = fields.join(",");
        }
        lines.join("\n") + "\n"
    });
}

/// The sourcedIds of the package's district and of its last school in orgs.csv (a valid
/// reference, but not to the school of most rows).
fn district_and_last_school(pkg: &Package) -> (String, String) {
    let orgs = file_text(pkg, "orgs.csv");
    let ids_of = |kind: &str| -> Vec<String> {
        orgs.lines()
            .filter(|l| l.split(',').any(|f| f == kind))
            .map(|l| l.split(',').next().unwrap().to_owned())
            .collect()
    };
    let district = ids_of("district")[0].clone();
    (district, ids_of("school").last().unwrap().clone())
}

/// Every way a row of enrollments.csv, roles.csv, demographics.csv or users.csv can be wrong,
/// one row each (their clean rows have a path of their own, `session/clean_row.rs`: each row
/// here must leave it for the general one, and the rows around it must not).
fn damage_clean_path_files(pkg: &mut Package) {
    let text = file_text;
    let (district, other_school) = district_and_last_school(pkg);
    let users = text(pkg, "users.csv");
    let administrator = users
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .to_owned();
    let s = |v: &str| v.to_owned();
    let common = [
        ("status", s("active")),
        ("status", s("tobedeleted")),
        ("status", s("")),
        ("status", s("Active")),
        ("dateLastModified", s("2026-01-01T00:00:00.000Z")),
        ("dateLastModified", s("2026-13-01")),
        ("dateLastModified", s("")),
        ("sourcedId", s("x 5")),
        ("sourcedId", s("")),
        ("sourcedId", s("stu-0000003")),
        ("sourcedId", s("enr-00000003")),
    ];
    let mut enrollments = vec![
        ("role", s("teacher")),
        ("role", s("student")),
        ("role", s("Student")),
        ("role", s("ext:observer")),
        ("role", s("nonsense")),
        ("role", s("")),
        ("primary", s("TRUE")),
        ("primary", s("yes")),
        ("primary", s("true")),
        ("primary", s("false")),
        ("beginDate", s("2027-09-01")),
        ("beginDate", s("2027-09-02")),
        ("beginDate", s("2026-02-30")),
        ("beginDate", s("2026-08-15")),
        ("endDate", s("2026-06-01")),
        ("endDate", s("2027-06-15")),
        ("schoolSourcedId", district.clone()),
        ("schoolSourcedId", other_school.clone()),
        ("schoolSourcedId", s("")),
        ("classSourcedId", s("cls-missing")),
        ("classSourcedId", s("")),
        ("userSourcedId", s("usr missing")),
        ("userSourcedId", administrator.clone()),
        ("userSourcedId", s("st\u{fc}-0000001")),
        ("classSourcedId", s(" cls-000001")),
        ("userSourcedId", s("stu-0000001\t")),
        ("role", s("student ")),
    ];
    enrollments.extend(common.iter().cloned());
    damage_rows(pkg, "enrollments.csv", &enrollments);
    let mut roles = vec![
        ("roleType", s("secondary")),
        ("roleType", s("primary")),
        ("roleType", s("Primary")),
        ("role", s("student")),
        ("role", s("teacher")),
        ("role", s("guardian")),
        ("role", s("nonsense")),
        ("userSourcedId", s("usr-missing")),
        ("userSourcedId", administrator.clone()),
        ("orgSourcedId", district.clone()),
        ("orgSourcedId", s("org-missing")),
        ("orgSourcedId", s("")),
        ("userProfileSourcedId", s("prf-0001")),
        ("beginDate", s("2027-09-01")),
        ("beginDate", s("2027-09-02")),
        ("endDate", s("2026-06-01")),
        ("role", s(" teacher")),
    ];
    roles.extend(common.iter().cloned());
    damage_rows(pkg, "roles.csv", &roles);
    let mut demographics = vec![
        ("sourcedId", s("stu-9999999")),
        ("sourcedId", administrator.clone()),
        ("birthDate", s("2021-02-30")),
        ("birthDate", s("")),
        ("sex", s("Female")),
        ("sex", s("other")),
        ("white", s("TRUE")),
        ("white", s("1")),
        ("asian", s("true")),
        ("cityOfBirth", s(" Newark")),
        ("cityOfBirth", s("S\u{e3}o Paulo")),
        ("cityOfBirth", s("New York")),
        ("countryOfBirthCode", s("USA ")),
        ("stateOfBirthAbbreviation", s("1E5")),
    ];
    demographics.extend(common.iter().cloned());
    damage_rows(pkg, "demographics.csv", &demographics);
    let header: Vec<&str> = users.lines().next().unwrap().split(',').collect();
    let second: Vec<&str> = users.lines().nth(2).unwrap().split(',').collect();
    let of_second =
        |column: &str| second[header.iter().position(|h| *h == column).unwrap()].to_owned();
    let mut changes = vec![
        ("givenName", s("Zo\u{eb}\u{a0}")),
        ("givenName", s("\u{a0}Zo\u{eb}")),
        ("givenName", s("Zo\u{eb}")),
        ("familyName", s(" Brown")),
        ("username", of_second("username")),
        ("username", s("")),
        ("email", of_second("email").to_uppercase()),
        ("email", s("")),
        ("enabledUser", s("TRUE")),
        ("enabledUser", s("")),
        ("identifier", s("1E+05")),
        ("grades", s("9")),
        ("grades", s("KG,01")),
        ("grades", s("13")),
        ("grades", s("09")),
        ("grades", s("")),
        ("agentSourcedIds", s("stu-0000001")),
        ("agentSourcedIds", s("usr-missing")),
        ("userIds", s("{SIS:123}")),
        ("userIds", s("SIS:123")),
        ("primaryOrgSourcedId", district.clone()),
        ("primaryOrgSourcedId", s("org-missing")),
        ("role", s("student")),
        ("role", s("teacher")),
        ("role", s("aide")),
        ("role", s("Student")),
        ("orgSourcedIds", district.clone()),
        ("orgSourcedIds", s("")),
        ("orgSourcedIds", format!("{other_school},{district}")),
        ("orgSourcedIds", format!("\"{other_school},{district}\"")),
        ("orgSourcedIds", format!("\"{other_school}, {district}\"")),
        ("orgSourcedIds", format!("\"{other_school},,{district}\"")),
        ("orgSourcedIds", format!("\"{other_school},\"")),
        ("orgSourcedIds", format!("{other_school};{district}")),
        ("orgSourcedIds", format!("\"{other_school},org-missing\"")),
        ("orgSourcedIds", administrator.clone()),
        ("orgSourcedIds", s("org missing")),
        ("orgSourcedIds", format!("{other_school}\u{e9}")),
    ];
    changes.extend(common.iter().cloned());
    damage_rows(pkg, "users.csv", &changes);
}

/// Every way a row of classes.csv can be wrong, one row each (as `damage_clean_path_files`;
/// a package of 1,500 students or more has the rows for them).
fn damage_classes(pkg: &mut Package) {
    let s = |v: &str| v.to_owned();
    let (district, other_school) = district_and_last_school(pkg);
    let mut classes = vec![
        ("grades", s("9")),
        ("grades", s("\"KG,01\"")),
        ("grades", s("\"KG, 01\"")),
        ("grades", s("\"KG,,01\"")),
        ("grades", s("KG;01")),
        ("grades", s("13")),
        ("grades", s("")),
        ("courseSourcedId", s("crs-missing")),
        ("courseSourcedId", s("")),
        ("courseSourcedId", s(" crs-00001")),
        ("schoolSourcedId", district.clone()),
        ("schoolSourcedId", other_school.clone()),
        ("schoolSourcedId", s("sch-missing")),
        ("schoolSourcedId", s("")),
        ("termSourcedIds", s("as-2027-s2")),
        ("termSourcedIds", s("as-2027")),
        ("termSourcedIds", s("\"as-2027-s1,as-2027\"")),
        ("termSourcedIds", s("as-missing")),
        ("termSourcedIds", s("\"as-2027-s1,\"")),
        ("termSourcedIds", s("\"as-2027-s1, as-2027-s2\"")),
        ("termSourcedIds", s("as-2027-s1;as-2027-s2")),
        ("termSourcedIds", s("")),
        ("termSourcedIds", s(&district)),
        ("classType", s("scheduled")),
        ("classType", s("Homeroom")),
        ("classType", s("nonsense")),
        ("classType", s("")),
        ("title", s("")),
        ("title", s(" Algebra")),
        ("title", s("\"Algebra, Part 1\"")),
        ("subjects", s("Math")),
        ("subjects", s("Math")),
        ("subjects", s("\"Math,Art\"")),
        ("subjects", s("\"Math,Art\"")),
        ("subjectCodes", s("51001")),
        ("periods", s("\"1,2\"")),
        ("periods", s("\"1,,2\"")),
        ("classCode", s("1E+05")),
        ("sourcedId", s("cls-000001")),
    ];
    classes.extend([
        ("status", s("active")),
        ("status", s("Active")),
        ("dateLastModified", s("2026-01-01T00:00:00.000Z")),
        ("dateLastModified", s("2026-13-01")),
        ("sourcedId", s("x 5")),
        ("sourcedId", s("")),
        ("sourcedId", s("stu-0000003")),
    ]);
    damage_rows(pkg, "classes.csv", &classes);
}

#[test]
fn every_kind_of_defect_in_the_files_with_a_clean_path_gives_the_same_report() {
    for version in [Version::V1_1, Version::V1_2] {
        for mode in [Mode::Bulk, Mode::Delta] {
            let mut pkg = generated(version, mode, 300, 5);
            damage_clean_path_files(&mut pkg);
            let what = format!("{version:?} {mode:?}");
            compare(&pkg, &[7, 4096, 0], &what);
            compare_in_parts(&pkg, &[4096], &what);
        }
    }
}

#[test]
fn every_kind_of_defect_in_classes_gives_the_same_report() {
    // (Enrollments in the damaged classes then meet a class without a school, in another
    // school, or not there at all.)
    for version in [Version::V1_1, Version::V1_2] {
        for mode in [Mode::Bulk, Mode::Delta] {
            let mut pkg = generated(version, mode, 1500, 6);
            damage_classes(&mut pkg);
            let what = format!("{version:?} {mode:?}");
            compare(&pkg, &[7, 4096, 0], &what);
            compare_in_parts(&pkg, &[4096], &what);
        }
    }
}

#[test]
fn users_whose_organisations_cannot_be_looked_up_give_the_same_report() {
    // 1.1's users.csv lists each user's organisations, which the clean path looks up in
    // orgs.csv: with that file empty, missing or broken, it must leave every row to the
    // general checks.
    let pkg = generated(Version::V1_1, Mode::Bulk, 300, 7);
    let mut empty = pkg.clone();
    edit(&mut empty, "orgs.csv", |t| {
        format!("{}\n", t.lines().next().unwrap())
    });
    let mut missing = pkg.clone();
    missing.retain(|(name, _)| name != "orgs.csv");
    let broken = |tail: &str| {
        let mut pkg = pkg.clone();
        edit(&mut pkg, "orgs.csv", |t| {
            let mut lines = t.lines().map(str::to_owned);
            let header = lines.next().unwrap();
            let rows: Vec<String> = lines.map(|l| format!("{l}{tail}")).collect();
            format!("{header}\n{}\n", rows.join("\n"))
        });
        pkg
    };
    let cases = [
        (empty, "empty"),
        (missing, "missing"),
        (broken(",x"), "with an extra field on every row"),
        (broken(",\"x"), "with a quote that never closes"),
    ];
    for (pkg, what) in cases {
        let what = format!("orgs.csv {what}");
        compare(&pkg, &[7, 4096, 0], &what);
        compare_in_parts(&pkg, &[4096], &what);
    }
}

/// The fields of a CSV line (quotes removed, doubled quotes undone).
fn csv_fields(line: &str) -> Vec<String> {
    let (mut fields, mut field, mut quoted, mut chars) =
        (Vec::new(), String::new(), false, line.chars().peekable());
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// Every field of every line quoted, as PowerShell's Export-Csv and many SIS exports write
/// them (read by the reader's path for such lines).
fn quote_every_field(pkg: &mut Package) {
    for (_, bytes) in pkg.iter_mut() {
        let text = String::from_utf8_lossy(bytes).into_owned();
        let mut out = String::new();
        for line in text.lines() {
            let quoted: Vec<String> = csv_fields(line)
                .iter()
                .map(|f| format!("\"{}\"", f.replace('"', "\"\"")))
                .collect();
            out.push_str(&quoted.join(","));
            out.push('\n');
        }
        *bytes = out.into_bytes();
    }
}

#[test]
fn packages_with_every_field_quoted_give_the_same_report() {
    for (i, version) in [Version::V1_1, Version::V1_2].into_iter().enumerate() {
        for mode in [Mode::Bulk, Mode::Delta] {
            let mut pkg = generated(version, mode, 300, 5);
            damage_clean_path_files(&mut pkg);
            quote_every_field(&mut pkg);
            let what = format!("{version:?} {mode:?}, every field quoted");
            compare(&pkg, &[7, 4096, 0], &what);
            compare_in_parts(&pkg, &[4096], &what);
        }
        // Quotes broken on the way (a quote doubled, dropped or added, a line cut).
        for seed in 1..=4u64 {
            let mut pkg = generated(version, Mode::Bulk, 40 + seed * 30, seed + i as u64);
            quote_every_field(&mut pkg);
            damage(&mut pkg, seed * 37 + i as u64, 12);
            let what = format!("{version:?} seed {seed}, every field quoted");
            compare(&pkg, &[1, 7, 64, 4096, 0], &what);
            compare_in_parts(&pkg, &[7, 4096], &what);
        }
    }
}

#[test]
fn a_valid_package_with_every_field_quoted_takes_the_fast_paths() {
    let mut pkg = generated(Version::V1_2, Mode::Bulk, 600, 5);
    quote_every_field(&mut pkg);
    let (taken, rows) = clean_path_rows(&pkg, Session::new());
    assert_eq!(taken, rows);
    let parts = compare_in_parts(&pkg, &[4096], "valid, every field quoted");
    assert_eq!(parts.refused, 0, "{parts:?}");
}
