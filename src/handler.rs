//! Custom handlers: user code that converts chosen elements ([`Options::handlers`](crate::Options::handlers)).
//!
//! A handler is called with an [`Element`] (tag name, attributes, text, converted content) and answers with an
//! [`Action`]. The events it returns are not written as they are: the walker replays them through its own
//! state machine (see `walk/replay.rs`), so they are placed in context (inline events join the paragraph
//! around them, block events end it; blocks inside a heading or a table cell become spaces or line breaks),
//! unbalanced `Start`/`End` events are closed or dropped, and links and images go through the URL policy. The
//! Markdown written stays faithful whatever a handler returns.

use std::fmt;
use std::sync::Arc;

use pulldown_cmark::Event;

use crate::Selector;
use crate::dom::{Kind, Node};
use crate::walk::Walker;

/// What to do with an element, as decided by a [`Handler`].
///
/// Events are replayed through the converter, which places them in context: inline events (text, emphasis,
/// links, code) join the paragraph around the element; block events (paragraphs, block quotes, lists, code
/// blocks, tables, rules) end it, and inside a heading or a table cell, where blocks cannot go, become spaces
/// or `<br>`. `Start` events without their `End` are closed, `End` events without their `Start` are ignored.
/// Text is HTML-like: runs of white space collapse to one space. Link and image URLs go through the same
/// policy as the page's (base URL, unsafe schemes, share links). Raw HTML events are split into tags and text:
/// tags that start HTML blocks in CommonMark (`div`, `details`, …) are written as blocks of their own where a
/// block can go and dropped elsewhere, other tags as inline HTML next to visible content, comments dropped.
///
/// # Example
///
/// ```
/// use html2cmark::{Action, pulldown_cmark::{Event, Tag}};
/// let mut options = html2cmark::Options::default();
/// // `<abbr title="…">` → the text, then the expansion in parentheses.
/// options.on("abbr", |el| match el.attr("title") {
///     Some(title) => Action::Replace(vec![Event::Text(format!("{} ({title})", el.text()).into())]),
///     None => Action::Descend,
/// });
/// // Unbalanced events are closed: this `Start(Strong)` gets its `End`.
/// options.on("mark", |_| Action::Wrap(vec![Event::Start(Tag::Strong)]));
/// let html = r#"<p><abbr title="HyperText Markup Language">HTML</abbr> is <mark>everywhere</mark></p>"#;
/// assert_eq!(html2cmark::convert_with(html, &options), "HTML (HyperText Markup Language) is **everywhere**\n");
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Action {
    /// Convert the element as if it had no handler, then write what [`Handler::leave`] returns inside it.
    Descend,
    /// Drop the element and its content.
    Skip,
    /// Write these events instead of the element and its content.
    Replace(Vec<Event<'static>>),
    /// Write these events, then the element's converted content inside whatever they leave open (a
    /// `Start(BlockQuote)` without its `End`, say), then what [`Handler::leave`] returns; what is still open
    /// closes when the element ends. The element's own conversion (a link for `a`, emphasis for `em`) is
    /// replaced; a block element still ends the paragraph before and after it.
    Wrap(Vec<Event<'static>>),
}

/// Converts chosen elements, registered by tag name in [`Options::handlers`](crate::Options::handlers).
///
/// Both methods have defaults (convert as usual, add nothing), and closures
/// `Fn(&Element<'_>) -> Action + Send + Sync` are handlers whose `enter` is the closure
/// ([`Options::on`](crate::Options::on) registers one). A type of yours goes in with [`Handlers::insert`]. Handlers are called
/// for elements in the `body`, never for `html`, `head` or `body` themselves, and not for table rows and cells
/// of a table written as a GFM table, nor for elements inside `pre`, `code`, `svg` or other elements the
/// converter takes whole. An element that [`Options::drop`](crate::Options::drop) drops never reaches its
/// handler.
///
/// # Example
///
/// ```
/// use html2cmark::{Action, Element, Handler, pulldown_cmark::{Event, Tag, TagEnd}};
///
/// /// `<div class="note">` becomes a block quote that starts with a bold "Note".
/// struct Note;
/// impl Handler for Note {
///     fn enter(&self, el: &Element<'_>) -> Action {
///         if !el.has_class("note") {
///             return Action::Descend;
///         }
///         Action::Wrap(vec![
///             Event::Start(Tag::BlockQuote(None)),
///             Event::Start(Tag::Paragraph),
///             Event::Start(Tag::Strong),
///             Event::Text("Note".into()),
///             Event::End(TagEnd::Strong),
///             Event::End(TagEnd::Paragraph),
///         ])
///     }
/// }
///
/// let mut options = html2cmark::Options::default();
/// options.handlers.insert("div", Note);
/// let md = html2cmark::convert_with(r#"<div class="note"><p>Back up first.</p></div><div>Plain</div>"#, &options);
/// assert_eq!(md, "> **Note**\n>\n> Back up first.\n\nPlain\n");
/// ```
pub trait Handler: Send + Sync {
    /// Called when the walk reaches an element with the handler's tag name; the answer decides what becomes of
    /// it. Default: [`Action::Descend`].
    fn enter(&self, element: &Element<'_>) -> Action {
        let _ = element;
        Action::Descend
    }

    /// Called after the element's content, when [`enter`](Handler::enter) answered [`Action::Descend`] or
    /// [`Action::Wrap`]; the events are written inside the element, before what is still open closes.
    /// Default: nothing.
    fn leave(&self, element: &Element<'_>) -> Vec<Event<'static>> {
        let _ = element;
        Vec::new()
    }
}

impl<F> Handler for F
where
    F: Fn(&Element<'_>) -> Action + Send + Sync,
{
    fn enter(&self, element: &Element<'_>) -> Action {
        self(element)
    }
}

/// The handlers of [`Options::handlers`](crate::Options::handlers), by tag name. `Debug` shows the tag names.
///
/// # Example
///
/// ```
/// use html2cmark::{Action, Element, Handlers};
/// let mut handlers = Handlers::new();
/// handlers.insert("DIV", |_: &Element<'_>| Action::Descend);
/// handlers.insert("span", |_: &Element<'_>| Action::Skip);
/// assert_eq!(format!("{handlers:?}"), r#"{"div", "span"}"#);
/// assert!(handlers.get("div").is_some());
/// handlers.remove("div");
/// assert_eq!(handlers.len(), 1);
/// ```
#[derive(Clone, Default)]
pub struct Handlers {
    entries: Vec<(Box<str>, Arc<dyn Handler>)>,
}

impl Handlers {
    /// No handlers.
    ///
    /// # Example
    ///
    /// ```
    /// assert!(html2cmark::Handlers::new().is_empty());
    /// ```
    pub const fn new() -> Handlers {
        Handlers { entries: Vec::new() }
    }

    /// Registers `handler` for elements named `tag` (ASCII case-insensitive), replacing the one registered
    /// before, which is returned.
    ///
    /// # Example
    ///
    /// ```
    /// use html2cmark::{Action, Element};
    /// let mut handlers = html2cmark::Handlers::new();
    /// assert!(handlers.insert("q", |_: &Element<'_>| Action::Skip).is_none());
    /// assert!(handlers.insert("q", |_: &Element<'_>| Action::Descend).is_some());
    /// ```
    pub fn insert(&mut self, tag: &str, handler: impl Handler + 'static) -> Option<Arc<dyn Handler>> {
        self.insert_shared(tag, Arc::new(handler))
    }

    /// [`insert`](Handlers::insert) for a handler already shared (one handler for several tags).
    ///
    /// # Example
    ///
    /// ```
    /// use std::sync::Arc;
    /// use html2cmark::{Action, Element, Handler};
    /// let skip: Arc<dyn Handler> = Arc::new(|_: &Element<'_>| Action::Skip);
    /// let mut handlers = html2cmark::Handlers::new();
    /// for tag in ["nav", "aside"] {
    ///     handlers.insert_shared(tag, Arc::clone(&skip));
    /// }
    /// assert_eq!(handlers.len(), 2);
    /// ```
    pub fn insert_shared(&mut self, tag: &str, handler: Arc<dyn Handler>) -> Option<Arc<dyn Handler>> {
        let tag = tag.to_ascii_lowercase();
        match self.entries.iter_mut().find(|(t, _)| **t == *tag) {
            Some((_, old)) => Some(std::mem::replace(old, handler)),
            None => {
                self.entries.push((tag.into(), handler));
                None
            }
        }
    }

    /// Removes the handler for `tag`, returning it.
    ///
    /// # Example
    ///
    /// ```
    /// let mut handlers = html2cmark::Handlers::new();
    /// assert!(handlers.remove("div").is_none());
    /// ```
    pub fn remove(&mut self, tag: &str) -> Option<Arc<dyn Handler>> {
        let i = self.entries.iter().position(|(t, _)| t.eq_ignore_ascii_case(tag))?;
        Some(self.entries.remove(i).1)
    }

    /// The handler for elements named `tag` (ASCII case-insensitive).
    ///
    /// # Example
    ///
    /// ```
    /// let handlers = html2cmark::Handlers::new();
    /// assert!(handlers.get("div").is_none());
    /// ```
    pub fn get(&self, tag: &str) -> Option<&Arc<dyn Handler>> {
        self.entries
            .iter()
            .find(|(t, _)| t.eq_ignore_ascii_case(tag))
            .map(|(_, h)| h)
    }

    /// The tag names that have a handler, in the order they were first registered.
    ///
    /// # Example
    ///
    /// ```
    /// use html2cmark::{Action, Element};
    /// let mut handlers = html2cmark::Handlers::new();
    /// handlers.insert("b", |_: &Element<'_>| Action::Descend);
    /// assert_eq!(handlers.tags().collect::<Vec<_>>(), ["b"]);
    /// ```
    pub fn tags(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(t, _)| &**t)
    }

    /// How many tags have a handler.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(html2cmark::Handlers::new().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no tag has a handler.
    ///
    /// # Example
    ///
    /// ```
    /// assert!(html2cmark::Handlers::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl fmt::Debug for Handlers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.tags()).finish()
    }
}

/// The element a [`Handler`] is called for: its name, attributes, text and converted content. The element has
/// ended when its handler is called, so all of it is there, in streaming conversion too.
pub struct Element<'a> {
    node: &'a Node,
    walker: &'a Walker,
}

impl<'a> Element<'a> {
    pub(crate) fn new(node: &'a Node, walker: &'a Walker) -> Self {
        Element { node, walker }
    }

    /// The tag name, lower case for HTML elements (`div`, `my-widget`).
    ///
    /// # Example
    ///
    /// ```
    /// use html2cmark::{Action, Element};
    /// let mut options = html2cmark::Options::default();
    /// options.on("DIV", |el| {
    ///     assert_eq!(el.tag(), "div");
    ///     Action::Descend
    /// });
    /// html2cmark::convert_with("<DIV>x</DIV>", &options);
    /// ```
    pub fn tag(&self) -> &str {
        self.node.tag()
    }

    /// The value of attribute `name` (lower case), character references decoded.
    ///
    /// # Example
    ///
    /// ```
    /// use html2cmark::{Action, Element, pulldown_cmark::Event};
    /// let mut options = html2cmark::Options::default();
    /// options.on("data", |el| Action::Replace(vec![Event::Text(el.attr("value").unwrap_or_default().into())]));
    /// assert_eq!(html2cmark::convert_with(r#"<p><data value="42 &amp; 43">forty-two</data></p>"#, &options), "42 & 43\n");
    /// ```
    pub fn attr(&self, name: &str) -> Option<String> {
        self.node.attr(name)
    }

    /// All attributes as (name, value) pairs, in source order.
    ///
    /// # Example
    ///
    /// ```
    /// use html2cmark::{Action, Element};
    /// let mut options = html2cmark::Options::default();
    /// options.on("span", |el| {
    ///     assert_eq!(el.attrs(), vec![("a".to_string(), "1".to_string()), ("b".to_string(), String::new())]);
    ///     Action::Descend
    /// });
    /// html2cmark::convert_with("<span a=1 b>x</span>", &options);
    /// ```
    pub fn attrs(&self) -> Vec<(String, String)> {
        self.node.attrs()
    }

    /// Whether the `class` attribute holds `class` as one of its words.
    ///
    /// # Example
    ///
    /// ```
    /// use html2cmark::{Action, Element};
    /// let mut options = html2cmark::Options::default();
    /// options.on("p", |el| if el.has_class("ad") { Action::Skip } else { Action::Descend });
    /// assert_eq!(html2cmark::convert_with(r#"<p class="big ad">Buy</p><p>Read</p>"#, &options), "Read\n");
    /// ```
    pub fn has_class(&self, class: &str) -> bool {
        self.node
            .attr("class")
            .is_some_and(|c| c.split_ascii_whitespace().any(|w| w == class))
    }

    /// Whether the element matches `selector`.
    ///
    /// # Example
    ///
    /// ```
    /// use html2cmark::{Action, Element, Selector};
    /// let tip = Selector::parse("div.callout[data-kind=tip]")?;
    /// let mut options = html2cmark::Options::default();
    /// options.on("div", move |el| if el.matches(&tip) { Action::Skip } else { Action::Descend });
    /// let html = r#"<div class="callout" data-kind="tip">Tip</div><div class="callout">Other</div>"#;
    /// assert_eq!(html2cmark::convert_with(html, &options), "Other\n");
    /// # Ok::<(), html2cmark::Error>(())
    /// ```
    pub fn matches(&self, selector: &Selector) -> bool {
        selector.matches(self.node)
    }

    /// The text of the element, roughly as a browser's `innerText` gives it: its text nodes in document order
    /// with their white space as written, `<br>` as a newline, a newline between blocks (`p`, `div`, `li`, …),
    /// the content of `script`, `style`, `template` and `noscript` left out. It reads the whole element each
    /// time it is called.
    ///
    /// # Example
    ///
    /// ```
    /// use html2cmark::{Action, Element, pulldown_cmark::Event};
    /// let mut options = html2cmark::Options::default();
    /// options.on("span", |el| Action::Replace(vec![Event::Code(el.text().into())]));
    /// assert_eq!(html2cmark::convert_with("<p><span>a<b>b</b>c</span></p>", &options), "`abc`\n");
    /// ```
    pub fn text(&self) -> String {
        inner_text(self.node)
    }

    /// The element's content converted with the same options (handlers included) as block events, for a
    /// handler that wants to rearrange it ([`Action::Replace`] with these events inside others). It costs a
    /// conversion of the content, so handlers that call it for nested elements convert the inner ones once per
    /// level; past 32 levels of content inside content, handlers are no longer called for it, which keeps the
    /// recursion bounded.
    ///
    /// # Example
    ///
    /// ```
    /// use html2cmark::{Action, Element, pulldown_cmark::{Event, Tag, TagEnd}};
    /// let mut options = html2cmark::Options::default();
    /// options.on("aside", |el| {
    ///     let mut events = vec![Event::Start(Tag::BlockQuote(None))];
    ///     events.extend(el.content());
    ///     events.push(Event::End(TagEnd::BlockQuote(None)));
    ///     Action::Replace(events)
    /// });
    /// assert_eq!(html2cmark::convert_with("<aside><b>Aside</b></aside>", &options), "> **Aside**\n");
    /// ```
    pub fn content(&self) -> Vec<Event<'static>> {
        let mut walker = self.walker.nested_for_content();
        walker.convert_children(self.node);
        walker.finish();
        walker.take()
    }
}

