//! Baselines through the binary: `check --write-baseline` records the findings of the
//! "before" state of a sample pair, `check --baseline` on the "after" state reports and
//! fails only on what the change brought, whatever lines moved or were renamed.

mod common;

use std::path::PathBuf;
use std::process::Output;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

use common::mralint_in;

/// A scratch folder holding `fw/` with a pair's "before" state and a baseline of it.
struct Scratch(PathBuf);

impl Scratch {
    fn before(pair: &str) -> Self {
        // Tests run in parallel, some on the same pair: each scratch folder is its own.
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!(
            "mralint-baseline-{pair}-{}-{n}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("fw")).unwrap();
        let scratch = Scratch(dir);
        scratch.copy(&format!("samples-diff/{pair}/old"));
        let output = mralint_in(
            &scratch.0,
            &["check", "--write-baseline", "baseline.json", "fw"],
        );
        assert_eq!(
            output.status.code(),
            Some(0),
            "writing a baseline accepts the findings"
        );
        scratch
    }

    fn copy(&self, from: &str) {
        for entry in std::fs::read_dir(root().join(from)).unwrap().flatten() {
            std::fs::copy(entry.path(), self.0.join("fw").join(entry.file_name())).unwrap();
        }
    }

    fn after(&self, pair: &str) -> &Self {
        self.copy(&format!("samples-diff/{pair}/new"));
        self
    }

    fn check(&self, args: &[&str]) -> Output {
        let mut all = vec!["check", "--baseline", "baseline.json"];
        all.extend(args);
        all.push("fw");
        mralint_in(&self.0, &all)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn codes(output: &Output) -> Vec<String> {
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_baseline_holds_what_was_there() {
    let scratch = Scratch::before("fix-seed");
    let baseline: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(scratch.0.join("baseline.json")).unwrap())
            .unwrap();
    assert_eq!(baseline["version"], 1);
    let entries = baseline["findings"].as_array().unwrap();
    assert!(entries
        .iter()
        .any(|e| e["code"] == "MRA001" && e["file"] == "fw/asa.cfg"));
    // Unchanged configs: nothing to report, exit 0, and the summary says why.
    let output = scratch.check(&[]);
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains(&format!("no findings ({} in the baseline)", entries.len())),
        "{text}"
    );
}

#[test]
fn moved_and_renamed_lines_stay_in_the_baseline() {
    for pair in ["line-move", "rename-reflection-object"] {
        let scratch = Scratch::before(pair);
        let output = scratch.after(pair).check(&["--format", "json"]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{pair}: {:?}",
            codes(&output)
        );
        assert!(codes(&output).is_empty(), "{pair}");
    }
}

#[test]
fn only_new_findings_are_reported_and_fail() {
    let scratch = Scratch::before("introduce-seed");
    let output = scratch.after("introduce-seed").check(&["--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(codes(&output), ["MRA001", "MRA002"]);
    // A fix leaves nothing new.
    let scratch = Scratch::before("fix-seed");
    let output = scratch.after("fix-seed").check(&[]);
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn sarif_marks_new_unchanged_and_absent() {
    let scratch = Scratch::before("acl-blocks-ssh");
    // A baseline of the broken state, then the fix: MRA004 is absent.
    let broken = Scratch::before("acl-blocks-ssh");
    broken.after("acl-blocks-ssh");
    let output = mralint_in(
        &broken.0,
        &["check", "--write-baseline", "baseline.json", "fw"],
    );
    assert_eq!(output.status.code(), Some(0));
    broken.copy("samples-diff/acl-blocks-ssh/old");
    let output = broken.check(&["--format", "sarif"]);
    let log: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let _: serde_sarif::sarif::Sarif = serde_json::from_value(log.clone()).expect("valid SARIF");
    validate_sarif(&log);
    let results = log["runs"][0]["results"].as_array().unwrap();
    let absent: Vec<&serde_json::Value> = results
        .iter()
        .filter(|r| r["baselineState"] == "absent")
        .collect();
    assert_eq!(absent.len(), 1);
    assert_eq!(absent[0]["ruleId"], "MRA004");
    assert_eq!(
        absent[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "fw/asa-inside.cfg"
    );
    // And the other way round: the break is new.
    let output = scratch
        .after("acl-blocks-ssh")
        .check(&["--format", "sarif"]);
    assert_eq!(output.status.code(), Some(1));
    let log: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let states: Vec<(&str, &str)> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap(),
                r["baselineState"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(states.contains(&("MRA004", "new")), "{states:?}");
    assert!(
        states
            .iter()
            .all(|(code, state)| *code == "MRA004" || *state == "unchanged"),
        "{states:?}"
    );
}

#[test]
fn an_unusable_baseline_exits_2() {
    let scratch = Scratch::before("line-move");
    for (content, message) in [
        (None, "cannot read baseline"),
        (Some("not json"), "is not an mralint baseline"),
        (Some(r#"{"version":2,"findings":[]}"#), "version 2 baseline"),
    ] {
        let path = scratch.0.join("bad.json");
        let _ = std::fs::remove_file(&path);
        if let Some(content) = content {
            std::fs::write(&path, content).unwrap();
        }
        let output = mralint_in(&scratch.0, &["check", "--baseline", "bad.json", "fw"]);
        assert_eq!(output.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&output.stderr).contains(message));
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
