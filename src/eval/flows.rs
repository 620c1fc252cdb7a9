//! The flows MRA needs (design §5), built from the deployment and walked through the
//! modelled firewalls.

use std::net::Ipv4Addr;

use super::path::{Host, Network, Path, Role};
use super::Packet;
use crate::deployment::{Deployment, Size, ZoneType};
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

/// A flow and where it went.
#[derive(Clone, Debug)]
pub struct FlowResult {
    pub flow: Flow,
    pub path: Path,
}

impl FlowResult {
    /// The host the flow reached, if any.
    pub fn delivered_to(&self, network: &Network<'_>) -> Option<Role> {
        match self.path.end {
            super::path::End::Delivered(host) => Some(network.hosts[host].role),
            _ => None,
        }
    }
}

const SIP_SOURCE_PORT: u16 = 25000;
const TUNNEL_SOURCE_PORT: u16 = 30000;
const TURN_SOURCE_PORT: u16 = 40000;
const MEDIA_SOURCE_PORT: u16 = 36002;

/// The ports E listens on for multiplexed traversal media (design §5).
pub fn demux_ports(deployment: &Deployment) -> Vec<u16> {
    let (start, end) = deployment.e.media_ports;
    match (deployment.e.size.value, &deployment.e.demux_ports) {
        (Size::Large, _) => (start..=end).take(12).collect(),
        (_, Some(pair)) => vec![pair.value.0, pair.value.1],
        (_, None) => vec![start, start + 1],
    }
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

/// Every C→E flow of design §5.
pub fn traversal_flows(deployment: &Deployment) -> Vec<Flow> {
    let mut flows = Vec::new();
    for (c, node) in deployment.c_nodes.iter().enumerate() {
        for (z, zone) in deployment.zones.iter().enumerate() {
            let uc = zone.zone_type.value == ZoneType::UnifiedCommunications;
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

/// Walks every traversal flow through the network.
pub fn simulate_traversal(deployment: &Deployment, network: &Network<'_>) -> Vec<FlowResult> {
    traversal_flows(deployment)
        .into_iter()
        .map(|flow| {
            let gateway = deployment.c_nodes[flow.c_node]
                .gateway
                .as_ref()
                .map(|g| g.value);
            let path = network.walk(flow.packet, gateway);
            FlowResult { flow, path }
        })
        .collect()
}
