//! Secret scan: a pull request is public forever, so no credential may reach it.
//!
//! Two layers:
//! - a text scan ([`scan_text`]) over the bytes of every file of the folder (JSON, Markdown,
//!   script.csx, any other text) and over the file names, for well-known credential formats
//!   (GitHub, Azure storage keys and SAS signatures, Azure AD client secrets, AWS, Google, Slack,
//!   Stripe, OpenAI-style keys, JWTs, PEM private keys, passwords in URLs, bearer tokens in
//!   code) and for high-entropy values assigned to key-like names (`"apiKey": "..."`,
//!   `var token = "..."`, `API_KEY=...`);
//! - JSON checks that need the structure: OAuth client secrets and client ids in apiProperties,
//!   the defaults and examples of secret-named swagger parameters, the `defaultValue` of secure
//!   connection parameters, secrets in settings.json.
//!
//! Whatever is found is also what [`Masker`] hides wherever the tool prints or writes content
//! (the diff, `--json`, the `--patch` file): `ghp_…(40 chars)`.

use super::{JsonFile, Sink};
use crate::package::{ConnectorPackage, KnownFile, Position};
use regex::bytes::Regex;
use serde_json::Value;
use std::borrow::Cow;
use std::sync::LazyLock;

/// Words that mark a value as a stand-in, not a secret.
const PLACEHOLDER_WORDS: [&str; 19] = [
    "replace",
    "your",
    "dummy",
    "placeholder",
    "example",
    "sample",
    "xxxx",
    "****",
    "<",
    "{",
    "[[",
    "client_id",
    "clientid",
    "client-id",
    "secret",
    "todo",
    "here",
    "required",
    "$(",
];

/// Values published by their vendors for local development and documentation: not secrets.
const PUBLIC_VALUES: [&str; 6] = [
    // Azurite / the Azure storage emulator's well-known account key.
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
    // jwt.io's sample token signature.
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    // RFC 6749's (OAuth 2.0) example access token, refresh token, authorization code and client
    // credentials, copied into many APIs' documentation.
    "2YotnFZFEjr1zCsicMWpAA",
    "tGzv3JOkF0XG5Qx2TlKWIA",
    "SplxlOBeZQQYbYS6WxSbIA",
    "czZCaGRSa3F0MzpnWDFmQmF0M2JW",
];

/// A value that is clearly a stand-in (`[[REPLACE WITH CLIENT ID]]`, `YOUR_API_KEY`, all zeros).
pub(crate) fn is_placeholder(value: &str) -> bool {
    let v = value.trim().to_ascii_lowercase();
    if v.len() < 8 {
        return true;
    }
    if v.chars().filter(|c| c.is_ascii_alphanumeric()).all(|c| c == '0' || c == 'x') {
        return true;
    }
    if PLACEHOLDER_WORDS.iter().any(|w| v.contains(w)) {
        return true;
    }
    if PUBLIC_VALUES.iter().any(|p| value.contains(p)) {
        return true;
    }
    // A value made of one repeated character, or a plain word.
    let distinct: std::collections::BTreeSet<char> = v.chars().collect();
    distinct.len() <= 3
}

/// Shannon entropy in bits per character.
fn entropy(s: &str) -> f64 {
    let mut counts = std::collections::HashMap::new();
    for c in s.chars() {
        *counts.entry(c).or_insert(0usize) += 1;
    }
    let n = s.chars().count() as f64;
    counts.values().map(|&k| k as f64 / n).map(|p| -p * p.log2()).sum()
}

/// Looks like a generated key: long, no spaces, letters and digits mixed, high entropy.
fn looks_random(value: &str) -> bool {
    let v = value.trim();
    v.len() >= 16
        && !v.contains(' ')
        && v.chars().any(|c| c.is_ascii_digit())
        && v.chars().any(|c| c.is_ascii_alphabetic())
        && entropy(v) >= 3.5
        && !v.starts_with("http")
        && !is_placeholder(v)
        && !looks_like_words(v)
}

/// `Some.Dotted.Name`, `snake_case_words`, `/a/path`, a GUID: identifiers, paths and ids that
/// happen to be long, not generated keys.
fn looks_like_words(v: &str) -> bool {
    let guid = v.len() == 36 && v.bytes().filter(|&b| b == b'-').count() == 4 && v.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-');
    let path = v.contains('/')
        && v.split('/')
            .filter(|s| !s.is_empty())
            .all(|s| s.len() < 20 && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_.{}".contains(c)));
    // Separated parts that are each short: `Contoso.Api.Client2`, `my-app-v2-prod`.
    let parts: Vec<&str> = v.split(['.', '-', '_', ':', '/']).filter(|s| !s.is_empty()).collect();
    let wordy = parts.len() >= 3 && parts.iter().all(|p| p.len() <= 10);
    // Code: `Environment.GetEnvironmentVariable2`, `Settings.Default.ApiKey`: dotted names of
    // letters (a digit or two at the end), where a generated part mixes digits in throughout.
    let member = v.contains('.')
        && v.split('.').all(|p| {
            let letters = p.trim_end_matches(|c: char| c.is_ascii_digit());
            !letters.is_empty() && p.len() - letters.len() <= 2 && letters.chars().all(|c| c.is_ascii_alphabetic() || c == '_')
        });
    guid || path || wordy || member
}

/// A registered application's id: a GUID, or a generated string of letters and digits.
/// Readable names ("microsoft.flow", "power-platform-integration") identify nothing secret.
fn looks_like_client_id(value: &str) -> bool {
    let v = value.trim();
    if is_placeholder(v) {
        return false;
    }
    let is_guid = v.len() == 36
        && v.chars().enumerate().all(|(i, c)| {
            if [8, 13, 18, 23].contains(&i) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        });
    let generated = v.len() >= 12
        && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && v.chars().any(|c| c.is_ascii_digit())
        && v.chars().any(|c| c.is_ascii_alphabetic())
        && entropy(v) >= 3.0;
    is_guid || generated
}

/// What kind of credential a hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SecretKind {
    PrivateKey,
    Jwt,
    GitHubToken,
    AwsAccessKey,
    AwsSecretKey,
    GoogleApiKey,
    SlackToken,
    StripeKey,
    OpenAiKey,
    AzureStorageKey,
    /// `SharedAccessKey=` of a Service Bus, Event Hubs or IoT Hub connection string.
    AzureSharedAccessKey,
    AzureSas,
    AzureAdSecret,
    UrlPassword,
    BearerToken,
    /// A high-entropy value assigned to a key-like name.
    Assignment,
}

impl SecretKind {
    pub fn describe(self) -> &'static str {
        match self {
            SecretKind::PrivateKey => "a PEM private key",
            SecretKind::Jwt => "a JSON Web Token",
            SecretKind::GitHubToken => "a GitHub token",
            SecretKind::AwsAccessKey => "an AWS access key id",
            SecretKind::AwsSecretKey => "an AWS secret access key",
            SecretKind::GoogleApiKey => "a Google API key",
            SecretKind::SlackToken => "a Slack token",
            SecretKind::StripeKey => "a Stripe live key",
            SecretKind::OpenAiKey => "an OpenAI-style secret key",
            SecretKind::AzureStorageKey => "an Azure storage account key",
            SecretKind::AzureSharedAccessKey => "an Azure shared access key (Service Bus, Event Hubs, IoT Hub)",
            SecretKind::AzureSas => "an Azure shared access signature",
            SecretKind::AzureAdSecret => "an Azure AD client secret",
            SecretKind::UrlPassword => "a password in a URL",
            SecretKind::BearerToken => "a bearer token",
            SecretKind::Assignment => "a key-like value",
        }
    }

    /// The rule a hit of this kind fires.
    pub fn rule(self) -> &'static str {
        match self {
            SecretKind::PrivateKey => "secret-private-key",
            SecretKind::UrlPassword => "secret-url-password",
            SecretKind::Assignment => "secret-value",
            _ => "secret-token",
        }
    }
}

/// One credential found in a text: its byte span and kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    pub kind: SecretKind,
}

struct Pattern {
    kind: SecretKind,
    re: Regex,
    /// The capture group holding the secret itself (0: the whole match).
    group: usize,
    accept: fn(&str) -> bool,
    /// A credential format with a fixed shape (a prefix, a length, an alphabet): also searched in
    /// binary files, where random bytes never take that shape. The generic key-like assignments
    /// are not formats.
    format: bool,
}

fn not_placeholder(v: &str) -> bool {
    !is_placeholder(v)
}

fn has_digit_and_letter(v: &str) -> bool {
    v.bytes().any(|b| b.is_ascii_digit()) && v.bytes().any(|b| b.is_ascii_alphabetic()) && !is_placeholder(v)
}

