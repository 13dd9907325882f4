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
mod wire;

pub use diagnostic::{Diagnostic, Severity, Sink};
pub use report::Report;
pub use session::{PackageInfo, Part, Session};

/// The engine's version, reported in the JSON output.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Validates an in-memory package (names and contents), feeding each file in chunks of
/// `chunk` bytes (0 = whole files). Tests and small tools use it; the CLI streams instead.
pub fn validate_in_memory(files: &[(String, Vec<u8>)], chunk: usize, report: &mut Report) {
    validate_in_memory_with(Session::new(), files, chunk, report);
}

/// [`validate_in_memory`] with a given session, e.g. [`Session::unoptimised`] to compare;
/// returns it finished, for its statistics.
pub fn validate_in_memory_with(
    mut session: Session,
    files: &[(String, Vec<u8>)],
    chunk: usize,
    report: &mut Report,
) -> Session {
    let names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
    let order = session.plan(&names, report);
    for i in order {
        let Some((_, bytes)) = files.get(i) else {
            continue;
        };
        session.begin_file(i);
        session.size_hint(bytes.len() as u64);
        feed_in_chunks(&mut session, bytes, chunk, report);
        session.end_file(report);
    }
    let package = session.finish(report);
    report.set_package(package);
    session
}

/// Feeds `bytes` in pieces of `chunk` bytes (0: at once).
fn feed_in_chunks(session: &mut Session, bytes: &[u8], chunk: usize, sink: &mut dyn Sink) {
    let size = if chunk == 0 {
        bytes.len().max(1)
    } else {
        chunk
    };
    for c in bytes.chunks(size) {
        session.feed(c, sink);
    }
}

/// How many files [`validate_in_memory_in_parts`] checked in two parts, and how many it
/// checked whole after all because the parts could not be merged exactly.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Parts {
    pub merged: usize,
    pub refused: usize,
    /// Of those refused, the parts that said so themselves once checked
    /// ([`Session::part_refused`]: the CLI's thread and the page's worker stop there).
    pub refused_early: usize,
    /// Of those merged, the files checked beside the one before, which they look ids up in
    /// ([`Session::forks_deferring`]).
    pub deferred: usize,
}

/// How [`validate_in_memory_in_parts`] splits files.
#[derive(Clone, Copy, Debug)]
pub struct Split {
    /// Bytes fed at a time (0: each part at once).
    pub chunk: usize,
    /// The second part starts after the first line break past this fraction of the file.
    pub fraction: f64,
    /// Smaller files are read whole.
    pub min_bytes: usize,
    /// The forked session and its part go through bytes, as between the page's workers
    /// ([`Session::fork_bytes`], [`Part::to_bytes`]).
    pub as_bytes: bool,
    /// The file after another, when it does not depend on it ([`Session::forks_ahead`]), is
    /// checked from a fork made before that one, as the page's part worker does: from its
    /// cut, that one read whole, when it is at least twice as large; otherwise after its
    /// header, once the other's part is checked. (The page may start that part later in the
    /// file, by the workers' speeds: then it is a second part like any other.) A file read
    /// whole has the next one checked whole after its header from a fork made before it when
    /// that one's references to it can be decided later ([`Session::forks_deferring`]:
    /// roles.csv beside users.csv), as the CLI does when users.csv is not split.
    pub ahead: bool,
}

