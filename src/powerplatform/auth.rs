//! Sign-in to the Microsoft identity platform (v2 endpoints) for the Power Apps API.
//!
//! Two ways in: the device code flow for people (a code to type at microsoft.com/devicelogin, so
//! it works over SSH and in containers), and client credentials for CI (a service principal whose
//! secret comes from the environment, never from a flag). The token is cached in the config folder
//! with mode 0600 and refreshed with its refresh token before it expires; paconn's ADAL sign-in
//! could not refresh, which is why makers had to sign in again every hour.

use super::Endpoints;
use crate::net::{Failure, Http, Limits, Reply, Retry};
use anyhow::{anyhow, bail, Context};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The Power Apps service, as a v2 scope.
pub const POWERAPPS_SCOPE: &str = "https://service.powerapps.com/.default";
/// Where a service principal's secret is read from.
pub const CLIENT_SECRET_ENV: &str = "CONNECTOR_PUBLISH_CLIENT_SECRET";
/// With the secret, these let `download` sign in as a service principal without `login`.
pub const TENANT_ENV: &str = "CONNECTOR_PUBLISH_TENANT";
pub const CLIENT_ID_ENV: &str = "CONNECTOR_PUBLISH_CLIENT_ID";
/// Refresh this long before the token expires, so that a slow download does not run out.
const REFRESH_MARGIN: Duration = Duration::from_secs(300);

/// How the cached token was obtained, which decides how it is renewed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grant {
    DeviceCode,
    ClientCredentials,
}

/// The token cache file. It holds no client secret: a service principal's token is renewed from
/// the environment variable again.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachedToken {
    pub authority: String,
    pub tenant: String,
    pub client_id: String,
    pub grant: Grant,
    pub token_type: String,
    pub access_token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// Seconds since the Unix epoch.
    pub expires_on: u64,
    /// Who signed in (upn or app id), for messages only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
}

impl CachedToken {
    /// `Bearer eyJ…`, for the Authorization header.
    pub fn header(&self) -> String {
        format!("{} {}", self.token_type, self.access_token)
    }

    fn fresh(&self, now: u64) -> bool {
        self.expires_on > now + REFRESH_MARGIN.as_secs()
    }
}

/// By hand, so that a `{:?}` in a log line never shows the tokens.
impl std::fmt::Debug for CachedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachedToken")
            .field("authority", &self.authority)
            .field("tenant", &self.tenant)
            .field("client_id", &self.client_id)
            .field("grant", &self.grant)
            .field("expires_on", &self.expires_on)
            .field("account", &self.account)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Display for CachedToken {
    /// Never the token itself: this is what messages and `--json` may show.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} (tenant {})",
            self.account.as_deref().unwrap_or("an unknown account"),
            self.tenant
        )
    }
}

/// The token cache's path: beside the config file, or `CONNECTOR_PUBLISH_TOKEN_CACHE`.
pub fn cache_path() -> anyhow::Result<PathBuf> {
    if let Some(p) = std::env::var_os("CONNECTOR_PUBLISH_TOKEN_CACHE") {
        return Ok(PathBuf::from(p));
    }
    let config = crate::config::path()?;
    Ok(config.with_file_name("powerplatform-token.json"))
}

pub fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

pub fn load(path: &Path) -> anyhow::Result<Option<CachedToken>> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
            anyhow!(
                "{}:{}:{}: the token cache is damaged ({e}); run `connector-publish logout` and sign in again",
                path.display(),
                e.line(),
                e.column()
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

/// Write the cache readable by the owner only, through a temporary file so that a crash never
/// leaves half a token behind.
pub fn save(path: &Path, token: &CachedToken) -> anyhow::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".powerplatform-token");
    // Files in the user's profile are private to the user on Windows already.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600));
    let mut file = builder
        .tempfile_in(dir)
        .with_context(|| format!("writing the token cache in {}", dir.display()))?;
    std::io::Write::write_all(&mut file, &serde_json::to_vec_pretty(token)?)?;
    file.as_file().sync_all()?;
    file.persist(path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// Remove the cache; `Ok(false)` when there was none.
pub fn remove(path: &Path) -> anyhow::Result<bool> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e).with_context(|| format!("removing {}", path.display())),
    }
}

/// What `/devicecode` answers: the code the person types and where.
#[derive(Debug, Clone, Deserialize)]
pub struct DeviceCode {
    pub user_code: String,
    pub device_code: String,
    pub verification_uri: String,
    pub expires_in: u64,
    #[serde(default = "default_interval")]
    pub interval: u64,
    #[serde(default)]
    pub message: Option<String>,
}

