use std::net::Ipv4Addr;

use super::{declare_rule, Context};
use crate::finding::Finding;
use crate::model::addr::IntervalSet;
use crate::model::{Firewall, Mapped, MappedDestination, NatRule};
use crate::syntax::ast::NatKind;

declare_rule! {
    /// ## What it does
    /// Compares the static NAT of Expressway-E on the modelled firewalls with the
    /// *IPv4 static NAT address* configured on E (`static_nat`): a static NAT, static
    /// PAT or twice-NAT reflection that maps E's external address to another address; a
    /// mapping while E has no `static_nat`; a `static_nat` no modelled firewall maps to
    /// (unless `external_nat: true` says a device outside the model does it). Also flags
    /// an Expressway-C node behind a static NAT.
    ///
    /// ## Why is this bad?
    /// Static NAT mode makes E write its static NAT address into SIP and SDP. If that is
    /// not the address the firewall really maps to E, endpoints send signalling and
    /// media to the wrong place: one-way or no media. Cisco does not support Expressway-C
    /// in a static-NAT DMZ.
    ///
    /// ## Example
    /// ```text
    /// object network EXPE
    ///  host 10.0.10.2
    ///  nat (dmz,outside) static 64.100.0.11     ! E says 64.100.0.10
    /// ```
    ///
    /// ## Use instead
    /// ```text
    ///  nat (dmz,outside) static 64.100.0.10
    /// ```
    ///
    /// ## References
    /// - Cisco Expressway Administrator Guide, Network and system settings (static NAT)
    /// - Cisco Expressway Basic Configuration Deployment Guide, Firewall and NAT settings
    pub static RULE = {
        code: "MRA005",
        name: "static-nat-mismatch",
        severity: Error,
        summary: "E's static NAT on the firewall and E's static_nat disagree, or C is statically NATed",
    };
}

fn image(from: &IntervalSet, to: &IntervalSet, value: u32) -> Option<Ipv4Addr> {
    let index = from.index_of(value)?;
    let size = to.size();
    (size > 0)
        .then(|| to.nth(index % size))
        .flatten()
        .map(Ipv4Addr::from)
}

/// What a static rule maps `address` to, when it maps it to something else.
fn static_image(firewall: &Firewall, rule: &NatRule, address: Ipv4Addr) -> Option<Ipv4Addr> {
    if rule.kind != NatKind::Static {
        return None;
    }
    let a = u32::from(address);
    let mapped = if rule.real_source.contains(a) {
        match &rule.mapped_source {
            Mapped::Addresses(m) => image(&rule.real_source, m, a),
            Mapped::Interface => {
                firewall
                    .interface(rule.mapped_interface.as_deref()?)?
                    .address
            }
            Mapped::PatPool(_) => None,
        }
    } else {
        match &rule.destination {
            Some((MappedDestination::Addresses(m), real)) if real.contains(a) => image(real, m, a),
            _ => None,
        }
    };
    mapped.filter(|m| *m != address)
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some((deployment, _)) = cx.deployment() else {
        return;
    };
    let e = &deployment.e;
    for node in &e.nodes {
        let external = node.external().value.address;
        let mut mapped_as_configured = false;
        for (index, input) in cx.project.firewalls.iter().enumerate() {
            for rule in &input.model.nat {
                let Some(mapped) = static_image(&input.model, rule, external) else {
                    continue;
                };
                match &node.static_nat {
                    Some(nat) if nat.value == mapped => mapped_as_configured = true,
                    _ if e.external_nat => {}
                    Some(nat) => out.push(
                        RULE.finding(
                            format!("this NAT maps {} {external} to {mapped}, but E's static NAT address is {}", node.name.value, nat.value),
                            cx.at_config(index, rule.span, format!("maps E to {mapped}")),
                        )
                        .with_related(cx.at_deployment(nat, "E advertises this address in SIP and SDP"))
                        .with_help(format!("map E to {} on the firewall, or set E's IPv4 static NAT address (and `static_nat`) to {mapped}", nat.value)),
                    ),
                    None => out.push(
                        RULE.finding(
                            format!("this NAT maps {} {external} to {mapped}, but E has no static NAT address", node.name.value),
                            cx.at_config(index, rule.span, format!("maps E to {mapped}")),
                        )
                        .with_related(cx.at_deployment(&node.name, if node.name.file.is_some() { "static NAT off on its external interface" } else { "no `static_nat`" }))
                        .with_help(format!("turn on IPv4 static NAT mode on E's external interface with address {mapped}, and set `static_nat: {mapped}`: otherwise E advertises its private address")),
                    ),
                }
            }
        }
        if let (Some(nat), false, false) = (&node.static_nat, mapped_as_configured, e.external_nat)
        {
            out.push(
                RULE.finding(
                    format!("no modelled firewall maps {} to {}'s static NAT address {}", external, node.name.value, nat.value),
                    cx.at_deployment(nat, "nothing maps this address to E"),
                )
                .with_help("add the static NAT on the firewall that faces the internet (e.g. `object network EXPE` / ` nat (dmz,outside) static ADDRESS`), or set `external_nat: true` when another device does it"),
            );
        }
    }
    for node in &deployment.c_nodes {
        for (index, input) in cx.project.firewalls.iter().enumerate() {
            for rule in &input.model.nat {
                if rule.real_source.contains(u32::from(node.address.value)) {
                    if let Some(mapped) = static_image(&input.model, rule, node.address.value) {
                        out.push(
                            RULE.finding(
                                format!("Expressway-C {} is statically NATed to {mapped}", node.name.value),
                                cx.at_config(index, rule.span, "static NAT of Expressway-C"),
                            )
                            .with_related(cx.at_deployment(&node.address, "Expressway-C"))
                            .with_help("Cisco does not support Expressway-C behind static NAT: remove the static mapping of C (use PAT for its outbound traffic)"),
                        );
                    }
                }
            }
        }
    }
}
