//! NAT rule matching and translation
//! (docs/asa-semantics.md#22-nat-selection-three-sections-two-lookups to
//! #24-matching-a-rule-and-the-nat-rpf-check).

use std::net::Ipv4Addr;

use super::Packet;
use crate::model::addr::{self, IntervalSet};
use crate::model::{Firewall, Interface, Mapped, MappedDestination, NatRule, PortTranslation};
use crate::syntax::ast::NatKind;

/// What the destination (un-NAT) lookup found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnNat {
    /// Index of the rule in the NAT table.
    pub rule: usize,
    /// The packet with its destination (and, for a twice rule, source) untranslated.
    pub packet: Packet,
    /// The interface the rule diverts to; `None` means a route lookup decides.
    pub divert: Option<String>,
    /// The rule matched forward (twice NAT with `destination static`), so it also
    /// translates the source.
    pub forward: bool,
}

/// How a source translation changed a packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceXlate {
    pub packet: Packet,
    /// PAT: the ASA keeps the real port when it is free, but may pick another.
    pub port_may_change: bool,
    /// `Static` or `Dynamic`, as packet-tracer words it.
    pub how: &'static str,
    /// Dynamic NAT or PAT to a pool: every address the rule can hand out (the pool, plus
    /// the interface address with interface fallback). `packet.source` is one of them, a
    /// representative.
    pub pool: Option<IntervalSet>,
}

fn interface_matches(rule_side: &Option<String>, interface: &str) -> bool {
    rule_side
        .as_deref()
        .is_none_or(|r| r.eq_ignore_ascii_case(interface))
}

/// The element of `to` at the position `value` has in `from` (wrapping when `to` is smaller).
fn image(from: &IntervalSet, to: &IntervalSet, value: u32) -> Option<u32> {
    let index = from.index_of(value)?;
    let size = to.size();
    (size > 0).then(|| to.nth(index % size)).flatten()
}

fn port_image(from: &IntervalSet, to: &IntervalSet, port: u16) -> Option<u16> {
    image(from, to, u32::from(port)).map(|p| p as u16)
}

fn interface_address(firewall: &Firewall, name: &Option<String>) -> Option<Ipv4Addr> {
    firewall.interface(name.as_deref()?)?.address
}

/// The addresses a rule's mapped source stands for (for reverse matching).
fn mapped_addresses(firewall: &Firewall, rule: &NatRule) -> IntervalSet {
    match &rule.mapped_source {
        Mapped::Addresses(set) | Mapped::PatPool(set) => set.clone(),
        Mapped::Interface => interface_address(firewall, &rule.mapped_interface)
            .map(addr::host)
            .unwrap_or_default(),
    }
}

fn mapped_destination(
    firewall: &Firewall,
    rule: &NatRule,
    mapped: &MappedDestination,
) -> IntervalSet {
    match mapped {
        MappedDestination::Addresses(set) => set.clone(),
        MappedDestination::Interface => interface_address(firewall, &rule.real_interface)
            .map(addr::host)
            .unwrap_or_default(),
    }
}

/// Ports in the forward direction: the packet's source is the rule's real source.
fn forward_ports(ports: &Option<PortTranslation>, packet: &Packet) -> Option<(u16, u16)> {
    let Some(ports) = ports else {
        return Some((packet.source_port, packet.destination_port));
    };
    if !ports.protocols.contains(&packet.protocol) {
        return None;
    }
    let source = match &ports.source {
        Some((original, translated)) => port_image(original, translated, packet.source_port)?,
        None => packet.source_port,
    };
    let destination = match &ports.destination {
        Some((original, translated)) => port_image(original, translated, packet.destination_port)?,
        None => packet.destination_port,
    };
    Some((source, destination))
}

/// Ports in the reverse direction: the packet's destination is the rule's real source.
fn reverse_ports(ports: &Option<PortTranslation>, packet: &Packet) -> Option<(u16, u16)> {
    let Some(ports) = ports else {
        return Some((packet.source_port, packet.destination_port));
    };
    if !ports.protocols.contains(&packet.protocol) {
        return None;
    }
    let destination = match &ports.source {
        Some((original, translated)) => port_image(translated, original, packet.destination_port)?,
        None => packet.destination_port,
    };
    let source = match &ports.destination {
        Some((original, translated)) => port_image(translated, original, packet.source_port)?,
        None => packet.source_port,
    };
    Some((source, destination))
}

/// Reverse match of a static rule: the packet is addressed to the rule's mapped source.
/// A `unidirectional` rule is not matched by a new connection from the mapped side.
pub fn reverse_match(
    firewall: &Firewall,
    index: usize,
    ingress: &Interface,
    packet: &Packet,
) -> Option<UnNat> {
    if firewall.nat[index].unidirectional {
        return None;
    }
    reverse_match_any(firewall, index, ingress, packet)
}

/// Reverse match of a static rule, `unidirectional` or not: the reply of a connection the
/// real side opened still matches a unidirectional rule
/// (docs/asa-semantics.md#23-rule-kinds: the keyword only stops connections initiated from
/// the mapped side).
pub fn reverse_match_any(
    firewall: &Firewall,
    index: usize,
    ingress: &Interface,
    packet: &Packet,
) -> Option<UnNat> {
    let rule = &firewall.nat[index];
    if rule.kind != NatKind::Static || matches!(rule.mapped_source, Mapped::PatPool(_)) {
        return None;
    }
    if !interface_matches(&rule.mapped_interface, &ingress.name) {
        return None;
    }
    let mapped = mapped_addresses(firewall, rule);
    let destination = image(&mapped, &rule.real_source, u32::from(packet.destination))?;
    let source = match &rule.destination {
        Some((mapped_dst, real_dst)) => {
            let mapped_dst = mapped_destination(firewall, rule, mapped_dst);
            image(real_dst, &mapped_dst, u32::from(packet.source))?
        }
        None => u32::from(packet.source),
    };
    let (source_port, destination_port) = reverse_ports(&rule.ports, packet)?;
    Some(UnNat {
        rule: index,
        packet: Packet {
            source: Ipv4Addr::from(source),
            source_port,
            destination: Ipv4Addr::from(destination),
            destination_port,
            ..*packet
        },
        divert: (!rule.route_lookup)
            .then(|| rule.real_interface.clone())
            .flatten(),
        forward: false,
    })
}

