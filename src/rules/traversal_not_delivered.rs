use super::{
    declare_rule, flow_line, group_by, group_for, object_for, path_outcome, with_peers, Context,
};
use crate::deployment::At;
use crate::mra::{FlowResult, Miss};
use crate::eval::path::End;
use crate::eval::{nat, Drop, PhaseKind, Verdict};
use crate::finding::Finding;
use crate::source::Span;
use crate::syntax::ast::NatKind;

declare_rule! {
    /// ## What it does
    /// Simulates every Expressway-C → Expressway-E flow through every modelled firewall
    /// and flags the ones that never reach the internal address (LAN1) of the E node the
    /// traversal peer designates: no NAT reflection for a public peer address, routed
    /// away from E, dropped by NAT (a PAT or port-static address) or by a U-turn that is
    /// not permitted, addressed to the firewall itself, or sent from a C node no
    /// modelled firewall serves; or delivered to E's address on another port than C sent
    /// it to (a `service` clause on the reflection rule), since E listens on its zone's
    /// port. Names the cause: a reflection rule whose source group lacks a C node (once
    /// for the cluster), a NAT rule above the reflection rule that wins the connection,
    /// an identity rule that pins the egress (`route-lookup`). Access-list denials are
    /// MRA004's.
    ///
    /// ## Why is this bad?
    /// Expressway-C opens every traversal connection. If its packets never reach E, the
    /// traversal zone never becomes Active (SIP), SSH tunnels stay down (Jabber sign-in
    /// fails with 502 Next Hop Connection Failed), or calls have no media.
    ///
    /// ## Example
    /// Single-NIC E with static NAT, C pointed at the public address, but the static NAT
    /// maps that address only toward the internet:
    /// ```text
    /// object network EXPE
    ///  host 10.0.10.2
    ///  nat (dmz,outside) static 64.100.0.10
    /// ```
    ///
    /// ## Use instead
    /// Add destination-only reflection for traffic from the inside:
    /// ```text
    /// nat (inside,dmz) source static EXPC EXPC destination static EXPE-PUBLIC EXPE
    /// ```
    /// or use dual NIC and point C at LAN1.
    ///
    /// ## References
    /// - Cisco Expressway Basic Configuration Deployment Guide, Advanced networking deployments
    /// - Cisco TAC 212392, Configure NAT reflection on the ASA for TelePresence
    /// - docs/asa-semantics.md#27-hairpin-u-turn-and-reflection (hairpin, U-turn,
    ///   reflection)
    pub static RULE = {
        code: "MRA003",
        name: "traversal-not-delivered",
        severity: Error,
        summary: "a C→E flow never reaches E's internal address (LAN1)",
    };
}

/// Where a flow that missed E went wrong, and how to say it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Cause {
    firewall: Option<usize>,
    span: Span,
    /// Without a firewall: the dump the deployment value comes from, if any.
    file: Option<crate::source::FileId>,
    label: String,
    help: String,
    /// Delivered to E's address, but on another port: (sent to, arrived on).
    port: Option<(u16, u16)>,
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some((deployment, _)) = cx.deployment() else {
        return;
    };
    let missed = cx.traversal.iter().filter_map(|result| {
        // A peer that designates no E node is MRA008's.
        result.flow.target?;
        let cause = match result.verdict.miss()? {
            Miss::NotDelivered => cause(cx, result),
            Miss::OtherPort { hop, .. } => port_cause(cx, result, *hop),
            // Access rules are MRA004's (and MRA010's, for demux ports); E's LAN2 is
            // reached through a peer that MRA008 reports; the source is MRA001's.
            Miss::Blocked { .. }
            | Miss::DemuxPorts { .. }
            | Miss::OtherInterface
            | Miss::SourceTranslated { .. } => None,
        };
        cause.map(|c| (c, result))
    });
    for (cause, results) in group_by(missed) {
        let first = results[0];
        let target = &deployment.e.nodes[first.flow.target.unwrap_or_default()];
        // Every E node whose flows fail for this cause, in order.
        let mut targets: Vec<usize> = Vec::new();
        for r in &results {
            let t = r.flow.target.unwrap_or_default();
            if !targets.contains(&t) {
                targets.push(t);
            }
        }
        let lan1s = targets
            .iter()
            .map(|&t| {
                let n = &deployment.e.nodes[t];
                format!("{} LAN1 {}", n.name.value, n.lan1.value.address)
            })
            .collect::<Vec<_>>()
            .join(", ");
        let primary = match cause.firewall {
            Some(firewall) => cx.at_config(firewall, cause.span, cause.label.clone()),
            None => cx.at_deployment(
                &At {
                    value: (),
                    span: cause.span,
                    file: cause.file,
                },
                cause.label.clone(),
            ),
        };
        let title = match cause.port {
            Some((sent, arrived)) => format!(
                "Expressway-C's traversal traffic reaches {} on port {arrived} instead of {sent}: E listens on {sent}",
                target.name.value
            ),
            None => format!("Expressway-C's traversal traffic never reaches {lan1s}"),
        };
        let finding = RULE
            .finding(title, primary)
            .with_notes(
                results
                    .iter()
                    .map(|r| format!("{} {}", flow_line(cx, r), path_outcome(cx, &r.path)))
                    .collect(),
            )
            .with_help(cause.help);
        out.push(with_peers(finding, cx, &results));
    }
}

