//! GitHub Actions workflow commands: one `::error|warning|notice` annotation per finding.

use crate::finding::{Finding, Severity};
use crate::source::Sources;

use crate::escape::{github_data as data, github_property as property};

pub fn render_all(parts: &[(&[Finding], &Sources)]) -> String {
    render_with(parts, &[])
}

/// [`render_all`], then one warning per notice (a config the MRA rules did not run on).
pub fn render_with(parts: &[(&[Finding], &Sources)], notices: &[super::Notice]) -> String {
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
    for notice in notices {
        out.push_str(&format!(
            "::warning file={},title={}::{}\n",
            property(&notice.file),
            property("MRA rules not run"),
            data(&notice.message)
        ));
    }
    out
}

/// The job summary file GitHub Actions gives (`GITHUB_STEP_SUMMARY`), when there is one.
pub fn step_summary_path() -> Option<std::ffi::OsString> {
    std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty())
}

/// Appends a Markdown report to the job summary (`$GITHUB_STEP_SUMMARY`) when the
/// variable names a file: the annotations GitHub shows are capped per step, the summary
/// is not. A failure to write is reported, not fatal.
pub fn write_step_summary(markdown: impl FnOnce() -> String) {
    let Some(path) = step_summary_path() else {
        return;
    };
    use std::io::Write;
    let written = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(&path)
        .and_then(|mut file| file.write_all(markdown().as_bytes()));
    if let Err(error) = written {
        eprintln!(
            "warning: cannot write the job summary to `{}`: {error}",
            std::path::Path::new(&path).display()
        );
    }
}
