//! One small function per element family: the decisions that look at an element's attributes or at a
//! finished subtree (lists, code, images, media, tables). The walker calls them; none of them recurses on
//! document depth.

use std::borrow::Cow;

use pulldown_cmark::{Alignment, CowStr, Event, HeadingLevel, LinkType, Tag, TagEnd};

use crate::dom::{Kind, Node};
use crate::policy;
use crate::url::{self, UrlKind};
use crate::walk::{CellRoot, Walker};
use crate::{Options, ShareLinks};

/// How many leading items decide whether a list is loose, so that a streaming converter can decide before
/// the list has ended (DESIGN.md, "container decisions").
pub(crate) const LIST_LOOKAHEAD: usize = 16;

/// Elements that end the current paragraph and hold blocks or inline runs, but write no Markdown of their own.
pub(crate) fn is_div_like(tag: &str) -> bool {
    matches!(
        tag,
        "div"
            | "p"
            | "section"
            | "article"
            | "main"
            | "header"
            | "footer"
            | "aside"
            | "nav"
            | "address"
            | "center"
            | "figure"
            | "figcaption"
            | "form"
            | "fieldset"
            | "legend"
            | "details"
            | "dl"
            | "dd"
            | "hgroup"
            | "search"
            | "body"
            | "table"
            | "caption"
            | "thead"
            | "tbody"
            | "tfoot"
            | "tr"
            | "td"
            | "th"
            | "li"
            | "ul"
            | "ol"
            | "menu"
            | "dir"
            | "blockquote"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "listing"
            | "xmp"
            | "plaintext"
            | "pre"
            | "dialog"
            | "frameset"
            | "frame"
    )
}

/// The HTML formatting elements of the adoption agency algorithm: below an open one, nothing is final yet.
pub(crate) fn is_formatting(tag: &str) -> bool {
    matches!(
        tag,
        "a" | "b" | "big" | "code" | "em" | "font" | "i" | "nobr" | "s" | "small" | "strike" | "strong" | "tt" | "u"
    )
}

/// Heading level of `h1`…`h6`.
pub(crate) fn heading_level(tag: &str) -> Option<HeadingLevel> {
    Some(match tag {
        "h1" => HeadingLevel::H1,
        "h2" => HeadingLevel::H2,
        "h3" => HeadingLevel::H3,
        "h4" => HeadingLevel::H4,
        "h5" => HeadingLevel::H5,
        "h6" => HeadingLevel::H6,
        _ => return None,
    })
}

/// Whether `c` is HTML's ASCII whitespace (collapsible in normal flow; U+00A0 is not).
pub(crate) fn is_html_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0C')
}

/// Whether a list element is written as a list, and if so whether it is loose.
///
/// Only the first [`LIST_LOOKAHEAD`] element children are looked at. The list is a list at all if one of them
/// is an `li` that [`Options::drop`] does not drop (otherwise it is a plain block container). It is loose (CommonMark §5.3: every item's inline
/// runs become paragraphs) when one of those `li`s has a `p` child (that is how loose lists look in HTML,
/// pulldown-cmark's own output included), has text or inline elements after a list, quote or table
/// (looking through wrapper elements; a tight item's text after those would be a lazy continuation of them),
/// or has an ordered list
/// not starting at 1 after inline content (such a list cannot interrupt a paragraph, §5.2).
pub(crate) fn list_plan(list: &Node, options: &Options) -> Option<bool> {
    let mut any_item = false;
    let mut loose = false;
    for child in list
        .children()
        .iter()
        .filter(|c| c.kind() == Kind::Element)
        .take(LIST_LOOKAHEAD)
    {
        if options.has_policy() && policy::is_dropped(child, options) {
            continue;
        }
        if child.is("li") {
            any_item = true;
            loose = loose || item_needs_loose(child.children(), options);
        } else {
            // The walker makes any other element an item of its own (an implicit one).
            loose = loose || item_needs_loose(vec![child.clone()], options);
        }
    }
    // A lone item holding one block cannot be written loose (no blank line can separate anything). Elements and
    // text that show nothing make no item.
    let items: Vec<Node> = list
        .children()
        .into_iter()
        .filter(|c| c.is("li") || has_visible_content(c, options))
        .take(2)
        .collect();
    if let [only] = items.as_slice()
        && only.is("li")
        && at_most_one_block(only.children(), options)
    {
        loose = false;
    }
    any_item.then_some(loose)
}

