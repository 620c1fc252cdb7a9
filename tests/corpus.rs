//! Every public ASA config in ../shared/corpus/ parses without panic and without a
//! syntax finding on a command form the ASA accepts. Prints, per file, how many
//! commands were modelled, ignored as unrecognised, and rejected.

use std::path::Path;

#[test]
fn corpus_parses_without_false_syntax_errors() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let Ok(entries) = std::fs::read_dir(&corpus) else {
        eprintln!("skipped: {} is absent", corpus.display());
        return;
    };
    let mut files: Vec<_> = entries
        .flatten()
        .flat_map(|e| {
            let path = e.path();
            if path.is_dir() {
                std::fs::read_dir(&path)
                    .map(|d| d.flatten().map(|e| e.path()).collect())
                    .unwrap_or_default()
            } else {
                vec![path]
            }
        })
        .filter(|p| p.extension().is_some_and(|e| e == "cfg"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .cfg file in {}", corpus.display());
    let mut rejected = Vec::new();
    for path in &files {
        let file = mralint::source::SourceFile::from_bytes(path, &std::fs::read(path).unwrap());
        let parsed = mralint::syntax::parse_config(&file.text);
        let model = mralint::model::build(&parsed.config);
        let stats = parsed.stats;
        println!(
            "{:<50} modelled {:>4}  ignored {:>4}  rejected {:>3}  NAT rules {:>3}  ACLs {:>3}",
            path.file_name().unwrap().to_string_lossy(),
            stats.modelled,
            stats.unrecognized,
            stats.rejected,
            model.nat.len(),
            model.acls.len()
        );
        for error in &parsed.errors {
            let (line, _) = file.line_col(error.span.start);
            rejected.push(format!(
                "{}:{line}: {} | {}",
                path.file_name().unwrap().to_string_lossy(),
                error.message,
                file.line_text(error.span.start)
            ));
        }
    }
    assert!(
        rejected.is_empty(),
        "syntax findings on corpus lines:\n{}",
        rejected.join("\n")
    );
}
