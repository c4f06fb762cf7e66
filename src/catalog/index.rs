//! The index of every upstream connector: folder, category and fingerprint, read straight from
//! git objects and kept on disk per commit.
//!
//! Building it reads ~1,000 swagger blobs (~80 MB); a fingerprint depends only on its blob, so a
//! new commit reuses every fingerprint whose blob id is unchanged and only new or changed
//! connectors are read again.

use crate::connector::{Category, Fingerprint};
use anyhow::Context;
use git2::{ObjectType, Oid, Repository};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Bumped when the index format or the fingerprint changes, so old files are rebuilt.
/// The file is `MAGIC`, the SHA-1 of the rest, then postcard (compact binary): a warm `search`
/// loads and checks it in a few milliseconds, and a damaged file is never used.
/// Format 3: the publisher (from `apiProperties.json`) joined the fingerprint. Format 4: the
/// routes the policies rewrite. Format 5: the operation ids left it (no verdict read them, and
/// decoding them was a fifth of a warm search).
const FORMAT: u32 = 5;
const MAGIC: &[u8; 8] = b"CPINDEX5";
/// The magic numbers of older formats with a checksum: such a file is stale, not damaged.
const OLD_MAGICS: [&[u8; 8]; 2] = [b"CPINDEX2", b"CPINDEX3"];

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct IndexedConnector {
    /// `certified-connectors/DeepL`.
    pub folder: String,
    pub category: Category,
    /// The swagger file's name in the folder, if there is one.
    pub swagger: Option<String>,
    /// The swagger blob id: what the fingerprint was computed from.
    pub blob: Option<String>,
    /// The `apiProperties.json` blob id: where the fingerprint's publisher came from.
    #[serde(default)]
    pub properties_blob: Option<String>,
    pub fingerprint: Option<Fingerprint>,
    /// Why no fingerprint could be had.
    pub error: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Index {
    pub format: u32,
    pub commit: String,
    pub connectors: Vec<IndexedConnector>,
}

/// How an index came to be, for the sync summary and the tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IndexStats {
    /// Loaded from disk as it was.
    pub loaded: bool,
    /// Fingerprints computed from blobs in this run.
    pub fingerprinted: usize,
    /// Fingerprints reused from an earlier index (same blob).
    pub reused: usize,
    /// The index on disk was damaged (its checksum did not match) and was rebuilt.
    pub rebuilt_damaged: bool,
}

/// Why an index file cannot be used.
#[derive(Debug, PartialEq, Eq)]
enum Unusable {
    /// An older format, another commit: rebuilt without a word.
    Stale,
    /// Truncated, a changed byte, not an index: rebuilt with a notice.
    Damaged,
}

/// The bytes of an index file.
fn encode(index: &Index) -> anyhow::Result<Vec<u8>> {
    let payload = postcard::to_stdvec(index)?;
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&<sha1::Sha1 as sha1::Digest>::digest(&payload));
    out.extend_from_slice(&payload);
    Ok(out)
}

/// The SHA-1 of the rest, then the rest: intact.
fn checksum_matches(rest: &[u8]) -> bool {
    rest.len() >= 20 && <sha1::Sha1 as sha1::Digest>::digest(&rest[20..]).as_slice() == &rest[..20]
}

/// An index file's content, checked.
fn decode(bytes: &[u8]) -> Result<Index, Unusable> {
    let Some(rest) = bytes.strip_prefix(MAGIC.as_slice()) else {
        // Format 1 was bare postcard, starting with its format number, and formats 2 to 4 had
        // their own magic: stale, not damaged.
        return Err(
            if bytes.first() == Some(&1)
                || OLD_MAGICS
                    .iter()
                    .any(|magic| bytes.strip_prefix(magic.as_slice()).is_some_and(checksum_matches))
            {
                Unusable::Stale
            } else {
                Unusable::Damaged
            },
        );
    };
    if !checksum_matches(rest) {
        return Err(Unusable::Damaged);
    }
    let index: Index = postcard::from_bytes(&rest[20..]).map_err(|_| Unusable::Damaged)?;
    if index.format != FORMAT {
        return Err(Unusable::Stale);
    }
    Ok(index)
}

fn index_dir(mirror_path: &Path) -> PathBuf {
    mirror_path.join("connector-publish-index")
}

fn index_path(mirror_path: &Path, commit: &str) -> PathBuf {
    index_dir(mirror_path).join(format!("{commit}.bin"))
}

