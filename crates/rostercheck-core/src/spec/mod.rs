//! OneRoster 1.1 and 1.2 as static tables: files, columns, types, vocabularies and references.
//!
//! `tables.rs` is generated from the reference JSON by `tools/gen_spec.py`; this module holds the
//! types it is written in and the look-ups the engine needs.

// Slices here are of the static spec tables.
#![allow(clippy::indexing_slicing, clippy::string_slice)]

mod tables;
pub use tables::*;

/// A OneRoster version as declared by `oneroster.version` in the manifest. 1.2.1 declares `1.2`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Version {
    V1_1,
    V1_2,
}

impl Version {
    pub const fn as_str(self) -> &'static str {
        match self {
            Version::V1_1 => "1.1",
            Version::V1_2 => "1.2",
        }
    }

    pub fn parse(s: &str) -> Option<Version> {
        match s {
            "1.1" => Some(Version::V1_1),
            "1.2" => Some(Version::V1_2),
            _ => None,
        }
    }

    pub fn spec(self) -> &'static VersionSpec {
        match self {
            Version::V1_1 => &VERSION_1_1,
            Version::V1_2 => &VERSION_1_2,
        }
    }

    pub fn other(self) -> Version {
        match self {
            Version::V1_1 => Version::V1_2,
            Version::V1_2 => Version::V1_1,
        }
    }
}

/// Whether a column needs a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Required {
    Yes,
    No,
    /// `status` and `dateLastModified`: filled in delta files, blank in bulk files.
    Delta,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueType {
    Guid,
    GuidRef,
    GuidRefList,
    Id,
    Text,
    TextList,
    Enum,
    EnumList,
    Boolean,
    Float,
    Integer,
    Date,
    DateTime,
    Year,
}

impl ValueType {
    pub fn is_list(self) -> bool {
        matches!(
            self,
            ValueType::GuidRefList | ValueType::TextList | ValueType::EnumList
        )
    }
}

/// Whether a vocabulary may be extended with `ext:` tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Extensible {
    No,
    Yes,
    /// 1.1: not established by the spec text; `ext:` values are reported as warnings.
    Unverified,
}

/// What kind of record a reference must point at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefConstraint {
    School,
    SchoolYear,
    Student,
}

#[derive(Debug)]
pub struct Vocab {
    pub name: &'static str,
    pub values: &'static [&'static str],
    /// Values from older versions that are no longer allowed (`inactive`).
    pub deprecated: &'static [&'static str],
}

impl Vocab {
    pub fn contains(&self, value: &str) -> bool {
        self.values.contains(&value)
    }

    /// The vocabulary value equal to `value` ignoring case (`Scheduled` → `scheduled`).
    pub fn case_insensitive_match(&self, value: &str) -> Option<&'static str> {
        self.values
            .iter()
            .copied()
            .find(|v| v.eq_ignore_ascii_case(value))
    }
}

#[derive(Debug)]
pub struct ColumnSpec {
    pub name: &'static str,
    pub required: Required,
    pub ty: ValueType,
    pub vocab: Option<&'static Vocab>,
    pub extensible: Extensible,
    /// The file whose `sourcedId` this column references.
    pub reference: Option<FileKind>,
    pub constraint: Option<RefConstraint>,
    /// Values are grade codes (CEDS Entry Grade Level).
    pub grades: bool,
    /// List items are `{Type:Id}` pairs (`userIds`, `scoreScaleValue`).
    pub braced_pairs: bool,
}

#[derive(Debug)]
pub struct FileSpec {
    pub kind: FileKind,
    pub columns: &'static [ColumnSpec],
    /// Files that must be in a bulk package when this one is.
    pub required_deps: &'static [FileKind],
}

impl FileSpec {
    pub fn name(&self) -> &'static str {
        self.kind.file_name()
    }

    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    pub fn header(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.columns.iter().map(|c| c.name)
    }
}

#[derive(Debug)]
pub struct ManifestProperty {
    pub name: &'static str,
    pub required: bool,
    pub fixed_value: Option<&'static str>,
    pub file: Option<FileKind>,
}

#[derive(Debug)]
pub struct VersionSpec {
    pub version: Version,
    pub files: &'static [&'static FileSpec],
    pub manifest_properties: &'static [ManifestProperty],
    pub grades: &'static Vocab,
    /// 1.1 makes the CEDS grade list normative; 1.2 leaves the vocabulary to each deployment.
    pub grades_normative: bool,
}

impl VersionSpec {
    pub fn file(&self, kind: FileKind) -> Option<&'static FileSpec> {
        self.files.iter().copied().find(|f| f.kind == kind)
    }

    pub fn defines(&self, kind: FileKind) -> bool {
        kind == FileKind::Manifest || self.file(kind).is_some()
    }
}

impl FileKind {
    /// The file kind for an exact file name.
    pub fn from_name(name: &str) -> Option<FileKind> {
        FileKind::ALL
            .iter()
            .copied()
            .find(|k| k.file_name() == name)
    }

    /// The file kind for a name that differs only in case (`Users.csv`).
    pub fn from_name_ignoring_case(name: &str) -> Option<FileKind> {
        FileKind::ALL
            .iter()
            .copied()
            .find(|k| k.file_name().eq_ignore_ascii_case(name))
    }

    /// Whether a column of some file (in either version) refers to this kind's sourcedIds: if
    /// not, its ids are only compared with each other, and not kept after its file.
    pub fn is_referenced(self) -> bool {
        [Version::V1_1, Version::V1_2].iter().any(|v| {
            v.spec()
                .files
                .iter()
                .flat_map(|f| f.columns.iter())
                .any(|c| c.reference == Some(self))
        })
    }

    /// The name without `.csv`, as used in `file.<name>` manifest properties.
    pub fn stem(self) -> &'static str {
        let name = self.file_name();
        &name[..name.len() - 4]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_header_differs_between_versions() {
        let v11: Vec<_> = VERSION_1_1
            .file(FileKind::Users)
            .unwrap()
            .header()
            .collect();
        let v12: Vec<_> = VERSION_1_2
            .file(FileKind::Users)
            .unwrap()
            .header()
            .collect();
        assert!(v11.contains(&"orgSourcedIds"));
        assert!(!v12.contains(&"orgSourcedIds"));
        assert_eq!(VERSION_1_1.files.len(), 13);
        assert_eq!(VERSION_1_2.files.len(), 21);
    }

    #[test]
    fn every_reference_points_at_a_file_of_the_same_version() {
        for v in [&VERSION_1_1, &VERSION_1_2] {
            for f in v.files {
                for c in f.columns {
                    if let Some(target) = c.reference {
                        assert!(v.defines(target), "{} {} -> {:?}", f.name(), c.name, target);
                    }
                }
            }
        }
    }

    #[test]
    fn processing_order_puts_targets_first() {
        // Every reference to another file points at a file processed earlier, so most
        // references resolve as rows arrive.
        for v in [&VERSION_1_1, &VERSION_1_2] {
            for f in v.files {
                for c in f.columns {
                    if let Some(target) = c.reference {
                        assert!(target <= f.kind, "{} {} -> {:?}", f.name(), c.name, target);
                    }
                }
            }
        }
    }
}

crate::wire::wire_enum!(RefConstraint {
    School,
    SchoolYear,
    Student
});
