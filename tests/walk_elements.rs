//! The walker, per element family: HTML in, pulldown-cmark events out (checked directly, or rendered to HTML
//! with pulldown-cmark's own renderer).

use html2cmark::pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, LinkType, Tag, TagEnd};
use html2cmark::{Options, Unsupported};

fn ev_with(html: &str, options: &Options) -> Vec<Event<'static>> {
    let events: Vec<_> = html2cmark::events(html, options).collect();
    check_shape(&events);
    events
}

fn ev(html: &str) -> Vec<Event<'static>> {
    ev_with(html, &Options::default())
}

/// The events rendered by pulldown-cmark's HTML renderer, newlines removed for compact expectations.
fn render_with(html: &str, options: &Options) -> String {
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, ev_with(html, options).into_iter());
    out.replace('\n', "")
}

fn render(html: &str) -> String {
    render_with(html, &Options::default())
}

/// Shape rules every event stream must follow: balanced tags, no empty or adjacent text, no paragraph in a
/// tight item, items only in lists, table rows as wide as the header.
fn check_shape(events: &[Event<'_>]) {
    let mut stack: Vec<&Tag<'_>> = Vec::new();
    let mut prev_text = false;
    for (i, e) in events.iter().enumerate() {
        match e {
            Event::Text(t) => {
                assert!(!t.is_empty(), "empty text at {i}: {events:?}");
                assert!(!prev_text, "adjacent text at {i}: {events:?}");
            }
            Event::Start(tag) => {
                if matches!(tag, Tag::Item) {
                    assert!(
                        matches!(stack.last(), Some(Tag::List(_))),
                        "item outside list: {events:?}"
                    );
                }
                if matches!(tag, Tag::Paragraph) {
                    assert!(
                        !matches!(
                            stack.last(),
                            Some(Tag::Paragraph | Tag::Heading { .. } | Tag::TableCell)
                        ),
                        "paragraph in inline container: {events:?}"
                    );
                }
                stack.push(tag);
            }
            Event::End(end) => {
                let start = stack
                    .pop()
                    .unwrap_or_else(|| panic!("end without start at {i}: {events:?}"));
                assert_eq!(start.to_end(), *end, "mismatched end at {i}: {events:?}");
            }
            _ => {}
        }
        prev_text = matches!(e, Event::Text(_));
    }
    assert!(stack.is_empty(), "unclosed tags: {events:?}");
    check_tightness(events);
}

/// pulldown-cmark's list shape: in one list, either every item's inline content is wrapped in paragraphs
/// (loose) or no item has a direct paragraph (tight).
fn check_tightness(events: &[Event<'_>]) {
    // Per open container: (is list, saw direct paragraph in an item, saw bare inline in an item).
    struct Open {
        list: bool,
        item: bool,
    }
    let mut open: Vec<Open> = Vec::new();
    let mut lists: Vec<(bool, bool)> = Vec::new();
    for e in events {
        let direct_in_item = open.last().is_some_and(|o| o.item);
        match e {
            Event::Start(tag) => {
                if direct_in_item {
                    if let Some(l) = lists.last_mut() {
                        if matches!(tag, Tag::Paragraph) {
                            l.0 = true;
                        } else if is_inline(tag) {
                            l.1 = true;
                        }
                    }
                }
                let list = matches!(tag, Tag::List(_));
                if list {
                    lists.push((false, false));
                }
                open.push(Open {
                    list,
                    item: matches!(tag, Tag::Item),
                });
            }
            Event::End(_) => {
                if let Some(o) = open.pop() {
                    if o.list {
                        let (para, bare) = lists.pop().unwrap_or_default();
                        assert!(!(para && bare), "list mixes tight and loose items: {events:?}");
                    }
                }
            }
            Event::Text(_) | Event::Code(_) | Event::HardBreak | Event::InlineHtml(_) if direct_in_item => {
                if let Some(l) = lists.last_mut() {
                    l.1 = true;
                }
            }
            _ => {}
        }
    }
}

fn is_inline(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. } | Tag::Image { .. }
    )
}

fn text(s: &str) -> Event<'static> {
    Event::Text(s.to_string().into())
}

