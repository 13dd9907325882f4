//! The clean rows of enrollments.csv, roles.csv, demographics.csv, users.csv and classes.csv,
//! checked without the general row machinery.
//!
//! A city's enrollments.csv holds seven rows in ten of the whole package, and nearly all rows
//! of these files are clean: ids that exist, known codes, empty optional columns.
//! `Session::check_row` checks any row of any file: it turns every field into text, trims it,
//! looks up what kind of column it is, gathers findings and runs the record rules column by
//! column. Here a row is first asked "is anything wrong?", from a plan made once per header,
//! without a side effect; only when nothing is does it record what a clean row records (its
//! id; an enrollment's class teacher and user enrollment; a role's user bits and the
//! overview's people; a user's role, grade, username and email; a class's school). At any
//! doubt the row goes to `check_row` untouched, which finds and words whatever is wrong, so
//! the findings cannot differ: `tests/optimised.rs` compares both on damaged packages and
//! `tests/rules.rs` on every rule's fixture (the unoptimised session never takes this path).

use super::{
    dates_reversed, folded_columns, is_term, repeats, role_bits, role_conflict, FileState, Hit,
    Mode, Session,
};
use crate::csv::Record;
use crate::index::{self, flag, tag};
use crate::rules::Rule;
use crate::spec::{ColumnSpec, FileKind, Required, ValueType, Version};
use crate::values;

/// How a clean row's cell is checked.
#[derive(Clone, Copy)]
enum Shape {
    /// The row's sourcedId: a valid identifier (its key was hashed by the look-ahead).
    SourcedId,
    /// A single-valued reference to a file already read: found there (so a valid id: only
    /// those are kept), and of the right kind. demographics.csv's sourcedId is one (its
    /// user's).
    Reference { slot: usize, target: FileKind },
    /// A text no value check finds anything in (a name, a title: `values::can_find_anything`):
    /// only its spaces matter, looked at for every cell.
    Text,
    /// Any other value: its value checks find nothing (a list of grades, codes or periods
    /// included: its items are checked there).
    Value,
    /// A list of references: clean when empty, or for a list of references to a file already
    /// read (1.1 users.csv's orgs, classes.csv's terms: `Cell::listed`) when every item is an
    /// id found there, of the right kind. (users.csv's agents: only when empty.)
    List,
}

struct Cell {
    pos: usize,
    column: &'static ColumnSpec,
    shape: Shape,
    /// Whether values repeat from row to row (a status, a role, a date, a grade): then the
    /// last value that passed its value checks is kept in `clean`, and not checked again.
    repeats: bool,
    clean: Vec<u8>,
    /// A reference's last key and where it was found: the next row often names the same
    /// class and school (enrollments come class by class), and the tables it looks in do not
    /// change during the file.
    found: Option<(u64, usize)>,
    /// For a list of references to another file: that file.
    listed: Option<FileKind>,
    /// classes.csv's terms: each must be a term, not a school year (`is_term`).
    term: bool,
}

/// At most this many references looked ahead (a file with more is left to `check_row`).
const MAX_SLOTS: usize = 8;

/// The cells of a file whose rows may take the clean path, decided from its header, and the
/// cells the record rules read (indexes into `cells`).
pub(super) struct CleanRows {
    cells: Vec<Cell>,
    sourced_id: usize,
    status: Option<usize>,
    modified: Option<usize>,
    start: Option<usize>,
    end: Option<usize>,
    role: Option<usize>,
    role_type: Option<usize>,
    org: Option<usize>,
    /// users.csv's grades, username and email.
    grades: Option<usize>,
    /// classes.csv's subjects and their codes (as many of each), and its school.
    subjects: Option<usize>,
    subject_codes: Option<usize>,
    school_text: Option<usize>,
    /// 1.1 users.csv's organisations (the overview counts a person at the first).
    orgs: Option<usize>,
    folded: [Option<usize>; 2],
    /// The look-ahead slots of the references the record rules use.
    school: Option<usize>,
    class: Option<usize>,
    user: Option<usize>,
    /// What the last clean row's repeating cells came to (enrollments.csv and roles.csv).
    last: Option<LastRow>,
}

