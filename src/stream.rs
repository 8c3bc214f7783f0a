//! Streaming conversion: bytes in, Markdown out, in memory bounded by the unfinished part of the tree.
//!
//! After each chunk the [`Pipeline`] applies DESIGN.md's flush rule: from `body` down the rightmost path, the
//! children before the last one are finished (unless the last one is a `table`), and the walk stops at
//! formatting elements. Finished children are converted and detached from the tree; open block containers on
//! the path are *entered* (their Start events go out early) and exited once they are finished.

use std::io::{Read, Write};

use pulldown_cmark::Event;

use crate::decode::Decoder;
use crate::dom::{self, HtmlParser, Node};
use crate::meta::Metadata;
use crate::walk::{CellRoot, Flow, Walker, is_enterable};
use crate::writer::MarkdownWriter;
use crate::{Error, Options, Result};

/// A record of one converted node, for the flush-safety check.
struct Traced {
    node: Node,
    html: String,
    parent: Option<Node>,
}

/// The parser, the flush rule and the walker: HTML text in, events out.
pub(crate) struct Pipeline {
    parser: Option<HtmlParser>,
    document: Node,
    walker: Walker,
    /// The chain of entered (open) containers, from `body` down the rightmost path.
    entered: Vec<Node>,
    /// For each entered node, how many of its first children are converted but still attached (always 0
    /// when converted children are detached).
    done: Vec<usize>,
    /// For each entered node, whether it is skipped (dropped by the element policy, or inside such a node): its
    /// children are discarded unconverted.
    skipped: Vec<bool>,
    detach: bool,
    trace: Option<Vec<Traced>>,
    /// Input characters parsed since the last flush.
    unflushed: usize,
    /// What `head` (scanned when `body` starts) or the whole document (when it has no `body`) states.
    meta: Metadata,
    /// Hold all events until the end, then put front matter first (`Options::front_matter`).
    front_matter: bool,
    /// The input has ended.
    finished: bool,
    /// A U+FEFF at the start of the text is a byte order mark, to drop (until text has come). Off when the
    /// text comes from the [`Decoder`], which has dropped the byte order mark, if any, itself.
    strip_bom: bool,
}

impl Pipeline {
    /// A pipeline; `detach` frees converted nodes (off only for the flush-safety check).
    pub(crate) fn new(options: Options, detach: bool) -> Self {
        // Scripts and styles are parsed (where they end decides the rest) but their text is not kept, unless
        // a handler for them may read it.
        let silent: Vec<&str> = crate::dom::SILENT_RAW_TEXT
            .into_iter()
            .filter(|tag| options.handlers.get(tag).is_none())
            .collect();
        let parser = HtmlParser::new(options.max_depth, &silent);
        let document = parser.document();
        Pipeline {
            parser: Some(parser),
            document,
            walker: Walker::new(options.clone(), CellRoot::Paragraphs),
            entered: Vec::new(),
            done: Vec::new(),
            skipped: Vec::new(),
            detach,
            trace: None,
            unflushed: 0,
            meta: Metadata::default(),
            front_matter: options.front_matter,
            finished: false,
            strip_bom: true,
        }
    }

    /// Parses more text and converts what it finished.
    ///
    /// A flush walks the entered chain, so it runs only once at least as many bytes as the chain is long have
    /// come in since the last one: linear time even for deep documents fed in tiny chunks. When flushes run
    /// changes only when output appears, never what it is.
    ///
    /// A U+FEFF that starts the text is dropped as a byte order mark, unless the text comes from the decoder
    /// (which drops the byte order mark itself); a U+FEFF anywhere else is text, at the start of a piece too.
    pub(crate) fn feed(&mut self, mut text: &str) {
        if self.strip_bom && !text.is_empty() {
            self.strip_bom = false;
            text = text.strip_prefix('\u{feff}').unwrap_or(text);
        }
        if let Some(parser) = self.parser.as_mut() {
            parser.process(text);
        }
        self.unflushed = self.unflushed.saturating_add(text.len());
        if self.unflushed >= self.entered.len() {
            self.unflushed = 0;
            self.flush(false);
        }
    }

    /// Ends the input and converts everything left.
    pub(crate) fn finish(&mut self) {
        if let Some(parser) = self.parser.take() {
            parser.finish();
        }
        self.flush(true);
        self.walker.finish();
        self.finished = true;
    }

