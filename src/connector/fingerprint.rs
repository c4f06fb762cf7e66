//! What identifies an API: its host, base path, operations and title.
//!
//! Duplicate search compares fingerprints, so they are normalized hard: host lower-cased without
//! scheme or port, one spelling of the base path, path templates with the parameter names erased
//! (`/users/{id}` and `/users/{userId}` are the same endpoint).

use serde_json::Value;
use std::borrow::Cow;
use std::collections::BTreeSet;

/// Hosts that identify nothing: templates, samples and placeholders.
const PLACEHOLDER_HOSTS: [&str; 14] = [
    "api.contoso.com",
    "contoso.com",
    "yourhost.yourdomain.com",
    "definedinconnectionparameters",
    "dynamichosturl",
    "test.com",
    "example.com",
    "example.org",
    "example.net",
    "localhost",
    "host",
    "hostname",
    "127.0.0.1",
    "tbd",
];
/// Words in a host that mark it as a placeholder (`yourtenant.example`, `{instance}.crm.dynamics.com`).
const PLACEHOLDER_MARKERS: [&str; 9] = [
    "contoso",
    "yourdomain",
    "yourhost",
    "your-",
    "yourinstance",
    "yourcompany",
    "placeholder",
    "{",
    "example.",
];

/// One operation: HTTP method and path template with the base path joined and parameter names erased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Operation {
    /// Upper case: one of [`HTTP_METHODS`]' names, shared rather than allocated per operation (a
    /// warm `search` reads some 40,000 operations from the index).
    #[serde(deserialize_with = "method")]
    pub method: Cow<'static, str>,
    pub path: String,
}

/// The upper-case names of [`HTTP_METHODS`], in the same order.
const METHOD_NAMES: [&str; 7] = ["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH"];

/// `GET` as the shared name, without allocating; an unknown name is kept as it is.
pub fn method_name(method: &str) -> Cow<'static, str> {
    match METHOD_NAMES.iter().find(|m| m.eq_ignore_ascii_case(method)) {
        Some(m) => Cow::Borrowed(m),
        None => Cow::Owned(method.to_ascii_uppercase()),
    }
}

fn method<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Cow<'static, str>, D::Error> {
    struct Name;
    impl serde::de::Visitor<'_> for Name {
        type Value = Cow<'static, str>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an HTTP method")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(method_name(v))
        }
    }
    deserializer.deserialize_str(Name)
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Fingerprint {
    /// `info.title`, trimmed.
    pub title: Option<String>,
    /// Lower-cased, without scheme, port or path; `None` when the swagger has none.
    pub host: Option<String>,
    /// The host names nothing real (a template, a sample, set at connection time).
    pub host_is_placeholder: bool,
    /// Leading slash, no trailing slash; `""` for the root.
    pub base_path: String,
    #[serde(deserialize_with = "sorted_set")]
    pub operations: BTreeSet<Operation>,
    /// `apiProperties.json`'s `properties.publisher`, normalized ([`normalize_publisher`]); not
    /// in the swagger, so set by whoever has the folder (the package, the index).
    #[serde(default)]
    pub publisher: Option<String>,
    /// The routes once `apiProperties.json`'s policies are applied (`dynamichosturl`,
    /// `routerequesttoendpoint`), when they differ from the written ones; see [`Routed`].
    #[serde(default)]
    pub routed: Option<Box<Routed>>,
}

/// Where a connector's requests really go once its policies rewrite them: `dynamichosturl`'s
/// `urlTemplate` replaces the host URL (host and base path), `routerequesttoendpoint`'s `newPath`
/// an operation's path under it. `setheader`, `setqueryparameter` and the rest change no route.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Routed {
    /// The template's host with its expressions as `{}` (`{}.atlassian.net`), or the written host
    /// when the expression is the whole host (`@connectionParameters('instanceUrl')/api`).
    pub host: Option<String>,
    pub host_is_placeholder: bool,
    /// Every operation, rewritten where a policy applies to it (same normalization as
    /// `operations`); empty when only the host moved (the written operations, not stored twice).
    pub operations: BTreeSet<Operation>,
}

