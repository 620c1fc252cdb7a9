//! What each subcommand does, between the parsed command line and the exit code.

use std::io::{IsTerminal, Write};
use std::net::Ipv4Addr;

use crate::cli::{
    CheckArgs, Color, FailOn, Format, InitArgs, RulesFormat, SystemSize, TraceArgs, TraceFormat,
};
use crate::eval::{self, Packet, Verdict};
use crate::finding::{Finding, Severity};
use crate::settings::Settings;
use crate::source::SourceFile;
use crate::syntax::lexical::{named_port, PROTOCOL_NAMES};
use crate::workspace::{self, Project};
use crate::{lint, report, rules, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};

pub(crate) fn print(text: &str) {
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

pub fn rules(format: RulesFormat) -> u8 {
    let out = match format {
        RulesFormat::Human => rules::ALL
            .iter()
            .map(|rule| {
                format!(
                    "{:<7} {:<28} {:<8} {}\n",
                    rule.code,
                    rule.name,
                    rule.severity.as_str(),
                    rule.summary
                )
            })
            .collect(),
        RulesFormat::Json => {
            let rules: Vec<serde_json::Value> = rules::ALL
                .iter()
                .map(|rule| {
                    serde_json::json!({
                        "code": rule.code,
                        "name": rule.name,
                        "severity": rule.severity.as_str(),
                        "summary": rule.summary,
                        "doc": explain_text(rule.doc),
                    })
                })
                .collect();
            serde_json::to_string_pretty(&serde_json::json!({ "version": 1, "rules": rules }))
                .unwrap_or_default()
                + "\n"
        }
    };
    print(&out);
    EXIT_CLEAN
}

/// The settings of a run: `.mralint.yaml` (found upward from the working directory),
/// then the command line's flags over it.
fn settings(args: &CheckArgs) -> Result<Settings, String> {
    run_settings(&args.select, &args.ignore, args.fail_on)
}

/// The settings file with these flags over it.
pub(crate) fn run_settings(
    select: &Option<Vec<String>>,
    ignore: &Option<Vec<String>>,
    fail_on: Option<FailOn>,
) -> Result<Settings, String> {
    let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
    let mut settings = match crate::settings::find_config(&cwd) {
        Some(path) => {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
            Settings::from_file(&text, path.parent().unwrap_or(&cwd))
                .map_err(|e| format!("`{}`: {e}", path.display()))?
        }
        None => Settings::default(),
    };
    if let Some(select) = select {
        settings.select = select.clone();
    }
    if let Some(ignore) = ignore {
        settings.ignore = ignore.clone();
    }
    if let Some(fail_on) = fail_on {
        settings.fail_on = threshold(fail_on);
    }
    Ok(settings)
}

fn threshold(fail_on: FailOn) -> Option<Severity> {
    match fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Advice => Some(Severity::Advice),
        FailOn::Never => None,
    }
}

