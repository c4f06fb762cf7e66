//! The connector package: the files of one connector folder, bytes untouched.
//!
//! Everything downstream (checks, fingerprint, placement, the commit) reads from this one
//! structure, so the bytes that get committed are exactly the bytes the author has on disk.

pub mod category;
pub mod diff;
pub mod finding;
pub mod fingerprint;
pub mod json;
pub mod name;
pub mod secrets;

pub use category::{Category, CategoryInference};
pub use finding::{Finding, Severity};
pub use fingerprint::Fingerprint;
pub use json::{JsonDocument, JsonError, JsonIssue, Position};

use std::fs;
use std::path::{Path, PathBuf};

/// The files a connector folder is known to hold, matched case-insensitively.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum KnownFile {
    ApiDefinition,
    ApiProperties,
    Icon,
    Settings,
    Script,
    Readme,
    Intro,
}

impl KnownFile {
    pub const ALL: [KnownFile; 7] = [
        KnownFile::ApiDefinition,
        KnownFile::ApiProperties,
        KnownFile::Icon,
        KnownFile::Settings,
        KnownFile::Script,
        KnownFile::Readme,
        KnownFile::Intro,
    ];

    /// The canonical file name, as the upstream repository spells it.
    pub fn canonical_name(self) -> &'static str {
        match self {
            KnownFile::ApiDefinition => "apiDefinition.swagger.json",
            KnownFile::ApiProperties => "apiProperties.json",
            KnownFile::Icon => "icon.png",
            KnownFile::Settings => "settings.json",
            KnownFile::Script => "script.csx",
            KnownFile::Readme => "readme.md",
            KnownFile::Intro => "intro.md",
        }
    }

    /// The spellings upstream uses without remark: the canonical one, and for the readme the two
    /// capitalisations that hundreds of accepted connectors use (`README.md`, `Readme.md`).
    pub fn usual_spellings(self) -> &'static [&'static str] {
        match self {
            KnownFile::Readme => &["readme.md", "README.md", "Readme.md"],
            KnownFile::ApiDefinition => &["apiDefinition.swagger.json"],
            KnownFile::ApiProperties => &["apiProperties.json"],
            KnownFile::Icon => &["icon.png"],
            KnownFile::Settings => &["settings.json"],
            KnownFile::Script => &["script.csx"],
            KnownFile::Intro => &["intro.md"],
        }
    }

    pub fn from_name(name: &str) -> Option<KnownFile> {
        KnownFile::ALL.into_iter().find(|k| k.canonical_name().eq_ignore_ascii_case(name))
    }
}

/// One regular file at the top of the connector folder.
#[derive(Debug, Clone)]
pub struct PackageFile {
    /// The name exactly as on disk (case preserved).
    pub name: String,
    /// Which known file this is, if any.
    pub kind: Option<KnownFile>,
    /// The bytes exactly as on disk.
    pub bytes: Vec<u8>,
    /// The tolerant JSON parse of `bytes`, made the first time it is asked for and shared by
    /// every stage after (check, fingerprint, breaking-change report, readme generation).
    parsed: std::sync::OnceLock<Result<JsonDocument, JsonError>>,
}

impl PackageFile {
    pub fn new(name: String, kind: Option<KnownFile>, bytes: Vec<u8>) -> PackageFile {
        PackageFile {
            name,
            kind,
            bytes,
            parsed: std::sync::OnceLock::new(),
        }
    }

    /// The file read as JSON (tolerantly, with positions), parsed once however often asked.
    pub fn json(&self) -> Result<&JsonDocument, &JsonError> {
        self.parsed.get_or_init(|| json::parse(&self.bytes)).as_ref()
    }
}

/// Why something in the folder was not taken into the package.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    pub name: String,
    pub reason: String,
    #[serde(skip)]
    pub kind: SkipKind,
}

/// What a left-out entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipKind {
    Hidden,
    NameNotUnicode,
    Folder,
    /// A symbolic link to something outside the folder (never followed).
    LinkOutside,
    /// A symbolic link to a folder.
    LinkToFolder,
    /// A symbolic link to nothing (or to something that cannot be read).
    LinkBroken,
    /// A device, socket or pipe.
    Special,
}

