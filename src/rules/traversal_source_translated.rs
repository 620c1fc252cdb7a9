use super::{declare_rule, flow_line, group_by, group_for, object_for, with_peers, Context};
use crate::deployment::ZoneService;
use crate::mra::{FlowKind, FlowResult};
use crate::eval::path::{Hop, Role};
use crate::finding::Finding;
use crate::model::Mapped;

declare_rule! {
    /// ## What it does
    /// Simulates every Expressway-C → Expressway-E flow of a unified-communications
    /// (MRA) traversal zone and flags the NAT rule that changes the source address of
    /// any of them, or the source port of the SIP traversal connection, on the way to E.
    /// The finding lists every flow the rule rewrites and shows what E sees.
    ///
    /// ## Why is this bad?
    /// E copies the source address and port it observes into the Route header of the
    /// SIP requests it sends back over the traversal connection. When a firewall has
    /// translated that source (typically a NAT reflection rule that also PATs C's
    /// address), C tries to connect to the translated address, gets a reset, and answers
    /// 408 Request Timeout: MRA clients sign in but get no phone service. Cisco's Basic
    /// Configuration guide adds that source NAT of any MRA traffic from C makes edge
    /// login fail. B2B zones are not checked: Cisco's own baseline puts C behind PAT.
    ///
    /// ## Example
    /// ```text
    /// nat (inside,dmz) source dynamic EXPC-NET EXPE-PUBLIC destination static EXPE-PUBLIC EXPE-REAL
    /// ```
    ///
    /// ## Use instead
    /// Translate only the destination (destination-only reflection):
    /// ```text
    /// nat (inside,dmz) source static EXPC-NET EXPC-NET destination static EXPE-PUBLIC EXPE-REAL
    /// ```
    /// or give Expressway-E a second NIC so C reaches LAN1 with no NAT at all.
    ///
    /// ## References
    /// - Cisco TAC 212347, MRA phone services failing due to source IP translation over NAT reflection
    /// - Cisco Expressway Basic Configuration Deployment Guide, Firewall and NAT settings
    pub static RULE = {
        code: "MRA001",
        name: "traversal-source-translated",
        severity: Error,
        summary: "a C→E flow of a unified-communications zone reaches E with a translated source",
    };
}

/// The first hop that rewrote the source (or PATed it, for the SIP connection).
fn rewriting_hop(result: &FlowResult) -> Option<&Hop> {
    let sip = result.flow.kind == FlowKind::SipTraversal;
    result.path.hops.iter().find(|hop| {
        let t = &hop.trace;
        t.output.source != t.input.source
            || (sip && (t.output.source_port != t.input.source_port || t.source_port_may_change))
    })
}

/// The source as E sees it, and whether the port is only possibly changed (PAT).
fn what_e_sees(result: &FlowResult) -> String {
    let pat = result
        .path
        .hops
        .iter()
        .any(|h| h.trace.source_port_may_change);
    let arrived = result.path.packet;
    let pool = result.path.source_pool().map_or(String::new(), |p| {
        format!(
            " (translated into {}; {} is a representative)",
            crate::model::addr::describe(p),
            arrived.source
        )
    });
    format!(
        "{}{pool}{}",
        arrived.endpoints(),
        if pat {
            " (PAT: the source port may change too)"
        } else {
            ""
        }
    )
}