fn p(inner: Vec<Event<'static>>) -> Vec<Event<'static>> {
    let mut v = vec![Event::Start(Tag::Paragraph)];
    v.extend(inner);
    v.push(Event::End(TagEnd::Paragraph));
    v
}

// ---- dropped elements ----

#[test]
fn head_script_style_template_noscript_and_comments_are_dropped() {
    let html = "<html><head><title>T</title><style>p{}</style></head><body><script>x()</script>\
                <template>t</template><noscript>n</noscript><!-- c --><p>kept</p></body></html>";
    assert_eq!(ev(html), p(vec![text("kept")]));
}

/// Script and style text ends exactly where the HTML tokenizer ends it: at the element's own end tag in any
/// case, not at other end tags or look-alikes, and not inside a script's `<!-- <script> … -->` escape.
#[test]
fn script_and_style_text_ends_at_their_own_end_tag() {
    let html = "<script>var s = '<p>no1</p></scripts></scrip>' ; if (a<b) {}</SCRIPT ><p>one</p>\
                <style>p::after { content: '</p><p>no2' }</style/><p>two</p>\
                <script>x<!--<script>y</script><p>no3</p>--></script><p>three</p>\
                <script><!-- z </script><p>four</p><noscript><p>no4</p></noscript><p>five</p>";
    assert_eq!(render(html), "<p>one</p><p>two</p><p>three</p><p>four</p><p>five</p>");
    // Unclosed at the end of the input: all of it is the script's.
    assert_eq!(render("<p>a</p><script>b</p><p>c"), "<p>a</p>");
}

#[test]
fn svg_keeps_only_its_title() {
    assert_eq!(
        render("<p>a <svg><title>Logo</title><path d='M0'/><text>no</text></svg> b</p>"),
        "<p>a Logo b</p>"
    );
}

#[test]
fn form_controls_keep_button_text_only() {
    let html = "<p>x<select><option>o</option></select><textarea>t</textarea><input type=text value=v>\
                <button>Go</button></p>";
    assert_eq!(render(html), "<p>xGo</p>");
}

#[test]
fn media_become_links_labelled_by_title_or_kind() {
    assert_eq!(
        render("<iframe src='https://e/x' title='A map'></iframe>"),
        "<p><a href=\"https://e/x\">A map</a></p>"
    );
    assert_eq!(
        render("<video><source src='v.mp4'></video>"),
        "<p><a href=\"v.mp4\">Video</a></p>"
    );
    assert_eq!(
        render("<audio src='a.mp3'></audio>"),
        "<p><a href=\"a.mp3\">Audio</a></p>"
    );
    assert_eq!(
        render("<object data='o.swf'></object>"),
        "<p><a href=\"o.swf\">Embedded content</a></p>"
    );
    assert_eq!(ev("<video></video><iframe></iframe>"), vec![]);
}

#[test]
fn invisible_frames_are_not_written() {
    // Ad and tracking beacons: hidden by CSS or the `hidden` attribute, or at most one pixel in size.
    for frame in [
        "<iframe src='https://ads.example/b' style='width: 0px; height: 0px; display: none;'></iframe>",
        "<iframe src='https://ads.example/b' style='VISIBILITY: hidden !important'></iframe>",
        "<iframe src='https://ads.example/b' hidden></iframe>",
        "<iframe src='https://ads.example/b' width='1' height='1'></iframe>",
        "<embed src='https://ads.example/b' style='display:none'>",
        // The CSS size overrides the attributes, and `!important` is no part of the value.
        "<iframe src='https://ads.example/b' width='1000' height='1000' style='width: 0px; height: 0px'></iframe>",
        "<iframe src='https://ads.example/b' style='width: 1px !important; height: 0px !important'></iframe>",
        // Filled by scripts, empty in the page.
        "<iframe src='about:blank' width='300' height='250'></iframe>",
        "<iframe src=' About:Blank'></iframe>",
    ] {
        assert_eq!(render(&format!("<p>Text.</p>{frame}")), "<p>Text.</p>", "{frame}");
    }
    // A visible frame stays, sized or not; a hidden video is media, not a beacon.
    assert_eq!(
        render("<iframe src='https://e/x' width='560' height='315' style='border: 0'></iframe>"),
        "<p><a href=\"https://e/x\">Embedded content</a></p>"
    );
    // The last declaration of a property is the one that counts.
    assert_eq!(
        render("<iframe src='https://e/x' style='display: none; display: block'></iframe>"),
        "<p><a href=\"https://e/x\">Embedded content</a></p>"
    );
    assert_eq!(
        render("<video src='v.mp4' style='display: none'></video>"),
        "<p><a href=\"v.mp4\">Video</a></p>"
    );
}

// ---- blocks ----

#[test]
fn headings_are_inline_only() {
    let events = ev("<h2>A<div>b</div><br>c</h2>");
    let h2 = Tag::Heading {
        level: HeadingLevel::H2,
        id: None,
        classes: vec![],
        attrs: vec![],
    };
    assert_eq!(
        events,
        vec![
            Event::Start(h2),
            text("A b c"),
            Event::End(TagEnd::Heading(HeadingLevel::H2))
        ]
    );
    assert_eq!(ev("<h1> </h1><h3><b></b></h3>"), vec![], "empty headings vanish");
}

#[test]
fn blockquote_and_rule() {
    assert_eq!(
        render("<blockquote>q<p>r</p></blockquote><hr>s"),
        "<blockquote><p>q</p><p>r</p></blockquote><hr /><p>s</p>"
    );
}

#[test]
fn div_like_elements_end_paragraphs() {
    assert_eq!(
        render("a<div>b</div>c<section>d</section><article>e</article>"),
        "<p>a</p><p>b</p><p>c</p><p>d</p><p>e</p>"
    );
}

#[test]
fn pre_keeps_content_exactly_with_language() {
    let events = ev("<pre class='language-rust'><code>fn  main() {\n    x<br>}</code></pre>");
    assert_eq!(
        events,
        vec![
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced("rust".into()))),
            text("fn  main() {\n    x\n}\n"),
            Event::End(TagEnd::CodeBlock)
        ]
    );
    let lang = |html: &str| match &ev(html)[0] {
        Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(l))) => l.to_string(),
        other => panic!("{other:?}"),
    };
    assert_eq!(lang("<pre><code class='hljs lang-js'>x</code></pre>"), "js");
    assert_eq!(lang("<pre class='highlight-source-python'>x</pre>"), "python");
    assert_eq!(lang("<pre data-lang='go'>x</pre>"), "go");
    assert_eq!(lang("<pre>x</pre>"), "");
}

