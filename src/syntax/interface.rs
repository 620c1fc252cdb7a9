//! `interface` blocks and `route` lines.

use nom::branch::alt;
use nom::combinator::{consumed, map, opt, rest, value};
use nom::multi::many0;
use nom::sequence::preceded;
use nom::Parser;

use super::ast::{Interface, InterfaceAddress, Name, Route};
use super::lexical::{
    at_keyword, ipv4, kw, mask, name, number, span_of, starts_with_words, word, Input, PResult,
};
use super::{line, Block, SyntaxError};

/// `interface = "interface" hardware-name` followed by indented interface sub-commands.
pub fn interface_block(block: &Block<'_>, errors: &mut Vec<SyntaxError>) -> Option<Interface> {
    let hardware = line(block.header, preceded(kw("interface"), name), errors)?;
    let mut interface = Interface {
        hardware: hardware.text,
        ..Interface::default()
    };
    for &child in &block.children {
        if at_keyword(child, &["nameif"]) {
            interface.nameif = line(child, nameif, errors).or(interface.nameif.take());
        } else if at_keyword(child, &["security-level"]) {
            interface.security_level =
                line(child, security_level, errors).or(interface.security_level);
        } else if starts_with_words(child, "ip address") {
            interface.address = line(child, ip_address, errors).or(interface.address.take());
        } else if at_keyword(child, &["shutdown"]) {
            interface.shutdown = true;
        } else if at_keyword(child, &["management-only"]) {
            interface.management_only = true;
        } else if starts_with_words(child, "no nameif") {
            interface.nameif = None;
        } else if starts_with_words(child, "no ip address") {
            interface.address = None;
        }
    }
    Some(interface)
}

/// `nameif = "nameif" name`
pub fn nameif(input: Input<'_>) -> PResult<'_, Name> {
    preceded(kw("nameif"), name).parse(input)
}

/// `security-level = "security-level" 0-100`
pub fn security_level(input: Input<'_>) -> PResult<'_, (u8, crate::source::Span)> {
    map(
        preceded(
            kw("security-level"),
            consumed(number(0, 100, "a security level 0-100")),
        ),
        |(text, level)| (level as u8, span_of(text)),
    )
    .parse(input)
}

/// ```text
/// ip-address = "ip" "address" ( ipv4 mask [ "standby" ipv4 ]
///                              | ( "dhcp" | "pppoe" ) [ "setroute" ] *word )
/// ```
pub fn ip_address(input: Input<'_>) -> PResult<'_, InterfaceAddress> {
    preceded(
        (kw("ip"), kw("address")),
        alt((
            map(
                consumed((ipv4, mask, opt(preceded(kw("standby"), ipv4)))),
                |(text, (address, prefix, standby))| InterfaceAddress::Static {
                    address,
                    prefix,
                    standby,
                    span: span_of(text),
                },
            ),
            value(
                InterfaceAddress::Dynamic,
                (alt((kw("dhcp"), kw("pppoe"))), rest),
            ),
        )),
    )
    .parse(input)
}

/// ```text
/// route = "route" name ipv4 (mask | "0") gateway [ distance ] *( "track" number | "tunneled" )
/// gateway = ipv4                   (left out only on `route null0`, a discard route)
/// ```
pub fn route(input: Input<'_>) -> PResult<'_, Route> {
    let (input, (_, interface)) = (kw("route"), name).parse(input)?;
    let discard = interface.text.eq_ignore_ascii_case("null0");
    let gateway = move |i| {
        if discard {
            map(opt(ipv4), |g| g.unwrap_or(std::net::Ipv4Addr::UNSPECIFIED)).parse(i)
        } else {
            ipv4(i)
        }
    };
    map(
        (
            ipv4,
            mask,
            gateway,
            opt(number(1, 255, "a distance 1-255")),
            many0(alt((
                map((kw("track"), word), |_| ()),
                map(kw("tunneled"), |_| ()),
            ))),
        ),
        move |(network, prefix, gateway, distance, _)| Route {
            interface: interface.clone(),
            network,
            prefix,
            gateway,
            distance: distance.unwrap_or(1) as u8,
        },
    )
    .parse(input)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::ast::CommandKind;
    use crate::syntax::parse_config;
    use std::net::Ipv4Addr;

    #[test]
    fn interface_with_standby_and_flags() {
        let parsed = parse_config(
            "interface GigabitEthernet0/1\n nameif dmz\n security-level 50\n ip address 10.0.10.1 255.255.255.0 standby 10.0.10.254\n management-only\n shutdown\n",
        );
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let CommandKind::Interface(ifc) = &parsed.config.commands[0].kind else {
            panic!("not an interface")
        };
        assert_eq!(ifc.nameif.as_ref().unwrap().text, "dmz");
        assert_eq!(ifc.security_level.unwrap().0, 50);
        assert!(ifc.shutdown && ifc.management_only);
        assert!(matches!(
            ifc.address,
            Some(InterfaceAddress::Static { prefix: 24, standby: Some(s), .. }) if s == Ipv4Addr::new(10, 0, 10, 254)
        ));
    }

    #[test]
    fn a_bad_security_level_is_an_error_and_the_block_goes_on() {
        let parsed = parse_config("interface G0\n security-level 101\n nameif inside\n");
        assert_eq!(parsed.errors.len(), 1);
        let CommandKind::Interface(ifc) = &parsed.config.commands[0].kind else {
            panic!()
        };
        assert_eq!(ifc.nameif.as_ref().unwrap().text, "inside");
    }

    #[test]
    fn routes() {
        let r = route(Input::new("route outside 0 0 203.0.113.1 1"))
            .unwrap()
            .1;
        assert_eq!((r.prefix, r.distance), (0, 1));
        let r = route(Input::new(
            "route UNPROTECTED 20.0.0.0 255.255.255.248 0.0.0.0 5",
        ))
        .unwrap()
        .1;
        assert_eq!(
            (r.prefix, r.distance, r.gateway),
            (29, 5, Ipv4Addr::UNSPECIFIED)
        );
        assert!(route(Input::new(
            "route inside 10.0.0.0 255.0.0.0 10.0.30.1 track 1"
        ))
        .is_ok());
        assert!(route(Input::new("route inside 10.0.0.0 255.0.0.0")).is_err());
    }
}
