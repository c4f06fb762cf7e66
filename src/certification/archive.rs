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
    #[error("`{name}` inflates past {}", size(*limit))]
    EntryTooBig { name: String, limit: u64 },
    #[error("`{name}` inflates more than {ratio} times its compressed size (a zip bomb?)")]
    Ratio { name: String, ratio: u64 },
    #[error("reading `{name}` would take the uncompressed total past {}", size(*limit))]
    TotalTooBig { name: String, limit: u64 },
    #[error("`{name}` cannot be read: {reason}")]
    Unreadable { name: String, reason: String },
}

/// A size as a person reads it: "128 MiB", "1.5 MiB", "980 KiB", "512 bytes".
pub fn size(bytes: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
    for (unit, name) in UNITS {
        if bytes >= unit {
            let whole = bytes / unit;
            let tenths = (bytes % unit) * 10 / unit;
            return if tenths == 0 || whole >= 100 {
                format!("{whole} {name}")
            } else {
                format!("{whole}.{tenths} {name}")
            };
        }
    }
    format!("{bytes} bytes")
}

/// At most this many characters of a name from an archive go into a message.
pub const NAME_SHOWN: usize = 120;

/// A name from an archive as a message shows it: cut to [`NAME_SHOWN`] characters, with how long
/// it really is (a 65,535-byte name would otherwise be a 66 KB line).
pub fn shown(name: &str) -> String {
    if name.chars().count() <= NAME_SHOWN {
        return name.to_string();
    }
    let head: String = name.chars().take(NAME_SHOWN).collect();
    format!("{head}… ({} bytes in all)", name.len())
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
    /// Why the entry cannot be used: its name climbs out, is absolute, or holds a NUL; or it is
    /// a symbolic link.
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

fn u16_at(bytes: &[u8], at: usize) -> Option<u64> {
    Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?) as u64)
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u64> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?) as u64)
}

/// The (id, data) fields of a zip extra field block.
fn extra_fields(mut block: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        let id = u16::from_le_bytes(block.get(0..2)?.try_into().ok()?);
        let len = u16::from_le_bytes(block.get(2..4)?.try_into().ok()?) as usize;
        let data = block.get(4..4 + len)?;
        block = &block[4 + len..];
        Some((id, data))
    })
}

/// The end-of-central-directory record must describe a central directory that fits before it.
/// (Its zip64 fields, `0xFFFFFFFF`, are left to the zip64 record, which the reader checks.)
fn check_end_record(bytes: &[u8]) -> Result<(), String> {
    const EOCD: &[u8] = b"PK\x05\x06";
    let from = bytes.len().saturating_sub(22 + 0xFFFF);
    // The record is the last signature whose comment ends the file (a comment may hold the
    // signature too).
    let found = bytes[from..]
        .windows(4)
        .enumerate()
        .rev()
        .filter(|(_, w)| *w == EOCD)
        .map(|(i, _)| from + i)
        .find(|&at| u16_at(bytes, at + 20).is_some_and(|comment| at as u64 + 22 + comment == bytes.len() as u64));
    let Some(at) = found else {
        return Ok(()); // the zip reader says what is wrong
    };
    let (Some(cd_size), Some(cd_offset)) = (u32_at(bytes, at + 12), u32_at(bytes, at + 16)) else {
        return Ok(());
    };
    if cd_size == 0xFFFF_FFFF || cd_offset == 0xFFFF_FFFF {
        return Ok(());
    }
    if cd_size > at as u64 {
        return Err(format!(
            "its end record says the central directory is {}, more than the {} before it",
            size(cd_size),
            size(at as u64)
        ));
    }
    Ok(())
}

