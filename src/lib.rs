//! mralint: lints Cisco ASA configurations that carry Cisco Expressway Mobile and
//! Remote Access traffic.
//!
//! Data flows one way:
//! text → AST ([`syntax`]) → model ([`model`], [`deployment`]) → simulation ([`eval`])
//! → analysis ([`mra`]) → findings ([`rules`]) → report ([`report`]). [`workspace`] reads
//! the inputs; [`run`] is the command line's entry point: it hands each subcommand to its
//! file in `commands/`, and nothing below this file imports it back.

pub mod baseline;
pub mod cli;
pub mod commands;
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
pub mod mra;
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

/// A project linted: its findings in output order, and the analysis of its flows they
/// were drawn from (for the reports that show flows).
#[derive(Debug)]
pub struct Linted {
    pub findings: Vec<Finding>,
    pub analysis: mra::Analysis,
}

/// A linted project reads as its findings.
impl std::ops::Deref for Linted {
    type Target = Vec<Finding>;

    fn deref(&self) -> &Vec<Finding> {
        &self.findings
    }
}

impl IntoIterator for Linted {
    type Item = Finding;
    type IntoIter = std::vec::IntoIter<Finding>;

    fn into_iter(self) -> Self::IntoIter {
        self.findings.into_iter()
    }
}

/// Lints one project: every rule over its configs and deployment, in output order, with
/// the analysis of its flows.
pub fn lint(project: &Project) -> Linted {
    lint_selected(project, &|_| true)
}

/// Lints one project with only the rules `selected` accepts (by code); the flows are
/// simulated only when a selected rule reads them.
pub fn lint_selected(project: &Project, selected: &dyn Fn(&str) -> bool) -> Linted {
    let analysis = rules::analysis_for(project, selected);
    let findings = rules::run_analysed(project, &analysis, selected);
    Linted { findings, analysis }
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
        Command::Fix(args) => commands::fix::run(&args),
        Command::Completions { shell } => commands::completions::run(shell),
        Command::Man => commands::man::run(),
    }
}
