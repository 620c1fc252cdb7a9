use super::{declare_rule, find};
use crate::finding::{Finding, Location};
use crate::source::FileId;
use crate::suppress::{self, Suppression};
use crate::workspace::Project;

declare_rule! {
    /// ## What it does
    /// Checks suppression comments: `! mralint: ignore[CODE, …] reason` before an ASA
    /// command, `access-list NAME remark mralint: ignore[…] reason` before an ACE,
    /// `# mralint: ignore[CODE] reason` in a deployment file, and the file-level
    /// `ignore-file[…]` form. Flags one that suppresses nothing, names an unknown code,
    /// has no reason, or (as a remark) is longer than the 100 characters the ASA accepts.
    ///
    /// ## Why is this bad?
    /// A suppression that outlives its finding hides the next real problem on that line;
    /// one without a reason leaves the next engineer guessing; a remark the device
    /// rejects is lost on the first round trip through the ASA.
    ///
    /// ## Example
    /// ```text
    /// ! mralint: ignore[MRA001]
    /// nat (inside,dmz) source static INSIDE-NET INSIDE-NET destination static EXPE-PUBLIC EXPE
    /// ```
    ///
    /// ## Use instead
    /// Remove it, or give the reason:
    /// ```text
    /// ! mralint: ignore[MRA001] lab firewall, no MRA users (CHG-1234)
    /// ```
    ///
    /// ## References
    /// - README.md#suppressions (suppression comments)
    pub static RULE = {
        code: "SUP001",
        name: "unused-suppression",
        severity: Warning,
        summary: "a suppression comment that suppresses nothing or names an unknown code",
    };
}

/// Remarks longer than this are rejected by the ASA.
const REMARK_LIMIT: usize = 100;

/// Marks the findings each suppression covers, then reports the suppressions that are
/// wrong or covered nothing. A suppression of a rule that did not run (not `selected`)
/// cannot be known to be unused, so it is not reported as such.
pub fn apply(project: &Project, findings: &mut Vec<Finding>, selected: &dyn Fn(&str) -> bool) {
    let mut problems = Vec::new();
    // A config another project reports on has its suppressions judged there.
    let judged_elsewhere: Vec<FileId> = project
        .firewalls
        .iter()
        .filter(|f| !f.reports_config)
        .map(|f| f.file)
        .collect();
    for (file, source) in project.sources.iter() {
        let yaml = source
            .path
            .extension()
            .is_some_and(|e| e == "yaml" || e == "yml");
        for suppression in suppress::scan(source, yaml) {
            let used = mark(&suppression, file, findings);
            if !judged_elsewhere.contains(&file) {
                problems.extend(check(&suppression, file, &used, selected));
            }
        }
    }
    findings.extend(problems);
}

/// Marks covered findings; gives the codes that covered something.
fn mark(suppression: &Suppression, file: FileId, findings: &mut [Finding]) -> Vec<String> {
    let mut used = Vec::new();
    for finding in findings
        .iter_mut()
        .filter(|f| f.primary.file == file && f.suppressed.is_none())
    {
        if suppression.covers(finding.code, finding.primary.span) {
            finding.suppressed = Some(suppression.reason.clone());
            used.push(finding.code.to_string());
        }
    }
    used
}

fn check(
    suppression: &Suppression,
    file: FileId,
    used: &[String],
    selected: &dyn Fn(&str) -> bool,
) -> Vec<Finding> {
    let at = |span, label: &str| Location::new(file, span, label);
    let mut out = Vec::new();
    if suppression.reason.is_empty() {
        out.push(
            RULE.finding("suppression without a reason: it suppresses nothing", at(suppression.span, "no reason after `]`"))
                .with_help("say why the finding is accepted, e.g. `! mralint: ignore[MRA001] lab firewall (CHG-1234)`"),
        );
        return out;
    }
    if let Some(length) = suppression.remark {
        if length > REMARK_LIMIT {
            out.push(
                RULE.finding(
                    format!("this remark is {length} characters; the ASA rejects remarks over {REMARK_LIMIT}"),
                    at(suppression.span, "too long for the device"),
                )
                .with_help("shorten the reason: codes plus reason must fit in about 75 characters after `mralint: ignore[…]`"),
            );
        }
    }
    for (code, span) in &suppression.codes {
        if find(code).is_none() {
            // An error, not a warning: the finding it meant to suppress may be reported
            // above, but a typo must not pass where warnings do not fail.
            let mut finding = RULE
                .finding(
                    format!("`{code}` is not a mralint rule code"),
                    at(*span, "unknown code"),
                )
                .with_help(format!(
                    "did you mean `{}`? `mralint rules` lists the codes",
                    crate::rules::closest_code(code)
                ));
            finding.severity = crate::finding::Severity::Error;
            out.push(finding);
        } else if selected(&code.to_ascii_uppercase())
            && !used.iter().any(|u| u.eq_ignore_ascii_case(code))
        {
            out.push(
                RULE.finding(
                    format!("suppression of {code} suppresses nothing"),
                    at(*span, "no such finding here"),
                )
                .with_help("remove it: the finding it was written for is gone"),
            );
        }
    }
    out
}
