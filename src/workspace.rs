//! Finds and reads the inputs of a run: deployments, the configs they name, lone
//! configs. Everything read lands in [`Sources`]; nothing here judges the content.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use crate::deployment::{self, Deployment, DeploymentError, DumpInput, Mismatch};
use crate::fsio::{self, InputPolicy, ReadError};
use crate::model::{self, Firewall};
use crate::source::{normalize_path as normalize, FileId, SourceFile, Sources};
use crate::syntax;

/// One firewall config, parsed and modelled. A config several deployments (or firewall
/// entries) name is read, parsed and modelled once; its entries share it.
#[derive(Debug)]
pub struct FirewallInput {
    /// The deployment's name for it, or its hostname or file name.
    pub name: String,
    pub file: FileId,
    /// What parsing found wrong, and how many commands it modelled, ignored and rejected.
    /// (The AST itself is dropped once the model is built: large configs keep memory low.)
    pub syntax_errors: Arc<[syntax::SyntaxError]>,
    pub stats: syntax::ParseStats,
    pub model: Arc<Firewall>,
    /// Whether this entry reports what is wrong with the config itself (syntax, names,
    /// unreachable entries): only the first entry naming a config in a run does, so those
    /// findings appear once however many deployments name it.
    pub reports_config: bool,
    /// ASA or FTD: what the deployment says (`platform`), else what the config shows.
    pub platform: crate::model::Platform,
}

/// What a deployment's resolver answers: FQDN objects resolve through it.
type Dns = [(String, std::net::Ipv4Addr)];

/// A config as read, parsed and modelled, shared by every entry that names it.
#[derive(Debug)]
pub struct LoadedConfig {
    source: Arc<SourceFile>,
    syntax_errors: Arc<[syntax::SyntaxError]>,
    stats: syntax::ParseStats,
    model: Arc<Firewall>,
    /// The FQDNs the model uses and what they resolved to.
    answers: Vec<(String, Option<std::net::Ipv4Addr>)>,
}

/// What `dns` answers for each FQDN the model names (the first answer for a name wins,
/// as the model builder resolves it).
fn answers(model: &Firewall, dns: &Dns) -> Vec<(String, Option<std::net::Ipv4Addr>)> {
    let key = |name: &str| name.trim_end_matches('.').to_ascii_lowercase();
    let mut hosts: Vec<String> = model
        .acls
        .values()
        .flat_map(|acl| acl.entries.iter().flat_map(|e| &e.fqdn))
        .chain(model.nat.iter().flat_map(|r| &r.fqdn))
        .map(|f| key(&f.host))
        .collect();
    hosts.sort_unstable();
    hosts.dedup();
    hosts
        .into_iter()
        .map(|host| {
            let answer = dns.iter().find(|(n, _)| key(n) == host).map(|(_, a)| *a);
            (host, answer)
        })
        .collect()
}

impl LoadedConfig {
    fn of(file: SourceFile, dns: &Dns) -> LoadedConfig {
        let syntax::Parsed {
            config,
            errors,
            stats,
        } = syntax::parse_config(&file.text);
        let model = model::build_with(&config, dns);
        // The syntax tree is several times the size of the text: gone before the text is
        // copied for masking.
        drop(config);
        let answers = answers(&model, dns);
        // Reports quote the sources: from here on the text has its secrets masked (the
        // parser has read the original; every span stays valid).
        let source = SourceFile::new(file.path, crate::secrets::mask_config(&file.text));
        LoadedConfig {
            source: Arc::new(source),
            syntax_errors: errors.into(),
            stats,
            model: Arc::new(model),
            answers,
        }
    }

    /// Whether `dns` resolves this config's FQDNs as the model does.
    fn resolves_alike(&self, dns: &Dns) -> bool {
        self.answers == answers(&self.model, dns)
    }

    /// An entry of a project for this config.
    fn entry(&self, sources: &mut Sources, name: Option<String>) -> FirewallInput {
        let name = name
            .or_else(|| self.model.hostname.clone())
            .unwrap_or_else(|| {
                self.source
                    .path
                    .file_stem()
                    .map_or("firewall".into(), |s| s.to_string_lossy().into_owned())
            });
        FirewallInput {
            name,
            file: sources.add_shared(Arc::clone(&self.source)),
            syntax_errors: Arc::clone(&self.syntax_errors),
            stats: self.stats,
            platform: self.model.platform,
            model: Arc::clone(&self.model),
            reports_config: true,
        }
    }
}

