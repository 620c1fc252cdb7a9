//! FTD's language for every finding on a Firepower Threat Defense config: the FMC rule
//! an access-list line was written from, the NAT rule a `nat` line is in FMC's NAT
//! policy, and where to make the change (the manager writes LINA's configuration, so a
//! CLI edit is overwritten at the next deployment). Not a rule: it words other rules'
//! findings.

use std::collections::HashMap;

use crate::finding::{Finding, Location};
use crate::model::{Firewall, FmcRule, FmcRuleKind, NatRule};
use crate::source::{FileId, Span};
use crate::workspace::{FirewallInput, Project};

/// Adds FMC's names to the findings whose lines are in an FTD config.
pub fn annotate(project: &Project, findings: &mut [Finding]) {
    // Each FTD config's lines, indexed once: a large policy may have thousands of findings.
    let mut indexes: HashMap<FileId, Lines<'_>> = HashMap::new();
    for finding in findings.iter_mut() {
        let Some(input) = ftd_input(project, finding.primary.file) else {
            continue;
        };
        let lines = indexes
            .entry(input.file)
            .or_insert_with(|| Lines::of(&input.model));
        let mut help = Vec::new();
        let named = lines.name_location(&mut finding.primary);
        // A rule whose own help already says where in FMC needs no second pointer.
        let says_where = finding
            .help
            .as_deref()
            .is_some_and(|h| h.contains("In FMC") || h.contains("In FDM"));
        if let Some(text) = named.as_ref().filter(|_| !says_where) {
            help.push(text.clone());
        }
        if let Some(h) = finding.help.take() {
            finding.help = Some(as_trust_rules(&h));
        }
        for related in &mut finding.related {
            if related.file == input.file {
                // Only the label: the help speaks of the primary line.
                let _ = lines.name_location(related);
            }
        }
        if let Some(text) = platform_settings_help(finding.code) {
            help.push(text.into());
        } else if named.is_none() && finding.code.starts_with("MRA") {
            help.push(format!(
                "{} is FTD: make the change in FMC (or FDM) and deploy it; LINA's configuration is written by the manager and CLI edits are overwritten",
                input.name
            ));
        }
        if !help.is_empty() {
            let text = help.join("\n");
            finding.help = Some(match finding.help.take() {
                Some(h) => format!("{h}\n{text}"),
                None => text,
            });
        }
    }
}

/// An FTD config's access-list entries with an FMC rule, and its NAT rules with FMC's
/// name for each, by line.
struct Lines<'a> {
    rules: HashMap<Span, &'a FmcRule>,
    nat: HashMap<Span, String>,
}

impl<'a> Lines<'a> {
    fn of(model: &'a Firewall) -> Self {
        let rules = model
            .acls
            .values()
            .flat_map(|acl| &acl.entries)
            .filter_map(|ace| Some((ace.span, ace.fmc.as_ref()?)))
            .collect();
        // Manual NAT rules are numbered within their section, in table order.
        let mut numbered = [0usize; 4];
        let nat = model
            .nat
            .iter()
            .map(|rule| {
                let position = &mut numbered[usize::from(rule.section.min(3))];
                *position += 1;
                (rule.span, nat_rule_name(rule, *position))
            })
            .collect();
        Lines { rules, nat }
    }

    /// Names the FMC rule of an access-list or NAT line in its label; gives the help line
    /// that says where FMC keeps it.
    fn name_location(&self, location: &mut Location) -> Option<String> {
        if let Some(rule) = self.rules.get(&location.span) {
            if !location.label.contains(&rule.to_string()) {
                location.label = format!("{} · {rule}", location.label);
            }
            let place = match rule.kind {
                FmcRuleKind::Prefilter => "Policies > Prefilter",
                _ => "Policies > Access Control",
            };
            let manager = if rule.fdm { "FDM" } else { "FMC" };
            let policy = rule
                .policy
                .as_deref()
                .map_or(String::new(), |p| format!(", policy '{p}'"));
            return Some(format!(
                "In {manager}: this line is the LINA entry of the {rule} ({place}{policy}); make the change there and deploy (CLI edits are overwritten)"
            ));
        }
        let what = self.nat.get(&location.span)?;
        location.label = format!("{} · {what}", location.label);
        Some(format!(
            "In FMC: this line is the {what} of the NAT policy assigned to this device (Devices > NAT; the policy's name is not in the LINA config); make the change there and deploy"
        ))
    }
}

