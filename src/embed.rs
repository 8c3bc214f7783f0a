//! Markdown documents that carry raw HTML (news archives): the Markdown is kept byte for byte, the HTML in it is
//! converted.
//!
//! The document is parsed with pulldown-cmark's offset iterator, with the extensions of
//! [`Options::parser_options`] plus YAML metadata blocks (so that Jekyll front matter is read as such). Then:
//! - An **HTML block** made only of comments (and white space) is kept verbatim: archives keep metadata in them,
//!   such as the epoch-milliseconds timestamp `<!--1697273101000-->`. Every other HTML block is converted with
//!   [`convert_with`](crate::convert_with) and replaces the block, with a blank line before and after it where
//!   the neighbouring lines are not blank, so that it cannot merge with them. Inside block quotes and list items,
//!   each line gets the container's prefix.
//! - **Inline HTML** in a paragraph, heading or tight list item: each run from a tag to the tag that closes it,
//!   with the Markdown between them, is rendered to HTML and converted, and replaces the run. The paragraph is
//!   then parsed again; if the result is not exactly the old events with each run replaced by its conversion
//!   (emphasis delimiters can interact with their new neighbours), the whole paragraph or heading is converted
//!   instead (a tight item's text is then converted whole in its place). Inline comments are kept when a
//!   browser reads them as CommonMark does (not one holding `--!>`, which a browser ends early).
//! - A Markdown **link or image** whose destination the URL policy refuses (`[x](javascript:…)`, an autolink
//!   `<javascript:…>`, a reference to such a definition) is treated like an HTML run: it becomes its text,
//!   unless [`Options::allow_unsafe_urls`].
//! - A **table** holding raw HTML or such a link in a cell is rendered to an HTML table and converted whole.
//! - Everything else (front matter, headings, links, ordinary Markdown, blank lines) is copied unchanged.
//! - A run, tight item text or block whose raw HTML is inert and whose conversion means the same (the writer's
//!   own `<em>`/`<strong>` fallbacks, say) is kept as it is, so that a second pass changes nothing.
//! - With front matter on, the title line (the first heading that is exactly one link) is looked for in the
//!   output, as a second pass would see it.
//!
//! Last, the whole output is parsed again and anything still live (raw HTML that is not
//! [inert](is_inert_html), a refused URL) gets a backslash before its opening character, so that it reads as
//! text: a guarantee that does not rest on the rules above having seen every case.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Parser, Tag, TagEnd};

use crate::Options;
use crate::meta::{self, Metadata};
use crate::stream::events_and_meta;
use crate::url::UrlKind;

