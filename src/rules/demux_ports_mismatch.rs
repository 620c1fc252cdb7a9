use super::{declare_rule, flow_line, group_by, Context};
use crate::deployment::{Deployment, Size};
use crate::finding::{Finding, Location, Severity};
use crate::mra::catalogue::{
    large_demux_ports, large_only_demux_port, other_demux_set, small_medium_demux_ports,
};
use crate::mra::Miss;

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

/// `36000–36011`, `2776`: a set of ports in few words.
fn range(ports: &[u16]) -> String {
    match (ports.iter().min(), ports.iter().max()) {
        (Some(lo), Some(hi)) if lo != hi => format!("{lo}–{hi}"),
        (Some(lo), _) => lo.to_string(),
        _ => String::new(),
    }
}

/// What decides E's demux ports: its configured pair, the setting in its dump, or the
/// system size.
fn deciding_setting(cx: &Context<'_>, deployment: &Deployment) -> Location {
    let e = &deployment.e;
    match (&e.demux_ports, &e.demux_setting) {
        (Some(pair), _) => cx.at_deployment(pair, "E's configured demux ports"),
        (None, Some(setting)) if setting.value => cx.at_deployment(
            setting,
            "configured demux ports, which a large system ignores",
        ),
        (None, Some(setting)) => cx.at_deployment(
            setting,
            "off: E listens on the first pair of its media range",
        ),
        (None, None) => cx.at_deployment(&e.size, "decides E's demux ports"),
    }
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some((deployment, _)) = cx.deployment() else {
        return;
    };
    let e = &deployment.e;
    if !e.size_given {
        let mut finding = RULE
            .finding(
                "Expressway-E's system size is not given (xConfiguration does not hold it): the demux ports of both a small/medium and a large system are checked",
                cx.at_deployment(&e.size, "no `size` for these dumps"),
            )
            .with_help(format!(
                "add `size: small`, `medium` or `large` under `expressway_e` (a large system listens on UDP {} for traversal media, a small or medium one on UDP {}; TURN on a large system may also listen on 3479–3483, which is not checked)",
                range(&large_demux_ports(deployment)),
                range(&small_medium_demux_ports(deployment))
            ));
        finding.severity = Severity::Advice;
        out.push(finding);
    }
    // The media flows an access rule drops while E's other documented demux set gets
    // through: the analysis explains them by E's demux ports (and MRA004 leaves them).
    let explained = cx.traversal.iter().filter_map(|r| {
        let Some(Miss::DemuxPorts { hop }) = r.verdict.miss() else {
            return None;
        };
        let hop = &r.path.hops[*hop];
        let port = r.flow.packet.destination_port;
        Some((
            (
                hop.firewall,
                hop.trace.deciding_span()?,
                large_only_demux_port(deployment, port),
            ),
            r,
        ))
    });
    for ((firewall, span, large_only), results) in group_by(explained) {
        let used: Vec<u16> = results
            .iter()
            .map(|r| r.flow.packet.destination_port)
            .collect();
        let other = other_demux_set(deployment, used[0]);
        let primary = cx.at_config(firewall, span, format!("denies UDP {}", range(&used)));
        let notes = results.iter().map(|r| flow_line(cx, r)).collect();
        if large_only {
            let mut finding = RULE
                .finding(
                    format!(
                        "if Expressway-E is large, it also listens for traversal media on UDP {}, which the firewall denies while it permits the small/medium set, UDP {}",
                        range(&used),
                        range(&other)
                    ),
                    primary,
                )
                .with_related(cx.at_deployment(&e.size, "no `size` for these dumps"))
                .with_notes(notes)
                .with_help(format!(
                    "the system size is not in xConfiguration: add `size:` under `expressway_e` (small or medium needs nothing more), or open UDP {} toward E for a large system",
                    range(&used)
                ));
            finding.severity = Severity::Warning;
            out.push(finding);
            continue;
        }
        let setting = match (e.size_given && e.size.value == Size::Large, &e.demux_ports) {
            (true, _) => "a large Expressway-E always uses the first 12 ports of its media range: set the system size back to medium, or open".to_string(),
            (_, Some(_)) => "E uses its configured demultiplexing ports: turn \"Use configured demultiplexing ports\" off, or open".to_string(),
            (_, None) if e.demux_setting.is_some() => format!("turn \"Use configured demultiplexing ports\" on with {}, or open", range(&other)),
            (_, None) => format!("turn \"Use configured demultiplexing ports\" on with {} (and set `demux_ports`), or open", range(&other)),
        };
        let mut finding = RULE
            .finding(
                format!(
                    "Expressway-E listens for traversal media on UDP {}, but the firewall permits only the other set, UDP {}",
                    range(&used),
                    range(&other)
                ),
                primary,
            )
            .with_related(deciding_setting(cx, deployment));
        if e.size.value == Size::Large && e.demux_setting.is_some() {
            finding = finding.with_related(cx.at_deployment(&e.size, "a large system"));
        }
        out.push(finding.with_notes(notes).with_help(format!(
            "either {setting} UDP {} toward E on the firewall",
            range(&used)
        )));
    }
}
