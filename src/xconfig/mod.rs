//! The Expressways' own configuration: the text an Expressway prints for the admin CLI
//! command `xConfiguration`, read as the deployment's source of truth.
//!
//! [`syntax`] turns a capture into records (grammars/xconfiguration.ebnf); [`model`] maps
//! the records to an Expressway: its role (C or E) and the evidence that decided it,
//! interfaces, NAT, routes, cluster peers, traversal zones, media and TURN settings.
//! Every fact keeps the span of the record it came from, so a finding can point at the
//! dump line. `{cipher}` secrets are never kept ([`syntax::redact_secrets`]).

pub mod model;
pub mod syntax;

pub use syntax::redact_secrets;
