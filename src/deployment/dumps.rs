//! Deployment facts from the Expressways' `xConfiguration` dumps (`xconfig` under
//! `expressway_c` and `expressway_e`).
//!
//! A side described by dumps takes from them what they hold: its nodes (one dump per
//! node; C's other cluster peers from `Alternates Peer K Address`), E's NIC design,
//! static NAT, gateway and routes, the traversal zones (C's traversal client zones), the
//! media range, the demultiplexing setting, TURN and IM and Presence. A section a dump
//! lacks (partial dumps are normal) comes from the deployment file, and is a DEP001
//! when the file lacks it too. Where the file gives a value a dump also holds, the two
//! must agree: a disagreement is a [`Mismatch`] (DEP002), and the dump's value is used,
//! because it is what the Expressway runs.

use std::collections::BTreeSet;
use std::net::Ipv4Addr;

use serde_saphyr::Spanned;

use super::{
    at, file, At, CNode, ENode, ERoute, ExpresswayE, IfAddr, Nic, Peer, Size, Validator, Zone,
    ZoneType,
};
use crate::source::{FileId, Span};
use crate::xconfig::model::{self, Expressway, Fact, Lan};
use crate::xconfig::syntax::{self, Dump};

pub use crate::xconfig::model::Side;

/// Reads a dump named in the deployment file (the path as written): its file id and
/// text, with secrets already masked; or why it cannot be read.
pub type ReadDump<'r> = dyn FnMut(&str) -> Result<(FileId, String), String> + 'r;

/// One dump the deployment names, read and mapped.
#[derive(Clone, Debug)]
pub struct DumpInput {
    pub file: FileId,
    /// Where the deployment file names it.
    pub entry: At<String>,
    /// The list it is in: `expressway_c` or `expressway_e`.
    pub side: Side,
    pub dump: Dump,
    pub node: Expressway,
}

impl DumpInput {
    /// A fact of this dump as a deployment value.
    pub fn at<T: Clone>(&self, fact: &Fact<T>) -> At<T> {
        At::in_file(fact.value.clone(), fact.span, self.file)
    }

    /// The node's name: its system name or host name, else the dump's file name.
    pub fn name(&self) -> At<String> {
        match self.node.name() {
            Some(name) if !name.value.is_empty() => self.at(name),
            _ => {
                let stem = std::path::Path::new(&self.entry.value)
                    .file_stem()
                    .map_or_else(
                        || self.entry.value.clone(),
                        |s| s.to_string_lossy().into_owned(),
                    );
                At::new(stem, self.entry.span)
            }
        }
    }
}

/// A value the deployment file and a dump both give, and disagree on (DEP002).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    pub message: String,
    /// The deployment file's value.
    pub yaml: Span,
    pub yaml_label: String,
    /// The dump's record.
    pub dump_file: FileId,
    pub dump: Span,
    pub dump_label: String,
}

/// The items of two lists that describe the same thing: by name, then by position.
/// Gives, for each item of `left`, the index of its partner in `right`.
fn pair_up(left: &[String], right: &[String]) -> Vec<Option<usize>> {
    let mut claimed = vec![false; right.len()];
    let mut pairs: Vec<Option<usize>> = left
        .iter()
        .map(|l| {
            let found = right
                .iter()
                .enumerate()
                .position(|(i, r)| !claimed[i] && r.eq_ignore_ascii_case(l));
            if let Some(i) = found {
                claimed[i] = true;
            }
            found
        })
        .collect();
    for (i, pair) in pairs.iter_mut().enumerate() {
        if pair.is_none() && i < right.len() && !claimed[i] {
            claimed[i] = true;
            *pair = Some(i);
        }
    }
    pairs
}

