//! `mralint diff` end to end: the exit-code ratchet, formats, `--base REV` on a scratch
//! git repository, and bad input (exit code 2, never a panic).

mod common;

use std::path::PathBuf;
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

use common::mralint_in;

fn mralint(args: &[&str]) -> Output {
    mralint_in(&root(), args)
}

fn pair(name: &str) -> [String; 2] {
    ["old", "new"].map(|side| format!("samples-diff/{name}/{side}"))
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn new_findings_fail_old_debt_does_not() {
    let [old, new] = pair("introduce-seed");
    assert_eq!(mralint(&["diff", &old, &new]).status.code(), Some(1));
    // The fix leaves warnings and advice behind; `check` fails on them, the diff does not.
    let [old, new] = pair("fix-seed");
    assert_eq!(mralint(&["check", &new]).status.code(), Some(1));
    assert_eq!(mralint(&["diff", &old, &new]).status.code(), Some(0));
    let [old, new] = pair("line-move");
    let output = mralint(&["diff", &old, &new]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stdout(&output).contains("Introduced: 0 findings"));
}

#[test]
fn fail_on_applies_to_new_findings() {
    let [old, new] = pair("introduce-seed");
    for (threshold, code) in [("error", 1), ("advice", 1), ("never", 0)] {
        assert_eq!(
            mralint(&["diff", "--fail-on", threshold, &old, &new])
                .status
                .code(),
            Some(code),
            "--fail-on {threshold}"
        );
    }
    // Only MRA001/MRA002 are new: ignoring them leaves nothing new.
    assert_eq!(
        mralint(&["diff", "--ignore", "MRA001,MRA002", &old, &new])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn json_lists_findings_and_flows() {
    let [old, new] = pair("acl-blocks-ssh");
    let output = mralint(&["diff", "--format", "json", &old, &new]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["version"], 1);
    assert_eq!(json["kind"], "diff");
    let introduced = json["findings"]["introduced"].as_array().unwrap();
    assert_eq!(introduced.len(), 1);
    assert_eq!(introduced[0]["code"], "MRA004");
    assert_eq!(introduced[0]["path"], "asa-inside.cfg");
    assert_eq!(
        introduced[0]["text"],
        "access-list INSIDE_in extended deny tcp any any eq 2222 log"
    );
    let flows = json["flows"].as_array().unwrap();
    assert_eq!(flows.len(), 1);
    let flow = &flows[0];
    assert_eq!(flow["change"], "broken");
    assert_eq!(flow["before"]["healthy"], true);
    assert_eq!(flow["after"]["healthy"], false);
    let denied = &flow["after"]["hops"][0]["steps"][0];
    assert_eq!(denied["phase"], "ACCESS-LIST");
    assert_eq!(denied["lines"][1]["status"], "added");
    assert_eq!(denied["lines"][1]["line"], 28);
    assert_eq!(json["summary"]["fails"], true);
}

#[test]
fn sarif_marks_baseline_states() {
    let [old, new] = pair("fix-seed");
    // By default a fixed finding is no result at all: code scanning closes its alert.
    let output = mralint(&["diff", "--format", "sarif", &old, &new]);
    let log: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    validate_sarif(&log);
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(
        results.iter().all(|r| r["baselineState"] != "absent"),
        "{results:?}"
    );
    assert!(!results.iter().any(|r| r["ruleId"] == "MRA001"));
    // Kept on request, at level `none`, so no SARIF reader counts it as an error.
    let output = mralint(&[
        "diff",
        "--format",
        "sarif",
        "--sarif-keep-fixed",
        &old,
        &new,
    ]);
    let log: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let _: serde_sarif::sarif::Sarif = serde_json::from_value(log.clone()).expect("valid SARIF");
    validate_sarif(&log);
    let results = log["runs"][0]["results"].as_array().unwrap();
    let state = |code: &str| -> Vec<String> {
        results
            .iter()
            .filter(|r| r["ruleId"] == code)
            .map(|r| r["baselineState"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(state("MRA001"), ["absent"]);
    assert_eq!(state("MRA011"), ["unchanged"]);
    let absent = results.iter().find(|r| r["ruleId"] == "MRA001").unwrap();
    assert_eq!(absent["level"], "none");
    assert_eq!(
        absent["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "samples-diff/fix-seed/old/asa.cfg"
    );
}

#[test]
fn github_annotates_only_what_the_change_brings() {
    let [old, new] = pair("acl-blocks-ssh");
    let text = stdout(&mralint(&["diff", "--format", "github", &old, &new]));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0]
        .starts_with("::error file=samples-diff/acl-blocks-ssh/new/asa-inside.cfg,line=28,"));
    assert!(lines[1].starts_with("::notice title=mralint diff::0 findings fixed; flows: 1 broken"));
}

#[test]
fn markdown_has_a_diagram_per_changed_flow() {
    let [old, new] = pair("introduce-seed");
    let output = mralint(&["diff", "--format", "markdown", &old, &new]);
    let text = stdout(&output);
    assert!(text.starts_with("## mralint: what this change does to MRA\n"));
    // Four broken flows, one NAT line: drawn once, after and before the change.
    assert_eq!(text.matches("```mermaid\nflowchart TD\n").count(), 2);
    assert!(text.contains("decides 4 flows"), "{text}");
}

#[test]
fn two_files_compare_as_one() {
    // A lone config, before and after, under different names.
    let scratch = std::env::temp_dir().join(format!("mralint-diff-files-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).unwrap();
    let config =
        std::fs::read_to_string(root().join("samples/obj-undefined-reference/asa.cfg")).unwrap();
    std::fs::write(scratch.join("before.cfg"), &config).unwrap();
    std::fs::write(
        scratch.join("after.cfg"),
        format!("! a comment on top\n{config}"),
    )
    .unwrap();
    let output = mralint_in(
        &scratch,
        &["diff", "--format", "json", "before.cfg", "after.cfg"],
    );
    let _ = std::fs::remove_dir_all(&scratch);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(0), "{json}");
    assert!(json["findings"]["introduced"]
        .as_array()
        .unwrap()
        .is_empty());
    assert!(!json["findings"]["unchanged"].as_array().unwrap().is_empty());
}

#[test]
fn bad_input_exits_2_with_a_message() {
    let [old, new] = pair("introduce-seed");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["diff"], "compares OLD NEW"),
        (vec!["diff", &old], "compares OLD NEW"),
        (vec!["diff", &old, &new, &old], "compares OLD NEW"),
        (
            vec!["diff", &old, "samples-diff/none"],
            "cannot read `samples-diff/none`",
        ),
        (
            vec!["diff", &old, "samples-diff/introduce-seed/new/asa.cfg"],
            "both be files or both be folders",
        ),
        (vec!["diff", "-", &new], "standard input"),
    ];
    for (args, message) in cases {
        let output = mralint(&args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains(message),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(!stderr(&output).contains("panicked"));
    }
}

/// A scratch git repository holding the old state of a pair, committed, with the new
/// state in its working tree.
struct Repo(PathBuf);

impl Repo {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("mralint-diff-git-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("fw")).unwrap();
        let repo = Repo(dir);
        repo.git(&["init", "-q"]);
        repo.copy(&format!("samples-diff/{name}/old"));
        repo.git(&["add", "."]);
        repo.git(&[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "commit",
            "-qm",
            "before",
        ]);
        repo.copy(&format!("samples-diff/{name}/new"));
        repo
    }

    fn copy(&self, from: &str) {
        for entry in std::fs::read_dir(root().join(from)).unwrap().flatten() {
            std::fs::copy(entry.path(), self.0.join("fw").join(entry.file_name())).unwrap();
        }
    }

    fn git(&self, args: &[&str]) {
        let status = Command::new("git")
            .args(args)
            .current_dir(&self.0)
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    }
}

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn base_reads_the_revision_through_git() {
    let repo = Repo::new("introduce-seed");
    let output = mralint_in(&repo.0, &["diff", "--base", "HEAD", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["old"], "HEAD");
    let codes: Vec<&str> = json["findings"]["introduced"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["MRA001", "MRA002"]);
    assert_eq!(json["findings"]["introduced"][0]["file"], "fw/asa.cfg");
    assert_eq!(json["summary"]["flows_broken"], 4);

    // A config given alone, from a subfolder: linted with the deployment beside it, in
    // both states.
    let output = mralint_in(
        &repo.0.join("fw"),
        &["diff", "--base", "HEAD", "asa.cfg", "--format", "json"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["summary"]["introduced"], 2);
    assert_eq!(json["summary"]["unchanged"], 1);

    // Through a symbolic link to the repository: git names the root by its real path, the
    // working tree is read by the linked one; the files still pair up.
    #[cfg(unix)]
    {
        let link = repo.0.with_extension("link");
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&repo.0, &link).unwrap();
        let output = mralint_in(
            &link.join("fw"),
            &["diff", "--base", "HEAD", "--format", "json"],
        );
        let _ = std::fs::remove_file(&link);
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(json["summary"]["introduced"], 2, "{json}");
        assert_eq!(json["summary"]["unchanged"], 1, "{json}");
    }

    // Nothing changed against the working tree's own commit once it is committed.
    repo.git(&[
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.com",
        "commit",
        "-qam",
        "after",
    ]);
    let output = mralint_in(&repo.0, &["diff", "--base", "HEAD"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let output = mralint_in(&repo.0, &["diff", "--base", "HEAD~1", "--fail-on", "never"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("mralint diff: HEAD~1 → working tree"));
}

#[test]
fn base_handles_added_and_deleted_files() {
    let repo = Repo::new("acl-blocks-ssh");
    // A new deployment folder that did not exist at the base: everything in it is new.
    std::fs::create_dir_all(repo.0.join("lab")).unwrap();
    for file in ["asa.cfg", "deployment.yaml"] {
        std::fs::copy(
            root().join("samples-diff/introduce-seed/new").join(file),
            repo.0.join("lab").join(file),
        )
        .unwrap();
    }
    let output = mralint_in(
        &repo.0,
        &["diff", "--base", "HEAD", "lab", "--format", "json"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["summary"]["introduced"], 3);
    assert_eq!(json["summary"]["flows_broken"], 4);
    assert_eq!(json["summary"]["flows_added"], 7);

    // The folder deleted from the working tree: everything in it is gone.
    std::fs::remove_dir_all(repo.0.join("fw")).unwrap();
    let output = mralint_in(
        &repo.0,
        &["diff", "--base", "HEAD", "fw", "--format", "json"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["summary"]["flows_removed"], 10);
}

#[test]
fn base_refuses_bad_revisions_and_places() {
    let repo = Repo::new("line-move");
    for (dir, args, message) in [
        (
            repo.0.clone(),
            vec!["diff", "--base", "no-such-branch"],
            "`no-such-branch` is not a revision",
        ),
        (
            repo.0.clone(),
            vec!["diff", "--base=--output=x"],
            "is not a revision",
        ),
        (
            repo.0.clone(),
            vec!["diff", "--base", "HEAD", "../elsewhere"],
            "outside the repository",
        ),
        (
            repo.0.clone(),
            vec!["diff", "--base", "HEAD", "nowhere"],
            "neither in the working tree nor at `HEAD`",
        ),
        (
            std::env::temp_dir(),
            vec!["diff", "--base", "HEAD"],
            "not inside a git repository",
        ),
    ] {
        let output = mralint_in(&dir, &args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains(message),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

/// Validates a SARIF log against the official schema, when the schema is at hand.
fn validate_sarif(log: &serde_json::Value) {
    let schema_path = root().join("../shared/schemas/sarif-schema-2.1.0.json");
    let Ok(text) = std::fs::read_to_string(&schema_path) else {
        eprintln!(
            "skipped schema validation: {} is absent",
            schema_path.display()
        );
        return;
    };
    // The official `language` pattern has a stray `]` (see tests/formats.rs).
    let text = text.replace(
        r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#,
        r#""^[a-zA-Z]{2}(-[a-zA-Z]{2})?$""#,
    );
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema violations:\n{}",
        errors.join("\n")
    );
}

#[test]
fn suppressions_in_the_change_are_reported_as_such() {
    let scratch = std::env::temp_dir().join(format!("mralint-diff-sup-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    for side in ["old", "new"] {
        std::fs::create_dir_all(scratch.join(side)).unwrap();
        for file in ["asa.cfg", "deployment.yaml"] {
            std::fs::copy(
                root()
                    .join("samples-diff/introduce-seed")
                    .join(side)
                    .join(file),
                scratch.join(side).join(file),
            )
            .unwrap();
        }
    }
    // The change introduces the seed case and silences MRA001 at once.
    let config = std::fs::read_to_string(scratch.join("new/asa.cfg")).unwrap();
    let silenced = config.replacen(
        "nat (inside,dmz) source dynamic",
        "! mralint: ignore[MRA001] accepted until CHG-7 moves E to dual NIC\nnat (inside,dmz) source dynamic",
        1,
    );
    std::fs::write(scratch.join("new/asa.cfg"), silenced).unwrap();
    let output = mralint_in(
        &scratch,
        &[
            "diff",
            "--format",
            "json",
            "--output-file",
            "diff.json",
            "old",
            "new",
        ],
    );
    assert!(output.stdout.is_empty(), "--output-file takes the report");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(scratch.join("diff.json")).unwrap()).unwrap();
    let human = stdout(&mralint_in(&scratch, &["diff", "old", "new"]));
    let _ = std::fs::remove_dir_all(&scratch);
    // MRA002 is still new, so the change fails; MRA001 is reported as silenced, not new.
    assert_eq!(output.status.code(), Some(1));
    let codes = |list: &str| -> Vec<String> {
        json["findings"][list]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(codes("introduced"), ["MRA002"]);
    assert_eq!(codes("suppressed"), ["MRA001"]);
    assert_eq!(json["findings"]["suppressed"][0]["reported_before"], false);
    assert_eq!(
        json["findings"]["suppressed"][0]["reason"],
        "accepted until CHG-7 moves E to dual NIC"
    );
    assert!(
        human.contains("Silenced by a suppression comment in this change: 1 finding"),
        "{human}"
    );
    assert!(
        human.contains("new, suppressed at once; reason: accepted until CHG-7"),
        "{human}"
    );
}

#[test]
fn github_format_writes_the_job_summary() {
    let [old, new] = pair("acl-blocks-ssh");
    let summary =
        std::env::temp_dir().join(format!("mralint-diff-summary-{}.md", std::process::id()));
    let _ = std::fs::remove_file(&summary);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_mralint"))
        .args(["diff", "--format", "github", &old, &new])
        .current_dir(root())
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(
        text.starts_with("## mralint: what this change does to MRA"),
        "{text}"
    );
    assert!(text.contains("```mermaid"), "{text}");
}