/// Why the flow missed, or `None` when an ACL decided (MRA004 reports those).
fn cause(cx: &Context<'_>, result: &FlowResult) -> Option<Cause> {
    let (deployment, _) = cx.deployment()?;
    let Some(hop) = result.path.hops.last() else {
        let node = &deployment.c_nodes[result.flow.c_node];
        return Some(Cause {
            firewall: None,
            span: node.address.span,
            file: node.address.file,
            label: "no modelled firewall has an interface on this node's subnet".into(),
            port: None,
            help: format!(
                "add the firewall that serves {} to `firewalls`, or give the node a `gateway` that is an interface address of a modelled firewall",
                node.address.value
            ),
        });
    };
    let firewall = &cx.project.firewalls[hop.firewall].model;
    let trace = &hop.trace;
    let decided = trace.phases.last().and_then(|p| p.config.last().copied());
    let ingress = firewall.interface(&trace.ingress);
    let ingress_span = ingress.map(|i| i.span).unwrap_or_default();
    let at = |span: Span, label: String, help: String| {
        Some(Cause {
            firewall: Some(hop.firewall),
            span,
            file: None,
            label,
            help,
            port: None,
        })
    };
    // Identity NAT that pins the egress to its interface although routing leads elsewhere
    // (8.4(2)+ honours the rule's interfaces unless it has `route-lookup`).
    if let Some(index) = trace.destination_rule {
        let rule = &firewall.nat[index];
        let access = matches!(trace.verdict, Verdict::Drop(d) if d.is_access_rule());
        let routed = crate::eval::route::lookup(firewall, trace.untranslated.destination, None)
            .map(|r| r.interface.clone());
        if let (false, true, false, Some(egress), Some(routed)) = (
            access,
            rule.is_identity(),
            rule.route_lookup,
            trace.egress.as_deref(),
            routed,
        ) {
            if !routed.eq_ignore_ascii_case(egress) {
                let text = cx.config_text(hop.firewall, rule.span).trim().to_string();
                return at(
                    rule.span,
                    format!(
                        "identity NAT diverts C's traffic out of {egress}, but the route to {} leads out of {routed}",
                        trace.untranslated.destination
                    ),
                    format!(
                        "let routing choose the egress of this identity rule:\n  {text} route-lookup\nor correct its interfaces"
                    ),
                );
            }
        }
    }
    match (&result.path.end, &trace.verdict) {
        (End::Stopped, Verdict::Drop(drop)) if drop.is_access_rule() => None,
        (End::Stopped, Verdict::Drop(Drop::UTurn)) => at(
            ingress_span,
            format!("traffic must leave by {} again, and U-turns are not permitted", trace.ingress),
            "reflected traffic leaves by the interface it came in on: add `same-security-traffic permit intra-interface`".into(),
        ),
        (End::Stopped, Verdict::Drop(Drop::PatAddress)) => at(
            decided.unwrap_or(ingress_span),
            format!("{} is a PAT or port-translated address here", trace.input.destination),
            "connections cannot be opened to a PAT address; point the traversal peer at E's static NAT address and reflect it with a static rule".into(),
        ),
        (End::Stopped, Verdict::Drop(Drop::NatRpf)) => {
            let mut lines = Vec::new();
            let c_nodes: Vec<std::net::Ipv4Addr> =
                deployment.c_nodes.iter().map(|n| n.address.value).collect();
            let c_obj = group_for(firewall, &c_nodes, ("EXPC", "EXPC-NODES"), &mut lines);
            let e_obj = object_for(firewall, trace.untranslated.destination, "EXPE", &mut lines);
            lines.push(format!(
                "  nat ({},{}) 1 source static {c_obj} {c_obj} destination static {e_obj} {e_obj}",
                trace.ingress,
                trace.egress.as_deref().unwrap_or("dmz")
            ));
            at(
                decided.unwrap_or(ingress_span),
                "E's replies match this NAT rule but C's connection does not (asymmetric NAT: nat-rpf-failed)".into(),
                format!(
                    "the ASA drops a connection whose reply would be translated by other NAT rules than the connection itself; exempt C↔E traffic with an identity rule at the top of the NAT table:\n{}\nor narrow this rule's interfaces (a static with mapped interface `any` also matches replies toward {})",
                    lines.join("\n"),
                    trace.ingress
                ),
            )
        }
        (End::Stopped, Verdict::Drop(drop)) => at(
            decided.unwrap_or(ingress_span),
            format!("drops the flow ({})", drop.code()),
            format!("give the firewall a route to {} out of the interface toward Expressway-E", trace.input.destination),
        ),
        (End::Stopped, _) => at(
            ingress_span,
            format!("{} is this firewall's own address", trace.input.destination),
            "the traversal peer must be Expressway-E's address, not the firewall's".into(),
        ),
        (End::Left(_) | End::Delivered(_) | End::Loop, _) => {
            let route_span = trace
                .phases
                .iter()
                .find(|p| p.kind == PhaseKind::RouteLookup || p.kind == PhaseKind::UnNat)
                .and_then(|p| p.config.first().copied())
                .unwrap_or(ingress_span);
            let egress = trace.egress.clone().unwrap_or_default();
            // A static rule maps the address, but not for traffic from this side: no reflection.
            let unreflected_for = |packet: &crate::eval::Packet| {
                (0..firewall.nat.len()).find(|&index| {
                    let rule = &firewall.nat[index];
                    let (Some(ingress), Some(mapped)) = (ingress, &rule.mapped_interface) else {
                        return false;
                    };
                    let mut elsewhere = ingress.clone();
                    elsewhere.name = mapped.clone();
                    rule.kind == NatKind::Static
                        && nat::reverse_match(firewall, index, &elsewhere, packet).is_some()
                })
            };
            // One cause for a cluster: the first of the rules that leave E nodes' public
            // addresses unreflected from this side, naming every such address.
            let mut unreflected_publics: Vec<std::net::Ipv4Addr> = Vec::new();
            let mut unreflected = unreflected_for(&trace.input);
            if unreflected.is_some() {
                for node in &deployment.e.nodes {
                    let Some(public) = node.static_nat.as_ref().map(|n| n.value) else {
                        continue;
                    };
                    let probe = crate::eval::Packet {
                        destination: public,
                        ..trace.input
                    };
                    if let Some(index) = unreflected_for(&probe) {
                        unreflected_publics.push(public);
                        unreflected = unreflected.min(Some(index));
                    }
                }
            }
            if !unreflected_publics.contains(&trace.input.destination) {
                unreflected_publics.insert(0, trace.input.destination);
            }
            // A reflection rule that would take the flow but for its source: the group
            // lacks this C node (one cause for the cluster, at the rule).
            if let (Some(i), None) = (ingress, trace.destination_rule) {
                if let Some(cause) = reflection_lacks_node(cx, hop.firewall, i, result) {
                    return Some(cause);
                }
            }
            // A rule would reflect the address, but a rule above it wins the connection.
            let claimed = ingress.and_then(|i| {
                crate::eval::claimed_destination_rule(firewall, i, &trace.input)
            });
            if let (Some((index, by)), None) = (claimed, trace.destination_rule) {
                let text = |i: usize| {
                    cx.config_text(hop.firewall, firewall.nat[i].span)
                        .trim()
                        .to_string()
                };
                let line = |i: usize| {
                    cx.project
                        .sources
                        .get(cx.project.firewalls[hop.firewall].file)
                        .line_col(firewall.nat[i].span.start)
                        .0
                };
                let rule = &firewall.nat[index];
                let fix = if rule.is_twice() {
                    format!(
                        "put the reflection rule above it: remove it and add it again at the top of the table,\n  {}",
                        at_line_one(&text(index))
                    )
                } else {
                    format!(
                        "move the rule at line {} below object NAT (`after-auto`), or exempt E's public address in it, so that the object rule at line {} reflects C's traffic",
                        line(by),
                        line(index)
                    )
                };
                return at(
                    firewall.nat[by].span,
                    format!(
                        "matches C's traffic to {} first (table order), so the reflection rule at line {} below it is not used",
                        trace.input.destination,
                        line(index)
                    ),
                    format!(
                        "the NAT table is searched in order and a rule that matches the source lookup above the reflection rule wins the connection; {fix}"
                    ),
                );
            }
            match unreflected {
                Some(index) if trace.destination_rule.is_none() => {
                    let rule = &firewall.nat[index];
                    let mut lines = Vec::new();
                    // The fix covers every C node and every E node with a public address.
                    let c_nodes: Vec<std::net::Ipv4Addr> =
                        deployment.c_nodes.iter().map(|n| n.address.value).collect();
                    let c_obj = group_for(firewall, &c_nodes, ("EXPC", "EXPC-NODES"), &mut lines);
                    let mut pairs: Vec<(std::net::Ipv4Addr, std::net::Ipv4Addr)> = deployment
                        .e
                        .nodes
                        .iter()
                        .filter_map(|n| Some((n.static_nat.as_ref()?.value, n.lan1.value.address)))
                        .collect();
                    if pairs.is_empty() {
                        let target = result.flow.target.map_or(trace.input.destination, |t| {
                            deployment.e.nodes[t].lan1.value.address
                        });
                        pairs.push((trace.input.destination, target));
                    }
                    pairs.sort();
                    let reals: Vec<std::net::Ipv4Addr> = pairs.iter().map(|p| p.1).collect();
                    let in_order = reals.windows(2).all(|w| w[0] < w[1]);
                    let real_ifc = rule.real_interface.as_deref().unwrap_or("dmz");
                    if in_order {
                        let publics: Vec<std::net::Ipv4Addr> = pairs.iter().map(|p| p.0).collect();
                        let public_obj = group_for(firewall, &publics, ("EXPE-PUBLIC", "EXPE-PUBLICS"), &mut lines);
                        let e_obj = group_for(firewall, &reals, ("EXPE", "EXPE-NODES"), &mut lines);
                        lines.push(format!(
                            "  nat ({},{real_ifc}) source static {c_obj} {c_obj} destination static {public_obj} {e_obj}",
                            trace.ingress,
                        ));
                    } else {
                        for (n, (public, real)) in pairs.iter().enumerate() {
                            let public_obj = object_for(firewall, *public, &format!("EXPE{}-PUBLIC", n + 1), &mut lines);
                            let e_obj = object_for(firewall, *real, &format!("EXPE{}", n + 1), &mut lines);
                            lines.push(format!(
                                "  nat ({},{real_ifc}) source static {c_obj} {c_obj} destination static {public_obj} {e_obj}",
                                trace.ingress,
                            ));
                        }
                    }
                    at(
                        rule.span,
                        format!(
                            "maps {} only for traffic arriving on {}; from {} {} not untranslated",
                            if unreflected_publics.len() > 1 {
                                format!(
                                    "E's public addresses ({}, this rule and the others)",
                                    unreflected_publics
                                        .iter()
                                        .map(|a| a.to_string())
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                )
                            } else {
                                trace.input.destination.to_string()
                            },
                            rule.mapped_interface.as_deref().unwrap_or("any"),
                            trace.ingress,
                            if unreflected_publics.len() > 1 { "they are" } else { "it is" }
                        ),
                        format!(
                            "reflect E's public address for traffic from {} with destination-only NAT:\n{}\nor use dual NIC and point C at LAN1",
                            trace.ingress,
                            lines.join("\n")
                        ),
                    )
                }
                _ => at(
                    route_span,
                    format!("sends {} out of {egress}, away from Expressway-E", result.path.packet.destination),
                    "route or translate C's traffic toward Expressway-E's LAN1".into(),
                ),
            }
        }
        (End::Unattached, _) => None,
    }
}

