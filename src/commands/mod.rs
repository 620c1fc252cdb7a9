//! What each subcommand does, between the parsed command line and the exit code: one
//! file per subcommand. Here: the exit codes, and what several subcommands share
//! (writing the report, colour and width, the settings for a run).

pub mod check;
pub mod completions;
pub mod diff;
pub mod explain;
pub mod fix;
pub mod init;
pub mod man;
pub mod rules;
pub mod trace;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::cli::{Color, FailOn};
use crate::finding::{Finding, Severity};
use crate::settings::{Settings, SettingsError};

/// Exit code: nothing at or above `--fail-on` (a trace: the packet is allowed).
pub const EXIT_CLEAN: u8 = 0;
/// Exit code: findings at or above `--fail-on` (a trace: the packet is dropped; init:
/// something a check needs is missing).
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code: a usage error, or an input that could not be read or an output written.
pub const EXIT_ERROR: u8 = 2;

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
pub(crate) fn emit(text: &str, output_file: Option<&Path>) -> Option<u8> {
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
pub(crate) fn settings_file(
    input: &crate::cli::InputArgs,
    start: Option<&Path>,
) -> Option<PathBuf> {
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
) -> Result<Settings, SettingsError> {
    let file = settings_file(input, start);
    settings_from(file.as_deref(), select, ignore, fail_on, input)
}

/// The settings in `file` (or the defaults) with these flags over it.
pub(crate) fn settings_from(
    file: Option<&Path>,
    select: &Option<Vec<String>>,
    ignore: &Option<Vec<String>>,
    fail_on: Option<FailOn>,
    input: &crate::cli::InputArgs,
) -> Result<Settings, SettingsError> {
    let cwd = std::env::current_dir().map_err(SettingsError::WorkingDirectory)?;
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
            let bytes = read.map_err(|error| SettingsError::Unreadable {
                path: path.to_path_buf(),
                error,
            })?;
            let text = String::from_utf8_lossy(&bytes);
            // A settings file given with --settings usually lives outside the checkout
            // (the base branch's copy): its excludes are relative to the working directory.
            let folder = match path.parent() {
                Some(dir) if input.settings.is_none() && !dir.as_os_str().is_empty() => dir,
                _ => &cwd,
            };
            Settings::from_file(&text, folder).map_err(|error| SettingsError::InFile {
                path: path.to_path_buf(),
                error: Box::new(error),
            })?
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
    settings.validate()?;
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
