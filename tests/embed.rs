//! `convert_markdown` on small synthetic documents: what is kept byte for byte, what is converted, and that the
//! result reads back as the converter's events.

mod common;

use html2cmark::pulldown_cmark::{Event, Tag, TagEnd};
use html2cmark::{Options, convert_markdown};

fn md(input: &str) -> String {
    convert_markdown(input, &Options::default())
}

#[test]
fn archive_header_is_kept_and_the_body_converted() {
    let input = "<!--1594693423000-->\n[A \"title\" *x*](https://example.com/a%20b)\n------\n\n<div>01/08/2020</div><p><strong>Lead.</strong></p><p>Body <a href=\"https://x.com/intent/tweet?url=https%3A%2F%2Fex.am%2F1\"><span></span></a></p>\n";
    let out = md(input);
    let header = "<!--1594693423000-->\n[A \"title\" *x*](https://example.com/a%20b)\n------\n\n";
    assert!(out.starts_with(header), "{out}");
    assert_eq!(
        &out[header.len()..],
        "01/08/2020\n\n**Lead.**\n\nBody [X](https://ex.am/1)\n"
    );
}

#[test]
fn jekyll_front_matter_and_wrapper() {
    let input = "---\nlayout: post\ntitle: \"T: x\"\n---\n<!--1596239829000-->\n[T: x](http://e.com/1)\n------\n\n<div>\n<p>One</p><p>Two</p>\n</div>\n";
    let out = md(input);
    let header = "---\nlayout: post\ntitle: \"T: x\"\n---\n<!--1596239829000-->\n[T: x](http://e.com/1)\n------\n\n";
    assert_eq!(out, format!("{header}One\n\nTwo\n"));
    // Front matter is never duplicated.
    let mut options = Options::default();
    options.front_matter = true;
    assert_eq!(convert_markdown(input, &options), out);
}

#[test]
fn front_matter_from_the_archive_header() {
    let input = "<!--1697273101000-->\n[Say \"hi\": #1](https://e.com/a)\n------\n\n<p>x</p>\n";
    let mut options = Options::default();
    options.front_matter = true;
    let out = convert_markdown(input, &options);
    assert_eq!(
        out,
        format!(
            "---\ntitle: \"Say \\\"hi\\\": #1\"\nsource: \"https://e.com/a\"\ndate: 2023-10-14T08:45:01Z\n---\n{}",
            md(input)
        )
    );
}

#[test]
fn html_blocks_are_separated_from_their_neighbours() {
    // An HTML block (type 6) can interrupt a paragraph; its conversion must not join it.
    assert_eq!(md("para\n<div>x</div>\nmore\n"), "para\n\nx\n\nmore\n");
    // A script block converts to nothing; the paragraphs around it stay apart.
    assert_eq!(md("a\n<script>alert(1)</script>\nb\n"), "a\n\nb\n");
    // Comment-only blocks are kept verbatim.
    assert_eq!(md("<!-- keep me -->\n\ntext\n"), "<!-- keep me -->\n\ntext\n");
}

#[test]
fn html_blocks_in_containers_get_the_container_prefix() {
    assert_eq!(md("> <div><p>a</p><p>b</p></div>\n"), "> a\n>\n> b\n");
    assert_eq!(
        md("- item\n\n  <div><p>a</p><p>b</p></div>\n"),
        "- item\n\n  a\n\n  b\n"
    );
}

#[test]
fn inline_html_runs_are_converted_in_place() {
    assert_eq!(
        md("Keep *this* and <b>bold</b>, <i>x *y*</i> too.\n"),
        "Keep *this* and **bold**, *x y* too.\n"
    );
    // (Nested emphasis collapses, as it does for HTML input.)
    assert_eq!(md("- a <b>b</b>\n- c\n"), "- a **b**\n- c\n");
    assert_eq!(md("# Title <small>sub</small>\n"), "# Title sub\n");
}

#[test]
fn inline_runs_that_would_misread_fall_back_to_the_whole_paragraph() {
    // `**标题：**正文` is not strong in CommonMark; the paragraph must still read back as strong text.
    let out = md("前文<b>标题：</b>正文\n");
    let events = common::normalize(&common::parse(&out));
    assert_eq!(
        events,
        vec![
            Event::Start(Tag::Paragraph),
            Event::Text("前文".into()),
            Event::Start(Tag::Strong),
            Event::Text("标题：".into()),
            Event::End(TagEnd::Strong),
            Event::Text("正文".into()),
            Event::End(TagEnd::Paragraph),
        ],
        "{out}"
    );
    // A lone `<br>` is a line break, not nothing.
    let out = md("one<br>two\n");
    assert!(common::parse(&out).contains(&Event::HardBreak), "{out}");
}

#[test]
fn ordinary_markdown_is_untouched() {
    let input = "# H\n\nSome *text* with `code <b>` and a [link](u).\n\n```html\n<div>code</div>\n```\n\n| a | b |\n|---|---|\n| <b>x</b> | y |\n";
    assert_eq!(md(input), input);
}
