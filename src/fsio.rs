//! Every file mralint reads or writes goes through here: reads stay inside the project
//! root, touch only regular files and stop at a size cap; writes go to a temporary file
//! in the target's folder and are renamed into place. In a change-review pipeline the
//! author of a pull request controls the inputs (including which paths are symbolic
//! links), so neither a path nor a link may lead mralint to read, or write, elsewhere.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::source::{display_path, normalize_path};

/// The largest file read when `--max-file-size` does not say otherwise: ten times the
/// largest real configs we know of, small enough that a run stays within a few hundred
/// megabytes.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// The longest line read. ASA commands, xConfiguration records and YAML lines are far
/// shorter; a longer line would be quoted whole by every snippet near it.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// Why a file was not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// The file system's own error, kept with its kind (a missing path is a usage error).
    #[error("{message}")]
    Io {
        kind: std::io::ErrorKind,
        message: String,
    },
    #[error("it is a directory")]
    Directory,
    #[error("it is {0}, not a regular file")]
    Special(&'static str),
    #[error("it is {size} bytes, over the {cap}-byte limit (raise it with --max-file-size)")]
    TooLarge { size: u64, cap: u64 },
    #[error("it is a binary file, not a text configuration")]
    Binary,
    #[error("line {line} is {length} bytes long, over the {MAX_LINE_BYTES}-byte line limit")]
    LineTooLong { line: usize, length: usize },
    #[error("it lies outside the project root `{root}` ({how}); only files inside it are read (widen it with --root)")]
    Outside { root: String, how: &'static str },
}

impl From<std::io::Error> for ReadError {
    fn from(error: std::io::Error) -> Self {
        ReadError::Io {
            kind: error.kind(),
            message: error.to_string(),
        }
    }
}

impl ReadError {
    /// Whether the file is simply not there (the caller may treat that as a usage error).
    pub fn is_missing(&self) -> bool {
        matches!(self, ReadError::Io { kind, .. } if *kind == std::io::ErrorKind::NotFound)
    }
}

/// How inputs are read: the size cap and, when given, the folder that replaces the
/// project root as the boundary (`--root`).
#[derive(Debug, Clone)]
pub struct InputPolicy {
    pub max_file_size: u64,
    pub root: Option<PathBuf>,
}

impl Default for InputPolicy {
    fn default() -> Self {
        InputPolicy {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            root: None,
        }
    }
}

impl InputPolicy {
    /// The boundary for files found from `folder`: `--root` when given, else the
    /// repository root above it (a folder holding `.git`), else `folder` itself.
    pub fn root_for(&self, folder: &Path) -> PathBuf {
        match &self.root {
            Some(root) => normalize_path(root),
            None => project_root(folder),
        }
    }
}

/// The nearest folder at or above `folder` that holds `.git`; `folder` when none does.
pub fn project_root(folder: &Path) -> PathBuf {
    let folder = normalize_path(folder);
    folder
        .ancestors()
        .find(|dir| dir.join(".git").exists())
        .unwrap_or(&folder)
        .to_path_buf()
}

/// Whether `path`, spelled lexically (`..` resolved without the file system), lies
/// inside `root`. This decides before anything is opened, so a path that climbs out is
/// never touched.
pub fn lexically_inside(path: &Path, root: &Path) -> bool {
    normalize_path(path).starts_with(normalize_path(root))
}

/// Checks that `path` lies inside `root`, both as written and once symbolic links are
/// resolved.
pub fn check_inside(path: &Path, root: &Path) -> Result<(), ReadError> {
    let outside = |how| ReadError::Outside {
        root: display_path(root),
        how,
    };
    if !lexically_inside(path, root) {
        return Err(outside(if path.is_absolute() {
            "an absolute path"
        } else {
            "the path climbs out with `..`"
        }));
    }
    let real_root = std::fs::canonicalize(root).map_err(ReadError::from)?;
    match std::fs::canonicalize(path) {
        Ok(real) if !real.starts_with(&real_root) => {
            Err(outside("a symbolic link leads out of it"))
        }
        Ok(_) => Ok(()),
        Err(e) => Err(ReadError::from(e)),
    }
}

/// What kind of file it is, in words, when it is not a regular file or a directory.
fn special_kind(file_type: std::fs::FileType) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return Some("a named pipe");
        }
        if file_type.is_char_device() {
            return Some("a character device");
        }
        if file_type.is_block_device() {
            return Some("a block device");
        }
        if file_type.is_socket() {
            return Some("a socket");
        }
    }
    (!file_type.is_file() && !file_type.is_dir()).then_some("a special file")
}

