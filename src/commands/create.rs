//! `connector-publish create` and `connector-publish update`: a connector folder (or paconn's
//! `settings.json`) deployed into a Power Platform environment with the same requests, bodies and
//! `settings.json` as `paconn create` and `paconn update` 0.0.21 (`powerplatform::deploy`), after
//! the offline validation; `update` first shows what would break for the connector's users
//! against the deployed version. And `validate --online`'s service call ([`online_validation`]).

use crate::check::{self, schemas::Schemas};
use crate::exit::{Exit, UsageError};
use crate::powerplatform::api::PowerPlatform;
use crate::powerplatform::deploy::{self, Deployment, MissingSecret, PaconnSettings, Upload};
use crate::powerplatform::download::{ICON, PROPERTIES, SCRIPT, SETTINGS, SWAGGER};
use crate::powerplatform::API_VERSION;
use crate::report::deploy::{DeployReport, OnlineValidation};
use crate::source::environment::{pick, PowerPlatformSettings};
use anyhow::{anyhow, bail, Context};
use serde_json::Value;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

/// Where the connector's OAuth client secret comes from.
#[derive(Clone, Default)]
pub enum SecretSource {
    /// `--secret` not given: the environment variable, if set.
    #[default]
    Unset,
    /// `--secret <value>`.
    Value(String),
    /// `--secret -`: one line of standard input.
    Stdin,
}

impl std::fmt::Debug for SecretSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SecretSource::Unset => "Unset",
            SecretSource::Value(_) => "Value(…)",
            SecretSource::Stdin => "Stdin",
        })
    }
}

impl SecretSource {
    /// The flag's value: `-` reads standard input.
    pub fn from_flag(value: Option<String>) -> SecretSource {
        match value {
            None => SecretSource::Unset,
            Some(v) if v == "-" => SecretSource::Stdin,
            Some(v) => {
                // Masked from here on: nothing this process prints can show it.
                crate::secrets::register(&crate::secrets::Masker::literals(&[&v]));
                SecretSource::Value(v)
            }
        }
    }

    /// The secret, registered with the output mask before anything can print it.
    fn read(&self, input: &mut dyn BufRead, err: &mut dyn Write, interactive: bool) -> anyhow::Result<Option<String>> {
        let secret = match self {
            SecretSource::Value(v) => Some(v.clone()),
            SecretSource::Unset => std::env::var(deploy::SECRET_ENV).ok().filter(|v| !v.is_empty()),
            SecretSource::Stdin => {
                if interactive {
                    write!(err, "OAuth client secret (not shown): ")?;
                    err.flush()?;
                }
                let line = {
                    let _quiet = interactive.then(NoEcho::new);
                    let mut line = String::new();
                    input
                        .read_line(&mut line)
                        .context("reading the client secret from standard input")?;
                    line
                };
                if interactive {
                    writeln!(err)?;
                }
                let line = line.trim_end_matches(['\r', '\n']).to_string();
                if line.is_empty() {
                    return Err(UsageError("--secret -: standard input gave no secret (an empty line or none)".into()).into());
                }
                Some(line)
            }
        };
        if let Some(secret) = &secret {
            crate::secrets::register(&crate::secrets::Masker::literals(&[secret]));
        }
        Ok(secret)
    }
}

/// Terminal echo off while the secret is typed (unix), back on when dropped.
struct NoEcho {
    #[cfg(unix)]
    saved: Option<libc::termios>,
}

impl NoEcho {
    fn new() -> NoEcho {
        #[cfg(unix)]
        {
            // SAFETY: tcgetattr/tcsetattr on fd 0 with a zeroed termios they fill in.
            unsafe {
                let mut t: libc::termios = std::mem::zeroed();
                if libc::tcgetattr(0, &mut t) == 0 {
                    let saved = t;
                    t.c_lflag &= !libc::ECHO;
                    if libc::tcsetattr(0, libc::TCSANOW, &t) == 0 {
                        return NoEcho { saved: Some(saved) };
                    }
                }
            }
            NoEcho { saved: None }
        }
        #[cfg(not(unix))]
        NoEcho {}
    }
}

