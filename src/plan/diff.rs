//! The change as a patch (`--patch`: binary-safe, `git apply` takes it on upstream `dev`) and as
//! a unified diff for people (text files line by line, binary files by size).

use super::{FileChange, Plan};
pub use crate::connector::diff::{unified, FileDiff};
use crate::secrets::Masker;
use anyhow::Context;
use git2::{DiffFormat, DiffOptions, Repository};
use std::borrow::Cow;
use std::io::Write as _;

/// Files larger than this get a summary instead of a line diff: a line diff of a huge file is
/// slow, takes memory in proportion, and nobody reads it.
pub const LINE_DIFF_LIMIT: usize = 2 * 1024 * 1024;

/// The diff of the plan's folder against upstream, as libgit2 computes it.
/// (Binary files, and files over [`LINE_DIFF_LIMIT`], come as "Binary files differ":
/// `write_patch` writes their patch itself.)
fn folder_diff<'r>(repo: &'r Repository, plan: &Plan) -> anyhow::Result<git2::Diff<'r>> {
    let old = repo.find_tree(plan.base_tree)?;
    let new = repo.find_tree(plan.tree)?;
    let mut options = DiffOptions::new();
    options
        .id_abbrev(40)
        .pathspec(format!("{}/", plan.target.folder()))
        .disable_pathspec_match(false)
        // Larger files come as "Binary files differ" without libgit2 reading them (it holds a
        // copy of each side and its line tables): `write_patch` writes them from the bytes.
        .max_size(LINE_DIFF_LIMIT as i64);
    repo.diff_tree_to_tree(Some(&old), Some(&new), Some(&mut options))
        .context("comparing with upstream")
}

/// How much of a file's patch text is held before it is masked and written (at a line boundary
/// that no secret crosses): a huge text file streams instead of being held whole.
const TEXT_CHUNK: usize = 4 * 1024 * 1024;

/// Text a secret could still continue into: kept back until the next chunk (a PEM key is about
/// 3 KiB).
const TEXT_CARRY: usize = 64 * 1024;

/// The patch written to `out`: the headers and text hunks as libgit2 produces them, masked a file
/// (or a few MiB of a large file) at a time, since a secret may span lines (a PEM key); binary
/// files as git's literal binary patches streamed from the package's bytes (`new_content`), so a
/// large binary is never held again, deflated or encoded, in memory. A text file over
/// [`LINE_DIFF_LIMIT`] is written here too, as one hunk from its bytes (libgit2 would hold it
/// twice more, with its line tables). How many secrets were masked.
pub fn write_patch<'p>(
    repo: &Repository,
    plan: &Plan,
    new_content: &dyn Fn(&str) -> Option<&'p [u8]>,
    masker: &Masker,
    out: &mut dyn std::io::Write,
) -> anyhow::Result<usize> {
    let diff = folder_diff(repo, plan)?;
    let mut text = PendingText {
        text: Vec::new(),
        masker,
        masked: 0,
    };
    // The current file's header (`diff --git a/… b/…`, mode and index lines).
    let mut header: Vec<u8> = Vec::new();
    let mut failed: Option<anyhow::Error> = None;
    diff.print(DiffFormat::Patch, |delta, _hunk, line| {
        let written: anyhow::Result<()> = (|| {
            match line.origin() {
                // A file's header starts the next file: what came before is complete.
                'F' => {
                    text.flush(out, true)?;
                    header.clear();
                    header.extend_from_slice(line.content());
                    text.text.extend_from_slice(line.content());
                }
                // "Binary files differ" (binary, or too large for libgit2 to read).
                'B' => write_unread_file(repo, &delta, &header, new_content, &mut text, out)?,
                origin => {
                    if matches!(origin, '+' | '-' | ' ') {
                        text.text.push(origin as u8);
                    }
                    text.text.extend_from_slice(line.content());
                    text.flush_if_full(out)?;
                }
            }
            Ok(())
        })();
        match written {
            Ok(()) => true,
            Err(e) => {
                failed = Some(e);
                false
            }
        }
    })
    .map_err(|e| failed.take().unwrap_or_else(|| e.into()))?;
    text.flush(out, true)?;
    Ok(text.masked)
}

