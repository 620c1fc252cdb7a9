//! The syntax-faithful AST of an ASA configuration. Every node keeps its byte span;
//! names stay unresolved strings (the model resolves them).

use std::net::Ipv4Addr;

use crate::source::Span;

/// A name as written at its use or definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

impl Name {
    pub fn new(text: impl Into<String>, span: Span) -> Self {
        Name {
            text: text.into(),
            span,
        }
    }
}

/// A port as written: a number or one of the ASA's names (resolved per protocol).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Port {
    Number(u16),
    Named(String),
}

/// `eq | neq | lt | gt | range`, with their ports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortOp {
    Eq(Port),
    Neq(Port),
    Lt(Port),
    Gt(Port),
    Range(Port, Port),
}

/// A port condition in an ACE or a service: an operator or a port group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortSpec {
    Op(PortOp, Span),
    Group(Name),
}

/// A whole parsed configuration.
#[derive(Debug, Default, Clone)]
pub struct Config {
    pub commands: Vec<Command>,
    /// Every word of the commands mralint does not model: a name that appears here may be
    /// used by them (an ACL in a `crypto map`, an object in a `capture`).
    pub mentions: std::collections::HashSet<String>,
    /// The `NGFW Version …` banner line of a Firepower Threat Defense config, if any.
    pub ngfw_version: Option<Span>,
}

/// One top-level command with its sub-lines.
#[derive(Clone, Debug)]
pub struct Command {
    /// The command line itself (without the sub-lines).
    pub span: Span,
    pub kind: CommandKind,
}

#[derive(Clone, Debug)]
pub enum CommandKind {
    Hostname(Name),
    Interface(Box<Interface>),
    Route(Box<Route>),
    Names,
    NameAlias(NameAlias),
    ObjectNetwork(Box<ObjectNetwork>),
    ObjectService(Box<ObjectService>),
    ObjectGroup(Box<ObjectGroup>),
    TwiceNat(Box<Nat>),
    AccessList(AccessList),
    AccessGroup(AccessGroup),
    SameSecurity(SameSecurity),
    ClassMap(Box<ClassMap>),
    PolicyMap(Box<PolicyMap>),
    ServicePolicy(Box<ServicePolicy>),
    TimeoutConn(u32),
    /// Pre-8.3 NAT (`nat (IFC) N`, `global`, `static (A,B)`, `nat-control`): recognised, not modelled.
    LegacyNat(&'static str),
    /// A command mralint does not model; kept so that nothing is silently lost.
    Unrecognized,
    /// A recognised command that failed to parse (a syntax finding was made for it).
    Malformed,
}

/// `interface HW` and its sub-commands.
#[derive(Clone, Debug, Default)]
pub struct Interface {
    pub hardware: String,
    pub nameif: Option<Name>,
    pub security_level: Option<(u8, Span)>,
    pub address: Option<InterfaceAddress>,
    pub shutdown: bool,
    pub management_only: bool,
}

#[derive(Clone, Debug)]
pub enum InterfaceAddress {
    Static {
        address: Ipv4Addr,
        prefix: u8,
        standby: Option<Ipv4Addr>,
        span: Span,
    },
    /// `ip address dhcp|pppoe`: known only at run time.
    Dynamic,
}

/// `route IFC NET MASK GW [DISTANCE] …`
#[derive(Clone, Debug)]
pub struct Route {
    pub interface: Name,
    pub network: Ipv4Addr,
    pub prefix: u8,
    pub gateway: Ipv4Addr,
    pub distance: u8,
}

/// `name A NAME [description …]`
#[derive(Clone, Debug)]
pub struct NameAlias {
    /// An IPv4 or an IPv6 address (IPv6 aliases are kept, never simulated).
    pub address: std::net::IpAddr,
    pub name: Name,
}

/// An address as written in a network object, group or ACE.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Address {
    Any,
    Any4,
    Any6,
    Host(Ipv4Addr),
    /// `host NAME` or a bare `NAME MASK` using a `name` alias.
    HostAlias(Name),
    Subnet(Ipv4Addr, u8),
    SubnetAlias(Name, u8),
    Range(Ipv4Addr, Ipv4Addr),
    Ipv6,
    Fqdn(String),
    Object(Name),
    Group(Name),
    Interface(Name),
}

