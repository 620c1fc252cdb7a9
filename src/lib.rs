//! mralint: lints Cisco ASA configurations that carry Cisco Expressway Mobile and
//! Remote Access traffic.
//!
//! Data flows one way:
//! text → AST ([`syntax`]) → model ([`model`], [`deployment`]) → simulation ([`eval`])
//! → findings ([`rules`]) → report ([`report`]). [`workspace`] reads the inputs;
//! [`run`] is the command line's entry point: it hands each subcommand to its file in
//! `commands/`, and nothing below this file imports it back.

pub mod baseline;
pub mod cli;
mod commands;
pub mod deployment;
pub mod diff;
pub mod escape;
pub mod eval;
pub mod finding;
pub mod fingerprint;
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

pub use commands::exit_code;

/// Lints one project: every rule over its configs and deployment, in output order.
pub fn lint(project: &Project) -> Vec<Finding> {
    rules::run(project)
}

/// Runs a parsed command line; gives the process exit code.
pub fn run(cli: Cli) -> u8 {
    match cli.command {
        Command::Check(args) => commands::check::run(&args),
        Command::Explain { code } => commands::explain::run(&code),
        Command::Rules { format } => commands::rules::run(format),
        Command::Trace(args) => commands::trace::run(&args),
        Command::Init(args) => commands::init::run(&args),
        Command::Diff(args) => commands::diff::run(&args),
        Command::Completions { shell } => commands::completions::run(shell),
        Command::Man => commands::man::run(),
    }
}
