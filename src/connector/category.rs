//! Which of the upstream repository's three folders a connector belongs in.

use serde_json::Value;
use std::fmt;
use std::str::FromStr;

/// The upstream repository's connector categories, one top-level folder each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Certified,
    IndependentPublisher,
    Custom,
}

/// The brand color the independent publisher program requires.
pub const INDEPENDENT_PUBLISHER_COLOR: &str = "#da3b01";
/// Colors the custom connector wizard fills in by default; certified connectors may not use them.
pub const DEFAULT_COLORS: [&str; 2] = ["#007ee5", "#ffffff"];

impl Category {
    pub const ALL: [Category; 3] = [Category::Certified, Category::IndependentPublisher, Category::Custom];

    /// The top-level folder in microsoft/PowerPlatformConnectors.
    pub fn folder(self) -> &'static str {
        match self {
            Category::Certified => "certified-connectors",
            Category::IndependentPublisher => "independent-publisher-connectors",
            Category::Custom => "custom-connectors",
        }
    }

    /// The short name used on the command line.
    pub fn short_name(self) -> &'static str {
        match self {
            Category::Certified => "certified",
            Category::IndependentPublisher => "independent-publisher",
            Category::Custom => "custom",
        }
    }

    pub fn from_folder(folder: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.folder() == folder)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.short_name())
    }
}

impl FromStr for Category {
    type Err = String;

    /// Accepts the short names and the upstream folder names, with or without a trailing slash.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().trim_end_matches('/').to_ascii_lowercase();
        Category::ALL
            .into_iter()
            .find(|c| c.short_name() == s || c.folder() == s)
            .ok_or_else(|| {
                format!("unknown category `{s}`; use certified, independent-publisher or custom (or the folder names certified-connectors, independent-publisher-connectors, custom-connectors)")
            })
    }
}

/// A category with the reason it was chosen, so the tool can say why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CategoryInference {
    pub category: Category,
    pub reason: String,
}

/// Infer the category from `apiProperties.json`.
///
/// The brand color is the decisive signal: the independent publisher program requires `#da3b01`,
/// certified connectors must pick a color of their own, and the wizard's defaults (`#007ee5`,
/// `#ffffff`) mark a connector nobody has prepared for certification.
pub fn infer(api_properties: Option<&Value>) -> CategoryInference {
    let props = api_properties.and_then(|v| v.get("properties"));
    let color = props
        .and_then(|p| p.get("iconBrandColor"))
        .and_then(Value::as_str)
        .map(|c| c.trim().to_ascii_lowercase());
    let publisher = props.and_then(|p| p.get("publisher")).and_then(Value::as_str).map(str::trim);
    let stack_owner = props.and_then(|p| p.get("stackOwner")).and_then(Value::as_str).map(str::trim);

    let (category, reason) = match color.as_deref() {
        Some(INDEPENDENT_PUBLISHER_COLOR) => (
            Category::IndependentPublisher,
            format!("iconBrandColor is {INDEPENDENT_PUBLISHER_COLOR}, the independent publisher color"),
        ),
        Some(c) if DEFAULT_COLORS.contains(&c) => (
            Category::Custom,
            format!("iconBrandColor is {c}, the custom connector wizard's default, which certified connectors may not use"),
        ),
        None if api_properties.is_none() => (Category::Custom, "there is no apiProperties.json to tell".into()),
        None if !props.is_some_and(Value::is_object) => (Category::Custom, "apiProperties.json has no `properties` object to tell".into()),
        None => (Category::Custom, "apiProperties.json sets no iconBrandColor".into()),
        Some(c) => match (publisher, stack_owner) {
            (Some(p), Some(s)) if !p.eq_ignore_ascii_case(s) => (
                Category::Certified,
                format!("iconBrandColor {c} is a brand color of its own (publisher \"{p}\" differs from stackOwner \"{s}\", but only independent publishers use {INDEPENDENT_PUBLISHER_COLOR})"),
            ),
            _ => (Category::Certified, format!("iconBrandColor {c} is a brand color of its own")),
        },
    };
    CategoryInference { category, reason }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_short_and_folder_names() {
        assert_eq!("certified".parse::<Category>().unwrap(), Category::Certified);
        assert_eq!(
            "independent-publisher-connectors/".parse::<Category>().unwrap(),
            Category::IndependentPublisher
        );
        assert_eq!("Custom-Connectors".parse::<Category>().unwrap(), Category::Custom);
        assert!("certify".parse::<Category>().unwrap_err().contains("independent-publisher"));
    }

    #[test]
    fn infers_from_brand_color() {
        let ip = json!({"properties": {"iconBrandColor": "#DA3B01", "publisher": "Jane Doe", "stackOwner": "Acme"}});
        assert_eq!(infer(Some(&ip)).category, Category::IndependentPublisher);
        let cert = json!({"properties": {"iconBrandColor": "#1f5fa8", "publisher": "Acme", "stackOwner": "Acme"}});
        assert_eq!(infer(Some(&cert)).category, Category::Certified);
        let default = json!({"properties": {"iconBrandColor": "#007ee5"}});
        let inferred = infer(Some(&default));
        assert_eq!(inferred.category, Category::Custom);
        assert!(inferred.reason.contains("#007ee5"));
        assert_eq!(infer(None).category, Category::Custom);
    }
}
