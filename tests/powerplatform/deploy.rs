//! `create`, `update` and `validate --online` end to end: the built binary against the stateful
//! fake Power Platform, which records every request. paconn 0.0.21's side of the same requests is
//! in `paconn_compat.rs`.

use crate::common;
use crate::support;

use assert_cmd::Command;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use support::powerplatform::{FakePowerPlatform, FakePowerPlatformConfig, Recorded, DEFAULT_ENVIRONMENT, USER_OID};

pub const OAUTH_SECRET: &str = "oauth-Secret-Value-7f3a9c2e";
pub const ICON: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01icon-bytes\xff\xfe";
/// A script as write-code.md asks for it (the gate's script rules pass it), with CRLF line ends and
/// a non-ASCII byte, which the upload must keep as they are.
pub const SCRIPT: &[u8] = b"public class Script : ScriptBase\r\n{\r\n    // Caf\xc3\xa9\r\n    public override async Task<HttpResponseMessage> ExecuteAsync()\r\n    {\r\n        return await this.Context.SendAsync(this.Context.Request, this.CancellationToken).ConfigureAwait(false);\r\n    }\r\n}\r\n";

/// The clean connector of the CLI tests, with OAuth on its `token` parameter (and a parameter set).
pub fn oauth_connector(dir: &Path) {
    common::write_clean_connector(dir);
    let oauth = json!({"identityProvider": "oauth2", "clientId": "brewery-client", "scopes": ["read"], "redirectMode": "Global",
                       "customParameters": {"authorizationUrl": {"value": "https://login.openbrewerydb.org/authorize"},
                                            "tokenUrl": {"value": "https://login.openbrewerydb.org/token"},
                                            "refreshUrl": {"value": "https://login.openbrewerydb.org/token"}}});
    let properties = json!({"properties": {
        "connectionParameters": {"token": {"type": "oauthSetting", "oAuthSettings": oauth}},
        "iconBrandColor": "#da3b01",
        "capabilities": [],
        "publisher": "Jane Doe",
        "stackOwner": "Open Brewery DB"
    }});
    std::fs::write(dir.join("apiProperties.json"), serde_json::to_vec_pretty(&properties).unwrap()).unwrap();
}

pub struct World {
    pub fake: FakePowerPlatform,
    pub home: tempfile::TempDir,
}

impl World {
    pub fn new() -> World {
        let fake = FakePowerPlatform::start(FakePowerPlatformConfig::default());
        let world = World {
            fake,
            home: tempfile::tempdir().unwrap(),
        };
        world.fake.write_token_cache(&world.token_cache());
        world
    }

    pub fn token_cache(&self) -> PathBuf {
        self.home.path().join("config").join("powerplatform-token.json")
    }

    pub fn folder(&self, name: &str) -> PathBuf {
        self.home.path().join(name)
    }

    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("connector-publish").unwrap();
        cmd.args(args)
            .current_dir(self.home.path())
            .env("CONNECTOR_PUBLISH_CONFIG", self.home.path().join("config").join("config.toml"))
            .env("CONNECTOR_PUBLISH_CACHE", self.home.path().join("cache"))
            .env("CONNECTOR_PUBLISH_TOKEN_CACHE", self.token_cache())
            .env("CONNECTOR_PUBLISH_AUTHORITY", self.fake.url())
            .env("CONNECTOR_PUBLISH_POWERAPPS_URL", self.fake.url())
            .env("CONNECTOR_PUBLISH_FLOW_URL", self.fake.url())
            .env("CONNECTOR_PUBLISH_TEST_POLL_MS", "10")
            .env("CONNECTOR_PUBLISH_TEST_RETRY_MS", "10")
            .env("NO_COLOR", "1")
            .env_remove("CONNECTOR_PUBLISH_OAUTH_SECRET")
            .env_remove("CONNECTOR_PUBLISH_CLIENT_SECRET")
            .env_remove("CONNECTOR_PUBLISH_TENANT")
            .env_remove("CONNECTOR_PUBLISH_CLIENT_ID");
        cmd
    }

    /// The requests to the Power Apps routes and storage uploads, in order (no sign-in).
    pub fn deploy_requests(&self) -> Vec<Recorded> {
        self.fake
            .requests()
            .into_iter()
            .filter(|r| r.path.starts_with("/providers/Microsoft.PowerApps") || r.path.starts_with("/blobstore/"))
            .collect()
    }
}

