//! Ranked duplicate search over the index.
//!
//! A duplicate is the same API, not the same host: `graph.microsoft.com` alone serves 15
//! legitimate connectors. So the verdicts weigh operations in common first, then host, base path
//! and title together, and placeholder hosts never count as evidence. The thresholds were
//! measured on the corpus (`examples/search_eval.rs`); see [`Thresholds`].

use super::index::{Index, IndexedConnector};
use crate::connector::fingerprint::{host_kin, tenant_domain, HostKin};
use crate::connector::{Category, Fingerprint};
use std::borrow::Cow;
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
    /// The second round of rules (issue 25): hosts that are one vendor's one API though written
    /// differently ([`HostKin`]), the routes policies rewrite, and path suffixes after a leading
    /// version segment. Off gives the rules before, which `search_eval` compares against.
    pub extended: bool,
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
    extended: true,
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
    /// Different hosts that are one vendor's one API (`www.`, sandbox, tenant): the operations
    /// decide as on one real host.
    pub host_kin: Option<HostKin>,
    /// The routes compared are the ones a policy rewrote (`apiProperties.json`), on this side or both.
    pub routed: bool,
    /// The operations line up only after a leading version segment (`/v2/v1.0/planner/...` and
    /// `/v1.0/planner/...`): every operation of the smaller connector, on the same vendor's host.
    pub suffix: bool,
}

fn operation_keys(fp: &Fingerprint) -> Keys<'_> {
    keys_of(&fp.operations)
}

/// Method and lower-cased path of each operation, borrowed where the path is lower case already
/// (most are: a folder search reads ~40,000 of them).
fn keys_of(operations: &BTreeSet<crate::connector::fingerprint::Operation>) -> Keys<'_> {
    operations
        .iter()
        .map(|o| {
            let path = if o.path.chars().any(char::is_uppercase) {
                Cow::Owned(o.path.to_lowercase())
            } else {
                Cow::Borrowed(o.path.as_str())
            };
            (o.method.as_ref(), path)
        })
        .collect()
}

pub fn compare(q: &Fingerprint, c: &Fingerprint) -> Comparison {
    compare_with(q, c, &THRESHOLDS)
}

/// [`compare`] under other rules (`search_eval` measures the rules before against these).
pub fn compare_with(q: &Fingerprint, c: &Fingerprint, t: &Thresholds) -> Comparison {
    compare_keyed(q, &operation_keys(q), c, t)
}

/// An operation's method and lower-cased path.
type Keys<'a> = BTreeSet<(&'a str, Cow<'a, str>)>;

/// One way of reading a connector's routes: as written, or with its policies applied.
struct Routes<'a> {
    host: Option<&'a str>,
    placeholder: bool,
    keys: Cow<'a, Keys<'a>>,
}

