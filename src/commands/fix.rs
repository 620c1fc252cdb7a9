//! `mralint fix [PATH]…`: every verified fix, as the lines to paste on the firewall and
//! as a unified diff of the config; `--write` applies them to the files.

use std::path::Path;

use super::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
use crate::cli::FixArgs;
use crate::finding::Finding;
use crate::fix::{Fix, Outcome};
use crate::workspace::Project;

/// One project's findings and what can be done about each fixable one.
struct Proposed {
    project: Project,
    findings: Vec<Finding>,
    outcomes: Vec<(usize, Outcome)>,
}

/// What one pass over the projects gave: the report of the fixes it wrote apart from the
/// rest, and its counts.
#[derive(Default)]
struct Pass {
    written_text: String,
    rest_text: String,
    written: Vec<String>,
    /// A fix was not written because another fix to its file was, this pass: it is
    /// verified again, against the changed file, in the next pass.
    deferred: bool,
    failed: bool,
    offered: usize,
    refused: usize,
    unread: usize,
}

/// Every project's findings and the fix outcomes, read afresh from the files.
fn propose_all(args: &FixArgs, policy: &crate::fsio::InputPolicy) -> Result<Vec<Proposed>, u8> {
    let projects =
        crate::workspace::discover_with(&args.paths, &|_| false, policy).map_err(|error| {
            eprintln!("{:?}", miette::Report::new(error));
            EXIT_ERROR
        })?;
    Ok(projects
        .into_iter()
        .map(|project| {
            let analysis = crate::mra::Analysis::of(&project);
            let findings = crate::rules::run_analysed(&project, &analysis, &|_| true);
            let outcomes = crate::fix::propose(&project, &analysis, &findings);
            Proposed {
                project,
                findings,
                outcomes,
            }
        })
        .collect())
}

/// One pass: reports every outcome and, with `--write`, writes the first fix of each file.
fn pass(proposed: &[Proposed], args: &FixArgs, policy: &crate::fsio::InputPolicy) -> Pass {
    let mut pass = Pass::default();
    for p in proposed {
        for finding in p.findings.iter().filter(|f| is_unread_input(f)) {
            pass.unread += 1;
            pass.rest_text.push_str(&heading(&p.project, finding));
            pass.rest_text
                .push_str("  nothing proven: mralint could not read or use this input\n\n");
        }
        for (index, outcome) in &p.outcomes {
            let section = heading(&p.project, &p.findings[*index]);
            match outcome {
                Outcome::Offered(fix) if args.write => {
                    let path = p.project.sources.get(fix.file).path.clone();
                    let shown = crate::source::display_path(&path);
                    if pass.written.contains(&shown) {
                        pass.deferred = true;
                        continue;
                    }
                    pass.offered += 1;
                    let text = section + &describe(fix);
                    match write(&p.project, fix, &path, policy) {
                        Ok(()) => {
                            pass.written_text
                                .push_str(&format!("{text}  written to {shown}\n\n"));
                            pass.written.push(shown);
                        }
                        Err(message) => {
                            pass.rest_text
                                .push_str(&format!("{text}  not written: {message}\n\n"));
                            pass.failed = true;
                        }
                    }
                }
                Outcome::Offered(fix) => {
                    pass.offered += 1;
                    pass.rest_text
                        .push_str(&format!("{section}{}\n", describe(fix)));
                }
                Outcome::Refused(reason) => {
                    pass.refused += 1;
                    pass.rest_text.push_str(&format!("{section}  {reason}\n\n"));
                }
            }
        }
    }
    pass
}

/// At most this many passes of `fix --write`: each written fix removes its finding and adds
/// none, so the passes end on their own; the bound is a guard.
const MAX_PASSES: usize = 50;

