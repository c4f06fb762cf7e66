//! A connector's files, fetched from its environment and laid out as `paconn download` does:
//! `apiDefinition.swagger.json`, `apiProperties.json`, `icon.png`, `script.csx` when it has one,
//! and paconn's `settings.json`, so that paconn (and the maker portal's import) can still use the
//! folder.
//!
//! Everything is fetched into memory first and written only when every fetch worked; files are
//! written through temporary files and renamed into place, with the old files put back if a rename
//! fails, so an interrupted download never leaves a mix of old and new.

use super::api::PowerPlatform;
use super::{redact_url, API_VERSION};
use anyhow::{anyhow, bail, Context};
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What paconn keeps of a connector's properties in `apiProperties.json`, in paconn's order.
pub const KEPT_PROPERTIES: [&str; 8] = [
    "connectionParameters",
    "connectionParameterSets",
    "iconBrandColor",
    "scriptOperations",
    "capabilities",
    "policyTemplateInstances",
    "publisher",
    "stackOwner",
];

/// Fields of `oAuthSettings` that the service fills in and does not take back: the redirect URL is
/// the service's own, and `properties` holds the service's flags.
pub const OUTPUT_ONLY_OAUTH_FIELDS: [&str; 2] = ["redirectUrl", "properties"];

pub const SWAGGER: &str = "apiDefinition.swagger.json";
pub const PROPERTIES: &str = "apiProperties.json";
pub const ICON: &str = "icon.png";
pub const SCRIPT: &str = "script.csx";
pub const SETTINGS: &str = "settings.json";

/// One file of the download; names are the constants above, never taken from an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadedFile {
    pub name: &'static str,
    pub bytes: Vec<u8>,
}

/// A connector fetched from an environment, not yet written anywhere.
#[derive(Debug, Clone)]
pub struct Download {
    pub environment: String,
    pub connector_id: String,
    pub display_name: String,
    pub files: Vec<DownloadedFile>,
    /// Things the user should know (a swagger that was not strict JSON, say).
    pub notes: Vec<String>,
}

/// Fetch everything a connector folder needs. Nothing is written.
pub fn fetch(pp: &mut PowerPlatform, http: &reqwest::blocking::Client, environment: &str, connector_id: &str) -> anyhow::Result<Download> {
    let connector = pp.connector(environment, connector_id)?;
    let properties = connector
        .get("properties")
        .ok_or_else(|| anyhow!("the answer for connector `{connector_id}` has no properties; is it a custom connector?"))?;
    let display_name = properties
        .get("displayName")
        .and_then(Value::as_str)
        .unwrap_or(connector_id)
        .to_string();
    let retry_delay = pp.endpoints().retry_delay;
    let mut notes = Vec::new();

    let swagger_url = properties
        .pointer("/apiDefinitions/originalSwaggerUrl")
        .and_then(Value::as_str)
        .ok_or_else(|| anyhow!("connector `{connector_id}` has no API definition (properties.apiDefinitions.originalSwaggerUrl)"))?;
    let swagger = fetch_storage(http, swagger_url, "the API definition", retry_delay)?;
    let (swagger, note) = swagger_file(&swagger);
    notes.extend(note);

    let mut files = vec![
        DownloadedFile {
            name: SWAGGER,
            bytes: swagger,
        },
        DownloadedFile {
            name: PROPERTIES,
            bytes: pretty(&api_properties(properties)),
        },
    ];
    if let Some(url) = properties.get("iconUri").and_then(Value::as_str) {
        files.push(DownloadedFile {
            name: ICON,
            bytes: fetch_storage(http, url, "the icon", retry_delay)?,
        });
    }
    let script_url = properties
        .get("scriptDefinitionUrl")
        .and_then(Value::as_str)
        .filter(|u| !u.is_empty());
    if let Some(url) = script_url {
        files.push(DownloadedFile {
            name: SCRIPT,
            bytes: fetch_storage(http, url, "the custom code (script.csx)", retry_delay)?,
        });
    }
    let settings = settings_json(connector_id, environment, &pp.endpoints().powerapps, script_url.is_some());
    files.push(DownloadedFile {
        name: SETTINGS,
        bytes: pretty(&settings),
    });
    Ok(Download {
        environment: environment.to_string(),
        connector_id: connector_id.to_string(),
        display_name,
        files,
        notes,
    })
}

