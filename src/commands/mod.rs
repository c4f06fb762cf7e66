//! One file per command: its options built from its flags (`exec`), a `run` that composes stages,
//! and one report. [`run`] sets up what every command shares and dispatches; `main` only parses
//! and turns the outcome into an exit status.

pub mod cleanup;
pub mod config;
pub mod context;
pub mod create;
pub mod download;
pub mod fork;
pub mod init;
pub mod login;
pub mod other_sources;
pub mod package;
pub mod search;
pub mod status;
pub mod submit;
pub mod sync;
pub mod validate;

pub use context::Context;

use crate::cli::{Cli, Command, ForkCommand};
use crate::exit::{Exit, UsageError};

/// Run the command `cli` names (`matches` are the same arguments as clap matched them, to tell a
/// value the user gave from a default).
pub fn run(cli: Cli, matches: &clap::ArgMatches) -> anyhow::Result<Exit> {
    crate::output::init_tracing(cli.verbose);
    crate::output::set_quiet(cli.quiet);
    if let Ok(value) = std::env::var(crate::net::TIMEOUT_ENV) {
        crate::net::parse_timeout(&value).map_err(UsageError)?;
    }
    let ctx = Context::new(crate::config::Config::load()?, matches);
    match cli.command {
        Command::Validate(args) => validate::exec(args, &ctx),
        Command::Submit(args) => submit::exec(*args, &ctx),
        Command::Init(args) => init::exec(args, &ctx),
        Command::Completions(args) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(args.shell, &mut command, "connector-publish", &mut std::io::stdout());
            Ok(Exit::Ok)
        }
        Command::Config(command) => config::run(command, &ctx.config, &mut crate::output::stdout()),
        Command::Man => {
            clap_mangen::Man::new(<Cli as clap::CommandFactory>::command()).render(&mut std::io::stdout())?;
            Ok(Exit::Ok)
        }
        Command::Sync(args) => sync::exec(args, &ctx),
        Command::Login(args) => login::exec(args, &ctx),
        Command::Logout(args) => login::exec_logout(args),
        Command::Download(args) => download::exec(args, &ctx),
        Command::Package(command) => package::exec(command, &ctx),
        Command::Status(args) => status::exec(args, &ctx),
        Command::Fork(ForkCommand::Sync(args)) => fork::exec_sync(args, &ctx),
        Command::Cleanup(args) => cleanup::exec(args, &ctx),
        Command::Search(args) => search::exec(args, &ctx),
        Command::Create(args) => create::exec_create(*args, &ctx),
        Command::Update(args) => create::exec_update(*args, &ctx),
    }
}
