//! What the engine remembers between rows and files: compact 64-bit keys of every sourcedId
//! (plus a tag byte and the line it was defined on) and the references still waiting for their
//! target. Memory grows with distinct ids, not with bytes.

// Indexes are `FileKind as usize` into tables sized by `FileKind::ALL`.
#![allow(clippy::indexing_slicing)]

use hashbrown::HashMap;

use crate::spec::{FileKind, RefConstraint};
use crate::wire::Wire;

/// 64-bit hash of an identifier. Collisions among 10 million ids are ~3 in a million runs,
/// and would only hide a finding, never invent one.
pub fn key(id: &str) -> u64 {
    key_bytes(id.as_bytes())
}

/// Key of raw field bytes (equal to [`key`] of the same text): XXH3 natively; in WebAssembly,
/// which has no 64×64→128-bit multiply for XXH3, XXH64, or for ids of up to 16 bytes (most
/// SIS ids) [`short_key`]. Keys never travel between the two builds.
pub fn key_bytes(bytes: &[u8]) -> u64 {
    #[cfg(target_arch = "wasm32")]
    return if bytes.len() <= 16 {
        short_key(bytes)
    } else {
        xxhash_rust::xxh64::xxh64(bytes, 0)
    };
    #[cfg(not(target_arch = "wasm32"))]
    return xxhash_rust::xxh3::xxh3_64(bytes);
}

/// A 64-bit key of at most 16 bytes from two 64-bit words that cover every byte (they overlap
/// below 16) and the length: `mix(lo ^ mix(hi ^ length))`, with MurmurHash3's finalizer,
/// a bijection that changes every output bit with any input bit. Two ids of one length
/// collide only if `lo` differs by exactly the difference of the mixed `hi`s: as rarely as
/// any two 64-bit hashes. Cheaper in WebAssembly than XXH64's general loop.
pub fn short_key(bytes: &[u8]) -> u64 {
    let len = bytes.len();
    let word = |at: usize, n: usize| {
        let mut out = [0u8; 8];
        if let (Some(to), Some(from)) = (out.get_mut(..n), bytes.get(at..at + n)) {
            to.copy_from_slice(from);
        }
        u64::from_le_bytes(out)
    };
    let (lo, hi) = match len {
        8.. => (word(0, 8), word(len - 8, 8)),
        4.. => (word(0, 4), word(len - 4, 4)),
        1.. => (
            word(0, 1) | word(len / 2, 1) << 8 | word(len - 1, 1) << 16,
            0,
        ),
        0 => (0, 0),
    };
    mix(lo ^ mix(hi ^ (len as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)))
}

/// MurmurHash3's 64-bit finalizer.
fn mix(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^ (k >> 33)
}

/// Key of a value compared ignoring case and surrounding spaces (usernames, emails).
pub fn folded_key(value: &str) -> u64 {
    // (`str::trim` reads characters: only called when it may find something.)
    let trimmed = if may_need_trimming(value.as_bytes()) {
        value.trim()
    } else {
        value
    };
    if needs_folding(trimmed.as_bytes()) {
        key(&trimmed.to_lowercase())
    } else {
        key(trimmed)
    }
}

/// [`folded_key`] of a field's bytes (None when they are not UTF-8): most usernames and
/// emails are written in lowercase ASCII without spaces, and are their own folded value.
pub fn folded_key_bytes(bytes: &[u8]) -> Option<u64> {
    if !may_need_trimming(bytes) && !needs_folding(bytes) {
        return Some(key_bytes(bytes));
    }
    std::str::from_utf8(bytes).ok().map(folded_key)
}

/// Whether a value starts or ends with a space, or with a byte of a character that may be a
/// Unicode space: only such a value can need trimming.
fn may_need_trimming(bytes: &[u8]) -> bool {
    let edge = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_whitespace() || !b.is_ascii());
    edge(bytes.first()) || edge(bytes.last())
}

/// Whether `bytes` hold an ASCII capital or a byte of a non-ASCII character (then a value is
/// lowercased before its key is taken). Eight bytes at a time: an email is forty.
fn needs_folding(bytes: &[u8]) -> bool {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // With no byte at 0x80 or above, adding 0x3F sets a byte's top bit from `A` (0x41) on,
    // adding 0x25 from `[` (0x5B) on, and no byte carries into the next.
    let word = |x: u64| {
        x & HIGH != 0
            || x.wrapping_add(0x3F3F_3F3F_3F3F_3F3F) & !x.wrapping_add(0x2525_2525_2525_2525) & HIGH
                != 0
    };
    let mut words = bytes.chunks_exact(8);
    if words.any(|w| word(u64::from_le_bytes(w.try_into().unwrap_or_default()))) {
        return true;
    }
    words
        .remainder()
        .iter()
        .any(|b| b.is_ascii_uppercase() || !b.is_ascii())
}

/// Asks for the cache line holding `word` without waiting for it (x86-64's prefetch), and
/// returns 0. Where there is no such instruction (WebAssembly), reads the word instead: many
/// reads in a row still overlap their cache misses, but each holds up the instructions after
/// it until its line arrives.
#[inline(always)]
fn prefetch_or_read(word: Option<&u64>) -> u64 {
    #[cfg(target_arch = "x86_64")]
    {
        if let Some(w) = word {
            mem_prefetch::prefetch_read_data::<u64, 3>(w);
        }
        0
    }
    #[cfg(not(target_arch = "x86_64"))]
    word.copied().unwrap_or(0)
}

/// Tag values stored per record.
pub mod tag {
    pub const ORG_SCHOOL: u8 = 1;
    pub const ORG_DISTRICT: u8 = 2;
    pub const SESSION_SCHOOL_YEAR: u8 = 1;
    /// User role bits (users.role in 1.1, roles.csv in 1.2).
    pub const ROLE_STUDENT: u8 = 1;
    pub const ROLE_TEACHER: u8 = 2;
    pub const ROLE_OTHER: u8 = 4;
    pub const ROLE_GUARDIAN: u8 = 8;
}

/// Flag bits set by later files.
pub mod flag {
    pub const HAS_ENROLLMENT: u8 = 1;
    pub const HAS_TEACHER: u8 = 2;
}

/// What is kept per sourcedId: 16 bytes.
#[derive(Clone, Copy, Debug, Default)]
pub struct Entry {
    pub key: u64,
    /// Line where the record is defined (saturates at u32::MAX).
    pub line: u32,
    pub tag: u8,
    pub flags: u8,
    /// Defined by a broken row: it claims the id, but is never reported as the duplicate.
    quiet: bool,
}

/// A value seen again: the later row's line and the first row's line, with the later row's
/// value and raw line when they were kept (see [`IdLog`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Duplicate {
    pub line: u64,
    pub first: u32,
    pub value: Option<String>,
    pub raw: Option<String>,
}

/// Rows whose value and raw line are kept in case they turn out to be duplicates.
const CANDIDATE_CAP: usize = 200_000;

