//! `access-list` and `access-group`.

use nom::branch::alt;
use nom::combinator::{map, opt, rest, success, value};
use nom::multi::many0;
use nom::sequence::preceded;
use nom::Parser;

use super::address::{address, port_spec_if, subnet};
use super::ast::{
    AccessGroup, AccessList, Ace, AceIcmp, AceProtocol, AclBinding, AclEntry, Action, Address,
    FtdAce, GroupType, Protocol,
};
use super::lexical::{
    icmp6_type, icmp_type, ipv4, kw, name, number, protocol, text, word, Input, PResult,
};
use super::GroupTypes;

/// ```text
/// access-list = "access-list" name [ "line" number ]
///   ( "remark" rest-of-line
///   | "advanced" advanced_ace
///   | [ "extended" ] ace
///   | "standard" action ( "any" | "any4" | "host" ipv4 | ipv4 mask )
///   | ( "webtype" | "ethertype" ) rest-of-line )
/// ```
pub fn access_list<'a>(input: Input<'a>, groups: &GroupTypes) -> PResult<'a, AccessList> {
    let (input, (_, name, _)) = (
        kw("access-list"),
        name,
        opt((kw("line"), number(1, u32::MAX, "a line number"))),
    )
        .parse(input)?;
    let (rest, entry) = alt((
        map(
            preceded(
                kw("remark"),
                alt((text, map(success(()), |_| String::new()))),
            ),
            AclEntry::Remark,
        ),
        preceded(kw("standard"), standard),
        map(preceded(kw("advanced"), |i| advanced_ace(i, groups)), |a| {
            AclEntry::Extended(Box::new(a))
        }),
        map((alt((kw("webtype"), kw("ethertype"))), rest), |_| {
            AclEntry::Other
        }),
        map(preceded(opt(kw("extended")), |i| ace(i, groups)), |a| {
            AclEntry::Extended(Box::new(a))
        }),
    ))
    .parse(input)?;
    Ok((rest, AccessList { name, entry }))
}

/// `action = "permit" | "deny"`
pub fn action(input: Input<'_>) -> PResult<'_, Action> {
    nom::error::context(
        "`permit` or `deny`",
        alt((
            value(Action::Permit, kw("permit")),
            value(Action::Deny, kw("deny")),
        )),
    )
    .parse(input)
}

fn standard(input: Input<'_>) -> PResult<'_, AclEntry> {
    map(
        (
            action,
            alt((
                map(kw("any4"), |_| Address::Any4),
                map(kw("any"), |_| Address::Any),
                map(preceded(kw("host"), ipv4), Address::Host),
                subnet,
            )),
        ),
        |(action, destination)| AclEntry::Standard {
            action,
            destination,
        },
    )
    .parse(input)
}

/// ```text
/// ace = action ace-protocol address [ port-spec ] address [ port-spec | icmp-spec ]
///       *( log-option | "time-range" name | "inactive" | ftd_option | hit_count )
/// ace-protocol = "object-group" name | "object" name | protocol
/// icmp-spec = icmp-type [ 0-255 ] | "object-group" name
/// ```
/// Which groups are port groups decides whether `object-group X` after the source
/// is a source-port condition or the destination.
pub fn ace<'a>(input: Input<'a>, groups: &GroupTypes) -> PResult<'a, Ace> {
    ace_entry(input, groups, false)
}

/// ```text
/// advanced_ace = advanced_action ace-protocol [ "ifc" name ] address [ port-spec ]
///                [ "ifc" name ] address [ port-spec | icmp-spec ]
///                *( log-option | "time-range" name | "inactive" | ftd_option | hit_count )
/// ```
/// Firepower Threat Defense's form (FMC and FDM write the access control policy as
/// `access-list CSM_FW_ACL_ advanced …`): `trust` and the `ifc` zone conditions are
/// what it adds to an extended entry.
pub fn advanced_ace<'a>(input: Input<'a>, groups: &GroupTypes) -> PResult<'a, Ace> {
    ace_entry(input, groups, true)
}