    /// Writes the Markdown of the events produced so far to `out`.
    pub(crate) fn write_ready(&mut self, writer: &mut MarkdownWriter, out: &mut String) {
        for event in self.take_events() {
            writer.push(event, out);
        }
    }

    /// The events produced so far. With front matter on, nothing until the input has ended; then the front
    /// matter comes first.
    pub(crate) fn take_events(&mut self) -> Vec<Event<'static>> {
        if !self.front_matter {
            return self.walker.take();
        }
        if !self.finished {
            return Vec::new();
        }
        self.front_matter = false;
        let mut events = self.metadata().events();
        events.extend(self.walker.take());
        events
    }

    /// What the document states about itself: `head` first, then elements in the body.
    pub(crate) fn metadata(&self) -> Metadata {
        let mut meta = self.meta.clone();
        meta.fill_from(&self.walker.meta);
        for source in [&mut meta.source, &mut meta.alt_source].into_iter().flatten() {
            *source = self.walker.resolve(source).into_owned();
        }
        meta
    }

    fn convert(&mut self, node: &Node) {
        if let Some(trace) = self.trace.as_mut() {
            trace.push(Traced {
                node: node.clone(),
                html: node.serialize(),
                parent: node.parent(),
            });
        }
        self.walker.convert(node);
    }

    /// Converts children `from..to` of `parent` and marks them converted.
    fn convert_range(&mut self, level: usize, to: usize) {
        let parent = self.entered[level].clone();
        let from = self.done[level];
        // Children of a skipped node are discarded without being converted.
        let convert = !self.skipped[level];
        if convert && from < to {
            // With detaching, `done` stays 0: converted children leave the tree after this loop.
            let mut next = parent.child(from);
            for _ in from..to {
                let Some(child) = next else { break };
                self.convert(&child);
                next = child.next_sibling();
            }
        }
        self.mark_converted(level, to.saturating_sub(from));
    }

    fn mark_converted(&mut self, level: usize, n: usize) {
        if self.detach {
            self.entered[level].detach_first(n);
        } else {
            self.done[level] += n;
        }
    }

    /// Finishes entered nodes at `from` and deeper: their remaining children, then their exit.
    fn close_entered(&mut self, from: usize) {
        while self.entered.len() > from {
            let level = self.entered.len() - 1;
            let count = self.entered[level].child_count();
            let to = if self.detach { count + self.done[level] } else { count };
            self.convert_range(level, to);
            if let (Some(node), Some(trace)) = (self.entered.last(), self.trace.as_mut()) {
                trace.push(Traced {
                    node: node.clone(),
                    html: node.serialize(),
                    parent: node.parent(),
                });
            }
            if self.skipped.pop() == Some(false) {
                self.walker.exit();
            }
            let node = self.entered.pop();
            self.done.pop();
            // Mark it converted in its parent, unless the tree builder has already taken it out.
            if let (Some(node), Some(parent)) = (node, level.checked_sub(1)) {
                let index = if self.detach { 0 } else { self.done[parent] };
                if self.entered[parent].child(index).is_some_and(|c| c.same(&node)) {
                    self.mark_converted(parent, 1);
                }
            }
        }
    }

    fn enter(&mut self, node: Node) {
        let skipped = self.skipped.last() == Some(&true) || {
            let skip = self.walker.enter(&node) == Flow::Skip;
            if skip {
                self.walker.exit();
            }
            skip
        };
        self.entered.push(node);
        self.done.push(0);
        self.skipped.push(skipped);
    }

    fn flush(&mut self, at_end: bool) {
        if self.entered.is_empty() {
            match dom::find_body(&self.document) {
                Some(body) => {
                    let head = dom::find_head(&self.document);
                    if let Some(head) = &head {
                        self.meta.scan(head);
                    }
                    self.walker.set_base(head.as_ref());
                    self.enter(body)
                }
                None => {
                    if at_end {
                        let document = self.document.clone();
                        self.meta.scan(&document);
                        self.walker.set_base(dom::find_head(&document).as_ref());
                        self.convert(&document);
                    }
                    return;
                }
            }
        }
        if at_end {
            self.close_entered(0);
            return;
        }
        let mut level = 0;
        loop {
            let parent = self.entered[level].clone();
            let Some(last) = parent.last_child() else { break };
            if level + 1 < self.entered.len() {
                if last.same(&self.entered[level + 1]) {
                    level += 1;
                    continue;
                }
                self.close_entered(level + 1);
            }
            // DESIGN.md flush rule: a trailing table can still receive foster-parented content before it.
            if last.is("table") {
                break;
            }
            let count = parent.child_count();
            let to = if self.detach {
                count - 1 + self.done[level]
            } else {
                count - 1
            };
            self.convert_range(level, to);
            // Below an open formatting element nothing is final (the adoption agency may move it).
            if crate::rules::is_formatting(last.tag()) || !is_enterable(&last, self.walker.options()) {
                break;
            }
            self.enter(last);
            level += 1;
        }
    }
}

