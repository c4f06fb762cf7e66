//! A small typed GitHub REST client on the shared HTTP client (`crate::net::http`): the token,
//! GitHub's headers, the retry policy with `Settings::poll_interval` as its first delay, answers
//! decoded into the structs of `types`, and errors worded with what to do next.
//!
//! To add an endpoint: a struct for its answer in `types.rs`, then [`Client::get`] (one document),
//! [`Client::get_all`] (a list over `Link: rel="next"` pages), [`Client::get_conditional`] (with
//! an ETag, for polling), or [`Client::request`] and a match on the status for writes.

use super::types::ErrorBody;
use super::Settings;
use crate::net::{Failure, Http, Limits, Reply, Retry};
use anyhow::{anyhow, bail};
use reqwest::Method;
use serde::de::DeserializeOwned;

/// How many times a GitHub call is tried (5xx, rate limits, a broken connection).
const ATTEMPTS: u32 = 4;
/// The most pages [`Client::get_all`] follows when the caller gives no bound.
pub const MAX_PAGES: usize = 20;

pub struct Client {
    pub(super) http: Http,
    /// The API base, without a trailing slash.
    api: String,
    pub(super) token: String,
    pub(super) settings: Settings,
}

/// A GitHub answer that is not the one asked for, worded as `what: GitHub answered 404 Not Found
/// (hint)`.
#[derive(Debug, thiserror::Error)]
#[error("{what}: GitHub answered {status} {message}{details}{hint}")]
pub struct ApiError {
    pub what: String,
    pub status: u16,
    pub message: String,
    details: String,
    hint: &'static str,
}

/// The answer to a conditional GET.
#[derive(Debug)]
pub enum Conditional<T> {
    /// The document, and its ETag for the next request.
    Modified(T, Option<String>),
    /// 304: unchanged since the ETag given (and free of GitHub's rate limit).
    NotModified,
}

impl Client {
    pub fn new(settings: &Settings, token: String) -> anyhow::Result<Client> {
        let api = settings.api.trim_end_matches('/').to_string();
        match reqwest::Url::parse(&api) {
            Ok(url) if matches!(url.scheme(), "https" | "http") => {}
            Ok(_) => bail!("bad GitHub API URL {api}: not http(s)"),
            Err(e) => bail!("bad GitHub API URL {api}: {e}"),
        }
        Ok(Client {
            http: Http::shared()?,
            api,
            token,
            settings: settings.clone(),
        })
    }

    /// The API base, without a trailing slash.
    pub fn api_base(&self) -> &str {
        &self.api
    }

    /// The retry policy of every GitHub call (and of the thin push to the fork).
    pub fn retry(&self) -> Retry {
        Retry::new(ATTEMPTS, self.settings.poll_interval)
    }

    /// One call with the shared retry policy; any status is returned. `path` is relative to the
    /// API base (`/user`), or a full URL on it (a `Link` header's).
    pub fn request(&self, method: Method, path: &str, body: Option<&dyn erased::Body>) -> anyhow::Result<Reply> {
        self.send(method, path, body, None)
    }

    fn send(&self, method: Method, path: &str, body: Option<&dyn erased::Body>, etag: Option<&str>) -> anyhow::Result<Reply> {
        let url = if path.starts_with('/') {
            format!("{}{path}", self.api)
        } else if path.starts_with(&format!("{}/", self.api)) {
            path.to_string()
        } else {
            bail!("GitHub sent a link to another host ({path}); refusing to send the token there");
        };
        let body = body.map(|b| b.to_json()).transpose()?;
        let auth = format!("Bearer {}", self.token);
        let shown = path.split('?').next().unwrap_or(path);
        let sent = self.http.send(self.retry(), Limits::api(), &|client| {
            let mut request = client
                .request(method.clone(), &url)
                .header("Authorization", &auth)
                .header("Accept", "application/vnd.github+json");
            if let Some(etag) = etag {
                request = request.header("If-None-Match", etag);
            }
            if let Some(body) = &body {
                request = request.header("Content-Type", "application/json").body(body.clone());
            }
            request
        });
        sent.map_err(|e| match e {
            Failure::TimedOut { waited, tries } => anyhow!(
                "GitHub {} to wait longer ({method} {shown} at {})",
                crate::net::did_not_answer(waited, tries),
                self.settings.api
            ),
            Failure::Body(crate::net::BodyError::TimedOut) => anyhow!(
                "GitHub at {} did not answer {method} {shown}: {}",
                self.settings.api,
                crate::net::timeout_hint()
            ),
            Failure::Body(crate::net::BodyError::TooLarge { cap }) => anyhow!(
                "GitHub at {} sent an answer to {method} {shown} larger than {}, more than any real one; refusing to read on",
                self.settings.api,
                crate::net::size(cap)
            ),
            Failure::WaitTooLong(wait) => anyhow!("GitHub's rate limit asks to wait {} s; run again later", wait.as_secs()),
            e @ (Failure::Unreachable(_) | Failure::Body(_)) => anyhow!("cannot reach GitHub at {}: {e}", self.settings.api),
        })
    }

