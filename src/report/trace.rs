//! `mralint trace` output: packet-tracer's shape
//! (docs/asa-semantics.md#32-phases-as-packet-tracer-prints-them), or JSON.

use serde::Serialize;

use crate::eval::{Packet, Trace, Verdict};
use crate::source::{SourceFile, Span};

/// The config lines a phase quotes: the line of each span, preceded by its parent
/// line when it is a sub-command (` nat …` under `object network …`).
fn config_lines(file: &SourceFile, spans: &[Span]) -> Vec<ConfigLine> {
    let mut lines: Vec<ConfigLine> = Vec::new();
    for span in spans {
        let (line, _) = file.line_col(span.start);
        let text = file.line_text(span.start);
        if text.starts_with([' ', '\t']) {
            if let Some((parent_line, parent)) = parent_of(file, line) {
                push_unique(
                    &mut lines,
                    ConfigLine {
                        text: parent,
                        line: parent_line,
                    },
                );
            }
        }
        push_unique(
            &mut lines,
            ConfigLine {
                text: text.to_string(),
                line,
            },
        );
    }
    lines
}

fn push_unique(lines: &mut Vec<ConfigLine>, line: ConfigLine) {
    if !lines.contains(&line) {
        lines.push(line);
    }
}

/// The nearest top-level line above 1-based line `line`.
fn parent_of(file: &SourceFile, line: usize) -> Option<(usize, String)> {
    let lines: Vec<&str> = file.text.lines().take(line.saturating_sub(1)).collect();
    lines
        .iter()
        .enumerate()
        .rev()
        .find(|(_, l)| !l.starts_with([' ', '\t']) && !l.trim().is_empty())
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r').to_string()))
}

#[derive(Serialize, Clone, PartialEq, Eq, Debug)]
struct ConfigLine {
    text: String,
    line: usize,
}

#[derive(Serialize)]
struct JsonTrace<'a> {
    version: u32,
    file: String,
    input: JsonPacket,
    input_interface: &'a str,
    /// The `packet-tracer` command that reproduces this trace on the firewall.
    packet_tracer: String,
    phases: Vec<JsonPhase<'a>>,
    result: JsonResult<'a>,
    /// ACL entries skipped as undecidable (unresolved FQDN); absent when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    skipped: Vec<JsonSkipped<'a>>,
}

#[derive(Serialize)]
struct JsonSkipped<'a> {
    text: String,
    line: usize,
    reason: &'a str,
}

#[derive(Serialize)]
struct JsonPacket {
    protocol: u8,
    source: String,
    source_port: u16,
    destination: String,
    destination_port: u16,
}

impl From<Packet> for JsonPacket {
    fn from(p: Packet) -> Self {
        JsonPacket {
            protocol: p.protocol,
            source: p.source.to_string(),
            source_port: p.source_port,
            destination: p.destination.to_string(),
            destination_port: p.destination_port,
        }
    }
}

#[derive(Serialize)]
struct JsonPhase<'a> {
    phase: usize,
    #[serde(rename = "type")]
    kind: &'a str,
    subtype: &'a str,
    result: &'a str,
    config: Vec<ConfigLine>,
    info: &'a [String],
}

#[derive(Serialize)]
struct JsonResult<'a> {
    output_interface: Option<&'a str>,
    action: &'a str,
    drop_reason: Option<JsonDrop>,
    /// The packet as it leaves, translated (allowed packets only).
    output: Option<JsonPacket>,
    source_port_may_change: bool,
}

#[derive(Serialize)]
struct JsonDrop {
    code: &'static str,
    text: &'static str,
}

fn action(trace: &Trace) -> &'static str {
    match trace.verdict {
        Verdict::Drop(_) => "drop",
        _ => "allow",
    }
}

/// The lines a phase quotes: those that decided it, then (FTD) the entry's FMC remarks.
fn quoted(phase: &crate::eval::Phase) -> Vec<Span> {
    phase.config.iter().chain(&phase.remarks).copied().collect()
}

/// A phase's result: ALLOW or DROP; FTD's Snort verdict is not simulated.
fn result(phase: &crate::eval::Phase) -> &'static str {
    match (phase.kind, phase.allowed) {
        (crate::eval::PhaseKind::Snort, _) => "not evaluated offline",
        (_, true) => "ALLOW",
        (_, false) => "DROP",
    }
}

