//! Findings: one file per rule, each named after the pattern it flags. A rule reads
//! the models and the simulated flows and pushes findings; it never parses or prints.

mod cyclic_reference;
mod demux_ports_mismatch;
mod deployment_xconfig_mismatch;
mod external_port_blocked;
mod fmc;
mod idle_timeout_short;
mod invalid_deployment;
mod legacy_nat_syntax;
mod media_hairpin_blocked;
mod peer_address_mismatch;
mod peer_not_on_e;
mod return_path_asymmetric;
mod shared_nat_address;
mod single_nic_reflection;
mod sip_inspection_enabled;
mod snort_evaluated_permit;
mod static_nat_mismatch;
mod static_nat_on_internal_lan;
mod syntax_error;
mod traversal_not_delivered;
mod traversal_port_blocked;
mod traversal_source_translated;
mod traversal_zone_unpaired;
mod unapplied_acl;
mod undefined_reference;
mod unreachable_ace;
mod unreachable_nat_rule;
mod unreadable_input;
mod unused_object;
mod unused_suppression;

use crate::deployment::Deployment;
use crate::eval::flows::{self, FlowResult};
use crate::eval::path::Network;
use crate::finding::{Finding, Location, Severity};
use crate::source::{FileId, Span};
use crate::workspace::Project;

/// What a rule is: the code, the name of the pattern it flags, its default severity,
/// a one-line summary, and its documentation (the doc comment of its declaration).
#[derive(Debug)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    pub doc: &'static str,
}

impl RuleMeta {
    /// A finding of this rule at its default severity.
    pub fn finding(&'static self, message: impl Into<String>, primary: Location) -> Finding {
        Finding::new(self.code, self.name, self.severity, message, primary)
    }
}

/// Declares a rule; the `///` lines above it become its documentation.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub static $ident:ident = {
            code: $code:literal,
            name: $name:literal,
            severity: $severity:ident,
            summary: $summary:literal $(,)?
        };
    ) => {
        $(#[doc = $doc])*
        pub static $ident: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
            code: $code,
            name: $name,
            severity: $crate::finding::Severity::$severity,
            summary: $summary,
            doc: concat!($($doc, "\n"),*),
        };
    };
}
pub(crate) use declare_rule;
pub(crate) use traversal_source_translated::destination_only;

/// Every rule, in code order.
pub static ALL: &[&RuleMeta] = &[
    &traversal_source_translated::RULE,
    &shared_nat_address::RULE,
    &traversal_not_delivered::RULE,
    &traversal_port_blocked::RULE,
    &static_nat_mismatch::RULE,
    &sip_inspection_enabled::RULE,
    &external_port_blocked::RULE,
    &peer_address_mismatch::RULE,
    &single_nic_reflection::RULE,
    &demux_ports_mismatch::RULE,
    &idle_timeout_short::RULE,
    &media_hairpin_blocked::RULE,
    &return_path_asymmetric::RULE,
    &snort_evaluated_permit::RULE,
    &unreachable_nat_rule::RULE,
    &legacy_nat_syntax::RULE,
    &unreachable_ace::RULE,
    &unapplied_acl::RULE,
    &undefined_reference::RULE,
    &unused_object::RULE,
    &cyclic_reference::RULE,
    &syntax_error::RULE,
    &invalid_deployment::RULE,
    &deployment_xconfig_mismatch::RULE,
    &traversal_zone_unpaired::RULE,
    &peer_not_on_e::RULE,
    &static_nat_on_internal_lan::RULE,
    &unreadable_input::RULE,
    &unused_suppression::RULE,
];

/// The rule with this code.
pub fn find(code: &str) -> Option<&'static RuleMeta> {
    ALL.iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code))
}

/// Whether a selector (`--select`, `--ignore`, `select:`, `ignore:`) names at least one
/// rule: a code or the start of one (`MRA`, `MRA01`), in any case.
pub fn selects_any(selector: &str) -> bool {
    let selector = selector.trim().to_ascii_uppercase();
    !selector.is_empty() && ALL.iter().any(|r| r.code.starts_with(&selector))
}

/// The rule code or code family (`MRA`, `NAT`…) closest to a misspelt one, by edit
/// distance: what a usage error suggests.
pub fn closest_code(given: &str) -> &'static str {
    let given = given.trim().to_ascii_uppercase();
    let families = ALL.iter().map(|r| &r.code[..3]);
    ALL.iter()
        .map(|r| r.code)
        .chain(families)
        .min_by_key(|candidate| edit_distance(&given, candidate))
        .unwrap_or("MRA")
}

/// Levenshtein distance between two short ASCII strings.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

