//! Command-line definitions (clap) and nothing else.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

const EXIT_CODES: &str = "\
Settings: flags override environment variables (CONNECTOR_PUBLISH_*, GH_TOKEN), which override the
config file (see `connector-publish config list`).

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

    /// More detail on stderr (-v: debug, -vv: trace); RUST_LOG=connector_publish=debug works too.
    #[arg(long, short, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Only results and errors: no progress messages or bars.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a connector folder offline against the repository's certification rules.
    #[command(after_help = EXIT_CODES)]
    Validate(ValidateArgs),
    /// Open a pull request for a connector folder on microsoft/PowerPlatformConnectors (try --dry-run first).
    #[command(after_help = SUBMIT_HELP)]
    Submit(Box<SubmitArgs>),
    /// Refresh the local mirror of upstream `dev` and its index of connectors.
    Sync(SyncArgs),
    /// Scaffold what a category needs around a connector (readme from the swagger, apiProperties); never overwrites.
    Init(InitArgs),
    /// Print a shell completion script: bash, zsh, fish, powershell or elvish.
    Completions(CompletionsArgs),
    /// Show or change your defaults: upstream, base-branch, fork-owner, branch-prefix, category.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Print the man page (roff) generated from these definitions.
    #[command(hide = true)]
    Man,
    /// Find connectors upstream for the same API: give a connector folder, a host, a URL or a title.
    #[command(after_help = EXIT_CODES)]
    Search(SearchArgs),
    /// Sign in to Power Platform (device code; or a service principal for CI) for `download`.
    #[command(after_help = LOGIN_HELP)]
    Login(LoginArgs),
    /// Forget the Power Platform sign-in (removes the cached token).
    Logout(LogoutArgs),
    /// Download a custom connector from a Power Platform environment, as `paconn download` does.
    #[command(after_help = DOWNLOAD_HELP)]
    Download(DownloadArgs),
    /// Deploy a connector folder into a Power Platform environment as a new custom connector, as `paconn create` does.
    #[command(after_help = CREATE_HELP)]
    Create(Box<CreateArgs>),
    /// Update a custom connector in its environment from a folder, as `paconn update` does (breaking changes are shown first).
    #[command(after_help = UPDATE_HELP)]
    Update(Box<UpdateArgs>),
    /// The certification package for Partner Center, after the pull request: check, intro, build.
    #[command(subcommand, after_help = PACKAGE_HELP)]
    Package(PackageCommand),
    /// Where a pull request stands: checks, CLA, reviews, conflicts; without an argument, your open ones.
    #[command(after_help = STATUS_HELP)]
    Status(StatusArgs),
    /// Your fork of the upstream repository: `fork sync` brings its base branch up to date.
    #[command(subcommand)]
    Fork(ForkCommand),
    /// Delete your fork's branches whose pull requests are merged or closed (asks first).
    #[command(after_help = CLEANUP_HELP)]
    Cleanup(CleanupArgs),
}

const STATUS_HELP: &str = "\
What to give: a pull request's number (123, #123, or its URL), a connector folder (its branch is
found as `submit` names it), or a branch of your fork. Nothing: your open pull requests upstream.

