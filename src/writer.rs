//! Events to CommonMark text. (Stub; being written.)

use std::io;

use pulldown_cmark::Event;

use crate::Options;

/// Incremental writer: feed events, completed Markdown is appended to the output string.
pub(crate) struct MarkdownWriter {
    _options: Options,
}

impl MarkdownWriter {
    pub(crate) fn new(options: &Options) -> Self {
        MarkdownWriter {
            _options: options.clone(),
        }
    }

    /// Feeds one event; Markdown for every block it completes is appended to `out`.
    pub(crate) fn push(&mut self, event: Event<'_>, out: &mut String) {
        match event {
            Event::Text(t) => out.push_str(&t),
            Event::End(_) => out.push('\n'),
            _ => {}
        }
    }

    /// Ends the document, appending what is still buffered.
    pub(crate) fn finish(&mut self, _out: &mut String) {}
}

/// Writes `events` as CommonMark, appending to `out`, with the default options.
///
/// # Example
///
/// ```
/// use html2cmark::pulldown_cmark::{Event, Tag, TagEnd};
/// let mut md = String::new();
/// html2cmark::push_markdown(&mut md, [Event::Start(Tag::Paragraph), Event::Text("*hi*".into()), Event::End(TagEnd::Paragraph)]);
/// assert_eq!(md, "\\*hi\\*\n");
/// ```
pub fn push_markdown<'a, I: IntoIterator<Item = Event<'a>>>(out: &mut String, events: I) {
    push_markdown_with(out, events, &Options::DEFAULT)
}

/// Writes `events` as CommonMark with the given options, appending to `out`.
///
/// # Example
///
/// ```
/// use html2cmark::pulldown_cmark::{Event, Tag, TagEnd};
/// let mut md = String::new();
/// html2cmark::push_markdown_with(&mut md, [Event::Start(Tag::Paragraph), Event::Text("hi".into()), Event::End(TagEnd::Paragraph)], &html2cmark::Options::default());
/// assert_eq!(md, "hi\n");
/// ```
pub fn push_markdown_with<'a, I: IntoIterator<Item = Event<'a>>>(out: &mut String, events: I, options: &Options) {
    let mut w = MarkdownWriter::new(options);
    for e in events {
        w.push(e, out);
    }
    w.finish(out);
}

/// Writes `events` as CommonMark to any [`io::Write`], with the default options.
///
/// # Errors
///
/// Any error from `out`.
///
/// # Example
///
/// ```
/// use html2cmark::pulldown_cmark::{Event, Tag, TagEnd};
/// let mut md = Vec::new();
/// html2cmark::write_markdown(&mut md, [Event::Start(Tag::Paragraph), Event::Text("hi".into()), Event::End(TagEnd::Paragraph)]).unwrap();
/// assert_eq!(md, b"hi\n");
/// ```
pub fn write_markdown<'a, W: io::Write, I: IntoIterator<Item = Event<'a>>>(out: W, events: I) -> io::Result<()> {
    write_markdown_with(out, events, &Options::DEFAULT)
}

/// Writes `events` as CommonMark to any [`io::Write`] with the given options.
///
/// # Errors
///
/// Any error from `out`.
///
/// # Example
///
/// ```
/// use html2cmark::pulldown_cmark::{Event, Tag, TagEnd};
/// let mut md = Vec::new();
/// html2cmark::write_markdown_with(&mut md, [Event::Rule], &html2cmark::Options::default()).unwrap();
/// assert_eq!(md, b"---\n");
/// ```
pub fn write_markdown_with<'a, W: io::Write, I: IntoIterator<Item = Event<'a>>>(
    mut out: W,
    events: I,
    options: &Options,
) -> io::Result<()> {
    let mut w = MarkdownWriter::new(options);
    let mut buf = String::new();
    for e in events {
        w.push(e, &mut buf);
        if buf.len() >= 16 * 1024 {
            out.write_all(buf.as_bytes())?;
            buf.clear();
        }
    }
    w.finish(&mut buf);
    out.write_all(buf.as_bytes())
}
