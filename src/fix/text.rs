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

/// The file's lines without their line breaks, and the break it uses (`\r\n` when its
/// first line ends so, else `\n`).
fn lines_of(text: &str) -> (Vec<&str>, &'static str) {
    let newline = match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    };
    let body = text.strip_suffix('\n').unwrap_or(text);
    let lines = if text.is_empty() {
        Vec::new()
    } else {
        body.split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .collect()
    };
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

/// The text with the edits applied, line breaks as the file has them.
pub fn apply(text: &str, edits: &[LineEdit]) -> Result<String, String> {
    let (lines, newline) = lines_of(text);
    let sorted = checked(edits, lines.len())?;
    let mut out: Vec<&str> = Vec::with_capacity(lines.len() + edits.len());
    let mut next = 0;
    for edit in sorted {
        out.extend(&lines[next..edit.line]);
        out.extend(edit.insert.iter().map(String::as_str));
        next = edit.line + edit.remove;
    }
    out.extend(&lines[next..]);
    let mut joined = out.join(newline);
    if text.ends_with('\n') || text.is_empty() {
        joined.push_str(newline);
    }
    Ok(joined)
}

/// Lines of context around each change, as `diff -u` shows.
const CONTEXT: usize = 3;

/// The unified diff (`--- a/PATH`, `+++ b/PATH`, `@@` hunks with three lines of
/// context) the edits make to the file.
pub fn unified_diff(path: &str, text: &str, edits: &[LineEdit]) -> String {
    let (lines, _) = lines_of(text);
    let Ok(sorted) = checked(edits, lines.len()) else {
        return String::new();
    };
    // Group edits whose context windows touch into one hunk.
    let mut hunks: Vec<Vec<&LineEdit>> = Vec::new();
    for edit in sorted {
        match hunks.last_mut() {
            Some(hunk)
                if hunk
                    .last()
                    .is_some_and(|last| last.line + last.remove + 2 * CONTEXT >= edit.line) =>
            {
                hunk.push(edit)
            }
            _ => hunks.push(vec![edit]),
        }
    }
    let mut out = format!("--- a/{path}\n+++ b/{path}\n");
    // How many lines the hunks before this one added (new-file line numbers shift).
    let mut shift: isize = 0;
    for hunk in hunks {
        let first = hunk[0].line.saturating_sub(CONTEXT);
        let last_edit = hunk[hunk.len() - 1];
        let end = (last_edit.line + last_edit.remove + CONTEXT).min(lines.len());
        let mut body = String::new();
        let (mut old_count, mut new_count) = (0usize, 0usize);
        let mut at = first;
        for edit in &hunk {
            for line in &lines[at..edit.line] {
                body.push_str(&format!(" {line}\n"));
                old_count += 1;
                new_count += 1;
            }
            for line in &lines[edit.line..edit.line + edit.remove] {
                body.push_str(&format!("-{line}\n"));
                old_count += 1;
            }
            for line in &edit.insert {
                body.push_str(&format!("+{line}\n"));
                new_count += 1;
            }
            at = edit.line + edit.remove;
        }
        for line in &lines[at..end] {
            body.push_str(&format!(" {line}\n"));
            old_count += 1;
            new_count += 1;
        }
        let old_start = if old_count == 0 { first } else { first + 1 };
        let new_first = (first as isize + shift).max(0) as usize;
        let new_start = if new_count == 0 {
            new_first
        } else {
            new_first + 1
        };
        out.push_str(&format!(
            "@@ -{old_start},{old_count} +{new_start},{new_count} @@\n{body}"
        ));
        shift += new_count as isize - old_count as isize;
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
