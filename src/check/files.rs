//! Layout checks (which files are there) and reading the JSON files.

use super::Sink;
use crate::package::name::{file_name_issues, printable, NameIssue};
use crate::package::{json, ConnectorPackage, JsonDocument, KnownFile};

const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Files every connector needs, and the files a category must not submit.
pub(super) fn check_layout(package: &ConnectorPackage, sink: &mut Sink) {
    let missing = [
        (KnownFile::ApiDefinition, "file-swagger-missing"),
        (KnownFile::ApiProperties, "file-properties-missing"),
        (KnownFile::Readme, "file-readme-missing"),
    ];
    let mut said: Vec<&str> = Vec::new();
    for (kind, rule) in missing {
        if package.file(kind).is_some() {
            continue;
        }
        // A folder or a link of that name: say what it is, at it, rather than "missing".
        match package.skipped_as(kind) {
            Some(skipped) => {
                let (what, fix) = skipped.kind.as_known_file();
                sink.emit(
                    rule,
                    &skipped.name,
                    None,
                    None,
                    format!("`{}` is {what}", printable(&skipped.name)),
                    Some(fix.to_string()),
                );
                said.push(&skipped.name);
            }
            None => sink.emit(rule, kind.canonical_name(), None, None, String::new(), None),
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
    for skipped in package.skipped.iter().filter(|s| !said.contains(&s.name.as_str())) {
        sink.emit(
            "file-skipped",
            &skipped.name,
            None,
            None,
            format!("`{}` is left out: {}", printable(&skipped.name), skipped.reason),
            None,
        );
    }
    for big in &package.oversized {
        sink.emit(
            "file-too-large",
            &big.name,
            None,
            None,
            format!(
                "`{}` is {:.1} MiB; GitHub refuses files over {} MiB",
                printable(&big.name),
                big.size as f64 / (1024.0 * 1024.0),
                crate::package::MAX_FILE_BYTES / (1024 * 1024)
            ),
            None,
        );
    }
    check_names(package, sink);
    check_icon(package, sink);
    for file in &package.files {
        if file.kind.is_none() || matches!(file.kind, Some(KnownFile::Readme | KnownFile::Script | KnownFile::Intro)) {
            if let Some(encoding) = json::wide_encoding(&file.bytes) {
                sink.emit(
                    "text-encoding",
                    &file.name,
                    None,
                    None,
                    format!("`{}` is saved as {encoding}; save it as UTF-8", printable(&file.name)),
                    None,
                );
            }
        }
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

/// The one file-name policy (shared with `submit`'s plan): refused names and case clashes are
/// errors, standard files with unusual casing a warning.
fn check_names(package: &ConnectorPackage, sink: &mut Sink) {
    let names = package
        .files
        .iter()
        .map(|f| f.name.as_str())
        .chain(package.oversized.iter().map(|f| f.name.as_str()));
    for issue in file_name_issues(names) {
        match issue {
            NameIssue::Refused { name, reason } => sink.emit(
                "file-name-refused",
                &name,
                None,
                None,
                format!("the file name `{}` cannot be submitted: {reason}", name.escape_debug()),
                None,
            ),
            NameIssue::CaseClash { name, other } => sink.emit(
                "file-name-case-clash",
                &name,
                None,
                None,
                format!(
                    "`{}` and `{}` differ only in case: Windows and macOS checkouts keep only one",
                    printable(&name),
                    printable(&other)
                ),
                Some(format!(
                    "keep one of `{}` and `{}` and delete the other",
                    printable(&other),
                    printable(&name)
                )),
            ),
            NameIssue::Miscased { name, canonical } => sink.emit(
                "file-name-case",
                &name,
                None,
                None,
                format!("`{}` is spelled `{canonical}` in the repository", printable(&name)),
                Some(format!("rename it to `{canonical}` (an update keeps the spelling upstream has)")),
            ),
        }
    }
}

/// icon.png must be a PNG; certified icons are a square of about 230 × 230 pixels.
fn check_icon(package: &ConnectorPackage, sink: &mut Sink) {
    let Some(icon) = package.file(KnownFile::Icon) else { return };
    if !icon.bytes.starts_with(PNG_MAGIC) {
        let what = if icon.bytes.starts_with(b"\xFF\xD8\xFF") {
            "a JPEG image".to_string()
        } else if icon.bytes.starts_with(b"GIF8") {
            "a GIF image".to_string()
        } else if icon.bytes.starts_with(b"<svg") || icon.bytes.starts_with(b"<?xml") {
            "an SVG or XML file".to_string()
        } else {
            format!("{} bytes that do not start with the PNG signature", icon.bytes.len())
        };
        sink.emit(
            "icon-format",
            &icon.name,
            None,
            None,
            format!("`{}` is not a PNG: it is {what}", icon.name),
            None,
        );
        return;
    }
    // The IHDR chunk follows the signature: length, "IHDR", width, height (big-endian).
    if icon.bytes.len() >= 24 && &icon.bytes[12..16] == b"IHDR" {
        let width = u32::from_be_bytes(icon.bytes[16..20].try_into().expect("4 bytes"));
        let height = u32::from_be_bytes(icon.bytes[20..24].try_into().expect("4 bytes"));
        if width != height || !(160..=512).contains(&width) {
            sink.emit(
                "icon-size",
                &icon.name,
                None,
                None,
                format!(
                    "`{}` is {width} × {height} pixels; certified icons are a square of about 230 × 230",
                    icon.name
                ),
                None,
            );
        }
    }
}

/// Parse a known JSON file, reporting what is not strict JSON; `None` when absent or beyond repair.
pub(super) fn parse_json<'p>(package: &'p ConnectorPackage, kind: KnownFile, sink: &mut Sink) -> Option<&'p JsonDocument> {
    let file = if kind == KnownFile::ApiDefinition {
        package.swagger_file()?
    } else {
        package.file(kind)?
    };
    if file.bytes.len() > json::MAX_PARSE_BYTES {
        sink.emit(
            "json-too-large",
            &file.name,
            None,
            None,
            format!(
                "`{}` is {:.1} MiB; JSON files over {} MiB are not read (a swagger should stay under 1 MB)",
                printable(&file.name),
                file.bytes.len() as f64 / (1024.0 * 1024.0),
                json::MAX_PARSE_BYTES / (1024 * 1024)
            ),
            None,
        );
        return None;
    }
    if let Some(encoding) = json::wide_encoding(&file.bytes) {
        sink.emit(
            "json-encoding",
            &file.name,
            None,
            None,
            format!(
                "`{}` is saved as {encoding}, which JSON tools and the repository's validators do not read; save it as UTF-8",
                printable(&file.name)
            ),
            None,
        );
        return None;
    }
    match file.json() {
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
                    // Counted in all, though only the first ones are kept.
                    let more = doc.repair_count - usize::from(doc.invalid_utf8_at.is_some()) - 1;
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
        Err(e) if e.kind == json::JsonErrorKind::TooManyValues => {
            let n = json::MAX_VALUES;
            sink.emit(
                "json-too-many-values",
                &file.name,
                Some(e.issue.position),
                None,
                format!(
                    "`{}` holds more than {},{:03} values (reading stopped here), more than any connector needs; it is not checked further",
                    printable(&file.name),
                    n / 1000,
                    n % 1000
                ),
                None,
            );
            None
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
