//! The certification package: the zip an author uploads to Partner Center after the pull request
//! is approved. It holds `intro.md` and a Package Deployer package zip, whose one asset folder
//! (`PkgAssets`) holds the solution zips exported from Dataverse: a connector solution, a flow
//! solution and, for an AI plugin, a plugin solution.
//!
//! [`check`] implements every rule of Microsoft's Package Validator
//! (`scripts/ConnectorPackageValidator.ps1`, see [`rules::VALIDATOR`]) on any OS, in memory, with
//! the archive treated as hostile ([`archive`]); [`compare`] goes beyond it, comparing the
//! connector solution's connector with the connector folder on GitHub; [`intro`] checks and
//! writes `intro.md`; [`build`] assembles the outer zip.

pub mod archive;
pub mod bot;
pub mod compare;
pub mod intro;
pub mod rules;
pub mod solution;

use crate::connector::diff::FileDiff;
pub use crate::connector::finding::{Finding, Severity};
use archive::{Archive, ArchiveError, Budget, Entry, Limits};
use compare::SolutionConnector;
use solution::SolutionKind;
use std::io::Write;

/// How a place inside nested archives is written: `package.zip › PkgAssets/C.zip › customizations.xml`.
pub const SEPARATOR: &str = " › ";

/// The conventional asset folder name (Package Deployer's template names it so).
pub const ASSET_FOLDER: &str = "PkgAssets";

/// The files every exported solution has at its root.
pub const SOLUTION_ROOT_FILES: [&str; 3] = ["[Content_Types].xml", "customizations.xml", "solution.xml"];

/// At most this many solution zips are opened (the validator wants two or three).
const MAX_SOLUTIONS: usize = 10;
/// At most this many unsafe entry names are listed one by one.
const MAX_UNSAFE_LISTED: usize = 20;

/// One solution zip of the asset folder.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SolutionSummary {
    pub file: String,
    pub kind: Option<SolutionKind>,
    /// `<name>` of each connector in customizations.xml.
    pub connectors: Vec<String>,
    pub workflows: usize,
}

/// Everything `package check` learned, for human and JSON output.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Report {
    pub package: String,
    pub plugin: bool,
    pub intro: Option<String>,
    pub deployer_package: Option<String>,
    pub asset_folder: Option<String>,
    pub solutions: Vec<SolutionSummary>,
    /// The connector folder the connector solution was compared with.
    pub compared_with: Option<String>,
    /// How the connector solution's connector differs from it.
    pub diff: Vec<FileDiff>,
    /// Never compared with an upstream version, so written without `pre_existing`.
    #[serde(serialize_with = "crate::connector::finding::serialize_without_baseline")]
    pub findings: Vec<Finding>,
    /// Uncompressed bytes read, all levels together (bounded by the limits).
    pub bytes_read: u64,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.findings.iter().filter(|f| f.severity == Severity::Error).count()
    }

    pub fn warnings(&self) -> usize {
        self.findings.iter().filter(|f| f.severity == Severity::Warning).count()
    }

    fn add(&mut self, rule: &'static str, file: impl Into<String>, message: impl Into<String>, fix: impl Into<String>) {
        let severity = rules::rule_by_id(rule).severity;
        self.findings
            .push(Finding::at(rule, severity, file.into(), message.into(), fix.into()));
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// The connector has an AI plugin: three solutions instead of two.
    pub plugin: bool,
    pub limits: Limits,
}

/// The outcome of reading a package: the report, and what later steps compare.
#[derive(Debug, Clone, Default)]
pub struct Inspection {
    pub report: Report,
    /// The connector of the connector solution, when there is one.
    pub connector: Option<SolutionConnector>,
}

/// A place inside nested archives, each name cut to what a message can show.
fn place(parts: &[&str]) -> String {
    parts.iter().map(|p| archive::shown(p)).collect::<Vec<_>>().join(SEPARATOR)
}

/// At most this many names are listed in one message.
const NAMES_LISTED: usize = 10;

