//! The one HTTP client (reqwest, blocking, rustls) and the one retry policy. GitHub's API, Power
//! Platform, the identity platform, storage and the thin push all send through [`Http::send`].
//!
//! The client is built once per process ([`Http::shared`]): connection pools and TLS sessions are
//! reused across callers, and every request gets the same timeouts (`crate::net::timeout`). It
//! follows no redirects: a 307 or 308 would resend a token request's body (a client secret, a
//! refresh token) to wherever it points; the one caller that may follow them (storage links, which
//! carry no token) does so itself.
//!
//! The policy, for every caller: a connection that breaks and 5xx are tried again; so are 429 and
//! GitHub's rate limits (403 with `Retry-After`, with `x-ratelimit-remaining: 0`, or with a
//! "rate limit" message). The wait is what the peer asks (`Retry-After`, `x-ratelimit-reset`),
//! else the caller's base delay doubling each time, for a bounded number of tries; a wait over
//! [`MAX_WAIT`] is refused ([`Failure::WaitTooLong`]: "run again later").
//!
//! A peer that does not answer (no headers within the timeout) is tried again only for an API
//! answer to an idempotent request (not a POST, which may have been acted on), at most
//! [`STALL_TRIES`] times, all within one deadline of twice the timeout: the first try waits the
//! timeout, the others share what is left. A peer that used up its deadline is not asked again by
//! this process for as long ([`Failure::TimedOut`] at once), so a command that makes many calls to a
//! dead peer still ends within one deadline.

use super::{read_capped, timeout, BodyError, Pace};
use reqwest::blocking::{Client, RequestBuilder};
use reqwest::header::HeaderMap;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How many times a request whose peer does not answer is sent, within [`stall_deadline`].
pub const STALL_TRIES: u32 = 3;

/// One call's deadline for a peer that does not answer, retries included: twice the timeout.
pub fn stall_deadline() -> Duration {
    super::timeout() * 2
}

/// Peers (scheme, host and port) that used up a call's deadline: until when they are not asked
/// again, what that call waited, and its tries.
type Silent = HashMap<String, (Instant, Duration, u32)>;

static SILENT: OnceLock<Mutex<Silent>> = OnceLock::new();

fn silent_peers() -> std::sync::MutexGuard<'static, Silent> {
    SILENT
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// `https://api.github.com:443`: what a silent peer is remembered by.
fn origin(url: &reqwest::Url) -> String {
    format!(
        "{}://{}:{}",
        url.scheme(),
        url.host_str().unwrap_or(""),
        url.port_or_known_default().unwrap_or(0)
    )
}

/// The longest wait a peer may ask for; beyond it the command stops and says to run again later.
pub const MAX_WAIT: Duration = Duration::from_secs(60);

/// The client every caller shares (a reqwest `Client` is a handle: clones share one pool).
#[derive(Clone, Debug)]
pub struct Http {
    client: Client,
}

/// How many tries and the first pause (it doubles after each try).
#[derive(Clone, Copy, Debug)]
pub struct Retry {
    pub attempts: u32,
    pub base: Duration,
}

impl Retry {
    pub fn new(attempts: u32, base: Duration) -> Retry {
        Retry {
            attempts: attempts.max(1),
            base,
        }
    }

    /// The pause before try number `attempt + 1`, after `attempt` (1, 2, ...) failed tries.
    pub fn backoff(&self, attempt: u32) -> Duration {
        self.base.saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)))
    }
}

/// A whole answer: status, headers, and the body read within the cap.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// "404 Not Found", as messages show a status.
    pub fn status_text(&self) -> String {
        reqwest::StatusCode::from_u16(self.status).map_or_else(|_| self.status.to_string(), |s| s.to_string())
    }
}

/// Why a request got no usable answer.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// No answer's headers within the call's deadline (`waited`), over `tries` tries.
    #[error("{}", super::did_not_answer(*.waited, *.tries))]
    TimedOut { waited: Duration, tries: u32 },
    /// The connection could not be made or broke before an answer, on every try. The error
    /// carries no URL: a storage URL's signature must never be printed.
    #[error("{}", chain(.0))]
    Unreachable(reqwest::Error),
    /// The answer's body: too large, too slow, or cut off (on every try).
    #[error("{0}")]
    Body(BodyError),
    /// The peer asks to wait longer than [`MAX_WAIT`].
    #[error("asked to wait {} s before trying again; run again later", .0.as_secs())]
    WaitTooLong(Duration),
}

