//! `connector-publish package`: the certification package for Partner Center, the step after
//! the pull request. `check` runs Microsoft's Package Validator's rules (and compares the
//! connector solution's connector with GitHub's), `intro` writes a starting intro.md, `build`
//! assembles the outer zip and checks it. The Package Deployer package itself is built with
//! .NET tooling (`pac package`), which is out of this tool's scope.

use crate::catalog::open::{self as catalog, Freshness};
use crate::catalog::Upstream;
use crate::certification::{self, archive::Limits, Inspection, Options, Report};
use crate::connector::{ConnectorPackage, KnownFile};
use crate::exit::Exit;
use crate::report::package::{IntroReport, Output, PackageReport};
use anyhow::{anyhow, bail, Context};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// What to compare the connector solution's connector with.
#[derive(Debug, Clone)]
pub enum CompareWith {
    /// `<category folder>/<connector folder>` in the mirror of upstream `dev`.
    Upstream {
        folder: String,
        cache: PathBuf,
        upstream: Upstream,
        freshness: Freshness,
    },
    /// A connector folder on disk.
    Folder(PathBuf),
}

#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub path: PathBuf,
    pub plugin: bool,
    pub compare: Option<CompareWith>,
    pub json: bool,
}

#[derive(Debug, Clone)]
pub struct IntroOptions {
    pub path: PathBuf,
}

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub intro: PathBuf,
    pub package: PathBuf,
    pub output: PathBuf,
    pub force: bool,
    pub plugin: bool,
    pub compare: Option<CompareWith>,
    pub json: bool,
}

/// Largest intro.md taken by `build` (a real one is a few KiB).
const MAX_INTRO_BYTES: u64 = 1 << 20;

use certification::archive::size;

/// Read a file, refusing one bigger than `limit` before reading it.
fn read_capped(path: &Path, limit: u64, what: &str) -> anyhow::Result<Vec<u8>> {
    let file = std::fs::File::open(path).with_context(|| format!("{}: cannot open the {what}", path.display()))?;
    let meta = file.metadata().with_context(|| format!("{}: cannot read", path.display()))?;
    if meta.is_dir() {
        bail!("{} is a folder; give the {what} file", path.display());
    }
    if meta.len() > limit {
        bail!(
            "{} is {}, more than the {} a {what} can reasonably be",
            path.display(),
            size(meta.len()),
            size(limit)
        );
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    if bytes.len() as u64 > limit {
        bail!("{} grew past {} while being read", path.display(), size(limit));
    }
    Ok(bytes)
}

/// The connector folder to compare with, and its label: read before the package, so that a
/// wrong name fails fast.
fn load_comparison(compare: &CompareWith, err: &mut dyn Write, json: bool) -> anyhow::Result<(String, ConnectorPackage)> {
    match compare {
        CompareWith::Folder(path) => {
            let package = crate::source::folder(path)?;
            Ok((path.display().to_string(), package))
        }
        CompareWith::Upstream {
            folder,
            cache,
            upstream,
            freshness,
        } => {
            // A malformed value is a usage error (exit 2), like --update's.
            let (category, folder) =
                crate::plan::Target::parse_folder(folder, "--connector").map_err(|e| crate::exit::UsageError(e.to_string()))?;
            let opened = catalog::open(cache, upstream, *freshness)?;
            if let Some(notice) = &opened.offline_notice {
                if !json {
                    crate::report::write_notice("note:", notice, err)?;
                }
            }
            let repo = opened.mirror.open()?;
            let head = opened
                .mirror
                .head()
                .ok_or_else(|| anyhow!("the mirror has no `{}` branch; run `connector-publish sync`", upstream.branch))?;
            let (label, files) = crate::catalog::mirror::folder_files(&repo, head, category.folder(), &folder)?.ok_or_else(|| {
                anyhow!(
                    "{}/{folder} is not in upstream {} (mirrored {}); find the folder with `connector-publish search`",
                    category.folder(),
                    upstream.branch,
                    catalog::date(opened.commit_time)
                )
            })?;
            Ok((label.clone(), ConnectorPackage::from_files(label, files)))
        }
    }
}

fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Check `bytes` and compare, as `check` and `build` both do.
fn inspect(label: &str, bytes: Vec<u8>, plugin: bool, comparison: Option<&(String, ConnectorPackage)>) -> Inspection {
    let options = Options {
        plugin,
        limits: Limits::default(),
    };
    let mut inspection = certification::check(label, bytes, &options);
    if let Some((folder_label, folder)) = comparison {
        certification::add_comparison(&mut inspection, folder_label, folder);
    }
    inspection
}

pub fn check(options: &CheckOptions, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<Exit> {
    let comparison = options
        .compare
        .as_ref()
        .map(|c| load_comparison(c, err, options.json))
        .transpose()?;
    let bytes = read_capped(&options.path, Limits::default().max_file_bytes, "package zip")?;
    let inspection = inspect(&display_name(&options.path), bytes, options.plugin, comparison.as_ref());
    print(&inspection.report, options.json, None, out)?;
    Ok(if inspection.report.errors() > 0 { Exit::Findings } else { Exit::Ok })
}

pub fn intro(options: &IntroOptions, out: &mut dyn Write) -> anyhow::Result<Exit> {
    let package = crate::source::folder(&options.path)?;
    let target = options.path.join(KnownFile::Intro.canonical_name());
    if let Some(existing) = package.file(KnownFile::Intro) {
        let c = certification::intro::check(&String::from_utf8_lossy(&existing.bytes));
        IntroReport::Kept {
            file: &existing.name,
            missing: &c.missing,
            todo_count: c.todo_count,
        }
        .human(out)?;
        return Ok(Exit::Ok);
    }
    let swagger = package.swagger_value();
    let readme = package
        .file(KnownFile::Readme)
        .map(|f| String::from_utf8_lossy(&f.bytes).into_owned());
    let text = certification::intro::generate(swagger, readme.as_deref());
    match std::fs::OpenOptions::new().write(true).create_new(true).open(&target) {
        Ok(mut f) => f
            .write_all(text.as_bytes())
            .with_context(|| format!("writing {}", target.display()))?,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            IntroReport::Kept {
                file: "intro.md",
                missing: &[],
                todo_count: 0,
            }
            .human(out)?;
            return Ok(Exit::Ok);
        }
        Err(e) => return Err(e).with_context(|| format!("creating {}", target.display())),
    }
    let todo: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains(crate::scaffold::TODO))
        .map(|(i, l)| (i + 1, l))
        .collect();
    IntroReport::Created { path: &target, todo }.human(out)?;
    Ok(Exit::Ok)
}

