//! The access check (asa-semantics §2.5 step 4, §2.6).

use super::Packet;
use crate::model::{Ace, Acl, Binding, Firewall};
use crate::source::Span;
use crate::syntax::ast::Action;

/// The first active entry of an ACL that matches the packet.
pub fn first_match<'a>(acl: &'a Acl, packet: &Packet) -> Option<&'a Ace> {
    acl.entries
        .iter()
        .find(|ace| !ace.inactive && ace_matches(ace, packet))
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

/// Runs a bound ACL: the `access-group` line plus the matching entry.
pub fn check(firewall: &Firewall, binding: &Binding, packet: &Packet) -> Decision {
    let Some(acl) = firewall.acls.get(&binding.acl) else {
        // An undefined ACL bound to an interface: the ASA rejects the binding; nothing filters.
        return Decision::NoMatch(vec![binding.span]);
    };
    match first_match(acl, packet) {
        Some(ace) if ace.action == Action::Permit => Decision::Permit(vec![binding.span, ace.span]),
        Some(ace) => Decision::Deny(vec![binding.span, ace.span]),
        None => Decision::NoMatch(vec![binding.span]),
    }
}