/// A streaming converter: feed it HTML bytes in chunks of any size, and it writes Markdown to `output` as
/// soon as blocks are finished.
///
/// Input bytes are decoded as the WHATWG HTML standard says: a byte order mark, else
/// [`Options::encoding`], else a `<meta charset>` in the first 1024 bytes, else detection over the first
/// 64 KiB (UTF-8 when they are valid UTF-8; legacy encodings such as GBK, Big5, Shift_JIS or windows-1252
/// otherwise). Invalid sequences become U+FFFD and the text after them is kept. Until the encoding is known
/// (at most 64 KiB in), only the plain-ASCII start of the input is converted. The output is the same however
/// the input is split.
///
/// Nothing in the input makes conversion fail or panic: malformed HTML is parsed as a browser parses it,
/// markup nested deeper than [`Options::max_depth`] is flattened into its deepest kept element with its text
/// kept, and an element keeps at most its first 1,000 attributes (the rest are dropped). The only errors are
/// writing the output and, when set, [`Options::max_input_bytes`].
///
/// After a write error the converter is stopped: the Markdown it could not write is dropped and every later
/// call returns [`Error::Stopped`], so that a retry cannot write the same bytes twice or leave a gap (as
/// lol_html's rewriter does). Start a new converter to try again.
///
/// # Example
///
/// ```
/// let mut c = html2cmark::Converter::new(Vec::new(), html2cmark::Options::default());
/// c.feed(b"<p>Hi</p>")?;
/// let out = c.finish()?;
/// assert_eq!(String::from_utf8(out)?, "Hi\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Converter<W: Write> {
    out: W,
    options: Options,
    pipeline: Pipeline,
    writer: MarkdownWriter,
    decoder: Decoder,
    fed: u64,
    buf: String,
    /// Writing failed once: every later call is refused.
    stopped: bool,
}

