//! The push-based validation session: `plan` the package, then for each file `begin_file`,
//! `feed` chunks of any size, `end_file`; then `finish`. Diagnostics go to a [`Sink`] as they
//! are found; the same calls serve the CLI (64 KiB reads) and the browser worker.

// Indexes here are into the engine's own tables (plan positions, spec columns, the file list),
// computed from the header of the same file; raw input is read through `Record::field` and `get`.
#![allow(clippy::indexing_slicing)]

use crate::csv::{
    scan_quotes, sniff, Event, QuoteProblem, Record, RecordBatch, RecordReader, Sniffed,
};
use crate::diagnostic::{Diagnostic, Severity, Sink, WithRaw};
use crate::header::{self, Plan};
use crate::index::{self, flag, tag, Group, Groups, Index, Problem};
use crate::manifest::{self, Declared, Manifest, Mode};
use crate::overview::{Overview, OverviewBuilder};
use crate::rules::{encoding, package, quality, record, reference, value as value_rules, Rule};
use crate::spec::{FileKind, RefConstraint, Required, ValueType, Version};
use crate::values::{self, Finding};
use crate::{hierarchy, package_files};

mod clean_row;
mod part;
pub use part::Part;

/// Where the version the checks used came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum VersionSource {
    Manifest,
    Inferred,
}

/// What the session learned about one file.
#[derive(Clone, Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileInfo {
    /// The name inside the package, as given (without any enclosing folder).
    pub name: String,
    /// The OneRoster file it was checked as (`users.csv`).
    pub kind: &'static str,
    pub mode: Option<Mode>,
    /// Data rows (the header excluded).
    pub rows: u64,
    pub bytes: u64,
    /// False when the file could not be read as OneRoster CSV at all.
    pub checked: bool,
}

/// The package as the session saw it.
#[derive(Clone, Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageInfo {
    pub version: Option<&'static str>,
    pub version_source: VersionSource,
    pub files: Vec<FileInfo>,
    /// Schools, people, classes and grades, as counted from the files.
    pub overview: Overview,
}

/// A file of the package, as planned.
#[derive(Clone)]
struct Entry {
    name: String,
    kind: Option<FileKind>,
    info_index: Option<usize>,
}

struct FileState {
    kind: FileKind,
    name: String,
    info: usize,
    sniff_buffer: Vec<u8>,
    sniffed: bool,
    skip: bool,
    /// Taken out while it calls back into the session (building a reader is costly: csv-core
    /// compiles its state machine).
    reader: Option<RecordReader>,
    plan: Option<Plan>,
    header_seen: bool,
    mode: Option<Mode>,
    mode_declared: bool,
    /// Rows ending in extra empty fields have been reported once.
    reported_tail: bool,
    blank_lines: BlankLines,
    /// The header line as written, to recognise it repeated further down.
    header_raw: Vec<u8>,
    /// A row length judged to be the header's plus empty trailing fields.
    tail_width: Option<usize>,
    /// Rows whose status columns contradict the file's mode.
    bulk_filled: ModeMismatch,
    delta_missing: ModeMismatch,
    columns: Columns,
    manifest_rows: Vec<manifest::Row>,
    findings: Vec<Finding>,
    empty_required: Vec<(usize, &'static str)>,
    /// By header position, the last few values of a column whose values repeat (codes,
    /// dates, lists) that its value checks found nothing in: the same value is not checked
    /// again.
    clean_values: Vec<CleanValues>,
    /// The file's size, when the caller knows it (to size the id tables once).
    expected_bytes: Option<u64>,
    /// Bytes of the rows read so far.
    row_bytes: u64,
    /// Rows with the wrong field count so far.
    misaligned: u64,
    /// Whether the row's sourcedId passed the value checks (None: not checked there).
    sourced_id_valid: Option<bool>,
    /// The row's sourcedId key, when the look-ahead hashed it as written (see `flush_rows`).
    sourced_id_key: Option<u64>,
    /// Rows read but not yet checked (see `flush_rows`).
    batch: RecordBatch,
    /// Header positions of single-valued references, and the file each refers to.
    lookahead: Vec<(usize, FileKind)>,
    /// By header position: the index in `lookahead` of the reference there, if any.
    lookahead_slot: Vec<Option<usize>>,
    /// The keys of those references for every row of the batch (`row * lookahead.len() + i`),
    /// hashed once for the look-ahead and reused by the checks.
    batch_keys: Vec<u64>,
    /// The keys of the batch's sourcedIds as written, one per row (see `flush_rows`).
    batch_id_keys: Vec<u64>,
    /// In users.csv, the folded keys of each row's username and email (None: not UTF-8), two
    /// per row.
    batch_folded_keys: Vec<Option<u64>>,
    /// The batch row being checked (None when rows are checked one by one).
    batch_row: Option<usize>,
    /// Per look-ahead reference of the row being checked: its key and where the lookup found
    /// it (None: not looked up), so the record rules do not look it up again.
    hits: Vec<Option<Hit>>,
    /// How this file's clean rows are checked without `check_row`, when they can be (see
    /// `session/clean_row.rs`).
    clean_rows: Option<Box<clean_row::CleanRows>>,
    /// False while a forked session reads the header before its part (see `session/part.rs`).
    checking: bool,
    /// Where checking started, for a session that checks the second part of a file.
    part_start: Option<part::Start>,
    /// A row had another number of fields than the header (how such rows are reported
    /// depends on the rows before them).
    irregular: bool,
}

/// A reference looked up in a file already read: its key, and its entry's position.
#[derive(Clone, Copy)]
struct Hit {
    key: u64,
    position: Option<usize>,
}

/// Rows whose `status`/`dateLastModified` contradict the file's bulk or delta mode.
#[derive(Default)]
struct ModeMismatch {
    count: u64,
    lines: Vec<u64>,
    column: &'static str,
    position: Option<usize>,
    value: Option<String>,
}

impl ModeMismatch {
    fn shift_lines(&mut self, by: u64) {
        for line in &mut self.lines {
            *line += by;
        }
    }

    /// Adds the rows of a later part of the file (the first row's column and value stay).
    fn absorb(&mut self, later: ModeMismatch) {
        if later.count == 0 {
            return;
        }
        if self.count == 0 {
            self.column = later.column;
            self.position = later.position;
            self.value = later.value;
        }
        self.count += later.count;
        let room = LISTED_LINES.saturating_sub(self.lines.len());
        self.lines.extend(later.lines.into_iter().take(room));
    }
}

/// Lines listed in a finding that sums up rows (blank lines, bulk/delta mismatches).
const LISTED_LINES: usize = 5;

/// Header positions the record rules use, resolved once per file.
#[derive(Default)]
struct Columns {
    sourced_id: Option<usize>,
    status: Option<usize>,
    date_last_modified: Option<usize>,
    kind_type: Option<usize>,
    role: Option<usize>,
    start: Option<usize>,
    end: Option<usize>,
    username: Option<usize>,
    email: Option<usize>,
    class: Option<usize>,
    school: Option<usize>,
    user: Option<usize>,
    subjects: Option<usize>,
    subject_codes: Option<usize>,
    parent: Option<usize>,
    name: Option<usize>,
    orgs: Option<usize>,
    org: Option<usize>,
    grades: Option<usize>,
    role_type: Option<usize>,
    objective_source: Option<usize>,
    objective: Option<usize>,
}

/// Validates one package. See the module docs for the call sequence.
pub struct Session {
    entries: Vec<Entry>,
    files: Vec<FileInfo>,
    present: Vec<FileKind>,
    manifest: Option<Manifest>,
    has_manifest: bool,
    version: Version,
    version_source: VersionSource,
    version_settled: bool,
    done: Vec<bool>,
    /// Files that were present but could not be read as OneRoster rows (UTF-16, not CSV, not
    /// OneRoster): references into them are not reported, their own finding explains.
    unreadable: Vec<bool>,
    /// Files with a header and no rows: references into them are summed up per column.
    empty: Vec<bool>,
    empty_refs: std::collections::BTreeMap<(FileKind, usize, usize, FileKind), (u64, u64)>,
    /// Files where an unbalanced quote swallowed records: references into them that do not
    /// resolve are not reported (the OR105 finding explains).
    damaged: Vec<bool>,
    index: Index,
    /// Reference problems to report at the end of the current file.
    ready: Groups,
    /// References waiting for a target file that has not been read yet, per target kind.
    pending: Vec<Groups>,
    /// A session forked before users.csv to check roles.csv (`Session::forks_deferring`): its
    /// references to users, and the role bits its rows give them, by key, looked up and set
    /// when its part is taken in.
    deferred_refs: part::DeferredRefs,
    deferred_tags: Vec<(u64, u8)>,
    current: Option<FileState>,
    hierarchy: hierarchy::Hierarchy,
    overview: OverviewBuilder,
    usernames: index::IdLog,
    emails: index::IdLog,
    scratch: Vec<Diagnostic>,
    /// Run the reference behaviour: every byte through csv-core, a plain map for ids.
    unoptimised: bool,
    /// The field texts of the row being checked, and its trimmed non-empty values (both kept
    /// empty between rows).
    texts: Vec<Option<&'static str>>,
    cells: Vec<Option<&'static str>>,
    /// A finished file's reader, reset and reused for the next file.
    spare_reader: Option<RecordReader>,
    /// The largest id log of a finished file that nothing looks up in (usernames, emails,
    /// enrollments…), emptied: the next such file's log takes its room, whose memory has been
    /// written already (first touches of fresh memory are most of the run's page faults).
    spare_log: Vec<u64>,
    /// For a session made by `fork`: the overview as it was then.
    fork_base: Option<Box<OverviewBuilder>>,
    /// Files whose second part was checked by a forked session and absorbed.
    parts_absorbed: usize,
    /// Rows recorded by the clean rows' path (`clean_row.rs`).
    clean_path_rows: u64,
}

impl Default for Session {
    fn default() -> Self {
        Session::new()
    }
}

impl Session {
    pub fn new() -> Session {
        Session {
            entries: Vec::new(),
            files: Vec::new(),
            present: Vec::new(),
            manifest: None,
            has_manifest: false,
            version: Version::V1_2,
            version_source: VersionSource::Inferred,
            version_settled: false,
            done: vec![false; FileKind::ALL.len()],
            unreadable: vec![false; FileKind::ALL.len()],
            damaged: vec![false; FileKind::ALL.len()],
            empty: vec![false; FileKind::ALL.len()],
            empty_refs: std::collections::BTreeMap::new(),
            index: Index::new(false),
            ready: Groups::default(),
            pending: (0..FileKind::ALL.len())
                .map(|_| Groups::default())
                .collect(),
            deferred_refs: part::DeferredRefs::default(),
            deferred_tags: Vec::new(),
            current: None,
            hierarchy: hierarchy::Hierarchy::default(),
            overview: OverviewBuilder::default(),
            usernames: index::IdLog::new(false),
            emails: index::IdLog::new(false),
            scratch: Vec::new(),
            unoptimised: false,
            texts: Vec::new(),
            cells: Vec::new(),
            spare_reader: None,
            spare_log: Vec::new(),
            fork_base: None,
            parts_absorbed: 0,
            clean_path_rows: 0,
        }
    }

    /// The reference behaviour the optimised paths are tested against: every byte through
    /// csv-core, ids in a plain hash map with duplicates found row by row. Same findings, same
    /// order, slower.
    pub fn unoptimised() -> Session {
        Session {
            unoptimised: true,
            index: Index::new(true),
            usernames: index::IdLog::new(true),
            emails: index::IdLog::new(true),
            ..Session::new()
        }
    }

    /// The size in bytes of the current file, when known: lets the session size its tables
    /// once instead of regrowing them (less time, lower peak memory). Optional.
    pub fn size_hint(&mut self, bytes: u64) {
        if let Some(file) = self.current.as_mut() {
            file.expected_bytes = Some(bytes);
        }
    }

    /// Distinct sourcedIds kept for reference checks, and the bytes their tables hold.
    pub fn id_footprint(&self) -> (usize, usize) {
        self.index.footprint()
    }

