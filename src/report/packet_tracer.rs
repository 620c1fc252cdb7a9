//! `mralint check --format packet-tracer`: every simulated flow's `packet-tracer`
//! commands, grouped by the firewall they run on, with `!` comment lines naming the flow,
//! so the text pastes into the ASA CLI.

use crate::mra::Analysis;
use crate::rules::packet_tracer::{named_paths, path_commands, show_lines, NamedPath};
use crate::rules::Context;
use crate::workspace::Project;

/// `mralint check --format packet-tracer` for one project: every simulated flow's
/// commands, grouped by the firewall they run on, `!` comment lines naming the flow, so
/// the text pastes into the ASA CLI.
pub fn render(cx: &Context<'_>) -> String {
    let paths = named_paths(cx);
    let mut out = String::new();
    for (firewall, input) in cx.project.firewalls.iter().enumerate() {
        let mut section = String::new();
        for named in &paths {
            for (hop, (on, command)) in named.path.hops.iter().zip(path_commands(named.path)) {
                if on != firewall {
                    continue;
                }
                section.push_str(&format!("! {}\n{command}\n", comment(&named.label)));
                for show in show_lines(cx, hop) {
                    section.push_str(&format!("!   then: {}\n", comment(&show)));
                }
            }
        }
        if !section.is_empty() {
            out.push_str(&format!(
                "! ===== {} ({}) =====\n{section}",
                comment(&input.name),
                comment(&cx.project.sources.get(input.file).display_name())
            ));
        }
    }
    let unserved: Vec<&NamedPath> = paths.iter().filter(|p| p.path.hops.is_empty()).collect();
    if !unserved.is_empty() {
        out.push_str("! ===== no modelled firewall serves these flows' senders =====\n");
        for named in unserved {
            out.push_str(&format!("! {}\n", comment(&named.label)));
        }
    }
    out
}

/// `mralint check --format packet-tracer`: every project's commands, a project without a
/// valid deployment named in a comment (it has no flows to trace).
pub fn render_all<'a>(projects: impl IntoIterator<Item = (&'a Project, &'a Analysis)>) -> String {
    let mut out = String::new();
    for (project, analysis) in projects {
        let cx = Context::new(project, analysis);
        if cx.network.is_none() {
            for input in &project.firewalls {
                out.push_str(&format!(
                    "! {}: no valid deployment names this config, so there are no MRA flows to trace\n",
                    comment(&project.sources.get(input.file).display_name())
                ));
            }
            continue;
        }
        out.push_str(&render(&cx));
    }
    out
}

/// A text made safe for a `!` comment line: one line, printable ASCII (the ASA CLI
/// reads the paste byte by byte).
fn comment(text: &str) -> String {
    text.replace('→', "->")
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '?'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_stay_on_one_ascii_line() {
        assert_eq!(comment("TCP a:1 → b:2\nx"), "TCP a:1 -> b:2?x");
    }
}