fn default_interval() -> u64 {
    5
}

/// A successful `/token` answer.
#[derive(Debug, Deserialize)]
struct TokenResponse {
    #[serde(default = "bearer")]
    token_type: String,
    access_token: String,
    expires_in: u64,
    #[serde(default)]
    refresh_token: Option<String>,
}

fn bearer() -> String {
    "Bearer".into()
}

/// An OAuth error answer (`{"error": "...", "error_description": "AADSTS…"}`).
#[derive(Debug, Deserialize)]
struct OAuthError {
    error: String,
    #[serde(default)]
    error_description: String,
}

impl OAuthError {
    /// The description's first line: the rest is trace and correlation ids.
    fn summary(&self) -> &str {
        self.error_description.lines().next().unwrap_or(&self.error).trim()
    }
}

/// The identity platform for one tenant and client.
pub struct Identity<'a> {
    pub http: &'a Http,
    pub authority: String,
    pub tenant: String,
    pub client_id: String,
    /// The shortest pause between device-code polls, whatever the server says; also the first
    /// retry delay of a failing request.
    pub min_interval: Duration,
}

enum Answer {
    Token(TokenResponse),
    Error(OAuthError),
}

impl Identity<'_> {
    fn endpoint(&self, what: &str) -> String {
        format!("{}/{}/oauth2/v2.0/{what}", self.authority.trim_end_matches('/'), self.tenant)
    }

    /// POST a form; 429, 5xx and broken connections are tried again by the shared policy, the
    /// shortest poll pause as the first retry delay.
    fn post(&self, what: &str, form: &[(&str, &str)]) -> anyhow::Result<Reply> {
        let url = self.endpoint(what);
        let retry = Retry::new(3, self.min_interval);
        self.http
            .send(retry, Limits::api(), &|client| client.post(&url).form(form))
            .map_err(|e| match e {
                Failure::TimedOut { .. } => anyhow!(
                    "the sign-in service at {} did not answer: {}; check the network or --authority",
                    self.authority,
                    crate::net::timeout_hint()
                ),
                Failure::Body(e) => anyhow!("reading the sign-in service's answer: {e}"),
                Failure::WaitTooLong(wait) => anyhow!(
                    "the sign-in service at {} asks to wait {} s; run again later",
                    self.authority,
                    wait.as_secs()
                ),
                e @ Failure::Unreachable(_) => anyhow!(
                    "cannot reach the sign-in service at {}: {e}; check the network or --authority",
                    self.authority
                ),
            })
    }

    fn token_request(&self, form: &[(&str, &str)]) -> anyhow::Result<Answer> {
        let reply = self.post("token", form)?;
        let status = reply.status_text();
        if reply.is_success() {
            return serde_json::from_slice(&reply.body)
                .map(Answer::Token)
                .map_err(|e| anyhow!("the sign-in service answered {status} with a token this tool cannot read: {e}"));
        }
        match serde_json::from_slice::<OAuthError>(&reply.body) {
            Ok(err) => Ok(Answer::Error(err)),
            Err(_) => bail!("the sign-in service answered {status}; try again later"),
        }
    }

    fn cached(&self, grant: Grant, token: TokenResponse, now: u64) -> CachedToken {
        let account = account_of(&token.access_token);
        CachedToken {
            authority: self.authority.clone(),
            tenant: self.tenant.clone(),
            client_id: self.client_id.clone(),
            grant,
            token_type: token.token_type,
            access_token: token.access_token,
            refresh_token: token.refresh_token,
            // A day at most: a hostile `expires_in` must neither overflow nor make a token immortal.
            expires_on: now.saturating_add(token.expires_in.min(86_400)),
            account,
        }
    }

    /// Ask for a device code (step one of the device code flow).
    pub fn device_code(&self) -> anyhow::Result<DeviceCode> {
        let scope = format!("{POWERAPPS_SCOPE} offline_access");
        let reply = self.post("devicecode", &[("client_id", &self.client_id), ("scope", &scope)])?;
        let body = &reply.body;
        if !reply.is_success() {
            let status = reply.status_text();
            let why = serde_json::from_slice::<OAuthError>(body)
                .map(|e| e.summary().to_string())
                .unwrap_or_default();
            bail!("the sign-in service refused to start a device sign-in ({status}): {why}; check --tenant and --client-id");
        }
        serde_json::from_slice(body).map_err(|e| anyhow!("the sign-in service's device code answer is unreadable: {e}"))
    }

    /// Poll until the person has signed in (step two). `sleep` is injected so that tests can see
    /// the waits without waiting.
    pub fn wait_for_device_sign_in(&self, code: &DeviceCode, sleep: &mut dyn FnMut(Duration)) -> anyhow::Result<CachedToken> {
        // A server's interval of 0 would make this spin; an absurd one would overflow.
        let mut interval = Duration::from_secs(code.interval.min(60)).max(self.min_interval);
        let lifetime = Duration::from_secs(code.expires_in.min(3600));
        let started = std::time::Instant::now();
        // What was asked of `sleep` (a test's sleep returns at once, real time then stands still).
        let mut waited = Duration::ZERO;
        let mut failures = 0;
        let expired = || {
            anyhow!(
                "the code {} expired before sign-in finished; run `connector-publish login` again",
                code.user_code
            )
        };
        loop {
            if started.elapsed().max(waited).saturating_add(interval) > lifetime {
                return Err(expired());
            }
            sleep(interval);
            waited = waited.saturating_add(interval);
            let answer = match self.token_request(&[
                ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                ("client_id", &self.client_id),
                ("device_code", &code.device_code),
            ]) {
                Ok(answer) => answer,
                // A network blip must not throw away a sign-in the person is in the middle of.
                Err(e) if failures < 4 => {
                    failures += 1;
                    tracing::debug!("polling for the device sign-in: {e:#}; trying again");
                    continue;
                }
                Err(e) => return Err(e.context("the sign-in service kept failing while waiting for you to sign in")),
            };
            failures = 0;
            let err = match answer {
                Answer::Token(token) => return Ok(self.cached(Grant::DeviceCode, token, now())),
                Answer::Error(err) => err,
            };
            match err.error.as_str() {
                "authorization_pending" => {}
                // RFC 8628 §3.5: add 5 seconds to the interval for this and every later poll.
                "slow_down" => interval = interval.saturating_add(Duration::from_secs(5)),
                "expired_token" => return Err(expired()),
                "authorization_declined" => bail!("sign-in was declined in the browser; run `connector-publish login` again and accept"),
                "bad_verification_code" => bail!("the sign-in service does not know this device code; run `connector-publish login` again"),
                _ => bail!("sign-in failed: {} ({})", err.summary(), err.error),
            }
        }
    }

    /// Renew with a refresh token (which the service rotates: the new one replaces it).
    pub fn refresh(&self, refresh_token: &str) -> anyhow::Result<CachedToken> {
        let scope = format!("{POWERAPPS_SCOPE} offline_access");
        match self.token_request(&[
            ("grant_type", "refresh_token"),
            ("client_id", &self.client_id),
            ("refresh_token", refresh_token),
            ("scope", &scope),
        ])? {
            Answer::Token(token) => {
                let mut cached = self.cached(Grant::DeviceCode, token, now());
                cached.refresh_token.get_or_insert_with(|| refresh_token.to_string());
                Ok(cached)
            }
            Answer::Error(err) => bail!(
                "your Power Platform sign-in has expired ({}); run `connector-publish login` again",
                err.summary()
            ),
        }
    }

    /// Client credentials: a service principal signs in with its secret.
    pub fn client_credentials(&self, secret: &str) -> anyhow::Result<CachedToken> {
        match self.token_request(&[
            ("grant_type", "client_credentials"),
            ("client_id", &self.client_id),
            ("client_secret", secret),
            ("scope", POWERAPPS_SCOPE),
        ])? {
            Answer::Token(token) => Ok(self.cached(Grant::ClientCredentials, token, now())),
            Answer::Error(err) => bail!(
                "the service principal {} could not sign in to tenant {}: {}; check --client-id, --tenant and {CLIENT_SECRET_ENV}",
                self.client_id,
                self.tenant,
                err.summary()
            ),
        }
    }
}

