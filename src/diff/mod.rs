//! Change review: two states of the same configs (before and after a change), linted and
//! simulated each, then compared. Findings pair up by their identities
//! ([`crate::fingerprint`]), never by line number; flows pair up by a key naming their
//! kind, nodes, zone, protocol and ports, and are compared on everything but line numbers.

pub mod git;
pub mod outcome;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::finding::{Finding, Severity};
use crate::fingerprint::{self, Identity};
use crate::settings::Settings;
use crate::source::{display_path, normalize_path, FileId};
use crate::workspace::Project;
use outcome::{ConfigLine, FlowGroup, FlowRecord, Outcome};

/// How one state names its files: by a path both states share, and by the path shown.
#[derive(Clone, Debug)]
pub struct Naming {
    /// The folder shared paths are relative to (absolute, normalised).
    root: PathBuf,
    /// A lone file compared with a differently named one: its absolute path and the
    /// shared name both states use for it.
    alias: Option<(PathBuf, String)>,
    /// Shown paths are `{prefix}{shared path}` (e.g. `HEAD~1:fw/asa.cfg`); without a
    /// prefix, the path as read.
    shown_prefix: Option<String>,
}

impl Naming {
    pub fn new(root: &Path) -> Self {
        // A file's parent is `` when the file was named without a folder.
        let root = if root.as_os_str().is_empty() {
            Path::new(".")
        } else {
            root
        };
        Naming {
            root: normalize_path(root),
            alias: None,
            shown_prefix: None,
        }
    }

    /// The file at `path` is known to both states as `shared`.
    pub fn with_alias(mut self, path: &Path, shared: &str) -> Self {
        self.alias = Some((normalize_path(path), shared.to_string()));
        self
    }

    /// Show files as `{prefix}{shared path}`.
    pub fn shown_as(mut self, prefix: &str) -> Self {
        self.shown_prefix = Some(prefix.to_string());
        self
    }

    pub fn shared(&self, path: &Path) -> String {
        let absolute = normalize_path(path);
        if let Some((file, shared)) = &self.alias {
            if *file == absolute {
                return shared.clone();
            }
        }
        match absolute.strip_prefix(&self.root) {
            Ok(relative) => display_path(relative),
            Err(_) => display_path(path),
        }
    }

    /// The path for machine formats (SARIF URIs): the shared path for a revision, whose
    /// shown form is no path at all.
    pub fn uri(&self, path: &Path) -> String {
        match &self.shown_prefix {
            Some(_) => self.shared(path),
            None => display_path(path),
        }
    }

    pub fn shown(&self, path: &Path) -> String {
        match &self.shown_prefix {
            Some(prefix) => format!("{prefix}{}", self.shared(path)),
            None => display_path(path),
        }
    }
}

/// One project of a state, linted and simulated.
#[derive(Debug)]
pub struct LintedProject {
    pub project: Project,
    /// After the run's settings; suppressed findings included.
    pub findings: Vec<Finding>,
    /// Per file: its path shared by both states.
    pub shared: Vec<String>,
    /// Per file: its path as outputs show it.
    pub shown: Vec<String>,
    /// Per file: its path in SARIF URIs.
    pub uri: Vec<String>,
    pub identities: Vec<Identity>,
    pub flows: Vec<FlowRecord>,
}

impl LintedProject {
    pub fn new(project: Project, settings: &Settings, naming: &Naming) -> Self {
        // The review shows every flow, whichever rules are selected: simulated in full,
        // once, for the rules and the flow records alike.
        let analysis = crate::mra::Analysis::of(&project);
        let findings = settings.apply(crate::rules::run_analysed(&project, &analysis, &|c| {
            settings.is_enabled(c)
        }));
        let files: Vec<_> = project
            .sources
            .iter()
            .map(|(_, f)| f.path.clone())
            .collect();
        let shared: Vec<String> = files.iter().map(|p| naming.shared(p)).collect();
        let shown = files.iter().map(|p| naming.shown(p)).collect();
        let uri = files.iter().map(|p| naming.uri(p)).collect();
        let identities = findings
            .iter()
            .map(|f| Identity::of(f, &project.sources, &shared[f.primary.file.0]))
            .collect();
        let flows = outcome::records(&project, &analysis, &|id: FileId| shared[id.0].clone());
        LintedProject {
            findings,
            identities,
            flows,
            shared,
            shown,
            uri,
            project,
        }
    }
}

