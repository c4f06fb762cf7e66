//! Command-line definitions (clap) and nothing else.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Exit statuses, documented in `--help` and the README.
pub mod exit {
    /// Success: the command did its job (validation found no errors; warnings are allowed).
    pub const OK: i32 = 0;
    /// Validation found errors that would get the pull request rejected.
    pub const FINDINGS: i32 = 1;
    /// The command line was wrong (unknown flag, bad value). clap uses 2 as well.
    pub const USAGE: i32 = 2;
    /// The command could not run: a missing folder, an unreadable file.
    pub const FAILURE: i32 = 3;
}

const EXIT_CODES: &str = "\
Exit status:
  0  success (validate: no errors; warnings are allowed)
  1  validate found errors that would get the pull request rejected
  2  usage error (unknown flag, bad value)
  3  the command could not run (missing folder, unreadable file)";

#[derive(Debug, Parser)]
#[command(
    name = "connector-publish",
    version,
    about = "Take a Power Platform custom connector to a pull request on microsoft/PowerPlatformConnectors",
    after_help = EXIT_CODES
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a connector folder offline against the repository's certification rules.
    #[command(after_help = EXIT_CODES)]
    Validate(ValidateArgs),
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The connector folder (holding apiDefinition.swagger.json, apiProperties.json, ...).
    #[arg(default_value = ".")]
    pub path: PathBuf,

    /// Check as this category instead of inferring it from apiProperties.json:
    /// certified, independent-publisher or custom (folder names like certified-connectors work too).
    #[arg(long, value_name = "CATEGORY")]
    pub category: Option<String>,

    /// Print the findings as JSON for scripts.
    #[arg(long)]
    pub json: bool,
}
