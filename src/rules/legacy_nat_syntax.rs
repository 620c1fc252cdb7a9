use super::{declare_rule, Context};
use crate::finding::{Finding, Location};

declare_rule! {
    /// ## What it does
    /// Flags pre-8.3 NAT commands: `nat (IFC) ID …`, `global (IFC) ID …`,
    /// `static (REAL,MAPPED) …` and `nat-control`.
    ///
    /// ## Why is this bad?
    /// ASA 8.3 replaced these with object NAT and twice NAT; a current ASA rejects them,
    /// and mralint simulates only 8.3+ NAT. A config mixing both is a migration left half
    /// done, and any translation the old lines describe is missing from the simulation.
    ///
    /// ## Example
    /// ```text
    /// static (dmz,outside) 64.100.0.10 10.0.10.2 netmask 255.255.255.255
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// object network EXPE
    ///  host 10.0.10.2
    ///  nat (dmz,outside) static 64.100.0.10
    /// ```
    ///
    /// ## References
    /// - docs/asa-semantics.md#0-structure-and-names; Cisco ASA 8.3 NAT migration guide
    pub static RULE = {
        code: "NAT002",
        name: "legacy-nat-syntax",
        severity: Error,
        summary: "pre-8.3 NAT commands that the simulator cannot model",
    };
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for firewall in cx.configs() {
        for &span in &firewall.model.legacy_nat {
            out.push(
                RULE.finding(
                    "pre-8.3 NAT command: mralint simulates ASA 8.3+ NAT only",
                    Location::new(firewall.file, span, "legacy NAT syntax"),
                )
                .with_help("migrate to object NAT (`object network` + ` nat`) or twice NAT (`nat (real,mapped) source …`)"),
            );
        }
    }
}
