use super::{declare_rule, Context};
use crate::eval::reach::{
    ace_regions, coverage, covered, minimal_blockers, Coverage, ListIndex, Region, WORK_LIMIT,
};
use crate::finding::{Finding, Location};
use crate::model::{Ace, Acl, Ipv6Part};
use crate::source::FileId;
use crate::syntax::ast::Action;

declare_rule! {
    /// ## What it does
    /// Finds access-list entries that can never match, exactly: an entry is unreachable
    /// when the earlier entries of its list together cover everything it matches (not only
    /// when a single earlier entry does). Says why, as Batfish's filterLineReachability
    /// does: blocked by earlier lines (a minimal set of them, always including one with the
    /// other action when there is one — the dangerous case), matches nothing (an empty
    /// group), or depends on an undefined or cyclic reference. Matches are compared as
    /// boxes over protocol × source × source port × destination × destination port × ICMP
    /// type, without expanding object-groups.
    ///
    /// ## Why is this bad?
    /// The entry does nothing, so the list does not do what it reads as doing. When a
    /// blocker has the other action, traffic the entry was written to permit is denied
    /// (or the reverse): usually a rule inserted above in the wrong place.
    ///
    /// ## Example
    /// ```text
    /// access-list OUT extended deny tcp any any range 5000 5100
    /// access-list OUT extended permit tcp any host 10.0.10.2 eq 5061
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// access-list OUT extended permit tcp any host 10.0.10.2 eq 5061
    /// access-list OUT extended deny tcp any any range 5000 5100
    /// ```
    ///
    /// ## References
    /// - Batfish, filterLineReachability question
    /// - Cisco ASA Series Firewall CLI Configuration Guide, Access control lists (first match)
    pub static RULE = {
        code: "ACL001",
        name: "unreachable-ace",
        severity: Warning,
        summary: "an ACE can never match: earlier entries (together) cover it",
    };
}

/// The dimensions entries are told apart by, with their widths in bits: source,
/// destination, destination port.
const INDEXED: [(usize, u32); 3] = [(1, 32), (3, 32), (4, 16)];

pub fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for input in cx.configs() {
        for acl in input.model.acls.values().filter(|a| a.extended) {
            check_acl(cx, input.file, acl, out);
        }
    }
}

/// The boxes of an entry with every IPv4 address in both address dimensions: a stand-in
/// for its IPv6 part when that part is all of IPv6.
fn ipv6_stand_in(ace: &Ace) -> Vec<Region> {
    if ace.ipv6 != Ipv6Part::All {
        return Vec::new();
    }
    let mut all = ace.clone();
    all.source = crate::model::addr::any_address();
    all.destination = crate::model::addr::any_address();
    ace_regions(&all)
}

/// An entry whose reachability was not decided: said, never silently dropped.
pub(crate) fn undecided(file: FileId, span: crate::source::Span, overlapping: usize) -> Finding {
    let mut finding = RULE
        .finding(
            format!(
                "not analysed: deciding whether the {overlapping} earlier entries that overlap this one cover it takes more than {WORK_LIMIT} box operations; it is treated as reachable"
            ),
            Location::new(file, span, "reachability undecided"),
        )
        .with_help("nothing to fix: split the entry or the overlapping object-groups to have it analysed");
    finding.severity = crate::finding::Severity::Advice;
    finding
}

fn action(action: Action) -> &'static str {
    match action {
        Action::Permit => "permit",
        Action::Deny => "deny",
    }
}

