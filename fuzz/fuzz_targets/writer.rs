//! The writer on arbitrary event sequences: a tree of blocks and inlines (a mirror of the event grammar, built by
//! `arbitrary`) is shaped into what Markdown can express, turned into pulldown-cmark events of the kinds the
//! walker emits, written with `push_markdown_with` in a random `Style`, and parsed back: the events must come
//! back (invariant 1, as `tests/writer_prop.rs` checks with proptest).
//!
//! Shapes no Markdown can express are rewritten before the events are made (`shape_*`), with the same knowledge
//! as `writer_prop`'s `expressible`: a loose list of one item with one block is tight; in a tight item two texts
//! merge (the walker joins them with a hard break), a quote, table or list takes the text, heading or table
//! after it in (it becomes a rule), an HTML block takes everything after it (dropped), a multi-line heading
//! after text would swallow it, and a list after text cannot start with an empty item or at a number other
//! than 1. Inline: links do not nest, breaks neither start nor end a block or a span nor follow each other,
//! spans and code are never empty, and code has no line ends and no edge spaces (the walker trims them).
#![no_main]

mod check;

use arbitrary::{Arbitrary, Unstructured};
use html2cmark::pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, LinkType, Tag, TagEnd};
use html2cmark::{CodeBlockStyle, HardBreakStyle, HeadingStyle, Options};
use libfuzzer_sys::fuzz_target;

/// Pieces that text is made of: Markdown's special characters and the neighbours that change their meaning.
const ATOMS: &[&str] = &[
    "a", "b", "foo", " ", "  ", "\t", "*", "**", "_", "__", "`", "``", "```", "[", "]", "(", ")", "!", "<", ">",
    "<a>", "</a>", "<!--", "-->", "&", "&amp;", "&#42;", "#", "# ", "\\", "-", "- ", "--", "---", "+ ", "=", "==",
    "|", "~", "~~", "~~~", "1.", "1) ", "2. ", ":", "/", "http://x.y", "x@y.z", "$", "'", "\"", "...", "中文", "：",
    "。", "“", "”", "\u{a0}", "\u{b}", "\u{3000}", "[x]", "[ ]", "](", "]:", "^", "{", "}", "    ", "\n",
];

/// Text drawn mostly from [`ATOMS`], sometimes any character.
#[derive(Debug, Clone)]
struct Txt(String);

impl<'a> Arbitrary<'a> for Txt {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let n = u.int_in_range(1..=5)?;
        let mut s = String::new();
        for _ in 0..n {
            if u.ratio(1, 10)? {
                // CommonMark reads NUL as U+FFFD; HTML never yields it as text (html5ever drops or replaces it).
                s.push(match char::arbitrary(u)? {
                    '\0' => '\u{FFFD}',
                    c => c,
                });
            } else {
                s.push_str(u.choose(ATOMS)?);
            }
        }
        Ok(Txt(s))
    }
}

#[derive(Arbitrary, Debug)]
enum In {
    Text(Txt),
    Code(Txt),
    Emph(Vec<In>),
    Strong(Vec<In>),
    Strike(Vec<In>),
    Link(Txt, Txt, Vec<In>),
    Image(Txt, Txt, Txt),
    /// An attribute-free tag the walker keeps with `Unsupported::KeepHtml`.
    Tag(u8, Vec<In>),
    Soft,
    Hard,
}

#[derive(Arbitrary, Debug)]
enum Block {
    Para(Vec<In>),
    Heading(u8, Vec<In>),
    Quote(Vec<Block>),
    List(Option<u32>, bool, Vec<Item>),
    Code(Txt, Vec<Txt>),
    Html(bool, Vec<Txt>),
    Rule,
    Table(Vec<u8>, Vec<Vec<Vec<In>>>),
}

#[derive(Arbitrary, Debug)]
struct Item {
    task: Option<bool>,
    blocks: Vec<Block>,
}

#[derive(Arbitrary, Debug)]
struct StyleChoice {
    setext: bool,
    bullet: u8,
    paren: bool,
    emphasis_underscore: bool,
    strong_underscore: bool,
    code: u8,
    rule: u8,
    hard_spaces: bool,
}

