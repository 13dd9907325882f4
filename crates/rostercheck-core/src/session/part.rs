//! Checking one file in two parts at once (two threads, or two workers): a session made by
//! [`Session::fork`] before the file reads its header, checks the file from the cut on (its
//! line numbers short by the lines before the cut, which it does not read), and hands the
//! result over as a [`Part`]; the first session checks the first part and then
//! [`Session::absorb`]s the second, shifting its lines. The findings are exactly those of one
//! session reading the whole file: what the merge cannot reproduce exactly makes `absorb`
//! refuse, and the caller then feeds the rest of the file to the first session itself.

use std::collections::BTreeMap;

use super::{tables_tagged_by, BlankLines, FileState, ModeMismatch, Session, MISALIGNED_IDS};
use crate::diagnostic::Sink;
use crate::index::{Groups, IdLog};
use crate::manifest::Mode;
use crate::overview::OverviewBuilder;
use crate::report::Report;
use crate::spec::{FileKind, Version};
use crate::wire::{wire_struct, Reader, Wire};

/// Where the forked session started checking.
pub(super) struct Start {
    /// The line the first checked record starts on, as the part numbers its lines (on from
    /// its head, until `absorb` shifts them); None when reading stopped inside a record (the
    /// part cannot be merged).
    line: Option<u64>,
    crs: u64,
    crlf: u64,
    bytes: u64,
    header_seen: bool,
}

/// The second part of a file, checked by a forked session (see the module docs).
pub struct Part {
    kind: FileKind,
    start: Option<Start>,
    rows: u64,
    bytes: u64,
    crs: u64,
    crlf: u64,
    mode: Option<Mode>,
    blank_lines: BlankLines,
    bulk_filled: ModeMismatch,
    delta_missing: ModeMismatch,
    misaligned: u64,
    irregular: bool,
    damaged: bool,
    ids: IdLog,
    usernames: IdLog,
    emails: IdLog,
    ready: Groups,
    pending: Vec<Groups>,
    /// Its references to a file not read when it was forked, and the roles it gave users of
    /// that file (see [`Session::forks_deferring`]).
    deferred_refs: DeferredRefs,
    deferred_tags: Vec<(u64, u8)>,
    empty_refs: BTreeMap<(FileKind, usize, usize, FileKind), (u64, u64)>,
    /// The marks its rows set in the tables it looked ids up in (users with enrollments,
    /// classes with teachers, roles), entry by entry (see [`IdLog::marks`]).
    looked_up: Vec<(FileKind, Vec<(u8, u8)>)>,
    overview: OverviewBuilder,
    overview_base: OverviewBuilder,
    /// classes.csv: the schools of its classes.
    class_school: Vec<(u64, u64)>,
    findings: Report,
}

/// The keys of a part's references to a file not read when it was forked
/// ([`Session::forks_deferring`]), in row order. The part is taken in only if every one is
/// found then, when nothing is left to report about them; a reference to nothing has the first
/// session check the file itself, which reports it with its line (rare: a roster whose roles
/// name users who are not in it).
pub(super) type DeferredRefs = Vec<u64>;

/// Deferred references are looked up a batch at a time: their ids' table slots are read
/// together first (`IdLog::touch`), so that the cache misses overlap, as in
/// `Session::flush_rows`.
const DECIDE_BATCH: usize = 64;

/// Reads the table slots of `keys` (`IdLog::touch`) without waiting for each, before they are
/// looked up one by one.
fn touch_all(table: &IdLog, keys: impl Iterator<Item = u64>) {
    let touched = keys.fold(0u64, |sum, key| sum.wrapping_add(table.touch(key)));
    std::hint::black_box(touched);
}

/// The file whose ids a file's rows look up and may have decided later (see
/// [`Session::forks_deferring`]): roles.csv's rows only look users up and give them roles.
pub(super) fn defers_to(kind: FileKind) -> Option<FileKind> {
    match kind {
        FileKind::Roles => Some(FileKind::Users),
        _ => None,
    }
}

/// Files whose rows touch nothing but their own ids, the tables they look ids up in, the
/// overview, their reference groups and (classes) the classes' schools; orgs and sessions
/// build trees and are small, so one session reads them.
fn splittable(kind: FileKind) -> bool {
    !matches!(
        kind,
        FileKind::Manifest | FileKind::Orgs | FileKind::AcademicSessions
    )
}

impl Session {
    /// Files whose second part was checked apart and absorbed (the others were read whole).
    pub fn parts_absorbed(&self) -> usize {
        self.parts_absorbed
    }

