//! `OR2xx`: the header row. Raised by `header.rs` when a file's header is compiled into a plan.

use super::{Rule, RuleDocs};
use crate::diagnostic::Severity::*;

pub static MISSING_COLUMN: Rule = Rule {
    code: "OR201",
    name: "missing-column",
    severity: Error,
    summary: "A column the binding defines is missing from the header",
    docs: RuleDocs {
        what: "Checks that every defined column is present, even optional ones.",
        why: "Columns are read by position: ClassLink, Great Minds, HMH and ManageBac reject the file (\"file missing required headers\").",
        example: "users.csv without `middleName`.",
        fix: "Add the column in its place, even if every value in it is empty.",
        spec: "OneRoster CSV binding §2: all defined columns present, in order.",
    },
};

pub static UNKNOWN_COLUMN: Rule = Rule {
    code: "OR202",
    name: "unknown-column",
    severity: Error,
    summary: "A column that is not defined and not a metadata.* extension",
    docs: RuleDocs {
        what: "Reports header names the binding does not define, suggesting the closest defined name.",
        why: "Consumers reject the file or ignore the column; a misspelled column's data is lost.",
        example: "`prefferedGivenName` (meant `preferredGivenName`) or `ext_grade`.",
        fix: "Fix the spelling, or rename an extension column to `metadata.<name>` and move it to the right of the defined columns.",
        spec: "OneRoster CSV binding §2 and §4: extension columns must be named metadata.* and come last.",
    },
};

pub static DUPLICATE_COLUMN: Rule = Rule {
    code: "OR203",
    name: "duplicate-column",
    severity: Error,
    summary: "The same column name appears twice in the header",
    docs: RuleDocs {
        what: "Reports repeated header names.",
        why: "Consumers cannot tell which column holds the value (SDS: \"No Duplicate Columns\").",
        example: "Two `role` columns in users.csv.",
        fix: "Remove or rename the second column.",
        spec: "OneRoster CSV binding §2: header names are unique.",
    },
};

pub static COLUMN_ORDER: Rule = Rule {
    code: "OR204",
    name: "column-order",
    severity: Error,
    summary: "Columns are not in the order the binding defines",
    docs: RuleDocs {
        what: "Checks that defined columns appear in their defined order.",
        why: "Strict consumers (Great Minds, HMH, ManageBac) read by position and reject the file (\"headers in an incorrect order\").",
        example: "`sourcedId,title,status,…` in classes.csv.",
        fix: "Reorder the columns to match the binding's header exactly.",
        spec: "OneRoster CSV binding §2: columns MUST appear in exactly the defined order.",
    },
};

pub static COLUMN_CASE: Rule = Rule {
    code: "OR205",
    name: "column-case",
    severity: Error,
    summary: "A column name differs from the defined name only in case",
    docs: RuleDocs {
        what: "Matches header names ignoring case, validates the column, and reports the wrong case.",
        why: "Header names are case-sensitive: `SourcedId` is an unknown column to ClassLink and HMH.",
        example: "`SourcedId`, `Status`, `dateLastmodified`.",
        fix: "Use the exact spelling shown.",
        spec: "OneRoster CSV binding §2: headers are case-sensitive.",
    },
};

pub static EXTENSION_COLUMN_POSITION: Rule = Rule {
    code: "OR206",
    name: "extension-column-position",
    severity: Error,
    summary: "A metadata.* extension column sits before a defined column",
    docs: RuleDocs {
        what: "Checks that metadata.* columns come after every defined column.",
        why: "Consumers read defined columns by position; an extension in the middle shifts them.",
        example: "`sourcedId,metadata.nickname,status,…`.",
        fix: "Move extension columns to the end of the header (and of every row).",
        spec: "OneRoster CSV binding §4: metadata columns are appended to the right of all defined columns.",
    },
};

pub static WRONG_VERSION_HEADER: Rule = Rule {
    code: "OR207",
    name: "wrong-version-header",
    severity: Error,
    summary: "The header is the other OneRoster version's layout",
    docs: RuleDocs {
        what: "Recognises a 1.1 users.csv header (with `orgSourcedIds` and `role`) in a 1.2 package, and the reverse, then checks the file with the layout it has. The 1.2.0 users.csv (with `resourceSourcedIds`) is a warning.",
        why: "1.2 moved org membership and roles to roles.csv: every column after `enabledUser` shifts by two, so a consumer reads usernames as roles.",
        example: "A 1.2 manifest with `sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,…` in users.csv.",
        fix: "Export every file with the same OneRoster version, and make `oneroster.version` in the manifest match it.",
        spec: "OneRoster 1.2 CSV binding, \"Changes between OR 1.1 and 1.2\"; 1.2.1 removed users.resourceSourcedIds.",
    },
};

pub static NOT_ONEROSTER: Rule = Rule {
    code: "OR208",
    name: "not-oneroster",
    severity: Error,
    summary: "The header does not look like a OneRoster file at all",
    docs: RuleDocs {
        what: "Detects headers that share too few columns with the OneRoster file of that name, and recognises Microsoft SDS, Clever and REST-style layouts. Rows of such a file are not checked further.",
        why: "A file in another format under a OneRoster name fails on every row; one clear message is more useful than thousands.",
        example: "An SDS v2.1 users.csv with `sourcedId,email,username,givenName,…,activeDirectoryMatchId`.",
        fix: "Export OneRoster CSV from your SIS or rostering tool instead of the other format.",
        spec: "OneRoster CSV binding §3 (per-file headers).",
    },
};