    /// Takes the names of every file in the package (paths inside a zip are fine) and returns
    /// the indexes of the files to feed, in the order to feed them. Files that are not
    /// OneRoster CSVs are reported here and left out.
    pub fn plan(&mut self, names: &[String], sink: &mut dyn Sink) -> Vec<usize> {
        let planned = package_files::plan(names, sink);
        for p in &planned.files {
            let info_index = p.kind.map(|kind| {
                self.files.push(FileInfo {
                    name: p.name.clone(),
                    kind: kind.file_name(),
                    mode: None,
                    rows: 0,
                    bytes: 0,
                    checked: false,
                });
                self.present.push(kind);
                self.files.len() - 1
            });
            self.entries.push(Entry {
                name: p.name.clone(),
                kind: p.kind,
                info_index,
            });
        }
        self.has_manifest = self.present.contains(&FileKind::Manifest);
        if !self.has_manifest {
            sink.push(Diagnostic::new(
                &package::MISSING_MANIFEST,
                "The package has no manifest.csv",
                "add the manifest your SIS exports with the files (it states the OneRoster version and whether each file is bulk or delta); consumers such as ClassLink and Amplify SFTP reject packages without it",
            ));
            self.infer_version_from_names();
            if !self.present.contains(&FileKind::Users) {
                self.version_settled = true;
                sink.push(Diagnostic::new(
                    &package::VERSION_INFERRED,
                    format!(
                        "Checked as OneRoster {}, judged from the file names",
                        self.version.as_str()
                    ),
                    "add a manifest.csv with oneroster.version so consumers do not have to guess",
                ));
            }
        }
        let mut order: Vec<usize> = (0..self.entries.len())
            .filter(|i| self.entries[*i].kind.is_some())
            .collect();
        // Without a manifest, users.csv goes first: its header tells 1.1 from 1.2.
        let rank = |k: FileKind, no_manifest: bool| {
            if no_manifest && k == FileKind::Users {
                0
            } else {
                k as usize + 1
            }
        };
        let no_manifest = !self.has_manifest;
        order.sort_by_key(|i| (self.entries[*i].kind.map(|k| rank(k, no_manifest)), *i));
        order
    }

    /// 1.2 when a file only 1.2 defines is present, else 1.1.
    fn version_from_names(&self) -> Version {
        if self
            .present
            .iter()
            .any(|k| !Version::V1_1.spec().defines(*k))
        {
            Version::V1_2
        } else {
            Version::V1_1
        }
    }

    fn infer_version_from_names(&mut self) {
        self.version = self.version_from_names();
        self.version_source = VersionSource::Inferred;
    }

    /// Rows this session recorded by the clean rows' path (not those of a part checked apart).
    /// A report is the same either way: this shows that the short path is taken.
    pub fn clean_path_rows(&self) -> u64 {
        self.clean_path_rows
    }

    /// Data rows read so far, over all files (for progress displays).
    pub fn rows(&self) -> u64 {
        self.files.iter().map(|f| f.rows).sum()
    }

    /// Starts the file with index `index` (as given to [`Session::plan`]).
    pub fn begin_file(&mut self, index: usize) {
        let entry = &self.entries[index];
        let (Some(kind), Some(info)) = (entry.kind, entry.info_index) else {
            return;
        };
        self.current = Some(FileState {
            kind,
            name: entry.name.clone(),
            info,
            sniff_buffer: Vec::new(),
            sniffed: false,
            skip: false,
            reader: Some(self.spare_reader.take().unwrap_or_else(|| {
                let mut reader = RecordReader::new();
                reader.set_fast_path(!self.unoptimised);
                reader
            })),
            expected_bytes: None,
            row_bytes: 0,
            batch: RecordBatch::default(),
            lookahead: Vec::new(),
            lookahead_slot: Vec::new(),
            batch_keys: Vec::new(),
            batch_row: None,
            hits: Vec::new(),
            clean_rows: None,
            checking: true,
            part_start: None,
            irregular: false,
            misaligned: 0,
            sourced_id_valid: None,
            sourced_id_key: None,
            batch_id_keys: Vec::new(),
            batch_folded_keys: Vec::new(),
            plan: None,
            header_seen: false,
            mode: None,
            mode_declared: false,
            reported_tail: false,
            blank_lines: BlankLines::default(),
            header_raw: Vec::new(),
            tail_width: None,
            bulk_filled: ModeMismatch::default(),
            delta_missing: ModeMismatch::default(),
            columns: Columns::default(),
            manifest_rows: Vec::new(),
            findings: Vec::new(),
            empty_required: Vec::new(),
            clean_values: Vec::new(),
        });
        // The ids of a file no other file refers to, usernames and emails are only compared
        // with each other: kept as bare keys, their lines apart.
        if !kind.is_referenced() {
            self.index.table_mut(kind).keys_only();
        }
        if kind == FileKind::Users {
            self.usernames.keys_only();
            self.emails.keys_only();
        }
        if kind != FileKind::Manifest && !self.version.spec().defines(kind) {
            let version = self.version;
            let file = self.current.as_mut().map(|f| {
                f.skip = true;
                f.name.clone()
            });
            let name = file.unwrap_or_default();
            self.emit_now(
                Diagnostic::new(
                    &package::UNKNOWN_FILE,
                    format!("{} is not a OneRoster {} file", kind.file_name(), version.as_str()),
                    format!(
                        "{} exists only in OneRoster {}; remove it, or declare oneroster.version {} if the package follows it",
                        kind.file_name(),
                        version.other().as_str(),
                        version.other().as_str()
                    ),
                )
                .file(&name),
            );
        } else if let Some(m) = &self.manifest {
            let declared = m.declared(kind);
            if let Some(f) = self.current.as_mut() {
                if let Some((Declared::Present(mode), _)) = declared {
                    f.mode = Some(mode);
                    f.mode_declared = true;
                }
            }
        }
    }

    /// Feeds the next chunk of the current file.
    pub fn feed(&mut self, chunk: &[u8], sink: &mut dyn Sink) {
        let Some(mut file) = self.current.take() else {
            return;
        };
        self.files[file.info].bytes += chunk.len() as u64;
        if !file.skip {
            if file.sniffed {
                self.read(&mut file, chunk, sink);
            } else {
                file.sniff_buffer.extend_from_slice(chunk);
                if file.sniff_buffer.len() >= crate::csv::SNIFF_LEN {
                    self.decide(&mut file, sink);
                }
            }
        }
        self.current = Some(file);
    }

    /// Gives up on the current file (a zip entry that is encrypted, uses an unknown compression,
    /// is damaged or looks like a zip bomb): reports `reason` and ends the file.
    pub fn fail_file(&mut self, reason: &str, sink: &mut dyn Sink) {
        let Some(mut file) = self.current.take() else {
            return;
        };
        // The rows read whole before it are checked, waiting for their look-ahead or not
        // (which rows wait depends on where the file was cut in parts).
        self.flush_rows(&mut file, sink);
        let file = self.current.insert(file);
        file.skip = true;
        sink.push(
            Diagnostic::new(
                &package::UNREADABLE_ENTRY,
                format!("{} could not be read: {reason}", file.name),
                "re-create the zip from the exported files (standard deflate compression, no password) and check it again; the other files were checked",
            )
            .file(&file.name),
        );
        self.end_file(sink);
    }

    /// Ends the current file.
    pub fn end_file(&mut self, sink: &mut dyn Sink) {
        let Some(mut file) = self.current.take() else {
            return;
        };
        if !file.skip && !file.sniffed {
            self.decide(&mut file, sink);
        }
        if let Some(mut reader) = file.reader.take() {
            let lone_crs = if file.skip {
                0
            } else {
                reader.finish(&mut |event| self.on_event(&mut file, event, sink));
                self.flush_rows(&mut file, sink);
                reader.lone_crs()
            };
            // Kept for the next file, also when this one was skipped.
            reader.reset();
            self.spare_reader = Some(reader);
            if lone_crs > 0 && !file.skip {
                sink.push(
                    Diagnostic::new(
                        &encoding::OLD_MAC_LINE_ENDINGS,
                        format!("{} ends its lines with a carriage return only (old Mac format)", file.name),
                        "save the file with Windows (CRLF) or Unix (LF) line endings; many importers read the whole file as a single line",
                    )
                    .file(&file.name),
                );
            }
        }
        if let Some(d) = file.blank_lines.finding(&file.name) {
            sink.push(d);
        }
        let info = &mut self.files[file.info];
        info.mode = file.mode;
        info.checked = file.plan.as_ref().is_some_and(|p| p.check_rows)
            || (file.kind == FileKind::Manifest && file.header_seen);
        let rows = info.rows;
        if !file.skip {
            if !file.header_seen {
                sink.push(
                    Diagnostic::new(
                        &encoding::EMPTY_FILE,
                        format!("{} is empty", file.name),
                        "a header row is required; re-run the export, or leave the file out and mark it absent in manifest.csv",
                    )
                    .file(&file.name),
                );
            } else if rows == 0 && file.kind != FileKind::Manifest {
                // Stated in the 1.2 binding; for 1.1 the wording is unverified (see the rule docs).
                let severity = if self.version == Version::V1_1 {
                    Severity::Warning
                } else {
                    Severity::Error
                };
                sink.push(
                    Diagnostic::new(
                        &record::HEADER_ONLY_FILE,
                        format!("{} has a header but no data rows", file.name),
                        format!(
                            "files with no rows are not permitted: leave {} out of the package and mark it `absent` in manifest.csv",
                            file.kind.file_name()
                        ),
                    )
                    .file(&file.name)
                    .line(1)
                    .severity(severity),
                );
            }
        }
        for (m, rule, what) in [
            (
                &file.bulk_filled,
                &record::BULK_STATUS_FILLED,
                "filled in a bulk file",
            ),
            (
                &file.delta_missing,
                &record::DELTA_STATUS_MISSING,
                "empty in a delta file",
            ),
        ] {
            if m.count == 0 {
                continue;
            }
            let why = if file.mode_declared {
                "as declared in manifest.csv"
            } else {
                "judged from its first row, since manifest.csv does not declare it"
            };
            let rows = if m.count == 1 {
                String::new()
            } else {
                let lines = crate::diagnostic::lines_list(&m.lines, m.count);
                format!(" on {} rows ({lines})", m.count)
            };
            let help = if rule.code == record::BULK_STATUS_FILLED.code {
                "in bulk files leave status and dateLastModified empty (two commas in a row); if the file holds changes only, declare it delta in manifest.csv"
            } else {
                "delta rows need status (active or tobedeleted) and dateLastModified; if the file is a complete export, declare it bulk in manifest.csv"
            };
            let mut d = Diagnostic::new(
                rule,
                format!("`{}` is {what} ({why}){rows}", m.column),
                help,
            )
            .file(&file.name)
            .line(m.lines[0])
            .field(m.column);
            if let Some(p) = m.position {
                d = d.position(p);
            }
            if let Some(v) = &m.value {
                d = d.value(v);
            }
            sink.push(d);
        }
        if file.kind == FileKind::Manifest {
            self.finish_manifest(&mut file, sink);
        }
        self.done[file.kind as usize] = true;
        // A file that could not be read, or has no rows, explains its own absence: references
        // into it are not reported one by one.
        self.unreadable[file.kind as usize] = file.kind != FileKind::Manifest
            && (file.skip || !file.plan.as_ref().is_some_and(|p| p.check_rows));
        self.empty[file.kind as usize] =
            file.kind != FileKind::Manifest && rows == 0 && !self.unreadable[file.kind as usize];
        match file.kind {
            FileKind::Orgs => {
                self.hierarchy
                    .finish_orgs(&file.name, file.mode == Some(Mode::Delta), sink)
            }
            FileKind::AcademicSessions => self.hierarchy.finish_sessions(&file.name, sink),
            _ => {}
        }
        self.report_duplicates(&file, sink, true);
        if file.kind == FileKind::Classes {
            self.index.seal_class_schools();
        }
        self.resolve_pending(file.kind);
        self.flush_ready(sink);
    }

    /// Ends the package: references still open, manifest against files, data quality.
    /// Returns what the session learned about the package.
    pub fn finish(&mut self, sink: &mut dyn Sink) -> PackageInfo {
        if self.current.is_some() {
            self.end_file(sink);
        }
        // Targets that were never read (absent files) resolve to "missing".
        for kind in FileKind::ALL {
            if !self.pending[kind as usize].is_empty() {
                self.resolve_pending(kind);
            }
        }
        self.flush_ready(sink);
        self.report_empty_refs(sink);
        self.check_dependencies(sink);
        self.check_quality(sink);
        // Report files in processing order (manifest, orgs, …), whatever order they came in.
        self.files
            .sort_by_key(|f| FileKind::from_name(f.kind).map(|k| k as usize));
        PackageInfo {
            version: Some(self.version.as_str()),
            version_source: self.version_source,
            files: self.files.clone(),
            overview: self.overview.finish(),
        }
    }

