//! `OR3xx`: single values, checked against the column's type and vocabulary from the spec
//! tables. Raised by `values.rs`.

use super::{Rule, RuleDocs};
use crate::diagnostic::Severity::*;

pub static REQUIRED_VALUE_MISSING: Rule = Rule {
    code: "OR301",
    name: "required-value-missing",
    severity: Error,
    summary: "A required column is empty",
    docs: RuleDocs {
        what: "Checks that columns marked required have a value on every row.",
        why: "Consumers skip the record: ClassLink \"If data has an error (for example, a user has no givenName in the CSV) then it will not be imported\".",
        example: "A users.csv row with an empty `username`.",
        fix: "Fill in the value in the SIS and export again.",
        spec: "OneRoster CSV binding §3, the Required column of each file's table.",
    },
};

pub static INVALID_SOURCED_ID: Rule = Rule {
    code: "OR302",
    name: "invalid-sourced-id",
    severity: Error,
    summary: "An identifier has characters a GUID may not contain, or is too long",
    docs: RuleDocs {
        what: "Checks sourcedIds and references use only letters, digits and `. - _ / @`, and are shorter than 256 characters.",
        why: "Consumers build URLs and keys from these ids; spaces or other characters break matching and are rejected by strict importers (Great Minds).",
        example: "`stu 1001` or `class#4`.",
        fix: "Use ids made of letters, digits and `. - _ / @`, and keep them stable between exports.",
        spec: "OneRoster CSV binding §3.1 GUID: \"MUST contain ONLY the characters 0-9 a-z A-Z . - _ / @\", fewer than 256 characters.",
    },
};

pub static INVALID_ENUM: Rule = Rule {
    code: "OR303",
    name: "invalid-enum",
    severity: Error,
    summary: "A value is not one of the column's allowed values",
    docs: RuleDocs {
        what: "Checks enumerated columns against their vocabulary, case-sensitively. `ext:` values are accepted only where the vocabulary is extensible. `inactive` is reported as the deprecated OneRoster 1.0 status.",
        why: "Consumers compare exactly: `Teacher` is not `teacher`, and the record is rejected.",
        example: "`Scheduled` in classType, `Teacher` in role, `inactive` in status.",
        fix: "Use one of the listed values exactly as written (values are case-sensitive).",
        spec: "OneRoster CSV binding §4 (enumerations; ext: extensions).",
    },
};

pub static INVALID_DATE: Rule = Rule {
    code: "OR304",
    name: "invalid-date",
    severity: Error,
    summary: "A date is not YYYY-MM-DD or does not exist on the calendar",
    docs: RuleDocs {
        what: "Checks dates are ISO 8601 `YYYY-MM-DD` and real. Recognises M/D/YYYY, two-digit years and Excel serial numbers and says so.",
        why: "Consumers use these dates to activate and archive classes and enrollments; an unreadable date drops the record or archives it early.",
        example: "`8/15/2025`, `8/15/25`, `45884` (an Excel serial number), `2025-02-30`.",
        fix: "Write dates as YYYY-MM-DD. In Excel, format the column as Text or custom format `yyyy-mm-dd` before saving.",
        spec: "OneRoster CSV binding §3.1 Date: ISO 8601 YYYY-MM-DD.",
    },
};

pub static INVALID_DATETIME: Rule = Rule {
    code: "OR305",
    name: "invalid-datetime",
    severity: Error,
    summary: "A date-time is not ISO 8601 with a UTC time zone",
    docs: RuleDocs {
        what: "Checks `dateLastModified` is an ISO 8601 date-time in UTC, e.g. `2025-08-01T12:00:00.000Z`.",
        why: "Delta imports order changes by this time; without a readable UTC time, updates are applied in the wrong order or rejected.",
        example: "`2025-08-01`, `8/1/2025 12:00`, `2025-08-01T12:00:00` (no Z).",
        fix: "Write YYYY-MM-DDTHH:MM:SS.sssZ in UTC.",
        spec: "OneRoster CSV binding §3.1 DateTime (W3C ISO 8601 profile, UTC).",
    },
};

