//! YAML → deployment model. Every value keeps the span of where it is written, so a
//! diagnostic can point at the exact field a finding contradicts.

pub mod compare;
pub mod dumps;
pub mod file;

use std::collections::HashSet;
use std::net::Ipv4Addr;

use serde_saphyr::Spanned;

pub use compare::Mismatch;
pub use dumps::{DumpInput, ReadDump};
pub use file::{Nic, Size, ZoneService};

use crate::source::{FileId, Span};

/// A deployment value, located: the span of where the deployment file writes it, or of
/// the `xConfiguration` record it was read from in the dump `file`. (A value inside one
/// dump, before its file is known, is a [`crate::xconfig::model::Recorded`].)
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct At<T> {
    pub value: T,
    pub span: Span,
    /// The dump the value comes from; `None` for the deployment file itself.
    pub file: Option<FileId>,
}

impl<T> At<T> {
    pub fn new(value: T, span: Span) -> Self {
        At {
            value,
            span,
            file: None,
        }
    }

    /// A value read from a dump.
    pub fn in_file(value: T, span: Span, file: FileId) -> Self {
        At {
            value,
            span,
            file: Some(file),
        }
    }

    /// The file the value is written in: its dump, or the deployment file.
    pub fn file_or(&self, deployment_file: FileId) -> FileId {
        self.file.unwrap_or(deployment_file)
    }

    /// The same place, without the value.
    pub fn place(&self) -> At<()> {
        At {
            value: (),
            span: self.span,
            file: self.file,
        }
    }
}

/// A problem in the deployment file, or in a dump it names (`file`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeploymentError {
    pub span: Span,
    pub message: String,
    /// The dump the problem is in; `None` for the deployment file itself.
    pub file: Option<FileId>,
}

impl DeploymentError {
    /// A problem at a span of the deployment file.
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        DeploymentError {
            span,
            message: message.into(),
            file: None,
        }
    }
}

/// The validated deployment.
#[derive(Clone, Debug)]
pub struct Deployment {
    pub firewalls: Vec<FirewallRef>,
    pub c_nodes: Vec<CNode>,
    pub e: ExpresswayE,
    pub zones: Vec<Zone>,
    pub im_presence: bool,
    pub turn: bool,
    pub turn_relays: (u16, u16),
    pub internet_client: Option<At<Ipv4Addr>>,
    pub internet: Option<(At<String>, At<String>)>,
    /// What Expressway-C's DNS answers (`dns`), for the rules that resolve peer names.
    pub dns: Vec<(String, Ipv4Addr)>,
    /// What the firewalls' DNS answers for FQDN objects (`firewall_dns`), before `dns`.
    pub firewall_dns: Vec<(String, Ipv4Addr)>,
}

#[derive(Clone, Debug)]
pub struct FirewallRef {
    pub name: At<String>,
    /// As written, relative to the deployment file.
    pub config: At<String>,
    /// What the deployment says the firewall runs (`None`: detected from the config).
    pub platform: Option<crate::model::Platform>,
}

#[derive(Clone, Debug)]
pub struct CNode {
    pub name: At<String>,
    pub address: At<Ipv4Addr>,
    pub gateway: Option<At<Ipv4Addr>>,
}

#[derive(Clone, Debug)]
pub struct ExpresswayE {
    pub nic: At<Nic>,
    pub size: At<Size>,
    pub demux_ports: Option<At<(u16, u16)>>,
    pub media_ports: (u16, u16),
    pub external_nat: bool,
    pub nodes: Vec<ENode>,
    /// Whether `size` is given. Without it (only possible with dumps), the ports of
    /// small/medium and large systems are all checked, and `size` is a placeholder.
    pub size_given: bool,
    /// "Use configured demultiplexing ports" as E's dump sets it.
    pub demux_setting: Option<At<bool>>,
}

/// An interface address with its prefix length (32 when the file gives none).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IfAddr {
    pub address: Ipv4Addr,
    pub prefix: u8,
}

