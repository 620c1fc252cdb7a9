//! JSON output, our own versioned schema:
//! `{"version":1,"findings":[…],"summary":{"errors":N,"warnings":N,"advice":N}}`.

use serde::Serialize;

use crate::finding::{Finding, Location, Severity};
use crate::source::Sources;

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    findings: Vec<JsonFinding<'a>>,
    summary: Summary,
    /// Configs the MRA rules did not run on, and why (absent when there are none).
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    notices: &'a [super::Notice],
}

#[derive(Serialize)]
struct Summary {
    errors: usize,
    warnings: usize,
    advice: usize,
    /// Configs (or deployments with errors) the MRA rules did not run on.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    mra_rules_not_run: Vec<String>,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    code: &'a str,
    name: &'a str,
    severity: Severity,
    message: &'a str,
    #[serde(flatten)]
    location: JsonLocation,
    help: Option<&'a str>,
    notes: &'a [String],
    related: Vec<JsonLocation>,
    /// The verified fix, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<crate::fix::JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonLocation {
    file: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    /// Byte offsets `[start, end)` into the file.
    span: [usize; 2],
    label: String,
}

fn location(sources: &Sources, location: &Location) -> JsonLocation {
    let file = sources.get(location.file);
    let (line, column) = file.line_col(location.span.start);
    let (end_line, end_column) = file.line_col(location.span.end);
    JsonLocation {
        file: file.display_name(),
        line,
        column,
        end_line,
        end_column,
        span: [location.span.start, location.span.end],
        label: location.label.clone(),
    }
}

/// The JSON document for these findings, pretty-printed.
pub fn render(findings: &[Finding], sources: &Sources) -> String {
    render_all(&[(findings, sources)])
}

/// One JSON document for the findings of several projects (each with its own sources).
pub fn render_all(parts: &[(&[Finding], &Sources)]) -> String {
    render_with(parts, &[])
}

/// [`render_all`] with the run's notices.
pub fn render_with(parts: &[(&[Finding], &Sources)], notices: &[super::Notice]) -> String {
    let all = || {
        parts
            .iter()
            .flat_map(|(findings, sources)| findings.iter().map(move |f| (f, *sources)))
    };
    let count = |s| all().filter(|(f, _)| f.severity == s).count();
    let report = Report {
        version: 1,
        findings: all()
            .map(|(f, sources)| JsonFinding {
                code: f.code,
                name: f.name,
                severity: f.severity,
                message: &f.message,
                location: location(sources, &f.primary),
                help: f.help.as_deref(),
                notes: &f.notes,
                related: f.related.iter().map(|r| location(sources, r)).collect(),
                fix: f.fix.as_deref().map(crate::fix::Fix::json),
            })
            .collect(),
        summary: Summary {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            advice: count(Severity::Advice),
            mra_rules_not_run: notices.iter().map(|n| n.file.clone()).collect(),
        },
        notices,
    };
    serde_json::to_string_pretty(&report).unwrap_or_default() + "\n"
}