/// Example lines in a help text in FTD's terms: an extended `permit` suggested for
/// `CSM_FW_ACL_` becomes `advanced trust` (an entry FMC writes, never one to type: the
/// help says to add the rule in FMC), and a twice NAT line gets its Manual NAT fields.
fn as_trust_rules(help: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut rewrote = false;
    for line in help.lines() {
        let trimmed = line.trim_start();
        let mut words = trimmed.splitn(4, ' ');
        match (words.next(), words.next(), words.next(), words.next()) {
            (Some("access-list"), Some(acl), Some("extended"), Some(rest))
                if crate::model::ftd::is_fmc_acl(acl) && rest.starts_with("permit ") =>
            {
                let indent = &line[..line.len() - trimmed.len()];
                out.push(format!(
                    "{indent}access-list {acl} advanced trust {}",
                    &rest["permit ".len()..]
                ));
                rewrote = true;
            }
            (Some("nat"), ..) => {
                out.push(line.to_string());
                if let Some(fields) = manual_nat_fields(trimmed) {
                    let indent = &line[..line.len() - trimmed.len()];
                    out.push(format!("{indent}({fields})"));
                }
            }
            _ => out.push(line.to_string()),
        }
    }
    if rewrote {
        out.push("(on FTD: add a Trust rule with these conditions above it in FMC's access control policy; LINA then shows it as these `advanced trust` entries)".into());
    }
    out.join("\n")
}

/// Where FMC keeps what a finding about a global setting asks to change.
fn platform_settings_help(code: &str) -> Option<&'static str> {
    match code {
        "MRA006" => Some("On FTD, inspection is changed with FlexConfig (Devices > FlexConfig: the predefined Default_Inspection_Protocol_Disable object), then deployed"),
        "MRA011" => Some("On FTD, the connection idle timeout is in FMC's Platform Settings policy (Devices > Platform Settings > Timeouts: Conn), then deployed"),
        _ => None,
    }
}

/// A twice NAT line of a help text in FMC's words: a Manual NAT rule's fields.
fn manual_nat_fields(line: &str) -> Option<String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let (interfaces, rest) = match words.as_slice() {
        ["nat", interfaces, rest @ ..] => (interfaces.strip_prefix('(')?.strip_suffix(')')?, rest),
        _ => return None,
    };
    let (real, mapped) = interfaces.split_once(',')?;
    let (kind, original_source, translated_source, rest) = match rest {
        ["source", kind, original, translated, rest @ ..] => (*kind, *original, *translated, rest),
        _ => return None,
    };
    let mut fields = format!(
        "FMC Manual NAT rule: type {}, source interface {real}, destination interface {mapped}, original source {original_source}, translated source {}",
        if kind == "static" { "Static" } else { "Dynamic" },
        if translated_source == "interface" { "Destination Interface IP" } else { translated_source }
    );
    if let ["destination", "static", original, translated, ..] = rest {
        fields.push_str(&format!(
            ", original destination {original}, translated destination {translated}"
        ));
    }
    Some(fields)
}

/// The project's FTD firewall whose config is this file, if any.
fn ftd_input(project: &Project, file: FileId) -> Option<&FirewallInput> {
    project
        .firewalls
        .iter()
        .find(|f| f.file == file && f.platform.is_ftd())
}

/// FMC's name for a NAT rule at this 1-based position of its section: `Manual NAT rule #2
/// (NAT Rules Before)`, `Auto NAT rule of object EXPE`, `Manual NAT rule #1 (NAT Rules
/// After)`.
fn nat_rule_name(rule: &NatRule, position: usize) -> String {
    if let Some(object) = &rule.object {
        return format!("Auto NAT rule of object {object}");
    }
    let section = if rule.section == 3 {
        "NAT Rules After"
    } else {
        "NAT Rules Before"
    };
    format!("Manual NAT rule #{position} ({section})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_lines_in_fmc_terms() {
        let help = "permit them, e.g.\n  access-list CSM_FW_ACL_ extended permit tcp host 10.0.30.2 host 10.0.20.2 eq 2222\n  access-list OTHER extended permit ip any any";
        let out = as_trust_rules(help);
        assert!(out.contains("  access-list CSM_FW_ACL_ advanced trust tcp host 10.0.30.2 host 10.0.20.2 eq 2222"), "{out}");
        assert!(out.contains("access-list OTHER extended permit ip any any"));
        assert!(out.ends_with("`advanced trust` entries)"));
        let out = as_trust_rules("  nat (inside,dmz) source static INSIDE-NET INSIDE-NET destination static EXPE-PUBLIC EXPE");
        assert!(out.contains("(FMC Manual NAT rule: type Static, source interface inside, destination interface dmz, original source INSIDE-NET, translated source INSIDE-NET, original destination EXPE-PUBLIC, translated destination EXPE)"), "{out}");
        assert_eq!(as_trust_rules("nothing to rewrite"), "nothing to rewrite");
        assert_eq!(manual_nat_fields("nat inside"), None);
    }
}
