//! `connector-publish init`: scaffold what a category needs around a connector (or a new, empty
//! one). It never overwrites a file; it says what it created and what a person must still write.

use crate::connector::Category;
use crate::exit::Exit;
use crate::output::{paint, DIM, EMPHASIS, GOOD, WARNING};
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
    let category = outcome.category.map(|c| c.to_string()).unwrap_or_default();
    writeln!(out, "Prepared {} as {}", options.path.display(), paint(EMPHASIS, category))?;
    for f in &outcome.created {
        writeln!(out, "  {} {f}", paint(GOOD, "created"))?;
    }
    for f in &outcome.kept {
        writeln!(
            out,
            "  {} {f} {}",
            paint(DIM, "kept   "),
            paint(DIM, "(existing files are never overwritten)")
        )?;
    }
    if outcome.todo.is_empty() {
        writeln!(
            out,
            "\nNothing left to fill in. Next: connector-publish submit {} --dry-run",
            options.path.display()
        )?;
    } else {
        writeln!(out, "\n{}", paint(WARNING, "Still to fill in:"))?;
        for t in &outcome.todo {
            writeln!(out, "  - {t}")?;
        }
        writeln!(out, "\nThen: connector-publish validate {}", options.path.display())?;
    }
    Ok(Exit::Ok)
}

/// `init`'s options from its flags and the config file.
pub fn exec(args: crate::cli::InitArgs, ctx: &super::Context) -> anyhow::Result<Exit> {
    let category = ctx.category(args.category.as_deref())?;
    run(&InitOptions { path: args.path, category }, &mut crate::output::stdout())
}
