//! Review iterations: a second `submit` on a branch whose pull request is open adds exactly one
//! fast-forward commit (never a force push), keeps a maintainer's commit and what it changed, and
//! replaces only the generated section of the pull request's description.

use crate::submit::{git, World, FORK, UPSTREAM};

const BRANCH: &str = "add-open-brewery-db";
const FOLDER: &str = "independent-publisher-connectors/Open Brewery DB";

#[test]
fn a_second_submit_adds_one_commit_keeps_the_authors_text_and_a_maintainers_commit() {
    let w = World::new(0);
    let out = w.submit().arg("--yes").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let first = git(&w.fork_git(), &["rev-parse", BRANCH]);

    // The author edits the description on GitHub: a note, a ticked box, a new title.
    let pr = w.github.prs()[0].clone();
    let original = pr.body.clone().unwrap();
    assert_eq!(original.matches("<!-- connector-publish:begin").count(), 1);
    let edited = format!(
        "My note: tested with 3 flows.\n\n{}\n\nThanks!",
        original.replace("- [ ] I attest that the connector works", "- [x] I attest that the connector works")
    );
    w.github.update_pr(pr.number, |p| {
        p.body = Some(edited.clone());
        p.title = "Open Brewery DB (Independent Publisher) - my title".into();
    });

    // A maintainer pushes a commit to the branch: a file in the folder the author does not have.
    let scratch = tempfile::tempdir().unwrap();
    git(scratch.path(), &["clone", "-q", "-b", BRANCH, w.fork_git().to_str().unwrap(), "c"]);
    let clone = scratch.path().join("c");
    std::fs::write(clone.join(FOLDER).join("script.csx"), "// by the maintainer\n").unwrap();
    // …and a line of the readme the author does not touch.
    let readme_on_branch = clone.join(FOLDER).join("readme.md");
    let theirs = std::fs::read_to_string(&readme_on_branch).unwrap();
    std::fs::write(
        &readme_on_branch,
        theirs.replace("No key is needed.", "No key is needed (checked by the maintainer)."),
    )
    .unwrap();
    git(&clone, &["add", "-A"]);
    git(
        &clone,
        &[
            "-c",
            "user.name=Main Tainer",
            "-c",
            "user.email=maintainer@example.com",
            "commit",
            "-qm",
            "Add script",
            "--author",
            "Main Tainer <maintainer@example.com>",
        ],
    );
    git(&clone, &["push", "-q", "origin", BRANCH]);
    let maintainers = git(&w.fork_git(), &["rev-parse", BRANCH]);
    assert_ne!(maintainers, first);

    // The author answers the review in their folder and submits again.
    let readme = w.connector.path().join("readme.md");
    let mut text = std::fs::read_to_string(&readme).unwrap();
    text.push_str("Tested again after review.\n");
    std::fs::write(&readme, &text).unwrap();
    // A dry run says what a real run would do, and writes nothing.
    w.github.clear_requests();
    let out = w.submit().arg("--dry-run").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("so a real run adds a commit to it"), "{stdout}");
    assert!(
        stdout.contains("A real run would add a commit to `add-open-brewery-db`"),
        "{stdout}"
    );
    assert!(w.github.write_requests().is_empty());
    assert_eq!(git(&w.fork_git(), &["rev-parse", BRANCH]), maintainers);

    w.github.clear_requests();
    let out = w.submit().arg("--yes").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}\n{stdout}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("Added a commit"), "{stdout}");
    assert!(
        stdout.contains("Kept what others changed on the branch: readme.md, script.csx"),
        "{stdout}"
    );

    // Exactly one new commit, on top of the maintainer's: a fast-forward.
    let tip = git(&w.fork_git(), &["rev-parse", BRANCH]);
    assert_eq!(git(&w.fork_git(), &["rev-parse", &format!("{tip}^")]), maintainers);
    assert_eq!(git(&w.fork_git(), &["rev-list", "--count", &format!("{maintainers}..{tip}")]), "1");
    let files = git(&w.fork_git(), &["ls-tree", "--name-only", BRANCH, &format!("{FOLDER}/")]);
    assert!(files.contains("script.csx"), "the maintainer's file is kept: {files}");
    let committed = git(&w.fork_git(), &["show", &format!("{BRANCH}:{FOLDER}/readme.md")]);
    assert!(committed.contains("Tested again after review."));
    assert!(committed.contains("No key is needed (checked by the maintainer)."), "{committed}");
    // Only the folder changed on the branch: nothing else of upstream came along.
    let changed = git(&w.fork_git(), &["diff", "--name-only", &maintainers, &tip]);
    assert_eq!(changed, format!("{FOLDER}/readme.md"));
    let message = git(&w.fork_git(), &["log", "-1", "--format=%B", BRANCH]);
    assert!(message.contains("Connector-Publish-Folder: "), "{message}");

    // The description: the author's text, ticked box and title kept; the generated part renewed.
    let prs = w.github.prs();
    assert_eq!(prs.len(), 1, "no second pull request");
    let body = prs[0].body.clone().unwrap();
    assert!(body.starts_with("My note: tested with 3 flows."), "{body}");
    assert!(body.trim_end().ends_with("Thanks!"), "{body}");
    assert!(body.contains("- [x] I attest that the connector works"), "{body}");
    assert_eq!(body.matches("<!-- connector-publish:begin").count(), 1, "{body}");
    assert_eq!(prs[0].title, "Open Brewery DB (Independent Publisher) - my title");
    assert_eq!(w.github.count(&format!("PATCH /repos/{UPSTREAM}/pulls/1")), 1);
    let patch = w.github.requests().into_iter().find(|r| r.method == "PATCH").unwrap();
    assert!(patch.body.get("title").is_none(), "the title is never sent: {:?}", patch.body);

    // Again without changes: nothing pushed, nothing patched.
    let pushes = w.pushes();
    w.github.clear_requests();
    let out = w.submit().arg("--yes").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(w.pushes(), pushes);
    assert_eq!(
        git(&w.fork_git(), &["rev-parse", BRANCH]),
        tip,
        "the maintainer's changes are not undone"
    );
    assert_eq!(w.github.count(&format!("PATCH /repos/{UPSTREAM}/pulls/1")), 0);
    let _ = FORK;
}

