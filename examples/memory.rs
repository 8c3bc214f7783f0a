//! Peak memory of streaming versus one-shot conversion (issue 3's memory benchmark).
//!
//! ```sh
//! cargo run --release --example memory -- stream 200     # streams a generated 200 MB document
//! cargo run --release --example memory -- oneshot 200    # the same document through `convert`
//! ```
//!
//! The document is generated on the fly (article-like sections with headings, paragraphs, links, lists and
//! Chinese text), so the streaming run never holds it whole. Peak RSS is read from `/proc/self/status`.
//!
//! Shapes that keep an element open around the whole document (the streaming issue's list, and the hostile-input
//! issue's legacy shapes) stream the same article sections inside one container:
//!
//! ```sh
//! cargo run --release --example memory -- shape li 200        # also: td b a span legacy-b rows tables truncated
//! ```

use std::io::{self, Read, Write};
use std::time::Instant;

/// An endless supply of article-like HTML, `limit` bytes long (then `</body></html>`).
struct Generated {
    limit: usize,
    produced: usize,
    buf: Vec<u8>,
    pos: usize,
    n: usize,
    shape: Option<Shape>,
}

/// What surrounds the generated sections: a prefix opened once, and how each section is wrapped.
#[derive(Clone, Copy)]
struct Shape {
    open: &'static str,
    /// Each section's HTML is `before` + section + `after`; `None` keeps the article section.
    unit: Option<(&'static str, &'static str)>,
}

/// The shapes of `memory shape NAME`, by name.
fn shape(name: &str) -> Option<Shape> {
    let s = |open, unit| Some(Shape { open, unit });
    match name {
        "li" => s("<ul><li>", None),
        "td" => s("<table><tr><td>", None),
        "b" => s("<b>", None),
        "a" => s("<a href=\"https://example.org/\">", None),
        "span" => s("<span>", None),
        // The legacy pattern: the newline after `</p>` makes the parser reopen `<b>` in the next paragraph.
        "legacy-b" => s("", Some(("<p><b>text ", "</p>\n"))),
        // One table of many rows, and many sibling tables.
        "rows" => s(
            "<table><tr><th>a</th><th>b</th></tr>",
            Some(("<tr><td>", "</td><td>cell</td></tr>")),
        ),
        "tables" => s("", Some(("<table><tr><td>", "</td></tr></table>"))),
        // Cut-off pages concatenated: each one ends inside a list item.
        "truncated" => s("", Some(("<html><body><ul><li><p>", "<li>cut off"))),
        _ => None,
    }
}

impl Generated {
    fn new(limit: usize) -> Self {
        Generated {
            limit,
            produced: 0,
            buf: b"<!DOCTYPE html><html><head><title>t</title></head><body>".to_vec(),
            pos: 0,
            n: 0,
            shape: None,
        }
    }

    fn with_shape(limit: usize, shape: Shape) -> Self {
        let mut g = Generated::new(limit);
        g.buf.extend_from_slice(shape.open.as_bytes());
        g.shape = Some(shape);
        g
    }

    fn refill(&mut self) {
        self.buf.clear();
        self.pos = 0;
        if self.produced >= self.limit {
            if self.n != usize::MAX {
                self.buf.extend_from_slice(b"</body></html>");
                self.n = usize::MAX;
            }
            return;
        }
        self.n += 1;
        let n = self.n;
        if let Some(Shape {
            unit: Some((before, after)),
            ..
        }) = self.shape
        {
            self.buf
                .extend_from_slice(format!("{before}Line {n} of the shape, with some words.{after}").as_bytes());
            return;
        }
        let section = format!(
            "<section><h2>Section {n}</h2><p>Paragraph {n} with <a href=\"https://example.org/{n}?a=1&amp;b=2\">a link</a>, \
             <em>emphasis</em>, <strong>strong text</strong> and a * star and _ underscore.</p>\
             <p>中文段落{n}：新闻内容，<b>标题：</b>正文。</p><ul><li>item one</li><li>item <code>two</code></li></ul>\
             <blockquote><p>A quoted line {n}.</p></blockquote></section>\n"
        );
        self.buf.extend_from_slice(section.as_bytes());
    }
}

impl Read for Generated {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.buf.len() {
            self.refill();
        }
        let n = out.len().min(self.buf.len() - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        self.produced += n;
        Ok(n)
    }
}

/// Counts output bytes without keeping them.
struct Count(usize);

impl Write for Count {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.0 += b.len();
        Ok(b.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let mode = std::env::args().nth(1).unwrap_or_else(|| "stream".into());
    let mb: usize = std::env::args().nth(2).and_then(|s| s.parse().ok()).unwrap_or(200);
    let options = html2cmark::Options::default();
    let start = Instant::now();
    let (input, output) = match mode.as_str() {
        "oneshot" => {
            let mut html = String::new();
            if let Err(e) = Generated::new(mb << 20).read_to_string(&mut html) {
                eprintln!("memory: cannot generate input: {e}");
                std::process::exit(2);
            }
            let md = html2cmark::convert_with(&html, &options);
            (html.len(), md.len())
        }
        "shape" => {
            let name = std::env::args().nth(2).unwrap_or_default();
            let mb: usize = std::env::args().nth(3).and_then(|s| s.parse().ok()).unwrap_or(20);
            let Some(shape) = shape(&name) else {
                eprintln!("memory: unknown shape {name:?} (li td b a span legacy-b rows tables truncated)");
                std::process::exit(2);
            };
            let mut input = Generated::with_shape(mb << 20, shape);
            let mut out = Count(0);
            if let Err(e) = html2cmark::convert_reader(&mut input, &mut out, &options) {
                eprintln!("memory: {e}");
                std::process::exit(2);
            }
            (input.produced, out.0)
        }
        _ => {
            let mut input = Generated::new(mb << 20);
            let mut out = Count(0);
            if let Err(e) = html2cmark::convert_reader(&mut input, &mut out, &options) {
                eprintln!("memory: {e}");
                std::process::exit(2);
            }
            (input.produced, out.0)
        }
    };
    let secs = start.elapsed().as_secs_f64();
    let mode = if mode == "shape" {
        format!("shape {}", std::env::args().nth(2).unwrap_or_default())
    } else {
        mode
    };
    println!(
        "{mode}: input {:.1} MB, output {:.1} MB, {secs:.1} s ({:.1} MB/s), peak RSS {} MB",
        input as f64 / 1e6,
        output as f64 / 1e6,
        input as f64 / 1e6 / secs,
        peak_rss_kib().map_or("?".to_string(), |k| format!("{:.1}", k as f64 / 1024.0))
    );
}
