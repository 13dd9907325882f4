//! Turns command-line paths into one package and streams its files into a session. Zip entries
//! are read with limits, so a damaged, encrypted or malicious zip gives findings, not a crash or
//! an exhausted machine.

// Indexes are into the package's own file and archive lists, built together.
#![allow(clippy::indexing_slicing)]

use std::fs::File;
use std::io::{Read, Seek};
use std::path::{Path, PathBuf};

use rostercheck_core::{Report, Session};

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
    Ok(())
}

fn collect(paths: &[PathBuf]) -> Result<Package<File>, String> {
    let mut package = Package {
        names: Vec::new(),
        sources: Vec::new(),
        archives: Vec::new(),
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
        add_zip(package, archive, &name)
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
    let package = collect(paths)?;
    run(session, package, chunk_size, report)
}

/// Validates a zip held in memory (used by tests and the fuzzer).
pub fn check_zip_bytes(bytes: &[u8], chunk_size: usize, report: &mut Report) -> Result<(), String> {
    let mut package = Package {
        names: Vec::new(),
        sources: Vec::new(),
        archives: Vec::new(),
    };
    let archive = open_zip(std::io::Cursor::new(bytes), "the zip")?;
    add_zip(&mut package, archive, "the zip")?;
    run(Session::new(), package, chunk_size, report).map(|_| ())
}

fn run<R: Read + Seek>(
    mut session: Session,
    mut package: Package<R>,
    chunk_size: usize,
    report: &mut Report,
) -> Result<Session, String> {
    let order = session.plan(&package.names, report);
    let mut buffer = vec![0u8; chunk_size.max(1)];
    let mut total: u64 = 0;
    for i in order {
        session.begin_file(i);
        let outcome = match &package.sources[i] {
            Source::Disk(path) => {
                let file =
                    File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
                if let Ok(meta) = file.metadata() {
                    session.size_hint(meta.len());
                }
                stream(file, u64::MAX, &mut buffer, &mut session, report).map_err(|e| e.to_string())
            }
            Source::ZipEntry { archive, index } => {
                match package.archives[*archive].by_index(*index) {
                    Err(e) => Err(entry_problem(&e.to_string())),
                    Ok(entry) => {
                        let (size, packed) = (entry.size(), entry.compressed_size());
                        if size > limits::MAX_ENTRY_BYTES
                            || total.saturating_add(size) > limits::MAX_TOTAL_BYTES
                        {
                            Err(format!("it would expand to {size} bytes, more than any roster file (a zip bomb?)"))
                        } else if size > limits::RATIO_FLOOR
                            && size / packed.max(1) > limits::MAX_RATIO
                        {
                            Err(format!("it would expand {}-fold, to {size} bytes: this looks like a zip bomb", size / packed.max(1)))
                        } else {
                            total += size;
                            session.size_hint(size);
                            // Never read past the size the directory declares.
                            stream(entry, size, &mut buffer, &mut session, report)
                                .map_err(|e| entry_problem(&e.to_string()))
                        }
                    }
                }
            }
        };
        match outcome {
            Ok(()) => session.end_file(report),
            Err(reason) => session.fail_file(&reason, report),
        }
    }
    let info = session.finish(report);
    report.set_package(info);
    Ok(session)
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

fn stream(
    mut reader: impl Read,
    limit: u64,
    buffer: &mut [u8],
    session: &mut Session,
    report: &mut Report,
) -> std::io::Result<()> {
    let mut read: u64 = 0;
    loop {
        let n = match reader.read(buffer) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        read += n as u64;
        if read > limit {
            return Err(std::io::Error::other(
                "it holds more data than its size in the zip directory says",
            ));
        }
        session.feed(&buffer[..n], report);
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
