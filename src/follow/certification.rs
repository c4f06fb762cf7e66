//! The certification of an independent publisher's pull request, read from its conversation.
//!
//! Since 2025 a maintainer comments `certify-connector` and the certification bot (the
//! `certificationteam` account) answers on the pull request. Its answers, as seen upstream
//! (2025–2026), come in two wordings:
//!
//! - 2025: "Certification Validations Failed. Please fix below issues" then one error per
//!   paragraph; or "Certification Test Results" then "Policy Code: …" and "Message: …"; success is
//!   "Certification completed. Deployment will begin soon!"
//! - since: "We reviewed your submission and identified some changes that are needed …", then
//!   "Error(s) are:" and a numbered list (sometimes the errors follow the signature unnumbered);
//!   success is "Congratulations — your certification request has been approved …";
//!   "Publisher Mismatch Detected: …" stands alone.
//!
//! Before the trigger, a maintainer asks for Microsoft's form and starts the OneVet identity
//! check; after the approval, "the deployment of your connector … was already completed" (or the
//! `deployed` label) ends it. [`read`] turns the comments into a state, the bot's numbered errors
//! (each matched to the rule that catches it offline, where there is one) and the next step.

use crate::check::rules::RULES;
use crate::publish::github::types::IssueComment;
use serde::Serialize;

/// The certification bot's account.
pub const BOT: &str = "certificationteam";
/// The maintainers' comment that starts certification.
pub const TRIGGER: &str = "certify-connector";
/// The label a deployed connector's pull request gets.
pub const DEPLOYED_LABEL: &str = "deployed";

/// Where certification stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// No `certify-connector` yet.
    NotRequested,
    /// A maintainer started the OneVet identity check; certification follows it.
    IdentityCheck,
    /// `certify-connector` was posted; the bot has not answered since.
    Requested,
    /// The bot's last answer lists errors.
    Failed,
    /// The bot approved: deployment follows (3–4 weeks).
    Approved,
    /// Deployed (the `deployed` label, or the maintainers' note).
    Deployed,
}

impl State {
    pub fn words(self) -> &'static str {
        match self {
            State::NotRequested => "not requested yet",
            State::IdentityCheck => "waiting for the OneVet identity check",
            State::Requested => "requested: waiting for the certification bot's answer",
            State::Failed => "failed",
            State::Approved => "approved: deploying",
            State::Deployed => "deployed",
        }
    }
}

/// One of the bot's errors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BotError {
    /// As the bot numbered it (or its place in the list).
    pub number: usize,
    pub text: String,
    /// The rule that catches it offline (`connector-publish validate`), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<&'static str>,
    /// What to do, when no rule says it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Certification {
    pub state: State,
    /// The bot's errors in its last answer (when it failed).
    pub errors: Vec<BotError>,
    /// When the bot last answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answered_at: Option<String>,
    /// The next step, in words.
    pub next: String,
}

/// What a comment is, for certification.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Event {
    Trigger,
    Identity,
    Failed(Vec<BotError>),
    Approved,
    Deployed,
}

const FAILURE_HEADERS: [&str; 5] = [
    "certification validations failed",
    "we reviewed your submission and identified some changes",
    "certification test results",
    "publisher mismatch detected",
    "publishername mismatch",
];
const SUCCESS_HEADERS: [&str; 2] = ["certification completed", "your certification request has been approved"];
const DEPLOYED_PHRASES: [&str; 2] = [
    "deployment of your connector and documentation page was already completed",
    "deployment of your connector and documentation page is now complete",
];
/// Where the error list starts, the latest marker found wins.
const LIST_MARKERS: [&str; 4] = [
    "error(s) are:",
    "please fix below issues",
    "certification test results",
    "copilot connector certification team",
];
/// The bot's lines that are not errors.
const BOILERPLATE: [&str; 6] = [
    "many thanks",
    "copilot connector certification team",
    "we reviewed your submission",
    "kindly make the following changes",
    "[you can refer here]",
    "error(s) are:",
];

/// Lower case, every run of other characters than letters and digits one space.
fn normal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    out.trim().to_string()
}