#[derive(Arbitrary, Debug)]
struct Doc {
    style: StyleChoice,
    blocks: Vec<Block>,
}

impl StyleChoice {
    fn options(&self) -> Options {
        let mut o = Options::default();
        o.style.heading = if self.setext { HeadingStyle::Setext } else { HeadingStyle::Atx };
        o.style.bullet = ['-', '*', '+'][usize::from(self.bullet % 3)];
        o.style.ordered_delimiter = if self.paren { ')' } else { '.' };
        o.style.emphasis = if self.emphasis_underscore { '_' } else { '*' };
        o.style.strong = if self.strong_underscore { '_' } else { '*' };
        o.style.code_block = [CodeBlockStyle::Backticks, CodeBlockStyle::Tildes, CodeBlockStyle::Indented]
            [usize::from(self.code % 3)];
        o.style.rule = ["---", "***", "___", "* * *", "- - -", "_ _ _"][usize::from(self.rule % 6)].into();
        o.style.hard_break = if self.hard_spaces { HardBreakStyle::Spaces } else { HardBreakStyle::Backslash };
        o
    }
}

// ---- shaping: what Markdown can express ----

/// Where inline content is written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Where {
    /// A paragraph, a tight item's text, a setext heading: breaks allowed.
    Lines,
    /// An ATX heading: breaks become spaces.
    OneLine,
    /// A table cell: breaks become `<br>` (as the walker writes them).
    Cell,
}

fn txt(t: &Txt) -> String {
    if t.0.is_empty() { "x".to_string() } else { t.0.clone() }
}

/// Code span content as the walker makes it: no line ends, no edge spaces, not empty.
fn code_text(t: &Txt) -> String {
    let s = t.0.replace(['\n', '\r'], " ");
    let s = s.trim_matches(' ');
    if s.is_empty() { "c".to_string() } else { s.to_string() }
}

/// A link destination or image source as the walker makes it: trimmed, no tabs or line ends.
fn dest_text(t: &Txt) -> String {
    t.0.replace(['\t', '\n', '\r'], "").trim_matches(|c: char| c.is_ascii_whitespace()).to_string()
}