/// A set read as the sequence it was written as (sorted, by `BTreeSet`'s own serialization) and
/// built in bulk, instead of one search-and-insert per item: a warm `search` decodes some 40,000
/// of them from the index, and the inserts were most of its time.
fn sorted_set<'de, D, T>(deserializer: D) -> Result<BTreeSet<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de> + Ord,
{
    let items: Vec<T> = serde::Deserialize::deserialize(deserializer)?;
    Ok(items.into_iter().collect())
}

/// Words a publisher's name may or may not carry (`Inc.`, `Ltd`, `S.A.`, `US`).
const COMPANY_WORDS: [&str; 17] = [
    "inc",
    "llc",
    "ltd",
    "limited",
    "corp",
    "corporation",
    "co",
    "sa",
    "s",
    "a",
    "us",
    "pty",
    "gmbh",
    "ag",
    "bv",
    "srl",
    "the",
];

/// `ReversingLabs US Inc.` and `ReversingLabs` -> `reversinglabs`; `None` when nothing is left.
pub fn normalize_publisher(name: &str) -> Option<String> {
    let lower = name.to_lowercase();
    let joined: String = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !COMPANY_WORDS.contains(w))
        .collect();
    (!joined.is_empty()).then_some(joined)
}

/// The normalized publisher of an `apiProperties.json` document.
pub fn publisher_of(api_properties: &Value) -> Option<String> {
    api_properties
        .pointer("/properties/publisher")
        .and_then(Value::as_str)
        .and_then(normalize_publisher)
}

/// The HTTP methods an OpenAPI 2.0 path item may hold (its other keys are not operations).
pub const HTTP_METHODS: [&str; 7] = ["get", "put", "post", "delete", "options", "head", "patch"];

impl Fingerprint {
    pub fn from_swagger(swagger: &Value) -> Fingerprint {
        Fingerprint::from_swagger_with_policies(swagger, None)
    }

    /// The fingerprint, with [`Fingerprint::routed`] from the policies of `apiProperties.json`
    /// (its parsed value) when they move a route.
    pub fn from_swagger_with_policies(swagger: &Value, api_properties: Option<&Value>) -> Fingerprint {
        let title = swagger
            .pointer("/info/title")
            .and_then(Value::as_str)
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty());
        let (host, path_in_host) = match swagger.get("host").and_then(Value::as_str) {
            Some(raw) => normalize_host(raw),
            None => (None, String::new()),
        };
        let host_is_placeholder = host.as_deref().is_none_or(is_placeholder_host);
        let base_path = normalize_path(&format!(
            "{}/{}",
            path_in_host,
            swagger.get("basePath").and_then(Value::as_str).unwrap_or("")
        ));

        let mut operations = BTreeSet::new();
        let policies = api_properties.map(RoutePolicies::read).unwrap_or_default();
        let routed_base = policies.base.as_ref().map(|(_, path)| normalize_path(path));
        let mut routed_ops = BTreeSet::new();
        if let Some(paths) = swagger.get("paths").and_then(Value::as_object) {
            for (path, item) in paths {
                let Some(item) = item.as_object() else {
                    continue;
                };
                let template = erase_parameter_names(&normalize_path(&format!("{base_path}/{path}")));
                for (method, op) in item {
                    let method = method.to_ascii_lowercase();
                    if !HTTP_METHODS.contains(&method.as_str()) {
                        continue;
                    }
                    let id = op.get("operationId").and_then(Value::as_str);
                    if !policies.is_empty() {
                        let base = match &routed_base {
                            Some(b) if policies.host_applies_to(id) => b.as_str(),
                            _ => base_path.as_str(),
                        };
                        let path = policies.new_path(id).unwrap_or(path.as_str());
                        routed_ops.insert(Operation {
                            method: method_name(&method),
                            path: erase_parameter_names(&normalize_path(&format!("{base}/{path}"))),
                        });
                    }
                    operations.insert(Operation {
                        method: method_name(&method),
                        path: template.clone(),
                    });
                }
            }
        }
        let routed_host = match &policies.base {
            Some((Some(h), _)) => Some(h.clone()),
            _ => host.clone(),
        };
        let routed = (!policies.is_empty() && (routed_ops != operations || routed_host != host)).then(|| {
            Box::new(Routed {
                host_is_placeholder: routed_host.as_deref().is_none_or(is_placeholder_host),
                host: routed_host,
                operations: if routed_ops == operations { BTreeSet::new() } else { routed_ops },
            })
        });
        Fingerprint {
            title,
            host,
            host_is_placeholder,
            base_path,
            operations,
            publisher: api_properties.and_then(publisher_of),
            routed,
        }
    }
}

