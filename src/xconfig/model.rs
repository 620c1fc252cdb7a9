//! xConfiguration records → one Expressway node (docs/xconfiguration.md): its
//! role and the evidence for it, LAN1/LAN2 with static NAT, the external interface,
//! gateway and routes, cluster peers, zones, traversal media, demultiplexing and TURN.
//!
//! One dump describes one node: addresses and the host name are per node, zones and
//! traversal settings replicate across a cluster. Every fact keeps the span of its
//! record. A value that does not read (an address that is not one) is a [`Problem`] at
//! its record; a key this module does not know is left alone.

use std::collections::{BTreeMap, HashMap};
use std::net::Ipv4Addr;

use super::syntax::{Dump, Form, Record};
use crate::source::Span;

/// A value as one dump records it, with the span of its record in that dump's text.
/// It knows no file: [`crate::deployment::DumpInput::at`] makes it a located
/// [`crate::deployment::At`] once the dump's file is known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Recorded<T> {
    fn new(value: T, span: Span) -> Self {
        Recorded { value, span }
    }
}

/// A value in a dump that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub span: Span,
    pub message: String,
}

/// Which Expressway a dump comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Side {
    C,
    E,
}

impl Side {
    pub fn label(self) -> &'static str {
        match self {
            Side::C => "Expressway-C",
            Side::E => "Expressway-E",
        }
    }
}

/// The evidence that decided a role, in the order of
/// docs/xconfiguration.md#which-side-a-dump-is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoleEvidence {
    /// A `TraversalServer` zone: only an Expressway-E can be a traversal server.
    TraversalServerZone,
    /// LAN2 as external interface, a static NAT, or LAN2 in use: advanced networking is
    /// Expressway-E only.
    AdvancedNetworking,
    /// TURN on: TURN is Expressway-E only.
    Turn,
    /// Traversal client zones with the Unified CM neighbour zones (`CEtls…`, `CEtcp…`)
    /// or MRA domains (`Edgesip`) that MRA creates on C. Suggests C; a chained B2B
    /// Expressway-E is a traversal client too.
    TraversalClientWithEdge,
}

impl RoleEvidence {
    /// Whether the evidence proves the role (rules 1-3) or only suggests it (rule 4).
    pub fn proves(self) -> bool {
        self != RoleEvidence::TraversalClientWithEdge
    }
}

/// Which side a dump's node is on (C or E) and the record that decided it. (Not a
/// host's role on a simulated path: that is [`crate::eval::path::Role`].)
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SideDecision {
    pub side: Side,
    pub evidence: RoleEvidence,
    /// The deciding record.
    pub span: Span,
    /// The deciding record, in words (`zone 1 is a TraversalServer zone`).
    pub reason: String,
}

/// `LAN1` or `LAN2`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LanId {
    Lan1,
    Lan2,
}

impl LanId {
    pub fn label(self) -> &'static str {
        match self {
            LanId::Lan1 => "LAN1",
            LanId::Lan2 => "LAN2",
        }
    }

    fn other(self) -> LanId {
        match self {
            LanId::Lan1 => LanId::Lan2,
            LanId::Lan2 => LanId::Lan1,
        }
    }
}

/// The factory default address of both LAN ports: LAN2 at it is not in use.
pub const FACTORY_ADDRESS: Ipv4Addr = Ipv4Addr::new(192, 168, 0, 100);

/// The gateway value that means "not set".
const UNSET_GATEWAY: Ipv4Addr = Ipv4Addr::LOCALHOST;

/// One `Ethernet N` interface.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lan {
    pub address: Option<Recorded<Ipv4Addr>>,
    /// The prefix length of `SubnetMask`.
    pub prefix: Option<Recorded<u8>>,
    pub nat_mode: Option<Recorded<bool>>,
    pub nat_address: Option<Recorded<Ipv4Addr>>,
}

impl Lan {
    /// Set to something other than the factory default (the [XCONF2XL] heuristic for
    /// "Use dual network interfaces", which has no key).
    pub fn in_use(&self) -> bool {
        self.address
            .as_ref()
            .is_some_and(|a| a.value != FACTORY_ADDRESS && !a.value.is_unspecified())
    }

    /// The static NAT address, when static NAT mode is on.
    pub fn static_nat(&self) -> Option<&Recorded<Ipv4Addr>> {
        match &self.nat_mode {
            Some(mode) if mode.value => self.nat_address.as_ref(),
            _ => None,
        }
    }

    /// Static NAT mode on (with or without an address).
    pub fn nat_on(&self) -> Option<&Recorded<bool>> {
        self.nat_mode.as_ref().filter(|m| m.value)
    }
}

/// Single or dual NIC, and how sure the dump makes it
/// (docs/xconfiguration.md#nic-design).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NicMode {
    pub dual: bool,
    /// The record that decided it.
    pub span: Span,
    pub reason: String,
    /// False when the documented test (External LAN interface) and the LAN2-address
    /// heuristic disagree.
    pub confident: bool,
}

/// One `IP Route N`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    pub network: Recorded<Ipv4Addr>,
    pub prefix: u8,
    pub gateway: Recorded<Ipv4Addr>,
    /// `Auto`, `LAN1` or `LAN2` as written.
    pub interface: Option<Recorded<String>>,
}

