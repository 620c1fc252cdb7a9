//! The packet simulator: one firewall, one new connection, phase by phase as packet-tracer
//! shows it (docs/asa-semantics.md#25-the-phases-of-a-new-connection), and the walk of a
//! packet across several firewalls ([`path`]).

pub mod acl;
pub mod nat;
pub mod path;
pub mod policy;
pub mod reach;
pub mod route;

use std::fmt;
use std::net::Ipv4Addr;

use crate::model::Firewall;
use crate::source::Span;

/// The first packet of a new connection. ICMP carries its type in `source_port` and its
/// code in `destination_port`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Packet {
    pub protocol: u8,
    pub source: Ipv4Addr,
    pub source_port: u16,
    pub destination: Ipv4Addr,
    pub destination_port: u16,
}

impl Packet {
    pub fn new(
        protocol: u8,
        source: Ipv4Addr,
        source_port: u16,
        destination: Ipv4Addr,
        destination_port: u16,
    ) -> Self {
        Packet {
            protocol,
            source,
            source_port,
            destination,
            destination_port,
        }
    }

    /// `10.0.30.2:25000 → 64.100.0.10:7003`
    pub fn endpoints(&self) -> String {
        format!(
            "{}:{} → {}:{}",
            self.source, self.source_port, self.destination, self.destination_port
        )
    }
}

/// `TCP`, `UDP`, `ICMP` or the protocol number.
pub fn protocol_name(protocol: u8) -> String {
    match protocol {
        1 => "ICMP".into(),
        6 => "TCP".into(),
        17 => "UDP".into(),
        132 => "SCTP".into(),
        n => format!("protocol {n}"),
    }
}

impl fmt::Display for Packet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", protocol_name(self.protocol), self.endpoints())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhaseKind {
    RouteLookup,
    UnNat,
    AccessList,
    Nat,
    FlowCreation,
    /// FTD: the Snort verdict of a connection LINA permitted (not simulated).
    Snort,
}

impl PhaseKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PhaseKind::RouteLookup => "ROUTE-LOOKUP",
            PhaseKind::UnNat => "UN-NAT",
            PhaseKind::AccessList => "ACCESS-LIST",
            PhaseKind::Nat => "NAT",
            PhaseKind::FlowCreation => "FLOW-CREATION",
            PhaseKind::Snort => "SNORT",
        }
    }
}

/// One step of the trace, with the config lines that decided it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phase {
    pub kind: PhaseKind,
    pub subtype: &'static str,
    pub allowed: bool,
    pub config: Vec<Span>,
    pub info: Vec<String>,
    /// Lines quoted with the deciding ones but deciding nothing: the FMC remarks of an
    /// FTD entry, which FTD's packet-tracer prints under it.
    pub remarks: Vec<Span>,
}

/// Why a packet was dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Drop {
    /// An ACE denied it.
    AclDeny,
    /// An ACL is bound but no entry permits it.
    ImplicitDeny,
    /// No ACL applies and the security levels forbid it.
    SecurityLevel,
    /// It would leave by the interface it came in on, which is not permitted.
    UTurn,
    /// The outbound ACL of the egress interface denies it.
    OutboundAcl,
    NoRoute,
    /// Aimed at a PAT or port-static mapped address with no translation for it.
    PatAddress,
    /// Aimed at another interface's own address.
    FarInterface,
    /// The reply would match other NAT rules than the forward flow (asymmetric NAT).
    NatRpf,
    /// The ingress or egress interface does not exist.
    NoInterface,
}

