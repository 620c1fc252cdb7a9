//! xConfiguration text → records (nom 8). The grammar is `grammars/xconfiguration.ebnf`;
//! every production there is a function here.
//!
//! A capture is whatever an engineer saved from an SSH session: the echoed command,
//! banners and prompts, `*s` status and `*r` result blocks, the closing `OK`, CRLF line
//! ends, and records glued on one line by a web page. Records are found by their
//! `*c xConfiguration` prefix (the `*c` may be missing in text copied from a ticket);
//! every other line is skipped and counted, never an error. A line that starts like a
//! record but does not parse is a [`SyntaxError`] and the dump goes on.

use nom::bytes::complete::{tag_no_case, take_till1};
use nom::character::complete::{char, space0, space1};
use nom::combinator::{consumed, cut, map, opt, recognize, rest};
use nom::error::context;
use nom::multi::separated_list1;
use nom::sequence::terminated;
use nom::{Input as _, Parser};

use crate::source::Span;
use crate::syntax::lexical::{span_of, Failure, Input, PResult};
use crate::syntax::SyntaxError;

/// The marker of an encrypted value. What follows it is never kept.
pub const CIPHER: &str = "{cipher}";

/// The records of one dump and what was skipped around them.
#[derive(Clone, Debug, Default)]
pub struct Dump {
    pub records: Vec<Record>,
    pub skipped: Skipped,
    /// Lines that start like a record but do not parse.
    pub errors: Vec<SyntaxError>,
    /// A line only a video endpoint (CE/RoomOS) prints: `** end`.
    pub endpoint_end: Option<Span>,
}

/// Lines that are not records, by kind (blank lines are not counted).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Skipped {
    /// The command as echoed: `xConfiguration`, `xconfiguration Zones`, `xConfiguration ?`.
    pub echo: usize,
    /// `*s` status lines and the members of their blocks, up to `*s/end`.
    pub status: usize,
    /// `*r` result lines and the members of their blocks, up to `*r/end`.
    pub result: usize,
    /// The `OK` that closes a reply.
    pub ok: usize,
    /// `*c/end` and `** end`.
    pub end: usize,
    /// Banners, prompts and anything else.
    pub other: usize,
}

impl Skipped {
    pub fn total(&self) -> usize {
        self.echo + self.status + self.result + self.ok + self.end + self.other
    }
}

/// One `*c xConfiguration <Path>: <Value>` record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub path: KeyPath,
    pub value: Value,
    /// From `*c` (or `xConfiguration`) to the end of the value.
    pub span: Span,
}

/// The path of a record: its tokens as written. A token made only of digits indexes
/// the token before it (`Zone 7`, `Peer 1`); names can span tokens (`Collaboration Edge`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyPath {
    pub tokens: Vec<String>,
    pub span: Span,
}

impl KeyPath {
    /// Matches a pattern of space-separated words, compared case-insensitively, where
    /// `#` stands for an index token; gives the indices in order.
    ///
    /// `"Zones Zone # TraversalClient Peer # Address"` matches
    /// `Zones Zone 2 TraversalClient Peer 1 Address` with `[2, 1]`.
    pub fn capture(&self, pattern: &str) -> Option<Vec<u32>> {
        let words: Vec<&str> = pattern.split(' ').collect();
        if words.len() != self.tokens.len() {
            return None;
        }
        let mut indices = Vec::new();
        for (word, token) in words.iter().zip(&self.tokens) {
            if *word == "#" {
                indices.push(index(token)?);
            } else if !word.eq_ignore_ascii_case(token) {
                return None;
            }
        }
        Some(indices)
    }

    /// Whether the path is exactly this pattern (without `#`).
    pub fn is(&self, pattern: &str) -> bool {
        self.capture(pattern).is_some()
    }

    /// Whether the path starts with these words (compared case-insensitively).
    pub fn starts_with(&self, words: &str) -> bool {
        let words: Vec<&str> = words.split(' ').collect();
        words.len() <= self.tokens.len()
            && words
                .iter()
                .zip(&self.tokens)
                .all(|(w, t)| w.eq_ignore_ascii_case(t))
    }

