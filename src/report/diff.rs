//! `mralint diff` output: human, JSON (our versioned schema), SARIF with `baselineState`,
//! and GitHub annotations. The markdown review comment is in [`super::markdown`].

use serde_json::{json, Value};

use crate::diff::outcome::{ConfigLine, HopRecord, Outcome, Step};
use crate::diff::{Diff, FindingAt, FindingChange, FlowChange, FlowChangeKind, State};
use crate::escape::terminal;
use crate::eval::{Packet, PhaseKind};
use crate::finding::{Finding, Severity};
use crate::source::FileId;

/// `2 errors, 1 warning, 0 advice` of some findings.
fn severities<'a>(findings: impl Iterator<Item = &'a Finding>) -> [usize; 3] {
    let mut counts = [0; 3];
    for f in findings {
        counts[match f.severity {
            Severity::Error => 0,
            Severity::Warning => 1,
            Severity::Advice => 2,
        }] += 1;
    }
    counts
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// `10.0.30.2:25000 → 10.0.10.2:7003`
pub fn endpoints(packet: &Packet) -> String {
    packet.endpoints()
}

/// The packet after a step: un-NAT and the access check see the real destination; the
/// NAT step sends the translated source on.
pub fn packet_after(hop: &HopRecord, step: &Step) -> Packet {
    match step.kind {
        PhaseKind::Nat => hop.output,
        _ => hop.untranslated,
    }
}

/// Whether a step is worth showing: un-NAT, access checks, translations, and any step
/// that dropped the packet. Route lookups and flow creation say nothing a reviewer needs.
pub fn shown_step(step: &Step) -> bool {
    match step.kind {
        PhaseKind::UnNat | PhaseKind::AccessList => true,
        PhaseKind::Nat => step.is_translation() || !step.allowed,
        PhaseKind::RouteLookup | PhaseKind::FlowCreation => !step.allowed,
        // Not simulated: a diff has nothing to say about it.
        PhaseKind::Snort => false,
    }
}

/// What a step did, in a few words: `un-NAT 64.100.0.10:7003 to 10.0.10.2:7003`,
/// `access permitted`, `access denied`, `source translated to 64.100.0.10:25000 (PAT)`.
pub fn step_action(hop: &HopRecord, step: &Step) -> String {
    let after = packet_after(hop, step);
    match (step.kind, step.allowed) {
        (PhaseKind::UnNat, true) => format!(
            "un-NAT {}:{} to {}:{}",
            hop.input.destination,
            hop.input.destination_port,
            after.destination,
            after.destination_port
        ),
        (PhaseKind::AccessList, true) => "access permitted".into(),
        (PhaseKind::AccessList, false) => match step.info.first() {
            Some(info) => format!(
                "access denied ({})",
                info.trim_start_matches("Implicit Rule: ")
            ),
            None => "access denied".into(),
        },
        (PhaseKind::Nat, true) => {
            if after.source == hop.input.source && after.source_port == hop.input.source_port {
                format!("source kept as {}:{}", after.source, after.source_port)
            } else {
                format!(
                    "source translated to {}:{}{}",
                    after.source,
                    after.source_port,
                    if hop.port_may_change { " (PAT)" } else { "" }
                )
            }
        }
        (PhaseKind::Nat, false) if step.subtype == "rpf-check" => {
            "dropped: the NAT reverse-path check fails".into()
        }
        (kind, false) => format!(
            "dropped at {}{}",
            kind.as_str(),
            step.info
                .first()
                .map(|i| format!(" ({i})"))
                .unwrap_or_default()
        ),
        (kind, true) => kind.as_str().to_string(),
    }
}

/// `` `text` (file:line) `` of a config line, in its own state.
fn cite(line: &ConfigLine) -> String {
    format!("`{}` ({}:{})", line.text, line.file, line.line)
}

/// `asa-edge (inside → dmz)`, or `asa-edge (from dmz)` when it never chose an egress.
pub fn hop_name(hop: &HopRecord) -> String {
    match &hop.egress {
        Some(egress) => format!("{} ({} → {egress})", hop.firewall, hop.ingress),
        None => format!("{} (from {})", hop.firewall, hop.ingress),
    }
}

/// The lines of an outcome, hop by hop, for human output.
fn outcome_lines(outcome: &Outcome, indent: &str) -> Vec<String> {
    let mut lines = Vec::new();
    for hop in &outcome.hops {
        lines.push(format!(
            "{indent}{}: arrives as {}",
            hop_name(hop),
            endpoints(&hop.input)
        ));
        let mut previous: Option<&ConfigLine> = None;
        for step in hop.steps.iter().filter(|s| shown_step(s)) {
            let line = match step.deciding_line() {
                Some(l) if previous.is_some_and(|p| p == l) => " by the same rule".to_string(),
                Some(l) => format!(" by {}", cite(l)),
                None => String::new(),
            };
            previous = step.deciding_line();
            lines.push(format!("{indent}  {}{line}", step_action(hop, step)));
        }
    }
    lines.push(format!("{indent}{}", outcome.verdict()));
    lines
}

fn mark(kind: FlowChangeKind) -> &'static str {
    match kind {
        FlowChangeKind::Broken => "✗",
        FlowChangeKind::Repaired => "✓",
        FlowChangeKind::Changed => "~",
        FlowChangeKind::Added => "+",
        FlowChangeKind::Removed => "-",
    }
}

