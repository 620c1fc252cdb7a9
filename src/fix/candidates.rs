//! The config changes that could fix a finding, built from the user's own lines and the
//! simulated flows, in the order they are tried: MRA001's destination-only rewrite of the
//! reflection rule; an access-list entry for a blocked MRA port, placed above the entry
//! that blocks it; `same-security-traffic permit inter-interface|intra-interface`;
//! `route-lookup` on an identity NAT rule that diverts traffic; the SIP or H.323
//! inspection taken out of the class that applies it (MRA006); a `timeout conn` or
//! `set connection timeout idle` for MRA011.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use super::{Candidate, LineEdit};
use crate::eval::path::Path;
use crate::eval::{Drop, Trace, Verdict};
use crate::finding::Finding;
use crate::model::Firewall;
use crate::rules::Context;
use crate::source::{SourceFile, Span};

/// The rules whose findings may have an automatic fix.
pub const FIXABLE: &[&str] = &["MRA001", "MRA003", "MRA004", "MRA006", "MRA007", "MRA011"];

/// The candidates for a finding (`Err`: why none can be built), or `None` when its rule
/// has no automatic fix.
pub fn for_finding(cx: &Context<'_>, finding: &Finding) -> Option<Result<Vec<Candidate>, String>> {
    let firewall = cx
        .project
        .firewalls
        .iter()
        .position(|f| f.file == finding.primary.file);
    let built = match finding.code {
        "MRA001" => destination_only(cx, firewall?, finding),
        "MRA003" => any_of(vec![
            route_lookup(cx, firewall?, finding),
            permits(cx, finding),
            reflection(cx, firewall?, finding),
        ]),
        "MRA004" | "MRA007" => permits(cx, finding),
        "MRA006" => inspection_off(cx, firewall?, finding),
        "MRA011" => idle_timeout(cx, firewall?, finding),
        _ => return None,
    };
    if let Some(firewall) = firewall {
        if cx.project.firewalls[firewall].model.platform.is_ftd() {
            return Some(Err(
                "FTD's LINA config is written by FMC or FDM: make the change there (mralint edits ASA configs only)".into(),
            ));
        }
    }
    Some(built)
}

/// Every candidate the builders could make, in their order; when none could, why.
fn any_of(built: Vec<Result<Vec<Candidate>, String>>) -> Result<Vec<Candidate>, String> {
    let mut candidates = Vec::new();
    let mut reasons = Vec::new();
    for result in built {
        match result {
            Ok(found) => candidates.extend(found),
            Err(reason) => reasons.push(reason),
        }
    }
    if candidates.is_empty() {
        Err(reasons.join("; "))
    } else {
        Ok(candidates)
    }
}

/// MRA003 without reflection: the destination-only reflection rule the finding's help
/// gives (with the objects it defines), placed first in the NAT table so that no PAT
/// rule above it takes C's traffic.
fn reflection(
    cx: &Context<'_>,
    firewall: usize,
    finding: &Finding,
) -> Result<Vec<Candidate>, String> {
    const INTRO: &str =
        "reflect E's public address for traffic from inside with destination-only NAT:";
    let help = finding.help.as_deref().unwrap_or_default();
    let Some(start) = help.find(INTRO) else {
        return Err("the finding suggests no reflection rule".into());
    };
    // The suggested lines: indented by two, up to the first line that is not.
    let lines: Vec<&str> = help[start + INTRO.len()..]
        .lines()
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| l.starts_with("  "))
        .map(|l| &l[2..])
        .collect();
    let Some(rule) = lines.iter().find(|l| l.starts_with("nat ")) else {
        return Err("the suggested reflection has no NAT rule".into());
    };
    let input = &cx.project.firewalls[firewall];
    let file = cx.project.sources.get(input.file);
    let text_lines: Vec<&str> = file.text.lines().collect();
    // Before the first twice NAT rule, else before the first object's NAT.
    let at = text_lines
        .iter()
        .position(|l| l.starts_with("nat "))
        .or_else(|| {
            text_lines
                .iter()
                .position(|l| l.starts_with(" nat "))
                .map(|i| i.saturating_sub(1))
        })
        .ok_or("the config has no NAT table to put the rule in")?;
    let placed = rule.replacen(") source", ") 1 source", 1);
    let mut cli: Vec<String> = lines
        .iter()
        .filter(|l| !l.starts_with("nat "))
        .map(|l| l.to_string())
        .collect();
    cli.push(placed);
    Ok(vec![Candidate {
        title:
            "reflect E's public address with a destination-only rule at the top of the NAT table"
                .into(),
        file: input.file,
        firewall,
        edits: vec![LineEdit::insert_before(
            at,
            lines.iter().map(|l| l.to_string()).collect(),
        )],
        cli,
    }])
}

