//! `OR0xx`: the package as a whole and its `manifest.csv`. Raised by `package.rs` and `manifest.rs`.

use super::{Rule, RuleDocs};
use crate::diagnostic::Severity::*;

pub static MISSING_MANIFEST: Rule = Rule {
    code: "OR001",
    name: "missing-manifest",
    severity: Error,
    summary: "The package has no manifest.csv",
    docs: RuleDocs {
        what: "Checks that the package contains `manifest.csv`.",
        why: "The manifest says which OneRoster version the files follow and whether each file is a full (bulk) or partial (delta) export. Without it, consumers treat the package as OneRoster 1.0 or reject it; SFTP imports (ClassLink, Amplify) fail.",
        example: "A zip with orgs.csv, users.csv, classes.csv and enrollments.csv, but no manifest.csv.",
        fix: "Export the manifest from your SIS with the other files, or add a manifest.csv with `manifest.version,1.0`, `oneroster.version,1.1` (or `1.2`) and one `file.<name>` row per file.",
        spec: "OneRoster CSV binding §2.1 (manifest.csv is mandatory); MAN-01.",
    },
};

pub static MANIFEST_MALFORMED: Rule = Rule {
    code: "OR002",
    name: "manifest-malformed",
    severity: Error,
    summary: "manifest.csv is not a two-column propertyName,value table",
    docs: RuleDocs {
        what: "Checks that manifest.csv has the header `propertyName,value` and exactly two fields on every row.",
        why: "Consumers read the manifest by property name; any other shape means the version and the file modes cannot be read.",
        example: "`name,setting` as the header, or a row `file.users,bulk,extra`.",
        fix: "Make the first line exactly `propertyName,value` and give every row one property and one value.",
        spec: "OneRoster CSV binding §2.1, manifest.csv table.",
    },
};

pub static MANIFEST_MISSING_PROPERTY: Rule = Rule {
    code: "OR003",
    name: "manifest-missing-property",
    severity: Error,
    summary: "A required manifest property is missing",
    docs: RuleDocs {
        what: "Checks that `manifest.version`, `oneroster.version` and one `file.<name>` row for every data file of the version are present.",
        why: "Consumers decide what to import from these rows: a missing `file.` row leaves the file's mode undefined.",
        example: "A 1.1 manifest without a `file.demographics` row.",
        fix: "Add the missing row; use `absent` for files you do not send.",
        spec: "OneRoster CSV binding §2.1: every file.* property is required.",
    },
};

pub static MANIFEST_UNKNOWN_PROPERTY: Rule = Rule {
    code: "OR004",
    name: "manifest-unknown-property",
    severity: Warning,
    summary: "manifest.csv has a property the binding does not define",
    docs: RuleDocs {
        what: "Reports manifest rows whose property name is not defined for the version, and suggests the closest defined name.",
        why: "A misspelled property is ignored by consumers, so the row it was meant to be is missing (ManageBac: \"'%s' is unknown\").",
        example: "`fiel.demographics,absent` (meant `file.demographics`).",
        fix: "Correct the spelling (property names are case-sensitive) or remove the row.",
        spec: "OneRoster CSV binding §2.1; unknown properties are not addressed by the spec (MAN-08).",
    },
};

pub static MANIFEST_INVALID_VALUE: Rule = Rule {
    code: "OR005",
    name: "manifest-invalid-value",
    severity: Error,
    summary: "A manifest property has a value the binding does not allow",
    docs: RuleDocs {
        what: "Checks `manifest.version` is `1.0`, `oneroster.version` is `1.1` or `1.2`, and every `file.*` is `absent`, `bulk` or `delta`.",
        why: "Consumers reject packages with an unknown version and cannot tell how to apply a file whose mode is unknown.",
        example: "`oneroster.version,1.1.1` or `file.users,Bulk`.",
        fix: "Use exactly one of the allowed values, in lower case.",
        spec: "OneRoster CSV binding §2.1; MAN-02, MAN-03.",
    },
};

pub static MANIFEST_DUPLICATE_PROPERTY: Rule = Rule {
    code: "OR006",
    name: "manifest-duplicate-property",
    severity: Error,
    summary: "A manifest property appears more than once",
    docs: RuleDocs {
        what: "Reports a manifest property given on more than one row.",
        why: "When two rows disagree (`file.users,bulk` and `file.users,absent`), consumers pick one at random.",
        example: "Two `file.users` rows.",
        fix: "Keep one row per property.",
        spec: "OneRoster CSV binding §2.1 lists each property once.",
    },
};

pub static DECLARED_FILE_MISSING: Rule = Rule {
    code: "OR007",
    name: "declared-file-missing",
    severity: Error,
    summary: "The manifest declares a file as bulk or delta but it is not in the package",
    docs: RuleDocs {
        what: "Compares the manifest's `file.*` rows with the files actually present.",
        why: "A consumer expecting users.csv in bulk mode and not finding it may treat every user as removed.",
        example: "`file.users,bulk` in the manifest, but no users.csv.",
        fix: "Add the file to the export, or mark it `absent` in the manifest.",
        spec: "OneRoster CSV binding §2.1: files marked bulk or delta MUST accompany the manifest (MAN-04).",
    },
};