/// A zone's `Type`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ZoneType {
    Neighbor,
    TraversalClient,
    TraversalServer,
    Other(String),
}

impl ZoneType {
    fn read(text: &str) -> ZoneType {
        match text.to_ascii_lowercase().as_str() {
            "neighbor" => ZoneType::Neighbor,
            "traversalclient" => ZoneType::TraversalClient,
            "traversalserver" => ZoneType::TraversalServer,
            _ => ZoneType::Other(text.to_string()),
        }
    }

    /// The block of keys that belongs to this type (`Zones Zone N <block> …`).
    fn block(&self) -> Option<&'static str> {
        match self {
            ZoneType::Neighbor => Some("Neighbor"),
            ZoneType::TraversalClient => Some("TraversalClient"),
            ZoneType::TraversalServer => Some("TraversalServer"),
            ZoneType::Other(_) => None,
        }
    }
}

/// One `Zones Zone N`, read through the block of its type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Zone {
    pub index: u32,
    pub name: Option<Recorded<String>>,
    pub zone_type: Recorded<ZoneType>,
    /// `Collaboration Edge`: on = Unified Communications traversal (MRA).
    pub edge: Option<Recorded<bool>>,
    pub sip_mode: Option<Recorded<bool>>,
    pub sip_port: Option<Recorded<u16>>,
    pub sip_transport: Option<Recorded<String>>,
    pub sip_protocol: Option<Recorded<String>>,
    pub h323_mode: Option<Recorded<bool>>,
    pub h323_port: Option<Recorded<u16>>,
    pub h323_protocol: Option<Recorded<String>>,
    pub username: Option<Recorded<String>>,
    pub tls_verify_mode: Option<Recorded<bool>>,
    pub tls_verify_subject: Option<Recorded<String>>,
    /// The set `Peer K Address` values (empty slots print but are left out).
    pub peers: Vec<Recorded<String>>,
    /// The `TCPProbe`/`UDPProbe` keep-alive settings as written (server zones).
    pub probes: Vec<(String, Recorded<String>)>,
}

impl Zone {
    /// The zone's name, or `zone N` when it has none.
    pub fn label(&self) -> String {
        self.name
            .as_ref()
            .map_or_else(|| format!("zone {}", self.index), |n| n.value.clone())
    }

    /// Whether this is a Unified Communications (MRA) traversal zone.
    pub fn is_mra(&self) -> bool {
        self.edge.as_ref().is_some_and(|e| e.value)
    }
}

/// The demultiplexing setting of a small or medium Expressway-E.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Demux {
    /// "Use configured demultiplexing ports" (On/Off; Yes/No and True/False are
    /// accepted because the spelling is unconfirmed).
    pub use_configured: Option<Recorded<bool>>,
    /// The spelling the dump used for `use_configured`.
    pub spelling: Option<String>,
    pub rtp: Option<Recorded<u16>>,
    pub rtcp: Option<Recorded<u16>>,
}

/// TURN on Expressway-E.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Turn {
    pub mode: Option<Recorded<bool>>,
    pub port: Option<Recorded<u16>>,
    pub range: Option<(Recorded<u16>, Recorded<u16>)>,
    pub relays: Option<(Recorded<u16>, Recorded<u16>)>,
    pub protocol_mode: Option<Recorded<String>>,
}

/// One Expressway node as its dump describes it.
#[derive(Clone, Debug, Default)]
pub struct Expressway {
    pub role: Option<SideDecision>,
    /// `** end` or unquoted enum values only: a video endpoint, not an Expressway.
    pub endpoint: Option<Span>,
    pub system_name: Option<Recorded<String>>,
    pub hostname: Option<Recorded<String>>,
    pub domain: Option<Recorded<String>>,
    pub cluster_name: Option<Recorded<String>>,
    pub cluster_peers: Vec<Recorded<String>>,
    /// `Alternates ConfigurationPrimary` (X15), or `ConfigurationMaster` before it.
    pub primary: Option<Recorded<u32>>,
    pub lan1: Lan,
    pub lan2: Lan,
    /// `IP External Interface` (default LAN1 when absent).
    pub external: Option<Recorded<LanId>>,
    pub gateway: Option<Recorded<Ipv4Addr>>,
    pub routes: Vec<Route>,
    pub zones: Vec<Zone>,
    pub media_ports: Option<Recorded<(u16, u16)>>,
    /// The records of the media range's start and end.
    pub media_records: Option<(Span, Span)>,
    pub demux: Demux,
    pub turn: Turn,
    /// `CollaborationEdge Enabled`: the Unified Communications (MRA) mode.
    pub edge_enabled: Option<Recorded<bool>>,
    /// IM and Presence over MRA: the first `SIP Domain N Edgexmpp: "On"`, else the first
    /// `Edgexmpp` record (off); `None` when the dump has no SIP domain.
    pub im_presence: Option<Recorded<bool>>,
    /// Values that cannot be used.
    pub problems: Vec<Problem>,
    /// How the unconfirmed keys were read, for `--verbose`.
    pub evidence: Vec<String>,
}

