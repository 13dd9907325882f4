//! The rostercheck engine: OneRoster CSV bytes in, diagnostics out. No I/O, no threads, no
//! platform code, so the CLI and the browser's Web Worker run the very same checks.
//!
//! Use a [`Session`]: `plan` the package's file names, feed each planned file chunk by chunk
//! (`begin_file`, `feed`, `end_file`), then `finish`. Findings reach a [`Sink`] as they are
//! found; [`Report`] collects them for the renderers in [`render`].

#![forbid(unsafe_code)]

pub mod csv;
pub mod diagnostic;
mod header;
mod hierarchy;
pub mod index;
pub mod manifest;
pub mod overview;
mod package_files;
pub mod render;
pub mod report;
pub mod rules;
pub mod session;
pub mod spec;
pub mod values;

pub use diagnostic::{Diagnostic, Severity, Sink};
pub use report::Report;
pub use session::{PackageInfo, Session};

/// The engine's version, reported in the JSON output.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Validates an in-memory package (names and contents), feeding each file in chunks of
/// `chunk` bytes (0 = whole files). Tests and small tools use it; the CLI streams instead.
pub fn validate_in_memory(files: &[(String, Vec<u8>)], chunk: usize, report: &mut Report) {
    validate_in_memory_with(Session::new(), files, chunk, report);
}

/// [`validate_in_memory`] with a given session, e.g. [`Session::unoptimised`] to compare.
pub fn validate_in_memory_with(
    mut session: Session,
    files: &[(String, Vec<u8>)],
    chunk: usize,
    report: &mut Report,
) {
    let names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
    let order = session.plan(&names, report);
    for i in order {
        let Some((_, bytes)) = files.get(i) else {
            continue;
        };
        session.begin_file(i);
        session.size_hint(bytes.len() as u64);
        let size = if chunk == 0 {
            bytes.len().max(1)
        } else {
            chunk
        };
        for c in bytes.chunks(size) {
            session.feed(c, report);
        }
        session.end_file(report);
    }
    let package = session.finish(report);
    report.set_package(package);
}
