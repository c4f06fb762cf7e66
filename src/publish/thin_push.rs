//! A push that sends a thin pack over smart HTTP.
//!
//! libgit2 cannot write thin packs, so its push uploads every new tree whole. A new connector
//! changes the category folder's tree, which for `certified-connectors/` lists ~600 entries and
//! compresses to ~16 KiB: more than the connector itself. The fork already holds the old tree
//! (merge-upstream just synced it), so this push sends that tree as a delta against the old one,
//! as `git push` does. It is used only when the fork is known to be in sync; otherwise, and when
//! the fork rejects the pack, the caller falls back to libgit2's push.

use crate::net::{Http, Limits, Retry};
use anyhow::{anyhow, bail};
use git2::{ObjectType, Oid, Repository, Tree};
use std::io::Write;
use std::time::Duration;

/// GitHub's git endpoints answer only clients that say they are git.
const USER_AGENT: &str = concat!("git/2.0 connector-publish/", env!("CARGO_PKG_VERSION"));

/// What to push.
pub struct ThinPush<'a> {
    /// The shared client and the retry policy of the GitHub calls.
    pub http: &'a Http,
    pub retry: Retry,
    pub repo: &'a Repository,
    /// The fork's git URL (`https://github.com/owner/repo.git`).
    pub url: &'a str,
    pub token: &'a str,
    /// The commit the new one is based on, which the fork has.
    pub base: Oid,
    pub commit: Oid,
    /// `refs/heads/<branch>`.
    pub refname: &'a str,
    /// The ref's current value on the fork (`None`: a new ref).
    pub old: Option<Oid>,
}

/// How the push went: bytes of the request body sent.
pub struct Pushed {
    pub bytes: usize,
}

/// One object of the pack, with the object its delta is against (trees only).
struct PackObject {
    id: Oid,
    delta_base: Option<Oid>,
}

/// Objects reachable from `new` that are not in `old` (same name, same id), trees paired with
/// the tree they replace.
fn collect(repo: &Repository, new: &Tree, old: Option<&Tree>, out: &mut Vec<PackObject>) -> anyhow::Result<()> {
    out.push(PackObject {
        id: new.id(),
        delta_base: old.map(|t| t.id()),
    });
    for entry in new.iter() {
        let name = entry.name_bytes();
        let previous = old.and_then(|t| t.iter().find(|e| e.name_bytes() == name));
        if previous.as_ref().is_some_and(|p| p.id() == entry.id()) {
            continue;
        }
        match entry.kind() {
            Some(ObjectType::Tree) => {
                let subtree = repo.find_tree(entry.id())?;
                let old_subtree = previous
                    .filter(|p| p.kind() == Some(ObjectType::Tree))
                    .map(|p| repo.find_tree(p.id()))
                    .transpose()?;
                collect(repo, &subtree, old_subtree.as_ref(), out)?;
            }
            Some(ObjectType::Blob) => out.push(PackObject {
                id: entry.id(),
                delta_base: None,
            }),
            _ => bail!("unexpected entry {} in the tree", String::from_utf8_lossy(name)),
        }
    }
    Ok(())
}

