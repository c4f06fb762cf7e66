//! Zip archives read in memory, treated as hostile.
//!
//! Nothing is ever extracted to disk: an entry's bytes are read into memory through a reader
//! that stops at a cap, whatever size the entry's headers declare, so a zip bomb (a small entry
//! that inflates to gigabytes, or a header that lies about its size) costs at most the cap. Entry
//! names are only compared with the names the package must hold; a name that climbs out of the
//! archive (`../evil`) or is absolute (`/etc/passwd`, `C:\x`) is reported and never read.
//! Only the levels the package defines are opened (the outer zip, the package zip, the solution
//! zips), so a zip nested deeper is never opened at all.

use std::io::{Cursor, Read};

/// What one check may read. The defaults are far above a real certification package (a few
/// MiB) and far below what would hurt a laptop.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The outer zip file itself.
    pub max_file_bytes: u64,
    /// Entries in one archive (the central directory is read whole, so this bounds it too).
    pub max_entries: usize,
    /// One entry, uncompressed.
    pub max_entry_bytes: u64,
    /// Everything uncompressed in one check, all levels together.
    pub max_total_bytes: u64,
    /// Uncompressed size over compressed size, for entries bigger than [`Limits::RATIO_FLOOR`].
    pub max_ratio: u64,
}

impl Limits {
    /// Entries up to this size may compress as well as they like (a page of repeated XML).
    pub const RATIO_FLOOR: u64 = 1 << 20;
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 256 << 20,
            max_entries: 10_000,
            max_entry_bytes: 128 << 20,
            max_total_bytes: 512 << 20,
            max_ratio: 100,
        }
    }
}

/// Why an archive or one of its entries was not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArchiveError {
    #[error("it is not a zip archive ({0})")]
    NotZip(String),
    #[error("it holds {count} entries, more than the {limit} a package can reasonably have")]
    TooManyEntries { count: usize, limit: usize },
    #[error("`{name}` inflates past {limit} bytes")]
    EntryTooBig { name: String, limit: u64 },
    #[error("`{name}` inflates more than {ratio} times its compressed size (a zip bomb?)")]
    Ratio { name: String, ratio: u64 },
    #[error("reading `{name}` would take the uncompressed total past {limit} bytes")]
    TotalTooBig { name: String, limit: u64 },
    #[error("`{name}` cannot be read: {reason}")]
    Unreadable { name: String, reason: String },
}

/// How much has been read so far in one check, across every level.
#[derive(Debug)]
pub struct Budget {
    pub limits: Limits,
    used: u64,
}

impl Budget {
    pub fn new(limits: Limits) -> Budget {
        Budget { limits, used: 0 }
    }

    /// Uncompressed bytes read so far.
    pub fn used(&self) -> u64 {
        self.used
    }
}

/// One entry's name, judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Index in the archive.
    pub index: usize,
    /// The name as stored, `\` turned into `/`, for messages and matching.
    pub name: String,
    pub is_dir: bool,
    /// Declared sizes (headers can lie; reading never trusts them).
    pub size: u64,
    pub compressed_size: u64,
    /// Why the name cannot be used: it climbs out, is absolute, or holds a NUL.
    pub unsafe_reason: Option<&'static str>,
}

impl Entry {
    /// Path components, without empty ones (`a//b/` is `a`, `b`).
    pub fn components(&self) -> Vec<&str> {
        self.name.split('/').filter(|c| !c.is_empty() && *c != ".").collect()
    }
}

/// Why a name would write outside the folder it is extracted to.
fn unsafe_reason(name: &str) -> Option<&'static str> {
    if name.contains('\0') {
        return Some("it holds a NUL character");
    }
    if name.starts_with('/') {
        return Some("it is an absolute path");
    }
    let bytes = name.as_bytes();
    if bytes.len() >= 2 && bytes[1] == b':' && bytes[0].is_ascii_alphabetic() {
        return Some("it is an absolute path (a drive letter)");
    }
    if name.split('/').any(|c| c == "..") {
        return Some("it climbs out of the archive with `..`");
    }
    None
}

/// An archive held in memory, its entries listed.
pub struct Archive {
    zip: zip::ZipArchive<Cursor<Vec<u8>>>,
    pub entries: Vec<Entry>,
}

impl std::fmt::Debug for Archive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Archive").field("entries", &self.entries).finish()
    }
}