impl Validator<'_> {
    /// A disagreement between the deployment file and a dump.
    fn mismatch<Y, D>(
        &mut self,
        message: String,
        yaml: &At<Y>,
        yaml_label: impl Into<String>,
        dump: &At<D>,
        dump_label: impl Into<String>,
    ) {
        let Some(dump_file) = dump.file else {
            return;
        };
        self.mismatches.push(Mismatch {
            message,
            yaml: yaml.span,
            yaml_label: yaml_label.into(),
            dump_file,
            dump: dump.span,
            dump_label: dump_label.into(),
        });
    }

    /// Reads and maps the dumps a side lists. A dump that cannot be used (unreadable,
    /// holding no record, a video endpoint's, or proven to be from the other side) is a
    /// DEP001 and left out; a value in it that cannot be read is a DEP001 at its record.
    pub(super) fn read_dumps(
        &mut self,
        entries: &[Spanned<String>],
        side: Side,
        read: &mut ReadDump<'_>,
    ) -> Vec<DumpInput> {
        let mut dumps = Vec::new();
        for entry in entries {
            let entry = at(entry);
            let path = entry.value.trim();
            let (file, text) = match read(path) {
                Ok(read) => read,
                Err(reason) => {
                    self.error(
                        entry.span,
                        format!("cannot read the xConfiguration dump `{path}`: {reason}"),
                    );
                    continue;
                }
            };
            let dump = syntax::dump(&text);
            let node = model::read(&dump);
            let input = DumpInput {
                file,
                entry,
                side,
                dump,
                node,
            };
            if self.usable(&input) {
                dumps.push(input);
            }
        }
        dumps
    }

    fn usable(&mut self, input: &DumpInput) -> bool {
        let path = &input.entry.value;
        let listed = match input.side {
            Side::C => "expressway_c",
            Side::E => "expressway_e",
        };
        if input.dump.records.is_empty() {
            self.error(input.entry.span, format!("`{path}` holds no `*c xConfiguration` record: capture the reply to the admin CLI command `xConfiguration` (over SSH)"));
            return false;
        }
        if input.node.endpoint.is_some() {
            self.error(input.entry.span, format!("`{path}` is a video endpoint's configuration (it ends with `** end` or leaves every value unquoted), not an Expressway's"));
            return false;
        }
        if let Some(role) = &input.node.role {
            if role.side != input.side && role.evidence.proves() {
                self.error(
                    input.entry.span,
                    format!(
                        "`{path}` is listed under `{listed}`, but it comes from an {}: {}",
                        role.side.label(),
                        role.reason
                    ),
                );
                return false;
            }
        }
        for problem in &input.node.problems {
            self.error_at(
                &At::in_file((), problem.span, input.file),
                problem.message.clone(),
            );
        }
        true
    }

    /// C's nodes: from the dumps (each dump's LAN1, then the other cluster peers it
    /// lists), or from the file when a dump lacks its interfaces.
    pub(super) fn c_nodes(
        &mut self,
        raw: &file::ExpresswayC,
        yaml: Vec<CNode>,
        dumps: &[DumpInput],
        dns: &[(String, Ipv4Addr)],
    ) -> Vec<CNode> {
        if dumps.is_empty() {
            if yaml.is_empty() && raw.xconfig.is_empty() {
                self.error(
                    Span::default(),
                    "`expressway_c` needs `nodes` or `xconfig` (the nodes' xConfiguration dumps)",
                );
            }
            return yaml;
        }
        let incomplete: Vec<&DumpInput> = dumps
            .iter()
            .filter(|d| d.node.lan1.address.is_none())
            .collect();
        if !incomplete.is_empty() {
            if yaml.is_empty() {
                for d in incomplete {
                    self.missing(d, "`Ethernet 1 IP V4 Address`", "expressway_c.nodes");
                }
            }
            return yaml;
        }
        let mut nodes: Vec<CNode> = dumps
            .iter()
            .filter_map(|d| {
                Some(CNode {
                    name: d.name(),
                    address: d.at(d.node.lan1.address.as_ref()?),
                    // C's default gateway is often a router outside the model: the
                    // firewall interface on C's subnet serves it, as for a node
                    // described without `gateway`.
                    gateway: None,
                })
            })
            .collect();
        for d in dumps {
            let cluster = d
                .node
                .cluster_name
                .as_ref()
                .map_or_else(|| d.name().value, |c| c.value.clone());
            for (k, peer) in d.node.cluster_peers.iter().enumerate() {
                let address = peer.value.trim().parse::<Ipv4Addr>().ok().or_else(|| {
                    dns.iter()
                        .find(|(name, _)| name.eq_ignore_ascii_case(peer.value.trim()))
                        .map(|(_, a)| *a)
                });
                if let Some(address) = address {
                    if !nodes.iter().any(|n| n.address.value == address) {
                        nodes.push(CNode {
                            name: At::in_file(
                                format!("{cluster} peer {}", k + 1),
                                peer.span,
                                d.file,
                            ),
                            address: At::in_file(address, peer.span, d.file),
                            gateway: None,
                        });
                    }
                }
            }
        }
        if !yaml.is_empty() {
            self.compare_c(&yaml, &mut nodes);
        }
        nodes
    }

    /// A section a dump lacks while the file does not give it either.
    fn missing(&mut self, d: &DumpInput, what: &str, field: &str) {
        self.error(
            d.entry.span,
            format!(
                "`{}` has no {what}: capture the full `xConfiguration` output, or give `{field}` in this file",
                d.entry.value
            ),
        );
    }

    fn compare_c(&mut self, yaml: &[CNode], nodes: &mut [CNode]) {
        let names = |n: &[CNode]| n.iter().map(|n| n.name.value.clone()).collect::<Vec<_>>();
        let pairs = pair_up(&names(yaml), &names(nodes));
        for (y, pair) in yaml.iter().zip(&pairs) {
            let Some(d) = pair else {
                let first = &nodes[0];
                self.mismatch(
                    format!(
                        "Expressway-C node `{}` is in this file but in no dump",
                        y.name.value
                    ),
                    &y.name,
                    "not in the dumps",
                    &first.name,
                    format!("the dumps describe {}", names(nodes).join(", ")),
                );
                continue;
            };
            let d = &mut nodes[*d];
            if y.address.value != d.address.value {
                self.mismatch(
                    format!(
                        "Expressway-C `{}`: this file gives address {}, its dump {}",
                        y.name.value, y.address.value, d.address.value
                    ),
                    &y.address,
                    format!("says {}", y.address.value),
                    &d.address,
                    format!("the node's LAN1 is {}", d.address.value),
                );
            }
            // `gateway` says which firewall serves C; the dump cannot tell.
            d.gateway = y.gateway.clone();
        }
        for (i, d) in nodes.iter().enumerate() {
            if !pairs.contains(&Some(i)) {
                self.mismatch(
                    format!(
                        "the dumps describe Expressway-C node `{}` ({}), which this file does not list",
                        d.name.value, d.address.value
                    ),
                    &yaml[0].name,
                    "`expressway_c.nodes` lacks it",
                    &d.address,
                    format!("{} is a node of C", d.address.value),
                );
            }
        }
    }

    /// E from its dumps: the NIC design, the nodes, the media range, the demultiplexing
    /// setting. What the dumps lack stays as the file gives it.
    pub(super) fn e_from_dumps(
        &mut self,
        raw: &file::ExpresswayE,
        e: &mut ExpresswayE,
        dumps: &[DumpInput],
    ) {
        let Some(first) = dumps.first() else {
            return;
        };
        let incomplete: Vec<&DumpInput> = dumps
            .iter()
            .filter(|d| d.node.lan1.address.is_none())
            .collect();
        if incomplete.is_empty() {
            self.e_interfaces(raw, e, dumps);
        } else if e.nodes.is_empty() {
            for d in incomplete {
                self.missing(d, "`Ethernet 1 IP V4 Address`", "expressway_e.nodes");
            }
        } else if raw.nic.is_none() {
            self.missing(first, "interface settings", "expressway_e.nic");
        }
        if let Some(media) = &first.node.media_ports {
            let (lo, hi) = media.value;
            if lo > hi || lo % 2 != 0 {
                self.error_at(
                    &first.at(media),
                    format!("the traversal media range {lo}-{hi} must start on an even port and not end before it"),
                );
            }
            if let Some(written) = &raw.media_ports {
                if e.media_ports != media.value {
                    self.mismatch(
                        format!(
                            "this file gives media ports {}-{}, Expressway-E's dump {lo}-{hi}",
                            e.media_ports.0, e.media_ports.1
                        ),
                        &at(written),
                        "as written",
                        &first.at(media),
                        "E's traversal media range",
                    );
                }
            }
            e.media_ports = media.value;
        }
        self.demux_from_dump(e, first);
    }

    /// E's NIC design and nodes from dumps that all hold their interfaces.
    fn e_interfaces(&mut self, raw: &file::ExpresswayE, e: &mut ExpresswayE, dumps: &[DumpInput]) {
        let first = &dumps[0];
        let modes: Vec<model::NicMode> = dumps.iter().map(|d| d.node.nic()).collect();
        let nic = At::in_file(
            if modes[0].dual {
                Nic::Dual
            } else {
                Nic::Single
            },
            modes[0].span,
            first.file,
        );
        for (d, mode) in dumps.iter().zip(&modes).skip(1) {
            if mode.dual != modes[0].dual {
                self.error(
                    d.entry.span,
                    format!(
                        "the Expressway-E dumps disagree on the NIC design: `{}` is {}, `{}` is {}",
                        first.entry.value,
                        nic_word(modes[0].dual),
                        d.entry.value,
                        nic_word(mode.dual)
                    ),
                );
            }
        }
        if let Some(written) = &raw.nic {
            if written.value != nic.value {
                self.mismatch(
                    format!(
                        "this file says `nic: {}`, but Expressway-E's dump is {}: {}",
                        if written.value == Nic::Dual {
                            "dual"
                        } else {
                            "single"
                        },
                        nic_word(nic.value == Nic::Dual),
                        modes[0].reason
                    ),
                    &at(written),
                    "as written",
                    &nic,
                    "decides the NIC design",
                );
            }
        }
        e.nic = nic;
        let nodes: Vec<ENode> = dumps.iter().filter_map(|d| self.e_node(d)).collect();
        if !e.nodes.is_empty() {
            self.compare_e(&e.nodes, &nodes);
        }
        e.nodes = nodes;
    }

    /// The demultiplexing pair from "Use configured demultiplexing ports" and its RTP and
    /// RTCP ports. A large system ignores the setting (the setting is kept for MRA010).
    fn demux_from_dump(&mut self, e: &mut ExpresswayE, d: &DumpInput) {
        let demux = &d.node.demux;
        let Some(setting) = &demux.use_configured else {
            return;
        };
        let pair = match (setting.value, &demux.rtp, &demux.rtcp) {
            (true, Some(rtp), Some(rtcp)) => {
                Some(At::in_file((rtp.value, rtcp.value), rtp.span, d.file))
            }
            (true, _, _) => {
                self.error_at(&d.at(setting), "\"Use configured demultiplexing ports\" is on, but the dump sets no RTP and RTCP port");
                None
            }
            (false, _, _) => None,
        };
        if let Some(written) = &e.demux_ports {
            let dump = pair.as_ref().map(|p| p.value);
            if Some(written.value) != dump {
                let says = dump.map_or(
                    "\"Use configured demultiplexing ports\" off".into(),
                    |(a, b)| format!("{a}/{b}"),
                );
                let dump_at = pair
                    .as_ref()
                    .map_or_else(|| d.at(setting).map_unit(), |p| p.map_unit_ref());
                self.mismatch(
                    format!(
                        "this file gives demux ports {}/{}, Expressway-E's dump {says}",
                        written.value.0, written.value.1
                    ),
                    written,
                    "as written",
                    &dump_at,
                    "E's demultiplexing setting",
                );
            }
        }
        e.demux_setting = Some(d.at(setting));
        e.demux_ports = match (e.size_given, e.size.value) {
            (true, Size::Large) => None,
            _ => pair,
        };
    }

    /// One E node from its dump: LAN1 the internal interface, LAN2 the external one (with
    /// dual NIC; an external LAN1 with LAN2 in use is described swapped, design §4).
    fn e_node(&mut self, d: &DumpInput) -> Option<ENode> {
        let x = &d.node;
        let nic = x.nic();
        let (internal, external) = x.internal_external();
        let lan1 = self.if_addr_of(d, x.lan(internal))?;
        let lan2 = if nic.dual {
            let lan2 = self.if_addr_of(d, x.lan(external));
            if lan2.is_none() {
                self.error_at(
                    &At::in_file((), nic.span, d.file),
                    format!(
                        "the external interface {} has no IPv4 address",
                        external.label()
                    ),
                );
            }
            lan2
        } else {
            None
        };
        if let (Some(mode), None) = (x.lan(external).nat_on(), x.static_nat()) {
            self.error_at(
                &d.at(mode),
                "static NAT mode is on, but no static NAT address is set",
            );
        }
        Some(ENode {
            name: d.name(),
            lan1,
            lan2,
            static_nat: x.static_nat().map(|n| d.at(n)),
            gateway: x.gateway.as_ref().map(|g| d.at(g)),
            routes: x
                .routes
                .iter()
                .map(|r| ERoute {
                    network: r.network.value,
                    prefix: r.prefix,
                    gateway: r.gateway.value,
                    span: r.network.span,
                    file: Some(d.file),
                })
                .collect(),
        })
    }

    fn if_addr_of(&mut self, d: &DumpInput, lan: &Lan) -> Option<At<IfAddr>> {
        let address = lan.address.as_ref()?;
        let prefix = lan.prefix.as_ref().map_or(32, |p| p.value);
        Some(At::in_file(
            IfAddr {
                address: address.value,
                prefix,
            },
            address.span,
            d.file,
        ))
    }

    fn compare_e(&mut self, yaml: &[ENode], nodes: &[ENode]) {
        let names = |n: &[ENode]| n.iter().map(|n| n.name.value.clone()).collect::<Vec<_>>();
        let pairs = pair_up(&names(yaml), &names(nodes));
        for (y, pair) in yaml.iter().zip(&pairs) {
            let Some(d) = pair else {
                self.mismatch(
                    format!(
                        "Expressway-E node `{}` is in this file but in no dump",
                        y.name.value
                    ),
                    &y.name,
                    "not in the dumps",
                    &nodes[0].name,
                    format!("the dumps describe {}", names(nodes).join(", ")),
                );
                continue;
            };
            self.compare_e_node(y, &nodes[*d]);
        }
        for (i, d) in nodes.iter().enumerate() {
            if !pairs.contains(&Some(i)) {
                self.mismatch(
                    format!(
                        "the dumps describe Expressway-E node `{}`, which this file does not list",
                        d.name.value
                    ),
                    &yaml[0].name,
                    "`expressway_e.nodes` lacks it",
                    &d.lan1,
                    format!("{} is a node of E", d.lan1.value.address),
                );
            }
        }
    }

    fn compare_e_node(&mut self, y: &ENode, d: &ENode) {
        let name = &y.name.value;
        for (what, written, read) in [
            ("lan1", Some(&y.lan1), Some(&d.lan1)),
            ("lan2", y.lan2.as_ref(), d.lan2.as_ref()),
        ] {
            match (written, read) {
                (Some(w), Some(r)) => {
                    let prefix_written = self.text.get(w.span.start..w.span.end).is_some_and(|t| t.contains('/'));
                    let differs = w.value.address != r.value.address
                        || (prefix_written && w.value.prefix != r.value.prefix);
                    if differs {
                        self.mismatch(
                            format!("Expressway-E `{name}`: this file gives `{what}: {}`, its dump {}/{}", self.quote(w.span), r.value.address, r.value.prefix),
                            w,
                            "as written",
                            r,
                            format!("the dump's {}", if what == "lan1" { "internal interface" } else { "external interface" }),
                        );
                    }
                }
                (Some(w), None) => self.mismatch(
                    format!("Expressway-E `{name}`: this file gives `{what}`, but its dump has no such interface in use"),
                    w,
                    "as written",
                    &d.lan1,
                    "the only interface in use",
                ),
                (None, Some(r)) => self.mismatch(
                    format!("Expressway-E `{name}`: its dump uses a second interface ({}), which this file leaves out", r.value.address),
                    &y.name,
                    "no `lan2`",
                    r,
                    "the external interface",
                ),
                (None, None) => {}
            }
        }
        match (&y.static_nat, &d.static_nat) {
            (Some(w), Some(r)) if w.value != r.value => self.mismatch(
                format!("Expressway-E `{name}`: this file gives static NAT {}, its dump {}", w.value, r.value),
                w,
                "as written",
                r,
                "E's static NAT address",
            ),
            (Some(w), None) => self.mismatch(
                format!("Expressway-E `{name}`: this file gives static NAT {}, but static NAT is off in its dump", w.value),
                w,
                "as written",
                &d.lan1,
                "no static NAT on this node",
            ),
            (None, Some(r)) => self.mismatch(
                format!("Expressway-E `{name}`: its dump has static NAT {}, which this file leaves out", r.value),
                &y.name,
                "no `static_nat`",
                r,
                "E's static NAT address",
            ),
            _ => {}
        }
        if let (Some(w), Some(r)) = (&y.gateway, &d.gateway) {
            if w.value != r.value {
                self.mismatch(
                    format!(
                        "Expressway-E `{name}`: this file gives gateway {}, its dump {}",
                        w.value, r.value
                    ),
                    w,
                    "as written",
                    r,
                    "E's default gateway",
                );
            }
        }
        let routes = |n: &ENode| -> BTreeSet<(Ipv4Addr, u8, Ipv4Addr)> {
            n.routes
                .iter()
                .map(|r| (r.network, r.prefix, r.gateway))
                .collect()
        };
        if !y.routes.is_empty() && routes(y) != routes(d) {
            let first = &y.routes[0];
            let show = |n: &ENode| {
                let list: Vec<String> = routes(n)
                    .iter()
                    .map(|(a, p, g)| format!("{a}/{p} via {g}"))
                    .collect();
                if list.is_empty() {
                    "none".to_string()
                } else {
                    list.join(", ")
                }
            };
            let dump_at = d.routes.first().map_or_else(
                || d.lan1.clone().map_unit(),
                |r| At {
                    value: (),
                    span: r.span,
                    file: r.file,
                },
            );
            self.mismatch(
                format!(
                    "Expressway-E `{name}`: this file gives routes {}, its dump {}",
                    show(y),
                    show(d)
                ),
                &At::new((), first.span),
                "as written",
                &dump_at,
                "E's static routes",
            );
        }
    }

    /// The text of a span of the deployment file.
    fn quote(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or_default()
    }

    /// The traversal zones: C's traversal client zones when a C dump has them (zones
    /// replicate across a cluster, so the first such dump is read), else the file's.
    pub(super) fn zones(
        &mut self,
        yaml: Vec<Zone>,
        dumps: &[DumpInput],
        dns: &[(String, Ipv4Addr)],
    ) -> Vec<Zone> {
        let Some(first) = dumps.first() else {
            return yaml;
        };
        let source = dumps.iter().find(|d| {
            d.node
                .zones_of(model::ZoneType::TraversalClient)
                .next()
                .is_some()
        });
        let Some(d) = source else {
            if yaml.is_empty() {
                self.missing(
                    first,
                    "traversal client zone (`Zones Zone N Type: \"TraversalClient\"`)",
                    "traversal_zones",
                );
            }
            return yaml;
        };
        let zones: Vec<Zone> = d
            .node
            .zones_of(model::ZoneType::TraversalClient)
            .filter_map(|z| self.zone_from(d, z, dns))
            .collect();
        if !yaml.is_empty() {
            self.compare_zones(&yaml, &zones);
        }
        zones
    }

    fn zone_from(
        &mut self,
        d: &DumpInput,
        z: &model::Zone,
        dns: &[(String, Ipv4Addr)],
    ) -> Option<Zone> {
        let name = match &z.name {
            Some(name) => d.at(name),
            None => At::in_file(z.label(), z.zone_type.span, d.file),
        };
        let zone_type = match &z.edge {
            Some(edge) => At::in_file(
                if edge.value {
                    ZoneType::UnifiedCommunications
                } else {
                    ZoneType::B2b
                },
                edge.span,
                d.file,
            ),
            None => At::in_file(ZoneType::B2b, z.zone_type.span, d.file),
        };
        let Some(port) = &z.sip_port else {
            self.error_at(
                &At::in_file((), z.zone_type.span, d.file),
                format!("traversal client zone `{}` has no `SIP Port`", name.value),
            );
            return None;
        };
        let peers: Vec<Peer> = z
            .peers
            .iter()
            .filter_map(|p| self.peer(d.at(p), dns))
            .collect();
        Some(Zone {
            name,
            zone_type,
            port: d.at(port),
            peers,
        })
    }

    fn compare_zones(&mut self, yaml: &[Zone], zones: &[Zone]) {
        let mut paired = vec![false; zones.len()];
        for y in yaml {
            let partner = zones
                .iter()
                .position(|z| z.port.value == y.port.value)
                .or_else(|| {
                    zones
                        .iter()
                        .position(|z| z.name.value.eq_ignore_ascii_case(&y.name.value))
                });
            let Some(i) = partner else {
                let ports: Vec<String> = zones.iter().map(|z| z.port.value.to_string()).collect();
                if let Some(z) = zones.first() {
                    self.mismatch(
                        format!("traversal zone `{}` uses port {} in this file, but no traversal client zone in C's dump does (they use {})", y.name.value, y.port.value, ports.join(", ")),
                        &y.port,
                        "as written",
                        &z.port,
                        "C's traversal client zone",
                    );
                }
                continue;
            };
            paired[i] = true;
            let z = &zones[i];
            if z.port.value != y.port.value {
                self.mismatch(
                    format!(
                        "traversal zone `{}`: this file gives port {}, C's dump {}",
                        y.name.value, y.port.value, z.port.value
                    ),
                    &y.port,
                    "as written",
                    &z.port,
                    "the zone's SIP port",
                );
            }
            if z.zone_type.value != y.zone_type.value {
                self.mismatch(
                    format!(
                        "traversal zone `{}`: this file gives type {}, but Collaboration Edge is {} in C's dump",
                        y.name.value,
                        type_word(y.zone_type.value),
                        if z.zone_type.value == ZoneType::UnifiedCommunications { "on (unified-communications)" } else { "off (b2b)" }
                    ),
                    &y.zone_type,
                    "as written",
                    &z.zone_type,
                    "decides the zone's type",
                );
            }
            let texts = |zone: &Zone| -> BTreeSet<String> {
                zone.peers
                    .iter()
                    .map(|p| p.text.value.trim().to_ascii_lowercase())
                    .collect()
            };
            if texts(y) != texts(z) {
                let list = |zone: &Zone| {
                    zone.peers
                        .iter()
                        .map(|p| p.text.value.trim().to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let yaml_at = y
                    .peers
                    .first()
                    .map_or_else(|| y.name.clone().map_unit(), |p| p.text.clone().map_unit());
                let dump_at = z
                    .peers
                    .first()
                    .map_or_else(|| z.name.clone().map_unit(), |p| p.text.clone().map_unit());
                self.mismatch(
                    format!(
                        "traversal zone `{}`: this file gives peers [{}], C's dump [{}]",
                        y.name.value,
                        list(y),
                        list(z)
                    ),
                    &yaml_at,
                    "as written",
                    &dump_at,
                    "the zone's peer address",
                );
            }
        }
        for (z, paired) in zones.iter().zip(paired) {
            if !paired {
                self.mismatch(
                    format!("C's dump has traversal client zone `{}` (port {}), which `traversal_zones` does not list", z.name.value, z.port.value),
                    &yaml[0].name,
                    "`traversal_zones` lacks it",
                    &z.port,
                    "a traversal client zone of C",
                );
            }
        }
    }

    /// IM and Presence, TURN and the TURN relay range: the dumps' values where they hold
    /// them (`SIP Domain N Edgexmpp` on C, `Traversal Server TURN …` on E), else the
    /// file's, else off.
    pub(super) fn services(
        &mut self,
        services: Option<&file::ServicesEntry>,
        relays: (u16, u16),
        c_dumps: &[DumpInput],
        e_dumps: &[DumpInput],
    ) -> (bool, bool, (u16, u16)) {
        let written_im = services.and_then(|s| s.im_presence.as_ref()).map(at);
        let written_turn = services.and_then(|s| s.turn.as_ref()).map(at);
        let dump_im = c_dumps
            .iter()
            .find_map(|d| Some(d.at(d.node.im_presence.as_ref()?)));
        let e = e_dumps.first();
        let dump_turn = e.and_then(|d| Some(d.at(d.node.turn.mode.as_ref()?)));
        for (what, written, read) in [
            ("im_presence", &written_im, &dump_im),
            ("turn", &written_turn, &dump_turn),
        ] {
            if let (Some(w), Some(r)) = (written, read) {
                if w.value != r.value {
                    self.mismatch(
                        format!(
                            "this file says `{what}: {}`, the dumps say {}",
                            w.value,
                            if r.value { "on" } else { "off" }
                        ),
                        w,
                        "as written",
                        r,
                        "as configured",
                    );
                }
            }
        }
        let dump_relays = e.and_then(|d| {
            let (lo, hi) = d.node.turn.relays.as_ref()?;
            Some(At::in_file(
                (lo.value, hi.value),
                lo.span.to(hi.span),
                d.file,
            ))
        });
        let relays = match (services.and_then(|s| s.turn_relays.as_ref()), dump_relays) {
            (Some(w), Some(r)) => {
                if relays != r.value {
                    self.mismatch(
                        format!(
                            "this file gives TURN relays {}-{}, Expressway-E's dump {}-{}",
                            relays.0, relays.1, r.value.0, r.value.1
                        ),
                        &at(w),
                        "as written",
                        &r,
                        "E's TURN relay range",
                    );
                }
                r.value
            }
            (None, Some(r)) => r.value,
            _ => relays,
        };
        let im = dump_im.or(written_im).is_some_and(|a| a.value);
        let turn = dump_turn.or(written_turn).is_some_and(|a| a.value);
        (im, turn, relays)
    }
}

fn nic_word(dual: bool) -> &'static str {
    if dual {
        "dual NIC"
    } else {
        "single NIC"
    }
}