/// What the rules read: the project and, when the deployment is valid, the network
/// and the simulated flows.
pub struct Context<'a> {
    pub project: &'a Project,
    pub network: Option<Network<'a>>,
    /// Every C→E flow.
    pub traversal: Vec<FlowResult>,
    /// Where internet flows enter, or why that is unknown.
    pub internet_entry: Option<Result<(usize, String), String>>,
    /// Every internet → E flow.
    pub internet: Vec<flows::InternetResult>,
    /// E's media hairpin probes.
    pub hairpins: Vec<flows::ProbeResult>,
    /// C's outbound probes.
    pub outbound: Vec<flows::ProbeResult>,
}

impl<'a> Context<'a> {
    /// A context for the firewall-only rules: no network, no flows.
    pub fn without_flows(project: &'a Project) -> Self {
        Context {
            project,
            network: None,
            traversal: Vec::new(),
            internet_entry: None,
            internet: Vec::new(),
            hairpins: Vec::new(),
            outbound: Vec::new(),
        }
    }

    pub fn new(project: &'a Project) -> Self {
        let deployment = project
            .deployment
            .as_ref()
            .and_then(|d| d.deployment.as_ref());
        let Some(deployment) = deployment else {
            return Context::without_flows(project);
        };
        let firewalls = project
            .firewalls
            .iter()
            .map(|f| (f.name.as_str(), &*f.model))
            .collect();
        let network = flows::network(deployment, firewalls);
        let traversal = flows::simulate_traversal(deployment, &network);
        let internet_entry = flows::internet_entry(deployment, &network);
        let internet = match &internet_entry {
            Ok(entry) => flows::simulate_internet(deployment, &network, entry),
            Err(_) => Vec::new(),
        };
        let hairpins = flows::simulate_hairpins(deployment, &network);
        let outbound = flows::simulate_outbound(deployment, &network);
        Context {
            project,
            network: Some(network),
            traversal,
            internet_entry: Some(internet_entry),
            internet,
            hairpins,
            outbound,
        }
    }

    /// The configs whose own findings (syntax, names, unreachable entries) this project
    /// reports: each config once per run, however many deployments name it.
    pub fn configs(&self) -> impl Iterator<Item = &'a crate::workspace::FirewallInput> {
        self.project.firewalls.iter().filter(|f| f.reports_config)
    }

    /// The walks of every flow of Expressway-E's: C→E traversal and internet→E.
    pub fn expressway_paths(&self) -> Vec<&crate::eval::path::Path> {
        self.traversal
            .iter()
            .map(|r| &r.path)
            .chain(self.internet.iter().map(|r| &r.path))
            .collect()
    }

    /// The valid deployment and its file.
    pub fn deployment(&self) -> Option<(&'a Deployment, FileId)> {
        let input = self.project.deployment.as_ref()?;
        Some((input.deployment.as_ref()?, input.file))
    }

    /// A location at a deployment value: where the deployment file writes it, or the
    /// `xConfiguration` record it was read from.
    pub fn at_deployment<T>(
        &self,
        value: &crate::deployment::At<T>,
        label: impl Into<String>,
    ) -> Location {
        let file = self
            .project
            .deployment
            .as_ref()
            .map_or(FileId(0), |d| d.file);
        Location::new(value.file_or(file), value.span, label)
    }

    /// The file of the firewall at this index of the network.
    pub fn firewall_file(&self, firewall: usize) -> FileId {
        self.project.firewalls[firewall].file
    }

    /// The firewall's name as the deployment gives it.
    pub fn firewall_name(&self, firewall: usize) -> &str {
        &self.project.firewalls[firewall].name
    }

    /// A location in a firewall's config.
    pub fn at_config(&self, firewall: usize, span: Span, label: impl Into<String>) -> Location {
        Location::new(self.firewall_file(firewall), span, label)
    }

    /// The config text of a span, trimmed (for messages that quote a line).
    pub fn config_text(&self, firewall: usize, span: Span) -> &str {
        let text = &self.project.sources.get(self.firewall_file(firewall)).text;
        text.get(span.start..span.end).unwrap_or_default().trim()
    }
}

/// A rule's analysis: reads the context, pushes findings.
type Check = fn(&Context<'_>, &mut Vec<Finding>);

/// Whether a rule reads the simulated flows (which are simulated only for such rules).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reads {
    Models,
    Flows,
}

