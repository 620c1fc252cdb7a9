use super::{declare_rule, flow_line, group_by, Context};
use crate::deployment::Size;
use crate::eval::flows::{FlowKind, FlowResult};
use crate::eval::path::{End, Role};
use crate::eval::{Packet, Verdict};
use crate::finding::{Finding, Location};

declare_rule! {
    /// ## What it does
    /// Flags a firewall that denies the media demux ports Expressway-E listens on for
    /// Expressway-C's traversal media, while it permits the other documented set: a small
    /// or medium E listens on the first pair of its media range (36000/36001 by default)
    /// unless "Use configured demultiplexing ports" sets a pair such as 2776/2777; a large
    /// E always listens on the first 12 ports of the range. Extra permitted ports are
    /// never a finding.
    ///
    /// ## Why is this bad?
    /// Calls connect without audio or video. A classic cause: a Medium appliance with a
    /// 1 Gbps NIC becomes Large on upgrade to X8.10 and stops listening on the configured
    /// 2776/2777 pair.
    ///
    /// ## Example
    /// ```text
    /// access-list INSIDE_in extended permit udp object EXPC object EXPE range 2776 2777
    /// ! E is medium with no configured demux ports: it listens on 36000/36001
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// access-list INSIDE_in extended permit udp object EXPC object EXPE range 36000 36001
    /// ```
    /// or set E's demux ports to 2776/2777 and `demux_ports: [2776, 2777]`.
    ///
    /// ## References
    /// - Cisco Expressway IP Port Usage Configuration Guide, traversal media ports
    /// - Cisco Expressway Administrator Guide, Firewall traversal (system size)
    pub static RULE = {
        code: "MRA010",
        name: "demux-ports-mismatch",
        severity: Error,
        summary: "E's demux ports are denied while the other documented set is permitted",
    };
}

/// The documented demux set E does not use: 2776/2777, or the first pair of the range.
fn other_set(cx: &Context<'_>) -> Vec<u16> {
    let Some((deployment, _)) = cx.deployment() else {
        return Vec::new();
    };
    let (m0, _) = deployment.e.media_ports;
    match (deployment.e.size.value, &deployment.e.demux_ports) {
        (Size::Large, _) | (_, None) => vec![2776, 2777],
        (_, Some(_)) => vec![m0, m0 + 1],
    }
}

/// Whether a media flow is blocked by an access rule while the other documented demux
/// set gets through to E (so MRA010, not MRA004, explains it).
pub fn explained_by_demux(cx: &Context<'_>, result: &FlowResult) -> bool {
    if result.flow.kind != FlowKind::MediaDemux {
        return false;
    }
    let blocked = result.path.end == End::Stopped
        && result
            .path
            .last_trace()
            .is_some_and(|t| matches!(t.verdict, Verdict::Drop(d) if d.is_access_rule()));
    let (Some(network), Some((deployment, _))) = (&cx.network, cx.deployment()) else {
        return false;
    };
    blocked
        && other_set(cx).into_iter().all(|port| {
            let packet = Packet {
                destination_port: port,
                ..result.flow.packet
            };
            let gateway = deployment.c_nodes[result.flow.c_node]
                .gateway
                .as_ref()
                .map(|g| g.value);
            match network.walk(packet, gateway).end {
                End::Delivered(host) => {
                    matches!(network.hosts[host].role, Role::Lan1(_) | Role::Lan2(_))
                }
                _ => false,
            }
        })
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some((deployment, file)) = cx.deployment() else {
        return;
    };
    let explained = cx
        .traversal
        .iter()
        .filter(|r| explained_by_demux(cx, r))
        .filter_map(|r| {
            let hop = r.path.hops.last()?;
            Some(((hop.firewall, hop.trace.deciding_span()?), r))
        });
    let other = other_set(cx);
    for ((firewall, span), results) in group_by(explained) {
        let used: Vec<u16> = results
            .iter()
            .map(|r| r.flow.packet.destination_port)
            .collect();
        let range = |ports: &[u16]| match (ports.iter().min(), ports.iter().max()) {
            (Some(lo), Some(hi)) if lo != hi => format!("{lo}–{hi}"),
            (Some(lo), _) => lo.to_string(),
            _ => String::new(),
        };
        let setting = match (deployment.e.size.value, &deployment.e.demux_ports) {
            (Size::Large, _) => "a large Expressway-E always uses the first 12 ports of its media range: set the system size back to medium, or open".to_string(),
            (_, Some(_)) => "E uses its configured demultiplexing ports: turn \"Use configured demultiplexing ports\" off, or open".to_string(),
            (_, None) => format!("turn \"Use configured demultiplexing ports\" on with {} (and set `demux_ports`), or open", range(&other)),
        };
        let related = deployment.e.demux_ports.as_ref().map_or(
            Location::new(file, deployment.e.size.span, "decides E's demux ports"),
            |d| Location::new(file, d.span, "E's configured demux ports"),
        );
        out.push(
            RULE.finding(
                format!(
                    "Expressway-E listens for traversal media on UDP {}, but the firewall permits only the other set, UDP {}",
                    range(&used),
                    range(&other)
                ),
                cx.at_config(firewall, span, format!("denies UDP {}", range(&used))),
            )
            .with_related(related)
            .with_notes(results.iter().map(|r| flow_line(cx, r)).collect())
            .with_help(format!("either {setting} UDP {} toward E on the firewall", range(&used))),
        );
    }
}
