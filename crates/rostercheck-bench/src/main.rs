//! `rostercheck-bench split|check PATH [--chunk BYTES]`: one measurement per process, so each
//! reports its own peak memory. Prints one JSON object; `scripts/bench.mjs` runs it and builds
//! the table.
//!
//! - `split`: csv-core merely splitting every CSV file of the package into records (the native
//!   baseline): same reads, same chunk size as the CLI, no checks.
//! - `check`: the CLI's full validation of the same package (all rules, all references).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(mode), Some(path)) = (args.first(), args.get(1)) else {
        eprintln!("usage: rostercheck-bench split|check PATH [--chunk BYTES] [--unoptimised]");
        std::process::exit(2);
    };
    let chunk = args
        .iter()
        .position(|a| a == "--chunk")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(rostercheck_cli::input::CHUNK_SIZE);
    let path = PathBuf::from(path);
    let started = Instant::now();
    let result = match mode.as_str() {
        "split" => split(&path, chunk),
        "check" => check(&path, chunk),
        "hostile" => hostile(&path.to_string_lossy()),
        _ => Err(format!("unknown measurement {mode}")),
    };
    let seconds = started.elapsed().as_secs_f64();
    match result {
        Ok(mut out) => {
            out.insert("seconds".into(), seconds.into());
            out.insert("peakBytes".into(), peak_rss().into());
            println!("{}", serde_json::Value::Object(out));
        }
        Err(e) => {
            eprintln!("rostercheck-bench: {e}");
            std::process::exit(2);
        }
    }
}

type Fields = serde_json::Map<String, serde_json::Value>;

