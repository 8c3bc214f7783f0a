//! Events from handlers ([`Action`](crate::Action)), replayed through the walker's state machine.
//!
//! A handler's events are a description, not output: each one is mapped onto what the walker would do for
//! the HTML that means the same (`Start(Strong)` is a `<strong>`, `Start(Paragraph)` a `<p>`, `Text` a text
//! node), so they get the walker's guarantees: balanced and well nested, placed for their context (blocks
//! inside a heading become spaces, inside a table cell `<br>`; paragraphs in a tight list item become runs
//! joined by hard breaks), link and image URLs through the URL policy, raw HTML only where Markdown can hold
//! it. An `End` closes the innermost open `Start` of its kind (and what was opened inside it); an `End` with no
//! such `Start` is ignored. Nothing here recurses on the events' nesting: constructs taken whole (code blocks,
//! images, tables) are collected iteratively, and table cells are replayed by nested walkers in which tables
//! are only block boundaries.

use std::mem::{Discriminant, discriminant};

use pulldown_cmark::{Alignment, CodeBlockKind, Event, Tag, TagEnd};

use super::{CellRoot, Ctx, FrameKind, Inline, MAX_TABLE_SCANS, Walker};
use crate::policy;
use crate::rules::{self, LinkPlan};
use crate::url::UrlKind;

/// A `Start` being replayed: the kind of `End` that closes it and the frame-stack length to return to.
struct Open {
    end: Discriminant<TagEnd>,
    frames: usize,
}

type Events = std::vec::IntoIter<Event<'static>>;

impl Walker {
    /// Replays `events` at the current position. With `keep_open` ([`Action::Wrap`](crate::Action::Wrap)),
    /// what they leave open stays open for the element's content (closed when the element is left); otherwise
    /// it is closed at the end.
    pub(super) fn replay(&mut self, events: Vec<Event<'static>>, keep_open: bool) {
        let base = self.frames.len();
        let mut open: Vec<Open> = Vec::new();
        let loose = list_looseness(&events);
        let mut events = events.into_iter();
        while let Some(event) = events.next() {
            match event {
                Event::Start(tag) => {
                    let end = discriminant(&tag.to_end());
                    // The index of this event, for the looseness of a list it starts.
                    let at = loose.len() - events.len() - 1;
                    let loose = loose.get(at).copied().unwrap_or(false);
                    if let Some(frames) = self.replay_start(tag, &mut events, loose) {
                        open.push(Open { end, frames });
                    }
                }
                Event::End(end) => {
                    let end = discriminant(&end);
                    if let Some(k) = open.iter().rposition(|o| o.end == end) {
                        self.pop_to(open[k].frames);
                        open.truncate(k);
                    }
                }
                leaf => self.replay_leaf(leaf),
            }
        }
        if !keep_open {
            self.pop_to(base);
        }
    }

    /// Pops frames until `len` are left (never the root).
    fn pop_to(&mut self, len: usize) {
        while self.frames.len() > len.max(1) {
            self.pop();
        }
    }

    /// Content directly in a list goes into an item, as in [`enter`](Walker::enter).
    fn ensure_item(&mut self) {
        if matches!(self.top().kind, FrameKind::List { .. }) {
            self.push_implicit_item();
        }
    }

    fn inline_only(&self) -> bool {
        matches!(self.ctx(), Ctx::Heading | Ctx::Cell)
    }

