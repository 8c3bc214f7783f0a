//! What a browser would run from rendered Markdown: the safety oracle of the tests (`tests/hostile.rs`,
//! `tests/embed.rs`) and of the `markdown_safe` fuzz target, which includes this file by path.
#![allow(dead_code)]

use pulldown_cmark::Parser;

/// What a browser would run or load from `md` rendered by pulldown-cmark with `options` (its own HTML
/// renderer, then html5ever, as a browser parses it): elements that run or embed code, event-handler and style
/// attributes, and URL attributes with a script or `data:` scheme (a `data:image/` raster `src` excepted).
/// Empty when the Markdown is safe to render.
pub fn live_markup(md: &str, options: pulldown_cmark::Options) -> Vec<String> {
    use html5ever::tendril::TendrilSink;
    use markup5ever_rcdom::{Handle, NodeData, RcDom};
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, Parser::new_ext(md, options));
    let dom = html5ever::parse_document(RcDom::default(), Default::default()).one(html.as_str());
    let mut found = Vec::new();
    let mut stack: Vec<Handle> = vec![std::rc::Rc::clone(&dom.document)];
    while let Some(node) = stack.pop() {
        if let NodeData::Element {
            name,
            attrs,
            template_contents,
            ..
        } = &node.data
        {
            let tag = &*name.local;
            if [
                "script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "meta", "link", "style",
                "form", "svg", "math", "template", "portal",
            ]
            .contains(&tag)
            {
                found.push(format!("<{tag}>"));
            }
            for a in attrs.borrow().iter() {
                let attr = a.name.local.to_ascii_lowercase().to_string();
                let value: String = a
                    .value
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .collect::<String>()
                    .to_ascii_lowercase();
                let scripted = ["javascript:", "vbscript:", "livescript:"]
                    .iter()
                    .any(|s| value.starts_with(s));
                let data = value.starts_with("data:")
                    && !(attr == "src" && value.starts_with("data:image/") && !value.contains("svg"));
                let url_attr = [
                    "href",
                    "src",
                    "action",
                    "formaction",
                    "srcset",
                    "poster",
                    "background",
                    "xlink:href",
                ]
                .contains(&attr.as_str());
                // pulldown-cmark aligns table cells with a `style` of its own.
                let alignment = matches!(
                    &*a.value,
                    "text-align: left" | "text-align: center" | "text-align: right"
                );
                if attr.starts_with("on") || attr == "style" && !alignment || url_attr && (scripted || data) {
                    found.push(format!("<{tag} {attr}={:?}>", &*a.value));
                }
            }
            if let Some(t) = template_contents.borrow().as_ref() {
                stack.push(t.clone());
            }
        }
        stack.extend(node.children.borrow().iter().cloned());
    }
    found
}

/// Every combination of pulldown-cmark's extensions that matters for safety, one at a time and all together.
pub fn every_parser_option() -> Vec<pulldown_cmark::Options> {
    let mut all: Vec<pulldown_cmark::Options> = pulldown_cmark::Options::all().iter().collect();
    all.push(pulldown_cmark::Options::empty());
    all.push(pulldown_cmark::Options::all());
    all
}
