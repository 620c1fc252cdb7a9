//! The `packet-tracer` commands that reproduce a simulated flow on the live firewall
//! (docs/asa-semantics.md#31-the-packet-tracer-command), and the `show nat detail` / `show xlate` lines worth reading
//! beside them: what every MRA finding, `mralint trace` and
//! `mralint check --format packet-tracer` give an engineer to confirm a verdict in one
//! paste.

use crate::eval::path::{Hop, Path};
use crate::eval::Packet;
use crate::finding::{Finding, CONFIRM};
use crate::rules::Context;

/// At most this many commands in one finding's notes: a finding about every flow of a
/// large deployment would otherwise bury its explanation; the full list is one
/// `--format packet-tracer` away.
const MAX_COMMANDS_PER_FINDING: usize = 8;

/// `packet-tracer input IFC PROTO SRC SPORT DST DPORT detailed`: the ASA's own syntax,
/// ports as numbers (packet-tracer accepts names too, but a number is unambiguous),
/// ICMP with its type and code, any other protocol as `rawip`. An interface name the
/// CLI cannot take as typed (see [`typeable`]) makes it a `!` comment with the name's
/// characters shown as escapes: the listing is pasted into the firewall's CLI, where a
/// control character in a config's name (Ctrl-Z, Ctrl-U, a CR) would act.
pub fn command(ingress: &str, packet: &Packet) -> String {
    if typeable(ingress) {
        return typed_command(ingress, packet);
    }
    let shown: String = crate::escape::terminal_line(ingress)
        .chars()
        .map(|c| if c.is_ascii() { c } else { '?' })
        .collect();
    format!(
        "! not typeable, the interface name holds characters the CLI would act on: {}",
        typed_command(&shown, packet)
    )
}

/// Whether a name can be typed at the ASA CLI as it is: printable ASCII without spaces
/// and without `?`, which opens the CLI's help wherever it is typed.
pub fn typeable(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_graphic() && c != '?')
}

fn typed_command(ingress: &str, packet: &Packet) -> String {
    let Packet {
        protocol,
        source,
        source_port,
        destination,
        destination_port,
    } = *packet;
    match protocol {
        6 | 17 | 132 => format!(
            "packet-tracer input {ingress} {} {source} {source_port} {destination} {destination_port} detailed",
            match protocol {
                6 => "tcp",
                17 => "udp",
                _ => "sctp",
            }
        ),
        // The simulator carries ICMP's type in the source port and its code in the
        // destination port; packet-tracer wants them between the two addresses.
        1 => format!(
            "packet-tracer input {ingress} icmp {source} {source_port} {destination_port} {destination} detailed"
        ),
        other => {
            format!("packet-tracer input {ingress} rawip {source} {other} {destination} detailed")
        }
    }
}

/// One `packet-tracer` per firewall the walk crossed, with the packet as it arrived
/// there (translated by the firewalls before it).
pub fn path_commands(path: &Path) -> Vec<(usize, String)> {
    path.hops
        .iter()
        .map(|hop| (hop.firewall, command(&hop.trace.ingress, &hop.trace.input)))
        .collect()
}

/// What to read on the firewall after the trace: `show nat detail` for the NAT rules the
/// packet used (their line in the config, so the hit counters can be found), and
/// `show xlate local` for the real addresses those rules translate.
pub fn show_lines(cx: &Context<'_>, hop: &Hop) -> Vec<String> {
    let trace = &hop.trace;
    let mut rules: Vec<usize> = Vec::new();
    for rule in [trace.destination_rule, trace.source_rule]
        .into_iter()
        .flatten()
    {
        if !rules.contains(&rule) {
            rules.push(rule);
        }
    }
    if rules.is_empty() {
        return Vec::new();
    }
    let model = &cx.project.firewalls[hop.firewall].model;
    // Quoted as the rule's text, not its line: `show nat detail` prints the rule, and a
    // line number would change with every edit above it.
    let quoted: Vec<String> = rules
        .iter()
        .filter_map(|r| model.nat.get(*r))
        .map(|rule| {
            let text = cx.config_text(hop.firewall, rule.span);
            match &rule.object {
                Some(object) => format!("object network {object}: {text}"),
                None => text.to_string(),
            }
        })
        .collect();
    let mut lines = vec![format!(
        "show nat detail, the hit counts of: {}",
        quoted.join(" | ")
    )];
    let mut locals = Vec::new();
    if trace.source_rule.is_some() {
        locals.push(trace.input.source);
    }
    if trace.destination_rule.is_some() && !locals.contains(&trace.untranslated.destination) {
        locals.push(trace.untranslated.destination);
    }
    for local in locals {
        lines.push(format!("show xlate local {local}"));
    }
    lines
}

