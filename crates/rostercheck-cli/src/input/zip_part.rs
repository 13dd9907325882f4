//! Large zip entries checked in two parts on two threads, as loose files are. An entry cannot
//! be entered in the middle: the other thread inflates it from its start on its own copy of
//! the archive, skips to the first line break at or after [`FIRST_SHARE_PERCENT`] of it, and
//! checks the rest, while the reading thread stops this thread's part at that same line break.
//! Both find it with [`LineBreakAfter`] in the same inflated bytes, so they agree without
//! waiting for each other. (The page does the same: `web/part.js`.)

use std::fs::File;
use std::io::Read;
use std::path::PathBuf;

use rostercheck_core::session::Part;
use rostercheck_core::{Report, Session};

use super::{read_full, Piece, BLOCK, HEAD};

/// The share of a split entry that this thread checks: more than half, because the other
/// thread inflates the bytes before its part too. (56% while checking cost about four times
/// inflating; once checking had become faster, 64% took 0.947 of 56%'s time on the zipped city,
/// 12 of 12 tight pairs faster, and 0.945 on the zipped district, 28 of 30; 62% about the same,
/// 66% 0.921 on the district but 1.013 on the city.)
pub(super) const FIRST_SHARE_PERCENT: u64 = 64;

/// A zip entry checked in two parts.
pub(super) struct ZipCut {
    pub(super) zip: PathBuf,
    /// The entry's index in its archive.
    pub(super) entry: usize,
    /// Its uncompressed size, as the zip's directory declares it (nothing past it is read).
    pub(super) size: u64,
    /// The part starts just after the first line break at or after this byte.
    pub(super) from: u64,
}

impl ZipCut {
    /// The entry `entry` of the zip at `zip`, when it is at least `split_from` bytes.
    pub(super) fn of(zip: PathBuf, entry: usize, size: u64, split_from: u64) -> Option<ZipCut> {
        (size >= split_from.max(1)).then(|| ZipCut {
            zip,
            entry,
            size,
            from: size / 100 * FIRST_SHARE_PERCENT,
        })
    }

    fn finder(&self) -> LineBreakAfter {
        LineBreakAfter {
            from: self.from,
            size: self.size,
            at: 0,
        }
    }
}

/// Finds, in a stream read block by block, where the second part starts: just after the first
/// line break at or after `from`, if that is before `size` (else the entry is not split).
struct LineBreakAfter {
    from: u64,
    size: u64,
    /// Bytes of the stream seen so far.
    at: u64,
}

impl LineBreakAfter {
    /// Looks at the stream's next `block`: the part's start, as the bytes of `block` before
    /// it and its place in the stream, when it is in `block`.
    fn scan(&mut self, block: &[u8]) -> Option<(usize, u64)> {
        let start = self.at;
        self.at += block.len() as u64;
        let skip = usize::try_from(self.from.saturating_sub(start)).ok()?;
        let line_break = block.get(skip..)?.iter().position(|b| *b == b'\n')?;
        let used = skip + line_break + 1;
        let cut = start + used as u64;
        // (Past the line break: the finder has done its work, whatever the answer.)
        self.from = u64::MAX;
        (cut < self.size).then_some((used, cut))
    }
}

/// The reading thread's view of a split entry: its bytes up to the cut, then the end.
pub(super) struct UpToCut<R> {
    inner: R,
    /// None: an entry read whole.
    finder: Option<LineBreakAfter>,
    /// Where it stopped (None: it has not, or it read the entry to its end).
    pub(super) stopped_at: Option<u64>,
}

impl<R: Read> UpToCut<R> {
    /// `inner` read up to the cut of `cut`, or whole (None).
    pub(super) fn new(inner: R, cut: Option<&ZipCut>) -> UpToCut<R> {
        UpToCut {
            inner,
            finder: cut.map(ZipCut::finder),
            stopped_at: None,
        }
    }
}

impl<R: Read> Read for UpToCut<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        if self.stopped_at.is_some() {
            return Ok(0);
        }
        let n = self.inner.read(buffer)?;
        let read = buffer.get(..n).unwrap_or_default();
        match self.finder.as_mut().and_then(|f| f.scan(read)) {
            Some((used, cut)) => {
                self.stopped_at = Some(cut);
                Ok(used)
            }
            None => Ok(n),
        }
    }
}

