//! Entry point: parse arguments, run the command, turn errors into messages and exit codes.

use clap::Parser;
use connector_publish::catalog::{cache_dir, Upstream};
use connector_publish::cli::{exit, Cli, Command};
use connector_publish::commands::search::{self, SearchOptions};
use connector_publish::commands::sync::{self, SyncOptions};
use connector_publish::commands::validate::{self, ValidateOptions};
use connector_publish::output::{paint, ERROR};

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
