//! Findings: what the rules produce and the reports render.

use crate::source::{FileId, Span};

/// How bad a finding is. Ordered from least to most severe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Advice,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Advice => "advice",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A place in a source file with the words that explain it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub file: FileId,
    pub span: Span,
    pub label: String,
}

impl Location {
    pub fn new(file: FileId, span: Span, label: impl Into<String>) -> Self {
        Location {
            file,
            span,
            label: label.into(),
        }
    }
}

/// One problem, found by one rule, pointing at the line that causes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// What is wrong, one line, no trailing period.
    pub message: String,
    /// The line that causes it.
    pub primary: Location,
    /// Evidence elsewhere: the deployment field it contradicts, the rule it relies on.
    pub related: Vec<Location>,
    /// What to do about it.
    pub help: Option<String>,
}

impl Finding {
    /// Output order: file, position, code.
    pub fn sort_key(&self) -> (FileId, usize, usize, &'static str, &str) {
        (
            self.primary.file,
            self.primary.span.start,
            self.primary.span.end,
            self.code,
            &self.message,
        )
    }
}

/// Sorts findings into the one deterministic output order.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}
