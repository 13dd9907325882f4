use super::scan;
use csv_core::{ReadRecordResult, Reader};

/// Raw bytes kept per record for quote analysis and for showing the offending line.
const RAW_CAP: usize = 64 * 1024;

/// Where a fast path found a line's fields (see [`RecordReader::emit_line`]).
#[derive(Clone, Copy)]
enum Fields {
    /// Between the line's commas.
    InLine,
    /// Inside the line's first and last quote, `","` between them.
    InQuotes,
    /// Copied into the reader's `out` without their quotes, a comma between them.
    Copied,
}

/// A record's unescaped bytes and field count are kept up to these limits; a longer record is
/// skipped (and reported) instead of growing memory without bound. No OneRoster record comes
/// near them.
pub const MAX_RECORD_BYTES: usize = 16 * 1024 * 1024;
pub const MAX_FIELDS: usize = 10_000;

/// What the reader found: a record, or an empty line between records.
pub enum Event<'a> {
    Record(Record<'a>),
    /// 1-based line number of an empty line.
    BlankLine(u64),
    /// A record beyond [`MAX_RECORD_BYTES`] or [`MAX_FIELDS`], skipped: its first and last line.
    Oversized {
        line: u64,
        end_line: u64,
    },
}

/// One parsed record, borrowed from the reader until the callback returns.
pub struct Record<'a> {
    /// 1-based physical line where the record starts.
    pub line: u64,
    /// 1-based physical line where the record ends (greater than `line` when a quoted field spans lines).
    pub end_line: u64,
    /// Field bytes: csv-core's unescaped fields back to back (`sep` 0), or from a fast path
    /// (`RecordReader::fast_line`) the raw line with its commas, or its fields copied without
    /// their quotes with a comma between them (`sep` 1), or a line of quoted fields inside
    /// its first and last quote, `","` between them (`sep` 3).
    out: &'a [u8],
    ends: &'a [usize],
    sep: usize,
    /// The record's raw bytes without its line terminator; cut at 64 KiB (see `raw_complete`).
    pub raw: &'a [u8],
    pub raw_complete: bool,
    /// False for a last record that ends at the end of the file without a line break.
    pub terminated: bool,
    /// `out` as text, when it was found to be UTF-8 with the records around it (see
    /// `RecordBatch::iter_text`).
    pub(super) text: Option<&'a str>,
}

impl<'a> Record<'a> {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn from_parts(
        line: u64,
        end_line: u64,
        out: &'a [u8],
        ends: &'a [usize],
        sep: usize,
        raw: &'a [u8],
        raw_complete: bool,
        terminated: bool,
    ) -> Record<'a> {
        Record {
            line,
            end_line,
            out,
            ends,
            sep,
            raw,
            raw_complete,
            terminated,
            text: None,
        }
    }

    /// Field bytes, field ends and separator width (see [`Record::from_parts`]).
    pub(crate) fn parts(&self) -> (&'a [u8], &'a [usize], usize) {
        (self.out, self.ends, self.sep)
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The field bytes as text, when they were found to be UTF-8 along with the records
    /// around them (None: not looked at, or not UTF-8).
    pub fn text(&self) -> Option<&'a str> {
        self.text
    }

    /// The unescaped bytes of field `i` (0-based).
    pub fn field(&self, i: usize) -> &'a [u8] {
        let (start, end) = self.field_range(i);
        self.out.get(start..end).unwrap_or_default()
    }

    /// Where field `i` starts and ends in the field bytes (`text`, for a plain line).
    pub fn field_range(&self, i: usize) -> (usize, usize) {
        let start = if i == 0 {
            0
        } else {
            self.ends.get(i - 1).map_or(0, |e| e + self.sep)
        };
        (start, self.ends.get(i).copied().unwrap_or(start))
    }

    pub fn fields(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        (0..self.len()).map(|i| self.field(i))
    }

    /// All field bytes, possibly with the commas between them (for whole-record scans).
    pub fn all_bytes(&self) -> &'a [u8] {
        self.out
    }

    /// The end of field `i` in [`Record::all_bytes`] and the start of field `i + 1`, less the
    /// separator width.
    pub fn field_end(&self, i: usize) -> usize {
        self.ends.get(i).copied().unwrap_or(0)
    }

    /// True for a line read by a fast path (`RecordReader::fast_line`): one physical line, no
    /// NUL byte, no quote out of place.
    pub fn is_fast(&self) -> bool {
        self.sep > 0
    }

    /// Bytes between two fields in [`Record::all_bytes`] (0, 1, or 3 for `","`).
    pub fn separator_width(&self) -> usize {
        self.sep
    }

    /// True when every field is empty (a line of only commas, as Excel leaves them).
    pub fn is_blank(&self) -> bool {
        self.out.len() == self.sep * self.ends.len().saturating_sub(1)
    }
}

