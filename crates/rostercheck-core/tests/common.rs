//! Fixture packages for tests: a base package plus a few line edits.
//!
//! A `.fixture` file starts with `base 1.1` or `base 1.2`, then `invalid:` and `valid:`
//! sections of operations applied to a copy of `fixtures/base-<version>/`:
//!
//! ```text
//! replace FILE line N: TEXT     insert FILE line N: TEXT     append FILE: TEXT
//! delete FILE line N            remove FILE                  rename FILE to NAME
//! manifest PROPERTY: VALUE      (sets or adds the row; VALUE `-` deletes it)
//! repeat FILE N: TEXT           (appends a line of TEXT repeated N times)
//! unreadable FILE: REASON       (the host cannot read FILE, e.g. an encrypted zip entry)
//! file NAME:                    (the following lines, up to `end`, are the whole file)
//! ```
//! TEXT understands `\xHH`, `\r`, `\n`, `\t`, `\0` and `\\`. Lines starting with `#` are comments.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)] // test code
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use rostercheck_core::{Diagnostic, Report};

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub type Package = Vec<(String, Vec<u8>)>;

/// Marks an entry that says "the host could not read this file" (its content is the reason).
const UNREADABLE: &str = "\u{0}unreadable:";

pub fn load_dir(dir: &Path) -> Package {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            (
                p.file_name().expect("name").to_string_lossy().into_owned(),
                std::fs::read(&p).expect("read"),
            )
        })
        .collect()
}

pub fn unescape(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 1 < b.len() {
            match b[i + 1] {
                b'x' if i + 3 < b.len() => {
                    let hex = std::str::from_utf8(&b[i + 2..i + 4]).expect("hex");
                    out.push(u8::from_str_radix(hex, 16).expect("hex escape"));
                    i += 4;
                    continue;
                }
                b'r' => out.push(b'\r'),
                b'n' => out.push(b'\n'),
                b't' => out.push(b'\t'),
                b'0' => out.push(0),
                b'\\' => out.push(b'\\'),
                other => {
                    out.push(b'\\');
                    out.push(other);
                }
            }
            i += 2;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

fn lines(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut v: Vec<Vec<u8>> = bytes.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect();
    if v.last().is_some_and(Vec::is_empty) {
        v.pop();
    }
    v
}

fn join(lines: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for l in lines {
        out.extend_from_slice(l);
        out.push(b'\n');
    }
    out
}

fn file_mut<'a>(pkg: &'a mut Package, name: &str) -> &'a mut Vec<u8> {
    if !pkg.iter().any(|(n, _)| n == name) {
        pkg.push((name.to_owned(), Vec::new()));
    }
    &mut pkg.iter_mut().find(|(n, _)| n == name).expect("file").1
}

/// Applies the operations in `ops` to a copy of `base`.
pub fn apply(base: &Package, ops: &[&str]) -> Package {
    let mut pkg = base.clone();
    let mut i = 0;
    while i < ops.len() {
        let op = ops[i].trim_end_matches(['\r', '\n']);
        i += 1;
        if op.trim().is_empty() || op.starts_with('#') {
            continue;
        }
        let (verb, rest) = op.split_once(' ').unwrap_or((op, ""));
        let line_op = |rest: &str| -> (String, usize, Vec<u8>) {
            let (head, text) = rest
                .split_once(": ")
                .map_or((rest.trim_end_matches(':'), ""), |(h, t)| (h, t));
            let (file, n) = head.split_once(" line ").expect("FILE line N");
            (
                file.to_owned(),
                n.trim().parse().expect("line number"),
                unescape(text),
            )
        };
        match verb {
            "replace" | "insert" => {
                let (file, n, text) = line_op(rest);
                let f = file_mut(&mut pkg, &file);
                let mut ls = lines(f);
                if verb == "replace" {
                    ls[n - 1] = text;
                } else {
                    ls.insert(n - 1, text);
                }
                *f = join(&ls);
            }
            "delete" => {
                let (file, n, _) = line_op(rest);
                let f = file_mut(&mut pkg, &file);
                let mut ls = lines(f);
                ls.remove(n - 1);
                *f = join(&ls);
            }
            "append" => {
                let (file, text) = rest.split_once(": ").expect("append FILE: TEXT");
                let f = file_mut(&mut pkg, file);
                f.extend_from_slice(&unescape(text));
                f.push(b'\n');
            }
            "remove" => pkg.retain(|(n, _)| n != rest.trim()),
            "unreadable" => {
                let (file, reason) = rest.split_once(": ").expect("unreadable FILE: REASON");
                pkg.push((format!("{UNREADABLE}{file}"), reason.as_bytes().to_vec()));
            }
            "repeat" => {
                let (head, text) = rest.split_once(": ").expect("repeat FILE N: TEXT");
                let (file, n) = head.rsplit_once(' ').expect("repeat FILE N");
                let f = file_mut(&mut pkg, file);
                f.extend_from_slice(&unescape(text).repeat(n.parse().expect("count")));
                f.push(b'\n');
            }
            "rename" => {
                let (from, to) = rest.split_once(" to ").expect("rename A to B");
                for (n, _) in pkg.iter_mut() {
                    if n == from {
                        *n = to.trim().to_owned();
                    }
                }
            }
            "manifest" => {
                let (prop, value) = rest.split_once(": ").expect("manifest PROP: VALUE");
                let f = file_mut(&mut pkg, "manifest.csv");
                let mut ls = lines(f);
                let prefix = format!("{prop},");
                let pos = ls.iter().position(|l| l.starts_with(prefix.as_bytes()));
                match (pos, value.trim()) {
                    (Some(p), "-") => {
                        ls.remove(p);
                    }
                    (Some(p), v) => ls[p] = format!("{prop},{v}").into_bytes(),
                    (None, "-") => {}
                    (None, v) => ls.push(format!("{prop},{v}").into_bytes()),
                }
                *f = join(&ls);
            }
            "file" => {
                let name = rest.trim_end_matches(':').to_owned();
                let mut content = Vec::new();
                while i < ops.len() && ops[i].trim_end() != "end" {
                    content.extend_from_slice(&unescape(ops[i]));
                    content.push(b'\n');
                    i += 1;
                }
                i += 1;
                pkg.retain(|(n, _)| *n != name);
                pkg.push((name, content));
            }
            "bytes" => {
                let (name, text) = rest
                    .split_once(": ")
                    .unwrap_or((rest.trim_end_matches(':'), ""));
                pkg.retain(|(n, _)| n != name);
                pkg.push((name.to_owned(), unescape(text)));
            }
            other => panic!("unknown fixture operation `{other}`"),
        }
    }
    pkg
}