    fn emit_now(&mut self, d: Diagnostic) {
        self.scratch.push(d);
    }

    /// Decides what the first bytes are, then reads them.
    fn decide(&mut self, file: &mut FileState, sink: &mut dyn Sink) {
        file.sniffed = true;
        let buffer = std::mem::take(&mut file.sniff_buffer);
        let prefix = &buffer[..buffer.len().min(crate::csv::SNIFF_LEN)];
        match sniff(prefix) {
            Sniffed::Text { bom } => {
                for d in self.scratch.drain(..) {
                    sink.push(d);
                }
                let start = if bom {
                    sink.push(
                        Diagnostic::new(
                            &encoding::UTF8_BOM,
                            format!("{} starts with a UTF-8 byte-order mark (BOM)", file.name),
                            "this is allowed and was ignored; if a consumer rejects the first column name, save the file as UTF-8 without BOM",
                        )
                        .file(&file.name)
                        .line(1),
                    );
                    3
                } else {
                    0
                };
                self.read(file, &buffer[start..], sink);
            }
            Sniffed::Utf16 => {
                file.skip = true;
                sink.push(
                    Diagnostic::new(
                        &encoding::UTF16_ENCODING,
                        format!("{} is saved as UTF-16 (Excel's \"Unicode Text\"), not UTF-8", file.name),
                        "in Excel choose File > Save As > \"CSV UTF-8 (Comma delimited)\"; no OneRoster consumer reads UTF-16, so the file was not checked further",
                    )
                    .file(&file.name),
                );
            }
            Sniffed::Binary(what) => {
                file.skip = true;
                sink.push(
                    Diagnostic::new(
                        &encoding::NOT_CSV,
                        format!("{} is {what}, not a CSV text file", file.name),
                        "open it in Excel and use File > Save As > \"CSV UTF-8 (Comma delimited)\", one sheet per file; it was not checked further",
                    )
                    .file(&file.name),
                );
            }
        }
    }

    fn read(&mut self, file: &mut FileState, chunk: &[u8], sink: &mut dyn Sink) {
        if let Some(mut reader) = file.reader.take() {
            reader.feed(chunk, &mut |event| self.on_event(file, event, sink));
            file.reader = Some(reader);
        }
    }

    // (Once per record, from the reader's callback: kept inline there, whatever the size of
    // the checks it leads to, which stay out of line.)
    #[inline(always)]
    fn on_event(&mut self, file: &mut FileState, event: Event<'_>, sink: &mut dyn Sink) {
        if !file.checking && file.header_seen {
            return; // read only: the session checking this part of the file reports it
        }
        match event {
            Event::Record(record) if file.header_seen && !file.skip && !self.unoptimised => {
                file.batch.push(&record);
                if file.batch.len() >= ROW_BATCH || file.batch.byte_len() >= BATCH_BYTES {
                    self.flush_rows(file, sink);
                }
            }
            other => {
                self.flush_rows(file, sink);
                self.handle_event(file, other, sink);
            }
        }
    }

    /// Checks the rows waiting in the batch, in order. First it asks for the memory every
    /// reference of the batch will be looked up in, in a tight loop (natively a prefetch,
    /// which nothing waits for; in WebAssembly a read whose answer is thrown away): the
    /// lookups miss the cache (the users of a city do not fit in it), and issued together
    /// their misses overlap instead of stalling one row at a time; the real checks then find
    /// the entries cached. Findings are the same as checking each row as it arrives.
    fn flush_rows(&mut self, file: &mut FileState, sink: &mut dyn Sink) {
        if file.batch.is_empty() {
            return;
        }
        let batch = std::mem::take(&mut file.batch);
        let width = file.lookahead.len();
        file.batch_keys.clear();
        file.batch_id_keys.clear();
        file.batch_folded_keys.clear();
        let folded = folded_columns(file);
        for record in batch.iter() {
            for &(pos, _) in &file.lookahead {
                file.batch_keys.push(index::key_bytes(record.field(pos)));
            }
            if let Some(pos) = file.columns.sourced_id {
                file.batch_id_keys.push(index::key_bytes(record.field(pos)));
            }
            if folded.iter().any(Option::is_some) {
                for pos in folded {
                    let key = pos.and_then(|p| index::folded_key_bytes(record.field(p)));
                    file.batch_folded_keys.push(key);
                }
            }
        }
        // The rows' sourcedIds (and usernames and emails) meet their filters as they are
        // added, one row at a time: their words are read here together, for the same reason.
        let table = self.index.table(file.kind);
        let mut sum = file
            .batch_id_keys
            .iter()
            .fold(0u64, |sum, key| sum.wrapping_add(table.touch_filter(*key)));
        let logs = [&self.usernames, &self.emails];
        for (key, log) in file.batch_folded_keys.iter().zip(logs.iter().cycle()) {
            sum = sum.wrapping_add(key.map_or(0, |k| log.touch_filter(k)));
        }
        std::hint::black_box(sum);
        for (i, &(_, target)) in file.lookahead.iter().enumerate() {
            if self.done[target as usize] {
                let mut sum = 0u64;
                for key in file.batch_keys.iter().skip(i).step_by(width) {
                    sum = sum.wrapping_add(self.index.touch(target, *key));
                }
                std::hint::black_box(sum);
            }
        }
        for (row, record) in batch.iter_text().enumerate() {
            file.batch_row = Some(row);
            self.handle_event(file, Event::Record(record), sink);
        }
        file.batch_row = None;
        file.batch = batch;
        file.batch.clear();
    }

    fn handle_event(&mut self, file: &mut FileState, event: Event<'_>, sink: &mut dyn Sink) {
        if file.skip {
            return;
        }
        match event {
            Event::BlankLine(line) => file.blank_lines.add(line),
            Event::Oversized { line, end_line } => {
                let what = if file.header_seen {
                    "This record"
                } else {
                    "The header"
                };
                sink.push(
                    Diagnostic::new(
                        &encoding::RECORD_TOO_LONG,
                        // (Lines counted from here, not named: a part of a file checked apart
                        // learns its line numbers only when it is taken in.)
                        format!(
                            "{what}{} is longer than {} MB or has more than 10,000 fields",
                            if end_line > line { format!(" ({} lines from here)", end_line - line + 1) } else { String::new() },
                            crate::csv::MAX_RECORD_BYTES / (1024 * 1024),
                        ),
                        "no OneRoster record is this large: the file is damaged, is not a OneRoster CSV, or has an unclosed quote that swallowed the rest of it; it was skipped",
                    )
                    .file(&file.name)
                    .line(line),
                );
                if !file.header_seen {
                    file.skip = true;
                    file.header_seen = true;
                } else {
                    self.files[file.info].rows += 1;
                    self.damaged[file.kind as usize] = true;
                }
            }
            Event::Record(record) => {
                let mut sink = WithRaw {
                    inner: sink,
                    line: record.line,
                    raw: record.raw,
                };
                if file.header_seen {
                    self.on_row(file, &record, &mut sink);
                    if self.index.table(file.kind).compaction_due()
                        || self.usernames.compaction_due()
                        || self.emails.compaction_due()
                    {
                        self.report_duplicates(file, &mut sink, false);
                    }
                } else {
                    self.on_header(file, &record, &mut sink);
                }
            }
        }
    }

    fn on_header(&mut self, file: &mut FileState, record: &Record<'_>, sink: &mut dyn Sink) {
        file.header_seen = true;
        file.header_raw = record.raw.to_vec();
        let names: Vec<String> = record
            .fields()
            .map(|f| String::from_utf8_lossy(f).into_owned())
            .collect();
        if names.len() == 1 {
            let only = &names[0];
            let sep = if only.contains(';') {
                Some("semicolons")
            } else if only.contains('\t') {
                Some("tabs")
            } else {
                None
            };
            if let Some(sep) = sep {
                file.skip = true;
                sink.push(
                    Diagnostic::new(
                        &encoding::WRONG_DELIMITER,
                        format!("{} is separated by {sep}, not commas", file.name),
                        "OneRoster files are always comma-separated: save as \"CSV UTF-8 (Comma delimited)\" (on European systems set the list separator to a comma first); the file was not checked further",
                    )
                    .file(&file.name)
                    .line(record.line),
                );
                return;
            }
        }
        if file.kind == FileKind::Manifest {
            if names != ["propertyName", "value"] {
                let help = if names.len() == 2
                    && names[0].eq_ignore_ascii_case("propertyName")
                    && names[1].eq_ignore_ascii_case("value")
                {
                    "header names are case-sensitive: write exactly propertyName,value"
                } else {
                    "the first line of manifest.csv must be exactly propertyName,value"
                };
                sink.push(
                    Diagnostic::new(
                        &package::MANIFEST_MALFORMED,
                        format!(
                            "manifest.csv header is \"{}\", not \"propertyName,value\"",
                            names.join(",")
                        ),
                        help,
                    )
                    .file(&file.name)
                    .line(record.line),
                );
            }
            return;
        }
        if !self.has_manifest && !self.version_settled && file.kind == FileKind::Users {
            self.settle_version_from_users(&names, &file.name, sink);
        }
        let mut out = Vec::new();
        let plan = header::compile(file.kind, &names, self.version, &file.name, &mut out);
        for d in out {
            sink.push(d);
        }
        if let Some(plan) = &plan {
            file.lookahead = plan
                .columns
                .iter()
                .enumerate()
                .filter_map(|(pos, col)| {
                    let column = &plan.spec.columns[(*col)?];
                    let target = column.reference?;
                    (column.ty != ValueType::GuidRefList && target != file.kind)
                        .then_some((pos, target))
                })
                .collect();
            file.lookahead_slot = (0..plan.columns.len())
                .map(|pos| file.lookahead.iter().position(|(p, _)| *p == pos))
                .collect();
            let p = |n| plan.position(n);
            file.columns = Columns {
                sourced_id: p("sourcedId"),
                status: p("status"),
                date_last_modified: p("dateLastModified"),
                kind_type: p("type"),
                role: p("role"),
                start: p("startDate").or(p("beginDate")).or(p("assignDate")),
                end: p("endDate").or(p("dueDate")),
                objective_source: p("source"),
                objective: p("learningObjectiveId"),
                username: p("username"),
                email: p("email"),
                class: p("classSourcedId"),
                school: p("schoolSourcedId"),
                user: p("userSourcedId"),
                subjects: p("subjects"),
                subject_codes: p("subjectCodes"),
                parent: p("parentSourcedId"),
                name: p("name"),
                orgs: p("orgSourcedIds"),
                org: p("orgSourcedId"),
                grades: p("grades"),
                role_type: p("roleType"),
            };
        }
        file.plan = plan;
        // (The unoptimised session checks every row the general way.)
        file.clean_rows = (!self.unoptimised)
            .then(|| clean_row::CleanRows::plan(file).map(Box::new))
            .flatten();
    }

    /// Sizes the id tables for the rest of the file, from its size and its first rows.
    fn reserve_for(&mut self, file: &FileState) {
        let Some(expected) = file.expected_bytes else {
            return;
        };
        let per_row = (file.row_bytes / SIZE_SAMPLE_ROWS).max(1);
        // A little over the estimate: rows vary in length.
        let more = (expected.saturating_sub(file.row_bytes) / per_row) * 21 / 20;
        let more = usize::try_from(more).unwrap_or(usize::MAX).min(1 << 28);
        if file.columns.sourced_id.is_some() {
            self.index
                .table_mut(file.kind)
                .reserve_reusing(more, &mut self.spare_log);
        }
        if file.kind == FileKind::Users {
            if file.columns.username.is_some() {
                self.usernames.reserve(more);
            }
            if file.columns.email.is_some() {
                self.emails.reserve(more);
            }
        }
    }

