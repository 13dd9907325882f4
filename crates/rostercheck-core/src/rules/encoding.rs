//! `OR1xx`: bytes and CSV structure. Raised by `csv/` and `file.rs` before any value is read.

use super::{Rule, RuleDocs};
use crate::diagnostic::Severity::*;

pub static INVALID_UTF8: Rule = Rule {
    code: "OR101",
    name: "invalid-utf8",
    severity: Error,
    summary: "Text that is not valid UTF-8, usually a Windows-1252 save from Excel",
    docs: RuleDocs {
        what: "Checks every field is valid UTF-8. When the bytes read as Windows-1252, the message shows the likely text.",
        why: "Excel's plain \"CSV\" save writes Windows-1252: accented names arrive as `JosÃ©` or `Jos�`, or the import fails (IC, SDS, D2L require UTF-8).",
        example: "`Jos\\xE9` (Windows-1252 for José).",
        fix: "Re-save the file as \"CSV UTF-8 (Comma delimited)\" in Excel, or export it from the SIS as UTF-8.",
        spec: "OneRoster CSV binding §2: files are UTF-8 (RFC 3629).",
    },
};

pub static UTF16_ENCODING: Rule = Rule {
    code: "OR102",
    name: "utf16-encoding",
    severity: Error,
    summary: "The file is UTF-16, as Excel's \"Unicode Text\" writes it",
    docs: RuleDocs {
        what: "Detects a UTF-16 byte-order mark or the zero bytes UTF-16 puts between ASCII letters.",
        why: "No OneRoster consumer reads UTF-16; the whole file is unreadable to them.",
        example: "A file starting with the bytes FF FE.",
        fix: "In Excel choose File > Save As > \"CSV UTF-8 (Comma delimited)\" (not \"Unicode Text\").",
        spec: "OneRoster CSV binding §2: files are UTF-8.",
    },
};

pub static UTF8_BOM: Rule = Rule {
    code: "OR103",
    name: "utf8-bom",
    severity: Info,
    summary: "The file starts with a UTF-8 byte-order mark",
    docs: RuleDocs {
        what: "Reports a UTF-8 BOM (EF BB BF) at the start of the file. It is ignored for all other checks.",
        why: "The binding says importers must tolerate it, but some importers read the first header as `\\uFEFFsourcedId` and reject the file.",
        example: "Excel's \"CSV UTF-8\" save adds a BOM.",
        fix: "Nothing is required. If a consumer rejects the first column, save without a BOM (most text editors offer \"UTF-8\" without BOM).",
        spec: "OneRoster CSV binding §2: importers MUST tolerate and ignore a UTF-8 BOM.",
    },
};

pub static NUL_BYTE: Rule = Rule {
    code: "OR104",
    name: "nul-byte",
    severity: Error,
    summary: "A field contains a NUL (zero) byte",
    docs: RuleDocs {
        what: "Reports zero bytes inside fields.",
        why: "NUL bytes end strings in many importers and databases, truncating values or the whole file.",
        example: "`Smith\\0` left by a damaged export.",
        fix: "Remove the zero bytes (a text editor can show them) or re-export the file.",
        spec: "RFC 4180 TEXTDATA excludes control characters.",
    },
};

pub static UNBALANCED_QUOTE: Rule = Rule {
    code: "OR105",
    name: "unbalanced-quote",
    severity: Error,
    summary: "A quoted field is never closed, so it swallows the following lines",
    docs: RuleDocs {
        what: "Detects a field that opens with a double quote and has no closing quote before the end of its line.",
        why: "Every line up to the next quote becomes part of one field: those records disappear from the import.",
        example: "`u1,,,true,\"Smith,jsmith,...` with no closing `\"`.",
        fix: "Close the quote, or double quotes that belong to the text (`\"\"`).",
        spec: "RFC 4180 §2 rules 5–7, which the binding adopts.",
    },
};

pub static STRAY_QUOTE: Rule = Rule {
    code: "OR106",
    name: "stray-quote",
    severity: Error,
    summary: "A double quote inside a field that is not quoted, or text after a closing quote",
    docs: RuleDocs {
        what: "Reports `\"` characters that RFC 4180 does not allow where they are.",
        why: "Parsers disagree on such fields: some keep the quote, some drop text, some merge fields.",
        example: "`Dwayne \"The Rock\" Johnson` unquoted, or `\"Smith\"Jr`.",
        fix: "Quote the whole field and double the inner quotes: `\"Dwayne \"\"The Rock\"\" Johnson\"`.",
        spec: "RFC 4180 §2 rules 5–7.",
    },
};

pub static FIELD_COUNT_MISMATCH: Rule = Rule {
    code: "OR107",
    name: "field-count-mismatch",
    severity: Error,
    summary: "A row has more or fewer fields than the header",
    docs: RuleDocs {
        what: "Compares each row's field count with the header's and names the likely cause.",
        why: "Every value after the extra or missing comma lands in the wrong column: a grade becomes a user id, a name becomes a role.",
        example: "`u1,,,true,s1,student,jdoe,,Doe, John,...` (an unquoted comma in a name) or `\"09\",10` (an unquoted grades list).",
        fix: "Quote fields that contain commas (`\"09,10\"`, `\"Doe, John\"`), or remove the trailing comma.",
        spec: "RFC 4180 §2 rule 4: each line should contain the same number of fields.",
    },
};