fn has_extension(name: &str, ext: &str) -> bool {
    name.rsplit_once('.')
        .is_some_and(|(stem, e)| !stem.is_empty() && e.eq_ignore_ascii_case(ext))
}

fn file_name(entry: &Entry) -> &str {
    entry.name.trim_end_matches('/').rsplit('/').next().unwrap_or(&entry.name)
}

/// Names for a message: the first [`NAMES_LISTED`], each cut, then how many more.
fn list(names: &[String]) -> String {
    let mut out = names
        .iter()
        .take(NAMES_LISTED)
        .map(|n| format!("`{}`", archive::shown(n)))
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > NAMES_LISTED {
        out.push_str(&format!(" and {} more", names.len() - NAMES_LISTED));
    }
    out
}

/// An archive error as a finding.
fn archive_finding(report: &mut Report, at: &str, e: &ArchiveError, not_zip_rule: &'static str, what: &str) {
    match e {
        ArchiveError::NotZip(reason) => report.add(
            not_zip_rule,
            at,
            format!("{what} cannot be read as a zip archive ({reason})"),
            "export it again, or zip it again with a standard tool; do not rename another format to .zip",
        ),
        other => report.add(
            "archive-limits",
            at,
            format!("{other}; the archive was not read further"),
            "a certification package is a few MiB: rebuild it from the exported solutions (never nest archives deeper than the package defines)",
        ),
    }
}

/// Report every entry whose name leaves the archive; such entries are never read.
fn unsafe_names(report: &mut Report, at: &str, archive: &Archive) {
    let bad: Vec<&Entry> = archive.entries.iter().filter(|e| e.unsafe_reason.is_some()).collect();
    for e in bad.iter().take(MAX_UNSAFE_LISTED) {
        let reason = e.unsafe_reason.unwrap_or_default();
        let link = reason.contains("symbolic link");
        report.add(
            "archive-unsafe-name",
            place(&[at, &e.name.escape_debug().to_string()]),
            if link {
                format!("the entry cannot be used: {reason}, not a file")
            } else {
                format!("the entry name cannot be used: {reason}")
            },
            if link {
                "put the file itself in the archive: a link would point outside it, and this check never follows one"
            } else {
                "remove the entry: extracting it would write outside the folder (this check never extracts anything)"
            },
        );
    }
    if bad.len() > MAX_UNSAFE_LISTED {
        report.add(
            "archive-unsafe-name",
            at,
            format!("{} more entries with unusable names", bad.len() - MAX_UNSAFE_LISTED),
            "rebuild the archive from the exported solutions",
        );
    }
}

/// Check the package zip `bytes` (named `label` in messages) against the validator's rules and
/// the intro template. Reads in memory only, within `options.limits`.
pub fn check(label: &str, bytes: Vec<u8>, options: &Options) -> Inspection {
    let mut walk = Walk {
        report: Report {
            package: label.to_string(),
            plugin: options.plugin,
            ..Default::default()
        },
        connector: None,
        options,
        budget: Budget::new(options.limits),
    };
    walk.outer(label, bytes);
    walk.report.bytes_read = walk.budget.used();
    Inspection {
        report: walk.report,
        connector: walk.connector,
    }
}

/// What the walk down the nested archives shares: the report it fills, the connector solution's
/// connector once one is read, the options, and the budget every read takes from.
struct Walk<'a> {
    report: Report,
    connector: Option<SolutionConnector>,
    options: &'a Options,
    budget: Budget,
}

