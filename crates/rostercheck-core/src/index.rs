//! What the engine remembers between rows and files: compact 64-bit keys of every sourcedId
//! (plus a tag byte and the line it was defined on) and the references still waiting for their
//! target. Memory grows with distinct ids, not with bytes.

// Indexes are `FileKind as usize` into tables sized by `FileKind::ALL`.
#![allow(clippy::indexing_slicing)]

use hashbrown::HashMap;

use crate::spec::{FileKind, RefConstraint};

/// 64-bit hash of an identifier. Collisions among 10 million ids are ~3 in a million runs,
/// and would only hide a finding, never invent one.
pub fn key(id: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(id.as_bytes())
}

/// Key of a value compared ignoring case and surrounding spaces (usernames, emails).
pub fn folded_key(value: &str) -> u64 {
    let trimmed = value.trim();
    if trimmed.bytes().any(|b| b.is_ascii_uppercase()) || !trimmed.is_ascii() {
        key(&trimmed.to_lowercase())
    } else {
        key(trimmed)
    }
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

#[derive(Clone, Copy, Debug, Default)]
pub struct Entry {
    /// Line where the record is defined (saturates at u32::MAX).
    pub line: u32,
    pub tag: u8,
    pub flags: u8,
}

/// sourcedIds seen per file kind.
#[derive(Default)]
pub struct Index {
    tables: Vec<HashMap<u64, Entry>>,
    /// classes: class key → school key.
    pub class_school: HashMap<u64, u64>,
}

impl Index {
    pub fn new() -> Index {
        Index {
            tables: (0..FileKind::ALL.len()).map(|_| HashMap::new()).collect(),
            class_school: HashMap::new(),
        }
    }

    pub fn table(&self, kind: FileKind) -> &HashMap<u64, Entry> {
        &self.tables[kind as usize]
    }

    pub fn table_mut(&mut self, kind: FileKind) -> &mut HashMap<u64, Entry> {
        &mut self.tables[kind as usize]
    }

    /// Records `id`; returns the line of an earlier definition if there was one.
    pub fn define(&mut self, kind: FileKind, key: u64, line: u64, tag: u8) -> Option<u32> {
        let line = u32::try_from(line).unwrap_or(u32::MAX);
        match self.tables[kind as usize].entry(key) {
            hashbrown::hash_map::Entry::Occupied(e) => Some(e.get().line),
            hashbrown::hash_map::Entry::Vacant(v) => {
                v.insert(Entry {
                    line,
                    tag,
                    flags: 0,
                });
                None
            }
        }
    }

    pub fn get(&self, kind: FileKind, key: u64) -> Option<Entry> {
        self.tables[kind as usize].get(&key).copied()
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
