//! `login`, `logout` and `login --status`: their report on the sign-in (never the token), for the
//! terminal and for `--json`.

use crate::output::{paint, EMPHASIS, GOOD};
use crate::powerplatform::auth::{self, CachedToken, Grant};
use serde::Serialize;
use std::io::Write;
use std::path::Path;

/// What `login`, `logout` and `login --status` report about the sign-in (never the token).
/// `signed_out` is set by `logout`, `signed_in` by `login --status`, neither by `login`.
#[derive(Debug, Serialize)]
pub struct SessionReport<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signed_out: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signed_in: Option<bool>,
    #[serde(flatten)]
    pub token: Option<TokenFacts<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renewable: Option<bool>,
    pub token_cache: &'a Path,
}

/// Who the token is for and until when.
#[derive(Debug, Serialize)]
pub struct TokenFacts<'a> {
    pub account: Option<&'a str>,
    pub tenant: &'a str,
    pub grant: Grant,
    pub expires_on: u64,
}

impl std::fmt::Display for TokenFacts<'_> {
    /// As the cached token shows itself: the account and the tenant.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (tenant {})", self.account.unwrap_or("an unknown account"), self.tenant)
    }
}

impl<'a> SessionReport<'a> {
    /// Nothing known but where the token is cached.
    pub fn new(token_cache: &'a Path) -> Self {
        SessionReport {
            signed_out: None,
            signed_in: None,
            token: None,
            renewable: None,
            token_cache,
        }
    }

    /// After `login`: who signed in.
    pub fn of(token: &'a CachedToken, token_cache: &'a Path) -> Self {
        SessionReport {
            token: Some(TokenFacts {
                account: token.account.as_deref(),
                tenant: &token.tenant,
                grant: token.grant,
                expires_on: token.expires_on,
            }),
            ..SessionReport::new(token_cache)
        }
    }

    /// `login --status`: who is signed in, if anyone, and whether the token renews.
    pub fn status(token: Option<&'a CachedToken>, token_cache: &'a Path) -> Self {
        let report = match token {
            None => SessionReport::new(token_cache),
            Some(t) => SessionReport {
                renewable: Some(t.refresh_token.is_some() || t.grant == Grant::ClientCredentials),
                ..SessionReport::of(t, token_cache)
            },
        };
        SessionReport {
            signed_in: Some(token.is_some()),
            ..report
        }
    }

    /// After `logout`: whether there was a token to remove.
    pub fn signed_out(removed: bool, token_cache: &'a Path) -> Self {
        SessionReport {
            signed_out: Some(removed),
            ..SessionReport::new(token_cache)
        }
    }

    pub fn human(&self, out: &mut dyn Write) -> anyhow::Result<()> {
        let cache = self.token_cache.display();
        match (self.signed_out, self.signed_in, &self.token) {
            (Some(true), _, _) => writeln!(out, "signed out of Power Platform (removed {cache})")?,
            (Some(false), _, _) => writeln!(out, "not signed in to Power Platform (no {cache})")?,
            (None, Some(_), None) => writeln!(out, "not signed in to Power Platform: run `connector-publish login`")?,
            (None, Some(_), Some(t)) => {
                let left = t.expires_on as i64 - auth::now() as i64;
                let validity = if left > 0 {
                    format!("the token is valid for {} more minutes", left / 60)
                } else {
                    "the token has expired".to_string()
                };
                let renewal = match (t.grant, self.renewable) {
                    (Grant::ClientCredentials, _) => "and is renewed from CONNECTOR_PUBLISH_CLIENT_SECRET",
                    (Grant::DeviceCode, Some(true)) => "and is renewed by itself",
                    (Grant::DeviceCode, _) => "and cannot be renewed: sign in again when it runs out",
                };
                writeln!(out, "signed in to Power Platform as {t}; {validity} {renewal} ({cache})")?;
            }
            (None, None, token) => {
                let who = token.as_ref().map_or_else(|| "an unknown account".to_string(), |t| t.to_string());
                writeln!(
                    out,
                    "{} signed in to Power Platform as {who}; the token is cached in {cache}",
                    paint(GOOD, "✓")
                )?;
            }
        }
        Ok(())
    }
}

/// The device code sign-in's instruction, between blank lines: where to go and the code to enter.
pub fn write_device_code(verification_uri: &str, user_code: &str, err: &mut dyn Write) -> anyhow::Result<()> {
    let instruction = format!(
        "To sign in, open {} in a browser and enter the code {}",
        paint(EMPHASIS, verification_uri),
        paint(EMPHASIS, user_code)
    );
    writeln!(err, "\n  {instruction}\n")?;
    Ok(())
}