/// Where `build` may write: not a folder, not a link, not a file unless `--force`.
fn check_output(output: &Path, force: bool) -> anyhow::Result<()> {
    let shown = output.display();
    let text = output.as_os_str().to_string_lossy();
    if text.ends_with('/') || text.ends_with(std::path::MAIN_SEPARATOR) {
        bail!(
            "{shown} names a folder (it ends with a slash); give the certification package's file name, such as {}package.zip",
            text
        );
    }
    match std::fs::symlink_metadata(output) {
        Ok(meta) if meta.file_type().is_symlink() => {
            let target = std::fs::read_link(output).map(|t| t.display().to_string()).unwrap_or_default();
            let dangling = !output.exists();
            bail!(
                "{shown} is a symbolic link{} to {target}; this tool does not write through links: give another path, or remove the link",
                if dangling { " (dangling)" } else { "" }
            );
        }
        Ok(meta) if meta.is_dir() => bail!("{shown} is a folder; give the certification package's file name inside it"),
        Ok(_) if !force => bail!("{shown} exists; pass --force to replace it"),
        _ => Ok(()),
    }
}

/// The Package Deployer package's file name, which must be a .zip's.
fn package_zip_name(path: &Path) -> anyhow::Result<String> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| anyhow!("{}: give the package zip's path", path.display()))?
        .to_string();
    if !name.to_ascii_lowercase().ends_with(".zip") {
        bail!(
            "{}: the Package Deployer package is a .zip (build it with `pac package`)",
            path.display()
        );
    }
    Ok(name)
}

/// The package zip, opened to be streamed: refused when a folder or bigger than `limit`.
fn open_capped(path: &Path, limit: u64) -> anyhow::Result<std::fs::File> {
    let package = std::fs::File::open(path).with_context(|| format!("{}: cannot open the package zip", path.display()))?;
    let meta = package.metadata().with_context(|| format!("{}: cannot read", path.display()))?;
    if meta.is_dir() {
        bail!("{} is a folder; give the package zip file", path.display());
    }
    if meta.len() > limit {
        bail!(
            "{} is {}, more than the {} a package zip can reasonably be",
            path.display(),
            size(meta.len()),
            size(limit)
        );
    }
    Ok(package)
}

