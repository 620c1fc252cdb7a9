//! Markdown for review comments (GitHub pull requests, GitLab merge requests): summary
//! tables and, for each changed or still-broken flow, a Mermaid `flowchart LR` of its path
//! (sender → each firewall's un-NAT, access check and NAT steps with the addresses after
//! each → where it ended), which both sites render as a picture.

use crate::diff::outcome::{EndState, FlowGroup, Outcome};
use crate::diff::{Diff, FindingAt, FindingChange, FlowChange, FlowChangeKind, State};
use crate::finding::{Finding, Severity};
use crate::report::diff::{endpoints, packet_after, shown_step, step_action, verdict};

/// Diagrams beyond this many are left out (a review comment has a size limit); the flows
/// are still listed.
const MAX_DIAGRAMS: usize = 24;

/// Config text in a diagram node is cut to this many characters.
const MAX_LINE_CHARS: usize = 64;

/// A review comment holds at most 65,536 characters (GitHub): the findings table and the
/// details stop growing past these sizes, with a note, and leave room for the diagrams.
const MAX_TABLE_CHARS: usize = 20_000;
const MAX_DETAILS_CHARS: usize = 20_000;

/// A message (which may quote a name of any length) is cut to this many characters.
const MAX_MESSAGE_CHARS: usize = 600;

/// A config line quoted in the details is cut to this many characters.
const MAX_QUOTED_LINE_CHARS: usize = 400;

/// Text for a Mermaid label in double quotes: Mermaid's entity codes for what the
/// flowchart grammar or its HTML labels would take as syntax.
pub fn mermaid_text(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '#' => out.push_str("#35;"),
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '`' => out.push_str("#96;"),
            '\n' | '\r' => out.push(' '),
            c if crate::escape::is_hazard(c) => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn cut(text: &str) -> String {
    cut_to(text, MAX_LINE_CHARS)
}

/// The text, or its first `max - 1` characters and `…`.
fn cut_to(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let head: String = text.chars().take(max - 1).collect();
        format!("{head}…")
    }
}

/// A node's label: lines joined with `<br/>`, each escaped.
fn label(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| mermaid_text(l))
        .collect::<Vec<_>>()
        .join("<br/>")
}

fn sender(group: FlowGroup) -> &'static str {
    match group {
        FlowGroup::Traversal | FlowGroup::Outbound => "Expressway-C",
        FlowGroup::Internet => "internet client",
        FlowGroup::Hairpin => "Expressway-E",
    }
}