impl Walk<'_> {
    /// Level 1: the outer zip, with one Markdown file and one zip, no folder.
    fn outer(&mut self, label: &str, bytes: Vec<u8>) {
        if self.too_large(label, bytes.len() as u64) {
            return;
        }
        let mut outer = match Archive::open(bytes, &self.options.limits) {
            Ok(a) => a,
            Err(e) => return archive_finding(&mut self.report, label, &e, "package-not-zip", "the file"),
        };
        unsafe_names(&mut self.report, label, &outer);
        outer_folders(&mut self.report, label, &outer);
        let root = RootFiles::of(&outer);
        root.judge(&mut self.report, label);
        if let [(index, name)] = root.markdown.as_slice() {
            self.intro(&mut outer, label, *index, name);
        }
        let [(index, name)] = root.zips.as_slice() else { return };
        self.deployer_package(outer, label, *index, name);
    }

    /// A file over the limit is not opened at all.
    fn too_large(&mut self, label: &str, len: u64) -> bool {
        let max = self.options.limits.max_file_bytes;
        if len <= max {
            return false;
        }
        self.report.add(
            "archive-limits",
            label,
            format!(
                "the file is {}, more than the {} a package can reasonably be",
                archive::size(len),
                archive::size(max)
            ),
            "a certification package is a few MiB: rebuild it from the exported solutions",
        );
        true
    }

    /// The one Markdown file: its name, and its text, judged a block at a time as it streams
    /// (never held whole).
    fn intro(&mut self, outer: &mut Archive, label: &str, index: usize, name: &str) {
        self.report.intro = Some(name.to_string());
        let at = place(&[label, name]);
        if !name.eq_ignore_ascii_case("intro.md") {
            self.report.add(
                "intro-name",
                &at,
                format!("the Markdown file is named `{name}`"),
                "name it intro.md",
            );
        }
        match outer.read_with(index, &mut self.budget, |r| intro::check_reader(r)) {
            Ok(c) => check_intro(&mut self.report, &at, c),
            Err(e) => archive_finding(&mut self.report, &at, &e, "package-not-zip", "intro.md"),
        }
    }

    /// The one zip, the Package Deployer package: read, then inspected.
    fn deployer_package(&mut self, outer: Archive, label: &str, index: usize, name: &str) {
        self.report.deployer_package = Some(name.to_string());
        let at = place(&[label, name]);
        // A stored package zip (as `package build` writes it) is cut out of the outer zip's buffer
        // rather than copied: one copy of the largest part in memory, not two.
        let read = match outer.into_stored(index, &mut self.budget) {
            Ok(taken) => taken,
            Err(mut outer) => outer.read(index, &mut self.budget),
        };
        match read {
            Ok(bytes) => self.package(&at, bytes),
            Err(e) => archive_finding(&mut self.report, &at, &e, "package-zip-not-zip", "the package zip"),
        }
    }

    /// Level 2 and 3: the Package Deployer package and its asset folder.
    fn package(&mut self, at: &str, bytes: Vec<u8>) {
        let mut package = match Archive::open(bytes, &self.options.limits) {
            Ok(a) => a,
            Err(e) => return archive_finding(&mut self.report, at, &e, "package-zip-not-zip", "the package zip"),
        };
        unsafe_names(&mut self.report, at, &package);
        let Some(asset) = asset_folder(&mut self.report, at, &package) else {
            return;
        };
        self.report.asset_folder = Some(asset.clone());
        let asset_at = place(&[at, &asset]);
        asset_folder_shape(&mut self.report, &asset_at, &asset, &package);
        let solutions: Vec<(usize, String)> = package
            .files_in(&asset)
            .into_iter()
            .filter(|e| has_extension(&e.name, "zip"))
            .map(|e| (e.index, file_name(e).to_string()))
            .collect();
        solution_count(&mut self.report, &asset_at, &solutions, self.options.plugin);
        let kinds = self.solutions(&mut package, at, &asset, solutions);
        missing_kinds(&mut self.report, &asset_at, &kinds, self.options.plugin);
    }

    /// Level 4, the first [`MAX_SOLUTIONS`] solution zips: their kinds; the first connector
    /// solution's connector is kept.
    fn solutions(&mut self, package: &mut Archive, at: &str, asset: &str, solutions: Vec<(usize, String)>) -> Vec<SolutionKind> {
        let mut kinds = Vec::new();
        for (index, name) in solutions.into_iter().take(MAX_SOLUTIONS) {
            let sol_at = place(&[at, &format!("{asset}/{name}")]);
            let bytes = match package.read(index, &mut self.budget) {
                Ok(b) => b,
                Err(e) => {
                    archive_finding(&mut self.report, &sol_at, &e, "solution-not-zip", "the solution zip");
                    continue;
                }
            };
            if let Some((kind, found)) = self.solution(&sol_at, bytes) {
                if kind == SolutionKind::Connector && self.connector.is_none() {
                    self.connector = found;
                }
                kinds.push(kind);
            }
        }
        kinds
    }

    /// Level 4: one solution zip. Returns its kind, and for a connector solution its connector.
    fn solution(&mut self, at: &str, bytes: Vec<u8>) -> Option<(SolutionKind, Option<SolutionConnector>)> {
        let mut sol = match Archive::open(bytes, &self.options.limits) {
            Ok(a) => a,
            Err(e) => {
                archive_finding(&mut self.report, at, &e, "solution-not-zip", "the solution zip");
                return None;
            }
        };
        unsafe_names(&mut self.report, at, &sol);
        let file_label = at.rsplit(SEPARATOR).next().unwrap_or(at).to_string();
        let mut summary = SolutionSummary {
            file: file_label,
            kind: None,
            connectors: Vec::new(),
            workflows: 0,
        };
        solution_root_files(&mut self.report, at, &sol);
        let Some(c) = self.customizations(&mut sol, at) else {
            self.report.solutions.push(summary);
            return None;
        };
        summary.connectors = c.connectors.iter().filter_map(|k| k.name.clone()).collect();
        summary.workflows = c.workflows;
        solution_folders(&mut self.report, at, &sol, &c, self.options.plugin);
        let kind = c.kind(self.options.plugin);
        summary.kind = kind;
        if kind.is_none() {
            unclassified(&mut self.report, &place(&[at, "customizations.xml"]), &c, self.options.plugin);
        }
        let found = (kind == Some(SolutionKind::Connector)).then(|| read_connector(&mut self.report, at, &mut sol, &c, &mut self.budget));
        self.report.solutions.push(summary);
        kind.map(|k| (k, found.flatten()))
    }

    /// The solution's customizations.xml, parsed; `None` when there is none (the root files'
    /// finding says so) or, with a finding, when it cannot be read or parsed.
    fn customizations(&mut self, sol: &mut Archive, at: &str) -> Option<solution::Customizations> {
        let customizations = sol.find("customizations.xml").map(|e| e.index)?;
        let xml_at = place(&[at, "customizations.xml"]);
        // Counted as it streams first: a file with millions of attributes is refused before it is
        // held whole or parsed. (Err(Ok(_)): the archive's limits; Err(Err((_, counted))): the XML's.)
        let parsed = match sol.read_with(customizations, &mut self.budget, |r| solution::prescan(r)) {
            Ok(Ok(())) => match sol.read(customizations, &mut self.budget) {
                Ok(bytes) => solution::parse_customizations(&bytes).map_err(|e| Err((e, false))),
                Err(e) => Err(Ok(e)),
            },
            Ok(Err(e)) => Err(Err((e, true))),
            Err(e) => Err(Ok(e)),
        };
        match parsed {
            Ok(c) => Some(c),
            Err(Ok(e)) => {
                archive_finding(&mut self.report, &xml_at, &e, "solution-not-zip", "customizations.xml");
                None
            }
            Err(Err((e, counted))) => {
                self.report.findings.push(Finding {
                    position: e.position,
                    ..Finding::at(
                        "solution-customizations",
                        rules::rule_by_id("solution-customizations").severity,
                        xml_at,
                        if counted {
                            format!("customizations.xml was not parsed: {}", e.message)
                        } else {
                            format!("customizations.xml is not well-formed XML: {}", e.message)
                        },
                        "export the solution again from Dataverse; do not edit customizations.xml by hand".into(),
                    )
                });
                None
            }
        }
    }
}

