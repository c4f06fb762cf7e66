//! Who may update an independent publisher's connector. The certification bot refuses an update
//! from another account than the one that first submitted the connector ("Publisher Mismatch
//! Detected: This connector was originally submitted under a different publisher account"). The
//! first submission is the pull request that added the folder: the oldest commit touching the
//! folder on upstream (`GET /repos/{o}/{r}/commits?path=`, its last page through `Link:
//! rel="last"`, since the mirror is shallow) names it as "(#N)" (a squash merge) or "Merge pull
//! request #N" (a merge commit), and `GET /repos/{o}/{r}/pulls/{N}` gives its author. The answer
//! never changes, so it is cached in the cache folder (`publishers.json`).

use super::types::PullRequest;
use super::Client;
use reqwest::Method;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The cache file's name in the cache folder.
pub const CACHE_FILE: &str = "publishers.json";

/// What `submit` says about the account before anything public happens.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PublisherAccount {
    /// Whether GitHub (or the cache) was asked; `false`: skipped, and `message` says why.
    pub checked: bool,
    /// The pull request that first added the folder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_pull_request: Option<u64>,
    /// Its author: the connector's publisher account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_author: Option<String>,
    /// The token's account, which opens this pull request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// The two differ: the certification bot will answer "Publisher Mismatch".
    pub mismatch: bool,
    pub message: String,
}

/// One cached answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Cached {
    pull: u64,
    login: String,
}

use super::types::CommitItem;

/// The pull request number a merge commit's message names: "Title (#123)" (a squash merge, on its
/// first line) or "Merge pull request #123 from …".
pub fn pull_number(message: &str) -> Option<u64> {
    let first = message.lines().next().unwrap_or_default();
    if let Some(rest) = first.strip_prefix("Merge pull request #") {
        return rest.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok();
    }
    let start = first.rfind("(#")?;
    let digits = &first[start + 2..];
    let end = digits.find(')')?;
    digits[..end].parse().ok()
}

/// The `rel="last"` URL of a `Link` header.
fn last_link(link: &str) -> Option<&str> {
    link.split(',').find_map(|part| {
        let (url, rel) = part.split_once(';')?;
        rel.contains("rel=\"last\"")
            .then(|| url.trim().trim_start_matches('<').trim_end_matches('>'))
    })
}

fn read_cache(cache: &Path) -> BTreeMap<String, Cached> {
    std::fs::read(cache.join(CACHE_FILE))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// Write the cache whole, through a temporary file renamed into place (a reader never sees half).
fn write_cache(cache: &Path, entries: &BTreeMap<String, Cached>) {
    let write = || -> anyhow::Result<()> {
        std::fs::create_dir_all(cache)?;
        let mut tmp = tempfile::NamedTempFile::new_in(cache)?;
        std::io::Write::write_all(&mut tmp, &serde_json::to_vec_pretty(entries)?)?;
        tmp.persist(cache.join(CACHE_FILE))?;
        Ok(())
    };
    if let Err(e) = write() {
        tracing::debug!("could not cache the publisher account: {e:#}");
    }
}

/// The first pull request of `folder` (`independent-publisher-connectors/Name`) on `upstream_repo`
/// and its author, from the cache or GitHub.
pub fn first_submission(client: &Client, upstream_repo: &str, folder: &str, cache: &Path) -> anyhow::Result<Option<(u64, String)>> {
    let key = format!("{upstream_repo}/{folder}");
    let mut cached = read_cache(cache);
    if let Some(c) = cached.get(&key) {
        return Ok(Some((c.pull, c.login.clone())));
    }
    let encoded = percent_encoding::utf8_percent_encode(folder, percent_encoding::NON_ALPHANUMERIC);
    let path = format!("/repos/{upstream_repo}/commits?path={encoded}&per_page=100");
    let what = format!("GET /repos/{upstream_repo}/commits");
    let reply = client.request(Method::GET, &path, None)?;
    if reply.status != 200 {
        return Err(client.fail(&what, &reply));
    }
    // Newest first: the oldest commit is the last one of the last page.
    let mut commits: Vec<CommitItem> = client.decode(&reply, &what)?;
    if let Some(last) = reply.header("link").and_then(last_link).map(str::to_string) {
        let reply = client.request(Method::GET, &last, None)?;
        if reply.status != 200 {
            return Err(client.fail(&what, &reply));
        }
        commits = client.decode(&reply, &what)?;
    }
    let Some(oldest) = commits.last() else { return Ok(None) };
    let Some(number) = pull_number(&oldest.commit.message) else {
        anyhow::bail!(
            "the oldest commit of {folder} ({}) names no pull request",
            &oldest.sha[..oldest.sha.len().min(12)]
        );
    };
    let pull: PullRequest = client.get(&format!("/repos/{upstream_repo}/pulls/{number}"))?;
    let Some(login) = pull.user.map(|u| u.login) else { return Ok(None) };
    cached.insert(
        key,
        Cached {
            pull: number,
            login: login.clone(),
        },
    );
    write_cache(cache, &cached);
    Ok(Some((number, login)))
}

/// Compare the account that first submitted `folder` with the token's.
pub fn check(client: Option<&Client>, upstream_repo: &str, folder: &str, cache: &Path) -> PublisherAccount {
    let Some(client) = client else {
        return PublisherAccount {
            message: "not checked: no GitHub token. The certification bot refuses an update from another account than the one that first submitted the connector (\"Publisher Mismatch\"); pass a token to check it before the pull request opens".into(),
            ..Default::default()
        };
    };
    let skipped = |why: String| PublisherAccount {
        message: format!("not checked: {why}"),
        ..Default::default()
    };
    let user = match client.login_name() {
        Ok(u) => u,
        Err(e) => return skipped(format!("{e:#}")),
    };
    match first_submission(client, upstream_repo, folder, cache) {
        Err(e) => skipped(format!("{e:#}")),
        Ok(None) => skipped(format!("GitHub lists no commit for {folder}")),
        Ok(Some((number, original))) => {
            let mismatch = !original.eq_ignore_ascii_case(&user);
            let message = if mismatch {
                format!(
                    "Publisher Mismatch: {folder} was first submitted by @{original} (#{number}), and this pull request would come from @{user}. The certification bot answers \"Publisher Mismatch Detected\" to an update from another account: submit from @{original}'s account (or ask @{original} to), or ask the maintainers on the pull request, before `certify-connector`, to move the connector to your account"
                )
            } else {
                format!("@{user} first submitted {folder} (#{number}): the certification bot accepts the update from this account")
            };
            PublisherAccount {
                checked: true,
                first_pull_request: Some(number),
                original_author: Some(original),
                user: Some(user),
                mismatch,
                message,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_messages_name_their_pull_request() {
        assert_eq!(pull_number("Holopin (Independent Publisher) (#2198)\n\n* add"), Some(2198));
        assert_eq!(pull_number("Merge pull request #77 from a/b\n\nx"), Some(77));
        assert_eq!(pull_number("Fix (#12) typo"), Some(12));
        assert_eq!(pull_number("Update readme\n\n(#5)"), None);
        assert_eq!(pull_number("(#x)"), None);
    }

    #[test]
    fn the_last_link_is_found() {
        let link = "<https://api.github.com/x?page=2>; rel=\"next\", <https://api.github.com/x?page=9>; rel=\"last\"";
        assert_eq!(last_link(link), Some("https://api.github.com/x?page=9"));
        assert_eq!(last_link("<https://a/x?page=2>; rel=\"next\""), None);
    }
}
