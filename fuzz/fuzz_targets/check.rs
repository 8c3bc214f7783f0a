//! Shared checks for the fuzz targets: our Markdown parses back to the events we wrote (invariant 1).

use html2cmark::pulldown_cmark::{CodeBlockKind, CowStr, Event, LinkType, Parser, Tag, TagEnd};

/// Normalises events for comparison, as `tests/common/mod.rs` does: adjacent text, code and HTML merged, link
/// types and reference ids ignored, indented code read as fenced, and the writer's inline HTML fallbacks for
/// emphasis, strong and strikethrough read as the tags they stand for.
fn normalize(events: &[Event<'_>]) -> Vec<Event<'static>> {
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
            (Some(Event::Code(prev)), Event::Code(t)) => {
                *prev = CowStr::Boxed(format!("{prev}{t}").into_boxed_str());
            }
            (Some(Event::Html(prev)), Event::Html(t)) => {
                *prev = CowStr::Boxed(format!("{prev}{t}").into_boxed_str());
            }
            // An HTML block at the end of the document has no line end after its last line.
            (Some(Event::Html(prev)), e @ Event::End(TagEnd::HtmlBlock)) => {
                if let Some(h) = prev.strip_suffix('\n') {
                    *prev = CowStr::Boxed(h.into());
                }
                out.push(e);
            }
            (_, e) => out.push(e),
        }
    }
    out
}

/// Converts `html`, writes the events and checks that parsing the Markdown gives them back.
#[allow(dead_code)]
pub fn round_trip(html: &str, options: &html2cmark::Options) {
    let events: Vec<Event<'static>> = html2cmark::events(html, options).collect();
    if let Err(report) = write_and_parse(&events, options) {
        panic!("Markdown does not parse back\nhtml: {html:?}\n{report}");
    }
}

/// Writes `events` and checks that parsing the Markdown gives them back.
#[allow(dead_code)]
pub fn write_and_compare(events: &[Event<'static>], options: &html2cmark::Options) {
    if let Err(report) = write_and_parse(events, options) {
        panic!("Markdown does not parse back\n{report}");
    }
}

fn write_and_parse(events: &[Event<'static>], options: &html2cmark::Options) -> Result<(), String> {
    let mut md = String::new();
    html2cmark::push_markdown_with(&mut md, events.iter().cloned(), options);
    let back: Vec<Event<'static>> =
        Parser::new_ext(&md, options.parser_options()).map(Event::into_static).collect();
    let (want, got) = (normalize(events), normalize(&back));
    if want == got {
        return Ok(());
    }
    Err(format!("style: {:?}\nmd: {md:?}\nwant: {}\ngot:  {}", options.style, show(&want), show(&got)))
}

/// Events in a compact form for reports.
pub fn show(events: &[Event<'_>]) -> String {
    let parts: Vec<String> = events
        .iter()
        .map(|e| match e {
            Event::Text(t) => format!("T{:?}", &**t),
            Event::Code(t) => format!("C{:?}", &**t),
            Event::Html(t) => format!("H{:?}", &**t),
            Event::InlineHtml(t) => format!("IH{:?}", &**t),
            Event::Start(Tag::Link { dest_url, title, .. }) => format!("<Link {:?} {:?}>", &**dest_url, &**title),
            Event::Start(Tag::Image { dest_url, title, .. }) => format!("<Img {:?} {:?}>", &**dest_url, &**title),
            Event::Start(t) => format!("<{t:?}>"),
            Event::End(t) => format!("</{t:?}>"),
            e => format!("{e:?}"),
        })
        .collect();
    parts.join(" ")
}