/// The records of a dump by lower-case path (the last one wins, as a later capture
/// appended to a file is the newer one).
struct Index<'d> {
    by_path: HashMap<String, &'d Record>,
    records: &'d [Record],
}

impl<'d> Index<'d> {
    fn new(dump: &'d Dump) -> Self {
        let by_path = dump
            .records
            .iter()
            .map(|r| (r.path.text().to_ascii_lowercase(), r))
            .collect();
        Index {
            by_path,
            records: &dump.records,
        }
    }

    /// The record at this path, when its value is set.
    fn get(&self, path: &str) -> Option<&'d Record> {
        self.by_path
            .get(&path.to_ascii_lowercase())
            .copied()
            .filter(|r| r.value.get().is_some())
    }

    /// Every set record matching a pattern with `#` indices, with the indices.
    fn all(&self, pattern: &str) -> Vec<(Vec<u32>, &'d Record)> {
        self.records
            .iter()
            .filter(|r| r.value.get().is_some())
            .filter_map(|r| r.path.capture(pattern).map(|i| (i, r)))
            .collect()
    }
}

/// Reads values, collecting the ones that do not read as problems.
struct Reader<'d> {
    index: Index<'d>,
    problems: Vec<Problem>,
}

impl<'d> Reader<'d> {
    fn text(&self, path: &str) -> Option<Recorded<String>> {
        self.index
            .get(path)
            .map(|r| Recorded::new(r.value.text.clone(), r.span))
    }

    fn parsed<T>(
        &mut self,
        path: &str,
        what: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Option<Recorded<T>> {
        let record = self.index.get(path)?;
        let text = record.value.text.trim();
        match parse(text) {
            Some(value) => Some(Recorded::new(value, record.span)),
            None => {
                self.problems.push(Problem {
                    span: record.span,
                    message: format!("`{}` is not {what} ({})", text, record.path.text()),
                });
                None
            }
        }
    }

    fn ipv4(&mut self, path: &str) -> Option<Recorded<Ipv4Addr>> {
        self.parsed(path, "an IPv4 address", |t| t.parse().ok())
    }

    fn port(&mut self, path: &str) -> Option<Recorded<u16>> {
        self.parsed(path, "a port number", |t| t.parse().ok())
    }

    fn switch(&mut self, path: &str) -> Option<Recorded<bool>> {
        self.parsed(path, "On or Off", switch)
    }

    fn mask(&mut self, path: &str) -> Option<Recorded<u8>> {
        self.parsed(path, "a contiguous subnet mask", |t| {
            crate::syntax::lexical::mask_len(t.parse().ok()?)
        })
    }
}

/// `On`/`Off` (and the unconfirmed spellings `Yes`/`No`, `True`/`False`).
fn switch(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "on" | "yes" | "true" => Some(true),
        "off" | "no" | "false" => Some(false),
        _ => None,
    }
}

/// Maps a parsed dump to the node it describes.
pub fn read(dump: &Dump) -> Expressway {
    let mut r = Reader {
        index: Index::new(dump),
        problems: Vec::new(),
    };
    let mut x = Expressway {
        system_name: r.text("SystemUnit Name"),
        hostname: r.text("IP DNS Hostname"),
        domain: r.text("IP DNS Domain Name"),
        cluster_name: r.text("Alternates Cluster Name"),
        ..Expressway::default()
    };
    x.cluster_peers = r
        .index
        .all("Alternates Peer # Address")
        .into_iter()
        .map(|(_, rec)| Recorded::new(rec.value.text.clone(), rec.span))
        .collect();
    x.primary = r
        .parsed("Alternates ConfigurationPrimary", "a peer index", |t| {
            t.parse().ok()
        })
        .or_else(|| {
            let old = r.parsed("Alternates ConfigurationMaster", "a peer index", |t| {
                t.parse().ok()
            });
            if old.is_some() {
                x.evidence.push(
                    "cluster primary read from `Alternates ConfigurationMaster` (before X15)"
                        .into(),
                );
            }
            old
        });
    x.lan1 = lan(&mut r, 1);
    x.lan2 = lan(&mut r, 2);
    x.external = r.parsed("IP External Interface", "LAN1 or LAN2", |t| {
        match t.to_ascii_uppercase().as_str() {
            "LAN1" => Some(LanId::Lan1),
            "LAN2" => Some(LanId::Lan2),
            _ => None,
        }
    });
    x.gateway = r.ipv4("IP Gateway").filter(|g| g.value != UNSET_GATEWAY);
    x.routes = routes(&mut r);
    x.zones = zones(&mut r);
    let media = pair(
        &mut r,
        "Traversal Media Port Start",
        "Traversal Media Port End",
    );
    x.media_records = media.as_ref().map(|(lo, hi)| (lo.span, hi.span));
    x.media_ports = media.map(|(lo, hi)| Recorded::new((lo.value, hi.value), lo.span.to(hi.span)));
    x.demux = demux(&mut r, &mut x.evidence);
    x.turn = Turn {
        mode: r.switch("Traversal Server TURN Mode"),
        port: r.port("Traversal Server TURN Port"),
        range: pair(
            &mut r,
            "Traversal Server TURN PortRangeStart",
            "Traversal Server TURN PortRangeEnd",
        ),
        relays: pair(
            &mut r,
            "Traversal Server TURN Media Port Start",
            "Traversal Server TURN Media Port End",
        ),
        protocol_mode: r.text("Traversal Server TURN ProtocolMode"),
    };
    x.edge_enabled = r.switch("CollaborationEdge Enabled");
    let xmpp = r.index.all("SIP Domain # Edgexmpp");
    x.im_presence = xmpp
        .iter()
        .find(|(_, rec)| switch(&rec.value.text) == Some(true))
        .or(xmpp.first())
        .map(|(_, rec)| Recorded::new(switch(&rec.value.text) == Some(true), rec.span));
    x.endpoint = endpoint(dump);
    x.role = role(&x, &r.index);
    x.problems = r.problems;
    x
}

