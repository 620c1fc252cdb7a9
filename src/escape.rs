//! One escaping function per output context. Every piece of input text (names, tokens,
//! config lines, messages built from them) reaches an output through one of these, so a
//! pull request cannot forge a log line, an annotation, a terminal escape sequence or
//! markup in the review comment. (Mermaid labels: `report::markdown::mermaid_text`.)

use std::borrow::Cow;
use std::fmt::Write;

/// Whether a character would act on a terminal, a log or a parser instead of being
/// shown: C0 controls, DEL, C1 controls, and the bidirectional overrides that make text
/// read differently from how it is stored.
pub fn is_hazard(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The visible spelling of a hazardous character: `\r`, `\x1b`, `\u{202e}`.
fn visible(c: char, out: &mut String) {
    match c {
        '\r' => out.push_str("\\r"),
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        c if (c as u32) < 0x80 => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
}

/// Text with every hazardous character but those in `keep` shown as an escape.
fn controls_visible<'a>(text: &'a str, keep: &[char]) -> Cow<'a, str> {
    if !text.chars().any(|c| is_hazard(c) && !keep.contains(&c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_hazard(c) && !keep.contains(&c) {
            visible(c, &mut out);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// For a terminal or a CI log (human output): line breaks and tabs kept, every other
/// control character (a CR that would start a fake log line, an ESC that would start an
/// ANSI or OSC 8 sequence) shown as `\r`, `\x1b`.
pub fn terminal(text: &str) -> Cow<'_, str> {
    controls_visible(text, &['\n', '\t'])
}

/// One line for a terminal: a line break shows as `\n` too.
pub fn terminal_line(text: &str) -> Cow<'_, str> {
    controls_visible(text, &['\t'])
}

/// A whole rendered report for a terminal. With colour on, the escape sequences are the
/// renderer's own: input text had its ESC characters replaced before rendering
/// ([`terminal`] on every message, [`snippet_source`] on the quoted lines).
pub fn terminal_report(text: &str, color: bool) -> Cow<'_, str> {
    if color {
        controls_visible(text, &['\n', '\t', '\x1b'])
    } else {
        terminal(text)
    }
}

/// Source text for a snippet, byte for byte as long as the file so that spans stay
/// valid: each control character that is not a tab or a line break (a CR before LF is a
/// line ending) becomes the one-byte SUB character, shown as `\x1a` by
/// [`terminal_report`]. A lone CR must not start a line that the other outputs do not
/// count, and an ESC must not reach the renderer, which cannot tell it from its own.
pub fn snippet_source(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let hazard_at = |i: usize| {
        let b = bytes[i];
        (b < 0x20 && b != b'\n' && b != b'\t' && !(b == b'\r' && bytes.get(i + 1) == Some(&b'\n')))
            || b == 0x7f
    };
    if !(0..bytes.len()).any(hazard_at) {
        return Cow::Borrowed(text);
    }
    let out: Vec<u8> = (0..bytes.len())
        .map(|i| if hazard_at(i) { 0x1a } else { bytes[i] })
        .collect();
    // Only ASCII bytes were replaced by an ASCII byte: still UTF-8.
    Cow::Owned(String::from_utf8(out).unwrap_or_else(|_| text.to_owned()))
}

/// The message of a GitHub workflow command (`::error …::message`): controls visible,
/// then `%`, CR and LF encoded as the runner requires, so a line break in the message
/// stays inside the annotation and nothing can start a command of its own.
pub fn github_data(text: &str) -> String {
    controls_visible(text, &['\n'])
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property of a GitHub workflow command (`file=`, `title=`): also `:` and `,`.
pub fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Plain text in Markdown (a paragraph, a list item, a table cell): every character
/// that could open markup that hides or fakes content (a heading, a block quote, HTML
/// or a comment, a link or an image, a code span, emphasis, a table column) is escaped
/// with a backslash or an entity, and line breaks become spaces, so the text stays in
/// its paragraph or cell.
pub fn markdown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '[' | ']' | '#' | '|' => {
                out.push('\\');
                out.push(c);
            }
            c if is_hazard(c) => visible(c, &mut out),
            c => out.push(c),
        }
    }
    out
}

/// A message (ours, quoting input names in backticks) as Markdown: each backtick-quoted
/// part becomes a code span that its content cannot close ([`markdown_code`]), every
/// other part is escaped text ([`markdown_text`]). A backtick inside a name can only
/// move where a code span starts or ends: whatever lands outside one is escaped, so no
/// pairing opens markup.
pub fn markdown_message(text: &str) -> String {
    let parts: Vec<&str> = text.split('`').collect();
    let paired = parts.len() % 2 == 1;
    let mut out = String::with_capacity(text.len() + 8);
    for (i, part) in parts.iter().enumerate() {
        let unpaired_tail = !paired && i == parts.len() - 1;
        if unpaired_tail {
            out.push_str("\\`");
            out.push_str(&markdown_text(part));
        } else if i % 2 == 1 {
            // An empty pair of backticks would be a fence of its own.
            if !part.is_empty() {
                out.push_str(&markdown_code(part));
            }
        } else {
            out.push_str(&markdown_text(part));
        }
    }
    out
}

