//! connector-publish: from a Power Platform custom connector folder to a pull request on
//! microsoft/PowerPlatformConnectors.
//!
//! The library is one pipeline, one module per stage (see CONTRIBUTING.md):
//! `package` (load the files, bytes untouched) -> `check` (certification rules) -> later stages.
//! Commands in `commands` only compose stages.

pub mod catalog;
pub mod certification;
pub mod check;
pub mod cli;
pub mod commands;
pub mod config;
pub mod exit;
pub mod follow;
pub mod net;
// Moved under `net`; this path keeps code written before the move compiling until the branches
// in flight are merged.
#[doc(hidden)]
pub use net::git_http;
pub mod connector;
pub mod output;
pub mod plan;
pub mod powerplatform;
pub mod publish;
pub mod report;
pub mod scaffold;
pub mod secrets;
pub mod source;

#[cfg(test)]
mod layers;
