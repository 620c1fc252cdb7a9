use super::{declare_rule, Context};
use crate::finding::{Finding, Location};

declare_rule! {
    /// ## What it does
    /// Flags a command mralint recognises (an interface, route, object, object-group,
    /// NAT rule, access list, access-group or inspection policy line) that does not
    /// follow the ASA's syntax. The finding points at the word where parsing stopped.
    /// Commands mralint does not model are ignored without a finding. Also flags a line
    /// of an Expressway `xconfig` dump that starts like a record (`*c xConfiguration`) but
    /// is not one (no `:` after the path, an unclosed quote); the record is skipped.
    ///
    /// ## Why is this bad?
    /// The ASA rejects the line, so the running configuration differs from the file; and
    /// mralint cannot simulate what it cannot read, so every result that depends on the
    /// line is uncertain. A damaged dump record is a setting mralint does not see.
    ///
    /// ## Example
    /// ```text
    /// route outside 0.0.0.0 255.0.255.0 64.100.0.1
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// route outside 0.0.0.0 0.0.0.0 64.100.0.1
    /// ```
    ///
    /// ## References
    /// - Cisco ASA Series Command Reference
    /// - grammars/asa.ebnf (the subset mralint reads)
    /// - grammars/xconfiguration.ebnf (xConfiguration dumps)
    pub static RULE = {
        code: "SYN001",
        name: "syntax-error",
        severity: Error,
        summary: "a recognised ASA command or xConfiguration record is malformed",
    };
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for firewall in cx.configs() {
        for error in firewall.syntax_errors.iter() {
            out.push(RULE.finding(
                error.message.clone(),
                Location::new(firewall.file, error.span, "not valid here"),
            ));
        }
        for (span, name, first) in &firewall.model.redefined {
            out.push(
                RULE.finding(
                    format!("`{name}` is already defined as an {first}; objects and object-groups share one namespace"),
                    Location::new(firewall.file, *span, "the ASA rejects this definition"),
                )
                .with_help("give the new object or group another name"),
            );
        }
    }
    for dump in cx.project.deployment.iter().flat_map(|d| &d.dumps) {
        for error in &dump.dump.errors {
            out.push(
                RULE.finding(
                    error.message.clone(),
                    Location::new(dump.file, error.span, "not an xConfiguration record"),
                )
                .with_help("capture the dump again, or repair the line as `*c xConfiguration <Path>: \"<Value>\"`; mralint skips it"),
            );
        }
    }
}
