//! Firepower Threat Defense: what the LINA configuration says about the FMC (or FDM)
//! rules it was written from. FTD's data plane is the ASA code, so everything else in
//! its `show running-config` is modelled as on an ASA; the access control policy appears
//! as `access-list CSM_FW_ACL_ advanced …` entries, each with `rule-id N`, under
//! `remark rule-id N: …` lines that name the policy and the rule.

use std::fmt;

/// Which software wrote the configuration.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Platform {
    #[default]
    Asa,
    /// Firepower Threat Defense (Secure Firewall), managed from FMC or FDM.
    Ftd,
}

impl Platform {
    pub fn is_ftd(self) -> bool {
        self == Platform::Ftd
    }
}

/// The kind of FMC rule an entry comes from, as its remark says.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FmcRuleKind {
    /// `L4 RULE`: an access control rule with layer 3/4 conditions only.
    L4,
    /// `L7 RULE`: an access control rule with application, URL, user or other layer 7
    /// conditions: its LINA entry is broader than the rule, and Snort decides.
    L7,
    /// A prefilter policy rule (`PREFILTER POLICY` remark).
    Prefilter,
    /// No remark names the rule.
    #[default]
    Unknown,
}

/// The FMC rule an entry was written from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FmcRule {
    pub rule_id: u64,
    /// `trust` (access control Trust, prefilter Fastpath): Snort never sees the flow.
    pub trust: bool,
    pub kind: FmcRuleKind,
    /// The rule's name, from `remark rule-id N: L4 RULE: NAME`.
    pub name: Option<String>,
    /// The policy (and section) it belongs to, from `ACCESS POLICY:` or `PREFILTER POLICY:`.
    pub policy: Option<String>,
    /// The `remark rule-id N: …` lines that name it (FTD's packet-tracer quotes them).
    pub remarks: Vec<crate::source::Span>,
    /// Written by FDM (the on-box manager, `NGFW_ONBOX_ACL`) rather than FMC.
    pub fdm: bool,
}

impl FmcRule {
    /// Whether LINA hands an allowed connection to Snort, whose access control and
    /// intrusion or file policy may still block it: a `permit` of the access control
    /// policy. A `trust` is fast-pathed; a prefilter `permit` (Analyze) is settled by
    /// the access control rules LINA cannot show, so it is not this entry's verdict.
    pub fn snort_decides(&self) -> bool {
        !self.trust && self.kind != FmcRuleKind::Prefilter
    }
}

impl FmcRule {
    /// `'Allow-MRA' (rule-id 268435461)`, or `rule-id 268435461` without a name.
    pub fn short(&self) -> String {
        match &self.name {
            Some(name) => format!("'{name}' (rule-id {})", self.rule_id),
            None => format!("rule-id {}", self.rule_id),
        }
    }
}

impl fmt::Display for FmcRule {
    /// `FMC rule 'Allow-MRA' (rule-id 268435461)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match (self.fdm, self.kind) {
            (true, _) => "FDM rule",
            (false, FmcRuleKind::Prefilter) => "FMC prefilter rule",
            (false, _) => "FMC rule",
        };
        match &self.name {
            Some(_) => write!(f, "{what} {}", self.short()),
            None => write!(f, "{what} with rule-id {}", self.rule_id),
        }
    }
}

/// What one `remark rule-id N: …` line says about rule N.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RemarkPart {
    Policy { name: String, prefilter: bool },
    Rule { name: String, kind: FmcRuleKind },
}

/// Reads a remark FMC writes: `rule-id 268435461: L7 RULE: Allow-MRA`,
/// `rule-id 268434432: ACCESS POLICY: FTD-ACP - Default`,
/// `rule-id 9998: PREFILTER POLICY: Default Tunnel and Priority Policy`,
/// `rule-id 9998: RULE: DEFAULT TUNNEL ACTION RULE`. Any other remark gives `None`.
pub fn parse_remark(text: &str) -> Option<(u64, RemarkPart)> {
    let rest = strip_prefix_ci(text.trim(), "rule-id")?.trim_start();
    let (id, rest) = rest.split_once(':')?;
    let id: u64 = id.trim().parse().ok()?;
    let (label, name) = rest.split_once(':')?;
    let name = name.trim().to_string();
    let part = match label.trim().to_ascii_uppercase().as_str() {
        "ACCESS POLICY" => RemarkPart::Policy {
            name,
            prefilter: false,
        },
        "PREFILTER POLICY" => RemarkPart::Policy {
            name,
            prefilter: true,
        },
        "L4 RULE" => RemarkPart::Rule {
            name,
            kind: FmcRuleKind::L4,
        },
        "L7 RULE" => RemarkPart::Rule {
            name,
            kind: FmcRuleKind::L7,
        },
        // Prefilter rules are named `RULE:` (their kind comes from the policy remark);
        // FDM writes other levels too (`L5 RULE:`): a rule, of a kind not known here.
        label if label == "RULE" || label.ends_with(" RULE") => RemarkPart::Rule {
            name,
            kind: FmcRuleKind::Unknown,
        },
        _ => return None,
    };
    Some((id, part))
}

fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// The rule named by the remarks seen so far for `rule_id` (each with its line), with
/// the entry's action.
pub fn rule_from_remarks(
    rule_id: u64,
    trust: bool,
    remarks: &[(RemarkPart, crate::source::Span)],
) -> FmcRule {
    let mut rule = FmcRule {
        rule_id,
        trust,
        remarks: remarks.iter().map(|(_, span)| *span).collect(),
        ..FmcRule::default()
    };
    for (part, _) in remarks {
        match part {
            RemarkPart::Policy { name, prefilter } => {
                rule.policy = Some(name.clone());
                if *prefilter {
                    rule.kind = FmcRuleKind::Prefilter;
                }
            }
            RemarkPart::Rule { name, kind } => {
                rule.name = Some(name.clone());
                if *kind != FmcRuleKind::Unknown {
                    rule.kind = *kind;
                }
            }
        }
    }
    rule
}

/// Whether an ACL name is one FMC or FDM writes for the access control policy.
pub fn is_fmc_acl(name: &str) -> bool {
    name.starts_with("CSM_FW_ACL_") || is_fdm_acl(name)
}

/// FDM's (on-box management's) name for the access control policy's ACL.
pub fn is_fdm_acl(name: &str) -> bool {
    name == "NGFW_ONBOX_ACL"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remarks_fmc_writes() {
        assert_eq!(
            parse_remark("rule-id 268435461: L7 RULE: Allow-MRA"),
            Some((
                268435461,
                RemarkPart::Rule {
                    name: "Allow-MRA".into(),
                    kind: FmcRuleKind::L7
                }
            ))
        );
        assert_eq!(
            parse_remark("rule-id 9998: PREFILTER POLICY: Default Tunnel and Priority Policy"),
            Some((
                9998,
                RemarkPart::Policy {
                    name: "Default Tunnel and Priority Policy".into(),
                    prefilter: true
                }
            ))
        );
        assert_eq!(
            parse_remark("rule-id 268434432: ACCESS POLICY: FTD-ACP - Default"),
            Some((
                268434432,
                RemarkPart::Policy {
                    name: "FTD-ACP - Default".into(),
                    prefilter: false
                }
            ))
        );
        assert!(matches!(
            parse_remark("rule-id 268435480: L5 RULE: Allow-DNS-For-Corporate"),
            Some((
                268435480,
                RemarkPart::Rule {
                    kind: FmcRuleKind::Unknown,
                    ..
                }
            ))
        ));
        assert_eq!(parse_remark("mralint: ignore[MRA001] lab"), None);
        assert_eq!(parse_remark("rule-id x: L4 RULE: a"), None);
        assert_eq!(parse_remark("rule-id 5"), None);
    }

    #[test]
    fn rules_name_themselves_as_fmc_does() {
        let span = crate::source::Span::default();
        let parts = [
            (
                RemarkPart::Policy {
                    name: "Pre".into(),
                    prefilter: true,
                },
                span,
            ),
            (
                RemarkPart::Rule {
                    name: "Fastpath-MRA".into(),
                    kind: FmcRuleKind::Unknown,
                },
                span,
            ),
        ];
        let rule = rule_from_remarks(9, true, &parts);
        assert_eq!(rule.kind, FmcRuleKind::Prefilter);
        assert_eq!(
            rule.to_string(),
            "FMC prefilter rule 'Fastpath-MRA' (rule-id 9)"
        );
        assert!(!rule.snort_decides());
        let permit = rule_from_remarks(7, false, &[]);
        assert_eq!(permit.to_string(), "FMC rule with rule-id 7");
        assert!(permit.snort_decides());
    }
}
