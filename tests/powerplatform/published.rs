//! `search` and `submit` compare a connector with the published connectors of the signed-in
//! environment (the Power Apps `apis` list, built-in ones included) against the fake Power
//! Platform: paged lists, the cache and its refresh flag, a throttled list, no sign-in, and offline.

use crate::common::git;
use crate::support::powerplatform::{FakePowerPlatform, FakePowerPlatformConfig, DEFAULT_ENVIRONMENT};
use assert_cmd::Command;
use std::path::PathBuf;

const APIS: &str = "GET /providers/Microsoft.PowerApps/apis";

struct World {
    fake: FakePowerPlatform,
    dir: tempfile::TempDir,
    upstream: String,
    connector: PathBuf,
}

impl World {
    /// An upstream with one unrelated connector, and a folder titled "SharePoint" by Microsoft:
    /// the fake lists SharePoint as a built-in, last, so a page size of 1 puts it on the last page.
    fn new() -> World {
        let fake = FakePowerPlatform::start(FakePowerPlatformConfig::default().page_size(1));
        let dir = tempfile::tempdir().unwrap();
        let work = dir.path().join("work/certified-connectors/DeepL");
        std::fs::create_dir_all(&work).unwrap();
        std::fs::write(
            work.join("apiDefinition.swagger.json"),
            r#"{"swagger": "2.0", "info": {"title": "DeepL"}, "host": "api.deepl.com", "basePath": "/v2", "paths": {"/translate": {"post": {}}}}"#,
        )
        .unwrap();
        let root = dir.path().join("work");
        git(&root, &["init", "-q"]);
        git(&root, &["add", "-A"]);
        git(&root, &["commit", "-qm", "one"]);
        let connector = dir.path().join("SharePoint Lists");
        std::fs::create_dir_all(&connector).unwrap();
        std::fs::write(
            connector.join("apiDefinition.swagger.json"),
            r#"{"swagger": "2.0", "info": {"title": "SharePoint"}, "host": "contoso.sharepoint.com", "basePath": "/", "paths": {"/_api/web/lists": {"get": {}}}}"#,
        )
        .unwrap();
        std::fs::write(
            connector.join("apiProperties.json"),
            r#"{"properties": {"publisher": "Microsoft Corporation"}}"#,
        )
        .unwrap();
        World {
            upstream: format!("file://{}", root.display()),
            fake,
            dir,
            connector,
        }
    }

    fn token_cache(&self) -> PathBuf {
        self.dir.path().join("config/powerplatform-token.json")
    }

    fn sign_in(&self) {
        std::fs::create_dir_all(self.token_cache().parent().unwrap()).unwrap();
        self.fake.write_token_cache(&self.token_cache());
    }

    fn search(&self, extra: &[&str]) -> (Option<i32>, String, String) {
        self.run(&["search", "--upstream", &self.upstream], extra)
    }

    /// `submit --dry-run` of the folder (no GitHub token: open pull requests are not looked at),
    /// an independent publisher's without its certification package.
    fn submit(&self, extra: &[&str]) -> (Option<i32>, String, String) {
        let head = [
            "submit",
            "--dry-run",
            "--without-package",
            "--upstream",
            &self.upstream,
            "--author",
            "Jane Doe <jane@example.org>",
        ];
        self.run(&head, extra)
    }

