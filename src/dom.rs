//! A small facade over the parsed tree: the only module that names `markup5ever_rcdom` or html5ever's tree
//! types, so that the tree can be replaced without touching the walker, the rules or the writer.

use std::rc::Rc;

use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::{ParseOpts, Parser, parse_document};
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
pub(crate) struct HtmlParser {
    parser: Parser<RcDom>,
    document: Node,
}

impl HtmlParser {
    /// A parser for a whole document.
    pub(crate) fn new() -> Self {
        let dom = RcDom::default();
        let document = Node(dom.document.clone());
        HtmlParser {
            parser: parse_document(dom, ParseOpts::default()),
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
            self.parser.process(StrTendril::from_slice(text));
        }
    }

    /// Ends the input: every node is now final.
    pub(crate) fn finish(self) {
        let _dom = self.parser.finish();
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
