//! Proven fixes on the samples: each sample's `expect-fix` holds the diffs of every fix
//! mralint offers for it (no file: none offered); every offered fix, applied, leaves its
//! sample without the finding it fixes and with no finding it did not have; a fix that
//! would break other flows is refused with the reason; `fix --write` writes the files.

mod common;

use std::path::{Path, PathBuf};

use mralint::fix::{self, Outcome};
use mralint::workspace;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn samples() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join("samples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expect.yaml").exists())
        .map(|p| p.strip_prefix(root()).unwrap().to_path_buf())
        .collect();
    dirs.sort();
    dirs
}

/// A project, its findings, and what mralint offers for the fixable ones.
type Proposed = (
    workspace::Project,
    Vec<mralint::finding::Finding>,
    Vec<(usize, Outcome)>,
);

/// Each project of a sample with its findings and what mralint offers for them.
fn proposals(sample: &Path) -> Vec<Proposed> {
    let projects = workspace::discover(&[root().join(sample)], &|_| false).unwrap();
    projects
        .into_iter()
        .map(|project| {
            let linted = mralint::lint(&project);
            let outcomes = fix::propose(&project, &linted.analysis, &linted.findings);
            (project, linted.findings, outcomes)
        })
        .collect()
}

#[test]
fn every_sample_expect_fix_holds_the_offered_diffs() {
    for sample in samples() {
        // Paths relative to the crate (the tests' working directory), as
        // `mralint check samples/NAME --fix-diff` names them.
        let projects = workspace::discover(std::slice::from_ref(&sample), &|_| false).unwrap();
        let mut diffs = String::new();
        for project in &projects {
            let linted = mralint::lint(project);
            for (_, outcome) in fix::propose(project, &linted.analysis, &linted.findings) {
                if let Outcome::Offered(fix) = outcome {
                    diffs.push_str(&fix.diff);
                }
            }
        }
        let expected =
            std::fs::read_to_string(root().join(&sample).join("expect-fix")).unwrap_or_default();
        assert_eq!(diffs, expected, "expect-fix of {}", sample.display());
    }
}

#[test]
fn every_offered_fix_removes_its_finding_and_adds_none() {
    let mut offered = 0;
    for sample in samples() {
        for (project, findings, outcomes) in proposals(&sample) {
            let before: Vec<(&str, &str)> = findings
                .iter()
                .map(|f| (f.code, f.message.as_str()))
                .collect();
            for (index, outcome) in outcomes {
                let Outcome::Offered(fix) = outcome else {
                    continue;
                };
                offered += 1;
                let fixed = workspace::with_override(&project, fix.file, &fix.fixed_text);
                let after = mralint::lint(&fixed).findings;
                let target = &findings[index];
                assert!(
                    !after
                        .iter()
                        .any(|f| f.code == target.code && f.message == target.message),
                    "{}: {} still reported after `{}`",
                    sample.display(),
                    target.code,
                    fix.title
                );
                for finding in &after {
                    assert!(
                        before.contains(&(finding.code, finding.message.as_str())),
                        "{}: `{}` brings {} ({})",
                        sample.display(),
                        fix.title,
                        finding.code,
                        finding.message
                    );
                }
                assert!(!fix.effects.is_empty(), "{}: effects", sample.display());
                assert!(fix.diff.starts_with("--- a/"), "{}", fix.diff);
            }
        }
    }
    assert!(
        offered >= 10,
        "only {offered} fixes offered over the samples"
    );
}

#[test]
fn a_fix_that_breaks_other_flows_is_refused_with_the_reason() {
    let sample = Path::new("samples/mra-reflection-any-source-fix-refused");
    let all = proposals(sample);
    let (_, findings, outcomes) = &all[0];
    let (index, outcome) = outcomes
        .iter()
        .find(|(i, _)| findings[*i].code == "MRA001")
        .expect("MRA001 is fixable");
    assert_eq!(findings[*index].code, "MRA001");
    match outcome {
        Outcome::Refused(reason) => {
            assert!(reason.contains("MRA007"), "{reason}");
            assert!(reason.contains("MRA012"), "{reason}");
        }
        Outcome::Offered(fix) => panic!("offered: {}", fix.diff),
    }
    assert!(!root().join(sample).join("expect-fix").exists());
}

use common::mralint_in as mralint;

