//! `mralint diff` on the before/after pairs in samples-diff/: each pair's rendered diff
//! (human and markdown) is snapshotted, its findings and flow changes are those its
//! expect.yaml states, and every Mermaid diagram passes a structural check.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use mralint::cli::{Color, DiffArgs, DiffFormat};
use mralint::diff::{Diff, FindingChange, FlowChangeKind};
use mralint::settings::Settings;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    exit: u8,
    introduced: Vec<String>,
    fixed: Vec<String>,
    unchanged: Vec<String>,
    flows: BTreeMap<String, usize>,
}

fn args(paths: Vec<PathBuf>) -> DiffArgs {
    DiffArgs {
        paths,
        base: None,
        format: DiffFormat::Human,
        output_file: None,
        fail_on: None,
        select: None,
        ignore: None,
        color: Color::Never,
        width: Some(80),
        sarif_keep_fixed: false,
        input: Default::default(),
    }
}

fn codes(diff: &Diff, pick: fn(&FindingChange) -> bool) -> Vec<String> {
    let mut codes: Vec<String> = diff
        .findings
        .iter()
        .filter(|c| pick(c))
        .map(|c| match c {
            FindingChange::Fixed { old } => diff.old.finding(*old).code.to_string(),
            FindingChange::Introduced { new }
            | FindingChange::Worsened { new, .. }
            | FindingChange::Unchanged { new, .. }
            | FindingChange::Suppressed { new, .. } => diff.new.finding(*new).code.to_string(),
        })
        .collect();
    codes.sort();
    codes
}

fn sorted(mut codes: Vec<String>) -> Vec<String> {
    codes.sort();
    codes
}

#[test]
fn diff_samples() {
    insta::glob!("../samples-diff", "*/expect.yaml", |expect_path| {
        let dir = expect_path.parent().unwrap();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let relative = dir.strip_prefix(root).unwrap().to_path_buf();
        let expect: Expect =
            serde_saphyr::from_str(&std::fs::read_to_string(expect_path).unwrap()).unwrap();
        let diff = mralint::commands::diff::compare(
            &args(vec![relative.join("old"), relative.join("new")]),
            &Settings::default(),
        )
        .unwrap();
        let fail_on = Settings::default().fail_on;

        let human = mralint::report::diff::human(&diff, fail_on, false, 80);
        insta::assert_snapshot!("human", human);
        let markdown = mralint::report::markdown::diff(&diff, fail_on);
        insta::assert_snapshot!("markdown", markdown);
        for block in mermaid_blocks(&markdown) {
            if let Err(problem) = check_mermaid(&block) {
                panic!("{}: {problem}\n{block}", relative.display());
            }
            assert_legible(&block);
        }

        let name = relative.display();
        assert_eq!(
            codes(&diff, |c| matches!(
                c,
                FindingChange::Introduced { .. } | FindingChange::Worsened { .. }
            )),
            sorted(expect.introduced),
            "introduced in {name}"
        );
        assert_eq!(
            codes(&diff, |c| matches!(c, FindingChange::Fixed { .. })),
            sorted(expect.fixed),
            "fixed in {name}"
        );
        assert_eq!(
            codes(&diff, |c| matches!(c, FindingChange::Unchanged { .. })),
            sorted(expect.unchanged),
            "unchanged in {name}"
        );
        for (kind, label) in [
            (FlowChangeKind::Broken, "broken"),
            (FlowChangeKind::Repaired, "repaired"),
            (FlowChangeKind::Changed, "changed"),
        ] {
            assert_eq!(
                diff.flows_of(kind),
                expect.flows.get(label).copied().unwrap_or_default(),
                "{label} flows in {name}"
            );
        }
        assert_eq!(
            u8::from(diff.fails(fail_on)),
            expect.exit,
            "exit code of {name}"
        );
    });
}