/// The route-changing policies of an `apiProperties.json` (`properties.policyTemplateInstances`).
#[derive(Debug, Default)]
struct RoutePolicies {
    /// `dynamichosturl`: the template's host (`None` when an expression is the whole host) and
    /// path, and the operations it applies to (`None`: every operation).
    base: Option<(Option<String>, String)>,
    base_operations: Option<Vec<String>>,
    /// `routerequesttoendpoint`: operationId -> newPath.
    new_paths: Vec<(String, String)>,
}

impl RoutePolicies {
    fn read(api_properties: &Value) -> RoutePolicies {
        let mut out = RoutePolicies::default();
        let Some(instances) = api_properties
            .pointer("/properties/policyTemplateInstances")
            .and_then(Value::as_array)
        else {
            return out;
        };
        for instance in instances {
            let template = instance.get("templateId").and_then(Value::as_str).unwrap_or("");
            let Some(parameters) = instance.get("parameters").and_then(Value::as_object) else {
                continue;
            };
            let operations: Option<Vec<String>> = match parameters.get("x-ms-apimTemplate-operationName") {
                Some(Value::Array(a)) if !a.is_empty() => Some(a.iter().filter_map(Value::as_str).map(str::to_owned).collect()),
                Some(Value::String(s)) if !s.is_empty() => Some(vec![s.clone()]),
                _ => None,
            };
            if template.eq_ignore_ascii_case("dynamichosturl") && out.base.is_none() {
                let Some(url) = parameters.get("x-ms-apimTemplateParameter.urlTemplate").and_then(Value::as_str) else {
                    continue;
                };
                let (host, path) = normalize_host(&erase_expressions(url));
                // An expression standing for the whole host (`{}`, `{}{}`) says nothing of it.
                let host = host.filter(|h| h.contains('.'));
                let path = path.split(['?', '#']).next().unwrap_or("").to_string();
                out.base = Some((host, path));
                out.base_operations = operations;
            } else if template.eq_ignore_ascii_case("routerequesttoendpoint") {
                let Some(path) = parameters.get("x-ms-apimTemplateParameter.newPath").and_then(Value::as_str) else {
                    continue;
                };
                let path = path.split(['?', '#']).next().unwrap_or("");
                // A path built from an expression is not a route that can be compared.
                if path.contains('@') {
                    continue;
                }
                for id in operations.into_iter().flatten() {
                    out.new_paths.push((id, path.to_string()));
                }
            }
        }
        out
    }

    fn is_empty(&self) -> bool {
        self.base.is_none() && self.new_paths.is_empty()
    }

    fn host_applies_to(&self, id: Option<&str>) -> bool {
        match &self.base_operations {
            None => true,
            Some(ops) => id.is_some_and(|id| ops.iter().any(|o| o == id)),
        }
    }

    fn new_path(&self, id: Option<&str>) -> Option<&str> {
        let id = id?;
        self.new_paths.iter().find(|(o, _)| o == id).map(|(_, p)| p.as_str())
    }
}