Shown: state (open, draft, merged, closed), conflicts and how far the base branch moved on, the CLA
(with the reply to post while it is pending), each check and status with the first lines of a
failure and the `validate` rule matching a Swagger Validator error, reviews, review comments still
on the diff (GitHub's REST API does not say which threads are resolved), labels, and what to do next.

--watch asks GitHub again with conditional requests (an unchanged answer costs no rate limit),
waits longer while nothing changes, prints only what changed, and stops when the pull request is
merged or closed. With --json, each change is one JSON document on one line.

GitHub token: --token, else GH_TOKEN, else GITHUB_TOKEN, else `gh auth token`.

Exit status:
  0  shown (whatever the pull request's state)
  2  usage error
  3  the command failed (not found, no token, GitHub unreachable)";

const CLEANUP_HELP: &str = "\
A branch is deleted only when every pull request from it is merged or closed and the branch still
points at the last one's commit. Never deleted: the fork's default branch, a protected branch, a
branch with an open pull request, a branch with no pull request, a branch with later commits.

GitHub token: --token, else GH_TOKEN, else GITHUB_TOKEN, else `gh auth token`; a classic token
needs the public_repo scope.

Exit status:
  0  done (or listed, with --dry-run)
  2  usage error
  3  the command failed";

/// Where GitHub is, the token for it, and the upstream repository on it (`search`, and with the
/// fork, every GitHub command).
#[derive(Debug, Args)]
pub struct GitHubApiArgs {
    /// GitHub token (prefer GH_TOKEN: a flag's value stays in your shell history).
    #[arg(long, value_name = "TOKEN", hide_env_values = true)]
    pub token: Option<String>,

    /// GitHub API base URL (GitHub Enterprise: https://HOST/api/v3).
    #[arg(long, value_name = "URL", env = "CONNECTOR_PUBLISH_GITHUB_API", default_value = crate::config::DEFAULT_API)]
    pub github_api: String,

    /// The upstream repository on GitHub, owner/name.
    #[arg(long, value_name = "OWNER/NAME", env = "CONNECTOR_PUBLISH_UPSTREAM_REPO", default_value = crate::config::DEFAULT_UPSTREAM_REPO)]
    pub upstream_repo: String,
}

/// Where the GitHub commands find GitHub, the upstream repository and your fork.
#[derive(Debug, Args)]
pub struct GitHubArgs {
    #[command(flatten)]
    pub api: GitHubApiArgs,

    /// Your fork's owner, when it is an organization rather than your account.
    #[arg(long, value_name = "ORG", env = "CONNECTOR_PUBLISH_FORK_OWNER")]
    pub fork_owner: Option<String>,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// A pull request (number or URL), a connector folder, or a branch of your fork.
    pub target: Option<String>,

    /// Keep following the pull request until it is merged or closed, printing what changes.
    #[arg(long)]
    pub watch: bool,

    /// With --watch: the first pause between looks, in seconds (it doubles while nothing changes, up to 10 times this).
    #[arg(long, value_name = "SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    pub interval: u64,

    /// The CLA reply for a contribution on behalf of your employer: agree company="…".
    #[arg(long, value_name = "COMPANY")]
    pub company: Option<String>,

    /// Print the report as JSON (with --watch: one document per line, on each change).
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub github: GitHubArgs,
}

#[derive(Debug, Subcommand)]
pub enum ForkCommand {
    /// Bring your fork's base branch (dev) up to date with upstream, as `submit` does first.
    Sync(ForkSyncArgs),
}

#[derive(Debug, Args)]
pub struct ForkSyncArgs {
    /// The branch to bring up to date.
    #[arg(long, value_name = "NAME", env = "CONNECTOR_PUBLISH_BASE_BRANCH", default_value = crate::config::DEFAULT_BRANCH)]
    pub base_branch: String,

    /// Print the outcome as JSON.
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub github: GitHubArgs,
}

#[derive(Debug, Args)]
pub struct CleanupArgs {
    /// Delete without asking.
    #[arg(long, short = 'y')]
    pub yes: bool,

    /// Only list what would be deleted.
    #[arg(long)]
    pub dry_run: bool,

    /// Print the branches and what happened to them as JSON.
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub github: GitHubArgs,
}

const PACKAGE_HELP: &str = "\
Where this sits: after the pull request is approved (or an independent publisher's proposal is
redirected), the maintainers ask for the certification package: a zip holding intro.md and a
Package Deployer package, whose PkgAssets folder holds the solution zips exported from Dataverse
(a connector solution, a flow solution, and for an AI plugin a plugin solution). You upload it in
Partner Center.

Building the Package Deployer package itself needs .NET tooling, out of this tool's scope:
`pac package init`, `pac package add-solution`, `dotnet publish`
(https://learn.microsoft.com/power-platform/developer/cli/reference/package).

Rules: Microsoft's Package Validator (scripts/ConnectorPackageValidator.ps1 in
microsoft/PowerPlatformConnectors) and
https://learn.microsoft.com/connectors/custom-connectors/certification-submission";

const PACKAGE_CHECK_HELP: &str = "\
Every rule of Microsoft's Package Validator (scripts/ConnectorPackageValidator.ps1), on any OS and
without extracting anything: the zip is read in memory, with caps on sizes, compression ratio and
entry counts. With --connector or --connector-dir, the connector inside the connector solution
(host, base path, operations, connection parameters) is compared with that connector folder;
differences are warnings.

Exit status:
  0  the package is valid (warnings are allowed)
  1  the package breaks a rule: Partner Center would reject it
  2  usage error
  3  the check could not run (no such file, --connector folder not found upstream)";

#[derive(Debug, Subcommand)]
pub enum PackageCommand {
    /// Check a certification package zip as Microsoft's Package Validator does, on any OS.
    #[command(after_help = PACKAGE_CHECK_HELP)]
    Check(PackageCheckArgs),
    /// Write a starting intro.md into a connector folder, from its readme and swagger; never overwrites.
    Intro(PackageIntroArgs),
    /// Assemble the certification package from intro.md and a Package Deployer package, then check it.
    #[command(after_help = PACKAGE_BUILD_HELP)]
    Build(PackageBuildArgs),
}

const PACKAGE_BUILD_HELP: &str = "\
The output holds intro.md and the package zip, nothing else. It is checked before it is written:
when the check finds errors, nothing is written. An existing output is replaced only with --force.
The Package Deployer package (--package) is built with .NET tooling (`pac package`), out of this
tool's scope.

Exit status:
  0  written: the package is valid
  1  not written: the package breaks a rule (the messages name the file inside the zips)
  2  usage error
  3  the command could not run (missing input, existing output without --force)";

/// What to compare the connector solution's connector with.
#[derive(Debug, Args)]
pub struct PackageCompareArgs {
    /// Compare the connector solution's connector with this upstream folder, "<category folder>/<connector folder>".
    #[arg(long, value_name = "CATEGORY/FOLDER", conflicts_with = "connector_dir")]
    pub connector: Option<String>,

    /// Compare it with this local connector folder instead.
    #[arg(long, value_name = "FOLDER")]
    pub connector_dir: Option<PathBuf>,

    #[command(flatten)]
    pub upstream: UpstreamArgs,

    /// With --connector: sync first when the mirror is older than this many hours.
    #[arg(long, value_name = "HOURS", env = "CONNECTOR_PUBLISH_MAX_AGE_HOURS", default_value_t = 24)]
    pub max_age_hours: u64,

    /// With --connector: never touch the network; read the mirror as it is.
    #[arg(long)]
    pub offline: bool,
}

#[derive(Debug, Args)]
pub struct PackageCheckArgs {
    /// The certification package zip (intro.md and the Package Deployer package).
    pub path: PathBuf,

    /// The connector has an AI plugin: three solutions (connector, flow, AI plugin) instead of two.
    #[arg(long)]
    pub plugin: bool,

    #[command(flatten)]
    pub compare: PackageCompareArgs,

    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct PackageIntroArgs {
    /// The connector folder (intro.md is written into it).
    #[arg(default_value = ".")]
    pub path: PathBuf,
}

#[derive(Debug, Args)]
pub struct PackageBuildArgs {
    /// The intro.md to put in the package.
    #[arg(long, value_name = "FILE")]
    pub intro: PathBuf,

    /// The Package Deployer package zip (built with `pac package`).
    #[arg(long, value_name = "FILE")]
    pub package: PathBuf,

    /// Where to write the certification package zip.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: PathBuf,

    /// Replace the output when it exists.
    #[arg(long)]
    pub force: bool,

    /// The connector has an AI plugin: three solutions instead of two.
    #[arg(long)]
    pub plugin: bool,

    #[command(flatten)]
    pub compare: PackageCompareArgs,

    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

const LOGIN_HELP: &str = "\
The token is cached in the config folder (powerplatform-token.json, readable by you only, or at
CONNECTOR_PUBLISH_TOKEN_CACHE) and renewed before it expires; `logout` removes it.

For CI, a service principal: --service-principal --tenant <id> --client-id <app id>, with the secret in
CONNECTOR_PUBLISH_CLIENT_SECRET (never a flag: flags stay in shell history). `download` and
`submit --from-environment` also sign in by themselves when CONNECTOR_PUBLISH_TENANT,
CONNECTOR_PUBLISH_CLIENT_ID and CONNECTOR_PUBLISH_CLIENT_SECRET are set and there is no cached token.

`login --status` shows who is signed in (exit 1 when nobody is).";

const DOWNLOAD_HELP: &str = "\
Writes apiDefinition.swagger.json, apiProperties.json, icon.png, script.csx (when the connector has
custom code) and paconn's settings.json. Without --env and --cid, pickers list your environments and
their custom connectors (on a terminal only); --list prints them for scripts. Existing files are never replaced without --overwrite,
and an interrupted download leaves them as they were.

Exit status:
  0  downloaded
  2  usage error
  3  the download failed (a message says what to do next: sign in, check the ids, try again)";

const CREATE_HELP: &str = "\
The same requests as `paconn create` 0.0.21, in the same order and with the same bodies: the service
validates the swagger, storage is generated, the icon and script are uploaded, the connector is
created; then settings.json is written in paconn's format (never over an existing file without
--overwrite-settings). The offline validation runs first and nothing is sent on an error (--force
deploys anyway, for testing).

