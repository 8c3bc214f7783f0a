//! Events to CommonMark text: container prefixes, blank lines, list markers, fences, tables.
//!
//! The writer knows nothing of HTML. It takes `pulldown_cmark::Event`s and writes Markdown that pulldown-cmark
//! parses back into the same events (after merging adjacent text). It streams: every block is written as soon
//! as its `End` event arrives; only the inline content of the current leaf block (and a whole table) is
//! buffered, because escaping needs both neighbours of every character. With reference links
//! ([`LinkStyle`](crate::LinkStyle)) the link reference definitions are held too, and written when the document
//! ends; with [`Style::wrap`](crate::Style::wrap) paragraph lines are wrapped as they are written.

use std::io;

use pulldown_cmark::{Alignment, BlockQuoteKind, CodeBlockKind, Event, HeadingLevel, MetadataBlockKind, Tag, TagEnd};

use crate::Options;
use crate::escape::{self, Context};
use crate::inline::{self, Inline, InlineStyle, Span};
use crate::refs::Refs;
use crate::wrap;

/// An open container block, with what has been written in it so far.
#[derive(Debug)]
struct Frame {
    kind: Kind,
    /// Blocks written directly in this container.
    blocks: usize,
    /// The kind of the last of them.
    last: Last,
}

#[derive(Debug)]
enum Kind {
    /// A block quote: `> ` on every line.
    Quote,
    /// A list: its items are separated by blank lines once it is known to be loose.
    List {
        ordered: bool,
        next: u64,
        marker: char,
        loose: bool,
        items: usize,
    },
    /// A list item: the marker on its first line, then indentation to the content column.
    Item {
        marker: String,
        pending: bool,
        task: Option<bool>,
    },
    /// A footnote definition: `[^label]: ` on its first line, then four spaces.
    Footnote { label: String, pending: bool },
}

/// The kind of the last block written in a container (what the next block must not merge with).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Last {
    None,
    Paragraph,
    TightText,
    List(char),
    Html,
    Quote,
    Table,
    Heading,
    Code,
    Other,
}

/// The leaf block whose content is being buffered.
#[derive(Debug)]
enum Leaf {
    None,
    /// A paragraph, or the loose text directly inside a tight list item (`tight`).
    Para {
        tight: bool,
    },
    Heading(HeadingLevel),
    Code {
        info: Option<String>,
        text: String,
    },
    Html(String),
    Metadata {
        kind: MetadataBlockKind,
        text: String,
    },
    Cell,
}

#[derive(Debug, Default)]
struct Table {
    aligns: Vec<Alignment>,
    rows: Vec<Vec<String>>,
    row: Vec<String>,
}

/// Incremental writer: feed events, completed Markdown is appended to the output string.
pub(crate) struct MarkdownWriter {
    style: InlineStyle,
    frames: Vec<Frame>,
    /// Blocks written at the top level, and the kind of the last one.
    root_blocks: usize,
    root_last: Last,
    leaf: Leaf,
    inlines: Vec<Inline>,
    table: Option<Table>,
    /// The style choices (markers, fences, headings, rule).
    choices: crate::Style,
    /// The kind of the block before the current one in its container.
    prev_last: Last,
    /// Reference link labels, and the definitions written at the end.
    refs: Refs,
    /// The offsets of the spaces of the paragraph being written where a line may wrap (reused buffer).
    spaces: Vec<usize>,
    /// The buffers `inline::render` reuses.
    scratch: inline::Scratch,
    /// GFM task list items are on: `[x] ` at the start of an item is a task box.
    task_lists: bool,
}

impl MarkdownWriter {
    pub(crate) fn new(options: &Options) -> Self {
        MarkdownWriter {
            style: InlineStyle {
                strikethrough: options.strikethrough,
                tables: options.tables,
                emphasis: options.style.emphasis(),
                strong: options.style.strong(),
                hard_break_spaces: options.style.hard_break == crate::HardBreakStyle::Spaces,
                wrap: options.style.wrap.is_some(),
            },
            frames: Vec::new(),
            root_blocks: 0,
            root_last: Last::None,
            leaf: Leaf::None,
            inlines: Vec::new(),
            table: None,
            choices: options.style.clone(),
            prev_last: Last::None,
            refs: Refs::new(options.style.link),
            spaces: Vec::new(),
            scratch: inline::Scratch::default(),
            task_lists: options.task_lists,
        }
    }

