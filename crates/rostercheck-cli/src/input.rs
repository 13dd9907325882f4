//! Turns command-line paths into one package and streams its files into a session.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use rostercheck_core::{Report, Session};

/// Where a file's bytes come from.
enum Source {
    Disk(PathBuf),
    ZipEntry { archive: usize, index: usize },
}

struct Package {
    names: Vec<String>,
    sources: Vec<Source>,
    archives: Vec<zip::ZipArchive<File>>,
}

fn open_zip(path: &Path) -> Result<zip::ZipArchive<File>, String> {
    let file = File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    zip::ZipArchive::new(file)
        .map_err(|e| format!("{} is not a readable zip archive: {e}", path.display()))
}

fn collect(paths: &[PathBuf]) -> Result<Package, String> {
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

fn add_path(package: &mut Package, path: &Path) -> Result<(), String> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if name.to_ascii_lowercase().ends_with(".zip") {
        let archive = open_zip(path)?;
        let a = package.archives.len();
        for i in 0..archive.len() {
            let Some(entry_name) = archive.name_for_index(i) else {
                continue;
            };
            if entry_name.ends_with('/') {
                continue; // a folder
            }
            package.names.push(entry_name.to_owned());
            package.sources.push(Source::ZipEntry {
                archive: a,
                index: i,
            });
        }
        package.archives.push(archive);
    } else {
        package.names.push(name);
        package.sources.push(Source::Disk(path.to_path_buf()));
    }
    Ok(())
}

/// Validates the package made of `paths` into `report`.
pub fn check(paths: &[PathBuf], chunk_size: usize, report: &mut Report) -> Result<(), String> {
    let mut package = collect(paths)?;
    let mut session = Session::new();
    let order = session.plan(&package.names, report);
    let mut buffer = vec![0u8; chunk_size];
    for i in order {
        session.begin_file(i);
        let result = match &package.sources[i] {
            Source::Disk(path) => {
                let file =
                    File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
                stream(file, &mut buffer, &mut session, report)
            }
            Source::ZipEntry { archive, index } => {
                let name = package.names[i].clone();
                let entry = package.archives[*archive]
                    .by_index(*index)
                    .map_err(|e| format!("cannot read {name} from the zip: {e}"))?;
                stream(entry, &mut buffer, &mut session, report)
            }
        };
        result.map_err(|e| format!("cannot read {}: {e}", package.names[i]))?;
        session.end_file(report);
    }
    let info = session.finish(report);
    report.set_package(info);
    Ok(())
}

fn stream(
    mut reader: impl Read,
    buffer: &mut [u8],
    session: &mut Session,
    report: &mut Report,
) -> std::io::Result<()> {
    loop {
        let n = match reader.read(buffer) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
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
