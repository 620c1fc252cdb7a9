//! Human output: miette's graphical diagnostics, one per finding, then a summary.

use std::fmt;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use crate::finding::{Finding, Location, Severity};
use crate::source::Sources;

/// A finding bound to its sources, as miette renders it.
struct Rendered<'a> {
    finding: &'a Finding,
    source: Window,
    /// Related locations in other files, each its own small diagnostic.
    elsewhere: Vec<Elsewhere>,
    message: String,
}

struct Elsewhere {
    source: Window,
    location: Location,
}

/// The lines of a file around some spans: what miette needs to draw them, without
/// copying or scanning the whole file for every finding. Spans far apart (an entry and
/// the blocker 50,000 lines above it) get a chunk each, so rendering a finding costs the
/// lines it shows, not the distance between them.
struct Window {
    name: String,
    chunks: Vec<Chunk>,
}

/// Consecutive lines of a file.
struct Chunk {
    text: String,
    /// Byte offset of `text` in the file.
    start: usize,
    /// 0-based line number of `text`'s first line.
    first_line: usize,
}

/// Lines of context kept around the labelled lines (miette shows one).
const CONTEXT_LINES: usize = 3;

fn window(
    sources: &Sources,
    file: crate::source::FileId,
    spans: impl Iterator<Item = crate::source::Span>,
) -> Window {
    let source = sources.get(file);
    let len = source.text.len();
    let mut lines: Vec<(usize, usize)> = spans
        .map(|s| {
            (
                source
                    .line_index(s.start.min(len))
                    .saturating_sub(CONTEXT_LINES),
                source.line_index(s.end.min(len)) + CONTEXT_LINES,
            )
        })
        .collect();
    lines.sort_unstable();
    // Chunks that touch or nearly touch are one: miette may ask for the lines between
    // two labels it draws in one snippet.
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (first, last) in lines {
        match merged.last_mut() {
            Some(prev) if first <= prev.1 + 2 * CONTEXT_LINES + 1 => prev.1 = prev.1.max(last),
            _ => merged.push((first, last)),
        }
    }
    let chunks = merged
        .into_iter()
        .map(|(first_line, last_line)| {
            let (start, _) = source.line_range(first_line);
            let (_, end) = source.line_range(last_line);
            let end = if source.text[end..].starts_with('\n') {
                end + 1
            } else {
                end
            };
            Chunk {
                text: crate::escape::snippet_source(&source.text[start..end]).into_owned(),
                start,
                first_line,
            }
        })
        .collect();
    Window {
        name: crate::escape::terminal_line(&source.display_name()).into_owned(),
        chunks,
    }
}

impl SourceCode for Window {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let at = self
            .chunks
            .partition_point(|c| c.start <= span.offset())
            .saturating_sub(1);
        let chunk = self.chunks.get(at).ok_or(MietteError::OutOfBounds)?;
        let local = SourceSpan::new(span.offset().saturating_sub(chunk.start).into(), span.len());
        let inner =
            chunk
                .text
                .as_bytes()
                .read_span(&local, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            SourceSpan::new(
                (inner.span().offset() + chunk.start).into(),
                inner.span().len(),
            ),
            inner.line() + chunk.first_line,
            inner.column(),
            inner.line_count(),
        )))
    }
}

impl fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Rendered<'_> {}

fn miette_severity(severity: Severity) -> miette::Severity {
    match severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Advice => miette::Severity::Advice,
    }
}

impl Diagnostic for Rendered<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(format!(
            "{}({})",
            self.finding.code, self.finding.name
        )))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(miette_severity(self.finding.severity))
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.finding
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let primary = &self.finding.primary;
        let same_file = self
            .finding
            .related
            .iter()
            .filter(move |r| r.file == primary.file)
            .map(|r| LabeledSpan::new_with_span(Some(r.label.clone()), r.span));
        Some(Box::new(
            std::iter::once(LabeledSpan::new_primary_with_span(
                Some(primary.label.clone()),
                primary.span,
            ))
            .chain(same_file),
        ))
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn Diagnostic> + 'b>> {
        if self.elsewhere.is_empty() {
            return None;
        }
        Some(Box::new(
            self.elsewhere.iter().map(|e| e as &dyn Diagnostic),
        ))
    }
}

impl fmt::Debug for Elsewhere {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.location.label)
    }
}

impl fmt::Display for Elsewhere {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.location.label)
    }
}

impl std::error::Error for Elsewhere {}

impl Diagnostic for Elsewhere {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(Some("here".into()), self.location.span),
        )))
    }
}

fn rendered<'a>(finding: &'a Finding, sources: &Sources) -> Rendered<'a> {
    let mut message = finding.message.clone();
    for note in &finding.notes {
        message.push_str("\n- ");
        message.push_str(note);
    }
    let primary = &finding.primary;
    let same_file = finding
        .related
        .iter()
        .filter(|r| r.file == primary.file)
        .map(|r| r.span);
    Rendered {
        finding,
        source: window(
            sources,
            primary.file,
            std::iter::once(primary.span).chain(same_file),
        ),
        elsewhere: finding
            .related
            .iter()
            .filter(|r| r.file != primary.file)
            .map(|r| Elsewhere {
                source: window(sources, r.file, std::iter::once(r.span)),
                location: r.clone(),
            })
            .collect(),
        message,
    }
}

/// Renders findings for a terminal (`color`) or for a file or snapshot (plain, `width` columns).
pub fn render(findings: &[Finding], sources: &Sources, color: bool, width: usize) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(width)
        .with_links(false);
    let mut out = String::new();
    for finding in findings {
        let finding = crate::escape::terminal_finding(finding);
        // Writing to a String cannot fail.
        let _ = handler.render_report(&mut out, &rendered(&finding, sources));
        out.push('\n');
    }
    related_title(&crate::escape::terminal_report(&out, color))
}

/// miette heads a related diagnostic with its severity, `Advice:`, which reads like
/// the finding's severity: it is titled `Related:`.
fn related_title(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        if strip_ansi(line).trim() == "Advice:" {
            out.push_str("Related:");
            if line.ends_with('\n') {
                out.push('\n');
            }
        } else {
            out.push_str(line);
        }
    }
    out
}

/// The text of a line without its ANSI escape sequences (`ESC [ … letter`).
fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `3 errors, 1 warning, 0 advice` — or `no findings`.
pub fn summary(findings: &[Finding]) -> String {
    if findings.is_empty() {
        return "no findings".into();
    }
    let count = |s| findings.iter().filter(|f| f.severity == s).count();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {}, {} advice",
        plural(count(Severity::Error), "error"),
        plural(count(Severity::Warning), "warning"),
        count(Severity::Advice)
    )
}