    /// Duplicate sourcedIds, and for users duplicate usernames and emails, of the file just
    /// read (found when its ids are sealed into the index).
    fn report_duplicates(&mut self, file: &FileState, sink: &mut dyn Sink, at_end: bool) {
        let users = file.kind == FileKind::Users;
        let c = &file.columns;
        for (log, position, which) in [
            (
                self.index.table_mut(file.kind),
                c.sourced_id,
                Repeated::SourcedId,
            ),
            (&mut self.usernames, c.username, Repeated::Username),
            (&mut self.emails, c.email, Repeated::Email),
        ] {
            if which != Repeated::SourcedId && !users {
                break;
            }
            // Usernames and emails are only compared within users.csv, and the sourcedIds
            // of a file nothing refers to (enrollments.csv) only with each other: their
            // tables are not kept past the file's end.
            let kept = which == Repeated::SourcedId && file.kind.is_referenced();
            let dups = if at_end && !kept {
                let (dups, room) =
                    std::mem::replace(log, index::IdLog::new(self.unoptimised)).into_duplicates();
                if room.capacity() > self.spare_log.capacity() {
                    self.spare_log = room;
                }
                dups
            } else if at_end {
                log.seal()
            } else if log.compaction_due() {
                log.compact()
            } else {
                continue;
            };
            let rule = which.rule();
            for dup in dups {
                // (One only counted is not written: a file of one row repeated twenty
                // million times has as many duplicates.)
                crate::diagnostic::push_or_count(sink, &file.name, rule, rule.severity, || {
                    which.finding(&file.name, position, dup)
                });
            }
            if !at_end && !sink.keeps(Some(&file.name), rule.code) {
                log.stop_keeping_values();
            }
        }
    }

    fn settle_version_from_users(
        &mut self,
        names: &[String],
        file_name: &str,
        sink: &mut dyn Sink,
    ) {
        self.version_settled = true;
        let score = |v: Version| {
            v.spec().file(FileKind::Users).map_or(0, |f| {
                f.columns
                    .iter()
                    .filter(|c| names.iter().any(|n| n == c.name))
                    .count()
            })
        };
        let (s11, s12) = (score(Version::V1_1), score(Version::V1_2));
        let (version, why) = if s11 > s12 {
            (
                Version::V1_1,
                "users.csv has the 1.1 columns `orgSourcedIds` and `role`".to_owned(),
            )
        } else if s12 > s11 {
            (
                Version::V1_2,
                "users.csv has the 1.2 layout (no `orgSourcedIds` or `role`)".to_owned(),
            )
        } else {
            (
                self.version,
                format!(
                    "users.csv does not match either layout, so {} was assumed",
                    self.version.as_str()
                ),
            )
        };
        self.version = version;
        let _ = file_name;
        sink.push(Diagnostic::new(
            &package::VERSION_INFERRED,
            format!("Checked as OneRoster {}: {why}", version.as_str()),
            "add a manifest.csv with oneroster.version so consumers do not have to guess",
        ));
    }

    // (One caller. Left to the compiler, it went out of line once classes.csv had a clean
    // path, and each enrollment row took about 2% more instructions.)
    #[inline(always)]
    fn on_row(&mut self, file: &mut FileState, record: &Record<'_>, sink: &mut dyn Sink) {
        let line = record.line;
        if record.is_blank() {
            file.blank_lines.add(line);
            return;
        }
        if record.raw == file.header_raw.as_slice() {
            sink.push(
                Diagnostic::new(
                    &encoding::REPEATED_HEADER,
                    "The header row appears again here",
                    "delete this line; if two exports were pasted together, check that the rows after it belong in this file",
                )
                .file(&file.name)
                .line(line),
            );
            return;
        }
        let rows = self.files[file.info].rows + 1;
        self.files[file.info].rows = rows;
        file.row_bytes += record.raw.len() as u64 + 1;
        if rows == SIZE_SAMPLE_ROWS {
            self.reserve_for(file);
        }
        let width = if file.kind == FileKind::Manifest {
            2
        } else {
            file.plan.as_ref().map_or(0, |p| p.width)
        };
        let column_name = |i: usize| {
            file.plan.as_ref().and_then(|p| {
                p.columns
                    .get(i)
                    .copied()
                    .flatten()
                    .map(|c| p.spec.columns[c].name)
            })
        };
        // Structure first: a broken row is one finding, not one per cell.
        // (A line read by a fast path has been found sound in these respects.)
        let fast = record.is_fast();
        let quote = if !fast && memchr::memchr(b'"', record.raw).is_some() && record.raw_complete {
            scan_quotes(record.raw)
        } else {
            None
        };
        let spans_lines = record.end_line > line;
        let first_break = if spans_lines {
            (0..record.len()).find(|i| memchr::memchr2(b'\n', b'\r', record.field(*i)).is_some())
        } else {
            None
        };
        // A quote that never closes (or closes lines later) swallows the lines in between.
        let swallowed = match quote {
            Some(QuoteProblem::Unterminated { field }) => Some(field),
            _ if spans_lines && (!record.terminated || record.len() != width) && width > 0 => {
                first_break
            }
            _ => None,
        };
        if let Some(field) = swallowed {
            let lines = record.end_line - line + 1;
            let mut d = Diagnostic::new(
                &encoding::UNBALANCED_QUOTE,
                format!(
                    "A quoted field opens here and is not closed where it should be: {lines} lines from here were read as one record"
                ),
                "close the quote, or write a quote that is part of the text as two quotes (\"\"); the records on these lines were not checked, and references to them are not reported",
            )
            .file(&file.name)
            .line(line)
            .position(field);
            if let Some(c) = column_name(field) {
                d = d.field(c);
            }
            sink.push(d);
            self.damaged[file.kind as usize] = true;
            self.define_misaligned(file, record, line);
            return;
        }
        if let Some(QuoteProblem::Stray { field }) = quote {
            let mut d = Diagnostic::new(
                &encoding::STRAY_QUOTE,
                format!("Field {} has a double quote inside an unquoted value or after a closing quote", field + 1),
                "quote the whole field and double the inner quotes, e.g. \"Dwayne \"\"The Rock\"\" Johnson\"",
            )
            .file(&file.name)
            .line(line)
            .position(field)
            .value(&String::from_utf8_lossy(record.field(field.min(record.len().saturating_sub(1)))));
            if let Some(c) = column_name(field) {
                d = d.field(c);
            }
            sink.push(d);
        }
        if record.len() != width && width > 0 {
            file.irregular = true;
            // Excel's tail: extra empty fields after the last column (or a header that ends in
            // empty names) shift nothing, so the row is still checked; reported once per file.
            let min = file.plan.as_ref().map_or(width, |p| p.named_width);
            let empty_tail =
                record.len() >= min && (min..record.len()).all(|i| record.field(i).is_empty());
            // Extra empty fields may also come from an unquoted comma earlier in the line; a
            // row shape already judged to be a plain tail is not judged again.
            let tail_only = empty_tail
                && (record.len() <= width
                    || file.tail_width == Some(record.len())
                    || file
                        .plan
                        .as_ref()
                        .is_some_and(|p| extra_fields_cause(p, record).is_none()));
            if tail_only && file.kind != FileKind::Manifest {
                if record.len() > width {
                    file.tail_width = Some(record.len());
                }
                if !file.reported_tail && record.len() > width {
                    file.reported_tail = true;
                    sink.push(
                        Diagnostic::new(
                            &encoding::FIELD_COUNT_MISMATCH,
                            format!(
                                "This row ends with {} extra empty field(s) after the last column (extra commas); later rows like it are not listed",
                                record.len() - width
                            ),
                            "remove the trailing commas (Excel leaves them when a column beyond the data was once used); strict importers count fields and reject the row",
                        )
                        .file(&file.name)
                        .line(line)
                        .severity(Severity::Warning),
                    );
                }
            } else {
                let rule = &encoding::FIELD_COUNT_MISMATCH;
                crate::diagnostic::push_or_count(sink, &file.name, rule, rule.severity, || {
                    field_count(file, record)
                });
                self.define_misaligned(file, record, line);
                return;
            }
        }
        if spans_lines {
            let mut d = Diagnostic::new(
                &encoding::LINE_BREAK_IN_FIELD,
                format!("A field contains a line break: the record runs over {} lines", record.end_line - line + 1),
                "replace the line break with a space; the OneRoster binding does not allow line breaks inside fields",
            )
            .file(&file.name)
            .line(line);
            if let Some(i) = first_break {
                d = d.position(i);
                if let Some(col) = column_name(i) {
                    d = d.field(col);
                }
            }
            sink.push(d);
        }
        let nul = !fast && memchr::memchr(0, record.all_bytes()).is_some();
        if nul {
            let field = (0..record.len())
                .find(|i| memchr::memchr(0, record.field(*i)).is_some())
                .unwrap_or(0);
            sink.push(
                Diagnostic::new(
                    &encoding::NUL_BYTE,
                    format!("Field {} contains a NUL (zero) byte", field + 1),
                    "remove the zero bytes (a damaged or UTF-16 export leaves them); many importers cut the value there",
                )
                .file(&file.name)
                .line(line)
                .position(field),
            );
        }
        // A line with the header's fields and nothing wrong in its structure (its quotes, if
        // any, well placed), in a file whose clean rows have a path of their own: most rows
        // of a large enrollments.csv end here, quoted or not.
        let sound = fast || (quote.is_none() && record.raw_complete && !spans_lines && !nul);
        if sound && record.len() == width && self.clean_row(file, record, line) {
            self.clean_path_rows += 1;
            return;
        }
        // Values as text; a field that is not UTF-8 is reported once and skipped. The buffer
        // is reused from row to row (it holds no borrow between rows: see `recycle`).
        let mut texts: Vec<Option<&str>> = recycle(std::mem::take(&mut self.texts));
        let mut reported_utf8 = false;
        // One validation for the whole record; fields are then cut from it at their
        // boundaries (a boundary inside a character sends that field to its own check).
        let whole = std::str::from_utf8(record.all_bytes()).ok();
        let sep = record.separator_width();
        let mut start = 0;
        for i in 0..record.len() {
            let end = record.field_end(i);
            let text = whole
                .and_then(|w| w.get(start..end))
                .or_else(|| std::str::from_utf8(record.field(i)).ok());
            start = end + sep;
            texts.push(text);
            if text.is_none() && !reported_utf8 {
                reported_utf8 = true;
                sink.push(invalid_utf8(file, record, i));
            }
        }
        if file.kind == FileKind::Manifest {
            if let (Some(Some(p)), Some(Some(v))) = (texts.first(), texts.get(1)) {
                file.manifest_rows.push(manifest::Row {
                    property: (*p).to_owned(),
                    value: (*v).to_owned(),
                    line,
                });
            }
            return;
        }
        if let Some(plan) = file.plan.take() {
            if plan.check_rows {
                self.check_row(file, &plan, &texts, line, record.raw, sink);
            }
            file.plan = Some(plan);
        }
        self.texts = recycle(texts);
    }

    /// A row with the wrong field count is not checked, but its sourcedId (the first column,
    /// before any stray comma) is still recorded so references to it do not cascade.
    fn define_misaligned(&mut self, file: &mut FileState, record: &Record<'_>, line: u64) {
        // A file of millions of broken rows is junk, not ids: past a limit its broken rows
        // claim nothing, and references into it are not reported (it is marked damaged).
        file.misaligned += 1;
        if file.misaligned > MISALIGNED_IDS {
            self.damaged[file.kind as usize] = true;
            return;
        }
        let field = |pos: Option<usize>| {
            pos.filter(|p| *p < record.len())
                .and_then(|p| std::str::from_utf8(record.field(p)).ok())
                .map(str::trim)
        };
        let Some(id) = field(file.columns.sourced_id).filter(|id| values::is_guid(id)) else {
            return;
        };
        let tag = match (file.kind, field(file.columns.kind_type)) {
            (FileKind::Orgs, Some("school")) => tag::ORG_SCHOOL,
            (FileKind::Orgs, Some("district")) => tag::ORG_DISTRICT,
            (FileKind::AcademicSessions, Some("schoolYear")) => tag::SESSION_SCHOOL_YEAR,
            (FileKind::Users, role) => role_bits(role),
            _ => 0,
        };
        self.index
            .table_mut(file.kind)
            .add(index::key(id), line, tag, true, id, record.raw);
        if file.kind == FileKind::Enrollments {
            // Keep the data-quality checks from blaming the user and class of a broken row.
            let teacher = field(file.columns.role) == Some("teacher");
            if let Some(e) = field(file.columns.user)
                .and_then(|u| self.index.table_mut(FileKind::Users).get_mut(index::key(u)))
            {
                e.flags |= flag::HAS_ENROLLMENT;
            }
            if let Some(e) = field(file.columns.class).and_then(|c| {
                self.index
                    .table_mut(FileKind::Classes)
                    .get_mut(index::key(c))
            }) {
                if teacher {
                    e.flags |= flag::HAS_TEACHER;
                }
            }
        }
    }

