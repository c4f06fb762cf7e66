//! One Dataverse solution zip: what its `customizations.xml` declares, and the connector it holds.
//!
//! The shape (see CONTRIBUTING.md, "The certification package's shape"): `customizations.xml`
//! at the root holds `<ImportExportXml>` with `<Connectors><Connector>` (one per custom
//! connector: `name`, `displayname`, and the paths of its files, `/Connector/<name>_openapidefinition.json`,
//! `..._connectionparameters.json`, `..._policytemplateinstances.json`, `..._iconblob.png`),
//! `<Workflows><Workflow>` (the flows, files under `Workflows/`), and for an AI plugin
//! `aicopilot_aiplugin` elements (files under `aiplugins/` and `aipluginoperations/`).

use crate::connector::Position;

/// What the validator classifies a solution as (`ConnectorPackageValidator.ps1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SolutionKind {
    /// Connectors only.
    Connector,
    /// Connectors and workflows.
    Flow,
    /// Connectors and an AI plugin (only looked for with `--plugin`).
    AiPlugin,
}

impl SolutionKind {
    pub fn describe(self) -> &'static str {
        match self {
            SolutionKind::Connector => "connector solution",
            SolutionKind::Flow => "flow solution",
            SolutionKind::AiPlugin => "AI plugin solution",
        }
    }
}

/// One `<Connector>` element of `customizations.xml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ConnectorElement {
    /// `<name>`: the schema name (`new_5Fcontoso`), which prefixes its files.
    pub name: Option<String>,
    pub display_name: Option<String>,
    /// `<openapidefinition>`: the swagger's path in the zip (`/Connector/..._openapidefinition.json`).
    pub openapi_definition: Option<String>,
    /// `<connectionparameters>`.
    pub connection_parameters: Option<String>,
    /// `<connectionparametersets>`, when the connector has several ways to sign in.
    pub connection_parameter_sets: Option<String>,
}

/// What `customizations.xml` declares, as the validator reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Customizations {
    /// The first `Connector` element has content (the validator's `//Connector`).
    pub has_connector: bool,
    /// The first `Workflows` element has content.
    pub has_workflows: bool,
    /// The first `aicopilot_aiplugin` element has content.
    pub has_ai_plugin: bool,
    pub connectors: Vec<ConnectorElement>,
    /// `<Workflow>` elements under `<Workflows>`.
    pub workflows: usize,
}

impl Customizations {
    /// The validator's classification; `None` when the solution is none of the three.
    pub fn kind(&self, plugin: bool) -> Option<SolutionKind> {
        let ai = plugin && self.has_ai_plugin;
        match (self.has_connector, self.has_workflows, ai) {
            (true, false, false) => Some(SolutionKind::Connector),
            (true, true, false) => Some(SolutionKind::Flow),
            (true, false, true) => Some(SolutionKind::AiPlugin),
            _ => None,
        }
    }
}

/// `customizations.xml` could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlError {
    pub message: String,
    pub position: Option<Position>,
}

/// Elements are few in a real `customizations.xml` (hundreds); a hostile one is cut off here.
const NODES_LIMIT: u32 = 2_000_000;

/// PowerShell's `HasChildNodes -or Attributes.Count -gt 0`, with whitespace dropped as
/// `[xml]` drops it (its `PreserveWhitespace` is off).
fn has_content(node: roxmltree::Node) -> bool {
    node.attributes().next().is_some()
        || node
            .children()
            .any(|c| c.is_element() || (c.is_text() && !c.text().unwrap_or("").trim().is_empty()))
}

