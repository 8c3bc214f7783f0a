//! Converts HTML to CommonMark: `html2cmark FILE`, `html2cmark -` (stdin), or with no argument and a terminal
//! on stdin, the bundled sample article.

use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

const SAMPLE: &str = include_str!("data/sample-article.html");

fn main() -> ExitCode {
    let arg = std::env::args().nth(1);
    let html = match arg.as_deref() {
        None if std::io::stdin().is_terminal() => {
            eprintln!("html2cmark: no input given; converting the bundled sample article");
            SAMPLE.to_string()
        }
        None | Some("-") => {
            let mut bytes = Vec::new();
            if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
                eprintln!("html2cmark: cannot read stdin: {e}");
                return ExitCode::from(2);
            }
            String::from_utf8_lossy(&bytes).into_owned()
        }
        Some(path) => match std::fs::read(path) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) => {
                eprintln!("html2cmark: cannot read {path}: {e}");
                return ExitCode::from(2);
            }
        },
    };
    let md = html2cmark::convert(&html);
    if let Err(e) = std::io::stdout().write_all(md.as_bytes()) {
        eprintln!("html2cmark: cannot write output: {e}");
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}
