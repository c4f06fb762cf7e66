//! connector-publish: from a Power Platform custom connector folder to a pull request on
//! microsoft/PowerPlatformConnectors.
//!
//! The library is one pipeline, one module per stage (see CONTRIBUTING.md):
//! `package` (load the files, bytes untouched) -> `check` (certification rules) -> later stages.
//! Commands in `commands` only compose stages.

pub mod catalog;
pub mod certpackage;
pub mod check;
pub mod cli;
pub mod commands;
pub mod config;
pub mod follow;
pub mod git_http;
pub mod net;
pub mod output;
pub mod package;
pub mod plan;
pub mod powerplatform;
pub mod publish;
pub mod report;
pub mod scaffold;
pub mod source;
