//! The CSV report: one row per finding, safe to open in Excel. A cell that starts with `=`,
//! `+`, `-`, `@`, tab or carriage return would be read as a formula (CWE-1236), so it gets a
//! leading apostrophe; every cell is quoted.

use crate::diagnostic::Diagnostic;
use crate::report::Report;

const COLUMNS: [&str; 10] = [
    "severity", "code", "rule", "file", "line", "column", "field", "value", "message", "help",
];

/// A cell's text with formula triggers neutralised.
pub fn neutralise(text: &str) -> std::borrow::Cow<'_, str> {
    match text.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => format!("'{text}").into(),
        _ => text.into(),
    }
}

fn cell(out: &mut String, text: &str) {
    out.push('"');
    out.push_str(&neutralise(text).replace('"', "\"\""));
    out.push('"');
}

fn row(out: &mut String, d: &Diagnostic) {
    let line = d.line.map(|l| l.to_string()).unwrap_or_default();
    let column = d.column.map(|c| c.to_string()).unwrap_or_default();
    let cells = [
        d.severity.as_str(),
        d.code,
        d.rule,
        d.file.as_deref().unwrap_or_default(),
        &line,
        &column,
        d.field.as_deref().unwrap_or_default(),
        d.value.as_deref().unwrap_or_default(),
        &d.message,
        &d.help,
    ];
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        cell(out, c);
    }
    out.push_str("\r\n");
}

/// The report as CSV, starting with a UTF-8 byte-order mark so Excel reads it as UTF-8.
pub fn render(report: &Report) -> String {
    let mut out = String::from("\u{FEFF}");
    out.push_str(&COLUMNS.join(","));
    out.push_str("\r\n");
    for d in &report.diagnostics {
        row(&mut out, d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised() {
        for bad in ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(neutralise(bad).starts_with('\''), "{bad:?}");
        }
        assert_eq!(neutralise("José"), "José");
        assert_eq!(neutralise(""), "");
    }
}
