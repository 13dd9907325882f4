//! Reads `manifest.csv` rows into the package's version and per-file modes, and checks them.

use crate::diagnostic::Diagnostic;
use crate::header::edit_distance;
use crate::rules::package as rules;
use crate::spec::{FileKind, Version, VERSION_1_1, VERSION_1_2};

/// How a file is delivered, from its `file.*` row or, failing that, from its data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Bulk,
    Delta,
}

impl Mode {
    pub const fn as_str(self) -> &'static str {
        match self {
            Mode::Bulk => "bulk",
            Mode::Delta => "delta",
        }
    }
}

/// A `file.*` row's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Declared {
    Absent,
    Present(Mode),
}

/// One manifest row: property, value, line.
pub struct Row {
    pub property: String,
    pub value: String,
    pub line: u64,
}

#[derive(Clone, Default)]
pub struct Manifest {
    pub version: Option<Version>,
    /// `file.*` declarations with the line they are on.
    pub files: Vec<(FileKind, Declared, u64)>,
    /// Every property name given, valid or not.
    pub properties: Vec<String>,
}

impl Manifest {
    pub fn has_row(&self, property: &str) -> bool {
        self.properties.iter().any(|p| p == property)
    }

    pub fn declared(&self, kind: FileKind) -> Option<(Declared, u64)> {
        self.files
            .iter()
            .find(|(k, _, _)| *k == kind)
            .map(|(_, d, l)| (*d, *l))
    }
}

const FILE: &str = "manifest.csv";