/// The configs in one state: before or after the change.
#[derive(Debug)]
pub struct State {
    /// How outputs name the state: a folder, a file, or a git revision.
    pub label: String,
    pub projects: Vec<LintedProject>,
    /// Per shared path: the statements of the file, to tell added and removed lines.
    statements: HashMap<String, HashSet<String>>,
}

impl State {
    pub fn new(label: impl Into<String>, projects: Vec<LintedProject>) -> Self {
        let mut statements: HashMap<String, HashSet<String>> = HashMap::new();
        for p in &projects {
            for (id, file) in p.project.sources.iter() {
                statements
                    .entry(p.shared[id.0].clone())
                    .or_insert_with(|| outcome::statements(file));
            }
        }
        State {
            label: label.into(),
            projects,
            statements,
        }
    }

    /// Whether a statement is in this state's copy of a file.
    pub fn has_statement(&self, line: &ConfigLine) -> bool {
        self.statements
            .get(&line.file)
            .is_some_and(|s| s.contains(&line.text))
    }

    /// Every finding with its project.
    fn findings(&self) -> impl Iterator<Item = FindingAt> + '_ {
        self.projects.iter().enumerate().flat_map(|(p, project)| {
            (0..project.findings.len()).map(move |f| FindingAt {
                project: p,
                finding: f,
            })
        })
    }

    pub fn finding(&self, at: FindingAt) -> &Finding {
        &self.projects[at.project].findings[at.finding]
    }

    pub fn project_of(&self, at: FindingAt) -> &LintedProject {
        &self.projects[at.project]
    }

    /// `asa.cfg:61` (shared path) and the shown path of a finding's primary location.
    pub fn place(&self, at: FindingAt) -> Place {
        let project = self.project_of(at);
        let finding = self.finding(at);
        let file = project.project.sources.get(finding.primary.file);
        let (line, column) = file.line_col(finding.primary.span.start);
        Place {
            shared: project.shared[finding.primary.file.0].clone(),
            shown: project.shown[finding.primary.file.0].clone(),
            line,
            column,
            text: fingerprint::normalized_line(&project.project.sources, finding),
        }
    }

    /// Every flow record of every project, in simulation order.
    pub fn flows(&self) -> impl Iterator<Item = &FlowRecord> {
        self.projects.iter().flat_map(|p| p.flows.iter())
    }

    /// The shown path of a shared one.
    pub fn shown_path(&self, shared: &str) -> String {
        self.projects
            .iter()
            .find_map(|p| {
                p.shared
                    .iter()
                    .position(|s| s == shared)
                    .map(|i| p.shown[i].clone())
            })
            .unwrap_or_else(|| shared.to_string())
    }
}

/// A finding of a state: its project and its index there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FindingAt {
    pub project: usize,
    pub finding: usize,
}

/// Where a finding points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    pub shared: String,
    pub shown: String,
    pub line: usize,
    pub column: usize,
    /// The normalised text of the line.
    pub text: String,
}

/// What a change did to one finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FindingChange {
    /// Only after the change (or its suppression was removed).
    Introduced { new: FindingAt },
    /// Still there, and it now also covers the flows of these notes.
    Worsened {
        old: FindingAt,
        new: FindingAt,
        added_notes: Vec<String>,
    },
    /// Only before the change.
    Fixed { old: FindingAt },
    /// Both before and after (possibly on a moved or edited line, or for another cause).
    Unchanged { old: FindingAt, new: FindingAt },
    /// After the change a suppression comment silences it (`old` is `None` when the
    /// change introduced it already suppressed).
    Suppressed {
        old: Option<FindingAt>,
        new: FindingAt,
    },
}

/// How a flow's outcome changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FlowChangeKind {
    /// It met what MRA needs (or did not exist) and now does not.
    Broken,
    /// It did not meet what MRA needs and now does.
    Repaired,
    /// Another outcome, or another deciding line, with the same health.
    Changed,
    /// A flow the change adds (a new node, zone or port) that works.
    Added,
    /// A flow the change takes away.
    Removed,
}

impl FlowChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FlowChangeKind::Broken => "broken",
            FlowChangeKind::Repaired => "repaired",
            FlowChangeKind::Changed => "changed",
            FlowChangeKind::Added => "added",
            FlowChangeKind::Removed => "removed",
        }
    }
}

