//! `mralint init`: a deployment file written from the Expressways' xConfiguration dumps.
//!
//! The dumps are read as `mralint check` reads them: a skeleton deployment naming them
//! under `xconfig` is loaded (so the mapping is the one the checks use), then every
//! derived value is written out with a comment naming the dump line it comes from. The
//! dumps stay listed, so `mralint check` keeps verifying the file against them (DEP002).
//! What no dump holds comes from the command line (`--firewall`, `--dns`, `--size`); what
//! is still missing is reported with the flag that adds it.
//!
//! This module makes the file's text from what it is given; the command
//! (`commands/init.rs`) reads the files, writes the result and loads it back.

use std::fmt::Write as _;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};

use crate::deployment::{self, At, Deployment, DumpInput, Loaded, Nic, Size, ZoneService};
use crate::mra::catalogue as flows;
use crate::source::{normalize_path, FileId, SourceFile};
use crate::xconfig::model::{self, Side};
use crate::xconfig::syntax;

/// What `init` is given.
pub struct Request {
    pub dumps: Vec<PathBuf>,
    pub firewalls: Vec<PathBuf>,
    /// `NAME=ADDRESS` as typed.
    pub dns: Vec<String>,
    pub size: Option<Size>,
    /// Where the file will be written (paths in it are relative to its folder).
    pub output_dir: PathBuf,
}

/// What `init` makes: the file's text, and what a check still needs.
#[derive(Debug)]
pub struct Written {
    pub text: String,
    /// One line per dump: which Expressway it is, and why.
    pub roles: Vec<String>,
    /// Something a check needs that the inputs do not give, with the flag that adds it.
    pub missing: Vec<String>,
}

/// A dump read from disk.
struct Read {
    path: PathBuf,
    text: String,
    node: model::Expressway,
}

/// Why `init` writes no deployment file.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error("--dns `{entry}`: expected NAME=ADDRESS")]
    DnsWithoutAddress { entry: String },
    #[error("--dns `{entry}`: `{address}` is not an IPv4 address")]
    DnsNotAnAddress { entry: String, address: String },
    #[error("cannot read `{}`: {error}", path.display())]
    Unreadable {
        path: PathBuf,
        error: crate::fsio::ReadError,
    },
    #[error("`{}` holds no `*c xConfiguration` record: capture the reply to the admin CLI command `xConfiguration` (over SSH)", path.display())]
    NoRecord { path: PathBuf },
    #[error("cannot tell whether `{}` comes from an Expressway-C or an Expressway-E: it has no traversal server zone, LAN2, static NAT or TURN (E), and no traversal client zone with Unified CM neighbour zones or MRA domains (C); write the deployment by hand, listing it under `expressway_c.xconfig` or `expressway_e.xconfig`", path.display())]
    SideUnknown { path: PathBuf },
    #[error("no dump comes from an {}: give the dumps of both Expressways with --xconfig", side.label())]
    SideMissing { side: Side },
    /// The problems loading the generated file reports, one per line (none: the
    /// loader gave no deployment).
    #[error("{}", no_deployment(blocking))]
    NoDeployment { blocking: Vec<String> },
    /// `--update`: the existing file is not a deployment file (the parser's first line).
    #[error("`{}` is not a deployment file --update can read: {reason}", path.display())]
    NotADeploymentFile { path: PathBuf, reason: String },
}

fn no_deployment(blocking: &[String]) -> String {
    if blocking.is_empty() {
        "the dumps do not make a deployment".to_string()
    } else {
        format!(
            "the dumps do not make a deployment:\n  {}",
            blocking.join("\n  ")
        )
    }
}

/// Reads an input file (a dump or a firewall config) named on the command line.
pub type ReadInput<'r> = dyn FnMut(&Path) -> Result<Vec<u8>, crate::fsio::ReadError> + 'r;