/// A simulated walk and the words that name it.
pub struct NamedPath<'a> {
    pub label: String,
    /// The packet as its sender sends it: how the findings' notes quote the flow.
    pub sent: Packet,
    pub path: &'a Path,
}

/// Every simulated walk of a deployment, named the way the findings name them: C→E
/// traversal, internet→E, E's media hairpin, C's outbound probe.
pub fn named_paths<'a>(cx: &'a Context<'_>) -> Vec<NamedPath<'a>> {
    let mut paths: Vec<NamedPath> = cx
        .traversal
        .iter()
        .map(|r| NamedPath {
            label: crate::rules::flow_line(cx, r),
            sent: r.flow.packet,
            path: &r.path,
        })
        .collect();
    let deployment = cx.deployment().map(|(d, _)| d);
    let e_name = |e: usize| {
        deployment.map_or_else(
            || "Expressway-E".into(),
            |d| d.e.nodes[e].name.value.clone(),
        )
    };
    let c_name = |c: usize| {
        deployment.map_or_else(
            || "Expressway-C".into(),
            |d| d.c_nodes[c].name.value.clone(),
        )
    };
    paths.extend(cx.internet.iter().map(|r| NamedPath {
        label: format!(
            "internet {}: {} (to {})",
            r.flow.service,
            r.flow.packet,
            e_name(r.flow.e_node)
        ),
        sent: r.flow.packet,
        path: &r.path,
    }));
    paths.extend(cx.hairpins.iter().map(|p| NamedPath {
        label: format!("media hairpin: {} ({})", p.packet, e_name(p.node)),
        sent: p.packet,
        path: &p.path,
    }));
    paths.extend(cx.outbound.iter().map(|p| NamedPath {
        label: format!("outbound: {} ({})", p.packet, c_name(p.node)),
        sent: p.packet,
        path: &p.path,
    }));
    paths
}

/// The walks a finding is about: those whose flow its notes name (every MRA rule lists
/// the flows it judged as `PROTO SRC:PORT → DST:PORT`); else those whose deciding or
/// translating lines include the finding's line; else, for a finding on a firewall's
/// config, the flows crossing that firewall; else, for a finding about the design as a
/// whole, the SIP traversal flows and E's media hairpin, which show the NAT it relies on.
fn paths_of<'p>(cx: &'p Context<'_>, finding: &Finding, paths: &[NamedPath<'p>]) -> Vec<&'p Path> {
    let named: Vec<&Path> = paths
        .iter()
        .filter(|p| {
            let text = p.sent.to_string();
            finding.notes.iter().any(|n| n.contains(&text))
        })
        .map(|p| p.path)
        .collect();
    if !named.is_empty() {
        return named;
    }
    let at_line: Vec<&Path> = paths
        .iter()
        .filter(|p| cites(cx, p.path, finding))
        .map(|p| p.path)
        .collect();
    if !at_line.is_empty() {
        return at_line;
    }
    // A finding about a firewall's settings (an inspection, a timeout): the flows it
    // carries.
    let on_firewall = cx
        .project
        .firewalls
        .iter()
        .position(|f| f.file == finding.primary.file);
    if let Some(firewall) = on_firewall {
        return paths
            .iter()
            .filter(|p| p.path.hops.iter().any(|h| h.firewall == firewall))
            .map(|p| p.path)
            .collect();
    }
    let sip = cx
        .traversal
        .iter()
        .filter(|r| r.flow.kind == crate::mra::FlowKind::SipTraversal)
        .map(|r| &r.path);
    sip.chain(cx.hairpins.iter().map(|p| &p.path)).collect()
}