impl Drop {
    /// The ASA's drop code, as packet-tracer's Drop-reason shows it.
    pub fn code(self) -> &'static str {
        match self {
            Drop::AclDeny
            | Drop::ImplicitDeny
            | Drop::SecurityLevel
            | Drop::UTurn
            | Drop::OutboundAcl => "acl-drop",
            Drop::NoRoute => "no-route",
            Drop::PatAddress => "nat-no-xlate-to-pat-pool",
            Drop::FarInterface => "sp-security-failed",
            Drop::NatRpf => "nat-rpf-failed",
            Drop::NoInterface => "no-adjacency",
        }
    }

    /// The ASA's text for the drop code.
    pub fn text(self) -> &'static str {
        match self.code() {
            "acl-drop" => "Flow is denied by configured rule",
            "no-route" => "No route to host",
            "nat-no-xlate-to-pat-pool" => "Connection to PAT address without pre-existing xlate",
            "sp-security-failed" => "Slowpath security checks failed",
            "nat-rpf-failed" => "NAT reverse path failed",
            _ => "No valid adjacency",
        }
    }

    /// Whether an access rule (ACE, implicit deny, security level) decided the drop.
    pub fn is_access_rule(self) -> bool {
        matches!(
            self,
            Drop::AclDeny | Drop::ImplicitDeny | Drop::SecurityLevel | Drop::OutboundAcl
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Allow,
    Drop(Drop),
    /// Addressed to the ingress interface itself: handled by the ASA, never forwarded.
    ToTheBox,
}

/// What one firewall does with one packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trace {
    pub ingress: String,
    pub input: Packet,
    pub phases: Vec<Phase>,
    pub verdict: Verdict,
    pub egress: Option<String>,
    /// The packet with its destination untranslated: what the access check sees.
    pub untranslated: Packet,
    /// The packet as it leaves (translated).
    pub output: Packet,
    /// Where the packet is sent next: the route's gateway, or the destination itself.
    pub next_hop: Option<Ipv4Addr>,
    /// The NAT rule (table index) that untranslated the destination.
    pub destination_rule: Option<usize>,
    /// The NAT rule (table index) that translated the source.
    pub source_rule: Option<usize>,
    /// The source port went through PAT and may differ on the wire.
    pub source_port_may_change: bool,
    /// Dynamic NAT or PAT to a pool: every address the source may be translated into;
    /// `output.source` is one of them, a representative.
    pub source_pool: Option<crate::model::AddrSet>,
    /// ACL entries the access check skipped as undecidable (an FQDN no answer was given
    /// for), with the reason: the verdict holds only if they do not match.
    pub skipped: Vec<(Span, String)>,
    /// The ACL entries that permitted the connection (inbound or global, then outbound).
    pub permitted_by: Vec<Span>,
}

impl Trace {
    /// The span of the config line that decided a drop (the last line of the last phase).
    pub fn deciding_span(&self) -> Option<Span> {
        self.phases.last().and_then(|p| p.config.last().copied())
    }

    fn phase(
        &mut self,
        kind: PhaseKind,
        subtype: &'static str,
        allowed: bool,
        config: Vec<Span>,
        info: Vec<String>,
    ) {
        self.phases.push(Phase {
            kind,
            subtype,
            allowed,
            config,
            info,
            remarks: Vec::new(),
        });
    }

    fn drop(mut self, drop: Drop) -> Trace {
        self.verdict = Verdict::Drop(drop);
        self
    }
}

