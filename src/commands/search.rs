//! `connector-publish search`: is there already a connector upstream for this API?

use crate::catalog::open::{self as catalog, Freshness};
use crate::catalog::search::{self, parse_text_query, Query, Verdict};
use crate::catalog::Upstream;
use crate::cli::Exit;
use crate::output::{paint, DIM, EMPHASIS, ERROR, GOOD, WARNING};
use crate::package::ConnectorPackage;
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
    let candidates = search::search(&c.index, &query, options.exclude.as_deref(), &|folder| upstream.browse_url(folder));
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
            paint(EMPHASIS, &cand.folder),
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
        let first = &candidates[0].folder;
        writeln!(out, "\nThe same API already has a connector: improve it instead of adding another (`connector-publish submit --update \"{first}\"`).")?;
    }
    Ok(code)
}
