//! Exercises the fake Power Platform (tests/support/powerplatform.rs) with plain HTTP requests.

use crate::support;

use base64::Engine;
use serde_json::{json, Value};
use support::powerplatform::{
    DeviceStep, FakeConnector, FakeEnvironment, FakePowerPlatform, FakePowerPlatformConfig, DEFAULT_ENVIRONMENT, DEFAULT_TENANT_ID,
    DEVICE_CODE_GRANT, STORAGE_SIG,
};

const CLIENT: &str = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
const SCOPE: &str = "https://service.powerapps.com//.default offline_access";

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    bytes: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or_else(|e| panic!("JSON body ({e}): {}", String::from_utf8_lossy(&self.bytes)))
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

fn agent() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn finish(result: reqwest::Result<reqwest::blocking::Response>) -> Reply {
    let response = result.expect("HTTP exchange with the fake");
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let bytes = response.bytes().expect("read body").to_vec();
    Reply { status, headers, bytes }
}

fn get(url: &str, token: Option<&str>) -> Reply {
    let mut rq = agent().get(url);
    if let Some(t) = token {
        rq = rq.header("Authorization", format!("Bearer {t}"));
    }
    finish(rq.send())
}

/// A form body with RFC 3986's unreserved characters (`~` included) left as they are, as most
/// clients send them, so that a secret can be found in the recorded body as typed.
fn post_form(url: &str, fields: &[(&str, &str)]) -> Reply {
    const UNRESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                percent_encoding::utf8_percent_encode(k, UNRESERVED),
                percent_encoding::utf8_percent_encode(v, UNRESERVED)
            )
        })
        .collect();
    finish(
        agent()
            .post(url)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body.join("&"))
            .send(),
    )
}

fn token_url(pp: &FakePowerPlatform) -> String {
    format!("{}/organizations/oauth2/v2.0/token", pp.url())
}

fn environments_url(pp: &FakePowerPlatform) -> String {
    format!("{}/providers/Microsoft.ProcessSimple/environments?api-version=2016-11-01", pp.url())
}

fn jwt_payload(token: &str) -> Value {
    let part = token.split('.').nth(1).expect("JWT-shaped token");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .expect("base64url payload");
    serde_json::from_slice(&bytes).expect("JSON payload")
}

