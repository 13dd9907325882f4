//! A CSV row writer over a reused byte buffer: no per-field allocation, manual integer
//! formatting, RFC 4180 quoting only where a value needs it.

use std::io::{self, Write};

use crate::{FileStats, GenOptions};

/// Flush the buffer to the underlying writer once it holds this many bytes.
const CHUNK: usize = 64 * 1024;

pub(crate) struct Out {
    name: &'static str,
    w: Box<dyn Write>,
    buf: Vec<u8>,
    bytes: u64,
    rows: u64,
    eol: &'static [u8],
    uuids: bool,
    /// Quote every field (see `GenOptions::quote_all`): each line is rewritten so as it ends.
    quote_all: bool,
    /// Where the line being written starts in `buf`.
    line_start: usize,
    scratch: Vec<u8>,
}

impl Out {
    pub(crate) fn new(name: &'static str, w: Box<dyn Write>, opts: &GenOptions) -> Self {
        Out {
            name,
            w,
            buf: Vec::with_capacity(CHUNK + 4096),
            bytes: 0,
            rows: 0,
            eol: if opts.crlf { b"\r\n" } else { b"\n" },
            uuids: opts.uuid_ids,
            quote_all: opts.quote_all,
            line_start: 0,
            scratch: Vec::new(),
        }
    }

    /// Writes the header line (not counted as a data row).
    pub(crate) fn header(&mut self, columns: &str) -> io::Result<()> {
        self.buf.extend_from_slice(columns.as_bytes());
        self.end_line()
    }

    /// Appends bytes verbatim (separators, constant tokens, pre-quoted lists).
    #[inline]
    pub(crate) fn raw(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
    }

    /// Appends a field separator.
    #[inline]
    pub(crate) fn comma(&mut self) {
        self.buf.push(b',');
    }

    /// Appends a free-text value, quoting it (with `"` doubled) when it contains `,` or `"`.
    #[inline]
    pub(crate) fn text(&mut self, s: &str) {
        push_text(&mut self.buf, s);
    }

    /// Appends `n` in decimal, left-padded with zeros to at least `width` digits.
    #[inline]
    pub(crate) fn num(&mut self, n: u64, width: usize) {
        push_num(&mut self.buf, n, width);
    }

    /// Appends `prefix` followed by the zero-padded number: an identifier such as `stu-0000042`.
    #[inline]
    pub(crate) fn id(&mut self, prefix: &str, n: u64, width: usize) {
        self.buf.extend_from_slice(prefix.as_bytes());
        push_num(&mut self.buf, n, width);
    }