/// `https://@connectionParameters('tenant').vendor.com/@{x}/api` -> `https://{}.vendor.com/{}/api`:
/// policy expressions (`@connectionParameters(...)`, `@queryParameters(...)`, `@headers(...)`,
/// `@{...}`) become `{}`, as a path parameter would.
fn erase_expressions(template: &str) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(at) = rest.find('@') {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 1..];
        let open = tail.find(['(', '{']);
        let is_call = open.is_some_and(|i| tail[..i].chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
        let Some(open) = open.filter(|_| is_call) else {
            out.push('@');
            rest = tail;
            continue;
        };
        let (opening, closing) = if tail.as_bytes()[open] == b'(' { ('(', ')') } else { ('{', '}') };
        let mut depth = 0usize;
        let mut end = tail.len();
        for (i, c) in tail[open..].char_indices() {
            if c == opening {
                depth += 1;
            } else if c == closing {
                depth -= 1;
                if depth == 0 {
                    end = open + i + 1;
                    break;
                }
            }
        }
        out.push_str("{}");
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// `HTTPS://Api.Example.com:443/v1` -> (`api.example.com`, `/v1`).
pub fn normalize_host(raw: &str) -> (Option<String>, String) {
    let mut s = raw.trim();
    if let Some(i) = s.find("://") {
        s = &s[i + 3..];
    }
    let (authority, path) = match s.find('/') {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, ""),
    };
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    let host = match authority.rfind(':') {
        Some(i) if authority[i + 1..].chars().all(|c| c.is_ascii_digit()) => &authority[..i],
        _ => authority,
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    (if host.is_empty() { None } else { Some(host) }, path.to_string())
}

pub fn is_placeholder_host(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    PLACEHOLDER_HOSTS.iter().any(|p| host == *p || host.ends_with(&format!(".{p}")))
        || PLACEHOLDER_MARKERS.iter().any(|m| host.contains(m))
        || !host.contains('.')
}

/// Domains under which anyone can have a host (the Public Suffix List's private section, the ones
/// connectors use): the name before them is someone's, not the vendor's, so they identify nothing.
const SHARED_HOSTING: [&str; 12] = [
    "azurewebsites.net",
    "azure-api.net",
    "cloudapp.net",
    "cloudapp.azure.com",
    "azurefd.net",
    "azurestaticapps.net",
    "logic.azure.com",
    "amazonaws.com",
    "herokuapp.com",
    "ngrok.io",
    "windows.net",
    "appspot.com",
];

/// Second-level labels under a country code that are a suffix, not a name (`vendor.co.uk`).
const SECOND_LEVEL: [&str; 8] = ["co", "com", "net", "org", "gov", "edu", "ac", "ne"];

/// The vendor's registrable domain behind a tenant placeholder host: `yourdomain.vendor.net`,
/// `{tenant}.vendor.com`, `your-instance.vendor.com` and `contoso.vendor.com` -> `vendor.com`
/// (`vendor.net`). `None` for a real host, for a placeholder that names no vendor
/// (`api.contoso.com`, `yourhost.yourdomain.com`, `{host}`), and under shared hosting
/// (`{app}.azurewebsites.net`), where the name before the suffix is the only one that counts.
pub fn tenant_domain(host: &str) -> Option<&str> {
    if !is_placeholder_host(host) {
        return None;
    }
    let labels: Vec<&str> = host.split('.').collect();
    let n = labels.len();
    if n < 3 {
        return None;
    }
    let take = if labels[n - 1].len() == 2 && SECOND_LEVEL.contains(&labels[n - 2]) {
        3
    } else {
        2
    };
    if n <= take {
        return None;
    }
    let start = labels[..n - take].iter().map(|l| l.len() + 1).sum::<usize>();
    let domain = &host[start..];
    let plain = domain
        .split('.')
        .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    let hosted = SHARED_HOSTING.iter().any(|s| host.ends_with(&format!(".{s}")) || domain == *s);
    (plain && !hosted && !is_placeholder_host(domain)).then_some(domain)
}

/// How two different hosts are still one vendor's one API (compared *with the operations*, as
/// tenant hosts are): `www.` added or dropped, a sandbox/test/staging host and its production
/// host, a tenant placeholder (`{subdomain}.vendor.com`, `yourcompany.vendor.com`) and a real
/// tenant of the same vendor (`acme.vendor.com`). Never under shared hosting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HostKin {
    Www,
    Environment,
    Tenant,
}

impl HostKin {
    pub fn describe(self) -> &'static str {
        match self {
            HostKin::Www => "the same host but for www.",
            HostKin::Environment => "a sandbox or test host of the same production host",
            HostKin::Tenant => "a tenant placeholder and a tenant of the same vendor",
        }
    }
}

/// Labels that name a vendor's non-production environment, as a whole label (`api.sandbox.x.com`)
/// or a hyphenated part of one (`api-sandbox.x.com`, `sandbox-api.x.com`).
const ENVIRONMENT_WORDS: [&str; 13] = [
    "sandbox", "sandbox2", "test", "testing", "staging", "stage", "stg", "dev", "uat", "qa", "preprod", "demo", "trial",
];

