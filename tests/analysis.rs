//! The analysis stage on samples: one verdict per flow, from one definition of what each
//! flow kind needs, with the precedence between problems decided there.

use std::path::PathBuf;

use mralint::mra::{Analysis, FlowKind, Miss, Verdict};
use mralint::workspace::{self, Project};

fn project(sample: &str) -> Project {
    let mut projects =
        workspace::discover(&[PathBuf::from("samples").join(sample)], &|_| false).unwrap();
    assert_eq!(projects.len(), 1, "{sample}");
    projects.remove(0)
}

#[test]
fn a_healthy_deployment_meets_every_expectation() {
    let analysis = Analysis::of(&project("mra-dual-nic-ok"));
    assert!(!analysis.traversal.is_empty());
    assert!(!analysis.internet.is_empty());
    for result in &analysis.traversal {
        assert_eq!(result.verdict, Verdict::Meets, "{:?}", result.flow);
    }
    for result in &analysis.internet {
        assert_eq!(result.verdict, Verdict::Meets, "{:?}", result.flow);
    }
    // C's outbound probe shows where C goes; nothing is expected of it.
    assert!(analysis
        .outbound
        .iter()
        .all(|p| p.verdict == Verdict::Unjudged));
}

#[test]
fn a_reflection_that_translates_c_fails_with_the_source_e_sees() {
    let analysis = Analysis::of(&project("mra-single-nic-source-translated"));
    assert!(!analysis.traversal.is_empty());
    for result in &analysis.traversal {
        let Some(Miss::SourceTranslated { seen, .. }) = result.verdict.miss() else {
            panic!("{:?}: {:?}", result.flow, result.verdict);
        };
        assert_eq!(seen.to_string(), "64.100.0.10");
        assert!(result
            .verdict
            .problem()
            .unwrap()
            .starts_with("E sees the source 64.100.0.10:"));
    }
    // The same line drops E's media hairpin: it does not come back to LAN1.
    assert_eq!(analysis.hairpins.len(), 1);
    assert_eq!(
        analysis.hairpins[0].verdict.problem(),
        Some("B2BUA media needs it back on expe1 LAN1")
    );
}

#[test]
fn denied_demux_ports_are_explained_by_the_other_documented_set() {
    let analysis = Analysis::of(&project("mra-medium-demux-2776-only"));
    let media: Vec<_> = analysis
        .traversal
        .iter()
        .filter(|r| r.flow.kind == FlowKind::MediaDemux)
        .collect();
    assert!(!media.is_empty());
    for result in media {
        assert!(
            matches!(result.verdict.miss(), Some(Miss::DemuxPorts { .. })),
            "{:?}: {:?}",
            result.flow,
            result.verdict
        );
    }
    // No other traversal flow is blocked: the demux ports are the only problem.
    assert!(!analysis
        .traversal
        .iter()
        .any(|r| matches!(r.verdict.miss(), Some(Miss::Blocked { .. }))));
}

#[test]
fn nothing_is_simulated_without_a_deployment() {
    let analysis = Analysis::of(&project("hygiene-findings"));
    assert!(analysis.hosts.is_none());
    assert!(analysis.traversal.is_empty() && analysis.internet_entry.is_none());
}

#[test]
fn a_reflection_that_translates_the_port_fails_on_the_port_e_listens_on() {
    let project = project("mra-reflection-translates-port");
    let linted = mralint::lint(&project);
    let sip: Vec<_> = linted
        .analysis
        .traversal
        .iter()
        .filter(|r| r.flow.kind == FlowKind::SipTraversal)
        .collect();
    assert!(!sip.is_empty());
    for result in sip {
        assert_eq!(
            result.verdict.miss(),
            Some(&Miss::OtherPort {
                hop: 0,
                sent: 7003,
                arrived: 7001
            })
        );
        assert_eq!(
            result.verdict.problem(),
            Some("expe1 listens on port 7003, not 7001")
        );
    }
    let codes: Vec<&str> = linted.findings.iter().map(|f| f.code).collect();
    assert!(codes.contains(&"MRA003"), "{codes:?}");
}