impl SkipKind {
    /// What the entry is and what to do, for a known file that is not a file (`apiDefinition.swagger.json
    /// is a folder`): "is ..." and the fix.
    pub fn as_known_file(self) -> (&'static str, &'static str) {
        match self {
            SkipKind::Folder => (
                "a folder, not a file",
                "put the file itself at the top of the connector folder under this name (move it out of the folder of that name)",
            ),
            SkipKind::LinkOutside => (
                "a link to a file outside the connector folder, and links out of the folder are never followed",
                "copy the file into the connector folder in place of the link",
            ),
            SkipKind::LinkToFolder => ("a link to a folder, not a file", "replace the link with the file itself"),
            SkipKind::LinkBroken => ("a link that leads to nothing", "replace the link with the file itself"),
            SkipKind::Special => ("not a regular file (a device, socket or pipe)", "replace it with the file itself"),
            SkipKind::Hidden | SkipKind::NameNotUnicode => ("left out", "rename it to the name the repository uses"),
        }
    }
}

/// GitHub refuses files larger than 100 MiB: such a file is never read, only reported.
pub const MAX_FILE_BYTES: u64 = 100 * 1024 * 1024;

/// A file left unread because it is larger than GitHub accepts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Oversized {
    pub name: String,
    pub size: u64,
}

/// A remark about the folder's layout, for the checks to report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LayoutNotice {
    pub name: String,
    pub message: String,
    pub fix: String,
}

/// A connector folder loaded into memory.
#[derive(Debug, Clone, Default)]
pub struct ConnectorPackage {
    /// Where it was loaded from (for messages only; nothing reads it again).
    pub root: PathBuf,
    /// Top-level regular files, sorted by name.
    pub files: Vec<PackageFile>,
    /// Hidden files, subfolders, symlinks out of the folder and special files, left out.
    pub skipped: Vec<Skipped>,
    /// File names that look like misspellings of known files, duplicates of a known file.
    pub notices: Vec<LayoutNotice>,
    /// Files larger than [`MAX_FILE_BYTES`], left unread (not in `files`).
    pub oversized: Vec<Oversized>,
}

#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    #[error("{path}: no such folder; give the path of the connector folder that holds apiDefinition.swagger.json")]
    NotFound { path: PathBuf },
    #[error("{path}: not a folder; give the folder that holds apiDefinition.swagger.json, not a file inside it")]
    NotAFolder { path: PathBuf },
    #[error("{path}: cannot read: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

