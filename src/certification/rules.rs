//! The package rules: Microsoft's validator's, one row each, and this tool's own beyond it.

use crate::connector::Severity;

/// Microsoft's Package Validator: `scripts/ConnectorPackageValidator.ps1` in
/// microsoft/PowerPlatformConnectors (branch `dev`).
pub const VALIDATOR: &str = "https://github.com/microsoft/PowerPlatformConnectors/blob/dev/scripts/ConnectorPackageValidator.ps1";
/// The Learn page the validator points to for the package's layout.
pub const LEARN: &str = "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-submission";

#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct PackageRule {
    pub id: &'static str,
    pub severity: Severity,
    /// One line: what the rule asks.
    pub summary: &'static str,
    pub source: &'static str,
    /// The validator has the same rule (an error there fails the package).
    pub validator: bool,
}

use Severity::{Error, Warning};

const fn rule(id: &'static str, severity: Severity, summary: &'static str, source: &'static str, validator: bool) -> PackageRule {
    PackageRule {
        id,
        severity,
        summary,
        source,
        validator,
    }
}

pub const RULES: &[PackageRule] = &[
    // The validator's rules, in its order.
    rule("package-not-zip", Error, "the package is a zip file", VALIDATOR, true),
    rule("outer-folders", Error, "the outer zip holds no folder", VALIDATOR, true),
    rule(
        "outer-intro",
        Error,
        "the outer zip holds exactly one Markdown file (intro.md)",
        VALIDATOR,
        true,
    ),
    rule(
        "outer-package-zip",
        Error,
        "the outer zip holds exactly one package zip",
        VALIDATOR,
        true,
    ),
    rule("package-zip-not-zip", Error, "the package zip is a zip file", VALIDATOR, true),
    rule(
        "package-asset-folder",
        Error,
        "the package zip holds exactly one folder (conventionally PkgAssets)",
        VALIDATOR,
        true,
    ),
    rule("assets-subfolders", Error, "the asset folder holds no folder", VALIDATOR, true),
    rule(
        "assets-solution-count",
        Error,
        "the asset folder holds two solution zips, three with --plugin",
        VALIDATOR,
        true,
    ),
    rule("solution-not-zip", Error, "each solution is a zip file", VALIDATOR, true),
    rule(
        "solution-root-files",
        Error,
        "each solution zip holds [Content_Types].xml, customizations.xml and solution.xml at its root",
        VALIDATOR,
        true,
    ),
    rule(
        "solution-customizations",
        Error,
        "customizations.xml is well-formed XML",
        VALIDATOR,
        true,
    ),
    rule(
        "solution-connector-folder",
        Error,
        "a solution whose customizations.xml has connectors holds a Connector folder",
        VALIDATOR,
        true,
    ),
    rule(
        "solution-workflows-folder",
        Error,
        "a solution whose customizations.xml has workflows holds Connector and Workflows folders",
        VALIDATOR,
        true,
    ),
    rule(
        "solution-plugin-folders",
        Error,
        "an AI plugin solution holds Connector, aiplugins and aipluginoperations folders",
        VALIDATOR,
        true,
    ),
    rule(
        "connector-solution-missing",
        Error,
        "one solution has connectors only (the connector solution)",
        VALIDATOR,
        true,
    ),
    rule(
        "flow-solution-missing",
        Error,
        "one solution has connectors and workflows (the flow solution)",
        VALIDATOR,
        true,
    ),
    rule(
        "plugin-solution-missing",
        Error,
        "with --plugin, one solution has a connector and an AI plugin",
        VALIDATOR,
        true,
    ),
    // Hostile archives: the validator extracts to disk; this tool refuses instead.
    rule(
        "archive-unsafe-name",
        Error,
        "no entry name climbs out of its archive or is absolute",
        VALIDATOR,
        false,
    ),
    rule(
        "archive-limits",
        Error,
        "archives stay within size, ratio and entry-count limits (no zip bombs)",
        VALIDATOR,
        false,
    ),
    // Beyond the validator.
    rule(
        "outer-extra-files",
        Warning,
        "the outer zip holds only intro.md and the package zip",
        LEARN,
        false,
    ),
    rule(
        "asset-folder-name",
        Warning,
        "the asset folder is named PkgAssets, as Package Deployer names it",
        LEARN,
        false,
    ),
    rule(
        "solution-unclassified",
        Warning,
        "every solution is a connector, flow or AI plugin solution",
        VALIDATOR,
        false,
    ),
    rule(
        "solution-connector-files",
        Warning,
        "the files customizations.xml names for a connector are in the solution zip",
        LEARN,
        false,
    ),
    rule("intro-name", Warning, "the Markdown file is named intro.md", LEARN, false),
    rule("intro-empty", Warning, "intro.md has content", LEARN, false),
    rule(
        "intro-section",
        Warning,
        "intro.md has the template's required sections",
        super::intro::SOURCE,
        false,
    ),
    rule("intro-todo", Warning, "intro.md has no TODO placeholder left", LEARN, false),
    rule(
        "connector-mismatch",
        Warning,
        "the connector in the connector solution matches the one on GitHub",
        LEARN,
        false,
    ),
    rule(
        "connector-compare",
        Warning,
        "the connector solution's connector can be compared with the folder given",
        LEARN,
        false,
    ),
];

pub fn rule_by_id(id: &str) -> &'static PackageRule {
    RULES
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("package rule `{id}` is not in RULES"))
}