/// [`validate_in_memory_with`], checking files in two parts as `split` says, by two sessions
/// (one after the other here; on two threads in the CLI, two workers in the page): see
/// [`Session::fork`]. The report is the same.
pub fn validate_in_memory_in_parts(
    mut session: Session,
    files: &[(String, Vec<u8>)],
    split: Split,
    report: &mut Report,
) -> Parts {
    let mut parts = Parts::default();
    let names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
    let order = session.plan(&names, report);
    let feed = |session: &mut Session, bytes: &[u8], sink: &mut dyn Sink| {
        feed_in_chunks(session, bytes, split.chunk, sink)
    };
    // The next file's part, made before the file ahead of it was read.
    let mut ahead: Option<(usize, Option<CheckedPart>)> = None;
    // The file whose part was made from a fork that defers its references.
    let mut deferring = None;
    for (k, &i) in order.iter().enumerate() {
        let Some((_, bytes)) = files.get(i) else {
            continue;
        };
        let deferred = deferring.take() == Some(i);
        let second = match ahead.take() {
            Some((j, part)) if j == i => part,
            _ => {
                let cut_of = |bytes: &[u8]| {
                    let at = (bytes.len() as f64 * split.fraction) as usize;
                    line_break_after(bytes, at).filter(|_| bytes.len() >= split.min_bytes)
                };
                let next = order
                    .get(k + 1)
                    .copied()
                    .filter(|j| split.ahead && session.forks_ahead(*j, i))
                    .and_then(|j| Some((j, files.get(j)?.1.as_slice())));
                // A next file at least twice as large: its second part is checked from a fork
                // made now, and this file whole, as the page does.
                if let Some((j, next_bytes)) = next.filter(|(_, b)| b.len() >= 2 * bytes.len()) {
                    let part = cut_of(next_bytes).and_then(|cut| {
                        let fork = fork_for(&session, j, None, split)?;
                        check_part(fork, j, next_bytes, cut, split, report)
                    });
                    ahead = Some((j, part));
                    None
                } else {
                    let cut = cut_of(bytes);
                    // The next file, checked whole after its header from the same fork, as the
                    // page sends them.
                    let next = next.filter(|_| cut.is_some());
                    let pair = next.map(|(j, _)| (i, j));
                    if let Some((j, next_bytes)) = next {
                        let part = line_break_after(next_bytes, 0).and_then(|header| {
                            let fork = fork_for(&session, j, pair, split)?;
                            check_part(fork, j, next_bytes, header, split, report)
                        });
                        ahead = Some((j, part));
                    }
                    cut.and_then(|cut| {
                        check_part(
                            fork_for(&session, i, pair, split)?,
                            i,
                            bytes,
                            cut,
                            split,
                            report,
                        )
                    })
                }
            }
        };
        // Read whole with nothing beside it: a next file whose references to this one can wait
        // is checked whole after its header, from a fork made now.
        let deferrable = order
            .get(k + 1)
            .copied()
            .filter(|_| second.is_none() && ahead.is_none() && split.ahead)
            .filter(|j| session.forks_deferring(*j, i))
            .and_then(|j| Some((j, files.get(j)?.1.as_slice())));
        if let Some((j, next_bytes)) = deferrable {
            let part = line_break_after(next_bytes, 0).and_then(|header| {
                let fork = fork_for(&session, j, None, split)?;
                check_part(fork, j, next_bytes, header, split, report)
            });
            ahead = Some((j, part));
            deferring = Some(j);
        }
        session.begin_file(i);
        // As the CLI and the page: a session that reads only the first part is sized for it.
        session.size_hint(second.as_ref().map_or(bytes.len(), |(cut, ..)| *cut) as u64);
        match second {
            Some((cut, part, refused_early)) => {
                feed(&mut session, bytes.get(..cut).unwrap_or_default(), report);
                session.end_first_part(report);
                // (A part that said it cannot be taken in is offered all the same: it must be
                // refused, as the CLI and the page do not offer it.)
                let merged = session.absorb(part, report);
                assert!(
                    !(merged && refused_early),
                    "a part that said it would be refused was taken in"
                );
                if merged {
                    parts.merged += 1;
                    parts.deferred += usize::from(deferred);
                } else {
                    parts.refused += 1;
                    parts.refused_early += usize::from(refused_early);
                    feed(&mut session, bytes.get(cut..).unwrap_or_default(), report);
                }
            }
            None => feed(&mut session, bytes, report),
        }
        session.end_file(report);
    }
    let package = session.finish(report);
    report.set_package(package);
    parts
}

/// Just after the first line break at or after byte `at`.
fn line_break_after(bytes: &[u8], at: usize) -> Option<usize> {
    let n = memchr::memchr(b'\n', bytes.get(at..)?)?;
    Some(at + n + 1)
}

/// A session forked from `session` (which has not begun the file `i`) to check a part of `i`;
/// through bytes, with `pair` (a split file and the file ahead) one fork serves both.
fn fork_for(
    session: &Session,
    i: usize,
    pair: Option<(usize, usize)>,
    split: Split,
) -> Option<Session> {
    if !split.as_bytes {
        return session.fork(i);
    }
    let bytes = match pair {
        Some((first, next)) => session.fork_bytes_ahead(first, next)?,
        None => session.fork_bytes(i)?,
    };
    Session::from_fork_bytes(&bytes)
}

/// A part with where it starts and whether it said it cannot be taken in
/// ([`Session::part_refused`]).
type CheckedPart = (usize, Part, bool);

/// The part of file `i` from `cut` on, checked by `fork`.
fn check_part(
    mut fork: Session,
    i: usize,
    bytes: &[u8],
    cut: usize,
    split: Split,
    report: &Report,
) -> Option<CheckedPart> {
    fork.begin_file(i);
    fork.size_hint((bytes.len() - cut) as u64);
    // The first lines (the header), up to a line break in the first 256 bytes, as the CLI
    // reads its first 64 KiB; the lines from there to the cut are not read.
    let first_line = memchr::memchr(b'\n', bytes).map_or(0, |n| n + 1);
    let window = bytes.get(..cut.min(first_line.max(256)))?;
    fork.read_head(window, &mut Report::new(0))?;
    fork.start_part();
    let mut findings = Report::new(report.max_per_rule());
    feed_in_chunks(&mut fork, bytes.get(cut..)?, split.chunk, &mut findings);
    let refused_early = fork.part_refused();
    let part = fork.take_part(findings)?;
    if !split.as_bytes {
        return Some((cut, part, refused_early));
    }
    let mut copy = Part::from_bytes(&part.to_bytes())?;
    // In pieces of 1,000 ids, as the page sends them.
    for from in (0..part.id_count()).step_by(1000) {
        copy.add_ids(&part.ids_bytes(from, from + 1000))
            .then_some(())?;
    }
    Some((cut, copy, refused_early))
}
