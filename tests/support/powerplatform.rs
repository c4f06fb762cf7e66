//! An in-process, stateful fake of the Microsoft services the Power Platform source stage talks to:
//! the Microsoft identity platform (v2 endpoints), the Power Apps and Flow resource providers
//! (API version 2016-11-01) and the Azure Blob storage that serves a connector's files through
//! signed URLs.
//!
//! ONE loopback server on `127.0.0.1` (a free port) plays every part: use [`FakePowerPlatform::url`]
//! as the authority, as the Power Apps base URL and as the Flow base URL; the storage URLs it hands
//! out point back at it too. It runs on its own threads, so it works both for the binary run as a
//! child process (assert_cmd) and for code called in-process.
//!
//! Unlike `github.rs` it speaks HTTP/1.1 itself over `std::net` (like `git_http.rs`), with
//! keep-alive: tiny_http cannot drop a connection without answering, and
//! [`FakePowerPlatform::push_hangup`] needs exactly that.
//!
//! Routes (anything else answers 404 `{"error":{"code":"NotFound",...}}` and is recorded with
//! `handled == false`):
//!
//! | route | behaviour |
//! | --- | --- |
//! | `POST /{tenant}/oauth2/v2.0/devicecode` | form `client_id`, `scope` → 200 with a unique `user_code`, a `device_code`, `interval` = [`FakePowerPlatformConfig::interval_secs`] |
//! | `POST /{tenant}/oauth2/v2.0/token`, `grant_type=urn:ietf:params:oauth:grant-type:device_code` | each poll of a code consumes its next [`DeviceStep`] (400 `authorization_pending`, `slow_down`, `authorization_declined`, `expired_token`, `bad_verification_code`); then 200 with access + refresh token; an unknown code → 400 `bad_verification_code` |
//! | same, `grant_type=refresh_token` | a live refresh token → 200 with a new access token and a NEW refresh token (the old one dies); anything else, or `refresh_allowed == false` → 400 `invalid_grant` (AADSTS700082) |
//! | same, `grant_type=client_credentials` | `client_id`/`client_secret` (form, or HTTP Basic) equal to `service_principal` → 200 access token, no refresh token; else 401 `invalid_client` (AADSTS7000215) |
//! | `GET /providers/Microsoft.ProcessSimple/environments` | `{"value":[environment…]}` |
//! | `GET /providers/Microsoft.PowerApps/apis?$filter=environment eq '{env}'` | `{"value":[…]}`: the custom connectors of `{env}` plus the built-ins `shared_office365` and `shared_sharepointonline`; paged with `nextLink` (`$skiptoken`) when `page_size` is set; without `$filter`, the default environment; 404 `EnvironmentNotFound` |
//! | `GET /providers/Microsoft.PowerApps/apis/{id}?$filter=environment eq '{env}'` | the connector: configured `properties` + storage URLs + output-only noise; 404 `EnvironmentNotFound` / `ApiResourceNotFound` |
//! | `POST /providers/Microsoft.PowerApps/objectIds/{oid}/validateApiSwagger` | `{oid}` must be the token's (else 403 `AuthorizationFailed`); the body a Swagger 2.0 document (else 400); answers a JSON string of CRLF-separated lines, `""` when valid: what it finds itself (`OperationIdRequired`, `OperationIdNotUnique`, `PathParameterMustBeRequired`), plus [`FakePowerPlatform::set_certification_messages`] with `enableConnectorCertificationRules=true` |
//! | `POST /providers/Microsoft.PowerApps/objectIds/{oid}/generateResourceStorage` | body `{"environment":{"name":…}}` → `{"sharedAccessSignature": "{url}/blobstore/{container}?…&sig=SECRETSIG…"}` (a new container each time) |
//! | `PUT /blobstore/{container}/{name}` | `sig=SECRETSIG`, a container handed out, `x-ms-blob-type: BlockBlob` → 201; keeps the bytes and `x-ms-blob-content-type`; `GET` serves them back |
//! | `POST /providers/Microsoft.PowerApps/apis?$filter=…` | create: checks `environment.name`, `openApiDefinition`, `backendService.serviceUrl`, `displayName`, an OAuth client secret, that `iconUri` and `scriptDefinitionUrl` are its blobs; stores a new connector `shared_{slug}-5f{hex}` (the secret kept apart, never answered) → 201 with the connector |
//! | `PATCH /providers/Microsoft.PowerApps/apis/{id}?$filter=…` | update the same way (404 `ApiResourceNotFound`); the displayName, icon and secret stay when not sent |
//! | `GET /storage/{env}/{id}/{file}` | `original.swagger.json` and `modified.swagger.json` (both the configured swagger bytes), `icon.png`, `script.csx`; no auth needed (an `Authorization` header is recorded, not checked); needs `sig=SECRETSIG` (else 403 `AuthenticationFailed`); 404 `BlobNotFound` (XML) |
//!
//! The Power Apps and Flow routes need `Authorization: Bearer <access token issued by this fake,
//! not expired, not revoked>` (missing → 401 `AuthenticationFailed`; otherwise → 401
//! `ExpiredAuthenticationToken`) and then `api-version=2016-11-01` (else 400
//! `InvalidApiVersionParameter`). Query strings and form bodies are percent-decoded (`+` and `%20`
//! are spaces, `%24filter` is `$filter`).
//!
//! Faults are queued per route ("METHOD /path", no query, compared case-insensitively; `"*"`
//! matches every request; a trailing `*` matches a prefix, e.g. `"GET /storage/*"`) and served in
//! order before the normal behaviour; a served fault changes no state (it consumes no device step,
//! does not rotate a refresh token, does not count as an API call).
//!
//! Shapes follow what the real services answer (AAD v2 error bodies with `error_codes`,
//! `trace_id`, `correlation_id`; ARM-style `{"error":{"code","message"}}`; Azure Blob XML errors).
#![allow(dead_code)]

use super::http::{parse_form, percent_decode, route_key};
use base64::Engine;
use serde_json::{json, Map, Value};
use std::collections::{HashMap, VecDeque};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The only API version the Power Apps and Flow routes accept.
pub const API_VERSION: &str = "2016-11-01";
/// The tenant of the default configuration.
pub const DEFAULT_TENANT_ID: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
/// The environment of the default configuration (`Default-<tenant>`, the tenant's default).
pub const DEFAULT_ENVIRONMENT: &str = "Default-72f988bf-86f1-41af-91ab-2d7cd011db47";
/// The SAS signature of every storage URL; a test can check it never reaches the output.
pub const STORAGE_SIG: &str = "SECRETSIG";
/// The `grant_type` of a device code poll.
pub const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// The `verification_uri` the device code response names.
pub const VERIFICATION_URI: &str = "https://microsoft.com/devicelogin";
/// The `scope` of every user token response.
pub const TOKEN_SCOPE: &str = "https://service.powerapps.com/User https://service.powerapps.com/.default";
/// The `oid` claim of user tokens.
pub const USER_OID: &str = "00000000-0000-4000-8000-0000000000aa";

const FIXED_TIME: &str = "2024-01-01T00:00:00.0000000Z";
const AAD_TIMESTAMP: &str = "2024-01-01 00:00:00Z";
const BUILTINS: [(&str, &str, &str); 2] = [
    (
        "shared_office365",
        "Office 365 Outlook",
        "Microsoft Office 365 is a cloud-based service that is designed to help meet your organization's needs for robust security, reliability, and user productivity.",
    ),
    (
        "shared_sharepointonline",
        "SharePoint",
        "SharePoint helps organizations share and collaborate with colleagues, partners, and customers.",
    ),
];

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

/// What one poll of a device code answers before the user has signed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceStep {
    /// 400 `authorization_pending` (AADSTS70016).
    Pending,
    /// 400 `slow_down`.
    SlowDown,
    /// 400 `authorization_declined` (AADSTS70000).
    Declined,
    /// 400 `expired_token` (AADSTS70020).
    Expired,
    /// 400 `bad_verification_code` (AADSTS70019).
    BadCode,
}

impl DeviceStep {
    /// The OAuth `error` this step answers.
    pub fn error(self) -> &'static str {
        match self {
            DeviceStep::Pending => "authorization_pending",
            DeviceStep::SlowDown => "slow_down",
            DeviceStep::Declined => "authorization_declined",
            DeviceStep::Expired => "expired_token",
            DeviceStep::BadCode => "bad_verification_code",
        }
    }

    fn aadsts(self) -> (u32, &'static str) {
        match self {
            DeviceStep::Pending => (70016, "OAuth 2.0 device flow error. Authorization is pending. Continue polling."),
            DeviceStep::SlowDown => (
                70016,
                "OAuth 2.0 device flow error. Polling too frequently: slow down and continue polling.",
            ),
            DeviceStep::Declined => (70000, "The user declined to authorize the application."),
            DeviceStep::Expired => (
                70020,
                "The provided value for the input parameter 'device_code' is not valid. This device code has expired.",
            ),
            DeviceStep::BadCode => (70019, "The provided value for the input parameter 'device_code' is not valid."),
        }
    }
}

/// A Power Platform environment.
#[derive(Clone, Debug)]
pub struct FakeEnvironment {
    pub name: String,
    pub display_name: String,
    pub is_default: bool,
}

impl FakeEnvironment {
    /// A non-default environment.
    pub fn new(name: &str, display_name: &str) -> Self {
        FakeEnvironment {
            name: name.to_string(),
            display_name: display_name.to_string(),
            is_default: false,
        }
    }

    pub fn default_env(mut self, is_default: bool) -> Self {
        self.is_default = is_default;
        self
    }
}

/// A custom connector living in an environment.
#[derive(Clone, Debug)]
pub struct FakeConnector {
    pub environment: String,
    /// The API name, e.g. `shared_contoso-20invoices-5f3c2a1b0e9d8c7b6a`.
    pub id: String,
    /// The connector's `properties` as the client should keep them (`displayName`, `description`,
    /// `connectionParameters`, `iconBrandColor`, `capabilities`, `policyTemplateInstances`,
    /// `publisher`, `stackOwner`, ...). A JSON object.
    pub properties: Value,
    /// Served byte for byte as both `original.swagger.json` and `modified.swagger.json`.
    pub swagger: Vec<u8>,
    pub icon: Option<Vec<u8>>,
    pub script: Option<Vec<u8>>,
}

