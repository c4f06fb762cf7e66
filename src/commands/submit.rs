//! `connector-publish submit`: from a connector folder to an open pull request against upstream
//! `dev`. `--dry-run` runs every stage up to the plan, prints what would happen, and writes
//! nothing anywhere (blobs go to an in-memory object store).

use super::catalog::{self, Freshness};
use super::validate::{self, Validation};
use crate::catalog::search::{self, Candidate, Query, Verdict};
use crate::catalog::Upstream;
use crate::check::Severity;
use crate::cli::exit;
use crate::output::{paint, DIM, EMPHASIS, ERROR, GOOD, HEADER, WARNING};
use crate::package::{name, Category, KnownFile};
use crate::plan::{self, diff, FileChange, Kind, Plan, Target};
use crate::publish::{github, pr};
use anyhow::{anyhow, bail, Context};
use std::io::Write;
use std::path::PathBuf;

/// `--from-environment`: download the connector into a temporary folder first.
#[derive(Debug, Clone)]
pub struct FromEnvironment {
    pub download: super::download::DownloadOptions,
    /// Keep the temporary folder afterwards (its path is printed).
    pub keep: bool,
}

#[derive(Debug, Clone)]
pub struct SubmitOptions {
    pub path: PathBuf,
    pub from_environment: Option<FromEnvironment>,
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
    /// Put before the default branch name (config `branch-prefix`).
    pub branch_prefix: Option<String>,
    pub github: github::Settings,
    /// Whether stdin and stdout are a terminal (for the confirmation).
    pub interactive: bool,
    /// Generate readme.md from the swagger when the folder has none (asked on a terminal).
    pub generate_readme: bool,
    /// Errors the upstream version already has block too (`--strict`).
    pub strict: bool,
}

/// Everything decided before anything public happens.
struct Prepared {
    validation: Validation,
    category_reason: String,
    candidates: Vec<Candidate>,
    duplicate: Option<Candidate>,
    plan: Plan,
    breaking: Option<Vec<String>>,
    title: String,
    body: String,
    branch: String,
    connector_title: String,
    /// A readme generated because the folder had none (written to the folder on a real run).
    generated_readme: Option<Vec<u8>>,
}

/// Why a real run would stop before anything public happens.
fn stop_reason(p: &Prepared, options: &SubmitOptions) -> Option<(i32, String)> {
    if p.validation.report.blocking(options.strict) > 0 {
        let against = if p.validation.report.baseline.is_some() {
            format!(" --against-upstream \"{}\"", p.plan.target.folder())
        } else {
            String::new()
        };
        return Some((
            exit::FINDINGS,
            format!(
                "validation found {}; fix them first (`connector-publish validate {}{against}`)",
                p.validation.report.summary(),
                options.path.display()
            ),
        ));
    }
    if let Some(dup) = &p.duplicate {
        return Some((
            exit::DUPLICATE,
            format!(
                "the same API already has a connector upstream, {}: improve it with --update \"{}\", or pass --allow-duplicate \"<why>\"",
                dup.folder, dup.folder
            ),
        ));
    }
    if !p.plan.changed() {
        return Some((
            exit::OK,
            format!(
                "{} upstream already holds exactly these files: there is nothing to submit",
                p.plan.target.folder()
            ),
        ));
    }
    None
}

/// The branch name: `add-open-brewery-db`, `update-deepl`.
pub fn default_branch(kind: Kind, folder_name: &str) -> String {
    let mut slug = String::new();
    for c in folder_name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_matches('-');
    let slug = if slug.is_empty() { "connector" } else { slug };
    format!("{}-{slug}", if kind == Kind::New { "add" } else { "update" })
}

