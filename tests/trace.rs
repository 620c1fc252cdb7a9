//! `mralint trace` on the samples' configs: the human (packet-tracer shaped) and JSON
//! output of representative packets, snapshotted, with the exit code.

use std::process::Command;

fn trace(config: &str, input: &str, format: &str) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_mralint"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["trace", "--config", config, "--format", format, "--input"])
        .args(input.split_whitespace())
        .output()
        .expect("mralint runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr),
    )
}

const SEED: &str = "samples/mra-single-nic-source-translated/asa.cfg";

/// (snapshot name, config, packet, expected exit code)
const CASES: &[(&str, &str, &str, i32)] = &[
    (
        "seed_reflection_translates_source",
        SEED,
        "inside tcp 10.0.30.2 25000 64.100.0.10 7003",
        0,
    ),
    (
        "seed_internet_to_public_sip_tls",
        SEED,
        "outside tcp 198.51.100.7 40000 64.100.0.10 5061",
        0,
    ),
    (
        "seed_internet_to_public_https_denied",
        SEED,
        "outside tcp 198.51.100.7 40000 64.100.0.10 443",
        1,
    ),
    (
        "seed_e_to_internet_static_nat",
        SEED,
        "dmz tcp 10.0.10.2 25000 198.51.100.7 5061",
        0,
    ),
    (
        "seed_to_the_box",
        SEED,
        "outside tcp 198.51.100.7 40000 64.100.0.2 ssh",
        0,
    ),
    (
        "seed_icmp_echo_out",
        SEED,
        "inside icmp 10.0.30.2 8 0 198.51.100.7",
        0,
    ),
    (
        "missing_reflection_routes_out",
        "samples/mra-single-nic-reflection-missing/asa.cfg",
        "inside tcp 10.0.30.2 25000 64.100.0.10 7003",
        0,
    ),
    (
        "destination_only_reflection",
        "samples/mra-single-nic-reflection-ok/asa.cfg",
        "inside tcp 10.0.30.2 25000 64.100.0.10 7003",
        0,
    ),
    (
        "any_mapped_static_rpf_fails_to_real",
        "samples/mra-single-nic-any-mapped-ok/asa.cfg",
        "inside tcp 10.0.30.2 25000 10.0.10.2 7003",
        1,
    ),
    (
        "dual_nic_traversal_permitted",
        "samples/mra-dual-nic-ok/asa-inside.cfg",
        "inside tcp 10.0.30.2 25000 10.0.20.2 7001",
        0,
    ),
    (
        "dual_nic_ssh_denied_by_ace",
        "samples/mra-dual-nic-ssh-blocked/asa-inside.cfg",
        "inside tcp 10.0.30.2 30000 10.0.20.2 2222",
        1,
    ),
    (
        "dual_nic_external_media",
        "samples/mra-dual-nic-ok/asa-outside.cfg",
        "outside udp 198.51.100.7 40000 64.100.0.10 36004",
        0,
    ),
    (
        "reflection_pats_into_pool",
        "samples/mra-reflection-pats-into-pool/asa.cfg",
        "inside tcp 10.0.30.2 25000 64.100.0.10 7003",
        0,
    ),
    (
        "fqdn_entry_skipped_as_unresolved",
        "samples/hygiene-fqdn-time-range-clean/asa.cfg",
        "outside tcp 198.51.100.7 40000 64.100.0.10 5061",
        0,
    ),
    (
        "ftd_l7_rule_permit_sent_to_snort",
        "samples/ftd-l7-rule-only-5061/ftd-outside.cfg",
        "outside tcp 198.51.100.7 40000 64.100.0.10 5061",
        0,
    ),
    (
        "ftd_trust_rule_fast_paths",
        "samples/ftd-dual-nic-ok/ftd-inside.cfg",
        "inside tcp 10.0.30.2 30000 10.0.20.2 2222",
        0,
    ),
    (
        "ftd_zone_rule_denies_ssh",
        "samples/ftd-zone-ssh-blocked/ftd-inside.cfg",
        "inside tcp 10.0.30.2 30000 10.0.20.2 2222",
        1,
    ),
    (
        "ftd_zone_rule_of_another_zone",
        "samples/ftd-dual-nic-ok/ftd-inside.cfg",
        "guest tcp 10.0.40.5 30000 10.0.20.2 2222",
        1,
    ),
    (
        "ftd_seed_reflection_translates_source",
        "samples/ftd-single-nic-source-translated/ftd.cfg",
        "inside tcp 10.0.30.2 25000 64.100.0.10 7003",
        0,
    ),
];

