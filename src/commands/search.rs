//! `connector-publish search`: is there already a connector upstream for this API?

use crate::catalog::open::{self as catalog, Freshness};
use crate::catalog::open_prs::{self, Looked};
use crate::catalog::search::{self, parse_text_query, Candidate, Query, Verdict};
use crate::catalog::Upstream;
use crate::catalog::{published, Index};
use crate::cli::Exit;
use crate::output::{paint, DIM, EMPHASIS, ERROR, GOOD, WARNING};
use crate::package::{ConnectorPackage, Fingerprint};
use crate::publish::github;
use crate::source::environment::PowerPlatformSettings;
use anyhow::Context;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

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

#[derive(Debug, Clone)]
pub struct PublishedOptions {
    pub power_platform: PowerPlatformSettings,
    /// The environment whose list is read (default: the default environment).
    pub environment: Option<String>,
    /// Fetch the list again (`--refresh-published`).
    pub refresh: bool,
}

/// The comparison with published connectors: what was found, or why it was not made.
#[derive(Debug, Default)]
pub struct PublishedLookup {
    pub candidates: Vec<Candidate>,
    pub not_looked: Option<String>,
    /// The list came from the cache (else it was fetched now).
    pub cached: bool,
    pub listed: usize,
}

/// Compare `query` with the environment's published connectors: the cached list while young
/// (any age offline), else fetched when signed in to Power Platform.
pub fn published_connectors(
    options: &PublishedOptions,
    offline: bool,
    cache: &Path,
    query: &Fingerprint,
    index: &Index,
) -> PublishedLookup {
    let now = crate::powerplatform::auth::now();
    let max_age = if offline { u64::MAX } else { published::MAX_AGE_SECS };
    let cached = (!options.refresh || offline)
        .then(|| published::load(cache, now, max_age))
        .flatten()
        .filter(|l| options.environment.as_ref().is_none_or(|e| *e == l.environment));
    let list = match cached {
        Some(list) => Ok((list, true)),
        None if offline => Err("working offline, and no list in the cache".to_string()),
        None => fetch_published(options, now).map(|l| (l, false)),
    };
    match list {
        Ok((list, cached)) => {
            if !cached {
                published::save(cache, &list);
            }
            PublishedLookup {
                candidates: published::search(query, &list, index),
                not_looked: None,
                cached,
                listed: list.connectors.len(),
            }
        }
        Err(why) => PublishedLookup {
            not_looked: Some(why),
            ..Default::default()
        },
    }
}

fn fetch_published(options: &PublishedOptions, now: u64) -> Result<published::PublishedList, String> {
    let signed_in = crate::powerplatform::auth::load(&options.power_platform.token_cache)
        .ok()
        .flatten()
        .is_some();
    if !signed_in {
        return Err("not signed in to Power Platform (`connector-publish login`)".into());
    }
    let fetch = || -> anyhow::Result<published::PublishedList> {
        let (mut pp, _) = options.power_platform.connect()?;
        let environment = match &options.environment {
            Some(e) => e.clone(),
            None => {
                let environments = pp.environments()?;
                let default = environments.iter().find(|e| e.is_default).or(environments.first());
                default
                    .map(|e| e.name.clone())
                    .ok_or_else(|| anyhow::anyhow!("your account sees no environment"))?
            }
        };
        let connectors = pp.all_connectors(&environment)?;
        Ok(published::PublishedList {
            environment,
            fetched_at: now,
            connectors,
        })
    };
    fetch().map_err(|e| format!("{e:#}"))
}

/// The look at open pull requests against upstream: what was found, or why it was not looked at.
#[derive(Debug, Default)]
pub struct PullLookup {
    pub looked: Option<Looked>,
    /// Why there was no look (no token, offline), or why it stopped short.
    pub not_looked: Option<String>,
    pub elapsed: Duration,
    pub repo: String,
}

impl PullLookup {
    pub fn candidates(&self) -> Vec<Candidate> {
        self.looked.as_ref().map(|l| l.candidates.clone()).unwrap_or_default()
    }

    /// One line on what was looked at and how long it took, then the notes.
    pub fn print(&self, err: &mut dyn Write) -> std::io::Result<()> {
        let notice = paint(WARNING, "notice:");
        if let Some(why) = &self.not_looked {
            writeln!(err, "{notice} did not look at open pull requests on {}: {why}", self.repo)?;
        }
        if let Some(l) = &self.looked {
            let line = format!(
                "Looked at {} open pull request(s) on {} in {:.1} s ({} read, the rest from the cache)",
                l.open,
                self.repo,
                self.elapsed.as_secs_f64(),
                l.read
            );
            writeln!(err, "{}", paint(DIM, line))?;
            for note in &l.notes {
                writeln!(err, "{notice} {note}")?;
            }
        }
        Ok(())
    }
}

