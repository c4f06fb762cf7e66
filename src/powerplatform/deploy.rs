//! Deploying a connector folder into an environment, request for request as paconn 0.0.21 does
//! (`paconn validate`, `paconn create`, `paconn update`):
//!
//! 1. the body: `apiProperties.json` with the OAuth client secret put into `oAuthSettings` of the
//!    `token` parameter (and of each parameter set's), plus `openApiDefinition`,
//!    `backendService.serviceUrl`, `environment.name`, `displayName` (create only) and
//!    `description` ([`upsert_body`]);
//! 2. `POST objectIds/{oid}/validateApiSwagger` (without certification rules) ([`validate_swagger`]);
//! 3. `POST objectIds/{oid}/generateResourceStorage`, whose `sharedAccessSignature` is a
//!    container URL ([`resource_storage`]);
//! 4. the icon and the script as block blobs into that container ([`upload`]), as `iconUri` and
//!    `scriptDefinitionUrl` (`""` without a script);
//! 5. `POST apis` (create; the answer's `name` is the new id) or `PATCH apis/{id}` (update), both
//!    with `$filter=environment eq '…'`.
//!
//! The calls send `x-ms-origin: paconn-cli` where paconn sends it (not on
//! `generateResourceStorage`); the User-Agent says connector-publish. The client secret is only
//! ever part of the create or update body.

use super::api::{check_id, environment_filter, explain, ApiError, Call, PowerPlatform};
use super::{redact_url, API_VERSION};
use crate::net::{BodyError, Failure, Http, Limits, Retry};
use anyhow::{anyhow, bail};
use serde_json::{Map, Value};

/// The `x-ms-origin` paconn sends to the Power Apps resource provider.
pub const ORIGIN: &str = "paconn-cli";
/// The storage API version of paconn's blob uploader (azure-storage-blob 2.1).
pub const STORAGE_VERSION: &str = "2019-02-02";

/// paconn's `settings.json`: which files, which environment and connector, which service.
/// Paths are as written (relative to where paconn runs).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaconnSettings {
    pub connector_id: Option<String>,
    pub environment: Option<String>,
    pub api_properties: Option<String>,
    pub api_definition: Option<String>,
    pub icon: Option<String>,
    pub script: Option<String>,
    pub powerapps_url: Option<String>,
    pub powerapps_api_version: Option<String>,
}

impl PaconnSettings {
    /// Read a `settings.json` as paconn does: unknown keys are ignored, a missing key is unset.
    pub fn from_json(value: &Value) -> Result<PaconnSettings, String> {
        let Some(object) = value.as_object() else {
            return Err("it must be a JSON object like {\"environment\": …, \"apiDefinition\": …}".into());
        };
        let text = |key: &str| -> Result<Option<String>, String> {
            match object.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(other) => Err(format!("`{key}` must be a string, not {other}")),
            }
        };
        Ok(PaconnSettings {
            connector_id: text("connectorId")?,
            environment: text("environment")?,
            api_properties: text("apiProperties")?,
            api_definition: text("apiDefinition")?,
            icon: text("icon")?,
            script: text("script")?,
            powerapps_url: text("powerAppsUrl")?,
            powerapps_api_version: text("powerAppsApiVersion")?,
        })
    }

    /// The file paconn's `create` writes: these keys in this order, unset ones as `null`, `script`
    /// only when there is one. The client secret has no place in it.
    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        let text = |v: &Option<String>| v.clone().map_or(Value::Null, Value::String);
        out.insert("connectorId".into(), text(&self.connector_id));
        out.insert("environment".into(), text(&self.environment));
        out.insert("apiProperties".into(), text(&self.api_properties));
        out.insert("apiDefinition".into(), text(&self.api_definition));
        out.insert("icon".into(), text(&self.icon));
        out.insert(
            "powerAppsUrl".into(),
            Value::String(self.powerapps_url.clone().unwrap_or_else(|| super::DEFAULT_POWERAPPS_URL.into())),
        );
        out.insert(
            "powerAppsApiVersion".into(),
            Value::String(self.powerapps_api_version.clone().unwrap_or_else(|| API_VERSION.into())),
        );
        if let Some(script) = &self.script {
            out.insert("script".into(), Value::String(script.clone()));
        }
        Value::Object(out)
    }
}