/// The cells of the last clean row that repeat from row to row (all but its sourcedId and its
/// user, in enrollments.csv and roles.csv: a class's enrollments name the same class, school,
/// role and dates), kept as the bytes around the two that change, with what their checks
/// found. A row whose bytes around them are the same has the same cells there, which pass the
/// same checks: those read nothing but the cell and tables that do not change during the
/// file (the one that does, users' role bits set by roles.csv, is read only for the user
/// cell, checked on every row). So only the two are checked again, and of the record rules
/// only those that read them (an enrollment's role against its user's).
struct LastRow {
    /// The two cells checked on every row (indexes into `CleanRows::cells`, in header order).
    varying: [usize; 2],
    /// The bytes before, between and after them in the last clean row, back to back, and
    /// where the second and third pieces start.
    around: Vec<u8>,
    splits: [usize; 2],
    /// Whether `around` holds a clean row's bytes.
    valid: bool,
    /// The look-ahead hits of its repeating cells' references, reused (the user's slot is
    /// left empty: the user cell fills it, or leaves it empty, row by row).
    hits: [Option<Hit>; MAX_SLOTS],
    user_slot: usize,
}

impl LastRow {
    /// For enrollments.csv and roles.csv, whose sourcedId and user cells are the ones that
    /// change from row to row.
    fn plan(kind: FileKind, cells: &[Cell], user_slot: Option<usize>) -> Option<LastRow> {
        if !matches!(kind, FileKind::Enrollments | FileKind::Roles) {
            return None;
        }
        let id = cells
            .iter()
            .position(|c| matches!(c.shape, Shape::SourcedId))?;
        let user_slot = user_slot?;
        let user = cells
            .iter()
            .position(|c| matches!(c.shape, Shape::Reference { slot, .. } if slot == user_slot))?;
        Some(LastRow {
            varying: [id.min(user), id.max(user)],
            around: Vec::new(),
            splits: [0; 2],
            valid: false,
            hits: [None; MAX_SLOTS],
            user_slot,
        })
    }

    /// The pieces of `bytes` around the two varying fields of `record`, a plain line whose
    /// every comma separates two fields (so that the same pieces hold the same cells).
    fn pieces<'b>(
        &self,
        cells: &[Cell],
        record: &Record<'_>,
        bytes: &'b [u8],
    ) -> Option<[&'b [u8]; 3]> {
        let plain =
            record.separator_width() == 1 && record.raw_complete && record.raw.len() == bytes.len();
        if !plain {
            return None;
        }
        let [a, b] = self
            .varying
            .map(|i| cells.get(i).map(|c| record.field_range(c.pos)));
        let ((a_start, a_end), (b_start, b_end)) = (a?, b?);
        Some([
            bytes.get(..a_start)?,
            bytes.get(a_end..b_start)?,
            bytes.get(b_end..)?,
        ])
    }

    /// Whether `pieces` are those of the last clean row.
    fn same(&self, pieces: &[&[u8]; 3]) -> bool {
        let [first, second, third] = pieces;
        let [at_second, at_third] = self.splits;
        let same = |kept: Option<&[u8]>, piece: &[u8]| kept.is_some_and(|k| same_bytes(k, piece));
        self.valid
            && same(self.around.get(..at_second), first)
            && same(self.around.get(at_second..at_third), second)
            && same(self.around.get(at_third..), third)
    }

    fn remember(&mut self, pieces: &[&[u8]; 3], hits: &[Option<Hit>; MAX_SLOTS]) {
        self.around.clear();
        self.around.extend_from_slice(pieces[0]);
        self.splits[0] = self.around.len();
        self.around.extend_from_slice(pieces[1]);
        self.splits[1] = self.around.len();
        self.around.extend_from_slice(pieces[2]);
        self.hits = *hits;
        if let Some(user) = self.hits.get_mut(self.user_slot) {
            *user = None;
        }
        self.valid = true;
    }
}