#[derive(Clone, Debug)]
pub struct ENode {
    pub name: At<String>,
    pub lan1: At<IfAddr>,
    pub lan2: Option<At<IfAddr>>,
    pub static_nat: Option<At<Ipv4Addr>>,
    pub gateway: Option<At<Ipv4Addr>>,
    pub routes: Vec<ERoute>,
}

impl Deployment {
    /// The answers FQDN objects resolve through: `firewall_dns` first, then `dns`.
    pub fn firewall_resolver(&self) -> Vec<(String, Ipv4Addr)> {
        let mut all = self.firewall_dns.clone();
        all.extend(self.dns.iter().cloned());
        all
    }
}

impl ENode {
    /// The interface that faces the internet: LAN2 on dual NIC, else LAN1.
    pub fn external(&self) -> &At<IfAddr> {
        self.lan2.as_ref().unwrap_or(&self.lan1)
    }
}

#[derive(Clone, Debug)]
pub struct ERoute {
    pub network: Ipv4Addr,
    pub prefix: u8,
    pub gateway: Ipv4Addr,
    pub span: Span,
    /// The dump the route comes from; `None` for the deployment file itself.
    pub file: Option<FileId>,
}

#[derive(Clone, Debug)]
pub struct Zone {
    pub name: At<String>,
    pub zone_type: At<ZoneService>,
    pub port: At<u16>,
    pub peers: Vec<Peer>,
}

/// A traversal peer as configured on C, with the address it resolves to.
#[derive(Clone, Debug)]
pub struct Peer {
    pub text: At<String>,
    pub address: Ipv4Addr,
}

/// The longest name or path a deployment may give (Expressway and ASA names are far
/// shorter): longer ones would only flood the reports.
pub const MAX_NAME_CHARS: usize = 256;

fn span_of<T>(spanned: &Spanned<T>) -> Span {
    let span = spanned.referenced.span();
    match (span.byte_offset(), span.byte_len()) {
        (Some(start), Some(len)) => Span::new(start as usize, (start + len) as usize),
        _ => Span::default(),
    }
}

fn at<T: Clone>(spanned: &Spanned<T>) -> At<T> {
    At::new(spanned.value.clone(), span_of(spanned))
}

/// Reads and validates a deployment file. Gives the deployment whenever the YAML has
/// its shape (invalid values replaced by placeholders, so that the configs it names can
/// still be linted), and every problem found (each one a DEP001 finding). Only a
/// deployment without problems is fit for simulation. The `xconfig` dumps it names
/// cannot be read here (see [`load_with`]): each is a problem.
pub fn load(text: &str) -> (Option<Deployment>, Vec<DeploymentError>) {
    let loaded = load_with(text, &mut |_| Err("dumps are not read here".into()));
    (loaded.deployment, loaded.errors)
}

/// The `xconfig` dump paths a deployment file names, as written, without reading them
/// (for the callers that gather a deployment's files).
pub fn dump_paths(text: &str) -> Vec<String> {
    let mut paths = Vec::new();
    let _ = load_with(text, &mut |path| {
        paths.push(path.to_string());
        Err(String::new())
    });
    paths
}

/// What loading a deployment and its dumps gives.
#[derive(Debug, Default)]
pub struct Loaded {
    pub deployment: Option<Deployment>,
    /// DEP001: the deployment cannot be used.
    pub errors: Vec<DeploymentError>,
    /// DEP002: the file and a dump disagree (the dump is used).
    pub mismatches: Vec<Mismatch>,
    /// Every dump read, C's then E's, in the order the file names them.
    pub dumps: Vec<DumpInput>,
}

