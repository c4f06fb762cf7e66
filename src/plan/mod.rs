//! Plan: where the connector goes upstream, which files go in, and the commit that puts them
//! there, built on the tip of upstream `dev` straight into the object database (no work tree,
//! no checkout of the thousand other connectors).

pub mod branch;
pub mod breaking;
pub mod diff;
pub mod iteration;
pub mod patch_file;
pub mod push;
pub mod submission;

use crate::connector::{name, Category, ConnectorPackage, KnownFile, PackageFile};
use anyhow::{anyhow, bail, Context};
use git2::{ObjectType, Oid, Repository, Signature, Tree};

/// A new folder, or an existing one being improved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    New,
    Update,
}

pub use crate::connector::diff::FileChange;

/// One file of the folder as it will be upstream.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PlannedFile {
    /// The name upstream (an existing file's spelling wins on updates).
    pub name: String,
    /// The name in the author's folder (`None` for files only upstream).
    pub source: Option<String>,
    pub size: usize,
    pub change: FileChange,
    /// Not one of the files a connector folder normally holds (screenshots, logos).
    pub unusual: bool,
    /// An independent publisher's certification package (the .zip the certification bot reads).
    pub package: bool,
}

/// Whether `name` is a .zip (compared case-insensitively): in an independent publisher's folder,
/// the certification package.
pub fn is_zip_name(name: &str) -> bool {
    name.rsplit_once('.')
        .is_some_and(|(stem, ext)| !stem.is_empty() && ext.eq_ignore_ascii_case("zip"))
}

/// A file of the author's folder that is not submitted, and why.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Excluded {
    pub name: String,
    pub reason: String,
}

/// Where the connector goes.
#[derive(Debug, Clone)]
pub struct Target {
    pub category: Category,
    /// The folder's name under the category folder.
    pub folder_name: String,
    pub kind: Kind,
}

impl Target {
    /// `certified-connectors/DeepL`.
    pub fn folder(&self) -> String {
        format!("{}/{}", self.category.folder(), self.folder_name)
    }

    /// Parse `--update "<category>/<Folder>"`, rejecting anything that is not exactly one
    /// category folder and one safe folder name.
    pub fn parse_update(spec: &str) -> anyhow::Result<(Category, String)> {
        Self::parse_folder(spec, "--update")
    }

    /// `<category folder>/<connector folder>` as `flag` takes it (`--update`, `--connector`).
    pub fn parse_folder(spec: &str, flag: &str) -> anyhow::Result<(Category, String)> {
        let spec = spec.trim().trim_end_matches('/');
        let (category, folder) = spec.split_once('/').ok_or_else(|| {
            anyhow!("{flag} wants \"<category folder>/<connector folder>\", e.g. \"certified-connectors/DeepL\"; got \"{spec}\"")
        })?;
        let category = Category::from_folder(category).or_else(|| category.parse().ok()).ok_or_else(|| {
            anyhow!("{flag}: `{category}` is not one of certified-connectors, independent-publisher-connectors, custom-connectors")
        })?;
        let folder = name::safe_folder_name(folder).map_err(|e| anyhow!("{flag}: {e}"))?;
        Ok((category, folder))
    }
}

/// The whole change, ready to show or to push.
#[derive(Debug, Clone)]
pub struct Plan {
    pub target: Target,
    pub base_commit: Oid,
    pub base_tree: Oid,
    pub tree: Oid,
    pub files: Vec<PlannedFile>,
    pub excluded: Vec<Excluded>,
}

impl Plan {
    pub fn changed(&self) -> bool {
        self.tree != self.base_tree
    }
}

/// The file names going in must pass the file-name policy `validate` applies
/// (`name::file_name_issues`): no refused names, no two names that differ only in case.
fn check_file_names<'a>(names: impl IntoIterator<Item = &'a str>) -> anyhow::Result<()> {
    for issue in name::file_name_issues(names) {
        match issue {
            name::NameIssue::Refused { name, reason } => bail!(
                "the file name `{}` cannot be submitted: {reason}; rename the file",
                name.escape_debug()
            ),
            name::NameIssue::CaseClash { name, other } => {
                bail!("`{name}` and `{other}` differ only in case and cannot both be submitted; keep one of them")
            }
            name::NameIssue::Miscased { .. } => {}
        }
    }
    Ok(())
}

/// Decide the files and build the tree on `base_commit` in `repo`. Blobs and trees are written
/// to `repo`'s object database: give it a repository whose odb has a mempack backend for a dry
/// run, so nothing lands on disk.
pub fn build(repo: &Repository, base_commit: Oid, package: &ConnectorPackage, target: &Target, prune: bool) -> anyhow::Result<Plan> {
    let commit = repo
        .find_commit(base_commit)
        .context("the base commit is not in the mirror; run `connector-publish sync`")?;
    let base_tree = commit.tree()?;
    let category_tree = subtree(repo, &base_tree, target.category.folder())?;
    let (folder_name, existing_tree) = existing_folder(repo, category_tree.as_ref(), target)?;
    let (incoming, excluded) = select_files(package, target)?;
    let (folder_tree, files) = folder_tree(repo, existing_tree.as_ref(), incoming, target, prune)?;

    let mut category_builder = repo.treebuilder(category_tree.as_ref())?;
    category_builder.insert(&folder_name, folder_tree, 0o040000)?;
    let category_oid = category_builder.write()?;
    let mut root = repo.treebuilder(Some(&base_tree))?;
    root.insert(target.category.folder(), category_oid, 0o040000)?;
    let tree = root.write()?;

    let target = Target {
        folder_name,
        ..target.clone()
    };
    Ok(Plan {
        target,
        base_commit,
        base_tree: base_tree.id(),
        tree,
        files,
        excluded,
    })
}