impl FakeConnector {
    /// A connector with `{"displayName": display_name, "description": ...}`, a small swagger,
    /// no icon and no script.
    pub fn new(environment: &str, id: &str, display_name: &str) -> Self {
        let swagger = serde_json::to_vec_pretty(&json!({
            "swagger": "2.0",
            "info": {"title": display_name, "description": format!("{display_name} (fake)"), "version": "1.0"},
            "host": "api.contoso.com",
            "basePath": "/",
            "schemes": ["https"],
            "consumes": [],
            "produces": [],
            "paths": {},
            "definitions": {},
            "parameters": {},
            "responses": {},
            "securityDefinitions": {},
            "security": [],
            "tags": []
        }))
        .expect("serialize swagger");
        FakeConnector {
            environment: environment.to_string(),
            id: id.to_string(),
            properties: json!({"displayName": display_name, "description": format!("{display_name} (fake)")}),
            swagger,
            icon: None,
            script: None,
        }
    }

    /// Replace `properties` (must be a JSON object).
    pub fn properties(mut self, properties: Value) -> Self {
        assert!(properties.is_object(), "FakeConnector properties must be a JSON object");
        self.properties = properties;
        self
    }

    pub fn swagger(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.swagger = bytes.into();
        self
    }

    pub fn icon(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.icon = Some(bytes.into());
        self
    }

    pub fn script(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.script = Some(bytes.into());
        self
    }

    fn display_name(&self) -> String {
        self.properties
            .get("displayName")
            .and_then(Value::as_str)
            .unwrap_or(&self.id)
            .to_string()
    }
}

#[derive(Clone, Debug)]
pub struct FakePowerPlatformConfig {
    /// `tid` of every token and the suffix of the default environment's name.
    pub tenant_id: String,
    /// `upn` of user tokens.
    pub user_upn: String,
    /// `interval` of the device code response. Default 0, so tests do not wait.
    pub interval_secs: u64,
    /// `expires_in` of every token. Default 3599.
    pub token_lifetime_secs: u64,
    /// What each device code answers to its first polls, in order, before it succeeds.
    pub device_steps: Vec<DeviceStep>,
    /// false: every refresh answers `invalid_grant`. Default true.
    pub refresh_allowed: bool,
    /// `(client_id, client_secret)` accepted by the client credentials grant.
    pub service_principal: Option<(String, String)>,
    /// Default: [`DEFAULT_ENVIRONMENT`] ("Contoso (default)", the default one).
    pub environments: Vec<FakeEnvironment>,
    pub connectors: Vec<FakeConnector>,
    /// Page size of the connector list (`nextLink` with `$skiptoken`). `None`: one page.
    pub page_size: Option<usize>,
    /// After this many successful Power Apps/Flow calls, every access token issued until then
    /// stops working (refresh tokens keep working). Once.
    pub expire_access_tokens_after_api_calls: Option<u64>,
}

impl Default for FakePowerPlatformConfig {
    fn default() -> Self {
        FakePowerPlatformConfig {
            tenant_id: DEFAULT_TENANT_ID.to_string(),
            user_upn: "maker@contoso.com".to_string(),
            interval_secs: 0,
            token_lifetime_secs: 3599,
            device_steps: Vec::new(),
            refresh_allowed: true,
            service_principal: None,
            environments: vec![FakeEnvironment::new(DEFAULT_ENVIRONMENT, "Contoso (default)").default_env(true)],
            connectors: Vec::new(),
            page_size: None,
            expire_access_tokens_after_api_calls: None,
        }
    }
}

impl FakePowerPlatformConfig {
    pub fn environment(mut self, name: &str, display_name: &str) -> Self {
        self.environments.push(FakeEnvironment::new(name, display_name));
        self
    }

    pub fn connector(mut self, connector: FakeConnector) -> Self {
        self.connectors.push(connector);
        self
    }

    pub fn device_steps(mut self, steps: &[DeviceStep]) -> Self {
        self.device_steps = steps.to_vec();
        self
    }

    pub fn service_principal(mut self, client_id: &str, secret: &str) -> Self {
        self.service_principal = Some((client_id.to_string(), secret.to_string()));
        self
    }

    pub fn page_size(mut self, n: usize) -> Self {
        self.page_size = Some(n);
        self
    }

    pub fn refresh_allowed(mut self, allowed: bool) -> Self {
        self.refresh_allowed = allowed;
        self
    }

    pub fn interval_secs(mut self, secs: u64) -> Self {
        self.interval_secs = secs;
        self
    }

    pub fn token_lifetime_secs(mut self, secs: u64) -> Self {
        self.token_lifetime_secs = secs;
        self
    }
}

// ---------------------------------------------------------------------------------------------
// Recording
// ---------------------------------------------------------------------------------------------

/// One request as the fake saw it, with the status it answered.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    /// Percent-decoded path without the query, e.g. `/providers/Microsoft.PowerApps/apis`.
    pub path: String,
    /// Raw query string (no `?`), possibly empty.
    pub query: String,
    /// All request headers, names lower-cased, in arrival order.
    pub headers: Vec<(String, String)>,
    /// The body (lossy UTF-8), e.g. the form of a token request.
    pub body: String,
    /// The body byte for byte (a blob upload).
    pub body_bytes: Vec<u8>,
    /// 0 when the connection was dropped without an answer.
    pub status: u16,
    /// false when no route of the fake matched.
    pub handled: bool,
    /// true when the answer (or hang-up) came from the fault queue.
    pub injected: bool,
    /// When the request was read.
    pub at: Instant,
}

impl Recorded {
    /// `"METHOD /path"`.
    pub fn route(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn authorization(&self) -> Option<&str> {
        self.header("authorization")
    }

    /// A decoded query parameter (`"$filter"` also finds `%24filter`).
    pub fn query_param(&self, name: &str) -> Option<String> {
        parse_form(&self.query).into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// The body as JSON (`None` when it is not JSON).
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body_bytes).ok()
    }

    /// A decoded `application/x-www-form-urlencoded` body field.
    pub fn form_param(&self, name: &str) -> Option<String> {
        parse_form(&self.body).into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// The path, query, headers or body contain `needle`.
    pub fn contains(&self, needle: &str) -> bool {
        self.path.contains(needle)
            || self.query.contains(needle)
            || self.body.contains(needle)
            || self.headers.iter().any(|(k, v)| k.contains(needle) || v.contains(needle))
    }
}

/// A `POST .../devicecode` the fake answered.
#[derive(Clone, Debug)]
pub struct DeviceCodeRequest {
    /// The `{tenant}` path segment (`organizations`, `common`, a GUID or a domain).
    pub tenant: String,
    pub client_id: String,
    pub scope: String,
    pub user_code: String,
    pub device_code: String,
    pub at: Instant,
}

/// One token request with the device code grant (faults excluded).
#[derive(Clone, Debug)]
pub struct DevicePoll {
    pub device_code: String,
    pub at: Instant,
    /// The OAuth error answered, or `"success"`.
    pub answer: String,
}

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum FaultKind {
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    },
    Hangup,
    Trickle,
}

struct AccessToken {
    exp: u64,
    revoked: bool,
}

struct RefreshToken {
    client_id: String,
    live: bool,
}

struct DeviceCode {
    client_id: String,
    steps: VecDeque<DeviceStep>,
    redeemed: bool,
}

