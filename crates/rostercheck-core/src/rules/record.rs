//! `OR4xx`: whole records (identity, bulk/delta status, date order). Raised by `records.rs`.

use super::{Rule, RuleDocs};
use crate::diagnostic::Severity::*;

pub static DUPLICATE_SOURCED_ID: Rule = Rule {
    code: "OR401",
    name: "duplicate-sourced-id",
    severity: Error,
    summary: "Two records in a file share a sourcedId",
    docs: RuleDocs {
        what: "Reports the second and later records with a sourcedId already used in the same file, naming the first line.",
        why: "Consumers keep one of them (Clever: \"can only process the first record with that ID\"); the other person, class or enrollment is lost.",
        example: "Two users.csv rows with sourcedId `stu-1001`.",
        fix: "Give every record its own sourcedId; if the rows are the same record, remove the copy.",
        spec: "OneRoster CSV binding §3: sourcedId is the primary key of each file.",
    },
};

pub static BULK_STATUS_FILLED: Rule = Rule {
    code: "OR402",
    name: "bulk-status-filled",
    severity: Error,
    summary: "status or dateLastModified filled in a bulk file",
    docs: RuleDocs {
        what: "In files declared `bulk`, checks `status` and `dateLastModified` are empty.",
        why: "Bulk means \"this is everything\"; a status on a bulk row is contradictory and D2L, ManageBac and Quaver reject it.",
        example: "`active` in status with `file.users,bulk`.",
        fix: "Empty both columns (two consecutive commas), or declare the file `delta` in the manifest.",
        spec: "OneRoster CSV binding §2.1: in bulk mode status and dateLastModified MUST be blank.",
    },
};

pub static DELTA_STATUS_MISSING: Rule = Rule {
    code: "OR403",
    name: "delta-status-missing",
    severity: Error,
    summary: "status or dateLastModified empty in a delta file",
    docs: RuleDocs {
        what: "In files declared `delta`, checks `status` and `dateLastModified` are filled.",
        why: "A delta row says what changed and when; without them the consumer cannot apply it.",
        example: "An empty status with `file.enrollments,delta`.",
        fix: "Fill `status` (`active` or `tobedeleted`) and `dateLastModified`, or declare the file `bulk`.",
        spec: "OneRoster CSV binding §2.1: in delta mode status and dateLastModified MUST be populated.",
    },
};

pub static DATES_REVERSED: Rule = Rule {
    code: "OR404",
    name: "dates-reversed",
    severity: Error,
    summary: "A start date is after its end date",
    docs: RuleDocs {
        what: "Checks startDate is not after endDate (academic sessions) and beginDate is not after endDate (enrollments, roles).",
        why: "Consumers activate and archive classes by these dates; a reversed range is never active.",
        example: "A semester from 2026-01-20 to 2025-08-15.",
        fix: "Swap or correct the dates.",
        spec: "OneRoster data model: startDate inclusive, endDate exclusive.",
    },
};

pub static HEADER_ONLY_FILE: Rule = Rule {
    code: "OR405",
    name: "header-only-file",
    severity: Error,
    summary: "A file has a header but no data rows",
    docs: RuleDocs {
        what: "Reports files that contain only the header row.",
        why: "The binding does not permit empty files; consumers may read a header-only bulk file as \"delete everything\".",
        example: "demographics.csv with only its header line.",
        fix: "Leave the file out of the package and mark it `absent` in the manifest, or export its rows.",
        spec: "OneRoster 1.2 CSV binding §2: files with no data rows are NOT permitted; mark them absent. The 1.1 text could not be verified (RapidIdentity's 1.1 template quotes the same rule), so in 1.1 packages this is a warning.",
    },
};
