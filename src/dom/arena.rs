//! The storage behind the tree: one vector of slots linked into a tree by index, with a free list.
//!
//! Nodes are addressed by a [`Key`], an index plus the generation of the slot it was created in. Freeing a
//! slot bumps its generation, so a key kept past its node's death never reads whatever reuses the slot: it is
//! *dead*, and every operation on it does nothing (or answers "empty", "none").
//!
//! # When nodes are freed
//!
//! The streaming driver detaches converted children ([`Arena::detach_first`]). While html5ever is still
//! parsing, it may hold handles to such nodes (an `a` in its list of active formatting elements, the form
//! element pointer, …) and still ask for their names. With reference-counted nodes those stay alive as long
//! as a handle does; here detached subtrees wait in a pending list, and [`Arena::collect`] frees them before
//! the next input is parsed, given the handles the tree builder holds at that point (it enumerates them with
//! `trace_handles`, the hook it has for garbage-collected DOMs). A held node is cut from its detached parent
//! and kept whole, with its subtree, until a later collection finds it no longer held: the nodes html5ever can
//! reach stay exactly as reference counting would keep them, so parsing goes the same way. Once parsing has
//! ended, detached subtrees are freed at once.

use html5ever::tendril::StrTendril;
use html5ever::{Attribute, QualName};

/// No node: the end of a link chain.
pub(super) const NONE: u32 = u32::MAX;

/// The address of one node. Compares equal only to keys of the same node during the same life of its slot
/// (generations wrap after 2³² reuses of one slot, far beyond what one document does to a slot while an old
/// key on it is kept).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) struct Key {
    index: u32,
    generation: u32,
}

/// An element's data.
pub(super) struct Element {
    pub(super) name: QualName,
    pub(super) attrs: Vec<Attribute>,
    /// The slot of a `template`'s contents (a [`Data::Fragment`]), or [`NONE`].
    pub(super) template: u32,
    /// A MathML `annotation-xml` that is an HTML integration point.
    pub(super) integration_point: bool,
    /// The element's depth as the depth sink measured it at insertion, valid while the sink's epoch is still
    /// `epoch` (a move of nodes starts a new one); epoch 0 is never current.
    pub(super) depth: usize,
    pub(super) epoch: usize,
}

/// What a slot holds.
pub(super) enum Data {
    /// Nothing: the slot is on the free list.
    Free,
    Document,
    /// A template's contents, with the depth of its template once the depth sink has measured it.
    Fragment(Option<usize>),
    Element(Element),
    Text(Text),
    Comment(StrTendril),
    /// A doctype or a processing instruction.
    Other,
}

/// A text node's text: the tendril html5ever handed over (for a long run, a slice of the input, not a copy)
/// until more text merges into it, then a `String`. html5ever hands text over in pieces (split at line
/// breaks, character references, white space), so most text nodes take several merges; a `String` takes
/// them with a copy of the new piece and no more.
pub(super) enum Text {
    One(StrTendril),
    Many(String),
}

impl Text {
    /// Appends `more`.
    pub(super) fn push(&mut self, more: &str) {
        match self {
            Text::Many(s) => s.push_str(more),
            Text::One(t) => {
                let mut s = String::with_capacity(2 * (t.len() + more.len()));
                s.push_str(t);
                s.push_str(more);
                *self = Text::Many(s);
            }
        }
    }
}

impl std::ops::Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            Text::One(t) => t,
            Text::Many(s) => s,
        }
    }
}

struct Slot {
    generation: u32,
    parent: u32,
    prev: u32,
    next: u32,
    first: u32,
    last: u32,
    /// The number of children.
    count: u32,
    /// Held by the tree builder (only set during [`Arena::collect`]).
    held: bool,
    data: Data,
}

/// The tree's nodes.
pub(super) struct Arena {
    slots: Vec<Slot>,
    /// The first free slot; free slots are chained through `next`.
    free: u32,
    /// Roots of detached subtrees waiting for [`Arena::collect`].
    pending: Vec<Key>,
    /// Whether the tree builder is still running (and may hold handles).
    parsing: bool,
}

