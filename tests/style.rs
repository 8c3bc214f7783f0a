//! Each style option on its own (issue 8): the Markdown it gives, written here by hand; every value also goes
//! through the writer's round-trip property test (tests/writer_prop.rs).

mod common;

use html2cmark::pulldown_cmark::{Event, Tag, TagEnd};
use html2cmark::{CodeBlockStyle, HardBreakStyle, HeadingStyle, LinkStyle, Options};

fn with(f: impl FnOnce(&mut Options)) -> Options {
    let mut o = Options::default();
    f(&mut o);
    o
}

/// Converts `html` and checks that the Markdown reads back as the converter's events (soft breaks read as
/// spaces when wrapping).
fn convert(html: &str, o: &Options) -> String {
    let md = html2cmark::convert_with(html, o);
    let events: Vec<Event<'static>> = html2cmark::events(html, o).collect();
    let norm = if o.style.wrap.is_some() {
        common::normalize_wrapped
    } else {
        common::normalize
    };
    assert_eq!(norm(&common::parse(&md)), norm(&events), "markdown:\n{md}");
    md
}

fn links(style: LinkStyle) -> Options {
    with(|o| o.style.link = style)
}

fn wrapped(width: usize) -> Options {
    with(|o| o.style.wrap = Some(width))
}

#[test]
fn defaults_look_like_github_readmes() {
    let html =
        "<h1>T</h1><p>a<br>b <em>e</em> <strong>s</strong></p><ul><li>x</li></ul><ol><li>y</li></ol><hr><pre>c</pre>";
    assert_eq!(
        html2cmark::convert(html),
        "# T\n\na\\\nb *e* **s**\n\n- x\n\n1. y\n\n---\n\n```\nc\n```\n"
    );
}

#[test]
fn setext_headings_for_levels_one_and_two() {
    let o = with(|o| o.style.heading = HeadingStyle::Setext);
    assert_eq!(
        html2cmark::convert_with("<h1>A</h1><h2>B</h2><h3>C</h3>", &o),
        "A\n===\n\nB\n---\n\n### C\n"
    );
}

#[test]
fn bullet_marker() {
    for (c, want) in [('*', "* a\n"), ('+', "+ a\n"), ('-', "- a\n"), ('x', "- a\n")] {
        let o = with(|o| o.style.bullet = c);
        assert_eq!(html2cmark::convert_with("<ul><li>a</li></ul>", &o), want, "{c}");
    }
}

#[test]
fn ordered_delimiter() {
    let o = with(|o| o.style.ordered_delimiter = ')');
    assert_eq!(
        html2cmark::convert_with("<ol start=4><li>a</li><li>b</li></ol>", &o),
        "4) a\n5) b\n"
    );
}

#[test]
fn emphasis_and_strong_delimiters() {
    let o = with(|o| {
        o.style.emphasis = '_';
        o.style.strong = '_';
    });
    assert_eq!(
        html2cmark::convert_with("<p><em>a</em> <b>b</b></p>", &o),
        "_a_ __b__\n"
    );
    // Intraword, `_` cannot work: the other delimiter is used.
    assert_eq!(html2cmark::convert_with("<p>x<em>a</em>y</p>", &o), "x*a*y\n");
}

#[test]
fn code_block_styles() {
    let tildes = with(|o| o.style.code_block = CodeBlockStyle::Tildes);
    assert_eq!(
        html2cmark::convert_with("<pre class='language-js'>x</pre>", &tildes),
        "~~~js\nx\n~~~\n"
    );
    let indented = with(|o| o.style.code_block = CodeBlockStyle::Indented);
    assert_eq!(
        html2cmark::convert_with("<p>a</p><pre>x\n  y</pre>", &indented),
        "a\n\n    x\n      y\n"
    );
    // An info string needs a fence.
    assert_eq!(
        html2cmark::convert_with("<pre class='language-js'>x</pre>", &indented),
        "```js\nx\n```\n"
    );
}

#[test]
fn rule_text() {
    let o = with(|o| o.style.rule = "* * *".into());
    assert_eq!(
        html2cmark::convert_with("<p>a</p><hr><p>b</p>", &o),
        "a\n\n* * *\n\nb\n"
    );
    let bad = with(|o| o.style.rule = "==".into());
    assert_eq!(html2cmark::convert_with("<hr>", &bad), "---\n");
}