/// The Mermaid flowchart of one outcome (without the code fence).
pub fn mermaid(group: FlowGroup, outcome: &Outcome) -> String {
    let mut nodes: Vec<String> = Vec::new();
    let mut edges: Vec<String> = Vec::new();
    let mut classes: Vec<(String, &str)> = Vec::new();
    let sent = outcome.sent;
    nodes.push(format!(
        "  src[\"{}\"]",
        label(&[
            sender(group).to_string(),
            format!("{}:{}", sent.source, sent.source_port)
        ])
    ));
    let mut previous = "src".to_string();
    let mut pending = Some(endpoints(&sent));
    // The step that made an unhealthy but delivered flow unhealthy: its source NAT.
    let culprit = match (&outcome.end, outcome.healthy) {
        (EndState::Delivered(_), Some(false)) => {
            outcome.rewriting_hop().map(|h| h.firewall.clone())
        }
        _ => None,
    };
    for (h, hop) in outcome.hops.iter().enumerate() {
        let mut inner = vec![format!("    h{h}_in([\"{}\"])", mermaid_text(&hop.ingress))];
        let connect = |edges: &mut Vec<String>, from: &str, to: &str, text: Option<String>| {
            edges.push(match text {
                Some(text) => format!("  {from} -->|\"{}\"| {to}", mermaid_text(&text)),
                None => format!("  {from} --> {to}"),
            });
        };
        connect(&mut edges, &previous, &format!("h{h}_in"), pending.take());
        previous = format!("h{h}_in");
        for (s, step) in hop.steps.iter().filter(|s| shown_step(s)).enumerate() {
            let id = format!("h{h}_s{s}");
            let mut lines = vec![cut(&step_action(hop, step))];
            if let Some(line) = step.deciding_line() {
                lines.push(cut(&line.text));
                // The file's name is enough inside one path's diagram; folders make nodes tall.
                let name = line.file.rsplit('/').next().unwrap_or(&line.file);
                lines.push(format!("{name}:{}", line.line));
            }
            inner.push(format!("    {id}[\"{}\"]", label(&lines)));
            connect(&mut edges, &previous, &id, pending.take());
            if !step.allowed {
                classes.push((id.clone(), "drop"));
            } else if step.is_translation()
                && culprit.as_deref() == Some(hop.firewall.as_str())
                && hop.rewrites_source()
            {
                classes.push((id.clone(), "warn"));
            }
            previous = id;
            pending = Some(endpoints(&packet_after(hop, step)));
        }
        if hop.dropped.is_none() && !hop.to_the_box {
            let egress = hop.egress.as_deref().unwrap_or("?");
            inner.push(format!("    h{h}_out([\"{}\"])", mermaid_text(egress)));
            connect(&mut edges, &previous, &format!("h{h}_out"), None);
            previous = format!("h{h}_out");
            pending = Some(endpoints(&hop.output));
        }
        nodes.push(format!(
            "  subgraph h{h}[\"{}\"]\n    direction LR\n{}\n  end",
            mermaid_text(&hop.firewall),
            inner.join("\n")
        ));
    }
    let end_lines = match &outcome.end {
        EndState::Delivered(host) => vec![
            host.clone(),
            format!(
                "{}:{}",
                outcome.arrived.destination, outcome.arrived.destination_port
            ),
        ],
        other => vec![other.phrase()],
    };
    let mut end_lines = end_lines;
    if let Some(problem) = &outcome.problem {
        end_lines.push(problem.clone());
    }
    nodes.push(format!("  dst[\"{}\"]", label(&end_lines)));
    edges.push(match pending {
        Some(text) => format!("  {previous} -->|\"{}\"| dst", mermaid_text(&text)),
        None => format!("  {previous} --> dst"),
    });
    classes.push((
        "dst".into(),
        match outcome.healthy {
            Some(false) => "drop",
            _ => "ok",
        },
    ));
    let mut out = String::from("flowchart LR\n");
    for node in nodes {
        out.push_str(&node);
        out.push('\n');
    }
    for edge in edges {
        out.push_str(&edge);
        out.push('\n');
    }
    out.push_str("  classDef drop fill:#fde2e1,stroke:#c62828,color:#000\n");
    out.push_str("  classDef warn fill:#fff4e5,stroke:#ef6c00,color:#000\n");
    out.push_str("  classDef ok fill:#e6f4ea,stroke:#2e7d32,color:#000\n");
    for (id, class) in classes {
        out.push_str(&format!("  class {id} {class}\n"));
    }
    out
}

fn fence(diagram: &str) -> String {
    format!("```mermaid\n{diagram}```\n")
}

/// A message in a table cell: no markup but its code spans, no line breaks, no column
/// separators.
fn cell(text: &str) -> String {
    crate::escape::markdown_cell(&crate::escape::markdown_message(&cut_to(
        text,
        MAX_MESSAGE_CHARS,
    )))
}

/// A message in prose: no markup but its code spans, no line breaks.
fn prose(text: &str) -> String {
    crate::escape::markdown_message(&cut_to(text, MAX_MESSAGE_CHARS))
}

/// A code span that cannot be closed early by the text inside it, safe in a table cell.
fn code(text: &str) -> String {
    crate::escape::markdown_cell(&crate::escape::markdown_code(text))
}

/// A fenced block of plain text that the text cannot close.
fn block(text: &str) -> String {
    crate::escape::markdown_block("text", text)
}

fn counts<'a>(findings: impl Iterator<Item = &'a Finding>) -> [usize; 4] {
    let mut counts = [0; 4];
    for f in findings {
        counts[match f.severity {
            Severity::Error => 0,
            Severity::Warning => 1,
            Severity::Advice => 2,
        }] += 1;
        counts[3] += 1;
    }
    counts
}

fn findings_table(state: &State, ats: &[FindingAt]) -> String {
    let mut out = String::from("| severity | rule | where | what |\n|---|---|---|---|\n");
    for at in ats {
        let finding = state.finding(*at);
        let place = state.place(*at);
        out.push_str(&format!(
            "| {} | {} {} | {} | {} |\n",
            finding.severity.as_str(),
            code(finding.code),
            finding.name,
            code(&format!("{}:{}", place.shared, place.line)),
            cell(&finding.message)
        ));
    }
    out
}