impl CleanRows {
    /// For the files whose record rules `clean_row` knows (enrollments, roles, demographics,
    /// users, classes), when every column the header maps has one of the shapes above (a
    /// reference within the file itself, or to a file not looked ahead, leaves every row to
    /// `check_row`).
    pub(super) fn plan(file: &FileState) -> Option<CleanRows> {
        let plan = file.plan.as_ref()?;
        let known = matches!(
            file.kind,
            FileKind::Enrollments
                | FileKind::Roles
                | FileKind::Demographics
                | FileKind::Users
                | FileKind::Classes
        );
        if !known || !plan.check_rows || file.lookahead.len() > MAX_SLOTS {
            return None;
        }
        let mut cells = Vec::new();
        for (pos, col) in plan.columns.iter().enumerate() {
            let Some(col) = *col else { continue };
            let column = plan.spec.columns.get(col)?;
            let slot = file.lookahead.iter().position(|(p, _)| *p == pos);
            let shape = match (column.ty, column.reference, slot) {
                (ValueType::Guid | ValueType::GuidRef, Some(target), Some(slot)) => {
                    Shape::Reference { slot, target }
                }
                (ValueType::Guid, None, _) if file.columns.sourced_id == Some(pos) => {
                    Shape::SourcedId
                }
                (ValueType::GuidRefList, _, _) => Shape::List,
                (_, None, _) if !values::can_find_anything(column) => Shape::Text,
                (_, None, _) => Shape::Value,
                _ => return None,
            };
            cells.push(Cell {
                pos,
                column,
                shape,
                repeats: repeats(column),
                clean: Vec::new(),
                found: None,
                listed: match (column.ty, column.reference) {
                    (ValueType::GuidRefList, Some(target)) if target != file.kind => Some(target),
                    _ => None,
                },
                term: is_term(file.kind, column.name),
            });
        }
        let c = &file.columns;
        let cell = |pos: Option<usize>| cells.iter().position(|cell| Some(cell.pos) == pos);
        let slot = |pos: Option<usize>| file.lookahead.iter().position(|(p, _)| Some(*p) == pos);
        let last = LastRow::plan(file.kind, &cells, slot(c.user));
        Some(CleanRows {
            sourced_id: cell(c.sourced_id)?,
            status: cell(c.status),
            modified: cell(c.date_last_modified),
            start: cell(c.start),
            end: cell(c.end),
            role: cell(c.role),
            role_type: cell(c.role_type),
            org: cell(c.org),
            grades: cell(c.grades),
            subjects: cell(c.subjects),
            subject_codes: cell(c.subject_codes),
            school_text: cell(c.school),
            orgs: cell(c.orgs),
            folded: folded_columns(file).map(cell),
            school: slot(c.school),
            class: slot(c.class),
            user: slot(c.user),
            last,
            cells,
        })
    }
}

impl Session {
    /// Checks `record` (a plain line with the header's field count) as a clean row, and
    /// records it: true. False when anything about it may need a finding: then nothing was
    /// recorded, and `check_row` checks it.
    pub(super) fn clean_row(
        &mut self,
        file: &mut FileState,
        record: &Record<'_>,
        line: u64,
    ) -> bool {
        let Some(mut clean) = file.clean_rows.take() else {
            return false;
        };
        let recorded = self.clean_row_with(file, &mut clean, record, line);
        // (Put back into the empty place: nothing there to drop.)
        file.clean_rows.get_or_insert(clean);
        recorded
    }

