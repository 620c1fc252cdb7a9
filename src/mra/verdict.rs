//! What each flow kind needs, defined once, and the verdict of one walk against it: the
//! flow is delivered as MRA needs, or it fails with one [`Problem`]. When a walk has
//! several things wrong, the order of the checks below is the precedence: the problem
//! found first explains the flow, and only the rule that owns it reports the flow.

use std::net::Ipv4Addr;

use super::catalogue::{other_demux_set, Flow, FlowKind, InternetFlow};
use super::delivered_role;
use crate::deployment::{Deployment, Nic, ZoneService};
use crate::eval::path::{End, Host, Network, Path, Role};
use crate::eval::Packet;

/// Whether a flow meets what MRA needs of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Delivered as MRA needs.
    Meets,
    /// Not as MRA needs: the problem.
    Fails(Problem),
    /// No expectation: the walk is shown, not judged (C's outbound probe shows what C is
    /// translated to on the internet side).
    Unjudged,
}

impl Verdict {
    /// Whether it meets what MRA needs; `None` when nothing is expected of it.
    pub fn healthy(&self) -> Option<bool> {
        match self {
            Verdict::Meets => Some(true),
            Verdict::Fails(_) => Some(false),
            Verdict::Unjudged => None,
        }
    }

    /// What went wrong, when it fails.
    pub fn miss(&self) -> Option<&Miss> {
        match self {
            Verdict::Fails(problem) => Some(&problem.miss),
            _ => None,
        }
    }

    /// What is wrong in words, when it fails.
    pub fn problem(&self) -> Option<&str> {
        match self {
            Verdict::Fails(problem) => Some(&problem.text),
            _ => None,
        }
    }
}

/// Why a flow fails, and what MRA needs instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub miss: Miss,
    /// What MRA needs instead, or what E sees: "MRA needs it delivered to expe1 LAN1".
    pub text: String,
}

/// The step of the walk that went wrong. `hop` indexes the path's hops; the deciding
/// config line is that hop's deciding span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Miss {
    /// An access rule or the security levels of the firewall at this hop dropped it.
    Blocked { hop: usize },
    /// A media demux port an access rule drops at this hop, while E's other documented
    /// demux set gets through: E's demux configuration, not the access rule, explains it
    /// (MRA010 reports it, MRA004 does not).
    DemuxPorts { hop: usize },
    /// It reached E's right interface on another port than it was sent to (a `service`
    /// clause on the reflection rule): E listens on `sent`. `hop` is the first hop that
    /// translated the destination port.
    OtherPort { hop: usize, sent: u16, arrived: u16 },
    /// It reached E's LAN2 where MRA needs LAN1: the traversal peer designates E's
    /// external address, which MRA008 reports at the peer; no rule reports the walk.
    OtherInterface,
    /// It reached E with another source than it was sent from (MRA001's).
    SourceTranslated { seen: Ipv4Addr, seen_port: u16 },
    /// It never reached the host MRA needs: stopped by something else than an access
    /// rule, routed elsewhere, left the network, looped, or was never sent.
    NotDelivered,
}

/// The hop whose access rule (or security levels) stopped the walk.
fn access_drop(path: &Path) -> Option<usize> {
    let hop = path.hops.last()?;
    let dropped_by_access = path.end == End::Stopped
        && matches!(hop.trace.verdict, crate::eval::Verdict::Drop(d) if d.is_access_rule());
    dropped_by_access.then(|| path.hops.len() - 1)
}

/// A walk that did not reach its host: blocked by an access rule, or otherwise missed.
fn missed(path: &Path) -> Miss {
    match access_drop(path) {
        Some(hop) => Miss::Blocked { hop },
        None => Miss::NotDelivered,
    }
}

fn fails(miss: Miss, text: String) -> Verdict {
    Verdict::Fails(Problem { miss, text })
}

