//! `mralint fix`, `check --fix-diff` and `check --format packet-tracer` on configs a pull
//! request's author wrote to break them: line breaks that mix CRLF and LF, a last line
//! without a break, secrets beside the edited line, control characters in names and
//! comments. The file on disk keeps every byte outside the edit, the diff applies and
//! shows no secret, and nothing printed acts on a terminal or on the firewall's CLI.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SAMPLE: &str = "mra-single-nic-source-translated";
const NAT_LINE: &str =
    "nat (inside,dmz) source dynamic INSIDE-NET EXPE-PUBLIC destination static EXPE-PUBLIC EXPE";
const TIMEOUT_LINE: &str =
    "timeout conn 1:00:00 half-closed 0:10:00 udp 0:02:00 sctp 0:02:00 icmp 0:00:02";
/// The timeout line once the MRA011 fix is written.
const TIMEOUT_FIXED: &str =
    "timeout conn 2:00:00 half-closed 0:10:00 udp 0:02:00 sctp 0:02:00 icmp 0:00:02";

fn sample_config() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("samples")
            .join(SAMPLE)
            .join("asa.cfg"),
    )
    .unwrap()
}

/// A new folder holding the sample's deployment, and no config yet.
fn folder_with_deployment(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("samples")
            .join(SAMPLE)
            .join("deployment.yaml"),
        dir.join("deployment.yaml"),
    )
    .unwrap();
    dir
}

/// A folder holding the sample's deployment and `config` as its `asa.cfg`.
fn project_with(name: &str, config: &[u8]) -> PathBuf {
    let dir = folder_with_deployment(name);
    std::fs::write(dir.join("asa.cfg"), config).unwrap();
    dir
}

use common::mralint_in as mralint;

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The sample's config with `extra` lines after the line `after`.
fn with_lines_after(after: &str, extra: &[&str]) -> String {
    let mut out = String::new();
    for line in sample_config().lines() {
        out.push_str(line);
        out.push('\n');
        if line == after {
            for e in extra {
                out.push_str(e);
                out.push('\n');
            }
        }
    }
    out
}

#[test]
fn fix_write_keeps_mixed_line_breaks_byte_for_byte() {
    // The first line ends with LF, every other with CRLF (a config pasted together from
    // two captures).
    let text = sample_config();
    let mut lines = text.lines();
    let mut config = format!("{}\n", lines.next().unwrap());
    for line in lines {
        config.push_str(line);
        config.push_str("\r\n");
    }
    let dir = project_with("fix-hostile-mixed-breaks", config.as_bytes());
    let output = mralint(&dir, &["fix", "--write", "."]);
    assert!(
        stdout(&output).contains("written to asa.cfg"),
        "{}",
        stdout(&output)
    );
    let written = std::fs::read(dir.join("asa.cfg")).unwrap();
    // Both fixes, each line keeping its own break.
    let expected = config
        .replace(
            &format!("{NAT_LINE}\r\n"),
            "nat (inside,dmz) source static INSIDE-NET INSIDE-NET destination static EXPE-PUBLIC EXPE\r\n",
        )
        .replace(&format!("{TIMEOUT_LINE}\r\n"), &format!("{TIMEOUT_FIXED}\r\n"));
    assert_eq!(String::from_utf8(written).unwrap(), expected);
}

#[test]
fn the_diff_of_a_crlf_config_keeps_its_line_breaks() {
    let config = sample_config().replace('\n', "\r\n");
    let dir = project_with("fix-hostile-crlf-diff", config.as_bytes());
    let diff = stdout(&mralint(&dir, &["check", ".", "--fix-diff"]));
    assert!(diff.contains(&format!("\n-{NAT_LINE}\r\n")), "{diff:?}");
    assert!(diff.contains("\n+nat (inside,dmz) source static INSIDE-NET INSIDE-NET destination static EXPE-PUBLIC EXPE\r\n"), "{diff:?}");
    assert!(diff.contains("\n !\r\n"), "{diff:?}");
    // `fix` shows it on a terminal without a `\r` on every line.
    let shown = stdout(&mralint(&dir, &["fix", "."]));
    assert!(!shown.contains("\\r"), "{shown}");
}