fn check_acl(cx: &Context<'_>, file: FileId, acl: &Acl, out: &mut Vec<Finding>) {
    let source = cx.project.sources.get(file);
    let line = |i: usize| source.line_col(acl.entries[i].span.start).0;
    let regions: Vec<Vec<Region>> = acl.entries.iter().map(ace_regions).collect();
    let mut index = ListIndex::new(&regions, &INDEXED);
    // IPv6 is not simulated: an entry that matches all IPv6 traffic (`any`, `any6` on both
    // sides) is covered there only by earlier such entries; these are their boxes with
    // every address standing for every IPv6 address.
    let all_v6: Vec<Vec<Region>> = acl.entries.iter().map(ipv6_stand_in).collect();
    for (i, ace) in acl.entries.iter().enumerate() {
        // Conditional entries (FQDN, time-range) are neither candidates nor blockers.
        if ace.inactive || ace.is_conditional() {
            continue;
        }
        if index.bounds(i).is_none() {
            if ace.matches_ipv6() {
                continue;
            }
            let (message, label) = if ace.unresolved {
                (
                    "depends on an undefined or cyclic reference, so it matches nothing",
                    "names something undefined or cyclic",
                )
            } else {
                (
                    "matches nothing (an empty object-group or address set)",
                    "matches no packet",
                )
            };
            out.push(
                RULE.finding(
                    format!("unreachable entry of `{}`: it {message}", acl.name),
                    Location::new(file, ace.span, label),
                )
                .with_help("fix or remove the entry"),
            );
            continue;
        }
        // An entry that also matches some IPv6 traffic can block others but is never
        // reported: IPv6 is not simulated.
        let usable = |j: usize| !acl.entries[j].inactive && !acl.entries[j].is_conditional();
        if ace.ipv6 == Ipv6Part::Some || index.has_unmatched_corner(i, usable) {
            continue;
        }
        let blockers = index.meeting_earlier(i, usable);
        let blocking: Vec<(usize, &[Region])> = blockers
            .iter()
            .map(|&j| (j, regions[j].as_slice()))
            .collect();
        let used = match coverage(&regions[i], &blocking) {
            Coverage::Covered(used) => used,
            Coverage::Uncovered => continue,
            Coverage::Undecided => {
                out.push(undecided(file, ace.span, blockers.len()));
                continue;
            }
        };
        let mut minimal = minimal_blockers(&regions[i], &regions, &used);
        if ace.ipv6 == Ipv6Part::All {
            let earlier: Vec<(usize, &[Region])> = (0..i)
                .filter(|&j| {
                    let e = &acl.entries[j];
                    e.ipv6 == Ipv6Part::All && !e.inactive && !e.is_conditional()
                })
                .map(|j| (j, all_v6[j].as_slice()))
                .collect();
            let Some(more) = covered(&all_v6[i], &earlier) else {
                continue;
            };
            minimal.extend(minimal_blockers(&all_v6[i], &all_v6, &more));
            minimal.sort_unstable();
            minimal.dedup();
            // Drop a blocker the others make redundant for both families.
            let mut k = 0;
            while k < minimal.len() {
                let rest: Vec<usize> = minimal
                    .iter()
                    .enumerate()
                    .filter(|(n, _)| *n != k)
                    .map(|(_, &j)| j)
                    .collect();
                let v4: Vec<(usize, &[Region])> =
                    rest.iter().map(|&j| (j, regions[j].as_slice())).collect();
                let v6: Vec<(usize, &[Region])> =
                    rest.iter().map(|&j| (j, all_v6[j].as_slice())).collect();
                if covered(&regions[i], &v4).is_some() && covered(&all_v6[i], &v6).is_some() {
                    minimal.remove(k);
                } else {
                    k += 1;
                }
            }
        }
        let other_action = blockers
            .iter()
            .copied()
            .find(|&j| acl.entries[j].action != ace.action);
        if let Some(j) = other_action {
            if !minimal.iter().any(|&m| acl.entries[m].action != ace.action) {
                minimal.push(j);
                minimal.sort_unstable();
            }
        }
        let lines: Vec<String> = minimal.iter().map(|&j| line(j).to_string()).collect();
        let mut message = format!(
            "unreachable entry of `{}`: earlier entries (line {}) match everything it matches",
            acl.name,
            lines.join(", ")
        );
        if let Some(j) = minimal
            .iter()
            .copied()
            .find(|&j| acl.entries[j].action != ace.action)
        {
            message.push_str(&format!(
                "; the {} at line {} decides its traffic the other way",
                action(acl.entries[j].action),
                line(j)
            ));
        }
        let mut finding = RULE
            .finding(message, Location::new(file, ace.span, format!("never matched: this {} has no effect", action(ace.action))))
            .with_help(if other_action.is_some() {
                "move this entry above the entries that block it if its action is the intended one, or remove it"
            } else {
                "remove it: the entries above already do the same"
            });
        for &j in &minimal {
            finding = finding.with_related(Location::new(
                file,
                acl.entries[j].span,
                format!(
                    "{} at line {} matches it first",
                    action(acl.entries[j].action),
                    line(j)
                ),
            ));
        }
        out.push(finding);
    }
}
