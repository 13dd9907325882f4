//! Turns command-line paths into one package and streams its files into a session. Zip entries
//! are read with limits, so a damaged, encrypted or malicious zip gives findings, not a crash or
//! an exhausted machine.

// Indexes are into the package's own file and archive lists, built together.
#![allow(clippy::indexing_slicing)]

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek};
use std::path::{Path, PathBuf};
use std::time::Instant;

use rostercheck_core::session::Part;
use rostercheck_core::{Report, Session};

mod ahead;
mod zip_part;
use ahead::{Decision, Measured, Progress, Share, WholeUnlessDecided};
use zip_part::{UpToCut, ZipCut};

/// Limits on what a zip may make us read.
pub mod limits {
    /// Entries listed in one zip (a OneRoster package has at most 22 files).
    pub const MAX_ENTRIES: usize = 10_000;
    /// Uncompressed bytes of one entry (a city's enrollments.csv is about 1 GB).
    pub const MAX_ENTRY_BYTES: u64 = 8 << 30;
    /// Uncompressed bytes of all entries together.
    pub const MAX_TOTAL_BYTES: u64 = 32 << 30;
    /// Expansion ratio above which a large entry is treated as a zip bomb (CSV compresses
    /// about 5 to 15 times).
    pub const MAX_RATIO: u64 = 1000;
    /// Entries smaller than this are never called bombs, whatever their ratio.
    pub const RATIO_FLOOR: u64 = 64 << 20;
}

/// Bytes read per chunk by default.
pub const CHUNK_SIZE: usize = 64 * 1024;

/// Where a file's bytes come from.
enum Source {
    Disk(PathBuf),
    ZipEntry { archive: usize, index: usize },
}

struct Package<R> {
    names: Vec<String>,
    sources: Vec<Source>,
    archives: Vec<zip::ZipArchive<R>>,
    /// Each archive's file, opened again by the thread that checks the second part of one
    /// of its entries (None: a zip in memory, whose entries are read whole).
    archive_paths: Vec<Option<PathBuf>>,
}

fn open_zip<R: Read + Seek>(reader: R, name: &str) -> Result<zip::ZipArchive<R>, String> {
    zip::ZipArchive::new(reader).map_err(|e| {
        format!("{name} is not a readable zip archive ({e}); it may be damaged or only partly downloaded")
    })
}

fn add_zip<R: Read + Seek>(
    package: &mut Package<R>,
    archive: zip::ZipArchive<R>,
    name: &str,
    path: Option<&Path>,
) -> Result<(), String> {
    if archive.len() > limits::MAX_ENTRIES {
        return Err(format!(
            "{name} holds {} entries; a OneRoster export holds at most 22 files",
            archive.len()
        ));
    }
    let a = package.archives.len();
    for i in 0..archive.len() {
        let Some(entry_name) = archive.name_for_index(i) else {
            continue;
        };
        if entry_name.ends_with('/') || entry_name.ends_with('\\') {
            continue; // a folder
        }
        package.names.push(entry_name.replace('\\', "/"));
        package.sources.push(Source::ZipEntry {
            archive: a,
            index: i,
        });
    }
    package.archives.push(archive);
    package.archive_paths.push(path.map(Path::to_path_buf));
    Ok(())
}

fn collect(paths: &[PathBuf]) -> Result<Package<File>, String> {
    let mut package = Package {
        names: Vec::new(),
        sources: Vec::new(),
        archives: Vec::new(),
        archive_paths: Vec::new(),
    };
    for path in paths {
        let meta =
            std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if meta.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|e| format!("cannot list {}: {e}", path.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect();
            entries.sort();
            if entries.is_empty() {
                return Err(format!("{} holds no files", path.display()));
            }
            for p in entries {
                add_path(&mut package, &p)?;
            }
        } else {
            add_path(&mut package, path)?;
        }
    }
    Ok(package)
}

fn add_path(package: &mut Package<File>, path: &Path) -> Result<(), String> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if name.to_ascii_lowercase().ends_with(".zip") {
        let file = File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        let archive = open_zip(file, &path.display().to_string())?;
        add_zip(package, archive, &name, Some(path))
    } else {
        package.names.push(name);
        package.sources.push(Source::Disk(path.to_path_buf()));
        Ok(())
    }
}

/// Validates the package made of `paths` into `report`.
pub fn check(paths: &[PathBuf], chunk_size: usize, report: &mut Report) -> Result<(), String> {
    check_with(Session::new(), paths, chunk_size, report).map(|_| ())
}