    fn check_row(
        &mut self,
        file: &mut FileState,
        plan: &Plan,
        texts: &[Option<&str>],
        line: u64,
        row_raw: &[u8],
        sink: &mut dyn Sink,
    ) {
        let version = plan.layout_version;
        let name = file.name.as_str();
        // The row's values trimmed, empty ones as None, for the record rules: trimmed once.
        let mut cells: Vec<Option<&str>> = recycle(std::mem::take(&mut self.cells));
        cells.resize(texts.len(), None);
        file.empty_required.clear();
        file.sourced_id_valid = None;
        file.sourced_id_key = None;
        file.hits.clear();
        file.hits.resize(file.lookahead.len(), None);
        for (pos, col) in plan.columns.iter().enumerate() {
            let (Some(col), Some(Some(raw))) = (*col, texts.get(pos)) else {
                continue;
            };
            let column = &plan.spec.columns[col];
            let mut value: &str = raw;
            // Only a value that starts or ends with a space (or a non-ASCII byte, which may be
            // a Unicode space) can need trimming.
            let edge = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_whitespace() || !b.is_ascii());
            if (edge(value.as_bytes().first()) || edge(value.as_bytes().last()))
                && value.len() != value.trim().len()
            {
                let trimmed = value.trim();
                if trimmed.is_empty() && column.required == Required::Yes {
                    file.empty_required.push((pos, column.name));
                    continue;
                }
                // In an id, code, date or number the spaces make the value wrong for consumers.
                let typed = column.grades || !matches!(column.ty, ValueType::Text | ValueType::Id);
                let what = if trimmed.is_empty() {
                    "is only spaces"
                } else {
                    "has spaces around it"
                };
                sink.push(
                    Diagnostic::new(
                        &value_rules::SURROUNDING_WHITESPACE,
                        format!("`{}` value \"{raw}\" {what}", column.name),
                        if trimmed.is_empty() {
                            "leave empty values truly empty (two commas in a row): a space is a value to consumers"
                        } else if typed {
                            "remove the spaces: consumers compare ids, codes and dates exactly, so this value does not match (it is checked here without them)"
                        } else {
                            "remove the spaces: consumers compare values exactly"
                        },
                    )
                    .file(name)
                    .line(line)
                    .position(pos)
                    .field(column.name)
                    .value(raw)
                    .severity(if typed && !trimmed.is_empty() { Severity::Error } else { Severity::Warning }),
                );
                value = trimmed;
            }
            if value.is_empty() {
                if column.required == Required::Yes {
                    file.empty_required.push((pos, column.name));
                }
                continue;
            }
            if let Some(cell) = cells.get_mut(pos) {
                *cell = Some(value);
            }
            // A single-valued reference is looked up first (with the key the look-ahead
            // hashed from the field as written, unless it was trimmed): an id found among
            // those defined was valid where it was defined, so its syntax is not checked again.
            let slot = file.lookahead_slot.get(pos).copied().flatten();
            let found = match (column.reference, column.ty) {
                (Some(target), ValueType::GuidRef) => {
                    let known = match (slot, file.batch_row) {
                        (Some(i), Some(row)) if value.len() == raw.len() => {
                            file.batch_keys.get(row * file.lookahead.len() + i).copied()
                        }
                        _ => None,
                    };
                    self.look_up_in_read(file.kind, target, value, known)
                }
                _ => None,
            };
            let defined = found.is_some_and(|hit| hit.position.is_some());
            // (A value's checks depend on its column and text only: one they found nothing in
            // finds nothing again. The reference behaviour checks every value.)
            let remembered = !self.unoptimised && repeats(column);
            let known_clean = remembered
                && file
                    .clean_values
                    .get(pos)
                    .is_some_and(|v| v.contains(value.as_bytes()));
            if !defined && !known_clean {
                // (A finding past the listing cap is only counted: it gets no message.)
                let listed = |rule: &'static Rule| sink.keeps(Some(name), rule.code);
                values::check(column, value, version, &listed, &mut file.findings);
                if remembered && file.findings.is_empty() {
                    if file.clean_values.len() <= pos {
                        file.clean_values.resize_with(pos + 1, CleanValues::default);
                    }
                    if let Some(v) = file.clean_values.get_mut(pos) {
                        v.add(value.as_bytes());
                    }
                }
            }
            // An id with no finding has been checked: it is a valid identifier.
            let valid_id = matches!(column.ty, ValueType::Guid | ValueType::GuidRef)
                && file.findings.is_empty();
            if Some(pos) == file.columns.sourced_id {
                file.sourced_id_valid = Some(valid_id);
                if value.len() == raw.len() {
                    file.sourced_id_key = file
                        .batch_row
                        .and_then(|row| file.batch_id_keys.get(row))
                        .copied();
                }
            }
            for f in file.findings.drain(..) {
                if !sink.keeps(Some(name), f.rule.code) {
                    sink.count(Some(name), f.rule, f.severity);
                    continue;
                }
                sink.push(
                    Diagnostic::new(f.rule, f.message, f.help)
                        .severity(f.severity)
                        .file(name)
                        .line(line)
                        .position(pos)
                        .field(column.name)
                        .value(value),
                );
            }
            if let Some(target) = column.reference {
                if column.ty == ValueType::GuidRefList {
                    for item in values::list_items(value) {
                        let item = item.trim();
                        if !item.is_empty() {
                            self.reference(
                                file.kind,
                                col,
                                pos,
                                target,
                                column.constraint,
                                item,
                                false,
                                line,
                                is_term(file.kind, column.name),
                                row_raw,
                                None,
                            );
                        }
                    }
                } else {
                    let hit = self.reference(
                        file.kind,
                        col,
                        pos,
                        target,
                        column.constraint,
                        value,
                        valid_id,
                        line,
                        false,
                        row_raw,
                        found,
                    );
                    if let Some(h) = slot.and_then(|i| file.hits.get_mut(i)) {
                        *h = hit;
                    }
                }
            }
        }
        match file.empty_required.as_slice() {
            [] => {}
            [(pos, col)] => sink.push(
                Diagnostic::new(
                    &value_rules::REQUIRED_VALUE_MISSING,
                    format!("`{col}` is required but empty"),
                    "fill in the value in the SIS and export again; consumers skip records with missing required values",
                )
                .file(name)
                .line(line)
                .position(*pos)
                .field(col),
            ),
            [(pos, col), ..] => {
                let list = file.empty_required.iter().map(|(_, c)| format!("`{c}`")).collect::<Vec<_>>().join(", ");
                sink.push(
                    Diagnostic::new(
                        &value_rules::REQUIRED_VALUE_MISSING,
                        format!("{} required values are empty: {list}", file.empty_required.len()),
                        "fill in the values in the SIS and export again; consumers skip records with missing required values",
                    )
                    .file(name)
                    .line(line)
                    .position(*pos)
                    .field(col),
                )
            }
        }
        self.record_rules(file, &cells, line, row_raw, sink);
        self.cells = recycle(cells);
    }

    #[allow(clippy::too_many_arguments)]
    fn reference(
        &mut self,
        from: FileKind,
        col: usize,
        pos: usize,
        target: FileKind,
        constraint: Option<RefConstraint>,
        value: &str,
        valid_id: bool,
        line: u64,
        term: bool,
        raw: &[u8],
        found: Option<Hit>,
    ) -> Option<Hit> {
        if !valid_id && !values::is_guid(value) {
            return None; // already reported as an invalid id
        }
        if self.unreadable[target as usize] {
            return None;
        }
        if self.empty[target as usize] && target != from {
            self.count_empty_ref(from, col, pos, target, 1, line);
            return None;
        }
        let key = found.map_or_else(|| index::key(value), |hit| hit.key);
        let constraint_or_term = if term { None } else { constraint };
        if self.done[target as usize] && target != from {
            let table = self.index.table(target);
            let position = match found {
                Some(hit) => hit.position,
                None => table.position(key),
            };
            match position.and_then(|p| table.at(p)) {
                Some(entry) => {
                    if let Some(problem) =
                        self.constraint_problem(target, entry, constraint_or_term, term)
                    {
                        self.ready
                            .add(from, col, pos, value, key, line, problem, constraint, raw);
                    }
                }
                None if self.damaged[target as usize] => {}
                None => self.ready.add(
                    from,
                    col,
                    pos,
                    value,
                    key,
                    line,
                    Problem::Missing,
                    constraint,
                    raw,
                ),
            }
            Some(Hit { key, position })
        } else if !term && self.defers(from, target) {
            // Decided when this part is taken in (`forks_deferring`).
            self.deferred_refs.push(key);
            Some(Hit {
                key,
                position: None,
            })
        } else {
            let c = if term { None } else { constraint };
            let problem = if term {
                Problem::TermIsSchoolYear
            } else {
                Problem::Missing
            };
            // Pending: decided when the target file ends (or at finish if it never comes).
            self.pending[target as usize].add(from, col, pos, value, key, line, problem, c, raw);
            None
        }
    }

    /// `value` looked up among the ids of `target` (with its `known` key, if hashed), when
    /// that file has been read (and is not the referring file itself): None otherwise.
    fn look_up_in_read(
        &self,
        from: FileKind,
        target: FileKind,
        value: &str,
        known: Option<u64>,
    ) -> Option<Hit> {
        let read = target != from && self.ids_usable(target);
        read.then(|| self.hit(target, known.unwrap_or_else(|| index::key(value))))
    }

    /// Whether references from `from` to `target` (and the roles roles.csv's rows give users:
    /// `deferred_tags`) are looked up when this session's part is taken in: a session forked
    /// before `target`'s file (`forks_deferring`).
    fn defers(&self, from: FileKind, target: FileKind) -> bool {
        part::defers_to(from) == Some(target)
            && !self.done[target as usize]
            && self.present.contains(&target)
    }

    /// Whether the ids of `target` can be looked up: its file has been read, could be read,
    /// and has rows.
    #[inline]
    fn ids_usable(&self, target: FileKind) -> bool {
        self.done[target as usize]
            && !self.unreadable[target as usize]
            && !self.empty[target as usize]
    }

    /// Where `key` is among the ids of `target`.
    fn hit(&self, target: FileKind, key: u64) -> Hit {
        Hit {
            key,
            position: self.index.table(target).position(key),
        }
    }

    /// The row's reference in column `pos` to `target`: as `check_row` looked it up, or
    /// looked up now.
    fn lookup(&self, file: &FileState, pos: Option<usize>, target: FileKind, value: &str) -> Hit {
        let checked = pos
            .and_then(|pos| file.lookahead_slot.get(pos).copied().flatten())
            .and_then(|i| file.hits.get(i).copied().flatten());
        checked.unwrap_or_else(|| self.hit(target, index::key(value)))
    }

    fn entry(&self, target: FileKind, hit: Hit) -> Option<index::Entry> {
        self.index.table(target).at(hit.position?)
    }

    fn entry_mut(&mut self, target: FileKind, hit: Hit) -> Option<&mut index::Entry> {
        self.index.table_mut(target).at_mut(hit.position?)
    }

    fn constraint_problem(
        &self,
        target: FileKind,
        entry: index::Entry,
        constraint: Option<RefConstraint>,
        term: bool,
    ) -> Option<Problem> {
        if term && target == FileKind::AcademicSessions {
            return (entry.tag == tag::SESSION_SCHOOL_YEAR).then_some(Problem::TermIsSchoolYear);
        }
        match constraint? {
            RefConstraint::School => (entry.tag != tag::ORG_SCHOOL).then_some(Problem::NotSchool),
            RefConstraint::SchoolYear => {
                (entry.tag != tag::SESSION_SCHOOL_YEAR).then_some(Problem::NotSchoolYear)
            }
            RefConstraint::Student => (entry.tag != 0 && entry.tag & tag::ROLE_STUDENT == 0)
                .then_some(Problem::NotStudent),
        }
    }

