use super::{declare_rule, Context};
use crate::deployment::{Nic, ZoneService};
use crate::finding::Finding;

declare_rule! {
    /// ## What it does
    /// Flags a deployment whose Expressway-E has a single NIC with static NAT and serves
    /// a unified-communications (MRA) traversal zone. Reported once per E cluster, on
    /// the `nic` field.
    ///
    /// ## Why is this bad?
    /// Cisco documents this design but advises against it. Expressway-C must target E's
    /// public address, so the firewall has to reflect (hairpin) C's traffic back to E's
    /// private address with destination-only NAT, and E's B2BUA media has to hairpin
    /// through the firewall too (about three times the bandwidth; some firewalls refuse
    /// it). A reflection rule that also translates the source breaks MRA (MRA001).
    ///
    /// ## Example
    /// ```yaml
    /// expressway_e:
    ///   nic: single
    ///   nodes:
    ///     - { name: expe1, lan1: 10.0.10.2/24, static_nat: 64.100.0.10 }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// expressway_e:
    ///   nic: dual
    ///   nodes:
    ///     - { name: expe1, lan1: 10.0.20.2/24, lan2: 10.0.10.2/24, static_nat: 64.100.0.10 }
    /// ```
    /// with C's traversal peer resolving to LAN1.
    ///
    /// ## References
    /// - Cisco Expressway Basic Configuration Deployment Guide, "Recommended: Dual NIC Static NAT Deployment"
    /// - Cisco TAC 211267 and 212392 (dual NIC recommended over NAT reflection)
    pub static RULE = {
        code: "MRA009",
        name: "single-nic-reflection",
        severity: Warning,
        summary: "single NIC with static NAT needs reflection and a media hairpin; dual NIC is recommended",
    };
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some((deployment, _)) = cx.deployment() else {
        return;
    };
    let e = &deployment.e;
    let natted: Vec<_> = e
        .nodes
        .iter()
        .filter_map(|n| n.static_nat.as_ref().map(|s| (n, s)))
        .collect();
    let uc = deployment
        .zones
        .iter()
        .any(|z| z.zone_type.value == ZoneService::UnifiedCommunications);
    if e.nic.value != Nic::Single || natted.is_empty() || !uc {
        return;
    }
    let mut finding = RULE
        .finding(
            "single-NIC Expressway-E with static NAT: C's traffic needs NAT reflection and E's media a hairpin",
            cx.at_deployment(&e.nic, "single NIC"),
        )
        .with_help("Cisco recommends dual NIC: enable \"Use dual network interfaces\", put the static NAT on LAN2 (external) and point C's traversal peer at LAN1, so no reflection is needed");
    for (node, nat) in natted {
        finding = finding.with_related(cx.at_deployment(
            nat,
            format!(
                "{}'s static NAT address: C must reach it through the firewall",
                node.name.value
            ),
        ));
    }
    out.push(finding);
}
