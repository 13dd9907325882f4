//! The rule registry: every finding the engine can report, with its stable code, name, default
//! severity and documentation. One file per family holds the rule definitions as data; the checks
//! that raise them live in the engine stage named in each family file's header.
//!
//! Codes by family: `OR0xx` package and manifest, `OR1xx` encoding and CSV structure, `OR2xx`
//! headers, `OR3xx` values, `OR4xx` records, `OR5xx` references and hierarchy, `OR6xx` data
//! quality. A code is never reused.

use crate::diagnostic::Severity;

pub mod encoding;
pub mod header;
pub mod package;
pub mod quality;
pub mod record;
pub mod reference;
pub mod value;

/// A rule's documentation, under fixed headings shared by the CLI, the page and generated docs.
#[derive(Debug)]
pub struct RuleDocs {
    pub what: &'static str,
    pub why: &'static str,
    pub example: &'static str,
    pub fix: &'static str,
    pub spec: &'static str,
}

#[derive(Debug)]
pub struct Rule {
    /// Stable code, e.g. `OR301`.
    pub code: &'static str,
    /// Kebab-case name of the problem, e.g. `invalid-date`.
    pub name: &'static str,
    /// Default severity; some findings lower it (a grade outside CEDS is an error in 1.1, a warning in 1.2).
    pub severity: Severity,
    /// One line, for lists.
    pub summary: &'static str,
    pub docs: RuleDocs,
}

/// Every rule, sorted by code.
pub static ALL: &[&Rule] = &[
    &package::MISSING_MANIFEST,
    &package::MANIFEST_MALFORMED,
    &package::MANIFEST_MISSING_PROPERTY,
    &package::MANIFEST_UNKNOWN_PROPERTY,
    &package::MANIFEST_INVALID_VALUE,
    &package::MANIFEST_DUPLICATE_PROPERTY,
    &package::DECLARED_FILE_MISSING,
    &package::UNDECLARED_FILE,
    &package::UNKNOWN_FILE,
    &package::FILE_NAME_CASE,
    &package::NESTED_FOLDER,
    &package::VERSION_INFERRED,
    &package::MISSING_REQUIRED_FILE,
    &package::DUPLICATE_FILE,
    &package::UNREADABLE_ENTRY,
    &encoding::INVALID_UTF8,
    &encoding::UTF16_ENCODING,
    &encoding::UTF8_BOM,
    &encoding::NUL_BYTE,
    &encoding::UNBALANCED_QUOTE,
    &encoding::STRAY_QUOTE,
    &encoding::FIELD_COUNT_MISMATCH,
    &encoding::LINE_BREAK_IN_FIELD,
    &encoding::BLANK_LINE,
    &encoding::WRONG_DELIMITER,
    &encoding::NOT_CSV,
    &encoding::EMPTY_FILE,
    &encoding::OLD_MAC_LINE_ENDINGS,
    &encoding::RECORD_TOO_LONG,
    &encoding::REPEATED_HEADER,
    &header::MISSING_COLUMN,
    &header::UNKNOWN_COLUMN,
    &header::DUPLICATE_COLUMN,
    &header::COLUMN_ORDER,
    &header::COLUMN_CASE,
    &header::EXTENSION_COLUMN_POSITION,
    &header::WRONG_VERSION_HEADER,
    &header::NOT_ONEROSTER,
    &value::REQUIRED_VALUE_MISSING,
    &value::INVALID_SOURCED_ID,
    &value::INVALID_ENUM,
    &value::INVALID_DATE,
    &value::INVALID_DATETIME,
    &value::INVALID_YEAR,
    &value::INVALID_BOOLEAN,
    &value::INVALID_NUMBER,
    &value::INVALID_GRADE,
    &value::SCIENTIFIC_NOTATION,
    &value::LIST_FORMAT,
    &value::SURROUNDING_WHITESPACE,
    &value::EXT_VALUE_IN_1_1,
    &value::DATETIME_NOT_EXACT,
    &value::SUBJECT_CODES_MISMATCH,
    &value::LEARNING_OBJECTIVE_NOT_UUID,
    &record::DUPLICATE_SOURCED_ID,
    &record::BULK_STATUS_FILLED,
    &record::DELTA_STATUS_MISSING,
    &record::DATES_REVERSED,
    &record::HEADER_ONLY_FILE,
    &reference::UNRESOLVED_REFERENCE,
    &reference::WRONG_TARGET_TYPE,
    &reference::HIERARCHY_CYCLE,
    &reference::DISTRICT_COUNT,
    &reference::SCHOOL_PARENT_NOT_DISTRICT,
    &reference::ENROLLMENT_SCHOOL_MISMATCH,
    &reference::TERM_IS_SCHOOL_YEAR,
    &quality::STUDENT_WITHOUT_ENROLLMENT,
    &quality::CLASS_WITHOUT_TEACHER,
    &quality::DUPLICATE_USERNAME,
    &quality::DUPLICATE_EMAIL,
    &quality::ROLE_ENROLLMENT_CONFLICT,
];

/// The rule with this code (`OR301`, case-insensitive) or name (`invalid-date`).
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    ALL.iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_sorted_and_well_formed() {
        for pair in ALL.windows(2) {
            assert!(
                pair[0].code < pair[1].code,
                "{} then {}",
                pair[0].code,
                pair[1].code
            );
        }
        for r in ALL {
            assert!(r.code.len() == 5 && r.code.starts_with("OR"), "{}", r.code);
            assert!(
                r.code.bytes().skip(2).all(|b| b.is_ascii_digit()),
                "{}",
                r.code
            );
        }
    }

    #[test]
    fn names_are_unique_kebab_case() {
        let mut names: Vec<_> = ALL.iter().map(|r| r.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), ALL.len());
        for r in ALL {
            assert!(
                r.name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{}",
                r.name
            );
        }
    }

    #[test]
    fn docs_are_complete() {
        for r in ALL {
            let d = &r.docs;
            for (heading, text) in [
                ("summary", r.summary),
                ("what", d.what),
                ("why", d.why),
                ("example", d.example),
                ("fix", d.fix),
                ("spec", d.spec),
            ] {
                assert!(text.trim().len() >= 10, "{} has no {heading}", r.code);
            }
            assert!(
                !r.summary.ends_with('.'),
                "{}: summaries are fragments",
                r.code
            );
        }
    }

    #[test]
    fn codes_follow_their_family() {
        let family = |m: &[&Rule], prefix: &str| {
            for r in m {
                assert!(r.code.starts_with(prefix), "{} not in {prefix}", r.code);
            }
        };
        family(
            &[&package::MISSING_MANIFEST, &package::DUPLICATE_FILE],
            "OR0",
        );
        family(&[&encoding::INVALID_UTF8, &encoding::EMPTY_FILE], "OR1");
        family(&[&header::MISSING_COLUMN, &header::NOT_ONEROSTER], "OR2");
        family(
            &[
                &value::REQUIRED_VALUE_MISSING,
                &value::SUBJECT_CODES_MISMATCH,
            ],
            "OR3",
        );
        family(&[&record::DUPLICATE_SOURCED_ID], "OR4");
        family(&[&reference::UNRESOLVED_REFERENCE], "OR5");
        family(&[&quality::STUDENT_WITHOUT_ENROLLMENT], "OR6");
    }

    #[test]
    fn find_by_code_or_name() {
        assert_eq!(find("or301").map(|r| r.code), Some("OR301"));
        assert_eq!(find("invalid-date").map(|r| r.code), Some("OR304"));
        assert!(find("OR999").is_none());
    }
}