#[test]
fn hard_break_style() {
    let o = with(|o| o.style.hard_break = HardBreakStyle::Spaces);
    assert_eq!(html2cmark::convert_with("<p>a<br>b</p>", &o), "a  \nb\n");
}

/// The same choices as turndown's options (headingStyle, bulletListMarker, codeBlockStyle, fence, emDelimiter,
/// strongDelimiter, hr, br); the expected Markdown is written by us.
#[test]
fn turndown_equivalents() {
    let html = "<h2>Title</h2><ul><li>one</li></ul><pre>code</pre><p><i>i</i> <b>b</b></p><hr>";
    let o = with(|o| {
        o.style.heading = HeadingStyle::Setext; // headingStyle: 'setext'
        o.style.bullet = '*'; // bulletListMarker: '*'
        o.style.code_block = CodeBlockStyle::Tildes; // codeBlockStyle: 'fenced', fence: '~~~'
        o.style.emphasis = '_'; // emDelimiter: '_'
        o.style.strong = '*'; // strongDelimiter: '**'
        o.style.rule = "* * *".into(); // hr: '* * *'
    });
    assert_eq!(
        html2cmark::convert_with(html, &o),
        "Title\n---\n\n* one\n\n~~~\ncode\n~~~\n\n_i_ **b**\n\n* * *\n"
    );
}

#[test]
fn link_styles() {
    let html = "<p><a href='https://www.rust-lang.org'>Rust</a>, <a href='/b' title='B'>the book</a> and \
                <img src='logo.png' alt='logo'>; <a href='https://www.rust-lang.org'>again</a>.</p>";
    assert_eq!(
        convert(html, &Options::default()),
        "[Rust](https://www.rust-lang.org), [the book](/b \"B\") and ![logo](logo.png); \
         [again](https://www.rust-lang.org).\n"
    );
    assert_eq!(
        convert(html, &links(LinkStyle::ReferenceNumbered)),
        "[Rust][1], [the book][2] and ![logo][3]; [again][1].\n\n\
         [1]: https://www.rust-lang.org\n[2]: /b \"B\"\n[3]: logo.png\n"
    );
    assert_eq!(
        convert(html, &links(LinkStyle::ReferenceText)),
        "[Rust][], [the book][] and ![logo][]; [again][Rust].\n\n\
         [Rust]: https://www.rust-lang.org\n[the book]: /b \"B\"\n[logo]: logo.png\n"
    );
}

/// One definition per destination and title: the same URL with another title is another definition.
#[test]
fn identical_targets_share_a_definition() {
    let html = "<p><a href='/a' title='T'>one</a> <a href='/a' title='T'>two</a> <a href='/a'>three</a> \
                <a href='/a' title='T'>one</a></p>";
    assert_eq!(
        convert(html, &links(LinkStyle::ReferenceNumbered)),
        "[one][1] [two][1] [three][2] [one][1]\n\n[1]: /a \"T\"\n[2]: /a\n"
    );
    assert_eq!(
        convert(html, &links(LinkStyle::ReferenceText)),
        "[one][] [two][one] [three][] [one][]\n\n[one]: /a \"T\"\n[three]: /a\n"
    );
}

/// Link text with brackets, backslashes or code cannot be its own label: a label is made of its letters and
/// digits; text with none gets a number. Labels are unique as CommonMark compares them (case folded: `Straße`
/// is `STRASSE`), and `x` is kept free (a `[x]` task box in text must not become a link).
#[test]
fn text_labels_are_valid_and_unique() {
    let html = "<p><a href='/1'>x]y</a> <a href='/2'>a\\b</a> <a href='/3'>`c`</a> <a href='/4'><code>k</code></a> \
                <a href='/5'>[?]</a> <a href='/6'>x</a> <a href='/7'>Straße</a> <a href='/8'>STRASSE</a> \
                <a href='/9'>^up</a> <a href='/10'>Rust</a> <a href='/11'>rust</a></p>";
    assert_eq!(
        convert(html, &links(LinkStyle::ReferenceText)),
        "[x\\]y][x y] [a\\b][a b] [\\`c\\`][c] [`k`][k] [\\[?\\]][1] [x][x-2] [Straße][] [STRASSE][STRASSE-2] \
         [^up][up] [Rust][] [rust][rust-2]\n\n\
         [x y]: /1\n[a b]: /2\n[c]: /3\n[k]: /4\n[1]: /5\n[x-2]: /6\n[Straße]: /7\n[STRASSE-2]: /8\n[up]: /9\n\
         [Rust]: /10\n[rust-2]: /11\n"
    );
    // Labels stay short: a long text is cut at a word end.
    let long = format!("<p><a href='/l'>{}</a></p>", "word ".repeat(30));
    let md = convert(&long, &links(LinkStyle::ReferenceText));
    let label = "word ".repeat(12);
    assert!(md.ends_with(&format!("\n\n[{}]: /l\n", label.trim_end())), "{md}");
}

