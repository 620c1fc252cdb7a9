//! AST → firewall model: names resolved, object-groups flattened to address, port and
//! service sets, ACLs bound to interfaces, and the NAT table in the ASA's order.

pub mod addr;
mod build;
pub mod ftd;

use std::collections::{BTreeMap, HashMap};
use std::net::Ipv4Addr;

pub use addr::{AddrSet, IntervalSet, PortSet};
pub use build::{build, build_with};
pub use ftd::{FmcRule, FmcRuleKind, Platform};

use crate::source::Span;
use crate::syntax::ast::{Action, NatKind};

/// One firewall as the simulator sees it.
#[derive(Clone, Debug, Default)]
pub struct Firewall {
    pub hostname: Option<String>,
    /// ASA, or FTD (detected from `CSM_FW_ACL_`, `rule-id` or the `NGFW Version` banner,
    /// or said by the deployment).
    pub platform: Platform,
    pub interfaces: Vec<Interface>,
    /// Connected routes first (one per addressed interface), then static routes in config order.
    pub routes: Vec<Route>,
    /// The active NAT rules in table order (section 1, 2, 3).
    pub nat: Vec<NatRule>,
    pub acls: BTreeMap<String, Acl>,
    /// `access-group … in interface`, by lower-case interface name.
    pub inbound: HashMap<String, Binding>,
    /// `access-group … out interface`, by lower-case interface name.
    pub outbound: HashMap<String, Binding>,
    pub global: Option<Binding>,
    pub inter_interface: Option<Span>,
    pub intra_interface: Option<Span>,
    pub timeout_conn: Option<(u32, Span)>,
    /// Every class of every active service policy, with its actions.
    pub policies: Vec<PolicyClass>,
    /// Pre-8.3 NAT commands: the file cannot be simulated faithfully.
    pub legacy_nat: Vec<Span>,
    /// Names used but never defined.
    pub undefined: Vec<Undefined>,
    /// Definitions the ASA refuses because the name already names something else
    /// (objects and object-groups share one namespace): the name's span and what it was.
    pub redefined: Vec<(Span, String, &'static str)>,
    /// Every network object's addresses, by name.
    pub network_objects: BTreeMap<String, AddrSet>,
    /// Every network object-group's addresses (flattened), by name.
    pub network_groups: BTreeMap<String, AddrSet>,
    /// Every object and object-group definition: name, kind, the span of its name.
    pub definitions: Vec<(String, &'static str, Span)>,
    /// Names of objects and groups something refers to.
    pub used: std::collections::HashSet<String>,
    /// Group references that close a cycle: the span of the reference, the group named,
    /// and the group it appears in.
    pub cycles: Vec<(Span, String, String)>,
    /// Names of ACLs something refers to (bindings, class-maps, unmodelled commands).
    pub acl_references: std::collections::HashSet<String>,
}

/// One class of an applied policy-map: what traffic it matches and what it does.
#[derive(Clone, Debug)]
pub struct PolicyClass {
    /// The `service-policy` line that applies it.
    pub service_policy: Span,
    /// `None` for a global policy.
    pub interface: Option<String>,
    pub class: String,
    pub traffic: Vec<ClassTraffic>,
    /// `inspect` actions: the inspected protocol (`sip`, `h323 h225`, …) and the line.
    pub inspects: Vec<(String, Span)>,
    /// `set connection timeout idle`, in seconds, and the line.
    pub idle_timeout: Option<(u32, Span)>,
}

/// What a class-map `match` line selects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClassTraffic {
    Any,
    /// `match default-inspection-traffic`: each inspection's own default ports.
    DefaultInspection,
    Ports(Vec<Service>),
    AccessList(String),
}

/// A name used at `span` that nothing defines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Undefined {
    /// What kind of thing the use expects: "object", "object-group", "access-list", "interface", "name".
    pub kind: &'static str,
    pub name: String,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Interface {
    /// The `nameif`.
    pub name: String,
    pub hardware: String,
    pub level: u8,
    pub address: Option<Ipv4Addr>,
    pub prefix: u8,
    pub standby: Option<Ipv4Addr>,
    /// The `interface` line.
    pub span: Span,
    pub shutdown: bool,
    pub management_only: bool,
}

impl Interface {
    /// Whether `address` lies in this interface's connected subnet.
    pub fn connects(&self, address: Ipv4Addr) -> bool {
        self.address
            .is_some_and(|own| addr::subnet(own, self.prefix).contains(u32::from(address)))
    }

    /// Whether `address` is one this interface answers on.
    pub fn owns(&self, address: Ipv4Addr) -> bool {
        self.address == Some(address)
    }
}

#[derive(Clone, Debug)]
pub struct Route {
    pub interface: String,
    pub network: Ipv4Addr,
    pub prefix: u8,
    /// `None` for a connected route.
    pub gateway: Option<Ipv4Addr>,
    pub distance: u8,
    pub span: Span,
}

impl Route {
    pub fn covers(&self, address: Ipv4Addr) -> bool {
        addr::subnet(self.network, self.prefix).contains(u32::from(address))
    }

