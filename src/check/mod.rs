//! The checks: everything that would get a pull request to microsoft/PowerPlatformConnectors
//! rejected, found offline, with the file, line and column, and how to fix it.
//!
//! Rules live in one table ([`rules::RULES`]): id, severity, the categories it applies to, the
//! message, the fix, and the public source it comes from. The check functions only decide
//! *where* a rule fires and add the specifics; everything else comes from the table, so the
//! table is the one place to review, document and measure the rules.

mod files;
mod policies;
mod properties;
mod readme;
pub mod rules;
pub mod schemas;
mod script;
pub mod secrets;
pub mod validation;
mod validator;
pub use validation::{validate, validate_folder, Validation};
mod swagger;

pub use crate::connector::finding::{Finding, Severity};
use crate::connector::{Category, ConnectorPackage, JsonDocument, KnownFile, Position};
pub use rules::{Rule, RULES};
use std::collections::BTreeMap;

/// The folder's checks' constructor of the one [`Finding`] type (`connector::finding`), kept
/// here with the rule table it reads.
impl Finding {
    /// A finding of `rule` found outside the folder's checks (the certification package's, in
    /// `certification::bot`): severity, validator and bot citation from the table; the table's
    /// message and fix unless specific ones are given.
    pub fn of_rule(rule: &'static str, file: impl Into<String>, message: Option<String>, fix: Option<String>) -> Finding {
        let r = rules::rule(rule);
        Finding {
            rule: r.id,
            severity: r.severity,
            file: file.into(),
            position: None,
            pointer: None,
            message: message.unwrap_or_else(|| r.message.to_string()),
            fix: fix.unwrap_or_else(|| r.fix.to_string()),
            validator: r.validator,
            bot: r.bot,
            pre_existing: false,
        }
    }
}

/// The restricted word (API, Connector) or Power Platform product name a connector title holds,
/// as `title-words` finds it: for the certification package's connector too.
pub fn restricted_title_word(title: &str) -> Option<String> {
    swagger::restricted_title_word(title)
}

/// What an independent publisher's certification package came to, for the plan, the pull
/// request's body and `--json` (filled by `certification::bot`; its findings join the folder's).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct IpPackage {
    /// The zip in the folder; `None` when there is none (or more than one).
    pub file: Option<String>,
    pub size: Option<usize>,
    /// `--without-package`: the pull request opens for review before the package is ready.
    pub without_package: bool,
    /// The package check's result in one line.
    pub result: String,
    /// What the certification bot would answer to `certify-connector` today.
    pub bot_answer: String,
    /// The swagger's `info.contact.email`: where Microsoft sends the form and the OneVet check.
    pub contact_email: Option<String>,
}

