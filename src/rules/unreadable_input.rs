use super::{declare_rule, Context};
use crate::finding::{Finding, Location};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags a file that a run was given or found but did not read: a binary file, a file
    /// over the size limit (`--max-file-size`, 64 MiB by default), a named pipe, a device
    /// or a socket, or a symbolic link that leads out of the project root. Nothing of the
    /// file is read or shown; the other files are linted as usual.
    ///
    /// ## Why is this bad?
    /// The file is not checked. In a review pipeline it may also be an attempt to make
    /// the linter hang, run out of memory, or quote a file from outside the repository.
    ///
    /// ## Example
    /// ```text
    /// fw/asa.cfg -> /etc/services      (a link out of the repository)
    /// fw/edge.cfg                      (a binary file saved by mistake)
    /// ```
    ///
    /// ## Use instead
    /// Commit the config itself, as text, inside the repository; raise `--max-file-size`
    /// for a genuinely larger config, or widen the boundary with `--root` for local use.
    ///
    /// ## References
    /// - README, "Running on untrusted input" (the project root and the size limit)
    pub static RULE = {
        code: "INP001",
        name: "unreadable-input",
        severity: Error,
        summary: "a file was not read: binary, too large, not a regular file, or outside the project root",
    };
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for unreadable in &cx.project.unreadable {
        out.push(RULE.finding(
            format!("not read: {}", unreadable.reason),
            Location::new(unreadable.file, Span::default(), "this file"),
        ));
    }
}
