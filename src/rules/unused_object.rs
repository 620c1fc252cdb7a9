use super::{declare_rule, Context};
use crate::finding::{Finding, Location};

declare_rule! {
    /// ## What it does
    /// Flags an `object network`, `object service` or `object-group` that nothing refers
    /// to: no access list, NAT rule, group or other command names it. An object with its
    /// own object NAT rule is in use.
    ///
    /// ## Why is this bad?
    /// Dead objects make a configuration harder to read and review, and a stale object
    /// that looks in use invites the wrong edit.
    ///
    /// ## Example
    /// ```text
    /// object network OLD-EXPE
    ///  host 10.0.10.9
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// no object network OLD-EXPE
    /// ```
    ///
    /// ## References
    /// - Cisco ASA Series Firewall CLI Configuration Guide, Objects for access control
    pub static RULE = {
        code: "OBJ002",
        name: "unused-object",
        severity: Advice,
        summary: "an object or group nothing refers to",
    };
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for input in cx.configs() {
        let model = &input.model;
        for (name, kind, span) in &model.definitions {
            if !model.used.contains(name) {
                out.push(
                    RULE.finding(
                        format!("{kind} `{name}` is not used"),
                        Location::new(input.file, *span, "nothing refers to it"),
                    )
                    .with_help(format!("remove it (`no {kind} {name}`) or use it")),
                );
            }
        }
    }
}
