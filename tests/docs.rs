//! Documentation that must not drift from the code: rule docs, the README's rules table,
//! and a sample for every rule.

use std::path::Path;

use mralint::rules::ALL;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_rule_doc_has_the_fixed_headings() {
    for rule in ALL {
        for heading in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## Use instead",
            "## References",
        ] {
            assert!(
                rule.doc.contains(heading),
                "{} lacks `{heading}`",
                rule.code
            );
        }
        assert!(
            !rule.summary.is_empty() && !rule.summary.ends_with('.'),
            "{}: one-line summary without a period",
            rule.code
        );
    }
}

#[test]
fn the_readme_rules_table_matches_the_registry() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let rows: Vec<Vec<String>> = readme
        .lines()
        .skip_while(|l| !l.starts_with("| code | name | default | flags |"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            l.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), ALL.len(), "one README row per rule");
    for (row, rule) in rows.iter().zip(ALL) {
        assert_eq!(row[0], rule.code);
        assert_eq!(row[1], rule.name, "{}", rule.code);
        assert_eq!(row[2], rule.severity.as_str(), "{}", rule.code);
        assert!(
            row[3].starts_with(rule.summary),
            "{}: README says `{}`",
            rule.code,
            row[3]
        );
    }
}

#[test]
fn every_rule_has_a_sample_that_fires_it() {
    let mut expected = String::new();
    for entry in std::fs::read_dir(root().join("samples")).unwrap().flatten() {
        let expect = entry.path().join("expect.yaml");
        assert!(
            expect.is_file(),
            "{} has no expect.yaml",
            entry.path().display()
        );
        expected.push_str(&std::fs::read_to_string(expect).unwrap());
    }
    for rule in ALL {
        assert!(
            expected.contains(rule.code),
            "no sample expects {}",
            rule.code
        );
    }
}

#[test]
fn the_rules_page_is_current() {
    // `docs/rules.md` is where each SARIF rule's `helpUri` points.
    let path = root().join("docs/rules.md");
    let generated = mralint::report::sarif::rules_page();
    if std::env::var_os("MRALINT_WRITE_DOCS").is_some() {
        std::fs::create_dir_all(root().join("docs")).unwrap();
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/rules.md is stale: run MRALINT_WRITE_DOCS=1 cargo test --test docs"
    );
    for rule in ALL {
        assert!(committed.contains(&format!("\n## {}\n", rule.code)));
    }
}