/// A swagger or properties file that cannot become a deploy body: what is wrong, and the fix.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {problem}; {fix}")]
pub struct BodyProblem {
    pub file: &'static str,
    pub problem: String,
    pub fix: String,
}

/// The OAuth connector has no client secret (create only, as paconn).
#[derive(Debug, thiserror::Error)]
#[error("this connector signs in with OAuth 2.0 and the service needs its client secret to create it: pass --secret - (and type it on standard input), --secret <value>, or set {SECRET_ENV}")]
pub struct MissingSecret;

/// Where `create` and `update` take the connector's OAuth client secret from, besides `--secret`.
pub const SECRET_ENV: &str = "CONNECTOR_PUBLISH_OAUTH_SECRET";

/// `backendService.serviceUrl`: the first scheme, the host and the basePath, joined as Python's
/// `urlunparse` joins them (paconn's `_create_backendservice_url`).
pub fn backend_service_url(swagger: &Value) -> String {
    let text = |key: &str| swagger.get(key).and_then(Value::as_str).unwrap_or("").to_string();
    let scheme = swagger
        .get("schemes")
        .and_then(Value::as_array)
        .and_then(|s| s.first())
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let (netloc, mut url) = (text("host"), text("basePath"));
    // urllib.parse.uses_netloc (Python 3.11).
    const USES_NETLOC: [&str; 20] = [
        "ftp", "http", "gopher", "nntp", "telnet", "imap", "wais", "file", "mms", "https", "shttp", "snews", "prospero", "rtsp", "rtspu",
        "sftp", "svn", "svn+ssh", "ws", "wss",
    ];
    if !netloc.is_empty() || (!scheme.is_empty() && USES_NETLOC.contains(&scheme.as_str()) && !url.starts_with("//")) {
        if !url.is_empty() && !url.starts_with('/') {
            url.insert(0, '/');
        }
        url = format!("//{netloc}{url}");
    }
    if !scheme.is_empty() {
        url = format!("{scheme}:{url}");
    }
    url
}

/// The create or update body paconn builds, before the icon and script URLs are added: the
/// properties document with the secret in its OAuth settings, the swagger and what the service
/// derives from it.
pub fn upsert_body(
    properties_doc: &Value,
    swagger: &Value,
    environment: &str,
    secret: Option<&str>,
    create: bool,
) -> anyhow::Result<Value> {
    let mut doc = properties_doc.clone();
    let Some(properties) = doc.get_mut("properties").and_then(Value::as_object_mut) else {
        return Err(BodyProblem {
            file: super::download::PROPERTIES,
            problem: "it has no `properties` object".into(),
            fix: "wrap the connector's settings in {\"properties\": {…}}, as `connector-publish init` writes it".into(),
        }
        .into());
    };
    let mut oauth_without_secret = false;
    let mut put_secret = |parameters: Option<&mut Value>| {
        let Some(oauth) = parameters
            .and_then(|p| p.get_mut("token"))
            .and_then(|t| t.get_mut("oAuthSettings"))
            .and_then(Value::as_object_mut)
            .filter(|o| !o.is_empty())
        else {
            return;
        };
        match secret {
            Some(secret) => {
                oauth.insert("clientSecret".into(), Value::String(secret.to_string()));
            }
            None => oauth_without_secret = true,
        }
    };
    put_secret(properties.get_mut("connectionParameters"));
    if let Some(sets) = properties
        .get_mut("connectionParameterSets")
        .and_then(|s| s.get_mut("values"))
        .and_then(Value::as_array_mut)
    {
        for set in sets {
            put_secret(set.get_mut("parameters"));
        }
    }
    if oauth_without_secret && create {
        return Err(MissingSecret.into());
    }
    properties.insert("openApiDefinition".into(), swagger.clone());
    properties.insert(
        "backendService".into(),
        serde_json::json!({ "serviceUrl": backend_service_url(swagger) }),
    );
    properties.insert("environment".into(), serde_json::json!({ "name": environment }));
    let info_text = |key: &str| swagger.get("info").and_then(|i| i.get(key)).filter(|v| !v.is_null()).cloned();
    if create {
        let title = info_text("title").ok_or_else(|| BodyProblem {
            file: super::download::SWAGGER,
            problem: "`info.title` is missing".into(),
            fix: "add \"info\": {\"title\": \"<Connector name>\", …}: it becomes the connector's name".into(),
        })?;
        properties.insert("displayName".into(), title);
    }
    let description = info_text("description").ok_or_else(|| BodyProblem {
        file: super::download::SWAGGER,
        problem: "`info.description` is missing".into(),
        fix: "add \"info\": {\"description\": \"<what the connector does>\", …}: the service shows it as the connector's description"
            .into(),
    })?;
    properties.insert("description".into(), description);
    Ok(doc)
}