paconn's flags work: -e, -d/--api-def, -p/--api-prop, -i, -x, -s, -r/--secret, -u/--pau, -w.
paconn's -v (API version) is --powerapps-version here, because -v is --verbose. Files default to
the folder's apiDefinition.swagger.json, apiProperties.json, icon.png and script.csx; a settings
file's paths are relative to its folder.

The OAuth client secret: --secret - reads it from standard input (a flag's value stays in your
shell history), else --secret <value>, else CONNECTOR_PUBLISH_OAUTH_SECRET. It is sent in the
create (or update) body only, and never printed, logged or written.

Exit status:
  0  created
  1  the offline validation found errors: nothing was sent
  2  usage error (a missing file, an OAuth connector without its secret, settings.json exists)
  3  the service or the network failed (a message says what to do next)";

const UPDATE_HELP: &str = "\
The same requests as `paconn update` 0.0.21 (validation, storage, uploads, PATCH), after reading
what is deployed now (in memory): changes that break flows and apps built on the connector are
listed, and asked about (--yes: update anyway). The connector comes from --cid, the settings.json
that `create` wrote, or a picker on a terminal. The secret, when given, replaces the deployed one;
without it the service keeps it.

Exit status:
  0  updated
  1  the offline validation found errors, or breaking changes were not confirmed: nothing was sent
  2  usage error
  3  the service or the network failed";

