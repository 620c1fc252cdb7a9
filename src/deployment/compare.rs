//! DEP002: where the deployment file and the Expressways' `xConfiguration` dumps both
//! give a value, they must agree. [`compare`] is pure: it takes what the file writes
//! ([`Written`]) and what the dumps hold ([`FromDumps`], see [`super::dumps`]) and gives
//! every disagreement, in the order the file's sections are read (C's nodes, E's NIC
//! design and nodes, the media range, the demultiplexing ports, the traversal zones, IM
//! and Presence, TURN, the TURN relays). The dump's value is the one the checks use,
//! because it is what the Expressway runs; that choice is made where the deployment is
//! built, not here.

use std::collections::BTreeSet;
use std::net::Ipv4Addr;

use super::{At, CNode, ENode, IfAddr, Nic, Zone, ZoneService};
use crate::source::{FileId, Span};

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

/// What the deployment file writes, for the values a dump may hold too. A field the
/// file leaves out is `None` (or empty) and never compared.
#[derive(Clone, Debug, Default)]
pub struct Written<'t> {
    /// The deployment file's text, to quote a value as written.
    pub text: &'t str,
    pub c_nodes: Vec<CNode>,
    pub nic: Option<At<Nic>>,
    pub e_nodes: Vec<ENode>,
    pub media_ports: Option<At<(u16, u16)>>,
    pub demux_ports: Option<At<(u16, u16)>>,
    pub zones: Vec<Zone>,
    pub im_presence: Option<At<bool>>,
    pub turn: Option<At<bool>>,
    pub turn_relays: Option<At<(u16, u16)>>,
}

/// What the dumps hold, section by section: `None` where no dump describes the section
/// (a partial dump leaves it to the file).
#[derive(Clone, Debug, Default)]
pub struct FromDumps {
    /// C's nodes: each dump's LAN1, then the other cluster peers the dumps list.
    pub c_nodes: Option<Vec<CNode>>,
    /// E's NIC design, from dumps that all hold their interfaces.
    pub nic: Option<NicDesign>,
    pub e_nodes: Option<Vec<ENode>>,
    pub media_ports: Option<At<(u16, u16)>>,
    pub demux: Option<Demux>,
    /// C's traversal client zones.
    pub zones: Option<Vec<Zone>>,
    pub im_presence: Option<At<bool>>,
    pub turn: Option<At<bool>>,
    pub turn_relays: Option<At<(u16, u16)>>,
}

/// E's NIC design as its dump shows it, and why (the records that decide it).
#[derive(Clone, Debug)]
pub struct NicDesign {
    pub nic: At<Nic>,
    pub reason: String,
}

/// "Use configured demultiplexing ports" as E's dump sets it, and the RTP/RTCP pair it
/// gives when on (`None` when off, or on without ports).
#[derive(Clone, Debug)]
pub struct Demux {
    pub setting: At<bool>,
    pub pair: Option<At<(u16, u16)>>,
}

/// Every value the file and the dumps both give and disagree on.
pub fn compare(written: &Written<'_>, dumps: &FromDumps) -> Vec<Mismatch> {
    let mut out = Vec::new();
    if let Some(nodes) = &dumps.c_nodes {
        if !written.c_nodes.is_empty() {
            compare_c(&mut out, &written.c_nodes, nodes);
        }
    }
    if let (Some(w), Some(d)) = (&written.nic, &dumps.nic) {
        compare_nic(&mut out, w, d);
    }
    if let Some(nodes) = &dumps.e_nodes {
        if !written.e_nodes.is_empty() {
            compare_e(&mut out, written.text, &written.e_nodes, nodes);
        }
    }
    compare_range(
        &mut out,
        "media ports",
        "E's traversal media range",
        &written.media_ports,
        &dumps.media_ports,
    );
    if let (Some(w), Some(d)) = (&written.demux_ports, &dumps.demux) {
        compare_demux(&mut out, w, d);
    }
    if let Some(zones) = &dumps.zones {
        if !written.zones.is_empty() {
            compare_zones(&mut out, &written.zones, zones);
        }
    }
    for (what, w, d) in [
        ("im_presence", &written.im_presence, &dumps.im_presence),
        ("turn", &written.turn, &dumps.turn),
    ] {
        if let (Some(w), Some(d)) = (w, d) {
            if w.value != d.value {
                push(
                    &mut out,
                    format!(
                        "this file says `{what}: {}`, the dumps say {}",
                        w.value,
                        if d.value { "on" } else { "off" }
                    ),
                    w,
                    "as written",
                    d,
                    "as configured",
                );
            }
        }
    }
    compare_range(
        &mut out,
        "TURN relays",
        "E's TURN relay range",
        &written.turn_relays,
        &dumps.turn_relays,
    );
    out
}

