#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rostercheck_cli::fuzzing::session(data));