fn child_text(node: roxmltree::Node, name: &str) -> Option<String> {
    node.children()
        .find(|c| c.is_element() && c.tag_name().name().eq_ignore_ascii_case(name))
        .and_then(|c| c.text())
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

/// Parse `customizations.xml`. DTDs are refused (no entity expansion), nodes are capped.
pub fn parse_customizations(bytes: &[u8]) -> Result<Customizations, XmlError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| XmlError {
        message: format!("it is not UTF-8 (byte {})", e.valid_up_to()),
        position: None,
    })?;
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: NODES_LIMIT,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, options).map_err(|e| {
        let pos = e.pos();
        XmlError {
            message: e.to_string(),
            position: Some(Position {
                line: pos.row as usize,
                column: pos.col as usize,
            }),
        }
    })?;
    // XPath `//Name` without a prefix: elements of that name in no namespace, first in document order.
    let first = |name: &str| {
        doc.descendants()
            .find(|n| n.is_element() && n.tag_name().name() == name && n.tag_name().namespace().is_none())
    };
    let mut c = Customizations {
        has_connector: first("Connector").is_some_and(has_content),
        has_workflows: first("Workflows").is_some_and(has_content),
        has_ai_plugin: first("aicopilot_aiplugin").is_some_and(has_content),
        ..Default::default()
    };
    for node in doc
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "Connector" && has_content(*n))
    {
        c.connectors.push(ConnectorElement {
            name: child_text(node, "name"),
            display_name: child_text(node, "displayname"),
            openapi_definition: child_text(node, "openapidefinition"),
            connection_parameters: child_text(node, "connectionparameters"),
            connection_parameter_sets: child_text(node, "connectionparametersets"),
        });
    }
    c.workflows = doc
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "Workflow")
        .count();
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONNECTOR: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<ImportExportXml xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <Entities></Entities>
  <Workflows>
  </Workflows>
  <Connectors>
    <Connector>
      <connectorid>6f4c3d1e-0000-0000-0000-000000000001</connectorid>
      <name>new_5Fcontoso</name>
      <displayname>Contoso</displayname>
      <openapidefinition>/Connector/new_5Fcontoso_openapidefinition.json</openapidefinition>
      <connectionparameters>/Connector/new_5Fcontoso_connectionparameters.json</connectionparameters>
    </Connector>
  </Connectors>
</ImportExportXml>"#;

    #[test]
    fn a_connector_solution_is_classified_and_its_connector_read() {
        let c = parse_customizations(CONNECTOR.as_bytes()).unwrap();
        assert!(c.has_connector);
        assert!(!c.has_workflows, "whitespace is not content");
        assert_eq!(c.kind(false), Some(SolutionKind::Connector));
        assert_eq!(c.connectors.len(), 1);
        assert_eq!(c.connectors[0].name.as_deref(), Some("new_5Fcontoso"));
        assert_eq!(
            c.connectors[0].openapi_definition.as_deref(),
            Some("/Connector/new_5Fcontoso_openapidefinition.json")
        );
    }

    #[test]
    fn a_flow_solution_and_a_plugin_solution() {
        let flow = CONNECTOR.replace(
            "<Workflows>\n  </Workflows>",
            "<Workflows><Workflow WorkflowId=\"{1}\" Name=\"Flow\"><JsonFileName>/Workflows/Flow-1.json</JsonFileName></Workflow></Workflows>",
        );
        let c = parse_customizations(flow.as_bytes()).unwrap();
        assert_eq!(c.kind(false), Some(SolutionKind::Flow));
        assert_eq!(c.workflows, 1);
        let plugin = CONNECTOR.replace(
            "<Entities></Entities>",
            "<aicopilot_aiplugins><aicopilot_aiplugin aicopilot_name=\"p\" /></aicopilot_aiplugins>",
        );
        let c = parse_customizations(plugin.as_bytes()).unwrap();
        assert_eq!(c.kind(true), Some(SolutionKind::AiPlugin));
        assert_eq!(
            c.kind(false),
            Some(SolutionKind::Connector),
            "plugins are looked for with --plugin only"
        );
    }

    #[test]
    fn entities_and_broken_xml_are_refused_with_a_position() {
        let laughs = "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;\">]><l>&b;</l>";
        assert!(parse_customizations(laughs.as_bytes()).is_err());
        let e = parse_customizations(b"<ImportExportXml>\n  <Connectors>\n</ImportExportXml>").unwrap_err();
        assert_eq!(e.position.map(|p| p.line), Some(3));
    }
}