/// Image alt text as the walker makes it: HTML white space collapsed, trimmed.
fn alt_text(t: &Txt) -> String {
    let mut out = String::new();
    for word in t.0.split([' ', '\t', '\n', '\r', '\u{c}']).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

const TAGS: &[&str] = &["sup", "sub", "u", "ins", "mark", "small", "big"];

const EMPH: u8 = 1;
const STRONG: u8 = 2;
const STRIKE: u8 = 4;
const LINK: u8 = 8;

/// Shaped inline content, flattened into events. `active` holds the spans around it: like the walker, no span
/// is nested in one of its own kind (links never nest; emphasis, strong and strikethrough collapse).
fn shape_inlines(v: &[In], wh: Where, active: u8, out: &mut Vec<Event<'static>>) {
    let in_link = active & LINK != 0;
    for i in v {
        match i {
            In::Text(t) => out.push(Event::Text(txt(t).into())),
            // Known limit: a code span with `]:` in the text of a link that starts a paragraph makes the line a
            // link reference definition (`[`a]:` …`), and nothing in a code span can be escaped.
            In::Code(t) if in_link => out.push(Event::Code(code_text(t).replace("]:", "] :").into())),
            In::Code(t) => out.push(Event::Code(code_text(t).into())),
            In::Soft | In::Hard => match wh {
                Where::Lines => out.push(if matches!(i, In::Soft) { Event::SoftBreak } else { Event::HardBreak }),
                Where::OneLine => out.push(Event::Text(" ".into())),
                Where::Cell => out.push(Event::InlineHtml("<br>".into())),
            },
            In::Emph(c) => span(out, Tag::Emphasis, EMPH, c, wh, active),
            In::Strong(c) => span(out, Tag::Strong, STRONG, c, wh, active),
            In::Strike(c) => span(out, Tag::Strikethrough, STRIKE, c, wh, active),
            In::Link(d, t, c) => span(
                out,
                Tag::Link {
                    link_type: LinkType::Inline,
                    dest_url: dest_text(d).into(),
                    title: t.0.clone().into(),
                    id: "".into(),
                },
                LINK,
                c,
                wh,
                active,
            ),
            In::Image(d, t, alt) => {
                out.push(Event::Start(Tag::Image {
                    link_type: LinkType::Inline,
                    dest_url: dest_text(d).into(),
                    title: t.0.clone().into(),
                    id: "".into(),
                }));
                let alt = alt_text(alt);
                if !alt.is_empty() {
                    out.push(Event::Text(alt.into()));
                }
                out.push(Event::End(TagEnd::Image));
            }
            In::Tag(k, c) => {
                let tag = TAGS[usize::from(*k) % TAGS.len()];
                out.push(Event::InlineHtml(format!("<{tag}>").into()));
                let at = out.len();
                shape_inlines(c, wh, active, out);
                if !has_content(&out[at..]) {
                    out.push(Event::Text("t".into()));
                }
                out.push(Event::InlineHtml(format!("</{tag}>").into()));
            }
        }
    }
}

fn has_content(events: &[Event<'_>]) -> bool {
    events.iter().any(|e| !matches!(e, Event::SoftBreak | Event::HardBreak))
}

fn span(out: &mut Vec<Event<'static>>, tag: Tag<'static>, bit: u8, c: &[In], wh: Where, active: u8) {
    if active & bit != 0 {
        shape_inlines(c, wh, active, out);
        return;
    }
    let end = tag.to_end();
    out.push(Event::Start(tag));
    let at = out.len();
    shape_inlines(c, wh, active | bit, out);
    if !has_content(&out[at..]) {
        out.push(Event::Text("s".into()));
    }
    out.push(Event::End(end));
}

/// Drops breaks that start or end the block or a span, or follow another break.
fn fix_breaks(events: Vec<Event<'static>>) -> Vec<Event<'static>> {
    let is_break = |e: &Event<'_>| matches!(e, Event::SoftBreak | Event::HardBreak);
    // Kept tags open and close spans too (`<br>` is a break of its own, in cells).
    let opens = |e: &Event<'_>| match e {
        Event::Start(_) => true,
        Event::InlineHtml(h) => !h.starts_with("</") && &**h != "<br>",
        _ => false,
    };
    let closes = |e: &Event<'_>| match e {
        Event::End(_) => true,
        Event::InlineHtml(h) => h.starts_with("</"),
        _ => false,
    };
    let mut out: Vec<Event<'static>> = Vec::with_capacity(events.len());
    for e in events {
        if is_break(&e) && out.last().is_none_or(|p| is_break(p) || opens(p)) {
            continue;
        }
        if closes(&e) {
            while out.last().is_some_and(is_break) {
                out.pop();
            }
        }
        out.push(e);
    }
    while out.last().is_some_and(is_break) {
        out.pop();
    }
    out
}

fn inline_events(v: &[In], wh: Where) -> Vec<Event<'static>> {
    let mut out = Vec::new();
    shape_inlines(v, wh, 0, &mut out);
    let mut out = fix_breaks(out);
    if out.is_empty() {
        out.push(Event::Text("p".into()));
    }
    out
}

/// What a block is, for the rules of a tight item.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Prev {
    None,
    Text,
    /// Quote, table or list: takes paragraph-like blocks after it in without a blank line.
    Takes,
    /// A quote: also takes a quote.
    Quote,
    Other,
}

fn level(l: u8) -> HeadingLevel {
    HeadingLevel::try_from(usize::from(l % 6) + 1).unwrap_or(HeadingLevel::H1)
}

fn heading(out: &mut Vec<Event<'static>>, l: u8, v: &[In], after_text: bool) {
    let level = level(l);
    let wh = if level <= HeadingLevel::H2 && !after_text { Where::Lines } else { Where::OneLine };
    out.push(Event::Start(Tag::Heading { level, id: None, classes: vec![], attrs: vec![] }));
    out.extend(inline_events(v, wh));
    out.push(Event::End(TagEnd::Heading(level)));
}

