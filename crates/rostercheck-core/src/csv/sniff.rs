//! What kind of bytes a file starts with: UTF-8 text (with or without BOM), UTF-16, or a
//! binary format someone dropped by mistake.

/// Bytes needed to decide; shorter files are decided at their end.
pub const SNIFF_LEN: usize = 8;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sniffed {
    /// Text to parse as CSV; `bom` is true when a UTF-8 BOM starts the file (skip 3 bytes).
    Text {
        bom: bool,
    },
    Utf16,
    /// A binary format, named for the message.
    Binary(&'static str),
}

/// Decides what `prefix` (the first `SNIFF_LEN` bytes, or the whole file if shorter) is.
pub fn sniff(prefix: &[u8]) -> Sniffed {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"PK\x03\x04", "an Excel workbook (.xlsx) or a zip archive"),
        (
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
            "an old Excel workbook (.xls)",
        ),
        (b"%PDF", "a PDF document"),
        (b"\x89PNG", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"{\\rtf", "a Word (RTF) document"),
    ];
    for (signature, what) in SIGNATURES {
        if prefix.starts_with(signature) {
            return Sniffed::Binary(what);
        }
    }
    if prefix.starts_with(b"\xFF\xFE") || prefix.starts_with(b"\xFE\xFF") {
        return Sniffed::Utf16;
    }
    // UTF-16 without a BOM: ASCII letters alternate with zero bytes.
    if prefix.len() >= 4 {
        let zeros_odd = prefix
            .iter()
            .skip(1)
            .step_by(2)
            .filter(|b| **b == 0)
            .count();
        let zeros_even = prefix.iter().step_by(2).filter(|b| **b == 0).count();
        let half = prefix.len() / 2;
        if (zeros_odd == half && zeros_even == 0) || (zeros_even == half && zeros_odd == 0) {
            return Sniffed::Utf16;
        }
    }
    Sniffed::Text {
        bom: prefix.starts_with(b"\xEF\xBB\xBF"),
    }
}

/// Decodes bytes as Windows-1252 (what Excel's plain "CSV" save writes in the US); the five
/// bytes Windows-1252 leaves undefined show as `�`.
pub fn decode_windows_1252(bytes: &[u8]) -> String {
    const HIGH: [char; 32] = [
        '€', '\u{FFFD}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{FFFD}', 'Ž',
        '\u{FFFD}', '\u{FFFD}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ',
        '\u{FFFD}', 'ž', 'Ÿ',
    ];
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => HIGH.get((b - 0x80) as usize).copied().unwrap_or('\u{FFFD}'),
            _ => b as char,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_formats() {
        assert_eq!(sniff(b"sourcedI"), Sniffed::Text { bom: false });
        assert_eq!(sniff(b"\xEF\xBB\xBFsource"), Sniffed::Text { bom: true });
        assert_eq!(sniff(b"\xFF\xFEs\0o\0u\0"), Sniffed::Utf16);
        assert_eq!(sniff(b"s\0o\0u\0r\0"), Sniffed::Utf16);
        assert!(
            matches!(sniff(b"PK\x03\x04\x14\0\x06\0"), Sniffed::Binary(w) if w.contains("xlsx"))
        );
        assert!(matches!(sniff(b"%PDF-1.7"), Sniffed::Binary(_)));
        assert_eq!(sniff(b""), Sniffed::Text { bom: false });
    }

    #[test]
    fn windows_1252() {
        assert_eq!(decode_windows_1252(b"Jos\xE9"), "José");
        assert_eq!(decode_windows_1252(b"\x93hi\x94"), "“hi”");
    }
}