    /// Decides the references that were waiting for `target`.
    fn resolve_pending(&mut self, target: FileKind) {
        let groups = self.pending[target as usize].drain_keyed();
        if self.unreadable[target as usize] {
            return;
        }
        if self.empty[target as usize] {
            for (_, g) in groups {
                self.count_empty_ref(g.from, g.column, g.position, target, g.count, g.lines[0]);
            }
            return;
        }
        let read = self.done[target as usize];
        for (key, mut group) in groups {
            let term = group.problem == Problem::TermIsSchoolYear;
            match self.index.get(target, key) {
                Some(entry) => {
                    if let Some(problem) =
                        self.constraint_problem(target, entry, group.constraint, term)
                    {
                        group.problem = problem;
                        self.ready.insert(key, group);
                    }
                }
                None if self.damaged[target as usize] => {}
                None => {
                    group.problem = Problem::Missing;
                    if read
                        || self.present.contains(&target)
                        || !self.covered_by_dependency(group.from, target)
                    {
                        self.ready.insert(key, group);
                    }
                }
            }
        }
    }

    fn count_empty_ref(
        &mut self,
        from: FileKind,
        col: usize,
        pos: usize,
        target: FileKind,
        count: u64,
        line: u64,
    ) {
        let e = self
            .empty_refs
            .entry((from, col, pos, target))
            .or_insert((0, line));
        e.0 += count;
        e.1 = e.1.min(line);
    }

    /// One finding per column for references into a file that has no rows.
    fn report_empty_refs(&mut self, sink: &mut dyn Sink) {
        for ((from, col, pos, target), (count, line)) in std::mem::take(&mut self.empty_refs) {
            let column = self
                .version
                .spec()
                .file(from)
                .and_then(|f| f.columns.get(col))
                .map_or("reference", |c| c.name);
            let mut d = Diagnostic::new(
                &reference::UNRESOLVED_REFERENCE,
                format!("{} `{column}` value(s) point at {}, which has no rows", count, target.file_name()),
                format!("export the records of {} too: without them consumers drop every row that points at them", target.file_name()),
            )
            .file(self.file_name_of(from))
            .line(line)
            .position(pos)
            .field(column);
            if self.mode_of(from) == Some(Mode::Delta) {
                d = d.severity(Severity::Warning);
            }
            sink.push(d);
        }
    }

    /// A reference into an absent file that OR013 (missing required file) already reports.
    fn covered_by_dependency(&self, from: FileKind, target: FileKind) -> bool {
        self.version
            .spec()
            .file(from)
            .is_some_and(|f| f.required_deps.contains(&target))
    }

    fn flush_ready(&mut self, sink: &mut dyn Sink) {
        for d in self.scratch.drain(..) {
            sink.push(d);
        }
        if self.ready.is_empty() && self.ready.overflow == 0 {
            return;
        }
        for group in self.ready.drain_sorted() {
            let (rule, severity) = self.reference_rule(&group);
            crate::diagnostic::push_or_count(
                sink,
                self.file_name_of(group.from),
                rule,
                severity,
                || self.reference_finding(&group),
            );
        }
        if self.ready.overflow > 0 {
            sink.push(Diagnostic::new(
                &reference::UNRESOLVED_REFERENCE,
                format!("{} more distinct reference problems were not listed", self.ready.overflow),
                "fix the problems listed above first; the package has too many broken references to list them all",
            ));
            self.ready.overflow = 0;
        }
    }

    fn file_name_of(&self, kind: FileKind) -> &str {
        self.files
            .iter()
            .find(|f| f.kind == kind.file_name())
            .map_or(kind.file_name(), |f| f.name.as_str())
    }

    fn mode_of(&self, kind: FileKind) -> Option<Mode> {
        self.files
            .iter()
            .find(|f| f.kind == kind.file_name())
            .and_then(|f| f.mode)
    }

    /// The rule and severity of a reference problem's finding.
    fn reference_rule(&self, group: &Group) -> (&'static Rule, Severity) {
        let rule = match group.problem {
            Problem::Missing => &reference::UNRESOLVED_REFERENCE,
            Problem::NotSchool | Problem::NotSchoolYear | Problem::NotStudent => {
                &reference::WRONG_TARGET_TYPE
            }
            Problem::TermIsSchoolYear => &reference::TERM_IS_SCHOOL_YEAR,
        };
        let warning = match group.problem {
            // (In a delta file the record may have been sent in an earlier export.)
            Problem::Missing => self.mode_of(group.from) == Some(Mode::Delta),
            Problem::NotSchoolYear => true,
            _ => false,
        };
        (
            rule,
            if warning {
                Severity::Warning
            } else {
                rule.severity
            },
        )
    }

    fn reference_finding(&self, group: &Group) -> Diagnostic {
        let file = self.file_name_of(group.from);
        let spec = self.version.spec().file(group.from);
        let column = spec
            .and_then(|s| s.columns.get(group.column))
            .filter(|c| c.reference.is_some())
            .map_or("reference", |c| c.name);
        let target_kind = spec
            .and_then(|s| s.columns.get(group.column))
            .and_then(|c| c.reference);
        let target = target_kind.map_or("its target file", |k| k.file_name());
        let rows = if group.count == 1 {
            "1 row uses it".to_owned()
        } else {
            let lines = crate::diagnostic::lines_list(&group.lines, group.count);
            format!("{} rows use it ({lines})", group.count)
        };
        let v = &group.value;
        let (rule, severity) = self.reference_rule(group);
        let (message, help) = match group.problem {
            Problem::Missing => {
                let present = target_kind.is_some_and(|k| self.present.contains(&k));
                let message = if present {
                    format!("`{column}` \"{v}\" is not a sourcedId in {target}; {rows}")
                } else {
                    format!("`{column}` \"{v}\" cannot be found: {target} is not in the package; {rows}")
                };
                (
                    message,
                    format!("add the record to {target} or correct the id (check for lost leading zeros and changed case); consumers drop rows that point at records they do not have"),
                )
            }
            Problem::NotSchool => (
                format!("`{column}` \"{v}\" names an org that is not of type `school`; {rows}"),
                "point it at the school (orgs.csv type `school`), not the district or a department".to_owned(),
            ),
            Problem::NotSchoolYear => (
                format!("`{column}` \"{v}\" names an academic session that is not of type `schoolYear`; {rows}"),
                "point it at the schoolYear session the course belongs to".to_owned(),
            ),
            Problem::NotStudent => (
                format!("`{column}` \"{v}\" names a user who is not a student; {rows}"),
                "results belong to students: check the user id or the user's role".to_owned(),
            ),
            Problem::TermIsSchoolYear => (
                format!("`{column}` \"{v}\" is a schoolYear session, not a term; {rows}"),
                "point classes at the terms, semesters or grading periods they meet in; add a full-year `term` if the class runs all year".to_owned(),
            ),
        };
        let mut d = Diagnostic::new(rule, message, help)
            .severity(severity)
            .file(file)
            .line(group.lines[0])
            .position(group.position)
            .field(column)
            .value(v);
        if group.problem == Problem::Missing && severity == Severity::Warning {
            d.help
                .push_str(" (in a delta file the record may have been sent in an earlier export)");
        }
        d.raw = group.raw.clone();
        d
    }

    fn finish_manifest(&mut self, file: &mut FileState, sink: &mut dyn Sink) {
        let mut out = Vec::new();
        let present: Vec<FileKind> = self
            .present
            .iter()
            .copied()
            .filter(|k| *k != FileKind::Manifest)
            .collect();
        let m = manifest::read(
            &file.manifest_rows,
            &present,
            self.version_from_names(),
            &mut out,
        );
        for d in out {
            sink.push(d);
        }
        match m.version {
            Some(v) => {
                self.version = v;
                self.version_source = VersionSource::Manifest;
                self.version_settled = true;
            }
            None => {
                self.infer_version_from_names();
                sink.push(Diagnostic::new(
                    &package::VERSION_INFERRED,
                    format!("manifest.csv does not give a usable oneroster.version; checked as OneRoster {}", self.version.as_str()),
                    "set oneroster.version to 1.1 or 1.2 in manifest.csv",
                ));
            }
        }
        // The manifest against the files actually present.
        for &(kind, declared, line) in &m.files {
            let present = self.present.contains(&kind);
            match declared {
                Declared::Present(mode) if !present => sink.push(
                    Diagnostic::new(
                        &package::DECLARED_FILE_MISSING,
                        format!("manifest.csv declares {} as {} but the file is not in the package", kind.file_name(), mode.as_str()),
                        format!("add {} to the export, or set {} to absent", kind.file_name(), kind.manifest_property()),
                    )
                    .file("manifest.csv")
                    .line(line)
                    .field(kind.manifest_property())
                    .value(mode.as_str()),
                ),
                Declared::Absent if present => sink.push(
                    Diagnostic::new(
                        &package::UNDECLARED_FILE,
                        format!("{} is in the package but manifest.csv declares it absent", kind.file_name()),
                        format!("consumers will ignore the file: set {} to bulk or delta, or leave the file out", kind.manifest_property()),
                    )
                    .file("manifest.csv")
                    .line(line)
                    .field(kind.manifest_property())
                    .value("absent"),
                ),
                _ => {}
            }
        }
        for kind in &present {
            if self.version.spec().defines(*kind) && !m.has_row(kind.manifest_property()) {
                sink.push(
                    Diagnostic::new(
                        &package::UNDECLARED_FILE,
                        format!("{} is in the package but manifest.csv has no {} row", kind.file_name(), kind.manifest_property()),
                        format!("add `{},bulk` (or delta) to manifest.csv; consumers skip files the manifest does not declare", kind.manifest_property()),
                    )
                    .file("manifest.csv"),
                );
            }
        }
        self.manifest = Some(m);
    }

    fn check_dependencies(&mut self, sink: &mut dyn Sink) {
        let spec = self.version.spec();
        let mut reported = Vec::new();
        for info in &self.files {
            let Some(kind) = FileKind::from_name(info.kind) else {
                continue;
            };
            let Some(fs) = spec.file(kind) else { continue };
            for dep in fs.required_deps {
                if !self.present.contains(dep) && !reported.contains(&(kind, *dep)) {
                    reported.push((kind, *dep));
                    let delta = info.mode == Some(Mode::Delta);
                    let mut d = Diagnostic::new(
                        &package::MISSING_REQUIRED_FILE,
                        format!("{} needs {}, which is not in the package", kind.file_name(), dep.file_name()),
                        format!(
                            "a bulk package must be complete: export {} too, so every record that {} points at is defined",
                            dep.file_name(),
                            kind.file_name()
                        ),
                    );
                    if delta {
                        d = d.severity(Severity::Warning);
                        d.help.push_str(
                            " (in a delta package the records may have been sent earlier)",
                        );
                    }
                    sink.push(d.file(&info.name));
                }
            }
        }
    }