impl<'a> Routes<'a> {
    fn written(f: &'a Fingerprint, keys: &'a Keys<'a>) -> Routes<'a> {
        Routes {
            host: f.host.as_deref(),
            placeholder: f.host_is_placeholder,
            keys: Cow::Borrowed(keys),
        }
    }

    /// `written_keys`: the written operations' keys, which are the routes when only the host moved.
    fn routed(f: &'a Fingerprint, written_keys: &'a Keys<'a>) -> Option<Routes<'a>> {
        f.routed.as_ref().map(|r| Routes {
            host: r.host.as_deref(),
            placeholder: r.host_is_placeholder,
            keys: if r.operations.is_empty() {
                Cow::Borrowed(written_keys)
            } else {
                Cow::Owned(keys_of(&r.operations))
            },
        })
    }
}

/// What one pair of readings shares: the host relation and the operations.
#[derive(Clone, Copy)]
struct Measure {
    same_real_host: bool,
    same_tenant_domain: bool,
    host_kin: Option<HostKin>,
    common: usize,
    containment: f64,
    suffix: bool,
}

impl Measure {
    fn same_vendor(&self) -> bool {
        self.same_real_host || self.same_tenant_domain || self.host_kin.is_some()
    }

    /// Best first: the same vendor with every operation of the smaller one, then more shared.
    fn rank(&self) -> (bool, bool, f64, usize) {
        (
            self.same_vendor() && self.containment >= 1.0,
            self.same_vendor(),
            self.containment,
            self.common,
        )
    }
}

fn measure<'a>(q: &Routes<'a>, c: &Routes<'a>, t: &Thresholds) -> Measure {
    let same_real_host = q.host.is_some() && q.host == c.host && !q.placeholder && !c.placeholder;
    // Only placeholders have a tenant domain (most hosts are real: this stays off the hot path).
    let same_tenant_domain = match (q.host, c.host) {
        (Some(a), Some(b)) if q.placeholder && c.placeholder => tenant_domain(a).is_some_and(|d| tenant_domain(b) == Some(d)),
        _ => false,
    };
    let host_kin = match (q.host, c.host) {
        (Some(a), Some(b)) if t.extended && !same_real_host && !same_tenant_domain => host_kin(a, q.placeholder, b, c.placeholder),
        _ => None,
    };
    let common = q.keys.intersection(&c.keys).count();
    let smaller = q.keys.len().min(c.keys.len());
    let containment = if smaller == 0 { 0.0 } else { common as f64 / smaller as f64 };
    let mut m = Measure {
        same_real_host,
        same_tenant_domain,
        host_kin,
        common,
        containment,
        suffix: false,
    };
    // A version or service prefix on one side only: every operation of the smaller connector
    // after stripping a leading version segment from the other's (never from both: `/v1/x` and
    // `/v2/x` are two versions, not one API).
    if t.extended && m.same_vendor() && containment < 1.0 && smaller > 0 {
        for (a, b) in [(&q.keys, &c.keys), (&c.keys, &q.keys)] {
            let Some(stripped) = strip_leading_version(a) else { continue };
            let common = stripped.intersection(b).count();
            let smaller = stripped.len().min(b.len());
            if common > 0 && common == smaller {
                m.common = common;
                m.containment = 1.0;
                m.suffix = true;
                break;
            }
        }
    }
    m
}

/// A leading version segment: `v2`, `v1.0`, `2.0`, `beta`.
fn is_version_segment(segment: &str) -> bool {
    let digits = segment.strip_prefix(['v', 'V']).unwrap_or(segment);
    segment == "beta"
        || !digits.is_empty() && digits.starts_with(|c: char| c.is_ascii_digit()) && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// The keys with a leading version segment dropped from every path that has one and more after
/// it; `None` when no path has one.
fn strip_leading_version<'a>(keys: &Keys<'a>) -> Option<Keys<'a>> {
    let mut changed = false;
    let out = keys
        .iter()
        .map(|(method, path)| {
            let rest = path.strip_prefix('/').and_then(|p| p.split_once('/'));
            match rest {
                Some((first, rest)) if is_version_segment(first) && !rest.is_empty() => {
                    changed = true;
                    (*method, Cow::Owned(format!("/{rest}")))
                }
                _ => (*method, path.clone()),
            }
        })
        .collect();
    changed.then_some(out)
}

