//! Fixes that are proven before they are offered. A fix is a text edit of one config
//! file (lines replaced, inserted or removed), shown as the ASA CLI lines to paste in
//! configuration mode and as a unified diff of the file. Before a fix is offered, the
//! project is read again with the edited text and every rule runs over it: the fix is
//! offered only when the finding it fixes is gone and no other finding appears or grows;
//! otherwise the finding says why no safe automatic fix exists.

mod candidates;
mod effects;
pub mod text;

use std::collections::HashSet;

use crate::finding::Finding;
use crate::source::FileId;
use crate::workspace::Project;

pub use crate::finding::{Fix, LineEdit};

/// A change one finding could be fixed by, before it is verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// What it does, in a few words: "translate only the destination of C's traffic".
    pub title: String,
    /// The config it edits.
    pub file: FileId,
    /// The index of that config in the project's firewalls.
    pub firewall: usize,
    /// The edits, in line order, not overlapping.
    pub edits: Vec<LineEdit>,
    /// What to paste in configuration mode on the firewall (with `no …` for what goes).
    pub cli: Vec<String>,
}

/// What mralint can do about one finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Offered(Fix),
    /// No candidate survived verification: why, for each one tried.
    Refused(String),
}

/// The outcome for each fixable finding, by its index in `findings`. Findings no fix is
/// known for are left out.
pub fn propose(
    project: &Project,
    analysis: &crate::mra::Analysis,
    findings: &[Finding],
) -> Vec<(usize, Outcome)> {
    // The flows are simulated again only for a project that has something to fix.
    if !findings
        .iter()
        .any(|f| f.suppressed.is_none() && candidates::FIXABLE.contains(&f.code))
    {
        return Vec::new();
    }
    let cx = crate::rules::Context::new(project, analysis);
    let mut before: Option<HashSet<String>> = None;
    findings
        .iter()
        .enumerate()
        .filter(|(_, f)| f.suppressed.is_none())
        .filter_map(|(i, finding)| {
            let tried = candidates::for_finding(&cx, finding)?;
            // Every rule's findings on the project as given, once, and only when there is
            // a candidate to verify: what its findings are compared with (the flows are
            // not simulated again; a large config's lists are not analysed again for a
            // finding no change can fix).
            let none = HashSet::new();
            let before = match &tried {
                Ok(candidates) if !candidates.is_empty() => {
                    before.get_or_insert_with(|| identities(project, analysis))
                }
                _ => &none,
            };
            Some((i, decide(project, before, finding, tried)))
        })
        .collect()
}

/// The identity of every finding every rule reports on the project as given (whatever
/// the run's selection and settings: a candidate's findings are read the same way).
fn identities(project: &Project, analysis: &crate::mra::Analysis) -> HashSet<String> {
    crate::rules::run_analysed(project, analysis, &|_| true)
        .iter()
        .map(|f| identity(f, project))
        .collect()
}

/// A finding's identity across readings of a project: rule, file, message, flows; not
/// the line, so that the lines an edit shifts do not count as a change.
fn identity(finding: &Finding, project: &Project) -> String {
    let file = project.sources.get(finding.primary.file).display_name();
    crate::fingerprint::relaxed(finding, &file)
}

/// The first candidate that verifies, or the reasons none did.
fn decide(
    project: &Project,
    before: &HashSet<String>,
    finding: &Finding,
    tried: Result<Vec<Candidate>, String>,
) -> Outcome {
    let candidates = match tried {
        Ok(candidates) => candidates,
        Err(reason) => return Outcome::Refused(format!("no safe automatic fix: {reason}")),
    };
    let mut reasons = Vec::new();
    for candidate in candidates {
        if !candidate.cli.iter().all(|line| typeable_line(line)) {
            reasons.push(format!(
                "{}: its lines hold a name with characters the CLI would act on (control characters, `?`, non-ASCII); make the change by hand",
                candidate.title
            ));
            continue;
        }
        match verify(project, before, finding, &candidate) {
            Ok(fix) => return Outcome::Offered(fix),
            Err(reason) => reasons.push(format!("{}: {reason}", candidate.title)),
        }
    }
    Outcome::Refused(format!("no safe automatic fix: {}", reasons.join("; ")))
}

/// Whether a line can be pasted at the ASA CLI as it is: printable ASCII and spaces,
/// without `?` (which opens the CLI's help wherever it is typed). A name from the config
/// with a control character (Ctrl-Z leaves configuration mode) must not reach a paste.
fn typeable_line(line: &str) -> bool {
    line.chars()
        .all(|c| c == ' ' || (c.is_ascii_graphic() && c != '?'))
}

