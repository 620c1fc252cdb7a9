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