    /// Whether the file `index` can be checked in two parts (see [`Session::fork`]).
    pub fn splits(&self, index: usize) -> bool {
        // (A file this version does not define is skipped whole: nothing to split.)
        !self.unoptimised
            && self
                .entries
                .get(index)
                .and_then(|e| e.kind)
                .is_some_and(|k| splittable(k) && self.version.spec().defines(k))
    }

    /// The tables a fork for the file `index` copies: those its rows may look ids up in
    /// (either version: users.csv may settle it). None when it cannot be forked.
    fn fork_kinds(&self, index: usize) -> Option<Vec<FileKind>> {
        let kind = self.entries.get(index)?.kind?;
        if self.current.is_some() || !self.splits(index) {
            return None;
        }
        let mut kinds: Vec<FileKind> = [Version::V1_1, Version::V1_2]
            .iter()
            .filter_map(|v| v.spec().file(kind))
            .flat_map(|f| f.columns.iter().filter_map(|c| c.reference))
            .filter(|k| *k != kind)
            .collect();
        kinds.sort_by_key(|k| *k as usize);
        kinds.dedup();
        Some(kinds)
    }

    /// Whether the file `next` can be checked from a fork made before the file `index` is
    /// read (so that another thread checks a part of `next` while this session reads
    /// `index`, and it is absorbed once `index` ends). The fork sees none of what `index`
    /// changes, so its rows must not look ids up in that file, nor in a table whose tags that
    /// file's rows set (`tables_tagged_by`); the flags `index` sets on other tables (users
    /// with enrollments, classes with teachers) are read only when the package ends. Nor may
    /// `index` be users.csv when it settles the OneRoster version (no manifest).
    pub fn forks_ahead(&self, next: usize, index: usize) -> bool {
        self.fork_before(next, index)
            .is_some_and(|(before, kind, kinds)| before != kind && !kinds.contains(&before))
    }

    /// Whether the file `next` can be checked from a fork made before the file `index`, which
    /// its rows look ids up in, with those lookups made once the part is taken in, after
    /// `index` has been read: roles.csv beside users.csv. The part keeps their keys (and the
    /// roles its rows give users, by key: `deferred_tags`); [`Session::absorb`] refuses it if
    /// one is not found, so that the first session reads the file and reports the reference
    /// with its line. Only for a file whose rows do nothing else with that file's ids (no
    /// constraint on what they refer to), on the other conditions of [`Session::forks_ahead`].
    pub fn forks_deferring(&self, next: usize, index: usize) -> bool {
        self.fork_before(next, index)
            .is_some_and(|(before, kind, _)| {
                let constrained = [Version::V1_1, Version::V1_2]
                    .iter()
                    .filter_map(|v| v.spec().file(kind))
                    .flat_map(|f| f.columns.iter())
                    .any(|c| c.reference == Some(before) && c.constraint.is_some());
                defers_to(kind) == Some(before) && !constrained
            })
    }

    /// The kinds of the files `index` and `next` and the tables a fork for `next` copies, when
    /// such a fork may be made before `index` is read: what [`Session::forks_ahead`] and
    /// [`Session::forks_deferring`] both ask.
    fn fork_before(
        &self,
        next: usize,
        index: usize,
    ) -> Option<(FileKind, FileKind, Vec<FileKind>)> {
        let kind_of = |i: usize| self.entries.get(i).and_then(|e| e.kind);
        let (before, kind, kinds) = (kind_of(index)?, kind_of(next)?, self.fork_kinds(next)?);
        let settles_version =
            before == FileKind::Users && !self.has_manifest && !self.version_settled;
        let allowed = self.splits(index)
            && !tables_tagged_by(before).iter().any(|k| kinds.contains(k))
            && !settles_version;
        allowed.then_some((before, kind, kinds))
    }

    /// A session to check the second part of the file `index` (as given to
    /// [`Session::plan`]), made between files, before [`Session::begin_file`] of that file.
    /// Give it `begin_file(index)`, the file's first bytes with [`Session::read_head`],
    /// [`Session::start_part`], the file from the cut (just after a line break) on, then
    /// [`Session::take_part`]. None when this file or session cannot be split.
    pub fn fork(&self, index: usize) -> Option<Session> {
        let kinds = self.fork_kinds(index)?;
        Some(Session {
            entries: self.entries.clone(),
            files: self.files.clone(),
            present: self.present.clone(),
            manifest: self.manifest.clone(),
            has_manifest: self.has_manifest,
            version: self.version,
            version_source: self.version_source,
            version_settled: self.version_settled,
            done: self.done.clone(),
            unreadable: self.unreadable.clone(),
            empty: self.empty.clone(),
            damaged: self.damaged.clone(),
            index: self.index.fork(&kinds),
            overview: self.overview.clone(),
            fork_base: Some(Box::new(self.overview.clone())),
            ..Session::new()
        })
    }

