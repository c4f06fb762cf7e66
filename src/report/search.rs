//! What `search` reports: where it looked and the candidates, best first.

use crate::catalog::{Candidate, Verdict};
use crate::output::{paint, DIM, EMPHASIS, ERROR, GOOD, WARNING};
use std::io::Write;

/// How the look at open pull requests went.
#[derive(Debug, serde::Serialize)]
pub struct PullsSummary {
    pub looked: bool,
    pub not_looked: Option<String>,
    pub open: Option<usize>,
    /// Open pull requests that could not be read (the rate limit ran out, a file could not be had).
    pub unread: Vec<crate::catalog::open_prs::Unread>,
    pub notes: Vec<String>,
    pub seconds: f64,
}

/// How the comparison with published connectors went.
#[derive(Debug, serde::Serialize)]
pub struct PublishedSummary {
    pub looked: bool,
    pub not_looked: Option<String>,
    pub cached: bool,
    pub listed: usize,
}

#[derive(Debug, serde::Serialize)]
pub struct SearchReport<'a> {
    pub query: &'a str,
    pub commit: &'a str,
    pub date: String,
    pub offline: bool,
    pub pull_requests: Option<PullsSummary>,
    pub published: Option<PublishedSummary>,
    pub candidates: Vec<Candidate>,
    /// What was searched for, in words ("the host api.deepl.com").
    #[serde(skip)]
    pub label: String,
    #[serde(skip)]
    pub branch: &'a str,
    #[serde(skip)]
    pub connectors: usize,
    /// How many candidates the human output lists (`--limit`).
    #[serde(skip)]
    pub limit: usize,
}

impl SearchReport<'_> {
    pub fn human(&self, out: &mut dyn Write) -> anyhow::Result<()> {
        let searched = format!(
            "Searched {} connectors of {} at {} ({}) for {}",
            self.connectors,
            self.branch,
            &self.commit[..12.min(self.commit.len())],
            self.date,
            self.label
        );
        writeln!(out, "{}", paint(DIM, searched))?;
        if self.candidates.is_empty() {
            writeln!(out, "{}", paint(GOOD, "No connector upstream serves this API."))?;
        }
        for cand in self.candidates.iter().take(self.limit) {
            let (word, style) = match cand.verdict {
                Verdict::Duplicate => ("duplicate", ERROR),
                Verdict::Related => ("related  ", WARNING),
            };
            let title = cand.title.as_deref().map(|t| format!(" \"{t}\"")).unwrap_or_default();
            let score = format!("score {:.2}, {}", cand.score, cand.category);
            writeln!(
                out,
                "{} {}{title}  {}",
                paint(style, word),
                paint(EMPHASIS, cand.label()),
                paint(DIM, score)
            )?;
            writeln!(out, "          why: {}", cand.evidence.join("; "))?;
            if let Some(url) = &cand.url {
                writeln!(out, "          {}", paint(DIM, url))?;
            }
        }
        if self.candidates.len() > self.limit {
            let more = format!("... and {} more (--limit, or --json for all)", self.candidates.len() - self.limit);
            writeln!(out, "{}", paint(DIM, more))?;
        }
        match self.candidates.first() {
            Some(first) if first.verdict == Verdict::Duplicate && first.is_upstream() => writeln!(
                out,
                "\nThe same API already has a connector: improve it instead of adding another (`connector-publish submit --update \"{}\"`).",
                first.folder
            )?,
            Some(first) if first.verdict == Verdict::Duplicate => writeln!(
                out,
                "\nThe same API is already on its way: {}. Review or join it instead of adding another.",
                first.label()
            )?,
            _ => {}
        }
        Ok(())
    }
}
