//! `connector-publish submit`: from a connector (a folder, or one in a Power Platform
//! environment) to an open pull request against upstream `dev`. `--dry-run` runs every stage up to
//! the plan, prints what would happen, and writes nothing anywhere (blobs go to memory).

use crate::catalog::open::{self as catalog, Freshness};
use crate::catalog::Upstream;
use crate::check::secrets::Masker;
use crate::cli::Exit;
use crate::output::{paint, DIM, ERROR, GOOD, WARNING};
use crate::package::{Category, ConnectorPackage, KnownFile};
use crate::plan::submission::{self, Submission};
use crate::plan::{diff, patch_file};
use crate::publish::{github, pr};
use crate::report::submit::{Context, SubmitReport, ValidationSummary};
use crate::source::environment;
use anyhow::{anyhow, bail, Context as _};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct SubmitOptions {
    pub path: PathBuf,
    /// `--from-environment`: download the connector into a temporary folder first.
    pub from_environment: Option<environment::Request>,
    /// Keep the downloaded folder afterwards (its path is printed).
    pub keep: bool,
    pub category: Option<Category>,
    pub name: Option<String>,
    pub update: Option<String>,
    pub prune: bool,
    pub allow_duplicate: Option<String>,
    pub branch: Option<String>,
    pub title: Option<String>,
    pub author: Option<String>,
    pub dry_run: bool,
    pub patch: Option<PathBuf>,
    pub json: bool,
    pub yes: bool,
    pub force_push: bool,
    pub cache: PathBuf,
    pub upstream: Upstream,
    pub freshness: Freshness,
    /// Put before the default branch name (config `branch-prefix`): `<prefix>/add-x`.
    pub branch_prefix: Option<String>,
    pub github: github::Settings,
    /// Whether stdin and stdout are a terminal (for the confirmation).
    pub interactive: bool,
    /// Generate readme.md from the swagger when the folder has none (asked on a terminal).
    pub generate_readme: bool,
    /// Errors the upstream version already has block too (`--strict`).
    pub strict: bool,
}

/// Source, then the same pipeline for a folder and for a download.
pub fn run(options: &SubmitOptions, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<Exit> {
    // A real run without a GitHub token fails before the slow steps (a dry run needs none).
    let token = github::resolve_token(options.github.token.as_deref());
    if !options.dry_run && token.is_none() {
        bail!("no GitHub token: pass --token, set GH_TOKEN or GITHUB_TOKEN, or sign in with `gh auth login` (a dry run needs none: --dry-run)");
    }
    let Some(request) = &options.from_environment else {
        let package = crate::source::folder(&options.path)?;
        return run_with_patch(options, &options.path, package, token, out, err);
    };
    let downloaded = environment::fetch_to_folder(request, err)?;
    crate::commands::download::print_notes(&downloaded.download, err)?;
    if !options.json {
        let d = &downloaded.download;
        writeln!(
            err,
            "{} downloaded {} ({}) from {}",
            paint(GOOD, "✓"),
            d.display_name,
            d.connector_id,
            d.environment
        )?;
    }
    let package = crate::source::folder(&downloaded.path)?;
    let result = run_with_patch(options, &downloaded.path, package, token, out, err);
    // A run that stopped short keeps the download, to fix and submit without downloading again.
    let stopped = !matches!(result, Ok(Exit::Ok));
    if options.keep || stopped {
        let kept = downloaded.keep();
        writeln!(err, "the downloaded connector is kept in {}", kept.display())?;
        if stopped {
            writeln!(err, "  fix it there, then: connector-publish submit \"{}\"", kept.display())?;
        }
    }
    result
}

/// The folders `--patch` must not write into.
pub fn patch_forbidden<'a>(path: &'a Path, cache: &'a Path) -> [(&'a Path, &'static str); 2] {
    [(path, "the connector folder"), (cache, "the cache folder")]
}