/// Distinct values of one column (sourcedIds, usernames, emails) and their duplicates, kept in
/// a way that stays fast and small for ten million values.
///
/// A hash table of that size costs a cache miss per row and doubles its memory while it grows.
/// Instead, each row's key is appended to a log (a sequential write) and the log is sorted once
/// at the end of the file: duplicates are then neighbours, and the sorted, deduplicated
/// entries become the lookup table, found through a small directory indexed by the key's top
/// bits (one cache miss per lookup). Duplicates are reported at the end of the file; their
/// value is only known then if it was kept, so every row that a small Bloom filter says may
/// have been seen before keeps its value and raw line (a few per thousand rows). A file that
/// repeats values massively is settled every 200,000 flagged rows (`compact`), so
/// memory stays bounded by the distinct values.
pub struct IdLog {
    /// Sorted by key, one entry per key (the first definition).
    entries: Vec<Entry>,
    /// `dir[b]..dir[b + 1]` are the entries whose key's top bits are `b`.
    dir: Vec<u32>,
    shift: u32,
    /// Appended since the last seal.
    log: Vec<Entry>,
    /// Other parts' logs taken in by [`IdLog::absorb`], each sorted, no key in two of them
    /// nor in `log`: merged into the table only when it is sealed for look-ups.
    runs: Vec<Vec<Entry>>,
    /// Each value is run through it as it is added; the session asks for the word a row's
    /// value will meet beforehand, with the rest of its batch ([`IdLog::touch_filter`]), so
    /// that the cache misses overlap instead of stalling one row at a time.
    filter: Vec<u64>,
    /// Rows the filter flagged since the log was last merged.
    flagged: usize,
    /// Their keys: a log that is only compared finds its duplicates among these (see
    /// [`IdLog::into_duplicates`]).
    flagged_keys: Vec<u64>,
    /// (line, value, raw) of rows the filter flagged, in line order.
    candidates: Vec<(u64, String, String)>,
    /// The reference behaviour (no log, no filter): a plain map, duplicates found at once.
    eager: Option<HashMap<u64, Entry>>,
    eager_dups: Vec<Duplicate>,
    /// Log entries still to arrive, for a log read from bytes without them (see
    /// [`IdLog::receive`]).
    awaited: usize,
    /// A log that is only compared: nothing looks values up in it (the sourcedIds of a file
    /// no other file refers to, usernames, emails: [`IdLog::keys_only`]), or a part's log
    /// made so to travel ([`IdLog::compare_only`]). Its values are kept as bare keys in `keys`,
    /// with their lines in `lines` (8 bytes a value instead of an [`Entry`]'s 16: a city's
    /// enrollments alone are nine million), or arrive there from another worker (without
    /// lines: only the entries of a part's flagged keys travel with theirs).
    compared: bool,
    keys: Vec<u64>,
    lines: KeyLines,
    flagged_entries: Vec<Entry>,
    /// False once the findings of its duplicates are only counted (past the listing cap):
    /// their values and raw lines are not kept any more.
    values_wanted: bool,
    /// The log is in [`sort_entries`] order (once sorted, or received sorted): not sorted
    /// again at the end of the file.
    sorted: bool,
    /// An entry was handed out to be changed ([`IdLog::at_mut`], [`IdLog::get_mut`]): only
    /// then does a part's session send its table's marks back (`Session::take_part`).
    marked: bool,
}

impl IdLog {
    pub fn new(eager: bool) -> IdLog {
        IdLog {
            entries: Vec::new(),
            dir: vec![0, 0],
            shift: 63,
            log: Vec::new(),
            runs: Vec::new(),
            filter: Vec::new(),
            candidates: Vec::new(),
            flagged: 0,
            flagged_keys: Vec::new(),
            eager: eager.then(HashMap::new),
            eager_dups: Vec::new(),
            awaited: 0,
            compared: false,
            keys: Vec::new(),
            lines: KeyLines::default(),
            flagged_entries: Vec::new(),
            values_wanted: true,
            sorted: true,
            marked: false,
        }
    }

    /// Keeps the values to come as bare keys, their lines apart: for a fresh log that nothing
    /// will look values up in, only compare (see `compared`).
    pub fn keys_only(&mut self) {
        if self.eager.is_none() && self.entries.is_empty() && self.log.is_empty() {
            self.compared = true;
        }
    }

    /// Expects about `more` values to be added before the next seal (avoids regrowing).
    pub fn reserve(&mut self, more: usize) {
        if self.eager.is_none() {
            if self.compared {
                self.keys.reserve(more);
            } else {
                self.log.reserve(more);
            }
            let words = (self.logged() + more) / 4;
            if words > self.filter.len() {
                self.rebuild_filter(words);
            }
        }
    }

    /// [`IdLog::reserve`], in the room of `spare` when it has more (the keys of a file before:
    /// its memory has been written already, so filling it again costs no page faults). Only
    /// a log kept as bare keys takes it; otherwise `spare` is left for the next one.
    pub fn reserve_reusing(&mut self, more: usize, spare: &mut Vec<u64>) {
        if self.eager.is_none() && self.compared && spare.capacity() > self.keys.capacity() {
            let mut room = std::mem::take(spare);
            room.clear();
            room.extend_from_slice(&self.keys);
            self.keys = room;
        }
        self.reserve(more);
    }

    /// Values added or received since the last merge, kept as entries or as bare keys.
    fn logged(&self) -> usize {
        self.entries.len() + self.log.len() + self.keys.len()
    }

    /// Records `key` defined on `line`. `value` and `raw` are asked for only when the row may
    /// be a duplicate. A `quiet` definition claims the key but is never reported.
    pub fn add(&mut self, key: u64, line: u64, tag: u8, quiet: bool, value: &str, raw: &[u8]) {
        let entry = Entry {
            key,
            line: u32::try_from(line).unwrap_or(u32::MAX),
            tag,
            flags: 0,
            quiet,
        };
        if let Some(map) = &mut self.eager {
            match map.entry(key) {
                hashbrown::hash_map::Entry::Occupied(first) if !quiet => {
                    self.eager_dups.push(Duplicate {
                        line,
                        first: first.get().line,
                        value: Some(value.to_owned()),
                        raw: Some(crate::diagnostic::raw_text(raw)),
                    });
                }
                hashbrown::hash_map::Entry::Occupied(_) => {}
                hashbrown::hash_map::Entry::Vacant(v) => {
                    v.insert(entry);
                }
            }
            return;
        }
        let seen = self.logged() / 4;
        if seen >= self.filter.len() {
            self.rebuild_filter((seen * 2).max(1024));
        }
        if self.compared {
            self.lines.note(self.keys.len(), entry);
            self.keys.push(key);
        } else {
            self.log.push(entry);
            self.sorted = false;
        }
        if self.filter_insert(key) {
            return;
        }
        self.flagged += 1;
        self.flagged_keys.push(key);
        // (The log is compacted at CANDIDATE_CAP flagged rows, checked after every row.)
        if !quiet && self.values_wanted && self.candidates.len() <= CANDIDATE_CAP {
            self.candidates
                .push((line, value.to_owned(), crate::diagnostic::raw_text(raw)));
        }
    }

    /// Asks for the filter word that adding `key` will change, without waiting for it (see
    /// `Session::flush_rows`).
    pub fn touch_filter(&self, key: u64) -> u64 {
        if self.filter.is_empty() {
            return 0;
        }
        let (word, _) = self.filter_bits(key);
        prefetch_or_read(self.filter.get(word))
    }

    /// Four bits of one 64-bit word, chosen by the key's bits (a blocked Bloom filter: one
    /// memory access). Returns true when the key was certainly new.
    fn filter_insert(&mut self, key: u64) -> bool {
        let (word, mask) = self.filter_bits(key);
        match self.filter.get_mut(word) {
            Some(w) => {
                let new = *w & mask != mask;
                *w |= mask;
                new
            }
            None => true,
        }
    }

    /// Whether `key` may have been added (false: certainly not).
    fn filter_contains(&self, key: u64) -> bool {
        let (word, mask) = self.filter_bits(key);
        self.filter.get(word).is_some_and(|w| w & mask == mask)
    }