/// Builds the deployment file, or says why it cannot. Each dump and config is read
/// through `read`, in command-line order, when it is needed.
pub fn deployment(request: &Request, read_input: &mut ReadInput<'_>) -> Result<Written, InitError> {
    let dns = parse_dns(&request.dns)?;
    let mut read = Vec::new();
    for path in &request.dumps {
        let bytes = read_input(path).map_err(|error| InitError::Unreadable {
            path: path.clone(),
            error,
        })?;
        let text = crate::xconfig::redact_secrets(&SourceFile::from_bytes(path, &bytes).text);
        let dump = syntax::dump(&text);
        if dump.records.is_empty() {
            return Err(InitError::NoRecord { path: path.clone() });
        }
        let node = model::read(&dump);
        read.push(Read {
            path: path.clone(),
            text,
            node,
        });
    }
    let (sides, roles) = sides(&read)?;
    let listed =
        |side: Side| -> Vec<usize> { (0..read.len()).filter(|&i| sides[i] == side).collect() };
    let (c, e) = (listed(Side::C), listed(Side::E));
    let relative = |path: &Path| relative_to(&request.output_dir, path);
    let firewalls = firewall_entries(&request.firewalls, &relative, read_input)?;
    let mut skeleton = String::from("version: 1\nfirewalls:\n");
    for (name, config, _) in &firewalls {
        let _ = writeln!(
            skeleton,
            "  - {{ name: {}, config: {} }}",
            yaml(name),
            yaml(config)
        );
    }
    if firewalls.is_empty() {
        skeleton = skeleton.replace("firewalls:\n", "firewalls: []\n");
    }
    skeleton.push_str("dns:\n");
    for (name, address) in &dns {
        let _ = writeln!(skeleton, "  {}: {address}", yaml(name));
    }
    if dns.is_empty() {
        skeleton = skeleton.replace("dns:\n", "dns: {}\n");
    }
    let list = |indices: &[usize]| {
        indices
            .iter()
            .map(|&i| yaml(&relative(&read[i].path)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(skeleton, "expressway_c:\n  xconfig: [{}]", list(&c));
    let _ = writeln!(skeleton, "expressway_e:\n  xconfig: [{}]", list(&e));
    if let Some(size) = request.size {
        let _ = writeln!(skeleton, "  size: {}", size_word(size));
    }
    // Load it as `check` would, reading the dumps from memory (ids 1.. in --xconfig order).
    let mut by_entry: Vec<(String, usize)> = (0..read.len())
        .map(|i| (relative(&read[i].path), i))
        .collect();
    by_entry.sort();
    let loaded = deployment::load_with(&skeleton, &mut |written| {
        let i = by_entry
            .iter()
            .find(|(p, _)| p == written)
            .map(|(_, i)| *i)
            .ok_or_else(|| format!("`{written}` is not one of the dumps given"))?;
        Ok((FileId(i + 1), read[i].text.clone()))
    });
    let unresolved = unresolved_peers(&loaded);
    let blocking: Vec<String> = loaded
        .errors
        .iter()
        .filter(|error| {
            !unresolved
                .iter()
                .any(|(_, at)| at.span == error.span && at.file == error.file)
        })
        .map(|error| match error.file {
            None if error.message.contains("lists no firewall") => {
                "no firewall: add `--firewall CFG` for every ASA config that may carry MRA traffic"
                    .to_string()
            }
            Some(file) => {
                let r = &read[file.0 - 1];
                let line = SourceFile::new(&r.path, r.text.clone())
                    .line_col(error.span.start)
                    .0;
                format!("{}:{line}: {}", r.path.display(), error.message)
            }
            None => error.message.clone(),
        })
        .collect();
    if !blocking.is_empty() {
        return Err(InitError::NoDeployment { blocking });
    }
    let Some(d) = &loaded.deployment else {
        return Err(InitError::NoDeployment {
            blocking: Vec::new(),
        });
    };
    let cite = Cite {
        read: &read,
        dumps: &loaded.dumps,
        relative: &relative,
    };
    let mut missing = Vec::new();
    if firewalls.is_empty() {
        missing.push(
            "no firewall: add `--firewall CFG` for every ASA config that carries MRA traffic"
                .to_string(),
        );
    }
    for (peer, at) in &unresolved {
        missing.push(format!(
            "{} points at `{peer}`, which --dns does not resolve: re-run with `--update --dns {peer}=ADDRESS` (the address Expressway-C's DNS gives: {}), or fill in its entry under `dns`",
            cite.line(at.file, at.span),
            expected_peer(d)
        ));
    }
    let internet = internet_entry(d, &firewalls);
    let text = write(&Parts {
        d,
        loaded: &loaded,
        cite: &cite,
        firewalls: &firewalls,
        dns: &dns,
        unresolved: &unresolved,
        size: request.size,
        internet: &internet,
        c: &c,
        e: &e,
    });
    Ok(Written {
        text,
        roles,
        missing,
    })
}

/// `NAME=ADDRESS` pairs.
pub fn parse_dns(entries: &[String]) -> Result<Vec<(String, Ipv4Addr)>, InitError> {
    entries
        .iter()
        .map(|entry| {
            let (name, address) =
                entry
                    .split_once('=')
                    .ok_or_else(|| InitError::DnsWithoutAddress {
                        entry: entry.clone(),
                    })?;
            let address = address
                .trim()
                .parse()
                .map_err(|_| InitError::DnsNotAnAddress {
                    entry: entry.clone(),
                    address: address.to_string(),
                })?;
            Ok((name.trim().to_string(), address))
        })
        .collect()
}

/// Which dump is C and which E (docs/xconfiguration.md#which-side-a-dump-is), with the
/// reason for each. A dump no evidence decides is the side that has no dump yet, when only
/// one side lacks one.
fn sides(read: &[Read]) -> Result<(Vec<Side>, Vec<String>), InitError> {
    let decided: Vec<Option<Side>> = read
        .iter()
        .map(|r| r.node.role.as_ref().map(|role| role.side))
        .collect();
    let has = |side| decided.contains(&Some(side));
    let fallback = match (has(Side::C), has(Side::E)) {
        (true, false) => Some(Side::E),
        (false, true) => Some(Side::C),
        _ => None,
    };
    let mut sides = Vec::new();
    let mut roles = Vec::new();
    for (r, side) in read.iter().zip(&decided) {
        let path = r.path.display();
        let line = |span: crate::source::Span| {
            SourceFile::new(&r.path, r.text.clone())
                .line_col(span.start)
                .0
        };
        let (side, why) = match (&r.node.role, side, fallback) {
            (Some(role), Some(side), _) => {
                (*side, format!("{} (line {})", role.reason, line(role.span)))
            }
            (None, None, Some(side)) => (
                side,
                "no record tells; the other dumps are all of the other side".to_string(),
            ),
            _ => {
                return Err(InitError::SideUnknown {
                    path: r.path.clone(),
                })
            }
        };
        roles.push(format!("{path}: {}, because {why}", side.label()));
        sides.push(side);
    }
    for side in [Side::C, Side::E] {
        if !sides.contains(&side) {
            return Err(InitError::SideMissing { side });
        }
    }
    Ok((sides, roles))
}

/// Firewall entries: name (the config's hostname, else its file name), the config path
/// relative to the output, and the parsed model.
fn firewall_entries(
    configs: &[PathBuf],
    relative: &dyn Fn(&Path) -> String,
    read_input: &mut ReadInput<'_>,
) -> Result<Vec<(String, String, crate::model::Firewall)>, InitError> {
    let mut entries: Vec<(String, String, crate::model::Firewall)> = Vec::new();
    for path in configs {
        let bytes = read_input(path).map_err(|error| InitError::Unreadable {
            path: path.clone(),
            error,
        })?;
        let file = SourceFile::from_bytes(path, &bytes);
        let model = crate::model::build(&crate::syntax::parse_config(&file.text).config);
        let stem = path
            .file_stem()
            .map_or("firewall".into(), |s| s.to_string_lossy().into_owned());
        let mut name = model.hostname.clone().unwrap_or(stem.clone());
        if entries.iter().any(|(n, ..)| *n == name) {
            name = format!("{name}-{stem}");
        }
        entries.push((name, relative(path), model));
    }
    Ok(entries)
}

/// The peers the dumps name that neither are addresses nor resolve through --dns, with
/// where they are.
fn unresolved_peers(loaded: &Loaded) -> Vec<(String, At<()>)> {
    let mut out = Vec::new();
    for d in loaded.dumps.iter().filter(|d| d.side == Side::C) {
        for zone in d.node.zones_of(model::ZoneType::TraversalClient) {
            for peer in &zone.peers {
                let error = loaded
                    .errors
                    .iter()
                    .any(|e| e.file == Some(d.file) && e.span == peer.span);
                if error {
                    out.push((peer.value.clone(), At::in_file((), peer.span, d.file)));
                }
            }
        }
    }
    out
}

/// The address C's DNS should give for the traversal peer, by E's NIC design (MRA008).
fn expected_peer(d: &Deployment) -> String {
    let e = &d.e;
    let addresses: Vec<String> = e
        .nodes
        .iter()
        .map(|n| match (e.nic.value, &n.static_nat) {
            (Nic::Single, Some(nat)) => {
                format!("{} for {}, its static NAT address", nat.value, n.name.value)
            }
            (Nic::Single, None) => {
                format!("{} for {}, its LAN1", n.lan1.value.address, n.name.value)
            }
            (Nic::Dual, _) => format!(
                "{} for {}, its internal LAN1",
                n.lan1.value.address, n.name.value
            ),
        })
        .collect();
    format!("for this Expressway-E design: {}", addresses.join("; "))
}

/// Where internet traffic enters, when the firewalls leave it open: among the interfaces
/// with a default route toward the internet, the one on the firewall that serves E's
/// external interface. `None` when `check` finds it alone.
fn internet_entry(
    d: &Deployment,
    firewalls: &[(String, String, crate::model::Firewall)],
) -> Option<(String, String, usize)> {
    if firewalls.is_empty() {
        return None;
    }
    let network = flows::network(
        d,
        firewalls.iter().map(|(n, _, m)| (n.as_str(), m)).collect(),
    );
    let candidates = flows::internet_candidates(&network);
    if candidates.len() == 1 {
        return None;
    }
    let external: Vec<Ipv4Addr> =
        d.e.nodes
            .iter()
            .map(|n| n.external().value.address)
            .collect();
    let serves_e = |index: usize| {
        firewalls[index]
            .2
            .interfaces
            .iter()
            .any(|i| external.iter().any(|a| i.connects(*a)))
    };
    let chosen = candidates
        .iter()
        .find(|(index, _)| serves_e(*index))
        .or(candidates.first())?;
    Some((
        firewalls[chosen.0].0.clone(),
        chosen.1.clone(),
        candidates.len(),
    ))
}

/// Names dump lines in comments: `expe1.txt:14 Ethernet 1 IP V4 StaticNAT Address`.
struct Cite<'a> {
    read: &'a [Read],
    dumps: &'a [DumpInput],
    relative: &'a dyn Fn(&Path) -> String,
}

impl Cite<'_> {
    /// `file:line`, the record's path, for a span in a dump.
    fn line(&self, file: Option<FileId>, span: crate::source::Span) -> String {
        let Some(file) = file else {
            return "this file".into();
        };
        let r = &self.read[file.0 - 1];
        let line = SourceFile::new(&r.path, r.text.clone())
            .line_col(span.start)
            .0;
        let path = self
            .dumps
            .iter()
            .find(|d| d.file == file)
            .and_then(|d| {
                d.dump
                    .records
                    .iter()
                    .find(|rec| rec.span.start == span.start)
            })
            .map(|rec| format!(" {}", rec.path.text()))
            .unwrap_or_default();
        format!("{}:{line}{path}", self.name(file))
    }

    /// The dump's file name (its path when two dumps share a name).
    fn name(&self, file: FileId) -> String {
        let path = &self.read[file.0 - 1].path;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let shared = self
            .read
            .iter()
            .filter(|r| r.path.file_name() == path.file_name())
            .count()
            > 1;
        match name {
            Some(name) if !shared => name,
            _ => (self.relative)(path),
        }
    }

    /// A range read from two records: `expe1.txt:35-36 Traversal Media Port End/Start`.
    fn range(
        &self,
        file: FileId,
        first: crate::source::Span,
        second: crate::source::Span,
    ) -> String {
        let r = &self.read[file.0 - 1];
        let source = SourceFile::new(&r.path, r.text.clone());
        let (a, b) = (
            source.line_col(first.start).0,
            source.line_col(second.start).0,
        );
        let path = |span: crate::source::Span| {
            self.dumps
                .iter()
                .find(|d| d.file == file)
                .and_then(|d| {
                    d.dump
                        .records
                        .iter()
                        .find(|rec| rec.span.start == span.start)
                })
                .map(|rec| rec.path.text())
                .unwrap_or_default()
        };
        format!(
            "{}:{}-{} {} / {}",
            self.name(file),
            a.min(b),
            a.max(b),
            path(first),
            path(second)
        )
    }

    fn at<T>(&self, at: &At<T>) -> String {
        self.line(at.file, at.span)
    }
}

/// Everything the file is written from.
struct Parts<'a> {
    d: &'a Deployment,
    loaded: &'a Loaded,
    cite: &'a Cite<'a>,
    firewalls: &'a [(String, String, crate::model::Firewall)],
    dns: &'a [(String, Ipv4Addr)],
    unresolved: &'a [(String, At<()>)],
    size: Option<Size>,
    internet: &'a Option<(String, String, usize)>,
    c: &'a [usize],
    e: &'a [usize],
}