#[test]
fn figure_caption_and_details_summary_and_definition_lists() {
    assert_eq!(
        render("<figure><img src='i.png' alt='I'><figcaption>Cap</figcaption></figure>"),
        "<p><img src=\"i.png\" alt=\"I\" /></p><p>Cap</p>"
    );
    assert_eq!(
        render("<details><summary>More</summary>body</details>"),
        "<p><strong>More</strong></p><p>body</p>"
    );
    assert_eq!(
        render("<dl><dt>Term</dt><dd>Def</dd></dl>"),
        "<p><strong>Term</strong></p><p>Def</p>"
    );
}

// ---- inlines ----

#[test]
fn emphasis_family() {
    // Adjacent same formatting merges.
    assert_eq!(
        render("<p><b>b</b><strong>s</strong> <i>i</i><em>e</em><cite>c</cite></p>"),
        "<p><strong>bs</strong> <em>iec</em></p>"
    );
    assert_eq!(
        render("<p><dfn>d</dfn> <var>v</var></p>"),
        "<p><em>d</em> <em>v</em></p>"
    );
}

#[test]
fn strikethrough_follows_the_option() {
    assert_eq!(
        render("<p><del>x</del> <s>y</s></p>"),
        "<p><del>x</del> <del>y</del></p>"
    );
    let mut options = Options::default();
    options.strikethrough = false;
    assert_eq!(
        render_with("<p><del>x</del> <strike>y</strike></p>", &options),
        "<p>x y</p>"
    );
}

#[test]
fn code_spans_flatten_and_collapse() {
    assert_eq!(
        ev("<p>a <code> x\n  <b>y</b> </code>b<kbd></kbd></p>"),
        p(vec![text("a "), Event::Code("x y".into()), text(" b")])
    );
}

#[test]
fn links() {
    let link = |d: &str, t: &str| {
        Event::Start(Tag::Link {
            link_type: LinkType::Inline,
            dest_url: d.to_string().into(),
            title: t.to_string().into(),
            id: "".into(),
        })
    };
    assert_eq!(
        ev("<p><a href='/x' title='T'>go</a> <a>plain</a> <a href='/empty'> </a><a href='mailto:a@b'>m</a></p>"),
        p(vec![
            link("/x", "T"),
            text("go"),
            Event::End(TagEnd::Link),
            text(" plain "),
            link("mailto:a@b", ""),
            text("m"),
            Event::End(TagEnd::Link)
        ])
    );
    // Links never nest.
    assert_eq!(
        render("<p><a href=x>a<span><a href=y>b</a></span></a></p>")
            .matches("<a ")
            .count(),
        2,
        "html5ever splits nested a"
    );
}

#[test]
fn images_pick_the_real_source() {
    assert_eq!(
        render("<img src='a.png' alt='A' title='T'>"),
        "<p><img src=\"a.png\" alt=\"A\" title=\"T\" /></p>"
    );
    assert_eq!(
        render("<img src='data:image/gif;base64,R0' data-src='real.jpg' alt='x'>"),
        "<p><img src=\"real.jpg\" alt=\"x\" /></p>"
    );
    assert_eq!(
        render("<img srcset='s1.jpg 1x, s2.jpg 2x'>"),
        "<p><img src=\"s1.jpg\" alt=\"\" /></p>"
    );
    assert_eq!(render("<p>a <img alt='only alt'> b</p>"), "<p>a only alt b</p>");
    assert_eq!(
        render("<a href='/l'><img src='i'></a>"),
        "<p><a href=\"/l\"><img src=\"i\" alt=\"\" /></a></p>"
    );
}

#[test]
fn line_breaks() {
    assert_eq!(
        ev("<p><br>a<br> b<br></p>"),
        p(vec![text("a"), Event::HardBreak, text("b")])
    );
    assert_eq!(render("<p>a<br> <br>b</p>"), "<p>a</p><p>b</p>");
}

#[test]
fn quotes_and_plain_inline_elements() {
    assert_eq!(
        render("<p><q>hi</q> <span>s</span><abbr>A</abbr><x-custom>c</x-custom><font>f</font></p>"),
        "<p>\"hi\" sAcf</p>"
    );
}

#[test]
fn unsupported_option() {
    let html = "<p>x<sup>2</sup> <u>u</u></p>";
    // The default keeps the meaning of `sup` (see `superscripts_and_subscripts_keep_their_meaning`) and the
    // content of the rest.
    assert_eq!(render(html), "<p>x² u</p>");
    let mut options = Options::default();
    options.unsupported = Unsupported::Drop;
    assert_eq!(render_with(html, &options), "<p>x </p>".replace("x </p>", "x</p>"));
    options.unsupported = Unsupported::KeepHtml;
    assert_eq!(
        ev_with(html, &options),
        p(vec![
            text("x"),
            Event::InlineHtml("<sup>".into()),
            text("2"),
            Event::InlineHtml("</sup>".into()),
            text(" "),
            Event::InlineHtml("<u>".into()),
            text("u"),
            Event::InlineHtml("</u>".into())
        ])
    );
}

