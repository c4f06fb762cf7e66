//! Shared helpers for integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

pub mod certification;

/// The real corpus, from `CONNECTOR_PUBLISH_CORPUS`: a panic when the variable is unset or the data
/// is missing, so an included corpus test cannot pass without it.
pub fn corpus() -> PathBuf {
    // The tests that read the corpus are #[ignore]d; run with --include-ignored, they fail
    // rather than pass without it.
    let Some(root) = std::env::var_os("CONNECTOR_PUBLISH_CORPUS") else {
        panic!("CONNECTOR_PUBLISH_CORPUS is not set; set it to the corpus folder (.ci/run uses ../shared/corpus)");
    };
    let root = PathBuf::from(root);
    let root = if root.is_relative() {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(root)
    } else {
        root
    };
    for sub in [
        "upstream/certified-connectors",
        "upstream/independent-publisher-connectors",
        "upstream/custom-connectors",
        "replays",
    ] {
        assert!(root.join(sub).is_dir(), "CONNECTOR_PUBLISH_CORPUS={} lacks {sub}", root.display());
    }
    root
}

/// Every connector folder of the corpus's upstream, with the category folder it sits in.
pub fn upstream_connectors(root: &std::path::Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for category in ["certified-connectors", "independent-publisher-connectors", "custom-connectors"] {
        for entry in std::fs::read_dir(root.join("upstream").join(category)).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_dir() {
                out.push((category.to_string(), entry.path()));
            }
        }
    }
    out.sort();
    out
}

/// A clean independent publisher connector (no validation errors), written to `dir`.
/// The Power Platform sign-in a test's run sees: none, whatever the machine's user has (so a
/// run never compares with a real environment's published connectors).
pub const NO_SIGN_IN: (&str, &str) = (
    "CONNECTOR_PUBLISH_TOKEN_CACHE",
    "/nonexistent/connector-publish/powerplatform-token.json",
);

pub fn write_clean_connector(dir: &std::path::Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("apiDefinition.swagger.json"),
        r#"{
  "swagger": "2.0",
  "info": {
    "title": "Open Brewery DB",
    "description": "Open Brewery DB is a free dataset and API with public information on breweries, cideries and brewpubs.",
    "version": "1.0",
    "contact": {"name": "Jane Doe", "url": "https://www.openbrewerydb.org", "email": "jane@example.org"}
  },
  "host": "api.openbrewerydb.org",
  "basePath": "/v1",
  "schemes": ["https"],
  "paths": {
    "/breweries/{obdb_id}": {
      "get": {
        "summary": "Get brewery",
        "description": "Gets one brewery by its identifier.",
        "operationId": "GetBrewery",
        "parameters": [
          {"name": "obdb_id", "in": "path", "required": true, "type": "string", "x-ms-summary": "Brewery ID", "description": "The identifier of the brewery."}
        ],
        "responses": {"200": {"description": "OK", "schema": {"type": "object", "properties": {"name": {"type": "string"}}}}}
      }
    }
  },
  "x-ms-connector-metadata": [
    {"propertyName": "Website", "propertyValue": "https://www.openbrewerydb.org"},
    {"propertyName": "Privacy policy", "propertyValue": "https://www.openbrewerydb.org/privacy"},
    {"propertyName": "Categories", "propertyValue": "Data"}
  ]
}
"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("apiProperties.json"),
        "{\r\n  \"properties\": {\r\n    \"iconBrandColor\": \"#da3b01\",\r\n    \"capabilities\": [],\r\n    \"publisher\": \"Jane Doe\",\r\n    \"stackOwner\": \"Open Brewery DB\"\r\n  }\r\n}\r\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("readme.md"),
        "# Open Brewery DB\nOpen Brewery DB is a free dataset of breweries.\n\n## Publisher: Jane Doe\n\n## Prerequisites\nNone.\n\n## Supported Operations\n### Get brewery\nGets one brewery.\n\n## Obtaining Credentials\nNo key is needed.\n\n## Known Issues and Limitations\nNone.\n",
    )
    .unwrap();
}

/// A folder's top-level files, sorted by name, with their bytes: to assert a folder is unchanged.
pub fn snapshot(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap()))
        .collect();
    files.sort();
    files
}

/// A JSON file's value; a test failure naming the file when it is not JSON.
pub fn json_file(path: &std::path::Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Run a shell command line on a pseudo-terminal (`script`), typing `answers` one by one: the
/// first after 1.5 s, the next 1 s apart, and 1.5 s more before the input closes, so that each
/// prompt has appeared and the work after the last answer has finished. `setup` sets the
/// environment and the working folder.
pub fn on_a_terminal(command_line: &str, setup: impl FnOnce(&mut std::process::Command), answers: &[&[u8]]) -> std::process::Output {
    use std::io::Write;
    use std::time::Duration;
    let mut cmd = std::process::Command::new("script");
    cmd.args(["-qec", command_line, "/dev/null"]);
    setup(&mut cmd);
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for (i, answer) in answers.iter().enumerate() {
        std::thread::sleep(Duration::from_millis(if i == 0 { 1500 } else { 1000 }));
        stdin.write_all(answer).unwrap();
    }
    std::thread::sleep(Duration::from_millis(1500));
    drop(stdin);
    child.wait_with_output().unwrap()
}

/// Run git in `dir` with no user or system configuration (no credential helper), `dev` as the
/// first branch and a fixed identity; its standard output, trimmed. Panics when git fails.
pub fn git(dir: &std::path::Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "credential.helper=",
            "-c",
            "init.defaultBranch=dev",
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.com",
        ])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env_remove("GIT_DIR")
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}
