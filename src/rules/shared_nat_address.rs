use std::collections::BTreeMap;

use super::{declare_rule, flow_line, Context};
use crate::eval::path::Path;
use crate::finding::Finding;

declare_rule! {
    /// ## What it does
    /// Flags the NAT rule that makes Expressway-C share an address with Expressway-E:
    /// C's outbound traffic (a probe from each C node to the internet client on TCP 443)
    /// leaves with an E node's public address as its source, or a reflected C→E flow
    /// reaches E with E's own public address as its source (MRA001 then flags the same
    /// line). A dynamic NAT or PAT pool counts as every address it can hand out: the rule
    /// is flagged when any of them is an E public address.
    ///
    /// ## Why is this bad?
    /// Cisco does not support C and E behind one translated address: the firewall cannot
    /// tell their connections apart, and E cannot tell C's traversal connection from
    /// its own traffic. In TAC 212347 C's traffic was translated to exactly E's public
    /// address.
    ///
    /// ## Example
    /// ```text
    /// object network INSIDE-NET
    ///  nat (inside,outside) dynamic 64.100.0.10   ! E's static NAT address
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// object network INSIDE-NET
    ///  nat (inside,outside) dynamic interface
    /// ```
    ///
    /// ## References
    /// - Cisco Expressway Basic Configuration Deployment Guide, Prerequisites
    /// - Cisco Expressway Administrator Guide, Firewall traversal
    pub static RULE = {
        code: "MRA002",
        name: "shared-nat-address",
        severity: Error,
        summary: "Expressway-C is translated to an Expressway-E public address",
    };
}

/// The hop and NAT rule that set the path's source to `address`.
fn translating_rule(path: &Path, address: std::net::Ipv4Addr) -> Option<(usize, usize)> {
    path.hops.iter().find_map(|hop| {
        let t = &hop.trace;
        let into = t.output.source == address
            || t.source_pool
                .as_ref()
                .is_some_and(|p| p.contains(u32::from(address)));
        (into && t.input.source != address).then_some((hop.firewall, t.source_rule?))
    })
}

/// What a path's source is translated into, for a message: the address, or the pool.
fn translated_into(path: &Path) -> String {
    match path.source_pool() {
        Some(pool) => format!(
            "{} (translated into the pool {}; {} stands for any of its addresses)",
            path.packet,
            crate::model::addr::describe(pool),
            path.packet.source
        ),
        None => path.packet.to_string(),
    }
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some((deployment, _)) = cx.deployment() else {
        return;
    };
    let publics: Vec<(std::net::Ipv4Addr, &str)> = deployment
        .e
        .nodes
        .iter()
        .filter_map(|n| {
            n.static_nat
                .as_ref()
                .map(|s| (s.value, n.name.value.as_str()))
        })
        .collect();
    let nat_of = |e_name: &str| {
        deployment
            .e
            .nodes
            .iter()
            .find(|n| n.name.value == e_name)
            .and_then(|n| n.static_nat.as_ref())
    };
    // Any address C may be translated into: the source, or every address of its pool.
    let public_of = |path: &Path| {
        publics
            .iter()
            .find(|(a, _)| match path.source_pool() {
                Some(pool) => pool.contains(u32::from(*a)),
                None => *a == path.packet.source,
            })
            .copied()
    };
    let mut groups: BTreeMap<(usize, usize), (String, Vec<String>)> = BTreeMap::new();
    for probe in cx.outbound {
        let Some((address, e_name)) = public_of(&probe.path) else {
            continue;
        };
        if let Some(key) = translating_rule(&probe.path, address) {
            let c = &deployment.c_nodes[probe.node].name.value;
            let entry = groups
                .entry(key)
                .or_insert_with(|| (e_name.to_string(), Vec::new()));
            entry.1.push(format!(
                "outbound: {} from {c} leaves as {}",
                probe.packet,
                translated_into(&probe.path)
            ));
        }
    }
    for result in cx.traversal {
        let Some((address, e_name)) = public_of(&result.path) else {
            continue;
        };
        if let Some(key) = translating_rule(&result.path, address) {
            let entry = groups
                .entry(key)
                .or_insert_with(|| (e_name.to_string(), Vec::new()));
            entry.1.push(format!(
                "{} reaches E as {}",
                flow_line(cx, result),
                match result.path.source_pool() {
                    Some(pool) => format!(
                        "{} (translated into {})",
                        result.path.packet.endpoints(),
                        crate::model::addr::describe(pool)
                    ),
                    None => result.path.packet.endpoints(),
                }
            ));
        }
    }
    for ((firewall, rule), (e_name, notes)) in groups {
        let span = cx.project.firewalls[firewall].model.nat[rule].span;
        let public = publics
            .iter()
            .find(|(_, n)| *n == e_name)
            .map(|(a, _)| *a)
            .unwrap_or(std::net::Ipv4Addr::UNSPECIFIED);
        let rule = &cx.project.firewalls[firewall].model.nat[rule];
        let pool = match &rule.mapped_source {
            crate::model::Mapped::PatPool(p) => Some(p),
            crate::model::Mapped::Addresses(p) if p.size() > 1 => Some(p),
            _ => None,
        };
        let (title, label) = match pool {
            Some(p) => (
                format!(
                    "Expressway-C is translated into a pool that holds {e_name}'s public address {public}"
                ),
                format!(
                    "translates C's source into {}, which holds {public}",
                    crate::model::addr::describe(p)
                ),
            ),
            None => (
                format!("Expressway-C is translated to {e_name}'s public address {public}"),
                format!("translates C's source to {public}"),
            ),
        };
        let mut finding = RULE.finding(title, cx.at_config(firewall, span, label));
        if let Some(nat) = nat_of(&e_name) {
            finding =
                finding.with_related(cx.at_deployment(nat, format!("{e_name}'s public address")));
        }
        out.push(
            finding
            .with_notes(notes)
            .with_help("give Expressway-C its own translated address (or none toward E): C and E must never share a NAT address"),
        );
    }
}