/// [`compare`] with the query's operation keys made once (a search compares it ~1,000 times).
fn compare_keyed(q: &Fingerprint, qo: &Keys, c: &Fingerprint, t: &Thresholds) -> Comparison {
    let co = operation_keys(c);
    let q_written = Routes::written(q, qo);
    let c_written = Routes::written(c, &co);
    let mut best = (measure(&q_written, &c_written, t), false);
    let title = match (&q.title, &c.title) {
        (Some(a), Some(b)) => title_similarity(a, b),
        _ => 0.0,
    };
    // The routes a policy rewrote, read only where they can weigh: a host of the same vendor,
    // or a similar title (the operations alone, elsewhere, make nothing the same).
    if t.extended && (q.routed.is_some() || c.routed.is_some()) {
        fn host_of(f: &Fingerprint, routed: bool) -> (Option<&str>, bool) {
            match (&f.routed, routed) {
                (Some(r), true) => (r.host.as_deref(), r.host_is_placeholder),
                _ => (f.host.as_deref(), f.host_is_placeholder),
            }
        }
        let worth = |qr: bool, cr: bool| {
            let ((qh, qp), (ch, cp)) = (host_of(q, qr), host_of(c, cr));
            title >= t.related_title
                || match (qh, ch) {
                    (Some(a), Some(b)) => {
                        a == b && !qp && !cp
                            || qp && cp && tenant_domain(a).is_some_and(|d| tenant_domain(b) == Some(d))
                            || host_kin(a, qp, b, cp).is_some()
                    }
                    _ => false,
                }
        };
        let (mut qr, mut cr) = (None, None);
        for (use_q, use_c) in [(true, false), (false, true), (true, true)] {
            if use_q && q.routed.is_none() || use_c && c.routed.is_none() || !worth(use_q, use_c) {
                continue;
            }
            let a = if use_q {
                qr.get_or_insert_with(|| Routes::routed(q, qo).unwrap_or_else(|| Routes::written(q, qo)))
            } else {
                &q_written
            };
            let b = if use_c {
                cr.get_or_insert_with(|| Routes::routed(c, &co).unwrap_or_else(|| Routes::written(c, &co)))
            } else {
                &c_written
            };
            let m = measure(a, b, t);
            if m.rank() > best.0.rank() {
                best = (m, true);
            }
        }
    }
    let (m, routed) = best;
    let same_real_host = q.host.is_some() && q.host == c.host && !q.host_is_placeholder && !c.host_is_placeholder;
    let identical = q.title == c.title
        && q.host == c.host
        && q.base_path == c.base_path
        && q.operations == c.operations
        && (!qo.is_empty() || same_real_host);
    Comparison {
        same_publisher: q.publisher.is_some() && q.publisher == c.publisher,
        same_real_host: m.same_real_host,
        same_tenant_domain: m.same_tenant_domain,
        same_base_path: q.base_path == c.base_path,
        common: m.common,
        containment: m.containment,
        title,
        identical,
        host_kin: m.host_kin,
        routed,
        suffix: m.suffix,
    }
}

/// What a comparison found, in words, for the reader of a verdict.
fn evidence(cmp: &Comparison, c: &Fingerprint, t: &Thresholds) -> Vec<String> {
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
    if cmp.same_real_host && cmp.routed {
        evidence.push("the same host once the policies route the requests".into());
    } else if cmp.same_real_host {
        let host = c.host.as_deref().unwrap_or("");
        evidence.push(if cmp.same_base_path {
            format!("the same host and base path ({host}{})", c.base_path)
        } else {
            format!("the same host ({host})")
        });
    }
    if cmp.same_tenant_domain {
        // The tenant host compared may be the one the policies route to.
        let host = c
            .routed
            .as_ref()
            .filter(|_| cmp.routed)
            .map_or(c.host.as_deref(), |r| r.host.as_deref());
        let domain = host.and_then(tenant_domain).unwrap_or("");
        evidence.push(format!("the same vendor domain behind a tenant host ({domain})"));
    }
    if let Some(kin) = cmp.host_kin {
        // The host compared may be the one its policies route to: name it only when written.
        evidence.push(match (cmp.routed, c.host.as_deref()) {
            (false, Some(host)) => format!("{} ({host})", kin.describe()),
            _ => kin.describe().to_string(),
        });
    }
    if cmp.routed && cmp.common > 0 {
        evidence.push("the routes as apiProperties.json's policies rewrite them".into());
    }
    if cmp.suffix {
        evidence.push("every operation of the smaller connector, after a leading version segment".into());
    }
    if cmp.title >= t.related_title {
        evidence.push(if cmp.title >= 0.999 {
            "the same title".into()
        } else {
            format!("a similar title ({:.0}% alike)", cmp.title * 100.0)
        });
    }
    evidence
}

/// Judge one comparison: the verdict (if any), a score for ranking, and the evidence.
pub fn judge(cmp: &Comparison, c: &Fingerprint, t: &Thresholds) -> Option<(Verdict, f64, Vec<String>)> {
    let mut evidence = evidence(cmp, c, t);
    // The same vendor: the same real host, tenant hosts on the same registrable domain, or hosts
    // that differ only by `www.`, an environment, or a tenant ([`HostKin`]).
    let same_vendor = cmp.same_real_host || cmp.same_tenant_domain || cmp.host_kin.is_some();
    let by_share = cmp.common >= t.min_common && cmp.containment >= t.containment;
    // Every operation of the smaller connector is in the other: the same endpoints, however few.
    let contained = cmp.common > 0 && cmp.containment >= 1.0;
    // A tenant placeholder and one real tenant: only every operation of the smaller one says so
    // (the vendor's other products live on other subdomains of the same domain).
    let loose_host = cmp.host_kin == Some(HostKin::Tenant) || cmp.suffix;
    let same_api_by_operations = same_vendor && (contained || by_share && !loose_host);
    // The same title on the same host and base path, with an operation in common: a title alone
    // is a vendor's second product or a new version published as its own folder.
    let same_api_by_identity = same_vendor && !loose_host && cmp.same_base_path && cmp.title >= t.same_title && cmp.common > 0;
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
    search_with(index, query, exclude, browse, &THRESHOLDS)
}

