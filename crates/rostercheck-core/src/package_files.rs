//! Which names in a dropped folder or zip are OneRoster files: folders, case, duplicates and
//! files that are not CSV at all.

use crate::diagnostic::{Diagnostic, Sink};
use crate::rules::{encoding, package as rules};
use crate::spec::FileKind;

pub struct PlannedFile {
    /// The file name without any enclosing folder.
    pub name: String,
    pub kind: Option<FileKind>,
}

pub struct Planned {
    /// One entry per input name, in input order.
    pub files: Vec<PlannedFile>,
}

/// Names other tools leave in archives, ignored without comment.
fn is_noise(path: &str) -> bool {
    let base = path.rsplit('/').next().unwrap_or(path);
    path.starts_with("__MACOSX/")
        || path.contains("/__MACOSX/")
        || base.starts_with("._")
        || base == ".DS_Store"
        || base == "Thumbs.db"
        || base.is_empty()
}

/// The name without a spreadsheet extension (`users` for `users.xlsx`).
fn spreadsheet_stem(lower: &str) -> Option<&str> {
    [".xlsx", ".xls", ".xlsm", ".ods", ".numbers"]
        .iter()
        .find_map(|e| lower.strip_suffix(e))
}

const CLEVER: &[&str] = &[
    "students.csv",
    "teachers.csv",
    "sections.csv",
    "schools.csv",
    "staff.csv",
];

pub fn plan(names: &[String], sink: &mut dyn Sink) -> Planned {
    let mut files = Vec::with_capacity(names.len());
    let mut kinds: Vec<(FileKind, String)> = Vec::new();
    let folders: Vec<&str> = names
        .iter()
        .filter(|n| !is_noise(n) && n.to_ascii_lowercase().ends_with(".csv"))
        .map(|n| n.rsplit_once('/').map_or("", |(d, _)| d))
        .collect();
    if let Some(first) = folders.first() {
        if folders.iter().all(|f| f == first) {
            if !first.is_empty() {
                sink.push(Diagnostic::new(
                    &rules::NESTED_FOLDER,
                    format!("The CSV files are inside the folder \"{first}/\" instead of at the root of the zip"),
                    "they were checked anyway; most importers (ClassLink, Infinite Campus, SFTP uploads) look only at the root: zip the files themselves, not the folder",
                ));
            }
        } else {
            let nested: Vec<&str> = names
                .iter()
                .filter(|n| {
                    !is_noise(n) && n.to_ascii_lowercase().ends_with(".csv") && n.contains('/')
                })
                .map(String::as_str)
                .take(5)
                .collect();
            sink.push(Diagnostic::new(
                &rules::NESTED_FOLDER,
                format!("The CSV files are spread over different folders of the zip: {}", nested.join(", ")),
                "they were checked as one package; importers read only the files at the root of the zip, so put every file there",
            ));
        }
    }
    for path in names {
        let name = path.rsplit('/').next().unwrap_or(path).to_owned();
        if is_noise(path) {
            files.push(PlannedFile { name, kind: None });
            continue;
        }
        let lower = name.to_ascii_lowercase();
        let kind = if let Some(k) = FileKind::from_name(&name) {
            Some(k)
        } else if let Some(k) = FileKind::from_name_ignoring_case(&name) {
            sink.push(
                Diagnostic::new(
                    &rules::FILE_NAME_CASE,
                    format!("\"{name}\" should be named \"{}\"", k.file_name()),
                    "it was checked as that file; file names are case-sensitive for ClassLink, Infinite Campus and SDS, which will not find it",
                )
                .file(&name),
            );
            Some(k)
        } else if let Some(k) = spreadsheet_stem(&lower)
            .and_then(|stem| FileKind::from_name_ignoring_case(&format!("{stem}.csv")))
        {
            // users.xlsx stands for users.csv: reading it says it is a workbook (OR111), and the
            // package is not also told that users.csv is missing.
            Some(k)
        } else if spreadsheet_stem(&lower).is_some() {
            sink.push(
                Diagnostic::new(
                    &encoding::NOT_CSV,
                    format!("\"{name}\" is a spreadsheet workbook, not a CSV file"),
                    "open it and use File > Save As > \"CSV UTF-8 (Comma delimited)\", one sheet per OneRoster file, named like users.csv",
                )
                .file(&name),
            );
            None
        } else if lower.ends_with(".csv") {
            let help = if CLEVER.contains(&lower.as_str()) {
                "this is a Clever SFTP file name; OneRoster uses orgs.csv, users.csv, classes.csv, enrollments.csv, …: export OneRoster CSV instead"
            } else {
                "OneRoster file names are fixed (orgs.csv, users.csv, classes.csv, …); rename it or leave it out"
            };
            sink.push(
                Diagnostic::new(
                    &rules::UNKNOWN_FILE,
                    format!("\"{name}\" is not a OneRoster file"),
                    help,
                )
                .file(&name),
            );
            None
        } else if lower.ends_with(".zip") {
            sink.push(
                Diagnostic::new(
                    &rules::UNKNOWN_FILE,
                    format!("\"{name}\" is a zip inside the zip, and was not opened"),
                    "unzip it and check the files it holds; a OneRoster package is one zip with the CSV files at its root",
                )
                .file(&name),
            );
            None
        } else {
            sink.push(
                Diagnostic::new(
                    &rules::UNKNOWN_FILE,
                    format!("\"{name}\" is not a CSV file and was ignored"),
                    "a OneRoster package holds only manifest.csv and the OneRoster CSV files",
                )
                .file(&name),
            );
            None
        };
        let kind = match kind {
            Some(k) => {
                if let Some((_, first)) = kinds.iter().find(|(seen, _)| *seen == k) {
                    sink.push(
                        Diagnostic::new(
                            &rules::DUPLICATE_FILE,
                            format!("The package holds {} more than once (\"{first}\" and \"{path}\")", k.file_name()),
                            "keep one file of each kind (for example, do not drop a zip together with its unzipped files); only the first was checked",
                        )
                        .file(&name),
                    );
                    None
                } else {
                    kinds.push((k, path.clone()));
                    Some(k)
                }
            }
            None => None,
        };
        files.push(PlannedFile { name, kind });
    }
    Planned { files }
}