/// The text of `node`'s subtree with newlines for `<br>` and between blocks (see [`Element::text`]).
fn inner_text(node: &Node) -> String {
    let mut out = String::new();
    // A block boundary waits for the next text: no newline at the start or the end.
    let mut boundary = false;
    // (node, whether it is being left)
    let mut stack: Vec<(Node, bool)> = node.children().into_iter().rev().map(|n| (n, false)).collect();
    while let Some((n, leaving)) = stack.pop() {
        match n.kind() {
            Kind::Text => {
                let text = n.text();
                if boundary && !text.is_empty() {
                    if !out.is_empty() && !out.ends_with('\n') {
                        out.push('\n');
                    }
                    boundary = false;
                }
                out.push_str(&text);
            }
            Kind::Element if leaving => boundary = true,
            Kind::Element => match n.tag() {
                "br" => out.push('\n'),
                tag if crate::rules::is_unrendered(tag) => {}
                tag => {
                    if crate::rules::is_div_like(tag) {
                        boundary = true;
                        stack.push((n.clone(), true));
                    }
                    stack.extend(n.children().into_iter().rev().map(|c| (c, false)));
                }
            },
            _ => {}
        }
    }
    out
}

impl fmt::Debug for Element<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Element")
            .field("tag", &self.tag())
            .field("attrs", &self.attrs())
            .finish()
    }
}