    /// Feeds one event; Markdown for every block it completes is appended to `out`.
    pub(crate) fn push(&mut self, event: Event<'_>, out: &mut String) {
        match event {
            Event::Start(tag) => self.start(tag, out),
            Event::End(tag) => self.end(tag, out),
            Event::Text(t) => match &mut self.leaf {
                Leaf::Code { text, .. } | Leaf::Metadata { text, .. } => text.push_str(&t),
                Leaf::Html(h) => h.push_str(&t),
                _ => self.inline(Inline::Text(t.into_string()), out),
            },
            Event::Code(c) => self.inline(Inline::Code(c.into_string()), out),
            Event::InlineMath(m) => self.inline(
                Inline::Math {
                    display: false,
                    text: m.into_string(),
                },
                out,
            ),
            Event::DisplayMath(m) => self.inline(
                Inline::Math {
                    display: true,
                    text: m.into_string(),
                },
                out,
            ),
            Event::Html(h) => match &mut self.leaf {
                Leaf::Html(buf) => buf.push_str(&h),
                Leaf::None if self.table.is_none() => {
                    // A raw HTML block given without its HtmlBlock tag.
                    self.leaf = Leaf::Html(h.into_string());
                    self.end(TagEnd::HtmlBlock, out);
                }
                _ => self.inline(Inline::Html(h.into_string()), out),
            },
            Event::InlineHtml(h) => self.inline(Inline::Html(h.into_string()), out),
            Event::FootnoteReference(name) => self.inline(Inline::FootnoteRef(name.into_string()), out),
            Event::SoftBreak => self.inline(Inline::SoftBreak, out),
            Event::HardBreak => self.inline(Inline::HardBreak, out),
            Event::Rule => {
                self.close_tight_text(out);
                let line = self.rule_text();
                self.begin_block(Last::Other, out);
                self.write_line(&line, out);
            }
            Event::TaskListMarker(checked) => {
                if let Some(Frame {
                    kind: Kind::Item { task, .. },
                    blocks: 0,
                    ..
                }) = self.frames.last_mut()
                    && matches!(self.leaf, Leaf::None)
                {
                    *task = Some(checked);
                } else {
                    self.inline(Inline::Task(checked), out);
                }
            }
        }
    }

    /// Ends the document, appending what is still buffered.
    pub(crate) fn finish(&mut self, out: &mut String) {
        self.close_tight_text(out);
        match std::mem::replace(&mut self.leaf, Leaf::None) {
            Leaf::None => {}
            Leaf::Para { .. } => self.end(TagEnd::Paragraph, out),
            other => {
                self.leaf = other;
                let end = match &self.leaf {
                    Leaf::Heading(level) => TagEnd::Heading(*level),
                    Leaf::Code { .. } => TagEnd::CodeBlock,
                    Leaf::Html(_) => TagEnd::HtmlBlock,
                    Leaf::Metadata { kind, .. } => TagEnd::MetadataBlock(*kind),
                    _ => TagEnd::TableCell,
                };
                self.end(end, out);
            }
        }
        if self.table.is_some() {
            self.end(TagEnd::Table, out);
        }
        while let Some(frame) = self.frames.last() {
            let end = match &frame.kind {
                Kind::Quote => TagEnd::BlockQuote(None),
                Kind::List { ordered, .. } => TagEnd::List(*ordered),
                Kind::Item { .. } => TagEnd::Item,
                Kind::Footnote { .. } => TagEnd::FootnoteDefinition,
            };
            self.end(end, out);
        }
        self.write_definitions(out);
    }

    /// Writes the link reference definitions (§4.7) at the end of the document: at the top level, after a
    /// blank line, so that no paragraph, list or quote before them can take them in.
    fn write_definitions(&mut self, out: &mut String) {
        let lines = self.refs.take_lines();
        if lines.is_empty() {
            return;
        }
        if self.root_blocks > 0 {
            self.write_line("", out);
        }
        for line in lines {
            self.write_line(&line, out);
        }
    }

    /// Renders a block's inline content (links as the style says; the spaces where lines may wrap are left in
    /// `self.spaces`).
    fn render(&mut self, items: &[Inline], ctx: Context) -> String {
        self.spaces.clear();
        inline::render(
            items,
            ctx,
            &self.style,
            &mut self.refs,
            &mut self.spaces,
            &mut self.scratch,
        )
    }

