//! The Power Apps and Flow resource providers: environments, the connectors in one, and one
//! connector's definition. The same calls and API version paconn makes, so that anything paconn
//! can download, this can too.

use super::auth::TokenSource;
use super::{redact_url, Endpoints, API_VERSION};
use crate::net::{Failure, Http, Limits};
use anyhow::{anyhow, bail};
use serde_json::Value;

/// A Power Platform environment, as the environment picker shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Environment {
    /// `Default-<tenant id>` or a GUID: what `--env` takes.
    pub name: String,
    pub display_name: String,
    pub is_default: bool,
}

/// A custom connector in an environment, as the connector picker shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ConnectorSummary {
    /// `shared_contoso-20api-5f…`: what `--cid` takes.
    pub name: String,
    pub display_name: String,
}

/// A connector in an environment's list, as the duplicate search reads it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ListedConnector {
    /// `shared_deepl`.
    pub name: String,
    pub display_name: String,
    pub publisher: Option<String>,
    /// The backend's URL, where the listing shows one (`properties.backendService.serviceUrl`).
    pub host: Option<String>,
    /// A custom connector (the environment's own), not a published one.
    pub custom: bool,
}

/// A Power Platform API error: status and the service's own message.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    pub status: u16,
    pub message: String,
}

/// One request of [`PowerPlatform::call`].
pub(crate) struct Call<'a> {
    pub method: reqwest::Method,
    pub url: &'a str,
    pub json: Option<&'a Value>,
    /// The `x-ms-origin` header, when one is sent.
    pub origin: Option<&'a str>,
    pub retry: crate::net::Retry,
}

/// The authenticated client. The token goes only to the configured Power Apps and Flow hosts;
/// storage URLs are fetched without it, as paconn does.
pub struct PowerPlatform {
    http: Http,
    endpoints: Endpoints,
    tokens: TokenSource,
}

/// `$filter=environment eq '<env>'`, percent-encoded the way paconn sends it (Python's
/// `quote(safe='')`: everything but `A-Za-z0-9-._~`).
pub(crate) fn environment_filter(environment: &str) -> String {
    const UNRESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    let quoted = format!("environment eq '{}'", environment.replace('\'', "''"));
    format!("%24filter={}", percent_encoding::utf8_percent_encode(&quoted, UNRESERVED))
}

/// An id that came from the user or an API answer, checked before it becomes part of a URL path.
pub(crate) fn check_id(what: &str, id: &str) -> anyhow::Result<()> {
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) || id.starts_with('.') {
        bail!("`{id}` is not a valid {what}: it may hold only letters, digits, `-`, `_` and `.`");
    }
    Ok(())
}

impl PowerPlatform {
    pub fn new(http: Http, endpoints: Endpoints, tokens: TokenSource) -> Self {
        PowerPlatform {
            http,
            endpoints: endpoints.normalized(),
            tokens,
        }
    }

    pub fn endpoints(&self) -> &Endpoints {
        &self.endpoints
    }

    /// GET a JSON document with the bearer token: renewed once on a 401 (a token that expired
    /// mid-run); 429 and 5xx are tried again by the shared policy (`crate::net::http`), waiting
    /// the service's Retry-After or a doubling pause.
    fn get_json(&mut self, url: &str) -> Result<Value, anyhow::Error> {
        let body = self.call(&Call {
            method: reqwest::Method::GET,
            url,
            json: None,
            origin: Some("connector-publish"),
            retry: self.endpoints.retry(),
        })?;
        serde_json::from_slice(&body).map_err(|e| anyhow!("{} answered with JSON this tool cannot read: {e}", redact_url(url)))
    }