/// Simulates the first packet of a new connection arriving on `ingress`.
pub fn simulate(firewall: &Firewall, ingress: &str, packet: Packet) -> Trace {
    let mut trace = Trace {
        ingress: ingress.to_string(),
        input: packet,
        phases: Vec::new(),
        verdict: Verdict::Allow,
        egress: None,
        untranslated: packet,
        output: packet,
        next_hop: None,
        destination_rule: None,
        source_rule: None,
        source_port_may_change: false,
        source_pool: None,
        skipped: Vec::new(),
        permitted_by: Vec::new(),
    };
    let Some(ingress) = firewall.interface(ingress) else {
        return trace.drop(Drop::NoInterface);
    };

    // Destination un-NAT, first hit in table order
    // (docs/asa-semantics.md#25-the-phases-of-a-new-connection, step 2).
    let un_nat = destination_lookup(firewall, ingress, &packet, Direction::New);
    let real = un_nat.as_ref().map_or(packet, |u| u.packet);
    trace.untranslated = real;
    let route = match &un_nat {
        Some(u) => {
            let rule = &firewall.nat[u.rule];
            trace.destination_rule = Some(u.rule);
            let egress = match &u.divert {
                Some(divert) => Some(divert.clone()),
                None => {
                    route::lookup(firewall, real.destination, None).map(|r| r.interface.clone())
                }
            };
            let mut info = Vec::new();
            if let Some(egress) = &egress {
                info.push(format!("NAT divert to egress interface {egress}"));
            }
            info.push(format!(
                "Untranslate {}/{} to {}/{}",
                packet.destination,
                packet.destination_port,
                real.destination,
                real.destination_port
            ));
            trace.phase(PhaseKind::UnNat, "static", true, vec![rule.span], info);
            let Some(egress) = egress else {
                return trace.drop(Drop::NoRoute);
            };
            trace.egress = Some(egress.clone());
            // Only routes out of the divert interface are eligible for the next hop.
            match route::lookup(firewall, real.destination, Some(&egress)) {
                Some(r) => r,
                None => return trace.drop(Drop::NoRoute),
            }
        }
        None => {
            if let Some(rule) = nat::pat_address_rule(firewall, ingress, packet.destination) {
                trace.phase(PhaseKind::UnNat, "", false, vec![firewall.nat[rule].span], vec![format!(
                    "{} is a mapped address of this rule for other traffic only; no translation exists for a new connection to it",
                    packet.destination
                )]);
                return trace.drop(Drop::PatAddress);
            }
            let Some(r) = route::lookup(firewall, packet.destination, None) else {
                trace.phase(
                    PhaseKind::RouteLookup,
                    "Resolve Egress Interface",
                    false,
                    vec![],
                    vec![format!("no route to {}", packet.destination)],
                );
                return trace.drop(Drop::NoRoute);
            };
            trace.phase(
                PhaseKind::RouteLookup,
                "Resolve Egress Interface",
                true,
                vec![r.span],
                vec![format!(
                    "found next-hop {} using egress ifc {}",
                    r.gateway.unwrap_or(packet.destination),
                    r.interface
                )],
            );
            trace.egress = Some(r.interface.clone());
            r
        }
    };
    let egress_name = trace.egress.clone().unwrap_or_default();
    let Some(egress) = firewall.interface(&egress_name) else {
        return trace.drop(Drop::NoInterface);
    };
    trace.next_hop = Some(route.gateway.unwrap_or(real.destination));

    // To-the-box traffic (docs/asa-semantics.md#25-the-phases-of-a-new-connection, step 2).
    if let Some(owner) = firewall.interface_owning(real.destination) {
        if owner.name == ingress.name {
            trace.verdict = Verdict::ToTheBox;
            trace.egress = Some("NP Identity Ifc".into());
            return trace;
        }
        trace.phase(
            PhaseKind::AccessList,
            "",
            false,
            vec![owner.span],
            vec![format!(
                "{} is the address of interface {}; the ASA does not answer on a far interface",
                real.destination, owner.name
            )],
        );
        return trace.drop(Drop::FarInterface);
    }

    // Same-interface (U-turn) check, then the access check on real addresses.
    if let Err(drop) = access_check(firewall, ingress, egress, &real, &mut trace) {
        return trace.drop(drop);
    }

    // Source NAT: the twice rule that un-NATed, else the first forward match.
    let source_rule = match &un_nat {
        Some(u) if firewall.nat[u.rule].is_twice() => Some(u.rule),
        _ => nat::source_lookup(firewall, &ingress.name, &egress.name, &packet),
    };
    let mut output = real;
    if let Some(index) = source_rule {
        let rule = &firewall.nat[index];
        let reverse_twice = un_nat
            .as_ref()
            .is_some_and(|u| u.rule == index && !u.forward);
        if reverse_twice {
            // The un-NAT step already mapped the source (real destination → mapped destination).
            trace.phase(
                PhaseKind::Nat,
                "",
                true,
                vec![rule.span],
                vec![format!(
                    "Static translate {}/{} to {}/{}",
                    packet.source, packet.source_port, real.source, real.source_port
                )],
            );
        } else if let Some(x) = nat::translate_source(firewall, rule, &egress.name, &packet) {
            output.source = x.packet.source;
            output.source_port = x.packet.source_port;
            trace.source_port_may_change = x.port_may_change;
            let mut info = vec![format!(
                "{} translate {}/{} to {}/{}",
                x.how, packet.source, packet.source_port, output.source, output.source_port
            )];
            if let Some(pool) = &x.pool {
                info.push(format!(
                    "{} is a representative: the source is translated into the pool {}",
                    output.source,
                    crate::model::addr::describe(pool)
                ));
            }
            trace.source_pool = x.pool;
            trace.phase(PhaseKind::Nat, "", true, vec![rule.span], info);
        }
        trace.source_rule = Some(index);
    }
    trace.output = output;

    // The NAT reverse-path check, for every new connection
    // (docs/asa-semantics.md#24-matching-a-rule-and-the-nat-rpf-check).
    match rpf_check(firewall, &trace, &egress.name) {
        Ok(rules) if !rules.is_empty() => trace.phase(
            PhaseKind::Nat,
            "rpf-check",
            true,
            rules.iter().map(|&r| firewall.nat[r].span).collect(),
            vec![],
        ),
        Ok(_) => {}
        Err(offending) => {
            trace.phase(
                PhaseKind::Nat,
                "rpf-check",
                false,
                vec![firewall.nat[offending].span],
                vec!["Asymmetric NAT rules matched for forward and reverse flows".into()],
            );
            return trace.drop(Drop::NatRpf);
        }
    }
    trace.phase(
        PhaseKind::FlowCreation,
        "",
        true,
        vec![],
        vec!["New flow created".into()],
    );
    if let Some(rule) = snort_rule(firewall, &trace) {
        trace.phase(
            PhaseKind::Snort,
            "",
            true,
            vec![],
            vec![format!(
                "{rule} permits the flow in LINA and hands it to Snort; the access control policy{} and its intrusion and file policies give the final verdict",
                if rule.kind == crate::model::FmcRuleKind::L7 {
                    " (the rule's application, URL and user conditions)"
                } else {
                    ""
                }
            )],
        );
    }
    trace
}

