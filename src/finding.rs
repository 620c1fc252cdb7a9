//! Findings: what the rules produce and the reports render.

use crate::source::{FileId, Span};

/// How bad a finding is. Ordered from least to most severe.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
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
    /// Further lines of explanation, such as the flows a finding breaks.
    pub notes: Vec<String>,
    /// The reason of the suppression comment that silences it: kept for SARIF, left out
    /// of the other outputs and of the exit code.
    pub suppressed: Option<String>,
    /// The verified fix, when mralint found one (`mralint fix`, SARIF `fixes`).
    pub fix: Option<Box<Fix>>,
}

impl Finding {
    pub fn new(
        code: &'static str,
        name: &'static str,
        severity: Severity,
        message: impl Into<String>,
        primary: Location,
    ) -> Self {
        Finding {
            code,
            name,
            severity,
            message: message.into(),
            primary,
            related: Vec::new(),
            help: None,
            notes: Vec::new(),
            suppressed: None,
            fix: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_related(mut self, location: Location) -> Self {
        self.related.push(location);
        self
    }

    /// Adds every location given (none for `None`).
    pub fn with_related_all(mut self, locations: impl IntoIterator<Item = Location>) -> Self {
        self.related.extend(locations);
        self
    }

    pub fn with_notes(mut self, notes: Vec<String>) -> Self {
        self.notes = notes;
        self
    }
}

/// Sorts findings into the one deterministic output order: file path, position, code.
pub fn sort(findings: &mut [Finding], sources: &crate::source::Sources) {
    findings.sort_by_cached_key(|f| {
        (
            sources.get(f.primary.file).display_name(),
            f.primary.span.start,
            f.primary.span.end,
            f.code,
            f.message.clone(),
        )
    });
}

/// A verified fix: a candidate, what it changes for traffic other than MRA's, and the
/// file's unified diff.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub file: FileId,
    pub edits: Vec<LineEdit>,
    pub cli: Vec<String>,
    /// What else it changes: computed from the models before and after.
    pub effects: Vec<String>,
    /// The unified diff of the config file.
    pub diff: String,
    /// The whole file with the fix applied (secrets masked, as the project holds it).
    pub fixed_text: String,
}

/// Replaces `remove` lines starting at 0-based line `line` with `insert` (a pure
/// insertion removes none; a removal inserts none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineEdit {
    pub line: usize,
    pub remove: usize,
    pub insert: Vec<String>,
}

/// The first words of the notes that say how to confirm a finding on the device: they
/// name commands, not flows, so a finding's identity (fingerprints, a diff's worsened
/// findings) leaves them out.
pub const CONFIRM: &str = "Confirm on the device";

/// Whether a note is one of the "Confirm on the device" notes.
pub fn is_confirmation(note: &str) -> bool {
    note.starts_with(CONFIRM)
}

/// The first words of the notes a fix adds to its finding: the fix, what else it changes,
/// or why there is none.
pub const FIX_NOTES: [&str; 3] = [
    "Verified fix (",
    "The fix also: ",
    "No automatic fix offered: ",
];

/// Whether a note is one of the fix notes (they describe a change, not a flow).
pub fn is_fix_note(note: &str) -> bool {
    FIX_NOTES.iter().any(|prefix| note.starts_with(prefix))
}