    /// The filter's word for `key` and the bits it sets there.
    fn filter_bits(&self, key: u64) -> (usize, u64) {
        // The key's top 32 bits scaled to the filter's length (64-bit products only: cheap in
        // WebAssembly too); the mask uses the low bits.
        let words = (self.filter.len() as u64).min(u64::from(u32::MAX));
        let word = (((key >> 32) * words) >> 32) as usize;
        let mask = (1u64 << (key & 63))
            | (1u64 << ((key >> 6) & 63))
            | (1u64 << ((key >> 12) & 63))
            | (1u64 << ((key >> 18) & 63));
        (word, mask)
    }

    fn rebuild_filter(&mut self, words: usize) {
        self.filter.clear();
        self.filter.resize(words.max(1), 0);
        let keys: Vec<u64> = self
            .entries
            .iter()
            .chain(self.log.iter())
            .map(|e| e.key)
            .chain(self.keys.iter().copied())
            .collect();
        for k in keys {
            self.filter_insert(k);
        }
    }

    /// Ends a file: sorts the new keys into the table and returns their duplicates, in line
    /// order.
    pub fn seal(&mut self) -> Vec<Duplicate> {
        if let Some(map) = &mut self.eager {
            self.entries = map.values().copied().collect();
            self.entries.sort_unstable_by_key(|e| e.key);
            self.build_dir();
            return std::mem::take(&mut self.eager_dups);
        }
        let dups = self.merge_log();
        self.log = Vec::new();
        self.sorted = true;
        self.entries.shrink_to_fit();
        self.filter = Vec::new();
        self.build_dir();
        dups
    }

    /// The duplicates of a table nothing looks up in once its file has ended, in line order,
    /// as [`IdLog::seal`] finds them, without sorting ten million ids of enrollments.csv: a
    /// repeated key was flagged by the filter when it came again, so only the entries of
    /// flagged keys (a few per thousand) are gathered and compared. Also returns the log's
    /// room, emptied, for the next file's log ([`IdLog::reserve_reusing`]).
    pub fn into_duplicates(mut self) -> (Vec<Duplicate>, Vec<u64>) {
        if self.eager.is_some() || !self.entries.is_empty() {
            return (self.seal(), Vec::new());
        }
        let dups = self.duplicates_in_log();
        let mut room = std::mem::take(&mut self.keys);
        room.clear();
        (dups, room)
    }

    fn duplicates_in_log(&mut self) -> Vec<Duplicate> {
        if self.flagged_keys.is_empty() {
            return Vec::new();
        }
        let set = KeySet::new(std::mem::take(&mut self.flagged_keys));
        let mut hits = set.entries_among(self.log.iter().chain(self.runs.iter().flatten()));
        hits.extend(self.keyed_entries_among(&set));
        sort_entries(&mut hits);
        let mut candidates = std::mem::take(&mut self.candidates);
        let mut dups = Vec::new();
        let mut first: Option<&Entry> = None;
        for e in &hits {
            match first {
                Some(f) if f.key == e.key => {
                    if !e.quiet {
                        dups.push(duplicate(e, f, &mut candidates));
                    }
                }
                _ => first = Some(e),
            }
        }
        dups.sort_unstable_by_key(|d| d.line);
        dups
    }

    /// Stops keeping the value and raw line of rows that may be duplicates: their findings
    /// are past the listing cap, so only counted (a file of one row repeated twenty million
    /// times would otherwise copy every row).
    pub fn stop_keeping_values(&mut self) {
        self.values_wanted = false;
    }

    /// True when so many rows may be duplicates that their kept values should be settled now
    /// (a file of one id repeated a hundred million times stays within bounded memory).
    pub fn compaction_due(&self) -> bool {
        self.flagged >= CANDIDATE_CAP
    }

    /// Merges the log into the table before the end of the file; returns the duplicates found
    /// so far (all later than any returned before), in line order.
    pub fn compact(&mut self) -> Vec<Duplicate> {
        self.merge_log()
    }

    fn merge_log(&mut self) -> Vec<Duplicate> {
        // (A log of bare keys becomes entries here: only a file that repeats values
        // massively is merged before its end, and a compared log is sealed only then.)
        if !self.keys.is_empty() {
            let lines = std::mem::take(&mut self.lines);
            let keys = std::mem::take(&mut self.keys);
            self.log.reserve(keys.len());
            self.log
                .extend(keys.iter().enumerate().map(|(i, k)| lines.entry(i, *k)));
            self.sorted = false;
        }
        for mut run in std::mem::take(&mut self.runs) {
            self.sort_log();
            // (A compared-only log's runs were taken in unsorted.)
            if !run.is_sorted_by(|a, b| a.order() <= b.order()) {
                sort_entries(&mut run);
            }
            merge_sorted(&mut self.log, &run);
        }
        let mut candidates = std::mem::take(&mut self.candidates);
        self.flagged = 0;
        self.flagged_keys.clear();
        let mut dups = Vec::new();
        if self.log.is_empty() {
            return dups;
        }
        let order = Entry::order;
        if self.entries.is_empty() {
            std::mem::swap(&mut self.entries, &mut self.log);
            if !self.sorted {
                sort_entries(&mut self.entries);
            }
        } else {
            if !self.sorted {
                sort_entries(&mut self.log);
            }
            let mut merged = Vec::with_capacity(self.entries.len() + self.log.len());
            let (mut a, mut b) = (self.entries.iter().peekable(), self.log.iter().peekable());
            loop {
                let next = match (a.peek(), b.peek()) {
                    (Some(x), Some(y)) if order(x) <= order(y) => a.next(),
                    (Some(_), Some(_)) => b.next(),
                    (Some(_), None) => a.next(),
                    (None, _) => b.next(),
                };
                match next {
                    Some(e) => merged.push(*e),
                    None => break,
                }
            }
            self.entries = merged;
            self.log.clear();
        }
        self.sorted = true;
        let mut first: Option<Entry> = None;
        self.entries.retain(|e| match first {
            Some(f) if f.key == e.key => {
                if !e.quiet {
                    dups.push(duplicate(e, &f, &mut candidates));
                }
                false
            }
            _ => {
                first = Some(*e);
                true
            }
        });
        dups.sort_unstable_by_key(|d| d.line);
        dups
    }

    fn build_dir(&mut self) {
        // About four entries per directory slot.
        let bits = (usize::BITS - (self.entries.len() / 4).leading_zeros()).clamp(1, 32);
        self.shift = 64 - bits;
        let slots = 1usize << bits;
        self.dir.clear();
        self.dir.resize(slots + 1, 0);
        // Entries counted by slot (one pass), then each slot's start is the count before it.
        for e in &self.entries {
            self.dir[(e.key >> self.shift) as usize + 1] += 1;
        }
        let mut before = 0;
        for start in &mut self.dir {
            before += *start;
            *start = before;
        }
    }

    /// Reads the directory slot of `key` and asks for the first entry it points to (the
    /// memory a lookup of `key` reads) without waiting for it, so that many such reads can be
    /// in flight at once (see `Session::flush_rows`).
    pub fn touch(&self, key: u64) -> u64 {
        let slot = (key >> self.shift) as usize;
        let start = self.dir.get(slot).copied().unwrap_or(0) as usize;
        prefetch_or_read(self.entries.get(start).map(|e| &e.key))
    }

    /// Where the entry of `key` is, for [`IdLog::at`] and [`IdLog::at_mut`] (sealed values
    /// only): a row that looks an id up once reuses the answer.
    pub fn position(&self, key: u64) -> Option<usize> {
        let slot = (key >> self.shift) as usize;
        let (start, end) = (
            *self.dir.get(slot)? as usize,
            *self.dir.get(slot + 1)? as usize,
        );
        let found = self
            .entries
            .get(start..end)?
            .iter()
            .position(|e| e.key == key)?;
        Some(start + found)
    }

    pub fn at(&self, position: usize) -> Option<Entry> {
        self.entries.get(position).copied()
    }