/// The outer zip holds no folder (macOS Finder adds `__MACOSX`).
fn outer_folders(report: &mut Report, label: &str, outer: &Archive) {
    let folders = outer.root_folders();
    if folders.is_empty() {
        return;
    }
    let mac = folders.iter().any(|f| f == "__MACOSX");
    report.add(
        "outer-folders",
        label,
        format!("the zip holds {} {}; it must hold no folder", if folders.len() == 1 { "the folder" } else { "the folders" }, list(&folders)),
        if mac {
            "remove `__MACOSX` (macOS Finder adds it) and any other folder: zip intro.md and the package zip themselves, or use `connector-publish package build`"
        } else {
            "zip intro.md and the package zip themselves, not a folder holding them (or use `connector-publish package build`)"
        },
    );
}

/// The files at the outer zip's root, by what they are: (index, name).
struct RootFiles {
    markdown: Vec<(usize, String)>,
    zips: Vec<(usize, String)>,
    others: Vec<String>,
}

impl RootFiles {
    fn of(outer: &Archive) -> RootFiles {
        let root_files: Vec<(usize, String)> = outer.root_files().iter().map(|e| (e.index, e.name.clone())).collect();
        let of_kind = |ext: &str| -> Vec<(usize, String)> { root_files.iter().filter(|(_, n)| has_extension(n, ext)).cloned().collect() };
        RootFiles {
            markdown: of_kind("md"),
            zips: of_kind("zip"),
            others: root_files
                .iter()
                .filter(|(_, n)| !has_extension(n, "md") && !has_extension(n, "zip"))
                .map(|(_, n)| n.clone())
                .collect(),
        }
    }

