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
const NODES_LIMIT: u32 = 1_000_000;
/// Attributes on one element: a Dataverse export has a handful (a form's `<cell>` about ten).
/// The parser's check for duplicate attributes takes time in the square of this.
pub const ATTRIBUTES_PER_ELEMENT: u32 = 256;
/// Attributes in the whole file: they cost memory as nodes do, but did not count as nodes.
pub const ATTRIBUTES_LIMIT: u32 = 1_000_000;

/// A linear pass over `customizations.xml` before it is parsed, fed a block at a time (so a file
/// refused here is never held whole): it counts elements and attributes (an `=` outside quotes
/// in a start tag), skipping comments, CDATA, processing instructions and declarations, and
/// stops at the first cap passed. It does not judge well-formedness; the parser does, after.
#[derive(Debug, Default)]
pub struct Prescan {
    state: ScanState,
    /// Bytes of a `<!--`, `-->`, `]]>` or `<![CDATA[` matched so far.
    matched: usize,
    quote: u8,
    elements: u32,
    attributes: u32,
    on_element: u32,
    line: usize,
    column: usize,
    /// Where the current tag started.
    tag_at: (usize, usize),
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum ScanState {
    #[default]
    Text,
    /// Just after `<`.
    Open,
    /// After `<!`: a comment, CDATA or a declaration.
    Bang,
    Comment,
    Cdata,
    /// `<?...?>` or `<!...>`: skipped to `>`.
    Skip,
    StartTag,
    EndTag,
}

impl Prescan {
    pub fn new() -> Prescan {
        Prescan {
            line: 1,
            column: 1,
            ..Default::default()
        }
    }

    fn too_many(&self, message: String) -> XmlError {
        XmlError {
            message,
            position: Some(Position {
                line: self.tag_at.0,
                column: self.tag_at.1,
            }),
        }
    }

    /// The next block of the file.
    pub fn feed(&mut self, block: &[u8]) -> Result<(), XmlError> {
        for &b in block {
            self.step(b)?;
            if b == b'\n' {
                self.line += 1;
                self.column = 1;
            } else if b & 0xC0 != 0x80 {
                self.column += 1;
            }
        }
        Ok(())
    }

    /// One byte, in the state the bytes before it left.
    fn step(&mut self, b: u8) -> Result<(), XmlError> {
        match self.state {
            ScanState::Text => {
                if b == b'<' {
                    self.state = ScanState::Open;
                    self.tag_at = (self.line, self.column);
                }
            }
            ScanState::Open => self.state = self.open(b)?,
            ScanState::Bang => self.state = self.bang(b),
            // Looking for `-->` or `]]>`: `matched` counts the dashes or brackets just seen.
            ScanState::Comment => self.close_after_two(b, b'-'),
            ScanState::Cdata => self.close_after_two(b, b']'),
            ScanState::Skip | ScanState::EndTag => {
                if b == b'>' {
                    self.state = ScanState::Text;
                }
            }
            ScanState::StartTag => self.start_tag(b)?,
        }
        Ok(())
    }

    /// The byte after `<`: a declaration, a processing instruction, an end tag, or an element
    /// (counted).
    fn open(&mut self, b: u8) -> Result<ScanState, XmlError> {
        Ok(match b {
            b'!' => {
                self.matched = 0;
                ScanState::Bang
            }
            b'?' => ScanState::Skip,
            b'/' => ScanState::EndTag,
            _ => {
                self.elements += 1;
                self.on_element = 0;
                self.quote = 0;
                if self.elements > NODES_LIMIT {
                    return Err(self.too_many(format!(
                        "it has more than {NODES_LIMIT} elements, far more than an exported solution has"
                    )));
                }
                if b == b'>' {
                    ScanState::Text
                } else {
                    ScanState::StartTag
                }
            }
        })
    }

    /// After `<!`: `--` starts a comment, `[CDATA[` a CDATA section, anything else a declaration.
    fn bang(&mut self, b: u8) -> ScanState {
        const CDATA: &[u8] = b"[CDATA[";
        if self.matched == 0 && b == b'-' {
            self.matched = 1;
            ScanState::Bang
        } else if self.matched == 1 && b == b'-' {
            self.matched = 0;
            ScanState::Comment
        } else if self.matched < CDATA.len() && CDATA[self.matched] == b && (self.matched > 0 || b == b'[') {
            self.matched += 1;
            if self.matched == CDATA.len() {
                self.matched = 0;
                ScanState::Cdata
            } else {
                ScanState::Bang
            }
        } else if b == b'>' {
            ScanState::Text
        } else {
            ScanState::Skip
        }
    }

