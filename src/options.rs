//! Conversion options: plain data with documented defaults.

/// What to do with an element that Markdown cannot express (for example `<sup>`, `<u>`, `<details>`).
///
/// # Example
///
/// ```
/// use html2cmark::{Options, Unsupported};
/// let mut options = Options::default();
/// options.unsupported = Unsupported::KeepHtml;
/// assert_eq!(options.unsupported, Unsupported::KeepHtml);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Unsupported {
    /// Keep the element as raw HTML where Markdown allows it (inline HTML inside paragraphs, HTML blocks
    /// between blocks); its attributes are sanitised.
    KeepHtml,
    /// Keep its content (text, links, images) and drop the markup. The default.
    #[default]
    KeepContent,
    /// Drop the element and its content.
    Drop,
}

/// Options for conversion and for writing Markdown.
///
/// Every field is public and documented with its default; build one with `Options::default()` and change what
/// you need. New fields may be added in minor releases, so the struct is `#[non_exhaustive]`.
///
/// # Example
///
/// ```
/// let mut options = html2cmark::Options::default();
/// options.tables = false;
/// let md = html2cmark::convert_with("<p>Hi <b>there</b></p>", &options);
/// assert_eq!(md, "Hi **there**\n");
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Options {
    /// Write GFM pipe tables. When off, tables become one paragraph per cell. Default: `true`.
    pub tables: bool,
    /// Write GFM strikethrough (`~~text~~`) for `<del>`, `<s>` and `<strike>`. When off, their text is kept
    /// plain. Default: `true`.
    pub strikethrough: bool,
    /// Write GFM task list items (`- [x] done`) for checkboxes at the start of list items. Default: `true`.
    pub task_lists: bool,
    /// What to do with elements Markdown cannot express. Default: [`Unsupported::KeepContent`].
    pub unsupported: Unsupported,
    /// The deepest nesting of HTML elements kept as structure; content nested deeper flows into the deepest
    /// kept element, so no text is lost. Default: `256`.
    pub max_depth: usize,
    /// Refuse inputs larger than this many bytes with [`Error::InputTooLarge`](crate::Error::InputTooLarge)
    /// in the byte-stream API ([`Converter`](crate::Converter), [`convert_reader`](crate::convert_reader));
    /// `convert` and `convert_with` take a string that is already in memory and convert all of it. Default:
    /// `None` (no limit).
    pub max_input_bytes: Option<u64>,
    /// The encoding of byte input when the caller knows it, typically from an HTTP `Content-Type` charset (find
    /// it with [`Encoding::for_label`](encoding_rs::Encoding::for_label)). A byte order mark still wins over
    /// it. When `None`, the encoding comes from a `<meta charset>` in the first 1024 bytes, else from
    /// detection over the first 64 KiB (UTF-8 when they are valid UTF-8), as the WHATWG HTML standard
    /// describes. Only byte input ([`Converter`](crate::Converter), [`convert_reader`](crate::convert_reader))
    /// is decoded; strings are already text. Default: `None`.
    ///
    /// ```
    /// let mut options = html2cmark::Options::default();
    /// options.encoding = html2cmark::encoding_rs::Encoding::for_label(b"gbk");
    /// let mut out = Vec::new();
    /// html2cmark::convert_reader(&b"<p>\xd6\xd0\xce\xc4</p>"[..], &mut out, &options).unwrap();
    /// assert_eq!(out, "中文\n".as_bytes());
    /// ```
    pub encoding: Option<&'static encoding_rs::Encoding>,
}

impl Default for Options {
    fn default() -> Self {
        Options::DEFAULT
    }
}

impl Options {
    /// The default options as a constant, so that they can live in a `static`.
    ///
    /// # Example
    ///
    /// ```
    /// static OPTIONS: html2cmark::Options = html2cmark::Options::DEFAULT;
    /// assert!(OPTIONS.tables);
    /// ```
    pub const DEFAULT: Options = Options {
        tables: true,
        strikethrough: true,
        task_lists: true,
        unsupported: Unsupported::KeepContent,
        max_depth: 256,
        max_input_bytes: None,
        encoding: None,
    };

    /// The pulldown-cmark parser options that match these options (the extensions our Markdown uses).
    ///
    /// # Example
    ///
    /// ```
    /// let opts = html2cmark::Options::default().parser_options();
    /// assert!(opts.contains(pulldown_cmark::Options::ENABLE_TABLES));
    /// ```
    pub fn parser_options(&self) -> pulldown_cmark::Options {
        let mut o = pulldown_cmark::Options::empty();
        if self.tables {
            o |= pulldown_cmark::Options::ENABLE_TABLES;
        }
        if self.strikethrough {
            o |= pulldown_cmark::Options::ENABLE_STRIKETHROUGH;
        }
        if self.task_lists {
            o |= pulldown_cmark::Options::ENABLE_TASKLISTS;
        }
        o
    }
}
