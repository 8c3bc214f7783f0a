//! DOM to events: a state machine fed element entries, exits and text in document order.
//!
//! The machine never looks ahead except into subtrees it converts whole (tables, code, images) and into the
//! first [`rules::LIST_LOOKAHEAD`] children of a list, so the streaming driver can enter open containers
//! early and feed finished children one by one: the events come out the same however the input was chunked.
//!
//! Inline formatting opens lazily: entering `<b>` pushes a frame, and `Start(Strong)` is emitted only when
//! visible content arrives inside it, after any pending space or break. So empty wrappers vanish, spaces move
//! outside emphasis and links, and formatting still active after a block boundary re-opens in the next
//! paragraph.
//!
//! Decisions worth knowing:
//! - Lists: loose or tight is decided by [`rules::list_plan`] from the first 16 element children. In a tight
//!   item, two inline runs separated by a block boundary are joined with a hard break; an ordered list not
//!   starting at 1 that follows text in a tight item starts at 1 (past the look-ahead; within it, the list is
//!   made loose instead). Known limit: text after a nested list, quote or code block in a tight item past the
//!   look-ahead cannot be written tightly and will read back as a lazy continuation of that block.
//! - `Options::unsupported` applies to `sub`, `sup`, `u`, `ins`, `mark`, `small` and `big`; `details` and
//!   `summary` always keep their content (summary as a strong paragraph). With the default (`KeepContent`),
//!   `sub` and `sup` keep their meaning (`Walker::script`): footnote references become links labelled `[n]`,
//!   text with Unicode super/subscript forms becomes them, and anything else stays `<sup>`/`<sub>` raw HTML.
//! - A table holding another table is kept as paragraphs (one per non-empty cell); an inner table that
//!   holds no table is still written as a table (up to 8 such levels deep; deeper, every table is kept as
//!   paragraphs, so that deeply nested tables cost linear time).
//! - Block quotes and lists nested deeper than `Options::max_depth` become plain block boundaries.
//! - The element policy comes before the rules for each element (`Walker::policy`): `Options::drop` and the
//!   page-chrome preset skip it (a block still ends the paragraph), then its handler decides; elements kept as
//!   HTML (`Options::keep_html`) are inline HTML frames, or HTML blocks around their content where a block can
//!   go (not in a heading, a cell or directly in a list item). Events a handler returns are replayed through
//!   this machine (`walk/replay.rs`), so they get the same guarantees as the page's own content; the known
//!   limit above (text after a nested list, quote or table in a tight item) applies to them too.

use std::mem;
use std::rc::Rc;
use std::sync::Arc;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Tag, TagEnd};

use crate::dom::{Kind, Node};
use crate::handler::{Action, Element, Handler};
use crate::meta::Metadata;
use crate::policy;
use crate::rules::{self, LinkPlan};
use crate::url::{Resolver, UrlKind};
use crate::{Options, Unsupported};

mod replay;

/// The events for a document, in order. Returned by [`events`](crate::events).
///
/// # Example
///
/// ```
/// use html2cmark::pulldown_cmark::Event;
/// let events = html2cmark::events("<hr>", &html2cmark::Options::default());
/// assert_eq!(events.collect::<Vec<_>>(), vec![Event::Rule]);
/// ```
pub struct Events {
    inner: std::vec::IntoIter<Event<'static>>,
}

impl Iterator for Events {
    type Item = Event<'static>;
    fn next(&mut self) -> Option<Self::Item> {
        self.inner.next()
    }
}

pub(crate) fn events(html: &str, options: &Options) -> Events {
    let mut pipe = crate::stream::Pipeline::new(options.clone(), true);
    pipe.feed(html);
    pipe.finish();
    Events {
        inner: pipe.take_events().into_iter(),
    }
}

/// What a walker's root holds.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum CellRoot {
    /// A document: inline runs become paragraphs.
    Paragraphs,
    /// A table cell: inline only.
    Cell,
}

/// Whether the walk goes into an element's children.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Flow {
    Descend,
    Skip,
}

/// Where inline runs go.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Ctx {
    /// Runs are paragraphs (document, block quote, loose item).
    Para,
    /// Runs are bare inline content; a second run is joined with a hard break (tight item).
    Tight,
    /// Inside a heading: block boundaries are spaces.
    Heading,
    /// Inside a table cell: block boundaries are `<br>`.
    Cell,
}

#[derive(Clone, Debug, PartialEq)]
enum Inline {
    Strong,
    Emph,
    Strike,
    Link(String, String),
    Html(String),
}

impl Inline {
    fn bit(&self) -> u8 {
        match self {
            Inline::Strong => 1,
            Inline::Emph => 2,
            Inline::Strike => 4,
            Inline::Link(..) => 8,
            Inline::Html(_) => 0,
        }
    }
    fn start(&self) -> Event<'static> {
        match self {
            Inline::Strong => Event::Start(Tag::Strong),
            Inline::Emph => Event::Start(Tag::Emphasis),
            Inline::Strike => Event::Start(Tag::Strikethrough),
            Inline::Link(d, t) => Event::Start(rules::link_tag(d.clone(), t.clone(), false)),
            Inline::Html(tag) => Event::InlineHtml(format!("<{tag}>").into()),
        }
    }
    fn end(&self) -> Event<'static> {
        match self {
            Inline::Strong => Event::End(TagEnd::Strong),
            Inline::Emph => Event::End(TagEnd::Emphasis),
            Inline::Strike => Event::End(TagEnd::Strikethrough),
            Inline::Link(..) => Event::End(TagEnd::Link),
            Inline::Html(tag) => Event::InlineHtml(format!("</{tag}>").into()),
        }
    }
}