/// The 0-based line of a byte offset.
fn line_of(file: &SourceFile, offset: usize) -> usize {
    file.line_index(offset)
}

/// A line's leading whitespace (kept when the line is rewritten).
fn indent(line: &str) -> &str {
    &line[..line.len() - line.trim_start().len()]
}

/// The twice-NAT rule at `span` written with its place in the table, so that re-entering
/// it keeps it there: `nat (a,b) N …` in section 1, `nat (a,b) after-auto N …` in 3.
fn with_position(model: &Firewall, span: Span, line: &str) -> String {
    let Some(index) = model.nat.iter().position(|r| r.span == span) else {
        return line.to_string();
    };
    let section = model.nat[index].section;
    let position = model.nat[..index]
        .iter()
        .filter(|r| r.is_twice() && r.section == section)
        .count()
        + 1;
    let words: Vec<&str> = line.split_whitespace().collect();
    // `nat (a,b)` or `nat` alone (interfaces left out: any,any).
    let mut at = if words.get(1).is_some_and(|w| w.starts_with('(')) {
        2
    } else {
        1
    };
    if words
        .get(at)
        .is_some_and(|w| w.eq_ignore_ascii_case("after-auto"))
    {
        at += 1;
    }
    let number = position.to_string();
    let mut placed: Vec<&str> = words[..at.min(words.len())].to_vec();
    placed.push(&number);
    // A line number already written (`nat (a,b) 1 source …`) is replaced.
    let rest = &words[at.min(words.len())..];
    let rest = match rest.first() {
        Some(w) if w.parse::<u32>().is_ok() => &rest[1..],
        _ => rest,
    };
    placed.extend(rest);
    placed.join(" ")
}

/// The NAT rule a finding points at.
fn nat_rule_at<'m>(
    model: &'m Firewall,
    finding: &Finding,
) -> Result<&'m crate::model::NatRule, String> {
    model
        .nat
        .iter()
        .find(|r| r.span == finding.primary.span)
        .ok_or_else(|| "the finding's line is not a NAT rule".to_string())
}

/// MRA001: the reflection rule rewritten to translate only the destination (the line the
/// finding's help already suggests).
fn destination_only(
    cx: &Context<'_>,
    firewall: usize,
    finding: &Finding,
) -> Result<Vec<Candidate>, String> {
    let input = &cx.project.firewalls[firewall];
    let (model, file) = (&input.model, cx.project.sources.get(input.file));
    let rule = nat_rule_at(model, finding)?;
    if !rule.is_twice() || rule.destination.is_none() {
        return Err("the rule has no `destination static` clause to keep: it is an object or source-only rule, and exempting C's traffic needs a new rule whose place in the table mralint cannot prove".into());
    }
    let line = file.line_text(rule.span.start);
    let fixed = crate::rules::destination_only(line.trim())
        .ok_or("the rule's source clause could not be read")?;
    Ok(vec![Candidate {
        title: "translate only the destination of C's traffic".into(),
        file: input.file,
        firewall,
        edits: vec![LineEdit::replace(
            line_of(file, rule.span.start),
            format!("{}{fixed}", indent(line)),
        )],
        cli: vec![
            format!("no {}", line.trim()),
            with_position(model, rule.span, &fixed),
        ],
    }])
}