fn lan(r: &mut Reader<'_>, n: u8) -> Lan {
    Lan {
        address: r.ipv4(&format!("Ethernet {n} IP V4 Address")),
        prefix: r.mask(&format!("Ethernet {n} IP V4 SubnetMask")),
        nat_mode: r.switch(&format!("Ethernet {n} IP V4 StaticNAT Mode")),
        nat_address: r.ipv4(&format!("Ethernet {n} IP V4 StaticNAT Address")),
    }
}

fn pair(r: &mut Reader<'_>, start: &str, end: &str) -> Option<(Recorded<u16>, Recorded<u16>)> {
    Some((r.port(start)?, r.port(end)?))
}

fn routes(r: &mut Reader<'_>) -> Vec<Route> {
    let indices: Vec<u32> = r
        .index
        .all("IP Route # Address")
        .into_iter()
        .map(|(i, _)| i[0])
        .collect();
    let mut routes = Vec::new();
    for n in indices {
        let network = r.ipv4(&format!("IP Route {n} Address"));
        let prefix = r.parsed(
            &format!("IP Route {n} PrefixLength"),
            "a prefix length 0-32",
            |t| t.parse::<u8>().ok().filter(|p| *p <= 32),
        );
        let gateway = r.ipv4(&format!("IP Route {n} Gateway"));
        let interface = r.text(&format!("IP Route {n} Interface"));
        if let (Some(network), Some(prefix), Some(gateway)) = (network, prefix, gateway) {
            routes.push(Route {
                network,
                prefix: prefix.value,
                gateway,
                interface,
            });
        }
    }
    routes
}

fn zones(r: &mut Reader<'_>) -> Vec<Zone> {
    let types: BTreeMap<u32, &Record> = r
        .index
        .all("Zones Zone # Type")
        .into_iter()
        .map(|(i, rec)| (i[0], rec))
        .collect();
    types
        .into_iter()
        .map(|(n, type_record)| zone(r, n, type_record))
        .collect()
}

fn zone(r: &mut Reader<'_>, n: u32, type_record: &Record) -> Zone {
    let zone_type = Recorded::new(ZoneType::read(&type_record.value.text), type_record.span);
    let mut zone = Zone {
        index: n,
        name: r.text(&format!("Zones Zone {n} Name")),
        sip_mode: r.switch(&format!("Zones Zone {n} SIP Mode")),
        h323_mode: r.switch(&format!("Zones Zone {n} H323 Mode")),
        zone_type,
        edge: None,
        sip_port: None,
        sip_transport: None,
        sip_protocol: None,
        h323_port: None,
        h323_protocol: None,
        username: None,
        tls_verify_mode: None,
        tls_verify_subject: None,
        peers: Vec::new(),
        probes: Vec::new(),
    };
    let Some(block) = zone.zone_type.value.block() else {
        return zone;
    };
    let key = |rest: &str| format!("Zones Zone {n} {block} {rest}");
    zone.edge = r.switch(&key("Collaboration Edge"));
    zone.sip_port = r.port(&key("SIP Port"));
    zone.sip_transport = r.text(&key("SIP Transport"));
    zone.sip_protocol = r.text(&key("SIP Protocol"));
    zone.h323_port = r.port(&key("H323 Port"));
    zone.h323_protocol = r.text(&key("H323 Protocol"));
    zone.username = r.text(&key("Authentication UserName"));
    zone.tls_verify_mode = r.switch(&key("SIP TLS Verify Mode"));
    zone.tls_verify_subject = r.text(&key("SIP TLS Verify Subject Name"));
    let mut peers: Vec<(u32, Recorded<String>)> = r
        .index
        .all(&format!("Zones Zone {n} {block} Peer # Address"))
        .into_iter()
        .map(|(i, rec)| {
            (
                i[0],
                Recorded::new(rec.value.text.trim().to_string(), rec.span),
            )
        })
        .collect();
    peers.sort_by_key(|(k, _)| *k);
    zone.peers = peers.into_iter().map(|(_, p)| p).collect();
    for probe in ["TCPProbe", "UDPProbe"] {
        for setting in ["KeepAliveInterval", "RetryCount", "RetryInterval"] {
            if let Some(value) = r.text(&key(&format!("{probe} {setting}"))) {
                zone.probes.push((format!("{probe} {setting}"), value));
            }
        }
    }
    zone
}