    /// The path as one string, tokens separated by one space.
    pub fn text(&self) -> String {
        self.tokens.join(" ")
    }
}

/// A token made only of decimal digits, as an index.
fn index(token: &str) -> Option<u32> {
    if token.bytes().all(|b| b.is_ascii_digit()) {
        token.parse().ok()
    } else {
        None
    }
}

/// How a value was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// `"…"`: what an Expressway prints for every set value.
    Quoted,
    /// Unquoted text: input syntax copied from documentation, or a video endpoint.
    Bare,
    /// Nothing after the colon: not set.
    Empty,
    /// `"{cipher}…"`: an encrypted secret; only the marker is kept.
    Secret,
}

/// A record's value: the text between the first and the last `"` (no escaping exists).
#[derive(Clone, PartialEq, Eq)]
pub struct Value {
    /// Empty when not set; just `{cipher}` for a secret.
    pub text: String,
    pub form: Form,
    pub span: Span,
}

impl std::fmt::Debug for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // `text` never holds a secret, but say so plainly in debug output too.
        write!(f, "{:?} ({:?})", self.text, self.form)
    }
}

impl Value {
    /// The value when set (empty values are "not set").
    pub fn get(&self) -> Option<&str> {
        match self.form {
            Form::Empty => None,
            _ => Some(self.text.as_str()),
        }
    }
}

/// Parses a whole capture.
///
/// ```text
/// dump = *( line LF )     ; CR before LF dropped; a line splits before every "*c xConfiguration"
/// ```
pub fn dump(text: &str) -> Dump {
    let mut dump = Dump::default();
    let mut open_block: Option<&'static str> = None;
    let mut rest = Input::new(text);
    while !rest.fragment().is_empty() {
        let len = rest.fragment().find('\n').unwrap_or(rest.fragment().len());
        let (after, raw) = rest.take_split(len);
        rest = after.take_from(usize::from(!after.fragment().is_empty()));
        let line = raw.take(raw.fragment().trim_end_matches(['\r', ' ', '\t']).len());
        let starts = record_starts(line.fragment());
        if starts.is_empty() {
            if is_record_without_prefix(line.fragment()) {
                push_record(&mut dump, line);
            } else {
                skip(&mut dump, line, &mut open_block);
            }
            continue;
        }
        if !line.fragment()[..starts[0]].trim().is_empty() {
            dump.skipped.other += 1;
        }
        // Split from the front, one record at a time: each split then only looks at the
        // record it cuts off, so a line of many glued records stays linear.
        let mut rest = line.take_from(starts[0]);
        for (i, &start) in starts.iter().enumerate() {
            let end = starts.get(i + 1).copied().unwrap_or(line.fragment().len());
            let (after, fragment) = rest.take_split(end - start);
            rest = after;
            let trimmed = fragment.fragment().trim_end().len();
            push_record(&mut dump, fragment.take(trimmed));
        }
    }
    dump
}

/// Parses one record fragment into the dump, or records why it does not parse.
fn push_record(dump: &mut Dump, fragment: Input<'_>) {
    match record(fragment) {
        Ok((_, record)) => dump.records.push(record),
        Err(nom::Err::Error(failure) | nom::Err::Failure(failure)) => {
            dump.errors.push(record_error(fragment, &failure))
        }
        Err(nom::Err::Incomplete(_)) => dump.errors.push(record_error(
            fragment,
            &Failure {
                offset: fragment.location_offset() + fragment.fragment().len(),
                expected: None,
            },
        )),
    }
}

/// Counts a line that is not a record, by kind. `open_block` tracks a `*s`/`*r` block
/// whose indented members belong to it until its `*s/end` or `*r/end`.
fn skip(dump: &mut Dump, line: Input<'_>, open_block: &mut Option<&'static str>) {
    let text = line.fragment().trim();
    let lower = text.to_ascii_lowercase();
    let skipped = &mut dump.skipped;
    if text.is_empty() {
        return;
    }
    if lower == "** end" {
        dump.endpoint_end = Some(span_of(line));
        skipped.end += 1;
    } else if lower == "*c/end" {
        skipped.end += 1;
    } else if lower == "ok" {
        skipped.ok += 1;
    } else if let Some(kind) = ["*s", "*r"].into_iter().find(|k| lower.starts_with(k)) {
        *open_block = (!lower.ends_with("/end")).then_some(kind);
        count_block(skipped, kind);
    } else if let Some(kind) = *open_block {
        count_block(skipped, kind);
    } else if is_echo(&lower) {
        skipped.echo += 1;
    } else {
        skipped.other += 1;
    }
}