fn start_device_code(pp: &FakePowerPlatform) -> Value {
    let r = post_form(
        &format!("{}/organizations/oauth2/v2.0/devicecode", pp.url()),
        &[("client_id", CLIENT), ("scope", SCOPE)],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

fn poll(pp: &FakePowerPlatform, device_code: &str) -> Reply {
    post_form(
        &token_url(pp),
        &[
            ("grant_type", DEVICE_CODE_GRANT),
            ("client_id", CLIENT),
            ("device_code", device_code),
        ],
    )
}

/// Device code flow without pending steps: (access token, refresh token).
fn sign_in(pp: &FakePowerPlatform) -> (String, String) {
    let dc = start_device_code(pp);
    let r = poll(pp, dc["device_code"].as_str().unwrap());
    assert_eq!(r.status, 200, "{}", r.text());
    let body = r.json();
    (
        body["access_token"].as_str().unwrap().to_string(),
        body["refresh_token"].as_str().unwrap().to_string(),
    )
}

fn refresh(pp: &FakePowerPlatform, refresh_token: &str) -> Reply {
    post_form(
        &token_url(pp),
        &[
            ("grant_type", "refresh_token"),
            ("client_id", CLIENT),
            ("refresh_token", refresh_token),
            ("scope", SCOPE),
        ],
    )
}

#[test]
fn device_code_pending_twice_then_token_that_calls_the_api() {
    let pp = FakePowerPlatform::start(FakePowerPlatformConfig::default().device_steps(&[DeviceStep::Pending, DeviceStep::Pending]));
    let dc = start_device_code(&pp);
    assert_eq!(dc["user_code"], "ABCD-EFGH");
    assert_eq!(dc["verification_uri"], "https://microsoft.com/devicelogin");
    assert_eq!(dc["interval"], 0);
    assert_eq!(dc["expires_in"], 900);
    assert!(dc["message"].as_str().unwrap().contains("enter the code ABCD-EFGH"));
    let code = dc["device_code"].as_str().unwrap().to_string();
    assert!(code.starts_with("dc-"));

    for _ in 0..2 {
        let r = poll(&pp, &code);
        assert_eq!(r.status, 400);
        let body = r.json();
        assert_eq!(body["error"], "authorization_pending");
        assert_eq!(body["error_codes"], json!([70016]));
        let description = body["error_description"].as_str().unwrap();
        assert!(description.starts_with("AADSTS70016: "), "{description}");
        assert!(description.contains("\r\nTrace ID: ") && description.contains("\r\nCorrelation ID: "));
        assert_eq!(body["error_uri"], "https://login.microsoftonline.com/error?code=70016");
    }
    let ok = poll(&pp, &code);
    assert_eq!(ok.status, 200, "{}", ok.text());
    let body = ok.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3599);
    assert!(body["refresh_token"].as_str().unwrap().starts_with("rt-"));
    let access = body["access_token"].as_str().unwrap();
    let claims = jwt_payload(access);
    assert_eq!(claims["aud"], "https://service.powerapps.com/");
    assert_eq!(claims["tid"], DEFAULT_TENANT_ID);
    assert_eq!(claims["upn"], "maker@contoso.com");
    assert!(claims["exp"].as_u64().unwrap() > 1_700_000_000);

    let envs = get(&environments_url(&pp), Some(access));
    assert_eq!(envs.status, 200, "{}", envs.text());
    let envs = envs.json();
    assert_eq!(envs["value"][0]["name"], DEFAULT_ENVIRONMENT);
    assert_eq!(envs["value"][0]["properties"]["isDefault"], true);
    assert_eq!(envs["value"][0]["properties"]["displayName"], "Contoso (default)");

    // A redeemed code and an unknown one are both bad codes.
    assert_eq!(poll(&pp, &code).json()["error"], "bad_verification_code");
    assert_eq!(poll(&pp, "dc-nope").json()["error"], "bad_verification_code");

    let polls = pp.device_polls();
    let answers: Vec<&str> = polls.iter().map(|p| p.answer.as_str()).collect();
    assert_eq!(
        answers,
        [
            "authorization_pending",
            "authorization_pending",
            "success",
            "bad_verification_code",
            "bad_verification_code"
        ]
    );
    assert!(polls[1].at >= polls[0].at);
    let requests = pp.device_code_requests();
    assert_eq!(requests[0].tenant, "organizations");
    assert_eq!(requests[0].client_id, CLIENT);
    assert_eq!(requests[0].scope, SCOPE);
    assert_eq!(start_device_code(&pp)["user_code"], "ABCD-EFGI", "every request gets its own code");

    // The other steps.
    pp.set_device_steps(&[DeviceStep::SlowDown, DeviceStep::Declined, DeviceStep::Expired, DeviceStep::BadCode]);
    let code = start_device_code(&pp)["device_code"].as_str().unwrap().to_string();
    for (error, aadsts) in [
        ("slow_down", 70016),
        ("authorization_declined", 70000),
        ("expired_token", 70020),
        ("bad_verification_code", 70019),
    ] {
        let body = poll(&pp, &code).json();
        assert_eq!(body["error"], error);
        assert_eq!(body["error_codes"], json!([aadsts]));
    }
}

#[test]
fn refresh_rotates_and_the_old_token_is_refused() {
    let pp = FakePowerPlatform::start(FakePowerPlatformConfig::default());
    let (_, first) = sign_in(&pp);

    let r = refresh(&pp, &first);
    assert_eq!(r.status, 200, "{}", r.text());
    let second = r.json()["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(second, first);
    let access = r.json()["access_token"].as_str().unwrap().to_string();
    assert_eq!(get(&environments_url(&pp), Some(&access)).status, 200);
    assert!(!pp.refresh_token_live(&first));
    assert!(pp.refresh_token_live(&second));

    let old = refresh(&pp, &first);
    assert_eq!(old.status, 400);
    assert_eq!(old.json()["error"], "invalid_grant");
    assert_eq!(old.json()["error_codes"], json!([700082]));
    assert!(old.json()["error_description"]
        .as_str()
        .unwrap()
        .starts_with("AADSTS700082: The refresh token has expired due to inactivity"));

    let third = refresh(&pp, &second);
    assert_eq!(third.status, 200);
    let third = third.json()["refresh_token"].as_str().unwrap().to_string();

    pp.set_refresh_allowed(false);
    assert_eq!(refresh(&pp, &third).json()["error"], "invalid_grant");
    pp.set_refresh_allowed(true);
    let cached = pp.issue_refresh_token(CLIENT);
    assert_eq!(refresh(&pp, &cached).status, 200);
}

#[test]
fn client_credentials_wrong_secret_401_right_secret_token_without_refresh() {
    let secret = "s3cr3t~value";
    let pp = FakePowerPlatform::start(FakePowerPlatformConfig::default().service_principal("app-123", secret));
    let fields = |s: &'static str| {
        [
            ("grant_type", "client_credentials"),
            ("client_id", "app-123"),
            ("client_secret", s),
            ("scope", "https://service.powerapps.com/.default"),
        ]
    };

    let wrong = post_form(&token_url(&pp), &fields("nope"));
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.json()["error"], "invalid_client");
    assert_eq!(wrong.json()["error_codes"], json!([7000215]));
    assert!(wrong.json()["error_description"]
        .as_str()
        .unwrap()
        .starts_with("AADSTS7000215: Invalid client secret provided."));

    let ok = post_form(&token_url(&pp), &fields(secret));
    assert_eq!(ok.status, 200, "{}", ok.text());
    let body = ok.json();
    assert!(body.get("refresh_token").is_none());
    let access = body["access_token"].as_str().unwrap();
    let claims = jwt_payload(access);
    assert_eq!(claims["appid"], "app-123");
    assert!(claims.get("upn").is_none());
    assert_eq!(get(&environments_url(&pp), Some(access)).status, 200);

    let carrying: Vec<String> = pp.requests_containing(secret).iter().map(|r| r.route()).collect();
    assert_eq!(carrying, ["POST /organizations/oauth2/v2.0/token"]);
    assert_eq!(
        pp.request_bodies_contain(secret)[0].form_param("client_secret").as_deref(),
        Some(secret)
    );
}

