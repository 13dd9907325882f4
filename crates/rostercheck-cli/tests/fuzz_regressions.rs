//! The fuzzers' drivers on stable: every saved input (seeds, and any input a fuzz run found
//! crashing or slow, kept under fuzz/regressions/<target>/) is replayed, then a short
//! deterministic mutation run ("fuzz smoke") exercises each driver. The long runs use cargo-fuzz
//! on nightly (see README).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)] // test code

use std::path::{Path, PathBuf};

use rostercheck_cli::fuzzing;

const TARGETS: [&str; 4] = ["session", "package", "manifest", "zip"];

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

fn inputs(kind: &str, target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = fuzz_dir().join(kind).join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries.map(|e| e.expect("entry").path()).collect();
    files.sort();
    files
        .into_iter()
        .map(|p| (p.display().to_string(), std::fs::read(&p).expect("read")))
        .collect()
}

#[test]
fn saved_inputs_replay_without_panics() {
    let mut count = 0;
    for target in TARGETS {
        let run = fuzzing::driver(target).expect("driver");
        for kind in ["seeds", "regressions"] {
            for (name, data) in inputs(kind, target) {
                // A panic here names the input.
                eprintln!("replaying {name}");
                run(&data);
                count += 1;
            }
        }
    }
    assert!(count >= 20, "expected the seed inputs, found {count}");
}

/// xorshift64*: deterministic, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Bytes that matter to CSV, zip and the checks.
const INTERESTING: &[u8] = b",\"\r\n\0\xEF\xBB\xBF\xFF\xFE:;\t-_/@ 9TZ.PK\x03\x04\xE9";

fn mutate(rng: &mut Rng, data: &mut Vec<u8>) {
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(data.len() + 1);
        match rng.below(5) {
            0 if !data.is_empty() => {
                let i = at.min(data.len() - 1);
                data[i] = INTERESTING[rng.below(INTERESTING.len())];
            }
            1 => data.insert(at, INTERESTING[rng.below(INTERESTING.len())]),
            2 if at < data.len() => {
                let len = rng.below(64).min(data.len() - at);
                data.drain(at..at + len);
            }
            3 if !data.is_empty() => {
                let from = rng.below(data.len());
                let len = rng.below(128).min(data.len() - from);
                let piece = data[from..from + len].to_vec();
                data.splice(at..at, piece);
            }
            _ if !data.is_empty() => {
                let i = at.min(data.len() - 1);
                data[i] ^= 1 << rng.below(8);
            }
            _ => data.push(rng.next() as u8),
        }
    }
}

#[test]
fn fuzz_smoke() {
    let mut rng = Rng(0x5EED_0F0E_E5E5);
    for target in TARGETS {
        let run = fuzzing::driver(target).expect("driver");
        let seeds = inputs("seeds", target);
        for i in 0..300 {
            let (_, seed) = &seeds[i % seeds.len()];
            let mut data = seed.clone();
            mutate(&mut rng, &mut data);
            run(&data);
        }
    }
}