// ---- whitespace and lazy opening ----

#[test]
fn whitespace_collapses_like_a_browser() {
    assert_eq!(ev("<p>  a \n\t b  </p>"), p(vec![text("a b")]));
    assert_eq!(
        ev("<p>a\u{a0}\u{a0}b</p>"),
        p(vec![text("a\u{a0}\u{a0}b")]),
        "nbsp is not collapsible"
    );
    assert_eq!(ev("<p>a</p>   <p>b</p>").len(), 6);
}

#[test]
fn spaces_move_outside_emphasis() {
    assert_eq!(
        ev("a<b> x </b>c"),
        p(vec![
            text("a "),
            Event::Start(Tag::Strong),
            text("x"),
            Event::End(TagEnd::Strong),
            text(" c")
        ])
    );
}

#[test]
fn empty_wrappers_vanish() {
    assert_eq!(ev("<p>a<b> </b><i></i><a href=x></a>b</p>"), p(vec![text("a b")]));
    assert_eq!(ev("<div><b><i> </i></b></div>"), vec![]);
}

#[test]
fn nested_same_formatting_collapses() {
    assert_eq!(render("<b><b><strong>x</strong></b></b>"), "<p><strong>x</strong></p>");
}

#[test]
fn block_inside_inline_reopens_formatting() {
    assert_eq!(
        render("<a href=x>a<div>b</div>c</a>"),
        "<p><a href=\"x\">a</a></p><p><a href=\"x\">b</a></p><p><a href=\"x\">c</a></p>"
    );
    assert_eq!(
        render("<b>a<p>b</p></b>"),
        "<p><strong>a</strong></p><p><strong>b</strong></p>"
    );
}

#[test]
fn text_never_runs_into_the_next_block() {
    assert_eq!(
        render("a<h1>b</h1>c<ul><li>d</ul>e"),
        "<p>a</p><h1>b</h1><p>c</p><ul><li>d</li></ul><p>e</p>"
    );
}

// ---- lists ----

#[test]
fn tight_list_items_have_no_paragraphs() {
    assert_eq!(
        ev("<ul><li>a</li><li>b</li></ul>"),
        vec![
            Event::Start(Tag::List(None)),
            Event::Start(Tag::Item),
            text("a"),
            Event::End(TagEnd::Item),
            Event::Start(Tag::Item),
            text("b"),
            Event::End(TagEnd::Item),
            Event::End(TagEnd::List(false))
        ]
    );
}

#[test]
fn loose_list_when_an_item_has_paragraphs() {
    assert_eq!(
        render("<ul><li><p>a</p><p>b</p></li><li>c</li></ul>"),
        "<ul><li><p>a</p><p>b</p></li><li><p>c</p></li></ul>"
    );
    assert_eq!(
        render("<ul><li>a<p>b</p></li></ul>"),
        "<ul><li><p>a</p><p>b</p></li></ul>"
    );
}

#[test]
fn tight_item_joins_runs_with_a_hard_break() {
    assert_eq!(render("<ul><li>a<div>b</div></li></ul>"), "<ul><li>a<br />b</li></ul>");
}

#[test]
fn ordered_list_start_and_nesting() {
    assert_eq!(
        render("<ol start='3'><li>a<ol><li>b</li></ol></li></ol>"),
        "<ol start=\"3\"><li>a<ol><li>b</li></ol></li></ol>"
    );
    assert_eq!(ev("<ol start=-4><li>a</ol>")[0], Event::Start(Tag::List(Some(1))));
    assert_eq!(ev("<ol start=x><li>a</ol>")[0], Event::Start(Tag::List(Some(1))));
    assert_eq!(
        ev("<ol start=12345678901><li>a</ol>")[0],
        Event::Start(Tag::List(Some(999_999_999)))
    );
}

#[test]
fn nested_ordered_list_not_starting_at_one_makes_the_list_loose() {
    assert_eq!(
        render("<ul><li>a<ol start=3><li>b</ol></li></ul>"),
        "<ul><li><p>a</p><ol start=\"3\"><li>b</li></ol></li></ul>"
    );
}

#[test]
fn non_item_children_of_lists_become_items() {
    assert_eq!(
        render("<ul><li>a</li><div>b</div>text<span> </span></ul>"),
        "<ul><li>a</li><li>b</li><li>text</li></ul>"
    );
    assert_eq!(render("<ul></ul><ol> </ol>"), "");
}

#[test]
fn task_lists() {
    assert_eq!(
        ev("<ul><li><input type=checkbox checked> done</li><li><input type='checkbox'>todo</li></ul>"),
        vec![
            Event::Start(Tag::List(None)),
            Event::Start(Tag::Item),
            Event::TaskListMarker(true),
            text("done"),
            Event::End(TagEnd::Item),
            Event::Start(Tag::Item),
            Event::TaskListMarker(false),
            text("todo"),
            Event::End(TagEnd::Item),
            Event::End(TagEnd::List(false))
        ]
    );
    assert_eq!(
        render("<p>x <input type=checkbox> y</p>"),
        "<p>x y</p>",
        "a checkbox outside an item is dropped"
    );
    let mut options = Options::default();
    options.task_lists = false;
    assert_eq!(
        render_with("<ul><li><input type=checkbox>a</ul>", &options),
        "<ul><li>a</li></ul>"
    );
}