/// Look at the open pull requests against `base_branch` for `query`, when there is a token and
/// the network may be used; a failure is a notice, not the search's end.
pub fn pull_requests(settings: &github::Settings, offline: bool, cache: &Path, base_branch: &str, query: &Fingerprint) -> PullLookup {
    let started = Instant::now();
    let mut lookup = PullLookup {
        repo: settings.upstream_repo.clone(),
        ..Default::default()
    };
    if offline {
        lookup.not_looked = Some("working offline".into());
        return lookup;
    }
    let Some(token) = github::resolve_token(settings.token.as_deref()) else {
        lookup.not_looked = Some("no GitHub token (GH_TOKEN, --token or `gh auth login`)".into());
        return lookup;
    };
    let result = github::Client::new(settings, token).and_then(|client| {
        let viewer = client.get::<github::types::User>("/user").map(|u| u.login).ok();
        let source = github::UpstreamPulls {
            client: &client,
            repo: settings.upstream_repo.clone(),
        };
        open_prs::search(
            &source,
            cache,
            &settings.upstream_repo,
            base_branch,
            query,
            viewer.as_deref(),
            &open_prs::BOUNDS,
        )
    });
    match result {
        Ok(looked) => lookup.looked = Some(looked),
        Err(e) => lookup.not_looked = Some(format!("{e:#}")),
    }
    lookup.elapsed = started.elapsed();
    lookup
}

impl SearchOptions {
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
        let package = ConnectorPackage::load(path)?;
        let fp = package
            .fingerprint()
            .with_context(|| format!("{}: no apiDefinition.swagger.json to search with", path.display()))?
            .with_context(|| format!("{}: the swagger file cannot be read", path.display()))?;
        let label = format!("the connector in {}", path.display());
        // A folder inside a checkout of the repository knows its category too.
        let place = package.folder_name().map(|name| {
            let parent = fs_parent_name(path);
            match parent.as_deref().and_then(crate::package::Category::from_folder) {
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
            let lookup = pull_requests(&options.github, offline, &options.cache, &options.upstream.branch, fp);
            lookup.print(err)?;
            candidates.extend(lookup.candidates());
            let published = published_connectors(&options.published, offline, &options.cache, fp, &c.index);
            if let Some(why) = &published.not_looked {
                writeln!(
                    err,
                    "{} did not compare with published connectors: {why}",
                    paint(WARNING, "notice:")
                )?;
            }
            candidates.extend(published.candidates.iter().cloned());
            search::rank(&mut candidates);
            (Some(lookup), Some(published))
        }
        _ => (None, None),
    };
    let code = match candidates.first().map(|c| c.verdict) {
        Some(Verdict::Duplicate) => Exit::Duplicate,
        Some(Verdict::Related) => Exit::Related,
        None => Exit::Ok,
    };
    if options.json {
        let doc = serde_json::json!({
            "query": options.query,
            "commit": c.index.commit,
            "date": catalog::date(c.commit_time),
            "offline": c.offline_notice.is_some(),
            "pull_requests": pulls.as_ref().map(|p| serde_json::json!({
                "looked": p.looked.is_some(),
                "not_looked": p.not_looked,
                "open": p.looked.as_ref().map(|l| l.open),
                "notes": p.looked.as_ref().map(|l| l.notes.clone()).unwrap_or_default(),
                "seconds": p.elapsed.as_secs_f64(),
            })),
            "published": published.as_ref().map(|p| serde_json::json!({
                "looked": p.not_looked.is_none(),
                "not_looked": p.not_looked,
                "cached": p.cached,
                "listed": p.listed,
            })),
            "candidates": candidates,
        });
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        writeln!(out)?;
        return Ok(code);
    }
    writeln!(
        out,
        "{}",
        paint(
            DIM,
            format!(
                "Searched {} connectors of {} at {} ({}) for {label}",
                c.index.connectors.len(),
                options.upstream.branch,
                &c.index.commit[..12],
                catalog::date(c.commit_time)
            )
        )
    )?;
    if candidates.is_empty() {
        writeln!(out, "{}", paint(GOOD, "No connector upstream serves this API."))?;
    }
    for cand in candidates.iter().take(options.limit) {
        let (word, style) = match cand.verdict {
            Verdict::Duplicate => ("duplicate", ERROR),
            Verdict::Related => ("related  ", WARNING),
        };
        let title = cand.title.as_deref().map(|t| format!(" \"{t}\"")).unwrap_or_default();
        writeln!(
            out,
            "{} {}{title}  {}",
            paint(style, word),
            paint(EMPHASIS, cand.label()),
            paint(DIM, format!("score {:.2}, {}", cand.score, cand.category))
        )?;
        writeln!(out, "          why: {}", cand.evidence.join("; "))?;
        if let Some(url) = &cand.url {
            writeln!(out, "          {}", paint(DIM, url))?;
        }
    }
    if candidates.len() > options.limit {
        writeln!(
            out,
            "{}",
            paint(
                DIM,
                format!("... and {} more (--limit, or --json for all)", candidates.len() - options.limit)
            )
        )?;
    }
    if code == Exit::Duplicate {
        let first = &candidates[0];
        if first.is_upstream() {
            writeln!(out, "\nThe same API already has a connector: improve it instead of adding another (`connector-publish submit --update \"{}\"`).", first.folder)?;
        } else {
            writeln!(
                out,
                "\nThe same API is already on its way: {}. Review or join it instead of adding another.",
                first.label()
            )?;
        }
    }
    Ok(code)
}
