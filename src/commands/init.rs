//! `connector-publish init`: scaffold what a category needs around a connector (or a new, empty
//! one). It never overwrites a file; it says what it created and what a person must still write.

use crate::cli::Exit;
use crate::output::{paint, DIM, EMPHASIS, GOOD, WARNING};
use crate::package::category::{self, INDEPENDENT_PUBLISHER_COLOR};
use crate::package::{name, Category, ConnectorPackage, KnownFile};
use crate::scaffold;
use anyhow::Context;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct InitOptions {
    pub path: PathBuf,
    pub category: Option<Category>,
}

/// What `init` did.
#[derive(Debug, Default)]
pub struct InitOutcome {
    pub category: Option<Category>,
    pub created: Vec<String>,
    pub kept: Vec<String>,
    /// What a person must still write or change.
    pub todo: Vec<String>,
}

/// Create `path` only if it does not exist: never replaces anything.
fn create_new(path: &Path, bytes: &[u8]) -> anyhow::Result<bool> {
    match std::fs::OpenOptions::new().write(true).create_new(true).open(path) {
        Ok(mut f) => {
            f.write_all(bytes).with_context(|| format!("writing {}", path.display()))?;
            Ok(true)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e).with_context(|| format!("creating {}", path.display())),
    }
}

pub fn scaffold(options: &InitOptions) -> anyhow::Result<InitOutcome> {
    std::fs::create_dir_all(&options.path).with_context(|| format!("creating {}", options.path.display()))?;
    let package = ConnectorPackage::load(&options.path)?;
    let swagger = package.swagger_value().cloned();
    let properties = package.json_value(KnownFile::ApiProperties).cloned();
    let category = options.category.unwrap_or_else(|| category::infer(properties.as_ref()).category);
    let folder_title = package.folder_name().unwrap_or_else(|| "My Connector".into());
    let mut outcome = InitOutcome {
        category: Some(category),
        ..Default::default()
    };

    let mut swagger = swagger;
    if package.swagger_file().is_none() {
        let title = name::safe_folder_name(&folder_title).unwrap_or_else(|_| "My Connector".into());
        let skeleton = scaffold::swagger_skeleton(&title);
        let bytes = serde_json::to_vec_pretty(&skeleton)?;
        if create_new(&options.path.join("apiDefinition.swagger.json"), &bytes)? {
            outcome.created.push("apiDefinition.swagger.json".into());
            outcome
                .todo
                .push("apiDefinition.swagger.json: the host, the operations, and every TODO value".into());
        }
        swagger = Some(skeleton);
    } else {
        outcome
            .kept
            .push(package.swagger_file().map(|f| f.name.clone()).unwrap_or_default());
    }

    let mut properties = properties;
    match package.file(KnownFile::ApiProperties) {
        None => {
            let publisher = swagger
                .as_ref()
                .and_then(|s| s.pointer("/info/contact/name"))
                .and_then(Value::as_str)
                .filter(|n| !n.contains(scaffold::TODO));
            let skeleton = scaffold::properties_skeleton(category, publisher, None);
            if create_new(&options.path.join("apiProperties.json"), &serde_json::to_vec_pretty(&skeleton)?)? {
                outcome.created.push("apiProperties.json".into());
                outcome.todo.extend(
                    scaffold::todos(&serde_json::to_string_pretty(&skeleton)?)
                        .into_iter()
                        .map(|t| format!("apiProperties.json: {t}")),
                );
            }
            properties = Some(skeleton);
        }
        Some(f) => {
            outcome.kept.push(f.name.clone());
            // Never rewritten: say what the category needs changed.
            let props = properties.as_ref().and_then(|p| p.get("properties"));
            if category == Category::IndependentPublisher {
                let color = props
                    .and_then(|p| p.get("iconBrandColor"))
                    .and_then(Value::as_str)
                    .map(str::to_ascii_lowercase);
                if color.as_deref() != Some(INDEPENDENT_PUBLISHER_COLOR) {
                    outcome
                        .todo
                        .push(format!("{}: set \"iconBrandColor\": \"{INDEPENDENT_PUBLISHER_COLOR}\"", f.name));
                }
                for field in ["publisher", "stackOwner"] {
                    if props
                        .and_then(|p| p.get(field))
                        .and_then(Value::as_str)
                        .is_none_or(|v| v.trim().is_empty())
                    {
                        outcome.todo.push(format!("{}: add \"{field}\" under \"properties\"", f.name));
                    }
                }
            }
        }
    }

    match package.file(KnownFile::Readme) {
        Some(f) => outcome.kept.push(f.name.clone()),
        None => {
            let text = scaffold::readme(swagger.as_ref(), properties.as_ref(), category, &folder_title)?;
            if create_new(&options.path.join("readme.md"), text.as_bytes())? {
                outcome.created.push("readme.md".into());
                outcome
                    .todo
                    .extend(scaffold::todos(&text).into_iter().map(|t| format!("readme.md: {t}")));
            }
        }
    }
    if category == Category::IndependentPublisher {
        if let Some(icon) = package.file(KnownFile::Icon) {
            outcome.todo.push(format!(
                "{}: independent publishers submit no icon (submit leaves it out)",
                icon.name
            ));
        }
    }
    Ok(outcome)
}

pub fn run(options: &InitOptions, out: &mut dyn Write) -> anyhow::Result<Exit> {
    let outcome = scaffold(options)?;
    let category = outcome.category.map(|c| c.to_string()).unwrap_or_default();
    writeln!(out, "Prepared {} as {}", options.path.display(), paint(EMPHASIS, category))?;
    for f in &outcome.created {
        writeln!(out, "  {} {f}", paint(GOOD, "created"))?;
    }
    for f in &outcome.kept {
        writeln!(
            out,
            "  {} {f} {}",
            paint(DIM, "kept   "),
            paint(DIM, "(existing files are never overwritten)")
        )?;
    }
    if outcome.todo.is_empty() {
        writeln!(
            out,
            "\nNothing left to fill in. Next: connector-publish submit {} --dry-run",
            options.path.display()
        )?;
    } else {
        writeln!(out, "\n{}", paint(WARNING, "Still to fill in:"))?;
        for t in &outcome.todo {
            writeln!(out, "  - {t}")?;
        }
        writeln!(out, "\nThen: connector-publish validate {}", options.path.display())?;
    }
    Ok(crate::cli::Exit::Ok)
}