/// A port range the file gives (`what`) against the one E's dump holds (`label`).
fn compare_range(
    out: &mut Vec<Mismatch>,
    what: &str,
    label: &str,
    written: &Option<At<(u16, u16)>>,
    dumps: &Option<At<(u16, u16)>>,
) {
    let (Some(w), Some(d)) = (written, dumps) else {
        return;
    };
    if w.value != d.value {
        push(
            out,
            format!(
                "this file gives {what} {}-{}, Expressway-E's dump {}-{}",
                w.value.0, w.value.1, d.value.0, d.value.1
            ),
            w,
            "as written",
            d,
            label,
        );
    }
}

/// A disagreement between the deployment file and a dump. A "dump" value without a
/// dump file (never the case for values read from one) cannot be shown, and is dropped.
fn push<Y, D>(
    out: &mut Vec<Mismatch>,
    message: String,
    yaml: &At<Y>,
    yaml_label: impl Into<String>,
    dump: &At<D>,
    dump_label: impl Into<String>,
) {
    let Some(dump_file) = dump.file else {
        return;
    };
    out.push(Mismatch {
        message,
        yaml: yaml.span,
        yaml_label: yaml_label.into(),
        dump_file,
        dump: dump.span,
        dump_label: dump_label.into(),
    });
}