/// What `send` needs besides the request.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// The most of the body read into memory (lowered by the test-only `CONNECTOR_PUBLISH_TEST_BODY_CAP`).
    pub cap: u64,
    /// How long the body may take after the headers (besides each read's stall timeout).
    pub pace: Pace,
}

impl Limits {
    /// An API answer: [`super::API_BODY_CAP`], within twice the timeout.
    pub fn api() -> Limits {
        Limits {
            cap: super::API_BODY_CAP,
            pace: Pace::Within(timeout() * 2),
        }
    }

    /// A stored file: [`super::STORAGE_BODY_CAP`]; a large file on a slow network takes its time,
    /// at [`Pace::download`]'s minimum rate on average.
    pub fn storage() -> Limits {
        Limits {
            cap: super::STORAGE_BODY_CAP,
            pace: Pace::download(),
        }
    }
}

static SHARED: OnceLock<Result<Http, String>> = OnceLock::new();

impl Http {
    /// The process's client, built on first use.
    pub fn shared() -> anyhow::Result<Http> {
        SHARED
            .get_or_init(|| Http::build().map_err(|e| format!("cannot set up the HTTP client: {e}")))
            .clone()
            .map_err(anyhow::Error::msg)
    }

    fn build() -> reqwest::Result<Http> {
        let client = Client::builder()
            .user_agent(concat!("connector-publish/", env!("CARGO_PKG_VERSION")))
            // Until the answer's headers, and then each read of its body (see `crate::net`).
            .timeout(timeout())
            .connect_timeout(timeout())
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Http { client })
    }

    /// The reqwest client, to build requests with.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Send the request `build` makes (once per try), with the retry policy, and read the answer
    /// within `limits`. An answer the policy would try again, on the last try, is returned as is:
    /// the caller words the error.
    pub fn send(&self, retry: Retry, limits: Limits, build: &dyn Fn(&Client) -> RequestBuilder) -> Result<Reply, Failure> {
        let cap = super::body_cap(limits.cap);
        let started = Instant::now();
        let mut attempt = 0;
        let mut stalls = 0;
        loop {
            attempt += 1;
            let last = attempt >= retry.attempts;
            let mut request = build(&self.client).build().map_err(|e| Failure::Unreachable(e.without_url()))?;
            let shown = format!("{} {}", request.method(), shown_url(request.url()));
            let peer = origin(request.url());
            // An API answer to a request that can be sent twice is worth another try after a
            // stall; a POST may have been acted on, and a download's body has its own pace.
            let stall_tries = if request.method() != reqwest::Method::POST && matches!(limits.pace, super::Pace::Within(_)) {
                STALL_TRIES
            } else {
                1
            };
            let deadline = if stall_tries > 1 { stall_deadline() } else { super::timeout() };
            if attempt == 1 {
                if let Some(&(until, waited, tries)) = silent_peers().get(&peer) {
                    if Instant::now() < until {
                        tracing::debug!(request = %shown, "{peer} did not answer a call ago; not asked again");
                        return Err(Failure::TimedOut { waited, tries });
                    }
                }
            }
            if stalls > 0 {
                // The tries after a stall share what is left of the deadline.
                let left = deadline.saturating_sub(started.elapsed());
                *request.timeout_mut() = Some(left / (stall_tries - stalls).max(1));
            }
            let response = match self.client.execute(request) {
                Ok(r) => r,
                Err(e) if e.is_timeout() || super::is_timeout(&e) => {
                    stalls += 1;
                    if stalls < stall_tries && !last && started.elapsed() < deadline {
                        tracing::debug!(request = %shown, attempt, "no answer in time; trying again");
                        continue;
                    }
                    silent_peers().insert(peer, (Instant::now() + deadline, deadline, attempt));
                    return Err(Failure::TimedOut {
                        waited: deadline,
                        tries: attempt,
                    });
                }
                Err(e) if !last => {
                    tracing::debug!(request = %shown, attempt, "{}; trying again", e.without_url());
                    std::thread::sleep(retry.backoff(attempt));
                    continue;
                }
                Err(e) => return Err(Failure::Unreachable(e.without_url())),
            };
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let body = match read_capped(response, cap, Some(limits.pace)) {
                Ok(body) => body,
                Err(BodyError::Io(e)) if !last => {
                    tracing::debug!(request = %shown, attempt, "the answer broke off ({e}); trying again");
                    std::thread::sleep(retry.backoff(attempt));
                    continue;
                }
                Err(e) => return Err(Failure::Body(e)),
            };
            let reply = Reply { status, headers, body };
            match wait_before_retry(&reply, retry, attempt, SystemTime::now()) {
                Some(wait) if !last => {
                    if wait > MAX_WAIT {
                        return Err(Failure::WaitTooLong(wait));
                    }
                    tracing::debug!(request = %shown, status, attempt, ?wait, "asked to try again");
                    std::thread::sleep(wait);
                }
                _ => {
                    tracing::debug!(request = %shown, status, attempt, "answered");
                    return Ok(reply);
                }
            }
        }
    }
}