/// The registrable domain (`vendor.com`, `vendor.co.uk`) of a plain host, when it has one.
fn registrable(host: &str) -> Option<&str> {
    let labels: Vec<&str> = host.split('.').collect();
    let n = labels.len();
    let take = if n >= 3 && labels[n - 1].len() == 2 && SECOND_LEVEL.contains(&labels[n - 2]) {
        3
    } else {
        2
    };
    if n < take || labels.iter().any(|l| l.is_empty()) {
        return None;
    }
    let start = labels[..n - take].iter().map(|l| l.len() + 1).sum::<usize>();
    Some(&host[start..])
}

fn shared_hosting(host: &str) -> bool {
    SHARED_HOSTING
        .iter()
        .any(|s| host.strip_suffix(s).is_some_and(|rest| rest.is_empty() || rest.ends_with('.')))
}

/// `www.api-sandbox.vendor.com` -> `api.vendor.com`: the host with `www.` and environment words
/// dropped below the registrable domain.
fn production_host(host: &str) -> Option<String> {
    let domain = registrable(host)?;
    let sub = host[..host.len() - domain.len()].trim_end_matches('.');
    let mut labels = Vec::new();
    for (i, label) in sub.split('.').filter(|l| !l.is_empty()).enumerate() {
        if i == 0 && label == "www" {
            continue;
        }
        let parts: Vec<&str> = label.split('-').filter(|p| !ENVIRONMENT_WORDS.contains(p)).collect();
        let joined = parts.join("-");
        let joined = match joined.as_str() {
            j if ENVIRONMENT_WORDS.iter().any(|w| j == format!("api{w}") || j == format!("{w}api")) => "api".to_string(),
            _ => joined,
        };
        if !joined.is_empty() {
            labels.push(joined);
        }
    }
    labels.push(domain.to_string());
    Some(labels.join("."))
}

/// See [`HostKin`]; `None` for equal hosts (compared as such) and unrelated ones. Cheap when the
/// two hosts do not end alike, which is nearly every pair a search compares.
pub fn host_kin(a: &str, a_placeholder: bool, b: &str, b_placeholder: bool) -> Option<HostKin> {
    if a == b {
        return None;
    }
    // Every kin shares the last two labels: a cheap test before anything is allocated.
    fn tail(h: &str) -> &str {
        h.rmatch_indices('.').nth(1).map_or(h, |(i, _)| &h[i + 1..])
    }
    let (ta, tb) = (tail(a), tail(b));
    if ta != tb || !ta.contains('.') || shared_hosting(a) || shared_hosting(b) {
        return None;
    }
    match (a_placeholder, b_placeholder) {
        (false, false) => {
            let (pa, pb) = (a.strip_prefix("www.").unwrap_or(a), b.strip_prefix("www.").unwrap_or(b));
            if pa == pb {
                return Some(HostKin::Www);
            }
            (production_host(a)? == production_host(b)?).then_some(HostKin::Environment)
        }
        (true, false) | (false, true) => {
            let (placeholder, real) = if a_placeholder { (a, b) } else { (b, a) };
            tenant_domain(placeholder)?;
            // A tenant: the placeholder's first label, and nothing else, replaced by a name
            // (`{subdomain}.vendor.com` and `acme.vendor.com`; not `openai.azure.com` for
            // `{resource}.openai.azure.com`, another product of a many-product domain).
            let (_, rest) = placeholder.split_once('.')?;
            let (tenant, real_rest) = real.split_once('.')?;
            (rest == real_rest && !tenant.is_empty() && !is_placeholder_host(rest)).then_some(HostKin::Tenant)
        }
        (true, true) => None,
    }
}

/// One leading slash, no trailing or doubled slashes; the root is `""`.
fn normalize_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 1);
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        out.push('/');
        out.push_str(segment);
    }
    out
}

