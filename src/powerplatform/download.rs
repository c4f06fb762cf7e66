//! A connector's files, fetched from its environment and laid out as `paconn download` does:
//! `apiDefinition.swagger.json`, `apiProperties.json`, `icon.png`, `script.csx` when it has one,
//! and paconn's `settings.json`, so that paconn (and the maker portal's import) can still use the
//! folder.
//!
//! Everything is fetched into memory first and written only when every fetch worked; files are
//! written through temporary files and renamed into place, with the old files put back if a rename
//! fails, so an interrupted download never leaves a mix of old and new.

use super::api::PowerPlatform;
use super::{redact_url, Endpoints, API_VERSION};
use crate::net::{BodyError, Failure, Http, Limits};
use anyhow::{anyhow, bail, Context};
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

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
pub fn fetch(pp: &mut PowerPlatform, storage: &Http, environment: &str, connector_id: &str) -> anyhow::Result<Download> {
    let connector = pp.connector(environment, connector_id)?;
    match from_definition(pp, storage, &connector, environment, connector_id) {
        // Storage links are signed for a limited time: a refusal usually means this one lapsed,
        // so the definition (with fresh links) is read once more.
        Err(e) if e.downcast_ref::<StorageRefused>().is_some() => {
            tracing::debug!("{e}; reading the connector again for fresh storage links");
            let connector = pp.connector(environment, connector_id)?;
            from_definition(pp, storage, &connector, environment, connector_id)
        }
        other => other,
    }
}

