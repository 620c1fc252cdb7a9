//! What each subcommand does, between the parsed command line and the exit code.

use std::io::IsTerminal;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};

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

/// Prints to standard output; gives the exit code for a write that failed (a full
/// disk behind a redirection is an error: the report is lost), `None` when it worked or
/// the reader closed the pipe (`| head`).
#[must_use]
pub(crate) fn print(text: &str) -> Option<u8> {
    match crate::fsio::write_stdout(text) {
        Ok(()) => None,
        Err(error) => {
            eprintln!("error: cannot write to standard output: {error}");
            Some(EXIT_ERROR)
        }
    }
}

/// Writes a report to `--output-file` (atomically, never through a link) or prints it;
/// gives the exit code when that failed.
pub(crate) fn emit(text: &str, output_file: Option<&std::path::Path>) -> Option<u8> {
    match output_file {
        Some(path) => match crate::fsio::write_atomic(path, text.as_bytes()) {
            Ok(()) => None,
            Err(error) => {
                eprintln!("error: {error}");
                Some(EXIT_ERROR)
            }
        },
        None => print(text),
    }
}

pub fn explain(code: &str) -> u8 {
    match rules::find(code) {
        Some(rule) => print(&format!(
            "{} ({}): {}\nDefault severity: {}\n\n{}",
            rule.code,
            rule.name,
            rule.summary,
            rule.severity.as_str(),
            explain_text(rule.doc)
        ))
        .unwrap_or(EXIT_CLEAN),
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
    print(&out).unwrap_or(EXIT_CLEAN)
}

/// Whether human output is coloured: `--color`, else a terminal on standard output;
/// `NO_COLOR` turns colour off, `CLICOLOR_FORCE` or `FORCE_COLOR` (set and not `0`) on
/// where it is not a terminal (a CI log).
pub(crate) fn use_color(choice: Color, to_file: bool) -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    let forced = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            if set("NO_COLOR") || to_file {
                false
            } else {
                forced("CLICOLOR_FORCE") || forced("FORCE_COLOR") || std::io::stdout().is_terminal()
            }
        }
    }
}

/// Human output is never narrower than this.
const MIN_WIDTH: usize = 40;
/// `--width 0`: no wrapping.
const UNBOUNDED_WIDTH: usize = 1 << 16;

/// The width of human output: `--width` (0 for no wrapping, at least 40), else `COLUMNS`,
/// else the terminal's width, else 100.
pub(crate) fn output_width(given: Option<usize>) -> usize {
    match given {
        Some(0) => UNBOUNDED_WIDTH,
        Some(n) => n.max(MIN_WIDTH),
        None => std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse::<usize>().ok())
            .filter(|c| *c > 0)
            .or_else(|| {
                terminal_size::terminal_size_of(std::io::stdout())
                    .map(|(terminal_size::Width(w), _)| usize::from(w))
            })
            .unwrap_or(100)
            .max(MIN_WIDTH),
    }
}

/// The settings file for a linted path: `--settings`, else the nearest `.mralint.yaml`
/// at or above the path (a folder, or a file's folder), else above the working directory.
fn settings_file(input: &crate::cli::InputArgs, start: Option<&Path>) -> Option<PathBuf> {
    if let Some(file) = &input.settings {
        return Some(file.clone());
    }
    let cwd = std::env::current_dir().ok()?;
    let from_path = start.filter(|p| p.as_os_str() != "-").and_then(|path| {
        let absolute = crate::source::normalize_path(&cwd.join(path));
        let folder = if absolute.is_dir() {
            absolute
        } else {
            absolute.parent()?.to_path_buf()
        };
        crate::settings::find_config(&folder)
    });
    from_path.or_else(|| crate::settings::find_config(&cwd))
}