fn private_key_body(v: &str) -> bool {
    // A real key has a long base64 body; documentation shows `...` or a placeholder.
    // `-----BEGIN X-----body-----END X-----`: the body is the third piece.
    let body = v.split("-----").nth(2).unwrap_or("");
    let base64 = body
        .bytes()
        .filter(|b| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/')
        .count();
    base64 >= 64 && !body.contains("...") && !body.to_ascii_lowercase().contains("your")
}

fn jwt_header(v: &str) -> bool {
    use base64::Engine;
    let header = v.split('.').next().unwrap_or("");
    let Ok(bytes) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(header.trim_end_matches('=')) else {
        return false;
    };
    let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(&bytes) else {
        return false;
    };
    map.contains_key("alg") && !PUBLIC_VALUES.iter().any(|p| v.contains(p))
}

fn url_password(v: &str) -> bool {
    let lower = v.to_ascii_lowercase();
    const STAND_INS: [&str; 12] = [
        "password",
        "pass",
        "passwd",
        "pwd",
        "secret",
        "token",
        "apikey",
        "api_key",
        "x-oauth-basic",
        "key",
        "pw",
        "changeme",
    ];
    v.len() >= 4
        && !STAND_INS.contains(&lower.as_str())
        && !["{", "<", "$", "%s", "xxx", "***", "your", "..."].iter().any(|w| lower.contains(w))
        && !lower.chars().all(|c| c == '*' || c == 'x')
}

fn random_token(v: &str) -> bool {
    looks_random(v)
}

/// A PEM private key header followed by a key body, with or without its END line.
const PEM_FULL: &str =
    r"(?-u)-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?s:.*?)-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----";
/// A truncated paste: the header and at least one long line of base64 (lines separated by line
/// breaks, escaped ones in a JSON or C# string, or spaces when the breaks were lost), no END.
const PEM_TRUNCATED: &str = r"(?-u)-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?:[ \t\r\n]|\\[rn])*[A-Za-z0-9+/]{40,}={0,2}(?:(?:[ \t\r\n]|\\[rn])+[A-Za-z0-9+/]{16,}={0,2})*";

static PEM: LazyLock<[Regex; 2]> = LazyLock::new(|| {
    [
        Regex::new(PEM_FULL).expect("PEM pattern"),
        Regex::new(PEM_TRUNCATED).expect("PEM pattern"),
    ]
});

/// Base64 of a PEM private key (`LS0tLS1CRUdJTi…` is base64 of `-----BEGIN`), as Kubernetes
/// secrets and some vendors' portals hand keys out: decoded, it must hold a real key. A
/// certificate (`-----BEGIN CERTIFICATE-----`) is public.
fn base64_private_key(v: &str) -> bool {
    use base64::Engine;
    let clean: String = v
        .replace("\\r", "")
        .replace("\\n", "")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '+' || *c == '/')
        .collect();
    let usable = clean.len() - clean.len() % 4;
    let Ok(decoded) = base64::engine::general_purpose::STANDARD_NO_PAD.decode(&clean[..usable]) else {
        return false;
    };
    PEM.iter().any(|re| {
        re.find_iter(&decoded)
            .any(|m| private_key_body(&String::from_utf8_lossy(m.as_bytes())))
    })
}

/// The key-like words of a name whose value is a credential (`apiKey`, `CLIENT_SECRET`,
/// `x-api-key`, `Pwd`, `SharedAccessKey`).
const NAME_WORDS: &str =
    r"(?:api[_\-]?key|secret|token|passw(?:or)?d|pwd|access[_\-]?key|auth[_\-]?key|subscription[_\-]?key|private[_\-]?key)";

/// Names of keys, variables and settings whose value is a credential.
fn assignment_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase().replace(['-', '_', '.'], "");
    // What is *about* a credential, not one: its URL, name, type, header, lifetime.
    const ABOUT: [&str; 16] = [
        "url",
        "uri",
        "endpoint",
        "name",
        "type",
        "header",
        "prefix",
        "format",
        "label",
        "description",
        "path",
        "expiry",
        "expires",
        "lifetime",
        "id",
        "param",
    ];
    !ABOUT.iter().any(|w| n.ends_with(w)) && !n.starts_with("xms") && !TOKENS_NOT_CREDENTIALS.iter().any(|w| n.ends_with(w))
}

/// Tokens that hold a place, not a right: pagination and anti-forgery tokens
/// (`nextPageToken`, `continuationToken`, "Next page token: …").
const TOKENS_NOT_CREDENTIALS: [&str; 10] = [
    "pagetoken",
    "nexttoken",
    "continuationtoken",
    "synctoken",
    "skiptoken",
    "deltatoken",
    "resumetoken",
    "cursortoken",
    "csrftoken",
    "xsrftoken",
];

static PATTERNS: LazyLock<Vec<Pattern>> = LazyLock::new(|| {
    let p = |kind, re: &str, group, accept: fn(&str) -> bool| Pattern {
        kind,
        re: Regex::new(re).expect("secret pattern"),
        group,
        accept,
        format: kind != SecretKind::Assignment,
    };
    use SecretKind::*;
    vec![
        p(PrivateKey, PEM_FULL, 0, private_key_body),
        p(PrivateKey, PEM_TRUNCATED, 0, private_key_body),
        p(
            PrivateKey,
            r"(?-u)\bLS0tLS1CRUdJTi[A-Za-z0-9+/]{20,}={0,2}(?:(?:\r?\n|\\r\\n|\\n)[A-Za-z0-9+/]{4,}={0,2})*",
            0,
            base64_private_key,
        ),
        p(
            Jwt,
            r"(?-u)\beyJ[A-Za-z0-9_\-]{8,}={0,2}\.[A-Za-z0-9_\-]{8,}={0,2}\.[A-Za-z0-9_\-]{16,}={0,2}",
            0,
            jwt_header,
        ),
        p(
            GitHubToken,
            r"(?-u)\b(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{50,240})\b",
            0,
            not_placeholder,
        ),
        p(AwsAccessKey, r"(?-u)\b(?:AKIA|ASIA)[A-Z0-9]{16}\b", 0, not_placeholder),
        p(
            AwsSecretKey,
            r#"(?-u)(?i)aws[a-z0-9_\-. ]{0,20}(?:secret|private)[a-z0-9_\-. ]{0,20}["']?\s*(?::|=|=>)\s*["']?([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)"#,
            1,
            random_token,
        ),
        p(
            GoogleApiKey,
            r"(?-u)\b(AIza[0-9A-Za-z_\-]{35})(?:[^0-9A-Za-z_\-]|$)",
            1,
            not_placeholder,
        ),
        p(SlackToken, r"(?-u)\bxox[abposr]-[0-9A-Za-z\-]{10,250}", 0, has_digit_and_letter),
        p(StripeKey, r"(?-u)\b[sr]k_live_[0-9A-Za-z]{20,247}\b", 0, not_placeholder),
        p(
            OpenAiKey,
            r"(?-u)\bsk-(?:proj-|svcacct-|admin-|ant-api03-)?[A-Za-z0-9_\-]{20,200}",
            0,
            |v| looks_random(v.trim_start_matches("sk-")) && !v.contains("--"),
        ),
        p(
            AzureStorageKey,
            r"(?-u)(?i)AccountKey=([A-Za-z0-9+/]{40,}={0,2})",
            1,
            not_placeholder,
        ),
        p(
            AzureSharedAccessKey,
            r"(?-u)(?i)SharedAccessKey=([A-Za-z0-9+/]{40,}={0,2})",
            1,
            has_digit_and_letter,
        ),
        p(AzureSas, r"(?-u)[?&]sig=([A-Za-z0-9%+/=]{30,})", 1, |v| {
            has_digit_and_letter(v) && entropy(v) >= 3.5
        }),
        // Dots end sentences and start file extensions (`the secret is aB38Q~….`, `aB38Q~….md`):
        // they may follow the secret, and `azure_ad_end` gives them back.
        p(
            AzureAdSecret,
            r"(?-u)(?:^|[^A-Za-z0-9_~.\-])([A-Za-z0-9_~.\-]{3}[0-9]Q~[A-Za-z0-9_~.\-]{31,34})(?:\.[A-Za-z0-9]{1,8})?\.*(?:[^A-Za-z0-9_~.\-]|$)",
            1,
            has_digit_and_letter,
        ),
        p(
            UrlPassword,
            r#"(?-u)\b[a-zA-Z][a-zA-Z0-9+.\-]{1,10}://[^/\s:@"'<>{}\[\]\\]{1,64}:([^/\s@"'<>{}\[\]\\]{1,128})@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+"#,
            1,
            url_password,
        ),
        p(BearerToken, r"(?-u)(?i)\bbearer\s+([A-Za-z0-9_\-.~+/]{20,}=*)", 1, random_token),
        // C#'s `new AuthenticationHeaderValue("Bearer", "…")` and the like: the scheme and the
        // token as two string arguments.
        p(
            BearerToken,
            r#"(?-u)(?i)["']bearer["']\s*,\s*[$@]{0,2}["']([A-Za-z0-9_\-.~+/]{20,}=*)["']"#,
            1,
            random_token,
        ),
        // `"apiKey": "…"`, `var token = "…"`, `$apiKey = '…'`, `clientSecret = @"…"`.
        p(
            Assignment,
            &format!(
                r#"(?-u)(?i)([a-z0-9_\-.]*{NAME_WORDS}[a-z0-9_\-]*)\\?["']?\s*(?::|=|=>|,)\s*@?\\?["']([^"'\r\n\\\s]{{16,256}})\\?["']"#
            ),
            2,
            random_token,
        ),
        // Unquoted: `API_KEY=…`, YAML `api_key: …`, `password = …`, a connection string's
        // `Password=…;`/`Pwd=…;`, a query string's `?api_key=…&`, a header line `x-api-key: …`.
        // A value followed by `(`, `[`, `{` or `<` is code (a call, an index, a generic).
        p(
            Assignment,
            &format!(
                r"(?-u)(?i)(?:^|[^A-Za-z0-9_\-.])([A-Za-z0-9_\-.]*{NAME_WORDS}[A-Za-z0-9_\-]*)[ \t]*[=:][ \t]*([A-Za-z0-9+/][A-Za-z0-9+/_\-=.~]{{15,255}})(?:[^A-Za-z0-9+/_\-=.~(\[{{<]|$)"
            ),
            2,
            random_token,
        ),
    ]
});