type Spanned = (Event<'static>, Range<usize>);

/// Converts the raw HTML in a Markdown document and keeps the rest of it byte for byte, by the rules in this
/// module's documentation.
pub(crate) fn convert_markdown(markdown: &str, options: &Options) -> String {
    let mut part_options = options.clone();
    part_options.front_matter = false;
    // The converted parts are spliced into a document whose other labels we do not own: links stay inline.
    part_options.style.link = crate::LinkStyle::Inline;
    let parser_options = part_options.parser_options() | pulldown_cmark::Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
    let events: Vec<Spanned> = Parser::new_ext(markdown, parser_options)
        .into_offset_iter()
        .map(|(e, r)| (e.into_static(), r))
        .collect();
    let mut ed = Editor {
        md: markdown,
        out: String::with_capacity(markdown.len()),
        pos: 0,
        options: part_options,
        header: Metadata::default(),
        found: Metadata::default(),
    };
    let has_front_matter = matches!(events.first(), Some((Event::Start(Tag::MetadataBlock(_)), _)));
    let mut containers = 0usize;
    let mut i = 0;
    while i < events.len() {
        let (event, range) = &events[i];
        match event {
            Event::Start(Tag::HtmlBlock) => {
                let end = find_end(&events, i);
                let html: String = events[i + 1..end]
                    .iter()
                    .filter_map(|(e, _)| match e {
                        Event::Html(h) => Some(h.as_ref()),
                        _ => None,
                    })
                    .collect();
                if only_comments(&html) {
                    if let Some(date) = epoch_comment(&html) {
                        if ed.header.date.is_none() {
                            ed.header.date = meta::date_from_epoch_ms(date);
                        }
                    }
                } else {
                    let converted = ed.convert(&html);
                    ed.splice_block(range.start..events[end].1.end, &converted, containers > 0);
                }
                i = end + 1;
                continue;
            }
            Event::Start(Tag::Paragraph) | Event::Start(Tag::Heading { .. }) => {
                let end = find_end(&events, i);
                let inner = &events[i + 1..end];
                if inner.iter().any(|(e, _)| needs_conversion(e, &ed.options)) {
                    let whole = range.start..events[end].1.end;
                    ed.inline_block(inner, Some((event, whole)), containers > 0);
                }
                i = end + 1;
                continue;
            }
            Event::Start(Tag::BlockQuote(_)) | Event::Start(Tag::Item) => containers += 1,
            Event::End(TagEnd::BlockQuote(_)) | Event::End(TagEnd::Item) => {
                containers = containers.saturating_sub(1);
            }
            // A table with raw HTML or a refused link in a cell is converted whole: a cell cannot take the
            // converted Markdown of one run in place (a `|` or a line break in it would reshape the table).
            Event::Start(Tag::Table(_)) => {
                let end = find_end(&events, i);
                if events[i..end].iter().any(|(e, _)| needs_conversion(e, &ed.options)) {
                    let html = render_table(&events[i..=end]);
                    let converted = ed.convert(&html);
                    ed.splice_block(range.start..events[end].1.end, &converted, containers > 0);
                }
                i = end + 1;
                continue;
            }
            _ => {}
        }
        // Inline content outside paragraphs and headings: a tight list item's text.
        if is_inline(&events[i].0) {
            let stretch_end = (i..events.len())
                .find(|&k| !is_inline(&events[k].0))
                .unwrap_or(events.len());
            let inner = &events[i..stretch_end];
            if inner.iter().any(|(e, _)| needs_conversion(e, &ed.options)) {
                ed.inline_block(inner, None, true);
            }
            i = stretch_end.max(i + 1);
            continue;
        }
        i += 1;
    }
    ed.out.push_str(&markdown[ed.pos.min(markdown.len())..]);
    let out = neutralize(std::mem::take(&mut ed.out), parser_options, &ed.options);
    ed.out = out;
    if options.front_matter && !has_front_matter {
        // The title line is looked for in the output, as a second pass would see it (a heading converted from
        // HTML can be one), so that the second pass finds the front matter it would write already there.
        let written: Vec<Spanned> = Parser::new_ext(&ed.out, parser_options)
            .into_offset_iter()
            .map(|(e, r)| (e.into_static(), r))
            .collect();
        let mut k = 0;
        while k < written.len() && ed.header.title.is_none() {
            if let Event::Start(Tag::Heading { .. }) = written[k].0 {
                let end = find_end(&written, k);
                ed.header_title(&written[k + 1..end]);
                k = end;
            }
            k += 1;
        }
    }
    let mut meta = ed.header;
    meta.fill_from(&ed.found);
    if options.front_matter && !has_front_matter {
        let yaml = meta.yaml();
        if !yaml.is_empty() {
            return format!("---\n{yaml}---\n{}", ed.out);
        }
    }
    ed.out
}

/// The index of the End matching the Start at `start` (or the last index).
fn find_end(events: &[Spanned], start: usize) -> usize {
    let mut depth = 0usize;
    for (k, (e, _)) in events.iter().enumerate().skip(start) {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return k;
                }
            }
            _ => {}
        }
    }
    events.len().saturating_sub(1)
}

/// Events that live inside a paragraph.
fn is_inline(e: &Event<'_>) -> bool {
    match e {
        Event::Text(_)
        | Event::Code(_)
        | Event::InlineHtml(_)
        | Event::SoftBreak
        | Event::HardBreak
        | Event::FootnoteReference(_)
        | Event::InlineMath(_)
        | Event::TaskListMarker(_) => true,
        Event::Start(t) => matches!(
            t,
            Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. } | Tag::Image { .. }
        ),
        Event::End(t) => matches!(
            t,
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link | TagEnd::Image
        ),
        _ => false,
    }
}

/// Whether an inline event must go through the converter: a tag, a comment or other `<!`/`<?` construct that a
/// browser would read differently from CommonMark (so that markup after it would be live), or the start of a
/// Markdown link or image whose destination the URL policy refuses.
fn needs_conversion(e: &Event<'_>, options: &Options) -> bool {
    match e {
        Event::InlineHtml(h) => tag_effect(h) != TagEffect::Other || !is_inert_html(h),
        Event::Start(Tag::Link { dest_url, .. }) => !url_allowed(dest_url, UrlKind::Link, options),
        Event::Start(Tag::Image { dest_url, .. }) => !url_allowed(dest_url, UrlKind::Image, options),
        _ => false,
    }
}

fn url_allowed(url: &str, kind: UrlKind, options: &Options) -> bool {
    options.allow_unsafe_urls || crate::url::is_allowed(url, kind, options.allow_data_images)
}