/// Every rule's analysis, in the order they run (SUP001 runs last, over their findings).
static CHECKS: &[(&RuleMeta, Check, Reads)] = &[
    (
        &unreadable_input::RULE,
        unreadable_input::check,
        Reads::Models,
    ),
    (&syntax_error::RULE, syntax_error::check, Reads::Models),
    (
        &invalid_deployment::RULE,
        invalid_deployment::check,
        Reads::Flows,
    ),
    (
        &deployment_xconfig_mismatch::RULE,
        deployment_xconfig_mismatch::check,
        Reads::Models,
    ),
    (
        &traversal_zone_unpaired::RULE,
        traversal_zone_unpaired::check,
        Reads::Models,
    ),
    (&peer_not_on_e::RULE, peer_not_on_e::check, Reads::Models),
    (
        &static_nat_on_internal_lan::RULE,
        static_nat_on_internal_lan::check,
        Reads::Models,
    ),
    (
        &undefined_reference::RULE,
        undefined_reference::check,
        Reads::Models,
    ),
    (
        &legacy_nat_syntax::RULE,
        legacy_nat_syntax::check,
        Reads::Models,
    ),
    (
        &unreachable_nat_rule::RULE,
        unreachable_nat_rule::check,
        Reads::Models,
    ),
    (
        &unreachable_ace::RULE,
        unreachable_ace::check,
        Reads::Models,
    ),
    (&unapplied_acl::RULE, unapplied_acl::check, Reads::Models),
    (&unused_object::RULE, unused_object::check, Reads::Models),
    (
        &cyclic_reference::RULE,
        cyclic_reference::check,
        Reads::Models,
    ),
    (
        &traversal_source_translated::RULE,
        traversal_source_translated::check,
        Reads::Flows,
    ),
    (
        &shared_nat_address::RULE,
        shared_nat_address::check,
        Reads::Flows,
    ),
    (
        &traversal_not_delivered::RULE,
        traversal_not_delivered::check,
        Reads::Flows,
    ),
    (
        &traversal_port_blocked::RULE,
        traversal_port_blocked::check,
        Reads::Flows,
    ),
    (
        &static_nat_mismatch::RULE,
        static_nat_mismatch::check,
        Reads::Flows,
    ),
    (
        &sip_inspection_enabled::RULE,
        sip_inspection_enabled::check,
        Reads::Flows,
    ),
    (
        &external_port_blocked::RULE,
        external_port_blocked::check,
        Reads::Flows,
    ),
    (
        &peer_address_mismatch::RULE,
        peer_address_mismatch::check,
        Reads::Flows,
    ),
    (
        &single_nic_reflection::RULE,
        single_nic_reflection::check,
        Reads::Flows,
    ),
    (
        &demux_ports_mismatch::RULE,
        demux_ports_mismatch::check,
        Reads::Flows,
    ),
    (
        &idle_timeout_short::RULE,
        idle_timeout_short::check,
        Reads::Flows,
    ),
    (
        &media_hairpin_blocked::RULE,
        media_hairpin_blocked::check,
        Reads::Flows,
    ),
    (
        &return_path_asymmetric::RULE,
        return_path_asymmetric::check,
        Reads::Flows,
    ),
    (
        &snort_evaluated_permit::RULE,
        snort_evaluated_permit::check,
        Reads::Flows,
    ),
];

/// Runs every rule over a project.
pub fn run(project: &Project) -> Vec<Finding> {
    run_selected(project, &|_| true)
}

/// Runs only the rules `selected` accepts (by code) over a project: a rule that is not
/// selected costs nothing, and the flows are simulated only when a selected rule reads
/// them.
pub fn run_selected(project: &Project, selected: &dyn Fn(&str) -> bool) -> Vec<Finding> {
    let chosen: Vec<&(&RuleMeta, Check, Reads)> = CHECKS
        .iter()
        .filter(|(rule, ..)| selected(rule.code))
        .collect();
    let cx = if chosen.iter().any(|(.., reads)| *reads == Reads::Flows) {
        Context::new(project)
    } else {
        Context::without_flows(project)
    };
    let mut findings = Vec::new();
    for (_, check, _) in chosen {
        check(&cx, &mut findings);
    }
    crate::report::packet_tracer::annotate(&cx, &mut findings);
    fmc::annotate(project, &mut findings);
    unused_suppression::apply(project, &mut findings, selected);
    crate::finding::sort(&mut findings, &project.sources);
    findings
}

/// One line describing a flow for a finding's notes:
/// `SIP traversal: TCP 10.0.30.2:25000 → 64.100.0.10:7003 (expc1, zone UCTraversal)`.
pub fn flow_line(cx: &Context<'_>, result: &FlowResult) -> String {
    let (deployment, _) = cx.deployment().expect("flows exist only with a deployment");
    let flow = &result.flow;
    format!(
        "{}: {} ({}, zone {})",
        flow.kind.label(),
        flow.packet,
        deployment.c_nodes[flow.c_node].name.value,
        deployment.zones[flow.zone].name.value
    )
}

