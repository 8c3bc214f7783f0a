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

// In a tight item a quote, table or list takes in a table or heading right after it (and a quote a quote)
// without a blank line, and a blank line makes the list loose: such items make their list loose.
#[test]
fn block_after_a_quote_table_or_list_in_an_item_makes_the_list_loose() {
    for html in [
        "<ul><li><table><tr>><table><tr>",
        "<ul><li>a<table><tr><td>x</table><table><tr><td>y</table></li></ul>",
        "<ul><li>a<blockquote>q</blockquote><h1>h</h1></li><li>b</li></ul>",
        "<ul><li><blockquote>q</blockquote><blockquote>r</blockquote></li><li>b</ul>",
        "<ul><li><ul><li>x</ul><h2>h</h2></li><li>b</ul>",
        "<ul><li><ul><li>x</ul><table><tr><td>y</table></li><li>b</ul>",
    ] {
        faithful(html, &Options::default());
    }
    assert_eq!(
        convert("<ul><li><blockquote>q</blockquote><blockquote>r</blockquote></li><li>b</ul>"),
        "- > q\n\n  > r\n\n- b\n"
    );
}

// ---- the writer on event sequences (fuzz target `writer`) ----

use html2cmark::pulldown_cmark::{CodeBlockKind, CowStr, HeadingLevel, LinkType, TagEnd};
use html2cmark::{CodeBlockStyle, HeadingStyle};

fn written(events: &[Event<'static>], options: &Options) -> String {
    match common::writer_round_trip_with(events, options) {
        Ok(md) => md,
        Err((md, back)) => panic!("{md:?} parses back as\n{back:?}\nnot\n{:?}", common::normalize(events)),
    }
}

fn text(t: &str) -> Event<'static> {
    Event::Text(CowStr::from(t.to_string()))
}

fn para(inner: Vec<Event<'static>>) -> Vec<Event<'static>> {
    let mut v = vec![Event::Start(Tag::Paragraph)];
    v.extend(inner);
    v.push(Event::End(TagEnd::Paragraph));
    v
}

fn code_block(info: &str, body: &str) -> Vec<Event<'static>> {
    let mut v = vec![Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(CowStr::from(
        info.to_string(),
    ))))];
    if !body.is_empty() {
        v.push(text(body));
    }
    v.push(Event::End(TagEnd::CodeBlock));
    v
}