/// What `create` and `update` deploy, and where to.
#[derive(Debug, Args)]
pub struct DeployArgs {
    /// The connector folder: its files and settings.json are the defaults.
    #[arg(default_value = ".")]
    pub folder: PathBuf,

    /// The environment's name (`Default-<tenant id>` or a GUID); picked on a terminal when missing.
    #[arg(long = "env", short = 'e', value_name = "ENVIRONMENT")]
    pub environment: Option<String>,

    /// The swagger (default: <FOLDER>/apiDefinition.swagger.json).
    #[arg(long = "api-definition", short = 'd', visible_alias = "api-def", value_name = "FILE")]
    pub api_definition: Option<PathBuf>,

    /// The properties (default: <FOLDER>/apiProperties.json).
    #[arg(long = "api-properties", short = 'p', visible_alias = "api-prop", value_name = "FILE")]
    pub api_properties: Option<PathBuf>,

    /// The icon (default: <FOLDER>/icon.png when there is one).
    #[arg(long, short = 'i', value_name = "FILE")]
    pub icon: Option<PathBuf>,

    /// The custom code (default: <FOLDER>/script.csx when there is one).
    #[arg(long, short = 'x', value_name = "FILE")]
    pub script: Option<PathBuf>,

    /// paconn's settings.json to read (default: <FOLDER>/settings.json when there is one); flags win over it.
    #[arg(long, short = 's', value_name = "FILE")]
    pub settings: Option<PathBuf>,