/// MRA003: `route-lookup` on the identity NAT rule that pins the flows to its interface.
fn route_lookup(
    cx: &Context<'_>,
    firewall: usize,
    finding: &Finding,
) -> Result<Vec<Candidate>, String> {
    let input = &cx.project.firewalls[firewall];
    let (model, file) = (&input.model, cx.project.sources.get(input.file));
    let rule = nat_rule_at(model, finding)?;
    let explicit = rule.real_interface.is_some() && rule.mapped_interface.is_some();
    if !rule.is_identity() || !explicit || rule.route_lookup {
        return Err(
            "the rule is not an identity NAT rule with both interfaces named and no route-lookup"
                .into(),
        );
    }
    let line = file.line_text(rule.span.start);
    let fixed = format!("{} route-lookup", line.trim_end());
    let cli = match &rule.object {
        Some(object) => vec![format!("object network {object}"), fixed.clone()],
        None => vec![
            format!("no {}", line.trim()),
            with_position(model, rule.span, fixed.trim()),
        ],
    };
    Ok(vec![Candidate {
        title: "choose the rule's egress by the routing table (route-lookup)".into(),
        file: input.file,
        firewall,
        edits: vec![LineEdit::replace(line_of(file, rule.span.start), fixed)],
        cli,
    }])
}

/// The access list that decided a drop, and the line an entry permitting the flow must
/// go above (`None`: at the end, after the list's last entry).
fn deciding_acl<'m>(
    model: &'m Firewall,
    trace: &Trace,
    drop: Drop,
) -> Option<(&'m str, Option<Span>)> {
    let deciding = trace.deciding_span();
    if let Some(span) = deciding {
        if let Some(acl) = model
            .acls
            .values()
            .find(|acl| acl.entries.iter().any(|e| e.span == span))
        {
            return Some((acl.name.as_str(), Some(span)));
        }
    }
    let binding = match drop {
        Drop::OutboundAcl => trace
            .egress
            .as_deref()
            .and_then(|e| model.outbound.get(&e.to_ascii_lowercase())),
        _ => model
            .inbound
            .get(&trace.ingress.to_ascii_lowercase())
            .or(model.global.as_ref()),
    }?;
    Some((binding.acl.as_str(), None))
}

/// `eq 5061` or `range 36000 36001` for each run of consecutive ports.
fn port_clauses(ports: &[u16]) -> Vec<String> {
    let mut sorted = ports.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut runs: Vec<(u16, u16)> = Vec::new();
    for port in sorted {
        match runs.last_mut() {
            Some((_, hi)) if u32::from(*hi) + 1 == u32::from(port) => *hi = port,
            _ => runs.push((port, port)),
        }
    }
    runs.into_iter()
        .map(|(lo, hi)| {
            if lo == hi {
                format!("eq {lo}")
            } else {
                format!("range {lo} {hi}")
            }
        })
        .collect()
}

/// The ASA keyword of a protocol in an access-list entry.
fn protocol_keyword(protocol: u8) -> String {
    match protocol {
        6 => "tcp".into(),
        17 => "udp".into(),
        1 => "icmp".into(),
        132 => "sctp".into(),
        n => n.to_string(),
    }
}

/// Where the entries for one access list go, and what they permit.
#[derive(Default)]
struct Opening {
    /// (protocol, real source or `None` for any, real destination) → destination ports.
    flows: BTreeMap<(u8, Option<Ipv4Addr>, Ipv4Addr), Vec<u16>>,
}