fn check_branch_name(branch: &str) -> anyhow::Result<()> {
    let ok = !branch.is_empty()
        && !branch.starts_with(['-', '/', '.'])
        && !branch.ends_with(['/', '.'])
        && !branch.contains("..")
        && !branch.contains("//")
        && !branch.ends_with(".lock")
        && branch.chars().all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c));
    if ok {
        Ok(())
    } else {
        bail!("--branch \"{branch}\" is not a usable branch name; use letters, digits, `-`, `_`, `.` and `/`")
    }
}

fn prepare(options: &SubmitOptions, repo: &git2::Repository, head: &str, catalog: &catalog::OpenCatalog) -> anyhow::Result<Prepared> {
    let update = options.update.as_deref().map(Target::parse_update).transpose()?;
    if let (Some((cat, _)), Some(explicit)) = (&update, options.category) {
        if *cat != explicit {
            bail!("--category {explicit} contradicts --update, which is in {}", cat.folder());
        }
    }
    let category_override = options.category.or(update.as_ref().map(|(c, _)| *c));
    let base = git2::Oid::from_str(head)?;
    // The repository's schemas as upstream has them now.
    let schemas = crate::check::schemas::Schemas::from_git(repo, base);
    let mut validation = validate::validate_with(&options.path, category_override, &schemas)?;
    let category = validation.category;
    let mut generated_readme = None;
    if validation.package.file(KnownFile::Readme).is_none() && wants_readme(options)? {
        let swagger = validation
            .package
            .swagger_file()
            .and_then(|f| crate::package::json::parse(&f.bytes).ok())
            .map(|d| d.value);
        let properties = validation
            .package
            .json(KnownFile::ApiProperties)
            .and_then(Result::ok)
            .map(|d| d.value);
        let text = crate::scaffold::readme(
            swagger.as_ref(),
            properties.as_ref(),
            category,
            &validation.package.folder_name().unwrap_or_default(),
        )?;
        validation.package.add_generated("readme.md", text.clone().into_bytes());
        validation.report = crate::check::check_with(&validation.package, category, &schemas);
        generated_readme = Some(text.into_bytes());
    }
    let category_reason = match (options.category, &update) {
        (Some(_), _) => "as you asked (--category)".to_string(),
        (None, Some(_)) => "the folder being updated is there (--update)".to_string(),
        (None, None) => format!("inferred: {}", validation.inference.reason),
    };
    let fingerprint = validation.package.fingerprint().transpose().ok().flatten();
    let connector_title = fingerprint
        .as_ref()
        .and_then(|f| f.title.clone())
        .unwrap_or_else(|| validation.package.folder_name().unwrap_or_default());

    // The duplicate search runs before any file is written.
    let exclude = update.as_ref().map(|(c, f)| format!("{}/{f}", c.folder()));
    let candidates = match &fingerprint {
        Some(fp) => search::search(&catalog.index, &Query::Connector(fp.clone(), None), exclude.as_deref(), &|f| {
            options.upstream.browse_url(f)
        }),
        None => Vec::new(),
    };
    let duplicate = candidates
        .first()
        .filter(|c| c.verdict == Verdict::Duplicate && options.allow_duplicate.is_none())
        .cloned();

    let target = match &update {
        Some((category, folder_name)) => Target {
            category: *category,
            folder_name: folder_name.clone(),
            kind: Kind::Update,
        },
        None => {
            let folder_name = match &options.name {
                Some(n) => name::safe_folder_name(n)?,
                None => validation.default_folder.clone().map_err(|e| anyhow!(e))?,
            };
            Target {
                category,
                folder_name,
                kind: Kind::New,
            }
        }
    };
    let plan = plan::build(repo, base, &validation.package, &target, options.prune)?;
    if plan.target.kind == Kind::Update {
        // Judge an update by what it changes: findings the upstream version has are pre-existing.
        let folder = plan.target.folder();
        if let Some(files) = validate::upstream_files(repo, plan.base_commit, &folder)? {
            let upstream = validate::baseline(files, &folder, category, &schemas);
            validation
                .report
                .apply_baseline(&upstream, format!("{folder} at upstream {}", &plan.base_commit.to_string()[..12]));
        }
    }

    let breaking = if plan.target.kind == Kind::Update {
        let old = old_swagger(repo, &plan)?;
        let new = validation
            .package
            .swagger_file()
            .and_then(|f| crate::package::json::parse(&f.bytes).ok())
            .map(|d| d.value);
        Some(match (old, new) {
            (Some(o), Some(n)) => plan::breaking::report(&o, &n),
            _ => Vec::new(),
        })
    } else {
        None
    };

    let title = options
        .title
        .clone()
        .unwrap_or_else(|| pr::title(&connector_title, plan.target.category, plan.target.kind));
    let duplicates = match candidates.first() {
        None => "no connector upstream serves this API".to_string(),
        Some(c) => format!(
            "{} {} ({})",
            if c.verdict == Verdict::Duplicate {
                "duplicate of"
            } else {
                "closest neighbour, a different API:"
            },
            c.folder,
            c.evidence.join("; ")
        ),
    };
    let checks = pr::Checks {
        connector_title: connector_title.clone(),
        validation: validation.report.summary(),
        duplicates,
        allow_duplicate: options.allow_duplicate.clone(),
        breaking: breaking.clone(),
        base_branch: options.upstream.branch.clone(),
    };
    let body = pr::body(&plan, &checks)?;
    let branch = options
        .branch
        .clone()
        .unwrap_or_else(|| default_branch(plan.target.kind, &plan.target.folder_name));
    check_branch_name(&branch)?;
    Ok(Prepared {
        validation,
        category_reason,
        candidates,
        duplicate,
        plan,
        breaking,
        title,
        body,
        branch,
        connector_title,
        generated_readme,
    })
}