/// The patch's text on its way out: held until no secret can still continue from it, then
/// masked and written.
struct PendingText<'m> {
    text: Vec<u8>,
    masker: &'m Masker,
    /// Secrets masked so far.
    masked: usize,
}

impl PendingText<'_> {
    /// Write what of the text no secret can still continue from (all of it at a file's end).
    fn flush(&mut self, out: &mut dyn std::io::Write, all: bool) -> std::io::Result<()> {
        let text = &mut self.text;
        let cut = if all {
            text.len()
        } else {
            safe_cut(text, &self.masker.spans(text))
        };
        let (shown, count) = masked_patch(&text[..cut], self.masker);
        self.masked += count;
        out.write_all(&shown)?;
        text.drain(..cut);
        Ok(())
    }

    /// Write what can be written once more than a chunk is held.
    fn flush_if_full(&mut self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        if self.text.len() > TEXT_CHUNK {
            self.flush(out, false)?;
        }
        Ok(())
    }
}

/// A file libgit2 did not read ("Binary files differ": binary, or too large for it), from the
/// package's bytes: a large text file as one hunk, else git's own binary patch.
fn write_unread_file<'p>(
    repo: &Repository,
    delta: &git2::DiffDelta,
    header: &[u8],
    new_content: &dyn Fn(&str) -> Option<&'p [u8]>,
    text: &mut PendingText,
    out: &mut dyn std::io::Write,
) -> anyhow::Result<()> {
    let path = delta.new_file().path().and_then(|p| p.to_str()).unwrap_or_default();
    let deleted = delta.status() == git2::Delta::Deleted;
    let new = match deleted {
        true => &[][..],
        false => new_content(path).ok_or_else(|| anyhow::anyhow!("{path}: not in the package"))?,
    };
    let old_id = delta.old_file().id();
    let old_size = match old_id.is_zero() {
        true => 0,
        false => repo.odb()?.read_header(old_id)?.0,
    };
    let large = old_size.max(new.len()) > LINE_DIFF_LIMIT;
    let old = match large && !new.contains(&0) && !old_id.is_zero() {
        true => Some(repo.find_blob(old_id)?),
        false => None,
    };
    let old_bytes = old.as_ref().map_or(&[][..], |b| b.content());
    match header_paths(header) {
        Some((a, b)) if large && !new.contains(&0) && !old_bytes.contains(&0) => {
            let a: &[u8] = if delta.status() == git2::Delta::Added { b"/dev/null" } else { a };
            let b: &[u8] = if deleted { b"/dev/null" } else { b };
            write_whole_file_hunk(text, (a, b), old_bytes, new, out)?;
        }
        _ => {
            text.flush(out, true)?;
            write_binary_literal(new, out)?;
        }
    }
    Ok(())
}

/// A text file's change as one hunk from its bytes (`---`/`+++` lines with `paths`, every old
/// line removed and every new one added), streamed a chunk at a time.
fn write_whole_file_hunk(
    text: &mut PendingText,
    (a, b): (&[u8], &[u8]),
    old: &[u8],
    new: &[u8],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    for part in [&b"--- "[..], a, b"\n+++ ", b, b"\n"] {
        text.text.extend_from_slice(part);
    }
    let hunk = format!("@@ -{} +{} @@\n", hunk_range(old), hunk_range(new));
    text.text.extend_from_slice(hunk.as_bytes());
    for (sign, bytes) in [(b'-', old), (b'+', new)] {
        for line in bytes.split_inclusive(|c| *c == b'\n') {
            text.text.push(sign);
            // A line longer than a chunk (a minified swagger) in pieces.
            for piece in line.chunks(TEXT_CHUNK) {
                text.text.extend_from_slice(piece);
                text.flush_if_full(out)?;
            }
            if !line.ends_with(b"\n") {
                text.text.extend_from_slice(b"\n\\ No newline at end of file\n");
            }
            text.flush_if_full(out)?;
        }
    }
    Ok(())
}