/// The (unverified) JWT payload of a token.
fn claims_of(access_token: &str) -> Option<serde_json::Value> {
    use base64::Engine;
    let payload = access_token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Who a token belongs to, read from its (unverified) JWT payload, for messages only.
pub fn account_of(access_token: &str) -> Option<String> {
    let claims = claims_of(access_token)?;
    ["upn", "unique_name", "preferred_username", "appid", "azp"]
        .iter()
        .find_map(|k| claims.get(*k).and_then(|v| v.as_str()).map(str::to_string))
}

/// One string claim of a token's payload (`oid`: the account's object id, as paconn reads it).
pub fn claim_of(access_token: &str, claim: &str) -> Option<String> {
    claims_of(access_token)?.get(claim)?.as_str().map(str::to_string)
}

/// Hands out a valid token to the API client: from the cache, renewed when close to expiry, or
/// straight from a service principal in the environment (CI without `login`).
pub struct TokenSource {
    http: Http,
    cache: PathBuf,
    endpoints: Endpoints,
    current: Option<CachedToken>,
    /// The token came from the service principal variables, not the cache: it is renewed from
    /// them and never written (CI runs are stateless, and a cached token would outrank the next
    /// run's variables).
    from_environment: bool,
}

impl TokenSource {
    pub fn new(http: Http, cache: PathBuf, endpoints: Endpoints) -> Self {
        TokenSource {
            http,
            cache,
            endpoints,
            current: None,
            from_environment: false,
        }
    }

    /// A token valid for at least a few minutes; `renew` forces a new one (after a 401).
    pub fn token(&mut self, renew: bool) -> anyhow::Result<CachedToken> {
        if self.current.is_none() && !self.from_environment {
            self.current = load(&self.cache)?;
        }
        let current = match self.current.clone() {
            Some(t) => t,
            None => return self.service_principal_from_environment(),
        };
        if !renew && current.fresh(now()) {
            return Ok(current);
        }
        if self.from_environment {
            return self.service_principal_from_environment();
        }
        let renewed = match self.renew(&current) {
            Ok(t) => t,
            Err(e) => {
                // Another process may have renewed it meanwhile (refresh tokens are single-use).
                match load(&self.cache)? {
                    Some(other) if other != current && other.fresh(now()) => other,
                    _ => return Err(e),
                }
            }
        };
        save(&self.cache, &renewed)?;
        self.current = Some(renewed.clone());
        Ok(renewed)
    }

    fn renew(&self, current: &CachedToken) -> anyhow::Result<CachedToken> {
        let identity = Identity {
            http: &self.http,
            authority: current.authority.clone(),
            tenant: current.tenant.clone(),
            client_id: current.client_id.clone(),
            min_interval: self.endpoints.retry_delay.min(Duration::from_secs(1)),
        };
        match (current.grant, &current.refresh_token) {
            (Grant::DeviceCode, Some(refresh)) => identity.refresh(refresh),
            (Grant::ClientCredentials, _) => match std::env::var(CLIENT_SECRET_ENV) {
                Ok(secret) => identity.client_credentials(&secret),
                Err(_) => bail!("the service principal's token has expired and {CLIENT_SECRET_ENV} is not set; set it, or run `connector-publish login` again"),
            },
            (Grant::DeviceCode, None) => bail!("your Power Platform sign-in has expired; run `connector-publish login` again"),
        }
    }

    fn service_principal_from_environment(&mut self) -> anyhow::Result<CachedToken> {
        let (Ok(secret), Ok(tenant), Ok(client_id)) = (
            std::env::var(CLIENT_SECRET_ENV),
            std::env::var(TENANT_ENV),
            std::env::var(CLIENT_ID_ENV),
        ) else {
            bail!("not signed in to Power Platform; run `connector-publish login` (or, in CI, set {TENANT_ENV}, {CLIENT_ID_ENV} and {CLIENT_SECRET_ENV})");
        };
        let identity = Identity {
            http: &self.http,
            authority: self.endpoints.authority.clone(),
            tenant,
            client_id,
            min_interval: self.endpoints.retry_delay.min(Duration::from_secs(1)),
        };
        let token = identity.client_credentials(&secret)?;
        self.from_environment = true;
        self.current = Some(token.clone());
        Ok(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_comes_from_the_jwt_payload() {
        use base64::Engine;
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(br#"{"upn":"maker@contoso.com"}"#);
        assert_eq!(account_of(&format!("h.{payload}.s")).as_deref(), Some("maker@contoso.com"));
        assert_eq!(account_of("opaque"), None);
    }

    #[cfg(unix)]
    #[test]
    fn the_cache_is_private_and_round_trips() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("token.json");
        let token = CachedToken {
            authority: "https://login.example".into(),
            tenant: "t".into(),
            client_id: "c".into(),
            grant: Grant::DeviceCode,
            token_type: "Bearer".into(),
            access_token: "secret-access".into(),
            refresh_token: Some("secret-refresh".into()),
            expires_on: 10,
            account: None,
        };
        save(&path, &token).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(load(&path).unwrap(), Some(token.clone()));
        assert!(!token.to_string().contains("secret"), "Display must not show the token");
        assert!(remove(&path).unwrap());
        assert!(!remove(&path).unwrap());
    }
}