/// The target's folder upstream, found case-insensitively (Windows and macOS checkouts compare
/// folders so): its existing spelling (else the target's name) and its tree. A new connector's
/// folder must not exist, an update's must.
fn existing_folder<'r>(repo: &'r Repository, category_tree: Option<&Tree>, target: &Target) -> anyhow::Result<(String, Option<Tree<'r>>)> {
    let existing = match category_tree {
        Some(t) => t
            .iter()
            .find(|e| e.kind() == Some(ObjectType::Tree) && e.name().is_ok_and(|n| n.eq_ignore_ascii_case(&target.folder_name)))
            .map(|e| (e.name().unwrap_or_default().to_string(), repo.find_tree(e.id())))
            .map(|(n, t)| t.map(|t| (n, t)))
            .transpose()?,
        None => None,
    };
    match (target.kind, &existing) {
        (Kind::New, Some((n, _))) => bail!(
            "{}/{n} already exists upstream; update it with --update \"{}/{n}\", or choose another name with --name",
            target.category.folder(),
            target.category.folder()
        ),
        // A bad --update value (exit 2), found once the mirror can tell.
        (Kind::Update, None) => {
            return Err(crate::exit::UsageError(format!(
                "--update {}: no such folder upstream; check the folder name (search with `connector-publish search`), or drop --update to add a new connector",
                target.folder()
            ))
            .into())
        }
        _ => {}
    }
    Ok(match existing {
        Some((n, t)) => (n, Some(t)),
        None => (target.folder_name.clone(), None),
    })
}

/// Which of the package's files go in, and which are left out and why (settings.json, an
/// independent publisher's icon, what the package skipped).
fn select_files<'p>(package: &'p ConnectorPackage, target: &Target) -> anyhow::Result<(Vec<&'p PackageFile>, Vec<Excluded>)> {
    let mut excluded = Vec::new();
    let mut incoming = Vec::new();
    for file in &package.files {
        match file.kind {
            Some(KnownFile::Settings) => excluded.push(Excluded {
                name: file.name.clone(),
                reason: "settings.json holds your environment and is never submitted".into(),
            }),
            Some(KnownFile::Icon) if target.category == Category::IndependentPublisher => excluded.push(Excluded {
                name: file.name.clone(),
                reason: "independent publishers submit no icon (a generic one is applied)".into(),
            }),
            _ => incoming.push(file),
        }
    }
    check_file_names(incoming.iter().map(|f| f.name.as_str()))?;
    for skipped in &package.skipped {
        excluded.push(Excluded {
            name: skipped.name.clone(),
            reason: skipped.reason.clone(),
        });
    }
    Ok((incoming, excluded))
}

/// The connector folder's tree: the upstream folder's (for an update) with the incoming files
/// put in and, with `prune`, the files only upstream taken out; and every file's plan, by name.
fn folder_tree(
    repo: &Repository,
    existing_tree: Option<&Tree>,
    incoming: Vec<&PackageFile>,
    target: &Target,
    prune: bool,
) -> anyhow::Result<(Oid, Vec<PlannedFile>)> {
    let mut builder = repo.treebuilder(existing_tree)?;
    let mut files = Vec::new();
    // Sizes and writes go to the object database directly: `repo.blob` would stage a large file
    // in a buffer of its own before the in-memory store copies it (three copies at the peak),
    // and loading a blob for its size reads it whole.
    let odb = repo.odb()?;
    let mut kept_upstream: Vec<(String, Oid, usize)> = Vec::new();
    if let Some(tree) = existing_tree {
        for entry in tree.iter() {
            let Ok(n) = entry.name() else { continue };
            let size = match entry.kind() {
                Some(ObjectType::Blob) => odb.read_header(entry.id()).map_or(0, |(size, _)| size),
                _ => 0,
            };
            kept_upstream.push((n.to_string(), entry.id(), size));
        }
    }
    let is_package = target.category == Category::IndependentPublisher;
    for file in incoming {
        // On updates, an existing file's spelling wins: never `readme.md` beside `Readme.md`.
        let upstream_name = kept_upstream
            .iter()
            .find(|(n, _, _)| n.eq_ignore_ascii_case(&file.name))
            .map(|(n, _, _)| n.clone());
        let target_name = upstream_name.clone().unwrap_or_else(|| file.name.clone());
        let blob = odb.write(ObjectType::Blob, &file.bytes)?;
        let previous = kept_upstream.iter().find(|(n, _, _)| *n == target_name).map(|(_, id, _)| *id);
        let mode = existing_tree
            .and_then(|t| t.get_name(&target_name))
            .map(|e| e.filemode())
            .filter(|m| *m == 0o100755)
            .unwrap_or(0o100644);
        builder.insert(&target_name, blob, mode)?;
        kept_upstream.retain(|(n, _, _)| *n != target_name);
        files.push(PlannedFile {
            name: target_name,
            source: Some(file.name.clone()),
            size: file.bytes.len(),
            change: match previous {
                None => FileChange::Added,
                Some(id) if id == blob => FileChange::Unchanged,
                Some(_) => FileChange::Modified,
            },
            unusual: file.kind.is_none() && !(is_package && is_zip_name(&file.name)),
            package: is_package && is_zip_name(&file.name),
        });
    }
    for (n, _, size) in kept_upstream {
        let kept_package = is_package && is_zip_name(&n);
        if prune {
            builder.remove(&n)?;
        }
        files.push(PlannedFile {
            name: n,
            source: None,
            size,
            change: if prune { FileChange::Deleted } else { FileChange::Unchanged },
            unusual: false,
            package: !prune && kept_package,
        });
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    if builder.is_empty() {
        bail!("nothing would be left in {}: the folder has no files to submit", target.folder());
    }
    Ok((builder.write()?, files))
}

fn subtree<'r>(repo: &'r Repository, tree: &Tree, name: &str) -> anyhow::Result<Option<Tree<'r>>> {
    match tree.get_name(name) {
        Some(e) if e.kind() == Some(ObjectType::Tree) => Ok(Some(repo.find_tree(e.id())?)),
        _ => Ok(None),
    }
}