/// The second part of a split zip entry, checked by a forked session on its own thread (see
/// the module docs). None when the entry is not split after all (no line break past `from`
/// before its end), cannot be read to its end within its declared size (then the first
/// thread reads the rest itself, [`feed_rest`], and meets the same problem), or its part could
/// not be taken in (`Session::part_refused`).
pub(super) fn check_second_part(
    mut fork: Session,
    index: usize,
    cut: &ZipCut,
    max_per_rule: usize,
    chunk_size: usize,
) -> Option<Part> {
    // (Inflated from its start, on a copy of the archive of its own.)
    let mut archive = zip::ZipArchive::new(File::open(&cut.zip).ok()?).ok()?;
    let entry = &mut archive.by_index(cut.entry).ok()?;
    fork.begin_file(index);
    fork.size_hint(cut.size.saturating_sub(cut.from));
    let mut finder = cut.finder();
    let mut block = vec![0u8; BLOCK];
    // (The head ends before `from`, so before the cut, as a loose file's ends before its
    // cut: the session reads no line twice.)
    let mut head = vec![0u8; HEAD.min(usize::try_from(cut.from).ok()?)];
    let n = read_full(entry, &mut head).ok()?;
    let head = head.get(..n)?;
    fork.read_head(head, &mut Report::new(0))?;
    let _ = finder.scan(head);
    let mut read = n as u64;
    let mut findings = Report::new(max_per_rule);
    // Skips to the cut, then checks the rest.
    let mut rest = loop {
        let n = read_full(entry, &mut block).ok()?;
        read += n as u64;
        let bytes = block.get(..n)?;
        if let Some((used, _)) = finder.scan(bytes) {
            break bytes.get(used..)?.to_vec();
        }
        if n < block.len() || read > cut.size {
            return None;
        }
    };
    fork.start_part();
    loop {
        for chunk in rest.chunks(chunk_size) {
            fork.feed(chunk, &mut findings);
        }
        // (A part that can no longer be taken in is not checked further.)
        if fork.part_refused() {
            return None;
        }
        rest.resize(BLOCK, 0);
        let n = read_full(entry, &mut rest).ok()?;
        read += n as u64;
        rest.truncate(n);
        if read > cut.size {
            return None;
        }
        if n == 0 {
            break;
        }
    }
    fork.take_part(findings)
}

/// The rest of a split entry from `at` on, fed to `session` when the other thread's part could
/// not be taken in: the entry is inflated again from its start, in the blocks of the first
/// reading ([`super::stream`] with `skip`), so a read past its declared size fails where it
/// failed there.
pub(super) fn feed_rest(
    session: &mut Session,
    cut: &ZipCut,
    at: u64,
    chunk_size: usize,
    report: &mut Report,
) -> Result<(), String> {
    let file =
        File::open(&cut.zip).map_err(|e| format!("cannot open {}: {e}", cut.zip.display()))?;
    let mut archive =
        zip::ZipArchive::new(file).map_err(|e| super::entry_problem(&e.to_string()))?;
    let entry = archive
        .by_index(cut.entry)
        .map_err(|e| super::entry_problem(&e.to_string()))?;
    // (One block, used again and again.)
    let spare = std::cell::Cell::new(Vec::with_capacity(BLOCK));
    let mut next_block = || spare.take();
    let mut send = |piece| {
        if let Piece::Bytes(block) = piece {
            for chunk in block.chunks(chunk_size) {
                session.feed(chunk, report);
            }
            spare.set(block);
        }
        true
    };
    super::stream(entry, cut.size, at, &mut next_block, &mut send)
        .map_err(|e| super::entry_problem(&e.to_string()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn finder(from: u64, size: u64) -> LineBreakAfter {
        LineBreakAfter { from, size, at: 0 }
    }

    /// The cut found block by block, for every way of cutting the stream into blocks.
    #[test]
    fn the_cut_does_not_depend_on_the_blocks() {
        let text = b"h,e\na,1\nbb,22\nccc,333\ndddd,4444\n";
        for from in 0..text.len() as u64 + 2 {
            let whole = finder(from, text.len() as u64).scan(text).map(|c| c.1);
            let expected = text
                .iter()
                .enumerate()
                .skip(from as usize)
                .find(|(_, b)| **b == b'\n')
                .map(|(i, _)| i as u64 + 1)
                .filter(|cut| *cut < text.len() as u64);
            assert_eq!(whole, expected, "from {from}");
            for size in 1..text.len() {
                let mut f = finder(from, text.len() as u64);
                let mut found = None;
                let mut at = 0u64;
                for block in text.chunks(size) {
                    if let Some((used, cut)) = f.scan(block) {
                        assert_eq!(at + used as u64, cut);
                        found = Some(cut);
                        break;
                    }
                    at += block.len() as u64;
                }
                assert_eq!(found, expected, "from {from}, blocks of {size}");
            }
        }
    }

    #[test]
    fn the_reading_side_stops_at_the_cut() {
        let text = b"h,e\na,1\nbb,22\nccc,333\n";
        let cut = ZipCut {
            zip: PathBuf::new(),
            entry: 0,
            size: text.len() as u64,
            from: 9,
        };
        let mut reader = UpToCut::new(&text[..], Some(&cut));
        let mut out = Vec::new();
        reader.read_to_end(&mut out).unwrap();
        assert_eq!(out, b"h,e\na,1\nbb,22\n");
        assert_eq!(reader.stopped_at, Some(14));
        // No line break after `from` before the end: read whole.
        let cut = ZipCut { from: 15, ..cut };
        let mut reader = UpToCut::new(&text[..], Some(&cut));
        let mut out = Vec::new();
        reader.read_to_end(&mut out).unwrap();
        assert_eq!(out, text);
        assert_eq!(reader.stopped_at, None);
    }
}