/// A flow whose outcome the change altered.
#[derive(Clone, Debug)]
pub struct FlowChange {
    pub kind: FlowChangeKind,
    pub key: String,
    pub group: FlowGroup,
    pub title: String,
    pub before: Option<Outcome>,
    pub after: Option<Outcome>,
    /// One sentence: what changed, before → after, with the deciding line.
    pub headline: String,
    /// Only the deciding lines changed, not where the flow went or how it arrived.
    pub same_outcome: bool,
}

/// The comparison of two states.
#[derive(Debug)]
pub struct Diff {
    pub old: State,
    pub new: State,
    pub findings: Vec<FindingChange>,
    pub flows: Vec<FlowChange>,
    /// Flows that do not meet what MRA needs in both states and did not change.
    pub still_broken: Vec<FlowRecord>,
    /// How many flows the new state simulated.
    pub flows_simulated: usize,
}

impl Diff {
    /// Compares two states.
    pub fn new(old: State, new: State) -> Self {
        let findings = compare_findings(&old, &new);
        let (flows, still_broken) = compare_flows(&old, &new);
        let flows_simulated = new.flows().count();
        Diff {
            old,
            new,
            findings,
            flows,
            still_broken,
            flows_simulated,
        }
    }

    /// The findings the change brings in or makes worse, in the new state.
    pub fn new_findings(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter_map(|c| match c {
            FindingChange::Introduced { new } | FindingChange::Worsened { new, .. } => {
                Some(self.new.finding(*new))
            }
            _ => None,
        })
    }

    /// Whether the change fails review: a new (or worsened) finding at or above the
    /// threshold. Old debt never fails it.
    pub fn fails(&self, fail_on: Option<Severity>) -> bool {
        fail_on.is_some_and(|threshold| self.new_findings().any(|f| f.severity >= threshold))
    }

    pub fn count(&self, kind: fn(&FindingChange) -> bool) -> usize {
        self.findings.iter().filter(|c| kind(c)).count()
    }

    pub fn flows_of(&self, kind: FlowChangeKind) -> usize {
        self.flows.iter().filter(|f| f.kind == kind).count()
    }
}

fn compare_findings(old: &State, new: &State) -> Vec<FindingChange> {
    let old_at: Vec<FindingAt> = old.findings().collect();
    let new_at: Vec<FindingAt> = new.findings().collect();
    let identity =
        |state: &State, at: &FindingAt| state.projects[at.project].identities[at.finding].clone();
    let pairing = fingerprint::pair(
        &old_at.iter().map(|a| identity(old, a)).collect::<Vec<_>>(),
        &new_at.iter().map(|a| identity(new, a)).collect::<Vec<_>>(),
    );
    let mut changes = Vec::new();
    for (i, j) in pairing.matched {
        let (o, n) = (old_at[i], new_at[j]);
        let (before, after) = (old.finding(o), new.finding(n));
        let change = match (before.suppressed.is_some(), after.suppressed.is_some()) {
            (true, true) => continue,
            (false, true) => FindingChange::Suppressed {
                old: Some(o),
                new: n,
            },
            (true, false) => FindingChange::Introduced { new: n },
            (false, false) => {
                // Worse when it now covers flows it did not: the change broke them too.
                let flows_before = fingerprint::flows(before);
                let added_notes: Vec<String> = after
                    .notes
                    .iter()
                    .filter(|note| !crate::finding::is_confirmation(note))
                    .filter(|note| !crate::finding::is_fix_note(note))
                    .filter(|note| !flows_before.contains(&fingerprint::flow_of_note(note)))
                    .cloned()
                    .collect();
                if added_notes.is_empty() {
                    FindingChange::Unchanged { old: o, new: n }
                } else {
                    FindingChange::Worsened {
                        old: o,
                        new: n,
                        added_notes,
                    }
                }
            }
        };
        changes.push(change);
    }
    for j in pairing.only_new {
        let n = new_at[j];
        changes.push(if new.finding(n).suppressed.is_some() {
            FindingChange::Suppressed { old: None, new: n }
        } else {
            FindingChange::Introduced { new: n }
        });
    }
    for i in pairing.only_old {
        let o = old_at[i];
        if old.finding(o).suppressed.is_none() {
            changes.push(FindingChange::Fixed { old: o });
        }
    }
    // New-state order (file, position, code) for what exists after, then old order.
    let position = |c: &FindingChange| match c {
        FindingChange::Introduced { new }
        | FindingChange::Worsened { new, .. }
        | FindingChange::Unchanged { new, .. }
        | FindingChange::Suppressed { new, .. } => (0, new.project, new.finding),
        FindingChange::Fixed { old } => (1, old.project, old.finding),
    };
    changes.sort_by_key(position);
    changes
}

