//! Certification packages built in memory with the zip crate, in the shape Microsoft's Package
//! Validator and the certification bot read: the outer zip (`intro.md` and a Package Deployer
//! zip), its `PkgAssets` with the connector and flow solutions, each solution as Dataverse exports
//! it. The connector inside is `write_clean_connector`'s, unless a swagger is given.
#![allow(dead_code)]

use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;

pub const NAME: &str = "new_5Fopenbrewerydb";

/// A zip of `entries`; a name ending in `/` is a folder.
pub fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        if name.ends_with('/') {
            w.add_directory(*name, options).unwrap();
        } else {
            w.start_file(*name, options).unwrap();
            w.write_all(bytes).unwrap();
        }
    }
    w.finish().unwrap().into_inner()
}

pub fn owned(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let borrowed: Vec<(&str, &[u8])> = entries.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    zip_of(&borrowed)
}

/// The swagger of `super::write_clean_connector`, with another host when asked.
pub fn swagger(host: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    super::write_clean_connector(dir.path());
    let text = std::fs::read_to_string(dir.path().join("apiDefinition.swagger.json")).unwrap();
    text.replace("api.openbrewerydb.org", host).into_bytes()
}

/// customizations.xml as Dataverse exports it: a `<Connector>` naming its files, and workflows.
pub fn customizations(workflows: bool, plugin: bool) -> String {
    let workflows = if workflows {
        "<Workflows>\n    <Workflow WorkflowId=\"{5a0b7c59-0000-0000-0000-000000000001}\" Name=\"List breweries\">\n      <JsonFileName>/Workflows/Listbreweries-5A0B7C59-0000-0000-0000-000000000001.json</JsonFileName>\n    </Workflow>\n  </Workflows>"
    } else {
        "<Workflows />"
    };
    let plugin = if plugin {
        "<aicopilot_aiplugins>\n    <aicopilot_aiplugin aicopilot_name=\"new_brewery\">\n      <aicopilot_humanname>Breweries</aicopilot_humanname>\n    </aicopilot_aiplugin>\n  </aicopilot_aiplugins>"
    } else {
        ""
    };
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<ImportExportXml xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" OrganizationVersion="9.2.24023.00206" OrganizationSchemaType="Standard">
  <Entities />
  <Roles />
  {workflows}
  <FieldSecurityProfiles />
  <Templates />
  <EntityMaps />
  <EntityRelationships />
  <OrganizationSettings />
  <optionsets />
  <CustomControls />
  <EntityDataProviders />
  {plugin}
  <Connectors>
    <Connector>
      <connectorid>6c9d1f2a-0000-0000-0000-000000000001</connectorid>
      <description>Open Brewery DB is a free dataset and API with public information on breweries.</description>
      <displayname>Open Brewery DB</displayname>
      <iconbrandcolor>#da3b01</iconbrandcolor>
      <name>{NAME}</name>
      <connectortype>1</connectortype>
      <openapidefinition>/Connector/{NAME}_openapidefinition.json</openapidefinition>
      <connectionparameters>/Connector/{NAME}_connectionparameters.json</connectionparameters>
      <policytemplateinstances>/Connector/{NAME}_policytemplateinstances.json</policytemplateinstances>
      <iconblob>/Connector/{NAME}_iconblob.png</iconblob>
    </Connector>
  </Connectors>
  <Languages>
    <Language>1033</Language>
  </Languages>
</ImportExportXml>
"#
    )
}

pub const CONTENT_TYPES: &[u8] = br#"<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/octet-stream" /><Default Extension="json" ContentType="application/octet-stream" /><Default Extension="png" ContentType="application/octet-stream" /></Types>"#;
pub const SOLUTION_XML: &[u8] = br#"<?xml version="1.0" encoding="utf-8"?><ImportExportXml version="9.2.24023.206" SolutionPackageVersion="9.2" languagecode="1033" generatedBy="CrmLive"><SolutionManifest><UniqueName>OpenBreweryDB</UniqueName><Version>1.0.0.0</Version><Managed>0</Managed><RootComponents><RootComponent type="372" schemaName="new_5Fopenbrewerydb" behavior="0" /></RootComponents></SolutionManifest></ImportExportXml>"#;

/// The connector's files under `Connector/`, in Dataverse's shape.
pub fn connector_files(host: &str) -> Vec<(String, Vec<u8>)> {
    vec![
        (format!("Connector/{NAME}_openapidefinition.json"), swagger(host)),
        (format!("Connector/{NAME}_connectionparameters.json"), b"{}".to_vec()),
        (format!("Connector/{NAME}_policytemplateinstances.json"), b"[]".to_vec()),
        (format!("Connector/{NAME}_iconblob.png"), b"\x89PNG\r\n\x1a\n".to_vec()),
    ]
}

pub fn solution(customizations: &str, files: Vec<(String, Vec<u8>)>) -> Vec<u8> {
    let mut entries: Vec<(String, Vec<u8>)> = vec![
        ("[Content_Types].xml".into(), CONTENT_TYPES.to_vec()),
        ("customizations.xml".into(), customizations.as_bytes().to_vec()),
        ("solution.xml".into(), SOLUTION_XML.to_vec()),
    ];
    entries.extend(files);
    let borrowed: Vec<(&str, &[u8])> = entries.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    zip_of(&borrowed)
}