/// The walks a finding is about (see [`confirm_notes`] for how they are found).
pub fn paths_of_finding<'p>(cx: &'p Context<'_>, finding: &Finding) -> Vec<&'p Path> {
    let paths = named_paths(cx);
    paths_of(cx, finding, &paths)
}

/// Whether a walk used or was stopped by the finding's config line.
fn cites(cx: &Context<'_>, path: &Path, finding: &Finding) -> bool {
    path.hops.iter().any(|hop| {
        cx.firewall_file(hop.firewall) == finding.primary.file
            && hop
                .trace
                .phases
                .iter()
                .flat_map(|p| &p.config)
                .any(|span| *span == finding.primary.span)
    })
}

/// The "Confirm on the device" notes of one finding: a `packet-tracer` per flow and
/// firewall, then what to read on each firewall that translated.
pub fn confirm_notes(cx: &Context<'_>, finding: &Finding, paths: &[NamedPath<'_>]) -> Vec<String> {
    let mut commands: Vec<String> = Vec::new();
    let mut shows: Vec<String> = Vec::new();
    for path in paths_of(cx, finding, paths) {
        for (hop, (firewall, command)) in path.hops.iter().zip(path_commands(path)) {
            let name = cx.firewall_name(firewall);
            let note = format!("{CONFIRM} ({name}): {command}");
            if !commands.contains(&note) {
                commands.push(note);
            }
            for show in show_lines(cx, hop) {
                let note = format!("{CONFIRM} ({name}): {show}");
                if !shows.contains(&note) {
                    shows.push(note);
                }
            }
        }
    }
    let more = commands.len().saturating_sub(MAX_COMMANDS_PER_FINDING);
    commands.truncate(MAX_COMMANDS_PER_FINDING);
    if more > 0 {
        commands.push(format!(
            "and {more} more packet-tracer command(s): `mralint check --format packet-tracer` lists every flow"
        ));
    }
    commands.extend(shows);
    commands
}

/// Adds the "Confirm on the device" notes to every MRA finding.
pub fn annotate(cx: &Context<'_>, findings: &mut [Finding]) {
    if cx.network.is_none() {
        return;
    }
    let paths = named_paths(cx);
    for finding in findings.iter_mut().filter(|f| f.code.starts_with("MRA")) {
        let notes = confirm_notes(cx, finding, &paths);
        finding.notes.extend(notes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn packet(protocol: u8, sport: u16, dport: u16) -> Packet {
        Packet::new(
            protocol,
            Ipv4Addr::new(10, 0, 30, 2),
            sport,
            Ipv4Addr::new(64, 100, 0, 10),
            dport,
        )
    }

    #[test]
    fn tcp_and_udp_take_numeric_ports() {
        assert_eq!(
            command("inside", &packet(6, 25000, 7003)),
            "packet-tracer input inside tcp 10.0.30.2 25000 64.100.0.10 7003 detailed"
        );
        assert_eq!(
            command("inside", &packet(17, 36002, 36000)),
            "packet-tracer input inside udp 10.0.30.2 36002 64.100.0.10 36000 detailed"
        );
        assert_eq!(
            command("dmz", &packet(132, 1, 2)),
            "packet-tracer input dmz sctp 10.0.30.2 1 64.100.0.10 2 detailed"
        );
    }

    #[test]
    fn icmp_takes_type_and_code_before_the_destination() {
        assert_eq!(
            command("inside", &packet(1, 8, 0)),
            "packet-tracer input inside icmp 10.0.30.2 8 0 64.100.0.10 detailed"
        );
    }

    #[test]
    fn other_protocols_are_raw_ip() {
        assert_eq!(
            command("inside", &packet(50, 0, 0)),
            "packet-tracer input inside rawip 10.0.30.2 50 64.100.0.10 detailed"
        );
    }
}
