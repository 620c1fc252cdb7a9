use std::net::Ipv4Addr;

use super::{declare_rule, flow_line, group_by, Context};
use crate::deployment::{At, ENode};
use crate::eval::path::{End, Role};
use crate::finding::Finding;

declare_rule! {
    /// ## What it does
    /// For Expressway-E nodes whose static `routes` the deployment gives, works out where
    /// E sends its replies to each C→E flow (the longest matching route, else E's
    /// `gateway`) and flags a reply that leaves toward another firewall or interface than
    /// the one the flow came in by. Without `routes`, no finding is made.
    ///
    /// ## Why is this bad?
    /// A stateful firewall that sees only half of a connection drops it: the traversal
    /// zone flaps or never comes up. Typical causes: a dual-NIC E with no route to C's
    /// subnet through LAN1, so replies leave by the external firewall; or, in a
    /// single-subnet DMZ, a route on E that sends replies straight through the inner
    /// firewall while the request was reflected through the outer one.
    ///
    /// ## Example
    /// ```yaml
    /// routes:
    ///   - { prefix: 10.0.0.0/8, gateway: 10.0.10.1 }   # the external firewall
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// routes:
    ///   - { prefix: 10.0.30.0/24, gateway: 10.0.20.1 } # the internal firewall, via LAN1
    /// ```
    ///
    /// ## References
    /// - Cisco Expressway Basic Configuration Deployment Guide, Static routes towards the internal network
    pub static RULE = {
        code: "MRA013",
        name: "return-path-asymmetric",
        severity: Error,
        summary: "E's replies to C leave by another firewall or interface than C's traffic came in by",
    };
}

/// E's next hop toward `destination`, and the deployment line that decides it (in the
/// deployment file, or in the dump it was read from).
fn next_hop(node: &ENode, destination: Ipv4Addr) -> Option<(Ipv4Addr, At<()>)> {
    let place = |span, file| At {
        value: (),
        span,
        file,
    };
    let covers = |network: Ipv4Addr, prefix: u8| {
        crate::model::addr::subnet(network, prefix).contains(u32::from(destination))
    };
    let lan_connected = [Some(&node.lan1), node.lan2.as_ref()]
        .into_iter()
        .flatten()
        .find(|l| covers(l.value.address, l.value.prefix));
    if let Some(lan) = lan_connected {
        return Some((destination, place(lan.span, lan.file)));
    }
    node.routes
        .iter()
        .filter(|r| covers(r.network, r.prefix))
        .max_by_key(|r| r.prefix)
        .map(|r| (r.gateway, place(r.span, r.file)))
        .or_else(|| {
            node.gateway
                .as_ref()
                .map(|g| (g.value, place(g.span, g.file)))
        })
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let (Some((deployment, _)), Some(network)) = (cx.deployment(), &cx.network) else {
        return;
    };
    let asymmetric = cx.traversal.iter().filter_map(|result| {
        let End::Delivered(host) = result.path.end else {
            return None;
        };
        let (Role::Lan1(e) | Role::Lan2(e)) = network.hosts[host].role else {
            return None;
        };
        let node = &deployment.e.nodes[e];
        if node.routes.is_empty() {
            return None;
        }
        let last = result.path.hops.last()?;
        let came_from = (last.firewall, last.trace.egress.clone()?);
        let reply_to = result.path.packet.source;
        let (hop, decided) = next_hop(node, reply_to)?;
        let span = (decided.span, decided.file);
        let goes_to = network.owner(hop);
        let same = goes_to
            .as_ref()
            .is_some_and(|(f, i)| *f == came_from.0 && i.eq_ignore_ascii_case(&came_from.1));
        (!same).then_some(((e, span, hop, goes_to, came_from), result))
    });
    for ((e, (span, file), hop, goes_to, (firewall, interface)), results) in group_by(asymmetric) {
        let node = &deployment.e.nodes[e];
        let toward = match &goes_to {
            Some((f, i)) => format!("{} ({} {i})", hop, cx.firewall_name(*f)),
            None => format!("{hop}, which no modelled firewall owns"),
        };
        let came = cx.project.firewalls[firewall]
            .model
            .interface(&interface)
            .map(|i| i.span)
            .unwrap_or_default();
        out.push(
            RULE.finding(
                format!(
                    "{}'s replies to Expressway-C go to {toward}, but C's traffic comes in from {} {interface}",
                    node.name.value,
                    cx.firewall_name(firewall)
                ),
                cx.at_deployment(
                    &At {
                        value: (),
                        span,
                        file,
                    },
                    format!("E's next hop toward C: {hop}"),
                ),
            )
            .with_related(cx.at_config(firewall, came, "C's traffic reaches E through this interface"))
            .with_notes(results.iter().map(|r| flow_line(cx, r)).collect())
            .with_help("give E a route to C's subnet through the firewall C's traffic comes through (for dual NIC: via LAN1, e.g. `xCommand RouteAdd`), so replies take the same path"),
        );
    }
}
