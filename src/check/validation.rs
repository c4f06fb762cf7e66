//! What validation learned about a package: its category, the findings, and the folder name it
//! would be submitted under. `validate` and `submit` both start from here.

use super::schemas::Schemas;
use super::Report;
use crate::connector::{category, name, Category, CategoryInference, ConnectorPackage, KnownFile};

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

/// Load a folder and check it against the built-in schemas (for tests and evaluations).
pub fn validate_folder(path: &std::path::Path, category_override: Option<Category>) -> anyhow::Result<Validation> {
    Ok(validate(ConnectorPackage::load(path)?, category_override, &Schemas::builtin()))
}

/// Check a package against the given schemas: its category (inferred unless overridden), the
/// findings, and the folder name it would get.
pub fn validate(package: ConnectorPackage, category_override: Option<Category>, schemas: &Schemas) -> Validation {
    let inference = category::infer(package.json_value(KnownFile::ApiProperties));
    let category = category_override.unwrap_or(inference.category);
    let report = super::check_with(&package, category, schemas);
    let default_folder = default_folder(&package);
    Validation {
        package,
        inference,
        category,
        report,
        default_folder,
    }
}

impl Validation {
    /// Add a generated readme to the package and check again.
    pub fn add_generated_readme(&mut self, text: Vec<u8>, schemas: &Schemas) {
        self.package.add_generated("readme.md", text);
        self.report = super::check_with(&self.package, self.category, schemas);
    }
}

/// The connector folder as it is upstream (`ConnectorPackage::from_files` of the mirror's
/// files), checked the same way, so findings it already has are known as pre-existing.
pub fn baseline(upstream: &ConnectorPackage, category: Category, schemas: &Schemas) -> Report {
    super::check_with(upstream, category, schemas)
}

/// The folder name from `info.title`, or why there is none: the swagger is missing, unreadable,
/// not an object, or has no string title (said in that order, the first that applies).
fn default_folder(package: &ConnectorPackage) -> Result<String, String> {
    let Some(file) = package.swagger_file() else {
        if let Some(skipped) = package.skipped_as(KnownFile::ApiDefinition) {
            return Err(format!(
                "{} is {}, so it gives no folder name; fix it, or choose a name with --name",
                crate::connector::name::printable(&skipped.name),
                skipped.kind.as_known_file().0
            ));
        }
        return Err("there is no apiDefinition.swagger.json to take the folder name from; add it, or choose a name with --name".into());
    };
    let value = match file.json() {
        Ok(doc) => &doc.value,
        Err(e) => {
            return Err(format!(
                "{} cannot be read as JSON ({}), so it gives no folder name; fix it, or choose a name with --name",
                crate::connector::name::printable(&file.name),
                e.issue
            ))
        }
    };
    if !value.is_object() {
        return Err(format!(
            "{} must be a JSON object, found {}; fix it, or choose a name with --name",
            file.name,
            super::found(value)
        ));
    }
    if let Some(info) = value.get("info").filter(|i| !i.is_object()) {
        return Err(format!(
            "info must be an object, found {}; fix it, or choose a name with --name",
            super::found(info)
        ));
    }
    match value.pointer("/info/title") {
        Some(serde_json::Value::String(t)) => name::safe_folder_name(t).map_err(|e| e.to_string()),
        Some(other) => Err(format!(
            "info.title must be a string, found {}; fix it, or choose a name with --name",
            super::found(other)
        )),
        None => Err("the swagger has no info.title to name the folder after; choose one with --name".into()),
    }
}
