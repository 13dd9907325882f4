//! The rostercheck engine for the browser. A [`Validator`] wraps one validation session: the
//! page's worker feeds it each file chunk by chunk and takes the findings in batches (one JSON
//! string per batch, which measured faster than building JS objects field by field); the final
//! report is the same JSON the CLI prints with `--format json`.

use rostercheck_core::diagnostic::{Diagnostic, Severity, Sink};
use rostercheck_core::rules::Rule;
use rostercheck_core::{render, Part, Report, Session};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Findings kept for display between two `take_batch` calls, and in the report.
struct Collector {
    report: Report,
    batch: Vec<Diagnostic>,
    /// False in a part's validator: its findings reach the page through the first worker.
    batching: bool,
}

impl Sink for Collector {
    fn keeps(&self, file: Option<&str>, code: &'static str) -> bool {
        self.report.keeps(file, code)
    }

    fn count(&mut self, file: Option<&str>, rule: &'static Rule, severity: Severity) {
        self.report.count(file, rule, severity);
    }

    fn push(&mut self, d: Diagnostic) {
        let listed = self.report.diagnostics.len();
        self.report.push(d);
        if self.batching && self.report.diagnostics.len() > listed {
            if let Some(kept) = self.report.diagnostics.last() {
                self.batch.push(kept.clone());
            }
        }
    }
}

/// A finding as the page shows it: the JSON contract plus the raw line.
#[derive(Serialize)]
struct Shown<'a> {
    #[serde(flatten)]
    diagnostic: &'a Diagnostic,
    raw: Option<&'a str>,
}

#[wasm_bindgen]
pub struct Validator {
    session: Session,
    collector: Collector,
    names: Vec<String>,
    /// A part's validator: its part (sent as bytes, its ids in pieces).
    part: Option<Part>,
}

#[wasm_bindgen]
impl Validator {
    /// A validator for a package made of `names` (paths inside a zip are fine). `max_per_rule`
    /// caps the findings listed per rule and file (0 = all); totals stay exact.
    #[wasm_bindgen(constructor)]
    pub fn new(names: Vec<String>, max_per_rule: usize) -> Validator {
        console_error_panic_hook::set_once();
        Validator {
            session: Session::new(),
            collector: Collector {
                report: Report::new(max_per_rule),
                batch: Vec::new(),
                batching: true,
            },
            names,
            part: None,
        }
    }

    /// The indexes of the files to feed, in order; the others were reported and left out.
    pub fn plan(&mut self) -> Vec<u32> {
        let names = std::mem::take(&mut self.names);
        let order = self.session.plan(&names, &mut self.collector);
        self.names = names;
        order.into_iter().map(|i| i as u32).collect()
    }

    #[wasm_bindgen(js_name = beginFile)]
    pub fn begin_file(&mut self, index: u32) {
        self.session.begin_file(index as usize);
    }

    /// The current file's size in bytes, when known: the engine sizes its tables once.
    #[wasm_bindgen(js_name = sizeHint)]
    pub fn size_hint(&mut self, bytes: f64) {
        if bytes.is_finite() && bytes >= 0.0 {
            self.session.size_hint(bytes as u64);
        }
    }

    pub fn feed(&mut self, chunk: &[u8]) {
        self.session.feed(chunk, &mut self.collector);
    }

    #[wasm_bindgen(js_name = endFile)]
    pub fn end_file(&mut self) {
        self.session.end_file(&mut self.collector);
    }

    /// Gives up on the current file (an encrypted or damaged zip entry, a zip bomb), with the
    /// reason in words; it is reported and the other files are still checked.
    #[wasm_bindgen(js_name = failFile)]
    pub fn fail_file(&mut self, reason: &str) {
        self.session.fail_file(reason, &mut self.collector);
    }

    /// Whether the file `index` can be checked in two parts by two workers: this validator
    /// checks the first part, a validator made by [`Validator::from_fork`] the second.
    pub fn splits(&self, index: u32) -> bool {
        self.session.splits(index as usize)
    }

    /// Whether the file `next` can be checked by another worker from `forkBytes(next)` taken
    /// now, before `beginFile(index)` of the file before it, while this validator reads that
    /// one (see `Session::forks_ahead`).
    #[wasm_bindgen(js_name = forksAhead)]
    pub fn forks_ahead(&self, next: u32, index: u32) -> bool {
        self.session.forks_ahead(next as usize, index as usize)
    }

    /// `forkBytes(index)` that also serves the file `next`, checked ahead (see `forksAhead`):
    /// the other worker makes both validators from these bytes. Undefined when `next` cannot
    /// be checked ahead.
    #[wasm_bindgen(js_name = forkBytesAhead)]
    pub fn fork_bytes_ahead(&self, index: u32, next: u32) -> Option<Vec<u8>> {
        self.session.fork_bytes_ahead(index as usize, next as usize)
    }

    /// Between files, before `beginFile(index)`: what another worker needs to check the
    /// second part of the file `index` (for [`Validator::from_fork`]); undefined when the file
    /// cannot be split.
    #[wasm_bindgen(js_name = forkBytes)]
    pub fn fork_bytes(&self, index: u32) -> Option<Vec<u8>> {
        self.session.fork_bytes(index as usize)
    }

    /// A validator for the second part of a file, from [`Validator::fork_bytes`]. Give it
    /// `beginFile`, the file's first bytes (`readHead`), `startPart`, the bytes from the cut
    /// on (`feed`), then `takePart`. The bytes between the head and the cut are not needed.
    #[wasm_bindgen(js_name = fromFork)]
    pub fn from_fork(bytes: &[u8], max_per_rule: usize) -> Option<Validator> {
        console_error_panic_hook::set_once();
        let mut validator = Validator::new(Vec::new(), max_per_rule);
        validator.session = Session::from_fork_bytes(bytes)?;
        validator.collector.batching = false;
        Some(validator)
    }