/// A comment whose lines include the trigger as a command (`certify-connector`, the
/// `[[certify-connector | …]]` form, and the team's `certify-connector-test`).
fn is_trigger(body: &str) -> bool {
    body.lines().any(|l| {
        let l = l.trim().trim_start_matches("[[").trim();
        l.starts_with(TRIGGER)
    })
}

/// The bot's errors in a failure answer.
fn errors(body: &str) -> Vec<BotError> {
    let lower = body.to_lowercase();
    // `lower` may differ in length from `body` for some characters: cut on line boundaries.
    let start_line = LIST_MARKERS
        .iter()
        .filter_map(|m| lower.rfind(m).map(|i| lower[..i].matches('\n').count() + 1))
        .max();
    let lines: Vec<&str> = match start_line {
        Some(start) => body.lines().skip(start).map(str::trim).filter(|l| !l.is_empty()).collect(),
        // Publisher Mismatch stands alone: its first line is the error.
        None => body.lines().map(str::trim).filter(|l| !l.is_empty()).take(1).collect(),
    };
    let mut out: Vec<BotError> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        i += 1;
        let lower = line.to_lowercase();
        if BOILERPLATE.iter().any(|b| lower.starts_with(b)) {
            continue;
        }
        let (number, text) = match line.split_once(['.', ')']) {
            Some((n, rest)) if !n.is_empty() && n.len() <= 3 && n.chars().all(|c| c.is_ascii_digit()) => {
                (n.parse().ok(), rest.trim().to_string())
            }
            _ => (None, line.to_string()),
        };
        // "Policy Code: 5000.2.6.2" then "Message: …": one error.
        let text = if lower.starts_with("policy code") && i < lines.len() && lines[i].to_lowercase().starts_with("message") {
            i += 1;
            format!("{text} {}", lines[i - 1])
        } else {
            text
        };
        let (rule, hint) = matched(&text);
        out.push(BotError {
            number: number.unwrap_or(out.len() + 1),
            text: crate::check::shown(&text).into_owned(),
            rule,
            hint,
        });
    }
    out
}

/// The rule whose `bot` message the error says, or a hint for what no rule catches.
pub fn matched(text: &str) -> (Option<&'static str>, Option<&'static str>) {
    let said = normal(text);
    if let Some(r) = RULES.iter().find(|r| r.bot.is_some_and(|b| said.contains(&normal(b)))) {
        return (Some(r.id), None);
    }
    // The bot's own typo ("Not able deserialize the package. Invalid package structure.").
    if said.contains("invalid package structure") {
        return (Some("ip-package-structure"), None);
    }
    let hint = if said.contains("publisher mismatch") || said.contains("publishername mismatch") {
        Some("the update must come from the account that first submitted the connector: submit from that account, or ask the maintainers to move the connector to yours (`submit` warns about this before the pull request opens)")
    } else if said.contains("not able to download the package") {
        Some("the bot could not fetch the zip: keep exactly one .zip in the folder, committed as a regular file (not Git LFS), and ask for `certify-connector` again")
    } else if said.contains("deserialize") {
        Some("the zip is not the Partner Center package: `connector-publish package check <zip>` says what is wrong")
    } else if said.contains("5000 2 6 2") || said.contains("open api 2 0") {
        Some("the package's swagger is not a complete OpenAPI 2.0 document: `connector-publish validate` on the folder, then export the solutions again")
    } else {
        None
    };
    (None, hint)
}

fn event(comment: &IssueComment) -> Option<Event> {
    let body = comment.body.as_str();
    let lower = body.to_lowercase();
    let by_bot = comment.user.as_ref().is_some_and(|u| {
        let login = u.login.to_ascii_lowercase();
        login == BOT || login.starts_with(&format!("{BOT}["))
    });
    if DEPLOYED_PHRASES.iter().any(|p| lower.contains(p)) {
        return Some(Event::Deployed);
    }
    if FAILURE_HEADERS.iter().any(|h| lower.contains(h)) {
        return Some(Event::Failed(errors(body)));
    }
    if SUCCESS_HEADERS.iter().any(|h| lower.contains(h)) {
        return Some(Event::Approved);
    }
    if by_bot {
        return None;
    }
    if is_trigger(body) {
        return Some(Event::Trigger);
    }
    if lower.contains("onevet") {
        return Some(Event::Identity);
    }
    None
}