fn compare_flows(old: &State, new: &State) -> (Vec<FlowChange>, Vec<FlowRecord>) {
    let before: HashMap<&str, &FlowRecord> = old.flows().map(|f| (f.key.as_str(), f)).collect();
    let after_keys: HashSet<&str> = new.flows().map(|f| f.key.as_str()).collect();
    let mut changes = Vec::new();
    let mut still_broken = Vec::new();
    for after in new.flows() {
        let prior = before.get(after.key.as_str()).copied();
        let was = prior.map(|p| &p.outcome);
        let now = &after.outcome;
        let kind = match was {
            Some(was) if was.signature() == now.signature() => {
                if now.healthy == Some(false) {
                    still_broken.push(after.clone());
                }
                continue;
            }
            Some(was) => match (was.healthy, now.healthy) {
                (Some(true) | None, Some(false)) => FlowChangeKind::Broken,
                (Some(false), Some(true) | None) => FlowChangeKind::Repaired,
                _ => FlowChangeKind::Changed,
            },
            None if now.healthy == Some(false) => FlowChangeKind::Broken,
            None => FlowChangeKind::Added,
        };
        changes.push(FlowChange {
            kind,
            key: after.key.clone(),
            group: after.group,
            title: after.title.clone(),
            before: was.cloned(),
            after: Some(now.clone()),
            headline: headline(was, Some(now), old, new),
            same_outcome: was.is_some_and(|w| same_path(w, now)),
        });
    }
    for prior in old.flows() {
        if !after_keys.contains(prior.key.as_str()) {
            changes.push(FlowChange {
                kind: FlowChangeKind::Removed,
                key: prior.key.clone(),
                group: prior.group,
                title: prior.title.clone(),
                before: Some(prior.outcome.clone()),
                after: None,
                headline: headline(Some(&prior.outcome), None, old, new),
                same_outcome: false,
            });
        }
    }
    (changes, still_broken)
}

/// Whether two outcomes went the same way and arrived the same, whatever lines decided.
fn same_path(a: &Outcome, b: &Outcome) -> bool {
    a.end == b.end
        && a.arrived == b.arrived
        && a.port_may_change == b.port_may_change
        && a.route() == b.route()
}

/// `"nat (inside,dmz) …" (asa.cfg:61, added)` for a line of the new state.
pub fn cite_new(line: &ConfigLine, old: &State) -> String {
    let status = if old.has_statement(line) {
        String::new()
    } else {
        ", added".into()
    };
    format!("`{}` ({}:{}{status})", line.text, line.file, line.line)
}

/// `"nat (inside,dmz) …" (asa.cfg:60, removed)` for a line of the old state.
pub fn cite_old(line: &ConfigLine, new: &State) -> String {
    let status = if new.has_statement(line) {
        "before the change"
    } else {
        "removed"
    };
    format!("`{}` ({}:{}, {status})", line.text, line.file, line.line)
}

/// `10.0.30.2:25000`
fn source_of(packet: &crate::eval::Packet) -> String {
    format!("{}:{}", packet.source, packet.source_port)
}

