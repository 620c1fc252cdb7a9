//! Machine formats (SARIF, GitHub annotations) and run settings (.mralint.yaml, flags),
//! through the binary.

mod common;

use std::path::{Path, PathBuf};

use common::mralint_in;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sarif_of(dir: &Path, path: &str) -> serde_json::Value {
    let output = mralint_in(dir, &["check", "--format", "sarif", "--show-fixes", path]);
    serde_json::from_slice(&output.stdout).expect("SARIF is JSON")
}

#[test]
fn sarif_deserializes_and_validates_against_the_official_schema() {
    let log = sarif_of(&root(), "samples");
    let typed: serde_sarif::sarif::Sarif =
        serde_json::from_value(log.clone()).expect("serde-sarif reads it");
    assert_eq!(typed.runs.len(), 1);
    let schema_path = root().join("../shared/schemas/sarif-schema-2.1.0.json");
    match std::fs::read_to_string(&schema_path) {
        Ok(text) => {
            // The official schema's `language` pattern has a stray `]` that regex engines
            // reject; use the pattern it means (two letters, optionally `-` two letters).
            let text = text.replace(
                r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#,
                r#""^[a-zA-Z]{2}(-[a-zA-Z]{2})?$""#,
            );
            let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
            let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
            let errors: Vec<String> = validator
                .iter_errors(&log)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            assert!(
                errors.is_empty(),
                "SARIF schema violations:\n{}",
                errors.join("\n")
            );
        }
        Err(_) => eprintln!(
            "skipped schema validation: {} is absent",
            schema_path.display()
        ),
    }
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert!(results.len() > 20);
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert!(
            region["startLine"].as_u64().unwrap() >= 1
                && region["startColumn"].as_u64().unwrap() >= 1
        );
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(uri.starts_with("samples/"), "relative URI: {uri}");
    }
    for rule in rules {
        for key in [
            "id",
            "name",
            "shortDescription",
            "helpUri",
            "defaultConfiguration",
        ] {
            assert!(!rule[key].is_null(), "rule {} lacks {key}", rule["id"]);
        }
    }
    // Each rule has its own help page anchor and its doc as help text and Markdown.
    let uris: std::collections::HashSet<&str> = rules
        .iter()
        .map(|r| r["helpUri"].as_str().unwrap())
        .collect();
    assert_eq!(uris.len(), rules.len(), "one helpUri per rule");
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        assert!(rule["helpUri"]
            .as_str()
            .unwrap()
            .ends_with(&format!("docs/rules.md#{}", id.to_ascii_lowercase())));
        assert!(rule["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("## What it does"));
        assert!(!rule["help"]["text"].as_str().unwrap().is_empty());
        let full = rule["fullDescription"]["text"].as_str().unwrap();
        assert!(
            !full.contains('#') && !full.contains('\n') && full.len() < 600,
            "{id}: fullDescription is one plain paragraph: {full}"
        );
    }
    // Suppressed findings are reported as suppressed, not dropped.
    assert!(results
        .iter()
        .any(|r| r["ruleId"] == "MRA009" && r["suppressions"][0]["kind"] == "inSource"));
}

#[test]
fn sarif_of_the_seed_sample() {
    let log = sarif_of(&root(), "samples/mra-single-nic-source-translated");
    let mut results = log["runs"][0]["results"].clone();
    insta::assert_json_snapshot!(results.take());
}

#[test]
fn fingerprints_survive_unrelated_line_moves() {
    let scratch = std::env::temp_dir().join(format!("mralint-fp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).unwrap();
    let sample = root().join("samples/mra-single-nic-source-translated");
    for file in ["asa.cfg", "deployment.yaml"] {
        std::fs::copy(sample.join(file), scratch.join(file)).unwrap();
    }
    let fingerprints = |dir: &Path| -> Vec<String> {
        let log = sarif_of(dir, ".");
        let mut prints: Vec<String> = log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["partialFingerprints"]["mralintFingerprint/v1"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        prints.sort();
        prints
    };
    let before = fingerprints(&scratch);
    let config = std::fs::read_to_string(scratch.join("asa.cfg")).unwrap();
    let moved = config.replacen(
        "names\n",
        "names\n! a new comment\nntp server 192.0.2.1\n!\n",
        1,
    );
    std::fs::write(scratch.join("asa.cfg"), moved).unwrap();
    let after = fingerprints(&scratch);
    let _ = std::fs::remove_dir_all(&scratch);
    assert_eq!(before, after);
    assert!(!before.is_empty());
}

#[test]
fn github_annotations() {
    let output = mralint_in(
        &root(),
        &[
            "check",
            "--format",
            "github",
            "--show-fixes",
            "samples/mra-single-nic-source-translated",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.lines().all(|l| l.starts_with("::error ")
        || l.starts_with("::warning ")
        || l.starts_with("::notice ")));
    insta::assert_snapshot!(text);
}

#[test]
fn output_file_and_select() {
    let out = std::env::temp_dir().join(format!("mralint-out-{}.json", std::process::id()));
    let output = mralint_in(
        &root(),
        &[
            "check",
            "--format",
            "json",
            "--select",
            "MRA0",
            "--ignore",
            "MRA011,MRA012",
            "--output-file",
            out.to_str().unwrap(),
            "samples/mra-single-nic-source-translated",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let _ = std::fs::remove_file(&out);
    let codes: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["MRA001", "MRA002", "MRA009"]);
}

#[test]
fn a_settings_file_upward_from_the_working_directory() {
    let scratch = std::env::temp_dir().join(format!("mralint-settings-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    let nested = scratch.join("configs/edge");
    std::fs::create_dir_all(&nested).unwrap();
    let sample = root().join("samples/mra-single-nic-reflection-ok");
    for file in ["asa.cfg", "deployment.yaml"] {
        std::fs::copy(sample.join(file), nested.join(file)).unwrap();
    }
    std::fs::copy(
        root().join("samples/nat-legacy-syntax/asa.cfg"),
        scratch.join("configs/legacy.cfg"),
    )
    .unwrap();
    // Without settings: MRA009 (warning) fails the run.
    assert_eq!(mralint_in(&nested, &["check", "."]).status.code(), Some(1));
    std::fs::write(
        scratch.join(".mralint.yaml"),
        "severity: { MRA009: advice }\nexclude: [\"configs/legacy.cfg\"]\n",
    )
    .unwrap();
    let output = mralint_in(&nested, &["check", "."]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    // The command line wins over the file.
    assert_eq!(
        mralint_in(&nested, &["check", "--fail-on", "advice", "."])
            .status
            .code(),
        Some(1)
    );
    // Excludes apply to paths given explicitly.
    let output = mralint_in(&nested, &["check", "../legacy.cfg"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "mralint: no findings\n"
    );
    // A broken settings file is a usage error.
    std::fs::write(scratch.join(".mralint.yaml"), "colour: red\n").unwrap();
    assert_eq!(mralint_in(&nested, &["check", "."]).status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&scratch);
}

#[test]
fn rules_as_json() {
    let output = mralint_in(&root(), &["rules", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let rules = json["rules"].as_array().unwrap();
    assert_eq!(rules.len(), mralint::rules::ALL.len());
    assert!(rules
        .iter()
        .all(|r| r["doc"].as_str().unwrap().contains("## What it does")));
}