pub static UNDECLARED_FILE: Rule = Rule {
    code: "OR008",
    name: "undeclared-file",
    severity: Error,
    summary: "A file is in the package but the manifest declares it absent or not at all",
    docs: RuleDocs {
        what: "Reports data files present in the package whose `file.*` row is `absent` or missing.",
        why: "Consumers skip files the manifest says are absent, so the data in them is silently ignored.",
        example: "demographics.csv in the zip with `file.demographics,absent`.",
        fix: "Set the file's manifest row to `bulk` or `delta`, or leave the file out.",
        spec: "OneRoster CSV binding §2.1: no other data files may be present (MAN-04).",
    },
};

pub static UNKNOWN_FILE: Rule = Rule {
    code: "OR009",
    name: "unknown-file",
    severity: Warning,
    summary: "A file in the package is not one the OneRoster binding defines",
    docs: RuleDocs {
        what: "Reports files whose names are not OneRoster file names for the package's version (for example Clever's `students.csv` or SDS's `section.csv`).",
        why: "Consumers ignore unknown files; when the file was meant to be a OneRoster file, its data is lost.",
        example: "`students.csv`, `teachers.csv`, or `roles.csv` in a 1.1 package.",
        fix: "Rename the file to its OneRoster name, or remove it from the package.",
        spec: "OneRoster CSV binding §2.1, table of files.",
    },
};

pub static FILE_NAME_CASE: Rule = Rule {
    code: "OR010",
    name: "file-name-case",
    severity: Warning,
    summary: "A file name differs from the OneRoster name only in upper/lower case",
    docs: RuleDocs {
        what: "Matches file names ignoring case, validates the file, and reports the wrong case.",
        why: "File names are case-sensitive for ClassLink, Infinite Campus, SDS and ST Math: `Users.csv` is not found.",
        example: "`academicsessions.csv` instead of `academicSessions.csv`.",
        fix: "Rename the file to the exact name shown.",
        spec: "OneRoster CSV binding §2.1 file names; ClassLink: \"All filenames and field headers MUST be identical to those listed in the specs.\"",
    },
};

pub static NESTED_FOLDER: Rule = Rule {
    code: "OR011",
    name: "nested-folder",
    severity: Error,
    summary: "The zip holds its CSV files inside a folder instead of at the root",
    docs: RuleDocs {
        what: "Accepts a zip whose CSV files sit in a folder (or in several), validates them, and reports it.",
        why: "Infinite Campus, ClassLink and most SFTP importers look for the files at the root of the zip and find nothing.",
        example: "`export/users.csv` inside `OneRoster.zip`.",
        fix: "Zip the files themselves, not the folder that contains them.",
        spec: "OneRoster CSV binding §2.1: all files at the root of the zip (MAN-09).",
    },
};

pub static VERSION_INFERRED: Rule = Rule {
    code: "OR012",
    name: "version-inferred",
    severity: Info,
    summary: "Without a usable manifest, the OneRoster version was inferred from the files",
    docs: RuleDocs {
        what: "Says which version the checks used when the manifest does not state one, and why.",
        why: "The checks differ between 1.1 and 1.2 (users.csv columns, roles.csv, vocabularies); knowing the assumption explains the findings.",
        example: "No manifest.csv, and users.csv has `orgSourcedIds` and `role`: checked as 1.1.",
        fix: "Add a manifest.csv that states `oneroster.version`.",
        spec: "OneRoster CSV binding §2.1 (version detection).",
    },
};

pub static MISSING_REQUIRED_FILE: Rule = Rule {
    code: "OR013",
    name: "missing-required-file",
    severity: Error,
    summary: "A file the package's other files depend on is missing",
    docs: RuleDocs {
        what: "Checks the bulk file dependencies: classes need courses, orgs and academicSessions; enrollments need classes, orgs and users; 1.2 users need roles; and so on.",
        why: "A bulk package must be complete: every referenced record must be defined in the same package, or the consumer cannot create the records that point at it.",
        example: "classes.csv present, courses.csv absent.",
        fix: "Export the missing file too (with at least its header and rows).",
        spec: "OneRoster CSV binding Appendix A (bulk file dependencies); §5 bulk sets MUST be semantically complete.",
    },
};

pub static DUPLICATE_FILE: Rule = Rule {
    code: "OR014",
    name: "duplicate-file",
    severity: Error,
    summary: "The package contains the same OneRoster file twice",
    docs: RuleDocs {
        what: "Reports a second file with the same OneRoster name (ignoring case or folder).",
        why: "Consumers read one of them and ignore the other; which one is not defined.",
        example: "`users.csv` and `Users.csv`, or `users.csv` and `old/users.csv`.",
        fix: "Keep one file per kind.",
        spec: "OneRoster CSV binding §2.1: at most one of each file (MAN-09).",
    },
};

pub static UNREADABLE_ENTRY: Rule = Rule {
    code: "OR015",
    name: "unreadable-entry",
    severity: Error,
    summary: "A file in the zip cannot be read (encrypted, damaged, unusual compression, or a zip bomb)",
    docs: RuleDocs {
        what: "Reports zip entries that cannot be read safely: password-protected, compressed with a method other than deflate, damaged or cut short, or expanding far beyond any roster (a zip bomb). The other files are still checked.",
        why: "Consumers cannot read these entries either, and a zip bomb would exhaust the memory of whatever opens it.",
        example: "users.csv in a password-protected zip; a 40 KB entry that claims to expand to 50 GB.",
        fix: "Zip the exported files again with standard compression and no password.",
        spec: "OneRoster CSV binding §2.1: a zip of CSV files compressed with deflate (RFC 1951).",
    },
};
