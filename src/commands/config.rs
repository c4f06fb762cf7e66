//! `connector-publish config get|set|unset|list`: the user's defaults in the config file.

use crate::cli::ConfigCommand;
use crate::config::{self, Config};
use crate::exit::{Exit, UsageError};
use crate::report::config::{ConfigReport, Setting};
use std::io::Write;

/// Run one `config` subcommand: `get` exits 1 for a known key with no value.
pub fn run(command: ConfigCommand, config: &Config, out: &mut dyn Write) -> anyhow::Result<Exit> {
    match command {
        ConfigCommand::Get { key } => match config.get(&key) {
            Some(v) => ConfigReport::Value(v).human(out)?,
            None if config::KEYS.iter().any(|(k, _)| *k == key) => return Ok(Exit::Findings),
            None => {
                return Err(UsageError(format!(
                    "unknown setting `{key}`; the settings are {}",
                    config::KEYS.map(|(k, _)| k).join(", ")
                ))
                .into())
            }
        },
        ConfigCommand::Set { key, value } => {
            if key == "category" {
                value.parse::<crate::connector::Category>().map_err(UsageError)?;
            }
            let path = Config::set(&key, Some(&value)).map_err(|e| UsageError(e.to_string()))?;
            ConfigReport::Set {
                key: &key,
                value: &value,
                path: &path,
            }
            .human(out)?;
        }
        ConfigCommand::Unset { key } => {
            let path = Config::set(&key, None).map_err(|e| UsageError(e.to_string()))?;
            ConfigReport::Unset { key: &key, path: &path }.human(out)?;
        }
        ConfigCommand::List => {
            let path = config::path()?;
            let settings = config::KEYS
                .iter()
                .map(|&(key, about)| Setting {
                    key,
                    value: config.get(key),
                    about,
                })
                .collect();
            ConfigReport::List { path: &path, settings }.human(out)?;
        }
    }
    Ok(Exit::Ok)
}
