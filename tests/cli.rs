//! The command line end to end: exit codes, formats, rule docs, bad input.

mod common;

use std::process::{Command, Output};

fn mralint(args: &[&str]) -> Output {
    common::mralint_in(std::path::Path::new(env!("CARGO_MANIFEST_DIR")), args)
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
        "--show-fixes",
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

// ---- Everyday habits: never pass quietly, formats, flags ----

fn mralint_env(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mralint"));
    command.args(args).current_dir(dir);
    for name in [
        "NO_COLOR",
        "CLICOLOR_FORCE",
        "FORCE_COLOR",
        "COLUMNS",
        "GITHUB_STEP_SUMMARY",
    ] {
        command.env_remove(name);
    }
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("mralint runs")
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("mralint-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A folder holding a config and both xConfiguration dumps, but no deployment.
fn config_and_dumps(name: &str) -> std::path::PathBuf {
    let dir = scratch(name);
    let sample = root().join("samples/dep-xconfig-mismatch");
    for file in ["asa.cfg", "expc1.txt", "expe1.txt"] {
        std::fs::copy(sample.join(file), dir.join(file)).unwrap();
    }
    dir
}

#[test]
fn a_config_without_a_deployment_says_the_mra_rules_did_not_run() {
    let dir = config_and_dumps("notice");
    let output = mralint_env(&dir, &["check", "."], &[]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.contains("MRA rules not run on `asa.cfg`"), "{text}");
    // The exact command that writes the deployment, from the dumps beside the config.
    assert!(
        text.contains(
            "`mralint init --xconfig expc1.txt expe1.txt --firewall asa.cfg -o deployment.yaml`"
        ),
        "{text}"
    );
    // A config given alone, with no dumps beside it, says so too.
    let lone = scratch("notice-lone");
    std::fs::copy(dir.join("asa.cfg"), lone.join("asa.cfg")).unwrap();
    let text = stdout(&mralint_env(&lone, &["check", "asa.cfg"], &[]));
    assert!(text.contains("MRA rules not run on `asa.cfg`"), "{text}");
    assert!(text.contains("mralint init --xconfig"), "{text}");

    // Every format carries it.
    let json: serde_json::Value =
        serde_json::from_slice(&mralint_env(&dir, &["check", "--format", "json", "."], &[]).stdout)
            .unwrap();
    assert_eq!(json["summary"]["mra_rules_not_run"][0], "asa.cfg");
    assert_eq!(json["notices"][0]["kind"], "no-deployment");
    let sarif: serde_json::Value = serde_json::from_slice(
        &mralint_env(&dir, &["check", "--format", "sarif", "."], &[]).stdout,
    )
    .unwrap();
    let _: serde_sarif::sarif::Sarif = serde_json::from_value(sarif.clone()).expect("valid SARIF");
    assert_eq!(
        sarif["runs"][0]["properties"]["mraRulesNotRun"][0],
        "asa.cfg"
    );
    assert!(
        sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
            .as_str()
            .unwrap()
            .contains("MRA rules not run")
    );
    let github = stdout(&mralint_env(
        &dir,
        &["check", "--format", "github", "."],
        &[],
    ));
    assert!(
        github.contains("::warning file=asa.cfg,title=MRA rules not run::"),
        "{github}"
    );
    let markdown = stdout(&mralint_env(
        &dir,
        &["check", "--format", "markdown", "."],
        &[],
    ));
    assert!(markdown.contains("MRA rules not run"), "{markdown}");
    let concise = stdout(&mralint_env(
        &dir,
        &["check", "--format", "concise", "."],
        &[],
    ));
    assert!(concise.contains("MRA rules not run"), "{concise}");

    // A repository that always has deployments makes it a failure.
    assert_eq!(
        mralint_env(&dir, &["check", "--require-deployment", "."], &[])
            .status
            .code(),
        Some(1)
    );
    std::fs::write(dir.join(".mralint.yaml"), "require-deployment: true\n").unwrap();
    assert_eq!(
        mralint_env(&dir, &["check", "."], &[]).status.code(),
        Some(1)
    );
    // With a deployment, no notice.
    let text = stdout(&mralint(&["check", "samples/mra-dual-nic-ok"]));
    assert!(!text.contains("MRA rules not run"), "{text}");
}

#[test]
fn concise_prints_one_line_per_finding() {
    let output = mralint(&[
        "check",
        "--format",
        "concise",
        "samples/mra-single-nic-source-translated",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.lines().any(|l| l
            .starts_with("samples/mra-single-nic-source-translated/asa.cfg:59:1: MRA001 [error] ")),
        "{text}"
    );
    assert_eq!(
        text.lines().count(),
        6,
        "five findings and the summary: {text}"
    );
    assert!(
        text.ends_with("mralint: 2 errors, 2 warnings, 1 advice\n"),
        "{text}"
    );
    // --quiet: the findings only.
    let quiet = stdout(&mralint(&[
        "check",
        "--format",
        "concise",
        "-q",
        "samples/mra-single-nic-source-translated",
    ]));
    assert_eq!(quiet.lines().count(), 5, "{quiet}");
    assert!(!quiet.contains("mralint:"), "{quiet}");
    let quiet_human = stdout(&mralint(&["check", "--quiet", "samples/mra-dual-nic-ok"]));
    assert_eq!(quiet_human, "");
}

#[test]
fn statistics_count_findings_per_rule() {
    let output = mralint(&["check", "--statistics", "samples"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    let first = text.lines().next().unwrap();
    let fields: Vec<&str> = first.split_whitespace().collect();
    assert!(fields[0].parse::<usize>().unwrap() >= 1, "{text}");
    assert!(fields[1].len() == 6, "{text}");
    assert!(!text.contains('╭'), "no findings drawn: {text}");
    assert!(text.contains("\nmralint: "), "{text}");
    assert_eq!(
        mralint(&["check", "--statistics", "--format", "json", "samples"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn gitlab_code_quality_leaves_out_suppressed_and_baseline_findings() {
    let count = |args: &[&str]| -> usize {
        let output = mralint(args);
        let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        match &value {
            serde_json::Value::Array(issues) => {
                for issue in issues {
                    for key in ["description", "check_name", "fingerprint", "severity"] {
                        assert!(issue[key].is_string(), "{issue}");
                    }
                    assert!(issue["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
                }
                let prints: std::collections::HashSet<&str> = issues
                    .iter()
                    .map(|i| i["fingerprint"].as_str().unwrap())
                    .collect();
                assert_eq!(prints.len(), issues.len(), "unique fingerprints");
                issues.len()
            }
            _ => value["findings"].as_array().unwrap().len(),
        }
    };
    let gitlab = count(&["check", "--format", "gitlab", "samples/sup-suppressions"]);
    let json = count(&["check", "--format", "json", "samples/sup-suppressions"]);
    assert_eq!(gitlab, json, "suppressed findings are left out as in JSON");
    let sarif: serde_json::Value = serde_json::from_slice(
        &mralint(&["check", "--format", "sarif", "samples/sup-suppressions"]).stdout,
    )
    .unwrap();
    assert!(sarif["runs"][0]["results"].as_array().unwrap().len() > gitlab);
    // A baseline of every finding leaves nothing.
    let dir = scratch("gitlab");
    let baseline = dir.join("baseline.json");
    let baseline = baseline.to_str().unwrap();
    mralint(&[
        "check",
        "--write-baseline",
        baseline,
        "samples/hygiene-findings",
    ]);
    assert_eq!(
        count(&[
            "check",
            "--format",
            "gitlab",
            "--baseline",
            baseline,
            "samples/hygiene-findings"
        ]),
        0
    );
    assert!(count(&["check", "--format", "gitlab", "samples/hygiene-findings"]) > 0);
}

#[test]
fn the_same_path_twice_is_linted_once() {
    let once = mralint(&[
        "check",
        "--format",
        "concise",
        "samples/mra-single-nic-source-translated",
    ]);
    let twice = mralint(&[
        "check",
        "--format",
        "concise",
        "samples/mra-single-nic-source-translated",
        "samples/mra-single-nic-source-translated/",
        "samples/mra-single-nic-source-translated/asa.cfg",
    ]);
    assert_eq!(stdout(&once), stdout(&twice));
}

#[test]
fn related_locations_are_titled_related() {
    let text = stdout(&mralint(&["check", "samples/mra-dual-nic-ssh-blocked"]));
    assert!(text.contains("\nRelated:\n"), "{text}");
    assert!(!text.contains("Advice:"), "{text}");
}

#[test]
fn width_follows_the_terminal_and_zero_means_unbounded() {
    let sample = "samples/mra-dual-nic-ssh-blocked";
    // Messages and help wrap to the width (quoted config lines are never wrapped).
    let lines = |output: Output| stdout(&output).lines().count();
    let narrow = lines(mralint_env(
        &root(),
        &["check", sample],
        &[("COLUMNS", "60")],
    ));
    let wide = lines(mralint_env(
        &root(),
        &["check", sample],
        &[("COLUMNS", "200")],
    ));
    let default = lines(mralint_env(&root(), &["check", sample], &[]));
    let hundred = lines(mralint_env(
        &root(),
        &["check", "--width", "100", sample],
        &[],
    ));
    assert!(narrow > wide, "{narrow} {wide}");
    // Not a terminal and no COLUMNS: 100.
    assert_eq!(default, hundred);
    // --width 0: nothing wrapped (not one character per line).
    let text = stdout(&mralint(&["check", "--width", "0", sample]));
    assert!(text.lines().count() < 40, "{text}");
    assert!(text.lines().count() <= hundred, "{text}");
    let unbounded = lines(mralint_env(
        &root(),
        &["check", "--width", "0", sample],
        &[("COLUMNS", "60")],
    ));
    assert!(unbounded < narrow);
}

#[test]
fn colour_can_be_forced_for_ci_logs() {
    let sample = "samples/mra-single-nic-source-translated";
    for force in ["CLICOLOR_FORCE", "FORCE_COLOR"] {
        let text = stdout(&mralint_env(&root(), &["check", sample], &[(force, "1")]));
        assert!(text.contains('\x1b'), "{force}");
    }
    let text = stdout(&mralint_env(
        &root(),
        &["check", sample],
        &[("FORCE_COLOR", "0")],
    ));
    assert!(!text.contains('\x1b'));
    let text = stdout(&mralint_env(
        &root(),
        &["check", sample],
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")],
    ));
    assert!(!text.contains('\x1b'), "NO_COLOR wins");
}

#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = mralint(&["completions", shell]);
        assert_eq!(output.status.code(), Some(0), "{shell}");
        assert!(stdout(&output).contains("mralint"), "{shell}");
    }
    assert!(stdout(&mralint(&["completions", "bash"])).contains("--format"));
    let man = mralint(&["man"]);
    assert_eq!(man.status.code(), Some(0));
    let text = stdout(&man);
    assert!(
        text.starts_with(".ie") || text.contains(".TH mralint"),
        "{text}"
    );
    assert!(text.contains(".TH mralint-check"), "a page per subcommand");
}

#[test]
fn settings_are_found_from_the_files_linted() {
    // The settings beside the config apply, wherever mralint runs from.
    let dir = scratch("settings");
    let project = dir.join("project");
    std::fs::create_dir_all(&project).unwrap();
    let sample = root().join("samples/mra-single-nic-source-translated");
    for file in ["asa.cfg", "deployment.yaml"] {
        std::fs::copy(sample.join(file), project.join(file)).unwrap();
    }
    let path = project.to_str().unwrap();
    assert_eq!(
        mralint_env(&dir, &["check", path], &[]).status.code(),
        Some(1)
    );
    std::fs::write(project.join(".mralint.yaml"), "fail-on: never\n").unwrap();
    assert_eq!(
        mralint_env(&root(), &["check", path], &[]).status.code(),
        Some(0)
    );
    let config = project.join("asa.cfg");
    assert_eq!(
        mralint_env(&root(), &["check", config.to_str().unwrap()], &[])
            .status
            .code(),
        Some(0)
    );
    // --config FILE (an alias of --settings) replaces it.
    let strict = dir.join("strict.yaml");
    std::fs::write(&strict, "fail-on: advice\n").unwrap();
    assert_eq!(
        mralint_env(
            &root(),
            &["check", "--config", strict.to_str().unwrap(), path],
            &[]
        )
        .status
        .code(),
        Some(1)
    );
}

#[test]
fn github_format_writes_the_job_summary() {
    let dir = scratch("summary");
    let summary = dir.join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let output = mralint_env(
        &root(),
        &[
            "check",
            "--format",
            "github",
            "samples/mra-single-nic-source-translated",
        ],
        &[("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).starts_with("::error "));
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(text.starts_with("earlier step\n## mralint"), "{text}");
    assert!(text.contains("MRA001"), "{text}");
}

#[test]
fn the_markdown_comment_fits_github() {
    // Every sample at once: far more than a comment holds.
    let output = mralint(&["check", "--format", "markdown", "samples"]);
    let text = stdout(&output);
    assert!(
        text.chars().count() < 65_536,
        "{} characters",
        text.chars().count()
    );
    assert!(
        text.contains("more sections are not shown"),
        "an honest tail"
    );
    assert!(
        text.contains("--output-file"),
        "says where the full report is"
    );
    assert_eq!(
        text.matches("<details>").count(),
        text.matches("</details>").count()
    );
    assert_eq!(
        text.matches("```").count() % 2,
        0,
        "no code block left open"
    );
    // Flow sections name their deployment.
    assert!(text.contains("### `samples/"), "{text}");
}