impl Drop for NoEcho {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Some(saved) = self.saved {
            // SAFETY: restores the attributes read in `new`.
            unsafe {
                libc::tcsetattr(0, libc::TCSANOW, &saved);
            }
        }
    }
}

/// `create` and `update`.
#[derive(Debug, Clone)]
pub struct DeployOptions {
    /// `update` (else `create`).
    pub update: bool,
    /// The connector folder (default `.`): where the files and settings.json are by default.
    pub folder: PathBuf,
    pub environment: Option<String>,
    pub connector_id: Option<String>,
    pub api_definition: Option<PathBuf>,
    pub api_properties: Option<PathBuf>,
    pub icon: Option<PathBuf>,
    pub script: Option<PathBuf>,
    /// paconn's settings.json to read (`-s`); its paths are relative to its folder.
    pub settings: Option<PathBuf>,
    pub secret: SecretSource,
    /// `--powerapps-url` was given (else a settings file's `powerAppsUrl` applies).
    pub powerapps_url_given: bool,
    pub powerapps_version: Option<String>,
    pub overwrite_settings: bool,
    /// Deploy despite offline validation errors.
    pub force: bool,
    /// update: do not ask before breaking changes.
    pub yes: bool,
    pub json: bool,
    /// Standard input and error are a terminal (pickers, questions).
    pub interactive: bool,
    pub power_platform: PowerPlatformSettings,
}

/// The files and ids after flags, settings.json and the folder's defaults are combined.
#[derive(Debug)]
struct Resolved {
    environment: Option<String>,
    connector_id: Option<String>,
    api_definition: PathBuf,
    api_properties: PathBuf,
    icon: Option<PathBuf>,
    script: Option<PathBuf>,
    /// Where settings.json is written (create).
    settings_out: PathBuf,
    powerapps_url: Option<String>,
}

/// Read a JSON file (a BOM is allowed) with the position of a syntax error.
fn json_file(path: &Path) -> anyhow::Result<Value> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    serde_json::from_slice(text).map_err(|e| {
        anyhow!(
            "{}:{}:{}: not valid JSON: {e}; fix the file (`connector-publish validate` shows more)",
            path.display(),
            e.line(),
            e.column()
        )
    })
}