    /// Exactly one Markdown file and one zip, nothing else.
    fn judge(&self, report: &mut Report, label: &str) {
        let names = |files: &[(usize, String)]| list(&files.iter().map(|(_, n)| n.clone()).collect::<Vec<_>>());
        match self.markdown.len() {
            0 => report.add(
                "outer-intro",
                label,
                "the zip holds no intro.md",
                "add intro.md beside the package zip (`connector-publish package intro <connector folder>` writes a starting one)",
            ),
            1 => {}
            n => report.add(
                "outer-intro",
                label,
                format!(
                    "the zip holds {n} Markdown files ({}); it must hold exactly one, intro.md",
                    names(&self.markdown)
                ),
                "keep intro.md and remove the others",
            ),
        }
        match self.zips.len() {
            0 => report.add(
                "outer-package-zip",
                label,
                "the zip holds no package zip",
                "add the Package Deployer package zip (built with `pac package`) beside intro.md",
            ),
            1 => {}
            n => report.add(
                "outer-package-zip",
                label,
                format!(
                    "the zip holds {n} zip files ({}); it must hold exactly one, the Package Deployer package",
                    names(&self.zips)
                ),
                "keep the package zip only: the solution zips go inside it, in its PkgAssets folder",
            ),
        }
        if !self.others.is_empty() {
            report.add(
                "outer-extra-files",
                label,
                format!("the zip also holds {}", list(&self.others)),
                "the package holds intro.md and the package zip only: remove the other files",
            );
        }
    }
}

fn check_intro(report: &mut Report, at: &str, c: intro::IntroCheck) {
    if c.empty {
        report.add(
            "intro-empty",
            at,
            "intro.md is empty",
            "write the connector's introduction (`connector-publish package intro <connector folder>` writes a starting one)",
        );
        return;
    }
    for section in c.missing {
        report.add(
            "intro-section",
            at,
            format!("intro.md has no \"{section}\" section"),
            format!("add a `## {section}` section (Microsoft's intro template)"),
        );
    }
    if let Some(line) = c.todo_lines.first() {
        report.add(
            "intro-todo",
            format!("{at}:{line}"),
            format!("intro.md still holds {} `TODO:` placeholder(s)", c.todo_count),
            "replace every TODO: line with the real text",
        );
    }
}

/// The package zip's one folder, the asset folder; `None` (with a finding) when there is not
/// exactly one.
fn asset_folder(report: &mut Report, at: &str, package: &Archive) -> Option<String> {
    match package.root_folders().as_slice() {
        [] => {
            report.add(
                "package-asset-folder",
                at,
                "the package zip holds no folder; it must hold one, ideally named PkgAssets, with the solution zips",
                "build the package with `pac package` and put the solution zips in its PkgAssets folder",
            );
            None
        }
        [one] => Some(one.clone()),
        many => {
            report.add(
                "package-asset-folder",
                at,
                format!(
                    "the package zip holds {} folders ({}); it must hold exactly one, PkgAssets",
                    many.len(),
                    list(many)
                ),
                "keep PkgAssets, with the solution zips in it, and remove the other folders",
            );
            None
        }
    }
}

