//! Checks of single values against their column's type and vocabulary, driven by the spec
//! tables. Each check returns nothing on the happy path and allocates only for a finding that
//! is listed.

use crate::diagnostic::Severity;
use crate::rules::{value as rules, Rule};
use crate::spec::{ColumnSpec, Extensible, ValueType, Version, Vocab};

/// A problem with one value; the caller adds file, line and column.
#[derive(Debug)]
pub struct Finding {
    pub rule: &'static Rule,
    pub severity: Severity,
    pub message: String,
    pub help: String,
}

/// Asked of each finding before its message is written: whether it will be listed. One that
/// will only be counted (past the listing cap) gets no text, which saves formatting millions
/// of messages for a file whose every row has the same wrong value.
pub type Wanted<'a> = &'a dyn Fn(&'static Rule) -> bool;

/// A finding of `rule` with its message and help, written only when `wanted` lists it.
macro_rules! finding {
    ($wanted:expr, $rule:expr, $message:expr, $help:expr $(,)?) => {{
        let rule: &'static Rule = $rule;
        if $wanted(rule) {
            Finding::new(rule, $message, $help)
        } else {
            Finding::counted(rule)
        }
    }};
}

impl Finding {
    /// A finding only counted: no message (see [`Wanted`]).
    fn counted(rule: &'static Rule) -> Finding {
        Finding {
            rule,
            severity: rule.severity,
            message: String::new(),
            help: String::new(),
        }
    }

    fn new(rule: &'static Rule, message: String, help: impl Into<String>) -> Finding {
        Finding {
            rule,
            severity: rule.severity,
            message,
            help: help.into(),
        }
    }

    fn severity(mut self, severity: Severity) -> Finding {
        self.severity = severity;
        self
    }
}

/// Whether [`check`] can find anything in some value of `column`: never in a plain text (a
/// name, a title); in an identifier (written as a number) or a typed value, it may.
pub fn can_find_anything(column: &ColumnSpec) -> bool {
    !(column.ty == ValueType::Text && !column.grades && !column.name.ends_with("dentifier"))
}

/// Checks a non-empty value of `column`. Findings are appended to `out`, with a message when
/// `w` wants them listed.
pub fn check(
    column: &ColumnSpec,
    value: &str,
    version: Version,
    w: Wanted<'_>,
    out: &mut Vec<Finding>,
) {
    let name = column.name;
    match column.ty {
        ValueType::Guid | ValueType::GuidRef => {
            if let Some(f) = check_guid(w, name, value) {
                out.push(f);
            }
        }
        ValueType::Id => {
            if let Some(f) = check_scientific(w, name, value) {
                out.push(f);
            }
        }
        ValueType::Text if column.grades => check_list(w, column, value, version, out),
        ValueType::Text => {
            if name.ends_with("dentifier") {
                if let Some(f) = check_scientific(w, name, value) {
                    out.push(f);
                }
            }
        }
        ValueType::GuidRefList | ValueType::TextList | ValueType::EnumList => {
            check_list(w, column, value, version, out)
        }
        ValueType::Enum => {
            if let Some(vocab) = column.vocab {
                if let Some(f) = check_enum(w, name, vocab, column.extensible, value) {
                    out.push(f);
                }
            }
        }
        ValueType::Boolean => {
            if let Some(f) = check_boolean(w, name, value) {
                out.push(f);
            }
        }
        ValueType::Float => {
            if let Some(f) = check_float(w, name, value) {
                out.push(f);
            }
        }
        ValueType::Integer => {
            if let Some(f) = check_integer(w, name, value) {
                out.push(f);
            }
        }
        ValueType::Date => {
            if let Some(f) = check_date(w, name, value) {
                out.push(f);
            }
        }
        ValueType::DateTime => {
            if let Some(f) = check_datetime(w, name, value, version) {
                out.push(f);
            }
        }
        ValueType::Year => {
            if let Some(f) = check_year(w, name, value) {
                out.push(f);
            }
        }
    }
}

/// Splits a list value into its items (comma-separated).
pub fn list_items(value: &str) -> impl Iterator<Item = &str> {
    value.split(',')
}

fn check_list(
    w: Wanted<'_>,
    column: &ColumnSpec,
    value: &str,
    version: Version,
    out: &mut Vec<Finding>,
) {
    let name = column.name;
    if !value.contains(',') {
        for sep in [';', '|'] {
            if value.contains(sep) {
                // In a reference list the whole value is looked up as one id, which fails.
                let severity = if column.ty == ValueType::GuidRefList {
                    Severity::Error
                } else {
                    Severity::Warning
                };
                out.push(
                    finding!(
                        w,
                        &rules::LIST_FORMAT,
                        format!("`{name}` items are separated by `{sep}` instead of commas"),
                        format!(
                        "write the items separated by commas inside one quoted field, e.g. \"{}\"",
                        value.replace(sep, ",")
                    ),
                    )
                    .severity(severity),
                );
                return;
            }
        }
    }
    for item in list_items(value) {
        let trimmed = item.trim();
        if trimmed.is_empty() {
            out.push(finding!(
                w,
                &rules::LIST_FORMAT,
                format!("`{name}` has an empty item"),
                "remove the extra comma: list items are separated by single commas, with nothing before the first or after the last",
            ));
            continue;
        }
        if trimmed.len() != item.len() {
            out.push(finding!(
                w,
                &rules::LIST_FORMAT,
                format!("`{name}` item \"{item}\" has spaces around it"),
                format!("remove the spaces: consumers split on commas only and look up \"{item}\" with its spaces"),
            ));
        }
        if column.grades {
            if let Some(f) = check_grade(w, name, trimmed, version) {
                out.push(f);
            }
        } else if column.braced_pairs {
            let ok = trimmed
                .strip_prefix('{')
                .and_then(|t| t.strip_suffix('}'))
                .and_then(|inner| inner.split_once(':'))
                .is_some_and(|(a, b)| !a.is_empty() && !b.is_empty());
            if !ok {
                out.push(finding!(
                    w,
                    &rules::LIST_FORMAT,
                    format!("`{name}` item \"{trimmed}\" is not in the form {{Type:Id}}"),
                    if name == "scoreScaleValue" {
                        "write each item as {Label:Score}, e.g. {A+:100}; separate several with commas inside quotes"
                    } else {
                        "write each item as {Type:Id}, e.g. {LDAP:jsmith}; separate several with commas inside quotes"
                    },
                ));
            }
        } else if column.ty == ValueType::GuidRefList {
            if let Some(f) = check_guid(w, name, trimmed) {
                out.push(f);
            }
        } else if column.ty == ValueType::EnumList {
            if let Some(vocab) = column.vocab {
                if let Some(f) = check_enum(w, name, vocab, column.extensible, trimmed) {
                    out.push(f);
                }
            }
        }
    }
}

/// `urn:uuid:` and a UUID (8-4-4-4-12 hex digits), as CASE learning objectives are written.
pub fn is_uuid_urn(value: &str) -> bool {
    let Some(uuid) = value
        .get(..9)
        .filter(|p| p.eq_ignore_ascii_case("urn:uuid:"))
        .and_then(|_| value.get(9..))
    else {
        return false;
    };
    let groups: Vec<&str> = uuid.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// GUID character set: letters, digits and `. - _ / @`, fewer than 256 characters.
pub fn is_guid(value: &str) -> bool {
    is_guid_bytes(value.as_bytes())
}

/// [`is_guid`] of a field's bytes.
pub fn is_guid_bytes(value: &[u8]) -> bool {
    !value.is_empty()
        && value.len() < 256
        && value.iter().fold(true, |ok, &b| {
            ok & GUID_BYTES.get(usize::from(b)).copied().unwrap_or(false)
        })
}

/// The bytes an identifier may hold: ASCII letters and digits, `.`, `-`, `_`, `/`, `@`.
#[allow(clippy::indexing_slicing)] // b < 256 in a table of 256
static GUID_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'_' | b'/' | b'@');
        b += 1;
    }
    table
};

