//! `mralint explain CODE`: a rule's documentation.

use super::{print, EXIT_CLEAN, EXIT_ERROR};
use crate::rules;

pub fn run(code: &str) -> u8 {
    match rules::find(code) {
        Some(rule) => print(&format!(
            "{} ({}): {}\nDefault severity: {}\n\n{}",
            rule.code,
            rule.name,
            rule.summary,
            rule.severity.as_str(),
            explain_text(rule.doc)
        ))
        .unwrap_or(EXIT_CLEAN),
        None => {
            eprintln!("error: no rule has the code `{code}`; `mralint rules` lists them");
            EXIT_ERROR
        }
    }
}

/// A rule's doc comment as plain text (the `///` lines keep one leading space).
pub(crate) fn explain_text(doc: &str) -> String {
    doc.lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}
