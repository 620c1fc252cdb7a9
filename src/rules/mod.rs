//! Findings: one file per rule, each named after the pattern it flags. A rule reads
//! the models and the analysis ([`crate::mra`]: the flows, their verdicts and which
//! problem explains which) and pushes findings; it never parses, simulates or prints.

use crate::deployment::Deployment;
use crate::eval::path::Network;
use crate::finding::{Finding, Location, Severity};
use crate::mra::{Analysis, FlowResult, InternetResult, ProbeResult};
use crate::source::{FileId, Span};
use crate::workspace::Project;

/// A rule's analysis: reads the context, pushes findings.
type Check = fn(&Context<'_>, &mut Vec<Finding>);

/// What a rule's analysis reads, and so when it runs.
#[derive(Clone, Copy)]
enum Analyses {
    /// The models only.
    Models(Check),
    /// The simulated flows (which are simulated only when such a rule is selected).
    Flows(Check),
    /// The other rules' findings: runs after them all (SUP001).
    Findings,
}

/// One entry of the registry.
struct Registered {
    meta: &'static RuleMeta,
    analyses: Analyses,
}

/// The registry, one line per rule in code order: `module: Models | Flows | Findings`.
/// Each line declares the rule's module (its file, named after the pattern it flags),
/// lists its [`RuleMeta`] in [`ALL`], and registers its `check` with what it reads.
/// Adding a rule is its file plus one line here.
macro_rules! registry {
    ($($module:ident: $reads:ident),* $(,)?) => {
        $(mod $module;)*

        /// Every rule, in code order.
        pub static ALL: &[&RuleMeta] = &[$(&$module::RULE),*];

        static REGISTRY: &[Registered] = &[$(Registered {
            meta: &$module::RULE,
            analyses: registry!(@analyses $module $reads),
        }),*];
    };
    (@analyses $module:ident Models) => { Analyses::Models($module::check) };
    (@analyses $module:ident Flows) => { Analyses::Flows($module::check) };
    (@analyses $module:ident Findings) => { Analyses::Findings };
}

registry! {
    traversal_source_translated: Flows,
    shared_nat_address: Flows,
    traversal_not_delivered: Flows,
    traversal_port_blocked: Flows,
    static_nat_mismatch: Flows,
    sip_inspection_enabled: Flows,
    external_port_blocked: Flows,
    peer_address_mismatch: Flows,
    single_nic_reflection: Flows,
    demux_ports_mismatch: Flows,
    idle_timeout_short: Flows,
    media_hairpin_blocked: Flows,
    return_path_asymmetric: Flows,
    snort_evaluated_permit: Flows,
    unreachable_nat_rule: Models,
    legacy_nat_syntax: Models,
    unreachable_ace: Models,
    unapplied_acl: Models,
    undefined_reference: Models,
    unused_object: Models,
    cyclic_reference: Models,
    syntax_error: Models,
    invalid_deployment: Flows,
    deployment_xconfig_mismatch: Models,
    traversal_zone_unpaired: Models,
    peer_not_on_e: Models,
    static_nat_on_internal_lan: Models,
    unreadable_input: Models,
    unused_suppression: Findings,
}

/// Helpers that are not rules: FMC wording on findings.
mod fmc;
pub mod packet_tracer;

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

/// What the rules read: the project and its analysis; when flows were simulated, the
/// network they were walked through.
pub struct Context<'a> {
    pub project: &'a Project,
    pub analysis: &'a Analysis,
    pub network: Option<Network<'a>>,
    /// Every C→E flow.
    pub traversal: &'a [FlowResult],
    /// Where internet flows enter, or why that is unknown.
    pub internet_entry: &'a Option<Result<(usize, String), String>>,
    /// Every internet → E flow.
    pub internet: &'a [InternetResult],
    /// E's media hairpin probes.
    pub hairpins: &'a [ProbeResult],
    /// C's outbound probes.
    pub outbound: &'a [ProbeResult],
}

impl<'a> Context<'a> {
    /// The rules' view of a project and its analysis.
    pub fn new(project: &'a Project, analysis: &'a Analysis) -> Self {
        Context {
            project,
            analysis,
            network: analysis.network(project),
            traversal: &analysis.traversal,
            internet_entry: &analysis.internet_entry,
            internet: &analysis.internet,
            hairpins: &analysis.hairpins,
            outbound: &analysis.outbound,
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

/// Runs every rule over a project.
pub fn run(project: &Project) -> Vec<Finding> {
    run_selected(project, &|_| true)
}

/// Runs only the rules `selected` accepts (by code) over a project: a rule that is not
/// selected costs nothing, and the flows are simulated only when a selected rule reads
/// them.
pub fn run_selected(project: &Project, selected: &dyn Fn(&str) -> bool) -> Vec<Finding> {
    run_analysed(project, &analysis_for(project, selected), selected)
}

/// The analysis the selected rules need: the simulated flows when one of them reads
/// flows, nothing otherwise.
pub fn analysis_for(project: &Project, selected: &dyn Fn(&str) -> bool) -> Analysis {
    let reads_flows = REGISTRY
        .iter()
        .any(|r| selected(r.meta.code) && matches!(r.analyses, Analyses::Flows(_)));
    if reads_flows {
        Analysis::of(project)
    } else {
        Analysis::none()
    }
}

/// Runs the rules `selected` accepts over a project and the analysis made of it.
pub fn run_analysed(
    project: &Project,
    analysis: &Analysis,
    selected: &dyn Fn(&str) -> bool,
) -> Vec<Finding> {
    let cx = Context::new(project, analysis);
    let mut findings = Vec::new();
    for rule in REGISTRY.iter().filter(|r| selected(r.meta.code)) {
        match rule.analyses {
            Analyses::Models(check) | Analyses::Flows(check) => check(&cx, &mut findings),
            // SUP001 reads the other rules' findings: applied below, after them all.
            Analyses::Findings => {}
        }
    }
    packet_tracer::annotate(&cx, &mut findings);
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
    crate::mra::peers::dumps(cx.project, side)
}

/// A location at a fact of a dump.
pub fn at_dump<T>(
    dump: &crate::deployment::DumpInput,
    fact: &crate::xconfig::model::Recorded<T>,
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