/// Forward match of a twice rule with `destination static`: the packet comes from the
/// real source to the mapped destination.
pub fn forward_destination_match(
    firewall: &Firewall,
    index: usize,
    ingress: &Interface,
    packet: &Packet,
) -> Option<UnNat> {
    let rule = &firewall.nat[index];
    let (mapped_dst, real_dst) = rule.destination.as_ref()?;
    if !interface_matches(&rule.real_interface, &ingress.name)
        || !rule.real_source.contains(u32::from(packet.source))
    {
        return None;
    }
    let mapped_dst = mapped_destination(firewall, rule, mapped_dst);
    let destination = image(&mapped_dst, real_dst, u32::from(packet.destination))?;
    let (_, destination_port) = forward_ports(&rule.ports, packet)?;
    Some(UnNat {
        rule: index,
        packet: Packet {
            destination: Ipv4Addr::from(destination),
            destination_port,
            ..*packet
        },
        divert: (!rule.route_lookup)
            .then(|| rule.mapped_interface.clone())
            .flatten(),
        forward: true,
    })
}

/// Whether a rule matches the packet forward, for the source lookup: ingress on the
/// real side, egress on the mapped side, real source, and (twice NAT) the original
/// destination in the mapped destination.
pub fn forward_match(
    firewall: &Firewall,
    rule: &NatRule,
    ingress: &str,
    egress: &str,
    packet: &Packet,
) -> bool {
    interface_matches(&rule.real_interface, ingress)
        && interface_matches(&rule.mapped_interface, egress)
        && rule.real_source.contains(u32::from(packet.source))
        && rule.destination.as_ref().is_none_or(|(mapped, _)| {
            mapped_destination(firewall, rule, mapped).contains(u32::from(packet.destination))
        })
        && forward_ports(&rule.ports, packet).is_some()
}

/// The first rule in table order that matches the packet forward.
pub fn source_lookup(
    firewall: &Firewall,
    ingress: &str,
    egress: &str,
    packet: &Packet,
) -> Option<usize> {
    firewall
        .nat
        .iter()
        .position(|rule| forward_match(firewall, rule, ingress, egress, packet))
}

/// Translates the source of `packet` (as received) by `rule` leaving through `egress`.
pub fn translate_source(
    firewall: &Firewall,
    rule: &NatRule,
    egress: &str,
    packet: &Packet,
) -> Option<SourceXlate> {
    let (source_port, _) = forward_ports(&rule.ports, packet)?;
    let real = u32::from(packet.source);
    let egress_address = || {
        let named = rule.mapped_interface.as_deref().unwrap_or(egress);
        firewall.interface(named).and_then(|i| i.address)
    };
    let pool_of = |pool: &IntervalSet| {
        let mut all = pool.clone();
        if rule.interface_fallback {
            if let Some(own) = egress_address() {
                all = all.union(&addr::host(own));
            }
        }
        (all.size() > 1).then_some(all)
    };
    let (source, pat, how, pool) = match (&rule.mapped_source, rule.kind) {
        (Mapped::Addresses(mapped), NatKind::Static) => (
            Ipv4Addr::from(image(&rule.real_source, mapped, real)?),
            false,
            "Static",
            None,
        ),
        (Mapped::Interface, NatKind::Static) => (egress_address()?, false, "Static", None),
        (Mapped::Addresses(pool), NatKind::Dynamic) => {
            // A single mapped address is PAT; a larger pool is dynamic NAT, represented by
            // its first address.
            (
                Ipv4Addr::from(pool.first()?),
                pool.size() == 1,
                "Dynamic",
                pool_of(pool),
            )
        }
        (Mapped::PatPool(pool), _) => (
            Ipv4Addr::from(pool.first()?),
            true,
            "Dynamic",
            pool_of(pool),
        ),
        (Mapped::Interface, NatKind::Dynamic) => (egress_address()?, true, "Dynamic", None),
    };
    Some(SourceXlate {
        packet: Packet {
            source,
            source_port,
            ..*packet
        },
        port_may_change: pat,
        how,
        pool,
    })
}

/// Whether `destination` is an address only a dynamic rule or a port-translating static
/// rule maps to, so that a new connection to it is dropped (`nat-no-xlate-to-pat-pool`,
/// docs/asa-semantics.md#28-mapped-addresses-nothing-untranslates). Gives the rule's index.
pub fn pat_address_rule(
    firewall: &Firewall,
    ingress: &Interface,
    destination: Ipv4Addr,
) -> Option<usize> {
    firewall.nat.iter().position(|rule| {
        let aimed = match (&rule.mapped_source, rule.kind) {
            (Mapped::PatPool(pool), _) => pool.contains(u32::from(destination)),
            (Mapped::Addresses(pool), NatKind::Dynamic) => pool.contains(u32::from(destination)),
            (Mapped::Addresses(mapped), NatKind::Static) => {
                rule.ports.is_some() && mapped.contains(u32::from(destination))
            }
            _ => false,
        };
        aimed && interface_matches(&rule.mapped_interface, &ingress.name)
    })
}
