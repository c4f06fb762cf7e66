//! The pull request's title and body, by the repository's conventions, rendered from
//! `templates/pull_request_body.md.j2` (compiled into the binary).

use crate::package::Category;
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
        base_commit => plan.base_commit.to_string()[..12].to_string(),
        folder,
        files => plan.files.iter().map(|f| minijinja::context! { name => f.name.clone(), change => format!("{:?}", f.change).to_lowercase(), size => f.size }).collect::<Vec<_>>(),
        excluded => plan.excluded.iter().map(|e| minijinja::context! { name => e.name.clone(), reason => e.reason.clone() }).collect::<Vec<_>>(),
        independent_publisher => plan.target.category == Category::IndependentPublisher,
        version => env!("CARGO_PKG_VERSION"),
    })?;
    Ok(rendered)
}

/// The title and body of a submission's pull request: `title` when the author gave one.
pub fn for_submission(
    sub: &crate::plan::submission::Submission,
    title: Option<&str>,
    allow_duplicate: Option<&str>,
    base_branch: &str,
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
}