    /// Inside a comment or CDATA: it ends at `>` after two `closer`s (`-->`, `]]>`).
    fn close_after_two(&mut self, b: u8, closer: u8) {
        if b == closer {
            self.matched += 1;
        } else {
            if b == b'>' && self.matched >= 2 {
                self.state = ScanState::Text;
            }
            self.matched = 0;
        }
    }

    /// Inside a start tag: quotes are skipped, and each `=` outside them is an attribute, counted
    /// on the element and in the file.
    fn start_tag(&mut self, b: u8) -> Result<(), XmlError> {
        match (self.quote, b) {
            (0, b'"' | b'\'') => self.quote = b,
            (0, b'>') => self.state = ScanState::Text,
            (0, b'=') => {
                self.on_element += 1;
                self.attributes += 1;
                if self.on_element > ATTRIBUTES_PER_ELEMENT {
                    return Err(self.too_many(format!(
                        "one element has more than {ATTRIBUTES_PER_ELEMENT} attributes, far more than an exported solution has"
                    )));
                }
                if self.attributes > ATTRIBUTES_LIMIT {
                    return Err(self.too_many(format!(
                        "it has more than {ATTRIBUTES_LIMIT} attributes, far more than an exported solution has"
                    )));
                }
            }
            (q, b) if q == b => self.quote = 0,
            _ => {}
        }
        Ok(())
    }
}

/// [`Prescan`] over a whole stream.
pub fn prescan(mut reader: impl std::io::Read) -> std::io::Result<Result<(), XmlError>> {
    let mut scan = Prescan::new();
    let mut block = vec![0u8; 64 << 10];
    loop {
        let n = match reader.read(&mut block) {
            Ok(0) => return Ok(Ok(())),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if let Err(e) = scan.feed(&block[..n]) {
            return Ok(Err(e));
        }
    }
}

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
/// Attributes are counted first ([`Prescan`]), in linear time, so that neither their number nor
/// the parser's quadratic duplicate check can blow up.
pub fn parse_customizations(bytes: &[u8]) -> Result<Customizations, XmlError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    Prescan::new().feed(bytes)?;
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

    #[test]
    fn attributes_are_capped_per_element_and_in_all_before_parsing() {
        let attrs = |n: u32| (0..n).map(|i| format!(" a{i}=\"{i}\"")).collect::<String>();
        let one = |n: u32| {
            format!(
                "<ImportExportXml><Connectors><Connector{}><name>x</name></Connector></Connectors></ImportExportXml>",
                attrs(n)
            )
        };
        assert!(parse_customizations(one(ATTRIBUTES_PER_ELEMENT).as_bytes()).unwrap().has_connector);
        let e = parse_customizations(one(ATTRIBUTES_PER_ELEMENT + 1).as_bytes()).unwrap_err();
        assert!(e.message.contains("more than 256 attributes"), "{e:?}");
        assert_eq!(e.position.map(|p| (p.line, p.column)), Some((1, 30)));
        // `=` inside quotes, comments, CDATA and text is no attribute.
        let quiet = format!(
            "<r a=\"{}\" b='=>'><!-- <x {} --><![CDATA[<y {}]]>{}<?pi {}?></r>",
            "=".repeat(1000),
            attrs(300),
            attrs(300),
            "=".repeat(1000),
            attrs(300)
        );
        assert!(parse_customizations(quiet.as_bytes()).is_ok());
        // In all: many elements of a few attributes each.
        let mut scan = Prescan::new();
        let element = format!("<e{}/>", attrs(26));
        let mut e = None;
        for _ in 0..(ATTRIBUTES_LIMIT / 26 + 2) {
            if let Err(err) = scan.feed(element.as_bytes()) {
                e = Some(err);
                break;
            }
        }
        assert!(e.unwrap().message.contains("more than 1000000 attributes"));
    }
}