    fn run(&self, head: &[&str], extra: &[&str]) -> (Option<i32>, String, String) {
        let out = Command::cargo_bin("connector-publish")
            .unwrap()
            .args(head)
            .args(extra)
            .arg(&self.connector)
            .env("CONNECTOR_PUBLISH_CACHE", self.dir.path().join("cache"))
            .env("CONNECTOR_PUBLISH_CONFIG", self.dir.path().join("config/config.toml"))
            .env("CONNECTOR_PUBLISH_AUTHORITY", self.fake.url())
            .env("CONNECTOR_PUBLISH_POWERAPPS_URL", self.fake.url())
            .env("CONNECTOR_PUBLISH_FLOW_URL", self.fake.url())
            .env("CONNECTOR_PUBLISH_TEST_POLL_MS", "10")
            .env("CONNECTOR_PUBLISH_TEST_RETRY_MS", "10")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("NO_COLOR", "1")
            .env("PATH", "/usr/bin:/bin")
            .env_remove("CONNECTOR_PUBLISH_TOKEN_CACHE")
            .env_remove("GH_TOKEN")
            .env_remove("GITHUB_TOKEN")
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

#[test]
fn a_published_connector_not_in_the_repository_is_found_when_signed_in() {
    let w = World::new();
    // Not signed in: the search says it did not compare, and finds nothing upstream.
    let (code, _, stderr) = w.search(&[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("did not compare with published connectors: not signed in"),
        "{stderr}"
    );
    assert_eq!(w.fake.count("GET", "/providers/Microsoft.PowerApps/apis"), 0);

    // Signed in: the default environment's list, over every page, once throttled.
    w.sign_in();
    w.fake.push_fault_with_headers(
        APIS,
        429,
        &[("Retry-After", "0")],
        r#"{"error": {"code": "TooManyRequests", "message": "slow down"}}"#,
    );
    let (code, stdout, stderr) = w.search(&["--env", DEFAULT_ENVIRONMENT]);
    assert_eq!(code, Some(5), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("published as 'SharePoint' by Microsoft (not in the repository)"),
        "{stdout}"
    );
    let listed = w.fake.count("GET", "/providers/Microsoft.PowerApps/apis");
    assert_eq!(listed, 3, "a throttled call and two pages");
    assert_eq!(w.fake.pending_faults(), 0);

    // The list is cached: the next search asks nothing, even offline; --refresh-published asks again.
    let (code, stdout, _) = w.search(&["--env", DEFAULT_ENVIRONMENT, "--offline"]);
    assert_eq!(code, Some(5));
    assert!(stdout.contains("published as 'SharePoint'"), "{stdout}");
    assert_eq!(w.fake.count("GET", "/providers/Microsoft.PowerApps/apis"), listed);
    let (code, _, _) = w.search(&["--env", DEFAULT_ENVIRONMENT, "--refresh-published"]);
    assert_eq!(code, Some(5));
    assert_eq!(w.fake.count("GET", "/providers/Microsoft.PowerApps/apis"), listed + 2);
}

#[test]
fn published_titles_alone_are_related_and_offline_without_a_list_says_so() {
    let w = World::new();
    let (code, _, stderr) = w.search(&[]);
    assert_eq!(code, Some(0), "the mirror is made: {stderr}");
    w.sign_in();
    // Offline with nothing cached: not compared, and nothing asked.
    let (code, _, stderr) = w.search(&["--offline"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("did not compare with published connectors: working offline"),
        "{stderr}"
    );
    assert_eq!(w.fake.count("GET", "/providers/Microsoft.PowerApps/apis"), 0);

    // Another publisher's connector with the same title is related, not a duplicate (the default
    // environment is found through the environments list).
    std::fs::write(
        w.connector.join("apiProperties.json"),
        r#"{"properties": {"publisher": "Jane Doe"}}"#,
    )
    .unwrap();
    let (code, stdout, stderr) = w.search(&[]);
    assert_eq!(code, Some(4), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("related") && stdout.contains("published as 'SharePoint' by Microsoft"),
        "{stdout}"
    );
}

/// `submit` stops on a published duplicate as on one upstream (before anything is written), says
/// so, and goes on with `--allow-duplicate`; not signed in, it says it did not compare.
#[test]
fn submit_stops_on_a_published_duplicate() {
    let w = World::new();
    // A connector that passes validation, titled SharePoint and published by Microsoft.
    std::fs::remove_dir_all(&w.connector).unwrap();
    crate::common::write_clean_connector(&w.connector);
    for name in ["apiDefinition.swagger.json", "apiProperties.json", "readme.md"] {
        let path = w.connector.join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        let text = text
            .replace("Open Brewery DB", "SharePoint")
            .replace("Jane Doe", "Microsoft Corporation");
        std::fs::write(&path, text).unwrap();
    }
    let (code, stdout, stderr) = w.submit(&[]);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("did not compare with published connectors: not signed in"),
        "{stderr}"
    );
    w.sign_in();
    let (code, stdout, stderr) = w.submit(&[]);
    assert_eq!(code, Some(5), "{stdout}\n{stderr}");
    let all = format!("{stdout}{stderr}");
    assert!(all.contains("already published in Power Platform"), "{all}");
    assert!(all.contains("SharePoint"), "{all}");
    assert!(w.fake.count("GET", "/providers/Microsoft.PowerApps/apis") > 0);
    let (code, stdout, stderr) = w.submit(&["--allow-duplicate", "a different API of the same service"]);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
}

#[test]
fn submit_online_validate_puts_the_services_verdict_in_the_pull_request_and_stops_on_its_errors() {
    let w = World::new();
    std::fs::remove_dir_all(&w.connector).unwrap();
    crate::common::write_clean_connector(&w.connector);
    // Not signed in: it says how, and nothing goes on.
    let (code, stdout, stderr) = w.submit(&["--online-validate"]);
    assert_eq!(code, Some(3), "{stdout}\n{stderr}");
    assert!(stderr.contains("connector-publish login"), "{stderr}");
    w.sign_in();
    let (code, stdout, stderr) = w.submit(&["--online-validate"]);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("**Power Platform's validator** (`validateApiSwagger`, certification rules on): validated, no messages ("),
        "{stdout}"
    );
    const VALIDATE: &str = "/providers/Microsoft.PowerApps/objectIds/00000000-0000-4000-8000-0000000000aa/validateApiSwagger";
    assert_eq!(w.fake.count("POST", VALIDATE), 1);
    let sent = w.fake.requests_to(VALIDATE);
    assert_eq!(sent[0].query_param("enableConnectorCertificationRules").as_deref(), Some("true"));
    // Without the flag, nothing is asked and the body says nothing about it.
    let (code, stdout, _) = w.submit(&[]);
    assert_eq!(code, Some(0));
    assert!(!stdout.contains("Power Platform's validator"));
    assert_eq!(w.fake.count("POST", VALIDATE), 1);
    // The config key does what the flag does; an error the service reports stops the run.
    std::fs::write(w.dir.path().join("config/config.toml"), "online-validate = \"true\"\n").unwrap();
    w.fake
        .set_certification_messages(&["Error: IconNotAllowed: independent publishers do not submit an icon."]);
    let (code, stdout, stderr) = w.submit(&[]);
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(stderr.contains("Power Platform's validator reported errors"), "{stderr}");
    assert!(stderr.contains("which no offline rule covers"), "{stderr}");
    assert_eq!(w.fake.count("POST", VALIDATE), 2);
}
