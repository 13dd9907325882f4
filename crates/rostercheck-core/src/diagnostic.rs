//! Findings are data: a [`Diagnostic`] says what is wrong in the roster, where, and how to fix it.
//!
//! Index bases, stated once: `line` is the 1-based physical line where the record starts (the
//! header is line 1, so it equals the spreadsheet row); `column` is the 1-based field index.

use serde::Serialize;

use crate::rules::Rule;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One problem found in a roster package. Field names and meanings are the JSON contract.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub code: &'static str,
    pub rule: &'static str,
    pub severity: Severity,
    /// File name inside the package (`users.csv`); `None` for package-level findings.
    pub file: Option<String>,
    /// 1-based physical line where the record starts (header = 1).
    pub line: Option<u64>,
    /// 1-based field index.
    pub column: Option<u32>,
    /// The spec column name, when known.
    pub field: Option<String>,
    /// The offending value, truncated to [`MAX_VALUE_CHARS`].
    pub value: Option<String>,
    pub message: String,
    pub help: String,
    /// The raw line of the record at fault (cut at [`MAX_RAW_CHARS`]), for display; not part of
    /// the JSON contract.
    #[serde(skip)]
    pub raw: Option<String>,
}

/// Raw lines longer than this are cut (with `…`).
pub const MAX_RAW_CHARS: usize = 400;

/// Values longer than this are cut (with `…`) so one 10 MB cell cannot flood a report.
pub const MAX_VALUE_CHARS: usize = 120;

impl Diagnostic {
    /// A finding of `rule` at its default severity.
    pub fn new(
        rule: &'static Rule,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            code: rule.code,
            rule: rule.name,
            severity: rule.severity,
            file: None,
            line: None,
            column: None,
            field: None,
            value: None,
            message: message.into(),
            help: help.into(),
            raw: None,
        }
    }

    pub fn file(mut self, file: &str) -> Self {
        self.file = Some(file.to_owned());
        self
    }

    pub fn line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }

    /// Sets the 0-based field position as the 1-based `column`.
    pub fn position(mut self, index: usize) -> Self {
        self.column = Some(index as u32 + 1);
        self
    }

    /// Like [`Diagnostic::position`], when the position may be unknown.
    pub fn position_opt(self, index: Option<usize>) -> Self {
        match index {
            Some(i) => self.position(i),
            None => self,
        }
    }

    pub fn field(mut self, field: &str) -> Self {
        self.field = Some(field.to_owned());
        self
    }

    pub fn value(mut self, value: &str) -> Self {
        self.value = Some(truncate(value));
        self
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}

/// Cuts a value to [`MAX_VALUE_CHARS`] characters.
pub fn truncate(value: &str) -> String {
    // (No more bytes than the limit means no more characters: nothing to cut, nothing to count.)
    if value.len() <= MAX_VALUE_CHARS {
        return value.to_owned();
    }
    match value
        .char_indices()
        .nth(MAX_VALUE_CHARS)
        .and_then(|(at, _)| value.get(..at))
    {
        Some(head) => format!("{head}…"),
        None => value.to_owned(),
    }
}

/// `lines 2, 3, 4, …`: the first `lines` of something that happens `count` times.
pub fn lines_list(lines: &[u64], count: u64) -> String {
    let list = lines
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let more = if count as usize > lines.len() {
        ", …"
    } else {
        ""
    };
    format!("lines {list}{more}")
}

/// A raw line for display: lossy UTF-8, cut at [`MAX_RAW_CHARS`].
pub fn raw_text(raw: &[u8]) -> String {
    // (`from_utf8` checks a line several times faster than `from_utf8_lossy`, which is only
    // needed when there is something to replace.)
    let text = match std::str::from_utf8(raw) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(raw),
    };
    // (As in `truncate`: most lines are shorter than the limit in bytes.)
    if raw.len() <= MAX_RAW_CHARS {
        return text.into_owned();
    }
    match text
        .char_indices()
        .nth(MAX_RAW_CHARS)
        .and_then(|(at, _)| text.get(..at))
    {
        Some(head) => format!("{head}…"),
        None => text.into_owned(),
    }
}

/// Pushes the finding `build` makes, or only counts it when `sink` would not list it (past
/// its rule's cap in `file`): a file with millions of findings of one rule has its messages
/// written only for those listed.
pub fn push_or_count(
    sink: &mut dyn Sink,
    file: &str,
    rule: &'static Rule,
    severity: Severity,
    build: impl FnOnce() -> Diagnostic,
) {
    if sink.keeps(Some(file), rule.code) {
        sink.push(build());
    } else {
        sink.count(Some(file), rule, severity);
    }
}

