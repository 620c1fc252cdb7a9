use super::{declare_rule, group_by, miss_location, path_outcome, Context};
use crate::finding::Finding;
use crate::mra::Verdict;

declare_rule! {
    /// ## What it does
    /// Simulates the flows MRA needs from the internet to each Expressway-E node's
    /// public address (its static NAT address, or its external interface): TCP 5061 (SIP
    /// TLS), TCP 8443 (MRA HTTPS, with a unified-communications zone), TCP 5222 (XMPP,
    /// with `im_presence`), UDP media at both ends and the middle of the media range,
    /// and with `turn` the TURN ports and relay range. Flags the config line that keeps
    /// any of them from reaching E's external interface (LAN1 on single NIC, LAN2 on dual
    /// NIC). Internet traffic enters where the deployment's `internet` says, or on the
    /// interface with the default route toward the internet. When nothing untranslates
    /// E's public address (no static NAT, a `unidirectional` one, one mapped toward another
    /// interface, or E mapped to another address), the finding points at that NAT rule, or
    /// says none exists, rather than at the access check that finally drops the packet.
    ///
    /// ## Why is this bad?
    /// Jabber and phones outside find E through the `_collab-edge` SRV record on 8443
    /// and register over 5061; without them MRA sign-in fails. Blocked media ports give
    /// calls without audio or video.
    ///
    /// ## Example
    /// ```text
    /// access-list OUTSIDE_in extended permit tcp any object EXPE eq 5061
    /// access-group OUTSIDE_in in interface outside
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// access-list OUTSIDE_in extended permit tcp any object EXPE eq 5061
    /// access-list OUTSIDE_in extended permit tcp any object EXPE eq 8443
    /// access-list OUTSIDE_in extended permit udp any object EXPE range 36002 59999
    /// ```
    ///
    /// ## References
    /// - Cisco Expressway IP Port Usage Configuration Guide, Mobile and Remote Access
    /// - Mobile and Remote Access Through Cisco Expressway Deployment Guide, MRA infrastructure requirements
    pub static RULE = {
        code: "MRA007",
        name: "external-port-blocked",
        severity: Error,
        summary: "an internet→E flow MRA needs is not allowed or not delivered",
    };
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some((deployment, _)) = cx.deployment() else {
        return;
    };
    let missed = cx.internet.iter().filter_map(|result| {
        if result.verdict == Verdict::Meets {
            return None;
        }
        let location = unnat_miss(cx, result)
            .map(|m| Some((m.firewall, m.span, m.label)))
            .unwrap_or_else(|| miss_location(cx, &result.path));
        Some((location, result))
    });
    for (location, results) in group_by(missed) {
        let first = results[0];
        let node = &deployment.e.nodes[first.flow.e_node];
        let primary = match &location {
            Some((firewall, span, label)) => cx.at_config(*firewall, *span, label.clone()),
            None => cx.at_deployment(&node.name, "no modelled firewall carries this traffic"),
        };
        let notes = results
            .iter()
            .map(|r| {
                format!(
                    "{}: {} {}",
                    r.flow.service,
                    r.flow.packet,
                    path_outcome(cx, &r.path)
                )
            })
            .collect();
        let unnat = unnat_miss(cx, first);
        let real_of = |r: &crate::mra::InternetResult| {
            deployment.e.nodes[r.flow.e_node].external().value.address
        };
        let help = match &location {
            Some((firewall, _, _)) if unnat.is_some() => {
                let miss = unnat.as_ref().expect("checked");
                let model = &cx.project.firewalls[*firewall].model;
                let hop = first.path.hops.last().expect("a located miss has a hop");
                let acl = model
                    .inbound
                    .get(&hop.trace.ingress.to_ascii_lowercase())
                    .map_or("OUTSIDE_in", |b| b.acl.as_str());
                // Entries only for the flows the access check would still deny once
                // untranslated.
                let denied: Vec<&crate::mra::InternetResult> = results
                    .iter()
                    .copied()
                    .filter(|r| {
                        let untranslated = crate::eval::Packet {
                            destination: real_of(r),
                            ..r.flow.packet
                        };
                        let bound = model
                            .inbound
                            .get(&hop.trace.ingress.to_ascii_lowercase())
                            .into_iter()
                            .chain(model.global.as_ref());
                        let mut permitted = None;
                        // The interface routing would take the real address out of, for
                        // FTD's zone conditions on the egress.
                        let egress =
                            crate::eval::route::lookup(model, untranslated.destination, None)
                                .map(|r| r.interface.as_str());
                        for binding in bound {
                            match crate::eval::acl::check(
                                model,
                                binding,
                                &untranslated,
                                crate::eval::acl::Between {
                                    ingress: Some(&hop.trace.ingress),
                                    egress,
                                },
                            )
                            .0
                            {
                                crate::eval::acl::Decision::Permit(_) => permitted = Some(true),
                                crate::eval::acl::Decision::Deny(_) => permitted = Some(false),
                                crate::eval::acl::Decision::NoMatch(_) => continue,
                            }
                            break;
                        }
                        permitted == Some(false)
                            || (permitted.is_none()
                                && (model
                                    .inbound
                                    .contains_key(&hop.trace.ingress.to_ascii_lowercase())
                                    || model.global.is_some()))
                    })
                    .collect();
                if denied.is_empty() {
                    format!(
                        "{}\nThe access list already permits these flows on E's real address.",
                        miss.fix
                    )
                } else {
                    format!(
                        "{}; then permit the flows on E's real address (8.3+ access lists match real addresses, after un-NAT), e.g.\n{}",
                        miss.fix,
                        ace_lines(acl, real_of, &denied)
                    )
                }
            }
            Some((firewall, _, _)) => {
                let model = &cx.project.firewalls[*firewall].model;
                let hop = first.path.hops.last().expect("a located miss has a hop");
                let acl = model
                    .inbound
                    .get(&hop.trace.ingress.to_ascii_lowercase())
                    .map_or("OUTSIDE_in", |b| b.acl.as_str());
                let real = |r: &crate::mra::InternetResult| match r.path.hops.last() {
                    Some(h) if h.trace.destination_rule.is_some() => {
                        h.trace.untranslated.destination
                    }
                    _ => real_of(r),
                };
                if hop.trace.destination_rule.is_some() {
                    format!(
                        "the static NAT untranslates {} to {}; permit the flows on that real address (8.3+ access lists match real addresses, after un-NAT), e.g.\n{}",
                        first.flow.packet.destination,
                        hop.trace.untranslated.destination,
                        ace_lines(acl, real, &results)
                    )
                } else {
                    format!(
                        "make E's public address reach its external interface: a static NAT from {} to E, and access-list entries on the real address, e.g.\n{}",
                        first.flow.packet.destination,
                        ace_lines(acl, real, &results)
                    )
                }
            }
            None => {
                "add the firewall that carries internet traffic to `firewalls`, or set `internet`"
                    .into()
            }
        };
        // The deployment value the public address comes from.
        let public = match (&node.static_nat, deployment.e.external_nat) {
            (Some(nat), false) => {
                cx.at_deployment(nat, format!("{}'s public address", node.name.value))
            }
            _ => cx.at_deployment(
                node.external(),
                format!("{}'s external interface", node.name.value),
            ),
        };
        out.push(
            RULE.finding(
                {
                    let mut nodes: Vec<String> = Vec::new();
                    for r in &results {
                        let n = format!(
                            "{} at {}",
                            deployment.e.nodes[r.flow.e_node].name.value, r.flow.packet.destination
                        );
                        if !nodes.contains(&n) {
                            nodes.push(n);
                        }
                    }
                    format!(
                        "internet clients cannot reach {} on {} of the ports MRA needs",
                        nodes.join(", "),
                        results.len()
                    )
                },
                primary,
            )
            .with_related(public)
            .with_related_all(unnat.and_then(|m| m.deciding).map(|(firewall, span)| {
                cx.at_config(firewall, span, "and then the access check drops it")
            }))
            .with_notes(notes)
            .with_help(help),
        );
    }
}