/// What a C→E flow needs: to reach LAN1 of the E node its peer designates (any E node's
/// LAN1 when the peer designates none), on the port C sent it to, and, in a
/// unified-communications zone, with C's own source address (and, for SIP, C's own
/// source port: E writes both into the Route header).
///
/// Two earlier definitions disagreed. MRA003 accepted LAN2 as well as LAN1; the change
/// review required LAN1. LAN1 won: it is what the rule's own documentation and the
/// deployment guides say, and a flow on LAN2 means the peer designates E's external
/// address, which MRA008 already reports, so MRA003 leaves [`Miss::OtherInterface`] to
/// it. MRA003 also required the port C sent to; the change review ignored the port.
/// The port won: E listens on its zone's port only, so such a flow fails the same way.
/// No existing output changes with these choices: no sample's C reaches LAN2, and the
/// one sample whose reflection translates the port (`mra-reflection-translates-port`)
/// is drawn in no change review or review comment; its MRA003 finding is unchanged.
pub fn of_traversal(
    deployment: &Deployment,
    network: &Network<'_>,
    flow: &Flow,
    path: &Path,
) -> Verdict {
    let zone = &deployment.zones[flow.zone];
    let e_name = flow
        .target
        .map_or(zone.peers[flow.peer].text.value.clone(), |e| {
            deployment.e.nodes[e].name.value.clone()
        });
    let needs_lan1 = || format!("MRA needs it delivered to {e_name} LAN1");
    if let Some(hop) = access_drop(path) {
        let miss = if demux_set_explains(deployment, network, flow) {
            Miss::DemuxPorts { hop }
        } else {
            Miss::Blocked { hop }
        };
        return fails(miss, needs_lan1());
    }
    let (e, interface) = match delivered_role(path, &network.hosts) {
        Some(Role::Lan1(e)) if flow.target.is_none_or(|t| t == e) => (e, Role::Lan1(e)),
        Some(Role::Lan2(e)) if flow.target.is_none_or(|t| t == e) => (e, Role::Lan2(e)),
        _ => return fails(Miss::NotDelivered, needs_lan1()),
    };
    let (sent, arrived) = (flow.packet, path.packet);
    if arrived.destination_port != sent.destination_port {
        let miss = Miss::OtherPort {
            hop: port_translating_hop(path),
            sent: sent.destination_port,
            arrived: arrived.destination_port,
        };
        let text = format!(
            "{} listens on port {}, not {}",
            deployment.e.nodes[e].name.value, sent.destination_port, arrived.destination_port
        );
        return fails(miss, text);
    }
    if interface != Role::Lan1(e) {
        return fails(Miss::OtherInterface, needs_lan1());
    }
    let uc = zone.zone_type.value == ZoneService::UnifiedCommunications;
    if uc && source_seen_differs(flow, path) {
        let miss = Miss::SourceTranslated {
            seen: arrived.source,
            seen_port: arrived.source_port,
        };
        let text = format!(
            "E sees the source {}:{} instead of {}:{}",
            arrived.source, arrived.source_port, sent.source, sent.source_port
        );
        return fails(miss, text);
    }
    Verdict::Meets
}

/// The first hop that translated the destination port (the last hop, when no single hop
/// shows it: the port then changed between hops).
fn port_translating_hop(path: &Path) -> usize {
    path.hops
        .iter()
        .position(|h| h.trace.output.destination_port != h.trace.input.destination_port)
        .unwrap_or(path.hops.len().saturating_sub(1))
}

/// Whether E sees another source than C sent: the address, or for SIP the port too
/// (also when a PAT hop may change it).
fn source_seen_differs(flow: &Flow, path: &Path) -> bool {
    let (sent, arrived) = (flow.packet, path.packet);
    let port_may_change = path.hops.iter().any(|h| h.trace.source_port_may_change);
    let address_changed = arrived.source != sent.source;
    let port_changed = flow.kind == FlowKind::SipTraversal
        && (arrived.source_port != sent.source_port || port_may_change);
    address_changed || port_changed
}

/// Whether a blocked media flow is explained by E's demux ports: the other documented
/// demux set gets through to E, so the firewall was opened for the wrong set.
fn demux_set_explains(deployment: &Deployment, network: &Network<'_>, flow: &Flow) -> bool {
    if flow.kind != FlowKind::MediaDemux {
        return false;
    }
    let gateway = deployment.c_nodes[flow.c_node]
        .gateway
        .as_ref()
        .map(|g| g.value);
    other_demux_set(deployment, flow.packet.destination_port)
        .into_iter()
        .all(|port| {
            let packet = Packet {
                destination_port: port,
                ..flow.packet
            };
            let path = network.walk(packet, gateway);
            matches!(
                delivered_role(&path, &network.hosts),
                Some(Role::Lan1(_) | Role::Lan2(_))
            )
        })
}

/// The interface internet flows must reach on an E node: its only one (LAN1) on single
/// NIC, its external one (LAN2) on dual NIC.
pub fn external_interface(deployment: &Deployment, e_node: usize) -> Role {
    match deployment.e.nic.value {
        Nic::Single => Role::Lan1(e_node),
        Nic::Dual => Role::Lan2(e_node),
    }
}

/// What an internet → E flow needs: to reach the E node's external interface.
pub fn of_internet(
    deployment: &Deployment,
    hosts: &[Host],
    flow: &InternetFlow,
    path: &Path,
) -> Verdict {
    let expected = external_interface(deployment, flow.e_node);
    if delivered_role(path, hosts) == Some(expected) {
        return Verdict::Meets;
    }
    let node = &deployment.e.nodes[flow.e_node];
    fails(
        missed(path),
        format!(
            "MRA needs it delivered to {}'s external interface",
            node.name.value
        ),
    )
}

/// What E's media hairpin needs: to come back to the sending node's LAN1 (B2BUA media
/// sent to E's own public address).
pub fn of_hairpin(deployment: &Deployment, hosts: &[Host], e_node: usize, path: &Path) -> Verdict {
    if delivered_role(path, hosts) == Some(Role::Lan1(e_node)) {
        return Verdict::Meets;
    }
    let node = &deployment.e.nodes[e_node];
    fails(
        missed(path),
        format!("B2BUA media needs it back on {} LAN1", node.name.value),
    )
}
