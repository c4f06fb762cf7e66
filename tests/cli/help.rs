//! `--help` of every command, as snapshots: a change to help text shows up in review.
//! Update with `INSTA_UPDATE=always cargo test --test help` (or `cargo insta review`).

use assert_cmd::Command;

fn help(args: &[&str]) -> String {
    let out = Command::cargo_bin("connector-publish")
        .unwrap()
        .args(args)
        .arg("--help")
        .env("COLUMNS", "100")
        .env_remove("CONNECTOR_PUBLISH_UPSTREAM")
        .env_remove("CONNECTOR_PUBLISH_BASE_BRANCH")
        .env_remove("CONNECTOR_PUBLISH_MAX_AGE_HOURS")
        .env_remove("CONNECTOR_PUBLISH_GITHUB_API")
        .env_remove("CONNECTOR_PUBLISH_UPSTREAM_REPO")
        .env_remove("CONNECTOR_PUBLISH_FORK_OWNER")
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn help_texts() {
    for (name, args) in [
        ("main", &[][..]),
        ("validate", &["validate"][..]),
        ("submit", &["submit"][..]),
        ("status", &["status"][..]),
        ("fork_sync", &["fork", "sync"][..]),
        ("cleanup", &["cleanup"][..]),
        ("search", &["search"][..]),
        ("sync", &["sync"][..]),
        ("init", &["init"][..]),
        ("config", &["config"][..]),
        ("config_set", &["config", "set"][..]),
        ("config_get", &["config", "get"][..]),
        ("config_unset", &["config", "unset"][..]),
        ("config_list", &["config", "list"][..]),
        ("man", &["man"][..]),
        ("completions", &["completions"][..]),
        ("login", &["login"][..]),
        ("logout", &["logout"][..]),
        ("download", &["download"][..]),
        ("create", &["create"][..]),
        ("update", &["update"][..]),
        ("package", &["package"][..]),
        ("package_check", &["package", "check"][..]),
        ("package_intro", &["package", "intro"][..]),
        ("package_build", &["package", "build"][..]),
    ] {
        insta::assert_snapshot!(name, help(args));
    }
}