/// The two paths of a `diff --git <a> <b>` header line as libgit2 wrote them (quoted when
/// they need it). With no renames both name the same file, so each is half of the line.
fn header_paths(header: &[u8]) -> Option<(&[u8], &[u8])> {
    let first = header.split(|b| *b == b'\n').next()?;
    let rest = first.strip_prefix(b"diff --git ")?;
    let half = rest.len() / 2;
    (rest.len() % 2 == 1 && rest[half] == b' ').then(|| (&rest[..half], &rest[half + 1..]))
}

/// A hunk header's range for a whole file's lines, as git writes it: `0,0` for none, `1` for
/// one, `1,N` for more.
fn hunk_range(bytes: &[u8]) -> String {
    let lines = bytes.split_inclusive(|c| *c == b'\n').count();
    match lines {
        0 => "0,0".to_string(),
        1 => "1".to_string(),
        n => format!("1,{n}"),
    }
}

/// Where a chunk of patch text may end: at a line boundary, leaving [`TEXT_CARRY`] bytes for the
/// next chunk, and before any secret (`spans`) that would cross it. A line longer than a chunk
/// (a minified swagger) is cut inside, so that it is not held whole; the secrets found with its
/// whole context are the masker's literals, so the next chunk still hides them.
fn safe_cut(text: &[u8], spans: &[(usize, usize)]) -> usize {
    let line_start = |at: usize| text[..at].iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    let limit = text.len().saturating_sub(TEXT_CARRY);
    let mut cut = line_start(limit);
    if limit - cut > TEXT_CHUNK {
        cut = limit;
    }
    match spans.iter().find(|(s, e)| *s < cut && *e > cut) {
        Some(&(start, _)) if cut == limit => start,
        Some(&(start, _)) => line_start(start),
        None => cut,
    }
}

/// git's binary patch of a file whose new content is `bytes`: `GIT binary patch`, then `literal
/// <size>` and the zlib-deflated bytes in base85 lines of up to 52 bytes (the forward hunk only,
/// which is all `git apply` needs).
fn write_binary_literal(bytes: &[u8], out: &mut dyn std::io::Write) -> std::io::Result<()> {
    writeln!(out, "GIT binary patch\nliteral {}", bytes.len())?;
    let mut lines = Base85Lines {
        out: &mut *out,
        pending: Vec::with_capacity(52),
    };
    let mut encoder = flate2::write::ZlibEncoder::new(&mut lines, flate2::Compression::default());
    for chunk in bytes.chunks(1 << 16) {
        encoder.write_all(chunk)?;
    }
    encoder.finish()?;
    lines.line()?;
    out.write_all(b"\n")
}

/// Writes what it is given as git's base85 patch lines: a length character (`A`-`Z` for 1-26
/// bytes, `a`-`z` for 27-52), then the bytes in base85, five characters for each four.
struct Base85Lines<'a> {
    out: &'a mut dyn std::io::Write,
    pending: Vec<u8>,
}

const BASE85: &[u8; 85] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~";

impl Base85Lines<'_> {
    /// Write the pending bytes as one line.
    fn line(&mut self) -> std::io::Result<()> {
        let n = self.pending.len();
        if n == 0 {
            return Ok(());
        }
        let mut line = Vec::with_capacity(67);
        line.push(if n <= 26 { b'A' + n as u8 - 1 } else { b'a' + n as u8 - 27 });
        for group in self.pending.chunks(4) {
            let mut word = [0u8; 4];
            word[..group.len()].copy_from_slice(group);
            let mut value = u32::from_be_bytes(word);
            let mut chars = [0u8; 5];
            for c in chars.iter_mut().rev() {
                *c = BASE85[(value % 85) as usize];
                value /= 85;
            }
            line.extend_from_slice(&chars);
        }
        line.push(b'\n');
        self.pending.clear();
        self.out.write_all(&line)
    }
}

