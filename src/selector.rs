//! Simple CSS selectors for the element policy ([`Options::drop`](crate::Options::drop),
//! [`Options::keep_html`](crate::Options::keep_html)): a tag name, classes, an id and attributes, matched on one
//! element at a time. No combinators: a decision about an element is taken from the element alone, when it is
//! created, which keeps streaming output independent of how the input is chunked (DESIGN.md invariant 3).

use std::fmt;
use std::str::FromStr;

use crate::Error;
use crate::dom::Node;

/// A simple CSS selector: an optional tag name (or `*`), then any number of `.class`, `#id`, `[attr]` and
/// `[attr=value]` parts, all of which must match (`div.note`, `a[href]`, `[role=navigation]`, `#comments`).
///
/// Tag and attribute names match ASCII case-insensitively, as in HTML; classes, ids and attribute values match
/// exactly. A value in brackets may be quoted (`[title="a b"]`) and must be when it holds anything but letters,
/// digits, `-` and `_`.
///
/// # Example
///
/// ```
/// use html2cmark::Selector;
/// let s = Selector::parse("div.note[data-kind=tip]")?;
/// assert_eq!(s.to_string(), "div.note[data-kind=\"tip\"]");
/// assert!(Selector::parse("nav > a").is_err()); // combinators are not supported
/// let list = Selector::parse_list("nav, .ads, [aria-hidden=true]")?;
/// assert_eq!(list.len(), 3);
/// # Ok::<(), html2cmark::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selector {
    /// Lower-case tag name; `None` for any element.
    tag: Option<Box<str>>,
    id: Option<Box<str>>,
    classes: Vec<Box<str>>,
    /// Lower-case attribute names, with the value they must have, if any.
    attrs: Vec<(Box<str>, Option<Box<str>>)>,
}

impl Selector {
    /// Parses one simple selector.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSelector`] for an empty selector, a combinator (` `, `>`, `+`, `~`), a pseudo-class, an
    /// unclosed `[` or quote, or a `.`/`#` with no name after it.
    ///
    /// # Example
    ///
    /// ```
    /// let s = html2cmark::Selector::parse("aside#related")?;
    /// assert_eq!(s.to_string(), "aside#related");
    /// let err = html2cmark::Selector::parse("a:hover").unwrap_err();
    /// assert!(err.to_string().contains("pseudo-classes are not supported"));
    /// # Ok::<(), html2cmark::Error>(())
    /// ```
    pub fn parse(text: &str) -> Result<Selector, Error> {
        Parser {
            text,
            chars: text.trim().char_indices().peekable(),
            offset: text.len() - text.trim_start().len(),
        }
        .selector()
    }

    /// Parses a comma-separated list of selectors (`"nav, footer, .ads"`); empty items are an error.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSelector`] for the first item that does not parse.
    ///
    /// # Example
    ///
    /// ```
    /// let list = html2cmark::Selector::parse_list("sub, sup, kbd")?;
    /// assert_eq!(list.iter().map(|s| s.to_string()).collect::<Vec<_>>(), ["sub", "sup", "kbd"]);
    /// # Ok::<(), html2cmark::Error>(())
    /// ```
    pub fn parse_list(text: &str) -> Result<Vec<Selector>, Error> {
        split_list(text).into_iter().map(Selector::parse).collect()
    }

    /// The tag name this selector requires, if any (lower case).
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(html2cmark::Selector::parse("DIV.x")?.tag(), Some("div"));
    /// assert_eq!(html2cmark::Selector::parse(".x")?.tag(), None);
    /// # Ok::<(), html2cmark::Error>(())
    /// ```
    pub fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }

    /// Whether an element with this tag name and these attributes matches (`attr` looks an attribute up by its
    /// lower-case name).
    pub(crate) fn matches_with(&self, tag: &str, attr: &dyn Fn(&str) -> Option<String>) -> bool {
        if self.tag.as_deref().is_some_and(|t| !tag.eq_ignore_ascii_case(t)) {
            return false;
        }
        if let Some(id) = &self.id {
            if attr("id").as_deref() != Some(&**id) {
                return false;
            }
        }
        if !self.classes.is_empty() {
            let Some(class) = attr("class") else { return false };
            let words = class.split_ascii_whitespace();
            if !self.classes.iter().all(|c| words.clone().any(|w| w == &**c)) {
                return false;
            }
        }
        self.attrs.iter().all(|(name, value)| match (attr(name), value) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(v), Some(want)) => v == **want,
        })
    }

    /// Whether the element `node` matches.
    pub(crate) fn matches(&self, node: &Node) -> bool {
        self.matches_with(node.tag(), &|name| node.attr(name))
    }
}

impl FromStr for Selector {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Selector::parse(s)
    }
}

