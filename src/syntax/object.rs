//! `hostname`, `name`, `object network`, `object service` and `object-group`.

use nom::branch::alt;
use nom::combinator::{consumed, map, opt, value};
use nom::sequence::preceded;
use nom::Parser;

use super::address::{port_op, subnet};
use super::ast::{
    Address, GroupMember, GroupType, Name, NameAlias, ObjectGroup, ObjectNetwork, ObjectService,
    PortSpec, Protocol, Service,
};
use super::lexical::{
    at_keyword, icmp6_type, icmp_type, ipv4, ipv6, ipv6_prefix, kw, name, number, protocol,
    span_of, text, word, Input, PResult,
};
use super::{line, nat, Block, SyntaxError};

/// `hostname = "hostname" name`
pub fn hostname(input: Input<'_>) -> PResult<'_, Name> {
    preceded(kw("hostname"), name).parse(input)
}

/// `name-alias = "name" ( ipv4 | ipv6 ) name [ "description" rest-of-line ]`
pub fn name_alias(input: Input<'_>) -> PResult<'_, NameAlias> {
    map(
        (
            kw("name"),
            nom::error::context(
                "an IPv4 or IPv6 address",
                alt((
                    map(ipv4, std::net::IpAddr::V4),
                    nom::combinator::map_opt(ipv6, |w: Input<'_>| {
                        w.fragment().parse::<std::net::IpAddr>().ok()
                    }),
                )),
            ),
            name,
            opt(preceded(kw("description"), text)),
        ),
        |(_, address, name, _)| NameAlias { address, name },
    )
    .parse(input)
}

/// ```text
/// object-network = "object" "network" name
///   sub-lines: network-definition | "description" rest-of-line | object-nat
/// ```
pub fn object_network_block(
    block: &Block<'_>,
    errors: &mut Vec<SyntaxError>,
) -> Option<ObjectNetwork> {
    let name = line(
        block.header,
        preceded((kw("object"), kw("network")), name),
        errors,
    )?;
    let mut object = ObjectNetwork {
        name,
        definition: None,
        description: None,
        nat: None,
    };
    for &child in &block.children {
        let head = child
            .fragment()
            .split_whitespace()
            .next()
            .unwrap_or_default();
        match head {
            "host" | "subnet" | "range" | "fqdn" => {
                if let Some(def) = line(child, consumed(network_definition), errors) {
                    object.definition = Some((def.1, span_of(def.0)));
                }
            }
            "description" => {
                object.description = line(child, preceded(kw("description"), text), errors)
            }
            "nat" => object.nat = line(child, nat::object_nat, errors).or(object.nat.take()),
            _ => {}
        }
    }
    Some(object)
}

/// ```text
/// network-definition = "host" (ipv4 | ipv6) | "subnet" (ipv4 mask | ipv6-prefix)
///                    | "range" ipv4 ipv4 | "fqdn" [ "v4" | "v6" ] word
/// ```
pub fn network_definition(input: Input<'_>) -> PResult<'_, Address> {
    alt((
        preceded(
            kw("host"),
            alt((map(ipv4, Address::Host), map(ipv6, |_| Address::Ipv6))),
        ),
        preceded(
            kw("subnet"),
            alt((subnet, map(ipv6_prefix, |_| Address::Ipv6))),
        ),
        preceded(
            kw("range"),
            alt((
                map(
                    nom::error::context(
                        "a range whose end is not below its start",
                        nom::combinator::verify((ipv4, ipv4), |(a, b)| a <= b),
                    ),
                    |(a, b)| Address::Range(a, b),
                ),
                map((ipv6, ipv6), |_| Address::Ipv6),
            )),
        ),
        preceded(
            (kw("fqdn"), opt(alt((kw("v4"), kw("v6"))))),
            map(word, |w| Address::Fqdn(w.fragment().to_string())),
        ),
    ))
    .parse(input)
}

/// ```text
/// object-service = "object" "service" name
///   sub-lines: "service" service | "description" rest-of-line
/// ```
pub fn object_service_block(
    block: &Block<'_>,
    errors: &mut Vec<SyntaxError>,
) -> Option<ObjectService> {
    let name = line(
        block.header,
        preceded((kw("object"), kw("service")), name),
        errors,
    )?;
    let mut object = ObjectService {
        name,
        service: None,
        description: None,
    };
    for &child in &block.children {
        let head = child
            .fragment()
            .split_whitespace()
            .next()
            .unwrap_or_default();
        match head {
            "service" => {
                if let Some((text, svc)) =
                    line(child, consumed(preceded(kw("service"), service)), errors)
                {
                    object.service = Some((svc, span_of(text)));
                }
            }
            "description" => {
                object.description = line(child, preceded(kw("description"), text), errors)
            }
            _ => {}
        }
    }
    Some(object)
}

/// ```text
/// service = ( "icmp" | "icmp6" ) [ icmp-type [ 0-255 ] ]
///         | ( "tcp" | "udp" | "tcp-udp" | "sctp" ) [ "source" port-op ] [ "destination" port-op ]
///         | ( "tcp" | "udp" | "tcp-udp" ) port-op          (legacy: a destination port)
///         | protocol
/// ```
pub fn service(input: Input<'_>) -> PResult<'_, Service> {
    alt((
        icmp_service,
        port_service,
        map(protocol, |p| Service::Ports {
            protocol: protocol_of(p),
            source: None,
            destination: None,
        }),
    ))
    .parse(input)
}

fn protocol_of(number: u8) -> Protocol {
    if number == 0 {
        Protocol::Ip
    } else {
        Protocol::Number(number)
    }
}

fn icmp_service(input: Input<'_>) -> PResult<'_, Service> {
    map(
        alt((
            (
                value(1u8, kw("icmp")),
                opt((icmp_type, opt(number(0, 255, "an ICMP code")))),
            ),
            (
                value(58u8, kw("icmp6")),
                opt((icmp6_type, opt(number(0, 255, "an ICMP code")))),
            ),
        )),
        |(protocol, t)| Service::Icmp {
            protocol,
            icmp_type: t.map(|(t, _)| t),
            code: t.and_then(|(_, c)| c.map(|c| c as u8)),
        },
    )
    .parse(input)
}

/// `tcp | udp | tcp-udp | sctp`
pub fn port_protocol(input: Input<'_>) -> PResult<'_, Protocol> {
    alt((
        value(Protocol::TcpUdp, kw("tcp-udp")),
        value(Protocol::Number(6), kw("tcp")),
        value(Protocol::Number(17), kw("udp")),
        value(Protocol::Number(132), kw("sctp")),
    ))
    .parse(input)
}

fn port_service(input: Input<'_>) -> PResult<'_, Service> {
    let spec = |i| map(consumed(port_op), |(t, op)| PortSpec::Op(op, span_of(t))).parse(i);
    map(
        (
            port_protocol,
            alt((
                map(spec, |d| (None, Some(d))),
                (
                    opt(preceded(kw("source"), spec)),
                    // `destination` may be left out before the port (legacy form).
                    opt(preceded(opt(kw("destination")), spec)),
                ),
            )),
        ),
        |(protocol, (source, destination))| Service::Ports {
            protocol,
            source,
            destination,
        },
    )
    .parse(input)
}

/// `object-group-header = "object-group" group-type name [ "tcp" | "udp" | "tcp-udp" ]`
pub fn object_group_header(input: Input<'_>) -> PResult<'_, (Name, GroupType)> {
    preceded(
        kw("object-group"),
        alt((
            map(preceded(kw("network"), name), |n| (n, GroupType::Network)),
            map(
                (preceded(kw("service"), name), opt(port_protocol)),
                |(n, p)| (n, GroupType::Service(p)),
            ),
            map(preceded(kw("protocol"), name), |n| (n, GroupType::Protocol)),
            map(preceded(kw("icmp-type"), name), |n| {
                (n, GroupType::IcmpType)
            }),
        )),
    )
    .parse(input)
}

/// `object-group` with its member lines; each member line is parsed by the production
/// for the group's type.
pub fn object_group_block(block: &Block<'_>, errors: &mut Vec<SyntaxError>) -> Option<ObjectGroup> {
    let (name, group_type) = line(block.header, object_group_header, errors)?;
    let mut group = ObjectGroup {
        name,
        group_type,
        members: Vec::new(),
        description: None,
    };
    for &child in &block.children {
        if at_keyword(child, &["description"]) {
            group.description = line(child, preceded(kw("description"), text), errors);
            continue;
        }
        let member = match group_type {
            GroupType::Network => line(child, consumed(network_member), errors),
            GroupType::Service(Some(_)) => line(child, consumed(port_member), errors),
            GroupType::Service(None) => {
                line(child, consumed(alt((service_member, port_member))), errors)
            }
            GroupType::Protocol => line(child, consumed(protocol_member), errors),
            GroupType::IcmpType => line(child, consumed(icmp_member), errors),
        };
        if let Some((text, member)) = member {
            group.members.push((member, span_of(text)));
        }
    }
    Some(group)
}

/// ```text
/// network-member = "network-object" ( "host" (ipv4 | ipv6 | name) | "object" name
///                                   | ipv4 mask | name mask | ipv6-prefix | name-prefix )
///                | "group-object" name
/// ```
pub fn network_member(input: Input<'_>) -> PResult<'_, GroupMember> {
    alt((
        preceded(
            kw("network-object"),
            alt((
                map(preceded(kw("object"), name), GroupMember::Object),
                map(
                    preceded(
                        kw("host"),
                        alt((
                            map(ipv4, Address::Host),
                            map(ipv6, |_| Address::Ipv6),
                            map(name, Address::HostAlias),
                        )),
                    ),
                    GroupMember::Address,
                ),
                map(ipv6_prefix, |_| GroupMember::Address(Address::Ipv6)),
                map(name_prefix, |(n, len)| {
                    GroupMember::Address(Address::SubnetAlias(n, len))
                }),
                map(subnet, GroupMember::Address),
            )),
        ),
        group_object,
    ))
    .parse(input)
}

/// ```text
/// name-prefix = name "/" 0-128
/// ```
/// A `name` alias with a prefix length, one word (`V6HOST/128`, `LAN/24`).
pub fn name_prefix(input: Input<'_>) -> PResult<'_, (Name, u8)> {
    nom::error::context(
        "a name with a prefix length",
        nom::combinator::map_opt(word, |w: Input<'_>| {
            let (alias, len) = w.fragment().split_once('/')?;
            let len = len.parse::<u8>().ok().filter(|l| *l <= 128)?;
            if alias.is_empty() || alias.parse::<std::net::IpAddr>().is_ok() {
                return None;
            }
            let start = w.location_offset();
            let span = crate::source::Span::new(start, start + alias.len());
            Some((Name::new(alias.to_string(), span), len))
        }),
    )
    .parse(input)
}

/// `group-object = "group-object" name`
fn group_object(input: Input<'_>) -> PResult<'_, GroupMember> {
    map(preceded(kw("group-object"), name), GroupMember::Group).parse(input)
}

/// `port-member = "port-object" ( "eq" port | "range" port port ) | "group-object" name`
pub fn port_member(input: Input<'_>) -> PResult<'_, GroupMember> {
    alt((
        map(
            preceded(
                kw("port-object"),
                nom::combinator::verify(port_op, |op| {
                    matches!(
                        op,
                        super::ast::PortOp::Eq(_) | super::ast::PortOp::Range(..)
                    )
                }),
            ),
            GroupMember::Port,
        ),
        group_object,
    ))
    .parse(input)
}

/// `service-member = "service-object" ( "object" name | service ) | "group-object" name`
pub fn service_member(input: Input<'_>) -> PResult<'_, GroupMember> {
    alt((
        preceded(
            kw("service-object"),
            alt((
                map(preceded(kw("object"), name), GroupMember::ServiceObject),
                map(service, GroupMember::Service),
            )),
        ),
        group_object,
    ))
    .parse(input)
}

/// `protocol-member = "protocol-object" protocol | "group-object" name`
pub fn protocol_member(input: Input<'_>) -> PResult<'_, GroupMember> {
    alt((
        map(preceded(kw("protocol-object"), protocol), |p| {
            GroupMember::Protocol(protocol_of(p))
        }),
        group_object,
    ))
    .parse(input)
}

/// `icmp-member = "icmp-object" icmp-type | "group-object" name`
pub fn icmp_member(input: Input<'_>) -> PResult<'_, GroupMember> {
    alt((
        map(
            preceded(kw("icmp-object"), icmp_type),
            GroupMember::IcmpType,
        ),
        group_object,
    ))
    .parse(input)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::ast::{CommandKind, Port, PortOp};
    use crate::syntax::parse_config;

    fn only(text: &str) -> CommandKind {
        let parsed = parse_config(text);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        parsed.config.commands.into_iter().next().unwrap().kind
    }

    #[test]
    fn network_object_kinds() {
        for def in [
            "host 10.0.0.1",
            "subnet 10.0.0.0 255.255.255.0",
            "range 10.0.0.1 10.0.0.9",
            "fqdn v4 www.example.com",
            "host 2001:db8::1",
            "subnet 2001:db8::/64",
        ] {
            let kind = only(&format!("object network X\n {def}\n description d\n"));
            let CommandKind::ObjectNetwork(o) = kind else {
                panic!()
            };
            assert!(o.definition.is_some(), "{def}");
        }
    }

    #[test]
    fn service_objects() {
        let svc = |t| service(Input::new(t)).unwrap().1;
        assert!(matches!(
            svc("tcp source eq 80 destination range 1 10"),
            Service::Ports {
                protocol: Protocol::Number(6),
                source: Some(_),
                destination: Some(_)
            }
        ));
        assert!(matches!(
            svc("tcp-udp destination eq sip"),
            Service::Ports {
                protocol: Protocol::TcpUdp,
                source: None,
                destination: Some(_)
            }
        ));
        assert!(matches!(
            svc("tcp eq 1235"),
            Service::Ports {
                destination: Some(_),
                ..
            }
        ));
        assert!(matches!(
            svc("udp source eq 3 eq 1236"),
            Service::Ports {
                source: Some(_),
                destination: Some(_),
                ..
            }
        ));
        assert!(matches!(
            svc("icmp echo"),
            Service::Icmp {
                protocol: 1,
                icmp_type: Some(8),
                code: None
            }
        ));
        assert!(matches!(
            svc("esp"),
            Service::Ports {
                protocol: Protocol::Number(50),
                ..
            }
        ));
        assert!(matches!(
            svc("ip"),
            Service::Ports {
                protocol: Protocol::Ip,
                ..
            }
        ));
    }

    #[test]
    fn groups_of_every_type() {
        let CommandKind::ObjectGroup(g) = only("object-group network G\n network-object host 1.1.1.1\n network-object 10.0.0.0 255.0.0.0\n network-object object O\n group-object H\n") else { panic!() };
        assert_eq!(g.members.len(), 4);
        let CommandKind::ObjectGroup(g) =
            only("object-group service P tcp\n port-object eq 443\n port-object range 1 2\n")
        else {
            panic!()
        };
        assert_eq!(g.group_type, GroupType::Service(Some(Protocol::Number(6))));
        assert_eq!(
            g.members[0].0,
            GroupMember::Port(PortOp::Eq(Port::Number(443)))
        );
        let CommandKind::ObjectGroup(g) =
            only("object-group protocol PR\n protocol-object tcp\n protocol-object 47\n")
        else {
            panic!()
        };
        assert_eq!(g.members.len(), 2);
        let CommandKind::ObjectGroup(g) =
            only("object-group icmp-type I\n icmp-object echo\n icmp-object 3\n")
        else {
            panic!()
        };
        assert_eq!(g.members[1].0, GroupMember::IcmpType(3));
    }

    #[test]
    fn port_object_rejects_neq() {
        let parsed = parse_config("object-group service P tcp\n port-object neq 80\n");
        assert_eq!(parsed.errors.len(), 1);
    }
}