fn check_guid(w: Wanted<'_>, name: &str, value: &str) -> Option<Finding> {
    if is_guid(value) {
        return None;
    }
    if let Some(f) = check_scientific(w, name, value) {
        return Some(f);
    }
    if value.len() >= 256 {
        return Some(finding!(
            w,
            &rules::INVALID_SOURCED_ID,
            format!(
                "`{name}` is {} characters long; identifiers must be shorter than 256",
                value.chars().count()
            ),
            "use a shorter identifier",
        ));
    }
    let bad = || {
        let mut seen = Vec::new();
        for c in value.chars() {
            let allowed = c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/' | '@');
            if !allowed && !seen.contains(&c) {
                seen.push(c);
            }
        }
        seen.iter()
            .map(|c| describe_char(*c))
            .collect::<Vec<_>>()
            .join(", ")
    };
    Some(finding!(
        w,
        &rules::INVALID_SOURCED_ID,
        format!("\"{value}\" is not a valid identifier in `{name}`: it contains {}", bad()),
        "identifiers may contain only letters, digits and . - _ / @ (no spaces); references must use the same id",
    ))
}

fn describe_char(c: char) -> String {
    match c {
        ' ' => "a space".to_owned(),
        '\t' => "a tab".to_owned(),
        c if c.is_control() => format!("the control character U+{:04X}", c as u32),
        c => format!("`{c}`"),
    }
}

