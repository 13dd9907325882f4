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
        tool: Tool { name: "rostercheck", version: crate::VERSION },
        package: report.package.as_ref(),
        summary: &report.summary,
        diagnostics: &report.diagnostics,
    };
    serde_json::to_string_pretty(&json).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
