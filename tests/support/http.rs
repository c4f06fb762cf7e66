//! What the loopback servers share: decoding form bodies and query strings, and the fault-route
//! keys ("METHOD /path") their fault queues are indexed by.
// The benchmarks in examples/ include the git server, which needs only the decoder.
#![allow(dead_code)]

/// `%XX` decoded (invalid sequences kept as they are), then read as UTF-8 leniently.
pub fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// `application/x-www-form-urlencoded`, also a query string: `+` is a space, `%XX` a byte.
pub fn parse_form(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(&k.replace('+', " ")), percent_decode(&v.replace('+', " ")))
        })
        .collect()
}

/// Normalise "METHOD /path": query dropped, trailing slash dropped (but a trailing `/*` prefix
/// pattern kept), path lower-cased; `"*"` stays.
pub fn route_key(route: &str) -> String {
    let route = route.trim();
    if route == "*" {
        return "*".to_string();
    }
    let (method, path) = route.split_once(' ').unwrap_or(("GET", route));
    let path = path.trim().split('?').next().unwrap_or("");
    let path = if path.len() > 1 && !path.ends_with("/*") {
        path.trim_end_matches('/')
    } else {
        path
    };
    format!("{} {}", method.to_ascii_uppercase(), path.to_ascii_lowercase())
}