/// The FMC rule of an entry that permitted the connection and leaves the verdict to
/// Snort, if any (FTD only; a `trust` or prefilter entry does not).
pub fn snort_rule<'a>(firewall: &'a Firewall, trace: &Trace) -> Option<&'a crate::model::FmcRule> {
    trace
        .permitted_by
        .iter()
        .filter_map(|&span| firewall.fmc_rule_at(span))
        .find(|rule| rule.snort_decides())
}

/// packet-tracer's words for an FTD entry's rule: which FMC rule it is.
fn fmc_rule_info(firewall: &Firewall, entry: Option<Span>) -> Vec<String> {
    entry
        .and_then(|span| firewall.fmc_rule_at(span))
        .map(|rule| {
            let mut info = vec![rule.to_string()];
            if let Some(policy) = &rule.policy {
                info[0].push_str(&format!(" in policy '{policy}'"));
            }
            info
        })
        .unwrap_or_default()
}

/// What FTD's packet-tracer adds to a permitting entry: which FMC rule, and whether the
/// flow is fast-pathed (`trust`, prefilter Fastpath) or sent to Snort.
fn fmc_permit_info(firewall: &Firewall, entry: Option<Span>) -> Vec<String> {
    let mut info = fmc_rule_info(firewall, entry);
    if let Some(rule) = entry.and_then(|span| firewall.fmc_rule_at(span)) {
        info.push(if rule.trust {
            "trust: the flow is fast-pathed; Snort does not inspect it".into()
        } else {
            "This packet will be sent to snort for additional processing where a verdict will be reached".into()
        });
    }
    info
}

/// The NAT rules a connection uses: a twice rule found by the destination lookup is the
/// only one; otherwise the destination rule and the source rule, if any.
fn connection_rules(
    firewall: &Firewall,
    destination: Option<usize>,
    source: Option<usize>,
) -> Vec<usize> {
    match destination {
        Some(d) if firewall.nat[d].is_twice() => vec![d],
        _ => {
            let mut rules: Vec<usize> = destination.into_iter().chain(source).collect();
            rules.sort_unstable();
            rules.dedup();
            rules
        }
    }
}