/// packet-tracer's text: numbered phases, then the result block.
pub fn human(trace: &Trace, file: &SourceFile) -> String {
    let name = file.display_name();
    let mut out = String::new();
    for (i, phase) in trace.phases.iter().enumerate() {
        out.push_str(&format!(
            "Phase: {}\nType: {}\nSubtype: {}\nResult: {}\nConfig:\n",
            i + 1,
            phase.kind.as_str(),
            phase.subtype,
            result(phase)
        ));
        for line in config_lines(file, &quoted(phase)) {
            out.push_str(&format!("{}    ({name}:{})\n", line.text, line.line));
        }
        out.push_str("Additional Information:\n");
        for info in &phase.info {
            out.push_str(info);
            out.push('\n');
        }
        out.push('\n');
    }
    out.push_str(&format!(
        "Result:\ninput-interface: {}\ninput-status: up\ninput-line-status: up\n",
        trace.ingress
    ));
    if let Some(egress) = &trace.egress {
        out.push_str(&format!(
            "output-interface: {egress}\noutput-status: up\noutput-line-status: up\n"
        ));
    }
    out.push_str(&format!("Action: {}\n", action(trace)));
    if let Verdict::Drop(drop) = &trace.verdict {
        out.push_str(&format!("Drop-reason: ({}) {}\n", drop.code(), drop.text()));
    } else if trace.output != trace.input {
        out.push_str(&format!(
            "Translated: {}{}{}\n",
            trace.output,
            match &trace.source_pool {
                Some(pool) => format!(
                    " (the source is one address of the pool {}; {} stands for it)",
                    crate::model::addr::describe(pool),
                    trace.output.source
                ),
                None => String::new(),
            },
            if trace.source_port_may_change {
                " (PAT: the source port may change)"
            } else {
                ""
            }
        ));
    }
    for (line, reason) in skipped(file, trace) {
        out.push_str(&format!(
            "Unresolved: {}    ({name}:{}): {reason}\n",
            line.text, line.line
        ));
    }
    out.push_str(&format!(
        "\n{}:\n{}\n",
        crate::finding::CONFIRM,
        crate::rules::packet_tracer::command(&trace.ingress, &trace.input)
    ));
    out
}

/// The entries the access check skipped as undecidable, with their lines.
fn skipped<'a>(file: &SourceFile, trace: &'a Trace) -> Vec<(ConfigLine, &'a str)> {
    trace
        .skipped
        .iter()
        .filter_map(|(span, reason)| {
            let line = config_lines(file, std::slice::from_ref(span)).pop()?;
            Some((line, reason.as_str()))
        })
        .collect()
}

/// The versioned JSON form of a trace (`version: 1`).
pub fn json(trace: &Trace, file: &SourceFile) -> String {
    let document = JsonTrace {
        version: 1,
        file: file.display_name(),
        input: trace.input.into(),
        input_interface: &trace.ingress,
        packet_tracer: crate::rules::packet_tracer::command(&trace.ingress, &trace.input),
        phases: trace
            .phases
            .iter()
            .enumerate()
            .map(|(i, p)| JsonPhase {
                phase: i + 1,
                kind: p.kind.as_str(),
                subtype: p.subtype,
                result: result(p),
                config: config_lines(file, &quoted(p)),
                info: &p.info,
            })
            .collect(),
        result: JsonResult {
            output_interface: trace.egress.as_deref(),
            action: action(trace),
            drop_reason: match &trace.verdict {
                Verdict::Drop(d) => Some(JsonDrop {
                    code: d.code(),
                    text: d.text(),
                }),
                _ => None,
            },
            output: matches!(trace.verdict, Verdict::Allow).then(|| trace.output.into()),
            source_port_may_change: trace.source_port_may_change,
        },
        skipped: skipped(file, trace)
            .into_iter()
            .map(|(l, reason)| JsonSkipped {
                text: l.text,
                line: l.line,
                reason,
            })
            .collect(),
    };
    serde_json::to_string_pretty(&document).unwrap_or_default() + "\n"
}
