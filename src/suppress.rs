//! Suppression comments: `! mralint: ignore[CODE, …] reason` (ASA), the same text in an
//! `access-list NAME remark`, `# mralint: ignore[CODE] reason` (YAML), and the file-level
//! `ignore-file[…]` form. A suppression covers the next command (an ASA command with its
//! indented sub-lines, a YAML line) or, at the end of a line, that line.

use crate::source::{SourceFile, Span};

/// What a suppression covers, as byte ranges of its file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    Lines(Span),
    File,
}

/// One suppression comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    /// The comment text after the marker, for messages.
    pub span: Span,
    pub codes: Vec<(String, Span)>,
    pub reason: String,
    pub scope: Scope,
    /// For an ASA `access-list … remark`: the length of the remark text (the device
    /// accepts at most 100 characters).
    pub remark: Option<usize>,
}

const MARKER: &str = "mralint:";

/// Every suppression in a file. `yaml` selects `#` comments, else ASA `!` comments and remarks.
pub fn scan(file: &SourceFile, yaml: bool) -> Vec<Suppression> {
    let text = &file.text;
    // One fast search first: most files, and most large configs, hold no suppression.
    if !text.contains(MARKER) {
        return Vec::new();
    }
    let lines: Vec<(usize, &str)> = line_starts(text);
    let mut found = Vec::new();
    for (index, &(start, line)) in lines.iter().enumerate() {
        let Some((comment_at, remark)) = comment(line, yaml) else {
            continue;
        };
        let body = &line[comment_at..];
        let Some(after) = body.trim_start().strip_prefix(MARKER) else {
            continue;
        };
        let after_at = start + comment_at + (body.len() - body.trim_start().len()) + MARKER.len();
        let rest = after.trim_start();
        let rest_at = after_at + (after.len() - rest.len());
        let (file_level, list) = if let Some(l) = rest.strip_prefix("ignore-file[") {
            (true, l)
        } else if let Some(l) = rest.strip_prefix("ignore[") {
            (false, l)
        } else {
            continue;
        };
        let list_at = rest_at + (rest.len() - list.len());
        let Some(close) = list.find(']') else {
            continue;
        };
        let mut codes = Vec::new();
        let mut offset = 0;
        for part in list[..close].split(',') {
            let code = part.trim();
            let lead = part.len() - part.trim_start().len();
            if !code.is_empty() {
                let at = list_at + offset + lead;
                codes.push((code.to_string(), Span::new(at, at + code.len())));
            }
            offset += part.len() + 1;
        }
        let reason = list[close + 1..].trim().to_string();
        let own_line = remark || line[..comment_at - 1].trim().is_empty();
        let scope = if file_level {
            Scope::File
        } else if own_line {
            Scope::Lines(next_command(&lines, index, yaml).unwrap_or(Span::new(start, start)))
        } else {
            Scope::Lines(Span::new(start, start + line.len()))
        };
        found.push(Suppression {
            span: Span::new(start + comment_at, start + line.len()),
            codes,
            reason,
            scope,
            remark: remark.then(|| line[comment_at..].trim().len()),
        });
    }
    found
}

/// Each line's byte offset and text (without its line break).
fn line_starts(text: &str) -> Vec<(usize, &str)> {
    let mut offset = 0;
    text.split_inclusive('\n')
        .map(|raw| {
            let start = offset;
            offset += raw.len();
            (start, raw.trim_end_matches(['\n', '\r']))
        })
        .collect()
}

/// Where a suppression comment starts on a line, and whether it is an ACL remark.
fn comment(line: &str, yaml: bool) -> Option<(usize, bool)> {
    if yaml {
        // A `#` that starts the line or follows a blank starts a YAML comment.
        let at = line
            .char_indices()
            .find(|&(i, c)| c == '#' && (i == 0 || line[..i].ends_with([' ', '\t'])))?
            .0;
        return Some((at + 1, false));
    }
    let trimmed = line.trim_start();
    if let Some(rest) = trimmed.strip_prefix('!') {
        return Some((line.len() - rest.len(), false));
    }
    let mut words = trimmed.split_whitespace();
    if words.next() == Some("access-list")
        && words.next().is_some()
        && words.next() == Some("remark")
    {
        let at = line.find(" remark ")? + " remark ".len();
        return Some((at, true));
    }
    None
}