    fn clean_row_with(
        &mut self,
        file: &mut FileState,
        clean: &mut CleanRows,
        record: &Record<'_>,
        line: u64,
    ) -> bool {
        let (Some(row), Some(mode), Some(plan)) = (file.batch_row, file.mode, file.plan.as_ref())
        else {
            return false;
        };
        // The line is checked as UTF-8 once (commas never fall inside a character, so each
        // field is text too); its fields are read as bytes, and made text only where a rule
        // needs text (slicing a str checks both ends for a character boundary).
        let Some(whole) = record
            .text()
            .or_else(|| std::str::from_utf8(record.all_bytes()).ok())
        else {
            return false;
        };
        let bytes = whole.as_bytes();
        let version = plan.layout_version;
        let mut hits = [None; MAX_SLOTS];
        // (A row whose repeating cells are those of the last clean row checks only the other
        // two: see `LastRow`.)
        let pieces = clean
            .last
            .as_ref()
            .and_then(|last| last.pieces(&clean.cells, record, bytes));
        let repeated = match (&clean.last, &pieces) {
            (Some(last), Some(pieces)) if last.same(pieces) => {
                hits = last.hits;
                Some(last.varying)
            }
            _ => None,
        };
        if let Some(varying) = repeated {
            for i in varying {
                let Some(cell) = clean.cells.get_mut(i) else {
                    return false;
                };
                let (start, end) = record.field_range(cell.pos);
                if !self.clean_cell(file, cell, whole, start..end, row, version, &mut hits) {
                    return false;
                }
            }
        } else {
            let mut start = 0;
            let mut next_pos = 0;
            for cell in clean.cells.iter_mut() {
                // (Cells are in header order: the start of this one's field is found from the
                // end of the field before it.)
                if cell.pos != next_pos {
                    start = record.field_end(cell.pos - 1) + record.separator_width();
                }
                let end = record.field_end(cell.pos);
                if !self.clean_cell(file, cell, whole, start..end, row, version, &mut hits) {
                    return false;
                }
                start = end + record.separator_width();
                next_pos = cell.pos + 1;
            }
        }
        // The file's record rules (`Session::record_rules`), asked the same way.
        // (Their fields found again in the record: cheaper than keeping every cell's.)
        let text = |cell: Option<usize>| {
            let (start, end) = record.field_range(clean.cells.get(cell?)?.pos);
            (end > start).then(|| whole.get(start..end)).flatten()
        };
        let hit = |slot: Option<usize>| hits.get(slot?).copied().flatten();
        let status = text(clean.status);
        // (These rules read only repeating cells: a row whose repeating cells are those of the
        // last clean row passes them as it did.)
        if repeated.is_none() && !self.clean_row_rules(clean, mode, &text) {
            return false;
        }
        let (Some(id), Some(&key)) = (text(Some(clean.sourced_id)), file.batch_id_keys.get(row))
        else {
            return false;
        };
        let role = text(clean.role);
        // (Every reference present was found above; an empty one has no hit.)
        let (school, class, user) = (hit(clean.school), hit(clean.class), hit(clean.user));
        if file.kind == FileKind::Enrollments
            && !self.clean_enrollment(role, school, class, user, repeated.is_some())
        {
            return false;
        }
        if let (Some(last), Some(pieces), None) = (clean.last.as_mut(), &pieces, repeated) {
            last.remember(pieces, &hits);
        }
        // Clean: what `record_rules` records for it.
        // (A user's role bits are its tag: none in 1.2, whose users.csv has no role.)
        let tag = if file.kind == FileKind::Users {
            user_tag(role)
        } else {
            0
        };
        self.record_deferred(clean, &hits);
        self.index
            .table_mut(file.kind)
            .add(key, line, tag, false, id, record.raw);
        match file.kind {
            FileKind::Enrollments => {
                self.overview.enrollment();
                let active = status != Some("tobedeleted");
                let teacher = role == Some("teacher");
                if let Some(e) = class
                    .and_then(|h| h.position)
                    .and_then(|p| self.index.table_mut(FileKind::Classes).at_mut(p))
                {
                    if teacher && active {
                        e.flags |= flag::HAS_TEACHER;
                    }
                }
                if let Some(e) = user
                    .and_then(|h| h.position)
                    .and_then(|p| self.index.table_mut(FileKind::Users).at_mut(p))
                {
                    if active {
                        e.flags |= flag::HAS_ENROLLMENT;
                    }
                }
            }
            FileKind::Roles => {
                if text(clean.role_type) == Some("primary") {
                    self.overview.person(text(clean.org), role);
                }
                if let Some(e) = user
                    .and_then(|h| h.position)
                    .and_then(|p| self.index.table_mut(FileKind::Users).at_mut(p))
                {
                    e.tag |= role_bits(role);
                } else if let Some(h) =
                    user.filter(|_| self.defers(FileKind::Roles, FileKind::Users))
                {
                    self.deferred_tags.push((h.key, role_bits(role)));
                }
            }
            FileKind::Classes => {
                self.overview.class(text(clean.school_text));
                // (As `record_rules` records it. The reference check above has already refused
                // a school that is not one: `RefConstraint::School`.)
                let school = school.filter(|hit| {
                    self.entry(FileKind::Orgs, *hit)
                        .is_some_and(|e| e.tag == tag::ORG_SCHOOL)
                });
                if let Some(school) = school {
                    self.index.class_school.insert(key, school.key);
                }
            }
            FileKind::Users => {
                // (Without a role column, as in 1.2, every user's grades count.)
                let student = role.is_none_or(|r| r == "student");
                if let Some(grades) = text(clean.grades).filter(|_| student) {
                    self.overview.grade(grades);
                }
                if clean.role.is_some() {
                    let school = text(clean.orgs).and_then(|o| o.split(',').next());
                    self.overview.person(school, role);
                }
                let logs = [&mut self.usernames, &mut self.emails];
                for (i, (cell, log)) in clean.folded.into_iter().zip(logs).enumerate() {
                    if let Some(value) = text(cell) {
                        // (Hashed by the look-ahead, folded, from the field as written.)
                        let hashed = file.batch_folded_keys.get(row * 2 + i).copied().flatten();
                        let key = hashed.unwrap_or_else(|| crate::index::folded_key(value));
                        log.add(key, line, 0, false, value, record.raw);
                    }
                }
            }
            _ => {}
        }
        true
    }

