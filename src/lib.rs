//! mralint: lints Cisco ASA configurations that carry Cisco Expressway Mobile and
//! Remote Access traffic.
//!
//! Data flows one way:
//! text → AST ([`syntax`]) → model ([`model`], [`deployment`]) → simulation ([`eval`])
//! → findings ([`rules`]) → report ([`report`]). [`workspace`] reads the inputs;
//! [`run`] is the command line's entry point.

pub mod cli;
pub mod deployment;
pub mod eval;
pub mod finding;
pub mod model;
pub mod report;
pub mod rules;
pub mod source;
pub mod syntax;
pub mod workspace;

use std::io::{IsTerminal, Write};

use cli::{CheckArgs, Cli, Color, Command, FailOn, Format};
use finding::{Finding, Severity};
use workspace::Project;

/// Exit codes (design §7).
pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

/// Lints one project: every rule over its configs and deployment, in output order.
pub fn lint(project: &Project) -> Vec<Finding> {
    rules::run(project)
}

/// Runs a parsed command line; gives the process exit code.
pub fn run(cli: Cli) -> u8 {
    match cli.command {
        Command::Check(args) => check(&args),
        Command::Explain { code } => match rules::find(&code) {
            Some(rule) => {
                print!(
                    "{} ({}): {}\n\n{}",
                    rule.code,
                    rule.name,
                    rule.summary,
                    explain_text(rule.doc)
                );
                EXIT_CLEAN
            }
            None => {
                eprintln!("error: no rule has the code `{code}`; `mralint rules` lists them");
                EXIT_ERROR
            }
        },
        Command::Rules => {
            for rule in rules::ALL {
                println!(
                    "{:<7} {:<28} {:<8} {}",
                    rule.code,
                    rule.name,
                    rule.severity.as_str(),
                    rule.summary
                );
            }
            EXIT_CLEAN
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

fn check(args: &CheckArgs) -> u8 {
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
            let parts: Vec<(&[Finding], &source::Sources)> = linted
                .iter()
                .map(|(p, f)| (f.as_slice(), &p.sources))
                .collect();
            out.push_str(&report::json::render_all(&parts));
        }
    }
    let _ = std::io::stdout().write_all(out.as_bytes());
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
