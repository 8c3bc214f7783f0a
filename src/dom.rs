//! A small facade over the parsed tree: the only module that names `markup5ever_rcdom` or html5ever's tree
//! types, so that the tree can be replaced without touching the walker, the rules or the writer.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::{Rc, Weak};

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts};
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeBuilder, TreeBuilderOpts, TreeSink};
use html5ever::{Attribute, ExpandedName, LocalName, QualName, TokenizerResult, ns};
use markup5ever_rcdom::{Handle, NodeData, RcDom, SerializableHandle};

/// What a node is, as far as conversion cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// An element (HTML, SVG or MathML).
    Element,
    /// A text node.
    Text,
    /// The document node.
    Document,
    /// Comments, doctypes, processing instructions: never visible.
    Other,
}

/// A shared handle to one node of the tree.
#[derive(Clone)]
pub(crate) struct Node(Handle);

impl Node {
    /// The node's kind.
    pub(crate) fn kind(&self) -> Kind {
        match self.0.data {
            NodeData::Element { .. } => Kind::Element,
            NodeData::Text { .. } => Kind::Text,
            NodeData::Document => Kind::Document,
            _ => Kind::Other,
        }
    }

    /// The element's local name (lower case for HTML elements); empty for other nodes.
    pub(crate) fn tag(&self) -> &str {
        match &self.0.data {
            NodeData::Element { name, .. } => &name.local,
            _ => "",
        }
    }

    /// Whether this is an element with the given local name.
    pub(crate) fn is(&self, tag: &str) -> bool {
        self.kind() == Kind::Element && self.tag() == tag
    }

    /// The value of attribute `name` (no namespace), if present.
    pub(crate) fn attr(&self, name: &str) -> Option<String> {
        match &self.0.data {
            NodeData::Element { attrs, .. } => attrs
                .borrow()
                .iter()
                .find(|a| a.name.ns.is_empty() && &*a.name.local == name)
                .map(|a| a.value.to_string()),
            _ => None,
        }
    }

    /// All attributes as (name, value) pairs, in source order; namespaced ones as `prefix:name`.
    pub(crate) fn attrs(&self) -> Vec<(String, String)> {
        match &self.0.data {
            NodeData::Element { attrs, .. } => attrs
                .borrow()
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

    /// The text of a text node (empty for other nodes).
    pub(crate) fn text(&self) -> String {
        match &self.0.data {
            NodeData::Text { contents } => contents.borrow().to_string(),
            _ => String::new(),
        }
    }

    /// A snapshot of the children.
    pub(crate) fn children(&self) -> Vec<Node> {
        self.0.children.borrow().iter().cloned().map(Node).collect()
    }

    /// The number of children.
    pub(crate) fn child_count(&self) -> usize {
        self.0.children.borrow().len()
    }

    /// The child at `i`.
    pub(crate) fn child(&self, i: usize) -> Option<Node> {
        self.0.children.borrow().get(i).cloned().map(Node)
    }

    /// The last child.
    pub(crate) fn last_child(&self) -> Option<Node> {
        self.0.children.borrow().last().cloned().map(Node)
    }

    /// Whether two handles name the same node.
    pub(crate) fn same(&self, other: &Node) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }

    /// The parent, if attached.
    pub(crate) fn parent(&self) -> Option<Node> {
        let weak = self.0.parent.take();
        let parent = weak.as_ref().and_then(|w| w.upgrade());
        self.0.parent.set(weak);
        parent.map(Node)
    }

    /// Removes the first `n` children from the tree (they are converted), freeing their memory once the last
    /// handle goes. Their parent link is cleared so that the tree builder never looks for them again.
    pub(crate) fn detach_first(&self, n: usize) {
        let removed: Vec<Handle> = {
            let mut kids = self.0.children.borrow_mut();
            let n = n.min(kids.len());
            kids.drain(..n).collect()
        };
        for child in &removed {
            child.parent.set(None);
        }
    }

    /// The node serialised as HTML (text nodes: their text). Used by the flush-safety check.
    pub(crate) fn serialize(&self) -> String {
        match self.kind() {
            Kind::Element => {
                let mut out = Vec::new();
                let opts = html5ever::serialize::SerializeOpts {
                    traversal_scope: html5ever::serialize::TraversalScope::IncludeNode,
                    ..Default::default()
                };
                let handle: SerializableHandle = self.0.clone().into();
                if html5ever::serialize(&mut out, &handle, opts).is_err() {
                    return String::from("<serialization failed>");
                }
                String::from_utf8_lossy(&out).into_owned()
            }
            Kind::Text => self.text(),
            _ => String::new(),
        }
    }
}

/// An html5ever document parser fed UTF-8 text incrementally, with a handle on the growing tree.
///
/// It is html5ever's tokenizer and tree builder with a [`DepthFilter`] between them (the plumbing of
/// `html5ever::parse_document`, rebuilt so that the filter fits in).
pub(crate) struct HtmlParser {
    tokenizer: Tokenizer<DepthFilter>,
    input: BufferQueue,
    document: Node,
}

impl HtmlParser {
    /// A parser for a whole document that keeps at most `max_depth` levels of elements inside `body` (see
    /// [`DepthFilter`]).
    pub(crate) fn new(max_depth: usize) -> Self {
        let sink = DepthSink::default();
        let document = Node(sink.dom.document.clone());
        let builder = TreeBuilder::new(sink, TreeBuilderOpts::default());
        let filter = DepthFilter::new(builder, max_depth);
        HtmlParser {
            tokenizer: Tokenizer::new(filter, TokenizerOpts::default()),
            input: BufferQueue::default(),
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
            self.input.push_back(StrTendril::from_slice(text));
            self.run();
        }
    }