/// The verdict line: whether the change fails review, and why.
pub fn verdict(diff: &Diff, fail_on: Option<Severity>) -> String {
    let new: Vec<&Finding> = diff.new_findings().collect();
    match fail_on {
        _ if diff.fails(fail_on) => {
            let threshold = fail_on.map_or("", |s| s.as_str());
            let failing = new
                .iter()
                .filter(|f| fail_on.is_some_and(|t| f.severity >= t))
                .count();
            format!(
                "fails: {} at or above {threshold}",
                plural(failing, "new finding")
            )
        }
        Some(threshold) if !new.is_empty() => {
            format!("passes: the new findings are below {}", threshold.as_str())
        }
        _ => "passes: no new finding".into(),
    }
}

/// A compact line for a finding: `MRA001(traversal-source-translated) asa.cfg:61 message`.
/// One line naming a finding, safe for a terminal (its message quotes input names).
fn finding_line(state: &State, at: FindingAt) -> String {
    terminal(&finding_line_raw(state, at)).into_owned()
}

fn finding_line_raw(state: &State, at: FindingAt) -> String {
    let finding = state.finding(at);
    let place = state.place(at);
    format!(
        "{} {}({}) {}:{}: {}",
        finding.severity.as_str(),
        finding.code,
        finding.name,
        place.shown,
        place.line,
        finding.message
    )
}

