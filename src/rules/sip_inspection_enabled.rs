use std::collections::BTreeMap;

use super::{declare_rule, Context};
use crate::eval::policy::{applies_on, class_matches};
use crate::finding::{Finding, Severity};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags `inspect sip`, `inspect h323 h225` and `inspect h323 ras` actions on a
    /// firewall that Expressway flows cross (the C→E traversal flows and the internet→E
    /// flows). An error when the inspection's class matches one of those flows (a class
    /// that matches any traffic, an access list or a port that takes them in); advice when
    /// it is applied on their path but matches none of them (the ASA's default
    /// `inspection_default` class sees SIP only on 5060, and TLS cannot be inspected).
    ///
    /// ## Why is this bad?
    /// The ALG rewrites addresses inside SIP and SDP that Expressway already handles
    /// itself: one-way audio, missing ACKs, failed calls. Cisco asks for SIP and H.323
    /// inspection to be off on every firewall carrying Expressway traffic.
    ///
    /// ## Example
    /// ```text
    /// policy-map global_policy
    ///  class inspection_default
    ///   inspect sip
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// policy-map global_policy
    ///  class inspection_default
    ///   no inspect sip
    /// ```
    ///
    /// ## References
    /// - Cisco TAC 214282, Troubleshoot media failure when SIP inspection is on
    /// - Cisco Expressway Basic Configuration Deployment Guide, Firewall and NAT settings
    pub static RULE = {
        code: "MRA006",
        name: "sip-inspection-enabled",
        severity: Error,
        summary: "SIP or H.323 inspection is on for Expressway traffic (advice when it matches none of it)",
    };
}

const ALGS: &[&str] = &["sip", "h323 h225", "h323 ras"];

pub fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    if cx.deployment().is_none() {
        return;
    }
    let paths = cx.expressway_paths();
    // (firewall, inspect line) → (inspection, flows it matches, crossed at all)
    let mut actions: BTreeMap<(usize, Span), (String, Vec<String>, bool)> = BTreeMap::new();
    for path in &paths {
        for hop in &path.hops {
            let firewall = &cx.project.firewalls[hop.firewall].model;
            for class in &firewall.policies {
                if !applies_on(class, &hop.trace.ingress, hop.trace.egress.as_deref()) {
                    continue;
                }
                for (inspect, span) in class
                    .inspects
                    .iter()
                    .filter(|(i, _)| ALGS.contains(&i.as_str()))
                {
                    let entry = actions
                        .entry((hop.firewall, *span))
                        .or_insert_with(|| (inspect.clone(), Vec::new(), false));
                    entry.2 = true;
                    if class_matches(firewall, class, Some(inspect), &hop.trace.input) {
                        let flow = hop.trace.input.to_string();
                        if !entry.1.contains(&flow) {
                            entry.1.push(flow);
                        }
                    }
                }
            }
        }
    }
    for ((firewall, span), (inspect, matched, _)) in actions {
        let matches_flows = !matched.is_empty();
        let mut finding = RULE
            .finding(
                if matches_flows {
                    format!("`inspect {inspect}` inspects Expressway traffic on {}", cx.firewall_name(firewall))
                } else {
                    format!("`inspect {inspect}` is on where Expressway traffic passes {}", cx.firewall_name(firewall))
                },
                cx.at_config(
                    firewall,
                    span,
                    if matches_flows { "this ALG rewrites Expressway's SIP/H.323" } else { "applies on the Expressway path" },
                ),
            )
            .with_notes(matched)
            .with_help(format!(
                "turn the ALG off in this class (`no inspect {inspect}`): Cisco asks for SIP and H.323 inspection to be off on firewalls carrying Expressway traffic"
            ));
        if !matches_flows {
            finding.severity = Severity::Advice;
        }
        out.push(finding);
    }
}