/// MRA003/MRA004/MRA007: the blocked flows permitted by an entry above the one that
/// denies them (or at the end of the bound list), or `same-security-traffic` where the
/// security levels or a U-turn stopped them.
fn permits(cx: &Context<'_>, finding: &Finding) -> Result<Vec<Candidate>, String> {
    let paths: Vec<&Path> = crate::rules::packet_tracer::paths_of_finding(cx, finding);
    // (firewall, acl, line it goes above) → flows
    let mut openings: BTreeMap<(usize, String, Option<Span>), Opening> = BTreeMap::new();
    let mut same_security: BTreeMap<(usize, &'static str), ()> = BTreeMap::new();
    for path in paths {
        let Some(hop) = path.hops.last() else {
            continue;
        };
        let Verdict::Drop(drop) = hop.trace.verdict else {
            continue;
        };
        let model = &cx.project.firewalls[hop.firewall].model;
        match drop {
            Drop::AclDeny | Drop::ImplicitDeny | Drop::OutboundAcl => {
                let Some((acl, above)) = deciding_acl(model, &hop.trace, drop) else {
                    return Err("the access list that drops the flow could not be found".into());
                };
                let real = hop.trace.untranslated;
                // Internet clients are anyone: the simulated client only stands for them.
                let source = (finding.code != "MRA007").then_some(hop.trace.input.source);
                openings
                    .entry((hop.firewall, acl.to_string(), above))
                    .or_default()
                    .flows
                    .entry((real.protocol, source, real.destination))
                    .or_default()
                    .push(real.destination_port);
            }
            Drop::UTurn => {
                same_security.insert((hop.firewall, "intra-interface"), ());
            }
            Drop::SecurityLevel => {
                let level =
                    |name: Option<&str>| name.and_then(|n| model.interface(n)).map(|i| i.level);
                let (from, to) = (
                    level(Some(&hop.trace.ingress)),
                    level(hop.trace.egress.as_deref()),
                );
                if from.is_some() && from == to {
                    same_security.insert((hop.firewall, "inter-interface"), ());
                } else {
                    return Err(format!(
                        "no access list is bound to {}: binding one would subject all its traffic to the list, which is a design decision",
                        hop.trace.ingress
                    ));
                }
            }
            other => {
                return Err(format!(
                    "the flow is dropped by {} ({}), not by an access rule",
                    cx.firewall_name(hop.firewall),
                    other.code()
                ))
            }
        }
    }
    let mut candidates = Vec::new();
    for ((firewall, acl, above), opening) in openings {
        candidates.push(ace_candidate(cx, firewall, &acl, above, &opening));
    }
    for (firewall, keyword) in same_security.into_keys() {
        candidates.push(same_security_candidate(cx, firewall, keyword));
    }
    match candidates.len() {
        0 => Err("the finding names no flow an access rule drops".into()),
        // One edit per firewall and list: tried together as one fix.
        1 => Ok(candidates),
        _ => merge(candidates).map(|c| vec![c]),
    }
}

/// Several candidates on one file made into one (a finding's flows are fixed together).
fn merge(candidates: Vec<Candidate>) -> Result<Candidate, String> {
    let first = candidates[0].clone();
    if candidates.iter().any(|c| c.file != first.file) {
        return Err(
            "the flows are blocked on several firewalls: fix them one firewall at a time".into(),
        );
    }
    let mut merged = Candidate {
        title: candidates
            .iter()
            .map(|c| c.title.clone())
            .collect::<Vec<_>>()
            .join(", and "),
        edits: Vec::new(),
        cli: Vec::new(),
        ..first
    };
    for candidate in candidates {
        merged.edits.extend(candidate.edits);
        merged.cli.extend(candidate.cli);
    }
    merged.edits.sort_by_key(|e| e.line);
    Ok(merged)
}

/// The entries permitting `opening`'s flows in `acl`, above the line `above` (or after
/// the list's last line).
fn ace_candidate(
    cx: &Context<'_>,
    firewall: usize,
    acl: &str,
    above: Option<Span>,
    opening: &Opening,
) -> Candidate {
    let input = &cx.project.firewalls[firewall];
    let file = cx.project.sources.get(input.file);
    let prefix = format!("access-list {acl} ");
    let list_lines: Vec<usize> = file
        .text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with(&prefix))
        .map(|(i, _)| i)
        .collect();
    let mut entries = Vec::new();
    for ((protocol, source, destination), ports) in &opening.flows {
        let keyword = protocol_keyword(*protocol);
        let clauses = if matches!(protocol, 6 | 17 | 132) {
            port_clauses(ports)
        } else {
            vec![String::new()]
        };
        let source = source.map_or("any".to_string(), |s| format!("host {s}"));
        for clause in clauses {
            entries.push(
                format!("{prefix}extended permit {keyword} {source} host {destination} {clause}")
                    .trim_end()
                    .to_string(),
            );
        }
    }
    let (at, cli) = match above {
        Some(span) => {
            let line = line_of(file, span.start);
            // ASA line numbers count every line of the list, remarks included.
            let position = list_lines.iter().filter(|l| **l < line).count() + 1;
            let cli = entries
                .iter()
                .enumerate()
                .map(|(i, e)| e.replacen(&prefix, &format!("{prefix}line {} ", position + i), 1))
                .collect();
            (line, cli)
        }
        None => (
            list_lines
                .last()
                .map_or(file.text.lines().count(), |l| l + 1),
            entries.clone(),
        ),
    };
    Candidate {
        title: match above {
            Some(span) => format!(
                "permit the flows in {acl} above the entry that denies them (line {})",
                file.line_col(span.start).0
            ),
            None => format!("permit the flows at the end of {acl}"),
        },
        file: input.file,
        firewall,
        edits: vec![LineEdit::insert_before(at, entries)],
        cli,
    }
}

