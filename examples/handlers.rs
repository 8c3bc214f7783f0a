//! Custom handlers: `<div class="note">` becomes a block quote that starts with a bold "Note", and
//! `<span class="math">` becomes inline code.
//!
//! ```sh
//! cargo run --example handlers                 # converts the built-in sample below
//! cargo run --example handlers -- page.html    # or a file
//! ```
//!
//! A handler is registered per tag name and answers with an [`Action`]: convert as usual (`Descend`), drop
//! (`Skip`), write events instead (`Replace`), or write events and convert the content inside what they leave
//! open (`Wrap`). The converter replays the events through its own walker, so they are placed in context and
//! the Markdown stays well formed whatever the handler returns.

use html2cmark::pulldown_cmark::{Event, Tag, TagEnd};
use html2cmark::{Action, Element, Handler, Options};

const SAMPLE: &str = r#"<h1>Pythagoras</h1>
<p>For a right triangle, <span class="math">a^2 + b^2 = c^2</span>.</p>
<div class="note"><p>The converse holds too.</p><ul><li>3, 4, 5</li><li>5, 12, 13</li></ul></div>
<div class="warning">Angles in degrees.</div>
<div>A plain div stays plain.</div>"#;

/// `<div class="note">` and `<div class="warning">` become block quotes headed by the kind in bold.
struct Callout;

impl Handler for Callout {
    fn enter(&self, el: &Element<'_>) -> Action {
        let label = if el.has_class("note") {
            "Note"
        } else if el.has_class("warning") {
            "Warning"
        } else {
            return Action::Descend;
        };
        // The block quote is left open: the div's content is converted inside it, and it closes when the div
        // ends.
        Action::Wrap(vec![
            Event::Start(Tag::BlockQuote(None)),
            Event::Start(Tag::Paragraph),
            Event::Start(Tag::Strong),
            Event::Text(label.into()),
            Event::End(TagEnd::Strong),
            Event::End(TagEnd::Paragraph),
        ])
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let html = match std::env::args().nth(1) {
        Some(path) => std::fs::read_to_string(path)?,
        None => SAMPLE.to_string(),
    };
    let mut options = Options::default();
    options.handlers.insert("div", Callout);
    options.on("span", |el| {
        if el.has_class("math") {
            Action::Replace(vec![Event::Code(el.text().into())])
        } else {
            Action::Descend
        }
    });
    print!("{}", html2cmark::convert_with(&html, &options));
    Ok(())
}
