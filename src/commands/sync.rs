//! `connector-publish sync`: refresh the mirror of upstream `dev` and index it.

use crate::catalog::open::{self as catalog, Freshness};
use crate::catalog::Upstream;
use crate::exit::Exit;
use crate::report::sync::SyncReport;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct SyncOptions {
    pub cache: PathBuf,
    pub upstream: Upstream,
    pub json: bool,
}

pub fn run(options: &SyncOptions, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<Exit> {
    let c = catalog::open(&options.cache, &options.upstream, Freshness::SyncNow)?;
    for notice in &c.notices {
        crate::report::write_notice("notice:", notice, err)?;
    }
    let sync = c.sync.as_ref();
    let report = SyncReport {
        upstream: options.upstream.display_url(),
        branch: &options.upstream.branch,
        commit: &c.index.commit,
        date: catalog::date(c.commit_time),
        fetched: sync.map(|s| s.fetched),
        repaired: sync.and_then(|s| s.repaired.as_deref()),
        index_rebuilt_damaged: c.index_stats.rebuilt_damaged,
        removed_leftovers: sync.map(|s| s.removed_leftovers),
        received_bytes: sync.map(|s| s.received_bytes),
        connectors: c.index.connectors.len(),
        indexed: c.index.connectors.iter().filter(|x| x.fingerprint.is_some()).count(),
        fingerprinted: c.index_stats.fingerprinted,
        reused: c.index_stats.reused,
        mirror: &c.mirror.path,
        received_objects: sync.map(|s| s.received_objects),
        index_loaded: c.index_stats.loaded,
    };
    if options.json {
        crate::report::write_json(&report, out)?;
    } else {
        report.human(out)?;
    }
    Ok(Exit::Ok)
}

/// `sync`'s options from its flags, the environment and the config file.
pub fn exec(args: crate::cli::SyncArgs, ctx: &super::Context) -> anyhow::Result<Exit> {
    let options = SyncOptions {
        cache: ctx.cache()?,
        upstream: ctx.upstream(&args.upstream)?,
        json: args.json,
    };
    run(&options, &mut crate::output::stdout(), &mut crate::output::stderr())
}
