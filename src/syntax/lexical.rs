//! Shared tokens of the ASA grammar: words, keywords, names, addresses, ports.
//!
//! ```text
//! word     = 1*( any character but space or tab )
//! keyword  = word compared case-insensitively
//! name     = word                                  (object, group, ACL, interface names)
//! ipv4     = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT | "0"
//! mask     = ipv4 with contiguous one bits
//! port     = 1*5DIGIT (0-65535) | port-name        (table below)
//! ```

use std::net::Ipv4Addr;

use nom::bytes::complete::take_till1;
use nom::character::complete::space0;
use nom::combinator::{eof, map, map_opt, rest, verify};
use nom::error::{ContextError, ErrorKind, FromExternalError, ParseError};
use nom::sequence::terminated;
use nom::{IResult, Input as _, Parser};

use super::ast::{Name, Port};
use crate::source::Span;

/// Parser input: one line of the file, positioned in the whole file.
pub type Input<'a> = nom_locate::LocatedSpan<&'a str>;

/// Why a recognised command could not be parsed: where, and what was expected there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub offset: usize,
    pub expected: Option<&'static str>,
}

impl<'a> ParseError<Input<'a>> for Failure {
    fn from_error_kind(input: Input<'a>, _kind: ErrorKind) -> Self {
        Failure {
            offset: input.location_offset(),
            expected: None,
        }
    }

    fn append(_input: Input<'a>, _kind: ErrorKind, other: Self) -> Self {
        other
    }

    /// Of two alternatives that failed, the one that got further explains better; on a
    /// tie, the first.
    fn or(self, other: Self) -> Self {
        if other.offset > self.offset {
            other
        } else {
            self
        }
    }
}

impl<'a> ContextError<Input<'a>> for Failure {
    fn add_context(input: Input<'a>, ctx: &'static str, mut other: Self) -> Self {
        if other.expected.is_none() || other.offset == input.location_offset() {
            other.expected = Some(ctx);
            other.offset = other.offset.max(input.location_offset());
        }
        other
    }
}

impl<'a, E> FromExternalError<Input<'a>, E> for Failure {
    fn from_external_error(input: Input<'a>, kind: ErrorKind, _e: E) -> Self {
        Failure::from_error_kind(input, kind)
    }
}

pub type PResult<'a, T> = IResult<Input<'a>, T, Failure>;

/// The span of a token.
pub fn span_of(token: Input<'_>) -> Span {
    let start = token.location_offset();
    Span::new(start, start + token.fragment().len())
}

/// `word = 1*( any character but space or tab )`, with the blanks after it.
pub fn word(input: Input<'_>) -> PResult<'_, Input<'_>> {
    terminated(take_till1(|c: char| c == ' ' || c == '\t'), space0).parse(input)
}

/// `keyword`: one whole word, compared case-insensitively.
pub fn kw<'a>(
    keyword: &'static str,
) -> impl Parser<Input<'a>, Output = Input<'a>, Error = Failure> {
    // One comparison of the next word, rather than a tag, a lookahead and a skip: keywords
    // are most of what the parser tries, so this is its hot path.
    move |input: Input<'a>| {
        let text = input.fragment().as_bytes();
        // A keyword is ASCII: a word of another length cannot be it, whatever it holds.
        let matches = text.len() >= keyword.len()
            && text[..keyword.len()].eq_ignore_ascii_case(keyword.as_bytes())
            && matches!(text.get(keyword.len()), None | Some(b' ' | b'\t'));
        if !matches {
            return Err(nom::Err::Error(Failure {
                offset: input.location_offset(),
                expected: Some(keyword),
            }));
        }
        let end = keyword.len();
        let blanks = text[end..]
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        let (rest, matched) = input.take_split(end);
        Ok((rest.take_from(blanks), matched))
    }
}

