//! One input to stdout (or `--output FILE`): HTML is streamed through [`html2cmark::Converter`], so Markdown
//! comes out while the input is still arriving.

use std::fmt::Write as _;
use std::fs::{File, Metadata};
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use html2cmark::pulldown_cmark::Event;
use html2cmark::{Converter, Error, Options};

use super::args::OneShot;
use super::files::{Kind, kind_of, size_change};
use super::output::{OutFile, Policy, Utf8Watch, decode, lossy_warning};
use super::{Failed, report};

/// The article converted when no input is given and stdin is a terminal.
const SAMPLE: &[u8] = include_bytes!("../../../../examples/data/sample-article.html");

/// The bytes read per chunk.
const CHUNK: usize = 64 * 1024;

/// Where the input comes from.
enum Source {
    Sample,
    Stdin,
    File(Box<InputFile>),
}

/// An input file, with what is needed to tell whether it changed size while it was read.
struct InputFile {
    path: PathBuf,
    file: File,
    /// Its metadata when it was opened.
    opened: Metadata,
    /// The bytes read so far.
    read: u64,
}

impl Source {
    /// The name used in messages.
    fn name(&self) -> PathBuf {
        match self {
            Source::Sample => "the bundled sample article".into(),
            Source::Stdin => "<stdin>".into(),
            Source::File(input) => input.path.clone(),
        }
    }

    fn read(&mut self, buf: &mut [u8], sample_pos: &mut usize) -> io::Result<usize> {
        match self {
            Source::Sample => {
                let n = buf.len().min(SAMPLE.len() - *sample_pos);
                buf[..n].copy_from_slice(&SAMPLE[*sample_pos..*sample_pos + n]);
                *sample_pos += n;
                Ok(n)
            }
            Source::Stdin => io::stdin().lock().read(buf),
            Source::File(input) => {
                let n = input.file.read(buf)?;
                input.read += n as u64;
                Ok(n)
            }
        }
    }

    /// After the end of the input: why the bytes read cannot be trusted (a file that changed size meanwhile).
    fn changed(&self) -> Option<String> {
        match self {
            Source::File(input) => size_change(&input.opened, input.read, input.file.metadata().ok().as_ref()),
            _ => None,
        }
    }
}

/// Runs a one-shot conversion; `Err` has already been reported.
pub fn run(cmd: OneShot) -> Result<(), Failed> {
    let mut source = match cmd.input.as_deref() {
        None if io::stdin().is_terminal() => {
            report(
                None,
                "no input given; converting the bundled sample article (see --help)",
            );
            Source::Sample
        }
        None => Source::Stdin,
        Some(p) if p.as_os_str() == "-" => Source::Stdin,
        Some(path) => open(path)?,
    };
    let shown = source.name();
    let name = shown.as_path();
    let mut sample_pos = 0;

    // The first chunk decides the kind of a `.txt` file.
    let mut first = vec![0; CHUNK];
    let n = read_retrying(&mut source, &mut first, &mut sample_pos).map_err(|e| fail(name, "cannot read", &e))?;
    first.truncate(n);
    let kind = cmd.from.unwrap_or(match &source {
        Source::File(input) => kind_of(&input.path, &first),
        _ => Kind::Html,
    });

    if cmd.events && kind == Kind::Markdown {
        report(
            Some(name),
            "--events works on HTML input only (this is Markdown; try --from html)",
        );
        return Err(Failed);
    }

    let mut out = Output::new(cmd.output.as_deref(), cmd.sync)?;
    let mut watch = Utf8Watch::default();
    watch.push(&first);
    let result = if kind == Kind::Html && !cmd.events {
        stream(
            &mut source,
            first,
            &mut sample_pos,
            &mut watch,
            &mut out,
            &cmd.options,
            name,
        )
    } else {
        let mut bytes = first;
        loop {
            let len = bytes.len();
            bytes.resize(len + CHUNK, 0);
            let n = read_retrying(&mut source, &mut bytes[len..], &mut sample_pos)
                .map_err(|e| fail(name, "cannot read", &e))?;
            bytes.truncate(len + n);
            watch.push(&bytes[len..]);
            if n == 0 {
                break;
            }
            if let Some(limit) = cmd.options.max_input_bytes.filter(|&l| bytes.len() as u64 > l) {
                report(
                    Some(name),
                    &format!("the input is larger than the limit of {limit} bytes"),
                );
                return Err(Failed);
            }
        }
        let (text, _) = decode(&bytes);
        let md = if cmd.events {
            dump_events(&text, &cmd.options)
        } else {
            html2cmark::convert_markdown(&text, &cmd.options)
        };
        out.write_all(md.as_bytes()).map_err(|e| out.fail(&e))
    };
    watch.finish();
    // Streamed HTML is decoded by the library (BOM, --charset, <meta charset>, detection): bytes that are not
    // UTF-8 there are another encoding, not an error.
    let streamed = kind == Kind::Html && !cmd.events;
    if let Some(at) = watch.first_bad.filter(|_| !streamed) {
        report(Some(name), &lossy_warning(at));
    }
    result?;
    // A file that changed while it was read gave a mixture of two versions, or part of one: an error, and a
    // staged `--output` is not put in place.
    if let Some(why) = source.changed() {
        report(Some(name), &why);
        return Err(Failed);
    }
    out.finish()
}

