//! The access check (docs/asa-semantics.md#26-security-levels-and-access-lists).

use super::Packet;
use crate::model::{Ace, Acl, Binding, Firewall};
use crate::source::Span;
use crate::syntax::ast::Action;

/// The interfaces a connection crosses, for FTD's `ifc` conditions (`None`: not known,
/// and a condition on it is taken as met).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Between<'a> {
    pub ingress: Option<&'a str>,
    pub egress: Option<&'a str>,
}

impl<'a> Between<'a> {
    pub fn interfaces(ingress: &'a str, egress: &'a str) -> Self {
        Between {
            ingress: Some(ingress),
            egress: Some(egress),
        }
    }
}

/// The first active entry of an ACL that matches the packet. An entry naming an FQDN
/// nothing resolved cannot be decided and is skipped ([`undecided`] lists them).
pub fn first_match<'a>(acl: &'a Acl, packet: &Packet, between: Between<'_>) -> Option<&'a Ace> {
    acl.entries.iter().find(|ace| {
        !ace.inactive
            && ace.unresolved_fqdn().is_empty()
            && ace.applies_between(between.ingress, between.egress)
            && ace_matches(ace, packet)
    })
}

/// The entries before `upto` (or in the whole list) that were skipped because they name
/// an unresolved FQDN and might match the packet (their services do), with the reason.
pub fn undecided(
    acl: &Acl,
    packet: &Packet,
    upto: Option<Span>,
    between: Between<'_>,
) -> Vec<(Span, String)> {
    acl.entries
        .iter()
        .take_while(|ace| upto.is_none_or(|u| ace.span != u))
        .filter(|ace| !ace.inactive && ace.has_unresolved_fqdn())
        .filter(|ace| ace.applies_between(between.ingress, between.egress))
        .filter(|ace| {
            ace.services
                .iter()
                .any(|s| s.matches(packet.protocol, packet.source_port, packet.destination_port))
        })
        .map(|ace| {
            (
                ace.span,
                format!(
                    "skipped: FQDN {} is resolved by the firewall at run time and no answer was given",
                    ace.unresolved_fqdn().join(", ")
                ),
            )
        })
        .collect()
}

pub fn ace_matches(ace: &Ace, packet: &Packet) -> bool {
    ace.source.contains(u32::from(packet.source))
        && ace.destination.contains(u32::from(packet.destination))
        && ace
            .services
            .iter()
            .any(|s| s.matches(packet.protocol, packet.source_port, packet.destination_port))
}

/// What an ACL check decided, with the lines that decided it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    Permit(Vec<Span>),
    Deny(Vec<Span>),
    /// No entry matched; the caller decides what comes next.
    NoMatch(Vec<Span>),
}

/// Runs a bound ACL: the `access-group` line plus the matching entry, and the entries
/// skipped before it as undecidable (unresolved FQDN).
pub fn check(
    firewall: &Firewall,
    binding: &Binding,
    packet: &Packet,
    between: Between<'_>,
) -> (Decision, Vec<(Span, String)>) {
    let Some(acl) = firewall.acls.get(&binding.acl) else {
        // An undefined ACL bound to an interface: the ASA rejects the binding; nothing filters.
        return (Decision::NoMatch(vec![binding.span]), Vec::new());
    };
    let hit = first_match(acl, packet, between);
    let skipped = undecided(acl, packet, hit.map(|a| a.span), between);
    let decision = match hit {
        Some(ace) if ace.action == Action::Permit => Decision::Permit(vec![binding.span, ace.span]),
        Some(ace) => Decision::Deny(vec![binding.span, ace.span]),
        None => Decision::NoMatch(vec![binding.span]),
    };
    (decision, skipped)
}