/// Access-list entries that permit the flows to each E node's real address (`real`
/// gives it per flow), each once.
fn ace_lines(
    acl: &str,
    real: impl Fn(&crate::mra::InternetResult) -> std::net::Ipv4Addr,
    results: &[&crate::mra::InternetResult],
) -> String {
    let mut lines: Vec<String> = Vec::new();
    for r in results {
        let p = r.flow.packet;
        let line = format!(
            "  access-list {acl} extended permit {} any host {} eq {}",
            if p.protocol == 17 { "udp" } else { "tcp" },
            real(r),
            p.destination_port
        );
        if !lines.contains(&line) {
            lines.push(line);
        }
    }
    lines.join("\n")
}

/// An internet flow that failed because nothing untranslated E's public address: where
/// to say so (the static rule that does not apply, or the ingress interface when there is
/// none), the fix, and the line that finally dropped it.
struct UnNatMiss {
    firewall: usize,
    span: crate::source::Span,
    label: String,
    fix: String,
    deciding: Option<(usize, crate::source::Span)>,
}

fn unnat_miss(cx: &Context<'_>, result: &crate::mra::InternetResult) -> Option<UnNatMiss> {
    use crate::model::Mapped;
    use crate::syntax::ast::NatKind;
    let (deployment, _) = cx.deployment()?;
    let node = &deployment.e.nodes[result.flow.e_node];
    let hop = result.path.hops.last()?;
    let public = result.flow.packet.destination;
    let real = node.external().value.address;
    if hop.trace.destination_rule.is_some()
        || public == real
        || hop.trace.input.destination != public
    {
        return None;
    }
    let model = &cx.project.firewalls[hop.firewall].model;
    let ingress = hop.trace.ingress.as_str();
    // A firewall that owns the public address answers it itself (an interface address):
    // not a NAT question.
    if model.interface_owning(public).is_some() {
        return None;
    }
    let deciding = hop.trace.deciding_span().map(|s| (hop.firewall, s));
    let static_rule = model.nat.iter().find(|r| {
        r.kind == NatKind::Static
            && matches!(&r.mapped_source, Mapped::Addresses(m) if m.contains(u32::from(public)))
    });
    let real_ifc = crate::eval::route::lookup(model, real, None).map(|r| r.interface.clone());
    let elsewhere = model.nat.iter().find(|r| {
        r.kind == NatKind::Static
            && r.real_source.contains(u32::from(real))
            && matches!(&r.mapped_source, Mapped::Addresses(m) if !m.is_empty())
    });
    Some(match static_rule {
        Some(rule) if rule.unidirectional => UnNatMiss {
            firewall: hop.firewall,
            span: rule.span,
            label: format!(
                "unidirectional: connections from the internet to {public} are never untranslated"
            ),
            fix: "remove `unidirectional` from this rule, so that it untranslates connections opened from the mapped side".into(),
            deciding,
        },
        Some(rule) => UnNatMiss {
            firewall: hop.firewall,
            span: rule.span,
            label: format!(
                "maps {public} only for traffic arriving on {}; from {ingress} it is not untranslated",
                rule.mapped_interface.as_deref().unwrap_or("any")
            ),
            fix: format!(
                "map E's public address toward {ingress}: nat ({},{ingress}) static {public}",
                rule.real_interface.as_deref().unwrap_or("any")
            ),
            deciding,
        },
        None if elsewhere.is_some() => {
            let rule = elsewhere.expect("checked");
            let mapped = match &rule.mapped_source {
                Mapped::Addresses(m) => crate::model::addr::describe(m),
                _ => String::new(),
            };
            UnNatMiss {
                firewall: hop.firewall,
                span: rule.span,
                label: format!(
                    "maps {} ({real}) to {mapped}, not to its public address {public}",
                    node.name.value
                ),
                fix: format!(
                    "map E to {public}: nat ({},{}) static {public}, or correct E's public address",
                    rule.real_interface.as_deref().unwrap_or("any"),
                    rule.mapped_interface.as_deref().unwrap_or(ingress)
                ),
                deciding,
            }
        }
        None => UnNatMiss {
            firewall: hop.firewall,
            span: model
                .interface(ingress)
                .map(|i| i.span)
                .unwrap_or_default(),
            label: format!(
                "no NAT rule untranslates {public} to {} ({real}) for traffic arriving here",
                node.name.value
            ),
            fix: format!(
                "add E's static NAT:\n  object network EXPE\n   host {real}\n   nat ({},{ingress}) static {public}",
                real_ifc.as_deref().unwrap_or("dmz")
            ),
            deciding,
        },
    })
}