/// Whether an item's content is at most one block for the walker: inline content, in at most one paragraph
/// (looking through wrappers, as [`item_needs_loose`] does), or one heading. Conservative: a table, code block,
/// quote, list or rule (which the walker writes even when empty) counts as more.
fn at_most_one_block(content: Vec<Node>, options: &Options) -> bool {
    let mut blocks = 0;
    let mut in_run = false;
    // `None` marks the end of a wrapper block: a boundary.
    let mut stack: Vec<Option<Node>> = content.into_iter().rev().map(Some).collect();
    while let Some(entry) = stack.pop() {
        let Some(c) = entry else {
            in_run = false;
            continue;
        };
        let tag = if c.kind() == Kind::Element { c.tag() } else { "" };
        // A list element with no item among the children that decide is written as a wrapper (`Walker::list`).
        let list = matches!(tag, "ul" | "ol" | "menu" | "dir");
        if matches!(tag, "pre" | "table" | "blockquote" | "hr") || (list && is_written_as_list(&c)) {
            return false;
        }
        let block = is_div_like(tag) || heading_level(tag).is_some() || list;
        if !has_visible_content(&c, options) {
            // A quote, code block or list that the walker writes even when empty, inside something that shows
            // nothing, is a block all the same (`<a><blockquote></blockquote></a>` is written `>`).
            if c.kind() == Kind::Element && holds_block_written_empty(&c) {
                return false;
            }
            // An empty block is still a boundary.
            in_run = in_run && !block;
            continue;
        }
        if heading_level(tag).is_some() {
            in_run = false;
            blocks += 1;
        } else if block {
            in_run = false;
            stack.push(None);
            stack.extend(c.children().into_iter().rev().map(Some));
        } else if c.kind() == Kind::Element
            && !matches!(
                tag,
                "img" | "iframe" | "video" | "audio" | "embed" | "object" | "svg" | "code" | "kbd" | "samp" | "tt"
            )
            && (!is_share_link(&c, options) || holds_lazy_block(&c, options))
        {
            stack.extend(c.children().into_iter().rev().map(Some));
        } else if !in_run {
            // Text, an image or other media: inline content.
            blocks += 1;
            in_run = true;
        }
        if blocks > 1 {
            return false;
        }
    }
    true
}

/// Whether an element under `node` is a block that takes following text in as a lazy continuation line: a
/// quote, a list or a table written as such.
fn holds_lazy_block(node: &Node, options: &Options) -> bool {
    let mut stack = node.children();
    while let Some(n) = stack.pop() {
        if n.kind() != Kind::Element || is_unrendered(n.tag()) {
            continue;
        }
        match n.tag() {
            "blockquote" => return true,
            "ul" | "ol" | "menu" | "dir" if is_written_as_list(&n) => return true,
            "table" if is_written_as_table(&n, options) => return true,
            _ => stack.extend(n.children()),
        }
    }
    false
}

/// Whether `node` or an element under it is one the walker writes even when it holds nothing to show: a quote,
/// a code block, a rule, or a list with items (not looking into elements whose content is never shown).
fn holds_block_written_empty(node: &Node) -> bool {
    let mut stack = vec![node.clone()];
    while let Some(n) = stack.pop() {
        if n.kind() != Kind::Element || is_unrendered(n.tag()) {
            continue;
        }
        match n.tag() {
            "blockquote" | "pre" | "listing" | "xmp" | "hr" => return true,
            "ul" | "ol" | "menu" | "dir" if is_written_as_list(&n) => return true,
            _ => stack.extend(n.children()),
        }
    }
    false
}

/// Whether a list element has an item among the children that decide ([`list_plan`] without the looseness).
fn is_written_as_list(list: &Node) -> bool {
    list.children()
        .iter()
        .filter(|c| c.kind() == Kind::Element)
        .take(LIST_LOOKAHEAD)
        .any(|c| c.is("li"))
}

