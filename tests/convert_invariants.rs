//! DESIGN.md invariants 1 (faithful writer) and 4 (fixpoint) on the converter's own output, over hand-written
//! documents and, when `../shared` is present, every corpus file and html5lib tree-construction input.

mod common;

use common::{normalize, parse, shared_dir, shared_json};
use html2cmark::Options;
use pulldown_cmark::Event;

/// Invariant 1: our Markdown parses back to the events the walker emitted. `Err` describes the first mismatch.
fn faithful(html: &str) -> Result<String, String> {
    faithful_with(html, &Options::default())
}

/// [`faithful`] with the given options; with `style.wrap`, soft breaks are compared as spaces.
fn faithful_with(html: &str, options: &Options) -> Result<String, String> {
    let events: Vec<Event<'static>> = html2cmark::events(html, options).collect();
    let md = html2cmark::convert_with(html, options);
    let norm = if options.style.wrap.is_some() {
        common::normalize_wrapped
    } else {
        normalize
    };
    let ours = norm(&events);
    let back = norm(&parse(&md));
    if ours == back {
        return Ok(md);
    }
    let k = ours.iter().zip(&back).take_while(|(a, b)| a == b).count();
    let lo = k.saturating_sub(3);
    Err(format!(
        "first difference at event {k}\n  ours: {:?}\n  back: {:?}\n--- markdown\n{}",
        &ours[lo..(k + 3).min(ours.len())],
        &back[lo..(k + 3).min(back.len())],
        md.chars().take(3000).collect::<String>()
    ))
}

/// Invariant 4: converting the HTML rendering of our Markdown gives the same Markdown.
fn fixpoint(md: &str) -> Result<(), String> {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new_ext(md, common::parser_options()));
    let again = html2cmark::convert(&html);
    // pulldown-cmark's HTML renderer percent-encodes spaces and non-ASCII characters in URLs; a browser
    // resolves both spellings to the same resource, so destinations are compared decoded.
    if again == md || url_decoded_events(&again) == url_decoded_events(md) {
        return Ok(());
    }
    let k = md.lines().zip(again.lines()).take_while(|(a, b)| a == b).count();
    let first: Vec<&str> = md.lines().skip(k).take(3).collect();
    let second: Vec<&str> = again.lines().skip(k).take(3).collect();
    Err(format!(
        "line {k}:\n--- first\n{}\n--- second\n{}",
        first.join("\n"),
        second.join("\n")
    ))
}

