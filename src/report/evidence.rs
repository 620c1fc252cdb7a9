//! `check --verbose`: how each xConfiguration dump was read. Where the key reference
//! marks a key or rule unconfirmed, this says which evidence was used, so that a user
//! can check the conclusion against the dump.

use std::fmt::Write as _;

use crate::deployment::DumpInput;
use crate::source::{Sources, Span};
use crate::workspace::Project;
use crate::xconfig::model::{RoleEvidence, Side};

/// The report for every dump of a project; empty when it has none.
pub fn render(project: &Project) -> String {
    let Some(input) = &project.deployment else {
        return String::new();
    };
    let mut out = String::new();
    for dump in &input.dumps {
        out.push_str(&describe(dump, &project.sources));
    }
    out
}

/// One dump: its role and why, the records read and skipped, the NIC design, the
/// unconfirmed keys it used and the sections it lacks.
pub fn describe(dump: &DumpInput, sources: &Sources) -> String {
    let file = sources.get(dump.file);
    let line = |span: Span| file.line_col(span.start).0;
    let x = &dump.node;
    let mut out = String::new();
    let name = dump.name().value;
    let _ = writeln!(
        out,
        "{}: {name}, listed under {}",
        file.display_name(),
        match dump.side {
            Side::C => "expressway_c",
            Side::E => "expressway_e",
        }
    );
    let role = match &x.role {
        Some(role) => format!(
            "{}{}, because {} (line {})",
            role.side.label(),
            if role.evidence == RoleEvidence::TraversalClientWithEdge {
                " (suggested, not proven: a chained B2B Expressway-E is a traversal client too)"
            } else {
                ""
            },
            role.reason,
            line(role.span)
        ),
        None => "no record tells; taken from the list the deployment puts it in".into(),
    };
    let _ = writeln!(out, "  role: {role}");
    let skipped = &dump.dump.skipped;
    let _ = writeln!(
        out,
        "  records: {} read, {} malformed; lines skipped: {} (echoed command {}, status {}, result {}, OK {}, end markers {}, other {})",
        dump.dump.records.len(),
        dump.dump.errors.len(),
        skipped.total(),
        skipped.echo,
        skipped.status,
        skipped.result,
        skipped.ok,
        skipped.end,
        skipped.other
    );
    if dump.side == Side::E {
        let nic = x.nic();
        let _ = writeln!(
            out,
            "  NIC: {}{}, because {} (line {}); \"Use dual network interfaces\" has no key, so LAN2 in use means an address other than the factory 192.168.0.100",
            if nic.dual { "dual" } else { "single" },
            if nic.confident { "" } else { " (low confidence: the two tests disagree)" },
            nic.reason,
            line(nic.span)
        );
        let (internal, external) = x.internal_external();
        let _ = writeln!(
            out,
            "  interfaces: internal {}, external {}{}",
            internal.label(),
            external.label(),
            x.static_nat()
                .map(|n| format!(", static NAT {} (line {})", n.value, line(n.span)))
                .unwrap_or_default()
        );
    }
    for note in &x.evidence {
        let _ = writeln!(out, "  {note}");
    }
    if !x.cluster_peers.is_empty() {
        let peers: Vec<String> = x.cluster_peers.iter().map(|p| p.value.clone()).collect();
        let _ = writeln!(
            out,
            "  cluster peers: {}{}",
            peers.join(", "),
            match dump.side {
                Side::C => " (addresses, or names in `dns`, become nodes of C)",
                Side::E => " (each E node needs its own dump: the interfaces of peers without one are unknown)",
            }
        );
    }
    let missing = x.missing_sections(dump.side);
    if !missing.is_empty() {
        let _ = writeln!(
            out,
            "  missing sections: {} (the deployment file gives them, if anything)",
            missing.join("; ")
        );
    }
    out
}