/// The lines of a `validateApiSwagger` answer: a JSON string of message lines (`""` when the
/// swagger validated). paconn prints the string with its escapes decoded; an answer that is not
/// a JSON string is taken as text.
pub fn validation_lines(body: &[u8]) -> Vec<String> {
    let text = match serde_json::from_slice::<Value>(body) {
        Ok(Value::String(s)) => s,
        Ok(Value::Null) => String::new(),
        _ => String::from_utf8_lossy(body).trim().trim_matches('"').to_string(),
    };
    text.lines()
        .map(|l| l.trim_end().to_string())
        .filter(|l| !l.trim().is_empty())
        .collect()
}

fn provider(pp: &PowerPlatform) -> String {
    format!("{}/providers/Microsoft.PowerApps", pp.endpoints().powerapps)
}

/// `POST objectIds/{oid}/validateApiSwagger`: the service's messages about the swagger, none
/// when it validated. `certification` adds `enableConnectorCertificationRules=true`, as
/// `paconn validate` does; create and update validate without it.
pub fn validate_swagger(pp: &mut PowerPlatform, swagger: &Value, certification: bool) -> anyhow::Result<Vec<String>> {
    let oid = pp.object_id()?;
    let mut url = format!("{}/objectIds/{oid}/validateApiSwagger?api-version={API_VERSION}", provider(pp));
    if certification {
        url.push_str("&enableConnectorCertificationRules=true");
    }
    let body = pp
        .call(&Call {
            method: reqwest::Method::POST,
            url: &url,
            json: Some(swagger),
            origin: Some(ORIGIN),
            retry: pp.endpoints().retry(),
        })
        .map_err(|e| match e.downcast_ref::<ApiError>() {
            Some(api) if matches!(api.status, 401 | 403) => anyhow!(
                "Power Platform refused to validate with your sign-in (HTTP {}: {}): sign in again with `connector-publish login`, with an account that can make connectors",
                api.status,
                api.message
            ),
            _ => explain(e, "validating the swagger with the service"),
        })?;
    Ok(validation_lines(&body))
}

/// `POST objectIds/{oid}/generateResourceStorage`: a container URL with a signature, where the
/// icon and script go.
pub fn resource_storage(pp: &mut PowerPlatform, environment: &str) -> anyhow::Result<String> {
    check_id("environment name", environment)?;
    let oid = pp.object_id()?;
    let url = format!("{}/objectIds/{oid}/generateResourceStorage?api-version={API_VERSION}", provider(pp));
    let body = serde_json::json!({"environment": {"name": environment}});
    let answer = pp
        .call(&Call {
            method: reqwest::Method::POST,
            url: &url,
            json: Some(&body),
            origin: None,
            retry: pp.endpoints().retry(),
        })
        .map_err(|e| {
            explain(
                e,
                &format!("asking for storage for the icon and script in environment `{environment}`"),
            )
        })?;
    let answer: Value =
        serde_json::from_slice(&answer).map_err(|e| anyhow!("generateResourceStorage answered with JSON this tool cannot read: {e}"))?;
    answer
        .get("sharedAccessSignature")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| anyhow!("generateResourceStorage answered without a sharedAccessSignature"))
}

/// The content type paconn's uploader sends for a file name (Python's `mimetypes.guess_type`
/// for the types a connector's icon and script have); `None` sends none (`script.csx`).
pub fn content_type(file_name: &str) -> Option<&'static str> {
    let extension = file_name.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match extension.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" | "jpe" => "image/jpeg",
        "gif" => "image/gif",
        "bmp" => "image/bmp",
        "svg" => "image/svg+xml",
        "ico" => "image/vnd.microsoft.icon",
        "webp" => "image/webp",
        "json" => "application/json",
        "txt" => "text/plain",
        "js" => "text/javascript",
        _ => return None,
    })
}

