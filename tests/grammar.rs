//! grammars/asa.ebnf names every production after the parser function in src/syntax/
//! that implements it, and covers every public parser function whose doc comment
//! quotes a production.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The production names of the grammar: the identifier before `::=` at the start of a
/// line, in file order (hyphens are taken too, so that a hyphenated name is reported).
fn production_names(grammar: &str) -> Vec<String> {
    grammar
        .lines()
        .filter_map(|line| {
            let (left, _) = line.split_once("::=")?;
            let name = left.trim_end();
            let mut chars = name.chars();
            let starts_well = chars
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
            let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            (starts_well && rest_ok).then(|| name.to_string())
        })
        .collect()
}

/// The `.rs` files under src/syntax/, sorted.
fn syntax_sources() -> Vec<PathBuf> {
    fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
        let entries =
            fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                walk(&path, files);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&root().join("src/syntax"), &mut files);
    files.sort();
    assert!(!files.is_empty(), "no source file under src/syntax/");
    files
}

/// The source without its unit tests (everything from the first `#[cfg(test)]`), so that
/// a test helper does not count as a parser function.
fn without_tests(source: &str) -> &str {
    source
        .find("#[cfg(test)]")
        .map_or(source, |at| &source[..at])
}

/// The names of the functions defined in a source text: `fn NAME(` or `fn NAME<`,
/// outside comment lines.
fn function_names(source: &str) -> BTreeSet<String> {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut names = BTreeSet::new();
    for line in source.lines() {
        if line.trim_start().starts_with("//") {
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest.find("fn ") {
            let after = &rest[at + 3..];
            let boundary = !rest[..at].ends_with(is_ident);
            let name: String = after.chars().take_while(|&c| is_ident(c)).collect();
            if boundary
                && !name.is_empty()
                && matches!(after[name.len()..].chars().next(), Some('(' | '<'))
            {
                names.insert(name);
            }
            rest = after;
        }
    }
    names
}

/// The public functions whose doc comment (`///` lines, possibly followed by
/// attributes) contains a ```text block.
fn documented_productions(source: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut quotes_production = false;
    for line in source.lines() {
        let line = line.trim_start();
        if line.starts_with("///") {
            quotes_production |= line.contains("```text");
            continue;
        }
        if line.starts_with("#[") {
            continue;
        }
        if quotes_production {
            if let Some(after) = line.strip_prefix("pub fn ") {
                let name: String = after
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                names.insert(name);
            }
        }
        quotes_production = false;
    }
    names
}

fn grammar() -> String {
    read(&root().join("grammars/asa.ebnf"))
}

#[test]
fn every_production_is_a_parser_function() {
    let productions = production_names(&grammar());
    assert!(
        productions.len() >= 30,
        "only {} productions in grammars/asa.ebnf: {productions:?}",
        productions.len()
    );

    let mut seen = BTreeSet::new();
    let duplicates: Vec<&String> = productions
        .iter()
        .filter(|p| !seen.insert(p.as_str()))
        .collect();
    assert!(
        duplicates.is_empty(),
        "productions defined more than once in grammars/asa.ebnf: {duplicates:?}"
    );

    let functions: BTreeSet<String> = syntax_sources()
        .iter()
        .flat_map(|path| function_names(without_tests(&read(path))))
        .collect();
    let missing: Vec<&String> = productions
        .iter()
        .filter(|p| !functions.contains(p.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "productions in grammars/asa.ebnf with no function of that name in src/syntax/: {missing:?}"
    );
}

#[test]
fn every_documented_parser_function_has_a_production() {
    let productions: BTreeSet<String> = production_names(&grammar()).into_iter().collect();
    let documented: BTreeSet<String> = syntax_sources()
        .iter()
        .flat_map(|path| documented_productions(without_tests(&read(path))))
        .collect();
    // Guards the scan itself: the parser quotes many productions.
    assert!(
        documented.len() >= 10,
        "found only {} documented parser functions in src/syntax/: {documented:?}",
        documented.len()
    );
    let missing: Vec<&String> = documented
        .iter()
        .filter(|f| !productions.contains(f.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "public parser functions in src/syntax/ that quote a production but have none in grammars/asa.ebnf: {missing:?}"
    );
}
