//! `connector-publish validate`: load the package and run the checks, offline.

use crate::check::schemas::Schemas;
use crate::check::{self, Report, Severity};
use crate::cli::exit;
use crate::output::{paint, DIM, EMPHASIS, ERROR, GOOD, HEADER, WARNING};
use crate::package::{category, name, Category, CategoryInference, ConnectorPackage, KnownFile};
use anyhow::Context;
use serde_json::json;
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
    /// Compare with the upstream version of the connector: `Some(None)` finds the folder from the
    /// path (`…/certified-connectors/Foo`), `Some(Some("certified-connectors/Foo"))` names it.
    pub against_upstream: Option<Option<String>>,
    /// The cache folder and upstream whose mirror (when there is one) provides the repository's
    /// schemas and, with `against_upstream`, the upstream version. Never synced here: validate
    /// stays offline.
    pub cache: PathBuf,
    pub upstream: crate::catalog::Upstream,
}

/// What validation learned, for this command's output and for `submit`.
#[derive(Debug, Clone)]
pub struct Validation {
    pub package: ConnectorPackage,
    pub inference: CategoryInference,
    /// The category checked against: the override, or the inferred one.
    pub category: Category,
    pub report: Report,
    /// The folder name `submit` would use by default (from `info.title`), or why it cannot.
    pub default_folder: Result<String, String>,
}

/// Load and check against the built-in schemas; no output.
pub fn validate(path: &std::path::Path, category_override: Option<Category>) -> anyhow::Result<Validation> {
    validate_with(path, category_override, &Schemas::builtin())
}

/// Load and check against the given schemas; no output.
pub fn validate_with(path: &std::path::Path, category_override: Option<Category>, schemas: &Schemas) -> anyhow::Result<Validation> {
    let package = ConnectorPackage::load(path)?;
    let properties = package.json(KnownFile::ApiProperties).and_then(Result::ok);
    let inference = category::infer(properties.as_ref().map(|d| &d.value));
    let category = category_override.unwrap_or(inference.category);
    let report = check::check_with(&package, category, schemas);
    let default_folder = default_folder(&package);
    Ok(Validation {
        package,
        inference,
        category,
        report,
        default_folder,
    })
}

/// The connector folder as it is upstream, checked the same way, so findings it already has are
/// known as pre-existing. `folder` is `<category folder>/<Folder>`.
pub fn baseline(package_files: Files, folder: &str, category: Category, schemas: &Schemas) -> Report {
    let package = ConnectorPackage::from_files(folder, package_files);
    check::check_with(&package, category, schemas)
}

/// A folder's files: names and bytes.
pub type Files = Vec<(String, Vec<u8>)>;

/// The files of `folder` (`certified-connectors/Foo`) at `commit` of the mirror, or `None` when
/// the folder is not there.
pub fn upstream_files(repo: &git2::Repository, commit: git2::Oid, folder: &str) -> anyhow::Result<Option<Files>> {
    let tree = repo.find_commit(commit)?.tree()?;
    let Ok(entry) = tree.get_path(std::path::Path::new(folder)) else {
        return Ok(None);
    };
    let Ok(folder_tree) = repo.find_tree(entry.id()) else {
        return Ok(None);
    };
    let mut files = Vec::new();
    for e in folder_tree.iter() {
        if e.kind() != Some(git2::ObjectType::Blob) {
            continue;
        }
        let (Ok(name), Ok(blob)) = (e.name(), repo.find_blob(e.id())) else {
            continue;
        };
        files.push((name.to_string(), blob.content().to_vec()));
    }
    Ok(Some(files))
}

/// `<category folder>/<Folder>` from the last two components of a path placed like upstream.
fn folder_from_path(path: &std::path::Path) -> Option<String> {
    let canonical = std::fs::canonicalize(path).ok()?;
    let name = canonical.file_name()?.to_str()?;
    let parent = canonical.parent()?.file_name()?.to_str()?;
    Category::from_folder(parent)?;
    Some(format!("{parent}/{name}"))
}

