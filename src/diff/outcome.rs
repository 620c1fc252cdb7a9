//! Every simulated flow of a project as a plain record: a key that names it the same way
//! in both states of a change (kind, nodes, zone, protocol, ports — never addresses or
//! line numbers), and its outcome hop by hop with the config lines that decided it.

use std::net::Ipv4Addr;

use crate::eval::path::{End, Host, Path};
use crate::eval::{protocol_name, Packet, PhaseKind, Verdict};
use crate::mra::Analysis;
use crate::source::{SourceFile, Span};
use crate::workspace::Project;

/// The families of simulated flows (docs/flows.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FlowGroup {
    /// Expressway-C → Expressway-E.
    Traversal,
    /// Internet → Expressway-E.
    Internet,
    /// E's media hairpin to its own public address.
    Hairpin,
    /// C's outbound probe toward the internet.
    Outbound,
}

/// A config line that took part in a decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigLine {
    /// The file's path shared by both states.
    pub file: String,
    /// 1-based line number in its own state.
    pub line: usize,
    /// The statement: the line with runs of whitespace made one space, preceded by its
    /// parent line for a sub-command (`object network EXPE › nat (dmz,outside) static …`).
    pub text: String,
}

/// One phase of one firewall's handling.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub kind: PhaseKind,
    pub subtype: &'static str,
    pub allowed: bool,
    pub lines: Vec<ConfigLine>,
    pub info: Vec<String>,
}

impl Step {
    /// The line that decided the step (the ACE after the `access-group` line).
    pub fn deciding_line(&self) -> Option<&ConfigLine> {
        self.lines.last()
    }

    /// A source translation rather than the reverse-path check.
    pub fn is_translation(&self) -> bool {
        self.kind == PhaseKind::Nat && self.subtype != "rpf-check"
    }
}

/// One firewall crossed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HopRecord {
    pub firewall: String,
    pub ingress: String,
    pub egress: Option<String>,
    /// As it arrived.
    pub input: Packet,
    /// With its destination untranslated (what the access check sees).
    pub untranslated: Packet,
    /// As it left, or as it was when dropped.
    pub output: Packet,
    pub port_may_change: bool,
    pub steps: Vec<Step>,
    /// The ASA drop code when this firewall dropped it.
    pub dropped: Option<&'static str>,
    /// The firewall kept it: addressed to the interface it arrived on.
    pub to_the_box: bool,
}

impl HopRecord {
    /// Whether this hop rewrote the source (address, or port through PAT).
    pub fn rewrites_source(&self) -> bool {
        self.output.source != self.input.source
            || self.output.source_port != self.input.source_port
            || self.port_may_change
    }
}

/// Where a flow ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EndState {
    Delivered(String),
    Dropped {
        firewall: String,
        code: &'static str,
    },
    ToTheBox(String),
    Left(Ipv4Addr),
    Unattached,
    Loop,
}

impl EndState {
    pub fn phrase(&self) -> String {
        match self {
            EndState::Delivered(host) => format!("delivered to {host}"),
            EndState::Dropped { firewall, code } => format!("dropped by {firewall} ({code})"),
            EndState::ToTheBox(firewall) => format!("answered by {firewall} itself"),
            EndState::Left(next_hop) => {
                format!("leaves the modelled network toward {next_hop}")
            }
            EndState::Unattached => "starts from a node no modelled firewall serves".into(),
            EndState::Loop => "loops between the firewalls".into(),
        }
    }
}

/// What happened to a flow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub end: EndState,
    /// Whether it meets what MRA needs; `None` for probes with no expectation.
    pub healthy: Option<bool>,
    /// What is wrong, when it is not healthy (what MRA needs instead of `end`).
    pub problem: Option<String>,
    pub sent: Packet,
    /// As it arrived (or as it was when it stopped).
    pub arrived: Packet,
    pub port_may_change: bool,
    pub hops: Vec<HopRecord>,
}