pub static LINE_BREAK_IN_FIELD: Rule = Rule {
    code: "OR108",
    name: "line-break-in-field",
    severity: Error,
    summary: "A quoted field contains a line break",
    docs: RuleDocs {
        what: "Reports carriage returns or line feeds inside a field.",
        why: "The OneRoster binding forbids line breaks in fields; SDS and many importers split the record there.",
        example: "An address or a class title typed with Alt+Enter in Excel.",
        fix: "Replace the line break with a space.",
        spec: "OneRoster CSV binding §2: no carriage returns or newlines inside a field.",
    },
};

pub static BLANK_LINE: Rule = Rule {
    code: "OR109",
    name: "blank-line",
    severity: Warning,
    summary: "The file contains an empty line",
    docs: RuleDocs {
        what: "Reports empty lines (and lines of only commas, as Excel leaves them) between or after records.",
        why: "Some importers stop at the first empty line or report \"Column Required\" errors for it.",
        example: "Two line breaks in a row at the end of users.csv, or a line `,,,,,,`.",
        fix: "Delete the empty lines.",
        spec: "RFC 4180 §2: each record is one line; the binding has no empty records.",
    },
};

pub static WRONG_DELIMITER: Rule = Rule {
    code: "OR110",
    name: "wrong-delimiter",
    severity: Error,
    summary: "The file is separated by semicolons or tabs, not commas",
    docs: RuleDocs {
        what: "Detects a header that is a single field containing `;` or tab characters.",
        why: "OneRoster files are always comma-separated; consumers see the whole line as one unknown column.",
        example: "`sourcedId;status;dateLastModified;…` from a European-locale Excel, or a tab-separated \"Text\" save.",
        fix: "Save as \"CSV UTF-8 (Comma delimited)\"; on European systems change the list separator to a comma first.",
        spec: "OneRoster CSV binding §2: the delimiter is always a comma.",
    },
};

pub static NOT_CSV: Rule = Rule {
    code: "OR111",
    name: "not-csv",
    severity: Error,
    summary: "The file is a workbook or binary file, not CSV text",
    docs: RuleDocs {
        what: "Detects Excel workbooks (.xlsx, .xls), zips, PDFs, images and other binary content where a CSV file is expected.",
        why: "Consumers read CSV text only; a workbook renamed to .csv is unreadable.",
        example: "`users.xlsx`, or an .xlsx file renamed `users.csv`.",
        fix: "Open the workbook in Excel and use File > Save As > \"CSV UTF-8 (Comma delimited)\", one sheet per file.",
        spec: "OneRoster CSV binding §2: RFC 4180 CSV files.",
    },
};

pub static EMPTY_FILE: Rule = Rule {
    code: "OR112",
    name: "empty-file",
    severity: Error,
    summary: "The file is empty: not even a header row",
    docs: RuleDocs {
        what: "Reports files with zero bytes (or only a byte-order mark or blank lines).",
        why: "A header row is required; an empty file usually means the export failed.",
        example: "A 0-byte enrollments.csv.",
        fix: "Re-run the export, or leave the file out and mark it `absent` in the manifest.",
        spec: "OneRoster CSV binding §2: a header row is required; files with no data rows are not permitted.",
    },
};

pub static OLD_MAC_LINE_ENDINGS: Rule = Rule {
    code: "OR113",
    name: "old-mac-line-endings",
    severity: Warning,
    summary: "Lines end with a carriage return only (old Mac format)",
    docs: RuleDocs {
        what: "Detects line breaks made of a lone CR, as Excel's \"CSV (Macintosh)\" save writes them.",
        why: "RFC 4180 uses CRLF and most importers accept LF; a CR-only file is read by many as one long line.",
        example: "A users.csv saved from Excel for Mac as \"CSV (Macintosh)\".",
        fix: "Save as \"CSV UTF-8 (Comma delimited)\", or convert the line endings in a text editor.",
        spec: "RFC 4180 §2 rule 1 (CRLF line breaks); vendor guidance: flag lone CR.",
    },
};

pub static RECORD_TOO_LONG: Rule = Rule {
    code: "OR114",
    name: "record-too-long",
    severity: Error,
    summary: "A record is too large to be a OneRoster record (over 16 MB or 10,000 fields)",
    docs: RuleDocs {
        what: "Skips and reports a header or record longer than 16 MB or with more than 10,000 fields, keeping memory bounded.",
        why: "No OneRoster record comes near this size: the file is damaged, is something else saved as CSV, or an unclosed quote swallowed the rest of the file.",
        example: "A 100 MB file with no line breaks, or a header with a million columns.",
        fix: "Open the file in a text editor to see what it really holds, and export it again from the SIS.",
        spec: "OneRoster CSV binding §2 (one record per line; the defined columns).",
    },
};

pub static REPEATED_HEADER: Rule = Rule {
    code: "OR115",
    name: "repeated-header",
    severity: Error,
    summary: "The header row appears again in the middle of the file",
    docs: RuleDocs {
        what: "Reports data rows that repeat the header, as when two exports are pasted together.",
        why: "Consumers read the repeated header as a record with sourcedId `sourcedId` and fail or import garbage; the rows after it may come from another export.",
        example: "users.csv with `sourcedId,status,dateLastModified,…` again on line 5,001.",
        fix: "Delete the repeated header line, and check that the two halves really belong in one file.",
        spec: "OneRoster CSV binding §2: one header row, then records.",
    },
};