    fn record_rules(
        &mut self,
        file: &mut FileState,
        cells: &[Option<&str>],
        line: u64,
        raw: &[u8],
        sink: &mut dyn Sink,
    ) {
        let get = |pos: Option<usize>| cell(cells, pos);
        let c = &file.columns;
        let name = file.name.as_str();
        // Bulk / delta.
        let status = get(c.status);
        let modified = get(c.date_last_modified);
        if file.mode.is_none() {
            file.mode = Some(if status.is_some() || modified.is_some() {
                Mode::Delta
            } else {
                Mode::Bulk
            });
        }
        // Collected per file and reported once at its end: one wrong mode is one finding.
        let mismatch = match file.mode {
            Some(Mode::Bulk) if status.is_some() => {
                Some((&mut file.bulk_filled, "status", c.status, status))
            }
            Some(Mode::Bulk) if modified.is_some() => Some((
                &mut file.bulk_filled,
                "dateLastModified",
                c.date_last_modified,
                modified,
            )),
            Some(Mode::Delta) if status.is_none() && c.status.is_some() => {
                Some((&mut file.delta_missing, "status", c.status, None))
            }
            Some(Mode::Delta) if modified.is_none() && c.date_last_modified.is_some() => Some((
                &mut file.delta_missing,
                "dateLastModified",
                c.date_last_modified,
                None,
            )),
            _ => None,
        };
        if let Some((m, column, pos, value)) = mismatch {
            if m.count == 0 {
                m.column = column;
                m.position = pos;
                m.value = value.map(str::to_owned);
            }
            m.count += 1;
            if m.lines.len() < LISTED_LINES {
                m.lines.push(line);
            }
        }
        // Identity.
        let id = get(c.sourced_id);
        let key = id
            .filter(|v| file.sourced_id_valid.unwrap_or_else(|| values::is_guid(v)))
            .map(|id| file.sourced_id_key.unwrap_or_else(|| index::key(id)));
        let kind_tag = match (file.kind, get(c.kind_type)) {
            (FileKind::Orgs, Some("school")) => tag::ORG_SCHOOL,
            (FileKind::Orgs, Some("district")) => tag::ORG_DISTRICT,
            (FileKind::AcademicSessions, Some("schoolYear")) => tag::SESSION_SCHOOL_YEAR,
            (FileKind::Users, _) => role_bits(get(c.role)),
            _ => 0,
        };
        if let (Some(id), Some(key)) = (id, key) {
            self.index
                .table_mut(file.kind)
                .add(key, line, kind_tag, false, id, raw);
        }
        // Date order.
        if let (Some(start), Some(end)) = (get(c.start), get(c.end)) {
            if dates_reversed(start, end) {
                let (sname, ename) = match file.kind {
                    FileKind::AcademicSessions => ("startDate", "endDate"),
                    FileKind::LineItems => ("assignDate", "dueDate"),
                    _ => ("beginDate", "endDate"),
                };
                sink.push(
                    Diagnostic::new(
                        &record::DATES_REVERSED,
                        format!("`{sname}` {start} is after `{ename}` {end}"),
                        "swap or correct the dates: a range that ends before it starts is never active",
                    )
                    .file(name)
                    .line(line)
                    .position(c.end.unwrap_or(0))
                    .field(ename)
                    .value(end),
                );
            }
        }
        // subjects / subjectCodes.
        if let (Some(s), Some(sc)) = (get(c.subjects), get(c.subject_codes)) {
            let (n, m) = (s.split(',').count(), sc.split(',').count());
            if n != m {
                sink.push(
                    Diagnostic::new(
                        &value_rules::SUBJECT_CODES_MISMATCH,
                        format!("`subjects` has {n} item(s) but `subjectCodes` has {m}"),
                        "give one code per subject, in the same order",
                    )
                    .file(name)
                    .line(line)
                    .position(c.subject_codes.unwrap_or(0))
                    .field("subjectCodes")
                    .value(sc),
                );
            }
        }
        // A CASE learning objective is identified by a UUID URN.
        if let (Some("case"), Some(objective)) = (get(c.objective_source), get(c.objective)) {
            if !values::is_uuid_urn(objective) {
                sink.push(
                    Diagnostic::new(
                        &value_rules::LEARNING_OBJECTIVE_NOT_UUID,
                        format!("\"{objective}\" is not a UUID URN, but `source` is `case`"),
                        "CASE objectives are identified as urn:uuid:xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx; copy the identifier from the CASE framework, or set source to `unknown`",
                    )
                    .file(name)
                    .line(line)
                    .position_opt(c.objective)
                    .field("learningObjectiveId")
                    .value(objective),
                );
            }
        }
        match file.kind {
            FileKind::Orgs => {
                if let Some(id) = id {
                    self.hierarchy
                        .add_org(id, get(c.parent), get(c.kind_type), line, c.parent);
                    if get(c.kind_type) == Some("school") {
                        self.overview.school(id, get(c.name));
                    }
                }
            }
            FileKind::AcademicSessions => {
                if let Some(id) = id {
                    self.hierarchy
                        .add_session(id, get(c.parent), line, c.parent);
                }
            }
            FileKind::Classes => {
                self.overview.class(get(c.school));
                let school = get(c.school)
                    .map(|s| self.lookup(file, c.school, FileKind::Orgs, s))
                    .filter(|hit| {
                        self.entry(FileKind::Orgs, *hit)
                            .is_some_and(|e| e.tag == tag::ORG_SCHOOL)
                    })
                    .map(|hit| hit.key);
                if let (Some(k), Some(school)) = (key, school) {
                    self.index.class_school.insert(k, school);
                }
            }
            FileKind::Users => self.user_rules(file, cells, line, raw),
            FileKind::Roles => {
                if get(c.role_type) == Some("primary") {
                    self.overview.person(get(c.org), get(c.role));
                }
                if let Some(user) = get(c.user) {
                    let bits = role_bits(get(c.role));
                    let hit = self.lookup(file, c.user, FileKind::Users, user);
                    if let Some(e) = self.entry_mut(FileKind::Users, hit) {
                        e.tag |= bits;
                    } else if self.defers(FileKind::Roles, FileKind::Users) {
                        self.deferred_tags.push((hit.key, bits));
                    }
                }
            }
            FileKind::Enrollments => {
                self.overview.enrollment();
                self.enrollment_rules(file, cells, line, sink)
            }
            _ => {}
        }
    }

    fn user_rules(&mut self, file: &FileState, cells: &[Option<&str>], line: u64, raw: &[u8]) {
        let get = |pos: Option<usize>| cell(cells, pos);
        let c = &file.columns;
        let role = get(c.role);
        if let Some(grades) = get(c.grades).filter(|_| role.is_none() || role == Some("student")) {
            self.overview.grade(grades);
        }
        if c.role.is_some() {
            let school = get(c.orgs).and_then(|o| o.split(',').next()).map(str::trim);
            self.overview.person(school, role);
        }
        let logs = [&mut self.usernames, &mut self.emails];
        for (i, (pos, log)) in folded_columns(file).into_iter().zip(logs).enumerate() {
            if let Some(value) = get(pos) {
                // (Hashed by the look-ahead from the field as written: folding trims it.)
                let hashed = file
                    .batch_row
                    .and_then(|row| file.batch_folded_keys.get(row * 2 + i))
                    .copied()
                    .flatten();
                let key = hashed.unwrap_or_else(|| index::folded_key(value));
                log.add(key, line, 0, false, value, raw);
            }
        }
    }

    fn enrollment_rules(
        &mut self,
        file: &FileState,
        cells: &[Option<&str>],
        line: u64,
        sink: &mut dyn Sink,
    ) {
        let get = |pos: Option<usize>| cell(cells, pos);
        let c = &file.columns;
        let role = get(c.role);
        let teacher = role == Some("teacher");
        // A deleted enrollment does not place anyone in a class.
        let active = get(c.status) != Some("tobedeleted");
        let school = get(c.school);
        let school_hit = school.map(|s| self.lookup(file, c.school, FileKind::Orgs, s));
        if let Some(class) = get(c.class) {
            let class_hit = self.lookup(file, c.class, FileKind::Classes, class);
            let mismatch = self.school_mismatch(school_hit, class_hit);
            if let Some(e) = self.entry_mut(FileKind::Classes, class_hit) {
                if teacher && active {
                    e.flags |= flag::HAS_TEACHER;
                }
                let class_line = e.line;
                if let (Some(school), true) = (school, mismatch) {
                    sink.push(
                        Diagnostic::new(
                            &reference::ENROLLMENT_SCHOOL_MISMATCH,
                            format!("The enrollment's school \"{school}\" is not the school of class \"{class}\" (classes.csv line {class_line})"),
                            "use the class's schoolSourcedId on the enrollment; HMH and others refuse students registered in a different school from the class",
                        )
                        .file(&file.name)
                        .line(line)
                        .position(c.school.unwrap_or(0))
                        .field("schoolSourcedId")
                        .value(school),
                    );
                }
            }
        }
        let Some(user) = get(c.user) else { return };
        let user_hit = self.lookup(file, c.user, FileKind::Users, user);
        let Some(e) = self.entry_mut(FileKind::Users, user_hit) else {
            return;
        };
        if active {
            e.flags |= flag::HAS_ENROLLMENT;
        }
        let bits = e.tag;
        let user_line = e.line;
        if role_conflict(bits, role) {
            let source = if self.version == Version::V1_1 {
                "users.csv"
            } else {
                "roles.csv"
            };
            let as_ = role.unwrap_or_default();
            sink.push(
                Diagnostic::new(
                    &quality::ROLE_ENROLLMENT_CONFLICT,
                    format!(
                        "User \"{user}\" (users.csv line {user_line}) is {} according to {source}, but this enrollment makes them a {as_}",
                        describe_roles(bits)
                    ),
                    "correct the role on the user or on the enrollment; consumers create accounts by the user's role, so a mismatch gives the wrong person the wrong access",
                )
                .file(&file.name)
                .line(line)
                .position(c.role.unwrap_or(0))
                .field("role")
                .value(as_),
            );
        }
    }

    /// Whether an enrollment's school is another than its class's: only between two real
    /// schools (a wrong org type is reported once, as OR502).
    fn school_mismatch(&self, school: Option<Hit>, class: Hit) -> bool {
        let class_school = class.position.and_then(|p| self.index.class_school(p));
        match (school, class_school) {
            (Some(school), Some(class_school)) => {
                school.key != class_school
                    && self
                        .entry(FileKind::Orgs, school)
                        .is_some_and(|e| e.tag == tag::ORG_SCHOOL)
            }
            _ => false,
        }
    }

    fn check_quality(&mut self, sink: &mut dyn Sink) {
        if !self.done[FileKind::Enrollments as usize]
            || !self.present.contains(&FileKind::Enrollments)
        {
            return;
        }
        // A delta file holds changes, not the whole roster: absences prove nothing.
        let delta = |k: FileKind| self.mode_of(k) == Some(Mode::Delta);
        let users = self.file_name_of(FileKind::Users);
        let check_students = !delta(FileKind::Enrollments) && !delta(FileKind::Users);
        let check_classes = !delta(FileKind::Enrollments) && !delta(FileKind::Classes);
        let mut lines: Vec<u32> = self
            .index
            .table(FileKind::Users)
            .entries()
            .iter()
            .filter(|_| check_students)
            .filter(|e| e.tag & tag::ROLE_STUDENT != 0 && e.flags & flag::HAS_ENROLLMENT == 0)
            .map(|e| e.line)
            .collect();
        lines.sort_unstable();
        for line in lines {
            sink.push(
                Diagnostic::new(
                    &quality::STUDENT_WITHOUT_ENROLLMENT,
                    "This student has no enrollments",
                    "check the student's schedule in the SIS, or leave inactive students out of the export; students without classes are invisible to teachers",
                )
                .file(users)
                .line(line as u64),
            );
        }
        let classes = self.file_name_of(FileKind::Classes);
        let mut lines: Vec<u32> = self
            .index
            .table(FileKind::Classes)
            .entries()
            .iter()
            .filter(|_| check_classes)
            .filter(|e| e.flags & flag::HAS_TEACHER == 0)
            .map(|e| e.line)
            .collect();
        lines.sort_unstable();
        for line in lines {
            sink.push(
                Diagnostic::new(
                    &quality::CLASS_WITHOUT_TEACHER,
                    "This class has no teacher enrollment",
                    "assign the teacher of record in the SIS; HMH and Google Classroom do not create classes without a teacher",
                )
                .file(classes)
                .line(line as u64),
            );
        }
    }
}

/// Empties a vector of borrowed texts so its allocation can be kept across rows whatever the
/// borrow's lifetime (collecting into the same layout reuses the buffer).
fn recycle<'b>(mut texts: Vec<Option<&str>>) -> Vec<Option<&'b str>> {
    texts.clear();
    texts.into_iter().map(|_| None).collect()
}

/// A value that must be unique, seen again.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Repeated {
    SourcedId,
    Username,
    Email,
}

impl Repeated {
    fn rule(self) -> &'static Rule {
        match self {
            Repeated::SourcedId => &record::DUPLICATE_SOURCED_ID,
            Repeated::Username => &quality::DUPLICATE_USERNAME,
            Repeated::Email => &quality::DUPLICATE_EMAIL,
        }
    }

    fn finding(self, file: &str, position: Option<usize>, dup: index::Duplicate) -> Diagnostic {
        let rule = self.rule();
        let (what, help) = match self {
            Repeated::SourcedId => (
                "sourcedId",
                "every record needs its own sourcedId; if both rows are the same record, remove one (consumers keep only one of them)",
            ),
            Repeated::Username => (
                "username",
                "give each person their own login name; single sign-on matches accounts by username",
            ),
            Repeated::Email => (
                "email",
                "give each user their own address or leave it empty; Amplify requires unique emails and Google/SDS match accounts by email",
            ),
        };
        let by = if self == Repeated::SourcedId {
            ""
        } else {
            " by the user"
        };
        let message = match &dup.value {
            Some(v) => format!("{what} \"{v}\" is already used{by} on line {}", dup.first),
            None => format!("This {what} is already used{by} on line {}", dup.first),
        };
        let mut d = Diagnostic::new(rule, message, help)
            .file(file)
            .line(dup.line)
            .position(position.unwrap_or(0))
            .field(what);
        if let Some(v) = &dup.value {
            d = d.value(v);
        }
        d.raw = dup.raw;
        d
    }
}