    fn start(&mut self, tag: Tag<'_>, out: &mut String) {
        match tag {
            Tag::Paragraph => {
                self.close_tight_text(out);
                self.begin_block(Last::Paragraph, out);
                self.leaf = Leaf::Para { tight: false };
            }
            Tag::Heading { level, .. } => {
                self.close_tight_text(out);
                self.begin_block(Last::Heading, out);
                self.leaf = Leaf::Heading(level);
            }
            Tag::BlockQuote(kind) => {
                self.close_tight_text(out);
                self.begin_block(Last::Quote, out);
                self.push_frame(Kind::Quote);
                if let Some(kind) = kind {
                    let label = match kind {
                        BlockQuoteKind::Note => "[!NOTE]",
                        BlockQuoteKind::Tip => "[!TIP]",
                        BlockQuoteKind::Important => "[!IMPORTANT]",
                        BlockQuoteKind::Warning => "[!WARNING]",
                        BlockQuoteKind::Caution => "[!CAUTION]",
                    };
                    self.begin_block(Last::Other, out);
                    self.write_line(label, out);
                }
            }
            Tag::CodeBlock(kind) => {
                self.close_tight_text(out);
                self.begin_block(Last::Code, out);
                let info = match kind {
                    CodeBlockKind::Fenced(info) => Some(info.into_string()),
                    CodeBlockKind::Indented => None,
                };
                self.leaf = Leaf::Code {
                    info,
                    text: String::new(),
                };
            }
            Tag::HtmlBlock => {
                self.close_tight_text(out);
                self.begin_block(Last::Html, out);
                self.leaf = Leaf::Html(String::new());
            }
            Tag::List(start) => {
                self.close_tight_text(out);
                let marker = self.list_marker(start.is_some());
                self.begin_block(Last::List(marker), out);
                self.push_frame(Kind::List {
                    ordered: start.is_some(),
                    next: start.unwrap_or(1),
                    marker,
                    loose: false,
                    items: 0,
                });
            }
            Tag::Item => {
                let marker = match self.frames.last_mut().map(|f| &mut f.kind) {
                    Some(Kind::List {
                        ordered,
                        next,
                        marker,
                        items,
                        ..
                    }) => {
                        *items += 1;
                        let m = if *ordered {
                            let m = format!("{}{} ", *next, marker);
                            *next = next.saturating_add(1).min(999_999_999);
                            m
                        } else {
                            format!("{marker} ")
                        };
                        Some(m)
                    }
                    _ => None,
                };
                let marker = match marker {
                    Some(m) => m,
                    None => {
                        // An item outside a list: open an implicit bullet list.
                        self.start(Tag::List(None), out);
                        return self.start(Tag::Item, out);
                    }
                };
                self.push_frame(Kind::Item {
                    marker,
                    pending: true,
                    task: None,
                });
            }
            Tag::FootnoteDefinition(label) => {
                self.close_tight_text(out);
                self.begin_block(Last::Other, out);
                self.push_frame(Kind::Footnote {
                    label: label.into_string(),
                    pending: true,
                });
            }
            Tag::Table(aligns) => {
                self.close_tight_text(out);
                self.begin_block(Last::Table, out);
                self.table = Some(Table {
                    aligns,
                    ..Table::default()
                });
            }
            Tag::TableHead | Tag::TableRow => {
                if let Some(t) = &mut self.table {
                    t.row.clear();
                }
            }
            Tag::TableCell => {
                self.leaf = Leaf::Cell;
                self.inlines.clear();
            }
            Tag::Emphasis => self.inline(Inline::Start(Span::Emphasis), out),
            Tag::Strong => self.inline(Inline::Start(Span::Strong), out),
            Tag::Strikethrough => self.inline(Inline::Start(Span::Strikethrough), out),
            Tag::Superscript => self.inline(Inline::Start(Span::Superscript), out),
            Tag::Subscript => self.inline(Inline::Start(Span::Subscript), out),
            Tag::Link { dest_url, title, .. } => self.inline(
                Inline::Start(Span::Link {
                    dest: dest_url.into_string(),
                    title: title.into_string(),
                }),
                out,
            ),
            Tag::Image { dest_url, title, .. } => self.inline(
                Inline::Start(Span::Image {
                    dest: dest_url.into_string(),
                    title: title.into_string(),
                }),
                out,
            ),
            Tag::MetadataBlock(kind) => {
                self.close_tight_text(out);
                self.begin_block(Last::Other, out);
                self.leaf = Leaf::Metadata {
                    kind,
                    text: String::new(),
                };
            }
            // Definition lists are not CommonMark: their parts become plain blocks.
            Tag::DefinitionList | Tag::DefinitionListTitle | Tag::DefinitionListDefinition => {}
        }
    }

