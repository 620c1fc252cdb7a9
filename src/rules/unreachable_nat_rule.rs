use super::{declare_rule, Context};
use crate::eval::reach::{coverage, minimal_blockers, Coverage, ListIndex, Region, WORK_LIMIT};
use crate::finding::{Finding, Location};
use crate::model::addr::{self, IntervalSet};
use crate::model::{Firewall, Mapped, MappedDestination, NatRule};
use crate::syntax::ast::NatKind;

declare_rule! {
    /// ## What it does
    /// Finds NAT rules that can never match because rules earlier in the NAT table (twice
    /// NAT, then object NAT in its automatic order, then `after-auto` twice NAT) together
    /// take all their traffic, in every direction the rule can match: forward (real side
    /// initiates; interfaces, real source, destination, service) and, for a static rule
    /// that is not `unidirectional`, reverse (mapped side initiates).
    ///
    /// ## Why is this bad?
    /// The first match wins, so the rule does nothing: the translation it describes never
    /// happens, and traffic gets the earlier rule's translation instead. A static rule
    /// still matched in reverse (connections the mapped side opens) is not reported; a
    /// rule shadowed in one direction only is a place to look, not a finding.
    ///
    /// ## Example
    /// ```text
    /// nat (inside,outside) source dynamic INSIDE-NET interface
    /// object network EXPC
    ///  nat (inside,outside) dynamic 64.100.0.20
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// object network EXPC
    ///  nat (inside,outside) dynamic 64.100.0.20
    /// nat (inside,outside) after-auto source dynamic INSIDE-NET interface
    /// ```
    ///
    /// ## References
    /// - docs/asa-semantics.md#22-nat-selection-three-sections-two-lookups
    ///   (three sections, first match wins)
    /// - Cisco ASA Series Firewall CLI Configuration Guide, NAT rule order
    pub static RULE = {
        code: "NAT001",
        name: "unreachable-nat-rule",
        severity: Warning,
        summary: "a NAT rule can never match because earlier rules take all its traffic",
    };
}

/// An interface dimension: a named interface, or every interface for `any`.
fn interface(firewall: &Firewall, name: &Option<String>) -> IntervalSet {
    match name {
        None => IntervalSet::range(0, u32::MAX),
        Some(n) => {
            let index = firewall
                .interfaces
                .iter()
                .position(|i| i.name.eq_ignore_ascii_case(n));
            IntervalSet::single(index.map_or(u32::MAX, |i| i as u32))
        }
    }
}

fn full(max: u32) -> IntervalSet {
    IntervalSet::range(0, max)
}

/// Protocol and the two port dimensions of a rule's service (original or translated).
fn service_dims(rule: &NatRule, translated: bool) -> [IntervalSet; 3] {
    let Some(ports) = &rule.ports else {
        return [full(255), full(65535), full(65535)];
    };
    let pick = |side: &Option<(IntervalSet, IntervalSet)>| {
        side.as_ref().map_or(
            full(65535),
            |(o, t)| if translated { t.clone() } else { o.clone() },
        )
    };
    let protocols = ports.protocols.iter().fold(IntervalSet::empty(), |acc, p| {
        acc.union(&IntervalSet::single(u32::from(*p)))
    });
    [protocols, pick(&ports.source), pick(&ports.destination)]
}

/// Forward: (ingress, egress, source, destination, protocol, source port, destination port).
fn forward(firewall: &Firewall, rule: &NatRule) -> Region {
    let destination = match &rule.destination {
        Some((MappedDestination::Addresses(m), _)) => m.clone(),
        Some((MappedDestination::Interface, _)) => {
            interface_address(firewall, &rule.real_interface)
        }
        None => addr::any_address(),
    };
    let [protocol, sport, dport] = service_dims(rule, false);
    Region {
        dims: vec![
            interface(firewall, &rule.real_interface),
            interface(firewall, &rule.mapped_interface),
            rule.real_source.clone(),
            destination,
            protocol,
            sport,
            dport,
        ],
    }
}

fn interface_address(firewall: &Firewall, name: &Option<String>) -> IntervalSet {
    name.as_deref()
        .and_then(|n| firewall.interface(n))
        .and_then(|i| i.address)
        .map(addr::host)
        .unwrap_or_default()
}

/// Reverse (static, bidirectional rules only): the mapped side opens a connection to the
/// mapped source; the packet's source port meets the translated destination port and its
/// destination port the translated source port.
fn reverse(firewall: &Firewall, rule: &NatRule) -> Option<Region> {
    if rule.kind != NatKind::Static || rule.unidirectional {
        return None;
    }
    let mapped = match &rule.mapped_source {
        Mapped::Addresses(m) => m.clone(),
        Mapped::Interface => interface_address(firewall, &rule.mapped_interface),
        Mapped::PatPool(_) => return None,
    };
    let source = rule
        .destination
        .as_ref()
        .map_or(addr::any_address(), |(_, real)| real.clone());
    let [protocol, source_ports, destination_ports] = service_dims(rule, true);
    Some(Region {
        dims: vec![
            interface(firewall, &rule.mapped_interface),
            interface(firewall, &rule.real_interface),
            source,
            mapped,
            protocol,
            destination_ports,
            source_ports,
        ],
    })
}