/// A path as settings.json (in `dir`) names it: relative to `dir` when inside it.
fn for_settings(path: &Path, dir: &Path) -> String {
    if dir.as_os_str().is_empty() || dir == Path::new(".") {
        return path.display().to_string();
    }
    if let Ok(inside) = path.strip_prefix(dir) {
        return inside.display().to_string();
    }
    std::path::absolute(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}

fn resolve(options: &DeployOptions) -> anyhow::Result<(Resolved, PaconnSettings)> {
    // An explicit settings file, else the folder's settings.json when there is one.
    let folder_settings = options.folder.join(SETTINGS);
    let settings_in = options
        .settings
        .clone()
        .or_else(|| folder_settings.is_file().then(|| folder_settings.clone()));
    let (file, base) = match &settings_in {
        Some(path) => {
            let value = json_file(path)?;
            let settings = PaconnSettings::from_json(&value).map_err(|e| UsageError(format!("{}: {e}", path.display())))?;
            (settings, path.parent().map(Path::to_path_buf).unwrap_or_default())
        }
        None => (PaconnSettings::default(), options.folder.clone()),
    };
    let from_file = |v: &Option<String>| v.as_ref().map(|p| base.join(p));
    let default_in_folder = |name: &str| options.folder.join(name);
    let existing = |p: PathBuf| p.is_file().then_some(p);
    let given_or_file = |flag: &Option<PathBuf>, in_file: &Option<String>| flag.clone().or_else(|| from_file(in_file));
    let api_definition = given_or_file(&options.api_definition, &file.api_definition).unwrap_or_else(|| default_in_folder(SWAGGER));
    let api_properties = given_or_file(&options.api_properties, &file.api_properties).unwrap_or_else(|| default_in_folder(PROPERTIES));
    // The icon and script the user named must exist; the folder's are used when they do.
    let icon = given_or_file(&options.icon, &file.icon).or_else(|| existing(default_in_folder(ICON)));
    let script = given_or_file(&options.script, &file.script).or_else(|| existing(default_in_folder(SCRIPT)));
    for (what, path) in [
        ("--api-def", Some(&api_definition)),
        ("--api-prop", Some(&api_properties)),
        ("--icon", icon.as_ref()),
        ("--script", script.as_ref()),
    ] {
        if let Some(path) = path {
            if !path.is_file() {
                return Err(UsageError(format!(
                    "{what}: {} does not exist (or is not a file); name the file, or run in the connector's folder",
                    path.display()
                ))
                .into());
            }
        }
    }
    if let Some(version) = options.powerapps_version.as_ref().or(file.powerapps_api_version.as_ref()) {
        if version != API_VERSION {
            return Err(UsageError(format!(
                "Power Apps API version {version}: only {API_VERSION} is supported (the version paconn and the service's connector calls use)"
            ))
            .into());
        }
    }
    let settings_out = options.settings.clone().unwrap_or(folder_settings);
    let resolved = Resolved {
        environment: options.environment.clone().or(file.environment.clone()),
        connector_id: options.connector_id.clone().or(file.connector_id.clone()),
        api_definition,
        api_properties,
        icon,
        script,
        settings_out,
        powerapps_url: if options.powerapps_url_given {
            None
        } else {
            file.powerapps_url.clone()
        },
    };
    Ok((resolved, file))
}

fn upload_of(path: &Option<PathBuf>) -> anyhow::Result<Option<Upload>> {
    let Some(path) = path else { return Ok(None) };
    let file_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| anyhow!("{}: the file name must be UTF-8 (it becomes the blob's name)", path.display()))?
        .to_string();
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(Some(Upload { file_name, bytes }))
}

