//! Entry point: parse arguments, run the command, turn errors into messages and exit codes.

use clap::Parser;
use connector_publish::catalog::{cache_dir, Upstream};
use connector_publish::cli::{exit, Cli, Command};
use connector_publish::commands::search::{self, SearchOptions};
use connector_publish::commands::submit::{self, SubmitOptions};
use connector_publish::commands::sync::{self, SyncOptions};
use connector_publish::commands::validate::{self, ValidateOptions};
use connector_publish::output::{paint, ERROR};
use connector_publish::publish::github;
use std::io::IsTerminal;
use std::time::Duration;

fn main() {
    let cli = Cli::parse();
    let code = match run(cli) {
        Ok(code) => code,
        Err(e) => {
            let mut msg = format!("{} {e}", paint(ERROR, "error:"));
            for cause in e.chain().skip(1) {
                msg.push_str(&format!("\n  caused by: {cause}"));
            }
            anstream::eprintln!("{msg}");
            e.downcast_ref::<UsageError>().map_or(exit::FAILURE, |_| exit::USAGE)
        }
    };
    std::process::exit(code);
}

/// A bad value on the command line that clap could not catch by itself.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct UsageError(String);

fn run(cli: Cli) -> anyhow::Result<i32> {
    let mut stdout = anstream::stdout();
    match cli.command {
        Command::Validate(args) => {
            let category = args.category.as_deref().map(str::parse).transpose().map_err(UsageError)?;
            let options = ValidateOptions {
                path: args.path,
                category,
                json: args.json,
            };
            validate::run(&options, &mut stdout)
        }
        Command::Submit(args) => {
            let args = *args;
            let category = args.category.as_deref().map(str::parse).transpose().map_err(UsageError)?;
            if args.patch.is_some() && !args.dry_run {
                return Err(UsageError("--patch needs --dry-run".into()).into());
            }
            let options = SubmitOptions {
                path: args.path,
                category,
                name: args.name,
                update: args.update,
                prune: args.prune,
                allow_duplicate: args.allow_duplicate,
                branch: args.branch,
                title: args.title,
                author: args.author,
                dry_run: args.dry_run,
                patch: args.patch,
                json: args.json,
                yes: args.yes,
                force_push: args.force_push,
                cache: cache_dir()?,
                upstream: Upstream::new(&args.upstream.upstream, &args.upstream.base_branch),
                freshness: SearchOptions::freshness(args.offline, args.max_age_hours),
                github: github::Settings {
                    api: args.github_api,
                    token: args.token,
                    upstream_repo: args.upstream_repo,
                    fork_owner: args.fork_owner,
                    fork_timeout: Duration::from_secs(args.fork_timeout),
                    poll_interval: Duration::from_millis(args.poll_ms),
                },
                interactive: std::io::stdin().is_terminal() && std::io::stdout().is_terminal(),
            };
            submit::run(&options, &mut stdout, &mut anstream::stderr())
        }
        Command::Init(args) => {
            let category = args.category.as_deref().map(str::parse).transpose().map_err(UsageError)?;
            connector_publish::commands::init::run(
                &connector_publish::commands::init::InitOptions { path: args.path, category },
                &mut stdout,
            )
        }
        Command::Completions(args) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(args.shell, &mut command, "connector-publish", &mut std::io::stdout());
            Ok(exit::OK)
        }
        Command::Man => {
            clap_mangen::Man::new(<Cli as clap::CommandFactory>::command()).render(&mut std::io::stdout())?;
            Ok(exit::OK)
        }
        Command::Sync(args) => {
            let upstream = Upstream::new(&args.upstream.upstream, &args.upstream.base_branch);
            sync::run(
                &SyncOptions {
                    cache: cache_dir()?,
                    upstream,
                    json: args.json,
                },
                &mut stdout,
            )
        }
        Command::Search(args) => {
            let options = SearchOptions {
                query: args.query,
                cache: cache_dir()?,
                upstream: Upstream::new(&args.upstream.upstream, &args.upstream.base_branch),
                freshness: SearchOptions::freshness(args.offline, args.max_age_hours),
                exclude: args.exclude,
                limit: args.limit,
                json: args.json,
            };
            search::run(&options, &mut stdout, &mut anstream::stderr())
        }
    }
}
