//! Inline content of one leaf block (paragraph, heading, table cell) to CommonMark text.
//!
//! The block's inline events are buffered first, so that every decision can look at both neighbours:
//! which delimiter each emphasis span can use (CommonMark §6.2's flanking rules), and which characters of
//! text need escaping (delegated to [`crate::escape`]).

use std::borrow::Cow;
use std::collections::HashMap;

use crate::escape::{self, AsciiSet, Class, Context, Neighbor, TextEnv};
use crate::refs::Refs;

/// One buffered inline event.
#[derive(Clone, Debug)]
pub(crate) enum Inline {
    Text(String),
    Code(String),
    Html(String),
    SoftBreak,
    HardBreak,
    Start(Span),
    End,
    Task(bool),
    FootnoteRef(String),
    Math { display: bool, text: String },
}

impl Inline {
    /// Roughly how many bytes the item takes when written (to size the output buffer once).
    fn len_hint(&self) -> usize {
        match self {
            Inline::Text(s) | Inline::Code(s) | Inline::Html(s) | Inline::FootnoteRef(s) => s.len() + 2,
            Inline::Math { text, .. } => text.len() + 4,
            Inline::Start(Span::Link { dest, title } | Span::Image { dest, title }) => dest.len() + title.len() + 8,
            _ => 2,
        }
    }
}

/// An inline container.
#[derive(Clone, Debug)]
pub(crate) enum Span {
    Emphasis,
    Strong,
    Strikethrough,
    Superscript,
    Subscript,
    Link { dest: String, title: String },
    Image { dest: String, title: String },
}

/// Writing preferences for inline markup.
#[derive(Clone, Copy, Debug)]
pub(crate) struct InlineStyle {
    pub(crate) strikethrough: bool,
    pub(crate) tables: bool,
    /// `*` or `_`: the emphasis delimiter tried first.
    pub(crate) emphasis: char,
    /// `*` or `_`: the strong delimiter tried first.
    pub(crate) strong: char,
    /// Write hard breaks as two spaces instead of a backslash.
    pub(crate) hard_break_spaces: bool,
    /// Paragraphs are wrapped: record the spaces where a line may break.
    pub(crate) wrap: bool,
}

/// How a span was written.
#[derive(Clone, Debug)]
enum Written {
    /// Delimiter runs, e.g. `*` or `__` or `~~`.
    Delim(char, usize),
    /// Inline HTML tags, when no delimiter can work.
    Html(&'static str),
    /// `[` … `](dest "title")`.
    Link,
    /// `<dest>`; the content was written already.
    Autolink,
}

/// Buffers that [`render`] reuses from block to block: it clears them, so a document's paragraphs share one
/// allocation each instead of making their own.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    ascii: Vec<AsciiSet>,
    after: Vec<u8>,
    open: Vec<usize>,
    link_text: Vec<usize>,
}

impl Scratch {
    /// Items beyond which a buffer is let go after the block, so that one huge paragraph does not pin its
    /// tables for the rest of the document.
    const KEEP: usize = 4096;

    fn release_large(&mut self) {
        fn release<T>(buffer: &mut Vec<T>) {
            if buffer.capacity() > Scratch::KEEP {
                *buffer = Vec::new();
            }
        }
        release(&mut self.ascii);
        release(&mut self.after);
        release(&mut self.open);
        release(&mut self.link_text);
    }
}

