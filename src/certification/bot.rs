//! The certification package in an independent publisher's pull request, checked as the
//! certification bot checks it. Since 2025 a maintainer comments `certify-connector` on the pull
//! request and the bot (the `certificationteam` account) reads the one zip in the connector's
//! folder: the full Partner Center package (`intro.md` and a Package Deployer zip whose `PkgAssets`
//! holds the connector and flow solutions). This runs every `package check` rule on it (through
//! [`super::check`] and [`super::add_comparison`], never reading the archives itself), then the
//! bot's own rules on the solution's connector, and says every finding as a rule of the folder's
//! rule table (`ip-package-*` in `check/rules.rs`), each citing the bot's message.
//!
//! A certified connector's folder carries no zip: its package goes to Partner Center.

use super::compare::SolutionConnector;
use super::{Options, SEPARATOR};
use crate::check::{Finding, IpPackage, Severity};
use crate::connector::{json, Category, ConnectorPackage, PackageFile};
use serde_json::Value;

/// The name a missing package is reported under.
pub const MISSING_NAME: &str = "package.zip";

/// The bot's answer when every rule passes (its 2025 wording; see `follow::certification`).
pub const BOT_SUCCESS: &str = "Certification completed";

/// What the folder's package came to: findings for the folder's report, and the summary (only for
/// independent publishers).
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub package: Option<IpPackage>,
}

fn is_zip(file: &PackageFile) -> bool {
    file.name
        .rsplit_once('.')
        .is_some_and(|(stem, ext)| !stem.is_empty() && ext.eq_ignore_ascii_case("zip"))
}

/// The zips at the top of the folder (what the bot counts).
pub fn zips(folder: &ConnectorPackage) -> Vec<&PackageFile> {
    folder.files.iter().filter(|f| is_zip(f)).collect()
}

/// The swagger's `info.contact.email`, when it is a non-empty string.
fn contact_email(swagger: Option<&Value>) -> Option<String> {
    swagger
        .and_then(|s| s.pointer("/info/contact/email"))
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_string)
}

/// Check the folder's certification package for a connector of `category`.
/// `without_package`: the author opens the pull request for review first (no zip is then no error).
pub fn check_folder(folder: &ConnectorPackage, category: Category, without_package: bool) -> Outcome {
    let zips = zips(folder);
    match category {
        Category::Custom => Outcome::default(),
        Category::Certified => Outcome {
            findings: zips
                .iter()
                .map(|z| {
                    Finding::of_rule(
                        "ip-package-certified",
                        z.name.clone(),
                        Some(format!(
                            "`{}` is a zip in a certified connector's folder: a certified connector's package goes to Partner Center, not into the pull request",
                            crate::connector::name::printable(&z.name)
                        )),
                        None,
                    )
                })
                .collect(),
            package: None,
        },
        Category::IndependentPublisher => independent(folder, &zips, without_package),
    }
}