/// [`load`], reading the `xconfig` dumps the file names through `read_dump` (which is
/// given each path as written and gives the dump's file id and text). A side described
/// by dumps takes its nodes, zones and settings from them; where the file gives a value
/// too, the two must agree ([`Mismatch`]), and the dump, what the Expressway really
/// runs, is used.
pub fn load_with(text: &str, read_dump: &mut ReadDump<'_>) -> Loaded {
    let options = serde_saphyr::options! { with_snippet: false };
    let raw: file::DeploymentFile = match serde_saphyr::from_str_with_options(text, options) {
        Ok(raw) => raw,
        Err(error) => {
            return Loaded {
                errors: vec![yaml_error(text, &error)],
                ..Loaded::default()
            }
        }
    };
    let mut v = Validator {
        text,
        problems: Problems::default(),
        written: compare::Written {
            text,
            ..compare::Written::default()
        },
        from_dumps: compare::FromDumps::default(),
    };
    let c_dumps = dumps::read_dumps(
        &mut v.problems,
        &raw.expressway_c.xconfig,
        dumps::Side::C,
        read_dump,
    );
    let e_dumps = dumps::read_dumps(
        &mut v.problems,
        &raw.expressway_e.xconfig,
        dumps::Side::E,
        read_dump,
    );
    let deployment = v.deployment(&raw, &c_dumps, &e_dumps);
    v.check_names(&deployment);
    Loaded {
        deployment: Some(deployment),
        mismatches: compare::compare(&v.written, &v.from_dumps),
        errors: v.problems.0,
        dumps: c_dumps.into_iter().chain(e_dumps).collect(),
    }
}

fn yaml_error(text: &str, error: &serde_saphyr::Error) -> DeploymentError {
    let span = error
        .location()
        .map(|l| {
            let s = l.span();
            match (s.byte_offset(), s.byte_len()) {
                (Some(start), Some(len)) => {
                    Span::new(start as usize, (start + len.max(1)) as usize)
                }
                _ => line_column_span(text, l.line() as usize, l.column() as usize),
            }
        })
        .unwrap_or_default();
    let span = Span::new(span.start.min(text.len()), span.end.min(text.len()));
    DeploymentError::new(span, yaml_message(&error.to_string()))
}

/// The YAML parser's message as one whole sentence: its first line without the position
/// the span already shows (`error: line 9 column 25: …`, `… at line 9 column 25`), and
/// a resource limit said in words.
fn yaml_message(raw: &str) -> String {
    let first = raw.lines().next().unwrap_or_default().trim();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    let without_prefix = match first.strip_prefix("line ") {
        Some(rest) => rest
            .split_once(": ")
            .filter(|(position, _)| position.contains("column"))
            .map_or(first, |(_, message)| message),
        None => first,
    };
    let message = match without_prefix.rfind(" at line ") {
        Some(at)
            if without_prefix[at + 9..]
                .chars()
                .all(|c| c.is_ascii_digit() || " ,column".contains(c)) =>
        {
            &without_prefix[..at]
        }
        _ => without_prefix,
    };
    match message.split_once("budget breached: ") {
        Some((_, limit)) => format!(
            "the YAML is too large or too deep once its aliases are expanded (limit reached: {}); a deployment file needs no aliases",
            limit.trim()
        ),
        None => message.to_string(),
    }
}

fn line_column_span(text: &str, line: usize, column: usize) -> Span {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>()
        + column.saturating_sub(1);
    Span::new(start, start + 1)
}

/// The DEP001 problems found while building a deployment, in the order found.
#[derive(Debug, Default)]
struct Problems(Vec<DeploymentError>);

impl Problems {
    /// A problem at a span of the deployment file.
    fn error(&mut self, span: Span, message: impl Into<String>) {
        self.0.push(DeploymentError::new(span, message));
    }

    /// A problem at a value, in the deployment file or in the dump it comes from.
    fn error_at<T>(&mut self, at: &At<T>, message: impl Into<String>) {
        self.0.push(DeploymentError {
            file: at.file,
            ..DeploymentError::new(at.span, message)
        });
    }
}

/// Builds the deployment from the file and the dumps it names, keeping aside what the
/// file writes and what the dumps hold for the DEP002 comparison.
struct Validator<'t> {
    text: &'t str,
    problems: Problems,
    written: compare::Written<'t>,
    from_dumps: compare::FromDumps,
}