    pub fn at_mut(&mut self, position: usize) -> Option<&mut Entry> {
        self.marked = true;
        self.entries.get_mut(position)
    }

    /// The entry of `key` (sealed values only).
    pub fn get(&self, key: u64) -> Option<Entry> {
        self.entries.get(self.position(key)?).copied()
    }

    pub fn get_mut(&mut self, key: u64) -> Option<&mut Entry> {
        let i = self.position(key)?;
        self.marked = true;
        self.entries.get_mut(i)
    }

    /// Whether an entry may have been changed since the table was made (see `marked`).
    pub fn marked(&self) -> bool {
        self.marked
    }

    /// Every sealed entry.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// A copy of the sealed entries only (for a session that checks part of a file and looks
    /// ids up in this table; see `Session::fork`).
    pub fn sealed_copy(&self) -> IdLog {
        IdLog {
            entries: self.entries.clone(),
            dir: self.dir.clone(),
            shift: self.shift,
            ..IdLog::new(false)
        }
    }

    /// Writes [`IdLog::sealed_copy`] as bytes (as its `Wire` form), without making the copy.
    fn put_sealed(&self, out: &mut Vec<u8>) {
        put_table(&self.entries, out);
        0usize.put(out); // no log
        0usize.put(out); // no candidates
        0usize.put(out); // none flagged
        0usize.put(out); // no flagged keys
        false.put(out); // looked up in
        0usize.put(out); // no flagged entries
    }

    /// Whether `other`'s part of a file can be appended to this one's, as if one log had read
    /// both parts: neither was merged early (`compact`), their flagged rows stay under the
    /// limit that would have merged them, and no value is in both. A part only compared
    /// ([`IdLog::compare_only`]) is checked without sorting either log.
    pub fn can_absorb(&mut self, other: &mut IdLog) -> bool {
        if !self.absorbable()
            || !other.absorbable()
            || !other.complete()
            // (Half: a log that read both parts would also flag some rows of the second
            // that only resemble the first's.)
            || self.flagged + other.flagged >= CANDIDATE_CAP / 2
        {
            return false;
        }
        if other.compared {
            // The other part's values looked for in this part's filter (a city's enrollments:
            // 4.5 million values, a 9 MB filter), a block at a time in the order of the words
            // they meet (`each_in_filter_order`); the few it may hold are looked for in this
            // part's log. (Its bare keys serve nothing else: `absorb` takes the entries of its
            // flagged keys.)
            let keys = std::mem::take(&mut other.keys);
            let mut maybe: Vec<u64> = other
                .log
                .iter()
                .map(|e| e.key)
                .filter(|k| self.filter_contains(*k))
                .collect();
            each_in_filter_order(&keys, |k| {
                if self.filter_contains(k) {
                    maybe.push(k);
                }
            });
            if maybe.is_empty() {
                return true;
            }
            let maybe = KeySet::new(maybe);
            return !self
                .log
                .iter()
                .map(|e| e.key)
                .chain(self.keys.iter().copied())
                .any(|k| maybe.contains(k));
        }
        // Both logs sorted (the other part's by its own thread, see `sort_log`): a value in
        // both would be neighbours in a walk through the two.
        self.sort_log();
        other.sort_log();
        let (mut a, mut b) = (self.log.iter().peekable(), other.log.iter().peekable());
        while let (Some(x), Some(y)) = (a.peek(), b.peek()) {
            match x.key.cmp(&y.key) {
                std::cmp::Ordering::Less => a.next(),
                std::cmp::Ordering::Greater => b.next(),
                std::cmp::Ordering::Equal => return false,
            };
        }
        true
    }

    /// Whether this log, a part's so far, may still be taken in by [`IdLog::can_absorb`]
    /// (false: it would be refused whatever the other part holds).
    pub fn absorbable(&self) -> bool {
        self.eager.is_none()
            && self.entries.is_empty()
            && self.runs.is_empty()
            && self.flagged < CANDIDATE_CAP / 2
    }

    /// Sorts the values added so far, as the end of the file will (a second part's log is
    /// sorted by its own thread, then kept as a run by [`IdLog::absorb`]).
    pub fn sort_log(&mut self) {
        if !self.sorted {
            sort_entries(&mut self.log);
            self.sorted = true;
        }
    }

    /// Takes in `other`'s part of the file (after [`IdLog::can_absorb`], which sorted both
    /// logs and found no value in both). It is kept as a sorted run of its own: merged when
    /// the table is sealed for look-ups, only compared when it is not
    /// ([`IdLog::into_duplicates`]).
    pub fn absorb(&mut self, mut other: IdLog) {
        // (Of a part only compared, the entries of its flagged keys are all it can add to the
        // duplicates: no value is in both parts.)
        let run = if other.compared {
            std::mem::take(&mut other.flagged_entries)
        } else {
            std::mem::take(&mut other.log)
        };
        self.runs.push(run);
        // (Its rows are all later than this part's: the candidates stay in line order.)
        self.candidates.append(&mut other.candidates);
        self.flagged += other.flagged;
        self.flagged_keys.append(&mut other.flagged_keys);
    }

    /// The tag and flag bits of every sealed entry, in order (what a session that looked ids
    /// up in a [`IdLog::sealed_copy`] of a table marked in it).
    pub fn marks(&self) -> Vec<(u8, u8)> {
        self.entries.iter().map(|e| (e.tag, e.flags)).collect()
    }

    /// Sets the tag and flag bits of [`IdLog::marks`] taken from a sealed copy of this table
    /// (false, and nothing set, when they are not of a copy of this table).
    pub fn merge_marks(&mut self, marks: &[(u8, u8)]) -> bool {
        if marks.len() != self.entries.len() {
            return false;
        }
        for (mine, (tag, flags)) in self.entries.iter_mut().zip(marks) {
            mine.tag |= tag;
            mine.flags |= flags;
        }
        true
    }

    /// Moves every line this log noted `by` lines down (a part that numbered its lines from
    /// its head; see `Session::start_part`). The order of its values stays. (A part's log is
    /// never the reference behaviour's map: `can_absorb` refuses those.)
    pub fn shift_lines(&mut self, by: u64) {
        debug_assert!(self.eager.is_none());
        let shifted = |line: u32| u32::try_from(u64::from(line) + by).unwrap_or(u32::MAX);
        let runs = self.runs.iter_mut().flatten();
        // (A log only compared keeps none of its entries but those of flagged keys.)
        let log = if self.compared {
            &mut [][..]
        } else {
            &mut self.log[..]
        };
        for e in self
            .entries
            .iter_mut()
            .chain(log.iter_mut())
            .chain(runs)
            .chain(self.flagged_entries.iter_mut())
        {
            e.line = shifted(e.line);
        }
        for c in &mut self.candidates {
            c.0 += by;
        }
        self.lines.shift(by);
    }

    /// Log entries not yet sorted into the table (bare keys included).
    pub fn log_len(&self) -> usize {
        self.log.len() + self.keys.len()
    }

    /// Marks a part's log as only compared (nothing looks values up in it): its values then
    /// travel as bare keys (8 bytes instead of 15), and the entries of its flagged keys, the
    /// only ones that can be duplicates within it, travel with their lines.
    pub fn compare_only(&mut self) {
        self.compared = true;
        if !self.flagged_keys.is_empty() {
            let set = KeySet::new(self.flagged_keys.clone());
            self.flagged_entries = set.entries_among(self.log.iter());
            self.flagged_entries.extend(self.keyed_entries_among(&set));
        }
    }

    /// The entries of the bare keys in `set`, with their lines, in log order.
    fn keyed_entries_among(&self, set: &KeySet) -> Vec<Entry> {
        self.keys
            .iter()
            .enumerate()
            .filter(|(_, k)| set.contains(**k))
            .map(|(i, k)| self.lines.entry(i, *k))
            .collect()
    }