/// `1.23457E+11`: a number Excel reformatted.
fn check_scientific(w: Wanted<'_>, name: &str, value: &str) -> Option<Finding> {
    let (mantissa, exponent) = value.split_once(['E', 'e'])?;
    let exponent = exponent.strip_prefix('+')?;
    let digits = mantissa.replace('.', "");
    let looks = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && mantissa.bytes().filter(|b| *b == b'.').count() <= 1
        && !exponent.is_empty()
        && exponent.bytes().all(|b| b.is_ascii_digit());
    looks.then(|| {
        finding!(
            w,
            &rules::SCIENTIFIC_NOTATION,
            format!("`{name}` \"{value}\" is a number in scientific notation: Excel changed this identifier"),
            "Excel keeps only 15 digits and shows long ids as 1.23E+11, so the real id is lost; re-export from the SIS and do not open the file in Excel (or import the column as Text)",
        )
    })
}

pub fn check_enum(
    w: Wanted<'_>,
    name: &str,
    vocab: &Vocab,
    extensible: Extensible,
    value: &str,
) -> Option<Finding> {
    if vocab.contains(value) {
        return None;
    }
    let allowed = || vocab.values.join(", ");
    if let Some(rest) = value.strip_prefix("ext:") {
        return match extensible {
            Extensible::Yes if !rest.is_empty() => None,
            Extensible::Yes => Some(finding!(
                w,
                &rules::INVALID_ENUM,
                format!("\"{value}\" is an empty extension in `{name}`"),
                "write a name after ext:, e.g. ext:counselor",
            )),
            Extensible::Unverified => Some(finding!(
                w,
                &rules::EXT_VALUE_IN_1_1,
                format!("\"{value}\" is an ext: extension of `{name}`, which OneRoster 1.1 does not establish"),
                format!("1.1 consumers may reject it; use one of: {}", allowed()),
            )),
            Extensible::No => Some(finding!(
                w,
                &rules::INVALID_ENUM,
                format!("\"{value}\" is not a valid `{name}`: this vocabulary cannot be extended with ext: values"),
                format!("use one of: {}", allowed()),
            )),
        };
    }
    if vocab.deprecated.contains(&value) {
        // 1.1's data model still lists it, mapped to tobedeleted: a warning, not an error.
        return Some(
            finding!(
                w,
                &rules::INVALID_ENUM,
                format!("\"{value}\" is the deprecated OneRoster 1.0 `{name}` value"),
                "write `tobedeleted` for records to remove (consumers map `inactive` to it, but newer ones reject it)",
            )
            .severity(Severity::Warning),
        );
    }
    if let Some(exact) = vocab.case_insensitive_match(value) {
        return Some(finding!(
            w,
            &rules::INVALID_ENUM,
            format!(
                "\"{value}\" is not a valid `{name}`: values are case-sensitive, write `{exact}`"
            ),
            format!("use one of: {} (exactly as written)", allowed()),
        ));
    }
    // An abbreviation that starts exactly one allowed value (`M` → `male`).
    let lower = value.to_ascii_lowercase();
    let starts: Vec<&str> = vocab
        .values
        .iter()
        .copied()
        .filter(|v| v.to_ascii_lowercase().starts_with(&lower))
        .collect();
    if let [only] = starts.as_slice() {
        return Some(finding!(
            w,
            &rules::INVALID_ENUM,
            format!("\"{value}\" is not a valid `{name}`: write `{only}`"),
            format!("use one of: {} (exactly as written)", allowed()),
        ));
    }
    let ext = if extensible == Extensible::Yes {
        ", or a custom value starting with ext:"
    } else {
        ""
    };
    Some(finding!(
        w,
        &rules::INVALID_ENUM,
        format!("\"{value}\" is not a valid `{name}`"),
        format!("use one of: {}{ext} (values are case-sensitive)", allowed()),
    ))
}