impl Outcome {
    /// Whether the source arrives other than it was sent.
    pub fn source_translated(&self) -> bool {
        self.arrived.source != self.sent.source
            || self.arrived.source_port != self.sent.source_port
            || self.port_may_change
    }

    /// The hop that rewrote the source first.
    pub fn rewriting_hop(&self) -> Option<&HopRecord> {
        self.hops.iter().find(|h| h.rewrites_source())
    }

    /// The line that translated the source: the rewriting hop's NAT step (or its un-NAT
    /// step, for a twice rule that does both).
    pub fn source_rule(&self) -> Option<&ConfigLine> {
        let hop = self.rewriting_hop()?;
        let nat = hop.steps.iter().find(|s| s.is_translation());
        nat.or_else(|| hop.steps.iter().find(|s| s.kind == PhaseKind::UnNat))
            .and_then(Step::deciding_line)
    }

    /// The line that stopped the flow, when a firewall dropped it.
    pub fn drop_line(&self) -> Option<&ConfigLine> {
        let hop = self.hops.last().filter(|h| h.dropped.is_some())?;
        hop.steps
            .iter()
            .rev()
            .find(|s| !s.allowed)
            .and_then(Step::deciding_line)
    }

    /// The access-list entries that let it through, last first.
    pub fn permit_line(&self) -> Option<&ConfigLine> {
        self.hops
            .iter()
            .rev()
            .flat_map(|h| h.steps.iter().rev())
            .find(|s| s.kind == PhaseKind::AccessList && s.allowed)
            .and_then(Step::deciding_line)
    }

    /// Where it ended and, when that is not what MRA needs, why.
    pub fn verdict(&self) -> String {
        let mut text = self.end.phrase();
        if matches!(self.end, EndState::Delivered(_)) {
            text.push_str(&format!(" as {}", self.arrived.endpoints()));
        }
        if let Some(problem) = &self.problem {
            text.push_str(&format!(": {problem}"));
        }
        text
    }

    /// The route of each hop: firewall, ingress, egress.
    pub fn route(&self) -> Vec<String> {
        self.hops
            .iter()
            .map(|h| {
                format!(
                    "{} {} → {}",
                    h.firewall,
                    h.ingress,
                    h.egress.as_deref().unwrap_or("?")
                )
            })
            .collect()
    }

