//! xConfiguration dumps end to end: `mralint init` writes a deployment that loads back and
//! reproduces the seed's findings; `check --verbose` says how dumps were read; no output
//! ever shows a `{cipher}` secret.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn mralint(args: &[&str], dir: &Path) -> Output {
    common::mralint_in(dir, args)
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A fresh scratch folder under the target directory.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The codes of a JSON report.
fn codes(json: &str) -> Vec<String> {
    let value: serde_json::Value = serde_json::from_str(json).expect("JSON output");
    let mut codes: Vec<String> = value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect();
    codes.sort();
    codes
}

/// The seed's dumps, config and expected codes.
const SEED: &str = "samples/xconfig-single-nic-source-translated";

fn seed(file: &str) -> String {
    root().join(SEED).join(file).display().to_string()
}

#[test]
fn init_on_the_seed_dumps_reproduces_the_seed_findings() {
    let dir = scratch("init-seed");
    let output = mralint(
        &[
            "init",
            "--xconfig",
            &seed("expe1.txt"),
            &seed("expc1.txt"),
            "--firewall",
            &seed("asa.cfg"),
            "--dns",
            "expe.example.com=64.100.0.10",
            "--size",
            "medium",
        ],
        &dir,
    );
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("expc1.txt: Expressway-C, because"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "expe1.txt: Expressway-E, because zone 1 (UCTraversal) is a traversal server zone"
        ),
        "{stderr}"
    );
    let written = std::fs::read_to_string(dir.join("deployment.yaml")).unwrap();
    // Each derived value names its dump line.
    assert!(
        written.contains(
            "static_nat: 64.100.0.10       # expe1.txt:17 Ethernet 1 IP V4 StaticNAT Address"
        ),
        "{written}"
    );
    assert!(written.contains("xconfig: ["), "{written}");
    let check = mralint(&["check", "deployment.yaml", "--format", "json"], &dir);
    let found = codes(&text(&check.stdout));
    assert!(found.contains(&"MRA001".to_string()), "{found:?}");
    assert!(!found.iter().any(|c| c.starts_with("DEP")), "{found:?}");
    let expected = mralint(&["check", SEED, "--format", "json"], root());
    assert_eq!(found, codes(&text(&expected.stdout)));
}

#[test]
fn init_reports_an_unresolved_peer_with_the_flag_to_add() {
    let dir = scratch("init-no-dns");
    let output = mralint(
        &[
            "init",
            "--xconfig",
            &seed("expc1.txt"),
            &seed("expe1.txt"),
            "--firewall",
            &seed("asa.cfg"),
        ],
        &dir,
    );
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("re-run with `--update --dns expe.example.com=ADDRESS`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("64.100.0.10 for expe1, its static NAT address"),
        "{stderr}"
    );
    let written = std::fs::read_to_string(dir.join("deployment.yaml")).unwrap();
    assert!(written.contains("# expe.example.com: ADDRESS"), "{written}");
    // An existing file is kept unless --force.
    let again = mralint(
        &["init", "--xconfig", &seed("expc1.txt"), &seed("expe1.txt")],
        &dir,
    );
    assert_eq!(again.status.code(), Some(2));
    assert!(text(&again.stderr).contains("--force"));
    assert!(text(&again.stderr).contains("--update"));
}

#[test]
fn init_round_trip_keeps_the_users_edits() {
    let dir = scratch("init-round-trip");
    for file in ["expc1.txt", "expe1.txt", "asa.cfg"] {
        std::fs::copy(root().join(SEED).join(file), dir.join(file)).unwrap();
    }
    // Without --firewall, the error names the flag.
    let output = mralint(&["init", "--xconfig", "expc1.txt", "expe1.txt"], &dir);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("--firewall CFG"),
        "{}",
        text(&output.stderr)
    );
    let output = mralint(
        &[
            "init",
            "--xconfig",
            "expc1.txt",
            "expe1.txt",
            "--firewall",
            "asa.cfg",
        ],
        &dir,
    );
    assert_eq!(output.status.code(), Some(1));
    // The incomplete file reports its unresolved peer once.
    let check = mralint(&["check", ".", "--format", "json"], &dir);
    assert_eq!(codes(&text(&check.stdout)), ["DEP001"]);
    // ... and says that the MRA rules wait for it.
    let human = text(&mralint(&["check", "."], &dir).stdout);
    assert!(
        human.contains(
            "MRA rules not run on the configs `deployment.yaml` names: fix its DEP001 errors first"
        ),
        "{human}"
    );
    // Uncommenting the placeholder as its comment says gives valid YAML, and the MRA
    // rules run.
    let path = dir.join("deployment.yaml");
    let written = std::fs::read_to_string(&path).unwrap();
    let placeholder = written
        .lines()
        .find(|l| l.trim_start().starts_with("# expe.example.com: ADDRESS"))
        .expect("a commented placeholder")
        .to_string();
    let filled = placeholder
        .replacen("# ", "", 1)
        .replace("ADDRESS ", "64.100.0.10");
    let edited = written.replace(&placeholder, &filled);
    std::fs::write(&path, &edited).unwrap();
    let check = mralint(&["check", ".", "--format", "json"], &dir);
    let found = codes(&text(&check.stdout));
    assert!(found.contains(&"MRA001".to_string()), "{found:?}\n{edited}");
    assert!(!found.iter().any(|c| c.starts_with("DEP")), "{found:?}");
    // --update rewrites from the dumps, keeps the filled-in DNS and adds the size.
    let update = mralint(&["init", "--update", "--size", "medium"], &dir);
    assert_eq!(update.status.code(), Some(0), "{}", text(&update.stderr));
    let updated = std::fs::read_to_string(&path).unwrap();
    assert!(
        updated.contains("expe.example.com: 64.100.0.10"),
        "{updated}"
    );
    assert!(updated.contains("size: medium"), "{updated}");
    assert!(updated.contains("config: asa.cfg"), "{updated}");
    let check = mralint(&["check", ".", "--format", "json"], &dir);
    assert_eq!(
        codes(&text(&check.stdout)),
        codes(&text(
            &mralint(&["check", SEED, "--format", "json"], root()).stdout
        ))
    );
}

