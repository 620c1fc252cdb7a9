//! GitHub Actions workflow commands: one `::error|warning|notice` annotation per finding.

use crate::finding::{Finding, Severity};
use crate::source::Sources;

use crate::escape::{github_data as data, github_property as property};

pub fn render_all(parts: &[(&[Finding], &Sources)]) -> String {
    let mut out = String::new();
    for (findings, sources) in parts {
        for finding in findings.iter() {
            let file = sources.get(finding.primary.file);
            let (line, col) = file.line_col(finding.primary.span.start);
            let (end_line, end_col) = file.line_col(finding.primary.span.end);
            let kind = match finding.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Advice => "notice",
            };
            let mut message = finding.message.clone();
            for note in &finding.notes {
                message.push_str("\n- ");
                message.push_str(note);
            }
            if let Some(help) = &finding.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            out.push_str(&format!(
                "::{kind} file={},line={line},col={col},endLine={end_line},endColumn={end_col},title={}::{}\n",
                property(&file.display_name()),
                property(&format!("{} ({})", finding.code, finding.name)),
                data(&message)
            ));
        }
    }
    out
}