fn demux(r: &mut Reader<'_>, evidence: &mut Vec<String>) -> Demux {
    const KEY: &str = "Traversal Server Media Demultiplexing UseConfiguredDemuxPorts";
    let spelling = r.index.get(KEY).map(|rec| rec.value.text.clone());
    if let Some(spelling) = &spelling {
        evidence.push(format!(
            "\"Use configured demultiplexing ports\" read from `{KEY}: \"{spelling}\"` (key and spelling unconfirmed)"
        ));
    }
    Demux {
        use_configured: r.switch(KEY),
        spelling,
        rtp: r.port("Traversal Server Media Demultiplexing RTP Port"),
        rtcp: r.port("Traversal Server Media Demultiplexing RTCP Port"),
    }
}

/// A video endpoint's configuration: it ends with `** end`, or no value is quoted.
fn endpoint(dump: &Dump) -> Option<Span> {
    if let Some(span) = dump.endpoint_end {
        return Some(span);
    }
    let quoted = dump
        .records
        .iter()
        .any(|r| matches!(r.value.form, Form::Quoted | Form::Secret));
    let bare = dump.records.iter().find(|r| r.value.form == Form::Bare);
    match (quoted, bare) {
        (false, Some(record)) if dump.records.len() > 1 => Some(record.span),
        _ => None,
    }
}

/// The role by docs/xconfiguration.md#which-side-a-dump-is, first rule that applies.
fn role(x: &Expressway, index: &Index<'_>) -> Option<SideDecision> {
    let e = |evidence, span, reason: String| {
        Some(SideDecision {
            side: Side::E,
            evidence,
            span,
            reason,
        })
    };
    if let Some(zone) = x
        .zones
        .iter()
        .find(|z| z.zone_type.value == ZoneType::TraversalServer)
    {
        return e(
            RoleEvidence::TraversalServerZone,
            zone.zone_type.span,
            format!(
                "zone {} ({}) is a traversal server zone",
                zone.index,
                zone.label()
            ),
        );
    }
    if let Some(external) = x.external.as_ref().filter(|e| e.value == LanId::Lan2) {
        return e(
            RoleEvidence::AdvancedNetworking,
            external.span,
            "the external LAN interface is LAN2".into(),
        );
    }
    for (id, lan) in [(LanId::Lan1, &x.lan1), (LanId::Lan2, &x.lan2)] {
        if let Some(mode) = lan.nat_on() {
            return e(
                RoleEvidence::AdvancedNetworking,
                mode.span,
                format!("{} has static NAT on", id.label()),
            );
        }
    }
    if let Some(address) = x.lan2.address.as_ref().filter(|_| x.lan2.in_use()) {
        return e(
            RoleEvidence::AdvancedNetworking,
            address.span,
            format!("LAN2 is in use ({})", address.value),
        );
    }
    if let Some(mode) = x.turn.mode.as_ref().filter(|m| m.value) {
        return e(RoleEvidence::Turn, mode.span, "TURN is on".into());
    }
    let client = x
        .zones
        .iter()
        .find(|z| z.zone_type.value == ZoneType::TraversalClient)?;
    let unified_cm = x.zones.iter().find(|z| {
        z.zone_type.value == ZoneType::Neighbor
            && z.name.as_ref().is_some_and(|n| {
                let lower = n.value.to_ascii_lowercase();
                lower.starts_with("cetls") || lower.starts_with("cetcp")
            })
    });
    let edge_domain = index
        .all("SIP Domain # Edgesip")
        .into_iter()
        .find(|(_, rec)| switch(&rec.value.text) == Some(true));
    let with = match (unified_cm, edge_domain) {
        (Some(zone), _) => format!("the Unified CM neighbour zone {}", zone.label()),
        (None, Some((i, _))) => format!("MRA on SIP domain {}", i[0]),
        (None, None) => return None,
    };
    Some(SideDecision {
        side: Side::C,
        evidence: RoleEvidence::TraversalClientWithEdge,
        span: client.zone_type.span,
        reason: format!(
            "zone {} ({}) is a traversal client zone, with {with}",
            client.index,
            client.label()
        ),
    })
}

impl Expressway {
    /// `IP DNS Hostname` + `.` + `IP DNS Domain Name`.
    pub fn fqdn(&self) -> Option<String> {
        let host = &self.hostname.as_ref()?.value;
        match &self.domain {
            Some(domain) if !domain.value.is_empty() => Some(format!("{host}.{}", domain.value)),
            _ => Some(host.clone()),
        }
    }

    /// The node's name: the system name, else the host name.
    pub fn name(&self) -> Option<&Recorded<String>> {
        self.system_name.as_ref().or(self.hostname.as_ref())
    }

    pub fn lan(&self, id: LanId) -> &Lan {
        match id {
            LanId::Lan1 => &self.lan1,
            LanId::Lan2 => &self.lan2,
        }
    }

    /// The external interface: LAN2 when `IP External Interface` says so, else LAN1.
    pub fn external_id(&self) -> LanId {
        self.external.as_ref().map_or(LanId::Lan1, |e| e.value)
    }

