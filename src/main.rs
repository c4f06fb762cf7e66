//! Entry point: parse the arguments, run the command, turn the outcome into an exit status.

use connector_publish::cli::Cli;
use connector_publish::output::{paint, ERROR};
use std::io::Write;

fn main() {
    let matches = <Cli as clap::CommandFactory>::command().get_matches();
    let cli = <Cli as clap::FromArgMatches>::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let code = match connector_publish::commands::run(cli, &matches) {
        Ok(exit) => exit.code(),
        Err(e) => {
            let mut msg = format!("{} {e}", paint(ERROR, "error:"));
            for cause in e.chain().skip(1) {
                msg.push_str(&format!("\n  caused by: {cause}"));
            }
            let _ = writeln!(connector_publish::output::stderr(), "{msg}");
            connector_publish::exit::exit_of(&e).code()
        }
    };
    std::process::exit(code);
}