    /// Replays a `Start`; returns the frame-stack length its `End` returns to, or `None` when the construct
    /// was taken whole (its events up to the matching `End` consumed from `rest`). `loose`: for a list, whether
    /// it must be loose ([`list_looseness`]).
    fn replay_start(&mut self, tag: Tag<'static>, rest: &mut Events, loose: bool) -> Option<usize> {
        if matches!(tag, Tag::Item) && matches!(self.top().kind, FrameKind::List { .. }) {
            let at = self.frames.len();
            self.start_item();
            return Some(at);
        }
        self.ensure_item();
        let at = self.frames.len();
        let inline_only = self.inline_only();
        let deep = self.top().depth >= self.options.max_depth;
        match tag {
            Tag::Heading { level, .. } if !inline_only => {
                self.end_run();
                self.push(FrameKind::Heading(level), false);
            }
            Tag::BlockQuote(_) if !inline_only && !deep => {
                self.block(Event::Start(Tag::BlockQuote(None)));
                self.push(FrameKind::Quote, true);
            }
            Tag::List(start) if !inline_only && !deep => self.replay_list(start, loose),
            Tag::Table(aligns) if !inline_only && self.options.tables && self.top().table_depth < MAX_TABLE_SCANS => {
                let inner = take_inner(rest);
                self.replay_table(aligns, inner);
                return None;
            }
            Tag::CodeBlock(kind) => {
                let text = clean(&plain_text(&take_inner(rest), "\n"));
                if inline_only {
                    self.code_text(&text);
                } else {
                    self.replay_code_block(kind, text);
                }
                return None;
            }
            Tag::HtmlBlock => {
                let html = plain_text(&take_inner(rest), "\n");
                self.raw_html(&html);
                return None;
            }
            Tag::MetadataBlock(_) => {
                take_inner(rest);
                return None;
            }
            Tag::Image { dest_url, title, .. } => {
                let alt = rules::collapse(&clean(&plain_text(&take_inner(rest), " ")));
                self.replay_image(&dest_url, title.into_string(), alt.trim_matches(' '));
                return None;
            }
            Tag::Link { dest_url, title, .. } => {
                if self.top().active & Inline::Link(String::new(), String::new()).bit() != 0 {
                    self.transparent();
                    return Some(at);
                }
                let Some(href) = self.resolve_link(&dest_url) else {
                    self.transparent();
                    return Some(at);
                };
                match rules::link_plan(&href, &self.options) {
                    LinkPlan::Drop => {
                        take_inner(rest);
                        return None;
                    }
                    LinkPlan::Unlink => {
                        self.transparent();
                    }
                    LinkPlan::Link { dest, .. } => self.push_inline(Inline::Link(dest, title.into_string())),
                }
            }
            Tag::Emphasis => self.push_inline(Inline::Emph),
            Tag::Strong => self.push_inline(Inline::Strong),
            Tag::Strikethrough if self.options.strikethrough => self.push_inline(Inline::Strike),
            Tag::Strikethrough => {
                self.transparent();
            }
            Tag::Superscript => self.push_inline(Inline::Html("sup".into())),
            Tag::Subscript => self.push_inline(Inline::Html("sub".into())),
            // Paragraphs, items outside lists, table parts outside a table written as one, definition lists,
            // footnote definitions, and blocks where blocks cannot go: block boundaries around their content.
            _ => {
                self.div();
            }
        }
        Some(at)
    }

    fn replay_leaf(&mut self, event: Event<'static>) {
        match event {
            Event::Text(t) => {
                self.ensure_item();
                self.flow_text(&clean(&t));
            }
            Event::Code(c) | Event::InlineMath(c) | Event::DisplayMath(c) => {
                self.ensure_item();
                self.code_text(&clean(&c));
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                self.ensure_item();
                self.raw_html(&h);
            }
            Event::FootnoteReference(name) => {
                self.ensure_item();
                self.literal(&format!("[^{}]", clean(&name)));
            }
            Event::SoftBreak => self.soft_space(),
            Event::HardBreak => self.line_break(),
            Event::Rule => {
                self.ensure_item();
                if self.inline_only() {
                    self.boundary();
                } else {
                    self.block(Event::Rule);
                }
            }
            Event::TaskListMarker(checked) => {
                if self.options.task_lists && self.top().in_item && self.item_fresh && self.run.is_none() {
                    self.task = Some(checked);
                }
            }
            Event::Start(_) | Event::End(_) => {}
        }
    }

    /// A list, tight unless its items need to be loose (see [`list_looseness`]).
    fn replay_list(&mut self, start: Option<u64>, loose: bool) {
        let ordered = start.is_some();
        let mut start = start.map(|s| s.min(999_999_999));
        // CommonMark §5.2, as in `Walker::list`: a list not starting at 1 cannot interrupt a tight item's text.
        if self.ctx() == Ctx::Tight && self.run.is_some() && start.is_some_and(|s| s != 1) {
            start = Some(1);
        }
        let tight = !loose;
        self.block(Event::Start(Tag::List(start)));
        self.push(
            FrameKind::List {
                ordered,
                tight,
                items: false,
                start,
            },
            true,
        );
    }