    pub fn is_connected(&self) -> bool {
        self.gateway.is_none()
    }
}

/// What an ACE or service object matches: a protocol (`None` = any IP protocol)
/// with source and destination ports, or ICMP type and code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Service {
    pub protocol: Option<u8>,
    pub source: PortSet,
    pub destination: PortSet,
    pub icmp_type: Option<u8>,
    pub icmp_code: Option<u8>,
}

impl Service {
    pub fn protocol(protocol: Option<u8>) -> Self {
        Service {
            protocol,
            source: addr::any_port(),
            destination: addr::any_port(),
            icmp_type: None,
            icmp_code: None,
        }
    }

    /// Whether a packet of this protocol and ports is matched. ICMP packets carry
    /// their type in `source_port` and code in `destination_port`.
    pub fn matches(&self, protocol: u8, source_port: u16, destination_port: u16) -> bool {
        if self.protocol.is_some_and(|p| p != protocol) {
            return false;
        }
        if matches!(protocol, 1 | 58) {
            return self.icmp_type.is_none_or(|t| t == source_port as u8)
                && self.icmp_code.is_none_or(|c| c == destination_port as u8);
        }
        if !matches!(protocol, 6 | 17 | 132) {
            return true;
        }
        self.source.contains(u32::from(source_port))
            && self.destination.contains(u32::from(destination_port))
    }
}

#[derive(Clone, Debug)]
pub struct Ace {
    pub action: Action,
    /// The entry matches a packet matched by any of these.
    pub services: Vec<Service>,
    /// The IPv4 addresses it matches (FQDN objects contribute their resolution, if any).
    pub source: AddrSet,
    pub destination: AddrSet,
    pub span: Span,
    pub inactive: bool,
    /// It names something undefined or cyclic, so what it matches is uncertain.
    pub unresolved: bool,
    /// FQDN objects it names: the firewall resolves them at run time, so what the entry
    /// matches is known only through a resolution given to mralint (the deployment's `dns`).
    pub fqdn: Vec<Fqdn>,
    /// `time-range NAME`: the entry is active only while the range is.
    pub time_range: Option<String>,
    /// What it matches of IPv6 traffic (IPv6 is parsed, not simulated).
    pub ipv6: Ipv6Part,
    /// FTD `ifc NAME` conditions: the ingress and egress interface (security zone member).
    pub source_interface: Option<String>,
    pub destination_interface: Option<String>,
    /// The FMC rule it was written from (`rule-id N` and its remarks).
    pub fmc: Option<FmcRule>,
}

impl Ace {
    /// Whether the entry applies to a connection from `ingress` to `egress` (`None`: not
    /// known, and the condition is taken as met). Interface names match case-insensitively.
    pub fn applies_between(&self, ingress: Option<&str>, egress: Option<&str>) -> bool {
        let meets = |condition: &Option<String>, actual: Option<&str>| match (condition, actual) {
            (Some(want), Some(is)) => want.eq_ignore_ascii_case(is),
            _ => true,
        };
        meets(&self.source_interface, ingress) && meets(&self.destination_interface, egress)
    }

    /// Whether it is limited to some interfaces (FTD zones).
    pub fn has_interface_condition(&self) -> bool {
        self.source_interface.is_some() || self.destination_interface.is_some()
    }

    /// Whether the entry matches at some times or under some DNS answers only (an FQDN
    /// object or a `time-range`), or only on some interfaces, or (FTD) leaves the verdict
    /// to Snort: never a basis for "unreachable" or "blocks another entry", in either
    /// direction.
    pub fn is_conditional(&self) -> bool {
        // FTD zone conditions too: whether one entry covers another then depends on the
        // interfaces as well as the addresses, which the coverage analysis does not model.
        // And an FTD permit that Snort re-evaluates: the access control policy, with its
        // layer 7 conditions, may still hand the flow to a later rule.
        !self.fqdn.is_empty()
            || self.time_range.is_some()
            || self.has_interface_condition()
            || self.snort_reevaluates()
    }

    /// FTD: an allowing entry that is not `trust`, whose connection Snort evaluates
    /// against the whole access control policy.
    pub fn snort_reevaluates(&self) -> bool {
        self.action == Action::Permit && self.fmc.as_ref().is_some_and(|r| !r.trust)
    }

    /// Whether it names an FQDN no resolution was given for (cheap: no allocation).
    pub fn has_unresolved_fqdn(&self) -> bool {
        self.fqdn.iter().any(|f| f.resolved.is_none())
    }

    /// The FQDN names no resolution was given for: the simulator cannot decide the entry.
    pub fn unresolved_fqdn(&self) -> Vec<&str> {
        self.fqdn
            .iter()
            .filter(|f| f.resolved.is_none())
            .map(|f| f.host.as_str())
            .collect()
    }

    /// Whether it matches some IPv6 traffic (an entry with no IPv4 address is then not
    /// "matching nothing").
    pub fn matches_ipv6(&self) -> bool {
        self.ipv6 != Ipv6Part::None
    }
}

/// An FQDN a network object names, with the address it resolves to, if known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fqdn {
    pub object: String,
    pub host: String,
    pub resolved: Option<std::net::Ipv4Addr>,
}

