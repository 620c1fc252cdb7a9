//! A packet's walk across the modelled network: from a host to the firewall it sends
//! through, from firewall to firewall by next hop, to the host that owns the destination.

use std::net::Ipv4Addr;

use super::{simulate, Packet, Trace, Verdict};
use crate::model::Firewall;

/// A host the network delivers to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Host {
    /// e.g. `expe1 LAN1`.
    pub name: String,
    pub address: Ipv4Addr,
    pub role: Role,
}

/// What a host is in the deployment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// An Expressway-C node (index into the deployment's C nodes).
    ExpresswayC(usize),
    /// An Expressway-E node's LAN1 (internal, or the only one).
    Lan1(usize),
    /// An Expressway-E node's LAN2 (external, dual NIC).
    Lan2(usize),
}

/// The modelled network: firewalls and the hosts around them.
pub struct Network<'a> {
    pub firewalls: Vec<(&'a str, &'a Firewall)>,
    pub hosts: Vec<Host>,
}

/// One firewall crossed.
#[derive(Clone, Debug)]
pub struct Hop {
    /// Index into [`Network::firewalls`].
    pub firewall: usize,
    pub trace: Trace,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum End {
    /// Reached the host at this index of [`Network::hosts`].
    Delivered(usize),
    /// The last hop dropped it (or kept it: to-the-box).
    Stopped,
    /// Left the modelled network toward this next hop.
    Left(Ipv4Addr),
    /// No modelled firewall serves the sender.
    Unattached,
    /// The firewalls hand the packet around in a loop.
    Loop,
}

#[derive(Clone, Debug)]
pub struct Path {
    pub hops: Vec<Hop>,
    pub end: End,
    /// The packet as it arrives (or as it was when it stopped).
    pub packet: Packet,
}

impl Path {
    pub fn last_trace(&self) -> Option<&Trace> {
        self.hops.last().map(|h| &h.trace)
    }

    /// The addresses the final source may be when a hop translated it into a pool (and no
    /// later hop translated it again): `packet.source` is then one representative.
    pub fn source_pool(&self) -> Option<&crate::model::AddrSet> {
        for hop in self.hops.iter().rev() {
            if hop.trace.source_pool.is_some() {
                return hop.trace.source_pool.as_ref();
            }
            if hop.trace.output.source != hop.trace.input.source {
                return None;
            }
        }
        None
    }

    /// The final source as a reader should see it: the address, or "an address of POOL".
    pub fn describe_source(&self) -> String {
        match self.source_pool() {
            Some(pool) => format!("an address of {}", crate::model::addr::describe(pool)),
            None => self.packet.source.to_string(),
        }
    }
}

const MAX_HOPS: usize = 16;

impl Network<'_> {
    /// The firewall interfaces that own an address.
    fn interface_owning(&self, address: Ipv4Addr) -> Option<(usize, String)> {
        self.firewalls.iter().enumerate().find_map(|(i, (_, fw))| {
            fw.interface_owning(address)
                .map(|ifc| (i, ifc.name.clone()))
        })
    }

    /// The firewall interface a host on `address` sends through: the one owning its
    /// gateway, else the first interface whose subnet holds the host.
    fn attachment(&self, address: Ipv4Addr, gateway: Option<Ipv4Addr>) -> Option<(usize, String)> {
        if let Some(gateway) = gateway {
            return self.interface_owning(gateway);
        }
        self.firewalls.iter().enumerate().find_map(|(i, (_, fw))| {
            fw.interfaces
                .iter()
                .find(|ifc| !ifc.shutdown && ifc.connects(address))
                .map(|ifc| (i, ifc.name.clone()))
        })
    }

    fn host_owning(&self, address: Ipv4Addr) -> Option<usize> {
        self.hosts.iter().position(|h| h.address == address)
    }

    /// The firewall interface that owns an address, for callers that route by it.
    pub fn owner(&self, address: Ipv4Addr) -> Option<(usize, String)> {
        self.interface_owning(address)
    }

    /// Sends `packet` from the host at its source address (whose gateway, if known, is
    /// `gateway`) and follows it hop by hop.
    pub fn walk(&self, packet: Packet, gateway: Option<Ipv4Addr>) -> Path {
        let Some((firewall, ingress)) = self.attachment(packet.source, gateway) else {
            return Path {
                hops: Vec::new(),
                end: End::Unattached,
                packet,
            };
        };
        // A destination on the sender's own subnet is reached without a firewall.
        let on_link = self.firewalls[firewall]
            .1
            .interface(&ingress)
            .is_some_and(|i| i.connects(packet.destination));
        if on_link && gateway.is_none() {
            return Path {
                hops: Vec::new(),
                end: self.deliver(packet.destination, packet.destination),
                packet,
            };
        }
        self.walk_from(firewall, ingress, packet)
    }

    /// Follows `packet` from its arrival on `ingress` of the firewall at index `firewall`.
    pub fn walk_from(&self, mut firewall: usize, mut ingress: String, packet: Packet) -> Path {
        let mut path = Path {
            hops: Vec::new(),
            end: End::Unattached,
            packet,
        };
        let mut current = packet;
        for _ in 0..MAX_HOPS {
            let trace = simulate(self.firewalls[firewall].1, &ingress, current);
            let verdict = trace.verdict.clone();
            let next_hop = trace.next_hop;
            current = trace.output;
            path.packet = current;
            path.hops.push(Hop { firewall, trace });
            let (Verdict::Allow, Some(next_hop)) = (verdict, next_hop) else {
                path.end = End::Stopped;
                return path;
            };
            match self.interface_owning(next_hop) {
                Some((next, next_ingress)) if next != firewall => {
                    firewall = next;
                    ingress = next_ingress;
                }
                _ => {
                    path.end = self.deliver(next_hop, current.destination);
                    return path;
                }
            }
        }
        path.end = End::Loop;
        path
    }

    fn deliver(&self, next_hop: Ipv4Addr, destination: Ipv4Addr) -> End {
        match self.host_owning(destination) {
            Some(host) if next_hop == destination => End::Delivered(host),
            _ => End::Left(next_hop),
        }
    }
}