/// Applies a candidate to the config text in memory, reads the project again and runs
/// every rule: the fix, when the finding is gone and nothing else appeared or grew
/// compared with `before` (the identities of the findings of the project re-read
/// unchanged); else what went wrong, in words.
fn verify(
    project: &Project,
    before: &HashSet<String>,
    finding: &Finding,
    candidate: &Candidate,
) -> Result<Fix, String> {
    let source = project.sources.get(candidate.file);
    let fixed_text = text::apply(&source.text, &candidate.edits)?;
    let fixed = crate::workspace::with_override(project, candidate.file, &fixed_text);
    let after = crate::rules::run(&fixed);
    if let Some(still) = after.iter().find(|f| is_same_problem(finding, f)) {
        return Err(format!(
            "{} is still reported after it ({})",
            finding.code, still.message
        ));
    }
    let appeared: Vec<&Finding> = after
        .iter()
        .filter(|f| f.suppressed.is_none() && !before.contains(&identity(f, &fixed)))
        .collect();
    if !appeared.is_empty() {
        let named: Vec<String> = appeared
            .iter()
            .map(|f| format!("{} ({})", f.code, f.message))
            .collect();
        return Err(format!(
            "with it, mralint would report {}",
            named.join("; ")
        ));
    }
    let effects = effects::of(project, &fixed, candidate.firewall);
    let diff = text::unified_diff(&diff_path(&source.path), &source.text, &candidate.edits);
    Ok(Fix {
        title: candidate.title.clone(),
        file: candidate.file,
        edits: candidate.edits.clone(),
        cli: candidate.cli.clone(),
        effects,
        diff,
        fixed_text,
    })
}

/// The config's path as its diff names it: relative to the working directory when the
/// file was given by an absolute path inside it, so that the diff applies with
/// `patch -p1` or `git apply` from there (`a//home/…` would not).
fn diff_path(path: &std::path::Path) -> String {
    let inside_working_directory = std::env::current_dir().ok().and_then(|cwd| {
        path.strip_prefix(cwd)
            .ok()
            .map(std::path::Path::to_path_buf)
    });
    crate::source::display_path(inside_working_directory.as_deref().unwrap_or(path))
}

/// Whether `after` reports the problem `finding` did: the same rule about one of the
/// same flows (or, for a finding that names no flow, the same rule and message).
fn is_same_problem(finding: &Finding, after: &Finding) -> bool {
    if after.code != finding.code {
        return false;
    }
    let flows_before = crate::fingerprint::flows(finding);
    let flows_after = crate::fingerprint::flows(after);
    if flows_before.is_empty() {
        return after.message == finding.message;
    }
    flows_after.iter().any(|f| flows_before.contains(f))
}

/// The notes a finding gains from its outcome: the fix (title, CLI lines, effects), or
/// why there is none.
pub fn notes(outcome: &Outcome) -> Vec<String> {
    let [verified, also, refused] = crate::finding::FIX_NOTES;
    match outcome {
        Outcome::Offered(fix) => {
            let mut notes = vec![format!(
                "{verified}{}): with it, mralint finds this gone and nothing new; paste in configuration mode: {}",
                fix.title,
                fix.cli.join(" / ")
            )];
            notes.extend(fix.effects.iter().map(|e| format!("{also}{e}")));
            notes
        }
        Outcome::Refused(reason) => vec![format!("{refused}{reason}")],
    }
}

/// Adds to each fixable finding its verified fix (and a note naming it) or the reason
/// no safe automatic fix exists.
pub fn attach(project: &Project, analysis: &crate::mra::Analysis, findings: &mut [Finding]) {
    for (index, outcome) in propose(project, analysis, findings) {
        let finding = &mut findings[index];
        finding.notes.extend(notes(&outcome));
        if let Outcome::Offered(fix) = outcome {
            finding.fix = Some(Box::new(fix));
        }
    }
}

/// A fix as SARIF `fixes` (one fix, one artifact change, a replacement per edit: the
/// deleted lines as a region, the inserted lines as content), for editors and review bots
/// that apply fixes. `uri` is the file's SARIF URI.
pub fn sarif(fix: &Fix, original: &str, uri: &str) -> serde_json::Value {
    let line_count = original.lines().count();
    let newline = if original.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let replacements: Vec<serde_json::Value> = fix
        .edits
        .iter()
        .map(|edit| {
            let mut inserted: String = edit
                .insert
                .iter()
                .map(|l| format!("{l}{newline}"))
                .collect();
            // Lines go before 1-based line `edit.line + 1`; after the last line, at its end.
            let region = if edit.line < line_count {
                serde_json::json!({
                    "startLine": edit.line + 1,
                    "startColumn": 1,
                    "endLine": edit.line + edit.remove + 1,
                    "endColumn": 1,
                })
            } else {
                let last = original.lines().last().unwrap_or_default();
                inserted = format!("{newline}{}", inserted.trim_end_matches(['\r', '\n']));
                serde_json::json!({
                    "startLine": line_count.max(1),
                    "startColumn": last.chars().count() + 1,
                    "endLine": line_count.max(1),
                    "endColumn": last.chars().count() + 1,
                })
            };
            serde_json::json!({ "deletedRegion": region, "insertedContent": { "text": inserted } })
        })
        .collect();
    serde_json::json!([{
        "description": { "text": format!("{} (verified by mralint: the finding is gone and nothing new appears)", fix.title) },
        "artifactChanges": [{
            "artifactLocation": { "uri": uri, "uriBaseId": "%SRCROOT%" },
            "replacements": replacements,
        }],
    }])
}

/// A fix as JSON output carries it: title, CLI lines, effects, unified diff.
#[derive(serde::Serialize)]
pub struct JsonFix<'a> {
    pub title: &'a str,
    pub cli: &'a [String],
    pub effects: &'a [String],
    pub diff: &'a str,
}

impl Fix {
    pub fn json(&self) -> JsonFix<'_> {
        JsonFix {
            title: &self.title,
            cli: &self.cli,
            effects: &self.effects,
            diff: &self.diff,
        }
    }
}
