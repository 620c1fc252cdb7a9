//! One line per finding, `file:line:col: CODE [severity] message`, the shape editors,
//! `grep` and compilers' error parsers read (ruff's `concise`, hadolint's `gnu`).

use crate::finding::Finding;
use crate::source::Sources;

/// The findings, one line each. Input text goes through [`crate::escape::terminal_line`]
/// so that a line break or an escape sequence in a name cannot fake another line.
pub fn render_all(parts: &[(&[Finding], &Sources)]) -> String {
    let mut out = String::new();
    for (findings, sources) in parts {
        for finding in findings.iter() {
            let file = sources.get(finding.primary.file);
            let (line, col) = file.line_col(finding.primary.span.start);
            out.push_str(&format!(
                "{}:{line}:{col}: {} [{}] {}\n",
                crate::escape::terminal_line(&file.display_name()),
                finding.code,
                finding.severity.as_str(),
                crate::escape::terminal_line(&finding.message)
            ));
        }
    }
    out
}

/// `--statistics`: how many findings each rule has, most first, then by code.
pub fn statistics(parts: &[(&[Finding], &Sources)]) -> String {
    let mut counts: std::collections::BTreeMap<&str, (usize, &str, &str)> = Default::default();
    for (findings, _) in parts {
        for finding in findings.iter() {
            let entry =
                counts
                    .entry(finding.code)
                    .or_insert((0, finding.name, finding.severity.as_str()));
            entry.0 += 1;
        }
    }
    let mut rows: Vec<(&str, (usize, &str, &str))> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(b.0)));
    rows.iter()
        .map(|(code, (n, name, severity))| format!("{n:>5}  {code:<7} {severity:<8} {name}\n"))
        .collect()
}
