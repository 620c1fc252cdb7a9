//! The rules on xConfiguration dumps beyond their samples: each case edits a copy of a
//! clean dump-only sample and checks what fires.

use std::path::{Path, PathBuf};

use mralint::finding::{Finding, Severity};
use mralint::workspace;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A copy of a sample in a scratch folder, with `edit` applied to one of its files.
fn edited(sample: &str, case: &str, file: &str, edit: impl Fn(String) -> String) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(case);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(root().join("samples").join(sample))
        .unwrap()
        .flatten()
    {
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let changed = edit(text.clone());
    assert_ne!(changed, text, "{case}: the edit changed nothing");
    std::fs::write(&path, changed).unwrap();
    dir
}

fn findings(dir: &Path) -> Vec<Finding> {
    workspace::discover(&[dir.to_path_buf()], &|_| false)
        .unwrap()
        .iter()
        .flat_map(mralint::lint)
        .collect()
}

fn only<'a>(findings: &'a [Finding], code: &str) -> Vec<&'a Finding> {
    findings.iter().filter(|f| f.code == code).collect()
}

#[test]
fn the_clean_neighbour_is_clean() {
    assert!(findings(&root().join("samples/xconfig-dual-nic-ok")).is_empty());
}

#[test]
fn xcf001_a_pair_that_disagrees() {
    let dir = edited("xconfig-dual-nic-ok", "xcf001-disagree", "expe1.txt", |t| {
        t.replace(
            "TraversalServer Collaboration Edge: \"On\"",
            "TraversalServer Collaboration Edge: \"Off\"",
        )
        .replace(
            "TraversalServer SIP Transport: \"TLS\"",
            "TraversalServer SIP Transport: \"TCP\"",
        )
    });
    let all = findings(&dir);
    let found = only(&all, "XCF001");
    assert_eq!(found.len(), 1, "{all:#?}");
    assert!(
        found[0].message.contains("disagree"),
        "{}",
        found[0].message
    );
    assert_eq!(
        found[0].notes,
        [
            "Collaboration Edge (Unified Communications traversal) is on on C, off on E",
            "SIP transport is TLS on C, TCP on E"
        ]
    );
}

#[test]
fn xcf001_a_zone_toward_another_expressway_is_left_to_xcf002() {
    let dir = edited("xconfig-dual-nic-ok", "xcf001-other-e", "expc1.txt", |t| {
        t.replace(
            "TraversalClient Collaboration Edge: \"On\"",
            "TraversalClient Collaboration Edge: \"Off\"",
        )
        .replace(
            "Peer 1 Address: \"expe-internal.example.com\"",
            "Peer 1 Address: \"192.0.2.40\"",
        )
    });
    let all = findings(&dir);
    assert!(only(&all, "XCF001").is_empty(), "{all:#?}");
    let xcf002 = only(&all, "XCF002");
    assert_eq!(xcf002.len(), 1, "{all:#?}");
    // Not an MRA zone: it may serve another Expressway-E.
    assert_eq!(xcf002[0].severity, Severity::Warning);
    assert!(
        only(&all, "MRA008").is_empty(),
        "one finding per root cause: {all:#?}"
    );
}

#[test]
fn xcf002_a_peer_named_after_e_or_its_cluster_is_on_e() {
    let dir = edited("xconfig-dual-nic-ok", "xcf002-fqdn", "expc1.txt", |t| {
        t.replace(
            "Peer 1 Address: \"expe-internal.example.com\"",
            "Peer 1 Address: \"EXPE.example.com\"",
        )
    });
    let dir = {
        let deployment = dir.join("deployment.yaml");
        let text = std::fs::read_to_string(&deployment).unwrap();
        std::fs::write(
            &deployment,
            text.replace("expe-internal.example.com", "expe.example.com"),
        )
        .unwrap();
        dir
    };
    let all = findings(&dir);
    assert!(only(&all, "XCF002").is_empty(), "{all:#?}");
}

#[test]
fn xcf003_lan2_in_use_but_lan1_external() {
    let dir = edited(
        "xconfig-dual-nic-ok",
        "xcf003-external-lan1",
        "expe1.txt",
        |t| {
            t.replace(
                "IP External Interface: \"LAN2\"",
                "IP External Interface: \"LAN1\"",
            )
        },
    );
    let all = findings(&dir);
    let found = only(&all, "XCF003");
    assert_eq!(found.len(), 1, "{all:#?}");
    assert!(
        found[0].message.contains("external LAN interface is LAN1"),
        "{}",
        found[0].message
    );
}

#[test]
fn dep001_an_e_dump_listed_as_c() {
    let dir = edited(
        "xconfig-dual-nic-ok",
        "dep001-wrong-side",
        "deployment.yaml",
        |t| t.replace("xconfig: [expc1.txt]", "xconfig: [expe1.txt]"),
    );
    let all = findings(&dir);
    let dep = only(&all, "DEP001");
    assert!(
        dep.iter()
            .any(|f| f.message.contains("comes from an Expressway-E")),
        "{all:#?}"
    );
}