/// The index for `commit` of the mirror at `mirror_path`: from disk when it is there, else built
/// (reusing the newest earlier index's fingerprints) and saved.
pub fn load_or_build(mirror_path: &Path, commit: &str) -> anyhow::Result<(Index, IndexStats)> {
    let path = index_path(mirror_path, commit);
    let mut damaged = false;
    if let Ok(bytes) = std::fs::read(&path) {
        match decode(&bytes) {
            Ok(index) if index.commit == commit => {
                return Ok((
                    index,
                    IndexStats {
                        loaded: true,
                        ..Default::default()
                    },
                ))
            }
            Ok(_) | Err(Unusable::Damaged) => {
                tracing::warn!("the index {} is damaged; rebuilding it", path.display());
                damaged = true;
                // Never lend fingerprints from it either.
                std::fs::remove_file(&path).ok();
            }
            Err(Unusable::Stale) => {}
        }
    }
    let previous = newest_index(mirror_path);
    let commit = Oid::from_str(commit).with_context(|| format!("bad commit id {commit}"))?;
    let (index, mut stats) = build(mirror_path, commit, previous.as_ref())?;
    stats.rebuilt_damaged = damaged;
    save(mirror_path, &index)?;
    Ok((index, stats))
}

fn newest_index(mirror_path: &Path) -> Option<Index> {
    let entries = std::fs::read_dir(index_dir(mirror_path)).ok()?;
    let newest = entries
        .filter_map(Result::ok)
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .max()?;
    decode(&std::fs::read(newest.1).ok()?).ok()
}

/// Write atomically (temporary file, then rename) and keep only the few newest indexes.
fn save(mirror_path: &Path, index: &Index) -> anyhow::Result<()> {
    let dir = index_dir(mirror_path);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let path = index_path(mirror_path, &index.commit);
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, encode(index)?).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, &path).with_context(|| format!("writing {}", path.display()))?;
    let mut old: Vec<_> = std::fs::read_dir(&dir)?
        .filter_map(Result::ok)
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    old.sort();
    let excess = old.len().saturating_sub(3);
    for (_, p) in old.into_iter().take(excess) {
        if p != path {
            std::fs::remove_file(p).ok();
        }
    }
    Ok(())
}

/// A connector folder to index: (folder, category, the swagger file's name and blob, the
/// apiProperties.json blob).
type Work = (String, Category, Option<(String, Oid)>, Option<Oid>);

/// Fingerprints of the previous index, keyed by both blobs: the swagger's and
/// apiProperties.json's (the publisher).
type Reusable<'a> = HashMap<(&'a str, Option<&'a str>), &'a Fingerprint>;

/// Build the index from the commit's tree. `previous` lends fingerprints for unchanged blobs.
pub fn build(mirror_path: &Path, commit: Oid, previous: Option<&Index>) -> anyhow::Result<(Index, IndexStats)> {
    let repo = Repository::open_bare(mirror_path).with_context(|| format!("opening the mirror {}", mirror_path.display()))?;
    let tree = repo.find_commit(commit)?.tree()?;
    // Walk trees (cheap) on this thread; collect the blobs to read.
    let work = connector_folders(&repo, &tree)?;
    let reusable: Reusable = previous
        .map(|p| {
            p.connectors
                .iter()
                .filter_map(|c| Some(((c.blob.as_deref()?, c.properties_blob.as_deref()), c.fingerprint.as_ref()?)))
                .collect()
        })
        .unwrap_or_default();

    // Read and fingerprint blobs on every core; a Repository is per thread.
    let path = mirror_path.to_path_buf();
    let connectors: Vec<(IndexedConnector, bool)> = work
        .into_par_iter()
        .map_init(
            || Repository::open_bare(&path).ok(),
            |repo, work| index_connector(repo.as_ref(), &reusable, work),
        )
        .collect();

    let fingerprinted = connectors.iter().filter(|(_, computed)| *computed).count();
    let reused = connectors
        .iter()
        .filter(|(c, computed)| !computed && c.fingerprint.is_some())
        .count();
    let connectors = connectors.into_iter().map(|(c, _)| c).collect();
    Ok((
        Index {
            format: FORMAT,
            commit: commit.to_string(),
            connectors,
        },
        IndexStats {
            loaded: false,
            fingerprinted,
            reused,
            rebuilt_damaged: false,
        },
    ))
}

/// Every connector folder in the commit's category folders, with the blobs to read.
fn connector_folders(repo: &Repository, tree: &git2::Tree) -> anyhow::Result<Vec<Work>> {
    let mut work: Vec<Work> = Vec::new();
    for category in Category::ALL {
        let Some(entry) = tree.get_name(category.folder()) else { continue };
        let Ok(category_tree) = repo.find_tree(entry.id()) else { continue };
        for connector in category_tree.iter() {
            if connector.kind() != Some(ObjectType::Tree) {
                continue;
            }
            let Ok(name) = connector.name() else { continue };
            let folder_tree = repo.find_tree(connector.id())?;
            let names: Vec<String> = folder_tree
                .iter()
                .filter(|e| e.kind() == Some(ObjectType::Blob))
                .filter_map(|e| e.name().ok().map(str::to_owned))
                .collect();
            let swagger = pick_swagger(&names).and_then(|n| folder_tree.get_name(&n).map(|e| (n.clone(), e.id())));
            let properties = folder_tree.get_name("apiProperties.json").map(|e| e.id());
            work.push((format!("{}/{name}", category.folder()), category, swagger, properties));
        }
    }
    Ok(work)
}

