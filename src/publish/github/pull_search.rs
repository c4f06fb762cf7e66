//! The duplicate search's view of upstream pull requests (`catalog::open_prs`): the pulls list
//! (a page at a time, with ETags), each pull request's files, and a file at the pull request's
//! head, read from the upstream repository itself (where every head is `refs/pull/N/head`), through
//! [`Client`].

use super::types::{FileContent, PullFile, PullListed};
use super::{ApiError, Client, Conditional};
use crate::catalog::open_prs::{ChangedFile, Page, PullInfo, PullRequestSource};
use anyhow::{anyhow, bail};
use base64::Engine;

/// Everything but unreserved characters and `/`, for a file path inside a URL path.
const PATH: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// The upstream repository's pull requests as the duplicate search reads them.
pub struct UpstreamPulls<'a> {
    pub client: &'a Client,
    /// `owner/name`.
    pub repo: String,
}

fn check_repo(repo: &str) -> anyhow::Result<()> {
    let ok = repo.split('/').count() == 2
        && repo
            .split('/')
            .all(|p| !p.is_empty() && !p.starts_with('.') && p.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)));
    if !ok {
        bail!("`{repo}` is not a GitHub repository name (owner/name)");
    }
    Ok(())
}

impl PullRequestSource for UpstreamPulls<'_> {
    fn pulls_page(&self, state: &str, base: &str, page: usize, etag: Option<&str>) -> anyhow::Result<Page> {
        check_repo(&self.repo)?;
        let base = percent_encoding::utf8_percent_encode(base, PATH).to_string();
        let path = format!(
            "/repos/{}/pulls?state={state}&base={base}&sort=updated&direction=desc&per_page=100&page={page}",
            self.repo
        );
        let (listed, next, etag): (Vec<PullListed>, bool, Option<String>) = match self.client.get_page_conditional(&path, etag)? {
            Conditional::NotModified => return Ok(Page::NotModified),
            Conditional::Modified((listed, next), etag) => (listed, next, etag),
        };
        let pulls = listed
            .into_iter()
            .map(|p| PullInfo {
                number: p.number,
                title: p.title.unwrap_or_default(),
                url: p.html_url,
                user: p.user.map(|u| u.login).unwrap_or_default(),
                updated_at: p.updated_at.unwrap_or_default(),
                state: p.state.unwrap_or_else(|| state.to_string()),
                merged: p.merged_at.is_some(),
                head_repo: p.head.as_ref().and_then(|h| h.repo.as_ref()).map(|r| r.full_name.clone()),
                head_sha: p.head.and_then(|h| h.sha).unwrap_or_default(),
            })
            .collect();
        Ok(Page::Modified { pulls, etag, next })
    }

    fn pull_files(&self, number: u64, max_pages: usize) -> anyhow::Result<Vec<ChangedFile>> {
        check_repo(&self.repo)?;
        let files: Vec<PullFile> = self
            .client
            .get_all(&format!("/repos/{}/pulls/{number}/files?per_page=100", self.repo), max_pages)?;
        Ok(files
            .into_iter()
            .map(|f| ChangedFile {
                removed: f.status == "removed",
                path: f.filename,
            })
            .collect())
    }

    fn file_at(&self, path: &str, sha: &str) -> anyhow::Result<Vec<u8>> {
        let repo = &self.repo;
        check_repo(repo)?;
        if !sha.chars().all(|c| c.is_ascii_hexdigit()) || sha.is_empty() {
            bail!("`{sha}` is not a commit id");
        }
        let encoded = percent_encoding::utf8_percent_encode(path, PATH);
        let file: FileContent = self.client.get(&format!("/repos/{repo}/contents/{encoded}?ref={sha}"))?;
        match (file.encoding.as_deref(), file.content) {
            (Some("base64"), Some(content)) => {
                let compact: String = content.split_whitespace().collect();
                base64::engine::general_purpose::STANDARD
                    .decode(compact)
                    .map_err(|e| anyhow!("{path}: GitHub sent content that is not base64 ({e})"))
            }
            _ => bail!(
                "{path}: GitHub sent no content (a file of {} bytes is over the contents API's limit)",
                file.size.unwrap_or(0)
            ),
        }
    }

    fn exhausted(&self, error: &anyhow::Error) -> bool {
        let api = error
            .downcast_ref::<ApiError>()
            .is_some_and(|e| e.status == 429 || (e.status == 403 && e.message.to_ascii_lowercase().contains("rate limit")));
        api || format!("{error:#}").contains("rate limit")
    }
}

