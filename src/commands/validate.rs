//! `connector-publish validate`: load the package and run the checks, offline.

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

/// Load and check; no output.
pub fn validate(path: &std::path::Path, category_override: Option<Category>) -> anyhow::Result<Validation> {
    let package = ConnectorPackage::load(path)?;
    let properties = package.json(KnownFile::ApiProperties).and_then(Result::ok);
    let inference = category::infer(properties.as_ref().map(|d| &d.value));
    let category = category_override.unwrap_or(inference.category);
    let report = check::check(&package, category);
    let default_folder = default_folder(&package);
    Ok(Validation {
        package,
        inference,
        category,
        report,
        default_folder,
    })
}

/// The folder name from `info.title`, or why there is none: the swagger is missing, unreadable,
/// not an object, or has no string title (said in that order, the first that applies).
fn default_folder(package: &ConnectorPackage) -> Result<String, String> {
    let Some(file) = package.swagger_file() else {
        return Err("there is no apiDefinition.swagger.json to take the folder name from; add it, or choose a name with --name".into());
    };
    let Ok(doc) = crate::package::json::parse(&file.bytes) else {
        return Err(format!(
            "{} cannot be read as JSON, so it gives no folder name; fix it, or choose a name with --name",
            file.name
        ));
    };
    if !doc.value.is_object() {
        return Err(format!(
            "{} must be a JSON object, found {}; fix it, or choose a name with --name",
            file.name,
            crate::check::found(&doc.value)
        ));
    }
    match doc.value.pointer("/info/title") {
        Some(serde_json::Value::String(t)) => name::safe_folder_name(t).map_err(|e| e.to_string()),
        Some(other) => Err(format!(
            "info.title must be a string, found {}; fix it, or choose a name with --name",
            crate::check::found(other)
        )),
        None => Err("the swagger has no info.title to name the folder after; choose one with --name".into()),
    }
}

pub fn run(options: &ValidateOptions, out: &mut dyn Write) -> anyhow::Result<i32> {
    let v = validate(&options.path, options.category)?;
    if options.json {
        print_json(&v, options, out)?;
    } else {
        print_human(&v, options, out)?;
    }
    Ok(if v.report.errors() > 0 { exit::FINDINGS } else { exit::OK })
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
            writeln!(out, "  {location}: {}[{}] {}", paint(style, label), f.rule, f.message)?;
            writeln!(out, "    {} {}", paint(DIM, "fix:"), f.fix)?;
        }
    }
    writeln!(out)?;
    let summary = v.report.summary();
    let style = match (v.report.errors(), v.report.warnings()) {
        (0, 0) => GOOD,
        (0, _) => WARNING,
        _ => ERROR,
    };
    writeln!(out, "{}", paint(style, summary))?;
    Ok(())
}
