use super::{declare_rule, Context};
use crate::finding::{Finding, Location};

declare_rule! {
    /// ## What it does
    /// Compares every value the deployment file gives with the same value in the
    /// Expressways' `xconfig` dumps: C's node addresses, E's NIC design, interfaces,
    /// static NAT, gateway and routes, the traversal zones (port, type, peers), the media
    /// range, the demultiplexing ports, TURN and IM and Presence. A value given in both
    /// that differs is flagged, with a label in the deployment file and one on the dump
    /// line. The checks use the dump's value.
    ///
    /// ## Why is this bad?
    /// The hand-written description is what reviewers read; the dump is what the
    /// Expressway runs. When they differ, the description is wrong in exactly the way
    /// that breaks MRA without anyone noticing: a static NAT address that changed, a
    /// traversal zone moved to another port, a second NIC turned on.
    ///
    /// ## Example
    /// ```yaml
    /// expressway_e:
    ///   xconfig: [expe1.txt]      # Ethernet 1 IP V4 StaticNAT Address: "64.100.0.10"
    ///   nic: single
    ///   size: medium
    ///   nodes:
    ///     - { name: expe1, lan1: 10.0.10.2/24, static_nat: 64.100.0.11 }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    ///     - { name: expe1, lan1: 10.0.10.2/24, static_nat: 64.100.0.10 }
    /// ```
    /// or leave `nodes` out and let the dump describe the node; re-capture the dump
    /// (`xConfiguration` over SSH) when the Expressway changed.
    ///
    /// ## References
    /// - Cisco Expressway Administrator Guide, Command Reference — xConfiguration
    /// - mralint README, "Reading xConfiguration dumps"
    pub static RULE = {
        code: "DEP002",
        name: "deployment-xconfig-mismatch",
        severity: Error,
        summary: "the deployment file and an Expressway's xConfiguration dump disagree",
    };
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(input) = &cx.project.deployment else {
        return;
    };
    for mismatch in &input.mismatches {
        out.push(
            RULE.finding(
                mismatch.message.clone(),
                Location::new(input.file, mismatch.yaml, mismatch.yaml_label.clone()),
            )
            .with_related(Location::new(
                mismatch.dump_file,
                mismatch.dump,
                mismatch.dump_label.clone(),
            ))
            .with_help("the checks use the dump's value, what the Expressway runs: correct this file (or leave the value out and let the dump give it), or re-capture the dump if the Expressway has changed"),
        );
    }
}