    /// Single or dual NIC (docs/xconfiguration.md#nic-design): dual when the external
    /// interface is LAN2 or LAN2 is in use; not confident when the two tests disagree.
    pub fn nic(&self) -> NicMode {
        let external_lan2 = self.external_id() == LanId::Lan2;
        let lan2_used = self.lan2.in_use();
        let external_span = self.external.as_ref().map(|e| e.span);
        let lan2_span = self.lan2.address.as_ref().map(|a| a.span);
        let lan1_span = self.lan1.address.as_ref().map(|a| a.span);
        let span = |first: Option<Span>| {
            first
                .or(external_span)
                .or(lan2_span)
                .or(lan1_span)
                .unwrap_or_default()
        };
        match (external_lan2, lan2_used) {
            (true, true) => NicMode {
                dual: true,
                span: span(external_span),
                reason: "the external LAN interface is LAN2 and LAN2 has an address".into(),
                confident: true,
            },
            (true, false) => NicMode {
                dual: true,
                span: span(external_span),
                reason: "the external LAN interface is LAN2, but LAN2 has no address of its own"
                    .into(),
                confident: false,
            },
            (false, true) => NicMode {
                dual: true,
                span: span(lan2_span),
                reason: "LAN2 has an address (not the factory 192.168.0.100), but the external LAN interface is LAN1".into(),
                confident: false,
            },
            (false, false) => NicMode {
                dual: false,
                span: span(external_span),
                reason: match &self.external {
                    Some(_) => "the external LAN interface is LAN1 and LAN2 is not in use".into(),
                    None => "no external LAN interface is set and LAN2 is not in use".into(),
                },
                confident: true,
            },
        }
    }

    /// The internal and external interfaces (docs/xconfiguration.md#nic-design): the
    /// external one is the `IP External Interface`; with dual NIC the internal one is the
    /// other. Single NIC gives LAN1 for both.
    pub fn internal_external(&self) -> (LanId, LanId) {
        let external = self.external_id();
        if self.nic().dual {
            (external.other(), external)
        } else {
            (LanId::Lan1, LanId::Lan1)
        }
    }

    /// The static NAT address of the external interface.
    pub fn static_nat(&self) -> Option<&Recorded<Ipv4Addr>> {
        self.lan(self.internal_external().1).static_nat()
    }

    /// Every address the node answers on, with what it is: `LAN1`, `LAN2`, `static NAT`.
    pub fn addresses(&self) -> Vec<(Ipv4Addr, &'static str)> {
        let mut out = Vec::new();
        for (id, lan) in [(LanId::Lan1, &self.lan1), (LanId::Lan2, &self.lan2)] {
            if let Some(a) = &lan.address {
                if id == LanId::Lan1 || lan.in_use() {
                    out.push((a.value, id.label()));
                }
            }
            if let Some(nat) = lan.static_nat() {
                out.push((nat.value, "static NAT"));
            }
        }
        out
    }

    /// Whether a traversal peer name designates this node: its FQDN, host name, system
    /// name or cluster name (compared case-insensitively).
    pub fn answers_to(&self, name: &str) -> bool {
        let name = name.trim_end_matches('.');
        let names = [
            self.fqdn(),
            self.hostname.as_ref().map(|h| h.value.clone()),
            self.system_name.as_ref().map(|s| s.value.clone()),
            self.cluster_name.as_ref().map(|c| c.value.clone()),
        ];
        names
            .into_iter()
            .flatten()
            .any(|n| !n.is_empty() && n.eq_ignore_ascii_case(name))
    }

    /// The zones of one type.
    pub fn zones_of(&self, zone_type: ZoneType) -> impl Iterator<Item = &Zone> {
        self.zones
            .iter()
            .filter(move |z| z.zone_type.value == zone_type)
    }

    /// The sections a deployment needs that the dump lacks (a partial dump, such as
    /// `xConfiguration Zones`, is normal): by side.
    pub fn missing_sections(&self, side: Side) -> Vec<&'static str> {
        let mut missing = Vec::new();
        if self.lan1.address.is_none() {
            missing.push("Ethernet (interface addresses)");
        }
        let zone_type = match side {
            Side::C => ZoneType::TraversalClient,
            Side::E => ZoneType::TraversalServer,
        };
        if self.zones_of(zone_type).next().is_none() {
            missing.push(match side {
                Side::C => "Zones (traversal client zones)",
                Side::E => "Zones (traversal server zones)",
            });
        }
        if side == Side::E && self.media_ports.is_none() {
            missing.push("Traversal Media Port (the media range; 36000-59999 assumed)");
        }
        missing
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xconfig::syntax::dump;