/// Human output: introduced findings in full (with their config snippets), the rest in
/// one line each, then every changed flow with its path before and after.
pub fn human(diff: &Diff, fail_on: Option<Severity>, color: bool, width: usize) -> String {
    let mut out = format!("mralint diff: {} → {}\n", diff.old.label, diff.new.label);

    let introduced: Vec<FindingAt> = diff
        .findings
        .iter()
        .filter_map(|c| match c {
            FindingChange::Introduced { new } => Some(*new),
            _ => None,
        })
        .collect();
    out.push_str(&format!(
        "\nIntroduced: {}\n",
        plural(introduced.len(), "finding")
    ));
    for at in &introduced {
        let project = diff.new.project_of(*at);
        out.push('\n');
        out.push_str(&crate::report::human::render(
            std::slice::from_ref(diff.new.finding(*at)),
            &project.project.sources,
            color,
            width,
        ));
    }

    let worsened: Vec<(FindingAt, &Vec<String>)> = diff
        .findings
        .iter()
        .filter_map(|c| match c {
            FindingChange::Worsened {
                new, added_notes, ..
            } => Some((*new, added_notes)),
            _ => None,
        })
        .collect();
    if !worsened.is_empty() {
        out.push_str(&format!(
            "\nWorse: {} now also covering more flows\n",
            plural(worsened.len(), "finding")
        ));
        for (at, notes) in worsened {
            out.push_str(&format!("  {}\n", finding_line(&diff.new, at)));
            for note in notes {
                out.push_str(&format!("    now also: {}\n", terminal(note)));
            }
        }
    }

    let fixed: Vec<FindingAt> = diff
        .findings
        .iter()
        .filter_map(|c| match c {
            FindingChange::Fixed { old } => Some(*old),
            _ => None,
        })
        .collect();
    out.push_str(&format!("\nFixed: {}\n", plural(fixed.len(), "finding")));
    for at in &fixed {
        out.push_str(&format!("  {}\n", finding_line(&diff.old, *at)));
    }

    let suppressed: Vec<(Option<FindingAt>, FindingAt)> = diff
        .findings
        .iter()
        .filter_map(|c| match c {
            FindingChange::Suppressed { old, new } => Some((*old, *new)),
            _ => None,
        })
        .collect();
    if !suppressed.is_empty() {
        out.push_str(&format!(
            "\nSilenced by a suppression comment in this change: {}\n",
            plural(suppressed.len(), "finding")
        ));
        for (old, new) in suppressed {
            let reason = diff.new.finding(new).suppressed.clone().unwrap_or_default();
            let how = if old.is_some() {
                "was reported before"
            } else {
                "new, suppressed at once"
            };
            out.push_str(&format!(
                "  {} ({how}; reason: {})\n",
                finding_line(&diff.new, new),
                terminal(&reason)
            ));
        }
    }

    let unchanged: Vec<&Finding> = diff
        .findings
        .iter()
        .filter_map(|c| match c {
            FindingChange::Unchanged { new, .. } => Some(diff.new.finding(*new)),
            _ => None,
        })
        .collect();
    let mut codes: Vec<&str> = unchanged.iter().map(|f| f.code).collect();
    codes.sort_unstable();
    codes.dedup();
    out.push_str(&format!(
        "\nUnchanged: {}{}\n",
        plural(unchanged.len(), "finding"),
        if codes.is_empty() {
            String::new()
        } else {
            format!(" ({})", codes.join(", "))
        }
    ));

    out.push_str(&format!(
        "\nFlows: {} broken, {} repaired, {} changed, {} added, {} removed, of {} simulated\n",
        diff.flows_of(FlowChangeKind::Broken),
        diff.flows_of(FlowChangeKind::Repaired),
        diff.flows_of(FlowChangeKind::Changed),
        diff.flows_of(FlowChangeKind::Added),
        diff.flows_of(FlowChangeKind::Removed),
        diff.flows_simulated
    ));
    for change in &diff.flows {
        out.push_str(&terminal(&flow_change_text(change)));
    }
    if !diff.still_broken.is_empty() {
        out.push_str(&format!(
            "\nStill broken, not changed by this change: {}\n",
            plural(diff.still_broken.len(), "flow")
        ));
        for flow in &diff.still_broken {
            out.push_str(&terminal(&format!(
                "  ✗ {}: {}\n",
                flow.title,
                flow.outcome.verdict()
            )));
        }
    }

    let introduced_counts = severities(introduced.iter().map(|at| diff.new.finding(*at)));
    out.push_str(&format!(
        "\nmralint diff: {} introduced ({}, {}, {} advice), {}{} fixed, {} unchanged; {} broken, {} repaired — {}\n",
        introduced.len(),
        plural(introduced_counts[0], "error"),
        plural(introduced_counts[1], "warning"),
        introduced_counts[2],
        match diff.count(|c| matches!(c, FindingChange::Worsened { .. })) {
            0 => String::new(),
            n => format!("{n} worse, "),
        },
        fixed.len(),
        unchanged.len(),
        plural(diff.flows_of(FlowChangeKind::Broken), "flow"),
        diff.flows_of(FlowChangeKind::Repaired),
        verdict(diff, fail_on)
    ));
    out
}

fn flow_change_text(change: &FlowChange) -> String {
    let mut out = format!(
        "\n  {} {}: {}\n    {}\n",
        mark(change.kind),
        change.kind.as_str(),
        change.title,
        change.headline
    );
    if change.same_outcome {
        return out;
    }
    for (label, outcome) in [("before", &change.before), ("after", &change.after)] {
        if let Some(outcome) = outcome {
            out.push_str(&format!("    {label}:\n"));
            for line in outcome_lines(outcome, "      ") {
                out.push_str(&line);
                out.push('\n');
            }
        }
    }
    out
}

