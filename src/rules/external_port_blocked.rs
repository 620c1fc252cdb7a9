use super::{declare_rule, group_by, miss_location, path_outcome, Context};
use crate::deployment::Nic;
use crate::eval::path::Role;
use crate::finding::Finding;

declare_rule! {
    /// ## What it does
    /// Simulates the flows MRA needs from the internet to each Expressway-E node's
    /// public address (its static NAT address, or its external interface): TCP 5061 (SIP
    /// TLS), TCP 8443 (MRA HTTPS, with a unified-communications zone), TCP 5222 (XMPP,
    /// with `im_presence`), UDP media at both ends and the middle of the media range,
    /// and with `turn` the TURN ports and relay range. Flags the config line that keeps
    /// any of them from reaching E's external interface (LAN1 on single NIC, LAN2 on dual
    /// NIC). Internet traffic enters where the deployment's `internet` says, or on the
    /// interface with the default route toward the internet.
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
    let (Some((deployment, _)), Some(network)) = (cx.deployment(), &cx.network) else {
        return;
    };
    let missed = cx.internet.iter().filter_map(|result| {
        let e = result.flow.e_node;
        let expected = match deployment.e.nic.value {
            Nic::Single => Role::Lan1(e),
            Nic::Dual => Role::Lan2(e),
        };
        let reached = match result.path.end {
            crate::eval::path::End::Delivered(host) => Some(network.hosts[host].role),
            _ => None,
        };
        if reached == Some(expected) {
            return None;
        }
        Some((miss_location(cx, &result.path), result))
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
        let help = match &location {
            Some((firewall, _, _)) => {
                let model = &cx.project.firewalls[*firewall].model;
                let hop = first.path.hops.last().expect("a located miss has a hop");
                let acl = model
                    .inbound
                    .get(&hop.trace.ingress.to_ascii_lowercase())
                    .map_or("OUTSIDE_in", |b| b.acl.as_str());
                let real = hop.trace.untranslated.destination;
                let mut lines: Vec<String> = results
                    .iter()
                    .map(|r| {
                        let p = r.flow.packet;
                        format!(
                            "  access-list {acl} extended permit {} any host {real} eq {}",
                            if p.protocol == 17 { "udp" } else { "tcp" },
                            p.destination_port
                        )
                    })
                    .collect();
                lines.dedup();
                format!(
                    "make E's public address reach its external interface: a static NAT from {} to E, and access-list entries on the real address, e.g.\n{}",
                    first.flow.packet.destination,
                    lines.join("\n")
                )
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
                format!(
                    "internet clients cannot reach {} at {} on {} of the ports MRA needs",
                    node.name.value,
                    first.flow.packet.destination,
                    results.len()
                ),
                primary,
            )
            .with_related(public)
            .with_notes(notes)
            .with_help(help),
        );
    }
}
