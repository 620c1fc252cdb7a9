//! The flow catalogue: every flow MRA needs (docs/flows.md), built from the deployment, and
//! the network of hosts it runs between. A new flow kind starts here; what it needs is
//! judged in [`super::verdict`].

use std::net::Ipv4Addr;

use crate::deployment::{Deployment, Nic, Size, ZoneService};
use crate::eval::path::{Host, Network, Role};
use crate::eval::Packet;
use crate::model::Firewall;

/// What a flow carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FlowKind {
    SipTraversal,
    SshTunnels,
    Xmpp,
    TurnControl,
    MediaDemux,
}

impl FlowKind {
    pub fn label(self) -> &'static str {
        match self {
            FlowKind::SipTraversal => "SIP traversal",
            FlowKind::SshTunnels => "SSH tunnels",
            FlowKind::Xmpp => "XMPP/XCP",
            FlowKind::TurnControl => "TURN control",
            FlowKind::MediaDemux => "media demux",
        }
    }
}

/// One C→E flow: from a C node, for a zone and one of its peers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flow {
    pub kind: FlowKind,
    pub c_node: usize,
    pub zone: usize,
    pub peer: usize,
    pub packet: Packet,
    /// The E node the peer address designates (its LAN1, LAN2 or static NAT address).
    pub target: Option<usize>,
}

const SIP_SOURCE_PORT: u16 = 25000;
const TUNNEL_SOURCE_PORT: u16 = 30000;
const TURN_SOURCE_PORT: u16 = 40000;
const MEDIA_SOURCE_PORT: u16 = 36002;

/// The ports E listens on for multiplexed traversal media (docs/flows.md). When the system
/// size is not given (dumps do not hold it), the ports of both a small/medium and a
/// large system.
pub fn demux_ports(deployment: &Deployment) -> Vec<u16> {
    let small_medium = small_medium_demux_ports(deployment);
    let large = large_demux_ports(deployment);
    match (deployment.e.size_given, deployment.e.size.value) {
        (false, _) => {
            let extra: Vec<u16> = large
                .into_iter()
                .filter(|p| !small_medium.contains(p))
                .collect();
            [small_medium, extra].concat()
        }
        (true, Size::Large) => large,
        (true, _) => small_medium,
    }
}

/// The demux pair of a small or medium E: its configured pair, else the first pair of
/// its media range.
pub fn small_medium_demux_ports(deployment: &Deployment) -> Vec<u16> {
    let (start, _) = deployment.e.media_ports;
    match &deployment.e.demux_ports {
        Some(pair) => vec![pair.value.0, pair.value.1],
        None => vec![start, start + 1],
    }
}

/// The demux ports of a large E: the first 12 ports of its media range.
pub fn large_demux_ports(deployment: &Deployment) -> Vec<u16> {
    let (start, end) = deployment.e.media_ports;
    (start..=end).take(12).collect()
}

/// TURN ports E listens on: 3478, or 3478–3483 on a large system.
pub fn turn_ports(deployment: &Deployment) -> Vec<u16> {
    match deployment.e.size.value {
        Size::Large => (3478..=3483).collect(),
        _ => vec![3478],
    }
}

/// The E node that owns an address (LAN1, LAN2 or static NAT).
pub fn e_node_for(deployment: &Deployment, address: Ipv4Addr) -> Option<usize> {
    deployment.e.nodes.iter().position(|n| {
        n.lan1.value.address == address
            || n.lan2.as_ref().is_some_and(|l| l.value.address == address)
            || n.static_nat.as_ref().is_some_and(|s| s.value == address)
    })
}

/// Every C→E flow of docs/flows.md#flows-from-expressway-c-to-expressway-e.
pub fn traversal_flows(deployment: &Deployment) -> Vec<Flow> {
    let mut flows = Vec::new();
    for (c, node) in deployment.c_nodes.iter().enumerate() {
        for (z, zone) in deployment.zones.iter().enumerate() {
            let uc = zone.zone_type.value == ZoneService::UnifiedCommunications;
            for (p, peer) in zone.peers.iter().enumerate() {
                let mut add = |kind: FlowKind, protocol: u8, source_port: u16, port: u16| {
                    flows.push(Flow {
                        kind,
                        c_node: c,
                        zone: z,
                        peer: p,
                        packet: Packet::new(
                            protocol,
                            node.address.value,
                            source_port,
                            peer.address,
                            port,
                        ),
                        target: e_node_for(deployment, peer.address),
                    })
                };
                add(FlowKind::SipTraversal, 6, SIP_SOURCE_PORT, zone.port.value);
                if uc {
                    add(FlowKind::SshTunnels, 6, TUNNEL_SOURCE_PORT, 2222);
                }
                if uc && deployment.im_presence {
                    add(FlowKind::Xmpp, 6, TUNNEL_SOURCE_PORT, 7400);
                }
                if deployment.turn {
                    for port in turn_ports(deployment) {
                        add(FlowKind::TurnControl, 17, TURN_SOURCE_PORT, port);
                        add(FlowKind::TurnControl, 6, TURN_SOURCE_PORT, port);
                    }
                }
                for port in demux_ports(deployment) {
                    add(FlowKind::MediaDemux, 17, MEDIA_SOURCE_PORT, port);
                }
            }
        }
    }
    flows
}

