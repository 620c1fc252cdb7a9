use super::{declare_rule, miss_location, path_outcome, Context};
use crate::mra::Verdict;
use crate::finding::Finding;

declare_rule! {
    /// ## What it does
    /// For a single-NIC Expressway-E with static NAT serving unified-communications
    /// zones, sends a probe from E's LAN1 (UDP 36002) to E's own static NAT address
    /// (UDP 36004) and flags the config line that keeps it from coming back to E's LAN1.
    /// The source may be translated on the way; only delivery counts.
    ///
    /// ## Why is this bad?
    /// When E's back-to-back user agent handles a call's media, E sends media to its own
    /// public address: the firewall must turn it around. Without that hairpin, B2BUA calls
    /// on MRA have no media. On an ASA it needs a rule that un-NATs E's public address on
    /// E's own interface and `same-security-traffic permit intra-interface`.
    ///
    /// ## Example
    /// ```text
    /// object network EXPE
    ///  nat (dmz,outside) static 64.100.0.10
    /// ! nothing un-NATs 64.100.0.10 for traffic arriving on dmz
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// same-security-traffic permit intra-interface
    /// nat (dmz,dmz) source dynamic any interface destination static EXPE-PUBLIC EXPE
    /// ```
    /// or dual NIC, which needs no hairpin.
    ///
    /// ## References
    /// - Cisco Expressway Basic Configuration Deployment Guide, Advanced networking deployments (NAT reflection for media)
    /// - Cisco Expressway IP Port Usage Configuration Guide, Firewall configuration (hairpin exception)
    pub static RULE = {
        code: "MRA012",
        name: "media-hairpin-blocked",
        severity: Warning,
        summary: "E's media hairpin to its own public address is denied or not delivered back to E",
    };
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some((deployment, _)) = cx.deployment() else {
        return;
    };
    for probe in cx.hairpins {
        if probe.verdict == Verdict::Meets {
            continue;
        }
        let node = &deployment.e.nodes[probe.node];
        let nat = node
            .static_nat
            .as_ref()
            .expect("hairpin probes exist only with static NAT");
        let primary = match miss_location(cx, &probe.path) {
            Some((firewall, span, label)) => cx.at_config(firewall, span, label),
            None => cx.at_deployment(&node.lan1, "no modelled firewall serves this interface"),
        };
        out.push(
            RULE.finding(
                format!("{}'s media hairpin to its own public address {} does not come back to LAN1", node.name.value, nat.value),
                primary,
            )
            .with_related(cx.at_deployment(nat, "E sends B2BUA media to this address"))
            .with_notes(vec![format!("media hairpin: {} {}", probe.packet, path_outcome(cx, &probe.path))])
            .with_help("un-NAT E's public address for traffic from E's own interface and permit the U-turn:\n  same-security-traffic permit intra-interface\n  nat (dmz,dmz) source dynamic any interface destination static EXPE-PUBLIC EXPE\n(with your interface and object names), or move E to dual NIC"),
        );
    }
}