fn check_grade(w: Wanted<'_>, name: &str, value: &str, version: Version) -> Option<Finding> {
    let spec = version.spec();
    if spec.grades.contains(value) {
        return None;
    }
    let severity = if spec.grades_normative {
        Severity::Error
    } else {
        Severity::Warning
    };
    let list = "IT, PR, PK, TK, KG, 01–13, PS, UG, Other";
    let finding = if let Some(n) = value
        .parse::<u8>()
        .ok()
        .filter(|n| (1..=9).contains(n) && value.len() == 1)
    {
        finding!(
            w,
            &rules::INVALID_GRADE,
            format!("Excel removed the leading zero: grade `{value}` should be `0{n}`"),
            "grades are two-digit codes (01–12); format the column as Text in Excel, or edit the CSV in a text editor",
        )
    } else if matches!(value, "K" | "k" | "0" | "00" | "Kindergarten") {
        finding!(
            w,
            &rules::INVALID_GRADE,
            format!("grade `{value}` should be `KG` (kindergarten)"),
            format!("use the CEDS codes: {list}"),
        )
    } else if matches!(value, "-1" | "P" | "PreK" | "Pre-K" | "PK3" | "PK4") {
        finding!(
            w,
            &rules::INVALID_GRADE,
            format!("grade `{value}` should be `PK` (pre-kindergarten)"),
            format!("use the CEDS codes: {list}"),
        )
    } else if let Some(exact) = spec.grades.case_insensitive_match(value) {
        finding!(
            w,
            &rules::INVALID_GRADE,
            format!("grade `{value}` should be written `{exact}` (codes are case-sensitive)"),
            format!("use the CEDS codes: {list}"),
        )
    } else {
        finding!(
            w,
            &rules::INVALID_GRADE,
            format!("\"{value}\" is not a CEDS grade code in `{name}`"),
            format!("use one of: {list}"),
        )
    };
    Some(finding.severity(severity))
}

fn check_boolean(w: Wanted<'_>, name: &str, value: &str) -> Option<Finding> {
    if value == "true" || value == "false" {
        return None;
    }
    let message = || match value.to_ascii_lowercase().as_str() {
        lower @ ("true" | "false") => {
            format!("`{name}` must be lower-case: write `{lower}`, not `{value}`")
        }
        "1" | "yes" | "y" | "t" => format!("\"{value}\" is not a valid `{name}`: write `true`"),
        "0" | "no" | "n" | "f" => format!("\"{value}\" is not a valid `{name}`: write `false`"),
        _ => format!("\"{value}\" is not a valid `{name}`: it must be `true` or `false`"),
    };
    Some(finding!(
        w,
        &rules::INVALID_BOOLEAN,
        message(),
        "booleans are exactly `true` or `false` in lower case; Excel rewrites them as TRUE/FALSE, so edit roster CSVs in a text editor",
    ))
}

fn check_float(w: Wanted<'_>, name: &str, value: &str) -> Option<Finding> {
    let ok = value
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
        && value.bytes().any(|b| b.is_ascii_digit())
        && value.parse::<f64>().is_ok();
    (!ok).then(|| number_finding(w, name, value, "a number such as 85 or 92.5"))
}

fn check_integer(w: Wanted<'_>, name: &str, value: &str) -> Option<Finding> {
    value
        .parse::<i64>()
        .is_err()
        .then(|| number_finding(w, name, value, "a whole number such as 80"))
}

fn number_finding(w: Wanted<'_>, name: &str, value: &str, expected: &str) -> Finding {
    let hint = if value.ends_with('%') {
        format!("write {} without the % sign", value.trim_end_matches('%'))
    } else if value.contains(',') && value.replace(',', ".").parse::<f64>().is_ok() {
        format!(
            "use a dot as the decimal separator: {}",
            value.replace(',', ".")
        )
    } else {
        format!("write {expected}")
    };
    finding!(
        w,
        &rules::INVALID_NUMBER,
        format!("\"{value}\" is not a number in `{name}`"),
        hint,
    )
}

