//! Inspection policy (`class-map`, `policy-map`, `service-policy`), `timeout conn`
//! and `same-security-traffic`.

use nom::branch::alt;
use nom::combinator::{consumed, map, map_opt, opt, rest, value};
use nom::sequence::preceded;
use nom::Parser;

use super::address::port_op;
use super::ast::{ClassMap, ClassMatch, PolicyClass, PolicyMap, SameSecurity, ServicePolicy};
use super::lexical::{at_keyword, kw, name, span_of, starts_with_words, word, Input, PResult};
use super::object::port_protocol;
use super::{line, Block, SyntaxError};

/// `same-security-traffic = "same-security-traffic" "permit" ( "inter-interface" | "intra-interface" )`
pub fn same_security_traffic(input: Input<'_>) -> PResult<'_, SameSecurity> {
    preceded(
        (kw("same-security-traffic"), kw("permit")),
        nom::error::context(
            "`inter-interface` or `intra-interface`",
            alt((
                value(SameSecurity::InterInterface, kw("inter-interface")),
                value(SameSecurity::IntraInterface, kw("intra-interface")),
            )),
        ),
    )
    .parse(input)
}

/// `duration = H ":" MM ":" SS`, in seconds.
pub fn duration(input: Input<'_>) -> PResult<'_, u32> {
    nom::error::context(
        "a duration H:MM:SS",
        map_opt(word, |w| parse_duration(w.fragment())),
    )
    .parse(input)
}

fn parse_duration(text: &str) -> Option<u32> {
    let parts: Vec<&str> = text.split(':').collect();
    let [h, m, s] = parts.as_slice() else {
        return None;
    };
    let (h, m, s): (u32, u32, u32) = (h.parse().ok()?, m.parse().ok()?, s.parse().ok()?);
    (m < 60 && s < 60 && h < 1_000_000).then_some(h * 3600 + m * 60 + s)
}

/// `timeout-conn = "timeout" "conn" duration *( word duration )` (other timers on the same line are kept but not modelled)
pub fn timeout_conn(input: Input<'_>) -> PResult<'_, u32> {
    map(
        (kw("timeout"), kw("conn"), duration, rest),
        |(_, _, d, _)| d,
    )
    .parse(input)
}

/// ```text
/// class-map = "class-map" name
///   sub-lines: "match" ( "any" | "default-inspection-traffic" | "access-list" name
///                      | "port" port-protocol port-op | rest-of-line ) | "description" rest-of-line
/// ```
pub fn class_map_block(block: &Block<'_>, errors: &mut Vec<SyntaxError>) -> Option<ClassMap> {
    let class_name = line(block.header, preceded(kw("class-map"), name), errors)?;
    let mut class_map = ClassMap {
        name: class_name,
        matches: Vec::new(),
    };
    for &child in &block.children {
        if !at_keyword(child, &["match"]) {
            continue;
        }
        if let Some((text, class_match)) = line(child, consumed(class_match), errors) {
            class_map.matches.push((class_match, span_of(text)));
        }
    }
    Some(class_map)
}

fn class_match(input: Input<'_>) -> PResult<'_, ClassMatch> {
    preceded(
        kw("match"),
        alt((
            value(ClassMatch::Any, kw("any")),
            value(
                ClassMatch::DefaultInspectionTraffic,
                kw("default-inspection-traffic"),
            ),
            map(preceded(kw("access-list"), name), ClassMatch::AccessList),
            map(preceded(kw("port"), (port_protocol, port_op)), |(p, op)| {
                ClassMatch::Port(p, op)
            }),
            map(rest, |_| ClassMatch::Other),
        )),
    )
    .parse(input)
}

/// ```text
/// policy-map = "policy-map" name
///   sub-lines: "class" name, then under it: "inspect" rest-of-line
///            | "set" "connection" "timeout" "idle" duration [ "reset" ] | other
/// ```
pub fn policy_map_block(block: &Block<'_>, errors: &mut Vec<SyntaxError>) -> Option<PolicyMap> {
    let policy_name = line(block.header, preceded(kw("policy-map"), name), errors)?;
    let mut policy = PolicyMap {
        name: policy_name,
        classes: Vec::new(),
    };
    for &child in &block.children {
        if at_keyword(child, &["class"]) {
            if let Some(class) = line(child, preceded(kw("class"), name), errors) {
                policy.classes.push(PolicyClass {
                    class,
                    inspects: Vec::new(),
                    idle_timeout: None,
                });
            }
            continue;
        }
        let Some(class) = policy.classes.last_mut() else {
            continue;
        };
        if at_keyword(child, &["inspect"]) {
            if let Some(protocol) = line(child, inspect, errors) {
                class.inspects.push((protocol, span_of(child)));
            }
        } else if starts_with_words(child, "set connection timeout") {
            if let Some(idle) = line(child, set_connection_timeout, errors) {
                class.idle_timeout = idle.map(|d| (d, span_of(child)));
            }
        }
    }
    Some(policy)
}

/// `inspect = "inspect" word [ word ] [ name ]`: the inspected protocol, e.g. `sip`, `h323 h225`.
fn inspect(input: Input<'_>) -> PResult<'_, String> {
    map((kw("inspect"), rest), |(_, r): (_, Input<'_>)| {
        let words: Vec<&str> = r.fragment().split_whitespace().collect();
        let take = if words
            .first()
            .is_some_and(|w| w.eq_ignore_ascii_case("h323"))
        {
            2
        } else {
            1
        };
        words
            .iter()
            .take(take)
            .copied()
            .collect::<Vec<_>>()
            .join(" ")
            .to_ascii_lowercase()
    })
    .parse(input)
}

/// `set-connection-timeout = "set" "connection" "timeout" ( "idle" duration [ "reset" ] [ "dcd" … ] | rest-of-line )`
fn set_connection_timeout(input: Input<'_>) -> PResult<'_, Option<u32>> {
    preceded(
        (kw("set"), kw("connection"), kw("timeout")),
        alt((
            map(
                (kw("idle"), duration, opt(kw("reset")), rest),
                |(_, d, _, _)| Some(d),
            ),
            map(rest, |_| None),
        )),
    )
    .parse(input)
}

/// `service-policy = "service-policy" name ( "global" | "interface" name )`
pub fn service_policy(input: Input<'_>) -> PResult<'_, ServicePolicy> {
    map(
        (
            kw("service-policy"),
            name,
            nom::error::context(
                "`global` or `interface`",
                alt((
                    map(kw("global"), |_| None),
                    map(preceded(kw("interface"), name), Some),
                )),
            ),
        ),
        |(_, policy, interface)| ServicePolicy { policy, interface },
    )
    .parse(input)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::ast::CommandKind;
    use crate::syntax::parse_config;

    #[test]
    fn default_global_policy() {
        let parsed = parse_config(
            "class-map inspection_default\n match default-inspection-traffic\npolicy-map type inspect dns preset_dns_map\n parameters\n  message-length maximum client auto\npolicy-map global_policy\n class inspection_default\n  inspect dns preset_dns_map\n  inspect h323 h225\n  inspect sip\n  set connection timeout idle 2:00:00 reset\nservice-policy global_policy global\ntimeout conn 1:00:00 half-closed 0:10:00 udp 0:02:00\n",
        );
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let kinds: Vec<_> = parsed.config.commands.iter().map(|c| &c.kind).collect();
        assert!(matches!(kinds[1], CommandKind::Unrecognized));
        let CommandKind::PolicyMap(p) = kinds[2] else {
            panic!()
        };
        let inspects: Vec<_> = p.classes[0]
            .inspects
            .iter()
            .map(|(s, _)| s.as_str())
            .collect();
        assert_eq!(inspects, ["dns", "h323 h225", "sip"]);
        assert_eq!(p.classes[0].idle_timeout.unwrap().0, 7200);
        assert!(matches!(kinds[4], CommandKind::TimeoutConn(3600)));
    }

    #[test]
    fn same_security() {
        assert_eq!(
            same_security_traffic(Input::new("same-security-traffic permit intra-interface"))
                .unwrap()
                .1,
            SameSecurity::IntraInterface
        );
    }
}