/// All the patterns at once: one pass tells whether any could match (most text has none).
static ANY_PATTERN: LazyLock<regex::bytes::RegexSet> =
    LazyLock::new(|| regex::bytes::RegexSet::new(PATTERNS.iter().map(|p| p.re.as_str())).expect("secret patterns"));

/// The end of an Azure AD client secret matched with what may follow it: dots that end a
/// sentence, or a file name's extension, are not part of it when the secret is long enough
/// without them (3 characters, a digit, `Q~`, then 31 to 34).
fn azure_ad_end(secret: &[u8], start: usize, mut end: usize) -> usize {
    const MIN: usize = 6 + 31;
    for ext in [".md", ".txt", ".json", ".png", ".csx", ".cs", ".yaml", ".yml", ".log"] {
        if end - start - ext.len() >= MIN && secret[start..end].ends_with(ext.as_bytes()) {
            end -= ext.len();
            break;
        }
    }
    while end - start > MIN && secret[end - 1] == b'.' {
        end -= 1;
    }
    end
}

/// Every credential in `text` (any bytes: a file, a diff, a patch), in order, without overlaps.
pub fn scan_text(text: &[u8]) -> Vec<Hit> {
    scan_with(text, false)
}

/// The credentials in well-known formats in `bytes` (a binary file: an icon, a document),
/// without the generic key-like assignments, which random bytes and binary structures can
/// imitate.
pub fn scan_binary(bytes: &[u8]) -> Vec<Hit> {
    scan_with(bytes, true)
}

fn scan_with(text: &[u8], formats_only: bool) -> Vec<Hit> {
    let mut hits: Vec<Hit> = Vec::new();
    if !ANY_PATTERN.is_match(text) {
        return hits;
    }
    for pattern in PATTERNS.iter().filter(|p| p.format || !formats_only) {
        let mut at = 0;
        while at <= text.len() {
            let Some(caps) = pattern.re.captures_at(text, at) else { break };
            let whole = caps.get(0).expect("group 0");
            // Continue right after the secret (not the whole match), so that the lookahead-like
            // tail of one match can start the next.
            let Some(m) = caps.get(pattern.group) else {
                at = whole.end().max(at + 1);
                continue;
            };
            let (start, mut end) = (m.start(), m.end());
            if pattern.kind == SecretKind::AzureAdSecret {
                end = azure_ad_end(text, start, end);
            }
            at = end.max(at + 1);
            if pattern.kind == SecretKind::Assignment {
                let Some(name) = caps.get(1) else { continue };
                if !assignment_name(&String::from_utf8_lossy(name.as_bytes())) {
                    continue;
                }
                // A URL's bare `token=` is most often a share, download or page token that the
                // link is meant to carry (`download.php?id=202&token=…`); `api_key=`,
                // `access_token=` and the like are credentials.
                let in_query = name.start() > 0 && matches!(text[name.start() - 1], b'?' | b'&');
                if in_query && name.as_bytes().eq_ignore_ascii_case(b"token") {
                    continue;
                }
                // A declaration's type, not a value: `let private_key: Curve25519Seed = …`.
                let rest = &text[end..];
                let after = rest.iter().position(|b| !matches!(b, b' ' | b'\t')).map(|i| &rest[i..]);
                if after.is_some_and(|a| a.starts_with(b"=") && !a.starts_with(b"==")) {
                    continue;
                }
                // Code, not configuration: a parameter's type or an object member holding a
                // variable (`private_key: PKCS7PrivateKeyTypes,`, `{ token: accessToken2 }`). A
                // literal key in code is quoted; unquoted `name: value` is YAML or a header line.
                let separator = text[name.end()..start].iter().find(|b| matches!(b, b':' | b'='));
                if separator == Some(&b':') && matches!(text.get(end), Some(b',' | b')' | b'}' | b';')) {
                    continue;
                }
                // "Next page token: …" in prose.
                let before = String::from_utf8_lossy(&text[name.start().saturating_sub(24)..name.start()]).to_ascii_lowercase();
                let words = format!(
                    "{}{}",
                    before.replace(' ', ""),
                    String::from_utf8_lossy(name.as_bytes()).to_ascii_lowercase()
                );
                if before.ends_with(' ') && TOKENS_NOT_CREDENTIALS.iter().any(|w| words.ends_with(w)) {
                    continue;
                }
            }
            let value = String::from_utf8_lossy(&text[start..end]);
            if !(pattern.accept)(&value) {
                continue;
            }
            if hits.iter().any(|h| h.start < end && start < h.end) {
                continue;
            }
            hits.push(Hit {
                start,
                end,
                kind: pattern.kind,
            });
        }
    }
    hits.sort_by_key(|h| h.start);
    hits
}

/// What is shown instead of a secret: a short recognisable prefix, never enough to use, and the
/// length: `ghp_…(40 chars)`.
pub fn mask(secret: &str) -> String {
    const PREFIXES: [&str; 16] = [
        "github_pat_",
        "ghp_",
        "gho_",
        "ghu_",
        "ghs_",
        "ghr_",
        "sk-proj-",
        "sk_live_",
        "rk_live_",
        "sk-",
        "xoxb-",
        "xoxp-",
        "AKIA",
        "ASIA",
        "AIza",
        "eyJ",
    ];
    let n = secret.chars().count();
    let prefix: String = if secret.starts_with("-----BEGIN") {
        secret.split_inclusive("-----").take(2).collect()
    } else if let Some(p) = PREFIXES.iter().find(|p| secret.starts_with(*p)) {
        p.to_string()
    } else if n >= 24 {
        secret.chars().take(3).collect()
    } else {
        String::new()
    };
    format!("{prefix}…({n} chars)")
}

/// A command-line value that would be published as it is (`--name`, `--branch`, `--title`):
/// why not, when it holds a credential.
pub fn in_argument(flag: &str, value: &str) -> Result<(), String> {
    match scan_text(value.as_bytes()).first() {
        Some(hit) => Err(format!(
            "{flag} holds {} ({}), and it would be public; choose another value",
            hit.kind.describe(),
            mask(&value[hit.start..hit.end])
        )),
        None => Ok(()),
    }
}

/// The secrets of every package this process has loaded ([`register`]), for [`registered`].
static REGISTERED: std::sync::RwLock<Option<std::sync::Arc<Masker>>> = std::sync::RwLock::new(None);

/// Remember what `masker` hides, so that everything the process prints hides it too
/// (`crate::output::Masked`).
pub fn register(masker: &Masker) {
    let mut registered = REGISTERED.write().unwrap_or_else(|e| e.into_inner());
    let merged = match registered.take() {
        Some(before) => (*before).clone().with(masker.clone()),
        None => masker.clone(),
    };
    *registered = Some(std::sync::Arc::new(merged));
}

/// What every printed line is masked with: the registered secrets and, always, the formats the
/// text scan recognises.
pub fn registered() -> std::sync::Arc<Masker> {
    REGISTERED.read().unwrap_or_else(|e| e.into_inner()).clone().unwrap_or_default()
}

/// Hides secrets in what the tool prints or writes: every hit of [`scan_text`], and the values
/// the JSON checks of one package flagged (which need the structure to be recognised).
#[derive(Debug, Clone, Default)]
pub struct Masker {
    literals: Vec<String>,
    /// The literals' automaton, built on first use (every printed line is masked).
    automaton: std::sync::OnceLock<Option<aho_corasick::AhoCorasick>>,
}

impl Masker {
    /// A masker for the content of `package` (and of anything else: the text scan applies to any
    /// text it is given).
    pub fn for_package(package: &ConnectorPackage) -> Masker {
        let mut literals = Vec::new();
        for file in &package.files {
            // What JSON escapes hide from the text scan (`ghp\u005f…`), as written in the file.
            if is_json(file, package) {
                for (hit, _) in json_escaped_hits(&file.bytes) {
                    literals.push(String::from_utf8_lossy(&file.bytes[hit.start..hit.end]).into_owned());
                }
            }
            let Some(kind) = file.kind.or_else(|| {
                package
                    .swagger_file()
                    .filter(|s| s.name == file.name)
                    .map(|_| KnownFile::ApiDefinition)
            }) else {
                continue;
            };
            if !matches!(kind, KnownFile::ApiDefinition | KnownFile::ApiProperties | KnownFile::Settings) {
                continue;
            }
            let Ok(doc) = file.json() else {
                continue;
            };
            for hit in structured(kind, &doc.value) {
                literals.push(hit.value.clone());
            }
        }
        // What the text scan finds in each file and name, found again wherever it is printed
        // even where the context that gave it away is gone (a key name on the line before, cut
        // off by a diff's `+`).
        for file in &package.files {
            for hit in scan_text(file.name.as_bytes()) {
                literals.push(file.name[hit.start..hit.end].to_string());
            }
            // However the file is read (as text, JSON strings decoded, UTF-16, binary): the
            // secret itself, and for a span of the file's own bytes, those bytes as written.
            for found in file_hits(&file.name, &file.bytes, is_json(file, package)) {
                if matches!(found.how, Reading::Text | Reading::JsonString) {
                    literals.push(String::from_utf8_lossy(&file.bytes[found.hit.start..found.hit.end]).into_owned());
                }
                literals.push(found.secret);
            }
        }
        // Each also as JSON writes it, escapes and all (`--json`, a swagger string).
        let escaped: Vec<String> = literals
            .iter()
            .filter_map(|l| serde_json::to_string(l).ok().map(|q| q[1..q.len() - 1].to_string()))
            .collect();
        literals.extend(escaped);
        literals.sort();
        literals.dedup();
        literals.retain(|l| l.len() >= 4);
        Masker {
            literals,
            automaton: Default::default(),
        }
    }