/// `advanced_action = "permit" | "deny" | "trust"`, with whether it was `trust`.
pub fn advanced_action(input: Input<'_>) -> PResult<'_, (Action, bool)> {
    nom::error::context(
        "`permit`, `deny` or `trust`",
        alt((
            map(action, |a| (a, false)),
            value((Action::Permit, true), kw("trust")),
        )),
    )
    .parse(input)
}

/// `ifc NAME`: only in an advanced entry (a zone condition on FTD).
fn interface_condition(
    advanced: bool,
) -> impl Fn(Input<'_>) -> PResult<'_, Option<super::ast::Name>> {
    move |input| {
        if advanced {
            opt(preceded(kw("ifc"), name)).parse(input)
        } else {
            Ok((input, None))
        }
    }
}

/// ```text
/// hit_count = "(hitcnt=" number ")" [ "0x" hex ]
/// ```
/// What `show access-list` prints after each entry (`(hitcnt=0) 0x6149c43c`): kept so
/// that pasted `show access-list` output reads as the configuration it shows.
pub fn hit_count(input: Input<'_>) -> PResult<'_, ()> {
    let counter = |w: &Input<'_>| {
        w.fragment()
            .strip_prefix("(hitcnt=")
            .and_then(|r| r.strip_suffix(')'))
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    let hash = |w: &Input<'_>| {
        w.fragment()
            .strip_prefix("0x")
            .is_some_and(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit()))
    };
    value(
        (),
        (
            nom::combinator::verify(word, counter),
            opt(nom::combinator::verify(word, hash)),
        ),
    )
    .parse(input)
}

/// ```text
/// ftd_option = "rule-id" number | "event-log" ( "flow-start" | "flow-end" | "both" )
/// ```
/// Gives the rule id, if this option is one.
pub fn ftd_option(input: Input<'_>) -> PResult<'_, Option<u64>> {
    alt((
        // After the keyword, a bad value is an error at the value, not the keyword.
        map(
            preceded(
                kw("rule-id"),
                nom::combinator::cut(number(0, u32::MAX, "a rule id")),
            ),
            |n| Some(u64::from(n)),
        ),
        value(
            None,
            preceded(
                kw("event-log"),
                nom::combinator::cut(nom::error::context(
                    "`flow-start`, `flow-end` or `both`",
                    alt((kw("flow-start"), kw("flow-end"), kw("both"))),
                )),
            ),
        ),
    ))
    .parse(input)
}

fn ace_entry<'a>(input: Input<'a>, groups: &GroupTypes, advanced: bool) -> PResult<'a, Ace> {
    let is_port_group = |n: &str| matches!(groups.get(n), Some(GroupType::Service(Some(_))));
    let is_icmp_group = |n: &str| matches!(groups.get(n), Some(GroupType::IcmpType));
    let (input, (action, trust)) = if advanced {
        advanced_action(input)?
    } else {
        map(action, |a| (a, false)).parse(input)?
    };
    let (input, protocol) = ace_protocol(input)?;
    let carries_ports = match &protocol {
        AceProtocol::Protocol(Protocol::Number(6 | 17 | 132)) => true,
        AceProtocol::Protocol(_) | AceProtocol::ServiceObject(_) => false,
        // A protocol group may hold tcp or udp; a service group never takes ports.
        AceProtocol::Group(g) => matches!(groups.get(&g.text), Some(GroupType::Protocol)),
    };
    let is_icmp = matches!(protocol, AceProtocol::Protocol(Protocol::Number(1 | 58)));
    let is_icmp6 = matches!(protocol, AceProtocol::Protocol(Protocol::Number(58)));
    let (input, source_interface) = interface_condition(advanced)(input)?;
    let (input, source) = address(input)?;
    let (input, source_port) = if carries_ports {
        port_spec_if(is_port_group).parse(input)?
    } else {
        (input, None)
    };
    let (input, destination_interface) = interface_condition(advanced)(input)?;
    let (input, destination) = address(input)?;
    let (input, destination_port) = if carries_ports {
        port_spec_if(is_port_group).parse(input)?
    } else {
        (input, None)
    };
    let (input, icmp) = if is_icmp {
        opt(alt((
            map(
                (
                    move |i| {
                        if is_icmp6 {
                            icmp6_type(i)
                        } else {
                            icmp_type(i)
                        }
                    },
                    opt(number(0, 255, "an ICMP code")),
                ),
                |(t, c)| AceIcmp::Type(t, c.map(|c| c as u8)),
            ),
            map(
                nom::combinator::verify(preceded(kw("object-group"), name), |n| {
                    is_icmp_group(&n.text)
                }),
                AceIcmp::Group,
            ),
        )))
        .parse(input)?
    } else {
        (input, None)
    };
    let mut inactive = false;
    let mut time_range = None;
    let mut rule_id = None;
    let (input, _) = many0(alt((
        map(log_option, |_| ()),
        map(kw("inactive"), |_| inactive = true),
        map(preceded(kw("time-range"), name), |n| time_range = Some(n)),
        map(ftd_option, |id| rule_id = id.or(rule_id)),
        map(hit_count, |_| ()),
    )))
    .parse(input)?;
    Ok((
        input,
        Ace {
            action,
            protocol,
            source,
            source_port,
            destination,
            destination_port,
            icmp,
            inactive,
            time_range,
            ftd: Some(FtdAce {
                trust,
                source_interface,
                destination_interface,
                rule_id,
            })
            .filter(|ftd| *ftd != FtdAce::default())
            .map(Box::new),
        },
    ))
}

