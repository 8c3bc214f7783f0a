//! A small facade over the parsed tree: the only module that names html5ever's tree types or knows how nodes
//! are stored, so that the tree can change without touching the walker, the rules or the writer.
//!
//! The tree is an arena ([`arena`]): nodes live in one vector and link to each other by index. html5ever
//! builds it through [`DepthSink`]; the walker reads it through [`Node`], a handle that also holds the arena.

mod arena;
mod cap;
mod fast;
mod skip;

use std::borrow::Cow;
use std::cell::{Cell, Ref, RefCell};
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::rc::Rc;

use html5ever::interface::Tracer;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts};
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeBuilder, TreeBuilderOpts, TreeSink};
use html5ever::{Attribute, ExpandedName, LocalName, Namespace, QualName, TokenizerResult, ns};

use arena::{Arena, Data, Key, NONE, Text};

/// The arena, shared by the sink and every [`Node`].
type Tree = Rc<RefCell<Arena>>;

/// What a node is, as far as conversion cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// An element (HTML, SVG or MathML).
    Element,
    /// A text node.
    Text,
    /// The document node (and a template's contents).
    Document,
    /// Comments, doctypes, processing instructions: never visible.
    Other,
}

/// A handle on one node of the tree.
///
/// It caches the node's kind and tag name (which never change), so that [`Node::tag`] can lend a `&str`. A
/// node whose subtree the streaming driver has detached is freed; a `Node` kept past that reads as an empty
/// node with no parent and no children.
#[derive(Clone)]
pub(crate) struct Node {
    tree: Tree,
    key: Key,
    kind: Kind,
    name: LocalName,
}

impl Node {
    fn new(tree: &Tree, arena: &Arena, key: Key) -> Node {
        let (kind, name) = match arena.data(key) {
            Some(Data::Element(e)) => (Kind::Element, e.name.local.clone()),
            Some(Data::Text(_)) => (Kind::Text, LocalName::default()),
            Some(Data::Document | Data::Fragment(_)) => (Kind::Document, LocalName::default()),
            _ => (Kind::Other, LocalName::default()),
        };
        Node {
            tree: Rc::clone(tree),
            key,
            kind,
            name,
        }
    }

    /// A node for `key` if there is one.
    fn wrap(&self, arena: &Arena, key: Option<Key>) -> Option<Node> {
        key.map(|k| Node::new(&self.tree, arena, k))
    }

    /// The node's kind.
    pub(crate) fn kind(&self) -> Kind {
        self.kind
    }

    /// The element's local name (lower case for HTML elements); empty for other nodes.
    pub(crate) fn tag(&self) -> &str {
        &self.name
    }

    /// Whether this is an element with the given local name.
    pub(crate) fn is(&self, tag: &str) -> bool {
        self.kind == Kind::Element && &*self.name == tag
    }

    /// The value of attribute `name` (no namespace), if present.
    pub(crate) fn attr(&self, name: &str) -> Option<String> {
        match self.tree.borrow().data(self.key) {
            Some(Data::Element(e)) => e
                .attrs
                .iter()
                .find(|a| a.name.ns.is_empty() && &*a.name.local == name)
                .map(|a| a.value.to_string()),
            _ => None,
        }
    }

