//! Which service-policy classes apply to a packet (inspection, connection timeouts).

use super::Packet;
use crate::model::{ClassTraffic, Firewall, PolicyClass};
use crate::syntax::ast::Action;

/// The ports `match default-inspection-traffic` selects for each inspection (the ASA's
/// default inspection table, for the protocols mralint reasons about), as
/// (inspection, protocol, low port, high port).
const DEFAULT_INSPECTION: &[(&str, u8, u16, u16)] = &[
    ("sip", 6, 5060, 5060),
    ("sip", 17, 5060, 5060),
    ("h323 h225", 6, 1720, 1720),
    ("h323 ras", 17, 1718, 1719),
    ("dns", 17, 53, 53),
    ("ftp", 6, 21, 21),
    ("esmtp", 6, 25, 25),
    ("tftp", 17, 69, 69),
    ("sunrpc", 6, 111, 111),
    ("sunrpc", 17, 111, 111),
    ("netbios", 17, 137, 138),
    ("xdmcp", 17, 177, 177),
    ("rsh", 6, 514, 514),
    ("rtsp", 6, 554, 554),
    ("sqlnet", 6, 1521, 1521),
    ("skinny", 6, 2000, 2000),
    ("ctiqbe", 6, 2748, 2748),
];

/// Whether default inspection traffic includes the packet: for one inspection, or
/// (with `None`) for any.
fn default_inspection(inspect: Option<&str>, packet: &Packet) -> bool {
    DEFAULT_INSPECTION.iter().any(|(name, protocol, lo, hi)| {
        inspect.is_none_or(|i| i == *name)
            && *protocol == packet.protocol
            && (*lo..=*hi).contains(&packet.destination_port)
    })
}

/// Whether the class is applied where the packet passes: a global policy everywhere,
/// an interface policy on its interface (either direction).
pub fn applies_on(class: &PolicyClass, ingress: &str, egress: Option<&str>) -> bool {
    class.interface.as_deref().is_none_or(|i| {
        i.eq_ignore_ascii_case(ingress) || egress.is_some_and(|e| i.eq_ignore_ascii_case(e))
    })
}

/// Whether the class's traffic includes the packet; for `match
/// default-inspection-traffic`, as seen by the inspection `inspect` (or any).
pub fn class_matches(
    firewall: &Firewall,
    class: &PolicyClass,
    inspect: Option<&str>,
    packet: &Packet,
) -> bool {
    class.traffic.iter().any(|traffic| match traffic {
        ClassTraffic::Any => true,
        ClassTraffic::DefaultInspection => default_inspection(inspect, packet),
        ClassTraffic::Ports(services) => services
            .iter()
            .any(|s| s.matches(packet.protocol, packet.source_port, packet.destination_port)),
        ClassTraffic::AccessList(name) => firewall
            .acls
            .get(name)
            .and_then(|acl| super::acl::first_match(acl, packet, super::acl::Between::default()))
            .is_some_and(|ace| ace.action == Action::Permit),
    })
}