/// The hosts of the deployment: C nodes and E interfaces.
pub fn hosts(deployment: &Deployment) -> Vec<Host> {
    let mut hosts: Vec<Host> = deployment
        .c_nodes
        .iter()
        .enumerate()
        .map(|(i, n)| Host {
            name: n.name.value.clone(),
            address: n.address.value,
            role: Role::ExpresswayC(i),
        })
        .collect();
    for (i, node) in deployment.e.nodes.iter().enumerate() {
        hosts.push(Host {
            name: format!("{} LAN1", node.name.value),
            address: node.lan1.value.address,
            role: Role::Lan1(i),
        });
        if let Some(lan2) = &node.lan2 {
            hosts.push(Host {
                name: format!("{} LAN2", node.name.value),
                address: lan2.value.address,
                role: Role::Lan2(i),
            });
        }
    }
    hosts
}

/// The network of a deployment over its firewalls (in deployment order).
pub fn network<'a>(
    deployment: &Deployment,
    firewalls: Vec<(&'a str, &'a Firewall)>,
) -> Network<'a> {
    Network {
        firewalls,
        hosts: hosts(deployment),
    }
}

/// A flow from the internet to an E node's public address (docs/flows.md).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InternetFlow {
    pub service: &'static str,
    pub e_node: usize,
    pub packet: Packet,
}

/// Where internet traffic enters, when the deployment does not say: the one interface
/// carrying a default route whose next hop is not a modelled firewall or Expressway.
pub fn internet_entry(
    deployment: &Deployment,
    network: &Network<'_>,
) -> Result<(usize, String), String> {
    if let Some((firewall, interface)) = &deployment.internet {
        let index = network
            .firewalls
            .iter()
            .position(|(name, _)| *name == firewall.value)
            .ok_or_else(|| {
                format!(
                    "`internet.firewall` names `{}`, which is not in `firewalls`",
                    firewall.value
                )
            })?;
        let fw = network.firewalls[index].1;
        return match fw.interface(&interface.value) {
            Some(i) => Ok((index, i.name.clone())),
            None => Err(format!(
                "`internet.interface`: `{}` has no interface `{}`",
                firewall.value, interface.value
            )),
        };
    }
    let mut candidates = internet_candidates(network);
    match candidates.len() {
        1 => Ok(candidates.remove(0)),
        0 => Err("no modelled firewall has a default route toward the internet: set `internet: { firewall, interface }`".into()),
        _ => Err(format!(
            "{} interfaces carry a default route toward the internet: set `internet: {{ firewall, interface }}`",
            candidates.len()
        )),
    }
}

/// The interfaces carrying a default route whose next hop is not a modelled firewall or
/// Expressway: where internet traffic may enter.
pub fn internet_candidates(network: &Network<'_>) -> Vec<(usize, String)> {
    let mut candidates: Vec<(usize, String)> = Vec::new();
    for (index, (_, fw)) in network.firewalls.iter().enumerate() {
        for route in fw.routes.iter().filter(|r| r.prefix == 0) {
            let Some(gateway) = route.gateway else {
                continue;
            };
            let internal = network.owner(gateway).is_some()
                || network.hosts.iter().any(|h| h.address == gateway);
            let entry = (index, route.interface.clone());
            if !internal && !candidates.contains(&entry) {
                candidates.push(entry);
            }
        }
    }
    candidates
}

/// The address internet clients send to for an E node: its static NAT address, or its
/// external interface when it has none or when the public NAT happens outside the
/// modelled firewalls (`external_nat`).
pub fn public_address(deployment: &Deployment, e_node: usize) -> Ipv4Addr {
    let node = &deployment.e.nodes[e_node];
    match (&node.static_nat, deployment.e.external_nat) {
        (Some(nat), false) => nat.value,
        _ => node.external().value.address,
    }
}