/// A list of items, each a sequence of events.
fn list(start: Option<u64>, items: Vec<Vec<Event<'static>>>) -> Vec<Event<'static>> {
    let mut v = vec![Event::Start(Tag::List(start))];
    for item in items {
        v.push(Event::Start(Tag::Item));
        v.extend(item);
        v.push(Event::End(TagEnd::Item));
    }
    v.push(Event::End(TagEnd::List(start.is_some())));
    v
}

// An info string starting with the fence character lengthened the fence (`~~~~~~`).
#[test]
fn info_string_starting_with_the_fence_character() {
    let mut options = Options::default();
    options.style.code_block = CodeBlockStyle::Tildes;
    assert_eq!(written(&code_block("~~~", ""), &options), "~~~ ~~~\n~~~\n");
    written(&code_block("~a", "x\n"), &options);
}

// An empty block quote as an item's first block was written without the item's marker.
#[test]
fn empty_quote_first_in_an_item() {
    let quote = vec![
        Event::Start(Tag::BlockQuote(None)),
        Event::End(TagEnd::BlockQuote(None)),
    ];
    let mut second = quote.clone();
    second.push(Event::Rule);
    let events = [para(vec![text("p")]), list(Some(7), vec![vec![], second])].concat();
    assert_eq!(written(&events, &Options::default()), "p\n\n7.\n8. >\n   ---\n");
    written(&list(None, vec![quote]), &Options::default());
}

// A line end in text is written `&#10;`: for the flanking rules its neighbours are `&` and `;`, punctuation,
// not white space.
#[test]
fn delimiters_next_to_a_line_end_in_text() {
    let events = para(vec![
        Event::Start(Tag::Emphasis),
        text("__\n__]:$"),
        Event::End(TagEnd::Emphasis),
    ]);
    written(&events, &Options::default());
    written(&para(vec![text("a**\n**b")]), &Options::default());
}

// An HTML block takes in the lines after it up to a blank line, whatever the looseness of the list it is in.
#[test]
fn html_block_followed_by_a_block_in_an_item() {
    let html = |h: &str| {
        vec![
            Event::Start(Tag::HtmlBlock),
            Event::Html(CowStr::from(h.to_string())),
            Event::End(TagEnd::HtmlBlock),
        ]
    };
    let first = [html("<div>\nh\n</div>\n"), html("<!--\n-->\n")].concat();
    let events = list(None, vec![first, para(vec![text("p")])]);
    written(&events, &Options::default());
}

// Tabs in code: the fence used to be padded so that the code started at a tab stop; on an item's marker line
// that padding moved the item's content column, and the next block fell out of the item; after a nested list
// it moved the fence into that list's last item. No padding is needed: no tab is ever split by a prefix.
#[test]
fn code_with_tabs_in_an_item() {
    let mut options = Options::default();
    options.style.bullet = '*';
    let item = [code_block("<!--", "&\tab\n"), code_block("[x]", "x\n")].concat();
    let md = written(&list(None, vec![item]), &options);
    assert_eq!(md, "* ```<!--\n  &\tab\n  ```\n  ```[x]\n  x\n  ```\n");
    let nested = [list(None, vec![vec![text("a")]]), code_block("", "\tb\n")].concat();
    written(&list(None, vec![nested]), &options);
    let quoted = [
        vec![Event::Start(Tag::BlockQuote(None))],
        code_block("", "\t\tc\n \td\n"),
        vec![Event::End(TagEnd::BlockQuote(None))],
    ]
    .concat();
    written(&list(Some(10), vec![quoted]), &options);
    written(
        &list(Some(1), vec![code_block("", "\tx\n"), para(vec![text("after")])]),
        &options,
    );
}

// A line of `_` after a hard break is a thematic break: escaping only its first `_` left a run that closed
// the `__` before it.
#[test]
fn thematic_break_run_after_a_hard_break() {
    let events = para(vec![text("__x@y.z$$"), Event::HardBreak, text("__________")]);
    written(&events, &Options::default());
    written(
        &para(vec![text("**a"), Event::SoftBreak, text("** *")]),
        &Options::default(),
    );
}

// `[` starting a paragraph is a link reference definition with a `]:` later in the block, also when the `]:`
// is inside a code span (written as it is).
#[test]
fn reference_definition_lookalike_with_the_colon_in_code() {
    let mut options = Options::default();
    options.style.heading = HeadingStyle::Setext;
    let level = HeadingLevel::H1;
    let events = vec![
        Event::Start(Tag::Heading {
            level,
            id: None,
            classes: vec![],
            attrs: vec![],
        }),
        text("["),
        Event::Code("_]:x".into()),
        Event::HardBreak,
        text("y"),
        Event::End(TagEnd::Heading(level)),
    ];
    written(&events, &options);
    written(&para(vec![text("["), Event::Code("a]: b".into())]), &Options::default());
}

// `[x]` right after an item's marker is a task list marker; as text it needs a backslash. (The converter hit
// this with `<li>[x] done</li>`.)
#[test]
fn task_marker_lookalike_text_at_an_item_start() {
    assert_eq!(convert("<ul><li>[x] done</li></ul>"), "- \\[x] done\n");
    assert_eq!(
        convert("<ul><li><input type=checkbox>[ ] done</li></ul>"),
        "- [ ] [ ] done\n"
    );
    faithful("<ul><li><p>[X] a</p><p>b</p></li></ul>", &Options::default());
    faithful("<ol><li><h2>[x]</h2></li></ol>", &Options::default());
    let mut options = Options::default();
    options.style.heading = HeadingStyle::Setext;
    let level = HeadingLevel::H2;
    let heading = vec![
        Event::Start(Tag::Heading {
            level,
            id: None,
            classes: vec![],
            attrs: vec![],
        }),
        text("[x]"),
        Event::End(TagEnd::Heading(level)),
    ];
    written(&list(Some(3), vec![heading]), &options);
    let link = Tag::Link {
        link_type: LinkType::Inline,
        dest_url: "u".into(),
        title: "".into(),
        id: "".into(),
    };
    written(
        &list(
            None,
            vec![vec![
                text("[ ]"),
                Event::Start(link),
                text("l"),
                Event::End(TagEnd::Link),
            ]],
        ),
        &Options::default(),
    );
}

fn heading(level: HeadingLevel, inner: Vec<Event<'static>>) -> Vec<Event<'static>> {
    let mut v = vec![Event::Start(Tag::Heading {
        level,
        id: None,
        classes: vec![],
        attrs: vec![],
    })];
    v.extend(inner);
    v.push(Event::End(TagEnd::Heading(level)));
    v
}

// Empty items in lists that start on their parents' marker lines: `- - -` and `- * * *` are thematic breaks.
// The innermost list takes another bullet, and the next list beside it tells itself apart from that one.
#[test]
fn empty_nested_items_that_would_read_as_a_thematic_break() {
    let empty_in = |levels: usize| {
        let mut item: Vec<Event<'static>> = vec![];
        for _ in 0..levels {
            item = list(None, vec![item]);
        }
        item
    };
    assert_eq!(written(&empty_in(3), &Options::default()), "- - *\n");
    written(&empty_in(5), &Options::default());
    let mut options = Options::default();
    options.style.bullet = '*';
    let inner = [empty_in(2), list(None, vec![vec![text("p")]])].concat();
    let events = list(
        None,
        vec![
            vec![Event::Start(Tag::List(None)), Event::Start(Tag::Item)]
                .into_iter()
                .chain(inner)
                .chain([Event::End(TagEnd::Item), Event::End(TagEnd::List(false))])
                .collect(),
        ],
    );
    written(&events, &options);
    // With text, the text is escaped instead.
    written(&list(None, vec![list(None, vec![vec![text("* *")]])]), &options);
}

// White space starting a line is written as a reference (`&#9;`): for the flanking rules `;` precedes what
// follows it.
#[test]
fn delimiters_after_white_space_that_starts_a_line() {
    written(
        &para(vec![text("__a\t"), Event::HardBreak, text("\t__b")]),
        &Options::default(),
    );
    written(
        &para(vec![text("**a"), Event::SoftBreak, text(" **b")]),
        &Options::default(),
    );
    // Also for our own delimiters next to such a reference.
    let mut options = Options::default();
    options.style.emphasis = '_';
    let events = para(vec![
        text("____$$"),
        Event::HardBreak,
        text("\t"),
        Event::Start(Tag::Emphasis),
        Event::Code("____a".into()),
        Event::End(TagEnd::Emphasis),
    ]);
    written(&events, &options);
}

// pulldown-cmark takes U+000B after `#` as the white space an ATX heading needs.
#[test]
fn hash_before_a_vertical_tab_at_a_line_start() {
    let mut options = Options::default();
    options.style.heading = HeadingStyle::Setext;
    written(
        &list(Some(2), vec![heading(HeadingLevel::H2, vec![text("#\u{b}x")])]),
        &options,
    );
    written(&para(vec![text("#\u{b}x")]), &Options::default());
}

// A backslash before a line end in a link title: the line end is written `&#10;`, which a single backslash
// would escape.
#[test]
fn backslash_before_a_line_end_in_a_title() {
    let link = Tag::Link {
        link_type: LinkType::Inline,
        dest_url: "d".into(),
        title: "a\\\n\n".into(),
        id: "".into(),
    };
    written(
        &para(vec![Event::Start(link), text("t"), Event::End(TagEnd::Link)]),
        &Options::default(),
    );
}

// A backtick fence at a line start is escaped whatever the pairing; escaped, its backticks can still close a
// code span that an earlier single backtick opens, so that one is escaped too.
#[test]
fn backtick_before_an_escaped_fence_at_a_line_start() {
    let image = Tag::Image {
        link_type: LinkType::Inline,
        dest_url: "$".into(),
        title: "~".into(),
        id: "".into(),
    };
    let events = para(vec![
        Event::Start(image),
        text("\\`\\"),
        Event::End(TagEnd::Image),
        Event::SoftBreak,
        text("```"),
    ]);
    written(&events, &Options::default());
    written(
        &para(vec![text("a ` b"), Event::SoftBreak, text("```")]),
        &Options::default(),
    );
}

// A lone item with one paragraph cannot be loose. An empty `p` (as `</p>` or an unclosed `<p>` at the end
// makes) is no paragraph, an empty element beside the `li` makes no item, and a paragraph inside an inline
// wrapper is still the one paragraph.
#[test]
fn lone_item_with_one_paragraph_and_empty_elements_stays_tight() {
    for html in [
        "<ul><li>N<p>",
        "<ul><li></p>关",
        "<ol><li>a<p>",
        "<ol><li><p>a</li><p>",
        "<ul><li><a><p>年",
        "<ul><li>化<p><p",
    ] {
        faithful(html, &Options::default());
    }
    assert_eq!(convert("<ol><li><p>a</li><p>"), "1. a\n");
    // Two blocks: loose.
    assert_eq!(convert("<ul><li><a><p>a</p>b</a></li></ul>"), "- a\n\n  b\n");
}

// A table holding a table is kept as paragraphs: for looseness it is a wrapper, and text after the inner
// table in it is text after a table.
#[test]
fn text_after_a_table_inside_a_table_kept_as_paragraphs() {
    faithful("<ul><li><table><td><table><tr><table>8", &Options::default());
    faithful(
        "<ul><li><table><tr><td><table><tr><td>x</table>y</table></li><li>z</ul>",
        &Options::default(),
    );
}

// Whether a `p` in an item is a paragraph depends on whether it shows anything as the walker writes it: an
// `svg` without a title, an image dropped for its URL with no alt text, or skipped elements show nothing.
#[test]
fn paragraph_that_shows_nothing_does_not_make_a_list_loose() {
    for html in [
        "<ul><li><<p><svg>",
        "<ul><li>a<p><img src=\"javascript:x\"></p></li></ul>",
        "<ul><li>a<p><img src=x width=1 height=1></p></li></ul>",
        "<ul><li>a<p><noframes>x</noframes></p></li></ul>",
        "<ul><li>a<p><iframe></iframe></p></li></ul>",
        "<ul><li>a<p><img alt=b></p></li></ul>",
        "<ul><li>a<p><svg><title>t</title></svg></p></li></ul>",
    ] {
        faithful(html, &Options::default());
    }
    assert_eq!(convert("<ul><li>a<p><svg></svg></p></li></ul>"), "- a\n");
    assert_eq!(convert("<ul><li>a<p><img alt=b></p></li></ul>"), "- a\n\n  b\n");
}

// A share link that shows nothing is written with the platform's name: it is text, and after a nested list in
// a tight item it would be a lazy continuation of that list.
#[test]
fn empty_share_link_after_a_nested_list_is_text() {
    for html in [
        "<ul><li><div><ul><li><a href=whatsapp://send?text=http%3A%2F%2f=></div>\n",
        "<ul><li><ul><li>x</ul><a href='https://www.facebook.com/sharer.php?u=https%3A%2F%2Fe.com'></a></li><li>y</ul>",
    ] {
        faithful(html, &Options::default());
    }
}

// Code is written whole as one code span: a `p` inside `code` (as a reconstructed `<code>` makes) is no
// paragraph, and code after a nested list in a tight item is text that list would take in.
#[test]
fn blocks_inside_code_are_not_paragraphs() {
    for html in [
        "<p><code><ul><li>r<p>b",
        "<ul><li>a<code>b<p>c</p></code></li><li>d</ul>",
        "<ul><li><ul><li>x</ul><code>y</code></li><li>z</ul>",
    ] {
        faithful(html, &Options::default());
    }
    assert_eq!(
        convert("<ul><li>a<code>b<p>c</p></code></li><li>d</ul>"),
        "- a`bc`\n- d\n"
    );
}

// A list element with no `li` (`<ol><p>x</p></ol>`, or one the parser left holding only a link) is written as a
// wrapper, but the lone-item rule counted it as a nested list, so a one-item list holding one paragraph was
// planned loose, which Markdown cannot write (issue 21: a tight list came back loose).
#[test]
fn a_list_element_without_items_is_a_wrapper_for_list_looseness() {
    for html in [
        "<ol><li><ol><p>x</p></ol></li></ol>",
        "<ul><li><ul><a href=/x><p>x</p></a></ul></li></ul>",
        "<ol><li><ol></p><p>\n<a href=/x>x</ol>",
        "<ul><li><menu><div><p>one</p></div></menu></li></ul>",
        "x<ul><li><a href=/x></ol><p>/<ol> </a></ol></ol>",
    ] {
        let events = faithful(html, &Options::default());
        assert!(
            !events.iter().any(|e| matches!(e, Event::Start(Tag::Paragraph))) || !html.starts_with('<'),
            "{html:?}: a lone item is written tight: {events:?}"
        );
    }
}

// An empty quote (or code block) inside an element that shows nothing is still written (`>`), so text after it
// in a lone tight item would continue the quote: the item must be loose, and the list planner looked past it.
#[test]
fn an_empty_quote_inside_an_invisible_wrapper_counts_as_a_block() {
    for html in [
        "<ol><li><a href=/x><blockquote></blockquote></a><a href=/x>x</a></li></ol>",
        "<ol><li><ul><ol><blockquote><ol></ol><div><blockquote></div></ol></ul>x",
        "<ol start=3><li><ul><ol><a href=/x><blockquote><ol start=3></ol><meta><div><blockquote></div></ul>x",
        "<ul><li><span><pre></pre></span>after</li></ul>",
        "<ul><li><em><blockquote><p></p></blockquote></em>after</li></ul>",
    ] {
        let events = faithful(html, &Options::default());
        let text: String = events
            .iter()
            .filter_map(|e| match e {
                Event::Text(t) => Some(t.to_string()),
                _ => None,
            })
            .collect();
        assert!(text.contains('x') || text.contains("after"), "{html:?}: {events:?}");
    }
}

// `q` writes a closing quotation mark after what it holds: after a nested list that mark is text following a
// block in a tight item, which reads back as part of the list; the item must be loose.
#[test]
fn a_quotation_around_a_nested_block_makes_its_item_loose() {
    for html in [
        "<ul><li><q><ul><li>a",
        "<ul><li><q>x<blockquote>y</blockquote></q></li><li>z</li></ul>",
        "<ol><li><q><table><tr><th>h</th></tr><tr><td>c</td></tr></table></q></li></ol>",
    ] {
        let events = faithful(html, &Options::default());
        assert_eq!(
            events
                .iter()
                .filter(|e| matches!(e, Event::Text(t) if t.contains('"')))
                .count(),
            2,
            "{html:?}"
        );
    }
}

// A task marker belongs to the item's own first text: before a heading, a quote or a nested list it would be
// read as text (`## [ ] m`) or not at all. The checkbox is then left out.
#[test]
fn a_checkbox_before_a_heading_or_quote_is_no_task_marker() {
    for html in [
        "<ul>\n<li><input type=\"checkbox\"><h2 c>m",
        "<ul><li><input type=checkbox checked><blockquote>q</blockquote></ul>",
        "<ol><li><input type=checkbox><ul><li>inner</li></ul></li></ol>",
    ] {
        let events = faithful(html, &Options::default());
        assert!(
            !events.iter().any(|e| matches!(e, Event::TaskListMarker(_))),
            "{html:?}: {events:?}"
        );
    }
    let events = faithful(
        "<ul><li><input type=checkbox checked><label>done</label></ul>",
        &Options::default(),
    );
    assert!(events.contains(&Event::TaskListMarker(true)));
}

// A share link that holds a list or quote is written as those blocks with the link inside them, so text after
// it in a tight item followed a nested list; the list planner took the link for one inline label.
#[test]
fn a_share_link_holding_blocks_is_looked_into_by_the_list_planner() {
    for html in [
        "/<a href=\"https://x.com/intent/tweet?url=https%3A%2F/e\ni\" >oo\n<ul>\n<li><ul>\n<li>s\n</ul>\n</f\n></a>sp\n",
        "<ul><li><a href=\"https://x.com/intent/tweet?url=https%3A%2F%2Fe.x\"><blockquote>q</blockquote></a>after</li></ul>",
    ] {
        let events = faithful(html, &Options::default());
        assert!(
            events.iter().any(|e| matches!(e, Event::Start(Tag::Paragraph))),
            "{html:?}: {events:?}"
        );
    }
}

// A table's caption is written as a paragraph before the table, which a tight item cannot hold.
#[test]
fn a_table_caption_makes_its_item_loose() {
    for html in [
        "\0<ul><li>\u{FFFD}<table><tr><caption><",
        "<ul><li>text<table><caption>Cap</caption><tr><th>h</th></tr><tr><td>c</td></tr></table></li><li>b</li></ul>",
    ] {
        let events = faithful(html, &Options::default());
        assert!(
            events.iter().any(|e| matches!(e, Event::Start(Tag::Table(_)))),
            "{html:?}: {events:?}"
        );
    }
}