/// What an address slot, an object, a group or an entry holds of IPv6.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Ipv6Part {
    /// No IPv6 address (`any4`, IPv4 literals and objects).
    #[default]
    None,
    /// Some IPv6 addresses (literals, objects, aliases).
    Some,
    /// Every IPv6 address (`any` on 9.0+, `any6`); for an entry: both sides.
    All,
}

impl Ipv6Part {
    /// The IPv6 part of a union.
    pub fn union(self, other: Ipv6Part) -> Ipv6Part {
        use Ipv6Part::*;
        match (self, other) {
            (All, _) | (_, All) => All,
            (Some, _) | (_, Some) => Some,
            _ => None,
        }
    }

    /// The IPv6 part of an entry from its two address slots.
    pub fn entry(source: Ipv6Part, destination: Ipv6Part) -> Ipv6Part {
        use Ipv6Part::*;
        match (source, destination) {
            (None, _) | (_, None) => None,
            (All, All) => All,
            _ => Some,
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Acl {
    pub name: String,
    /// The first line of the list.
    pub span: Span,
    pub entries: Vec<Ace>,
    /// Whether it has extended entries (standard, webtype and ethertype lists are not
    /// through-traffic filters).
    pub extended: bool,
}

/// An `access-group` line binding an ACL.
#[derive(Clone, Debug)]
pub struct Binding {
    pub acl: String,
    pub span: Span,
}

/// What a NAT rule translates its real source to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mapped {
    Addresses(AddrSet),
    /// The mapped interface's own address (interface PAT or `static interface`).
    Interface,
    PatPool(AddrSet),
}

/// The mapped side of `destination static MAPPED REAL`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MappedDestination {
    Addresses(AddrSet),
    /// `destination static interface`: the real interface's address.
    Interface,
}

/// Port translation of a rule: `(original, translated)` for the port of the rule's
/// source host and for the destination port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortTranslation {
    pub protocols: Vec<u8>,
    pub source: Option<(PortSet, PortSet)>,
    pub destination: Option<(PortSet, PortSet)>,
}

/// One rule of the NAT table.
#[derive(Clone, Debug)]
pub struct NatRule {
    /// The ` nat` line (object NAT) or the `nat` line (twice NAT).
    pub span: Span,
    /// The object of an object NAT rule.
    pub object: Option<String>,
    /// 1, 2 (object NAT) or 3 (`after-auto`).
    pub section: u8,
    /// `None` stands for `any`.
    pub real_interface: Option<String>,
    pub mapped_interface: Option<String>,
    pub kind: NatKind,
    pub real_source: AddrSet,
    pub mapped_source: Mapped,
    pub interface_fallback: bool,
    /// `destination static MAPPED REAL`.
    pub destination: Option<(MappedDestination, AddrSet)>,
    pub ports: Option<PortTranslation>,
    pub unidirectional: bool,
    pub route_lookup: bool,
    /// FQDN objects it names (resolved at run time by the firewall).
    pub fqdn: Vec<Fqdn>,
    /// It translates IPv6 addresses (parsed, never simulated).
    pub ipv6: bool,
}

impl NatRule {
    /// Whether what it matches depends on run-time DNS answers: never reported as
    /// unreachable, never counted as taking another rule's traffic.
    pub fn is_conditional(&self) -> bool {
        !self.fqdn.is_empty()
    }

    pub fn is_twice(&self) -> bool {
        self.object.is_none()
    }

    /// Identity NAT: the source maps to itself.
    pub fn is_identity(&self) -> bool {
        matches!(&self.mapped_source, Mapped::Addresses(m) if *m == self.real_source)
    }
}

impl Firewall {
    /// The interface with this `nameif` (names match case-insensitively).
    pub fn interface(&self, name: &str) -> Option<&Interface> {
        self.interfaces
            .iter()
            .find(|i| i.name.eq_ignore_ascii_case(name))
    }

    /// The interface that owns `address`.
    pub fn interface_owning(&self, address: Ipv4Addr) -> Option<&Interface> {
        self.interfaces.iter().find(|i| i.owns(address))
    }

    /// A network object that holds exactly `address`, if the config has one.
    pub fn object_named_for(&self, address: Ipv4Addr) -> Option<&str> {
        let host = addr::host(address);
        self.network_objects
            .iter()
            .find(|(_, set)| **set == host)
            .map(|(name, _)| name.as_str())
    }

    /// The name shown for this firewall.
    pub fn display_name(&self) -> &str {
        self.hostname.as_deref().unwrap_or("firewall")
    }

    /// The ACL entry whose line is `span`, if it is one.
    pub fn ace_at(&self, span: Span) -> Option<&Ace> {
        self.acls
            .values()
            .flat_map(|acl| &acl.entries)
            .find(|ace| ace.span == span)
    }

    /// The FMC rule of the ACL entry whose line is `span` (FTD configs only).
    pub fn fmc_rule_at(&self, span: Span) -> Option<&FmcRule> {
        if !self.platform.is_ftd() {
            return None;
        }
        self.ace_at(span).and_then(|ace| ace.fmc.as_ref())
    }
}