/// Who a token is for.
enum Principal<'a> {
    User { client_id: &'a str },
    App { client_id: &'a str },
}

struct State {
    config: FakePowerPlatformConfig,
    access: HashMap<String, AccessToken>,
    refresh: HashMap<String, RefreshToken>,
    device: HashMap<String, DeviceCode>,
    device_requests: Vec<DeviceCodeRequest>,
    device_polls: Vec<DevicePoll>,
    /// Successful API calls still allowed before every access token is revoked.
    expire_after: Option<u64>,
    faults: Vec<(String, FaultKind)>,
    requests: Vec<Recorded>,
    counter: u64,
    user_codes: u64,
    rng: u64,
    /// `validateApiSwagger` with certification rules: extra lines after the computed ones.
    certification_messages: Vec<String>,
    /// Containers `generateResourceStorage` handed out, and their environment.
    containers: HashMap<String, String>,
    /// Blobs uploaded: (container, name) → (bytes, x-ms-blob-content-type).
    blobs: HashMap<(String, String), (Vec<u8>, Option<String>)>,
    /// The OAuth client secret each connector holds (write-only: never in an answer).
    secrets: HashMap<String, String>,
}

impl State {
    fn next(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    /// xorshift64*: random-ish, never repeating within a run.
    fn random_hex(&mut self) -> String {
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        format!("{:016x}", x.wrapping_mul(0x2545_f491_4f6c_dd1d))
    }

    fn guid(&mut self) -> String {
        let h = self.random_hex();
        let n = self.next();
        format!("{}-{}-4{}-8{}-{n:012x}", &h[..8], &h[8..12], &h[12..15], &h[..3])
    }

    fn environment(&self, name: &str) -> Option<&FakeEnvironment> {
        self.config.environments.iter().find(|e| e.name.eq_ignore_ascii_case(name))
    }

    fn default_environment(&self) -> Option<&FakeEnvironment> {
        self.config.environments.iter().find(|e| e.is_default)
    }

    fn connector(&self, env: &str, id: &str) -> Option<&FakeConnector> {
        self.config
            .connectors
            .iter()
            .find(|c| c.environment.eq_ignore_ascii_case(env) && c.id.eq_ignore_ascii_case(id))
    }

    fn jwt(&mut self, principal: &Principal<'_>, exp: u64) -> String {
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let n = self.next();
        let now = now_epoch();
        let tid = self.config.tenant_id.clone();
        let header = json!({"typ": "JWT", "alg": "RS256", "kid": "fake-key"});
        let mut payload = json!({
            "aud": "https://service.powerapps.com/",
            "iss": format!("https://sts.windows.net/{tid}/"),
            "iat": now,
            "nbf": now,
            "exp": exp,
            "tid": tid,
        });
        let m = payload.as_object_mut().expect("object");
        match principal {
            Principal::User { client_id } => {
                m.insert("oid".into(), json!(USER_OID));
                m.insert("upn".into(), json!(self.config.user_upn));
                m.insert("unique_name".into(), json!(self.config.user_upn));
                m.insert("name".into(), json!("Maker (fake)"));
                m.insert("appid".into(), json!(client_id));
                m.insert("scp".into(), json!("User"));
            }
            Principal::App { client_id } => {
                m.insert("oid".into(), json!(format!("00000000-0000-4000-8000-{n:012x}")));
                m.insert("appid".into(), json!(client_id));
                m.insert("roles".into(), json!([]));
            }
        }
        m.insert("uti".into(), json!(format!("fake-{n}")));
        format!(
            "{}.{}.{}",
            b64.encode(header.to_string()),
            b64.encode(payload.to_string()),
            b64.encode(format!("fake-signature-{n}-{}", self.random_hex()))
        )
    }

    fn mint_access(&mut self, principal: &Principal<'_>) -> String {
        let exp = now_epoch() + self.config.token_lifetime_secs;
        let token = self.jwt(principal, exp);
        self.access.insert(token.clone(), AccessToken { exp, revoked: false });
        token
    }

    fn mint_refresh(&mut self, client_id: &str) -> String {
        let token = format!("rt-{}", self.next());
        self.refresh.insert(
            token.clone(),
            RefreshToken {
                client_id: client_id.to_string(),
                live: true,
            },
        );
        token
    }

    fn user_tokens(&mut self, client_id: &str) -> Value {
        let access = self.mint_access(&Principal::User { client_id });
        let refresh = self.mint_refresh(client_id);
        let lifetime = self.config.token_lifetime_secs;
        json!({
            "token_type": "Bearer",
            "scope": TOKEN_SCOPE,
            "expires_in": lifetime,
            "ext_expires_in": lifetime,
            "access_token": access,
            "refresh_token": refresh
        })
    }

    fn revoke_access_tokens(&mut self) {
        for t in self.access.values_mut() {
            t.revoked = true;
        }
    }

    fn take_fault(&mut self, method: &str, path: &str) -> Option<FaultKind> {
        let key = route_key(&format!("{method} {path}"));
        let i = self.faults.iter().position(|(pattern, _)| route_matches(pattern, &key))?;
        Some(self.faults.remove(i).1)
    }
}

struct Shared {
    url: String,
    state: Mutex<State>,
    stopping: AtomicBool,
    connections: Mutex<HashMap<u64, TcpStream>>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------

/// The running fake. Dropping it stops the server and closes its connections.
pub struct FakePowerPlatform {
    url: String,
    addr: SocketAddr,
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl FakePowerPlatform {
    /// Bind `127.0.0.1:0` and serve on background threads.
    pub fn start(config: FakePowerPlatformConfig) -> FakePowerPlatform {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind fake Power Platform");
        let addr = listener.local_addr().expect("fake Power Platform address");
        let url = format!("http://{addr}");
        let seed = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64) | 1;
        let state = State {
            expire_after: config.expire_access_tokens_after_api_calls,
            config,
            access: HashMap::new(),
            refresh: HashMap::new(),
            device: HashMap::new(),
            device_requests: Vec::new(),
            device_polls: Vec::new(),
            faults: Vec::new(),
            requests: Vec::new(),
            counter: 0,
            user_codes: 0,
            rng: seed,
            certification_messages: Vec::new(),
            containers: HashMap::new(),
            blobs: HashMap::new(),
            secrets: HashMap::new(),
        };
        let shared = Arc::new(Shared {
            url: url.clone(),
            state: Mutex::new(state),
            stopping: AtomicBool::new(false),
            connections: Mutex::new(HashMap::new()),
        });
        let thread = {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name("fake-powerplatform".into())
                .spawn(move || accept_loop(listener, shared))
                .expect("spawn fake Power Platform thread")
        };
        FakePowerPlatform {
            url,
            addr,
            shared,
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:PORT`, no trailing slash: the authority, the Power Apps base URL, the
    /// Flow base URL and the storage host.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The signed URL the fake hands out for a connector file (`original.swagger.json`,
    /// `modified.swagger.json`, `icon.png`, `script.csx`).
    pub fn storage_url(&self, environment: &str, id: &str, file: &str) -> String {
        storage_url(&self.url, environment, id, file)
    }

    // --- content ---------------------------------------------------------------------------

    pub fn add_environment(&self, environment: FakeEnvironment) {
        self.shared.lock().config.environments.push(environment);
    }

    /// Add a connector, replacing one with the same environment and id.
    pub fn add_connector(&self, connector: FakeConnector) {
        let mut st = self.shared.lock();
        st.config
            .connectors
            .retain(|c| !(c.environment.eq_ignore_ascii_case(&connector.environment) && c.id.eq_ignore_ascii_case(&connector.id)));
        st.config.connectors.push(connector);
    }

    /// The connector as the fake holds it now (after a create or update).
    pub fn connector(&self, environment: &str, id: &str) -> Option<FakeConnector> {
        self.shared.lock().connector(environment, id).cloned()
    }

    /// Every connector of an environment, in creation order.
    pub fn connectors_in(&self, environment: &str) -> Vec<FakeConnector> {
        let st = self.shared.lock();
        st.config
            .connectors
            .iter()
            .filter(|c| c.environment.eq_ignore_ascii_case(environment))
            .cloned()
            .collect()
    }

    /// The OAuth client secret the service holds for a connector (sent on create or update).
    pub fn client_secret(&self, id: &str) -> Option<String> {
        self.shared.lock().secrets.get(&id.to_ascii_lowercase()).cloned()
    }

    /// Lines `validateApiSwagger` adds, with certification rules on, after what it finds itself.
    pub fn set_certification_messages(&self, lines: &[&str]) {
        self.shared.lock().certification_messages = lines.iter().map(|l| l.to_string()).collect();
    }

    pub fn remove_connector(&self, environment: &str, id: &str) {
        self.shared
            .lock()
            .config
            .connectors
            .retain(|c| !(c.environment.eq_ignore_ascii_case(environment) && c.id.eq_ignore_ascii_case(id)));
    }

    // --- identity --------------------------------------------------------------------------

    /// Steps for device codes issued from now on.
    pub fn set_device_steps(&self, steps: &[DeviceStep]) {
        self.shared.lock().config.device_steps = steps.to_vec();
    }

    pub fn set_refresh_allowed(&self, allowed: bool) {
        self.shared.lock().config.refresh_allowed = allowed;
    }

    pub fn set_service_principal(&self, principal: Option<(&str, &str)>) {
        self.shared.lock().config.service_principal = principal.map(|(id, secret)| (id.to_string(), secret.to_string()));
    }

    /// `expires_in` of tokens issued from now on.
    pub fn set_token_lifetime_secs(&self, secs: u64) {
        self.shared.lock().config.token_lifetime_secs = secs;
    }

    pub fn set_page_size(&self, page_size: Option<usize>) {
        self.shared.lock().config.page_size = page_size;
    }

    /// A valid user access token, without any sign-in (for tests of the API client alone).
    pub fn issue_access_token(&self) -> String {
        self.shared.lock().mint_access(&Principal::User { client_id: "fake-client" })
    }

    /// connector-publish's token cache at `path`, holding a fresh access token from this fake
    /// (valid for an hour, no refresh token), as if `login` had run; returns the token.
    pub fn write_token_cache(&self, path: &std::path::Path) -> String {
        use connector_publish::powerplatform::auth;
        let token = self.issue_access_token();
        let cached = auth::CachedToken {
            authority: self.url(),
            tenant: "organizations".into(),
            client_id: "fake-client".into(),
            grant: auth::Grant::DeviceCode,
            token_type: "Bearer".into(),
            access_token: token.clone(),
            refresh_token: None,
            expires_on: auth::now() + 3600,
            account: None,
        };
        auth::save(path, &cached).unwrap();
        token
    }

    /// A live refresh token for `client_id`, as if a sign-in had happened earlier (a token cache).
    pub fn issue_refresh_token(&self, client_id: &str) -> String {
        self.shared.lock().mint_refresh(client_id)
    }

    /// Every access token issued so far stops working (401 `ExpiredAuthenticationToken`);
    /// refresh tokens keep working, and tokens issued later work.
    pub fn expire_access_tokens(&self) {
        self.shared.lock().revoke_access_tokens();
    }

    /// After `n` more successful Power Apps/Flow calls (storage and identity do not count),
    /// every access token issued until then stops working. Once.
    pub fn expire_access_tokens_after_api_calls(&self, n: u64) {
        let mut st = self.shared.lock();
        if n == 0 {
            st.revoke_access_tokens();
            st.expire_after = None;
        } else {
            st.expire_after = Some(n);
        }
    }

    /// Every refresh token issued so far stops working (`invalid_grant`).
    pub fn revoke_refresh_tokens(&self) {
        for t in self.shared.lock().refresh.values_mut() {
            t.live = false;
        }
    }

    /// Whether `token` is an access token the API routes accept right now.
    pub fn access_token_valid(&self, token: &str) -> bool {
        let st = self.shared.lock();
        st.access.get(token).is_some_and(|t| !t.revoked && t.exp > now_epoch())
    }

    /// Whether `token` is a refresh token the token endpoint accepts right now.
    pub fn refresh_token_live(&self, token: &str) -> bool {
        self.shared.lock().refresh.get(token).is_some_and(|t| t.live)
    }

    pub fn device_code_requests(&self) -> Vec<DeviceCodeRequest> {
        self.shared.lock().device_requests.clone()
    }

    /// Device code polls in order, with the instant each arrived (to check the client waited).
    pub fn device_polls(&self) -> Vec<DevicePoll> {
        self.shared.lock().device_polls.clone()
    }

    // --- faults ----------------------------------------------------------------------------

    /// Queue `status` with `body` for the next request on `route` ("METHOD /path", `"*"`, or a
    /// prefix ending in `*`). The content type follows the body: JSON, XML or plain text.
    pub fn push_fault(&self, route: &str, status: u16, body: &str) {
        self.push_fault_with_headers(route, status, &[], body);
    }

    /// [`Self::push_fault`] with extra response headers (e.g. `Retry-After`).
    pub fn push_fault_with_headers(&self, route: &str, status: u16, headers: &[(&str, &str)], body: &str) {
        let kind = FaultKind::Respond {
            status,
            headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            body: body.to_string(),
        };
        self.shared.lock().faults.push((route_key(route), kind));
    }

    /// Queue a hang-up: the next request on `route` is read in full, then the connection is
    /// closed without a byte of answer.
    pub fn push_hangup(&self, route: &str) {
        self.shared.lock().faults.push((route_key(route), FaultKind::Hangup));
    }

    /// Queue a trickle: the next request on `route` is answered `200` with a 1 MiB
    /// `Content-Length`, then one body byte every 50 ms until the client hangs up (a link that
    /// keeps moving, too slowly to ever finish).
    pub fn push_trickle(&self, route: &str) {
        self.shared.lock().faults.push((route_key(route), FaultKind::Trickle));
    }

    /// Faults queued and not yet served.
    pub fn pending_faults(&self) -> usize {
        self.shared.lock().faults.len()
    }

    // --- recording -------------------------------------------------------------------------

    /// Every request so far, in the order answered.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.lock().requests.clone()
    }

    /// Requests whose path starts with `path_prefix` (ASCII case-insensitive).
    pub fn requests_to(&self, path_prefix: &str) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| starts_with_ignore_case(&r.path, path_prefix))
            .collect()
    }

    /// How many requests with `method` had a path starting with `path_prefix` (both ASCII
    /// case-insensitive).
    pub fn count(&self, method: &str, path_prefix: &str) -> usize {
        self.shared
            .lock()
            .requests
            .iter()
            .filter(|r| r.method.eq_ignore_ascii_case(method) && starts_with_ignore_case(&r.path, path_prefix))
            .count()
    }

    /// Requests whose body contains `needle` (e.g. a client secret: only token requests may).
    pub fn request_bodies_contain(&self, needle: &str) -> Vec<Recorded> {
        self.requests().into_iter().filter(|r| r.body.contains(needle)).collect()
    }

    /// Requests whose path, query, headers or body contain `needle`.
    pub fn requests_containing(&self, needle: &str) -> Vec<Recorded> {
        self.requests().into_iter().filter(|r| r.contains(needle)).collect()
    }

    /// Storage requests that carried an `Authorization` header (the client must send none).
    pub fn storage_requests_with_authorization(&self) -> Vec<Recorded> {
        self.requests_to("/storage/")
            .into_iter()
            .filter(|r| r.authorization().is_some())
            .collect()
    }

    /// Requests no route of the fake matched.
    pub fn unhandled(&self) -> Vec<Recorded> {
        self.requests().into_iter().filter(|r| !r.handled).collect()
    }

    pub fn clear_requests(&self) {
        let mut st = self.shared.lock();
        st.requests.clear();
        st.device_polls.clear();
        st.device_requests.clear();
    }
}

impl Drop for FakePowerPlatform {
    fn drop(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        let connections = std::mem::take(&mut *self.shared.connections.lock().unwrap_or_else(|e| e.into_inner()));
        for (_, stream) in connections {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// HTTP/1.1 over std::net
// ---------------------------------------------------------------------------------------------

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let mut next_id: u64 = 0;
    for stream in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        next_id += 1;
        let id = next_id;
        if let Ok(clone) = stream.try_clone() {
            shared.connections.lock().unwrap_or_else(|e| e.into_inner()).insert(id, clone);
        }
        let shared = Arc::clone(&shared);
        std::thread::spawn(move || {
            let _ = serve_connection(&shared, stream);
            shared.connections.lock().unwrap_or_else(|e| e.into_inner()).remove(&id);
        });
    }
}

struct RawRequest {
    method: String,
    target: String,
    version: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl RawRequest {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    fn wants_close(&self) -> bool {
        match self.header("connection").map(str::to_ascii_lowercase) {
            Some(v) if v.contains("close") => true,
            Some(v) if v.contains("keep-alive") => false,
            _ => self.version.eq_ignore_ascii_case("HTTP/1.0"),
        }
    }
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    handled: bool,
}

enum Outcome {
    Reply(Reply),
    Hangup,
    Trickle,
}

fn serve_connection(shared: &Shared, stream: TcpStream) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(120)))?;
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    while let Some(raw) = read_request(&mut reader, &mut writer)? {
        let close = raw.wants_close();
        match dispatch(shared, &raw) {
            Outcome::Hangup => {
                let _ = writer.shutdown(Shutdown::Both);
                return Ok(());
            }
            Outcome::Trickle => {
                writer.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 1048576\r\n\r\n")?;
                for _ in 0..(1 << 20) {
                    if writer.write_all(b"x").is_err() {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
                let _ = writer.shutdown(Shutdown::Both);
                return Ok(());
            }
            Outcome::Reply(reply) => {
                write_reply(&mut writer, &reply, raw.method == "HEAD", close)?;
                if close {
                    let _ = writer.shutdown(Shutdown::Write);
                    return Ok(());
                }
            }
        }
    }
    Ok(())
}

fn read_line(reader: &mut BufReader<TcpStream>) -> io::Result<Option<String>> {
    let mut buf = Vec::new();
    if reader.read_until(b'\n', &mut buf)? == 0 {
        return Ok(None);
    }
    Ok(Some(String::from_utf8_lossy(&buf).trim_end_matches(['\r', '\n']).to_string()))
}

fn read_request(reader: &mut BufReader<TcpStream>, writer: &mut TcpStream) -> io::Result<Option<RawRequest>> {
    let line = loop {
        match read_line(reader)? {
            None => return Ok(None),
            Some(l) if l.trim().is_empty() => continue,
            Some(l) => break l,
        }
    };
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "bad request line"));
    };
    let version = parts.next().unwrap_or("HTTP/1.0").to_string();
    let mut headers = Vec::new();
    loop {
        let Some(h) = read_line(reader)? else {
            return Ok(None);
        };
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let mut request = RawRequest {
        method: method.to_ascii_uppercase(),
        target: target.to_string(),
        version,
        headers,
        body: Vec::new(),
    };
    if request.header("expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue")) {
        writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        writer.flush()?;
    }
    let chunked = request
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    if chunked {
        loop {
            let size_line = read_line(reader)?.unwrap_or_default();
            let size = usize::from_str_radix(size_line.split(';').next().unwrap_or("").trim(), 16)
                .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "bad chunk size"))?;
            if size == 0 {
                // Trailers, up to the blank line.
                while read_line(reader)?.is_some_and(|l| !l.is_empty()) {}
                break;
            }
            let start = request.body.len();
            request.body.resize(start + size, 0);
            reader.read_exact(&mut request.body[start..])?;
            read_line(reader)?;
        }
    } else if let Some(len) = request.header("content-length").and_then(|v| v.parse::<usize>().ok()) {
        request.body.resize(len, 0);
        reader.read_exact(&mut request.body)?;
    }
    Ok(Some(request))
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown",
    }
}

fn write_reply(w: &mut TcpStream, reply: &Reply, head_only: bool, close: bool) -> io::Result<()> {
    let mut out = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (k, v) in &reply.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str(&format!("Content-Length: {}\r\n", reply.body.len()));
    out.push_str(if close {
        "Connection: close\r\n"
    } else {
        "Connection: keep-alive\r\n"
    });
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    if !head_only {
        bytes.extend_from_slice(&reply.body);
    }
    w.write_all(&bytes)?;
    w.flush()
}

// ---------------------------------------------------------------------------------------------
// Request handling
// ---------------------------------------------------------------------------------------------

/// A parsed request as the route handlers see it.
struct Incoming {
    method: String,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: String,
    body_bytes: Vec<u8>,
}

impl Incoming {
    fn param(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

impl Reply {
    fn new(status: u16, content_type: &str, body: Vec<u8>) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body,
            handled: true,
        }
    }

    fn json(status: u16, body: &Value) -> Reply {
        Reply::new(
            status,
            "application/json; charset=utf-8",
            serde_json::to_vec(body).expect("serialize reply"),
        )
    }

    fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }
}

fn dispatch(shared: &Shared, raw: &RawRequest) -> Outcome {
    let at = Instant::now();
    let (path, query) = raw.target.split_once('?').unwrap_or((raw.target.as_str(), ""));
    // An absolute-form target (`http://host/path`) is reduced to its path.
    let path = match path.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => path,
    };
    let path = percent_decode(path);
    let path = if path.len() > 1 {
        path.trim_end_matches('/').to_string()
    } else {
        path
    };
    let incoming = Incoming {
        method: raw.method.clone(),
        path,
        query: parse_form(query),
        headers: raw.headers.clone(),
        body: String::from_utf8_lossy(&raw.body).into_owned(),
        body_bytes: raw.body.clone(),
    };

    let fault = shared.lock().take_fault(&incoming.method, &incoming.path);
    let (outcome, injected) = match fault {
        Some(FaultKind::Hangup) => (Outcome::Hangup, true),
        Some(FaultKind::Trickle) => (Outcome::Trickle, true),
        Some(FaultKind::Respond { status, headers, body }) => {
            let content_type = if serde_json::from_str::<Value>(&body).is_ok() {
                "application/json; charset=utf-8"
            } else if body.trim_start().starts_with('<') {
                "application/xml"
            } else {
                "text/plain; charset=utf-8"
            };
            let mut reply = Reply::new(status, content_type, body.into_bytes());
            for (k, v) in headers {
                reply.headers.retain(|(ok, _)| !ok.eq_ignore_ascii_case(&k));
                reply.headers.push((k, v));
            }
            (Outcome::Reply(reply), true)
        }
        None => (Outcome::Reply(route(shared, &incoming, at)), false),
    };

    let (status, handled) = match &outcome {
        Outcome::Reply(r) => (r.status, r.handled),
        Outcome::Hangup => (0, true),
        Outcome::Trickle => (200, true),
    };
    shared.lock().requests.push(Recorded {
        method: incoming.method,
        path: incoming.path,
        query: query.to_string(),
        headers: incoming.headers,
        body: incoming.body,
        body_bytes: raw.body.clone(),
        status,
        handled,
        injected,
        at,
    });
    outcome
}

fn route(shared: &Shared, req: &Incoming, at: Instant) -> Reply {
    let segs: Vec<&str> = req.path.trim_start_matches('/').split('/').collect();
    let lower: Vec<String> = segs.iter().map(|s| s.to_ascii_lowercase()).collect();
    let lower: Vec<&str> = lower.iter().map(String::as_str).collect();
    match (req.method.as_str(), lower.as_slice()) {
        ("POST", [_, "oauth2", "v2.0", "devicecode"]) => device_code(shared, req, segs[0], at),
        ("POST", [_, "oauth2", "v2.0", "token"]) => token(shared, req, at),
        ("GET", ["providers", "microsoft.processsimple", "environments"]) => api_call(shared, req, list_environments),
        ("GET", ["providers", "microsoft.powerapps", "apis"]) => api_call(shared, req, |st| list_apis(shared, st, req)),
        ("GET", ["providers", "microsoft.powerapps", "apis", _]) => api_call(shared, req, |st| get_api(shared, st, req, segs[3])),
        ("GET" | "HEAD", ["storage", _, _, _]) => storage(shared, req, segs[1], segs[2], segs[3]),
        ("POST", ["providers", "microsoft.powerapps", "objectids", _, "validateapiswagger"]) => {
            api_call(shared, req, |st| validate_api_swagger(st, req, segs[3]))
        }
        ("POST", ["providers", "microsoft.powerapps", "objectids", _, "generateresourcestorage"]) => {
            api_call(shared, req, |st| generate_resource_storage(shared, st, req, segs[3]))
        }
        ("POST", ["providers", "microsoft.powerapps", "apis"]) => api_call(shared, req, |st| upsert_api(shared, st, req, None)),
        ("PATCH", ["providers", "microsoft.powerapps", "apis", _]) => {
            api_call(shared, req, |st| upsert_api(shared, st, req, Some(segs[3])))
        }
        ("PUT", ["blobstore", _, _]) => put_blob(shared, req, segs[1], segs[2]),
        ("GET" | "HEAD", ["blobstore", _, _]) => get_blob(shared, req, segs[1], segs[2]),
        _ => {
            let mut reply = Reply::json(
                404,
                &json!({"error": {"code": "NotFound", "message": format!("The fake has no route for '{} {}'.", req.method, req.path)}}),
            );
            reply.handled = false;
            reply
        }
    }
}

// --- identity ----------------------------------------------------------------------------------

fn aad_error(st: &mut State, status: u16, error: &str, code: u32, description: &str) -> Reply {
    let trace = st.guid();
    let correlation = st.guid();
    Reply::json(
        status,
        &json!({
            "error": error,
            "error_description": format!(
                "AADSTS{code}: {description}\r\nTrace ID: {trace}\r\nCorrelation ID: {correlation}\r\nTimestamp: {AAD_TIMESTAMP}"
            ),
            "error_codes": [code],
            "timestamp": AAD_TIMESTAMP,
            "trace_id": trace,
            "correlation_id": correlation,
            "error_uri": format!("https://login.microsoftonline.com/error?code={code}")
        }),
    )
    .header("Cache-Control", "no-store, no-cache")
}

fn missing_parameter(st: &mut State, name: &str) -> Reply {
    aad_error(
        st,
        400,
        "invalid_request",
        900144,
        &format!("The request body must contain the following parameter: '{name}'."),
    )
}

fn identity_ok(body: &Value) -> Reply {
    Reply::json(200, body).header("Cache-Control", "no-store, no-cache")
}

fn device_code(shared: &Shared, req: &Incoming, tenant: &str, at: Instant) -> Reply {
    let form = parse_form(&req.body);
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let mut st = shared.lock();
    let Some(client_id) = field("client_id") else {
        return missing_parameter(&mut st, "client_id");
    };
    let Some(scope) = field("scope") else {
        return missing_parameter(&mut st, "scope");
    };
    let n = st.next();
    let user_code = user_code(st.user_codes);
    st.user_codes += 1;
    let device_code = format!("dc-{n}-{}{}", st.random_hex(), st.random_hex());
    let steps = st.config.device_steps.iter().copied().collect();
    st.device.insert(
        device_code.clone(),
        DeviceCode {
            client_id: client_id.clone(),
            steps,
            redeemed: false,
        },
    );
    st.device_requests.push(DeviceCodeRequest {
        tenant: tenant.to_string(),
        client_id,
        scope,
        user_code: user_code.clone(),
        device_code: device_code.clone(),
        at,
    });
    let interval = st.config.interval_secs;
    identity_ok(&json!({
        "user_code": user_code,
        "device_code": device_code,
        "verification_uri": VERIFICATION_URI,
        "expires_in": 900,
        "interval": interval,
        "message": format!("To sign in, use a web browser to open the page {VERIFICATION_URI} and enter the code {user_code} to authenticate.")
    }))
}

/// `ABCD-EFGH`, then `ABCD-EFGI`, ...: eight letters counting up in base 26.
fn user_code(index: u64) -> String {
    let mut value: u64 = "ABCDEFGH".bytes().fold(0, |acc, b| acc * 26 + u64::from(b - b'A')) + index;
    let mut letters = [b'A'; 8];
    for slot in letters.iter_mut().rev() {
        *slot = b'A' + (value % 26) as u8;
        value /= 26;
    }
    let s = String::from_utf8_lossy(&letters).into_owned();
    format!("{}-{}", &s[..4], &s[4..])
}

fn token(shared: &Shared, req: &Incoming, at: Instant) -> Reply {
    let form = parse_form(&req.body);
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let mut st = shared.lock();
    let Some(grant) = field("grant_type") else {
        return missing_parameter(&mut st, "grant_type");
    };
    // client_secret_basic: `Authorization: Basic base64(id:secret)`.
    let basic = req
        .header("authorization")
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"))
        .and_then(|(_, b)| base64::engine::general_purpose::STANDARD.decode(b.trim()).ok())
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.split_once(':').map(|(i, p)| (percent_decode(i), percent_decode(p))));
    let Some(client_id) = field("client_id").or_else(|| basic.as_ref().map(|(i, _)| i.clone())) else {
        return missing_parameter(&mut st, "client_id");
    };
    match grant.as_str() {
        DEVICE_CODE_GRANT => {
            let Some(code) = field("device_code") else {
                return missing_parameter(&mut st, "device_code");
            };
            let (reply, answer) = device_poll(&mut st, &code, &client_id);
            st.device_polls.push(DevicePoll {
                device_code: code,
                at,
                answer,
            });
            reply
        }
        "refresh_token" => {
            let Some(rt) = field("refresh_token") else {
                return missing_parameter(&mut st, "refresh_token");
            };
            let allowed = st.config.refresh_allowed;
            match st.refresh.get_mut(&rt) {
                Some(t) if allowed && t.live && t.client_id == client_id => {
                    t.live = false;
                    let body = st.user_tokens(&client_id);
                    identity_ok(&body)
                }
                Some(t) if allowed && t.live => aad_error(
                    &mut st,
                    400,
                    "invalid_grant",
                    70000,
                    "Provided grant is invalid or malformed. The refresh token was issued to a different client.",
                ),
                _ => aad_error(
                    &mut st,
                    400,
                    "invalid_grant",
                    700082,
                    "The refresh token has expired due to inactivity. The token was issued on 2024-01-01T00:00:00.0000000Z and was inactive for 90.00:00:00.",
                ),
            }
        }
        "client_credentials" => {
            let secret = field("client_secret").or_else(|| basic.map(|(_, p)| p));
            let ok = matches!(
                (&st.config.service_principal, &secret),
                (Some((id, expected)), Some(given)) if *id == client_id && expected == given
            );
            if !ok {
                let description = format!(
                    "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{client_id}'."
                );
                return aad_error(&mut st, 401, "invalid_client", 7000215, &description);
            }
            let access = st.mint_access(&Principal::App { client_id: &client_id });
            let lifetime = st.config.token_lifetime_secs;
            identity_ok(&json!({
                "token_type": "Bearer",
                "expires_in": lifetime,
                "ext_expires_in": lifetime,
                "access_token": access
            }))
        }
        other => {
            let description = format!("The app requested an unsupported grant type '{other}'.");
            aad_error(&mut st, 400, "unsupported_grant_type", 70003, &description)
        }
    }
}

fn device_poll(st: &mut State, code: &str, client_id: &str) -> (Reply, String) {
    let step = match st.device.get_mut(code) {
        Some(dc) if dc.client_id == client_id && !dc.redeemed => match dc.steps.pop_front() {
            Some(step) => Some(step),
            None => {
                dc.redeemed = true;
                None
            }
        },
        _ => Some(DeviceStep::BadCode),
    };
    match step {
        Some(step) => {
            let (code, description) = step.aadsts();
            (aad_error(st, 400, step.error(), code, description), step.error().to_string())
        }
        None => {
            let body = st.user_tokens(client_id);
            (identity_ok(&body), "success".to_string())
        }
    }
}

// --- Power Apps / Flow -------------------------------------------------------------------------

fn arm_error(status: u16, code: &str, message: &str) -> Reply {
    Reply::json(status, &json!({"error": {"code": code, "message": message}}))
}

/// Checks the bearer token and the API version, runs `handler`, and counts a success towards
/// [`FakePowerPlatform::expire_access_tokens_after_api_calls`].
fn api_call(shared: &Shared, req: &Incoming, handler: impl FnOnce(&mut State) -> Reply) -> Reply {
    let mut st = shared.lock();
    let Some(authorization) = req.header("authorization") else {
        return arm_error(
            401,
            "AuthenticationFailed",
            "Authentication failed. The 'Authorization' header is missing.",
        )
        .header(
            "WWW-Authenticate",
            "Bearer authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\"",
        );
    };
    let now = now_epoch();
    let token = authorization
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim());
    let valid = match token.and_then(|t| st.access.get(t)) {
        Some(t) if !t.revoked && t.exp > now => true,
        Some(t) if !t.revoked => {
            return expired(t.exp, now);
        }
        _ => false,
    };
    if !valid {
        return expired(now.saturating_sub(60), now);
    }
    match req.param("api-version") {
        Some(API_VERSION) => {}
        Some(other) => {
            return arm_error(
                400,
                "InvalidApiVersionParameter",
                &format!("The api-version '{other}' is invalid. The supported versions are '{API_VERSION}'."),
            );
        }
        None => {
            return arm_error(
                400,
                "InvalidApiVersionParameter",
                "The api-version query parameter (?api-version=) is required for all requests.",
            );
        }
    }
    let reply = handler(&mut st);
    if (200..300).contains(&reply.status) {
        if let Some(left) = st.expire_after {
            if left <= 1 {
                st.expire_after = None;
                st.revoke_access_tokens();
            } else {
                st.expire_after = Some(left - 1);
            }
        }
    }
    let request_id = st.guid();
    reply
        .header("x-ms-request-id", &request_id)
        .header("x-ms-correlation-request-id", &request_id)
}

fn expired(exp: u64, now: u64) -> Reply {
    arm_error(
        401,
        "ExpiredAuthenticationToken",
        &format!(
            "The access token expiry UTC time '{}' is earlier than current UTC time '{}'.",
            us_time(exp),
            us_time(now)
        ),
    )
    .header(
        "WWW-Authenticate",
        "Bearer authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", error=\"invalid_token\"",
    )
}

fn environment_json(env: &FakeEnvironment) -> Value {
    json!({
        "name": env.name,
        "location": "unitedstates",
        "type": "Microsoft.ProcessSimple/environments",
        "id": format!("/providers/Microsoft.ProcessSimple/environments/{}", env.name),
        "properties": {
            "displayName": env.display_name,
            "createdTime": FIXED_TIME,
            "createdBy": {"id": "SYSTEM", "displayName": "SYSTEM", "type": "NotSpecified"},
            "isDefault": env.is_default,
            "environmentSku": if env.is_default { "Default" } else { "Production" },
            "provisioningState": "Succeeded",
            "azureRegionHint": "westus",
            "creationType": if env.is_default { "DefaultTenant" } else { "User" },
            "runtimeEndpoints": {
                "microsoft.BusinessAppPlatform": "https://unitedstates.api.bap.microsoft.com",
                "microsoft.PowerApps": "https://unitedstates.api.powerapps.com",
                "microsoft.Flow": "https://unitedstates.api.flow.microsoft.com"
            }
        }
    })
}

fn list_environments(st: &mut State) -> Reply {
    let value: Vec<Value> = st.config.environments.iter().map(environment_json).collect();
    Reply::json(200, &json!({ "value": value }))
}

/// The environment named by `$filter=environment eq '<name>'`; without a filter, the default one.
fn filtered_environment(st: &State, req: &Incoming) -> Result<FakeEnvironment, Reply> {
    let Some(filter) = req.param("$filter") else {
        return st
            .default_environment()
            .cloned()
            .ok_or_else(|| arm_error(404, "EnvironmentNotFound", "There is no default environment."));
    };
    let name = parse_environment_filter(filter).ok_or_else(|| {
        arm_error(
            400,
            "InvalidFilter",
            &format!("The filter '{filter}' is not supported. Use environment eq '<environment name>'."),
        )
    })?;
    st.environment(&name)
        .cloned()
        .ok_or_else(|| arm_error(404, "EnvironmentNotFound", &format!("The environment '{name}' could not be found.")))
}

fn parse_environment_filter(filter: &str) -> Option<String> {
    let rest = filter.trim();
    let rest = strip_prefix_ignore_case(rest, "environment")?.trim_start();
    let rest = strip_prefix_ignore_case(rest, "eq")?.trim();
    let name = rest.strip_prefix('\'')?.strip_suffix('\'')?;
    (!name.is_empty() && !name.contains('\'')).then(|| name.to_string())
}

fn builtin_json(env: &str, id: &str, display: &str, description: &str) -> Value {
    json!({
        "name": id,
        "id": format!("/providers/Microsoft.PowerApps/apis/{id}"),
        "type": "Microsoft.PowerApps/apis",
        "properties": {
            "displayName": display,
            "iconUri": format!("https://connectoricons-prod.azureedge.net/releases/v1.0.1700/1.0.1700.3900/{}/icon.png", id.trim_start_matches("shared_")),
            "iconBrandColor": "#0078D4",
            "isCustomApi": false,
            "description": description,
            "publisher": "Microsoft",
            "tier": "Standard",
            "apiEnvironment": "Shared",
            "createdTime": FIXED_TIME,
            "changedTime": FIXED_TIME,
            "environment": {"id": format!("/providers/Microsoft.PowerApps/environments/{env}"), "name": env}
        }
    })
}

fn list_item(base: &str, c: &FakeConnector) -> Value {
    let mut props = Map::new();
    props.insert("displayName".into(), json!(c.display_name()));
    if let Some(icon) = icon_uri(base, c) {
        props.insert("iconUri".into(), json!(icon));
    }
    if let Some(color) = c.properties.get("iconBrandColor") {
        props.insert("iconBrandColor".into(), color.clone());
    }
    props.insert("isCustomApi".into(), json!(true));
    props.insert(
        "description".into(),
        c.properties.get("description").cloned().unwrap_or_else(|| json!("")),
    );
    props.insert("tier".into(), json!("Standard"));
    props.insert("apiEnvironment".into(), json!("Shared"));
    props.insert("createdTime".into(), json!(FIXED_TIME));
    props.insert("changedTime".into(), json!(FIXED_TIME));
    json!({
        "name": c.id,
        "id": format!("/providers/Microsoft.PowerApps/apis/{}", c.id),
        "type": "Microsoft.PowerApps/apis",
        "properties": props
    })
}

fn list_apis(shared: &Shared, st: &mut State, req: &Incoming) -> Reply {
    let env = match filtered_environment(st, req) {
        Ok(env) => env,
        Err(reply) => return reply,
    };
    let mut items = vec![builtin_json(&env.name, BUILTINS[0].0, BUILTINS[0].1, BUILTINS[0].2)];
    items.extend(
        st.config
            .connectors
            .iter()
            .filter(|c| c.environment.eq_ignore_ascii_case(&env.name))
            .map(|c| list_item(&shared.url, c)),
    );
    items.push(builtin_json(&env.name, BUILTINS[1].0, BUILTINS[1].1, BUILTINS[1].2));

    let skip = match req.param("$skiptoken").map(str::parse::<usize>) {
        None => 0,
        Some(Ok(n)) => n,
        Some(Err(_)) => return arm_error(400, "InvalidSkipToken", "The skip token is not valid."),
    };
    let Some(page) = st.config.page_size.filter(|&p| p > 0) else {
        return Reply::json(200, &json!({ "value": items }));
    };
    let end = (skip + page).min(items.len());
    let value: Vec<Value> = items.get(skip..end).map(<[Value]>::to_vec).unwrap_or_default();
    let mut body = json!({ "value": value });
    if end < items.len() {
        let next = format!(
            "{}/providers/Microsoft.PowerApps/apis?api-version={API_VERSION}&$filter=environment%20eq%20%27{}%27&$skiptoken={end}",
            shared.url, env.name
        );
        body["nextLink"] = json!(next);
    }
    Reply::json(200, &body)
}

fn get_api(shared: &Shared, st: &mut State, req: &Incoming, id: &str) -> Reply {
    let env = match filtered_environment(st, req) {
        Ok(env) => env,
        Err(reply) => return reply,
    };
    if let Some((bid, display, description)) = BUILTINS.iter().find(|(b, _, _)| b.eq_ignore_ascii_case(id)) {
        return Reply::json(200, &builtin_json(&env.name, bid, display, description));
    }
    let Some(c) = st.connector(&env.name, id) else {
        return arm_error(404, "ApiResourceNotFound", &format!("Could not find api '{id}'."));
    };
    Reply::json(
        200,
        &connector_json(&shared.url, &env.name, &st.config.tenant_id, &st.config.user_upn, c),
    )
}

fn icon_uri(base: &str, c: &FakeConnector) -> Option<String> {
    if c.icon.is_some() {
        Some(storage_url(base, &c.environment, &c.id, "icon.png"))
    } else {
        c.properties.get("iconUri").and_then(Value::as_str).map(str::to_string)
    }
}

fn connector_json(base: &str, env: &str, tenant: &str, upn: &str, c: &FakeConnector) -> Value {
    let mut props = c.properties.as_object().cloned().unwrap_or_default();
    props.entry("displayName").or_insert_with(|| json!(c.id));
    props.insert("isCustomApi".into(), json!(true));
    if let Some(icon) = icon_uri(base, c) {
        props.insert("iconUri".into(), json!(icon));
    }
    props.insert(
        "apiDefinitions".into(),
        json!({
            "originalSwaggerUrl": storage_url(base, env, &c.id, "original.swagger.json"),
            "modifiedSwaggerUrl": storage_url(base, env, &c.id, "modified.swagger.json")
        }),
    );
    if c.script.is_some() {
        props.insert("scriptDefinitionUrl".into(), json!(storage_url(base, env, &c.id, "script.csx")));
    }
    let who = json!({
        "id": USER_OID,
        "displayName": "Maker (fake)",
        "email": upn,
        "type": "User",
        "tenantId": tenant,
        "userPrincipalName": upn
    });
    let noise = [
        (
            "runtimeUrls",
            json!([format!("https://unitedstates-001.azure-apim.net/apim/{}", runtime_name(&c.id))]),
        ),
        (
            "primaryRuntimeUrl",
            json!(format!("https://unitedstates-001.azure-apim.net/apim/{}", runtime_name(&c.id))),
        ),
        (
            "metadata",
            json!({"source": "powerapps-user-defined", "brandColor": "#007ee5", "allowSharing": false, "useNewApimVersion": "true", "version": {"previous": "none", "current": "2024-01-01T00:00:00.000Z"}}),
        ),
        ("createdBy", who.clone()),
        ("modifiedBy", who),
        ("createdTime", json!(FIXED_TIME)),
        ("changedTime", json!(FIXED_TIME)),
        (
            "environment",
            json!({"id": format!("/providers/Microsoft.PowerApps/environments/{env}"), "name": env}),
        ),
        ("tier", json!("Standard")),
        ("apiEnvironment", json!("Shared")),
        ("almMode", json!("Environment")),
    ];
    for (k, v) in noise {
        props.entry(k).or_insert(v);
    }
    json!({
        "name": c.id,
        "id": format!("/providers/Microsoft.PowerApps/apis/{}", c.id),
        "type": "Microsoft.PowerApps/apis",
        "properties": props
    })
}

/// `shared_contoso-5f...` → `contoso-5f...`, as the runtime URLs name a custom connector.
fn runtime_name(id: &str) -> &str {
    id.strip_prefix("shared_").unwrap_or(id)
}

// --- storage -----------------------------------------------------------------------------------

fn storage_url(base: &str, env: &str, id: &str, file: &str) -> String {
    format!("{base}/storage/{env}/{id}/{file}?sv=2018-03-28&sr=b&sig={STORAGE_SIG}")
}

fn blob_error(status: u16, code: &str, message: &str) -> Reply {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>{code}</Code><Message>{message}\nRequestId:00000000-0000-0000-0000-000000000000\nTime:2024-01-01T00:00:00.0000000Z</Message></Error>"
    );
    Reply::new(status, "application/xml", body.into_bytes()).header("x-ms-error-code", code)
}

fn storage(shared: &Shared, req: &Incoming, env: &str, id: &str, file: &str) -> Reply {
    if req.param("sig") != Some(STORAGE_SIG) {
        return blob_error(
            403,
            "AuthenticationFailed",
            "Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.",
        );
    }
    let st = shared.lock();
    let found = st.connector(env, id).and_then(|c| match file {
        "original.swagger.json" | "modified.swagger.json" => Some((c.swagger.clone(), "application/octet-stream")),
        "icon.png" => c.icon.clone().map(|b| (b, "image/png")),
        "script.csx" => c.script.clone().map(|b| (b, "application/octet-stream")),
        _ => None,
    });
    match found {
        Some((bytes, content_type)) => Reply::new(200, content_type, bytes)
            .header("x-ms-blob-type", "BlockBlob")
            .header("x-ms-version", "2018-03-28")
            .header("ETag", &format!("\"0x{:X}\"", bytes_hash(id, file))),
        None => blob_error(404, "BlobNotFound", "The specified blob does not exist."),
    }
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

fn route_matches(pattern: &str, key: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    match pattern.strip_suffix('*') {
        Some(prefix) => key.starts_with(prefix),
        None => pattern == key,
    }
}

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    starts_with_ignore_case(s, prefix).then(|| &s[prefix.len()..])
}

fn bytes_hash(id: &str, file: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes().chain(file.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn now_epoch() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// `M/D/YYYY h:mm:ss AM`, as the Power Apps 401 messages write times.
fn us_time(epoch: u64) -> String {
    let days = (epoch / 86_400) as i64;
    let secs = epoch % 86_400;
    let (y, m, d) = civil_from_days(days);
    let (h, min, s) = (secs / 3600, (secs / 60) % 60, secs % 60);
    let (h12, ampm) = match h {
        0 => (12, "AM"),
        1..=11 => (h, "AM"),
        12 => (12, "PM"),
        _ => (h - 12, "PM"),
    };
    format!("{m}/{d}/{y} {h12}:{min:02}:{s:02} {ampm}")
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// A connector with everything the download must carry over: a swagger with a BOM and non-ASCII
/// text, a script with CRLF line ends, policy templates, connection parameter sets with OAuth
/// settings (whose output-only fields the tool drops), and a binary icon.
pub fn rich_connector(environment: &str, id: &str) -> FakeConnector {
    let mut swagger = b"\xEF\xBB\xBF".to_vec();
    swagger.extend_from_slice(
        serde_json::to_string(&json!({
            "swagger": "2.0",
            "info": {"title": "Café Crème Orders", "description": "Bestellungen für Cafés — 注文 ☕", "version": "1.0",
                     "contact": {"name": "Zoë", "email": "zoe@example.org", "url": "https://example.org"}},
            "host": "api.cafe-creme.example",
            "basePath": "/v1",
            "schemes": ["https"],
            "paths": {
                "/orders": {"get": {"operationId": "ListOrders", "summary": "List orders", "description": "Lists the café's orders.",
                                     "responses": {"200": {"description": "OK"}}}},
                "/orders/{id}": {"get": {"operationId": "GetOrder", "summary": "Get an order", "description": "One order.",
                                          "parameters": [{"name": "id", "in": "path", "required": true, "type": "integer", "x-ms-summary": "Order ID"}],
                                          "responses": {"200": {"description": "OK"}}}}
            },
            "x-ms-connector-metadata": [{"propertyName": "Website", "propertyValue": "https://example.org"}]
        }))
        .unwrap()
        .as_bytes(),
    );
    let oauth = json!({
        "identityProvider": "oauth2",
        "clientId": "cafe-client",
        "scopes": ["orders.read"],
        "redirectMode": "Global",
        "redirectUrl": "https://global.consent.azure-apim.net/redirect",
        "properties": {"IsFirstParty": "False", "IsOnbehalfofLoginSupported": false},
        "customParameters": {"authorizationUrl": {"value": "https://login.cafe-creme.example/authorize"}}
    });
    FakeConnector::new(environment, id, "Café Crème Orders")
        .properties(json!({
            "displayName": "Café Crème Orders",
            "connectionParameters": {"token": {"type": "oauthSetting", "oAuthSettings": oauth}},
            "connectionParameterSets": {
                "uiDefinition": {"displayName": "Authentication", "description": "Choose how to sign in"},
                "values": [
                    {"name": "oauth", "uiDefinition": {"displayName": "OAuth"}, "parameters": {"token": {"type": "oauthSetting", "oAuthSettings": oauth}}},
                    {"name": "key", "uiDefinition": {"displayName": "API key"}, "parameters": {"api_key": {"type": "securestring", "uiDefinition": {"displayName": "Schlüssel"}}}}
                ]
            },
            "iconBrandColor": "#da3b01",
            "scriptOperations": ["ListOrders"],
            "capabilities": [],
            "policyTemplateInstances": [{"templateId": "setheader", "title": "Set Accept", "parameters": {"x-ms-apimTemplateParameter.name": "Accept", "x-ms-apimTemplateParameter.value": "application/json", "x-ms-apimTemplateParameter.existsAction": "override", "x-ms-apimTemplate-policySection": "Request"}}],
            "publisher": "Zoë Müller",
            "stackOwner": "Café Crème GmbH",
            "description": "output only: dropped"
        }))
        .swagger(swagger)
        .icon(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\xff\xfe".to_vec())
        .script(b"public class Script : ScriptBase\r\n{\r\n    // Caf\xc3\xa9\r\n    public override Task<HttpResponseMessage> ExecuteAsync() => Context.SendAsync(Context.Request, CancellationToken);\r\n}\r\n".to_vec())
}

// --- deployment (paconn create / update / validate) -------------------------------------------

/// The `oid` claim of the request's bearer token.
fn token_oid(req: &Incoming) -> Option<String> {
    let token = req.header("authorization")?.split_once(' ')?.1.trim();
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    claims.get("oid")?.as_str().map(str::to_string)
}

/// The path's object id must be the caller's own.
fn check_oid(req: &Incoming, oid: &str) -> Result<(), Reply> {
    match token_oid(req) {
        Some(own) if own.eq_ignore_ascii_case(oid) => Ok(()),
        _ => Err(arm_error(
            403,
            "AuthorizationFailed",
            &format!("The client does not have authorization to perform action on object id '{oid}'."),
        )),
    }
}

fn json_body(req: &Incoming) -> Result<Value, Reply> {
    serde_json::from_str(&req.body).map_err(|e| {
        arm_error(
            400,
            "InvalidRequestContent",
            &format!("The request content was invalid and could not be deserialized: {e}"),
        )
    })
}

/// What the fake's validator finds in a swagger: a few of the Swagger Validator's real checks,
/// each line naming its error as the validator does.
fn swagger_messages(swagger: &Value) -> Vec<String> {
    let mut lines = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for (path, item) in swagger.get("paths").and_then(Value::as_object).into_iter().flatten() {
        for (method, operation) in item.as_object().into_iter().flatten() {
            if !["get", "put", "post", "delete", "patch", "head", "options"].contains(&method.as_str()) {
                continue;
            }
            match operation.get("operationId").and_then(Value::as_str) {
                None => lines.push(format!(
                    "Error: OperationIdRequired: the operation '{method} {path}' has no operationId."
                )),
                Some(id) if seen.iter().any(|s| s == id) => lines.push(format!(
                    "Error: OperationIdNotUnique: the operationId '{id}' is used more than once."
                )),
                Some(id) => seen.push(id.to_string()),
            }
            for p in operation.get("parameters").and_then(Value::as_array).into_iter().flatten() {
                if p.get("in").and_then(Value::as_str) == Some("path") && p.get("required").and_then(Value::as_bool) != Some(true) {
                    let name = p.get("name").and_then(Value::as_str).unwrap_or("");
                    lines.push(format!(
                        "Error: PathParameterMustBeRequired: the path parameter '{name}' of '{method} {path}' must be required."
                    ));
                }
            }
        }
    }
    lines
}

fn validate_api_swagger(st: &mut State, req: &Incoming, oid: &str) -> Reply {
    if let Err(reply) = check_oid(req, oid) {
        return reply;
    }
    let swagger = match json_body(req) {
        Ok(v) => v,
        Err(reply) => return reply,
    };
    if swagger.get("swagger").and_then(Value::as_str) != Some("2.0") {
        return arm_error(400, "InvalidApiDefinition", "The API definition must be a Swagger 2.0 document.");
    }
    let mut lines = swagger_messages(&swagger);
    if req.param("enableConnectorCertificationRules") == Some("true") {
        lines.extend(st.certification_messages.iter().cloned());
    }
    // A JSON string of the lines, CRLF-separated; "" when the swagger validated.
    Reply::json(200, &Value::String(lines.join("\r\n")))
}

fn generate_resource_storage(shared: &Shared, st: &mut State, req: &Incoming, oid: &str) -> Reply {
    if let Err(reply) = check_oid(req, oid) {
        return reply;
    }
    let body = match json_body(req) {
        Ok(v) => v,
        Err(reply) => return reply,
    };
    let Some(env) = body.pointer("/environment/name").and_then(Value::as_str) else {
        return arm_error(
            400,
            "MissingEnvironment",
            "The request must name the environment: {\"environment\": {\"name\": ...}}.",
        );
    };
    let Some(env) = st.environment(env).map(|e| e.name.clone()) else {
        return arm_error(404, "EnvironmentNotFound", &format!("The environment '{env}' could not be found."));
    };
    let container = format!("connector-{}", st.guid());
    st.containers.insert(container.clone(), env);
    Reply::json(
        200,
        &json!({
            "sharedAccessSignature": format!("{}/blobstore/{container}?sv=2018-03-28&sr=c&sig={STORAGE_SIG}&se=2099-01-01T00%3A00%3A00Z&sp=rw", shared.url),
            "expirationTime": "2099-01-01T00:00:00Z"
        }),
    )
}

fn put_blob(shared: &Shared, req: &Incoming, container: &str, name: &str) -> Reply {
    if req.param("sig") != Some(STORAGE_SIG) {
        return blob_error(403, "AuthenticationFailed", "Server failed to authenticate the request.");
    }
    let mut st = shared.lock();
    if !st.containers.contains_key(container) {
        return blob_error(404, "ContainerNotFound", "The specified container does not exist.");
    }
    if req.header("x-ms-blob-type") != Some("BlockBlob") {
        return blob_error(
            400,
            "MissingRequiredHeader",
            "An HTTP header that's mandatory for this request is not specified: x-ms-blob-type.",
        );
    }
    let bytes = req.body_bytes.clone();
    let content_type = req.header("x-ms-blob-content-type").map(str::to_string);
    st.blobs.insert((container.to_string(), name.to_string()), (bytes, content_type));
    Reply::new(201, "application/octet-stream", Vec::new())
        .header("ETag", &format!("\"0x{:X}\"", bytes_hash(container, name)))
        .header("Last-Modified", "Mon, 01 Jan 2024 00:00:00 GMT")
        .header("x-ms-version", "2019-02-02")
        .header("x-ms-request-server-encrypted", "true")
}

fn get_blob(shared: &Shared, req: &Incoming, container: &str, name: &str) -> Reply {
    if req.param("sig") != Some(STORAGE_SIG) {
        return blob_error(403, "AuthenticationFailed", "Server failed to authenticate the request.");
    }
    let st = shared.lock();
    match st.blobs.get(&(container.to_string(), name.to_string())) {
        Some((bytes, content_type)) => Reply::new(200, content_type.as_deref().unwrap_or("application/octet-stream"), bytes.clone())
            .header("x-ms-blob-type", "BlockBlob"),
        None => blob_error(404, "BlobNotFound", "The specified blob does not exist."),
    }
}

/// The bytes of a blob the fake holds, from a URL it handed out (`…/blobstore/{container}/{name}?…`).
fn blob_of(st: &State, base: &str, url: &str) -> Option<Vec<u8>> {
    let rest = url.strip_prefix(base)?.strip_prefix("/blobstore/")?;
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if !query.split('&').any(|kv| kv == format!("sig={STORAGE_SIG}")) {
        return None;
    }
    let (container, name) = path.split_once('/')?;
    st.blobs.get(&(container.to_string(), percent_decode(name))).map(|(b, _)| b.clone())
}

/// `shared_contoso-20api-5f…`: the service's id for a new custom connector.
fn new_connector_id(st: &mut State, display_name: &str) -> String {
    let mut slug = String::new();
    for c in display_name.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                slug.push_str(&format!("-{b:02x}"));
            }
        }
    }
    format!("shared_{slug}-5f{}", &st.random_hex()[..14])
}

/// `POST apis` (create) and `PATCH apis/{id}` (update), as the service takes them.
fn upsert_api(shared: &Shared, st: &mut State, req: &Incoming, id: Option<&str>) -> Reply {
    let env = match filtered_environment(st, req) {
        Ok(env) => env,
        Err(reply) => return reply,
    };
    let body = match json_body(req) {
        Ok(v) => v,
        Err(reply) => return reply,
    };
    let Some(props) = body.get("properties").and_then(Value::as_object) else {
        return arm_error(400, "InvalidRequestContent", "The request content must have 'properties'.");
    };
    let mut props = props.clone();
    if props
        .get("environment")
        .and_then(|e| e.get("name"))
        .and_then(Value::as_str)
        .map(str::to_ascii_lowercase)
        != Some(env.name.to_ascii_lowercase())
    {
        return arm_error(
            400,
            "EnvironmentMismatch",
            "properties.environment.name must be the environment of the $filter.",
        );
    }
    let Some(swagger) = props.get("openApiDefinition").filter(|v| v.is_object()).cloned() else {
        return arm_error(400, "MissingApiDefinition", "properties.openApiDefinition is required.");
    };
    if props
        .get("backendService")
        .and_then(|b| b.get("serviceUrl"))
        .and_then(Value::as_str)
        .is_none()
    {
        return arm_error(400, "MissingBackendService", "properties.backendService.serviceUrl is required.");
    }
    let existing = match id {
        Some(id) => match st.connector(&env.name, id) {
            Some(c) => Some(c.clone()),
            None => return arm_error(404, "ApiResourceNotFound", &format!("Could not find api '{id}'.")),
        },
        None => None,
    };
    // The client secret: taken, kept apart, never answered.
    let mut secret = None;
    let mut oauth_without_secret = false;
    let mut take_secret = |parameters: Option<&mut Value>| {
        if let Some(oauth) = parameters
            .and_then(|p| p.get_mut("token"))
            .and_then(|t| t.get_mut("oAuthSettings"))
            .and_then(Value::as_object_mut)
        {
            match oauth.shift_remove("clientSecret").and_then(|v| v.as_str().map(str::to_string)) {
                Some(s) => secret = Some(s),
                None => oauth_without_secret = true,
            }
        }
    };
    take_secret(props.get_mut("connectionParameters"));
    if let Some(sets) = props
        .get_mut("connectionParameterSets")
        .and_then(|s| s.get_mut("values"))
        .and_then(Value::as_array_mut)
    {
        for set in sets {
            take_secret(set.get_mut("parameters"));
        }
    }
    if oauth_without_secret && secret.is_none() && existing.is_none() {
        return arm_error(400, "MissingClientSecret", "The OAuth 2.0 settings need a client secret.");
    }
    let icon = match props.get("iconUri").and_then(Value::as_str) {
        None => existing.as_ref().and_then(|c| c.icon.clone()),
        Some(url) => match blob_of(st, &shared.url, url) {
            Some(bytes) => Some(bytes),
            None => {
                return arm_error(
                    400,
                    "InvalidIconUri",
                    "properties.iconUri must be a blob of the generated resource storage.",
                )
            }
        },
    };
    let script = match props.get("scriptDefinitionUrl").and_then(Value::as_str) {
        None | Some("") => None,
        Some(url) => match blob_of(st, &shared.url, url) {
            Some(bytes) => Some(bytes),
            None => {
                return arm_error(
                    400,
                    "InvalidScriptDefinitionUrl",
                    "properties.scriptDefinitionUrl must be a blob of the generated resource storage.",
                )
            }
        },
    };
    for key in ["openApiDefinition", "environment", "iconUri", "scriptDefinitionUrl"] {
        props.shift_remove(key);
    }
    let display_name = match (props.get("displayName").and_then(Value::as_str), &existing) {
        (Some(name), _) => name.to_string(),
        (None, Some(c)) => c.display_name(),
        (None, None) => {
            return arm_error(
                400,
                "MissingDisplayName",
                "properties.displayName is required to create a connector.",
            )
        }
    };
    props.insert("displayName".into(), json!(display_name));
    let id = match id {
        Some(id) => existing.as_ref().map_or_else(|| id.to_string(), |c| c.id.clone()),
        None => new_connector_id(st, &display_name),
    };
    if let Some(secret) = secret {
        st.secrets.insert(id.to_ascii_lowercase(), secret);
    }
    let connector = FakeConnector {
        environment: env.name.clone(),
        id: id.clone(),
        properties: Value::Object(props),
        swagger: serde_json::to_vec_pretty(&swagger).expect("serialize swagger"),
        icon,
        script,
    };
    st.config
        .connectors
        .retain(|c| !(c.environment.eq_ignore_ascii_case(&env.name) && c.id.eq_ignore_ascii_case(&id)));
    st.config.connectors.push(connector.clone());
    let answer = connector_json(&shared.url, &env.name, &st.config.tenant_id, &st.config.user_upn, &connector);
    Reply::json(if existing.is_some() { 200 } else { 201 }, &answer)
}