fn item_needs_loose(content: Vec<Node>, options: &Options) -> bool {
    // Walk the item's content in document order, looking through wrappers (div-like elements, and inline
    // elements that hold blocks), and stop at blocks that end a tight item's text: text after such a block
    // would become a lazy continuation of it, and a `p` anywhere at this level is a paragraph.
    let mut seen_block = false;
    let mut after_quote = false;
    let mut seen_inline = false;
    // Each entry is visited, then (when `true`) its following siblings: a wrapper's children are reached
    // through its first child, without a list of them. `None` is the closing mark of a `q`: text after its
    // content.
    let mut stack: Vec<(Option<Node>, bool)> = content.into_iter().rev().map(|c| (Some(c), false)).collect();
    while let Some((entry, siblings)) = stack.pop() {
        let Some(c) = entry else {
            if seen_block {
                return true;
            }
            seen_inline = true;
            continue;
        };
        if siblings {
            if let Some(next) = c.next_sibling() {
                stack.push((Some(next), true));
            }
        }
        match c.kind() {
            Kind::Text if is_blank(&c.text()) => {}
            Kind::Text => {
                if seen_block {
                    return true;
                }
                seen_inline = true;
            }
            Kind::Element => {
                let tag = c.tag();
                // (An empty `p`, as `</p>` makes, is only a boundary.)
                if tag == "p" && has_visible_content(&c, options) {
                    return true;
                }
                if tag == "ol" && seen_inline && ol_start(&c) != 1 {
                    return true;
                }
                let list = matches!(tag, "ul" | "ol" | "menu" | "dir");
                // Only these swallow following text as a lazy continuation; after a heading, a code fence or
                // a rule, text starts a new paragraph with no blank line, so the item can stay tight.
                // (A table that the walker keeps as paragraphs is a wrapper.)
                let table = tag == "table" && is_written_as_table(&c, options);
                // A table's caption is written as a paragraph of its own before it.
                if table
                    && c.children()
                        .iter()
                        .any(|k| k.is("caption") && has_visible_content(k, options))
                {
                    return true;
                }
                let hard_block = (list && is_written_as_list(&c)) || tag == "blockquote" || table;
                match tag {
                    // Right after such a block a table or a heading (setext in some styles) would be taken in
                    // too, and so would a quote right after a quote.
                    "table" | "blockquote" if seen_block && (tag == "table" || after_quote) => return true,
                    _ if seen_block && heading_level(tag).is_some() => return true,
                    _ if hard_block => {
                        seen_block = true;
                        after_quote = tag == "blockquote";
                    }
                    // Text after these starts a new paragraph, so a block before them no longer matters.
                    "pre" | "hr" => seen_block = false,
                    _ if heading_level(tag).is_some() => seen_block = false,
                    "img" | "iframe" | "video" | "audio" | "embed" | "object" | "svg" => {
                        if seen_block {
                            return true;
                        }
                        seen_inline = true;
                    }
                    // (A share link that holds blocks is written as them, with the link inside: a wrapper.)
                    "a" if is_share_link(&c, options) && !holds_lazy_block(&c, options) => {
                        if seen_block {
                            return true;
                        }
                        seen_inline = true;
                    }
                    // `q` writes quotation marks around its content: text before and after whatever it holds.
                    "q" => {
                        if seen_block {
                            return true;
                        }
                        seen_inline = true;
                        stack.push((None, false));
                        if let Some(first) = c.first_child() {
                            stack.push((Some(first), true));
                        }
                    }
                    // Code is written whole, as one code span, whatever blocks it holds.
                    "code" | "kbd" | "samp" | "tt" => {
                        if has_visible_content(&c, options) {
                            if seen_block {
                                return true;
                            }
                            seen_inline = true;
                        }
                    }
                    "script" | "style" | "template" | "noscript" | "select" | "textarea" => {}
                    // Wrappers and inline elements alike: their content belongs to this item.
                    _ => {
                        if let Some(first) = c.first_child() {
                            stack.push((Some(first), true));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    false
}

/// Whether a subtree shows anything, as the walker writes it: non-whitespace text, a rule, or an image, `svg`
/// or media element that shows something, outside the elements the walker skips.
pub(crate) fn has_visible_content(node: &Node, options: &Options) -> bool {
    let mut stack = vec![node.clone()];
    while let Some(n) = stack.pop() {
        match n.kind() {
            Kind::Text if !is_blank(&n.text()) => return true,
            Kind::Element => match n.tag() {
                "hr" => return true,
                "a" if is_share_link(&n, options) => return true,
                "img" | "iframe" | "video" | "audio" | "embed" | "object" | "svg" => {
                    if media_shows(&n, options) {
                        return true;
                    }
                }
                "head" | "script" | "style" | "template" | "noscript" | "noframes" | "noembed" | "title" | "select"
                | "textarea" | "option" | "optgroup" | "datalist" | "canvas" | "frame" => {}
                _ => {
                    let mut at = n.first_child();
                    while let Some(child) = at {
                        at = child.next_sibling();
                        stack.push(child);
                    }
                }
            },
            _ => {}
        }
    }
    false
}

/// Whether `n` is a share link: the walker writes it with the platform's name when it shows nothing itself.
fn is_share_link(n: &Node, options: &Options) -> bool {
    // What `link_plan` says, without making the destination of links that are not share links.
    n.is("a")
        && options.share_links == ShareLinks::Unwrap
        && n.attr("href").is_some_and(|href| {
            url::unwrap_share(href.trim()).is_some_and(|found| safe_url(&found.url, UrlKind::Link, options).is_some())
        })
}

/// Whether the walker writes anything for an image, `svg` or media element: an image with a source it keeps
/// or with alt text, an `svg` with a title, media with a source it keeps.
fn media_shows(n: &Node, options: &Options) -> bool {
    match n.tag() {
        "img" => {
            let (src, _, alt) = image(n);
            let kept = !is_tracking_pixel(n) && src.and_then(|s| safe_url(&s, UrlKind::Image, options)).is_some();
            kept || !alt.is_empty()
        }
        "svg" => !collapse(&svg_title(n)).trim_matches(' ').is_empty(),
        _ => media(n)
            .and_then(|(src, _)| safe_url(&src, UrlKind::Link, options))
            .is_some(),
    }
}

/// The start number of an ordered list: the `start` attribute as a non-negative integer, capped at
/// 999,999,999 (CommonMark §5.2 allows nine digits); invalid or negative → 1.
pub(crate) fn ol_start(ol: &Node) -> u64 {
    ol.attr("start")
        .and_then(|s| s.trim().parse::<u64>().ok())
        .map_or(1, |n| n.min(999_999_999))
}

/// The language of a `pre` block: a `language-x`, `lang-x` or `highlight-source-x` class on the `pre` or its
/// first inner `code`, or a `data-lang` attribute; empty if none.
pub(crate) fn pre_lang(pre: &Node) -> String {
    let code = pre.children().into_iter().find(|c| c.is("code"));
    for node in std::iter::once(pre).chain(code.as_ref()) {
        if let Some(class) = node.attr("class") {
            for word in class.split_ascii_whitespace() {
                for prefix in ["language-", "lang-", "highlight-source-"] {
                    if let Some(lang) = word.strip_prefix(prefix).filter(|l| !l.is_empty()) {
                        return lang.to_string();
                    }
                }
            }
        }
        if let Some(lang) = node
            .attr("data-lang")
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
        {
            return lang;
        }
    }
    String::new()
}

/// Elements whose text a page never shows: scripts, styles, templates, `noscript` (scripting is on) and `head`.
pub(crate) fn is_unrendered(tag: &str) -> bool {
    matches!(tag, "script" | "style" | "template" | "noscript" | "head")
}

/// The visible text of a subtree in document order, with `<br>` as `br` and dropped elements skipped.
pub(crate) fn subtree_text(node: &Node, br: &str) -> String {
    let mut out = String::new();
    let mut stack: Vec<Node> = node.children().into_iter().rev().collect();
    while let Some(n) = stack.pop() {
        match n.kind() {
            Kind::Text => out.push_str(&n.text()),
            Kind::Element => {
                if n.is("br") {
                    out.push_str(br);
                } else if !is_unrendered(n.tag()) {
                    stack.extend(n.children().into_iter().rev());
                }
            }
            _ => {}
        }
    }
    out
}

/// Whether a text node writes nothing of its own: only white space, HTML's (which collapses) or Unicode's
/// (no-break and ideographic spaces, …: a spacer, written as one space at most). So a block or table cell
/// holding nothing else is not written, and a table of such cells is no table.
pub(crate) fn is_blank(text: &str) -> bool {
    text.chars().all(char::is_whitespace)
}

/// Whether an `href` is empty (or only space): a link that goes nowhere, written as its text.
pub(crate) fn is_empty_href(href: &str) -> bool {
    href.chars().all(is_html_space)
}

/// A footnote reference: a `sup` whose only visible content is one link (`href` set) labelled by a short
/// footnote mark (`22`, `[3]`, `a`, `*`, `†`). The link and its label without brackets.
pub(crate) fn footnote_ref(sup: &Node) -> Option<(Node, String)> {
    let mut link = None;
    for child in sup.children() {
        match child.kind() {
            Kind::Text if is_blank(&child.text()) => {}
            Kind::Element
                if child.is("a") && link.is_none() && child.attr("href").is_some_and(|h| !is_empty_href(&h)) =>
            {
                link = Some(child)
            }
            Kind::Text | Kind::Element => return None,
            _ => {}
        }
    }
    let link = link?;
    let text = collapse(&subtree_text(&link, " "));
    let text = text.trim_matches(' ');
    let label = text
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .unwrap_or(text)
        .trim_matches(' ');
    let is_sign = |c: char| c.is_alphanumeric() || matches!(c, '*' | '†' | '‡' | '§' | '¶');
    let is_mark = |c: char| is_sign(c) || matches!(c, '#' | '-' | '.');
    let short = !label.is_empty() && label.chars().count() <= 8;
    (short && label.chars().all(is_mark) && label.chars().any(is_sign)).then(|| (link.clone(), label.to_string()))
}

/// Whether `node` holds only text, possibly inside wrappers that are written as their bare text (`span`,
/// `font`, `abbr`, `a` without a usable `href`, …; only when `wrappers`, i.e. when no element policy could change them). So a subtree
/// decides the same as the raw HTML around its text written from it (`<sup><span>10</span></sup>` and
/// `<sup>10</sup>`).
pub(crate) fn is_plain_text(node: &Node, wrappers: bool) -> bool {
    let mut stack = node.children();
    while let Some(n) = stack.pop() {
        if n.kind() == Kind::Element {
            let wrapper = matches!(n.tag(), "span" | "font" | "abbr" | "bdi" | "bdo" | "data" | "time")
                || n.is("a") && n.attr("href").is_none_or(|h| is_empty_href(&h));
            if !wrappers || !wrapper {
                return false;
            }
            stack.extend(n.children());
        }
    }
    true
}

/// `text` in Unicode superscript (`sup`) or subscript characters, when every character of it, outside HTML
/// space at its edges, has one: digits, `+ - − = ( )`, and the letters of the Superscripts and Subscripts
/// block (`ⁱ ⁿ`; `ₐ ₑ ₒ ₓ ₔ ₕ ₖ ₗ ₘ ₙ ₚ ₛ ₜ`). The edge space is kept; an empty text or one with inner space
/// gives `None`. Modifier letters (`ᵃ ˢ ᵗ`) are left out on purpose: they are phonetic letters, which
/// fonts, search and screen readers treat as other letters, so `1<sup>st</sup>` stays HTML.
pub(crate) fn unicode_script(text: &str, sup: bool) -> Option<String> {
    let inner = text.trim_matches(is_html_space);
    if inner.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 2 * inner.len());
    if text.starts_with(is_html_space) {
        out.push(' ');
    }
    for c in inner.chars() {
        out.push(if sup { superscript(c)? } else { subscript(c)? });
    }
    if text.ends_with(is_html_space) {
        out.push(' ');
    }
    Some(out)
}

fn superscript(c: char) -> Option<char> {
    Some(match c {
        '0' => '⁰',
        '1' => '¹',
        '2' => '²',
        '3' => '³',
        '4'..='9' => char::from_u32(0x2070 + (c as u32 - '0' as u32))?,
        '+' => '⁺',
        '-' | '−' => '⁻',
        '=' => '⁼',
        '(' => '⁽',
        ')' => '⁾',
        'i' => 'ⁱ',
        'n' => 'ⁿ',
        _ => return None,
    })
}

fn subscript(c: char) -> Option<char> {
    Some(match c {
        '0'..='9' => char::from_u32(0x2080 + (c as u32 - '0' as u32))?,
        '+' => '₊',
        '-' | '−' => '₋',
        '=' => '₌',
        '(' => '₍',
        ')' => '₎',
        'a' => 'ₐ',
        'e' => 'ₑ',
        'o' => 'ₒ',
        'x' => 'ₓ',
        'ə' => 'ₔ',
        'h' => 'ₕ',
        'k' => 'ₖ',
        'l' => 'ₗ',
        'm' => 'ₘ',
        'n' => 'ₙ',
        'p' => 'ₚ',
        's' => 'ₛ',
        't' => 'ₜ',
        _ => return None,
    })
}

/// The content of a code block: exact text, `<br>` as a newline, ending in `\n` unless empty.
pub(crate) fn pre_text(pre: &Node) -> String {
    let mut text = subtree_text(pre, "\n");
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// Collapses runs of HTML whitespace to one space (leading and trailing kept as one space).
pub(crate) fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_space = false;
    for c in text.chars() {
        if is_html_space(c) {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    out
}

/// An image: (source, title, alt). Source: `src` unless missing or a `data:` placeholder, then `data-src`,
/// then the first `srcset` candidate, then the `data:` source itself; `None` when there is none at all.
pub(crate) fn image(img: &Node) -> (Option<String>, String, String) {
    let nonempty = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let src = nonempty(img.attr("src"));
    let placeholder = src
        .as_deref()
        .is_none_or(|s| s.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("data:")));
    let chosen = if placeholder {
        nonempty(img.attr("data-src"))
            .or_else(|| {
                nonempty(img.attr("srcset")).and_then(|s| {
                    s.split(',')
                        .next()
                        .and_then(|c| c.split_ascii_whitespace().next())
                        .map(String::from)
                })
            })
            .or(src)
    } else {
        src
    };
    let title = img.attr("title").unwrap_or_default();
    let alt = collapse(&img.attr("alt").unwrap_or_default())
        .trim_matches(' ')
        .to_string();
    (chosen, title, alt)
}

/// Embedded media (`iframe`, `video`, `audio`, `embed`, `object`): (source, label), or `None` without a source,
/// with an `about:` source, and for an embedded frame that nobody sees ([`is_invisible_frame`]).
pub(crate) fn media(node: &Node) -> Option<(String, String)> {
    let kind = match node.tag() {
        "video" => "Video",
        "audio" => "Audio",
        _ if is_invisible_frame(node) => return None,
        _ => "Embedded content",
    };
    let nonempty = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let src = nonempty(node.attr("src"))
        .or_else(|| {
            node.children()
                .into_iter()
                .filter(|c| c.is("source"))
                .find_map(|c| nonempty(c.attr("src")))
        })
        .or_else(|| {
            if node.is("object") {
                nonempty(node.attr("data"))
            } else {
                None
            }
        })?;
    // `about:blank` (and other `about:` pages) is an empty frame that scripts fill: nothing to link to.
    if src.get(..6).is_some_and(|scheme| scheme.eq_ignore_ascii_case("about:")) {
        return None;
    }
    let label = nonempty(node.attr("title"))
        .map(|t| collapse(&t))
        .unwrap_or_else(|| kind.to_string());
    Some((src, label))
}

/// The text of an `svg`'s `title` child (kept; the rest of an `svg` is dropped).
pub(crate) fn svg_title(svg: &Node) -> String {
    svg.children()
        .into_iter()
        .find(|c| c.is("title"))
        .map(|t| subtree_text(&t, " "))
        .unwrap_or_default()
}

/// Events for a link or image start.
pub(crate) fn link_tag(dest: String, title: String, image: bool) -> Tag<'static> {
    let (dest_url, title, id) = (CowStr::from(dest), CowStr::from(title), CowStr::from(""));
    if image {
        Tag::Image {
            link_type: LinkType::Inline,
            dest_url,
            title,
            id,
        }
    } else {
        Tag::Link {
            link_type: LinkType::Inline,
            dest_url,
            title,
            id,
        }
    }
}

fn cell_alignment(cell: &Node) -> Alignment {
    let from_style = cell
        .attr("style")
        .and_then(|style| style_value(&style, "text-align").map(str::to_ascii_lowercase));
    match from_style
        .or_else(|| cell.attr("align").map(|a| a.trim().to_ascii_lowercase()))
        .as_deref()
    {
        Some("left") | Some("start") => Alignment::Left,
        Some("center") => Alignment::Center,
        Some("right") | Some("end") => Alignment::Right,
        _ => Alignment::None,
    }
}

/// Converts a finished `table` to GFM table events (GFM spec §4.10), or `None` when it cannot be one (it holds
/// another table or has no rows); the caller then keeps its content as paragraphs. A `caption` becomes a
/// paragraph before the table. Each cell's content is walked alone, inline only, by a walker nested in
/// `parent`. Rows, captions and row groups that [`Options::drop`] drops are left out; a dropped cell is empty.
pub(crate) fn table(table: &Node, parent: &Walker) -> Option<Vec<Event<'static>>> {
    let options = parent.options();
    let dropped = |n: &Node| options.has_policy() && policy::is_dropped(n, options);
    let (mut rows, captions) = table_parts(table, dropped);
    // A table that shows nothing (a form's layout around an input, spacer cells) would be an empty grid.
    if rows.is_empty()
        || is_one_row_layout(table, &rows)
        || contains_table(table)
        || !has_visible_content(table, options)
    {
        return None;
    }
    let header_index = rows.iter().position(|(thead, _)| *thead).unwrap_or(0);
    let header = rows.remove(header_index).1;
    let cells_of = |row: &Node| -> Vec<Option<Node>> {
        let mut cells = Vec::new();
        for c in row.children().into_iter().filter(|c| c.is("td") || c.is("th")) {
            let span = c
                .attr("colspan")
                .and_then(|s| s.trim().parse::<usize>().ok())
                .unwrap_or(1)
                .clamp(1, 1000);
            cells.push(if dropped(&c) { None } else { Some(c) });
            cells.extend(std::iter::repeat_n(None, span - 1));
        }
        cells
    };
    let head_cells = cells_of(&header);
    let body: Vec<Vec<Option<Node>>> = rows.iter().map(|(_, r)| cells_of(r)).collect();
    let width = body
        .iter()
        .map(Vec::len)
        .chain([head_cells.len(), 1])
        .max()
        .unwrap_or(1);
    let aligns: Vec<Alignment> = (0..width)
        .map(|i| {
            head_cells
                .get(i)
                .and_then(|c| c.as_ref())
                .map_or(Alignment::None, cell_alignment)
        })
        .collect();

    let mut out = Vec::new();
    for caption in &captions {
        let mut w = parent.nested(CellRoot::Paragraphs);
        w.convert_children(caption);
        w.finish();
        out.extend(w.take());
    }
    out.push(Event::Start(Tag::Table(aligns)));
    out.push(Event::Start(Tag::TableHead));
    push_cells(&mut out, &head_cells, width, parent);
    out.push(Event::End(TagEnd::TableHead));
    for row in &body {
        out.push(Event::Start(Tag::TableRow));
        push_cells(&mut out, row, width, parent);
        out.push(Event::End(TagEnd::TableRow));
    }
    out.push(Event::End(TagEnd::Table));
    Some(out)
}

fn push_cells(out: &mut Vec<Event<'static>>, cells: &[Option<Node>], width: usize, parent: &Walker) {
    for i in 0..width {
        out.push(Event::Start(Tag::TableCell));
        if let Some(Some(cell)) = cells.get(i) {
            let mut w = parent.nested(CellRoot::Cell);
            w.convert_children(cell);
            w.finish();
            out.extend(w.take());
        }
        out.push(Event::End(TagEnd::TableCell));
    }
}

/// The rows of a table in document order, each with whether it is in `thead`, and its captions; the parts that
/// `dropped` names are left out.
fn table_parts(table: &Node, dropped: impl Fn(&Node) -> bool) -> (Vec<(bool, Node)>, Vec<Node>) {
    let mut rows = Vec::new();
    let mut captions = Vec::new();
    let mut stack: Vec<Node> = table.children().into_iter().rev().collect();
    while let Some(n) = stack.pop() {
        if dropped(&n) {
            continue;
        }
        match n.tag() {
            "tr" => rows.push((n.parent().is_some_and(|p| p.is("thead")), n)),
            "thead" | "tbody" | "tfoot" => stack.extend(n.children().into_iter().rev()),
            "caption" => captions.push(n),
            _ => {}
        }
    }
    (rows, captions)
}

/// Whether [`table`] writes `table` as a table (it has a row, holds no table, is not a one-row layout, and
/// shows something).
fn is_written_as_table(table: &Node, options: &Options) -> bool {
    let (rows, _) = table_parts(table, |_| false);
    !rows.is_empty()
        && !is_one_row_layout(table, &rows)
        && !contains_table(table)
        && has_visible_content(table, options)
}

/// Whether a table with only one row (`rows` as [`table_parts`] finds them) is page layout rather than data, and
/// so is written as blocks. A GFM
/// row is one line, so its cells' blocks would be flattened with `<br>`:
/// - multi-line preformatted text (code beside its line numbers, as Pygments and Rouge lay it out) would lose
///   its lines;
/// - a row that is no header (not in `thead`, no `th`) and holds blocks with a page section's worth of text
///   ([`LAYOUT_TEXT`] characters or more: an article, a navigation box) would become one header line.
///
/// A short headerless row stays a table, its first row the header.
fn is_one_row_layout(table: &Node, rows: &[(bool, Node)]) -> bool {
    let [(in_thead, row)] = rows else { return false };
    let header = *in_thead || row.children().iter().any(|c| c.is("th"));
    holds_multiline_pre(table) || (!header && holds_blocks(row) && holds_text(row, LAYOUT_TEXT))
}

/// The visible characters (white space aside) from which a headerless one-row table holding blocks is layout.
const LAYOUT_TEXT: usize = 200;

/// Whether some element in the cells of `row` is a block ([`is_div_like`]: paragraphs, headings, lists, quotes,
/// preformatted text, …) or a rule.
fn holds_blocks(row: &Node) -> bool {
    let mut stack: Vec<Node> = row.children().iter().flat_map(Node::children).collect();
    while let Some(n) = stack.pop() {
        let tag = n.tag();
        if is_div_like(tag) || tag == "hr" {
            return true;
        }
        stack.extend(n.children());
    }
    false
}

/// Whether the visible text below `node` has at least `at_least` characters besides white space (it stops
/// counting there).
fn holds_text(node: &Node, at_least: usize) -> bool {
    let mut missing = at_least;
    let mut stack = node.children();
    while let Some(n) = stack.pop() {
        match n.kind() {
            Kind::Text => {
                missing -= n.text().chars().filter(|c| !c.is_whitespace()).take(missing).count();
                if missing == 0 {
                    return true;
                }
            }
            Kind::Element if !is_unrendered(n.tag()) => {
                stack.extend(n.children());
            }
            _ => {}
        }
    }
    missing == 0
}

/// Whether some `pre` in `table` holds a line break between two lines of text.
fn holds_multiline_pre(table: &Node) -> bool {
    let mut stack = table.children();
    while let Some(n) = stack.pop() {
        if n.is("pre") {
            // The code block's text as the walker would write it (`<br>` a line break too).
            if pre_text(&n).trim_end_matches('\n').contains('\n') {
                return true;
            }
        } else {
            stack.extend(n.children());
        }
    }
    false
}

fn contains_table(table: &Node) -> bool {
    let mut stack = table.children();
    while let Some(n) = stack.pop() {
        if n.is("table") {
            return true;
        }
        stack.extend(n.children());
    }
    false
}

/// What a link (`<a href>`) becomes: every decision about link URLs is taken here.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum LinkPlan {
    /// A link to `dest`. `share` names the platform when `dest` was unwrapped from a share intent.
    Link { dest: String, share: Option<&'static str> },
    /// The URL is not allowed: keep the content, drop the link.
    Unlink,
    /// Drop the element and its content (share links with [`ShareLinks::Drop`]).
    Drop,
}

/// Decides what a link with `href` becomes, in this order:
/// 1. a share intent ([`url::unwrap_share`]) is unwrapped to the shared URL, or dropped, or kept, as
///    [`Options::share_links`] says;
/// 2. otherwise a redirect link ([`url::unwrap_redirect`]) is unwrapped to its target, unless `share_links` is
///    [`ShareLinks::Keep`];
/// 3. a URL that [`url::is_allowed`] refuses (`javascript:`, `data:`, …) becomes [`LinkPlan::Unlink`] unless
///    [`Options::allow_unsafe_urls`];
/// 4. with [`Options::readable_urls`], percent-encoded characters are shown ([`url::readable`]).
pub(crate) fn link_plan(href: &str, options: &Options) -> LinkPlan {
    let href = href.trim();
    let mut share = None;
    let mut dest = Cow::Borrowed(href);
    if options.share_links != ShareLinks::Keep {
        if let Some(found) = url::unwrap_share(href) {
            if options.share_links == ShareLinks::Drop {
                return LinkPlan::Drop;
            }
            share = Some(found.platform);
            dest = Cow::Owned(found.url);
        } else if let Some(target) = url::unwrap_redirect(href) {
            dest = Cow::Owned(target);
        }
    }
    match safe_url(&dest, UrlKind::Link, options) {
        Some(dest) => LinkPlan::Link { dest, share },
        None => LinkPlan::Unlink,
    }
}

/// A URL as written in a link destination or image source: `None` when it is not allowed
/// ([`url::is_allowed`], relaxed by [`Options::allow_unsafe_urls`] and, for images,
/// [`Options::allow_data_images`]); readable when [`Options::readable_urls`].
pub(crate) fn safe_url(dest: &str, kind: UrlKind, options: &Options) -> Option<String> {
    // (A line ending cannot be written in a Markdown destination either.)
    let dest = url::remove_tab_newline(dest);
    if !options.allow_unsafe_urls && !url::is_allowed(&dest, kind, options.allow_data_images) {
        return None;
    }
    Some(if options.readable_urls {
        url::readable(&dest)
    } else {
        dest.into_owned()
    })
}

/// Whether an image is a tracking pixel: `width` and `height` attributes (or the same CSS properties) of at most
/// one pixel each.
pub(crate) fn is_tracking_pixel(img: &Node) -> bool {
    let style = img.attr("style").unwrap_or_default();
    let size = |name: &str| -> Option<f64> {
        // The CSS property overrides the attribute.
        let value = style_value(&style, name)
            .map(str::to_string)
            .or_else(|| img.attr(name))?;
        let number = value.trim().trim_end_matches("px").trim();
        number.parse::<f64>().ok()
    };
    matches!((size("width"), size("height")), (Some(w), Some(h)) if w <= 1.0 && h <= 1.0)
}

/// Whether an embedded frame is invisible on the page, as ad and tracking beacons are: the `hidden` attribute,
/// an inline `display: none` or `visibility: hidden`, or at most one pixel wide and high (like a tracking
/// pixel). Such a frame shows nothing, so it is not written as a link.
fn is_invisible_frame(node: &Node) -> bool {
    if node.attr("hidden").is_some() || is_tracking_pixel(node) {
        return true;
    }
    let style = node.attr("style").unwrap_or_default();
    style_value(&style, "display").is_some_and(|v| v.eq_ignore_ascii_case("none"))
        || style_value(&style, "visibility").is_some_and(|v| v.eq_ignore_ascii_case("hidden"))
}

/// The value of the CSS `property` in an inline `style` attribute, trimmed and without `!important`: the last
/// declaration of it, as in CSS.
fn style_value<'a>(style: &'a str, property: &str) -> Option<&'a str> {
    style.split(';').rev().find_map(|decl| {
        let (name, value) = decl.split_once(':')?;
        if !name.trim().eq_ignore_ascii_case(property) {
            return None;
        }
        let value = value.trim();
        let cut = value.len().saturating_sub("!important".len());
        Some(match (value.get(..cut), value.get(cut..)) {
            (Some(kept), Some(flag)) if flag.eq_ignore_ascii_case("!important") => kept.trim(),
            _ => value,
        })
    })
}

/// What a link shows, for share links: text, only images with alt text (their alt texts, joined by spaces), or
/// nothing at all (an icon font, an empty `span`, an image without alt).
pub(crate) enum Shown {
    Text,
    Alt(String),
    Nothing,
}

/// What `link` shows (see [`Shown`]); dropped elements (`script`, `style`, …) do not count.
pub(crate) fn shown(link: &Node) -> Shown {
    if !subtree_text(link, " ").chars().all(char::is_whitespace) {
        return Shown::Text;
    }
    let mut alts = Vec::new();
    let mut stack = vec![link.clone()];
    while let Some(n) = stack.pop() {
        if n.is("img") {
            let alt = collapse(&n.attr("alt").unwrap_or_default())
                .trim_matches(' ')
                .to_string();
            if !alt.is_empty() {
                alts.push(alt);
            }
        } else if !matches!(n.tag(), "script" | "style" | "template" | "noscript" | "svg") {
            let mut kids = n.children();
            kids.reverse();
            stack.extend(kids);
        }
    }
    if alts.is_empty() {
        Shown::Nothing
    } else {
        Shown::Alt(alts.join(" "))
    }
}