fn open(path: &Path) -> Result<Source, Failed> {
    let file = File::open(path).map_err(|e| fail(path, "cannot read", &e))?;
    match file.metadata() {
        Ok(m) if m.is_dir() => {
            report(Some(path), "is a directory (to convert a folder, give --out-dir OUT)");
            Err(Failed)
        }
        Ok(opened) => Ok(Source::File(Box::new(InputFile {
            path: path.to_path_buf(),
            file,
            opened,
            read: 0,
        }))),
        Err(e) => Err(fail(path, "cannot read", &e)),
    }
}

fn read_retrying(source: &mut Source, buf: &mut [u8], sample_pos: &mut usize) -> io::Result<usize> {
    loop {
        match source.read(buf, sample_pos) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// Streams HTML through a [`Converter`].
fn stream(
    source: &mut Source,
    first: Vec<u8>,
    sample_pos: &mut usize,
    watch: &mut Utf8Watch,
    out: &mut Output,
    options: &Options,
    name: &Path,
) -> Result<(), Failed> {
    let mut converter = Converter::new(&mut *out, options.clone());
    let mut buf = first;
    let mut ended = buf.is_empty();
    loop {
        converter.feed(&buf).map_err(|e| convert_error(name, e))?;
        if ended {
            break;
        }
        buf.resize(CHUNK, 0);
        let n = read_retrying(source, &mut buf, sample_pos).map_err(|e| fail(name, "cannot read", &e))?;
        buf.truncate(n);
        watch.push(&buf);
        ended = n == 0;
    }
    converter.end_input().map_err(|e| convert_error(name, e))?;
    if let Some(declared) = converter.overridden_charset() {
        report(
            Some(name),
            &format!(
                "warning: declares charset {} but is valid UTF-8; decoded as UTF-8",
                declared.name()
            ),
        );
    }
    converter.finish().map(drop).map_err(|e| convert_error(name, e))
}

fn convert_error(name: &Path, e: Error) -> Failed {
    match e {
        Error::Write(e) if e.kind() == io::ErrorKind::BrokenPipe => broken_pipe(),
        Error::Write(e) => fail(Path::new("<output>"), "cannot write", &e),
        Error::Read(e) => fail(name, "cannot read", &e),
        other => {
            report(Some(name), &other.to_string());
            Failed
        }
    }
}

/// The reader of our output went away (`html2cmark page.html | head`): not an error of ours, so stop quietly
/// with success, as the end of the output was not wanted. Nothing is left to clean up: the output is stdout.
fn broken_pipe() -> ! {
    std::process::exit(0)
}

fn fail(name: &Path, what: &str, e: &io::Error) -> Failed {
    report(Some(name), &format!("{what}: {e}"));
    Failed
}

/// The event stream, one event a line, indented by nesting.
fn dump_events(html: &str, options: &Options) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for event in html2cmark::events(html, options) {
        if matches!(event, Event::End(_)) {
            depth = depth.saturating_sub(1);
        }
        let indent = "  ".repeat(depth);
        let _ = match &event {
            Event::Text(t) => writeln!(out, "{indent}Text({:?})", t.as_ref()),
            Event::Code(t) => writeln!(out, "{indent}Code({:?})", t.as_ref()),
            Event::Html(t) => writeln!(out, "{indent}Html({:?})", t.as_ref()),
            Event::InlineHtml(t) => writeln!(out, "{indent}InlineHtml({:?})", t.as_ref()),
            other => writeln!(out, "{indent}{other:?}"),
        };
        if matches!(event, Event::Start(_)) {
            depth += 1;
        }
    }
    out
}

/// Stdout, or an [`OutFile`] put in place at the end.
enum Output {
    Stdout(io::StdoutLock<'static>),
    File(OutFile, PathBuf),
}

impl Output {
    fn new(path: Option<&Path>, sync: bool) -> Result<Output, Failed> {
        match path {
            None => Ok(Output::Stdout(io::stdout().lock())),
            Some(p) if p.as_os_str() == "-" => Ok(Output::Stdout(io::stdout().lock())),
            Some(p) => match OutFile::create(p, Policy { sync, edit: false }) {
                Ok(file) => Ok(Output::File(file, p.to_path_buf())),
                Err(e) => Err(fail(p, "cannot write", &e)),
            },
        }
    }

    fn fail(&self, e: &io::Error) -> Failed {
        match self {
            Output::Stdout(_) if e.kind() == io::ErrorKind::BrokenPipe => broken_pipe(),
            Output::Stdout(_) => fail(Path::new("<stdout>"), "cannot write", e),
            Output::File(_, p) => fail(p, "cannot write", e),
        }
    }

    fn finish(self) -> Result<(), Failed> {
        match self {
            Output::Stdout(mut s) => s.flush().or_else(|e| match e.kind() {
                io::ErrorKind::BrokenPipe => broken_pipe(),
                _ => Err(fail(Path::new("<stdout>"), "cannot write", &e)),
            }),
            Output::File(file, p) => file.commit().map_err(|e| fail(&p, "cannot write", &e)),
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Output::Stdout(s) => s.write(buf),
            Output::File(f, _) => f.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::Stdout(s) => s.flush(),
            Output::File(f, _) => f.flush(),
        }
    }
}