/// With reference links every label is defined for the whole document, so bracketed text is escaped: `[1]`
/// (a citation mark) must not become a link to the first definition.
#[test]
fn bracketed_text_cannot_become_a_reference() {
    let html = "<p>See [1] and [note] and ![x] <a href='/a'>note</a> <a href='/b'>a [b] c</a></p>";
    assert_eq!(
        convert(html, &links(LinkStyle::ReferenceNumbered)),
        "See \\[1] and \\[note] and !\\[x] [note][1] [a \\[b\\] c][2]\n\n[1]: /a\n[2]: /b\n"
    );
    assert_eq!(
        convert(html, &links(LinkStyle::ReferenceText)),
        "See \\[1] and \\[note] and !\\[x] [note][] [a \\[b\\] c][a b c]\n\n[note]: /a\n[a b c]: /b\n"
    );
}

/// Autolinks stay autolinks; an empty `href` is its text (no link); a destination with a space or an unbalanced
/// parenthesis is written in pointy brackets; links in tables keep `|` out of their labels.
#[test]
fn reference_destinations_and_tables() {
    let html = "<p><a href='https://x.y'>https://x.y</a> <a href=''>e</a> <a href='/p (1'>p</a></p>\
                <table><tr><th>h</th></tr><tr><td><a href='/a|b'>a|b</a> <img src='i.png' alt='pic'></td></tr></table>";
    assert_eq!(
        convert(html, &links(LinkStyle::ReferenceNumbered)),
        "<https://x.y> e [p][1]\n\n| h |\n| --- |\n| [a\\|b][2] ![pic][3] |\n\n\
         [1]: </p (1>\n[2]: /a|b\n[3]: i.png\n"
    );
    assert_eq!(
        convert(html, &links(LinkStyle::ReferenceText)),
        "<https://x.y> e [p][]\n\n| h |\n| --- |\n| [a\\|b][a b] ![pic][] |\n\n\
         [p]: </p (1>\n[a b]: /a|b\n[pic]: i.png\n"
    );
}

/// Definitions come after a blank line at the top level, whatever container the document ends in, so that no
/// list item, quote or paragraph takes them in.
#[test]
fn definitions_end_the_document_at_the_top_level() {
    let o = links(LinkStyle::ReferenceNumbered);
    assert_eq!(
        convert("<ul><li>a <a href='/a'>l</a></li></ul>", &o),
        "- a [l][1]\n\n[1]: /a\n"
    );
    assert_eq!(
        convert(
            "<blockquote><ol><li><p>q <a href='/q'>l</a></p></li></ol></blockquote>",
            &o
        ),
        "> 1. q [l][1]\n\n[1]: /q\n"
    );
    // Events that end inside open containers (a truncated stream) too.
    let mut md = String::new();
    html2cmark::push_markdown_with(
        &mut md,
        [
            Event::Start(Tag::BlockQuote(None)),
            Event::Start(Tag::List(None)),
            Event::Start(Tag::Item),
            Event::Start(Tag::Link {
                link_type: html2cmark::pulldown_cmark::LinkType::Inline,
                dest_url: "/u".into(),
                title: "".into(),
                id: "".into(),
            }),
            Event::Text("t".into()),
            Event::End(TagEnd::Link),
        ],
        &o,
    );
    assert_eq!(md, "> - [t][1]\n\n[1]: /u\n");
}