    /// A masker for secrets the user gave (a connector's OAuth client secret): each value, and
    /// the value as JSON writes it. Values shorter than 4 characters are masked too.
    pub fn literals(values: &[&str]) -> Masker {
        let mut literals: Vec<String> = Vec::new();
        for value in values.iter().filter(|v| !v.is_empty()) {
            literals.push(value.to_string());
            if let Ok(quoted) = serde_json::to_string(value) {
                literals.push(quoted[1..quoted.len() - 1].to_string());
            }
        }
        literals.sort();
        literals.dedup();
        Masker {
            literals,
            automaton: Default::default(),
        }
    }

    /// This masker and `other` together: what either hides is hidden.
    pub fn with(mut self, other: Masker) -> Masker {
        self.literals.extend(other.literals);
        self.literals.sort();
        self.literals.dedup();
        Masker {
            literals: self.literals,
            automaton: Default::default(),
        }
    }

    /// The spans to hide in `text`, sorted, without overlaps.
    pub fn spans(&self, text: &[u8]) -> Vec<(usize, usize)> {
        let mut spans: Vec<(usize, usize)> = scan_text(text).iter().map(|h| (h.start, h.end)).collect();
        let automaton = self.automaton.get_or_init(|| {
            (!self.literals.is_empty())
                .then(|| aho_corasick::AhoCorasick::new(&self.literals).ok())
                .flatten()
        });
        if let Some(automaton) = automaton {
            spans.extend(automaton.find_overlapping_iter(text).map(|m| (m.start(), m.end())));
        }
        spans.sort();
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for (s, e) in spans {
            match merged.last_mut() {
                Some(last) if s < last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        merged
    }

    /// `bytes` with every secret replaced by its [`mask`]; borrowed when there is none.
    pub fn bytes<'a>(&self, bytes: &'a [u8]) -> Cow<'a, [u8]> {
        let spans = self.spans(bytes);
        if spans.is_empty() {
            return Cow::Borrowed(bytes);
        }
        let mut out = Vec::with_capacity(bytes.len());
        let mut at = 0;
        for (s, e) in spans {
            out.extend_from_slice(&bytes[at..s]);
            out.extend_from_slice(mask(&String::from_utf8_lossy(&bytes[s..e])).as_bytes());
            at = e;
        }
        out.extend_from_slice(&bytes[at..]);
        Cow::Owned(out)
    }

    /// Same as [`Masker::bytes`] for text.
    pub fn text<'a>(&self, text: &'a str) -> Cow<'a, str> {
        match self.bytes(text.as_bytes()) {
            Cow::Borrowed(_) => Cow::Borrowed(text),
            Cow::Owned(v) => Cow::Owned(String::from_utf8_lossy(&v).into_owned()),
        }
    }
}

/// Whether a file is read as text: no NUL byte near the start (most binary formats have one in
/// their first bytes), or a name that says text whatever the bytes (a `script.csx` or `notes.txt`
/// with a stray NUL is still code or notes).
fn scannable(name: &str, bytes: &[u8]) -> bool {
    const TEXT: [&str; 24] = [
        ".md",
        ".markdown",
        ".txt",
        ".csx",
        ".cs",
        ".json",
        ".yaml",
        ".yml",
        ".xml",
        ".ps1",
        ".sh",
        ".cmd",
        ".bat",
        ".js",
        ".ts",
        ".py",
        ".ini",
        ".env",
        ".config",
        ".properties",
        ".html",
        ".htm",
        ".csv",
        ".toml",
    ];
    let lower = name.to_ascii_lowercase();
    !bytes[..bytes.len().min(8192)].contains(&0) || TEXT.iter().any(|ext| lower.ends_with(ext))
}

/// 1-based line and column (in characters) of a byte offset.
fn position_in(text: &[u8], offset: usize) -> Position {
    let before = &text[..offset.min(text.len())];
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
    Position { line, column }
}

/// File names that hold private keys whatever their content looks like.
fn key_file_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["id_rsa", "id_dsa", "id_ecdsa", "id_ed25519"].contains(&lower.as_str())
        || [".pfx", ".p12", ".jks", ".keystore", ".ppk"].iter().any(|ext| lower.ends_with(ext))
}

/// One credential found in a file.
struct FileHit {
    /// The span in the file's bytes (for JSON-escaped ones, of the escaped text).
    hit: Hit,
    /// The credential as it reads (unescaped, decoded): what the message masks.
    secret: String,
    /// Where it is: what the file's bytes are read as.
    how: Reading,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Reading {
    /// The bytes as text.
    Text,
    /// A JSON string, with its escapes (`\/`, `\u005f`) decoded.
    JsonString,
    /// A file saved as UTF-16 or UTF-32, decoded: the span is in the decoded text.
    Wide,
    /// A binary file's bytes, for well-known formats only (no position: it has no lines).
    Binary,
    /// A PNG's compressed text chunk (`zTXt`, `iTXt`), inflated: the span is the chunk's.
    PngText,
}

/// Every credential in one file, however it is written: the bytes as text; the decoded value of
/// every JSON string that holds an escape; a UTF-16 or UTF-32 file decoded; a binary file's bytes
/// and a PNG's compressed text for well-known formats.
fn file_hits(name: &str, bytes: &[u8], json: bool) -> Vec<FileHit> {
    let found = |hit: Hit, text: &[u8], how| FileHit {
        secret: String::from_utf8_lossy(&text[hit.start..hit.end]).into_owned(),
        hit,
        how,
    };
    if let Some(text) = wide_text(bytes) {
        return scan_text(text.as_bytes())
            .into_iter()
            .map(|h| found(h, text.as_bytes(), Reading::Wide))
            .collect();
    }
    if !scannable(name, bytes) {
        let (segments, inflated) = png_parts(bytes).unwrap_or_else(|| (std::iter::once(0..bytes.len()).collect(), Vec::new()));
        let mut hits = Vec::new();
        for segment in segments {
            for h in scan_binary(&bytes[segment.clone()]) {
                let hit = Hit {
                    start: segment.start + h.start,
                    end: segment.start + h.end,
                    kind: h.kind,
                };
                hits.push(found(hit, bytes, Reading::Binary));
            }
        }
        for (span, text) in inflated {
            for h in scan_binary(&text) {
                let secret = String::from_utf8_lossy(&text[h.start..h.end]).into_owned();
                // A chunk stored rather than compressed shows the secret in the bytes already.
                if hits
                    .iter()
                    .any(|f| span.0 <= f.hit.start && f.hit.end <= span.1 && f.secret == secret)
                {
                    continue;
                }
                let hit = Hit {
                    start: span.0,
                    end: span.1,
                    kind: h.kind,
                };
                hits.push(FileHit {
                    hit,
                    secret,
                    how: Reading::PngText,
                });
            }
        }
        return hits;
    }
    let mut hits: Vec<FileHit> = scan_text(bytes).into_iter().map(|h| found(h, bytes, Reading::Text)).collect();
    if json {
        for (hit, secret) in json_escaped_hits(bytes) {
            // Inside what the byte scan found already: nothing new.
            if hits.iter().any(|h| h.hit.start <= hit.start && hit.end <= h.hit.end) {
                continue;
            }
            // Overlapping it (`AccountKey=abc\/def` reads as a shorter key): the decoded one,
            // spanning both, so that masking hides all of it.
            let mut span = hit;
            hits.retain(|h| {
                let overlaps = h.hit.start < hit.end && hit.start < h.hit.end;
                if overlaps {
                    span.start = span.start.min(h.hit.start);
                    span.end = span.end.max(h.hit.end);
                }
                !overlaps
            });
            hits.push(FileHit {
                hit: span,
                secret,
                how: Reading::JsonString,
            });
        }
        hits.sort_by_key(|h| h.hit.start);
    }
    hits
}

/// Whether a file is one of the connector's JSON files (its strings are JSON-escaped).
fn is_json(file: &crate::package::PackageFile, package: &ConnectorPackage) -> bool {
    file.name.to_ascii_lowercase().ends_with(".json")
        || matches!(
            file.kind,
            Some(KnownFile::ApiDefinition | KnownFile::ApiProperties | KnownFile::Settings)
        )
        || package.swagger_file().is_some_and(|s| s.name == file.name)
}

/// The credentials that JSON escapes hide from a byte scan (`"ghp\u005f…"`, `AccountKey=…\/…`):
/// every string literal holding `\/` or `\u` is decoded and scanned; a member's value is scanned
/// after its (decoded) name, so that `"apiKey": "…"` reads as an assignment. Spans are of the
/// escaped text in `bytes`; the secret is returned decoded. Reads JSON as loosely as the tolerant
/// parser (comments, raw control characters): a string ends at its closing quote or at the end
/// of its line.
fn json_escaped_hits(bytes: &[u8]) -> Vec<(Hit, String)> {
    let mut out = Vec::new();
    let mut i = 0;
    // The previous string literal: (start of its body, end of its body).
    let mut previous: Option<(usize, usize)> = None;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let start = i + 1;
                let mut j = start;
                let mut hides = false;
                while j < bytes.len() && bytes[j] != b'"' && bytes[j] != b'\n' {
                    if bytes[j] == b'\\' {
                        hides |= matches!(bytes.get(j + 1), Some(b'/' | b'u'));
                        j += 1;
                    }
                    j += 1;
                }
                let end = j.min(bytes.len());
                if hides {
                    let (value, map) = decode_json_string(&bytes[start..end], start);
                    // `"name": ` before the value, when the literal before this one is a name.
                    let mut text = Vec::new();
                    if let Some((key_start, key_end)) = previous {
                        let between = &bytes[(key_end + 1).min(start - 1)..start - 1];
                        if between.iter().filter(|b| !b.is_ascii_whitespace()).eq(std::iter::once(&b':')) {
                            text.push(b'"');
                            text.extend(decode_json_string(&bytes[key_start..key_end], key_start).0);
                            text.extend(b"\": ");
                        }
                    }
                    text.push(b'"');
                    let offset = text.len();
                    text.extend(&value);
                    text.push(b'"');
                    for hit in scan_text(&text) {
                        if hit.start < offset || hit.end > offset + value.len() {
                            continue;
                        }
                        let (s, e) = (hit.start - offset, hit.end - offset);
                        let raw_end = map.get(e).copied().unwrap_or(end);
                        out.push((
                            Hit {
                                start: map[s],
                                end: raw_end,
                                kind: hit.kind,
                            },
                            String::from_utf8_lossy(&value[s..e]).into_owned(),
                        ));
                    }
                }
                previous = Some((start, end));
                i = end + 1;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = bytes[i..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |n| i + n);
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = bytes[i + 2..]
                    .windows(2)
                    .position(|w| w == b"*/")
                    .map_or(bytes.len(), |n| i + 2 + n + 2);
            }
            _ => i += 1,
        }
    }
    out
}

