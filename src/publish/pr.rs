//! The pull request's title and body, by the repository's conventions, rendered from
//! `templates/pull_request_body.md.j2` (compiled into the binary).

use crate::connector::Category;
use crate::plan::{Kind, Plan};
use anyhow::Context;

const BODY_TEMPLATE: &str = include_str!("../../templates/pull_request_body.md.j2");

/// "Connector Name (Independent Publisher)" for independent publishers, as the repository's
/// template asks; a plain "Add"/"Update" title otherwise.
pub fn title(title: &str, category: Category, kind: Kind) -> String {
    let title = title.trim();
    match (category, kind) {
        (Category::IndependentPublisher, Kind::New) => format!("{title} (Independent Publisher)"),
        (Category::IndependentPublisher, Kind::Update) => format!("{title} (Independent Publisher) - Update"),
        (_, Kind::New) => format!("Add {title} connector"),
        (_, Kind::Update) => format!("Update {title} connector"),
    }
}

/// What the body reports besides the plan.
#[derive(Debug, Clone, Default)]
pub struct Checks {
    pub connector_title: String,
    pub validation: String,
    pub duplicates: String,
    pub allow_duplicate: Option<String>,
    /// `None` for new connectors.
    pub breaking: Option<Vec<String>>,
    pub base_branch: String,
    /// An independent publisher's certification package and what follows the review.
    pub certification: Option<crate::check::IpPackage>,
    /// `submit --online-validate`: what the service said about the swagger, and when.
    pub online_validation: Option<String>,
}

pub fn body(plan: &Plan, checks: &Checks) -> anyhow::Result<String> {
    let mut env = minijinja::Environment::new();
    env.add_template("body", BODY_TEMPLATE).context("the pull request template")?;
    let folder = plan.target.folder();
    let summary = match plan.target.kind {
        Kind::New => format!("This pull request adds the **{}** connector in `{folder}`.", checks.connector_title),
        Kind::Update => format!(
            "This pull request updates the **{}** connector in `{folder}`.",
            checks.connector_title
        ),
    };
    let rendered = env.get_template("body")?.render(minijinja::context! {
        summary,
        category => plan.target.category.short_name(),
        validation => checks.validation.clone(),
        duplicates => checks.duplicates.clone(),
        allow_duplicate => checks.allow_duplicate.clone(),
        breaking => checks.breaking.clone(),
        base_branch => checks.base_branch.clone(),
        online_validation => checks.online_validation.clone(),
        base_commit => plan.base_commit.to_string()[..12].to_string(),
        folder,
        files => plan.files.iter().map(|f| minijinja::context! { name => f.name.clone(), change => format!("{:?}", f.change).to_lowercase(), size => f.size }).collect::<Vec<_>>(),
        // A left-out name can hold a line break: in the body it would start a line of its own.
        excluded => plan.excluded.iter().map(|e| minijinja::context! { name => crate::connector::name::printable(&e.name).into_owned(), reason => e.reason.clone() }).collect::<Vec<_>>(),
        independent_publisher => plan.target.category == Category::IndependentPublisher,
        certification => checks.certification.as_ref().map(|c| minijinja::context! {
            file => c.file.as_deref().map(|f| crate::connector::name::printable(f).into_owned()),
            size => c.size,
            without_package => c.without_package,
            result => c.result.clone(),
            bot_answer => c.bot_answer.clone(),
            // Named, as the form and the identity check go there; masked if it looks like a secret.
            contact_email => c.contact_email.as_deref().map(|e| crate::secrets::registered().text(e).into_owned()),
        }),
        version => env!("CARGO_PKG_VERSION"),
    })?;
    Ok(rendered)
}

/// The generated section of the body is between these markers: a later `submit` (a review
/// iteration) replaces what is between them and leaves the rest (the checklist the author ticked,
/// text they added) as it is. HTML comments: GitHub does not show them.
pub const BEGIN: &str = "<!-- connector-publish:begin";
pub const END: &str = "<!-- connector-publish:end -->";

/// The byte range of the generated section in `body`, markers included: the last begin marker
/// with an end marker after it (a begin marker left alone, its end deleted by hand, never makes
/// the author's text after it part of the section).
fn generated_range(body: &str) -> Option<std::ops::Range<usize>> {
    let start = body.rfind(BEGIN)?;
    let end = start + body[start..].find(END)? + END.len();
    Some(start..end)
}