/// [`check`] with a given session (e.g. [`Session::unoptimised`]); returns it finished, for
/// its statistics.
pub fn check_with(
    session: Session,
    paths: &[PathBuf],
    chunk_size: usize,
    report: &mut Report,
) -> Result<Session, String> {
    check_with_splitting(session, paths, chunk_size, Splitting::default(), report)
}

/// How large loose files are shared between the two checking threads.
#[derive(Clone, Copy, Debug)]
pub struct Splitting {
    /// Files of at least this many bytes are checked in two parts, on two threads (tests use
    /// 0 and `u64::MAX` to compare).
    pub from: u64,
    /// The share (percent of its bytes after the header) of the file checked ahead that the
    /// first thread takes, instead of what the threads' speeds decide: tests pin it (100: all).
    pub ahead_share: Option<u8>,
}

impl Default for Splitting {
    fn default() -> Self {
        Splitting {
            from: SPLIT_FROM,
            ahead_share: None,
        }
    }
}

/// [`check_with`], with large files shared between the threads as `splitting` says.
pub fn check_with_splitting(
    session: Session,
    paths: &[PathBuf],
    chunk_size: usize,
    splitting: Splitting,
    report: &mut Report,
) -> Result<Session, String> {
    let package = collect(paths)?;
    run(session, package, chunk_size, splitting, report)
}

/// Validates a zip held in memory (used by tests and the fuzzer).
pub fn check_zip_bytes(bytes: &[u8], chunk_size: usize, report: &mut Report) -> Result<(), String> {
    let mut package = Package {
        names: Vec::new(),
        sources: Vec::new(),
        archives: Vec::new(),
        archive_paths: Vec::new(),
    };
    let archive = open_zip(std::io::Cursor::new(bytes), "the zip")?;
    add_zip(&mut package, archive, "the zip", None)?;
    run(
        Session::new(),
        package,
        chunk_size,
        Splitting::default(),
        report,
    )
    .map(|_| ())
}

/// What the reading thread hands to the checking thread, in package order.
enum Piece {
    /// The next file starts; its size when known.
    Begin { index: usize, size: Option<u64> },
    /// The next bytes of the file (a whole block; fed to the session in `chunk_size` slices).
    Bytes(Vec<u8>),
    /// The reading of a zip entry checked in two parts stopped at the second part, here
    /// (`zip_part`); it is followed by `End`.
    Cut(u64),
    /// The file ended, or could not be read to its end (the reason, for the report).
    End(Result<(), String>),
    /// The package cannot be read at all.
    Fatal(String),
}

/// Bytes read per block by the reading thread.
const BLOCK: usize = 1 << 20;

/// Blocks read ahead of the checks (memory stays bounded by a few blocks).
const BLOCKS_AHEAD: usize = 4;

/// Loose files from this size up are checked in two parts, on two threads (`Session::fork`);
/// below it, starting the second thread costs about what it saves.
const SPLIT_FROM: u64 = 4 << 20;

/// The share of a split file that this thread checks (with a file checked ahead after it, see
/// [`AHEAD_FIRST_SHARE_PERCENT`]): a little more than half, because the reading thread reads
/// it for this one while the other thread reads its part itself. (On a city package with
/// halves, this thread waited 20–50 ms for the other's part of each large file.)
const FIRST_SHARE_PERCENT: u64 = 53;

/// The same share of a split file and the file checked ahead after it together: a little less
/// than half, so that the other thread usually ends its part of the split file first, and the
/// share of the next file each thread takes is decided then (`ahead::share`).
const AHEAD_FIRST_SHARE_PERCENT: u64 = 48;

/// Where a large file is cut in two: after the first line break past [`FIRST_SHARE_PERCENT`]
/// of it (the other thread starts there at once: it reads nothing before the cut but the
/// header).
#[derive(Clone)]
struct Cut {
    path: PathBuf,
    at: u64,
    size: u64,
}

fn cut_of(path: &Path, split_from: u64) -> Option<Cut> {
    let size = std::fs::metadata(path).ok()?.len();
    if size < split_from.max(1) {
        return None;
    }
    Some(Cut {
        path: path.to_path_buf(),
        at: line_break_after(path, size / 100 * FIRST_SHARE_PERCENT)?,
        size,
    })
}