fn kind_error(file_type: std::fs::FileType) -> Option<ReadError> {
    if file_type.is_dir() {
        return Some(ReadError::Directory);
    }
    special_kind(file_type).map(ReadError::Special)
}

/// Reads a regular file of at most `cap` bytes that holds no NUL byte. Directories,
/// pipes and devices are refused before they are opened (a FIFO would block, `/dev/zero`
/// never ends).
pub fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>, ReadError> {
    let metadata = std::fs::metadata(path).map_err(ReadError::from)?;
    if let Some(error) = kind_error(metadata.file_type()) {
        return Err(error);
    }
    if metadata.len() > cap {
        return Err(ReadError::TooLarge {
            size: metadata.len(),
            cap,
        });
    }
    let file = std::fs::File::open(path).map_err(ReadError::from)?;
    // The file may have been swapped since the check above: look again at what was opened.
    let opened = file.metadata().map_err(ReadError::from)?;
    if let Some(error) = kind_error(opened.file_type()) {
        return Err(error);
    }
    bytes_sized(file, cap, opened.len())
}

/// Reads a stream up to `cap` bytes; more is an error, and so is a NUL byte.
pub fn bytes_capped(stream: impl Read, cap: u64) -> Result<Vec<u8>, ReadError> {
    bytes_sized(stream, cap, 0)
}

/// [`bytes_capped`] into a buffer sized for the `expected` length up front: a file read
/// by doubling would hold up to twice its size for as long as its text lives.
fn bytes_sized(stream: impl Read, cap: u64, expected: u64) -> Result<Vec<u8>, ReadError> {
    let capacity = expected.min(cap).saturating_add(1);
    let mut bytes = Vec::with_capacity(usize::try_from(capacity).unwrap_or(0));
    stream
        .take(cap.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadError::from)?;
    if bytes.len() as u64 > cap {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            cap,
        });
    }
    if bytes.contains(&0) {
        return Err(ReadError::Binary);
    }
    if let Some((index, line)) = bytes
        .split(|&b| b == b'\n')
        .enumerate()
        .find(|(_, line)| line.len() > MAX_LINE_BYTES)
    {
        return Err(ReadError::LineTooLong {
            line: index + 1,
            length: line.len(),
        });
    }
    Ok(bytes)
}

/// Reads `path` if it lies inside `root` (as written and through links) and is a
/// regular text file within the cap.
pub fn read_inside(path: &Path, root: &Path, cap: u64) -> Result<Vec<u8>, ReadError> {
    check_inside(path, root)?;
    read_capped(path, cap)
}

/// A `--max-file-size` that is not a size.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a size (e.g. 64M, 500k, 1G)")]
pub struct NotASize(pub String);

/// Parses a size such as `64M`, `200k`, `1G` or `5000000` (bytes).
pub fn parse_size(text: &str) -> Result<u64, NotASize> {
    let text = text.trim();
    let (digits, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => text.split_at(i),
        None => (text, ""),
    };
    let factor: u64 = match unit.to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "K" | "KB" | "KIB" => 1 << 10,
        "M" | "MB" | "MIB" => 1 << 20,
        "G" | "GB" | "GIB" => 1 << 30,
        _ => return Err(NotASize(text.to_string())),
    };
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(factor))
        .filter(|n| *n > 0)
        .ok_or_else(|| NotASize(text.to_string()))
}

/// Why a file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("cannot write `{path}`: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("`{0}` exists: pass --force to replace it, or choose another file")]
    Exists(String),
    #[error("`{0}` is a directory")]
    Directory(String),
}

/// Writes `bytes` to `path` so that the file is either the old one or the complete new
/// one: the bytes go to a new temporary file beside it, which is flushed to disk and
/// renamed over `path`. A symbolic link at `path` is replaced, never followed, and an
/// old file is never truncated first (a full disk leaves it as it was).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let shown = display_path(path);
    let io = |source| WriteError::Io {
        path: shown.clone(),
        source,
    };
    let existing = std::fs::symlink_metadata(path).ok();
    if existing.as_ref().is_some_and(|m| m.is_dir()) {
        return Err(WriteError::Directory(shown));
    }
    let folder = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let (temporary, mut file) = create_temporary(&folder, path).map_err(io)?;
    let written = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| {
            // Keep the mode of a regular file being replaced (a link's target is not ours).
            match &existing {
                Some(m) if m.is_file() => file.set_permissions(m.permissions()),
                _ => Ok(()),
            }
        })
        .and_then(|()| std::fs::rename(&temporary, path));
    if let Err(error) = written {
        let _ = std::fs::remove_file(&temporary);
        return Err(io(error));
    }
    Ok(())
}

