//! `connector-publish init`: scaffold what a category needs around a connector (or a new, empty
//! one). It never overwrites a file; it says what it created and what a person must still write.

use crate::connector::Category;
use crate::exit::Exit;
use crate::report::init::InitReport;
use crate::scaffold;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct InitOptions {
    pub path: PathBuf,
    pub category: Option<Category>,
}

pub fn run(options: &InitOptions, out: &mut dyn Write) -> anyhow::Result<Exit> {
    let outcome = scaffold::init(&options.path, options.category)?;
    InitReport::new(&options.path, &outcome).human(out)?;
    Ok(Exit::Ok)
}

/// `init`'s options from its flags and the config file.
pub fn exec(args: crate::cli::InitArgs, ctx: &super::Context) -> anyhow::Result<Exit> {
    let category = ctx.category(args.category.as_deref())?;
    run(&InitOptions { path: args.path, category }, &mut crate::output::stdout())
}
