//! `mralint check`: lints deployments and configs, and reports the findings in one of
//! the output formats.

use std::path::{Path, PathBuf};

use super::{
    emit, output_width, settings_file, settings_from, use_color, EXIT_CLEAN, EXIT_ERROR,
    EXIT_FINDINGS,
};
use crate::cli::{CheckArgs, Format};
use crate::finding::{Finding, Severity};
use crate::settings::Settings;
use crate::workspace::{self, Project};
use crate::{report, rules};

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
    analysis: crate::mra::Analysis,
    settings: &'s Settings,
}

pub fn run(args: &CheckArgs) -> u8 {
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
    let draws_flows = match args.format {
        Format::Markdown | Format::PacketTracer => true,
        Format::Github => report::github::step_summary_path().is_some(),
        _ => false,
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
                    let selected = |c: &str| settings.is_enabled(c);
                    // A review comment draws every flow, whichever rules are selected.
                    let analysis = if draws_flows {
                        crate::mra::Analysis::of(&project)
                    } else {
                        rules::analysis_for(&project, &selected)
                    };
                    let mut findings =
                        settings.apply(rules::run_analysed(&project, &analysis, &selected));
                    // Verifying a fix checks the changed config again: only on request.
                    if args.show_fixes || args.fix_diff {
                        crate::fix::attach(&project, &analysis, &mut findings);
                    }
                    Linted {
                        project,
                        findings,
                        analysis,
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
            super::fix::patch(&projects)
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
            let projects: Vec<report::markdown::CheckPart> = linted
                .iter()
                .zip(&parts)
                .map(|(l, (f, _))| (&l.project, *f, &l.analysis))
                .collect();
            report::github::write_step_summary(|| {
                report::markdown::check_with(&projects, fail_threshold(&linted), &notices)
            });
            report::github::render_with(&parts, &notices)
        }
        Format::Gitlab => report::gitlab::render_all(&parts),
        Format::Markdown => {
            let projects: Vec<report::markdown::CheckPart> = linted
                .iter()
                .zip(&parts)
                .map(|(l, (f, _))| (&l.project, *f, &l.analysis))
                .collect();
            report::markdown::check_with(&projects, fail_threshold(&linted), &notices)
        }
        Format::PacketTracer => {
            report::packet_tracer::render_all(linted.iter().map(|l| (&l.project, &l.analysis)))
        }
        Format::Sarif => match &comparison {
            Some(c) => crate::report::sarif::with_baseline(&all, c, &notices),
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