impl ConnectorPackage {
    /// Load the top level of `dir`. Never follows a symlink to a place outside `dir`.
    pub fn load(dir: &Path) -> Result<Self, PackageError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| PackageError::Io { path, source }
        };
        let meta = match fs::metadata(dir) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(PackageError::NotFound { path: dir.into() }),
            Err(e) => return Err(io(dir)(e)),
        };
        if !meta.is_dir() {
            return Err(PackageError::NotAFolder { path: dir.into() });
        }
        let root_real = fs::canonicalize(dir).map_err(io(dir))?;

        let mut entries: Vec<_> = fs::read_dir(dir).map_err(io(dir))?.collect::<Result<_, _>>().map_err(io(dir))?;
        entries.sort_by_key(|e| e.file_name());

        let mut package = ConnectorPackage {
            root: dir.to_path_buf(),
            ..Default::default()
        };
        for entry in entries {
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                package.skipped.push(Skipped {
                    name: entry.file_name().to_string_lossy().into_owned(),
                    reason: "its name is not valid Unicode".into(),
                    kind: SkipKind::NameNotUnicode,
                });
                continue;
            };
            let path = entry.path();
            if let Some((kind, reason)) = why_skipped(&name, &path, &root_real)? {
                package.skipped.push(Skipped {
                    name,
                    reason: reason.into(),
                    kind,
                });
                continue;
            }
            // The size first, from metadata: a file GitHub would refuse is never loaded.
            let size = fs::metadata(&path).map_err(io(&path))?.len();
            if size > MAX_FILE_BYTES {
                package.oversized.push(Oversized { name, size });
                continue;
            }
            let bytes = fs::read(&path).map_err(io(&path))?;
            package.add_file(name, bytes);
        }
        Ok(package)
    }

    /// Build a package from names and bytes already in memory (git objects, downloads, tests).
    pub fn from_files(root: impl Into<PathBuf>, files: impl IntoIterator<Item = (String, Vec<u8>)>) -> Self {
        let mut files: Vec<_> = files.into_iter().collect();
        files.sort_by(|a, b| a.0.cmp(&b.0));
        let mut package = ConnectorPackage {
            root: root.into(),
            ..Default::default()
        };
        for (name, bytes) in files {
            package.add_file(name, bytes);
        }
        package
    }

    /// Add a file held in memory (a generated readme), keeping the files sorted.
    pub fn add_generated(&mut self, name: &str, bytes: Vec<u8>) {
        self.add_file(name.to_string(), bytes);
        self.files.sort_by(|a, b| a.name.cmp(&b.name));
    }

    fn add_file(&mut self, name: String, bytes: Vec<u8>) {
        let mut kind = KnownFile::from_name(&name);
        if let Some(k) = kind {
            // A second spelling of a known file (`readme.md` beside `README.md`): the file-name
            // policy (`name::file_name_issues`) reports it as an error; only one is the known file.
            if self.files.iter().any(|f| f.kind == Some(k)) {
                kind = None;
            }
        } else if let Some(intended) = looks_like_misspelling(&name) {
            self.notices.push(LayoutNotice {
                name: name.clone(),
                message: format!(
                    "`{}` looks like a misspelling of `{}`",
                    name::printable(&name),
                    intended.canonical_name()
                ),
                fix: format!("rename it to `{}`", intended.canonical_name()),
            });
        }
        self.files.push(PackageFile::new(name, kind, bytes));
    }

    pub fn file(&self, kind: KnownFile) -> Option<&PackageFile> {
        self.files.iter().find(|f| f.kind == Some(kind))
    }

    /// A known file's name that is there but not a file the package holds (a folder, a link out of
    /// the folder), when the file itself is not: so "missing" can say what is there instead.
    pub fn skipped_as(&self, kind: KnownFile) -> Option<&Skipped> {
        if self.file(kind).is_some() {
            return None;
        }
        self.skipped
            .iter()
            .find(|s| s.kind != SkipKind::Hidden && KnownFile::from_name(&s.name) == Some(kind))
    }

    /// The swagger file: `apiDefinition.swagger.json`, or failing that a file whose name is a
    /// misspelling of it (`apiDefination.swagger.json`, `My-Connector.swagger.json`), so the
    /// definition is still read and checked while the name is reported.
    pub fn swagger_file(&self) -> Option<&PackageFile> {
        self.file(KnownFile::ApiDefinition).or_else(|| {
            self.other_files()
                .find(|f| looks_like_misspelling(&f.name) == Some(KnownFile::ApiDefinition))
        })
    }

    /// The swagger (see [`ConnectorPackage::swagger_file`]) read as JSON, parsed once.
    pub fn swagger(&self) -> Option<Result<&JsonDocument, &JsonError>> {
        self.swagger_file().map(PackageFile::json)
    }

    /// The swagger's value when it reads as JSON.
    pub fn swagger_value(&self) -> Option<&serde_json::Value> {
        self.swagger().and_then(Result::ok).map(|d| &d.value)
    }

    /// The swagger's fingerprint (from the one parse).
    pub fn fingerprint(&self) -> Option<Result<Fingerprint, JsonError>> {
        let api_properties = self.json_value(KnownFile::ApiProperties);
        self.swagger().map(|parsed| {
            parsed
                .map(|d| Fingerprint::from_swagger_with_policies(&d.value, api_properties))
                .map_err(Clone::clone)
        })
    }

    /// Files that are none of the known ones (screenshots, logos, ...).
    pub fn other_files(&self) -> impl Iterator<Item = &PackageFile> {
        self.files.iter().filter(|f| f.kind.is_none())
    }

    /// Parse a known JSON file, if present.
    pub fn json(&self, kind: KnownFile) -> Option<Result<&JsonDocument, &JsonError>> {
        self.file(kind).map(PackageFile::json)
    }

    /// A known JSON file's value when it reads as JSON.
    pub fn json_value(&self, kind: KnownFile) -> Option<&serde_json::Value> {
        self.json(kind).and_then(Result::ok).map(|d| &d.value)
    }

    /// The folder's own name, the default when no title is usable.
    pub fn folder_name(&self) -> Option<String> {
        self.root.file_name().and_then(|n| n.to_str()).map(str::to_owned)
    }
}

