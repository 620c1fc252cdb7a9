//! Baselines: the findings a team accepts when it adopts mralint on configs that already
//! have some. `mralint check --write-baseline FILE` records them; `--baseline FILE` then
//! reports and fails only on the others. Entries carry the same identities as `mralint
//! diff` ([`crate::fingerprint`]): a moved line, or a line edited without changing what it
//! does, keeps its finding in the baseline; line numbers are kept for people only.
//!
//! ```json
//! {"version":1,"findings":[{"code":"MRA009","file":"fw/deployment.yaml","line":14,
//!   "message":"…","fingerprint":"…","relaxed":"…"}]}
//! ```

use serde::{Deserialize, Serialize};

use crate::finding::{Finding, Severity};
use crate::fingerprint::{self, Identity};
use crate::source::Sources;

pub const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Entry>,
}

/// One accepted finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub code: String,
    pub severity: Severity,
    /// The path as `mralint check` shows it (relative to where it ran).
    pub file: String,
    /// Where it was when recorded; not used for matching.
    pub line: usize,
    pub message: String,
    /// The exact identity: code, file, line text, message.
    pub fingerprint: String,
    /// The relaxed identity: code, file, message, flows.
    pub relaxed: String,
}

impl Entry {
    fn identity(&self) -> Identity {
        Identity {
            exact: self.fingerprint.clone(),
            relaxed: self.relaxed.clone(),
        }
    }
}

/// A finding's identity as `check` names its file.
fn identity(finding: &Finding, sources: &Sources) -> Identity {
    Identity::of(
        finding,
        sources,
        &sources.get(finding.primary.file).display_name(),
    )
}

/// The baseline of these findings (suppressed ones are left out: the comment already
/// accepts them).
pub fn of(parts: &[(&[Finding], &Sources)]) -> Baseline {
    let mut findings = Vec::new();
    for (list, sources) in parts {
        for finding in list.iter().filter(|f| f.suppressed.is_none()) {
            let file = sources.get(finding.primary.file);
            let id = identity(finding, sources);
            findings.push(Entry {
                code: finding.code.to_string(),
                severity: finding.severity,
                file: file.display_name(),
                line: file.line_col(finding.primary.span.start).0,
                message: finding.message.clone(),
                fingerprint: id.exact,
                relaxed: id.relaxed,
            });
        }
    }
    Baseline {
        version: VERSION,
        findings,
    }
}

/// Why a baseline file cannot be read or written (`shown`: its path as reports show it).
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("cannot read baseline `{shown}`: {error}")]
    Unreadable {
        shown: String,
        error: crate::fsio::ReadError,
    },
    #[error("`{shown}` is not an mralint baseline: {error}")]
    NotABaseline {
        shown: String,
        error: serde_json::Error,
    },
    #[error("`{shown}` is a version {version} baseline; this mralint reads version {current}", current = VERSION)]
    OtherVersion { shown: String, version: u32 },
    #[error("baseline: {0}")]
    Unwritable(crate::fsio::WriteError),
}

/// Reads a baseline file; the error says why it cannot be used.
pub fn read(path: &std::path::Path, max_size: u64) -> Result<Baseline, BaselineError> {
    let shown = crate::source::display_path(path);
    let bytes = match crate::fsio::read_capped(path, max_size) {
        Ok(bytes) => bytes,
        Err(error) => return Err(BaselineError::Unreadable { shown, error }),
    };
    let text = String::from_utf8_lossy(&bytes);
    let baseline: Baseline = match serde_json::from_str(&text) {
        Ok(baseline) => baseline,
        Err(error) => return Err(BaselineError::NotABaseline { shown, error }),
    };
    if baseline.version != VERSION {
        return Err(BaselineError::OtherVersion {
            shown,
            version: baseline.version,
        });
    }
    Ok(baseline)
}

pub fn write(path: &std::path::Path, baseline: &Baseline) -> Result<(), BaselineError> {
    let text = serde_json::to_string_pretty(baseline).unwrap_or_default() + "\n";
    // Atomic: a full disk or a kill leaves the old baseline whole.
    crate::fsio::write_atomic(path, text.as_bytes()).map_err(BaselineError::Unwritable)
}

/// Which findings a baseline accepts, and which of its entries no finding matches.
#[derive(Debug, Default)]
pub struct Comparison {
    /// Per part, per finding: whether the baseline holds it.
    pub known: Vec<Vec<bool>>,
    /// Entries of the baseline that are gone.
    pub absent: Vec<Entry>,
}

impl Comparison {
    pub fn is_known(&self, part: usize, finding: usize) -> bool {
        self.known
            .get(part)
            .and_then(|p| p.get(finding))
            .copied()
            .unwrap_or(false)
    }

    pub fn known_count(&self) -> usize {
        self.known.iter().flatten().filter(|k| **k).count()
    }
}

/// Compares findings with a baseline. Suppressed findings are never matched: they are
/// accepted already, and matching them could leave an entry for a visible one unused.
pub fn compare(baseline: &Baseline, parts: &[(&[Finding], &Sources)]) -> Comparison {
    let mut at = Vec::new();
    let mut identities = Vec::new();
    for (p, (list, sources)) in parts.iter().enumerate() {
        for (f, finding) in list.iter().enumerate() {
            if finding.suppressed.is_none() {
                at.push((p, f));
                identities.push(identity(finding, sources));
            }
        }
    }
    let entries: Vec<Identity> = baseline.findings.iter().map(Entry::identity).collect();
    let pairing = fingerprint::pair(&entries, &identities);
    let mut known: Vec<Vec<bool>> = parts.iter().map(|(l, _)| vec![false; l.len()]).collect();
    for (_, j) in &pairing.matched {
        let (p, f) = at[*j];
        known[p][f] = true;
    }
    Comparison {
        known,
        absent: pairing
            .only_old
            .iter()
            .map(|i| baseline.findings[*i].clone())
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unusable_baseline_says_why() {
        let other = BaselineError::OtherVersion {
            shown: "b.json".into(),
            version: 7,
        };
        assert_eq!(
            other.to_string(),
            "`b.json` is a version 7 baseline; this mralint reads version 1"
        );
    }
}