/// Just after the first line break at or after byte `from` of the file (within a block),
/// looked for a few KB at a time: a line is seldom longer, and reading a whole block into
/// fresh memory cost 0.5–1 ms of page faults and copies, three times before a check begins.
fn line_break_after(path: &Path, from: u64) -> Option<u64> {
    const WINDOW: usize = 16 * 1024;
    let mut file = File::open(path).ok()?;
    file.seek(std::io::SeekFrom::Start(from)).ok()?;
    let mut window = [0u8; WINDOW];
    let mut searched: u64 = 0;
    while searched < BLOCK as u64 {
        let n = read_full(&mut file, &mut window).ok()?;
        let read = window.get(..n)?;
        if let Some(line_break) = read.iter().position(|b| *b == b'\n') {
            return Some(from + searched + line_break as u64 + 1);
        }
        if n < WINDOW {
            return None;
        }
        searched += n as u64;
    }
    None
}

/// The file after a split one is checked by the other thread, after its part of that one,
/// from a fork made before it (`Session::forks_ahead`), when it is at least a quarter of
/// `split_from` and at most four fifths of the split file: the other thread is then busy while
/// this one ends the split file, and the next file waits for no fork. Where the other thread
/// starts it is decided once its part of the split file is done (`ahead::share`; this thread
/// checks the bytes before). Returns those files, by the split file before each, and sets their
/// cuts (the end of the header, the earliest the other thread can start; the split file's
/// cut moves to [`AHEAD_FIRST_SHARE_PERCENT`] of both files).
fn plan_ahead(
    session: &Session,
    order: &[usize],
    disk: &dyn Fn(usize) -> Option<PathBuf>,
    cuts: &mut HashMap<usize, Cut>,
    split_from: u64,
) -> HashMap<usize, usize> {
    let mut ahead = HashMap::new();
    for pair in order.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if ahead.values().any(|next| *next == a) || !session.forks_ahead(b, a) {
            continue;
        }
        let (Some(split), Some(next)) = (cuts.get(&a), disk(b).and_then(after_header)) else {
            continue;
        };
        if next.size < split_from / 4 || next.size > split.size / 5 * 4 {
            continue;
        }
        let both = split.size + next.size;
        let at = line_break_after(&split.path, both / 100 * AHEAD_FIRST_SHARE_PERCENT);
        let Some(at) = at.filter(|at| *at < split.size) else {
            continue;
        };
        if let Some(split) = cuts.get_mut(&a) {
            split.at = at;
        }
        cuts.insert(b, next);
        ahead.insert(a, b);
    }
    ahead
}

/// The least of a file checked beside the one before it, as a fraction of the size from
/// which files are split: below it, its fork and thread cost about what they save.
const BESIDE_FROM_DIVISOR: u64 = 8;

/// A file whose rows look up only the file before it (roles.csv after users.csv, see
/// `Session::forks_deferring`) is checked whole by the other thread while this one reads that
/// file, when that file is read whole here: the other thread is idle then, and the two are
/// otherwise checked one after the other. Its references to the file before are looked up
/// when it is taken in (a reference to nothing has this thread check it again, to report it).
/// Neither is split (a file checked beside is smaller than `split_from`). Returns those files,
/// by the file before each, and sets their cuts (the end of the header: this thread reads the
/// header only).
fn plan_beside(
    session: &Session,
    order: &[usize],
    disk: &dyn Fn(usize) -> Option<PathBuf>,
    cuts: &mut HashMap<usize, Cut>,
    split_from: u64,
) -> HashMap<usize, usize> {
    let mut beside = HashMap::new();
    for pair in order.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if cuts.contains_key(&a) || cuts.contains_key(&b) || !session.forks_deferring(b, a) {
            continue;
        }
        let Some(cut) = disk(b).and_then(after_header) else {
            continue;
        };
        if cut.size < split_from / BESIDE_FROM_DIVISOR {
            continue;
        }
        cuts.insert(b, cut);
        beside.insert(a, b);
    }
    beside
}

/// The file cut at the end of its header (the other thread checks all of its rows), when it
/// can be read and has something past its header.
fn after_header(path: PathBuf) -> Option<Cut> {
    let size = std::fs::metadata(&path).ok()?.len();
    let at = line_break_after(&path, 0).filter(|at| *at < size)?;
    Some(Cut { path, at, size })
}