impl std::io::Write for Base85Lines<'_> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        let take = data.len().min(52 - self.pending.len());
        self.pending.extend_from_slice(&data[..take]);
        if self.pending.len() == 52 {
            self.line()?;
        }
        Ok(take)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The patch with every secret [`Masker`] finds replaced by its mask (`ghp_…(40 chars)`), and
/// how many were masked. A masked patch no longer applies to the real files: that is the point,
/// the patch file is something a person may share, and a secret must not travel with it.
fn masked_patch<'a>(patch: &'a [u8], masker: &Masker) -> (Cow<'a, [u8]>, usize) {
    let count = masker.spans(patch).len();
    (masker.bytes(patch), count)
}

/// Is this text a person can read in a diff?
fn as_text(bytes: &[u8]) -> Option<&str> {
    if bytes.contains(&0) {
        return None;
    }
    std::str::from_utf8(bytes).ok()
}

/// The readable diff of every file that changes, with every secret `masker` finds masked.
pub fn file_diffs(repo: &Repository, plan: &Plan, masker: &Masker) -> anyhow::Result<Vec<FileDiff>> {
    let old_root = repo.find_tree(plan.base_tree)?;
    let new_root = repo.find_tree(plan.tree)?;
    let folder = plan.target.folder();
    let odb = repo.odb()?;
    let entry = |root: &git2::Tree, name: &str| root.get_path(std::path::Path::new(&format!("{folder}/{name}"))).ok();
    let size = |root: &git2::Tree, name: &str| -> anyhow::Result<usize> {
        match entry(root, name) {
            Some(e) => Ok(odb.read_header(e.id())?.0),
            None => Ok(0),
        }
    };
    let read = |root: &git2::Tree, name: &str| -> anyhow::Result<Vec<u8>> {
        match entry(root, name) {
            Some(e) => Ok(repo.find_blob(e.id())?.content().to_vec()),
            None => Ok(Vec::new()),
        }
    };
    let mut out = Vec::new();
    for file in plan.files.iter().filter(|f| f.change != FileChange::Unchanged) {
        let path = format!("{folder}/{}", file.name);
        let (old_size, new_size) = (size(&old_root, &file.name)?, size(&new_root, &file.name)?);
        if old_size.max(new_size) > LINE_DIFF_LIMIT {
            // Not even loaded: a summary is all a person can use.
            out.push(FileDiff {
                path,
                change: file.change,
                unified: None,
                old_size,
                new_size,
                summary: Some(format!("too large for a line diff ({old_size} -> {new_size} bytes)")),
                masked: 0,
            });
            continue;
        }
        let old = read(&old_root, &file.name)?;
        let new = read(&new_root, &file.name)?;
        let mut masked = 0;
        let unified = match (as_text(&old), as_text(&new)) {
            (Some(o), Some(n)) => {
                masked = masker.spans(o.as_bytes()).len() + masker.spans(n.as_bytes()).len();
                let (o, n) = (masker.text(o), masker.text(n));
                let (a, b) = match file.change {
                    FileChange::Added => ("/dev/null".to_string(), format!("b/{path}")),
                    FileChange::Deleted => (format!("a/{path}"), "/dev/null".to_string()),
                    _ => (format!("a/{path}"), format!("b/{path}")),
                };
                Some(unified(o.as_ref(), n.as_ref(), &a, &b))
            }
            _ => None,
        };
        out.push(FileDiff {
            path,
            change: file.change,
            unified,
            old_size,
            new_size,
            summary: None,
            masked,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_chunk_ends_at_a_line_and_never_inside_a_secret() {
        let mut text = b"+line\n".repeat(40_000);
        let len = text.len();
        let cut = super::safe_cut(&text, &[]);
        assert!(cut <= len - super::TEXT_CARRY && cut > 0 && text[cut - 1] == b'\n');
        // A secret that crosses the cut moves it back to the start of the secret's line.
        let (start, end) = (cut - 3, cut + 10);
        assert_eq!(super::safe_cut(&text, &[(start, end)]), cut - 6);
        text.clear();
        assert_eq!(super::safe_cut(&text, &[]), 0);
        // One line longer than a chunk is cut inside, before the carry, and not inside a secret.
        let long = vec![b'x'; super::TEXT_CHUNK * 2];
        let limit = long.len() - super::TEXT_CARRY;
        assert_eq!(super::safe_cut(&long, &[]), limit);
        assert_eq!(super::safe_cut(&long, &[(limit - 5, limit + 5)]), limit - 5);
    }

    /// A repository with `base` and `new` as the files of `certified-connectors/X`, and the plan
    /// between them.
    fn plan_between(dir: &std::path::Path, base: &[(&str, &[u8])], new: &[(&str, &[u8])]) -> (git2::Repository, super::Plan) {
        let repo = git2::Repository::init(dir).unwrap();
        let tree = |files: &[(&str, &[u8])]| {
            let mut folder = repo.treebuilder(None).unwrap();
            for (name, bytes) in files {
                folder.insert(name, repo.blob(bytes).unwrap(), 0o100644).unwrap();
            }
            let folder = folder.write().unwrap();
            let mut category = repo.treebuilder(None).unwrap();
            category.insert("X", folder, 0o040000).unwrap();
            let category = category.write().unwrap();
            let mut root = repo.treebuilder(None).unwrap();
            root.insert("certified-connectors", category, 0o040000).unwrap();
            root.write().unwrap()
        };
        let (base_tree, new_tree) = (tree(base), tree(new));
        let signature = git2::Signature::now("T", "t@example.com").unwrap();
        let commit = repo
            .commit(
                Some("HEAD"),
                &signature,
                &signature,
                "base",
                &repo.find_tree(base_tree).unwrap(),
                &[],
            )
            .unwrap();
        let plan = super::Plan {
            target: super::super::Target {
                category: crate::connector::Category::Certified,
                folder_name: "X".into(),
                kind: super::super::Kind::Update,
            },
            base_commit: commit,
            base_tree,
            tree: new_tree,
            files: Vec::new(),
            excluded: Vec::new(),
        };
        (repo, plan)
    }

    /// Text over the line-diff limit is written here from the bytes, not by libgit2: added,
    /// grown from a small file, deleted, with CRLF and without a last newline, beside a small
    /// file libgit2 diffs and a large one with a NUL (binary). `git apply` rebuilds each exactly.
    #[test]
    fn large_text_files_are_written_as_whole_hunks_that_apply() {
        let big = |line: &str, last_newline: bool| {
            let mut text = Vec::new();
            let mut n = 0;
            while text.len() <= super::LINE_DIFF_LIMIT + 1000 {
                text.extend_from_slice(format!("{line} {n}\r\n").as_bytes());
                n += 1;
            }
            if !last_newline {
                text.extend_from_slice(b"the end, with no newline");
            }
            text
        };
        let added = big("added line", false);
        let grown = big("grown line", true);
        let gone = big("deleted line", true);
        let mut nul = big("binary", true);
        nul[100] = 0;
        let base: Vec<(&str, &[u8])> = vec![("grown.md", b"one small line\n"), ("gone.md", &gone), ("small.md", b"a\nb\nc\n")];
        let new: Vec<(&str, &[u8])> = vec![
            ("grown.md", &grown),
            ("added file.md", &added),
            ("small.md", b"a\nB\nc\n"),
            ("data.bin", &nul),
        ];
        let dir = tempfile::tempdir().unwrap();
        let (repo, plan) = plan_between(&dir.path().join("repo"), &base, &new);
        let content = |path: &str| new.iter().find(|(n, _)| path.ends_with(&format!("/{n}"))).map(|(_, b)| *b);
        let mut patch = Vec::new();
        let masked = super::write_patch(&repo, &plan, &content, &crate::secrets::Masker::default(), &mut patch).unwrap();
        assert_eq!(masked, 0);
        let text = String::from_utf8_lossy(&patch);
        assert!(
            text.contains("--- /dev/null\n+++ \"b/certified-connectors/X/added file.md\"\n")
                || text.contains("--- /dev/null\n+++ b/certified-connectors/X/added file.md\n"),
            "{}",
            &text[..2000.min(text.len())]
        );
        assert!(text.contains("\n\\ No newline at end of file\n"));
        assert!(text.contains("@@ -1 +1,"), "grown.md is one hunk from its one line");
        assert!(text.contains("-a\n-b\n") || text.contains("-b\n+B\n"), "small.md is libgit2's diff");
        assert!(text.contains("GIT binary patch"));

        // Apply it to a checkout of the base with git itself.
        let checkout = dir.path().join("checkout");
        let run = |args: &[&str], cwd: &std::path::Path| {
            let out = std::process::Command::new("git").args(args).current_dir(cwd).output().unwrap();
            assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        };
        run(
            &["clone", "-q", dir.path().join("repo").to_str().unwrap(), checkout.to_str().unwrap()],
            dir.path(),
        );
        std::fs::write(dir.path().join("change.patch"), &patch).unwrap();
        run(&["apply", "--index", dir.path().join("change.patch").to_str().unwrap()], &checkout);
        let folder = checkout.join("certified-connectors/X");
        for (name, bytes) in &new {
            assert_eq!(std::fs::read(folder.join(name)).unwrap(), *bytes, "{name}");
        }
        assert!(!folder.join("gone.md").exists());
    }

    /// A secret in a large text file, past the first chunk, is masked in the streamed hunk.
    #[test]
    fn a_secret_in_a_large_text_file_is_masked() {
        let secret = format!("ghp_{}", "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5");
        let mut readme = Vec::new();
        while readme.len() < super::TEXT_CHUNK + 10 {
            readme.extend_from_slice(b"Some prose about the connector, line after line.\n");
        }
        readme.extend_from_slice(format!("token = \"{secret}\"\n").as_bytes());
        readme.extend_from_slice(&b"More prose.\n".repeat(1000));
        let new: Vec<(&str, &[u8])> = vec![("readme.md", &readme)];
        let dir = tempfile::tempdir().unwrap();
        let (repo, plan) = plan_between(&dir.path().join("repo"), &[], &new);
        let content = |_: &str| Some(&readme[..]);
        let mut patch = Vec::new();
        let masked = super::write_patch(&repo, &plan, &content, &crate::secrets::Masker::default(), &mut patch).unwrap();
        assert_eq!(masked, 1);
        assert!(!patch.windows(secret.len()).any(|w| w == secret.as_bytes()));
        assert!(String::from_utf8_lossy(&patch).contains("ghp_…(40 chars)"));
    }

    #[test]
    fn binary_literals_are_gits_base85_lines() {
        let mut out = Vec::new();
        super::write_binary_literal(&[7u8; 100], &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[..2], ["GIT binary patch", "literal 100"]);
        // Each data line: a length character, then 5 base85 characters for every 4 bytes.
        for line in &lines[2..lines.len() - 1] {
            let n = match line.as_bytes()[0] {
                c @ b'A'..=b'Z' => (c - b'A' + 1) as usize,
                c @ b'a'..=b'z' => (c - b'a' + 27) as usize,
                c => panic!("length character {c}"),
            };
            assert_eq!(line.len(), 1 + n.div_ceil(4) * 5, "{line}");
        }
        assert!(text.ends_with("\n\n"));
        // Four zero bytes are "00000" in git's alphabet.
        let mut plain = Vec::new();
        let mut lines = super::Base85Lines {
            out: &mut plain,
            pending: vec![0, 0, 0, 0],
        };
        lines.line().unwrap();
        assert_eq!(plain, b"D00000\n");
    }
}
