//! What the tool prints or writes never shows a secret the check found, wherever the secret sits:
//! in a file name (the plan's file list, the diff's headers), in `info.title` (the folder name,
//! the title-length message), in a value a finding quotes (an operationId), or in code where only
//! the line before gives it away (a diff cuts that context off). And values given on the command
//! line that would go public as they are (`--name`, `--branch`, `--title`) are refused.

use crate::common::{self, git};
use assert_cmd::Command;
use serde_json::json;
use std::path::Path;

/// Made-up credentials (none was ever issued).
const IN_TITLE: &str = "ghp_R8sK2mXq9LpZ4vN7tB3wY6cD1fH5jG0aE2iU";
const IN_NAME: &str = "AKIAZ3MXQ7TR2LPV4KWN";
const IN_OPERATION_ID: &str = "xoxb-2048613457-9834756102934-Rk8sZq2mXLp4vN7tB3wY6cD1";
const IN_CODE: &str = "rdZSlB5er8bOfZqfM2oeq3hDavJA76rNicHTp8hk";

fn edit_json(path: &Path, f: impl FnOnce(&mut serde_json::Value)) {
    let mut value = common::json_file(path);
    f(&mut value);
    std::fs::write(path, serde_json::to_string_pretty(&value).unwrap()).unwrap();
}

/// A connector with a secret in each of those places, and a one-connector upstream.
fn world() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let connector = dir.path().join("connector");
    common::write_clean_connector(&connector);
    edit_json(&connector.join("apiDefinition.swagger.json"), |v| {
        v["info"]["title"] = json!(format!("Brewery {IN_TITLE}"));
        v["paths"]["/breweries/{obdb_id}"]["get"]["operationId"] = json!(IN_OPERATION_ID);
    });
    std::fs::write(connector.join(format!("{IN_NAME}.md")), "notes\n").unwrap();
    std::fs::write(
        connector.join("script.csx"),
        format!("public class Script : ScriptBase\n{{\n    private const string apiKey =\n        \"{IN_CODE}\";\n}}\n"),
    )
    .unwrap();
    let upstream = dir.path().join("upstream");
    std::fs::create_dir_all(upstream.join("certified-connectors/DeepL")).unwrap();
    std::fs::write(
        upstream.join("certified-connectors/DeepL/apiDefinition.swagger.json"),
        r#"{"swagger": "2.0", "info": {"title": "DeepL"}, "host": "api.deepl.com", "paths": {}}"#,
    )
    .unwrap();
    git(&upstream, &["init", "-q", "-b", "dev"]);
    git(&upstream, &["add", "-A"]);
    git(&upstream, &["commit", "-qm", "upstream"]);
    (dir, connector, upstream)
}

fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let out = Command::cargo_bin("connector-publish")
        .unwrap()
        .args(args)
        .env("CONNECTOR_PUBLISH_CACHE", dir.join("cache"))
        .env(common::NO_SIGN_IN.0, common::NO_SIGN_IN.1)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GH_TOKEN")
        .env_remove("GITHUB_TOKEN")
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code(), all)
}

fn assert_hidden(what: &str, text: &str) {
    for secret in [IN_TITLE, IN_NAME, IN_OPERATION_ID, IN_CODE] {
        assert!(!text.contains(secret), "{what} shows {secret}:\n{text}");
    }
}

#[test]
fn nothing_printed_or_written_shows_a_secret_the_check_found() {
    let (dir, connector, upstream) = world();
    let folder = connector.to_str().unwrap();
    for args in [
        vec!["validate", folder],
        vec!["validate", "--json", folder],
        vec!["-vv", "validate", folder],
    ] {
        let (code, all) = run(dir.path(), &args);
        assert_eq!(code, Some(1), "{args:?}: {all}");
        assert_hidden(&format!("{args:?}"), &all);
        // Each was found, and its mask is what is shown.
        for mask in ["ghp_…(40 chars)", "AKIA…(20 chars)", "xoxb-…(", "rdZ…(40 chars)"] {
            assert!(all.contains(mask), "{args:?} lacks {mask}:\n{all}");
        }
    }
    let patch = dir.path().join("change.patch");
    let up = upstream.to_str().unwrap();
    let submit = ["submit", "--dry-run", "--upstream", up, "--author", "Jane Doe <jane@example.org>"];
    for extra in [vec![], vec!["--json"], vec!["-vv"]] {
        let mut args: Vec<&str> = submit.to_vec();
        args.extend(&extra);
        args.extend(["--patch", patch.to_str().unwrap(), folder]);
        let (code, all) = run(dir.path(), &args);
        assert_eq!(code, Some(1), "{args:?}: {all}");
        assert_hidden(&format!("{args:?}"), &all);
        // The plan (the file list, the diff's headers) and the patch were written, masked.
        assert!(all.contains("AKIA…(20 chars).md"), "{args:?}:\n{all}");
        let written = std::fs::read_to_string(&patch).unwrap();
        assert_hidden("the patch", &written);
        assert!(written.contains("rdZ…(40 chars)"), "{written}");
    }
}

#[test]
fn command_line_values_that_would_go_public_hold_no_secret() {
    let (dir, connector, upstream) = world();
    for flag in ["--name", "--branch", "--title", "--allow-duplicate"] {
        let value = format!("x-{IN_TITLE}");
        let args = ["submit", "--dry-run", "--upstream", upstream.to_str().unwrap(), flag, &value];
        let (code, all) = run(dir.path(), &[&args[..], &[connector.to_str().unwrap()]].concat());
        assert_eq!(code, Some(2), "{flag}: {all}");
        assert!(
            all.contains(&format!("{flag} holds a GitHub token (ghp_…(40 chars))")),
            "{flag}: {all}"
        );
        assert_hidden(flag, &all);
    }
}