/// The swagger as the service stores it, without its BOM, indented like the repository's files.
/// A document that is not strict JSON is kept byte for byte (the validator will point at it).
pub fn swagger_file(bytes: &[u8]) -> (Vec<u8>, Option<String>) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match serde_json::from_slice::<Value>(bytes) {
        Ok(value) => (pretty(&value), None),
        Err(e) => (
            bytes.to_vec(),
            Some(format!(
                "{SWAGGER} is not strict JSON ({e}); it was saved as the service sent it: run `connector-publish validate` on the folder"
            )),
        ),
    }
}

/// `apiProperties.json`: the properties paconn keeps, without the service's output-only OAuth fields.
pub fn api_properties(properties: &Value) -> Value {
    let mut kept = Map::new();
    for key in KEPT_PROPERTIES {
        if let Some(value) = properties.get(key) {
            kept.insert(key.to_string(), value.clone());
        }
    }
    let mut parameter_lists: Vec<&mut Value> = Vec::new();
    let (params, sets) = {
        let mut params = None;
        let mut sets = None;
        for (k, v) in kept.iter_mut() {
            match k.as_str() {
                "connectionParameters" => params = Some(v),
                "connectionParameterSets" => sets = Some(v),
                _ => {}
            }
        }
        (params, sets)
    };
    parameter_lists.extend(params);
    if let Some(values) = sets.and_then(|s| s.get_mut("values")).and_then(Value::as_array_mut) {
        parameter_lists.extend(values.iter_mut().filter_map(|set| set.get_mut("parameters")));
    }
    for list in parameter_lists {
        let Some(list) = list.as_object_mut() else { continue };
        for parameter in list.values_mut() {
            if let Some(oauth) = parameter.pointer_mut("/oAuthSettings").and_then(Value::as_object_mut) {
                for field in OUTPUT_ONLY_OAUTH_FIELDS {
                    oauth.shift_remove(field);
                }
            }
        }
    }
    serde_json::json!({ "properties": Value::Object(kept) })
}

/// paconn's `settings.json`, which `paconn create/update -s settings.json` reads. Like paconn, it
/// names `icon.png` even for the rare connector without an icon.
pub fn settings_json(connector_id: &str, environment: &str, powerapps_url: &str, script: bool) -> Value {
    let mut settings = Map::new();
    settings.insert("connectorId".into(), connector_id.into());
    settings.insert("environment".into(), environment.into());
    settings.insert("apiProperties".into(), PROPERTIES.into());
    settings.insert("apiDefinition".into(), SWAGGER.into());
    settings.insert("icon".into(), ICON.into());
    settings.insert("powerAppsUrl".into(), powerapps_url.into());
    settings.insert("powerAppsApiVersion".into(), API_VERSION.into());
    if script {
        settings.insert("script".into(), SCRIPT.into());
    }
    Value::Object(settings)
}

/// Two-space JSON with the text as UTF-8 (not `\u` escapes) and a final newline, like the
/// repository's files.
pub fn pretty(value: &Value) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(value).expect("a JSON value always serializes");
    out.push(b'\n');
    out
}

/// GET a storage URL (a SAS URL: no token is sent, and its signature is never printed).
fn fetch_storage(http: &reqwest::blocking::Client, url: &str, what: &str, retry_delay: Duration) -> anyhow::Result<Vec<u8>> {
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        bail!(
            "the service gave {what} an address that is not http(s) ({}); refusing to fetch it",
            redact_url(url)
        );
    }
    let shown = redact_url(url);
    let mut last = String::new();
    for attempt in 0..3u32 {
        if attempt > 0 {
            std::thread::sleep(retry_delay * 2u32.pow(attempt - 1));
        }
        match http.get(url).send() {
            Ok(response) if response.status().is_success() => {
                return response
                    .bytes()
                    .map(|b| b.to_vec())
                    .map_err(|e| anyhow!("reading {what} from {shown}: {}", e.without_url()))
            }
            Ok(response) if response.status().is_server_error() || response.status().as_u16() == 429 => {
                last = format!("HTTP {}", response.status().as_u16());
            }
            Ok(response) => {
                bail!(
                    "could not fetch {what} from {shown} (HTTP {}); the connector's files may be mid-update: try again, and if it persists, re-save the connector in the maker portal",
                    response.status().as_u16()
                )
            }
            // reqwest's message holds the URL, signature included.
            Err(e) => last = e.without_url().to_string(),
        }
    }
    bail!("could not fetch {what} from {shown} ({last}) after 3 tries; nothing was written: try again later")
}

