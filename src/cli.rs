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
    /// search: only related connectors (same host or similar title, a different API).
    pub const RELATED: i32 = 4;
    /// search: a duplicate (the same API already has a connector upstream).
    pub const DUPLICATE: i32 = 5;
}

const EXIT_CODES: &str = "\
Exit status:
  0  success (validate: no errors; warnings are allowed)
  1  validate found errors that would get the pull request rejected
  2  usage error (unknown flag, bad value)
  3  the command could not run (missing folder, unreadable file, upstream unreachable with no mirror)
  4  search found related connectors only (same host or similar title, a different API)
  5  search found a duplicate: the same API already has a connector upstream";

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
    /// Refresh the local mirror of upstream `dev` and its index of connectors.
    Sync(SyncArgs),
    /// Find connectors upstream for the same API: give a connector folder, a host, a URL or a title.
    #[command(after_help = EXIT_CODES)]
    Search(SearchArgs),
}

/// Where the upstream repository is, for every command that reads it.
#[derive(Debug, Clone, Args)]
pub struct UpstreamArgs {
    /// The upstream repository: a git URL or a local path.
    #[arg(long, value_name = "URL_OR_PATH", env = "CONNECTOR_PUBLISH_UPSTREAM", default_value = crate::catalog::mirror::DEFAULT_UPSTREAM)]
    pub upstream: String,

    /// The branch contributions are based on.
    #[arg(long, value_name = "NAME", env = "CONNECTOR_PUBLISH_BASE_BRANCH", default_value = crate::catalog::mirror::DEFAULT_BRANCH)]
    pub base_branch: String,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    #[command(flatten)]
    pub upstream: UpstreamArgs,

    /// Print the outcome as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// A connector folder, a host (api.deepl.com), a URL, or a title ("DeepL").
    pub query: String,

    #[command(flatten)]
    pub upstream: UpstreamArgs,

    /// Sync first when the mirror is older than this many hours (0: always sync).
    #[arg(long, value_name = "HOURS", env = "CONNECTOR_PUBLISH_MAX_AGE_HOURS", default_value_t = 24)]
    pub max_age_hours: u64,

    /// Never touch the network: search the mirror as it is.
    #[arg(long)]
    pub offline: bool,

    /// Leave this upstream folder out (e.g. the connector you are updating).
    #[arg(long, value_name = "CATEGORY/FOLDER")]
    pub exclude: Option<String>,

    /// Show at most this many candidates (JSON output lists all).
    #[arg(long, default_value_t = 10)]
    pub limit: usize,

    /// Print the candidates as JSON.
    #[arg(long)]
    pub json: bool,
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