/// The folder name from `info.title`, or why there is none: the swagger is missing, unreadable,
/// not an object, or has no string title (said in that order, the first that applies).
fn default_folder(package: &ConnectorPackage) -> Result<String, String> {
    let Some(file) = package.swagger_file() else {
        return Err("there is no apiDefinition.swagger.json to take the folder name from; add it, or choose a name with --name".into());
    };
    // Only the title is needed: a strict parse (no position map) when the file allows it; the
    // tolerant parse, a fifth of the whole check's time, only when it does not.
    let strict = crate::package::json::strict_value(&file.bytes);
    let Some(value) = strict.or_else(|| crate::package::json::parse(&file.bytes).ok().map(|d| d.value)) else {
        return Err(format!(
            "{} cannot be read as JSON, so it gives no folder name; fix it, or choose a name with --name",
            file.name
        ));
    };
    if !value.is_object() {
        return Err(format!(
            "{} must be a JSON object, found {}; fix it, or choose a name with --name",
            file.name,
            crate::check::found(&value)
        ));
    }
    match value.pointer("/info/title") {
        Some(serde_json::Value::String(t)) => name::safe_folder_name(t).map_err(|e| e.to_string()),
        Some(other) => Err(format!(
            "info.title must be a string, found {}; fix it, or choose a name with --name",
            crate::check::found(other)
        )),
        None => Err("the swagger has no info.title to name the folder after; choose one with --name".into()),
    }
}

pub fn run(options: &ValidateOptions, out: &mut dyn Write) -> anyhow::Result<i32> {
    let mirror = crate::catalog::Mirror::new(&options.cache, &options.upstream);
    // The mirror, when there is one, gives upstream's current schemas and the upstream version.
    let head = mirror.recorded_head();
    let repo_and_head = match &head {
        Some((oid, _)) => match (mirror.open(), git2::Oid::from_str(oid)) {
            (Ok(repo), Ok(oid)) => Some((repo, oid)),
            _ => None,
        },
        None => None,
    };
    let schemas = match &repo_and_head {
        Some((repo, oid)) => Schemas::from_git(repo, *oid),
        None => Schemas::builtin(),
    };
    let mut v = validate_with(&options.path, options.category, &schemas)?;
    if let Some(folder) = &options.against_upstream {
        let folder = match folder {
            Some(f) => {
                let (category, name) = crate::plan::Target::parse_update(f).map_err(|e| crate::cli::UsageError(format!("--against-upstream: {e}")))?;
                format!("{}/{name}", category.folder())
            }
            None => folder_from_path(&options.path).ok_or_else(|| {
                crate::cli::UsageError(format!(
                    "--against-upstream: {} is not placed like upstream (…/<category>-connectors/<Folder>); name the upstream folder: --against-upstream \"certified-connectors/<Folder>\"",
                    options.path.display()
                ))
            })?,
        };
        let Some((repo, oid)) = &repo_and_head else {
            anyhow::bail!(
                "--against-upstream needs the local mirror of upstream, and there is none yet: run `connector-publish sync` once (validate itself never uses the network)"
            );
        };
        let Some(files) = upstream_files(repo, *oid, &folder)? else {
            anyhow::bail!(
                "{folder} is not in the mirror of upstream (commit {}); check the name with `connector-publish search`, or run `connector-publish sync`",
                &oid.to_string()[..12]
            );
        };
        let upstream_report = baseline(files, &folder, v.category, &schemas);
        v.report
            .apply_baseline(&upstream_report, format!("{folder} at upstream {}", &oid.to_string()[..12]));
    }
    if options.json {
        print_json(&v, options, out)?;
    } else {
        print_human(&v, options, out)?;
    }
    Ok(if v.report.blocking(options.strict) > 0 {
        exit::FINDINGS
    } else {
        exit::OK
    })
}