/// The streaming converter holds the definitions (not the text) and writes them when the input ends: the same
/// output in any chunking.
#[test]
fn streaming_writes_definitions_at_the_end() -> Result<(), Box<dyn std::error::Error>> {
    let o = links(LinkStyle::ReferenceText);
    let html = "<p><a href='/a'>one</a></p><div>".repeat(50) + "<p>last <a href='/b'>two</a></p>";
    let whole = convert(&html, &o);
    assert!(whole.ends_with("last [two][]\n\n[one]: /a\n[two]: /b\n"), "{whole}");
    for chunk in [1, 7, 4096] {
        let mut c = html2cmark::Converter::new(Vec::new(), o.clone());
        for piece in html.as_bytes().chunks(chunk) {
            c.feed(piece)?;
        }
        assert_eq!(String::from_utf8(c.finish()?)?, whole, "chunks of {chunk}");
    }
    let mut out = Vec::new();
    html2cmark::convert_reader(html.as_bytes(), &mut out, &o)?;
    assert_eq!(String::from_utf8(out)?, whole);
    Ok(())
}

/// `convert_markdown` splices its conversions into a document whose labels it does not own: links stay inline.
#[test]
fn markdown_archives_keep_inline_links() {
    let archive = "<!--1697273101000-->\n[T](https://x.y)\n------\n\n<p><a href='/a'>a</a></p>\n";
    assert_eq!(
        html2cmark::convert_markdown(archive, &links(LinkStyle::ReferenceNumbered)),
        "<!--1697273101000-->\n[T](https://x.y)\n------\n\n[a](/a)\n"
    );
}

#[test]
fn wrapping_at_spaces() {
    let html = "<p>The quick brown fox jumps over the lazy dog and keeps on running.</p>";
    assert_eq!(
        convert(html, &wrapped(20)),
        "The quick brown fox\njumps over the lazy\ndog and keeps on\nrunning.\n"
    );
    // Off by default; a word longer than the room stays whole.
    assert_eq!(convert(html, &Options::default()), html2cmark::convert(html));
    assert_eq!(
        convert("<p>a verylongwordthatdoesnotfit b</p>", &wrapped(5)),
        "a\nverylongwordthatdoesnotfit\nb\n"
    );
}

/// Container prefixes count; continuation lines get them (the same path as soft breaks); hard breaks and the
/// input's own line breaks stay.
#[test]
fn wrapping_in_containers() {
    let html = "<blockquote><ol><li>one two three four five six<br>seven eight nine</li></ol></blockquote>";
    assert_eq!(
        convert(html, &wrapped(15)),
        "> 1. one two\n>    three four\n>    five six\\\n>    seven\n>    eight nine\n"
    );
}

/// A wrapped line never starts with what would begin a block: the word stays on the line before.
#[test]
fn wrapping_never_starts_a_block() {
    for word in [
        "-", "+", "*", "1.", "2)", "#", "&gt;", "===", "---", "***", "___", "|", ":-:", "```x`", "~~~",
    ] {
        let html = format!("<p>aaaaaaaaa {word} b ccc</p>");
        let md = convert(&html, &wrapped(10));
        let shown = word.replace("&gt;", ">");
        assert_eq!(md, format!("aaaaaaaaa {shown}\nb ccc\n"), "{word}");
    }
    // A block tag: `<div>` in text is escaped anyway; as inline HTML it stays on its line.
    let events = [
        Event::Start(Tag::Paragraph),
        Event::Text("aaaaaaaaa ".into()),
        Event::InlineHtml("<div>".into()),
        Event::Text(" b".into()),
        Event::End(TagEnd::Paragraph),
    ];
    let mut md = String::new();
    html2cmark::push_markdown_with(&mut md, events.clone(), &wrapped(5));
    assert_eq!(md, "aaaaaaaaa <div>\nb\n");
    assert_eq!(
        common::normalize_wrapped(&common::parse(&md)),
        common::normalize_wrapped(&events)
    );
    // Cutting a line short must not leave a thematic break, a setext underline or a fence behind.
    assert_eq!(
        convert("<p>--- aaaa bbbb</p><p>=== aaaa</p><p>```a` bbbb</p>", &wrapped(3)),
        "--- aaaa\nbbbb\n\n=== aaaa\n\n```a` bbbb\n"
    );
    // On a paragraph's first line, a tag alone would start an HTML block (type 7).
    let events = [
        Event::Start(Tag::Paragraph),
        Event::InlineHtml("<b>".into()),
        Event::Text(" bold ".into()),
        Event::InlineHtml("</b>".into()),
        Event::End(TagEnd::Paragraph),
    ];
    let mut md = String::new();
    html2cmark::push_markdown_with(&mut md, events.clone(), &wrapped(1));
    assert_eq!(md, "<b> bold\n</b>\n");
    assert_eq!(
        common::normalize_wrapped(&common::parse(&md)),
        common::normalize_wrapped(&events)
    );
}

