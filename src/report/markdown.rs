//! Markdown for review comments (GitHub pull requests, GitLab merge requests): summary
//! tables and, per deployment, the flows grouped by the config line that decided them: one
//! Mermaid `flowchart TD` per cause (sender → each firewall's un-NAT, access check and NAT
//! steps with the addresses after each → where it ended), the fix beside it and the flows
//! it affects listed. Top-down with wrapped labels, a diagram stays about 500 px wide, so
//! GitHub's 850 px column does not shrink its text; nothing in a label is cut.

use crate::diff::outcome::{ConfigLine, EndState, FlowGroup, Outcome, Step};
use crate::diff::{Diff, FindingAt, FindingChange, FlowChange, FlowChangeKind, State};
use crate::finding::{Finding, Severity};
use crate::report::diff::{endpoints, packet_after, shown_step, step_action, verdict};

/// Diagrams beyond this many are left out (a review comment has a size limit); the flows
/// are still listed.
const MAX_DIAGRAMS: usize = 24;

/// Config text in a diagram node is wrapped (at spaces) to lines of this many characters:
/// about 360 px, so a top-down diagram stays well inside GitHub's 850 px column.
pub const MAX_LABEL_LINE_CHARS: usize = 44;

/// A whole comment stays below GitHub's 65,536-character limit, with room for its tail.
pub const MAX_COMMENT_CHARS: usize = 60_000;

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

/// Text wrapped at spaces into lines of at most [`MAX_LABEL_LINE_CHARS`] characters (a
/// word longer than that is split): whole, never cut.
fn wrap(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        while word.len() > MAX_LABEL_LINE_CHARS {
            if !current.is_empty() {
                lines.push(std::mem::take(&mut current));
            }
            lines.push(word.drain(..MAX_LABEL_LINE_CHARS).collect());
        }
        let word: String = word.into_iter().collect();
        let len = current.chars().count();
        if len > 0 && len + 1 + word.chars().count() > MAX_LABEL_LINE_CHARS {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(&word);
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    lines
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
            let mut lines = wrap(&step_action(hop, step));
            if let Some(line) = step.deciding_line() {
                lines.extend(wrap(&line.text));
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
            "  subgraph h{h}[\"{}\"]\n    direction TB\n{}\n  end",
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
        other => wrap(&other.phrase()),
    };
    let mut end_lines = end_lines;
    if let Some(problem) = &outcome.problem {
        end_lines.extend(wrap(problem));
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
    let mut out = String::from("flowchart TD\n");
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

/// The config line that decided an outcome: the entry or rule that dropped the flow, else
/// the rule that translated its source.
fn cause(outcome: &Outcome) -> Option<&ConfigLine> {
    outcome
        .hops
        .iter()
        .flat_map(|h| &h.steps)
        .find(|s| !s.allowed)
        .and_then(Step::deciding_line)
        .or_else(|| outcome.source_rule())
}

/// One flow in a cause's list.
struct Listed<'a> {
    title: &'a str,
    /// What happened to it: its verdict, or (in a diff) the change's headline.
    what: String,
    group: FlowGroup,
    /// The outcome drawn, and the one before the change (diff).
    after: Option<&'a Outcome>,
    before: Option<&'a Outcome>,
}

/// Flows that one config line decided.
struct ByCause<'a> {
    cause: Option<&'a ConfigLine>,
    flows: Vec<Listed<'a>>,
}

/// Flows grouped by the line that decided them, in order of first appearance. Flows
/// without a deciding line group by what happened to them.
fn by_cause<'a>(flows: Vec<(Option<&'a ConfigLine>, Listed<'a>)>) -> Vec<ByCause<'a>> {
    let mut groups: Vec<(String, ByCause<'a>)> = Vec::new();
    for (cause, flow) in flows {
        let key = match cause {
            Some(line) => format!("{}:{}", line.file, line.line),
            None => format!("\u{0}{}", flow.what),
        };
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, group)) => group.flows.push(flow),
            None => groups.push((
                key,
                ByCause {
                    cause,
                    flows: vec![flow],
                },
            )),
        }
    }
    groups.into_iter().map(|(_, g)| g).collect()
}

