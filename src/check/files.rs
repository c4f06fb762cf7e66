//! Layout checks (which files are there) and reading the JSON files.

use super::Sink;
use crate::connector::name::{file_name_issues, printable, NameIssue};
use crate::connector::{json, ConnectorPackage, JsonDocument, KnownFile};

const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Files every connector needs, and the files a category must not submit.
pub(super) fn check_layout(package: &ConnectorPackage, sink: &mut Sink) {
    let said = check_required(package, sink);
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
    check_left_out(package, &said, sink);
    check_names(package, sink);
    check_icon(package, sink);
    check_text_encodings(package, sink);
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

/// The swagger, apiProperties.json and readme.md every connector needs: each missing one said,
/// at a folder or link of its name when there is one. The names of those said so.
fn check_required<'p>(package: &'p ConnectorPackage, sink: &mut Sink) -> Vec<&'p str> {
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
    said
}

/// What the folder holds that is not submitted: skipped entries (but those `said` already) and
/// files too large for GitHub.
fn check_left_out(package: &ConnectorPackage, said: &[&str], sink: &mut Sink) {
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
                crate::connector::MAX_FILE_BYTES / (1024 * 1024)
            ),
            None,
        );
    }
}

/// Text files (readme, script, intro, unknown files) saved in a wide encoding.
fn check_text_encodings(package: &ConnectorPackage, sink: &mut Sink) {
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
    let (width, height) = match png_size(&icon.bytes) {
        Ok(size) => size,
        Err(what) => {
            sink.emit(
                "icon-format",
                &icon.name,
                None,
                None,
                format!("`{}` is not a complete PNG: {what}", printable(&icon.name)),
                Some("save the icon again as PNG from an image editor (230 × 230 pixels, a non-white, non-transparent background)".into()),
            );
            return;
        }
    };
    if width != height || !(160..=512).contains(&width) {
        sink.emit(
            "icon-size",
            &icon.name,
            None,
            None,
            format!(
                "`{}` is {width} × {height} pixels; certified icons are a square of about 230 × 230",
                printable(&icon.name)
            ),
            None,
        );
    }
}

/// The width and height of a PNG that starts with the signature, or why they cannot be read, or
/// why the file is cut short: the image header (IHDR: length 13, "IHDR", width, height,
/// big-endian) must come first, image data (IDAT) and the end marker (IEND) after it.
fn png_size(bytes: &[u8]) -> Result<(u32, u32), String> {
    let Some(header) = bytes.get(8..24) else {
        return Err(format!(
            "it ends after {} bytes, before the image header (IHDR) that gives its size",
            bytes.len()
        ));
    };
    if &header[4..8] != b"IHDR" || header[..4] != 13u32.to_be_bytes() {
        return Err("its first chunk is not the image header (IHDR) that gives its size".into());
    }
    let width = u32::from_be_bytes(header[8..12].try_into().expect("4 bytes"));
    let height = u32::from_be_bytes(header[12..16].try_into().expect("4 bytes"));
    if width == 0 || height == 0 {
        return Err(format!("its header gives {width} × {height} pixels"));
    }
    let rest = &bytes[24..];
    let has = |tag: &[u8]| rest.windows(4).any(|w| w == tag);
    if !has(b"IDAT") {
        return Err("it holds no image data (IDAT): the file is cut short".into());
    }
    if !has(b"IEND") {
        return Err("it has no end marker (IEND): the file is cut short".into());
    }
    Ok((width, height))
}

/// Parse a known JSON file, reporting what is not strict JSON; `None` when absent or beyond repair.
pub(super) fn parse_json<'p>(package: &'p ConnectorPackage, kind: KnownFile, sink: &mut Sink) -> Option<&'p JsonDocument> {
    let file = if kind == KnownFile::ApiDefinition {
        package.swagger_file()?
    } else {
        package.file(kind)?
    };
    if refused_unread(file, sink) {
        return None;
    }
    match file.json() {
        Ok(doc) => {
            report_not_strict(&file.name, doc, sink);
            Some(doc)
        }
        Err(e) => {
            report_unparsed(&file.name, e, sink);
            None
        }
    }
}

/// A JSON file too large to read, or saved in a wide encoding (UTF-16 or UTF-32), is not read:
/// said, and true.
fn refused_unread(file: &crate::connector::PackageFile, sink: &mut Sink) -> bool {
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
        return true;
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
        return true;
    }
    false
}

/// What in a file that was read is not strict JSON: bytes that are not UTF-8, and the first
/// syntax problem (with how many more like it).
fn report_not_strict(name: &str, doc: &JsonDocument, sink: &mut Sink) {
    if let Some(at) = doc.invalid_utf8_at {
        sink.emit(
            "json-encoding",
            name,
            Some(at),
            None,
            "the file holds bytes that are not UTF-8 (read as U+FFFD)".into(),
            None,
        );
    }
    let Some(strict) = &doc.strict_error else { return };
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
            name,
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
            name,
            Some(strict.position),
            None,
            format!("not strict JSON: {}", strict.message),
            None,
        );
    }
}

/// Why a file could not be read as JSON at all: a limit it passed, or nothing to recover.
fn report_unparsed(name: &str, e: &json::JsonError, sink: &mut Sink) {
    match e.kind {
        json::JsonErrorKind::TooManyValues => {
            let n = json::MAX_VALUES;
            sink.emit(
                "json-too-many-values",
                name,
                Some(e.issue.position),
                None,
                format!(
                    "`{}` holds more than {},{:03} values (reading stopped here), more than any connector needs; it is not checked further",
                    printable(name),
                    n / 1000,
                    n % 1000
                ),
                None,
            );
        }
        json::JsonErrorKind::KeyTooLong => {
            sink.emit(
                "json-key-too-long",
                name,
                Some(e.issue.position),
                None,
                format!("`{}` has {}; it is not checked further", printable(name), e.issue.message),
                None,
            );
        }
        _ => {
            sink.emit(
                "json-invalid",
                name,
                Some(e.issue.position),
                None,
                format!("not JSON, and nothing could be recovered: {}", e.issue.message),
                None,
            );
        }
    }
}