/// The longest run of backticks in a text.
fn longest_backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// An inline code span that nothing inside can close: its fence is one backtick longer
/// than the longest run inside, with a space of padding when the text touches a
/// backtick. Control characters and line breaks are shown as escapes (a blank line
/// would end the paragraph). In a table, also escape `|` ([`markdown_cell`]).
pub fn markdown_code(text: &str) -> String {
    let shown = controls_visible(text, &[]);
    let fence = "`".repeat(longest_backtick_run(&shown) + 1);
    let pad = if shown.starts_with('`') || shown.ends_with('`') || shown.starts_with(' ') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{shown}{pad}{fence}")
}

/// Markdown for a table cell: GitHub splits cells on `|` even inside a code span.
pub fn markdown_cell(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut escaped = false;
    for c in markdown.chars() {
        if c == '|' && !escaped {
            out.push('\\');
        }
        escaped = c == '\\' && !escaped;
        out.push(c);
    }
    out
}

/// A fenced code block (```` ```text ````) whose fence is longer than any backtick run
/// inside, so the text cannot close it and continue as Markdown. Controls but line
/// breaks and tabs are shown as escapes.
pub fn markdown_block(info: &str, text: &str) -> String {
    let shown = controls_visible(text, &['\n', '\t']);
    let fence = "`".repeat((longest_backtick_run(&shown) + 1).max(3));
    format!("{fence}{info}\n{}\n{fence}\n", shown.trim_end_matches('\n'))
}

/// A finding whose texts (message, labels, help, notes) are safe for a terminal.
pub fn terminal_finding(finding: &crate::finding::Finding) -> crate::finding::Finding {
    let mut safe = finding.clone();
    let clean = |text: &mut String| {
        if let Cow::Owned(shown) = terminal(text) {
            *text = shown;
        }
    };
    clean(&mut safe.message);
    clean(&mut safe.primary.label);
    safe.related.iter_mut().for_each(|r| clean(&mut r.label));
    safe.notes.iter_mut().for_each(clean);
    if let Some(help) = &mut safe.help {
        clean(help);
    }
    safe
}

/// A name from a deployment or a dump is usable only without control characters.
pub fn has_control(text: &str) -> bool {
    text.chars().any(is_hazard)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_text_shows_controls() {
        assert_eq!(terminal("a\rb\x1b[31mc\td\ne"), "a\\rb\\x1b[31mc\td\ne");
        assert_eq!(terminal("\u{9b}x\u{202e}"), "\\u{9b}x\\u{202e}");
        assert_eq!(terminal_line("a\nb"), "a\\nb");
        assert!(matches!(terminal("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn colour_keeps_only_the_renderers_escapes() {
        assert_eq!(terminal_report("\x1b[1mA\x1a\r", true), "\x1b[1mA\\x1a\\r");
        assert_eq!(terminal_report("\x1b[1mA", false), "\\x1b[1mA");
    }

    #[test]
    fn snippet_source_keeps_every_offset() {
        let text = "a\rb\r\nc\x1b]8;;http://x\x07d\n";
        let shown = snippet_source(text);
        assert_eq!(shown.len(), text.len());
        assert_eq!(shown, "a\x1ab\r\nc\x1a]8;;http://x\x1ad\n");
    }

    #[test]
    fn github_commands_cannot_be_forged() {
        let forged = "x\r::error file=deployment.yaml,line=1::rotate your token";
        let data = github_data(forged);
        assert!(!data.contains('\r') && !data.contains('\n'), "{data}");
        assert!(github_data("\x1b]8;;u\x07").starts_with("\\x1b"));
        assert_eq!(github_property("a:b,c"), "a%3Ab%2Cc");
    }

    #[test]
    fn markdown_cannot_open_markup() {
        let hostile = "x\n## passes\n![i](http://e/x.png) <!-- [l](u) <b>";
        let text = markdown_text(hostile);
        for opener in ["\n", "<!", "<b", "##"] {
            assert!(!text.contains(opener), "{opener}: {text}");
        }
        let unescaped_bracket = text
            .match_indices(['[', ']'])
            .any(|(i, _)| !text[..i].ends_with('\\'));
        assert!(!unescaped_bracket, "{text}");
    }

    #[test]
    fn messages_keep_their_code_spans_and_nothing_else() {
        assert_eq!(
            markdown_message("object `A|B` is not defined"),
            "object `A|B` is not defined"
        );
        let forged = markdown_message("object `x`<img src=x>`y` and `z");
        assert!(!forged.contains("<img"), "{forged}");
        assert!(forged.ends_with("\\`z"), "{forged}");
    }

    #[test]
    fn code_spans_outlast_backticks_inside() {
        assert_eq!(markdown_code("a"), "`a`");
        assert_eq!(markdown_code("``<b>x</b>"), "``` ``<b>x</b> ```");
        assert_eq!(markdown_code("a\nc"), "`a\\nc`");
        assert_eq!(markdown_cell(&markdown_code("a|b")), "`a\\|b`");
        assert_eq!(markdown_cell(&markdown_text("a|b")), "a\\|b");
        let block = markdown_block("text", "x\n```\n# y");
        assert!(
            block.starts_with("````text\n") && block.ends_with("\n````\n"),
            "{block}"
        );
    }
}
