//! Where `--patch FILE` may write: a new or an existing regular file with no other hard link, never
//! a device, a FIFO or a folder, never inside the connector folder or the cache; `-` is standard
//! output. The file is
//! written in place (no temporary file to leave behind); a file this run created and could not
//! finish is removed.

use anyhow::{anyhow, Context};
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where the patch goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatchTarget {
    Stdout,
    File(PathBuf),
}

impl PatchTarget {
    /// For messages: the file's path, or "standard output".
    pub fn describe(&self) -> String {
        match self {
            PatchTarget::Stdout => "standard output".into(),
            PatchTarget::File(p) => p.display().to_string(),
        }
    }
}

/// Absolute, with symlinks resolved as far as the path exists.
fn resolved(path: &Path) -> Option<PathBuf> {
    if let Ok(p) = fs::canonicalize(path) {
        return Some(p);
    }
    let absolute = std::path::absolute(path).ok()?;
    let name = absolute.file_name()?.to_owned();
    let parent = absolute.parent()?;
    Some(resolved(parent).unwrap_or_else(|| parent.to_path_buf()).join(name))
}

/// Check `--patch`'s value before anything runs. `forbidden` names folders the patch must not go
/// into, with what to call them ("the connector folder"). The error is for the user: a usage error.
pub fn target(path: &Path, forbidden: &[(&Path, &str)]) -> Result<PatchTarget, String> {
    if path.as_os_str() == "-" {
        return Ok(PatchTarget::Stdout);
    }
    let shown = path.display();
    let Some(name) = path.file_name() else {
        return Err(format!("--patch {shown}: give a file name (or - for standard output)"));
    };
    let real = match fs::metadata(path) {
        Ok(meta) => {
            let kind = meta.file_type();
            if kind.is_dir() {
                return Err(format!(
                    "--patch {shown} is a folder; give a file name in it (or - for standard output)"
                ));
            }
            if !kind.is_file() {
                return Err(format!(
                    "--patch {shown} is not a regular file (a device, a FIFO or a socket); give a file name (or - for standard output)"
                ));
            }
            // A hard link is the same file under another name (perhaps one of the connector's):
            // writing it in place would change every name of it.
            #[cfg(unix)]
            {
                let links = std::os::unix::fs::MetadataExt::nlink(&meta);
                if links > 1 {
                    return Err(format!(
                        "--patch {shown} has {} other hard link(s), which writing it would change too; give a new file name (or - for standard output)",
                        links - 1
                    ));
                }
            }
            fs::canonicalize(path).map_err(|e| format!("--patch {shown}: {e}"))?
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if fs::symlink_metadata(path).is_ok() {
                return Err(format!(
                    "--patch {shown} is a link to nothing; give a file name (or - for standard output)"
                ));
            }
            let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
            let parent =
                fs::canonicalize(parent).map_err(|_| format!("--patch {shown}: the folder {} does not exist", parent.display()))?;
            if !parent.is_dir() {
                return Err(format!("--patch {shown}: {} is not a folder", parent.display()));
            }
            parent.join(name)
        }
        Err(e) => return Err(format!("--patch {shown}: {e}")),
    };
    for (folder, what) in forbidden {
        let Some(folder) = resolved(folder) else { continue };
        if real.starts_with(&folder) {
            return Err(format!(
                "--patch {shown} is inside {what} ({}); write the patch somewhere else, e.g. --patch ../change.patch, or - for standard output",
                folder.display()
            ));
        }
    }
    Ok(PatchTarget::File(path.to_path_buf()))
}

/// Open an existing file for writing without blocking on a FIFO and without making a terminal
/// ours; the caller checks what it is before writing.
fn open_existing(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    options.open(path)
}

/// Write the plan's patch to `target`, file by file, with secrets masked; how many were masked
/// (the patch then no longer applies to the author's files as they are). The patch is never held
/// whole in memory.
pub fn write_plan(
    target: &PatchTarget,
    repo: &git2::Repository,
    plan: &super::Plan,
    package: &crate::connector::ConnectorPackage,
    masker: &crate::secrets::Masker,
    stdout: &mut dyn Write,
) -> anyhow::Result<usize> {
    // A path in the patch (`<category>/<Folder>/<name>`) to the package's bytes for it.
    let content = |path: &str| {
        let name = path.strip_prefix(&format!("{}/", plan.target.folder()))?;
        let planned = plan.files.iter().find(|f| f.name == name)?;
        let source = planned.source.as_deref()?;
        package.files.iter().find(|f| f.name == source).map(|f| f.bytes.as_slice())
    };
    write_with(target, stdout, &mut |out| {
        super::diff::write_patch(repo, plan, &content, masker, out)
    })
}

