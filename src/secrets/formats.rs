//! What a credential looks like: the well-known formats (GitHub, Azure storage keys and SAS
//! signatures, Azure AD client secrets, AWS, Google, Slack, Stripe, OpenAI-style keys, JWTs, PEM
//! private keys, passwords in URLs, bearer tokens in code) and high-entropy values assigned to
//! key-like names (`"apiKey": "..."`, `var token = "..."`, `API_KEY=...`), found in any text
//! ([`scan_text`]) or, formats only, in binary bytes ([`scan_binary`]); and [`mask`], what is
//! shown instead of one.

use regex::bytes::Regex;
use serde_json::Value;
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
pub fn is_placeholder(value: &str) -> bool {
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
pub fn looks_random(value: &str) -> bool {
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
pub fn looks_like_client_id(value: &str) -> bool {
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
    source: String,
    /// Compiled on first use: most text matches no pattern, which [`ANY_PATTERN`] alone tells.
    re: std::sync::OnceLock<Regex>,
    /// The capture group holding the secret itself (0: the whole match).
    group: usize,
    accept: fn(&str) -> bool,
    /// A credential format with a fixed shape (a prefix, a length, an alphabet): also searched in
    /// binary files, where random bytes never take that shape. The generic key-like assignments
    /// are not formats.
    format: bool,
}

impl Pattern {
    fn re(&self) -> &Regex {
        self.re.get_or_init(|| Regex::new(&self.source).expect("secret pattern"))
    }
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
        source: re.to_string(),
        re: std::sync::OnceLock::new(),
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

/// All the patterns at once: one pass tells which could match (most text matches none, and
/// only those that do are compiled on their own).
static ANY_PATTERN: LazyLock<regex::bytes::RegexSet> =
    LazyLock::new(|| regex::bytes::RegexSet::new(PATTERNS.iter().map(|p| p.source.as_str())).expect("secret patterns"));

/// Compile the patterns now (some milliseconds), e.g. on another thread while a command does
/// its slow part, so that the first line printed does not wait for them.
pub fn prewarm() {
    LazyLock::force(&ANY_PATTERN);
}

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
    let matched = ANY_PATTERN.matches(text);
    if !matched.matched_any() {
        return hits;
    }
    for pattern in matched.iter().map(|i| &PATTERNS[i]).filter(|p| p.format || !formats_only) {
        let re = pattern.re();
        let mut at = 0;
        while at <= text.len() {
            let Some(caps) = re.captures_at(text, at) else { break };
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::Masker;
    use std::borrow::Cow;

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
}