    /// Appends the values `from..to` of the log (as far as there are) as bytes, for
    /// [`IdLog::receive`] on the other side: a log of ten million ids travels in pieces, never
    /// as one more copy. (A log only compared sends its entries' keys, then its bare keys.)
    pub fn put_values(&self, from: usize, to: usize, out: &mut Vec<u8>) {
        let to = to.min(self.log_len());
        let from = from.min(to);
        let logged = self.log.len();
        let slice = self
            .log
            .get(from.min(logged)..to.min(logged))
            .unwrap_or_default();
        if self.compared {
            let bare = self
                .keys
                .get(from.saturating_sub(logged)..to.saturating_sub(logged))
                .unwrap_or_default();
            out.reserve((slice.len() + bare.len()) * 8);
            for key in slice.iter().map(|e| e.key).chain(bare.iter().copied()) {
                out.extend_from_slice(&key.to_le_bytes());
            }
        } else {
            put_entries(slice, out);
        }
    }

    /// Takes in values sent from another worker ([`IdLog::put_values`]): as many of those at
    /// the start of `bytes` as it still awaits. Returns the bytes after them (None: not such
    /// bytes).
    pub fn receive<'b>(&mut self, bytes: &'b [u8]) -> Option<&'b [u8]> {
        let size = if self.compared { 8 } else { ENTRY_BYTES };
        let taken = (bytes.len() / size).min(self.awaited);
        let (mine, rest) = bytes.split_at_checked(taken * size)?;
        if self.compared {
            self.keys.reserve(taken);
            for key in mine.chunks_exact(8) {
                self.keys.push(u64::from_le_bytes(key.try_into().ok()?));
            }
        } else {
            let entries = entries_from(mine)?;
            // A part's log arrives sorted: it is not sorted again unless an entry is out of
            // order.
            let last = self.log.last().copied();
            self.sorted &= last
                .iter()
                .chain(&entries)
                .is_sorted_by(|a, b| a.order() <= b.order());
            self.log.extend(entries);
        }
        self.awaited -= taken;
        Some(rest)
    }

    /// Whether every log entry announced has arrived.
    pub fn complete(&self) -> bool {
        self.awaited == 0
    }

    /// Distinct values sealed, and the bytes kept for them.
    pub fn footprint(&self) -> (usize, usize) {
        let bytes = self.entries.capacity() * std::mem::size_of::<Entry>()
            + self.dir.capacity() * 4
            + self.log.capacity() * std::mem::size_of::<Entry>()
            + self.runs.iter().map(|r| r.capacity()).sum::<usize>() * std::mem::size_of::<Entry>()
            + self.flagged_entries.capacity() * std::mem::size_of::<Entry>()
            + (self.filter.capacity() + self.keys.capacity() + self.flagged_keys.capacity()) * 8
            + self.lines.footprint();
        (self.entries.len(), bytes)
    }
}

/// The lines of a log's bare keys (see `IdLog::compared`): the line of the key at a position
/// is that of the last step at or before it plus the keys between them, since a file's rows
/// are one line each but where a step says otherwise (a blank line, a record over several
/// lines, a row whose id was not kept). The few keys with a tag or defined by a broken row
/// (`quiet`) are listed apart.
#[derive(Default)]
struct KeyLines {
    /// (position, line) where a key's line is not the one its step foretells.
    steps: Vec<(usize, u32)>,
    /// (position, tag, quiet) of the keys with either.
    odd: Vec<(usize, u8, bool)>,
}

impl KeyLines {
    /// Notes `entry`'s line, tag and quiet for the key at `position` (positions come in
    /// order, as the keys are appended).
    fn note(&mut self, position: usize, entry: Entry) {
        let foretold = self
            .steps
            .last()
            .map(|&(at, line)| line_after(line, position.saturating_sub(at)));
        if foretold != Some(entry.line) {
            self.steps.push((position, entry.line));
        }
        if entry.tag != 0 || entry.quiet {
            self.odd.push((position, entry.tag, entry.quiet));
        }
    }

    /// The entry of `key`, at `position` of the keys.
    fn entry(&self, position: usize, key: u64) -> Entry {
        let steps_before = self.steps.partition_point(|s| s.0 <= position);
        let line = steps_before
            .checked_sub(1)
            .and_then(|i| self.steps.get(i))
            .map_or(0, |&(at, line)| line_after(line, position - at));
        let (tag, quiet) = self
            .odd
            .binary_search_by_key(&position, |o| o.0)
            .ok()
            .and_then(|i| self.odd.get(i))
            .map_or((0, false), |o| (o.1, o.2));
        Entry {
            key,
            line,
            tag,
            flags: 0,
            quiet,
        }
    }

    /// Every line `by` lines down (as `IdLog::shift_lines` moves entries).
    fn shift(&mut self, by: u64) {
        for step in &mut self.steps {
            step.1 = line_after(step.1, usize::try_from(by).unwrap_or(usize::MAX));
        }
    }

    fn footprint(&self) -> usize {
        self.steps.capacity() * std::mem::size_of::<(usize, u32)>()
            + self.odd.capacity() * std::mem::size_of::<(usize, u8, bool)>()
    }
}

/// `line` plus `rows`, saturating as an [`Entry`]'s line does.
fn line_after(line: u32, rows: usize) -> u32 {
    u32::try_from(u64::from(line).saturating_add(rows as u64)).unwrap_or(u32::MAX)
}

impl Entry {
    /// The order of a sorted log: by key, a key's repeats by line.
    fn order(&self) -> (u64, u32, bool) {
        (self.key, self.line, self.quiet)
    }
}

/// Keys ordered at a time by [`each_in_filter_order`]: their copy (2 MiB) stays in the core's
/// cache while it is made and read.
const FILTER_ORDER_BLOCK: usize = 1 << 18;

/// Calls `each` with every key of `keys`, a block at a time, each block ordered by its keys' top
/// ten bits, which choose their filter word (`IdLog::filter_bits`): a block's look-ups meet the
/// filter front to back. Random look-ups in a filter larger than the cache cost a miss each,
/// which some processors overlap and others do not (60 ns each on one machine here, a third of
/// that on another); the keys are ordered by a counting sort into a buffer kept from block to
/// block, reading them once in order (ordering all of them in place, swap by swap, made each
/// swap wait for a miss: three times as long on the second machine as the look-ups in the
/// order they came).
fn each_in_filter_order(keys: &[u64], mut each: impl FnMut(u64)) {
    const BITS: u32 = 10;
    let group = |key: u64| (key >> (64 - BITS)) as usize;
    let mut next = vec![0usize; 1 << BITS];
    let mut placed = vec![0u64; keys.len().min(FILTER_ORDER_BLOCK)];
    for block in keys.chunks(FILTER_ORDER_BLOCK) {
        next.fill(0);
        for &key in block {
            if let Some(n) = next.get_mut(group(key)) {
                *n += 1;
            }
        }
        // Each group's first place.
        let mut at = 0;
        for n in &mut next {
            (*n, at) = (at, at + *n);
        }
        for &key in block {
            if let Some(to) = next.get_mut(group(key)) {
                if let Some(slot) = placed.get_mut(*to) {
                    *slot = key;
                }
                *to += 1;
            }
        }
        for &key in placed.iter().take(block.len()) {
            each(key);
        }
    }
}

/// A set of keys gathered from a filter's flags (thousands), asked about millions of keys: a
/// bitmap of their hashes answers most questions from the cache, the sorted keys the rest.
struct KeySet {
    bits: Vec<u64>,
    shift: u32,
    keys: Vec<u64>,
}