    /// One authenticated request; the answer's body on a 2xx, else an [`ApiError`]. The token is
    /// renewed once on a 401.
    pub(crate) fn call(&mut self, call: &Call<'_>) -> Result<Vec<u8>, anyhow::Error> {
        let url = call.url;
        let mut renewed = false;
        loop {
            let token = self.tokens.token(false)?;
            let header = token.header();
            let sent = self.http.send(call.retry, Limits::api(), &|client| {
                let mut request = client
                    .request(call.method.clone(), url)
                    .header("Authorization", &header)
                    .header("Accept", "application/json");
                if let Some(origin) = call.origin {
                    request = request.header("x-ms-origin", origin);
                }
                if let Some(json) = call.json {
                    request = request
                        .header("Content-Type", "application/json")
                        .body(serde_json::to_vec(json).unwrap_or_default());
                }
                request
            });
            let host = url.split('/').take(3).collect::<Vec<_>>().join("/");
            let reply = match sent {
                Ok(reply) => reply,
                // A peer that does not answer in time is not asked again: each wait is bounded, and
                // so is the whole command.
                Err(Failure::TimedOut { waited, tries }) => bail!(
                    "{host} {}, or the URL settings (--powerapps-url, --flow-url)",
                    crate::net::did_not_answer(waited, tries)
                ),
                Err(Failure::Unreachable(e)) => bail!(
                    "cannot reach {host}: {}; check the network, or the URL settings (--powerapps-url, --flow-url)",
                    Failure::Unreachable(e)
                ),
                Err(Failure::Body(e)) => bail!("reading the answer from {}: {e}", redact_url(url)),
                Err(Failure::WaitTooLong(wait)) => bail!(
                    "Power Platform is throttling requests and asks to wait {} s; run again later",
                    wait.as_secs()
                ),
            };
            match reply.status {
                200..=299 => return Ok(reply.body),
                401 if !renewed => {
                    tracing::debug!("{} {}: 401, renewing the token", call.method, redact_url(url));
                    renewed = true;
                    self.tokens.token(true)?;
                    continue;
                }
                status => {
                    return Err(ApiError {
                        status,
                        message: service_message(&reply.body).unwrap_or_else(|| format!("HTTP {status}")),
                    }
                    .into())
                }
            }
        }
    }

    /// The signed-in account's object id (`oid` in its token), which paconn puts in the path of
    /// `validateApiSwagger` and `generateResourceStorage`.
    pub fn object_id(&mut self) -> anyhow::Result<String> {
        let token = self.tokens.token(false)?;
        let oid = super::auth::claim_of(&token.access_token, "oid")
            .ok_or_else(|| anyhow!("the Power Platform token carries no object id (oid); sign in again with `connector-publish login`"))?;
        check_id("object id", &oid)?;
        Ok(oid)
    }

    /// Every environment the signed-in account can see (Flow's list, as the maker portal uses).
    pub fn environments(&mut self) -> anyhow::Result<Vec<Environment>> {
        let url = format!(
            "{}/providers/Microsoft.ProcessSimple/environments?api-version={API_VERSION}",
            self.endpoints.flow
        );
        let mut out = Vec::new();
        for item in self
            .paged(&url, &self.endpoints.flow.clone())
            .map_err(|e| explain(e, "listing your environments"))?
        {
            let Some(name) = item.get("name").and_then(Value::as_str) else {
                continue;
            };
            let properties = item.get("properties");
            out.push(Environment {
                name: name.to_string(),
                display_name: properties
                    .and_then(|p| p.get("displayName"))
                    .and_then(Value::as_str)
                    .unwrap_or(name)
                    .to_string(),
                is_default: properties
                    .and_then(|p| p.get("isDefault"))
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
            });
        }
        // The default environment first, then by name, as the portal lists them.
        out.sort_by(|a, b| {
            b.is_default
                .cmp(&a.is_default)
                .then_with(|| a.display_name.to_lowercase().cmp(&b.display_name.to_lowercase()))
        });
        Ok(out)
    }

    /// Every entry of the environment's Power Apps `apis` list (all pages).
    fn list_apis(&mut self, environment: &str) -> anyhow::Result<Vec<Value>> {
        check_id("environment name", environment)?;
        let url = format!(
            "{}/providers/Microsoft.PowerApps/apis?api-version={API_VERSION}&{}",
            self.endpoints.powerapps,
            environment_filter(environment)
        );
        let items = self
            .paged(&url, &self.endpoints.powerapps.clone())
            .map_err(|e| explain(e, &format!("listing the connectors of environment `{environment}`")))?;
        Ok(items)
    }

    /// The environment's custom connectors (built-in ones are left out: they cannot be downloaded).
    pub fn custom_connectors(&mut self, environment: &str) -> anyhow::Result<Vec<ConnectorSummary>> {
        let items = self.list_apis(environment)?;
        let mut out: Vec<ConnectorSummary> = items
            .iter()
            .filter(|item| item.pointer("/properties/isCustomApi").and_then(Value::as_bool) == Some(true))
            .filter_map(|item| {
                let name = item.get("name")?.as_str()?.to_string();
                let display_name = item
                    .pointer("/properties/displayName")
                    .and_then(Value::as_str)
                    .unwrap_or(&name)
                    .to_string();
                Some(ConnectorSummary { name, display_name })
            })
            .collect();
        out.sort_by_key(|c| c.display_name.to_lowercase());
        Ok(out)
    }

