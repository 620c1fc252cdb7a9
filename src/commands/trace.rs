//! `mralint trace`: the offline packet-tracer.

use std::net::Ipv4Addr;

use super::{print, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
use crate::cli::{TraceArgs, TraceFormat};
use crate::eval::{self, Packet, Verdict};
use crate::report;
use crate::source::SourceFile;
use crate::syntax::lexical::{named_port, PROTOCOL_NAMES};

pub fn run(args: &TraceArgs) -> u8 {
    let (ingress, packet) = match packet_of(&args.input) {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("error: --input: {message}");
            return EXIT_ERROR;
        }
    };
    let bytes = match crate::fsio::read_capped(&args.config, crate::fsio::DEFAULT_MAX_FILE_SIZE) {
        Ok(bytes) => bytes,
        Err(error) => {
            eprintln!("error: cannot read `{}`: {error}", args.config.display());
            return EXIT_ERROR;
        }
    };
    let dns = match crate::init::parse_dns(&args.dns) {
        Ok(dns) => dns,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_ERROR;
        }
    };
    let file = SourceFile::from_bytes(&args.config, &bytes);
    let parsed = crate::syntax::parse_config(&file.text);
    let firewall = crate::model::build_with(&parsed.config, &dns);
    let file = SourceFile::new(file.path, crate::secrets::mask_config(&file.text));
    if firewall.interface(&ingress).is_none() {
        let known: Vec<&str> = firewall
            .interfaces
            .iter()
            .map(|i| i.name.as_str())
            .collect();
        if known.is_empty() {
            eprintln!(
                "error: `{ingress}` is not a nameif of this config: it has no interface with a `nameif` (an interface without one passes no traffic)"
            );
        } else {
            eprintln!(
                "error: `{ingress}` is not a nameif of this config (it has: {})",
                known.join(", ")
            );
        }
        return EXIT_ERROR;
    }
    let trace = eval::simulate(&firewall, &ingress, packet);
    let shown = match args.format {
        TraceFormat::Human => report::trace::human(&trace, &file),
        TraceFormat::Json => report::trace::json(&trace, &file),
    };
    if let Some(failed) = print(&crate::escape::terminal(&shown)) {
        return failed;
    }
    match trace.verdict {
        Verdict::Drop(_) => EXIT_FINDINGS,
        _ => EXIT_CLEAN,
    }
}

/// Why `trace --input` names no packet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PacketError {
    #[error("expects six values: IFC PROTO SRC SPORT DST DPORT")]
    WrongCount,
    #[error("`{0}` is not a protocol")]
    Protocol(String),
    #[error("`{0}` is not an IPv4 address")]
    Address(String),
    /// A port, ICMP type or ICMP code (`what`) out of range or unknown.
    #[error("`{text}` is not a {what}")]
    Number { text: String, what: &'static str },
}

/// `IFC PROTO SRC SPORT DST DPORT`, or `IFC icmp SRC TYPE CODE DST`.
pub fn packet_of(words: &[String]) -> Result<(String, Packet), PacketError> {
    let [ingress, protocol, source, a, b, c] = words else {
        return Err(PacketError::WrongCount);
    };
    let protocol_number = protocol
        .parse::<u8>()
        .ok()
        .or_else(|| {
            PROTOCOL_NAMES
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(protocol))
                .map(|(_, p)| *p)
        })
        .ok_or_else(|| PacketError::Protocol(protocol.clone()))?;
    let address = |text: &str| -> Result<Ipv4Addr, PacketError> {
        text.parse()
            .map_err(|_| PacketError::Address(text.to_string()))
    };
    let number = |text: &str, max: u16, what: &'static str| -> Result<u16, PacketError> {
        text.parse::<u16>()
            .ok()
            .filter(|n| *n <= max)
            .or_else(|| named_port(text, protocol_number))
            .ok_or_else(|| PacketError::Number {
                text: text.to_string(),
                what,
            })
    };
    let packet = if matches!(protocol_number, 1 | 58) {
        // packet-tracer's order: SRC TYPE CODE DST.
        Packet::new(
            protocol_number,
            address(source)?,
            number(a, 255, "ICMP type")?,
            address(c)?,
            number(b, 255, "ICMP code")?,
        )
    } else {
        Packet::new(
            protocol_number,
            address(source)?,
            number(a, 65535, "port")?,
            address(b)?,
            number(c, 65535, "port")?,
        )
    };
    Ok((ingress.clone(), packet))
}
