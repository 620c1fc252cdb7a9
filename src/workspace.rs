//! Finds and reads the inputs of a run: deployments, the configs they name, lone
//! configs. Everything read lands in [`Sources`]; nothing here judges the content.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::deployment::{self, Deployment, DeploymentError};
use crate::model::{self, Firewall};
use crate::source::{FileId, SourceFile, Sources};
use crate::syntax::{self, Parsed};

/// One firewall config, parsed and modelled.
#[derive(Debug)]
pub struct FirewallInput {
    /// The deployment's name for it, or its hostname or file name.
    pub name: String,
    pub file: FileId,
    pub parsed: Parsed,
    pub model: Firewall,
}

/// A deployment file and what loading it found.
#[derive(Debug)]
pub struct DeploymentInput {
    pub file: FileId,
    /// `None` when the file is invalid (see `errors`).
    pub deployment: Option<Deployment>,
    pub errors: Vec<DeploymentError>,
}

/// What one lint covers: a deployment with its configs, or a lone config.
#[derive(Debug, Default)]
pub struct Project {
    pub sources: Sources,
    pub firewalls: Vec<FirewallInput>,
    pub deployment: Option<DeploymentInput>,
}

/// An input that could not be read at all (exit code 2).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum InputError {
    #[error("cannot read `{path}`: {reason}")]
    #[diagnostic(code(mralint::input))]
    Unreadable { path: String, reason: String },
    #[error("`{path}` holds no deployment (deployment.yaml, *.deployment.yaml) and no ASA config (*.cfg, *.conf, *.asa)")]
    #[diagnostic(code(mralint::input))]
    NothingFound { path: String },
}

fn unreadable(path: &Path, error: impl std::fmt::Display) -> InputError {
    InputError::Unreadable {
        path: crate::source::display_path(path),
        reason: error.to_string(),
    }
}

/// Reads a file's bytes; a directory or an unreadable file is an error.
fn read(path: &Path) -> Result<Vec<u8>, InputError> {
    if path.is_dir() {
        return Err(unreadable(path, "it is a directory"));
    }
    std::fs::read(path).map_err(|e| unreadable(path, e))
}

fn is_deployment(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    name == "deployment.yaml"
        || name == "deployment.yml"
        || name.ends_with(".deployment.yaml")
        || name.ends_with(".deployment.yml")
}

fn is_config(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("cfg" | "conf" | "asa")
    )
}

/// Turns the command line's paths into projects, in a deterministic order.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<Project>, InputError> {
    let mut projects = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .map_err(|e| unreadable(Path::new("<stdin>"), e))?;
            projects.push(config_project(SourceFile::from_bytes("<stdin>", &bytes)));
        } else if path.is_dir() {
            projects.extend(directory(path)?);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            projects.push(deployment_project(path)?);
        } else {
            let bytes = read(path)?;
            projects.push(config_project(SourceFile::from_bytes(path, &bytes)));
        }
    }
    Ok(projects)
}

/// A directory: its deployments, then configs no deployment names. Subdirectories are
/// searched too (not through symbolic links, so a link loop cannot trap the search).
fn directory(root: &Path) -> Result<Vec<Project>, InputError> {
    let mut files = Vec::new();
    walk(root, &mut files, 0);
    files.sort();
    let mut projects = Vec::new();
    let mut named: Vec<PathBuf> = Vec::new();
    for path in files.iter().filter(|p| is_deployment(p)) {
        let project = deployment_project(path)?;
        let base = path.parent().unwrap_or(Path::new(""));
        if let Some(d) = project
            .deployment
            .as_ref()
            .and_then(|d| d.deployment.as_ref())
        {
            named.extend(
                d.firewalls
                    .iter()
                    .map(|f| normalize(&base.join(&f.config.value))),
            );
        }
        projects.push(project);
    }
    for path in files.iter().filter(|p| is_config(p)) {
        if !named.contains(&normalize(path)) {
            let bytes = read(path)?;
            projects.push(config_project(SourceFile::from_bytes(path, &bytes)));
        }
    }
    if projects.is_empty() {
        return Err(InputError::NothingFound {
            path: crate::source::display_path(root),
        });
    }
    Ok(projects)
}

fn normalize(path: &Path) -> PathBuf {
    path.components().collect()
}

const MAX_DEPTH: usize = 16;

fn walk(dir: &Path, files: &mut Vec<PathBuf>, depth: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() && !hidden && depth < MAX_DEPTH && entry.file_name() != "target" {
            walk(&path, files, depth + 1);
        } else if (kind.is_file() || kind.is_symlink())
            && (is_deployment(&path) || is_config(&path))
        {
            files.push(path);
        }
    }
}

/// Parses and models one config.
fn firewall_input(sources: &mut Sources, file: SourceFile, name: Option<String>) -> FirewallInput {
    let parsed = syntax::parse_config(&file.text);
    let model = model::build(&parsed.config);
    let name = name.or_else(|| model.hostname.clone()).unwrap_or_else(|| {
        file.path
            .file_stem()
            .map_or("firewall".into(), |s| s.to_string_lossy().into_owned())
    });
    let file = sources.add(file);
    FirewallInput {
        name,
        file,
        parsed,
        model,
    }
}

fn config_project(file: SourceFile) -> Project {
    let mut project = Project::default();
    let input = firewall_input(&mut project.sources, file, None);
    project.firewalls.push(input);
    project
}

/// A deployment and the configs it names. A config that cannot be read is a
/// deployment error at its `config` value, not a failure of the run.
fn deployment_project(path: &Path) -> Result<Project, InputError> {
    let bytes = read(path)?;
    let file = SourceFile::from_bytes(path, &bytes);
    let (deployment, mut errors) = deployment::load(&file.text);
    let mut project = Project::default();
    let file_id = project.sources.add(file);
    let base = path.parent().unwrap_or(Path::new(""));
    if let Some(d) = &deployment {
        for firewall in &d.firewalls {
            let config_path = base.join(&firewall.config.value);
            match read(&config_path) {
                Ok(bytes) => {
                    let file = SourceFile::from_bytes(&config_path, &bytes);
                    let input = firewall_input(
                        &mut project.sources,
                        file,
                        Some(firewall.name.value.clone()),
                    );
                    project.firewalls.push(input);
                }
                Err(InputError::Unreadable { reason, .. }) => errors.push(DeploymentError {
                    span: firewall.config.span,
                    message: format!(
                        "cannot read the config of firewall `{}`: {reason}",
                        firewall.name.value
                    ),
                }),
                Err(other) => errors.push(DeploymentError {
                    span: firewall.config.span,
                    message: other.to_string(),
                }),
            }
        }
    }
    let usable = errors.is_empty();
    project.deployment = Some(DeploymentInput {
        file: file_id,
        deployment: deployment.filter(|_| usable),
        errors,
    });
    Ok(project)
}