/// `name = word`: an object, group, ACL or interface name with its span.
pub fn name(input: Input<'_>) -> PResult<'_, Name> {
    nom::error::context(
        "a name",
        map(word, |w| Name::new(w.fragment().to_string(), span_of(w))),
    )
    .parse(input)
}

/// `rest-of-line`: free text such as a description.
pub fn text(input: Input<'_>) -> PResult<'_, String> {
    map(rest, |r: Input<'_>| r.fragment().trim_end().to_string()).parse(input)
}

/// `ipv4 = dotted quad | "0"` (the ASA accepts `0` for 0.0.0.0 in routes).
pub fn ipv4(input: Input<'_>) -> PResult<'_, Ipv4Addr> {
    nom::error::context(
        "an IPv4 address",
        map_opt(word, |w| parse_ipv4(w.fragment())),
    )
    .parse(input)
}

fn parse_ipv4(text: &str) -> Option<Ipv4Addr> {
    if text == "0" {
        return Some(Ipv4Addr::UNSPECIFIED);
    }
    text.parse().ok()
}

/// `mask = ipv4` whose one bits are contiguous; returns the prefix length.
pub fn mask(input: Input<'_>) -> PResult<'_, u8> {
    nom::error::context(
        "a contiguous netmask",
        map_opt(word, |w| parse_ipv4(w.fragment()).and_then(mask_len)),
    )
    .parse(input)
}

/// The prefix length of a contiguous netmask.
pub fn mask_len(mask: Ipv4Addr) -> Option<u8> {
    let bits = u32::from(mask);
    let len = bits.leading_ones();
    (bits.checked_shl(len).unwrap_or(0) == 0).then_some(len as u8)
}

/// `ipv6-prefix = ipv6 "/" 1*3DIGIT` (kept, never simulated).
pub fn ipv6_prefix(input: Input<'_>) -> PResult<'_, Input<'_>> {
    nom::error::context(
        "an IPv6 prefix",
        verify(word, |w: &Input<'_>| {
            w.fragment().split_once('/').is_some_and(|(a, l)| {
                a.parse::<std::net::Ipv6Addr>().is_ok() && l.parse::<u8>().is_ok_and(|l| l <= 128)
            })
        }),
    )
    .parse(input)
}

/// `ipv6 = an IPv6 address` (kept, never simulated).
pub fn ipv6(input: Input<'_>) -> PResult<'_, Input<'_>> {
    nom::error::context(
        "an IPv6 address",
        verify(word, |w: &Input<'_>| {
            w.fragment().parse::<std::net::Ipv6Addr>().is_ok()
        }),
    )
    .parse(input)
}

/// `number` in a range, decimal.
pub fn number<'a>(
    lo: u32,
    hi: u32,
    what: &'static str,
) -> impl Parser<Input<'a>, Output = u32, Error = Failure> {
    nom::error::context(
        what,
        map_opt(word, move |w: Input<'a>| {
            w.fragment()
                .parse::<u32>()
                .ok()
                .filter(|n| (lo..=hi).contains(n))
        }),
    )
}