    /// Reads the header from the file's first bytes without checking it; returns the bytes it
    /// used (up to their last line break), or -1 when they hold no line break.
    #[wasm_bindgen(js_name = readHead)]
    pub fn read_head(&mut self, head: &[u8]) -> f64 {
        self.session
            .read_head(head, &mut Report::new(0))
            .map_or(-1.0, |n| n as f64)
    }

    /// Starts checking: the bytes fed from here on are the part.
    #[wasm_bindgen(js_name = startPart)]
    pub fn start_part(&mut self) {
        self.session.start_part();
    }

    /// Whether the part fed so far can no longer be taken in (too many distinct broken
    /// references or possible duplicates to merge exactly, among others): the worker checking
    /// it can stop, and the validation worker checks the rest of the file itself.
    #[wasm_bindgen(js_name = partRefused)]
    pub fn part_refused(&self) -> bool {
        self.session.part_refused()
    }

    /// Ends the part and returns it as bytes, all but its ids (`partIdCount`, `partIds`);
    /// empty when there is no part to give.
    #[wasm_bindgen(js_name = takePart)]
    pub fn take_part(&mut self) -> Vec<u8> {
        let findings = std::mem::take(&mut self.collector.report);
        self.part = std::mem::take(&mut self.session).take_part(findings);
        self.part.as_ref().map(Part::to_bytes).unwrap_or_default()
    }

    /// The number of ids of the part `takePart` ended.
    #[wasm_bindgen(js_name = partIdCount)]
    pub fn part_id_count(&self) -> f64 {
        self.part.as_ref().map_or(0, Part::id_count) as f64
    }

    /// The ids `from..to` of the part `takePart` ended, as bytes (for `receivePartIds`).
    #[wasm_bindgen(js_name = partIds)]
    pub fn part_ids(&self, from: f64, to: f64) -> Vec<u8> {
        self.part
            .as_ref()
            .map(|p| p.ids_bytes(from as usize, to as usize))
            .unwrap_or_default()
    }

    /// Optional, once the first part is fed: finishes what does not need the second part.
    #[wasm_bindgen(js_name = endFirstPart)]
    pub fn end_first_part(&mut self) {
        self.session.end_first_part(&mut self.collector);
    }

    /// Receives the second part of the current file from the other worker's `takePart`
    /// (false: not such bytes); its ids follow with `receivePartIds`, then `absorb`. May come
    /// while the first part is still being fed.
    #[wasm_bindgen(js_name = receivePart)]
    pub fn receive_part(&mut self, bytes: &[u8]) -> bool {
        self.part = Part::from_bytes(bytes);
        self.part.is_some()
    }

    /// Receives ids of the part, in order (false: not such bytes).
    #[wasm_bindgen(js_name = receivePartIds)]
    pub fn receive_part_ids(&mut self, bytes: &[u8]) -> bool {
        self.part.as_mut().is_some_and(|p| p.add_ids(bytes))
    }

    /// Forgets a part received and not absorbed (its ids may hold tens of MB).
    #[wasm_bindgen(js_name = dropPart)]
    pub fn drop_part(&mut self) {
        self.part = None;
    }

    /// Takes in the part received, once the first part is fed; false when it could not be
    /// merged exactly (or did not arrive whole): then feed the rest of the file instead.
    pub fn absorb(&mut self) -> bool {
        match self.part.take() {
            Some(part) => self.session.absorb(part, &mut self.collector),
            None => false,
        }
    }

    /// Files whose second part was checked by another worker and absorbed.
    #[wasm_bindgen(js_name = partsAbsorbed)]
    pub fn parts_absorbed(&self) -> u32 {
        self.session.parts_absorbed() as u32
    }

    /// Data rows read so far in the package.
    pub fn rows(&self) -> f64 {
        self.session.rows() as f64
    }

    /// The findings since the last call, as a JSON array (each with a `raw` line when known).
    #[wasm_bindgen(js_name = takeBatch)]
    pub fn take_batch(&mut self) -> String {
        let batch = std::mem::take(&mut self.collector.batch);
        let shown: Vec<Shown<'_>> = batch
            .iter()
            .map(|d| Shown {
                diagnostic: d,
                raw: d.raw.as_deref(),
            })
            .collect();
        serde_json::to_string(&shown).unwrap_or_else(|_| "[]".to_owned())
    }

    /// Ends the package and returns the JSON report (the CLI's `--format json`).
    pub fn finish(&mut self) -> String {
        let info = self.session.finish(&mut self.collector);
        self.collector.report.set_package(info);
        render::json::render(&self.collector.report)
    }

    /// The CSV report (the CLI's `--format csv`), after [`Validator::finish`].
    pub fn csv(&self) -> String {
        render::csv::render(&self.collector.report)
    }
}

/// Every rule with its documentation, as JSON.
#[wasm_bindgen]
pub fn rules() -> String {
    render::json::rules()
}

/// Panics on purpose: the page's recovery from a crashed engine is tested with it.
#[wasm_bindgen(js_name = panicForTest)]
#[allow(clippy::panic)] // deliberate: the page's recovery from a crashed engine is tested with it
pub fn panic_for_test() {
    panic!("rostercheck self-test: a deliberate panic");
}

/// The engine's version.
#[wasm_bindgen]
pub fn version() -> String {
    rostercheck_core::VERSION.to_owned()
}