/// Whether `html` is only comments and white space, read the same way by CommonMark and by a browser (a browser
/// also ends a comment at `--!>`, and anything after it would be live markup).
fn only_comments(html: &str) -> bool {
    let mut rest = html.trim();
    while !rest.is_empty() {
        let Some(after) = rest.strip_prefix("<!--") else {
            return false;
        };
        let Some(len) = comment_len(after) else {
            return false;
        };
        rest = after[len..].trim();
    }
    true
}

/// The length of a comment's body and end, `body` being what follows its `<!--`, where a browser ends it
/// (HTML § 13.2.5.43ff): `<!-->` and `<!--->` are empty comments; otherwise the first `-->` or `--!>`. `None`
/// when it does not end.
fn comment_len(body: &str) -> Option<usize> {
    if body.starts_with('>') {
        return Some(1);
    }
    if body.starts_with("->") {
        return Some(2);
    }
    match (body.find("-->"), body.find("--!>")) {
        (Some(a), Some(b)) if b < a => Some(b + 4),
        (Some(a), _) => Some(a + 3),
        (None, Some(b)) => Some(b + 4),
        (None, None) => None,
    }
}

/// The number in a block that is exactly `<!--digits-->` (an archive's publication time in epoch milliseconds).
fn epoch_comment(html: &str) -> Option<i64> {
    let inner = html.trim().strip_prefix("<!--")?.strip_suffix("-->")?.trim();
    if inner.is_empty() || inner.len() > 15 || !inner.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    inner.parse().ok()
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum TagEffect {
    Open,
    Close,
    /// A void or self-closing element.
    Void,
    /// A comment, declaration or processing instruction.
    Other,
}

/// What an inline HTML tag does to the nesting of elements.
fn tag_effect(tag: &str) -> TagEffect {
    let t = tag.trim();
    if t.starts_with("<!") || t.starts_with("<?") {
        return TagEffect::Other;
    }
    if t.starts_with("</") {
        return TagEffect::Close;
    }
    let name: String = t
        .trim_start_matches('<')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let void = matches!(
        name.as_str(),
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "source"
            | "track"
            | "wbr"
            | "param"
            | "keygen"
    );
    if void || t.ends_with("/>") {
        TagEffect::Void
    } else {
        TagEffect::Open
    }
}

/// Index ranges (inclusive start, exclusive end) into `inner` of the inline HTML runs: from a tag to where its
/// element closes, widened so that Markdown inline elements are never cut.
fn html_runs(inner: &[Spanned], options: &Options) -> Vec<Range<usize>> {
    let mut runs = Vec::new();
    let mut level = 0usize;
    let mut outer_start = 0usize;
    let mut k = 0;
    while k < inner.len() {
        let e = &inner[k].0;
        if needs_conversion(e, options) {
            let start = if level > 0 { outer_start } else { k };
            let mut html_depth = 0usize;
            let mut md_level = 0usize;
            let mut end = inner.len();
            for (j, (ej, _)) in inner.iter().enumerate().skip(start) {
                match ej {
                    Event::Start(_) => md_level += 1,
                    Event::End(_) => md_level = md_level.saturating_sub(1),
                    Event::InlineHtml(h) => match tag_effect(h) {
                        TagEffect::Open => html_depth += 1,
                        TagEffect::Close => html_depth = html_depth.saturating_sub(1),
                        _ => {}
                    },
                    _ => {}
                }
                if j >= k && html_depth == 0 && md_level == 0 {
                    end = j + 1;
                    break;
                }
            }
            runs.push(start..end);
            level = 0;
            k = end;
            continue;
        }
        match e {
            Event::Start(_) => {
                if level == 0 {
                    outer_start = k;
                }
                level += 1;
            }
            Event::End(_) => level = level.saturating_sub(1),
            _ => {}
        }
        k += 1;
    }
    runs
}

fn esc_html(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

/// Renders inline events as HTML, the way a CommonMark renderer would.
fn render_inline(events: &[Spanned]) -> String {
    let mut out = String::new();
    let mut in_image = 0usize;
    for (e, _) in events {
        if in_image > 0 {
            match e {
                Event::Start(Tag::Image { .. }) => in_image += 1,
                Event::End(TagEnd::Image) => {
                    in_image -= 1;
                    if in_image == 0 {
                        out.push_str("\">");
                    }
                }
                Event::Text(t) | Event::Code(t) => esc_html(t, &mut out),
                Event::SoftBreak | Event::HardBreak => out.push(' '),
                _ => {}
            }
            continue;
        }
        match e {
            Event::Text(t) => esc_html(t, &mut out),
            Event::Code(t) => {
                out.push_str("<code>");
                esc_html(t, &mut out);
                out.push_str("</code>");
            }
            Event::InlineHtml(h) | Event::Html(h) => out.push_str(h),
            Event::SoftBreak => out.push('\n'),
            Event::HardBreak => out.push_str("<br>"),
            Event::TaskListMarker(checked) => {
                out.push_str(if *checked {
                    "<input type=\"checkbox\" checked>"
                } else {
                    "<input type=\"checkbox\">"
                });
            }
            Event::Start(Tag::Emphasis) => out.push_str("<em>"),
            Event::End(TagEnd::Emphasis) => out.push_str("</em>"),
            Event::Start(Tag::Strong) => out.push_str("<strong>"),
            Event::End(TagEnd::Strong) => out.push_str("</strong>"),
            Event::Start(Tag::Strikethrough) => out.push_str("<del>"),
            Event::End(TagEnd::Strikethrough) => out.push_str("</del>"),
            Event::Start(Tag::Link { dest_url, title, .. }) => {
                out.push_str("<a href=\"");
                esc_html(dest_url, &mut out);
                if !title.is_empty() {
                    out.push_str("\" title=\"");
                    esc_html(title, &mut out);
                }
                out.push_str("\">");
            }
            Event::End(TagEnd::Link) => out.push_str("</a>"),
            Event::Start(Tag::Image { dest_url, title, .. }) => {
                out.push_str("<img src=\"");
                esc_html(dest_url, &mut out);
                if !title.is_empty() {
                    out.push_str("\" title=\"");
                    esc_html(title, &mut out);
                }
                out.push_str("\" alt=\"");
                in_image = 1;
            }
            Event::FootnoteReference(t) | Event::InlineMath(t) => esc_html(t, &mut out),
            _ => {}
        }
    }
    out
}

/// Normalises events for comparison: adjacent text merged, link types and ids ignored, the writer's inline HTML
/// fallbacks (`<em>`, `<strong>`, `<del>`) read as the tags they stand for.
fn normalize(events: impl IntoIterator<Item = Event<'static>>) -> Vec<Event<'static>> {
    let mut out: Vec<Event<'static>> = Vec::new();
    for e in events {
        let e = match e {
            Event::Start(Tag::Link { dest_url, title, .. }) => Event::Start(Tag::Link {
                link_type: LinkType::Inline,
                dest_url,
                title,
                id: CowStr::Borrowed(""),
            }),
            Event::Start(Tag::Image { dest_url, title, .. }) => Event::Start(Tag::Image {
                link_type: LinkType::Inline,
                dest_url,
                title,
                id: CowStr::Borrowed(""),
            }),
            Event::InlineHtml(h) => match &*h {
                "<em>" => Event::Start(Tag::Emphasis),
                "</em>" => Event::End(TagEnd::Emphasis),
                "<strong>" => Event::Start(Tag::Strong),
                "</strong>" => Event::End(TagEnd::Strong),
                "<del>" => Event::Start(Tag::Strikethrough),
                "</del>" => Event::End(TagEnd::Strikethrough),
                _ => Event::InlineHtml(h),
            },
            other => other,
        };
        match (out.last_mut(), e) {
            (_, Event::Text(t)) if t.is_empty() => {}
            (Some(Event::Text(prev)), Event::Text(t)) => {
                *prev = CowStr::from(format!("{prev}{t}"));
            }
            (_, e) => out.push(e),
        }
    }
    out
}

/// Whether raw HTML is inert as a browser reads it: text, comments, declarations, processing instructions and
/// tags without attributes of elements that only format text (those [`keep_html`](Options::keep_html) may keep,
/// and `br`, `wbr`, `hr`). A browser ends a comment at `-->` or `--!>` and any other `<!` or `<?` construct at
/// the first `>`, whatever CommonMark thought the construct spanned, so what follows is read as markup again.
pub(crate) fn is_inert_html(html: &str) -> bool {
    let b = html.as_bytes();
    let mut i = 0;
    while let Some(off) = memchr::memchr(b'<', &b[i..]) {
        let at = i + off;
        let rest = &html[at..];
        let after = &b[at + 1..];
        if let Some(body) = rest.strip_prefix("<!--") {
            let Some(end) = comment_len(body) else {
                return true; // the rest of the fragment is comment
            };
            i = at + 4 + end;
        } else if matches!(after.first(), Some(b'!' | b'?'))
            || (after.first() == Some(&b'/') && !after.get(1).is_some_and(u8::is_ascii_alphabetic))
        {
            // A bogus comment up to the first `>`.
            match memchr::memchr(b'>', after) {
                Some(k) => i = at + 1 + k + 1,
                None => return true,
            }
        } else if after.first().is_some_and(u8::is_ascii_alphabetic)
            || (after.first() == Some(&b'/') && after.get(1).is_some_and(u8::is_ascii_alphabetic))
        {
            let close = after[0] == b'/';
            let name_start = at + 1 + usize::from(close);
            let name_len = b[name_start..]
                .iter()
                .take_while(|c| !matches!(c, b' ' | b'\t' | b'\n' | b'\x0c' | b'\r' | b'/' | b'>'))
                .count();
            let name = html[name_start..name_start + name_len].to_ascii_lowercase();
            if !(crate::policy::is_keepable(&name) || matches!(name.as_str(), "br" | "wbr" | "hr")) {
                return false;
            }
            // Nothing but white space and a self-closing slash before the `>`: no attribute.
            let mut k = name_start + name_len;
            while k < b.len() && matches!(b[k], b' ' | b'\t' | b'\n' | b'\x0c' | b'\r' | b'/') {
                k += 1;
            }
            if k < b.len() && b[k] != b'>' {
                return false;
            }
            i = k + 1;
        } else {
            i = at + 1; // `<` as text
        }
        if i >= b.len() {
            break;
        }
    }
    true
}

/// Renders a table's events as an HTML table (cells as [`render_inline`] renders inline content).
fn render_table(events: &[Spanned]) -> String {
    let mut out = String::from("<table>");
    let mut aligns: &[pulldown_cmark::Alignment] = &[];
    let mut in_head = false;
    let mut column = 0;
    let mut k = 0;
    while k < events.len() {
        match &events[k].0 {
            Event::Start(Tag::Table(a)) => aligns = a,
            Event::Start(Tag::TableHead) => {
                in_head = true;
                out.push_str("<thead><tr>");
            }
            Event::End(TagEnd::TableHead) => {
                in_head = false;
                out.push_str("</tr></thead><tbody>");
            }
            Event::Start(Tag::TableRow) => {
                column = 0;
                out.push_str("<tr>");
            }
            Event::End(TagEnd::TableRow) => out.push_str("</tr>"),
            Event::Start(Tag::TableCell) => {
                let end = find_end(events, k);
                let cell = if in_head { "th" } else { "td" };
                let align = match aligns.get(column) {
                    Some(pulldown_cmark::Alignment::Left) => " align=\"left\"",
                    Some(pulldown_cmark::Alignment::Center) => " align=\"center\"",
                    Some(pulldown_cmark::Alignment::Right) => " align=\"right\"",
                    _ => "",
                };
                out.push_str(&format!(
                    "<{cell}{align}>{}</{cell}>",
                    render_inline(&events[k + 1..end])
                ));
                column += 1;
                k = end;
            }
            _ => {}
        }
        k += 1;
    }
    out.push_str("</tbody></table>");
    out
}

/// Makes every piece of markup in `md` that a reader with `parser_options` would find live inert, by escaping
/// its first character: raw HTML that is not [inert](is_inert_html), and links and images whose destination
/// the URL policy refuses. The conversion above already leaves none; this is the guarantee, checked on the
/// whole output, so that a case it missed comes out as visible text rather than as live markup.
fn neutralize(mut md: String, parser_options: pulldown_cmark::Options, options: &Options) -> String {
    for _ in 0..64 {
        let spots = live_spots(&md, parser_options, options);
        if spots.is_empty() {
            return md;
        }
        let mut fixed = String::with_capacity(md.len() + spots.len());
        let mut from = 0;
        for at in spots {
            fixed.push_str(&md[from..at]);
            fixed.push('\\');
            from = at;
        }
        fixed.push_str(&md[from..]);
        md = fixed;
    }
    // Not reached in practice: every pass escapes at least one more opener. Make the rest text by brute force.
    md.replace('<', "&lt;").replace('[', "&#91;")
}

/// The byte offsets of the opening `<` or `[` of each live construct [`neutralize`] escapes, in order.
fn live_spots(md: &str, parser_options: pulldown_cmark::Options, options: &Options) -> Vec<usize> {
    let mut spots = Vec::new();
    let mut block: Option<(usize, String)> = None;
    let opener = |from: usize, set: &[u8]| -> Option<usize> {
        md.as_bytes()[from..]
            .iter()
            .position(|c| set.contains(c))
            .map(|k| from + k)
    };
    for (event, range) in Parser::new_ext(md, parser_options).into_offset_iter() {
        match &event {
            Event::Start(Tag::HtmlBlock) => block = Some((range.start, String::new())),
            Event::Html(h) => {
                if let Some((_, text)) = &mut block {
                    text.push_str(h);
                }
            }
            Event::End(TagEnd::HtmlBlock) => {
                if let Some((start, text)) = block.take()
                    && !is_inert_html(&text)
                {
                    spots.extend(opener(start, b"<"));
                }
            }
            Event::InlineHtml(h) if !is_inert_html(h) => spots.extend(opener(range.start, b"<")),
            Event::Start(Tag::Link { dest_url, .. }) if !url_allowed(dest_url, UrlKind::Link, options) => {
                spots.extend(opener(range.start, b"<["));
            }
            Event::Start(Tag::Image { dest_url, .. }) if !url_allowed(dest_url, UrlKind::Image, options) => {
                spots.extend(opener(range.start, b"<["));
            }
            _ => {}
        }
    }
    spots.sort_unstable();
    spots.dedup();
    spots
}

/// Whether a run's raw HTML is all [inert](is_inert_html) (and its links allowed): only then may it be kept.
fn is_inert_run(events: &[Spanned], options: &Options) -> bool {
    events.iter().all(|(e, _)| match e {
        Event::InlineHtml(h) => is_inert_html(h),
        _ => !needs_conversion(e, options),
    })
}

/// Whether inline events mean the same as the conversion of their HTML (`converted`: one paragraph or heading,
/// or nothing), read as [`normalize`] reads them.
fn same_inline_meaning(original: impl IntoIterator<Item = Event<'static>>, converted: &[Event<'static>]) -> bool {
    let middle = match converted {
        [] => &[][..],
        [
            Event::Start(Tag::Paragraph | Tag::Heading { .. }),
            middle @ ..,
            Event::End(_),
        ] if !middle
            .iter()
            .any(|e| matches!(e, Event::Start(Tag::Paragraph | Tag::Heading { .. }))) =>
        {
            middle
        }
        _ => return false,
    };
    // HTML has no soft line break: its conversion writes a space where the Markdown had a line end.
    let flat = |events: Vec<Event<'static>>| -> Vec<Event<'static>> {
        events
            .into_iter()
            .map(|e| match e {
                Event::Text(t) => Event::Text(t.split_ascii_whitespace().collect::<Vec<_>>().join(" ").into()),
                e => e,
            })
            .collect()
    };
    let soft = |e: Event<'static>| match e {
        Event::SoftBreak => Event::Text(" ".into()),
        e => e,
    };
    flat(normalize(original.into_iter().map(soft))) == flat(normalize(middle.iter().cloned().map(soft)))
}

/// The output being built, and where in the input copying has reached.
struct Editor<'a> {
    md: &'a str,
    out: String,
    pos: usize,
    options: Options,
    /// From the archive header: the epoch comment and the title link.
    header: Metadata,
    /// From the converted HTML.
    found: Metadata,
}