/// Broken rows whose sourcedId is still recorded, per file.
const MISALIGNED_IDS: u64 = 100_000;

/// Rows read ahead and checked together (see `Session::flush_rows`), and the bytes they may
/// hold (a batch of 16 records of 16 MB would otherwise hold 256 MB).
const ROW_BATCH: usize = 16;
const BATCH_BYTES: usize = 1 << 20;

/// Rows read before the id tables are sized from the file's size (see `size_hint`).
const SIZE_SAMPLE_ROWS: u64 = 1000;

fn is_term(kind: FileKind, column: &str) -> bool {
    kind == FileKind::Classes && column == "termSourcedIds"
}

/// The trimmed, non-empty value at header position `pos` of a row (see `Session::check_row`).
fn cell<'a>(cells: &[Option<&'a str>], pos: Option<usize>) -> Option<&'a str> {
    pos.and_then(|p| cells.get(p).copied().flatten())
}

/// The tables (besides its own) whose entries' tags a file's rows set: roles.csv sets its
/// users' role bits (`record_rules`). A file checked from a fork made before that one must not
/// look ids up in them (`Session::forks_ahead`).
fn tables_tagged_by(kind: FileKind) -> &'static [FileKind] {
    match kind {
        FileKind::Roles => &[FileKind::Users],
        _ => &[],
    }
}

/// The columns of users.csv compared ignoring case, in the order of their logs: usernames
/// (`Session::usernames`), then emails.
fn folded_columns(file: &FileState) -> [Option<usize>; 2] {
    match file.kind {
        FileKind::Users => [file.columns.username, file.columns.email],
        _ => [None, None],
    }
}

/// A few values a column's checks found nothing in (a class's grades, terms and subjects
/// take a handful of values in turn): the oldest gives way to a new one.
#[derive(Default)]
struct CleanValues {
    values: Vec<Vec<u8>>,
    next: usize,
}

impl CleanValues {
    const KEPT: usize = 8;

    fn contains(&self, value: &[u8]) -> bool {
        self.values.iter().any(|v| v.as_slice() == value)
    }

    fn add(&mut self, value: &[u8]) {
        if self.values.len() < Self::KEPT {
            self.values.push(value.to_vec());
        } else if let Some(v) = self.values.get_mut(self.next) {
            v.clear();
            v.extend_from_slice(value);
            self.next = (self.next + 1) % Self::KEPT;
        }
    }
}

/// Whether a column's values repeat from row to row (codes, booleans, dates, years, grades,
/// lists): a value its checks found nothing in is remembered, so they run once per distinct
/// value instead of once per row.
fn repeats(column: &crate::spec::ColumnSpec) -> bool {
    column.grades
        || column.ty.is_list()
        || matches!(
            column.ty,
            ValueType::Enum
                | ValueType::Boolean
                | ValueType::Date
                | ValueType::DateTime
                | ValueType::Year
        )
}

/// Whether `start` is a later date than `end` (both valid dates).
fn dates_reversed(start: &str, end: &str) -> bool {
    matches!((values::parse_date(start), values::parse_date(end)), (Some(a), Some(b)) if a > b)
}

/// Whether an enrollment as `role` contradicts the roles a user's `bits` say it has (none
/// known: no contradiction): a student enrolled by someone who is not a student, or a teacher
/// who is a student or a guardian and not a teacher.
fn role_conflict(bits: u8, role: Option<&str>) -> bool {
    bits != 0
        && match role {
            Some("student") => bits & tag::ROLE_STUDENT == 0,
            Some("teacher") => {
                bits & tag::ROLE_TEACHER == 0
                    && bits & (tag::ROLE_STUDENT | tag::ROLE_GUARDIAN) != 0
            }
            _ => false,
        }
}

fn role_bits(role: Option<&str>) -> u8 {
    match role {
        Some("student") => tag::ROLE_STUDENT,
        Some("teacher") => tag::ROLE_TEACHER,
        Some("parent" | "guardian" | "relative") => tag::ROLE_GUARDIAN,
        Some(_) => tag::ROLE_OTHER,
        None => 0,
    }
}

/// How a user's role bits read in a message.
fn describe_roles(bits: u8) -> &'static str {
    if bits & tag::ROLE_STUDENT != 0 {
        "a student"
    } else if bits & tag::ROLE_TEACHER != 0 {
        "a teacher"
    } else if bits & tag::ROLE_GUARDIAN != 0 {
        "a parent or guardian"
    } else {
        "a staff member who is not a teacher"
    }
}

/// Empty lines of a file, reported once at its end: ten million of them are one finding.
#[derive(Default)]
struct BlankLines {
    count: u64,
    lines: Vec<u64>,
}

impl BlankLines {
    fn shift_lines(&mut self, by: u64) {
        for line in &mut self.lines {
            *line += by;
        }
    }

    fn add(&mut self, line: u64) {
        self.count += 1;
        if self.lines.len() < LISTED_LINES {
            self.lines.push(line);
        }
    }

    /// Adds the blank lines of a later part of the file.
    fn absorb(&mut self, later: BlankLines) {
        self.count += later.count;
        let room = LISTED_LINES.saturating_sub(self.lines.len());
        self.lines.extend(later.lines.into_iter().take(room));
    }

    fn finding(&self, file: &str) -> Option<Diagnostic> {
        let first = *self.lines.first()?;
        let message = if self.count == 1 {
            "This line is empty".to_owned()
        } else {
            let lines = crate::diagnostic::lines_list(&self.lines, self.count);
            format!("{} lines are empty ({lines})", self.count)
        };
        Some(
            Diagnostic::new(
                &encoding::BLANK_LINE,
                message,
                "delete empty lines (and lines of only commas); some importers stop or fail at them",
            )
            .file(file)
            .line(first),
        )
    }
}

fn field_count(file: &FileState, record: &Record<'_>) -> Diagnostic {
    let expected = if file.kind == FileKind::Manifest {
        2
    } else {
        file.plan.as_ref().map_or(0, |p| p.width)
    };
    let got = record.len();
    let cause = match file.plan.as_ref().filter(|_| got > expected) {
        Some(plan) => extra_fields_cause(plan, record)
            .unwrap_or_else(|| "the line ends with extra commas".to_owned()),
        None if got > expected => "a value with a comma is probably not quoted".to_owned(),
        None => "the line is cut short or a separator is missing".to_owned(),
    };
    Diagnostic::new(
        &encoding::FIELD_COUNT_MISMATCH,
        format!("This row has {} but the header has {expected}: {cause}", fields(got)),
        if got > expected {
            "quote values that contain commas and remove stray commas; the values of this row were not checked because they may be in the wrong columns"
        } else {
            "add the missing values (empty ones as two commas in a row) so every row has one field per column; the values of this row were not checked"
        },
    )
    .file(&file.name)
    .line(record.line)
    .value(&String::from_utf8_lossy(record.raw))
}

fn fields(n: usize) -> String {
    if n == 1 {
        "1 field".to_owned()
    } else {
        format!("{n} fields")
    }
}

/// Explains extra fields by trying each way of putting the row back together (rejoining the
/// fields at one column, or dropping a trailing empty field) and keeping the one under which
/// the most typed values become valid.
/// `None` when the extra fields are best explained as empty ones at the end of the line.
fn extra_fields_cause(plan: &Plan, record: &Record<'_>) -> Option<String> {
    let fields: Vec<String> = record
        .fields()
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect();
    let extra = fields.len() - plan.width;
    let mut findings = Vec::new();
    // Typed values that are valid, minus those that are not.
    let mut score = |row: &[String]| -> i64 {
        plan.columns
            .iter()
            .zip(row)
            .filter_map(|(col, v)| col.map(|c| (&plan.spec.columns[c], v.trim())))
            .filter(|(c, v)| {
                !v.is_empty() && (c.grades || !matches!(c.ty, ValueType::Text | ValueType::Id))
            })
            .map(|(c, v)| {
                findings.clear();
                values::check(c, v, plan.layout_version, &|_| false, &mut findings);
                if findings.is_empty() {
                    1
                } else {
                    -1
                }
            })
            .sum()
    };
    let trailing_empty = fields[plan.width..].iter().all(String::is_empty);
    let mut best: Option<(i64, usize)> = None; // (score, position)
    for pos in 0..plan.width {
        if fields[pos].is_empty() || fields[pos + 1].is_empty() {
            continue;
        }
        let mut row = fields[..pos].to_vec();
        row.push(fields[pos..=pos + extra].join(","));
        row.extend_from_slice(&fields[pos + extra + 1..]);
        // The usual causes get a point (an unquoted list, a name written "Doe, John"); a comma
        // in any other value loses one.
        let column = plan.columns[pos].map(|c| &plan.spec.columns[c]);
        let usual = match column {
            Some(c) if c.grades || c.ty.is_list() => {
                let mut problems = Vec::new();
                values::check(c, &row[pos], plan.layout_version, &|_| false, &mut problems);
                if problems.is_empty() {
                    1
                } else {
                    0
                }
            }
            _ if fields[pos + 1].starts_with(' ') => 1,
            _ => -1,
        };
        let s = score(&row) + usual;
        if best.is_none_or(|(b, _)| s > b) {
            best = Some((s, pos));
        }
    }
    let trailing_score = trailing_empty.then(|| score(&fields[..plan.width]));
    match (best, trailing_score) {
        (Some((s, pos)), t) if t.is_none_or(|t| s > t) => {
            let joined = fields[pos..=pos + extra].join(",");
            let name = plan.columns[pos].map_or("a column", |c| plan.spec.columns[c].name);
            let is_list = plan.columns[pos].is_some_and(|c| plan.spec.columns[c].ty.is_list() || plan.spec.columns[c].grades);
            Some(if is_list {
                format!("`{name}` looks like a list written without quotes; write it as one quoted field: \"{joined}\"")
            } else {
                format!("`{name}` looks like a value with a comma that is not quoted; write \"{joined}\"")
            })
        }
        (_, Some(_)) => None,
        _ => Some("a value with a comma is probably not quoted (a list such as \"09,10\" or a name such as \"Doe, John\")".to_owned()),
    }
}

fn invalid_utf8(file: &FileState, record: &Record<'_>, field: usize) -> Diagnostic {
    let bytes = record.field(field);
    let guess = crate::csv::decode_windows_1252(bytes);
    let column = file
        .plan
        .as_ref()
        .and_then(|p| p.columns.get(field).copied().flatten())
        .and_then(|c| file.plan.as_ref().map(|p| p.spec.columns[c].name));
    let what = column.map_or_else(|| format!("Field {}", field + 1), |c| format!("`{c}`"));
    let mut d = Diagnostic::new(
        &encoding::INVALID_UTF8,
        format!("{what} is not valid UTF-8; read as Windows-1252 it says \"{guess}\""),
        "the file was probably saved by Excel as plain \"CSV\" (Windows-1252): re-save it as \"CSV UTF-8 (Comma delimited)\" or export it from the SIS as UTF-8",
    )
    .file(&file.name)
    .line(record.line)
    .position(field)
    .value(&guess);
    if let Some(c) = column {
        d = d.field(c);
    }
    d
}

// The bytes of a forked session and of a part (see `crate::wire` and `session/part.rs`).
crate::wire::wire_enum!(VersionSource { Manifest, Inferred });
crate::wire::wire_struct!(FileInfo {
    name,
    kind,
    mode,
    rows,
    bytes,
    checked
});
crate::wire::wire_struct!(Entry {
    name,
    kind,
    info_index
});
crate::wire::wire_struct!(ModeMismatch {
    count,
    lines,
    column,
    position,
    value
});
crate::wire::wire_struct!(BlankLines { count, lines });