/// The asset folder is named `PkgAssets` and holds no folder.
fn asset_folder_shape(report: &mut Report, asset_at: &str, asset: &str, package: &Archive) {
    if asset != ASSET_FOLDER {
        report.add(
            "asset-folder-name",
            asset_at,
            format!("the asset folder is named `{asset}`"),
            format!("name it `{ASSET_FOLDER}` (with this casing), as Package Deployer's template does"),
        );
    }
    let subfolders = package.folders_in(asset);
    if !subfolders.is_empty() {
        report.add(
            "assets-subfolders",
            asset_at,
            format!(
                "the asset folder holds {} {}",
                if subfolders.len() == 1 { "the folder" } else { "the folders" },
                list(&subfolders)
            ),
            "the asset folder holds the solution zips only: remove its folders",
        );
    }
}

/// The asset folder holds two solution zips, or three for an AI plugin.
fn solution_count(report: &mut Report, asset_at: &str, solutions: &[(usize, String)], plugin: bool) {
    let expected = if plugin { 3 } else { 2 };
    if solutions.len() == expected {
        return;
    }
    let what = if plugin {
        "three solution zips: the connector, the flow and the AI plugin solution"
    } else {
        "two solution zips: the connector solution and the flow solution"
    };
    report.add(
        "assets-solution-count",
        asset_at,
        format!(
            "the asset folder holds {} solution zip{}{}; it must hold {what}",
            solutions.len(),
            if solutions.len() == 1 { "" } else { "s" },
            if solutions.is_empty() {
                String::new()
            } else {
                format!(" ({})", list(&solutions.iter().map(|(_, n)| n.clone()).collect::<Vec<_>>()))
            }
        ),
        if plugin {
            "export the three solutions from Dataverse and put their zips in the asset folder"
        } else if solutions.len() > 2 {
            "keep the connector and the flow solution zips only (an AI plugin package? check it with --plugin)"
        } else {
            "export both solutions from Dataverse and put their zips in the asset folder"
        },
    );
}

/// A connector solution and a flow solution, and an AI plugin solution for a plugin, among the
/// solutions' `kinds`.
fn missing_kinds(report: &mut Report, asset_at: &str, kinds: &[SolutionKind], plugin: bool) {
    if !kinds.contains(&SolutionKind::Connector) {
        report.add(
            "connector-solution-missing",
            asset_at,
            "no connector solution: none of the solutions has connectors only (a Connector folder and nothing else)",
            "create a solution holding the connector alone, export it, and put its zip in the asset folder",
        );
    }
    if !kinds.contains(&SolutionKind::Flow) {
        report.add(
            "flow-solution-missing",
            asset_at,
            "no flow solution: none of the solutions has both connectors and workflows (Connector and Workflows folders)",
            "create a solution holding the connector and at least one flow that uses it, export it, and put its zip in the asset folder",
        );
    }
    if plugin && !kinds.contains(&SolutionKind::AiPlugin) {
        report.add(
            "plugin-solution-missing",
            asset_at,
            "no AI plugin solution: none of the solutions has a connector and an AI plugin (Connector, aiplugins and aipluginoperations folders)",
            "create a solution holding the connector and its AI plugin, export it, and put its zip in the asset folder",
        );
    }
}

/// The files every exported solution has at its root ([`SOLUTION_ROOT_FILES`]).
fn solution_root_files(report: &mut Report, at: &str, sol: &Archive) {
    let root: Vec<String> = sol.root_files().iter().map(|e| e.name.clone()).collect();
    let missing: Vec<String> = SOLUTION_ROOT_FILES
        .iter()
        .filter(|f| !root.iter().any(|r| r.eq_ignore_ascii_case(f)))
        .map(|f| f.to_string())
        .collect();
    if !missing.is_empty() {
        report.add(
            "solution-root-files",
            at,
            format!("the solution zip lacks {} at its root", list(&missing)),
            "export the solution again from Dataverse: an exported solution always has [Content_Types].xml, customizations.xml and solution.xml, and they must not be moved or removed",
        );
    }
}

