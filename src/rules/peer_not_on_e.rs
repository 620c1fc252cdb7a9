use super::{at_dump, declare_rule, Context};
use crate::deployment::DumpInput;
use crate::finding::{Finding, Location, Severity};
use crate::mra::peers::{dumps, misdirected_peers, Misdirected, Misdirection};
use crate::xconfig::model::Side;

declare_rule! {
    /// ## What it does
    /// Reads each traversal client zone of Expressway-C's `xconfig` dump and checks that
    /// every peer address designates one of the Expressway-E nodes whose dumps the
    /// deployment names: one of their LAN1, LAN2 or static NAT addresses, one of their
    /// names (FQDN, host name, system name, cluster name, cluster peers), or a name `dns`
    /// resolves to one of their addresses. With a dual-NIC Expressway-E and a Unified
    /// Communications (MRA) zone, it also flags a peer that is E's external LAN2 or static
    /// NAT address instead of LAN1. An error for MRA zones, a warning for other zones
    /// (which may serve another Expressway-E).
    ///
    /// ## Why is this bad?
    /// Expressway-C opens the traversal connections to the peers it is given. A peer that
    /// is not E (an old address, a typo, another cluster) means the zone never becomes
    /// active, or works only by accident of routing. A dual-NIC E listens for XMPP/XCP
    /// (TCP 7400, IM and Presence) only on LAN1: pointed at LAN2, MRA sign-in works but
    /// presence and chat fail, and reaching LAN2 from the inside needs a reflection the
    /// design exists to avoid.
    ///
    /// ## Example
    /// ```text
    /// *c xConfiguration Ethernet 1 IP V4 Address: "10.0.20.2"            (E, internal)
    /// *c xConfiguration Ethernet 2 IP V4 Address: "10.0.10.2"            (E, external)
    /// *c xConfiguration Zones Zone 2 TraversalClient Peer 1 Address: "10.0.10.2"   (C)
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// *c xConfiguration Zones Zone 2 TraversalClient Peer 1 Address: "expe-internal.example.com"
    /// ```
    /// with C's DNS answering E's LAN1, 10.0.20.2.
    ///
    /// ## References
    /// - Cisco Expressway Basic Configuration Deployment Guide, Advanced networking deployments
    /// - Cisco TAC 117811, MRA and XCP on dual-NIC Expressway-E
    pub static RULE = {
        code: "XCF002",
        name: "peer-not-on-e",
        severity: Error,
        summary: "a traversal client zone's peer is none of Expressway-E's addresses or names, or (dual NIC, MRA) not its LAN1",
    };
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some((c, misdirected)) = misdirected_peers(cx.project) else {
        return;
    };
    let es: Vec<&DumpInput> = dumps(cx.project, Side::E).collect();
    for Misdirected {
        zone,
        peer,
        misdirection,
    } in misdirected
    {
        let text = peer.value.trim();
        match misdirection {
            Misdirection::External {
                dump,
                what,
                record,
                lan1,
            } => {
                let lan1 = lan1.map_or("LAN1".to_string(), |a| format!("LAN1, {a}"));
                out.push(
                    RULE.finding(
                        format!(
                            "traversal peer {text} of MRA zone `{}` is {}'s {what} address: with dual NIC, Expressway-C must reach its {lan1}, where XCP (TCP 7400) listens",
                            zone.label(),
                            dump.name().value
                        ),
                        at_dump(c, peer, format!("E's {what}")),
                    )
                    .with_related(Location::new(dump.file, record, format!("E's {what} address")))
                    .with_help(format!("point the peer at E's {lan1}: an internal DNS name that C resolves to it (better than the address, for TLS verification)")),
                );
            }
            Misdirection::Nothing { resolved } => {
                let known: Vec<String> = es
                    .iter()
                    .map(|d| {
                        let addresses: Vec<String> = d
                            .node
                            .addresses()
                            .iter()
                            .map(|(a, what)| format!("{what} {a}"))
                            .collect();
                        let name = d.node.fqdn().map(|f| format!(" ({f})")).unwrap_or_default();
                        format!("{}{name}: {}", d.name().value, addresses.join(", "))
                    })
                    .collect();
                let via = resolved
                    .map(|a| format!(" (it resolves to {a})"))
                    .unwrap_or_default();
                let mut finding = RULE
                    .finding(
                        format!(
                            "traversal peer `{text}` of zone `{}` is none of Expressway-E's addresses or names{via}",
                            zone.label()
                        ),
                        at_dump(c, peer, "not an Expressway-E of this deployment"),
                    )
                    .with_notes(known.into_iter().map(|k| format!("Expressway-E {k}")).collect())
                    .with_help("point the peer at Expressway-E (its FQDN); if this zone serves another Expressway-E, add that E's dumps under `expressway_e.xconfig`");
                if !zone.is_mra() {
                    finding.severity = Severity::Warning;
                }
                out.push(finding);
            }
        }
    }
}
