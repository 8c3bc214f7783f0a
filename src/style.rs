//! How the Markdown looks: the writer's style choices (`Options::style`). None changes what the Markdown means.

use std::borrow::Cow;

/// How headings are written.
///
/// # Example
///
/// ```
/// use html2cmark::{HeadingStyle, Options};
/// let mut options = Options::default();
/// options.style.heading = HeadingStyle::Setext;
/// assert_eq!(html2cmark::convert_with("<h1>Title</h1><h3>Sub</h3>", &options), "Title\n===\n\n### Sub\n");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum HeadingStyle {
    /// `# Title` for every level. The default.
    #[default]
    Atx,
    /// `Title` underlined with `===` (level 1) or `---` (level 2); levels 3–6 stay ATX, as do empty headings.
    Setext,
}

/// How code blocks are written.
///
/// # Example
///
/// ```
/// use html2cmark::{CodeBlockStyle, Options};
/// let mut options = Options::default();
/// options.style.code_block = CodeBlockStyle::Tildes;
/// assert_eq!(html2cmark::convert_with("<pre>x = 1</pre>", &options), "~~~\nx = 1\n~~~\n");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum CodeBlockStyle {
    /// Fenced with backticks (tildes when the info string holds a backtick). The default.
    #[default]
    Backticks,
    /// Fenced with tildes.
    Tildes,
    /// Indented by four spaces, where that is possible (no info string, no blank first or last line, not the
    /// first line of a list item, not right after a paragraph's text); fenced with backticks elsewhere.
    Indented,
}

/// How hard line breaks are written.
///
/// # Example
///
/// ```
/// use html2cmark::{HardBreakStyle, Options};
/// let mut options = Options::default();
/// options.style.hard_break = HardBreakStyle::Spaces;
/// assert_eq!(html2cmark::convert_with("<p>a<br>b</p>", &options), "a  \nb\n");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum HardBreakStyle {
    /// A backslash at the end of the line (visible, and survives editors that trim spaces). The default.
    #[default]
    Backslash,
    /// Two spaces at the end of the line.
    Spaces,
}

/// How links and images are written.
///
/// The reference styles write `[text][label]` in the text and collect the definitions (`[label]: url "title"`),
/// one per distinct URL and title, at the end of the document, after a blank line and outside every container.
/// The writer holds the definitions until then, so with them memory grows with the number of distinct links
/// (never with the text). Autolinks (`<https://…>`) stay autolinks. In a reference style every `[` of the text
/// (and every `]` of link text) is escaped, so that no bracketed text can become a link to one of the labels.
/// [`convert_markdown`](crate::convert_markdown) always writes inline links: its output is spliced into a
/// document whose other labels it does not own.
///
/// # Example
///
/// ```
/// use html2cmark::{LinkStyle, Options};
/// let html = r#"<p><a href="https://www.rust-lang.org">Rust</a> and <a href="/b" title="B">the book</a>.</p>"#;
/// let mut options = Options::default();
/// assert_eq!(
///     html2cmark::convert_with(html, &options),
///     "[Rust](https://www.rust-lang.org) and [the book](/b \"B\").\n"
/// );
/// options.style.link = LinkStyle::ReferenceNumbered;
/// assert_eq!(
///     html2cmark::convert_with(html, &options),
///     "[Rust][1] and [the book][2].\n\n[1]: https://www.rust-lang.org\n[2]: /b \"B\"\n"
/// );
/// options.style.link = LinkStyle::ReferenceText;
/// assert_eq!(
///     html2cmark::convert_with(html, &options),
///     "[Rust][] and [the book][].\n\n[Rust]: https://www.rust-lang.org\n[the book]: /b \"B\"\n"
/// );
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum LinkStyle {
    /// `[text](url "title")`. The default.
    #[default]
    Inline,
    /// `[text][1]`, labels numbered in order of first use: `[1]: url "title"` at the end.
    ReferenceNumbered,
    /// `[text][]` when the text can be its own label (at most 60 characters, no brackets, backslashes, backticks,
    /// `<`, `>`, `|` or line breaks), else `[text][label]` with a label made of the text's letters, digits and
    /// simple punctuation, or a number when none is left; labels are unique as CommonMark compares them
    /// (case-insensitively, white space collapsed), so two links with the same text and different URLs get
    /// `[text][]` and `[text][text-2]`.
    ReferenceText,
}

