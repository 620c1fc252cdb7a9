//! What each traversal client zone of Expressway-C designates on Expressway-E, read from
//! the `xconfig` dumps. The peers that designate none of E's addresses or names, or E's
//! external address where MRA needs LAN1, are misdirected: XCF002 reports them at the
//! dump, and MRA008 leaves a peer the deployment took from such a record to XCF002
//! ([`reported_at_dumps`]), so one misdirected peer makes one finding.

use std::net::Ipv4Addr;

use crate::deployment::DumpInput;
use crate::source::{FileId, Span};
use crate::workspace::Project;
use crate::xconfig::model::{Recorded, Side, Zone, ZoneType};

/// The `xconfig` dumps of one side, in the order the deployment names them (also when
/// the deployment is otherwise invalid: the rules on dumps alone still run).
pub fn dumps(project: &Project, side: Side) -> impl Iterator<Item = &DumpInput> {
    project
        .deployment
        .iter()
        .flat_map(|d| &d.dumps)
        .filter(move |d| d.side == side)
}

/// What a peer designates on E.
enum Designates<'a> {
    /// An address or name of an E node (or of its cluster).
    E,
    /// Something else: an external address of E's, or nothing of E's.
    Misses(Misdirection<'a>),
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
    project: &Project,
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
            let dns = project
                .deployment
                .as_ref()
                .and_then(|d| d.deployment.as_ref())
                .map(|d| d.dns.as_slice())
                .unwrap_or_default();
            match dns.iter().find(|(name, _)| name.eq_ignore_ascii_case(peer)) {
                Some((_, address)) => {
                    return match owner(es, *address) {
                        Some(_) => Designates::E,
                        None => Designates::Misses(Misdirection::Nothing {
                            resolved: Some(*address),
                        }),
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
            Designates::Misses(Misdirection::External {
                dump: d,
                what,
                record: record.unwrap_or_default(),
                lan1: d
                    .node
                    .lan(d.node.internal_external().0)
                    .address
                    .as_ref()
                    .map(|a| a.value),
            })
        }
        Some(_) => Designates::E,
        None if cluster_peer(es, peer) => Designates::E,
        None => Designates::Misses(Misdirection::Nothing { resolved: None }),
    }
}

/// The traversal client zones of C (zones replicate across a cluster: the first C dump
/// that has any).
pub fn client_zones(project: &Project) -> Option<(&DumpInput, Vec<&Zone>)> {
    dumps(project, Side::C).find_map(|d| {
        let zones: Vec<&Zone> = d.node.zones_of(ZoneType::TraversalClient).collect();
        (!zones.is_empty()).then_some((d, zones))
    })
}

/// Whether a C zone points at the E nodes the deployment names (at least one peer
/// designates one of them), or names no peer at all.
pub fn points_at_e(project: &Project, zone: &Zone) -> bool {
    let es: Vec<&DumpInput> = dumps(project, Side::E).collect();
    zone.peers.is_empty()
        || zone.peers.iter().any(|p| {
            !matches!(
                designates(project, &es, zone, p.value.trim()),
                Designates::Misses(Misdirection::Nothing { .. })
            )
        })
}

/// How a peer misses Expressway-E.
pub enum Misdirection<'a> {
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
}

/// A peer of a C traversal client zone that misses Expressway-E.
pub struct Misdirected<'a> {
    pub zone: &'a Zone,
    pub peer: &'a Recorded<String>,
    pub misdirection: Misdirection<'a>,
}

/// C's dump with its traversal client zones, and every misdirected peer of them, in
/// order. `None` without C zones, or when E's dumps hold no interfaces (partial dumps:
/// nothing to compare with).
pub fn misdirected_peers(project: &Project) -> Option<(&DumpInput, Vec<Misdirected<'_>>)> {
    let es: Vec<&DumpInput> = dumps(project, Side::E).collect();
    let (c, zones) = client_zones(project)?;
    if es.iter().all(|d| d.node.lan1.address.is_none()) {
        return None;
    }
    let mut out = Vec::new();
    for zone in zones {
        for peer in &zone.peers {
            let Designates::Misses(misdirection) =
                designates(project, &es, zone, peer.value.trim())
            else {
                continue;
            };
            out.push(Misdirected {
                zone,
                peer,
                misdirection,
            });
        }
    }
    Some((c, out))
}

/// The dump records of the misdirected peers, as (C's dump, the peer's span): a
/// deployment peer read from one of them is XCF002's finding, not also MRA008's.
pub fn reported_at_dumps(project: &Project) -> Vec<(FileId, Span)> {
    misdirected_peers(project).map_or_else(Vec::new, |(c, peers)| {
        peers.iter().map(|m| (c.file, m.peer.span)).collect()
    })
}
