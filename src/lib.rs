//! # html2cmark
//!
//! Faithful, streaming conversion of HTML into CommonMark, with the GFM extensions for tables,
//! strikethrough and task lists.
//!
//! HTML is parsed by [html5ever](https://docs.rs/html5ever) exactly as a browser parses it, mapped to
//! [`pulldown_cmark::Event`](https://docs.rs/pulldown-cmark/0.13/pulldown_cmark/enum.Event.html)s, and written
//! as CommonMark with minimal escaping. The central promise: parsing the Markdown we write with pulldown-cmark
//! gives back the events we meant, so no text is lost or garbled.
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
//!   [`write_markdown`];
//! - [`convert_markdown`] for Markdown documents that carry raw HTML (news archives, Jekyll posts).
//!
//! ## Links and safety
//!
//! Our Markdown, rendered by a CommonMark renderer with raw HTML enabled, contains no script that the options
//! did not allow:
//! - links and images whose URL uses a dangerous scheme (`javascript:`, `vbscript:`, `data:`, `file:`, and the
//!   same hidden by case, white space, control characters or character references) are written as their text
//!   or alt text, unless [`Options::allow_unsafe_urls`] (raster `data:image/…` images need only
//!   [`Options::allow_data_images`]; SVG never passes that one);
//! - the only raw HTML the converter writes is attribute-free tags it chose (`<sup>`/`<sub>` whose text has
//!   no Unicode superscript or subscript form, `<u>`, … with [`Unsupported::KeepHtml`] or
//!   [`Options::keep_html`], `<br>` in table cells, `<strong>`/`<em>`/`<del>`
//!   where delimiters cannot work): never an event-handler attribute, a `style`, or a `<script>` (raw HTML
//!   that a [`Handler`] of yours returns is written with the attributes you gave it);
//! - with [`Options::base_url`], these checks apply to each URL both as written and as resolved;
//! - share intents (`facebook.com/sharer.php?u=…`, `whatsapp://send?text=…`, …) become links to the URL being
//!   shared and redirect links (`google.com/url?q=…`) links to their target ([`Options::share_links`]).
//!
//! ```
//! let md = html2cmark::convert(r#"<p><a href="javascript:alert(1)">click</a> <img src=x onerror=alert(1) alt=pic></p>"#);
//! assert_eq!(md, "click ![pic](x)\n");
//! ```
//!
//! ## Choosing what is converted
//!
//! - [`Options::base_url`]: resolve relative links and images against the page's URL (and its `<base href>`);
//! - [`Options::drop`], [`Options::keep_html`]: drop elements, or keep them as raw HTML, by simple
//!   [`Selector`]s (`nav`, `.ads`, `#comments`, `[aria-hidden=true]`, `div.note`);
//! - [`Options::drop_page_chrome`]: drop the navigation, banners, footers and forms of whole web pages;
//! - [`Options::handlers`]: your own conversion for chosen elements: a [`Handler`] (or a closure) sees the
//!   [`Element`] (name, attributes, text) and answers with an [`Action`]: convert as usual, skip, or write
//!   events instead of it or around its content. `examples/handlers.rs` turns `<div class="note">` into a block
//!   quote and `<span class="math">` into code.
//!
//! ```
//! use html2cmark::{Action, Selector, pulldown_cmark::Event};
//! let mut options = html2cmark::Options::default();
//! options.drop = Selector::parse_list(".ad")?;
//! options.keep_html = Selector::parse_list("kbd")?;
//! options.on("span", |el| {
//!     if el.has_class("math") { Action::Replace(vec![Event::Code(el.text().into())]) } else { Action::Descend }
//! });
//! let html = r#"<p>Press <kbd>F</kbd> for <span class="math">f(x)</span>.<span class="ad">Buy!</span></p>"#;
//! assert_eq!(html2cmark::convert_with(html, &options), "Press <kbd>F</kbd> for `f(x)`.\n");
//! # Ok::<(), html2cmark::Error>(())
//! ```
//!
//! ## Transforming events
//!
//! Changes that need no HTML (rewriting URLs, shifting heading levels, editing text) are easiest on the event
//! stream: take [`events`], map or filter it, and write the result with [`push_markdown_with`] (or
//! [`write_markdown_with`] for an `io::Write`). The writer does not panic whatever it is given; for the
//! Markdown to read back as the events, keep them shaped as pulldown-cmark's parser shapes them (`Start` and
//! `End` paired and nested, inline events inside blocks). `examples/rewrite_images.rs` moves images to a CDN
//! this way.
//!
//! ```
//! use html2cmark::pulldown_cmark::{Event, Tag};
//! let options = html2cmark::Options::default();
//! let events = html2cmark::events("<p><img src='/a.png' alt='A'></p>", &options).map(|event| match event {
//!     Event::Start(Tag::Image { link_type, dest_url, title, id }) => Event::Start(Tag::Image {
//!         link_type,
//!         dest_url: format!("https://cdn.example.net{dest_url}").into(),
//!         title,
//!         id,
//!     }),
//!     other => other,
//! });
//! let mut md = String::new();
//! html2cmark::push_markdown_with(&mut md, events, &options);
//! assert_eq!(md, "![A](https://cdn.example.net/a.png)\n");
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod decode;
mod dom;
mod embed;
mod error;
mod escape;
mod handler;
mod inline;
mod meta;
mod options;
mod policy;
mod punct;
mod refs;
mod rules;
mod selector;
mod stream;
mod style;
mod url;
mod walk;
mod wrap;
mod writer;

