//! grammars/xconfiguration.ebnf names every production after the parser function in
//! src/xconfig/ that implements it, and covers every public parser function there whose
//! doc comment quotes a production (the twin of tests/grammar.rs for the ASA grammar).

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

fn read(path: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The identifiers before `::=` at the start of a line.
fn productions(grammar: &str) -> Vec<String> {
    grammar
        .lines()
        .filter_map(|line| line.split_once("::=").map(|(name, _)| name.trim()))
        .filter(|name| !name.is_empty() && !name.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// Source without its unit tests.
fn code(path: &str) -> String {
    let source = read(path);
    match source.find("#[cfg(test)]") {
        Some(at) => source[..at].to_string(),
        None => source,
    }
}

/// `pub fn NAME` whose `///` comment (just above) holds a ```text block.
fn documented(source: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut quotes = false;
    for line in source.lines().map(str::trim_start) {
        if line.starts_with("///") {
            quotes |= line.contains("```text");
            continue;
        }
        if quotes {
            if let Some(after) = line.strip_prefix("pub fn ") {
                names.insert(
                    after
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect(),
                );
            }
        }
        quotes = false;
    }
    names
}

#[test]
fn productions_and_parser_functions_match() {
    let grammar = productions(&read("grammars/xconfiguration.ebnf"));
    assert_eq!(grammar, ["dump", "record", "path", "value"]);
    let source = code("src/xconfig/syntax.rs");
    for name in &grammar {
        assert!(
            source.contains(&format!("pub fn {name}(")),
            "production `{name}` has no parser function in src/xconfig/syntax.rs"
        );
    }
    let documented = documented(&source);
    let grammar: BTreeSet<String> = grammar.into_iter().collect();
    assert_eq!(
        documented, grammar,
        "documented parser functions and productions differ"
    );
}