fn json_finding(state: &State, at: FindingAt) -> Value {
    let finding = state.finding(at);
    let project = state.project_of(at);
    let place = state.place(at);
    json!({
        "code": finding.code,
        "name": finding.name,
        "severity": finding.severity,
        "message": finding.message,
        "file": place.shown,
        "path": place.shared,
        "line": place.line,
        "column": place.column,
        "text": place.text,
        "help": finding.help,
        "notes": finding.notes,
        "fingerprint": project.identities[at.finding].exact,
    })
}

fn json_line(line: &ConfigLine, status: &str) -> Value {
    json!({ "file": line.file, "line": line.line, "text": line.text, "status": status })
}

fn json_packet(packet: &Packet) -> Value {
    json!({
        "protocol": crate::eval::protocol_name(packet.protocol),
        "source": packet.source.to_string(),
        "source_port": packet.source_port,
        "destination": packet.destination.to_string(),
        "destination_port": packet.destination_port,
    })
}

/// An outcome as JSON; each config line says whether the other state has it too.
fn json_outcome(outcome: &Outcome, other: &State, mine_only: &str) -> Value {
    let status = |line: &ConfigLine| {
        if other.has_statement(line) {
            "kept"
        } else {
            mine_only
        }
    };
    json!({
        "end": outcome.end.phrase(),
        "healthy": outcome.healthy,
        "problem": outcome.problem,
        "sent": json_packet(&outcome.sent),
        "arrived": json_packet(&outcome.arrived),
        "source_port_may_change": outcome.port_may_change,
        "hops": outcome.hops.iter().map(|hop| json!({
            "firewall": hop.firewall,
            "ingress": hop.ingress,
            "egress": hop.egress,
            "input": json_packet(&hop.input),
            "output": json_packet(&hop.output),
            "dropped": hop.dropped,
            "steps": hop.steps.iter().filter(|s| shown_step(s)).map(|step| json!({
                "phase": step.kind.as_str(),
                "allowed": step.allowed,
                "action": step_action(hop, step),
                "after": json_packet(&packet_after(hop, step)),
                "lines": step.lines.iter().map(|l| json_line(l, status(l))).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// JSON: `{"version":1,"kind":"diff","findings":{…},"flows":[…],"summary":{…}}`.
pub fn json(diff: &Diff, fail_on: Option<Severity>) -> String {
    let mut introduced = Vec::new();
    let mut worsened = Vec::new();
    let mut fixed = Vec::new();
    let mut unchanged = Vec::new();
    let mut suppressed = Vec::new();
    for change in &diff.findings {
        match change {
            FindingChange::Introduced { new } => introduced.push(json_finding(&diff.new, *new)),
            FindingChange::Worsened {
                new, added_notes, ..
            } => {
                let mut value = json_finding(&diff.new, *new);
                value["added_notes"] = json!(added_notes);
                worsened.push(value);
            }
            FindingChange::Fixed { old } => fixed.push(json_finding(&diff.old, *old)),
            FindingChange::Unchanged { old, new } => {
                let mut value = json_finding(&diff.new, *new);
                let was = diff.old.place(*old);
                value["was"] = json!({ "file": was.shown, "line": was.line, "text": was.text });
                unchanged.push(value);
            }
            FindingChange::Suppressed { old, new } => {
                let mut value = json_finding(&diff.new, *new);
                value["reason"] = json!(diff.new.finding(*new).suppressed);
                value["reported_before"] = json!(old.is_some());
                suppressed.push(value);
            }
        }
    }
    let flows: Vec<Value> = diff
        .flows
        .iter()
        .map(|change| {
            json!({
                "change": change.kind,
                "group": change.group,
                "key": change.key,
                "flow": change.title,
                "summary": change.headline,
                "before": change.before.as_ref().map(|o| json_outcome(o, &diff.new, "removed")),
                "after": change.after.as_ref().map(|o| json_outcome(o, &diff.old, "added")),
            })
        })
        .collect();
    let counts = severities(diff.new_findings());
    let report = json!({
        "version": 1,
        "kind": "diff",
        "old": diff.old.label,
        "new": diff.new.label,
        "findings": {
            "introduced": introduced,
            "worsened": worsened,
            "fixed": fixed,
            "unchanged": unchanged,
            "suppressed": suppressed,
        },
        "flows": flows,
        "still_broken": diff.still_broken.iter().map(|f| json!({
            "group": f.group, "key": f.key, "flow": f.title, "problem": f.outcome.problem,
        })).collect::<Vec<_>>(),
        "summary": {
            "new": { "errors": counts[0], "warnings": counts[1], "advice": counts[2] },
            "introduced": introduced.len(),
            "worsened": worsened.len(),
            "fixed": fixed.len(),
            "unchanged": unchanged.len(),
            "suppressed": suppressed.len(),
            "flows_simulated": diff.flows_simulated,
            "flows_broken": diff.flows_of(FlowChangeKind::Broken),
            "flows_repaired": diff.flows_of(FlowChangeKind::Repaired),
            "flows_changed": diff.flows_of(FlowChangeKind::Changed),
            "flows_added": diff.flows_of(FlowChangeKind::Added),
            "flows_removed": diff.flows_of(FlowChangeKind::Removed),
            "fails": diff.fails(fail_on),
        },
    });
    serde_json::to_string_pretty(&report).unwrap_or_default() + "\n"
}

/// SARIF: the new state's findings with `baselineState` (new, updated, unchanged). Fixed
/// findings are left out (code scanning closes their alerts itself; kept, at their old
/// level they would count as errors at a line of the old file): with `keep_fixed` they
/// are `absent` results at level `none`.
pub fn sarif(diff: &Diff, keep_fixed: bool) -> String {
    let mut results = Vec::new();
    let result_of = |state: &State, at: FindingAt, baseline: &str| {
        let project = state.project_of(at);
        let path_of = |id: FileId| project.uri[id.0].clone();
        let mut value =
            crate::report::sarif::result(state.finding(at), &project.project.sources, &path_of);
        value["baselineState"] = json!(baseline);
        value
    };
    for change in &diff.findings {
        results.push(match change {
            FindingChange::Introduced { new } => result_of(&diff.new, *new, "new"),
            FindingChange::Worsened { new, .. } => result_of(&diff.new, *new, "updated"),
            FindingChange::Unchanged { new, .. } => result_of(&diff.new, *new, "unchanged"),
            FindingChange::Suppressed { old, new } => result_of(
                &diff.new,
                *new,
                if old.is_some() { "unchanged" } else { "new" },
            ),
            FindingChange::Fixed { old } => {
                if !keep_fixed {
                    continue;
                }
                let mut value = result_of(&diff.old, *old, "absent");
                value["level"] = json!("none");
                value
            }
        });
    }
    crate::report::sarif::log(results)
}

/// GitHub annotations: one per new or worsened finding (where the change put it), and a
/// notice summing up fixed findings and changed flows.
pub fn github(diff: &Diff, fail_on: Option<Severity>) -> String {
    let mut out = String::new();
    for (p, project) in diff.new.projects.iter().enumerate() {
        let new: Vec<Finding> = diff
            .findings
            .iter()
            .filter_map(|c| match c {
                FindingChange::Introduced { new } | FindingChange::Worsened { new, .. }
                    if new.project == p =>
                {
                    Some(project.findings[new.finding].clone())
                }
                _ => None,
            })
            .collect();
        out.push_str(&crate::report::github::render_all(&[(
            &new,
            &project.project.sources,
        )]));
    }
    let fixed = diff
        .findings
        .iter()
        .filter(|c| matches!(c, FindingChange::Fixed { .. }))
        .count();
    let broken: Vec<&FlowChange> = diff
        .flows
        .iter()
        .filter(|f| f.kind == FlowChangeKind::Broken)
        .collect();
    let mut summary = format!(
        "{} fixed; flows: {} broken, {} repaired, {} changed; {}",
        plural(fixed, "finding"),
        broken.len(),
        diff.flows_of(FlowChangeKind::Repaired),
        diff.flows_of(FlowChangeKind::Changed),
        verdict(diff, fail_on)
    );
    for flow in broken {
        summary.push_str(&format!("\n- broken: {}: {}", flow.title, flow.headline));
    }
    out.push_str(&format!(
        "::notice title=mralint diff::{}\n",
        crate::escape::github_data(&summary)
    ));
    out
}