    /// [`Session::fork`] as bytes, for a worker that shares no memory with this one: it makes
    /// the session with [`Session::from_fork_bytes`].
    pub fn fork_bytes(&self, index: usize) -> Option<Vec<u8>> {
        self.write_fork(&self.fork_kinds(index)?)
    }

    /// [`Session::fork_bytes`] for the file `index` that also serves the file `next`, checked
    /// ahead (see [`Session::forks_ahead`]): it holds the tables either may look ids up in, so
    /// the other worker makes both sessions from one copy. (Tables a file does not look ids up
    /// in change nothing for it.) None when `next` cannot be checked ahead.
    pub fn fork_bytes_ahead(&self, index: usize, next: usize) -> Option<Vec<u8>> {
        if !self.forks_ahead(next, index) {
            return None;
        }
        // (A table named twice is written once: the fork copies the tables it names.)
        let mut kinds = self.fork_kinds(index)?;
        kinds.extend(self.fork_kinds(next)?);
        self.write_fork(&kinds)
    }

    fn write_fork(&self, kinds: &[FileKind]) -> Option<Vec<u8>> {
        // Written from this session, field by field as `from_fork_bytes` reads them, without
        // first copying the tables into a fork.
        let mut out = Vec::new();
        self.entries.put(&mut out);
        self.files.put(&mut out);
        self.present.put(&mut out);
        self.manifest.put(&mut out);
        self.has_manifest.put(&mut out);
        self.version.put(&mut out);
        self.version_source.put(&mut out);
        self.version_settled.put(&mut out);
        self.done.put(&mut out);
        self.unreadable.put(&mut out);
        self.empty.put(&mut out);
        self.damaged.put(&mut out);
        self.index.put_fork(kinds, &mut out);
        self.overview.put(&mut out);
        Some(out)
    }

    /// The session [`Session::fork_bytes`] described (None: not such bytes).
    pub fn from_fork_bytes(bytes: &[u8]) -> Option<Session> {
        type Fork = (
            (
                Vec<super::Entry>,
                Vec<super::FileInfo>,
                Vec<FileKind>,
                Option<crate::manifest::Manifest>,
            ),
            (bool, Version, super::VersionSource),
            (bool, Vec<bool>, Vec<bool>, Vec<bool>),
            (Vec<bool>, crate::index::Index, OverviewBuilder),
        );
        let (
            (entries, files, present, manifest),
            (has_manifest, version, version_source),
            (version_settled, done, unreadable, empty),
            (damaged, index, overview),
        ) = Reader::read::<Fork>(bytes)?;
        Some(Session {
            entries,
            files,
            present,
            manifest,
            has_manifest,
            version,
            version_source,
            version_settled,
            done,
            unreadable,
            empty,
            damaged,
            index,
            fork_base: Some(Box::new(overview.clone())),
            overview,
            ..Session::new()
        })
    }

    /// Reads the header at the start of the file without checking anything: `head` is the
    /// file's first bytes, used up to their last line break. Returns the bytes used (None: no
    /// line break in `head`).
    pub fn read_head(&mut self, head: &[u8], sink: &mut dyn Sink) -> Option<usize> {
        let used = memchr::memrchr(b'\n', head)? + 1;
        self.set_checking(false);
        self.feed(head.get(..used)?, sink);
        Some(used)
    }

    /// Starts checking where the part starts (the caller feeds the bytes from the cut on),
    /// after the header read by [`Session::read_head`]. The lines between the head and the cut
    /// are not read: the part's line numbers run on from the head's, short of the true ones
    /// by as many lines, and [`Session::absorb`] shifts them, since the first session knows
    /// the line of the cut by then. (If the head ended inside a record, the part cannot be
    /// merged: `absorb` sees it.)
    pub fn start_part(&mut self) {
        self.set_checking(true);
    }

