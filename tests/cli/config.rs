//! The config file and its precedence: flags override environment variables override the file.

use assert_cmd::Command;

fn bin(config: &std::path::Path, cache: &std::path::Path) -> Command {
    let mut cmd = Command::cargo_bin("connector-publish").unwrap();
    cmd.env("CONNECTOR_PUBLISH_CONFIG", config)
        .env("CONNECTOR_PUBLISH_CACHE", cache)
        .env_remove("CONNECTOR_PUBLISH_UPSTREAM");
    cmd
}

#[test]
fn set_get_list_unset_and_bad_values() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("sub/config.toml");
    bin(&config, dir.path())
        .args(["config", "set", "fork-owner", "contoso-org"])
        .assert()
        .success();
    bin(&config, dir.path())
        .args(["config", "get", "fork-owner"])
        .assert()
        .success()
        .stdout("contoso-org\n");
    bin(&config, dir.path())
        .args(["config", "list"])
        .assert()
        .success()
        .stdout(predicates::str::contains("fork-owner = \"contoso-org\""))
        .stdout(predicates::str::contains("# upstream (unset)"));
    assert!(std::fs::read_to_string(&config).unwrap().contains("fork-owner = \"contoso-org\""));
    bin(&config, dir.path()).args(["config", "unset", "fork-owner"]).assert().success();
    bin(&config, dir.path()).args(["config", "get", "fork-owner"]).assert().code(1);
    bin(&config, dir.path())
        .args(["config", "set", "colour", "blue"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown setting `colour`"));
    bin(&config, dir.path())
        .args(["config", "set", "category", "verified"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown category"));
    std::fs::write(&config, "upstream = [1,\n").unwrap();
    bin(&config, dir.path())
        .args(["config", "list"])
        .assert()
        .code(3)
        .stderr(predicates::str::contains("config.toml:1:"));
}

#[test]
fn flags_override_environment_override_file() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    let missing = |name: &str| dir.path().join(name).display().to_string();
    bin(&config, dir.path())
        .args(["config", "set", "upstream", &missing("from-file")])
        .assert()
        .success();
    // The file's value is used when nothing else is given...
    bin(&config, dir.path())
        .arg("sync")
        .assert()
        .code(3)
        .stderr(predicates::str::contains("from-file"));
    // ... the environment beats it ...
    bin(&config, dir.path())
        .arg("sync")
        .env("CONNECTOR_PUBLISH_UPSTREAM", missing("from-env"))
        .assert()
        .code(3)
        .stderr(predicates::str::contains("from-env"));
    // ... and a flag beats both.
    bin(&config, dir.path())
        .args(["sync", "--upstream", &missing("from-flag")])
        .env("CONNECTOR_PUBLISH_UPSTREAM", missing("from-env"))
        .assert()
        .code(3)
        .stderr(predicates::str::contains("from-flag"));
    // A default category from the file applies when --category is not given.
    bin(&config, dir.path())
        .args(["config", "set", "category", "certified"])
        .assert()
        .success();
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/PoetryDB");
    bin(&config, dir.path())
        .arg("validate")
        .arg(&sample)
        .assert()
        .stdout(predicates::str::contains("as certified"));
    bin(&config, dir.path())
        .args(["validate", "--without-package", "--category", "independent-publisher"])
        .arg(&sample)
        .assert()
        .success()
        .stdout(predicates::str::contains("as independent-publisher"));
}