    /// All attributes as (name, value) pairs, in source order; namespaced ones as `prefix:name`.
    pub(crate) fn attrs(&self) -> Vec<(String, String)> {
        match self.tree.borrow().data(self.key) {
            Some(Data::Element(e)) => e
                .attrs
                .iter()
                .map(|a| {
                    let name = match &a.name.prefix {
                        Some(prefix) => format!("{prefix}:{}", a.name.local),
                        None => a.name.local.to_string(),
                    };
                    (name, a.value.to_string())
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The text of a text node (empty for other nodes), borrowed from the tree.
    pub(crate) fn text(&self) -> Ref<'_, str> {
        Ref::map(self.tree.borrow(), |arena| match arena.data(self.key) {
            Some(Data::Text(t)) => &**t,
            _ => "",
        })
    }

    /// A snapshot of the children.
    pub(crate) fn children(&self) -> Vec<Node> {
        let arena = self.tree.borrow();
        let mut out = Vec::with_capacity(arena.child_count(self.key));
        let mut at = arena.first_child(self.key);
        while let Some(h) = at {
            out.push(Node::new(&self.tree, &arena, h));
            at = arena.next_sibling(h);
        }
        out
    }

    /// The number of children.
    pub(crate) fn child_count(&self) -> usize {
        self.tree.borrow().child_count(self.key)
    }

    /// The child at `i` (walked to: prefer [`Node::first_child`] and [`Node::next_sibling`] in loops).
    pub(crate) fn child(&self, i: usize) -> Option<Node> {
        let arena = self.tree.borrow();
        self.wrap(&arena, arena.child(self.key, i))
    }

    /// The first child.
    pub(crate) fn first_child(&self) -> Option<Node> {
        let arena = self.tree.borrow();
        self.wrap(&arena, arena.first_child(self.key))
    }

    /// The last child.
    pub(crate) fn last_child(&self) -> Option<Node> {
        let arena = self.tree.borrow();
        self.wrap(&arena, arena.last_child(self.key))
    }

    /// The next sibling.
    pub(crate) fn next_sibling(&self) -> Option<Node> {
        let arena = self.tree.borrow();
        self.wrap(&arena, arena.next_sibling(self.key))
    }

    /// Whether two handles name the same node.
    pub(crate) fn same(&self, other: &Node) -> bool {
        self.key == other.key && Rc::ptr_eq(&self.tree, &other.tree)
    }

    /// The parent, if attached.
    pub(crate) fn parent(&self) -> Option<Node> {
        let arena = self.tree.borrow();
        self.wrap(&arena, arena.parent(self.key))
    }

    /// Removes the first `n` children from the tree (they are converted) and frees them with their subtrees:
    /// at once when parsing has ended, else before the parser takes more input (see [`arena`]).
    pub(crate) fn detach_first(&self, n: usize) {
        self.tree.borrow_mut().detach_first(self.key, n);
    }

    /// The subtree written out as HTML-like text, for the flush-safety check: it changes whenever the
    /// subtree's names, attributes, text or shape change. Text nodes give their text.
    pub(crate) fn serialize(&self) -> String {
        let arena = self.tree.borrow();
        if let Some(Data::Text(t)) = arena.data(self.key) {
            return t.to_string();
        }
        let mut out = String::new();
        // Enter: `Some(node)`; exit: `None` after the node's children (names are read back from `open`).
        let mut stack = vec![Some(self.key)];
        let mut open: Vec<Option<&QualName>> = Vec::new();
        while let Some(item) = stack.pop() {
            let Some(h) = item else {
                if let Some(Some(name)) = open.pop() {
                    let _ = write!(out, "</{}>", name.local);
                }
                continue;
            };
            match arena.data(h) {
                Some(Data::Element(e)) => {
                    let _ = write!(out, "<{}", e.name.local);
                    for a in &e.attrs {
                        let _ = write!(out, " {}=\"{}\"", a.name.local, escape(&a.value, true));
                    }
                    out.push('>');
                    open.push(Some(&e.name));
                }
                Some(Data::Text(t)) => {
                    out.push_str(&escape(t, false));
                    continue;
                }
                Some(Data::Comment(t)) => {
                    let _ = write!(out, "<!--{t}-->");
                    continue;
                }
                Some(Data::Document | Data::Fragment(_)) => open.push(None),
                _ => continue,
            }
            stack.push(None);
            let mut children = Vec::new();
            let mut at = arena.first_child(h);
            while let Some(c) = at {
                children.push(Some(c));
                at = arena.next_sibling(c);
            }
            stack.extend(children.into_iter().rev());
        }
        out
    }
}

/// `&`, `<`, `>` (and `"` in attribute values) as character references.
fn escape(text: &str, attribute: bool) -> Cow<'_, str> {
    if !text.contains(['&', '<', '>', '"']) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// An html5ever document parser fed UTF-8 text incrementally, with a handle on the growing tree.
///
/// It is html5ever's tokenizer and tree builder with a [`DepthFilter`] between them (the plumbing of
/// `html5ever::parse_document`, rebuilt so that the filter fits in).
pub(crate) struct HtmlParser {
    tokenizer: Tokenizer<DepthFilter>,
    /// The text not yet tokenized, shared with the [`DepthFilter`] (see [`skip`]).
    input: Rc<BufferQueue>,
    document: Node,
}

impl HtmlParser {
    /// A parser for a whole document that keeps at most `max_depth` levels of elements inside `body` (see
    /// [`DepthFilter`]). The text of the elements named in `silent` (a subset of [`SILENT_RAW_TEXT`]) is not
    /// stored.
    pub(crate) fn new(max_depth: usize, silent: &[&str]) -> Self {
        let tree: Tree = Rc::new(RefCell::new(Arena::new()));
        let document = {
            let arena = tree.borrow();
            Node::new(&tree, &arena, arena.document())
        };
        let sink = DepthSink::new(tree, silent.iter().map(|&tag| LocalName::from(tag)).collect());
        let builder = TreeBuilder::new(sink, TreeBuilderOpts::default());
        let input = Rc::new(BufferQueue::default());
        let filter = DepthFilter::new(builder, max_depth, Rc::clone(&input));
        HtmlParser {
            // The tokenizer would drop a U+FEFF at the start of every piece of input it is fed: the decoder drops
            // the byte order mark, and the string entry points a leading U+FEFF (`stream::Pipeline`).
            tokenizer: Tokenizer::new(
                filter,
                TokenizerOpts {
                    discard_bom: false,
                    ..TokenizerOpts::default()
                },
            ),
            input,
            document,
        }
    }

    /// The document node (a handle that stays valid while parsing goes on).
    pub(crate) fn document(&self) -> Node {
        self.document.clone()
    }

    /// Parses more text.
    pub(crate) fn process(&mut self, text: &str) {
        if !text.is_empty() {
            self.collect();
            let text = {
                let mut cap = self.tokenizer.sink.cap.borrow_mut();
                match cap.is_following().then(|| cap.cut(text)).flatten() {
                    Some(cut) => StrTendril::from(cut),
                    None => StrTendril::from_slice(text),
                }
            };
            self.input.push_back(text);
            self.tokenizer.sink.skip();
            self.run();
        }
    }

    /// Sets how many attributes are kept per element ([`MAX_ATTRIBUTES`] unless a test sets another).
    #[cfg(test)]
    fn set_max_attributes(&self, max: usize) {
        let filter = &self.tokenizer.sink;
        filter.cap.borrow_mut().set_max(max);
        filter.reader.borrow_mut().max_attributes = max;
        filter.builder.sink.max_attributes.set(max);
    }

    /// Frees the subtrees detached since the last call, keeping the nodes the tree builder still holds: see
    /// [`arena`].
    fn collect(&self) {
        let builder = &self.tokenizer.sink.builder;
        if !builder.sink.tree.borrow().has_pending() {
            return;
        }
        let held = Held(RefCell::new(Vec::new()));
        builder.trace_handles(&held);
        let held = held.0.into_inner();
        builder.sink.tree.borrow_mut().collect(&held);
    }

    /// Runs the tokenizer over all the buffered input. It stops early to let a caller run a script or change
    /// the encoding (a `<meta charset>`; the decoder has already chosen one); we do neither, so it goes on.
    fn run(&self) {
        while !matches!(self.tokenizer.feed(&self.input), TokenizerResult::Done) {}
    }

    /// Ends the input: every node is now final, and detached nodes are freed at once from now on.
    pub(crate) fn finish(self) {
        self.run();
        self.tokenizer.end();
        let HtmlParser {
            tokenizer, document, ..
        } = self;
        drop(tokenizer);
        document.tree.borrow_mut().end_parsing();
    }
}

/// Collects the handles the tree builder holds.
struct Held(RefCell<Vec<Key>>);

impl Tracer for Held {
    type Handle = Handle;

    fn trace_handle(&self, node: &Handle) {
        self.0.borrow_mut().push(node.key);
    }
}

// ---- the depth filter ----

/// Elements that never have content, so never deepen the tree (HTML § 13.1.2 "void elements", plus the
/// obsolete ones the tree builder treats the same way).
fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "basefont"
            | "bgsound"
            | "br"
            | "col"
            | "embed"
            | "frame"
            | "hr"
            | "image"
            | "img"
            | "input"
            | "keygen"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
    )
}

/// Elements whose start tag switches the tokenizer to reading text (RAWTEXT, RCDATA, script data, PLAINTEXT:
/// HTML § 13.2.6.4.7 "in body"), so that the tree builder must see them for their content to stay text.
fn is_raw_text(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "textarea"
            | "title"
            | "xmp"
            | "iframe"
            | "noembed"
            | "noframes"
            | "noscript"
            | "plaintext"
    )
}

