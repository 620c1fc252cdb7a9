use std::collections::BTreeMap;

use super::{declare_rule, Context};
use crate::eval::path::{End, Path};
use crate::finding::Finding;
use crate::model::{FmcRule, FmcRuleKind};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// On Firepower Threat Defense (FTD), finds the Expressway-C → Expressway-E and
    /// internet → Expressway-E flows that LINA allows only through a `permit` entry of the
    /// access control policy (`access-list CSM_FW_ACL_ advanced permit … rule-id N`): FTD
    /// hands such a connection to Snort, whose access control rules and intrusion or file
    /// policies give the final verdict. The finding names the FMC rule (`remark rule-id N:
    /// L7 RULE: NAME`) and lists the flows it decides. A flow that a `trust` rule (Trust,
    /// or a prefilter Fastpath rule) allows is fast-pathed and not reported.
    ///
    /// ## Why is this bad?
    /// The LINA configuration cannot show what Snort does. An `L7 RULE` has application,
    /// URL, user or other layer 7 conditions: its LINA entry is broader than the rule, so
    /// the flow may well match a later rule, or the default action, once Snort has
    /// identified the application. An Allow rule with an intrusion or file policy can drop
    /// SIP over TLS or traversal media it mistakes for an attack. mralint's verdict for
    /// these flows is LINA's only; this is advice to confirm the rest in FMC.
    ///
    /// ## Example
    /// ```text
    /// access-list CSM_FW_ACL_ remark rule-id 268435461: ACCESS POLICY: Edge-ACP - Mandatory
    /// access-list CSM_FW_ACL_ remark rule-id 268435461: L7 RULE: Allow-MRA-SIP
    /// access-list CSM_FW_ACL_ advanced permit tcp ifc outside any ifc dmz-external object EXPE-LAN2 eq 5061 rule-id 268435461
    /// ```
    ///
    /// ## Use instead
    /// A Trust rule for the Expressway ports (FMC: Policies > Access Control, action
    /// Trust; or a prefilter rule with action Fastpath), which LINA writes as:
    /// ```text
    /// access-list CSM_FW_ACL_ remark rule-id 268435462: L4 RULE: Trust-MRA-SIP
    /// access-list CSM_FW_ACL_ advanced trust tcp ifc outside any ifc dmz-external object EXPE-LAN2 eq 5061 rule-id 268435462
    /// ```
    /// or keep the Allow rule and check in FMC that its application conditions match
    /// MRA's traffic and that its intrusion policy passes it.
    ///
    /// ## References
    /// - Cisco TAC 212321, Clarify the Firepower Threat Defense Access Control Policy Rule Actions
    /// - Cisco TAC 212700, Configuration and Operation of FTD Prefilter Policies
    /// - Cisco Secure Firewall Management Center Device Configuration Guide, Access Control Rules
    pub static RULE = {
        code: "MRA014",
        name: "snort-evaluated-permit",
        severity: Advice,
        summary: "on FTD, only a permit that Snort still evaluates allows a flow MRA needs",
    };
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some((deployment, _)) = cx.deployment() else {
        return;
    };
    // (firewall, entry) → (rule, flows)
    let mut decided: BTreeMap<(usize, Span), (&FmcRule, Vec<String>)> = BTreeMap::new();
    let traversal = cx.traversal.iter().map(|r| {
        let line = super::flow_line(cx, r);
        (&r.path, line)
    });
    let internet = cx.internet.iter().map(|r| {
        let e = &deployment.e.nodes[r.flow.e_node].name.value;
        (
            &r.path,
            format!("{}: {} (internet to {e})", r.flow.service, r.flow.packet),
        )
    });
    for (path, line) in traversal.chain(internet) {
        for (firewall, span, rule) in snort_entries(cx, path) {
            let entry = decided
                .entry((firewall, span))
                .or_insert((rule, Vec::new()));
            if !entry.1.contains(&line) {
                entry.1.push(line.clone());
            }
        }
    }
    for ((firewall, span), (rule, flows)) in decided {
        out.push(finding(cx, firewall, span, rule, flows));
    }
}

/// The entries that let a delivered flow through only by handing it to Snort, with their
/// FMC rules: a flow that does not arrive is other rules' business.
fn snort_entries<'p>(cx: &'p Context<'_>, path: &Path) -> Vec<(usize, Span, &'p FmcRule)> {
    if !matches!(path.end, End::Delivered(_)) {
        return Vec::new();
    }
    path.hops
        .iter()
        .flat_map(|hop| {
            let model = &cx.project.firewalls[hop.firewall].model;
            hop.trace.permitted_by.iter().filter_map(move |&span| {
                let rule = model.fmc_rule_at(span)?;
                rule.snort_decides().then_some((hop.firewall, span, rule))
            })
        })
        .collect()
}

fn finding(
    cx: &Context<'_>,
    firewall: usize,
    span: Span,
    rule: &FmcRule,
    flows: Vec<String>,
) -> Finding {
    let (why, check) = match rule.kind {
        FmcRuleKind::L7 => (
            "L7 RULE: broader in LINA than in FMC",
            "check that the rule's layer 7 conditions match MRA's traffic (SIP over TLS, HTTPS to 8443, traversal media), or MRA falls through to a later rule or the default action",
        ),
        _ => (
            "Allow rule: intrusion and file policies apply",
            "check that the rule's intrusion and file policies pass MRA's traffic (SIP over TLS, HTTPS to 8443, traversal media)",
        ),
    };
    let mut finding = RULE.finding(
        format!(
            "{rule} on {} allows {} flow(s) MRA needs only by handing them to Snort: the final verdict is in the access control policy",
            cx.firewall_name(firewall),
            flows.len()
        ),
        cx.at_config(firewall, span, format!("permit: Snort decides ({why})")),
    );
    let policy = rule
        .policy
        .as_deref()
        .map_or(String::new(), |p| format!(" of policy '{p}'"));
    let name = rule.name.as_deref().unwrap_or("this rule");
    let manager = if rule.fdm { "FDM" } else { "FMC" };
    finding.help = Some(format!(
        "In {manager} (Policies > Access Control{policy}), rule '{name}': {check}. To take the verdict out of Snort's hands, allow these flows with a Trust rule above it (or a prefilter rule with action Fastpath), which LINA writes as `advanced trust … rule-id N` and fast-paths"
    ));
    finding.notes = flows;
    finding
}