    /// Whether the part checked so far can no longer be taken in: [`Session::absorb`] would
    /// refuse it whatever the first part holds (too many distinct broken references or
    /// possible duplicates to merge exactly, rows that are not plain records, misaligned ids).
    /// Then the part's worker can stop, and the first session checks the rest of the file
    /// itself, as it would after a refusal. False outside a part.
    pub fn part_refused(&self) -> bool {
        let Some(file) = &self.current else {
            return false;
        };
        file.part_start.is_some()
            && (file.irregular
                || file.misaligned > MISALIGNED_IDS
                || !self.ready.absorbable()
                || self.pending.iter().any(|groups| !groups.absorbable())
                || !self.index.table(file.kind).absorbable()
                || (file.kind == FileKind::Users
                    && !(self.usernames.absorbable() && self.emails.absorbable())))
    }

    /// Turns the checking of rows off (they are still read, to know where lines start) or on.
    fn set_checking(&mut self, on: bool) {
        let Some(file) = self.current.as_mut() else {
            return;
        };
        if on && !file.checking {
            // What came before the part (blank lines before the header) is the first
            // session's to report.
            file.blank_lines = BlankLines::default();
            let reader = file.reader.as_ref();
            let (crs, crlf) = reader.map_or((0, 0), |r| r.line_ends());
            file.part_start = Some(Start {
                line: reader.and_then(|r| r.boundary_line()),
                crs,
                crlf,
                bytes: self.files.get(file.info).map_or(0, |f| f.bytes),
                header_seen: file.header_seen,
            });
        }
        file.checking = on;
    }

    /// Ends a forked session's file (its last record, its last rows) and hands its part over.
    /// `findings` is what its checking fed to (a report with the first session's cap).
    pub fn take_part(mut self, mut findings: Report) -> Option<Part> {
        let mut file = self.current.take()?;
        let (mut crs, mut crlf) = (0, 0);
        if let Some(mut reader) = file.reader.take() {
            if file.sniffed && !file.skip {
                reader.finish(&mut |event| self.on_event(&mut file, event, &mut findings));
                self.flush_rows(&mut file, &mut findings);
            }
            (crs, crlf) = reader.line_ends();
        }
        // The ids other files look up in are sorted here, on this part's thread: the first
        // session then only merges (its `IdLog::receive` keeps the order known when the ids
        // travel as bytes). The others are only compared, unsorted, and travel as bare keys.
        if file.kind.is_referenced() {
            self.index.table_mut(file.kind).sort_log();
        } else {
            self.index.table_mut(file.kind).compare_only();
        }
        self.usernames.compare_only();
        self.emails.compare_only();
        let start = file.part_start.take();
        let info = self.files.get(file.info)?;
        let (rows, bytes) = (info.rows, info.bytes);
        let kind = file.kind;
        let mut looked_up = Vec::new();
        for k in FileKind::ALL {
            let table = self.index.table(k);
            // (The marks of a table this part never changed are those it was forked with.)
            if k != kind && !table.entries().is_empty() && table.marked() {
                looked_up.push((k, table.marks()));
            }
        }
        Some(Part {
            kind,
            rows,
            bytes: bytes - start.as_ref().map_or(bytes, |s| s.bytes),
            crs: crs - start.as_ref().map_or(crs, |s| s.crs),
            crlf: crlf - start.as_ref().map_or(crlf, |s| s.crlf),
            start,
            mode: file.mode,
            blank_lines: std::mem::take(&mut file.blank_lines),
            bulk_filled: std::mem::take(&mut file.bulk_filled),
            delta_missing: std::mem::take(&mut file.delta_missing),
            misaligned: file.misaligned,
            irregular: file.irregular,
            damaged: self.damaged.get(kind as usize).copied().unwrap_or(true),
            ids: self.index.take(kind),
            usernames: std::mem::replace(&mut self.usernames, IdLog::new(false)),
            emails: std::mem::replace(&mut self.emails, IdLog::new(false)),
            ready: std::mem::take(&mut self.ready),
            pending: std::mem::take(&mut self.pending),
            deferred_refs: std::mem::take(&mut self.deferred_refs),
            deferred_tags: std::mem::take(&mut self.deferred_tags),
            empty_refs: std::mem::take(&mut self.empty_refs),
            looked_up,
            overview: std::mem::take(&mut self.overview),
            overview_base: self.fork_base.take().map(|b| *b).unwrap_or_default(),
            class_school: if kind == FileKind::Classes {
                self.index.class_school.drain().collect()
            } else {
                Vec::new()
            },
            findings,
        })
    }