/// The deployment's traversal peer of a flow, as a related location.
pub fn peer_location(cx: &Context<'_>, result: &FlowResult) -> Option<Location> {
    let (deployment, _) = cx.deployment()?;
    let zone = &deployment.zones[result.flow.zone];
    let peer = &zone.peers[result.flow.peer];
    let resolved = if peer.text.value.parse::<std::net::Ipv4Addr>().is_ok() {
        String::new()
    } else {
        format!(", resolves to {}", peer.address)
    };
    Some(cx.at_deployment(
        &peer.text,
        format!("traversal peer of zone {}{}", zone.name.value, resolved),
    ))
}

/// The `xconfig` dumps of one side, in the order the deployment names them (also when
/// the deployment is otherwise invalid: the rules on dumps alone still run).
pub fn dumps<'a>(
    cx: &Context<'a>,
    side: crate::xconfig::model::Side,
) -> impl Iterator<Item = &'a crate::deployment::DumpInput> {
    cx.project
        .deployment
        .iter()
        .flat_map(|d| &d.dumps)
        .filter(move |d| d.side == side)
}

/// A location at a fact of a dump.
pub fn at_dump<T>(
    dump: &crate::deployment::DumpInput,
    fact: &crate::xconfig::model::Fact<T>,
    label: impl Into<String>,
) -> Location {
    Location::new(dump.file, fact.span, label)
}

/// Groups results by a key (one finding per root cause), keys in sorted order.
pub fn group_by<'r, K: Ord, T>(
    results: impl IntoIterator<Item = (K, &'r T)>,
) -> std::collections::BTreeMap<K, Vec<&'r T>> {
    let mut groups: std::collections::BTreeMap<K, Vec<&T>> = Default::default();
    for (key, result) in results {
        groups.entry(key).or_default().push(result);
    }
    groups
}

/// Adds the distinct peer locations of some flows as related locations.
pub fn with_peers(mut finding: Finding, cx: &Context<'_>, results: &[&FlowResult]) -> Finding {
    for result in results {
        if let Some(location) = peer_location(cx, result) {
            if !finding
                .related
                .iter()
                .any(|r| r.span == location.span && r.file == location.file)
            {
                finding.related.push(location);
            }
        }
    }
    finding
}

/// The config's network object for exactly this address, for help texts built from the
/// user's own names; when there is none, `fallback`, with its definition added to
/// `definitions`.
pub fn object_for(
    firewall: &crate::model::Firewall,
    address: std::net::Ipv4Addr,
    fallback: &str,
    definitions: &mut Vec<String>,
) -> String {
    match firewall.object_named_for(address) {
        Some(name) => name.to_string(),
        None => {
            let definition = format!("  object network {fallback}\n   host {address}");
            if !definitions.contains(&definition) {
                definitions.push(definition);
            }
            fallback.to_string()
        }
    }
}

/// The config's network object or group holding exactly these addresses, for help texts
/// that must cover every node of a cluster; a single address is [`object_for`]; otherwise,
/// when none exists, `fallback` as a new object-group (`single_fallback` for a new object),
/// its definition added.
pub fn group_for(
    firewall: &crate::model::Firewall,
    addresses: &[std::net::Ipv4Addr],
    (single_fallback, fallback): (&str, &str),
    definitions: &mut Vec<String>,
) -> String {
    let mut sorted = addresses.to_vec();
    sorted.sort();
    sorted.dedup();
    if let [single] = sorted.as_slice() {
        return object_for(firewall, *single, single_fallback, definitions);
    }
    let set: crate::model::AddrSet = sorted
        .iter()
        .map(|a| (u32::from(*a), u32::from(*a)))
        .collect();
    if let Some(name) = firewall
        .network_objects
        .iter()
        .chain(&firewall.network_groups)
        .find(|(_, s)| **s == set)
        .map(|(n, _)| n.clone())
    {
        return name;
    }
    let mut definition = format!("  object-group network {fallback}");
    for address in &sorted {
        definition.push_str(&format!("\n   network-object host {address}"));
    }
    if !definitions.contains(&definition) {
        definitions.push(definition);
    }
    fallback.to_string()
}

