//! Compatibility with the real peer: paconn 0.0.21 (`paconn download`) and `connector-publish
//! download` fetch the same connectors from the same loopback server, and the folders must hold the
//! same files with equal JSON values and identical icon and script bytes. The one intended
//! difference: `apiProperties.json` loses the service's output-only OAuth fields.
//!
//! paconn comes from `CONNECTOR_PUBLISH_PACONN` (`.ci/run` installs it from PyPI); without it the
//! test says SKIPPED, and with it set to a missing file it fails.

use crate::common;
use crate::support;

use assert_cmd::Command;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use support::powerplatform::{rich_connector, FakeConnector, FakePowerPlatform, FakePowerPlatformConfig, DEFAULT_ENVIRONMENT};

fn paconn() -> PathBuf {
    let path = PathBuf::from(
        std::env::var_os("CONNECTOR_PUBLISH_PACONN")
            .expect("CONNECTOR_PUBLISH_PACONN is not set: point it at a paconn 0.0.21 executable (.ci/run installs one)"),
    );
    assert!(path.is_file(), "CONNECTOR_PUBLISH_PACONN={} does not exist", path.display());
    path
}

/// Whether any `oAuthSettings` under the value has one of the output-only fields.
fn has_output_only_oauth(value: &Value) -> bool {
    let mut found = false;
    connector_publish::connector::json::walk(value, &mut |pointer, key, _| {
        if pointer.contains("/oAuthSettings/") && matches!(key, "redirectUrl" | "properties") {
            found = true;
        }
        true
    });
    found
}

struct Comparison {
    connectors: usize,
    files: usize,
    oauth_fields_dropped: usize,
}

/// The names of a folder's files, sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn compare(paconn_dir: &Path, ours_dir: &Path, what: &str, tally: &mut Comparison) {
    assert_eq!(files(ours_dir), files(paconn_dir), "{what}: the same files");
    for name in files(paconn_dir) {
        let (theirs, ours) = (paconn_dir.join(&name), ours_dir.join(&name));
        match name.as_str() {
            "apiProperties.json" => {
                let theirs = common::json_file(&theirs);
                let ours = common::json_file(&ours);
                // Ours is paconn's with the output-only OAuth fields removed, and nothing else changed.
                let expected = connector_publish::powerplatform::download::api_properties(&theirs["properties"]);
                assert_eq!(ours, expected, "{what}: apiProperties.json");
                if has_output_only_oauth(&theirs) {
                    assert!(!has_output_only_oauth(&ours));
                    tally.oauth_fields_dropped += 1;
                } else {
                    assert_eq!(ours, theirs, "{what}: apiProperties.json");
                }
            }
            n if n.ends_with(".json") => assert_eq!(common::json_file(&ours), common::json_file(&theirs), "{what}: {n}"),
            n => assert!(
                std::fs::read(&ours).unwrap() == std::fs::read(&theirs).unwrap(),
                "{what}: {n} differs"
            ),
        }
        tally.files += 1;
    }
    tally.connectors += 1;
}