/// Ask on a terminal, refuse elsewhere.
fn confirm(question: &str, interactive: bool, input: &mut dyn BufRead, err: &mut dyn Write) -> anyhow::Result<bool> {
    if !interactive {
        return Ok(false);
    }
    write!(err, "{question} [y/N] ")?;
    err.flush()?;
    let mut answer = String::new();
    input.read_line(&mut answer)?;
    Ok(matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes"))
}

pub fn run(options: &DeployOptions, input: &mut dyn BufRead, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<Exit> {
    let command = if options.update { "update" } else { "create" };
    let (resolved, _) = resolve(options)?;
    let secret = options.secret.read(input, err, options.interactive)?;

    // The offline validation first: nothing is sent on an error (unless --force).
    let Some((errors, warnings)) = offline_validation(options, &resolved, err)? else {
        return Ok(Exit::Findings);
    };

    let properties = json_file(&resolved.api_properties)?;
    let swagger = json_file(&resolved.api_definition)?;
    // The body is built before anything is asked of the service: a missing secret stops here.
    let probe = deploy::upsert_body(&properties, &swagger, "probe", secret.as_deref(), !options.update);
    if let Err(e) = probe {
        if e.is::<MissingSecret>() {
            return Err(UsageError(e.to_string()).into());
        }
        return Err(e);
    }
    if !options.update {
        may_replace_settings(options, &resolved.settings_out, input, err)?;
    }

    let mut power_platform = options.power_platform.clone();
    if let Some(url) = &resolved.powerapps_url {
        power_platform.endpoints.powerapps = url.clone();
    }
    let (mut pp, storage) = power_platform.connect()?;
    let environment = environment_of(options, &resolved, &mut pp, input, err)?;
    let mut breaking_changes = Vec::new();
    let connector_id = if options.update {
        let id = connector_to_update(options, &resolved, &mut pp, &environment, input, err)?;
        // What is deployed now, in memory only: what would break for the connector's users.
        breaking_changes = breaking_against_deployed(&mut pp, &storage, &environment, &id, &swagger)?;
        if !update_despite(options, &id, &breaking_changes, input, err)? {
            return Ok(Exit::Findings);
        }
        Some(id)
    } else {
        None
    };

    let body = deploy::upsert_body(&properties, &swagger, &environment, secret.as_deref(), !options.update)?;
    let deployment = Deployment {
        environment: environment.clone(),
        connector_id,
        body,
        swagger: swagger.clone(),
        icon: upload_of(&resolved.icon)?,
        script: upload_of(&resolved.script)?,
    };
    let spinner = crate::output::spinner(format!("{command}: sending the connector to {environment}"), options.json);
    let deployed = deploy::deploy(&mut pp, &storage, &deployment);
    spinner.finish_and_clear();
    let deployed = deployed?;

    let settings = if options.update {
        None
    } else {
        save_settings(&resolved, &deployed.connector_id, &environment, &pp.endpoints().powerapps)?;
        Some(resolved.settings_out.clone())
    };
    let report = DeployReport {
        action: if options.update { "updated" } else { "created" },
        environment,
        connector_id: deployed.connector_id,
        display_name: swagger.pointer("/info/title").and_then(Value::as_str).map(str::to_string),
        offline_errors: errors,
        offline_warnings: warnings,
        service_messages: deployed.validation,
        breaking_changes,
        icon_uploaded: deployed.icon_uploaded,
        script_uploaded: deployed.script_uploaded,
        settings,
    };
    report.write(options.json, out)?;
    Ok(Exit::Ok)
}

/// The offline validation of the swagger's folder: its errors and warnings, or `None` when its
/// errors stop the run (without `--force`; the findings are printed).
fn offline_validation(options: &DeployOptions, resolved: &Resolved, err: &mut dyn Write) -> anyhow::Result<Option<(usize, usize)>> {
    let folder = resolved
        .api_definition
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let package = crate::source::folder(&folder)?;
    let validation = check::validate(package, None, &Schemas::builtin());
    let (errors, warnings) = (validation.report.errors(), validation.report.warnings());
    if errors > 0 {
        let report = crate::report::validate::ValidateReport::new(&folder, &validation, false, false);
        if options.force {
            let why = format!("the offline validation found {errors} error(s); deploying anyway (--force)");
            crate::report::write_notice("warning:", why, err)?;
        } else {
            report.write(false, err)?;
            let why = "nothing was sent: fix the errors above, or deploy anyway to test with --force";
            crate::report::write_stopped(why, false, err)?;
            return Ok(None);
        }
    }
    Ok(Some((errors, warnings)))
}

/// create writes settings.json: never over a file without --overwrite-settings (or a yes).
fn may_replace_settings(options: &DeployOptions, settings_out: &Path, input: &mut dyn BufRead, err: &mut dyn Write) -> anyhow::Result<()> {
    if !settings_out.exists() || options.overwrite_settings {
        return Ok(());
    }
    if settings_out.symlink_metadata().is_ok_and(|m| !m.is_file()) {
        bail!("{} is not a regular file; nothing was sent", settings_out.display());
    }
    let question = format!("{} exists; replace it with the new connector's settings?", settings_out.display());
    if confirm(&question, options.interactive, input, err)? {
        return Ok(());
    }
    // A settings.json that names a connector usually means: update that one.
    let named = std::fs::read(settings_out)
        .ok()
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        .and_then(|v| v.get("connectorId").and_then(Value::as_str).map(str::to_string));
    let hint = match named {
        Some(id) => format!(" (it names connector {id}: to change that one, run `connector-publish update`)"),
        None => String::new(),
    };
    Err(UsageError(format!(
        "{} exists{hint}; nothing was sent: pass --overwrite-settings to create a new connector and replace the file with its settings",
        settings_out.display()
    ))
    .into())
}

/// The environment: given (flag or settings.json), else picked on a terminal.
fn environment_of(
    options: &DeployOptions,
    resolved: &Resolved,
    pp: &mut PowerPlatform,
    input: &mut dyn BufRead,
    err: &mut dyn Write,
) -> anyhow::Result<String> {
    if let Some(e) = &resolved.environment {
        return Ok(e.clone());
    }
    if !options.interactive {
        return Err(UsageError(
            "no environment: pass --env <environment> (or run on a terminal to pick one; `connector-publish download --list` lists them)"
                .into(),
        )
        .into());
    }
    let environments = pp.environments()?;
    if environments.is_empty() {
        bail!("your account sees no Power Platform environment; check the tenant you signed in to (`connector-publish login --tenant`)");
    }
    let labels: Vec<String> = environments
        .iter()
        .map(|e| format!("{}{}  ({})", e.display_name, if e.is_default { " [default]" } else { "" }, e.name))
        .collect();
    Ok(environments[pick("environment", &labels, input, err)?].name.clone())
}

/// update's connector: given (flag or settings.json), else picked on a terminal.
fn connector_to_update(
    options: &DeployOptions,
    resolved: &Resolved,
    pp: &mut PowerPlatform,
    environment: &str,
    input: &mut dyn BufRead,
    err: &mut dyn Write,
) -> anyhow::Result<String> {
    if let Some(c) = &resolved.connector_id {
        return Ok(c.clone());
    }
    if !options.interactive {
        return Err(UsageError(
            "no connector: pass --cid <connector id> (or -s settings.json from `create`, or run on a terminal to pick one)".into(),
        )
        .into());
    }
    let connectors = pp.custom_connectors(environment)?;
    if connectors.is_empty() {
        bail!("environment `{environment}` has no custom connectors; create one with `connector-publish create`");
    }
    let labels: Vec<String> = connectors.iter().map(|c| format!("{}  ({})", c.display_name, c.name)).collect();
    Ok(connectors[pick("custom connector", &labels, input, err)?].name.clone())
}

/// What the new swagger breaks against the deployed connector's (fetched in memory only).
fn breaking_against_deployed(
    pp: &mut PowerPlatform,
    storage: &crate::net::Http,
    environment: &str,
    id: &str,
    swagger: &Value,
) -> anyhow::Result<Vec<String>> {
    let deployed = crate::powerplatform::download::fetch(pp, storage, environment, id)?;
    let old = deployed
        .files
        .iter()
        .find(|f| f.name == SWAGGER)
        .and_then(|f| serde_json::from_slice::<Value>(&f.bytes).ok());
    Ok(old.map(|old| crate::plan::breaking::report(&old, swagger)).unwrap_or_default())
}

/// Whether to update despite breaking changes: none, `--yes`, or the user's answer (printed).
fn update_despite(
    options: &DeployOptions,
    id: &str,
    breaking_changes: &[String],
    input: &mut dyn BufRead,
    err: &mut dyn Write,
) -> anyhow::Result<bool> {
    if breaking_changes.is_empty() {
        return Ok(true);
    }
    crate::report::deploy::write_breaking(id, breaking_changes, err)?;
    if !options.yes && !confirm("Update anyway?", options.interactive, input, err)? {
        writeln!(err, "nothing was changed (pass --yes to update anyway)")?;
        return Ok(false);
    }
    Ok(true)
}

/// create: the new connector's settings.json, paths relative to its folder.
fn save_settings(resolved: &Resolved, connector_id: &str, environment: &str, powerapps_url: &str) -> anyhow::Result<()> {
    let dir = resolved.settings_out.parent().map(Path::to_path_buf).unwrap_or_default();
    let written = PaconnSettings {
        connector_id: Some(connector_id.to_string()),
        environment: Some(environment.to_string()),
        api_properties: Some(for_settings(&resolved.api_properties, &dir)),
        api_definition: Some(for_settings(&resolved.api_definition, &dir)),
        icon: resolved.icon.as_ref().map(|p| for_settings(p, &dir)),
        script: resolved.script.as_ref().map(|p| for_settings(p, &dir)),
        powerapps_url: Some(powerapps_url.to_string()),
        powerapps_api_version: Some(API_VERSION.into()),
    };
    write_settings(&resolved.settings_out, &written.to_json())
        .with_context(|| format!("{connector_id} was created, but its settings could not be saved"))
}

/// Write settings.json through a temporary file renamed into place.
fn write_settings(path: &Path, value: &Value) -> anyhow::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(dir).with_context(|| format!("writing into {}", dir.display()))?;
    file.write_all(&crate::powerplatform::download::pretty(value))?;
    file.persist(path).map_err(|e| anyhow!("writing {}: {}", path.display(), e.error))?;
    Ok(())
}

/// `validate --online`: the service validates the swagger with the certification rules, and its
/// answer is compared with the offline findings.
pub fn online_validation(
    settings: &PowerPlatformSettings,
    swagger: &Value,
    findings: &[crate::check::Finding],
    json: bool,
) -> anyhow::Result<OnlineValidation> {
    let (mut pp, _) = settings.connect()?;
    let spinner = crate::output::spinner("validating the swagger with Power Platform".into(), json);
    let lines = deploy::validate_swagger(&mut pp, swagger, true);
    spinner.finish_and_clear();
    let lines = lines?;
    Ok(OnlineValidation::compare(&pp.endpoints().powerapps, utc_now(), lines, findings))
}

/// Now, `2026-12-07T03:15:00Z`.
pub fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let day = secs.rem_euclid(86_400);
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        crate::catalog::open::date(secs),
        day / 3600,
        (day / 60) % 60,
        day % 60
    )
}