    /// Optional, before [`Session::absorb`]: finishes the first part's work that does not need
    /// the second (its last rows, sorting its ids), so that it can run while the other thread
    /// still checks the second part.
    pub fn end_first_part(&mut self, sink: &mut dyn Sink) {
        let Some(mut file) = self.current.take() else {
            return;
        };
        self.flush_rows(&mut file, sink);
        // (Ids nothing looks up in, usernames and emails are only compared: not sorted.)
        if file.kind.is_referenced() {
            self.index.table_mut(file.kind).sort_log();
        }
        self.current = Some(file);
    }

    /// Takes in the second part of the current file, whose first part this session has been
    /// fed (up to the line break where the part starts). Its findings go to `sink` in order.
    /// False when the merge could not give exactly the findings of reading the whole file:
    /// then nothing was taken in, and the caller feeds the rest of the file instead.
    pub fn absorb(&mut self, mut part: Part, sink: &mut dyn Sink) -> bool {
        let Some(mut file) = self.current.take() else {
            return false;
        };
        // The rows of the first part come first.
        self.flush_rows(&mut file, sink);
        let ok = self.can_absorb(&file, &mut part);
        if ok {
            let here = file.reader.as_ref().and_then(|r| r.boundary_line());
            let start = part.start.as_ref().and_then(|s| s.line);
            part.shift_lines(here.unwrap_or(0).saturating_sub(start.unwrap_or(0)));
            self.merge(&mut file, part, sink);
            self.parts_absorbed += 1;
        }
        self.current = Some(file);
        ok
    }

    fn can_absorb(&mut self, file: &FileState, part: &mut Part) -> bool {
        let Some(start) = &part.start else {
            return false;
        };
        let here = file.reader.as_ref().and_then(|r| r.boundary_line());
        let groups_fit = self.ready.can_absorb(&part.ready)
            && self.pending.len() == part.pending.len()
            && self
                .pending
                .iter()
                .zip(&part.pending)
                .all(|(a, b)| a.can_absorb(b));
        let ids_fit = self.index.table_mut(file.kind).can_absorb(&mut part.ids);
        let deferred_found = self.deferred_found(part.kind, &part.deferred_refs);
        let users_fit = file.kind != FileKind::Users
            || (self.usernames.can_absorb(&mut part.usernames)
                && self.emails.can_absorb(&mut part.emails));
        part.kind == file.kind
            && file.sniffed
            && !file.skip
            && file.header_seen
            && start.header_seen
            // (The part numbered its lines from its head: they are shifted by the lines
            // between. No message names a line of the part's own rows.)
            && here.zip(start.line).is_some_and(|(here, start)| here >= start)
            && !part.irregular
            && (file.mode.is_none() || file.mode == part.mode)
            && file.misaligned + part.misaligned <= MISALIGNED_IDS
            && groups_fit
            && ids_fit
            && users_fit
            && deferred_found
            && part
                .looked_up
                .iter()
                .all(|(kind, marks)| self.index.table(*kind).entries().len() == marks.len())
            && self
                .overview
                .can_absorb(&part.overview, &part.overview_base)
    }

    /// Whether every reference a part of a `kind` file deferred (`forks_deferring`) is found
    /// now, among the ids of a file that has been read and has rows.
    fn deferred_found(&self, kind: FileKind, keys: &[u64]) -> bool {
        if keys.is_empty() {
            return true;
        }
        let Some(target) = defers_to(kind).filter(|t| self.ids_usable(*t)) else {
            return false;
        };
        let table = self.index.table(target);
        keys.chunks(DECIDE_BATCH).all(|batch| {
            touch_all(table, batch.iter().copied());
            batch.iter().all(|key| table.position(*key).is_some())
        })
    }