/// Renders `items` (the inline content of one block) to Markdown. Lines are separated by `\n`; the caller adds
/// container prefixes. Links are written inline, or as references labelled by `refs` when it is active. In a
/// paragraph to be wrapped, the byte offset of every space written from text is pushed to `spaces`: the places
/// where a line could break (never inside code spans, link destinations, titles or labels, autolinks or HTML).
pub(crate) fn render(
    items: &[Inline],
    ctx: Context,
    style: &InlineStyle,
    refs: &mut Refs,
    spaces: &mut Vec<usize>,
    scratch: &mut Scratch,
) -> String {
    let Scratch {
        ascii,
        after,
        open,
        link_text,
    } = scratch;
    let items = merge_text(items);
    let items = &items[..];
    let n = items.len();
    let mut out = String::with_capacity(items.iter().map(Inline::len_hint).sum::<usize>() + 16);
    // Blocks without spans (most headings and paragraphs) skip the span matching and delimiter choice, whose
    // tables are only read at span items.
    let has_spans = items.iter().any(|item| matches!(item, Inline::Start(_) | Inline::End));
    let end_of = if has_spans { match_ends(items) } else { Vec::new() };
    // One pass over each text for the ASCII characters it holds; the checks below read the sets.
    ascii.clear();
    ascii.extend(items.iter().map(|item| match item {
        Inline::Text(t) => AsciiSet::of(t),
        _ => AsciiSet::default(),
    }));
    let ascii = &ascii[..];
    // For each position, what some item from there on holds: bit 0 `>` (or something written as-is), bit 1
    // `]:`, bit 2 `](`, bit 3 text that could make `]]` (a wikilink's end).
    const GT: u8 = 1;
    const BRACKET: u8 = 2;
    const LINK_CLOSE: u8 = 4;
    const CLOSE: u8 = 8;
    after.clear();
    after.resize(n + 1, 0);
    for i in (0..n).rev() {
        let here = match &items[i] {
            Inline::Text(t) => {
                let closes = ascii[i].has(b']');
                // A `]]` (a wikilink's end) here, or a `]` at an edge that a neighbour's `]` could double.
                let doubles = closes && (t.starts_with(']') || t.ends_with(']') || t.contains("]]"));
                let mut f = if doubles { CLOSE } else { 0 };
                if ascii[i].has(b'>') {
                    f |= GT;
                }
                if closes && t.contains("]:") {
                    f |= BRACKET;
                }
                if closes && t.contains("](") {
                    f |= LINK_CLOSE;
                }
                f
            }
            // Code spans and inline HTML are written as they are, and a link reference definition is found
            // before either is (§4.7).
            Inline::Code(t) | Inline::Html(t) => GT | if t.contains("]:") { BRACKET } else { 0 },
            Inline::SoftBreak | Inline::HardBreak => 0,
            _ => GT,
        };
        after[i] = here | after[i + 1];
    }
    let chosen = if has_spans {
        choose_delimiters(items, &end_of, style, ctx)
    } else {
        Vec::new()
    };
    // Pairing and backtick planning only matter when some run or fence exists.
    let runs_possible = has_spans
        || items.iter().zip(ascii).any(|(item, set)| match item {
            Inline::Text(_) => set.has_any(b"`*_~"),
            Inline::Code(_) | Inline::Html(_) => true,
            _ => false,
        });
    let planned = if runs_possible {
        plan_escapes(items, &end_of, &chosen, style, ctx, ascii)
    } else {
        HashMap::new()
    };

    open.clear();
    let mut link_depth = 0usize;
    // Where the text of each open link or image starts in `out` (a reference label may be that text).
    link_text.clear();
    let mut line_start = true;
    let mut first_line = true;
    let mut after_task = false;
    let mut i = 0;
    while i < n {
        match &items[i] {
            Inline::Text(t) => {
                let line_end = matches!(items.get(i + 1), None | Some(Inline::SoftBreak | Inline::HardBreak));
                let env = TextEnv {
                    ctx,
                    ascii: ascii[i],
                    prev: last_neighbor(&out),
                    next: first_neighbor(items, i + 1, &end_of, &chosen, style, ctx),
                    line_start,
                    first_line,
                    line_end,
                    block_end: i + 1 == n,
                    in_link_text: link_depth > 0,
                    gt_follows: after[i + 1] & GT != 0,
                    link_close_follows: after[i + 1] & LINK_CLOSE != 0,
                    close_follows: after[i + 1] & CLOSE != 0,
                    bracket_follows: after[i + 1] & BRACKET != 0,
                    strikethrough: style.strikethrough,
                    tables: style.tables,
                    after_task_marker: after_task,
                    references: refs.active(),
                };
                let from = out.len();
                escape::push_text(&mut out, t, &env, planned.get(&i).map_or(&[], Vec::as_slice));
                if style.wrap && ctx == Context::Paragraph {
                    spaces.extend(
                        out[from..]
                            .bytes()
                            .enumerate()
                            .filter(|(_, b)| *b == b' ')
                            .map(|(k, _)| from + k),
                    );
                }
                line_start = false;
                after_task = false;
            }
            Inline::Code(c) => {
                if c.is_empty() {
                    out.push_str("<code></code>");
                } else {
                    escape::push_code_span(&mut out, c, ctx == Context::TableCell);
                }
                line_start = false;
                after_task = false;
            }
            Inline::Html(h) => {
                escape::push_inline_html(&mut out, h, ctx);
                line_start = ctx == Context::Paragraph && h.ends_with('\n');
                after_task = false;
            }
            Inline::SoftBreak => {
                if ctx == Context::Paragraph {
                    out.push('\n');
                    line_start = true;
                    first_line = false;
                } else {
                    out.push(' ');
                }
                after_task = false;
            }
            Inline::HardBreak => {
                match ctx {
                    Context::Paragraph => {
                        if i + 1 < n {
                            out.push_str(if style.hard_break_spaces { "  \n" } else { "\\\n" });
                            line_start = true;
                            first_line = false;
                        }
                    }
                    Context::AtxHeading => out.push(' '),
                    Context::TableCell => out.push_str("<br>"),
                }
                after_task = false;
            }
            Inline::Task(checked) => {
                out.push_str(if *checked { "[x] " } else { "[ ] " });
                after_task = true;
            }
            Inline::FootnoteRef(name) => {
                out.push_str("[^");
                out.push_str(name);
                out.push(']');
                line_start = false;
                after_task = false;
            }
            Inline::Math { display, text } => {
                let d = if *display { "$$" } else { "$" };
                out.push_str(d);
                out.push_str(text);
                out.push_str(d);
                line_start = false;
                after_task = false;
            }
            Inline::Start(span) => {
                let e = end_of[i];
                let w = chosen[i].as_ref().unwrap_or(&Written::Link);
                match (w, span) {
                    (Written::Delim(c, k), _) => escape::push_repeat(&mut out, *c, *k),
                    (Written::Html(tag), _) => {
                        out.push('<');
                        out.push_str(tag);
                        out.push('>');
                    }
                    (Written::Link, Span::Image { .. }) => {
                        out.push_str("![");
                        link_depth += 1;
                        link_text.push(out.len());
                    }
                    (Written::Link, _) => {
                        out.push('[');
                        link_depth += 1;
                        link_text.push(out.len());
                    }
                    (Written::Autolink, Span::Link { dest, .. }) => {
                        out.push('<');
                        out.push_str(dest);
                        out.push('>');
                    }
                    (Written::Autolink, _) => {}
                }
                let autolink = matches!(w, Written::Autolink);
                line_start = false;
                after_task = false;
                if autolink {
                    // The content is the destination itself, already written.
                    i = e + usize::from(e < n);
                    continue;
                }
                open.push(i);
            }
            Inline::End => {
                if let Some(s) = open.pop() {
                    match (&chosen[s], &items[s]) {
                        (Some(Written::Delim(c, k)), _) => escape::push_repeat(&mut out, *c, *k),
                        (Some(Written::Html(tag)), _) => {
                            out.push_str("</");
                            out.push_str(tag);
                            out.push('>');
                        }
                        (
                            Some(Written::Link),
                            Inline::Start(Span::Link { dest, title } | Span::Image { dest, title }),
                        ) => {
                            link_depth = link_depth.saturating_sub(1);
                            let text_start = link_text.pop().unwrap_or(out.len());
                            if refs.active() {
                                // §6.3 full and collapsed reference links: `[text][label]`, `[text][]`.
                                let plain = plain_text(&items[s + 1..i]);
                                let label = refs.label(dest, title, &out[text_start..], &plain);
                                out.push_str("][");
                                out.push_str(&label);
                                out.push(']');
                            } else {
                                out.push_str("](");
                                escape::push_link_dest(&mut out, dest, ctx == Context::TableCell);
                                if !title.is_empty() {
                                    out.push(' ');
                                    escape::push_link_title(&mut out, title, ctx == Context::TableCell);
                                }
                                out.push(')');
                            }
                        }
                        _ => {}
                    }
                }
                line_start = false;
                after_task = false;
            }
        }
        i += 1;
    }
    // Spans left open by a truncated event stream.
    while let Some(s) = open.pop() {
        match &chosen[s] {
            Some(Written::Delim(c, k)) => escape::push_repeat(&mut out, *c, *k),
            Some(Written::Html(tag)) => {
                out.push_str("</");
                out.push_str(tag);
                out.push('>');
            }
            Some(Written::Link) => out.push_str("]()"),
            _ => {}
        }
    }
    scratch.release_large();
    out
}