// ---- tables ----

#[test]
fn table_with_header_alignment_and_padding() {
    let events = ev(
        "<table><thead><tr><th align=center>A</th><th style='text-align: right'>B</th></tr></thead>\
                     <tbody><tr><td>1</td></tr><tr><td colspan=2>2</td><td>3</td></tr></tbody></table>",
    );
    assert_eq!(
        events[0],
        Event::Start(Tag::Table(vec![Alignment::Center, Alignment::Right, Alignment::None]))
    );
    assert_eq!(events[1], Event::Start(Tag::TableHead));
    assert_eq!(events[2], Event::Start(Tag::TableCell), "no row inside the head");
    let rows: Vec<usize> = {
        let mut cells = Vec::new();
        let mut n = 0;
        for e in &events {
            match e {
                Event::Start(Tag::TableCell) => n += 1,
                Event::End(TagEnd::TableHead | TagEnd::TableRow) => {
                    cells.push(n);
                    n = 0;
                }
                _ => {}
            }
        }
        cells
    };
    assert_eq!(rows, vec![3, 3, 3]);
}

#[test]
fn table_cells_are_inline_only() {
    let events = ev("<table><tr><td>a<p>b</p>c<br>d</td></tr></table>");
    let br = Event::InlineHtml("<br>".into());
    let inner: Vec<_> = events
        .iter()
        .skip_while(|e| **e != Event::Start(Tag::TableCell))
        .skip(1)
        .take(7)
        .cloned()
        .collect();
    assert_eq!(
        inner,
        vec![text("a"), br.clone(), text("b"), br.clone(), text("c"), br, text("d")]
    );
}

#[test]
fn tables_off_nested_or_rowless_keep_cells_as_paragraphs() {
    let mut options = Options::default();
    options.tables = false;
    assert_eq!(
        render_with("<table><tr><td>a</td><td></td><td>b</td></tr></table>", &options),
        "<p>a</p><p>b</p>"
    );
    // The outer (layout) table is flattened; the inner one, holding no table, stays a table.
    assert_eq!(
        render("<table><tr><td>x<table><tr><td>y</td></tr></table></td></tr></table>"),
        "<p>x</p><table><thead><tr><th>y</th></tr></thead><tbody></tbody></table>"
    );
    assert_eq!(render("<table><caption>c</caption></table>"), "<p>c</p>");
}

#[test]
fn table_caption_is_a_paragraph_before_the_table() {
    assert!(render("<table><caption>Cap</caption><tr><td>a</td></tr></table>").starts_with("<p>Cap</p><table>"));
}

#[test]
fn tables_that_show_nothing_are_not_written() {
    // A search box laid out in a table, spacer cells: no empty grid between the paragraphs.
    let html = "<p>a</p><table><tr><td><input name=q></td><td> </td></tr><tr><td>\n</td><td></td></tr></table>\
                <p>b</p>";
    assert_eq!(render(html), "<p>a</p><p>b</p>");
    // An image or a caption is something to show.
    assert!(render("<table><tr><td><img src=x.png alt=X></td></tr></table>").starts_with("<table>"));
    assert!(render("<table><caption>Cap</caption><tr><td></td></tr></table>").starts_with("<p>Cap</p><table>"));
}

// ---- depth ----

fn deep(open: &str, close: &str, n: usize) -> String {
    format!("{}x{}", open.repeat(n), close.repeat(n))
}

/// Invariant 5's depth, used for `<b>`.
const DEPTH: usize = 100_000;

/// For `<div>` too: html5ever's tree builder scans its whole open-element stack for every `<div>` start tag
/// (closing a `p` in button scope), which would make parsing quadratic in depth, but the depth filter in front
/// of it keeps the stack at most `Options::max_depth` deep.
const DIV_DEPTH: usize = 100_000;

#[test]
fn deep_div_nesting_does_not_overflow() {
    let html = deep("<div>", "</div>", DIV_DEPTH);
    let md = std::thread::spawn(move || ev(&html)).join().expect("no stack overflow");
    assert_eq!(md, p(vec![text("x")]));
}

#[test]
fn deep_bold_nesting_does_not_overflow() {
    let html = deep("<b>", "</b>", DEPTH);
    let md = std::thread::spawn(move || render(&html))
        .join()
        .expect("no stack overflow");
    assert_eq!(md, "<p><strong>x</strong></p>");
}

#[test]
fn deep_blockquotes_are_capped_at_max_depth() {
    let html = deep("<blockquote>", "</blockquote>", 1000);
    let events = std::thread::spawn(move || ev(&html)).join().expect("no stack overflow");
    let quotes = events
        .iter()
        .filter(|e| matches!(e, Event::Start(Tag::BlockQuote(_))))
        .count();
    assert_eq!(quotes, Options::default().max_depth);
    assert!(events.contains(&text("x")));
}

