//! Times one fuzz driver on one input (to keep the fuzzers fast): `fuzzbench TARGET FILE`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)] // test code
fn main() {
    let mut args = std::env::args().skip(1);
    let target = args.next().unwrap_or_default();
    let data = std::fs::read(args.next().unwrap_or_default()).unwrap_or_default();
    let run =
        rostercheck_cli::fuzzing::driver(&target).unwrap_or(rostercheck_cli::fuzzing::session);
    let t = std::time::Instant::now();
    for _ in 0..1000 {
        run(&data);
    }
    println!("{:?} per run", t.elapsed() / 1000);
}
