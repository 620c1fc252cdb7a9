use super::{declare_rule, Context};
use crate::finding::{Finding, Location};

declare_rule! {
    /// ## What it does
    /// Flags an extended access list that nothing refers to: no `access-group`
    /// (in, out, global or control-plane), no class-map `match access-list`, and no other
    /// command that names it (`crypto map … match address`, `group-policy … vpn-filter` or
    /// `split-tunnel-network-list`, `route-map … match ip address`, `capture … access-list`,
    /// and any other command mralint does not model). 8.3+ NAT never uses access lists.
    ///
    /// ## Why is this bad?
    /// It filters nothing. Usually it is left over from a migration, or a typo in the
    /// `access-group` line leaves the interface unfiltered while the list looks right.
    ///
    /// ## Example
    /// ```text
    /// access-list OUTSIDE_IN extended permit tcp any host 10.0.10.2 eq 5061
    /// access-group OUTSIDE_in in interface outside
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// access-group OUTSIDE_IN in interface outside
    /// ```
    ///
    /// ## References
    /// - Cisco ASA Series Firewall CLI Configuration Guide, Access rules
    pub static RULE = {
        code: "ACL002",
        name: "unapplied-acl",
        severity: Advice,
        summary: "an extended ACL that nothing refers to",
    };
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for input in cx.configs() {
        let model = &input.model;
        for acl in model.acls.values().filter(|a| a.extended) {
            if !model.acl_references.contains(&acl.name) {
                out.push(
                    RULE.finding(
                        format!("access list `{}` is not applied anywhere", acl.name),
                        Location::new(input.file, acl.span, "nothing refers to this list"),
                    )
                    .with_help(format!(
                        "bind it (`access-group {} in interface NAME`) or remove it",
                        acl.name
                    )),
                );
            }
        }
    }
}