/// `/users/{userId}/mail` -> `/users/{}/mail`.
fn erase_parameter_names(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '{' => {
                if depth == 0 {
                    out.push('{');
                }
                depth += 1;
            }
            '}' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    out.push('}');
                }
            }
            _ if depth > 0 => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn normalizes_host_base_path_and_operations() {
        let swagger = json!({
            "info": {"title": " DeepL "},
            "host": "HTTPS://API.DeepL.com:443",
            "basePath": "v2/",
            "paths": {
                "/translate/{text}": {"post": {"operationId": "Translate"}, "parameters": []},
                "/usage": {"GET": {"operationId": "Usage"}, "x-ms-notification-content": {}}
            }
        });
        let fp = Fingerprint::from_swagger(&swagger);
        assert_eq!(fp.title.as_deref(), Some("DeepL"));
        assert_eq!(fp.host.as_deref(), Some("api.deepl.com"));
        assert!(!fp.host_is_placeholder);
        assert_eq!(fp.base_path, "/v2");
        let ops: Vec<_> = fp.operations.iter().map(|o| format!("{} {}", o.method, o.path)).collect();
        assert_eq!(ops, ["GET /v2/usage", "POST /v2/translate/{}"]);
    }

    #[test]
    fn method_names_are_the_http_methods_in_upper_case() {
        assert_eq!(METHOD_NAMES.map(str::to_ascii_lowercase), HTTP_METHODS);
        assert!(matches!(method_name("get"), Cow::Borrowed("GET")));
        assert_eq!(method_name("Propfind"), "PROPFIND");
    }

    #[test]
    fn root_base_path_and_path_in_host() {
        let fp = Fingerprint::from_swagger(&json!({"host": "api.x.io/v1", "basePath": "/", "paths": {"/a/": {"get": {}}}}));
        assert_eq!(fp.host.as_deref(), Some("api.x.io"));
        assert_eq!(fp.base_path, "/v1");
        assert_eq!(fp.operations.iter().next().unwrap().path, "/v1/a");
        let fp = Fingerprint::from_swagger(&json!({"host": "api.x.io", "basePath": "/"}));
        assert_eq!(fp.base_path, "");
    }

    #[test]
    fn placeholder_hosts_are_marked() {
        for host in [
            "api.contoso.com",
            "yourhost.yourdomain.com",
            "definedinconnectionparameters",
            "dynamichosturl",
            "test.com",
            "www.example.com",
            "{tenant}.service.com",
            "localhost",
        ] {
            assert!(is_placeholder_host(host), "{host}");
        }
        for host in ["graph.microsoft.com", "api.hubapi.com", "api.deepl.com", "contest.com.au"] {
            assert!(!is_placeholder_host(host), "{host}");
        }
        assert!(Fingerprint::from_swagger(&json!({})).host_is_placeholder);
    }

    #[test]
    fn tenant_hosts_name_their_vendor() {
        for (host, domain) in [
            ("yourdomain.vendor.net", Some("vendor.net")),
            ("{tenant}.vendor.com", Some("vendor.com")),
            ("your-instance.vendor.com", Some("vendor.com")),
            ("contoso.vendor.com", Some("vendor.com")),
            ("{instance}.crm.dynamics.com", Some("dynamics.com")),
            ("{tenant}.vendor.co.uk", Some("vendor.co.uk")),
            // A real host is compared as itself.
            ("api.vendor.com", None),
            // Placeholders that name no vendor.
            ("api.contoso.com", None),
            ("yourhost.yourdomain.com", None),
            ("{host}", None),
            ("{tenant}.com", None),
            ("www.example.com", None),
            ("{app}.azurewebsites.net", None),
            ("{name}.azure-api.net", None),
        ] {
            assert_eq!(tenant_domain(host), domain, "{host}");
        }
    }

    #[test]
    fn hosts_of_one_vendors_one_api() {
        let kin = |a: &str, b: &str| host_kin(a, is_placeholder_host(a), b, is_placeholder_host(b));
        assert_eq!(kin("www.vendor.io", "vendor.io"), Some(HostKin::Www));
        assert_eq!(kin("api.sandbox.paypal.com", "api.paypal.com"), Some(HostKin::Environment));
        assert_eq!(kin("sandbox-api.vendor.com", "api.vendor.com"), Some(HostKin::Environment));
        assert_eq!(kin("apisandbox.vendor.co.uk", "api.vendor.co.uk"), Some(HostKin::Environment));
        assert_eq!(kin("{subdomain}.vendor.com", "acme.vendor.com"), Some(HostKin::Tenant));
        assert_eq!(kin("acme.vendor.com", "yourcompany.vendor.com"), Some(HostKin::Tenant));
        // Near misses.
        assert_eq!(kin("api.vendor.com", "api.vendor.com"), None);
        assert_eq!(kin("ads.vendor.com", "api.vendor.com"), None);
        assert_eq!(kin("api.vendor.com", "api.other.com"), None);
        assert_eq!(kin("www.vendor.co.uk", "www.other.co.uk"), None);
        assert_eq!(kin("api.sandbox.vendor.com", "api.vendor.net"), None);
        assert_eq!(kin("acme.azurewebsites.net", "acme-staging.azurewebsites.net"), None);
        assert_eq!(kin("{app}.azurewebsites.net", "acme.azurewebsites.net"), None);
        assert_eq!(kin("{subdomain}.vendor.com", "api.eu.vendor.com"), None);
        assert_eq!(kin("{resource}.openai.azure.com", "openai.azure.com"), None);
        assert_eq!(kin("{vault}.vault.azure.net", "digitaltwins.azure.net"), None);
        assert_eq!(kin("api.contoso.com", "api.vendor.com"), None);
    }

    #[test]
    fn policy_expressions_become_parameters() {
        assert_eq!(
            erase_expressions("https://@connectionParameters('token:customHost').coupahost.com"),
            "https://{}.coupahost.com"
        );
        assert_eq!(
            erase_expressions("@ConnectionParameters('hostUrl')/@ConnectionParameters('orgName')/api/data/v9.0/"),
            "{}/{}/api/data/v9.0/"
        );
        assert_eq!(erase_expressions("@connectionParameters('region','https://a.b.com')"), "{}");
        assert_eq!(erase_expressions("https://user@host.com/x"), "https://user@host.com/x");
    }

    #[test]
    fn fast_and_full_readers_agree() {
        let text = r#"{"swagger": "2.0", "info": {"title": "X", "x": [1]}, "host": "api.x.io", "basePath": "/v1",
            "paths": {"/a/{id}": {"parameters": [{"name": "id"}], "get": {"operationId": "GetA", "responses": {}}, "post": {}}, "/b": null},
            "definitions": {"big": {"type": "object"}}}"#;
        let full = Fingerprint::from_swagger(&serde_json::from_str(text).unwrap());
        assert_eq!(Fingerprint::from_swagger_bytes(text.as_bytes()).unwrap(), full);
        assert_eq!(full.operations.len(), 2);
        // Not strict JSON: the tolerant reader takes over and agrees.
        let sloppy = text.replace("\"/b\": null}", "\"/b\": null,},");
        assert_eq!(Fingerprint::from_swagger_bytes(sloppy.as_bytes()).unwrap(), full);
    }

    #[test]
    fn parameter_names_are_erased() {
        assert_eq!(erase_parameter_names("/users/{userId}/mail/{id}"), "/users/{}/mail/{}");
        assert_eq!(erase_parameter_names("/a/{b{c}}/d"), "/a/{}/d");
    }
}