/// The text of every ```mermaid block.
fn mermaid_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match (&mut current, line) {
            (None, "```mermaid") => current = Some(String::new()),
            (Some(block), "```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            (Some(block), line) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    assert!(current.is_none(), "an unclosed mermaid block");
    blocks
}

const RESERVED: &[&str] = &[
    "end",
    "graph",
    "subgraph",
    "flowchart",
    "class",
    "classDef",
    "style",
    "click",
    "direction",
];

fn valid_id(id: &str) -> bool {
    id.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !RESERVED.contains(&id)
}

/// A quoted label: `"…"` with no raw quote inside and balanced entity codes.
fn quoted(text: &str) -> Result<&str, String> {
    let inner = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .ok_or_else(|| format!("label not in quotes: {text}"))?;
    if inner.contains('"') {
        return Err(format!("raw quote inside a label: {text}"));
    }
    Ok(inner)
}

/// The structural check of a `flowchart TD` as we write it: a header; node declarations
/// `id["…"]` or `id(["…"])`; subgraphs `subgraph id["…"]` … `end`, balanced; edges
/// `a --> b` or `a -->|"…"| b` between declared nodes; classDefs and class lines naming
/// declared nodes and defined classes.
fn check_mermaid(block: &str) -> Result<(), String> {
    let mut lines = block.lines();
    if lines.next() != Some("flowchart TD") {
        return Err("does not start with `flowchart TD`".into());
    }
    let mut declared = HashSet::new();
    let mut edges = Vec::new();
    let mut classes_defined = HashSet::new();
    let mut classes_used = Vec::new();
    let mut depth = 0usize;
    for line in lines {
        let line = line.trim();
        if line == "end" {
            depth = depth.checked_sub(1).ok_or("`end` without a subgraph")?;
        } else if line == "direction TB" {
            if depth == 0 {
                return Err("`direction` outside a subgraph".into());
            }
        } else if let Some(rest) = line.strip_prefix("subgraph ") {
            let (id, label) = rest.split_once('[').ok_or("subgraph without a label")?;
            quoted(label.strip_suffix(']').ok_or("subgraph label not closed")?)?;
            if !valid_id(id) || !declared.insert(id.to_string()) {
                return Err(format!("bad or repeated subgraph id `{id}`"));
            }
            depth += 1;
        } else if let Some(rest) = line.strip_prefix("classDef ") {
            let (name, style) = rest.split_once(' ').ok_or("classDef without a style")?;
            if !valid_id(name) || style.is_empty() {
                return Err(format!("bad classDef `{line}`"));
            }
            classes_defined.insert(name.to_string());
        } else if let Some(rest) = line.strip_prefix("class ") {
            let (id, class) = rest.split_once(' ').ok_or("class without a name")?;
            classes_used.push((id.to_string(), class.to_string()));
        } else if line.contains(" --> ") || line.contains(" -->|") {
            let (from, rest) = line.split_once(" -->").unwrap();
            let to = match rest.strip_prefix('|') {
                Some(labelled) => {
                    let (label, to) = labelled.rsplit_once("| ").ok_or("edge label not closed")?;
                    quoted(label)?;
                    to
                }
                None => rest.trim_start(),
            };
            edges.push((from.to_string(), to.to_string()));
        } else {
            let open = line
                .find(['[', '('])
                .ok_or_else(|| format!("unrecognised line `{line}`"))?;
            let (id, shape) = line.split_at(open);
            let label = if let Some(l) = shape.strip_prefix("([").and_then(|s| s.strip_suffix("])"))
            {
                l
            } else if let Some(l) = shape.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
                l
            } else {
                return Err(format!("unbalanced node shape `{line}`"));
            };
            quoted(label)?;
            if !valid_id(id) || !declared.insert(id.to_string()) {
                return Err(format!("bad or repeated node id `{id}`"));
            }
        }
    }
    if depth != 0 {
        return Err("a subgraph is not closed".into());
    }
    for (from, to) in &edges {
        for id in [from, to] {
            if !declared.contains(id) {
                return Err(format!("edge {from} → {to} names undeclared `{id}`"));
            }
        }
    }
    if edges.is_empty() {
        return Err("no edges".into());
    }
    for (id, class) in &classes_used {
        if !declared.contains(id) || !classes_defined.contains(class) {
            return Err(format!("class {id} {class}: unknown node or class"));
        }
    }
    Ok(())
}

