//! Each `samples/xconfig-*` sample describes the Expressways of its `samples/mra-*` twin by
//! their xConfiguration dumps only. Both must give the same findings, and a finding that
//! points at the hand-written deployment in the YAML twin points at a dump line instead.

use std::path::{Path, PathBuf};

use mralint::finding::Finding;
use mralint::source::Sources;
use mralint::workspace;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The findings of a sample, with its sources.
fn lint(sample: &Path) -> Vec<(Vec<Finding>, Sources)> {
    let relative = sample.strip_prefix(root()).unwrap().to_path_buf();
    workspace::discover(&[relative], &|_| false)
        .unwrap()
        .into_iter()
        .map(|project| {
            let findings = mralint::lint(&project).findings;
            (findings, project.sources)
        })
        .collect()
}

/// What must be equal: code, severity, message, notes and help.
fn essence(f: &Finding) -> (String, String, String, Vec<String>, Option<String>) {
    (
        f.code.to_string(),
        f.severity.as_str().to_string(),
        f.message.clone(),
        f.notes.clone(),
        f.help.clone(),
    )
}

/// The extensions of the files a finding points into.
fn pointed_files(f: &Finding, sources: &Sources) -> Vec<String> {
    std::iter::once(&f.primary)
        .chain(&f.related)
        .map(|l| sources.get(l.file).display_name())
        .collect()
}

fn twins() -> Vec<(PathBuf, PathBuf)> {
    let mut pairs: Vec<(PathBuf, PathBuf)> = std::fs::read_dir(root().join("samples"))
        .unwrap()
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let twin = name.strip_prefix("xconfig-")?;
            let yaml = root().join("samples").join(format!("mra-{twin}"));
            yaml.is_dir().then(|| (yaml, entry.path()))
        })
        .collect();
    pairs.sort();
    pairs
}

#[test]
fn the_four_foundation_samples_have_dump_only_twins() {
    let names: Vec<String> = twins()
        .iter()
        .map(|(_, dumps)| dumps.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for wanted in [
        "xconfig-dual-nic-ok",
        "xconfig-single-nic-reflection-missing",
        "xconfig-single-nic-reflection-ok",
        "xconfig-single-nic-source-translated",
    ] {
        assert!(
            names.iter().any(|n| n == wanted),
            "no twin {wanted}: {names:?}"
        );
    }
}

#[test]
fn dump_only_twins_give_the_same_findings() {
    for (yaml, dumps) in twins() {
        let deployment = std::fs::read_to_string(dumps.join("deployment.yaml")).unwrap();
        assert!(
            deployment.contains("xconfig:")
                && !deployment.contains("nodes:")
                && !deployment.contains("traversal_zones:"),
            "{} must describe the Expressways by dumps only",
            dumps.display()
        );
        let by_hand = lint(&yaml);
        let by_dumps = lint(&dumps);
        assert_eq!(by_hand.len(), 1);
        assert_eq!(by_dumps.len(), 1, "{}: one project", dumps.display());
        let (hand, hand_sources) = &by_hand[0];
        let (read, read_sources) = &by_dumps[0];
        let mut expected: Vec<_> = hand.iter().map(essence).collect();
        let mut got: Vec<_> = read.iter().map(essence).collect();
        expected.sort();
        got.sort();
        assert_eq!(got, expected, "{} and {}", yaml.display(), dumps.display());

        for finding in hand {
            let cites_yaml = pointed_files(finding, hand_sources)
                .iter()
                .any(|f| f.ends_with("deployment.yaml"));
            if !cites_yaml {
                continue;
            }
            let twin = read
                .iter()
                .find(|f| essence(f) == essence(finding))
                .expect("paired above");
            let files = pointed_files(twin, read_sources);
            assert!(
                files.iter().any(|f| f.ends_with(".txt")),
                "{} in {}: the YAML twin points at deployment.yaml, this one at no dump line: {files:?}",
                twin.code,
                dumps.display()
            );
        }
    }
}