/// `--generate-readme`, or a yes on a terminal.
fn wants_readme(options: &SubmitOptions) -> anyhow::Result<bool> {
    if options.generate_readme {
        return Ok(true);
    }
    if !options.interactive || options.json {
        return Ok(false);
    }
    eprint!(
        "{} has no readme.md. Write one from your swagger (in the repository's template)? [Y/n] ",
        options.path.display()
    );
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    Ok(!matches!(answer.trim().to_ascii_lowercase().as_str(), "n" | "no"))
}

fn old_swagger(repo: &git2::Repository, plan: &Plan) -> anyhow::Result<Option<serde_json::Value>> {
    let tree = repo.find_tree(plan.base_tree)?;
    let Ok(folder) = tree.get_path(std::path::Path::new(&plan.target.folder())) else {
        return Ok(None);
    };
    let folder = repo.find_tree(folder.id())?;
    let entry = folder
        .iter()
        .find(|e| e.name().is_ok_and(|n| KnownFile::from_name(n) == Some(KnownFile::ApiDefinition)));
    Ok(entry
        .and_then(|e| repo.find_blob(e.id()).ok())
        .and_then(|b| crate::package::json::parse(b.content()).ok())
        .map(|d| d.value))
}

pub fn run(options: &SubmitOptions, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<i32> {
    let Some(from) = &options.from_environment else {
        return run_folder(options, github_token(options)?, out, err);
    };
    // Fail on a missing GitHub token before the download, not after it.
    let token = github_token(options)?;
    let download = super::download::fetch(&from.download, &mut std::io::empty(), err)?;
    let folder = tempfile::Builder::new()
        .prefix("connector-publish-download-")
        .tempdir()
        .context("creating a temporary folder for the download")?;
    // The folder is named after the connector so that the default upstream name reads well.
    let path = folder
        .path()
        .join(crate::package::name::safe_folder_name(&download.display_name).unwrap_or_else(|_| download.connector_id.clone()));
    crate::powerplatform::download::write(&path, &download, false)?;
    super::download::print_notes(&download, err)?;
    if !options.json {
        writeln!(
            err,
            "{} downloaded {} ({}) from {}",
            paint(GOOD, "✓"),
            download.display_name,
            download.connector_id,
            download.environment
        )?;
    }
    let folder_options = SubmitOptions {
        path: path.clone(),
        from_environment: None,
        ..options.clone()
    };
    let result = run_folder(&folder_options, token, out, err);
    // When the run stopped short (validation errors, a duplicate, a failure), the download is kept
    // so the author can fix it and submit the folder, instead of downloading it again.
    let stopped = !matches!(result, Ok(exit::OK));
    if from.keep || stopped {
        let kept = folder.keep().join(path.file_name().unwrap_or_default());
        writeln!(err, "the downloaded connector is kept in {}", kept.display())?;
        if stopped {
            writeln!(err, "  fix it there, then: connector-publish submit \"{}\"", kept.display())?;
        }
    }
    result
}

/// The GitHub token, found before the slow steps so that a real run without one fails fast (a dry
/// run needs none).
fn github_token(options: &SubmitOptions) -> anyhow::Result<Option<String>> {
    let token = github::resolve_token(options.github.token.as_deref());
    if !options.dry_run && token.is_none() {
        bail!("no GitHub token: pass --token, set GH_TOKEN or GITHUB_TOKEN, or sign in with `gh auth login` (a dry run needs none: --dry-run)");
    }
    Ok(token)
}

/// The folders `--patch` must not write into.
pub fn patch_forbidden(options: &SubmitOptions) -> [(&std::path::Path, &'static str); 2] {
    [
        (options.path.as_path(), "the connector folder"),
        (options.cache.as_path(), "the cache folder"),
    ]
}

/// With `--patch -` the patch is standard output's, and the report goes to standard error.
fn run_folder(options: &SubmitOptions, token: Option<String>, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<i32> {
    if options.patch.as_deref().is_some_and(|p| p.as_os_str() == "-") {
        let mut report = Vec::new();
        let result = run_folder_to(options, token, &mut report, err, out);
        err.write_all(&report)?;
        return result;
    }
    run_folder_to(options, token, out, err, &mut std::io::sink())
}

/// "nothing was written", true to what `--patch` wrote.
fn nothing_written(options: &SubmitOptions) -> String {
    match options.patch.as_deref() {
        Some(p) if p.as_os_str() == "-" => "nothing was written (the patch went to standard output).".into(),
        Some(p) => format!("nothing was written but the patch, {}.", p.display()),
        None => "nothing was written.".into(),
    }
}

fn run_folder_to(
    options: &SubmitOptions,
    token: Option<String>,
    out: &mut dyn Write,
    err: &mut dyn Write,
    patch_out: &mut dyn Write,
) -> anyhow::Result<i32> {
    // Checked before the slow steps (main checks it too, as a usage error).
    let patch_target = options
        .patch
        .as_deref()
        .map(|p| plan::patch_file::target(p, &patch_forbidden(options)))
        .transpose()
        .map_err(|e| anyhow!(e))?;
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
    let prepared = prepare(options, &repo, &catalog.index.commit, &catalog)?;
    let stop = stop_reason(&prepared, options);

    // Secrets never leave in what is printed or written (the check stops a real run on them).
    let masker = crate::check::secrets::Masker::for_package(&prepared.validation.package);
    let mut patch_masked = 0;
    if let Some(target) = &patch_target {
        let patch = diff::patch(&repo, &prepared.plan)?;
        let (patch, masked) = diff::masked_patch(&patch, &masker);
        patch_masked = masked;
        plan::patch_file::write(target, &patch, patch_out)?;
        if masked > 0 && !options.json {
            writeln!(
                err,
                "{} {masked} secret(s) masked in {}: the patch no longer applies to your files as they are; remove the secrets and run again",
                paint(WARNING, "notice:"),
                target.describe()
            )?;
        }
    }

    // What GitHub can tell without writing: who the token belongs to and whether the fork exists.
    let github = token
        .as_ref()
        .map(|t| github::Client::new(&options.github, t.clone()))
        .transpose()?;
    let fork_state = match &github {
        None => github::ForkState::Unknown("no GitHub token, so the fork was not checked".into()),
        Some(client) => client
            .fork_state(&options.github.upstream_repo)
            .unwrap_or_else(|e| github::ForkState::Unknown(format!("{e:#}"))),
    };

    if options.json {
        let masking = Masking {
            masker: &masker,
            patch_masked,
        };
        print_json(&prepared, options, &repo, &fork_state, stop.as_ref(), &masking, out)?;
    } else {
        print_human(&prepared, options, &repo, &fork_state, &masker, out)?;
    }

    if options.dry_run {
        if !options.json {
            match &stop {
                Some((code, why)) if *code != exit::OK => writeln!(
                    out,
                    "\n{} {} A real run would stop here: {why}.",
                    paint(WARNING, "Dry run:"),
                    nothing_written(options)
                )?,
                Some((_, why)) => writeln!(out, "\n{} {} {why}.", paint(GOOD, "Dry run:"), nothing_written(options))?,
                None => writeln!(
                    out,
                    "\n{} {} A real run would push `{}` and open the pull request.",
                    paint(GOOD, "Dry run:"),
                    nothing_written(options),
                    prepared.branch
                )?,
            }
        }
        return Ok(stop.map_or(exit::OK, |(code, _)| code));
    }
    if let Some((code, why)) = stop {
        writeln!(err, "{} {why}", paint(if code == exit::OK { GOOD } else { ERROR }, "stopped:"))?;
        return Ok(code);
    }
    let client = github.expect("a real run has a token");
    if !confirm(options, &prepared, out)? {
        writeln!(err, "Nothing was done.")?;
        return Ok(exit::OK);
    }
    if let Some(readme) = &prepared.generated_readme {
        // The author's folder gets the readme the pull request carries (never replacing a file).
        let path = options.path.join("readme.md");
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut f) => {
                f.write_all(readme).with_context(|| format!("writing {}", path.display()))?;
                writeln!(
                    err,
                    "wrote {} (fill in its TODO lines; the pull request can be updated later)",
                    path.display()
                )?;
            }
            Err(e) => return Err(e).with_context(|| format!("creating {}", path.display())),
        }
    }
    let author = match plan::author(options.author.as_deref()) {
        Ok(a) => a,
        // No --author and no git identity: the GitHub account's.
        Err(_) if options.author.is_none() => {
            let (name, email) = client.identity()?;
            git2::Signature::now(&name, &email)?
        }
        Err(e) => return Err(e),
    };
    let outcome = github::publish(
        &client,
        &repo,
        &prepared.plan,
        &github::PublishRequest {
            upstream_repo: options.github.upstream_repo.clone(),
            base_branch: options.upstream.branch.clone(),
            branch: prepared.branch.clone(),
            title: prepared.title.clone(),
            body: prepared.body.clone(),
            force_push: options.force_push,
            fork_owner: options.github.fork_owner.clone(),
        },
        &author,
        &mut |msg| {
            tracing::info!("{msg}");
            if !crate::output::quiet() {
                let _ = writeln!(err, "{}", paint(DIM, msg));
            }
        },
    )?;
    if options.json {
        serde_json::to_writer_pretty(&mut *out, &outcome)?;
        writeln!(out)?;
    } else if outcome.existing {
        writeln!(out, "A pull request for `{}` is already open: {}", prepared.branch, outcome.url)?;
    } else {
        writeln!(out, "{} {}", paint(GOOD, "Opened"), outcome.url)?;
        writeln!(
            out,
            "Next: sign the Contributor License Agreement when the CLA bot asks on the pull request (https://cla.microsoft.com)."
        )?;
    }
    Ok(exit::OK)
}

fn confirm(options: &SubmitOptions, p: &Prepared, out: &mut dyn Write) -> anyhow::Result<bool> {
    if options.yes {
        return Ok(true);
    }
    if !options.interactive {
        bail!("submit opens a public pull request; confirm with --yes when there is no terminal to ask on (try --dry-run first)");
    }
    write!(
        out,
        "\nPush `{}` to your fork and open \"{}\" on {}? [y/N] ",
        p.branch, p.title, options.github.upstream_repo
    )?;
    out.flush()?;
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    Ok(matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes"))
}

fn change_mark(change: FileChange) -> &'static str {
    match change {
        FileChange::Added => "+",
        FileChange::Modified => "~",
        FileChange::Deleted => "-",
        FileChange::Unchanged => "=",
    }
}

fn print_human(
    p: &Prepared,
    options: &SubmitOptions,
    repo: &git2::Repository,
    fork: &github::ForkState,
    masker: &crate::check::secrets::Masker,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let report = &p.validation.report;
    let summary_style = if report.blocking(options.strict) > 0 {
        ERROR
    } else if report.findings.iter().any(|f| !f.pre_existing) {
        WARNING
    } else {
        GOOD
    };
    writeln!(out, "{} {}", paint(EMPHASIS, "Validation:"), paint(summary_style, report.summary()))?;
    for f in report.findings.iter().filter(|f| f.severity == Severity::Error && !f.pre_existing) {
        let at = f.position.map(|pos| format!(":{}:{}", pos.line, pos.column)).unwrap_or_default();
        writeln!(out, "  {}{at}: {} [{}]", f.file, f.message, f.rule)?;
    }
    validate::print_pre_existing(report, options.strict, out)?;
    if report.warnings() > 0 {
        writeln!(
            out,
            "  {}",
            paint(DIM, format!("(warnings: `connector-publish validate {}`)", options.path.display()))
        )?;
    }
    writeln!(
        out,
        "{} {} ({})",
        paint(EMPHASIS, "Category:"),
        p.plan.target.category,
        p.category_reason
    )?;
    if let Some(readme) = &p.generated_readme {
        let todos = crate::scaffold::todos(&String::from_utf8_lossy(readme)).len();
        let written = if options.dry_run {
            "not written: dry run"
        } else {
            "written to your folder"
        };
        writeln!(
            out,
            "{} generated from the swagger ({written}); {todos} TODO line(s) to fill in",
            paint(EMPHASIS, "Readme:")
        )?;
    }
    match p.candidates.first() {
        None => writeln!(out, "{} no connector upstream serves this API", paint(EMPHASIS, "Duplicates:"))?,
        Some(c) => {
            let (label, style) = if c.verdict == Verdict::Duplicate {
                ("duplicate", ERROR)
            } else {
                ("related", WARNING)
            };
            writeln!(
                out,
                "{} {} {} ({})",
                paint(EMPHASIS, "Duplicates:"),
                paint(style, label),
                c.folder,
                c.evidence.join("; ")
            )?;
            if c.verdict == Verdict::Duplicate {
                if let Some(reason) = &options.allow_duplicate {
                    writeln!(out, "  proceeding anyway (--allow-duplicate): {reason}")?;
                }
            }
        }
    }
    if let Some(breaking) = &p.breaking {
        if breaking.is_empty() {
            writeln!(out, "{} none found", paint(EMPHASIS, "Breaking changes:"))?;
        } else {
            writeln!(out, "{} {}", paint(EMPHASIS, "Breaking changes:"), paint(WARNING, breaking.len()))?;
            for b in breaking {
                writeln!(out, "  - {b}")?;
            }
        }
    }
    writeln!(out)?;
    writeln!(out, "{}", paint(HEADER, "Plan"))?;
    writeln!(out, "  fork:   {}", fork.describe())?;
    writeln!(
        out,
        "  branch: {} from {} at {}",
        p.branch,
        options.upstream.branch,
        &p.plan.base_commit.to_string()[..12]
    )?;
    writeln!(
        out,
        "  folder: {} ({})",
        p.plan.target.folder(),
        if p.plan.target.kind == Kind::New { "new" } else { "update" }
    )?;
    for f in &p.plan.files {
        let unusual = if f.unusual {
            paint(WARNING, "  (unusual file: check it belongs in the PR)")
        } else {
            String::new()
        };
        writeln!(out, "    {} {:<40} {:>9} bytes{unusual}", change_mark(f.change), f.name, f.size)?;
    }
    for e in &p.plan.excluded {
        writeln!(out, "    {} {:<40} not submitted: {}", paint(DIM, "x"), e.name, e.reason)?;
    }
    writeln!(out)?;
    writeln!(out, "{}", paint(HEADER, "Diff"))?;
    let diffs = diff::file_diffs(repo, &p.plan, masker)?;
    let masked: usize = diffs.iter().map(|d| d.masked).sum();
    if masked > 0 {
        writeln!(
            out,
            "{}",
            paint(WARNING, format!("({masked} secret(s) masked below, shown as prefix…(length))"))
        )?;
    }
    for d in diffs {
        match &d.unified {
            Some(text) => crate::output::write_diff(out, text)?,
            None => match &d.summary {
                Some(summary) => writeln!(out, "{} {} {summary}", paint(EMPHASIS, "~"), d.path)?,
                None => writeln!(
                    out,
                    "{} binary file {} ({} -> {} bytes)",
                    paint(EMPHASIS, "~"),
                    d.path,
                    d.old_size,
                    d.new_size
                )?,
            },
        }
    }
    writeln!(out)?;
    writeln!(out, "{} {}", paint(HEADER, "Pull request:"), masker.text(&p.title))?;
    writeln!(out, "{}", masker.text(&p.body))?;
    let _ = &p.connector_title;
    Ok(())
}

/// What `--json` needs to hide secrets: the masker, and how many it hid in the patch file.
struct Masking<'a> {
    masker: &'a crate::check::secrets::Masker,
    patch_masked: usize,
}