/// Put the checked package at `output`: replacing what is there only with `--force`, and never
/// something that appeared there while it was being built.
fn persist(tmp: tempfile::NamedTempFile, output: &Path, force: bool) -> anyhow::Result<()> {
    if force {
        tmp.persist(output)
            .map_err(|e| e.error)
            .with_context(|| format!("writing {}", output.display()))?;
        return Ok(());
    }
    tmp.persist_noclobber(output).map_err(|e| {
        let what = match std::fs::symlink_metadata(output) {
            Ok(m) if m.file_type().is_symlink() => "a symbolic link named so",
            Ok(m) if m.is_dir() => "a folder named so",
            Ok(_) => "a file named so",
            Err(_) => "something",
        };
        anyhow!(
            "{}: {what} appeared while the package was being built ({}); nothing was written: pass --force to replace it, or give another path",
            output.display(),
            e.error
        )
    })?;
    Ok(())
}

pub fn build(options: &BuildOptions, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<Exit> {
    check_output(&options.output, options.force)?;
    let package_name = package_zip_name(&options.package)?;
    let comparison = options
        .compare
        .as_ref()
        .map(|c| load_comparison(c, err, options.json))
        .transpose()?;
    let intro = read_capped(&options.intro, MAX_INTRO_BYTES, "intro.md")?;
    let limit = Limits::default().max_file_bytes - MAX_INTRO_BYTES - (64 << 10);
    let package = open_capped(&options.package, limit)?;
    let dir = match options.output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    // Written straight to a temporary file beside the output, the package streamed into it: the
    // package is never in memory twice. Dropped (deleted) unless the check passes.
    let mut tmp = tempfile::Builder::new()
        .prefix(".connector-publish-package-")
        .tempfile_in(&dir)
        .with_context(|| format!("creating a file in {}", dir.display()))?;
    let copied = certification::build_into(
        std::io::BufWriter::new(tmp.as_file_mut()),
        &intro,
        &package_name,
        &mut (&package).take(limit + 1),
    )
    .with_context(|| format!("writing {}", options.output.display()))?;
    if copied > limit {
        bail!("{} grew past {} while being read", options.package.display(), size(limit));
    }
    drop(package);
    let bytes = read_capped(tmp.path(), Limits::default().max_file_bytes, "certification package")?;
    let written = bytes.len();
    let inspection = inspect(&display_name(&options.output), bytes, options.plugin, comparison.as_ref());
    if inspection.report.errors() > 0 {
        print(&inspection.report, options.json, Some((&options.output, false, written)), out)?;
        return Ok(Exit::Findings);
    }
    tmp.as_file()
        .sync_all()
        .with_context(|| format!("writing {}", options.output.display()))?;
    persist(tmp, &options.output, options.force)?;
    print(&inspection.report, options.json, Some((&options.output, true, written)), out)?;
    Ok(Exit::Ok)
}

/// The report, for people or as JSON. `built`: the output path, whether it was written, its size.
fn print(report: &Report, json: bool, built: Option<(&Path, bool, usize)>, out: &mut dyn Write) -> anyhow::Result<()> {
    let output = built.map(|(path, written, bytes)| Output { path, written, bytes });
    let report = PackageReport::new(report, output);
    if json {
        crate::report::write_json(&report, out).context("writing JSON")
    } else {
        report.human(out)
    }
}

/// `package check`, `intro` and `build` from their flags, the environment and the config file.
pub fn exec(command: crate::cli::PackageCommand, ctx: &super::Context) -> anyhow::Result<Exit> {
    use crate::cli::{PackageCommand, PackageCompareArgs};
    // The flags sit one level deeper than other commands': `package check --upstream`.
    let ctx = ctx.nested();
    let compare = |args: PackageCompareArgs| -> anyhow::Result<Option<CompareWith>> {
        Ok(match (args.connector, args.connector_dir) {
            (Some(folder), _) => Some(CompareWith::Upstream {
                folder,
                cache: ctx.cache()?,
                upstream: ctx.upstream(&args.upstream)?,
                freshness: crate::commands::search::SearchOptions::freshness(args.offline, args.max_age_hours),
            }),
            (None, Some(dir)) => Some(CompareWith::Folder(dir)),
            (None, None) => None,
        })
    };
    let (mut out, mut err) = (crate::output::stdout(), crate::output::stderr());
    match command {
        PackageCommand::Check(args) => {
            let options = CheckOptions {
                path: args.path,
                plugin: args.plugin,
                compare: compare(args.compare)?,
                json: args.json,
            };
            check(&options, &mut out, &mut err)
        }
        PackageCommand::Intro(args) => intro(&IntroOptions { path: args.path }, &mut out),
        PackageCommand::Build(args) => {
            let options = BuildOptions {
                intro: args.intro,
                package: args.package,
                output: args.output,
                force: args.force,
                plugin: args.plugin,
                compare: compare(args.compare)?,
                json: args.json,
            };
            build(&options, &mut out, &mut err)
        }
    }
}
