//! DOM to events: an iterative walk (explicit stack) that maps HTML elements to `pulldown_cmark::Event`s.
//!
//! This is the first, whole-document version of the walker: it parses the document, then walks it. Inline
//! formatting opens lazily (an element's `Start` is emitted only when visible content arrives), so empty
//! wrappers vanish and spaces move outside emphasis and links.

use html5ever::tendril::TendrilSink;
use markup5ever_rcdom::{Handle, NodeData, RcDom};
use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Tag, TagEnd};

use crate::Options;

/// The events for a document, in order: what [`crate::events`] returns.
///
/// # Example
///
/// ```
/// let n = html2cmark::events("<p>a</p><p>b</p>", &html2cmark::Options::default()).count();
/// assert_eq!(n, 6);
/// ```
pub struct Events {
    inner: std::vec::IntoIter<Event<'static>>,
}

impl Iterator for Events {
    type Item = Event<'static>;
    fn next(&mut self) -> Option<Self::Item> {
        self.inner.next()
    }
}

pub(crate) fn events(html: &str, options: &Options) -> Events {
    let dom = html5ever::parse_document(RcDom::default(), Default::default()).one(html);
    let mut w = Walker {
        options,
        out: Vec::new(),
        para: Para::Closed,
        space: false,
        breaks: 0,
        inline: Vec::new(),
        blocks: Vec::new(),
    };
    w.walk(&dom.document);
    w.close_para();
    Events {
        inner: w.out.into_iter(),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Para {
    Closed,
    /// A paragraph (or the text of a tight list item, `tight`) with content.
    Open {
        tight: bool,
    },
}

/// What a block element contributes around its content.
#[derive(Clone, Copy, PartialEq, Eq)]
enum BlockKind {
    /// A block boundary only (div, section, …).
    Plain,
    Heading(HeadingLevel),
    Quote,
    List {
        ordered: bool,
        loose: bool,
    },
    Item {
        loose: bool,
    },
}

struct Walker<'o> {
    options: &'o Options,
    out: Vec<Event<'static>>,
    para: Para,
    space: bool,
    breaks: usize,
    /// Open inline formatting: the tag, and whether its `Start` has been emitted in the current paragraph.
    inline: Vec<(Tag<'static>, bool)>,
    blocks: Vec<BlockKind>,
}

enum Step {
    Enter(Handle),
    Exit(Exit),
}

enum Exit {
    Block(BlockKind),
    Inline,
    Nothing,
}

fn name(node: &Handle) -> Option<&str> {
    match &node.data {
        NodeData::Element { name, .. } => Some(&name.local),
        _ => None,
    }
}

fn attr(node: &Handle, key: &str) -> Option<String> {
    match &node.data {
        NodeData::Element { attrs, .. } => attrs
            .borrow()
            .iter()
            .find(|a| &*a.name.local == key)
            .map(|a| a.value.to_string()),
        _ => None,
    }
}

/// The text content of a subtree, iteratively; `<br>` becomes a newline.
fn text_content(node: &Handle) -> String {
    let mut s = String::new();
    let mut stack = vec![node.clone()];
    while let Some(n) = stack.pop() {
        match &n.data {
            NodeData::Text { contents } => s.push_str(&contents.borrow()),
            NodeData::Element { name, .. } if &*name.local == "br" => s.push('\n'),
            _ => {}
        }
        for c in n.children.borrow().iter().rev() {
            stack.push(c.clone());
        }
    }
    s
}

fn is_block(tag: &str) -> bool {
    matches!(
        tag,
        "p" | "div"
            | "section"
            | "article"
            | "main"
            | "header"
            | "footer"
            | "aside"
            | "nav"
            | "address"
            | "center"
            | "figure"
            | "figcaption"
            | "form"
            | "fieldset"
            | "details"
            | "summary"
            | "dl"
            | "dt"
            | "dd"
            | "table"
            | "thead"
            | "tbody"
            | "tfoot"
            | "tr"
            | "caption"
            | "body"
            | "html"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "blockquote"
            | "ul"
            | "ol"
            | "li"
            | "pre"
            | "hr"
            | "menu"
            | "hgroup"
            | "search"
            | "dialog"
            | "legend"
            | "optgroup"
    )
}

fn dropped(tag: &str) -> bool {
    matches!(
        tag,
        "head"
            | "script"
            | "style"
            | "template"
            | "noscript"
            | "svg"
            | "math"
            | "select"
            | "textarea"
            | "input"
            | "iframe"
            | "video"
            | "audio"
            | "embed"
            | "object"
            | "canvas"
            | "map"
            | "title"
            | "meta"
            | "link"
    )
}

/// A list is loose when one of its items holds a paragraph or two blocks.
fn list_is_loose(list: &Handle) -> bool {
    list.children
        .borrow()
        .iter()
        .filter(|c| name(c) == Some("li"))
        .any(|li| {
            let blocks = li
                .children
                .borrow()
                .iter()
                .filter(|c| name(c).is_some_and(|n| is_block(n) && !matches!(n, "ul" | "ol")))
                .count();
            li.children.borrow().iter().any(|c| name(c) == Some("p")) || blocks >= 2
        })
}

impl Walker<'_> {
    fn walk(&mut self, root: &Handle) {
        let mut stack = vec![Step::Enter(root.clone())];
        while let Some(step) = stack.pop() {
            match step {
                Step::Exit(Exit::Block(kind)) => self.exit_block(kind),
                Step::Exit(Exit::Inline) => self.exit_inline(),
                Step::Exit(Exit::Nothing) => {}
                Step::Enter(node) => {
                    let exit = match &node.data {
                        NodeData::Text { contents } => {
                            let t = contents.borrow().to_string();
                            self.text(&t);
                            continue;
                        }
                        NodeData::Document => Exit::Nothing,
                        NodeData::Element { .. } => match self.enter_element(&node) {
                            Some(exit) => exit,
                            None => continue,
                        },
                        _ => continue,
                    };
                    stack.push(Step::Exit(exit));
                    for c in node.children.borrow().iter().rev() {
                        stack.push(Step::Enter(c.clone()));
                    }
                }
            }
        }
    }

    /// Handles an element's start; `None` when its children are not to be walked.
    fn enter_element(&mut self, node: &Handle) -> Option<Exit> {
        let tag = name(node).unwrap_or("");
        if dropped(tag) {
            return None;
        }
        let in_heading = self.blocks.iter().any(|b| matches!(b, BlockKind::Heading(_)));
        match tag {
            "br" => {
                if in_heading {
                    self.space = true;
                } else if self.para != Para::Closed {
                    self.breaks += 1;
                }
                None
            }
            "hr" => {
                self.close_para();
                self.out.push(Event::Rule);
                None
            }
            "pre" => {
                self.close_para();
                let mut text = text_content(node);
                if !text.ends_with('\n') {
                    text.push('\n');
                }
                let lang = code_language(node);
                self.out
                    .push(Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang.into()))));
                self.out.push(Event::Text(text.into()));
                self.out.push(Event::End(TagEnd::CodeBlock));
                None
            }
            "code" | "kbd" | "samp" | "tt" => {
                let code: String = text_content(node).split_whitespace().collect::<Vec<_>>().join(" ");
                if !code.is_empty() {
                    self.content();
                    self.out.push(Event::Code(code.into()));
                }
                None
            }
            "img" => {
                let src = attr(node, "src")
                    .filter(|s| !s.is_empty() && !s.starts_with("data:"))
                    .or_else(|| attr(node, "data-src"));
                let alt = attr(node, "alt").unwrap_or_default();
                let alt = alt.split_whitespace().collect::<Vec<_>>().join(" ");
                match src {
                    Some(src) => {
                        self.content();
                        let title = attr(node, "title").unwrap_or_default();
                        self.out.push(Event::Start(Tag::Image {
                            link_type: LinkType::Inline,
                            dest_url: src.into(),
                            title: title.into(),
                            id: CowStr::Borrowed(""),
                        }));
                        if !alt.is_empty() {
                            self.out.push(Event::Text(alt.into()));
                        }
                        self.out.push(Event::End(TagEnd::Image));
                    }
                    None => self.text(&alt),
                }
                None
            }
            "strong" | "b" => Some(self.enter_inline(Tag::Strong)),
            "em" | "i" | "cite" | "dfn" | "var" => Some(self.enter_inline(Tag::Emphasis)),
            "del" | "s" | "strike" if self.options.strikethrough => Some(self.enter_inline(Tag::Strikethrough)),
            "a" => match attr(node, "href") {
                Some(href) if !self.inline.iter().any(|(t, _)| matches!(t, Tag::Link { .. })) => {
                    let title = attr(node, "title").unwrap_or_default();
                    Some(self.enter_inline(Tag::Link {
                        link_type: LinkType::Inline,
                        dest_url: href.trim().to_string().into(),
                        title: title.into(),
                        id: CowStr::Borrowed(""),
                    }))
                }
                _ => Some(Exit::Nothing),
            },
            t if in_heading && is_block(t) => {
                self.space = true;
                Some(Exit::Nothing)
            }
            t if is_block(t) => {
                self.close_para();
                let kind = match t {
                    "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                        let level =
                            HeadingLevel::try_from(usize::from(t.as_bytes()[1] - b'0')).unwrap_or(HeadingLevel::H6);
                        self.out.push(Event::Start(Tag::Heading {
                            level,
                            id: None,
                            classes: vec![],
                            attrs: vec![],
                        }));
                        BlockKind::Heading(level)
                    }
                    "blockquote" => {
                        self.out.push(Event::Start(Tag::BlockQuote(None)));
                        BlockKind::Quote
                    }
                    "ul" | "ol" => {
                        let ordered = t == "ol";
                        let start = if ordered {
                            Some(
                                attr(node, "start")
                                    .and_then(|s| s.trim().parse::<u64>().ok())
                                    .unwrap_or(1)
                                    .min(999_999_999),
                            )
                        } else {
                            None
                        };
                        self.out.push(Event::Start(Tag::List(start)));
                        BlockKind::List {
                            ordered,
                            loose: list_is_loose(node),
                        }
                    }
                    "li" => {
                        let loose = match self.blocks.last() {
                            Some(BlockKind::List { loose, .. }) => *loose,
                            _ => false,
                        };
                        self.out.push(Event::Start(Tag::Item));
                        BlockKind::Item { loose }
                    }
                    _ => BlockKind::Plain,
                };
                self.blocks.push(kind);
                Some(Exit::Block(kind))
            }
            _ => Some(Exit::Nothing),
        }
    }

    fn exit_block(&mut self, kind: BlockKind) {
        self.close_para();
        self.blocks.pop();
        match kind {
            BlockKind::Plain => {}
            BlockKind::Heading(level) => {
                if matches!(self.out.last(), Some(Event::Start(Tag::Heading { .. }))) {
                    self.out.pop();
                } else {
                    self.out.push(Event::End(TagEnd::Heading(level)));
                }
            }
            BlockKind::Quote => self.out.push(Event::End(TagEnd::BlockQuote(None))),
            BlockKind::List { ordered, .. } => self.out.push(Event::End(TagEnd::List(ordered))),
            BlockKind::Item { .. } => self.out.push(Event::End(TagEnd::Item)),
        }
    }

    fn enter_inline(&mut self, tag: Tag<'static>) -> Exit {
        // Nested formatting of the same kind adds nothing.
        if self
            .inline
            .iter()
            .any(|(t, _)| std::mem::discriminant(t) == std::mem::discriminant(&tag))
        {
            return Exit::Nothing;
        }
        self.inline.push((tag, false));
        Exit::Inline
    }

    fn exit_inline(&mut self) {
        if let Some((tag, emitted)) = self.inline.pop()
            && emitted
        {
            self.out.push(Event::End(tag.to_end()));
        }
    }

    /// Whitespace-collapsing text.
    fn text(&mut self, t: &str) {
        let mut words = t.split([' ', '\t', '\n', '\r', '\x0C']).peekable();
        if t.starts_with([' ', '\t', '\n', '\r', '\x0C']) {
            self.space = true;
        }
        let mut first = true;
        while let Some(word) = words.next() {
            if word.is_empty() {
                continue;
            }
            if !first {
                self.space = true;
            }
            first = false;
            self.content();
            self.push_text(word);
            let _ = words.peek();
        }
        if t.ends_with([' ', '\t', '\n', '\r', '\x0C']) {
            self.space = true;
        }
    }

    fn push_text(&mut self, s: &str) {
        if let Some(Event::Text(prev)) = self.out.last_mut() {
            *prev = CowStr::from(format!("{prev}{s}"));
        } else {
            self.out.push(Event::Text(s.to_string().into()));
        }
    }

    /// Called before visible content: opens the paragraph, writes pending breaks and space, opens formatting.
    fn content(&mut self) {
        if self.breaks >= 2 {
            self.close_para();
        }
        if self.para == Para::Closed {
            let in_heading = matches!(self.blocks.last(), Some(BlockKind::Heading(_)));
            let tight = match self.blocks.last() {
                Some(BlockKind::Item { loose }) => !loose,
                _ => false,
            };
            if !in_heading && !tight {
                self.out.push(Event::Start(Tag::Paragraph));
            }
            self.para = Para::Open {
                tight: tight || in_heading,
            };
            self.space = false;
            self.breaks = 0;
        }
        if self.breaks > 0 {
            self.out.push(Event::HardBreak);
            self.breaks = 0;
            self.space = false;
        }
        if self.space {
            self.push_text(" ");
            self.space = false;
        }
        for (tag, emitted) in self.inline.iter_mut() {
            if !*emitted {
                self.out.push(Event::Start(tag.clone()));
                *emitted = true;
            }
        }
    }

    fn close_para(&mut self) {
        if let Para::Open { tight } = self.para {
            for (tag, emitted) in self.inline.iter_mut().rev() {
                if *emitted {
                    self.out.push(Event::End(tag.to_end()));
                    *emitted = false;
                }
            }
            if !tight {
                self.out.push(Event::End(TagEnd::Paragraph));
            }
        }
        self.para = Para::Closed;
        self.space = false;
        self.breaks = 0;
    }
}

/// The language of a `<pre>` from `class="language-x"`, `lang-x`, `highlight-source-x` or `data-lang`, on the
/// element or its first `<code>` child.
fn code_language(pre: &Handle) -> String {
    let mut nodes = vec![pre.clone()];
    nodes.extend(
        pre.children
            .borrow()
            .iter()
            .filter(|c| name(c) == Some("code"))
            .cloned(),
    );
    for n in &nodes {
        if let Some(lang) = attr(n, "data-lang") {
            return lang;
        }
        if let Some(class) = attr(n, "class") {
            for c in class.split_whitespace() {
                for prefix in ["language-", "lang-", "highlight-source-"] {
                    if let Some(l) = c.strip_prefix(prefix) {
                        return l.to_string();
                    }
                }
            }
        }
    }
    String::new()
}
