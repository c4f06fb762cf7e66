//! The pipeline's first stage: where the connector comes from. A folder on disk, or a custom
//! connector in a Power Platform environment (`environment`: sign-in and the calls stay in
//! `powerplatform/`, behind it). Either way the next stage gets a [`ConnectorPackage`].

pub mod environment;

use crate::connector::ConnectorPackage;
use std::path::Path;

/// A connector folder on disk, loaded with its bytes untouched. Its secrets are registered, so
/// that nothing this process prints shows them (`output::Masked`).
pub fn folder(path: &Path) -> anyhow::Result<ConnectorPackage> {
    let package = ConnectorPackage::load(path)?;
    crate::secrets::register(&crate::secrets::Masker::for_package(&package));
    Ok(package)
}