    /// An Expressway-E's dump: dual NIC, static NAT on LAN2, a traversal server zone.
    const E: &str = r#"*c xConfiguration Alternates Cluster Name: 
*c xConfiguration Alternates Peer 1 Address: 
*c xConfiguration Ethernet 1 IP V4 Address: "10.0.20.2"
*c xConfiguration Ethernet 1 IP V4 StaticNAT Address: 
*c xConfiguration Ethernet 1 IP V4 StaticNAT Mode: "Off"
*c xConfiguration Ethernet 1 IP V4 SubnetMask: "255.255.255.0"
*c xConfiguration Ethernet 2 IP V4 Address: "10.0.10.2"
*c xConfiguration Ethernet 2 IP V4 StaticNAT Address: "64.100.0.10"
*c xConfiguration Ethernet 2 IP V4 StaticNAT Mode: "On"
*c xConfiguration Ethernet 2 IP V4 SubnetMask: "255.255.255.0"
*c xConfiguration IP DNS Domain Name: "example.com"
*c xConfiguration IP DNS Hostname: "expe"
*c xConfiguration IP External Interface: "LAN2"
*c xConfiguration IP Gateway: "10.0.10.1"
*c xConfiguration IP Route 1 Address: "10.0.30.0"
*c xConfiguration IP Route 1 Gateway: "10.0.20.1"
*c xConfiguration IP Route 1 Interface: "LAN1"
*c xConfiguration IP Route 1 PrefixLength: "24"
*c xConfiguration SystemUnit Name: "expe"
*c xConfiguration Traversal Media Port End: "59999"
*c xConfiguration Traversal Media Port Start: "36000"
*c xConfiguration Traversal Server Media Demultiplexing RTCP Port: "2777"
*c xConfiguration Traversal Server Media Demultiplexing RTP Port: "2776"
*c xConfiguration Traversal Server Media Demultiplexing UseConfiguredDemuxPorts: "On"
*c xConfiguration Traversal Server TURN Media Port End: "29999"
*c xConfiguration Traversal Server TURN Media Port Start: "24000"
*c xConfiguration Traversal Server TURN Mode: "On"
*c xConfiguration Zones Zone 1 H323 Mode: "Off"
*c xConfiguration Zones Zone 1 Name: "UC Traversal"
*c xConfiguration Zones Zone 1 TraversalServer Authentication UserName: "expc-traversal"
*c xConfiguration Zones Zone 1 TraversalServer Collaboration Edge: "On"
*c xConfiguration Zones Zone 1 TraversalServer SIP Port: "7003"
*c xConfiguration Zones Zone 1 TraversalServer SIP Protocol: "Assent"
*c xConfiguration Zones Zone 1 TraversalServer SIP TLS Verify Subject Name: "expc.example.com"
*c xConfiguration Zones Zone 1 TraversalServer SIP Transport: "TLS"
*c xConfiguration Zones Zone 1 Type: "TraversalServer"

OK
"#;

    /// The matching Expressway-C's dump: a cluster, a traversal client zone toward E.
    const C: &str = r#"*c xConfiguration Alternates Cluster Name: "expc.example.com"
*c xConfiguration Alternates ConfigurationPrimary: "1"
*c xConfiguration Alternates Peer 1 Address: "10.0.30.2"
*c xConfiguration Alternates Peer 2 Address: "10.0.30.4"
*c xConfiguration Ethernet 1 IP V4 Address: "10.0.30.2"
*c xConfiguration Ethernet 1 IP V4 SubnetMask: "255.255.255.0"
*c xConfiguration Ethernet 2 IP V4 Address: "192.168.0.100"
*c xConfiguration IP DNS Domain Name: "example.com"
*c xConfiguration IP DNS Hostname: "expc1"
*c xConfiguration IP Gateway: "10.0.30.1"
*c xConfiguration SIP Domain 1 Edgesip: "On"
*c xConfiguration SIP Domain 1 Edgexmpp: "On"
*c xConfiguration SIP Domain 1 Name: "example.com"
*c xConfiguration Zones Zone 1 Name: "CEtls-cucm01"
*c xConfiguration Zones Zone 1 Neighbor Peer 1 Address: "cucm01.example.com"
*c xConfiguration Zones Zone 1 Type: "Neighbor"
*c xConfiguration Zones Zone 2 Name: "UC Traversal"
*c xConfiguration Zones Zone 2 TraversalClient Authentication Password: "{cipher}c2VjcmV0"
*c xConfiguration Zones Zone 2 TraversalClient Authentication UserName: "expc-traversal"
*c xConfiguration Zones Zone 2 TraversalClient Collaboration Edge: "On"
*c xConfiguration Zones Zone 2 TraversalClient Peer 1 Address: "expe.example.com"
*c xConfiguration Zones Zone 2 TraversalClient Peer 2 Address: 
*c xConfiguration Zones Zone 2 TraversalClient SIP Port: "7003"
*c xConfiguration Zones Zone 2 TraversalClient SIP Protocol: "Assent"
*c xConfiguration Zones Zone 2 TraversalClient SIP Transport: "TLS"
*c xConfiguration Zones Zone 2 Type: "TraversalClient"

OK
"#;

