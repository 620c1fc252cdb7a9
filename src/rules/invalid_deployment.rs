use super::{declare_rule, Context};
use crate::finding::{Finding, Location};

declare_rule! {
    /// ## What it does
    /// Flags a deployment file that mralint cannot use: YAML that does not parse, an
    /// unknown or missing field, a value of the wrong type, an address that is not an
    /// IPv4 address, a traversal peer that is neither an address nor a name in `dns`, a
    /// node or firewall name used twice, a config file that cannot be read, or a setting
    /// that contradicts another (`demux_ports` on a large system, `lan2` on single NIC).
    ///
    /// ## Why is this bad?
    /// The flows mralint simulates come from this file. A deployment it cannot read
    /// cannot be checked, so no MRA rule runs until the file is fixed.
    ///
    /// ## Example
    /// ```yaml
    /// traversal_zones:
    ///   - name: UCTraversal
    ///     type: unified-communications
    ///     port: 7003
    ///     peers: [expe.exmaple.com]   # not in `dns`
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    ///     peers: [expe.example.com]
    /// ```
    ///
    /// ## References
    /// - README.md#the-deployment-file and grammars/deployment.schema.json
    pub static RULE = {
        code: "DEP001",
        name: "invalid-deployment",
        severity: Error,
        summary: "the deployment file is invalid",
    };
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(input) = &cx.project.deployment else {
        return;
    };
    for error in &input.errors {
        out.push(RULE.finding(
            error.message.clone(),
            Location::new(error.file.unwrap_or(input.file), error.span, "invalid"),
        ));
    }
    if let (Some(Err(message)), Some((deployment, file))) = (&cx.internet_entry, cx.deployment()) {
        let span = match &deployment.internet {
            Some((firewall, _)) => firewall.span,
            None => deployment
                .firewalls
                .first()
                .map(|f| f.name.span)
                .unwrap_or_default(),
        };
        out.push(RULE.finding(
            format!("cannot tell where internet traffic enters: {message}"),
            Location::new(file, span, "internet flows need an entry point"),
        ));
    }
}
