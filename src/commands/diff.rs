//! `mralint diff`: reads both states, compares them, renders, and decides the exit code.

use std::path::{Path, PathBuf};

use super::{emit, output_width, run_settings, use_color, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
use crate::cli::{DiffArgs, DiffFormat};
use crate::diff::{git, Diff, LintedProject, Naming, State};
use crate::report;
use crate::settings::Settings;
use crate::workspace::{self, Project};

pub fn run(args: &DiffArgs) -> u8 {
    // Settings are found from the new state (a folder, or a file's folder).
    let start = match (&args.base, args.paths.last()) {
        (None, Some(new)) => Some(new.as_path()),
        _ => args.paths.first().map(PathBuf::as_path),
    };
    let settings = match run_settings(&args.select, &args.ignore, args.fail_on, &args.input, start)
    {
        Ok(settings) => settings,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_ERROR;
        }
    };
    let diff = match compare(args, &settings) {
        Ok(diff) => diff,
        Err(error) => {
            eprintln!("{error}");
            return EXIT_ERROR;
        }
    };
    let color = use_color(args.color, args.output_file.is_some());
    let out = match args.format {
        DiffFormat::Human => {
            report::diff::human(&diff, settings.fail_on, color, output_width(args.width))
        }
        DiffFormat::Json => report::diff::json(&diff, settings.fail_on),
        DiffFormat::Sarif => report::diff::sarif(&diff, args.sarif_keep_fixed),
        DiffFormat::Github => {
            report::github::write_step_summary(|| report::markdown::diff(&diff, settings.fail_on));
            report::diff::github(&diff, settings.fail_on)
        }
        DiffFormat::Markdown => report::markdown::diff(&diff, settings.fail_on),
    };
    if let Some(failed) = emit(&out, args.output_file.as_deref()) {
        return failed;
    }
    if diff.fails(settings.fail_on) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

const USAGE: &str =
    "error: `mralint diff` compares OLD NEW (two files or two folders), or --base REV [PATH]...";

/// Why two states cannot be compared. Its text is the whole message to print (with
/// its `error:`, or the diagnostic of an unreadable input).
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    #[error("{USAGE}")]
    Usage,
    #[error("{USAGE}; standard input cannot be one of the states")]
    StandardInput,
    #[error("{USAGE}; `{old}` and `{new}` must both be files or both be folders")]
    FileAndFolder { old: String, new: String },
    #[error("error: cannot read `{0}`: no such file or folder")]
    Missing(String),
    #[error("error: cannot read `{path}`: it exists neither in the working tree nor at `{rev}`")]
    MissingAtBoth { path: String, rev: String },
    #[error("error: {0}")]
    WorkingDirectory(std::io::Error),
    #[error("error: {0}")]
    Git(#[from] git::GitError),
    /// An input that cannot be read, rendered as its diagnostic.
    #[error("{0}")]
    Input(String),
}

/// Reads, lints and compares the two states the command line names.
pub fn compare(args: &DiffArgs, settings: &Settings) -> Result<Diff, DiffError> {
    if args.paths.iter().any(|p| p.as_os_str() == "-") {
        return Err(DiffError::StandardInput);
    }
    match &args.base {
        Some(rev) => compare_with_revision(rev, &args.paths, settings, &args.input.policy()),
        None => match args.paths.as_slice() {
            [old, new] => compare_paths(old, new, settings, &args.input.policy()),
            _ => Err(DiffError::Usage),
        },
    }
}

fn input_error(error: workspace::InputError) -> DiffError {
    DiffError::Input(format!("{:?}", miette::Report::new(error)))
}

fn lint_all(projects: Vec<Project>, settings: &Settings, naming: &Naming) -> Vec<LintedProject> {
    use rayon::prelude::*;
    projects
        .into_par_iter()
        .map(|p| LintedProject::new(p, settings, naming))
        .collect()
}

/// `mralint diff OLD NEW`.
fn compare_paths(
    old: &Path,
    new: &Path,
    settings: &Settings,
    policy: &crate::fsio::InputPolicy,
) -> Result<Diff, DiffError> {
    for path in [old, new] {
        if !path.exists() {
            return Err(DiffError::Missing(crate::source::display_path(path)));
        }
    }
    let (old_naming, new_naming) = match (old.is_dir(), new.is_dir()) {
        (true, true) => (Naming::new(old), Naming::new(new)),
        (false, false) => {
            // Two files: the configs a deployment names sit beside it, so each file's
            // folder is its root, and the two files share the new one's name.
            let shared = new
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (
                Naming::new(old.parent().unwrap_or(Path::new(""))).with_alias(old, &shared),
                Naming::new(new.parent().unwrap_or(Path::new(""))),
            )
        }
        _ => {
            return Err(DiffError::FileAndFolder {
                old: crate::source::display_path(old),
                new: crate::source::display_path(new),
            })
        }
    };
    let exclude = |p: &Path| settings.is_excluded(p);
    let old_projects =
        workspace::discover_with(&[old.to_path_buf()], &exclude, policy).map_err(input_error)?;
    let new_projects =
        workspace::discover_with(&[new.to_path_buf()], &exclude, policy).map_err(input_error)?;
    Ok(Diff::new(
        State::new(
            crate::source::display_path(old),
            lint_all(old_projects, settings, &old_naming),
        ),
        State::new(
            crate::source::display_path(new),
            lint_all(new_projects, settings, &new_naming),
        ),
    ))
}

/// `mralint diff --base REV [PATH]...`.
fn compare_with_revision(
    rev: &str,
    paths: &[PathBuf],
    settings: &Settings,
    policy: &crate::fsio::InputPolicy,
) -> Result<Diff, DiffError> {
    // The old files live in a scratch folder that stands for the repository root.
    let old_policy = crate::fsio::InputPolicy {
        root: None,
        ..policy.clone()
    };
    let paths: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let cwd = std::env::current_dir().map_err(DiffError::WorkingDirectory)?;
    let revision = git::read_revision(&cwd, rev, &paths)?;
    let scratch = revision.scratch.path().to_path_buf();
    let repository = revision.repository.clone();

    // The working tree: paths absent there are changes that delete them.
    let present: Vec<PathBuf> = paths.iter().filter(|p| p.exists()).cloned().collect();
    let missing_everywhere = paths
        .iter()
        .zip(&revision.paths)
        .find(|(p, at_rev)| !p.exists() && at_rev.is_none());
    if let Some((path, _)) = missing_everywhere {
        return Err(DiffError::MissingAtBoth {
            path: crate::source::display_path(path),
            rev: rev.to_string(),
        });
    }
    let new_projects = if present.is_empty() {
        Vec::new()
    } else {
        workspace::discover_with(&present, &|p: &Path| settings.is_excluded(p), policy)
            .map_err(input_error)?
    };
    // Excludes name repository paths; the old files live in the scratch folder.
    let old_excluded = |p: &Path| {
        let absolute = crate::source::normalize_path(p);
        let inside = absolute.strip_prefix(&scratch).unwrap_or(&absolute);
        settings.is_excluded(&repository.join(inside))
    };
    let old_paths: Vec<PathBuf> = revision.paths.iter().flatten().cloned().collect();
    let old_projects = if old_paths.is_empty() {
        Vec::new()
    } else {
        workspace::discover_with(&old_paths, &old_excluded, &old_policy).map_err(input_error)?
    };
    let old_naming = Naming::new(&scratch).shown_as(&format!("{rev}:"));
    let new_naming = Naming::new(&repository);
    let old = State::new(rev, lint_all(old_projects, settings, &old_naming));
    let new = State::new(
        "working tree",
        lint_all(new_projects, settings, &new_naming),
    );
    // The scratch folder goes when `revision` does; everything read from it is in memory.
    drop(revision);
    Ok(Diff::new(old, new))
}