    fn quote(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    #[test]
    fn the_reference_e_dump() {
        let x = read(&dump(E));
        assert!(x.problems.is_empty(), "{:?}", x.problems);
        let role = x.role.as_ref().unwrap();
        assert_eq!(role.side, Side::E);
        assert_eq!(role.evidence, RoleEvidence::TraversalServerZone);
        assert!(quote(E, role.span).ends_with("Type: \"TraversalServer\""));
        let nic = x.nic();
        assert!(nic.dual && nic.confident);
        assert_eq!(x.internal_external(), (LanId::Lan1, LanId::Lan2));
        let nat = x.static_nat().unwrap();
        assert_eq!(nat.value, Ipv4Addr::new(64, 100, 0, 10));
        assert!(quote(E, nat.span).contains("Ethernet 2 IP V4 StaticNAT Address"));
        assert_eq!(x.lan1.prefix.as_ref().unwrap().value, 24);
        assert_eq!(
            x.gateway.as_ref().unwrap().value,
            Ipv4Addr::new(10, 0, 10, 1)
        );
        assert_eq!(x.routes.len(), 1);
        assert_eq!(x.routes[0].prefix, 24);
        assert_eq!(x.media_ports.as_ref().unwrap().value, (36000, 59999));
        assert!(x.demux.use_configured.as_ref().unwrap().value);
        assert_eq!(x.demux.rtp.as_ref().unwrap().value, 2776);
        assert_eq!(x.turn.relays.as_ref().unwrap().0.value, 24000);
        assert_eq!(x.fqdn().as_deref(), Some("expe.example.com"));
        assert!(x.cluster_peers.is_empty());
        let zone = &x.zones[0];
        assert!(zone.is_mra());
        assert_eq!(zone.sip_port.as_ref().unwrap().value, 7003);
        assert_eq!(zone.username.as_ref().unwrap().value, "expc-traversal");
        assert!(x.answers_to("EXPE.example.com."));
        assert!(x.missing_sections(Side::E).is_empty());
    }

    #[test]
    fn the_reference_c_dump() {
        let x = read(&dump(C));
        let role = x.role.as_ref().unwrap();
        assert_eq!(role.side, Side::C);
        assert!(!role.evidence.proves());
        assert!(role.reason.contains("CEtls-cucm01"), "{}", role.reason);
        assert!(!x.nic().dual);
        assert_eq!(x.cluster_peers.len(), 2);
        assert_eq!(x.primary.as_ref().unwrap().value, 1);
        let zone = x.zones_of(ZoneType::TraversalClient).next().unwrap();
        assert_eq!(zone.index, 2);
        assert_eq!(zone.peers.len(), 1);
        assert_eq!(zone.peers[0].value, "expe.example.com");
        assert!(x.im_presence.as_ref().unwrap().value);
        assert!(!format!("{x:?}").contains("c2VjcmV0"));
    }

    #[test]
    fn role_rules_apply_in_order() {
        let natted = "*c xConfiguration Ethernet 1 IP V4 Address: \"10.0.10.2\"\n*c xConfiguration Ethernet 1 IP V4 StaticNAT Mode: \"On\"\n";
        let x = read(&dump(natted));
        assert_eq!(
            x.role.as_ref().unwrap().evidence,
            RoleEvidence::AdvancedNetworking
        );
        let turn = "*c xConfiguration Traversal Server TURN Mode: \"On\"\n";
        assert_eq!(read(&dump(turn)).role.unwrap().evidence, RoleEvidence::Turn);
        let client_only = "*c xConfiguration Zones Zone 1 Type: \"TraversalClient\"\n";
        assert_eq!(read(&dump(client_only)).role, None);
        assert_eq!(read(&dump("")).role, None);
    }

    #[test]
    fn lan2_without_external_lan2_is_a_low_confidence_dual_nic() {
        let text = "*c xConfiguration Ethernet 1 IP V4 Address: \"10.0.20.2\"\n*c xConfiguration Ethernet 2 IP V4 Address: \"10.0.10.2\"\n*c xConfiguration IP External Interface: \"LAN1\"\n";
        let x = read(&dump(text));
        let nic = x.nic();
        assert!(nic.dual && !nic.confident, "{nic:?}");
        assert_eq!(x.internal_external(), (LanId::Lan2, LanId::Lan1));
    }

    #[test]
    fn bad_values_are_problems_at_their_record() {
        let text = "*c xConfiguration Ethernet 1 IP V4 Address: \"10.0.300.2\"\n*c xConfiguration Zones Zone 1 Type: \"TraversalServer\"\n*c xConfiguration Zones Zone 1 TraversalServer SIP Port: \"70033\"\n";
        let x = read(&dump(text));
        assert_eq!(x.problems.len(), 2, "{:?}", x.problems);
        assert!(quote(text, x.problems[0].span).contains("10.0.300.2"));
        assert!(x.problems[0].message.contains("not an IPv4 address"));
    }

    #[test]
    fn an_endpoint_is_recognised() {
        let text = "*c xConfiguration Audio DefaultVolume: 50\n*c xConfiguration Conference AutoAnswer Mode: Off\n";
        assert!(read(&dump(text)).endpoint.is_some());
        assert!(read(&dump(E)).endpoint.is_none());
    }

    #[test]
    fn the_unset_gateway_and_the_old_primary_key() {
        let text = "*c xConfiguration IP Gateway: \"127.0.0.1\"\n*c xConfiguration Alternates ConfigurationMaster: \"2\"\n";
        let x = read(&dump(text));
        assert!(x.gateway.is_none());
        assert_eq!(x.primary.unwrap().value, 2);
        assert!(x.evidence.iter().any(|e| e.contains("ConfigurationMaster")));
    }
}
