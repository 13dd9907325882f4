//! The rostercheck engine for the browser. A [`Validator`] wraps one validation session: the
//! page's worker feeds it each file chunk by chunk and takes the findings in batches (one JSON
//! string per batch, which measured faster than building JS objects field by field); the final
//! report is the same JSON the CLI prints with `--format json`.

use rostercheck_core::diagnostic::{Diagnostic, Severity, Sink};
use rostercheck_core::rules::Rule;
use rostercheck_core::{render, Report, Session};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Findings kept for display between two `take_batch` calls, and in the report.
struct Collector {
    report: Report,
    batch: Vec<Diagnostic>,
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
        if self.report.diagnostics.len() > listed {
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
            },
            names,
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