/// Whether a storage URL may be used: https anywhere, plain http on loopback only (tests).
fn storage_url_allowed(url: &str) -> bool {
    url.starts_with("https://")
        || [
            "http://127.0.0.1:",
            "http://127.0.0.1/",
            "http://localhost:",
            "http://localhost/",
            "http://[::1]:",
        ]
        .iter()
        .any(|p| url.starts_with(p))
}

/// Upload one file as a block blob named `file_name` into the container of `sas_url`, as paconn
/// does: `PUT {container}/{name}?{signature}` with `x-ms-blob-type: BlockBlob` and the content
/// type in `x-ms-blob-content-type`. The SAS URL is used as given, scheme included; no token is
/// sent. Returns the blob's URL with the signature (what `iconUri` and `scriptDefinitionUrl` take).
pub fn upload(storage: &Http, retry: Retry, sas_url: &str, file_name: &str, bytes: &[u8]) -> anyhow::Result<String> {
    if !storage_url_allowed(sas_url) {
        bail!(
            "the service gave a storage address that is not https ({}); refusing to upload there",
            redact_url(sas_url)
        );
    }
    if file_name.is_empty() || file_name.contains(['/', '\\', '?', '#']) || file_name == "." || file_name == ".." {
        bail!("`{file_name}` cannot be a blob name");
    }
    let (base, query) = sas_url.split_once('?').unwrap_or((sas_url, ""));
    // Python's `quote`, as the uploader encodes a blob name.
    const UNRESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    let encoded = percent_encoding::utf8_percent_encode(file_name, UNRESERVED).to_string();
    let blob = if query.is_empty() {
        format!("{base}/{file_name}")
    } else {
        format!("{base}/{file_name}?{query}")
    };
    let target = if query.is_empty() {
        format!("{base}/{encoded}")
    } else {
        format!("{base}/{encoded}?{query}")
    };
    let shown = redact_url(&blob);
    let reply = storage.send(retry, Limits::api(), &|client| {
        let mut request = client
            .put(&target)
            .header("x-ms-blob-type", "BlockBlob")
            .header("x-ms-version", STORAGE_VERSION)
            .body(bytes.to_vec());
        if let Some(content_type) = content_type(file_name) {
            request = request.header("x-ms-blob-content-type", content_type);
        }
        request
    });
    let reply = match reply {
        Ok(reply) => reply,
        Err(Failure::TimedOut { .. } | Failure::Body(BodyError::TimedOut)) => {
            bail!("uploading {file_name} to {shown}: {}", crate::net::timeout_hint())
        }
        Err(e) => bail!("uploading {file_name} to {shown}: {e}"),
    };
    if !reply.is_success() {
        bail!(
            "storage refused the upload of {file_name} to {shown} ({}); the storage link may have lapsed: run again",
            reply.status_text()
        );
    }
    Ok(blob)
}

/// `POST apis?$filter=environment eq '…'`: the new connector's id (the answer's `name`). Not
/// tried again on a 5xx: a second POST could create a second connector.
pub fn create(pp: &mut PowerPlatform, environment: &str, body: &Value) -> anyhow::Result<String> {
    check_id("environment name", environment)?;
    let url = format!(
        "{}/apis?api-version={API_VERSION}&{}",
        provider(pp),
        environment_filter(environment)
    );
    let answer = pp
        .call(&Call {
            method: reqwest::Method::POST,
            url: &url,
            json: Some(body),
            origin: Some(ORIGIN),
            retry: Retry::new(1, pp.endpoints().retry_delay),
        })
        .map_err(|e| explain(e, &format!("creating the connector in environment `{environment}`")))?;
    let answer: Value =
        serde_json::from_slice(&answer).map_err(|e| anyhow!("the service answered the create with JSON this tool cannot read: {e}"))?;
    let id = answer
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| anyhow!("the service created the connector but its answer has no `name` (the connector id); find it with `connector-publish download --list --env {environment}`"))?;
    check_id("connector id", id)?;
    Ok(id.to_string())
}

