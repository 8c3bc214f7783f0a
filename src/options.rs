//! Conversion options: plain data with documented defaults.

use crate::{Action, Element, Handlers, Selector};

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
    ///
    /// `<sup>` and `<sub>` keep their meaning as well: a footnote reference (`<sup><a href="#n2">2</a></sup>`)
    /// becomes a link labelled `[2]`; text whose every character has a Unicode superscript or subscript form
    /// becomes those characters (`10<sup>6</sup>` → `10⁶`, `H<sub>2</sub>O` → `H₂O`); anything else stays
    /// inside attribute-less `<sup>`/`<sub>` raw HTML (`1<sup>st</sup>`).
    ///
    /// ```
    /// let md = html2cmark::convert("<p>10<sup>6</sup> users, H<sub>2</sub>O, the 1<sup>st</sup></p>");
    /// assert_eq!(md, "10⁶ users, H₂O, the 1<sup>st</sup>\n");
    /// ```
    #[default]
    KeepContent,
    /// Drop the element and its content (footnote references included).
    Drop,
}

/// What to do with share links (`facebook.com/sharer.php?u=…`, `whatsapp://send?text=…`, `x.com/intent/tweet?url=…`,
/// …) and with redirect links whose target is in the URL (`google.com/url?q=…`, `l.facebook.com/l.php?u=…`).
///
/// # Example
///
/// ```
/// use html2cmark::{Options, ShareLinks};
/// let html = r#"<p>Share: <a href="https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fexample.com%2Fa"><svg></svg></a></p>"#;
/// assert_eq!(html2cmark::convert(html), "Share: [Facebook](https://example.com/a)\n");
/// let mut options = Options::default();
/// options.share_links = ShareLinks::Drop;
/// assert_eq!(html2cmark::convert_with(html, &options), "Share:\n");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ShareLinks {
    /// Share links become links to the URL being shared; a share link that shows no text (an icon) gets the
    /// platform's name as its text (`[Facebook](https://example.com/a)`), unless it comes right after a link to
    /// the same target (nothing visible in between): then it is dropped, so a widget's duplicates show once.
    /// Share links that show text keep it. Redirect links become links to their target. The default.
    #[default]
    Unwrap,
    /// Share and redirect links are kept as they are (links that show nothing are still dropped).
    Keep,
    /// Share links are dropped with their content; redirect links are unwrapped as with `Unwrap`.
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
    ///
    /// Even when on, a table that lays out a page is written as its content: one that holds another table, and
    /// one of a single row that holds multi-line preformatted text (code beside its line numbers) or that is no
    /// header (no `th`, not in `thead`) and holds blocks with 200 or more visible characters (an article in a
    /// layout box).
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
    /// Share and redirect links: unwrap, keep or drop them. Default: [`ShareLinks::Unwrap`].
    pub share_links: ShareLinks,
    /// Keep links and images whose URL uses a dangerous scheme (`javascript:`, `vbscript:`, `data:`, `file:`, …).
    /// When off, such a link is written as its text and such an image as its alt text. Default: `false`.
    pub allow_unsafe_urls: bool,
    /// Keep images with a `data:image/…` source of a raster type (never SVG, which can carry script). When off,
    /// they are written as their alt text. Default: `false`.
    pub allow_data_images: bool,
    /// Show percent-encoded non-ASCII characters in link and image URLs as the characters
    /// (`https://example.com/中国` rather than `https://example.com/%E4%B8%AD%E5%9B%BD`); reserved characters
    /// stay encoded, so the URL still names the same resource. Default: `false`.
    pub readable_urls: bool,
    /// Start the output with YAML front matter (`title`, `source`, `date`, `author`, `description`, each when
    /// the input states it). For HTML: from `<title>`, `<meta>` (`description`, `author`,
    /// `article:published_time`, `og:title`, `og:url`), `<link rel=canonical>` and the first `<time datetime>`;
    /// for [`convert_markdown`](crate::convert_markdown) also from the archive header (epoch-milliseconds
    /// comment, title link). Dates are RFC 3339, in UTC when the input gives a time zone. The streaming
    /// [`Converter`](crate::Converter) holds its output until the end of input when this is on, because a date
    /// may come last. Default: `false`.
    pub front_matter: bool,
    /// How the Markdown looks (markers, delimiters, code block and heading style); never what it means.
    /// Default: [`Style::DEFAULT`](crate::Style::DEFAULT).
    pub style: crate::Style,
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
    /// html2cmark::convert_reader(&b"<p>\xd6\xd0\xce\xc4</p>"[..], &mut out, &options)?;
    /// assert_eq!(out, "中文\n".as_bytes());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// The URL the document was fetched from. When set, relative link and image URLs (`href`, `src`, the
    /// `srcset` candidate taken, `data-src`, media sources, a relative canonical link in front matter) are
    /// resolved against it, or against the page's own `<base href>` (the first one in `head`, itself resolved
    /// against this URL), as a browser resolves them. URLs that are already absolute are kept exactly as
    /// written. Fragment-only links (`#notes`) and empty links stay as they are while they point into this
    /// same document (no `<base>`, or a `<base>` naming this document); with a `<base>` elsewhere they are
    /// resolved, because that is where a browser would go. The URL policy ([`allow_unsafe_urls`],
    /// [`share_links`]) applies to the resolved URL, and a `javascript:` URL stays refused however it was
    /// written. When `None`, URLs are kept as written and `<base>` is ignored. Default: `None`.
    ///
    /// [`allow_unsafe_urls`]: Options::allow_unsafe_urls
    /// [`share_links`]: Options::share_links
    ///
    /// ```
    /// let mut options = html2cmark::Options::default();
    /// options.base_url = Some(html2cmark::Url::parse("https://example.com/blog/post.html")?);
    /// let html = r##"<p><a href="../about">About</a> <a href="#c">comments</a> <img src="i.png" alt="I"></p>"##;
    /// assert_eq!(
    ///     html2cmark::convert_with(html, &options),
    ///     "[About](https://example.com/about) [comments](#c) ![I](https://example.com/blog/i.png)\n"
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub base_url: Option<crate::Url>,
    /// Elements to drop with everything inside them, by [`Selector`] (`nav`, `.ads`, `#comments`,
    /// `[data-widget]`). Decided from the element's tag and attributes alone, so streaming output stays the
    /// same however the input is chunked. A dropped block still ends the paragraph it interrupts. Dropping
    /// wins over [`keep_html`](Options::keep_html) and [`handlers`](Options::handlers). The `html`, `head` and
    /// `body` elements are never dropped. Default: empty.
    ///
    /// ```
    /// let mut options = html2cmark::Options::default();
    /// options.drop = html2cmark::Selector::parse_list(".ad, aside")?;
    /// let html = r#"<p>Text <span class="ad">Buy!</span>more</p><aside>Related</aside>"#;
    /// assert_eq!(html2cmark::convert_with(html, &options), "Text more\n");
    /// # Ok::<(), html2cmark::Error>(())
    /// ```
    pub drop: Vec<Selector>,
    /// Elements to keep as raw HTML around their converted content, by [`Selector`] (`sub`, `sup`, `kbd`,
    /// `details`, …), whatever [`unsupported`](Options::unsupported) says. The tags are written without
    /// attributes, as every tag the converter writes. Tags that CommonMark reads as the start of an HTML block
    /// (`details`, `div`, `section`, `figure`, …) are written as HTML blocks on lines of their own, with the
    /// content as Markdown between them; where a block cannot go (inside a tight list item, a heading or a table
    /// cell) such an element is converted as usual. Other tags are written as inline HTML. Elements that are
    /// Markdown structure or never have content (`html`, `head`, `body`, lists and their items, table parts,
    /// `pre`, `script`, `style`, `img`, `br`, …) are never kept as HTML. Default: empty.
    ///
    /// ```
    /// let mut options = html2cmark::Options::default();
    /// options.keep_html = html2cmark::Selector::parse_list("kbd, sup, details")?;
    /// let html = "<p>Press <kbd>Ctrl</kbd>+<kbd>C</kbd>, x<sup>2</sup></p><details><p>More</p></details>";
    /// assert_eq!(
    ///     html2cmark::convert_with(html, &options),
    ///     "Press <kbd>Ctrl</kbd>+<kbd>C</kbd>, x<sup>2</sup>\n\n<details>\n\nMore\n\n</details>\n"
    /// );
    /// # Ok::<(), html2cmark::Error>(())
    /// ```
    pub keep_html: Vec<Selector>,
    /// Drop the navigation chrome of whole web pages: `nav`, `aside`, the page's `header` and `footer` (not
    /// those inside an `article`, `main`, `section`, `aside` or `nav`, which belong to that content: the ARIA
    /// `banner`/`contentinfo` rule), elements with `role="navigation"`, `"banner"` or `"contentinfo"`,
    /// `aria-hidden="true"`, or a `hidden` attribute (not `hidden="until-found"`, whose content a reader can
    /// reveal), and `form`s, except a form that holds a heading, a paragraph, an `article` or a `main` (some
    /// sites wrap the whole page in one form). A form is decided once it has ended, so with this option a form
    /// stays in memory until then. Default: `false`.
    ///
    /// ```
    /// let mut options = html2cmark::Options::default();
    /// options.drop_page_chrome = true;
    /// let html = "<header><a href=/>Home</a></header><nav><a href=/a>A</a></nav>\
    ///             <main><article><header><h1>Title</h1></header><p>Body</p></article></main>\
    ///             <footer>© 2024</footer>";
    /// assert_eq!(html2cmark::convert_with(html, &options), "# Title\n\nBody\n");
    /// ```
    pub drop_page_chrome: bool,
    /// Custom conversions, by tag name: see [`Handler`](crate::Handler) and [`Handlers`]. An element with a handler is
    /// converted once it has ended (its text is known), so a handler on an element that wraps the whole page
    /// holds the page in memory. Default: empty.
    ///
    /// ```
    /// use html2cmark::{Action, pulldown_cmark::Event};
    /// let mut options = html2cmark::Options::default();
    /// options.on("span", |el| {
    ///     if el.has_class("math") { Action::Replace(vec![Event::Code(el.text().into())]) } else { Action::Descend }
    /// });
    /// let md = html2cmark::convert_with(r#"<p>So <span class="math">x^2</span>.</p>"#, &options);
    /// assert_eq!(md, "So `x^2`.\n");
    /// ```
    pub handlers: Handlers,
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
        share_links: ShareLinks::Unwrap,
        allow_unsafe_urls: false,
        allow_data_images: false,
        readable_urls: false,
        front_matter: false,
        style: crate::Style::DEFAULT,
        encoding: None,
        base_url: None,
        drop: Vec::new(),
        keep_html: Vec::new(),
        drop_page_chrome: false,
        handlers: Handlers::new(),
    };

    /// Registers a closure as the handler for elements named `tag` in [`handlers`](Options::handlers)
    /// (replacing one registered before for that name), and returns the options for chaining. A type that
    /// implements [`Handler`](crate::Handler) goes in with [`Handlers::insert`].
    ///
    /// # Example
    ///
    /// ```
    /// use html2cmark::Action;
    /// let mut options = html2cmark::Options::default();
    /// options
    ///     .on("figure", |_| Action::Skip)
    ///     .on("p", |el| if el.has_class("ad") { Action::Skip } else { Action::Descend });
    /// let html = "<p>a</p><figure>b</figure><p class=ad>c</p>";
    /// assert_eq!(html2cmark::convert_with(html, &options), "a\n");
    /// ```
    pub fn on<F>(&mut self, tag: &str, handler: F) -> &mut Options
    where
        F: Fn(&Element<'_>) -> Action + Send + Sync + 'static,
    {
        self.handlers.insert(tag, handler);
        self
    }

    /// Whether any element policy is set (selectors, the page-chrome preset or handlers): when not, the walker
    /// skips the policy checks.
    pub(crate) fn has_policy(&self) -> bool {
        !self.drop.is_empty() || !self.keep_html.is_empty() || self.drop_page_chrome || !self.handlers.is_empty()
    }

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
        // Only with front matter on: otherwise a document that starts with a thematic break (`---`) and has
        // another later would read back as a metadata block.
        if self.front_matter {
            o |= pulldown_cmark::Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
        }
        o
    }
}