    fn merge(&mut self, file: &mut FileState, part: Part, sink: &mut dyn Sink) {
        part.findings.replay(sink);
        if let Some(reader) = file.reader.as_mut() {
            reader.add_line_ends(part.crs, part.crlf);
        }
        if let Some(info) = self.files.get_mut(file.info) {
            info.rows += part.rows;
            info.bytes += part.bytes;
        }
        if file.mode.is_none() {
            file.mode = part.mode;
        }
        file.blank_lines.absorb(part.blank_lines);
        file.bulk_filled.absorb(part.bulk_filled);
        file.delta_missing.absorb(part.delta_missing);
        file.misaligned += part.misaligned;
        if let Some(d) = self.damaged.get_mut(file.kind as usize) {
            *d |= part.damaged;
        }
        self.index.table_mut(file.kind).absorb(part.ids);
        if file.kind == FileKind::Users {
            self.usernames.absorb(part.usernames);
            self.emails.absorb(part.emails);
        }
        self.ready.absorb(part.ready);
        for (mine, theirs) in self.pending.iter_mut().zip(part.pending) {
            mine.absorb(theirs);
        }
        for ((from, col, pos, target), (count, line)) in part.empty_refs {
            self.count_empty_ref(from, col, pos, target, count, line);
        }
        for (kind, marks) in &part.looked_up {
            self.index.table_mut(*kind).merge_marks(marks);
        }
        // A part forked before a file its rows gave roles to (`forks_deferring`): the roles
        // are set now (its references to that file were all found: `can_absorb`).
        let users = self.index.table_mut(FileKind::Users);
        for batch in part.deferred_tags.chunks(DECIDE_BATCH) {
            touch_all(users, batch.iter().map(|(key, _)| *key));
            for (key, bits) in batch {
                if let Some(e) = users.position(*key).and_then(|p| users.at_mut(p)) {
                    e.tag |= bits;
                }
            }
        }
        self.overview.absorb(&part.overview, &part.overview_base);
        // No class is in both parts (`can_absorb`), so the order of these does not matter.
        self.index.class_school.extend(part.class_school);
    }
}

impl Part {
    /// Moves every line this part noted `by` lines down (see [`Session::start_part`]).
    fn shift_lines(&mut self, by: u64) {
        if by == 0 {
            return;
        }
        if let Some(line) = self.start.as_mut().and_then(|s| s.line.as_mut()) {
            *line += by;
        }
        for d in &mut self.findings.diagnostics {
            if let Some(line) = d.line.as_mut() {
                *line += by;
            }
        }
        self.blank_lines.shift_lines(by);
        self.bulk_filled.shift_lines(by);
        self.delta_missing.shift_lines(by);
        for log in [&mut self.ids, &mut self.usernames, &mut self.emails] {
            log.shift_lines(by);
        }
        for groups in std::iter::once(&mut self.ready).chain(&mut self.pending) {
            groups.shift_lines(by);
        }
        for (_, line) in self.empty_refs.values_mut() {
            *line += by;
        }
    }
}

// A part as bytes (see `crate::wire`).
wire_struct!(Start {
    line,
    crs,
    crlf,
    bytes,
    header_seen
});
wire_struct!(Part {
    kind,
    start,
    rows,
    bytes,
    crs,
    crlf,
    mode,
    blank_lines,
    bulk_filled,
    delta_missing,
    misaligned,
    irregular,
    damaged,
    ids,
    usernames,
    emails,
    ready,
    pending,
    deferred_refs,
    deferred_tags,
    empty_refs,
    looked_up,
    overview,
    overview_base,
    class_school,
    findings
});

/// A part travels as [`Part::to_bytes`], then its ids in pieces ([`Part::ids_bytes`]): the
/// ids of half a city's enrollments are 70 MB, which neither side should hold twice.
impl Part {
    /// This part as bytes, all but its ids.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.to_wire()
    }

    /// The logs whose entries travel apart: sourcedIds, then (users.csv) usernames and emails.
    fn logs(&self) -> [&IdLog; 3] {
        [&self.ids, &self.usernames, &self.emails]
    }

    /// How many ids [`Part::ids_bytes`] gives.
    pub fn id_count(&self) -> usize {
        self.logs().iter().map(|l| l.log_len()).sum()
    }

    /// The ids `from..to` (of [`Part::id_count`]) as bytes.
    pub fn ids_bytes(&self, mut from: usize, mut to: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(
            to.saturating_sub(from).min(self.id_count()) * crate::index::ENTRY_BYTES,
        );
        for log in self.logs() {
            log.put_values(from, to, &mut out);
            from = from.saturating_sub(log.log_len());
            to = to.saturating_sub(log.log_len());
        }
        out
    }

    /// The part [`Part::to_bytes`] described (None: not such bytes), waiting for its ids.
    pub fn from_bytes(bytes: &[u8]) -> Option<Part> {
        Reader::read(bytes)
    }

    /// Takes in ids from [`Part::ids_bytes`], in order; false when they are not such bytes
    /// (then `absorb` refuses the part).
    pub fn add_ids(&mut self, bytes: &[u8]) -> bool {
        let mut rest = bytes;
        for log in [&mut self.ids, &mut self.usernames, &mut self.emails] {
            match log.receive(rest) {
                Some(after) => rest = after,
                None => return false,
            }
        }
        // (Bytes left over: more ids than announced, or not whole ones.)
        rest.is_empty()
    }
}
