//! Invariant 2 (nothing lost), on the walker: every visible character of the input appears, in order, in the
//! text the events carry. Visible text is computed independently of the walker, from html5ever's tree
//! (`common::visible_text`).

mod common;

use common::{recall, visible_text};
use html2cmark::Options;
use html2cmark::pulldown_cmark::Event;

fn event_text(html: &str) -> String {
    let mut out = String::new();
    for e in html2cmark::events(html, &Options::default()) {
        match e {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            _ => {}
        }
    }
    out
}

/// The first visible character missing from the events (whitespace ignored), with some context.
fn first_loss(html: &str) -> Option<String> {
    recall(&visible_text(html), &event_text(html)).1
}

#[test]
fn hand_written_inputs_lose_nothing() {
    for html in [
        "<p>a <b>b</b> <i>c</i></p><ul><li>d<li><p>e</p></ul><table><tr><td>f<td>g</table><pre>h  i</pre>",
        "<h1>j<div>k</div></h1><a href=x>l<div>m</div>n</a><q>o</q><sup>p</sup><img alt=q><img src=r alt=s>",
        "<dl><dt>t<dd>u</dl><details><summary>v</summary>w</details><table><caption>x</caption></table>",
        "<ul>y<span>z</span><li>1</li></ul><blockquote>2<br><br>3</blockquote><code> 4 </code>",
    ] {
        assert_eq!(first_loss(html), None, "{html:?}");
    }
}

#[test]
fn html5lib_inputs_lose_nothing() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/html5lib-inputs.json");
    let Ok(json) = std::fs::read_to_string(&path) else {
        println!("note: {} not found, skipping", path.display());
        return;
    };
    let inputs: Vec<String> = serde_json::from_str(&json).unwrap();
    let failures: Vec<String> = inputs
        .iter()
        .enumerate()
        .filter_map(|(i, html)| first_loss(html).map(|l| format!("#{i} {html:?}: {l}")))
        .collect();
    assert!(
        failures.is_empty(),
        "{} inputs lose text:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn corpus_documents_lose_nothing() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let mut failures = Vec::new();
    for dir in ["articles", "articles-jekyll", "pages"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for entry in entries.flatten() {
            let html = String::from_utf8_lossy(&std::fs::read(entry.path()).unwrap()).into_owned();
            if let Some(loss) = first_loss(&html) {
                failures.push(format!("{}: {loss}", entry.path().display()));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} documents lose text:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