#[test]
fn the_structural_check_rejects_broken_diagrams() {
    let good = "flowchart TD\n  a[\"x\"]\n  subgraph s[\"fw\"]\n    direction TB\n    b([\"y\"])\n  end\n  a -->|\"1 → 2\"| b\n  classDef ok fill:#fff\n  class b ok\n";
    assert_eq!(check_mermaid(good), Ok(()));
    for broken in [
        good.replace("  end\n", ""),
        good.replace("a -->|\"1 → 2\"| b", "a -->|\"1 → 2\"| c"),
        good.replace("a[\"x\"]", "a[\"x \" y\"]"),
        good.replace("b([\"y\"])", "b([\"y\"]"),
        good.replace("class b ok", "class b nope"),
        good.replace("a[\"x\"]", "end[\"x\"]"),
    ] {
        assert!(check_mermaid(&broken).is_err(), "accepted:\n{broken}");
    }
}

#[test]
fn check_markdown_draws_every_broken_flow() {
    let projects = mralint::workspace::discover(
        &[PathBuf::from("samples/mra-single-nic-source-translated")],
        &|_| false,
    )
    .unwrap();
    let linted: Vec<_> = projects.iter().map(|p| (p, mralint::lint(p))).collect();
    let parts: Vec<mralint::report::markdown::CheckPart> = linted
        .iter()
        .map(|(p, l)| (*p, l.findings.as_slice(), &l.analysis))
        .collect();
    let markdown = mralint::report::markdown::check(&parts, Settings::default().fail_on);
    insta::assert_snapshot!(markdown);
    let blocks = mermaid_blocks(&markdown);
    // Four traversal flows source-translated and the media hairpin dropped, all decided by
    // one NAT line: one diagram, the five flows listed, the fixes beside the line.
    assert_eq!(blocks.len(), 1);
    let listed =
        &markdown[markdown.find("decides 5 flows").unwrap()..markdown.find("The path of").unwrap()];
    assert_eq!(listed.matches("\n- ").count(), 5, "{listed}");
    assert!(
        markdown.contains("`samples/mra-single-nic-source-translated/asa.cfg:59` decides 5 flows")
    );
    assert!(markdown.contains("**Fix** (MRA001)"));
    assert!(
        markdown.contains("### `samples/mra-single-nic-source-translated/deployment.yaml`: 5 of")
    );
    for block in blocks {
        check_mermaid(&block).unwrap_or_else(|problem| panic!("{problem}\n{block}"));
        assert_legible(&block);
    }
}

/// About how wide Mermaid draws a top-down diagram: the widest node (its longest label
/// line at ~7.5 px a character at GitHub's 14 px sans-serif, plus padding) inside its
/// firewall's subgraph, with an edge label beside it. GitHub's comment column is about
/// 850 px: wider diagrams are shrunk, and their text with them.
fn estimated_width(block: &str) -> f64 {
    let label_lines = |line: &str| -> Vec<String> {
        let Some(start) = line.find('"') else {
            return Vec::new();
        };
        let Some(end) = line.rfind('"') else {
            return Vec::new();
        };
        if end <= start {
            return Vec::new();
        }
        line[start + 1..end]
            .split("<br/>")
            .map(|l| {
                l.replace("#quot;", "\"")
                    .replace("#lt;", "<")
                    .replace("#gt;", ">")
                    .replace("#35;", "#")
                    .replace("#amp;", "&")
            })
            .collect()
    };
    let chars =
        |lines: &[String]| lines.iter().map(|l| l.chars().count()).max().unwrap_or(0) as f64;
    let mut widest_node: f64 = 0.0;
    let mut widest_edge: f64 = 0.0;
    for line in block.lines() {
        let line = line.trim();
        if line.contains("-->|") {
            widest_edge = widest_edge.max(chars(&label_lines(line)));
        } else if line.contains("[\"") {
            widest_node = widest_node.max(chars(&label_lines(line)));
        }
    }
    widest_node * 7.5 + 30.0 + 2.0 * 16.0 + widest_edge * 7.0
}

/// Every label fits the width GitHub shows, whole: no cut lines.
fn assert_legible(block: &str) {
    assert!(!block.contains('…'), "a label was cut:\n{block}");
    let width = estimated_width(block);
    assert!(width <= 850.0, "about {width} px wide:\n{block}");
}