/// The outcome of checking one package.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Report {
    pub category: Option<Category>,
    pub findings: Vec<Finding>,
    /// What the findings were compared with (the upstream folder and commit), when they were.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<String>,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.findings.iter().filter(|f| f.severity == Severity::Error).count()
    }

    pub fn warnings(&self) -> usize {
        self.findings.iter().filter(|f| f.severity == Severity::Warning).count()
    }

    /// Errors that stop a real run: the ones this change introduces, or all of them with `strict`.
    pub fn blocking(&self, strict: bool) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error && (strict || !f.pre_existing))
            .count()
    }

    /// Findings already present upstream.
    pub fn pre_existing(&self) -> usize {
        self.findings.iter().filter(|f| f.pre_existing).count()
    }

    /// Judge a change by what it changes: mark every finding that the same checks also report on
    /// `upstream` (the connector as it is on `dev`) as pre-existing. A finding matches an upstream
    /// one of the same rule in the same file at the same JSON pointer or with the same message
    /// (pointers into arrays shift when an item is inserted; messages name the operation or
    /// parameter). Each upstream finding matches at most once, so a second copy of an old problem
    /// counts as new. Secret findings are never pre-existing.
    pub fn apply_baseline(&mut self, upstream: &Report, described_as: String) {
        let same_file = |a: &str, b: &str| {
            a.eq_ignore_ascii_case(b)
                || matches!((crate::connector::KnownFile::from_name(a), crate::connector::KnownFile::from_name(b)), (Some(x), Some(y)) if x == y)
        };
        let mut unused: Vec<&Finding> = upstream.findings.iter().collect();
        // Exact pointer matches first, so that a message match cannot take an upstream finding
        // that a later finding matches exactly.
        for pass in 0..2 {
            // A credential is never waved through as pre-existing: pushing it again publishes it
            // again, so secret findings always count as the change's own.
            for f in self
                .findings
                .iter_mut()
                .filter(|f| !f.pre_existing && !f.rule.starts_with("secret-"))
            {
                let hit = unused.iter().position(|u| {
                    u.rule == f.rule
                        && same_file(&u.file, &f.file)
                        && if pass == 0 {
                            u.pointer.is_some() && u.pointer == f.pointer && u.message == f.message
                        } else {
                            (u.pointer.is_some() && u.pointer == f.pointer) || u.message == f.message
                        }
                });
                if let Some(i) = hit {
                    unused.swap_remove(i);
                    f.pre_existing = true;
                }
            }
        }
        self.baseline = Some(described_as);
    }

    /// One line for a PR body or a progress message.
    pub fn summary(&self) -> String {
        if self.baseline.is_some() {
            let new_errors = self.blocking(false);
            let new_warnings = self
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Warning && !f.pre_existing)
                .count();
            let old = self.pre_existing();
            let new = match (new_errors, new_warnings) {
                (0, 0) => "no new problems".to_string(),
                (e, w) => format!("{e} new error{}, {w} new warning{}", plural(e), plural(w)),
            };
            return if old == 0 {
                new
            } else {
                format!("{new}; {old} pre-existing finding{} already upstream", plural(old))
            };
        }
        match (self.errors(), self.warnings()) {
            (0, 0) => "no problems found".into(),
            (e, w) => format!("{e} error{}, {w} warning{}", plural(e), plural(w)),
        }
    }
}

/// The rules that say a value has the wrong JSON type ("`info` must be an object, found a string").
const WRONG_TYPE: [&str; 3] = ["json-type", "properties-type", "swagger-not-object"];

/// A value of the wrong JSON type is said once, where it is: the findings of other rules at it or
/// under it (`info.title` "missing" under an `info` that is a string, a schema warning that says
/// the same) only repeat it, and are dropped. A secret is never dropped.
fn drop_what_a_wrong_type_explains(findings: &mut Vec<Finding>) {
    let mistyped: Vec<(String, String)> = findings
        .iter()
        .filter(|f| WRONG_TYPE.contains(&f.rule))
        .filter_map(|f| Some((f.file.clone(), f.pointer.clone()?)))
        .collect();
    if mistyped.is_empty() {
        return;
    }
    findings.retain(|f| {
        let Some(at) = &f.pointer else { return true };
        WRONG_TYPE.contains(&f.rule)
            || f.rule.starts_with("secret-")
            || !mistyped.iter().any(|(file, wrong)| {
                *file == f.file && at.starts_with(wrong.as_str()) && matches!(at.as_bytes().get(wrong.len()), None | Some(b'/'))
            })
    });
}

/// A name from the file as messages quote it: cut at 500 characters. A path or an operationId
/// is in the message of every finding about its operation's parameters, and JSON limits neither.
pub(crate) fn shown(name: &str) -> std::borrow::Cow<'_, str> {
    const MAX: usize = 500;
    match name.char_indices().nth(MAX) {
        Some((cut, _)) if name.len() > MAX => format!("{}…", &name[..cut]).into(),
        _ => name.into(),
    }
}

/// What a JSON value is, for "must be a string, found …" messages.
pub(crate) fn found(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) if s.chars().count() > 40 => format!("a string (\"{}…\")", s.chars().take(40).collect::<String>()),
        Value::String(s) => format!("a string (\"{s}\")"),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Where findings go while the checks run: looks the rule up, drops what does not apply to the