/// `ace-protocol = "object-group" name | "object" name | protocol`
fn ace_protocol(input: Input<'_>) -> PResult<'_, AceProtocol> {
    nom::error::context(
        "a protocol, `object` or `object-group`",
        alt((
            map(preceded(kw("object-group"), name), AceProtocol::Group),
            map(preceded(kw("object"), name), AceProtocol::ServiceObject),
            map(protocol, |p| {
                AceProtocol::Protocol(if p == 0 {
                    Protocol::Ip
                } else {
                    Protocol::Number(p)
                })
            }),
        )),
    )
    .parse(input)
}

/// ```text
/// log-option = "log" [ level ] [ "interval" number ] | "log" ( "disable" | "default" )
/// level = 0-7 | "emergencies" | "alerts" | "critical" | "errors" | "warnings"
///       | "notifications" | "informational" | "debugging"
/// ```
fn log_option(input: Input<'_>) -> PResult<'_, ()> {
    const LEVELS: &[&str] = &[
        "emergencies",
        "alerts",
        "critical",
        "errors",
        "warnings",
        "notifications",
        "informational",
        "debugging",
        "disable",
        "default",
    ];
    let level = |i| {
        nom::combinator::verify(word, |w: &Input<'_>| {
            let t = w.fragment();
            LEVELS.iter().any(|l| l.eq_ignore_ascii_case(t))
                || t.parse::<u8>().is_ok_and(|n| n <= 7)
        })
        .parse(i)
    };
    value(
        (),
        (
            kw("log"),
            opt(level),
            opt((kw("interval"), number(1, 600, "a log interval 1-600"))),
        ),
    )
    .parse(input)
}

/// ```text
/// access-group = "access-group" name ( ( "in" | "out" ) "interface" name
///                                      [ "per-user-override" | "control-plane" ] | "global" )
/// ```
pub fn access_group(input: Input<'_>) -> PResult<'_, AccessGroup> {
    map(
        (
            kw("access-group"),
            name,
            nom::error::context(
                "`in interface`, `out interface` or `global`",
                alt((
                    map(preceded((kw("in"), kw("interface")), name), AclBinding::In),
                    map(
                        preceded((kw("out"), kw("interface")), name),
                        AclBinding::Out,
                    ),
                    map(kw("global"), |_| AclBinding::Global),
                )),
            ),
            opt(alt((kw("per-user-override"), kw("control-plane")))),
        ),
        |(_, acl, binding, _)| AccessGroup { acl, binding },
    )
    .parse(input)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::ast::PortSpec;

    fn groups() -> GroupTypes {
        [
            (
                "PORTS".to_string(),
                GroupType::Service(Some(Protocol::Number(6))),
            ),
            ("NETS".to_string(), GroupType::Network),
            ("SVC".to_string(), GroupType::Service(None)),
            ("ICMPS".to_string(), GroupType::IcmpType),
        ]
        .into_iter()
        .collect()
    }

    fn entry(text: &str) -> AclEntry {
        match (|i| access_list(i, &groups()), super::super::lexical::end).parse(Input::new(text)) {
            Ok((_, (acl, ()))) => acl.entry,
            Err(e) => panic!("{text}: {e:?}"),
        }
    }

    fn ace_of(text: &str) -> Ace {
        match entry(text) {
            AclEntry::Extended(ace) => *ace,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn real_world_aces() {
        let a = ace_of("access-list OUTSIDE_in extended permit icmp any4 0.0.0.0 0.0.0.0 unreachable log interval 1");
        assert_eq!(a.icmp, Some(AceIcmp::Type(3, None)));
        let a = ace_of("access-list management_in extended permit tcp host 198.51.100.5 range 49152 65535 198.51.100.0 255.255.255.0 eq 100");
        assert!(a.source_port.is_some() && a.destination_port.is_some());
        let a = ace_of(
            "access-list outside extended permit tcp object-group NETS interface outside eq https",
        );
        assert!(matches!(a.destination, Address::Interface(_)));
        let a = ace_of("access-list X deny ip any any");
        assert_eq!(a.action, Action::Deny);
        let a = ace_of(
            "access-list I extended deny object-group SVC object-group NETS any log disable",
        );
        assert!(matches!(a.protocol, AceProtocol::Group(_)));
        let a = ace_of("access-list A extended permit tcp any object-group PORTS object-group NETS object-group PORTS inactive time-range WORK");
        assert!(matches!(a.source_port, Some(PortSpec::Group(_))));
        assert!(a.inactive && a.time_range.is_some());
        let a = ace_of("access-list A extended permit tcp any object-group NETS eq 7003 log 6");
        assert!(a.source_port.is_none() && matches!(a.destination, Address::Group(_)));
        let a = ace_of("access-list A line 3 extended permit icmp any any object-group ICMPS");
        assert!(matches!(a.icmp, Some(AceIcmp::Group(_))));
        let a = ace_of("access-list A extended permit ip any6 2001:db8::/32");
        assert_eq!(a.destination, Address::Ipv6);
    }

    /// Entries as FTD's `show running-config` prints them (Cisco TAC documents 212321 and
    /// 212700; the `ifc` form from Batfish's FTD tests).
    #[test]
    fn ftd_advanced_entries() {
        let a = ace_of("access-list CSM_FW_ACL_ advanced deny tcp host 192.168.1.40 host 192.168.2.40 eq www rule-id 268435461 event-log flow-start");
        assert_eq!(a.action, Action::Deny);
        assert_eq!(a.ftd().rule_id, Some(268435461));
        let a = ace_of(
            "access-list CSM_FW_ACL_ advanced permit udp any range 1025 65535 any eq 3544 rule-id 9998",
        );
        assert!(a.source_port.is_some() && !a.ftd().trust);
        let a = ace_of("access-list CSM_FW_ACL_ advanced permit ipinip any any rule-id 9998");
        assert_eq!(a.protocol, AceProtocol::Protocol(Protocol::Number(4)));
        let a = ace_of("access-list CSM_FW_ACL_ advanced trust tcp ifc OUTSIDE any any eq 80 rule-id 268455934");
        assert!(a.ftd().trust && a.action == Action::Permit);
        assert!(matches!(&a.ftd().source_interface, Some(n) if n.text == "OUTSIDE"));
        assert!(a.ftd().destination_interface.is_none());
        let a = ace_of("access-list CSM_FW_ACL_ advanced deny tcp ifc inside object-group NETS ifc dmz any eq 2222 rule-id 268435470 event-log both");
        assert!(matches!(a.source, Address::Group(_)));
        assert!(matches!(&a.ftd().destination_interface, Some(n) if n.text == "dmz"));
        let a = ace_of("access-list CSM_FW_ACL_ advanced trust ip object-group NETS object-group NETS rule-id 1 event-log flow-end");
        assert!(a.ftd().trust);
        // `show access-list` output (Cisco TAC 212321).
        let a = ace_of("access-list CSM_FW_ACL_ line 10 advanced deny tcp host 192.168.1.40 host 192.168.2.40 eq www rule-id 268435461 event-log flow-start (hitcnt=0) 0x6149c43c");
        assert_eq!(a.ftd().rule_id, Some(268435461));
        assert!(matches!(
            entry("access-list CSM_FW_ACL_ remark rule-id 268435461: L7 RULE: Allow-MRA"),
            AclEntry::Remark(r) if r.ends_with("Allow-MRA")
        ));
    }

    #[test]
    fn ftd_forms_are_errors_where_they_do_not_belong() {
        let bad = |text: &str| {
            (|i| access_list(i, &groups()), super::super::lexical::end)
                .parse(Input::new(text))
                .is_err()
        };
        assert!(bad("access-list A extended trust ip any any"));
        assert!(bad("access-list A extended permit ip ifc inside any any"));
        assert!(bad(
            "access-list CSM_FW_ACL_ advanced permit ip any any event-log sometimes"
        ));
        assert!(bad(
            "access-list CSM_FW_ACL_ advanced allow ip any any rule-id 1"
        ));
        assert!(bad(
            "access-list CSM_FW_ACL_ advanced permit ip any any rule-id x"
        ));
    }

    #[test]
    fn remark_standard_and_others() {
        assert!(
            matches!(entry("access-list A remark mralint: ignore[MRA001] lab"), AclEntry::Remark(r) if r.starts_with("mralint"))
        );
        assert!(matches!(
            entry("access-list S standard permit 10.0.0.0 255.0.0.0"),
            AclEntry::Standard { .. }
        ));
        assert!(matches!(
            entry("access-list E ethertype permit bpdu"),
            AclEntry::Other
        ));
    }

    #[test]
    fn access_groups() {
        let g = access_group(Input::new("access-group OUT_in in interface outside"))
            .unwrap()
            .1;
        assert!(matches!(g.binding, AclBinding::In(n) if n.text == "outside"));
        let g = access_group(Input::new("access-group G global")).unwrap().1;
        assert!(matches!(g.binding, AclBinding::Global));
    }
}
