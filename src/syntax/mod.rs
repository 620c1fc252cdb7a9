//! ASA text → AST (nom 8). The file is split into blocks (a top-level line and the
//! indented lines under it); each block is parsed by the production for its command.
//! Unknown commands are kept as [`CommandKind::Unrecognized`]; a recognised command
//! that does not parse becomes a [`SyntaxError`] and parsing goes on.

pub mod acl;
pub mod address;
pub mod ast;
pub mod interface;
pub mod lexical;
pub mod nat;
pub mod object;
pub mod policy;

use std::collections::HashMap;

use nom::{Input as _, Parser};

use ast::{Command, CommandKind, Config, GroupType};
use lexical::{Failure, Input};

use crate::source::Span;

/// A recognised command that is malformed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
}

/// What parsing a file gives: the AST and the syntax errors met on the way.
#[derive(Debug, Default, Clone)]
pub struct Parsed {
    pub config: Config,
    pub errors: Vec<SyntaxError>,
    /// How many top-level commands were modelled, ignored and rejected.
    pub stats: ParseStats,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ParseStats {
    pub modelled: usize,
    pub unrecognized: usize,
    pub rejected: usize,
}

/// A top-level line and the indented lines under it.
pub struct Block<'a> {
    pub header: Input<'a>,
    pub children: Vec<Input<'a>>,
}

/// The types of the object-groups a file defines, for the ACE slots whose meaning
/// depends on them (a source-port group vs a destination network group).
pub type GroupTypes = HashMap<String, GroupType>;

/// Parses a whole ASA configuration.
pub fn parse_config(text: &str) -> Parsed {
    let blocks = blocks(text);
    let groups = group_types(&blocks);
    let mut parsed = Parsed::default();
    parsed.config.commands.reserve_exact(blocks.len());
    for block in &blocks {
        let command = command(block, &groups, &mut parsed.errors);
        if is_ngfw_banner(block.header) {
            parsed.config.ngfw_version = Some(command.span);
        }
        match command.kind {
            CommandKind::Unrecognized => {
                parsed.stats.unrecognized += 1;
                let lines = std::iter::once(&block.header).chain(&block.children);
                for line in lines {
                    parsed
                        .config
                        .mentions
                        .extend(line.fragment().split_whitespace().map(str::to_string));
                }
            }
            CommandKind::Malformed => parsed.stats.rejected += 1,
            _ => parsed.stats.modelled += 1,
        }
        parsed.config.commands.push(command);
    }
    parsed
}

/// `NGFW Version 7.4.1`: the first line of an FTD `show running-config` (an ASA prints
/// `ASA Version` there).
fn is_ngfw_banner(header: Input<'_>) -> bool {
    let mut words = header.fragment().split_whitespace();
    matches!(
        (words.next(), words.next()),
        (Some(a), Some(b)) if a.eq_ignore_ascii_case("ngfw") && b.eq_ignore_ascii_case("version")
    )
}

/// Splits the text into blocks. Separator (`!`) and comment (`:`) lines are skipped;
/// an indented line belongs to the latest top-level line.
fn blocks(text: &str) -> Vec<Block<'_>> {
    let mut blocks: Vec<Block<'_>> = Vec::new();
    let mut rest = Input::new(text);
    while !rest.fragment().is_empty() {
        let raw_len = rest.fragment().find('\n').unwrap_or(rest.fragment().len());
        let (after, line) = rest.take_split(raw_len);
        rest = if after.fragment().is_empty() {
            after
        } else {
            after.take_from(1)
        };
        let content = strip_inline_comment(line.fragment()).trim_end();
        let indent = content.len() - content.trim_start().len();
        let line = line.take(content.len()).take_from(indent);
        let first = line.fragment().chars().next();
        if matches!(first, None | Some('!') | Some(':')) {
            continue;
        }
        match (indent, blocks.last_mut()) {
            (1.., Some(block)) => block.children.push(line),
            _ => blocks.push(Block {
                header: line,
                children: Vec::new(),
            }),
        }
    }
    blocks
}