/// `PATCH apis/{id}?$filter=environment eq '…'`.
pub fn update(pp: &mut PowerPlatform, environment: &str, connector_id: &str, body: &Value) -> anyhow::Result<()> {
    check_id("environment name", environment)?;
    check_id("connector id", connector_id)?;
    let url = format!(
        "{}/apis/{connector_id}?api-version={API_VERSION}&{}",
        provider(pp),
        environment_filter(environment)
    );
    pp.call(&Call {
        method: reqwest::Method::PATCH,
        url: &url,
        json: Some(body),
        origin: Some(ORIGIN),
        retry: pp.endpoints().retry(),
    })
    .map_err(|e| match e.downcast_ref::<ApiError>() {
        Some(api) if api.status == 404 => anyhow!(
            "environment `{environment}` has no connector `{connector_id}` ({}): create it first with `connector-publish create`",
            api.message
        ),
        _ => explain(e, &format!("updating connector `{connector_id}` in environment `{environment}`")),
    })?;
    Ok(())
}

/// A file to upload: its name (the blob's) and bytes.
#[derive(Debug, Clone)]
pub struct Upload {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// What a create or update sends, once the files are read.
#[derive(Debug, Clone)]
pub struct Deployment {
    pub environment: String,
    /// `None`: create; `Some(id)`: update.
    pub connector_id: Option<String>,
    /// The body from [`upsert_body`].
    pub body: Value,
    pub swagger: Value,
    pub icon: Option<Upload>,
    pub script: Option<Upload>,
}

/// What the service said and did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Deployed {
    pub connector_id: String,
    /// The service's messages about the swagger (validation without certification rules).
    pub validation: Vec<String>,
    pub icon_uploaded: bool,
    pub script_uploaded: bool,
}