pub fn run(args: &FixArgs) -> u8 {
    let policy = args.input.policy();
    // Fixes to the same file are written one per pass, each verified against the file as
    // the fixes before it left it.
    let (mut earlier_text, mut earlier_written, mut earlier_offered) = (String::new(), 0, 0);
    let mut passes = 0;
    let last = loop {
        let proposed = match propose_all(args, &policy) {
            Ok(proposed) => proposed,
            Err(code) => return code,
        };
        let pass = pass(&proposed, args, &policy);
        passes += 1;
        if pass.deferred && !pass.written.is_empty() && passes < MAX_PASSES {
            earlier_text.push_str(&pass.written_text);
            earlier_written += pass.written.len();
            earlier_offered += pass.written.len();
            continue;
        }
        break pass;
    };
    let offered = earlier_offered + last.offered;
    let written = earlier_written + last.written.len();
    let mut out = earlier_text + &last.written_text + &last.rest_text;
    out.push_str(&format!(
        "mralint: {offered} verified fix(es), {} finding(s) without a safe automatic fix{}{}\n",
        last.refused,
        if args.write {
            format!(", {written} fix(es) written")
        } else {
            String::new()
        },
        if last.unread > 0 {
            format!(", {} input(s) not read or not usable", last.unread)
        } else {
            String::new()
        }
    ));
    if let Some(code) = super::print(&crate::escape::terminal(&out)) {
        return code;
    }
    let failed = last.failed || last.deferred;
    match (offered + last.refused, args.write) {
        _ if last.unread > 0 => EXIT_FINDINGS,
        (0, _) => EXIT_CLEAN,
        _ if args.write && !failed && last.refused == 0 => EXIT_CLEAN,
        _ => EXIT_FINDINGS,
    }
}

/// Whether a finding says an input was not read (INP001) or a deployment cannot be used
/// (DEP001): the rules did not run on what it names, so "nothing to fix" would be a claim
/// about files mralint never saw.
fn is_unread_input(finding: &Finding) -> bool {
    finding.suppressed.is_none() && matches!(finding.code, "INP001" | "DEP001")
}

/// `MRA001 asa.cfg:59: message`
fn heading(project: &Project, finding: &Finding) -> String {
    let file = project.sources.get(finding.primary.file);
    let (line, _) = file.line_col(finding.primary.span.start);
    format!(
        "{} {}:{line}: {}\n",
        finding.code,
        file.display_name(),
        finding.message
    )
}

/// A fix for people: what it does, what to paste, what else it changes, the diff.
pub fn describe(fix: &Fix) -> String {
    let mut out = format!(
        "  verified fix: {}\n  paste in configuration mode:\n",
        fix.title
    );
    for line in &fix.cli {
        out.push_str(&format!("    {line}\n"));
    }
    out.push_str("  what else it changes:\n");
    for effect in &fix.effects {
        out.push_str(&format!("    {effect}\n"));
    }
    // The diff keeps a CRLF file's line breaks so that it applies; on a terminal the CR
    // would show as `\r` on every line.
    out.push_str(&fix.diff.replace("\r\n", "\n"));
    out
}

/// `check --fix-diff`: the unified diffs of every verified fix, one after another (each
/// verified alone: apply them one at a time).
pub fn patch(projects: &[(&Project, &[Finding])]) -> String {
    let mut out = String::new();
    for (_, findings) in projects {
        for finding in findings.iter() {
            if let Some(fix) = &finding.fix {
                out.push_str(&fix.diff);
            }
        }
    }
    out
}

/// Writes a fix to its file: inside the project root, never through a symbolic link,
/// only when the file still holds the text the fix was verified on, atomically.
fn write(
    project: &Project,
    fix: &Fix,
    path: &Path,
    policy: &crate::fsio::InputPolicy,
) -> Result<(), String> {
    let folder = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let root = policy.root_for(folder);
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err("it is a symbolic link; mralint writes only regular files".into());
    }
    crate::fsio::check_inside(path, &root).map_err(|e| e.to_string())?;
    let bytes =
        crate::fsio::read_inside(path, &root, policy.max_file_size).map_err(|e| e.to_string())?;
    let original = crate::source::SourceFile::from_bytes(path, &bytes);
    // The project holds the text with its secrets masked, byte for byte in place: the
    // file must still be the one the fix was verified on.
    if crate::secrets::mask_config(&original.text) != project.sources.get(fix.file).text {
        return Err("the file changed since it was read; run mralint fix again".into());
    }
    let fixed = crate::fix::text::apply(&original.text, &fix.edits)?;
    let encoded: Vec<u8> = if std::str::from_utf8(&bytes).is_ok() {
        fixed.into_bytes()
    } else {
        // A Latin-1 file stays Latin-1 (the fix adds ASCII only).
        fixed
            .chars()
            .map(|c| u8::try_from(u32::from(c)).map_err(|_| "a character outside Latin-1"))
            .collect::<Result<_, _>>()?
    };
    crate::fsio::write_atomic(path, &encoded).map_err(|e| e.to_string())
}