/// Runs the two lookups for the reply as it arrives on the egress interface and
/// compares the rules with the forward flow's. Gives the forward rules when they agree,
/// else the first rule found in only one direction. The forward flow's xlate counts: a
/// reply to a dynamic rule's mapped address matches that rule.
fn rpf_check(firewall: &Firewall, trace: &Trace, egress: &str) -> Result<Vec<usize>, usize> {
    let forward = connection_rules(firewall, trace.destination_rule, trace.source_rule);
    let out = trace.output;
    let reply = Packet::new(
        out.protocol,
        out.destination,
        out.destination_port,
        out.source,
        out.source_port,
    );
    let xlate = trace
        .source_rule
        .filter(|&s| firewall.nat[s].kind == crate::syntax::ast::NatKind::Dynamic);
    let Some(egress_interface) = firewall.interface(egress) else {
        return Ok(forward);
    };
    let reverse = match xlate {
        // The xlate answers the reply's destination; its source still goes through the table.
        Some(x) => {
            let mut rules: Vec<usize> = std::iter::once(x)
                .chain(nat::source_lookup(firewall, egress, &trace.ingress, &reply))
                .collect();
            rules.sort_unstable();
            rules.dedup();
            rules
        }
        None => {
            let destination =
                destination_lookup(firewall, egress_interface, &reply, Direction::Reply)
                    .map(|u| u.rule);
            let source = match destination {
                Some(d) if firewall.nat[d].is_twice() => None,
                _ => nat::source_lookup(firewall, egress, &trace.ingress, &reply),
            };
            connection_rules(firewall, destination, source)
        }
    };
    if reverse == forward {
        return Ok(forward);
    }
    let offending = reverse
        .iter()
        .chain(&forward)
        .copied()
        .find(|r| !(forward.contains(r) && reverse.contains(r)));
    Err(offending.unwrap_or_default())
}

/// Whether a lookup is for a new connection or for the reply of one (the RPF check).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    New,
    /// A `unidirectional` static still matches the reply of a connection its real side
    /// opened (docs/asa-semantics.md#23-rule-kinds).
    Reply,
}

/// Whether a rule above `index` claims the packet in the source lookup (forward match,
/// egress from a plain route lookup of the original destination), so that the rule at
/// `index`, found by the destination lookup, is not used
/// (docs/asa-semantics.md#22-nat-selection-three-sections-two-lookups). Object rules pair
/// (one un-NATs, another translates the source), so an object rule found in reverse is
/// claimed only by a twice rule above it.
fn claimed_above(
    firewall: &Firewall,
    index: usize,
    ingress: &crate::model::Interface,
    packet: &Packet,
) -> bool {
    claimed_by(firewall, index, ingress, packet).is_some()
}

/// The rule above `index` that claims the packet in the source lookup (see
/// [`claimed_above`]), if any.
pub fn claimed_by(
    firewall: &Firewall,
    index: usize,
    ingress: &crate::model::Interface,
    packet: &Packet,
) -> Option<usize> {
    let hit_is_twice = firewall.nat[index].is_twice();
    let egress = route::lookup(firewall, packet.destination, None)?;
    firewall.nat[..index].iter().position(|r| {
        (hit_is_twice || r.is_twice())
            && nat::forward_match(firewall, r, &ingress.name, &egress.interface, packet)
    })
}

/// A rule that would untranslate the packet's destination (reverse or forward match)
/// but that a rule above it claims, with that rule: (claimed, claimer).
pub fn claimed_destination_rule(
    firewall: &Firewall,
    ingress: &crate::model::Interface,
    packet: &Packet,
) -> Option<(usize, usize)> {
    (0..firewall.nat.len()).find_map(|index| {
        let hit = nat::reverse_match(firewall, index, ingress, packet)
            .or_else(|| nat::forward_destination_match(firewall, index, ingress, packet))?;
        claimed_by(firewall, hit.rule, ingress, packet).map(|by| (index, by))
    })
}

/// The destination lookup: the first rule in table order that reverse-matches a static
/// mapping or forward-matches a twice rule's `destination static` — unless a rule above it
/// already claims the packet in the source lookup
/// (docs/asa-semantics.md#22-nat-selection-three-sections-two-lookups, both for rules
/// matched forward and for rules matched in reverse).
fn destination_lookup(
    firewall: &Firewall,
    ingress: &crate::model::Interface,
    packet: &Packet,
    direction: Direction,
) -> Option<nat::UnNat> {
    for index in 0..firewall.nat.len() {
        let rule = &firewall.nat[index];
        // With route-lookup, routing picks the egress and the rule applies only if that is
        // its interface on the far side.
        let routes_to = |hit: &nat::UnNat, side: &Option<String>| {
            !rule.route_lookup
                || side.as_ref().is_none_or(|s| {
                    route::lookup(firewall, hit.packet.destination, None)
                        .is_some_and(|r| r.interface.eq_ignore_ascii_case(s))
                })
        };
        let reverse = match direction {
            Direction::New => nat::reverse_match(firewall, index, ingress, packet),
            Direction::Reply => nat::reverse_match_any(firewall, index, ingress, packet),
        };
        if let Some(hit) = reverse {
            if routes_to(&hit, &rule.real_interface)
                && !claimed_above(firewall, index, ingress, packet)
            {
                return Some(hit);
            }
            continue;
        }
        if let Some(hit) = nat::forward_destination_match(firewall, index, ingress, packet) {
            if !routes_to(&hit, &rule.mapped_interface) {
                continue;
            }
            if !claimed_above(firewall, index, ingress, packet) {
                return Some(hit);
            }
        }
    }
    None
}