fn text(out: &std::process::Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn routes(requests: &[Recorded]) -> Vec<String> {
    requests.iter().map(|r| r.route()).collect()
}

const VALIDATE: &str = "/providers/Microsoft.PowerApps/objectIds/00000000-0000-4000-8000-0000000000aa/validateApiSwagger";
const STORAGE: &str = "/providers/Microsoft.PowerApps/objectIds/00000000-0000-4000-8000-0000000000aa/generateResourceStorage";
const APIS: &str = "/providers/Microsoft.PowerApps/apis";

#[test]
fn create_sends_paconns_requests_in_order_and_writes_its_settings() {
    assert!(VALIDATE.contains(USER_OID));
    let w = World::new();
    let dir = w.folder("Brewery");
    oauth_connector(&dir);
    std::fs::write(dir.join("icon.png"), ICON).unwrap();
    std::fs::write(dir.join("script.csx"), SCRIPT).unwrap();
    let out = w
        .cmd(&["create", "Brewery", "-e", DEFAULT_ENVIRONMENT, "--secret", "-"])
        .write_stdin(format!("{OAUTH_SECRET}\n"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let requests = w.deploy_requests();
    let blob_container = requests[2].path.split('/').nth(2).unwrap().to_string();
    assert_eq!(
        routes(&requests),
        [
            format!("POST {VALIDATE}"),
            format!("POST {STORAGE}"),
            format!("PUT /blobstore/{blob_container}/icon.png"),
            format!("PUT /blobstore/{blob_container}/script.csx"),
            format!("POST {APIS}"),
        ]
    );
    // validate: no certification rules; the swagger as it is in the file.
    assert_eq!(requests[0].query, "api-version=2016-11-01");
    assert_eq!(requests[0].header("x-ms-origin"), Some("paconn-cli"));
    let swagger = common::json_file(&dir.join("apiDefinition.swagger.json"));
    assert_eq!(requests[0].json(), Some(swagger.clone()));
    // storage: the environment, and no x-ms-origin (paconn sends none there).
    assert_eq!(requests[1].json(), Some(json!({"environment": {"name": DEFAULT_ENVIRONMENT}})));
    assert_eq!(requests[1].header("x-ms-origin"), None);
    // The blobs: bytes as they are, block blobs, Python's content type guesses, no token.
    assert_eq!(requests[2].body_bytes, ICON);
    assert_eq!(requests[2].header("x-ms-blob-type"), Some("BlockBlob"));
    assert_eq!(requests[2].header("x-ms-blob-content-type"), Some("image/png"));
    assert_eq!(requests[3].body_bytes, SCRIPT);
    assert_eq!(requests[3].header("x-ms-blob-content-type"), None);
    assert!(requests[2..4]
        .iter()
        .all(|r| r.authorization().is_none() && r.query_param("sig").as_deref() == Some("SECRETSIG")));
    // create: the filter, and paconn's body.
    let create = &requests[4];
    assert_eq!(create.query_param("api-version").as_deref(), Some("2016-11-01"));
    assert_eq!(
        create.query_param("$filter"),
        Some(format!("environment eq '{DEFAULT_ENVIRONMENT}'"))
    );
    assert_eq!(create.header("x-ms-origin"), Some("paconn-cli"));
    let body = create.json().unwrap();
    let mut expected = common::json_file(&dir.join("apiProperties.json"));
    let p = expected["properties"].as_object_mut().unwrap();
    p["connectionParameters"]["token"]["oAuthSettings"]["clientSecret"] = json!(OAUTH_SECRET);
    p.insert("openApiDefinition".into(), swagger.clone());
    p.insert("backendService".into(), json!({"serviceUrl": "https://api.openbrewerydb.org/v1"}));
    p.insert("environment".into(), json!({"name": DEFAULT_ENVIRONMENT}));
    p.insert("displayName".into(), json!("Open Brewery DB"));
    p.insert("description".into(), swagger["info"]["description"].clone());
    let sas_base = format!("{}/blobstore/{blob_container}", w.fake.url());
    let icon_uri = body["properties"]["iconUri"].as_str().unwrap().to_string();
    assert!(icon_uri.starts_with(&format!("{sas_base}/icon.png?")), "{icon_uri}");
    p.insert("iconUri".into(), json!(icon_uri));
    let script_uri = body["properties"]["scriptDefinitionUrl"].as_str().unwrap().to_string();
    assert!(script_uri.starts_with(&format!("{sas_base}/script.csx?")), "{script_uri}");
    p.insert("scriptDefinitionUrl".into(), json!(script_uri));
    assert_eq!(body, expected);

    // settings.json: paconn's keys, the new id, paths relative to the folder, no secret.
    let created = w.fake.connectors_in(DEFAULT_ENVIRONMENT);
    assert_eq!(created.len(), 1);
    let id = &created[0].id;
    assert!(id.starts_with("shared_open-20brewery-20db-5f"), "{id}");
    let settings = common::json_file(&dir.join("settings.json"));
    assert_eq!(
        settings,
        json!({"connectorId": id, "environment": DEFAULT_ENVIRONMENT, "apiProperties": "apiProperties.json",
               "apiDefinition": "apiDefinition.swagger.json", "icon": "icon.png", "powerAppsUrl": w.fake.url(),
               "powerAppsApiVersion": "2016-11-01", "script": "script.csx"})
    );
    assert_eq!(w.fake.client_secret(id).as_deref(), Some(OAUTH_SECRET));

    // Stateful: what was created downloads again, icon and script byte for byte, without the secret.
    let back = w.folder("back");
    let out = w
        .cmd(&["download", "-e", DEFAULT_ENVIRONMENT, "-c", id, "-d", back.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(std::fs::read(back.join("icon.png")).unwrap(), ICON);
    assert_eq!(std::fs::read(back.join("script.csx")).unwrap(), SCRIPT);
    assert_eq!(common::json_file(&back.join("apiDefinition.swagger.json")), swagger);
    assert!(!std::fs::read_to_string(back.join("apiProperties.json"))
        .unwrap()
        .contains(OAUTH_SECRET));
}

#[test]
fn the_secret_is_never_printed_written_or_sent_outside_the_create_body() {
    let w = World::new();
    let dir = w.folder("Brewery");
    oauth_connector(&dir);
    let mut outputs = Vec::new();
    for args in [
        &["create", "Brewery", "-e", DEFAULT_ENVIRONMENT, "--secret", OAUTH_SECRET, "-vv"][..],
        &["update", "Brewery", "--secret", OAUTH_SECRET, "--json", "-vv", "--yes"][..],
    ] {
        let out = w.cmd(args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        outputs.push(text(&out));
    }
    // From the environment, with --json.
    let dir2 = w.folder("Brewery2");
    oauth_connector(&dir2);
    let out = w
        .cmd(&["create", "Brewery2", "-e", DEFAULT_ENVIRONMENT, "--json", "-vv"])
        .env("CONNECTOR_PUBLISH_OAUTH_SECRET", OAUTH_SECRET)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["action"], "created");
    outputs.push(text(&out));
    // A failing run's error message does not show it either.
    w.fake.push_fault(
        "POST /providers/Microsoft.PowerApps/apis",
        400,
        &format!("{{\"error\":{{\"code\":\"Bad\",\"message\":\"secret {OAUTH_SECRET} rejected\"}}}}"),
    );
    let dir3 = w.folder("Brewery3");
    oauth_connector(&dir3);
    let out = w
        .cmd(&["create", "Brewery3", "-e", DEFAULT_ENVIRONMENT, "-r", OAUTH_SECRET, "-vv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    outputs.push(text(&out));

    for output in &outputs {
        assert!(!output.contains(OAUTH_SECRET), "the secret was printed:\n{output}");
        assert!(!output.contains("oauth-Secret"), "part of the secret was printed:\n{output}");
    }
    for file in [dir.join("settings.json"), dir2.join("settings.json"), w.token_cache()] {
        assert!(
            !std::fs::read_to_string(&file).unwrap().contains(OAUTH_SECRET),
            "{}",
            file.display()
        );
    }
    assert!(!dir3.join("settings.json").exists(), "a failed create writes no settings");
    // Sent only in the bodies of POST apis (create) and PATCH apis/{id} (update, when given).
    let carrying: Vec<String> = w.fake.requests_containing(OAUTH_SECRET).iter().map(Recorded::route).collect();
    let id = common::json_file(&dir.join("settings.json"))["connectorId"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        carrying,
        [
            format!("POST {APIS}"),
            format!("PATCH {APIS}/{id}"),
            format!("POST {APIS}"),
            format!("POST {APIS}")
        ]
    );
    for r in w.fake.requests_containing(OAUTH_SECRET) {
        assert!(!r.query.contains(OAUTH_SECRET) && r.headers.iter().all(|(_, v)| !v.contains(OAUTH_SECRET)));
    }
}

#[test]
fn create_refuses_before_sending_anything() {
    let w = World::new();
    let dir = w.folder("Brewery");
    oauth_connector(&dir);
    // OAuth without a secret: a usage error, as paconn refuses it.
    let out = w.cmd(&["create", "Brewery", "-e", DEFAULT_ENVIRONMENT]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("--secret"), "{}", text(&out));
    // An existing settings.json is not replaced without --overwrite-settings.
    let existing: &[u8] = b"{\"environment\": \"Default-x\", \"connectorId\": \"shared_brewery-5f01\"}";
    std::fs::write(dir.join("settings.json"), existing).unwrap();
    let out = w
        .cmd(&["create", "Brewery", "-e", DEFAULT_ENVIRONMENT, "-r", OAUTH_SECRET])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("--overwrite-settings"), "{}", text(&out));
    assert!(text(&out).contains("it names connector shared_brewery-5f01"), "{}", text(&out));
    assert_eq!(std::fs::read(dir.join("settings.json")).unwrap(), existing);
    std::fs::remove_file(dir.join("settings.json")).unwrap();
    // Offline errors stop it (exit 1) unless --force.
    let mut swagger = common::json_file(&dir.join("apiDefinition.swagger.json"));
    swagger["paths"]["/breweries/{obdb_id}"]["get"]["parameters"][0]["required"] = json!(false);
    std::fs::write(dir.join("apiDefinition.swagger.json"), serde_json::to_vec_pretty(&swagger).unwrap()).unwrap();
    let out = w
        .cmd(&["create", "Brewery", "-e", DEFAULT_ENVIRONMENT, "-r", OAUTH_SECRET])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("path-parameter"), "{}", text(&out));
    assert!(w.deploy_requests().is_empty(), "{:?}", routes(&w.deploy_requests()));
    // A missing named file is a usage error naming it.
    let out = w
        .cmd(&[
            "create",
            "Brewery",
            "-e",
            DEFAULT_ENVIRONMENT,
            "-r",
            OAUTH_SECRET,
            "-i",
            "nope.png",
            "--force",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("nope.png"));
    assert!(w.deploy_requests().is_empty());
    let out = w
        .cmd(&["create", "Brewery", "-e", DEFAULT_ENVIRONMENT, "-r", OAUTH_SECRET, "--force"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("deploying anyway"));
    // The service's own validation of that swagger is shown.
    assert!(text(&out).contains("PathParameterMustBeRequired"), "{}", text(&out));
}

#[test]
fn update_shows_breaking_changes_against_the_deployed_connector_and_asks() {
    let w = World::new();
    let dir = w.folder("Brewery");
    common::write_clean_connector(&dir);
    let out = w.cmd(&["create", "Brewery", "-e", DEFAULT_ENVIRONMENT]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let id = common::json_file(&dir.join("settings.json"))["connectorId"]
        .as_str()
        .unwrap()
        .to_string();
    // Rename the operation: flows that call GetBrewery break.
    let mut swagger = common::json_file(&dir.join("apiDefinition.swagger.json"));
    swagger["paths"]["/breweries/{obdb_id}"]["get"]["operationId"] = json!("GetBreweryById");
    swagger["info"]["description"] = json!("Open Brewery DB, version two: a free dataset of breweries, cideries and brewpubs.");
    std::fs::write(dir.join("apiDefinition.swagger.json"), serde_json::to_vec_pretty(&swagger).unwrap()).unwrap();
    w.fake.clear_requests();
    let deployed = w.fake.connector(DEFAULT_ENVIRONMENT, &id).unwrap().swagger;
    let out = w.cmd(&["update", "Brewery"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("GetBrewery"), "{}", text(&out));
    assert!(text(&out).contains("--yes"), "{}", text(&out));
    // It read what is deployed (GETs only) and changed nothing.
    assert!(
        w.fake.requests().iter().all(|r| r.method == "GET"),
        "{:?}",
        routes(&w.fake.requests())
    );
    assert_eq!(w.fake.connector(DEFAULT_ENVIRONMENT, &id).unwrap().swagger, deployed);
    let out = w.cmd(&["update", "Brewery", "--yes", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["action"], "updated");
    assert_eq!(report["connector_id"], json!(id));
    assert!(report["breaking_changes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c.as_str().unwrap().contains("GetBrewery")));
    let patch: Vec<Recorded> = w.deploy_requests().into_iter().filter(|r| r.method == "PATCH").collect();
    assert_eq!(patch.len(), 1);
    let body = patch[0].json().unwrap();
    assert!(body["properties"].get("displayName").is_none(), "update sends no displayName");
    assert_eq!(body["properties"]["scriptDefinitionUrl"], "");
    // Stateful: the service now holds the new swagger, under the old name.
    let now = w.fake.connector(DEFAULT_ENVIRONMENT, &id).unwrap();
    assert_eq!(serde_json::from_slice::<Value>(&now.swagger).unwrap(), swagger);
    assert_eq!(now.properties["displayName"], "Open Brewery DB");
    // An unknown connector: 404 with what to do.
    let out = w
        .cmd(&["update", "Brewery", "-c", "shared_nothing-5f00", "--yes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
}

/// The clean connector without its one warning the fake's validator does not check
/// (path-parameter-encoding), so that the offline rules and the fake agree on it.
fn quiet_connector(dir: &Path) {
    common::write_clean_connector(dir);
    let mut swagger = common::json_file(&dir.join("apiDefinition.swagger.json"));
    swagger["paths"]["/breweries/{obdb_id}"]["get"]["parameters"][0]["x-ms-url-encoding"] = json!("single");
    std::fs::write(dir.join("apiDefinition.swagger.json"), serde_json::to_vec_pretty(&swagger).unwrap()).unwrap();
}

fn validate_online(w: &World, dir: &str, extra: &[&str]) -> std::process::Output {
    // The folder is an independent publisher's without its certification package, which only a
    // pull request needs.
    let mut args = vec!["validate", dir, "--online", "--without-package"];
    args.extend_from_slice(extra);
    w.cmd(&args).output().unwrap()
}

#[test]
fn validate_online_with_an_empty_answer_says_the_service_validated_it() {
    let w = World::new();
    quiet_connector(&w.folder("Brewery"));
    let out = validate_online(&w, "Brewery", &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("the service validated the swagger"), "{}", text(&out));
    let requests = w.deploy_requests();
    assert_eq!(routes(&requests), [format!("POST {VALIDATE}")]);
    assert_eq!(requests[0].query, "api-version=2016-11-01&enableConnectorCertificationRules=true");
    assert_eq!(requests[0].header("x-ms-origin"), Some("paconn-cli"));
    let out = validate_online(&w, "Brewery", &["--json"]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["online"]["valid"], true);
    assert!(report["online"]["validated_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(report["online"]["disagreements"], json!([]));
}

#[test]
fn validate_online_names_each_disagreement_in_one_line() {
    let w = World::new();
    let dir = w.folder("Brewery");
    quiet_connector(&dir);
    let mut swagger = common::json_file(&dir.join("apiDefinition.swagger.json"));
    // Both find this one: a path parameter that is not required.
    swagger["paths"]["/breweries/{obdb_id}"]["get"]["parameters"][0]["required"] = json!(false);
    // Only offline: the contact email.
    swagger["info"]["contact"]["email"] = json!("not-an-email");
    std::fs::write(dir.join("apiDefinition.swagger.json"), serde_json::to_vec_pretty(&swagger).unwrap()).unwrap();
    // Only the service.
    w.fake
        .set_certification_messages(&["Warning: BrandColorNotAllowed: the icon brand color is reserved."]);
    let out = validate_online(&w, "Brewery", &[]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains("Error: PathParameterMustBeRequired"), "{shown}");
    assert!(
        shown.contains(
            "the service reports \"Warning: BrandColorNotAllowed: the icon brand color is reserved.\", which no offline rule covers"
        ),
        "{shown}"
    );
    assert!(shown.contains("offline rule contact-email fired (ContactEmailNotValid"), "{shown}");
    assert!(shown.contains("the service said nothing"), "{shown}");
    assert!(!shown.contains("offline rule path-parameter fired"), "{shown}");
    let out = validate_online(&w, "Brewery", &["--json"]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["findings"].as_array().unwrap().iter().any(|f| f["rule"] == "contact-email"));
    let messages = report["online"]["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[0]["offline_rules"], json!(["path-parameter"]));
    assert_eq!(messages[1]["offline_rules"], json!([]));
    assert_eq!(report["online"]["disagreements"].as_array().unwrap().len(), 2);
}

#[test]
fn validate_online_refusals_say_to_sign_in_and_failures_are_tried_again() {
    let w = World::new();
    common::write_clean_connector(&w.folder("Brewery"));
    // Not signed in at all.
    std::fs::remove_file(w.token_cache()).unwrap();
    let out = validate_online(&w, "Brewery", &[]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(text(&out).contains("connector-publish login"), "{}", text(&out));
    w.fake.write_token_cache(&w.token_cache());
    // 401 (after one renewal) and 403: sign in again.
    for status in [401, 403] {
        for _ in 0..2 {
            w.fake.push_fault(
                &format!("POST {VALIDATE}"),
                status,
                r#"{"error":{"code":"Refused","message":"no"}}"#,
            );
        }
        let out = validate_online(&w, "Brewery", &[]);
        assert_eq!(out.status.code(), Some(3), "{}", text(&out));
        // A 401 renews the token first; this cache has no refresh token, so: sign in again.
        if status == 403 {
            assert!(text(&out).contains("HTTP 403"), "{}", text(&out));
        }
        assert!(text(&out).contains("connector-publish login"), "{}", text(&out));
        while w.fake.pending_faults() > 0 {
            validate_online(&w, "Brewery", &[]);
        }
    }
    // 503 three times: tried three times, then what to do.
    w.fake.clear_requests();
    for _ in 0..3 {
        w.fake.push_fault(
            &format!("POST {VALIDATE}"),
            503,
            r#"{"error":{"code":"ServiceUnavailable","message":"busy"}}"#,
        );
    }
    let out = validate_online(&w, "Brewery", &[]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(text(&out).contains("HTTP 503"), "{}", text(&out));
    assert!(text(&out).contains("try again"), "{}", text(&out));
    assert_eq!(w.fake.count("POST", VALIDATE), 3);
}

/// On a terminal: the secret typed without echo, the environment and then the connector picked.
#[test]
fn on_a_terminal_the_secret_is_not_echoed_and_the_pickers_ask() {
    let w = World::new();
    let dir = w.folder("Brewery");
    oauth_connector(&dir);
    let bin = assert_cmd::cargo::cargo_bin("connector-publish");
    let setup = |cmd: &mut std::process::Command| {
        for (k, v) in w.cmd(&[]).get_envs() {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            };
        }
        cmd.current_dir(w.home.path());
    };
    let typed = format!("{OAUTH_SECRET}\n");
    let out = common::on_a_terminal(
        &format!("{} create Brewery --secret -", bin.display()),
        setup,
        &[typed.as_bytes(), b"1\n"],
    );
    let shown = text(&out);
    assert!(shown.contains("OAuth client secret (not shown)"), "{shown}");
    assert!(shown.contains("Pick the environment"), "{shown}");
    assert!(shown.contains("created"), "{shown}");
    assert!(!shown.contains(OAUTH_SECRET), "the secret was echoed or printed:\n{shown}");
    let id = common::json_file(&dir.join("settings.json"))["connectorId"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(w.fake.client_secret(&id).as_deref(), Some(OAUTH_SECRET));
    // update without settings.json and without -e/-c: both picked.
    std::fs::remove_file(dir.join("settings.json")).unwrap();
    let out = common::on_a_terminal(&format!("{} update Brewery", bin.display()), setup, &[b"1\n", b"1\n"]);
    let shown = text(&out);
    assert!(shown.contains("Pick the custom connector"), "{shown}");
    assert!(shown.contains(&format!("updated Open Brewery DB ({id})")), "{shown}");
}

/// A refused upload and a failing create: what to do, no storage signature shown, the create
/// not sent twice, no settings.json.
#[test]
fn storage_and_service_failures_stop_cleanly() {
    let w = World::new();
    let dir = w.folder("Brewery");
    common::write_clean_connector(&dir);
    std::fs::write(dir.join("icon.png"), ICON).unwrap();
    w.fake.push_fault(
        "PUT /blobstore/*",
        403,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>AuthenticationFailed</Code><Message>sig=SECRETSIG expired</Message></Error>",
    );
    let out = w.cmd(&["create", "Brewery", "-e", DEFAULT_ENVIRONMENT, "-vv"]).output().unwrap();
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(3), "{shown}");
    assert!(shown.contains("storage refused the upload of icon.png"), "{shown}");
    assert!(!shown.contains("SECRETSIG"), "the storage signature was printed:\n{shown}");
    assert_eq!(w.fake.count("POST", APIS), 0);
    assert!(!dir.join("settings.json").exists());
    // A 5xx on the create itself is not tried again: a second POST could make a second connector.
    w.fake.push_fault(
        &format!("POST {APIS}"),
        503,
        r#"{"error":{"code":"ServiceUnavailable","message":"busy"}}"#,
    );
    let out = w.cmd(&["create", "Brewery", "-e", DEFAULT_ENVIRONMENT]).output().unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(text(&out).contains("HTTP 503"), "{}", text(&out));
    assert_eq!(w.fake.count("POST", APIS), 1);
    assert!(w.fake.connectors_in(DEFAULT_ENVIRONMENT).is_empty());
    assert!(!dir.join("settings.json").exists());
    // generateResourceStorage's 5xx is tried again.
    for _ in 0..2 {
        w.fake.push_fault(
            &format!("POST {STORAGE}"),
            502,
            r#"{"error":{"code":"BadGateway","message":"later"}}"#,
        );
    }
    let out = w.cmd(&["create", "Brewery", "-e", DEFAULT_ENVIRONMENT]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(w.fake.count("POST", STORAGE), 5);
    assert_eq!(w.fake.connectors_in(DEFAULT_ENVIRONMENT).len(), 1);
}