/// The characters of some inline items without their markup (text and code span content, breaks as spaces).
fn plain_text(items: &[Inline]) -> String {
    let mut text = String::new();
    for item in items {
        match item {
            Inline::Text(t) | Inline::Code(t) => text.push_str(t),
            Inline::SoftBreak | Inline::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text
}

/// Chooses how every span of the block is written, in document order, so that text escaping can then be
/// decided knowing every delimiter.
fn choose_delimiters(items: &[Inline], end_of: &[usize], style: &InlineStyle, ctx: Context) -> Vec<Option<Written>> {
    let mut chosen: Vec<Option<Written>> = vec![None; items.len()];
    let mut open: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < items.len() {
        match &items[i] {
            Inline::Start(span) => {
                let prev = char_before(items, i, end_of, &chosen, ctx);
                let e = end_of[i];
                let w = start_span(span, items, i, e, &open, &chosen, end_of, style, ctx, prev);
                let autolink = matches!(w, Written::Autolink);
                chosen[i] = Some(w);
                if autolink {
                    i = e + 1;
                    continue;
                }
                open.push(i);
            }
            Inline::End => {
                open.pop();
            }
            _ => {}
        }
        i += 1;
    }
    chosen
}

/// The last character written before item `i`, given the spans chosen so far.
fn char_before(items: &[Inline], i: usize, end_of: &[usize], chosen: &[Option<Written>], ctx: Context) -> Neighbor {
    let Some(k) = i.checked_sub(1) else {
        return Neighbor::EDGE;
    };
    match &items[k] {
        Inline::Text(t) if written_as_reference(items, k, ctx) && t.chars().count() == 1 => Neighbor::punct(';'),
        Inline::Text(t) => t.chars().next_back().map_or(Neighbor::EDGE, Neighbor::char),
        Inline::SoftBreak | Inline::HardBreak | Inline::Task(_) => Neighbor::EDGE,
        Inline::Code(_) => Neighbor::punct('`'),
        Inline::Html(h) => h.chars().next_back().map_or(Neighbor::EDGE, Neighbor::char),
        Inline::FootnoteRef(_) => Neighbor::punct(']'),
        Inline::Math { .. } => Neighbor::punct('$'),
        Inline::Start(_) => match &chosen[k] {
            Some(Written::Delim(c, _)) => Neighbor::punct(*c),
            Some(Written::Link) => Neighbor::punct('['),
            _ => Neighbor::punct('>'),
        },
        Inline::End => match chosen.get(end_of[k]).and_then(Option::as_ref) {
            Some(Written::Delim(c, _)) => Neighbor::punct(*c),
            Some(Written::Link) => Neighbor::punct(')'),
            _ => Neighbor::punct('>'),
        },
    }
}

/// The class of the last character items `..i` write (approximately: markup is punctuation).
fn class_before(items: &[Inline], i: usize, ctx: Context) -> Class {
    match i.checked_sub(1).map(|k| &items[k]) {
        None | Some(Inline::SoftBreak | Inline::HardBreak) => Class::Space,
        Some(Inline::Text(t)) if written_as_reference(items, i - 1, ctx) && t.chars().count() == 1 => Class::Punct,
        Some(Inline::Text(t)) => t.chars().next_back().map_or(Class::Space, Class::of),
        Some(_) => Class::Punct,
    }
}

/// The class of the first character items `i..` write.
fn class_after(items: &[Inline], i: usize, ctx: Context) -> Class {
    match items.get(i) {
        None | Some(Inline::SoftBreak) => Class::Space,
        Some(Inline::Text(_)) if written_as_reference(items, i, ctx) => Class::Punct,
        Some(Inline::HardBreak) if i + 1 == items.len() => Class::Space,
        Some(Inline::Text(t)) => t.chars().next().map_or(Class::Space, Class::of),
        Some(_) => Class::Punct,
    }
}

/// Whether item `i` starts a line of the output, as `render` tracks it.
fn at_line_start(items: &[Inline], i: usize, ctx: Context) -> bool {
    for k in (0..i).rev() {
        match &items[k] {
            Inline::SoftBreak | Inline::HardBreak if ctx == Context::Paragraph => return true,
            Inline::SoftBreak | Inline::HardBreak | Inline::Task(_) => {}
            Inline::Html(h) => return ctx == Context::Paragraph && h.ends_with('\n'),
            _ => return false,
        }
    }
    true
}

/// Whether text item `i` starts with white space that `escape::push_text` writes as a character reference
/// (white space starting a line): for the flanking rules, that character is `&` … `;`.
fn written_as_reference(items: &[Inline], i: usize, ctx: Context) -> bool {
    matches!(&items[i], Inline::Text(t) if t.starts_with(escape::is_edge_space)) && at_line_start(items, i, ctx)
}

/// Block-wide escaping decisions for delimiter runs and backtick runs in text: for each text item, the
/// characters that must be escaped because they could pair with another run in the same block.
fn plan_escapes(
    items: &[Inline],
    end_of: &[usize],
    chosen: &[Option<Written>],
    style: &InlineStyle,
    ctx: Context,
    ascii: &[AsciiSet],
) -> HashMap<usize, Vec<bool>> {
    // Keyed by item: only text with delimiter or backtick runs has an entry (a block can hold a million items).
    let mut planned: HashMap<usize, Vec<bool>> = HashMap::new();
    // (item, char index, len) for each run, parallel to `runs` / `ticks`.
    let mut run_at = Vec::new();
    let mut runs = Vec::new();
    let mut tick_at = Vec::new();
    let mut ticks = Vec::new();
    // Index in `runs` of each span's opener, to link closers to their openers.
    let mut opener_run: Vec<Option<usize>> = vec![None; items.len()];
    let mut scopes: Vec<usize> = vec![usize::MAX];
    let tick_runs = |s: &str, ticks: &mut Vec<escape::Ticks>, tick_at: &mut Vec<Option<(usize, usize, usize)>>| {
        let mut cur = 0;
        // (Most destinations, titles and tags hold no backtick: one byte search.)
        let s = if s.as_bytes().contains(&b'`') { s } else { "" };
        for c in s.chars().chain(std::iter::once('\0')) {
            if c == '`' {
                cur += 1;
            } else if cur > 0 {
                ticks.push(escape::Ticks {
                    text: false,
                    len: cur,
                    touch: 0,
                    forced: false,
                });
                tick_at.push(None);
                cur = 0;
            }
        }
    };
    let mut i = 0;
    while i < items.len() {
        let scope = scopes.last().copied().unwrap_or(usize::MAX);
        match &items[i] {
            // Text with no delimiter or backtick takes no part in pairing (most text): nothing to collect.
            Inline::Text(_) if !ascii[i].has_any(b"`*_~") => {}
            Inline::Text(t) => {
                let chars: Vec<char> = t.chars().collect();
                planned.insert(i, vec![false; chars.len()]);
                let mut k = 0;
                while k < chars.len() {
                    let c = chars[k];
                    let mut j = k;
                    while j < chars.len() && chars[j] == c {
                        j += 1;
                    }
                    let len = j - k;
                    if c == '`' {
                        // A code span's fence right before or after the run joins it when the run is escaped.
                        let fence_of = |item: Option<&Inline>| match item {
                            Some(Inline::Code(c)) => escape::code_span_fence(c),
                            _ => 0,
                        };
                        let mut touch = 0;
                        if k == 0 {
                            touch = touch.max(fence_of(i.checked_sub(1).and_then(|p| items.get(p))));
                        }
                        if j == chars.len() {
                            touch = touch.max(fence_of(items.get(i + 1)));
                        }
                        // A fence candidate at a line start is escaped by `escape::push_text` in any case.
                        let line_end = matches!(items.get(i + 1), None | Some(Inline::SoftBreak | Inline::HardBreak));
                        let forced = k == 0
                            && at_line_start(items, i, ctx)
                            && len >= 3
                            && (!chars[j..].contains(&'`') || !line_end);
                        ticks.push(escape::Ticks {
                            text: true,
                            len,
                            touch,
                            forced,
                        });
                        tick_at.push(Some((i, k, len)));
                    } else if c == '*' || c == '_' || (c == '~' && style.strikethrough) {
                        let prev = if k == 0 {
                            class_before(items, i, ctx)
                        } else if k == 1 && written_as_reference(items, i, ctx) {
                            // White space starting a line is written as a character reference: `;` precedes.
                            Class::Punct
                        } else {
                            Class::of(chars[k - 1])
                        };
                        let line_end = matches!(items.get(i + 1), None | Some(Inline::SoftBreak | Inline::HardBreak));
                        let next = if j == chars.len() {
                            class_after(items, i + 1, ctx)
                        } else if j + 1 == chars.len() && line_end && escape::is_edge_space(chars[j]) {
                            // Whitespace ending a line is written as a character reference: `&` follows.
                            Class::Punct
                        } else {
                            Class::of(chars[j])
                        };
                        runs.push(escape::Run {
                            ch: c,
                            can_open: escape::can_open(c, len, prev, next),
                            can_close: escape::can_close(c, len, prev, next),
                            text: true,
                            partner: None,
                            opens_span: false,
                            scope,
                        });
                        run_at.push(Some((i, k, len)));
                    }
                    k = j;
                }
            }
            Inline::Start(span) => {
                if let Some(Written::Delim(ch, len)) = chosen[i] {
                    opener_run[i] = Some(runs.len());
                    let prev = char_before(items, i, end_of, chosen, ctx).class;
                    let next = first_neighbor(items, i + 1, end_of, chosen, style, Context::Paragraph).class;
                    runs.push(escape::Run {
                        ch,
                        can_open: true,
                        can_close: escape::can_close(ch, len, prev, next),
                        text: false,
                        partner: None,
                        opens_span: true,
                        scope,
                    });
                    run_at.push(None);
                }
                if let Span::Link { dest, .. } | Span::Image { dest, .. } = span {
                    if matches!(chosen[i], Some(Written::Autolink)) {
                        tick_runs(dest, &mut ticks, &mut tick_at);
                        // The autolink's text is written inside `<…>`, where nothing is markup.
                        i = end_of[i] + 1;
                        continue;
                    }
                    scopes.push(i);
                }
            }
            Inline::End => {
                let s = end_of[i];
                if let Some(Some(Written::Delim(ch, len))) = chosen.get(s) {
                    let partner = opener_run.get(s).copied().flatten();
                    if let Some(p) = partner {
                        runs[p].partner = Some(runs.len());
                    }
                    let (ch, len) = (*ch, *len);
                    let prev = char_before(items, i, end_of, chosen, ctx).class;
                    let next = first_neighbor(items, i + 1, end_of, chosen, style, Context::Paragraph).class;
                    runs.push(escape::Run {
                        ch,
                        can_open: escape::can_open(ch, len, prev, next),
                        can_close: true,
                        text: false,
                        partner,
                        opens_span: false,
                        scope,
                    });
                    run_at.push(None);
                }
                if let Some(Inline::Start(Span::Link { dest, title } | Span::Image { dest, title })) = items.get(s) {
                    // Destination and title are written after the link text.
                    tick_runs(dest, &mut ticks, &mut tick_at);
                    tick_runs(title, &mut ticks, &mut tick_at);
                    scopes.pop();
                }
            }
            Inline::Code(c) => {
                // The fences, and the runs inside: a text run before the span could pair with either.
                let fence = escape::code_span_fence(c);
                ticks.push(escape::Ticks {
                    text: false,
                    len: fence,
                    touch: 0,
                    forced: false,
                });
                tick_at.push(None);
                tick_runs(c, &mut ticks, &mut tick_at);
                ticks.push(escape::Ticks {
                    text: false,
                    len: fence,
                    touch: 0,
                    forced: false,
                });
                tick_at.push(None);
            }
            Inline::Html(h) => tick_runs(h, &mut ticks, &mut tick_at),
            _ => {}
        }
        i += 1;
    }
    let mark = |planned: &mut HashMap<usize, Vec<bool>>, at: Option<(usize, usize, usize)>| {
        if let Some((i, k, len)) = at
            && let Some(marks) = planned.get_mut(&i)
        {
            for e in &mut marks[k..k + len] {
                *e = true;
            }
        }
    };
    for (esc, at) in escape::pairing_escapes(&runs).into_iter().zip(run_at) {
        if esc {
            mark(&mut planned, at);
        }
    }
    for (esc, at) in escape::backtick_escapes(&ticks).into_iter().zip(tick_at) {
        if esc {
            mark(&mut planned, at);
        }
    }
    planned
}

/// Merges adjacent text (and adjacent code spans) and drops empty text, so that escaping sees whole runs.
fn merge_text(items: &[Inline]) -> Cow<'_, [Inline]> {
    let needs_merge = items.iter().enumerate().any(|(i, item)| match item {
        Inline::Text(t) => t.is_empty() || matches!(items.get(i + 1), Some(Inline::Text(_))),
        Inline::Code(_) => matches!(items.get(i + 1), Some(Inline::Code(_))),
        _ => false,
    });
    if !needs_merge {
        return Cow::Borrowed(items);
    }
    let mut merged: Vec<Inline> = Vec::with_capacity(items.len());
    for item in items {
        match (item, merged.last_mut()) {
            (Inline::Text(t), _) if t.is_empty() => {}
            (Inline::Text(t), Some(Inline::Text(prev))) => prev.push_str(t),
            // Adjacent code spans cannot be written apart (their fences would touch): they become one.
            (Inline::Code(c), Some(Inline::Code(prev))) => prev.push_str(c),
            _ => merged.push(item.clone()),
        }
    }
    Cow::Owned(merged)
}

/// For each `Start`, the index of its matching `End` (or `items.len()` when unmatched).
fn match_ends(items: &[Inline]) -> Vec<usize> {
    let mut end_of = vec![items.len(); items.len()];
    let mut stack = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item {
            Inline::Start(_) => stack.push(i),
            Inline::End => {
                if let Some(s) = stack.pop() {
                    end_of[s] = i;
                    end_of[i] = s;
                }
            }
            _ => {}
        }
    }
    end_of
}

