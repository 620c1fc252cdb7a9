//! Human output: miette's graphical diagnostics, one per finding, then a summary.

use std::fmt;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode,
};

use crate::finding::{Finding, Location, Severity};
use crate::source::Sources;

/// A finding bound to its sources, as miette renders it.
struct Rendered<'a> {
    finding: &'a Finding,
    source: NamedSource<String>,
    /// Related locations in other files, each its own small diagnostic.
    elsewhere: Vec<Elsewhere>,
    message: String,
}

struct Elsewhere {
    source: NamedSource<String>,
    location: Location,
}

fn named(sources: &Sources, location: &Location) -> NamedSource<String> {
    let file = sources.get(location.file);
    NamedSource::new(file.display_name(), file.text.clone())
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
    Rendered {
        finding,
        source: named(sources, &finding.primary),
        elsewhere: finding
            .related
            .iter()
            .filter(|r| r.file != finding.primary.file)
            .map(|r| Elsewhere {
                source: named(sources, r),
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
        // Writing to a String cannot fail.
        let _ = handler.render_report(&mut out, &rendered(finding, sources));
        out.push('\n');
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
