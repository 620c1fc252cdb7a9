//! Every simulated flow of a project as a plain record: a key that names it the same way
//! in both states of a change (kind, nodes, zone, protocol, ports — never addresses or
//! line numbers), and its outcome hop by hop with the config lines that decided it.

use std::net::Ipv4Addr;

use crate::deployment::{Nic, ZoneService};
use crate::eval::flows::FlowKind;
use crate::eval::path::{End, Path, Role};
use crate::eval::{protocol_name, Packet, PhaseKind, Verdict};
use crate::rules::Context;
use crate::source::{SourceFile, Span};

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

/// Every flow the rules simulated for a project, as records. `file_key` names each
/// firewall's config file as both states share it.
pub fn records(
    cx: &Context<'_>,
    file_key: &dyn Fn(crate::source::FileId) -> String,
) -> Vec<FlowRecord> {
    let (Some((deployment, deployment_file)), Some(network)) = (cx.deployment(), &cx.network)
    else {
        return Vec::new();
    };
    let prefix = file_key(deployment_file);
    let recorder = Recorder { cx, file_key };
    let mut out = Vec::new();
    for result in &cx.traversal {
        let flow = &result.flow;
        let c = &deployment.c_nodes[flow.c_node];
        let zone = &deployment.zones[flow.zone];
        let peer = &zone.peers[flow.peer];
        let e_name = flow.target.map_or(peer.text.value.clone(), |e| {
            deployment.e.nodes[e].name.value.clone()
        });
        let uc = zone.zone_type.value == ZoneService::UnifiedCommunications;
        let mut outcome = recorder.outcome(&result.path, flow.packet);
        let delivered = match result.path.end {
            End::Delivered(host) => Some(network.hosts[host].role),
            _ => None,
        };
        let (healthy, problem) = match delivered {
            Some(Role::Lan1(e)) if flow.target.is_none_or(|t| t == e) => {
                let sip = flow.kind == FlowKind::SipTraversal;
                let address_changed = outcome.arrived.source != flow.packet.source;
                let port_changed = sip
                    && (outcome.arrived.source_port != flow.packet.source_port
                        || outcome.port_may_change);
                if uc && (address_changed || port_changed) {
                    (
                        false,
                        Some(format!(
                            "E sees the source {}:{} instead of {}:{}",
                            outcome.arrived.source,
                            outcome.arrived.source_port,
                            flow.packet.source,
                            flow.packet.source_port
                        )),
                    )
                } else {
                    (true, None)
                }
            }
            _ => (
                false,
                Some(format!("MRA needs it delivered to {e_name} LAN1")),
            ),
        };
        outcome.healthy = Some(healthy);
        outcome.problem = problem;
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
            outcome,
        });
    }
    for result in &cx.internet {
        let flow = &result.flow;
        let node = &deployment.e.nodes[flow.e_node];
        let expected = match deployment.e.nic.value {
            Nic::Single => Role::Lan1(flow.e_node),
            Nic::Dual => Role::Lan2(flow.e_node),
        };
        let mut outcome = recorder.outcome(&result.path, flow.packet);
        let reached = match result.path.end {
            End::Delivered(host) => Some(network.hosts[host].role),
            _ => None,
        };
        outcome.healthy = Some(reached == Some(expected));
        if reached != Some(expected) {
            outcome.problem = Some(format!(
                "MRA needs it delivered to {}'s external interface",
                node.name.value
            ));
        }
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
            outcome,
        });
    }
    for probe in &cx.hairpins {
        let node = &deployment.e.nodes[probe.node];
        let mut outcome = recorder.outcome(&probe.path, probe.packet);
        let back = match probe.path.end {
            End::Delivered(host) => network.hosts[host].role == Role::Lan1(probe.node),
            _ => false,
        };
        outcome.healthy = Some(back);
        if !back {
            outcome.problem = Some(format!(
                "B2BUA media needs it back on {} LAN1",
                node.name.value
            ));
        }
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
            outcome,
        });
    }
    for probe in &cx.outbound {
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
            // No expectation: the probe shows what C is translated to on the internet side.
            outcome: recorder.outcome(&probe.path, probe.packet),
        });
    }
    out
}

struct Recorder<'a, 'b> {
    cx: &'a Context<'b>,
    file_key: &'a dyn Fn(crate::source::FileId) -> String,
}

impl Recorder<'_, '_> {
    fn line(&self, firewall: usize, span: Span) -> ConfigLine {
        let id = self.cx.firewall_file(firewall);
        let file = self.cx.project.sources.get(id);
        ConfigLine {
            file: (self.file_key)(id),
            line: file.line_col(span.start).0,
            text: statement(file, span.start),
        }
    }

    fn outcome(&self, path: &Path, sent: Packet) -> Outcome {
        let hops: Vec<HopRecord> = path
            .hops
            .iter()
            .map(|hop| {
                let trace = &hop.trace;
                HopRecord {
                    firewall: self.cx.firewall_name(hop.firewall).to_string(),
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
            End::Delivered(host) => EndState::Delivered(
                self.cx
                    .network
                    .as_ref()
                    .map_or("a host".into(), |n| n.hosts[*host].name.clone()),
            ),
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
