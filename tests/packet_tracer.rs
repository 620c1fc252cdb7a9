//! `mralint check --format packet-tracer`: one command per flow and firewall, grouped by
//! firewall, in the ASA's own syntax (each command is accepted by `mralint trace`, which
//! reads packet-tracer's arguments), with `!` comments naming the flows.

mod common;

use std::process::Output;

fn mralint(args: &[&str]) -> Output {
    common::mralint_in(std::path::Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The commands listed under the section of one firewall.
fn section<'a>(text: &'a str, firewall: &str) -> Vec<&'a str> {
    let header = format!("! ===== {firewall} (");
    text.lines()
        .skip_while(|l| !l.starts_with(&header))
        .skip(1)
        .take_while(|l| !l.starts_with("! ====="))
        .filter(|l| !l.starts_with('!'))
        .collect()
}

#[test]
fn every_line_is_a_comment_or_a_detailed_packet_tracer() {
    let output = mralint(&[
        "check",
        "samples/mra-single-nic-source-translated",
        "--format",
        "packet-tracer",
    ]);
    let text = stdout(&output);
    assert!(!text.is_empty());
    for line in text.lines() {
        assert!(
            line.starts_with('!')
                || (line.starts_with("packet-tracer input ") && line.ends_with(" detailed")),
            "{line}"
        );
        assert!(line.is_ascii(), "{line}");
    }
    let commands = section(&text, "asa-edge");
    assert!(
        commands
            .contains(&"packet-tracer input inside tcp 10.0.30.2 25000 64.100.0.10 7003 detailed"),
        "{text}"
    );
    assert!(
        commands.contains(
            &"packet-tracer input outside tcp 198.51.100.7 40000 64.100.0.10 5061 detailed"
        ),
        "{text}"
    );
    // Each command is preceded by the comment naming its flow.
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('!'))
    {
        assert!(i > 0 && lines[i - 1].starts_with("! "), "{line}");
    }
}

#[test]
fn a_flow_through_two_firewalls_has_a_command_on_each_as_the_packet_arrives_there() {
    let output = mralint(&[
        "check",
        "samples/mra-dual-nic-ok",
        "--format",
        "packet-tracer",
    ]);
    let text = stdout(&output);
    let inside = section(&text, "asa-inside");
    let outside = section(&text, "asa-outside");
    assert!(!inside.is_empty(), "{text}");
    assert!(!outside.is_empty(), "{text}");
    assert!(
        outside
            .iter()
            .all(|c| c.starts_with("packet-tracer input outside ")),
        "{text}"
    );
}

#[test]
fn every_command_is_accepted_by_trace_on_its_firewall() {
    let sample = "samples/mra-single-nic-source-translated";
    let text = stdout(&mralint(&["check", sample, "--format", "packet-tracer"]));
    let config = format!("{sample}/asa.cfg");
    for command in section(&text, "asa-edge") {
        let words: Vec<&str> = command.split_whitespace().collect();
        // packet-tracer input IFC PROTO SRC SPORT DST DPORT detailed
        assert_eq!(words.len(), 9, "{command}");
        let mut args = vec!["trace", "--config", &config, "--input"];
        args.extend(&words[2..8]);
        let code = mralint(&args).status.code();
        assert!(matches!(code, Some(0 | 1)), "{command}: exit {code:?}");
    }
}

#[test]
fn every_mra_finding_says_how_to_confirm_it() {
    let output = mralint(&[
        "check",
        "samples/mra-single-nic-source-translated",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let findings = json["findings"].as_array().expect("findings");
    let mra: Vec<&serde_json::Value> = findings
        .iter()
        .filter(|f| f["code"].as_str().is_some_and(|c| c.starts_with("MRA")))
        .collect();
    assert!(!mra.is_empty());
    for finding in mra {
        let notes = finding["notes"].as_array().expect("notes");
        assert!(
            notes.iter().any(|n| n.as_str().is_some_and(
                |n| n.starts_with("Confirm on the device (asa-edge): packet-tracer input ")
            )),
            "{finding}"
        );
    }
}

#[test]
fn trace_names_its_own_command() {
    let output = mralint(&[
        "trace",
        "--config",
        "samples/mra-single-nic-source-translated/asa.cfg",
        "--input",
        "inside",
        "icmp",
        "10.0.30.2",
        "8",
        "0",
        "10.0.10.2",
    ]);
    let text = stdout(&output);
    assert!(
        text.ends_with("Confirm on the device:\npacket-tracer input inside icmp 10.0.30.2 8 0 10.0.10.2 detailed\n"),
        "{text}"
    );
}