/// category, and fills in severity, message and fix from the table.
pub(crate) struct Sink {
    category: Category,
    findings: Vec<Finding>,
    /// Findings of each rule per file, against [`MAX_FINDINGS_PER_RULE`].
    counts: BTreeMap<&'static str, Vec<(String, usize)>>,
}

/// At most this many findings of one rule in one file are kept; the rest are counted and said in
/// one closing finding. Findings scale with the values of a file (and a long path or
/// operationId is in each of its parameters' messages), so a 1 MB swagger of 20,000 parameters
/// under a 10 KB path took 1.6 GB. The most in the corpus is 451 (path-parameter-encoding in
/// Azure Machine Learning).
pub const MAX_FINDINGS_PER_RULE: usize = 2_000;

/// Messages longer than this many characters are cut (the longest in the corpus is 470).
pub const MAX_MESSAGE_CHARS: usize = 2_000;

/// A parsed JSON file together with its name, so findings can point into it, and its bytes, for
/// checks about lines and whitespace.
pub(crate) struct JsonFile<'a> {
    pub name: &'a str,
    pub doc: &'a JsonDocument,
    pub bytes: &'a [u8],
}

impl JsonFile<'_> {
    /// The file's text (without a byte order mark; bytes that are not UTF-8 as U+FFFD).
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(self.bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(self.bytes))
    }
}

impl Sink {
    fn new(category: Category) -> Self {
        Sink {
            category,
            findings: Vec::new(),
            counts: Default::default(),
        }
    }

    /// The findings, with one closing finding for each rule and file that had more than
    /// [`MAX_FINDINGS_PER_RULE`].
    fn into_findings(mut self) -> Vec<Finding> {
        for (id, files) in std::mem::take(&mut self.counts) {
            let rule = rules::rule(id);
            for (file, n) in files.into_iter().filter(|(_, n)| *n > MAX_FINDINGS_PER_RULE) {
                let more = n - MAX_FINDINGS_PER_RULE;
                self.findings.push(Finding {
                    rule: rule.id,
                    severity: rule.severity,
                    message: format!(
                        "… and {more} more `{id}` findings in this file (the first {},{:03} are listed)",
                        MAX_FINDINGS_PER_RULE / 1000,
                        MAX_FINDINGS_PER_RULE % 1000
                    ),
                    file,
                    position: None,
                    pointer: None,
                    fix: rule.fix.to_string(),
                    validator: rule.validator,
                    bot: rule.bot,
                    pre_existing: false,
                });
            }
        }
        self.findings
    }

    /// Report `rule` on `file` at `position`, with `detail` (the specific message) and an
    /// optional specific fix (otherwise the table's).
    pub fn emit(
        &mut self,
        rule: &'static str,
        file: &str,
        position: Option<Position>,
        pointer: Option<String>,
        detail: String,
        fix: Option<String>,
    ) {
        let rule = rules::rule(rule);
        if !rule.applies_to.contains(&self.category) {
            return;
        }
        let files = self.counts.entry(rule.id).or_default();
        let count = match files.iter_mut().find(|(f, _)| f == file) {
            Some((_, n)) => n,
            None => {
                files.push((file.to_string(), 0));
                &mut files.last_mut().expect("just pushed").1
            }
        };
        *count += 1;
        if *count > MAX_FINDINGS_PER_RULE {
            return;
        }
        let mut message = if detail.is_empty() { rule.message.to_string() } else { detail };
        if message.len() > MAX_MESSAGE_CHARS {
            if let Some((cut, _)) = message.char_indices().nth(MAX_MESSAGE_CHARS) {
                message.truncate(cut);
                message.push('…');
            }
        }
        self.findings.push(Finding {
            rule: rule.id,
            severity: rule.severity,
            file: file.to_string(),
            position,
            pointer,
            message,
            fix: fix.unwrap_or_else(|| rule.fix.to_string()),
            validator: rule.validator,
            bot: rule.bot,
            pre_existing: false,
        });
    }