    fn replay_code_block(&mut self, kind: CodeBlockKind<'static>, mut text: String) {
        let lang = match kind {
            CodeBlockKind::Fenced(info) => clean(&info).replace(['\n', '\r'], " ").trim().to_string(),
            CodeBlockKind::Indented => String::new(),
        };
        text = text.replace("\r\n", "\n").replace('\r', "\n");
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        self.block(Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang.into()))));
        if !text.is_empty() {
            self.emit(Event::Text(text.into()));
        }
        self.emit(Event::End(TagEnd::CodeBlock));
    }

    fn replay_image(&mut self, dest: &str, title: String, alt: &str) {
        match self.url(dest, UrlKind::Image) {
            Some(src) => {
                self.content();
                self.emit(Event::Start(rules::link_tag(src, clean(&title), true)));
                if !alt.is_empty() {
                    self.emit(Event::Text(alt.to_string().into()));
                }
                self.emit(Event::End(TagEnd::Image));
            }
            None => self.flow_text(alt),
        }
    }

    /// A GFM table from the events between `Start(Table)` and its `End`: rows from `TableHead` and `TableRow`
    /// (the head row, else the first row, is the header), cells from `TableCell`; events outside any cell go
    /// into a cell of their own. Every row gets as many cells as the widest; each cell is replayed by a nested
    /// walker, inline only.
    fn replay_table(&mut self, aligns: Vec<Alignment>, inner: Vec<Event<'static>>) {
        let rows = table_rows(inner);
        if rows.is_empty() {
            return;
        }
        let head = rows.iter().position(|(head, _)| *head).unwrap_or(0);
        let width = rows
            .iter()
            .map(|(_, cells)| cells.len())
            .chain([aligns.len(), 1])
            .max()
            .unwrap_or(1);
        let mut aligns = aligns;
        aligns.resize(width, Alignment::None);
        let mut out = vec![Event::Start(Tag::Table(aligns))];
        let order = std::iter::once(head).chain((0..rows.len()).filter(|&i| i != head));
        for (n, i) in order.enumerate() {
            let (start, end) = if n == 0 {
                (Tag::TableHead, TagEnd::TableHead)
            } else {
                (Tag::TableRow, TagEnd::TableRow)
            };
            out.push(Event::Start(start));
            for c in 0..width {
                out.push(Event::Start(Tag::TableCell));
                if let Some(cell) = rows[i].1.get(c) {
                    let mut w = self.nested(CellRoot::Cell);
                    w.replay(cell.clone(), false);
                    w.finish();
                    out.extend(w.take());
                }
                out.push(Event::End(TagEnd::TableCell));
            }
            out.push(Event::End(end));
        }
        out.push(Event::End(TagEnd::Table));
        self.end_run();
        self.open_lazy_blocks();
        self.join = false;
        self.task = None;
        for e in out {
            self.emit(e);
        }
    }

    /// Raw HTML from a handler, split into tags and text. Tags that start HTML blocks become blocks of their
    /// own where a block can go (and are dropped elsewhere); other tags are inline HTML, held back until visible
    /// content follows when they would start a paragraph (a tag alone on a line would read back as an HTML
    /// block). Comments, declarations and processing instructions are dropped; text is text.
    fn raw_html(&mut self, html: &str) {
        let mut rest = html;
        while let Some(lt) = rest.find('<') {
            self.flow_text(&clean(&rest[..lt]));
            rest = &rest[lt..];
            let Some((len, name)) = scan_tag(rest) else {
                // Not a tag: `<` is text.
                self.literal("<");
                rest = &rest[1..];
                continue;
            };
            let tag = &rest[..len];
            rest = &rest[len..];
            let Some(name) = name else { continue };
            let tag = tag.replace(['\n', '\r', '\t'], " ");
            if policy::is_html_block_tag(name) {
                if self.can_hold_html_block() {
                    self.end_run();
                    self.html_block(tag);
                }
            } else if self.run.is_some() && !(self.breaks >= 2 && matches!(self.ctx(), Ctx::Para | Ctx::Tight)) {
                self.content();
                self.emit(Event::InlineHtml(tag.into()));
            } else {
                self.pending_html.push(tag);
            }
        }
        self.flow_text(&clean(rest));
    }
}

/// The events up to the `End` that closes the construct just started (consumed, not returned).
fn take_inner(rest: &mut Events) -> Vec<Event<'static>> {
    let mut depth = 0usize;
    let mut inner = Vec::new();
    for e in rest.by_ref() {
        match &e {
            Event::Start(_) => depth += 1,
            Event::End(_) if depth == 0 => break,
            Event::End(_) => depth -= 1,
            _ => {}
        }
        inner.push(e);
    }
    inner
}