#[derive(Clone, Debug)]
enum FrameKind {
    Root,
    /// A block boundary on entry and exit, no Markdown of its own.
    Div,
    Quote,
    List {
        ordered: bool,
        tight: bool,
        /// An item has started in it (a list must not end empty: Markdown cannot write one).
        items: bool,
        start: Option<u64>,
    },
    /// A list item; implicit items (non-`li` content of a list) open lazily.
    Item,
    Heading(HeadingLevel),
    Inline(Inline),
    /// `q`: quotation marks around the content.
    Q,
    /// An element kept as raw HTML blocks around its content ([`Options::keep_html`]).
    HtmlBlock(String),
    /// Content only.
    Transparent,
}

#[derive(Clone, Debug)]
struct Frame {
    kind: FrameKind,
    /// For lazy frames (implicit items, headings, inline formatting): whether Start was emitted.
    opened: bool,
    /// The context inline runs have inside this frame.
    ctx: Ctx,
    /// Bits of the inline formatting active here (to collapse nesting and never nest links).
    active: u8,
    /// Block quotes and lists around (and including) this frame, for `max_depth`.
    depth: usize,
    /// Raw-HTML inline frames around (and including) this frame.
    html_depth: usize,
    /// Tables kept as paragraphs around this frame (past a few, inner tables are not even examined, so that
    /// nested tables cost linear time).
    table_depth: usize,
    /// Directly inside a list item (no block quote, list or heading in between).
    in_item: bool,
}

/// The run of inline content being built.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Run {
    Paragraph,
    Bare,
}

/// How many walkers deep handlers may still be called for content their handler asked for.
const MAX_NESTING: usize = 32;

/// How many tables-kept-as-paragraphs deep an inner table is still examined for being a GFM table.
const MAX_TABLE_SCANS: usize = 8;

/// The walker state machine.
pub(crate) struct Walker {
    options: Rc<Options>,
    /// Resolves relative URLs, when [`Options::base_url`] is set.
    resolver: Option<Rc<Resolver>>,
    /// Elements whose handler runs again when they are left: the length of `marks` with their entry in it.
    handled: Vec<(usize, Node, Arc<dyn Handler>)>,
    /// How many walkers this one is nested in (table cells, handler content).
    nesting: usize,
    /// Inline HTML tags from handlers that wait for visible content (a tag alone on a paragraph's first line
    /// would read back as an HTML block).
    pending_html: Vec<String>,
    frames: Vec<Frame>,
    /// Frame-stack length before each entered element, so exit pops what entry pushed.
    marks: Vec<usize>,
    /// Indices of frames that open lazily (implicit items, headings, inline formatting).
    lazy: Vec<usize>,
    out: Vec<Event<'static>>,
    text: String,
    run: Option<Run>,
    space: bool,
    breaks: usize,
    /// The pending break in a cell comes from a block boundary only.
    boundary_break: bool,
    /// A tight item's run ended at a block boundary: the next run in the item starts with a hard break.
    join: bool,
    /// Nothing has been emitted since `Start(Item)`.
    item_fresh: bool,
    task: Option<bool>,
    /// Formatting just closed, whose End is held back: if the same formatting opens again right away
    /// (`<b>a</b><b>b</b>`), the two merge into one.
    /// Each with the length of `text` when it was held back (text before that position precedes the End).
    deferred: Vec<(Inline, usize)>,
    /// Counts visible content and run ends: two links are adjacent when it has not moved between them.
    seq: u64,
    /// The destination of the last link closed, and `seq` when it closed.
    last_link: Option<(String, u64)>,
    /// A link entered right after a link to the same destination closed (nothing visible between them): if its
    /// content opens it, a space goes before it, so the two do not merge into one link whose texts run together
    /// (`[Read](/a) [more](/a)`, not `[Readmore](/a)`). Such pairs are parts of one card (image and title, title
    /// and "read more") that the page lays out apart. Adjacent links to different targets stay as the page
    /// has them.
    link_gap: bool,
    /// What the elements walked so far state about the document (`time`, `meta`, `link` in the body).
    pub(crate) meta: Metadata,
}

impl Walker {
    pub(crate) fn new(options: Options, root: CellRoot) -> Self {
        Walker::with_shared(Rc::new(options), None, root, 0)
    }

    /// A walker for part of this one's document (a table cell, a caption, a handler's content): same options,
    /// same base URL.
    pub(crate) fn nested(&self, root: CellRoot) -> Self {
        Walker::with_shared(Rc::clone(&self.options), self.resolver.clone(), root, self.nesting + 1)
    }

    /// A walker for an element's content asked for by its handler ([`Element::content`]). Handlers that ask for
    /// content inside content recurse, so past [`MAX_NESTING`] walkers the content is converted without
    /// handlers: the stack stays bounded whatever the nesting of handled elements.
    pub(crate) fn nested_for_content(&self) -> Self {
        if self.nesting < MAX_NESTING {
            return self.nested(CellRoot::Paragraphs);
        }
        let mut options = (*self.options).clone();
        options.handlers = crate::Handlers::new();
        Walker::with_shared(
            Rc::new(options),
            self.resolver.clone(),
            CellRoot::Paragraphs,
            self.nesting + 1,
        )
    }

    /// The options this walker converts with.
    pub(crate) fn options(&self) -> &Options {
        &self.options
    }

    /// Sets the base URL from [`Options::base_url`] and the `<base href>` in `head`, if any. Called before
    /// any of the body is walked (the head has ended by then).
    pub(crate) fn set_base(&mut self, head: Option<&Node>) {
        if let Some(document) = &self.options.base_url {
            let href = head.and_then(policy::base_href);
            self.resolver = Some(Rc::new(Resolver::new(document, href.as_deref())));
        }
    }

    /// A link's `href` resolved against the base URL, or `None` when the URL policy refuses it as written
    /// (resolution must not turn `&#106;avascript:` into a harmless-looking path). Without a base URL the
    /// `href` is returned as it is, for [`rules::link_plan`] to check.
    fn resolve_link(&self, href: &str) -> Option<String> {
        if self.resolver.is_some() && rules::safe_url(href, UrlKind::Link, &self.options).is_none() {
            return None;
        }
        Some(self.resolve(href).into_owned())
    }