/// Where certification stands, from the conversation (oldest first) and the labels. `None` when
/// the pull request is not an independent publisher's and nothing in it is about certification.
pub fn read(comments: &[IssueComment], labels: &[String], title: &str) -> Option<Certification> {
    let independent = labels.iter().any(|l| l.to_ascii_lowercase().contains("independent-publisher"))
        || title.to_ascii_lowercase().contains("independent publisher");
    let mut state = State::NotRequested;
    let mut errors = Vec::new();
    let mut answered_at = None;
    let mut seen = false;
    for c in comments {
        let Some(event) = event(c) else { continue };
        seen = true;
        match event {
            Event::Trigger => state = State::Requested,
            Event::Identity if state == State::NotRequested => state = State::IdentityCheck,
            Event::Identity => {}
            Event::Failed(e) => {
                state = State::Failed;
                errors = e;
                answered_at = c.created_at.clone();
            }
            Event::Approved => {
                state = State::Approved;
                errors.clear();
                answered_at = c.created_at.clone();
            }
            Event::Deployed => state = State::Deployed,
        }
    }
    if labels.iter().any(|l| l.eq_ignore_ascii_case(DEPLOYED_LABEL)) {
        state = State::Deployed;
    }
    if !independent && !seen && state == State::NotRequested {
        return None;
    }
    if state != State::Failed {
        errors.clear();
    }
    let next = next(state, &errors);
    Some(Certification {
        state,
        errors,
        answered_at,
        next,
    })
}