/// The text the events carry (text, code, math, raw HTML), breaks as `br`.
fn plain_text(events: &[Event<'_>], br: &str) -> String {
    let mut out = String::new();
    for e in events {
        match e {
            Event::Text(t)
            | Event::Code(t)
            | Event::InlineMath(t)
            | Event::DisplayMath(t)
            | Event::Html(t)
            | Event::InlineHtml(t) => out.push_str(t),
            Event::SoftBreak | Event::HardBreak => out.push_str(br),
            _ => {}
        }
    }
    out
}

/// Text as an HTML parser would have given it: NUL becomes U+FFFD.
fn clean(text: &str) -> String {
    text.replace('\0', "\u{FFFD}")
}

/// For each `Start(List)` in `events`, whether that list must be loose, by the rules of [`rules::list_plan`]:
/// an item holds a paragraph, or inline content after a nested list, block quote or table (it would read back
/// as a lazy continuation of that block); but a lone item holding one paragraph is tight (no blank line can
/// separate anything in it). One pass over the events (an `End` closes whatever is open innermost, as the
/// nesting the looseness is decided on); other positions are `false`.
fn list_looseness(events: &[Event<'_>]) -> Vec<bool> {
    #[derive(Default)]
    struct List {
        index: usize,
        items: usize,
        paragraphs: usize,
        others: usize,
        after_block: bool,
        loose: bool,
    }
    impl List {
        fn loose(&self) -> bool {
            self.loose && !(self.items == 1 && self.paragraphs == 1 && self.others == 0)
        }
    }
    let mut out = vec![false; events.len()];
    // The open tags, innermost last; lists with their counts.
    let mut stack: Vec<Option<List>> = Vec::new();
    for (i, e) in events.iter().enumerate() {
        let n = stack.len();
        match e {
            Event::Start(tag) => {
                if let Some(Some(list)) = stack.last_mut() {
                    // Directly in the list.
                    if matches!(tag, Tag::Item) {
                        list.items += 1;
                        list.after_block = false;
                    }
                } else if let Some(Some(list)) = n.checked_sub(2).and_then(|k| stack.get_mut(k)) {
                    // Directly in one of its items.
                    if matches!(tag, Tag::Paragraph) {
                        list.loose = true;
                        list.paragraphs += 1;
                    } else {
                        list.loose |= is_inline_tag(tag) && list.after_block;
                        list.others += 1;
                    }
                }
                let list = matches!(tag, Tag::List(_)).then(|| List {
                    index: i,
                    ..List::default()
                });
                stack.push(list);
            }
            Event::End(end) => {
                if let Some(Some(list)) = stack.pop() {
                    out[list.index] = list.loose();
                }
                let hard = matches!(end, TagEnd::List(_) | TagEnd::BlockQuote(_) | TagEnd::Table);
                if let Some(Some(list)) = n.checked_sub(3).and_then(|k| stack.get_mut(k)) {
                    list.after_block |= hard;
                }
            }
            Event::SoftBreak | Event::HardBreak | Event::TaskListMarker(_) => {}
            _ => {
                if let Some(Some(list)) = n.checked_sub(2).and_then(|k| stack.get_mut(k)) {
                    list.loose |= list.after_block;
                    list.others += 1;
                }
            }
        }
    }
    for list in stack.into_iter().flatten() {
        out[list.index] = list.loose();
    }
    out
}

fn is_inline_tag(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

/// Rows of a table's events: (whether the row is the head, its cells' events).
fn table_rows(inner: Vec<Event<'static>>) -> Vec<(bool, Vec<Vec<Event<'static>>>)> {
    enum Kind {
        CellStart,
        CellEnd,
        RowStart(bool),
        RowEnd,
        Open,
        Close,
        Leaf,
    }
    type Row = (bool, Vec<Vec<Event<'static>>>);
    fn flush(cell: &mut Option<Vec<Event<'static>>>, row: &mut Option<Row>) {
        if let Some(c) = cell.take() {
            row.get_or_insert((false, Vec::new())).1.push(c);
        }
    }
    let mut rows: Vec<Row> = Vec::new();
    let mut row: Option<Row> = None;
    let mut cell: Option<Vec<Event<'static>>> = None;
    // Nesting inside the current cell.
    let mut depth = 0usize;
    for e in inner {
        let kind = match &e {
            Event::Start(Tag::TableCell) => Kind::CellStart,
            Event::End(TagEnd::TableCell) => Kind::CellEnd,
            Event::Start(Tag::TableHead) => Kind::RowStart(true),
            Event::Start(Tag::TableRow) => Kind::RowStart(false),
            Event::End(TagEnd::TableHead | TagEnd::TableRow) => Kind::RowEnd,
            Event::Start(_) => Kind::Open,
            Event::End(_) => Kind::Close,
            _ => Kind::Leaf,
        };
        if let Some(c) = cell.as_mut().filter(|_| depth > 0) {
            // Inside a cell, below its top level: everything belongs to the cell.
            match kind {
                Kind::Open | Kind::CellStart | Kind::RowStart(_) => depth += 1,
                Kind::Close | Kind::CellEnd | Kind::RowEnd => depth -= 1,
                Kind::Leaf => {}
            }
            c.push(e);
            continue;
        }
        match kind {
            Kind::RowStart(head) => {
                flush(&mut cell, &mut row);
                rows.extend(row.take());
                row = Some((head, Vec::new()));
            }
            Kind::RowEnd => {
                flush(&mut cell, &mut row);
                rows.extend(row.take());
            }
            Kind::CellStart => {
                flush(&mut cell, &mut row);
                row.get_or_insert((false, Vec::new()));
                cell = Some(Vec::new());
            }
            Kind::CellEnd => flush(&mut cell, &mut row),
            // An `End` closing nothing here: ignored.
            Kind::Close => {}
            Kind::Open | Kind::Leaf => {
                // Content outside any cell goes into a cell of its own.
                if matches!(kind, Kind::Open) {
                    depth = 1;
                }
                row.get_or_insert((false, Vec::new()));
                cell.get_or_insert_with(Vec::new).push(e);
            }
        }
    }
    flush(&mut cell, &mut row);
    rows.extend(row);
    rows
}

/// Scans the markup at the start of `s` (which starts with `<`): a tag, comment, declaration or processing
/// instruction. Returns its length and, for a tag, its name; `None` when `s` does not start one (the `<` is
/// text).
fn scan_tag(s: &str) -> Option<(usize, Option<&str>)> {
    let body = &s[1..];
    if let Some(comment) = body.strip_prefix("!--") {
        let end = comment.find("-->").map_or(s.len(), |i| 4 + i + 3);
        return Some((end, None));
    }
    if body.starts_with(['!', '?']) {
        return Some((s.find('>').map_or(s.len(), |i| i + 1), None));
    }
    let name_start = usize::from(body.starts_with('/'));
    let name_len = body[name_start..]
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or(body.len() - name_start);
    let name = &body[name_start..name_start + name_len];
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    // The tag ends at the first `>` outside quoted attribute values.
    let mut quote = None;
    for (i, c) in s.char_indices().skip(1 + name_start + name_len) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return Some((i + 1, Some(name))),
            (None, '<') => return None,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_scanned() {
        assert_eq!(scan_tag("<b>x"), Some((3, Some("b"))));
        assert_eq!(scan_tag("</span >"), Some((8, Some("span"))));
        assert_eq!(scan_tag("<a title='>'>"), Some((13, Some("a"))));
        assert_eq!(scan_tag("<x-y/>"), Some((6, Some("x-y"))));
        assert_eq!(scan_tag("<!-- c -->x"), Some((10, None)));
        assert_eq!(scan_tag("<!-- c"), Some((6, None)));
        assert_eq!(scan_tag("<!DOCTYPE html>"), Some((15, None)));
        assert_eq!(scan_tag("< b>"), None);
        assert_eq!(scan_tag("<1>"), None);
        assert_eq!(scan_tag("<b"), None);
        assert_eq!(scan_tag("<b <i>"), None);
    }

    #[test]
    fn lists_are_loose_where_markdown_needs_it() {
        use Event::*;
        let item = |inner: Vec<Event<'static>>| {
            let mut v = vec![Start(Tag::Item)];
            v.extend(inner);
            v.push(End(TagEnd::Item));
            v
        };
        let list = |items: Vec<Event<'static>>| {
            let mut v = vec![Start(Tag::List(None))];
            v.extend(items);
            v.push(End(TagEnd::List(false)));
            list_looseness(&v)[0]
        };
        let para = vec![Start(Tag::Paragraph), Text("a".into()), End(TagEnd::Paragraph)];
        assert!(!list(item(vec![Text("a".into())])));
        assert!(!list(item(para.clone())));
        let two = [item(para.clone()), item(vec![Text("b".into())])].concat();
        assert!(list(two));
        let nested = item(vec![
            Text("a".into()),
            Start(Tag::List(None)),
            Start(Tag::Item),
            Text("b".into()),
            End(TagEnd::Item),
            End(TagEnd::List(false)),
            Text("c".into()),
        ]);
        assert!(list(nested.clone()));
        // Without the text after it, the nested list needs no blank line; and the inner list is tight.
        let tight = item(vec![
            Text("a".into()),
            Start(Tag::List(None)),
            Start(Tag::Item),
            Text("b".into()),
            End(TagEnd::Item),
            End(TagEnd::List(false)),
        ]);
        assert!(!list(tight));
        let all = [vec![Start(Tag::List(None))], nested, vec![End(TagEnd::List(false))]].concat();
        assert!(list_looseness(&all)[0] && !list_looseness(&all)[3]);
    }
}
