//! mralint: lints Cisco ASA configurations that carry Cisco Expressway Mobile and
//! Remote Access traffic.
//!
//! Data flows one way:
//! text → AST ([`syntax`]) → model ([`model`], [`deployment`]) → simulation ([`eval`])
//! → findings ([`rules`]) → report ([`report`]).

pub mod deployment;
pub mod eval;
pub mod finding;
pub mod model;
pub mod source;
pub mod syntax;