    /// A clean row's references that wait for a file not read yet (`clean_cell`), kept as
    /// `reference` keeps them, in the row's order.
    fn record_deferred(&mut self, clean: &CleanRows, hits: &[Option<Hit>; MAX_SLOTS]) {
        for cell in &clean.cells {
            let Shape::Reference { slot, .. } = cell.shape else {
                continue;
            };
            if let Some(Some(Hit {
                key,
                position: None,
            })) = hits.get(slot).copied()
            {
                self.deferred_refs.push(key);
            }
        }
    }

    /// Whether a clean row's cell `cell`, at `range` of the row's text `whole`, is one that
    /// `check_row` finds nothing in (and, for a reference, where it was found: `hits`).
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    fn clean_cell(
        &self,
        file: &mut FileState,
        cell: &mut Cell,
        whole: &str,
        range: std::ops::Range<usize>,
        row: usize,
        version: Version,
        hits: &mut [Option<Hit>; MAX_SLOTS],
    ) -> bool {
        let field = whole.as_bytes().get(range.clone()).unwrap_or_default();
        let (Some(&first), Some(&last)) = (field.first(), field.last()) else {
            return cell.column.required != Required::Yes;
        };
        // (As `check_row` trims: only a value that starts or ends with a space, or with a
        // byte of a character that may be a Unicode space, can need it.)
        let edge = |b: u8| b.is_ascii_whitespace() || !b.is_ascii();
        if (edge(first) || edge(last))
            && whole
                .get(range.clone())
                .is_none_or(|t| t.trim().len() != t.len())
        {
            return false;
        }
        match cell.shape {
            Shape::SourcedId => values::is_guid_bytes(field),
            Shape::Reference { slot, target } => {
                let readable = self.ids_usable(target);
                let width = file.lookahead.len();
                let Some(&key) = file.batch_keys.get(row * width + slot) else {
                    return false;
                };
                let table = self.index.table(target);
                let position = match cell.found {
                    Some((last, position)) if last == key => Some(position),
                    _ => table.position(key),
                };
                let Some(position) = position.filter(|_| readable) else {
                    // In a part forked before that file (`forks_deferring`), decided when the
                    // part is taken in: `record_deferred`.
                    if !readable && self.defers(file.kind, target) && values::is_guid_bytes(field) {
                        if let Some(h) = hits.get_mut(slot) {
                            *h = Some(Hit {
                                key,
                                position: None,
                            });
                        }
                        return true;
                    }
                    return false;
                };
                cell.found = Some((key, position));
                let Some(entry) = table.at(position) else {
                    return false;
                };
                if self
                    .constraint_problem(target, entry, cell.column.constraint, false)
                    .is_some()
                {
                    return false;
                }
                if let Some(h) = hits.get_mut(slot) {
                    *h = Some(Hit {
                        key,
                        position: Some(position),
                    });
                }
                true
            }
            Shape::List => self.list_clean(cell, field),
            Shape::Text => true,
            Shape::Value if cell.repeats && cell.clean.as_slice() == field => true,
            Shape::Value => {
                let Some(text) = whole.get(range) else {
                    return false;
                };
                let nothing_wanted = |_: &'static Rule| false;
                values::check(
                    cell.column,
                    text,
                    version,
                    &nothing_wanted,
                    &mut file.findings,
                );
                if !file.findings.is_empty() {
                    file.findings.clear();
                    return false;
                }
                if cell.repeats {
                    cell.clean.clear();
                    cell.clean.extend_from_slice(field);
                }
                true
            }
        }
    }

