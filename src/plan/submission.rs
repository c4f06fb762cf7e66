//! Everything `submit` decides before anything public happens: the checked package (with a
//! generated readme when asked), the target folder, the duplicate verdict, the commit tree on
//! upstream `dev`, the findings the upstream version already had, the breaking-change report, the
//! branch, and whether a real run would stop.

use super::{branch, Kind, Plan, Target};
use crate::catalog::search::{self, Candidate, Query, Verdict};
use crate::catalog::{mirror, Index, Upstream};
use crate::check::{schemas::Schemas, validation, Validation};
use crate::connector::{name, Category, ConnectorPackage, KnownFile};
use anyhow::anyhow;
use std::path::Path;

/// What the author asked for.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub category: Option<Category>,
    /// `certified-connectors/DeepL`: update that folder.
    pub update: Option<String>,
    /// The new folder's name instead of the title's.
    pub name: Option<String>,
    /// Delete upstream files the folder no longer has.
    pub prune: bool,
    /// Submit even when the same API has a connector upstream, and why.
    pub allow_duplicate: Option<String>,
    pub branch: Option<String>,
    /// Put before the default branch name (config `branch-prefix`): `<prefix>/add-x`.
    pub branch_prefix: Option<String>,
    /// Write a readme from the swagger when the package has none.
    pub generate_readme: bool,
    /// `--without-package`: an independent publisher's pull request opens for review before its
    /// certification package is ready (the certification bot then answers "No zip").
    pub without_package: bool,
}

/// The decided submission.
#[derive(Debug)]
pub struct Submission {
    pub validation: Validation,
    pub category_reason: String,
    /// Upstream connectors for the same or a related API, best first.
    pub candidates: Vec<Candidate>,
    /// The duplicate that stops a real run (none with `--allow-duplicate`).
    pub duplicate: Option<Candidate>,
    pub plan: Plan,
    /// For updates: what existing flows would notice.
    pub breaking: Option<Vec<String>>,
    pub branch: String,
    /// `info.title`, else the folder's name.
    pub connector_title: String,
    /// A readme generated because the package had none.
    pub generated_readme: Option<Vec<u8>>,
    /// An independent publisher's certification package, as checked ([`Submission::add_package_check`]).
    pub ip_package: Option<crate::check::IpPackage>,
}

/// Why a real run would stop before anything public happens.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Stop {
    pub kind: StopKind,
    pub why: String,
}

/// What kind of stop it is; the command maps it to an exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StopKind {
    /// Validation found blocking findings.
    Findings,
    /// The same API exists upstream, in an open pull request, or published.
    Duplicate,
    /// Upstream already holds exactly these files.
    NothingToSubmit,
    /// Some open pull requests could not be read, so the duplicate search is incomplete.
    UncheckedPullRequests,
}

/// Decide everything on `base` (the mirrored upstream commit) in `repo`; `generate_readme` is
/// the final word on a missing readme (the request's flag, or the author's answer).
pub fn prepare(
    request: &Request,
    generate_readme: bool,
    package: ConnectorPackage,
    repo: &git2::Repository,
    base: git2::Oid,
    index: &Index,
    upstream: &Upstream,
) -> anyhow::Result<Submission> {
    let update = request.update.as_deref().map(Target::parse_update).transpose()?;
    let category_override = request.category.or(update.as_ref().map(|(c, _)| *c));
    // The repository's schemas as upstream has them now.
    let schemas = Schemas::from_git(repo, base);
    let mut validation = crate::check::validate(package, category_override, &schemas);
    let generated_readme = if generate_readme {
        add_readme(&mut validation, &schemas)?
    } else {
        None
    };
    let category_reason = match (request.category, &update) {
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
        Some(fp) => search::search(index, &Query::Connector(fp.clone(), None), exclude.as_deref(), &|f| {
            upstream.browse_url(f)
        }),
        None => Vec::new(),
    };
    let duplicate = candidates
        .first()
        .filter(|c| c.verdict == Verdict::Duplicate && request.allow_duplicate.is_none())
        .cloned();

    let target = target(request, update, &validation)?;
    let plan = super::build(repo, base, &validation.package, &target, request.prune)?;
    let breaking = against_upstream(repo, &plan, &mut validation, &schemas)?;

    let branch = match &request.branch {
        Some(b) => b.clone(),
        None => branch::default_name(plan.target.kind, &plan.target.folder_name, request.branch_prefix.as_deref()),
    };
    branch::check(&branch).map_err(|e| crate::exit::UsageError(format!("--branch: {e}")))?;
    Ok(Submission {
        validation,
        category_reason,
        candidates,
        duplicate,
        plan,
        breaking,
        branch,
        connector_title,
        generated_readme,
        ip_package: None,
    })
}

/// When the package has no readme: one written from the swagger, added to the package and
/// checked with it.
fn add_readme(validation: &mut Validation, schemas: &Schemas) -> anyhow::Result<Option<Vec<u8>>> {
    if validation.package.file(KnownFile::Readme).is_some() {
        return Ok(None);
    }
    let text = crate::scaffold::readme(
        validation.package.swagger_value(),
        validation.package.json_value(KnownFile::ApiProperties),
        validation.category,
        &validation.package.folder_name().unwrap_or_default(),
    )?;
    validation.add_generated_readme(text.clone().into_bytes(), schemas);
    Ok(Some(text.into_bytes()))
}

