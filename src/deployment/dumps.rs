//! Deployment values from the Expressways' `xConfiguration` dumps (`xconfig` under
//! `expressway_c` and `expressway_e`): reading the dumps a deployment file names, and
//! deriving from them what they hold.
//!
//! A side described by dumps takes from them what they hold: its nodes (one dump per
//! node; C's other cluster peers from `Alternates Peer K Address`), E's NIC design,
//! static NAT, gateway and routes, the traversal zones (C's traversal client zones), the
//! media range, the demultiplexing setting, TURN and IM and Presence. A section a dump
//! lacks (partial dumps are normal) is `None` here and comes from the deployment file,
//! and is a DEP001 when the file lacks it too. Where the file gives a value a dump also
//! holds, [`super::compare`] checks that the two agree (DEP002).

use std::net::Ipv4Addr;

use serde_saphyr::Spanned;

use super::compare::{nic_word, Demux, FromDumps, NicDesign};
use super::{
    at, file, resolve_peer, At, CNode, ENode, ERoute, IfAddr, Nic, Problems, Zone, ZoneService,
};
use crate::source::{FileId, Span};
use crate::xconfig::model::{self, Expressway, Lan, Recorded};
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
    /// A value recorded in this dump as a deployment value (located in this dump's file).
    pub fn at<T: Clone>(&self, recorded: &Recorded<T>) -> At<T> {
        At::in_file(recorded.value.clone(), recorded.span, self.file)
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

/// Reads and maps the dumps a side lists. A dump that cannot be used (unreadable,
/// holding no record, a video endpoint's, or proven to be from the other side) is a
/// DEP001 and left out; a value in it that cannot be read is a DEP001 at its record.
pub(super) fn read_dumps(
    problems: &mut Problems,
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
                problems.error(
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
        if usable(problems, &input) {
            dumps.push(input);
        }
    }
    dumps
}

fn usable(problems: &mut Problems, input: &DumpInput) -> bool {
    let path = &input.entry.value;
    let listed = match input.side {
        Side::C => "expressway_c",
        Side::E => "expressway_e",
    };
    if input.dump.records.is_empty() {
        problems.error(input.entry.span, format!("`{path}` holds no `*c xConfiguration` record: capture the reply to the admin CLI command `xConfiguration` (over SSH)"));
        return false;
    }
    if input.node.endpoint.is_some() {
        problems.error(input.entry.span, format!("`{path}` is a video endpoint's configuration (it ends with `** end` or leaves every value unquoted), not an Expressway's"));
        return false;
    }
    if let Some(role) = &input.node.role {
        if role.side != input.side && role.evidence.proves() {
            problems.error(
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
        problems.error_at(
            &At::in_file((), problem.span, input.file),
            problem.message.clone(),
        );
    }
    true
}

/// A section a dump lacks while the file does not give it either.
fn missing(problems: &mut Problems, d: &DumpInput, what: &str, field: &str) {
    problems.error(
        d.entry.span,
        format!(
            "`{}` has no {what}: capture the full `xConfiguration` output, or give `{field}` in this file",
            d.entry.value
        ),
    );
}

/// C's nodes from its dumps: each dump's LAN1, then the other cluster peers it lists;
/// `None` when there are no dumps or one lacks its interfaces (the file's nodes are
/// used). `written` tells whether the file lists nodes.
pub(super) fn c_nodes(
    problems: &mut Problems,
    raw: &file::ExpresswayC,
    written: bool,
    dumps: &[DumpInput],
    dns: &[(String, Ipv4Addr)],
) -> Option<Vec<CNode>> {
    if dumps.is_empty() {
        if !written && raw.xconfig.is_empty() {
            problems.error(
                Span::default(),
                "`expressway_c` needs `nodes` or `xconfig` (the nodes' xConfiguration dumps)",
            );
        }
        return None;
    }
    let incomplete: Vec<&DumpInput> = dumps
        .iter()
        .filter(|d| d.node.lan1.address.is_none())
        .collect();
    if !incomplete.is_empty() {
        if !written {
            for d in incomplete {
                missing(
                    problems,
                    d,
                    "`Ethernet 1 IP V4 Address`",
                    "expressway_c.nodes",
                );
            }
        }
        return None;
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
                        name: At::in_file(format!("{cluster} peer {}", k + 1), peer.span, d.file),
                        address: At::in_file(address, peer.span, d.file),
                        gateway: None,
                    });
                }
            }
        }
    }
    Some(nodes)
}

/// What E's dumps hold: the NIC design and the nodes (when every dump holds its
/// interfaces), the media range and the demultiplexing setting (from the first dump).
/// `written_nodes` and `written_nic` tell what the file gives, for the DEP001 when
/// neither says it.
pub(super) fn e_from_dumps(
    problems: &mut Problems,
    written_nodes: bool,
    written_nic: bool,
    dumps: &[DumpInput],
    from: &mut FromDumps,
) {
    let Some(first) = dumps.first() else {
        return;
    };
    let incomplete: Vec<&DumpInput> = dumps
        .iter()
        .filter(|d| d.node.lan1.address.is_none())
        .collect();
    if incomplete.is_empty() {
        from.nic = Some(e_nic(problems, dumps));
        from.e_nodes = Some(dumps.iter().filter_map(|d| e_node(problems, d)).collect());
    } else if !written_nodes {
        for d in incomplete {
            missing(
                problems,
                d,
                "`Ethernet 1 IP V4 Address`",
                "expressway_e.nodes",
            );
        }
    } else if !written_nic {
        missing(problems, first, "interface settings", "expressway_e.nic");
    }
    if let Some(media) = &first.node.media_ports {
        let (lo, hi) = media.value;
        if lo > hi || lo % 2 != 0 {
            problems.error_at(
                &first.at(media),
                format!("the traversal media range {lo}-{hi} must start on an even port and not end before it"),
            );
        }
        from.media_ports = Some(first.at(media));
    }
    from.demux = demux(problems, first);
}

