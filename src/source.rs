//! Source files and byte spans: the leaf types every stage shares.

use std::path::{Path, PathBuf};

/// A half-open byte range `[start, end)` into one source file's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    pub fn len(self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(span: Span) -> Self {
        (span.start, span.len()).into()
    }
}

/// Index of a file in [`Sources`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct FileId(pub usize);

/// A file as read: its display name and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as the user gave it or as found relative to the deployment.
    pub path: PathBuf,
    pub text: String,
    /// Byte offsets where lines start, computed on first use.
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> Self {
        SourceFile {
            path: path.into(),
            text: text.into(),
            line_starts: std::sync::OnceLock::new(),
        }
    }

    /// Decodes file bytes: UTF-8 when valid, otherwise Latin-1 (ASA descriptions
    /// can hold Latin-1), so that no byte is lost and spans stay on character boundaries.
    pub fn from_bytes(path: impl Into<PathBuf>, bytes: &[u8]) -> Self {
        SourceFile::from_vec(path, bytes.to_vec())
    }

    /// [`SourceFile::from_bytes`] taking the bytes, so that valid UTF-8 (nearly every
    /// config) becomes the text without a second copy of the file.
    pub fn from_vec(path: impl Into<PathBuf>, bytes: Vec<u8>) -> Self {
        let text = String::from_utf8(bytes)
            .unwrap_or_else(|error| error.as_bytes().iter().map(|&b| b as char).collect());
        SourceFile::new(path, text)
    }

    /// The path with forward slashes, as shown in every output.
    pub fn display_name(&self) -> String {
        display_path(&self.path)
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
    }

    /// The 0-based index of the line holding a byte offset.
    pub fn line_index(&self, offset: usize) -> usize {
        let starts = self.line_starts();
        starts.partition_point(|&s| s <= offset.min(self.text.len())) - 1
    }

    /// The byte range of a 0-based line, without its line break.
    pub fn line_range(&self, index: usize) -> (usize, usize) {
        let starts = self.line_starts();
        let start = starts.get(index).copied().unwrap_or(self.text.len());
        let end = starts
            .get(index + 1)
            .map_or(self.text.len(), |next| next - 1);
        (start, end.max(start))
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let index = self.line_index(offset);
        let (start, _) = self.line_range(index);
        (index + 1, self.text[start..offset].chars().count() + 1)
    }

    /// The whole line holding `offset`, without its line break.
    pub fn line_text(&self, offset: usize) -> &str {
        let (start, end) = self.line_range(self.line_index(offset));
        self.text[start..end].trim_end_matches('\r')
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// A path rendered with `/` separators and without a leading `./`.
pub fn display_path(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").unwrap_or(&text).to_owned()
}

/// A path made absolute, with `.` and `..` resolved lexically (no file system access),
/// to compare two spellings of one file.
pub fn normalize_path(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for component in absolute.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Every file read in one run; findings point into it by [`FileId`]. A file that
/// several projects read (one config named by many deployments) is shared, not copied.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    files: Vec<std::sync::Arc<SourceFile>>,
}

impl Sources {
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.add_shared(std::sync::Arc::new(file))
    }

    /// Adds a file another project may hold too.
    pub fn add_shared(&mut self, file: std::sync::Arc<SourceFile>) -> FileId {
        self.files.push(file);
        FileId(self.files.len() - 1)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0]
    }

    /// The file itself, to share with another project.
    pub fn shared(&self, id: FileId) -> std::sync::Arc<SourceFile> {
        std::sync::Arc::clone(&self.files[id.0])
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i), f.as_ref()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        let file = SourceFile::new("a.cfg", "ab\ncd\n");
        assert_eq!(file.line_col(0), (1, 1));
        assert_eq!(file.line_col(4), (2, 2));
        assert_eq!(file.line_text(4), "cd");
    }

    #[test]
    fn latin1_bytes_are_kept() {
        let file = SourceFile::from_bytes("a.cfg", b"description caf\xe9\n");
        assert_eq!(file.text, "description café\n");
    }
}