/// The access-list entries a walk skipped as undecidable (an FQDN no answer was given
/// for), as a note suffix: "; skipped as unresolved: asa-edge line 31 (partner.example.com)".
pub fn skipped_suffix(cx: &Context<'_>, path: &crate::eval::path::Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for hop in &path.hops {
        let file = cx.project.firewalls[hop.firewall].file;
        for (span, reason) in &hop.trace.skipped {
            let line = cx.project.sources.get(file).line_col(span.start).0;
            let hosts = reason
                .strip_prefix("skipped: FQDN ")
                .and_then(|r| r.split(" is resolved").next())
                .unwrap_or(reason);
            let part = format!("{} line {line} ({hosts})", cx.firewall_name(hop.firewall));
            if !parts.contains(&part) {
                parts.push(part);
            }
        }
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(
            "; entries skipped as unresolved FQDN (the verdict holds if they do not match): {}",
            parts.join(", ")
        )
    }
}

/// What happened to a packet's walk, in a few words: "is dropped by asa-edge (acl-drop)".
pub fn path_outcome(cx: &Context<'_>, path: &crate::eval::path::Path) -> String {
    let outcome = path_outcome_only(cx, path);
    format!("{outcome}{}", skipped_suffix(cx, path))
}

fn path_outcome_only(cx: &Context<'_>, path: &crate::eval::path::Path) -> String {
    use crate::eval::path::End;
    use crate::eval::Verdict;
    let hop_name = |i: usize| cx.firewall_name(path.hops[i].firewall).to_string();
    match &path.end {
        End::Stopped => {
            let last = path.hops.len() - 1;
            match &path.hops[last].trace.verdict {
                Verdict::Drop(drop) => {
                    format!("is dropped by {} ({})", hop_name(last), drop.code())
                }
                _ => format!("ends at {} itself", hop_name(last)),
            }
        }
        End::Left(next_hop) => format!(
            "leaves the modelled network toward {next_hop} as {}",
            path.packet
        ),
        End::Delivered(host) => {
            let name = cx
                .network
                .as_ref()
                .map_or("another host".into(), |n| n.hosts[*host].name.clone());
            let first = path.hops.first().map(|h| h.trace.input);
            match first {
                Some(sent) if sent.destination_port != path.packet.destination_port => format!(
                    "is delivered to {name} as {} (port {} → {})",
                    path.packet, sent.destination_port, path.packet.destination_port
                ),
                _ => format!("is delivered to {name}"),
            }
        }
        End::Unattached => "starts from a node no modelled firewall serves".into(),
        End::Loop => "loops between the firewalls".into(),
    }
}

/// Where a walk that missed its target went wrong: the firewall, the deciding config
/// line, and a label for it. `None` when no firewall was involved.
pub fn miss_location(
    cx: &Context<'_>,
    path: &crate::eval::path::Path,
) -> Option<(usize, Span, String)> {
    use crate::eval::path::End;
    use crate::eval::{PhaseKind, Verdict};
    let hop = path.hops.last()?;
    let firewall = &cx.project.firewalls[hop.firewall].model;
    let trace = &hop.trace;
    let ingress_span = firewall
        .interface(&trace.ingress)
        .map(|i| i.span)
        .unwrap_or_default();
    let (span, label) = match (&path.end, &trace.verdict) {
        (End::Stopped, Verdict::Drop(drop)) => (
            trace.deciding_span().unwrap_or(ingress_span),
            match drop {
                crate::eval::Drop::AclDeny => "this entry denies it".to_string(),
                crate::eval::Drop::ImplicitDeny => {
                    "no entry permits it (implicit deny)".to_string()
                }
                crate::eval::Drop::SecurityLevel => format!(
                    "security levels forbid {} → {} without an access list",
                    trace.ingress,
                    trace.egress.as_deref().unwrap_or("?")
                ),
                crate::eval::Drop::UTurn => format!(
                    "it must leave by {} again, and U-turns are not permitted",
                    trace.ingress
                ),
                other => format!("drops it ({})", other.code()),
            },
        ),
        (End::Stopped, _) => (
            ingress_span,
            format!("{} is this firewall's own address", trace.input.destination),
        ),
        _ => (
            trace
                .phases
                .iter()
                .find(|p| p.kind == PhaseKind::RouteLookup || p.kind == PhaseKind::UnNat)
                .and_then(|p| p.config.first().copied())
                .unwrap_or(ingress_span),
            format!(
                "sends {} out of {}",
                path.packet.destination,
                trace.egress.as_deref().unwrap_or("?")
            ),
        ),
    };
    Some((hop.firewall, span, label))
}

/// A config line's span for a finding about a firewall as a whole: its first line.
pub fn first_line(cx: &Context<'_>, firewall: usize) -> Span {
    let text = &cx.project.sources.get(cx.firewall_file(firewall)).text;
    Span::new(0, text.find('\n').unwrap_or(text.len()))
}