fn last_neighbor(out: &str) -> Neighbor {
    match out.chars().next_back() {
        None | Some('\n') => Neighbor::EDGE,
        Some(c) => Neighbor::char(c),
    }
}

/// The first character that items `i..` will write (whitespace at the end of the block or of the line).
fn first_neighbor(
    items: &[Inline],
    i: usize,
    end_of: &[usize],
    written: &[Option<Written>],
    style: &InlineStyle,
    ctx: Context,
) -> Neighbor {
    let Some(item) = items.get(i) else {
        return Neighbor::EDGE;
    };
    match item {
        Inline::Text(_) if written_as_reference(items, i, ctx) => Neighbor::punct('&'),
        Inline::Text(t) => t.chars().next().map_or(Neighbor::EDGE, Neighbor::char),
        Inline::Code(_) => Neighbor::punct('`'),
        Inline::Html(_) => Neighbor::punct('<'),
        Inline::SoftBreak => Neighbor::EDGE,
        Inline::HardBreak => match ctx {
            Context::Paragraph if i + 1 < items.len() && !style.hard_break_spaces => Neighbor::punct('\\'),
            Context::TableCell => Neighbor::punct('<'),
            _ => Neighbor::EDGE,
        },
        Inline::Task(_) | Inline::FootnoteRef(_) => Neighbor::punct('['),
        Inline::Math { .. } => Neighbor::punct('$'),
        Inline::Start(span) => match span {
            Span::Link { dest, .. } => {
                if link_content_is(items, i, end_of, dest) {
                    Neighbor::punct('<')
                } else {
                    Neighbor::punct('[')
                }
            }
            Span::Image { .. } => Neighbor::punct('!'),
            Span::Superscript | Span::Subscript => Neighbor::punct('<'),
            _ => match written.get(i).and_then(Option::as_ref) {
                Some(Written::Delim(c, _)) => Neighbor::punct(*c),
                Some(Written::Html(_)) => Neighbor::punct('<'),
                _ => Neighbor {
                    class: Class::Punct,
                    ch: None,
                },
            },
        },
        Inline::End => {
            let s = end_of[i];
            match written.get(s).and_then(|w| w.as_ref()) {
                Some(Written::Delim(c, _)) => Neighbor::punct(*c),
                Some(Written::Html(_)) => Neighbor::punct('<'),
                Some(Written::Link) => Neighbor::punct(']'),
                _ => Neighbor {
                    class: Class::Punct,
                    ch: None,
                },
            }
        }
    }
}