fn count_block(skipped: &mut Skipped, kind: &str) {
    match kind {
        "*s" => skipped.status += 1,
        _ => skipped.result += 1,
    }
}

/// The command itself, as echoed by the CLI or typed at a prompt (no `:`).
fn is_echo(lower: &str) -> bool {
    let command = lower.rsplit(['>', '$', '#']).next().unwrap_or(lower).trim();
    command.starts_with("xconfiguration") || command.starts_with("xconfig")
}

/// Where `*c xConfiguration` starts in a line, for each record on it (glued records).
fn record_starts(line: &str) -> Vec<usize> {
    let lower = line.to_ascii_lowercase();
    let mut starts = Vec::new();
    let mut from = 0;
    while let Some(at) = lower[from..].find("*c") {
        let start = from + at;
        let after = &lower[start + 2..];
        let blanks = after.len() - after.trim_start_matches([' ', '\t']).len();
        if blanks > 0 && after[blanks..].starts_with("xconfiguration") {
            starts.push(start);
        }
        from = start + 2;
    }
    starts
}

/// A record copied without its `*c`: `xConfiguration <Path>: <Value>`.
fn is_record_without_prefix(line: &str) -> bool {
    let lower = line.trim_start().to_ascii_lowercase();
    lower
        .strip_prefix("xconfiguration")
        .is_some_and(|r| r.starts_with([' ', '\t']) && r.contains(':'))
}

