//! Hostile and broken input: each case writes its files into a scratch folder, runs
//! mralint, and states the exit code, a text the output must hold (the message, and where
//! a span applies its `file:line:column`), and that nothing panicked.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Case {
    name: &'static str,
    files: Vec<(&'static str, Vec<u8>)>,
    args: Vec<String>,
    stdin: Option<Vec<u8>>,
    exit: i32,
    expect: Vec<String>,
}

fn case(
    name: &'static str,
    files: Vec<(&'static str, Vec<u8>)>,
    args: &[&str],
    exit: i32,
    expect: &[&str],
) -> Case {
    Case {
        name,
        files,
        args: args.iter().map(|a| a.to_string()).collect(),
        stdin: None,
        exit,
        expect: expect.iter().map(|e| e.to_string()).collect(),
    }
}

fn sample(name: &str, file: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("samples")
            .join(name)
            .join(file),
    )
    .unwrap()
}

fn text(s: &str) -> Vec<u8> {
    s.as_bytes().to_vec()
}

const DUAL: &str = "mra-dual-nic-ok";

fn dual_with(deployment: impl Fn(String) -> String) -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("asa-inside.cfg", sample(DUAL, "asa-inside.cfg")),
        ("asa-outside.cfg", sample(DUAL, "asa-outside.cfg")),
        (
            "deployment.yaml",
            text(&deployment(
                String::from_utf8(sample(DUAL, "deployment.yaml")).unwrap(),
            )),
        ),
    ]
}

const DUMPS: &str = "xconfig-dual-nic-ok";

/// The dump-only dual-NIC sample, with E's dump edited.
fn dumps_with(e: impl Fn(Vec<u8>) -> Vec<u8>) -> Vec<(&'static str, Vec<u8>)> {
    [
        "asa-inside.cfg",
        "asa-outside.cfg",
        "deployment.yaml",
        "expc1.txt",
    ]
    .into_iter()
    .map(|f| (f, sample(DUMPS, f)))
    .chain([("expe1.txt", e(sample(DUMPS, "expe1.txt")))])
    .collect()
}

fn edit_text(bytes: Vec<u8>, from: &str, to: &str) -> Vec<u8> {
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains(from), "{from}");
    text.replace(from, to).into_bytes()
}