    fn end(&mut self, tag: TagEnd, out: &mut String) {
        match tag {
            TagEnd::Paragraph => {
                let items = std::mem::take(&mut self.inlines);
                self.leaf = Leaf::None;
                self.write_inline_block(items, out);
            }
            TagEnd::Heading(level) => {
                let items = std::mem::take(&mut self.inlines);
                self.leaf = Leaf::None;
                self.write_heading(level, &items, out);
                self.recycle(items);
            }
            TagEnd::CodeBlock => {
                if let Leaf::Code { info, text } = std::mem::replace(&mut self.leaf, Leaf::None) {
                    self.write_code_block(info.as_deref(), &text, out);
                }
            }
            TagEnd::HtmlBlock => {
                if let Leaf::Html(html) = std::mem::replace(&mut self.leaf, Leaf::None) {
                    for line in html.strip_suffix('\n').unwrap_or(&html).split('\n') {
                        self.write_line(line, out);
                    }
                }
            }
            TagEnd::MetadataBlock(_) => {
                if let Leaf::Metadata { kind, text } = std::mem::replace(&mut self.leaf, Leaf::None) {
                    let fence = match kind {
                        MetadataBlockKind::YamlStyle => ("---", "---"),
                        MetadataBlockKind::PlusesStyle => ("+++", "+++"),
                    };
                    self.write_line(fence.0, out);
                    for line in text.strip_suffix('\n').unwrap_or(&text).split('\n') {
                        self.write_line(line, out);
                    }
                    self.write_line(fence.1, out);
                }
            }
            TagEnd::BlockQuote(_) => {
                self.close_tight_text(out);
                if let Some(Frame {
                    kind: Kind::Quote,
                    blocks,
                    ..
                }) = self.frames.last()
                {
                    if *blocks == 0 {
                        // An empty block quote is a lone `>` (after the list marker it may be the first block of).
                        self.write_marker_line("", out);
                    }
                    self.frames.pop();
                }
            }
            TagEnd::List(_) => {
                self.close_tight_text(out);
                if matches!(
                    self.frames.last(),
                    Some(Frame {
                        kind: Kind::List { .. },
                        ..
                    })
                ) {
                    self.frames.pop();
                }
            }
            TagEnd::Item => {
                self.close_tight_text(out);
                if let Some(Frame {
                    kind: Kind::Item {
                        pending: true, task, ..
                    },
                    ..
                }) = self.frames.last()
                {
                    // An empty item: the marker alone (with its task box, if any).
                    let line = match task {
                        Some(true) => "[x]",
                        Some(false) => "[ ]",
                        None => "",
                    };
                    if line.is_empty() {
                        self.avoid_marker_break();
                    }
                    self.separate_item(false, out);
                    self.write_marker_line(line, out);
                }
                if matches!(
                    self.frames.last(),
                    Some(Frame {
                        kind: Kind::Item { .. },
                        ..
                    })
                ) {
                    self.frames.pop();
                }
            }
            TagEnd::FootnoteDefinition => {
                self.close_tight_text(out);
                if let Some(Frame {
                    kind: Kind::Footnote { pending: true, .. },
                    ..
                }) = self.frames.last()
                {
                    self.write_marker_line("", out);
                }
                if matches!(
                    self.frames.last(),
                    Some(Frame {
                        kind: Kind::Footnote { .. },
                        ..
                    })
                ) {
                    self.frames.pop();
                }
            }
            TagEnd::Table => {
                if let Some(table) = self.table.take() {
                    self.write_table(table, out);
                }
            }
            TagEnd::TableHead | TagEnd::TableRow => {
                if let Some(t) = &mut self.table {
                    let row = std::mem::take(&mut t.row);
                    t.rows.push(row);
                }
            }
            TagEnd::TableCell => {
                let items = std::mem::take(&mut self.inlines);
                self.leaf = Leaf::None;
                let cell = self.render(&items, Context::TableCell);
                self.recycle(items);
                if let Some(t) = &mut self.table {
                    t.row.push(cell);
                }
            }
            TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image => self.inline(Inline::End, out),
            TagEnd::DefinitionList | TagEnd::DefinitionListTitle | TagEnd::DefinitionListDefinition => {}
        }
    }