/// One sentence saying what changed for a flow, the deciding line of each side quoted.
pub fn headline(
    before: Option<&Outcome>,
    after: Option<&Outcome>,
    old: &State,
    new: &State,
) -> String {
    let (was, now) = match (before, after) {
        (Some(was), Some(now)) => (was, now),
        (None, Some(now)) => {
            return format!(
                "new flow: {}",
                describe_with_reason(now, |l| cite_new(l, old))
            )
        }
        (Some(was), None) => {
            return format!(
                "no longer simulated (the change removed its node, zone or port); it was {}",
                was.end.phrase()
            )
        }
        (None, None) => return String::new(),
    };
    if was.end != now.end {
        let by_was = match (&was.end, was.drop_line()) {
            (outcome::EndState::Dropped { .. }, Some(line)) => {
                format!(" by {}", cite_old(line, new))
            }
            _ => String::new(),
        };
        let by_now = match (&now.end, now.drop_line(), now.permit_line()) {
            (outcome::EndState::Dropped { .. }, Some(line), _) => {
                format!(" by {}", cite_new(line, old))
            }
            (outcome::EndState::Delivered(_), _, Some(line)) => {
                format!(", permitted by {}", cite_new(line, old))
            }
            _ => String::new(),
        };
        let lost = no_longer_applies(was, now)
            .map(|line| format!("; {} no longer applies", cite_old(line, new)))
            .unwrap_or_default();
        return format!(
            "{}{by_was} → now {}{by_now}{lost}",
            was.end.phrase(),
            now.end.phrase()
        );
    }
    if was.source_translated() != now.source_translated()
        || was.arrived.source != now.arrived.source
    {
        let pat = |o: &Outcome| {
            if o.port_may_change {
                " (PAT)"
            } else {
                ""
            }
        };
        let before_text = if was.source_translated() {
            format!(
                "{} with source translated to {}{}{}",
                was.end.phrase(),
                source_of(&was.arrived),
                pat(was),
                was.source_rule()
                    .map(|l| format!(" by {}", cite_old(l, new)))
                    .unwrap_or_default()
            )
        } else {
            format!(
                "{} with source {}",
                was.end.phrase(),
                source_of(&was.arrived)
            )
        };
        let after_text = if now.source_translated() {
            format!(
                "now translated to {}{}{}",
                source_of(&now.arrived),
                pat(now),
                now.source_rule()
                    .map(|l| format!(" by {}", cite_new(l, old)))
                    .unwrap_or_default()
            )
        } else {
            format!(
                "now arrives with its own source {}",
                source_of(&now.arrived)
            )
        };
        return format!("{before_text} → {after_text}");
    }
    if was.arrived.destination != now.arrived.destination
        || was.arrived.destination_port != now.arrived.destination_port
    {
        return format!(
            "reached {}:{} → now reaches {}:{}",
            was.arrived.destination,
            was.arrived.destination_port,
            now.arrived.destination,
            now.arrived.destination_port
        );
    }
    if was.route() != now.route() {
        return format!(
            "crossed {} → now crosses {}",
            was.route().join(", "),
            now.route().join(", ")
        );
    }
    // Same outcome: the deciding lines differ.
    let lines = |o: &Outcome| -> Vec<ConfigLine> {
        o.hops
            .iter()
            .flat_map(|h| h.steps.iter().flat_map(|s| s.lines.iter().cloned()))
            .collect()
    };
    let (was_lines, now_lines) = (lines(was), lines(now));
    let differing = was_lines
        .iter()
        .zip(&now_lines)
        .find(|(a, b)| a.file != b.file || a.text != b.text);
    match differing {
        Some((a, b)) => format!(
            "same outcome ({}), now decided by {} instead of {}",
            now.end.phrase(),
            cite_new(b, old),
            cite_old(a, new)
        ),
        None => format!(
            "same outcome ({}), decided by other lines",
            now.end.phrase()
        ),
    }
}

/// The first un-NAT, access or NAT line the old path relied on that the new path does
/// not use: often the line whose meaning the change took away (an object renamed under
/// it, a port taken out of its group).
fn no_longer_applies<'a>(was: &'a Outcome, now: &Outcome) -> Option<&'a ConfigLine> {
    let used_now: HashSet<(&str, &str)> = now
        .hops
        .iter()
        .flat_map(|h| h.steps.iter().flat_map(|s| s.lines.iter()))
        .map(|l| (l.file.as_str(), l.text.as_str()))
        .collect();
    was.hops
        .iter()
        .flat_map(|h| h.steps.iter())
        .filter(|s| {
            s.allowed
                && matches!(
                    s.kind,
                    crate::eval::PhaseKind::UnNat
                        | crate::eval::PhaseKind::AccessList
                        | crate::eval::PhaseKind::Nat
                )
        })
        .filter_map(|s| s.deciding_line())
        .find(|l| !used_now.contains(&(l.file.as_str(), l.text.as_str())))
}

/// An outcome with the line that explains it.
fn describe_with_reason(outcome: &Outcome, cite: impl Fn(&ConfigLine) -> String) -> String {
    let mut text = outcome.end.phrase();
    if let Some(line) = outcome.drop_line() {
        text.push_str(&format!(" by {}", cite(line)));
    } else if outcome.source_translated() {
        text.push_str(&format!(
            " with source translated to {}",
            source_of(&outcome.arrived)
        ));
        if let Some(line) = outcome.source_rule() {
            text.push_str(&format!(" by {}", cite(line)));
        }
    }
    text
}