#[test]
fn init_needs_both_expressways() {
    let dir = scratch("init-one-side");
    let output = mralint(&["init", "--xconfig", &seed("expe1.txt"), "-o", "-"], &dir);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("no dump comes from an Expressway-C"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn a_dump_given_alone_is_linted_with_the_deployment_that_names_it() {
    let alone = mralint(
        &["check", &format!("{SEED}/expe1.txt"), "--format", "json"],
        root(),
    );
    let whole = mralint(&["check", SEED, "--format", "json"], root());
    assert_eq!(codes(&text(&alone.stdout)), codes(&text(&whole.stdout)));
}

#[test]
fn verbose_says_which_evidence_was_used() {
    let output = mralint(&["check", SEED, "--verbose"], root());
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains(
            "role: Expressway-E, because zone 1 (UCTraversal) is a traversal server zone (line"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("suggested, not proven"), "{stderr}");
    assert!(
        stderr.contains(
            "NIC: single, because the external LAN interface is LAN1 and LAN2 is not in use"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("UseConfiguredDemuxPorts: \"Off\"` (key and spelling unconfirmed)"),
        "{stderr}"
    );
    // The E capture has a banner, the echoed command and the closing OK.
    assert!(
        stderr.contains("echoed command 1, status 0, result 0, OK 1, end markers 0, other 2"),
        "{stderr}"
    );
}

/// Every secret in the sample dumps, as written.
fn secrets() -> Vec<String> {
    let mut secrets = Vec::new();
    for entry in std::fs::read_dir(root().join("samples")).unwrap().flatten() {
        for file in std::fs::read_dir(entry.path()).unwrap().flatten() {
            let Ok(text) = std::fs::read_to_string(file.path()) else {
                continue;
            };
            let mut rest = text.as_str();
            while let Some(at) = rest.find("{cipher}") {
                let after = &rest[at + 8..];
                let end = after.find('"').unwrap_or(after.len());
                secrets.push(after[..end].to_string());
                rest = &after[end..];
            }
        }
    }
    secrets
}

#[test]
fn no_output_shows_a_secret() {
    let secrets = secrets();
    assert!(
        !secrets.is_empty(),
        "the sample dumps hold secrets to test with"
    );
    // A malformed record next to the password makes the report quote that line.
    let dir = scratch("secrets");
    let c = std::fs::read_to_string(root().join(SEED).join("expc1.txt")).unwrap();
    let c = c.replace(
        "*c xConfiguration Zones Zone 2 TraversalClient Authentication UserName: \"expc-traversal\"",
        "*c xConfiguration Zones Zone 2 TraversalClient Authentication UserName \"expc-traversal\"",
    );
    std::fs::write(dir.join("expc1.txt"), c).unwrap();
    for file in ["expe1.txt", "asa.cfg", "deployment.yaml"] {
        std::fs::copy(root().join(SEED).join(file), dir.join(file)).unwrap();
    }
    let mut outputs = Vec::new();
    for format in ["human", "json", "sarif", "github", "markdown"] {
        let output = mralint(&["check", ".", "--format", format, "--verbose"], &dir);
        outputs.push(text(&output.stdout) + &text(&output.stderr));
        for twin in ["xconfig-single-nic-reflection-ok", "xconfig-dual-nic-ok"] {
            let output = mralint(
                &[
                    "check",
                    &format!("samples/{twin}"),
                    "--format",
                    format,
                    "-v",
                ],
                root(),
            );
            outputs.push(text(&output.stdout) + &text(&output.stderr));
        }
    }
    let human = &outputs[0];
    assert!(human.contains("SYN001"), "{human}");
    assert!(human.contains("Password: \"{cipher}****"), "{human}");
    let init = mralint(
        &[
            "init",
            "--xconfig",
            "expc1.txt",
            "expe1.txt",
            "--firewall",
            "asa.cfg",
            "-o",
            "-",
        ],
        &dir,
    );
    outputs.push(text(&init.stdout) + &text(&init.stderr));
    for output in &outputs {
        for secret in &secrets {
            assert!(
                !output.contains(secret.as_str()),
                "a secret is shown:\n{output}"
            );
        }
    }
}

#[test]
fn diff_base_reads_the_dumps_of_the_revision() {
    let dir = scratch("diff-dumps");
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .args(args)
            .current_dir(&dir)
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    };
    git(&["init", "-q"]);
    for entry in std::fs::read_dir(root().join("samples/xconfig-single-nic-reflection-ok"))
        .unwrap()
        .flatten()
    {
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    git(&["add", "."]);
    git(&[
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.com",
        "commit",
        "-qm",
        "dumps",
    ]);
    let output = mralint(&["diff", "--base", "HEAD", "--format", "json"], &dir);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|_| panic!("{}", text(&output.stderr)));
    assert_eq!(json["summary"]["introduced"], 0, "{json}");
    assert_eq!(json["summary"]["fixed"], 0, "{json}");
    assert_eq!(json["summary"]["unchanged"], 1, "{json}");
}