fn print_json(
    p: &Prepared,
    options: &SubmitOptions,
    repo: &git2::Repository,
    fork: &github::ForkState,
    stop: Option<&(i32, String)>,
    masking: &Masking,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let doc = serde_json::json!({
        "dry_run": options.dry_run,
        "category": p.plan.target.category,
        "category_reason": p.category_reason,
        "folder": p.plan.target.folder(),
        "kind": p.plan.target.kind,
        "branch": p.branch,
        "base_branch": options.upstream.branch,
        "base_commit": p.plan.base_commit.to_string(),
        "fork": fork,
        "files": p.plan.files,
        "excluded": p.plan.excluded,
        "validation": {
            "errors": p.validation.report.errors(),
            "warnings": p.validation.report.warnings(),
            "blocking": p.validation.report.blocking(options.strict),
            "pre_existing": p.validation.report.pre_existing(),
            "baseline": p.validation.report.baseline,
            "findings": p.validation.report.findings,
        },
        "duplicates": p.candidates,
        "breaking_changes": p.breaking,
        "diff": diff::file_diffs(repo, &p.plan, masking.masker)?,
        "title": masking.masker.text(&p.title),
        "body": masking.masker.text(&p.body),
        "patch": options.patch,
        "patch_masked": masking.patch_masked,
        "would_stop": stop.map(|(_, why)| why),
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn branch_names() {
        assert_eq!(default_branch(Kind::New, "Open Brewery DB"), "add-open-brewery-db");
        assert_eq!(
            default_branch(Kind::Update, "Brønnøysundregistrene"),
            "update-br-nn-ysundregistrene"
        );
        assert!(check_branch_name("add-deepl").is_ok());
        assert!(check_branch_name("feature/x").is_ok());
        for bad in ["", "-x", "a..b", "a b", "x.lock", "a//b", "/x"] {
            assert!(check_branch_name(bad).is_err(), "{bad}");
        }
    }
}
