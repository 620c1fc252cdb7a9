//! GitLab Code Quality: a JSON array of issues (the subset of the Code Climate format
//! GitLab reads). Only what a merge request should show: the caller leaves suppressed
//! and baseline findings out.

use serde_json::{json, Value};

use crate::finding::{Finding, Severity};
use crate::source::Sources;

fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "critical",
        Severity::Warning => "major",
        Severity::Advice => "info",
    }
}

pub fn render_all(parts: &[(&[Finding], &Sources)]) -> String {
    let mut issues: Vec<Value> = Vec::new();
    // GitLab keeps one issue per fingerprint: twin findings get a counter.
    let mut seen = std::collections::HashMap::<String, usize>::new();
    for (findings, sources) in parts {
        for finding in findings.iter() {
            let file = sources.get(finding.primary.file);
            let name = file.display_name();
            let (begin, _) = file.line_col(finding.primary.span.start);
            let (end, _) = file.line_col(finding.primary.span.end.max(finding.primary.span.start));
            let mut description = format!("{}: {}", finding.code, finding.message);
            if let Some(help) = &finding.help {
                description.push_str(" (help: ");
                description.push_str(help);
                description.push(')');
            }
            let mut fingerprint = crate::fingerprint::exact(finding, sources, &name);
            let twins = seen.entry(fingerprint.clone()).or_default();
            *twins += 1;
            if *twins > 1 {
                fingerprint.push_str(&format!("-{twins}"));
            }
            issues.push(json!({
                "type": "issue",
                "check_name": finding.code,
                "description": description,
                "categories": ["Bug Risk"],
                "severity": severity(finding.severity),
                "fingerprint": fingerprint,
                "location": {
                    "path": crate::report::sarif::uri(&name),
                    "lines": { "begin": begin, "end": end.max(begin) },
                },
            }));
        }
    }
    serde_json::to_string_pretty(&Value::Array(issues)).unwrap_or_default() + "\n"
}
