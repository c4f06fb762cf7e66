//! The user's config file: defaults set once (upstream, base branch, fork owner, branch prefix,
//! default category). Flags override environment variables, which override this file.
//!
//! It lives in the platform config folder (`~/.config/connector-publish/config.toml` on Linux),
//! or at `CONNECTOR_PUBLISH_CONFIG`.

use anyhow::{anyhow, bail, Context};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The keys a user may set, with what they mean.
pub const KEYS: [(&str, &str); 6] = [
    ("upstream", "the upstream repository: a git URL or a local path"),
    ("base-branch", "the branch contributions are based on"),
    ("fork-owner", "fork into this organization instead of your account"),
    ("branch-prefix", "put this before branch names, e.g. \"connectors/\""),
    (
        "category",
        "the category when --category is not given: certified, independent-publisher or custom",
    ),
    (
        "online-validate",
        "\"true\": submit has Power Platform validate the swagger first (--online-validate)",
    ),
];

pub fn path() -> anyhow::Result<PathBuf> {
    if let Some(p) = std::env::var_os("CONNECTOR_PUBLISH_CONFIG") {
        return Ok(PathBuf::from(p));
    }
    dirs::config_dir()
        .map(|d| d.join("connector-publish").join("config.toml"))
        .ok_or_else(|| anyhow!("cannot tell where the config folder is; set CONNECTOR_PUBLISH_CONFIG to a file"))
}

/// The settings in the file (missing file: none).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    pub values: BTreeMap<String, String>,
}

impl Config {
    pub fn load() -> anyhow::Result<Config> {
        let path = path()?;
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        };
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            let at = e.span().map(|s| {
                let line = text[..s.start].lines().count().max(1);
                let column = s.start - text[..s.start].rfind('\n').map_or(0, |i| i + 1) + 1;
                format!(":{line}:{column}")
            });
            anyhow!(
                "{}{}: {}; fix the file or remove it",
                path.display(),
                at.unwrap_or_default(),
                e.message()
            )
        })?;
        let mut values = BTreeMap::new();
        for (k, v) in table {
            if !KEYS.iter().any(|(key, _)| *key == k) {
                bail!(
                    "{}: unknown setting `{k}`; the settings are {}",
                    path.display(),
                    KEYS.map(|(k, _)| k).join(", ")
                );
            }
            let v = v.as_str().ok_or_else(|| anyhow!("{}: `{k}` must be a string", path.display()))?;
            values.insert(k, v.to_string());
        }
        Ok(Config { values })
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(String::as_str)
    }

    /// Set (or with `None`, remove) one value and write the file atomically.
    pub fn set(key: &str, value: Option<&str>) -> anyhow::Result<PathBuf> {
        if !KEYS.iter().any(|(k, _)| *k == key) {
            bail!("unknown setting `{key}`; the settings are {}", KEYS.map(|(k, _)| k).join(", "));
        }
        let mut config = Config::load()?;
        match value {
            Some(v) => config.values.insert(key.to_string(), v.to_string()),
            None => config.values.remove(key),
        };
        let path = path()?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        let table: toml::Table = config
            .values
            .iter()
            .map(|(k, v)| (k.clone(), toml::Value::String(v.clone())))
            .collect();
        let tmp = path.with_extension("toml.tmp");
        std::fs::write(&tmp, toml::to_string(&table)?).with_context(|| format!("writing {}", tmp.display()))?;
        std::fs::rename(&tmp, &path).with_context(|| format!("writing {}", path.display()))?;
        Ok(path)
    }
}

// Where the tool points when nothing else is said: the real services. Flags, the environment
// and the keys above override them.

/// The production upstream.
pub const DEFAULT_UPSTREAM: &str = "https://github.com/microsoft/PowerPlatformConnectors.git";
/// The branch contributions are based on.
pub const DEFAULT_BRANCH: &str = "dev";
/// GitHub's REST API.
pub const DEFAULT_API: &str = "https://api.github.com";
/// The upstream repository on GitHub.
pub const DEFAULT_UPSTREAM_REPO: &str = "microsoft/PowerPlatformConnectors";
/// Where the Microsoft identity platform lives (public cloud).
pub const DEFAULT_AUTHORITY: &str = "https://login.microsoftonline.com";
/// The Power Apps resource provider, as paconn's `powerAppsUrl`.
pub const DEFAULT_POWERAPPS_URL: &str = "https://api.powerapps.com";
/// The Flow resource provider, which lists environments.
pub const DEFAULT_FLOW_URL: &str = "https://api.flow.microsoft.com";
/// The public client id paconn signs in with (Microsoft's first-party Azure CLI application).
pub const DEFAULT_CLIENT_ID: &str = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
/// Work and school accounts of any tenant.
pub const DEFAULT_TENANT: &str = "organizations";

// Kept for tests, not a user interface: the integration tests run the real binary and set these
// to make waits short and limits small. They are read here and nowhere else (`test_knobs`), and
// CONTRIBUTING lists them; a value that is not a number is ignored.

/// GitHub: the pause between polls (a new fork) and the first retry delay, in milliseconds.
pub const TEST_POLL_MS: &str = "CONNECTOR_PUBLISH_TEST_POLL_MS";
/// Power Platform: the first pause before a retry, in milliseconds.
pub const TEST_RETRY_MS: &str = "CONNECTOR_PUBLISH_TEST_RETRY_MS";
/// Lowers the caps on the answers read into memory (API and storage), in bytes.
pub const TEST_BODY_CAP: &str = "CONNECTOR_PUBLISH_TEST_BODY_CAP";
/// GitHub: how long `submit` waits for a new fork, in seconds.
pub const TEST_FORK_TIMEOUT: &str = "CONNECTOR_PUBLISH_TEST_FORK_TIMEOUT";
/// `status --watch`: the first pause between looks, in milliseconds (instead of `--interval`).
pub const TEST_WATCH_MS: &str = "CONNECTOR_PUBLISH_TEST_WATCH_MS";

/// The test-only knobs that are set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TestKnobs {
    /// [`TEST_POLL_MS`].
    pub poll: Option<std::time::Duration>,
    /// [`TEST_RETRY_MS`].
    pub retry: Option<std::time::Duration>,
    /// [`TEST_BODY_CAP`].
    pub body_cap: Option<u64>,
    /// [`TEST_FORK_TIMEOUT`].
    pub fork_timeout: Option<std::time::Duration>,
    /// [`TEST_WATCH_MS`], at least 1 ms.
    pub watch: Option<std::time::Duration>,
}

/// The test-only knobs from the environment.
pub fn test_knobs() -> TestKnobs {
    let number = |name: &str| std::env::var(name).ok().and_then(|v| v.trim().parse::<u64>().ok());
    TestKnobs {
        poll: number(TEST_POLL_MS).map(std::time::Duration::from_millis),
        retry: number(TEST_RETRY_MS).map(std::time::Duration::from_millis),
        body_cap: number(TEST_BODY_CAP),
        fork_timeout: number(TEST_FORK_TIMEOUT).map(std::time::Duration::from_secs),
        watch: number(TEST_WATCH_MS).map(|ms| std::time::Duration::from_millis(ms.max(1))),
    }
}