/// A fresh copy of a sample in the test's temporary folder.
fn copy_of(sample: &str, name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(root().join("samples").join(sample)).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    dir
}

#[test]
fn fix_write_applies_the_fixes_and_check_then_finds_them_gone() {
    let dir = copy_of("mra-single-nic-source-translated", "fix-write-seed");
    // Both fixes of the one file in one run: the second verified against the file the
    // first left.
    let first = mralint(&dir, &["fix", "--write", "."]);
    let text = String::from_utf8_lossy(&first.stdout).into_owned();
    assert_eq!(first.status.code(), Some(0), "{text}");
    assert_eq!(text.matches("written to asa.cfg").count(), 2, "{text}");
    assert!(text.contains("2 fix(es) written"), "{text}");
    let check = mralint(&dir, &["check", ".", "--format", "concise"]);
    let text = String::from_utf8_lossy(&check.stdout).into_owned();
    assert!(!text.contains("MRA001"), "{text}");
    assert!(!text.contains("MRA011"), "{text}");
    let config = std::fs::read_to_string(dir.join("asa.cfg")).unwrap();
    assert!(config.contains(
        "\nnat (inside,dmz) source static INSIDE-NET INSIDE-NET destination static EXPE-PUBLIC EXPE\n"
    ));
    assert!(config.contains("\ntimeout conn 2:00:00 half-closed"));
    let third = mralint(&dir, &["fix", "."]);
    assert_eq!(third.status.code(), Some(0));
}

#[cfg(unix)]
#[test]
fn fix_write_never_writes_through_a_symbolic_link() {
    let dir = copy_of("mra-single-nic-source-translated", "fix-write-link");
    let real = dir.join("real.cfg");
    std::fs::rename(dir.join("asa.cfg"), &real).unwrap();
    std::os::unix::fs::symlink("real.cfg", dir.join("asa.cfg")).unwrap();
    let before = std::fs::read(&real).unwrap();
    let output = mralint(&dir, &["fix", "--write", "."]);
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        text.contains("not written: it is a symbolic link"),
        "{text}"
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(std::fs::read(&real).unwrap(), before);
    assert!(std::fs::symlink_metadata(dir.join("asa.cfg"))
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn sarif_and_json_carry_the_fix() {
    let output = mralint(
        root(),
        &[
            "check",
            "samples/mra-dual-nic-ssh-blocked",
            "--format",
            "sarif",
            "--show-fixes",
        ],
    );
    let log: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let result = &log["runs"][0]["results"][0];
    let replacement = &result["fixes"][0]["artifactChanges"][0]["replacements"][0];
    assert_eq!(replacement["deletedRegion"]["startLine"], 28);
    assert_eq!(replacement["deletedRegion"]["endLine"], 28);
    assert_eq!(
        replacement["insertedContent"]["text"],
        "access-list INSIDE_in extended permit tcp host 10.0.30.2 host 10.0.20.2 eq 2222\n"
    );
    let output = mralint(
        root(),
        &[
            "check",
            "samples/mra-dual-nic-ssh-blocked",
            "--format",
            "json",
            "--show-fixes",
        ],
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        json["findings"][0]["fix"]["cli"][0],
        "access-list INSIDE_in line 4 extended permit tcp host 10.0.30.2 host 10.0.20.2 eq 2222"
    );
}

#[test]
fn the_markdown_comment_shows_the_fix_as_a_diff_block() {
    let output = mralint(
        root(),
        &[
            "check",
            "samples/mra-single-nic-source-translated",
            "--format",
            "markdown",
            "--show-fixes",
        ],
    );
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        text.contains("verified fix (translate only the destination of C's traffic):\n```diff\n--- a/samples/mra-single-nic-source-translated/asa.cfg\n"),
        "{text}"
    );
    assert!(
        text.contains("\n+nat (inside,dmz) source static INSIDE-NET INSIDE-NET destination static EXPE-PUBLIC EXPE\n"),
        "{text}"
    );
}

#[test]
fn check_fix_diff_prints_the_patch_only() {
    let output = mralint(
        root(),
        &["check", "samples/mra-dual-nic-ssh-blocked", "--fix-diff"],
    );
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let expected =
        std::fs::read_to_string(root().join("samples/mra-dual-nic-ssh-blocked/expect-fix"))
            .unwrap();
    assert_eq!(text, expected);
}
