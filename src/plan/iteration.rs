//! A review iteration: the plan's folder as a new commit on top of a pull request's branch (a
//! fast-forward), never replacing what is on the branch. Changes others made to the folder on the
//! branch (a maintainer's commit) are kept: the folder is merged three ways, the ancestor being
//! what the author submitted last time. Every commit `submit` makes records that (the author's
//! folder as a tree, before any merge) in a trailer, [`TRAILER`]; a file both sides changed stops
//! the run.

use super::Plan;
use anyhow::{anyhow, bail};
use git2::{Oid, Repository, Signature};
use std::path::Path;

/// The commit trailer naming the tree of the author's folder as submitted (before a merge).
pub const TRAILER: &str = "Connector-Publish-Folder:";

/// A commit message with the trailer for `plan`'s folder.
pub fn message(repo: &Repository, plan: &Plan, subject: &str) -> anyhow::Result<String> {
    let folder = plan.target.folder();
    let ours = folder_tree(repo, repo.find_tree(plan.tree)?, Path::new(&folder))?;
    Ok(format!("{subject}\n\n{TRAILER} {ours}\n"))
}

/// The folder tree a commit's trailer names.
fn trailer(commit: &git2::Commit<'_>) -> Option<Oid> {
    let text = commit.message().ok()?;
    let line = text.lines().rev().find_map(|l| l.strip_prefix(TRAILER))?;
    Oid::from_str(line.trim()).ok()
}

/// How far back on the branch the author's last commit is looked for (the fetch's depth).
pub const HISTORY: i32 = 20;

/// The new commit, and the files of the folder others changed on the branch that were kept.
#[derive(Debug)]
pub struct Iteration {
    pub commit: Oid,
    pub kept_from_branch: Vec<String>,
}

/// Build the commit on `tip` (the branch's head, in `repo` with up to [`HISTORY`] ancestors):
/// `tip`'s tree with the plan's folder, merged with what others changed in it since the author's
/// last submission (the newest commit with the [`TRAILER`]). `None` when the branch's folder
/// already holds the result (nothing to push). `message` is the subject.
pub fn commit_on(repo: &Repository, plan: &Plan, tip: Oid, author: &Signature, message: &str) -> anyhow::Result<Option<Iteration>> {
    let folder = plan.target.folder();
    let folder_path = Path::new(&folder);
    let tip_commit = repo.find_commit(tip)?;
    let tip_tree = tip_commit.tree()?;
    let ours = folder_tree(repo, repo.find_tree(plan.tree)?, folder_path)?;
    let theirs = folder_tree(repo, tip_tree.clone(), folder_path)?;

    // What the author submitted last: the trailer's tree when this mirror still has it, else
    // that commit's folder (merged then; a change others made to a file the author also changed
    // since is then not seen as a conflict).
    let mut ancestor = None;
    let mut current = Some(tip_commit.clone());
    for _ in 0..HISTORY {
        let Some(c) = current.take() else { break };
        if let Some(tree) = trailer(&c) {
            ancestor = Some(if repo.find_tree(tree).is_ok() {
                tree
            } else {
                folder_tree(repo, c.tree()?, folder_path)?
            });
            break;
        }
        current = c.parent(0).ok();
    }
    // Without it (a branch from elsewhere), upstream's folder is the ancestor: every file both
    // sides changed then conflicts, and nothing is overwritten silently.
    let base = match ancestor {
        Some(tree) => tree,
        None => folder_tree(repo, repo.find_tree(plan.base_tree)?, folder_path)?,
    };
    let merged = if base == theirs {
        ours
    } else {
        let mut index = repo.merge_trees(&repo.find_tree(base)?, &repo.find_tree(ours)?, &repo.find_tree(theirs)?, None)?;
        if index.has_conflicts() {
            let mut files = Vec::new();
            for conflict in index.conflicts()? {
                let conflict = conflict?;
                if let Some(e) = conflict.our.or(conflict.their).or(conflict.ancestor) {
                    files.push(String::from_utf8_lossy(&e.path).into_owned());
                }
            }
            bail!(
                "someone else changed {} in {folder} on the pull request's branch, and so did you: bring their change into your folder \
                 (see the branch's commits on GitHub), then run submit again; nothing was pushed",
                files.join(", ")
            );
        }
        index.write_tree_to(repo)?
    };
    if merged == theirs {
        return Ok(None);
    }
    let kept_from_branch = changed_names(repo, ours, merged)?;
    let tree = replace_folder(repo, &tip_tree, plan.target.category.folder(), &plan.target.folder_name, merged)?;
    let tree = repo.find_tree(tree)?;
    let message = self::message(repo, plan, message)?;
    let commit = repo.commit(None, author, author, &message, &tree, &[&tip_commit])?;
    Ok(Some(Iteration { commit, kept_from_branch }))
}

/// The folder's tree in `root`, or the empty tree when it is not there.
fn folder_tree(repo: &Repository, root: git2::Tree<'_>, folder: &Path) -> anyhow::Result<Oid> {
    match root.get_path(folder) {
        Ok(e) if e.kind() == Some(git2::ObjectType::Tree) => Ok(e.id()),
        _ => Ok(repo.treebuilder(None)?.write()?),
    }
}

/// `root` with `category/folder` replaced by `folder_tree`.
fn replace_folder(repo: &Repository, root: &git2::Tree<'_>, category: &str, folder: &str, folder_tree: Oid) -> anyhow::Result<Oid> {
    let category_tree = match root.get_name(category) {
        Some(e) if e.kind() == Some(git2::ObjectType::Tree) => Some(repo.find_tree(e.id())?),
        _ => None,
    };
    let mut builder = repo.treebuilder(category_tree.as_ref())?;
    builder.insert(folder, folder_tree, 0o040000)?;
    let category_oid = builder.write()?;
    let mut root_builder = repo.treebuilder(Some(root))?;
    root_builder.insert(category, category_oid, 0o040000)?;
    Ok(root_builder.write()?)
}

/// Names of the files that differ between two folder trees.
fn changed_names(repo: &Repository, a: Oid, b: Oid) -> anyhow::Result<Vec<String>> {
    if a == b {
        return Ok(Vec::new());
    }
    let diff = repo.diff_tree_to_tree(Some(&repo.find_tree(a)?), Some(&repo.find_tree(b)?), None)?;
    let mut names = Vec::new();
    for delta in diff.deltas() {
        let file = delta.new_file().path().or(delta.old_file().path());
        names.push(file.ok_or_else(|| anyhow!("a diff entry without a path"))?.display().to_string());
    }
    Ok(names)
}