pub static INVALID_YEAR: Rule = Rule {
    code: "OR306",
    name: "invalid-year",
    severity: Error,
    summary: "A year is not four digits",
    docs: RuleDocs {
        what: "Checks Year columns (academicSessions.schoolYear) are four digits.",
        why: "Consumers group sessions by school year; `2025-26` or `25` cannot be read.",
        example: "`2025-2026` or `26`.",
        fix: "Use the four-digit year in which the school year ends, e.g. `2026` for 2025–26.",
        spec: "OneRoster CSV binding §3.1 Year: YYYY.",
    },
};

pub static INVALID_BOOLEAN: Rule = Rule {
    code: "OR307",
    name: "invalid-boolean",
    severity: Error,
    summary: "A true/false column holds something other than lower-case true or false",
    docs: RuleDocs {
        what: "Checks boolean columns are exactly `true` or `false`.",
        why: "1EdTech: values of \"0\", \"1\", \"True\" are not valid. Excel rewrites `true` as `TRUE` when it opens the file.",
        example: "`TRUE`, `Yes`, `1`.",
        fix: "Use lower-case `true` or `false`; edit roster CSVs in a text editor, not Excel.",
        spec: "OneRoster CSV binding §3.1 Boolean.",
    },
};

pub static INVALID_NUMBER: Rule = Rule {
    code: "OR308",
    name: "invalid-number",
    severity: Error,
    summary: "A number column holds something that is not a number",
    docs: RuleDocs {
        what: "Checks Float columns (scores, min/max values) and Integer columns (category weight) hold numbers.",
        why: "Gradebook consumers cannot store a score or weight they cannot read.",
        example: "`85%` in score, `ten` in weight.",
        fix: "Write plain numbers with a dot as decimal separator: `85`, `92.5`.",
        spec: "OneRoster CSV binding §3.1 Float and Integer.",
    },
};

pub static INVALID_GRADE: Rule = Rule {
    code: "OR309",
    name: "invalid-grade",
    severity: Error,
    summary: "A grade is not a CEDS Entry Grade Level code (01, not 1)",
    docs: RuleDocs {
        what: "Checks grade values against the CEDS list (IT, PR, PK, TK, KG, 01–13, PS, UG, Other), and recognises the leading zero Excel removes. An error in 1.1, where the list is normative; a warning in 1.2.",
        why: "Consumers place students in grade-level products by this code (Amplify mCLASS syncs grades K–3 only); `9` matches nothing.",
        example: "`9` (Excel removed the zero from `09`), `K`, `Grade 3`.",
        fix: "Use two-digit grades `01`–`12` and `KG` for kindergarten; format the column as Text in Excel.",
        spec: "OneRoster 1.1 CSV tables: grades use CEDS v5 Entry Grade Level; 1.2: vocabulary agreed per deployment.",
    },
};

pub static SCIENTIFIC_NOTATION: Rule = Rule {
    code: "OR310",
    name: "scientific-notation",
    severity: Error,
    summary: "An identifier was turned into scientific notation by Excel",
    docs: RuleDocs {
        what: "Detects ids like `1.23457E+11` in id columns.",
        why: "Excel keeps 15 significant digits and shows long numbers in scientific notation; the original id is lost and references stop matching.",
        example: "`1.23457E+11` where the id was `123456789012`.",
        fix: "Re-export from the SIS and do not open the file in Excel, or import the column as Text.",
        spec: "OneRoster CSV binding §3.1 GUID; Microsoft KB 269370 (15-digit precision).",
    },
};

pub static LIST_FORMAT: Rule = Rule {
    code: "OR311",
    name: "list-format",
    severity: Warning,
    summary: "A list value uses the wrong separator, has empty items or spaces around items",
    docs: RuleDocs {
        what: "Checks multi-value fields (grades, orgSourcedIds, termSourcedIds, subjects, periods, userIds, …) are comma-separated items in one field, without empty items or surrounding spaces; `userIds` items are `{Type:Id}`.",
        why: "Consumers split on commas only: `09;10` is one unknown grade, `t1, t2` looks up the id ` t2`.",
        example: "`09;10`, `t1, t2`, `t1,,t2`, `LDAP:abc` without braces.",
        fix: "Write `\"09,10\"`: items separated by commas, no spaces, and the whole field in double quotes.",
        spec: "OneRoster CSV binding §2: lists are comma-delimited within one quoted field.",
    },
};