#[test]
fn a_last_line_without_a_break_is_marked_in_the_diff_and_stays_so() {
    let text = sample_config();
    let mut config: String = text
        .lines()
        .filter(|l| *l != TIMEOUT_LINE)
        .map(|l| format!("{l}\n"))
        .collect();
    config.push_str(TIMEOUT_LINE);
    let dir = project_with("fix-hostile-no-final-break", config.as_bytes());
    let diff = stdout(&mralint(&dir, &["check", ".", "--fix-diff"]));
    assert!(
        diff.contains(&format!(
            "-{TIMEOUT_LINE}\n\\ No newline at end of file\n+timeout conn 2:00:00 half-closed 0:10:00 udp 0:02:00 sctp 0:02:00 icmp 0:00:02\n\\ No newline at end of file\n"
        )),
        "{diff}"
    );
    mralint(&dir, &["fix", "--write", "."]);
    let written = std::fs::read_to_string(dir.join("asa.cfg")).unwrap();
    assert!(
        written.ends_with(
            "\ntimeout conn 2:00:00 half-closed 0:10:00 udp 0:02:00 sctp 0:02:00 icmp 0:00:02"
        ),
        "{written}"
    );
}

const SECRETS: [&str; 4] = [
    "EnableSecret1",
    "UserSecret2",
    "IsakmpSecret3",
    "SnmpSecret4",
];

/// The sample with a secret on each side of both lines its fixes edit.
fn config_with_secrets() -> String {
    let before_nat = with_lines_after(
        "! It also hides the inside network behind E's public address: TAC 212347.",
        &["enable password EnableSecret1 encrypted"],
    );
    let mut out = String::new();
    for line in before_nat.lines() {
        if line == TIMEOUT_LINE {
            out.push_str("crypto isakmp key IsakmpSecret3 address 0.0.0.0\n");
            out.push_str(line);
            out.push_str("\nusername admin password UserSecret2 privilege 15\n");
            continue;
        }
        out.push_str(line);
        out.push('\n');
        if line == NAT_LINE {
            out.push_str("snmp-server community SnmpSecret4\n");
        }
    }
    out
}

#[test]
fn no_secret_and_no_masked_line_reaches_the_fix_outputs() {
    let dir = project_with(
        "fix-hostile-secrets-shown",
        config_with_secrets().as_bytes(),
    );
    for args in [
        &["fix", "."][..],
        &["check", ".", "--fix-diff"],
        &["check", ".", "--format", "json"],
        &["check", ".", "--format", "sarif"],
        &["check", ".", "--format", "markdown"],
    ] {
        let text = stdout(&mralint(&dir, args));
        for secret in SECRETS {
            assert!(!text.contains(secret), "{args:?}: {text}");
        }
        if args.contains(&"--fix-diff") {
            // A masked line in the context would not match the file: the diff would
            // not apply.
            assert!(!text.contains('*'), "{text}");
            assert!(text.contains("\n+timeout conn 2:00:00"), "{text}");
        }
    }
}

#[test]
fn fix_write_keeps_the_real_secrets_beside_the_edit() {
    let config = config_with_secrets();
    let dir = project_with("fix-hostile-secrets-written", config.as_bytes());
    mralint(&dir, &["fix", "--write", "."]);
    mralint(&dir, &["fix", "--write", "."]);
    let written = std::fs::read_to_string(dir.join("asa.cfg")).unwrap();
    let expected = config
        .replace(
            NAT_LINE,
            "nat (inside,dmz) source static INSIDE-NET INSIDE-NET destination static EXPE-PUBLIC EXPE",
        )
        .replace("timeout conn 1:00:00 ", "timeout conn 2:00:00 ");
    assert_eq!(written, expected);
}

