//! connector-publish: from a Power Platform custom connector folder to a pull request on
//! microsoft/PowerPlatformConnectors.
//!
//! The library is one pipeline, one module per stage (see CONTRIBUTING.md):
//! `source` -> `connector` (the files, bytes untouched) -> `check` (certification rules) -> `catalog`
//! -> `plan` -> `publish` -> `follow`; the floors are in `layers.rs`.
//! Commands in `commands` only compose stages.

pub mod catalog;
pub mod certification;
pub mod check;
pub mod cli;
pub mod commands;
pub mod config;
pub mod connector;
pub mod exit;
pub mod follow;
pub mod net;
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