fn finding_details(state: &State, at: FindingAt) -> String {
    let finding = state.finding(at);
    let place = state.place(at);
    let mut out = format!(
        "**{}** ({}) at {}: {}\n\n",
        finding.code,
        finding.name,
        code(&format!("{}:{}", place.shared, place.line)),
        prose(&finding.message)
    );
    out.push_str(&block(&place.text));
    out.push('\n');
    for note in &finding.notes {
        out.push_str(&format!("- {}\n", prose(note)));
    }
    if !finding.notes.is_empty() {
        out.push('\n');
    }
    if let Some(help) = &finding.help {
        out.push_str(&format!("help:\n{}\n", block(help)));
    }
    out
}

fn heading(kind: FlowChangeKind) -> &'static str {
    match kind {
        FlowChangeKind::Broken => "❌ Broken",
        FlowChangeKind::Repaired => "✅ Repaired",
        FlowChangeKind::Changed => "🔀 Changed",
        FlowChangeKind::Added => "➕ Added",
        FlowChangeKind::Removed => "➖ Removed",
    }
}

fn flow_section(change: &FlowChange, with_diagrams: bool) -> String {
    let mut out = format!(
        "#### {}: {}\n\n{}\n\n",
        heading(change.kind),
        prose(&change.title),
        prose(&change.headline)
    );
    if !with_diagrams {
        return out;
    }
    match (&change.before, &change.after) {
        (Some(before), Some(after)) => {
            out.push_str("After the change:\n\n");
            out.push_str(&fence(&mermaid(change.group, after)));
            out.push_str("\n<details><summary>Before the change</summary>\n\n");
            out.push_str(&fence(&mermaid(change.group, before)));
            out.push_str("\n</details>\n\n");
        }
        (None, Some(after)) => {
            out.push_str(&fence(&mermaid(change.group, after)));
            out.push('\n');
        }
        (Some(before), None) => {
            out.push_str("Before the change:\n\n");
            out.push_str(&fence(&mermaid(change.group, before)));
            out.push('\n');
        }
        (None, None) => {}
    }
    out
}