/// A JSON string's body decoded, with the offset in the file (`base` + index in `raw`) of the
/// escape or byte each decoded byte comes from. What is not a valid escape is kept as written.
fn decode_json_string(raw: &[u8], base: usize) -> (Vec<u8>, Vec<usize>) {
    let mut out = Vec::with_capacity(raw.len());
    let mut map = Vec::with_capacity(raw.len());
    let hex4 = |at: usize| -> Option<u32> {
        let digits = raw.get(at..at + 4)?;
        u32::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
    };
    let mut i = 0;
    while i < raw.len() {
        let (decoded, len): (Option<char>, usize) = if raw[i] == b'\\' && i + 1 < raw.len() {
            match raw[i + 1] {
                b'"' => (Some('"'), 2),
                b'\\' => (Some('\\'), 2),
                b'/' => (Some('/'), 2),
                b'b' => (Some('\u{8}'), 2),
                b'f' => (Some('\u{c}'), 2),
                b'n' => (Some('\n'), 2),
                b'r' => (Some('\r'), 2),
                b't' => (Some('\t'), 2),
                b'u' => match hex4(i + 2) {
                    Some(high @ 0xD800..=0xDBFF) => match (raw.get(i + 6..i + 8), hex4(i + 8)) {
                        (Some(b"\\u"), Some(low @ 0xDC00..=0xDFFF)) => {
                            (char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)), 12)
                        }
                        _ => (None, 1),
                    },
                    Some(code) => (char::from_u32(code), 6),
                    None => (None, 1),
                },
                _ => (None, 1),
            }
        } else {
            (None, 1)
        };
        match decoded {
            Some(c) => {
                let mut buf = [0; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push(b);
                    map.push(base + i);
                }
                i += len;
            }
            None => {
                out.push(raw[i]);
                map.push(base + i);
                i += 1;
            }
        }
    }
    (out, map)
}

/// A file saved as UTF-16 or UTF-32, decoded (its secrets are spread over NUL bytes otherwise).
fn wide_text(bytes: &[u8]) -> Option<String> {
    let encoding = crate::package::json::wide_encoding(bytes)?;
    let units = |size: usize, big: bool| {
        bytes.chunks_exact(size).map(move |c| match (size, big) {
            (2, true) => u32::from(u16::from_be_bytes([c[0], c[1]])),
            (2, false) => u32::from(u16::from_le_bytes([c[0], c[1]])),
            (_, true) => u32::from_be_bytes([c[0], c[1], c[2], c[3]]),
            (_, false) => u32::from_le_bytes([c[0], c[1], c[2], c[3]]),
        })
    };
    let big = encoding.contains("big");
    let text: String = if encoding.starts_with("UTF-16") {
        let u16s: Vec<u16> = units(2, big).map(|u| u as u16).collect();
        char::decode_utf16(u16s).map(|c| c.unwrap_or('\u{FFFD}')).collect()
    } else {
        units(4, big).map(|u| char::from_u32(u).unwrap_or('\u{FFFD}')).collect()
    };
    Some(text.trim_start_matches('\u{FEFF}').to_string())
}

/// A PNG read chunk by chunk, so that a chunk's length and CRC bytes never run into a token that
/// ends its data: the data of each chunk (and whatever follows the last chunk read) as ranges of
/// the file, and the compressed text chunks (`zTXt`, and `iTXt` when compressed) inflated, each
/// with the chunk's span. A tEXt chunk is plain bytes, read with the others. `None` when the file
/// is not a PNG.
#[allow(clippy::type_complexity)]
fn png_parts(bytes: &[u8]) -> Option<(Vec<std::ops::Range<usize>>, Vec<((usize, usize), Vec<u8>)>)> {
    use std::io::Read;
    /// Inflated text beyond this is not read (a chunk that inflates further is a bomb, not notes).
    const LIMIT: u64 = 4 << 20;
    if !bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return None;
    }
    let (mut segments, mut inflated) = (Vec::new(), Vec::new());
    let mut at = 8;
    while at + 12 <= bytes.len() {
        let len = u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]) as usize;
        let kind = &bytes[at + 4..at + 8];
        let Some(data) = bytes.get(at + 8..(at + 8).saturating_add(len)) else {
            break;
        };
        segments.push(at + 8..at + 8 + len);
        let compressed = match kind {
            // keyword NUL method data
            b"zTXt" => data.iter().position(|&b| b == 0).and_then(|k| data.get(k + 2..)),
            // keyword NUL flag method language NUL translated keyword NUL text
            b"iTXt" => data.iter().position(|&b| b == 0).and_then(|k| {
                if data.get(k + 1) != Some(&1) {
                    return None;
                }
                let rest = data.get(k + 3..)?;
                let lang = rest.iter().position(|&b| b == 0)?;
                let rest = &rest[lang + 1..];
                let translated = rest.iter().position(|&b| b == 0)?;
                Some(&rest[translated + 1..])
            }),
            _ => None,
        };
        if let Some(compressed) = compressed {
            let mut text = Vec::new();
            if flate2::read::ZlibDecoder::new(compressed)
                .take(LIMIT)
                .read_to_end(&mut text)
                .is_ok()
            {
                inflated.push(((at, at + 12 + len), text));
            }
        }
        at += 12 + len;
        if kind == b"IEND" {
            break;
        }
    }
    // Bytes after IEND, or where the chunks stop making sense: read as they are.
    if at < bytes.len() {
        segments.push(at..bytes.len());
    }
    Some((segments, inflated))
}

/// The text scan over every file of the folder and every file name.
pub(super) fn scan_package(package: &ConnectorPackage, sink: &mut Sink) {
    for file in &package.files {
        for hit in scan_text(file.name.as_bytes()) {
            let secret = &file.name[hit.start..hit.end];
            sink.emit(
                "secret-file-name",
                &file.name,
                None,
                None,
                format!("the file name holds {} ({})", hit.kind.describe(), mask(secret)),
                None,
            );
        }
        if key_file_name(&file.name) {
            sink.emit(
                "secret-key-file",
                &file.name,
                None,
                None,
                format!("`{}` is a private key or certificate store", file.name),
                None,
            );
        }
        for found in file_hits(&file.name, &file.bytes, is_json(file, package)) {
            let (what, masked) = (found.hit.kind.describe(), mask(&found.secret));
            let (position, message) = match found.how {
                Reading::Text => (
                    Some(position_in(&file.bytes, found.hit.start)),
                    format!("{what} is in the file: {masked}"),
                ),
                Reading::JsonString => (
                    Some(position_in(&file.bytes, found.hit.start)),
                    format!("{what} is in the file, written with JSON escapes: {masked}"),
                ),
                Reading::Wide => (
                    wide_text(&file.bytes).map(|text| position_in(text.as_bytes(), found.hit.start)),
                    format!("{what} is in the file (read as UTF-16/UTF-32): {masked}"),
                ),
                Reading::Binary => (None, format!("{what} is in the binary file at byte {}: {masked}", found.hit.start)),
                Reading::PngText => (
                    None,
                    format!(
                        "{what} is in a compressed text chunk of the image at byte {}: {masked}",
                        found.hit.start
                    ),
                ),
            };
            sink.emit(found.hit.kind.rule(), &file.name, position, None, message, None);
        }
    }
}

/// A secret found through the JSON structure.
struct StructuredHit {
    rule: &'static str,
    pointer: String,
    value: String,
    detail: String,
    fix: Option<String>,
}

fn secret_like_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase().replace(['-', '_', ' '], "");
    [
        "apikey",
        "token",
        "secret",
        "password",
        "passwd",
        "authorization",
        "subscriptionkey",
        "accesskey",
        "privatekey",
        "key",
    ]
    .iter()
    .any(|w| n == *w || n.ends_with(w) || n.starts_with(w))
}