fn type_word(zone_type: ZoneType) -> &'static str {
    match zone_type {
        ZoneType::UnifiedCommunications => "unified-communications",
        ZoneType::B2b => "b2b",
    }
}

impl<T> At<T> {
    /// The same place, without the value.
    fn map_unit(self) -> At<()> {
        At {
            value: (),
            span: self.span,
            file: self.file,
        }
    }

    fn map_unit_ref(&self) -> At<()> {
        At {
            value: (),
            span: self.span,
            file: self.file,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{load, load_with, Loaded};
    use super::*;

    const E: &str = r#"*c xConfiguration Ethernet 1 IP V4 Address: "10.0.10.2"
*c xConfiguration Ethernet 1 IP V4 StaticNAT Address: "64.100.0.10"
*c xConfiguration Ethernet 1 IP V4 StaticNAT Mode: "On"
*c xConfiguration Ethernet 1 IP V4 SubnetMask: "255.255.255.0"
*c xConfiguration Ethernet 2 IP V4 Address: "192.168.0.100"
*c xConfiguration IP External Interface: "LAN1"
*c xConfiguration IP Gateway: "10.0.10.1"
*c xConfiguration SystemUnit Name: "expe1"
*c xConfiguration Traversal Media Port End: "59999"
*c xConfiguration Traversal Media Port Start: "36000"
*c xConfiguration Traversal Server Media Demultiplexing UseConfiguredDemuxPorts: "Off"
*c xConfiguration Zones Zone 1 Name: "UCTraversal"
*c xConfiguration Zones Zone 1 TraversalServer Collaboration Edge: "On"
*c xConfiguration Zones Zone 1 TraversalServer SIP Port: "7003"
*c xConfiguration Zones Zone 1 Type: "TraversalServer"
OK
"#;

    const C: &str = r#"*c xConfiguration Ethernet 1 IP V4 Address: "10.0.30.2"
*c xConfiguration Ethernet 1 IP V4 SubnetMask: "255.255.255.0"
*c xConfiguration SystemUnit Name: "expc1"
*c xConfiguration Zones Zone 2 Name: "UCTraversal"
*c xConfiguration Zones Zone 2 TraversalClient Authentication Password: "{cipher}c2VjcmV0"
*c xConfiguration Zones Zone 2 TraversalClient Collaboration Edge: "On"
*c xConfiguration Zones Zone 2 TraversalClient Peer 1 Address: "expe.example.com"
*c xConfiguration Zones Zone 2 TraversalClient Peer 2 Address: 
*c xConfiguration Zones Zone 2 TraversalClient SIP Port: "7003"
*c xConfiguration Zones Zone 2 Type: "TraversalClient"
OK
"#;

    const DUMPS_ONLY: &str = "version: 1
firewalls:
  - name: asa-edge
    config: asa.cfg
dns:
  expe.example.com: 64.100.0.10
expressway_c:
  xconfig: [expc1.txt]
expressway_e:
  xconfig: [expe1.txt]
  size: medium
";

    const BY_HAND: &str = "version: 1
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
      gateway: 10.0.10.1
traversal_zones:
  - name: UCTraversal
    type: unified-communications
    port: 7003
    peers: [expe.example.com]
";

    /// Loads with dumps from memory: `expc1.txt` → file 1, `expe1.txt` → file 2.
    fn with_dumps(text: &str, c: &str, e: &str) -> Loaded {
        load_with(text, &mut |path| match path {
            "expc1.txt" => Ok((FileId(1), crate::xconfig::redact_secrets(c))),
            "expe1.txt" => Ok((FileId(2), e.to_string())),
            other => Err(format!("no file `{other}`")),
        })
    }

    #[test]
    fn dumps_describe_what_the_file_would() {
        let loaded = with_dumps(DUMPS_ONLY, C, E);
        assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
        assert!(loaded.mismatches.is_empty(), "{:?}", loaded.mismatches);
        let from_dumps = loaded.deployment.unwrap();
        let (by_hand, errors) = load(BY_HAND);
        assert!(errors.is_empty(), "{errors:?}");
        let by_hand = by_hand.unwrap();
        let c = (&from_dumps.c_nodes[0], &by_hand.c_nodes[0]);
        assert_eq!(c.0.name.value, c.1.name.value);
        assert_eq!(c.0.address.value, c.1.address.value);
        assert_eq!(c.0.address.file, Some(FileId(1)));
        let e = (&from_dumps.e, &by_hand.e);
        assert_eq!(e.0.nic.value, e.1.nic.value);
        assert_eq!(e.0.nodes[0].lan1.value, e.1.nodes[0].lan1.value);
        assert_eq!(e.0.nodes[0].lan2, None);
        let nat = e.0.nodes[0].static_nat.as_ref().unwrap();
        assert_eq!(nat.value, e.1.nodes[0].static_nat.as_ref().unwrap().value);
        assert!(E[nat.span.start..nat.span.end].contains("StaticNAT Address"));
        assert_eq!(
            e.0.nodes[0].gateway.as_ref().map(|g| g.value),
            e.1.nodes[0].gateway.as_ref().map(|g| g.value)
        );
        assert_eq!(e.0.media_ports, e.1.media_ports);
        assert_eq!(e.0.demux_ports, None);
        assert!(e.0.demux_setting.as_ref().is_some_and(|s| !s.value));
        let z = (&from_dumps.zones[0], &by_hand.zones[0]);
        assert_eq!(z.0.name.value, z.1.name.value);
        assert_eq!(z.0.zone_type.value, z.1.zone_type.value);
        assert_eq!(z.0.port.value, z.1.port.value);
        assert_eq!(z.0.peers.len(), 1);
        assert_eq!(z.0.peers[0].address, z.1.peers[0].address);
        assert_eq!(z.0.peers[0].text.file, Some(FileId(1)));
        assert_eq!(loaded.dumps.len(), 2);
        assert_eq!(loaded.dumps[0].side, Side::C);
    }

    #[test]
    fn a_value_in_both_must_agree_and_the_dump_wins() {
        let text = BY_HAND
            .replace("expressway_c:\n", "expressway_c:\n  xconfig: [expc1.txt]\n")
            .replace(
                "  size: medium\n",
                "  size: medium\n  xconfig: [expe1.txt]\n",
            )
            .replace("static_nat: 64.100.0.10", "static_nat: 64.100.0.11")
            .replace("port: 7003", "port: 7001");
        let loaded = with_dumps(&text, C, E);
        assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
        let messages: Vec<&str> = loaded
            .mismatches
            .iter()
            .map(|m| m.message.as_str())
            .collect();
        assert_eq!(loaded.mismatches.len(), 2, "{messages:?}");
        let nat = loaded
            .mismatches
            .iter()
            .find(|m| m.message.contains("static NAT"))
            .unwrap();
        assert_eq!(&text[nat.yaml.start..nat.yaml.end], "64.100.0.11");
        assert_eq!(nat.dump_file, FileId(2));
        assert!(E[nat.dump.start..nat.dump.end].contains("StaticNAT Address: \"64.100.0.10\""));
        let port = loaded
            .mismatches
            .iter()
            .find(|m| m.message.contains("7001"))
            .unwrap();
        assert_eq!(&text[port.yaml.start..port.yaml.end], "7001");
        assert_eq!(port.dump_file, FileId(1));
        let d = loaded.deployment.unwrap();
        assert_eq!(
            d.e.nodes[0].static_nat.as_ref().unwrap().value,
            Ipv4Addr::new(64, 100, 0, 10)
        );
        assert_eq!(d.zones[0].port.value, 7003);
    }

    #[test]
    fn every_field_in_both_is_compared() {
        let text = BY_HAND
            .replace("expressway_c:\n", "expressway_c:\n  xconfig: [expc1.txt]\n")
            .replace(
                "  size: medium\n",
                "  size: medium\n  xconfig: [expe1.txt]\n  media_ports: 36000-59000\n",
            )
            .replace("address: 10.0.30.2", "address: 10.0.30.3")
            .replace("nic: single", "nic: dual")
            .replace(
                "      static_nat: 64.100.0.10\n",
                "      lan2: 10.0.40.2/24\n      static_nat: 64.100.0.10\n",
            )
            .replace("gateway: 10.0.10.1", "gateway: 10.0.10.254")
            .replace("type: unified-communications", "type: b2b")
            .replace("peers: [expe.example.com]", "peers: [64.100.0.10]");
        let loaded = with_dumps(&text, C, E);
        assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
        let messages: Vec<&str> = loaded
            .mismatches
            .iter()
            .map(|m| m.message.as_str())
            .collect();
        for expected in [
            "Expressway-C `expc1`: this file gives address 10.0.30.3, its dump 10.0.30.2",
            "this file says `nic: dual`, but Expressway-E's dump is single NIC",
            "its dump has no such interface in use",
            "this file gives gateway 10.0.10.254, its dump 10.0.10.1",
            "this file gives media ports 36000-59000, Expressway-E's dump 36000-59999",
            "this file gives type b2b, but Collaboration Edge is on (unified-communications)",
            "this file gives peers [64.100.0.10], C's dump [expe.example.com]",
        ] {
            assert!(
                messages.iter().any(|m| m.contains(expected)),
                "no mismatch `{expected}` in {messages:#?}"
            );
        }
        assert_eq!(messages.len(), 7, "{messages:#?}");
        for m in &loaded.mismatches {
            assert!(
                m.yaml.end <= text.len() && m.yaml.start < m.yaml.end,
                "{m:?}"
            );
        }
    }

    #[test]
    fn a_dump_under_the_wrong_side_is_refused() {
        let loaded = with_dumps(&DUMPS_ONLY.replace("[expc1.txt]", "[expe1.txt]"), C, E);
        let errors: Vec<&str> = loaded.errors.iter().map(|e| e.message.as_str()).collect();
        assert!(
            errors
                .iter()
                .any(|e| e
                    .contains("listed under `expressway_c`, but it comes from an Expressway-E")),
            "{errors:?}"
        );
    }

    #[test]
    fn unreadable_empty_and_endpoint_dumps_are_errors_at_their_entry() {
        let text = DUMPS_ONLY.replace("[expc1.txt]", "[missing.txt]");
        let loaded = with_dumps(&text, C, E);
        let e = &loaded.errors[0];
        assert_eq!(&text[e.span.start..e.span.end], "missing.txt");
        assert!(e.message.contains("cannot read"), "{}", e.message);
        let loaded = with_dumps(DUMPS_ONLY, "admin> xconfiguration\nOK\n", E);
        assert!(loaded.errors[0]
            .message
            .contains("holds no `*c xConfiguration` record"));
        let endpoint = "*c xConfiguration Audio Volume: 50\n** end\n";
        let loaded = with_dumps(DUMPS_ONLY, endpoint, E);
        assert!(loaded.errors[0].message.contains("video endpoint"));
    }

    #[test]
    fn an_unresolved_peer_points_into_the_dump_with_the_fix() {
        let loaded = with_dumps(
            &DUMPS_ONLY.replace(
                "  expe.example.com: 64.100.0.10\n",
                "  other.example.com: 64.100.0.10\n",
            ),
            C,
            E,
        );
        let e = &loaded.errors[0];
        assert_eq!(e.file, Some(FileId(1)));
        assert!(C[e.span.start..e.span.end].contains("Peer 1 Address"));
        assert!(
            e.message
                .contains("add `expe.example.com: ADDRESS` under `dns`"),
            "{}",
            e.message
        );
    }

    #[test]
    fn size_may_be_left_out_only_with_dumps() {
        let loaded = with_dumps(&DUMPS_ONLY.replace("  size: medium\n", ""), C, E);
        assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
        assert!(!loaded.deployment.unwrap().e.size_given);
        let (_, errors) = load(&BY_HAND.replace("  size: medium\n", ""));
        assert!(
            errors[0]
                .message
                .contains("`expressway_e.size` is required"),
            "{errors:?}"
        );
    }

    #[test]
    fn a_partial_dump_leaves_the_section_to_the_file() {
        let zones_only = "*c xConfiguration Zones Zone 1 Type: \"TraversalServer\"\n*c xConfiguration Zones Zone 1 TraversalServer SIP Port: \"7003\"\n";
        let text = BY_HAND.replace(
            "  size: medium\n",
            "  size: medium\n  xconfig: [expe1.txt]\n",
        );
        let loaded = with_dumps(&text, C, zones_only);
        assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
        assert_eq!(loaded.deployment.unwrap().e.nodes[0].lan1.file, None);
        let loaded = with_dumps(DUMPS_ONLY, C, zones_only);
        assert!(
            loaded.errors[0]
                .message
                .contains("has no `Ethernet 1 IP V4 Address`"),
            "{:?}",
            loaded.errors
        );
    }
}