/// Parses `YYYY-MM-DD`, returning (year, month, day) of a real calendar date.
pub fn parse_date(value: &str) -> Option<(u32, u32, u32)> {
    let b = value.as_bytes();
    if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let s = value.get(r)?;
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())
            .flatten()
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    ((1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m)).then_some((y, m, d))
}

fn is_leap(year: u32) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 31,
    }
}

/// Explains a value that is not `YYYY-MM-DD`: US dates, two-digit years, Excel serials.
fn date_hint(value: &str) -> String {
    let parts: Vec<&str> = value.split(['/', '.']).collect();
    if let &[a, b, c] = parts.as_slice() {
        if !parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        {
            return date_hint_other(value);
        }
        if a.len() == 4 {
            return format!("use dashes: {a}-{:0>2}-{:0>2}", b, c);
        }
        let year = if c.len() == 2 {
            format!("20{c}")
        } else {
            c.to_owned()
        };
        let two_digit = if c.len() == 2 {
            " and has a two-digit year"
        } else {
            ""
        };
        let (first, second): (u32, u32) = (a.parse().unwrap_or(0), b.parse().unwrap_or(0));
        return if first > 12 && second <= 12 {
            format!(
                "this looks like day/month/year{two_digit}; write {year}-{second:02}-{first:02}"
            )
        } else {
            format!("this looks like a US month/day/year date{two_digit}; write {year}-{first:02}-{second:02}")
        };
    }
    date_hint_other(value)
}

/// The hints for values that are not three numbers separated by `/` or `.`.
fn date_hint_other(value: &str) -> String {
    if value.len() == 5 || value.len() == 4 {
        if let Ok(serial) = value.parse::<u32>() {
            if (1..=80_000).contains(&serial) {
                if let Some(date) = excel_serial_to_date(serial) {
                    return format!("this looks like an Excel serial number (day {serial}, i.e. {date}); format the column as a date yyyy-mm-dd or as Text before saving");
                }
            }
        }
    }
    if let Some(date) = value
        .get(..10)
        .filter(|d| value.len() > 10 && parse_date(d).is_some())
    {
        return format!("this column holds a date only: write {date}");
    }
    // 2026-1-16: ISO order without the zero padding.
    let parts: Vec<&str> = value.split('-').collect();
    if let [y, m, d] = parts.as_slice() {
        if y.len() == 4
            && [m, d].iter().all(|p| (1..=2).contains(&p.len()))
            && (m.len() == 1 || d.len() == 1)
            && [y, m, d]
                .iter()
                .all(|p| p.bytes().all(|b| b.is_ascii_digit()))
        {
            return format!("write two digits for the month and the day: {y}-{m:0>2}-{d:0>2}");
        }
    }
    if let Some((y, m, d)) = loose_ymd(value) {
        return format!("{y:04}-{m:02}-{d:02} is not a day on the calendar");
    }
    "write the date as YYYY-MM-DD, e.g. 2025-08-15".to_owned()
}

/// A `YYYY-MM-DD`-shaped value whose day does not exist (`2025-02-30`).
fn loose_ymd(value: &str) -> Option<(u32, u32, u32)> {
    let b = value.as_bytes();
    if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    Some((
        value.get(0..4)?.parse().ok()?,
        value.get(5..7)?.parse().ok()?,
        value.get(8..10)?.parse().ok()?,
    ))
}

/// Excel's day numbers count from 1899-12-30 (for serials after its 1900 leap-year bug).
fn excel_serial_to_date(serial: u32) -> Option<String> {
    let mut days = serial as i64 - 2; // days since 1900-01-01 for serial > 60
    if serial <= 60 {
        return None;
    }
    let mut year = 1900u32;
    loop {
        let len = if is_leap(year) { 366 } else { 365 };
        if days < len {
            break;
        }
        days -= len;
        year += 1;
    }
    let mut month = 1;
    while days >= days_in_month(year, month) as i64 {
        days -= days_in_month(year, month) as i64;
        month += 1;
    }
    Some(format!("{year:04}-{month:02}-{:02}", days + 1))
}

