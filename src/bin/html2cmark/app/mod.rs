//! The `html2cmark` command: one-shot conversion of a file or a pipe, and batch conversion of folders in CI.
//!
//! Shared by the installable binary (`src/bin/html2cmark/main.rs`) and the example (`examples/html2cmark.rs`),
//! so that `cargo run --example html2cmark` and `cargo install --path .` run the same code. Besides html2cmark
//! it uses lexopt (arguments), globset (`--glob`), terminal_size (the progress line), and toml with serde (the
//! config file), all behind the `cli` feature; parallelism uses `std::thread`.

mod args;
mod batch;
mod config;
mod diff;
mod files;
mod oneshot;
mod output;
mod progress;

use std::borrow::Cow;
use std::io::{self, Write};
use std::path::Path;
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

/// Prints `html2cmark: PATH: message` (or `html2cmark: message`) as one line on stderr, the path shown by
/// [`quote`].
fn report(path: Option<&Path>, message: &str) {
    let _guard = STDERR.lock().unwrap_or_else(|e| e.into_inner());
    let clear = if PROGRESS.load(Ordering::Relaxed) {
        "\r\x1b[K"
    } else {
        ""
    };
    let line = match path {
        Some(path) => format!("{clear}html2cmark: {}: {message}\n", quote(path)),
        None => format!("{clear}html2cmark: {message}\n"),
    };
    let _ = io::stderr().lock().write_all(line.as_bytes());
}

/// `path` as messages show it: unchanged when it is plain printable text; otherwise between double quotes with
/// `\\`, `"`, control characters (`\n`, `\t`, `\r`, others as `\u{1b}`), invisible formatting characters
/// (bidirectional overrides, zero-width characters, line and paragraph separators, as `\u{202e}`) and bytes that
/// are not UTF-8 (`\xff`) escaped. A file name then cannot move the cursor, recolour the terminal, reorder the
/// line or pass for two lines; a plain path that starts with `"` is quoted too, so that a quoted path is never
/// ambiguous.
pub fn quote(path: &Path) -> Cow<'_, str> {
    let bytes = path.as_os_str().as_encoded_bytes();
    let plain = match std::str::from_utf8(bytes) {
        Ok(text) if !text.starts_with('"') && !text.chars().any(needs_escape) => Some(text),
        _ => None,
    };
    if let Some(text) = plain {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('"');
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '"' => out.push_str("\\\""),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if needs_escape(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out.push('"');
    Cow::Owned(out)
}

/// Characters a terminal does not show as themselves: controls (C0, DEL, C1) and invisible formatting
/// characters that reorder or hide text.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{61c}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}'
        )
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(quote(Path::new("a/b c.html")), "a/b c.html");
        assert_eq!(quote(Path::new("dé\\jà")), "dé\\jà");
        assert_eq!(quote(Path::new("a\nb\x1b[31m")), "\"a\\nb\\u{1b}[31m\"");
        assert_eq!(quote(Path::new("\"x\\y\"")), "\"\\\"x\\\\y\\\"\"");
        assert_eq!(quote(Path::new("rtl\u{202e}lmth.exe")), "\"rtl\\u{202e}lmth.exe\"");
        assert_eq!(quote(Path::new("tab\there\u{85}")), "\"tab\\there\\u{85}\"");
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let path = Path::new(std::ffi::OsStr::from_bytes(b"bad\xff.md"));
            assert_eq!(quote(path), "\"bad\\xff.md\"");
        }
    }
}