/// The secrets that need the JSON structure to be recognised (the text scan does the rest).
fn structured(kind: KnownFile, value: &Value) -> Vec<StructuredHit> {
    let mut hits = Vec::new();
    match kind {
        KnownFile::ApiDefinition => crate::package::json::walk(value, &mut |at, _, v| {
            if let Value::Object(map) = v {
                // A parameter whose name says "secret", with a default or example that looks real.
                let name = map.get("name").and_then(Value::as_str).unwrap_or("");
                if secret_like_name(name) {
                    for field in ["default", "x-example", "example", "x-ms-test-value"] {
                        if let Some(Value::String(s)) = map.get(field) {
                            if looks_random(s) {
                                hits.push(StructuredHit {
                                    rule: "secret-value",
                                    pointer: format!("{at}/{field}"),
                                    value: s.clone(),
                                    detail: format!("the {field} of \"{name}\" looks like a real key: {}", mask(s)),
                                    fix: None,
                                });
                            }
                        }
                    }
                }
            }
            true
        }),
        KnownFile::ApiProperties => {
            crate::package::json::walk(value, &mut |at, key, v| {
                if let Value::String(s) = v {
                    let k = key.to_ascii_lowercase();
                    if (k == "clientsecret" || k == "client_secret") && !s.trim().is_empty() && !is_placeholder(s) {
                        hits.push(StructuredHit {
                            rule: "secret-client-secret",
                            pointer: at.to_string(),
                            value: s.clone(),
                            detail: format!("an OAuth client secret is in apiProperties.json: {}", mask(s)),
                            fix: None,
                        });
                    }
                }
                true
            });
            // The default of a secure or secret-named connection parameter.
            if let Some(Value::Object(params)) = value.pointer("/properties/connectionParameters") {
                for (name, param) in params {
                    let secure = param
                        .get("type")
                        .and_then(Value::as_str)
                        .is_some_and(|t| t.eq_ignore_ascii_case("securestring"));
                    if !(secure || secret_like_name(name)) {
                        continue;
                    }
                    let base = crate::package::json::pointer(&["properties", "connectionParameters", name.as_str()]);
                    crate::package::json::walk(param, &mut |at, key, v| {
                        if let Value::String(s) = v {
                            if key == "defaultValue" && !is_placeholder(s) && (secure || looks_random(s)) {
                                hits.push(StructuredHit {
                                    rule: "secret-value",
                                    pointer: format!("{base}{at}"),
                                    value: s.clone(),
                                    detail: format!(
                                        "the defaultValue of connection parameter \"{name}\" looks like a real key: {}",
                                        mask(s)
                                    ),
                                    fix: None,
                                });
                            }
                        }
                        true
                    });
                }
            }
        }
        KnownFile::Settings => crate::package::json::walk(value, &mut |at, key, v| {
            if let Value::String(s) = v {
                if secret_like_name(key) && !is_placeholder(s) {
                    hits.push(StructuredHit {
                        rule: "secret-value",
                        pointer: at.to_string(),
                        value: s.clone(),
                        detail: format!("\"{key}\" in settings.json holds what looks like a secret: {}", mask(s)),
                        fix: Some(
                            "remove it from settings.json (paconn does not need it there) and rotate it if the file was ever shared".into(),
                        ),
                    });
                }
            }
            true
        }),
        _ => {}
    }
    hits
}

/// Whether the JSON checks of `kind` would report anything on `value` (client ids included).
pub(super) fn has_structured_findings(kind: KnownFile, value: &Value) -> bool {
    if !structured(kind, value).is_empty() {
        return true;
    }
    let mut id = false;
    if kind == KnownFile::ApiProperties {
        crate::package::json::walk(value, &mut |_, key, v| {
            if let Value::String(s) = v {
                id |= matches!(key.to_ascii_lowercase().as_str(), "clientid" | "client_id") && looks_like_client_id(s);
            }
            !id
        });
    }
    id
}

fn emit_structured(kind: KnownFile, file: &JsonFile, sink: &mut Sink) {
    for hit in structured(kind, &file.doc.value) {
        match hit.fix {
            Some(fix) => sink.at_with_fix(hit.rule, file, &hit.pointer, hit.detail, fix),
            None => sink.at(hit.rule, file, &hit.pointer, hit.detail),
        }
    }
}

/// Swagger: keys in the defaults and examples of secret-named parameters.
pub(super) fn scan_swagger(file: &JsonFile, sink: &mut Sink) {
    emit_structured(KnownFile::ApiDefinition, file, sink);
}

/// apiProperties: OAuth client secrets, secure connection parameter defaults, client ids.
pub(super) fn scan_properties(file: &JsonFile, sink: &mut Sink) {
    emit_structured(KnownFile::ApiProperties, file, sink);
    let mut ids = Vec::new();
    crate::package::json::walk(&file.doc.value, &mut |at, key, v| {
        if let Value::String(s) = v {
            let k = key.to_ascii_lowercase();
            if (k == "clientid" || k == "client_id") && looks_like_client_id(s) {
                ids.push((at.to_string(), s.to_string()));
            }
        }
        true
    });
    for (at, id) in ids {
        sink.at("secret-client-id", file, &at, format!("the OAuth client id \"{id}\" looks real"));
    }
}

/// settings.json is never submitted, but a secret in it is one copy away from a PR.
pub(super) fn scan_settings(file: &JsonFile, sink: &mut Sink) {
    emit_structured(KnownFile::Settings, file, sink);
}

