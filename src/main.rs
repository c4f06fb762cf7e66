//! Entry point: parse arguments, run the command, turn errors into messages and exit codes.

use connector_publish::catalog::{cache_dir, Upstream};
use connector_publish::cli::UsageError;
use connector_publish::cli::{Cli, Command, Exit};
use connector_publish::commands::download::{self, DownloadOptions};
use connector_publish::commands::login::{self, LoginOptions};
use connector_publish::commands::search::{self, SearchOptions};
use connector_publish::commands::submit::{self, SubmitOptions};
use connector_publish::commands::sync::{self, SyncOptions};
use connector_publish::commands::validate::{self, ValidateOptions};
use connector_publish::config::{self, Config};
use connector_publish::output::{paint, ERROR};
use connector_publish::publish::github;
use connector_publish::source::environment::PowerPlatformSettings;
use std::io::{IsTerminal, Write};
use std::time::Duration;

fn main() {
    let matches = <Cli as clap::CommandFactory>::command().get_matches();
    let cli = <Cli as clap::FromArgMatches>::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let code = match run(cli, &matches) {
        Ok(exit) => exit.code(),
        Err(e) => {
            let mut msg = format!("{} {e}", paint(ERROR, "error:"));
            for cause in e.chain().skip(1) {
                msg.push_str(&format!("\n  caused by: {cause}"));
            }
            let _ = writeln!(connector_publish::output::stderr(), "{msg}");
            connector_publish::cli::exit_of(&e).code()
        }
    };
    std::process::exit(code);
}

/// A value the user did not give on the command line or in the environment: the config file's.
fn from_file(matches: &clap::ArgMatches, id: &str) -> bool {
    let sub = matches.subcommand().map(|(_, m)| m);
    matches!(
        sub.and_then(|m| m.value_source(id)),
        None | Some(clap::parser::ValueSource::DefaultValue)
    )
}

/// Apply the config file to what the user left unset: flags > environment > file.
fn upstream_from(args: &connector_publish::cli::UpstreamArgs, matches: &clap::ArgMatches, config: &Config) -> Result<Upstream, UsageError> {
    let url = match config.get("upstream") {
        Some(u) if from_file(matches, "upstream") => u.to_string(),
        _ => args.upstream.clone(),
    };
    let branch = match config.get("base-branch") {
        Some(b) if from_file(matches, "base_branch") => b.to_string(),
        _ => args.base_branch.clone(),
    };
    Upstream::check_url(&url).map_err(UsageError)?;
    Ok(Upstream::new(&url, &branch))
}

fn power_platform_from(args: &connector_publish::cli::PowerPlatformArgs) -> anyhow::Result<PowerPlatformSettings> {
    Ok(PowerPlatformSettings {
        endpoints: connector_publish::powerplatform::Endpoints {
            authority: args.authority.clone(),
            powerapps: args.powerapps_url.clone(),
            flow: args.flow_url.clone(),
            retry_delay: Duration::from_millis(args.retry_ms),
        },
        token_cache: connector_publish::powerplatform::auth::cache_path()?,
    })
}

/// The GitHub settings of `status`, `fork sync` and `cleanup`; the fork owner from the config file
/// when not given.
fn github_from(args: connector_publish::cli::GitHubArgs, config: &Config) -> github::Settings {
    github::Settings {
        api: args.github_api,
        token: args.token,
        upstream_repo: args.upstream_repo,
        fork_owner: args.fork_owner.or_else(|| config.get("fork-owner").map(str::to_owned)),
        poll_interval: Duration::from_millis(args.poll_ms),
        ..github::Settings::default()
    }
}

fn category_from(flag: Option<&str>, config: &Config) -> Result<Option<connector_publish::package::Category>, UsageError> {
    flag.or(config.get("category")).map(str::parse).transpose().map_err(UsageError)
}