/// `same-security-traffic permit KEYWORD`, beside the firewall's interfaces.
fn same_security_candidate(cx: &Context<'_>, firewall: usize, keyword: &str) -> Candidate {
    let input = &cx.project.firewalls[firewall];
    let file = cx.project.sources.get(input.file);
    let command = format!("same-security-traffic permit {keyword}");
    // After the existing same-security line, else after the last interface block.
    let lines: Vec<&str> = file.text.lines().collect();
    let after_interfaces = lines
        .iter()
        .rposition(|l| l.starts_with("interface "))
        .map(|start| {
            start
                + 1
                + lines[start + 1..]
                    .iter()
                    .take_while(|l| l.starts_with([' ', '\t']))
                    .count()
        });
    let at = lines
        .iter()
        .rposition(|l| l.starts_with("same-security-traffic "))
        .map(|i| i + 1)
        .or(after_interfaces)
        .unwrap_or(lines.len());
    Candidate {
        title: format!("permit traffic between same-level interfaces ({keyword})"),
        file: input.file,
        firewall,
        edits: vec![LineEdit::insert_before(at, vec![command.clone()])],
        cli: vec![command],
    }
}

/// MRA006: the `inspect sip` (or H.323) line taken out of its class.
fn inspection_off(
    cx: &Context<'_>,
    firewall: usize,
    finding: &Finding,
) -> Result<Vec<Candidate>, String> {
    let input = &cx.project.firewalls[firewall];
    let file = cx.project.sources.get(input.file);
    let span = finding.primary.span;
    let inspect = input
        .model
        .policies
        .iter()
        .flat_map(|p| &p.inspects)
        .find(|(_, s)| *s == span)
        .map(|(name, _)| name.clone())
        .ok_or("the finding's line is not an `inspect` action of an applied policy")?;
    let index = line_of(file, span.start);
    let mut cli = parents(file, index);
    cli.push(format!(
        "{}no inspect {inspect}",
        indent(file.line_text(span.start))
    ));
    Ok(vec![Candidate {
        title: format!("turn `inspect {inspect}` off in its class"),
        file: input.file,
        firewall,
        edits: vec![LineEdit {
            line: index,
            remove: 1,
            insert: Vec::new(),
        }],
        cli,
    }])
}

/// The idle timeout Cisco asks for Expressway's TCP connections.
const TWO_HOURS: &str = "2:00:00";