/// Never inside code spans, link destinations and titles, autolinks or inline HTML; never in headings, tables
/// or code blocks; never next to another space or after a backslash.
#[test]
fn wrapping_keeps_code_links_and_blocks_whole() {
    let html = "<p>aaaaaaaaa <code>x y z</code> <a href='/a b c' title='t i t'>t u</a> https://example.com/a?b=c</p>\
                <h2>A heading long enough to wrap</h2><table><tr><th>a b c d e f g</th></tr></table>\
                <pre>code code code code</pre><p>a\\ b \u{a0}c d</p>";
    assert_eq!(
        convert(html, &wrapped(5)),
        "aaaaaaaaa\n`x y z`\n[t\nu](</a b c> \"t i t\")\nhttps://example.com/a?b=c\n\n\
         ## A heading long enough to wrap\n\n| a b c d e f g |\n| --- |\n\n```\ncode code code code\n```\n\n\
         a\\ b \u{a0}c\nd\n"
    );
    // Two spaces: neither can become a line break (a hard break, or a stripped space).
    let mut md = String::new();
    html2cmark::push_markdown_with(
        &mut md,
        [
            Event::Start(Tag::Paragraph),
            Event::Text("aaaa  bbbb".into()),
            Event::End(TagEnd::Paragraph),
        ],
        &wrapped(1),
    );
    assert_eq!(md, "aaaa  bbbb\n");
    let o = with(|o| {
        o.style.wrap = Some(12);
        o.style.link = LinkStyle::ReferenceText;
    });
    assert_eq!(
        convert("<p>see <a href='/r'>the Rust book</a> now</p>", &o),
        "see [the\nRust book][]\nnow\n\n[the Rust book]: /r\n"
    );
}

/// Linear time (DESIGN.md invariant 5): many links with one text get their `-N` labels without searching from
/// 2 each time, and a huge paragraph full of words that cannot start a line wraps without rescanning.
#[test]
fn many_labels_and_huge_wrapped_paragraphs_stay_linear() {
    let n = 20_000;
    let html: String = (0..n).map(|i| format!("<a href='/{i}'>here</a> ")).collect();
    let md = convert(&format!("<p>{html}</p>"), &links(LinkStyle::ReferenceText));
    assert!(
        md.contains("[here][here-20000]") && md.ends_with("[here-20000]: /19999\n"),
        "{}",
        &md[md.len() - 200..]
    );
    let text = "word - - 1. # > === ".repeat(20_000);
    let md = convert(&format!("<p>{text}</p>"), &wrapped(20));
    assert!(
        md.lines().all(|l| l.chars().count() <= 20 || !l.contains(' ')),
        "{}",
        &md[..200]
    );
}

/// Text that starts a list item with `[x] ` is escaped where GFM would read a task box (found by the property
/// test once it generated `[x]`), in a paragraph and in a setext heading.
#[test]
fn task_box_text_at_an_item_start_stays_text() {
    use html2cmark::pulldown_cmark::HeadingLevel;
    let o = with(|o| o.style.heading = HeadingStyle::Setext);
    let heading = Tag::Heading {
        level: HeadingLevel::H1,
        id: None,
        classes: vec![],
        attrs: vec![],
    };
    for (inner, want) in [(None, "- \\[x] a\n"), (Some(heading), "- \\[x] a\n  ===\n")] {
        let mut events = vec![Event::Start(Tag::List(None)), Event::Start(Tag::Item)];
        let end = inner.as_ref().map(Tag::to_end);
        events.extend(inner.map(Event::Start));
        events.push(Event::Text("[x] a".into()));
        events.extend(end.map(Event::End));
        events.extend([Event::End(TagEnd::Item), Event::End(TagEnd::List(false))]);
        let mut md = String::new();
        html2cmark::push_markdown_with(&mut md, events.clone(), &o);
        assert_eq!(md, want);
        assert_eq!(common::normalize(&common::parse(&md)), common::normalize(&events));
    }
}
