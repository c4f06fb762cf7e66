//! `config get`, `set`, `unset` and `list`: what the config file holds or now holds.

use serde::Serialize;
use std::io::Write;
use std::path::Path;

/// What one `config` subcommand reports.
#[derive(Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfigReport<'a> {
    /// `config get`: the value, alone on its line (for scripts).
    Value(&'a str),
    /// `config set`: the key, its new value, and the file written.
    Set { key: &'a str, value: &'a str, path: &'a Path },
    /// `config unset`: the key removed, and the file written.
    Unset { key: &'a str, path: &'a Path },
    /// `config list`: the file, then every setting in the order of `config::KEYS`.
    List { path: &'a Path, settings: Vec<Setting<'a>> },
}

/// One setting of `config list`: its value when set, and what it is for.
#[derive(Debug, Serialize)]
pub struct Setting<'a> {
    pub key: &'a str,
    pub value: Option<&'a str>,
    pub about: &'a str,
}

impl ConfigReport<'_> {
    pub fn human(&self, out: &mut dyn Write) -> anyhow::Result<()> {
        match self {
            ConfigReport::Value(v) => writeln!(out, "{v}")?,
            ConfigReport::Set { key, value, path } => writeln!(out, "{key} = \"{value}\" ({})", path.display())?,
            ConfigReport::Unset { key, path } => writeln!(out, "{key} unset ({})", path.display())?,
            ConfigReport::List { path, settings } => {
                writeln!(out, "# {}", path.display())?;
                for Setting { key, value, about } in settings {
                    match value {
                        Some(v) => writeln!(out, "{key} = \"{v}\"  # {about}")?,
                        None => writeln!(out, "# {key} (unset): {about}")?,
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn human(report: &ConfigReport) -> String {
        let mut out = Vec::new();
        report.human(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn list_shows_set_values_and_comments_out_unset_ones() {
        let path = Path::new("/home/u/.config/connector-publish/config.toml");
        let report = ConfigReport::List {
            path,
            settings: vec![
                Setting {
                    key: "upstream",
                    value: Some("https://example.com/repo.git"),
                    about: "the upstream repository",
                },
                Setting {
                    key: "category",
                    value: None,
                    about: "the default category",
                },
            ],
        };
        assert_eq!(
            human(&report),
            "# /home/u/.config/connector-publish/config.toml\n\
             upstream = \"https://example.com/repo.git\"  # the upstream repository\n\
             # category (unset): the default category\n"
        );
    }

    #[test]
    fn get_set_and_unset_are_one_line_each() {
        let path = Path::new("c.toml");
        assert_eq!(human(&ConfigReport::Value("dev")), "dev\n");
        let set = ConfigReport::Set {
            key: "base-branch",
            value: "dev",
            path,
        };
        assert_eq!(human(&set), "base-branch = \"dev\" (c.toml)\n");
        let unset = ConfigReport::Unset { key: "base-branch", path };
        assert_eq!(human(&unset), "base-branch unset (c.toml)\n");
    }
}