pub static SURROUNDING_WHITESPACE: Rule = Rule {
    code: "OR312",
    name: "surrounding-whitespace",
    severity: Warning,
    summary: "A value starts or ends with spaces, or is only spaces",
    docs: RuleDocs {
        what: "Reports leading or trailing spaces and tabs in values; a value of only spaces is not empty.",
        why: "D2L: \"[, ,] indicates a space character, which is parsed as an invalid value\". ` teacher` is not `teacher`, and ids with spaces do not match.",
        example: "`teacher `, ` 09`, a single space in an optional column.",
        fix: "Trim the spaces; leave empty values truly empty (`,,`).",
        spec: "OneRoster CSV binding §2: values are case- and character-exact; D2L and HMH guidance.",
    },
};

pub static EXT_VALUE_IN_1_1: Rule = Rule {
    code: "OR313",
    name: "ext-value-in-1-1",
    severity: Warning,
    summary: "An ext: vocabulary extension in a OneRoster 1.1 file",
    docs: RuleDocs {
        what: "Reports `ext:` values in 1.1 files, where the extension mechanism is not established.",
        why: "1.2 introduced `ext:` extensions; 1.1 consumers (HMH, D2L) may reject the value.",
        example: "`ext:counselor` in a 1.1 users.csv role.",
        fix: "Use a defined value, or move the package to OneRoster 1.2 if the consumer supports it.",
        spec: "OneRoster 1.2 binding: \"In this version the ability to extend some of the enumerated vocabularies has been added\".",
    },
};

pub static DATETIME_NOT_EXACT: Rule = Rule {
    code: "OR314",
    name: "datetime-not-exact",
    severity: Warning,
    summary: "A date-time is valid ISO 8601 but not the exact form 1.2.1 requires",
    docs: RuleDocs {
        what: "In 1.2 packages, checks date-times are exactly YYYY-MM-DDTHH:MM:SS.sssZ (milliseconds, UTC).",
        why: "OneRoster 1.2.1 tightened the format; strict 1.2 consumers reject `2025-08-01T12:00:00Z`.",
        example: "`2025-08-01T12:00:00Z` (no milliseconds).",
        fix: "Write three-digit milliseconds: `2025-08-01T12:00:00.000Z`.",
        spec: "OneRoster 1.2.1 CSV binding §3.1 DateTime.",
    },
};

pub static SUBJECT_CODES_MISMATCH: Rule = Rule {
    code: "OR315",
    name: "subject-codes-mismatch",
    severity: Warning,
    summary: "subjects and subjectCodes have different numbers of items",
    docs: RuleDocs {
        what: "When both are filled, checks `subjects` and `subjectCodes` list the same number of items.",
        why: "The lists pair up by position; with different lengths consumers attach the wrong code to a subject.",
        example: "`\"Math,Science\"` with subjectCodes `02001`.",
        fix: "Give one code per subject, in the same order.",
        spec: "OneRoster CSV binding, classes/courses tables: subjectCodes has the same length and order as subjects.",
    },
};

pub static LEARNING_OBJECTIVE_NOT_UUID: Rule = Rule {
    code: "OR316",
    name: "learning-objective-not-uuid",
    severity: Error,
    summary: "A CASE learning objective id is not a UUID URN",
    docs: RuleDocs {
        what: "In lineItemLearningObjectiveIds.csv and resultLearningObjectiveIds.csv, checks that `learningObjectiveId` is a UUID URN when `source` is `case`.",
        why: "Consumers look the objective up in the CASE framework by its UUID; any other identifier matches nothing.",
        example: "`source` case with `learningObjectiveId` `MATH.7.RP.1`.",
        fix: "Use the objective's CASE identifier, urn:uuid:xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, or set `source` to `unknown`.",
        spec: "OneRoster 1.2 CSV binding, lineItemLearningObjectiveIds / resultLearningObjectiveIds: if source is case, learningObjectiveId MUST be a valid UUID URN.",
    },
};