/// The fields of a swagger file a fingerprint needs, for a fast strict read that skips the rest
/// (definitions, schemas, parameters: most of the bytes).
#[derive(serde::Deserialize)]
struct SwaggerLite {
    #[serde(default)]
    info: Option<InfoLite>,
    #[serde(default)]
    host: Option<Value>,
    #[serde(default, rename = "basePath")]
    base_path: Option<Value>,
    #[serde(default)]
    paths: Option<indexmap_free::OrderedPaths>,
}

#[derive(serde::Deserialize)]
struct InfoLite {
    #[serde(default)]
    title: Option<Value>,
}

mod indexmap_free {
    //! `paths` read as (path, [(key, operationId)]) without building the operations' values.
    use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
    use std::fmt;

    /// (member name, operationId) of one path item.
    type Members = Vec<(String, Option<String>)>;
    pub struct OrderedPaths(pub Vec<(String, Members)>);
    struct PathItem(Members);
    struct OperationId(Option<String>);

    impl<'de> Deserialize<'de> for OrderedPaths {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = OrderedPaths;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("an object of paths")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OrderedPaths, A::Error> {
                    let mut out = Vec::new();
                    while let Some(path) = map.next_key::<String>()? {
                        let item: PathItem = map.next_value()?;
                        out.push((path, item.0));
                    }
                    Ok(OrderedPaths(out))
                }
            }
            d.deserialize_map(V)
        }
    }

    impl<'de> Deserialize<'de> for PathItem {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = PathItem;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("a path item")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PathItem, A::Error> {
                    let mut out = Vec::new();
                    while let Some(key) = map.next_key::<String>()? {
                        let op: OperationId = map.next_value()?;
                        out.push((key, op.0));
                    }
                    Ok(PathItem(out))
                }
                fn visit_unit<E>(self) -> Result<PathItem, E> {
                    Ok(PathItem(Vec::new()))
                }
            }
            d.deserialize_any(V)
        }
    }

    impl<'de> Deserialize<'de> for OperationId {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = OperationId;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("an operation")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OperationId, A::Error> {
                    let mut id = None;
                    while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                        if key == "operationId" {
                            id = map.next_value::<serde_json::Value>()?.as_str().map(str::to_owned);
                        } else {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                    Ok(OperationId(id))
                }
                fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OperationId, A::Error> {
                    while seq.next_element::<IgnoredAny>()?.is_some() {}
                    Ok(OperationId(None))
                }
                fn visit_str<E>(self, _: &str) -> Result<OperationId, E> {
                    Ok(OperationId(None))
                }
                fn visit_bool<E>(self, _: bool) -> Result<OperationId, E> {
                    Ok(OperationId(None))
                }
                fn visit_i64<E>(self, _: i64) -> Result<OperationId, E> {
                    Ok(OperationId(None))
                }
                fn visit_u64<E>(self, _: u64) -> Result<OperationId, E> {
                    Ok(OperationId(None))
                }
                fn visit_f64<E>(self, _: f64) -> Result<OperationId, E> {
                    Ok(OperationId(None))
                }
                fn visit_unit<E>(self) -> Result<OperationId, E> {
                    Ok(OperationId(None))
                }
            }
            d.deserialize_any(V)
        }
    }
}