    /// Report `rule` at a JSON pointer in `file`.
    pub fn at(&mut self, rule: &'static str, file: &JsonFile, pointer: &str, detail: String) {
        let position = file.doc.position_of(pointer);
        self.emit(rule, file.name, Some(position), Some(pointer.to_string()), detail, None);
    }

    /// Same as [`Sink::at`] with a specific fix.
    pub fn at_with_fix(&mut self, rule: &'static str, file: &JsonFile, pointer: &str, detail: String, fix: String) {
        let position = file.doc.position_of(pointer);
        self.emit(rule, file.name, Some(position), Some(pointer.to_string()), detail, Some(fix));
    }
}

/// The secret scan alone (the text scan of every file and name, and the JSON checks), as
/// findings in file order: what `check` reports under the `secret-*` rules.
pub fn scan_secrets(package: &ConnectorPackage) -> Vec<Finding> {
    let mut sink = Sink::new(Category::Custom);
    secrets::scan_package(package, &mut sink);
    let json = |kind: KnownFile| {
        let file = if kind == KnownFile::ApiDefinition {
            package.swagger_file()
        } else {
            package.file(kind)
        }?;
        // Fast path: a strict parse that gives the JSON checks nothing to report needs no
        // tolerant parse (whose position map is what findings need, and what costs).
        if let Some(value) = crate::connector::json::strict_value(&file.bytes) {
            if !secrets::has_structured_findings(kind, &value) {
                return None;
            }
        }
        file.json().ok().map(|doc| (file, doc))
    };
    if let Some((file, doc)) = json(KnownFile::ApiDefinition) {
        secrets::scan_swagger(
            &JsonFile {
                name: &file.name,
                doc,
                bytes: &file.bytes,
            },
            &mut sink,
        );
    }
    if let Some((file, doc)) = json(KnownFile::ApiProperties) {
        secrets::scan_properties(
            &JsonFile {
                name: &file.name,
                doc,
                bytes: &file.bytes,
            },
            &mut sink,
        );
    }
    if let Some((file, doc)) = json(KnownFile::Settings) {
        secrets::scan_settings(
            &JsonFile {
                name: &file.name,
                doc,
                bytes: &file.bytes,
            },
            &mut sink,
        );
    }
    let mut findings = sink.into_findings();
    findings.sort_by(|a, b| (a.file.as_str(), a.position).cmp(&(b.file.as_str(), b.position)));
    secrets::dedupe(&mut findings);
    findings
}

/// Check a package as a connector of `category`, against the built-in copies of the repository's
/// schemas.
pub fn check(package: &ConnectorPackage, category: Category) -> Report {
    check_with(package, category, &schemas::Schemas::builtin())
}

/// Check a package as a connector of `category`, against the given schemas (the mirror's).
pub fn check_with(package: &ConnectorPackage, category: Category, schemas: &schemas::Schemas) -> Report {
    let mut sink = Sink::new(category);
    files::check_layout(package, &mut sink);
    secrets::scan_package(package, &mut sink);

    let swagger = files::parse_json(package, KnownFile::ApiDefinition, &mut sink);
    let properties = files::parse_json(package, KnownFile::ApiProperties, &mut sink);
    let settings = files::parse_json(package, KnownFile::Settings, &mut sink);

    let api_properties = || json_file(properties, package.file(KnownFile::ApiProperties));
    if let Some(file) = json_file(swagger, package.swagger_file()) {
        check_swagger(&file, api_properties().as_ref(), schemas, &mut sink);
    }
    if let Some(file) = api_properties() {
        properties::check(&file, &mut sink);
        policies::check(&file, &schemas.policy_templates, &mut sink);
        schemas::check(schemas, schemas::Which::Properties, &file, &mut sink);
        secrets::scan_properties(&file, &mut sink);
    }
    if let Some(file) = json_file(settings, package.file(KnownFile::Settings)) {
        schemas::check(schemas, schemas::Which::Settings, &file, &mut sink);
        secrets::scan_settings(&file, &mut sink);
    }
    if let Some(file) = package.file(KnownFile::Readme) {
        readme::check(file, swagger.map(|d| &d.value), &mut sink);
    }
    let scripts: Vec<&crate::connector::PackageFile> = package.files.iter().filter(|f| script::is_script(&f.name)).collect();
    script::check(&scripts, &mut sink);
    if let (Some(swagger), Some(file)) = (swagger, api_properties()) {
        script::check_operations(&file, &swagger.value, &mut sink);
    }
    report_of(sink, category)
}