impl Validator<'_> {
    /// A flow sequence's span covers only its `[`; widen it to the closing `]`.
    fn flow_span(&self, span: Span) -> Span {
        let rest = self.text.get(span.start..).unwrap_or_default();
        match (rest.starts_with('['), rest.find(']')) {
            (true, Some(end)) => Span::new(span.start, span.start + end + 1),
            _ => span,
        }
    }

    fn error(&mut self, span: Span, message: impl Into<String>) {
        self.problems.error(span, message);
    }

    /// A problem at a value, in the deployment file or in the dump it comes from.
    /// Names and paths end up in every report, in logs and review comments: one with a
    /// control character (a CR that forges a log line, an ESC that starts a terminal
    /// sequence) or of absurd length is refused where it is written.
    fn check_names(&mut self, deployment: &Deployment) {
        let mut named: Vec<(&At<String>, &str)> = Vec::new();
        for f in &deployment.firewalls {
            named.push((&f.name, "firewall name"));
            named.push((&f.config, "config path"));
        }
        named.extend(deployment.c_nodes.iter().map(|n| (&n.name, "node name")));
        named.extend(deployment.e.nodes.iter().map(|n| (&n.name, "node name")));
        for zone in &deployment.zones {
            named.push((&zone.name, "zone name"));
            named.extend(zone.peers.iter().map(|p| (&p.text, "traversal peer")));
        }
        if let Some((firewall, interface)) = &deployment.internet {
            named.push((firewall, "firewall name"));
            named.push((interface, "interface name"));
        }
        for (name, what) in named {
            if crate::escape::has_control(&name.value) {
                let shown = crate::escape::terminal_line(&name.value).into_owned();
                self.error_at(
                    name,
                    format!(
                        "{what} `{shown}` holds a control character: names must be printable text"
                    ),
                );
            } else if name.value.chars().count() > MAX_NAME_CHARS {
                self.error_at(
                    name,
                    format!(
                        "{what} is {} characters long: at most {MAX_NAME_CHARS}",
                        name.value.chars().count()
                    ),
                );
            }
        }
    }

    fn error_at<T>(&mut self, at: &At<T>, message: impl Into<String>) {
        self.problems.error_at(at, message);
    }

    fn ipv4(&mut self, value: &Spanned<String>, what: &str) -> At<Ipv4Addr> {
        let span = span_of(value);
        match value.value.trim().parse() {
            Ok(address) => At::new(address, span),
            Err(_) => {
                self.error(
                    span,
                    format!("`{}` is not an IPv4 address ({what})", value.value),
                );
                At::new(Ipv4Addr::UNSPECIFIED, span)
            }
        }
    }

    fn if_addr(&mut self, value: &Spanned<String>, what: &str) -> At<IfAddr> {
        let span = span_of(value);
        let text = value.value.trim();
        let (address, prefix) = text.split_once('/').unwrap_or((text, "32"));
        match (address.parse(), prefix.parse::<u8>()) {
            (Ok(address), Ok(prefix)) if prefix <= 32 => At::new(IfAddr { address, prefix }, span),
            _ => {
                self.error(span, format!("`{text}` is not an IPv4 address with an optional prefix length such as 10.0.10.2/24 ({what})"));
                At::new(
                    IfAddr {
                        address: Ipv4Addr::UNSPECIFIED,
                        prefix: 32,
                    },
                    span,
                )
            }
        }
    }

    fn port_range(
        &mut self,
        value: &Spanned<String>,
        what: &str,
        bounds: (u16, u16),
    ) -> (u16, u16) {
        let span = span_of(value);
        let parsed = value.value.split_once('-').and_then(|(a, b)| {
            Some((a.trim().parse::<u16>().ok()?, b.trim().parse::<u16>().ok()?))
        });
        match parsed {
            Some((lo, hi)) if lo <= hi && lo >= bounds.0 && hi <= bounds.1 => (lo, hi),
            _ => {
                self.error(
                    span,
                    format!(
                        "`{}` is not a port range `LOW-HIGH` within {}-{} ({what})",
                        value.value, bounds.0, bounds.1
                    ),
                );
                bounds
            }
        }
    }

    fn deployment(
        &mut self,
        raw: &file::DeploymentFile,
        c_dumps: &[DumpInput],
        e_dumps: &[DumpInput],
    ) -> Deployment {
        if raw.version.value != 1 {
            self.error(
                span_of(&raw.version),
                format!(
                    "unsupported version {}: this mralint reads version 1",
                    raw.version.value
                ),
            );
        }
        let mut names = HashSet::new();
        let firewalls: Vec<FirewallRef> = raw
            .firewalls
            .iter()
            .map(|f| FirewallRef {
                name: at(&f.name),
                config: at(&f.config),
                platform: f.platform.map(|p| match p {
                    file::PlatformEntry::Asa => crate::model::Platform::Asa,
                    file::PlatformEntry::Ftd => crate::model::Platform::Ftd,
                }),
            })
            .collect();
        for f in &firewalls {
            if !names.insert(f.name.value.clone()) {
                self.error(
                    f.name.span,
                    format!("firewall name `{}` is used twice", f.name.value),
                );
            }
        }
        if firewalls.is_empty() {
            self.error(Span::default(), "`firewalls` lists no firewall");
        }
        let mut node_names = HashSet::new();
        let mut unique_node = |v: &mut Self, name: &At<String>| {
            if !node_names.insert(name.value.clone()) {
                v.error_at(name, format!("node name `{}` is used twice", name.value));
            }
        };
        let mut dns = Vec::new();
        for (name, value) in &raw.dns {
            dns.push((name.clone(), self.ipv4(value, "DNS answer").value));
        }
        let firewall_dns: Vec<(String, Ipv4Addr)> = raw
            .firewall_dns
            .iter()
            .map(|(name, value)| (name.clone(), self.ipv4(value, "firewall DNS answer").value))
            .collect();
        let yaml_c_nodes: Vec<CNode> = raw
            .expressway_c
            .nodes
            .iter()
            .map(|n| CNode {
                name: at(&n.name),
                address: self.ipv4(&n.address, "Expressway-C address"),
                gateway: n
                    .gateway
                    .as_ref()
                    .map(|g| self.ipv4(g, "Expressway-C gateway")),
            })
            .collect();
        let from_dumps = dumps::c_nodes(
            &mut self.problems,
            &raw.expressway_c,
            !yaml_c_nodes.is_empty(),
            c_dumps,
            &dns,
        );
        let c_nodes = match &from_dumps {
            Some(nodes) => with_gateways(nodes.clone(), &yaml_c_nodes),
            None => yaml_c_nodes.clone(),
        };
        self.written.c_nodes = yaml_c_nodes;
        self.from_dumps.c_nodes = from_dumps;
        let e = self.expressway_e(&raw.expressway_e, e_dumps);
        for name in c_nodes
            .iter()
            .map(|n| &n.name)
            .chain(e.nodes.iter().map(|n| &n.name))
        {
            unique_node(self, name);
        }
        let yaml_zones: Vec<Zone> = raw
            .traversal_zones
            .iter()
            .map(|z| Zone {
                name: at(&z.name),
                zone_type: at(&z.zone_type),
                port: at(&z.port),
                peers: z
                    .peers
                    .iter()
                    .filter_map(|p| resolve_peer(&mut self.problems, at(p), &dns))
                    .collect(),
            })
            .collect();
        let from_dumps = dumps::zones(&mut self.problems, !yaml_zones.is_empty(), c_dumps, &dns);
        let zones = from_dumps.clone().unwrap_or_else(|| yaml_zones.clone());
        self.written.zones = yaml_zones;
        self.from_dumps.zones = from_dumps;
        let services = raw.services.as_ref();
        let turn_relays = services
            .and_then(|s| s.turn_relays.as_ref())
            .map_or((24000, 29999), |r| {
                self.port_range(r, "TURN relays", (1024, 65535))
            });
        let internet = raw
            .internet
            .as_ref()
            .map(|i| (at(&i.firewall), at(&i.interface)));
        if let Some((firewall, _)) = &internet {
            if !names.contains(&firewall.value) {
                self.error(
                    firewall.span,
                    format!(
                        "`{}` is not a firewall listed in `firewalls`",
                        firewall.value
                    ),
                );
            }
        }
        let (im_presence, turn, turn_relays) =
            self.services(services, turn_relays, c_dumps, e_dumps);
        Deployment {
            firewalls,
            c_nodes,
            e,
            zones,
            im_presence,
            turn,
            turn_relays,
            internet_client: raw
                .internet_client
                .as_ref()
                .map(|c| self.ipv4(c, "internet client")),
            internet,
            dns,
            firewall_dns,
        }
    }

    fn expressway_e(&mut self, raw: &file::ExpresswayE, dumps: &[DumpInput]) -> ExpresswayE {
        // Placeholders where a field is left out: an error without dumps, taken from
        // the dumps (or, for `size`, both sizes checked) with them.
        let anchor = raw.xconfig.first().map(span_of).unwrap_or_default();
        let nic = match &raw.nic {
            Some(nic) => at(nic),
            None => {
                if raw.xconfig.is_empty() {
                    self.error(anchor, "`expressway_e.nic` is required (single or dual), unless `xconfig` names Expressway-E's dumps");
                }
                At::new(Nic::Single, anchor)
            }
        };
        let size = match &raw.size {
            Some(size) => at(size),
            None => {
                if raw.xconfig.is_empty() {
                    self.error(anchor, "`expressway_e.size` is required (small, medium or large), unless `xconfig` names Expressway-E's dumps");
                }
                At::new(Size::Medium, anchor)
            }
        };
        let demux_ports = raw.demux_ports.as_ref().and_then(|d| {
            let span = self.flow_span(span_of(d));
            if size.value == Size::Large {
                self.error(span, "`demux_ports` applies to small and medium systems only: a large Expressway-E always uses the first 12 ports of `media_ports`");
                return None;
            }
            match d.value.as_slice() {
                [rtp, rtcp] if rtcp == &rtp.wrapping_add(1) => Some(At::new((*rtp, *rtcp), span)),
                _ => {
                    self.error(span, "`demux_ports` must be an RTP/RTCP pair of consecutive ports, such as [2776, 2777]");
                    None
                }
            }
        });
        let media_ports = raw.media_ports.as_ref().map_or((36000, 59999), |m| {
            let range = self.port_range(m, "media ports", (36000, 59999));
            if !range.0.is_multiple_of(2) {
                self.error(
                    span_of(m),
                    "the media port range must start on an even port (RTP)",
                );
            }
            range
        });
        let nodes: Vec<ENode> = raw
            .nodes
            .iter()
            .map(|n| {
                let lan2 = n.lan2.as_ref().map(|l| self.if_addr(l, "LAN2"));
                let nic_given = raw.nic.is_some();
                if nic_given && nic.value == Nic::Dual && lan2.is_none() {
                    self.error(
                        span_of(&n.name),
                        format!(
                            "`{}` has no `lan2`, but `nic: dual` needs the external interface",
                            n.name.value
                        ),
                    );
                }
                if nic_given && nic.value == Nic::Single {
                    if let Some(lan2) = &lan2 {
                        self.error(lan2.span, "`lan2` is set, but `nic: single` uses LAN1 only");
                    }
                }
                ENode {
                    name: at(&n.name),
                    lan1: self.if_addr(&n.lan1, "LAN1"),
                    lan2,
                    static_nat: n
                        .static_nat
                        .as_ref()
                        .map(|s| self.ipv4(s, "static NAT address")),
                    gateway: n
                        .gateway
                        .as_ref()
                        .map(|g| self.ipv4(g, "Expressway-E gateway")),
                    routes: n
                        .routes
                        .iter()
                        .map(|r| {
                            let prefix = self.if_addr(&r.prefix, "route prefix");
                            ERoute {
                                network: prefix.value.address,
                                prefix: prefix.value.prefix,
                                gateway: self.ipv4(&r.gateway, "route gateway").value,
                                span: prefix.span,
                                file: None,
                            }
                        })
                        .collect(),
                }
            })
            .collect();
        let mut e = ExpresswayE {
            nic,
            size,
            demux_ports,
            media_ports,
            external_nat: raw.external_nat.as_ref().is_some_and(|e| e.value),
            nodes,
            size_given: raw.size.is_some(),
            demux_setting: None,
        };
        self.written.nic = raw.nic.as_ref().map(at);
        self.written.e_nodes = e.nodes.clone();
        self.written.media_ports = raw
            .media_ports
            .as_ref()
            .map(|m| At::new(e.media_ports, span_of(m)));
        self.written.demux_ports = e.demux_ports.clone();
        dumps::e_from_dumps(
            &mut self.problems,
            !e.nodes.is_empty(),
            raw.nic.is_some(),
            dumps,
            &mut self.from_dumps,
        );
        self.take_e_from_dumps(&mut e);
        if e.nodes.is_empty() && raw.xconfig.is_empty() {
            self.error(
                raw.nic.as_ref().map(span_of).unwrap_or_default(),
                "`expressway_e` needs `nodes` or `xconfig` (the nodes' xConfiguration dumps)",
            );
        }
        e
    }

    /// E as its dumps describe it, where they do: the NIC design, the nodes, the media
    /// range and the demultiplexing setting replace the file's (a large system ignores
    /// the demultiplexing ports; the setting is kept for MRA010).
    fn take_e_from_dumps(&self, e: &mut ExpresswayE) {
        let from = &self.from_dumps;
        if let Some(design) = &from.nic {
            e.nic = design.nic.clone();
        }
        if let Some(nodes) = &from.e_nodes {
            e.nodes = nodes.clone();
        }
        if let Some(media) = &from.media_ports {
            e.media_ports = media.value;
        }
        if let Some(demux) = &from.demux {
            e.demux_setting = Some(demux.setting.clone());
            e.demux_ports = match (e.size_given, e.size.value) {
                (true, Size::Large) => None,
                _ => demux.pair.clone(),
            };
        }
    }

    /// IM and Presence, TURN and the TURN relay range: the dumps' values where they hold
    /// them, else the file's, else off.
    fn services(
        &mut self,
        services: Option<&file::ServicesEntry>,
        relays: (u16, u16),
        c_dumps: &[DumpInput],
        e_dumps: &[DumpInput],
    ) -> (bool, bool, (u16, u16)) {
        self.written.im_presence = services.and_then(|s| s.im_presence.as_ref()).map(at);
        self.written.turn = services.and_then(|s| s.turn.as_ref()).map(at);
        self.written.turn_relays = services
            .and_then(|s| s.turn_relays.as_ref())
            .map(|w| At::new(relays, span_of(w)));
        dumps::services(c_dumps, e_dumps, &mut self.from_dumps);
        let (written, from) = (&self.written, &self.from_dumps);
        let on = |read: &Option<At<bool>>, written: &Option<At<bool>>| {
            read.as_ref().or(written.as_ref()).is_some_and(|a| a.value)
        };
        (
            on(&from.im_presence, &written.im_presence),
            on(&from.turn, &written.turn),
            from.turn_relays.as_ref().map_or(relays, |r| r.value),
        )
    }
}

