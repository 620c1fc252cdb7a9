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

/// Where the rules are documented: `docs/rules.md`, one heading per rule.
pub fn help_uri() -> String {
    format!("{}/blob/main/docs/rules.md", env!("CARGO_PKG_REPOSITORY"))
}

/// Where one rule is documented: its heading in `docs/rules.md`.
pub fn rule_help_uri(code: &str) -> String {
    format!("{}#{}", help_uri(), code.to_ascii_lowercase())
}

/// A rule's doc comment as Markdown (the `///` lines keep one leading space).
pub fn rule_markdown(rule: &RuleMeta) -> String {
    rule.doc
        .lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

/// The first paragraph of a rule's doc, as plain text on one line.
fn first_paragraph(markdown: &str) -> String {
    markdown
        .split("\n\n")
        .find(|p| !p.trim_start().starts_with('#') && !p.trim().is_empty())
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('`', "")
}

/// `docs/rules.md`: every rule under its own heading, the page `helpUri` points at.
pub fn rules_page() -> String {
    let mut out = String::from(
        "# mralint rules\n\nGenerated from the rules' documentation (`mralint explain CODE` prints the same text); regenerate with `MRALINT_WRITE_DOCS=1 cargo test --test docs`.\n",
    );
    for rule in ALL {
        out.push_str(&format!(
            "\n## {}\n\n**{}** · default severity: {} · {}\n\n{}\n",
            rule.code,
            rule.name,
            rule.severity.as_str(),
            rule.summary,
            rule_markdown(rule).replace("\n## ", "\n### ").replacen(
                "## ",
                "### ",
                usize::from(rule_markdown(rule).starts_with("## "))
            )
        ));
    }
    out
}

fn rule_descriptor(rule: &RuleMeta) -> Value {
    let markdown = rule_markdown(rule);
    json!({
        "id": rule.code,
        "name": rule.name,
        "shortDescription": { "text": rule.summary },
        "fullDescription": { "text": first_paragraph(&markdown) },
        "help": { "text": markdown.replace('`', ""), "markdown": markdown },
        "helpUri": rule_help_uri(rule.code),
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
    if let Some(fix) = &finding.fix {
        let original = &sources.get(fix.file).text;
        result["fixes"] = crate::fix::sarif(fix, original, &uri(&path_of(fix.file)));
    }
    if let Some(reason) = &finding.suppressed {
        result["suppressions"] = json!([{ "kind": "inSource", "justification": reason }]);
    }
    result
}

/// The SARIF log for the findings of several projects.
pub fn render_all(parts: &[(&[Finding], &Sources)]) -> String {
    render_with(parts, &[])
}

/// [`render_all`] with the run's notices.
pub fn render_with(parts: &[(&[Finding], &Sources)], notices: &[super::Notice]) -> String {
    let mut results = Vec::new();
    for (findings, sources) in parts {
        let path_of = |id: FileId| sources.get(id).display_name();
        results.extend(findings.iter().map(|f| result(f, sources, &path_of)));
    }
    log_with(results, notices)
}

/// A SARIF log of one run holding these results.
pub fn log(results: Vec<Value>) -> String {
    log_with(results, &[])
}

/// A SARIF log of one run holding these results; notices (a config the MRA rules did not
/// run on) are run properties and tool notifications of its invocation.
pub fn log_with(results: Vec<Value>, notices: &[super::Notice]) -> String {
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
    let mut log = log;
    if !notices.is_empty() {
        log["runs"][0]["properties"] = json!({
            "mralintNotices": notices,
            "mraRulesNotRun": notices.iter().map(|n| &n.file).collect::<Vec<_>>(),
        });
        log["runs"][0]["invocations"] = json!([{
            "executionSuccessful": true,
            "toolExecutionNotifications": notices.iter().map(|n| json!({
                "level": "warning",
                "descriptor": { "id": n.kind },
                "message": { "text": n.message },
                "locations": [{ "physicalLocation": { "artifactLocation": { "uri": uri(&n.file), "uriBaseId": "%SRCROOT%" } } }],
            })).collect::<Vec<_>>(),
        }]);
    }
    serde_json::to_string_pretty(&log).unwrap_or_default() + "\n"
}

/// The SARIF log of a check against a baseline, with the run's notices: every finding with `baselineState` `new`
/// or `unchanged`, and each gone entry as an `absent` result.
pub fn with_baseline(
    parts: &[(&[Finding], &Sources)],
    comparison: &crate::baseline::Comparison,
    notices: &[super::Notice],
) -> String {
    let mut results = Vec::new();
    for (p, (list, sources)) in parts.iter().enumerate() {
        let path_of = |id: crate::source::FileId| sources.get(id).display_name();
        for (f, finding) in list.iter().enumerate() {
            let mut result = result(finding, sources, &path_of);
            result["baselineState"] = json!(if comparison.is_known(p, f) {
                "unchanged"
            } else {
                "new"
            });
            results.push(result);
        }
    }
    results.extend(comparison.absent.iter().map(absent_result));
    log_with(results, notices)
}

fn absent_result(entry: &crate::baseline::Entry) -> Value {
    let index = ALL
        .iter()
        .position(|r| r.code == entry.code)
        .unwrap_or_default();
    json!({
        "ruleId": entry.code,
        "ruleIndex": index,
        "level": match entry.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Advice => "note",
        },
        "message": { "text": entry.message },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": uri(&entry.file), "uriBaseId": "%SRCROOT%" },
                "region": { "startLine": entry.line.max(1) },
            },
        }],
        "partialFingerprints": { "mralintFingerprint/v1": entry.fingerprint },
        "baselineState": "absent",
    })
}