fn check_date(w: Wanted<'_>, name: &str, value: &str) -> Option<Finding> {
    if parse_date(value).is_some() {
        return None;
    }
    Some(finding!(
        w,
        &rules::INVALID_DATE,
        format!("\"{value}\" is not a valid date in `{name}`"),
        date_hint(value),
    ))
}

/// Exactly `YYYY-MM-DDTHH:MM:SS.sssZ`, the 1.2.1 form.
fn is_exact_datetime(value: &str) -> bool {
    let b = value.as_bytes();
    b.len() == 24
        && b.get(10) == Some(&b'T')
        && b.get(19) == Some(&b'.')
        && b.get(23) == Some(&b'Z')
        && value.get(11..19).is_some_and(valid_time)
        && b.get(20..23)
            .is_some_and(|ms| ms.iter().all(u8::is_ascii_digit))
        && value.get(..10).and_then(parse_date).is_some()
}

fn valid_time(hms: &str) -> bool {
    let b = hms.as_bytes();
    if !(b.len() == 8 && b.get(2) == Some(&b':') && b.get(5) == Some(&b':')) {
        return false;
    }
    let n = |r: std::ops::Range<usize>| hms.get(r).and_then(|p| p.parse::<u32>().ok());
    matches!((n(0..2), n(3..5), n(6..8)), (Some(h), Some(m), Some(s)) if h < 24 && m < 60 && s <= 60)
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 2 || i == 5 || c.is_ascii_digit())
}

fn check_datetime(w: Wanted<'_>, name: &str, value: &str, version: Version) -> Option<Finding> {
    if is_exact_datetime(value) {
        return None;
    }
    // (The help is written only for a finding that is listed.)
    let invalid = |help: &dyn Fn() -> String| {
        Some(finding!(
            w,
            &rules::INVALID_DATETIME,
            format!("\"{value}\" is not a valid date-time in `{name}`"),
            help(),
        ))
    };
    let example = "write YYYY-MM-DDTHH:MM:SS.sssZ in UTC, e.g. 2025-08-01T12:00:00.000Z";
    if parse_date(value).is_some() {
        return invalid(&|| {
            format!("a date-time needs a time and the UTC zone: write {value}T00:00:00.000Z")
        });
    }
    let date_part = value.get(..10).filter(|d| parse_date(d).is_some());
    if let (Some(date), Some(b' ')) = (date_part, value.as_bytes().get(10)) {
        let time = value
            .get(11..19)
            .filter(|t| valid_time(t))
            .unwrap_or("00:00:00");
        return invalid(&|| {
            format!("separate the date and the time with T (not a space) and end with Z in UTC: {date}T{time}.000Z")
        });
    }
    if value.len() < 20 || value.as_bytes().get(10) != Some(&b'T') || date_part.is_none() {
        return invalid(&|| {
            let hint = date_hint(value.split([' ', 'T']).next().unwrap_or(value));
            if hint.starts_with("write the date") {
                example.to_owned()
            } else {
                format!("{hint}; {example}")
            }
        });
    }
    // YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)
    let rest = value.get(11..).unwrap_or_default();
    let (Some(hms), Some(mut tail)) = (rest.get(..8), rest.get(8..)) else {
        return invalid(&|| example.to_owned());
    };
    if !valid_time(hms) {
        return invalid(&|| example.to_owned());
    }
    if let Some(frac) = tail.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return invalid(&|| example.to_owned());
        }
        tail = frac.get(digits..).unwrap_or_default();
    }
    match tail {
        "Z" if version == Version::V1_2 => Some(finding!(
            w,
            &rules::DATETIME_NOT_EXACT,
            format!("\"{value}\" in `{name}` is not in the exact form OneRoster 1.2.1 requires"),
            "write exactly three digits of milliseconds: YYYY-MM-DDTHH:MM:SS.sssZ, e.g. 2025-08-01T12:00:00.000Z",
        )),
        "Z" => None,
        "" => invalid(&|| format!("add the UTC zone designator Z (and convert the time to UTC); {example}")),
        _ => invalid(&|| format!("OneRoster date-times are in UTC: convert the time and end it with Z; {example}")),
    }
}

