//! The source stage for connectors that live in a Power Platform environment: sign-in to the
//! Microsoft identity platform (`auth`), the Power Apps and Flow APIs (`api`), and the download of
//! a connector's files in the layout `paconn download` writes (`download`).
//!
//! Every base URL is a setting so that sovereign clouds and the loopback test servers work; the
//! defaults are the public cloud's.

pub mod api;
pub mod auth;
pub mod download;

use std::time::Duration;

/// Where the Microsoft identity platform lives (public cloud).
pub const DEFAULT_AUTHORITY: &str = "https://login.microsoftonline.com";
/// The Power Apps resource provider, as paconn's `powerAppsUrl`.
pub const DEFAULT_POWERAPPS_URL: &str = "https://api.powerapps.com";
/// The Flow resource provider, which lists environments.
pub const DEFAULT_FLOW_URL: &str = "https://api.flow.microsoft.com";
/// The API version paconn uses for every Power Apps and Flow call.
pub const API_VERSION: &str = "2016-11-01";

/// The service endpoints and the timing every Power Platform call uses.
#[derive(Debug, Clone)]
pub struct Endpoints {
    /// `https://login.microsoftonline.com` (no tenant, no trailing slash).
    pub authority: String,
    pub powerapps: String,
    pub flow: String,
    /// First pause before a retry (doubles each time); the device-code poll uses the server's interval.
    pub retry_delay: Duration,
}

impl Default for Endpoints {
    fn default() -> Self {
        Endpoints {
            authority: DEFAULT_AUTHORITY.into(),
            powerapps: DEFAULT_POWERAPPS_URL.into(),
            flow: DEFAULT_FLOW_URL.into(),
            retry_delay: Duration::from_secs(2),
        }
    }
}

impl Endpoints {
    /// Tokens and secrets go only over https; plain http is allowed for loopback addresses (tests,
    /// local proxies).
    pub fn check(&self) -> anyhow::Result<()> {
        for (flag, url) in [
            ("--authority", &self.authority),
            ("--powerapps-url", &self.powerapps),
            ("--flow-url", &self.flow),
        ] {
            let loopback = [
                "http://127.0.0.1:",
                "http://127.0.0.1/",
                "http://localhost:",
                "http://localhost/",
                "http://[::1]:",
            ]
            .iter()
            .any(|p| url.starts_with(p))
                || ["http://127.0.0.1", "http://localhost"].contains(&url.as_str());
            if !(url.starts_with("https://") || loopback) {
                anyhow::bail!("{flag} {url}: use an https:// URL (tokens are never sent in plain text; http is allowed for loopback only)");
            }
        }
        Ok(())
    }

    /// The pause before retry number `attempt` (1, 2, ...): the retry delay, doubling each time.
    pub fn backoff(&self, attempt: u32) -> Duration {
        self.retry_delay.saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)))
    }

    /// The same endpoints with trailing slashes removed, so that joining paths is plain concatenation.
    pub fn normalized(mut self) -> Self {
        for url in [&mut self.authority, &mut self.powerapps, &mut self.flow] {
            while url.ends_with('/') {
                url.pop();
            }
        }
        self
    }
}

/// The client for sign-in and API calls. It follows no redirects: reqwest drops the Authorization
/// header on a redirect to another host, but a 307 or 308 would send a token request's body (a
/// client secret, a refresh token) along.
pub fn http_client() -> anyhow::Result<reqwest::blocking::Client> {
    client(reqwest::redirect::Policy::none())
}

/// The client for storage (SAS) URLs, which carry no token and may redirect.
pub fn storage_client() -> anyhow::Result<reqwest::blocking::Client> {
    client(reqwest::redirect::Policy::limited(5))
}

fn client(redirects: reqwest::redirect::Policy) -> anyhow::Result<reqwest::blocking::Client> {
    Ok(reqwest::blocking::Client::builder()
        .user_agent(concat!("connector-publish/", env!("CARGO_PKG_VERSION")))
        // Until the answer's headers, and then each read of its body (see `crate::net`).
        .timeout(crate::net::timeout())
        .connect_timeout(crate::net::timeout())
        .redirect(redirects)
        .build()?)
}

/// Read an answer's body, at most `cap` bytes (`crate::net`), within `deadline` when given.
pub fn read_body(
    response: reqwest::blocking::Response,
    cap: u64,
    deadline: Option<std::time::Instant>,
) -> Result<Vec<u8>, crate::net::BodyError> {
    crate::net::read_capped(response, crate::net::body_cap(cap), deadline)
}

/// The deadline for reading an API answer's body: twice the timeout from now.
pub fn api_deadline() -> Option<std::time::Instant> {
    Some(std::time::Instant::now() + crate::net::timeout() * 2)
}

/// A URL without its query string: storage URLs carry a signature that must not be printed.
pub fn redact_url(url: &str) -> String {
    match url.split_once('?') {
        Some((base, _)) => format!("{base}?…"),
        None => url.to_string(),
    }
}