fn code_block(out: &mut Vec<Event<'static>>, info: &Txt, lines: &[Txt]) {
    let info = info.0.replace(['\n', '\r'], " ");
    let info = info.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\u{b}' || c == '\u{c}');
    out.push(Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info.to_string().into()))));
    if !lines.is_empty() {
        let body: String = lines.iter().map(|l| format!("{}\n", l.0.replace(['\n', '\r'], ""))).collect();
        out.push(Event::Text(body.into()));
    }
    out.push(Event::End(TagEnd::CodeBlock));
}

/// An HTML block: a `<div>` (ends at a blank line) or a comment, lines never blank.
fn html_block(out: &mut Vec<Event<'static>>, comment: bool, lines: &[Txt]) {
    let mut body = String::from(if comment { "<!--" } else { "<div>" });
    body.push('\n');
    for l in lines {
        let mut line = l.0.replace(['\n', '\r', '\t'], " ");
        while comment && line.contains("-->") {
            line = line.replace("-->", "->");
        }
        if line.trim().is_empty() {
            line = "h".into();
        }
        body.push_str(&line);
        body.push('\n');
    }
    body.push_str(if comment { "-->\n" } else { "</div>\n" });
    out.push(Event::Start(Tag::HtmlBlock));
    out.push(Event::Html(body.into()));
    out.push(Event::End(TagEnd::HtmlBlock));
}

fn table(out: &mut Vec<Event<'static>>, aligns: &[u8], rows: &[Vec<Vec<In>>]) {
    let cols = aligns.len().clamp(1, 6);
    let aligns: Vec<Alignment> = (0..cols)
        .map(|c| match aligns.get(c).map_or(0, |a| a % 4) {
            0 => Alignment::None,
            1 => Alignment::Left,
            2 => Alignment::Center,
            _ => Alignment::Right,
        })
        .collect();
    out.push(Event::Start(Tag::Table(aligns)));
    let empty = Vec::new();
    let rows: Vec<&Vec<Vec<In>>> = if rows.is_empty() { vec![&empty] } else { rows.iter().take(4).collect() };
    for (r, row) in rows.iter().enumerate() {
        out.push(Event::Start(if r == 0 { Tag::TableHead } else { Tag::TableRow }));
        for c in 0..cols {
            out.push(Event::Start(Tag::TableCell));
            if let Some(cell) = row.get(c) {
                let mut events = Vec::new();
                shape_inlines(cell, Where::Cell, 0, &mut events);
                out.extend(fix_breaks(events));
            }
            out.push(Event::End(TagEnd::TableCell));
        }
        out.push(Event::End(if r == 0 { TagEnd::TableHead } else { TagEnd::TableRow }));
    }
    out.push(Event::End(TagEnd::Table));
}

/// Blocks of a container where blocks are separated by blank lines (the document, a quote, a loose item).
fn blocks(out: &mut Vec<Event<'static>>, v: &[Block], depth: usize) {
    for b in v {
        block(out, b, depth, false);
    }
}

fn block(out: &mut Vec<Event<'static>>, b: &Block, depth: usize, after_text: bool) {
    // Deep trees add nothing but time.
    if depth > 8 {
        out.push(Event::Rule);
        return;
    }
    match b {
        Block::Para(v) => {
            out.push(Event::Start(Tag::Paragraph));
            out.extend(inline_events(v, Where::Lines));
            out.push(Event::End(TagEnd::Paragraph));
        }
        Block::Heading(l, v) => heading(out, *l, v, after_text),
        Block::Quote(kids) => {
            out.push(Event::Start(Tag::BlockQuote(None)));
            blocks(out, kids, depth + 1);
            out.push(Event::End(TagEnd::BlockQuote(None)));
        }
        Block::List(start, tight, items) => list(out, *start, *tight, items, depth, after_text),
        Block::Code(info, lines) => code_block(out, info, lines),
        Block::Html(comment, lines) => html_block(out, *comment, lines),
        Block::Rule => out.push(Event::Rule),
        Block::Table(aligns, rows) => table(out, aligns, rows),
    }
}