/// The review comment for a diff.
pub fn diff(diff: &Diff, fail_on: Option<Severity>) -> String {
    let select = |f: fn(&FindingChange) -> Option<FindingAt>| -> Vec<FindingAt> {
        diff.findings.iter().filter_map(f).collect()
    };
    let introduced = select(|c| match c {
        FindingChange::Introduced { new } => Some(*new),
        _ => None,
    });
    let worsened = select(|c| match c {
        FindingChange::Worsened { new, .. } => Some(*new),
        _ => None,
    });
    let fixed = select(|c| match c {
        FindingChange::Fixed { old } => Some(*old),
        _ => None,
    });
    let unchanged = select(|c| match c {
        FindingChange::Unchanged { new, .. } => Some(*new),
        _ => None,
    });
    let suppressed = select(|c| match c {
        FindingChange::Suppressed { new, .. } => Some(*new),
        _ => None,
    });

    let mut out = String::from("## mralint: what this change does to MRA\n\n");
    let passed = !diff.fails(fail_on);
    out.push_str(&format!(
        "{} **{}** — {} → {}\n\n",
        if passed { "✅" } else { "❌" },
        verdict(diff, fail_on),
        code(&diff.old.label),
        code(&diff.new.label)
    ));

    out.push_str("| findings | errors | warnings | advice | total |\n|---|---:|---:|---:|---:|\n");
    let rows: [(&str, &State, &Vec<FindingAt>); 5] = [
        ("introduced", &diff.new, &introduced),
        ("worse (more flows)", &diff.new, &worsened),
        ("fixed", &diff.old, &fixed),
        ("unchanged", &diff.new, &unchanged),
        ("silenced by a suppression", &diff.new, &suppressed),
    ];
    for (name, state, ats) in rows {
        let c = counts(ats.iter().map(|at| state.finding(*at)));
        out.push_str(&format!(
            "| {name} | {} | {} | {} | {} |\n",
            c[0], c[1], c[2], c[3]
        ));
    }
    out.push_str("\n| flows | count |\n|---|---:|\n");
    for (name, n) in [
        (
            "broken by this change",
            diff.flows_of(FlowChangeKind::Broken),
        ),
        ("repaired", diff.flows_of(FlowChangeKind::Repaired)),
        ("changed", diff.flows_of(FlowChangeKind::Changed)),
        ("added", diff.flows_of(FlowChangeKind::Added)),
        ("removed", diff.flows_of(FlowChangeKind::Removed)),
        ("still broken (not changed)", diff.still_broken.len()),
        ("simulated after the change", diff.flows_simulated),
    ] {
        out.push_str(&format!("| {name} | {n} |\n"));
    }
    out.push('\n');

    if !introduced.is_empty() || !worsened.is_empty() {
        out.push_str("### New findings\n\n");
        let mut new = introduced.clone();
        new.extend(&worsened);
        out.push_str(&findings_table(&diff.new, &new));
        out.push_str("\n<details><summary>Details and fixes</summary>\n\n");
        for at in &new {
            out.push_str(&finding_details(&diff.new, *at));
        }
        out.push_str("</details>\n\n");
    }
    if !fixed.is_empty() {
        out.push_str("### Fixed findings\n\n");
        out.push_str(&findings_table(&diff.old, &fixed));
        out.push('\n');
    }
    if !suppressed.is_empty() {
        out.push_str("### Silenced by a suppression comment\n\n");
        out.push_str(&findings_table(&diff.new, &suppressed));
        out.push('\n');
    }

    if !diff.flows.is_empty() {
        out.push_str("### Flows whose outcome changed\n\n");
        let mut ordered: Vec<&FlowChange> = diff.flows.iter().collect();
        ordered.sort_by_key(|c| c.kind);
        for (i, change) in ordered.iter().enumerate() {
            out.push_str(&flow_section(change, i < MAX_DIAGRAMS));
        }
        if ordered.len() > MAX_DIAGRAMS {
            out.push_str(&format!(
                "_Diagrams shown for the first {MAX_DIAGRAMS} flows; `mralint diff` prints every path._\n\n"
            ));
        }
    }
    if !diff.still_broken.is_empty() {
        out.push_str(&format!(
            "<details><summary>Flows still broken, not changed by this change ({})</summary>\n\n",
            diff.still_broken.len()
        ));
        let room = MAX_DIAGRAMS.saturating_sub(diff.flows.len());
        for (i, flow) in diff.still_broken.iter().enumerate() {
            out.push_str(&format!(
                "#### ❌ {}\n\n{}\n\n",
                prose(&flow.title),
                prose(&flow.outcome.verdict())
            ));
            if i < room {
                out.push_str(&fence(&mermaid(flow.group, &flow.outcome)));
                out.push('\n');
            }
        }
        out.push_str("</details>\n\n");
    }
    if !unchanged.is_empty() {
        out.push_str(&format!(
            "<details><summary>Unchanged findings ({})</summary>\n\n",
            unchanged.len()
        ));
        out.push_str(&findings_table(&diff.new, &unchanged));
        out.push_str("\n</details>\n");
    }
    out
}

/// The review comment for `mralint check`: the findings, and a diagram of each flow that
/// does not meet what MRA needs. `parts` are the projects with their visible findings.
pub fn check(
    parts: &[(&crate::workspace::Project, &[Finding])],
    fail_on: Option<Severity>,
) -> String {
    check_with(parts, fail_on, &[])
}

