//! Inputs the fuzz targets (`fuzz/`) found, minimised by hand: each is converted and its Markdown must parse back
//! to the events we wrote (invariant 1). Named after what they reproduce; the comment says what went wrong.

mod common;

use html2cmark::pulldown_cmark::{Event, Tag};
use html2cmark::{Options, convert, convert_with};

/// The events for `html`, checked to come back from their Markdown unchanged.
fn faithful(html: &str, options: &Options) -> Vec<Event<'static>> {
    let events: Vec<_> = html2cmark::events(html, options).collect();
    if let Err((md, back)) = common::writer_round_trip_with(&events, options) {
        panic!(
            "{html:?}: {md:?} parses back as\n{back:?}\nnot\n{:?}",
            common::normalize(&events)
        );
    }
    events
}

fn dests(events: &[Event<'_>]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => Some(dest_url.to_string()),
            _ => None,
        })
        .collect()
}

// pulldown-cmark strips line tabulation and form feed at line edges as it strips spaces and tabs (HTML keeps
// U+000B as text): they are written as character references there.
#[test]
fn vertical_tab_at_a_line_edge_is_kept() {
    for html in [
        "\u{b}",
        "<p>a\u{b}</p>",
        "<p>\u{b}a</p>",
        "<p>a\u{b}<br>b</p>",
        "<h1>\u{b}a\u{b}</h1>",
        "<table><tr><th>\u{b}a\u{b}</th></tr></table>",
        "<ul><li>\u{b}</li></ul>",
    ] {
        faithful(html, &Options::default());
    }
    assert_eq!(convert("<p>a\u{b}</p>"), "a&#11;\n");
}

// A line ending in a URL: the URL Standard removes tabs and newlines from a URL before parsing it (the link a
// browser follows has none), and a Markdown destination cannot hold one. They used to be written as `%0A`.
#[test]
fn tabs_and_newlines_in_urls_are_removed_as_a_browser_does() {
    for (html, dest) in [
        ("<a href=\"h\nt\">o</a>", "ht"),
        ("<a href=\"h\rg\">o</a>", "hg"),
        ("<a href=')\n/'>&lt;</a>", ")/"),
        ("<img src=\"h\tl\">", "hl"),
        ("<img data-src=\"h\ny\">", "hy"),
        ("<iframe src=\"t\n口\"></iframe>", "t口"),
    ] {
        assert_eq!(dests(&faithful(html, &Options::default())), [dest], "{html:?}");
    }
    // Percent-encoded line ends are part of the URL and stay encoded.
    assert_eq!(convert("<a href='a%0Ab'>x</a>"), "[x](a%0Ab)\n");
}

// An empty list item cannot interrupt a paragraph (§5.2), and a tight item's text is one: `- a\n  -` reads as a
// setext heading. Empty items at the start of a list right after such text are left out.
#[test]
fn empty_first_item_of_a_list_after_tight_text() {
    for html in [
        "<ul><li>><ul><li>",
        "<ul><li><<ul><li><l",
        "<ul><li>a<ul><li></li><li></li></ul></ul>",
        "<ul><li>a<ul><li><input type=checkbox></li></ul></ul>",
        "<ul><li>a<ol start=3><li></li></ol></ul>",
        "<ul><li>a<br><ul><li></ul>b</ul>",
    ] {
        faithful(html, &Options::default());
    }
    assert_eq!(
        convert("<ul><li>a<ul><li></li><li>b</li><li></li></ul></ul>"),
        "- a\n  - b\n  -\n"
    );
    // The task box of the first item with content is kept.
    assert_eq!(
        convert("<ul><li>a<ul><li><input type=checkbox checked> b</ul></ul>"),
        "- a\n  - [x] b\n"
    );
    // Past the items that decide looseness, and with a depth limit that turns deeper lists into plain blocks.
    let many: String = (0..20).map(|i| format!("<li>i{i}")).collect();
    faithful(
        &format!("<ul>{many}<li>a<ul><li></li><li>b</ul></ul>"),
        &Options::default(),
    );
    // (Within them the list is loose, and the empty item stays.) Text after a list that vanished continues
    // on a new line.
    assert_eq!(convert("<ul><li>a<ul><li></ul>b</ul>"), "- a\n\n  -\n\n  b\n");
    let md = convert(&format!("<ul>{many}<li>a<ul><li></ul>b</ul>"));
    assert!(md.ends_with("- i19\n- a\\\n  b\n"), "{md:?}");
    // So does text after an empty heading (it used to join the text before: `ab`).
    let md = convert(&format!("<ul>{many}<li>a<h2></h2>b</ul>"));
    assert!(md.ends_with("- i19\n- a\\\n  b\n"), "{md:?}");
    let mut options = Options::default();
    options.max_depth = 3;
    faithful(&"<ul><li>w ".repeat(10), &options);
}

// An element directly in a list is an item of its own (an implicit one); a table in it followed by text needs
// a loose list, as in an `li`, or the text reads back as a paragraph the events do not have.
#[test]
fn implicit_item_with_a_block_then_text_makes_the_list_loose() {
    for html in [
        "<ul><li></li><a><table><tr><table>r",
        "<ul><li></li><W><table><tr><table>/",
        "<ul><li>a</li><div><blockquote>q</blockquote>b</div></ul>",
    ] {
        faithful(html, &Options::default());
    }
    assert_eq!(
        convert_with(
            "<ul><li>a</li><div><blockquote>q</blockquote>b</div></ul>",
            &Options::default()
        ),
        "- a\n\n- > q\n\n  b\n"
    );
}
