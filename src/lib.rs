//! mralint: lints Cisco ASA configurations that carry Cisco Expressway Mobile and
//! Remote Access traffic.
//!
//! Data flows one way:
//! text → AST ([`syntax`]) → model ([`model`], [`deployment`]) → simulation ([`eval`])
//! → findings ([`rules`]) → report ([`report`]). [`workspace`] reads the inputs;
//! [`run`] is the command line's entry point.

pub mod baseline;
pub mod cli;
mod commands;
pub mod deployment;
pub mod diff;
pub mod escape;
pub mod eval;
pub mod finding;
pub mod fingerprint;
pub mod fix;
pub mod fsio;
mod init;
pub mod model;
pub mod report;
pub mod rules;
pub mod secrets;
pub mod settings;
pub mod source;
pub mod suppress;
pub mod syntax;
pub mod workspace;
pub mod xconfig;

use cli::{Cli, Command};
use finding::Finding;
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
        Command::Check(args) => commands::check(&args),
        Command::Explain { code } => commands::explain(&code),
        Command::Rules { format } => commands::rules(format),
        Command::Trace(args) => commands::trace(&args),
        Command::Init(args) => commands::init(&args),
        Command::Diff(args) => diff::command::run(&args),
        Command::Fix(args) => fix::command::run(&args),
        Command::Completions { shell } => commands::completions(shell),
        Command::Man => commands::man(),
    }
}

pub use commands::exit_code;