/// A rule whose reachability was not decided: said, never silently dropped.
fn undecided(
    file: crate::source::FileId,
    span: crate::source::Span,
    overlapping: usize,
) -> Finding {
    let mut finding = RULE
        .finding(
            format!(
                "not analysed: deciding whether the {overlapping} earlier rules that overlap this one take all its traffic needs more than {WORK_LIMIT} box operations; it is treated as reachable"
            ),
            Location::new(file, span, "reachability undecided"),
        )
        .with_help("nothing to fix: this rule overlaps too many earlier rules to be analysed exactly");
    finding.severity = crate::finding::Severity::Advice;
    finding
}

/// Whether earlier rules take all of a rule's traffic in one direction.
enum Blocked {
    /// They do: a minimal set of them.
    By(Vec<usize>),
    No,
    /// Too complex to decide (see `reach::WORK_LIMIT`): so many rules overlap it.
    Undecided(usize),
}

/// Whether earlier rules cover rule `i` in one direction (`regions` holds one box per
/// rule, or none when the rule has no such direction).
fn blocked(
    i: usize,
    regions: &[Vec<Region>],
    index: &mut ListIndex<'_>,
    usable: &impl Fn(usize) -> bool,
) -> Blocked {
    if regions[i].is_empty() {
        return Blocked::By(Vec::new());
    }
    if index.has_unmatched_corner(i, usable) {
        return Blocked::No;
    }
    let meeting = index.meeting_earlier(i, usable);
    let blocking: Vec<(usize, &[Region])> = meeting
        .iter()
        .map(|&j| (j, regions[j].as_slice()))
        .collect();
    match coverage(&regions[i], &blocking) {
        Coverage::Covered(used) => Blocked::By(minimal_blockers(&regions[i], regions, &used)),
        Coverage::Uncovered => Blocked::No,
        Coverage::Undecided => Blocked::Undecided(meeting.len()),
    }
}

/// The dimensions rules are told apart by, with their widths in bits: source and
/// destination addresses.
const INDEXED: [(usize, u32); 2] = [(2, 32), (3, 32)];

pub fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for input in cx.configs() {
        let model = &input.model;
        let forwards: Vec<Vec<Region>> =
            model.nat.iter().map(|r| vec![forward(model, r)]).collect();
        let reverses: Vec<Vec<Region>> = model
            .nat
            .iter()
            .map(|r| reverse(model, r).into_iter().collect())
            .collect();
        let mut forward_index = ListIndex::new(&forwards, &INDEXED);
        let mut reverse_index = ListIndex::new(&reverses, &INDEXED);
        // FQDN rules match what the firewall resolves at run time, IPv6 rules are not
        // simulated: neither candidates nor blockers.
        let usable = |j: usize| !model.nat[j].is_conditional() && !model.nat[j].ipv6;
        for (i, rule) in model.nat.iter().enumerate() {
            if !usable(i) {
                continue;
            }
            let by_forward = blocked(i, &forwards, &mut forward_index, &usable);
            let by_reverse = blocked(i, &reverses, &mut reverse_index, &usable);
            let (mut blockers, more) = match (by_forward, by_reverse) {
                (Blocked::No, _) | (_, Blocked::No) => continue,
                (Blocked::Undecided(n), _) | (_, Blocked::Undecided(n)) => {
                    out.push(undecided(input.file, rule.span, n));
                    continue;
                }
                (Blocked::By(forward), Blocked::By(reverse)) => (forward, reverse),
            };
            blockers.extend(more);
            blockers.sort_unstable();
            blockers.dedup();
            let source = cx.project.sources.get(input.file);
            let line = |j: usize| source.line_col(model.nat[j].span.start).0;
            let mut finding = RULE
                .finding(
                    format!(
                        "unreachable NAT rule: earlier rules (line {}) take all its traffic",
                        blockers.iter().map(|&j| line(j).to_string()).collect::<Vec<_>>().join(", ")
                    ),
                    Location::new(input.file, rule.span, "never matched"),
                )
                .with_help("move it above the rules that take its traffic (`nat … 1 source …` inserts at the top of section 1), or remove it");
            for &j in &blockers {
                finding = finding.with_related(Location::new(
                    input.file,
                    model.nat[j].span,
                    format!("matches first (line {})", line(j)),
                ));
            }
            out.push(finding);
        }
    }
}
