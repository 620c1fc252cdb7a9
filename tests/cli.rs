//! The command line end to end: exit codes, formats, rule docs, bad input.

use std::process::{Command, Output};

fn mralint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mralint"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("mralint runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn the_seed_sample_fails_with_mra001() {
    let output = mralint(&["check", "samples/mra-single-nic-source-translated"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.contains("MRA001(traversal-source-translated)"),
        "{text}"
    );
    assert!(text.contains("asa.cfg:59:1"), "{text}");
    assert!(text.contains("deployment.yaml:25:13"), "{text}");
}

#[test]
fn the_dual_nic_sample_is_clean() {
    let output = mralint(&["check", "samples/mra-dual-nic-ok/deployment.yaml"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(stdout(&output), "mralint: no findings\n");
}

#[test]
fn fail_on_sets_the_threshold() {
    let warning_only = "samples/mra-single-nic-reflection-ok";
    assert_eq!(mralint(&["check", warning_only]).status.code(), Some(1));
    assert_eq!(
        mralint(&["check", "--fail-on", "error", warning_only])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        mralint(&[
            "check",
            "--fail-on",
            "never",
            "samples/mra-single-nic-source-translated"
        ])
        .status
        .code(),
        Some(0)
    );
}

#[test]
fn json_output() {
    let output = mralint(&[
        "check",
        "--format",
        "json",
        "samples/mra-single-nic-source-translated",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["version"], 1);
    assert_eq!(json["summary"]["errors"], 2);
    assert_eq!(json["summary"]["warnings"], 2);
    assert_eq!(json["summary"]["advice"], 1);
    let first = &json["findings"][0];
    assert_eq!(first["code"], "MRA001");
    assert_eq!(first["line"], 59);
    assert_eq!(
        first["related"][0]["file"],
        "samples/mra-single-nic-source-translated/deployment.yaml"
    );
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn an_unreadable_path_exits_2() {
    let output = mralint(&["check", "samples/no-such-sample/deployment.yaml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot read"));
    let output = mralint(&["check", "src"]);
    assert_eq!(
        output.status.code(),
        Some(2),
        "a directory with nothing to lint"
    );
}

#[test]
fn a_bad_flag_exits_2() {
    assert_eq!(
        mralint(&["check", "--format", "xml"]).status.code(),
        Some(2)
    );
    assert_eq!(mralint(&["explain", "XYZ999"]).status.code(), Some(2));
}

#[test]
fn explain_prints_the_rule_doc() {
    let output = mralint(&["explain", "MRA001"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    for heading in [
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## Use instead",
        "## References",
    ] {
        assert!(text.contains(heading), "{heading} missing:\n{text}");
    }
}

#[test]
fn a_config_on_stdin() {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_mralint"))
        .args(["check", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"access-group MISSING in interface inside\n")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("OBJ001"));
}

#[test]
fn a_config_alone_is_linted_with_its_deployment() {
    let output = mralint(&["check", "samples/mra-single-nic-source-translated/asa.cfg"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("MRA001"), "{}", stdout(&output));
}