impl Fingerprint {
    /// Fingerprint swagger bytes: a strict read of only the needed fields when the file is strict
    /// JSON (most are, and this is what makes indexing the whole upstream fast), the tolerant
    /// reader otherwise. Both give the same fingerprint for the same data.
    pub fn from_swagger_bytes(bytes: &[u8]) -> Result<Fingerprint, super::JsonError> {
        Fingerprint::from_swagger_bytes_with_policies(bytes, None)
    }

    /// [`Fingerprint::from_swagger_bytes`] with the publisher and the policies' routes of
    /// `apiProperties.json` (its parsed value).
    pub fn from_swagger_bytes_with_policies(bytes: &[u8], api_properties: Option<&Value>) -> Result<Fingerprint, super::JsonError> {
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        if std::str::from_utf8(body).is_ok() {
            if let Ok(lite) = serde_json::from_slice::<SwaggerLite>(body) {
                let mut root = serde_json::Map::new();
                if let Some(t) = lite.info.and_then(|i| i.title) {
                    root.insert("info".into(), serde_json::json!({ "title": t }));
                }
                if let Some(h) = lite.host {
                    root.insert("host".into(), h);
                }
                if let Some(b) = lite.base_path {
                    root.insert("basePath".into(), b);
                }
                if let Some(paths) = lite.paths {
                    let mut map = serde_json::Map::new();
                    for (path, ops) in paths.0 {
                        let item: serde_json::Map<String, Value> = ops
                            .into_iter()
                            .map(|(k, id)| {
                                (
                                    k,
                                    id.map_or_else(|| serde_json::json!({}), |id| serde_json::json!({ "operationId": id })),
                                )
                            })
                            .collect();
                        map.insert(path, Value::Object(item));
                    }
                    root.insert("paths".into(), Value::Object(map));
                }
                return Ok(Fingerprint::from_swagger_with_policies(&Value::Object(root), api_properties));
            }
        }
        super::json::parse(bytes).map(|doc| Fingerprint::from_swagger_with_policies(&doc.value, api_properties))
    }
}
