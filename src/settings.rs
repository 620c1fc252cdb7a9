//! Rule selection and severities: command-line flags over a `.mralint.yaml` found upward
//! from the working directory.
//!
//! ```yaml
//! select: [MRA, OBJ001]        # codes or prefixes; default: every rule
//! ignore: [MRA011]
//! severity: { MRA009: error }  # error | warning | advice
//! fail-on: error               # error | warning | advice | never
//! exclude: ["lab/**"]          # globs, relative to this file's folder
//! require-deployment: true     # a config no deployment names fails the run
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::finding::{Finding, Severity};

pub const FILE_NAME: &str = ".mralint.yaml";

/// The `.mralint.yaml` file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConfigFile {
    #[serde(default)]
    pub select: Vec<String>,
    #[serde(default)]
    pub ignore: Vec<String>,
    #[serde(default)]
    pub severity: BTreeMap<String, SeverityName>,
    #[serde(default, alias = "fail_on")]
    pub fail_on: Option<FailOnName>,
    #[serde(default)]
    pub exclude: Vec<String>,
    #[serde(default, alias = "require_deployment")]
    pub require_deployment: bool,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SeverityName {
    Error,
    Warning,
    Advice,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailOnName {
    Error,
    Warning,
    Advice,
    Never,
}

/// The effective settings of a run.
#[derive(Debug, Clone)]
pub struct Settings {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub severity: BTreeMap<String, Severity>,
    /// `None`: never fail.
    pub fail_on: Option<Severity>,
    pub exclude: globset::GlobSet,
    /// The folder excludes are relative to.
    pub root: PathBuf,
    /// A config linted without a deployment (the MRA rules did not run) fails the run.
    pub require_deployment: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            select: Vec::new(),
            ignore: Vec::new(),
            severity: BTreeMap::new(),
            fail_on: Some(Severity::Warning),
            exclude: globset::GlobSet::empty(),
            root: PathBuf::from("."),
            require_deployment: false,
        }
    }
}

/// The nearest `.mralint.yaml` at or above `start`.
pub fn find_config(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        // Anything by that name counts, so that a pipe or a directory is an error rather
        // than silently skipped.
        .find(|candidate| std::fs::symlink_metadata(candidate).is_ok())
}

fn matches(selectors: &[String], code: &str) -> bool {
    selectors.iter().any(|s| {
        code.to_ascii_uppercase()
            .starts_with(&s.to_ascii_uppercase())
    })
}

/// A rule selector or severity override that names no rule: a typo would otherwise
/// select nothing and let every config pass.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: `{given}` is not a rule code or prefix (did you mean `{closest}`? `mralint rules` lists them)")]
pub struct UnknownCode {
    pub field: &'static str,
    pub given: String,
    pub closest: &'static str,
}

/// Why the settings for a run cannot be used: the settings file cannot be read or
/// parsed, or a rule code it (or the command line) names does not exist.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The YAML parser's first line (the rest quotes the file, which may not be ours).
    #[error("{0}")]
    Syntax(String),
    #[error("exclude `{pattern}`: {error}")]
    Exclude {
        pattern: String,
        error: globset::Error,
    },
    #[error("{0}")]
    Excludes(globset::Error),
    #[error("{0}")]
    WorkingDirectory(std::io::Error),
    #[error("cannot read `{}`: {error}", path.display())]
    Unreadable {
        path: PathBuf,
        error: crate::fsio::ReadError,
    },
    /// A problem in a settings file, with the file's path.
    #[error("`{}`: {error}", path.display())]
    InFile {
        path: PathBuf,
        error: Box<SettingsError>,
    },
    #[error("{0}")]
    UnknownCode(#[from] UnknownCode),
}

impl Settings {
    /// Checks that every selector names a rule and every severity override a rule code.
    pub fn validate(&self) -> Result<(), UnknownCode> {
        let unknown = |field, given: &str| UnknownCode {
            field,
            given: given.to_string(),
            closest: crate::rules::closest_code(given),
        };
        for (field, selectors) in [("select", &self.select), ("ignore", &self.ignore)] {
            if let Some(bad) = selectors.iter().find(|s| !crate::rules::selects_any(s)) {
                return Err(unknown(field, bad));
            }
        }
        if let Some(bad) = self
            .severity
            .keys()
            .find(|code| crate::rules::find(code).is_none())
        {
            return Err(unknown("severity", bad));
        }
        Ok(())
    }