/// [`search`] under other rules (`search_eval` measures the rules before against these).
pub fn search_with(
    index: &Index,
    query: &Query,
    exclude: Option<&str>,
    browse: &dyn Fn(&str) -> Option<String>,
    t: &Thresholds,
) -> Vec<Candidate> {
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
            Query::Connector(q, _) => judge(&compare_keyed(q, query_keys.as_ref().unwrap_or(&empty), fp, t), fp, t),
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
            publisher: None,
            routed: None,
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
    fn www_and_sandbox_hosts_are_the_production_api_with_the_same_operations() {
        let ops = ["/v1/orders", "/v1/orders/{id}", "/v1/customers"];
        let prod = swagger_fp("Acme Shop", "api.acmeshop.io", "/", &ops);
        for host in [
            "www.api.acmeshop.io",
            "sandbox.api.acmeshop.io",
            "api-sandbox.acmeshop.io",
            "api.staging.acmeshop.io",
        ] {
            let copy = swagger_fp("Shop Orders", host, "/", &ops);
            assert_eq!(verdict(&copy, &prod), Some(Verdict::Duplicate), "{host}");
            assert_eq!(verdict(&prod, &copy), Some(Verdict::Duplicate), "{host}");
        }
        let apex = swagger_fp("Acme", "acmeshop.io", "/", &ops);
        assert_eq!(
            verdict(&swagger_fp("Acme www", "www.acmeshop.io", "/", &ops[..2]), &apex),
            Some(Verdict::Duplicate)
        );
        let (_, _, evidence) = judge(
            &compare(&swagger_fp("S", "sandbox-api.acmeshop.io", "/", &ops), &prod),
            &prod,
            &THRESHOLDS,
        )
        .unwrap();
        assert!(evidence.iter().any(|e| e.contains("sandbox or test host")), "{evidence:?}");
        // Near misses: the sandbox of another product area, another subdomain, shared hosting.
        let other = swagger_fp("Acme Billing", "sandbox.billing.acmeshop.io", "/", &["/v1/invoices", "/v1/refunds"]);
        assert_eq!(verdict(&other, &prod), None);
        let other_product = swagger_fp("Acme Ads", "ads.acmeshop.io", "/", &ops);
        assert_eq!(verdict(&other_product, &prod), Some(Verdict::Related));
        let a = swagger_fp("One", "acme.azurewebsites.net", "/", &ops);
        let b = swagger_fp("Two", "acme-staging.azurewebsites.net", "/", &ops);
        assert_eq!(verdict(&a, &b), Some(Verdict::Related));
        // The rules before did not see these.
        let before = Thresholds {
            extended: false,
            ..THRESHOLDS
        };
        let copy = swagger_fp("Shop Orders", "www.api.acmeshop.io", "/", &ops);
        assert_eq!(
            judge(&compare_with(&copy, &prod, &before), &prod, &before).map(|j| j.0),
            Some(Verdict::Related)
        );
    }

    #[test]
    fn a_tenant_placeholder_and_a_real_tenant_of_the_vendor_with_identical_operations() {
        let ops = ["/api/v2/tickets", "/api/v2/tickets/{id}", "/api/v2/users"];
        let original = swagger_fp("Helpdesk Tickets", "{subdomain}.helpdeskly.com", "/", &ops);
        let real = swagger_fp("Tickets for Contoso", "acme.helpdeskly.com", "/", &ops);
        assert_eq!(verdict(&real, &original), Some(Verdict::Duplicate));
        assert_eq!(verdict(&original, &real), Some(Verdict::Duplicate));
        let spelled = swagger_fp("Helpdesk", "yourcompany.helpdeskly.com", "/", &ops[..2]);
        assert_eq!(verdict(&spelled, &original), Some(Verdict::Duplicate));
        // Near misses: a real tenant with only most of the operations, the vendor's other
        // product on another subdomain, another vendor's tenant.
        let most = swagger_fp(
            "T",
            "acme.helpdeskly.com",
            "/",
            &["/api/v2/tickets", "/api/v2/tickets/{id}", "/api/v2/views"],
        );
        assert_eq!(verdict(&most, &original), Some(Verdict::Related));
        let chat = swagger_fp("Helpdesk Chat", "chat.helpdeskly.com", "/", &["/api/v2/chats", "/api/v2/agents"]);
        assert_eq!(verdict(&chat, &original), Some(Verdict::Related));
        let elsewhere = swagger_fp("Tickets", "acme.otherdesk.com", "/", &ops);
        assert_eq!(verdict(&elsewhere, &original), Some(Verdict::Related));
    }

    fn with_properties(swagger: serde_json::Value, properties: serde_json::Value) -> Fingerprint {
        Fingerprint::from_swagger_with_policies(&swagger, Some(&properties))
    }

    #[test]
    fn routes_are_compared_as_the_policies_rewrite_them() {
        let swagger = |host: &str, base: &str, paths: &[(&str, &str)]| {
            let paths: serde_json::Map<String, serde_json::Value> = paths
                .iter()
                .map(|(p, id)| (p.to_string(), serde_json::json!({"get": {"operationId": id}})))
                .collect();
            serde_json::json!({"swagger": "2.0", "info": {"title": "X"}, "host": host, "basePath": base, "paths": paths})
        };
        // The real host and base path live in the policy; the copy writes them in the swagger.
        let hidden = with_properties(
            swagger(
                "definedinconnectionparameters",
                "/",
                &[("/issue/{id}", "GetIssue"), ("/search", "Search")],
            ),
            serde_json::json!({"properties": {"policyTemplateInstances": [
                {"templateId": "dynamichosturl", "title": "host", "parameters": {
                    "x-ms-apimTemplateParameter.urlTemplate": "https://@connectionParameters('jirainstance').atlassian.net/rest/api/"}},
                {"templateId": "setheader", "title": "h", "parameters": {
                    "x-ms-apimTemplateParameter.name": "X-Api", "x-ms-apimTemplateParameter.value": "1",
                    "x-ms-apimTemplateParameter.existsAction": "override", "x-ms-apimTemplate-policySection": "Request"}}
            ]}}),
        );
        let routed = hidden.routed.as_deref().expect("the policy moves the routes");
        assert_eq!(routed.host.as_deref(), Some("{}.atlassian.net"));
        let written = swagger_fp(
            "Jira Lite",
            "your-instance.atlassian.net",
            "/rest/api",
            &["/issue/{key}", "/search"],
        );
        assert_eq!(verdict(&written, &hidden), Some(Verdict::Duplicate));
        assert_eq!(verdict(&hidden, &written), Some(Verdict::Duplicate));
        // routerequesttoendpoint: the operation's written path is a decoy, newPath the route.
        let renamed = with_properties(
            swagger(
                "www.virustotal.com",
                "/",
                &[
                    ("/api/v3/ip_addresses/connectorV2/{ip}", "GetIp"),
                    ("/api/v3/files/{id}", "GetFile"),
                ],
            ),
            serde_json::json!({"properties": {"policyTemplateInstances": [
                {"templateId": "routerequesttoendpoint", "title": "r", "parameters": {
                    "x-ms-apimTemplate-operationName": ["GetIp"],
                    "x-ms-apimTemplateParameter.httpMethod": "@Request.OriginalHTTPMethod",
                    "x-ms-apimTemplateParameter.newPath": "/api/v3/ip_addresses/{ip}"}}
            ]}}),
        );
        let plain = swagger_fp(
            "VT",
            "www.virustotal.com",
            "/",
            &["/api/v3/ip_addresses/{ip}", "/api/v3/files/{id}"],
        );
        assert_eq!(verdict(&plain, &renamed), Some(Verdict::Duplicate));
        // Near misses: only header and query policies change nothing, and a policy's host of
        // another vendor does not make the same API.
        let headers_only = with_properties(
            swagger("api.acme.io", "/", &[("/a", "A")]),
            serde_json::json!({"properties": {"policyTemplateInstances": [
                {"templateId": "setqueryparameter", "parameters": {"x-ms-apimTemplateParameter.name": "k", "x-ms-apimTemplateParameter.value": "v"}}
            ]}}),
        );
        assert!(headers_only.routed.is_none());
        let other_vendor = swagger_fp(
            "Jira Lite",
            "your-instance.otherjira.net",
            "/rest/api",
            &["/issue/{key}", "/search"],
        );
        assert_ne!(verdict(&other_vendor, &hidden), Some(Verdict::Duplicate));
        // An expression that is the whole host keeps the written host.
        let whole = with_properties(
            swagger("api.hyas.com", "/", &[("/a", "A")]),
            serde_json::json!({"properties": {"policyTemplateInstances": [
                {"templateId": "dynamichosturl", "parameters": {"x-ms-apimTemplateParameter.urlTemplate": "@connectionParameters('apiUrl')/api"}}
            ]}}),
        );
        let r = whole.routed.as_deref().unwrap();
        assert_eq!(r.host.as_deref(), Some("api.hyas.com"));
        assert_eq!(r.operations.iter().next().unwrap().path, "/api/a");
        // Only the host moved: the routes are the written operations (not stored twice), on the
        // vendor's tenant host, so a copy on a real tenant with the same operations is found.
        let host_only = with_properties(
            swagger("definedinconnectionparameters", "/", &[("/api/tickets", "T"), ("/api/users", "U")]),
            serde_json::json!({"properties": {"policyTemplateInstances": [
                {"templateId": "dynamichosturl", "parameters": {"x-ms-apimTemplateParameter.urlTemplate": "https://@connectionParameters('subdomain').inserve.nl"}}
            ]}}),
        );
        let r = host_only.routed.as_deref().unwrap();
        assert_eq!((r.host.as_deref(), r.operations.len()), (Some("{}.inserve.nl"), 0));
        let tenant = swagger_fp("Inserve", "acme.inserve.nl", "/", &["/api/tickets", "/api/users"]);
        assert_eq!(verdict(&tenant, &host_only), Some(Verdict::Duplicate));
        assert_eq!(
            verdict(
                &swagger_fp("Inserve", "acme.inserve.nl", "/", &["/api/tickets", "/api/other"]),
                &host_only
            ),
            Some(Verdict::Related)
        );
    }

    #[test]
    fn a_version_prefix_on_one_side_hides_no_subset() {
        let upstream = swagger_fp(
            "Planner Plus",
            "graph.microsoft.com",
            "/v2",
            &[
                "/v1.0/planner/tasks",
                "/v1.0/planner/tasks/{id}",
                "/v1.0/planner/plans/{id}",
                "/v1.0/me/events",
            ],
        );
        let copy = swagger_fp(
            "My Planner",
            "graph.microsoft.com",
            "/v1.0",
            &["/planner/tasks", "/planner/tasks/{id}"],
        );
        assert_eq!(verdict(&copy, &upstream), Some(Verdict::Duplicate));
        assert_eq!(verdict(&upstream, &copy), Some(Verdict::Duplicate));
        // Near misses: one operation outside the other; a publisher's own v2 under a new base path
        // (never stripped on both sides); another real host.
        let partial = swagger_fp(
            "My Planner",
            "graph.microsoft.com",
            "/v1.0",
            &["/planner/tasks", "/planner/buckets"],
        );
        assert_eq!(verdict(&partial, &upstream), Some(Verdict::Related));
        let v1 = swagger_fp("Acme CRM", "api.acme.io", "/v1", &["/contacts", "/deals", "/notes"]);
        let v2 = swagger_fp("Acme Customers", "api.acme.io", "/v2", &["/contacts", "/deals", "/notes"]);
        assert_eq!(verdict(&v2, &v1), Some(Verdict::Related));
        let elsewhere = swagger_fp(
            "My Planner",
            "graph.contoso-cloud.com",
            "/v1.0",
            &["/planner/tasks", "/planner/tasks/{id}"],
        );
        assert_eq!(verdict(&elsewhere, &upstream), None);
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