/// A central-directory entry's local header: where the central directory says, with the same
/// name, and its data within the file.
fn check_local_header(bytes: &[u8], start: u64, central_name: &[u8], compressed: u64) -> Result<(), String> {
    let at = usize::try_from(start).map_err(|_| "its local header is past the end of the archive".to_string())?;
    if bytes.get(at..at + 4) != Some(b"PK\x03\x04".as_slice()) {
        return Err("there is no local header where the central directory says".into());
    }
    let (Some(name_len), Some(extra_len)) = (u16_at(bytes, at + 26), u16_at(bytes, at + 28)) else {
        return Err("its local header is cut off".into());
    };
    let name_start = at + 30;
    let local_name = bytes
        .get(name_start..name_start + name_len as usize)
        .ok_or("its local header is cut off")?;
    // Info-ZIP's Unicode Path field (0x7075) may give the name the central directory shows.
    let extra = bytes
        .get(name_start + name_len as usize..name_start + (name_len + extra_len) as usize)
        .unwrap_or_default();
    let unicode_name = extra_fields(extra).find(|(id, _)| *id == 0x7075).and_then(|(_, d)| d.get(5..));
    if local_name != central_name && unicode_name != Some(central_name) {
        return Err(format!(
            "its local header names it `{}`: the two names must agree",
            shown(&String::from_utf8_lossy(local_name).escape_debug().to_string())
        ));
    }
    let data_start = (name_start as u64) + name_len + extra_len;
    if data_start.saturating_add(compressed) > bytes.len() as u64 {
        return Err(format!(
            "its data ({} compressed) runs past the end of the archive",
            size(compressed)
        ));
    }
    Ok(())
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
    /// Read the central directory of `bytes`. What the archive says twice must agree: the end
    /// record and the central directory, each central entry and its local header (the name, the
    /// sizes within the file); two entries may not have the same name (compared as Windows
    /// would, ignoring case), since an extractor would keep one of them. Symbolic links are
    /// listed as unsafe and never read.
    pub fn open(bytes: Vec<u8>, limits: &Limits) -> Result<Archive, ArchiveError> {
        let broken = |why: String| ArchiveError::NotZip(why);
        check_end_record(&bytes).map_err(broken)?;
        let total = bytes.len() as u64;
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| ArchiveError::NotZip(e.to_string()))?;
        if zip.len() > limits.max_entries {
            return Err(ArchiveError::TooManyEntries {
                count: zip.len(),
                limit: limits.max_entries,
            });
        }
        if zip.has_duplicate_names() {
            return Err(broken("two entries have the same name".into()));
        }
        let mut entries = Vec::with_capacity(zip.len());
        let mut headers = Vec::with_capacity(zip.len());
        let mut seen = std::collections::HashSet::with_capacity(zip.len());
        for index in 0..zip.len() {
            let file = zip.by_index_raw(index).map_err(|e| ArchiveError::NotZip(e.to_string()))?;
            let raw = match file.name() {
                Ok(n) => n.into_owned(),
                Err(_) => String::from_utf8_lossy(file.name_raw()).into_owned(),
            };
            let name = raw.replace('\\', "/");
            if !seen.insert(name.trim_end_matches('/').to_lowercase()) {
                return Err(broken(format!("two entries are named `{}`", shown(&name))));
            }
            if file.compressed_size() > total {
                return Err(broken(format!(
                    "`{}` says it is {} compressed, more than the whole archive ({})",
                    shown(&name),
                    size(file.compressed_size()),
                    size(total)
                )));
            }
            headers.push((file.header_start(), file.name_raw().to_vec(), file.compressed_size()));
            let link = file.unix_mode().is_some_and(|mode| mode & 0o170000 == 0o120000);
            entries.push(Entry {
                index,
                unsafe_reason: if link {
                    Some("it is a symbolic link")
                } else {
                    unsafe_reason(&name)
                },
                is_dir: file.is_dir() || name.ends_with('/'),
                size: file.size(),
                compressed_size: file.compressed_size(),
                name,
            });
        }
        // The reader cannot be borrowed back: take the bytes out, check, and read the (already
        // checked) central directory again.
        let bytes = zip.into_inner().into_inner();
        for (entry, (start, raw, compressed)) in entries.iter().zip(headers) {
            check_local_header(&bytes, start, &raw, compressed).map_err(|why| broken(format!("`{}`: {why}", shown(&entry.name))))?;
        }
        let zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| ArchiveError::NotZip(e.to_string()))?;
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
        let hint = self.entries[index].size.min(1 << 24) as usize;
        self.read_with(index, budget, |reader| {
            let mut out = Vec::with_capacity(hint);
            reader.read_to_end(&mut out)?;
            Ok(out)
        })
    }

    /// Stream one entry through `consume`, within the same limits as [`Archive::read`]: for what
    /// can be judged without holding the entry whole (intro.md, a count of XML attributes).
    /// `consume` may stop early; what it read counts against the budget.
    pub fn read_with<T>(
        &mut self,
        index: usize,
        budget: &mut Budget,
        consume: impl FnOnce(&mut dyn Read) -> std::io::Result<T>,
    ) -> Result<T, ArchiveError> {
        let entry = &self.entries[index];
        let limits = budget.limits;
        let name = shown(&entry.name);
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
        let mut counted = Counted {
            inner: file.take(cap + 1),
            read: 0,
        };
        let result = consume(&mut counted);
        let read = counted.read;
        budget.used += read;
        if read > cap {
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
        result.map_err(|e| ArchiveError::Unreadable {
            name,
            reason: e.to_string(),
        })
    }

    /// The bytes of one stored (uncompressed) entry, cut out of the archive's own buffer in
    /// place instead of copied, so a large nested zip is never in memory twice; the archive is
    /// consumed. `None` (and the archive back) when the entry is compressed: read it instead.
    pub fn into_stored(mut self, index: usize, budget: &mut Budget) -> Result<Result<Vec<u8>, ArchiveError>, Archive> {
        let entry = &self.entries[index];
        let limits = budget.limits;
        let within = entry.size <= limits.max_entry_bytes && entry.size <= limits.max_total_bytes.saturating_sub(budget.used);
        let Ok(file) = self.zip.by_index_raw(index) else { return Err(self) };
        let stored = file.compression() == zip::CompressionMethod::Stored && !file.encrypted() && file.size() == file.compressed_size();
        let (start, len, crc) = (file.header_start(), file.compressed_size(), file.crc32());
        drop(file);
        if !stored || !within {
            return Err(self);
        }
        let Archive { zip, entries } = self;
        let mut bytes = zip.into_inner().into_inner();
        let name = shown(&entries[index].name);
        // The local header was checked when the archive was opened: the data follows it.
        let at = start as usize;
        let (Some(name_len), Some(extra_len)) = (u16_at(&bytes, at + 26), u16_at(&bytes, at + 28)) else {
            return Ok(Err(ArchiveError::Unreadable {
                name,
                reason: "its local header is cut off".into(),
            }));
        };
        let data = at + 30 + (name_len + extra_len) as usize;
        bytes.truncate(data + len as usize);
        bytes.drain(..data);
        budget.used += len;
        if crc32fast::hash(&bytes) != crc {
            return Ok(Err(ArchiveError::Unreadable {
                name,
                reason: "its checksum (CRC-32) does not match its bytes".into(),
            }));
        }
        Ok(Ok(bytes))
    }
}

/// A reader that counts what passed through it.
struct Counted<R> {
    inner: R,
    read: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
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
    fn sizes_and_names_are_said_as_a_person_reads_them() {
        assert_eq!(size(128 << 20), "128 MiB");
        assert_eq!(size(134_217_728 + (1 << 19)), "128 MiB");
        assert_eq!(size(3 << 19), "1.5 MiB");
        assert_eq!(size(0xFFFF_FF00), "3.9 GiB");
        assert_eq!(size(512), "512 bytes");
        let e = ArchiveError::EntryTooBig {
            name: "intro.md".into(),
            limit: 128 << 20,
        };
        assert_eq!(e.to_string(), "`intro.md` inflates past 128 MiB");
        let long = "n".repeat(65_535);
        let cut = shown(&long);
        assert!(cut.len() < NAME_SHOWN + 40 && cut.ends_with("(65535 bytes in all)"), "{cut}");
        assert_eq!(shown("intro.md"), "intro.md");
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