/// `object network NAME` (the header may appear twice; the model merges them).
#[derive(Clone, Debug)]
pub struct ObjectNetwork {
    pub name: Name,
    pub definition: Option<(Address, Span)>,
    pub description: Option<String>,
    pub nat: Option<ObjectNat>,
}

/// A NAT rule's interface pair: `None` stands for `any` (or omitted).
#[derive(Clone, Debug, Default)]
pub struct NatInterfaces {
    pub real: Option<Name>,
    pub mapped: Option<Name>,
}

/// What an object NAT or twice NAT source maps to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NatMapped {
    /// An inline address (object NAT only).
    Address(Ipv4Addr),
    /// An object or group.
    Named(Name),
    /// `any` (twice NAT).
    Any,
    /// `interface`: the mapped interface's address.
    Interface,
    /// `pat-pool OBJ|GRP`, optionally with interface fallback.
    PatPool(Name),
    /// An inline IPv6 address or prefix (object NAT): parsed, never simulated.
    Ipv6,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NatKind {
    Static,
    Dynamic,
}

/// ` nat [(R,M)] static|dynamic …` under an `object network`.
#[derive(Clone, Debug)]
pub struct ObjectNat {
    pub span: Span,
    pub interfaces: NatInterfaces,
    pub kind: NatKind,
    pub mapped: NatMapped,
    /// `interface` after a dynamic pool: interface PAT fallback.
    pub interface_fallback: bool,
    /// `service tcp|udp REAL MAPPED`.
    pub service: Option<(u8, Port, Port)>,
    pub options: NatOptions,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NatOptions {
    pub unidirectional: bool,
    pub inactive: bool,
    pub no_proxy_arp: bool,
    pub route_lookup: bool,
    pub dns: bool,
    pub net_to_net: bool,
    pub description: Option<String>,
}

/// Where a twice NAT rule goes in the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NatSection {
    /// Section 1, optionally at a 1-based position.
    Before(Option<u32>),
    /// Section 3 (`after-auto`), optionally at a 1-based position.
    AfterAuto(Option<u32>),
}

/// A top-level twice NAT line.
#[derive(Clone, Debug)]
pub struct Nat {
    pub interfaces: NatInterfaces,
    pub section: NatSection,
    pub kind: NatKind,
    pub real_source: NatMapped,
    pub mapped_source: NatMapped,
    pub interface_fallback: bool,
    /// `destination static MAPPED REAL`.
    pub destination: Option<(NatMapped, NatMapped)>,
    /// `service ORIGINAL TRANSLATED`.
    pub service: Option<(Name, Name)>,
    pub options: NatOptions,
}

/// `object service NAME` with its `service` line.
#[derive(Clone, Debug)]
pub struct ObjectService {
    pub name: Name,
    pub service: Option<(Service, Span)>,
    pub description: Option<String>,
}

/// A protocol as written in a service: a protocol number, `tcp-udp`, or any IP.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    Ip,
    Number(u8),
    TcpUdp,
}

