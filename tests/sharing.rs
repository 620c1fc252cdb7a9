//! One run reads, parses and models each config once, however many deployments name it,
//! reports the config's own findings once, and runs only the rules it is asked for.

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A folder holding the seed sample's config (plus an unapplied list with a duplicate
/// entry) and `deployments` deployment files that all name it.
fn shared_config(name: &str, deployments: usize) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let seed =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/mra-single-nic-source-translated");
    let mut config = std::fs::read_to_string(seed.join("asa.cfg")).unwrap();
    config.push_str("access-list SPARE extended permit tcp any host 10.9.9.9 eq 443\n");
    config.push_str("access-list SPARE extended permit tcp any host 10.9.9.9 eq 443\n");
    std::fs::write(dir.join("asa.cfg"), config).unwrap();
    let deployment = std::fs::read_to_string(seed.join("deployment.yaml")).unwrap();
    for d in 0..deployments {
        std::fs::write(dir.join(format!("site{d}.deployment.yaml")), &deployment).unwrap();
    }
    dir
}

#[test]
fn a_config_named_by_several_deployments_is_modelled_once() {
    let dir = shared_config("shared-config", 3);
    let projects = mralint::workspace::discover(&[dir], &|_| false).unwrap();
    assert_eq!(projects.len(), 3);
    let first = &projects[0].firewalls[0];
    for project in &projects[1..] {
        assert!(Arc::ptr_eq(&first.model, &project.firewalls[0].model));
        assert!(!project.firewalls[0].reports_config);
    }
    assert!(first.reports_config);
    let findings: Vec<_> = projects.iter().flat_map(mralint::lint).collect();
    let count = |code: &str| findings.iter().filter(|f| f.code == code).count();
    // The config's own findings once; the deployments' MRA findings once per deployment.
    assert_eq!(count("ACL001"), 1);
    assert_eq!(count("ACL002"), 1);
    assert_eq!(count("MRA001"), 3);
}

#[test]
fn only_the_selected_rules_run() {
    let dir = shared_config("selected-rules", 1);
    let projects = mralint::workspace::discover(&[dir], &|_| false).unwrap();
    let only_acl = mralint::rules::run_selected(&projects[0], &|c| c == "ACL001");
    assert!(only_acl.iter().all(|f| f.code == "ACL001"), "{only_acl:?}");
    assert_eq!(only_acl.len(), 1);
    let everything = mralint::lint(&projects[0]);
    assert!(everything.iter().any(|f| f.code == "MRA001"));
}

#[test]
fn a_suppression_of_a_rule_that_did_not_run_is_not_called_unused() {
    let dir = shared_config("suppression-not-run", 1);
    let path = dir.join("asa.cfg");
    let mut config = std::fs::read_to_string(&path).unwrap();
    config = config.replacen(
        "access-list SPARE extended permit tcp any host 10.9.9.9 eq 443\naccess-list SPARE",
        "access-list SPARE extended permit tcp any host 10.9.9.9 eq 443\n! mralint: ignore[ACL001] kept for the migration\naccess-list SPARE",
        1,
    );
    std::fs::write(&path, config).unwrap();
    let projects = mralint::workspace::discover(&[dir], &|_| false).unwrap();
    let without_acl = mralint::rules::run_selected(&projects[0], &|c| c != "ACL001");
    assert!(
        !without_acl.iter().any(|f| f.code == "SUP001"),
        "{without_acl:?}"
    );
    let all = mralint::lint(&projects[0]);
    assert!(!all.iter().any(|f| f.code == "SUP001"), "{all:?}");
    assert!(all
        .iter()
        .any(|f| f.code == "ACL001" && f.suppressed.is_some()));
}
