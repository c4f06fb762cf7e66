//! The command line: `validate`, `init`, `config`, help and completions, run as a user would.
//!
//! One test binary per area, so the shared support code compiles once per area.

#[path = "../common/mod.rs"]
mod common;

mod cli_validate;
mod config;
mod help;
mod init;
