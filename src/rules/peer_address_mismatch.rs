use super::{declare_rule, Context};
use crate::deployment::{Nic, ZoneService};
use crate::finding::{Finding, Severity};

declare_rule! {
    /// ## What it does
    /// Checks the address each traversal peer configured on Expressway-C resolves to
    /// (through `dns`) against the NIC design of Expressway-E: single NIC with static NAT
    /// → the static NAT address; single NIC without → LAN1; dual NIC → LAN1 (the internal
    /// interface). An error for unified-communications zones, a warning for B2B zones.
    /// Advice, same code, when the peer is an IP address rather than a name.
    ///
    /// ## Why is this bad?
    /// A single-NIC E with static NAT writes its public address into signalling and
    /// expects C there; C pointed at the private address breaks calls. A dual-NIC E
    /// listens for XMPP/XCP (7400) only on LAN1, and reaching LAN2 from the inside needs
    /// reflection. An IP address as peer fails TLS verification unless it is in E's
    /// certificate.
    ///
    /// ## Example
    /// ```yaml
    /// expressway_e: { nic: dual, nodes: [{ name: expe1, lan1: 10.0.20.2/24, lan2: 10.0.10.2/24 }] }
    /// traversal_zones: [{ name: UC, type: unified-communications, port: 7001, peers: [10.0.10.2] }]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// dns: { expe-internal.example.com: 10.0.20.2 }
    /// traversal_zones: [{ name: UC, type: unified-communications, port: 7001, peers: [expe-internal.example.com] }]
    /// ```
    ///
    /// ## References
    /// - Cisco Expressway Basic Configuration Deployment Guide, Advanced networking deployments
    /// - Cisco TAC 117811, MRA in a multi-domain deployment
    pub static RULE = {
        code: "MRA008",
        name: "peer-address-mismatch",
        severity: Error,
        summary: "C's traversal peer resolves to the wrong E address for the NIC design",
    };
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some((deployment, _)) = cx.deployment() else {
        return;
    };
    let e = &deployment.e;
    let expected: Vec<(std::net::Ipv4Addr, &str, &str)> = e
        .nodes
        .iter()
        .map(|n| match (e.nic.value, &n.static_nat) {
            (Nic::Single, Some(nat)) => {
                (nat.value, n.name.value.as_str(), "its static NAT address")
            }
            (Nic::Single, None) => (n.lan1.value.address, n.name.value.as_str(), "LAN1"),
            (Nic::Dual, _) => (
                n.lan1.value.address,
                n.name.value.as_str(),
                "LAN1, the internal interface",
            ),
        })
        .collect();
    let design = match (e.nic.value, e.nodes.iter().any(|n| n.static_nat.is_some())) {
        (Nic::Single, true) => "a single-NIC Expressway-E with static NAT",
        (Nic::Single, false) => "a single-NIC Expressway-E without static NAT",
        (Nic::Dual, _) => "a dual-NIC Expressway-E",
    };
    // A peer XCF002 flags from the dumps is its finding, not a second one here.
    let flagged = crate::mra::peers::reported_at_dumps(cx.project);
    for zone in &deployment.zones {
        let uc = zone.zone_type.value == ZoneService::UnifiedCommunications;
        for peer in &zone.peers {
            if let Some(file) = peer.text.file {
                if flagged.contains(&(file, peer.text.span)) {
                    continue;
                }
            }
            if !expected.iter().any(|(a, ..)| *a == peer.address) {
                let wanted = expected
                    .iter()
                    .map(|(a, n, what)| format!("{a} ({n}, {what})"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let mut finding = RULE
                    .finding(
                        format!("traversal peer `{}` resolves to {}, but {design} must be reached at {wanted}", peer.text.value, peer.address),
                        cx.at_deployment(&peer.text, format!("resolves to {}", peer.address)),
                    )
                    .with_help("point the zone's peer address at the right interface (for dual NIC an internal DNS name for LAN1; for single NIC with static NAT E's external FQDN)");
                if !uc {
                    finding.severity = Severity::Warning;
                }
                out.push(finding);
            } else if peer.text.value.parse::<std::net::Ipv4Addr>().is_ok() {
                let mut finding = RULE
                    .finding(
                        format!("traversal peer {} is an IP address, not a name", peer.text.value),
                        cx.at_deployment(&peer.text, "an IP address"),
                    )
                    .with_help("use E's FQDN: the traversal zone verifies E's certificate against the peer name (TLS verify), so an address works only if it is in E's certificate");
                finding.severity = Severity::Advice;
                out.push(finding);
            }
        }
    }
}