pub fn connector_solution_with_host(host: &str) -> Vec<u8> {
    solution(&customizations(false, false), connector_files(host))
}

pub fn connector_solution() -> Vec<u8> {
    connector_solution_with_host("api.openbrewerydb.org")
}

pub fn flow_files() -> Vec<(String, Vec<u8>)> {
    let mut files = connector_files("api.openbrewerydb.org");
    files.push((
        "Workflows/Listbreweries-5A0B7C59-0000-0000-0000-000000000001.json".into(),
        br#"{"properties": {"definition": {"triggers": {}, "actions": {}}}}"#.to_vec(),
    ));
    files
}

pub fn flow_solution() -> Vec<u8> {
    solution(&customizations(true, false), flow_files())
}

pub fn plugin_solution(with_folders: bool) -> Vec<u8> {
    let mut files = connector_files("api.openbrewerydb.org");
    if with_folders {
        files.push(("aiplugins/new_brewery/aiplugin.xml".into(), b"<aiplugin />".to_vec()));
        files.push(("aipluginoperations/new_brewery_list/operation.xml".into(), b"<op />".to_vec()));
    }
    solution(&customizations(false, true), files)
}

/// A Package Deployer package: a few files of its own, and `assets` in PkgAssets.
pub fn deployer(assets: Vec<(&str, Vec<u8>)>) -> Vec<u8> {
    let mut entries: Vec<(String, Vec<u8>)> = vec![
        ("[Content_Types].xml".into(), CONTENT_TYPES.to_vec()),
        ("OpenBreweryDBPackage.dll".into(), b"MZ not really a dll".to_vec()),
        ("PkgAssets/ImportConfig.xml".into(), b"<configdatastorage />".to_vec()),
    ];
    entries.extend(assets.into_iter().map(|(n, b)| (n.to_string(), b)));
    let borrowed: Vec<(&str, &[u8])> = entries.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    zip_of(&borrowed)
}

pub fn valid_deployer() -> Vec<u8> {
    deployer(vec![
        ("PkgAssets/OpenBreweryDBConnector.zip", connector_solution()),
        ("PkgAssets/OpenBreweryDBFlow.zip", flow_solution()),
    ])
}

pub const INTRO: &str = "Open Brewery DB is a free dataset of breweries.\n\n## Prerequisites\n\nNone.\n\n## How to get credentials\n\nNo key is needed.\n\n## Known issues and limitations\n\nNone known.\n";

pub fn outer(package: &[u8]) -> Vec<u8> {
    zip_of(&[("intro.md", INTRO.as_bytes()), ("OpenBreweryDB.pdpkg.zip", package)])
}

/// The connector's files under `Connector/` with `swagger` as its OpenAPI definition.
pub fn connector_files_with(swagger: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut files = connector_files("api.openbrewerydb.org");
    files[0].1 = swagger.to_vec();
    files
}

/// A valid certification package whose connector's swagger is `swagger` (both solutions).
pub fn package_for(swagger: &[u8]) -> Vec<u8> {
    outer(&package_deployer_for(swagger))
}

/// The Package Deployer zip of [`package_for`].
pub fn package_deployer_for(swagger: &[u8]) -> Vec<u8> {
    let mut flow = connector_files_with(swagger);
    flow.push((
        "Workflows/Listbreweries-5A0B7C59-0000-0000-0000-000000000001.json".into(),
        br#"{"properties": {"definition": {"triggers": {}, "actions": {}}}}"#.to_vec(),
    ));
    deployer(vec![
        (
            "PkgAssets/OpenBreweryDBConnector.zip",
            solution(&customizations(false, false), connector_files_with(swagger)),
        ),
        ("PkgAssets/OpenBreweryDBFlow.zip", solution(&customizations(true, false), flow)),
    ])
}

/// The same package without its flow solution.
pub fn package_without_flow(swagger: &[u8]) -> Vec<u8> {
    outer(&deployer(vec![(
        "PkgAssets/OpenBreweryDBConnector.zip",
        solution(&customizations(false, false), connector_files_with(swagger)),
    )]))
}

/// `write_clean_connector`'s swagger.
pub fn clean_swagger() -> Vec<u8> {
    swagger("api.openbrewerydb.org")
}

/// A valid package's shape whose connector has `parameters` as its connection parameters.
pub fn package_with_parameters(swagger: &[u8], parameters: &[u8]) -> Vec<u8> {
    let mut files = connector_files_with(swagger);
    files[1].1 = parameters.to_vec();
    let mut flow = files.clone();
    flow.push((
        "Workflows/Listbreweries-5A0B7C59-0000-0000-0000-000000000001.json".into(),
        br#"{"properties": {"definition": {"triggers": {}, "actions": {}}}}"#.to_vec(),
    ));
    outer(&deployer(vec![
        (
            "PkgAssets/OpenBreweryDBConnector.zip",
            solution(&customizations(false, false), files),
        ),
        ("PkgAssets/OpenBreweryDBFlow.zip", solution(&customizations(true, false), flow)),
    ]))
}