/// The last character that items `s+1..e` (a span's content) will write.
fn last_content_neighbor(items: &[Inline], s: usize, e: usize, end_of: &[usize]) -> Neighbor {
    if e <= s + 1 {
        return Neighbor::EDGE;
    }
    match &items[e - 1] {
        Inline::Text(t) => t.chars().next_back().map_or(Neighbor::EDGE, Neighbor::char),
        Inline::Code(_) => Neighbor::punct('`'),
        Inline::Html(_) => Neighbor::punct('>'),
        Inline::SoftBreak | Inline::HardBreak => Neighbor::EDGE,
        Inline::Task(_) => Neighbor::EDGE,
        Inline::FootnoteRef(_) => Neighbor::punct(']'),
        Inline::Math { .. } => Neighbor::punct('$'),
        Inline::Start(_) => Neighbor {
            class: Class::Punct,
            ch: None,
        },
        Inline::End => {
            let inner = end_of[e - 1];
            match items.get(inner) {
                Some(Inline::Start(Span::Link { dest, .. })) if link_content_is(items, inner, end_of, dest) => {
                    Neighbor::punct('>')
                }
                Some(Inline::Start(Span::Link { .. } | Span::Image { .. })) => Neighbor::punct(')'),
                Some(Inline::Start(Span::Superscript | Span::Subscript)) => Neighbor::punct('>'),
                _ => Neighbor {
                    class: Class::Punct,
                    ch: None,
                },
            }
        }
    }
}