/// `service …` or `service-object …`: protocol and ports, or ICMP type and code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Service {
    Ports {
        protocol: Protocol,
        source: Option<PortSpec>,
        destination: Option<PortSpec>,
    },
    Icmp {
        protocol: u8,
        icmp_type: Option<u8>,
        code: Option<u8>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupType {
    Network,
    /// `object-group service NAME` (a service group) or `… tcp|udp|tcp-udp` (a port group).
    Service(Option<Protocol>),
    Protocol,
    IcmpType,
}

/// `object-group TYPE NAME` with its members.
#[derive(Clone, Debug)]
pub struct ObjectGroup {
    pub name: Name,
    pub group_type: GroupType,
    pub members: Vec<(GroupMember, Span)>,
    pub description: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GroupMember {
    Address(Address),
    Object(Name),
    Group(Name),
    Service(Service),
    ServiceObject(Name),
    Port(PortOp),
    Protocol(Protocol),
    IcmpType(u8),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Permit,
    Deny,
}

/// `access-list NAME …`
#[derive(Clone, Debug)]
pub struct AccessList {
    pub name: Name,
    pub entry: AclEntry,
}

#[derive(Clone, Debug)]
pub enum AclEntry {
    Remark(String),
    Extended(Box<Ace>),
    Standard {
        action: Action,
        destination: Address,
    },
    /// `webtype`, `ethertype`: not layer 3.
    Other,
}

/// What an ACE's protocol slot holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AceProtocol {
    Protocol(Protocol),
    ServiceObject(Name),
    /// A service or protocol group; the model decides which.
    Group(Name),
}

/// One extended ACE.
#[derive(Clone, Debug)]
pub struct Ace {
    pub action: Action,
    pub protocol: AceProtocol,
    pub source: Address,
    pub source_port: Option<PortSpec>,
    pub destination: Address,
    /// Destination port, or ICMP type (in `icmp`).
    pub destination_port: Option<PortSpec>,
    pub icmp: Option<AceIcmp>,
    pub inactive: bool,
    pub time_range: Option<Name>,
    /// What only FTD's `advanced` entries (and FMC-written extended ones) carry; `None`
    /// on an ASA entry, which keeps the hundred thousand entries of a large ASA small.
    pub ftd: Option<Box<FtdAce>>,
}

impl Ace {
    /// The entry's FTD parts (all absent on an ASA entry).
    pub fn ftd(&self) -> &FtdAce {
        static ASA: FtdAce = FtdAce {
            trust: false,
            source_interface: None,
            destination_interface: None,
            rule_id: None,
        };
        self.ftd.as_deref().unwrap_or(&ASA)
    }
}

/// The FTD parts of an entry: `trust`, the `ifc NAME` zone conditions, the FMC rule id
/// and connection-event logging.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FtdAce {
    /// `trust`: allowed and fast-pathed; Snort does not inspect the flow.
    pub trust: bool,
    /// `ifc NAME` before the source: the ingress interface (security zone member).
    pub source_interface: Option<Name>,
    /// `ifc NAME` before the destination: the egress interface.
    pub destination_interface: Option<Name>,
    /// `rule-id N`: the FMC or FDM rule the entry was written from.
    pub rule_id: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AceIcmp {
    Type(u8, Option<u8>),
    Group(Name),
}

/// `access-group ACL in|out interface IFC` or `access-group ACL global`.
#[derive(Clone, Debug)]
pub struct AccessGroup {
    pub acl: Name,
    pub binding: AclBinding,
}

#[derive(Clone, Debug)]
pub enum AclBinding {
    In(Name),
    Out(Name),
    Global,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SameSecurity {
    InterInterface,
    IntraInterface,
}

/// `class-map NAME` with its `match` lines.
#[derive(Clone, Debug)]
pub struct ClassMap {
    pub name: Name,
    pub matches: Vec<(ClassMatch, Span)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClassMatch {
    Any,
    DefaultInspectionTraffic,
    Port(Protocol, PortOp),
    AccessList(Name),
    Other,
}

/// `policy-map NAME` with its classes.
#[derive(Clone, Debug)]
pub struct PolicyMap {
    pub name: Name,
    pub classes: Vec<PolicyClass>,
}

#[derive(Clone, Debug)]
pub struct PolicyClass {
    pub class: Name,
    pub inspects: Vec<(String, Span)>,
    /// `set connection timeout idle H:MM:SS`, in seconds.
    pub idle_timeout: Option<(u32, Span)>,
}

/// `service-policy PMAP global|interface IFC`
#[derive(Clone, Debug)]
pub struct ServicePolicy {
    pub policy: Name,
    pub interface: Option<Name>,
}
