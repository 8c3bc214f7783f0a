//! Reference-style links (CommonMark §4.7, §6.3): the label of each link, and the link reference definitions
//! written at the end of the document.

use std::collections::{HashMap, HashSet};

use unicase::UniCase;

use crate::LinkStyle;
use crate::escape;

/// The longest link text used as its own label, and the longest label made from a link's text.
const TEXT_LABEL_MAX: usize = 60;

/// One definition to write: `[label]: dest "title"`.
#[derive(Debug)]
struct Definition {
    label: String,
    dest: String,
    title: String,
}

/// The labels given so far and the definitions still to write.
#[derive(Debug)]
pub(crate) struct Refs {
    style: LinkStyle,
    /// The label of each (destination, title) pair, so that links to the same target share a definition.
    by_target: HashMap<(String, String), String>,
    /// Every label given, as pulldown-cmark compares labels (Unicode case folding, white space collapsed).
    used: HashSet<UniCase<String>>,
    /// The last number given as a label.
    number: u64,
    /// For each label made unique with a suffix, the next suffix to try (so that many links with the same text
    /// take linear time).
    suffixes: HashMap<UniCase<String>, u64>,
    definitions: Vec<Definition>,
}

impl Refs {
    pub(crate) fn new(style: LinkStyle) -> Self {
        let mut used = HashSet::new();
        // A task box written inside text (`[x]`) must not become a link to a label `x`.
        used.insert(key("x"));
        Refs {
            style,
            by_target: HashMap::new(),
            used,
            number: 0,
            suffixes: HashMap::new(),
            definitions: Vec::new(),
        }
    }

    /// Whether links are written as references.
    pub(crate) fn active(&self) -> bool {
        matches!(self.style, LinkStyle::ReferenceNumbered | LinkStyle::ReferenceText)
    }

    /// What goes between the brackets after a link's text (`[text][…]`): the label, or nothing for a collapsed
    /// reference (`[text][]`, where the text is the label). `text` is the link text as written, `plain` its
    /// characters without markup.
    pub(crate) fn label(&mut self, dest: &str, title: &str, text: &str, plain: &str) -> String {
        let target = (dest.to_string(), title.to_string());
        if let Some(label) = self.by_target.get(&target) {
            return if label == text { String::new() } else { label.clone() };
        }
        let (label, collapsed) = match self.style {
            LinkStyle::ReferenceText if own_label(text) && !self.used.contains(&key(text)) => (text.to_string(), true),
            LinkStyle::ReferenceText => {
                let base = if own_label(text) {
                    text.to_string()
                } else {
                    label_from(plain)
                };
                if base.is_empty() {
                    (self.next_number(), false)
                } else {
                    (self.unique(&base), false)
                }
            }
            _ => (self.next_number(), false),
        };
        self.used.insert(key(&label));
        self.by_target.insert(target, label.clone());
        self.definitions.push(Definition {
            label: label.clone(),
            dest: dest.to_string(),
            title: title.to_string(),
        });
        if collapsed { String::new() } else { label }
    }

    /// The definitions not written yet, one line each, in the order their labels were given.
    pub(crate) fn take_lines(&mut self) -> Vec<String> {
        self.definitions
            .drain(..)
            .map(|d| {
                let mut line = format!("[{}]: ", d.label);
                escape::push_link_dest(&mut line, &d.dest, false);
                if !d.title.is_empty() {
                    line.push(' ');
                    escape::push_link_title(&mut line, &d.title, false);
                }
                line
            })
            .collect()
    }

    fn next_number(&mut self) -> String {
        loop {
            self.number += 1;
            let label = self.number.to_string();
            if !self.used.contains(&key(&label)) {
                return label;
            }
        }
    }

    /// `base`, or `base-2`, `base-3`, … when a label that compares equal is taken.
    fn unique(&mut self, base: &str) -> String {
        let base_key = key(base);
        if !self.used.contains(&base_key) {
            return base.to_string();
        }
        let next = self.suffixes.entry(base_key).or_insert(2);
        loop {
            let label = format!("{base}-{next}");
            *next += 1;
            if !self.used.contains(&key(&label)) {
                return label;
            }
        }
    }
}

/// A label as pulldown-cmark matches it: white space collapsed and trimmed, compared with Unicode case folding.
fn key(label: &str) -> UniCase<String> {
    UniCase::new(label.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Whether link text, as written, can serve as its own label (§4.7: no unescaped brackets, at most 999
/// characters, not blank). Stricter than the spec so that the text parses the same in both places: no
/// brackets or backslashes at all, no backtick, `<` or `>` (code spans, autolinks and HTML bind tighter than
/// brackets in link text, not in labels), no `|` (a table cell would split), no line break, no leading `^`
/// (a footnote label), and short enough to read.
fn own_label(text: &str) -> bool {
    !text.trim().is_empty()
        && text.chars().count() <= TEXT_LABEL_MAX
        && !text.starts_with('^')
        && !text
            .chars()
            .any(|c| matches!(c, '[' | ']' | '\\' | '`' | '<' | '>' | '|' | '\n' | '\r' | '\t'))
}

/// A label made from a link's plain text: letters, digits and `-` `.` `'` `,` `:` `/` kept, anything else a
/// space, spaces collapsed, cut at a word end to at most [`TEXT_LABEL_MAX`] characters. Empty when nothing is
/// left.
fn label_from(plain: &str) -> String {
    let kept: String = plain
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '.' | '\'' | ',' | ':' | '/') {
                c
            } else {
                ' '
            }
        })
        .collect();
    let mut label = String::new();
    for word in kept.split_whitespace() {
        let len = label.chars().count() + usize::from(!label.is_empty()) + word.chars().count();
        if len > TEXT_LABEL_MAX {
            if label.is_empty() {
                label = word.chars().take(TEXT_LABEL_MAX).collect();
            }
            break;
        }
        if !label.is_empty() {
            label.push(' ');
        }
        label.push_str(word);
    }
    label
}