/// Where the connector goes: the folder `--update` names, else a new folder named by `--name`
/// or the package.
fn target(request: &Request, update: Option<(Category, String)>, validation: &Validation) -> anyhow::Result<Target> {
    Ok(match update {
        Some((category, folder_name)) => Target {
            category,
            folder_name,
            kind: Kind::Update,
        },
        None => Target {
            category: validation.category,
            folder_name: match request.name.as_deref() {
                Some(n) => name::safe_folder_name(n)?,
                None => validation.default_folder.clone().map_err(|e| anyhow!(e))?,
            },
            kind: Kind::New,
        },
    })
}

/// An update is judged by what it changes: findings the upstream version has are pre-existing,
/// and its swagger (parsed once, for the check) is the breaking report's "before". `None` for a
/// new connector.
fn against_upstream(
    repo: &git2::Repository,
    plan: &Plan,
    validation: &mut Validation,
    schemas: &Schemas,
) -> anyhow::Result<Option<Vec<String>>> {
    if plan.target.kind != Kind::Update {
        return Ok(None);
    }
    let upstream_folder = mirror::folder_files(repo, plan.base_commit, plan.target.category.folder(), &plan.target.folder_name)?;
    let old = upstream_folder.map(|(label, files)| ConnectorPackage::from_files(label, files));
    if let Some(old) = &old {
        let upstream_report = validation::baseline(old, validation.category, schemas);
        validation.report.apply_baseline(
            &upstream_report,
            format!("{} at upstream {}", plan.target.folder(), &plan.base_commit.to_string()[..12]),
        );
    }
    Ok(Some(
        match (
            old.as_ref().and_then(ConnectorPackage::swagger_value),
            validation.package.swagger_value(),
        ) {
            (Some(o), Some(n)) => super::breaking::report(o, n),
            _ => Vec::new(),
        },
    ))
}

impl Submission {
    /// Add candidates found elsewhere (open pull requests, published connectors): ranked with the
    /// upstream ones, and a duplicate among them stops a real run the same way.
    pub fn consider(&mut self, found: Vec<Candidate>, allow_duplicate: bool) {
        if found.is_empty() {
            return;
        }
        self.candidates.extend(found);
        search::rank(&mut self.candidates);
        self.duplicate = self
            .candidates
            .first()
            .filter(|c| c.verdict == Verdict::Duplicate && !allow_duplicate)
            .cloned();
    }

    /// The certification package's check (`certification::bot`, which runs after this stage): its
    /// findings join the folder's, so they stop a real run like any other error, and never count
    /// as pre-existing (the package is new with every submission).
    pub fn add_package_check(&mut self, findings: Vec<crate::check::Finding>, package: Option<crate::check::IpPackage>) {
        self.validation.report.findings.extend(findings);
        self.ip_package = package;
    }

    /// Why a real run would stop here (`path` is the folder, for the command to run next).
    pub fn stop(&self, strict: bool, path: &Path) -> Option<Stop> {
        if self.validation.report.blocking(strict) > 0 {
            let against = if self.validation.report.baseline.is_some() {
                format!(" --against-upstream \"{}\"", self.plan.target.folder())
            } else {
                String::new()
            };
            // The first blocking error, named: what to fix, and what the certification bot says.
            let first = self
                .validation
                .report
                .findings
                .iter()
                .find(|f| f.severity == crate::check::Severity::Error && (strict || !f.pre_existing))
                .map(|f| {
                    let bot = f
                        .bot
                        .map(|b| format!(" (the certification bot answers \"{b}\")"))
                        .unwrap_or_default();
                    format!("; first: [{}] {}: {}{bot}", f.rule, f.file, f.message)
                })
                .unwrap_or_default();
            return Some(Stop {
                kind: StopKind::Findings,
                why: format!(
                    "validation found {}; fix them first (`connector-publish validate {}{against}`){first}",
                    self.validation.report.summary(),
                    path.display()
                ),
            });
        }
        if let Some(dup) = &self.duplicate {
            let why = match &dup.source {
                search::Source::Upstream => format!(
                    "the same API already has a connector upstream, {}: improve it with --update \"{}\", or pass --allow-duplicate \"<why>\"",
                    dup.folder, dup.folder
                ),
                search::Source::OpenPullRequest { .. } => format!(
                    "the same API is already being submitted ({}): review or join it, or pass --allow-duplicate \"<why>\"",
                    dup.label()
                ),
                search::Source::Published { .. } => format!(
                    "the same API is already published in Power Platform ({}), and the pull request template asks you to attest that the connector does not exist there; if yours serves a different API, pass --allow-duplicate \"<why>\"",
                    dup.label()
                ),
            };
            return Some(Stop {
                kind: StopKind::Duplicate,
                why,
            });
        }
        if !self.plan.changed() {
            return Some(Stop {
                kind: StopKind::NothingToSubmit,
                why: format!(
                    "{} upstream already holds exactly these files: there is nothing to submit",
                    self.plan.target.folder()
                ),
            });
        }
        None
    }
}
