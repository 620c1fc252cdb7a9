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
