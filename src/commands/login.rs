//! `connector-publish login` and `logout`: the Power Platform sign-in that `download` and
//! `submit --from-environment` use.

use crate::exit::Exit;
use crate::powerplatform::auth::{self, Identity, CLIENT_SECRET_ENV};
use crate::powerplatform::http_client;
use crate::report::login::{self, SessionReport};
use crate::source::environment::PowerPlatformSettings;
use anyhow::bail;
use std::io::Write;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct LoginOptions {
    pub power_platform: PowerPlatformSettings,
    pub tenant: String,
    pub client_id: String,
    pub service_principal: bool,
    pub json: bool,
}

pub fn run(options: &LoginOptions, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<Exit> {
    let endpoints = options.power_platform.checked_endpoints()?;
    let http = http_client()?;
    let identity = Identity {
        http: &http,
        authority: endpoints.authority.clone(),
        tenant: options.tenant.clone(),
        client_id: options.client_id.clone(),
        // The retry setting doubles as the shortest poll pause, so tests need not wait seconds.
        min_interval: endpoints.retry_delay.min(Duration::from_secs(1)),
    };
    let token = if options.service_principal {
        if matches!(options.tenant.as_str(), "organizations" | "common" | "consumers") {
            bail!("a service principal signs in to one tenant: pass --tenant <tenant id or domain>");
        }
        let Ok(secret) = std::env::var(CLIENT_SECRET_ENV) else {
            bail!("set {CLIENT_SECRET_ENV} to the service principal's secret (it is read from the environment only, never from a flag, so that it stays out of shell history)");
        };
        identity.client_credentials(&secret)?
    } else {
        let code = identity.device_code()?;
        // The code goes to stderr so that `--json` output stays clean; it is shown even with -q,
        // because nothing happens without it.
        login::write_device_code(&code.verification_uri, &code.user_code, err)?;
        let spinner = crate::output::spinner(
            format!("waiting for you to sign in (the code expires in {} minutes)", code.expires_in / 60),
            false,
        );
        let token = identity.wait_for_device_sign_in(&code, &mut std::thread::sleep);
        spinner.finish_and_clear();
        token?
    };
    auth::save(&options.power_platform.token_cache, &token)?;
    let report = SessionReport::of(&token, &options.power_platform.token_cache);
    if options.json {
        crate::report::write_json(&report, out)?;
    } else {
        report.human(out)?;
    }
    Ok(Exit::Ok)
}

pub fn logout(token_cache: &std::path::Path, json: bool, out: &mut dyn Write) -> anyhow::Result<Exit> {
    let removed = auth::remove(token_cache)?;
    let report = SessionReport::signed_out(removed, token_cache);
    if json {
        // One line, as `logout --json` has always written it.
        crate::report::write_json_line(&report, out)?;
    } else {
        report.human(out)?;
    }
    Ok(Exit::Ok)
}

/// `login --status`: who is signed in and for how long; never the token.
pub fn status(token_cache: &std::path::Path, json: bool, out: &mut dyn Write) -> anyhow::Result<Exit> {
    let token = auth::load(token_cache)?;
    let report = SessionReport::status(token.as_ref(), token_cache);
    if json {
        crate::report::write_json(&report, out)?;
    } else {
        report.human(out)?;
    }
    Ok(if token.is_some() { Exit::Ok } else { Exit::Findings })
}

/// `login`'s options from its flags and the environment.
pub fn exec(args: crate::cli::LoginArgs, ctx: &super::Context) -> anyhow::Result<Exit> {
    let settings = ctx.power_platform(&args.power_platform)?;
    let mut out = crate::output::stdout();
    if args.status {
        return status(&settings.token_cache, args.json, &mut out);
    }
    let options = LoginOptions {
        power_platform: settings,
        tenant: args.tenant,
        client_id: args.client_id,
        service_principal: args.service_principal,
        json: args.json,
    };
    run(&options, &mut out, &mut crate::output::stderr())
}

/// `logout`.
pub fn exec_logout(args: crate::cli::LogoutArgs) -> anyhow::Result<Exit> {
    logout(&crate::powerplatform::auth::cache_path()?, args.json, &mut crate::output::stdout())
}