/// The last element the tree builder inserted: its name, whether it is an HTML element, and its depth.
#[derive(Clone)]
struct Inserted {
    name: LocalName,
    html: bool,
    depth: usize,
}

/// The tree builder's handle on a node: its key in the arena, and its name (for an element; empty for other
/// nodes). The name never changes, and carrying it lets the tree builder, which asks for element names all
/// the time (every scope check walks its stack of open elements), read it without looking into the arena.
/// It also means that a dead handle still has the right name.
#[derive(Clone, Debug)]
pub(crate) struct Handle {
    key: Key,
    ns: Namespace,
    local: LocalName,
}

impl Handle {
    /// A handle for a node that is not an element.
    fn unnamed(key: Key) -> Handle {
        Handle {
            key,
            ns: ns!(),
            local: LocalName::default(),
        }
    }
}

/// The tree builder's sink: builds the arena and records what is inserted where, for the [`DepthFilter`].
///
/// The depth of a node is the number of elements from the document down to it, itself included (`html` is 1,
/// `body` 2); the content of a `template` counts from the template's depth. Each element remembers the depth
/// it was inserted at, so a new element's depth is its parent's plus one. Moving nodes (the adoption agency)
/// starts a new epoch, which makes every remembered depth stale: depths are then found by walking parent
/// links up to an element inserted since (short, because the filter keeps the tree shallow).
///
/// Tree operations follow the DOM the HTML standard describes (and that `markup5ever_rcdom` implements): text
/// appended next to a text node merges into it, both at the end of a parent and before a sibling (foster
/// parenting); a `template`'s contents are a separate fragment. Comments, doctypes and processing
/// instructions are kept as nodes of [`Kind::Other`]. An operation on a dead handle (one whose node was
/// freed, see [`arena`]) does nothing, and its name stays what it was; the tree builder never holds one
/// anyway, since [`HtmlParser::collect`] keeps every node it holds alive.
struct DepthSink {
    tree: Tree,
    /// The last element inserted since the filter last looked.
    inserted: RefCell<Option<Inserted>>,
    /// The smallest depth of a node something was inserted into since the filter last reset it.
    shallowest: Cell<usize>,
    /// The current epoch of remembered depths (see [`arena::Element::depth`]).
    epoch: Cell<usize>,
    /// Whether text insertions must be measured too (only while the filter holds virtual elements, whose
    /// forgetting depends on the shallowest insertion; otherwise only elements need a depth).
    track_text: Cell<bool>,
    /// HTML elements whose text nobody reads (see [`SILENT_RAW_TEXT`]): text inserted into them is dropped
    /// instead of stored. On web pages that is about two fifths of the input (inline scripts and styles), and
    /// the depth filter keeps most of it from the tokenizer in the first place ([`skip`]).
    silent: Vec<LocalName>,
    /// The most attributes an element gets ([`MAX_ATTRIBUTES`]), also from a repeated `<html>` or `<body>`.
    max_attributes: Cell<usize>,
    /// The element that attributes were last added to (a repeated `<html>` or `<body>` adds those it lacks) and
    /// the names of its attributes then, so that adding attributes costs what is added, not what is there.
    merged: RefCell<Option<(Key, HashSet<QualName>)>>,
}

/// The most attributes an element keeps: those of a tag past the first this many are dropped (as if they were
/// not there) before html5ever reads them (see [`cap`]), and a repeated `<html>` or `<body>` tag adds none past
/// this many. No real page comes near it; html5ever's tokenizer, which compares each attribute of a tag with
/// those before it, still takes under 1 ms for a tag of this many (see `examples/pathological.rs`).
pub(crate) const MAX_ATTRIBUTES: usize = 1000;

/// The raw-text elements that the walker skips whole, whose text is never written and never read (unless a
/// handler for the element asks for it).
pub(crate) const SILENT_RAW_TEXT: [&str; 5] = ["script", "style", "noscript", "noframes", "noembed"];

impl DepthSink {
    fn new(tree: Tree, silent: Vec<LocalName>) -> Self {
        DepthSink {
            tree,
            inserted: RefCell::new(None),
            shallowest: Cell::new(0),
            epoch: Cell::new(1),
            track_text: Cell::new(false),
            silent,
            max_attributes: Cell::new(MAX_ATTRIBUTES),
            merged: RefCell::new(None),
        }
    }