/// C's nodes as the dumps give them, with the `gateway` the file gives each: it says
/// which firewall serves C, which a dump cannot tell.
fn with_gateways(mut nodes: Vec<CNode>, written: &[CNode]) -> Vec<CNode> {
    if written.is_empty() {
        return nodes;
    }
    let pairs = compare::pair_up(&compare::c_names(written), &compare::c_names(&nodes));
    for (w, pair) in written.iter().zip(pairs) {
        if let Some(d) = pair {
            nodes[d].gateway = w.gateway.clone();
        }
    }
    nodes
}

/// A traversal peer, resolved: an IPv4 address, or a name `dns` answers.
fn resolve_peer(
    problems: &mut Problems,
    text: At<String>,
    dns: &[(String, Ipv4Addr)],
) -> Option<Peer> {
    let written = text.value.trim().to_string();
    if let Ok(address) = written.parse() {
        return Some(Peer { text, address });
    }
    match dns
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(&written))
    {
        Some((_, address)) => Some(Peer {
            text,
            address: *address,
        }),
        // A peer named both by the file and by a dump it lists is one problem.
        None if problems.0.iter().any(|e| {
            e.message
                .starts_with(&format!("peer `{written}` is neither an IPv4 address"))
        }) =>
        {
            None
        }
        None => {
            let hint = match text.file {
                Some(_) => format!(": add `{written}: ADDRESS` under `dns` (the address Expressway-C's DNS gives for it)"),
                None => String::new(),
            };
            problems.error_at(
                &text,
                format!("peer `{written}` is neither an IPv4 address nor a name in `dns`{hint}"),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "version: 1
firewalls:
  - name: asa-edge
    config: asa.cfg
dns:
  expe.example.com: 64.100.0.10
expressway_c:
  nodes:
    - name: expc1
      address: 10.0.30.2
expressway_e:
  nic: single
  size: medium
  nodes:
    - name: expe1
      lan1: 10.0.10.2/24
      static_nat: 64.100.0.10
traversal_zones:
  - name: UCTraversal
    type: unified-communications
    port: 7003
    peers: [expe.example.com]
";

    fn errors(text: &str) -> Vec<(String, String)> {
        load(text)
            .1
            .into_iter()
            .map(|e| (text[e.span.start..e.span.end].to_string(), e.message))
            .collect()
    }

    #[test]
    fn a_good_file_loads() {
        let (deployment, errors) = load(GOOD);
        assert!(errors.is_empty(), "{errors:?}");
        let d = deployment.unwrap();
        assert_eq!(d.zones[0].peers[0].address, Ipv4Addr::new(64, 100, 0, 10));
        assert_eq!(d.e.nodes[0].lan1.value.prefix, 24);
        assert_eq!(d.e.media_ports, (36000, 59999));
        let (start, end) = (
            d.zones[0].peers[0].text.span.start,
            d.zones[0].peers[0].text.span.end,
        );
        assert_eq!(&GOOD[start..end], "expe.example.com");
    }

    #[test]
    fn a_bad_address_is_pointed_at() {
        let e = errors(&GOOD.replace("address: 10.0.30.2", "address: 10.0.30.300"));
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].0, "10.0.30.300");
    }

    #[test]
    fn an_unknown_peer_is_pointed_at() {
        let e = errors(&GOOD.replace("peers: [expe.example.com]", "peers: [expe.exmaple.com]"));
        assert_eq!(e[0].0, "expe.exmaple.com");
        assert!(e[0].1.contains("not a name in `dns`") || e[0].1.contains("nor a name in `dns`"));
    }

    #[test]
    fn an_unknown_field_is_an_error() {
        let e = errors(&GOOD.replace("  size: medium\n", "  size: medium\n  colour: blue\n"));
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].1.contains("colour"), "{e:?}");
    }

    #[test]
    fn yaml_messages_are_whole_sentences() {
        assert_eq!(
            yaml_message("error: line 9 column 25: budget breached: Nodes { nodes: 250001 }\n  --> x"),
            "the YAML is too large or too deep once its aliases are expanded (limit reached: Nodes { nodes: 250001 }); a deployment file needs no aliases"
        );
        assert_eq!(
            yaml_message("unknown field `x`, expected one of name, config at line 5 column 5"),
            "unknown field `x`, expected one of name, config"
        );
        assert_eq!(
            yaml_message("invalid value: look at line 3 of the manual"),
            "invalid value: look at line 3 of the manual"
        );
    }

    #[test]
    fn duplicate_names_and_large_demux() {
        let text = GOOD
            .replace("    - name: expe1", "    - name: expc1")
            .replace(
                "  size: medium\n",
                "  size: large\n  demux_ports: [2776, 2777]\n",
            );
        let e = errors(&text);
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(
            e.iter()
                .any(|(t, m)| t == "[2776, 2777]" && m.contains("large")),
            "{e:?}"
        );
        assert!(
            e.iter().any(|(t, m)| t == "expc1" && m.contains("twice")),
            "{e:?}"
        );
    }
}
