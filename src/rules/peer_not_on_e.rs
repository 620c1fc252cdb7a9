use std::net::Ipv4Addr;

use super::{at_dump, declare_rule, dumps, Context};
use crate::deployment::DumpInput;
use crate::finding::{Finding, Location, Severity};
use crate::source::{FileId, Span};
use crate::xconfig::model::{Side, Zone, ZoneType};

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

/// What a peer designates on E.
enum Designates<'a> {
    /// An address or name of an E node (or of its cluster).
    E,
    /// The external interface or static NAT address of a dual-NIC E (what: `LAN2`,
    /// `static NAT`), with the record of that address and E's LAN1.
    External {
        dump: &'a DumpInput,
        what: &'static str,
        record: Span,
        lan1: Option<Ipv4Addr>,
    },
    /// None of E's addresses or names; `resolved` when `dns` gave its address.
    Nothing { resolved: Option<Ipv4Addr> },
    /// A name nothing resolves (DEP001 reports it).
    Unknown,
}

/// The E node that owns an address, with what the address is to it.
fn owner<'a>(es: &[&'a DumpInput], address: Ipv4Addr) -> Option<(&'a DumpInput, &'static str)> {
    es.iter().find_map(|d| {
        d.node
            .addresses()
            .into_iter()
            .find(|(a, _)| *a == address)
            .map(|(_, what)| (*d, what))
    })
}

/// Whether E's cluster lists this peer (by address or name).
fn cluster_peer(es: &[&DumpInput], peer: &str) -> bool {
    es.iter().any(|d| {
        d.node
            .cluster_peers
            .iter()
            .any(|p| p.value.trim().eq_ignore_ascii_case(peer))
    })
}

fn designates<'a>(
    cx: &Context<'_>,
    es: &[&'a DumpInput],
    zone: &Zone,
    peer: &str,
) -> Designates<'a> {
    let address = match peer.parse::<Ipv4Addr>() {
        Ok(address) => Some(address),
        Err(_) => {
            if es.iter().any(|d| d.node.answers_to(peer)) || cluster_peer(es, peer) {
                return Designates::E;
            }
            let dns = cx
                .deployment()
                .map(|(d, _)| d.dns.as_slice())
                .unwrap_or_default();
            match dns.iter().find(|(name, _)| name.eq_ignore_ascii_case(peer)) {
                Some((_, address)) => {
                    return match owner(es, *address) {
                        Some(_) => Designates::E,
                        None => Designates::Nothing {
                            resolved: Some(*address),
                        },
                    }
                }
                None => return Designates::Unknown,
            }
        }
    };
    let Some(address) = address else {
        return Designates::Unknown;
    };
    match owner(es, address) {
        Some((d, what)) if what != "LAN1" && d.node.nic().dual && zone.is_mra() => {
            let record = match what {
                "LAN2" => d.node.lan2.address.as_ref().map(|a| a.span),
                _ => d.node.static_nat().map(|n| n.span),
            };
            Designates::External {
                dump: d,
                what,
                record: record.unwrap_or_default(),
                lan1: d
                    .node
                    .lan(d.node.internal_external().0)
                    .address
                    .as_ref()
                    .map(|a| a.value),
            }
        }
        Some(_) => Designates::E,
        None if cluster_peer(es, peer) => Designates::E,
        None => Designates::Nothing { resolved: None },
    }
}

/// The traversal client zones of C (zones replicate across a cluster: the first C dump
/// that has any).
pub fn client_zones<'a>(cx: &Context<'a>) -> Option<(&'a DumpInput, Vec<&'a Zone>)> {
    dumps(cx, Side::C).find_map(|d| {
        let zones: Vec<&Zone> = d.node.zones_of(ZoneType::TraversalClient).collect();
        (!zones.is_empty()).then_some((d, zones))
    })
}

/// Whether a C zone points at the E nodes the deployment names (at least one peer
/// designates one of them), or names no peer at all.
pub fn points_at_e(cx: &Context<'_>, zone: &Zone) -> bool {
    let es: Vec<&DumpInput> = dumps(cx, Side::E).collect();
    zone.peers.is_empty()
        || zone.peers.iter().any(|p| {
            !matches!(
                designates(cx, &es, zone, p.value.trim()),
                Designates::Nothing { .. }
            )
        })
}

/// The peers this rule flags, as (dump, record span): MRA008 leaves them to it.
pub fn flagged(cx: &Context<'_>) -> Vec<(FileId, Span)> {
    findings(cx)
        .into_iter()
        .map(|f| (f.primary.file, f.primary.span))
        .collect()
}

fn findings(cx: &Context<'_>) -> Vec<Finding> {
    let es: Vec<&DumpInput> = dumps(cx, Side::E).collect();
    let Some((c, zones)) = client_zones(cx) else {
        return Vec::new();
    };
    if es.iter().all(|d| d.node.lan1.address.is_none()) {
        // E's dumps hold no interfaces (partial dumps): nothing to compare with.
        return Vec::new();
    }
    let mut out = Vec::new();
    for zone in zones {
        for peer in &zone.peers {
            let text = peer.value.trim();
            match designates(cx, &es, zone, text) {
                Designates::E | Designates::Unknown => {}
                Designates::External {
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
                Designates::Nothing { resolved } => {
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
    out
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    out.extend(findings(cx));
}