/// The folders of what customizations.xml declares: a connector, workflows, an AI plugin.
fn solution_folders(report: &mut Report, at: &str, sol: &Archive, c: &solution::Customizations, plugin: bool) {
    let folders = sol.root_folders();
    let has = |name: &str| folders.iter().any(|f| f.eq_ignore_ascii_case(name));
    let missing_folders = |names: &[&str]| -> Vec<String> { names.iter().filter(|n| !has(n)).map(|n| n.to_string()).collect() };
    let export_again =
        "the folders match customizations.xml in an exported solution: export the solution again rather than editing the zip";
    if c.has_connector {
        let gone = missing_folders(&["Connector"]);
        if !gone.is_empty() {
            report.add(
                "solution-connector-folder",
                at,
                "customizations.xml declares a connector but the solution zip has no Connector folder",
                export_again,
            );
        }
    }
    if c.has_workflows {
        let gone = missing_folders(&["Connector", "Workflows"]);
        if !gone.is_empty() {
            report.add(
                "solution-workflows-folder",
                at,
                format!(
                    "customizations.xml declares workflows but the solution zip lacks the {} folder(s)",
                    list(&gone)
                ),
                export_again,
            );
        }
    }
    if plugin && c.has_ai_plugin {
        let gone = missing_folders(&["Connector", "aiplugins", "aipluginoperations"]);
        if !gone.is_empty() {
            report.add(
                "solution-plugin-folders",
                at,
                format!(
                    "customizations.xml declares an AI plugin but the solution zip lacks the {} folder(s)",
                    list(&gone)
                ),
                export_again,
            );
        }
    }
}

/// A solution that is none of the kinds, and what it holds.
fn unclassified(report: &mut Report, xml_at: &str, c: &solution::Customizations, plugin: bool) {
    let has_plugin = c.has_ai_plugin && !plugin;
    report.add(
        "solution-unclassified",
        xml_at,
        format!(
            "the solution is none of a connector, flow or AI plugin solution (connectors: {}, workflows: {}, AI plugin: {})",
            if c.has_connector { "yes" } else { "no" },
            if c.has_workflows { "yes" } else { "no" },
            if c.has_ai_plugin { "yes" } else { "no" },
        ),
        if has_plugin {
            "it holds an AI plugin: check the package with --plugin"
        } else {
            "every solution holds the connector: add it to the solution and export it again"
        },
    );
}

/// The connector's files named by its `<Connector>` element (or, failing that, found by their
/// Dataverse suffix under `Connector/`).
fn read_connector(
    report: &mut Report,
    at: &str,
    sol: &mut Archive,
    c: &solution::Customizations,
    budget: &mut Budget,
) -> Option<SolutionConnector> {
    let element = c.connectors.first()?;
    let mut out = SolutionConnector {
        name: element.name.clone(),
        ..Default::default()
    };
    let by_suffix = |sol: &Archive, suffix: &str| -> Option<String> {
        let hits: Vec<&Entry> = sol
            .files_in("Connector")
            .into_iter()
            .filter(|e| {
                let n = file_name(e).to_ascii_lowercase();
                n.ends_with(suffix) && element.name.as_deref().is_none_or(|name| n.starts_with(&name.to_ascii_lowercase()))
            })
            .collect();
        (hits.len() == 1).then(|| hits[0].name.clone())
    };
    let wanted = [
        (element.openapi_definition.clone(), "_openapidefinition.json", 0),
        (element.connection_parameters.clone(), "_connectionparameters.json", 1),
        (element.connection_parameter_sets.clone(), "_connectionparametersets.json", 2),
    ];
    for (declared, suffix, slot) in wanted {
        let path = declared.clone().or_else(|| by_suffix(sol, suffix));
        let Some(path) = path else { continue };
        let Some(index) = sol.find(&path).map(|e| e.index) else {
            if declared.is_some() {
                report.add(
                    "solution-connector-files",
                    place(&[at, "customizations.xml"]),
                    format!("customizations.xml names `{path}`, which the solution zip does not hold"),
                    "export the solution again from Dataverse",
                );
            }
            continue;
        };
        let file_at = place(&[at, path.trim_start_matches('/')]);
        match sol.read(index, budget) {
            Ok(bytes) => {
                let value = Some((file_at, bytes));
                match slot {
                    0 => out.swagger = value,
                    1 => out.connection_parameters = value,
                    _ => out.connection_parameter_sets = value,
                }
            }
            Err(e) => archive_finding(report, &file_at, &e, "solution-not-zip", "the connector file"),
        }
    }
    Some(out)
}