fn run(cli: Cli, matches: &clap::ArgMatches) -> anyhow::Result<Exit> {
    connector_publish::output::init_tracing(cli.verbose);
    connector_publish::output::set_quiet(cli.quiet);
    // Everything printed goes through the secret mask (output::Masked).
    let mut stdout = connector_publish::output::stdout();
    if let Ok(value) = std::env::var(connector_publish::net::TIMEOUT_ENV) {
        connector_publish::net::parse_timeout(&value).map_err(UsageError)?;
    }
    let config = Config::load()?;
    match cli.command {
        Command::Validate(args) => {
            let category = category_from(args.category.as_deref(), &config)?;
            let options = ValidateOptions {
                path: args.path,
                category,
                json: args.json,
                strict: args.strict,
                against_upstream: args.against_upstream,
                cache: cache_dir()?,
                upstream: upstream_from(&args.upstream, matches, &config)?,
            };
            validate::run(&options, &mut stdout)
        }
        Command::Submit(args) => {
            let args = *args;
            let category = category_from(args.category.as_deref(), &config)?;
            if args.patch.is_some() && !args.dry_run {
                return Err(UsageError("--patch needs --dry-run".into()).into());
            }
            if let Some(patch) = &args.patch {
                // The connector folder (a downloaded one is a fresh temporary folder) and the cache.
                let cache = cache_dir()?;
                let mut forbidden = vec![(cache.as_path(), "the cache folder")];
                if args.from_environment.is_none() {
                    forbidden.push((args.path.as_path(), "the connector folder"));
                }
                connector_publish::plan::patch_file::target(patch, &forbidden).map_err(UsageError)?;
            }
            // Bad values are usage errors (exit 2), found before anything slow starts.
            // What goes public as it is given (folder, branch, title, PR body) holds no secret.
            for (flag, value) in [
                ("--name", &args.name),
                ("--branch", &args.branch),
                ("--title", &args.title),
                ("--allow-duplicate", &args.allow_duplicate),
                ("--update", &args.update),
            ] {
                if let Some(value) = value {
                    connector_publish::check::secrets::in_argument(flag, value).map_err(UsageError)?;
                }
            }
            if let Some(name) = &args.name {
                connector_publish::package::name::safe_folder_name(name).map_err(|e| UsageError(format!("--name: {e}")))?;
            }
            if let Some(update) = &args.update {
                let (in_category, _) = connector_publish::plan::Target::parse_update(update).map_err(|e| UsageError(e.to_string()))?;
                if let Some(explicit) = category.filter(|c| *c != in_category) {
                    return Err(UsageError(format!(
                        "--category {explicit} contradicts --update, which is in {}",
                        in_category.folder()
                    ))
                    .into());
                }
            }
            if let Some(branch) = &args.branch {
                connector_publish::plan::branch::check(branch).map_err(|e| UsageError(format!("--branch: {e}")))?;
            }
            if let Some(author) = &args.author {
                connector_publish::plan::author_spec(author).map_err(UsageError)?;
            }
            let branch_prefix = std::env::var("CONNECTOR_PUBLISH_BRANCH_PREFIX")
                .ok()
                .or_else(|| config.get("branch-prefix").map(str::to_owned))
                .filter(|p| !p.trim().is_empty());
            if let Some(prefix) = &branch_prefix {
                connector_publish::plan::branch::check_prefix(prefix).map_err(UsageError)?;
            }
            // Published connectors are compared in the environment the connector comes from, else
            // in the default one.
            let published = connector_publish::catalog::published::PublishedOptions {
                power_platform: power_platform_from(&args.power_platform)?,
                environment: args.from_environment.clone(),
                refresh: false,
            };
            let from_environment = match (args.from_environment, args.connector_id) {
                (Some(environment), Some(connector_id)) => Some(connector_publish::source::environment::Request {
                    environment: Some(environment),
                    connector_id: Some(connector_id),
                    json: args.json,
                    interactive: false,
                    power_platform: power_platform_from(&args.power_platform)?,
                }),
                _ => None,
            };
            let options = SubmitOptions {
                path: args.path,
                from_environment,
                keep: args.keep,
                request: connector_publish::plan::submission::Request {
                    category,
                    name: args.name,
                    update: args.update,
                    prune: args.prune,
                    allow_duplicate: args.allow_duplicate,
                    branch: args.branch,
                    branch_prefix,
                    generate_readme: args.generate_readme,
                },
                title: args.title,
                author: args.author,
                dry_run: args.dry_run,
                patch: args.patch,
                json: args.json,
                yes: args.yes,
                force_push: args.force_push,
                cache: cache_dir()?,
                upstream: upstream_from(&args.upstream, matches, &config)?,
                freshness: SearchOptions::freshness(args.offline, args.max_age_hours),
                github: github::Settings {
                    api: args.github_api,
                    token: args.token,
                    upstream_repo: args.upstream_repo,
                    fork_owner: args.fork_owner.or_else(|| config.get("fork-owner").map(str::to_owned)),
                    fork_timeout: Duration::from_secs(args.fork_timeout),
                    poll_interval: Duration::from_millis(args.poll_ms),
                },
                published,
                interactive: std::io::stdin().is_terminal() && std::io::stdout().is_terminal(),
                strict: args.strict,
                allow_unchecked_prs: args.allow_unchecked_prs,
            };
            submit::run(&options, &mut stdout, &mut connector_publish::output::stderr())
        }
        Command::Init(args) => {
            let category = category_from(args.category.as_deref(), &config)?;
            connector_publish::commands::init::run(
                &connector_publish::commands::init::InitOptions { path: args.path, category },
                &mut stdout,
            )
        }
        Command::Completions(args) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(args.shell, &mut command, "connector-publish", &mut std::io::stdout());
            Ok(Exit::Ok)
        }
        Command::Config(command) => {
            use connector_publish::cli::ConfigCommand;
            match command {
                ConfigCommand::Get { key } => match config.get(&key) {
                    Some(v) => writeln!(stdout, "{v}")?,
                    None if config::KEYS.iter().any(|(k, _)| *k == key) => return Ok(Exit::Findings),
                    None => {
                        return Err(UsageError(format!(
                            "unknown setting `{key}`; the settings are {}",
                            config::KEYS.map(|(k, _)| k).join(", ")
                        ))
                        .into())
                    }
                },
                ConfigCommand::Set { key, value } => {
                    let path = Config::set(&key, Some(&value)).map_err(|e| UsageError(e.to_string()))?;
                    writeln!(stdout, "{key} = \"{value}\" ({})", path.display())?;
                }
                ConfigCommand::Unset { key } => {
                    let path = Config::set(&key, None).map_err(|e| UsageError(e.to_string()))?;
                    writeln!(stdout, "{key} unset ({})", path.display())?;
                }
                ConfigCommand::List => {
                    writeln!(stdout, "# {}", config::path()?.display())?;
                    for (key, about) in config::KEYS {
                        match config.get(key) {
                            Some(v) => writeln!(stdout, "{key} = \"{v}\"  # {about}")?,
                            None => writeln!(stdout, "# {key} (unset): {about}")?,
                        }
                    }
                }
            }
            Ok(Exit::Ok)
        }
        Command::Man => {
            clap_mangen::Man::new(<Cli as clap::CommandFactory>::command()).render(&mut std::io::stdout())?;
            Ok(Exit::Ok)
        }
        Command::Sync(args) => {
            let upstream = upstream_from(&args.upstream, matches, &config)?;
            sync::run(
                &SyncOptions {
                    cache: cache_dir()?,
                    upstream,
                    json: args.json,
                },
                &mut stdout,
                &mut connector_publish::output::stderr(),
            )
        }
        Command::Login(args) => {
            let settings = power_platform_from(&args.power_platform)?;
            if args.status {
                return login::status(&settings.token_cache, args.json, &mut stdout);
            }
            let options = LoginOptions {
                power_platform: settings,
                tenant: args.tenant,
                client_id: args.client_id,
                service_principal: args.service_principal,
                json: args.json,
            };
            login::run(&options, &mut stdout, &mut connector_publish::output::stderr())
        }
        Command::Logout(args) => login::logout(&connector_publish::powerplatform::auth::cache_path()?, args.json, &mut stdout),
        Command::Download(args) => {
            let options = DownloadOptions {
                request: connector_publish::source::environment::Request {
                    environment: args.environment,
                    connector_id: args.connector_id,
                    json: args.json,
                    interactive: std::io::stdin().is_terminal() && std::io::stderr().is_terminal(),
                    power_platform: power_platform_from(&args.power_platform)?,
                },
                dest: args.dest,
                overwrite: args.overwrite,
            };
            if args.list {
                return download::list(&options, &mut stdout);
            }
            download::run(
                &options,
                &mut std::io::stdin().lock(),
                &mut stdout,
                &mut connector_publish::output::stderr(),
            )
        }
        Command::Package(command) => {
            use connector_publish::cli::{PackageCommand, PackageCompareArgs};
            use connector_publish::commands::package::{self, BuildOptions, CheckOptions, CompareWith, IntroOptions};
            // The flags sit one level deeper than other commands': `package check --upstream`.
            let sub = matches.subcommand().map_or(matches, |(_, m)| m);
            let compare = |args: PackageCompareArgs| -> anyhow::Result<Option<CompareWith>> {
                Ok(match (args.connector, args.connector_dir) {
                    (Some(folder), _) => Some(CompareWith::Upstream {
                        folder,
                        cache: cache_dir()?,
                        upstream: upstream_from(&args.upstream, sub, &config)?,
                        freshness: SearchOptions::freshness(args.offline, args.max_age_hours),
                    }),
                    (None, Some(dir)) => Some(CompareWith::Folder(dir)),
                    (None, None) => None,
                })
            };
            match command {
                PackageCommand::Check(args) => {
                    let options = CheckOptions {
                        path: args.path,
                        plugin: args.plugin,
                        compare: compare(args.compare)?,
                        json: args.json,
                    };
                    package::check(&options, &mut stdout, &mut connector_publish::output::stderr())
                }
                PackageCommand::Intro(args) => package::intro(&IntroOptions { path: args.path }, &mut stdout),
                PackageCommand::Build(args) => {
                    let options = BuildOptions {
                        intro: args.intro,
                        package: args.package,
                        output: args.output,
                        force: args.force,
                        plugin: args.plugin,
                        compare: compare(args.compare)?,
                        json: args.json,
                    };
                    package::build(&options, &mut stdout, &mut connector_publish::output::stderr())
                }
            }
        }
        Command::Status(args) => {
            use connector_publish::commands::status::{self, StatusOptions};
            let interval = match args.interval_ms {
                Some(ms) => Duration::from_millis(ms.max(1)),
                None => Duration::from_secs(args.interval),
            };
            let branch_prefix = std::env::var("CONNECTOR_PUBLISH_BRANCH_PREFIX")
                .ok()
                .or_else(|| config.get("branch-prefix").map(str::to_owned))
                .filter(|p| !p.trim().is_empty());
            let options = StatusOptions {
                target: args.target,
                watch: args.watch,
                interval,
                max_interval: interval * 10,
                json: args.json,
                company: args.company,
                branch_prefix,
                github: github_from(args.github, &config),
            };
            status::run(&options, &mut stdout, &mut connector_publish::output::stderr())
        }
        Command::Fork(connector_publish::cli::ForkCommand::Sync(args)) => {
            use connector_publish::commands::fork::{self, ForkSyncOptions};
            let branch = match config.get("base-branch") {
                Some(b) if from_file(matches, "base_branch") => b.to_string(),
                _ => args.base_branch.clone(),
            };
            let options = ForkSyncOptions {
                branch,
                json: args.json,
                github: github_from(args.github, &config),
            };
            fork::sync(&options, &mut stdout)
        }
        Command::Cleanup(args) => {
            use connector_publish::commands::cleanup::{self, CleanupOptions};
            let options = CleanupOptions {
                yes: args.yes,
                dry_run: args.dry_run,
                json: args.json,
                interactive: std::io::stdin().is_terminal() && std::io::stdout().is_terminal(),
                github: github_from(args.github, &config),
            };
            cleanup::run(&options, &mut stdout, &mut connector_publish::output::stderr())
        }
        Command::Search(args) => {
            let options = SearchOptions {
                query: args.query,
                cache: cache_dir()?,
                upstream: upstream_from(&args.upstream, matches, &config)?,
                freshness: SearchOptions::freshness(args.offline, args.max_age_hours),
                exclude: args.exclude,
                limit: args.limit,
                json: args.json,
                github: github::Settings {
                    api: args.github_api,
                    token: args.token,
                    upstream_repo: args.upstream_repo,
                    poll_interval: Duration::from_millis(args.poll_ms),
                    ..Default::default()
                },
                published: connector_publish::catalog::published::PublishedOptions {
                    power_platform: power_platform_from(&args.power_platform)?,
                    environment: args.environment,
                    refresh: args.refresh_published,
                },
            };
            search::run(&options, &mut stdout, &mut connector_publish::output::stderr())
        }
    }
}