    /// Buffers an inline event, opening an implicit paragraph (or tight item text) when none is open.
    fn inline(&mut self, item: Inline, out: &mut String) {
        if matches!(self.leaf, Leaf::None) {
            let tight = matches!(
                self.frames.last(),
                Some(Frame {
                    kind: Kind::Item { .. },
                    ..
                })
            );
            if tight {
                self.begin_block(Last::TightText, out);
            } else {
                self.begin_block(Last::Paragraph, out);
            }
            self.leaf = Leaf::Para { tight };
        }
        self.inlines.push(item);
    }

    /// Writes the text of a tight list item when a block or the item's end follows it.
    fn close_tight_text(&mut self, out: &mut String) {
        if matches!(self.leaf, Leaf::Para { tight: true }) {
            let items = std::mem::take(&mut self.inlines);
            self.leaf = Leaf::None;
            self.write_inline_block(items, out);
        }
    }

    /// Empties a block's inline items and keeps the vector for the next block, unless it grew large.
    fn recycle(&mut self, mut items: Vec<Inline>) {
        items.clear();
        if items.capacity() <= 256 && self.inlines.is_empty() && self.inlines.capacity() < items.capacity() {
            self.inlines = items;
        }
    }

    fn write_inline_block(&mut self, mut items: Vec<Inline>, out: &mut String) {
        if let Some(Frame {
            kind: Kind::Item { task, .. },
            ..
        }) = self.frames.last_mut()
            && let Some(checked) = task.take()
        {
            items.insert(0, Inline::Task(checked));
        }
        // A real task marker (from the item, or inside a loose item's first paragraph) is the box itself.
        let task_written = matches!(items.first(), Some(Inline::Task(_)));
        // Trailing hard breaks cannot be written (a break needs a following line).
        while matches!(items.last(), Some(Inline::HardBreak | Inline::SoftBreak)) {
            items.pop();
        }
        let mut text = self.render(&items, Context::Paragraph);
        // Freed before the lines are copied out: a paragraph can be a 100 MB text node.
        self.recycle(items);
        if let Some(width) = self.choices.wrap {
            let first_room = width.saturating_sub(self.first_line_column());
            let room = width.saturating_sub(self.content_column());
            text = wrap::wrap(&text, &self.spaces, first_room, room);
        }
        self.write_text_lines(&text, task_written, out);
    }

    /// Whether the next line is the first of a list item (its marker not written yet), where text starting with
    /// `[x] ` would be a task box.
    fn on_marker_line(&self) -> bool {
        matches!(
            self.frames.last(),
            Some(Frame {
                kind: Kind::Item { pending: true, .. },
                ..
            })
        )
    }

    /// Writes rendered inline text line by line. On a list item's marker line, text that would make the whole
    /// line a thematic break together with the marker (`* **`, `- --`) gets a backslash (§4.1 wins over §5.2).
    /// Text that would read as a task list marker right after the item's marker gets a backslash too, unless
    /// it is the item's own marker (`task_written`).
    fn write_text_lines(&mut self, text: &str, task_written: bool, out: &mut String) {
        // `text.split('\n')`, with the vectorised search (a paragraph is often one long line).
        let mut start = 0;
        let mut lines = memchr::memchr_iter(b'\n', text.as_bytes())
            .chain(std::iter::once(text.len()))
            .map(|end| {
                let line = &text[start..end];
                start = end + 1;
                line
            });
        if let Some(first) = lines.next() {
            // The bullet markers written on this line right before the text (an ordered marker or a quote marker
            // starts the line's content for block parsing).
            let markers = self.pending_bullets();
            let on_item_marker = self.on_marker_line();
            if let Some(escaped) = escape::guard_marker_line(&markers, first) {
                self.write_line(&escaped, out);
            } else if on_item_marker && !task_written && self.task_lists && escape::looks_like_task_marker(first) {
                self.write_line(&format!("\\{first}"), out);
            } else {
                self.write_line(first, out);
            }
        }
        for line in lines {
            self.write_line(line, out);
        }
    }

    /// The bullet markers still to be written on the current line, innermost first (an ordered marker or a
    /// quote marker before them starts the line's content for block parsing).
    fn pending_bullets(&self) -> String {
        self.frames
            .iter()
            .rev()
            .filter(|f| !matches!(f.kind, Kind::List { .. }))
            .map_while(|f| match &f.kind {
                Kind::Item {
                    marker, pending: true, ..
                } if marker.starts_with(['-', '*', '+']) => Some(marker.as_str()),
                _ => None,
            })
            .collect()
    }