impl<W: Write> Converter<W> {
    /// Creates a converter writing to `output`.
    ///
    /// # Example
    ///
    /// ```
    /// let c = html2cmark::Converter::new(std::io::sink(), html2cmark::Options::default());
    /// c.finish()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(output: W, options: Options) -> Self {
        let writer = MarkdownWriter::new(&options);
        let mut pipeline = Pipeline::new(options.clone(), true);
        pipeline.strip_bom = false;
        let decoder = Decoder::new(options.encoding);
        Converter {
            out: output,
            options,
            pipeline,
            writer,
            decoder,
            fed: 0,
            buf: String::new(),
            stopped: false,
        }
    }

    /// Feeds a chunk of input; Markdown for the blocks it finishes is written.
    ///
    /// # Errors
    ///
    /// [`Error::Write`] when writing output fails; [`Error::InputTooLarge`] past
    /// [`Options::max_input_bytes`].
    ///
    /// # Example
    ///
    /// ```
    /// let mut c = html2cmark::Converter::new(Vec::new(), html2cmark::Options::default());
    /// for chunk in [&b"<p>caf"[..], &b"\xC3"[..], &b"\xA9</p>"[..]] {
    ///     c.feed(chunk)?;
    /// }
    /// assert_eq!(c.finish()?, "café\n".as_bytes());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn feed(&mut self, chunk: &[u8]) -> Result<()> {
        self.check_running()?;
        self.fed = self.fed.saturating_add(chunk.len() as u64);
        if let Some(limit) = self.options.max_input_bytes {
            if self.fed > limit {
                return Err(Error::InputTooLarge { limit });
            }
        }
        let mut text = String::new();
        self.decoder.feed(chunk, &mut text);
        self.pipeline.feed(&text);
        self.write_events()
    }

    /// The encoding the input is decoded from, once it is known: from the start of the input (a byte order
    /// mark, a `<meta charset>` or [`Options::encoding`]), else at the latest after 64 KiB or at
    /// [`Converter::finish`].
    ///
    /// # Example
    ///
    /// ```
    /// let mut c = html2cmark::Converter::new(Vec::new(), html2cmark::Options::default());
    /// c.feed(b"<meta charset=big5><p>\xa4\xa4\xa4\xe5</p>")?;
    /// assert_eq!(c.encoding(), Some(html2cmark::encoding_rs::BIG5));
    /// assert_eq!(c.finish()?, "中文\n".as_bytes());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn encoding(&self) -> Option<&'static encoding_rs::Encoding> {
        self.decoder.encoding()
    }

    /// The encoding a `<meta charset>` declared when it was not used: the bytes are valid UTF-8 with non-ASCII
    /// content (a page saved as UTF-8 that kept an old `gb2312` or `iso-8859-1` declaration), so they are decoded
    /// as UTF-8. Known when [`Converter::encoding`] is; call [`Converter::end_input`] to ask at the end.
    ///
    /// A byte order mark and [`Options::encoding`] are always obeyed, so this is `None` with them.
    ///
    /// # Example
    ///
    /// ```
    /// let mut c = html2cmark::Converter::new(Vec::new(), html2cmark::Options::default());
    /// c.feed("<meta charset=gb2312><p>你好，世界。</p>".as_bytes())?;
    /// c.end_input()?;
    /// assert_eq!(c.overridden_charset(), Some(html2cmark::encoding_rs::GBK));
    /// assert_eq!(c.finish()?, "你好，世界。\n".as_bytes());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn overridden_charset(&self) -> Option<&'static encoding_rs::Encoding> {
        self.decoder.overridden()
    }

    /// Ends the input without ending the output: the encoding is decided and all the text is parsed, so
    /// [`Converter::encoding`] and [`Converter::overridden_charset`] are known. Input fed afterwards is ignored;
    /// [`Converter::finish`] writes the rest.
    ///
    /// # Errors
    ///
    /// [`Error::Write`] when writing output fails.
    pub fn end_input(&mut self) -> Result<()> {
        self.check_running()?;
        let mut text = String::new();
        self.decoder.finish(&mut text);
        self.pipeline.feed(&text);
        self.write_events()
    }

    /// Ends the input, writes the rest of the Markdown and returns the output.
    ///
    /// # Errors
    ///
    /// [`Error::Write`] when writing output fails.
    ///
    /// # Example
    ///
    /// ```
    /// let mut c = html2cmark::Converter::new(Vec::new(), html2cmark::Options::default());
    /// c.feed(b"<h1>Title")?;
    /// let md = String::from_utf8(c.finish()?)?;
    /// assert!(md.contains("Title"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn finish(mut self) -> Result<W> {
        self.check_running()?;
        let mut text = String::new();
        self.decoder.finish(&mut text);
        self.pipeline.feed(&text);
        self.pipeline.finish();
        self.write_events()?;
        self.writer.finish(&mut self.buf);
        self.write_buffer()?;
        Ok(self.out)
    }

    fn check_running(&self) -> Result<()> {
        if self.stopped { Err(Error::Stopped) } else { Ok(()) }
    }

    fn write_events(&mut self) -> Result<()> {
        self.pipeline.write_ready(&mut self.writer, &mut self.buf);
        self.write_buffer()
    }

    /// Writes the buffered Markdown; on failure the converter stops (see [`Error::Stopped`]).
    fn write_buffer(&mut self) -> Result<()> {
        if !self.buf.is_empty() {
            let written = self.out.write_all(self.buf.as_bytes());
            self.buf.clear();
            if let Err(e) = written {
                self.stopped = true;
                return Err(Error::Write(e));
            }
        }
        Ok(())
    }
}

