//! Terminal styles. Colors are on for terminals and off when piped or with `NO_COLOR`
//! (anstream strips them), so no call site has to think about it.

use anstyle::{AnsiColor, Style};

pub const ERROR: Style = AnsiColor::Red.on_default().bold();
pub const WARNING: Style = AnsiColor::Yellow.on_default().bold();
pub const GOOD: Style = AnsiColor::Green.on_default().bold();
pub const HEADER: Style = Style::new().bold().underline();
pub const DIM: Style = Style::new().dimmed();
pub const EMPHASIS: Style = Style::new().bold();

/// `text` in `style`, for use in `write!` through anstream.
pub fn paint(style: Style, text: impl std::fmt::Display) -> String {
    format!("{style}{text}{style:#}")
}
