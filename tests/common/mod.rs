//! Helpers shared by the integration tests: reading `../shared` and comparing event streams.
#![allow(dead_code)]

use std::path::PathBuf;

mod live;
#[allow(unused_imports)] // (each test binary uses what it needs)
pub use live::{every_parser_option, live_markup};

use pulldown_cmark::{CodeBlockKind, CowStr, Event, LinkType, Parser, Tag, TagEnd};

/// Set to `1` (as `.ci/run` does), a missing `../shared` file fails the test that reads it instead of skipping.
pub const REQUIRE_SHARED: &str = "HTML2CMARK_REQUIRE_SHARED";

/// Whether a missing `../shared` file is a failure (see [`REQUIRE_SHARED`]).
pub fn shared_required() -> bool {
    std::env::var(REQUIRE_SHARED).is_ok_and(|v| v == "1")
}

/// Notes that `what` under `../shared` is absent and the test skips it; panics instead when
/// [`REQUIRE_SHARED`] is set.
pub fn shared_absent(what: &str) {
    assert!(
        !shared_required(),
        "../shared: {what} is absent, and {REQUIRE_SHARED}=1 makes that a failure (the shared data sits next to \
         the crate's folder: ../shared/conformance, ../shared/corpus)"
    );
    eprintln!("note: ../shared: {what} is absent; skipping the tests that read it");
}

/// `../shared` next to the crate, if it is there (see [`shared_absent`]: with [`REQUIRE_SHARED`], its absence
/// fails).
pub fn shared_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if dir.is_dir() {
        Some(dir)
    } else {
        shared_absent("the folder");
        None
    }
}

/// Reads a JSON file under `../shared`, or notes that it is absent and returns `None` (a failure with
/// [`REQUIRE_SHARED`]). A file that is there but not JSON always fails.
pub fn shared_json(rel: &str) -> Option<serde_json::Value> {
    let dir = shared_dir()?;
    let Ok(text) = std::fs::read_to_string(dir.join(rel)) else {
        shared_absent(rel);
        return None;
    };
    match serde_json::from_str(&text) {
        Ok(json) => Some(json),
        Err(e) => panic!("../shared/{rel} is not JSON: {e}"),
    }
}

/// The parser options our Markdown is written for.
pub fn parser_options() -> pulldown_cmark::Options {
    html2cmark::Options::default().parser_options()
}

/// Parses Markdown into owned events.
pub fn parse(md: &str) -> Vec<Event<'static>> {
    Parser::new_ext(md, parser_options()).map(Event::into_static).collect()
}

/// Normalises an event stream for comparison: adjacent text (and adjacent HTML) merged, link types and
/// reference ids ignored, adjacent code spans merged, indented code treated as fenced code without info string, and the inline HTML
/// fallbacks the writer uses (`<em>`, `<strong>`, `<del>`) read as the tags they stand for.
pub fn normalize(events: &[Event<'_>]) -> Vec<Event<'static>> {
    let mut out: Vec<Event<'static>> = Vec::with_capacity(events.len());
    for e in events {
        let e = match e.clone().into_static() {
            Event::Start(Tag::Link { dest_url, title, .. }) => Event::Start(Tag::Link {
                link_type: LinkType::Inline,
                dest_url,
                title,
                id: CowStr::Borrowed(""),
            }),
            Event::Start(Tag::Image { dest_url, title, .. }) => Event::Start(Tag::Image {
                link_type: LinkType::Inline,
                dest_url,
                title,
                id: CowStr::Borrowed(""),
            }),
            Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) => {
                Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(CowStr::Borrowed(""))))
            }
            Event::InlineHtml(h) => match &*h {
                "<em>" => Event::Start(Tag::Emphasis),
                "</em>" => Event::End(TagEnd::Emphasis),
                "<strong>" => Event::Start(Tag::Strong),
                "</strong>" => Event::End(TagEnd::Strong),
                "<del>" => Event::Start(Tag::Strikethrough),
                "</del>" => Event::End(TagEnd::Strikethrough),
                _ => Event::InlineHtml(h),
            },
            other => other,
        };
        match (out.last_mut(), e) {
            (_, Event::Text(t)) if t.is_empty() => {}
            (Some(Event::Text(prev)), Event::Text(t)) => {
                *prev = CowStr::Boxed(format!("{prev}{t}").into_boxed_str());
            }
            // Markdown cannot write two code spans side by side: they are one span.
            (Some(Event::Code(prev)), Event::Code(t)) => {
                *prev = CowStr::Boxed(format!("{prev}{t}").into_boxed_str());
            }
            (Some(Event::Html(prev)), Event::Html(t)) => {
                *prev = CowStr::Boxed(format!("{prev}{t}").into_boxed_str());
            }
            (_, e) => out.push(e),
        }
    }
    out
}

