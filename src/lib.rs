//! # html2cmark
//!
//! Faithful, streaming conversion of HTML into CommonMark, with the GFM extensions for tables,
//! strikethrough and task lists.
//!
//! HTML is parsed by [html5ever](https://docs.rs/html5ever) exactly as a browser parses it, mapped to
//! [`pulldown_cmark::Event`]s, and written as CommonMark with minimal escaping. The central promise: parsing
//! the Markdown we write with pulldown-cmark gives back the events we meant, so no text is lost or garbled.
//!
//! ```
//! let md = html2cmark::convert("<h1>Title</h1><p>Some <em>emphasis</em> and a <a href='/x'>link</a>.</p>");
//! assert_eq!(md, "# Title\n\nSome *emphasis* and a [link](/x).\n");
//! ```
//!
//! Entry points:
//! - [`convert`] and [`convert_with`] for a string of HTML;
//! - [`Converter`] and [`convert_reader`] to stream bytes in and Markdown out with bounded memory;
//! - [`events`] for the event stream, to transform before writing with [`push_markdown`] or
//!   [`write_markdown`].
#![deny(missing_docs)]
#![forbid(unsafe_code)]

// `url` is a crate internal that `walk` calls once it is wired in; until then only its tests use it.
mod decode;
mod dom;
mod error;
mod escape;
mod inline;
mod options;
mod punct;
mod rules;
mod stream;
#[allow(dead_code)]
mod url;
mod walk;
mod writer;

pub use error::{Error, Result};
pub use options::{Options, Unsupported};
#[doc(hidden)]
pub use stream::check_flush_rule;
pub use stream::{Converter, convert_reader};
pub use walk::Events;
pub use writer::{push_markdown, push_markdown_with, write_markdown, write_markdown_with};

/// Re-export of the pulldown-cmark version whose events this crate reads and writes.
pub use pulldown_cmark;

/// Re-export of the encoding_rs version that [`Options::encoding`] takes.
pub use encoding_rs;

/// Converts a string of HTML (a document or a fragment) to CommonMark with the default [`Options`].
///
/// Conversion of text cannot fail, and keeps as much as it can: malformed HTML is parsed the way a browser
/// parses it; elements nested deeper than [`Options::max_depth`] are flattened into the deepest element kept
/// (block quotes and lists too: past the limit they become plain block boundaries), with all their text; a
/// huge input is converted whole ([`Options::max_input_bytes`] applies to the byte-stream API, where a
/// limit can be reported as an error). Memory grows with the largest block (a paragraph, a table, or
/// everything inside an unclosed formatting element), not with the depth of nesting.
///
/// # Example
///
/// ```
/// assert_eq!(html2cmark::convert("<ul><li>one<li>two</ul>"), "- one\n- two\n");
/// ```
pub fn convert(html: &str) -> String {
    convert_with(html, &Options::DEFAULT)
}

/// Converts a string of HTML to CommonMark with the given [`Options`].
///
/// # Example
///
/// ```
/// let mut options = html2cmark::Options::default();
/// options.strikethrough = false;
/// assert_eq!(html2cmark::convert_with("<p><del>gone</del></p>", &options), "gone\n");
/// ```
pub fn convert_with(html: &str, options: &Options) -> String {
    stream::convert_str(html, options)
}

/// The events the converter would write for `html`, before writing.
///
/// Transform them and write them with [`push_markdown`] or [`write_markdown`].
///
/// # Example
///
/// ```
/// use html2cmark::pulldown_cmark::{Event, Tag, TagEnd};
/// let events: Vec<_> = html2cmark::events("<p>Hi</p>", &html2cmark::Options::default()).collect();
/// assert_eq!(events, vec![Event::Start(Tag::Paragraph), Event::Text("Hi".into()), Event::End(TagEnd::Paragraph)]);
/// ```
pub fn events(html: &str, options: &Options) -> Events {
    walk::events(html, options)
}
