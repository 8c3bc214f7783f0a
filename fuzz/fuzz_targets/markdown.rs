//! `convert_markdown` on arbitrary Markdown (bytes read as lossy UTF-8): no panic, and a document without raw
//! HTML or links with a scheme comes back byte for byte (with front matter on, it may only gain front matter in
//! front). The first byte picks the options.
#![no_main]

mod archive_options;

use html2cmark::pulldown_cmark::{Event, Parser, Tag};
use libfuzzer_sys::fuzz_target;

/// Whether pulldown-cmark finds raw HTML (or a link with a scheme) in `md`, with the parser options
/// `convert_markdown` uses.
fn has_html(md: &str, options: &html2cmark::Options) -> bool {
    let parser_options = options.parser_options() | html2cmark::pulldown_cmark::Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
    Parser::new_ext(md, parser_options).any(|e| match e {
        Event::Html(_) | Event::InlineHtml(_) | Event::Start(Tag::HtmlBlock) => true,
        // A link with a scheme may be refused by the URL policy and become its text.
        Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => dest_url.contains(':'),
        _ => false,
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    let options = archive_options::from_byte(first);
    let md = String::from_utf8_lossy(rest);
    let out = html2cmark::convert_markdown(&md, &options);
    if !has_html(&md, &options) {
        if options.front_matter {
            assert!(out.ends_with(&*md), "front matter only in front\nmd:  {md:?}\nout: {out:?}");
        } else {
            assert!(out == md, "no raw HTML, yet changed\nmd:  {md:?}\nout: {out:?}");
        }
    }
});
