//! `connector-publish submit`: from a connector (a folder, or one in a Power Platform
//! environment) to an open pull request against upstream `dev`. `--dry-run` runs every stage up to
//! the plan, prints what would happen, and writes nothing anywhere (blobs go to memory).

use crate::catalog::open::{self as catalog, Freshness};
use crate::catalog::published::PublishedOptions;
use crate::catalog::Upstream;
use crate::commands::other_sources::{other_sources, Sources};
use crate::connector::{Category, ConnectorPackage, KnownFile};
use crate::exit::Exit;
use crate::plan::submission::{self, StopKind, Submission};
use crate::plan::{diff, patch_file, Kind};
use crate::publish::{github, pr};
use crate::report;
use crate::report::submit::{Context, SubmitReport};
use crate::source::environment;
use anyhow::{anyhow, bail};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct SubmitOptions {
    pub path: PathBuf,
    /// `--from-environment`: download the connector first (`keep`: keep the download).
    pub from_environment: Option<environment::Request>,
    pub keep: bool,
    /// Category, update, name, prune, allow-duplicate, branch, branch prefix, generate-readme.
    pub request: submission::Request,
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
    pub github: github::Settings,
    /// Where the list of published connectors comes from (when signed in to Power Platform).
    pub published: PublishedOptions,
    /// Whether stdin and stdout are a terminal (to confirm, or ask about a missing readme).
    pub interactive: bool,
    /// `--strict`: errors the upstream version already has block too.
    pub strict: bool,
    /// `--online-validate` (or the config key `online-validate`): Power Platform validates the
    /// swagger before anything public; an error it reports stops the run.
    pub online_validate: bool,
    /// `--allow-unchecked-prs`: a real run goes on when some open pull requests could not be read.
    pub allow_unchecked_prs: bool,
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
        return run_with_patch(
            options,
            Input {
                path: &options.path,
                package,
                token,
            },
            out,
            err,
        );
    };
    let downloaded = environment::fetch_to_folder(request, err)?;
    downloaded.announce(options.json, err)?;
    let package = crate::source::folder(&downloaded.path)?;
    let input = Input {
        path: &downloaded.path,
        package,
        token,
    };
    let result = run_with_patch(options, input, out, err);
    // A run that stopped short keeps the download, to fix and submit without downloading again.
    downloaded.finish(options.keep, !matches!(result, Ok(Exit::Ok)), err)?;
    result
}

/// What the source stage gave: the folder (the author's, or the download), its package, and the
/// GitHub token when there is one.
struct Input<'a> {
    path: &'a Path,
    package: ConnectorPackage,
    token: Option<String>,
}