    /// The connector's OAuth client secret; `-` reads it from standard input (else CONNECTOR_PUBLISH_OAUTH_SECRET).
    #[arg(long, short = 'r', value_name = "SECRET|-")]
    pub secret: Option<String>,

    /// The Power Apps API version (paconn's --pav; only 2016-11-01).
    #[arg(long = "powerapps-version", visible_alias = "pav", value_name = "VERSION")]
    pub powerapps_version: Option<String>,

    /// Deploy although the offline validation found errors (to test a work in progress).
    #[arg(long)]
    pub force: bool,

    /// Print the outcome as JSON (the secret is never in it).
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub power_platform: PowerPlatformArgs,
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    #[command(flatten)]
    pub deploy: DeployArgs,

    /// Replace an existing settings.json with the new connector's.
    #[arg(long, short = 'w')]
    pub overwrite_settings: bool,
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    #[command(flatten)]
    pub deploy: DeployArgs,

    /// The connector's id (`shared_…`; default: settings.json's connectorId); picked on a terminal when missing.
    #[arg(long = "cid", short = 'c', visible_alias = "connector-id", value_name = "ID")]
    pub connector_id: Option<String>,

    /// Update without asking, even when it breaks what the connector's users built.
    #[arg(long, short = 'y')]
    pub yes: bool,
}

/// Where the Power Platform services are (sovereign clouds; tests).
#[derive(Debug, Clone, Args)]
pub struct PowerPlatformArgs {
    /// The Microsoft identity platform (sign-in) base URL.
    #[arg(long, value_name = "URL", env = "CONNECTOR_PUBLISH_AUTHORITY", default_value = crate::config::DEFAULT_AUTHORITY)]
    pub authority: String,

    /// The Power Apps API base URL (paconn's --pau).
    #[arg(long, short = 'u', visible_alias = "pau", value_name = "URL", env = "CONNECTOR_PUBLISH_POWERAPPS_URL", default_value = crate::config::DEFAULT_POWERAPPS_URL)]
    pub powerapps_url: String,

    /// The Flow API base URL (lists environments).
    #[arg(long, value_name = "URL", env = "CONNECTOR_PUBLISH_FLOW_URL", default_value = crate::config::DEFAULT_FLOW_URL)]
    pub flow_url: String,
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// The tenant: its id or domain (default: any work or school account).
    #[arg(long, value_name = "TENANT", env = "CONNECTOR_PUBLISH_TENANT", default_value = crate::config::DEFAULT_TENANT)]
    pub tenant: String,

    /// The application (client) id to sign in with (default: the one paconn uses).
    #[arg(long, value_name = "ID", env = "CONNECTOR_PUBLISH_CLIENT_ID", default_value = crate::config::DEFAULT_CLIENT_ID)]
    pub client_id: String,

    /// Sign in as a service principal (client credentials); the secret comes from CONNECTOR_PUBLISH_CLIENT_SECRET.
    #[arg(long)]
    pub service_principal: bool,

    /// Show who is signed in and for how long, without signing in (exit 1 when nobody is).
    #[arg(long, conflicts_with = "service_principal")]
    pub status: bool,

    /// Print the outcome as JSON (the token is never printed).
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub power_platform: PowerPlatformArgs,
}

#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// Print the outcome as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DownloadArgs {
    /// The environment's name (`Default-<tenant id>` or a GUID); picked on a terminal when missing.
    #[arg(long = "env", short = 'e', value_name = "ENVIRONMENT")]
    pub environment: Option<String>,

    /// The connector's id (`shared_…`); picked on a terminal when missing.
    #[arg(long = "cid", short = 'c', visible_alias = "connector-id", value_name = "ID")]
    pub connector_id: Option<String>,

    /// The folder to write to (default: ./<connector id>, as paconn does).
    #[arg(long, short = 'd', value_name = "FOLDER")]
    pub dest: Option<PathBuf>,

    /// List your environments (with --env: that environment's custom connectors) instead of downloading.
    #[arg(long, conflicts_with_all = ["connector_id", "dest", "overwrite"])]
    pub list: bool,

    /// Replace files that already exist in the folder.
    #[arg(long, short = 'w')]
    pub overwrite: bool,

    /// Print what was written as JSON.
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub power_platform: PowerPlatformArgs,
}