/// `create` and `update`'s options from their flags and the environment.
fn options(
    args: crate::cli::DeployArgs,
    ctx: &super::Context,
    update: bool,
    connector_id: Option<String>,
    overwrite_settings: bool,
    yes: bool,
) -> anyhow::Result<DeployOptions> {
    Ok(DeployOptions {
        update,
        power_platform: ctx.power_platform(&args.power_platform)?,
        folder: args.folder,
        environment: args.environment,
        connector_id,
        api_definition: args.api_definition,
        api_properties: args.api_properties,
        icon: args.icon,
        script: args.script,
        settings: args.settings,
        secret: SecretSource::from_flag(args.secret),
        powerapps_url_given: ctx.given("powerapps_url"),
        powerapps_version: args.powerapps_version,
        overwrite_settings,
        force: args.force,
        yes,
        json: args.json,
        interactive: super::context::interactive(std::io::IsTerminal::is_terminal(&std::io::stderr())),
    })
}

/// `create`.
pub fn exec_create(args: crate::cli::CreateArgs, ctx: &super::Context) -> anyhow::Result<Exit> {
    let options = options(args.deploy, ctx, false, None, args.overwrite_settings, false)?;
    run(
        &options,
        &mut std::io::stdin().lock(),
        &mut crate::output::stdout(),
        &mut crate::output::stderr(),
    )
}

/// `update`.
pub fn exec_update(args: crate::cli::UpdateArgs, ctx: &super::Context) -> anyhow::Result<Exit> {
    let options = options(args.deploy, ctx, true, args.connector_id, false, args.yes)?;
    run(
        &options,
        &mut std::io::stdin().lock(),
        &mut crate::output::stdout(),
        &mut crate::output::stderr(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_paths_are_relative_to_the_settings_folder() {
        assert_eq!(for_settings(Path::new("apiProperties.json"), Path::new("")), "apiProperties.json");
        assert_eq!(for_settings(Path::new("./a/b.json"), Path::new(".")), "./a/b.json");
        assert_eq!(
            for_settings(Path::new("conn/apiProperties.json"), Path::new("conn")),
            "apiProperties.json"
        );
    }

    #[test]
    fn the_secret_source_never_shows_its_value() {
        let s = SecretSource::from_flag(Some("hunter2-secret".into()));
        assert!(!format!("{s:?}").contains("hunter2"));
        assert!(matches!(SecretSource::from_flag(Some("-".into())), SecretSource::Stdin));
    }
}
