//! The gate: every rule's cases, the secret scan, and the checks over the real corpus.
//!
//! One test binary per area, so the shared support code compiles once per area.

#[path = "../common/mod.rs"]
mod common;

mod corpus;
mod masking;
mod rules;
mod secrets;