/// Converts a slot index or count to `u32`. A document has fewer than 2³² nodes (each takes at least a byte of
/// input, and the slots would need far more memory than there is); past that, give up loudly rather than mix
/// nodes up.
fn to_u32(n: usize) -> u32 {
    u32::try_from(n).expect("more than 2^32 nodes") // ok: 2^32 live slots would need hundreds of GB first
}

impl Arena {
    /// An arena holding a document node.
    pub(super) fn new() -> Self {
        let mut arena = Arena {
            slots: Vec::new(),
            free: NONE,
            pending: Vec::new(),
            parsing: true,
        };
        arena.create(Data::Document);
        arena
    }

    /// The document node.
    pub(super) fn document(&self) -> Key {
        self.key(0)
    }

    fn key(&self, index: u32) -> Key {
        Key {
            index,
            generation: self.slots[index as usize].generation,
        }
    }

    /// A handle on the node at `index` (one of the link fields), or none.
    fn link(&self, index: u32) -> Option<Key> {
        (index != NONE).then(|| self.key(index))
    }

    fn slot(&self, h: Key) -> Option<&Slot> {
        self.slots
            .get(h.index as usize)
            .filter(|s| s.generation == h.generation && !matches!(s.data, Data::Free))
    }

    fn slot_mut(&mut self, h: Key) -> Option<&mut Slot> {
        self.slots
            .get_mut(h.index as usize)
            .filter(|s| s.generation == h.generation && !matches!(s.data, Data::Free))
    }

    fn at(&mut self, index: u32) -> &mut Slot {
        &mut self.slots[index as usize]
    }

    /// Whether `h` names a live node.
    pub(super) fn is_live(&self, h: Key) -> bool {
        self.slot(h).is_some()
    }

    /// The node's data (none for a dead handle).
    pub(super) fn data(&self, h: Key) -> Option<&Data> {
        self.slot(h).map(|s| &s.data)
    }

    /// The node's data, mutably.
    pub(super) fn data_mut(&mut self, h: Key) -> Option<&mut Data> {
        self.slot_mut(h).map(|s| &mut s.data)
    }

    pub(super) fn parent(&self, h: Key) -> Option<Key> {
        self.slot(h).and_then(|s| self.link(s.parent))
    }

    pub(super) fn first_child(&self, h: Key) -> Option<Key> {
        self.slot(h).and_then(|s| self.link(s.first))
    }

    pub(super) fn last_child(&self, h: Key) -> Option<Key> {
        self.slot(h).and_then(|s| self.link(s.last))
    }

    pub(super) fn next_sibling(&self, h: Key) -> Option<Key> {
        self.slot(h).and_then(|s| self.link(s.next))
    }

    pub(super) fn prev_sibling(&self, h: Key) -> Option<Key> {
        self.slot(h).and_then(|s| self.link(s.prev))
    }

    pub(super) fn child_count(&self, h: Key) -> usize {
        self.slot(h).map_or(0, |s| s.count as usize)
    }

    /// The child at `i`, walked to from whichever end is nearer.
    pub(super) fn child(&self, h: Key, i: usize) -> Option<Key> {
        let count = self.child_count(h);
        if i >= count {
            return None;
        }
        let s = self.slot(h)?;
        if i <= count / 2 {
            let mut at = s.first;
            for _ in 0..i {
                at = self.slots[at as usize].next;
            }
            self.link(at)
        } else {
            let mut at = s.last;
            for _ in i + 1..count {
                at = self.slots[at as usize].prev;
            }
            self.link(at)
        }
    }

    /// The handle on a template's contents (none if `h` is not a live template).
    pub(super) fn template_contents(&self, h: Key) -> Option<Key> {
        match self.data(h) {
            Some(Data::Element(e)) => self.link(e.template),
            _ => None,
        }
    }

    /// A new node, not in the tree.
    pub(super) fn create(&mut self, data: Data) -> Key {
        self.alloc(data)
    }