fn independent(folder: &ConnectorPackage, zips: &[&PackageFile], without_package: bool) -> Outcome {
    let mut findings = Vec::new();
    let email = contact_email(folder.swagger_value());
    let mut summary = IpPackage {
        without_package,
        contact_email: email.clone(),
        ..Default::default()
    };
    // A swagger without a contact email is the folder's own `contact-email` error (judged against
    // upstream on updates); here only the package's is compared with it.
    match zips {
        [] => {
            summary.result = if without_package {
                "no package yet (--without-package): the pull request opens for review first".into()
            } else {
                "no package in the folder".into()
            };
            if !without_package {
                findings.push(Finding::of_rule("ip-package-missing", MISSING_NAME, None, None));
            }
        }
        [one] => {
            summary.file = Some(one.name.clone());
            summary.size = Some(one.bytes.len());
            check_zip(folder, one, email.as_deref(), &mut findings);
            let (errors, warnings) = count(&findings);
            summary.result = match (errors, warnings) {
                (0, 0) => "valid: every Package Validator rule and the certification bot's rules pass".into(),
                (0, w) => format!("valid, with {w} warning{}", plural(w)),
                (e, w) => format!("{e} error{}, {w} warning{}", plural(e), plural(w)),
            };
        }
        many => {
            let names: Vec<String> = many
                .iter()
                .map(|z| format!("`{}`", crate::connector::name::printable(&z.name)))
                .collect();
            findings.push(Finding::of_rule(
                "ip-package-count",
                many[0].name.clone(),
                Some(format!(
                    "the folder holds {} zip files ({}); the certification bot takes exactly one",
                    many.len(),
                    names.join(", ")
                )),
                None,
            ));
            summary.result = format!("{} zip files in the folder", many.len());
        }
    }
    // In the order the bot checks (its first error is the one it answers), so a stop names it.
    findings.sort_by_key(|f| ORDER.iter().position(|id| *id == f.rule).unwrap_or(ORDER.len()));
    summary.bot_answer = bot_answer(&findings, zips.is_empty());
    Outcome {
        findings,
        package: Some(summary),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn count(findings: &[Finding]) -> (usize, usize) {
    let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
    (errors, findings.len() - errors)
}

/// The bot's rules in the order it checks them: its answer names the first that fails.
const ORDER: [&str; 12] = [
    "ip-package-missing",
    "ip-package-count",
    "ip-package-unreadable",
    "ip-package-solution-root",
    "ip-package-flow",
    "ip-package-structure",
    "ip-package-metadata",
    "ip-package-title-length",
    "ip-package-title-ending",
    "ip-package-title-words",
    "ip-package-mismatch",
    "ip-package-contact",
];

/// What the bot would answer: its message for the first error it checks for, in its order.
fn bot_answer(findings: &[Finding], no_zip: bool) -> String {
    if no_zip {
        return crate::check::rules::rule("ip-package-missing").bot.unwrap_or("No zip").to_string();
    }
    let first = ORDER.iter().find_map(|id| {
        findings
            .iter()
            .find(|f| f.rule == *id && f.severity == Severity::Error)
            .map(|f| (f.bot, f.message.clone()))
    });
    match first {
        Some((Some(bot), _)) => bot.to_string(),
        // No message of its own is known: the problem as we say it.
        Some((None, message)) => message,
        None => BOT_SUCCESS.into(),
    }
}

/// The package check's rule, as the folder's rule that carries the bot's message.
fn folder_rule(package_rule: &str, severity: Severity) -> &'static str {
    match package_rule {
        "package-not-zip" | "package-zip-not-zip" | "archive-limits" => "ip-package-unreadable",
        "outer-package-zip" | "outer-folders" | "package-asset-folder" | "connector-solution-missing" => "ip-package-solution-root",
        "flow-solution-missing" => "ip-package-flow",
        "connector-mismatch" => "ip-package-mismatch",
        _ if severity == Severity::Error => "ip-package-structure",
        _ => "ip-package-advice",
    }
}

fn check_zip(folder: &ConnectorPackage, zip: &PackageFile, folder_email: Option<&str>, findings: &mut Vec<Finding>) {
    let mut inspection = super::check(&zip.name, zip.bytes.clone(), &Options::default());
    super::add_comparison(&mut inspection, FOLDER_LABEL, folder);
    for f in &inspection.report.findings {
        let rule = folder_rule(f.rule, f.severity);
        if f.rule == "connector-mismatch" {
            // `package check` shows the diff below its findings; here the lines that differ are
            // the message (masked, as the comparison masks them).
            let diff = inspection.report.diff.iter().find(|d| d.path == f.file);
            findings.push(Finding::of_rule(
                rule,
                zip.name.clone(),
                Some(mismatch_message(&f.file, diff)),
                None,
            ));
            continue;
        }
        findings.push(Finding::of_rule(
            rule,
            f.file.clone(),
            Some(format!("{} (package check: {})", f.message, f.rule)),
            Some(f.fix.clone()),
        ));
    }
    if let Some(connector) = &inspection.connector {
        connector_rules(connector, folder_email, findings);
        package_secrets(connector, findings);
    }
}

/// How the folder is named in the comparison's places (`the folder/apiDefinition.swagger.json`).
const FOLDER_LABEL: &str = "the folder";

/// At most this many differing lines are quoted in a mismatch's message.
const MISMATCH_LINES: usize = 6;

/// "the package's connector differs from apiDefinition.swagger.json: -host: a; +host: b".
fn mismatch_message(file: &str, diff: Option<&crate::connector::diff::FileDiff>) -> String {
    let file = file.strip_prefix(&format!("{FOLDER_LABEL}/")).unwrap_or(file);
    let lines: Vec<&str> = diff
        .and_then(|d| d.unified.as_deref())
        .map(|u| {
            u.lines()
                .filter(|l| (l.starts_with('-') || l.starts_with('+')) && !l.starts_with("---") && !l.starts_with("+++"))
                .collect()
        })
        .unwrap_or_default();
    let mut shown: Vec<String> = lines.iter().take(MISMATCH_LINES).map(|l| l.trim_end().to_string()).collect();
    if lines.len() > MISMATCH_LINES {
        shown.push(format!(
            "… {} more (`connector-publish package check <zip> --connector-dir <folder>` shows all)",
            lines.len() - MISMATCH_LINES
        ));
    }
    format!(
        "the package's connector differs from the folder's {file} (package: +, folder: -): {}",
        shown.join("; ")
    )
}

/// The bot's rules on the connector solution's connector.
fn connector_rules(connector: &SolutionConnector, folder_email: Option<&str>, findings: &mut Vec<Finding>) {
    let Some((place, bytes)) = &connector.swagger else { return };
    let Some(swagger) = json::parse(bytes).ok().map(|d| d.value) else {
        // The comparison already said it cannot be read.
        return;
    };
    let at = |rule: &'static str, message: String| Finding::of_rule(rule, place.clone(), Some(message), None);
    match swagger.pointer("/info/title").and_then(Value::as_str) {
        Some(title) => {
            let n = title.chars().count();
            if n > 30 {
                findings.push(at(
                    "ip-package-title-length",
                    format!("the package's connector is titled \"{title}\", {n} characters; the limit is 30"),
                ));
            }
            if !title.chars().last().is_some_and(char::is_alphanumeric) {
                findings.push(at(
                    "ip-package-title-ending",
                    format!(
                        "the package's connector title \"{}\" does not end with a letter or digit",
                        title.escape_debug()
                    ),
                ));
            }
            if let Some(word) = crate::check::restricted_title_word(title) {
                findings.push(at(
                    "ip-package-title-words",
                    format!("the package's connector title \"{title}\" contains the reserved word \"{word}\""),
                ));
            }
        }
        None => findings.push(at("ip-package-title-length", "the package's connector has no `info.title`".into())),
    }
    let metadata = swagger.get("x-ms-connector-metadata").and_then(Value::as_array);
    let file = place.rsplit(SEPARATOR).next().unwrap_or(place);
    match metadata {
        None => findings.push(at(
            "ip-package-metadata",
            format!("`x-ms-connector-metadata` is missing in `{file}`"),
        )),
        Some(entries) => {
            let has = |name: &str| {
                entries.iter().any(|e| {
                    e.get("propertyName")
                        .and_then(Value::as_str)
                        .is_some_and(|p| p.eq_ignore_ascii_case(name))
                        && e.get("propertyValue").and_then(Value::as_str).is_some_and(|v| !v.trim().is_empty())
                })
            };
            let missing: Vec<&str> = ["Website", "Privacy policy", "Categories"]
                .into_iter()
                .filter(|n| !has(n))
                .collect();
            if !missing.is_empty() {
                findings.push(at(
                    "ip-package-metadata",
                    format!("`x-ms-connector-metadata` in `{file}` lacks {}", missing.join(", ")),
                ));
            }
        }
    }
    let package_email = contact_email(Some(&swagger));
    match (folder_email, package_email.as_deref()) {
        (Some(_), None) => findings.push(at(
            "ip-package-contact",
            "the package's connector has no `info.contact.email`".into(),
        )),
        (Some(a), Some(b)) if !a.eq_ignore_ascii_case(b) => findings.push(at(
            "ip-package-contact",
            format!("the package's connector gives the contact email {b}, the folder's swagger {a}"),
        )),
        _ => {}
    }
}

/// The secret scan on the package's connector (its swagger and connection parameters, which
/// Dataverse exports with whatever was typed in), reported at their place in the package.
fn package_secrets(connector: &SolutionConnector, findings: &mut Vec<Finding>) {
    let mut files = Vec::new();
    let mut places = Vec::new();
    if let Some((place, bytes)) = &connector.swagger {
        files.push(("apiDefinition.swagger.json".to_string(), bytes.clone()));
        places.push(("apiDefinition.swagger.json", place.clone()));
    }
    let mut properties = serde_json::Map::new();
    let mut property_places = Vec::new();
    for (key, side) in [
        ("connectionParameters", &connector.connection_parameters),
        ("connectionParameterSets", &connector.connection_parameter_sets),
    ] {
        if let Some((place, bytes)) = side {
            if let Ok(doc) = json::parse(bytes) {
                properties.insert(key.to_string(), doc.value);
                property_places.push(place.clone());
            }
        }
    }
    if !properties.is_empty() {
        let wrapped = serde_json::json!({ "properties": properties });
        files.push((
            "apiProperties.json".to_string(),
            serde_json::to_vec_pretty(&wrapped).unwrap_or_default(),
        ));
        places.push(("apiProperties.json", property_places.join(" / ")));
    }
    if files.is_empty() {
        return;
    }
    let package = ConnectorPackage::from_files("certification package", files);
    // Whatever is found is masked in everything printed, as the folder's own secrets are.
    crate::secrets::register(&crate::secrets::Masker::for_package(&package));
    for mut f in crate::check::scan_secrets(&package) {
        if let Some((_, place)) = places.iter().find(|(name, _)| *name == f.file) {
            f.message = format!("{} (in the certification package)", f.message);
            f.file = place.clone();
            f.position = None;
            f.pointer = None;
            findings.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(files: Vec<(&str, Vec<u8>)>) -> ConnectorPackage {
        ConnectorPackage::from_files("x", files.into_iter().map(|(n, b)| (n.to_string(), b)).collect::<Vec<_>>())
    }

    const SWAGGER: &[u8] = br#"{"swagger": "2.0", "info": {"title": "A", "contact": {"email": "jane@example.org"}}}"#;

    #[test]
    fn the_zips_are_counted_and_a_certified_folder_has_none() {
        let none = check_folder(
            &folder(vec![("apiDefinition.swagger.json", SWAGGER.to_vec())]),
            Category::IndependentPublisher,
            false,
        );
        assert_eq!(none.findings.iter().map(|f| f.rule).collect::<Vec<_>>(), ["ip-package-missing"]);
        assert_eq!(none.package.as_ref().unwrap().bot_answer, "No zip");
        assert!(none.findings[0].fix.contains("package build"));
        let deferred = check_folder(
            &folder(vec![("apiDefinition.swagger.json", SWAGGER.to_vec())]),
            Category::IndependentPublisher,
            true,
        );
        assert!(deferred.findings.is_empty());
        assert_eq!(deferred.package.unwrap().bot_answer, "No zip");
        let two = folder(vec![
            ("apiDefinition.swagger.json", SWAGGER.to_vec()),
            ("a.zip", b"PK".to_vec()),
            ("B.ZIP", b"PK".to_vec()),
        ]);
        let out = check_folder(&two, Category::IndependentPublisher, false);
        assert_eq!(out.findings.iter().map(|f| f.rule).collect::<Vec<_>>(), ["ip-package-count"]);
        assert_eq!(out.package.unwrap().bot_answer, "More than one zip file");
        let certified = check_folder(&two, Category::Certified, false);
        assert_eq!(certified.findings.len(), 2);
        assert!(certified
            .findings
            .iter()
            .all(|f| f.rule == "ip-package-certified" && f.severity == Severity::Error));
        assert!(check_folder(&two, Category::Custom, false).findings.is_empty());
    }

    #[test]
    fn a_file_that_is_no_zip_is_unreadable_to_the_bot() {
        let f = folder(vec![
            ("apiDefinition.swagger.json", SWAGGER.to_vec()),
            ("package.zip", b"not a zip".to_vec()),
        ]);
        let out = check_folder(&f, Category::IndependentPublisher, false);
        assert!(out.findings.iter().any(|f| f.rule == "ip-package-unreadable"), "{:?}", out.findings);
        assert!(out.package.unwrap().bot_answer.starts_with("Not able to deserialize"));
    }

    #[test]
    fn every_bot_rule_is_emitted_here() {
        let whole = include_str!("bot.rs");
        let source = &whole[..whole.find("#[cfg(test)]").unwrap()];
        for r in crate::check::RULES.iter().filter(|r| r.id.starts_with("ip-package-")) {
            assert!(source.contains(&format!("\"{}\"", r.id)), "{} is never emitted", r.id);
        }
    }
}