    /// The answer's JSON as `T`.
    pub fn decode<T: DeserializeOwned>(&self, reply: &Reply, what: &str) -> anyhow::Result<T> {
        serde_json::from_slice(&reply.body).map_err(|e| anyhow!("{what}: GitHub's answer is not what this tool expects ({e})"))
    }

    /// GET one document; any status but 200 is an [`ApiError`].
    pub fn get<T: DeserializeOwned>(&self, path: &str) -> anyhow::Result<T> {
        self.get_as(path, &format!("GET {}", path.split('?').next().unwrap_or(path)))
    }

    /// [`Client::get`], with what the call was for in its errors.
    pub(super) fn get_as<T: DeserializeOwned>(&self, path: &str, what: &str) -> anyhow::Result<T> {
        let reply = self.request(Method::GET, path, None)?;
        if reply.status != 200 {
            return Err(self.fail(what, &reply));
        }
        self.decode(&reply, what)
    }

    /// GET a list over every page (`Link: <…>; rel="next"`), at most `max_pages` pages (else an
    /// error: the answer is larger than any this tool expects). Links are followed only on the API
    /// base: the token goes nowhere else.
    pub fn get_all<T: DeserializeOwned>(&self, path: &str, max_pages: usize) -> anyhow::Result<Vec<T>> {
        let what = format!("GET {}", path.split('?').next().unwrap_or(path));
        let mut items = Vec::new();
        let mut next = Some(path.to_string());
        let mut pages = 0;
        while let Some(page) = next.take() {
            if pages == max_pages.max(1) {
                bail!("{what}: GitHub sent more than {pages} pages; stopping");
            }
            pages += 1;
            let reply = self.request(Method::GET, &page, None)?;
            if reply.status != 200 {
                return Err(self.fail(&what, &reply));
            }
            items.extend(self.decode::<Vec<T>>(&reply, &what)?);
            next = reply.header("link").and_then(next_link).map(str::to_string);
        }
        Ok(items)
    }

    /// A paged list whose pages are `P` (a bare array, or an object wrapping one: check runs,
    /// combined statuses), items taken out by `items`. The first page is asked with
    /// `If-None-Match: etag`: on 304 nothing more is asked ([`Conditional::NotModified`]); else
    /// every page is read (at most `max_pages`) and the first page's ETag returned. Lists whose
    /// changes show on the first page (sorted by update, newest first, or short) poll for one call.
    pub fn get_pages_conditional<P: DeserializeOwned, T>(
        &self,
        path: &str,
        etag: Option<&str>,
        max_pages: usize,
        items: impl Fn(P) -> Vec<T>,
    ) -> anyhow::Result<Conditional<Vec<T>>> {
        let what = format!("GET {}", path.split('?').next().unwrap_or(path));
        let mut out = Vec::new();
        let mut next = Some(path.to_string());
        let mut first_etag = None;
        let mut pages = 0;
        while let Some(page) = next.take() {
            if pages == max_pages.max(1) {
                bail!("{what}: GitHub sent more than {pages} pages; stopping");
            }
            let reply = self.send(Method::GET, &page, None, if pages == 0 { etag } else { None })?;
            pages += 1;
            match reply.status {
                304 if pages == 1 => return Ok(Conditional::NotModified),
                200 => {}
                _ => return Err(self.fail(&what, &reply)),
            }
            if pages == 1 {
                first_etag = reply.header("etag").map(str::to_string);
            }
            out.extend(items(self.decode::<P>(&reply, &what)?));
            next = reply.header("link").and_then(next_link).map(str::to_string);
        }
        Ok(Conditional::Modified(out, first_etag))
    }

