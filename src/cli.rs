//! The command line. The doc comments here are the `--help` text.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Lints Cisco ASA configurations that carry Cisco Expressway Mobile and Remote Access
/// (MRA) traffic: simulates every flow MRA needs through every firewall and reports
/// each broken or risky flow at the config line that causes it.
#[derive(Debug, Parser)]
#[command(name = "mralint", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint deployments and configs.
    ///
    /// Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it;
    /// 2 usage error or an input that could not be read.
    Check(CheckArgs),
    /// Print a rule's documentation.
    Explain {
        /// A rule code such as MRA001.
        code: String,
    },
    /// List every rule: code, name, default severity, summary.
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
        format: RulesFormat,
    },
    /// The offline packet-tracer: how one firewall handles the first packet of a new
    /// connection, phase by phase, with the config lines that decide each phase.
    ///
    /// Exit codes: 0 the packet is allowed; 1 it is dropped; 2 usage error or an
    /// unreadable config.
    Trace(TraceArgs),
    /// Write a deployment file from the Expressways' xConfiguration dumps.
    ///
    /// Tells which dump is Expressway-C and which Expressway-E, and writes a commented
    /// deployment file: every value derived from a dump names the dump line it comes
    /// from, and the dumps stay listed so that `mralint check` verifies the file against
    /// them. What no dump holds comes from --firewall, --dns and --size; what is still
    /// missing is reported with the flag that adds it.
    ///
    /// Exit codes: 0 written and complete; 1 written, but something a check needs is
    /// missing (reported); 2 nothing written (unreadable input, an existing file).
    Init(InitArgs),
    /// Change review: what a change does to MRA, before it is deployed.
    ///
    /// Compares two states of the same configs: `mralint diff OLD NEW` (two files or two
    /// folders), or `mralint diff --base REV [PATH]...` (the files at git revision REV,
    /// read with `git show`, against the working tree). Reports the findings the change
    /// introduces, fixes or leaves, and every simulated flow whose outcome changed.
    ///
    /// Exit codes: 0 the change brings no new finding at or above --fail-on (old findings
    /// never fail it); 1 it does; 2 usage error, an unreadable input or a bad revision.
    Diff(DiffArgs),
    /// Proven fixes: for each finding whose fix is a config change, the change as the
    /// lines to paste in configuration mode and as a unified diff of the config, offered
    /// only when mralint, re-reading the project with the change, finds the finding gone
    /// and nothing new; otherwise why no safe automatic fix exists.
    ///
    /// Exit codes: 0 nothing to fix (or, with --write, every fix written and no finding
    /// left without one); 1 fixes to apply, findings without a safe fix, or a file not
    /// read (INP001) or a deployment not usable (DEP001), whose findings nothing was
    /// proven for; 2 usage error or a path that does not exist.
    Fix(FixArgs),
    /// Print a shell completion script: `mralint completions bash > /etc/bash_completion.d/mralint`.
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): `mralint man > mralint.1`.
    Man,
}

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// xConfiguration dumps: one per Expressway node, C and E (the text the admin CLI
    /// command `xConfiguration` prints). With --update, the dumps the file lists.
    #[arg(long, required_unless_present = "update", num_args = 1.., value_name = "FILE")]
    pub xconfig: Vec<PathBuf>,
    /// ASA configs of the firewalls that may carry MRA traffic.
    #[arg(long, num_args = 1.., value_name = "CFG")]
    pub firewall: Vec<PathBuf>,
    /// What Expressway-C's DNS answers for a traversal peer name (not in any dump).
    #[arg(long, num_args = 1.., value_name = "NAME=ADDR")]
    pub dns: Vec<String>,
    /// Expressway-E's system size (not in any dump). Left out, the ports of both a
    /// small/medium and a large system are checked.
    #[arg(long, value_enum)]
    pub size: Option<SystemSize>,
    /// The file to write, or `-` for standard output.
    #[arg(long, short, default_value = "deployment.yaml", value_name = "FILE")]
    pub output: PathBuf,
    /// Overwrite the output file when it exists.
    #[arg(long, conflicts_with = "update")]
    pub force: bool,
    /// Rewrite the output file from the dumps, keeping what was added to it since: its
    /// firewalls, `dns` entries and `size` (flags given now win).
    #[arg(long)]
    pub update: bool,
}

