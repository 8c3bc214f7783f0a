//! Hand-written writer tests: one per escaping context and per construct. Each checks the exact Markdown a user
//! would see, and that it parses back to the events written.

mod common;

use common::writer_round_trip;
use pulldown_cmark::{Alignment, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Tag, TagEnd};

fn text(s: &str) -> Event<'static> {
    Event::Text(CowStr::from(s.to_string()))
}

fn para(inner: Vec<Event<'static>>) -> Vec<Event<'static>> {
    let mut v = vec![Event::Start(Tag::Paragraph)];
    v.extend(inner);
    v.push(Event::End(TagEnd::Paragraph));
    v
}

fn wrap(tag: Tag<'static>, inner: Vec<Event<'static>>) -> Vec<Event<'static>> {
    let end = tag.to_end();
    let mut v = vec![Event::Start(tag)];
    v.extend(inner);
    v.push(Event::End(end));
    v
}

fn link(dest: &str, title: &str, inner: Vec<Event<'static>>) -> Vec<Event<'static>> {
    let tag = Tag::Link {
        link_type: LinkType::Inline,
        dest_url: CowStr::from(dest.to_string()),
        title: CowStr::from(title.to_string()),
        id: CowStr::Borrowed(""),
    };
    wrap(tag, inner)
}

/// Writes `events`, checks they parse back, and returns the Markdown.
fn md(events: Vec<Event<'static>>) -> String {
    match writer_round_trip(&events) {
        Ok(md) => md,
        Err((md, back)) => panic!("did not round-trip:\n{md}\nback: {back:?}"),
    }
}

#[test]
fn plain_text_needs_no_escapes() {
    assert_eq!(
        md(para(vec![text(
            "Hello, world. 1 + 1 = 2; a - b; snake_case; 2*3 stays"
        )])),
        "Hello, world. 1 + 1 = 2; a - b; snake_case; 2*3 stays\n"
    );
}

#[test]
fn emphasis_characters_escape_only_when_they_could_pair() {
    assert_eq!(md(para(vec![text("*not emphasis*")])), "\\*not emphasis*\n");
    assert_eq!(md(para(vec![text("a * b and a _ b")])), "a * b and a _ b\n");
    assert_eq!(
        md(para(vec![text("__init__ and __main__")])),
        "\\_\\_init__ and \\_\\_main__\n"
    );
}

#[test]
fn line_starts_that_would_open_blocks_are_escaped() {
    assert_eq!(md(para(vec![text("# not a heading")])), "\\# not a heading\n");
    assert_eq!(md(para(vec![text("> not a quote")])), "\\> not a quote\n");
    assert_eq!(md(para(vec![text("- not a list")])), "\\- not a list\n");
    assert_eq!(md(para(vec![text("+ not a list")])), "\\+ not a list\n");
    assert_eq!(md(para(vec![text("1. not a list")])), "1\\. not a list\n");
    assert_eq!(md(para(vec![text("2) not a list")])), "2\\) not a list\n");
    assert_eq!(md(para(vec![text("***")])), "\\***\n");
    assert_eq!(md(para(vec![text("~~~ not a fence")])), "\\~\\~\\~ not a fence\n");
    assert_eq!(md(para(vec![text("a"), Event::SoftBreak, text("===")])), "a\n\\===\n");
    assert_eq!(md(para(vec![text("a"), Event::SoftBreak, text("---")])), "a\n\\---\n");
    // Mid-line, the same characters are plain.
    assert_eq!(md(para(vec![text("a # b > c - d 1. e")])), "a # b > c - d 1. e\n");
    // Digits that are no list marker, and openers that start no block, stay as they are at a line start.
    for plain in [
        "2020年",
        "3 ways",
        "1,000 km",
        "(1) a",
        "\"a\" b",
        "1234567890. ten digits",
    ] {
        assert_eq!(md(para(vec![text(plain)])), format!("{plain}\n"));
    }
    // A list marker split from its text still counts.
    assert_eq!(md(para(vec![text("1"), text(". a")])), "1\\. a\n");
}

#[test]
fn continuation_lines_escape_only_what_can_interrupt_a_paragraph() {
    // An ordered item not starting at 1 cannot interrupt a paragraph.
    assert_eq!(md(para(vec![text("a"), Event::SoftBreak, text("2. b")])), "a\n2. b\n");
    assert_eq!(md(para(vec![text("a"), Event::SoftBreak, text("1. b")])), "a\n1\\. b\n");
}

#[test]
fn brackets_escape_when_they_could_form_a_link_or_definition() {
    assert_eq!(md(para(vec![text("[a](b)")])), "\\[a](b)\n");
    assert_eq!(md(para(vec![text("see [1] and [2]")])), "see [1] and [2]\n");
    assert_eq!(md(para(vec![text("[x]: y")])), "\\[x]: y\n");
}

#[test]
fn angle_brackets_escape_when_they_could_open_html_or_an_autolink() {
    assert_eq!(md(para(vec![text("a <b> c")])), "a \\<b> c\n");
    assert_eq!(md(para(vec![text("1 < 2 > 0")])), "1 < 2 > 0\n");
    assert_eq!(md(para(vec![text("<https://x.y>")])), "\\<https://x.y>\n");
}

#[test]
fn ampersands_escape_only_before_a_real_reference() {
    assert_eq!(
        md(para(vec![text("AT&T &amp; &copy; &nosuch; &#42;")])),
        "AT&T \\&amp; \\&copy; &nosuch; \\&#42;\n"
    );
}

#[test]
fn backslashes_escape_only_before_punctuation_or_a_line_end() {
    assert_eq!(md(para(vec![text("C:\\dir\\file")])), "C:\\dir\\file\n");
    assert_eq!(md(para(vec![text("a\\*b")])), "a\\\\*b\n");
    assert_eq!(md(para(vec![text("a\\"), Event::HardBreak, text("b")])), "a\\\\\\\nb\n");
}

#[test]
fn backticks_escape_only_when_a_code_span_could_form() {
    assert_eq!(md(para(vec![text("a ` b")])), "a ` b\n");
    assert_eq!(md(para(vec![text("`a` b")])), "\\`a` b\n");
}

#[test]
fn tildes_escape_only_with_strikethrough_in_reach() {
    assert_eq!(md(para(vec![text("~5 km")])), "~5 km\n");
    assert_eq!(md(para(vec![text("~~a~~")])), "\\~\\~a\\~\\~\n");
}

#[test]
fn pipes_escape_in_table_cells() {
    let mut ev = vec![Event::Start(Tag::Table(vec![Alignment::None, Alignment::Right]))];
    ev.extend(wrap(
        Tag::TableHead,
        [
            wrap(Tag::TableCell, vec![text("a|b")]),
            wrap(Tag::TableCell, vec![text("c")]),
        ]
        .concat(),
    ));
    ev.extend(wrap(
        Tag::TableRow,
        [
            wrap(Tag::TableCell, vec![Event::Code("x|y".into())]),
            wrap(Tag::TableCell, vec![]),
        ]
        .concat(),
    ));
    ev.push(Event::End(TagEnd::Table));
    assert_eq!(md(ev), "| a\\|b | c |\n| --- | --: |\n| `x\\|y` | |\n");
    // Outside tables a pipe is plain.
    assert_eq!(md(para(vec![text("a | b")])), "a | b\n");
}

#[test]
fn emphasis_uses_the_delimiter_that_works_and_html_when_none_does() {
    assert_eq!(md(para(wrap(Tag::Emphasis, vec![text("a")]))), "*a*\n");
    assert_eq!(
        md(para([wrap(Tag::Strong, vec![text("b")]), vec![text("c")]].concat())),
        "**b**c\n"
    );
    // Nested emphasis alternates delimiters.
    assert_eq!(
        md(para(wrap(Tag::Strong, wrap(Tag::Emphasis, vec![text("x")])))),
        "**_x_**\n"
    );
    // CJK: a closing run after full-width punctuation followed by a letter cannot close (§6.2).
    assert_eq!(
        md(para(
            [wrap(Tag::Strong, vec![text("标题：")]), vec![text("正文")]].concat()
        )),
        "<strong>标题：</strong>正文\n"
    );
    assert_eq!(
        md(para(
            [wrap(Tag::Strong, vec![text("foo.")]), vec![text("bar")]].concat()
        )),
        "<strong>foo.</strong>bar\n"
    );
    assert_eq!(md(para(wrap(Tag::Strikethrough, vec![text("gone")]))), "~~gone~~\n");
}

#[test]
fn code_spans_pick_a_longer_fence_and_pad_where_needed() {
    assert_eq!(md(para(vec![Event::Code("a`b".into())])), "``a`b``\n");
    assert_eq!(md(para(vec![Event::Code("`x".into())])), "`` `x ``\n");
    assert_eq!(md(para(vec![Event::Code(" a ".into())])), "`  a  `\n");
}

#[test]
fn links_write_destinations_and_titles_that_survive() {
    assert_eq!(md(para(link("/a b", "", vec![text("x")]))), "[x](</a b>)\n");
    assert_eq!(md(para(link("/p(1", "", vec![text("x")]))), "[x](</p(1>)\n");
    assert_eq!(md(para(link("/p(1)", "", vec![text("x")]))), "[x](/p(1))\n");
    assert_eq!(
        md(para(link("/u", "say \"hi\"", vec![text("x")]))),
        "[x](/u 'say \"hi\"')\n"
    );
    assert_eq!(
        md(para(link("https://x.y", "", vec![text("https://x.y")]))),
        "<https://x.y>\n"
    );
    assert_eq!(
        md(para(link("mailto:a@b.c", "", vec![text("a@b.c")]))),
        "[a@b.c](mailto:a@b.c)\n"
    );
    // `!` before a link would make an image.
    assert_eq!(
        md(para([vec![text("wow!")], link("/u", "", vec![text("x")])].concat())),
        "wow\\![x](/u)\n"
    );
    // Brackets inside link text must balance.
    assert_eq!(md(para(link("/u", "", vec![text("a]b")]))), "[a\\]b](/u)\n");
}

#[test]
fn images_write_alt_text_and_title() {
    let img = wrap(
        Tag::Image {
            link_type: LinkType::Inline,
            dest_url: "i.png".into(),
            title: "T".into(),
            id: "".into(),
        },
        vec![text("alt *x*")],
    );
    assert_eq!(md(para(img)), "![alt \\*x*](i.png \"T\")\n");
}

#[test]
fn headings_escape_a_closing_hash_run_and_use_setext_for_line_breaks() {
    let h = |level, inner| {
        wrap(
            Tag::Heading {
                level,
                id: None,
                classes: vec![],
                attrs: vec![],
            },
            inner,
        )
    };
    assert_eq!(md(h(HeadingLevel::H2, vec![text("C#")])), "## C#\n");
    assert_eq!(md(h(HeadingLevel::H2, vec![text("a #")])), "## a \\#\n");
    assert_eq!(
        md(h(HeadingLevel::H1, vec![text("a"), Event::SoftBreak, text("b")])),
        "a\nb\n===\n"
    );
}

#[test]
fn lists_tight_loose_ordered_and_nested() {
    let item = |inner: Vec<Event<'static>>| wrap(Tag::Item, inner);
    let tight = wrap(Tag::List(None), [item(vec![text("a")]), item(vec![text("b")])].concat());
    assert_eq!(md(tight), "- a\n- b\n");
    let loose = wrap(
        Tag::List(Some(3)),
        [item(para(vec![text("a")])), item(para(vec![text("b")]))].concat(),
    );
    assert_eq!(md(loose), "3. a\n\n4. b\n");
    let nested = wrap(
        Tag::List(None),
        item([vec![text("a")], wrap(Tag::List(None), item(vec![text("b")]))].concat()),
    );
    assert_eq!(md(nested), "- a\n  - b\n");
    // Two lists in a row use different markers, or they would merge.
    let two = [
        wrap(Tag::List(None), item(vec![text("a")])),
        wrap(Tag::List(None), item(vec![text("b")])),
    ]
    .concat();
    assert_eq!(md(two), "- a\n\n* b\n");
    let task = wrap(Tag::List(None), item(vec![Event::TaskListMarker(true), text("done")]));
    assert_eq!(md(task), "- [x] done\n");
}

#[test]
fn block_quotes_code_blocks_rules_and_html_blocks() {
    let quote = wrap(
        Tag::BlockQuote(None),
        [para(vec![text("q")]), para(vec![text("r")])].concat(),
    );
    assert_eq!(md(quote), "> q\n>\n> r\n");
    let code = wrap(
        Tag::CodeBlock(CodeBlockKind::Fenced("rust".into())),
        vec![text("let a = \"```\";\n")],
    );
    assert_eq!(md(code), "````rust\nlet a = \"```\";\n````\n");
    assert_eq!(md([para(vec![text("a")]), vec![Event::Rule]].concat()), "a\n\n---\n");
    let html = wrap(
        Tag::HtmlBlock,
        vec![
            Event::Html("<div>\n".into()),
            Event::Html("x\n".into()),
            Event::Html("</div>\n".into()),
        ],
    );
    assert_eq!(md(html), "<div>\nx\n</div>\n");
}

#[test]
fn hard_and_soft_breaks() {
    assert_eq!(
        md(para(vec![
            text("a"),
            Event::HardBreak,
            text("b"),
            Event::SoftBreak,
            text("c")
        ])),
        "a\\\nb\nc\n"
    );
}

#[test]
fn write_markdown_matches_push_markdown() {
    let events = para(vec![text("*x* & y")]);
    let mut s = String::new();
    html2cmark::push_markdown(&mut s, events.clone());
    let mut v = Vec::new();
    html2cmark::write_markdown(&mut v, events).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(String::from_utf8_lossy(&v), s);
}

#[test]
fn a_marker_line_never_becomes_a_thematic_break() {
    let mut options = html2cmark::Options::default();
    options.style.bullet = '*';
    let events = wrap(Tag::List(None), wrap(Tag::Item, vec![text("**")]));
    let md = common::writer_round_trip_with(&events, &options).unwrap_or_else(|(md, back)| panic!("{md}\n{back:?}"));
    assert_eq!(md, "* \\**\n");
    assert_eq!(md_default_list_dashes(), "- \\--\n");
}

fn md_default_list_dashes() -> String {
    md(wrap(Tag::List(None), wrap(Tag::Item, vec![text("--")])))
}

#[test]
fn task_marker_inside_a_loose_items_paragraph_is_the_box() {
    // A loose item carries its task marker inside its first paragraph; the box must not be escaped as text.
    let mut first = vec![Event::TaskListMarker(true), text("done")];
    first = para(first);
    let mut second = para(vec![text("[x] literal")]);
    let mut items = wrap(Tag::Item, first);
    items.append(&mut wrap(Tag::Item, std::mem::take(&mut second)));
    let mut events = wrap(Tag::List(None), items);
    let md = md(std::mem::take(&mut events));
    assert_eq!(md, "- [x] done\n\n- \\[x] literal\n");
}

#[test]
fn a_delimiter_run_escaped_at_a_line_start_is_escaped_whole() {
    // `\***` would leave `**` free to pair with the `**` inside the HTML-written strong span before it.
    let mut events = para(wrap(Tag::Strong, vec![text("**_ ")]));
    events.pop();
    events.extend([Event::SoftBreak, text("***"), Event::End(TagEnd::Paragraph)]);
    let md = md(events);
    assert!(md.contains("\\*\\*\\*"), "{md}");
}

#[test]
fn a_backslash_before_a_carriage_return_is_escaped() {
    // Found by fuzzing (issue 21): a CR is written as `&#13;`, so a backslash before it would escape the `&`.
    assert_eq!(md(para(vec![text("\r\\\ra")])), "&#13;\\\\&#13;a\n");
    assert_eq!(md(para(vec![text("x\\\r")])), "x\\\\&#13;\n");
}

#[test]
fn a_tag_name_ending_at_a_line_tabulation_is_escaped() {
    // pulldown-cmark reads `<s\u{b}>` as raw HTML (markdown_safe fuzz finding, issue 21).
    assert_eq!(md(para(vec![text("<s\u{b}> x")])), "\\<s\u{b}> x\n");
    assert_eq!(md(para(vec![text("a <b\u{c}> c")])), "a \\<b\u{c}> c\n");
}