/// The settings file (`--settings`, else the `.mralint.yaml` found upward from `start`,
/// a linted path, or from the working directory) with these flags over it.
pub(crate) fn run_settings(
    select: &Option<Vec<String>>,
    ignore: &Option<Vec<String>>,
    fail_on: Option<FailOn>,
    input: &crate::cli::InputArgs,
    start: Option<&Path>,
) -> Result<Settings, String> {
    let file = settings_file(input, start);
    settings_from(file.as_deref(), select, ignore, fail_on, input)
}

fn settings_from(
    file: Option<&Path>,
    select: &Option<Vec<String>>,
    ignore: &Option<Vec<String>>,
    fail_on: Option<FailOn>,
    input: &crate::cli::InputArgs,
) -> Result<Settings, String> {
    let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
    let mut settings = match file {
        Some(path) => {
            let cap = input.policy().max_file_size;
            // A settings file found by the search is held to its own project root (a link
            // out of the repository is refused); one named by --settings is read as given.
            let read = match input.settings {
                Some(_) => crate::fsio::read_capped(path, cap),
                None => {
                    let root = crate::fsio::project_root(path.parent().unwrap_or(&cwd));
                    crate::fsio::read_inside(path, &root, cap)
                }
            };
            let bytes = read.map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
            let text = String::from_utf8_lossy(&bytes);
            // A settings file given with --settings usually lives outside the checkout
            // (the base branch's copy): its excludes are relative to the working directory.
            let folder = match path.parent() {
                Some(dir) if input.settings.is_none() && !dir.as_os_str().is_empty() => dir,
                _ => &cwd,
            };
            Settings::from_file(&text, folder).map_err(|e| format!("`{}`: {e}", path.display()))?
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
    settings.validate().map_err(|e| e.to_string())?;
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

/// Human output stops quoting findings past this size (the summary still counts all).
const MAX_HUMAN_OUTPUT: usize = 32 << 20;

/// The linted paths grouped by the settings file that applies to them, in the order of
/// the command line.
type SettingsGroup = (Option<PathBuf>, Vec<PathBuf>);

fn settings_groups(args: &CheckArgs) -> Vec<SettingsGroup> {
    let mut groups: Vec<SettingsGroup> = Vec::new();
    for path in &args.paths {
        let file = settings_file(&args.input, Some(path));
        match groups.iter_mut().find(|(f, _)| *f == file) {
            Some((_, paths)) => paths.push(path.clone()),
            None => groups.push((file, vec![path.clone()])),
        }
    }
    groups
}

/// How small a file must be to be looked at as a possible xConfiguration dump.
const DUMP_SNIFF_LIMIT: u64 = 16 << 20;

/// The xConfiguration dumps in a folder (files whose first lines hold `xConfiguration`),
/// sorted: what `mralint init --xconfig` wants.
fn dumps_beside(folder: &Path) -> Vec<PathBuf> {
    use std::io::Read;
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut dumps: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter(|e| e.metadata().is_ok_and(|m| m.len() <= DUMP_SNIFF_LIMIT))
        .map(|e| e.path())
        .filter(|p| {
            let mut head = Vec::with_capacity(4096);
            std::fs::File::open(p)
                .and_then(|f| f.take(4096).read_to_end(&mut head))
                .is_ok()
                && String::from_utf8_lossy(&head).contains("xConfiguration ")
        })
        .collect();
    dumps.sort();
    dumps
}

/// A path as a shell word: quoted when it holds anything but safe characters.
fn shell_word(path: &Path) -> String {
    let text = crate::source::display_path(path);
    if !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:@+,".contains(c))
    {
        text
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// The notice for a config linted without a deployment: the MRA rules did not run on it.
/// With xConfiguration dumps beside it, the exact `init` command that writes one.
fn no_deployment_notice(project: &Project) -> Option<report::Notice> {
    if let Some(input) = &project.deployment {
        // A deployment with errors is not used: say that the MRA rules wait for it.
        if input.deployment.is_some() || input.errors.is_empty() {
            return None;
        }
        let name = project.sources.get(input.file).display_name();
        return Some(report::Notice {
            kind: "invalid-deployment",
            file: name.clone(),
            message: format!(
                "MRA rules not run on the configs `{name}` names: fix its DEP001 errors first"
            ),
        });
    }
    let firewall = project.firewalls.first()?;
    let file = project.sources.get(firewall.file);
    let name = file.display_name();
    let path = file.path.clone();
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf);
    let dumps = if name == "<stdin>" {
        Vec::new()
    } else {
        dumps_beside(folder.as_deref().unwrap_or(Path::new(".")))
    };
    let firewall = if name == "<stdin>" {
        "CFG".to_string()
    } else {
        shell_word(&path)
    };
    let command = if dumps.is_empty() {
        format!("mralint init --xconfig EXPC.txt EXPE.txt --firewall {firewall}")
    } else {
        let output = folder
            .as_deref()
            .map(|f| f.join("deployment.yaml"))
            .unwrap_or_else(|| PathBuf::from("deployment.yaml"));
        format!(
            "mralint init --xconfig {} --firewall {} -o {}",
            dumps
                .iter()
                .map(|d| shell_word(d))
                .collect::<Vec<_>>()
                .join(" "),
            firewall,
            shell_word(&output)
        )
    };
    let message = if dumps.is_empty() {
        format!("MRA rules not run on `{name}`: no deployment names this config — `{command}` (with the Expressways' xConfiguration dumps) writes one")
    } else {
        format!("MRA rules not run on `{name}`: no deployment names this config, and xConfiguration dumps lie beside it — `{command}` writes one")
    };
    Some(report::Notice {
        kind: "no-deployment",
        file: name,
        message,
    })
}

/// One linted project and the settings it was linted with.
struct Linted<'s> {
    project: Project,
    findings: Vec<Finding>,
    settings: &'s Settings,
}

pub fn check(args: &CheckArgs) -> u8 {
    use rayon::prelude::*;
    if args.statistics && !matches!(args.format, Format::Human | Format::Concise) {
        eprintln!("error: --statistics works with --format human or concise");
        return EXIT_ERROR;
    }
    let mut all_settings: Vec<(Settings, Vec<PathBuf>)> = Vec::new();
    for (file, paths) in settings_groups(args) {
        match settings_from(
            file.as_deref(),
            &args.select,
            &args.ignore,
            args.fail_on,
            &args.input,
        ) {
            Ok(mut settings) => {
                settings.require_deployment |= args.require_deployment;
                all_settings.push((settings, paths));
            }
            Err(message) => {
                eprintln!("error: {message}");
                return EXIT_ERROR;
            }
        }
    }
    let policy = args.input.policy();
    let baseline = match args
        .baseline
        .as_deref()
        .map(|path| crate::baseline::read(path, policy.max_file_size))
        .transpose()
    {
        Ok(baseline) => baseline,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_ERROR;
        }
    };
    let mut linted: Vec<Linted> = Vec::new();
    for (settings, paths) in &all_settings {
        let projects = match workspace::discover_with(paths, &|p| settings.is_excluded(p), &policy)
        {
            Ok(projects) => projects,
            Err(error) => {
                eprintln!("{:?}", miette::Report::new(error));
                return EXIT_ERROR;
            }
        };
        if args.verbose {
            for project in &projects {
                eprint!(
                    "{}",
                    crate::escape::terminal(&report::evidence::render(project))
                );
            }
        }
        linted.extend(
            projects
                .into_par_iter()
                .map(|project| {
                    let mut findings = settings.apply(crate::rules::run_selected(&project, &|c| {
                        settings.is_enabled(c)
                    }));
                    crate::fix::attach(&project, &mut findings);
                    Linted {
                        project,
                        findings,
                        settings,
                    }
                })
                .collect::<Vec<_>>(),
        );
    }
    let notices: Vec<report::Notice> = linted
        .iter()
        .filter_map(|l| no_deployment_notice(&l.project))
        .collect();
    let all: Vec<(&[Finding], &crate::source::Sources)> = linted
        .iter()
        .map(|l| (l.findings.as_slice(), &l.project.sources))
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
    let color = use_color(args.color, args.output_file.is_some());
    let width = output_width(args.width);
    // Suppressed and baseline findings live on only in SARIF.
    let visible: Vec<(Vec<Finding>, &crate::source::Sources)> = linted
        .iter()
        .enumerate()
        .map(|(part, l)| {
            (
                l.findings
                    .iter()
                    .enumerate()
                    .filter(|(i, f)| f.suppressed.is_none() && !known(part, *i))
                    .map(|(_, f)| f.clone())
                    .collect(),
                &l.project.sources,
            )
        })
        .collect();
    let parts: Vec<(&[Finding], &crate::source::Sources)> =
        visible.iter().map(|(f, s)| (f.as_slice(), *s)).collect();
    let require_deployment = linted
        .iter()
        .any(|l| l.settings.require_deployment && no_deployment_notice(&l.project).is_some());
    // The summary line of human and concise output, with the notices under it.
    let summary = || {
        let all: Vec<Finding> = parts.iter().flat_map(|(f, _)| f.iter().cloned()).collect();
        let suppressed = linted
            .iter()
            .flat_map(|l| &l.findings)
            .filter(|f| f.suppressed.is_some())
            .count();
        let mut out = format!("mralint: {}", report::human::summary(&all));
        if suppressed > 0 {
            out.push_str(&format!(" ({suppressed} suppressed)"));
        }
        if let Some(c) = &comparison {
            out.push_str(&format!(" ({} in the baseline)", c.known_count()));
        }
        out.push('\n');
        out
    };
    let notice_lines = || {
        let mut out = String::new();
        for notice in &notices {
            out.push_str(&format!(
                "mralint: {}{}\n",
                crate::escape::terminal_line(&notice.message),
                if require_deployment {
                    " (fails the run: require-deployment)"
                } else {
                    ""
                }
            ));
        }
        out
    };
    let out = match args.format {
        _ if args.fix_diff => {
            let projects: Vec<(&Project, &[Finding])> = linted
                .iter()
                .zip(&parts)
                .map(|(l, (f, _))| (&l.project, *f))
                .collect();
            crate::fix::command::patch(&projects)
        }
        Format::Human | Format::Concise if args.statistics => {
            let mut out = report::concise::statistics(&parts);
            if !args.quiet {
                out.push_str(&summary());
                out.push_str(&notice_lines());
            }
            out
        }
        Format::Human => {
            let mut out = String::new();
            let mut left_out = 0;
            for (findings, sources) in &parts {
                for finding in findings.iter() {
                    // Each finding quotes lines of up to 64 KiB: a hostile file with a
                    // finding on every line would otherwise print gigabytes.
                    if out.len() > MAX_HUMAN_OUTPUT {
                        left_out += 1;
                        continue;
                    }
                    let one = std::slice::from_ref(finding);
                    out.push_str(&report::human::render(one, sources, color, width));
                }
            }
            if left_out > 0 {
                out.push_str(&format!(
                    "mralint: {left_out} more findings not shown: the report reached the {} MiB limit of human output (--format json or sarif lists every finding)\n",
                    MAX_HUMAN_OUTPUT >> 20
                ));
            }
            if !args.quiet {
                out.push_str(&summary());
                out.push_str(&notice_lines());
            }
            out
        }
        Format::Concise => {
            let mut out = report::concise::render_all(&parts);
            if !args.quiet {
                out.push_str(&summary());
                out.push_str(&notice_lines());
            }
            out
        }
        Format::Json => report::json::render_with(&parts, &notices),
        Format::Github => {
            let projects: Vec<(&Project, &[Finding])> = linted
                .iter()
                .zip(&parts)
                .map(|(l, (f, _))| (&l.project, *f))
                .collect();
            report::github::write_step_summary(|| {
                report::markdown::check_with(&projects, fail_threshold(&linted), &notices)
            });
            report::github::render_with(&parts, &notices)
        }
        Format::Gitlab => report::gitlab::render_all(&parts),
        Format::Markdown => {
            let projects: Vec<(&Project, &[Finding])> = linted
                .iter()
                .zip(&parts)
                .map(|(l, (f, _))| (&l.project, *f))
                .collect();
            report::markdown::check_with(&projects, fail_threshold(&linted), &notices)
        }
        Format::PacketTracer => {
            report::packet_tracer::render_all(linted.iter().map(|l| &l.project))
        }
        Format::Sarif => match &comparison {
            Some(c) => crate::baseline::sarif_with(&all, c, &notices),
            None => report::sarif::render_with(&all, &notices),
        },
    };
    if let Some(failed) = emit(&out, args.output_file.as_deref()) {
        return failed;
    }
    if args.quiet && !matches!(args.format, Format::Human | Format::Concise) {
        // Machine formats carry their notices; nothing more on standard error.
    } else if args.quiet || args.output_file.is_some() {
        eprint!("{}", notice_lines());
    }
    // Writing a baseline accepts every finding, unless a baseline is applied too.
    let accepted_all = args.write_baseline.is_some() && comparison.is_none();
    let fails = linted.iter().enumerate().any(|(part, l)| {
        let unknown = l
            .findings
            .iter()
            .enumerate()
            .filter(|(i, _)| !known(part, *i))
            .map(|(_, f)| f);
        l.settings.fails(unknown)
    });
    if (!accepted_all && fails) || require_deployment {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

/// The `fail-on` the report names: the strictest of the settings applied.
fn fail_threshold(linted: &[Linted]) -> Option<Severity> {
    linted.iter().filter_map(|l| l.settings.fail_on).min()
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

/// What an existing deployment file holds that `init --update` keeps: the dumps it lists,
/// its firewalls' configs, its `dns` entries and Expressway-E's size (paths as seen from
/// the working directory).
struct Kept {
    dumps: Vec<PathBuf>,
    firewalls: Vec<PathBuf>,
    dns: Vec<String>,
    size: Option<crate::deployment::Size>,
}

fn kept(path: &Path) -> Result<Kept, String> {
    let bytes = crate::fsio::read_capped(path, crate::fsio::DEFAULT_MAX_FILE_SIZE)
        .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let text = String::from_utf8_lossy(&bytes);
    let file: crate::deployment::file::DeploymentFile =
        serde_saphyr::from_str(&text).map_err(|e| {
            format!(
                "`{}` is not a deployment file --update can read: {}",
                path.display(),
                e.to_string().lines().next().unwrap_or_default()
            )
        })?;
    let folder = path.parent().unwrap_or(Path::new(""));
    let at = |p: &str| folder.join(p);
    Ok(Kept {
        dumps: file
            .expressway_c
            .xconfig
            .iter()
            .chain(&file.expressway_e.xconfig)
            .map(|d| at(&d.value))
            .collect(),
        firewalls: file.firewalls.iter().map(|f| at(&f.config.value)).collect(),
        dns: file
            .dns
            .iter()
            .map(|(name, address)| format!("{name}={}", address.value))
            .collect(),
        size: file.expressway_e.size.map(|s| s.value),
    })
}

pub fn init(args: &InitArgs) -> u8 {
    let to_stdout = args.output.as_os_str() == "-";
    let exists = !to_stdout && std::fs::symlink_metadata(&args.output).is_ok();
    // Anything at the path, a dangling link included, is kept unless --force or --update.
    if exists && !args.force && !args.update {
        eprintln!(
            "error: `{}` exists: pass --update to rewrite it keeping its firewalls, dns and size (the flags given now are added), --force to overwrite it, or --output another file",
            args.output.display()
        );
        return EXIT_ERROR;
    }
    let kept = if args.update && exists {
        match kept(&args.output) {
            Ok(kept) => Some(kept),
            Err(message) => {
                eprintln!("error: {}", crate::escape::terminal(&message));
                return EXIT_ERROR;
            }
        }
    } else {
        None
    };
    if args.xconfig.is_empty() && kept.is_none() {
        eprintln!("error: --xconfig FILE... is required (--update needs an existing --output file that lists its dumps)");
        return EXIT_ERROR;
    }
    let output_dir = match args.output.parent() {
        Some(dir) if !to_stdout && !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let size = args.size.map(|s| match s {
        SystemSize::Small => crate::deployment::Size::Small,
        SystemSize::Medium => crate::deployment::Size::Medium,
        SystemSize::Large => crate::deployment::Size::Large,
    });
    let (dumps, firewalls, dns, size) = match &kept {
        None => (
            args.xconfig.clone(),
            args.firewall.clone(),
            args.dns.clone(),
            size,
        ),
        Some(kept) => {
            let dumps = if args.xconfig.is_empty() {
                kept.dumps.clone()
            } else {
                args.xconfig.clone()
            };
            let mut firewalls = kept.firewalls.clone();
            for firewall in &args.firewall {
                let same = |f: &PathBuf| {
                    crate::source::normalize_path(f) == crate::source::normalize_path(firewall)
                };
                if !firewalls.iter().any(same) {
                    firewalls.push(firewall.clone());
                }
            }
            // A name given now replaces the file's answer for it.
            let given: Vec<String> = args
                .dns
                .iter()
                .filter_map(|d| {
                    d.split_once('=')
                        .map(|(n, _)| n.trim().to_ascii_lowercase())
                })
                .collect();
            let mut dns: Vec<String> = kept
                .dns
                .iter()
                .filter(|d| {
                    d.split_once('=')
                        .is_none_or(|(n, _)| !given.contains(&n.trim().to_ascii_lowercase()))
                })
                .cloned()
                .collect();
            dns.extend(args.dns.iter().cloned());
            (dumps, firewalls, dns, size.or(kept.size))
        }
    };
    let request = crate::init::Request {
        dumps,
        firewalls,
        dns,
        size,
        output_dir,
    };
    let written = match crate::init::deployment(&request) {
        Ok(written) => written,
        Err(message) => {
            eprintln!("error: {}", crate::escape::terminal(&message));
            return EXIT_ERROR;
        }
    };
    // What init says about the dumps quotes their text.
    for role in &written.roles {
        eprintln!("{}", crate::escape::terminal(role));
    }
    if to_stdout {
        if let Some(failed) = print(&written.text) {
            return failed;
        }
    } else if let Err(error) = crate::fsio::write_new(
        &args.output,
        written.text.as_bytes(),
        args.force || args.update,
    ) {
        eprintln!("error: {error}");
        return EXIT_ERROR;
    }
    for missing in &written.missing {
        eprintln!("missing: {}", crate::escape::terminal(missing));
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
                    report::human::render(findings, &project.sources, false, output_width(None))
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

/// `mralint completions SHELL`: the completion script, generated from the command line's
/// definition.
pub fn completions(shell: clap_complete::Shell) -> u8 {
    use clap::CommandFactory;
    let mut command = crate::cli::Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "mralint", &mut out);
    print(&String::from_utf8_lossy(&out)).unwrap_or(EXIT_CLEAN)
}

/// `mralint man`: the man page (roff), the subcommands' pages after the main one.
pub fn man() -> u8 {
    use clap::CommandFactory;
    let command = crate::cli::Cli::command();
    let mut out = Vec::new();
    if clap_mangen::Man::new(command.clone())
        .render(&mut out)
        .is_err()
    {
        return EXIT_ERROR;
    }
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name: &'static str = Box::leak(format!("mralint-{}", sub.get_name()).into_boxed_str());
        let page = sub.clone().name(name);
        if clap_mangen::Man::new(page).render(&mut out).is_err() {
            return EXIT_ERROR;
        }
    }
    print(&String::from_utf8_lossy(&out)).unwrap_or(EXIT_CLEAN)
}