fn cases() -> Vec<Case> {
    let deep_groups: String = (0..5000)
        .map(|i| format!("object-group network G{i}\n group-object G{}\n", i + 1))
        .collect::<String>()
        + "object-group network G5000\n network-object host 10.0.0.1\naccess-list A extended permit ip object-group G0 any\n";
    let cyclic = "object-group network A\n group-object B\nobject-group network B\n group-object A\naccess-list X extended permit ip object-group A any\n";
    // A million lines of a command mralint ignores (the benchmark measures parsing speed).
    let million: String =
        "ntp server 192.0.2.1\n".repeat(1_000_000) + "access-group MISSING in interface inside\n";
    let bomb = {
        let mut y =
            String::from("firewalls: &a0 [{name: a, config: a.cfg}, {name: b, config: b.cfg}]\n");
        for i in 1..20 {
            y.push_str(&format!(
                "dns: &a{i} [*a{}, *a{}, *a{}, *a{}]\n",
                i - 1,
                i - 1,
                i - 1,
                i - 1
            ));
        }
        y
    };
    let mut latin1 =
        b"hostname fw\ninterface G0\n description Caf\xe9 du r\xe9seau\n nameif inside\n".to_vec();
    latin1.extend_from_slice(b"route inside 10.0.0.0 255.0.255.0 10.0.30.254\n");
    vec![
        case("an empty config", vec![("asa.cfg", vec![])], &["check", "asa.cfg"], 0, &["no findings"]),
        case("a binary file", vec![("asa.cfg", vec![0x7f, b'E', b'L', b'F', 0, 1, 2, 0, 255])], &["check", "asa.cfg"], 1, &["INP001", "binary file"]),
        case("Latin-1 bytes keep their spans", vec![("asa.cfg", latin1)], &["check", "asa.cfg"], 1, &["asa.cfg:5:23", "contiguous netmask"]),
        case("CRLF line endings", vec![("asa.cfg", text("route outside 0.0.0.0 255.0.255.0 1.1.1.1\r\nhostname fw\r\n"))], &["check", "asa.cfg"], 1, &["asa.cfg:1:23"]),
        case("tabs and trailing spaces", vec![("asa.cfg", text("interface G0\n\tnameif inside   \n\tsecurity-level 101 \t\n"))], &["check", "asa.cfg"], 1, &["asa.cfg:3:17", "security level 0-100"]),
        case("a 1 MB line is over the line limit", vec![("asa.cfg", text(&format!("description {}\nroute a b\n", "x".repeat(1 << 20))))], &["check", "asa.cfg"], 1, &["INP001", "line 1 is 1048588 bytes long"]),
        case("a million lines", vec![("asa.cfg", text(&million))], &["check", "asa.cfg"], 1, &["asa.cfg:1000001:14", "access-list `MISSING` is not defined"]),
        case("deeply nested object-groups", vec![("asa.cfg", text(&deep_groups))], &["check", "asa.cfg"], 0, &["0 errors, 0 warnings, 1 advice", "ACL002"]),
        case("cyclic object-groups", vec![("asa.cfg", text(cyclic))], &["check", "asa.cfg"], 1, &["asa.cfg:4:15", "OBJ003", "contains itself"]),
        case("an object redefined with another type", vec![("asa.cfg", text("object network X\n host 1.1.1.1\nobject service X\n service tcp destination eq 80\n"))], &["check", "asa.cfg"], 1, &["asa.cfg:3:16", "already defined as an object network"]),
        case("a name that is both object and group", vec![("asa.cfg", text("object network X\n host 1.1.1.1\nobject-group network X\n network-object host 2.2.2.2\n"))], &["check", "asa.cfg"], 1, &["asa.cfg:3:22", "share one namespace"]),
        case("an invalid address", vec![("asa.cfg", text("object network X\n host 10.0.0.300\n"))], &["check", "asa.cfg"], 1, &["asa.cfg:2:7", "IPv4 address"]),
        case("a non-contiguous mask", vec![("asa.cfg", text("access-list A extended permit ip 10.0.0.0 255.0.255.0 any\n"))], &["check", "asa.cfg"], 1, &["asa.cfg:1:"]),
        case("a port out of range", vec![("asa.cfg", text("access-list A extended permit tcp any any eq 65536\n"))], &["check", "asa.cfg"], 1, &["asa.cfg:1:46", "port number or name"]),
        case("a reversed address range", vec![("asa.cfg", text("object network R\n range 10.0.0.9 10.0.0.1\n"))], &["check", "asa.cfg"], 1, &["asa.cfg:2:8", "end is not below its start"]),
        case("a reversed port range", vec![("asa.cfg", text("object-group service P tcp\n port-object range 90 80\n"))], &["check", "asa.cfg"], 1, &["asa.cfg:2:20", "end is not below its start"]),
        case("a YAML alias bomb", vec![("deployment.yaml", text(&bomb))], &["check", "deployment.yaml"], 1, &["DEP001"]),
        case("YAML duplicate keys", dual_with(|d| d.replace("version: 1\n", "version: 1\nversion: 1\n")), &["check", "deployment.yaml"], 1, &["duplicate mapping key", "deployment.yaml:"]),
        case("an unknown field", dual_with(|d| d.replace("  nic: dual\n", "  nic: dual\n  colour: blue\n")), &["check", "deployment.yaml"], 1, &["unknown field `colour`", "deployment.yaml:17:3"]),
        case("a wrong type", dual_with(|d| d.replace("port: 7001", "port: seven")), &["check", "deployment.yaml"], 1, &["DEP001", "deployment.yaml:29:11"]),
        case("tabs in YAML", dual_with(|d| d.replacen("  nodes:\n    - name: expc1", "\tnodes:\n    - name: expc1", 1)), &["check", "deployment.yaml"], 1, &["tabs", "DEP001"]),
        case("a deployment naming a missing config", dual_with(|d| d.replace("config: asa-inside.cfg", "config: missing.cfg")), &["check", "deployment.yaml"], 1, &["cannot read the config of firewall `asa-inside`", "deployment.yaml:6:13"]),
        case("a deployment naming a directory", dual_with(|d| d.replace("config: asa-inside.cfg", "config: .")), &["check", "deployment.yaml"], 1, &["it is a directory"]),
        case("an empty deployment", vec![("deployment.yaml", vec![])], &["check", "deployment.yaml"], 1, &["DEP001"]),
        case("a deployment naming a missing dump", dumps_with(|_| vec![]).into_iter().filter(|(f, _)| *f != "expe1.txt").collect(), &["check", "deployment.yaml"], 1, &["cannot read the xConfiguration dump `expe1.txt`", "deployment.yaml:14:13"]),
        case("a binary dump", dumps_with(|_| vec![0x7f, b'E', b'L', b'F', 0, 1]), &["check", "deployment.yaml"], 1, &["binary file", "deployment.yaml:14:13"]),
        case("an empty dump", dumps_with(|_| vec![]), &["check", "deployment.yaml"], 1, &["holds no `*c xConfiguration` record"]),
        case("a bad address in a dump", dumps_with(|e| edit_text(e, "Ethernet 1 IP V4 Address: \"10.0.20.2\"", "Ethernet 1 IP V4 Address: \"10.0.20.300\"")), &["check", "deployment.yaml"], 1, &["`10.0.20.300` is not an IPv4 address", "expe1.txt:13:1"]),
        case("a malformed dump record", dumps_with(|e| edit_text(e, "IP Gateway: \"10.0.10.1\"", "IP Gateway \"10.0.10.1\"")), &["check", "deployment.yaml"], 1, &["SYN001", "xConfiguration record: expected `:` after the path", "expe1.txt:27:1"]),
        case("an unclosed quote in a dump", dumps_with(|e| edit_text(e, "SystemUnit Name: \"expe1\"", "SystemUnit Name: \"expe1")), &["check", "deployment.yaml"], 1, &["closing `\"`", "expe1.txt:35:"]),
        case("a dump line of 1,500 glued records", dumps_with(|e| { let mut e = e; e.extend("*c xConfiguration Zones Zone 9 Name: \"x\" ".repeat(1_500).into_bytes()); e }), &["check", "deployment.yaml"], 0, &["no findings"]),
        case("a path that does not exist", vec![], &["check", "nothing-here.cfg"], 2, &["cannot read `nothing-here.cfg`"]),
        case("a folder with nothing to lint", vec![("notes.txt", text("hello"))], &["check", "."], 2, &["holds no deployment"]),
        case("a bad flag", vec![], &["check", "--fail-on", "sometimes"], 2, &["invalid value"]),
        Case {
            stdin: Some(vec![]),
            ..case("an empty stdin", vec![], &["check", "-"], 0, &["no findings"])
        },
    ]
}