/// Write the patch: to standard output, or into the file checked by [`target`] (checked again
/// here, on the opened file, so that nothing swapped in between is written to).
pub fn write(target: &PatchTarget, bytes: &[u8], stdout: &mut dyn Write) -> anyhow::Result<()> {
    write_with(target, stdout, &mut |out| Ok(out.write_all(bytes)?))
}

/// [`write`] with the content written by `fill`: a file that cannot be written whole is removed
/// when this created it, and said to be incomplete when it existed.
fn write_with<T>(
    target: &PatchTarget,
    stdout: &mut dyn Write,
    fill: &mut dyn FnMut(&mut dyn Write) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let path = match target {
        PatchTarget::Stdout => {
            // In large blocks: what the process prints is masked a write at a time.
            let mut buffered = std::io::BufWriter::with_capacity(256 * 1024, &mut *stdout);
            let value = fill(&mut buffered).context("writing the patch to standard output")?;
            buffered.flush().context("writing the patch to standard output")?;
            drop(buffered);
            stdout.flush().context("writing the patch to standard output")?;
            return Ok(value);
        }
        PatchTarget::File(path) => path,
    };
    let (mut file, created) = match OpenOptions::new().write(true).create_new(true).open(path) {
        Ok(f) => (f, true),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            (open_existing(path).with_context(|| format!("opening {}", path.display()))?, false)
        }
        Err(e) => return Err(e).with_context(|| format!("creating {}", path.display())),
    };
    let meta = file.metadata().with_context(|| format!("reading {}", path.display()))?;
    if !meta.is_file() {
        return Err(anyhow!("{} is not a regular file; nothing was written to it", path.display()));
    }
    #[cfg(unix)]
    if !created && std::os::unix::fs::MetadataExt::nlink(&meta) > 1 {
        return Err(anyhow!("{} has other hard links now; nothing was written to it", path.display()));
    }
    let written = file.set_len(0).map_err(anyhow::Error::from).and_then(|_| {
        let mut buffered = std::io::BufWriter::new(&mut file);
        let value = fill(&mut buffered)?;
        buffered.flush()?;
        drop(buffered);
        file.sync_all()?;
        Ok(value)
    });
    if let Err(e) = &written {
        drop(file);
        if created {
            fs::remove_file(path).ok();
            return Err(anyhow!("writing {} (removed it again): {e:#}", path.display()));
        }
        return Err(anyhow!("writing {} (it is now incomplete): {e:#}", path.display()));
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        let dir = tempfile::tempdir().unwrap();
        let connector = dir.path().join("MyConnector");
        fs::create_dir(&connector).unwrap();
        fs::write(connector.join("apiDefinition.swagger.json"), "{}").unwrap();
        let forbidden = [(connector.as_path(), "the connector folder")];
        assert_eq!(target(Path::new("-"), &forbidden).unwrap(), PatchTarget::Stdout);
        let fresh = dir.path().join("change.patch");
        assert_eq!(target(&fresh, &forbidden).unwrap(), PatchTarget::File(fresh.clone()));
        fs::write(&fresh, "old").unwrap();
        assert!(target(&fresh, &forbidden).is_ok());
        let err = target(&connector.join("apiDefinition.swagger.json"), &forbidden).unwrap_err();
        assert!(err.contains("inside the connector folder"), "{err}");
        assert!(target(&connector.join("new.patch"), &forbidden).unwrap_err().contains("inside"));
        assert!(target(dir.path(), &forbidden).unwrap_err().contains("is a folder"));
        assert!(target(Path::new("/dev/null"), &forbidden)
            .unwrap_err()
            .contains("not a regular file"));
        assert!(target(&dir.path().join("nope").join("x.patch"), &forbidden)
            .unwrap_err()
            .contains("does not exist"));
        #[cfg(unix)]
        {
            let link = dir.path().join("sneaky.patch");
            std::os::unix::fs::symlink(connector.join("apiDefinition.swagger.json"), &link).unwrap();
            assert!(target(&link, &forbidden).unwrap_err().contains("inside the connector folder"));
        }
    }

    #[test]
    fn writes_in_place_and_leaves_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("change.patch");
        fs::write(&path, "a much longer old content").unwrap();
        write(&PatchTarget::File(path.clone()), b"new", &mut std::io::sink()).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        let mut out = Vec::new();
        write(&PatchTarget::Stdout, b"to stdout", &mut out).unwrap();
        assert_eq!(out, b"to stdout");
        // A device is refused on the opened file, even when it got past `target`.
        let err = write(&PatchTarget::File("/dev/null".into()), b"x", &mut std::io::sink()).unwrap_err();
        assert!(err.to_string().contains("not a regular file"), "{err}");
    }
}