    /// Whether an HTML block can go here: in a block context, not directly in a list item (the writer cannot
    /// tell there that the block after it needs a blank line before it).
    fn can_hold_html_block(&self) -> bool {
        self.ctx() == Ctx::Para && !self.top().in_item
    }

    /// `href` resolved against the base URL (unchanged without one).
    pub(crate) fn resolve<'a>(&self, href: &'a str) -> std::borrow::Cow<'a, str> {
        match &self.resolver {
            Some(r) => r.resolve(href),
            None => std::borrow::Cow::Borrowed(href),
        }
    }

    fn with_shared(options: Rc<Options>, resolver: Option<Rc<Resolver>>, root: CellRoot, nesting: usize) -> Self {
        let ctx = if root == CellRoot::Cell { Ctx::Cell } else { Ctx::Para };
        let frame = Frame {
            kind: FrameKind::Root,
            opened: true,
            ctx,
            active: 0,
            depth: 0,
            html_depth: 0,
            table_depth: 0,
            in_item: false,
        };
        Walker {
            options,
            resolver,
            nesting,
            handled: Vec::new(),
            pending_html: Vec::new(),
            frames: vec![frame],
            marks: Vec::new(),
            lazy: Vec::new(),
            out: Vec::new(),
            text: String::new(),
            run: None,
            space: false,
            breaks: 0,
            boundary_break: false,
            join: false,
            item_fresh: false,
            task: None,
            deferred: Vec::new(),
            seq: 0,
            last_link: None,
            link_gap: false,
            meta: Metadata::default(),
        }
    }

    /// Takes the events produced so far.
    pub(crate) fn take(&mut self) -> Vec<Event<'static>> {
        // Held-back Ends with no text after them may still merge: keep them (and the text before them), so
        // that the events do not depend on when they were taken.
        if self.deferred.last().is_none_or(|&(_, at)| self.text.len() > at) {
            self.flush_text();
        }
        mem::take(&mut self.out)
    }

    fn top(&self) -> &Frame {
        self.frames.last().expect("root frame") // ok: the root frame is never popped (exit keeps >= 1 frame).
    }

    fn ctx(&self) -> Ctx {
        self.top().ctx
    }

    // ---- output helpers ----

    /// Pushes pending text and held-back Ends, in document order.
    fn flush_text(&mut self) {
        if !self.deferred.is_empty() {
            let text = mem::take(&mut self.text);
            let mut from = 0;
            for (inline, at) in mem::take(&mut self.deferred) {
                let at = at.clamp(from, text.len());
                self.text.push_str(&text[from..at]);
                self.push_pending_text();
                self.out.push(inline.end());
                from = at;
            }
            self.text.push_str(&text[from..]);
        }
        self.push_pending_text();
    }

    fn push_pending_text(&mut self) {
        if !self.text.is_empty() {
            let text = mem::take(&mut self.text);
            match self.out.last_mut() {
                // Never two Text events in a row.
                Some(Event::Text(prev)) => *prev = CowStr::from(format!("{prev}{text}")),
                _ => self.out.push(Event::Text(CowStr::from(text))),
            }
        }
    }

    fn emit(&mut self, event: Event<'static>) {
        self.flush_text();
        self.item_fresh = false;
        self.out.push(event);
    }

    /// Emits a block-level event: the current run ends first, lazy containers open.
    fn block(&mut self, event: Event<'static>) {
        self.end_run();
        self.open_lazy_blocks();
        self.emit(event);
        self.join = false;
        self.task = None;
    }

    fn open_lazy_blocks(&mut self) {
        for k in 0..self.lazy.len() {
            let i = self.lazy[k];
            if self.frames[i].opened {
                continue;
            }
            let event = match &self.frames[i].kind {
                FrameKind::Item => Event::Start(Tag::Item),
                FrameKind::List { start, .. } => Event::Start(Tag::List(*start)),
                FrameKind::Heading(level) => Event::Start(Tag::Heading {
                    level: *level,
                    id: None,
                    classes: vec![],
                    attrs: vec![],
                }),
                _ => continue,
            };
            self.frames[i].opened = true;
            self.emit(event);
            self.join = false;
            if matches!(self.frames[i].kind, FrameKind::Item) {
                self.item_fresh = true;
                self.note_item(i);
            }
        }
    }

    /// Ends the current inline run: open formatting is closed (and re-opens lazily later), a paragraph ends.
    fn end_run(&mut self) {
        self.seq += 1;
        self.pending_html.clear();
        self.space = false;
        self.breaks = 0;
        self.boundary_break = false;
        let Some(run) = self.run.take() else { return };
        self.flush_text();
        for k in (0..self.lazy.len()).rev() {
            let i = self.lazy[k];
            if let FrameKind::Inline(inline) = &self.frames[i].kind {
                if self.frames[i].opened {
                    let end = inline.end();
                    self.frames[i].opened = false;
                    self.emit(end);
                }
            }
        }
        match run {
            Run::Paragraph => self.emit(Event::End(TagEnd::Paragraph)),
            Run::Bare => self.join = true,
        }
    }

    /// A block boundary in the current context.
    fn boundary(&mut self) {
        match self.ctx() {
            Ctx::Para | Ctx::Tight => self.end_run(),
            Ctx::Heading => self.soft_space(),
            Ctx::Cell => {
                if self.run.is_some() {
                    if self.breaks == 0 {
                        self.breaks = 1;
                        self.boundary_break = true;
                    }
                    self.space = false;
                }
            }
        }
    }

    fn soft_space(&mut self) {
        if self.run.is_some() && self.breaks == 0 {
            self.space = true;
        }
    }

    fn line_break(&mut self) {
        match self.ctx() {
            Ctx::Heading => self.soft_space(),
            _ => {
                if self.run.is_some() {
                    // A `<br>` right after a block boundary in a cell is the same line break, not a second one.
                    if self.boundary_break {
                        self.boundary_break = false;
                    } else {
                        self.breaks += 1;
                    }
                    self.space = false;
                }
            }
        }
    }

    /// Visible content is about to be emitted: open what is lazy, place pending spaces and breaks.
    fn content(&mut self) {
        self.seq += 1;
        self.open_lazy_blocks();
        let ctx = self.ctx();
        if self.run.is_some() && self.breaks >= 2 && matches!(ctx, Ctx::Para | Ctx::Tight) {
            self.end_run();
        }
        if mem::take(&mut self.link_gap) && self.run.is_some() && self.breaks == 0 && self.opens_link() {
            self.space = true;
        }
        let mut merge = self.run.is_some()
            && self.breaks == 0
            && !self.space
            && self.deferred.last().is_some_and(|&(_, at)| self.text.len() == at);
        if self.run.is_none() {
            let run = if ctx == Ctx::Para { Run::Paragraph } else { Run::Bare };
            if run == Run::Paragraph {
                self.emit(Event::Start(Tag::Paragraph));
            } else if ctx == Ctx::Tight && self.join {
                self.emit(Event::HardBreak);
            }
            self.join = false;
            self.run = Some(run);
            // A task marker starts the item's own text: not a heading's, a quote's or a nested list's there.
            if let Some(checked) = self.task.take()
                && self.in_item_text()
            {
                self.emit(Event::TaskListMarker(checked));
            }
        } else if self.breaks > 0 {
            match ctx {
                Ctx::Cell => {
                    for _ in 0..self.breaks {
                        self.emit(Event::InlineHtml("<br>".into()));
                    }
                }
                _ => self.emit(Event::HardBreak),
            }
        } else if self.space {
            self.text.push(' ');
        }
        self.space = false;
        self.breaks = 0;
        self.boundary_break = false;
        for k in 0..self.lazy.len() {
            let i = self.lazy[k];
            if self.frames[i].opened {
                continue;
            }
            if let FrameKind::Inline(inline) = &self.frames[i].kind {
                let same = merge && self.deferred.last().map(|(d, _)| d) == Some(inline);
                let start = inline.start();
                self.frames[i].opened = true;
                if same {
                    self.deferred.pop();
                    continue;
                }
                merge = false;
                self.emit(start);
            }
        }
        for html in mem::take(&mut self.pending_html) {
            self.emit(Event::InlineHtml(html.into()));
        }
        self.item_fresh = false;
    }

    /// Whether a link frame opens with the next content.
    fn opens_link(&self) -> bool {
        self.lazy
            .iter()
            .any(|&i| !self.frames[i].opened && matches!(self.frames[i].kind, FrameKind::Inline(Inline::Link(..))))
    }

    /// Visible text in normal flow: whitespace collapses.
    pub(crate) fn text(&mut self, s: &str) {
        if rules::is_blank(s) {
            // Only white space, HTML's or Unicode's (`&nbsp;` as a spacer): a space between words, never
            // content of its own, so a block or cell holding nothing else is not written.
            if !matches!(self.top().kind, FrameKind::List { .. }) {
                self.soft_space();
            }
            return;
        }
        if matches!(self.top().kind, FrameKind::List { .. }) {
            self.marks.push(self.frames.len());
            self.push_implicit_item();
            self.flow_text(s);
            self.exit();
        } else {
            self.flow_text(s);
        }
    }

    fn flow_text(&mut self, s: &str) {
        let bytes = s.as_bytes();
        // HTML spaces are ASCII, so byte positions found here are character boundaries.
        let first = bytes.iter().position(|&b| !is_space_byte(b)).unwrap_or(bytes.len());
        if first > 0 {
            self.soft_space();
        }
        if first == bytes.len() {
            return;
        }
        // After the first word, everything lazy is open and no break is pending, so each later whitespace run
        // only becomes the single space it collapses to. Stretches whose runs are already single spaces are
        // copied whole.
        self.content();
        // Collapsing only shortens: one reservation instead of a doubling per few words.
        self.text.reserve(bytes.len() - first);
        let mut copied = first;
        let mut i = first;
        while let Some(k) = next_space(&bytes[i..]) {
            let run = i + k;
            let end = bytes[run..]
                .iter()
                .position(|&b| !is_space_byte(b))
                .map_or(bytes.len(), |n| run + n);
            if end == bytes.len() {
                self.text.push_str(&s[copied..run]);
                self.soft_space();
                return;
            }
            if end > run + 1 || bytes[run] != b' ' {
                self.text.push_str(&s[copied..run]);
                self.text.push(' ');
                copied = end;
            }
            i = end;
        }
        self.text.push_str(&s[copied..]);
    }

    fn literal(&mut self, s: &str) {
        if !s.is_empty() {
            self.content();
            self.text.push_str(s);
        }
    }

    // ---- frames ----

    fn push(&mut self, kind: FrameKind, opened: bool) {
        let parent = self.top();
        let mut frame = Frame {
            kind: FrameKind::Transparent,
            opened,
            ctx: parent.ctx,
            active: parent.active,
            depth: parent.depth,
            html_depth: parent.html_depth,
            table_depth: parent.table_depth,
            in_item: parent.in_item,
        };
        match &kind {
            FrameKind::Quote => {
                frame.ctx = Ctx::Para;
                frame.depth += 1;
                frame.in_item = false;
            }
            FrameKind::List { .. } => {
                frame.depth += 1;
                frame.in_item = false;
            }
            FrameKind::Item => {
                frame.in_item = true;
                let tight = self.frames.iter().rev().find_map(|f| match f.kind {
                    FrameKind::List { tight, .. } => Some(tight),
                    _ => None,
                });
                frame.ctx = if tight == Some(true) { Ctx::Tight } else { Ctx::Para };
            }
            FrameKind::Heading(_) => {
                frame.ctx = Ctx::Heading;
                frame.in_item = false;
            }
            FrameKind::Inline(inline) => {
                frame.active |= inline.bit();
                if matches!(inline, Inline::Html(_)) {
                    frame.html_depth += 1;
                }
            }
            _ => {}
        }
        frame.kind = kind;
        let lazy = matches!(frame.kind, FrameKind::Inline(_) | FrameKind::Heading(_))
            || (matches!(frame.kind, FrameKind::Item | FrameKind::List { .. }) && !opened);
        if lazy {
            self.lazy.push(self.frames.len());
        }
        self.frames.push(frame);
    }

    /// Starts a list item in the list on top.
    fn start_item(&mut self) {
        self.block(Event::Start(Tag::Item));
        self.item_fresh = true;
        self.push(FrameKind::Item, true);
        self.note_item(self.frames.len() - 1);
    }

    /// Records in the list around item frame `item` that an item has started in it.
    fn note_item(&mut self, item: usize) {
        if let Some(Frame {
            kind: FrameKind::List { items, .. },
            ..
        }) = item.checked_sub(1).and_then(|i| self.frames.get_mut(i))
        {
            *items = true;
        }
    }

    /// Writes one line of raw HTML as an HTML block of its own.
    fn html_block(&mut self, line: String) {
        self.block(Event::Start(Tag::HtmlBlock));
        self.emit(Event::Html(format!("{line}\n").into()));
        self.emit(Event::End(TagEnd::HtmlBlock));
        self.join = false;
    }

    fn push_implicit_item(&mut self) {
        self.end_run();
        self.push(FrameKind::Item, false);
    }

    fn push_inline(&mut self, inline: Inline) {
        let top = self.top();
        let duplicate = inline.bit() != 0 && top.active & inline.bit() != 0;
        let too_deep = matches!(inline, Inline::Html(_)) && top.html_depth >= self.options.max_depth;
        if duplicate || too_deep {
            self.push(FrameKind::Transparent, true);
        } else {
            self.push(FrameKind::Inline(inline), false);
        }
    }

    fn pop(&mut self) {
        let Some(frame) = self.frames.pop() else { return };
        if self.lazy.last() == Some(&self.frames.len()) {
            self.lazy.pop();
        }
        match frame.kind {
            FrameKind::Root | FrameKind::Transparent => {}
            FrameKind::Div => self.boundary(),
            FrameKind::Q => self.literal("\""),
            FrameKind::Inline(inline) => {
                if frame.opened {
                    if let Inline::Link(dest, _) = &inline {
                        self.last_link = Some((dest.clone(), self.seq));
                    }
                    let at = self.text.len();
                    self.deferred.push((inline, at));
                }
            }
            FrameKind::Quote => {
                self.end_run();
                self.emit(Event::End(TagEnd::BlockQuote(None)));
                self.join = false;
            }
            FrameKind::List { ordered, items, .. } => {
                self.end_run();
                if frame.opened {
                    if !items {
                        // Every item was skipped (by a handler): an empty item keeps the list writable.
                        self.emit(Event::Start(Tag::Item));
                        self.emit(Event::End(TagEnd::Item));
                    }
                    self.emit(Event::End(TagEnd::List(ordered)));
                    self.join = false;
                }
            }
            FrameKind::HtmlBlock(tag) => {
                self.end_run();
                self.html_block(format!("</{tag}>"));
            }
            FrameKind::Item => {
                self.end_run();
                self.task = None;
                // An item or heading that never opened leaves the text before it unended.
                if frame.opened {
                    self.emit(Event::End(TagEnd::Item));
                    self.join = false;
                }
            }
            FrameKind::Heading(level) => {
                self.end_run();
                if frame.opened {
                    self.emit(Event::End(TagEnd::Heading(level)));
                    self.join = false;
                }
            }
        }
    }

    /// Leaves the element entered last.
    pub(crate) fn exit(&mut self) {
        if self.handled.last().is_some_and(|(at, ..)| *at == self.marks.len()) {
            if let Some((_, node, handler)) = self.handled.pop() {
                let events = handler.leave(&Element::new(&node, self));
                self.replay(events, false);
            }
        }
        let mark = self.marks.pop().unwrap_or(1).max(1);
        while self.frames.len() > mark {
            self.pop();
        }
    }

    /// Ends the document: closes everything still open.
    pub(crate) fn finish(&mut self) {
        while !self.marks.is_empty() {
            self.exit();
        }
        self.end_run();
        self.flush_text();
    }

    // ---- elements ----

    /// Enters an element (or the document); the caller then feeds its children (if `Descend`) and calls
    /// [`exit`](Self::exit) in both cases.
    pub(crate) fn enter(&mut self, node: &Node) -> Flow {
        self.marks.push(self.frames.len());
        if node.kind() != Kind::Element {
            return Flow::Descend;
        }
        let tag = node.tag();
        if matches!(tag, "time" | "meta" | "link") {
            self.meta.observe(node);
        }
        if self.options.has_policy() {
            if let Some(flow) = self.policy(node) {
                return flow;
            }
        }
        let in_list = matches!(self.top().kind, FrameKind::List { .. });
        if in_list && tag != "li" {
            self.push_implicit_item();
        }
        let inline_only = matches!(self.ctx(), Ctx::Heading | Ctx::Cell);
        if policy::is_kept_html(node, &self.options) {
            if !policy::is_html_block_tag(tag) {
                return self.inline(Inline::Html(tag.to_string()));
            }
            if self.can_hold_html_block() {
                self.html_block(format!("<{tag}>"));
                self.push(FrameKind::HtmlBlock(tag.to_string()), true);
                return Flow::Descend;
            }
        }
        match tag {
            "head" | "script" | "style" | "template" | "noscript" | "noframes" | "noembed" | "title" | "select"
            | "textarea" | "option" | "optgroup" | "datalist" | "meta" | "link" | "base" | "param" | "source"
            | "track" | "area" | "map" | "canvas" | "frame" | "wbr" => Flow::Skip,
            "svg" => {
                let title = rules::collapse(&rules::svg_title(node));
                self.flow_text(&title);
                Flow::Skip
            }
            "br" => {
                self.line_break();
                Flow::Skip
            }
            "hr" => {
                if inline_only {
                    self.boundary();
                } else {
                    self.block(Event::Rule);
                }
                Flow::Skip
            }
            "img" => {
                self.img(node);
                Flow::Skip
            }
            "input" => {
                self.input(node);
                Flow::Skip
            }
            "iframe" | "video" | "audio" | "embed" | "object" => {
                self.media(node);
                Flow::Skip
            }
            "pre" | "listing" | "xmp" | "plaintext" if !inline_only => {
                self.code_block(node);
                Flow::Skip
            }
            "code" | "kbd" | "samp" | "tt" | "pre" | "listing" | "xmp" | "plaintext" => {
                self.code(node);
                Flow::Skip
            }
            "table" if !inline_only && self.top().table_depth >= MAX_TABLE_SCANS => self.div(),
            "table" if !inline_only && self.options.tables => match rules::table(node, self) {
                Some(events) => {
                    self.end_run();
                    self.open_lazy_blocks();
                    self.join = false;
                    self.task = None;
                    for e in events {
                        self.emit(e);
                    }
                    Flow::Skip
                }
                None => {
                    self.div();
                    if let Some(top) = self.frames.last_mut() {
                        top.table_depth += 1;
                    }
                    Flow::Descend
                }
            },
            "blockquote" if !inline_only && self.top().depth < self.options.max_depth => {
                self.block(Event::Start(Tag::BlockQuote(None)));
                self.push(FrameKind::Quote, true);
                Flow::Descend
            }
            "ul" | "ol" | "menu" | "dir" if !inline_only && self.top().depth < self.options.max_depth => {
                self.list(node)
            }
            "li" if in_list && !self.top().opened => {
                // In a list that has not opened yet (see `list`), an item opens only when content arrives.
                self.end_run();
                self.task = None;
                self.item_fresh = true;
                self.push(FrameKind::Item, false);
                Flow::Descend
            }
            "li" if in_list => {
                self.start_item();
                Flow::Descend
            }
            "summary" | "dt" => {
                self.div();
                self.push_inline(Inline::Strong);
                Flow::Descend
            }
            "strong" | "b" => self.inline(Inline::Strong),
            "em" | "i" | "cite" | "dfn" | "var" => self.inline(Inline::Emph),
            "del" | "s" | "strike" if self.options.strikethrough => self.inline(Inline::Strike),
            "a" => self.anchor(node),
            "q" => {
                self.literal("\"");
                self.push(FrameKind::Q, true);
                Flow::Descend
            }
            "sub" | "sup" if self.options.unsupported == Unsupported::KeepContent => self.script(node, tag == "sup"),
            "sub" | "sup" | "u" | "ins" | "mark" | "small" | "big" => match self.options.unsupported {
                Unsupported::KeepContent => self.transparent(),
                Unsupported::Drop => Flow::Skip,
                Unsupported::KeepHtml => self.inline(Inline::Html(tag.to_string())),
            },
            _ if !inline_only && rules::heading_level(tag).is_some() => {
                self.end_run();
                if let Some(level) = rules::heading_level(tag) {
                    self.push(FrameKind::Heading(level), false);
                }
                Flow::Descend
            }
            _ if rules::is_div_like(tag) => self.div(),
            _ => self.transparent(),
        }
    }

    /// The element policy before the built-in rules: [`Options::drop`] and the page-chrome preset, then the
    /// element's handler. `Some` when it decided the element's fate.
    fn policy(&mut self, node: &Node) -> Option<Flow> {
        let tag = node.tag();
        if matches!(tag, "html" | "head" | "body") {
            return None;
        }
        let block = rules::is_div_like(tag);
        if policy::is_dropped(node, &self.options) {
            if block {
                self.boundary();
            }
            return Some(Flow::Skip);
        }
        let handler = Arc::clone(self.options.handlers.get(tag)?);
        let action = handler.enter(&Element::new(node, self));
        let depth = self.marks.len();
        match action {
            Action::Descend => {
                self.handled.push((depth, node.clone(), handler));
                None
            }
            Action::Skip => {
                if block {
                    self.boundary();
                }
                Some(Flow::Skip)
            }
            Action::Replace(events) => {
                if matches!(self.top().kind, FrameKind::List { .. }) {
                    self.push_implicit_item();
                }
                if block {
                    self.div();
                }
                self.replay(events, false);
                Some(Flow::Skip)
            }
            Action::Wrap(events) => {
                if matches!(self.top().kind, FrameKind::List { .. }) {
                    self.push_implicit_item();
                }
                if block {
                    self.div();
                } else {
                    self.transparent();
                }
                self.replay(events, true);
                self.handled.push((depth, node.clone(), handler));
                Some(Flow::Descend)
            }
        }
    }

    fn div(&mut self) -> Flow {
        self.boundary();
        self.push(FrameKind::Div, true);
        Flow::Descend
    }

    fn transparent(&mut self) -> Flow {
        self.push(FrameKind::Transparent, true);
        Flow::Descend
    }

    fn inline(&mut self, inline: Inline) -> Flow {
        self.push_inline(inline);
        Flow::Descend
    }

    /// A superscript or subscript, keeping its meaning ([`Unsupported::KeepContent`]): a footnote reference
    /// (`<sup><a href="#n2">2</a></sup>`) becomes a link labelled `[2]`; text whose every character has a
    /// Unicode superscript or subscript form becomes those characters (`10⁶`, `H₂O`); anything else is kept
    /// inside attribute-less `<sup>`/`<sub>` raw HTML.
    fn script(&mut self, node: &Node, sup: bool) -> Flow {
        if sup {
            if let Some(flow) = self.footnote_ref(node) {
                return flow;
            }
        }
        if rules::is_plain_text(node, !self.options.has_policy()) {
            let text = rules::subtree_text(node, "");
            if let Some(script) = rules::unicode_script(&text, sup) {
                self.flow_text(&script);
                return Flow::Skip;
            }
        }
        self.inline(Inline::Html(if sup { "sup" } else { "sub" }.to_string()))
    }

    /// A `sup` holding only a link with a footnote label: the link, labelled `[label]`. `None` when it is not
    /// one, or when the link is not written as a link (unsafe, dropped, handled by a [`Handler`]).
    fn footnote_ref(&mut self, node: &Node) -> Option<Flow> {
        let (link, label) = rules::footnote_ref(node)?;
        if self.options.handlers.get("a").is_some()
            || policy::is_dropped(&link, &self.options)
            || self.top().active & Inline::Link(String::new(), String::new()).bit() != 0
        {
            return None;
        }
        let href = self.resolve_link(&link.attr("href")?)?;
        let LinkPlan::Link { dest, share: None } = rules::link_plan(&href, &self.options) else {
            return None;
        };
        let title = link.attr("title").unwrap_or_default();
        self.push_inline(Inline::Link(dest, title));
        self.flow_text(&format!("[{label}]"));
        Some(Flow::Skip)
    }

    /// A link: [`rules::link_plan`] decides. A share link that shows only icons gets their alt text; one that
    /// shows nothing gets the platform's name, or is dropped when it comes right after a link to the same target
    /// (nothing visible between).
    fn anchor(&mut self, node: &Node) -> Flow {
        let Some(href) = node.attr("href").filter(|h| !rules::is_empty_href(h)) else {
            return self.transparent();
        };
        if self.top().active & Inline::Link(String::new(), String::new()).bit() != 0 {
            return self.transparent();
        }
        let Some(href) = self.resolve_link(&href) else {
            return self.transparent();
        };
        let (dest, share) = match rules::link_plan(&href, &self.options) {
            LinkPlan::Drop => return Flow::Skip,
            LinkPlan::Unlink => return self.transparent(),
            LinkPlan::Link { dest, share } => (dest, share),
        };
        let title = node.attr("title").unwrap_or_default();
        self.link_gap = self
            .last_link
            .as_ref()
            .is_some_and(|(d, seq)| *seq == self.seq && *d == dest);
        let Some(platform) = share else {
            return self.inline(Inline::Link(dest, title));
        };
        // Text is never dropped: a share link that shows text stays a link with that text; one that shows only
        // icons with alt text gets that text.
        let label = match rules::shown(node) {
            rules::Shown::Text => return self.inline(Inline::Link(dest, title)),
            rules::Shown::Alt(alt) => alt,
            rules::Shown::Nothing => {
                // Dropped right after a link to the same target; else the platform's name.
                let adjacent = self.last_link.as_ref().is_some_and(|(_, seq)| *seq == self.seq);
                if adjacent && self.last_link.as_ref().is_some_and(|(d, _)| *d == dest) {
                    return Flow::Skip;
                }
                platform.to_string()
            }
        };
        // Apart from a link right before it.
        if self.last_link.as_ref().is_some_and(|(_, seq)| *seq == self.seq) {
            self.soft_space();
        }
        self.push_inline(Inline::Link(dest, title));
        self.flow_text(&label);
        Flow::Skip
    }

    fn list(&mut self, node: &Node) -> Flow {
        let Some(loose) = rules::list_plan(node, &self.options) else {
            return self.div();
        };
        let ordered = !node.is("ul") && !node.is("menu") && !node.is("dir");
        let mut start = if ordered { Some(rules::ol_start(node)) } else { None };
        // CommonMark §5.2: an ordered list not starting at 1 cannot interrupt a paragraph, and a tight item's
        // text is one. Items past the look-ahead cannot make their list loose any more, so start at 1.
        let after_text = self.ctx() == Ctx::Tight && (self.run.is_some() || self.join);
        if after_text && start.is_some_and(|s| s != 1) {
            start = Some(1);
        }
        let kind = FrameKind::List {
            ordered,
            tight: !loose,
            items: false,
            start,
        };
        if after_text {
            // Nor can an empty item (§5.2): here the list and its items open only when content arrives, so
            // that empty items before the first one with content are left out (they hold no text).
            self.end_run();
            self.task = None;
            self.push(kind, false);
        } else {
            self.block(Event::Start(Tag::List(start)));
            self.push(kind, true);
        }
        Flow::Descend
    }

    fn img(&mut self, node: &Node) {
        let (src, title, alt) = rules::image(node);
        let src = if rules::is_tracking_pixel(node) {
            None
        } else {
            src.and_then(|s| self.url(&s, UrlKind::Image))
        };
        match src {
            Some(src) => {
                self.content();
                self.emit(Event::Start(rules::link_tag(src, title, true)));
                if !alt.is_empty() {
                    self.emit(Event::Text(alt.into()));
                }
                self.emit(Event::End(TagEnd::Image));
            }
            None => self.flow_text(&alt),
        }
    }

    /// Whether a run starting now is the text of the innermost item itself, not of a heading, quote, list or
    /// raw HTML block inside it (where `[ ]` would be text, or a marker of another item).
    fn in_item_text(&self) -> bool {
        for frame in self.frames.iter().rev() {
            match frame.kind {
                FrameKind::Item => return true,
                FrameKind::Heading(_) | FrameKind::Quote | FrameKind::List { .. } | FrameKind::HtmlBlock(_) => {
                    return false;
                }
                _ => {}
            }
        }
        false
    }

    fn input(&mut self, node: &Node) {
        let checkbox = node
            .attr("type")
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("checkbox"));
        let in_item = self.top().in_item;
        if checkbox && self.options.task_lists && in_item && self.item_fresh && self.run.is_none() {
            self.task = Some(node.attr("checked").is_some());
        }
    }

    fn media(&mut self, node: &Node) {
        let Some((src, label)) = rules::media(node) else { return };
        let Some(src) = self.url(&src, UrlKind::Link) else {
            return;
        };
        if self.top().active & Inline::Link(String::new(), String::new()).bit() != 0 {
            self.flow_text(&label);
            return;
        }
        self.content();
        self.emit(Event::Start(rules::link_tag(src, String::new(), false)));
        self.emit(Event::Text(label.into()));
        self.emit(Event::End(TagEnd::Link));
    }

    /// A URL for an image or media source: resolved against the base URL, then checked by the URL policy (the
    /// URL as written is checked too, so that resolution never turns a refused URL into an allowed one).
    fn url(&self, raw: &str, kind: UrlKind) -> Option<String> {
        if self.resolver.is_some() {
            rules::safe_url(raw, kind, &self.options)?;
        }
        rules::safe_url(&self.resolve(raw), kind, &self.options)
    }

    fn code(&mut self, node: &Node) {
        self.code_text(&rules::subtree_text(node, " "));
    }

    /// A code span for `text`, white space collapsed; spaces at its ends go outside it.
    fn code_text(&mut self, text: &str) {
        let text = rules::collapse(text);
        let trimmed = text.trim_matches(' ');
        if text.starts_with(' ') {
            self.soft_space();
        }
        if !trimmed.is_empty() {
            self.content();
            self.emit(Event::Code(trimmed.to_string().into()));
            if text.ends_with(' ') {
                self.soft_space();
            }
        }
    }

    fn code_block(&mut self, node: &Node) {
        let lang = rules::pre_lang(node);
        let text = rules::pre_text(node);
        self.block(Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang.into()))));
        if !text.is_empty() {
            self.emit(Event::Text(text.into()));
        }
        self.emit(Event::End(TagEnd::CodeBlock));
    }

    // ---- whole subtrees ----

    /// Converts a whole (finished) subtree, iteratively.
    pub(crate) fn convert(&mut self, node: &Node) {
        match node.kind() {
            Kind::Text => self.text(&node.text()),
            Kind::Element | Kind::Document => {
                if self.enter(node) == Flow::Skip {
                    self.exit();
                    return;
                }
                // For each open node, its next child to convert.
                let mut stack: Vec<Option<Node>> = vec![node.first_child()];
                while let Some(next) = stack.last_mut() {
                    match next.take() {
                        None => {
                            stack.pop();
                            self.exit();
                        }
                        Some(child) => {
                            *next = child.next_sibling();
                            match child.kind() {
                                Kind::Text => self.text(&child.text()),
                                Kind::Element => {
                                    if self.enter(&child) == Flow::Descend {
                                        stack.push(child.first_child());
                                    } else {
                                        self.exit();
                                    }
                                }
                                _ => {}
                            }
                        }
                    }
                }
            }
            Kind::Other => {}
        }
    }

    /// Converts the children of `node` (not the node itself).
    pub(crate) fn convert_children(&mut self, node: &Node) {
        for child in node.children() {
            self.convert(&child);
        }
    }
}