/// An error and its causes, "a: b: c" (reqwest's own message is only the first).
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out = format!("{out}: {text}");
        }
        source = s.source();
    }
    out
}

/// A URL as logs may show it: no query (a storage signature), no credentials.
fn shown_url(url: &reqwest::Url) -> String {
    format!("{}://{}{}", url.scheme(), url.host_str().unwrap_or(""), url.path())
}

/// The `message` of a JSON error answer (GitHub's basic-error shape).
#[derive(serde::Deserialize)]
struct Message {
    #[serde(default)]
    message: String,
}

/// `None` when the answer is final; else how long to wait before trying again.
fn wait_before_retry(reply: &Reply, retry: Retry, attempt: u32, now: SystemTime) -> Option<Duration> {
    let retry_after = reply
        .header("retry-after")
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let exhausted = reply.header("x-ratelimit-remaining").map(str::trim) == Some("0");
    let reset = reply.header("x-ratelimit-reset").and_then(|v| v.trim().parse::<u64>().ok());
    let rate_limited = match reply.status {
        429 => true,
        // GitHub's primary (remaining 0) and secondary (Retry-After, or only the message) limits.
        403 => {
            retry_after.is_some()
                || exhausted
                || serde_json::from_slice::<Message>(&reply.body).is_ok_and(|m| m.message.to_ascii_lowercase().contains("rate limit"))
        }
        _ => false,
    };
    if !(rate_limited || reply.status >= 500) {
        return None;
    }
    Some(match (retry_after, exhausted, reset) {
        (Some(wait), _, _) => wait,
        (None, true, Some(reset)) => {
            let now = now.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
            Duration::from_secs(reset.saturating_sub(now) + 1)
        }
        _ => retry.backoff(attempt),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, headers: &[(&'static str, &str)], body: &str) -> Reply {
        let mut map = HeaderMap::new();
        for (k, v) in headers {
            map.insert(*k, v.parse().unwrap());
        }
        Reply {
            status,
            headers: map,
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn the_policy_waits_what_the_peer_asks_else_backs_off() {
        let retry = Retry::new(4, Duration::from_millis(100));
        let now = UNIX_EPOCH + Duration::from_secs(1_000);
        let wait = |r: &Reply, attempt| wait_before_retry(r, retry, attempt, now);
        assert_eq!(wait(&reply(200, &[], "{}"), 1), None);
        assert_eq!(wait(&reply(404, &[], "{}"), 1), None);
        assert_eq!(wait(&reply(503, &[], ""), 1), Some(Duration::from_millis(100)));
        assert_eq!(wait(&reply(502, &[], ""), 3), Some(Duration::from_millis(400)));
        assert_eq!(wait(&reply(429, &[("retry-after", "7")], ""), 1), Some(Duration::from_secs(7)));
        assert_eq!(wait(&reply(429, &[], ""), 2), Some(Duration::from_millis(200)));
        // GitHub's secondary rate limit: 403 with Retry-After, or with only its message.
        assert_eq!(wait(&reply(403, &[("retry-after", "2")], "{}"), 1), Some(Duration::from_secs(2)));
        let secondary = r#"{"message": "You have exceeded a secondary rate limit. Please wait."}"#;
        assert_eq!(wait(&reply(403, &[], secondary), 1), Some(Duration::from_millis(100)));
        // The primary one: until the reset, plus a second.
        let primary = reply(403, &[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "1030")], "{}");
        assert_eq!(wait(&primary, 1), Some(Duration::from_secs(31)));
        // A plain refusal is final.
        assert_eq!(wait(&reply(403, &[], r#"{"message": "Resource not accessible"}"#), 1), None);
        assert_eq!(wait(&reply(403, &[], "<Error>AuthenticationFailed</Error>"), 1), None);
    }
}
