//! The one mask for everything the process prints or writes: the formats [`scan_text`] knows,
//! always, and the literal secrets registered for the packages the process loaded.

use super::formats::{mask, scan_text};
use std::borrow::Cow;

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
    /// A masker for these secrets, each also as JSON writes it (escapes and all: `--json`, a
    /// swagger string); shorter than 4 bytes, none is worth hiding.
    pub fn from_literals(mut literals: Vec<String>) -> Masker {
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