    /// An empty item whose line would end in three or more bullets of one kind (`- - -`, `+ * * *`) would be a
    /// thematic break (§4.1 wins over §5.2): its list, which starts on this line, takes another bullet.
    fn avoid_marker_break(&mut self) {
        let bullets = self.pending_bullets();
        let n = self.frames.len();
        if !escape::marker_line_breaks(&bullets, "") || n < 2 {
            return;
        }
        let other = if bullets.starts_with('-') { '*' } else { '-' };
        if let Kind::Item { marker, .. } = &mut self.frames[n - 1].kind {
            marker.replace_range(..1, &other.to_string());
        }
        if let Kind::List { marker, .. } = &mut self.frames[n - 2].kind {
            *marker = other;
        }
        // The next list in the same container must tell itself apart from this one by its new bullet.
        match n.checked_sub(3) {
            Some(k) => self.frames[k].last = Last::List(other),
            None => self.root_last = Last::List(other),
        }
    }

    fn write_heading(&mut self, level: HeadingLevel, items: &[Inline], out: &mut String) {
        let lvl = level as usize;
        let multiline = items.iter().any(|i| matches!(i, Inline::SoftBreak | Inline::HardBreak));
        // A setext heading cannot be empty, nor follow a tight item's text (it would take that text in).
        let after_text = self.prev_last == Last::TightText;
        let setext_style = self.choices.heading == crate::HeadingStyle::Setext && !items.is_empty() && !after_text;
        if (multiline || setext_style) && lvl <= 2 {
            // §4.3 setext heading: the only heading that can span lines.
            let mut items = items.to_vec();
            while matches!(items.last(), Some(Inline::HardBreak | Inline::SoftBreak)) {
                items.pop();
            }
            let mut text = self.render(&items, Context::Paragraph);
            escape::guard_heading_attributes(&mut text);
            self.write_text_lines(&text, false, out);
            self.write_line(if lvl == 1 { "===" } else { "---" }, out);
            return;
        }
        let mut text = self.render(items, Context::AtxHeading);
        escape::guard_heading_attributes(&mut text);
        let mut line = "#".repeat(lvl);
        if !text.is_empty() {
            line.push(' ');
            line.push_str(&text);
        }
        self.write_line(&line, out);
    }

    fn write_code_block(&mut self, info: Option<&str>, text: &str, out: &mut String) {
        let info = info.unwrap_or("");
        if self.choices.code_block == crate::CodeBlockStyle::Indented && self.can_indent_code(info, text) {
            // §4.4 indented code block.
            for line in text.strip_suffix('\n').unwrap_or(text).split('\n') {
                if line.is_empty() {
                    self.write_line("", out);
                } else {
                    let l = format!("    {line}");
                    self.write_line(&l, out);
                }
            }
            return;
        }
        let fence_char = if info.contains('`') || self.choices.code_block == crate::CodeBlockStyle::Tildes {
            '~'
        } else {
            '`'
        };
        let fence_len = (escape::longest_run(text, fence_char) + 1).max(3);
        let mut fence = String::new();
        escape::push_repeat(&mut fence, fence_char, fence_len);
        // (Tabs in the code need no care: every container prefix we write ends in a space or at a marker, so
        // no tab of the content is ever split to make up a container's indentation.)
        let mut open = fence.clone();
        if info.starts_with(fence_char) {
            // It would lengthen the fence; white space before the info string is not part of it (§4.5).
            open.push(' ');
        }
        escape::push_info_string(&mut open, info);
        self.write_line(&open, out);
        let body = text.strip_suffix('\n').unwrap_or(text);
        if !text.is_empty() {
            for line in body.split('\n') {
                self.write_line(line, out);
            }
        }
        self.write_line(&fence, out);
    }

    fn write_table(&mut self, table: Table, out: &mut String) {
        let cols = table.aligns.len().max(table.rows.first().map_or(0, Vec::len)).max(1);
        let mut rows = table.rows;
        if rows.is_empty() {
            rows.push(Vec::new());
        }
        for (r, row) in rows.iter().enumerate() {
            let mut line = String::from("|");
            for c in 0..cols {
                let cell = row.get(c).map_or("", String::as_str);
                line.push(' ');
                line.push_str(cell);
                line.push_str(if cell.is_empty() { "|" } else { " |" });
            }
            self.write_line(&line, out);
            if r == 0 {
                let mut delim = String::from("|");
                for c in 0..cols {
                    delim.push_str(match table.aligns.get(c) {
                        Some(Alignment::Left) => " :-- |",
                        Some(Alignment::Center) => " :-: |",
                        Some(Alignment::Right) => " --: |",
                        _ => " --- |",
                    });
                }
                self.write_line(&delim, out);
            }
        }
    }

