//! Line edits of a config file: applying them, and the unified diff they make.

use crate::finding::LineEdit;

impl LineEdit {
    pub fn replace(line: usize, with: impl Into<String>) -> Self {
        LineEdit {
            line,
            remove: 1,
            insert: vec![with.into()],
        }
    }

    pub fn insert_before(line: usize, lines: Vec<String>) -> Self {
        LineEdit {
            line,
            remove: 0,
            insert: lines,
        }
    }
}

/// One line of a file and the break that ends it (`\r\n`, `\n`, or nothing for a last
/// line without one): each line keeps its own, so a file that mixes them is written
/// back byte for byte outside the edit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Line<'a> {
    content: &'a str,
    ending: &'a str,
}

/// The file's lines with their line breaks, and the break inserted lines get (`\r\n`
/// when its first line ends so, else `\n`).
fn lines_of(text: &str) -> (Vec<Line<'_>>, &'static str) {
    let newline = match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    };
    let lines = text
        .split_inclusive('\n')
        .map(|whole| {
            let content = whole
                .strip_suffix('\n')
                .map_or(whole, |l| l.strip_suffix('\r').unwrap_or(l));
            Line {
                content,
                ending: &whole[content.len()..],
            }
        })
        .collect();
    (lines, newline)
}

/// Edits sorted and checked: inside the file, not overlapping.
fn checked(edits: &[LineEdit], line_count: usize) -> Result<Vec<&LineEdit>, String> {
    let mut sorted: Vec<&LineEdit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.line, e.remove));
    let mut end = 0;
    for edit in &sorted {
        if edit.line < end || edit.line + edit.remove > line_count {
            return Err("the edits overlap or lie outside the file".into());
        }
        end = edit.line + edit.remove;
    }
    Ok(sorted)
}

/// The line break of the lines where an edit goes: the first line it replaces or goes
/// before, else the one before it (a file that mixes breaks keeps each part's).
fn break_around<'a>(lines: &[Line<'a>], at: usize) -> Option<&'a str> {
    [lines.get(at), at.checked_sub(1).and_then(|i| lines.get(i))]
        .into_iter()
        .flatten()
        .map(|l| l.ending)
        .find(|ending| !ending.is_empty())
}