/// The configs of one run, each loaded once by whichever project needs it first (the
/// others wait for it and share it). Keyed by the project root it was read under too,
/// so every deployment's boundary is enforced for it.
#[derive(Default)]
struct ConfigCache {
    loaded: Mutex<HashMap<(PathBuf, PathBuf), Arc<LoadOnce>>>,
}

/// A config loaded once (or the reason it could not be read), whoever asks first.
type LoadOnce = OnceLock<Result<Arc<LoadedConfig>, ReadError>>;

impl ConfigCache {
    /// The config at `path`, its FQDNs resolved through `dns`. A deployment whose
    /// resolver answers the config's FQDNs differently from the first one's gets a model
    /// of its own (read and built again).
    fn load(
        &self,
        root: &Path,
        path: &Path,
        dns: &Dns,
        read: impl Fn() -> Result<Vec<u8>, ReadError>,
    ) -> Result<Arc<LoadedConfig>, ReadError> {
        let cell = {
            let mut loaded = self.loaded.lock().unwrap_or_else(|e| e.into_inner());
            let key = (normalize(root), normalize(path));
            Arc::clone(loaded.entry(key).or_default())
        };
        let load = || {
            read().map(|bytes| Arc::new(LoadedConfig::of(SourceFile::from_vec(path, bytes), dns)))
        };
        match cell.get_or_init(load) {
            Ok(shared) if !shared.resolves_alike(dns) => load(),
            result => result.clone(),
        }
    }
}

/// Marks, in project order, the first entry of each config as the one that reports the
/// config's own findings.
fn assign_config_reports(projects: &mut [Project]) {
    let mut seen: HashSet<*const Firewall> = HashSet::new();
    for input in projects.iter_mut().flat_map(|p| p.firewalls.iter_mut()) {
        input.reports_config = seen.insert(Arc::as_ptr(&input.model));
    }
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

/// A file the run found or was given but did not read (binary, over the size limit, a
/// pipe or device, or outside the project root): reported by INP001, while the other
/// files are linted as usual.
#[derive(Debug, Clone)]
pub struct Unreadable {
    /// The file, with empty text: nothing of it was read.
    pub file: FileId,
    pub reason: String,
}

/// What one lint covers: a deployment with its configs, or a lone config.
#[derive(Debug, Default)]
pub struct Project {
    pub sources: Sources,
    pub firewalls: Vec<FirewallInput>,
    pub deployment: Option<DeploymentInput>,
    pub unreadable: Vec<Unreadable>,
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

/// The folder a path lies in, `.` for a bare file name.
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// Reads a file given on the command line or found by a walk: inside the project root
/// of its own folder (a link out of the repository is refused), regular, within the cap.
fn read_input(path: &Path, policy: &InputPolicy) -> Result<Vec<u8>, ReadError> {
    let root = policy.root_for(folder_of(path));
    fsio::read_inside(path, &root, policy.max_file_size)
}

/// A missing path or a directory where a file was expected is a usage error (exit 2);
/// any other unreadable file is reported as a finding and the run goes on.
fn is_fatal(error: &ReadError) -> bool {
    error.is_missing() || matches!(error, ReadError::Directory)
}

/// A project for a file that was not read: INP001 reports it.
fn unreadable_project(path: &Path, error: &ReadError) -> Project {
    let mut project = Project::default();
    let file = project.sources.add(SourceFile::new(path, ""));
    project.unreadable.push(Unreadable {
        file,
        reason: error.to_string(),
    });
    project
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
    discover_with(paths, exclude, &InputPolicy::default())
}

/// [`discover`] with a size limit and project root of the caller's choice.
pub fn discover_with(
    paths: &[PathBuf],
    exclude: &(dyn Fn(&Path) -> bool + Sync),
    policy: &InputPolicy,
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
        } else if let Some(deployment) = deployment_naming(path, policy) {
            // A config given alone (as pre-commit passes a changed file) is linted with the
            // deployment that names it, so the MRA rules run on it too.
            inputs.push(Input::Deployment(deployment));
        } else {
            inputs.push(Input::Config(path.clone()));
        }
    }
    // A file given twice (or found twice) is linted once.
    let mut seen = HashSet::new();
    inputs.retain(|input| match input {
        Input::Deployment(p) | Input::Config(p) => seen.insert(normalize(p)),
        Input::Stdin => true,
    });
    let cache = ConfigCache::default();
    let deployments: Vec<&PathBuf> = inputs
        .iter()
        .filter_map(|i| match i {
            Input::Deployment(p) => Some(p),
            _ => None,
        })
        .collect();
    let mut projects: Vec<Project> = deployments
        .par_iter()
        .map(|p| deployment_project(p, policy, &cache))
        .collect::<Result<_, _>>()?;
    // Files a deployment reads (configs and dumps) are not linted again on their own.
    let named: HashSet<PathBuf> = projects
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
                let stdin = Path::new("<stdin>");
                match fsio::bytes_capped(std::io::stdin().lock(), policy.max_file_size) {
                    Ok(bytes) => Ok(config_project(SourceFile::from_vec(stdin, bytes))),
                    Err(error @ ReadError::Io { .. }) => Err(unreadable(stdin, error)),
                    Err(error) => Ok(unreadable_project(stdin, &error)),
                }
            }
            Input::Config(path) => {
                let root = policy.root_for(folder_of(path));
                match cache.load(&root, path, &[], || read_input(path, policy)) {
                    Ok(loaded) => {
                        let mut project = Project::default();
                        let input = loaded.entry(&mut project.sources, None);
                        project.firewalls.push(input);
                        Ok(project)
                    }
                    Err(error) if is_fatal(&error) => Err(unreadable(path, error)),
                    Err(error) => Ok(unreadable_project(path, &error)),
                }
            }
            Input::Deployment(_) => unreachable!("deployments are loaded above"),
        })
        .collect::<Result<_, InputError>>()?;
    projects.extend(lone);
    assign_config_reports(&mut projects);
    // Output follows file names, not the order of the command line's arguments.
    projects.sort_by_cached_key(|p| {
        p.deployment
            .as_ref()
            .map(|d| d.file)
            .or_else(|| p.firewalls.first().map(|f| f.file))
            .or_else(|| p.unreadable.first().map(|u| u.file))
            .map(|file| p.sources.get(file).display_name())
    });
    Ok(projects)
}