/// The commit for a plan: the plan's tree on the base commit.
pub fn commit(repo: &Repository, plan: &Plan, author: &Signature, message: &str) -> anyhow::Result<Oid> {
    let tree = repo.find_tree(plan.tree)?;
    let parent = repo.find_commit(plan.base_commit)?;
    Ok(repo.commit(None, author, author, message, &tree, &[&parent])?)
}

/// The commit author: `--author "Name <email>"`, else git's user.name/user.email.
pub fn author(explicit: Option<&str>) -> anyhow::Result<Signature<'static>> {
    if let Some(spec) = explicit {
        let (name, email) = author_spec(spec).map_err(|e| anyhow!(e))?;
        return Ok(Signature::now(&name, &email)?);
    }
    let config = git2::Config::open_default()?;
    match (config.get_string("user.name"), config.get_string("user.email")) {
        (Ok(n), Ok(e)) => Ok(Signature::now(&n, &e)?),
        _ => bail!("no commit author: set git's user.name and user.email, or pass --author \"Your Name <you@example.com>\""),
    }
}

/// The commit author: `--author`, else git's user, else `fallback()` (the GitHub account's).
pub fn author_or(
    explicit: Option<&str>,
    fallback: impl FnOnce() -> anyhow::Result<(String, String)>,
) -> anyhow::Result<Signature<'static>> {
    match author(explicit) {
        Ok(a) => Ok(a),
        Err(_) if explicit.is_none() => {
            let (name, email) = fallback()?;
            Ok(Signature::now(&name, &email)?)
        }
        Err(e) => Err(e),
    }
}

/// `--author "Name <email>"`: the name and the email, or what is wrong with it.
pub fn author_spec(spec: &str) -> Result<(String, String), String> {
    let wrong = || format!("--author wants \"Name <email>\", got \"{spec}\"");
    let (name, rest) = spec.split_once('<').ok_or_else(wrong)?;
    let email = rest.trim_end().strip_suffix('>').ok_or_else(wrong)?;
    let (name, email) = (name.trim(), email.trim());
    if name.is_empty() || email.is_empty() || [name, email].iter().any(|p| p.contains(['<', '>', '\n', '\0'])) {
        return Err(wrong());
    }
    Ok((name.to_string(), email.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_specs_are_parsed_strictly() {
        assert_eq!(
            Target::parse_update("certified-connectors/DeepL").unwrap(),
            (Category::Certified, "DeepL".into())
        );
        assert_eq!(
            Target::parse_update("independent-publisher-connectors/Icon Horse/").unwrap().1,
            "Icon Horse"
        );
        for bad in [
            "DeepL",
            "certified-connectors/../x",
            "certified-connectors/a/b",
            "somewhere/DeepL",
            "certified-connectors/",
        ] {
            assert!(Target::parse_update(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn file_names_must_be_safe() {
        assert!(check_file_names(["readme.md", "Flow Run Screenshot.png"]).is_ok());
        let err = check_file_names(["bad\nname.png"]).unwrap_err().to_string();
        assert!(err.contains("rename the file"), "{err}");
        assert!(
            err.starts_with("the file name `bad\\nname.png` cannot be submitted: it contains the control character"),
            "{err}"
        );
        let err = check_file_names(["readme.md", "README.md"]).unwrap_err().to_string();
        assert!(err.contains("differ only in case"), "{err}");
    }
}