fn url_decoded_events(md: &str) -> Vec<Event<'static>> {
    let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned();
    normalize(&parse(md))
        .into_iter()
        .map(|e| match e {
            Event::Start(pulldown_cmark::Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(pulldown_cmark::Tag::Link {
                link_type,
                dest_url: decode(&dest_url).into(),
                title,
                id,
            }),
            Event::Start(pulldown_cmark::Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(pulldown_cmark::Tag::Image {
                link_type,
                dest_url: decode(&dest_url).into(),
                title,
                id,
            }),
            other => other,
        })
        .collect()
}

const FIXTURES: &[&str] = &[
    "<p>Hello <b>world</b>!</p>",
    "<h2>标题：</h2><p><strong>标题：</strong>正文，<em>强调。</em>后文</p>",
    "<ul><li>a<ul><li>b</li></ul></li><li><p>c</p><p>d</p></li></ul>",
    "<ol start=3><li>x</li><li>y</li></ol><ol><li>z</li></ol>",
    "<blockquote><p>q *not em* [x](y) 1. no</p><pre><code class='language-rust'>fn main() {}\n```\n</code></pre></blockquote>",
    "<p>a<br>b<br><br>c</p><hr><p>* star _under_ `tick` &lt;tag&gt; &amp;amp; \\ back</p>",
    "<table><tr><th align=right>h|1</th><th>h2</th></tr><tr><td>a<br>b</td><td><code>x|y</code></td></tr></table>",
    "<p><a href='/a b'>sp</a> <a href='/p(1'>paren</a> <img src='i.png' alt='alt [x]' title='t \"q\"'></p>",
    "<p><b>bold.</b>after <i>it</i>alic <del>gone</del>~tilde~</p>",
    "<div><span>inline</span><div>block</div>tail</div>",
    "<p>--- </p><p>===</p><p># not heading</p><p>+ not list</p><p>10) not list</p>",
];

#[test]
fn fixtures_are_faithful_and_fixpoints() {
    let mut failures = Vec::new();
    for html in FIXTURES {
        match faithful(html) {
            Ok(md) => {
                if let Err(e) = fixpoint(&md) {
                    failures.push(format!("fixpoint {html:?}\n{e}"));
                }
            }
            Err(e) => failures.push(format!("faithful {html:?}\n{e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn corpus_files() -> Vec<std::path::PathBuf> {
    let Some(dir) = shared_dir() else {
        eprintln!("note: ../shared is absent; skipping the corpus invariants");
        return Vec::new();
    };
    let mut files = Vec::new();
    for sub in ["articles", "articles-jekyll", "articles-recent", "pages"] {
        if let Ok(entries) = std::fs::read_dir(dir.join("corpus").join(sub)) {
            files.extend(entries.flatten().map(|e| e.path()));
        }
    }
    files.sort();
    files
}

#[test]
fn corpus_is_faithful() {
    let files = corpus_files();
    let mut failures = Vec::new();
    for path in &files {
        let Ok(bytes) = std::fs::read(path) else { continue };
        let html = String::from_utf8_lossy(&bytes);
        if let Err(e) = faithful(&html) {
            failures.push(format!("{}: {e}", path.display()));
        }
    }
    println!(
        "corpus: {} of {} files faithful",
        files.len() - failures.len(),
        files.len()
    );
    assert!(
        failures.is_empty(),
        "{} files not faithful:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// Invariant 1 in the reference link styles and with wrapping (issue 8): the same events, whatever the Markdown
/// looks like.
#[test]
fn corpus_is_faithful_with_reference_links_and_wrapping() {
    let files = corpus_files();
    let mut styles = Vec::new();
    for (link, wrap) in [
        (html2cmark::LinkStyle::ReferenceNumbered, Some(80)),
        (html2cmark::LinkStyle::ReferenceText, Some(40)),
    ] {
        let mut o = Options::default();
        o.style.link = link;
        o.style.wrap = wrap;
        styles.push(o);
    }
    let mut failures = Vec::new();
    for path in &files {
        let Ok(bytes) = std::fs::read(path) else { continue };
        let html = String::from_utf8_lossy(&bytes);
        for o in &styles {
            if let Err(e) = faithful_with(&html, o) {
                failures.push(format!(
                    "{} ({:?}, {:?}): {e}",
                    path.display(),
                    o.style.link,
                    o.style.wrap
                ));
            }
        }
    }
    println!(
        "corpus: {} of {} conversions faithful in the reference styles, wrapped",
        files.len() * styles.len() - failures.len(),
        files.len() * styles.len()
    );
    assert!(
        failures.is_empty(),
        "{} conversions not faithful:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn corpus_is_a_fixpoint() {
    let files = corpus_files();
    let mut failures = Vec::new();
    for path in &files {
        let Ok(bytes) = std::fs::read(path) else { continue };
        if let Ok(md) = faithful(&String::from_utf8_lossy(&bytes))
            && let Err(e) = fixpoint(&md)
        {
            failures.push(format!(
                "{}: {}",
                path.display(),
                e.chars().take(2000).collect::<String>()
            ));
        }
    }
    println!(
        "corpus: {} of {} files are fixpoints",
        files.len() - failures.len(),
        files.len()
    );
    assert!(
        failures.is_empty(),
        "{} files are not fixpoints:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn html5lib_inputs_are_faithful() {
    let Some(inputs) = shared_json("conformance/html5lib-inputs.json") else {
        return;
    };
    let inputs = inputs.as_array().cloned().unwrap_or_default();
    let mut failures = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let html = input.as_str().unwrap_or_default();
        if let Err(e) = faithful(html) {
            failures.push(format!("#{i} {html:?}: {e}"));
        }
    }
    println!(
        "html5lib: {} of {} inputs faithful",
        inputs.len() - failures.len(),
        inputs.len()
    );
    assert!(
        failures.is_empty(),
        "{} inputs not faithful:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn text_after_formatting_closed_inside_a_link_stays_in_the_link() {
    let md = html2cmark::convert("<h4><a href='u'>Some <em>Star Wars</em> script</a></h4>");
    assert_eq!(md, "#### [Some *Star Wars* script](u)\n");
}

#[test]
fn text_after_a_heading_keeps_a_list_tight() {
    let md = html2cmark::convert("<ul><li><a href='u'>a</a><h3>Title</h3>text</li><li>b</li></ul>");
    assert_eq!(md, "- [a](u)\n  ### Title\n  text\n- b\n");
}

#[test]
fn text_after_a_list_in_a_wrapper_makes_the_list_loose() {
    let html = "<ul><li>a<div><ul><li>x</li></ul></div>after</li><li>b</li></ul>";
    let md = faithful(html).unwrap_or_else(|e| panic!("{e}"));
    assert!(md.contains("\n\n"), "expected a loose list:\n{md}");
    assert!(md.contains("after"), "{md}");
}

#[test]
fn a_lone_item_with_one_paragraph_is_tight() {
    assert_eq!(html2cmark::convert("<ol><li><p>only</p></li></ol>"), "1. only\n");
}

#[test]
fn email_links_keep_their_mailto() {
    let md = faithful("<p>Mail <a href='mailto:a@b.org'>a@b.org</a></p>").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(md, "Mail [a@b.org](mailto:a@b.org)\n");
}

/// Invariant 2 on the rendered output (whole pages; the archive files are measured in `tests/archive.rs`): the
/// visible text of every corpus page appears in order in the HTML our
/// Markdown renders to (recall), and what that HTML shows comes from the input (precision; the only additions
/// are labels we write, such as a share link's platform name or a media link's kind).
#[test]
fn corpus_text_recall_and_precision() {
    let files: Vec<_> = corpus_files()
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    let (mut min_recall, mut sum_recall, mut min_precision, mut sum_precision) = (1.0f64, 0.0, 1.0f64, 0.0);
    let mut losses = Vec::new();
    for path in &files {
        let Ok(bytes) = std::fs::read(path) else { continue };
        let html = String::from_utf8_lossy(&bytes);
        let md = html2cmark::convert(&html);
        let mut rendered = String::new();
        pulldown_cmark::html::push_html(
            &mut rendered,
            pulldown_cmark::Parser::new_ext(&md, common::parser_options()),
        );
        let (want, got) = (common::visible_text(&html), common::visible_text(&rendered));
        let (r, loss) = common::recall(&want, &got);
        // Precision: the share of the output's characters that the in-order match above used.
        let count = |s: &str| s.chars().filter(|c| !c.is_whitespace()).count() as f64;
        let p = if count(&got) == 0.0 {
            1.0
        } else {
            (r * count(&want) / count(&got)).min(1.0)
        };
        min_recall = min_recall.min(r);
        min_precision = min_precision.min(p);
        sum_recall += r;
        sum_precision += p;
        if let Some(loss) = loss.filter(|_| r < 1.0) {
            losses.push(format!("{}: recall {r:.6}: {loss}", path.display()));
        }
    }
    let n = files.len().max(1) as f64;
    println!(
        "corpus text: {} files; recall mean {:.6} min {:.6}; precision mean {:.6} min {:.6}",
        files.len(),
        sum_recall / n,
        min_recall,
        sum_precision / n,
        min_precision
    );
    for l in &losses {
        println!("{l}");
    }
    assert!(losses.is_empty(), "{} files lose text", losses.len());
}