/// Like [`write_atomic`], but refuses a path that exists in any form (a file, a link,
/// a dangling link) unless `replace` is set.
pub fn write_new(path: &Path, bytes: &[u8], replace: bool) -> Result<(), WriteError> {
    if !replace && std::fs::symlink_metadata(path).is_ok() {
        return Err(WriteError::Exists(display_path(path)));
    }
    write_atomic(path, bytes)
}

/// A new file in `folder` named after `target`, created exclusively (an existing file
/// or link of that name is never opened).
fn create_temporary(folder: &Path, target: &Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let name = target
        .file_name()
        .map_or("output".into(), |n| n.to_string_lossy().into_owned());
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let candidate = folder.join(format!(".{name}.mralint-{}-{n}.tmp", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
        {
            Ok(file) => return Ok((candidate, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 10_000 => continue,
            Err(e) => return Err(e),
        }
    }
}

/// Writes to standard output. A closed pipe (`| head`) is not an error; anything else
/// (a full disk behind a redirection) is, and the caller exits 2.
pub fn write_stdout(text: &str) -> Result<(), std::io::Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("mralint-fsio-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn sizes_parse_with_units() {
        assert_eq!(parse_size("64M"), Ok(64 << 20));
        assert_eq!(parse_size("500k"), Ok(500 << 10));
        assert_eq!(parse_size("123"), Ok(123));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("0").is_err());
        assert!(parse_size("99999999999G").is_err());
    }

    #[test]
    fn reads_stop_at_the_cap() {
        assert_eq!(
            bytes_capped(&b"abcdef"[..], 4),
            Err(ReadError::TooLarge { size: 5, cap: 4 })
        );
        assert_eq!(bytes_capped(&b"abcd"[..], 4), Ok(b"abcd".to_vec()));
        assert_eq!(bytes_capped(&b"a\0b"[..], 4), Err(ReadError::Binary));
        let long = format!("ok\n{}\n", "x".repeat(MAX_LINE_BYTES + 1));
        assert_eq!(
            bytes_capped(long.as_bytes(), 1 << 20),
            Err(ReadError::LineTooLong {
                line: 2,
                length: MAX_LINE_BYTES + 1
            })
        );
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_directories_are_refused() {
        assert_eq!(
            read_capped(Path::new("/dev/zero"), 10),
            Err(ReadError::Special("a character device"))
        );
        assert_eq!(read_capped(Path::new("/"), 10), Err(ReadError::Directory));
    }

    #[test]
    fn paths_that_climb_out_are_outside() {
        let root = Path::new("/repo/dep");
        assert!(lexically_inside(Path::new("/repo/dep/a/../b.cfg"), root));
        assert!(!lexically_inside(Path::new("/repo/dep/../x.cfg"), root));
        assert!(!lexically_inside(Path::new("/etc/services"), root));
    }

    #[cfg(unix)]
    #[test]
    fn a_link_out_of_the_root_is_outside() {
        let dir = scratch("link-out");
        std::fs::create_dir_all(dir.join("repo")).unwrap();
        std::fs::write(dir.join("secret.txt"), "x").unwrap();
        std::os::unix::fs::symlink(dir.join("secret.txt"), dir.join("repo/asa.cfg")).unwrap();
        let error = read_inside(&dir.join("repo/asa.cfg"), &dir.join("repo"), 100).unwrap_err();
        assert!(matches!(error, ReadError::Outside { .. }), "{error}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn writes_replace_a_link_instead_of_following_it() {
        let dir = scratch("write-link");
        std::fs::write(dir.join("victim"), "keep").unwrap();
        std::os::unix::fs::symlink(dir.join("victim"), dir.join("out.sarif")).unwrap();
        std::os::unix::fs::symlink(dir.join("created"), dir.join("dangling")).unwrap();
        write_atomic(&dir.join("out.sarif"), b"report").unwrap();
        write_atomic(&dir.join("dangling"), b"report").unwrap();
        assert_eq!(std::fs::read_to_string(dir.join("victim")).unwrap(), "keep");
        assert!(!dir.join("created").exists());
        assert_eq!(
            std::fs::read_to_string(dir.join("out.sarif")).unwrap(),
            "report"
        );
        assert!(matches!(
            write_new(&dir.join("dangling"), b"x", false),
            Err(WriteError::Exists(_))
        ));
        let leftovers = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .count();
        assert_eq!(leftovers, 0);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