fn next(state: State, errors: &[BotError]) -> String {
    match state {
        State::NotRequested => "after the review, Microsoft emails a form and then the OneVet identity check to the swagger's contact email (the name and address must match a government ID); a maintainer then starts certification with `certify-connector`".into(),
        State::IdentityCheck => "complete the OneVet identity check Microsoft emailed to the swagger's contact email (the name and address must match a government ID), then say so on the pull request".into(),
        State::Requested => "the certification bot is checking the package: wait for its answer (`--watch` follows it)".into(),
        State::Failed => {
            let offline = errors.iter().any(|e| e.rule.is_some());
            format!(
                "fix each error{}, put the new package in the folder, run `connector-publish submit` again (it adds a commit), and ask the maintainers on the pull request for `certify-connector` again",
                if offline { " (`connector-publish validate <folder>` finds the ones with a rule)" } else { "" }
            )
        }
        State::Approved => "certified: the deployment to every region takes 3–4 weeks; nothing to do until the `deployed` label".into(),
        State::Deployed => "deployed: the connector is live; `connector-publish cleanup` deletes the branch".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comment(user: &str, body: &str) -> IssueComment {
        serde_json::from_value(serde_json::json!({"id": 1, "user": {"login": user}, "body": body, "created_at": "2025-11-07T00:00:00Z"}))
            .unwrap()
    }

    const NEW_WORDING: &str = "We reviewed your submission and identified some changes that are needed before we can publish or update the connector.Kindly make the following changes and resubmit the request for certification.[You can refer here](https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-policy-errors) to understand more about the error codes and how to fix them.\n\nMany Thanks,\nCopilot Connector Certification Team\n\nError(s) are:\n1. No zip\n2. Maximum of 30 characters allowed in the connector title\n";
    const OLD_WORDING: &str = "Certification Validations Failed. Please fix below issues\n\nMaximum of 30 characters allowed in the connector title\n\nTitle cannot end in nonaplhanumberic character, including carriage return, new line, or blank space";

    #[test]
    fn both_wordings_give_numbered_errors_matched_to_rules() {
        let c = read(
            &[comment("vmanoharas", "certify-connector"), comment(BOT, NEW_WORDING)],
            &[],
            "X (Independent Publisher)",
        )
        .unwrap();
        assert_eq!(c.state, State::Failed);
        let got: Vec<(usize, &str, Option<&str>)> = c.errors.iter().map(|e| (e.number, e.text.as_str(), e.rule)).collect();
        assert_eq!(
            got,
            [
                (1, "No zip", Some("ip-package-missing")),
                (
                    2,
                    "Maximum of 30 characters allowed in the connector title",
                    Some("ip-package-title-length")
                )
            ]
        );
        let c = read(&[comment("souchoudhary", OLD_WORDING)], &[], "").unwrap();
        assert_eq!(c.state, State::Failed);
        let rules: Vec<_> = c.errors.iter().map(|e| (e.number, e.rule)).collect();
        assert_eq!(rules, [(1, Some("ip-package-title-length")), (2, Some("ip-package-title-ending"))]);
    }

    #[test]
    fn policy_codes_mismatch_and_unnumbered_lists() {
        let body = "Certification Test Results\n\nPolicy Code: 5000.2.6.2\nMessage: Swagger json should be properly structured and complete, and adhere to Open API 2.0";
        let c = read(&[comment(BOT, body)], &[], "").unwrap();
        assert_eq!(c.errors.len(), 1, "{:?}", c.errors);
        assert!(c.errors[0].text.starts_with("Policy Code: 5000.2.6.2 Message:"));
        assert!(c.errors[0].hint.is_some());
        let body = "Publisher Mismatch Detected: This connector was originally submitted under a different publisher account. Kindly ensure you are using the correct account to make updates.";
        let c = read(&[comment(BOT, body)], &[], "").unwrap();
        assert_eq!(c.errors.len(), 1);
        assert!(c.errors[0].hint.unwrap().contains("first submitted"));
        let body = "We reviewed your submission and identified some changes.\n\nMany Thanks,\nCopilot Connector Certification Team\n\nSolution package not found at root of the package zip file";
        let c = read(&[comment(BOT, body)], &[], "").unwrap();
        assert_eq!(c.errors[0].rule, Some("ip-package-solution-root"));
        let body =
            "Certification Validations Failed. Please fix below issues\n\nNot able deserialize the package. Invalid package structure.";
        assert!(read(&[comment(BOT, body)], &[], "").unwrap().errors[0].rule.is_some());
    }

    #[test]
    fn the_states_follow_the_conversation_and_the_label() {
        assert!(read(&[], &[], "Add DeepL connector").is_none());
        let ip = "Holopin (Independent Publisher)";
        assert_eq!(read(&[], &[], ip).unwrap().state, State::NotRequested);
        let onevet = comment("vmanoharas", "Thank you, we have initiated onevet verification.");
        assert_eq!(read(std::slice::from_ref(&onevet), &[], ip).unwrap().state, State::IdentityCheck);
        let trigger = comment("vmanoharas", "certify-connector");
        assert_eq!(read(&[onevet.clone(), trigger.clone()], &[], ip).unwrap().state, State::Requested);
        let failed = comment(BOT, NEW_WORDING);
        let success = comment(BOT, "Congratulations — your certification request has been approved. Your connector will be included in the upcoming deployment schedule.");
        let c = read(&[trigger.clone(), failed.clone(), trigger.clone(), success.clone()], &[], ip).unwrap();
        assert_eq!((c.state, c.errors.len()), (State::Approved, 0));
        let old_success = comment("souchoudhary", "Certification completed. Deployment will begin soon!");
        assert_eq!(read(&[old_success], &[], ip).unwrap().state, State::Approved);
        assert_eq!(
            read(std::slice::from_ref(&success), &["deployed".into()], ip).unwrap().state,
            State::Deployed
        );
        let done = comment(
            "vmanoharas",
            "Hello Partner,\nCongratulations, the deployment of your connector and documentation page was already completed,",
        );
        assert_eq!(read(&[success, done], &[], ip).unwrap().state, State::Deployed);
        // A bot's comment that is no answer changes nothing; the test trigger counts.
        let c = read(
            &[comment(BOT, "Hello"), comment("x", "[[certify-connector-test | title: A]]")],
            &[],
            ip,
        )
        .unwrap();
        assert_eq!(c.state, State::Requested);
    }
}