    /// Gives the element `h` an (empty) template contents fragment.
    pub(super) fn add_template_contents(&mut self, h: Key) {
        if !matches!(self.data(h), Some(Data::Element(e)) if e.template == NONE) {
            return;
        }
        let contents = self.alloc(Data::Fragment(None));
        if let Some(Data::Element(e)) = self.data_mut(h) {
            e.template = contents.index;
        }
    }

    fn alloc(&mut self, data: Data) -> Key {
        let fresh = |generation| Slot {
            generation,
            parent: NONE,
            prev: NONE,
            next: NONE,
            first: NONE,
            last: NONE,
            count: 0,
            held: false,
            data,
        };
        if self.free == NONE {
            let index = to_u32(self.slots.len());
            self.slots.push(fresh(0));
            return Key { index, generation: 0 };
        }
        let index = self.free;
        let slot = self.at(index);
        let next_free = slot.next;
        let generation = slot.generation;
        *slot = fresh(generation);
        self.free = next_free;
        Key { index, generation }
    }

    /// Takes `h` out of its parent's children (nothing if it has no parent).
    pub(super) fn unlink(&mut self, h: Key) {
        let Some(s) = self.slot(h) else { return };
        let (parent, prev, next) = (s.parent, s.prev, s.next);
        if parent == NONE {
            return;
        }
        if prev == NONE {
            self.at(parent).first = next;
        } else {
            self.at(prev).next = next;
        }
        if next == NONE {
            self.at(parent).last = prev;
        } else {
            self.at(next).prev = prev;
        }
        self.at(parent).count -= 1;
        let s = self.at(h.index);
        s.parent = NONE;
        s.prev = NONE;
        s.next = NONE;
    }

    /// Appends `child` to `parent`'s children, taking it out of where it was. Nothing happens if either is
    /// dead, or if `child` is `parent` or one of its ancestors (which would make a cycle).
    pub(super) fn append(&mut self, parent: Key, child: Key) {
        // Only a node with children can be an ancestor of another: new nodes skip the walk.
        let Some(c) = self.slot(child) else { return };
        let may_cycle = c.first != NONE;
        if !self.is_live(parent) || child == parent || (may_cycle && self.is_ancestor_or_self(child, parent)) {
            return;
        }
        self.unlink(child);
        let last = self.at(parent.index).last;
        {
            let c = self.at(child.index);
            c.parent = parent.index;
            c.prev = last;
        }
        if last == NONE {
            self.at(parent.index).first = child.index;
        } else {
            self.at(last).next = child.index;
        }
        let p = self.at(parent.index);
        p.last = child.index;
        p.count += 1;
    }

    /// Inserts `node` just before `sibling`, taking it out of where it was. Nothing happens if either is dead,
    /// if `sibling` has no parent, or if the move would make a cycle.
    pub(super) fn insert_before(&mut self, sibling: Key, node: Key) {
        let Some(parent) = self.parent(sibling) else { return };
        if !self.is_live(node) || node == sibling || self.is_ancestor_or_self(node, parent) {
            return;
        }
        self.unlink(node);
        let prev = self.at(sibling.index).prev;
        {
            let n = self.at(node.index);
            n.parent = parent.index;
            n.prev = prev;
            n.next = sibling.index;
        }
        self.at(sibling.index).prev = node.index;
        if prev == NONE {
            self.at(parent.index).first = node.index;
        } else {
            self.at(prev).next = node.index;
        }
        self.at(parent.index).count += 1;
    }

    /// Whether `a` is `b` or an ancestor of it. The tree builder never asks for a cycle; this keeps the links
    /// a tree whatever it asks, at the cost of a walk up from `b` (short: the depth filter bounds depth).
    fn is_ancestor_or_self(&self, a: Key, b: Key) -> bool {
        let mut at = b.index;
        while at != NONE {
            if at == a.index {
                return true;
            }
            at = self.slots[at as usize].parent;
        }
        false
    }