    /// One page of a list, asked with `If-None-Match: etag`: [`Conditional::NotModified`] on 304,
    /// else its items, its ETag, and whether a `Link: rel="next"` page follows.
    pub fn get_page_conditional<T: DeserializeOwned>(&self, path: &str, etag: Option<&str>) -> anyhow::Result<Conditional<(Vec<T>, bool)>> {
        let what = format!("GET {}", path.split('?').next().unwrap_or(path));
        let reply = self.send(Method::GET, path, None, etag)?;
        match reply.status {
            304 => Ok(Conditional::NotModified),
            200 => {
                let next = reply.header("link").and_then(next_link).is_some();
                let etag = reply.header("etag").map(str::to_string);
                Ok(Conditional::Modified((self.decode(&reply, &what)?, next), etag))
            }
            _ => Err(self.fail(&what, &reply)),
        }
    }

    /// GET with `If-None-Match`: [`Conditional::NotModified`] on 304, else the document and its
    /// new ETag. (GitHub does not count a 304 against the rate limit: the way to poll.)
    pub fn get_conditional<T: DeserializeOwned>(&self, path: &str, etag: Option<&str>) -> anyhow::Result<Conditional<T>> {
        let what = format!("GET {}", path.split('?').next().unwrap_or(path));
        let reply = self.send(Method::GET, path, None, etag)?;
        match reply.status {
            304 => Ok(Conditional::NotModified),
            200 => {
                let etag = reply.header("etag").map(str::to_string);
                Ok(Conditional::Modified(self.decode(&reply, &what)?, etag))
            }
            _ => Err(self.fail(&what, &reply)),
        }
    }

    /// The error for an answer that is not the one expected, with a hint by status.
    pub fn fail(&self, what: &str, reply: &Reply) -> anyhow::Error {
        let body: ErrorBody = serde_json::from_slice(&reply.body).unwrap_or_default();
        let details = body.messages();
        let hint = match reply.status {
            401 => " (the token is wrong or expired: create a new one, or `gh auth login`)",
            403 | 429 if body.message.to_ascii_lowercase().contains("rate limit") => {
                " (GitHub's rate limit: wait until it resets, see `gh api rate_limit`, and run again)"
            }
            403 => " (the token lacks a permission: a classic token needs the `public_repo` scope; a fine-grained token cannot open pull requests on repositories you do not own, so use a classic token or `gh auth login`)",
            404 => " (not found, or the token cannot see it)",
            _ => "",
        };
        ApiError {
            what: what.to_string(),
            status: reply.status,
            message: body.message.clone(),
            details: if details.is_empty() {
                String::new()
            } else {
                format!(": {}", details.join("; "))
            },
            hint,
        }
        .into()
    }
}

/// The `rel="next"` URL of a `Link` header.
fn next_link(header: &str) -> Option<&str> {
    header.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        let is_next = params.split(';').any(|p| matches!(p.trim(), "rel=\"next\"" | "rel=next"));
        is_next.then(|| url.trim().trim_start_matches('<').trim_end_matches('>'))
    })
}

/// A request body: any `Serialize`, as JSON (object-safe, so `request` takes `&dyn`).
pub mod erased {
    pub trait Body {
        fn to_json(&self) -> anyhow::Result<Vec<u8>>;
    }

    impl<T: serde::Serialize> Body for T {
        fn to_json(&self) -> anyhow::Result<Vec<u8>> {
            Ok(serde_json::to_vec(self)?)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_links_are_found() {
        let header = r#"<https://api.github.com/repositories/1/pulls?page=2>; rel="next", <https://api.github.com/repositories/1/pulls?page=5>; rel="last""#;
        assert_eq!(next_link(header), Some("https://api.github.com/repositories/1/pulls?page=2"));
        assert_eq!(next_link(r#"<https://x/?page=1>; rel="prev""#), None);
        assert_eq!(next_link(""), None);
    }
}
