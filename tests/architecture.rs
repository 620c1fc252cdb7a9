//! The layering of the crate, checked: data flows one way, text → syntax tree → model →
//! simulation → analysis → findings → report → command, and no module imports one above it.
//! A module missing from the table fails the test, so a new module is placed on purpose.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Each top-level module of `src/` and its layer, lowest first. A module may use modules of
/// its own layer and of the layers below.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "sources",
        &[
            "source",
            "finding",
            "escape",
            "fsio",
            "secrets",
            "fingerprint",
        ],
    ),
    ("syntax", &["syntax", "xconfig"]),
    ("model", &["model", "deployment"]),
    ("simulation", &["eval"]),
    ("inputs", &["workspace", "suppress"]),
    ("analysis", &["mra"]),
    ("findings", &["rules", "settings", "baseline"]),
    ("comparison", &["diff", "fix"]),
    ("report", &["report"]),
    ("command", &["commands", "cli", "init"]),
    ("crate root", &["lib", "main"]),
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS
        .iter()
        .position(|(_, modules)| modules.contains(&module))
}

fn rust_files(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// The top-level module a file of `src/` belongs to: `src/rules/x.rs` → `rules`.
fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).unwrap();
    let first = relative.components().next().unwrap().as_os_str();
    first.to_string_lossy().trim_end_matches(".rs").to_string()
}

/// The top-level modules a source text names through `crate::`, in `use` lines (with braces,
/// `use crate::{a, b::c}`) and in paths (`crate::eval::path::Path`). Comments are skipped.
fn crate_imports(text: &str) -> BTreeSet<String> {
    let code: String = text
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut modules = BTreeSet::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = matching_brace(group);
            for item in split_top_level(&group[..end]) {
                modules.insert(first_segment(item));
            }
        } else {
            modules.insert(first_segment(rest));
        }
    }
    modules.retain(|m| !m.is_empty() && m != "self");
    modules
}

fn first_segment(path: &str) -> String {
    path.trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

/// The index of the `}` closing a group whose `{` was just consumed.
fn matching_brace(group: &str) -> usize {
    let mut depth = 0usize;
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return i,
            '}' => depth -= 1,
            _ => {}
        }
    }
    group.len()
}

/// `a, b::{c, d}, e` → `a`, `b::{c, d}`, `e`.
fn split_top_level(items: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut start) = (Vec::new(), 0usize, 0);
    for (i, c) in items.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(&items[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&items[start..]);
    parts
}

#[test]
fn no_module_imports_a_layer_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut violations = Vec::new();
    for file in &files {
        let module = module_of(&src, file);
        let Some(layer) = layer_of(&module) else {
            violations.push(format!(
                "{}: module `{module}` has no layer",
                file.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        for import in crate_imports(&text) {
            match layer_of(&import) {
                None => violations.push(format!(
                    "{}: imports `{import}`, which has no layer",
                    file.display()
                )),
                Some(other) if other > layer => violations.push(format!(
                    "{}: `{module}` ({}) imports `{import}` ({})",
                    file.display(),
                    LAYERS[layer].0,
                    LAYERS[other].0
                )),
                Some(_) => {}
            }
        }
    }
    assert!(
        violations.is_empty(),
        "layering broken:\n{}",
        violations.join("\n")
    );
}

#[test]
fn imports_are_read_from_use_lines_groups_and_paths() {
    let text = "use crate::{eval::path::Path, model::{Firewall, Ace}};\n\
                // crate::report is only mentioned here\n\
                fn f() { crate::rules::run(); }\n";
    let found: Vec<String> = crate_imports(text).into_iter().collect();
    assert_eq!(found, ["eval", "model", "rules"]);
}