    /// Moves all children of `from` to the end of `to`'s children.
    pub(super) fn reparent_children(&mut self, from: Key, to: Key) {
        if !self.is_live(from) || !self.is_live(to) || from == to || self.is_ancestor_or_self(from, to) {
            return;
        }
        let (first, last, count) = {
            let f = self.at(from.index);
            let moved = (f.first, f.last, f.count);
            f.first = NONE;
            f.last = NONE;
            f.count = 0;
            moved
        };
        if first == NONE {
            return;
        }
        let mut at = first;
        while at != NONE {
            let s = self.at(at);
            s.parent = to.index;
            at = s.next;
        }
        let old_last = self.at(to.index).last;
        if old_last == NONE {
            self.at(to.index).first = first;
        } else {
            self.at(old_last).next = first;
            self.at(first).prev = old_last;
        }
        let t = self.at(to.index);
        t.last = last;
        t.count += count;
    }

    /// Detaches the first `n` children of `parent`; they are freed at the next [`Arena::collect`], or at once
    /// when parsing has ended.
    pub(super) fn detach_first(&mut self, parent: Key, n: usize) {
        for _ in 0..n {
            let Some(child) = self.first_child(parent) else { break };
            self.unlink(child);
            self.pending.push(child);
        }
        if !self.parsing {
            self.collect(&[]);
        }
    }

    /// Whether detached subtrees wait to be freed.
    pub(super) fn has_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Parsing has ended: nothing holds handles any more, detached subtrees are freed at once from now on.
    pub(super) fn end_parsing(&mut self) {
        self.parsing = false;
        self.collect(&[]);
    }

    /// Frees the pending detached subtrees, except the nodes in `held` (and their subtrees), which stay
    /// pending as roots of their own.
    pub(super) fn collect(&mut self, held: &[Key]) {
        for &h in held {
            if let Some(s) = self.slot_mut(h) {
                s.held = true;
            }
        }
        let mut keep = Vec::new();
        // Template contents met on the way: freed after the subtree.
        let mut roots = Vec::new();
        for root in std::mem::take(&mut self.pending) {
            // A root the tree builder has put back into a tree (or that went with another root) is not ours.
            match self.slot(root) {
                Some(s) if s.parent == NONE => roots.push(root.index),
                _ => continue,
            }
            while let Some(root) = roots.pop() {
                self.free_subtree(root, &mut keep, &mut roots);
            }
        }
        for &h in held {
            if let Some(s) = self.slot_mut(h) {
                s.held = false;
            }
        }
        self.pending = keep;
    }

    /// Frees the subtree at `root` in post-order without a stack, following the links (a freed slot's links
    /// are no longer read). Held nodes are cut out and kept whole (in `keep`); template contents are left for
    /// the caller (in `roots`).
    fn free_subtree(&mut self, root: u32, keep: &mut Vec<Key>, roots: &mut Vec<u32>) {
        let mut at = root;
        'descend: loop {
            loop {
                let s = &self.slots[at as usize];
                if s.held || s.first == NONE {
                    break;
                }
                at = s.first;
            }
            // `at` has no children left to free (or is held): free it, then its next sibling's subtree, or
            // its parent, whose children are then all freed.
            loop {
                let s = self.at(at);
                let (next, parent) = (s.next, s.parent);
                if s.held {
                    s.parent = NONE;
                    s.prev = NONE;
                    s.next = NONE;
                    keep.push(self.key(at));
                } else {
                    if let Data::Element(e) = &s.data {
                        if e.template != NONE {
                            roots.push(e.template);
                        }
                    }
                    self.release(at);
                }
                if at == root {
                    return;
                }
                if next != NONE {
                    at = next;
                    continue 'descend;
                }
                at = parent;
            }
        }
    }

    /// Puts a slot on the free list.
    fn release(&mut self, index: u32) {
        let free = self.free;
        let s = self.at(index);
        s.generation = s.generation.wrapping_add(1);
        s.data = Data::Free;
        s.parent = NONE;
        s.prev = NONE;
        s.next = free;
        s.first = NONE;
        s.last = NONE;
        s.count = 0;
        self.free = index;
    }

    /// How many slots hold nodes, and how many slots there are (for tests).
    #[cfg(test)]
    pub(super) fn usage(&self) -> (usize, usize) {
        let live = self.slots.iter().filter(|s| !matches!(s.data, Data::Free)).count();
        (live, self.slots.len())
    }
}