/// MRA011: the finding's `timeout conn` or `set connection timeout idle` raised to 2
/// hours, or a `timeout conn` added when the default applies.
fn idle_timeout(
    cx: &Context<'_>,
    firewall: usize,
    finding: &Finding,
) -> Result<Vec<Candidate>, String> {
    let input = &cx.project.firewalls[firewall];
    let model = &input.model;
    let file = cx.project.sources.get(input.file);
    let span = finding.primary.span;
    let line = file.line_text(span.start);
    let index = line_of(file, span.start);
    let replaced_after = |keyword: &str| -> Option<String> {
        let words: Vec<&str> = line.split_whitespace().collect();
        let at = words.iter().position(|w| w.eq_ignore_ascii_case(keyword))? + 1;
        words.get(at)?;
        let mut fixed = words.clone();
        fixed[at] = TWO_HOURS;
        Some(format!("{}{}", indent(line), fixed.join(" ")))
    };
    let candidate = |edits, cli| Candidate {
        title: format!("raise the idle timeout to {TWO_HOURS}"),
        file: input.file,
        firewall,
        edits,
        cli,
    };
    if model.timeout_conn.is_some_and(|(_, s)| s == span) {
        let fixed = replaced_after("conn").ok_or("the `timeout conn` line could not be read")?;
        return Ok(vec![candidate(
            vec![LineEdit::replace(index, fixed)],
            vec![format!("timeout conn {TWO_HOURS}")],
        )]);
    }
    if model
        .policies
        .iter()
        .any(|p| p.idle_timeout.is_some_and(|(_, s)| s == span))
    {
        let fixed = replaced_after("idle").ok_or("the `set connection` line could not be read")?;
        let mut cli = parents(file, index);
        cli.push(fixed.clone());
        return Ok(vec![candidate(vec![LineEdit::replace(index, fixed)], cli)]);
    }
    // The default applies: a `timeout conn` line after the other timeouts.
    let lines: Vec<&str> = file.text.lines().collect();
    let at = lines
        .iter()
        .rposition(|l| l.starts_with("timeout "))
        .map(|i| i + 1)
        .or_else(|| lines.iter().position(|l| l.starts_with(": end")))
        .unwrap_or(lines.len());
    let command = format!("timeout conn {TWO_HOURS}");
    Ok(vec![candidate(
        vec![LineEdit::insert_before(at, vec![command.clone()])],
        vec![command],
    )])
}

/// The lines that enter the sub-mode of 0-based line `index` (`policy-map P`, ` class C`),
/// outermost first.
fn parents(file: &SourceFile, index: usize) -> Vec<String> {
    let lines: Vec<&str> = file.text.lines().collect();
    let mut depth = indent(lines[index]).len();
    let mut chain = Vec::new();
    for line in lines[..index].iter().rev() {
        let here = indent(line).len();
        if here < depth && !line.trim().is_empty() && !line.trim_start().starts_with('!') {
            chain.push(line.trim_end().to_string());
            depth = here;
            if here == 0 {
                break;
            }
        }
    }
    chain.reverse();
    chain
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consecutive_ports_make_a_range() {
        assert_eq!(
            port_clauses(&[36001, 36000, 5061, 36000]),
            vec!["eq 5061", "range 36000 36001"]
        );
    }

    #[test]
    fn a_rewritten_twice_rule_keeps_its_place() {
        let config = "interface g0\n nameif inside\n security-level 100\n ip address 10.0.30.1 255.255.255.0\ninterface g1\n nameif dmz\n security-level 50\n ip address 10.0.10.1 255.255.255.0\nobject network A\n host 10.0.30.2\nobject network B\n host 10.0.10.2\nnat (inside,dmz) source static A A\nnat (inside,dmz) source dynamic A B destination static B B\nnat (inside,dmz) after-auto source dynamic A interface\n";
        let parsed = crate::syntax::parse_config(config);
        let model = crate::model::build(&parsed.config);
        let second = model.nat.iter().filter(|r| r.section == 1).nth(1).unwrap();
        assert_eq!(
            with_position(
                &model,
                second.span,
                "nat (inside,dmz) source static A A destination static B B"
            ),
            "nat (inside,dmz) 2 source static A A destination static B B"
        );
        let after = model.nat.iter().find(|r| r.section == 3).unwrap();
        assert_eq!(
            with_position(
                &model,
                after.span,
                "nat (inside,dmz) after-auto source static A A"
            ),
            "nat (inside,dmz) after-auto 1 source static A A"
        );
    }

    #[test]
    fn sub_mode_lines_come_with_their_parents() {
        let file = SourceFile::new(
            "asa.cfg",
            "policy-map global_policy\n class EXPRESSWAY\n  set connection timeout idle 0:30:00\n",
        );
        assert_eq!(
            parents(&file, 2),
            vec!["policy-map global_policy", " class EXPRESSWAY"]
        );
    }
}