/// A file of the package with its parsed document, when it parsed.
fn json_file<'p>(doc: Option<&'p JsonDocument>, file: Option<&'p crate::connector::PackageFile>) -> Option<JsonFile<'p>> {
    match (doc, file) {
        (Some(doc), Some(file)) => Some(JsonFile {
            name: &file.name,
            doc,
            bytes: &file.bytes,
        }),
        _ => None,
    }
}

/// The swagger's checks: an object, then its own rules, the repository's schema, its secrets and
/// the Swagger Validator catalogue (which also reads apiProperties.json when it parsed).
fn check_swagger(file: &JsonFile, props: Option<&JsonFile>, schemas: &schemas::Schemas, sink: &mut Sink) {
    if !file.doc.value.is_object() {
        sink.at(
            "swagger-not-object",
            file,
            "",
            format!("the swagger must be a JSON object, found {}", found(&file.doc.value)),
        );
    } else {
        swagger::check(file, sink);
        schemas::check(schemas, schemas::Which::Swagger, file, sink);
        secrets::scan_swagger(file, sink);
        validator::check(file, props, sink);
    }
}

/// The findings in file and position order, deduplicated, with file names masked when one holds
/// a credential.
fn report_of(sink: Sink, category: Category) -> Report {
    let mut findings = sink.into_findings();
    drop_what_a_wrong_type_explains(&mut findings);
    // Files in name order, positions in file order; file-level findings first.
    findings.sort_by(|a, b| (a.file.as_str(), a.position).cmp(&(b.file.as_str(), b.position)));
    secrets::dedupe(&mut findings);
    // A credential in a file name is reported, never repeated: names in findings are masked.
    if findings.iter().any(|f| f.rule == "secret-file-name") {
        let names = crate::secrets::Masker::default();
        for f in &mut findings {
            f.file = names.text(&f.file).into_owned();
        }
    }
    Report {
        category: Some(category),
        findings,
        baseline: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(rule: &'static str, severity: Severity, pointer: &str, message: &str) -> Finding {
        Finding {
            rule,
            severity,
            file: "apiDefinition.swagger.json".into(),
            position: None,
            pointer: Some(pointer.into()),
            message: message.into(),
            fix: String::new(),
            validator: None,
            bot: None,
            pre_existing: false,
        }
    }

    #[test]
    fn a_baseline_marks_what_upstream_has_once_and_never_a_secret() {
        let upstream = Report {
            category: None,
            baseline: None,
            findings: vec![
                finding(
                    "operation-id-required",
                    Severity::Error,
                    "/paths/~1a/get",
                    "GET /a has no operationId",
                ),
                finding("secret-token", Severity::Error, "/info/description", "a GitHub token"),
            ],
        };
        let mut report = Report {
            category: None,
            baseline: None,
            findings: vec![
                // The same problem, moved: matched by its message.
                finding(
                    "operation-id-required",
                    Severity::Error,
                    "/paths/~1a/post",
                    "GET /a has no operationId",
                ),
                // A second copy of it is new.
                finding(
                    "operation-id-required",
                    Severity::Error,
                    "/paths/~1b/get",
                    "GET /a has no operationId",
                ),
                finding("secret-token", Severity::Error, "/info/description", "a GitHub token"),
            ],
        };
        report.apply_baseline(&upstream, "upstream".into());
        let marks: Vec<bool> = report.findings.iter().map(|f| f.pre_existing).collect();
        assert_eq!(marks, [true, false, false]);
        assert_eq!(report.blocking(false), 2);
        assert_eq!(report.blocking(true), 3);
        assert!(
            report.summary().contains("1 pre-existing finding already upstream"),
            "{}",
            report.summary()
        );
    }
}