/// Same-interface permission, inbound and global ACLs (or security levels), then the
/// outbound ACL. Records its phases.
fn access_check(
    firewall: &Firewall,
    ingress: &crate::model::Interface,
    egress: &crate::model::Interface,
    packet: &Packet,
    trace: &mut Trace,
) -> Result<(), Drop> {
    use acl::Decision;
    let uturn = ingress.name == egress.name;
    if uturn && firewall.intra_interface.is_none() {
        trace.phase(PhaseKind::AccessList, "", false, vec![], vec![format!(
            "Implicit Rule: traffic may not leave interface {} it entered on without same-security-traffic permit intra-interface",
            ingress.name
        )]);
        return Err(Drop::UTurn);
    }
    let inbound = firewall.inbound.get(&ingress.name.to_ascii_lowercase());
    let bound: Vec<_> = inbound
        .into_iter()
        .chain(firewall.global.as_ref())
        .collect();
    let mut unmatched = Vec::new();
    let mut decided = false;
    let between = acl::Between::interfaces(&ingress.name, &egress.name);
    for binding in &bound {
        let (decision, skipped) = acl::check(firewall, binding, packet, between);
        trace.skipped.extend(skipped);
        match decision {
            Decision::Permit(config) => {
                let entry = config.last().copied();
                let info = fmc_permit_info(firewall, entry);
                trace.permitted_by.extend(entry);
                trace.phase(PhaseKind::AccessList, "log", true, config, info);
                // FTD's packet-tracer quotes the FMC remarks under the entry.
                if let (Some(rule), Some(phase)) = (
                    entry.and_then(|span| firewall.fmc_rule_at(span)),
                    trace.phases.last_mut(),
                ) {
                    phase.remarks = rule.remarks.clone();
                }
                decided = true;
                break;
            }
            Decision::Deny(config) => {
                let info = fmc_rule_info(firewall, config.last().copied());
                trace.phase(PhaseKind::AccessList, "log", false, config, info);
                return Err(Drop::AclDeny);
            }
            Decision::NoMatch(config) => unmatched.extend(config),
        }
    }
    if !decided && !bound.is_empty() {
        trace.phase(
            PhaseKind::AccessList,
            "",
            false,
            unmatched,
            vec!["Implicit Rule: no entry permits this flow (implicit deny)".into()],
        );
        return Err(Drop::ImplicitDeny);
    }
    if bound.is_empty() && !uturn {
        let permitted = ingress.level > egress.level
            || (ingress.level == egress.level && firewall.inter_interface.is_some());
        let why = format!(
            "Implicit Rule: security level {} ({}) to {} ({})",
            ingress.level, ingress.name, egress.level, egress.name
        );
        if !permitted {
            let mut config = vec![ingress.span, egress.span];
            config.dedup();
            trace.phase(PhaseKind::AccessList, "", false, config, vec![why]);
            return Err(Drop::SecurityLevel);
        }
    }
    if let Some(binding) = firewall.outbound.get(&egress.name.to_ascii_lowercase()) {
        let (decision, skipped) = acl::check(firewall, binding, packet, between);
        trace.skipped.extend(skipped);
        match decision {
            Decision::Permit(config) => {
                trace.permitted_by.extend(config.last().copied());
                trace.phase(PhaseKind::AccessList, "log", true, config, vec![])
            }
            Decision::Deny(config) | Decision::NoMatch(config) => {
                trace.phase(
                    PhaseKind::AccessList,
                    "",
                    false,
                    config,
                    vec!["denied by the outbound access list".into()],
                );
                return Err(Drop::OutboundAcl);
            }
        }
    }
    Ok(())
}
