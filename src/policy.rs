//! The element policy: which elements are dropped ([`Options::drop`], [`Options::drop_page_chrome`]) and which
//! can be kept as raw HTML ([`Options::keep_html`]).
//!
//! Every decision here looks at the element itself (its tag and attributes, known when it is created) or, for
//! `header`/`footer`, at its ancestors, which are final by the time it is converted; only a `form` under the
//! page-chrome preset looks at its content, and the streaming driver waits until a form has ended for that.
//! So the decisions are the same however the input is chunked (DESIGN.md invariant 3).

use crate::Options;
use crate::dom::{Kind, Node};

/// Whether `node` (an element) is dropped with its content.
pub(crate) fn is_dropped(node: &Node, options: &Options) -> bool {
    if matches!(node.tag(), "html" | "head" | "body") {
        return false;
    }
    (options.drop_page_chrome && is_page_chrome(node)) || options.drop.iter().any(|s| s.matches(node))
}

/// Whether the streaming driver must wait for `node` to end before converting it because of the policy: a
/// handler needs the element's text, and a `form` under the page-chrome preset is decided by its content.
pub(crate) fn needs_whole(node: &Node, options: &Options) -> bool {
    let tag = node.tag();
    options.handlers.get(tag).is_some() || (options.drop_page_chrome && tag == "form")
}

/// Navigation chrome of a whole page ([`Options::drop_page_chrome`]).
fn is_page_chrome(node: &Node) -> bool {
    let tag = node.tag();
    if matches!(tag, "nav" | "aside") {
        return true;
    }
    // HTML-AAM: `header` and `footer` are the page's banner and contentinfo only when not scoped to sectioning
    // content or `main`.
    if matches!(tag, "header" | "footer") && !has_sectioning_ancestor(node) {
        return true;
    }
    if tag == "form" && !holds_content(node) {
        return true;
    }
    if node.attr("role").is_some_and(|role| {
        role.split_ascii_whitespace().any(|r| {
            ["navigation", "banner", "contentinfo"]
                .iter()
                .any(|c| r.eq_ignore_ascii_case(c))
        })
    }) {
        return true;
    }
    if node
        .attr("aria-hidden")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
    {
        return true;
    }
    // HTML § 6.1: `hidden="until-found"` content can be revealed by find-in-page and fragment navigation.
    node.attr("hidden")
        .is_some_and(|v| !v.trim().eq_ignore_ascii_case("until-found"))
}

fn has_sectioning_ancestor(node: &Node) -> bool {
    let mut at = node.parent();
    while let Some(n) = at {
        if matches!(n.tag(), "article" | "aside" | "main" | "nav" | "section") {
            return true;
        }
        at = n.parent();
    }
    false
}

/// Whether a form holds page content rather than controls: a heading, a paragraph, an `article` or a `main`.
fn holds_content(form: &Node) -> bool {
    let mut stack = form.children();
    while let Some(n) = stack.pop() {
        if n.kind() != Kind::Element {
            continue;
        }
        if matches!(
            n.tag(),
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "p" | "article" | "main"
        ) {
            return true;
        }
        stack.extend(n.children());
    }
    false
}

/// Whether `node` is kept as raw HTML ([`Options::keep_html`]).
pub(crate) fn is_kept_html(node: &Node, options: &Options) -> bool {
    !options.keep_html.is_empty() && is_keepable(node.tag()) && options.keep_html.iter().any(|s| s.matches(node))
}

/// Elements that can be kept as raw HTML: not Markdown structure (lists, tables, code blocks), not elements
/// whose content is not shown or not text, not void elements.
pub(crate) fn is_keepable(tag: &str) -> bool {
    !matches!(
        tag,
        "html"
            | "head"
            | "body"
            | "ul"
            | "ol"
            | "menu"
            | "dir"
            | "li"
            | "table"
            | "caption"
            | "colgroup"
            | "col"
            | "thead"
            | "tbody"
            | "tfoot"
            | "tr"
            | "td"
            | "th"
            | "pre"
            | "listing"
            | "xmp"
            | "plaintext"
            | "script"
            | "style"
            | "template"
            | "noscript"
            | "noframes"
            | "noembed"
            | "title"
            | "textarea"
            | "select"
            | "option"
            | "optgroup"
            | "datalist"
            | "svg"
            | "math"
            | "iframe"
            | "video"
            | "audio"
            | "object"
            | "embed"
            | "canvas"
            | "img"
            | "br"
            | "hr"
            | "wbr"
            | "input"
            | "area"
            | "base"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "frame"
            | "frameset"
            | "a"
    )
}

/// Whether a line starting with this tag starts an HTML block in CommonMark (§4.6 conditions 1 and 6), so that
/// the tag can only be written as a block of its own, never as inline HTML in a paragraph.
pub(crate) fn is_html_block_tag(tag: &str) -> bool {
    let lower = tag.to_ascii_lowercase();
    // Condition 1's raw-text tags, then condition 6's list (shared with the text escaper).
    matches!(lower.as_str(), "pre" | "script" | "style" | "textarea")
        || crate::escape::BLOCK_TAGS.binary_search(&lower.as_str()).is_ok()
}

/// The `href` of the first `base` element with one under `head` (HTML § 4.2.3), in tree order.
pub(crate) fn base_href(head: &Node) -> Option<String> {
    let mut stack: Vec<Node> = head.children().into_iter().rev().collect();
    while let Some(n) = stack.pop() {
        if n.kind() != Kind::Element {
            continue;
        }
        if n.is("base") {
            if let Some(href) = n.attr("href") {
                return Some(href);
            }
        }
        stack.extend(n.children().into_iter().rev());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_tags_are_sorted() {
        assert!(crate::escape::BLOCK_TAGS.windows(2).all(|w| w[0] < w[1]));
        for tag in ["details", "DIV", "summary", "pre", "h6", "search"] {
            assert!(is_html_block_tag(tag), "{tag}");
        }
        for tag in ["sup", "kbd", "span", "x-y", "abbr", "h7"] {
            assert!(!is_html_block_tag(tag), "{tag}");
        }
    }
}