/// ```text
/// record = [ "*c" blanks ] "xConfiguration" blanks path ":" value
/// ```
pub fn record(input: Input<'_>) -> PResult<'_, Record> {
    let input = input.take_from(input.fragment().len() - input.fragment().trim_start().len());
    let start = input.location_offset();
    let (input, _) = opt(terminated(tag_no_case("*c"), space1)).parse(input)?;
    let (input, _) = context(
        "`xConfiguration`",
        terminated(tag_no_case("xConfiguration"), space1),
    )
    .parse(input)?;
    let (input, path) = cut(path).parse(input)?;
    let (input, colon) = cut(context("`:` after the path", recognize(char(':')))).parse(input)?;
    let (input, value) = cut(value).parse(input)?;
    let end = if value.form == Form::Empty {
        span_of(colon).end
    } else {
        value.span.end
    };
    Ok((
        input,
        Record {
            path,
            value,
            span: Span::new(start, end),
        },
    ))
}

/// ```text
/// path  = token *( blanks token ) [ blanks ]
/// token = 1*( any character but blank or ":" )
/// ```
pub fn path(input: Input<'_>) -> PResult<'_, KeyPath> {
    let token = take_till1(|c: char| c == ' ' || c == '\t' || c == ':');
    context(
        "a path",
        map(
            terminated(consumed(separated_list1(space1, token)), space0),
            |(text, tokens): (Input<'_>, Vec<Input<'_>>)| KeyPath {
                tokens: tokens.iter().map(|t| t.fragment().to_string()).collect(),
                span: span_of(text),
            },
        ),
    )
    .parse(input)
}

/// ```text
/// value  = blanks? ( quoted | bare | empty )
/// quoted = '"' any '"'        ; the text between the first and the last '"'
/// bare   = 1*( any character ) ; input syntax, or a video endpoint
/// empty  = ""                  ; not set
/// ```
pub fn value(input: Input<'_>) -> PResult<'_, Value> {
    let (input, _) = space0(input)?;
    let (after, text) = rest(input)?;
    let raw = text.fragment().trim_end();
    let span = Span::new(text.location_offset(), text.location_offset() + raw.len());
    if raw.is_empty() {
        return Ok((
            after,
            Value {
                text: String::new(),
                form: Form::Empty,
                span,
            },
        ));
    }
    let Some(quoted) = raw.strip_prefix('"') else {
        return Ok((after, secret_or(raw, Form::Bare, span)));
    };
    match quoted.rfind('"') {
        Some(close) => Ok((after, secret_or(&quoted[..close], Form::Quoted, span))),
        None => Err(nom::Err::Failure(Failure {
            offset: span.end,
            expected: Some("a closing `\"`"),
        })),
    }
}

/// A value, unless it is a secret: then only the `{cipher}` marker is kept.
fn secret_or(text: &str, form: Form, span: Span) -> Value {
    if text
        .get(..CIPHER.len())
        .is_some_and(|marker| marker.eq_ignore_ascii_case(CIPHER))
    {
        Value {
            text: CIPHER.to_string(),
            form: Form::Secret,
            span,
        }
    } else {
        Value {
            text: text.to_string(),
            form,
            span,
        }
    }
}

/// A syntax error for a record that does not parse, at the place parsing stopped.
fn record_error(fragment: Input<'_>, failure: &Failure) -> SyntaxError {
    let start = fragment.location_offset();
    let end = start + fragment.fragment().len();
    let at = failure.offset.clamp(start, end);
    let expected = failure.expected.unwrap_or("a record");
    let message = if at >= end {
        format!("incomplete xConfiguration record: expected {expected}")
    } else {
        format!("malformed xConfiguration record: expected {expected}")
    };
    SyntaxError {
        span: Span::new(start.min(at), end),
        message,
    }
}

/// The text with every secret masked (each `{cipher}` value in any case, and the value
/// of every field that names a password, secret or key), byte for byte, so that no
/// report that quotes the file can show a secret and every position stays the same.
pub fn redact_secrets(text: &str) -> String {
    crate::secrets::mask_dump(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(line: &str) -> Record {
        let dump = dump(line);
        assert!(dump.errors.is_empty(), "{:?}", dump.errors);
        assert_eq!(dump.records.len(), 1, "{dump:?}");
        dump.records[0].clone()
    }

    #[test]
    fn a_quoted_record() {
        let text = "*c xConfiguration Zones Zone 1 TraversalServer SIP Port: \"7003\"\n";
        let r = one(text);
        assert_eq!(
            r.path.capture("Zones Zone # TraversalServer SIP Port"),
            Some(vec![1])
        );
        assert_eq!(r.value.get(), Some("7003"));
        assert_eq!(&text[r.value.span.start..r.value.span.end], "\"7003\"");
        assert_eq!(
            &text[r.path.span.start..r.path.span.end],
            "Zones Zone 1 TraversalServer SIP Port"
        );
        assert_eq!(&text[r.span.start..r.span.end], text.trim_end());
    }

    #[test]
    fn an_empty_value_is_not_set() {
        let r = one("*c xConfiguration TraversalClient Peer 2 Address: \t \n");
        assert_eq!(r.value.form, Form::Empty);
        assert_eq!(r.value.get(), None);
    }

    #[test]
    fn values_may_hold_colons_spaces_and_quotes() {
        let r = one("*c xConfiguration Ethernet 1 IP V6 Address: \"2001:db8::2\"");
        assert_eq!(r.value.text, "2001:db8::2");
        let r = one("*c xConfiguration Policy: \"<a b='c'> \"x\" {d}\"");
        assert_eq!(r.value.text, "<a b='c'> \"x\" {d}");
    }

    #[test]
    fn digit_tokens_index_and_names_do_not() {
        let r = one("*c xConfiguration Zones Zone 12 H323 Mode: \"Off\"");
        assert_eq!(r.path.capture("Zones Zone # H323 Mode"), Some(vec![12]));
        assert_eq!(r.path.capture("Zones Zone # # Mode"), None);
        assert!(r.path.is("zones zone 12 h323 mode"));
        assert!(r.path.starts_with("ZONES zone"));
    }

    #[test]
    fn glued_records_crlf_banners_and_ok() {
        let text = "Welcome to expe\r\nadmin@expe> xConfiguration\r\n*c xConfiguration IP DNS Hostname: \"expe\" *c xConfiguration Zones Zone 6 Name: \"Hybrid\" *c xConfiguration Zones Zone 6 Type: \"TraversalServer\"\r\n*s SystemUnit:\r\n    Name: \"expe\"\r\n*s/end\r\n*r Result (status=OK):\r\n*r/end\r\n\r\nOK\r\n";
        let dump = dump(text);
        assert!(dump.errors.is_empty(), "{:?}", dump.errors);
        let paths: Vec<String> = dump.records.iter().map(|r| r.path.text()).collect();
        assert_eq!(
            paths,
            ["IP DNS Hostname", "Zones Zone 6 Name", "Zones Zone 6 Type"]
        );
        let values: Vec<&str> = dump.records.iter().map(|r| r.value.text.as_str()).collect();
        assert_eq!(values, ["expe", "Hybrid", "TraversalServer"]);
        for r in &dump.records {
            let span = &text[r.value.span.start..r.value.span.end];
            assert!(span.starts_with('"') && span.ends_with('"'), "{span:?}");
        }
        assert_eq!(
            dump.skipped,
            Skipped {
                echo: 1,
                status: 3,
                result: 2,
                ok: 1,
                end: 0,
                other: 1,
            }
        );
    }

    #[test]
    fn records_without_the_prefix_and_in_any_case() {
        let dump = dump(
            "XCONFIGURATION ip dns hostname: \"expe\"\n*C xconfiguration SystemUnit Name: \"e\"\n",
        );
        assert_eq!(dump.records.len(), 2);
        assert!(dump.records[0].path.is("IP DNS Hostname"));
    }

    #[test]
    fn secrets_are_never_kept() {
        let text = "*c xConfiguration Zones Zone 2 TraversalClient Authentication Password: \"{cipher}bWFzdGVy+/=\"\n";
        let r = one(text);
        assert_eq!(r.value.form, Form::Secret);
        assert_eq!(r.value.text, "{cipher}");
        assert!(!format!("{r:?}").contains("bWFz"));
        let redacted = redact_secrets(text);
        assert_eq!(redacted.len(), text.len());
        assert!(!redacted.contains("bWFz"), "{redacted}");
        assert!(redacted.contains("\"{cipher}***********\""), "{redacted}");
    }

    #[test]
    fn a_malformed_record_is_an_error_and_parsing_goes_on() {
        let text = "*c xConfiguration Zones Zone 1 Name \"x\"\n*c xConfiguration IP Gateway: \"10.0.10.1\n*c xConfiguration SystemUnit Name: \"e\"\n";
        let dump = dump(text);
        assert_eq!(dump.records.len(), 1);
        assert_eq!(dump.errors.len(), 2, "{:?}", dump.errors);
        assert!(dump.errors[0].message.contains("`:`"), "{:?}", dump.errors);
        assert!(
            dump.errors[1].message.contains("closing"),
            "{:?}",
            dump.errors
        );
    }

    #[test]
    fn unquoted_values_and_the_endpoint_end() {
        let dump = dump("*c xConfiguration Conference AutoAnswer Mode: Off\n** end\n");
        assert_eq!(dump.records[0].value.form, Form::Bare);
        assert_eq!(dump.records[0].value.text, "Off");
        assert!(dump.endpoint_end.is_some());
    }

    #[test]
    fn a_long_line_of_glued_records() {
        let line = "*c xConfiguration Zones Zone 9 Name: \"x\" ".repeat(100_000);
        let dump = dump(&line);
        assert_eq!(dump.records.len(), 100_000);
        assert_eq!(dump.records[99_999].value.text, "x");
    }

    #[test]
    fn nothing_panics_on_odd_input() {
        for text in [
            "",
            "*c",
            "*c xConfiguration",
            "*c xConfiguration :",
            "*c xConfiguration a:\"",
            "\"\"\"",
            "*c xConfiguration é: \"ü\"",
            "*c  xConfiguration\t a 1 :  x  ",
        ] {
            let _ = dump(text);
        }
        let d = dump("*c xConfiguration : \"x\"");
        assert_eq!(d.errors.len(), 1);
    }
}