/// `current` (the pull request's body now) with its generated section replaced by the one in
/// `fresh` (a newly rendered body). A body without the markers (written or rewritten by hand)
/// keeps all of its text, and the generated section is appended at its end once; later runs
/// replace only that. The title is never touched.
pub fn replace_generated(current: &str, fresh: &str) -> String {
    let Some(section) = generated_range(fresh).map(|r| &fresh[r]) else {
        return current.to_string();
    };
    match generated_range(current) {
        Some(range) => format!("{}{section}{}", &current[..range.start], &current[range.end..]),
        None if current.trim().is_empty() => fresh.to_string(),
        None => format!("{}\n\n{section}\n", current.trim_end()),
    }
}

/// The title and body of a submission's pull request: `title` when the author gave one.
pub fn for_submission(
    sub: &crate::plan::submission::Submission,
    title: Option<&str>,
    allow_duplicate: Option<&str>,
    base_branch: &str,
) -> anyhow::Result<(String, String)> {
    for_submission_validated(sub, title, allow_duplicate, base_branch, None)
}

/// [`for_submission`], saying what the service's validator said (`submit --online-validate`).
pub fn for_submission_validated(
    sub: &crate::plan::submission::Submission,
    title: Option<&str>,
    allow_duplicate: Option<&str>,
    base_branch: &str,
    online_validation: Option<String>,
) -> anyhow::Result<(String, String)> {
    use crate::catalog::Verdict;
    let plan = &sub.plan;
    let title = title
        .map(str::to_owned)
        .unwrap_or_else(|| self::title(&sub.connector_title, plan.target.category, plan.target.kind));
    let duplicates = match sub.candidates.first() {
        None => "no connector upstream serves this API".to_string(),
        Some(c) => format!(
            "{} {} ({})",
            if c.verdict == Verdict::Duplicate {
                "duplicate of"
            } else {
                "closest neighbour, a different API:"
            },
            c.label(),
            c.evidence.join("; ")
        ),
    };
    let checks = Checks {
        connector_title: sub.connector_title.clone(),
        validation: sub.validation.report.summary(),
        duplicates,
        allow_duplicate: allow_duplicate.map(str::to_owned),
        breaking: sub.breaking.clone(),
        base_branch: base_branch.to_string(),
        certification: sub.ip_package.clone(),
        online_validation,
    };
    Ok((title, body(plan, &checks)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_follow_the_repository_convention() {
        assert_eq!(
            title("HubSpot Marketing", Category::IndependentPublisher, Kind::New),
            "HubSpot Marketing (Independent Publisher)"
        );
        assert_eq!(title("DeepL", Category::Certified, Kind::New), "Add DeepL connector");
        assert_eq!(title("DeepL", Category::Certified, Kind::Update), "Update DeepL connector");
    }

    #[test]
    fn only_the_generated_section_is_replaced() {
        let old = format!("{BEGIN} -->\nold files\n{END}\n- [x] I attest\n\nMy own note.");
        let fresh = format!("{BEGIN} -->\nnew files\n{END}\n- [ ] I attest\n");
        let merged = replace_generated(&old, &fresh);
        assert_eq!(merged, format!("{BEGIN} -->\nnew files\n{END}\n- [x] I attest\n\nMy own note."));
        // A body written by hand keeps its text; the section is appended once, then replaced.
        let once = replace_generated("Hand-written.", &fresh);
        assert!(once.starts_with("Hand-written.\n\n") && once.contains("new files") && !once.contains("I attest"));
        assert_eq!(replace_generated(&once, &fresh), once);
        assert_eq!(replace_generated("", &fresh), fresh);
        // The end marker deleted by hand: the text after the orphan begin marker stays.
        let orphan = format!("{BEGIN} -->\nold files\nMy text after it.");
        let fixed = replace_generated(&orphan, &fresh);
        assert!(fixed.starts_with(&orphan) && fixed.contains("new files"), "{fixed}");
        let again = replace_generated(&fixed, &format!("{BEGIN} -->\nnewer files\n{END}\n"));
        assert!(
            again.contains("My text after it.") && again.contains("newer files") && !again.contains("new files\n"),
            "{again}"
        );
    }
}