    /// Whether a list in a clean row's `field` (not empty, no edge spaces) is what `check_row`
    /// finds nothing in: a list of references to another file whose every item is an id,
    /// found among those of that file, of the kind the column wants (a class's terms: not a
    /// school year). (Out of line: the cell loop stays as small as before for the files
    /// without such a list: see `user_tag`.)
    #[inline(never)]
    #[cold]
    fn list_clean(&self, cell: &Cell, field: &[u8]) -> bool {
        let Some(target) = cell.listed else {
            return false;
        };
        let table = self.index.table(target);
        let constraint = if cell.term {
            None
        } else {
            cell.column.constraint
        };
        self.ids_usable(target)
            && field.split(|&b| b == b',').all(|item| {
                // (An empty item, one with spaces or another separator is not an id.)
                values::is_guid_bytes(item)
                    && table.get(index::key_bytes(item)).is_some_and(|entry| {
                        self.constraint_problem(target, entry, constraint, cell.term)
                            .is_none()
                    })
            })
    }

    /// Whether a clean row's record rules that read only its own cells find nothing: its
    /// status and date last modified agree with the file's mode, its dates are in order, and
    /// a class has as many subject codes as subjects.
    fn clean_row_rules<'t>(
        &self,
        clean: &CleanRows,
        mode: Mode,
        text: &impl Fn(Option<usize>) -> Option<&'t str>,
    ) -> bool {
        let (status, modified) = (text(clean.status), text(clean.modified));
        let mode_mismatch = match mode {
            Mode::Bulk => status.is_some() || modified.is_some(),
            Mode::Delta => {
                (status.is_none() && clean.status.is_some())
                    || (modified.is_none() && clean.modified.is_some())
            }
        };
        if mode_mismatch {
            return false;
        }
        if let (Some(start), Some(end)) = (text(clean.start), text(clean.end)) {
            if dates_reversed(start, end) {
                return false;
            }
        }
        if let (Some(subjects), Some(codes)) = (text(clean.subjects), text(clean.subject_codes)) {
            if subjects.split(',').count() != codes.split(',').count() {
                return false;
            }
        }
        true
    }

    /// Whether an enrollment's record rules find nothing: the enrollment's school is the
    /// class's (known when its class and school are those of the last clean row:
    /// `same_class`), and its role agrees with the user's (`Session::enrollment_rules`).
    fn clean_enrollment(
        &self,
        role: Option<&str>,
        school: Option<Hit>,
        class: Option<Hit>,
        user: Option<Hit>,
        same_class: bool,
    ) -> bool {
        let conflict = user
            .and_then(|h| self.entry(FileKind::Users, h))
            .is_some_and(|e| role_conflict(e.tag, role));
        !conflict && (same_class || !class.is_some_and(|class| self.school_mismatch(school, class)))
    }
}

/// `a == b` for the short pieces of a row, eight bytes at a time and in line: a call to
/// `memcmp` costs more than comparing them (in WebAssembly it compares byte by byte).
#[inline(always)]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let Some(last) = a.len().checked_sub(8) else {
        return a.iter().zip(b).all(|(x, y)| x == y);
    };
    let word = |s: &[u8], at: usize| {
        s.get(at..at + 8)
            .and_then(|w| w.try_into().ok())
            .map_or(0, u64::from_ne_bytes)
    };
    // (Words from the start, then the last eight bytes, which may overlap the word before.)
    let mut at = 0;
    while at < last {
        if word(a, at) != word(b, at) {
            return false;
        }
        at += 8;
    }
    word(a, last) == word(b, last)
}

/// A clean user's tag: its role's bits (none in 1.2, whose users.csv has no role). (Out of
/// line and marked cold, as `Session::list_clean`, though 1.1's users.csv calls both for every
/// row: inline, they cost the other files' rows about 1% more instructions, from the layout
/// the compiler chose.)
#[inline(never)]
#[cold]
fn user_tag(role: Option<&str>) -> u8 {
    role_bits(role)
}

#[cfg(test)]
mod tests {
    use super::same_bytes;

    #[test]
    fn same_bytes_finds_a_difference_at_any_byte_of_any_length() {
        let base: Vec<u8> = (0..40u8).map(|b| b'a' + b % 26).collect();
        for len in 0..base.len() {
            let a = &base[..len];
            assert!(same_bytes(a, a));
            assert!(!same_bytes(a, &base[..len + 1]));
            for at in 0..len {
                let mut b = a.to_vec();
                b[at] ^= 0x20;
                assert!(!same_bytes(a, &b), "length {len}, byte {at}");
            }
        }
    }
}