fn from_definition(
    pp: &PowerPlatform,
    storage: &Http,
    connector: &Value,
    environment: &str,
    connector_id: &str,
) -> anyhow::Result<Download> {
    let properties = connector
        .get("properties")
        .filter(|p| p.is_object())
        .ok_or_else(|| anyhow!("the answer for connector `{connector_id}` has no properties; is it a custom connector?"))?;
    let display_name = properties
        .get("displayName")
        .and_then(Value::as_str)
        .unwrap_or(connector_id)
        .to_string();
    let endpoints = pp.endpoints();
    let mut notes = Vec::new();

    let swagger_url = properties
        .pointer("/apiDefinitions/originalSwaggerUrl")
        .and_then(Value::as_str)
        .ok_or_else(|| anyhow!("connector `{connector_id}` has no API definition (properties.apiDefinitions.originalSwaggerUrl)"))?;
    let swagger = fetch_storage(storage, swagger_url, "the API definition", endpoints)?;
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
            bytes: fetch_storage(storage, url, "the icon", endpoints)?,
        });
    }
    let script_url = properties
        .get("scriptDefinitionUrl")
        .and_then(Value::as_str)
        .filter(|u| !u.is_empty());
    if let Some(url) = script_url {
        files.push(DownloadedFile {
            name: SCRIPT,
            bytes: fetch_storage(storage, url, "the custom code (script.csx)", endpoints)?,
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

/// Storage refused a signed link (401/403): it has most likely lapsed.
#[derive(Debug, thiserror::Error)]
#[error("storage refused the link to {what} ({shown}, HTTP {status}); the link may have lapsed: try again")]
struct StorageRefused {
    what: String,
    shown: String,
    status: u16,
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

/// GET a storage URL (a SAS URL: no token is sent, and its signature is never printed). The shared
/// retry policy tries 429, 5xx and broken connections again; redirects (up to 5) are followed here,
/// as the shared client follows none.
fn fetch_storage(http: &Http, url: &str, what: &str, endpoints: &Endpoints) -> anyhow::Result<Vec<u8>> {
    let shown = redact_url(url);
    let mut current = url.to_string();
    let retry = endpoints.retry();
    for _ in 0..=5 {
        if !(current.starts_with("https://") || current.starts_with("http://")) {
            bail!(
                "the service gave {what} an address that is not http(s) ({}); refusing to fetch it",
                redact_url(&current)
            );
        }
        let target = current.clone();
        let reply = match http.send(retry, Limits::storage(), &|client| client.get(&target)) {
            Ok(reply) => reply,
            Err(Failure::TimedOut { .. } | Failure::Body(BodyError::TimedOut)) => bail!(
                "could not fetch {what} from {shown}: {}; nothing was written",
                crate::net::timeout_hint()
            ),
            Err(Failure::Body(e @ BodyError::TooLarge { .. })) => bail!("reading {what} from {shown}: {e}"),
            Err(Failure::Body(e @ BodyError::TooSlow { .. })) => {
                bail!("reading {what} from {shown}: {e}; nothing was written")
            }
            Err(Failure::WaitTooLong(wait)) => bail!(
                "storage asks to wait {} s before fetching {what} from {shown}; nothing was written: run again later",
                wait.as_secs()
            ),
            // The error carries no URL (reqwest's message would hold the signature).
            Err(e @ (Failure::Unreachable(_) | Failure::Body(_))) => bail!(
                "could not fetch {what} from {shown} ({e}) after {} tries; nothing was written: try again later",
                retry.attempts
            ),
        };
        match reply.status {
            200..=299 => return Ok(reply.body),
            301 | 302 | 303 | 307 | 308 => {
                let location = reply
                    .header("location")
                    .ok_or_else(|| anyhow!("storage redirected {what} ({shown}) nowhere; try again later"))?;
                let next = reqwest::Url::parse(&current)
                    .and_then(|base| base.join(location))
                    .map_err(|_| anyhow!("storage redirected {what} ({shown}) to an address that is not a URL"))?;
                current = next.to_string();
            }
            429 | 500..=599 => bail!(
                "could not fetch {what} from {shown} (HTTP {}) after {} tries; nothing was written: try again later",
                reply.status,
                retry.attempts
            ),
            401 | 403 => {
                return Err(StorageRefused {
                    what: what.to_string(),
                    shown,
                    status: reply.status,
                }
                .into())
            }
            status => bail!(
                "could not fetch {what} from {shown} (HTTP {status}); the connector's files may be mid-update: try again, and if it persists, re-save the connector in the maker portal"
            ),
        }
    }
    bail!("storage redirected {what} ({shown}) more than 5 times; try again later")
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
    check_dest(dest, download, overwrite)?;
    std::fs::create_dir_all(dest).with_context(|| format!("creating {}", dest.display()))?;
    let staged = stage(dest, download)?;
    let backups = keep_old(dest, &staged)?;
    let placed = match place(&staged, rename) {
        Ok(placed) => placed,
        Err((e, placed)) => return Err(roll_back(e, &placed, &backups, rename)),
    };
    for (backup, _) in backups {
        let _ = std::fs::remove_file(&backup);
    }
    Ok(placed)
}

/// `dest` is a folder (or missing), and the files to write replace only regular files, and only
/// with `overwrite`.
fn check_dest(dest: &Path, download: &Download, overwrite: bool) -> anyhow::Result<()> {
    if dest.exists() && !dest.is_dir() {
        bail!("{} is a file; --dest must be a folder", dest.display());
    }
    let existing = existing(dest, download);
    // Only regular files are ever replaced: a folder by one of these names is the user's.
    if let Some(odd) = existing.iter().find(|p| p.symlink_metadata().is_ok_and(|m| !m.is_file())) {
        bail!(
            "{} is not a regular file; nothing was written: move it away, or choose another --dest",
            odd.display()
        );
    }
    if !existing.is_empty() && !overwrite {
        let names: Vec<String> = existing.iter().map(|p| p.display().to_string()).collect();
        bail!(
            "{} already exist{}; nothing was written: pass --overwrite to replace them, or choose another --dest",
            names.join(", "),
            if names.len() == 1 { "s" } else { "" }
        );
    }
    Ok(())
}

/// 1. Every new file as a temporary file beside its target (removed on drop if anything fails),
///    with the permissions of the file it replaces, or the usual 0644: (temporary, target).
fn stage(dest: &Path, download: &Download) -> anyhow::Result<Vec<(tempfile::TempPath, PathBuf)>> {
    let mut staged = Vec::new();
    for file in &download.files {
        let target = dest.join(file.name);
        let prefix = format!(".{}.", file.name);
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".connector-publish-tmp");
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
        let mut temp = builder
            .tempfile_in(dest)
            .with_context(|| format!("writing in {}", dest.display()))?;
        std::io::Write::write_all(&mut temp, &file.bytes).with_context(|| format!("writing {}", target.display()))?;
        temp.as_file().sync_all()?;
        if let Ok(old) = std::fs::metadata(&target) {
            std::fs::set_permissions(temp.path(), old.permissions())?;
        }
        staged.push((temp.into_temp_path(), target));
    }
    Ok(staged)
}

/// 2. A second name (a hard link, or a copy) for every old file, so that it survives until the
///    end: (backup, target). On an error, the backups made so far are removed.
fn keep_old(dest: &Path, staged: &[(tempfile::TempPath, PathBuf)]) -> anyhow::Result<Vec<(PathBuf, PathBuf)>> {
    let mut backups: Vec<(PathBuf, PathBuf)> = Vec::new();
    for (_, target) in staged {
        if target.symlink_metadata().is_err() {
            continue;
        }
        let backup = tempfile::Builder::new()
            .prefix(&format!(".{}.", target.file_name().and_then(|n| n.to_str()).unwrap_or("file")))
            .suffix(".connector-publish-old")
            .make_in(dest, |path| {
                std::fs::hard_link(target, path).or_else(|_| std::fs::copy(target, path).map(drop))
            })
            .with_context(|| format!("keeping a copy of {}", target.display()));
        match backup {
            Ok(backup) => backups.push((backup.keep()?.1, target.clone())),
            Err(e) => {
                for (backup, _) in &backups {
                    let _ = std::fs::remove_file(backup);
                }
                return Err(e.context("nothing was written"));
            }
        }
    }
    Ok(backups)
}

/// 3. Each new file renamed over its target in one step, so that a target is never missing,
///    whenever the process stops: the targets placed, or the first failure and those placed
///    before it.
fn place(
    staged: &[(tempfile::TempPath, PathBuf)],
    rename: &mut dyn FnMut(&Path, &Path) -> std::io::Result<()>,
) -> Result<Vec<PathBuf>, (anyhow::Error, Vec<PathBuf>)> {
    let mut placed: Vec<PathBuf> = Vec::new();
    for (temp, target) in staged {
        match rename(temp, target) {
            Ok(()) => placed.push(target.clone()),
            Err(e) => return Err((anyhow!(e).context(format!("writing {}", target.display())), placed)),
        }
    }
    Ok(placed)
}

/// After a failed rename: the old files back where they were `placed` (a new target removed),
/// the backups that are no longer needed removed, and the error saying whether the folder is as
/// it was. A backup that could not be put back is kept, and the error says where it is.
fn roll_back(
    e: anyhow::Error,
    placed: &[PathBuf],
    backups: &[(PathBuf, PathBuf)],
    rename: &mut dyn FnMut(&Path, &Path) -> std::io::Result<()>,
) -> anyhow::Error {
    let mut lost = Vec::new();
    let mut kept: Vec<&Path> = Vec::new();
    for target in placed {
        match backups.iter().find(|(_, t)| t == target) {
            Some((backup, _)) => {
                if rename(backup, target).is_err() {
                    lost.push(format!("{} (the old file is in {})", target.display(), backup.display()));
                    kept.push(backup);
                }
            }
            None => {
                let _ = std::fs::remove_file(target);
            }
        }
    }
    for (backup, _) in backups.iter().filter(|(b, _)| !kept.contains(&b.as_path())) {
        let _ = std::fs::remove_file(backup);
    }
    if lost.is_empty() {
        return e.context("the download was not written; the folder is as it was");
    }
    e.context(format!(
        "the download was not written, and these could not be put back: {}",
        lost.join(", ")
    ))
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
            // The new swagger and properties are in place, then the disk "fails".
            if calls == 3 {
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

    #[test]
    fn an_old_file_that_cannot_be_put_back_is_kept_where_the_error_says() {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in [(SWAGGER, "old swagger"), (PROPERTIES, "old properties"), (SCRIPT, "old script")] {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let mut calls = 0;
        let err = write_with(dir.path(), &sample(), true, &mut |from, to| {
            calls += 1;
            // The new swagger is in place, the disk "fails" on the next file, and again when the
            // old swagger is put back.
            if calls == 2 || calls == 3 {
                return Err(std::io::Error::other("disk full"));
            }
            std::fs::rename(from, to)
        })
        .unwrap_err();
        let message = format!("{err:#}");
        assert!(message.contains("could not be put back"), "{message}");
        let backup = message
            .split("(the old file is in ")
            .nth(1)
            .and_then(|rest| rest.split(')').next())
            .expect("the backup named");
        assert_eq!(std::fs::read_to_string(backup).unwrap(), "old swagger", "the old swagger survives");
        // The files that were not touched are as they were, and no other backup is left.
        for (name, text) in [(PROPERTIES, "old properties"), (SCRIPT, "old script")] {
            assert_eq!(std::fs::read_to_string(dir.path().join(name)).unwrap(), text, "{name}");
        }
        let old: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".connector-publish-old"))
            .collect();
        assert_eq!(old.len(), 1, "{old:?}");
    }

    #[test]
    fn a_folder_by_a_file_name_is_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(SCRIPT)).unwrap();
        std::fs::write(dir.path().join(SCRIPT).join("precious.txt"), "mine").unwrap();
        let err = write(dir.path(), &sample(), true).unwrap_err().to_string();
        assert!(err.contains("is not a regular file"), "{err}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join(SCRIPT).join("precious.txt")).unwrap(),
            "mine"
        );
        assert!(!dir.path().join(SWAGGER).exists());
    }

    #[cfg(unix)]
    #[test]
    fn replaced_files_keep_their_permissions_and_new_ones_are_0644() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(SCRIPT), "old").unwrap();
        std::fs::set_permissions(dir.path().join(SCRIPT), std::fs::Permissions::from_mode(0o640)).unwrap();
        write(dir.path(), &sample(), true).unwrap();
        let mode = |n: &str| std::fs::metadata(dir.path().join(n)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(SCRIPT), 0o640);
        assert_eq!(mode(SWAGGER), 0o644);
    }
}
