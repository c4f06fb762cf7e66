//! How the fork's branch is to be written, decided from what it holds before anything is pushed:
//! left alone when it already holds the change; for an open pull request, a review iteration's
//! commit on top of its tip (a fast-forward that keeps what is there, see [`super::iteration`]);
//! otherwise the plan's commit on upstream, which replaces a branch with other content only with
//! `--force-push`. `publish::github` reads the branch and carries the decision out.

use super::{iteration, Plan};
use anyhow::bail;
use git2::{Oid, Repository, Signature};
use std::path::Path;

/// The fork's branch as read before the push. Its tip's commit is in the repository (for an open
/// pull request, with up to [`iteration::HISTORY`] ancestors).
#[derive(Debug, Clone)]
pub struct Branch<'a> {
    pub name: &'a str,
    /// `None` when the fork has no such branch yet.
    pub tip: Option<Oid>,
    /// A pull request from the branch is open: this run is a review iteration.
    pub open_pull_request: bool,
}

/// What to push.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Push {
    /// The branch's folder already holds this change: nothing is pushed. `iteration`: the branch
    /// is an open pull request's.
    Nothing { tip: Oid, iteration: bool },
    /// A review iteration's commit, a fast-forward from `onto` (the branch's tip); the files of
    /// the folder others changed on the branch were kept.
    Iteration {
        commit: Oid,
        onto: Oid,
        kept_from_branch: Vec<String>,
    },
    /// The plan's commit on `base` (upstream's commit); `force` replaces what the branch holds.
    Commit { commit: Oid, base: Oid, force: bool },
}

/// Decide the push for `plan` onto `branch`, making the commit it needs in `repo` (`title` is the
/// commit's subject). A branch with other content and no open pull request stops the run unless
/// `force_push`.
pub fn decide(repo: &Repository, plan: &Plan, branch: &Branch, author: &Signature, title: &str, force_push: bool) -> anyhow::Result<Push> {
    if let Some(tip) = branch.tip {
        let theirs = repo.find_commit(tip)?.tree()?;
        let folder = plan.target.folder();
        let same = theirs.get_path(Path::new(&folder)).ok().map(|e| e.id())
            == repo.find_tree(plan.tree)?.get_path(Path::new(&folder)).ok().map(|e| e.id());
        if same {
            return Ok(Push::Nothing {
                tip,
                iteration: branch.open_pull_request,
            });
        }
        if branch.open_pull_request {
            return Ok(match iteration::commit_on(repo, plan, tip, author, &iteration_message(title))? {
                None => Push::Nothing { tip, iteration: true },
                Some(i) => Push::Iteration {
                    commit: i.commit,
                    onto: tip,
                    kept_from_branch: i.kept_from_branch,
                },
            });
        }
        if !force_push {
            bail!(
                "the branch `{}` on your fork already holds other content and has no open pull request; choose another branch with --branch, or replace it with --force-push",
                branch.name
            );
        }
    }
    let message = iteration::message(repo, plan, title)?;
    Ok(Push::Commit {
        commit: super::commit(repo, plan, author, &message)?,
        base: plan.base_commit,
        force: force_push,
    })
}

/// The message of a review iteration's commit.
fn iteration_message(title: &str) -> String {
    format!("{title}: changes after review")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connector::{Category, ConnectorPackage};

    /// A bare repository with an upstream commit on `dev`.
    fn setup() -> (tempfile::TempDir, Repository, Signature<'static>) {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init_bare(dir.path()).unwrap();
        let sig = Signature::now("Author", "author@example.com").unwrap();
        {
            let blob = repo.blob(b"upstream\n").unwrap();
            let mut root = repo.treebuilder(None).unwrap();
            root.insert("README.md", blob, 0o100644).unwrap();
            let tree = repo.find_tree(root.write().unwrap()).unwrap();
            repo.commit(Some("refs/heads/dev"), &sig, &sig, "upstream", &tree, &[]).unwrap();
        }
        (dir, repo, sig)
    }

    /// The plan adding `swagger` as a new certified connector on `dev`.
    fn plan(repo: &Repository, swagger: &[u8]) -> Plan {
        let base = repo.refname_to_id("refs/heads/dev").unwrap();
        let package = ConnectorPackage::from_files("", [("apiDefinition.swagger.json".to_string(), swagger.to_vec())]);
        let target = crate::plan::Target {
            category: Category::Certified,
            folder_name: "Contoso".into(),
            kind: crate::plan::Kind::New,
        };
        crate::plan::build(repo, base, &package, &target, false).unwrap()
    }

    fn branch(tip: Option<Oid>, open_pull_request: bool) -> Branch<'static> {
        Branch {
            name: "add-contoso",
            tip,
            open_pull_request,
        }
    }

    #[test]
    fn a_missing_branch_gets_the_plans_commit_on_upstream() {
        let (_dir, repo, sig) = setup();
        let plan = plan(&repo, b"{}");
        let Push::Commit { commit, base, force } = decide(&repo, &plan, &branch(None, false), &sig, "Add Contoso", false).unwrap() else {
            panic!("not a commit")
        };
        assert_eq!((base, force), (plan.base_commit, false));
        let commit = repo.find_commit(commit).unwrap();
        assert_eq!(commit.tree_id(), plan.tree);
        assert_eq!(commit.parent_id(0).unwrap(), plan.base_commit);
        assert!(commit.message().unwrap().starts_with("Add Contoso\n"));
    }

    #[test]
    fn a_branch_holding_the_change_is_left_alone() {
        let (_dir, repo, sig) = setup();
        let plan = plan(&repo, b"{}");
        let Push::Commit { commit: tip, .. } = decide(&repo, &plan, &branch(None, false), &sig, "Add Contoso", false).unwrap() else {
            panic!("not a commit")
        };
        for open in [false, true] {
            assert_eq!(
                decide(&repo, &plan, &branch(Some(tip), open), &sig, "Add Contoso", false).unwrap(),
                Push::Nothing { tip, iteration: open }
            );
        }
    }

    #[test]
    fn other_content_is_replaced_only_when_forced_and_iterated_on_for_an_open_pull_request() {
        let (_dir, repo, sig) = setup();
        let before = plan(&repo, b"{\"swagger\": \"2.0\"}");
        let Push::Commit { commit: tip, .. } = decide(&repo, &before, &branch(None, false), &sig, "Add Contoso", false).unwrap() else {
            panic!("not a commit")
        };
        let plan = plan(&repo, b"{}");
        let err = decide(&repo, &plan, &branch(Some(tip), false), &sig, "Add Contoso", false).unwrap_err();
        assert!(
            err.to_string().contains("`add-contoso`") && err.to_string().contains("--force-push"),
            "{err}"
        );
        let forced = decide(&repo, &plan, &branch(Some(tip), false), &sig, "Add Contoso", true).unwrap();
        assert!(
            matches!(forced, Push::Commit { base, force: true, .. } if base == plan.base_commit),
            "{forced:?}"
        );
        match decide(&repo, &plan, &branch(Some(tip), true), &sig, "Add Contoso", false).unwrap() {
            Push::Iteration { commit, onto, .. } => {
                assert_eq!(onto, tip);
                let commit = repo.find_commit(commit).unwrap();
                assert_eq!(commit.parent_id(0).unwrap(), tip);
                assert!(commit.message().unwrap().starts_with("Add Contoso: changes after review\n"));
            }
            other => panic!("not an iteration: {other:?}"),
        }
    }
}