impl Editor<'_> {
    fn convert_events(&mut self, html: &str) -> Vec<Event<'static>> {
        let (events, meta) = events_and_meta(html, &self.options);
        self.found.fill_from(&meta);
        events
    }

    fn convert(&mut self, html: &str) -> String {
        let events = self.convert_events(html);
        let mut md = String::new();
        crate::writer::push_markdown_with(&mut md, events, &self.options);
        md
    }

    /// The title and source from the first heading that is exactly one link (the archive's title line).
    fn header_title(&mut self, inner: &[Spanned]) {
        if self.header.title.is_some() {
            return;
        }
        let (Some((Event::Start(Tag::Link { dest_url, .. }), _)), Some((Event::End(TagEnd::Link), _))) =
            (inner.first(), inner.last())
        else {
            return;
        };
        let mut title = String::new();
        for (e, _) in &inner[1..inner.len() - 1] {
            match e {
                Event::Text(t) | Event::Code(t) => title.push_str(t),
                Event::End(TagEnd::Link) => return,
                _ => {}
            }
        }
        let title = title.trim();
        if !title.is_empty() {
            self.header.title = Some(title.to_string());
            self.header.source = Some(dest_url.to_string());
        }
    }

    /// The start of the line holding `at`, the prefix before `at` on it, and the prefix for further lines.
    fn prefixes(&self, at: usize, in_container: bool) -> (usize, String, String) {
        // (A CR alone ends a line too. Text before `pos` is already in the output: it is never copied again.)
        let line_start = self.md[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let line_start = line_start.max(self.pos.min(at));
        if !in_container {
            return (line_start, String::new(), String::new());
        }
        let first = self.md[line_start..at].to_string();
        let cont = first
            .chars()
            .map(|c| if c == '>' || c == '\t' { c } else { ' ' })
            .collect();
        (line_start, first, cont)
    }

    fn copy_to(&mut self, at: usize) {
        if at > self.pos {
            self.out.push_str(&self.md[self.pos..at]);
            self.pos = at;
        }
    }

    /// Replaces the block at `range` (whole lines) by `converted`, blank lines around it where needed.
    fn splice_block(&mut self, range: Range<usize>, converted: &str, in_container: bool) {
        let (line_start, first, cont) = self.prefixes(range.start, in_container);
        self.copy_to(line_start);
        let blank = format!("{}\n", cont.trim_end());
        let last_line = self
            .out
            .strip_suffix('\n')
            .map(|o| &o[o.rfind('\n').map_or(0, |i| i + 1)..]);
        let blank_before = last_line.is_some_and(|l| !is_blank_line(l));
        let next = &self.md[range.end.min(self.md.len())..];
        let blank_after = !next.is_empty() && !is_blank_line(next.split(['\n', '\r']).next().unwrap_or(""));
        self.pos = range.end.max(self.pos);
        if converted.trim().is_empty() {
            if blank_before && blank_after {
                self.out.push_str(&blank);
            }
            return;
        }
        if blank_before {
            self.out.push_str(&blank);
        }
        self.push_lines(converted, &first, &cont);
        if blank_after {
            self.out.push_str(&blank);
        }
        // A document without a final line end does not gain one (so that a second pass changes nothing).
        if range.end >= self.md.len() && !self.md.ends_with('\n') {
            while self.out.ends_with('\n') {
                self.out.pop();
            }
        }
    }

    fn push_lines(&mut self, text: &str, first: &str, cont: &str) {
        for (k, line) in text.strip_suffix('\n').unwrap_or(text).split('\n').enumerate() {
            let prefix = if k == 0 { first } else { cont };
            if line.is_empty() {
                self.out.push_str(prefix.trim_end());
            } else {
                self.out.push_str(prefix);
                self.out.push_str(line);
            }
            self.out.push('\n');
        }
    }

    /// Inline HTML in a paragraph or heading (`block` is its Start event and whole range) or in a tight item's
    /// text (`block` is `None`).
    fn inline_block(&mut self, inner: &[Spanned], block: Option<(&Event<'static>, Range<usize>)>, in_container: bool) {
        if let Some(spliced) = self.spliced_runs(inner, in_container) {
            for (range, text) in spliced {
                self.copy_to(range.start);
                self.out.push_str(&text);
                self.pos = range.end;
            }
            return;
        }
        let Some((start, whole)) = block else {
            self.replace_item_text(inner, in_container);
            return;
        };
        let body = render_inline(inner);
        let html = match start {
            Event::Start(Tag::Heading { level, .. }) => format!("<{level}>{body}</{level}>"),
            _ => format!("<p>{body}</p>"),
        };
        let events = self.convert_events(&html);
        // A block whose conversion means what it already says (its raw HTML is only the inert tags the writer
        // itself falls back to, say) is kept as it is, so that a second pass changes nothing.
        let original = inner.iter().map(|(e, _)| e.clone());
        if is_inert_run(inner, &self.options) && same_inline_meaning(original, &events) {
            return;
        }
        let mut converted = String::new();
        crate::writer::push_markdown_with(&mut converted, events, &self.options);
        self.splice_block(whole, &converted, in_container);
    }

    /// Converts a tight item's text whole (its runs could not be converted one by one) and puts the result in its
    /// place, continuation lines under the item's prefix. A task marker at its start is kept as it is.
    fn replace_item_text(&mut self, inner: &[Spanned], in_container: bool) {
        // Continuation lines line up with the item's content, which starts where its text (or task marker) does.
        let Some(item_start) = inner.first().map(|(_, r)| r.start) else {
            return;
        };
        let (_, _, cont) = self.prefixes(item_start, in_container);
        let inner = match inner.first() {
            Some((Event::TaskListMarker(_), _)) => &inner[1..],
            _ => inner,
        };
        let (Some(first), Some(end)) = (inner.first(), inner.iter().map(|(_, r)| r.end).max()) else {
            return;
        };
        let start = first.1.start;
        let events = self.convert_events(&format!("<p>{}</p>", render_inline(inner)));
        if is_inert_run(inner, &self.options) && same_inline_meaning(inner.iter().map(|(e, _)| e.clone()), &events) {
            return;
        }
        let mut converted = String::new();
        crate::writer::push_markdown_with(&mut converted, events, &self.options);
        let mut text = String::new();
        for (k, line) in converted.trim_end_matches('\n').split('\n').enumerate() {
            if k > 0 {
                text.push('\n');
                text.push_str(if line.is_empty() { cont.trim_end() } else { &cont });
            }
            text.push_str(line);
        }
        self.copy_to(start);
        self.out.push_str(&text);
        self.pos = end.max(self.pos);
    }

    /// The runs' replacements, when splicing them gives exactly the intended events; `None` otherwise.
    fn spliced_runs(&mut self, inner: &[Spanned], in_container: bool) -> Option<Vec<(Range<usize>, String)>> {
        let first_start = inner.first()?.1.start;
        let last_end = inner.iter().map(|(_, r)| r.end).max()?;
        let (_, _, cont) = self.prefixes(first_start, in_container);
        let mut expected: Vec<Event<'static>> = Vec::new();
        let mut new_text = String::new();
        let mut copied = first_start;
        let mut spliced = Vec::new();
        let mut done = 0;
        for run in html_runs(inner, &self.options) {
            expected.extend(inner[done..run.start].iter().map(|(e, _)| e.clone()));
            done = run.end;
            let events = &inner[run.clone()];
            let only_breaks = events
                .iter()
                .all(|(e, _)| matches!(e, Event::InlineHtml(h) if h.trim_start().get(..3).is_some_and(|t| t.eq_ignore_ascii_case("<br"))));
            if only_breaks {
                return None;
            }
            let range = events.first()?.1.start..events.iter().map(|(_, r)| r.end).max()?;
            let converted = self.convert_events(&render_inline(events));
            if is_inert_run(events, &self.options)
                && same_inline_meaning(events.iter().map(|(e, _)| e.clone()), &converted)
            {
                // Kept as it is (see `inline_block`): its text is copied with what follows it.
                expected.extend(events.iter().map(|(e, _)| e.clone()));
                continue;
            }
            let mut md = String::new();
            let inner_events = match converted.as_slice() {
                [] => &[][..],
                [Event::Start(Tag::Paragraph), middle @ .., Event::End(TagEnd::Paragraph)]
                    if !middle.iter().any(|e| matches!(e, Event::Start(Tag::Paragraph))) =>
                {
                    crate::writer::push_markdown_with(&mut md, converted.iter().cloned(), &self.options);
                    middle
                }
                _ => return None,
            };
            expected.extend(inner_events.iter().cloned());
            let md = md.strip_suffix('\n').unwrap_or(&md).replace('\n', &format!("\n{cont}"));
            new_text.push_str(self.md.get(copied..range.start)?);
            new_text.push_str(&md);
            copied = range.end;
            spliced.push((range, md));
        }
        expected.extend(inner[done..].iter().map(|(e, _)| e.clone()));
        new_text.push_str(self.md.get(copied..last_end)?);
        let parsed: Vec<Event<'static>> = Parser::new_ext(&new_text, self.options.parser_options())
            .map(Event::into_static)
            .collect();
        let parsed_inner = match parsed.as_slice() {
            [] => &[][..],
            [Event::Start(Tag::Paragraph), middle @ .., Event::End(TagEnd::Paragraph)] => middle,
            _ => return None,
        };
        (normalize(parsed_inner.iter().cloned()) == normalize(expected)).then_some(spliced)
    }
}

/// A line with nothing but white space and block-quote markers.
fn is_blank_line(line: &str) -> bool {
    line.chars().all(|c| c == '>' || c.is_whitespace())
}

#[cfg(test)]
mod tests {
    use super::is_inert_html;

    #[test]
    fn inert_html_is_read_as_a_browser_reads_it() {
        for inert in [
            "<!-- note -->",
            "<!---->",
            "<!-->",
            "<!--->",
            "<!DOCTYPE html>",
            "<?php x ?>",
            "<strong>",
            "</strong>",
            "<br>",
            "<br/>",
            "<br />",
            "<kbd>x</kbd>",
            "a < b",
            "<!-- unclosed",
        ] {
            assert!(is_inert_html(inert), "{inert:?}");
        }
        for live in [
            "<img src=x onerror=alert(1)>",
            "<b onclick=alert(1)>",
            "<script>",
            "</script>",
            "<iframe>",
            "<svg>",
            // A browser ends a comment at `--!>` and a `<?` or `<![CDATA[` construct at its first `>`.
            "<!-- a --!> <img src=x onerror=alert(1)> -->",
            "<? > <img src=x onerror=alert(1)> ?>",
            "<![CDATA[ > <img src=x onerror=alert(1)> ]]>",
            "</ x> <b style=x>",
        ] {
            assert!(!is_inert_html(live), "{live:?}");
        }
    }
}