/// The section of one cause: the whole line, its fix beside it, the flows it decides, one
/// diagram (folded when `fold`), or none past the diagram budget.
fn cause_section(
    level: &str,
    icon: &str,
    group: &ByCause,
    fixes: &[(&str, &str)],
    draw: bool,
    fold: bool,
) -> String {
    let n = group.flows.len();
    let flows = format!("{n} flow{}", if n == 1 { "" } else { "s" });
    let mut out = match group.cause {
        Some(line) => format!(
            "{level} {icon} {} decides {flows}\n\n{}\n",
            code(&format!("{}:{}", line.file, line.line)),
            block(&cut_to(&line.text, MAX_QUOTED_LINE_CHARS))
        ),
        None => format!(
            "{level} {icon} {}{}\n\n",
            prose(group.flows[0].title),
            if n > 1 {
                format!(" and {} more", n - 1)
            } else {
                String::new()
            }
        ),
    };
    for (code_, help) in fixes {
        out.push_str(&format!("**Fix** ({code_}):\n{}\n", block(help)));
    }
    for flow in &group.flows {
        out.push_str(&format!("- {}: {}\n", prose(flow.title), prose(&flow.what)));
    }
    out.push('\n');
    if !draw {
        return out;
    }
    let first = &group.flows[0];
    let mut diagrams = String::new();
    match (first.before, first.after) {
        (Some(before), Some(after)) => {
            diagrams.push_str(&fence(&mermaid(first.group, after)));
            diagrams.push_str("\n<details><summary>Before the change</summary>\n\n");
            diagrams.push_str(&fence(&mermaid(first.group, before)));
            diagrams.push_str("\n</details>\n\n");
        }
        (None, Some(outcome)) | (Some(outcome), None) => {
            diagrams.push_str(&fence(&mermaid(first.group, outcome)));
            diagrams.push('\n');
        }
        (None, None) => {}
    }
    let whose = if n > 1 {
        format!(" (the path of {})", prose(first.title))
    } else {
        String::new()
    };
    if fold {
        out.push_str(&format!(
            "<details><summary>Diagram{whose}</summary>\n\n{diagrams}</details>\n\n"
        ));
    } else if !diagrams.is_empty() {
        if n > 1 {
            out.push_str(&format!("The path of {}:\n\n", prose(first.title)));
        }
        out.push_str(&diagrams);
    }
    out
}

/// A deployment's name in headings: its deployment file, or its config when linted alone.
fn project_name(project: &crate::workspace::Project) -> String {
    project
        .deployment
        .as_ref()
        .map(|d| d.file)
        .or_else(|| project.firewalls.first().map(|f| f.file))
        .map(|file| project.sources.get(file).display_name())
        .unwrap_or_default()
}

/// Where a fence opens: its character and length (three or more backticks or tildes).
fn fence_of(line: &str) -> Option<(char, usize)> {
    let c = line.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let n = line.chars().take_while(|x| *x == c).count();
    (n >= 3).then_some((c, n))
}

/// The comment as GitHub accepts it: past [`MAX_COMMENT_CHARS`] it is cut before the last
/// section heading that fits (never inside a code block), open `<details>` are closed,
/// and a tail says how many sections are left out and where the full report is.
pub fn fit(text: String) -> String {
    if text.len() <= MAX_COMMENT_CHARS {
        return text;
    }
    let mut headings = Vec::new();
    let mut lines_outside = Vec::new();
    let mut fence: Option<(char, usize)> = None;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        match (fence, fence_of(line)) {
            (None, Some(open)) => fence = Some(open),
            (Some((c, n)), Some((d, m)))
                if c == d && m >= n && line.trim_end().chars().all(|x| x == c) =>
            {
                fence = None;
                lines_outside.push(at + line.len());
            }
            (None, None) => {
                if ["### ", "#### ", "##### "]
                    .iter()
                    .any(|h| line.starts_with(h))
                {
                    headings.push(at);
                }
                lines_outside.push(at + line.len());
            }
            _ => {}
        }
        at += line.len();
    }
    let room = MAX_COMMENT_CHARS - 600;
    let cut = headings
        .iter()
        .rev()
        .find(|&&h| h <= room && h > 0)
        .or_else(|| lines_outside.iter().rev().find(|&&l| l <= room))
        .copied()
        .unwrap_or(0);
    let left_out = headings.iter().filter(|&&h| h >= cut).count();
    let mut out = text[..cut].to_string();
    let open = out.matches("<details>").count();
    let closed = out.matches("</details>").count();
    for _ in closed..open {
        out.push_str("\n</details>\n");
    }
    out.push_str(&format!(
        "\n---\n\n_{left_out} more sections are not shown: a review comment holds at most 65,536 characters. The full report is in the job's artifact (`--format markdown --output-file report.md`), and the human output lists every finding._\n"
    ));
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
    out.push_str(&fix_block(finding));
    out
}