    fn depth_of(&self, node: Key) -> usize {
        let arena = self.tree.borrow();
        let epoch = self.epoch.get();
        let mut depth = 0;
        let mut node = node;
        loop {
            if let Some(Data::Element(e)) = arena.data(node) {
                if e.epoch == epoch {
                    return depth + e.depth;
                }
                depth += 1;
            }
            match arena.parent(node) {
                Some(p) => node = p,
                None => {
                    return match arena.data(node) {
                        Some(Data::Fragment(Some(d))) => depth + d,
                        _ => depth,
                    };
                }
            }
        }
    }

    /// Records an insertion into `parent` (for text and elements alike) and, for an element, its depth.
    fn note(&self, parent: Option<Key>, child: &NodeOrText<Handle>) {
        if matches!(child, NodeOrText::AppendText(_)) && !self.track_text.get() {
            return;
        }
        let parent_depth = match parent {
            Some(p) => self.depth_of(p),
            None => 0,
        };
        if parent_depth < self.shallowest.get() {
            self.shallowest.set(parent_depth);
        }
        if let NodeOrText::AppendNode(node) = child {
            let mut arena = self.tree.borrow_mut();
            // An element that brings children along is a moved subtree: their remembered depths go stale.
            if arena.first_child(node.key).is_some() {
                self.new_epoch();
            }
            if let Some(Data::Element(e)) = arena.data_mut(node.key) {
                let depth = parent_depth + 1;
                e.depth = depth;
                e.epoch = self.epoch.get();
                *self.inserted.borrow_mut() = Some(Inserted {
                    name: node.local.clone(),
                    html: node.ns == ns!(html),
                    depth,
                });
            }
        }
    }

    /// Makes every remembered depth stale (nodes moved).
    fn new_epoch(&self) {
        self.epoch.set(self.epoch.get() + 1);
    }

    fn parent_of(&self, node: Key) -> Option<Key> {
        self.tree.borrow().parent(node)
    }

    /// Appends at the end of `parent`: text merges into a last child that is text.
    fn append_child(&self, parent: Key, child: NodeOrText<Handle>) {
        let mut arena = self.tree.borrow_mut();
        match child {
            NodeOrText::AppendNode(node) => arena.append(parent, node.key),
            NodeOrText::AppendText(text) => {
                if !arena.is_live(parent) {
                    return;
                }
                if let Some(Data::Element(e)) = arena.data(parent) {
                    if e.name.ns == ns!(html) && self.silent.contains(&e.name.local) {
                        return;
                    }
                }
                if let Some(last) = arena.last_child(parent) {
                    if let Some(Data::Text(t)) = arena.data_mut(last) {
                        t.push(&text);
                        return;
                    }
                }
                let node = arena.create(Data::Text(Text::One(text)));
                arena.append(parent, node);
            }
        }
    }

    /// Inserts before `sibling`: text merges into a previous sibling that is text. Nothing happens if
    /// `sibling` has no parent.
    fn insert_before(&self, sibling: Key, child: NodeOrText<Handle>) {
        let mut arena = self.tree.borrow_mut();
        if arena.parent(sibling).is_none() {
            return;
        }
        match child {
            NodeOrText::AppendNode(node) => arena.insert_before(sibling, node.key),
            NodeOrText::AppendText(text) => {
                if let Some(prev) = arena.prev_sibling(sibling) {
                    if let Some(Data::Text(t)) = arena.data_mut(prev) {
                        t.push(&text);
                        return;
                    }
                }
                let node = arena.create(Data::Text(Text::One(text)));
                arena.insert_before(sibling, node);
            }
        }
    }
}

impl TreeSink for DepthSink {
    type Handle = Handle;
    type Output = ();
    type ElemName<'a> = ExpandedName<'a>;

    fn finish(self) {}

