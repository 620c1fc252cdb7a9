//! SARIF 2.1.0 output, for code-scanning dashboards. Suppressed findings are kept, with
//! their suppression; fingerprints survive unrelated edits (they hash the rule, the file
//! and the text of the finding's line, never its number).

use serde_json::{json, Value};

use crate::finding::{Finding, Location, Severity};
use crate::rules::{RuleMeta, ALL};
use crate::source::{FileId, Sources};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Advice => "note",
    }
}

/// Where the rules are documented (the README's rules table; `mralint explain CODE` and
/// `fullDescription` carry each rule's full text).
pub fn help_uri() -> String {
    format!("{}/blob/main/README.md#rules", env!("CARGO_PKG_REPOSITORY"))
}

fn rule_descriptor(rule: &RuleMeta) -> Value {
    json!({
        "id": rule.code,
        "name": rule.name,
        "shortDescription": { "text": rule.summary },
        "fullDescription": { "text": rule.doc.lines().map(|l| l.strip_prefix(' ').unwrap_or(l)).collect::<Vec<_>>().join("\n").trim() },
        "helpUri": help_uri(),
        "defaultConfiguration": { "level": level(rule.severity) },
    })
}

fn physical(sources: &Sources, location: &Location, path_of: &PathOf<'_>) -> Value {
    let file = sources.get(location.file);
    let (start_line, start_column) = file.line_col(location.span.start);
    let (end_line, end_column) = file.line_col(location.span.end.max(location.span.start));
    json!({
        "artifactLocation": { "uri": uri(&path_of(location.file)), "uriBaseId": "%SRCROOT%" },
        "region": {
            "startLine": start_line,
            "startColumn": start_column,
            "endLine": end_line,
            "endColumn": end_column.max(if end_line == start_line { start_column + 1 } else { 1 }),
        }
    })
}

/// A relative URI reference: forward slashes, spaces and `%` escaped.
pub(crate) fn uri(path: &str) -> String {
    path.trim_start_matches('/')
        .replace('%', "%25")
        .replace(' ', "%20")
}

/// The fingerprint of a finding: code, file, and the whitespace-normalised text of the
/// line it points at, plus its message. Line numbers never enter it.
pub fn fingerprint(finding: &Finding, sources: &Sources) -> String {
    let file = sources.get(finding.primary.file).display_name();
    crate::fingerprint::exact(finding, sources, &file)
}

/// The path of a file in a SARIF log, relative to `%SRCROOT%`.
pub type PathOf<'a> = dyn Fn(FileId) -> String + 'a;

/// The SARIF result for one finding; `path_of` names its files.
pub fn result(finding: &Finding, sources: &Sources, path_of: &PathOf<'_>) -> Value {
    let index = ALL
        .iter()
        .position(|r| r.code == finding.code)
        .unwrap_or_default();
    let mut text = finding.message.clone();
    for note in &finding.notes {
        text.push_str("\n- ");
        text.push_str(note);
    }
    if let Some(help) = &finding.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    let fingerprint = crate::fingerprint::exact(finding, sources, &path_of(finding.primary.file));
    let mut result = json!({
        "ruleId": finding.code,
        "ruleIndex": index,
        "level": level(finding.severity),
        "message": { "text": text },
        "locations": [{
            "physicalLocation": physical(sources, &finding.primary, path_of),
            "message": { "text": finding.primary.label },
        }],
        "partialFingerprints": { "mralintFingerprint/v1": fingerprint },
    });
    if !finding.related.is_empty() {
        result["relatedLocations"] = finding
            .related
            .iter()
            .enumerate()
            .map(|(i, r)| json!({ "id": i, "physicalLocation": physical(sources, r, path_of), "message": { "text": r.label } }))
            .collect();
    }
    if let Some(reason) = &finding.suppressed {
        result["suppressions"] = json!([{ "kind": "inSource", "justification": reason }]);
    }
    result
}

/// The SARIF log for the findings of several projects.
pub fn render_all(parts: &[(&[Finding], &Sources)]) -> String {
    let mut results = Vec::new();
    for (findings, sources) in parts {
        let path_of = |id: FileId| sources.get(id).display_name();
        results.extend(findings.iter().map(|f| result(f, sources, &path_of)));
    }
    log(results)
}

/// A SARIF log of one run holding these results.
pub fn log(results: Vec<Value>) -> String {
    let rules: Vec<Value> = ALL.iter().map(|r| rule_descriptor(r)).collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "mralint",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": rules,
            }},
            "originalUriBaseIds": { "%SRCROOT%": { "description": { "text": "The directory mralint ran in." } } },
            "results": results,
        }]
    });
    serde_json::to_string_pretty(&log).unwrap_or_default() + "\n"
}
