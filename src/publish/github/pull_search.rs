//! The duplicate search's view of upstream pull requests (`catalog::open_prs`): the pulls list,
//! each pull request's files, and a file at the pull request's head, through [`Client`].

use super::types::{FileContent, PullFile, PullListed};
use super::Client;
use crate::catalog::open_prs::{ChangedFile, PullInfo, PullRequestSource};
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
    fn pulls(&self, state: &str, base: &str, max_pages: usize) -> anyhow::Result<(Vec<PullInfo>, bool)> {
        check_repo(&self.repo)?;
        let base = percent_encoding::utf8_percent_encode(base, PATH).to_string();
        let path = format!(
            "/repos/{}/pulls?state={state}&base={base}&sort=updated&direction=desc&per_page=100",
            self.repo
        );
        // The list is long (hundreds open): the most recently updated count, the rest are left out.
        let (listed, more): (Vec<PullListed>, bool) = self.client.get_first_pages(&path, max_pages)?;
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
        Ok((pulls, more))
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

    fn file_at(&self, repo: &str, path: &str, sha: &str) -> anyhow::Result<Vec<u8>> {
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
}

/// The look at open pull requests against upstream: what was found, or why it was not looked at.
#[derive(Debug, Default)]
pub struct PullLookup {
    pub looked: Option<crate::catalog::open_prs::Looked>,
    /// Why there was no look (no token, offline), or why it stopped short.
    pub not_looked: Option<String>,
    pub elapsed: std::time::Duration,
    pub repo: String,
}

impl PullLookup {
    pub fn candidates(&self) -> Vec<crate::catalog::Candidate> {
        self.looked.as_ref().map(|l| l.candidates.clone()).unwrap_or_default()
    }

    /// One line on what was looked at and how long it took, then the notes.
    pub fn print(&self, err: &mut dyn std::io::Write) -> std::io::Result<()> {
        use crate::output::{paint, DIM, WARNING};
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
        let viewer = client.get::<super::types::User>("/user").map(|u| u.login).ok();
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
        Err(e) => lookup.not_looked = Some(format!("{e:#}")),
    }
    lookup.elapsed = started.elapsed();
    lookup
}