    /// Runs the tokenizer over all the buffered input. It stops early to let a caller run a script or change
    /// the encoding (a `<meta charset>`; the decoder has already chosen one); we do neither, so it goes on.
    fn run(&self) {
        while !matches!(self.tokenizer.feed(&self.input), TokenizerResult::Done) {}
    }

    /// Ends the input: every node is now final.
    pub(crate) fn finish(self) {
        self.run();
        self.tokenizer.end();
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

/// RcDom with a record of what is inserted where, for the [`DepthFilter`].
///
/// The depth of a node is the number of elements from the document down to it, itself included (`html` is 1,
/// `body` 2); the content of a `template` counts from the template's depth. Depths are found by walking
/// parent links, which is short because the filter keeps the tree shallow, and shorter with a cache of the
/// last few elements inserted (for nested markup, the new element's parent is usually the one before).
#[derive(Default)]
struct DepthSink {
    dom: RcDom,
    /// The last element inserted since the filter last looked.
    inserted: RefCell<Option<Inserted>>,
    /// The smallest depth of a node something was inserted into since the filter last reset it.
    shallowest: Cell<usize>,
    /// Recently inserted elements with their depths.
    cache: RefCell<Vec<(Handle, usize)>>,
    /// Whether text insertions must be measured too (only while the filter holds virtual elements, whose
    /// forgetting depends on the shallowest insertion; otherwise only elements need a depth).
    track_text: Cell<bool>,
    /// Template contents (keyed by address) and the depth of their template.
    templates: RefCell<HashMap<usize, (Weak<markup5ever_rcdom::Node>, usize)>>,
}

/// How many inserted elements [`DepthSink`] remembers.
const DEPTH_CACHE: usize = 4;

impl DepthSink {
    fn depth_of(&self, node: &Handle) -> usize {
        let mut depth = 0;
        let mut node = node.clone();
        loop {
            if let Some((_, d)) = self.cache.borrow().iter().find(|(h, _)| Rc::ptr_eq(h, &node)) {
                return depth + d;
            }
            if let NodeData::Element { .. } = node.data {
                depth += 1;
            }
            let weak = node.parent.take();
            let parent = weak.as_ref().and_then(Weak::upgrade);
            node.parent.set(weak);
            match parent {
                Some(p) => node = p,
                None => {
                    let key = Rc::as_ptr(&node) as usize;
                    return match self.templates.borrow().get(&key) {
                        Some((weak, d)) if weak.upgrade().is_some_and(|t| Rc::ptr_eq(&t, &node)) => depth + d,
                        _ => depth,
                    };
                }
            }
        }
    }

    /// Records an insertion into `parent` (for text and elements alike) and, for an element, its depth.
    fn note(&self, parent: Option<&Handle>, child: &NodeOrText<Handle>) {
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
            if let NodeData::Element { name, .. } = &node.data {
                let depth = parent_depth + 1;
                let mut cache = self.cache.borrow_mut();
                if cache.len() == DEPTH_CACHE {
                    cache.remove(0);
                }
                cache.push((node.clone(), depth));
                *self.inserted.borrow_mut() = Some(Inserted {
                    name: name.local.clone(),
                    html: name.ns == ns!(html),
                    depth,
                });
            }
        }
    }

    fn parent_of(node: &Handle) -> Option<Handle> {
        let weak = node.parent.take();
        let parent = weak.as_ref().and_then(Weak::upgrade);
        node.parent.set(weak);
        parent
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
        self.dom.get_document()
    }

    fn elem_name<'a>(&'a self, target: &'a Handle) -> ExpandedName<'a> {
        self.dom.elem_name(target)
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> Handle {
        self.dom.create_element(name, attrs, flags)
    }

    fn create_comment(&self, text: StrTendril) -> Handle {
        self.dom.create_comment(text)
    }

    fn create_pi(&self, target: StrTendril, data: StrTendril) -> Handle {
        self.dom.create_pi(target, data)
    }

    fn append(&self, parent: &Handle, child: NodeOrText<Handle>) {
        self.note(Some(parent), &child);
        self.dom.append(parent, child);
    }

    fn append_based_on_parent_node(&self, element: &Handle, prev_element: &Handle, child: NodeOrText<Handle>) {
        let parent = Self::parent_of(element).unwrap_or_else(|| prev_element.clone());
        self.note(Some(&parent), &child);
        self.dom.append_based_on_parent_node(element, prev_element, child);
    }

    fn append_doctype_to_document(&self, name: StrTendril, public_id: StrTendril, system_id: StrTendril) {
        self.dom.append_doctype_to_document(name, public_id, system_id);
    }

    fn mark_script_already_started(&self, node: &Handle) {
        self.dom.mark_script_already_started(node);
    }

    fn pop(&self, node: &Handle) {
        self.dom.pop(node);
    }

    fn get_template_contents(&self, target: &Handle) -> Handle {
        let contents = self.dom.get_template_contents(target);
        let key = Rc::as_ptr(&contents) as usize;
        if !self.templates.borrow().contains_key(&key) {
            let depth = self.depth_of(target);
            self.templates
                .borrow_mut()
                .insert(key, (Rc::downgrade(&contents), depth));
        }
        contents
    }

    fn same_node(&self, x: &Handle, y: &Handle) -> bool {
        self.dom.same_node(x, y)
    }

    fn set_quirks_mode(&self, mode: QuirksMode) {
        self.dom.set_quirks_mode(mode);
    }

    fn append_before_sibling(&self, sibling: &Handle, new_node: NodeOrText<Handle>) {
        let parent = Self::parent_of(sibling);
        self.note(parent.as_ref(), &new_node);
        self.dom.append_before_sibling(sibling, new_node);
    }

    fn add_attrs_if_missing(&self, target: &Handle, attrs: Vec<Attribute>) {
        self.dom.add_attrs_if_missing(target, attrs);
    }

    fn associate_with_form(&self, target: &Handle, form: &Handle, nodes: (&Handle, Option<&Handle>)) {
        self.dom.associate_with_form(target, form, nodes);
    }

    // Moving nodes (the adoption agency) changes depths: forget the cached ones.
    fn remove_from_parent(&self, target: &Handle) {
        self.cache.borrow_mut().clear();
        self.dom.remove_from_parent(target);
    }

    fn reparent_children(&self, node: &Handle, new_parent: &Handle) {
        self.cache.borrow_mut().clear();
        self.dom.reparent_children(node, new_parent);
    }

    fn is_mathml_annotation_xml_integration_point(&self, handle: &Handle) -> bool {
        self.dom.is_mathml_annotation_xml_integration_point(handle)
    }

    fn set_current_line(&self, line_number: u64) {
        self.dom.set_current_line(line_number);
    }

    fn allow_declarative_shadow_roots(&self, intended_parent: &Handle) -> bool {
        self.dom.allow_declarative_shadow_roots(intended_parent)
    }

    fn attach_declarative_shadow(&self, location: &Handle, template: &Handle, attrs: &[Attribute]) -> bool {
        self.dom.attach_declarative_shadow(location, template, attrs)
    }

    fn maybe_clone_an_option_into_selectedcontent(&self, option: &Handle) {
        self.dom.maybe_clone_an_option_into_selectedcontent(option);
    }
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
}

impl DepthFilter {
    fn new(builder: Builder, max_depth: usize) -> Self {
        DepthFilter {
            builder,
            limit: max_depth.saturating_add(2),
            open: RefCell::new(Vec::new()),
            counts: RefCell::new(HashMap::new()),
            anchor: Cell::new(0),
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

    fn end(&self) {
        self.builder.end();
    }

    fn adjusted_current_node_present_but_not_in_html_namespace(&self) -> bool {
        self.builder.adjusted_current_node_present_but_not_in_html_namespace()
    }
}

/// The `body` element of a document, if it has one yet.
pub(crate) fn find_body(document: &Node) -> Option<Node> {
    let html = document.children().into_iter().find(|n| n.is("html"))?;
    html.children().into_iter().find(|n| n.is("body"))
}

/// The `head` element of a document, if it has one yet.
pub(crate) fn find_head(document: &Node) -> Option<Node> {
    let html = document.children().into_iter().find(|n| n.is("html"))?;
    html.children().into_iter().find(|n| n.is("head"))
}