#[derive(Debug, clap::Args)]
pub struct FixArgs {
    /// Deployments, directories or configs, as for `check`.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Apply the fixes to the config files (atomically; never through a symbolic link,
    /// never outside the project root). Fixes to one file are written one after the
    /// other, each verified against the file as the ones before it left it.
    #[arg(long)]
    pub write: bool,
    #[command(flatten)]
    pub input: InputArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SystemSize {
    Small,
    Medium,
    Large,
}

#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// OLD and NEW (two files or two folders); with --base, the paths to compare
    /// [default: .].
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Compare the working tree with this git revision (a commit, branch or tag such as
    /// `origin/main` or `HEAD~1`).
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
    /// Write the report to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Keep fixed findings in SARIF output (as results at level `none`, baselineState
    /// `absent`). Left out, fixed findings are not results: code scanning closes their
    /// alerts itself.
    #[arg(long)]
    pub sarif_keep_fixed: bool,
    /// The lowest severity of a NEW finding that makes the exit code 1 [default:
    /// warning, or the `fail-on` of .mralint.yaml].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Only these rules: codes or prefixes, comma-separated (e.g. `MRA,OBJ001`).
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub select: Option<Vec<String>>,
    /// Not these rules: codes or prefixes, comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub ignore: Option<Vec<String>>,
    /// Colour in human output (NO_COLOR is honoured with `auto`).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Width of human output, in columns [default: the terminal's width, or 100 when
    /// not a terminal; COLUMNS is honoured]. 0: no wrapping.
    #[arg(long)]
    pub width: Option<usize>,
    #[command(flatten)]
    pub input: InputArgs,
}

/// Where inputs may come from, how large they may be, and which settings apply: what a
/// review job sets so that a pull request cannot change it.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct InputArgs {
    /// Use this settings file instead of the `.mralint.yaml` found from the files
    /// linted (in review jobs: the base branch's copy, so that a pull request cannot
    /// change its own `fail-on`, `ignore` or `exclude`).
    #[arg(long, visible_alias = "config", value_name = "FILE")]
    pub settings: Option<PathBuf>,
    /// Files a deployment names must lie inside DIR [default: the repository root, or
    /// the deployment's folder outside a repository]. For local use: never point it
    /// above the repository in CI.
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// The largest file read, in bytes or with a unit (`200M`, `1G`) [default: 64M].
    #[arg(long, value_name = "SIZE", value_parser = crate::fsio::parse_size)]
    pub max_file_size: Option<u64>,
}

impl InputArgs {
    pub fn policy(&self) -> crate::fsio::InputPolicy {
        crate::fsio::InputPolicy {
            max_file_size: self
                .max_file_size
                .unwrap_or(crate::fsio::DEFAULT_MAX_FILE_SIZE),
            root: self.root.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Human,
    Json,
    Sarif,
    Github,
    /// A review comment: summary tables and a Mermaid diagram of each changed flow.
    Markdown,
}

#[derive(Debug, clap::Args)]
pub struct TraceArgs {
    /// The ASA config to trace through.
    #[arg(long)]
    pub config: PathBuf,
    /// The packet as it arrives: `IFC tcp|udp|sctp|PROTO SRC SPORT DST DPORT`, or
    /// `IFC icmp SRC TYPE CODE DST`. Ports may be names (`https`, `sip`).
    #[arg(long, num_args = 6, value_names = ["IFC", "PROTO", "SRC", "SPORT", "DST", "DPORT"], allow_hyphen_values = true)]
    pub input: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TraceFormat::Human)]
    pub format: TraceFormat,
    /// What the firewall's DNS answers for an FQDN object (otherwise entries naming it
    /// are skipped as unresolved, and listed).
    #[arg(long, num_args = 1.., value_name = "NAME=ADDR")]
    pub dns: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TraceFormat {
    Human,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// A deployment YAML, a directory (searched for deployment.yaml, *.deployment.yaml
    /// and configs no deployment names: *.cfg, *.conf, *.asa), an ASA config, or `-`
    /// for a config on standard input.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// The lowest severity that makes the exit code 1 [default: warning, or the
    /// `fail-on` of .mralint.yaml].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Only these rules: codes or prefixes, comma-separated (e.g. `MRA,OBJ001`).
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub select: Option<Vec<String>>,
    /// Not these rules: codes or prefixes, comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub ignore: Option<Vec<String>>,
    /// Colour in human output (NO_COLOR is honoured with `auto`).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Width of human output, in columns [default: the terminal's width, or 100 when
    /// not a terminal; COLUMNS is honoured]. 0: no wrapping.
    #[arg(long)]
    pub width: Option<usize>,
    /// Also say how each xConfiguration dump was read (on standard error): its role and
    /// the evidence for it, the NIC design, unconfirmed keys, skipped lines.
    #[arg(long, short)]
    pub verbose: bool,
    /// Report and fail only on findings this baseline file (from --write-baseline) does
    /// not hold; SARIF marks every result new, unchanged or absent.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record every current finding in this baseline file. That accepts them: the exit
    /// code is then 0, unless --baseline is given too (it then decides as usual).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Fail (exit code 1) when a config is linted without a deployment, so the MRA rules
    /// did not run on it [default: the `require-deployment` of .mralint.yaml, else off].
    #[arg(long)]
    pub require_deployment: bool,
    /// Print how many findings each rule has, instead of the findings (human and
    /// concise formats).
    #[arg(long)]
    pub statistics: bool,
    /// Print the findings only: no summary line (notices go to standard error).
    #[arg(long, short)]
    pub quiet: bool,
    /// Print the unified diff of every verified fix instead of the findings (a patch;
    /// each fix is verified on its own, so apply them one at a time).
    #[arg(long)]
    pub fix_diff: bool,
    /// Verify a fix for each finding a config change can fix, and show it (in the notes,
    /// JSON's `fix`, SARIF's `fixes`, the markdown comment). Each candidate is verified by
    /// checking the changed config again, so this costs a check per candidate.
    #[arg(long)]
    pub show_fixes: bool,
    #[command(flatten)]
    pub input: InputArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    /// One line per finding: `file:line:col: CODE [severity] message`.
    Concise,
    Json,
    Sarif,
    /// GitHub Actions annotations (and the summary in $GITHUB_STEP_SUMMARY when set).
    Github,
    /// GitLab Code Quality JSON (suppressed and baseline findings left out).
    Gitlab,
    /// A review comment: the findings and a Mermaid diagram of each broken flow.
    Markdown,
    /// The `packet-tracer` command of every simulated flow, grouped by firewall, with
    /// `!` comment lines naming each flow: pastes into the ASA CLI.
    PacketTracer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Advice,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}