/// Cuts a trailing ` ! comment` off a line, except in free-text commands where `!` is text.
fn strip_inline_comment(line: &str) -> &str {
    const FREE_TEXT: &[&str] = &["description", "remark", "banner", "name"];
    match line.find(" !") {
        Some(at)
            if !line[..at]
                .split_whitespace()
                .any(|w| FREE_TEXT.contains(&w)) =>
        {
            &line[..at]
        }
        _ => line,
    }
}

fn group_types(blocks: &[Block<'_>]) -> GroupTypes {
    blocks
        .iter()
        .filter(|b| lexical::at_keyword(b.header, &["object-group"]))
        .filter_map(|b| object::object_group_header(b.header).ok())
        .map(|(_, (name, group_type))| (name.text, group_type))
        .collect()
}

/// A word in lower case, allocated only when it is not already.
fn lower_case(word: &str) -> std::borrow::Cow<'_, str> {
    if word.bytes().any(|b| b.is_ascii_uppercase()) {
        word.to_ascii_lowercase().into()
    } else {
        word.into()
    }
}

/// Parses one block into a command, dispatching on its first words.
fn command(block: &Block<'_>, groups: &GroupTypes, errors: &mut Vec<SyntaxError>) -> Command {
    let header = block.header;
    let span = lexical::span_of(header);
    // Commands are almost always lower case already: no allocation for them.
    let mut words = header.fragment().split_whitespace().map(lower_case);
    let first = words.next().unwrap_or_default();
    let second = words.next().unwrap_or_default();
    let (first, second) = (first.as_ref(), second.as_ref());
    let kind = match (first, second) {
        ("hostname", _) => line(header, object::hostname, errors).map(CommandKind::Hostname),
        ("interface", _) => {
            interface::interface_block(block, errors).map(|x| CommandKind::Interface(Box::new(x)))
        }
        ("route", _) => {
            line(header, interface::route, errors).map(|x| CommandKind::Route(Box::new(x)))
        }
        ("names", "") => Some(CommandKind::Names),
        ("name", _) => line(header, object::name_alias, errors).map(CommandKind::NameAlias),
        ("object", "network") => object::object_network_block(block, errors)
            .map(|x| CommandKind::ObjectNetwork(Box::new(x))),
        ("object", "service") => object::object_service_block(block, errors)
            .map(|x| CommandKind::ObjectService(Box::new(x))),
        ("object-group", "network" | "service" | "protocol" | "icmp-type") => {
            object::object_group_block(block, errors).map(|x| CommandKind::ObjectGroup(Box::new(x)))
        }
        ("nat", _) if nat::is_legacy_nat(header) => Some(CommandKind::LegacyNat("nat")),
        ("global", _) if second.starts_with('(') => Some(CommandKind::LegacyNat("global")),
        ("static", _) if second.starts_with('(') => Some(CommandKind::LegacyNat("static")),
        ("nat-control", _) => Some(CommandKind::LegacyNat("nat-control")),
        ("nat", _) => {
            line(header, nat::twice_nat, errors).map(|x| CommandKind::TwiceNat(Box::new(x)))
        }
        // Header lines of pasted `show access-list` output, not commands:
        // `access-list cached ACL log flows: …`, `access-list NAME; 7 elements; …`.
        ("access-list", s) if s == "cached" || s.ends_with(';') => Some(CommandKind::Unrecognized),
        ("access-list", _) => {
            line(header, |i| acl::access_list(i, groups), errors).map(CommandKind::AccessList)
        }
        ("access-group", _) => {
            line(header, acl::access_group, errors).map(CommandKind::AccessGroup)
        }
        ("same-security-traffic", _) => {
            line(header, policy::same_security_traffic, errors).map(CommandKind::SameSecurity)
        }
        ("class-map", s) if s != "type" => {
            policy::class_map_block(block, errors).map(|x| CommandKind::ClassMap(Box::new(x)))
        }
        ("policy-map", s) if s != "type" => {
            policy::policy_map_block(block, errors).map(|x| CommandKind::PolicyMap(Box::new(x)))
        }
        ("service-policy", _) => line(header, policy::service_policy, errors)
            .map(|x| CommandKind::ServicePolicy(Box::new(x))),
        ("timeout", "conn") => {
            line(header, policy::timeout_conn, errors).map(CommandKind::TimeoutConn)
        }
        _ => Some(CommandKind::Unrecognized),
    };
    Command {
        span,
        kind: kind.unwrap_or(CommandKind::Malformed),
    }
}

