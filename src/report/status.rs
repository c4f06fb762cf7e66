//! `status`'s report: one pull request as GitHub tells it (state and mergeability, the CLA,
//! each check and status with the first lines of a failure, reviews, the review comments still on
//! the diff, labels) and what to do next; or the list of the user's open pull requests. The human
//! output is a list of lines, so `--watch` can print only the lines that changed. A section whose
//! call failed says "could not be read: why" where it would be, and the rest stands.

use crate::check::rules::RULES;
use crate::output::{paint, DIM, ERROR, GOOD, HEADER, WARNING};
use crate::publish::github::pulls::{is_failure, PullSnapshot};
use crate::publish::github::types::PullRequest;
use serde::Serialize;
use std::io::Write;

/// The CLA bot's account (its comments ask for the agreement; replies name it).
pub const CLA_BOT: &str = "microsoft-github-policy-service";
/// Lines of a failed check's output shown.
const OUTPUT_LINES: usize = 8;
/// Review comments shown on the terminal (JSON lists them all).
const SHOWN_COMMENTS: usize = 20;

#[derive(Debug, Clone, Serialize)]
pub struct StatusReport {
    pub number: u64,
    pub title: String,
    pub url: String,
    /// open, draft, merged or closed.
    pub state: String,
    pub author: Option<String>,
    /// `owner:branch`.
    pub head: String,
    /// The fork the pull request came from no longer exists: its branch cannot get new commits.
    pub fork_deleted: bool,
    pub labels: Vec<String>,
    pub mergeability: Mergeability,
    pub cla: Cla,
    pub checks: Vec<Check>,
    pub reviews: Vec<ReviewLine>,
    /// Top-level review comments still on the current diff (GitHub's REST API does not say which
    /// threads are resolved; outdated ones are counted apart).
    pub comments: Vec<CommentLine>,
    pub outdated_comments: usize,
    /// An independent publisher's certification (the certification bot's answers), when the pull
    /// request is one or the conversation is about it.
    pub certification: Option<crate::follow::certification::Certification>,
    /// Sections whose own call failed, with why; everything else above stands.
    pub unread: Vec<UnreadSection>,
    pub next: Vec<String>,
}