/// Whether the streaming driver may enter `node` while it is still open: its entry never looks at children
/// beyond a list's look-ahead (an element that [`policy::needs_whole`] is never entered early). Entering may
/// still skip it (a dropped element): the driver then discards its children as they come.
pub(crate) fn is_enterable(node: &Node, options: &Options) -> bool {
    if node.kind() != Kind::Element {
        return false;
    }
    if options.has_policy() && policy::needs_whole(node, options) {
        return false;
    }
    let tag = node.tag();
    match tag {
        "ul" | "ol" | "menu" | "dir" => {
            node.children().iter().filter(|c| c.kind() == Kind::Element).count() > rules::LIST_LOOKAHEAD
        }
        "div" | "section" | "article" | "main" | "header" | "footer" | "aside" | "nav" | "address" | "center"
        | "figure" | "form" | "fieldset" | "details" | "dl" | "dd" | "li" | "blockquote" | "hgroup" | "search"
        | "body" => true,
        _ => tag.contains('-'),
    }
}

/// The position of the first HTML space byte. Eight bytes at a time are skipped when none is below `!` (all
/// five spaces are), which is most of a run of CJK text.
fn next_space(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let mut chunks = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        // A byte below 0x21 sets its high bit in `w - 0x21…` and has it clear in `w`.
        if w.wrapping_sub(ONES * 0x21) & !w & (ONES * 0x80) != 0
            && let Some(k) = chunk.iter().position(|&b| is_space_byte(b))
        {
            return Some(at + k);
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| is_space_byte(b))
        .map(|k| at + k)
}

/// [`rules::is_html_space`] for one byte of UTF-8 (no byte of a multi-byte character is a space).
fn is_space_byte(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0C')
}

#[cfg(test)]
mod tests {
    use super::{is_space_byte, next_space};

    /// The eight-byte skip finds what a byte-by-byte search finds, wherever the space is and whatever surrounds
    /// it (CJK bytes, control characters below `!` that are not spaces, every length up to 40).
    #[test]
    fn next_space_matches_a_plain_search() {
        let fillers: [&[u8]; 4] = [b"a", "\u{4e2d}".as_bytes(), b"\x01", b"!"];
        for filler in fillers {
            for len in 0..40 {
                let base: Vec<u8> = filler.iter().copied().cycle().take(len).collect();
                assert_eq!(next_space(&base), base.iter().position(|&b| is_space_byte(b)));
                for at in 0..len {
                    for space in [b' ', b'\t', b'\n', b'\r', b'\x0C'] {
                        let mut bytes = base.clone();
                        bytes[at] = space;
                        assert_eq!(next_space(&bytes), Some(at), "{bytes:?}");
                    }
                }
            }
        }
    }
}