/// The rule rewritten to translate only the destination, when it is a twice rule with
/// a `destination static` clause; built from the user's own line.
pub(crate) fn destination_only(line: &str) -> Option<String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let source = words
        .iter()
        .position(|w| w.eq_ignore_ascii_case("source"))?;
    let destination = words
        .iter()
        .position(|w| w.eq_ignore_ascii_case("destination"))?;
    let real = words.get(source + 2)?;
    let mut fixed: Vec<&str> = words[..=source].to_vec();
    fixed.extend(["static", real, real]);
    fixed.extend(&words[destination..]);
    Some(fixed.join(" "))
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let (Some((deployment, _)), Some(network)) = (cx.deployment(), &cx.network) else {
        return;
    };
    let translated = cx.traversal.iter().filter_map(|result| {
        let zone = &deployment.zones[result.flow.zone];
        if zone.zone_type.value != ZoneService::UnifiedCommunications {
            return None;
        }
        let Some(Role::Lan1(_) | Role::Lan2(_)) = result.delivered_to(network) else {
            return None;
        };
        let hop = rewriting_hop(result)?;
        let rule = hop.trace.source_rule?;
        Some(((hop.firewall, rule), result))
    });
    for ((firewall, rule), results) in group_by(translated) {
        let model = &cx.project.firewalls[firewall].model;
        let nat = &model.nat[rule];
        let first = results[0];
        let c = first.flow.packet.source;
        // Every E node the translated flows reach, by name.
        let mut e_names: Vec<String> = Vec::new();
        for r in &results {
            let name = match r.delivered_to(network) {
                Some(Role::Lan1(e) | Role::Lan2(e)) => deployment.e.nodes[e].name.value.clone(),
                _ => "Expressway-E".into(),
            };
            if !e_names.contains(&name) {
                e_names.push(name);
            }
        }
        let e_name = e_names.join(", ");
        let seen = first.path.describe_source();
        let into = first.path.source_pool().map_or(String::new(), |p| {
            format!(" into {}", crate::model::addr::describe(p))
        });
        let notes = results
            .iter()
            .map(|r| format!("{} reaches E as {}", flow_line(cx, r), what_e_sees(r)))
            .collect();
        let line = cx.config_text(firewall, nat.span);
        let fix = match (nat.destination.is_some(), destination_only(line)) {
            (true, Some(fixed)) => {
                format!("translate only the destination of C's traffic:\n  {fixed}")
            }
            _ => {
                let (ingress, egress) = first
                    .path
                    .hops
                    .iter()
                    .find(|h| h.firewall == firewall)
                    .map(|h| {
                        (
                            h.trace.ingress.clone(),
                            h.trace.egress.clone().unwrap_or_default(),
                        )
                    })
                    .unwrap_or_default();
                let kind = if matches!(nat.mapped_source, Mapped::Interface | Mapped::PatPool(_)) {
                    "PAT"
                } else {
                    "NAT"
                };
                // Every (sent, real) destination pair of the flows, for every E node.
                let mut pairs: Vec<(std::net::Ipv4Addr, std::net::Ipv4Addr)> = Vec::new();
                for r in &results {
                    let hop = r.path.hops.iter().find(|h| h.firewall == firewall);
                    let pair = hop.map_or(
                        (r.flow.packet.destination, r.path.packet.destination),
                        |h| (h.trace.input.destination, h.trace.untranslated.destination),
                    );
                    if !pairs.contains(&pair) {
                        pairs.push(pair);
                    }
                }
                let mut definitions = Vec::new();
                // The exemption covers every C node, not only the first one.
                let c_nodes: Vec<std::net::Ipv4Addr> =
                    deployment.c_nodes.iter().map(|n| n.address.value).collect();
                let c_obj = group_for(model, &c_nodes, ("EXPC", "EXPC-NODES"), &mut definitions);
                for (n, (sent, real)) in pairs.iter().enumerate() {
                    let suffix = if pairs.len() > 1 {
                        format!("{}", n + 1)
                    } else {
                        String::new()
                    };
                    let sent_obj = object_for(
                        model,
                        *sent,
                        &format!("EXPE{suffix}-PUBLIC"),
                        &mut definitions,
                    );
                    let real_obj =
                        object_for(model, *real, &format!("EXPE{suffix}"), &mut definitions);
                    definitions.push(format!(
                        "  nat ({ingress},{egress}) 1 source static {c_obj} {c_obj} destination static {sent_obj} {real_obj}"
                    ));
                }
                format!(
                    "exempt C→E traffic from this {kind} with an identity rule at the top of the NAT table:\n{}",
                    definitions.join("\n")
                )
            }
        };
        let finding = RULE
            .finding(
                format!("Expressway-C's traversal traffic is source-translated{into}: {e_name} sees {seen} instead of {c}"),
                cx.at_config(firewall, nat.span, format!("rewrites the source of {} C→E flow(s)", results.len())),
            )
            .with_notes(notes)
            .with_help(format!(
                "E writes the source it sees into the SIP Route header, so MRA sign-in works but phone services fail with 408 Request Timeout (TAC 212347). Either {fix}\nor move Expressway-E to dual NIC so C reaches LAN1 without any NAT"
            ));
        out.push(with_peers(finding, cx, &results));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reflection_rewritten_to_destination_only() {
        assert_eq!(
            destination_only("nat (inside,dmz) source dynamic EXPC-NET EXPE-PUBLIC destination static EXPE-PUBLIC EXPE-REAL").as_deref(),
            Some("nat (inside,dmz) source static EXPC-NET EXPC-NET destination static EXPE-PUBLIC EXPE-REAL")
        );
        assert_eq!(
            destination_only("nat (inside,dmz) after-auto source dynamic any interface destination static PUB REAL service S S").as_deref(),
            Some("nat (inside,dmz) after-auto source static any any destination static PUB REAL service S S")
        );
        assert_eq!(
            destination_only("nat (inside,outside) source dynamic any interface"),
            None
        );
    }
}
