//! Generates a package into a directory and reports its size and how long it took.
//!
//! `cargo run --release -p rostercheck-gen --example gen -- <preset|students> <out-dir>
//! [--v1.1] [--delta] [--crlf] [--seed N]`
#![allow(clippy::indexing_slicing, clippy::string_slice)] // a dev tool

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use rostercheck_gen::{generate_to_dir, GenOptions, Mode, Version};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: gen <small|district|city|STUDENTS> <out-dir> [--v1.1] [--delta] [--crlf] [--seed N]";
    let (Some(size), Some(dir)) = (args.first(), args.get(1)) else {
        eprintln!("{usage}");
        return ExitCode::from(2);
    };
    let mut opts = match GenOptions::preset(size) {
        Some(o) => o,
        None => match size.parse() {
            Ok(students) => GenOptions {
                students,
                ..GenOptions::default()
            },
            Err(_) => {
                eprintln!("unknown preset {size:?}\n{usage}");
                return ExitCode::from(2);
            }
        },
    };
    let mut rest = args[2..].iter();
    while let Some(flag) = rest.next() {
        match flag.as_str() {
            "--v1.1" => opts.version = Version::V1_1,
            "--v1.2" => opts.version = Version::V1_2,
            "--delta" => opts.mode = Mode::Delta,
            "--crlf" => opts.crlf = true,
            "--seed" => match rest.next().and_then(|s| s.parse().ok()) {
                Some(seed) => opts.seed = seed,
                None => {
                    eprintln!("--seed needs a number\n{usage}");
                    return ExitCode::from(2);
                }
            },
            other => {
                eprintln!("unknown flag {other:?}\n{usage}");
                return ExitCode::from(2);
            }
        }
    }

    let start = Instant::now();
    let stats = match generate_to_dir(&opts, &PathBuf::from(dir)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let elapsed = start.elapsed();
    println!("{:<22} {:>14} {:>12}", "file", "bytes", "rows");
    for f in &stats.files {
        println!("{:<22} {:>14} {:>12}", f.name, f.bytes, f.rows);
    }
    println!(
        "{:<22} {:>14} {:>12}",
        "total",
        stats.total_bytes(),
        stats.total_rows()
    );
    let secs = elapsed.as_secs_f64();
    println!(
        "{} students, OneRoster {} {}: {:.2} s ({:.0} MB/s)",
        opts.students,
        opts.version.as_str(),
        opts.mode.as_str(),
        secs,
        stats.total_bytes() as f64 / 1e6 / secs.max(1e-9)
    );
    ExitCode::SUCCESS
}