/// Push-fed CSV record reader. Feed chunks of any size; events do not depend on where the
/// chunks split.
pub struct RecordReader {
    parser: Reader,
    out: Vec<u8>,
    out_len: usize,
    ends: Vec<usize>,
    ends_len: usize,
    raw: Vec<u8>,
    raw_complete: bool,
    /// Line of the next byte to be consumed (1-based).
    line: u64,
    record_line: u64,
    /// Between records: skipping the previous terminator and any empty lines.
    in_prefix: bool,
    /// The last byte consumed was a CR (so a following LF completes a CRLF).
    prev_cr: bool,
    /// CR bytes and CRLF pairs seen, to report old Mac line endings.
    crs: u64,
    crlf: u64,
    /// Last byte consumed for the current record (its terminator once it is complete).
    last_byte: Option<u8>,
    /// The current record went past the limits and is being skipped.
    oversized: bool,
    done: bool,
    /// A record was emitted by the last csv-core step.
    emitted: bool,
    /// Quote-free complete lines are split without csv-core (see `fast_line`).
    fast: bool,
}

impl Default for RecordReader {
    fn default() -> Self {
        RecordReader::new()
    }
}

impl RecordReader {
    pub fn new() -> RecordReader {
        RecordReader {
            parser: {
                let mut parser = Reader::new();
                prime(&mut parser);
                parser
            },
            out: vec![0; 4096],
            out_len: 0,
            ends: vec![0; 64],
            ends_len: 0,
            raw: Vec::with_capacity(1024),
            raw_complete: true,
            line: 1,
            record_line: 1,
            in_prefix: true,
            prev_cr: false,
            crs: 0,
            crlf: 0,
            last_byte: None,
            oversized: false,
            done: false,
            emitted: false,
            fast: true,
        }
    }

    /// Makes the reader ready for another file, keeping its compiled state machine and buffers
    /// (building a csv-core reader is costly; a cloned one does not work: its state machine is
    /// completed on first use).
    pub fn reset(&mut self) {
        self.parser.reset();
        prime(&mut self.parser);
        self.out_len = 0;
        self.ends_len = 0;
        self.raw.clear();
        self.raw_complete = true;
        self.line = 1;
        self.record_line = 1;
        self.in_prefix = true;
        self.prev_cr = false;
        self.crs = 0;
        self.crlf = 0;
        self.last_byte = None;
        self.oversized = false;
        self.done = false;
    }