/// A twice NAT rule's text with the line number 1 after its interfaces, so that it goes
/// to the top of section 1 (`nat (dmz,inside) 1 source …`).
fn at_line_one(text: &str) -> String {
    let rest = text.strip_prefix("nat").unwrap_or(text).trim_start();
    match rest.strip_prefix('(').and_then(|r| r.split_once(')')) {
        Some((interfaces, after)) => format!("nat ({interfaces}) 1 {}", after.trim_start()),
        None => format!("nat 1 {rest}"),
    }
}

/// A flow that reached E's address on another port than C sent it to: the firewall and
/// NAT rule that translated the port, at the hop the analysis names.
fn port_cause(cx: &Context<'_>, result: &FlowResult, hop: usize) -> Option<Cause> {
    let sent = result.flow.packet.destination_port;
    let arrived = result.path.packet.destination_port;
    let hop = result.path.hops.get(hop)?;
    let firewall = &cx.project.firewalls[hop.firewall].model;
    let rule = hop.trace.destination_rule.or(hop.trace.source_rule);
    let span = rule
        .map(|r| firewall.nat[r].span)
        .or_else(|| firewall.interface(&hop.trace.ingress).map(|i| i.span))
        .unwrap_or_default();
    let (from, to) = (
        hop.trace.input.destination_port,
        hop.trace.output.destination_port,
    );
    Some(Cause {
        firewall: Some(hop.firewall),
        span,
        file: None,
        label: format!("translates destination port {from} to {to}"),
        help: format!(
            "E's traversal server listens on the port C connects to ({sent}), not on {arrived}: translate only the address (no `service` port translation), or make C's zone and E's zone use port {arrived} both"
        ),
        port: Some((sent, arrived)),
    })
}

