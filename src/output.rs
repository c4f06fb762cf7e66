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

/// A line on `err` the run goes on after, its label (`warning:`, `notice:`, `note:`) in yellow.
pub fn write_notice(label: &str, text: impl std::fmt::Display, err: &mut dyn std::io::Write) -> std::io::Result<()> {
    writeln!(err, "{} {text}", paint(WARNING, label))
}

/// A `notice:` line on stderr, unless `--quiet`; a failure to write it is not the run's.
pub fn print_notice(text: impl std::fmt::Display) {
    if !quiet() {
        let _ = write_notice("notice:", text, &mut stderr());
    }
}

static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// `--quiet`: progress messages and bars are not shown.
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, std::sync::atomic::Ordering::Relaxed);
}

pub fn quiet() -> bool {
    QUIET.load(std::sync::atomic::Ordering::Relaxed)
}

/// Diagnostics on stderr: `RUST_LOG` when set, else warnings, `-v` debug, `-vv` trace.
pub fn init_tracing(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "connector_publish=debug,warn",
        _ => "connector_publish=trace,debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    use std::io::IsTerminal;
    let ansi = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(|| Masked::new(std::io::stderr()))
        .with_ansi(ansi)
        .with_target(false)
        .without_time()
        .try_init();
}

/// A spinner on stderr for a slow step, ticking by itself; hidden with `--quiet` or when `hidden`
/// (e.g. `--json`).
pub fn spinner(message: String, hidden: bool) -> indicatif::ProgressBar {
    if hidden || quiet() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_message(message);
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

/// The style of one line of a unified diff: headers bold, additions green, removals red, hunks dim.
pub fn diff_style(line: &str) -> Style {
    if line.starts_with("+++") || line.starts_with("---") {
        EMPHASIS
    } else if line.starts_with('+') {
        GOOD
    } else if line.starts_with('-') {
        ERROR
    } else if line.starts_with("@@") {
        DIM
    } else {
        Style::new()
    }
}

/// A unified diff, line by line in [`diff_style`] (`submit`'s plan, `package check`'s comparison).
pub fn write_diff(out: &mut dyn std::io::Write, text: &str) -> std::io::Result<()> {
    for line in text.lines() {
        writeln!(out, "{}", paint(diff_style(line), line))?;
    }
    Ok(())
}

/// Ask a yes/no question on a terminal (`[Y/n]` when `default` is yes); the answer is read from
/// standard input.
pub fn ask(question: &str, default: bool, out: &mut dyn std::io::Write) -> anyhow::Result<bool> {
    write!(out, "{question} {} ", if default { "[Y/n]" } else { "[y/N]" })?;
    out.flush()?;
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    Ok(match answer.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" => true,
        "n" | "no" => false,
        _ => default,
    })
}

/// A writer that hides every secret before it reaches `W`: the ones [`crate::secrets`]
/// recognises by their format, and the ones found in the packages this process loaded
/// ([`crate::secrets::register`]). Everything the tool prints goes through one: reports,
/// `--json`, notices, errors and `-v` logs, so no path can print a secret the check found.
/// Text is held until a line ends (or a flush), so a secret is masked whole.
pub struct Masked<W: std::io::Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: std::io::Write> Masked<W> {
    pub fn new(inner: W) -> Masked<W> {
        Masked {
            inner,
            pending: Vec::new(),
        }
    }

    /// Mask and write `pending` up to `end`.
    fn emit(&mut self, end: usize) -> std::io::Result<()> {
        let masker = crate::secrets::registered();
        let shown = masker.bytes(&self.pending[..end]);
        self.inner.write_all(&shown)?;
        self.pending.drain(..end);
        Ok(())
    }
}

/// Text held before it is masked and written even without a line end (a long line).
const MASK_BLOCK: usize = 64 * 1024;

impl<W: std::io::Write> std::io::Write for Masked<W> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(data);
        if let Some(last) = self.pending.iter().rposition(|b| *b == b'\n') {
            self.emit(last + 1)?;
        } else if self.pending.len() > MASK_BLOCK {
            self.emit(self.pending.len())?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.emit(self.pending.len())?;
        self.inner.flush()
    }
}

impl<W: std::io::Write> Drop for Masked<W> {
    fn drop(&mut self) {
        let _ = std::io::Write::flush(self);
    }
}

/// Standard output through [`Masked`] (colors as anstream decides).
pub fn stdout() -> Masked<anstream::Stdout> {
    Masked::new(anstream::stdout())
}

/// Standard error through [`Masked`] (colors as anstream decides).
pub fn stderr() -> Masked<anstream::Stderr> {
    Masked::new(anstream::stderr())
}