/// Writes `events` with html2cmark's writer and parses the result: `Ok` if the events come back.
pub fn writer_round_trip(events: &[Event<'static>]) -> Result<String, (String, Vec<Event<'static>>)> {
    writer_round_trip_with(events, &html2cmark::Options::default())
}

/// [`normalize`] for wrapped Markdown (`Style::wrap`): wrapping turns spaces into line breaks, so every soft
/// break is read as the space it stands for, on both sides, before adjacent text is merged. That is the only
/// difference allowed: a `Text(" ")` against a `SoftBreak`.
pub fn normalize_wrapped(events: &[Event<'_>]) -> Vec<Event<'static>> {
    let spaced: Vec<Event<'static>> = events
        .iter()
        .map(|e| match e {
            Event::SoftBreak => Event::Text(CowStr::Borrowed(" ")),
            other => other.clone().into_static(),
        })
        .collect();
    normalize(&spaced)
}

/// [`writer_round_trip`] with the given options (for the style choices). With `style.wrap` set, events are
/// compared with [`normalize_wrapped`].
pub fn writer_round_trip_with(
    events: &[Event<'static>],
    options: &html2cmark::Options,
) -> Result<String, (String, Vec<Event<'static>>)> {
    let mut md = String::new();
    html2cmark::push_markdown_with(&mut md, events.iter().cloned(), options);
    let norm = if options.style.wrap.is_some() {
        normalize_wrapped
    } else {
        normalize
    };
    let back = norm(&parse(&md));
    if back == norm(events) { Ok(md) } else { Err((md, back)) }
}

/// Elements whose content a browser does not show (or that the converter replaces by a link or drops by design).
pub const HIDDEN: &[&str] = &[
    "head", "script", "style", "template", "noscript", "noframes", "noembed", "title", "select", "textarea", "option",
    "optgroup", "datalist", "svg", "iframe", "video", "audio", "object", "embed", "canvas",
];

/// The text a browser shows for `html` (plus image alt text), computed from html5ever's tree independently of
/// the converter.
pub fn visible_text(html: &str) -> String {
    use html5ever::tendril::TendrilSink;
    use markup5ever_rcdom::{Handle, NodeData, RcDom};
    let dom = html5ever::parse_document(RcDom::default(), Default::default()).one(html);
    let mut out = String::new();
    let mut stack: Vec<Handle> = vec![std::rc::Rc::clone(&dom.document)];
    while let Some(node) = stack.pop() {
        match &node.data {
            NodeData::Text { contents } => out.push_str(&contents.borrow()),
            NodeData::Element { name, attrs, .. } => {
                if HIDDEN.contains(&&*name.local) {
                    continue;
                }
                if &*name.local == "img" {
                    if let Some(alt) = attrs.borrow().iter().find(|a| &*a.name.local == "alt") {
                        out.push_str(&alt.value);
                    }
                }
                stack.extend(node.children.borrow().iter().rev().cloned());
            }
            NodeData::Document => stack.extend(node.children.borrow().iter().rev().cloned()),
            _ => {}
        }
    }
    out
}

/// The fraction of the non-white-space characters of `expected` found in `got` in order (a character that is
/// not found is counted as lost and skipped), and the first lost one with some context.
pub fn recall(expected: &str, got: &str) -> (f64, Option<String>) {
    let expected: Vec<char> = expected.chars().filter(|c| !c.is_whitespace()).map(unscript).collect();
    let got: Vec<char> = got.chars().filter(|c| !c.is_whitespace()).map(unscript).collect();
    let (mut at, mut found, mut first_loss) = (0, 0usize, None);
    for (i, c) in expected.iter().enumerate() {
        match got[at..].iter().position(|g| g == c) {
            Some(p) => {
                at += p + 1;
                found += 1;
            }
            None => {
                if first_loss.is_none() {
                    let context: String = expected[i.saturating_sub(20)..(i + 20).min(expected.len())]
                        .iter()
                        .collect();
                    first_loss = Some(format!("lost {c:?} at char {i}, around {context:?}"));
                }
            }
        }
    }
    let ratio = if expected.is_empty() {
        1.0
    } else {
        found as f64 / expected.len() as f64
    };
    (ratio, first_loss)
}

/// The character a Unicode superscript or subscript form stands for (its compatibility decomposition), so that
/// `<sup>2</sup>` written as `²` counts as the `2` it shows (applied to both sides, with `-` as `−`); other
/// characters are themselves.
fn unscript(c: char) -> char {
    const SUPER: [(char, char); 17] = [
        ('⁰', '0'),
        ('¹', '1'),
        ('²', '2'),
        ('³', '3'),
        ('⁴', '4'),
        ('⁵', '5'),
        ('⁶', '6'),
        ('⁷', '7'),
        ('⁸', '8'),
        ('⁹', '9'),
        ('⁺', '+'),
        ('⁻', '\u{2212}'),
        ('⁼', '='),
        ('⁽', '('),
        ('⁾', ')'),
        ('ⁱ', 'i'),
        ('ⁿ', 'n'),
    ];
    // U+208F is unassigned.
    const SUB: &str = "0123456789+\u{2212}=()\u{208F}aeox\u{259}hklmnpst";
    match c {
        // Both minus signs have the same superscript and subscript form.
        '-' => '\u{2212}',
        '\u{2080}'..='\u{209C}' => SUB.chars().nth(c as usize - 0x2080).unwrap_or(c),
        _ => SUPER.iter().find(|(s, _)| *s == c).map_or(c, |(_, b)| *b),
    }
}

/// Parses Markdown into owned events with the given parser options.
pub fn parse_with(md: &str, options: pulldown_cmark::Options) -> Vec<Event<'static>> {
    Parser::new_ext(md, options).map(Event::into_static).collect()
}