/// With `--patch -` the patch is standard output's, and the report goes to standard error.
fn run_with_patch(
    options: &SubmitOptions,
    path: &Path,
    package: ConnectorPackage,
    token: Option<String>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Exit> {
    if options.patch.as_deref().is_some_and(|p| p.as_os_str() == "-") {
        let mut report = Vec::new();
        let result = pipeline(options, path, package, token, &mut report, err, out);
        err.write_all(&report)?;
        return result;
    }
    pipeline(options, path, package, token, out, err, &mut std::io::sink())
}

/// "nothing was written", true to what `--patch` wrote.
fn nothing_written(options: &SubmitOptions) -> String {
    match options.patch.as_deref() {
        Some(p) if p.as_os_str() == "-" => "nothing was written (the patch went to standard output).".into(),
        Some(p) => format!("nothing was written but the patch, {}.", p.display()),
        None => "nothing was written.".into(),
    }
}

fn pipeline(
    options: &SubmitOptions,
    path: &Path,
    package: ConnectorPackage,
    token: Option<String>,
    out: &mut dyn Write,
    err: &mut dyn Write,
    patch_out: &mut dyn Write,
) -> anyhow::Result<Exit> {
    // Checked before the slow steps (main checks it too, as a usage error).
    let patch_target = options
        .patch
        .as_deref()
        .map(|p| patch_file::target(p, &patch_forbidden(path, &options.cache)))
        .transpose()
        .map_err(|e| anyhow!(e))?;
    let generate_readme = package.file(KnownFile::Readme).is_none() && wants_readme(options, path)?;
    let catalog = catalog::open(&options.cache, &options.upstream, options.freshness)?;
    catalog.print_notices(err)?;
    let repo = catalog.mirror.open()?;
    // A dry run writes its objects to memory only.
    let odb = repo.odb()?;
    let _mempack = if options.dry_run {
        Some(odb.add_new_mempack_backend(1000)?)
    } else {
        None
    };
    let request = submission::Request {
        category: options.category,
        update: options.update.as_deref(),
        name: options.name.as_deref(),
        prune: options.prune,
        allow_duplicate: options.allow_duplicate.as_deref(),
        branch: options.branch.as_deref(),
        branch_prefix: options.branch_prefix.as_deref(),
        generate_readme,
    };
    let base = git2::Oid::from_str(&catalog.index.commit)?;
    let sub = submission::prepare(&request, package, &repo, base, &catalog.index, &options.upstream)?;
    let stop = sub.stop(options.strict, path);
    let (title, body) = pr::for_submission(
        &sub,
        options.title.as_deref(),
        options.allow_duplicate.as_deref(),
        &options.upstream.branch,
    )?;

    // Secrets never leave in what is printed or written (the check stops a real run on them).
    let masker = Masker::for_package(&sub.validation.package);
    let mut patch_masked = 0;
    if let Some(target) = &patch_target {
        let patch = diff::patch(&repo, &sub.plan)?;
        let (patch, masked) = diff::masked_patch(&patch, &masker);
        patch_masked = masked;
        patch_file::write(target, &patch, patch_out)?;
        if masked > 0 && !options.json {
            writeln!(err, "{} {masked} secret(s) masked in {}: the patch no longer applies to your files as they are; remove the secrets and run again", paint(WARNING, "notice:"), target.describe())?;
        }
    }

    // What GitHub can tell without writing: who the token belongs to and whether the fork exists.
    let client = token.map(|t| github::Client::new(&options.github, t)).transpose()?;
    let fork = match &client {
        None => github::ForkState::Unknown("no GitHub token, so the fork was not checked".into()),
        Some(c) => c
            .fork_state(&options.github.upstream_repo)
            .unwrap_or_else(|e| github::ForkState::Unknown(format!("{e:#}"))),
    };
    let mut report = report(
        options,
        path,
        &sub,
        &repo,
        &fork,
        stop.as_ref(),
        &masker,
        (title.as_str(), body.as_str()),
        patch_masked,
    )?;
    if !options.json {
        report.human(out)?;
    }
    if options.dry_run || stop.is_some() {
        if options.json {
            crate::report::write_json(&report, out)?;
        } else if options.dry_run {
            report.dry_run_end(&nothing_written(options), out)?;
        }
        if let (false, Some(stop)) = (options.dry_run, &stop) {
            let style = if stop.exit == Exit::Ok { GOOD } else { ERROR };
            writeln!(err, "{} {}", paint(style, "stopped:"), stop.why)?;
        }
        return Ok(stop.map_or(Exit::Ok, |s| s.exit));
    }
    let client = client.expect("a real run has a token");
    if !confirm(options, &sub, &title, if options.json { err } else { out })? {
        writeln!(err, "Nothing was done.")?;
        return Ok(Exit::Ok);
    }
    if let Some(readme) = &sub.generated_readme {
        write_readme(path, readme, err)?;
    }
    let author = match crate::plan::author(options.author.as_deref()) {
        Ok(a) => a,
        // No --author and no git identity: the GitHub account's.
        Err(_) if options.author.is_none() => {
            let (name, email) = client.identity()?;
            git2::Signature::now(&name, &email)?
        }
        Err(e) => return Err(e),
    };
    let publish = github::PublishRequest {
        upstream_repo: options.github.upstream_repo.clone(),
        base_branch: options.upstream.branch.clone(),
        branch: sub.branch.clone(),
        title,
        body,
        force_push: options.force_push,
        fork_owner: options.github.fork_owner.clone(),
    };
    let outcome = github::publish(&client, &repo, &sub.plan, &publish, &author, &mut |msg| {
        tracing::info!("{msg}");
        if !crate::output::quiet() {
            let _ = writeln!(err, "{}", paint(DIM, msg));
        }
    })?;
    report.pull_request = Some(outcome);
    if options.json {
        crate::report::write_json(&report, out)?;
    } else {
        report.published(out)?;
    }
    Ok(Exit::Ok)
}

/// The report, with secrets masked in the diff, the title and the body.
#[allow(clippy::too_many_arguments)]
fn report<'a>(
    options: &'a SubmitOptions,
    path: &'a Path,
    sub: &'a Submission,
    repo: &git2::Repository,
    fork: &'a github::ForkState,
    stop: Option<&'a submission::Stop>,
    masker: &Masker,
    (title, body): (&str, &str),
    patch_masked: usize,
) -> anyhow::Result<SubmitReport<'a>> {
    let r = &sub.validation.report;
    Ok(SubmitReport {
        dry_run: options.dry_run,
        category: sub.plan.target.category,
        category_reason: &sub.category_reason,
        folder: sub.plan.target.folder(),
        kind: sub.plan.target.kind,
        branch: &sub.branch,
        base_branch: &options.upstream.branch,
        base_commit: sub.plan.base_commit.to_string(),
        fork,
        files: &sub.plan.files,
        excluded: &sub.plan.excluded,
        validation: ValidationSummary {
            errors: r.errors(),
            warnings: r.warnings(),
            blocking: r.blocking(options.strict),
            pre_existing: r.pre_existing(),
            baseline: &r.baseline,
            findings: &r.findings,
        },
        duplicates: &sub.candidates,
        breaking_changes: &sub.breaking,
        diff: diff::file_diffs(repo, &sub.plan, masker)?,
        title: masker.text(title).into_owned(),
        body: masker.text(body).into_owned(),
        patch: options.patch.as_deref(),
        patch_masked,
        would_stop: stop.map(|s| s.why.as_str()),
        pull_request: None,
        context: Context {
            submission: sub,
            stop,
            path,
            strict: options.strict,
            allow_duplicate: options.allow_duplicate.as_deref(),
        },
    })
}

