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
