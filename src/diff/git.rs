//! The configs as they were at a git revision, read with `git show` (no checkout) into a
//! temporary folder that mirrors the repository's layout, so the old state is linted
//! exactly as the working tree is.

use std::path::{Component, Path, PathBuf};
use std::process::Command;

use crate::workspace::{is_config, is_deployment};

/// Why a revision could not be read (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("cannot run git: {0}")]
    NoGit(String),
    #[error("`{0}` is not inside a git repository (--base compares with a git revision)")]
    NotARepository(String),
    #[error("`{0}` is not a revision of this repository (a shallow clone may lack it: fetch it first, e.g. `git fetch origin main`)")]
    BadRevision(String),
    #[error("`{0}` is outside the repository")]
    OutsideRepository(String),
    #[error("git {args}: {message}")]
    Failed { args: String, message: String },
    #[error("cannot write the files of `{rev}` to a temporary folder: {message}")]
    Scratch { rev: String, message: String },
}

/// A folder removed when dropped.
#[derive(Debug)]
pub struct ScratchDir(PathBuf);

impl ScratchDir {
    fn new() -> std::io::Result<Self> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path =
            std::env::temp_dir().join(format!("mralint-base-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&path)?;
        Ok(ScratchDir(path))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The files of a revision, written out.
#[derive(Debug)]
pub struct Revision {
    /// The folder standing for the repository root at that revision.
    pub scratch: ScratchDir,
    /// The repository's root in the working tree, spelled as the working directory is.
    pub repository: PathBuf,
    /// Each path asked for, inside `scratch`; `None` when it did not exist at the revision.
    pub paths: Vec<Option<PathBuf>>,
}

fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, GitError> {
    let output = Command::new("git")
        // Paths are file names, never pathspec magic (`:(glob)`, `:!`) or wildcards.
        .env("GIT_LITERAL_PATHSPECS", "1")
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| GitError::NoGit(e.to_string()))?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(GitError::Failed {
            args: args.join(" "),
            message: String::from_utf8_lossy(&output.stderr).trim().to_string(),
        })
    }
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8_lossy(&bytes).trim_end().to_string()
}

/// `a/../b/./c` → `b/c`; `None` when it climbs above the start.
fn lexical(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::Normal(part) => out.push(part),
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

/// Git's name for a repository-relative path: `/`-separated, `.` for the root.
fn pathspec(relative: &Path) -> String {
    let text = crate::source::display_path(relative);
    if text.is_empty() {
        ".".into()
    } else {
        text
    }
}

/// The regular files (not links, not submodules) of `commit` under these pathspecs,
/// repository-relative. `recursive: false` lists one folder's entries only.
fn list(
    repository: &Path,
    commit: &str,
    specs: &[String],
    recursive: bool,
) -> Result<Vec<String>, GitError> {
    let mut args = vec!["ls-tree", "-z", "--full-tree"];
    if recursive {
        args.push("-r");
    }
    args.push(commit);
    args.push("--");
    args.extend(specs.iter().map(String::as_str));
    let out = git(repository, &args)?;
    Ok(out
        .split(|&b| b == 0)
        .filter_map(|entry| {
            let entry = std::str::from_utf8(entry).ok()?;
            let (meta, path) = entry.split_once('\t')?;
            let mut meta = meta.split(' ');
            let mode = meta.next()?;
            let kind = meta.next()?;
            (kind == "blob" && (mode == "100644" || mode == "100755")).then(|| path.to_string())
        })
        .collect())
}

/// Reads the files under `paths` (relative to `cwd`) at revision `rev` into a scratch
/// folder: the deployments and configs in them, the deployments in the folders above a
/// file given alone (a config is linted with the deployment that names it), and every
/// config a deployment names.
pub fn read_revision(cwd: &Path, rev: &str, paths: &[PathBuf]) -> Result<Revision, GitError> {
    let repository = PathBuf::from(text(
        git(cwd, &["rev-parse", "--show-toplevel"])
            .map_err(|_| GitError::NotARepository(crate::source::display_path(cwd)))?,
    ));
    let commit = git(
        cwd,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &format!("{rev}^{{commit}}"),
        ],
    )
    .map(text)
    .map_err(|_| GitError::BadRevision(rev.to_string()))?;
    let scratch_error = |e: std::io::Error| GitError::Scratch {
        rev: rev.to_string(),
        message: e.to_string(),
    };
    let scratch = ScratchDir::new().map_err(scratch_error)?;
    // The upward search for a deployment naming a lone config stops at a `.git` folder:
    // one at the scratch root keeps it inside the revision.
    std::fs::create_dir_all(scratch.path().join(".git")).map_err(scratch_error)?;

    // Where the working directory sits in the repository, as git sees it: immune to
    // symbolic links between the two spellings of the root.
    let prefix = PathBuf::from(text(git(cwd, &["rev-parse", "--show-prefix"])?));
    // The root as reached from the working directory, for naming working-tree files.
    let repository = crate::source::normalize_path(cwd)
        .ancestors()
        .nth(prefix.components().count())
        .map_or(repository, Path::to_path_buf);
    let root = crate::source::normalize_path(&repository);
    let mut relatives = Vec::new();
    for path in paths {
        let relative = if path.is_absolute() {
            crate::source::normalize_path(path)
                .strip_prefix(&root)
                .ok()
                .and_then(lexical)
        } else {
            lexical(&prefix.join(path))
        }
        .ok_or_else(|| GitError::OutsideRepository(crate::source::display_path(path)))?;
        relatives.push(relative);
    }

    let mut wanted: Vec<String> = Vec::new();
    for relative in &relatives {
        let spec = pathspec(relative);
        for file in list(&repository, &commit, std::slice::from_ref(&spec), true)? {
            let given = file == spec;
            let path = Path::new(&file);
            if given || is_deployment(path) || is_config(path) {
                wanted.push(file);
            }
        }
        // Deployments in the folders above a file given alone.
        let is_file =
            list(&repository, &commit, std::slice::from_ref(&spec), false)?.contains(&spec);
        if is_file {
            for folder in relative.ancestors().skip(1) {
                let entries = if folder.as_os_str().is_empty() {
                    list(&repository, &commit, &[], false)?
                } else {
                    list(
                        &repository,
                        &commit,
                        &[format!("{}/", pathspec(folder))],
                        false,
                    )?
                };
                wanted.extend(entries.into_iter().filter(|e| is_deployment(Path::new(e))));
            }
        }
    }
    wanted.sort();
    wanted.dedup();
    let mut written: Vec<String> = Vec::new();
    let mut index = 0;
    while index < wanted.len() {
        let file = wanted[index].clone();
        index += 1;
        if written.contains(&file) {
            continue;
        }
        let bytes = git(&repository, &["show", &format!("{commit}:{file}")])?;
        let target = scratch.path().join(&file);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(scratch_error)?;
        }
        std::fs::write(&target, &bytes).map_err(scratch_error)?;
        written.push(file.clone());
        if is_deployment(Path::new(&file)) {
            for config in named_configs(&file, &bytes) {
                let exists = list(&repository, &commit, std::slice::from_ref(&config), false)?
                    .contains(&config);
                if exists && !wanted.contains(&config) {
                    wanted.push(config);
                }
            }
        }
    }

    let paths = relatives
        .iter()
        .map(|relative| {
            let spec = pathspec(relative);
            let present = written
                .iter()
                .any(|w| spec == "." || *w == spec || w.starts_with(&format!("{spec}/")));
            present.then(|| scratch.path().join(relative))
        })
        .collect();
    Ok(Revision {
        scratch,
        repository,
        paths,
    })
}

/// The repository-relative paths of the configs and `xconfig` dumps a deployment file
/// names.
fn named_configs(deployment_path: &str, bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let (Some(deployment), _) = crate::deployment::load(&text) else {
        return Vec::new();
    };
    let folder = Path::new(deployment_path).parent().unwrap_or(Path::new(""));
    deployment
        .firewalls
        .iter()
        .map(|f| f.config.value.clone())
        .chain(crate::deployment::dump_paths(&text))
        .filter_map(|file| lexical(&folder.join(file)))
        .map(|p| pathspec(&p))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_paths_stay_inside() {
        assert_eq!(lexical(Path::new("a/../b/./c")), Some(PathBuf::from("b/c")));
        assert_eq!(lexical(Path::new("../x")), None);
        assert_eq!(pathspec(Path::new("")), ".");
    }
}