/// Whether the link starting at `s` can be written as an autolink (its content is its destination).
fn link_content_is(items: &[Inline], s: usize, end_of: &[usize], dest: &str) -> bool {
    let e = end_of[s];
    // An autolink has no title.
    let untitled = matches!(&items[s], Inline::Start(Span::Link { title, .. }) if title.is_empty());
    untitled && e == s + 2 && matches!(&items[s + 1], Inline::Text(t) if escape::autolink_form(dest, t))
}

#[allow(clippy::too_many_arguments)]
fn start_span(
    span: &Span,
    items: &[Inline],
    i: usize,
    e: usize,
    open: &[usize],
    written: &[Option<Written>],
    end_of: &[usize],
    style: &InlineStyle,
    ctx: Context,
    prev: Neighbor,
) -> Written {
    let (candidates, html): (&[(char, usize)], &'static str) = match span {
        Span::Link { dest, .. } => {
            return if link_content_is(items, i, end_of, dest) {
                Written::Autolink
            } else {
                Written::Link
            };
        }
        Span::Image { .. } => return Written::Link,
        Span::Superscript => return Written::Html("sup"),
        Span::Subscript => return Written::Html("sub"),
        Span::Emphasis => {
            if style.emphasis == '_' {
                (&[('_', 1), ('*', 1)], "em")
            } else {
                (&[('*', 1), ('_', 1)], "em")
            }
        }
        Span::Strong => {
            if style.strong == '_' {
                (&[('_', 2), ('*', 2)], "strong")
            } else {
                (&[('*', 2), ('_', 2)], "strong")
            }
        }
        Span::Strikethrough => {
            if style.strikethrough {
                (&[('~', 2)], "del")
            } else {
                (&[], "del")
            }
        }
    };
    if e >= items.len() || e == i + 1 {
        // Unclosed or empty: delimiters cannot express it.
        return Written::Html(html);
    }
    let first = first_neighbor(items, i + 1, end_of, written, style, ctx);
    let last = last_content_neighbor(items, i, e, end_of);
    let next = first_neighbor(items, e + 1, end_of, written, style, ctx);
    // The enclosing span's delimiter, when our closer would touch its closer.
    let parent_char = open.last().and_then(|&p| {
        if end_of[p] == e + 1 {
            match &written[p] {
                Some(Written::Delim(c, _)) => Some(*c),
                _ => None,
            }
        } else {
            None
        }
    });
    // Delimiters of enclosing spans that are still open: reusing one invites mismatched pairing.
    let enclosing: Vec<char> = open
        .iter()
        .filter_map(|&p| match &written[p] {
            Some(Written::Delim(c, _)) => Some(*c),
            _ => None,
        })
        .collect();
    for &(c, k) in candidates {
        if prev.ch == Some(c) || next.ch == Some(c) || first.ch == Some(c) || last.ch == Some(c) {
            continue;
        }
        if parent_char == Some(c) {
            continue;
        }
        if !escape::can_open(c, k, prev.class, first.class) || !escape::can_close(c, k, last.class, next.class) {
            continue;
        }
        // A closer that could also open, or an opener that could also close, may pair with the wrong run.
        let opener_closes = escape::can_close(c, k, prev.class, first.class);
        let closer_opens = escape::can_open(c, k, last.class, next.class);
        let clean = !opener_closes && !closer_opens;
        if clean || !enclosing.contains(&c) {
            return Written::Delim(c, k);
        }
    }
    Written::Html(html)
}