pub fn check(args: &CheckArgs) -> u8 {
    use rayon::prelude::*;
    let settings = match settings(args) {
        Ok(settings) => settings,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_ERROR;
        }
    };
    let baseline = match args
        .baseline
        .as_deref()
        .map(crate::baseline::read)
        .transpose()
    {
        Ok(baseline) => baseline,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_ERROR;
        }
    };
    let projects = match workspace::discover(&args.paths, &|p| settings.is_excluded(p)) {
        Ok(projects) => projects,
        Err(error) => {
            eprintln!("{:?}", miette::Report::new(error));
            return EXIT_ERROR;
        }
    };
    if args.verbose {
        for project in &projects {
            eprint!("{}", report::evidence::render(project));
        }
    }
    let linted: Vec<(Project, Vec<Finding>)> = projects
        .into_par_iter()
        .map(|p| {
            let findings = settings.apply(lint(&p));
            (p, findings)
        })
        .collect();
    let all: Vec<(&[Finding], &crate::source::Sources)> = linted
        .iter()
        .map(|(p, f)| (f.as_slice(), &p.sources))
        .collect();
    if let Some(path) = &args.write_baseline {
        if let Err(message) = crate::baseline::write(path, &crate::baseline::of(&all)) {
            eprintln!("error: {message}");
            return EXIT_ERROR;
        }
    }
    let comparison = baseline.map(|b| crate::baseline::compare(&b, &all));
    let known = |part: usize, finding: usize| {
        comparison
            .as_ref()
            .is_some_and(|c| c.is_known(part, finding))
    };
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            args.output_file.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    // Suppressed and baseline findings live on only in SARIF.
    let visible: Vec<(Vec<Finding>, &crate::source::Sources)> = linted
        .iter()
        .enumerate()
        .map(|(part, (p, f))| {
            (
                f.iter()
                    .enumerate()
                    .filter(|(i, f)| f.suppressed.is_none() && !known(part, *i))
                    .map(|(_, f)| f.clone())
                    .collect(),
                &p.sources,
            )
        })
        .collect();
    let parts: Vec<(&[Finding], &crate::source::Sources)> =
        visible.iter().map(|(f, s)| (f.as_slice(), *s)).collect();
    let out = match args.format {
        Format::Human => {
            let mut out = String::new();
            for (findings, sources) in &parts {
                out.push_str(&report::human::render(findings, sources, color, args.width));
            }
            let all: Vec<Finding> = parts.iter().flat_map(|(f, _)| f.iter().cloned()).collect();
            let suppressed = linted
                .iter()
                .flat_map(|(_, f)| f)
                .filter(|f| f.suppressed.is_some())
                .count();
            out.push_str(&format!("mralint: {}", report::human::summary(&all)));
            if suppressed > 0 {
                out.push_str(&format!(" ({suppressed} suppressed)"));
            }
            if let Some(c) = &comparison {
                out.push_str(&format!(" ({} in the baseline)", c.known_count()));
            }
            out.push('\n');
            out
        }
        Format::Json => report::json::render_all(&parts),
        Format::Github => report::github::render_all(&parts),
        Format::Markdown => {
            let projects: Vec<(&Project, &[Finding])> = linted
                .iter()
                .zip(&parts)
                .map(|((p, _), (f, _))| (p, *f))
                .collect();
            report::markdown::check(&projects, settings.fail_on)
        }
        Format::Sarif => match &comparison {
            Some(c) => crate::baseline::sarif(&all, c),
            None => report::sarif::render_all(&all),
        },
    };
    match &args.output_file {
        Some(path) => {
            if let Err(error) = std::fs::write(path, out) {
                eprintln!("error: cannot write `{}`: {error}", path.display());
                return EXIT_ERROR;
            }
        }
        None => print(&out),
    }
    // Writing a baseline accepts every finding, unless a baseline is applied too.
    let accepted_all = args.write_baseline.is_some() && comparison.is_none();
    let unknown = linted.iter().enumerate().flat_map(|(part, (_, f))| {
        f.iter()
            .enumerate()
            .filter(move |(i, _)| !known(part, *i))
            .map(|(_, f)| f)
    });
    if !accepted_all && settings.fails(unknown) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

/// 1 when an unsuppressed finding is at or above `fail_on`, else 0.
pub fn exit_code<'a>(findings: impl IntoIterator<Item = &'a Finding>, fail_on: FailOn) -> u8 {
    let settings = Settings {
        fail_on: threshold(fail_on),
        ..Settings::default()
    };
    if settings.fails(findings) {
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

pub fn init(args: &InitArgs) -> u8 {
    let to_stdout = args.output.as_os_str() == "-";
    if !to_stdout && args.output.exists() && !args.force {
        eprintln!(
            "error: `{}` exists: pass --force to overwrite it, or --output another file",
            args.output.display()
        );
        return EXIT_ERROR;
    }
    let output_dir = match args.output.parent() {
        Some(dir) if !to_stdout && !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let request = crate::init::Request {
        dumps: args.xconfig.clone(),
        firewalls: args.firewall.clone(),
        dns: args.dns.clone(),
        size: args.size.map(|s| match s {
            SystemSize::Small => crate::deployment::Size::Small,
            SystemSize::Medium => crate::deployment::Size::Medium,
            SystemSize::Large => crate::deployment::Size::Large,
        }),
        output_dir,
    };
    let written = match crate::init::deployment(&request) {
        Ok(written) => written,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_ERROR;
        }
    };
    for role in &written.roles {
        eprintln!("{role}");
    }
    if to_stdout {
        print(&written.text);
    } else if let Err(error) = std::fs::write(&args.output, &written.text) {
        eprintln!("error: cannot write `{}`: {error}", args.output.display());
        return EXIT_ERROR;
    }
    for missing in &written.missing {
        eprintln!("missing: {missing}");
    }
    if !written.missing.is_empty() {
        return EXIT_FINDINGS;
    }
    if !to_stdout {
        // The file must load back as written: no finding about the deployment itself.
        let projects = workspace::discover(std::slice::from_ref(&args.output), &|_| false);
        let problems: Vec<(Vec<Finding>, Project)> = projects
            .into_iter()
            .flatten()
            .map(|p| {
                let dep: Vec<Finding> = lint(&p)
                    .into_iter()
                    .filter(|f| f.code.starts_with("DEP"))
                    .collect();
                (dep, p)
            })
            .filter(|(f, _)| !f.is_empty())
            .collect();
        if !problems.is_empty() {
            for (findings, project) in &problems {
                eprint!(
                    "{}",
                    report::human::render(findings, &project.sources, false, 100)
                );
            }
            return EXIT_FINDINGS;
        }
        eprintln!(
            "wrote {}: lint it with `mralint check {}`",
            args.output.display(),
            args.output.display()
        );
    }
    EXIT_CLEAN
}