    /// Appends a sourcedId: [`Out::id`], or a UUID derived from it when the package uses UUIDs
    /// (the same record always gets the same UUID, so references stay whole).
    #[inline]
    pub(crate) fn sid(&mut self, prefix: &str, n: u64, width: usize) {
        if !self.uuids {
            return self.id(prefix, n, width);
        }
        let seed = prefix.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x1000_0000_01b3)
        });
        let hi = splitmix(seed ^ n);
        let lo = splitmix(hi ^ n.rotate_left(32));
        // Version 4 and the RFC 4122 variant, as a random UUID has them.
        let hi = (hi & !0xf000) | 0x4000;
        let lo = (lo & !(0xc << 60)) | (0x8 << 60);
        let hex = format!("{hi:016x}{lo:016x}");
        let (a, rest) = hex.split_at(8);
        let (b, rest) = rest.split_at(4);
        let (c, rest) = rest.split_at(4);
        let (d, e) = rest.split_at(4);
        for (i, part) in [a, b, c, d, e].into_iter().enumerate() {
            if i > 0 {
                self.buf.push(b'-');
            }
            self.buf.extend_from_slice(part.as_bytes());
        }
    }

    /// Terminates the current data row.
    #[inline]
    pub(crate) fn end_row(&mut self) -> io::Result<()> {
        self.rows += 1;
        self.end_line()
    }

    fn end_line(&mut self) -> io::Result<()> {
        if self.quote_all {
            self.quote_every_field();
        }
        self.buf.extend_from_slice(self.eol);
        self.line_start = self.buf.len();
        self.maybe_flush()
    }

    /// Rewrites the line being written with every field quoted: a field quoted already is
    /// kept as it is, any other gets quotes around it (it holds no quote nor comma).
    fn quote_every_field(&mut self) {
        let line = self.buf.get(self.line_start..).unwrap_or_default();
        self.scratch.clear();
        let mut i = 0;
        loop {
            let start = i;
            if line.get(i) == Some(&b'"') {
                // Through its closing quote (a doubled quote is part of the value).
                i += 1;
                while let Some(&c) = line.get(i) {
                    i += 1;
                    if c == b'"' && line.get(i) != Some(&b'"') {
                        break;
                    }
                    i += usize::from(c == b'"');
                }
                self.scratch
                    .extend_from_slice(line.get(start..i).unwrap_or_default());
            } else {
                while line.get(i).is_some_and(|c| *c != b',') {
                    i += 1;
                }
                self.scratch.push(b'"');
                self.scratch
                    .extend_from_slice(line.get(start..i).unwrap_or_default());
                self.scratch.push(b'"');
            }
            if line.get(i) != Some(&b',') {
                break;
            }
            self.scratch.push(b',');
            i += 1;
        }
        self.buf.truncate(self.line_start);
        self.buf.extend_from_slice(&self.scratch);
    }

    #[inline]
    fn maybe_flush(&mut self) -> io::Result<()> {
        if self.buf.len() >= CHUNK {
            self.flush_buf()?;
        }
        Ok(())
    }

    fn flush_buf(&mut self) -> io::Result<()> {
        self.w.write_all(&self.buf)?;
        self.bytes += self.buf.len() as u64;
        self.buf.clear();
        self.line_start = 0;
        Ok(())
    }

    /// Flushes everything, including the caller's writer, and reports what was written.
    pub(crate) fn finish(mut self) -> io::Result<FileStats> {
        self.flush_buf()?;
        self.w.flush()?;
        Ok(FileStats {
            name: self.name.to_string(),
            bytes: self.bytes,
            rows: self.rows,
        })
    }
}

pub(crate) fn push_text(buf: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    if !b.iter().any(|&c| c == b',' || c == b'"') {
        buf.extend_from_slice(b);
        return;
    }
    buf.push(b'"');
    for &c in b {
        if c == b'"' {
            buf.push(b'"');
        }
        buf.push(c);
    }
    buf.push(b'"');
}

pub(crate) fn push_num(buf: &mut Vec<u8>, mut n: u64, width: usize) {
    let mut tmp = [b'0'; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let start = i.min(tmp.len().saturating_sub(width));
    buf.extend_from_slice(&tmp[start..]);
}

/// SplitMix64: a well-mixed 64-bit value from any 64-bit input.
fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(n: u64, w: usize) -> String {
        let mut b = Vec::new();
        push_num(&mut b, n, w);
        String::from_utf8(b).expect("ascii")
    }

    fn text(s: &str) -> String {
        let mut b = Vec::new();
        push_text(&mut b, s);
        String::from_utf8(b).expect("utf8")
    }

    #[test]
    fn numbers() {
        assert_eq!(num(0, 0), "0");
        assert_eq!(num(0, 4), "0000");
        assert_eq!(num(42, 7), "0000042");
        assert_eq!(num(12345, 3), "12345");
        assert_eq!(num(u64::MAX, 0), u64::MAX.to_string());
        assert_eq!(num(u64::MAX, 25), u64::MAX.to_string());
    }

    #[test]
    fn quoting() {
        assert_eq!(text("José"), "José");
        assert_eq!(text("King, III"), "\"King, III\"");
        assert_eq!(text("Robert \"Bobby\""), "\"Robert \"\"Bobby\"\"\"");
        assert_eq!(text(""), "");
    }
}