fn check_year(w: Wanted<'_>, name: &str, value: &str) -> Option<Finding> {
    if value.len() == 4 && value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let help = || match value.split_once(['-', '/']) {
        Some((_, end)) if end.len() == 4 && end.bytes().all(|b| b.is_ascii_digit()) => {
            format!("write one year, the year in which the school year ends: {end}")
        }
        Some((_, end)) if end.len() == 2 && end.bytes().all(|b| b.is_ascii_digit()) => {
            format!("write one four-digit year, the year in which the school year ends: 20{end}")
        }
        _ if value.len() == 2 && value.bytes().all(|b| b.is_ascii_digit()) => {
            format!("write four digits: 20{value}")
        }
        _ => "write the four-digit year in which the school year ends, e.g. 2026 for 2025–26"
            .to_owned(),
    };
    Some(finding!(
        w,
        &rules::INVALID_YEAR,
        format!("\"{value}\" is not a valid year in `{name}`"),
        help(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{FileKind, VERSION_1_1, VERSION_1_2};

    fn column(version: Version, file: FileKind, name: &str) -> &'static ColumnSpec {
        let f = version.spec().file(file).unwrap();
        &f.columns[f.column_index(name).unwrap()]
    }

    /// Every finding of `value` in column `name`, each with its message.
    fn findings(version: Version, file: FileKind, name: &str, value: &str) -> Vec<Finding> {
        let mut out = Vec::new();
        check(
            column(version, file, name),
            value,
            version,
            &|_| true,
            &mut out,
        );
        out
    }

    fn codes(
        version: Version,
        file: FileKind,
        name: &str,
        value: &str,
    ) -> Vec<(&'static str, Severity)> {
        findings(version, file, name, value)
            .iter()
            .map(|f| (f.rule.code, f.severity))
            .collect()
    }

    fn messages(version: Version, file: FileKind, name: &str, value: &str) -> String {
        findings(version, file, name, value)
            .iter()
            .map(|f| format!("{} | {}", f.message, f.help))
            .collect::<Vec<_>>()
            .join("\n")
    }

    use FileKind::*;
    use Version::*;

    #[test]
    fn guids() {
        assert!(codes(V1_1, Users, "sourcedId", "stu-1001_a/b@c.d").is_empty());
        assert_eq!(codes(V1_1, Users, "sourcedId", "stu 1001")[0].0, "OR302");
        assert!(messages(V1_1, Users, "sourcedId", "stu 1001").contains("a space"));
        assert_eq!(codes(V1_1, Users, "sourcedId", "1.23457E+11")[0].0, "OR310");
        assert_eq!(
            codes(V1_1, Users, "sourcedId", &"x".repeat(256))[0].0,
            "OR302"
        );
        assert_eq!(codes(V1_1, Users, "identifier", "4.5E+15")[0].0, "OR310");
    }

    #[test]
    fn enums() {
        assert!(codes(V1_2, Classes, "classType", "scheduled").is_empty());
        assert!(codes(V1_2, Classes, "classType", "ext:lab").is_empty());
        assert!(messages(V1_2, Classes, "classType", "Scheduled").contains("write `scheduled`"));
        assert_eq!(
            codes(V1_1, Classes, "classType", "ext:lab"),
            vec![("OR313", Severity::Warning)]
        );
        assert!(messages(V1_1, Users, "status", "inactive").contains("deprecated"));
        assert_eq!(codes(V1_2, Roles, "roleType", "ext:x")[0].0, "OR303");
        assert!(codes(V1_2, Resources, "roles", "teacher,student").is_empty());
        assert_eq!(
            codes(V1_2, Resources, "roles", "teacher,pupil")[0].0,
            "OR303"
        );
    }

    #[test]
    fn grades() {
        assert!(codes(V1_1, Users, "grades", "09").is_empty());
        assert_eq!(
            codes(V1_1, Users, "grades", "9"),
            vec![("OR309", Severity::Error)]
        );
        assert_eq!(
            codes(V1_2, Users, "grades", "9"),
            vec![("OR309", Severity::Warning)]
        );
        assert!(messages(V1_1, Classes, "grades", "9").contains("should be `09`"));
        assert!(messages(V1_1, Classes, "grades", "K").contains("KG"));
        assert!(codes(V1_1, Classes, "grades", "09,10").is_empty());
        assert_eq!(codes(V1_1, Classes, "grades", "09;10")[0].0, "OR311");
        assert_eq!(codes(V1_1, Classes, "grades", "09, 10")[0].0, "OR311");
    }

    #[test]
    fn dates() {
        assert!(codes(V1_1, AcademicSessions, "startDate", "2024-02-29").is_empty());
        assert_eq!(
            codes(V1_1, AcademicSessions, "startDate", "2025-02-29")[0].0,
            "OR304"
        );
        assert!(messages(V1_1, AcademicSessions, "startDate", "2025-02-30")
            .contains("not a day on the calendar"));
        assert!(
            messages(V1_1, AcademicSessions, "startDate", "8/15/2025").contains("write 2025-08-15")
        );
        assert!(messages(V1_1, AcademicSessions, "startDate", "8/15/25").contains("two-digit year"));
        assert!(
            messages(V1_1, AcademicSessions, "startDate", "1/05/2023").contains("month/day/year")
        );
        assert!(messages(V1_1, AcademicSessions, "startDate", "25/05/2023")
            .contains("day/month/year; write 2023-05-25"));
        assert!(
            messages(V1_1, AcademicSessions, "startDate", "45884").contains("Excel serial"),
            "{}",
            messages(V1_1, AcademicSessions, "startDate", "45884")
        );
        assert!(messages(V1_1, AcademicSessions, "startDate", "45884").contains("2025-08-15"));
        assert!(messages(
            V1_1,
            Enrollments,
            "beginDate",
            "2022-09-01T00:00:00.0000000+10:00"
        )
        .contains("date only"));
    }

    #[test]
    fn datetimes() {
        assert!(codes(V1_2, Users, "dateLastModified", "2025-08-01T12:00:00.000Z").is_empty());
        assert!(codes(V1_1, Users, "dateLastModified", "2025-08-01T12:00:00Z").is_empty());
        assert_eq!(
            codes(V1_2, Users, "dateLastModified", "2025-08-01T12:00:00Z"),
            vec![("OR314", Severity::Warning)]
        );
        assert_eq!(
            codes(V1_1, Users, "dateLastModified", "2025-08-01")[0].0,
            "OR305"
        );
        assert_eq!(
            codes(V1_1, Users, "dateLastModified", "2025-08-01T12:00:00")[0].0,
            "OR305"
        );
        assert_eq!(
            codes(V1_1, Users, "dateLastModified", "2025-08-01T12:00:00+02:00")[0].0,
            "OR305"
        );
        assert_eq!(
            codes(V1_1, Users, "dateLastModified", "2025-08-01T25:00:00Z")[0].0,
            "OR305"
        );
        assert!(messages(V1_1, Users, "dateLastModified", "1/05/2023").contains("2023-01-05"));
    }

    #[test]
    fn booleans_numbers_years() {
        assert!(codes(V1_1, Users, "enabledUser", "true").is_empty());
        assert!(messages(V1_1, Users, "enabledUser", "TRUE").contains("lower-case"));
        assert!(messages(V1_1, Users, "enabledUser", "1").contains("write `true`"));
        assert!(codes(V1_1, Results, "score", "92.5").is_empty());
        assert!(messages(V1_1, Results, "score", "85%").contains("without the % sign"));
        assert_eq!(codes(V1_1, Results, "score", "NaN")[0].0, "OR308");
        assert!(codes(V1_2, Categories, "weight", "80").is_empty());
        assert!(codes(V1_1, AcademicSessions, "schoolYear", "2026").is_empty());
        assert!(messages(V1_1, AcademicSessions, "schoolYear", "2025-2026").contains("2026"));
        assert!(messages(V1_1, AcademicSessions, "schoolYear", "2025-26").contains("2026"));
    }

    #[test]
    fn braced_pairs_and_guid_lists() {
        assert!(codes(V1_1, Users, "userIds", "{LDAP:abc},{LTI:x}").is_empty());
        assert_eq!(codes(V1_1, Users, "userIds", "LDAP:abc")[0].0, "OR311");
        assert!(codes(V1_1, Users, "orgSourcedIds", "s1,s2").is_empty());
        assert_eq!(codes(V1_1, Users, "orgSourcedIds", "s1,,s2")[0].0, "OR311");
        assert_eq!(codes(V1_1, Users, "orgSourcedIds", "s1,s 2")[0].0, "OR302");
        let _ = (&VERSION_1_1, &VERSION_1_2);
    }
}