/// Converts everything `input` yields, writing Markdown to `output` as it goes.
///
/// # Errors
///
/// [`Error::Read`] or [`Error::Write`], or [`Error::InputTooLarge`] past [`Options::max_input_bytes`].
///
/// # Example
///
/// ```
/// let mut out = Vec::new();
/// html2cmark::convert_reader(&b"<p>Hi</p>"[..], &mut out, &html2cmark::Options::default())?;
/// assert_eq!(out, b"Hi\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn convert_reader<R: Read, W: Write>(mut input: R, output: W, options: &Options) -> Result<()> {
    let mut c = Converter::new(output, options.clone());
    // Small first: most pages are a few KB, and a zeroed 64 KiB buffer per file costs a batch of them more
    // than their decoding does. A read that fills the buffer grows it.
    let mut buf = vec![0; READ_FIRST];
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::Read(e)),
        };
        c.feed(&buf[..n])?;
        if n == buf.len() && buf.len() < READ_MOST {
            buf.resize(READ_MOST, 0);
        }
    }
    c.finish().map(drop)
}

/// The first read of [`convert_reader`], and the reads once one has filled its buffer.
const READ_FIRST: usize = 8 * 1024;
const READ_MOST: usize = 64 * 1024;

/// The events for `html` (front matter included when the options ask for it) and what the document states
/// about itself.
pub(crate) fn events_and_meta(html: &str, options: &Options) -> (Vec<Event<'static>>, Metadata) {
    let mut pipe = Pipeline::new(options.clone(), true);
    pipe.feed(html);
    pipe.finish();
    let events = pipe.take_events();
    (events, pipe.metadata())
}

pub(crate) fn convert_str(html: &str, options: &Options) -> String {
    // Markdown is usually a fraction of its HTML: one allocation instead of a dozen doublings, each a copy.
    let mut out = String::with_capacity(html.len() / 4);
    let mut pipe = Pipeline::new(options.clone(), true);
    let mut writer = MarkdownWriter::new(options);
    // Fed in pieces like a stream, so that finished nodes are converted and freed while they are still in the
    // cache, and the whole tree and the whole event list never exist at once.
    let mut rest = html;
    while !rest.is_empty() {
        let mut cut = rest.len().min(ONE_SHOT_PIECE);
        while !rest.is_char_boundary(cut) {
            cut += 1;
        }
        pipe.feed(&rest[..cut]);
        pipe.write_ready(&mut writer, &mut out);
        rest = &rest[cut..];
    }
    pipe.finish();
    pipe.write_ready(&mut writer, &mut out);
    writer.finish(&mut out);
    out
}

/// How much of a string [`convert_str`] parses before converting what is finished.
const ONE_SHOT_PIECE: usize = 64 * 1024;

/// Test hook for the flush rule (not a stable API): parses `input` in chunks of `chunk` bytes, records each
/// node at the moment the streaming converter converts it, and checks after the end of input that none of
/// them changed (same serialization, same parent). Returns how many nodes were checked, or a description of
/// the first node that changed.
///
/// # Example
///
/// ```
/// let checked = html2cmark::check_flush_rule(b"<p>a</p><p>b</p><div>c<b>d</div>", 3)?;
/// assert!(checked > 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[doc(hidden)]
pub fn check_flush_rule(input: &[u8], chunk: usize) -> std::result::Result<usize, String> {
    let mut pipeline = Pipeline::new(Options::DEFAULT, false);
    pipeline.trace = Some(Vec::new());
    pipeline.strip_bom = false;
    let mut decoder = Decoder::new(None);
    for piece in input.chunks(chunk.max(1)) {
        let mut text = String::new();
        decoder.feed(piece, &mut text);
        pipeline.feed(&text);
    }
    let mut text = String::new();
    decoder.finish(&mut text);
    pipeline.feed(&text);
    // Stop recording before the end of input: at the end everything is final by definition.
    let traced = pipeline.trace.take().unwrap_or_default();
    pipeline.finish();
    for t in &traced {
        let now = t.node.serialize();
        if now != t.html {
            return Err(format!(
                "node changed after it was flushed:\n  then: {:?}\n  now:  {:?}",
                t.html, now
            ));
        }
        let same_parent = match (&t.parent, t.node.parent()) {
            (Some(a), Some(b)) => a.same(&b),
            (None, None) => true,
            _ => false,
        };
        if !same_parent {
            return Err(format!("node moved after it was flushed: {:?}", t.html));
        }
    }
    Ok(traced.len())
}
