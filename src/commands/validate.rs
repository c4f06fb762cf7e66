//! `connector-publish validate`: load the package and run the checks, offline.

use crate::catalog::mirror::folder_files;
use crate::check::{self, schemas::Schemas};
use crate::connector::{Category, ConnectorPackage};
use crate::exit::{Exit, UsageError};
use crate::report::validate::ValidateReport;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct ValidateOptions {
    pub path: PathBuf,
    /// Overrides the inferred category.
    pub category: Option<Category>,
    pub json: bool,
    /// Errors already present upstream block too.
    pub strict: bool,
    /// An independent publisher's folder without its certification package (no zip is no error).
    pub without_package: bool,
    /// Compare with the upstream version of the connector: `Some(None)` finds the folder from the
    /// path (`…/certified-connectors/Foo`), `Some(Some("certified-connectors/Foo"))` names it.
    pub against_upstream: Option<Option<String>>,
    /// The cache folder and upstream whose mirror (when there is one) provides the repository's
    /// schemas and, with `against_upstream`, the upstream version. Never synced here: validate
    /// stays offline.
    pub cache: PathBuf,
    pub upstream: crate::catalog::Upstream,
    /// `--online`: also ask the Power Apps service to validate the swagger (certification rules
    /// on), as `paconn validate` does, and compare.
    pub online: Option<crate::source::environment::PowerPlatformSettings>,
}

/// `<category folder>/<Folder>` from the last two components of a path placed like upstream.
fn folder_from_path(path: &std::path::Path) -> Option<String> {
    let canonical = std::fs::canonicalize(path).ok()?;
    let name = canonical.file_name()?.to_str()?;
    let parent = canonical.parent()?.file_name()?.to_str()?;
    Category::from_folder(parent)?;
    Some(format!("{parent}/{name}"))
}

pub fn run(options: &ValidateOptions, out: &mut dyn Write) -> anyhow::Result<Exit> {
    // The mirror, when there is one, gives upstream's current schemas and the upstream version.
    let mirror = crate::catalog::Mirror::new(&options.cache, &options.upstream);
    let recorded = mirror.open_recorded();
    let schemas = match &recorded {
        Some((repo, oid)) => Schemas::from_git(repo, *oid),
        None => Schemas::builtin(),
    };
    let package = crate::source::folder(&options.path)?;
    let mut v = check::validate(package, options.category, &schemas);
    if let Some(folder) = &options.against_upstream {
        let folder = match folder {
            Some(f) => {
                let (category, name) = crate::plan::Target::parse_update(f).map_err(|e| UsageError(format!("--against-upstream: {e}")))?;
                format!("{}/{name}", category.folder())
            }
            None => folder_from_path(&options.path).ok_or_else(|| {
                UsageError(format!(
                    "--against-upstream: {} is not placed like upstream (…/<category>-connectors/<Folder>); name the upstream folder: --against-upstream \"certified-connectors/<Folder>\"",
                    options.path.display()
                ))
            })?,
        };
        let Some((repo, oid)) = &recorded else {
            anyhow::bail!(
                "--against-upstream needs the local mirror of upstream, and there is none yet: run `connector-publish sync` once (validate itself never uses the network)"
            );
        };
        let (category, name) = folder.split_once('/').unwrap_or_default();
        let Some((label, files)) = folder_files(repo, *oid, category, name)? else {
            anyhow::bail!(
                "{folder} is not in the mirror of upstream (commit {}); check the name with `connector-publish search`, or run `connector-publish sync`",
                &oid.to_string()[..12]
            );
        };
        let upstream = ConnectorPackage::from_files(&label, files);
        let upstream_report = check::validation::baseline(&upstream, v.category, &schemas);
        v.report
            .apply_baseline(&upstream_report, format!("{label} at upstream {}", &oid.to_string()[..12]));
    }
    // The certification package (an independent publisher's one zip): never pre-existing.
    let package = crate::certification::bot::check_folder(&v.package, v.category, options.without_package);
    v.report.findings.extend(package.findings);
    let mut report = ValidateReport::new(&options.path, &v, options.category.is_some(), options.strict);
    report.certification_package = package.package.map(|mut p| {
        p.contact_email = p.contact_email.map(|e| crate::secrets::registered().text(&e).into_owned());
        p
    });
    if let Some(settings) = &options.online {
        let Some(swagger) = v.package.swagger_file() else {
            anyhow::bail!(
                "{}: there is no apiDefinition.swagger.json to send to the service",
                options.path.display()
            );
        };
        let bytes = swagger.bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&swagger.bytes);
        let swagger_value: serde_json::Value = match serde_json::from_slice(bytes) {
            Ok(value) => value,
            Err(e) => {
                // The offline findings first: they say what to fix.
                report.write(options.json, out)?;
                anyhow::bail!(
                    "{}:{}:{}: not valid JSON ({e}), so the service cannot validate it; fix the findings above first",
                    swagger.name,
                    e.line(),
                    e.column()
                );
            }
        };
        let online = crate::commands::create::online_validation(settings, &swagger_value, &v.report.findings, options.json)?;
        report = report.with_online(online);
    }
    report.write(options.json, out)?;
    Ok(report.exit())
}

/// `validate`'s options from its flags, the environment and the config file.
pub fn exec(args: crate::cli::ValidateArgs, ctx: &super::Context) -> anyhow::Result<Exit> {
    let options = ValidateOptions {
        category: ctx.category(args.category.as_deref())?,
        path: args.path,
        json: args.json,
        strict: args.strict,
        without_package: args.without_package,
        against_upstream: args.against_upstream,
        cache: ctx.cache()?,
        upstream: ctx.upstream(&args.upstream)?,
        online: if args.online {
            Some(ctx.power_platform(&args.power_platform)?)
        } else {
            None
        },
    };
    run(&options, &mut crate::output::stdout())
}
