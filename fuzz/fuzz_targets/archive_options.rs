//! The options of the `markdown` and `markdown_safe` targets, picked by their input's first byte.

/// Bit 0: front matter on; bit 1: tables off; bit 2: a depth limit of 2.
pub fn from_byte(first: u8) -> html2cmark::Options {
    let mut options = html2cmark::Options::default();
    options.front_matter = first & 1 != 0;
    options.tables = first & 2 == 0;
    options.max_depth = if first & 4 == 0 { 256 } else { 2 };
    options
}