/// Lines with comments aligned in one column.
#[derive(Default)]
struct Lines(Vec<(String, String)>);

const COMMENT_COLUMN: usize = 36;

impl Lines {
    fn add(&mut self, line: impl Into<String>, comment: impl Into<String>) {
        self.0.push((line.into(), comment.into()));
    }

    fn text(&self) -> String {
        let mut out = String::new();
        for (line, comment) in &self.0 {
            // A comment quotes dump text: a CR or LF in it would end the comment and
            // start a YAML line of its own.
            let comment = crate::escape::terminal_line(comment);
            if comment.is_empty() {
                out.push_str(line);
            } else if line.is_empty() {
                let _ = write!(out, "# {comment}");
            } else {
                let pad = COMMENT_COLUMN.saturating_sub(line.chars().count()).max(1);
                let _ = write!(out, "{line}{}# {comment}", " ".repeat(pad));
            }
            out.push('\n');
        }
        out
    }
}

fn write(p: &Parts<'_>) -> String {
    let d = p.d;
    let cite = p.cite;
    let mut l = Lines::default();
    l.add(
        "",
        "Written by `mralint init` from the Expressways' xConfiguration dumps. Each value",
    );
    l.add(
        "",
        "derived from a dump names the dump line it comes from. The dumps stay listed under",
    );
    l.add(
        "",
        "`xconfig`, so `mralint check` also verifies this file against them (DEP002).",
    );
    l.add("version: 1", "");
    if p.firewalls.is_empty() {
        l.add(
            "firewalls: []",
            "add the ASA configs: mralint init --firewall CFG …",
        );
    } else {
        l.add("firewalls:", "");
        for (name, config, model) in p.firewalls {
            let source = if model.hostname.as_deref() == Some(name.as_str()) {
                format!("hostname in {config}")
            } else {
                "the config's file name".into()
            };
            l.add(format!("  - name: {}", yaml(name)), source);
            l.add(format!("    config: {}", yaml(config)), "");
        }
    }
    if p.dns.is_empty() && p.unresolved.is_empty() {
        l.add(
            "dns: {}",
            "what Expressway-C's DNS answers (--dns NAME=ADDRESS)",
        );
    } else if p.dns.is_empty() {
        // Nothing under `dns:` is an empty map: uncommenting an entry below keeps it valid.
        l.add(
            "dns:",
            "what Expressway-C's DNS answers: uncomment and fill in, or `mralint init --update --dns NAME=ADDRESS`",
        );
    } else {
        l.add(
            "dns:",
            "what Expressway-C's DNS answers (--dns): in no dump",
        );
        for (name, address) in p.dns {
            l.add(format!("  {}: {address}", yaml(name)), "");
        }
    }
    {
        for (name, at) in p.unresolved {
            l.add(
                format!("  # {}: ADDRESS", yaml(name)),
                format!("needed by {}: --dns {name}=ADDRESS", cite.at(at)),
            );
        }
    }
    l.add("expressway_c:", "");
    let role = |i: usize| -> String {
        let dump = &p.loaded.dumps.iter().find(|x| x.file == FileId(i + 1));
        dump.and_then(|x| x.node.role.as_ref())
            .map_or("listed by elimination".to_string(), |r| {
                format!("{}: {}", r.side.label(), r.reason)
            })
    };
    let dumps_list = |indices: &[usize]| -> String {
        indices
            .iter()
            .map(|&i| yaml(&(cite.relative)(&p.cite.read[i].path)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    l.add(
        format!("  xconfig: [{}]", dumps_list(p.c)),
        p.c.first().map(|&i| role(i)).unwrap_or_default(),
    );
    l.add("  nodes:", "");
    for node in &d.c_nodes {
        l.add(
            format!("    - name: {}", yaml(&node.name.value)),
            cite.at(&node.name),
        );
        l.add(
            format!("      address: {}", node.address.value),
            cite.at(&node.address),
        );
    }
    l.add("expressway_e:", "");
    l.add(
        format!("  xconfig: [{}]", dumps_list(p.e)),
        p.e.first().map(|&i| role(i)).unwrap_or_default(),
    );
    let e = &d.e;
    let nic_reason = p
        .loaded
        .dumps
        .iter()
        .find(|x| x.side == Side::E)
        .map(|x| x.node.nic().reason)
        .unwrap_or_default();
    l.add(
        format!(
            "  nic: {}",
            if e.nic.value == Nic::Dual {
                "dual"
            } else {
                "single"
            }
        ),
        format!("{}: {nic_reason}", cite.at(&e.nic)),
    );
    match p.size {
        Some(size) => l.add(format!("  size: {}", size_word(size)), "--size: not in xConfiguration"),
        None => l.add(
            "  # size: medium",
            "not in xConfiguration: set small, medium or large (--size); left out, the ports of both are checked",
        ),
    }
    let e_dump = p.loaded.dumps.iter().find(|x| x.side == Side::E);
    let media = e_dump.and_then(|x| {
        let start = x.node.media_ports.as_ref()?;
        Some((x, start.value, x.node.media_records?))
    });
    match media {
        Some((x, (lo, hi), (a, b))) if (36000..=59999).contains(&lo) && hi <= 59999 => l.add(
            format!("  media_ports: {lo}-{hi}"),
            cite.range(x.file, a, b),
        ),
        Some((x, (lo, hi), (a, b))) => l.add(
            format!("  # media_ports: {lo}-{hi}"),
            format!(
                "{}: outside 36000-59999, which this file cannot state",
                cite.range(x.file, a, b)
            ),
        ),
        None => {}
    }
    if let Some(pair) = &e.demux_ports {
        if pair.value.1 == pair.value.0.wrapping_add(1) {
            l.add(
                format!("  demux_ports: [{}, {}]", pair.value.0, pair.value.1),
                format!(
                    "{} (\"Use configured demultiplexing ports\" on)",
                    cite.at(pair)
                ),
            );
        }
    }
    l.add("  nodes:", "");
    for node in &e.nodes {
        l.add(
            format!("    - name: {}", yaml(&node.name.value)),
            cite.at(&node.name),
        );
        let lan = |a: &At<deployment::IfAddr>| format!("{}/{}", a.value.address, a.value.prefix);
        l.add(
            format!("      lan1: {}", lan(&node.lan1)),
            format!(
                "{}: {}",
                cite.at(&node.lan1),
                if node.lan2.is_some() {
                    "internal"
                } else {
                    "the only interface"
                }
            ),
        );
        if let Some(lan2) = &node.lan2 {
            l.add(
                format!("      lan2: {}", lan(lan2)),
                format!("{}: external", cite.at(lan2)),
            );
        }
        if let Some(nat) = &node.static_nat {
            l.add(format!("      static_nat: {}", nat.value), cite.at(nat));
        }
        if let Some(gateway) = &node.gateway {
            l.add(
                format!("      gateway: {}", gateway.value),
                cite.at(gateway),
            );
        }
        if !node.routes.is_empty() {
            l.add("      routes:", "");
            for r in &node.routes {
                l.add(
                    format!(
                        "        - {{ prefix: {}/{}, gateway: {} }}",
                        r.network, r.prefix, r.gateway
                    ),
                    cite.line(r.file, r.span),
                );
            }
        }
    }
    l.add("traversal_zones:", "");
    let c_dump = p.loaded.dumps.iter().find(|x| x.side == Side::C);
    for zone in &d.zones {
        l.add(
            format!("  - name: {}", yaml(&zone.name.value)),
            cite.at(&zone.name),
        );
        let kind = match zone.zone_type.value {
            ZoneService::UnifiedCommunications => "unified-communications",
            ZoneService::B2b => "b2b",
        };
        l.add(
            format!("    type: {kind}"),
            format!(
                "{}: {}",
                cite.at(&zone.zone_type),
                if kind == "b2b" {
                    "Collaboration Edge off"
                } else {
                    "Collaboration Edge on (MRA)"
                }
            ),
        );
        l.add(
            format!("    port: {}", zone.port.value),
            cite.at(&zone.port),
        );
        // Every peer the dump names, resolved or not (an unresolved one needs --dns).
        let peers: Vec<At<String>> = c_dump
            .and_then(|x| {
                x.node
                    .zones_of(model::ZoneType::TraversalClient)
                    .find(|z| z.sip_port.as_ref().map(|s| s.span) == Some(zone.port.span))
                    .map(|z| z.peers.iter().map(|peer| x.at(peer)).collect())
            })
            .unwrap_or_else(|| zone.peers.iter().map(|peer| peer.text.clone()).collect());
        l.add("    peers:", "");
        for peer in &peers {
            l.add(
                format!("      - {}", yaml(peer.value.trim())),
                cite.at(peer),
            );
        }
    }
    l.add("services:", "");
    let im = p
        .loaded
        .dumps
        .iter()
        .find_map(|x| x.node.im_presence.as_ref().map(|f| (x, f)));
    l.add(
        format!("  im_presence: {}", d.im_presence),
        im.map_or("no SIP domain in the C dumps".into(), |(x, f)| {
            cite.line(Some(x.file), f.span)
        }),
    );
    let turn = e_dump.and_then(|x| x.node.turn.mode.as_ref().map(|f| (x, f)));
    l.add(
        format!("  turn: {}", d.turn),
        turn.map_or("no TURN setting in the E dumps".into(), |(x, f)| {
            cite.line(Some(x.file), f.span)
        }),
    );
    if let Some((x, (lo, hi))) = e_dump.and_then(|x| x.node.turn.relays.as_ref().map(|r| (x, r))) {
        l.add(
            format!("  turn_relays: {}-{}", d.turn_relays.0, d.turn_relays.1),
            cite.range(x.file, lo.span, hi.span),
        );
    }
    if let Some((firewall, interface, count)) = p.internet {
        l.add("internet:", format!("{count} interfaces carry a default route toward the internet: this one serves E's external interface; check it"));
        l.add(format!("  firewall: {}", yaml(firewall)), "");
        l.add(format!("  interface: {}", yaml(interface)), "");
    }
    l.text()
}

fn size_word(size: Size) -> &'static str {
    match size {
        Size::Small => "small",
        Size::Medium => "medium",
        Size::Large => "large",
    }
}

/// A YAML scalar: plain when that reads back as the same string, else double-quoted
/// (a JSON string is a valid YAML double-quoted scalar).
fn yaml(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-/@".contains(c))
        && text.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && !["true", "false", "yes", "no", "on", "off", "null", "y", "n"]
            .contains(&text.to_ascii_lowercase().as_str());
    if plain {
        text.to_string()
    } else {
        serde_json::to_string(text).unwrap_or_default()
    }
}

/// `path` relative to `dir` (both made absolute), with `/` separators.
pub fn relative_to(dir: &Path, path: &Path) -> String {
    let dir = normalize_path(dir);
    let path = normalize_path(path);
    let common = dir
        .components()
        .zip(path.components())
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = PathBuf::new();
    for _ in dir.components().skip(common) {
        out.push("..");
    }
    for part in path.components().skip(common) {
        out.push(part);
    }
    crate::source::display_path(&out)
}

#[cfg(test)]
mod tests {

    #[test]
    fn comments_cannot_end_their_line() {
        let mut lines = Lines::default();
        lines.add(
            "gateway: 10.0.10.1",
            "expe1.txt:27 IP Gateway\rinjected: true\nmore: 1",
        );
        let text = lines.text();
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(!text.contains('\r'), "{text}");
    }

    use super::*;

    #[test]
    fn errors_say_what_to_do_in_one_message() {
        let none = InitError::NoDeployment {
            blocking: Vec::new(),
        };
        assert_eq!(none.to_string(), "the dumps do not make a deployment");
        let two = InitError::NoDeployment {
            blocking: vec!["a".into(), "b".into()],
        };
        assert_eq!(
            two.to_string(),
            "the dumps do not make a deployment:\n  a\n  b"
        );
        assert_eq!(
            parse_dns(&["peer.example.com".into()])
                .unwrap_err()
                .to_string(),
            "--dns `peer.example.com`: expected NAME=ADDRESS"
        );
        assert_eq!(
            parse_dns(&["peer=10.0.0.300".into()])
                .unwrap_err()
                .to_string(),
            "--dns `peer=10.0.0.300`: `10.0.0.300` is not an IPv4 address"
        );
    }

    #[test]
    fn yaml_scalars_read_back() {
        for text in [
            "expe.example.com",
            "UC Traversal",
            "on",
            "7003",
            "a: b",
            "x\"y",
            "10.0.0.1",
        ] {
            let line = format!("k: {}", yaml(text));
            let value: std::collections::BTreeMap<String, String> =
                serde_saphyr::from_str(&line).unwrap();
            assert_eq!(value["k"], text, "{line}");
        }
    }

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative_to(Path::new("/a/b"), Path::new("/a/b/c.txt")),
            "c.txt"
        );
        assert_eq!(
            relative_to(Path::new("/a/b"), Path::new("/a/d/c.txt")),
            "../d/c.txt"
        );
    }
}
