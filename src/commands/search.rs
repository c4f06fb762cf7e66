//! `connector-publish search`: is there already a connector upstream for this API?

use crate::catalog::open::{self as catalog, Freshness};
use crate::catalog::published::PublishedOptions;
use crate::catalog::search::{self, parse_text_query, Query, Verdict};
use crate::catalog::Upstream;
use crate::commands::other_sources::{other_sources, Sources};
use crate::exit::Exit;
use crate::publish::github;
use crate::report::search::{PublishedSummary, PullsSummary, SearchReport};
use anyhow::Context;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct SearchOptions {
    pub query: String,
    pub cache: PathBuf,
    pub upstream: Upstream,
    pub freshness: Freshness,
    pub exclude: Option<String>,
    pub limit: usize,
    pub json: bool,
    /// Where open pull requests are looked at (with a token).
    pub github: github::Settings,
    /// Where the list of published connectors comes from (when signed in).
    pub published: PublishedOptions,
}

impl SearchOptions {
    /// Where open pull requests and published connectors are asked.
    fn sources(&self, offline: bool) -> Sources<'_> {
        Sources {
            github: &self.github,
            published: &self.published,
            offline,
            cache: &self.cache,
            base_branch: &self.upstream.branch,
        }
    }

    pub fn freshness(offline: bool, max_age_hours: u64) -> Freshness {
        if offline {
            Freshness::Offline
        } else {
            Freshness::MaxAge(Duration::from_secs(max_age_hours * 3600))
        }
    }
}

/// A folder on disk is searched by its fingerprint; anything else is a host, URL or title.
pub fn query_from(text: &str) -> anyhow::Result<(Query, String)> {
    let path = Path::new(text);
    if path.is_dir() {
        let package = crate::source::folder(path)?;
        let fp = package
            .fingerprint()
            .with_context(|| format!("{}: no apiDefinition.swagger.json to search with", path.display()))?
            .with_context(|| format!("{}: the swagger file cannot be read", path.display()))?;
        let label = format!("the connector in {}", path.display());
        // A folder inside a checkout of the repository knows its category too.
        let place = package.folder_name().map(|name| {
            let parent = fs_parent_name(path);
            match parent.as_deref().and_then(crate::connector::Category::from_folder) {
                Some(category) => format!("{}/{name}", category.folder()),
                None => name,
            }
        });
        return Ok((Query::Connector(fp, place), label));
    }
    let q = parse_text_query(text);
    let label = match &q {
        Query::Host { host, base_path } => format!("the host {host}{}", base_path.as_deref().unwrap_or("")),
        Query::Title(t) => format!("the title \"{t}\""),
        Query::Connector(..) => unreachable!(),
    };
    Ok((q, label))
}

fn fs_parent_name(path: &Path) -> Option<String> {
    let real = std::fs::canonicalize(path).ok()?;
    real.parent()?.file_name()?.to_str().map(str::to_owned)
}

pub fn run(options: &SearchOptions, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<Exit> {
    // Everything printed is masked: the secret patterns compile on the other core while the
    // index loads (a few milliseconds of a warm search's twenty).
    std::thread::spawn(crate::secrets::prewarm);
    let (query, label) = query_from(&options.query)?;
    let c = catalog::open(&options.cache, &options.upstream, options.freshness)?;
    c.print_notices(err)?;
    let upstream = options.upstream.clone();
    let mut candidates = search::search(&c.index, &query, options.exclude.as_deref(), &|folder| upstream.browse_url(folder));
    // A connector is looked for in open pull requests and among published connectors too (a
    // host or a title is not).
    let offline = matches!(options.freshness, Freshness::Offline);
    let (pulls, published) = match &query {
        Query::Connector(fp, _) => {
            let others = other_sources(&options.sources(offline), fp, &c.index, err)?;
            candidates.extend(others.candidates());
            search::rank(&mut candidates);
            (Some(others.pulls), Some(others.published))
        }
        _ => (None, None),
    };
    let code = match candidates.first().map(|c| c.verdict) {
        Some(Verdict::Duplicate) => Exit::Duplicate,
        Some(Verdict::Related) => Exit::Related,
        None => Exit::Ok,
    };
    let report = SearchReport {
        query: &options.query,
        commit: &c.index.commit,
        date: catalog::date(c.commit_time),
        offline: c.offline_notice.is_some(),
        pull_requests: pulls.as_ref().map(|p| PullsSummary {
            looked: p.looked.is_some(),
            not_looked: p.not_looked.clone(),
            open: p.looked.as_ref().map(|l| l.open),
            unread: p.looked.as_ref().map(|l| l.unread.clone()).unwrap_or_default(),
            notes: p.looked.as_ref().map(|l| l.notes.clone()).unwrap_or_default(),
            seconds: p.elapsed.as_secs_f64(),
        }),
        published: published.as_ref().map(|p| PublishedSummary {
            looked: p.not_looked.is_none(),
            not_looked: p.not_looked.clone(),
            cached: p.cached,
            listed: p.listed,
        }),
        candidates,
        label,
        branch: &options.upstream.branch,
        connectors: c.index.connectors.len(),
        limit: options.limit,
    };
    if options.json {
        crate::report::write_json(&report, out)?;
    } else {
        report.human(out)?;
    }
    // The process ends right after: freeing the index's ~40,000 strings and sets one by one took
    // a tenth of a warm search's time (measured with perf), and the system takes the memory back
    // at once. (The catalog holds no file or lock that would need closing.)
    drop(report);
    std::mem::forget(c);
    Ok(code)
}

/// `search`'s options from its flags, the environment and the config file.
pub fn exec(args: crate::cli::SearchArgs, ctx: &super::Context) -> anyhow::Result<Exit> {
    let options = SearchOptions {
        query: args.query,
        cache: ctx.cache()?,
        upstream: ctx.upstream(&args.upstream)?,
        freshness: SearchOptions::freshness(args.offline, args.max_age_hours),
        exclude: args.exclude,
        limit: args.limit,
        json: args.json,
        github: ctx.github_api(args.github),
        published: PublishedOptions {
            power_platform: ctx.power_platform(&args.power_platform)?,
            environment: args.environment,
            refresh: args.refresh_published,
        },
    };
    run(&options, &mut crate::output::stdout(), &mut crate::output::stderr())
}