/// The internet client's address: the deployment's, or a documentation address.
pub fn internet_client(deployment: &Deployment) -> Ipv4Addr {
    deployment
        .internet_client
        .as_ref()
        .map_or(Ipv4Addr::new(198, 51, 100, 7), |c| c.value)
}

const CLIENT_PORT: u16 = 40000;

/// The internet → E flows of docs/flows.md#flows-from-the-internet.
pub fn internet_flows(deployment: &Deployment) -> Vec<InternetFlow> {
    let client = internet_client(deployment);
    let uc = has_uc_zone(deployment);
    let (m0, m1) = deployment.e.media_ports;
    let reserved = if deployment.e.size.value == Size::Large {
        12
    } else {
        2
    };
    let media_start = m0.saturating_add(reserved).min(m1);
    let (r0, r1) = deployment.turn_relays;
    let mut flows = Vec::new();
    for e in 0..deployment.e.nodes.len() {
        let public = public_address(deployment, e);
        let mut add = |service: &'static str, protocol: u8, port: u16| {
            flows.push(InternetFlow {
                service,
                e_node: e,
                packet: Packet::new(protocol, client, CLIENT_PORT, public, port),
            })
        };
        add("SIP TLS", 6, 5061);
        if uc {
            add("MRA HTTPS", 6, 8443);
            if deployment.im_presence {
                add("XMPP", 6, 5222);
            }
        }
        for port in [media_start, media_start + (m1 - media_start) / 2, m1] {
            add("media", 17, port);
        }
        if deployment.turn {
            for port in turn_ports(deployment) {
                add("TURN", 17, port);
                add("TURN", 6, port);
            }
            for port in [r0, r0 + (r1 - r0) / 2, r1] {
                add("TURN relay", 17, port);
            }
        }
    }
    flows.dedup();
    flows
}

/// Whether the deployment has a unified-communications zone (the MRA zone).
pub fn has_uc_zone(deployment: &Deployment) -> bool {
    deployment
        .zones
        .iter()
        .any(|z| z.zone_type.value == ZoneService::UnifiedCommunications)
}

/// A single-packet probe from one node (E's media hairpin, C's outbound probe).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Probe {
    /// The E node (hairpin) or C node (outbound) that sends it.
    pub node: usize,
    pub packet: Packet,
    /// Where the node sends it: its gateway, when the deployment gives one.
    pub gateway: Option<Ipv4Addr>,
}

/// E's media hairpin (single NIC with static NAT, unified-communications zones): UDP from
/// LAN1:36002 to the node's own static NAT address:36004.
pub fn hairpin_probes(deployment: &Deployment) -> Vec<Probe> {
    if deployment.e.nic.value != Nic::Single
        || !has_uc_zone(deployment)
        || deployment.e.external_nat
    {
        return Vec::new();
    }
    deployment
        .e
        .nodes
        .iter()
        .enumerate()
        .filter_map(|(e, node)| {
            let nat = node.static_nat.as_ref()?;
            Some(Probe {
                node: e,
                packet: Packet::new(17, node.lan1.value.address, 36002, nat.value, 36004),
                gateway: node.gateway.as_ref().map(|g| g.value),
            })
        })
        .collect()
}

/// C's outbound probe: TCP from each C node to the internet client's 443.
pub fn outbound_probes(deployment: &Deployment) -> Vec<Probe> {
    let client = internet_client(deployment);
    deployment
        .c_nodes
        .iter()
        .enumerate()
        .map(|(c, node)| Probe {
            node: c,
            packet: Packet::new(6, node.address.value, CLIENT_PORT, client, 443),
            gateway: node.gateway.as_ref().map(|g| g.value),
        })
        .collect()
}

/// Whether a demux port is one only a large system uses, while the size is unknown.
pub fn large_only_demux_port(deployment: &Deployment, port: u16) -> bool {
    !deployment.e.size_given && !small_medium_demux_ports(deployment).contains(&port)
}

/// The documented demux set E does not use for this port: 2776/2777, or the first pair
/// of the range; with the size unknown, the small/medium set for a port only a large
/// system uses.
pub fn other_demux_set(deployment: &Deployment, port: u16) -> Vec<u16> {
    let e = &deployment.e;
    let (m0, _) = e.media_ports;
    if large_only_demux_port(deployment, port) {
        return small_medium_demux_ports(deployment);
    }
    match (e.size_given && e.size.value == Size::Large, &e.demux_ports) {
        (true, _) | (_, None) => vec![2776, 2777],
        (_, Some(_)) => vec![m0, m0 + 1],
    }
}