/// A section of the report that could not be read (its call failed).
#[derive(Debug, Clone, Serialize)]
pub struct UnreadSection {
    /// `compare`, `checks`, `statuses`, `reviews`, `review comments`, `comments`, `annotations`.
    pub section: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Mergeability {
    /// `null` while GitHub computes it.
    pub mergeable: Option<bool>,
    pub mergeable_state: Option<String>,
    pub conflicts: bool,
    /// Commits the base branch has that the pull request's branch does not.
    pub base_moved_by: Option<u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Cla {
    /// signed, pending, failed or unknown.
    pub state: String,
    /// The check, status or comment it was read from.
    pub source: Option<String>,
    /// What to reply on the pull request, while pending.
    pub reply: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub name: String,
    /// `check` (a check run) or `status` (a commit status).
    pub kind: &'static str,
    /// success, failure, pending, neutral, skipped, cancelled, …
    pub state: String,
    pub url: Option<String>,
    /// For failures: the first lines of the output, and annotations (`path:line: message`).
    pub details: Vec<String>,
    /// Swagger Validator error names in the output that a `validate` rule catches offline.
    pub rules: Vec<RuleMatch>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleMatch {
    pub validator: &'static str,
    pub rule: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReviewLine {
    pub user: String,
    /// The reviewer's latest verdict: APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED.
    pub state: String,
    pub text: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CommentLine {
    pub user: String,
    pub path: String,
    pub line: Option<u64>,
    pub text: Vec<String>,
    pub replies: usize,
    pub url: Option<String>,
}

impl StatusReport {
    /// `company`: the reply for a contribution on behalf of an employer.
    pub fn new(snapshot: &PullSnapshot, company: Option<&str>) -> StatusReport {
        let pull = &snapshot.pull;
        let head = pull.head.clone().unwrap_or_default();
        let head_label = head
            .label
            .clone()
            .unwrap_or_else(|| format!("unknown:{}", head.name.clone().unwrap_or_default()));
        let fork_deleted = head.repo.is_none();
        let state = pull.state_word().to_string();
        let mergeability = Mergeability {
            mergeable: pull.mergeable,
            mergeable_state: pull.mergeable_state.clone(),
            conflicts: pull.mergeable == Some(false) || pull.mergeable_state.as_deref() == Some("dirty"),
            base_moved_by: snapshot.comparison.as_ref().map(|c| c.behind_by),
        };
        let checks = checks(snapshot);
        let cla = cla(snapshot, &checks, company);
        let reviews = reviews(snapshot);
        let (comments, outdated_comments) = comments(snapshot);
        let mut report = StatusReport {
            number: pull.number,
            title: clean(pull.title.as_deref().unwrap_or_default()),
            url: pull.html_url.clone(),
            state,
            author: pull.user.as_ref().map(|u| u.login.clone()),
            head: head_label,
            fork_deleted,
            labels: pull.labels.iter().map(|l| clean(&l.name)).collect(),
            mergeability,
            cla,
            checks,
            reviews,
            comments,
            outdated_comments,
            certification: crate::follow::certification::read(
                &snapshot.comments,
                &pull.labels.iter().map(|l| l.name.clone()).collect::<Vec<_>>(),
                pull.title.as_deref().unwrap_or_default(),
            ),
            unread: snapshot
                .unread
                .iter()
                .map(|(section, reason)| UnreadSection {
                    section: section.to_string(),
                    reason: clean(reason),
                })
                .collect(),
            next: Vec::new(),
        };
        report.next = report.next_steps();
        if let (Some(c), "open" | "draft" | "merged") = (&report.certification, report.state.as_str()) {
            report.next.push(format!("certification: {}", clean(&c.next)));
        }
        report
    }

    fn next_steps(&self) -> Vec<String> {
        let mut next = Vec::new();
        match self.state.as_str() {
            "merged" => {
                next.push("merged: after the deployment, the maintainers ask for the certification package (`connector-publish package`); `connector-publish cleanup` deletes the branch".into());
                return next;
            }
            "closed" => {
                next.push("closed without merging; read the last comments, and `connector-publish cleanup` deletes the branch".into());
                return next;
            }
            _ => {}
        }
        if self.fork_deleted {
            next.push("the fork this pull request came from was deleted, so its branch can take no new commits: `connector-publish submit` again opens a new pull request from a new fork".into());
        }
        if let Some(reply) = &self.cla.reply {
            next.push(format!("sign the CLA: reply on the pull request with `{reply}`"));
        }
        if self.checks.iter().any(|c| c.state == "failure") {
            next.push("fix what the failed checks say in your folder, run `connector-publish validate`, then `connector-publish submit` again: it adds a commit to this pull request".into());
        }
        if self.reviews.iter().any(|r| r.state == "CHANGES_REQUESTED") || !self.comments.is_empty() {
            next.push("answer the review comments; after changing your folder, `connector-publish submit` again adds a commit to this pull request".into());
        }
        if self.mergeability.conflicts {
            next.push("the branch conflicts with the base branch: someone changed the same files upstream; merge the base branch into your branch (GitHub's \"Resolve conflicts\", or git), or ask the maintainers".into());
        }
        if !self.unread.is_empty() {
            let sections: Vec<&str> = self.unread.iter().map(|u| u.section.as_str()).collect();
            next.push(format!(
                "{} could not be read (above); run `connector-publish status {}` again later to see them",
                sections.join(", "),
                self.number
            ));
        }
        if next.is_empty() {
            next.push("nothing to do but wait for the reviewers (`--watch` follows it)".into());
        }
        next
    }

    /// The human output, line by line.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        self.head_lines(&mut lines);
        self.cla_lines(&mut lines);
        self.check_lines(&mut lines);
        self.review_lines(&mut lines);
        self.comment_lines(&mut lines);
        if let Some(c) = &self.certification {
            lines.extend(certification_lines(c));
        }
        lines.push(paint(HEADER, "Next"));
        for n in &self.next {
            lines.push(format!("  {n}"));
        }
        lines
    }

    /// The pull request: number, title, state, where from, labels, and while open whether it
    /// merges.
    fn head_lines(&self, lines: &mut Vec<String>) {
        let state = match self.state.as_str() {
            "merged" => paint(GOOD, "merged"),
            "closed" => paint(ERROR, "closed"),
            other => paint(HEADER, other),
        };
        lines.push(format!("#{} {} ({state})", self.number, self.title));
        lines.push(format!("  {}", self.url));
        lines.push(format!(
            "  from {}{}",
            self.head,
            if self.fork_deleted { " (the fork was deleted)" } else { "" }
        ));
        if !self.labels.is_empty() {
            lines.push(format!("  labels: {}", self.labels.join(", ")));
        }
        if matches!(self.state.as_str(), "open" | "draft") {
            let m = &self.mergeability;
            let merge = if m.conflicts {
                paint(ERROR, "conflicts with the base branch")
            } else {
                match m.mergeable {
                    Some(true) => paint(GOOD, "no conflicts"),
                    _ => "not known yet (GitHub is computing it)".into(),
                }
            };
            lines.push(format!("  mergeable: {merge}"));
            if let Some(why) = self.unread_reason("compare") {
                lines.push(format!("  how far the base branch moved on: {}", paint(WARNING, why)));
            }
            if let Some(n) = m.base_moved_by.filter(|n| *n > 0) {
                lines.push(format!(
                    "  the base branch moved on by {n} commit{} since this branch was made",
                    if n == 1 { "" } else { "s" }
                ));
            }
        }
    }

    /// The CLA's state, the reply to give, and whether the conversation could be read.
    fn cla_lines(&self, lines: &mut Vec<String>) {
        let cla_sources_unread = ["checks", "statuses", "comments"].iter().any(|s| self.unread_reason(s).is_some());
        let cla = match self.cla.state.as_str() {
            "signed" => paint(GOOD, "signed"),
            "pending" => paint(WARNING, "pending"),
            "failed" => paint(ERROR, "not signed"),
            _ if cla_sources_unread => paint(WARNING, "not known (what reports it could not be read)"),
            _ => "not reported yet".into(),
        };
        lines.push(format!(
            "  CLA: {cla}{}",
            self.cla.source.as_ref().map(|s| format!(" ({s})")).unwrap_or_default()
        ));
        if let Some(reply) = &self.cla.reply {
            lines.push(format!("    reply on the pull request: {reply}"));
        }
        if let Some(why) = self.unread_reason("comments") {
            lines.push(format!("  conversation: {}", paint(WARNING, why)));
        }
    }

    /// The Checks section: what could not be read, then each check with its details and rules.
    fn check_lines(&self, lines: &mut Vec<String>) {
        let checks_unread = [("checks", "check runs"), ("statuses", "statuses"), ("annotations", "annotations")]
            .into_iter()
            .filter_map(|(section, name)| self.unread_reason(section).map(|why| (name, why)))
            .collect::<Vec<_>>();
        if !self.checks.is_empty() || !checks_unread.is_empty() {
            lines.push(paint(HEADER, "Checks"));
        }
        for (name, why) in checks_unread {
            lines.push(format!("  {name}: {}", paint(WARNING, why)));
        }
        for check in &self.checks {
            let state = match check.state.as_str() {
                "success" => paint(GOOD, "success"),
                "failure" => paint(ERROR, "failure"),
                "pending" => paint(WARNING, "pending"),
                other => paint(DIM, other),
            };
            lines.push(format!("  {state:<9} {}", check.name));
            for line in &check.details {
                lines.push(format!("      {line}"));
            }
            for m in &check.rules {
                lines.push(format!(
                    "      `{}` is the rule `{}`: run `connector-publish validate` to see it locally",
                    m.validator, m.rule
                ));
            }
        }
    }

    /// The Reviews section.
    fn review_lines(&self, lines: &mut Vec<String>) {
        if !self.reviews.is_empty() || self.unread_reason("reviews").is_some() {
            lines.push(paint(HEADER, "Reviews"));
        }
        if let Some(why) = self.unread_reason("reviews") {
            lines.push(format!("  {}", paint(WARNING, why)));
        }
        for review in &self.reviews {
            lines.push(format!("  {} {}", review.user, review.state.to_lowercase().replace('_', " ")));
            for line in &review.text {
                lines.push(format!("      {line}"));
            }
        }
    }

    /// The review comments on the current diff (the first [`SHOWN_COMMENTS`]), and the outdated
    /// ones' count.
    fn comment_lines(&self, lines: &mut Vec<String>) {
        if !self.comments.is_empty() || self.outdated_comments > 0 {
            lines.push(paint(
                HEADER,
                format!(
                    "Review comments: {} on the current diff{}",
                    self.comments.len(),
                    if self.outdated_comments > 0 {
                        format!(", {} outdated", self.outdated_comments)
                    } else {
                        String::new()
                    }
                ),
            ));
        }
        if let Some(why) = self.unread_reason("review comments") {
            lines.push(format!("{} {}", paint(HEADER, "Review comments:"), paint(WARNING, why)));
        }
        for c in self.comments.iter().take(SHOWN_COMMENTS) {
            let at = c.line.map(|l| format!(":{l}")).unwrap_or_default();
            let replies = match c.replies {
                0 => String::new(),
                1 => " (1 reply)".into(),
                n => format!(" ({n} replies)"),
            };
            lines.push(format!("  {}{at} {}{replies}", c.path, c.user));
            for line in &c.text {
                lines.push(format!("      {line}"));
            }
        }
        if self.comments.len() > SHOWN_COMMENTS {
            lines.push(format!(
                "  … and {} more (--json lists them all)",
                self.comments.len() - SHOWN_COMMENTS
            ));
        }
    }

    /// "could not be read: why", when `section`'s call failed.
    fn unread_reason(&self, section: &str) -> Option<String> {
        self.unread
            .iter()
            .find(|u| u.section == section)
            .map(|u| format!("could not be read: {}", u.reason))
    }

    pub fn human(&self, out: &mut dyn Write) -> anyhow::Result<()> {
        for line in self.lines() {
            writeln!(out, "{line}")?;
        }
        Ok(())
    }
}

/// The Certification section: the state, then the bot's numbered errors with their rules.
fn certification_lines(c: &crate::follow::certification::Certification) -> Vec<String> {
    use crate::follow::certification::State;
    let state = match c.state {
        State::Failed => paint(ERROR, c.state.words()),
        State::Approved | State::Deployed => paint(GOOD, c.state.words()),
        State::Requested | State::IdentityCheck => paint(WARNING, c.state.words()),
        State::NotRequested => c.state.words().to_string(),
    };
    let at = c
        .answered_at
        .as_deref()
        .map(|t| format!(" (the certification bot, {})", clean(t)))
        .unwrap_or_default();
    let mut lines = vec![paint(HEADER, "Certification"), format!("  {state}{at}")];
    for e in &c.errors {
        lines.push(format!("    {}. {}", e.number, clean(&e.text)));
        match (e.rule, e.hint) {
            (Some(rule), _) => lines.push(format!(
                "       the rule `{rule}`: `connector-publish validate` finds it on your machine"
            )),
            (None, Some(hint)) => lines.push(format!("       {hint}")),
            (None, None) => {}
        }
    }
    lines
}

fn checks(snapshot: &PullSnapshot) -> Vec<Check> {
    let mut out = Vec::new();
    for run in &snapshot.checks {
        let state = match (run.status.as_str(), run.conclusion.as_deref()) {
            ("completed", Some(c)) if is_failure(Some(c)) => "failure".to_string(),
            ("completed", Some(c)) => c.to_string(),
            _ => "pending".to_string(),
        };
        let mut details = Vec::new();
        if state == "failure" {
            let o = &run.output;
            for text in [o.title.as_deref(), o.summary.as_deref(), o.text.as_deref()].into_iter().flatten() {
                details.extend(first_lines(text, OUTPUT_LINES.saturating_sub(details.len())));
            }
            for a in snapshot.annotations.get(&run.id).into_iter().flatten().take(OUTPUT_LINES) {
                let at = a.start_line.map(|l| format!(":{l}")).unwrap_or_default();
                let title = a.title.as_deref().map(|t| format!("{} ", clean(t))).unwrap_or_default();
                details.push(format!(
                    "{}{at}: {title}{}",
                    clean(&a.path),
                    first_lines(a.message.as_deref().unwrap_or_default(), 1).join("")
                ));
            }
        }
        let rules = if state == "failure" {
            let mut all = String::new();
            for text in [&run.output.title, &run.output.summary, &run.output.text].into_iter().flatten() {
                all.push_str(text);
                all.push('\n');
            }
            for a in snapshot.annotations.get(&run.id).into_iter().flatten() {
                all.push_str(a.message.as_deref().unwrap_or_default());
                all.push('\n');
                all.push_str(a.title.as_deref().unwrap_or_default());
                all.push('\n');
            }
            matching_rules(&all)
        } else {
            Vec::new()
        };
        out.push(Check {
            name: clean(&run.name),
            kind: "check",
            state,
            url: run.html_url.clone().or_else(|| run.details_url.clone()),
            details,
            rules,
        });
    }
    for status in &snapshot.statuses {
        let state = match status.state.as_str() {
            "error" | "failure" => "failure",
            "success" => "success",
            _ => "pending",
        };
        let details = match (state, &status.description) {
            ("failure", Some(d)) => first_lines(d, OUTPUT_LINES),
            _ => Vec::new(),
        };
        out.push(Check {
            name: clean(&status.context),
            kind: "status",
            state: state.to_string(),
            url: status.target_url.clone(),
            rules: if state == "failure" {
                matching_rules(status.description.as_deref().unwrap_or_default())
            } else {
                Vec::new()
            },
            details,
        });
    }
    out
}

/// The Swagger Validator's error names in `text` (as whole words) that a rule catches.
pub fn matching_rules(text: &str) -> Vec<RuleMatch> {
    let words: std::collections::HashSet<&str> = text.split(|c: char| !c.is_ascii_alphanumeric()).collect();
    let mut found: Vec<RuleMatch> = RULES
        .iter()
        .filter_map(|r| {
            r.validator
                .filter(|v| words.contains(v))
                .map(|v| RuleMatch { validator: v, rule: r.id })
        })
        .collect();
    found.sort_by_key(|m| (m.validator, m.rule));
    found.dedup_by_key(|m| m.validator);
    found
}

fn is_cla(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.contains(CLA_BOT) || lower.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| w == "cla")
}

fn cla(snapshot: &PullSnapshot, checks: &[Check], company: Option<&str>) -> Cla {
    let reply = match company {
        Some(c) => format!("@{CLA_BOT} agree company=\"{}\"", c.replace('"', "'")),
        None => format!("@{CLA_BOT} agree"),
    };
    if let Some(check) = checks.iter().find(|c| is_cla(&c.name)) {
        let state = match check.state.as_str() {
            "success" => "signed",
            "failure" => "failed",
            _ => "pending",
        };
        return Cla {
            state: state.into(),
            source: Some(format!("{} {}", check.kind, check.name)),
            reply: (state != "signed").then_some(reply),
        };
    }
    // No check: the bot's comment asks, and the author's reply answers.
    let author = snapshot.pull.user.as_ref().map(|u| u.login.to_ascii_lowercase());
    let bot = |c: &&crate::publish::github::types::IssueComment| {
        c.user.as_ref().is_some_and(|u| u.login.to_ascii_lowercase().starts_with(CLA_BOT))
    };
    let asked = snapshot.comments.iter().rposition(|c| bot(&c) && c.body.contains("agree"));
    let Some(asked) = asked else {
        return Cla {
            state: "unknown".into(),
            source: None,
            reply: None,
        };
    };
    let answered = snapshot.comments[asked..]
        .iter()
        .any(|c| c.user.as_ref().map(|u| u.login.to_ascii_lowercase()) == author && c.body.contains(&format!("@{CLA_BOT} agree")));
    Cla {
        state: if answered { "signed" } else { "pending" }.into(),
        source: Some(format!("{CLA_BOT}'s comment")),
        reply: (!answered).then_some(reply),
    }
}

fn reviews(snapshot: &PullSnapshot) -> Vec<ReviewLine> {
    // Each reviewer's latest verdict; a later comment-only review keeps the earlier verdict.
    let mut latest: Vec<ReviewLine> = Vec::new();
    for r in &snapshot.reviews {
        if r.state == "PENDING" {
            continue;
        }
        let user = r.user.as_ref().map(|u| u.login.clone()).unwrap_or_else(|| "ghost".into());
        let text = first_lines(r.body.as_deref().unwrap_or_default(), 3);
        match latest.iter_mut().find(|l| l.user == user) {
            Some(l) if r.state == "COMMENTED" && l.state != "COMMENTED" => {
                if !text.is_empty() {
                    l.text = text;
                }
            }
            Some(l) => {
                l.state = r.state.clone();
                l.text = text;
            }
            None => latest.push(ReviewLine {
                user,
                state: r.state.clone(),
                text,
            }),
        }
    }
    latest
}

fn comments(snapshot: &PullSnapshot) -> (Vec<CommentLine>, usize) {
    let mut out = Vec::new();
    let mut outdated = 0;
    for c in snapshot.review_comments.iter().filter(|c| c.in_reply_to_id.is_none()) {
        if c.line.is_none() && c.position.is_none() {
            outdated += 1;
            continue;
        }
        out.push(CommentLine {
            user: c.user.as_ref().map(|u| u.login.clone()).unwrap_or_else(|| "ghost".into()),
            path: clean(&c.path),
            line: c.line,
            text: first_lines(&c.body, 3),
            replies: snapshot.review_comments.iter().filter(|r| r.in_reply_to_id == Some(c.id)).count(),
            url: c.html_url.clone(),
        });
    }
    out.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    (out, outdated)
}

/// The first `n` non-empty lines of `text`, cleaned of control characters and cut at 200 chars.
fn first_lines(text: &str, n: usize) -> Vec<String> {
    text.lines()
        .map(|l| clean(l.trim_end()))
        .filter(|l| !l.trim().is_empty())
        .take(n)
        .map(|l| match l.char_indices().nth(200) {
            Some((i, _)) => format!("{}…", &l[..i]),
            None => l,
        })
        .collect()
}

/// Text from GitHub without terminal control sequences (a check's output is anyone's text).
fn clean(text: &str) -> String {
    text.chars().map(|c| if c.is_control() && c != '\t' { ' ' } else { c }).collect()
}

/// `status` without an argument: the user's open pull requests.
#[derive(Debug, Clone, Serialize)]
pub struct ListReport {
    pub login: String,
    pub upstream: String,
    pub pulls: Vec<ListedPull>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ListedPull {
    pub number: u64,
    pub title: String,
    pub url: String,
    pub state: String,
    pub head: Option<String>,
    pub labels: Vec<String>,
}

impl ListReport {
    pub fn new(login: &str, upstream: &str, pulls: &[PullRequest]) -> ListReport {
        ListReport {
            login: login.to_string(),
            upstream: upstream.to_string(),
            pulls: pulls
                .iter()
                .map(|p| ListedPull {
                    number: p.number,
                    title: clean(p.title.as_deref().unwrap_or_default()),
                    url: p.html_url.clone(),
                    state: p.state_word().to_string(),
                    head: p.head.as_ref().and_then(|h| h.label.clone()),
                    labels: p.labels.iter().map(|l| clean(&l.name)).collect(),
                })
                .collect(),
        }
    }

    pub fn human(&self, out: &mut dyn Write) -> anyhow::Result<()> {
        if self.pulls.is_empty() {
            writeln!(out, "{} has no open pull requests on {}.", self.login, self.upstream)?;
            return Ok(());
        }
        writeln!(
            out,
            "{}",
            paint(HEADER, format!("Open pull requests by {} on {}", self.login, self.upstream))
        )?;
        for p in &self.pulls {
            let labels = if p.labels.is_empty() {
                String::new()
            } else {
                format!(" [{}]", p.labels.join(", "))
            };
            writeln!(out, "  #{} {} ({}){labels}", p.number, p.title, p.state)?;
            writeln!(out, "      {}", p.url)?;
        }
        writeln!(out, "Details: `connector-publish status <number>`.")?;
        Ok(())
    }
}

/// `status --watch`'s output: the whole report once, then after each change only the lines not
/// shown before, under a `--- #N changed:` line (`--json`: the whole report, one line, each time).
#[derive(Debug, Default)]
pub struct Watch {
    json: bool,
    shown: std::collections::HashSet<String>,
}

impl Watch {
    pub fn new(json: bool) -> Self {
        Watch {
            json,
            shown: Default::default(),
        }
    }

    /// Print what `report` says that was not printed before, and flush.
    pub fn changes(&mut self, report: &StatusReport, out: &mut dyn Write) -> anyhow::Result<()> {
        if self.json {
            super::write_json_line(report, out)?;
            return Ok(out.flush()?);
        }
        let lines = report.lines();
        let first = self.shown.is_empty();
        let fresh: Vec<&String> = lines.iter().filter(|l| !self.shown.contains(*l)).collect();
        if !first && !fresh.is_empty() {
            writeln!(out, "{}", paint(DIM, format!("--- #{} changed:", report.number)))?;
        }
        for line in fresh {
            writeln!(out, "{line}")?;
        }
        self.shown.extend(lines);
        Ok(out.flush()?)
    }

    /// On `err`: a look that failed for now, and when the next one is.
    pub fn retrying(&self, error: &anyhow::Error, pause: std::time::Duration, err: &mut dyn Write) -> anyhow::Result<()> {
        let retry = format!("{error:#}; looking again in {} s", pause.as_secs());
        Ok(super::write_notice("warning:", retry, err)?)
    }

    /// On `err` (not with `--json`): the pull request is merged or closed, and the watch ends.
    pub fn stopped(&self, report: &StatusReport, err: &mut dyn Write) -> anyhow::Result<()> {
        if !self.json {
            writeln!(
                err,
                "{}",
                paint(DIM, format!("#{} is {}; stopped watching", report.number, report.state))
            )?;
        }
        Ok(())
    }
}
