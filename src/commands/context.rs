//! What every command reads besides its flags, resolved once: flag > environment > config file.
//! clap has already applied flags and environment variables (and the defaults, which point at the
//! real services); a value the user left at its default is taken from the config file here.

use crate::catalog::{cache_dir, Upstream};
use crate::cli::{GitHubApiArgs, GitHubArgs, PowerPlatformArgs, UpstreamArgs};
use crate::config::Config;
use crate::connector::Category;
use crate::exit::UsageError;
use crate::publish::github;
use crate::source::environment::PowerPlatformSettings;
use std::io::IsTerminal;
use std::path::PathBuf;

/// The config file and the command line's matches, for the commands to build their options from.
pub struct Context<'a> {
    pub config: Config,
    /// The subcommand's matches (a `package` subcommand's own, one level deeper), to tell a value
    /// the user gave from clap's default.
    matches: &'a clap::ArgMatches,
}

impl<'a> Context<'a> {
    pub fn new(config: Config, matches: &'a clap::ArgMatches) -> Self {
        let matches = matches.subcommand().map_or(matches, |(_, m)| m);
        Context { config, matches }
    }

    /// The same context for a nested subcommand (`package check`).
    pub fn nested(&self) -> Context<'a> {
        Context {
            config: self.config.clone(),
            matches: self.matches.subcommand().map_or(self.matches, |(_, m)| m),
        }
    }

    /// Whether `id` was left to its default: neither the command line nor the environment set it.
    fn defaulted(&self, id: &str) -> bool {
        matches!(self.matches.value_source(id), None | Some(clap::parser::ValueSource::DefaultValue))
    }

    /// Whether the user gave `id` (on the command line or in the environment).
    pub fn given(&self, id: &str) -> bool {
        !self.defaulted(id)
    }

    /// A config key's value where the flag `id` was left to its default.
    fn file_value(&self, key: &str, id: &str) -> Option<String> {
        self.config.get(key).filter(|_| self.defaulted(id)).map(str::to_owned)
    }

    /// The upstream repository to mirror and its base branch.
    pub fn upstream(&self, args: &UpstreamArgs) -> Result<Upstream, UsageError> {
        let url = self.file_value("upstream", "upstream").unwrap_or_else(|| args.upstream.clone());
        let branch = self.base_branch(&args.base_branch);
        Upstream::check_url(&url).map_err(UsageError)?;
        Ok(Upstream::new(&url, &branch))
    }

    /// `--base-branch`, else the config's `base-branch`.
    pub fn base_branch(&self, flag: &str) -> String {
        self.file_value("base-branch", "base_branch").unwrap_or_else(|| flag.to_owned())
    }

    /// `--category`, else the config's `category`.
    pub fn category(&self, flag: Option<&str>) -> Result<Option<Category>, UsageError> {
        flag.or(self.config.get("category")).map(str::parse).transpose().map_err(UsageError)
    }

    /// `CONNECTOR_PUBLISH_BRANCH_PREFIX`, else the config's `branch-prefix`; blank is none.
    pub fn branch_prefix(&self) -> Option<String> {
        std::env::var("CONNECTOR_PUBLISH_BRANCH_PREFIX")
            .ok()
            .or_else(|| self.config.get("branch-prefix").map(str::to_owned))
            .filter(|p| !p.trim().is_empty())
    }

    /// `--fork-owner`, else the config's `fork-owner`.
    pub fn fork_owner(&self, flag: Option<String>) -> Option<String> {
        flag.or_else(|| self.config.get("fork-owner").map(str::to_owned))
    }

    /// Where GitHub and the upstream repository are (no fork: `search`).
    pub fn github_api(&self, args: GitHubApiArgs) -> github::Settings {
        let defaults = github::Settings::default();
        let knobs = crate::config::test_knobs();
        github::Settings {
            api: args.github_api,
            token: args.token,
            upstream_repo: args.upstream_repo,
            poll_interval: knobs.poll.unwrap_or(defaults.poll_interval),
            fork_timeout: knobs.fork_timeout.unwrap_or(defaults.fork_timeout),
            ..defaults
        }
    }

    /// Where GitHub, the upstream repository and the fork are.
    pub fn github(&self, args: GitHubArgs) -> github::Settings {
        github::Settings {
            fork_owner: self.fork_owner(args.fork_owner),
            ..self.github_api(args.api)
        }
    }

    /// Where Power Platform is and where its sign-in is cached.
    pub fn power_platform(&self, args: &PowerPlatformArgs) -> anyhow::Result<PowerPlatformSettings> {
        Ok(PowerPlatformSettings {
            endpoints: crate::powerplatform::Endpoints {
                authority: args.authority.clone(),
                powerapps: args.powerapps_url.clone(),
                flow: args.flow_url.clone(),
                retry_delay: crate::config::test_knobs()
                    .retry
                    .unwrap_or(crate::powerplatform::Endpoints::default().retry_delay),
            },
            token_cache: crate::powerplatform::auth::cache_path()?,
        })
    }

    /// The cache folder (mirror, index, caches of answers).
    pub fn cache(&self) -> anyhow::Result<PathBuf> {
        cache_dir()
    }
}

/// Whether standard input and `output` are terminals: a question can be asked and answered.
pub fn interactive(output_is_terminal: bool) -> bool {
    std::io::stdin().is_terminal() && output_is_terminal
}

/// Whether standard input and standard output are terminals.
pub fn interactive_stdout() -> bool {
    interactive(std::io::stdout().is_terminal())
}