/// The writer's style choices.
///
/// # Example
///
/// ```
/// let mut options = html2cmark::Options::default();
/// options.style.bullet = '*';
/// options.style.emphasis = '_';
/// assert_eq!(html2cmark::convert_with("<ul><li><em>a</em></li></ul>", &options), "* _a_\n");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Style {
    /// ATX or setext headings. Default: [`HeadingStyle::Atx`].
    pub heading: HeadingStyle,
    /// The bullet list marker, `-`, `*` or `+` (anything else means `-`); a list right after another list uses
    /// a different marker, or the two would merge. Default: `'-'`.
    pub bullet: char,
    /// The ordered list delimiter, `.` or `)` (anything else means `.`). Default: `'.'`.
    pub ordered_delimiter: char,
    /// The emphasis delimiter tried first, `*` or `_`; the other one (or `<em>`) is used where the first
    /// cannot work. Default: `'*'`.
    pub emphasis: char,
    /// The strong emphasis delimiter tried first, `*` (`**`) or `_` (`__`). Default: `'*'`.
    pub strong: char,
    /// Code block style. Default: [`CodeBlockStyle::Backticks`].
    pub code_block: CodeBlockStyle,
    /// The text of a thematic break: three or more of one of `-`, `*`, `_`, optionally spaced (anything else
    /// means `---`). Where that text would be misread (after a tight item's text, or next to a list marker of the
    /// same character) another break character is used. Default: `"---"`.
    pub rule: Cow<'static, str>,
    /// Hard break style. Default: [`HardBreakStyle::Backslash`].
    pub hard_break: HardBreakStyle,
    /// Inline links or reference links with definitions at the end. Default: [`LinkStyle::Inline`].
    pub link: LinkStyle,
    /// Wrap paragraph text at spaces so that lines (container prefixes included) are at most this many
    /// characters long, where a break is possible: a word longer than the room left stays whole, and a line is
    /// never broken inside a code span, a link destination, title or label, an autolink, inline HTML, at a
    /// space next to another space or after a backslash, nor where the next line would start a block (a list
    /// marker, `#`, `>`, a fence, a thematic break, a setext underline, a table delimiter row, an HTML block)
    /// — the word then stays on the line before. Headings, table cells and code blocks are never wrapped, and
    /// line breaks in the input are kept. Only the line breaks differ: the text reads back the same, a break we
    /// add being a soft break where the input had a space. Widths are counted in characters. Default: `None`
    /// (no wrapping).
    ///
    /// ```
    /// let mut options = html2cmark::Options::default();
    /// options.style.wrap = Some(20);
    /// let html = "<blockquote><p>Lines of quotes and list items count their prefixes.</p></blockquote>";
    /// assert_eq!(
    ///     html2cmark::convert_with(html, &options),
    ///     "> Lines of quotes\n> and list items\n> count their\n> prefixes.\n"
    /// );
    /// // "A dash never starts a line" fills 26 columns, but the next line would then be a list item.
    /// options.style.wrap = Some(26);
    /// assert_eq!(
    ///     html2cmark::convert_with("<p>A dash never starts a line - it stays behind.</p>", &options),
    ///     "A dash never starts a\nline - it stays behind.\n"
    /// );
    /// ```
    pub wrap: Option<usize>,
}

impl Default for Style {
    fn default() -> Self {
        Style::DEFAULT
    }
}

impl Style {
    /// The default style as a constant.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(html2cmark::Style::DEFAULT.bullet, '-');
    /// ```
    pub const DEFAULT: Style = Style {
        heading: HeadingStyle::Atx,
        bullet: '-',
        ordered_delimiter: '.',
        emphasis: '*',
        strong: '*',
        code_block: CodeBlockStyle::Backticks,
        rule: Cow::Borrowed("---"),
        hard_break: HardBreakStyle::Backslash,
        link: LinkStyle::Inline,
        wrap: None,
    };

    pub(crate) fn bullet(&self) -> char {
        if matches!(self.bullet, '-' | '*' | '+') {
            self.bullet
        } else {
            '-'
        }
    }

    pub(crate) fn ordered_delimiter(&self) -> char {
        if self.ordered_delimiter == ')' { ')' } else { '.' }
    }

    pub(crate) fn emphasis(&self) -> char {
        if self.emphasis == '_' { '_' } else { '*' }
    }

    pub(crate) fn strong(&self) -> char {
        if self.strong == '_' { '_' } else { '*' }
    }

    /// The rule text if it is a valid thematic break (§4.1), with its character.
    pub(crate) fn rule(&self) -> Option<(&str, char)> {
        let r = self.rule.trim_end();
        let mut chars = r.chars().filter(|c| *c != ' ' && *c != '\t');
        let c = chars.next()?;
        let count = 1 + chars.clone().count();
        let valid = matches!(c, '-' | '*' | '_')
            && chars.all(|d| d == c)
            && count >= 3
            && !r.starts_with("    ")
            && !r.contains('\n');
        valid.then_some((r, c))
    }
}