/// `port = 1*5DIGIT | port-name`, as written; named ports resolve per protocol in the model.
pub fn port(input: Input<'_>) -> PResult<'_, Port> {
    nom::error::context(
        "a port number or name",
        map_opt(word, |w| {
            let text = w.fragment();
            let port = match text.parse::<u32>() {
                Ok(n) if n <= 65535 => Port::Number(n as u16),
                Ok(_) => return None,
                Err(_) if is_port_name(text) => Port::Named(text.to_ascii_lowercase()),
                Err(_) => return None,
            };
            Some(port)
        }),
    )
    .parse(input)
}

/// The ASA's named ports (docs/asa-semantics.md#110-named-ports-protocols-and-icmp-types):
/// name, number, valid on TCP, valid on UDP.
pub const PORT_NAMES: &[(&str, u16, bool, bool)] = &[
    ("aol", 5190, true, false),
    ("bgp", 179, true, false),
    ("biff", 512, false, true),
    ("bootpc", 68, false, true),
    ("bootps", 67, false, true),
    ("chargen", 19, true, false),
    ("cifs", 3020, true, true),
    ("citrix-ica", 1494, true, false),
    ("cmd", 514, true, false),
    ("ctiqbe", 2748, true, false),
    ("daytime", 13, true, false),
    ("discard", 9, true, true),
    ("dnsix", 195, false, true),
    ("domain", 53, true, true),
    ("echo", 7, true, true),
    ("exec", 512, true, false),
    ("finger", 79, true, false),
    ("ftp", 21, true, false),
    ("ftp-data", 20, true, false),
    ("gopher", 70, true, false),
    ("h323", 1720, true, false),
    ("hostname", 101, true, false),
    ("http", 80, true, true),
    ("https", 443, true, false),
    ("ident", 113, true, false),
    ("imap4", 143, true, false),
    ("irc", 194, true, false),
    ("isakmp", 500, false, true),
    ("kerberos", 750, true, true),
    ("klogin", 543, true, false),
    ("kshell", 544, true, false),
    ("ldap", 389, true, false),
    ("ldaps", 636, true, false),
    ("login", 513, true, false),
    ("lotusnotes", 1352, true, false),
    ("lpd", 515, true, false),
    ("mobile-ip", 434, false, true),
    ("nameserver", 42, false, true),
    ("netbios-dgm", 138, false, true),
    ("netbios-ns", 137, false, true),
    ("netbios-ssn", 139, true, false),
    ("nfs", 2049, true, true),
    ("nntp", 119, true, false),
    ("ntp", 123, false, true),
    ("pcanywhere-data", 5631, true, false),
    ("pcanywhere-status", 5632, false, true),
    ("pim-auto-rp", 496, true, true),
    ("pop2", 109, true, false),
    ("pop3", 110, true, false),
    ("pptp", 1723, true, false),
    ("radius", 1645, false, true),
    ("radius-acct", 1646, false, true),
    ("rip", 520, false, true),
    ("rpc", 111, true, true),
    ("rsh", 514, true, false),
    ("rtsp", 554, true, false),
    ("secureid-udp", 5510, false, true),
    ("sip", 5060, true, true),
    ("smtp", 25, true, false),
    ("snmp", 161, false, true),
    ("snmptrap", 162, false, true),
    ("sqlnet", 1521, true, false),
    ("ssh", 22, true, false),
    ("sunrpc", 111, true, true),
    ("syslog", 514, false, true),
    ("tacacs", 49, true, true),
    ("talk", 517, true, true),
    ("telnet", 23, true, false),
    ("tftp", 69, false, true),
    ("time", 37, false, true),
    ("uucp", 540, true, false),
    ("vxlan", 4789, false, true),
    ("who", 513, false, true),
    ("whois", 43, true, false),
    ("www", 80, true, true),
    ("xdmcp", 177, false, true),
];

fn is_port_name(text: &str) -> bool {
    PORT_NAMES
        .iter()
        .any(|(n, ..)| n.eq_ignore_ascii_case(text))
}

/// The number of a named port for a protocol (6 = TCP, 17 = UDP); `None` when the
/// name does not exist for that protocol.
pub fn named_port(name: &str, protocol: u8) -> Option<u16> {
    PORT_NAMES
        .iter()
        .find(|(n, _, tcp, udp)| {
            n.eq_ignore_ascii_case(name) && ((protocol == 6 && *tcp) || (protocol == 17 && *udp))
        })
        .map(|(_, number, ..)| *number)
}

/// IP protocol names (docs/asa-semantics.md#110-named-ports-protocols-and-icmp-types). `ip`
/// is 0 and means any protocol.
pub const PROTOCOL_NAMES: &[(&str, u8)] = &[
    ("ip", 0),
    ("icmp", 1),
    ("igmp", 2),
    ("ipinip", 4),
    ("tcp", 6),
    ("igrp", 9),
    ("udp", 17),
    ("gre", 47),
    ("pptp", 47),
    ("esp", 50),
    ("ipsec", 50),
    ("ah", 51),
    ("icmp6", 58),
    ("eigrp", 88),
    ("ospf", 89),
    ("nos", 94),
    ("pim", 103),
    ("pcp", 108),
    ("snp", 109),
    ("sctp", 132),
];

/// ICMP type names (docs/asa-semantics.md#110-named-ports-protocols-and-icmp-types).
pub const ICMP_TYPES: &[(&str, u8)] = &[
    ("echo-reply", 0),
    ("unreachable", 3),
    ("source-quench", 4),
    ("redirect", 5),
    ("alternate-address", 6),
    ("echo", 8),
    ("router-advertisement", 9),
    ("router-solicitation", 10),
    ("time-exceeded", 11),
    ("parameter-problem", 12),
    ("timestamp-request", 13),
    ("timestamp-reply", 14),
    ("information-request", 15),
    ("information-reply", 16),
    ("mask-request", 17),
    ("mask-reply", 18),
    ("traceroute", 30),
    ("conversion-error", 31),
    ("mobile-redirect", 32),
];

/// `protocol = protocol-name | 0-255`; `tcp-udp` is 256 in this table's terms and
/// handled by the callers that accept it.
pub fn protocol(input: Input<'_>) -> PResult<'_, u8> {
    nom::error::context(
        "a protocol",
        map_opt(word, |w| lookup_number(PROTOCOL_NAMES, w.fragment(), 255)),
    )
    .parse(input)
}

/// ICMPv6 type names (RFC 4443, RFC 4861 and the ASA's `icmp6` keywords).
pub const ICMP6_TYPES: &[(&str, u8)] = &[
    ("unreachable", 1),
    ("packet-too-big", 2),
    ("time-exceeded", 3),
    ("parameter-problem", 4),
    ("echo", 128),
    ("echo-reply", 129),
    ("membership-query", 130),
    ("membership-report", 131),
    ("membership-reduction", 132),
    ("router-solicitation", 133),
    ("router-advertisement", 134),
    ("neighbor-solicitation", 135),
    ("neighbor-advertisement", 136),
    ("neighbor-redirect", 137),
    ("router-renumbering", 138),
];

/// `icmp6-type = icmp6-type-name | 0-255` (after `icmp6`).
pub fn icmp6_type(input: Input<'_>) -> PResult<'_, u8> {
    nom::error::context(
        "an ICMPv6 type",
        map_opt(word, |w| lookup_number(ICMP6_TYPES, w.fragment(), 255)),
    )
    .parse(input)
}

/// `icmp-type = icmp-type-name | 0-255`.
pub fn icmp_type(input: Input<'_>) -> PResult<'_, u8> {
    nom::error::context(
        "an ICMP type",
        map_opt(word, |w| lookup_number(ICMP_TYPES, w.fragment(), 255)),
    )
    .parse(input)
}

fn lookup_number(table: &[(&str, u8)], text: &str, max: u32) -> Option<u8> {
    if let Ok(n) = text.parse::<u32>() {
        return (n <= max).then_some(n as u8);
    }
    table
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(text))
        .map(|(_, v)| *v)
}

/// Whether the word at the head of `input` is one of the given keywords (no input consumed).
pub fn at_keyword(input: Input<'_>, keywords: &[&str]) -> bool {
    let head = input
        .fragment()
        .split([' ', '\t'])
        .next()
        .unwrap_or_default();
    keywords.iter().any(|k| k.eq_ignore_ascii_case(head))
}

/// Whether the line starts with these words (case-insensitively, any blanks between).
pub fn starts_with_words(input: Input<'_>, words: &str) -> bool {
    let mut line = input.fragment().split_whitespace();
    words
        .split(' ')
        .all(|w| line.next().is_some_and(|l| l.eq_ignore_ascii_case(w)))
}

/// Fails unless the line is fully consumed.
pub fn end(input: Input<'_>) -> PResult<'_, ()> {
    nom::error::context("the end of the line", map(eof, |_| ())).parse(input)
}

/// Fails with a context at the current position (for a word that is not expected here).
pub fn unexpected<'a, T>(input: Input<'a>, expected: &'static str) -> PResult<'a, T> {
    Err(nom::Err::Error(Failure {
        offset: input.location_offset(),
        expected: Some(expected),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(text: &str) -> Input<'_> {
        Input::new(text)
    }

    #[test]
    fn mask_rejects_holes() {
        assert_eq!(mask(input("255.255.255.0")).unwrap().1, 24);
        assert_eq!(mask(input("0.0.0.0")).unwrap().1, 0);
        assert_eq!(mask(input("255.255.255.255")).unwrap().1, 32);
        assert!(mask(input("255.0.255.0")).is_err());
    }

    #[test]
    fn keyword_needs_a_word_boundary() {
        assert!(kw("host").parse(input("hostname x")).is_err());
        assert!(kw("host").parse(input("HOST 1.2.3.4")).is_ok());
        assert!(kw("host").parse(input("host")).is_ok());
    }

    #[test]
    fn ports_by_number_and_name() {
        assert_eq!(port(input("443")).unwrap().1, Port::Number(443));
        assert_eq!(port(input("https")).unwrap().1, Port::Named("https".into()));
        assert!(port(input("65536")).is_err());
        assert!(port(input("nosuch")).is_err());
        assert_eq!(named_port("exec", 6), Some(512));
        assert_eq!(named_port("biff", 17), Some(512));
        assert_eq!(named_port("exec", 17), None);
    }

    #[test]
    fn ipv4_accepts_zero_shorthand() {
        assert_eq!(ipv4(input("0")).unwrap().1, Ipv4Addr::UNSPECIFIED);
        assert!(ipv4(input("10.0.0.256")).is_err());
    }
}