/// With `--patch -` the patch is standard output's, and the report goes to standard error.
fn run_with_patch(options: &SubmitOptions, input: Input, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<Exit> {
    if options.patch.as_deref().is_some_and(|p| p.as_os_str() == "-") {
        let mut report = Vec::new();
        let result = pipeline(options, input, &mut report, err, out);
        err.write_all(&report)?;
        return result;
    }
    pipeline(options, input, out, err, &mut std::io::sink())
}

fn pipeline(
    options: &SubmitOptions,
    Input { path, package, token }: Input,
    out: &mut dyn Write,
    err: &mut dyn Write,
    patch_out: &mut dyn Write,
) -> anyhow::Result<Exit> {
    // Checked before the slow steps (main checks it too, as a usage error).
    let patch_target = options
        .patch
        .as_deref()
        .map(|p| patch_file::target(p, &[(path, "the connector folder"), (&options.cache, "the cache folder")]))
        .transpose()
        .map_err(|e| anyhow!(e))?;
    let generate_readme = package.file(KnownFile::Readme).is_none() && wants_readme(options, path)?;
    let catalog = catalog::open(&options.cache, &options.upstream, options.freshness)?;
    catalog.print_notices(err)?;
    let repo = catalog.mirror.open()?;
    // A dry run writes its objects to memory only.
    let odb = repo.odb()?;
    let _mempack = options.dry_run.then(|| odb.add_new_mempack_backend(1000)).transpose()?;
    let base = git2::Oid::from_str(&catalog.index.commit)?;
    let mut sub = submission::prepare(
        &options.request,
        generate_readme,
        package,
        &repo,
        base,
        &catalog.index,
        &options.upstream,
    )?;
    // An independent publisher's certification package, checked as the certification bot will.
    let package =
        crate::certification::bot::check_folder(&sub.validation.package, sub.plan.target.category, options.request.without_package);
    sub.add_package_check(package.findings, package.package);
    // Someone may be submitting the same API already, or it may be published without a folder
    // upstream: open pull requests and published connectors stop a run like a duplicate.
    let mut unchecked = None;
    if let Some(fp) = sub.validation.package.fingerprint().and_then(Result::ok) {
        let offline = matches!(options.freshness, Freshness::Offline);
        let allow = options.request.allow_duplicate.is_some();
        let sources = Sources {
            github: &options.github,
            published: &options.published,
            offline,
            cache: &options.cache,
            base_branch: &options.upstream.branch,
        };
        let others = other_sources(&sources, &fp, &catalog.index, err)?;
        sub.consider(others.candidates(), allow);
        unchecked = others.pulls.unchecked();
    }
    // A real run does not open a pull request beside one it could not compare, unless told to.
    let stop = sub.stop(options.strict, path).or_else(|| match &unchecked {
        Some(why) if !options.dry_run && !options.allow_unchecked_prs => Some(submission::Stop {
            kind: StopKind::UncheckedPullRequests,
            why: format!("{why}; run again later, or pass --allow-unchecked-prs to submit without comparing them"),
        }),
        _ => None,
    });
    let online = match options.online_validate {
        true => Some(online_validate(options, &sub, err)?),
        false => None,
    };
    let (title, body) = pr::for_submission_validated(
        &sub,
        options.title.as_deref(),
        options.request.allow_duplicate.as_deref(),
        &options.upstream.branch,
        online.as_ref().map(|o| o.summary()),
    )?;
    if let Some(online) = online.as_ref().filter(|o| o.has_errors()) {
        online.human(err)?;
        report::write_stopped("Power Platform's validator reported errors; nothing was done", false, err)?;
        return Ok(Exit::Findings);
    }

    // Secrets never leave in what is printed or written (the check stops a real run on them).
    // What `source::folder` registered for this package: its secrets are scanned once.
    let masker = crate::secrets::registered();
    let patch_masked = match &patch_target {
        Some(target) => patch_file::write_plan(target, &repo, &sub.plan, &sub.validation.package, &masker, patch_out)?,
        None => 0,
    };
    if let (Some(target), 1.., false) = (&patch_target, patch_masked, options.json) {
        let notice = "the patch no longer applies to your files as they are; remove the secrets and run again";
        let masked = format!("{patch_masked} secret(s) masked in {}: {notice}", target.describe());
        report::write_notice("notice:", masked, err)?;
    }

    // What GitHub can tell without writing: who the token belongs to and whether the fork exists.
    let client = token.map(|t| github::Client::new(&options.github, t)).transpose()?;
    let fork = match &client {
        None => github::ForkState::Unknown("no GitHub token, so the fork was not checked".into()),
        Some(c) => c
            .fork_state(&options.github.upstream_repo, &sub.branch, &options.upstream.branch)
            .unwrap_or_else(|e| github::ForkState::Unknown(format!("{e:#}"))),
    };
    let context = Context {
        submission: &sub,
        stop: stop.as_ref(),
        path,
        strict: options.strict,
        allow_duplicate: options.request.allow_duplicate.as_deref(),
        dry_run: options.dry_run,
        base_branch: &options.upstream.branch,
        patch: options.patch.as_deref(),
    };
    let diff = diff::file_diffs(&repo, &sub.plan, &masker)?;
    let mut report = SubmitReport::new(context, &fork, diff, (&title, &body), &masker, patch_masked);
    // An update of an independent publisher's connector: the certification bot wants it from the
    // account that first submitted it. Said before anything public happens.
    if sub.plan.target.kind == Kind::Update && sub.plan.target.category == Category::IndependentPublisher {
        let account = github::publisher::check(
            client.as_ref(),
            &options.github.upstream_repo,
            &sub.plan.target.folder(),
            &options.cache,
        );
        if account.mismatch && options.json {
            report::write_notice("warning:", &account.message, err)?;
        }
        report.publisher_account = Some(account);
    }
    if !options.json {
        report.human(out)?;
    }
    if options.dry_run || stop.is_some() {
        if options.json {
            crate::report::write_json(&report, out)?;
        } else if options.dry_run {
            report.dry_run_end(out)?;
        }
        if let (false, Some(stop)) = (options.dry_run, &stop) {
            report::write_stopped(&stop.why, stop.kind == StopKind::NothingToSubmit, err)?;
        }
        return Ok(stop.map_or(Exit::Ok, |s| exit_of_stop(s.kind)));
    }
    let client = client.expect("a real run has a token");
    if !confirm(options, &sub, &title, if options.json { err } else { out })? {
        writeln!(err, "Nothing was done.")?;
        return Ok(Exit::Ok);
    }
    if let Some(readme) = &sub.generated_readme {
        // The author's folder gets the readme the pull request carries (never replacing a file).
        let written = path.join("readme.md");
        if !crate::scaffold::create_new(&written, readme)? {
            bail!("{} appeared meanwhile; nothing was pushed: run again", written.display());
        }
        let shown = written.display();
        writeln!(err, "wrote {shown} (fill in its TODO lines; the pull request can be updated later)")?;
    }
    // No --author and no git identity: the GitHub account's.
    let author = crate::plan::author_or(options.author.as_deref(), || client.identity())?;
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
            let _ = report::write_progress(msg, err);
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

/// `--online-validate`: the service's validation of the swagger, before anything public.
fn online_validate(
    options: &SubmitOptions,
    sub: &Submission,
    err: &mut dyn Write,
) -> anyhow::Result<crate::report::deploy::OnlineValidation> {
    let swagger = sub
        .validation
        .package
        .json_value(KnownFile::ApiDefinition)
        .ok_or_else(|| anyhow!("--online-validate: the swagger is not JSON the service can read; fix the validation errors first"))?;
    let online = crate::commands::create::online_validation(
        &options.published.power_platform,
        swagger,
        &sub.validation.report.findings,
        options.json,
    )?;
    if !options.json {
        online.write_validated(err)?;
    }
    Ok(online)
}

/// `--generate-readme`, or a yes on a terminal.
fn wants_readme(options: &SubmitOptions, path: &Path) -> anyhow::Result<bool> {
    if options.request.generate_readme || !options.interactive || options.json {
        return Ok(options.request.generate_readme);
    }
    let question = format!(
        "{} has no readme.md. Write one from your swagger (in the repository's template)?",
        path.display()
    );
    crate::output::ask(&question, true, &mut crate::output::stderr())
}

fn confirm(options: &SubmitOptions, sub: &Submission, title: &str, out: &mut dyn Write) -> anyhow::Result<bool> {
    if options.yes {
        return Ok(true);
    }
    if !options.interactive {
        bail!("submit opens a public pull request; confirm with --yes when there is no terminal to ask on (try --dry-run first)");
    }
    let question = format!(
        "\nPush `{}` to your fork and open \"{title}\" on {}?",
        sub.branch, options.github.upstream_repo
    );
    crate::output::ask(&question, false, out)
}

/// The exit status of a run that stopped before anything public.
fn exit_of_stop(kind: StopKind) -> Exit {
    match kind {
        StopKind::Findings => Exit::Findings,
        StopKind::Duplicate => Exit::Duplicate,
        StopKind::NothingToSubmit => Exit::Ok,
        StopKind::UncheckedPullRequests => Exit::Failure,
    }
}

/// `submit`'s options from its flags, the environment and the config file. Bad values are usage
/// errors (exit 2), found before anything slow starts; what goes public as it is given (folder,
/// branch, title, PR body) holds no secret.
pub fn exec(args: crate::cli::SubmitArgs, ctx: &super::Context) -> anyhow::Result<Exit> {
    use crate::exit::UsageError;
    let category = ctx.category(args.category.as_deref())?;
    if args.patch.is_some() && !args.dry_run {
        return Err(UsageError("--patch needs --dry-run".into()).into());
    }
    let cache = ctx.cache()?;
    check_flags(&args, category, &cache)?;
    let branch_prefix = ctx.branch_prefix();
    if let Some(prefix) = &branch_prefix {
        crate::plan::branch::check_prefix(prefix).map_err(UsageError)?;
    }
    let options = options(args, ctx, category, cache, branch_prefix)?;
    run(&options, &mut crate::output::stdout(), &mut crate::output::stderr())
}

/// The flags' values on their own, before anything is read: where `--patch` may write, no
/// secret in what goes public, safe names, an `--update` that agrees with `--category`, a valid
/// branch and author.
fn check_flags(args: &crate::cli::SubmitArgs, category: Option<Category>, cache: &Path) -> Result<(), crate::exit::UsageError> {
    use crate::exit::UsageError;
    if let Some(patch) = &args.patch {
        // The connector folder (a downloaded one is a fresh temporary folder) and the cache.
        let mut forbidden = vec![(cache, "the cache folder")];
        if args.from_environment.is_none() {
            forbidden.push((args.path.as_path(), "the connector folder"));
        }
        patch_file::target(patch, &forbidden).map_err(UsageError)?;
    }
    for (flag, value) in [
        ("--name", &args.name),
        ("--branch", &args.branch),
        ("--title", &args.title),
        ("--allow-duplicate", &args.allow_duplicate),
        ("--update", &args.update),
    ] {
        if let Some(value) = value {
            crate::secrets::in_argument(flag, value).map_err(UsageError)?;
        }
    }
    if let Some(name) = &args.name {
        crate::connector::name::safe_folder_name(name).map_err(|e| UsageError(format!("--name: {e}")))?;
    }
    if let Some(update) = &args.update {
        let (in_category, _) = crate::plan::Target::parse_update(update).map_err(|e| UsageError(e.to_string()))?;
        if let Some(explicit) = category.filter(|c| *c != in_category) {
            return Err(UsageError(format!(
                "--category {explicit} contradicts --update, which is in {}",
                in_category.folder()
            )));
        }
    }
    if let Some(branch) = &args.branch {
        crate::plan::branch::check(branch).map_err(|e| UsageError(format!("--branch: {e}")))?;
    }
    if let Some(author) = &args.author {
        crate::plan::author_spec(author).map_err(UsageError)?;
    }
    Ok(())
}

/// The options of flags already checked by [`check_flags`].
fn options(
    args: crate::cli::SubmitArgs,
    ctx: &super::Context,
    category: Option<Category>,
    cache: PathBuf,
    branch_prefix: Option<String>,
) -> anyhow::Result<SubmitOptions> {
    let power_platform = ctx.power_platform(&args.power_platform)?;
    // Published connectors are compared in the environment the connector comes from, else in the
    // default one.
    let published = PublishedOptions {
        power_platform: power_platform.clone(),
        environment: args.from_environment.clone(),
        refresh: false,
    };
    let from_environment = match (args.from_environment, args.connector_id) {
        (Some(environment), Some(connector_id)) => Some(environment::Request {
            environment: Some(environment),
            connector_id: Some(connector_id),
            json: args.json,
            interactive: false,
            power_platform,
        }),
        _ => None,
    };
    Ok(SubmitOptions {
        path: args.path,
        from_environment,
        keep: args.keep,
        request: submission::Request {
            category,
            name: args.name,
            update: args.update,
            prune: args.prune,
            allow_duplicate: args.allow_duplicate,
            branch: args.branch,
            branch_prefix,
            generate_readme: args.generate_readme,
            without_package: args.without_package,
        },
        title: args.title,
        author: args.author,
        dry_run: args.dry_run,
        patch: args.patch,
        json: args.json,
        yes: args.yes,
        force_push: args.force_push,
        cache,
        upstream: ctx.upstream(&args.upstream)?,
        freshness: crate::commands::search::SearchOptions::freshness(args.offline, args.max_age_hours),
        github: ctx.github(args.github),
        published,
        interactive: super::context::interactive_stdout(),
        strict: args.strict,
        online_validate: args.online_validate || ctx.config.get("online-validate").is_some_and(|v| v.trim() == "true"),
        allow_unchecked_prs: args.allow_unchecked_prs,
    })
}