/// Files of a download that already exist in `dest`.
pub fn existing(dest: &Path, download: &Download) -> Vec<PathBuf> {
    download
        .files
        .iter()
        .map(|f| dest.join(f.name))
        .filter(|p| p.symlink_metadata().is_ok())
        .collect()
}

/// Write the download into `dest` (created when missing). Without `overwrite`, existing files are
/// an error and nothing is written.
pub fn write(dest: &Path, download: &Download, overwrite: bool) -> anyhow::Result<Vec<PathBuf>> {
    write_with(dest, download, overwrite, &mut |from, to| std::fs::rename(from, to))
}

/// `write`, with the rename injected so that tests can make one fail.
fn write_with(
    dest: &Path,
    download: &Download,
    overwrite: bool,
    rename: &mut dyn FnMut(&Path, &Path) -> std::io::Result<()>,
) -> anyhow::Result<Vec<PathBuf>> {
    if dest.exists() && !dest.is_dir() {
        bail!("{} is a file; --dest must be a folder", dest.display());
    }
    let existing = existing(dest, download);
    if !existing.is_empty() && !overwrite {
        let names: Vec<String> = existing.iter().map(|p| p.display().to_string()).collect();
        bail!(
            "{} already exist{}; nothing was written: pass --overwrite to replace them, or choose another --dest",
            names.join(", "),
            if names.len() == 1 { "s" } else { "" }
        );
    }
    std::fs::create_dir_all(dest).with_context(|| format!("creating {}", dest.display()))?;

    // 1. Every new file as a temporary file beside its target (removed on drop if anything fails).
    let mut staged = Vec::new();
    for file in &download.files {
        let mut temp = tempfile::Builder::new()
            .prefix(&format!(".{}.", file.name))
            .suffix(".connector-publish-tmp")
            .tempfile_in(dest)
            .with_context(|| format!("writing in {}", dest.display()))?;
        std::io::Write::write_all(&mut temp, &file.bytes).with_context(|| format!("writing {}", dest.join(file.name).display()))?;
        temp.as_file().sync_all()?;
        staged.push((temp.into_temp_path(), dest.join(file.name)));
    }

    // 2. Old files aside, new ones in; on any failure put the old ones back.
    let mut backups: Vec<(PathBuf, PathBuf)> = Vec::new();
    let mut placed: Vec<PathBuf> = Vec::new();
    let mut outcome = Ok(());
    for (temp, target) in &staged {
        if target.symlink_metadata().is_ok() {
            let backup = target.with_file_name(format!(
                ".{}.connector-publish-old",
                target.file_name().and_then(|n| n.to_str()).unwrap_or("file")
            ));
            if let Err(e) = rename(target, &backup) {
                outcome = Err(anyhow!(e).context(format!("moving {} aside", target.display())));
                break;
            }
            backups.push((backup, target.clone()));
        }
        if let Err(e) = rename(temp, target) {
            outcome = Err(anyhow!(e).context(format!("writing {}", target.display())));
            break;
        }
        placed.push(target.clone());
    }
    if let Err(e) = outcome {
        for target in &placed {
            let _ = std::fs::remove_file(target);
        }
        for (backup, target) in backups.iter().rev() {
            let _ = std::fs::rename(backup, target);
        }
        return Err(e.context("the download was not written; the folder is as it was"));
    }
    for (backup, _) in backups {
        let _ = std::fs::remove_file(&backup).or_else(|_| std::fs::remove_dir_all(&backup));
    }
    // The temporary paths were renamed away; dropping them finds nothing to remove.
    drop(staged);
    Ok(placed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> Download {
        Download {
            environment: "env".into(),
            connector_id: "cid".into(),
            display_name: "Sample".into(),
            files: vec![
                DownloadedFile {
                    name: SWAGGER,
                    bytes: b"{\"swagger\":\"2.0\"}\n".to_vec(),
                },
                DownloadedFile {
                    name: PROPERTIES,
                    bytes: b"{}\n".to_vec(),
                },
                DownloadedFile {
                    name: SCRIPT,
                    bytes: b"new script".to_vec(),
                },
            ],
            notes: Vec::new(),
        }
    }

    #[test]
    fn output_only_oauth_fields_are_dropped_everywhere() {
        let oauth = json!({"identityProvider": "oauth2", "clientId": "x", "redirectUrl": "https://global.consent.azure-apim.net/redirect", "properties": {"IsFirstParty": "False"}, "redirectMode": "Global"});
        let props = json!({
            "displayName": "dropped",
            "connectionParameters": {"token": {"type": "oauthSetting", "oAuthSettings": oauth}},
            "connectionParameterSets": {"uiDefinition": {}, "values": [{"name": "a", "parameters": {"token": {"type": "oauthSetting", "oAuthSettings": oauth}}}]},
            "iconBrandColor": "#da3b01",
            "runtimeUrls": ["dropped"],
        });
        let out = api_properties(&props);
        let expected_oauth = json!({"identityProvider": "oauth2", "clientId": "x", "redirectMode": "Global"});
        assert_eq!(
            out,
            json!({"properties": {
                "connectionParameters": {"token": {"type": "oauthSetting", "oAuthSettings": expected_oauth}},
                "connectionParameterSets": {"uiDefinition": {}, "values": [{"name": "a", "parameters": {"token": {"type": "oauthSetting", "oAuthSettings": expected_oauth}}}]},
                "iconBrandColor": "#da3b01",
            }})
        );
        let keys: Vec<&String> = out["properties"].as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            ["connectionParameters", "connectionParameterSets", "iconBrandColor"],
            "paconn's order"
        );
    }

    #[test]
    fn a_bom_is_dropped_and_text_stays_utf8() {
        let (bytes, note) = swagger_file("\u{feff}{\"info\":{\"title\":\"Café\"}}".as_bytes());
        assert!(note.is_none());
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "{\n  \"info\": {\n    \"title\": \"Café\"\n  }\n}\n"
        );
        let (bytes, note) = swagger_file(b"{\"a\":1,}");
        assert_eq!(bytes, b"{\"a\":1,}");
        assert!(note.unwrap().contains("not strict JSON"));
    }

    #[test]
    fn existing_files_are_kept_without_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(SCRIPT), "mine").unwrap();
        let err = write(dir.path(), &sample(), false).unwrap_err().to_string();
        assert!(err.contains("--overwrite"), "{err}");
        assert_eq!(std::fs::read_to_string(dir.path().join(SCRIPT)).unwrap(), "mine");
        assert!(!dir.path().join(SWAGGER).exists(), "nothing was written");
        write(dir.path(), &sample(), true).unwrap();
        assert_eq!(std::fs::read_to_string(dir.path().join(SCRIPT)).unwrap(), "new script");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            3,
            "no temporary or backup files left"
        );
    }

    #[test]
    fn a_failed_rename_puts_the_old_files_back() {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in [(SWAGGER, "old swagger"), (PROPERTIES, "old properties"), (SCRIPT, "old script")] {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let mut calls = 0;
        let err = write_with(dir.path(), &sample(), true, &mut |from, to| {
            calls += 1;
            // Old swagger aside, new swagger in, old properties aside, then the disk "fails".
            if calls == 4 {
                return Err(std::io::Error::other("disk full"));
            }
            std::fs::rename(from, to)
        })
        .unwrap_err();
        assert!(format!("{err:#}").contains("disk full"));
        for (name, text) in [(SWAGGER, "old swagger"), (PROPERTIES, "old properties"), (SCRIPT, "old script")] {
            assert_eq!(std::fs::read_to_string(dir.path().join(name)).unwrap(), text, "{name}");
        }
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(left.len(), 3, "no temporary or backup files left: {left:?}");
    }
}
