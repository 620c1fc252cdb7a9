//! Firepower Threat Defense configurations in the forms public sources print them
//! (`tests/ftd/public-sources.cfg` names each source): every line parses with no syntax
//! finding, the config is recognised as FTD, and entries carry their FMC rules and zones.

use mralint::model::{FmcRuleKind, Platform};
use mralint::syntax::parse_config;

const PUBLIC: &str = include_str!("ftd/public-sources.cfg");

#[test]
fn public_ftd_lines_parse_with_no_syntax_finding() {
    let parsed = parse_config(PUBLIC);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    assert_eq!(parsed.stats.rejected, 0);
    assert!(parsed.config.ngfw_version.is_some());
}

#[test]
fn public_ftd_entries_carry_their_fmc_rules_and_zones() {
    let model = mralint::model::build(&parse_config(PUBLIC).config);
    assert_eq!(model.platform, Platform::Ftd);
    let acl = &model.acls["CSM_FW_ACL_"];
    let rule = |id: u64| {
        acl.entries
            .iter()
            .find(|a| a.fmc.as_ref().is_some_and(|r| r.rule_id == id))
            .unwrap_or_else(|| panic!("rule-id {id}"))
    };
    let tunnel = rule(9998).fmc.as_ref().unwrap();
    assert_eq!(tunnel.kind, FmcRuleKind::Prefilter);
    assert_eq!(tunnel.name.as_deref(), Some("DEFAULT TUNNEL ACTION RULE"));
    let trust = rule(268455934);
    assert!(trust.fmc.as_ref().unwrap().trust);
    assert_eq!(trust.source_interface.as_deref(), Some("OUTSIDE"));
    assert_eq!(trust.destination_interface, None);
    let zones = rule(268435666);
    assert_eq!(zones.source_interface.as_deref(), Some("ACCESS-VRF"));
    assert_eq!(
        zones.destination_interface.as_deref(),
        Some("Global-Routing")
    );
    let l4 = rule(268435461).fmc.as_ref().unwrap();
    assert_eq!(
        l4.to_string(),
        "FMC rule 'Rule1' (rule-id 268435461)",
        "{l4:?}"
    );
    assert_eq!(l4.kind, FmcRuleKind::L4);
    let fdm = &model.acls["NGFW_ONBOX_ACL"].entries[0];
    assert_eq!(
        fdm.fmc.as_ref().unwrap().to_string(),
        "FDM rule 'Allow-DNS-For-Corporate' (rule-id 268435480)"
    );
    let default = rule(268434432).fmc.as_ref().unwrap();
    assert_eq!(default.policy.as_deref(), Some("FTD-ACP - Default"));
}

#[test]
fn detection_needs_one_marker() {
    let plain = "hostname asa\naccess-list OUT extended permit ip any any\n";
    assert_eq!(
        mralint::model::build(&parse_config(plain).config).platform,
        Platform::Asa
    );
    for ftd in [
        "NGFW Version 7.0.1\nhostname ftd\n",
        "access-list CSM_FW_ACL_ remark rule-id 1: L4 RULE: a\n",
        "access-list OUT extended permit ip any any rule-id 5\n",
    ] {
        assert_eq!(
            mralint::model::build(&parse_config(ftd).config).platform,
            Platform::Ftd,
            "{ftd}"
        );
    }
}

#[test]
fn a_malformed_ftd_line_is_a_syntax_finding_at_its_word() {
    let text = "access-list CSM_FW_ACL_ advanced trust tcp ifc inside any any eq 80 rule-id 12x\n";
    let parsed = parse_config(text);
    assert_eq!(parsed.errors.len(), 1, "{:?}", parsed.errors);
    let span = parsed.errors[0].span;
    assert_eq!(&text[span.start..span.end], "12x");
    let text = "access-list CSM_FW_ACL_ advanced permit ip ifc any any rule-id 1\n";
    assert_eq!(parse_config(text).errors.len(), 1);
}

/// FTD permits that Snort re-evaluates and zone-limited entries never shadow later
/// entries (ACL001); a `trust` does.
#[test]
fn snort_permits_and_zone_entries_are_no_basis_for_shadowing() {
    let config = |first: &str| {
        format!(
            "NGFW Version 7.2.5\n\
             access-list CSM_FW_ACL_ remark rule-id 1: L7 RULE: Allow-Web\n\
             access-list CSM_FW_ACL_ advanced {first} rule-id 1\n\
             access-list CSM_FW_ACL_ advanced deny tcp any any eq 80 rule-id 2\n"
        )
    };
    let model = |text: &str| mralint::model::build(&parse_config(text).config);
    let snort = model(&config("permit ip any any"));
    assert!(snort.acls["CSM_FW_ACL_"].entries[0].is_conditional());
    let zone = model(&config("trust ip ifc inside any any"));
    assert!(zone.acls["CSM_FW_ACL_"].entries[0].is_conditional());
    let trust = model(&config("trust ip any any"));
    assert!(!trust.acls["CSM_FW_ACL_"].entries[0].is_conditional());
    assert!(!trust.acls["CSM_FW_ACL_"].entries[1].is_conditional());
}

/// `platform: ftd` in the deployment makes a config without FTD markers speak FMC's
/// language (a config that is FTD needs no field: the samples show that).
#[test]
fn the_deployment_can_say_a_firewall_is_ftd() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join(format!("target/ftd-platform-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let seed = root.join("samples/mra-single-nic-source-translated");
    std::fs::copy(seed.join("asa.cfg"), dir.join("asa.cfg")).unwrap();
    let deployment = std::fs::read_to_string(seed.join("deployment.yaml"))
        .unwrap()
        .replace("config: asa.cfg", "config: asa.cfg\n    platform: ftd");
    std::fs::write(dir.join("deployment.yaml"), deployment).unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_mralint"))
        .current_dir(root)
        .args(["check", "--color", "never", "--width", "200"])
        .arg(dir.join("deployment.yaml"))
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).ok();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("this line is the Manual NAT rule #1 (NAT Rules Before)"),
        "{text}"
    );
    assert!(text.contains("Platform Settings"), "{text}");
}

/// `show access-list` expands each object-group entry into indented lines under it: they
/// are read as part of the entry above, never as commands.
#[test]
fn expanded_show_access_list_lines_are_part_of_their_entry() {
    let text = "object-group network INSIDE-NETS\n network-object 10.0.30.0 255.255.255.0\n\
        access-list CSM_FW_ACL_ line 11 advanced trust ip ifc inside object-group INSIDE-NETS any rule-id 268435458 (hitcnt=12) 0x1a2b3c4d\n  \
        access-list CSM_FW_ACL_ line 11 advanced trust ip ifc inside 10.0.30.0 255.255.255.0 any rule-id 268435458 (hitcnt=12) 0x5e6f7a8b\n";
    let parsed = parse_config(text);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let model = mralint::model::build(&parsed.config);
    assert_eq!(model.acls["CSM_FW_ACL_"].entries.len(), 1);
}
