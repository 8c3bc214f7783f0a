//! Each style option on its own (issue 8): the Markdown it gives, written here by hand; every value also goes
//! through the writer's round-trip property test (tests/writer_prop.rs).

use html2cmark::{CodeBlockStyle, HardBreakStyle, HeadingStyle, Options};

fn with(f: impl FnOnce(&mut Options)) -> Options {
    let mut o = Options::default();
    f(&mut o);
    o
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