#[test]
fn human_traces() {
    for (name, config, input, exit) in CASES {
        let (code, text) = trace(config, input, "human");
        assert_eq!(code, *exit, "{name}:\n{text}");
        insta::assert_snapshot!(format!("human_{name}"), text);
    }
}

#[test]
fn json_traces() {
    for (name, config, input, exit) in &CASES[..4] {
        let (code, text) = trace(config, input, "json");
        assert_eq!(code, *exit, "{name}");
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["version"], 1);
        insta::assert_snapshot!(format!("json_{name}"), text);
    }
}

/// FTD: the Snort phase of a connection LINA hands to Snort is there, not simulated; a
/// `trust` entry's connection has none.
#[test]
fn ftd_snort_phase_is_not_evaluated_offline() {
    let (code, text) = trace(
        "samples/ftd-l7-rule-only-5061/ftd-outside.cfg",
        "outside tcp 198.51.100.7 40000 64.100.0.10 5061",
        "json",
    );
    assert_eq!(code, 0, "{text}");
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let phases = json["phases"].as_array().unwrap();
    let snort = phases.last().unwrap();
    assert_eq!(snort["type"], "SNORT");
    assert_eq!(snort["result"], "not evaluated offline");
    let (_, text) = trace(
        "samples/ftd-dual-nic-ok/ftd-inside.cfg",
        "inside tcp 10.0.30.2 30000 10.0.20.2 2222",
        "json",
    );
    assert!(!text.contains("SNORT"), "{text}");
    assert!(text.contains("Trust-MRA-Traversal"), "{text}");
}

#[test]
fn dns_resolves_fqdn_objects_in_trace() {
    let (code, text) = trace(
        "samples/hygiene-fqdn-time-range-clean/asa.cfg",
        "outside tcp 198.51.100.7 40000 64.100.0.10 5061 --dns partner.example.com=198.51.100.7",
        "human",
    );
    assert_eq!(code, 0, "{text}");
    assert!(!text.contains("Unresolved:"), "{text}");
    assert!(
        text.contains(
            "access-list OUTSIDE_in extended permit tcp object-group PARTNERS object EXPE eq 5061"
        ),
        "{text}"
    );
}

#[test]
fn a_config_without_nameif_says_so() {
    let dir = std::env::temp_dir().join(format!("mralint-trace-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("bare.cfg");
    std::fs::write(
        &config,
        "hostname bare\ninterface GigabitEthernet0/0\n shutdown\n",
    )
    .unwrap();
    let (code, text) = trace(
        config.to_str().unwrap(),
        "inside tcp 10.0.30.2 1 10.0.10.2 2",
        "human",
    );
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(code, 2);
    assert!(text.contains("no interface with a `nameif`"), "{text}");
    assert!(!text.contains("(it has: )"), "{text}");
}

#[test]
fn bad_input_is_a_usage_error() {
    assert_eq!(
        trace(SEED, "nowhere tcp 10.0.30.2 1 10.0.10.2 2", "human").0,
        2
    );
    assert_eq!(
        trace(SEED, "inside tcp 10.0.30.999 1 10.0.10.2 2", "human").0,
        2
    );
    assert_eq!(
        trace(SEED, "inside tcp 10.0.30.2 1 10.0.10.2 70000", "human").0,
        2
    );
    assert_eq!(
        trace(
            "samples/none.cfg",
            "inside tcp 10.0.30.2 1 10.0.10.2 2",
            "human"
        )
        .0,
        2
    );
}