    /// What decides whether two outcomes are the same: everything but line numbers.
    pub fn signature(&self) -> Signature {
        Signature {
            end: self.end.clone(),
            healthy: self.healthy,
            arrived: self.arrived,
            port_may_change: self.port_may_change,
            hops: self
                .hops
                .iter()
                .map(|h| HopSignature {
                    firewall: h.firewall.clone(),
                    ingress: h.ingress.clone(),
                    egress: h.egress.clone(),
                    dropped: h.dropped,
                    output: h.output,
                    steps: h
                        .steps
                        .iter()
                        .map(|s| {
                            (
                                s.kind.as_str(),
                                s.allowed,
                                s.lines
                                    .iter()
                                    .map(|l| (l.file.clone(), l.text.clone()))
                                    .collect(),
                            )
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// An outcome without line numbers, for comparison.
#[derive(Debug, PartialEq, Eq)]
pub struct Signature {
    end: EndState,
    healthy: Option<bool>,
    arrived: Packet,
    port_may_change: bool,
    hops: Vec<HopSignature>,
}

#[derive(Debug, PartialEq, Eq)]
#[allow(clippy::type_complexity)]
struct HopSignature {
    firewall: String,
    ingress: String,
    egress: Option<String>,
    dropped: Option<&'static str>,
    output: Packet,
    steps: Vec<(&'static str, bool, Vec<(String, String)>)>,
}

/// A simulated flow and its outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlowRecord {
    /// Names the flow the same way in both states.
    pub key: String,
    pub group: FlowGroup,
    /// `SIP traversal TCP expc1:25000 → expe1:7003 (zone UCTraversal)`.
    pub title: String,
    pub outcome: Outcome,
}

/// The statement of a line: whitespace collapsed, with its parent line for a sub-command.
pub fn statement(file: &SourceFile, offset: usize) -> String {
    let text = file.line_text(offset);
    let own = collapse(text);
    if !text.starts_with([' ', '\t']) {
        return own;
    }
    let start = file.text[..offset.min(file.text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let parent = file.text[..start]
        .lines()
        .rev()
        .find(|l| !l.starts_with([' ', '\t']) && !l.trim().is_empty());
    match parent {
        Some(parent) => format!("{} › {own}", collapse(parent)),
        None => own,
    }
}

/// Every statement of a file, as [`statement`] writes them.
pub fn statements(file: &SourceFile) -> std::collections::HashSet<String> {
    let mut out = std::collections::HashSet::new();
    let mut parent: Option<String> = None;
    for line in file.text.lines() {
        if line.trim().is_empty() {
            continue;
        }
        let own = collapse(line);
        if line.starts_with([' ', '\t']) {
            out.insert(match &parent {
                Some(p) => format!("{p} › {own}"),
                None => own,
            });
        } else {
            parent = Some(own.clone());
            out.insert(own);
        }
    }
    out
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every flow of a project's analysis, as records. `file_key` names each firewall's
/// config file as both states share it.
pub fn records(
    project: &Project,
    analysis: &Analysis,
    file_key: &dyn Fn(crate::source::FileId) -> String,
) -> Vec<FlowRecord> {
    let deployment = project
        .deployment
        .as_ref()
        .and_then(|d| Some((d.deployment.as_ref()?, d.file)));
    let (Some((deployment, deployment_file)), Some(hosts)) = (deployment, &analysis.hosts) else {
        return Vec::new();
    };
    let prefix = file_key(deployment_file);
    let recorder = Recorder {
        project,
        hosts,
        file_key,
    };
    let mut out = Vec::new();
    for result in &analysis.traversal {
        let flow = &result.flow;
        let c = &deployment.c_nodes[flow.c_node];
        let zone = &deployment.zones[flow.zone];
        let peer = &zone.peers[flow.peer];
        let e_name = flow.target.map_or(peer.text.value.clone(), |e| {
            deployment.e.nodes[e].name.value.clone()
        });
        out.push(FlowRecord {
            key: format!(
                "{prefix}#traversal/{}/{}/{}/{}/{}/{}",
                flow.kind.label(),
                c.name.value,
                zone.name.value,
                peer.text.value,
                protocol_name(flow.packet.protocol),
                flow.packet.destination_port
            ),
            group: FlowGroup::Traversal,
            title: format!(
                "{} {} {}:{} → {}:{} (zone {})",
                flow.kind.label(),
                protocol_name(flow.packet.protocol),
                c.name.value,
                flow.packet.source_port,
                e_name,
                flow.packet.destination_port,
                zone.name.value
            ),
            outcome: recorder.judged(&result.path, flow.packet, &result.verdict),
        });
    }
    for result in &analysis.internet {
        let flow = &result.flow;
        let node = &deployment.e.nodes[flow.e_node];
        out.push(FlowRecord {
            key: format!(
                "{prefix}#internet/{}/{}/{}/{}",
                flow.service,
                node.name.value,
                protocol_name(flow.packet.protocol),
                flow.packet.destination_port
            ),
            group: FlowGroup::Internet,
            title: format!(
                "{} {} internet:{} → {}:{}",
                flow.service,
                protocol_name(flow.packet.protocol),
                flow.packet.source_port,
                node.name.value,
                flow.packet.destination_port
            ),
            outcome: recorder.judged(&result.path, flow.packet, &result.verdict),
        });
    }
    for probe in &analysis.hairpins {
        let node = &deployment.e.nodes[probe.node];
        out.push(FlowRecord {
            key: format!("{prefix}#hairpin/{}", node.name.value),
            group: FlowGroup::Hairpin,
            title: format!(
                "media hairpin {} {}:{} → {} public:{}",
                protocol_name(probe.packet.protocol),
                node.name.value,
                probe.packet.source_port,
                node.name.value,
                probe.packet.destination_port
            ),
            outcome: recorder.judged(&probe.path, probe.packet, &probe.verdict),
        });
    }
    for probe in &analysis.outbound {
        let node = &deployment.c_nodes[probe.node];
        out.push(FlowRecord {
            key: format!("{prefix}#outbound/{}", node.name.value),
            group: FlowGroup::Outbound,
            title: format!(
                "C outbound probe {} {}:{} → internet:{}",
                protocol_name(probe.packet.protocol),
                node.name.value,
                probe.packet.source_port,
                probe.packet.destination_port
            ),
            outcome: recorder.judged(&probe.path, probe.packet, &probe.verdict),
        });
    }
    out
}

struct Recorder<'a> {
    project: &'a Project,
    hosts: &'a [Host],
    file_key: &'a dyn Fn(crate::source::FileId) -> String,
}

impl Recorder<'_> {
    fn line(&self, firewall: usize, span: Span) -> ConfigLine {
        let id = self.project.firewalls[firewall].file;
        let file = self.project.sources.get(id);
        ConfigLine {
            file: (self.file_key)(id),
            line: file.line_col(span.start).0,
            text: statement(file, span.start),
        }
    }

    /// The outcome of a walk, with the analysis' verdict on it.
    fn judged(&self, path: &Path, sent: Packet, verdict: &crate::mra::Verdict) -> Outcome {
        Outcome {
            healthy: verdict.healthy(),
            problem: verdict.problem().map(str::to_string),
            ..self.outcome(path, sent)
        }
    }

    fn outcome(&self, path: &Path, sent: Packet) -> Outcome {
        let hops: Vec<HopRecord> = path
            .hops
            .iter()
            .map(|hop| {
                let trace = &hop.trace;
                HopRecord {
                    firewall: self.project.firewalls[hop.firewall].name.clone(),
                    ingress: trace.ingress.clone(),
                    egress: trace.egress.clone(),
                    input: trace.input,
                    untranslated: trace.untranslated,
                    output: trace.output,
                    port_may_change: trace.source_port_may_change,
                    steps: trace
                        .phases
                        .iter()
                        .map(|phase| Step {
                            kind: phase.kind,
                            subtype: phase.subtype,
                            allowed: phase.allowed,
                            lines: phase
                                .config
                                .iter()
                                .map(|span| self.line(hop.firewall, *span))
                                .collect(),
                            info: phase.info.clone(),
                        })
                        .collect(),
                    dropped: match trace.verdict {
                        Verdict::Drop(drop) => Some(drop.code()),
                        _ => None,
                    },
                    to_the_box: trace.verdict == Verdict::ToTheBox,
                }
            })
            .collect();
        let end = match &path.end {
            End::Delivered(host) => EndState::Delivered(self.hosts[*host].name.clone()),
            End::Stopped => match hops.last() {
                Some(hop) if hop.dropped.is_some() => EndState::Dropped {
                    firewall: hop.firewall.clone(),
                    code: hop.dropped.unwrap_or_default(),
                },
                Some(hop) => EndState::ToTheBox(hop.firewall.clone()),
                None => EndState::Unattached,
            },
            End::Left(next_hop) => EndState::Left(*next_hop),
            End::Unattached => EndState::Unattached,
            End::Loop => EndState::Loop,
        };
        Outcome {
            end,
            healthy: None,
            problem: None,
            sent,
            arrived: path.packet,
            port_may_change: path.hops.iter().any(|h| h.trace.source_port_may_change),
            hops,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_commands_carry_their_parent() {
        let file = SourceFile::new(
            "a.cfg",
            "object network EXPE\n host 10.0.10.2\n nat (dmz,outside)  static 64.100.0.10\n",
        );
        let offset = file.text.find(" nat").unwrap();
        assert_eq!(
            statement(&file, offset),
            "object network EXPE › nat (dmz,outside) static 64.100.0.10"
        );
        assert!(statements(&file)
            .contains("object network EXPE › nat (dmz,outside) static 64.100.0.10"));
        assert!(statements(&file).contains("object network EXPE"));
    }
}
