//! The source stage for connectors that live in a Power Platform environment: sign-in to the
//! Microsoft identity platform (`auth`), the Power Apps and Flow APIs (`api`), and the download of
//! a connector's files in the layout `paconn download` writes (`download`), and the deployment of
//! a folder into an environment as `paconn create` and `paconn update` do (`deploy`).
//!
//! Every base URL is a setting so that sovereign clouds and the loopback test servers work; the
//! defaults are the public cloud's.

pub mod api;
pub mod auth;
pub mod deploy;
pub mod download;

use std::time::Duration;

use crate::config::{DEFAULT_AUTHORITY, DEFAULT_FLOW_URL, DEFAULT_POWERAPPS_URL};
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

    /// The retry policy of every Power Platform, sign-in and storage call: three tries, the retry
    /// delay doubling (`crate::net::http`).
    pub fn retry(&self) -> crate::net::Retry {
        crate::net::Retry::new(3, self.retry_delay)
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

/// The client for sign-in and API calls: the process's one client (`crate::net::Http`). It
/// follows no redirects: reqwest drops the Authorization header on a redirect to another host, but
/// a 307 or 308 would send a token request's body (a client secret, a refresh token) along.
pub fn http_client() -> anyhow::Result<crate::net::Http> {
    crate::net::Http::shared()
}

/// The client for storage (SAS) URLs: the same client; storage links carry no token, and
/// `download` follows their redirects itself.
pub fn storage_client() -> anyhow::Result<crate::net::Http> {
    crate::net::Http::shared()
}

/// A URL without its query string: storage URLs carry a signature that must not be printed.
pub fn redact_url(url: &str) -> String {
    match url.split_once('?') {
        Some((base, _)) => format!("{base}?…"),
        None => url.to_string(),
    }
}