#[cfg(unix)]
#[test]
fn the_diff_with_secrets_beside_the_edit_applies_with_patch() {
    let Ok(probe) = Command::new("patch").arg("--version").output() else {
        return; // no `patch` on this machine: the test above checks the diff's text
    };
    assert!(probe.status.success());
    let config = config_with_secrets();
    let dir = project_with("fix-hostile-secrets-patch", config.as_bytes());
    let diff = mralint(&dir, &["check", ".", "--fix-diff"]).stdout;
    let mut patch = Command::new("patch")
        .args(["-p1", "--forward", "--no-backup-if-mismatch", "-F", "0"])
        .current_dir(&dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    patch.stdin.take().unwrap().write_all(&diff).unwrap();
    let applied = patch.wait_with_output().unwrap();
    assert!(applied.status.success(), "{}", stdout(&applied));
    let written = std::fs::read_to_string(dir.join("asa.cfg")).unwrap();
    assert!(written.contains("\ntimeout conn 2:00:00 half-closed"));
    for secret in SECRETS {
        assert!(written.contains(secret));
    }
}

#[test]
fn terminal_escapes_in_comments_beside_the_edit_do_not_reach_the_diff() {
    let config = with_lines_after(
        "! It also hides the inside network behind E's public address: TAC 212347.",
        &["! \x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\ \x1b[2J\r"],
    );
    let dir = project_with("fix-hostile-escapes", config.as_bytes());
    for args in [&["check", ".", "--fix-diff"][..], &["fix", "."]] {
        let text = stdout(&mralint(&dir, args));
        assert!(text.contains("\n+nat (inside,dmz) source static"), "{text}");
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "{args:?}: {text:?}"
        );
    }
}

#[test]
fn a_control_character_in_an_interface_name_never_reaches_the_cli_paste() {
    // Ctrl-Z leaves configuration mode and Ctrl-U erases the line typed so far.
    let config = sample_config()
        .replace(" nameif inside\n", " nameif inside\x1a\x15\n")
        .replace("(inside,", "(inside\x1a\x15,")
        .replace(" inside\n", " inside\x1a\x15\n");
    let dir = project_with("fix-hostile-nameif", config.as_bytes());
    let listing = stdout(&mralint(&dir, &["check", ".", "--format", "packet-tracer"]));
    assert!(listing.contains("packet-tracer input outside"), "{listing}");
    for line in listing.lines() {
        assert!(
            line.chars().all(|c| c.is_ascii_graphic() || c == ' '),
            "{line:?}"
        );
        assert!(
            line.starts_with('!')
                || line.starts_with("packet-tracer input outside ")
                || line.starts_with("packet-tracer input dmz "),
            "{line}"
        );
    }
    assert!(listing.contains("! not typeable, the interface name holds characters the CLI would act on: packet-tracer input inside\\x1a\\x15 tcp"), "{listing}");
}

/// A copy of the sample `name` with `edit` applied to its file `file`.
fn sample_copy_with(
    sample: &str,
    name: &str,
    file: &str,
    edit: impl Fn(&str) -> String,
) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(sample);
    for entry in std::fs::read_dir(&source).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    std::fs::write(dir.join(file), edit(&text)).unwrap();
    dir
}

#[test]
fn a_fix_whose_cli_lines_hold_a_control_character_is_not_offered() {
    // The access list the fix adds an entry to is named with a Ctrl-Z in it.
    let dir = sample_copy_with(
        "mra-dual-nic-ssh-blocked",
        "fix-hostile-acl-name",
        "asa-inside.cfg",
        |text| text.replace("INSIDE_in", "INSIDE\x1a_in"),
    );
    let output = mralint(&dir, &["fix", "."]);
    let text = stdout(&output);
    assert!(
        text.contains("no safe automatic fix: ")
            && text.contains("characters the CLI would act on"),
        "{text}"
    );
    assert!(text.contains("0 verified fix(es)"), "{text}");
    assert_eq!(output.status.code(), Some(1));
    let json = stdout(&mralint(&dir, &["check", ".", "--format", "json"]));
    assert!(!json.contains("\"fix\""), "{json}");
    assert!(!json.contains("\\u001a line"), "{json}");
}