fn varint(mut n: usize, out: &mut Vec<u8>) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// A git delta from `base` to `target`: copy the common prefix and suffix, insert the middle.
/// Trees change in one place (one entry added or replaced), so this is nearly optimal for them.
pub fn delta(base: &[u8], target: &[u8]) -> Vec<u8> {
    let prefix = base.iter().zip(target).take_while(|(a, b)| a == b).count();
    let max_suffix = base.len().min(target.len()) - prefix;
    let suffix = base
        .iter()
        .rev()
        .zip(target.iter().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = Vec::new();
    varint(base.len(), &mut out);
    varint(target.len(), &mut out);
    let copy = |offset: usize, len: usize, out: &mut Vec<u8>| {
        let mut done = 0;
        while done < len {
            let size = (len - done).min(0xffff);
            let off = offset + done;
            let mut op = 0x80u8;
            let mut args = Vec::new();
            for i in 0..4 {
                let b = ((off >> (8 * i)) & 0xff) as u8;
                if b != 0 {
                    op |= 1 << i;
                    args.push(b);
                }
            }
            for i in 0..2 {
                let b = ((size >> (8 * i)) & 0xff) as u8;
                if b != 0 {
                    op |= 1 << (4 + i);
                    args.push(b);
                }
            }
            out.push(op);
            out.extend(args);
            done += size;
        }
    };
    copy(0, prefix, &mut out);
    for chunk in target[prefix..target.len() - suffix].chunks(127) {
        out.push(chunk.len() as u8);
        out.extend_from_slice(chunk);
    }
    copy(base.len() - suffix, suffix, &mut out);
    out
}

/// `data` zlib-deflated onto the end of `out` (no second buffer: a large blob is held once).
fn zlib_into(data: &[u8], out: &mut Vec<u8>) -> anyhow::Result<()> {
    let mut encoder = flate2::write::ZlibEncoder::new(out, flate2::Compression::default());
    encoder.write_all(data)?;
    encoder.finish()?;
    Ok(())
}

fn object_header(kind: u8, size: usize, out: &mut Vec<u8>) {
    let mut byte = (kind << 4) | (size & 0x0f) as u8;
    let mut rest = size >> 4;
    while rest > 0 {
        out.push(byte | 0x80);
        byte = (rest & 0x7f) as u8;
        rest >>= 7;
    }
    out.push(byte);
}

/// The pack, written onto the end of `out` (the request body, so the pack is never copied):
/// the commit, then every new tree and blob; trees as deltas against the trees they replace
/// when that is smaller.
pub fn pack(repo: &Repository, base: Oid, commit: Oid, out: &mut Vec<u8>) -> anyhow::Result<()> {
    let new_commit = repo.find_commit(commit)?;
    let base_tree = repo.find_commit(base)?.tree()?;
    let mut objects = vec![PackObject {
        id: commit,
        delta_base: None,
    }];
    collect(repo, &new_commit.tree()?, Some(&base_tree), &mut objects)?;
    let odb = repo.odb()?;
    let start = out.len();
    out.extend_from_slice(b"PACK");
    out.extend(2u32.to_be_bytes());
    out.extend((objects.len() as u32).to_be_bytes());
    for object in &objects {
        let data = odb.read(object.id)?;
        let kind = match data.kind() {
            ObjectType::Commit => 1,
            ObjectType::Tree => 2,
            ObjectType::Blob => 3,
            other => bail!("cannot pack a {other}"),
        };
        let as_delta = match object.delta_base {
            Some(base_id) => {
                let d = delta(odb.read(base_id)?.data(), data.data());
                (d.len() < data.len()).then_some((base_id, d))
            }
            None => None,
        };
        match as_delta {
            Some((base_id, d)) => {
                object_header(7, d.len(), out);
                out.extend_from_slice(base_id.as_bytes());
                zlib_into(&d, out)?;
            }
            None => {
                object_header(kind, data.len(), out);
                zlib_into(data.data(), out)?;
            }
        }
    }
    let digest = <sha1::Sha1 as sha1::Digest>::digest(&out[start..]);
    out.extend_from_slice(&digest);
    Ok(())
}

fn pkt_line(text: &str) -> Vec<u8> {
    let mut out = format!("{:04x}", text.len() + 4).into_bytes();
    out.extend_from_slice(text.as_bytes());
    out
}

/// Read pkt-lines (flushes skipped).
fn pkt_lines(mut body: &[u8]) -> Vec<Vec<u8>> {
    let mut lines = Vec::new();
    while body.len() >= 4 {
        let Ok(len) = usize::from_str_radix(std::str::from_utf8(&body[..4]).unwrap_or("zzzz"), 16) else {
            break;
        };
        if len == 0 {
            body = &body[4..];
            continue;
        }
        if len < 4 || len > body.len() {
            break;
        }
        lines.push(body[4..len].to_vec());
        body = &body[len..];
    }
    lines
}

impl ThinPush<'_> {
    pub fn run(&self) -> anyhow::Result<Pushed> {
        let base_url = self.url.trim_end_matches('/');
        if self.advertised_ref(base_url)? != self.old {
            bail!("the branch on the fork moved while pushing; run again");
        }
        let mut body = pkt_line(&format!(
            "{} {} {}\0 report-status agent=connector-publish\n",
            self.old.unwrap_or(Oid::ZERO_SHA1),
            self.commit,
            self.refname
        ));
        body.extend_from_slice(b"0000");
        pack(self.repo, self.base, self.commit, &mut body)?;
        let bytes = body.len();
        // Shared, so a try again resends it without another copy.
        let body = bytes::Bytes::from(body);
        // Connect, each stall and the answer's headers: the timeout each; the upload itself may
        // take longer on a slow link, at 64 KiB/s at least.
        let upload = crate::net::timeout() + Duration::from_secs(bytes as u64 / (64 << 10));
        let pack_url = format!("{base_url}/git-receive-pack");
        let response = self
            .http
            .send(self.retry, Limits::api(), &|client| {
                client
                    .post(&pack_url)
                    .timeout(upload)
                    .basic_auth("x-access-token", Some(self.token))
                    .header("User-Agent", USER_AGENT)
                    .header("Content-Type", "application/x-git-receive-pack-request")
                    .header("Accept", "application/x-git-receive-pack-result")
                    .body(body.clone())
            })
            .map_err(|e| anyhow!("pushing to the fork: {e}"))?;
        if !response.is_success() {
            bail!("the fork answered {} to the push", response.status_text());
        }
        check_status_report(&response.body)?;
        Ok(Pushed { bytes })
    }

    /// Where the fork's ref is now, from its advertisement (which also says what the server can
    /// do: it must report the push's status).
    fn advertised_ref(&self, base_url: &str) -> anyhow::Result<Option<Oid>> {
        let refs_url = format!("{base_url}/info/refs?service=git-receive-pack");
        let advert = self
            .http
            .send(self.retry, Limits::api(), &|client| {
                client
                    .get(&refs_url)
                    .basic_auth("x-access-token", Some(self.token))
                    .header("User-Agent", USER_AGENT)
            })
            .map_err(|e| anyhow!("asking the fork for its refs: {e}"))?;
        if !advert.is_success() {
            bail!("the fork answered {} to the push", advert.status_text());
        }
        let lines = pkt_lines(&advert.body);
        let first_ref = lines
            .iter()
            .find(|l| !l.starts_with(b"#"))
            .ok_or_else(|| anyhow!("the fork sent no ref advertisement"))?;
        let caps = first_ref
            .split(|b| *b == 0)
            .nth(1)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .unwrap_or_default();
        if !caps.split_whitespace().any(|c| c == "report-status") {
            bail!("the fork does not report push status");
        }
        Ok(lines.iter().find_map(|l| {
            let text = String::from_utf8_lossy(l.split(|b| *b == 0).next().unwrap_or(l))
                .trim_end()
                .to_string();
            let (oid, name) = text.split_once(' ')?;
            (name == self.refname).then(|| Oid::from_str(oid).ok()).flatten()
        }))
    }
}