    /// Feeds the next chunk. `on_event` is called for every complete record and blank line.
    pub fn feed(&mut self, mut input: &[u8], on_event: &mut dyn FnMut(Event<'_>)) {
        while !input.is_empty() && !self.done {
            if self.fast && self.in_prefix && self.out_len == 0 && self.ends_len == 0 {
                let consumed = self.fast_line(input, on_event);
                if consumed > 0 {
                    input = input.get(consumed..).unwrap_or_default();
                    continue;
                }
            }
            // csv-core reads this record (quotes, a line cut by the chunk end, limits): stop
            // after it so the next line may take the fast path again.
            self.emitted = false;
            while !input.is_empty() && !self.done && !self.emitted {
                let consumed = self.step(input, on_event);
                input = input.get(consumed..).unwrap_or_default();
            }
        }
    }

    /// Turns off the quote-free fast path, so every byte goes through csv-core (the reference
    /// behaviour the fast path is tested against).
    pub fn set_fast_path(&mut self, on: bool) {
        self.fast = on;
    }

    /// The fast path for the common line: when the next line is complete in `input` and has no
    /// quote or NUL byte, its fields are the bytes between commas, exactly as csv-core would
    /// split them, so they are found in one pass and borrowed from `input` without a copy.
    /// A line whose fields are all quoted, or some, without a quote inside one, is read by
    /// the paths after it. Returns the bytes consumed; 0 leaves the line to csv-core.
    fn fast_line(&mut self, input: &[u8], on_event: &mut dyn FnMut(Event<'_>)) -> usize {
        // Empty lines (and the LF of a CRLF) before the record.
        let start = input
            .iter()
            .position(|b| *b != b'\n' && *b != b'\r')
            .unwrap_or(input.len());
        if start > 0 {
            self.track(input.get(..start).unwrap_or_default(), on_event);
            if start == input.len() {
                return start;
            }
        }
        let rest = input.get(start..).unwrap_or_default();
        match self.fast_record(rest, on_event) {
            Some(consumed) => start + consumed,
            None => {
                // csv-core reads this line from its start.
                self.ends_len = 0;
                self.out_len = 0;
                start
            }
        }
    }

    /// [`RecordReader::fast_line`] for the line at the start of `rest`: the bytes it
    /// consumed (with the terminator), or None when it is csv-core's (cut short by the end of
    /// the input, longer than [`MAX_RECORD_BYTES`], more than [`MAX_FIELDS`] fields, or quotes
    /// that neither quoted path reads).
    fn fast_record(&mut self, rest: &[u8], on_event: &mut dyn FnMut(Event<'_>)) -> Option<usize> {
        // Sixteen bytes at a time (`scan`): the commas up to the first byte that ends this
        // path, the line break that ends the line, or a quote or a NUL byte before it.
        self.ends_len = 0;
        let scanned = rest.len().min(MAX_RECORD_BYTES + 1);
        let mut at = 0;
        let stop = loop {
            let tail = rest.get(at..).unwrap_or_default();
            let (commas, stops) = match tail.first_chunk::<{ scan::WIDTH }>() {
                Some(block) => scan::masks(block),
                None => scan::bytewise(tail),
            };
            if !self.push_ends(commas & stops.wrapping_sub(1) & !stops, at) {
                return None;
            }
            if stops != 0 {
                break at + stops.trailing_zeros() as usize;
            }
            at += scan::WIDTH;
            if at >= scanned {
                return None;
            }
        };
        let len = match rest.get(stop) {
            Some(b'\n' | b'\r') => stop,
            // A quote or a NUL byte: the line is read by the paths below, once its end is found.
            _ => stop + memchr::memchr2(b'\n', b'\r', rest.get(stop..).unwrap_or_default())?,
        };
        if len > MAX_RECORD_BYTES {
            return None;
        }
        let line = rest.get(..len).unwrap_or_default();
        let terminator = rest.get(len).copied();
        let fields = if len == stop {
            self.push_end(len).then_some(Fields::InLine)?
        } else if line.first() == Some(&b'"') && self.quoted_fields(line) {
            // Every field quoted: its fields are found between the quotes.
            Fields::InQuotes
        } else {
            self.mixed_fields(line).then_some(Fields::Copied)?
        };
        Some(self.emit_line(line, terminator, fields, on_event))
    }

    /// The fast path for a line with some fields quoted (`a,"b, c",d`, as spreadsheets write
    /// a value with a comma, or `"Robert ""Bobby"""`, a nickname in quotes): each field is
    /// unquoted without a quote in it, or quoted with any quote inside doubled, and the line
    /// has no NUL byte. The fields are copied, without their quotes and with a doubled quote
    /// as one, into `out` with a comma between them (a quoted field's own commas are told
    /// apart by the field ends); false leaves the line to csv-core.
    fn mixed_fields(&mut self, line: &[u8]) -> bool {
        self.ends_len = 0;
        self.out_len = 0;
        // (A longer line's raw bytes are cut: they could not be told from its fields'.)
        if line.len() >= RAW_CAP || memchr::memchr(0, line).is_some() {
            return false;
        }
        if self.out.len() < line.len() {
            self.out.resize(line.len(), 0);
        }
        let mut at = 0;
        loop {
            let next = if line.get(at) == Some(&b'"') {
                // Up to the closing quote; a doubled quote inside is one quote of the value
                // (the first of the pair ends a piece copied, the second is skipped).
                let mut from = at + 1;
                loop {
                    let rest = line.get(from..).unwrap_or_default();
                    let Some(quote) = memchr::memchr(b'"', rest) else {
                        return false;
                    };
                    let doubled = rest.get(quote + 1) == Some(&b'"');
                    if !self.copy_out(line.get(from..from + quote + usize::from(doubled))) {
                        return false;
                    }
                    if !doubled {
                        break from + quote + 1;
                    }
                    from += quote + 2;
                }
            } else {
                let rest = line.get(at..).unwrap_or_default();
                let end = at + memchr::memchr2(b',', b'"', rest).unwrap_or(rest.len());
                if !self.copy_out(line.get(at..end)) {
                    return false;
                }
                end
            };
            // After the field: a comma or the end of the line (not a quote, nor text after a
            // closing quote).
            let comma = match line.get(next) {
                None => false,
                Some(b',') => true,
                Some(_) => return false,
            };
            if !self.push_end(self.out_len) {
                return false;
            }
            if !comma {
                return true;
            }
            if let Some(c) = self.out.get_mut(self.out_len) {
                *c = b',';
            }
            self.out_len += 1;
            at = next + 1;
        }
    }

    /// Appends `bytes` (None: not in the line) to `out`, whose room
    /// [`RecordReader::mixed_fields`] made.
    fn copy_out(&mut self, bytes: Option<&[u8]>) -> bool {
        let Some(bytes) = bytes else {
            return false;
        };
        let Some(into) = self.out.get_mut(self.out_len..self.out_len + bytes.len()) else {
            return false;
        };
        into.copy_from_slice(bytes);
        self.out_len += bytes.len();
        true
    }

    /// Emits `line` as a record whose field ends were found (`self.ends`), its fields where
    /// `fields` says. Returns the bytes consumed, with the line's terminator.
    fn emit_line(
        &mut self,
        line: &[u8],
        terminator: Option<u8>,
        fields: Fields,
        on_event: &mut dyn FnMut(Event<'_>),
    ) -> usize {
        let len = line.len();
        let (out, sep) = match fields {
            Fields::InLine => (line, 1),
            Fields::InQuotes => (line.get(1..len.saturating_sub(1)).unwrap_or_default(), 3),
            Fields::Copied => (self.out.get(..self.out_len).unwrap_or_default(), 1),
        };
        let record = Record {
            line: self.line,
            end_line: self.line,
            out,
            ends: self.ends.get(..self.ends_len).unwrap_or_default(),
            sep,
            raw: line.get(..len.min(RAW_CAP)).unwrap_or_default(),
            raw_complete: len < RAW_CAP,
            terminated: true,
            text: None,
        };
        on_event(Event::Record(record));
        self.ends_len = 0;
        self.out_len = 0;
        self.line += 1;
        self.crs += u64::from(terminator == Some(b'\r'));
        self.prev_cr = terminator == Some(b'\r');
        len + 1
    }

    /// The fast path for a line whose every field is quoted (`"a","b"`, as PowerShell's
    /// Export-Csv and many exports write them), when no field holds a quote, a line break or
    /// a NUL byte: the fields are the bytes between the quotes, and the separators between
    /// them are `","`. Records their ends (counted from the first quote's next byte); false
    /// leaves the line to csv-core.
    fn quoted_fields(&mut self, line: &[u8]) -> bool {
        self.ends_len = 0;
        if line.len() < 2 || memchr::memchr(0, line).is_some() {
            return false;
        }
        let mut open = 0;
        loop {
            // `open` is a field's opening quote; its closing one is the next quote.
            let from = open + 1;
            let Some(close) = memchr::memchr(b'"', line.get(from..).unwrap_or_default()) else {
                return false;
            };
            let close = from + close;
            if !self.push_end(close - 1) {
                return false;
            }
            match (line.get(close + 1), line.get(close + 2)) {
                (None, _) => return true,
                (Some(b','), Some(b'"')) => open = close + 2,
                // A doubled quote, text after the closing quote, an unquoted field.
                _ => return false,
            }
        }
    }

    /// Signals the end of the file, flushing a last record without a line terminator.
    pub fn finish(&mut self, on_event: &mut dyn FnMut(Event<'_>)) {
        while !self.done {
            self.step(&[], on_event);
        }
    }

    fn step(&mut self, input: &[u8], on_event: &mut dyn FnMut(Event<'_>)) -> usize {
        let (result, nin, nout, nend) = self.parser.read_record(
            input,
            self.out.get_mut(self.out_len..).unwrap_or_default(),
            self.ends.get_mut(self.ends_len..).unwrap_or_default(),
        );
        self.track(input.get(..nin).unwrap_or_default(), on_event);
        self.out_len += nout;
        self.ends_len += nend;
        match result {
            ReadRecordResult::InputEmpty => {}
            // Past the limits the output is overwritten rather than grown: the record is
            // only counted and reported.
            ReadRecordResult::OutputFull if self.out.len() >= MAX_RECORD_BYTES => {
                self.oversized = true;
                self.out_len = 0;
            }
            ReadRecordResult::OutputFull => {
                let len = self.out.len();
                self.out.resize((len * 2).min(MAX_RECORD_BYTES), 0);
            }
            ReadRecordResult::OutputEndsFull if self.ends.len() >= MAX_FIELDS => {
                self.oversized = true;
                self.ends_len = 0;
            }
            ReadRecordResult::OutputEndsFull => {
                let len = self.ends.len();
                self.ends.resize((len * 2).min(MAX_FIELDS), 0);
            }
            ReadRecordResult::Record => self.emit(on_event),
            ReadRecordResult::End => self.done = true,
        }
        nin
    }

    /// Counts lines, finds empty lines between records and keeps the record's raw bytes.
    /// Counts lines (a line ends at CR, LF or CRLF), finds empty lines between records and
    /// keeps the record's raw bytes.
    fn track(&mut self, consumed: &[u8], on_event: &mut dyn FnMut(Event<'_>)) {
        let mut rest = consumed;
        while self.in_prefix {
            let Some((&b, tail)) = rest.split_first() else {
                return;
            };
            match b {
                b'\n' if self.prev_cr => self.crlf += 1, // the LF of a CRLF
                // The record consumed its own terminator, so a line break here ends an empty line.
                b'\n' | b'\r' => {
                    on_event(Event::BlankLine(self.line));
                    self.line += 1;
                    self.crs += u64::from(b == b'\r');
                }
                _ => {
                    self.in_prefix = false;
                    self.record_line = self.line;
                    break;
                }
            }
            self.prev_cr = b == b'\r';
            rest = tail;
        }
        let Some(&last) = rest.last() else { return };
        self.last_byte = Some(last);
        for i in memchr::memchr2_iter(b'\r', b'\n', rest) {
            if rest.get(i) == Some(&b'\r') {
                self.line += 1;
                self.crs += 1;
            } else if (i == 0 && self.prev_cr) || (i > 0 && rest.get(i - 1) == Some(&b'\r')) {
                self.crlf += 1;
            } else {
                self.line += 1;
            }
        }
        self.prev_cr = last == b'\r';
        if self.raw_complete {
            let room = RAW_CAP - self.raw.len();
            if rest.len() <= room {
                self.raw.extend_from_slice(rest);
            } else {
                self.raw
                    .extend_from_slice(rest.get(..room).unwrap_or_default());
                self.raw_complete = false;
            }
        }
    }

    /// Records a field end at `at` plus the position of each bit set in `commas` (at most a
    /// block's); false past [`MAX_FIELDS`] (checked when room is made: within the room, the
    /// line's last [`RecordReader::push_end`] checks it).
    fn push_ends(&mut self, mut commas: u32, at: usize) -> bool {
        if self.ends_len + scan::WIDTH > self.ends.len() {
            // (Rarely: room for a block's commas is made, and the limit checked, at once;
            // never past the limit, which csv-core's path reads as the room left.)
            if self.ends_len + commas.count_ones() as usize > MAX_FIELDS {
                return false;
            }
            let room = (self.ends.len() * 2)
                .max(self.ends_len + scan::WIDTH)
                .min(MAX_FIELDS);
            if room > self.ends.len() {
                self.ends.resize(room, 0);
            }
        }
        let mut len = self.ends_len;
        while commas != 0 {
            if let Some(slot) = self.ends.get_mut(len) {
                *slot = at + commas.trailing_zeros() as usize;
            }
            len += 1;
            commas &= commas - 1;
        }
        self.ends_len = len;
        true
    }

    /// Records the end of a field; false past [`MAX_FIELDS`] (csv-core then reports the record
    /// as oversized).
    fn push_end(&mut self, end: usize) -> bool {
        if self.ends_len >= MAX_FIELDS {
            return false;
        }
        if self.ends_len >= self.ends.len() {
            self.ends.resize((self.ends.len() * 2).min(MAX_FIELDS), 0);
        }
        if let Some(slot) = self.ends.get_mut(self.ends_len) {
            *slot = end;
        }
        self.ends_len += 1;
        true
    }

    /// The line the next record starts on, when the input so far ended between two records
    /// (None inside a record, e.g. in a quoted field that spans lines).
    pub fn boundary_line(&self) -> Option<u64> {
        (self.in_prefix && self.out_len == 0 && self.ends_len == 0 && !self.oversized && !self.done)
            .then_some(self.line)
    }

    /// CR bytes and CRLF pairs seen so far (see [`RecordReader::lone_crs`]).
    pub fn line_ends(&self) -> (u64, u64) {
        (self.crs, self.crlf)
    }

    /// Counts line ends read by another reader for the rest of the file.
    pub fn add_line_ends(&mut self, crs: u64, crlf: u64) {
        self.crs += crs;
        self.crlf += crlf;
    }

    /// Line breaks that were a CR alone (old Mac line endings), as far as the input has been read.
    pub fn lone_crs(&self) -> u64 {
        self.crs - self.crlf
    }

    fn emit(&mut self, on_event: &mut dyn FnMut(Event<'_>)) {
        // csv-core consumes the terminator that ends a record: LF, or CR (whose LF, if any,
        // arrives with the next record's prefix). At the end of the file there may be none.
        let terminator = self.last_byte.filter(|b| *b == b'\n' || *b == b'\r');
        let end_line = if terminator.is_some() {
            self.line - 1
        } else {
            self.line
        };
        let mut raw_end = self.raw.len();
        if self.raw_complete && terminator.is_some() {
            raw_end -= 1;
            if terminator == Some(b'\n') && raw_end > 0 && self.raw.get(raw_end - 1) == Some(&b'\r')
            {
                raw_end -= 1;
            }
        }
        if self.oversized {
            on_event(Event::Oversized {
                line: self.record_line,
                end_line: end_line.max(self.record_line),
            });
            self.oversized = false;
            self.next_record();
            return;
        }
        let record = Record {
            line: self.record_line,
            end_line: end_line.max(self.record_line),
            out: self.out.get(..self.out_len).unwrap_or_default(),
            ends: self.ends.get(..self.ends_len).unwrap_or_default(),
            sep: 0,
            raw: self.raw.get(..raw_end).unwrap_or_default(),
            raw_complete: self.raw_complete,
            terminated: terminator.is_some(),
            text: None,
        };
        on_event(Event::Record(record));
        self.next_record();
    }

    /// After csv-core's record: empty buffers, between records again.
    fn next_record(&mut self) {
        self.emitted = true;
        self.out_len = 0;
        self.ends_len = 0;
        self.raw.clear();
        self.raw_complete = true;
        self.in_prefix = true;
        self.last_byte = None;
    }
}

/// csv-core drops a UTF-8 byte-order mark at the start of the first bytes it reads. The
/// session drops the file's own mark itself, and the fast path reads most lines without
/// csv-core: a mark at the start of a later line (two exports pasted together) must stay, as it
/// does when csv-core has read the lines before. One empty line read first (csv-core skips it)
/// makes that so.
fn prime(parser: &mut Reader) {
    let _ = parser.read_record(b"\n", &mut [], &mut []);
}

#[cfg(test)]
mod tests {
    #[test]
    fn quoted_lines_take_their_fast_paths() {
        // (Findings are the same on every path; this fails if the quicker ones stop being taken.)
        let mut reader = RecordReader::new();
        let mut seen = Vec::new();
        let input = b"\"a\",\"b,c\",\"\"\nx,\"y, z\",\nplain,line\n\"p\"\"q\",r\n";
        reader.feed(input, &mut |e| {
            if let Event::Record(r) = e {
                let fields: Vec<String> = r
                    .fields()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect();
                seen.push((r.separator_width(), r.is_fast(), fields));
            }
        });
        let owned = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(seen.len(), 4);
        // Every field quoted: read between the quotes.
        assert_eq!(seen[0], (3, true, owned(&["a", "b,c", ""])));
        // Some quoted: copied without the quotes.
        assert_eq!(seen[1], (1, true, owned(&["x", "y, z", ""])));
        assert_eq!(seen[2], (1, true, owned(&["plain", "line"])));
        // A doubled quote: copied as one quote.
        assert_eq!(seen[3], (1, true, owned(&["p\"q", "r"])));
    }

    #[test]
    fn a_byte_order_mark_inside_the_file_is_kept_on_both_paths() {
        let input = b"a,b\n\xEF\xBB\xBF\"x\",y\n\xEF\xBB\xBFz,w\n";
        let read = |fast: bool| {
            let mut reader = RecordReader::new();
            reader.set_fast_path(fast);
            let mut fields: Vec<Vec<u8>> = Vec::new();
            let mut on_event = |e: Event<'_>| {
                if let Event::Record(r) = e {
                    fields.extend(r.fields().map(<[u8]>::to_vec));
                }
            };
            reader.feed(input, &mut on_event);
            reader.finish(&mut on_event);
            fields
        };
        let slow = read(false);
        assert_eq!(read(true), slow);
        assert!(slow[2].starts_with(b"\xEF\xBB\xBF"), "{slow:?}");
    }

    use super::*;

    #[derive(Debug, PartialEq)]
    enum Seen {
        Rec(u64, u64, Vec<String>, String),
        Blank(u64),
    }

    fn read(input: &[u8], chunk: usize) -> Vec<Seen> {
        let mut seen = Vec::new();
        let mut reader = RecordReader::new();
        let mut on = |e: Event<'_>| match e {
            Event::Record(r) => seen.push(Seen::Rec(
                r.line,
                r.end_line,
                r.fields()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect(),
                String::from_utf8_lossy(r.raw).into_owned(),
            )),
            Event::BlankLine(l) => seen.push(Seen::Blank(l)),
            Event::Oversized { line, .. } => panic!("oversized at {line}"),
        };
        for c in input.chunks(chunk.max(1)) {
            reader.feed(c, &mut on);
        }
        reader.finish(&mut on);
        seen
    }

    /// Every event, with the fast path on or off (csv-core reads every line then).
    fn events(input: &[u8], chunk: usize, fast: bool) -> Vec<String> {
        let mut seen = Vec::new();
        let mut reader = RecordReader::new();
        reader.set_fast_path(fast);
        let mut on = |e: Event<'_>| match e {
            Event::Record(r) => seen.push(format!(
                "{}-{} {:?} {:?}",
                r.line,
                r.end_line,
                r.fields().collect::<Vec<_>>(),
                r.raw
            )),
            Event::BlankLine(l) => seen.push(format!("{l} blank")),
            Event::Oversized { line, end_line } => {
                seen.push(format!("{line}-{end_line} oversized"))
            }
        };
        for c in input.chunks(chunk.max(1)) {
            reader.feed(c, &mut on);
        }
        reader.finish(&mut on);
        seen
    }

    proptest::proptest! {
        /// Lines whose every field is quoted (quotes inside doubled, as a writer would), with
        /// commas, quotes, line breaks and NULs in the fields, now and then a field left
        /// unquoted or a quote dropped: read as csv-core reads them.
        #[test]
        fn lines_of_quoted_fields_are_read_as_csv_core_reads_them(
            lines in proptest::collection::vec(
                proptest::collection::vec(
                    (
                        proptest::collection::vec(proptest::sample::select(b"ab,\"\n\r\0".to_vec()), 0..6),
                        0u8..10,
                    ),
                    1..6,
                ),
                1..6,
            ),
            chunk in 1usize..64,
        ) {
            let mut bytes = Vec::new();
            for fields in &lines {
                for (i, (value, how)) in fields.iter().enumerate() {
                    if i > 0 {
                        bytes.push(b',');
                    }
                    let escaped: Vec<u8> = value
                        .iter()
                        .flat_map(|b| if *b == b'"' { vec![b'"', b'"'] } else { vec![*b] })
                        .collect();
                    match how {
                        0 => bytes.extend_from_slice(value),
                        1 => {
                            bytes.push(b'"');
                            bytes.extend_from_slice(value);
                        }
                        _ => {
                            bytes.push(b'"');
                            bytes.extend_from_slice(&escaped);
                            bytes.push(b'"');
                        }
                    }
                }
                bytes.extend_from_slice(if lines.len() % 2 == 0 { b"\r\n" } else { b"\n" });
            }
            proptest::prop_assert_eq!(events(&bytes, chunk, true), events(&bytes, 1 << 20, false));
        }
    }

    proptest::proptest! {
        /// Lines of commas, quotes, NULs, line breaks and text of every length around a word
        /// (the fast path reads eight bytes at a time) read as csv-core reads them.
        #[test]
        fn the_fast_path_splits_lines_as_csv_core_does(
            bytes in proptest::collection::vec(proptest::sample::select(b"a,,,\"\n\r\0 \xc3".to_vec()), 0..200),
            chunk in 1usize..64,
        ) {
            proptest::prop_assert_eq!(events(&bytes, chunk, true), events(&bytes, 1 << 20, false));
        }
    }

    #[test]
    fn many_fields_in_a_row_stay_within_the_limit_on_both_paths() {
        for fields in [
            MAX_FIELDS - 9,
            MAX_FIELDS - 1,
            MAX_FIELDS,
            MAX_FIELDS + 1,
            MAX_FIELDS + 7,
        ] {
            let mut input = b"a,b\n".to_vec();
            input.extend(std::iter::repeat_n(b',', fields - 1));
            input.extend(b"\nc,d\n");
            assert_eq!(
                events(&input, 1 << 20, true),
                events(&input, 1 << 20, false),
                "{fields} fields"
            );
        }
    }

    fn all_chunkings(input: &[u8]) -> Vec<Seen> {
        let whole = read(input, input.len().max(1));
        for chunk in [1, 2, 3, 7] {
            assert_eq!(read(input, chunk), whole, "chunk {chunk}");
        }
        whole
    }

    #[test]
    fn lines_and_blank_lines_with_lf_and_crlf() {
        let seen = all_chunkings(b"a,b\n\nc,d\r\n\r\ne,f\n");
        assert_eq!(
            seen,
            vec![
                Seen::Rec(1, 1, vec!["a".into(), "b".into()], "a,b".into()),
                Seen::Blank(2),
                Seen::Rec(3, 3, vec!["c".into(), "d".into()], "c,d".into()),
                Seen::Blank(4),
                Seen::Rec(5, 5, vec!["e".into(), "f".into()], "e,f".into()),
            ]
        );
    }

    #[test]
    fn quoted_line_break_spans_lines_and_last_record_needs_no_terminator() {
        let seen = all_chunkings(b"h1,h2\n\"x\ny\",z\nlast,1");
        assert_eq!(
            seen,
            vec![
                Seen::Rec(1, 1, vec!["h1".into(), "h2".into()], "h1,h2".into()),
                Seen::Rec(2, 3, vec!["x\ny".into(), "z".into()], "\"x\ny\",z".into()),
                Seen::Rec(4, 4, vec!["last".into(), "1".into()], "last,1".into()),
            ]
        );
    }

    #[test]
    fn a_reset_reader_reads_like_a_new_one() {
        let mut reader = RecordReader::new();
        let mut n = 0;
        reader.feed(b"a,b\n\"open", &mut |_| n += 1);
        reader.finish(&mut |_| n += 1);
        reader.reset();
        let mut seen = Vec::new();
        reader.feed(b"x,y\r\n", &mut |e| {
            if let Event::Record(r) = e {
                seen.push((r.line, r.len()))
            }
        });
        reader.finish(&mut |_| {});
        assert_eq!(seen, [(1, 2)]);
        let mut empty = RecordReader::new();
        empty.finish(&mut |_| panic!("no events"));
        empty.reset();
        empty.finish(&mut |_| panic!("no events"));
    }

    #[test]
    fn oversized_records_are_skipped_with_bounded_memory() {
        let mut input = b"a,b\n".to_vec();
        input.extend(std::iter::repeat_n(b'x', MAX_RECORD_BYTES + 10));
        input.extend(b",y\nc,d\n");
        input.extend(std::iter::repeat_n(b',', MAX_FIELDS + 5));
        input.extend(b"\ne,f\n");
        let mut seen = Vec::new();
        let mut reader = RecordReader::new();
        let mut on = |e: Event<'_>| match e {
            Event::Record(r) => seen.push(format!("{}:{}", r.line, r.len())),
            Event::Oversized { line, .. } => seen.push(format!("{line}:oversized")),
            Event::BlankLine(l) => seen.push(format!("{l}:blank")),
        };
        for c in input.chunks(1 << 20) {
            reader.feed(c, &mut on);
        }
        reader.finish(&mut on);
        assert_eq!(seen, ["1:2", "2:oversized", "3:2", "4:oversized", "5:2"]);
        assert!(reader.out.len() <= MAX_RECORD_BYTES && reader.ends.len() <= MAX_FIELDS);
    }

    #[test]
    fn old_mac_line_endings_count_as_lines() {
        let seen = all_chunkings(b"a,b\rc,d\r\re,f");
        assert_eq!(
            seen,
            vec![
                Seen::Rec(1, 1, vec!["a".into(), "b".into()], "a,b".into()),
                Seen::Rec(2, 2, vec!["c".into(), "d".into()], "c,d".into()),
                Seen::Blank(3),
                Seen::Rec(4, 4, vec!["e".into(), "f".into()], "e,f".into()),
            ]
        );
        let mut reader = RecordReader::new();
        reader.feed(b"a\r\nb\rc\n", &mut |_| {});
        reader.finish(&mut |_| {});
        assert_eq!(reader.lone_crs(), 1);
    }

    #[test]
    fn leading_blank_lines_and_big_fields() {
        let big = "x".repeat(10_000);
        let input = format!("\n\na,\"{big}\"\n");
        let seen = all_chunkings(input.as_bytes());
        assert_eq!(seen[0], Seen::Blank(1));
        assert_eq!(seen[1], Seen::Blank(2));
        match &seen[2] {
            Seen::Rec(3, 3, f, _) => assert_eq!(f[1].len(), 10_000),
            other => panic!("{other:?}"),
        }
    }
}
