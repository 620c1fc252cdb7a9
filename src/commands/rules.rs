//! `mralint rules`: every rule's code, name, default severity and summary.

use super::explain::explain_text;
use super::{print, EXIT_CLEAN};
use crate::cli::RulesFormat;

pub fn run(format: RulesFormat) -> u8 {
    let out = match format {
        RulesFormat::Human => crate::rules::ALL
            .iter()
            .map(|rule| {
                format!(
                    "{:<7} {:<28} {:<8} {}\n",
                    rule.code,
                    rule.name,
                    rule.severity.as_str(),
                    rule.summary
                )
            })
            .collect(),
        RulesFormat::Json => {
            let rules: Vec<serde_json::Value> = crate::rules::ALL
                .iter()
                .map(|rule| {
                    serde_json::json!({
                        "code": rule.code,
                        "name": rule.name,
                        "severity": rule.severity.as_str(),
                        "summary": rule.summary,
                        "doc": explain_text(rule.doc),
                    })
                })
                .collect();
            serde_json::to_string_pretty(&serde_json::json!({ "version": 1, "rules": rules }))
                .unwrap_or_default()
                + "\n"
        }
    };
    print(&out).unwrap_or(EXIT_CLEAN)
}
