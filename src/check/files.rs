//! Layout checks (which files are there) and reading the JSON files.

use super::Sink;
use crate::package::{ConnectorPackage, JsonDocument, KnownFile};

/// Files every connector needs, and the files a category must not submit.
pub(super) fn check_layout(package: &ConnectorPackage, sink: &mut Sink) {
    let missing = [
        (KnownFile::ApiDefinition, "file-swagger-missing"),
        (KnownFile::ApiProperties, "file-properties-missing"),
        (KnownFile::Readme, "file-readme-missing"),
    ];
    for (kind, rule) in missing {
        if package.file(kind).is_none() {
            sink.emit(rule, kind.canonical_name(), None, None, String::new(), None);
        }
    }
    if let Some(icon) = package.file(KnownFile::Icon) {
        sink.emit("file-icon-independent", &icon.name, None, None, String::new(), None);
    }
    if let Some(settings) = package.file(KnownFile::Settings) {
        sink.emit("file-settings", &settings.name, None, None, String::new(), None);
    }
    for notice in &package.notices {
        sink.emit(
            "file-name",
            &notice.name,
            None,
            None,
            notice.message.clone(),
            Some(notice.fix.clone()),
        );
    }
    for skipped in &package.skipped {
        sink.emit(
            "file-skipped",
            &skipped.name,
            None,
            None,
            format!("`{}` is left out: {}", skipped.name, skipped.reason),
            None,
        );
    }
    if let Some(swagger) = package.swagger_file() {
        if swagger.bytes.len() > 1_000_000 {
            let size = swagger.bytes.len() as f64 / 1e6;
            sink.emit(
                "swagger-size",
                &swagger.name,
                None,
                None,
                format!("the swagger file is {size:.1} MB; the limit is 1 MB"),
                None,
            );
        }
    }
}

/// Parse a known JSON file, reporting what is not strict JSON; `None` when absent or beyond repair.
pub(super) fn parse_json(package: &ConnectorPackage, kind: KnownFile, sink: &mut Sink) -> Option<JsonDocument> {
    let file = if kind == KnownFile::ApiDefinition {
        package.swagger_file()?
    } else {
        package.file(kind)?
    };
    match crate::package::json::parse(&file.bytes) {
        Ok(doc) => {
            if let Some(at) = doc.invalid_utf8_at {
                sink.emit(
                    "json-encoding",
                    &file.name,
                    Some(at),
                    None,
                    "the file holds bytes that are not UTF-8 (read as U+FFFD)".into(),
                    None,
                );
            }
            if let Some(strict) = &doc.strict_error {
                // The UTF-8 problem is reported above; report the first syntax problem here.
                let first_syntax = doc.repairs.iter().find(|r| !r.message.contains("UTF-8"));
                if let Some(repair) = first_syntax {
                    let more = doc.repairs.iter().filter(|r| !r.message.contains("UTF-8")).count() - 1;
                    let more = if more > 0 {
                        format!(" (and {more} more like it)")
                    } else {
                        String::new()
                    };
                    sink.emit(
                        "json-not-strict",
                        &file.name,
                        Some(repair.position),
                        None,
                        format!(
                            "not strict JSON: {}{more}; a strict parser says: {}",
                            repair.message, strict.message
                        ),
                        None,
                    );
                } else if doc.invalid_utf8_at.is_none() {
                    sink.emit(
                        "json-not-strict",
                        &file.name,
                        Some(strict.position),
                        None,
                        format!("not strict JSON: {}", strict.message),
                        None,
                    );
                }
            }
            Some(doc)
        }
        Err(e) => {
            sink.emit(
                "json-invalid",
                &file.name,
                Some(e.issue.position),
                None,
                format!("not JSON, and nothing could be recovered: {}", e.issue.message),
                None,
            );
            None
        }
    }
}
