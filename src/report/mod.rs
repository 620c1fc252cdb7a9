//! Findings → output. The only stage that formats for people and machines.

pub mod human;
pub mod json;
pub mod trace;