fn list(out: &mut Vec<Event<'static>>, start: Option<u32>, tight: bool, items: &[Item], depth: usize, after_text: bool) {
    let mut start = start.map(|s| u64::from(s % 1_000_000_000));
    let mut items: Vec<&Item> = items.iter().take(5).collect();
    let written = |b: &&Block| produces(b);
    if after_text {
        // §5.2: neither an empty item nor an ordered list not starting at 1 can interrupt a paragraph.
        if start.is_some() {
            start = Some(1);
        }
        while items.first().is_some_and(|i| !i.blocks.iter().any(|b| written(&b))) {
            items.remove(0);
        }
    }
    if !tight {
        // Known limit (a pulldown-cmark bug): a loose list ending with an empty item, in a quote in an item,
        // leaves pulldown-cmark in a state where the next blank line ends the outer item (`- > - a\n  >\n  > -\n\n
        // p` reads `p` outside it). Loose lists here never end with an empty item.
        while items.last().is_some_and(|i| !i.blocks.iter().any(|b| written(&b))) {
            items.pop();
        }
    }
    if items.is_empty() {
        return;
    }
    // A lone item with one block cannot be loose (no blank line could separate anything).
    let tight = tight || (items.len() == 1 && items[0].blocks.iter().filter(written).count() <= 1);
    out.push(Event::Start(Tag::List(start)));
    for item in items {
        out.push(Event::Start(Tag::Item));
        let at = out.len();
        if tight {
            tight_item(out, &item.blocks, depth + 1);
        } else {
            blocks(out, &item.blocks, depth + 1);
        }
        if let Some(checked) = item.task {
            // A task marker goes right before the item's first text.
            let first_text = match out.get(at) {
                Some(Event::Start(Tag::Paragraph)) => Some(at + 1),
                Some(e) if is_inline(e) => Some(at),
                _ => None,
            };
            if let Some(k) = first_text {
                out.insert(k, Event::TaskListMarker(checked));
            }
        }
        out.push(Event::End(TagEnd::Item));
    }
    out.push(Event::End(TagEnd::List(start.is_some())));
}

/// Whether a block (not after text) produces any event: only a list can come out empty.
fn produces(b: &Block) -> bool {
    match b {
        Block::List(_, tight, items) => {
            let items = &items[..items.len().min(5)];
            *tight && !items.is_empty() || items.iter().any(|i| i.blocks.iter().any(produces))
        }
        _ => true,
    }
}

fn is_inline(e: &Event<'_>) -> bool {
    match e {
        Event::Start(t) => matches!(
            t,
            Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. } | Tag::Image { .. }
        ),
        Event::Text(_) | Event::Code(_) | Event::InlineHtml(_) => true,
        _ => false,
    }
}

/// The blocks of a tight item: text is bare, and blocks that would merge without a blank line are rewritten.
fn tight_item(out: &mut Vec<Event<'static>>, v: &[Block], depth: usize) {
    let mut prev = Prev::None;
    for b in v {
        let paragraph_like = matches!(b, Block::Para(_) | Block::Heading(..) | Block::Table(..));
        let merges = match prev {
            Prev::Quote => paragraph_like || matches!(b, Block::Quote(_)),
            Prev::Takes => paragraph_like,
            _ => false,
        };
        if merges {
            out.push(Event::Rule);
            prev = Prev::Other;
            continue;
        }
        prev = match b {
            Block::Para(v) => {
                if prev == Prev::Text {
                    // The walker joins two runs of an item's text with a hard break.
                    out.push(Event::HardBreak);
                }
                out.extend(inline_events(v, Where::Lines));
                Prev::Text
            }
            Block::Html(comment, lines) => {
                // An HTML block takes every line after it up to a blank line.
                html_block(out, *comment, lines);
                return;
            }
            Block::Quote(_) => {
                block(out, b, depth, prev == Prev::Text);
                Prev::Quote
            }
            Block::Table(..) | Block::List(..) => {
                let at = out.len();
                block(out, b, depth, prev == Prev::Text);
                if out.len() == at { prev } else { Prev::Takes }
            }
            _ => {
                block(out, b, depth, prev == Prev::Text);
                Prev::Other
            }
        };
    }
}

fn fuzz(doc: &Doc) {
    let options = doc.style.options();
    let mut events = Vec::new();
    blocks(&mut events, &doc.blocks, 0);
    check::write_and_compare(&events, &options);
}

fuzz_target!(|doc: Doc| fuzz(&doc));
