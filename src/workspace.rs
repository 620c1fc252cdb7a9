//! Finds and reads the inputs of a run: deployments, the configs they name, lone
//! configs. Everything read lands in [`Sources`]; nothing here judges the content.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::deployment::{self, Deployment, DeploymentError, DumpInput, Mismatch};
use crate::model::{self, Firewall};
use crate::source::{normalize_path as normalize, FileId, SourceFile, Sources};
use crate::syntax;

/// One firewall config, parsed and modelled.
#[derive(Debug)]
pub struct FirewallInput {
    /// The deployment's name for it, or its hostname or file name.
    pub name: String,
    pub file: FileId,
    /// What parsing found wrong, and how many commands it modelled, ignored and rejected.
    /// (The AST itself is dropped once the model is built: large configs keep memory low.)
    pub syntax_errors: Vec<syntax::SyntaxError>,
    pub stats: syntax::ParseStats,
    pub model: Firewall,
}

/// A deployment file and what loading it found.
#[derive(Debug)]
pub struct DeploymentInput {
    pub file: FileId,
    /// `None` when the file is invalid (see `errors`).
    pub deployment: Option<Deployment>,
    pub errors: Vec<DeploymentError>,
    /// Values the file and an `xconfig` dump disagree on (the dump's are used).
    pub mismatches: Vec<Mismatch>,
    /// The `xconfig` dumps it names, read (their text is in the project's sources).
    pub dumps: Vec<DumpInput>,
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
    let bytes = std::fs::read(path).map_err(|e| unreadable(path, e))?;
    if bytes.contains(&0) {
        return Err(unreadable(
            path,
            "it is a binary file, not a text configuration",
        ));
    }
    Ok(bytes)
}

pub(crate) fn is_deployment(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    name == "deployment.yaml"
        || name == "deployment.yml"
        || name.ends_with(".deployment.yaml")
        || name.ends_with(".deployment.yml")
}

pub(crate) fn is_config(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("cfg" | "conf" | "asa")
    )
}

/// One input file the command line leads to.
enum Input {
    Stdin,
    Deployment(PathBuf),
    Config(PathBuf),
}

/// Turns the command line's paths into projects, in a deterministic order: every
/// deployment (with the configs it names), then every config no deployment names.
/// Files `exclude` matches are skipped, also when given explicitly. Files are read and
/// parsed in parallel; the result does not depend on the thread count.
pub fn discover(
    paths: &[PathBuf],
    exclude: &(dyn Fn(&Path) -> bool + Sync),
) -> Result<Vec<Project>, InputError> {
    use rayon::prelude::*;
    let mut inputs = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
        } else if path.is_dir() {
            let files: Vec<PathBuf> = walk(path).into_iter().filter(|f| !exclude(f)).collect();
            if files.is_empty() {
                return Err(InputError::NothingFound {
                    path: crate::source::display_path(path),
                });
            }
            inputs.extend(files.into_iter().map(|f| {
                if is_deployment(&f) {
                    Input::Deployment(f)
                } else {
                    Input::Config(f)
                }
            }));
        } else if exclude(path) {
            continue;
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            inputs.push(Input::Deployment(path.clone()));
        } else if let Some(deployment) = deployment_naming(path) {
            // A config given alone (as pre-commit passes a changed file) is linted with the
            // deployment that names it, so the MRA rules run on it too.
            inputs.push(Input::Deployment(deployment));
        } else {
            inputs.push(Input::Config(path.clone()));
        }
    }
    let mut seen = Vec::new();
    inputs.retain(|input| match input {
        Input::Deployment(p) => {
            let key = normalize(p);
            let first = !seen.contains(&key);
            seen.push(key);
            first
        }
        _ => true,
    });
    let deployments: Vec<&PathBuf> = inputs
        .iter()
        .filter_map(|i| match i {
            Input::Deployment(p) => Some(p),
            _ => None,
        })
        .collect();
    let mut projects: Vec<Project> = deployments
        .par_iter()
        .map(|p| deployment_project(p))
        .collect::<Result<_, _>>()?;
    // Files a deployment reads (configs and dumps) are not linted again on their own.
    let named: Vec<PathBuf> = projects
        .iter()
        .flat_map(|p| {
            let dumps = p
                .deployment
                .iter()
                .flat_map(|d| d.dumps.iter().map(|x| x.file));
            p.firewalls
                .iter()
                .map(|f| f.file)
                .chain(dumps)
                .map(|file| normalize(&p.sources.get(file).path))
        })
        .collect();
    let configs: Vec<&Input> = inputs
        .iter()
        .filter(|i| match i {
            Input::Config(p) => !named.contains(&normalize(p)),
            Input::Stdin => true,
            Input::Deployment(_) => false,
        })
        .collect();
    let lone: Vec<Project> = configs
        .par_iter()
        .map(|input| match input {
            Input::Stdin => {
                let mut bytes = Vec::new();
                std::io::stdin()
                    .read_to_end(&mut bytes)
                    .map_err(|e| unreadable(Path::new("<stdin>"), e))?;
                if bytes.contains(&0) {
                    return Err(unreadable(
                        Path::new("<stdin>"),
                        "it is binary data, not a text configuration",
                    ));
                }
                Ok(config_project(SourceFile::from_bytes("<stdin>", &bytes)))
            }
            Input::Config(path) => Ok(config_project(SourceFile::from_bytes(path, &read(path)?))),
            Input::Deployment(_) => unreachable!("deployments are loaded above"),
        })
        .collect::<Result<_, InputError>>()?;
    projects.extend(lone);
    Ok(projects)
}

/// How far up from a config to look for the deployment that names it.
const DEPLOYMENT_SEARCH_DEPTH: usize = 8;

