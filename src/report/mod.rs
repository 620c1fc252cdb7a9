//! Findings → output. The only stage that formats for people and machines.

pub mod evidence;
pub mod github;
pub mod human;
pub mod json;
pub mod sarif;
pub mod trace;