/// The items of two lists that describe the same thing: by name, then by position.
/// Gives, for each item of `left`, the index of its partner in `right`.
pub(super) fn pair_up(left: &[String], right: &[String]) -> Vec<Option<usize>> {
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

/// The names of C's nodes, to pair the file's with the dumps'.
pub(super) fn c_names(nodes: &[CNode]) -> Vec<String> {
    nodes.iter().map(|n| n.name.value.clone()).collect()
}

fn compare_c(out: &mut Vec<Mismatch>, yaml: &[CNode], nodes: &[CNode]) {
    let pairs = pair_up(&c_names(yaml), &c_names(nodes));
    for (y, pair) in yaml.iter().zip(&pairs) {
        let Some(d) = pair else {
            let first = &nodes[0];
            push(
                out,
                format!(
                    "Expressway-C node `{}` is in this file but in no dump",
                    y.name.value
                ),
                &y.name,
                "not in the dumps",
                &first.name,
                format!("the dumps describe {}", c_names(nodes).join(", ")),
            );
            continue;
        };
        let d = &nodes[*d];
        if y.address.value != d.address.value {
            push(
                out,
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
    }
    for (i, d) in nodes.iter().enumerate() {
        if !pairs.contains(&Some(i)) {
            push(
                out,
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

fn compare_nic(out: &mut Vec<Mismatch>, written: &At<Nic>, dump: &NicDesign) {
    if written.value == dump.nic.value {
        return;
    }
    push(
        out,
        format!(
            "this file says `nic: {}`, but Expressway-E's dump is {}: {}",
            if written.value == Nic::Dual {
                "dual"
            } else {
                "single"
            },
            nic_word(dump.nic.value == Nic::Dual),
            dump.reason
        ),
        written,
        "as written",
        &dump.nic,
        "decides the NIC design",
    );
}

fn compare_e(out: &mut Vec<Mismatch>, text: &str, yaml: &[ENode], nodes: &[ENode]) {
    let names = |n: &[ENode]| n.iter().map(|n| n.name.value.clone()).collect::<Vec<_>>();
    let pairs = pair_up(&names(yaml), &names(nodes));
    for (y, pair) in yaml.iter().zip(&pairs) {
        let Some(d) = pair else {
            push(
                out,
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
        compare_e_node(out, text, y, &nodes[*d]);
    }
    for (i, d) in nodes.iter().enumerate() {
        if !pairs.contains(&Some(i)) {
            push(
                out,
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

/// The text of a span of the deployment file.
fn quote(text: &str, span: Span) -> &str {
    text.get(span.start..span.end).unwrap_or_default()
}

fn compare_e_node(out: &mut Vec<Mismatch>, text: &str, y: &ENode, d: &ENode) {
    let name = &y.name.value;
    for (what, written, read) in [
        ("lan1", Some(&y.lan1), Some(&d.lan1)),
        ("lan2", y.lan2.as_ref(), d.lan2.as_ref()),
    ] {
        compare_interface(out, text, (y, d), what, (written, read));
    }
    match (&y.static_nat, &d.static_nat) {
        (Some(w), Some(r)) if w.value != r.value => push(
            out,
            format!("Expressway-E `{name}`: this file gives static NAT {}, its dump {}", w.value, r.value),
            w,
            "as written",
            r,
            "E's static NAT address",
        ),
        (Some(w), None) => push(
            out,
            format!("Expressway-E `{name}`: this file gives static NAT {}, but static NAT is off in its dump", w.value),
            w,
            "as written",
            &d.lan1,
            "no static NAT on this node",
        ),
        (None, Some(r)) => push(
            out,
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
            push(
                out,
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
    compare_routes(out, name, y, d);
}

/// One of E's interfaces (`lan1`, `lan2`) as the file writes it and as the dump has it.
/// A prefix length is compared only where the file writes one.
fn compare_interface(
    out: &mut Vec<Mismatch>,
    text: &str,
    (y, d): (&ENode, &ENode),
    what: &str,
    (written, read): (Option<&At<IfAddr>>, Option<&At<IfAddr>>),
) {
    let name = &y.name.value;
    match (written, read) {
        (Some(w), Some(r)) => {
            let prefix_written = quote(text, w.span).contains('/');
            let differs = w.value.address != r.value.address
                || (prefix_written && w.value.prefix != r.value.prefix);
            if differs {
                push(
                    out,
                    format!(
                        "Expressway-E `{name}`: this file gives `{what}: {}`, its dump {}/{}",
                        quote(text, w.span),
                        r.value.address,
                        r.value.prefix
                    ),
                    w,
                    "as written",
                    r,
                    format!(
                        "the dump's {}",
                        if what == "lan1" {
                            "internal interface"
                        } else {
                            "external interface"
                        }
                    ),
                );
            }
        }
        (Some(w), None) => push(
            out,
            format!("Expressway-E `{name}`: this file gives `{what}`, but its dump has no such interface in use"),
            w,
            "as written",
            &d.lan1,
            "the only interface in use",
        ),
        (None, Some(r)) => push(
            out,
            format!("Expressway-E `{name}`: its dump uses a second interface ({}), which this file leaves out", r.value.address),
            &y.name,
            "no `lan2`",
            r,
            "the external interface",
        ),
        (None, None) => {}
    }
}

/// E's static routes: compared as a set, when the file gives any.
fn compare_routes(out: &mut Vec<Mismatch>, name: &str, y: &ENode, d: &ENode) {
    let routes = |n: &ENode| -> BTreeSet<(Ipv4Addr, u8, Ipv4Addr)> {
        n.routes
            .iter()
            .map(|r| (r.network, r.prefix, r.gateway))
            .collect()
    };
    if y.routes.is_empty() || routes(y) == routes(d) {
        return;
    }
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
        || d.lan1.place(),
        |r| At {
            value: (),
            span: r.span,
            file: r.file,
        },
    );
    push(
        out,
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

fn compare_demux(out: &mut Vec<Mismatch>, written: &At<(u16, u16)>, dump: &Demux) {
    let read = dump.pair.as_ref().map(|p| p.value);
    if Some(written.value) == read {
        return;
    }
    let says = read.map_or(
        "\"Use configured demultiplexing ports\" off".into(),
        |(a, b)| format!("{a}/{b}"),
    );
    let dump_at = dump
        .pair
        .as_ref()
        .map_or_else(|| dump.setting.place(), At::place);
    push(
        out,
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

fn compare_zones(out: &mut Vec<Mismatch>, yaml: &[Zone], zones: &[Zone]) {
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
                push(
                    out,
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
        compare_zone(out, y, &zones[i]);
    }
    for (z, paired) in zones.iter().zip(paired) {
        if !paired {
            push(
                out,
                format!("C's dump has traversal client zone `{}` (port {}), which `traversal_zones` does not list", z.name.value, z.port.value),
                &yaml[0].name,
                "`traversal_zones` lacks it",
                &z.port,
                "a traversal client zone of C",
            );
        }
    }
}

/// A traversal zone of the file and its partner among C's traversal client zones.
fn compare_zone(out: &mut Vec<Mismatch>, y: &Zone, z: &Zone) {
    if z.port.value != y.port.value {
        push(
            out,
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
        push(
            out,
            format!(
                "traversal zone `{}`: this file gives type {}, but Collaboration Edge is {} in C's dump",
                y.name.value,
                service_word(y.zone_type.value),
                if z.zone_type.value == ZoneService::UnifiedCommunications { "on (unified-communications)" } else { "off (b2b)" }
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
            .map_or_else(|| y.name.place(), |p| p.text.place());
        let dump_at = z
            .peers
            .first()
            .map_or_else(|| z.name.place(), |p| p.text.place());
        push(
            out,
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

/// `single NIC` or `dual NIC`, as messages say it.
pub(super) fn nic_word(dual: bool) -> &'static str {
    if dual {
        "dual NIC"
    } else {
        "single NIC"
    }
}

/// A zone's service as the deployment file writes it.
fn service_word(service: ZoneService) -> &'static str {
    match service {
        ZoneService::UnifiedCommunications => "unified-communications",
        ZoneService::B2b => "b2b",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at<T>(value: T, span: Span, file: Option<FileId>) -> At<T> {
        At { value, span, file }
    }

    fn node(static_nat: Ipv4Addr, file: Option<FileId>) -> ENode {
        ENode {
            name: at("expe1".to_string(), Span::new(0, 5), file),
            lan1: at(
                IfAddr {
                    address: Ipv4Addr::new(10, 0, 10, 2),
                    prefix: 24,
                },
                Span::new(6, 18),
                file,
            ),
            lan2: None,
            static_nat: Some(at(static_nat, Span::new(19, 30), file)),
            gateway: None,
            routes: Vec::new(),
        }
    }

    #[test]
    fn only_values_both_give_are_compared() {
        let written = Written {
            text: "expe1 10.0.10.2/24 64.100.0.11",
            e_nodes: vec![node(Ipv4Addr::new(64, 100, 0, 11), None)],
            ..Written::default()
        };
        assert_eq!(compare(&written, &FromDumps::default()), []);
        let dumps = FromDumps {
            e_nodes: Some(vec![node(Ipv4Addr::new(64, 100, 0, 10), Some(FileId(2)))]),
            ..FromDumps::default()
        };
        let mismatches = compare(&written, &dumps);
        assert_eq!(mismatches.len(), 1, "{mismatches:?}");
        assert_eq!(
            mismatches[0].message,
            "Expressway-E `expe1`: this file gives static NAT 64.100.0.11, its dump 64.100.0.10"
        );
        assert_eq!(mismatches[0].dump_file, FileId(2));
        assert_eq!(mismatches[0].yaml, Span::new(19, 30));
    }
}