/// The fork's status report on a push: an error unless it unpacked the pack and took the ref.
fn check_status_report(body: &[u8]) -> anyhow::Result<()> {
    let report: Vec<String> = pkt_lines(body)
        .iter()
        .map(|l| String::from_utf8_lossy(l).trim_end().to_string())
        .collect();
    if !report.iter().any(|l| l == "unpack ok") {
        bail!("the fork could not unpack the push: {}", report.join("; "));
    }
    if let Some(ng) = report.iter().find(|l| l.starts_with("ng ")) {
        bail!("the fork rejected the push: {ng}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Apply a delta the way git does, to check ours.
    fn apply(base: &[u8], delta: &[u8]) -> Vec<u8> {
        let mut i = 0;
        let read_varint = |i: &mut usize| {
            let (mut n, mut shift) = (0usize, 0);
            loop {
                let b = delta[*i];
                *i += 1;
                n |= ((b & 0x7f) as usize) << shift;
                shift += 7;
                if b & 0x80 == 0 {
                    return n;
                }
            }
        };
        assert_eq!(read_varint(&mut i), base.len());
        let size = read_varint(&mut i);
        let mut out = Vec::new();
        while i < delta.len() {
            let op = delta[i];
            i += 1;
            if op & 0x80 != 0 {
                let (mut off, mut len) = (0usize, 0usize);
                for b in 0..4 {
                    if op & (1 << b) != 0 {
                        off |= (delta[i] as usize) << (8 * b);
                        i += 1;
                    }
                }
                for b in 0..3 {
                    if op & (1 << (4 + b)) != 0 {
                        len |= (delta[i] as usize) << (8 * b);
                        i += 1;
                    }
                }
                if len == 0 {
                    len = 0x10000;
                }
                out.extend_from_slice(&base[off..off + len]);
            } else {
                out.extend_from_slice(&delta[i..i + op as usize]);
                i += op as usize;
            }
        }
        assert_eq!(out.len(), size);
        out
    }

    #[test]
    fn deltas_rebuild_the_target() {
        let base: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let mut target = base.clone();
        target.splice(100_000..100_010, b"a new tree entry for a new connector".iter().copied());
        let d = delta(&base, &target);
        assert!(d.len() < 100, "{}", d.len());
        assert_eq!(apply(&base, &d), target);
        for (b, t) in [(&b""[..], &b"abc"[..]), (b"abc", b""), (b"same", b"same"), (b"abcdef", b"abXYZef")] {
            assert_eq!(apply(b, &delta(b, t)), t);
        }
    }

    #[test]
    fn pkt_lines_round_trip() {
        let mut body = pkt_line("# service=git-receive-pack\n");
        body.extend_from_slice(b"0000");
        body.extend(pkt_line("unpack ok\n"));
        let lines = pkt_lines(&body);
        assert_eq!(lines, [b"# service=git-receive-pack\n".to_vec(), b"unpack ok\n".to_vec()]);
    }
}
