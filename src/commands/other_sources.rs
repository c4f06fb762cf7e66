//! The sources of duplicates besides the upstream index, asked alike by `search` and `submit`:
//! open pull requests against upstream (with a GitHub token) and the environment's published
//! connectors (when signed in to Power Platform). Each one's notice goes to `err` as it is had.

use crate::catalog::published::{published_connectors, PublishedLookup, PublishedOptions};
use crate::catalog::{Candidate, Index};
use crate::connector::Fingerprint;
use crate::publish::github::{self, PullLookup};
use std::io::Write;
use std::path::Path;

/// Where the other sources are and whether the network may be used.
pub struct Sources<'a> {
    pub github: &'a github::Settings,
    pub published: &'a PublishedOptions,
    pub offline: bool,
    pub cache: &'a Path,
    /// The upstream branch the open pull requests are against.
    pub base_branch: &'a str,
}

/// What the other sources found, or why they were not asked.
#[derive(Debug)]
pub struct OtherSources {
    pub pulls: PullLookup,
    pub published: PublishedLookup,
}

impl OtherSources {
    /// The candidates of both, open pull requests first (unranked).
    pub fn candidates(&self) -> Vec<Candidate> {
        let mut found = self.pulls.candidates();
        found.extend(self.published.candidates.iter().cloned());
        found
    }
}

/// Ask open pull requests, then published connectors, for `fp`, printing each one's notices.
pub fn other_sources(sources: &Sources, fp: &Fingerprint, index: &Index, err: &mut dyn Write) -> anyhow::Result<OtherSources> {
    let pulls = github::pull_requests(sources.github, sources.offline, sources.cache, sources.base_branch, fp);
    pulls.print(err)?;
    let published = published_connectors(sources.published, sources.offline, sources.cache, fp, index);
    published.print(err)?;
    Ok(OtherSources { pulls, published })
}