/// The source slot of a twice rule as written (`source static EXPC-CLUSTER …` gives
/// `EXPC-CLUSTER`).
fn source_slot(text: &str) -> Option<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let at = words
        .iter()
        .position(|w| w.eq_ignore_ascii_case("source"))?;
    words.get(at + 2).map(|w| w.to_string())
}

/// A twice reflection rule that would take this flow if its source held the C node: one
/// cause for every node it lacks, at the rule, naming the group, the missing nodes and
/// the nodes that work.
fn reflection_lacks_node(
    cx: &Context<'_>,
    firewall_index: usize,
    ingress: &crate::model::Interface,
    result: &FlowResult,
) -> Option<Cause> {
    let (deployment, _) = cx.deployment()?;
    let firewall = &cx.project.firewalls[firewall_index].model;
    let hop = result
        .path
        .hops
        .iter()
        .find(|h| h.firewall == firewall_index)?;
    let sent = hop.trace.input;
    let (_, rule) = firewall.nat.iter().enumerate().find(|(k, r)| {
        let Some(stand_in) = r.real_source.first() else {
            return false;
        };
        r.is_twice()
            && r.destination.is_some()
            && !r.real_source.contains(u32::from(sent.source))
            && nat::forward_destination_match(
                firewall,
                *k,
                ingress,
                &crate::eval::Packet {
                    source: std::net::Ipv4Addr::from(stand_in),
                    ..sent
                },
            )
            .is_some()
    })?;
    let (missing, working): (Vec<_>, Vec<_>) = deployment
        .c_nodes
        .iter()
        .partition(|n| !rule.real_source.contains(u32::from(n.address.value)));
    let list = |nodes: &[&crate::deployment::CNode]| {
        nodes
            .iter()
            .map(|n| format!("{} ({})", n.name.value, n.address.value))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let text = cx.config_text(firewall_index, rule.span).trim().to_string();
    let slot = source_slot(&text).unwrap_or_else(|| "its source".into());
    let works = if working.is_empty() {
        "no C node is in it".to_string()
    } else {
        format!(
            "{} in it {} reflected",
            list(&working),
            if working.len() == 1 { "is" } else { "are" }
        )
    };
    let help = if firewall.network_groups.contains_key(&slot) {
        let mut lines = vec![format!("  object-group network {slot}")];
        for n in &missing {
            lines.push(format!("   network-object host {}", n.address.value));
        }
        format!(
            "add every C node to the reflection rule's source group:\n{}",
            lines.join("\n")
        )
    } else {
        let mut lines = Vec::new();
        let all: Vec<std::net::Ipv4Addr> =
            deployment.c_nodes.iter().map(|n| n.address.value).collect();
        let group = group_for(firewall, &all, ("EXPC", "EXPC-NODES"), &mut lines);
        lines.push(format!(
            "  and use {group} as the rule's real and mapped source (source static {group} {group})"
        ));
        format!(
            "make the reflection rule's source cover every C node:\n{}",
            lines.join("\n")
        )
    };
    Some(Cause {
        firewall: Some(firewall_index),
        span: rule.span,
        file: None,
        label: format!("its source {slot} lacks {}; {works}", list(&missing)),
        help,
        port: None,
    })
}