fn csv_files(path: &Path) -> Result<Vec<PathBuf>, String> {
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| format!("cannot list {}: {e}", path.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    files.sort();
    Ok(files)
}

/// csv-core's `read_record` over every file, with output buffers large enough for any row:
/// the least any validator has to do.
fn split(path: &Path, chunk: usize) -> Result<Fields, String> {
    let mut buffer = vec![0u8; chunk.max(1)];
    let mut out = vec![0u8; 1 << 20];
    let mut ends = vec![0usize; 4096];
    let (mut bytes, mut records) = (0u64, 0u64);
    for file in csv_files(path)? {
        let mut reader = csv_core::Reader::new();
        let mut f = std::fs::File::open(&file).map_err(|e| e.to_string())?;
        let (mut out_len, mut ends_len) = (0, 0);
        let mut at_end = false;
        while !at_end {
            let n = f.read(&mut buffer).map_err(|e| e.to_string())?;
            bytes += n as u64;
            at_end = n == 0;
            let mut input = buffer.get(..n).unwrap_or_default();
            loop {
                let (result, nin, nout, nend) = reader.read_record(
                    input,
                    out.get_mut(out_len..).unwrap_or_default(),
                    ends.get_mut(ends_len..).unwrap_or_default(),
                );
                input = input.get(nin..).unwrap_or_default();
                out_len += nout;
                ends_len += nend;
                match result {
                    csv_core::ReadRecordResult::Record => {
                        records += 1;
                        out_len = 0;
                        ends_len = 0;
                    }
                    csv_core::ReadRecordResult::InputEmpty => break,
                    csv_core::ReadRecordResult::End => break,
                    csv_core::ReadRecordResult::OutputFull
                    | csv_core::ReadRecordResult::OutputEndsFull => {
                        return Err(format!("{}: a record over 1 MB", file.display()))
                    }
                }
            }
        }
    }
    let mut fields = Fields::new();
    fields.insert("bytes".into(), bytes.into());
    fields.insert("records".into(), records.into());
    Ok(fields)
}

fn check(path: &Path, chunk: usize) -> Result<Fields, String> {
    let mut report = rostercheck_core::Report::new(rostercheck_core::report::DEFAULT_MAX_PER_RULE);
    let session = rostercheck_cli::input::check_with(
        rostercheck_core::Session::new(),
        &[path.to_path_buf()],
        chunk,
        &mut report,
    )?;
    let (ids, id_bytes) = session.id_footprint();
    let package = report.package.as_ref().ok_or("no package information")?;
    let mut fields = Fields::new();
    fields.insert(
        "bytes".into(),
        package.files.iter().map(|f| f.bytes).sum::<u64>().into(),
    );
    // Records as csv-core counts them: data rows plus each file's header.
    fields.insert(
        "records".into(),
        package.files.iter().map(|f| f.rows + 1).sum::<u64>().into(),
    );
    fields.insert("ids".into(), ids.into());
    fields.insert("idBytes".into(), id_bytes.into());
    // Files checked in two parts on two threads (see `Session::fork`).
    fields.insert("filesInTwoParts".into(), session.parts_absorbed().into());
    let s = &report.summary;
    fields.insert("findings".into(), (s.errors + s.warnings + s.infos).into());
    Ok(fields)
}

/// A hostile file made on the fly and fed in 1 MiB chunks (nothing on disk): its findings,
/// time and peak memory show that the engine stays bounded.
fn hostile(case: &str) -> Result<Fields, String> {
    const USERS: &str = "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns\n";
    let (name, head, unit, repeat): (&str, Vec<u8>, Vec<u8>, u64) = match case {
        "empty-lines" => ("users.csv", USERS.into(), b"\n".to_vec(), 100_000_000),
        "one-field-rows" => ("users.csv", USERS.into(), b"x\n".to_vec(), 100_000_000),
        "same-id-rows" => (
            "users.csv",
            USERS.into(),
            b"u1,,,true,ann,,Ann,Lee,,,ann@example.org,,,,,,,,,,sch-1,\n".to_vec(),
            20_000_000,
        ),
        "wide-header" => (
            "users.csv",
            "c,".repeat(1_000_000).into_bytes(),
            b"\n".to_vec(),
            1,
        ),
        "big-field" => {
            let mut row = "x".repeat(10 << 20).into_bytes();
            row.extend_from_slice(b",,,true,ann,,Ann,Lee,,,,,,,,,,,,,sch-1,\n");
            ("users.csv", USERS.into(), row, 1)
        }
        "big-rows" => {
            let mut row = "x".repeat(5 << 20).into_bytes();
            row.extend_from_slice(b",,,true,ann,,Ann,Lee,,,,,,,,,,,,,sch-1,\n");
            ("users.csv", USERS.into(), row, 100)
        }
        _ => return Err(format!("unknown hostile case {case}")),
    };
    let mut session = rostercheck_core::Session::new();
    let mut report = rostercheck_core::Report::default();
    session.plan(&[name.to_owned()], &mut report);
    session.begin_file(0);
    session.feed(&head, &mut report);
    let per_chunk = (1usize << 20) / unit.len().max(1);
    let chunk = unit.repeat(per_chunk.max(1));
    let mut left = repeat;
    let mut bytes = head.len() as u64;
    while left > 0 {
        let n = left.min(per_chunk.max(1) as u64);
        let part = chunk.get(..n as usize * unit.len()).unwrap_or_default();
        session.feed(part, &mut report);
        bytes += part.len() as u64;
        left -= n;
    }
    session.end_file(&mut report);
    let info = session.finish(&mut report);
    report.set_package(info);
    let mut codes: Vec<String> = report
        .totals()
        .map(|(_, code, _, n)| format!("{code}×{n}"))
        .collect();
    codes.sort();
    let mut fields = Fields::new();
    fields.insert("case".into(), case.into());
    fields.insert("bytes".into(), bytes.into());
    fields.insert("findings".into(), codes.join(" ").into());
    fields.insert("listed".into(), report.diagnostics.len().into());
    Ok(fields)
}

/// Peak resident memory of this process (Linux), 0 where unknown.
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}
