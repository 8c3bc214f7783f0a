//! Converts HTML to CommonMark: `html2cmark [--charset LABEL] FILE`, `html2cmark -` (stdin), or with no
//! argument and a terminal on stdin, the bundled sample article.
//!
//! Bytes are decoded as a browser would: a byte order mark, else `--charset` (as from an HTTP `Content-Type`),
//! else a `<meta charset>`, else detection (UTF-8, GBK, Big5, Shift_JIS, windows-1252, …). Markdown is written
//! as the input is read.

use std::io::{IsTerminal, Read};
use std::process::ExitCode;

const SAMPLE: &str = include_str!("data/sample-article.html");

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut options = html2cmark::Options::default();
    if let Some(i) = args.iter().position(|a| a == "--charset") {
        let label = args.get(i + 1).cloned().unwrap_or_default();
        match html2cmark::encoding_rs::Encoding::for_label(label.as_bytes()) {
            Some(encoding) => options.encoding = Some(encoding),
            None => {
                eprintln!("html2cmark: unknown encoding {label:?}");
                return ExitCode::from(2);
            }
        }
        args.drain(i..(i + 2).min(args.len()));
    }
    let input: Box<dyn Read> = match args.first().map(String::as_str) {
        None if std::io::stdin().is_terminal() => {
            eprintln!("html2cmark: no input given; converting the bundled sample article");
            Box::new(SAMPLE.as_bytes())
        }
        None | Some("-") => Box::new(std::io::stdin().lock()),
        Some(path) => match std::fs::File::open(path) {
            Ok(file) => Box::new(file),
            Err(e) => {
                eprintln!("html2cmark: cannot read {path}: {e}");
                return ExitCode::from(2);
            }
        },
    };
    let stdout = std::io::stdout().lock();
    match html2cmark::convert_reader(input, std::io::BufWriter::new(stdout), &options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("html2cmark: {e}");
            ExitCode::from(2)
        }
    }
}
