//! Object NAT (the ` nat` line under `object network`) and twice NAT (top-level `nat`).

use nom::branch::alt;
use nom::bytes::complete::{tag, take_till1};
use nom::character::complete::{space0, space1};
use nom::combinator::{consumed, map, opt, value, verify};
use nom::multi::many0;
use nom::sequence::{delimited, preceded, terminated};
use nom::Parser;

use super::ast::{
    Name, Nat, NatInterfaces, NatKind, NatMapped, NatOptions, NatSection, ObjectNat, Port,
};
use super::lexical::{
    ipv4, ipv6, ipv6_prefix, kw, name, number, port, span_of, text, Input, PResult,
};

/// Pre-8.3 `nat (IFC) ID …` has one interface in its parentheses; 8.3+ has two or none.
pub fn is_legacy_nat(header: Input<'_>) -> bool {
    let after = header.fragment()[3..].trim_start();
    match (after.strip_prefix('('), after.find(')')) {
        (Some(_), Some(close)) => !after[..close].contains(','),
        _ => false,
    }
}

/// `nat-interfaces = "(" name "," name ")"`; `any` becomes `None`.
pub fn nat_interfaces(input: Input<'_>) -> PResult<'_, NatInterfaces> {
    let ifc = |i| {
        map(
            delimited(
                space0,
                take_till1(|c: char| c == ',' || c == ')' || c == ' '),
                space0,
            ),
            |w: Input<'_>| {
                (!w.fragment().eq_ignore_ascii_case("any"))
                    .then(|| Name::new(w.fragment().to_string(), span_of(w)))
            },
        )
        .parse(i)
    };
    nom::error::context(
        "an interface pair such as (inside,outside)",
        map(
            terminated(
                (tag("("), ifc, tag(","), ifc, tag(")")),
                alt((space1, space0)),
            ),
            |(_, real, _, mapped, _)| NatInterfaces { real, mapped },
        ),
    )
    .parse(input)
}