/// Reads until `buffer` is full or the input ends; returns the bytes read.
fn read_full(reader: &mut (impl Read + ?Sized), buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match reader.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Feeds `reader` to `feed` in `chunk_size` pieces, read a block at a time, until the end or
/// until `feed` says to stop (false).
fn feed_all(
    mut reader: impl Read,
    chunk_size: usize,
    feed: &mut dyn FnMut(&[u8]) -> bool,
) -> std::io::Result<()> {
    let mut block = vec![0u8; BLOCK];
    loop {
        let n = read_full(&mut reader, &mut block)?;
        for chunk in block[..n].chunks(chunk_size) {
            if !feed(chunk) {
                return Ok(());
            }
        }
        if n < block.len() {
            return Ok(());
        }
    }
}

/// Bytes read at the start of a file split in two, for its header.
const HEAD: usize = 64 * 1024;

/// The second part of a large file, checked by a forked session on its own thread: it reads
/// the header, then checks the file from the cut on (the first session shifts its line
/// numbers when it takes the part in: see `Session::start_part`).
fn check_second_part(
    mut fork: Session,
    index: usize,
    cut: &Cut,
    max_per_rule: usize,
    chunk_size: usize,
) -> Option<Part> {
    let mut file = File::open(&cut.path).ok()?;
    fork.begin_file(index);
    fork.size_hint(cut.size.saturating_sub(cut.at));
    let mut head = vec![0u8; HEAD.min(usize::try_from(cut.at).ok()?)];
    let n = read_full(&mut file, &mut head).ok()?;
    fork.read_head(head.get(..n)?, &mut Report::new(0))?;
    fork.start_part();
    file.seek(std::io::SeekFrom::Start(cut.at)).ok()?;
    let mut findings = Report::new(max_per_rule);
    // (A part that can no longer be taken in is not checked further: the first thread checks
    // the rest of the file itself, as after any refusal.)
    feed_all(file, chunk_size, &mut |c| {
        fork.feed(c, &mut findings);
        !fork.part_refused()
    })
    .ok()?;
    if fork.part_refused() {
        return None;
    }
    fork.take_part(findings)
}

/// The second part of a file, being checked on another thread.
enum SecondPart<'scope> {
    Thread(std::thread::ScopedJoinHandle<'scope, Option<Part>>),
    /// Sent by a thread that goes on with the next file (`plan_ahead`).
    Sent(std::sync::mpsc::Receiver<Option<Part>>),
}

impl SecondPart<'_> {
    fn wait(self) -> Option<Part> {
        match self {
            SecondPart::Thread(thread) => thread.join().ok().flatten(),
            SecondPart::Sent(part) => part.recv().ok().flatten(),
        }
    }
}

/// Feeds the file from `cut.at` on: the second part, when it could not be checked apart.
fn feed_second_part(
    session: &mut Session,
    cut: &Cut,
    chunk_size: usize,
    report: &mut Report,
) -> Result<(), String> {
    let mut file =
        File::open(&cut.path).map_err(|e| format!("cannot open {}: {e}", cut.path.display()))?;
    file.seek(std::io::SeekFrom::Start(cut.at))
        .map_err(|e| e.to_string())?;
    feed_all(file, chunk_size, &mut |c| {
        session.feed(c, report);
        true
    })
    .map_err(|e| e.to_string())
}