pub use error::{Error, Result};
pub use handler::{Action, Element, Handler, Handlers};
pub use options::{Options, ShareLinks, Unsupported};
pub use selector::Selector;
#[doc(hidden)]
pub use stream::check_flush_rule;
pub use stream::{Converter, convert_reader};
pub use style::{CodeBlockStyle, HardBreakStyle, HeadingStyle, LinkStyle, Style};
pub use walk::Events;
pub use writer::{push_markdown, push_markdown_with, write_markdown, write_markdown_with};

/// Re-export of the pulldown-cmark version whose events this crate reads and writes.
pub use pulldown_cmark;

/// Re-export of the encoding_rs version that [`Options::encoding`] takes.
pub use encoding_rs;

/// Re-export of the `url` crate's URL type that [`Options::base_url`] takes (`Url::parse("https://…")`).
pub use ::url::Url;

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

/// Converts the raw HTML in a Markdown document (a news archive, a Jekyll post) and keeps every other byte.
///
/// HTML blocks made only of comments stay as they are (archives keep their timestamp in one); every other HTML
/// block is replaced by its conversion ([`convert_with`]), with blank lines around it so that it cannot merge
/// with its neighbours; runs of inline HTML in paragraphs are converted in place. Front matter, headings and all
/// other Markdown are copied byte for byte. With [`Options::front_matter`], YAML front matter is added (unless
/// the document already has some) from the archive header: the `<!--epoch milliseconds-->` comment gives the
/// date, a heading that is one link gives the title and source.
///
/// # Example
///
/// ```
/// let archive = "<!--1697273101000-->\n[Title](https://example.com/a)\n------\n\n<div>12:00</div><p><b>Lead</b></p>\n";
/// let md = html2cmark::convert_markdown(archive, &html2cmark::Options::default());
/// assert_eq!(md, "<!--1697273101000-->\n[Title](https://example.com/a)\n------\n\n12:00\n\n**Lead**\n");
///
/// let mut options = html2cmark::Options::default();
/// options.front_matter = true;
/// let md = html2cmark::convert_markdown(archive, &options);
/// assert!(md.starts_with("---\ntitle: \"Title\"\nsource: \"https://example.com/a\"\ndate: 2023-10-14T08:45:01Z\n---\n<!--"));
/// ```
pub fn convert_markdown(markdown: &str, options: &Options) -> String {
    embed::convert_markdown(markdown, options)
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