impl Archive {
    /// Read the central directory of `bytes`.
    pub fn open(bytes: Vec<u8>, limits: &Limits) -> Result<Archive, ArchiveError> {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| ArchiveError::NotZip(e.to_string()))?;
        if zip.len() > limits.max_entries {
            return Err(ArchiveError::TooManyEntries {
                count: zip.len(),
                limit: limits.max_entries,
            });
        }
        let mut entries = Vec::with_capacity(zip.len());
        for index in 0..zip.len() {
            let file = zip.by_index_raw(index).map_err(|e| ArchiveError::NotZip(e.to_string()))?;
            let raw = match file.name() {
                Ok(n) => n.into_owned(),
                Err(_) => String::from_utf8_lossy(file.name_raw()).into_owned(),
            };
            let name = raw.replace('\\', "/");
            entries.push(Entry {
                index,
                unsafe_reason: unsafe_reason(&name),
                is_dir: file.is_dir() || name.ends_with('/'),
                size: file.size(),
                compressed_size: file.compressed_size(),
                name,
            });
        }
        Ok(Archive { zip, entries })
    }

    /// The entries whose names can be used.
    pub fn safe_entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| e.unsafe_reason.is_none())
    }

    /// The files (not folders) directly at the root.
    pub fn root_files(&self) -> Vec<&Entry> {
        self.safe_entries().filter(|e| !e.is_dir && e.components().len() == 1).collect()
    }

    /// The folders directly at the root, as written or implied by deeper entries, sorted.
    pub fn root_folders(&self) -> Vec<String> {
        self.folders_in("")
    }

    /// The folders directly inside `folder` (`""` for the root; otherwise `Name` without a slash),
    /// compared case-insensitively as Windows does, each spelled as first seen, sorted.
    pub fn folders_in(&self, folder: &str) -> Vec<String> {
        let depth = if folder.is_empty() { 0 } else { 1 };
        let mut out: Vec<String> = Vec::new();
        for e in self.safe_entries() {
            let c = e.components();
            if depth == 1 && !c.first().is_some_and(|f| f.eq_ignore_ascii_case(folder)) {
                continue;
            }
            let is_folder = c.len() > depth + 1 || (e.is_dir && c.len() == depth + 1);
            if !is_folder {
                continue;
            }
            let name = c[depth];
            if !out.iter().any(|o| o.eq_ignore_ascii_case(name)) {
                out.push(name.to_string());
            }
        }
        out.sort();
        out
    }

    /// The files directly inside `folder` (case-insensitive).
    pub fn files_in(&self, folder: &str) -> Vec<&Entry> {
        self.safe_entries()
            .filter(|e| {
                let c = e.components();
                !e.is_dir && c.len() == 2 && c[0].eq_ignore_ascii_case(folder)
            })
            .collect()
    }

    /// The entry at `path` (`Connector/x.json`), compared case-insensitively.
    pub fn find(&self, path: &str) -> Option<&Entry> {
        let wanted: Vec<&str> = path.split(['/', '\\']).filter(|c| !c.is_empty()).collect();
        self.safe_entries().find(|e| {
            let c = e.components();
            !e.is_dir && c.len() == wanted.len() && c.iter().zip(&wanted).all(|(a, b)| a.eq_ignore_ascii_case(b))
        })
    }

    /// Read one entry into memory, never past the limits, whatever its headers say.
    pub fn read(&mut self, index: usize, budget: &mut Budget) -> Result<Vec<u8>, ArchiveError> {
        let entry = self.entries[index].clone();
        let limits = budget.limits;
        let name = entry.name.clone();
        if entry.size > limits.max_entry_bytes {
            return Err(ArchiveError::EntryTooBig {
                name,
                limit: limits.max_entry_bytes,
            });
        }
        let ratio_cap = entry.compressed_size.saturating_mul(limits.max_ratio).max(Limits::RATIO_FLOOR);
        if entry.size > ratio_cap {
            return Err(ArchiveError::Ratio {
                name,
                ratio: limits.max_ratio,
            });
        }
        let remaining = limits.max_total_bytes.saturating_sub(budget.used);
        if entry.size > remaining {
            return Err(ArchiveError::TotalTooBig {
                name,
                limit: limits.max_total_bytes,
            });
        }
        let cap = limits.max_entry_bytes.min(ratio_cap).min(remaining);
        let file = self.zip.by_index(index).map_err(|e| ArchiveError::Unreadable {
            name: name.clone(),
            reason: e.to_string(),
        })?;
        let mut out = Vec::with_capacity(entry.size.min(cap).min(1 << 24) as usize);
        let read = file.take(cap + 1).read_to_end(&mut out);
        budget.used += out.len() as u64;
        if out.len() as u64 > cap {
            // The headers lied, or the entry is bigger than what is left: say which cap it hit.
            return Err(if cap == remaining && remaining < limits.max_entry_bytes.min(ratio_cap) {
                ArchiveError::TotalTooBig {
                    name,
                    limit: limits.max_total_bytes,
                }
            } else if cap == ratio_cap && ratio_cap < limits.max_entry_bytes {
                ArchiveError::Ratio {
                    name,
                    ratio: limits.max_ratio,
                }
            } else {
                ArchiveError::EntryTooBig {
                    name,
                    limit: limits.max_entry_bytes,
                }
            });
        }
        read.map_err(|e| ArchiveError::Unreadable {
            name,
            reason: e.to_string(),
        })?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use zip::write::SimpleFileOptions;

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in entries {
            if name.ends_with('/') {
                w.add_directory(*name, options).unwrap();
            } else {
                w.start_file(*name, options).unwrap();
                w.write_all(bytes).unwrap();
            }
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn names_that_leave_the_archive_are_unsafe() {
        assert!(unsafe_reason("../evil").is_some());
        assert!(unsafe_reason("a/../../evil").is_some());
        assert!(unsafe_reason("/etc/passwd").is_some());
        assert!(unsafe_reason("C:/Windows/x").is_some());
        assert_eq!(unsafe_reason("PkgAssets/a..b.zip"), None);
        assert_eq!(unsafe_reason("intro.md"), None);
    }

    #[test]
    fn folders_are_found_written_or_implied() {
        let a = Archive::open(
            zip_of(&[
                ("intro.md", b"x"),
                ("Empty/", b""),
                ("pkgassets/a.zip", b"z"),
                ("PkgAssets/b.zip", b"z"),
            ]),
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(a.root_folders(), vec!["Empty".to_string(), "pkgassets".to_string()]);
        assert_eq!(a.root_files().len(), 1);
        assert_eq!(a.files_in("PkgAssets").len(), 2);
        assert!(a.find("PKGASSETS/A.ZIP").is_some());
    }

    #[test]
    fn a_big_entry_stops_at_the_cap_and_counts_against_the_budget() {
        let zeros = vec![0u8; 3 << 20];
        let mut a = Archive::open(zip_of(&[("big.bin", &zeros), ("small.txt", b"hello")]), &Limits::default()).unwrap();
        let limits = Limits {
            max_entry_bytes: 1 << 20,
            ..Limits::default()
        };
        let mut budget = Budget::new(limits);
        assert!(matches!(a.read(0, &mut budget), Err(ArchiveError::EntryTooBig { .. })));
        assert_eq!(a.read(1, &mut budget).unwrap(), b"hello");

        // A compression ratio over the limit, above the floor.
        let mut budget = Budget::new(Limits::default());
        assert!(matches!(a.read(0, &mut budget), Err(ArchiveError::Ratio { .. })));

        // The total across entries.
        let limits = Limits {
            max_total_bytes: 4,
            ..Limits::default()
        };
        let mut budget = Budget::new(limits);
        assert!(matches!(a.read(1, &mut budget), Err(ArchiveError::TotalTooBig { .. })));
        assert!(budget.used() <= 5);
    }

    #[test]
    fn too_many_entries_are_refused_before_reading() {
        let names: Vec<String> = (0..30).map(|i| format!("f{i}")).collect();
        let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
        let limits = Limits {
            max_entries: 20,
            ..Limits::default()
        };
        assert!(matches!(
            Archive::open(zip_of(&entries), &limits),
            Err(ArchiveError::TooManyEntries { count: 30, limit: 20 })
        ));
    }

    #[test]
    fn garbage_is_not_a_zip() {
        assert!(matches!(
            Archive::open(b"PK\x03\x04 not really".to_vec(), &Limits::default()),
            Err(ArchiveError::NotZip(_))
        ));
    }
}