/// One folder's entry: its fingerprint reused from the previous index when both blobs are
/// unchanged, else computed from the blobs (`repo`: this thread's, if it opened). Whether it was
/// computed.
fn index_connector(
    repo: Option<&Repository>,
    reusable: &Reusable,
    (folder, category, swagger, properties): Work,
) -> (IndexedConnector, bool) {
    let properties_blob = properties.map(|p| p.to_string());
    let Some((name, blob)) = swagger else {
        return (
            IndexedConnector {
                folder,
                category,
                swagger: None,
                blob: None,
                properties_blob,
                fingerprint: None,
                error: Some("no swagger file".into()),
            },
            false,
        );
    };
    let blob_id = blob.to_string();
    if let Some(fp) = reusable.get(&(blob_id.as_str(), properties_blob.as_deref())).copied() {
        return (
            IndexedConnector {
                folder,
                category,
                swagger: Some(name),
                blob: Some(blob_id),
                properties_blob,
                fingerprint: Some(fp.clone()),
                error: None,
            },
            false,
        );
    }
    // apiProperties.json first: its publisher and its policies' routes are in the fingerprint.
    let api_properties = properties
        .zip(repo)
        .and_then(|(p, r)| r.find_blob(p).ok())
        .and_then(|b| crate::connector::json::parse(b.content()).ok());
    let result = repo
        .ok_or_else(|| "cannot open the mirror".to_string())
        .and_then(|r| r.find_blob(blob).map_err(|e| e.to_string()))
        .and_then(|b| {
            Fingerprint::from_swagger_bytes_with_policies(b.content(), api_properties.as_ref().map(|d| &d.value)).map_err(|e| e.to_string())
        });
    let (fingerprint, error) = match result {
        Ok(fp) => (Some(fp), None),
        Err(e) => (None, Some(e)),
    };
    (
        IndexedConnector {
            folder,
            category,
            swagger: Some(name),
            blob: Some(blob_id),
            properties_blob,
            fingerprint,
            error,
        },
        true,
    )
}

/// The swagger file among a folder's file names (see `ConnectorPackage::swagger_file`).
fn pick_swagger(names: &[String]) -> Option<String> {
    let package = crate::connector::ConnectorPackage::from_files("", names.iter().map(|n| (n.clone(), Vec::new())));
    package.swagger_file().map(|f| f.name.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_changed_byte_makes_the_index_damaged() {
        let index = Index {
            format: FORMAT,
            commit: "0123456789012345678901234567890123456789".into(),
            connectors: vec![IndexedConnector {
                folder: "certified-connectors/DeepL".into(),
                category: Category::Certified,
                swagger: Some("apiDefinition.swagger.json".into()),
                blob: Some("abc".into()),
                properties_blob: None,
                fingerprint: None,
                error: Some("x".into()),
            }],
        };
        let bytes = encode(&index).unwrap();
        assert_eq!(decode(&bytes).unwrap().connectors.len(), 1);
        for i in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[i] ^= 0x01;
            assert!(decode(&bad).is_err(), "a flipped bit at {i} went unnoticed");
        }
        assert_eq!(decode(&bytes[..bytes.len() - 1]).unwrap_err(), Unusable::Damaged);
        assert_eq!(decode(b"").unwrap_err(), Unusable::Damaged);
        assert_eq!(decode(&[1, 40, b'0']).unwrap_err(), Unusable::Stale);
        for i in 0..MAGIC.len() {
            let mut bad = bytes.clone();
            bad[i] ^= 0x01;
            // A magic turned into an older one by the flip is an intact old file: stale (rebuilt).
            let expected = if OLD_MAGICS.iter().any(|m| bad.starts_with(m.as_slice())) {
                Unusable::Stale
            } else {
                Unusable::Damaged
            };
            assert_eq!(decode(&bad).unwrap_err(), expected, "byte {i} of the magic");
        }
        // Files of formats 2 to 4 are stale; one with a changed byte is damaged, not stale.
        let mut old = bytes.clone();
        old[7] = b'3';
        assert_eq!(decode(&old).unwrap_err(), Unusable::Stale);
        old[7] = b'2';
        assert_eq!(decode(&old).unwrap_err(), Unusable::Stale);
        let last = old.len() - 1;
        old[last] ^= 0x01;
        assert_eq!(decode(&old).unwrap_err(), Unusable::Damaged);
    }
}
