//! Every sample in samples/: its rendered output is snapshotted (no colour, 80 columns)
//! and its rule codes and exit code are those its expect.yaml states.

use mralint::cli::FailOn;
use mralint::workspace;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    exit: u8,
    codes: Vec<String>,
}

#[test]
fn samples() {
    insta::glob!("../samples", "*/expect.yaml", |expect_path| {
        let dir = expect_path.parent().unwrap();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let relative = dir.strip_prefix(root).unwrap().to_path_buf();
        let expect: Expect =
            serde_saphyr::from_str(&std::fs::read_to_string(expect_path).unwrap()).unwrap();

        let projects = workspace::discover(std::slice::from_ref(&relative), &|_| false).unwrap();
        let mut rendered = String::new();
        let mut codes = Vec::new();
        let mut all = Vec::new();
        for project in &projects {
            let findings: Vec<_> = mralint::lint(project)
                .into_iter()
                .filter(|f| f.suppressed.is_none())
                .collect();
            rendered.push_str(&mralint::report::human::render(
                &findings,
                &project.sources,
                false,
                80,
            ));
            codes.extend(findings.iter().map(|f| f.code.to_string()));
            all.extend(findings);
        }
        rendered.push_str(&mralint::report::human::summary(&all));
        insta::assert_snapshot!(rendered);

        let mut expected = expect.codes.clone();
        expected.sort();
        codes.sort();
        assert_eq!(codes, expected, "codes of {}", relative.display());
        assert_eq!(
            mralint::exit_code(&all, FailOn::Warning),
            expect.exit,
            "exit code of {}",
            relative.display()
        );
    });
}