/// A verified fix as a diff block, for a reviewer to apply.
fn fix_block(finding: &Finding) -> String {
    match &finding.fix {
        Some(fix) => format!(
            "verified fix ({}):\n{}\n",
            prose(&fix.title),
            crate::escape::markdown_block("diff", &fix.diff)
        ),
        None => String::new(),
    }
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

    let mut drawn = 0;
    if !diff.flows.is_empty() {
        out.push_str("### Flows whose outcome changed\n\n");
        let mut ordered: Vec<&FlowChange> = diff.flows.iter().collect();
        ordered.sort_by_key(|c| c.kind);
        // Per deployment (the project whose flows hold the key, after or before), then
        // per kind of change and deciding line.
        let deployment_of = |key: &str| -> String {
            [&diff.new, &diff.old]
                .iter()
                .find_map(|state| {
                    state
                        .projects
                        .iter()
                        .find(|p| p.flows.iter().any(|f| f.key == key))
                        .map(|p| project_name(&p.project))
                })
                .unwrap_or_default()
        };
        let mut deployments: Vec<String> = Vec::new();
        for change in &ordered {
            let name = deployment_of(&change.key);
            if !deployments.contains(&name) {
                deployments.push(name);
            }
        }
        for deployment in &deployments {
            let level = if deployment.is_empty() {
                "####"
            } else {
                out.push_str(&format!("#### Deployment {}\n\n", code(deployment)));
                "#####"
            };
            for kind in [
                FlowChangeKind::Broken,
                FlowChangeKind::Repaired,
                FlowChangeKind::Added,
                FlowChangeKind::Removed,
                FlowChangeKind::Changed,
            ] {
                let flows: Vec<(Option<&ConfigLine>, Listed)> = ordered
                    .iter()
                    .filter(|c| c.kind == kind && deployment_of(&c.key) == *deployment)
                    .map(|c| {
                        let shown = match kind {
                            FlowChangeKind::Repaired | FlowChangeKind::Removed => {
                                c.before.as_ref().or(c.after.as_ref())
                            }
                            _ => c.after.as_ref().or(c.before.as_ref()),
                        };
                        (
                            shown.and_then(cause),
                            Listed {
                                title: &c.title,
                                what: c.headline.clone(),
                                group: c.group,
                                after: c.after.as_ref(),
                                before: c.before.as_ref(),
                            },
                        )
                    })
                    .collect();
                if flows.is_empty() {
                    continue;
                }
                let icon = heading(kind);
                for group in by_cause(flows) {
                    let fixes: Vec<(&str, &str)> = match (kind, group.cause) {
                        (
                            FlowChangeKind::Broken
                            | FlowChangeKind::Changed
                            | FlowChangeKind::Added,
                            Some(line),
                        ) => diff
                            .findings
                            .iter()
                            .filter_map(|c| match c {
                                FindingChange::Introduced { new }
                                | FindingChange::Worsened { new, .. }
                                | FindingChange::Unchanged { new, .. } => Some(*new),
                                _ => None,
                            })
                            .filter(|at| {
                                let place = diff.new.place(*at);
                                place.shared == line.file && place.line == line.line
                            })
                            .filter_map(|at| {
                                let finding = diff.new.finding(at);
                                finding.help.as_deref().map(|h| (finding.code, h))
                            })
                            .collect(),
                        _ => Vec::new(),
                    };
                    // Flows that only changed how they pass are folded away.
                    let fold = kind == FlowChangeKind::Changed;
                    out.push_str(&cause_section(
                        level,
                        icon,
                        &group,
                        &fixes,
                        drawn < MAX_DIAGRAMS,
                        fold,
                    ));
                    drawn += 1;
                }
            }
        }
        if drawn > MAX_DIAGRAMS {
            out.push_str(&format!(
                "_Diagrams shown for the first {MAX_DIAGRAMS} causes; `mralint diff` prints every path._\n\n"
            ));
        }
    }
    if !diff.still_broken.is_empty() {
        out.push_str(&format!(
            "<details><summary>Flows still broken, not changed by this change ({})</summary>\n\n",
            diff.still_broken.len()
        ));
        let groups = by_cause(
            diff.still_broken
                .iter()
                .map(|flow| {
                    (
                        cause(&flow.outcome),
                        Listed {
                            title: &flow.title,
                            what: flow.outcome.verdict(),
                            group: flow.group,
                            after: Some(&flow.outcome),
                            before: None,
                        },
                    )
                })
                .collect(),
        );
        for group in &groups {
            out.push_str(&cause_section(
                "####",
                "❌",
                group,
                &[],
                drawn < MAX_DIAGRAMS,
                false,
            ));
            drawn += 1;
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
    fit(out)
}

/// One project of a `check` run: the project, its visible findings, and the analysis
/// they were drawn from (whose flows the comment draws).
pub type CheckPart<'a> = (
    &'a crate::workspace::Project,
    &'a [Finding],
    &'a crate::mra::Analysis,
);

/// The review comment for `mralint check`: the findings, and a diagram of each flow that
/// does not meet what MRA needs. `parts` are the projects with their visible findings
/// and analyses.
pub fn check(parts: &[CheckPart<'_>], fail_on: Option<Severity>) -> String {
    check_with(parts, fail_on, &[])
}

/// [`check`] with the run's notices (configs the MRA rules did not run on) under the
/// verdict.
pub fn check_with(
    parts: &[CheckPart<'_>],
    fail_on: Option<Severity>,
    notices: &[crate::report::Notice],
) -> String {
    let all = || parts.iter().flat_map(|(_, findings, _)| findings.iter());
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
        for (project, findings, _) in parts {
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
                details.push_str(&fix_block(finding));
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
    let mut drawn = 0;
    let mut sections = String::new();
    let mut all_healthy = 0;
    for (project, findings, analysis) in parts {
        let records = crate::diff::outcome::records(project, analysis, &|id| {
            project.sources.get(id).display_name()
        });
        let simulated = records.len();
        let broken: Vec<&crate::diff::outcome::FlowRecord> = records
            .iter()
            .filter(|r| r.outcome.healthy == Some(false))
            .collect();
        if broken.is_empty() {
            all_healthy += simulated;
            continue;
        }
        sections.push_str(&format!(
            "### {}: {} of {simulated} simulated flows do not meet what MRA needs\n\n",
            code(&project_name(project)),
            broken.len()
        ));
        let groups = by_cause(
            broken
                .iter()
                .map(|r| {
                    (
                        cause(&r.outcome),
                        Listed {
                            title: &r.title,
                            what: r.outcome.verdict(),
                            group: r.group,
                            after: Some(&r.outcome),
                            before: None,
                        },
                    )
                })
                .collect(),
        );
        for group in &groups {
            // The fix: the help of the findings reported at the deciding line.
            let fixes: Vec<(&str, &str)> = group
                .cause
                .map(|line| {
                    findings
                        .iter()
                        .filter(|f| {
                            let file = project.sources.get(f.primary.file);
                            file.display_name() == line.file
                                && file.line_col(f.primary.span.start).0 == line.line
                        })
                        .filter_map(|f| f.help.as_deref().map(|h| (f.code, h)))
                        .collect()
                })
                .unwrap_or_default();
            sections.push_str(&cause_section(
                "####",
                "❌",
                group,
                &fixes,
                drawn < MAX_DIAGRAMS,
                false,
            ));
            drawn += 1;
        }
    }
    if !sections.is_empty() {
        out.push_str(&sections);
        if drawn > MAX_DIAGRAMS {
            out.push_str(&format!(
                "_Diagrams shown for the first {MAX_DIAGRAMS} causes; `mralint check` lists every finding._\n\n"
            ));
        }
        if all_healthy > 0 {
            out.push_str(&format!(
                "The {all_healthy} flows simulated for the other deployments meet what MRA needs.\n"
            ));
        }
    } else if all_healthy > 0 {
        out.push_str(&format!(
            "All {all_healthy} simulated flows meet what MRA needs.\n"
        ));
    }
    fit(out)
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
    fn long_lines_are_wrapped_whole() {
        let long = "x".repeat(100);
        let lines = wrap(&long);
        assert_eq!(lines.concat(), long);
        assert!(lines
            .iter()
            .all(|l| l.chars().count() <= MAX_LABEL_LINE_CHARS));
        assert_eq!(wrap("short"), ["short"]);
        let nat = "nat (inside,dmz) source dynamic INSIDE-NET EXPE-PUBLIC destination static EXPE-PUBLIC EXPE-REAL";
        let lines = wrap(nat);
        assert_eq!(lines.join(" "), nat);
        assert!(lines.len() == 3, "{lines:?}");
    }

    #[test]
    fn a_long_comment_is_cut_at_a_section_with_a_tail() {
        let mut text = String::from("## title\n\n");
        for i in 0..2000 {
            text.push_str(&format!(
                "#### flow {i}\n\n<details><summary>x</summary>\n\n{}\n\n</details>\n\n",
                "y".repeat(60)
            ));
        }
        let fitted = fit(text);
        assert!(fitted.len() < 65_536);
        assert!(fitted.contains("more sections are not shown"));
        assert_eq!(
            fitted.matches("<details>").count(),
            fitted.matches("</details>").count()
        );
        assert_eq!(fit("short\n".into()), "short\n");
    }
}
