//! Inputs written by an attacker: in a change-review pipeline the author of a pull
//! request controls every byte mralint reads (configs, deployment, dumps, settings, and
//! which paths are links). Each case builds a scratch repository, runs mralint, and
//! states the exit code, texts the output must hold, texts no output may hold (in every
//! format when the case is a `check`), and what the file system must look like after.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

type Setup = Box<dyn Fn(&Path)>;
type After = Box<dyn Fn(&Path) -> Result<(), String>>;

struct Case {
    name: &'static str,
    setup: Setup,
    args: Vec<String>,
    exit: i32,
    expect: Vec<String>,
    forbid: Vec<String>,
    after: Option<After>,
    stdout_to_full: bool,
}

fn case(
    name: &'static str,
    setup: impl Fn(&Path) + 'static,
    args: &[&str],
    exit: i32,
    expect: &[&str],
    forbid: &[&str],
) -> Case {
    Case {
        name,
        setup: Box::new(setup),
        args: args.iter().map(|a| a.to_string()).collect(),
        exit,
        expect: expect.iter().map(|e| e.to_string()).collect(),
        forbid: forbid.iter().map(|e| e.to_string()).collect(),
        after: None,
        stdout_to_full: false,
    }
}

impl Case {
    fn then(mut self, after: impl Fn(&Path) -> Result<(), String> + 'static) -> Case {
        self.after = Some(Box::new(after));
        self
    }
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn sample(name: &str, file: &str) -> String {
    std::fs::read_to_string(root().join("samples").join(name).join(file)).unwrap()
}

fn write(dir: &Path, file: &str, text: impl AsRef<[u8]>) {
    let path = dir.join(file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[cfg(unix)]
fn link(dir: &Path, target: impl AsRef<Path>, file: &str) {
    std::os::unix::fs::symlink(target, dir.join(file)).unwrap();
}

/// A config with one undefined access-list near its last lines: every format quotes
/// the lines around it.
const UNDEFINED: &str = "access-group MISSING in interface inside\n";

/// A repository (`repo/`, with `.git`) holding a deployment whose first firewall's
/// config is `config`, and beside it an `outside/` folder with a config full of
/// secrets that no run may show.
fn repo_with_config(config: &'static str) -> impl Fn(&Path) {
    move |dir: &Path| {
        std::fs::create_dir_all(dir.join("repo/.git")).unwrap();
        write(
            dir,
            "outside/secret.cfg",
            format!("enable password OUTSIDE-SECRET\nhostname outside-host\n{UNDEFINED}"),
        );
        let deployment = sample("mra-single-nic-source-translated", "deployment.yaml")
            .replace("config: asa.cfg", &format!("config: {config}"));
        write(dir, "repo/deployment.yaml", deployment);
        write(
            dir,
            "repo/asa.cfg",
            sample("mra-single-nic-source-translated", "asa.cfg"),
        );
    }
}

/// ASA commands that carry secrets (the README's list), each with a planted secret.
const SECRET_LINES: &[&str] = &[
    "enable password PLANTED-ENABLE level 15 encrypted",
    "passwd PLANTED-PASSWD encrypted",
    "username admin password PLANTED-USER privilege 15",
    "crypto isakmp key PLANTED-ISAKMP address 192.0.2.1",
    "tunnel-group 192.0.2.1 ipsec-attributes",
    " ikev1 pre-shared-key PLANTED-PSK",
    " ikev2 remote-authentication pre-shared-key PLANTED-IKEV2",
    "snmp-server community PLANTED-COMMUNITY",
    "snmp-server host inside 10.0.0.9 community PLANTED-HOSTCOMM version 2c",
    "aaa-server RAD (inside) host 10.0.0.5",
    " key PLANTED-AAAKEY",
    " ldap-login-password PLANTED-LDAP",
    "failover key PLANTED-FAILOVER",
];

fn secrets_config() -> String {
    let mut text = String::from("hostname fw\n");
    for line in SECRET_LINES {
        text.push_str(line);
        text.push('\n');
        // Findings all through the file: every secret line is some snippet's neighbour.
        text.push_str(UNDEFINED);
    }
    text
}

fn cases() -> Vec<Case> {
    let secret_forbid: Vec<&str> = vec![
        "PLANTED-ENABLE",
        "PLANTED-PASSWD",
        "PLANTED-USER",
        "PLANTED-ISAKMP",
        "PLANTED-PSK",
        "PLANTED-IKEV2",
        "PLANTED-COMMUNITY",
        "PLANTED-HOSTCOMM",
        "PLANTED-AAAKEY",
        "PLANTED-LDAP",
        "PLANTED-FAILOVER",
    ];
    let dual_dumps = |edit: fn(String) -> String| {
        move |dir: &Path| {
            std::fs::create_dir_all(dir.join(".git")).unwrap();
            for file in [
                "asa-inside.cfg",
                "asa-outside.cfg",
                "deployment.yaml",
                "expc1.txt",
            ] {
                write(dir, file, sample("xconfig-dual-nic-ok", file));
            }
            write(
                dir,
                "expe1.txt",
                edit(sample("xconfig-dual-nic-ok", "expe1.txt")),
            );
        }
    };
    let deployment_with = |edit: fn(String) -> String| {
        move |dir: &Path| {
            std::fs::create_dir_all(dir.join(".git")).unwrap();
            write(
                dir,
                "deployment.yaml",
                edit(sample(
                    "mra-single-nic-source-translated",
                    "deployment.yaml",
                )),
            );
            write(
                dir,
                "asa.cfg",
                sample("mra-single-nic-source-translated", "asa.cfg"),
            );
        }
    };
    let victim_kept = |dir: &Path| -> Result<(), String> {
        match std::fs::read_to_string(dir.join("victim.txt")) {
            Ok(text) if text == "precious" => Ok(()),
            other => Err(format!("victim.txt changed: {other:?}")),
        }
    };
    vec![
        // Reading outside the repository.
        case(
            "a config path that climbs out with ..",
            repo_with_config("../outside/secret.cfg"),
            &["check", "repo/deployment.yaml"],
            1,
            &["DEP001", "outside the project root", "climbs out"],
            &["OUTSIDE-SECRET", "outside-host", "MISSING"],
        ),
        case(
            "a config path that climbs far out",
            repo_with_config("../../../../../../../../etc/services"),
            &["check", "repo/deployment.yaml"],
            1,
            &["DEP001", "outside the project root"],
            &["tcpmux", "echo "],
        ),
        case(
            "an absolute config path",
            repo_with_config("/etc/services"),
            &["check", "repo/deployment.yaml"],
            1,
            &["DEP001", "an absolute path"],
            &["tcpmux"],
        ),
        #[cfg(unix)]
        case(
            "a config that is a link out of the repository",
            |dir: &Path| {
                repo_with_config("linked.cfg")(dir);
                link(dir, dir.join("outside/secret.cfg"), "repo/linked.cfg");
            },
            &["check", "repo/deployment.yaml"],
            1,
            &["DEP001", "symbolic link leads out"],
            &["OUTSIDE-SECRET", "outside-host", "MISSING"],
        ),
        #[cfg(unix)]
        case(
            "a lone config given as a link out of the repository",
            |dir: &Path| {
                repo_with_config("asa.cfg")(dir);
                link(dir, dir.join("outside/secret.cfg"), "repo/fw.cfg");
            },
            &["check", "repo/fw.cfg"],
            1,
            &["INP001", "symbolic link leads out"],
            &["OUTSIDE-SECRET", "outside-host"],
        ),
        #[cfg(unix)]
        case(
            "a link in a walked folder is not followed",
            |dir: &Path| {
                repo_with_config("asa.cfg")(dir);
                link(dir, dir.join("outside/secret.cfg"), "repo/fw.cfg");
            },
            &["check", "repo"],
            1,
            &["MRA001"],
            &["OUTSIDE-SECRET", "outside-host", "MISSING"],
        ),
        case(
            "--root widens the boundary, secrets stay masked",
            repo_with_config("../outside/secret.cfg"),
            &["check", "repo/deployment.yaml", "--root", "."],
            1,
            &["OBJ001", "MISSING"],
            &["OUTSIDE-SECRET"],
        ),
        #[cfg(unix)]
        case(
            "a config that is /dev/zero",
            repo_with_config("/dev/zero"),
            &["check", "repo/deployment.yaml", "--root", "/"],
            1,
            &["DEP001", "a character device"],
            &[],
        ),
        #[cfg(unix)]
        case(
            "a config that links to /dev/urandom",
            |dir: &Path| {
                repo_with_config("random.cfg")(dir);
                link(dir, "/dev/urandom", "repo/random.cfg");
            },
            &["check", "repo/deployment.yaml"],
            1,
            &["DEP001", "outside the project root"],
            &[],
        ),
        #[cfg(unix)]
        case(
            "a dump that is /dev/urandom",
            dual_dumps(|e| e).then_edit(|dir: &Path| {
                let d = std::fs::read_to_string(dir.join("deployment.yaml")).unwrap();
                write(
                    dir,
                    "deployment.yaml",
                    d.replace("expe1.txt", "/dev/urandom"),
                );
            }),
            &["check", "deployment.yaml", "--root", "/"],
            1,
            &["DEP001", "a character device"],
            &[],
        ),
        #[cfg(unix)]
        case(
            "a config that is a named pipe",
            |dir: &Path| {
                repo_with_config("pipe.cfg")(dir);
                mkfifo(&dir.join("repo/pipe.cfg"));
            },
            &["check", "repo/deployment.yaml"],
            1,
            &["DEP001", "a named pipe"],
            &[],
        ),
        #[cfg(unix)]
        case(
            "a named pipe in a walked folder",
            |dir: &Path| {
                repo_with_config("asa.cfg")(dir);
                mkfifo(&dir.join("repo/pipe.cfg"));
            },
            &["check", "repo"],
            1,
            &["MRA001"],
            &[],
        ),
        case(
            "a config over --max-file-size",
            repo_with_config("asa.cfg"),
            &["check", "repo/deployment.yaml", "--max-file-size", "1k"],
            1,
            &["DEP001", "over the 1024-byte limit"],
            &[],
        ),
        case(
            "a lone config over --max-file-size",
            |dir: &Path| {
                write(
                    dir,
                    "big.cfg",
                    format!("hostname fw\n{}", "! padding\n".repeat(300)),
                )
            },
            &["check", "big.cfg", "--max-file-size", "2k"],
            1,
            &["INP001", "over the 2048-byte limit"],
            &[],
        ),
        case(
            "a bad --max-file-size",
            |_: &Path| {},
            &["check", "--max-file-size", "lots"],
            2,
            &["not a size"],
            &[],
        ),
        case(
            "one binary config in a folder does not stop the others",
            |dir: &Path| {
                repo_with_config("asa.cfg")(dir);
                write(dir, "repo/junk/edge.cfg", b"\x7fELF\x00\x01");
            },
            &["check", "repo"],
            1,
            &["INP001", "binary file", "MRA001", "repo/junk/edge.cfg"],
            &[],
        ),
        case(
            "a binary deployment in a folder does not stop the others",
            |dir: &Path| {
                repo_with_config("asa.cfg")(dir);
                write(dir, "repo/other/deployment.yaml", b"\x00\x01");
            },
            &["check", "repo"],
            1,
            &["INP001", "MRA001"],
            &[],
        ),
        case(
            "binary data on standard input",
            |_: &Path| {},
            &["check", "-"],
            1,
            &["INP001", "binary"],
            &[],
        ),
        case(
            "a config path that climbs out through a subfolder",
            repo_with_config("sub/../../outside/secret.cfg"),
            &["check", "repo/deployment.yaml"],
            1,
            &["DEP001", "climbs out"],
            &["OUTSIDE-SECRET", "outside-host"],
        ),
        #[cfg(unix)]
        case(
            "a settings file that is a named pipe",
            |dir: &Path| {
                write(dir, "asa.cfg", UNDEFINED);
                mkfifo(&dir.join(".mralint.yaml"));
            },
            &["check", "asa.cfg"],
            2,
            &["a named pipe"],
            &[],
        ),
        #[cfg(unix)]
        case(
            "a settings file that links out of the repository",
            |dir: &Path| {
                std::fs::create_dir_all(dir.join(".git")).unwrap();
                write(dir, "asa.cfg", UNDEFINED);
                let outside = dir.with_extension("shadow");
                std::fs::write(&outside, "root:PLANTED-SHADOW:19000:0:99999:7:::\n").unwrap();
                link(dir, &outside, ".mralint.yaml");
            },
            &["check", "asa.cfg"],
            2,
            &["symbolic link leads out"],
            &["PLANTED-SHADOW"],
        )
        .then(|dir| {
            let _ = std::fs::remove_file(dir.with_extension("shadow"));
            Ok(())
        }),
        case(
            "a settings file that does not parse is not quoted",
            |dir: &Path| {
                write(dir, "asa.cfg", UNDEFINED);
                write(
                    dir,
                    ".mralint.yaml",
                    "select: [MRA\nPLANTED-SETTING: x: y\n",
                );
            },
            &["check", "asa.cfg"],
            2,
            &[".mralint.yaml"],
            &["PLANTED-SETTING"],
        ),
        #[cfg(unix)]
        case(
            "a baseline that links to /dev/zero",
            |dir: &Path| {
                write(dir, "asa.cfg", UNDEFINED);
                link(dir, "/dev/zero", "baseline.json");
            },
            &["check", "asa.cfg", "--baseline", "baseline.json"],
            2,
            &["a character device"],
            &[],
        ),
        // Writing outside the repository.
        #[cfg(unix)]
        case(
            "--output-file through a committed link",
            |dir: &Path| {
                write(dir, "victim.txt", "precious");
                write(dir, "asa.cfg", UNDEFINED);
                link(dir, dir.join("victim.txt"), "mralint.sarif");
            },
            &[
                "check",
                "asa.cfg",
                "--format",
                "sarif",
                "--output-file",
                "mralint.sarif",
                "--fail-on",
                "never",
            ],
            0,
            &[],
            &[],
        )
        .then(move |dir| {
            victim_kept(dir)?;
            let meta =
                std::fs::symlink_metadata(dir.join("mralint.sarif")).map_err(|e| e.to_string())?;
            if meta.file_type().is_symlink() {
                return Err("still a link".into());
            }
            let text = std::fs::read_to_string(dir.join("mralint.sarif")).unwrap();
            if text.contains("\"version\": \"2.1.0\"") {
                Ok(())
            } else {
                Err(text)
            }
        }),
        #[cfg(unix)]
        case(
            "--output-file through a dangling link",
            |dir: &Path| {
                write(dir, "asa.cfg", UNDEFINED);
                link(dir, dir.join("created.txt"), "report.md");
            },
            &[
                "check",
                "asa.cfg",
                "--format",
                "markdown",
                "--output-file",
                "report.md",
            ],
            1,
            &[],
            &[],
        )
        .then(|dir| {
            if dir.join("created.txt").exists() {
                Err("the link's target was created".into())
            } else {
                Ok(())
            }
        }),
        #[cfg(unix)]
        case(
            "--write-baseline through a link",
            |dir: &Path| {
                write(dir, "victim.txt", "precious");
                write(dir, "asa.cfg", UNDEFINED);
                link(dir, dir.join("victim.txt"), "baseline.json");
            },
            &["check", "asa.cfg", "--write-baseline", "baseline.json"],
            0,
            &[],
            &[],
        )
        .then(move |dir| {
            victim_kept(dir)?;
            let text = std::fs::read_to_string(dir.join("baseline.json")).unwrap();
            if text.contains("OBJ001") {
                Ok(())
            } else {
                Err(text)
            }
        }),
        #[cfg(unix)]
        case(
            "init refuses a dangling link",
            move |dir: &Path| {
                dual_dumps(|e| e)(dir);
                link(dir, dir.join("created.yaml"), "new.yaml");
            },
            &[
                "init",
                "--xconfig",
                "expc1.txt",
                "expe1.txt",
                "-o",
                "new.yaml",
            ],
            2,
            &["exists"],
            &[],
        )
        .then(|dir| {
            if dir.join("created.yaml").exists() {
                Err("the link's target was created".into())
            } else {
                Ok(())
            }
        }),
        #[cfg(unix)]
        case(
            "init --force replaces a link, not its target",
            move |dir: &Path| {
                dual_dumps(|e| e)(dir);
                write(dir, "victim.txt", "precious");
                link(dir, dir.join("victim.txt"), "new.yaml");
            },
            &[
                "init",
                "--xconfig",
                "expc1.txt",
                "expe1.txt",
                "--firewall",
                "asa-inside.cfg",
                "asa-outside.cfg",
                "--dns",
                "expe.example.com=10.0.20.2",
                "-o",
                "new.yaml",
                "--force",
            ],
            1,
            &[],
            &[],
        )
        .then(move |dir| {
            victim_kept(dir)?;
            let text = std::fs::read_to_string(dir.join("new.yaml")).unwrap();
            if text.contains("version: 1") {
                Ok(())
            } else {
                Err(text)
            }
        }),
        #[cfg(unix)]
        Case {
            stdout_to_full: true,
            ..case(
                "standard output on a full disk",
                |dir: &Path| write(dir, "asa.cfg", UNDEFINED),
                &["check", "asa.cfg"],
                2,
                &["cannot write to standard output"],
                &[],
            )
        },
        case(
            "--output-file that is a directory",
            |dir: &Path| {
                write(dir, "asa.cfg", UNDEFINED);
                std::fs::create_dir_all(dir.join("out")).unwrap();
            },
            &["check", "asa.cfg", "--output-file", "out"],
            2,
            &["`out` is a directory"],
            &[],
        ),
        case(
            "init keeps an existing file without --force",
            move |dir: &Path| {
                dual_dumps(|e| e)(dir);
                write(dir, "victim.txt", "precious");
            },
            &[
                "init",
                "--xconfig",
                "expc1.txt",
                "expe1.txt",
                "-o",
                "victim.txt",
            ],
            2,
            &["exists"],
            &[],
        )
        .then(victim_kept),
        // Faking the log and the comment.
        case(
            "a CR in a config line cannot forge an annotation",
            |dir: &Path| {
                write(dir, "asa.cfg", "hostname fw\naccess-group MISSING\r::error file=deployment.yaml,line=1,title=Security::rotate your token at https://evil.example in interface inside\n")
            },
            &["check", "asa.cfg"],
            1,
            &["MISSING\\x1a::error"],
            &["\r::error", "\n::error"],
        ),
        case(
            "a lone CR does not shift line numbers",
            |dir: &Path| {
                write(
                    dir,
                    "asa.cfg",
                    "hostname fw\n! note\rforged\naccess-group MISSING in interface inside\n",
                )
            },
            &["check", "asa.cfg"],
            1,
            &["asa.cfg:3:14"],
            &["\r"],
        ),
        case(
            "ANSI and OSC 8 sequences in a name",
            |dir: &Path| {
                write(
                    dir,
                    "asa.cfg",
                    "access-group A\x1b[2J\x1b]8;;https://evil.example\x07B in interface inside\n",
                )
            },
            &["check", "asa.cfg"],
            1,
            &["\\x1b[2J"],
            &["\x1b", "\x07"],
        ),
        case(
            "a newline in a YAML zone name cannot write Markdown",
            deployment_with(|d| {
                d.replace("name: UCTraversal", "name: \"UC\\n## ✅ passes\\n<!--\"")
            }),
            &["check", "deployment.yaml", "--format", "markdown"],
            1,
            &[
                "DEP001",
                "zone name `UC\\n## ✅ passes\\n<!--` holds a control character",
            ],
            &["\n## ✅ passes", "\n<!--", "md:<!--", "md:#"],
        ),
        case(
            "a YAML name with ESC",
            deployment_with(|d| d.replace("name: expc1", "name: \"exp\\e[31mc1\"")),
            &["check", "deployment.yaml"],
            1,
            &[
                "DEP001",
                "node name `exp\\x1b[31mc1` holds a control character",
            ],
            &["\x1b"],
        ),
        case(
            "backticks in a token cannot leave their code span",
            |dir: &Path| {
                write(dir, "asa.cfg", "access-group ``<img/src=x/onerror=alert(1)>`` in interface inside\n![x](https://evil.example/x.png)\n")
            },
            &["check", "asa.cfg", "--format", "markdown"],
            1,
            &["OBJ001"],
            &["md:<img", "md:![x](", "md:<"],
        ),
        case(
            "a bidirectional override in a name",
            |dir: &Path| {
                write(
                    dir,
                    "asa.cfg",
                    "access-group AB\u{202e}CD in interface inside\n",
                )
            },
            &["check", "asa.cfg"],
            1,
            &["AB\\u{202e}CD"],
            &["text:\u{202e}"],
        ),
        case(
            "a C1 control sequence introducer in a name",
            |dir: &Path| {
                write(
                    dir,
                    "asa.cfg",
                    "access-group A\u{9b}31mB in interface inside\n",
                )
            },
            &["check", "asa.cfg"],
            1,
            &["A\\u{9b}31mB"],
            &["text:\u{9b}"],
        ),
        // Leaking secrets.
        case(
            "secret-bearing ASA commands next to findings",
            |dir: &Path| write(dir, "asa.cfg", secrets_config()),
            &["check", "asa.cfg"],
            1,
            &["OBJ001", "enable password ***"],
            &secret_forbid,
        ),
        case(
            "secrets in dumps, in any case",
            dual_dumps(|e| {
                format!("{e}*c xConfiguration Zones Zone 2 TraversalClient Authentication Password: \"{{CIPHER}}PLANTED-CIPHER\"\n*c xConfiguration Zones Zone 3 TraversalClient Authentication Password: \"PLANTED-PLAIN\"\n*c xConfiguration IP Gateway \"broken\"\n")
            }),
            &["check", "deployment.yaml"],
            1,
            &["SYN001"],
            &["PLANTED-CIPHER", "PLANTED-PLAIN"],
        ),
        // Silently passing.
        case(
            "a misspelt --select",
            |dir: &Path| write(dir, "asa.cfg", UNDEFINED),
            &["check", "asa.cfg", "--select", "MAR"],
            2,
            &["`MAR` is not a rule code", "did you mean `MRA`"],
            &[],
        ),
        case(
            "a misspelt --ignore",
            |dir: &Path| write(dir, "asa.cfg", UNDEFINED),
            &["check", "asa.cfg", "--ignore", "OBJ01X"],
            2,
            &["did you mean `OBJ001`"],
            &[],
        ),
        case(
            "a misspelt select in the settings file",
            |dir: &Path| {
                write(dir, "asa.cfg", UNDEFINED);
                write(dir, ".mralint.yaml", "select: [MRA001X]\n");
            },
            &["check", "asa.cfg"],
            2,
            &["did you mean `MRA001`"],
            &[],
        ),
        case(
            "a misspelt severity code",
            |dir: &Path| {
                write(dir, "asa.cfg", UNDEFINED);
                write(dir, ".mralint.yaml", "severity: { OBJ01: advice }\n");
            },
            &["check", "asa.cfg"],
            2,
            &["severity: `OBJ01`"],
            &[],
        ),
        case(
            "--settings overrides the pull request's settings",
            |dir: &Path| {
                write(dir, "asa.cfg", UNDEFINED);
                write(dir, ".mralint.yaml", "fail-on: never\nignore: [OBJ]\n");
                write(dir, "base-settings.yaml", "fail-on: warning\n");
            },
            &["check", "asa.cfg", "--settings", "base-settings.yaml"],
            1,
            &["OBJ001"],
            &[],
        ),
        case(
            "an unknown code in a suppression fails",
            |dir: &Path| {
                write(
                    dir,
                    "asa.cfg",
                    format!("! mralint: ignore[OBJ01] typo\n{UNDEFINED}"),
                )
            },
            &["check", "asa.cfg", "--fail-on", "error"],
            1,
            &["did you mean `OBJ001`"],
            &[],
        ),
        // Smaller.
        case(
            "a CR in a dump value does not inject a key into init's output",
            dual_dumps(|e| {
                e.replace(
                    "SystemUnit Name: \"expe1\"",
                    "SystemUnit Name: \"expe1\rinjected: true\"",
                )
            }),
            &["init", "--xconfig", "expc1.txt", "expe1.txt", "-o", "-"],
            2,
            &["node name `expe1\\rinjected: true` holds a control character"],
            &["\rinjected", "\ninjected"],
        ),
        case(
            "an over-long line",
            |dir: &Path| {
                write(
                    dir,
                    "asa.cfg",
                    format!("hostname fw\ndescription {}\n", "x".repeat(70_000)),
                )
            },
            &["check", "asa.cfg"],
            1,
            &["INP001", "line 2 is 70012 bytes long"],
            &[],
        ),
        case(
            "an over-long YAML name",
            deployment_with(|d| d.replace("name: expc1", &format!("name: {}", "c".repeat(300)))),
            &["check", "deployment.yaml"],
            1,
            &["DEP001", "at most 256"],
            &[],
        ),
    ]
}

/// Lets a case's setup be built from another plus a further edit.
trait ThenEdit: Fn(&Path) + Sized + 'static {
    fn then_edit(self, edit: impl Fn(&Path) + 'static) -> Box<dyn Fn(&Path)> {
        Box::new(move |dir| {
            self(dir);
            edit(dir);
        })
    }
}

impl<F: Fn(&Path) + 'static> ThenEdit for F {}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success());
}

fn scratch(name: &str) -> PathBuf {
    let slug: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let dir = std::env::temp_dir().join(format!("mralint-hostile-{}-{slug}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

struct Run {
    code: Option<i32>,
    out: String,
    err: String,
}

/// Runs mralint in `dir`; a run that takes over a minute is killed (a hang is a failure).
fn run(dir: &Path, args: &[String], stdout_to_full: bool, stdin: &[u8]) -> Run {
    let stdout = if stdout_to_full {
        Stdio::from(
            std::fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .unwrap(),
        )
    } else {
        Stdio::piped()
    };
    let mut child = Command::new(env!("CARGO_BIN_EXE_mralint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut input = child.stdin.take().unwrap();
        let _ = input.write_all(stdin);
    }
    // Read the output while waiting (a full pipe would block the child), and give up
    // on a child that runs for a minute: a hang is a failure, not a stuck test.
    let id = child.id();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = sender.send(child.wait_with_output());
    });
    let Ok(Ok(output)) = receiver.recv_timeout(Duration::from_secs(60)) else {
        let _ = Command::new("kill").args(["-9", &id.to_string()]).status();
        return Run {
            code: None,
            out: String::new(),
            err: "hung: killed after 60 s".into(),
        };
    };
    Run {
        code: output.status.code(),
        out: String::from_utf8_lossy(&output.stdout).into_owned(),
        err: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

const FORMATS: [&str; 5] = ["human", "json", "sarif", "github", "markdown"];

/// Problems with one run's output: texts it must not hold, and for GitHub output a
/// line that is not a workflow command of mralint's own.
fn forbidden(run: &Run, forbid: &[String], format: &str) -> Vec<String> {
    let all = format!("{}{}", run.out, run.err);
    let markdown = outside_code(&run.out);
    let mut wrong: Vec<String> = forbid
        .iter()
        .filter(|f| {
            if let Some(markup) = f.strip_prefix("md:") {
                // Markup that a renderer would interpret: outside code, in Markdown.
                format == "markdown" && markdown.contains(markup)
            } else if let Some(shown) = f.strip_prefix("text:") {
                // What people read as text (JSON and SARIF are data for programs).
                !matches!(format, "json" | "sarif") && all.contains(shown)
            } else {
                all.contains(f.as_str())
            }
        })
        .map(|f| format!("{format} output holds {f:?}"))
        .collect();
    if format == "github" {
        if let Some(line) = run.out.lines().find(|l| !l.starts_with("::")) {
            wrong.push(format!("github output has a line of its own: {line:?}"));
        }
        if run.out.contains('\r') {
            wrong.push("github output holds a CR".into());
        }
    }
    if all.contains("panicked") {
        wrong.push(format!("{format}: it panicked"));
    }
    if run.code.is_none() {
        wrong.push(format!("{format}: {}", run.err));
    }
    wrong
}

/// Markdown with its code blocks and code spans (CommonMark's backtick-run pairing) and
/// backslash escapes taken out, and mralint's own markup (table rules, headings,
/// `<details>`) dropped: what is left is input text that a renderer would interpret.
fn outside_code(markdown: &str) -> String {
    let mut prose = String::new();
    let mut fence: Option<usize> = None;
    for line in markdown.lines() {
        let ticks = line.len() - line.trim_start_matches('`').len();
        match fence {
            Some(open) if ticks >= open && line.trim_start_matches('`').trim().is_empty() => {
                fence = None
            }
            Some(_) => {}
            None if ticks >= 3 => fence = Some(ticks),
            None => {
                let ours = [
                    "<details>",
                    "</details>",
                    "<details><summary>",
                    "#### ",
                    "### ",
                    "## ",
                    "|---",
                    "| errors",
                    "| severity",
                    "| findings",
                    "| flows",
                ];
                if !ours.iter().any(|o| line.starts_with(o)) {
                    prose.push_str(line);
                    prose.push('\n');
                }
            }
        }
    }
    // Code spans: a run of N backticks up to the next run of exactly N.
    let chars: Vec<char> = prose.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\\' && i + 1 < chars.len() {
            i += 2;
            continue;
        }
        if chars[i] == '`' {
            let run = chars[i..].iter().take_while(|c| **c == '`').count();
            let mut j = i + run;
            let mut closed = None;
            while j < chars.len() {
                let len = chars[j..].iter().take_while(|c| **c == '`').count();
                if len == run {
                    closed = Some(j + len);
                    break;
                }
                j += len.max(1);
            }
            match closed {
                Some(end) => i = end,
                None => {
                    out.extend(&chars[i..i + run]);
                    i += run;
                }
            }
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

#[test]
fn markdown_outside_code_keeps_only_prose() {
    let text = "## mralint\n| a | `x<b>` |\n```text\n<img>\n```\nsee \\<i> and ```a``b``` <u>\n";
    assert_eq!(outside_code(text), "| a |  |\nsee i> and  <u>\n");
}

#[test]
fn hostile_input_table() {
    let cases = cases();
    assert!(cases.len() >= 35, "{}", cases.len());
    let mut failures = Vec::new();
    for case in cases {
        let case_started = Instant::now();
        let dir = scratch(case.name);
        (case.setup)(&dir);
        let stdin: &[u8] = if case.name.contains("standard input") {
            b"hostname fw\x00\x01"
        } else {
            b""
        };
        let run = run(&dir, &case.args, case.stdout_to_full, stdin);
        let all = format!("{}{}", run.out, run.err);
        let mut wrong = Vec::new();
        if run.code != Some(case.exit) {
            wrong.push(format!("exit {:?}, expected {}", run.code, case.exit));
        }
        for expected in &case.expect {
            if !all.contains(expected.as_str()) {
                wrong.push(format!("output lacks {expected:?}"));
            }
        }
        let format = case
            .args
            .iter()
            .position(|a| a == "--format")
            .map_or("human", |i| case.args[i + 1].as_str());
        wrong.extend(forbidden(&run, &case.forbid, format));
        // The same input in every other format holds nothing it must not either.
        if case.args[0] == "check"
            && !case.stdout_to_full
            && !case.args.contains(&"--output-file".to_string())
            && !case.args.contains(&"--write-baseline".to_string())
        {
            for other in FORMATS.iter().filter(|f| **f != format) {
                let mut args: Vec<String> = case.args.clone();
                if let Some(i) = args.iter().position(|a| a == "--format") {
                    args.drain(i..i + 2);
                }
                args.extend(["--format".to_string(), other.to_string()]);
                let run = run_again(&dir, &args, stdin);
                wrong.extend(forbidden(&run, &case.forbid, other));
            }
        }
        if std::env::var_os("MRALINT_HOSTILE_TIMES").is_some() {
            eprintln!("{:?} {}", case_started.elapsed(), case.name);
        }
        if let Some(after) = &case.after {
            if let Err(problem) = after(&dir) {
                wrong.push(problem);
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
        if !wrong.is_empty() {
            let head: String = all.chars().take(800).collect();
            failures.push(format!("{}: {}\n{head}", case.name, wrong.join("; ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn run_again(dir: &Path, args: &[String], stdin: &[u8]) -> Run {
    run(dir, args, false, stdin)
}

/// Every sample, with secret-bearing commands planted between its lines and secrets in
/// its dumps, in every format: no planted secret is ever printed.
#[test]
fn no_sample_shows_a_planted_secret() {
    let samples = root().join("samples");
    let mut failures = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&samples)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    entries.sort();
    for folder in entries {
        let name = folder.file_name().unwrap().to_string_lossy().into_owned();
        let dir = scratch(&format!("secrets-{name}"));
        for file in std::fs::read_dir(&folder).unwrap().flatten() {
            let path = file.path();
            let bytes = std::fs::read(&path).unwrap();
            let file_name = path.file_name().unwrap().to_string_lossy().into_owned();
            let planted = match path.extension().and_then(|e| e.to_str()) {
                Some("cfg") if !bytes.contains(&0) => {
                    let text = String::from_utf8_lossy(&bytes);
                    let mut out = String::new();
                    for (i, line) in text.lines().enumerate() {
                        out.push_str(line);
                        out.push('\n');
                        if i % 4 == 3 {
                            out.push_str(SECRET_LINES[i / 4 % SECRET_LINES.len()]);
                            out.push('\n');
                        }
                    }
                    out.into_bytes()
                }
                Some("txt") => {
                    let mut text = String::from_utf8_lossy(&bytes).into_owned();
                    text.push_str("*c xConfiguration Zones Zone 9 TraversalClient Authentication Password: \"{Cipher}PLANTED-DUMP-CIPHER\"\n");
                    text.push_str("*c xConfiguration Zones Zone 9 TraversalClient Authentication Password: \"PLANTED-DUMP-PLAIN\"\n");
                    text.into_bytes()
                }
                _ => bytes,
            };
            std::fs::write(dir.join(&file_name), planted).unwrap();
        }
        for format in FORMATS {
            let args: Vec<String> = ["check", ".", "--format", format]
                .iter()
                .map(|s| s.to_string())
                .collect();
            let run = run(&dir, &args, false, b"");
            let all = format!("{}{}", run.out, run.err);
            if let Some(at) = all.find("PLANTED") {
                let context: String = all[at.saturating_sub(80)..].chars().take(160).collect();
                failures.push(format!("{name} ({format}): {context}"));
            }
            if all.contains("panicked") {
                failures.push(format!("{name} ({format}): panicked"));
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The order of the paths on the command line does not change the report.
#[test]
fn output_order_does_not_follow_argument_order() {
    let dir = scratch("order");
    write(&dir, "a.cfg", UNDEFINED);
    write(&dir, "b.cfg", format!("hostname b\n{UNDEFINED}"));
    let args = |first: &str, second: &str| -> Vec<String> {
        ["check", first, second, "--format", "json"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    };
    let forward = run(&dir, &args("a.cfg", "b.cfg"), false, b"");
    let backward = run(&dir, &args("b.cfg", "a.cfg"), false, b"");
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(forward.out, backward.out);
    assert!(forward.out.find("a.cfg") < forward.out.find("b.cfg"));
}

/// A review comment is at most 65,536 characters on GitHub: thousands of findings, each
/// quoting a long line, still fit.
#[test]
fn markdown_stays_within_a_review_comment() {
    let dir = scratch("comment-size");
    // Long names (quoted by every message) and long lines (quoted by every detail).
    let long = "x".repeat(60_000);
    let config: String = (0..200)
        .map(|i| format!("access-group MISSING{i}{long} in interface inside\n! {long}\n"))
        .collect();
    write(&dir, "asa.cfg", config);
    let args: Vec<String> = ["check", "asa.cfg", "--format", "markdown"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let out = run(&dir, &args, false, b"");
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.code, Some(1), "{}", out.err);
    assert!(out.out.chars().count() < 65_536, "{}", out.out.len());
}

/// `diff --base` names files, never pathspec magic: `:(glob)*.cfg` is a file name that
/// does not exist, not every config of the repository.
#[test]
fn diff_paths_are_not_pathspecs() {
    if Command::new("git").arg("--version").output().is_err() {
        return;
    }
    let dir = scratch("pathspec");
    write(&dir, "asa.cfg", UNDEFINED);
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .args(args)
            .current_dir(&dir)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .output()
            .unwrap();
        assert!(status.status.success(), "{status:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "x"]);
    let args: Vec<String> = ["diff", "--base", "HEAD", ":(glob)*.cfg"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let out = run(&dir, &args, false, b"");
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.code, Some(2), "{}{}", out.out, out.err);
    assert!(out.err.contains("exists neither"), "{}", out.err);
}