/// The look at open pull requests against upstream: what was found, or why it was not looked at.
#[derive(Debug, Default)]
pub struct PullLookup {
    pub looked: Option<crate::catalog::open_prs::Looked>,
    /// Why there was no look (no token, offline), or why it stopped short.
    pub not_looked: Option<String>,
    /// The look was tried and failed (GitHub refused or did not answer): `not_looked` says why.
    pub failed: bool,
    pub elapsed: std::time::Duration,
    pub repo: String,
}

impl PullLookup {
    pub fn candidates(&self) -> Vec<crate::catalog::Candidate> {
        self.looked.as_ref().map(|l| l.candidates.clone()).unwrap_or_default()
    }

    /// Why open pull requests the search should have compared were not, when some were not: the
    /// look failed, or some could not be read (named), or the list was longer than the bound.
    /// (No look without a token or offline is not a failure: the user chose it.)
    pub fn unchecked(&self) -> Option<String> {
        if self.failed {
            return Some(format!(
                "the open pull requests on {} could not be looked at ({})",
                self.repo,
                self.not_looked.as_deref().unwrap_or("unknown error")
            ));
        }
        let looked = self.looked.as_ref()?;
        if looked.complete() {
            return None;
        }
        let mut parts = Vec::new();
        if !looked.unread.is_empty() {
            let numbers: Vec<String> = looked.unread.iter().map(|u| format!("#{}", u.number)).collect();
            parts.push(format!(
                "{} open pull request(s) on {} could not be read: {}",
                looked.unread.len(),
                self.repo,
                numbers.join(", ")
            ));
        }
        if looked.left_out > 0 {
            parts.push(format!("the oldest open pull requests on {} were left out", self.repo));
        }
        Some(parts.join("; "))
    }

    /// One line on what was looked at and how long it took, then the notes.
    pub fn print(&self, err: &mut dyn std::io::Write) -> std::io::Result<()> {
        use crate::output::{paint, write_notice, DIM};
        if let Some(why) = &self.not_looked {
            write_notice(
                "notice:",
                format_args!("did not look at open pull requests on {}: {why}", self.repo),
                err,
            )?;
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
                write_notice("notice:", note, err)?;
            }
        }
        Ok(())
    }
}

/// Look at the open pull requests against `base_branch` for `query`, when there is a token and
/// the network may be used; a failure is a notice, not the search's end.
pub fn pull_requests(
    settings: &super::Settings,
    offline: bool,
    cache: &std::path::Path,
    base_branch: &str,
    query: &crate::connector::Fingerprint,
) -> PullLookup {
    use crate::catalog::open_prs;
    let started = std::time::Instant::now();
    let mut lookup = PullLookup {
        repo: settings.upstream_repo.clone(),
        ..Default::default()
    };
    if offline {
        lookup.not_looked = Some("working offline".into());
        return lookup;
    }
    let Some(token) = super::resolve_token(settings.token.as_deref()) else {
        lookup.not_looked = Some("no GitHub token (GH_TOKEN, --token or `gh auth login`)".into());
        return lookup;
    };
    let result = super::Client::new(settings, token).and_then(|client| {
        let viewer = viewer(&client, cache);
        let source = UpstreamPulls {
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
        Err(e) => {
            lookup.failed = true;
            lookup.not_looked = Some(format!("{e:#}"));
        }
    }
    lookup.elapsed = started.elapsed();
    lookup
}

/// The token's login, asked with the ETag of the last answer (kept in the cache folder): a 304
/// costs no rate limit. `None` when GitHub does not say.
fn viewer(client: &super::Client, cache: &std::path::Path) -> Option<String> {
    #[derive(serde::Serialize, serde::Deserialize)]
    struct Known {
        etag: String,
        login: String,
    }
    let path = cache.join(format!(
        "github-viewer-{:016x}.json",
        crate::catalog::mirror::fnv1a(client.api_base().as_bytes())
    ));
    let known: Option<Known> = std::fs::read(&path).ok().and_then(|b| serde_json::from_slice(&b).ok());
    match client.get_conditional::<super::types::User>("/user", known.as_ref().map(|k| k.etag.as_str())) {
        Ok(Conditional::NotModified) => known.map(|k| k.login),
        Ok(Conditional::Modified(user, etag)) => {
            if let Some(etag) = etag {
                let known = Known {
                    etag,
                    login: user.login.clone(),
                };
                if let Ok(bytes) = serde_json::to_vec(&known) {
                    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
                    if std::fs::create_dir_all(cache).is_ok() && std::fs::write(&tmp, bytes).is_ok() {
                        std::fs::rename(&tmp, &path).ok();
                    }
                }
            }
            Some(user.login)
        }
        Err(e) => {
            tracing::debug!("the token's login could not be read: {e:#}");
            None
        }
    }
}