    /// Every connector the environment lists, published (certified, Microsoft's) and custom alike:
    /// what the duplicate search compares with.
    pub fn all_connectors(&mut self, environment: &str) -> anyhow::Result<Vec<ListedConnector>> {
        let items = self.list_apis(environment)?;
        Ok(items
            .iter()
            .filter_map(|item| {
                let name = item.get("name")?.as_str()?.to_string();
                let text = |pointer: &str| item.pointer(pointer).and_then(Value::as_str).map(str::to_owned);
                Some(ListedConnector {
                    display_name: text("/properties/displayName").unwrap_or_else(|| name.clone()),
                    publisher: text("/properties/publisher"),
                    host: text("/properties/backendService/serviceUrl"),
                    custom: item.pointer("/properties/isCustomApi").and_then(Value::as_bool) == Some(true),
                    name,
                })
            })
            .collect())
    }

    /// One connector's definition: properties, storage URLs of the swagger, icon and script.
    pub fn connector(&mut self, environment: &str, connector_id: &str) -> anyhow::Result<Value> {
        check_id("environment name", environment)?;
        check_id("connector id", connector_id)?;
        let url = format!(
            "{}/providers/Microsoft.PowerApps/apis/{connector_id}?api-version={API_VERSION}&{}",
            self.endpoints.powerapps,
            environment_filter(environment)
        );
        self.get_json(&url).map_err(|e| match e.downcast_ref::<ApiError>() {
            Some(api) if api.status == 404 => anyhow!(
                "environment `{environment}` has no connector `{connector_id}` ({}); check both: `connector-publish download` on a terminal lists your environments and their custom connectors",
                api.message
            ),
            _ => explain(e, &format!("reading connector `{connector_id}` in environment `{environment}`")),
        })
    }

    /// Follow `nextLink` pages, but only on the host the first page came from: the token must not
    /// be sent wherever an answer points.
    fn paged(&mut self, first: &str, base: &str) -> anyhow::Result<Vec<Value>> {
        let mut items = Vec::new();
        let mut next = Some(first.to_string());
        let mut pages = 0;
        while let Some(url) = next.take() {
            pages += 1;
            let page = self.get_json(&url)?;
            if let Some(values) = page.get("value").and_then(Value::as_array) {
                items.extend(values.iter().cloned());
            }
            if let Some(link) = page.get("nextLink").and_then(Value::as_str) {
                if !link.starts_with(&format!("{base}/")) {
                    bail!(
                        "the service sent a next-page link to another host ({}); refusing to send the token there",
                        redact_url(link)
                    );
                }
                if pages >= 100 {
                    bail!("the service sent more than 100 pages; stopping");
                }
                next = Some(link.to_string());
            }
        }
        Ok(items)
    }
}

/// The message inside `{"error": {"code": ..., "message": ...}}`, the Azure resource manager shape.
fn service_message(body: &[u8]) -> Option<String> {
    let value: Value = serde_json::from_slice(body).ok()?;
    let error = value.get("error")?;
    let message = error.get("message").and_then(Value::as_str).or_else(|| error.as_str())?;
    match error.get("code").and_then(Value::as_str) {
        Some(code) => Some(format!("{code}: {message}")),
        None => Some(message.to_string()),
    }
}

/// Add what to do next to an API error, by status.
pub(crate) fn explain(e: anyhow::Error, doing: &str) -> anyhow::Error {
    let Some(api) = e.downcast_ref::<ApiError>() else {
        return e.context(format!("while {doing}"));
    };
    let next = match api.status {
        401 => "Power Platform refused the sign-in: run `connector-publish login` again",
        403 => "your account is not allowed to do this: use an account with the Environment Maker role, or ask the connector's owner to share it with you",
        404 => "not found: check the environment name and connector id",
        429 => "Power Platform is throttling requests: wait a minute and try again",
        500..=599 => "Power Platform is failing right now: try again in a few minutes",
        _ => "see the service's message",
    };
    anyhow!("{doing} failed with HTTP {} ({}): {next}", api.status, api.message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_is_encoded_like_paconn() {
        assert_eq!(
            environment_filter("Default-72f988bf"),
            "%24filter=environment%20eq%20%27Default-72f988bf%27"
        );
    }

    #[test]
    fn ids_that_could_change_the_path_are_refused() {
        for bad in ["", "../apis", "a/b", "a?b", "a#b", ".hidden", "a b"] {
            assert!(check_id("connector id", bad).is_err(), "{bad}");
        }
        check_id("connector id", "shared_contoso-20api-5f0123456789abcdef").unwrap();
    }
}