/// ```text
/// object-nat = "nat" [ nat-interfaces ]
///   ( "static" static-mapped *( "net-to-net" | "dns" | "no-proxy-arp" | "route-lookup"
///                              | "service" port-protocol port port )
///   | "dynamic" dynamic-mapped [ "interface" [ "ipv6" ] ] *( "dns" ) )
/// static-mapped  = ipv4 | "interface" [ "ipv6" ] | name
/// dynamic-mapped = "interface" [ "ipv6" ] | "pat-pool" name *pat-pool-option | ipv4 | name
/// ```
pub fn object_nat(input: Input<'_>) -> PResult<'_, ObjectNat> {
    let (rest, (text, (_, interfaces, (kind, mapped, fallback), (service, options)))) = consumed((
        kw("nat"),
        opt(nat_interfaces),
        alt((
            map(preceded(kw("static"), static_mapped), |m| {
                (NatKind::Static, m, false)
            }),
            map(
                (
                    preceded(kw("dynamic"), dynamic_mapped),
                    opt(interface_fallback),
                ),
                |(m, f)| (NatKind::Dynamic, m, f.is_some()),
            ),
        )),
        object_nat_options,
    ))
    .parse(input)?;
    Ok((
        rest,
        ObjectNat {
            span: span_of(text),
            interfaces: interfaces.unwrap_or_default(),
            kind,
            mapped,
            interface_fallback: fallback,
            service,
            options,
        },
    ))
}

fn static_mapped(input: Input<'_>) -> PResult<'_, NatMapped> {
    nom::error::context(
        "a mapped address, object, group or `interface`",
        alt((
            map(ipv4, NatMapped::Address),
            map(alt((ipv6_prefix, ipv6)), |_| NatMapped::Ipv6),
            map((kw("interface"), opt(kw("ipv6"))), |_| NatMapped::Interface),
            map(mapped_name, NatMapped::Named),
        )),
    )
    .parse(input)
}

fn dynamic_mapped(input: Input<'_>) -> PResult<'_, NatMapped> {
    nom::error::context(
        "a mapped address, object, group, `interface` or `pat-pool`",
        alt((
            map((kw("interface"), opt(kw("ipv6"))), |_| NatMapped::Interface),
            pat_pool,
            map(ipv4, NatMapped::Address),
            map(alt((ipv6_prefix, ipv6)), |_| NatMapped::Ipv6),
            map(mapped_name, NatMapped::Named),
        )),
    )
    .parse(input)
}

/// A name that is not one of the option keywords.
fn mapped_name(input: Input<'_>) -> PResult<'_, Name> {
    verify(name, |n: &Name| !is_option_keyword(&n.text)).parse(input)
}

fn is_option_keyword(word: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "destination",
        "service",
        "net-to-net",
        "dns",
        "unidirectional",
        "no-proxy-arp",
        "route-lookup",
        "inactive",
        "description",
        "interface",
        "pat-pool",
        "round-robin",
        "extended",
        "flat",
        "include-reserve",
        "block-allocation",
    ];
    KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(word))
}

/// `pat-pool = "pat-pool" name *pat-pool-option`
fn pat_pool(input: Input<'_>) -> PResult<'_, NatMapped> {
    map(
        terminated(preceded(kw("pat-pool"), name), many0(pat_pool_option)),
        NatMapped::PatPool,
    )
    .parse(input)
}

/// `pat-pool-option = "round-robin" | "extended" | "flat" | "include-reserve" | "block-allocation"`
fn pat_pool_option(input: Input<'_>) -> PResult<'_, ()> {
    value(
        (),
        alt((
            kw("round-robin"),
            kw("extended"),
            kw("flat"),
            kw("include-reserve"),
            kw("block-allocation"),
        )),
    )
    .parse(input)
}

fn interface_fallback(input: Input<'_>) -> PResult<'_, ()> {
    value((), (kw("interface"), opt(kw("ipv6")))).parse(input)
}

type ObjectNatService = Option<(u8, Port, Port)>;

fn object_nat_options(input: Input<'_>) -> PResult<'_, (ObjectNatService, NatOptions)> {
    let mut options = NatOptions::default();
    let mut service = None;
    let mut rest = input;
    loop {
        if let Ok((r, svc)) = preceded(
            kw("service"),
            (
                alt((
                    value(6u8, kw("tcp")),
                    value(17u8, kw("udp")),
                    value(132u8, kw("sctp")),
                )),
                port,
                port,
            ),
        )
        .parse(rest)
        {
            service = Some(svc);
            rest = r;
        } else if let Ok((r, flag)) = nat_option(rest) {
            apply(&mut options, flag);
            rest = r;
        } else {
            return Ok((rest, (service, options)));
        }
    }
}

/// One option word of a NAT rule.
#[derive(Clone, Debug)]
enum NatFlag {
    Unidirectional,
    Inactive,
    NoProxyArp,
    RouteLookup,
    Dns,
    NetToNet,
    /// A `pat-pool` option written after the interface fallback
    /// (`pat-pool P interface flat`): it changes no path result.
    PatPoolOption,
    Description(String),
}

/// `nat-option = "unidirectional" | "inactive" | "no-proxy-arp" | "route-lookup" | "dns" | "net-to-net" | pat-pool-option | "description" rest-of-line`
/// `pat-pool-option = "round-robin" | "extended" | "flat" | "include-reserve" | "block-allocation"`
fn nat_option(input: Input<'_>) -> PResult<'_, NatFlag> {
    alt((
        value(NatFlag::Unidirectional, kw("unidirectional")),
        value(NatFlag::Inactive, kw("inactive")),
        value(NatFlag::NoProxyArp, kw("no-proxy-arp")),
        value(NatFlag::RouteLookup, kw("route-lookup")),
        value(NatFlag::Dns, kw("dns")),
        value(NatFlag::NetToNet, kw("net-to-net")),
        value(NatFlag::PatPoolOption, pat_pool_option),
        map(preceded(kw("description"), text), NatFlag::Description),
    ))
    .parse(input)
}

fn apply(options: &mut NatOptions, flag: NatFlag) {
    match flag {
        NatFlag::Unidirectional => options.unidirectional = true,
        NatFlag::Inactive => options.inactive = true,
        NatFlag::NoProxyArp => options.no_proxy_arp = true,
        NatFlag::RouteLookup => options.route_lookup = true,
        NatFlag::Dns => options.dns = true,
        NatFlag::NetToNet => options.net_to_net = true,
        NatFlag::PatPoolOption => {}
        NatFlag::Description(text) => options.description = Some(text),
    }
}

/// ```text
/// twice-nat = "nat" [ nat-interfaces ] [ line-number | "after-auto" [ line-number ] ]
///   "source" ( "static" nat-real ( "interface" [ "ipv6" ] | nat-real )
///            | "dynamic" nat-real ( dynamic-mapped [ "interface" [ "ipv6" ] ] ) )
///   [ "destination" "static" ( "interface" | nat-real ) nat-real ]
///   [ "service" name name ]
///   *( "net-to-net" | "dns" | "unidirectional" | "no-proxy-arp" | "route-lookup" | "inactive" )
///   [ "description" rest-of-line ]
/// nat-real = "any" | name
/// ```
pub fn twice_nat(input: Input<'_>) -> PResult<'_, Nat> {
    let (rest, (_, interfaces, section, _, (kind, real_source, mapped_source, fallback))) = (
        kw("nat"),
        opt(nat_interfaces),
        nat_section,
        nom::error::context("`source`", kw("source")),
        nom::error::context(
            "`static` or `dynamic`",
            alt((
                map(
                    preceded(
                        kw("static"),
                        (
                            nat_real,
                            alt((
                                map((kw("interface"), opt(kw("ipv6"))), |_| NatMapped::Interface),
                                nat_real,
                            )),
                        ),
                    ),
                    |(r, m)| (NatKind::Static, r, m, false),
                ),
                map(
                    preceded(
                        kw("dynamic"),
                        (
                            nat_real,
                            alt((map(kw("any"), |_| NatMapped::Any), dynamic_mapped)),
                            opt(interface_fallback),
                        ),
                    ),
                    |(r, m, f)| (NatKind::Dynamic, r, m, f.is_some()),
                ),
            )),
        ),
    )
        .parse(input)?;
    let (rest, destination) = opt(preceded(
        (
            kw("destination"),
            nom::error::context("`static`", kw("static")),
        ),
        (
            alt((map(kw("interface"), |_| NatMapped::Interface), nat_real)),
            nat_real,
        ),
    ))
    .parse(rest)?;
    let (rest, service) = opt(preceded(kw("service"), (name, name))).parse(rest)?;
    let (rest, flags) = many0(nat_option).parse(rest)?;
    let mut options = NatOptions::default();
    flags.into_iter().for_each(|flag| apply(&mut options, flag));
    Ok((
        rest,
        Nat {
            interfaces: interfaces.unwrap_or_default(),
            section,
            kind,
            real_source,
            mapped_source,
            interface_fallback: fallback,
            destination,
            service,
            options,
        },
    ))
}

/// `[ line-number | "after-auto" [ line-number ] ]`
fn nat_section(input: Input<'_>) -> PResult<'_, NatSection> {
    let line = || number(1, 2_147_483_647, "a line number");
    alt((
        map(
            preceded(kw("after-auto"), opt(line())),
            NatSection::AfterAuto,
        ),
        map(line(), |n| NatSection::Before(Some(n))),
        map(nom::combinator::success(()), |_| NatSection::Before(None)),
    ))
    .parse(input)
}

/// `nat-real = "any" | name`
fn nat_real(input: Input<'_>) -> PResult<'_, NatMapped> {
    nom::error::context(
        "`any` or an object or group name",
        alt((
            map(kw("any"), |_| NatMapped::Any),
            map(mapped_name, NatMapped::Named),
        )),
    )
    .parse(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn twice(text: &str) -> Nat {
        match (twice_nat, super::super::lexical::end).parse(Input::new(text)) {
            Ok((_, (nat, ()))) => nat,
            Err(e) => panic!("{text}: {e:?}"),
        }
    }

    #[test]
    fn twice_nat_forms() {
        let n = twice(
            "nat (inside,dmz) source static EXPC EXPC destination static EXPE-PUBLIC EXPE-REAL",
        );
        assert_eq!(n.interfaces.real.unwrap().text, "inside");
        assert_eq!(n.kind, NatKind::Static);
        assert!(n.destination.is_some());
        let n =
            twice("nat (any,any) after-auto 3 source dynamic src pat-pool pool block-allocation");
        assert_eq!(n.section, NatSection::AfterAuto(Some(3)));
        assert!(matches!(n.mapped_source, NatMapped::PatPool(_)));
        let n = twice("nat source static net1 net2 dns no-proxy-arp unidirectional");
        assert!(n.options.unidirectional && n.options.dns && n.interfaces.real.is_none());
        let n = twice("nat (inside,outside) 1 source static NOC NOC destination static REMOTE REMOTE no-proxy-arp route-lookup description VPN exemption");
        assert_eq!(n.section, NatSection::Before(Some(1)));
        assert!(n.options.route_lookup);
        assert_eq!(n.options.description.as_deref(), Some("VPN exemption"));
        let n = twice("nat (INSIDE,INSIDE) source dynamic INTERNAL interface destination static WEB_PUBLIC WEB_LOCAL service HTTP HTTP");
        assert_eq!(n.mapped_source, NatMapped::Interface);
        assert!(n.service.is_some());
        let n = twice("nat (outside,inside) source static any any destination static interface SERVER service HTTP HTTP inactive");
        assert!(n.options.inactive);
        let n = twice("nat (inside,outside) source dynamic LAN POOL interface");
        assert!(n.interface_fallback);
    }

    #[test]
    fn object_nat_forms() {
        let nat = |t| object_nat(Input::new(t)).unwrap().1;
        assert_eq!(
            nat("nat (inside,outside) static 203.0.113.10").mapped,
            NatMapped::Address("203.0.113.10".parse().unwrap())
        );
        let n = nat("nat (inside,outside) static interface service tcp www 8080");
        assert_eq!(
            n.service,
            Some((6, Port::Named("www".into()), Port::Number(8080)))
        );
        assert_eq!(
            nat("nat (INSIDE,OUTSIDE) dynamic interface").mapped,
            NatMapped::Interface
        );
        assert!(nat("nat (any,any) static 192.168.4.111")
            .interfaces
            .real
            .is_none());
        assert!(nat("nat dynamic POOL interface").interface_fallback);
        assert!(matches!(
            nat("nat (inside,outside) dynamic pat-pool P round-robin").mapped,
            NatMapped::PatPool(_)
        ));
        assert!(
            nat("nat (dmz,outside) static 64.100.0.10 net-to-net dns no-proxy-arp")
                .options
                .dns
        );
    }

    #[test]
    fn legacy_forms() {
        assert!(is_legacy_nat(Input::new("nat (inside) 1 0 0")));
        assert!(!is_legacy_nat(Input::new(
            "nat (inside,outside) source static A A"
        )));
        assert!(!is_legacy_nat(Input::new("nat source static A A")));
        assert!(!is_legacy_nat(Input::new(
            "nat ( inside, outside ) source static A A"
        )));
    }
}
