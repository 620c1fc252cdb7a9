//! Findings → output. The only stage that formats for people and machines.

pub mod diff;
pub mod evidence;
pub mod github;
pub mod human;
pub mod json;
pub mod markdown;
pub mod sarif;
pub mod trace;