/// Where the upstream repository is, for every command that reads it.
#[derive(Debug, Clone, Args)]
pub struct UpstreamArgs {
    /// The upstream repository: a git URL or a local path.
    #[arg(long, value_name = "URL_OR_PATH", env = "CONNECTOR_PUBLISH_UPSTREAM", default_value = crate::config::DEFAULT_UPSTREAM)]
    pub upstream: String,

    /// The branch contributions are based on.
    #[arg(long, value_name = "NAME", env = "CONNECTOR_PUBLISH_BASE_BRANCH", default_value = crate::config::DEFAULT_BRANCH)]
    pub base_branch: String,
}

const SUBMIT_HELP: &str = "\
Settings: flags override environment variables (CONNECTOR_PUBLISH_*), which override the config file
(see `connector-publish config list`).

GitHub token: --token, else GH_TOKEN, else GITHUB_TOKEN, else `gh auth token`. A classic token needs the
public_repo scope. A dry run needs no token.

Exit status:
  0  done (or, with --dry-run, a real run would go ahead)
  1  validation found errors: nothing was done
  2  usage error
  3  the command failed (a message says what to do next; re-running finishes the job)
  5  a connector for the same API exists: improve it with --update, or --allow-duplicate \"<why>\"";

#[derive(Debug, Args)]
pub struct SubmitArgs {
    /// The connector folder.
    #[arg(default_value = ".")]
    pub path: PathBuf,

    /// Download the connector from this Power Platform environment first (instead of a folder).
    #[arg(long, value_name = "ENVIRONMENT", requires = "connector_id", conflicts_with = "path")]
    pub from_environment: Option<String>,

    /// With --from-environment: the connector's id (`shared_…`).
    #[arg(long, value_name = "ID", requires = "from_environment")]
    pub connector_id: Option<String>,

    /// With --from-environment: keep the downloaded folder (its path is printed) instead of removing it.
    #[arg(long, requires = "from_environment")]
    pub keep: bool,

    /// Show everything that would happen (plan, diff, pull request) and write nothing anywhere.
    #[arg(long)]
    pub dry_run: bool,

    /// With --dry-run: also write the change as a binary-safe patch that `git apply` takes on upstream dev (`-`: standard output; a regular file outside the connector and cache folders).
    #[arg(long, value_name = "FILE")]
    pub patch: Option<PathBuf>,

    /// certified, independent-publisher or custom (default: inferred from apiProperties.json).
    #[arg(long, value_name = "CATEGORY")]
    pub category: Option<String>,

    /// The connector's folder name upstream (default: info.title).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// Improve an existing connector: "<category folder>/<connector folder>".
    #[arg(long, value_name = "CATEGORY/FOLDER", conflicts_with = "name")]
    pub update: Option<String>,

    /// On --update, delete upstream files that your folder does not have.
    #[arg(long, requires = "update")]
    pub prune: bool,

    /// Submit although a connector for the same API exists; the reason goes into the pull request.
    #[arg(long, value_name = "REASON")]
    pub allow_duplicate: Option<String>,

    /// Submit although some open pull requests upstream could not be read (GitHub's rate limit ran
    /// out, or it did not answer), so the duplicate search could not compare them.
    #[arg(long)]
    pub allow_unchecked_prs: bool,

    /// The branch on your fork (default: add-<name> or update-<name>).
    #[arg(long, value_name = "NAME")]
    pub branch: Option<String>,

    /// The pull request's title (default: the repository's convention).
    #[arg(long, value_name = "TITLE")]
    pub title: Option<String>,

    /// Commit author, "Name <email>" (default: git's user.name and user.email).
    #[arg(long, value_name = "NAME <EMAIL>")]
    pub author: Option<String>,

    /// When the folder has no readme.md, write one from the swagger (asked on a terminal).
    #[arg(long)]
    pub generate_readme: bool,