// ---- well-formedness on real and adversarial inputs ----

#[test]
fn html5lib_inputs_give_well_formed_events() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/html5lib-inputs.json");
    let Ok(json) = std::fs::read_to_string(&path) else {
        println!("note: {} not found, skipping", path.display());
        return;
    };
    let inputs: Vec<String> = serde_json::from_str(&json).unwrap();
    for input in &inputs {
        ev(input);
        let mut options = Options::default();
        options.unsupported = Unsupported::KeepHtml;
        options.tables = false;
        ev_with(input, &options);
    }
}

#[test]
fn corpus_pages_give_well_formed_events() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let mut n = 0;
    for dir in ["articles", "articles-jekyll", "pages"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for entry in entries.flatten() {
            let html = String::from_utf8_lossy(&std::fs::read(entry.path()).unwrap()).into_owned();
            ev(&html);
            n += 1;
        }
    }
    if n == 0 {
        println!("note: {} not found, skipping", root.display());
    }
}

#[test]
fn adjacent_same_formatting_merges() {
    assert_eq!(
        render("<p><b>a</b><b>b</b> <b>c</b></p>"),
        "<p><strong>ab</strong> <strong>c</strong></p>"
    );
    assert_eq!(
        render("<p><b><i>a</i></b><b><i>b</i></b></p>"),
        "<p><strong><em>ab</em></strong></p>"
    );
    assert_eq!(
        render("<p><b>a</b>c<b>d</b></p>"),
        "<p><strong>a</strong>c<strong>d</strong></p>"
    );
    assert_eq!(render("<p><b>a</b><i>b</i></p>"), "<p><strong>a</strong><em>b</em></p>");
    assert_eq!(
        render("<p><a href=x>a</a><a href=y>b</a></p>"),
        "<p><a href=\"x\">a</a><a href=\"y\">b</a></p>"
    );
}

#[test]
fn text_after_a_nested_list_makes_the_list_loose() {
    assert_eq!(
        render("<ul><li>a<ul><li>b</li></ul><div>c</div></li></ul>"),
        "<ul><li><p>a</p><ul><li>b</li></ul><p>c</p></li></ul>"
    );
    assert_eq!(
        render("<ul><li>a<ul><li>b</li></ul><span> </span></li></ul>"),
        "<ul><li>a<ul><li>b</li></ul></li></ul>"
    );
}

#[test]
fn deeply_nested_tables_are_kept_as_paragraphs_in_linear_time() {
    let n = 3000;
    let html = format!("{}x{}", "<table><tr><td>".repeat(n), "</td></tr></table>".repeat(n));
    let started = std::time::Instant::now();
    let events = std::thread::spawn(move || ev(&html)).join().expect("no stack overflow");
    assert_eq!(events, p(vec![text("x")]));
    assert!(started.elapsed().as_secs() < 20, "took {:?}", started.elapsed());
}

#[test]
fn a_break_next_to_a_block_boundary_in_a_cell_is_one_break() {
    let events = ev("<table><tr><td>a<br><div>b</div><p>c</p><br><br>d</td></tr></table>");
    let brs = events
        .iter()
        .filter(|e| **e == Event::InlineHtml("<br>".into()))
        .count();
    assert_eq!(brs, 4, "{events:?}");
}

/// Code laid out beside its line numbers in a one-row table (Pygments' and Rouge's `linenos`) keeps its lines:
/// a GFM cell holds one line, so the cells become code blocks. A data table whose body holds such code stays a
/// table, its code on one line.
#[test]
fn code_beside_line_numbers_keeps_its_lines() {
    let code_table = "<table class=\"highlight\"><tr><td class=\"lineno\"><pre>1\n2</pre></td>\
                      <td class=\"code\"><pre><span>a = 1</span>\n<span>b = 2</span></pre></td></tr></table>";
    assert_eq!(
        render(code_table),
        "<pre><code>1\n2\n</code></pre><pre><code>a = 1\nb = 2\n</code></pre>".replace('\n', "")
    );
    let md = html2cmark::convert(code_table);
    assert!(md.contains("a = 1\nb = 2\n"), "{md}");
    let data_table = "<table><tr><th>Example</th></tr><tr><td><pre>a\nb</pre></td></tr></table>";
    assert_eq!(
        render(data_table),
        "<table><thead><tr><th>Example</th></tr></thead><tbody><tr><td><code>a b</code></td></tr></tbody></table>"
    );
    // One line of preformatted text is no reason to give up a header row.
    assert!(render("<table><tr><th><pre>one line\n</pre></th><th>x</th></tr></table>").starts_with("<table>"));
}

