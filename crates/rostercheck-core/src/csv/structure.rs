//! Quote structure that csv-core accepts silently but RFC 4180 forbids.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuoteProblem {
    /// A `"` inside an unquoted field, or text after a closing quote, in field `field` (0-based).
    Stray { field: usize },
    /// A quoted field (0-based index) that is still open at the end of the record.
    Unterminated { field: usize },
}

/// Scans a record's raw bytes (without its terminator) for quote problems. Call it only when
/// the record contains a `"`.
pub fn scan_quotes(raw: &[u8]) -> Option<QuoteProblem> {
    if quotes_well_placed(raw) {
        return None;
    }
    scan_quotes_bytewise(raw)
}

/// True when every quote of `raw` opens a field (at its start, or after a comma), is a doubled
/// quote inside a quoted field, or closes one (before a comma, or at the end): then
/// [`scan_quotes`] finds nothing. Found by jumping from quote to quote (a file that quotes
/// every field has two per field). False is only a doubt: the bytewise scan decides.
fn quotes_well_placed(raw: &[u8]) -> bool {
    let mut at = 0;
    while let Some(open) = memchr::memchr(b'"', raw.get(at..).unwrap_or_default()) {
        let open = at + open;
        if open > 0 && raw.get(open - 1) != Some(&b',') {
            return false;
        }
        let mut from = open + 1;
        loop {
            let Some(quote) = memchr::memchr(b'"', raw.get(from..).unwrap_or_default()) else {
                return false; // never closed
            };
            let quote = from + quote;
            match raw.get(quote + 1) {
                Some(b'"') => from = quote + 2, // a doubled quote
                None | Some(b',') => {
                    at = quote + 1;
                    break;
                }
                Some(_) => return false,
            }
        }
    }
    true
}

fn scan_quotes_bytewise(raw: &[u8]) -> Option<QuoteProblem> {
    #[derive(PartialEq)]
    enum State {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let mut state = State::FieldStart;
    let mut field = 0;
    let mut open_field = 0;
    for &b in raw {
        state = match (state, b) {
            (State::FieldStart, b'"') => {
                open_field = field;
                State::Quoted
            }
            (State::FieldStart | State::Unquoted | State::QuoteInQuoted, b',') => {
                field += 1;
                State::FieldStart
            }
            (State::Unquoted, b'"') => return Some(QuoteProblem::Stray { field }),
            (State::FieldStart | State::Unquoted, _) => State::Unquoted,
            (State::Quoted, b'"') => State::QuoteInQuoted,
            (State::Quoted, _) => State::Quoted,
            (State::QuoteInQuoted, b'"') => State::Quoted,
            (State::QuoteInQuoted, b'\r' | b'\n') => State::FieldStart,
            (State::QuoteInQuoted, _) => return Some(QuoteProblem::Stray { field }),
        };
    }
    (state == State::Quoted).then_some(QuoteProblem::Unterminated { field: open_field })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_formed_quotes_pass() {
        assert_eq!(scan_quotes(br#"a,"b,c","say ""hi""",d"#), None);
        assert_eq!(scan_quotes(b"\"multi\nline\",x"), None);
        assert_eq!(scan_quotes(br#""""#), None);
    }

    #[test]
    fn the_quick_check_agrees_with_the_bytewise_scan() {
        let cases: &[&[u8]] = &[
            br#"a,"b,c","say ""hi""",d"#,
            br#""a","b""#,
            br#""""#,
            br#"""""#,
            br#""a""#,
            br#""a"b"#,
            br#"a"b"#,
            br#"a,"b"#,
            br#""a",b"c""#,
            b"\"multi\nline\",x",
            b"\"a\"\n\"b\"",
            b"x,\"a\"\r",
            br#","","#,
            br#""a"",b"#,
            br#""a""",b"#,
            br#""a""""#,
        ];
        for raw in cases {
            let text = String::from_utf8_lossy(raw);
            let bytewise = scan_quotes_bytewise(raw);
            assert!(!quotes_well_placed(raw) || bytewise.is_none(), "{text}");
            assert_eq!(scan_quotes(raw), bytewise, "{text}");
        }
    }

    proptest::proptest! {
        /// Fields of text, commas, quotes and line breaks: whenever the quick check finds
        /// nothing, neither does the bytewise scan, and `scan_quotes` always answers as it.
        #[test]
        fn the_quick_check_never_hides_a_problem(
            bytes in proptest::collection::vec(proptest::sample::select(b"ab,,\"\"\"\n\r".to_vec()), 0..40),
        ) {
            let bytewise = scan_quotes_bytewise(&bytes);
            proptest::prop_assert!(!quotes_well_placed(&bytes) || bytewise.is_none());
            proptest::prop_assert_eq!(scan_quotes(&bytes), bytewise);
        }
    }

    #[test]
    fn stray_and_unterminated() {
        assert_eq!(
            scan_quotes(br#"a,Dwayne "Rock" J,c"#),
            Some(QuoteProblem::Stray { field: 1 })
        );
        assert_eq!(
            scan_quotes(br#"a,"Smith"Jr,c"#),
            Some(QuoteProblem::Stray { field: 1 })
        );
        assert_eq!(
            scan_quotes(br#"a,b,"open"#),
            Some(QuoteProblem::Unterminated { field: 2 })
        );
    }
}