/// The deployment file that names `config`, looked for in the config's folder and the
/// folders above it, up to the repository root (a folder holding `.git`).
fn deployment_naming(config: &Path) -> Option<PathBuf> {
    let target = normalize(config);
    let start = target.parent()?.to_path_buf();
    for dir in start.ancestors().take(DEPLOYMENT_SEARCH_DEPTH) {
        let mut candidates: Vec<PathBuf> = std::fs::read_dir(dir)
            .ok()?
            .flatten()
            .map(|e| e.path())
            .filter(|p| is_deployment(p) && p.is_file())
            .collect();
        candidates.sort();
        for candidate in candidates {
            let Ok(text) = std::fs::read_to_string(&candidate) else {
                continue;
            };
            let (Some(deployment), _) = deployment::load(&text) else {
                continue;
            };
            let dumps = deployment::dump_paths(&text);
            let names_it = deployment
                .firewalls
                .iter()
                .map(|f| &f.config.value)
                .chain(&dumps)
                .any(|f| normalize(&dir.join(f)) == target);
            if names_it {
                return Some(relative_to_cwd(&candidate));
            }
        }
        if dir.join(".git").exists() {
            break;
        }
    }
    None
}

/// A path relative to the working directory when it lies under it (for display).
fn relative_to_cwd(path: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| {
            path.strip_prefix(normalize(&cwd))
                .ok()
                .map(Path::to_path_buf)
        })
        .unwrap_or_else(|| path.to_path_buf())
}

/// The deployments and configs under a directory, sorted. `.gitignore` rules and hidden
/// folders are respected; symbolic links are not followed, so a link loop cannot trap the
/// search.
fn walk(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = ignore::WalkBuilder::new(root)
        .follow_links(false)
        .require_git(false)
        .max_depth(Some(32))
        .build()
        .flatten()
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .map(|e| e.into_path())
        .filter(|p| is_deployment(p) || is_config(p))
        .collect();
    files.sort();
    files
}

/// Parses and models one config.
/// FQDN objects resolve through `dns` (the deployment's answers), when given.
fn firewall_input(
    sources: &mut Sources,
    file: SourceFile,
    name: Option<String>,
    dns: &[(String, std::net::Ipv4Addr)],
) -> FirewallInput {
    let parsed = syntax::parse_config(&file.text);
    let model = model::build_with(&parsed.config, dns);
    let name = name.or_else(|| model.hostname.clone()).unwrap_or_else(|| {
        file.path
            .file_stem()
            .map_or("firewall".into(), |s| s.to_string_lossy().into_owned())
    });
    let file = sources.add(file);
    FirewallInput {
        name,
        file,
        syntax_errors: parsed.errors,
        stats: parsed.stats,
        model,
    }
}

/// A lone config, parsed and modelled, as its own project.
pub fn config_project(file: SourceFile) -> Project {
    let mut project = Project::default();
    let input = firewall_input(&mut project.sources, file, None, &[]);
    project.firewalls.push(input);
    project
}

/// A deployment and the configs it names. A config that cannot be read is a
/// deployment error at its `config` value, not a failure of the run.
fn deployment_project(path: &Path) -> Result<Project, InputError> {
    let bytes = read(path)?;
    Ok(deployment_project_with(path, &bytes, read))
}

/// A deployment read from `path` with content `bytes`, and the configs it names, each
/// read through `read_config` (given the path relative to the deployment's folder, as
/// the file system would see it). A run reads files; tests and fuzzing read from memory.
pub fn deployment_project_with(
    path: &Path,
    bytes: &[u8],
    mut read_config: impl FnMut(&Path) -> Result<Vec<u8>, InputError>,
) -> Project {
    let file = SourceFile::from_bytes(path, bytes);
    let text = file.text.clone();
    let mut project = Project::default();
    let file_id = project.sources.add(file);
    let base = path.parent().unwrap_or(Path::new(""));
    let loaded = deployment::load_with(&text, &mut |written| {
        read_dump(&mut project.sources, &base.join(written))
    });
    let (deployment, mut errors) = (loaded.deployment, loaded.errors);
    if let Some(d) = &deployment {
        for firewall in &d.firewalls {
            let config_path = base.join(&firewall.config.value);
            match read_config(&config_path) {
                Ok(bytes) => {
                    let file = SourceFile::from_bytes(&config_path, &bytes);
                    let input = firewall_input(
                        &mut project.sources,
                        file,
                        Some(firewall.name.value.clone()),
                        &d.firewall_resolver(),
                    );
                    project.firewalls.push(input);
                }
                Err(InputError::Unreadable { reason, .. }) => errors.push(DeploymentError::new(
                    firewall.config.span,
                    format!(
                        "cannot read the config of firewall `{}`: {reason}",
                        firewall.name.value
                    ),
                )),
                Err(other) => errors.push(DeploymentError::new(
                    firewall.config.span,
                    other.to_string(),
                )),
            }
        }
    }
    let usable = errors.is_empty();
    project.deployment = Some(DeploymentInput {
        file: file_id,
        deployment: deployment.filter(|_| usable),
        errors,
        mismatches: loaded.mismatches,
        dumps: loaded.dumps,
    });
    project
}

/// Reads an `xconfig` dump into the sources, its `{cipher}` secrets masked so that no
/// report quoting the file can show one.
fn read_dump(sources: &mut Sources, path: &Path) -> Result<(FileId, String), String> {
    let bytes = read(path).map_err(|error| match error {
        InputError::Unreadable { reason, .. } => reason,
        other => other.to_string(),
    })?;
    let file = SourceFile::from_bytes(path, &bytes);
    let text = crate::xconfig::redact_secrets(&file.text);
    let id = sources.add(SourceFile::new(file.path, text.clone()));
    Ok((id, text))
}
