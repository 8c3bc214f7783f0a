//! `convert_markdown` on arbitrary Markdown (bytes read as lossy UTF-8), checked for what issue 21 asks: the
//! output rendered by pulldown-cmark (with the options `convert_markdown` promises safety under) and parsed as
//! a browser would holds no script, event handler or unsafe URL, and a second pass changes nothing. The first
//! byte picks the options.
#![no_main]

mod archive_options;

#[path = "../../tests/common/live.rs"]
mod live;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    let options = archive_options::from_byte(first);
    let md = String::from_utf8_lossy(rest);
    let out = html2cmark::convert_markdown(&md, &options);
    let parser_options = options.parser_options() | pulldown_cmark::Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
    let live = live::live_markup(&out, parser_options);
    assert!(live.is_empty(), "live markup {live:?}\nmd:  {md:?}\nout: {out:?}");
    let again = html2cmark::convert_markdown(&out, &options);
    assert!(again == out, "a second pass changed the output\nmd:    {md:?}\nout:   {out:?}\nagain: {again:?}");
});
