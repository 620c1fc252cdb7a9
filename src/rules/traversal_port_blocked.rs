use super::{declare_rule, flow_line, group_by, skipped_suffix, with_peers, Context};
use crate::mra::Miss;
use crate::eval::{Drop, Verdict};
use crate::finding::Finding;

declare_rule! {
    /// ## What it does
    /// Flags the access rule that denies an Expressway-C → Expressway-E flow MRA needs:
    /// an ACE that denies it, an access list that permits nothing that matches it
    /// (implicit deny), an outbound access list, or, with no access list bound, security
    /// levels that forbid it (lower to higher, or equal without
    /// `same-security-traffic permit inter-interface`). The finding lists every flow the
    /// rule blocks.
    ///
    /// ## Why is this bad?
    /// Each flow carries part of MRA: SIP traversal (zone port, the zone never goes
    /// Active), SSH tunnels on TCP 2222 (Jabber sign-in fails, 502 Next Hop Connection
    /// Failed), XMPP/XCP on 7400 (no IM and presence), media demux ports (calls without
    /// audio or video), TURN.
    ///
    /// ## Example
    /// ```text
    /// access-list INSIDE_in extended permit tcp host 10.0.30.2 host 10.0.10.2 eq 7003
    /// access-group INSIDE_in in interface inside
    /// ! 2222 and the media ports fall to the implicit deny
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// access-list INSIDE_in extended permit tcp host 10.0.30.2 host 10.0.10.2 eq 7003
    /// access-list INSIDE_in extended permit tcp host 10.0.30.2 host 10.0.10.2 eq 2222
    /// access-list INSIDE_in extended permit udp host 10.0.30.2 host 10.0.10.2 range 36000 36001
    /// ```
    ///
    /// ## References
    /// - Mobile and Remote Access Through Cisco Expressway Deployment Guide, MRA infrastructure requirements
    /// - Cisco Expressway IP Port Usage Configuration Guide, Mobile and Remote Access
    pub static RULE = {
        code: "MRA004",
        name: "traversal-port-blocked",
        severity: Error,
        summary: "an ACL or security level denies a C→E flow MRA needs",
    };
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    if cx.deployment().is_none() {
        return;
    }
    // A flow E's demux ports explain is MRA010's (Miss::DemuxPorts), not blocked here.
    let blocked = cx.traversal.iter().filter_map(|result| {
        let Some(Miss::Blocked { hop }) = result.verdict.miss() else {
            return None;
        };
        let hop = &result.path.hops[*hop];
        let Verdict::Drop(drop) = hop.trace.verdict else {
            return None;
        };
        let span = hop.trace.deciding_span()?;
        Some(((hop.firewall, span, drop_rank(drop)), result))
    });
    for ((firewall, span, _), results) in group_by(blocked) {
        let hop = results[0]
            .path
            .hops
            .last()
            .expect("a blocked flow has a hop");
        let Verdict::Drop(drop) = hop.trace.verdict else {
            continue;
        };
        let model = &cx.project.firewalls[firewall].model;
        let ingress = hop.trace.ingress.clone();
        let egress = hop.trace.egress.clone().unwrap_or_default();
        let permits = || {
            results
                .iter()
                .filter_map(|r| r.path.hops.last())
                .map(|h| permit_line(model, &ingress, &h.trace))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect::<Vec<_>>()
                .join("\n")
        };
        let (label, help) = match drop {
            Drop::AclDeny => (
                "this entry denies the flow".to_string(),
                format!("permit the flows in entries above this one (ACLs match real addresses, after un-NAT), e.g.\n{}", permits()),
            ),
            Drop::ImplicitDeny
                if !model.inbound.contains_key(&ingress.to_ascii_lowercase())
                    && model.global.is_some() =>
            {
                (
                    "no entry of the global access list permits the flow (implicit deny)".to_string(),
                    format!(
                        "a global access list (`access-group … global`) applies to every interface and removes the security-level implicit permit, so {ingress}'s traffic needs an entry too (ACLs match real addresses, after un-NAT), e.g.\n{}",
                        permits()
                    ),
                )
            }
            Drop::ImplicitDeny => (
                "no entry of the bound access list permits the flow (implicit deny)".to_string(),
                format!(
                    "permit the flows in the access list bound to {ingress} (ACLs match real addresses, after un-NAT), e.g.\n{}",
                    permits()
                ),
            ),
            Drop::OutboundAcl => {
                let acl = model
                    .outbound
                    .get(&egress.to_ascii_lowercase())
                    .map_or("ACL", |b| b.acl.as_str());
                let lines = results
                    .iter()
                    .filter_map(|r| r.path.hops.last())
                    .map(|h| ace_line(acl, &h.trace))
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect::<Vec<_>>()
                    .join("\n");
                (
                    format!("the outbound access list of {egress} does not permit the flow"),
                    format!(
                        "permit the flows in the access list bound out of {egress}, above any entry that denies them (real addresses, after un-NAT), e.g.\n{lines}"
                    ),
                )
            }
            _ => {
                let levels = |name: &str| model.interface(name).map(|i| i.level);
                if levels(&ingress).is_some() && levels(&ingress) == levels(&egress) {
                    (
                        format!("{ingress} and {egress} have the same security level, and traffic between equal levels is not permitted"),
                        "permit traffic between interfaces of the same security level:\n  same-security-traffic permit inter-interface\nor bind an access list that permits the flows".to_string(),
                    )
                } else {
                    (
                        format!("security levels forbid {ingress} → {egress} without an access list"),
                        format!(
                            "bind an access list to {ingress} that permits the flows (`access-group NAME in interface {ingress}`), or raise {ingress}'s security level above {egress}'s"
                        ),
                    )
                }
            }
        };
        // An FQDN entry that resolves to the address before un-NAT: the usual reason an
        // entry meant for these flows does not match them.
        let mut help = help;
        let trace = &hop.trace;
        if trace.input.destination != trace.untranslated.destination {
            let acls = model
                .inbound
                .get(&ingress.to_ascii_lowercase())
                .into_iter()
                .chain(model.global.as_ref())
                .filter_map(|b| model.acls.get(&b.acl));
            for acl in acls {
                for ace in &acl.entries {
                    for f in &ace.fqdn {
                        if f.resolved == Some(trace.input.destination) {
                            let line = cx
                                .project
                                .sources
                                .get(cx.project.firewalls[firewall].file)
                                .line_col(ace.span.start)
                                .0;
                            help.push_str(&format!(
                                "\nThe entry at line {line} names {} (object {}), which resolves to {}, the address before un-NAT: access lists match the real address {}, so name that address (or a DNS name that resolves to it)",
                                f.host, f.object, trace.input.destination, trace.untranslated.destination
                            ));
                        }
                    }
                }
            }
        }
        let mut unresolved: Vec<&str> = Vec::new();
        for r in &results {
            for h in &r.path.hops {
                for (span, _) in &h.trace.skipped {
                    let acls = cx.project.firewalls[h.firewall].model.acls.values();
                    for ace in acls.flat_map(|a| &a.entries).filter(|a| a.span == *span) {
                        for host in ace.unresolved_fqdn() {
                            if !unresolved.contains(&host) {
                                unresolved.push(host);
                            }
                        }
                    }
                }
            }
        }
        if !unresolved.is_empty() {
            help.push_str(&format!(
                "\nEntries above it name FQDN objects mralint cannot resolve ({}); the firewall resolves them at run time. Add their answers under the deployment's `dns` to decide them",
                unresolved.join(", ")
            ));
        }
        let finding = RULE
            .finding(
                format!(
                    "{} blocks Expressway-C → {} traffic MRA needs",
                    cx.firewall_name(firewall),
                    {
                        // The E nodes whose flows it blocks, by name.
                        let mut names: Vec<&str> = Vec::new();
                        if let Some((deployment, _)) = cx.deployment() {
                            for r in &results {
                                if let Some(t) = r.flow.target {
                                    let name = deployment.e.nodes[t].name.value.as_str();
                                    if !names.contains(&name) {
                                        names.push(name);
                                    }
                                }
                            }
                        }
                        if names.is_empty() {
                            "Expressway-E".to_string()
                        } else {
                            format!("Expressway-E ({})", names.join(", "))
                        }
                    }
                ),
                cx.at_config(firewall, span, label),
            )
            .with_notes(
                results
                    .iter()
                    .map(|r| format!("{}{}", flow_line(cx, r), skipped_suffix(cx, &r.path)))
                    .collect(),
            )
            .with_help(help);
        out.push(with_peers(finding, cx, &results));
    }
}

fn drop_rank(drop: Drop) -> u8 {
    drop as u8
}

/// An ACE that permits the flow as the firewall checks it (real addresses).
fn permit_line(
    model: &crate::model::Firewall,
    ingress: &str,
    trace: &crate::eval::Trace,
) -> String {
    let acl = model
        .inbound
        .get(&ingress.to_ascii_lowercase())
        .or(model.global.as_ref())
        .map_or("ACL", |b| b.acl.as_str());
    ace_line(acl, trace)
}

/// `access-list ACL extended permit …` for the flow on real addresses (after un-NAT).
fn ace_line(acl: &str, trace: &crate::eval::Trace) -> String {
    let packet = trace.untranslated;
    let protocol = if packet.protocol == 17 { "udp" } else { "tcp" };
    format!(
        "  access-list {acl} extended permit {protocol} host {} host {} eq {}",
        packet.source, packet.destination, packet.destination_port
    )
}