#[test]
fn a_change_both_sides_made_to_one_file_stops_before_anything_is_pushed() {
    let w = World::new(0);
    let out = w.submit().arg("--yes").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let scratch = tempfile::tempdir().unwrap();
    git(scratch.path(), &["clone", "-q", "-b", BRANCH, w.fork_git().to_str().unwrap(), "c"]);
    let clone = scratch.path().join("c");
    let theirs = std::fs::read_to_string(clone.join(FOLDER).join("readme.md")).unwrap();
    std::fs::write(
        clone.join(FOLDER).join("readme.md"),
        theirs.replace(
            "a free dataset of breweries.",
            "a free dataset of breweries, worded by the maintainer.",
        ),
    )
    .unwrap();
    git(&clone, &["add", "-A"]);
    git(
        &clone,
        &["commit", "-qm", "Reword", "--author", "Main Tainer <maintainer@example.com>"],
    );
    git(&clone, &["push", "-q", "origin", BRANCH]);
    let maintainers = git(&w.fork_git(), &["rev-parse", BRANCH]);

    let path = w.connector.path().join("readme.md");
    let ours = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        ours.replace("a free dataset of breweries.", "a free dataset of breweries, worded by the author."),
    )
    .unwrap();
    let body_before = w.github.prs()[0].body.clone();
    let out = w.submit().arg("--yes").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("someone else changed readme.md"), "{stderr}");
    assert_eq!(git(&w.fork_git(), &["rev-parse", BRANCH]), maintainers, "never overwritten");
    assert_eq!(w.github.prs()[0].body, body_before);
}
