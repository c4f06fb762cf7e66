//! Ranked duplicate search over the index.
//!
//! A duplicate is the same API, not the same host: `graph.microsoft.com` alone serves 15
//! legitimate connectors. So the verdicts weigh operations in common first, then host, base path
//! and title together, and placeholder hosts never count as evidence. The thresholds were
//! measured on the corpus (`examples/search_eval.rs`); see [`Thresholds`].

use super::index::{Index, IndexedConnector};
use crate::connector::fingerprint::tenant_domain;
use crate::connector::{Category, Fingerprint};
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Ordered so that duplicates sort first.
    Duplicate,
    Related,
}

/// What to look for.
#[derive(Debug, Clone)]
pub enum Query {
    /// A connector's fingerprint (from a folder), and where it sits (`category/Folder` or just
    /// `Folder`): among connectors with the same fingerprint, the one at that place ranks first.
    Connector(Fingerprint, Option<String>),
    /// A host, optionally with a base path (from a URL).
    Host { host: String, base_path: Option<String> },
    /// A connector title.
    Title(String),
}

/// Where a candidate was found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    /// A folder of upstream `dev`.
    Upstream,
    /// A folder an open pull request against `dev` adds or changes (its swagger at the PR's head).
    OpenPullRequest { number: u64, user: String, title: String },
    /// A connector published in Power Platform that has no folder upstream.
    Published { name: String, publisher: String },
}