    /// The column where content starts inside the current containers.
    fn content_column(&self) -> usize {
        self.frames
            .iter()
            .map(|f| match &f.kind {
                Kind::Quote => 2,
                Kind::List { .. } => 0,
                Kind::Item { marker, .. } => marker.len(),
                Kind::Footnote { .. } => 4,
            })
            .sum()
    }

    /// The column where the content of the next line starts: as [`Self::content_column`], except that a pending
    /// footnote marker (`[^label]: `) is wider than the indentation that follows it.
    fn first_line_column(&self) -> usize {
        self.frames
            .iter()
            .map(|f| match &f.kind {
                Kind::Footnote { label, pending: true } => label.chars().count() + 5,
                Kind::Footnote { .. } => 4,
                Kind::Quote => 2,
                Kind::List { .. } => 0,
                Kind::Item { marker, .. } => marker.len(),
            })
            .sum()
    }

    /// Whether a code block can be written indented here (§4.4): no info string, content whose first and last
    /// lines are not blank (they would be dropped), and a position where an indented block can start (not on a
    /// list item's marker line, not right after a block that would take the lines in).
    fn can_indent_code(&self, info: &str, text: &str) -> bool {
        let body = text.strip_suffix('\n').unwrap_or(text);
        let first_blank = body.split('\n').next().is_none_or(|l| l.trim().is_empty());
        let last_blank = body.split('\n').next_back().is_none_or(|l| l.trim().is_empty());
        let on_marker_line = self
            .frames
            .iter()
            .any(|f| matches!(f.kind, Kind::Item { pending: true, .. }));
        // After a list the indented lines would belong to its last item; after text, a quote, a table or an HTML
        // block they could continue it; after another (indented) code block they would join it.
        let after_open_block = !matches!(
            self.prev_last,
            Last::None | Last::Paragraph | Last::Heading | Last::Other
        );
        info.is_empty() && !text.is_empty() && !first_blank && !last_blank && !on_marker_line && !after_open_block
    }

    /// A thematic break that cannot be mistaken for a list item, a setext underline or a list marker.
    fn rule_text(&self) -> String {
        let mut avoid_dash = false;
        let mut avoid_star = false;
        for f in &self.frames {
            if let Kind::Item {
                marker, pending: true, ..
            } = &f.kind
            {
                avoid_dash |= marker.starts_with('-');
                avoid_star |= marker.starts_with('*');
            }
        }
        if self.frames.last().is_some_and(|f| f.last == Last::TightText) {
            avoid_dash = true;
        }
        match self.choices.rule() {
            Some((text, '-')) if !avoid_dash => text.to_string(),
            Some((text, '*')) if !avoid_star => text.to_string(),
            Some((text, '_')) => text.to_string(),
            _ => match (avoid_dash, avoid_star) {
                (false, _) => "---".to_string(),
                (true, false) => "***".to_string(),
                (true, true) => "___".to_string(),
            },
        }
    }

    fn push_frame(&mut self, kind: Kind) {
        self.frames.push(Frame {
            kind,
            blocks: 0,
            last: Last::None,
        });
    }

    /// The marker for a new list: the preferred one, or the other one when the previous block at this level is
    /// a list with the same marker (two such lists would merge into one, §5.3).
    fn list_marker(&self, ordered: bool) -> char {
        let last = self.frames.last().map_or(self.root_last, |f| f.last);
        let (pref, other) = if ordered {
            let d = self.choices.ordered_delimiter();
            (d, if d == '.' { ')' } else { '.' })
        } else {
            let b = self.choices.bullet();
            (b, if b == '-' { '*' } else { '-' })
        };
        if last == Last::List(pref) { other } else { pref }
    }

