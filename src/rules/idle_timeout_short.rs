use std::collections::BTreeMap;

use super::{declare_rule, first_line, Context};
use crate::eval::policy::{applies_on, class_matches};
use crate::finding::Finding;
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Finds the idle timeout that applies to each TCP flow of Expressway-E on each
    /// firewall it crosses (a `set connection timeout idle` in a class that matches the
    /// flow, else `timeout conn`, whose ASA default is 1:00:00) and gives advice when it
    /// is under two hours. UDP flows are never checked: they carry keep-alives, and the
    /// ASA's two-minute UDP default is expected.
    ///
    /// ## Why is this bad?
    /// Cisco's port guide asks for inactivity timeouts of at least two hours on the
    /// Expressway ports. Traversal keeps its connections alive with probes, so this is
    /// advice: long idle TCP sessions (H.323, some proxied sessions) are cut first.
    ///
    /// ## Example
    /// ```text
    /// timeout conn 1:00:00 half-closed 0:10:00 udp 0:02:00
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// timeout conn 2:00:00 half-closed 0:10:00 udp 0:02:00
    /// ```
    ///
    /// ## References
    /// - Cisco Expressway IP Port Usage Configuration Guide, Firewall configuration
    /// - Cisco ASA CLI Configuration Guide, Connection settings (global timeouts)
    pub static RULE = {
        code: "MRA011",
        name: "idle-timeout-short",
        severity: Advice,
        summary: "the idle timeout for Expressway's TCP flows is under 2 hours",
    };
}

const TWO_HOURS: u32 = 7200;
const ASA_DEFAULT: u32 = 3600;

fn hms(seconds: u32) -> String {
    format!(
        "{}:{:02}:{:02}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    if cx.deployment().is_none() {
        return;
    }
    let paths = cx.expressway_paths();
    // (firewall, deciding line or None for the default) → (timeout, flows)
    let mut short: BTreeMap<(usize, Option<Span>), (u32, Vec<String>)> = BTreeMap::new();
    for path in paths {
        for hop in path.hops.iter().filter(|h| h.trace.input.protocol == 6) {
            let firewall = &cx.project.firewalls[hop.firewall].model;
            let class = firewall.policies.iter().find(|c| {
                c.idle_timeout.is_some()
                    && applies_on(c, &hop.trace.ingress, hop.trace.egress.as_deref())
                    && class_matches(firewall, c, None, &hop.trace.input)
            });
            let (seconds, span) = match (class.and_then(|c| c.idle_timeout), firewall.timeout_conn)
            {
                (Some((s, span)), _) | (None, Some((s, span))) => (s, Some(span)),
                (None, None) => (ASA_DEFAULT, None),
            };
            // 0:00:00 means no idle timeout.
            if seconds == 0 || seconds >= TWO_HOURS {
                continue;
            }
            let flow = hop.trace.input.to_string();
            let entry = short
                .entry((hop.firewall, span))
                .or_insert((seconds, Vec::new()));
            if !entry.1.contains(&flow) {
                entry.1.push(flow);
            }
        }
    }
    for ((firewall, span), (seconds, flows)) in short {
        let (span, label) = match span {
            Some(span) => (span, format!("idle timeout {}", hms(seconds))),
            None => (
                first_line(cx, firewall),
                "no `timeout conn`: the ASA default idle timeout is 1:00:00".to_string(),
            ),
        };
        out.push(
            RULE.finding(
                format!("Expressway's TCP connections through {} time out after {} idle, under the 2 hours Cisco asks for", cx.firewall_name(firewall), hms(seconds)),
                cx.at_config(firewall, span, label),
            )
            .with_notes(flows)
            .with_help("raise it to at least 2:00:00 (`timeout conn 2:00:00`, or `set connection timeout idle 2:00:00` in a class matching Expressway's ports)"),
        );
    }
}
