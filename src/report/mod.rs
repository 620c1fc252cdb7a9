//! Findings → output. The only stage that formats for people and machines.

pub mod concise;
pub mod diff;
pub mod evidence;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod markdown;
pub mod packet_tracer;
pub mod sarif;
pub mod trace;

/// Something about the run itself that every format reports beside the findings: a
/// config linted without a deployment, so that the MRA rules did not run on it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Notice {
    /// A stable identifier: `no-deployment` (a config no deployment names) or
    /// `invalid-deployment` (a deployment with errors, so not used).
    pub kind: &'static str,
    /// The file it is about, as the findings name it.
    pub file: String,
    /// One line for people: what did not happen and the command that fixes it.
    pub message: String,
}