    // Parse errors are not kept: a hostile page can have one per byte.
    fn parse_error(&self, _msg: Cow<'static, str>) {}

    fn get_document(&self) -> Handle {
        Handle::unnamed(self.tree.borrow().document())
    }

    fn elem_name<'a>(&'a self, target: &'a Handle) -> ExpandedName<'a> {
        ExpandedName {
            ns: &target.ns,
            local: &target.local,
        }
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> Handle {
        let (ns, local) = (name.ns.clone(), name.local.clone());
        let mut arena = self.tree.borrow_mut();
        let key = arena.create(Data::Element(arena::Element {
            name,
            attrs,
            template: NONE,
            integration_point: flags.mathml_annotation_xml_integration_point,
            depth: 0,
            epoch: 0,
        }));
        if flags.template {
            arena.add_template_contents(key);
        }
        Handle { key, ns, local }
    }

    fn create_comment(&self, text: StrTendril) -> Handle {
        Handle::unnamed(self.tree.borrow_mut().create(Data::Comment(text)))
    }

    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> Handle {
        Handle::unnamed(self.tree.borrow_mut().create(Data::Other))
    }

    fn append(&self, parent: &Handle, child: NodeOrText<Handle>) {
        self.note(Some(parent.key), &child);
        self.append_child(parent.key, child);
    }

    fn append_based_on_parent_node(&self, element: &Handle, prev_element: &Handle, child: NodeOrText<Handle>) {
        match self.parent_of(element.key) {
            Some(parent) => {
                self.note(Some(parent), &child);
                self.insert_before(element.key, child);
            }
            None => {
                self.note(Some(prev_element.key), &child);
                self.append_child(prev_element.key, child);
            }
        }
    }

    fn append_doctype_to_document(&self, _name: StrTendril, _public_id: StrTendril, _system_id: StrTendril) {
        let mut arena = self.tree.borrow_mut();
        let doctype = arena.create(Data::Other);
        let document = arena.document();
        arena.append(document, doctype);
    }

    fn get_template_contents(&self, target: &Handle) -> Handle {
        let contents = {
            let mut arena = self.tree.borrow_mut();
            // Only `template` elements are asked for; any other element gets contents the same way.
            arena.add_template_contents(target.key);
            match arena.template_contents(target.key) {
                Some(contents) => contents,
                // A dead handle: its "contents" are dead too, so whatever goes there is dropped.
                None => return target.clone(),
            }
        };
        let measured = matches!(self.tree.borrow().data(contents), Some(Data::Fragment(Some(_))));
        if !measured {
            let depth = self.depth_of(target.key);
            if let Some(Data::Fragment(d)) = self.tree.borrow_mut().data_mut(contents) {
                *d = Some(depth);
            }
        }
        Handle::unnamed(contents)
    }

    fn same_node(&self, x: &Handle, y: &Handle) -> bool {
        x.key == y.key
    }

    fn set_quirks_mode(&self, _mode: QuirksMode) {}

    fn append_before_sibling(&self, sibling: &Handle, new_node: NodeOrText<Handle>) {
        let parent = self.parent_of(sibling.key);
        self.note(parent, &new_node);
        self.insert_before(sibling.key, new_node);
    }

    fn add_attrs_if_missing(&self, target: &Handle, attrs: Vec<Attribute>) {
        let mut arena = self.tree.borrow_mut();
        let Some(Data::Element(e)) = arena.data_mut(target.key) else {
            return;
        };
        let max = self.max_attributes.get();
        if attrs.is_empty() || e.attrs.len() >= max {
            return;
        }
        // The names the element has: remembered from the last call if it was for the same element and nothing
        // was added since (only these calls add attributes).
        let mut merged = self.merged.borrow_mut();
        let mut names = match merged.take() {
            Some((key, names)) if key == target.key && names.len() == e.attrs.len() => names,
            _ => e.attrs.iter().map(|a| a.name.clone()).collect(),
        };
        for attr in attrs {
            if e.attrs.len() >= max {
                break;
            }
            // (The tag's own attributes have distinct names.)
            if names.insert(attr.name.clone()) {
                e.attrs.push(attr);
            }
        }
        *merged = Some((target.key, names));
    }

    // Moving nodes (the adoption agency) changes depths: the remembered ones go stale.
    fn remove_from_parent(&self, target: &Handle) {
        self.new_epoch();
        self.tree.borrow_mut().unlink(target.key);
    }

    fn reparent_children(&self, node: &Handle, new_parent: &Handle) {
        self.new_epoch();
        self.tree.borrow_mut().reparent_children(node.key, new_parent.key);
    }

    fn is_mathml_annotation_xml_integration_point(&self, handle: &Handle) -> bool {
        matches!(self.tree.borrow().data(handle.key), Some(Data::Element(e)) if e.integration_point)
    }

    // `selectedcontent` cloning is not done: the option's content is already in the tree once, and the
    // rcdom this sink replaced never found a `selectedcontent` to clone into either.
    fn maybe_clone_an_option_into_selectedcontent(&self, _option: &Handle) {}
}

type Builder = TreeBuilder<Handle, DepthSink>;

/// Caps the depth of the tree between html5ever's tokenizer and its tree builder.
///
/// Why: for many start tags the tree builder scans its whole stack of open elements (for a `<div>`, to close
/// a `p` in button scope), so its time grows with the square of the nesting depth: 100,000 nested `<div>`
/// would take minutes. Capping the depth makes every scan short.
///
/// How: a start tag goes to the tree builder as usual; if the element it inserted lies deeper than the cap
/// (more than `max_depth` elements below `body`), the filter closes it at once with an end tag of the same
/// name, so it stays in the tree as an empty element (still a block boundary where it was a block) and its
/// content goes into its parent, the deepest element kept: no text is lost. Its own end tag, when it comes,
/// is dropped. Void elements, raw-text elements (`script`, `style`, `textarea`, `title`, …, whose content the
/// tokenizer must read as text) and self-closing foreign elements are never closed early; they add at most
/// one level.
///
/// The elements closed early are kept on a stack of names ("virtual" elements), with a count per name: an end
/// tag whose name is on it closes the innermost virtual element of that name and every virtual element
/// inside it (they were all nested there), and goes no further, so the end tags of kept elements still
/// close the elements they belong to. Virtual elements left open (an unclosed `<p>` or `<li>` beyond the
/// cap) are forgotten as soon as anything is inserted shallower than where they were, since an ancestor of
/// theirs has then been closed.
///
/// Sitting where start tags pass, the filter also passes over the text of `script`, `style` and the other
/// elements whose text is dropped, without tokenizing it (see [`skip`]).
struct DepthFilter {
    builder: Builder,
    /// The deepest depth kept (see [`DepthSink`]: `body` is 2).
    limit: usize,
    /// Names of the virtual elements, outermost first.
    open: RefCell<Vec<LocalName>>,
    /// How many of each name are in `open`.
    counts: RefCell<HashMap<LocalName, usize>>,
    /// The depth of the element the virtual elements were inserted into.
    anchor: Cell<usize>,
    /// The parser's input, so that the text of an element nobody reads can be passed over ([`skip`]).
    input: Rc<BufferQueue>,
    /// The element whose text is being passed over, when its text went on past the end of the input so far
    /// (the tokenizer has read none of the input since).
    skipping: RefCell<Option<skip::RawText>>,
    /// Whether plain tags and text after a tag are read here rather than by the tokenizer ([`fast`]); off
    /// only in tests that compare both ways.
    read_ahead: Cell<bool>,
    /// What reads ahead (it remembers the names it has met).
    reader: RefCell<fast::Reader>,
    /// What cuts the attributes of a tag past [`MAX_ATTRIBUTES`] before the tokenizer reads them ([`cap`]).
    cap: RefCell<cap::Cap>,
}

impl DepthFilter {
    fn new(builder: Builder, max_depth: usize, input: Rc<BufferQueue>) -> Self {
        DepthFilter {
            builder,
            limit: max_depth.saturating_add(2),
            open: RefCell::new(Vec::new()),
            counts: RefCell::new(HashMap::new()),
            anchor: Cell::new(0),
            input,
            skipping: RefCell::new(None),
            read_ahead: Cell::new(true),
            reader: RefCell::new(fast::Reader::default()),
            cap: RefCell::new(cap::Cap::new(MAX_ATTRIBUTES)),
        }
    }

    /// The tokenizer is in the data state and reads the input from its start next: has [`cap`] look at the
    /// input from there.
    fn resume_cap(&self) {
        self.cap.borrow_mut().resume();
        self.follow_cap();
    }

    /// Has [`cap`] look at the input from its start, if it knows the tokenizer's state there, cutting what
    /// the tokenizer must not read.
    fn follow_cap(&self) {
        let mut cap = self.cap.borrow_mut();
        if !cap.is_following() {
            return;
        }
        // Mostly it stops in the first buffer (at the end of the next tag).
        if let Some(first) = self.input.pop_front() {
            let first = cap.cut(&first).map_or(first, StrTendril::from);
            if !cap.is_following() {
                self.input.push_front(first);
            } else {
                let mut rest = Vec::new();
                while let Some(buf) = self.input.pop_front() {
                    rest.push(buf);
                }
                self.input.push_back(first);
                for buf in rest {
                    let cut = if cap.is_following() { cap.cut(&buf) } else { None };
                    self.input.push_back(cut.map_or(buf, StrTendril::from));
                }
            }
        }
        cap.settle();
    }

    /// Reads the plain tags and text that follow in the input, as the tokenizer would, and passes them on
    /// (see [`fast`]). Called right after a tag from the tokenizer that left it in the data state.
    ///
    /// The tree builder answers these tokens with "go on", or with the encoding a `<meta>` names, which the
    /// parser ignores anyway ([`HtmlParser::run`]). Were it ever to ask for another tokenizer state, the
    /// reading stops and the answer is returned, for the tokenizer to act on as if the tag before had asked.
    fn read_ahead(&self, line: u64) -> Option<TokenSinkResult<Handle>> {
        let buf = self.input.pop_front()?;
        let mut at = 0;
        let mut switch = None;
        loop {
            let next = self.reader.borrow_mut().next(&buf, at);
            let Some((token, end)) = next else { break };
            at = end;
            match self.dispatch(token, line) {
                TokenSinkResult::Continue | TokenSinkResult::EncodingIndicator(_) => {}
                other => {
                    debug_assert!(false, "a token read ahead switched the tokenizer's state");
                    switch = Some(other);
                    break;
                }
            }
        }
        // ok: `at` is an offset in `buf`, at most its length.
        let (at, len) = (at as u32, buf.len32());
        if at < len {
            self.input
                .push_front(if at == 0 { buf } else { buf.subtendril(at, len - at) });
        }
        switch
    }

    /// Passes one token on through the depth cap.
    fn dispatch(&self, token: Token, line_number: u64) -> TokenSinkResult<Handle> {
        match token {
            Token::TagToken(tag) if tag.kind == TagKind::StartTag => {
                self.forget_closed();
                self.start_tag(tag, line_number)
            }
            Token::TagToken(tag) => {
                self.forget_closed();
                if self.end_tag(&tag.name) {
                    TokenSinkResult::Continue
                } else {
                    self.builder.process_token(Token::TagToken(tag), line_number)
                }
            }
            other => self.builder.process_token(other, line_number),
        }
    }

    /// Starts passing over the text of the element `name` that the tree builder just inserted, if its text is
    /// dropped anyway (the sink's `silent` list) and the tokenizer is to read it as script data or RAWTEXT.
    fn start_skipping(&self, name: &LocalName, kind: RawKind) {
        let script = match kind {
            RawKind::ScriptData => true,
            RawKind::Rawtext => false,
            _ => return,
        };
        if self.sink().silent.contains(name) {
            *self.skipping.borrow_mut() = Some(skip::RawText::new(name.clone(), script));
            self.skip();
        }
    }

    /// Drops the input up to where the tokenizer must read it again (see [`skip`]), or all of it if the
    /// element's text goes on past it.
    fn skip(&self) {
        let mut skipping = self.skipping.borrow_mut();
        let Some(raw) = skipping.as_ref() else { return };
        while let Some(buf) = self.input.pop_front() {
            if let Some(at) = raw.end(buf.as_bytes()) {
                // ok: `at` is the offset of a `<` in `buf`, a tendril of at most u32::MAX bytes.
                let (at, len) = (at as u32, buf.len32());
                self.input.push_front(buf.subtendril(at, len - at));
                *skipping = None;
                return;
            }
        }
    }

    fn sink(&self) -> &DepthSink {
        &self.builder.sink
    }

    /// Forgets the virtual elements if something was inserted shallower than their parent.
    fn forget_closed(&self) {
        let sink = self.sink();
        if !self.open.borrow().is_empty() && sink.shallowest.get() < self.anchor.get() {
            self.open.borrow_mut().clear();
            self.counts.borrow_mut().clear();
        }
        sink.shallowest.set(usize::MAX);
        sink.track_text.set(!self.open.borrow().is_empty());
    }

    /// Pushes a virtual element.
    fn push_virtual(&self, name: LocalName) {
        self.sink().track_text.set(true);
        self.open.borrow_mut().push(name.clone());
        *self.counts.borrow_mut().entry(name).or_insert(0) += 1;
    }

    fn start_tag(&self, tag: Tag, line: u64) -> TokenSinkResult<Handle> {
        let name = tag.name.clone();
        let self_closing = tag.self_closing;
        // Inside a virtual element, every element would be deeper still: drop the tag (keeping its name, for
        // its end tag), except void elements and raw-text elements (whose content the tokenizer must read as
        // text; `is_raw_text`), which go into the deepest element kept.
        if !self.open.borrow().is_empty() && !is_void(&name) && !is_raw_text(&name) {
            if !self_closing {
                self.push_virtual(name);
            }
            return TokenSinkResult::Continue;
        }
        self.sink().inserted.borrow_mut().take();
        let result = self.builder.process_token(Token::TagToken(tag), line);
        // Raw text, script data, plaintext: the tokenizer must switch state, so the element stays open.
        if !matches!(result, TokenSinkResult::Continue) {
            if let TokenSinkResult::RawData(kind) = result {
                self.start_skipping(&name, kind);
            }
            return result;
        }
        let inserted = self.sink().inserted.borrow_mut().take();
        let Some(ins) = inserted else { return result };
        let too_deep = ins.depth > self.limit
            && ins.name.eq_ignore_ascii_case(&name)
            && !is_void(&name)
            && (ins.html || !self_closing);
        if too_deep {
            let end = Tag {
                kind: TagKind::EndTag,
                name: name.clone(),
                self_closing: false,
                attrs: Vec::new(),
                had_duplicate_attributes: false,
            };
            let closed = self.builder.process_token(Token::TagToken(end), line);
            debug_assert!(matches!(closed, TokenSinkResult::Continue));
            if self.open.borrow().is_empty() {
                self.anchor.set(ins.depth - 1);
                self.sink().shallowest.set(usize::MAX);
            }
            self.push_virtual(name);
        }
        result
    }

    /// Whether the end tag `name` closes virtual elements (it is then consumed).
    fn end_tag(&self, name: &LocalName) -> bool {
        if self.counts.borrow().get(name).copied().unwrap_or(0) == 0 {
            return false;
        }
        let mut open = self.open.borrow_mut();
        let mut counts = self.counts.borrow_mut();
        while let Some(top) = open.pop() {
            if let Some(c) = counts.get_mut(&top) {
                *c -= 1;
            }
            if top == *name {
                break;
            }
        }
        true
    }
}

impl TokenSink for DepthFilter {
    type Handle = Handle;

    fn process_token(&self, token: Token, line_number: u64) -> TokenSinkResult<Handle> {
        let tag = matches!(token, Token::TagToken(_));
        // The tokenizer ends every comment and doctype in the data state.
        let declaration = matches!(token, Token::CommentToken(_) | Token::DoctypeToken(_));
        let result = self.dispatch(token, line_number);
        if declaration {
            self.resume_cap();
        }
        if !tag {
            return result;
        }
        // After a tag the tokenizer is in the data state unless told otherwise: the plain tags and text that
        // follow can be read here (see [`fast`]).
        let data_state = matches!(
            result,
            TokenSinkResult::Continue | TokenSinkResult::EncodingIndicator(_)
        );
        if data_state && self.read_ahead.get() {
            if let Some(switch) = self.read_ahead(line_number) {
                return switch;
            }
        }
        // (After a script's end tag too, whose script there is none to run.)
        if data_state || matches!(result, TokenSinkResult::Script(_)) {
            self.resume_cap();
        }
        result
    }

    fn end(&self) {
        self.builder.end();
    }

    /// Asked by the tokenizer after `<!` (not followed by `--` or `doctype`): if the answer is yes, `[CDATA[`
    /// starts a CDATA section.
    fn adjusted_current_node_present_but_not_in_html_namespace(&self) -> bool {
        let foreign = self.builder.adjusted_current_node_present_but_not_in_html_namespace();
        if foreign {
            self.cap.borrow_mut().cdata();
            self.follow_cap();
        }
        foreign
    }
}

/// The first child of `parent` that is an element named `tag`.
fn child_named(parent: &Node, tag: &str) -> Option<Node> {
    let mut at = parent.first_child();
    while let Some(n) = at {
        if n.is(tag) {
            return Some(n);
        }
        at = n.next_sibling();
    }
    None
}

/// The `body` element of a document, if it has one yet.
pub(crate) fn find_body(document: &Node) -> Option<Node> {
    child_named(&child_named(document, "html")?, "body")
}

/// The `head` element of a document, if it has one yet.
pub(crate) fn find_head(document: &Node) -> Option<Node> {
    child_named(&child_named(document, "html")?, "head")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn element(arena: &mut Arena, tag: &str) -> Key {
        arena.create(Data::Element(arena::Element {
            name: QualName::new(None, ns!(html), LocalName::from(tag)),
            attrs: Vec::new(),
            template: NONE,
            integration_point: false,
            depth: 0,
            epoch: 0,
        }))
    }

    #[test]
    fn converted_children_are_freed_and_their_slots_reused() {
        let mut parser = HtmlParser::new(256, &[]);
        parser.process("<body>");
        let body = find_body(&parser.document()).expect("body"); // ok: test input has a body
        for _ in 0..1000 {
            parser.process("<div><p>a <b>b</b></p><p>c</p></div>\n");
            body.detach_first(body.child_count() - 1);
        }
        let (live, slots) = parser.document.tree.borrow().usage();
        assert!(slots < 30, "{live} live nodes in {slots} slots");
    }

    #[test]
    fn a_hundred_thousand_deep_subtree_is_freed_without_recursion() {
        let mut arena = Arena::new();
        let document = arena.document();
        let top = element(&mut arena, "div");
        arena.append(document, top);
        let mut at = top;
        for _ in 0..100_000 {
            let child = element(&mut arena, "div");
            arena.append(at, child);
            at = child;
        }
        arena.detach_first(document, 1);
        arena.collect(&[]);
        assert_eq!(arena.usage().0, 1);
        assert!(!arena.is_live(at) && !arena.is_live(top));
    }

    #[test]
    fn held_nodes_outlive_their_detached_parent_and_are_freed_later() {
        let mut arena = Arena::new();
        let document = arena.document();
        let p = element(&mut arena, "p");
        let a = element(&mut arena, "a");
        let text = arena.create(Data::Text(Text::One("x".into())));
        arena.append(document, p);
        arena.append(p, a);
        arena.append(a, text);
        arena.detach_first(document, 1);
        arena.collect(&[a]);
        assert!(!arena.is_live(p));
        assert!(arena.is_live(a) && arena.is_live(text), "a held node keeps its subtree");
        assert_eq!(arena.parent(a), None);
        arena.collect(&[]);
        assert_eq!(arena.usage().0, 1);
    }

    #[test]
    fn operations_on_dead_handles_do_nothing() {
        let tree: Tree = Rc::new(RefCell::new(Arena::new()));
        let sink = DepthSink::new(Rc::clone(&tree), Vec::new());
        let document = sink.get_document();
        let div = sink.create_element(
            QualName::new(None, ns!(html), LocalName::from("div")),
            Vec::new(),
            ElementFlags::default(),
        );
        sink.append(&document, NodeOrText::AppendNode(div.clone()));
        tree.borrow_mut().end_parsing();
        tree.borrow_mut().detach_first(document.key, 1);
        // The slot is reused by the next node; the old handle still reads as dead.
        let span = sink.create_element(
            QualName::new(None, ns!(html), LocalName::from("span")),
            Vec::new(),
            ElementFlags::default(),
        );
        assert!(!sink.same_node(&div, &span));
        assert_eq!(&**sink.elem_name(&div).local, "div", "a dead handle keeps its name");
        sink.append(&div, NodeOrText::AppendText("lost".into()));
        sink.append(&div, NodeOrText::AppendNode(span.clone()));
        sink.append_before_sibling(&div, NodeOrText::AppendText("lost".into()));
        sink.add_attrs_if_missing(&div, Vec::new());
        sink.reparent_children(&div, &document);
        sink.remove_from_parent(&div);
        let contents = sink.get_template_contents(&div);
        sink.append(&contents, NodeOrText::AppendText("lost".into()));
        assert_eq!(tree.borrow().child_count(document.key), 0);
        assert_eq!(tree.borrow().parent(span.key), None);
    }

    #[test]
    fn text_merges_at_the_end_and_before_a_sibling() {
        let tree: Tree = Rc::new(RefCell::new(Arena::new()));
        let sink = DepthSink::new(Rc::clone(&tree), Vec::new());
        let document = sink.get_document();
        let table = sink.create_element(
            QualName::new(None, ns!(html), LocalName::from("table")),
            Vec::new(),
            ElementFlags::default(),
        );
        sink.append(&document, NodeOrText::AppendText("a".into()));
        sink.append(&document, NodeOrText::AppendText("b".into()));
        sink.append(&document, NodeOrText::AppendNode(table.clone()));
        sink.append_before_sibling(&table, NodeOrText::AppendText("c".into()));
        let root = {
            let arena = tree.borrow();
            Node::new(&tree, &arena, document.key)
        };
        assert_eq!(root.child_count(), 2);
        assert_eq!(root.serialize(), "abc<table></table>");
    }

    /// The attributes of `body` in `html`, with `max` attributes kept per element.
    fn body_attributes(html: &str, max: usize) -> Vec<(String, String)> {
        let mut parser = HtmlParser::new(256, &[]);
        parser.set_max_attributes(max);
        parser.process(html);
        let attrs = find_body(&parser.document())
            .map(|body| body.attrs())
            .unwrap_or_default();
        parser.finish();
        attrs
    }

    #[test]
    fn repeated_body_tags_add_the_attributes_body_lacks_up_to_the_cap() {
        let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
            list.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect()
        };
        let html = "<body a=1 b=2><p>x<body c=3 a=4 d=5 e=6><body f=7>";
        assert_eq!(
            body_attributes(html, 1000),
            pairs(&[("a", "1"), ("b", "2"), ("c", "3"), ("d", "5"), ("e", "6"), ("f", "7")])
        );
        assert_eq!(
            body_attributes(html, 4),
            pairs(&[("a", "1"), ("b", "2"), ("c", "3"), ("d", "5")])
        );
        // Each tag adds one: 3000 of them stop at the cap, in order.
        let many: String = (0..3000).map(|i| format!("<body a{i}=v a0=x>")).collect();
        let attrs = body_attributes(&many, 1000);
        assert_eq!(attrs.len(), 1000);
        assert_eq!(attrs[0], ("a0".to_string(), "v".to_string()));
        assert_eq!(attrs[999].0, "a999");
    }

    /// An `a` converted and detached while html5ever still lists it among the active formatting elements:
    /// the next `<a>` looks up its name (the "misnested a" step), which must still be `a`.
    #[test]
    fn a_converted_formatting_element_keeps_its_name_for_the_tree_builder() {
        let html = "<div><p><a href=1>x</p><!--c--><a href=2>y</a> z</div>";
        let expected = crate::convert(html);
        for split in 1..html.len() {
            let mut c = crate::Converter::new(Vec::new(), crate::Options::default());
            c.feed(&html.as_bytes()[..split]).expect("feed"); // ok: test, writes to a Vec
            c.feed(&html.as_bytes()[split..]).expect("feed"); // ok: test, writes to a Vec
            let got = String::from_utf8(c.finish().expect("finish")).expect("utf-8"); // ok: test, Markdown of UTF-8 input
            assert_eq!(got, expected, "split at {split}");
        }
    }
}