/// A table of one row that is no header (no `th`, not in `thead`) and holds blocks with a page section's worth
/// of text (200 visible characters or more) is page layout: a box around an article or a navigation list. It
/// is written as that content, not as one header line of `<br>`-joined blocks. A short row stays a table (its
/// blocks flattened), and so do header rows and rows of data.
#[test]
fn one_row_tables_without_a_header_holding_a_page_section_are_layout() {
    let story = "A sentence of the story, long enough to count. ".repeat(8);
    let layout =
        format!("<table><tr><td><h2>Title</h2><p>{story}</p><ul><li>point</li></ul></td><td>Side</td></tr></table>");
    assert_eq!(
        render(&layout),
        format!(
            "<h2>Title</h2><p>{}</p><ul><li>point</li></ul><p>Side</p>",
            story.trim_end()
        )
    );
    // Short: still a table, its blocks flattened in the cell.
    assert_eq!(
        render("<table><tr><td><p>a</p><p>b</p></td></tr></table>"),
        "<table><thead><tr><th>a<br>b</th></tr></thead><tbody></tbody></table>"
    );
    // Long text without blocks (one line of data) stays a table too.
    let long_inline = format!("<table><tr><td>{story}</td></tr></table>");
    assert!(render(&long_inline).starts_with("<table>"));
    // A header row stays a table whatever it holds.
    let header = format!("<table><tr><th><p>{story}</p><p>more</p></th></tr></table>");
    assert!(render(&header).starts_with("<table>"));
    assert!(render("<table><tr><td>a</td></tr><tr><td>b</td></tr></table>").starts_with("<table>"));
    // In a list item the layout box's blocks are the item's blocks.
    let item = format!("<ul><li><table><tr><td><p>{story}</p><p>two</p></td></tr></table></li></ul>");
    assert_eq!(html2cmark::convert(&item), format!("- {}\n\n  two\n", story.trim_end()));
}

/// Markdown rendered back to HTML by pulldown-cmark (with GFM tables and strikethrough), newlines removed.
fn markdown_to_html(md: &str) -> String {
    let mut opts = pulldown_cmark::Options::empty();
    opts.insert(pulldown_cmark::Options::ENABLE_TABLES | pulldown_cmark::Options::ENABLE_STRIKETHROUGH);
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, pulldown_cmark::Parser::new_ext(md, opts));
    out.replace('\n', "")
}

#[test]
fn emphasis_around_recent_unicode_punctuation_stays_emphasis() {
    // Symbols of Unicode 15 and 16 that pulldown-cmark counts as punctuation: a delimiter between one of them and
    // a letter does not flank, so the writer must not write bare delimiters there.
    for (c, tag) in [
        ('🫨', "em"),
        ('\u{2FFD}', "strong"),
        ('\u{31EF}', "em"),
        ('\u{11B03}', "strong"),
        ('\u{1FA76}', "em"),
    ] {
        for html in [
            format!("<p>go<{tag}>{c}</{tag}>on</p>"),
            format!("<p>x<{tag}>{c} y</{tag}>z</p>"),
            format!("<p><{tag}>w {c}</{tag}>v</p>"),
        ] {
            let back = markdown_to_html(&html2cmark::convert(&html));
            assert!(
                back.contains(&format!("<{tag}>")) && back.contains(c),
                "{html} -> {back}"
            );
        }
    }
}

#[test]
fn superscripts_and_subscripts_keep_their_meaning() {
    // Every character has a Unicode form: written with it.
    for (html, want) in [
        ("<p>2<sup>10</sup> bytes and CO<sub>2</sub></p>", "2¹⁰ bytes and CO₂"),
        (
            "<p>a<sup>(n-1)</sup>, x<sub>n+1</sub>, 10<sup>\u{2212}3</sup></p>",
            "a⁽ⁿ⁻¹⁾, xₙ₊₁, 10⁻³",
        ),
        ("<h2>C<sub>6</sub>H<sub>12</sub>O<sub>6</sub></h2>", "C₆H₁₂O₆"),
        ("<p>v<sub>max</sub> = 3</p>", "vₘₐₓ = 3"),
        ("<p>rate<sup><span lang=en>10</span></sup></p>", "rate¹⁰"),
    ] {
        let md = html2cmark::convert(html);
        assert!(md.contains(want), "{html} -> {md}");
        assert!(!md.contains('<'), "{html} -> {md}");
    }
    // Some character has none, or there is markup inside: attribute-less raw HTML around the content.
    for (html, want) in [
        ("<p>the 3<sup class=ord>rd</sup> time</p>", "3<sup>rd</sup> time"),
        ("<p>e<sup>i\u{3C0}</sup></p>", "e<sup>i\u{3C0}</sup>"),
        ("<p>log<sub style='x'>b</sub> y</p>", "log<sub>b</sub> y"),
        ("<p>x<sup><b>2</b></sup></p>", "x<sup>**2**</sup>"),
        ("<p>n<sup>2 + 1</sup></p>", "n<sup>2 + 1</sup>"),
    ] {
        let md = html2cmark::convert(html);
        assert!(md.contains(want), "{html} -> {md}");
    }
    // Rendered back by pulldown-cmark, the meaning is there: superscript characters or <sup>/<sub> tags.
    let back = markdown_to_html(&html2cmark::convert(
        "<p>E = mc<sup>2</sup>, a<sub>ij</sub>, 5<sup>th</sup></p>",
    ));
    assert_eq!(back, "<p>E = mc², a<sub>ij</sub>, 5<sup>th</sup></p>");
    // A second pass over the Markdown (raw HTML converted again) changes nothing.
    for html in [
        "<p>a<sup><font>st</font></sup> b<sub><span>2</span></sub> c<sup><b>2</b></sup> d<sup>x <a href=#n>1</a></sup></p>",
        "<p>e<sup><a href=#f1>[1]</a></sup><sup><a href=#f2>2</a></sup> g<sub>i<i>j</i></sub></p>",
    ] {
        let once = html2cmark::convert(html);
        assert_eq!(html2cmark::convert_markdown(&once, &Options::default()), once, "{html}");
    }
    // Empty ones vanish.
    assert_eq!(html2cmark::convert("<p>a<sup></sup><sub> </sub>b</p>"), "a b\n");
}