/// A name that is close to a known file name but not it: `apiDefination.swagger.json`,
/// `apiproperty.json`, `My.swagger.json`.
fn looks_like_misspelling(name: &str) -> Option<KnownFile> {
    let lower = name.to_ascii_lowercase();
    let best = KnownFile::ALL
        .into_iter()
        .map(|k| (k, strsim::damerau_levenshtein(&lower, &k.canonical_name().to_ascii_lowercase())))
        .min_by_key(|(_, d)| *d)?;
    let limit = if best.0.canonical_name().len() > 12 { 3 } else { 1 };
    if best.1 > 0 && best.1 <= limit {
        return Some(best.0);
    }
    if lower.ends_with(".swagger.json") || lower == "swagger.json" || lower == "openapi.json" {
        return Some(KnownFile::ApiDefinition);
    }
    None
}

/// Why the folder's entry `name` (at `path`) is not taken as one of the package's files, if it
/// is not: hidden, a folder, a link that leads outside the folder or to no regular file, or not a
/// regular file. A link to a regular file inside the folder is taken.
fn why_skipped(name: &str, path: &Path, root_real: &Path) -> Result<Option<(SkipKind, &'static str)>, PackageError> {
    if name.starts_with('.') {
        return Ok(Some((SkipKind::Hidden, "hidden file")));
    }
    let link_meta = fs::symlink_metadata(path).map_err(|source| PackageError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let file_type = link_meta.file_type();
    if file_type.is_symlink() {
        let kind = match fs::canonicalize(path) {
            Ok(target) if target.starts_with(root_real) && target.is_file() => return Ok(None),
            Ok(target) if target.is_dir() => SkipKind::LinkToFolder,
            Ok(target) if !target.starts_with(root_real) => SkipKind::LinkOutside,
            Ok(_) => SkipKind::Special,
            Err(_) => SkipKind::LinkBroken,
        };
        let reason = match kind {
            SkipKind::LinkOutside => "symbolic link that leads outside the folder",
            SkipKind::LinkToFolder => "symbolic link to a folder (only top-level files are submitted)",
            SkipKind::LinkBroken => "symbolic link that leads to nothing",
            _ => "symbolic link to something that is not a regular file",
        };
        return Ok(Some((kind, reason)));
    }
    if file_type.is_dir() {
        return Ok(Some((SkipKind::Folder, "subfolder (only top-level files are submitted)")));
    }
    if !file_type.is_file() {
        return Ok(Some((SkipKind::Special, "not a regular file")));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_swagger_is_parsed_once_and_shared() {
        let package = ConnectorPackage::from_files(
            "X",
            [(
                "apiDefinition.swagger.json".to_string(),
                br#"{"info": {"title": "X"}, "host": "x.com"}"#.to_vec(),
            )],
        );
        let first = package.swagger().unwrap().unwrap();
        // Check, fingerprint, breaking report and readme all ask; every one gets the same parse.
        let fingerprint = package.fingerprint().unwrap().unwrap();
        assert!(std::ptr::eq(first, package.swagger().unwrap().unwrap()));
        assert!(std::ptr::eq(&first.value, package.swagger_value().unwrap()));
        assert_eq!(fingerprint.host.as_deref(), Some("x.com"));
    }

    #[test]
    fn misspellings_are_recognised() {
        assert_eq!(looks_like_misspelling("apiDefination.swagger.json"), Some(KnownFile::ApiDefinition));
        assert_eq!(looks_like_misspelling("apiProperty.json"), Some(KnownFile::ApiProperties));
        assert_eq!(looks_like_misspelling("De-Lijn-Zoek.swagger.json"), Some(KnownFile::ApiDefinition));
        assert_eq!(looks_like_misspelling("readme.txt"), None);
        assert_eq!(looks_like_misspelling("screenshot.png"), None);
        assert_eq!(looks_like_misspelling("example.png"), None);
    }

    #[test]
    fn known_files_match_case_insensitively() {
        assert_eq!(KnownFile::from_name("README.MD"), Some(KnownFile::Readme));
        assert_eq!(KnownFile::from_name("apidefinition.swagger.json"), Some(KnownFile::ApiDefinition));
        assert_eq!(KnownFile::from_name("readme_old.md"), None);
    }

    #[test]
    fn second_file_of_a_kind_is_reported_not_lost() {
        let p = ConnectorPackage::from_files("x", [("Readme.md".into(), b"a".to_vec()), ("readme.md".into(), b"b".to_vec())]);
        assert_eq!(p.files.len(), 2);
        assert_eq!(p.file(KnownFile::Readme).unwrap().name, "Readme.md");
        assert_eq!(p.files[1].kind, None);
    }
}
