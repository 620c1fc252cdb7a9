//! What each subcommand does, between the parsed command line and the exit code.

use std::io::{IsTerminal, Write};
use std::net::Ipv4Addr;

use crate::cli::{CheckArgs, Color, FailOn, Format, TraceArgs, TraceFormat};
use crate::eval::{self, Packet, Verdict};
use crate::finding::{Finding, Severity};
use crate::source::SourceFile;
use crate::syntax::lexical::{named_port, PROTOCOL_NAMES};
use crate::workspace::{self, Project};
use crate::{lint, report, rules, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};

fn print(text: &str) {
    // A closed pipe (`| head`) is not an error worth reporting.
    let _ = std::io::stdout().write_all(text.as_bytes());
}

pub fn explain(code: &str) -> u8 {
    match rules::find(code) {
        Some(rule) => {
            print(&format!(
                "{} ({}): {}\nDefault severity: {}\n\n{}",
                rule.code,
                rule.name,
                rule.summary,
                rule.severity.as_str(),
                explain_text(rule.doc)
            ));
            EXIT_CLEAN
        }
        None => {
            eprintln!("error: no rule has the code `{code}`; `mralint rules` lists them");
            EXIT_ERROR
        }
    }
}

/// A rule's doc comment as plain text (the `///` lines keep one leading space).
fn explain_text(doc: &str) -> String {
    doc.lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

pub fn rules() -> u8 {
    let mut out = String::new();
    for rule in rules::ALL {
        out.push_str(&format!(
            "{:<7} {:<28} {:<8} {}\n",
            rule.code,
            rule.name,
            rule.severity.as_str(),
            rule.summary
        ));
    }
    print(&out);
    EXIT_CLEAN
}

pub fn check(args: &CheckArgs) -> u8 {
    let projects = match workspace::discover(&args.paths) {
        Ok(projects) => projects,
        Err(error) => {
            eprintln!("{:?}", miette::Report::new(error));
            return EXIT_ERROR;
        }
    };
    let linted: Vec<(Project, Vec<Finding>)> = projects
        .into_iter()
        .map(|p| {
            let findings = lint(&p);
            (p, findings)
        })
        .collect();
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let mut out = String::new();
    match args.format {
        Format::Human => {
            for (project, findings) in &linted {
                out.push_str(&report::human::render(
                    findings,
                    &project.sources,
                    color,
                    args.width,
                ));
            }
            let all: Vec<Finding> = linted.iter().flat_map(|(_, f)| f.iter().cloned()).collect();
            out.push_str(&format!("mralint: {}\n", report::human::summary(&all)));
        }
        Format::Json => {
            let parts: Vec<_> = linted
                .iter()
                .map(|(p, f)| (f.as_slice(), &p.sources))
                .collect();
            out.push_str(&report::json::render_all(&parts));
        }
    }
    print(&out);
    exit_code(linted.iter().flat_map(|(_, f)| f), args.fail_on)
}

/// 1 when a finding is at or above `fail_on`, else 0.
pub fn exit_code<'a>(findings: impl IntoIterator<Item = &'a Finding>, fail_on: FailOn) -> u8 {
    let threshold = match fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Advice => Severity::Advice,
        FailOn::Never => return EXIT_CLEAN,
    };
    if findings.into_iter().any(|f| f.severity >= threshold) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

pub fn trace(args: &TraceArgs) -> u8 {
    let (ingress, packet) = match packet_of(&args.input) {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("error: --input: {message}");
            return EXIT_ERROR;
        }
    };
    let bytes = match std::fs::read(&args.config) {
        Ok(bytes) => bytes,
        Err(error) => {
            eprintln!("error: cannot read `{}`: {error}", args.config.display());
            return EXIT_ERROR;
        }
    };
    let file = SourceFile::from_bytes(&args.config, &bytes);
    let parsed = crate::syntax::parse_config(&file.text);
    let firewall = crate::model::build(&parsed.config);
    if firewall.interface(&ingress).is_none() {
        let known: Vec<&str> = firewall
            .interfaces
            .iter()
            .map(|i| i.name.as_str())
            .collect();
        eprintln!(
            "error: `{ingress}` is not a nameif of this config (it has: {})",
            known.join(", ")
        );
        return EXIT_ERROR;
    }
    let trace = eval::simulate(&firewall, &ingress, packet);
    print(&match args.format {
        TraceFormat::Human => report::trace::human(&trace, &file),
        TraceFormat::Json => report::trace::json(&trace, &file),
    });
    match trace.verdict {
        Verdict::Drop(_) => EXIT_FINDINGS,
        _ => EXIT_CLEAN,
    }
}

/// `IFC PROTO SRC SPORT DST DPORT`, or `IFC icmp SRC TYPE CODE DST`.
pub fn packet_of(words: &[String]) -> Result<(String, Packet), String> {
    let [ingress, protocol, source, a, b, c] = words else {
        return Err("expects six values: IFC PROTO SRC SPORT DST DPORT".into());
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
        .ok_or_else(|| format!("`{protocol}` is not a protocol"))?;
    let address = |text: &str| -> Result<Ipv4Addr, String> {
        text.parse()
            .map_err(|_| format!("`{text}` is not an IPv4 address"))
    };
    let number = |text: &str, max: u16, what: &str| -> Result<u16, String> {
        text.parse::<u16>()
            .ok()
            .filter(|n| *n <= max)
            .or_else(|| named_port(text, protocol_number))
            .ok_or_else(|| format!("`{text}` is not a {what}"))
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