#[test]
fn footnote_references_become_bracketed_links() {
    for (html, dest, label) in [
        ("<p>Claim<sup><a href=\"#n22\">22</a></sup>.</p>", "#n22", "[22]"),
        (
            "<p>Claim<sup id=cite-ref-4 class=reference><a href=\"#cite-note-4\">[4]</a></sup></p>",
            "#cite-note-4",
            "[4]",
        ),
        (
            "<p>x<sup> <a href='#fn-a'><span>a</span></a> </sup></p>",
            "#fn-a",
            "[a]",
        ),
        (
            "<p>y<sup><a href='notes.html#3' title=Note>*</a></sup></p>",
            "notes.html#3",
            "[*]",
        ),
    ] {
        let md = html2cmark::convert(html);
        let events: Vec<_> = html2cmark::pulldown_cmark::Parser::new(&md).collect();
        let link = events
            .iter()
            .position(|e| matches!(e, Event::Start(Tag::Link { dest_url, .. }) if dest_url.as_ref() == dest));
        let Some(at) = link else {
            panic!("{html} -> {md}: no link to {dest}")
        };
        let shown: String = events[at + 1..]
            .iter()
            .take_while(|e| !matches!(e, Event::End(TagEnd::Link)))
            .filter_map(|e| {
                if let Event::Text(t) = e {
                    Some(t.to_string())
                } else {
                    None
                }
            })
            .collect();
        assert_eq!(shown, label, "{html} -> {md}");
        assert!(!md.contains("<sup>"), "{html} -> {md}");
    }
    // Two in a row stay two links; a long label is not a footnote mark, and text beside the link is kept
    // as raw HTML around it.
    let md = html2cmark::convert("<p>x<sup><a href=#a>1</a></sup><sup><a href=#b>2</a></sup></p>");
    assert_eq!(
        markdown_to_html(&md),
        "<p>x<a href=\"#a\">[1]</a><a href=\"#b\">[2]</a></p>"
    );
    let md = html2cmark::convert("<p>x<sup><a href=#a>see the notes below</a></sup></p>");
    assert_eq!(md, "x<sup>[see the notes below](#a)</sup>\n");
    let md = html2cmark::convert("<p>x<sup>note <a href=#a>1</a></sup></p>");
    assert_eq!(md, "x<sup>note [1](#a)</sup>\n");
    // The option still drops them, or keeps plain HTML.
    let mut options = Options::default();
    options.unsupported = Unsupported::Drop;
    assert_eq!(
        html2cmark::convert_with("<p>Claim<sup><a href=#n1>1</a></sup>.</p>", &options),
        "Claim.\n"
    );
    options.unsupported = Unsupported::KeepHtml;
    assert_eq!(
        html2cmark::convert_with("<p>Claim<sup><a href=#n1>1</a></sup>, H<sub>2</sub>O</p>", &options),
        "Claim<sup>[1](#n1)</sup>, H<sub>2</sub>O\n"
    );
}

#[test]
fn blocks_and_cells_of_only_no_break_spaces_are_not_written() {
    // Spacer paragraphs, divs and headings vanish; the text around them stays.
    let html = "<p>one</p><p>&nbsp;</p><div> &nbsp;&#160; </div><p><span>\u{a0}</span><br>\u{3000}</p>\
                <h3>&nbsp;</h3><p>\u{2003}</p><p>two</p>";
    assert_eq!(html2cmark::convert(html), "one\n\ntwo\n");
    assert_eq!(render(html), "<p>one</p><p>two</p>");
    // Cells of a no-break space or a break and one are empty; the break after text is not written either.
    let md = html2cmark::convert(
        "<table><tr><th>k</th><th>v</th></tr><tr><td>&nbsp;</td><td>a<br>&nbsp;</td></tr>\
         <tr><td><br>&nbsp;</td><td><p>&nbsp;</p>b</td></tr></table>",
    );
    assert!(!md.contains('\u{a0}') && !md.contains("<br>"), "{md:?}");
    assert!(md.contains("| | a |") && md.contains("| | b |"), "{md:?}");
    // A table whose cells are all such spacers is no table.
    assert_eq!(
        html2cmark::convert("<p>x</p><table><tr><td>&nbsp;</td><td> \u{3000}</td></tr></table><p>y</p>"),
        "x\n\ny\n"
    );
    // Between words or inside text, a no-break space is a space the reader sees: kept as a space.
    assert_eq!(
        html2cmark::convert("<p><b>x</b>&nbsp;<i>y</i> 10&nbsp;km</p>"),
        "**x** *y* 10\u{a0}km\n"
    );
}