/// The text scan and the JSON checks can find the same value: keep one finding per line, the
/// most specific (an OAuth client secret in apiProperties is `secret-client-secret`, not the
/// text scan's generic `secret-value`), the first of equals.
pub(super) fn dedupe(findings: &mut Vec<super::Finding>) {
    let counted = |f: &super::Finding| f.rule.starts_with("secret-") && f.rule != "secret-client-id";
    let rank = |rule: &str| match rule {
        "secret-value" => 1,
        _ => 0,
    };
    let mut best: std::collections::HashMap<(&str, usize), usize> = std::collections::HashMap::new();
    for (i, f) in findings.iter().enumerate() {
        let Some(p) = f.position.filter(|_| counted(f)) else { continue };
        best.entry((f.file.as_str(), p.line))
            .and_modify(|b| {
                if rank(f.rule) < rank(findings[*b].rule) {
                    *b = i;
                }
            })
            .or_insert(i);
    }
    let keep: std::collections::HashSet<usize> = best.into_values().collect();
    let mut i = 0;
    findings.retain(|f| {
        i += 1;
        !(counted(f) && f.position.is_some()) || keep.contains(&(i - 1))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<SecretKind> {
        scan_text(text.as_bytes()).iter().map(|h| h.kind).collect()
    }

    #[test]
    fn placeholders_are_not_secrets() {
        for v in [
            "[[REPLACE WITH CLIENT ID]]",
            "YOUR_API_KEY",
            "00000000-0000-0000-0000-000000000000",
            "dummysecret",
            "abc",
            "xxxxxxxxxxxxxxxx",
            "<client id>",
        ] {
            assert!(is_placeholder(v), "{v}");
        }
        for v in ["3f1c2a9e-8b7d-4c21-9e0f-5a6b7c8d9e0f", "k8Zr2QmX7pLw4NvB9tYc"] {
            assert!(!is_placeholder(v), "{v}");
        }
    }

    #[test]
    fn well_known_formats_are_recognised() {
        use SecretKind::*;
        let cases: &[(&str, SecretKind)] = &[
            ("token ghp_R8sK2mXq9LpZ4vN7tB3wY6cD1fH5jG0aE2iU here", GitHubToken),
            ("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVW", GitHubToken),
            ("key AKIAZ3MXQ7TR2LPV4KWN.", AwsAccessKey),
            ("aws_secret_access_key = \"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\"", AwsSecretKey),
            ("AIzaSyD3kXq9LpZ4vN7tB3wY6cD1fH5jG0aE2iU", GoogleApiKey),
            ("xoxb-2048613457-9834756102934-Rk8sZq2mXLp4vN7tB3wY6cD1", SlackToken),
            ("sk_live_51Hq8Zr2QmX7pLw4NvB9tYcK3", StripeKey),
            ("sk-proj-Q8Zr2QmX7pLw4NvB9tYcK3sH6jF1dG5aE0iU2oWx", OpenAiKey),
            ("DefaultEndpointsProtocol=https;AccountName=contoso;AccountKey=q8Zr2QmX7pLw4NvB9tYcK3sH6jF1dG5aE0iU2oWxPl4KmN8rT5vB2cY7dZ1aQ9w==;EndpointSuffix=core.windows.net", AzureStorageKey),
            ("https://contoso.blob.core.windows.net/c?sv=2022-11-02&sr=c&sig=q8Zr2QmX7pLw4NvB9tYcK3sH6jF1dG5aE0iU2oWx%3D", AzureSas),
            ("Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=q8Zr2QmX7pLw4NvB9tYcK3sH6jF1dG5aE0iU2oWxPl4=", AzureSharedAccessKey),
            ("\"clientSecret\" = \"aB38Q~Zr2QmX7pLw4NvB9tYcK3sH6jF1dG5aE0i\"", AzureAdSecret),
            ("https://admin:S3cr3tP4ss@api.contoso.com/v1", UrlPassword),
            ("request.Headers.Add(\"Authorization\", \"Bearer q8Zr2QmX7pLw4NvB9tYcK3sH6jF1\");", BearerToken),
            ("\"apiKey\": \"q8Zr2QmX7pLw4NvB9tYcK3sH\"", Assignment),
            ("var token = \"q8Zr2QmX7pLw4NvB9tYcK3sH\";", Assignment),
            ("export API_KEY=q8Zr2QmX7pLw4NvB9tYcK3sH", Assignment),
        ];
        for (text, kind) in cases {
            assert_eq!(kinds(text), vec![*kind], "{text}");
        }
    }

    #[test]
    fn jwts_and_pem_keys() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        assert_eq!(kinds(&format!("Authorization: Bearer {jwt}")), vec![SecretKind::Jwt]);
        // Three dotted parts whose header is not JSON with "alg": not a JWT.
        assert!(kinds("eyJub3RoaW5nIjoxfQ.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U").is_empty());
        let body = "MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi0Z4nB1Bs2kV1eGfXmPq8rT5vB2cY7dZ1aQ9wK3sH6jF1dG5aE0iU2oWx";
        let pem = format!("-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----");
        assert_eq!(kinds(&pem), vec![SecretKind::PrivateKey]);
        // Escaped in a JSON string.
        assert_eq!(kinds(&pem.replace('\n', "\\n")), vec![SecretKind::PrivateKey]);
        assert!(kinds("-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----").is_empty());
        assert!(kinds(
            "-----BEGIN CERTIFICATE-----\nMIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi0Z4nB1Bs2kV1eGfXmPq8rT5vB2cY7\n-----END CERTIFICATE-----"
        )
        .is_empty());
    }

    #[test]
    fn near_misses_are_not_secrets() {
        for text in [
            "\"clientId\": \"[[REPLACE WITH CLIENT ID]]\"",
            "\"clientSecret\": \"dummysecret\"",
            "\"apiKey\": \"YOUR_API_KEY\"",
            "Authorization: Bearer <token>",
            "Authorization: Bearer {access_token}",
            "\"tokenUrl\": \"https://login.microsoftonline.com/common/oauth2/v2.0/token\"",
            "\"token\": \"xxxxxxxxxxxxxxxxxxxxxxxx\"",
            "AKIAIOSFODNN7EXAMPLE",
            "https://user:password@example.com",
            "https://{username}:{password}@api.contoso.com",
            "task-management-system-for-large-teams",
            "\"x-ms-summary\": \"API Key\"",
            "\"accessTokenType\": \"BearerTokenAuthenticationScheme\"",
            "var token = await GetTokenAsync(this.Context);",
            "\"apiKey\": \"Contoso.Connector.Api.Key.Value2\"",
            "\"token\": \"00000000-0000-0000-0000-000000000000\"",
            "SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=<key>",
            "SharedAccessKey=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=",
        ] {
            assert!(kinds(text).is_empty(), "{text}: {:?}", kinds(text));
        }
    }

    #[test]
    fn masks_keep_a_prefix_and_the_length() {
        assert_eq!(mask("ghp_R8sK2mXq9LpZ4vN7tB3wY6cD1fH5jG0aE2iU"), "ghp_…(40 chars)");
        assert_eq!(mask("S3cr3tP4ss"), "…(10 chars)");
        assert!(mask("-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----").starts_with("-----BEGIN RSA PRIVATE KEY-----…"));
        let masker = Masker::default();
        let text = "a\n+token ghp_R8sK2mXq9LpZ4vN7tB3wY6cD1fH5jG0aE2iU\n";
        assert_eq!(masker.text(text), "a\n+token ghp_…(40 chars)\n");
        assert!(matches!(masker.text("nothing here"), Cow::Borrowed(_)));
    }

    #[test]
    fn client_ids() {
        assert!(looks_like_client_id("6145b6dc-1ce4-43b1-a4b5-a19b8440096a"));
        assert!(looks_like_client_id("60mOMrhl23bdJmprB0pDzrLF7MXCqyzHMTitaOZeU7E"));
        for v in [
            "microsoft.flow",
            "power-platform-integration",
            "logic-apps",
            "{add client id here}",
            "required",
            "[[REPLACE WITH CLIENT ID]]",
        ] {
            assert!(!looks_like_client_id(v), "{v}");
        }
    }

    #[test]
    fn random_looking_values() {
        assert!(looks_random("k8Zr2QmX7pLw4NvB9tYc"));
        assert!(!looks_random("application/json"));
        assert!(!looks_random("YOUR_API_KEY_HERE_123"));
        assert!(!looks_random("https://api.example.com/v1/key123"));
    }

    /// The one hit of `text`, as (kind, the secret's text).
    fn one(text: &str) -> (SecretKind, &str) {
        let hits = scan_text(text.as_bytes());
        assert_eq!(hits.len(), 1, "{text}: {hits:?}");
        (hits[0].kind, &text[hits[0].start..hits[0].end])
    }

    const TOKEN: &str = "q8Zr2QmX7pLw4NvB9tYcK3sH6jF1dG5aE0iU2oWx";

    #[test]
    fn a_bearer_token_as_the_second_argument() {
        let code = format!("client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(\"Bearer\", \"{TOKEN}\");");
        assert_eq!(one(&code), (SecretKind::BearerToken, TOKEN));
        assert_eq!(one(&format!("SetHeader('bearer', @\"{TOKEN}\")")), (SecretKind::BearerToken, TOKEN));
        for text in [
            "new AuthenticationHeaderValue(\"Bearer\", token);",
            "new AuthenticationHeaderValue(\"Bearer\", \"YOUR_ACCESS_TOKEN_HERE_1234\");",
            "new AuthenticationHeaderValue(\"Bearer\", $\"{accessToken}\");",
            "new AuthenticationHeaderValue(\"Basic\", \"application/json-patch\");",
        ] {
            assert!(kinds(text).is_empty(), "{text}: {:?}", kinds(text));
        }
    }

    #[test]
    fn an_azure_ad_secret_before_a_dot_or_an_extension() {
        // 34 characters after `Q~` (the current format) and 31 (the shortest).
        for secret in ["KLz8Q~Zr2QmX7pLw4NvB9tYcK3sH6jF1dG5aE0iU", "KLz8Q~Zr2QmX7pLw4NvB9tYcK3sH6jF1dG5aE"] {
            for text in [
                format!("the secret is {secret}."),
                format!("the secret is {secret}..."),
                format!("{secret}.md"),
                format!("{secret}.json"),
                format!("({secret})"),
            ] {
                assert_eq!(one(&text), (SecretKind::AzureAdSecret, secret), "{text}");
            }
        }
        // A dot inside the secret stays in it.
        assert_eq!(
            one("s=KLz8Q~Zr2QmX7pLw4NvB9t.cK3sH6jF1dG5aE0i."),
            (SecretKind::AzureAdSecret, "KLz8Q~Zr2QmX7pLw4NvB9t.cK3sH6jF1dG5aE0i")
        );
        for text in [
            // Too short, too long (not a dot or an extension after it), no digit before `Q~`.
            "KLz8Q~Zr2QmX7pLw4NvB9tYcK3sH6jF1.",
            "KLz8Q~Zr2QmX7pLw4NvB9tYcK3sH6jF1dG5aE0iUabcdefgh.",
            "KLzxQ~Zr2QmX7pLw4NvB9tYcK3sH6jF1dG5aE0iU.",
        ] {
            assert!(kinds(text).is_empty(), "{text}: {:?}", kinds(text));
        }
    }

    #[test]
    fn json_escapes_do_not_hide_a_secret() {
        let json = br#"{"description": "token ghp\u005fR8sK2mXq9LpZ4vN7tB3wY6cD1fH5jG0aE2iU", "n": 1}"#;
        let hits = json_escaped_hits(json);
        assert_eq!(hits.len(), 1, "{hits:?}");
        let (hit, secret) = &hits[0];
        assert_eq!(
            (hit.kind, secret.as_str()),
            (SecretKind::GitHubToken, "ghp_R8sK2mXq9LpZ4vN7tB3wY6cD1fH5jG0aE2iU")
        );
        assert_eq!(&json[hit.start..hit.end], br"ghp\u005fR8sK2mXq9LpZ4vN7tB3wY6cD1fH5jG0aE2iU");
        // `\/` inside an account key: the whole key, over the shorter one the byte scan sees.
        let json = br#"{"x-ms-test-value": "AccountKey=q8Zr2QmX7pLw4NvB9tYc\/K3sH6jF1dG5aE0iU2oWxPl4KmN8rT5vB2cY7dZ1aQ9w==;EndpointSuffix=core.windows.net"}"#;
        let found = file_hits("apiDefinition.swagger.json", json, true);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].secret,
            "q8Zr2QmX7pLw4NvB9tYc/K3sH6jF1dG5aE0iU2oWxPl4KmN8rT5vB2cY7dZ1aQ9w=="
        );
        assert!(found[0].how == Reading::JsonString);
        // A member's value reads after its name; a name can be escaped too.
        let json = br#"{"api\u005fkey": "q8Zr2QmX7pLw4NvB9tYcK\/3sH6jF1"}"#;
        assert_eq!(json_escaped_hits(json).len(), 1);
        assert_eq!(json_escaped_hits(json)[0].1, "q8Zr2QmX7pLw4NvB9tYcK/3sH6jF1");
        // A surrogate pair, comments and unterminated strings are read through.
        assert_eq!(decode_json_string(br"\ud83d\ude00\/", 0).0, "😀/".as_bytes());
        let json = b"// \"a \\u0041\n{\"k\": \"\\u0067hp_R8sK2mXq9LpZ4vN7tB3wY6cD1fH5jG0aE2iU\" /* \" */}";
        assert_eq!(json_escaped_hits(json).len(), 1);
        for json in [
            &br#"{"host": "https:\/\/api.contoso.com\/v1\/items\/{id}", "name": "caf\u00e9 na\u00efve"}"#[..],
            br#"{"apiKey": "YOUR\/API\/KEY"}"#,
            br#"{"description": "use \u0022apiKey\u0022: \u0022[[REPLACE]]\u0022"}"#,
        ] {
            assert!(json_escaped_hits(json).is_empty(), "{}", String::from_utf8_lossy(json));
        }
    }

    #[test]
    fn client_secrets_in_code_and_markdown() {
        let secret = "Zr2QmX7pLw4NvB9tYcK3sH6jF1dG5aE0";
        assert_eq!(
            one(&format!("private const string clientSecret = \"{secret}\";")),
            (SecretKind::Assignment, secret)
        );
        assert_eq!(one(&format!("CLIENT_SECRET={secret}\n")), (SecretKind::Assignment, secret));
        assert_eq!(one(&format!("\"client_secret\": \"{secret}\"")), (SecretKind::Assignment, secret));
        for text in [
            "clientSecret = \"dummysecret\";",
            "CLIENT_SECRET=YOUR_CLIENT_SECRET\n",
            "\"clientSecret\": \"[[REPLACE WITH CLIENT SECRET]]\"",
            "var clientSecret = this.Context.Request.Headers.GetValues(\"secret\");",
        ] {
            assert!(kinds(text).is_empty(), "{text}: {:?}", kinds(text));
        }
    }

    #[test]
    fn unquoted_key_like_values() {
        use SecretKind::*;
        let cases: &[(String, SecretKind)] = &[
            (format!("api_key: {TOKEN}\n"), Assignment),
            (format!("  password = {TOKEN}"), Assignment),
            (
                format!("Server=tcp:contoso.database.windows.net;User ID=app;Password={TOKEN};Encrypt=True"),
                Assignment,
            ),
            (format!("Server=db;Uid=app;Pwd={TOKEN};"), Assignment),
            (format!("GET https://api.contoso.com/v1/items?api_key={TOKEN}&page=2"), Assignment),
            (
                format!("https://api.contoso.com/v1/me?format=json&access_token={TOKEN}"),
                Assignment,
            ),
            (format!("curl -H \"x-api-key: {TOKEN}\" https://api.contoso.com"), Assignment),
            (format!("x-api-key: {TOKEN}\r\n"), Assignment),
            (format!("export ACME_API_KEY={TOKEN}"), Assignment),
        ];
        for (text, kind) in cases {
            assert_eq!(kinds(text), vec![*kind], "{text}");
        }
        // The value is the secret, not the name or the separator.
        assert_eq!(one(&format!("?api_key={TOKEN}&x=1")).1, TOKEN);
        for text in [
            "api_key: YOUR_API_KEY",
            "password = <token>",
            "GET https://api.contoso.com/v1/items?api_key={{apiKey}}&page=2",
            "Server=db;User ID=app;Password=[[REPLACE_WITH_PASSWORD]];",
            "x-api-key: xxxxxxxxxxxxxxxxxxxxxxxx",
            "password = dummysecret",
            "var token = GetToken2FromCache(context.Request);",
            "token: Environment.GetEnvironmentVariable2",
            "tokenUrl: https://login.contoso.com/oauth2/v2.0/token",
            "apiKeyHeaderName: Ocp-Apim-Subscription-Key",
            "x-ms-api-key: q8Zr2QmX7pLw4NvB9tYcK3sH",
            "Tokens: 123456789012345678",
            "let private_key_buffer: Curve25519SeedBin = my_private.as_be_bytes();",
            "def sign(self, private_key: PKCS7PrivateKeyTypes, data: bytes):",
            "const body = { token: accessToken2Fromq8Zr2QmX, page: 1 };",
            "Next page token: eav1OzQB0OM8rLdGXOEsyQWSG",
            "nextPageToken: eav1OzQB0OM8rLdGXOEsyQWSG",
            "Location: https://client.example.com/cb#access_token=2YotnFZFEjr1zCsicMWpAA&state=xyz",
            // A download link's token (upstream Connect Bridge's readme).
            "https://share.contoso.com/download.php?id=202&token=q8Zr2QmX7pLw4NvB9tYcK3sH6jF1",
        ] {
            assert!(kinds(text).is_empty(), "{text}: {:?}", kinds(text));
        }
    }

    const PEM_BODY: &str = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDTz2mr7SZiAMfQyuvB\njM9Oi0Z4nB1Bs2kV1eGfXmPq8rT5vB2cY7dZ1aQ9wK3sH6jF1dG5aE0iU2oWxPl4KmN8\n";

    #[test]
    fn a_truncated_pem_key_and_a_base64_one() {
        let truncated = format!("-----BEGIN PRIVATE KEY-----\n{PEM_BODY}");
        assert_eq!(one(&truncated), (SecretKind::PrivateKey, truncated.trim_end()));
        // In a JSON or C# string, the line breaks escaped; or flattened into spaces.
        assert_eq!(kinds(&truncated.replace('\n', "\\n")), vec![SecretKind::PrivateKey]);
        assert_eq!(kinds(&truncated.replace('\n', " ")), vec![SecretKind::PrivateKey]);
        use base64::Engine;
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let full = format!("-----BEGIN RSA PRIVATE KEY-----\n{PEM_BODY}-----END RSA PRIVATE KEY-----\n");
        let encoded = b64(&full);
        assert!(encoded.starts_with("LS0tLS1CRUdJTi"));
        assert_eq!(one(&format!("tls.key: {encoded}\n")), (SecretKind::PrivateKey, encoded.as_str()));
        assert_eq!(kinds(&format!("\"key\": \"{}\"", b64(&truncated))), vec![SecretKind::PrivateKey]);
        for text in [
            "-----BEGIN PRIVATE KEY-----\n...".to_string(),
            "-----BEGIN PRIVATE KEY----- paste your key here, then the END line".to_string(),
            format!("-----BEGIN CERTIFICATE-----\n{PEM_BODY}"),
            // Base64 of a certificate, and of a key placeholder.
            b64(&format!("-----BEGIN CERTIFICATE-----\n{PEM_BODY}-----END CERTIFICATE-----\n")),
            b64("-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n"),
        ] {
            assert!(kinds(&text).is_empty(), "{text}: {:?}", kinds(&text));
        }
    }

    /// Bytes that look like compressed data (a fixed xorshift sequence).
    fn noise(n: usize) -> Vec<u8> {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 24) as u8
            })
            .collect()
    }

    #[test]
    fn binary_files_are_scanned_for_formats_only() {
        let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        bytes.extend(noise(4096));
        bytes.extend(b"\0\0\0\x3ftEXtComment\0ghp_R8sK2mXq9LpZ4vN7tB3wY6cD1fH5jG0aE2iU");
        bytes.extend(noise(4096));
        bytes.extend(format!("\0api_key={TOKEN}\0").as_bytes());
        let found = file_hits("icon.png", &bytes, false);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].hit.kind, SecretKind::GitHubToken);
        assert!(found[0].how == Reading::Binary);
        // A name that says text is read as text, a NUL or not.
        let notes = format!("// \0\napi_key={TOKEN}\n");
        assert_eq!(file_hits("notes.txt", notes.as_bytes(), false).len(), 1);
        assert_eq!(file_hits("script.csx", notes.as_bytes(), false).len(), 1);
        assert!(file_hits("notes.bin", notes.as_bytes(), false).is_empty());
        // Random bytes hold no credential format.
        assert!(scan_binary(&noise(8 << 20)).is_empty());
    }

    #[test]
    fn a_png_compressed_text_chunk_is_inflated() {
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        // Compressible text, so that the token's bytes do not show in the compressed stream.
        z.write_all(format!("{}token ghp_R8sK2mXq9LpZ4vN7tB3wY6cD1fH5jG0aE2iU", "made with love ".repeat(20)).as_bytes())
            .unwrap();
        let mut data = b"Comment\0\0".to_vec();
        data.extend(z.finish().unwrap());
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend((data.len() as u32).to_be_bytes());
        png.extend(b"zTXt");
        png.extend(&data);
        png.extend([0; 4]);
        png.extend(b"\0\0\0\0IEND\xae\x42\x60\x82");
        let found = file_hits("icon.png", &png, false);
        assert_eq!(found.len(), 1);
        assert!(found[0].how == Reading::PngText);
        assert!(scan_binary(&png).is_empty());
        assert_eq!(mask(&found[0].secret), "ghp_…(40 chars)");
        // A chunk longer than the file: what is left is read as it is.
        let segments = png_parts(b"\x89PNG\r\n\x1a\n\0\0\0\x05zTXtab").unwrap().0;
        assert_eq!((segments.len(), segments.first()), (1, Some(&(8..18))));
        assert!(png_parts(b"GIF89a").is_none());
    }

    #[test]
    fn utf16_text_is_decoded() {
        let text = format!("\u{FEFF}# Notes\r\napi_key={TOKEN}\r\n");
        let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let found = file_hits("notes.txt", &utf16, false);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].secret, TOKEN);
        let utf16be: Vec<u8> = "# Notes\nno secret here at all\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert!(file_hits("notes.txt", &utf16be, false).is_empty());
    }
}