pub struct Fixture {
    pub code: String,
    pub invalid: Package,
    pub valid: Package,
}

pub fn base(version: &str) -> Package {
    load_dir(&fixtures_dir().join(format!("base-{version}")))
}

pub fn load_fixture(path: &Path) -> Fixture {
    let text = std::fs::read_to_string(path).expect("fixture");
    let code = path
        .file_stem()
        .expect("stem")
        .to_string_lossy()
        .into_owned();
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    let first = lines.next().expect("base line");
    let version = first
        .strip_prefix("base ")
        .unwrap_or_else(|| panic!("{code}: first line must be `base 1.1|1.2`"));
    let base = base(version.trim());
    let mut invalid = Vec::new();
    let mut valid = Vec::new();
    let mut section: Option<&mut Vec<&str>> = None;
    let rest: Vec<&str> = lines.collect();
    for l in &rest {
        match l.trim() {
            "invalid:" => section = Some(&mut invalid),
            "valid:" => section = Some(&mut valid),
            _ => section
                .as_mut()
                .unwrap_or_else(|| panic!("{code}: operation before a section"))
                .push(l),
        }
    }
    Fixture {
        code,
        invalid: apply(&base, &invalid),
        valid: apply(&base, &valid),
    }
}

/// Validates `pkg` feeding each file in chunks of `chunk` bytes (0 = whole files).
pub fn run(pkg: &Package, chunk: usize) -> Report {
    run_with(rostercheck_core::Session::new, pkg, chunk)
}

/// [`run`] with sessions made by `session` (e.g. `Session::unoptimised`, to compare).
#[allow(dead_code)] // (not every test file that includes this module compares)
pub fn run_with(session: fn() -> rostercheck_core::Session, pkg: &Package, chunk: usize) -> Report {
    let unreadable: Vec<(&str, String)> = pkg
        .iter()
        .filter_map(|(n, b)| {
            n.strip_prefix(UNREADABLE)
                .map(|f| (f, String::from_utf8_lossy(b).into_owned()))
        })
        .collect();
    let files: Vec<&(String, Vec<u8>)> = pkg
        .iter()
        .filter(|(n, _)| !n.starts_with(UNREADABLE))
        .collect();
    if unreadable.is_empty() {
        let mut report = Report::new(0);
        rostercheck_core::validate_in_memory_with(session(), pkg, chunk, &mut report);
        return report;
    }
    let mut report = Report::new(0);
    let names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
    let mut session = session();
    for i in session.plan(&names, &mut report) {
        session.begin_file(i);
        match unreadable.iter().find(|(f, _)| *f == files[i].0) {
            Some((_, reason)) => session.fail_file(reason, &mut report),
            None => {
                for c in files[i].1.chunks(if chunk == 0 {
                    files[i].1.len().max(1)
                } else {
                    chunk
                }) {
                    session.feed(c, &mut report);
                }
                session.end_file(&mut report);
            }
        }
    }
    let info = session.finish(&mut report);
    report.set_package(info);
    report
}

pub fn describe(d: &Diagnostic) -> String {
    let mut at = String::new();
    if let Some(f) = &d.file {
        at.push_str(f);
    }
    if let Some(l) = d.line {
        at.push_str(&format!(":{l}"));
    }
    if let Some(c) = d.column {
        at.push_str(&format!(":{c}"));
    }
    let field = d
        .field
        .as_deref()
        .map(|f| format!(" `{f}`"))
        .unwrap_or_default();
    let value = d
        .value
        .as_deref()
        .map(|v| format!(" {v:?}"))
        .unwrap_or_default();
    format!(
        "{} {} {at}{field}{value}\n  {}\n  fix: {}",
        d.code,
        d.severity.as_str(),
        d.message,
        d.help
    )
}