/// How far up from a config to look for the deployment that names it.
const DEPLOYMENT_SEARCH_DEPTH: usize = 8;

/// The deployment file that names `config`, looked for in the config's folder and the
/// folders above it, up to the repository root (a folder holding `.git`).
fn deployment_naming(config: &Path, policy: &InputPolicy) -> Option<PathBuf> {
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
            let Ok(bytes) = read_input(&candidate, policy) else {
                continue;
            };
            let Ok(text) = String::from_utf8(bytes) else {
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

/// A lone config, parsed and modelled, as its own project.
pub fn config_project(file: SourceFile) -> Project {
    let mut project = Project::default();
    let input = LoadedConfig::of(file, &[]).entry(&mut project.sources, None);
    project.firewalls.push(input);
    project
}

/// A deployment and the configs it names. A config that cannot be read is a
/// deployment error at its `config` value, not a failure of the run.
fn deployment_project(
    path: &Path,
    policy: &InputPolicy,
    cache: &ConfigCache,
) -> Result<Project, InputError> {
    let bytes = match read_input(path, policy) {
        Ok(bytes) => bytes,
        Err(error) if is_fatal(&error) => return Err(unreadable(path, error)),
        Err(error) => return Ok(unreadable_project(path, &error)),
    };
    // Configs and dumps the deployment names must lie inside its project root.
    let root = policy.root_for(folder_of(path));
    let read = |file: &Path| fsio::read_inside(file, &root, policy.max_file_size);
    Ok(deployment_project_reading(
        path,
        &bytes,
        &mut |file| read(file).map_err(|e| unreadable(file, e)),
        &mut |file, dns| {
            cache
                .load(&root, file, dns, || read(file))
                .map_err(|e| unreadable(file, e))
        },
    ))
}

/// A deployment read from `path` with content `bytes`, and the configs and dumps it
/// names, each read through `read_config` (given the path relative to the deployment's
/// folder, as the file system would see it). A run reads files inside the project root;
/// tests and fuzzing read from memory.
pub fn deployment_project_with(
    path: &Path,
    bytes: &[u8],
    read_config: impl FnMut(&Path) -> Result<Vec<u8>, InputError>,
) -> Project {
    let read = RefCell::new(read_config);
    let mut project = deployment_project_reading(
        path,
        bytes,
        &mut |file| (read.borrow_mut())(file),
        &mut |file, dns| {
            let bytes = (read.borrow_mut())(file)?;
            Ok(Arc::new(LoadedConfig::of(
                SourceFile::from_bytes(file, &bytes),
                dns,
            )))
        },
    );
    assign_config_reports(std::slice::from_mut(&mut project));
    project
}

/// Reads the bytes of a dump.
type ReadBytes<'r> = dyn FnMut(&Path) -> Result<Vec<u8>, InputError> + 'r;
/// Reads, parses and models a config (or shares one already loaded).
type LoadConfig<'r> = dyn FnMut(&Path, &Dns) -> Result<Arc<LoadedConfig>, InputError> + 'r;

/// A deployment and the files it names: dumps through `read_dump`, configs through
/// `load_config`.
fn deployment_project_reading(
    path: &Path,
    bytes: &[u8],
    read_dump: &mut ReadBytes<'_>,
    load_config: &mut LoadConfig<'_>,
) -> Project {
    let file = SourceFile::from_bytes(path, bytes);
    let text = file.text.clone();
    let mut project = Project::default();
    let file_id = project.sources.add(file);
    let base = path.parent().unwrap_or(Path::new(""));
    let loaded = deployment::load_with(&text, &mut |written| {
        let path = base.join(written);
        let bytes = read_dump(&path).map_err(|error| match error {
            InputError::Unreadable { reason, .. } => reason,
            other => other.to_string(),
        })?;
        Ok(add_dump(&mut project.sources, &path, &bytes))
    });
    let (deployment, mut errors) = (loaded.deployment, loaded.errors);
    if let Some(d) = &deployment {
        for firewall in &d.firewalls {
            let config_path = base.join(&firewall.config.value);
            match load_config(&config_path, &d.firewall_resolver()) {
                Ok(loaded) => {
                    let mut input =
                        loaded.entry(&mut project.sources, Some(firewall.name.value.clone()));
                    input.platform = firewall.platform.unwrap_or(input.platform);
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

/// Adds an `xconfig` dump to the sources, its secrets masked so that no report quoting
/// the file can show one; gives its id and the masked text the loader reads.
fn add_dump(sources: &mut Sources, path: &Path, bytes: &[u8]) -> (FileId, String) {
    let file = SourceFile::from_bytes(path, bytes);
    let text = crate::secrets::mask_dump(&file.text);
    let id = sources.add(SourceFile::new(file.path, text.clone()));
    (id, text)
}

/// The project read again from the text it holds, with one file's text replaced: what a
/// fix is verified on. Nothing is read from disk, so the result differs from the project
/// only by that text (the other files keep the text already read, secrets masked; the
/// masking keeps every byte offset, and nothing modelled is a secret).
pub fn with_override(project: &Project, file: FileId, text: &str) -> Project {
    let overridden = normalize(&project.sources.get(file).path);
    let text_of = |path: &Path| -> Option<String> {
        let path = normalize(path);
        if path == overridden {
            return Some(text.to_string());
        }
        project
            .sources
            .iter()
            .find(|(_, source)| normalize(&source.path) == path)
            .map(|(_, source)| source.text.clone())
    };
    match &project.deployment {
        Some(input) => {
            let path = project.sources.get(input.file).path.clone();
            let bytes = text_of(&path).unwrap_or_default();
            let mut reread = deployment_project_with(&path, bytes.as_bytes(), |wanted| {
                text_of(wanted)
                    .map(String::into_bytes)
                    .ok_or_else(|| unreadable(wanted, "not part of the project"))
            });
            // Each entry reports its config's own findings as it did in the run.
            for (entry, before) in reread.firewalls.iter_mut().zip(&project.firewalls) {
                entry.reports_config = before.reports_config;
            }
            reread
        }
        None => {
            let mut reread = Project::default();
            for input in &project.firewalls {
                let source = project.sources.get(input.file);
                let file = SourceFile::new(
                    source.path.clone(),
                    text_of(&source.path).unwrap_or_default(),
                );
                let mut entry = LoadedConfig::of(file, &[]).entry(&mut reread.sources, None);
                entry.reports_config = input.reports_config;
                reread.firewalls.push(entry);
            }
            reread
        }
    }
}
