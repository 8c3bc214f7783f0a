//! Helpers shared by the integration tests: reading `../shared` and comparing event streams.
#![allow(dead_code)]

use std::path::PathBuf;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, LinkType, Parser, Tag, TagEnd};

/// `../shared` next to the crate, if it is there.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    dir.is_dir().then_some(dir)
}

/// Reads a JSON file under `../shared`, or prints a skip note and returns `None` when it is absent.
pub fn shared_json(rel: &str) -> Option<serde_json::Value> {
    let Some(dir) = shared_dir() else {
        eprintln!("note: ../shared is absent; skipping the tests that read {rel}");
        return None;
    };
    let text = std::fs::read_to_string(dir.join(rel)).ok()?;
    serde_json::from_str(&text).ok()
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
    let mut md = String::new();
    html2cmark::push_markdown(&mut md, events.iter().cloned());
    let back = normalize(&parse(&md));
    if back == normalize(events) {
        Ok(md)
    } else {
        Err((md, back))
    }
}