/// The command after line `index`: the next line that is not a comment or blank, with
/// its indented sub-lines (ASA) — or just that line (YAML).
fn next_command(lines: &[(usize, &str)], index: usize, yaml: bool) -> Option<Span> {
    let is_comment = |l: &str| {
        let t = l.trim_start();
        t.is_empty()
            || if yaml {
                t.starts_with('#')
            } else {
                t.starts_with('!') || t.starts_with(':')
            }
    };
    let (first, &(start, line)) = lines
        .iter()
        .enumerate()
        .skip(index + 1)
        .find(|(_, (_, l))| !is_comment(l))?;
    let mut end = start + line.len();
    if !yaml && !line.starts_with([' ', '\t']) {
        for &(s, l) in &lines[first + 1..] {
            if !l.starts_with([' ', '\t']) {
                break;
            }
            end = s + l.len();
        }
    }
    Some(Span::new(start, end))
}

impl Suppression {
    /// Whether this suppression covers a finding of `code` at `span`.
    pub fn covers(&self, code: &str, span: Span) -> bool {
        let in_scope = match self.scope {
            Scope::File => true,
            Scope::Lines(lines) => span.start >= lines.start && span.start <= lines.end,
        };
        in_scope
            && !self.reason.is_empty()
            && self.codes.iter().any(|(c, _)| c.eq_ignore_ascii_case(code))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asa_forms() {
        let text = "! mralint: ignore[MRA001, MRA009] lab only\nobject network X\n nat (dmz,outside) static 1.1.1.1\nroute a 0 0 1.1.1.1\naccess-list A remark mralint: ignore[OBJ001] migrated\naccess-list A extended permit ip object Y any\n! mralint: ignore-file[MRA011] lab timers\n";
        let found = scan(&SourceFile::new("a.cfg", text), false);
        assert_eq!(found.len(), 3);
        let Scope::Lines(lines) = found[0].scope else {
            panic!()
        };
        assert_eq!(
            &text[lines.start..lines.end],
            "object network X\n nat (dmz,outside) static 1.1.1.1"
        );
        assert_eq!(
            found[0]
                .codes
                .iter()
                .map(|(c, _)| c.as_str())
                .collect::<Vec<_>>(),
            ["MRA001", "MRA009"]
        );
        assert_eq!(
            &text[found[0].codes[1].1.start..found[0].codes[1].1.end],
            "MRA009"
        );
        assert_eq!(found[0].reason, "lab only");
        let Scope::Lines(lines) = found[1].scope else {
            panic!()
        };
        assert_eq!(
            &text[lines.start..lines.end],
            "access-list A extended permit ip object Y any"
        );
        assert!(found[1].remark.is_some());
        assert_eq!(found[2].scope, Scope::File);
    }

    #[test]
    fn yaml_forms() {
        let text = "# mralint: ignore[MRA008] IP is in the certificate\npeers: [10.0.20.2]\nnic: single  # mralint: ignore[MRA009] budget\n";
        let found = scan(&SourceFile::new("d.yaml", text), true);
        assert_eq!(found.len(), 2);
        let Scope::Lines(lines) = found[0].scope else {
            panic!()
        };
        assert_eq!(&text[lines.start..lines.end], "peers: [10.0.20.2]");
        let Scope::Lines(lines) = found[1].scope else {
            panic!()
        };
        assert!(text[lines.start..lines.end].starts_with("nic: single"));
    }

    #[test]
    fn a_missing_reason_covers_nothing() {
        let text = "! mralint: ignore[MRA001]\nroute a 0 0 1.1.1.1\n";
        let found = scan(&SourceFile::new("a.cfg", text), false);
        assert!(found[0].reason.is_empty());
        assert!(!found[0].covers("MRA001", Span::new(26, 30)));
    }
}
