//! Addresses and port conditions, shared by objects, object-groups and ACEs.

use nom::branch::alt;
use nom::combinator::{cut, map, opt, peek, verify};
use nom::sequence::preceded;
use nom::Parser;

use super::ast::{Address, PortOp, PortSpec};
use super::lexical::{ipv4, ipv6, ipv6_prefix, kw, mask, name, port, span_of, Input, PResult};

/// ```text
/// address = "any" | "any4" | "any6"
///         | "host" (ipv4 | ipv6 | name)
///         | "object" name | "object-group" name | "interface" name
///         | ipv6-prefix | ipv4 mask | name mask
/// ```
pub fn address(input: Input<'_>) -> PResult<'_, Address> {
    nom::error::context(
        "an address (any, host, object, object-group, interface, or address and mask)",
        alt((
            map(kw("any4"), |_| Address::Any4),
            map(kw("any6"), |_| Address::Any6),
            map(kw("any"), |_| Address::Any),
            preceded(kw("host"), host),
            map(preceded(kw("object-group"), name), Address::Group),
            map(preceded(kw("object"), name), Address::Object),
            map(preceded(kw("interface"), name), Address::Interface),
            map(ipv6_prefix, |_| Address::Ipv6),
            subnet,
        )),
    )
    .parse(input)
}

/// `host = ipv4 | ipv6 | name` (after the keyword `host`).
fn host(input: Input<'_>) -> PResult<'_, Address> {
    alt((
        map(ipv4, Address::Host),
        map(ipv6, |_| Address::Ipv6),
        map(name, Address::HostAlias),
    ))
    .parse(input)
}

/// `subnet = ipv4 mask | name mask` (a `name` alias with a mask).
pub fn subnet(input: Input<'_>) -> PResult<'_, Address> {
    alt((
        map((ipv4, mask), |(a, len)| Address::Subnet(a, len)),
        map((name, peek(mask_word), mask), |(n, _, len)| {
            Address::SubnetAlias(n, len)
        }),
    ))
    .parse(input)
}

/// A word that looks like a dotted quad (so that `NAME MASK` is an alias with a mask).
fn mask_word(input: Input<'_>) -> PResult<'_, ()> {
    map(ipv4, |_| ()).parse(input)
}

/// ```text
/// port-op = "eq" port | "neq" port | "lt" port | "gt" port | "range" port port
/// ```
pub fn port_op(input: Input<'_>) -> PResult<'_, PortOp> {
    // Once the operator is read, a bad port is an error here, not another alternative.
    alt((
        map(preceded(kw("eq"), cut(port)), PortOp::Eq),
        map(preceded(kw("neq"), cut(port)), PortOp::Neq),
        map(preceded(kw("lt"), cut(port)), PortOp::Lt),
        map(preceded(kw("gt"), cut(port)), PortOp::Gt),
        map(
            preceded(
                kw("range"),
                cut(nom::error::context(
                    "a port range whose end is not below its start",
                    verify((port, port), ascending_ports),
                )),
            ),
            |(a, b)| PortOp::Range(a, b),
        ),
    ))
    .parse(input)
}

fn ascending_ports((a, b): &(super::ast::Port, super::ast::Port)) -> bool {
    use super::ast::Port;
    match (a, b) {
        (Port::Number(a), Port::Number(b)) => a <= b,
        _ => true,
    }
}

/// `port-spec = port-op | "object-group" name` (a port group).
pub fn port_spec(input: Input<'_>) -> PResult<'_, PortSpec> {
    alt((
        map(nom::combinator::consumed(port_op), |(text, op)| {
            PortSpec::Op(op, span_of(text))
        }),
        map(preceded(kw("object-group"), name), PortSpec::Group),
    ))
    .parse(input)
}

/// An optional port spec whose group form is accepted only when `is_port_group` says so.
pub fn port_spec_if<'a>(
    is_port_group: impl Fn(&str) -> bool,
) -> impl Parser<Input<'a>, Output = Option<PortSpec>, Error = super::lexical::Failure> {
    opt(move |input: Input<'a>| {
        let (rest, spec) = port_spec(input)?;
        match &spec {
            PortSpec::Group(group) if !is_port_group(&group.text) => {
                Err(nom::Err::Error(super::lexical::Failure {
                    offset: input.location_offset(),
                    expected: None,
                }))
            }
            _ => Ok((rest, spec)),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn parse(text: &str) -> Address {
        address(Input::new(text)).unwrap().1
    }

    #[test]
    fn every_address_form() {
        assert_eq!(parse("any"), Address::Any);
        assert_eq!(parse("any4"), Address::Any4);
        assert_eq!(
            parse("host 10.0.0.1"),
            Address::Host(Ipv4Addr::new(10, 0, 0, 1))
        );
        assert!(matches!(parse("host web"), Address::HostAlias(n) if n.text == "web"));
        assert_eq!(
            parse("10.0.0.0 255.255.0.0"),
            Address::Subnet(Ipv4Addr::new(10, 0, 0, 0), 16)
        );
        assert!(matches!(parse("lan 255.255.0.0"), Address::SubnetAlias(n, 16) if n.text == "lan"));
        assert!(matches!(parse("object WEB"), Address::Object(n) if n.text == "WEB"));
        assert!(matches!(parse("object-group G"), Address::Group(n) if n.text == "G"));
        assert!(matches!(parse("interface outside"), Address::Interface(n) if n.text == "outside"));
        assert_eq!(parse("2001:db8::/32"), Address::Ipv6);
        assert_eq!(parse("host 2001:db8::1"), Address::Ipv6);
    }

    #[test]
    fn port_ops() {
        use super::super::ast::Port;
        let op = |t| port_op(Input::new(t)).unwrap().1;
        assert_eq!(op("eq 443"), PortOp::Eq(Port::Number(443)));
        assert_eq!(op("neq www"), PortOp::Neq(Port::Named("www".into())));
        assert_eq!(
            op("range 1024 65535"),
            PortOp::Range(Port::Number(1024), Port::Number(65535))
        );
    }
}