#[cfg(unix)]
#[test]
fn fix_on_a_config_it_cannot_read_says_so_and_fails() {
    let dir = folder_with_deployment("fix-hostile-fifo");
    let made = Command::new("mkfifo")
        .arg(dir.join("asa.cfg"))
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        return; // no mkfifo here: nothing to test
    }
    let output = mralint(&dir, &["fix", "--write", "."]);
    let text = stdout(&output);
    assert!(text.contains("DEP001 deployment.yaml:"), "{text}");
    assert!(
        text.contains("nothing proven: mralint could not read or use this input"),
        "{text}"
    );
    assert!(
        text.contains(", 1 input(s) not read or not usable"),
        "{text}"
    );
    assert_eq!(output.status.code(), Some(1));
}

#[cfg(unix)]
#[test]
fn fix_write_never_writes_through_a_linked_folder_out_of_the_root() {
    let base = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fix-hostile-linked-folder");
    let _ = std::fs::remove_dir_all(&base);
    let outside = sample_copy_with(
        SAMPLE,
        "fix-hostile-linked-folder/outside",
        "asa.cfg",
        str::to_owned,
    );
    let project = base.join("project");
    std::fs::create_dir_all(project.join(".git")).unwrap();
    std::os::unix::fs::symlink(&outside, project.join("site")).unwrap();
    let before = std::fs::read(outside.join("asa.cfg")).unwrap();
    let output = mralint(&project, &["fix", "--write", "site"]);
    let text = stdout(&output);
    assert!(text.contains("INP001"), "{text}");
    assert!(text.contains("0 fix(es) written"), "{text}");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(std::fs::read(outside.join("asa.cfg")).unwrap(), before);
}

#[test]
fn a_diff_of_a_config_given_by_absolute_path_names_it_from_the_working_directory() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let absolute = root.join("samples/mra-dual-nic-ssh-blocked");
    let diff = stdout(&mralint(
        root,
        &["check", absolute.to_str().unwrap(), "--fix-diff"],
    ));
    let expected =
        std::fs::read_to_string(root.join("samples/mra-dual-nic-ssh-blocked/expect-fix")).unwrap();
    assert_eq!(diff, expected);
}

#[test]
fn fix_write_keeps_a_latin1_config_latin1() {
    // An interface description in Latin-1 (`é` as the single byte 0xE9), far from the edit.
    let mut config = sample_config()
        .replace(
            " nameif dmz\n",
            " description R\u{e9}seau DMZ\n nameif dmz\n",
        )
        .into_bytes();
    let at = config.windows(2).position(|w| w == "é".as_bytes()).unwrap();
    config.splice(at..at + 2, [0xe9]);
    assert!(std::str::from_utf8(&config).is_err());
    let dir = project_with("fix-hostile-latin1", &config);
    let output = mralint(&dir, &["fix", "--write", "."]);
    assert!(
        stdout(&output).contains("written to asa.cfg"),
        "{}",
        stdout(&output)
    );
    let written = std::fs::read(dir.join("asa.cfg")).unwrap();
    let expected: Vec<u8> = String::from_utf8_lossy(&config)
        .replace(
            NAT_LINE,
            "nat (inside,dmz) source static INSIDE-NET INSIDE-NET destination static EXPE-PUBLIC EXPE",
        )
        .replace(TIMEOUT_LINE, TIMEOUT_FIXED)
        .chars()
        .map(|c| if c == '\u{fffd}' { 0xe9 } else { c as u8 })
        .collect();
    assert_eq!(written, expected);
}