impl KeySet {
    fn new(mut keys: Vec<u64>) -> KeySet {
        keys.sort_unstable();
        keys.dedup();
        // About 64 bits per key: one question in 64 reaches the keys.
        let bits = (keys.len().max(1) * 64).next_power_of_two().max(64);
        let mut set = KeySet {
            bits: vec![0; bits / 64],
            shift: 64 - bits.trailing_zeros(),
            keys,
        };
        for i in 0..set.keys.len() {
            let b = set.bit(set.keys[i]);
            set.bits[b / 64] |= 1 << (b % 64);
        }
        set
    }

    fn bit(&self, key: u64) -> usize {
        // (Multiplied: the keys were chosen by the filter's bits, so its bits are not used raw.)
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }

    fn contains(&self, key: u64) -> bool {
        let b = self.bit(key);
        self.bits[b / 64] & (1 << (b % 64)) != 0 && self.keys.binary_search(&key).is_ok()
    }

    /// The entries among `entries` whose key is in the set.
    fn entries_among<'e>(&self, entries: impl Iterator<Item = &'e Entry>) -> Vec<Entry> {
        entries.filter(|e| self.contains(e.key)).copied().collect()
    }
}

/// Sorts by key, and a key's repeats by line: sorting by the key alone is the fast part, and
/// repeats are rare.
fn sort_entries(entries: &mut [Entry]) {
    entries.sort_unstable_by_key(|e| e.key);
    let mut rest = &mut entries[..];
    while rest.len() > 1 {
        let key = rest[0].key;
        let run = rest.iter().take_while(|e| e.key == key).count();
        let (same, tail) = rest.split_at_mut(run);
        if run > 1 {
            same.sort_unstable_by_key(|e| (e.line, e.quiet));
        }
        rest = tail;
    }
}

/// The duplicate `e` of the key first defined by `first`, with the value and raw line kept
/// for it, moved out of `candidates` (in line order; one row per line, so each is used once).
fn duplicate(e: &Entry, first: &Entry, candidates: &mut [(u64, String, String)]) -> Duplicate {
    let line = u64::from(e.line);
    let kept = candidates
        .binary_search_by_key(&line, |c| c.0)
        .ok()
        .and_then(|i| candidates.get_mut(i));
    let (value, raw) = kept.map_or((None, None), |c| {
        (
            Some(std::mem::take(&mut c.1)),
            Some(std::mem::take(&mut c.2)),
        )
    });
    Duplicate {
        line,
        first: first.line,
        value,
        raw,
    }
}

/// Merges the sorted `run` into the sorted `log`, from the back, in the log's own room (which
/// grows first if it was sized for one part only). No key is in both, so the result is in
/// [`sort_entries`] order.
fn merge_sorted(log: &mut Vec<Entry>, run: &[Entry]) {
    let (a, b) = (log.len(), run.len());
    log.resize(a + b, Entry::default());
    // Without a branch on the keys (random keys would mispredict every other step): each step
    // writes the larger of the two candidates and moves one of the two positions.
    let (mut i, mut j) = (a, b);
    while j > 0 {
        let theirs = run[j - 1];
        let mine = log[i.saturating_sub(1)];
        let take_mine = i > 0 && mine.key > theirs.key;
        log[i + j - 1] = if take_mine { mine } else { theirs };
        i -= usize::from(take_mine);
        j -= usize::from(!take_mine);
    }
}

/// sourcedIds seen per file kind.
pub struct Index {
    tables: Vec<IdLog>,
    /// classes: class key → school key, while classes.csv is read.
    pub class_school: HashMap<u64, u64>,
    /// Then the same by the class's position in its sealed table (0: no school), so that each
    /// of ten million enrollments finds its class's school without a hash lookup.
    class_schools: Vec<u64>,
}

impl Index {
    pub fn new(eager: bool) -> Index {
        Index {
            tables: (0..FileKind::ALL.len())
                .map(|_| IdLog::new(eager))
                .collect(),
            class_school: HashMap::new(),
            class_schools: Vec::new(),
        }
    }

    /// Moves the classes' schools to the positions of the classes in their table, now sealed.
    pub fn seal_class_schools(&mut self) {
        let classes = &self.tables[FileKind::Classes as usize];
        let mut by_position = vec![0; classes.entries().len()];
        for (class, school) in self.class_school.drain() {
            if let Some(p) = classes.position(class) {
                by_position[p] = school;
            }
        }
        self.class_schools = by_position;
    }

    /// The school key of the class at `position` of the sealed classes table.
    pub fn class_school(&self, position: usize) -> Option<u64> {
        self.class_schools
            .get(position)
            .copied()
            .filter(|k| *k != 0)
    }

    /// The tables of `kinds` (sealed entries only) and the classes' schools, for a session
    /// that checks part of a file (see `Session::fork`).
    pub fn fork(&self, kinds: &[FileKind]) -> Index {
        let mut index = Index::new(false);
        for kind in kinds {
            index.tables[*kind as usize] = self.tables[*kind as usize].sealed_copy();
        }
        index.class_school = self.class_school.clone();
        index.class_schools = self.class_schools.clone();
        index
    }

    /// Writes [`Index::fork`] as bytes (as its `Wire` form), without making the copy.
    pub fn put_fork(&self, kinds: &[FileKind], out: &mut Vec<u8>) {
        self.tables.len().put(out);
        let empty = IdLog::new(false);
        for (i, table) in self.tables.iter().enumerate() {
            if kinds.iter().any(|k| *k as usize == i) {
                table.put_sealed(out);
            } else {
                empty.put(out);
            }
        }
        self.class_school.put(out);
        self.class_schools.put(out);
    }

    /// Takes the table of `kind` out, leaving an empty one.
    pub fn take(&mut self, kind: FileKind) -> IdLog {
        std::mem::replace(&mut self.tables[kind as usize], IdLog::new(false))
    }

    pub fn table(&self, kind: FileKind) -> &IdLog {
        &self.tables[kind as usize]
    }

    pub fn table_mut(&mut self, kind: FileKind) -> &mut IdLog {
        &mut self.tables[kind as usize]
    }

    pub fn get(&self, kind: FileKind, key: u64) -> Option<Entry> {
        self.tables[kind as usize].get(key)
    }

    /// See [`IdLog::touch`].
    pub fn touch(&self, kind: FileKind, key: u64) -> u64 {
        self.tables[kind as usize].touch(key)
    }

    /// Distinct sourcedIds kept, and the bytes kept for them.
    pub fn footprint(&self) -> (usize, usize) {
        self.tables.iter().fold((0, 0), |(n, b), t| {
            let (tn, tb) = t.footprint();
            (n + tn, b + tb)
        })
    }
}

/// Why a reference is reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Problem {
    Missing,
    NotSchool,
    NotSchoolYear,
    NotStudent,
    TermIsSchoolYear,
}

/// A reference problem collapsed over every row that shares it.
#[derive(Debug)]
pub struct Group {
    pub from: FileKind,
    pub column: usize,
    pub position: usize,
    pub value: String,
    pub count: u64,
    /// The first lines that use it (at most [`Group::LINES`]).
    pub lines: Vec<u64>,
    pub problem: Problem,
    /// What kind of record the reference must name, checked once the target is known.
    pub constraint: Option<RefConstraint>,
    /// The raw line of the first row that uses it, for display.
    pub raw: Option<String>,
}

impl Group {
    pub const LINES: usize = 5;
}

type GroupKey = (FileKind, usize, u64, Problem);

/// Reference problems waiting to be reported, grouped per (file, column, id, problem).
#[derive(Default)]
pub struct Groups {
    map: HashMap<GroupKey, Group>,
    /// Distinct problems dropped once the cap was reached (reported as a count).
    pub overflow: u64,
}