fn print_json(v: &Validation, options: &ValidateOptions, out: &mut dyn Write) -> anyhow::Result<()> {
    let doc = json!({
        "path": options.path,
        "category": v.category,
        "category_inferred": v.inference.category,
        "category_reason": v.inference.reason,
        "folder": v.default_folder.as_ref().ok().map(|f| format!("{}/{f}", v.category.folder())),
        "folder_error": v.default_folder.as_ref().err(),
        "files": v.package.files.iter().map(|f| json!({"name": f.name, "kind": f.kind, "bytes": f.bytes.len()})).collect::<Vec<_>>(),
        "errors": v.report.errors(),
        "warnings": v.report.warnings(),
        "blocking": v.report.blocking(options.strict),
        "pre_existing": v.report.pre_existing(),
        "baseline": v.report.baseline,
        "findings": v.report.findings,
    });
    serde_json::to_writer_pretty(&mut *out, &doc).context("writing JSON")?;
    writeln!(out)?;
    Ok(())
}

fn print_human(v: &Validation, options: &ValidateOptions, out: &mut dyn Write) -> anyhow::Result<()> {
    let how = if options.category.is_some() {
        "as you asked".to_string()
    } else {
        format!("inferred: {}", v.inference.reason)
    };
    writeln!(out, "Checked {} as {} ({how})", options.path.display(), paint(EMPHASIS, v.category))?;
    match &v.default_folder {
        Ok(folder) => writeln!(
            out,
            "{}",
            paint(DIM, format!("It would be submitted as {}/{folder}", v.category.folder()))
        )?,
        Err(e) => writeln!(out, "{}", paint(WARNING, format!("Folder name: {e}")))?,
    }
    for (file, findings) in v.report.by_file() {
        let findings: Vec<_> = findings.into_iter().filter(|f| !f.pre_existing).collect();
        if findings.is_empty() {
            continue;
        }
        writeln!(out)?;
        writeln!(out, "{}", paint(HEADER, file))?;
        for f in findings {
            let location = match f.position {
                Some(p) => format!("{file}:{}:{}", p.line, p.column),
                None => file.to_string(),
            };
            let (label, style) = match f.severity {
                Severity::Error => ("error", ERROR),
                Severity::Warning => ("warning", WARNING),
            };
            let validator = f.validator.map(|n| format!(" (validator: {n})")).unwrap_or_default();
            writeln!(out, "  {location}: {}[{}] {}{validator}", paint(style, label), f.rule, f.message)?;
            writeln!(out, "    {} {}", paint(DIM, "fix:"), f.fix)?;
        }
    }
    print_pre_existing(&v.report, options.strict, out)?;
    writeln!(out)?;
    let summary = v.report.summary();
    let style = match (v.report.blocking(options.strict), v.report.findings.iter().any(|f| !f.pre_existing)) {
        (0, false) => GOOD,
        (0, true) => WARNING,
        _ => ERROR,
    };
    writeln!(out, "{}", paint(style, summary))?;
    Ok(())
}

/// Findings the upstream version already has, grouped by rule with a count: shown so they can be
/// fixed, and said not to block (unless `--strict`).
pub fn print_pre_existing(report: &Report, strict: bool, out: &mut dyn Write) -> anyhow::Result<()> {
    let old: Vec<_> = report.findings.iter().filter(|f| f.pre_existing).collect();
    if old.is_empty() {
        return Ok(());
    }
    let mut by_rule: std::collections::BTreeMap<(&str, Severity), usize> = std::collections::BTreeMap::new();
    for f in &old {
        *by_rule.entry((f.rule, f.severity)).or_default() += 1;
    }
    writeln!(out)?;
    writeln!(
        out,
        "{}",
        paint(
            HEADER,
            format!(
                "Pre-existing: {} finding{} already in {} ({})",
                old.len(),
                if old.len() == 1 { "" } else { "s" },
                report.baseline.as_deref().unwrap_or("upstream"),
                if strict {
                    "they block: --strict"
                } else {
                    "not introduced by this change; they do not block"
                }
            )
        )
    )?;
    for ((rule, severity), n) in by_rule {
        let label = match severity {
            Severity::Error => paint(ERROR, "error"),
            Severity::Warning => paint(WARNING, "warning"),
        };
        writeln!(out, "  {n:>4} × {label}[{rule}] {}", paint(DIM, check::rules::rule(rule).message))?;
    }
    Ok(())
}
