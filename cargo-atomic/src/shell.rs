//! Cargo-like terminal output: right-aligned status verbs, `warning:`/`error:`/`note:` lines,
//! colored when the stream is a terminal (or as `--color` says). Data (API lines, JSON, reports)
//! goes to stdout; everything else to stderr.

use std::io::Write;

use anstyle::{AnsiColor, Effects, Style};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// The value Cargo understands for `--color`.
    pub fn cargo_value(self) -> &'static str {
        match self {
            ColorChoice::Auto => "auto",
            ColorChoice::Always => "always",
            ColorChoice::Never => "never",
        }
    }

    fn to_anstream(self) -> anstream::ColorChoice {
        match self {
            ColorChoice::Auto => anstream::ColorChoice::Auto,
            ColorChoice::Always => anstream::ColorChoice::Always,
            ColorChoice::Never => anstream::ColorChoice::Never,
        }
    }
}

pub const GREEN: Style = AnsiColor::Green.on_default().effects(Effects::BOLD);
pub const CYAN: Style = AnsiColor::Cyan.on_default().effects(Effects::BOLD);
pub const YELLOW: Style = AnsiColor::Yellow.on_default().effects(Effects::BOLD);
pub const RED: Style = AnsiColor::Red.on_default().effects(Effects::BOLD);
pub const BOLD: Style = Style::new().effects(Effects::BOLD);
pub const DIM: Style = Style::new().effects(Effects::DIMMED);

pub struct Shell {
    out: anstream::AutoStream<std::io::Stdout>,
    err: anstream::AutoStream<std::io::Stderr>,
    quiet: bool,
    pub verbose: bool,
    color: ColorChoice,
}

impl Shell {
    pub fn new(color: ColorChoice, quiet: bool, verbose: bool) -> Shell {
        Shell {
            out: anstream::AutoStream::new(std::io::stdout(), color.to_anstream()),
            err: anstream::AutoStream::new(std::io::stderr(), color.to_anstream()),
            quiet,
            verbose,
            color,
        }
    }

    pub fn color(&self) -> ColorChoice {
        self.color
    }

    /// Whether styled text written to stdout keeps its colors.
    pub fn stdout_colored(&self) -> bool {
        !matches!(self.out.current_choice(), anstream::ColorChoice::Never)
    }

    /// `   Documenting core, interface` (green verb, right-aligned to 12 columns).
    pub fn status(&mut self, verb: &str, message: impl std::fmt::Display) {
        if !self.quiet {
            let _ = writeln!(self.err, "{GREEN}{verb:>12}{GREEN:#} {message}");
        }
    }

    pub fn warn(&mut self, message: impl std::fmt::Display) {
        if !self.quiet {
            let _ = writeln!(self.err, "{YELLOW}warning{YELLOW:#}{BOLD}:{BOLD:#} {message}");
        }
    }

    pub fn note(&mut self, message: impl std::fmt::Display) {
        if !self.quiet {
            let _ = writeln!(self.err, "{CYAN}note{CYAN:#}{BOLD}:{BOLD:#} {message}");
        }
    }

    /// Errors are printed even with `-q`.
    pub fn error(&mut self, message: impl std::fmt::Display) {
        let _ = writeln!(self.err, "{RED}error{RED:#}{BOLD}:{BOLD:#} {message}");
    }

    /// A line of data on stdout.
    pub fn print(&mut self, line: impl std::fmt::Display) {
        let _ = writeln!(self.out, "{line}");
    }

    /// Text on stderr as is (already formatted).
    pub fn print_err(&mut self, text: impl std::fmt::Display) {
        let _ = write!(self.err, "{text}");
    }
}