fn run<R: Read + Seek + Send>(
    mut session: Session,
    mut package: Package<R>,
    chunk_size: usize,
    splitting: Splitting,
    report: &mut Report,
) -> Result<Session, String> {
    let order = session.plan(&package.names, report);
    let chunk_size = chunk_size.max(1);
    // Large loose files are checked in two parts at once: this thread reads the first part,
    // another the second (see `Session::fork`).
    let disk = |i: usize| match package.sources.get(i) {
        Some(Source::Disk(path)) => Some(path.clone()),
        _ => None,
    };
    let mut cuts: HashMap<usize, Cut> = order
        .iter()
        .filter(|i| session.splits(**i))
        .filter_map(|&i| cut_of(&disk(i)?, splitting.from).map(|c| (i, c)))
        .collect();
    let ahead = plan_ahead(&session, &order, &disk, &mut cuts, splitting.from);
    let beside = plan_beside(&session, &order, &disk, &mut cuts, splitting.from);
    // Large entries of a zip on disk too, from where the reading thread stops (`zip_part`).
    let zip_cuts: HashMap<usize, ZipCut> = order
        .iter()
        .filter(|i| session.splits(**i))
        .filter_map(|&i| {
            let Some(Source::ZipEntry { archive, index }) = package.sources.get(i) else {
                return None;
            };
            let zip = package.archive_paths.get(*archive)?.clone()?;
            let size = package
                .archives
                .get_mut(*archive)?
                .by_index_raw(*index)
                .ok()?
                .size();
            ZipCut::of(zip, *index, size, splitting.from).map(|cut| (i, cut))
        })
        .collect();
    // Where the other thread starts each file checked ahead, once decided.
    let decisions: HashMap<usize, Decision> = ahead
        .values()
        .chain(beside.values())
        .map(|&b| (b, Decision::default()))
        .collect();
    // A file checked ahead is cut where its decision says; any other as planned.
    let cut_now = |i: usize| -> Option<Cut> {
        let cut = cuts.get(&i)?;
        match decisions.get(&i) {
            Some(decision) => decision.get().flatten().map(|at| Cut { at, ..cut.clone() }),
            None => Some(cut.clone()),
        }
    };
    let progress = Progress::default();
    let max_per_rule = report.max_per_rule();
    // One thread reads (and inflates zip entries) while this one checks: the two overlap.
    let (pieces, received) = std::sync::mpsc::sync_channel(BLOCKS_AHEAD);
    let (spare_blocks, returned) = std::sync::mpsc::channel();
    std::thread::scope(|scope| {
        let (cuts, zip_cuts, decisions, progress) = (&cuts, &zip_cuts, &decisions, &progress);
        scope.spawn(move || {
            read_package(
                package, order, cuts, zip_cuts, decisions, &pieces, &returned,
            );
        });
        // However this loop ends, the reading thread never waits for a decision.
        let _undecided: Vec<_> = decisions.values().map(WholeUnlessDecided).collect();
        let mut current: Option<usize> = None;
        let mut second: Option<SecondPart<'_>> = None;
        // Where the reading of a split zip entry stopped.
        let mut stopped_at: Option<u64> = None;
        // The next file's part, checked by the thread of this one's (`plan_ahead`).
        let mut next_part: Option<(usize, SecondPart<'_>)> = None;
        let mut began = Instant::now();
        let mut fed: u64 = 0;
        for piece in received {
            match piece {
                Piece::Begin { index, size } => {
                    current = Some(index);
                    stopped_at = None;
                    (began, fed) = (Instant::now(), 0);
                    progress.set(0, began.elapsed());
                    second = match next_part.take() {
                        // (Decided whole: the other thread does not check it.)
                        Some((next, made)) if next == index => {
                            cut_now(index).is_some().then_some(made)
                        }
                        // A file to be checked ahead whose split file was not split.
                        _ if decisions.contains_key(&index) => None,
                        // A zip entry (its size known once the reading thread has found it
                        // safe to inflate).
                        _ if size.is_some() && zip_cuts.contains_key(&index) => {
                            session.fork(index).map(|fork| {
                                SecondPart::Thread(scope.spawn(move || {
                                    zip_part::check_second_part(
                                        fork,
                                        index,
                                        zip_cuts.get(&index)?,
                                        max_per_rule,
                                        chunk_size,
                                    )
                                }))
                            })
                        }
                        _ => cuts
                            .get(&index)
                            .and_then(|_| session.fork(index))
                            .map(|fork| {
                                let after = ahead
                                    .get(&index)
                                    .copied()
                                    .filter(|b| session.forks_ahead(*b, index));
                                match after {
                                    Some(b) => {
                                        let (sent, first) = std::sync::mpsc::channel();
                                        let thread = scope.spawn(move || {
                                            check_split_and_ahead(
                                                fork,
                                                (index, b),
                                                cuts,
                                                decisions.get(&b)?,
                                                progress,
                                                splitting.ahead_share,
                                                &sent,
                                                max_per_rule,
                                                chunk_size,
                                            )
                                        });
                                        next_part = Some((b, SecondPart::Thread(thread)));
                                        SecondPart::Sent(first)
                                    }
                                    None => SecondPart::Thread(scope.spawn(move || {
                                        let cut = cuts.get(&index)?;
                                        check_second_part(
                                            fork,
                                            index,
                                            cut,
                                            max_per_rule,
                                            chunk_size,
                                        )
                                    })),
                                }
                            }),
                    };
                    // The file checked beside this one (`plan_beside`), from a fork made
                    // before it; read whole here if that cannot be.
                    if let Some(&b) = beside.get(&index) {
                        let fork = next_part
                            .is_none()
                            .then(|| session.fork(b))
                            .flatten()
                            .zip(cuts.get(&b));
                        let at = fork.map(|(fork, cut)| {
                            let part = scope.spawn(move || {
                                check_second_part(fork, b, cut, max_per_rule, chunk_size)
                            });
                            next_part = Some((b, SecondPart::Thread(part)));
                            cut.at
                        });
                        if let Some(decision) = decisions.get(&b) {
                            decision.decide(at);
                        }
                    }
                    // The file after it, when it is not checked ahead after all, is read
                    // whole here.
                    if let Some(b) = ahead.get(&index) {
                        if next_part.as_ref().is_none_or(|(next, _)| next != b) {
                            if let Some(decision) = decisions.get(b) {
                                decision.decide(None);
                            }
                        }
                    }
                    session.begin_file(index);
                    // A file checked in two parts: this session reads only the first.
                    let part = second.as_ref().and_then(|_| {
                        cut_now(index)
                            .map(|c| c.at)
                            .or_else(|| zip_cuts.get(&index).map(|c| c.from))
                    });
                    if let Some(size) = part.or(size) {
                        session.size_hint(size);
                    }
                }
                Piece::Bytes(block) => {
                    for chunk in block.chunks(chunk_size) {
                        session.feed(chunk, report);
                    }
                    fed += block.len() as u64;
                    progress.set(fed, began.elapsed());
                    // The reader may be gone already: then the block is simply dropped.
                    let _ = spare_blocks.send(block);
                }
                Piece::Cut(at) => stopped_at = Some(at),
                Piece::End(Ok(())) => {
                    let cut = current.and_then(cut_now);
                    // (A split zip entry read to its end has no second part.)
                    let zip_cut = current.and_then(|i| zip_cuts.get(&i));
                    let zip_rest = zip_cut.zip(stopped_at.take());
                    if second.is_some() {
                        // While the other thread may still be at work.
                        session.end_first_part(report);
                    }
                    let part = second.take().and_then(SecondPart::wait);
                    let part = part.filter(|_| zip_cut.is_none() || zip_rest.is_some());
                    let absorbed = part.is_some_and(|part| session.absorb(part, report));
                    let rest = match (&cut, zip_rest) {
                        (Some(cut), _) if !absorbed => {
                            feed_second_part(&mut session, cut, chunk_size, report)
                        }
                        (_, Some((cut, at))) if !absorbed => {
                            zip_part::feed_rest(&mut session, cut, at, chunk_size, report)
                        }
                        _ => Ok(()),
                    };
                    match rest {
                        Ok(()) => session.end_file(report),
                        Err(reason) => session.fail_file(&reason, report),
                    }
                }
                Piece::End(Err(reason)) => {
                    drop(second.take().map(SecondPart::wait));
                    session.fail_file(&reason, report);
                }
                Piece::Fatal(reason) => return Err(reason),
            }
        }
        Ok(())
    })?;
    let info = session.finish(report);
    report.set_package(info);
    Ok(session)
}

/// On the other thread: the second part of the split file `index`, sent as soon as it is
/// checked, then the part of the file `next` checked ahead, from where the threads' speeds
/// say (or `ahead_share` pins). Its session is forked from the split file's before that
/// begins (they are the same until then): the copy of its tables is made on this thread while
/// the other checks.
#[allow(clippy::too_many_arguments)] // one thread's whole task, named where it is spawned
fn check_split_and_ahead(
    fork: Session,
    (index, next): (usize, usize),
    cuts: &HashMap<usize, Cut>,
    decision: &Decision,
    progress: &Progress,
    ahead_share: Option<u8>,
    sent: &std::sync::mpsc::Sender<Option<Part>>,
    max_per_rule: usize,
    chunk_size: usize,
) -> Option<Part> {
    // Decided "whole" if this thread ends before it decides.
    let _undecided = WholeUnlessDecided(decision);
    let next_fork = fork.fork(next);
    let (split, next_cut) = (cuts.get(&index), cuts.get(&next));
    let started = Instant::now();
    let part = split.and_then(|cut| check_second_part(fork, index, cut, max_per_rule, chunk_size));
    let took = started.elapsed();
    let at = match (split, next_cut, &next_fork, &part) {
        // Without its session, this thread cannot check the next file; without the part, the
        // first thread reads the split file's second part again: this one takes all of it.
        (_, _, None, _) | (_, None, _, _) => None,
        (None, Some(cut), _, _) | (_, Some(cut), _, None) => Some(cut.at),
        (Some(split), Some(cut), Some(_), Some(_)) => {
            let share = match ahead_share {
                Some(percent) if percent >= 100 => Share::Here,
                Some(percent) => {
                    Share::Split(cut.size.saturating_sub(cut.at) / 100 * u64::from(percent))
                }
                None => ahead::share(&Measured {
                    progress,
                    split_size: split.size,
                    split_cut: split.at,
                    part_took: took,
                    next_size: cut.size,
                    header_end: cut.at,
                }),
            };
            match share {
                Share::Other => Some(cut.at),
                Share::Split(0) => Some(cut.at),
                Share::Split(mine) => line_break_after(&cut.path, cut.at + mine),
                Share::Here => None,
            }
        }
    };
    decision.decide(at);
    let _ = sent.send(part);
    let cut = Cut {
        at: at?,
        ..next_cut?.clone()
    };
    check_second_part(next_fork?, next, &cut, max_per_rule, chunk_size)
}

/// Reads the files of `package` in `order` into `pieces`, reusing the blocks that come back
/// through `spare`. Stops early when the checking side has stopped listening.
fn read_package<R: Read + Seek>(
    mut package: Package<R>,
    order: Vec<usize>,
    cuts: &HashMap<usize, Cut>,
    zip_cuts: &HashMap<usize, ZipCut>,
    decisions: &HashMap<usize, Decision>,
    pieces: &std::sync::mpsc::SyncSender<Piece>,
    spare: &std::sync::mpsc::Receiver<Vec<u8>>,
) {
    let mut total: u64 = 0;
    let mut send = |piece| pieces.send(piece).is_ok();
    let mut next_block = || spare.try_recv().unwrap_or_else(|_| vec![0u8; BLOCK]);
    for i in order {
        let outcome = match &package.sources[i] {
            Source::Disk(path) => {
                let file = match File::open(path) {
                    Ok(file) => file,
                    Err(e) => {
                        send(Piece::Fatal(format!("cannot open {}: {e}", path.display())));
                        return;
                    }
                };
                let size = file.metadata().ok().map(|m| m.len());
                if !send(Piece::Begin { index: i, size }) {
                    return;
                }
                // A file checked in two parts: the other part is read by its own thread (for
                // a file checked ahead, from where it is decided).
                let first_part = match decisions.get(&i) {
                    Some(decision) => decision.wait(),
                    None => cuts.get(&i).map(|c| c.at),
                };
                let first_part = first_part.unwrap_or(u64::MAX);
                stream(
                    file.take(first_part),
                    u64::MAX,
                    0,
                    &mut next_block,
                    &mut send,
                )
                .map_err(|e| e.to_string())
            }
            Source::ZipEntry { archive, index } => {
                let entry = package.archives[*archive].by_index(*index);
                let (size, checked) = match &entry {
                    Err(e) => (None, Err(entry_problem(&e.to_string()))),
                    Ok(entry) => {
                        let (size, packed) = (entry.size(), entry.compressed_size());
                        let checked = if size > limits::MAX_ENTRY_BYTES
                            || total.saturating_add(size) > limits::MAX_TOTAL_BYTES
                        {
                            Err(format!("it would expand to {size} bytes, more than any roster file (a zip bomb?)"))
                        } else if size > limits::RATIO_FLOOR
                            && size / packed.max(1) > limits::MAX_RATIO
                        {
                            Err(format!("it would expand {}-fold, to {size} bytes: this looks like a zip bomb", size / packed.max(1)))
                        } else {
                            Ok(())
                        };
                        (checked.is_ok().then_some(size), checked)
                    }
                };
                if !send(Piece::Begin { index: i, size }) {
                    return;
                }
                match (entry, checked) {
                    (Ok(entry), Ok(())) => {
                        total += size.unwrap_or(0);
                        // Never read past the size the directory declares. An entry checked
                        // in two parts is read up to the second.
                        let mut entry = UpToCut::new(entry, zip_cuts.get(&i));
                        let read =
                            stream(&mut entry, size.unwrap_or(0), 0, &mut next_block, &mut send)
                                .map_err(|e| entry_problem(&e.to_string()));
                        if let Some(at) = entry.stopped_at {
                            if !send(Piece::Cut(at)) {
                                return;
                            }
                        }
                        read
                    }
                    (_, checked) => checked,
                }
            }
        };
        if !send(Piece::End(outcome)) {
            return;
        }
    }
}

/// A zip library error in words for the report.
fn entry_problem(error: &str) -> String {
    let lower = error.to_ascii_lowercase();
    if lower.contains("password") || lower.contains("encrypt") {
        "it is encrypted (password-protected)".to_owned()
    } else if lower.contains("compression method") || lower.contains("unsupported") {
        format!("it uses a compression method this tool does not read ({error})")
    } else {
        format!("the zip entry is damaged or cut short ({error})")
    }
}

/// Sends the bytes of `reader` as full blocks (the last one shorter), but for its first `skip`
/// bytes (read all the same). Bytes read before an error are sent too, as a sequential read
/// would have checked them.
fn stream(
    mut reader: impl Read,
    limit: u64,
    skip: u64,
    next_block: &mut dyn FnMut() -> Vec<u8>,
    send: &mut dyn FnMut(Piece) -> bool,
) -> std::io::Result<()> {
    let mut read: u64 = 0;
    // Bytes in the blocks so far (those of an overlong read are not kept).
    let mut kept: u64 = 0;
    loop {
        let mut block = next_block();
        block.resize(BLOCK, 0);
        let mut filled = 0;
        let mut result = Ok(());
        while filled < block.len() {
            match reader.read(&mut block[filled..]) {
                Ok(0) => break,
                Ok(n) => {
                    read += n as u64;
                    if read > limit {
                        result = Err(std::io::Error::other(
                            "it holds more data than its size in the zip directory says",
                        ));
                        break;
                    }
                    filled += n;
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        let last = filled < block.len() || result.is_err();
        block.truncate(filled);
        let skipped = usize::try_from(skip.saturating_sub(kept)).map_or(filled, |s| s.min(filled));
        kept += filled as u64;
        block.drain(..skipped);
        if !block.is_empty() && !send(Piece::Bytes(block)) {
            return Ok(()); // the checking side stopped
        }
        if last {
            return result;
        }
    }
}

/// Writes a generated package to a folder, or to a zip when `out` ends in `.zip`.
pub fn generate(
    opts: &rostercheck_gen::GenOptions,
    out: &Path,
) -> Result<rostercheck_gen::GenStats, String> {
    if out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
    {
        let files = rostercheck_gen::generate_in_memory(opts).map_err(|e| e.to_string())?;
        let file =
            File::create(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
        let mut zip = zip::ZipWriter::new(file);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let mut stats = rostercheck_gen::GenStats { files: Vec::new() };
        for (name, bytes) in files {
            zip.start_file(name.as_str(), options)
                .map_err(|e| e.to_string())?;
            std::io::Write::write_all(&mut zip, &bytes).map_err(|e| e.to_string())?;
            let rows = bytes
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                .saturating_sub(1) as u64;
            stats.files.push(rostercheck_gen::FileStats {
                name,
                bytes: bytes.len() as u64,
                rows,
            });
        }
        zip.finish().map_err(|e| e.to_string())?;
        Ok(stats)
    } else {
        rostercheck_gen::generate_to_dir(opts, out)
            .map_err(|e| format!("cannot write {}: {e}", out.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_break_after_a_byte_is_found_across_windows_and_not_past_a_block() {
        let dir = std::env::temp_dir().join(format!("rostercheck-lb-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_default();
        let path = dir.join("lines.csv");
        // A short line, then one longer than the search's window, then one past a block.
        let mut bytes = b"a,b\n".to_vec();
        bytes.extend(std::iter::repeat_n(b'x', 40_000));
        bytes.push(b'\n');
        let long_end = bytes.len() as u64;
        bytes.extend(std::iter::repeat_n(b'y', BLOCK + 10));
        std::fs::write(&path, &bytes).unwrap_or_default();
        assert_eq!(line_break_after(&path, 0), Some(4));
        assert_eq!(line_break_after(&path, 3), Some(4));
        assert_eq!(line_break_after(&path, 4), Some(long_end));
        assert_eq!(line_break_after(&path, 30_000), Some(long_end));
        // No line break within a block of the byte, or none before the end: none.
        assert_eq!(line_break_after(&path, long_end), None);
        assert_eq!(line_break_after(&path, bytes.len() as u64 - 5), None);
        std::fs::remove_dir_all(&dir).unwrap_or_default();
    }
}