/// `--generate-readme`, or a yes on a terminal.
fn wants_readme(options: &SubmitOptions, path: &Path) -> anyhow::Result<bool> {
    if options.generate_readme {
        return Ok(true);
    }
    if !options.interactive || options.json {
        return Ok(false);
    }
    eprint!(
        "{} has no readme.md. Write one from your swagger (in the repository's template)? [Y/n] ",
        path.display()
    );
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    Ok(!matches!(answer.trim().to_ascii_lowercase().as_str(), "n" | "no"))
}

/// The author's folder gets the readme the pull request carries (never replacing a file).
fn write_readme(folder: &Path, readme: &[u8], err: &mut dyn Write) -> anyhow::Result<()> {
    let path = folder.join("readme.md");
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .with_context(|| format!("creating {}", path.display()))?;
    f.write_all(readme).with_context(|| format!("writing {}", path.display()))?;
    writeln!(
        err,
        "wrote {} (fill in its TODO lines; the pull request can be updated later)",
        path.display()
    )?;
    Ok(())
}

fn confirm(options: &SubmitOptions, sub: &Submission, title: &str, out: &mut dyn Write) -> anyhow::Result<bool> {
    if options.yes {
        return Ok(true);
    }
    if !options.interactive {
        bail!("submit opens a public pull request; confirm with --yes when there is no terminal to ask on (try --dry-run first)");
    }
    write!(
        out,
        "\nPush `{}` to your fork and open \"{title}\" on {}? [y/N] ",
        sub.branch, options.github.upstream_repo
    )?;
    out.flush()?;
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    Ok(matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes"))
}