/// Runs a production over a whole line; on failure records a syntax error and gives `None`.
pub fn line<'a, T>(
    input: Input<'a>,
    mut production: impl Parser<Input<'a>, Output = T, Error = Failure>,
    errors: &mut Vec<SyntaxError>,
) -> Option<T> {
    match (|i| production.parse(i), lexical::end).parse(input) {
        Ok((_, (value, ()))) => Some(value),
        Err(nom::Err::Error(failure) | nom::Err::Failure(failure)) => {
            errors.push(syntax_error(input, &failure));
            None
        }
        Err(nom::Err::Incomplete(_)) => {
            errors.push(syntax_error(
                input,
                &Failure {
                    offset: input.location_offset() + input.fragment().len(),
                    expected: None,
                },
            ));
            None
        }
    }
}

/// A syntax error pointing at the word where parsing stopped.
fn syntax_error(line: Input<'_>, failure: &Failure) -> SyntaxError {
    let start = line.location_offset();
    let text = line.fragment();
    let command = text.split_whitespace().next().unwrap_or_default();
    let at = failure.offset.saturating_sub(start).min(text.len());
    let word_len = text[at..].find([' ', '\t']).unwrap_or(text.len() - at);
    let expected = failure.expected.unwrap_or("something else");
    let (span, message) = if word_len == 0 {
        (
            Span::new(start, start + text.len()),
            format!("incomplete `{command}` command: expected {expected} at the end of the line"),
        )
    } else {
        (
            Span::new(start + at, start + at + word_len),
            format!(
                "malformed `{command}` command: expected {expected}, found `{}`",
                &text[at..at + word_len]
            ),
        )
    };
    SyntaxError { span, message }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_group_indented_lines() {
        let text = "interface G0\n nameif inside\n!\n: comment\nroute x 0 0 1.1.1.1\n";
        let blocks = blocks(text);
        assert_eq!(blocks.len(), 2);
        assert_eq!(*blocks[0].children[0].fragment(), "nameif inside");
        assert_eq!(blocks[0].children[0].location_offset(), 14);
    }

    #[test]
    fn crlf_and_trailing_blanks_are_trimmed() {
        let blocks = blocks("hostname fw  \r\nnames\r\n");
        assert_eq!(*blocks[0].header.fragment(), "hostname fw");
        assert_eq!(blocks[1].header.location_offset(), 15);
    }

    #[test]
    fn unknown_commands_make_no_error() {
        let parsed =
            parse_config("crypto ikev1 policy 10\n authentication pre-share\nntp server 1.2.3.4\n");
        assert!(parsed.errors.is_empty());
        assert_eq!(parsed.stats.unrecognized, 2);
    }

    #[test]
    fn a_malformed_command_points_at_the_bad_word() {
        let text = "route outside 10.0.0.0 255.0.255.0 1.1.1.1\nhostname fw\n";
        let parsed = parse_config(text);
        assert_eq!(parsed.errors.len(), 1);
        let error = &parsed.errors[0];
        assert_eq!(&text[error.span.start..error.span.end], "255.0.255.0");
        assert!(
            error.message.contains("contiguous netmask"),
            "{}",
            error.message
        );
        assert_eq!(parsed.stats.modelled, 1);
    }

    #[test]
    fn legacy_nat_is_recognised() {
        let parsed = parse_config("nat (inside) 1 0.0.0.0 0.0.0.0\nglobal (outside) 1 interface\nstatic (inside,outside) 1.1.1.1 10.0.0.1 netmask 255.255.255.255\n");
        assert!(parsed.errors.is_empty());
        assert!(parsed
            .config
            .commands
            .iter()
            .all(|c| matches!(c.kind, CommandKind::LegacyNat(_))));
    }
}
