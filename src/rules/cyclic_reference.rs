use super::{declare_rule, Context};
use crate::finding::{Finding, Location};

declare_rule! {
    /// ## What it does
    /// Flags an object-group that contains itself, directly or through other groups.
    ///
    /// ## Why is this bad?
    /// The ASA refuses the `group-object` line that closes the cycle, so the group holds
    /// less than the configuration says; mralint ignores the cyclic member the same way.
    ///
    /// ## Example
    /// ```text
    /// object-group network EXPRESSWAYS
    ///  group-object EDGE
    /// object-group network EDGE
    ///  group-object EXPRESSWAYS
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// object-group network EDGE
    ///  network-object host 10.0.10.2
    /// ```
    ///
    /// ## References
    /// - docs/asa-semantics.md#15-object-groups (groups nest; cycles are invalid)
    pub static RULE = {
        code: "OBJ003",
        name: "cyclic-reference",
        severity: Error,
        summary: "an object-group that contains itself, directly or through others",
    };
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for input in cx.configs() {
        for (span, named, inside) in &input.model.cycles {
            let message = if named == inside {
                format!("object-group `{named}` includes itself")
            } else {
                format!("object-group `{named}` contains itself: `{inside}` includes `{named}`, which leads back to `{inside}`")
            };
            out.push(
                RULE.finding(message, Location::new(input.file, *span, "closes a cycle"))
                    .with_help("remove this `group-object` line or restructure the groups"),
            );
        }
    }
}
