//! Transforming the event stream before writing: image URLs are moved to a CDN, then the events are written
//! as Markdown with `push_markdown_with`.
//!
//! ```sh
//! cargo run --example rewrite_images                 # converts the built-in sample below
//! cargo run --example rewrite_images -- page.html    # or a file
//! ```
//!
//! `html2cmark::events` gives the events the converter would write. Any iterator adapter can change them;
//! the writer takes the result. This is the place for changes that need no HTML: URLs, heading levels, text.
//! Changes that need the HTML element (its class, its attributes) belong in a handler (see
//! `examples/handlers.rs`).

use html2cmark::pulldown_cmark::{Event, Tag};
use html2cmark::{Options, Url};

const SAMPLE: &str = r#"<h1>Trip</h1>
<p>The harbour: <img src="/img/harbour.jpg" alt="Harbour" title="At dawn"></p>
<p>A map: <img src="https://maps.example.org/tile.png" alt="Map"> and <a href="/about">about us</a>.</p>"#;

/// Images served from `https://www.example.com/img/` move to `https://cdn.example.net/`, keeping their path.
fn to_cdn(dest: &str) -> Option<String> {
    let rest = dest.strip_prefix("https://www.example.com/img/")?;
    Some(format!("https://cdn.example.net/{rest}"))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let html = match std::env::args().nth(1) {
        Some(path) => std::fs::read_to_string(path)?,
        None => SAMPLE.to_string(),
    };
    let mut options = Options::default();
    // Relative URLs become absolute first, so the rewrite sees one form.
    options.base_url = Some(Url::parse("https://www.example.com/trips/2024.html")?);

    let events = html2cmark::events(&html, &options).map(|event| match event {
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let dest_url = to_cdn(&dest_url).map_or(dest_url, Into::into);
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            })
        }
        other => other,
    });

    let mut markdown = String::new();
    html2cmark::push_markdown_with(&mut markdown, events, &options);
    print!("{markdown}");
    Ok(())
}