/// Writes the selector in a normal form: tag, id, classes, attributes, values quoted.
impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let empty = self.id.is_none() && self.classes.is_empty() && self.attrs.is_empty();
        match &self.tag {
            Some(tag) => f.write_str(tag)?,
            None if empty => f.write_str("*")?,
            None => {}
        }
        if let Some(id) = &self.id {
            write!(f, "#{id}")?;
        }
        for class in &self.classes {
            write!(f, ".{class}")?;
        }
        for (name, value) in &self.attrs {
            match value {
                Some(v) => write!(f, "[{name}=\"{}\"]", v.replace('\\', "\\\\").replace('"', "\\\""))?,
                None => write!(f, "[{name}]")?,
            }
        }
        Ok(())
    }
}

/// Splits a selector list at commas outside brackets and quotes.
fn split_list(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut quote, mut depth) = (0, None, 0usize);
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[') => depth += 1,
            (None, ']') => depth = depth.saturating_sub(1),
            (None, ',') if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// Characters allowed in names: ASCII letters, digits, `-`, `_`, and anything non-ASCII (as CSS identifiers).
fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_' || !c.is_ascii()
}

struct Parser<'a> {
    /// The whole text, for error messages.
    text: &'a str,
    chars: std::iter::Peekable<std::str::CharIndices<'a>>,
    /// Byte offset of the trimmed text in `text`.
    offset: usize,
}