/// [`check`] with the run's notices (configs the MRA rules did not run on) under the
/// verdict.
pub fn check_with(
    parts: &[(&crate::workspace::Project, &[Finding])],
    fail_on: Option<Severity>,
    notices: &[crate::report::Notice],
) -> String {
    let all = || parts.iter().flat_map(|(_, findings)| findings.iter());
    let failing = fail_on.map_or(0, |t| all().filter(|f| f.severity >= t).count());
    let mut out = String::from("## mralint: what MRA needs from these configs\n\n");
    out.push_str(&match fail_on {
        Some(threshold) if failing > 0 => format!(
            "❌ **fails: {failing} finding{} at or above {}**\n\n",
            if failing == 1 { "" } else { "s" },
            threshold.as_str()
        ),
        _ => "✅ **passes**\n\n".to_string(),
    });
    let c = counts(all());
    out.push_str("| errors | warnings | advice | total |\n|---:|---:|---:|---:|\n");
    out.push_str(&format!(
        "| {} | {} | {} | {} |\n\n",
        c[0], c[1], c[2], c[3]
    ));
    for notice in notices {
        out.push_str(&format!(
            "> [!WARNING]\n> {}\n\n",
            crate::escape::markdown_message(&notice.message)
        ));
    }
    if c[3] > 0 {
        out.push_str("### Findings\n\n| severity | rule | where | what |\n|---|---|---|---|\n");
        let mut details = String::new();
        let (mut rows_left_out, mut details_left_out) = (0, 0);
        for (project, findings) in parts {
            for finding in findings.iter() {
                if out.len() > MAX_TABLE_CHARS {
                    rows_left_out += 1;
                    continue;
                }
                let file = project.sources.get(finding.primary.file);
                let (line, _) = file.line_col(finding.primary.span.start);
                let place = format!("{}:{line}", file.display_name());
                out.push_str(&format!(
                    "| {} | {} {} | {} | {} |\n",
                    finding.severity.as_str(),
                    code(finding.code),
                    finding.name,
                    code(&place),
                    cell(&finding.message)
                ));
                if details.len() > MAX_DETAILS_CHARS {
                    details_left_out += 1;
                    continue;
                }
                details.push_str(&format!(
                    "**{}** ({}) at {}: {}\n\n{}\n",
                    finding.code,
                    finding.name,
                    code(&place),
                    prose(&finding.message),
                    block(&cut_to(
                        &crate::fingerprint::normalized_line(&project.sources, finding),
                        MAX_QUOTED_LINE_CHARS
                    ))
                ));
                for note in &finding.notes {
                    details.push_str(&format!("- {}\n", prose(note)));
                }
                if !finding.notes.is_empty() {
                    details.push('\n');
                }
                if let Some(help) = &finding.help {
                    details.push_str(&format!("help:\n{}\n", block(help)));
                }
            }
        }
        if rows_left_out > 0 {
            out.push_str(&format!(
                "\n_{rows_left_out} more findings are not listed: a review comment holds at most 65,536 characters; `mralint check` lists them all._\n"
            ));
        }
        out.push_str("\n<details><summary>Details and fixes</summary>\n\n");
        out.push_str(&details);
        if details_left_out > 0 {
            out.push_str(&format!(
                "_Details of {details_left_out} more findings are left out to keep the comment within GitHub's size limit._\n\n"
            ));
        }
        out.push_str("</details>\n\n");
    }
    let mut simulated = 0;
    let mut broken = Vec::new();
    for (project, _) in parts {
        let cx = crate::rules::Context::new(project);
        let records =
            crate::diff::outcome::records(&cx, &|id| project.sources.get(id).display_name());
        simulated += records.len();
        broken.extend(
            records
                .into_iter()
                .filter(|r| r.outcome.healthy == Some(false)),
        );
    }
    if !broken.is_empty() {
        out.push_str(&format!(
            "### Flows that do not meet what MRA needs ({} of {simulated} simulated)\n\n",
            broken.len()
        ));
        for (i, flow) in broken.iter().enumerate() {
            out.push_str(&format!(
                "#### ❌ {}\n\n{}\n\n",
                prose(&flow.title),
                prose(&flow.outcome.verdict())
            ));
            if i < MAX_DIAGRAMS {
                out.push_str(&fence(&mermaid(flow.group, &flow.outcome)));
                out.push('\n');
            }
        }
        if broken.len() > MAX_DIAGRAMS {
            out.push_str(&format!(
                "_Diagrams shown for the first {MAX_DIAGRAMS} flows; `mralint check` lists every finding._\n\n"
            ));
        }
    } else if simulated > 0 {
        out.push_str(&format!(
            "All {simulated} simulated flows meet what MRA needs.\n"
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_escape_mermaid_syntax() {
        assert_eq!(
            mermaid_text(r#"remark "a" <b> #1 & `c`"#),
            "remark #quot;a#quot; #lt;b#gt; #35;1 #amp; #96;c#96;"
        );
    }

    #[test]
    fn long_lines_are_cut() {
        let long = "x".repeat(100);
        assert_eq!(cut(&long).chars().count(), MAX_LINE_CHARS);
        assert!(cut(&long).ends_with('…'));
        assert_eq!(cut("short"), "short");
    }
}
