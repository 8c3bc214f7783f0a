//! The `html2cmark` command: one-shot conversion of a file or a pipe, and batch conversion of folders in CI.
//!
//! Shared by the installable binary (`src/bin/html2cmark/main.rs`) and the example (`examples/html2cmark.rs`),
//! so that `cargo run --example html2cmark` and `cargo install --path .` run the same code. It uses only the
//! standard library and html2cmark: argument parsing is by hand and parallelism uses `std::thread`.

mod args;
mod batch;
mod diff;
mod files;
mod oneshot;
mod output;

use std::io::{self, Write};
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use args::Command;

/// A failure that has already been reported on stderr.
#[derive(Debug)]
pub struct Failed;

/// A progress line is on stderr: messages clear it first.
static PROGRESS: AtomicBool = AtomicBool::new(false);
/// Serialises lines on stderr between workers and the progress line.
static STDERR: Mutex<()> = Mutex::new(());

/// Prints `html2cmark: PATH: message` (or `html2cmark: message`) as one line on stderr.
fn report(path: Option<&str>, message: &str) {
    let _guard = STDERR.lock().unwrap_or_else(|e| e.into_inner());
    let clear = if PROGRESS.load(Ordering::Relaxed) {
        "\r\x1b[K"
    } else {
        ""
    };
    let line = match path {
        Some(path) => format!("{clear}html2cmark: {path}: {message}\n"),
        None => format!("{clear}html2cmark: {message}\n"),
    };
    let _ = io::stderr().lock().write_all(line.as_bytes());
}

/// Runs the command with the process's arguments.
pub fn main() -> ExitCode {
    let command = match args::parse(std::env::args_os().skip(1)) {
        Ok(command) => command,
        Err(message) => {
            report(None, &format!("{message} (see --help)"));
            return ExitCode::from(2);
        }
    };
    match command {
        Command::Help => {
            let _ = io::stdout().lock().write_all(args::HELP.as_bytes());
            ExitCode::SUCCESS
        }
        Command::Version => {
            let _ = writeln!(io::stdout().lock(), "html2cmark {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Command::OneShot(one) => match oneshot::run(one) {
            Ok(()) => ExitCode::SUCCESS,
            Err(Failed) => ExitCode::from(2),
        },
        Command::Batch(batch) => ExitCode::from(batch::run(batch)),
    }
}