    /// An independent publisher's folder without its certification package (the one .zip the
    /// certification bot reads): open the pull request for review first, and add the package
    /// before a maintainer starts certification (the bot would answer "No zip").
    #[arg(long)]
    pub without_package: bool,

    /// Stop on every validation error, including the ones the upstream version already has (by
    /// default an --update is judged by what it changes).
    #[arg(long)]
    pub strict: bool,

    /// Replace a branch of the same name on your fork that holds other content.
    #[arg(long)]
    pub force_push: bool,

    /// Have Power Platform validate the swagger first (as `validate --online`; needs `login`); its
    /// errors stop the run, and the pull request says what it said and when (config: online-validate).
    #[arg(long)]
    pub online_validate: bool,

    /// Do not ask before pushing and opening the pull request.
    #[arg(long, short = 'y')]
    pub yes: bool,

    /// Print the plan (or the outcome) as JSON.
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub github: GitHubArgs,

    #[command(flatten)]
    pub upstream: UpstreamArgs,

    /// Sync first when the mirror is older than this many hours.
    #[arg(long, value_name = "HOURS", env = "CONNECTOR_PUBLISH_MAX_AGE_HOURS", default_value_t = 24)]
    pub max_age_hours: u64,

    /// Never touch the network for the upstream mirror (dry runs only make sense then).
    #[arg(long)]
    pub offline: bool,

    #[command(flatten)]
    pub power_platform: PowerPlatformArgs,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The connector folder (created when missing).
    #[arg(default_value = ".")]
    pub path: PathBuf,

    /// certified, independent-publisher or custom (default: inferred from apiProperties.json).
    #[arg(long, value_name = "CATEGORY")]
    pub category: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print one setting's value from the config file.
    Get { key: String },
    /// Set one setting in the config file.
    Set { key: String, value: String },
    /// Remove one setting from the config file.
    Unset { key: String },
    /// List every setting, its value, and where the file is.
    List,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    #[command(flatten)]
    pub upstream: UpstreamArgs,

    /// Print the outcome as JSON.
    #[arg(long)]
    pub json: bool,
}

// `--token` and `--upstream-repo` say what they are for here: search reads open pull requests
// with them, and goes on without a token. (A doc comment here would become the command's about.)
#[derive(Debug, Args)]
#[command(
    mut_arg("token", |a| a.help("GitHub token, to look at open pull requests too (prefer GH_TOKEN; without one, they are not looked at)")),
    mut_arg("upstream_repo", |a| a.help("The upstream repository on GitHub, owner/name, whose open pull requests are looked at"))
)]
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

    #[command(flatten)]
    pub github: GitHubApiArgs,

    /// The Power Platform environment whose list of published connectors is compared with, when
    /// signed in (default: your default environment).
    #[arg(long = "env", short = 'e', value_name = "ENVIRONMENT")]
    pub environment: Option<String>,

    /// Fetch the list of published connectors again instead of using the cached one (kept a week).
    #[arg(long)]
    pub refresh_published: bool,

    #[command(flatten)]
    pub power_platform: PowerPlatformArgs,

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

    /// Judge the folder as a change to its upstream version: findings the upstream connector
    /// already has are pre-existing and do not fail the run. Without a value, the upstream folder
    /// is read from the path (…/certified-connectors/<Folder>). Reads the local mirror only
    /// (`connector-publish sync` makes it).
    #[arg(long, value_name = "CATEGORY/FOLDER", num_args = 0..=1)]
    pub against_upstream: Option<Option<String>>,

    /// Fail on every error, including the ones already upstream.
    #[arg(long)]
    pub strict: bool,

    /// An independent publisher's folder without its certification package (the one .zip the
    /// certification bot reads; it would answer "No zip"): check everything else, as `submit
    /// --without-package` opens the pull request for review first.
    #[arg(long)]
    pub without_package: bool,
    /// Also have Power Platform validate the swagger (certification rules on, as `paconn
    /// validate`), and say where it and the offline rules disagree. Needs `connector-publish login`.
    #[arg(long)]
    pub online: bool,

    #[command(flatten)]
    pub upstream: UpstreamArgs,

    #[command(flatten)]
    pub power_platform: PowerPlatformArgs,
}
