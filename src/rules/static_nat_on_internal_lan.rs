use super::{at_dump, declare_rule, dumps, Context};
use crate::finding::Finding;
use crate::xconfig::model::{LanId, Side};

declare_rule! {
    /// ## What it does
    /// Reads the interface settings of each Expressway-E `xconfig` dump and flags the two
    /// dual-NIC anomalies of the key reference: static NAT on LAN1 while LAN2 is in use
    /// (LAN1 is then the internal interface, the one clusters use), and LAN2 in use while
    /// the external LAN interface is still LAN1. LAN2 is in use when its address is not
    /// the factory default 192.168.0.100 ("Use dual network interfaces" has no key).
    ///
    /// ## Why is this bad?
    /// Cisco's dual-NIC design puts the static NAT on LAN2, the external interface;
    /// static NAT on the internal (cluster) interface is not supported and makes E
    /// advertise its public address to the inside. With LAN2 in use but LAN1 marked
    /// external, E sends TURN relays and NAT-ed signalling out of the wrong side.
    ///
    /// ## Example
    /// ```text
    /// *c xConfiguration Ethernet 1 IP V4 StaticNAT Mode: "On"
    /// *c xConfiguration Ethernet 2 IP V4 Address: "10.0.10.2"
    /// *c xConfiguration IP External Interface: "LAN1"
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// *c xConfiguration Ethernet 1 IP V4 StaticNAT Mode: "Off"
    /// *c xConfiguration Ethernet 2 IP V4 StaticNAT Mode: "On"
    /// *c xConfiguration IP External Interface: "LAN2"
    /// ```
    ///
    /// ## References
    /// - Cisco Expressway Basic Configuration Deployment Guide (X14), Advanced networking deployments
    /// - Cisco Expressway Administrator Guide (X15.3), Network and system settings
    pub static RULE = {
        code: "XCF003",
        name: "static-nat-on-internal-lan",
        severity: Error,
        summary: "Expressway-E has static NAT on LAN1 while LAN2 is in use, or uses LAN2 without making it external",
    };
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for e in dumps(cx, Side::E) {
        let x = &e.node;
        let Some(lan2) = x.lan2.address.as_ref().filter(|_| x.lan2.in_use()) else {
            continue;
        };
        let name = e.name().value;
        if let Some(mode) = x.lan1.nat_on() {
            out.push(
                RULE.finding(
                    format!("{name} has static NAT on LAN1 while LAN2 is in use ({}): static NAT belongs on the external interface, never on the internal (cluster) one", lan2.value),
                    at_dump(e, mode, "static NAT on LAN1"),
                )
                .with_related(at_dump(e, lan2, "LAN2 in use"))
                .with_help("turn static NAT off on LAN1 and on on LAN2, with the external LAN interface set to LAN2 (Cisco's dual-NIC design)"),
            );
        }
        if x.external_id() == LanId::Lan1 {
            let here = match &x.external {
                Some(external) => at_dump(e, external, "LAN1 is external"),
                None => at_dump(e, lan2, "no external LAN interface set: LAN1 by default"),
            };
            let mut finding = RULE
                .finding(
                    format!("{name} uses LAN2 ({}), but its external LAN interface is LAN1", lan2.value),
                    here,
                )
                .with_help("set the external LAN interface to LAN2 and put the static NAT there (Cisco's dual-NIC design); or, for a single-NIC E, set LAN2 back to unused");
            if x.external.is_some() {
                finding = finding.with_related(at_dump(e, lan2, "LAN2 in use"));
            }
            out.push(finding);
        }
    }
}