#[test]
fn api_needs_a_live_token_and_the_api_version() {
    let pp = FakePowerPlatform::start(FakePowerPlatformConfig::default());
    let url = environments_url(&pp);

    let anonymous = get(&url, None);
    assert_eq!(anonymous.status, 401);
    assert_eq!(anonymous.json()["error"]["code"], "AuthenticationFailed");
    assert_eq!(
        anonymous.json()["error"]["message"],
        "Authentication failed. The 'Authorization' header is missing."
    );
    let unknown = get(&url, Some("not-a-token"));
    assert_eq!(unknown.status, 401);
    assert_eq!(unknown.json()["error"]["code"], "ExpiredAuthenticationToken");

    let (access, refresh_token) = sign_in(&pp);
    let no_version = get(
        &format!("{}/providers/Microsoft.ProcessSimple/environments", pp.url()),
        Some(&access),
    );
    assert_eq!(no_version.status, 400);
    assert_eq!(no_version.json()["error"]["code"], "InvalidApiVersionParameter");
    let wrong_version = get(&url.replace("2016-11-01", "2020-06-01"), Some(&access));
    assert_eq!(wrong_version.json()["error"]["code"], "InvalidApiVersionParameter");
    assert_eq!(get(&url, Some(&access)).status, 200);

    pp.expire_access_tokens();
    let expired = get(&url, Some(&access));
    assert_eq!(expired.status, 401);
    assert_eq!(expired.json()["error"]["code"], "ExpiredAuthenticationToken");
    assert!(expired.json()["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("The access token expiry UTC time '"));

    // The refresh token survives; after two more successful calls, the new token dies too.
    let fresh = refresh(&pp, &refresh_token).json()["access_token"].as_str().unwrap().to_string();
    pp.expire_access_tokens_after_api_calls(2);
    assert_eq!(get(&url, Some(&fresh)).status, 200);
    assert_eq!(get(&url, None).status, 401, "failures do not count");
    assert_eq!(get(&url, Some(&fresh)).status, 200);
    assert_eq!(get(&url, Some(&fresh)).status, 401);
    let later = pp.issue_access_token();
    assert_eq!(get(&url, Some(&later)).status, 200);
}

#[test]
fn connector_get_gives_storage_urls_and_storage_serves_exact_bytes_without_auth() {
    let id = "shared_contoso-20invoices-5f3c2a1b0e9d8c7b6a";
    let swagger: &[u8] = b"{\r\n  \"swagger\" : \"2.0\",\n  \"info\": {\"title\": \"Contoso \xc3\xa9\"}\n}  \n";
    let icon = vec![0x89, b'P', b'N', b'G', 0, 1, 2, 255];
    let script = b"public class Script : ScriptBase { }\n".to_vec();
    let pp = FakePowerPlatform::start(
        FakePowerPlatformConfig::default()
            .connector(
                FakeConnector::new(DEFAULT_ENVIRONMENT, id, "Contoso Invoices")
                    .properties(json!({
                        "displayName": "Contoso Invoices",
                        "description": "Invoices.",
                        "iconBrandColor": "#123456",
                        "connectionParameters": {"api_key": {"type": "securestring"}},
                        "capabilities": [],
                        "publisher": "Contoso",
                        "stackOwner": "Contoso"
                    }))
                    .swagger(swagger)
                    .icon(icon.clone())
                    .script(script.clone()),
            )
            .connector(FakeConnector::new(DEFAULT_ENVIRONMENT, "shared_plain-1", "Plain")),
    );
    let token = pp.issue_access_token();
    // `+` for spaces and an encoded `$`.
    let url = format!(
        "{}/providers/Microsoft.PowerApps/apis/{id}?api-version=2016-11-01&%24filter=environment+eq+%27{DEFAULT_ENVIRONMENT}%27",
        pp.url()
    );
    let r = get(&url, Some(&token));
    assert_eq!(r.status, 200, "{}", r.text());
    let body = r.json();
    assert_eq!(body["name"], id);
    assert_eq!(body["id"], format!("/providers/Microsoft.PowerApps/apis/{id}"));
    let props = &body["properties"];
    assert_eq!(props["connectionParameters"], json!({"api_key": {"type": "securestring"}}));
    assert_eq!(props["iconBrandColor"], "#123456");
    assert_eq!(props["isCustomApi"], true);
    for noise in [
        "runtimeUrls",
        "primaryRuntimeUrl",
        "metadata",
        "createdBy",
        "modifiedBy",
        "createdTime",
        "changedTime",
    ] {
        assert!(props.get(noise).is_some(), "{noise}");
    }
    assert_eq!(props["environment"]["name"], DEFAULT_ENVIRONMENT);
    assert_eq!(
        (&props["tier"], &props["apiEnvironment"], &props["almMode"]),
        (&json!("Standard"), &json!("Shared"), &json!("Environment"))
    );
    let original = props["apiDefinitions"]["originalSwaggerUrl"].as_str().unwrap();
    assert_eq!(original, pp.storage_url(DEFAULT_ENVIRONMENT, id, "original.swagger.json"));
    assert!(original.contains(&format!("sig={STORAGE_SIG}")));

    for (url, expected) in [
        (original, swagger.to_vec()),
        (props["apiDefinitions"]["modifiedSwaggerUrl"].as_str().unwrap(), swagger.to_vec()),
        (props["iconUri"].as_str().unwrap(), icon),
        (props["scriptDefinitionUrl"].as_str().unwrap(), script),
    ] {
        let blob = get(url, None);
        assert_eq!(blob.status, 200, "{url}");
        assert_eq!(blob.bytes, expected, "{url}");
    }
    assert_eq!(pp.count("GET", "/storage/"), 4);
    assert!(pp.storage_requests_with_authorization().is_empty());
    let _ = get(original, Some(&token));
    assert_eq!(
        pp.storage_requests_with_authorization().len(),
        1,
        "a leaked bearer token is recorded"
    );

    let plain = get(&url.replace(id, "shared_plain-1"), Some(&token)).json();
    assert!(plain["properties"].get("iconUri").is_none());
    assert!(plain["properties"].get("scriptDefinitionUrl").is_none());
    let missing = get(&pp.storage_url(DEFAULT_ENVIRONMENT, "shared_plain-1", "script.csx"), None);
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("<Code>BlobNotFound</Code>"));
    assert_eq!(missing.header("content-type"), Some("application/xml"));
    let unsigned = get(&format!("{}/storage/{DEFAULT_ENVIRONMENT}/{id}/icon.png", pp.url()), None);
    assert_eq!(unsigned.status, 403);
}

#[test]
fn list_filters_by_environment_pages_and_404s() {
    let pp = FakePowerPlatform::start(
        FakePowerPlatformConfig::default()
            .environment("env-b", "Sandbox")
            .page_size(2)
            .connector(FakeConnector::new(DEFAULT_ENVIRONMENT, "shared_a-1", "A1"))
            .connector(FakeConnector::new(DEFAULT_ENVIRONMENT, "shared_a-2", "A2"))
            .connector(FakeConnector::new(DEFAULT_ENVIRONMENT, "shared_a-3", "A3"))
            .connector(FakeConnector::new("env-b", "shared_b-1", "B1")),
    );
    let token = pp.issue_access_token();
    let list = |env: &str| -> (Vec<Value>, usize) {
        let mut next = Some(format!(
            "{}/providers/Microsoft.PowerApps/apis?api-version=2016-11-01&$filter=environment%20eq%20'{env}'",
            pp.url()
        ));
        let (mut items, mut pages) = (Vec::new(), 0);
        while let Some(url) = next {
            let r = get(&url, Some(&token));
            assert_eq!(r.status, 200, "{}", r.text());
            let body = r.json();
            items.extend(body["value"].as_array().unwrap().iter().cloned());
            next = body.get("nextLink").and_then(Value::as_str).map(str::to_string);
            pages += 1;
        }
        (items, pages)
    };
    let custom = |items: &[Value]| -> Vec<String> {
        items
            .iter()
            .filter(|i| i["properties"]["isCustomApi"] == true)
            .map(|i| i["name"].as_str().unwrap().to_string())
            .collect()
    };

    let (items, pages) = list(DEFAULT_ENVIRONMENT);
    assert_eq!((items.len(), pages), (5, 3));
    assert_eq!(custom(&items), ["shared_a-1", "shared_a-2", "shared_a-3"]);
    let names: Vec<&str> = items.iter().map(|i| i["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"shared_office365") && names.contains(&"shared_sharepointonline"));
    assert_eq!(items[1]["type"], "Microsoft.PowerApps/apis");
    assert_eq!(items[1]["properties"]["displayName"], "A1");

    let (items, _) = list("env-b");
    assert_eq!(custom(&items), ["shared_b-1"]);

    pp.add_environment(FakeEnvironment::new("env-c", "Late"));
    pp.add_connector(FakeConnector::new("env-c", "shared_c-1", "C1"));
    assert_eq!(custom(&list("env-c").0), ["shared_c-1"]);
    assert_eq!(
        get(&environments_url(&pp), Some(&token)).json()["value"].as_array().unwrap().len(),
        3
    );

    let base = format!("{}/providers/Microsoft.PowerApps/apis", pp.url());
    let unknown_env = get(
        &format!("{base}?api-version=2016-11-01&$filter=environment%20eq%20'nope'"),
        Some(&token),
    );
    assert_eq!(unknown_env.status, 404);
    assert_eq!(
        unknown_env.json(),
        json!({"error": {"code": "EnvironmentNotFound", "message": "The environment 'nope' could not be found."}})
    );
    let other_env = get(
        &format!("{base}/shared_a-1?api-version=2016-11-01&$filter=environment%20eq%20'env-b'"),
        Some(&token),
    );
    assert_eq!(other_env.status, 404);
    assert_eq!(
        other_env.json(),
        json!({"error": {"code": "ApiResourceNotFound", "message": "Could not find api 'shared_a-1'."}})
    );
    let unknown_id = get(
        &format!("{base}/shared_zz?api-version=2016-11-01&$filter=environment%20eq%20'env-b'"),
        Some(&token),
    );
    assert_eq!(unknown_id.json()["error"]["code"], "ApiResourceNotFound");
}

#[test]
fn faults_are_served_in_order_and_change_no_state() {
    let pp = FakePowerPlatform::start(
        FakePowerPlatformConfig::default()
            .device_steps(&[DeviceStep::Pending])
            .connector(FakeConnector::new(DEFAULT_ENVIRONMENT, "shared_x-1", "X")),
    );
    let token = pp.issue_access_token();
    let url = environments_url(&pp);

    pp.push_fault(
        "get /providers/microsoft.processsimple/environments",
        503,
        r#"{"error":{"code":"ServiceUnavailable","message":"Try later."}}"#,
    );
    pp.push_fault_with_headers("*", 429, &[("Retry-After", "1")], "slow down");
    let first = get(&url, Some(&token));
    assert_eq!(first.status, 503);
    assert_eq!(first.json()["error"]["code"], "ServiceUnavailable");
    let second = get(&url, None);
    assert_eq!(second.status, 429);
    assert_eq!(second.header("retry-after"), Some("1"));
    assert_eq!(second.text(), "slow down");
    assert_eq!(get(&url, Some(&token)).status, 200);

    // A fault on the token endpoint does not consume the pending step.
    let code = start_device_code(&pp)["device_code"].as_str().unwrap().to_string();
    pp.push_fault("POST /organizations/oauth2/v2.0/token", 500, "{}");
    assert_eq!(poll(&pp, &code).status, 500);
    assert_eq!(poll(&pp, &code).json()["error"], "authorization_pending");
    assert_eq!(poll(&pp, &code).status, 200);

    // A hang-up: the connection closes without an answer, then storage works again.
    let blob = pp.storage_url(DEFAULT_ENVIRONMENT, "shared_x-1", "original.swagger.json");
    pp.push_hangup("GET /storage/*");
    assert!(agent().get(&blob).send().is_err(), "hang-up is a transport error");
    assert_eq!(get(&blob, None).status, 200);
    assert_eq!(pp.pending_faults(), 0);

    let storage = pp.requests_to("/storage/");
    assert_eq!((storage[0].status, storage[0].injected), (0, true));
    assert_eq!((storage[1].status, storage[1].injected), (200, false));
    let _ = get(&format!("{}/nowhere", pp.url()), None);
    assert_eq!(pp.unhandled().len(), 1);
}