/// E's NIC design from dumps that all hold their interfaces: the first dump's, with a
/// DEP001 for each dump that disagrees.
fn e_nic(problems: &mut Problems, dumps: &[DumpInput]) -> NicDesign {
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
            problems.error(
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
    NicDesign {
        nic,
        reason: modes[0].reason.clone(),
    }
}

/// "Use configured demultiplexing ports" and its RTP and RTCP ports, when the dump
/// holds the setting.
fn demux(problems: &mut Problems, d: &DumpInput) -> Option<Demux> {
    let demux = &d.node.demux;
    let setting = demux.use_configured.as_ref()?;
    let pair = match (setting.value, &demux.rtp, &demux.rtcp) {
        (true, Some(rtp), Some(rtcp)) => {
            Some(At::in_file((rtp.value, rtcp.value), rtp.span, d.file))
        }
        (true, _, _) => {
            problems.error_at(&d.at(setting), "\"Use configured demultiplexing ports\" is on, but the dump sets no RTP and RTCP port");
            None
        }
        (false, _, _) => None,
    };
    Some(Demux {
        setting: d.at(setting),
        pair,
    })
}

/// One E node from its dump: LAN1 the internal interface, LAN2 the external one (with
/// dual NIC; an external LAN1 with LAN2 in use is described swapped, see
/// docs/xconfiguration.md#nic-design).
fn e_node(problems: &mut Problems, d: &DumpInput) -> Option<ENode> {
    let x = &d.node;
    let nic = x.nic();
    let (internal, external) = x.internal_external();
    let lan1 = if_addr_of(d, x.lan(internal))?;
    let lan2 = if nic.dual {
        let lan2 = if_addr_of(d, x.lan(external));
        if lan2.is_none() {
            problems.error_at(
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
        problems.error_at(
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

fn if_addr_of(d: &DumpInput, lan: &Lan) -> Option<At<IfAddr>> {
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

/// The traversal zones: C's traversal client zones when a C dump has them (zones
/// replicate across a cluster, so the first such dump is read); `None` otherwise (the
/// file's are used). `written` tells whether the file lists zones.
pub(super) fn zones(
    problems: &mut Problems,
    written: bool,
    dumps: &[DumpInput],
    dns: &[(String, Ipv4Addr)],
) -> Option<Vec<Zone>> {
    let first = dumps.first()?;
    let source = dumps.iter().find(|d| {
        d.node
            .zones_of(model::ZoneType::TraversalClient)
            .next()
            .is_some()
    });
    let Some(d) = source else {
        if !written {
            missing(
                problems,
                first,
                "traversal client zone (`Zones Zone N Type: \"TraversalClient\"`)",
                "traversal_zones",
            );
        }
        return None;
    };
    Some(
        d.node
            .zones_of(model::ZoneType::TraversalClient)
            .filter_map(|z| zone_from(problems, d, z, dns))
            .collect(),
    )
}

fn zone_from(
    problems: &mut Problems,
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
                ZoneService::UnifiedCommunications
            } else {
                ZoneService::B2b
            },
            edge.span,
            d.file,
        ),
        None => At::in_file(ZoneService::B2b, z.zone_type.span, d.file),
    };
    let Some(port) = &z.sip_port else {
        problems.error_at(
            &At::in_file((), z.zone_type.span, d.file),
            format!("traversal client zone `{}` has no `SIP Port`", name.value),
        );
        return None;
    };
    let peers = z
        .peers
        .iter()
        .filter_map(|p| resolve_peer(problems, d.at(p), dns))
        .collect();
    Some(Zone {
        name,
        zone_type,
        port: d.at(port),
        peers,
    })
}

/// IM and Presence, TURN and the TURN relay range as the dumps set them: `SIP Domain N
/// Edgexmpp` on C, `Traversal Server TURN …` on E's first dump.
pub(super) fn services(c_dumps: &[DumpInput], e_dumps: &[DumpInput], from: &mut FromDumps) {
    from.im_presence = c_dumps
        .iter()
        .find_map(|d| Some(d.at(d.node.im_presence.as_ref()?)));
    let e = e_dumps.first();
    from.turn = e.and_then(|d| Some(d.at(d.node.turn.mode.as_ref()?)));
    from.turn_relays = e.and_then(|d| {
        let (lo, hi) = d.node.turn.relays.as_ref()?;
        Some(At::in_file(
            (lo.value, hi.value),
            lo.span.to(hi.span),
            d.file,
        ))
    });
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
