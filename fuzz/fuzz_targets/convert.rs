//! `convert` on arbitrary bytes (read as lossy UTF-8): no panic, and the Markdown parses back to our events.
//! The first byte picks the options (a small depth limit exercises the depth filter).
#![no_main]

mod check;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    let mut options = html2cmark::Options::default();
    options.max_depth = [256, 3, 1, 0][usize::from(first & 3)];
    options.tables = first & 4 == 0;
    options.unsupported = if first & 8 == 0 {
        html2cmark::Unsupported::KeepContent
    } else {
        html2cmark::Unsupported::KeepHtml
    };
    let html = String::from_utf8_lossy(rest);
    check::round_trip(&html, &options);
});