#[test]
fn the_readme_gets_a_new_user_to_a_failing_check_in_three_commands() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let headings: Vec<&str> = readme.lines().filter(|l| l.starts_with("## ")).collect();
    let install = headings
        .iter()
        .position(|h| *h == "## Install and run")
        .unwrap();
    assert_eq!(
        headings[install + 1],
        "## Your deployment in three commands"
    );
    // Install matches what exists: the toolchain Cargo.toml asks for, no unreleased tag.
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let rust_version = manifest
        .lines()
        .find_map(|l| l.strip_prefix("rust-version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .expect("Cargo.toml sets rust-version");
    assert!(readme.contains(&format!("Rust toolchain ({rust_version} or newer")));
    assert!(!readme.contains("--tag v0.1.0") && !readme.contains("rev: v0.1.0"));
    assert!(root().join(".github/workflows/release.yml").exists());
    // The section's commands, on the seed's dumps and config, end in a failing check.
    let section = &readme[readme.find("## Your deployment in three commands").unwrap()..];
    let section = &section[..section[3..].find("\n## ").unwrap()];
    let commands: Vec<&str> = section
        .lines()
        .filter(|l| {
            l.starts_with("mralint init ")
                || l.starts_with("mralint check ")
                || l.starts_with("printf ")
        })
        .collect();
    assert_eq!(commands.len(), 3, "{commands:?}");
    let dir = std::env::temp_dir().join(format!("mralint-readme-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let seed = root().join("samples/xconfig-single-nic-source-translated");
    for file in ["expc1.txt", "expe1.txt", "asa.cfg"] {
        std::fs::copy(seed.join(file), dir.join(file)).unwrap();
    }
    let run = |line: &str| {
        let words: Vec<&str> = line.split_whitespace().skip(1).collect();
        std::process::Command::new(env!("CARGO_BIN_EXE_mralint"))
            .args(words)
            .current_dir(&dir)
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    let init = run(commands[0]);
    assert_eq!(
        init.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&init.stderr)
    );
    let check = run(commands[1]);
    assert_eq!(check.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&check.stdout).contains("MRA001"));
    assert!(
        commands[2].contains("id: mralint-system") && commands[2].contains("pre-commit install")
    );
    // The concise output the README shows is what the seed gives.
    let concise = run("mralint check . --format concise");
    for line in String::from_utf8_lossy(&concise.stdout).lines() {
        assert!(section.contains(line), "README lacks `{line}`");
    }
}

#[test]
fn every_check_flag_is_in_the_readme_flag_table() {
    use clap::CommandFactory;
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let command = mralint::cli::Cli::command();
    for sub in ["check", "diff", "init"] {
        let sub = command.find_subcommand(sub).unwrap();
        for arg in sub.get_arguments() {
            if let Some(long) = arg.get_long() {
                // check and diff flags are in the table; init's in its usage and section.
                let shown = match sub.get_name() {
                    "init" => format!("--{long}"),
                    _ => format!("`--{long}"),
                };
                assert!(
                    readme.contains(&shown),
                    "README does not document `{} --{long}`",
                    sub.get_name()
                );
            }
        }
    }
    for format in ["concise", "gitlab"] {
        assert!(readme.contains(&format!("--format {format}")));
    }
    for sub in ["completions", "man"] {
        assert!(readme.contains(&format!("mralint {sub}")));
    }
}

/// A heading's anchor as GitHub makes it: lower case, spaces to hyphens, punctuation
/// dropped (`## 2.2 NAT selection: two lookups` → `22-nat-selection-two-lookups`).
fn anchor_of(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The anchors of a markdown file's headings (a `#` line inside a fenced block is code).
fn anchors(markdown: &str) -> Vec<String> {
    let mut fenced = false;
    let mut out = Vec::new();
    for line in markdown.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
        } else if let Some(heading) = line.strip_prefix('#').filter(|_| !fenced) {
            out.push(anchor_of(heading.trim_start_matches('#')));
        }
    }
    out
}

/// Every `docs/FILE.md#anchor` and `README.md#anchor` in `text`: (file, anchor or "").
fn citations(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for prefix in ["docs/", "README.md"] {
        let mut rest = text;
        while let Some(at) = rest.find(prefix) {
            let from = &rest[at..];
            let end = from
                .find(|c: char| !(c.is_ascii_alphanumeric() || "/._-#".contains(c)))
                .unwrap_or(from.len());
            let cited = from[..end].trim_end_matches('.');
            let (file, anchor) = cited.split_once('#').unwrap_or((cited, ""));
            if file.ends_with(".md") {
                out.push((file.to_string(), anchor.to_string()));
            }
            rest = &from[prefix.len()..];
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn citations_in_the_code_point_at_headings_that_exist() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let mut cited = 0;
    let mut broken = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (doc, anchor) in citations(&text) {
            cited += 1;
            let Ok(markdown) = std::fs::read_to_string(root().join(&doc)) else {
                broken.push(format!("{}: `{doc}` does not exist", file.display()));
                continue;
            };
            if !anchor.is_empty() && !anchors(&markdown).contains(&anchor) {
                broken.push(format!(
                    "{}: `{doc}` has no heading `#{anchor}`",
                    file.display()
                ));
            }
        }
    }
    assert!(cited > 0, "no citation found: the scan is broken");
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn the_citation_scan_finds_anchors_and_reads_headings() {
    assert_eq!(
        citations("(docs/asa-semantics.md#23-rule-kinds). See README.md#suppressions."),
        [
            (
                "docs/asa-semantics.md".to_string(),
                "23-rule-kinds".to_string()
            ),
            ("README.md".to_string(), "suppressions".to_string()),
        ]
    );
    assert_eq!(
        anchors("# Title\n## 2.2 NAT selection: three sections, two lookups\n```sh\n# code\n```\n"),
        ["title", "22-nat-selection-three-sections-two-lookups"]
    );
}

/// The README's console examples of `mralint fix` and `--format packet-tracer` are what
/// those commands print for the samples they name (the packet-tracer example may stop at
/// a `…` line).
#[test]
fn readme_fix_and_packet_tracer_examples_are_true() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for command in [
        "mralint fix samples/mra-single-nic-source-translated",
        "mralint fix samples/mra-reflection-any-source-fix-refused",
        "mralint check samples/mra-single-nic-source-translated --format packet-tracer",
    ] {
        let start = readme
            .find(&format!("$ {command}\n"))
            .unwrap_or_else(|| panic!("README shows `{command}`"));
        let body = &readme[start..];
        let body = &body[body.find('\n').unwrap() + 1..body.find("\n```").unwrap()];
        let args: Vec<&str> = command.split_whitespace().skip(1).collect();
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_mralint"))
            .args(&args)
            .current_dir(root())
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let actual = String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr);
        let shown: Vec<&str> = body.lines().take_while(|l| *l != "…").collect();
        let printed: Vec<&str> = actual.lines().take(shown.len()).collect();
        assert_eq!(shown, printed, "README example of `{command}`");
    }
}
