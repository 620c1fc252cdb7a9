use super::{declare_rule, Context};
use crate::finding::{Finding, Location};

declare_rule! {
    /// ## What it does
    /// Flags a name that is used but never defined: an object or object-group in an
    /// access list, NAT rule or group; an access list in an `access-group`; an interface
    /// (`nameif`) in a route, NAT rule or `access-group`; a `name` alias.
    ///
    /// ## Why is this bad?
    /// The ASA refuses the command that uses the name, so the rule you wrote is not in
    /// the running configuration. mralint models the reference as matching nothing, so
    /// the simulation shows what the device really does.
    ///
    /// ## Example
    /// ```text
    /// access-list DMZ_in extended permit tcp object EXPC object EXP-E eq 7003
    /// ! object EXP-E is never defined (the object is EXPE)
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// access-list DMZ_in extended permit tcp object EXPC object EXPE eq 7003
    /// ```
    ///
    /// ## References
    /// - docs/asa-semantics.md#0-structure-and-names (namespaces) and
    ///   docs/asa-semantics.md#15-object-groups
    pub static RULE = {
        code: "OBJ001",
        name: "undefined-reference",
        severity: Error,
        summary: "a name is used but never defined (object, group, ACL, interface)",
    };
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for firewall in cx.configs() {
        for undefined in &firewall.model.undefined {
            out.push(
                RULE.finding(
                    format!("{} `{}` is not defined", undefined.kind, undefined.name),
                    Location::new(
                        firewall.file,
                        undefined.span,
                        format!("no {} of this name", undefined.kind),
                    ),
                )
                .with_help(format!(
                    "define the {} before using it, or correct the name (names are case-sensitive)",
                    undefined.kind
                )),
            );
        }
    }
}
