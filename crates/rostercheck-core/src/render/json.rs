//! The JSON report: `{"tool", "package", "summary", "diagnostics"}`, documented in the README.
//! Scripts depend on it: add fields, never rename or remove them.

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::report::{Report, Summary};
use crate::session::PackageInfo;

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Json<'a> {
    tool: Tool,
    package: Option<&'a PackageInfo>,
    summary: &'a Summary,
    diagnostics: &'a [Diagnostic],
}

pub fn render(report: &Report) -> String {
    let json = Json {
        tool: Tool {
            name: "rostercheck",
            version: crate::VERSION,
        },
        package: report.package.as_ref(),
        summary: &report.summary,
        diagnostics: &report.diagnostics,
    };
    serde_json::to_string_pretty(&json).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

#[derive(Serialize)]
struct RuleJson {
    code: &'static str,
    name: &'static str,
    severity: crate::diagnostic::Severity,
    summary: &'static str,
    what: &'static str,
    why: &'static str,
    example: &'static str,
    fix: &'static str,
    spec: &'static str,
}

/// Every rule with its documentation, for `rostercheck rules --format json` and the page.
pub fn rules() -> String {
    let list: Vec<RuleJson> = crate::rules::ALL
        .iter()
        .map(|r| RuleJson {
            code: r.code,
            name: r.name,
            severity: r.severity,
            summary: r.summary,
            what: r.docs.what,
            why: r.docs.why,
            example: r.docs.example,
            fix: r.docs.fix,
            spec: r.docs.spec,
        })
        .collect();
    serde_json::to_string_pretty(&list).unwrap_or_default()
}