/// Checks the manifest rows and extracts version and modes. `present` lists the data files in
/// the package (so a present file without a row is reported once, as undeclared, elsewhere).
/// `fallback` is the version to check the properties against when the manifest does not give
/// a usable one (the version inferred from the files).
pub fn read(
    rows: &[Row],
    present: &[FileKind],
    fallback: Version,
    out: &mut Vec<Diagnostic>,
) -> Manifest {
    let mut manifest = Manifest {
        properties: rows.iter().map(|r| r.property.clone()).collect(),
        ..Manifest::default()
    };
    let mut suggested: Vec<&'static str> = Vec::new();
    let mut seen: Vec<(&str, u64)> = Vec::new();
    let at = |rule, line: u64, message: String, help: String| {
        Diagnostic::new(rule, message, help).file(FILE).line(line)
    };

    // The version decides which properties exist, so read it first.
    let version_row = rows.iter().find(|r| r.property == "oneroster.version");
    if let Some(row) = version_row {
        manifest.version = Version::parse(row.value.trim());
        if manifest.version.is_none() {
            let help = match row.value.trim() {
                v if v.starts_with("1.2") => {
                    "1.2.1 packages also declare `1.2`: write 1.2".to_owned()
                }
                v if v.starts_with("1.1") => "write 1.1".to_owned(),
                v if v.starts_with("1.0") || v == "1" => {
                    "OneRoster 1.0 had no manifest; export OneRoster 1.1 or 1.2 and declare it here"
                        .to_owned()
                }
                _ => "write 1.1 or 1.2, the OneRoster version the files follow".to_owned(),
            };
            out.push(
                at(
                    &rules::MANIFEST_INVALID_VALUE,
                    row.line,
                    format!("\"{}\" is not a OneRoster version", row.value),
                    help,
                )
                .field("oneroster.version")
                .value(&row.value),
            );
        }
    }
    let spec = manifest.version.unwrap_or(fallback).spec();
    let known = |name: &str| spec.manifest_properties.iter().find(|p| p.name == name);

    for row in rows {
        let name = row.property.as_str();
        if let Some((_, first)) = seen.iter().find(|(n, _)| *n == name) {
            out.push(
                at(
                    &rules::MANIFEST_DUPLICATE_PROPERTY,
                    row.line,
                    format!("`{name}` is already set on line {first}"),
                    "keep one row per property; consumers may read either value".to_owned(),
                )
                .field(name)
                .value(&row.value),
            );
            continue;
        }
        seen.push((name, row.line));
        let Some(property) = known(name) else {
            let (d, suggestion) = unknown_property(row, manifest.version);
            suggested.extend(suggestion);
            out.push(d);
            continue;
        };
        let value = row.value.as_str();
        if let Some(fixed) = property.fixed_value {
            if name == "manifest.version" && value != fixed {
                out.push(
                    at(
                        &rules::MANIFEST_INVALID_VALUE,
                        row.line,
                        format!("`manifest.version` is \"{value}\"; it must be \"{fixed}\""),
                        format!("write manifest.version,{fixed} (this is the manifest format's version, not OneRoster's)"),
                    )
                    .field(name)
                    .value(value),
                );
            }
        }
        if let Some(kind) = property.file {
            let declared = match value {
                "absent" => Some(Declared::Absent),
                "bulk" => Some(Declared::Present(Mode::Bulk)),
                "delta" => Some(Declared::Present(Mode::Delta)),
                _ => None,
            };
            match declared {
                Some(d) => manifest.files.push((kind, d, row.line)),
                None => {
                    let lower = value.trim().to_ascii_lowercase();
                    let help = if ["absent", "bulk", "delta"].contains(&value.trim()) {
                        format!(
                            "remove the spaces around the value: write `{}`",
                            value.trim()
                        )
                    } else if ["absent", "bulk", "delta"].contains(&lower.as_str()) {
                        format!("values are case-sensitive and exact: write `{lower}`")
                    } else if value.is_empty() {
                        "write absent (file not sent), bulk (complete data) or delta (changes only)"
                            .to_owned()
                    } else {
                        "use absent, bulk or delta".to_owned()
                    };
                    let message = if value.is_empty() {
                        format!("`{name}` has no value")
                    } else {
                        format!("\"{value}\" is not a valid value for `{name}`")
                    };
                    out.push(
                        at(&rules::MANIFEST_INVALID_VALUE, row.line, message, help)
                            .field(name)
                            .value(value),
                    );
                }
            }
        }
    }

    let missing: Vec<&str> = spec
        .manifest_properties
        .iter()
        .filter(|p| p.required && !seen.iter().any(|(n, _)| *n == p.name))
        .filter(|p| !p.file.is_some_and(|k| present.contains(&k)))
        // A misspelled row was already reported with its correction.
        .filter(|p| !suggested.contains(&p.name))
        .map(|p| p.name)
        .collect();
    if !missing.is_empty() {
        let list = missing
            .iter()
            .map(|m| format!("`{m}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let message = if missing.len() == 1 {
            format!("manifest.csv has no {list} row")
        } else {
            format!(
                "manifest.csv is missing {} required rows: {list}",
                missing.len()
            )
        };
        let help = if missing.iter().all(|m| m.starts_with("file.")) {
            "add one row per file the version defines, with `absent` for the files you do not send"
                .to_owned()
        } else {
            "add the rows; the manifest must state manifest.version, oneroster.version and every file.* mode".to_owned()
        };
        let mut d = Diagnostic::new(&rules::MANIFEST_MISSING_PROPERTY, message, help).file(FILE);
        if let [only] = missing.as_slice() {
            d = d.field(only);
        }
        out.push(d);
    }
    manifest
}

/// The finding for an unknown property, and the property it was probably meant to be.
fn unknown_property(row: &Row, version: Option<Version>) -> (Diagnostic, Option<&'static str>) {
    let name = row.property.as_str();
    let candidates = VERSION_1_2
        .manifest_properties
        .iter()
        .chain(VERSION_1_1.manifest_properties)
        .map(|p| p.name);
    let suggestion = candidates
        .map(|c| {
            (
                edit_distance(&name.to_ascii_lowercase(), &c.to_ascii_lowercase()),
                c,
            )
        })
        .filter(|(d, _)| *d <= 3)
        .min();
    let only_12 = version == Some(Version::V1_1)
        && VERSION_1_2
            .manifest_properties
            .iter()
            .any(|p| p.name == name)
        && !VERSION_1_1
            .manifest_properties
            .iter()
            .any(|p| p.name == name);
    let (message, help) = match suggestion {
        _ if only_12 => (
            format!("`{name}` is a OneRoster 1.2 property, but this is a 1.1 manifest"),
            "remove the row, or declare oneroster.version 1.2 if the package follows 1.2"
                .to_owned(),
        ),
        Some((_, right)) if right != name => (
            format!("`{name}` is not a manifest property; did you mean `{right}`?"),
            format!(
                "correct it to `{right}`: consumers ignore unknown rows, so `{right}` is missing"
            ),
        ),
        _ => (
            format!("`{name}` is not a manifest property"),
            "remove the row; property names are case-sensitive".to_owned(),
        ),
    };
    let meant = suggestion
        .map(|(_, right)| right)
        .filter(|right| *right != name && !only_12);
    let d = Diagnostic::new(&rules::MANIFEST_UNKNOWN_PROPERTY, message, help)
        .file(FILE)
        .line(row.line)
        .field(name)
        .value(&row.value);
    (d, meant)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<Row> {
        text.lines()
            .enumerate()
            .map(|(i, l)| {
                let (p, v) = l.split_once(',').unwrap_or((l, ""));
                Row {
                    property: p.to_owned(),
                    value: v.to_owned(),
                    line: i as u64 + 2,
                }
            })
            .collect()
    }

    #[test]
    fn typo_is_suggested_once() {
        let mut out = Vec::new();
        let m = read(
            &rows("manifest.version,1.0\noneroster.version,1.1\nfiel.demographics,absent\nfile.users,Bulk"),
            &[],
            Version::V1_2,
            &mut out,
        );
        assert_eq!(m.version, Some(Version::V1_1));
        let msgs: Vec<_> = out
            .iter()
            .map(|d| format!("{} {}", d.code, d.message))
            .collect();
        assert!(
            msgs.iter()
                .any(|m| m.contains("did you mean `file.demographics`")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter()
                .any(|m| m.starts_with("OR005") && m.contains("Bulk")),
            "{msgs:?}"
        );
        // The typo is reported once, with its correction, not also as a missing row.
        assert!(
            !msgs
                .iter()
                .any(|m| m.starts_with("OR003") && m.contains("`file.demographics`")),
            "{msgs:?}"
        );
    }
}

// The bytes of a forked session's manifest (see `crate::wire`).
crate::wire::wire_enum!(Mode { Bulk, Delta });
crate::wire::wire_struct!(Manifest {
    version,
    files,
    properties
});

impl crate::wire::Wire for Declared {
    fn put(&self, out: &mut Vec<u8>) {
        let mode = match self {
            Declared::Absent => None,
            Declared::Present(mode) => Some(*mode),
        };
        mode.put(out);
    }

    fn get(r: &mut crate::wire::Reader<'_>) -> Option<Self> {
        Some(match Option::<Mode>::get(r)? {
            None => Declared::Absent,
            Some(mode) => Declared::Present(mode),
        })
    }
}