/// Wraps a sink so that findings on one record's line carry that record's raw text.
pub struct WithRaw<'a> {
    pub inner: &'a mut dyn Sink,
    pub line: u64,
    pub raw: &'a [u8],
}

impl Sink for WithRaw<'_> {
    fn push(&mut self, mut d: Diagnostic) {
        // The raw line is only copied for a finding that will be listed.
        if d.line == Some(self.line)
            && d.raw.is_none()
            && self.inner.keeps(d.file.as_deref(), d.code)
        {
            d.raw = Some(raw_text(self.raw));
        }
        self.inner.push(d);
    }

    fn keeps(&self, file: Option<&str>, code: &'static str) -> bool {
        self.inner.keeps(file, code)
    }

    fn count(&mut self, file: Option<&str>, rule: &'static Rule, severity: Severity) {
        self.inner.count(file, rule, severity);
    }
}

/// Receives diagnostics as the engine finds them.
pub trait Sink {
    fn push(&mut self, diagnostic: Diagnostic);

    /// False when a finding of `code` in `file` would only be counted, not listed (a per-rule
    /// cap): then [`Sink::count`] it instead of building it.
    fn keeps(&self, _file: Option<&str>, _code: &'static str) -> bool {
        true
    }

    /// Counts a finding that is not listed.
    fn count(&mut self, file: Option<&str>, rule: &'static Rule, severity: Severity) {
        let d = Diagnostic::new(rule, String::new(), String::new()).severity(severity);
        self.push(match file {
            Some(f) => d.file(f),
            None => d,
        });
    }

    /// [`Sink::count`]s `n` findings alike.
    fn count_many(&mut self, file: Option<&str>, rule: &'static Rule, severity: Severity, n: u64) {
        for _ in 0..n {
            self.count(file, rule, severity);
        }
    }
}

impl<F: FnMut(Diagnostic)> Sink for F {
    fn push(&mut self, diagnostic: Diagnostic) {
        self(diagnostic)
    }
}

impl Sink for Vec<Diagnostic> {
    fn push(&mut self, diagnostic: Diagnostic) {
        Vec::push(self, diagnostic)
    }
}

// The bytes of a part's findings (see `crate::wire`).
crate::wire::wire_enum!(Severity {
    Error,
    Warning,
    Info
});
crate::wire::wire_struct!(Diagnostic {
    code,
    rule,
    severity,
    file,
    line,
    column,
    field,
    value,
    message,
    help,
    raw
});

#[cfg(test)]
mod tests {
    use super::*;

    /// What `truncate` and `raw_text` mean, without their shortcuts for short, valid text.
    fn cut(text: &str, max: usize) -> String {
        let chars: Vec<char> = text.chars().collect();
        match chars.get(..max) {
            Some(head) if chars.len() > max => format!("{}…", head.iter().collect::<String>()),
            _ => text.to_owned(),
        }
    }

    #[test]
    fn values_and_raw_lines_are_cut_at_their_character_limits_whatever_their_length_in_bytes() {
        // Around each limit in characters and in bytes (characters of 1, 2 and 4 bytes).
        let around = |limit: usize| {
            [
                0,
                1,
                limit / 4,
                limit / 2,
                limit - 1,
                limit,
                limit + 1,
                2 * limit,
            ]
        };
        for unit in ["a", "é", "𝄞"] {
            for n in around(MAX_VALUE_CHARS) {
                let text = unit.repeat(n);
                assert_eq!(truncate(&text), cut(&text, MAX_VALUE_CHARS), "{unit} × {n}");
            }
            for n in around(MAX_RAW_CHARS) {
                let text = unit.repeat(n);
                assert_eq!(
                    raw_text(text.as_bytes()),
                    cut(&text, MAX_RAW_CHARS),
                    "{unit} × {n}"
                );
            }
        }
        for n in around(MAX_RAW_CHARS) {
            // Bytes that are not UTF-8 (Windows-1252's é) are shown as U+FFFD, then cut.
            let bytes = vec![0xE9; n];
            let lossy = String::from_utf8_lossy(&bytes).into_owned();
            assert_eq!(raw_text(&bytes), cut(&lossy, MAX_RAW_CHARS), "0xE9 × {n}");
        }
    }
}