    /// Writes what must come before a new block in the current container: a blank line between blocks where
    /// the container needs one, and the separation of list items.
    fn begin_block(&mut self, kind: Last, out: &mut String) {
        let n = self.frames.len();
        let (blocks, last, in_item) = match self.frames.last() {
            Some(f) => (f.blocks, f.last, matches!(f.kind, Kind::Item { .. })),
            None => (self.root_blocks, self.root_last, false),
        };
        if in_item {
            let loose = n >= 2 && matches!(self.frames[n - 2].kind, Kind::List { loose: true, .. });
            if blocks == 0 {
                self.separate_item(kind == Last::Paragraph, out);
            } else {
                // Without a blank line a quote, text or a table would continue a quote (lazily), text or a table would
                // continue a table
                // or the last item of a nested list: the blank line is needed whatever the looseness.
                // (A heading may be setext, whose lines would continue them too.)
                let paragraph_like = matches!(kind, Last::TightText | Last::Paragraph | Last::Table | Last::Heading);
                // An HTML block takes in every line up to a blank one (§4.6).
                let merges = (last == Last::Quote && (kind == Last::Quote || paragraph_like))
                    || (last == Last::Table && paragraph_like)
                    || (matches!(last, Last::List(_)) && paragraph_like)
                    || last == Last::Html;
                let blank = loose || merges || kind == Last::Paragraph || last == Last::Paragraph;
                if kind == Last::Paragraph {
                    self.mark_loose();
                }
                if blank {
                    self.write_line("", out);
                }
            }
        } else if blocks > 0 {
            self.write_line("", out);
        }
        self.prev_last = last;
        match self.frames.last_mut() {
            Some(f) => {
                f.blocks += 1;
                f.last = kind;
            }
            None => {
                self.root_blocks += 1;
                self.root_last = kind;
            }
        }
    }

    /// Called at the first block of an item: a paragraph makes the list loose, and items of a loose list are
    /// separated by a blank line.
    fn separate_item(&mut self, paragraph: bool, out: &mut String) {
        if paragraph {
            self.mark_loose();
        }
        let n = self.frames.len();
        if n >= 2
            && let Kind::List { loose: true, items, .. } = self.frames[n - 2].kind
            && items > 1
        {
            self.write_line("", out);
        }
    }

    fn mark_loose(&mut self) {
        let n = self.frames.len();
        if n >= 2
            && let Kind::List { loose, .. } = &mut self.frames[n - 2].kind
        {
            *loose = true;
        }
    }

    /// Writes one line of content behind the container prefixes. An empty line is a blank line: it takes the
    /// block quote markers but no list marker, and no trailing spaces.
    fn write_line(&mut self, content: &str, out: &mut String) {
        self.write_line_inner(content, !content.is_empty(), out);
    }

    /// Writes a line that must carry the pending list markers even when it is empty (an empty item).
    fn write_marker_line(&mut self, content: &str, out: &mut String) {
        self.write_line_inner(content, true, out);
    }

    fn write_line_inner(&mut self, content: &str, markers: bool, out: &mut String) {
        let start = out.len();
        for f in &mut self.frames {
            match &mut f.kind {
                Kind::Quote => out.push_str("> "),
                Kind::List { .. } => {}
                Kind::Item { marker, pending, .. } => {
                    if *pending {
                        if markers {
                            out.push_str(marker);
                            *pending = false;
                        }
                    } else {
                        escape::push_repeat(out, ' ', marker.len());
                    }
                }
                Kind::Footnote { label, pending } => {
                    if *pending {
                        if markers {
                            out.push_str("[^");
                            out.push_str(label);
                            out.push_str("]: ");
                            *pending = false;
                        }
                    } else {
                        out.push_str("    ");
                    }
                }
            }
        }
        out.push_str(content);
        if content.is_empty() {
            let trimmed = out[start..].trim_end_matches(' ').len();
            out.truncate(start + trimmed);
        }
        out.push('\n');
    }
}
/// Writes `events` as CommonMark, appending to `out`, with the default options.
///
/// # Example
///
/// ```
/// use html2cmark::pulldown_cmark::{Event, Tag, TagEnd};
/// let mut md = String::new();
/// html2cmark::push_markdown(&mut md, [Event::Start(Tag::Paragraph), Event::Text("*hi*".into()), Event::End(TagEnd::Paragraph)]);
/// assert_eq!(md, "\\*hi*\n");
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
/// html2cmark::write_markdown(&mut md, [Event::Start(Tag::Paragraph), Event::Text("hi".into()), Event::End(TagEnd::Paragraph)])?;
/// assert_eq!(md, b"hi\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
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
/// html2cmark::write_markdown_with(&mut md, [Event::Rule], &html2cmark::Options::default())?;
/// assert_eq!(md, b"---\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
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