    /// Settings from a config file's text (its folder is `root`).
    pub fn from_file(text: &str, root: &Path) -> Result<Settings, SettingsError> {
        // The parser's first line only: the rest quotes the file, which may not be ours.
        let file: ConfigFile = serde_saphyr::from_str(text).map_err(|e| {
            let message = e.to_string();
            SettingsError::Syntax(message.lines().next().unwrap_or_default().to_string())
        })?;
        let mut builder = globset::GlobSetBuilder::new();
        for pattern in &file.exclude {
            builder.add(
                globset::Glob::new(pattern).map_err(|error| SettingsError::Exclude {
                    pattern: pattern.clone(),
                    error,
                })?,
            );
        }
        Ok(Settings {
            select: file.select,
            ignore: file.ignore,
            severity: file
                .severity
                .into_iter()
                .map(|(code, s)| {
                    let severity = match s {
                        SeverityName::Error => Severity::Error,
                        SeverityName::Warning => Severity::Warning,
                        SeverityName::Advice => Severity::Advice,
                    };
                    (code.to_ascii_uppercase(), severity)
                })
                .collect(),
            fail_on: match file.fail_on {
                None | Some(FailOnName::Warning) => Some(Severity::Warning),
                Some(FailOnName::Error) => Some(Severity::Error),
                Some(FailOnName::Advice) => Some(Severity::Advice),
                Some(FailOnName::Never) => None,
            },
            exclude: builder.build().map_err(SettingsError::Excludes)?,
            root: root.to_path_buf(),
            require_deployment: file.require_deployment,
        })
    }

    /// Whether a rule code is selected and not ignored.
    pub fn is_enabled(&self, code: &str) -> bool {
        (self.select.is_empty() || matches(&self.select, code)) && !matches(&self.ignore, code)
    }

    /// Whether a path is excluded (matched relative to the settings' folder, or as given).
    pub fn is_excluded(&self, path: &Path) -> bool {
        let absolute = crate::source::normalize_path(path);
        let root = crate::source::normalize_path(&self.root);
        let relative = absolute.strip_prefix(&root).unwrap_or(path);
        self.exclude.is_match(relative) || self.exclude.is_match(path)
    }

    /// Drops findings of rules that are not selected and applies severity overrides.
    pub fn apply(&self, findings: Vec<Finding>) -> Vec<Finding> {
        findings
            .into_iter()
            .filter(|f| self.is_enabled(f.code))
            .map(|mut f| {
                if let Some(severity) = self.severity.get(f.code) {
                    f.severity = *severity;
                }
                f
            })
            .collect()
    }

    /// Whether these findings fail the run (suppressed findings never do).
    pub fn fails<'a>(&self, findings: impl IntoIterator<Item = &'a Finding>) -> bool {
        self.fail_on.is_some_and(|threshold| {
            findings
                .into_iter()
                .any(|f| f.suppressed.is_none() && f.severity >= threshold)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn select_ignore_by_prefix() {
        let s = Settings::from_file("select: [MRA, OBJ001]\nignore: [mra011]\n", Path::new("."))
            .unwrap();
        assert!(s.is_enabled("MRA001") && s.is_enabled("OBJ001"));
        assert!(!s.is_enabled("MRA011") && !s.is_enabled("SYN001"));
    }

    #[test]
    fn file_settings() {
        let s = Settings::from_file(
            "severity: { MRA009: error }\nfail-on: never\nexclude: [\"lab/**\"]\n",
            Path::new("/repo"),
        )
        .unwrap();
        assert_eq!(s.severity["MRA009"], Severity::Error);
        assert!(s.fail_on.is_none());
        assert!(s.is_excluded(Path::new("/repo/lab/asa.cfg")));
        assert!(!s.is_excluded(Path::new("/repo/prod/asa.cfg")));
        assert!(Settings::from_file("colour: red\n", Path::new(".")).is_err());
    }

    #[test]
    fn unknown_codes_are_refused_with_the_closest_one() {
        let check = |yaml: &str| {
            Settings::from_file(yaml, Path::new("."))
                .unwrap()
                .validate()
        };
        assert_eq!(check("select: [MRA, obj001, MRA01]\n"), Ok(()));
        let error = check("select: [MAR]\n").unwrap_err();
        assert_eq!((error.field, error.closest), ("select", "MRA"));
        let error = check("select: [MRA001X]\n").unwrap_err();
        assert_eq!(error.closest, "MRA001");
        assert_eq!(check("ignore: [\"\"]\n").unwrap_err().field, "ignore");
        assert_eq!(
            check("severity: { MRA: error }\n").unwrap_err().field,
            "severity"
        );
    }
}