/// Distinct reference problems kept in memory at once.
const GROUP_CAP: usize = 200_000;

impl Groups {
    #[allow(clippy::too_many_arguments)]
    pub fn add(
        &mut self,
        from: FileKind,
        column: usize,
        position: usize,
        value: &str,
        key: u64,
        line: u64,
        problem: Problem,
        constraint: Option<RefConstraint>,
        raw: &[u8],
    ) {
        let len = self.map.len();
        match self.map.entry((from, column, key, problem)) {
            hashbrown::hash_map::Entry::Occupied(mut e) => {
                let g = e.get_mut();
                g.count += 1;
                if g.lines.len() < Group::LINES {
                    g.lines.push(line);
                }
            }
            hashbrown::hash_map::Entry::Vacant(v) if len < GROUP_CAP => {
                v.insert(Group {
                    from,
                    column,
                    position,
                    value: crate::diagnostic::truncate(value),
                    count: 1,
                    lines: vec![line],
                    problem,
                    constraint,
                    raw: Some(crate::diagnostic::raw_text(raw)),
                });
            }
            hashbrown::hash_map::Entry::Vacant(_) => self.overflow += 1,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Whether `other`'s groups can be added as if one set had collected both: no distinct
    /// problem was dropped, and together they stay under the cap.
    pub fn can_absorb(&self, other: &Groups) -> bool {
        self.absorbable() && other.absorbable() && self.map.len() + other.map.len() <= GROUP_CAP
    }

    /// Whether these groups, a part's so far, may still be taken in by [`Groups::can_absorb`]
    /// (false: a distinct problem was dropped, so they would be refused).
    pub fn absorbable(&self) -> bool {
        self.overflow == 0
    }

    /// Adds `other`'s groups, collected from later rows (after [`Groups::can_absorb`]).
    pub fn absorb(&mut self, mut other: Groups) {
        for (key, group) in other.drain_keyed() {
            self.insert(key, group);
        }
    }

    /// Moves every line noted `by` lines down (see `IdLog::shift_lines`).
    pub fn shift_lines(&mut self, by: u64) {
        for group in self.map.values_mut() {
            for line in &mut group.lines {
                *line += by;
            }
        }
    }

    /// Removes and returns every group, ordered by file, first line and column.
    pub fn drain_sorted(&mut self) -> Vec<Group> {
        let mut groups: Vec<Group> = self.map.drain().map(|(_, g)| g).collect();
        groups.sort_by(|a, b| {
            (a.from, a.lines[0], a.position, &a.value)
                .cmp(&(b.from, b.lines[0], b.position, &b.value))
        });
        groups
    }

    /// Removes and returns every group with its target key (unordered).
    pub fn drain_keyed(&mut self) -> Vec<(u64, Group)> {
        self.map
            .drain()
            .map(|((_, _, key, _), g)| (key, g))
            .collect()
    }

    /// Adds a whole group (moved from the pending set once its target is known).
    pub fn insert(&mut self, key: u64, group: Group) {
        let k = (group.from, group.column, key, group.problem);
        match self.map.entry(k) {
            hashbrown::hash_map::Entry::Occupied(mut e) => {
                let g = e.get_mut();
                g.count += group.count;
                for l in group.lines {
                    if g.lines.len() < Group::LINES {
                        g.lines.push(l);
                    }
                }
            }
            hashbrown::hash_map::Entry::Vacant(v) => {
                v.insert(group);
            }
        }
    }
}

// The bytes of a forked session's tables and of a part's ids (see `crate::wire`).
/// The bytes of one [`Entry`] in its `Wire` form (key, line, tag, flags, quiet).
pub const ENTRY_BYTES: usize = 8 + 4 + 1 + 1 + 1;
impl Entry {
    /// The entry's bytes (key, line, tag, flags, quiet).
    fn to_bytes(self) -> [u8; ENTRY_BYTES] {
        let mut bytes = [0u8; ENTRY_BYTES];
        let (key, rest) = bytes.split_at_mut(8);
        let (line, rest) = rest.split_at_mut(4);
        key.copy_from_slice(&self.key.to_le_bytes());
        line.copy_from_slice(&self.line.to_le_bytes());
        rest.copy_from_slice(&[self.tag, self.flags, u8::from(self.quiet)]);
        bytes
    }

    fn from_bytes(bytes: &[u8]) -> Option<Entry> {
        let (key, rest) = bytes.split_first_chunk::<8>()?;
        let (line, rest) = rest.split_first_chunk::<4>()?;
        let [tag, flags, quiet] = *rest else {
            return None;
        };
        Some(Entry {
            key: u64::from_le_bytes(*key),
            line: u32::from_le_bytes(*line),
            tag,
            flags,
            quiet: match quiet {
                0 => false,
                1 => true,
                _ => return None,
            },
        })
    }
}

/// Appends `entries` as bytes, without their count. Written in one block, not field by field:
/// millions travel (a city's users in every fork, half its enrollments in a part).
pub fn put_entries(entries: &[Entry], out: &mut Vec<u8>) {
    let start = out.len();
    out.resize(start + entries.len() * ENTRY_BYTES, 0);
    if let Some(block) = out.get_mut(start..) {
        for (bytes, entry) in block.chunks_exact_mut(ENTRY_BYTES).zip(entries) {
            bytes.copy_from_slice(&entry.to_bytes());
        }
    }
}

/// The entries [`put_entries`] wrote (None: `bytes` are not whole entries).
pub fn entries_from(bytes: &[u8]) -> Option<Vec<Entry>> {
    if !bytes.len().is_multiple_of(ENTRY_BYTES) {
        return None;
    }
    let mut entries = Vec::new();
    entries.try_reserve_exact(bytes.len() / ENTRY_BYTES).ok()?;
    for chunk in bytes.chunks_exact(ENTRY_BYTES) {
        entries.push(Entry::from_bytes(chunk)?);
    }
    Some(entries)
}

/// A table's entries: their count, then [`put_entries`].
fn put_table(entries: &[Entry], out: &mut Vec<u8>) {
    entries.len().put(out);
    put_entries(entries, out);
}

fn get_table(r: &mut crate::wire::Reader<'_>) -> Option<Vec<Entry>> {
    let n = usize::get(r)?;
    entries_from(r.take(n.checked_mul(ENTRY_BYTES)?)?)
}
crate::wire::wire_enum!(Problem {
    Missing,
    NotSchool,
    NotSchoolYear,
    NotStudent,
    TermIsSchoolYear
});
crate::wire::wire_struct!(Group {
    from,
    column,
    position,
    value,
    count,
    lines,
    problem,
    constraint,
    raw
});
crate::wire::wire_struct!(Groups { map, overflow });
crate::wire::wire_struct!(Index {
    tables,
    class_school,
    class_schools
});

/// A sealed table, or a part's log (sorted, or only compared) with its kept candidates; the
/// filter is not carried (a part's log takes no more rows), and the log's entries only by
/// their count: they follow in pieces ([`IdLog::put_values`], [`IdLog::receive`]).
impl Wire for IdLog {
    fn put(&self, out: &mut Vec<u8>) {
        debug_assert!(self.eager.is_none() && self.runs.is_empty());
        put_table(&self.entries, out);
        self.log_len().put(out);
        self.candidates.put(out);
        self.flagged.put(out);
        self.flagged_keys.put(out);
        self.compared.put(out);
        put_table(&self.flagged_entries, out);
    }

    fn get(r: &mut crate::wire::Reader<'_>) -> Option<Self> {
        let entries = get_table(r)?;
        let awaited = usize::get(r)?;
        let mut log = IdLog {
            entries,
            candidates: Vec::get(r)?,
            flagged: usize::get(r)?,
            flagged_keys: Vec::get(r)?,
            compared: bool::get(r)?,
            flagged_entries: get_table(r)?,
            awaited,
            ..IdLog::new(false)
        };
        // Room for the values to come, taken once (grown value by value, the log would hold
        // up to twice its size while it doubles); a count beyond memory is refused, not fatal.
        if log.compared {
            log.keys.try_reserve_exact(awaited).ok()?;
        } else {
            log.log.try_reserve_exact(awaited).ok()?;
        }
        log.build_dir();
        Some(log)
    }
}

#[cfg(test)]
mod folding_tests {
    use super::{folded_key, folded_key_bytes, key, needs_folding};

    #[test]
    fn folded_keys_ignore_case_and_surrounding_spaces_of_every_kind() {
        let plain = key("jo.smith@x.org");
        for value in [
            "jo.smith@x.org",
            "Jo.Smith@X.org",
            " jo.smith@x.org",
            "jo.smith@x.org\t",
            "\u{a0}JO.SMITH@X.ORG\u{2003}",
        ] {
            assert_eq!(folded_key(value), plain, "{value:?}");
        }
        assert_ne!(folded_key("jo.smith@x.org."), plain);
        assert_eq!(folded_key("Zo\u{eb}"), folded_key("zo\u{eb} "));
    }

    #[test]
    fn folded_keys_of_bytes_are_those_of_their_text() {
        for value in [
            "jo.smith@x.org",
            "Jo.Smith@X.org",
            " jo ",
            "zo\u{eb}",
            "\u{a0}ZO\u{cb}",
            "",
            " ",
        ] {
            assert_eq!(
                folded_key_bytes(value.as_bytes()),
                Some(folded_key(value)),
                "{value:?}"
            );
        }
        assert_eq!(folded_key_bytes(b"jo\xff"), None);
    }

    #[test]
    fn needs_folding_flags_exactly_capitals_and_non_ascii() {
        // Every byte value, in every position of a word and of the tail, among other bytes.
        for b in 0..=255u8 {
            for len in [8usize, 16, 11] {
                for pos in 0..len {
                    for fill in [b'a', b'@', b'Z' + 1, b'A' - 1, b'0'] {
                        let mut bytes = vec![fill; len];
                        bytes[pos] = b;
                        let expected = bytes
                            .iter()
                            .any(|c| c.is_ascii_uppercase() || !c.is_ascii());
                        assert_eq!(needs_folding(&bytes), expected, "{bytes:?}");
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod filter_order_tests {
    use super::{each_in_filter_order, FILTER_ORDER_BLOCK};

    #[test]
    fn every_key_is_met_once_each_block_in_the_order_of_its_top_bits() {
        for n in [
            0,
            1,
            2,
            1023,
            100_000,
            FILTER_ORDER_BLOCK,
            2 * FILTER_ORDER_BLOCK + 7,
        ] {
            // (Keys spread over every group, a few groups crowded, repeats.)
            let keys: Vec<u64> = (0..n as u64)
                .map(|i| match i % 3 {
                    0 => i.wrapping_mul(0x9E37_79B9_7F4A_7C15),
                    1 => (i % 7) << 60 | i,
                    _ => u64::MAX - i % 5,
                })
                .collect();
            let mut met = Vec::new();
            each_in_filter_order(&keys, |k| met.push(k));
            assert_eq!(met.len(), n, "{n} keys");
            for (block, ordered) in keys
                .chunks(FILTER_ORDER_BLOCK)
                .zip(met.chunks(FILTER_ORDER_BLOCK))
            {
                assert!(
                    ordered.windows(2).all(|w| w[0] >> 54 <= w[1] >> 54),
                    "{n} keys: a block in the order of its top bits"
                );
                let (mut a, mut b) = (block.to_vec(), ordered.to_vec());
                a.sort_unstable();
                b.sort_unstable();
                assert_eq!(a, b, "{n} keys: the block's own keys, each once");
            }
        }
    }
}

#[cfg(test)]
mod short_key_tests {
    use super::short_key;
    use std::collections::HashSet;

    /// Ids as SIS export them, every length up to 16: no two share a key.
    #[test]
    fn distinct_ids_get_distinct_keys() {
        let mut ids: Vec<String> = Vec::new();
        for n in 0..200_000u32 {
            ids.push(n.to_string()); // 1–6 bytes
            ids.push(format!("stu-{n:07}")); // 11 bytes
            ids.push(format!("{n:016x}")); // 16 bytes
            ids.push(format!("{n:08}")); // 8 bytes
        }
        // Ids that differ in one byte only, at either end, at every length.
        for len in 1..=16 {
            for b in 0..=255u8 {
                let mut first = vec![b'a'; len];
                first[0] = b;
                let mut last = vec![b'a'; len];
                last[len - 1] = b;
                let mut middle = vec![b'a'; len];
                middle[len / 2] = b;
                for id in [first, last, middle] {
                    ids.push(String::from_utf8_lossy(&id).into_owned());
                }
            }
        }
        ids.sort();
        ids.dedup();
        let keys: HashSet<u64> = ids.iter().map(|id| short_key(id.as_bytes())).collect();
        assert_eq!(keys.len(), ids.len());
    }

    /// Every bit of the key varies (the Bloom filter and the table's directory use both ends).
    #[test]
    fn every_key_bit_varies() {
        let keys: Vec<u64> = (0..100_000u32)
            .map(|n| short_key(format!("enr-{n:08}").as_bytes()))
            .collect();
        for bit in 0..64 {
            let ones = keys.iter().filter(|k| *k >> bit & 1 == 1).count();
            assert!(
                (45_000..55_000).contains(&ones),
                "bit {bit} set in {ones} of 100000 keys"
            );
        }
    }
}

#[cfg(test)]
mod key_log_tests {
    use super::IdLog;

    /// Rows with repeated ids on irregular lines (gaps, records over several lines, broken
    /// rows, lines past u32::MAX), added to `log`.
    fn fill(log: &mut IdLog) {
        let mut line = 2u64;
        for i in 0..5_000u64 {
            let id = i % 1_700; // every id about three times
            let value = format!("id-{id}");
            let quiet = i % 97 == 0;
            log.add(super::key(&value), line, 0, quiet, &value, value.as_bytes());
            line += match i % 13 {
                0 => 3,
                5 => 2,
                _ => 1,
            };
            if i == 4_000 {
                line = u64::from(u32::MAX) - 300;
            }
        }
    }

    /// A log kept as bare keys finds the same duplicates, on the same lines, as one kept as
    /// entries, whole or as a part whose lines are moved.
    #[test]
    fn bare_keys_give_the_duplicates_of_entries() {
        let mut entries = IdLog::new(false);
        let mut keys = IdLog::new(false);
        keys.keys_only();
        fill(&mut entries);
        fill(&mut keys);
        assert_eq!(keys.log_len(), 5_000);
        let (expected, _) = entries.into_duplicates();
        let (found, room) = keys.into_duplicates();
        assert!(expected.len() > 3_000);
        assert_eq!(found, expected);
        assert!(room.capacity() >= 5_000);

        let mut part = IdLog::new(false);
        let mut moved = IdLog::new(false);
        moved.keys_only();
        fill(&mut part);
        fill(&mut moved);
        for log in [&mut part, &mut moved] {
            log.compare_only();
            log.shift_lines(1_000);
        }
        let mut first = IdLog::new(false);
        let mut second = IdLog::new(false);
        first.absorb(part);
        second.absorb(moved);
        assert_eq!(second.into_duplicates().0, first.into_duplicates().0);
    }
}
