//! A few records copied out of the reader, so the session can look ahead at them (see
//! `Session::flush_rows`) before checking them one by one, in order.

use super::reader::Record;

struct Item {
    line: u64,
    end_line: u64,
    out: (usize, usize),
    raw: (usize, usize),
    ends: (usize, usize),
    sep: usize,
    raw_complete: bool,
    terminated: bool,
}

/// Owned copies of records, in arrival order; buffers are kept across batches.
#[derive(Default)]
pub struct RecordBatch {
    bytes: Vec<u8>,
    ends: Vec<usize>,
    items: Vec<Item>,
}

impl RecordBatch {
    pub fn push(&mut self, record: &Record<'_>) {
        let (out, ends, sep) = record.parts();
        let start = self.bytes.len();
        // The fast paths' field bytes are the raw line itself, or (quoted fields) all of it but
        // its first and last quote: it is stored once.
        let edge = sep.saturating_sub(1) / 2;
        let (out_range, raw_range) = if sep == 1 && record.raw.len() <= out.len() {
            self.bytes.extend_from_slice(out);
            ((start, self.bytes.len()), (start, start + record.raw.len()))
        } else if sep > 1 && record.raw.len() == out.len() + 2 * edge {
            self.bytes.extend_from_slice(record.raw);
            let end = self.bytes.len();
            ((start + edge, end - edge), (start, end))
        } else {
            self.bytes.extend_from_slice(out);
            let out_end = self.bytes.len();
            self.bytes.extend_from_slice(record.raw);
            ((start, out_end), (out_end, self.bytes.len()))
        };
        let ends_start = self.ends.len();
        self.ends.extend_from_slice(ends);
        self.items.push(Item {
            line: record.line,
            end_line: record.end_line,
            out: out_range,
            raw: raw_range,
            ends: (ends_start, self.ends.len()),
            sep,
            raw_complete: record.raw_complete,
            terminated: record.terminated,
        });
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Bytes held (records can be megabytes long: the caller bounds the batch by this too).
    pub fn byte_len(&self) -> usize {
        self.bytes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn clear(&mut self) {
        self.bytes.clear();
        self.ends.clear();
        self.items.clear();
    }

    /// The records, each with its field bytes as text (`Record::text`) when all the batch's
    /// bytes are UTF-8: one check for the batch instead of one per record, whose lines are too
    /// short for the check's word-at-a-time pace.
    pub fn iter_text(&self) -> impl Iterator<Item = Record<'_>> + '_ {
        let text = simdutf8::basic::from_utf8(&self.bytes).ok();
        self.iter().zip(&self.items).map(move |(mut record, item)| {
            // (A record's bounds are at a character's edge unless its neighbours end or start
            // in the middle of one: then `get` says no, and the record is checked alone.)
            record.text = text.and_then(|t| t.get(item.out.0..item.out.1));
            record
        })
    }

    /// The records, as the reader gave them.
    pub fn iter(&self) -> impl Iterator<Item = Record<'_>> + '_ {
        self.items.iter().map(|item| {
            let slice = |(a, b): (usize, usize)| self.bytes.get(a..b).unwrap_or_default();
            Record::from_parts(
                item.line,
                item.end_line,
                slice(item.out),
                self.ends.get(item.ends.0..item.ends.1).unwrap_or_default(),
                item.sep,
                slice(item.raw),
                item.raw_complete,
                item.terminated,
            )
        })
    }
}