fn scratch(name: &str) -> PathBuf {
    let slug: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let dir = std::env::temp_dir().join(format!("mralint-bad-{}-{slug}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn bad_input_table() {
    let cases = cases();
    assert!(cases.len() >= 25);
    let mut failures = Vec::new();
    for case in cases {
        let dir = scratch(case.name);
        for (file, bytes) in &case.files {
            std::fs::write(dir.join(file), bytes).unwrap();
        }
        let started = Instant::now();
        let mut child = Command::new(env!("CARGO_BIN_EXE_mralint"))
            .args(&case.args)
            .arg("--color")
            .arg("never")
            .current_dir(&dir)
            .stdin(if case.stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        if let Some(bytes) = &case.stdin {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(bytes).unwrap();
        }
        let output = child.wait_with_output().unwrap();
        let elapsed = started.elapsed();
        let _ = std::fs::remove_dir_all(&dir);
        let all = String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr);
        let mut wrong = Vec::new();
        if output.status.code() != Some(case.exit) {
            wrong.push(format!(
                "exit {:?}, expected {}",
                output.status.code(),
                case.exit
            ));
        }
        if all.contains("panicked") {
            wrong.push("it panicked".into());
        }
        for expected in &case.expect {
            if !all.contains(expected.as_str()) {
                wrong.push(format!("output lacks `{expected}`"));
            }
        }
        // Not a timed test: a generous bound that only a hang or a blow-up would cross.
        if elapsed > Duration::from_secs(60) {
            wrong.push(format!("took {elapsed:?}"));
        }
        if !wrong.is_empty() {
            let head: String = all.chars().take(600).collect();
            failures.push(format!("{}: {}\n{head}", case.name, wrong.join("; ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_symlink_loop_is_not_followed() {
    let dir = scratch("symlink-loop");
    std::fs::create_dir_all(dir.join("a")).unwrap();
    std::fs::write(dir.join("a/asa.cfg"), "hostname fw\n").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&dir, dir.join("a/loop")).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_mralint"))
        .args(["check", "."])
        .current_dir(&dir)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