impl Source {
    fn is_upstream(&self) -> bool {
        *self == Source::Upstream
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Candidate {
    /// `category/Folder` (upstream, or in the pull request); the connector's API name when published.
    pub folder: String,
    pub category: Category,
    #[serde(skip_serializing_if = "Source::is_upstream")]
    pub source: Source,
    pub title: Option<String>,
    pub verdict: Verdict,
    pub score: f64,
    /// Why, in words, most telling first.
    pub evidence: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl Candidate {
    /// What to call it in a sentence: the folder, "open pull request #N by @user: <title>", or
    /// "published as '<name>' by <publisher> (not in the repository)".
    pub fn label(&self) -> String {
        match &self.source {
            Source::Upstream => self.folder.clone(),
            Source::OpenPullRequest { number, user, title } => format!("open pull request #{number} by @{user}: {title}"),
            Source::Published { name, publisher } => format!("published as '{name}' by {publisher} (not in the repository)"),
        }
    }

    /// Only an upstream folder can be updated with `--update`.
    pub fn is_upstream(&self) -> bool {
        self.source.is_upstream()
    }
}

/// Candidates from every source, best first: duplicates, then by score.
pub fn rank(candidates: &mut [Candidate]) {
    candidates.sort_by(|a, b| a.verdict.cmp(&b.verdict).then(b.score.total_cmp(&a.score)));
}

/// The cut-offs, from measurement on the corpus (see the closing table in `examples/search_eval.rs`).
#[derive(Debug, Clone, Copy)]
pub struct Thresholds {
    /// Share of the smaller connector's operations found in the other, on the same real host.
    pub containment: f64,
    /// Operations in common needed before containment counts.
    pub min_common: usize,
    /// Title similarity (0..1) that counts as "the same title".
    pub same_title: f64,
    /// Title similarity that makes a neighbour worth listing.
    pub related_title: f64,
}

/// Measured over the 331 pairs of corpus connectors that share a real host (`search_eval`): 265
/// share under 10% of their operations and 35 between 10% and 70%, mostly products of one vendor
/// on one API gateway; from 70% up (31 pairs) they are the same API published twice or a
/// superset of it, or one publisher's product family (judged apart, by the publisher). Fewer
/// than 3 operations in common is too little to tell (`/me` alone), unless they are every
/// operation of the smaller connector (one connector calling one endpoint of another). Titles
/// must be equal once normalized: "Raiser's Edge NXT Documents" is 92% like "... Constituents".
pub const THRESHOLDS: Thresholds = Thresholds {
    containment: 0.7,
    min_common: 3,
    same_title: 0.999,
    related_title: 0.8,
};

/// Lower-case, drop `(Independent Publisher)`, version suffixes (`V2`), and words that every
/// title may or may not carry (`connector`, `api`), then remove spaces and punctuation.
pub fn normalize_title(title: &str) -> String {
    let lower = title.to_lowercase().replace("independent publisher", " ");
    let words: Vec<String> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .filter(|w| !matches!(*w, "connector" | "api" | "apis" | "the" | "for"))
        .filter(|w| !(w.len() >= 2 && w.starts_with('v') && w[1..].chars().all(|c| c.is_ascii_digit())))
        .map(str::to_owned)
        .collect();
    let joined = words.concat();
    if joined.is_empty() {
        lower.chars().filter(|c| c.is_alphanumeric()).collect()
    } else {
        joined
    }
}

/// 1.0 for the same normalized title, else normalized edit similarity.
pub fn title_similarity(a: &str, b: &str) -> f64 {
    let (a, b) = (normalize_title(a), normalize_title(b));
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    if a == b {
        return 1.0;
    }
    strsim::normalized_levenshtein(&a, &b)
}

/// The measurements one comparison is judged on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Comparison {
    pub same_real_host: bool,
    /// Both hosts are tenant placeholders on the same vendor domain (`{tenant}.vendor.com` and
    /// `yourdomain.vendor.com`): the same vendor, so the operations decide as on a real host.
    pub same_tenant_domain: bool,
    pub same_base_path: bool,
    pub common: usize,
    /// common / the smaller operation count.
    pub containment: f64,
    pub title: f64,
    pub identical: bool,
    /// Both folders name the same publisher in `apiProperties.json` (normalized).
    pub same_publisher: bool,
}

fn operation_keys(fp: &Fingerprint) -> BTreeSet<(String, String)> {
    fp.operations.iter().map(|o| (o.method.clone(), o.path.to_lowercase())).collect()
}

pub fn compare(q: &Fingerprint, c: &Fingerprint) -> Comparison {
    compare_keyed(q, &operation_keys(q), c)
}

/// [`compare`] with the query's operation keys made once (a search compares it ~1,000 times).
fn compare_keyed(q: &Fingerprint, qo: &BTreeSet<(String, String)>, c: &Fingerprint) -> Comparison {
    let same_real_host = q.host.is_some() && q.host == c.host && !q.host_is_placeholder && !c.host_is_placeholder;
    // Only placeholders have a tenant domain (most hosts are real: this stays off the hot path).
    let same_tenant_domain = match (q.host.as_deref(), c.host.as_deref()) {
        (Some(a), Some(b)) if q.host_is_placeholder && c.host_is_placeholder => {
            tenant_domain(a).is_some_and(|d| tenant_domain(b) == Some(d))
        }
        _ => false,
    };
    let co = operation_keys(c);
    let common = qo.intersection(&co).count();
    let smaller = qo.len().min(co.len());
    let containment = if smaller == 0 { 0.0 } else { common as f64 / smaller as f64 };
    let title = match (&q.title, &c.title) {
        (Some(a), Some(b)) => title_similarity(a, b),
        _ => 0.0,
    };
    let identical = q.title == c.title
        && q.host == c.host
        && q.base_path == c.base_path
        && q.operations == c.operations
        && (!qo.is_empty() || same_real_host);
    Comparison {
        same_publisher: q.publisher.is_some() && q.publisher == c.publisher,
        same_real_host,
        same_tenant_domain,
        same_base_path: q.base_path == c.base_path,
        common,
        containment,
        title,
        identical,
    }
}

/// Judge one comparison: the verdict (if any), a score for ranking, and the evidence.
pub fn judge(cmp: &Comparison, c: &Fingerprint, t: &Thresholds) -> Option<(Verdict, f64, Vec<String>)> {
    let mut evidence = Vec::new();
    if cmp.identical {
        evidence.push("the same title, host, base path and operations".into());
    }
    if cmp.common > 0 {
        evidence.push(format!(
            "{} operation{} in common ({:.0}% of the smaller connector)",
            cmp.common,
            if cmp.common == 1 { "" } else { "s" },
            cmp.containment * 100.0
        ));
    }
    if cmp.same_real_host {
        let host = c.host.as_deref().unwrap_or("");
        evidence.push(if cmp.same_base_path {
            format!("the same host and base path ({host}{})", c.base_path)
        } else {
            format!("the same host ({host})")
        });
    }
    if cmp.same_tenant_domain {
        let domain = c.host.as_deref().and_then(tenant_domain).unwrap_or("");
        evidence.push(format!("the same vendor domain behind a tenant host ({domain})"));
    }
    if cmp.title >= t.related_title {
        evidence.push(if cmp.title >= 0.999 {
            "the same title".into()
        } else {
            format!("a similar title ({:.0}% alike)", cmp.title * 100.0)
        });
    }
    // The same vendor: the same real host, or tenant hosts on the same registrable domain.
    let same_vendor = cmp.same_real_host || cmp.same_tenant_domain;
    let by_share = cmp.common >= t.min_common && cmp.containment >= t.containment;
    // Every operation of the smaller connector is in the other: the same endpoints, however few.
    let contained = cmp.common > 0 && cmp.containment >= 1.0;
    let same_api_by_operations = same_vendor && (by_share || contained);
    // The same title on the same host and base path, with an operation in common: a title alone
    // is a vendor's second product or a new version published as its own folder.
    let same_api_by_identity = same_vendor && cmp.same_base_path && cmp.title >= t.same_title && cmp.common > 0;
    // Without a real host in common, only the operations and the title together can tell.
    let same_api_elsewhere = !same_vendor && cmp.title >= t.same_title && cmp.common >= 3 && cmp.containment >= 0.8;
    // A publisher's own connectors on its own API under other names are a product family, an
    // on-premises variant or a rebrand: its call, and accepted upstream (22 of the 44 corpus
    // connectors the rules before found a duplicate for). The same title is still the same connector.
    let publishers_family = cmp.same_publisher && cmp.title < t.same_title;
    if publishers_family && (same_api_by_operations || same_api_elsewhere) && !cmp.identical {
        evidence.push(format!(
            "the same publisher ({}), whose other connector this is",
            c.publisher.as_deref().unwrap_or("")
        ));
    }
    let same_api = same_api_by_operations || same_api_by_identity || same_api_elsewhere;
    let verdict = if cmp.identical || same_api && !publishers_family {
        Verdict::Duplicate
    } else if same_vendor || cmp.title >= t.related_title || (cmp.common >= 3 && cmp.containment >= t.containment) {
        Verdict::Related
    } else {
        return None;
    };
    let score = 0.5 * cmp.containment
        + 0.3 * cmp.title
        + if same_vendor { 0.1 } else { 0.0 }
        + if same_vendor && cmp.same_base_path { 0.1 } else { 0.0 };
    Some((verdict, (score * 1000.0).round() / 1000.0, evidence))
}

/// Search the index. `exclude` leaves one folder out (the connector being updated).
pub fn search(index: &Index, query: &Query, exclude: Option<&str>, browse: &dyn Fn(&str) -> Option<String>) -> Vec<Candidate> {
    let t = &THRESHOLDS;
    let mut out: Vec<Candidate> = Vec::new();
    let query_keys = match query {
        Query::Connector(q, _) => Some(operation_keys(q)),
        _ => None,
    };
    let empty = BTreeSet::new();
    for entry in &index.connectors {
        if exclude.is_some_and(|e| e.eq_ignore_ascii_case(&entry.folder)) {
            continue;
        }
        let Some(fp) = &entry.fingerprint else { continue };
        let judged = match query {
            Query::Connector(q, _) => judge(&compare_keyed(q, query_keys.as_ref().unwrap_or(&empty), fp), fp, t),
            Query::Host { host, base_path } => judge_host(host, base_path.as_deref(), fp),
            Query::Title(title) => judge_title(title, fp, t),
        };
        if let Some((verdict, score, evidence)) = judged {
            out.push(candidate(entry, verdict, score, evidence, browse));
        }
    }
    let own_name = match query {
        Query::Connector(_, Some(name)) => Some(name.as_str()),
        _ => None,
    };
    let is_own = |c: &Candidate| match own_name {
        Some(n) if c.folder.eq_ignore_ascii_case(n) => 2,
        Some(n) if c.folder.rsplit('/').next().is_some_and(|f| f.eq_ignore_ascii_case(n)) => 1,
        _ => 0,
    };
    out.sort_by(|a, b| {
        a.verdict
            .cmp(&b.verdict)
            .then(b.score.total_cmp(&a.score))
            .then(is_own(b).cmp(&is_own(a)))
            .then(a.folder.cmp(&b.folder))
    });
    out
}

fn candidate(
    entry: &IndexedConnector,
    verdict: Verdict,
    score: f64,
    evidence: Vec<String>,
    browse: &dyn Fn(&str) -> Option<String>,
) -> Candidate {
    Candidate {
        folder: entry.folder.clone(),
        category: entry.category,
        source: Source::Upstream,
        title: entry.fingerprint.as_ref().and_then(|f| f.title.clone()),
        verdict,
        score,
        evidence,
        url: browse(&entry.folder),
    }
}

/// A host (and base path) alone says "related": many APIs share a host.
fn judge_host(host: &str, base_path: Option<&str>, fp: &Fingerprint) -> Option<(Verdict, f64, Vec<String>)> {
    if fp.host.as_deref() != Some(host) {
        return None;
    }
    let base_match = base_path
        .is_some_and(|b| !b.is_empty() && (fp.base_path == b || b.starts_with(&format!("{}/", fp.base_path)) && !fp.base_path.is_empty()));
    let mut evidence = vec![format!("served from {host}{}", fp.base_path)];
    if fp.host_is_placeholder {
        evidence.push("a placeholder host, which identifies no API".into());
    }
    let score = if base_match { 0.8 } else { 0.5 };
    Some((Verdict::Related, score, evidence))
}

fn judge_title(title: &str, fp: &Fingerprint, t: &Thresholds) -> Option<(Verdict, f64, Vec<String>)> {
    let sim = title_similarity(title, fp.title.as_deref()?);
    let contains = {
        let (q, c) = (normalize_title(title), normalize_title(fp.title.as_deref()?));
        q.len() >= 4 && (c.contains(&q) || q.contains(&c) && c.len() >= 4)
    };
    if sim < t.related_title && !contains {
        return None;
    }
    let evidence = vec![if sim >= 0.999 {
        "the same title".to_string()
    } else {
        format!("a similar title ({:.0}% alike)", sim * 100.0)
    }];
    Some((
        Verdict::Related,
        (sim.max(if contains { 0.8 } else { 0.0 }) * 1000.0).round() / 1000.0,
        evidence,
    ))
}

/// Turn what the user typed into a query: a URL, a host, or a title.
pub fn parse_text_query(text: &str) -> Query {
    let t = text.trim();
    let looks_like_host =
        !t.contains(' ') && t.contains('.') && t.chars().all(|c| c.is_ascii_alphanumeric() || ".-:/_{}%?=&#~".contains(c));
    if t.contains("://") || looks_like_host {
        let (host, path) = crate::connector::fingerprint::normalize_host(t);
        if let Some(host) = host {
            let path = path.split(['?', '#']).next().unwrap_or("").trim_end_matches('/').to_string();
            return Query::Host {
                host,
                base_path: if path.is_empty() { None } else { Some(path) },
            };
        }
    }
    Query::Title(t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connector::fingerprint::Operation;

    fn fp(title: &str, host: &str, base: &str, ops: &[&str]) -> Fingerprint {
        Fingerprint {
            title: Some(title.into()),
            host: Some(host.into()),
            host_is_placeholder: crate::connector::fingerprint::is_placeholder_host(host),
            base_path: base.into(),
            operations: ops
                .iter()
                .map(|p| Operation {
                    method: "GET".into(),
                    path: format!("{base}{p}"),
                })
                .collect(),
            operation_ids: Default::default(),
            publisher: None,
        }
    }

    #[test]
    fn titles_survive_case_spacing_and_suffixes() {
        assert_eq!(
            title_similarity("HubSpot Marketing (Independent Publisher)", "hubspot  marketing"),
            1.0
        );
        assert_eq!(title_similarity("Azure DevOps V2", "Azure DevOps"), 1.0);
        assert_eq!(title_similarity("Deep L", "DeepL"), 1.0);
        assert!(title_similarity("DeepL", "Dropbox") < 0.5);
    }

    #[test]
    fn same_host_different_api_is_related_not_duplicate() {
        let mail = fp("Office 365 Mail", "graph.microsoft.com", "/v1.0", &["/me/messages", "/me/sendMail"]);
        let planner = fp("Planner", "graph.microsoft.com", "/v1.0", &["/planner/tasks", "/planner/plans"]);
        let (verdict, _, evidence) = judge(&compare(&mail, &planner), &planner, &THRESHOLDS).unwrap();
        assert_eq!(verdict, Verdict::Related);
        assert!(evidence.iter().any(|e| e.contains("graph.microsoft.com")));
    }

    #[test]
    fn same_operations_on_the_same_host_is_a_duplicate() {
        let a = fp("DeepL", "api.deepl.com", "/v2", &["/translate", "/usage", "/languages"]);
        let b = fp(
            "DeepL Translator (Independent Publisher)",
            "api.deepl.com",
            "/v2",
            &["/translate", "/usage", "/languages", "/glossaries"],
        );
        assert_eq!(judge(&compare(&a, &b), &b, &THRESHOLDS).unwrap().0, Verdict::Duplicate);
        // Two operations in common out of three is too little to tell...
        let c = fp("DeepL Translator", "api.deepl.com", "/v2", &["/translate", "/usage", "/document"]);
        assert_eq!(judge(&compare(&a, &c), &c, &THRESHOLDS).unwrap().0, Verdict::Related);
        // ... unless the title and base path say it is the same connector.
        let d = fp("DeepL V2", "api.deepl.com", "/v2", &["/translate", "/usage", "/document"]);
        assert_eq!(judge(&compare(&a, &d), &d, &THRESHOLDS).unwrap().0, Verdict::Duplicate);
    }

    fn swagger_fp(title: &str, host: &str, base: &str, paths: &[&str]) -> Fingerprint {
        let paths: serde_json::Map<String, serde_json::Value> = paths
            .iter()
            .map(|p| (p.to_string(), serde_json::json!({"get": {"operationId": "Op"}})))
            .collect();
        Fingerprint::from_swagger(&serde_json::json!({
            "swagger": "2.0", "info": {"title": title}, "host": host, "basePath": base, "paths": paths
        }))
    }

    fn verdict(a: &Fingerprint, b: &Fingerprint) -> Option<Verdict> {
        judge(&compare(a, b), b, &THRESHOLDS).map(|j| j.0)
    }

    #[test]
    fn tiny_connectors_on_the_same_endpoint_are_duplicates_however_split() {
        // OpenWeatherMap's current weather: the base path holds half the path in one of them.
        let a = swagger_fp("Current Weather", "api.openweathermap.org", "/data/2.5/", &["/weather"]);
        let b = swagger_fp(
            "OpenWeather Now",
            "api.openweathermap.org",
            "/",
            &["/data/2.5/weather", "/data/2.5/forecast"],
        );
        assert_eq!(verdict(&a, &b), Some(Verdict::Duplicate));
        assert_eq!(verdict(&b, &a), Some(Verdict::Duplicate));
        // Path parameter names do not matter.
        let c = swagger_fp("Weather by city", "api.openweathermap.org", "/data/2.5", &["/weather/{city}"]);
        let d = swagger_fp("City Weather", "api.openweathermap.org", "/", &["/data/2.5/weather/{q}"]);
        assert_eq!(verdict(&c, &d), Some(Verdict::Duplicate));
        // Near misses: another endpoint on the same host, or one of the two not in the other.
        let e = swagger_fp("Air Pollution", "api.openweathermap.org", "/data/2.5", &["/air_pollution"]);
        assert_eq!(verdict(&a, &e), Some(Verdict::Related));
        let f = swagger_fp(
            "Weather and air",
            "api.openweathermap.org",
            "/",
            &["/data/2.5/weather", "/data/2.5/air_pollution"],
        );
        let g = swagger_fp(
            "Weather and onecall",
            "api.openweathermap.org",
            "/",
            &["/data/2.5/weather", "/data/3.0/onecall"],
        );
        assert_eq!(verdict(&f, &g), Some(Verdict::Related));
        // The same one endpoint on another real host is not the same API.
        let h = swagger_fp("Weather", "api.weatherapi.com", "/data/2.5", &["/weather"]);
        assert_eq!(verdict(&a, &h), None);
    }

    #[test]
    fn tenant_hosts_compare_their_vendor_domain_with_the_operations() {
        let ops = ["/api/now/table/{t}", "/api/now/table/{t}/{id}", "/api/now/attachment"];
        let original = swagger_fp("ServiceNow Tables", "{instance}.service-now.com", "/", &ops);
        // A rebranded copy: another placeholder spelling, the same operations, a new title.
        let copy = swagger_fp("Now Records Pro", "your-instance.service-now.com", "/", &ops);
        assert_eq!(verdict(&copy, &original), Some(Verdict::Duplicate));
        let contoso = swagger_fp("Records", "contoso.service-now.com", "/", &ops[..1]);
        assert_eq!(verdict(&contoso, &original), Some(Verdict::Duplicate));
        // The same vendor with other operations is related only.
        let other = swagger_fp("ServiceNow Catalog", "yourdomain.service-now.com", "/", &["/api/sn_sc/catalog"]);
        assert_eq!(verdict(&other, &original), Some(Verdict::Related));
        // Placeholders that name no vendor prove nothing: the operations alone say related.
        let a = swagger_fp("One", "api.contoso.com", "/", &ops);
        let b = swagger_fp("Two", "yourhost.yourdomain.com", "/", &ops);
        assert_eq!(verdict(&a, &b), Some(Verdict::Related));
        assert_eq!(verdict(&a, &swagger_fp("Two", "yourhost.yourdomain.com", "/", &ops[..1])), None);
        // Nor does shared hosting.
        let a = swagger_fp("One", "{app}.azurewebsites.net", "/", &ops);
        let b = swagger_fp("Two", "{site}.azurewebsites.net", "/", &ops);
        assert_eq!(verdict(&a, &b), Some(Verdict::Related));
    }

    #[test]
    fn a_publishers_own_family_is_related_unless_it_is_the_same_connector() {
        let with = |publisher: &str, mut f: Fingerprint| {
            f.publisher = crate::connector::fingerprint::normalize_publisher(publisher);
            f
        };
        let ops = ["/constituents", "/constituents/{id}", "/gifts", "/events"];
        let suite = with(
            "Blackbaud, Inc.",
            swagger_fp("Raiser's Edge NXT", "api.sky.blackbaud.com", "/", &ops),
        );
        let part = with(
            "Blackbaud Inc",
            swagger_fp("Raiser's Edge NXT Events", "api.sky.blackbaud.com", "/", &ops[3..]),
        );
        assert_eq!(verdict(&part, &suite), Some(Verdict::Related));
        let (_, _, evidence) = judge(&compare(&part, &suite), &suite, &THRESHOLDS).unwrap();
        assert!(
            evidence.iter().any(|e| e.contains("the same publisher (blackbaud)")),
            "{evidence:?}"
        );
        // Another publisher's copy of the same operations is a duplicate...
        let copy = with("Jane Doe", swagger_fp("NXT Events", "api.sky.blackbaud.com", "/", &ops[3..]));
        assert_eq!(verdict(&copy, &suite), Some(Verdict::Duplicate));
        // ... and so is the publisher's own connector under the same title (an update, not a new folder).
        let again = with("Blackbaud", swagger_fp("Raiser's Edge NXT", "api.sky.blackbaud.com", "/", &ops));
        assert_eq!(verdict(&again, &suite), Some(Verdict::Duplicate));
        assert_eq!(
            crate::connector::fingerprint::normalize_publisher("ReversingLabs US Inc."),
            Some("reversinglabs".into())
        );
        assert_eq!(crate::connector::fingerprint::normalize_publisher(" Inc. "), None);
    }

    #[test]
    fn a_title_alone_is_related_not_duplicate() {
        // A new version published as its own folder: same host, base path and title, no operation in common.
        let v1 = swagger_fp("Acme CRM", "api.acme.io", "/", &["/contacts", "/deals"]);
        let v2 = swagger_fp("Acme CRM V2", "api.acme.io", "/", &["/v2/people", "/v2/opportunities"]);
        assert_eq!(verdict(&v2, &v1), Some(Verdict::Related));
        // With an operation in common, the title and base path still say duplicate.
        let v1b = swagger_fp("Acme CRM", "api.acme.io", "/", &["/contacts", "/deals", "/notes"]);
        let update = swagger_fp("Acme CRM", "api.acme.io", "/", &["/contacts", "/tasks", "/leads"]);
        assert_eq!(verdict(&update, &v1b), Some(Verdict::Duplicate));
    }

    #[test]
    fn placeholder_hosts_alone_make_nothing_the_same() {
        let a = fp("Contoso Sample", "api.contoso.com", "/", &["/a", "/b"]);
        let b = fp("Other Thing", "api.contoso.com", "/", &["/c"]);
        assert!(judge(&compare(&a, &b), &b, &THRESHOLDS).is_none());
        // ... but the same title and the same operations still do.
        let c = fp("Contoso Sample", "api.contoso.com", "/", &["/a", "/b", "/x", "/y"]);
        let d = fp("Contoso Sample V2", "yourhost.yourdomain.com", "/", &["/a", "/b", "/x", "/y"]);
        assert_eq!(judge(&compare(&c, &d), &d, &THRESHOLDS).unwrap().0, Verdict::Duplicate);
    }

    #[test]
    fn text_queries_are_told_apart() {
        assert!(
            matches!(parse_text_query("https://api.deepl.com/v2/translate?x=1"), Query::Host { host, base_path: Some(b) } if host == "api.deepl.com" && b == "/v2/translate")
        );
        assert!(matches!(
            parse_text_query("graph.microsoft.com"),
            Query::Host { base_path: None, .. }
        ));
        assert!(matches!(parse_text_query("Adobe PDF Services"), Query::Title(_)));
    }
}