#[test]
#[ignore = "needs paconn 0.0.21 in CONNECTOR_PUBLISH_PACONN and the corpus in CONNECTOR_PUBLISH_CORPUS; .ci/run provides both"]
fn paconn_and_connector_publish_download_the_same_folders() {
    let paconn = paconn();
    let mut connectors = vec![
        rich_connector(DEFAULT_ENVIRONMENT, "shared_cafe-5f01"),
        // No script, no policy templates, no icon: keys and files are simply absent.
        FakeConnector::new(DEFAULT_ENVIRONMENT, "shared_plain-5f02", "Plain").properties(json!({
            "displayName": "Plain",
            "iconBrandColor": "#007ee5",
            "connectionParameters": {"api_key": {"type": "securestring", "uiDefinition": {"displayName": "API Key", "description": "Ünïcödé 🔑", "tooltip": "Provide your key", "constraints": {"tabIndex": 2, "clearText": false, "required": "true"}}}},
            "capabilities": ["actions"],
        })),
    ];
    // Real connectors: the ones with the most of what the download must carry (OAuth, parameter
    // sets, policy templates, non-ASCII text).
    let corpus = common::corpus();
    let mut scored: Vec<(usize, PathBuf)> = common::upstream_connectors(&corpus)
        .into_iter()
        .filter_map(|(_, folder)| {
            let properties = std::fs::read_to_string(folder.join("apiProperties.json")).ok()?;
            let swagger = std::fs::read(folder.join("apiDefinition.swagger.json")).ok()?;
            serde_json::from_str::<Value>(properties.trim_start_matches('\u{feff}')).ok()?;
            serde_json::from_slice::<Value>(swagger.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&swagger)).ok()?;
            let score = ["oAuthSettings", "connectionParameterSets", "policyTemplateInstances", "redirectUrl"]
                .iter()
                .filter(|k| properties.contains(*k))
                .count()
                + usize::from(!properties.is_ascii() || !swagger.is_ascii())
                + usize::from(swagger.starts_with(b"\xEF\xBB\xBF"));
            Some((score, folder))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (i, (_, folder)) in scored.iter().take(12).enumerate() {
        let properties: Value = serde_json::from_str(
            std::fs::read_to_string(folder.join("apiProperties.json"))
                .unwrap()
                .trim_start_matches('\u{feff}'),
        )
        .unwrap();
        let mut properties = properties.get("properties").cloned().unwrap_or_else(|| json!({}));
        let name = folder.file_name().unwrap().to_string_lossy().into_owned();
        properties["displayName"] = json!(name);
        connectors.push(
            FakeConnector::new(DEFAULT_ENVIRONMENT, &format!("shared_corpus-5f{i:02}"), &name)
                .properties(properties)
                .swagger(std::fs::read(folder.join("apiDefinition.swagger.json")).unwrap())
                .icon(b"\x89PNG\r\n\x1a\nicon".to_vec()),
        );
    }
    let mut config = FakePowerPlatformConfig::default();
    for c in &connectors {
        config = config.connector(c.clone());
    }
    let fake = FakePowerPlatform::start(config);

    // paconn reads its token from ~/.paconn/accessTokens.json and then never signs in.
    let home = tempfile::tempdir().unwrap();
    let cache = home.path().join("token.json");
    let token = fake.write_token_cache(&cache);
    std::fs::create_dir_all(home.path().join(".paconn")).unwrap();
    std::fs::write(
        home.path().join(".paconn/accessTokens.json"),
        json!({"token_type": "Bearer", "access_token": token, "expires_on": 4102444800u64}).to_string(),
    )
    .unwrap();

    let mut tally = Comparison {
        connectors: 0,
        files: 0,
        oauth_fields_dropped: 0,
    };
    for connector in &connectors {
        let theirs = home.path().join("paconn").join(&connector.id);
        let ours = home.path().join("ours").join(&connector.id);
        let out = std::process::Command::new(&paconn)
            .args(["download", "-e", DEFAULT_ENVIRONMENT, "-c", &connector.id, "-u", &fake.url(), "-d"])
            .arg(&theirs)
            .env("HOME", home.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "paconn on {}: {}",
            connector.id,
            String::from_utf8_lossy(&out.stderr)
        );
        let out = Command::cargo_bin("connector-publish")
            .unwrap()
            .args(["download", "-e", DEFAULT_ENVIRONMENT, "-c", &connector.id, "-u", &fake.url(), "-d"])
            .arg(&ours)
            .env("CONNECTOR_PUBLISH_TOKEN_CACHE", &cache)
            .env("CONNECTOR_PUBLISH_FLOW_URL", fake.url())
            .env("CONNECTOR_PUBLISH_AUTHORITY", fake.url())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "ours on {}: {}",
            connector.id,
            String::from_utf8_lossy(&out.stderr)
        );
        compare(&theirs, &ours, &connector.id, &mut tally);
    }
    eprintln!(
        "paconn compatibility: {} connectors, {} files equal ({} apiProperties.json differ only by the dropped output-only OAuth fields)",
        tally.connectors, tally.files, tally.oauth_fields_dropped
    );
    assert!(tally.oauth_fields_dropped >= 1, "the rich connector has OAuth output-only fields");
    // Both tools made the same calls to the service, and neither sent the token to storage.
    assert!(fake.storage_requests_with_authorization().is_empty());
}