/// The lines of the edited file, each with its break: kept lines keep theirs, inserted
/// lines get those of the lines around them (else the file's first); the last line ends as the file's last line did (with a break
/// or without one), and a line that is no longer last gains a break.
/// Also gives, for each edit, the index in the edited file of its first inserted line.
fn edited_lines<'a>(
    lines: &[Line<'a>],
    sorted: &[&'a LineEdit],
    newline: &'static str,
) -> (Vec<Line<'a>>, Vec<usize>) {
    let mut out: Vec<Line<'a>> = Vec::with_capacity(lines.len() + sorted.len());
    let mut inserted_at = Vec::with_capacity(sorted.len());
    let mut next = 0;
    for edit in sorted {
        out.extend(&lines[next..edit.line]);
        inserted_at.push(out.len());
        let ending = break_around(lines, edit.line).unwrap_or(newline);
        out.extend(edit.insert.iter().map(|content| Line { content, ending }));
        next = edit.line + edit.remove;
    }
    out.extend(&lines[next..]);
    let unterminated = lines.last().is_some_and(|l| l.ending.is_empty());
    let count = out.len();
    for (i, line) in out.iter_mut().enumerate() {
        if i + 1 == count && unterminated {
            line.ending = "";
        } else if line.ending.is_empty() {
            line.ending = newline;
        }
    }
    (out, inserted_at)
}

/// The text with the edits applied, line breaks as the file has them.
pub fn apply(text: &str, edits: &[LineEdit]) -> Result<String, String> {
    let (lines, newline) = lines_of(text);
    let sorted = checked(edits, lines.len())?;
    let mut out = String::with_capacity(text.len() + 256);
    for line in edited_lines(&lines, &sorted, newline).0 {
        out.push_str(line.content);
        out.push_str(line.ending);
    }
    Ok(out)
}

/// Lines of context around each change, as `diff -u` shows.
const CONTEXT: usize = 3;

/// Whether a line can be context of the diff as it is: not a line with a secret (the
/// text mralint holds has it masked, so the line would neither match the file nor
/// belong in a review comment) and without a character that would act on a terminal.
/// A hunk's context stops short of such a line.
fn showable(line: &Line<'_>) -> bool {
    crate::secrets::config_secret_start(line.content).is_none()
        && !line
            .content
            .chars()
            .any(|c| c != '\t' && crate::escape::is_hazard(c))
}

/// One diff line: its tag, its text (characters that act on a terminal shown as
/// escapes), its own line break (`\r\n` kept, so the diff applies to a CRLF file), and
/// `\ No newline at end of file` after a last line without one.
fn diff_line(out: &mut String, tag: char, line: &Line<'_>) {
    out.push(tag);
    out.push_str(&crate::escape::terminal_line(line.content));
    if line.ending.is_empty() {
        out.push_str("\n\\ No newline at end of file\n");
    } else {
        out.push_str(line.ending);
    }
}

/// A context line: the same on both sides, unless its line break changed (a last line
/// without one that is no longer last).
fn context_line(out: &mut String, old: &Line<'_>, new: &Line<'_>) {
    if old.ending == new.ending {
        diff_line(out, ' ', old);
    } else {
        diff_line(out, '-', old);
        diff_line(out, '+', new);
    }
}

/// The edits grouped into hunks: edits whose context windows touch, with only lines
/// that can be shown between them.
fn hunks<'a>(
    lines: &[Line<'_>],
    sorted: Vec<(usize, &'a LineEdit)>,
) -> Vec<Vec<(usize, &'a LineEdit)>> {
    let mut hunks: Vec<Vec<(usize, &LineEdit)>> = Vec::new();
    for (index, edit) in sorted {
        match hunks.last_mut() {
            Some(hunk)
                if hunk.last().is_some_and(|(_, last)| {
                    let end = last.line + last.remove;
                    end + 2 * CONTEXT >= edit.line && lines[end..edit.line].iter().all(showable)
                }) =>
            {
                hunk.push((index, edit))
            }
            _ => hunks.push(vec![(index, edit)]),
        }
    }
    hunks
}

/// A file's name in a diff header, quoted as git quotes it (`"a/x\nb"`, with C escapes
/// and octal bytes) when it holds a control character, a bidirectional override, a
/// quote or a backslash: a line break in a file's name must not start a header or a
/// hunk of its own, and `git apply` and `patch` read the quoted form.
fn diff_name(prefix: &str, path: &str) -> String {
    let needs_quotes = |c: char| crate::escape::is_hazard(c) || c == '"' || c == '\\';
    let name = format!("{prefix}{path}");
    if !name.chars().any(needs_quotes) {
        return name;
    }
    let mut quoted = String::from("\"");
    for c in name.chars() {
        match c {
            '\n' => quoted.push_str("\\n"),
            '\t' => quoted.push_str("\\t"),
            '\r' => quoted.push_str("\\r"),
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            c if needs_quotes(c) => {
                let mut bytes = [0; 4];
                for byte in c.encode_utf8(&mut bytes).bytes() {
                    quoted.push_str(&format!("\\{byte:03o}"));
                }
            }
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

/// The unified diff (`--- a/PATH`, `+++ b/PATH`, `@@` hunks with up to three lines of
/// context) the edits make to the file.
pub fn unified_diff(path: &str, text: &str, edits: &[LineEdit]) -> String {
    let (lines, newline) = lines_of(text);
    let Ok(sorted) = checked(edits, lines.len()) else {
        return String::new();
    };
    let (new_lines, inserted_at) = edited_lines(&lines, &sorted, newline);
    let mut out = format!(
        "--- {}\n+++ {}\n",
        diff_name("a/", path),
        diff_name("b/", path)
    );
    for hunk in hunks(&lines, sorted.iter().copied().enumerate().collect()) {
        let (first_index, first_edit) = hunk[0];
        let leading = lines[first_edit.line.saturating_sub(CONTEXT)..first_edit.line]
            .iter()
            .rev()
            .take_while(|l| showable(l))
            .count();
        let first = first_edit.line - leading;
        let new_first = inserted_at[first_index] - leading;
        let (_, last_edit) = hunk[hunk.len() - 1];
        let after = last_edit.line + last_edit.remove;
        let trailing = lines[after..(after + CONTEXT).min(lines.len())]
            .iter()
            .take_while(|l| showable(l))
            .count();
        let mut body = String::new();
        let (mut old_count, mut new_count) = (0usize, 0usize);
        let (mut at, mut new_at) = (first, new_first);
        for &(index, edit) in &hunk {
            while at < edit.line {
                context_line(&mut body, &lines[at], &new_lines[new_at]);
                old_count += 1;
                new_count += 1;
                at += 1;
                new_at += 1;
            }
            for line in &lines[edit.line..edit.line + edit.remove] {
                diff_line(&mut body, '-', line);
            }
            let inserted = inserted_at[index]..inserted_at[index] + edit.insert.len();
            for line in &new_lines[inserted] {
                diff_line(&mut body, '+', line);
            }
            old_count += edit.remove;
            new_count += edit.insert.len();
            at = edit.line + edit.remove;
            new_at = inserted_at[index] + edit.insert.len();
        }
        while at < after + trailing {
            context_line(&mut body, &lines[at], &new_lines[new_at]);
            old_count += 1;
            new_count += 1;
            at += 1;
            new_at += 1;
        }
        let old_start = if old_count == 0 { first } else { first + 1 };
        let new_start = if new_count == 0 {
            new_first
        } else {
            new_first + 1
        };
        out.push_str(&format!(
            "@@ -{old_start},{old_count} +{new_start},{new_count} @@\n{body}"
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n";

    #[test]
    fn replace_insert_and_remove() {
        let edits = vec![
            LineEdit::replace(1, "B"),
            LineEdit::insert_before(4, vec!["x".into(), "y".into()]),
            LineEdit {
                line: 9,
                remove: 1,
                insert: vec![],
            },
        ];
        assert_eq!(
            apply(TEXT, &edits).unwrap(),
            "a\nB\nc\nd\nx\ny\ne\nf\ng\nh\ni\n"
        );
    }

    #[test]
    fn keeps_crlf_line_breaks() {
        assert_eq!(
            apply("a\r\nb\r\n", &[LineEdit::replace(0, "A")]).unwrap(),
            "A\r\nb\r\n"
        );
    }

    #[test]
    fn overlapping_edits_are_refused() {
        let edits = vec![
            LineEdit {
                line: 1,
                remove: 2,
                insert: vec![],
            },
            LineEdit::replace(2, "x"),
        ];
        assert!(apply(TEXT, &edits).is_err());
        assert!(apply(TEXT, &[LineEdit::replace(10, "x")]).is_err());
    }

    #[test]
    fn a_name_with_a_line_break_is_quoted_in_the_headers() {
        let diff = unified_diff("x\n+++ b/evil\\\"", TEXT, &[LineEdit::replace(0, "A")]);
        assert!(
            diff.starts_with(
                "--- \"a/x\\n+++ b/evil\\\\\\\"\"\n+++ \"b/x\\n+++ b/evil\\\\\\\"\"\n@@ "
            ),
            "{diff}"
        );
        assert_eq!(
            diff_name("a/", "s\u{202e}.cfg"),
            "\"a/s\\342\\200\\256.cfg\""
        );
    }

    #[test]
    fn diff_has_context_and_line_numbers() {
        let diff = unified_diff("asa.cfg", TEXT, &[LineEdit::replace(4, "E")]);
        assert_eq!(
            diff,
            "--- a/asa.cfg\n+++ b/asa.cfg\n@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n"
        );
    }

    #[test]
    fn second_hunk_counts_lines_the_first_added() {
        let text: String = (0..30).map(|i| format!("l{i}\n")).collect();
        let edits = vec![
            LineEdit::insert_before(1, vec!["new".into()]),
            LineEdit::replace(20, "x"),
        ];
        let diff = unified_diff("f", &text, &edits);
        assert!(diff.contains("@@ -1,4 +1,5 @@\n l0\n+new\n l1\n"), "{diff}");
        assert!(diff.contains("@@ -18,7 +19,7 @@\n"), "{diff}");
    }
}