impl Parser<'_> {
    fn error(&self, reason: impl Into<String>) -> Error {
        Error::InvalidSelector {
            selector: self.text.to_string(),
            reason: reason.into(),
        }
    }

    fn at(&mut self) -> usize {
        self.offset + self.chars.peek().map_or(self.text.trim().len(), |&(i, _)| i)
    }

    fn name(&mut self) -> String {
        let mut name = String::new();
        while let Some(&(_, c)) = self.chars.peek() {
            if !is_name_char(c) {
                break;
            }
            name.push(c);
            self.chars.next();
        }
        name
    }

    fn selector(mut self) -> Result<Selector, Error> {
        let mut s = Selector {
            tag: None,
            id: None,
            classes: Vec::new(),
            attrs: Vec::new(),
        };
        if self.chars.peek().is_none() {
            return Err(self.error("empty selector"));
        }
        let mut any = false;
        match self.chars.peek() {
            Some(&(_, '*')) => {
                self.chars.next();
                any = true;
            }
            Some(&(_, c)) if c.is_ascii_alphabetic() => {
                s.tag = Some(self.name().to_ascii_lowercase().into());
                any = true;
            }
            _ => {}
        }
        while let Some(&(i, c)) = self.chars.peek() {
            let at = self.offset + i;
            match c {
                '.' | '#' => {
                    self.chars.next();
                    let name = self.name();
                    if name.is_empty() {
                        let what = if c == '.' { "a class" } else { "an id" };
                        return Err(self.error(format!("expected {what} name after `{c}` at byte {at}")));
                    }
                    if c == '.' {
                        s.classes.push(name.into());
                    } else if s.id.replace(name.into()).is_some() {
                        return Err(self.error(format!("a second id at byte {at}")));
                    }
                }
                '[' => {
                    self.chars.next();
                    s.attrs.push(self.attribute(at)?);
                }
                ' ' | '\t' | '\n' | '>' | '+' | '~' => {
                    return Err(self.error(format!(
                        "combinators are not supported (byte {at}): use one simple selector such as \
                         `tag`, `.class`, `#id`, `[attr]` or `[attr=value]`, or a comma-separated list"
                    )));
                }
                ':' => return Err(self.error(format!("pseudo-classes are not supported (byte {at})"))),
                ',' => return Err(self.error(format!("a list where one selector is expected (byte {at})"))),
                '*' => return Err(self.error(format!("`*` must come first (byte {at})"))),
                _ => return Err(self.error(format!("unexpected `{c}` at byte {at}"))),
            }
            any = true;
        }
        if !any {
            return Err(self.error("empty selector"));
        }
        Ok(s)
    }

    /// `[name]`, `[name=value]`, `[name="value"]`, `[name='value']`, after the `[` at byte `open`.
    fn attribute(&mut self, open: usize) -> Result<(Box<str>, Option<Box<str>>), Error> {
        self.skip_space();
        let at = self.at();
        let mut name = self.name();
        // Namespaced names such as `xml:lang` are kept whole.
        while let Some(&(_, ':')) = self.chars.peek() {
            self.chars.next();
            name.push(':');
            name.push_str(&self.name());
        }
        if name.is_empty() {
            return Err(self.error(format!("expected an attribute name at byte {at}")));
        }
        self.skip_space();
        let value = match self.chars.next() {
            Some((_, ']')) => return Ok((name.to_ascii_lowercase().into(), None)),
            Some((_, '=')) => {
                self.skip_space();
                let value = match self.chars.peek() {
                    Some(&(_, q @ ('"' | '\''))) => {
                        self.chars.next();
                        self.quoted(q, open)?
                    }
                    _ => {
                        let at = self.at();
                        let v = self.name();
                        if v.is_empty() {
                            return Err(self.error(format!(
                                "expected a value at byte {at} (quote values that hold other characters)"
                            )));
                        }
                        v
                    }
                };
                self.skip_space();
                value
            }
            Some((i, c)) => {
                let at = self.offset + i;
                let reason = if matches!(c, '~' | '|' | '^' | '$' | '*') {
                    format!("only `[attr]` and `[attr=value]` are supported (byte {at})")
                } else {
                    format!("unexpected `{c}` at byte {at}")
                };
                return Err(self.error(reason));
            }
            None => return Err(self.error(format!("`[` at byte {open} is not closed"))),
        };
        match self.chars.next() {
            Some((_, ']')) => Ok((name.to_ascii_lowercase().into(), Some(value.into()))),
            Some((i, c)) => Err(self.error(format!("expected `]` at byte {}, found `{c}`", self.offset + i))),
            None => Err(self.error(format!("`[` at byte {open} is not closed"))),
        }
    }

    /// A quoted value after its opening quote; `\` escapes the next character.
    fn quoted(&mut self, quote: char, open: usize) -> Result<String, Error> {
        let mut value = String::new();
        while let Some((_, c)) = self.chars.next() {
            match c {
                c if c == quote => return Ok(value),
                '\\' => match self.chars.next() {
                    Some((_, e)) => value.push(e),
                    None => break,
                },
                c => value.push(c),
            }
        }
        Err(self.error(format!("the quote in `[` at byte {open} is not closed")))
    }

    fn skip_space(&mut self) {
        while self.chars.peek().is_some_and(|&(_, c)| c.is_ascii_whitespace()) {
            self.chars.next();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> String {
        match Selector::parse(s) {
            Ok(sel) => sel.to_string(),
            Err(e) => panic!("{s:?}: {e}"),
        }
    }

    fn err(s: &str) -> String {
        match Selector::parse(s) {
            Ok(sel) => panic!("{s:?} parsed as {sel}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn parses_simple_selectors() {
        assert_eq!(ok("div"), "div");
        assert_eq!(ok("  DIV  "), "div");
        assert_eq!(ok("*"), "*");
        assert_eq!(ok("*.x"), ".x");
        assert_eq!(ok(".note"), ".note");
        assert_eq!(ok("#main"), "#main");
        assert_eq!(ok("div.a.b#c"), "div#c.a.b");
        assert_eq!(ok("[hidden]"), "[hidden]");
        assert_eq!(ok("[ aria-hidden = true ]"), "[aria-hidden=\"true\"]");
        assert_eq!(ok("[title='a \"b\"']"), "[title=\"a \\\"b\\\"\"]");
        assert_eq!(ok("[xml:lang=en]"), "[xml:lang=\"en\"]");
        assert_eq!(ok("x-y.中文"), "x-y.中文");
        assert_eq!(ok("h2"), "h2");
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert!(err("").contains("empty selector"));
        assert!(err("   ").contains("empty selector"));
        assert!(err("div p").contains("combinators are not supported (byte 3)"));
        assert!(err("ul>li").contains("combinators"));
        assert!(err("a:hover").contains("pseudo-classes"));
        assert!(err("div.").contains("expected a class name after `.` at byte 3"));
        assert!(err("#").contains("expected an id name after `#` at byte 0"));
        assert!(err("[href").contains("is not closed"));
        assert!(err("[title='x]").contains("quote"));
        assert!(err("[class~=x]").contains("only `[attr]` and `[attr=value]`"));
        assert!(err("[=x]").contains("attribute name"));
        assert!(err("[a=]").contains("expected a value"));
        assert!(err("[a=b c]").contains("expected `]`"));
        assert!(err("a,b").contains("a list"));
        assert!(err("#a#b").contains("second id"));
        assert!(err("a*").contains("must come first"));
        assert!(err("div!").contains("unexpected `!`"));
        assert!(err("a b").starts_with("invalid selector `a b`: "));
    }

    #[test]
    fn lists_split_at_top_level_commas() {
        let list = Selector::parse_list("nav, [title='a,b'] ,footer").unwrap_or_default();
        let shown: Vec<String> = list.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["nav", "[title=\"a,b\"]", "footer"]);
        assert!(Selector::parse_list("nav,,footer").is_err());
        assert!(Selector::parse_list("").is_err());
    }

    #[test]
    fn matching() {
        let attrs = |name: &str| -> Option<String> {
            match name {
                "class" => Some("note  wide".into()),
                "id" => Some("n1".into()),
                "data-x" => Some("Y".into()),
                "hidden" => Some(String::new()),
                _ => None,
            }
        };
        let m = |s: &str| Selector::parse(s).is_ok_and(|sel| sel.matches_with("div", &attrs));
        assert!(m("div"));
        assert!(m("DIV"));
        assert!(m("*"));
        assert!(m(".note"));
        assert!(m(".wide.note"));
        assert!(!m(".note.narrow"));
        assert!(!m(".Note"));
        assert!(m("#n1"));
        assert!(!m("#n2"));
        assert!(m("div.note#n1[data-x=Y][hidden]"));
        assert!(!m("[data-x=y]"));
        assert!(!m("span"));
        assert!(!m("[title]"));
    }
}