/// Steps 2 to 5, in paconn's order.
pub fn deploy(pp: &mut PowerPlatform, storage: &Http, deployment: &Deployment) -> anyhow::Result<Deployed> {
    let validation = validate_swagger(pp, &deployment.swagger, false)?;
    let sas = resource_storage(pp, &deployment.environment)?;
    let mut body = deployment.body.clone();
    let retry = pp.endpoints().retry();
    let properties = body
        .get_mut("properties")
        .and_then(Value::as_object_mut)
        .ok_or_else(|| anyhow!("the body has no properties"))?;
    if let Some(icon) = &deployment.icon {
        let uri = upload(storage, retry, &sas, &icon.file_name, &icon.bytes)?;
        properties.insert("iconUri".into(), Value::String(uri));
    }
    let script = match &deployment.script {
        Some(script) => upload(storage, retry, &sas, &script.file_name, &script.bytes)?,
        None => String::new(),
    };
    properties.insert("scriptDefinitionUrl".into(), Value::String(script));
    let connector_id = match &deployment.connector_id {
        Some(id) => {
            update(pp, &deployment.environment, id, &body)?;
            id.clone()
        }
        None => create(pp, &deployment.environment, &body)?,
    };
    Ok(Deployed {
        connector_id,
        validation,
        icon_uploaded: deployment.icon.is_some(),
        script_uploaded: deployment.script.is_some(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_backend_url_is_joined_like_pythons_urlunparse() {
        let url = |scheme: Option<&str>, host: &str, base: &str| {
            let mut s = json!({"host": host, "basePath": base});
            if let Some(scheme) = scheme {
                s["schemes"] = json!([scheme, "http"]);
            }
            backend_service_url(&s)
        };
        // What Python 3.11's urlunparse answers for the same parts.
        assert_eq!(url(Some("https"), "a.com", "/v1"), "https://a.com/v1");
        assert_eq!(url(Some("https"), "a.com", ""), "https://a.com");
        assert_eq!(url(Some("https"), "a.com", "v1"), "https://a.com/v1");
        assert_eq!(url(Some("https"), "", "/v1"), "https:///v1");
        assert_eq!(url(None, "a.com", "/v1"), "//a.com/v1");
        assert_eq!(url(None, "", ""), "");
        assert_eq!(url(Some("http"), "a.com", "/"), "http://a.com/");
        assert_eq!(url(None, "", "/v1"), "/v1");
        assert_eq!(url(Some("https"), "", ""), "https://");
        assert_eq!(url(Some("wss"), "", "x"), "wss:///x");
    }

    fn oauth_properties() -> Value {
        json!({"properties": {
            "connectionParameters": {"token": {"type": "oauthSetting", "oAuthSettings": {"identityProvider": "oauth2", "clientId": "id"}}},
            "connectionParameterSets": {"values": [
                {"name": "a", "parameters": {"token": {"type": "oauthSetting", "oAuthSettings": {"clientId": "a"}}}},
                {"name": "b", "parameters": {"api_key": {"type": "securestring"}}}
            ]},
            "iconBrandColor": "#007ee5"
        }})
    }

    fn swagger() -> Value {
        json!({"swagger": "2.0", "info": {"title": "Contoso", "description": "Does things", "version": "1.0"}, "host": "api.contoso.com", "basePath": "/v2", "schemes": ["https"], "paths": {}})
    }

    #[test]
    fn the_secret_goes_into_every_oauth_setting_of_the_token_parameter() {
        let body = upsert_body(&oauth_properties(), &swagger(), "Default-1", Some("s3cret"), true).unwrap();
        let p = &body["properties"];
        assert_eq!(p["connectionParameters"]["token"]["oAuthSettings"]["clientSecret"], "s3cret");
        assert_eq!(
            p["connectionParameterSets"]["values"][0]["parameters"]["token"]["oAuthSettings"]["clientSecret"],
            "s3cret"
        );
        assert!(p["connectionParameterSets"]["values"][1]["parameters"]["api_key"]
            .get("oAuthSettings")
            .is_none());
        assert_eq!(p["displayName"], "Contoso");
        assert_eq!(p["description"], "Does things");
        assert_eq!(p["backendService"], json!({"serviceUrl": "https://api.contoso.com/v2"}));
        assert_eq!(p["environment"], json!({"name": "Default-1"}));
        assert_eq!(p["openApiDefinition"], swagger());
        // The order paconn's dict has: the file's keys, then what it adds.
        let keys: Vec<&str> = p.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "connectionParameters",
                "connectionParameterSets",
                "iconBrandColor",
                "openApiDefinition",
                "backendService",
                "environment",
                "displayName",
                "description"
            ]
        );
    }

    #[test]
    fn create_refuses_oauth_without_a_secret_and_update_sends_none() {
        let e = upsert_body(&oauth_properties(), &swagger(), "Default-1", None, true).unwrap_err();
        assert!(e.is::<MissingSecret>(), "{e}");
        let body = upsert_body(&oauth_properties(), &swagger(), "Default-1", None, false).unwrap();
        assert!(!body.to_string().contains("clientSecret"));
        assert!(
            body["properties"].get("displayName").is_none(),
            "displayName is sent on create only"
        );
    }

    #[test]
    fn a_missing_description_is_named_with_its_fix() {
        let mut s = swagger();
        s["info"].as_object_mut().unwrap().remove("description");
        let e = upsert_body(&json!({"properties": {}}), &s, "Default-1", None, false).unwrap_err();
        assert!(e.to_string().contains("info.description"), "{e}");
        let e = upsert_body(&json!({}), &swagger(), "Default-1", None, false).unwrap_err();
        assert!(e.to_string().contains("apiProperties.json"), "{e}");
    }

    #[test]
    fn validation_answers_are_a_json_string_of_lines() {
        assert!(validation_lines(b"\"\"").is_empty());
        assert_eq!(
            validation_lines(br#""Error: a\r\nWarning: b\r\n""#),
            vec!["Error: a".to_string(), "Warning: b".to_string()]
        );
        assert_eq!(validation_lines(b"plain text"), vec!["plain text".to_string()]);
    }

    #[test]
    fn settings_are_written_in_paconns_order_without_a_script_key_when_none() {
        let s = PaconnSettings {
            connector_id: Some("shared_x".into()),
            environment: Some("Default-1".into()),
            api_properties: Some("apiProperties.json".into()),
            api_definition: Some("apiDefinition.swagger.json".into()),
            ..Default::default()
        };
        let v = s.to_json();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "connectorId",
                "environment",
                "apiProperties",
                "apiDefinition",
                "icon",
                "powerAppsUrl",
                "powerAppsApiVersion"
            ]
        );
        assert_eq!(v["icon"], Value::Null);
        assert_eq!(
            PaconnSettings::from_json(&v).unwrap().powerapps_url.as_deref(),
            Some("https://api.powerapps.com")
        );
        assert!(PaconnSettings::from_json(&json!({"environment": 3})).is_err());
    }

    #[test]
    fn content_types_are_pythons_guesses() {
        assert_eq!(content_type("icon.png"), Some("image/png"));
        assert_eq!(content_type("ICON.JPG"), Some("image/jpeg"));
        assert_eq!(content_type("script.csx"), None);
        assert_eq!(content_type("noextension"), None);
    }
}