/// Add the comparison of the connector solution's connector with `folder` to the report.
pub fn add_comparison(inspection: &mut Inspection, folder_label: &str, folder: &crate::connector::ConnectorPackage) {
    let report = &mut inspection.report;
    report.compared_with = Some(folder_label.to_string());
    let Some(connector) = &inspection.connector else {
        if report.solutions.iter().any(|s| s.kind == Some(SolutionKind::Connector)) {
            report.add(
                "connector-compare",
                report.package.clone(),
                "the connector solution's connector could not be read, so it was not compared",
                "export the connector solution again from Dataverse",
            );
        }
        return;
    };
    let comparison = compare::compare(connector, folder_label, folder);
    for note in &comparison.notes {
        report.add(
            "connector-compare",
            folder_label,
            note.clone(),
            "fix the file so that the two connectors can be compared",
        );
    }
    for d in &comparison.diffs {
        report.add(
            "connector-mismatch",
            &d.path,
            "the connector in the connector solution differs from this file (the diff below shows how)",
            "the reviewers ask for the two to match: update the connector in your environment (or the pull request) and export the solution again",
        );
    }
    report.diff = comparison.diffs;
}

/// The outer zip for Partner Center: `intro.md` and the package zip (named `package_name`), nothing else.
pub fn build(intro: &[u8], package_name: &str, package: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut out = std::io::Cursor::new(Vec::new());
    build_into(&mut out, intro, package_name, &mut &package[..])?;
    Ok(out.into_inner())
}

/// [`build`] into `out` (a file), the package streamed from `package`: the package zip is never
/// held in memory. Returns the package's size.
pub fn build_into<W: Write + std::io::Seek>(
    out: W,
    intro: &[u8],
    package_name: &str,
    package: &mut dyn std::io::Read,
) -> anyhow::Result<u64> {
    use zip::write::SimpleFileOptions;
    let mut w = zip::ZipWriter::new(out);
    let deflated = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    w.start_file("intro.md", deflated)?;
    w.write_all(intro)?;
    // The package zip is compressed already (and stored, it is read back without a copy).
    w.start_file(
        package_name,
        SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .large_file(false),
    )?;
    let copied = std::io::copy(package, &mut w)?;
    w.finish()?;
    Ok(copied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_id_used_is_in_the_table() {
        let whole = include_str!("mod.rs");
        let source = &whole[..whole.find("#[cfg(test)]").unwrap()];
        for (i, m) in source.match_indices("report.add(") {
            let rest = source[i + m.len()..].trim_start();
            if let Some(rest) = rest.strip_prefix('"') {
                rules::rule_by_id(rest.split('"').next().unwrap());
            }
        }
        assert!(
            rules::RULES.iter().all(|r| source.contains(&format!("\"{}\"", r.id))),
            "every rule is emitted"
        );
    }

    #[test]
    fn extensions_are_compared_case_insensitively() {
        assert!(has_extension("INTRO.MD", "md"));
        assert!(has_extension("a.pdpkg.zip", "zip"));
        assert!(!has_extension(".md", "md"));
        assert!(!has_extension("intro.mdx", "md"));
    }
}
