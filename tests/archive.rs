//! News archives (`convert_markdown`): the seed article, and every shared archive file when `../shared` is present.

mod common;

use std::path::Path;

use html2cmark::Options;
use html2cmark::pulldown_cmark::{Event, LinkType, Parser, Tag, TagEnd};

fn read_shared(rel: &str) -> Option<String> {
    let dir = common::shared_dir()?;
    match std::fs::read_to_string(dir.join(rel)) {
        Ok(text) => Some(text),
        Err(_) => {
            common::shared_absent(rel);
            None
        }
    }
}

/// The header of an archive file: everything up to and including the blank line after the `------` underline
/// (Jekyll front matter included).
fn header_len(md: &str) -> Option<usize> {
    let underline = md.find("\n------\n")?;
    let after = underline + "\n------\n".len();
    md[after..].starts_with('\n').then_some(after + 1)
}

/// Platforms of share intents, recognised by URL patterns written here independently of the crate.
fn share_platform(href: &str) -> Option<&'static str> {
    let h = href.to_ascii_lowercase();
    let table: &[(&str, &[&str])] = &[
        (
            "Facebook",
            &[
                "facebook.com/sharer",
                "facebook.com/dialog/share",
                "facebook.com/share.php",
            ],
        ),
        ("X", &["twitter.com/intent/", "x.com/intent/", "twitter.com/share"]),
        ("WhatsApp", &["whatsapp://", "whatsapp.com/send", "wa.me/"]),
        ("Telegram", &["t.me/share", "telegram.me/share"]),
        (
            "LinkedIn",
            &["linkedin.com/sharearticle", "linkedin.com/sharing/share-offsite"],
        ),
        ("Weibo", &["service.weibo.com/share"]),
        ("LINE", &["line.me/r/msg", "social-plugins.line.me/lineit/share"]),
        ("Reddit", &["reddit.com/submit"]),
        ("Pinterest", &["pinterest.com/pin/create"]),
        ("Email", &["mailto:?"]),
    ];
    table
        .iter()
        .find(|(_, patterns)| patterns.iter().any(|p| h.contains(p)))
        .map(|(name, _)| *name)
}

/// Every `href` of an `a` element in `html`.
fn hrefs(html: &str) -> Vec<String> {
    use html5ever::tendril::TendrilSink;
    use markup5ever_rcdom::{NodeData, RcDom};
    let dom = html5ever::parse_document(RcDom::default(), Default::default()).one(html);
    let mut out = Vec::new();
    let mut stack = vec![dom.document.clone()];
    while let Some(node) = stack.pop() {
        if let NodeData::Element { name, attrs, .. } = &node.data {
            if &*name.local == "a" {
                if let Some(a) = attrs.borrow().iter().find(|a| &*a.name.local == "href") {
                    out.push(a.value.to_string());
                }
            }
        }
        stack.extend(node.children.borrow().iter().cloned());
    }
    out
}

/// What a reader of the converted Markdown would check.
#[derive(Default, Debug)]
struct Findings {
    /// Raw HTML tags in the output other than comments, the writer's `<strong>`/`<em>`/`<del>`/`<br>` fallbacks
    /// and `<sup>`/`<sub>` kept for their meaning.
    tags: Vec<String>,
    /// The writer's inline HTML fallbacks for emphasis that delimiters cannot express.
    fallbacks: usize,
    /// Text that looks like a tag (`<div…`): markup leaked as literal text.
    literal_markup: Vec<String>,
    empty_links: usize,
    share_urls_left: Vec<String>,
    link_dests: Vec<String>,
    text: String,
}

fn inspect(md: &str) -> Findings {
    let mut f = Findings::default();
    let events: Vec<Event<'_>> = Parser::new_ext(md, Options::default().parser_options()).collect();
    for (i, e) in events.iter().enumerate() {
        match e {
            Event::Html(h) | Event::InlineHtml(h) => {
                let t = h.trim();
                if t.starts_with("<!--") || t.is_empty() {
                    continue;
                }
                // The writer's fallbacks: emphasis that delimiters cannot express, line breaks in table cells;
                // and superscripts/subscripts with no Unicode form, kept for their meaning.
                if matches!(
                    t,
                    "<strong>"
                        | "</strong>"
                        | "<em>"
                        | "</em>"
                        | "<del>"
                        | "</del>"
                        | "<br>"
                        | "<sup>"
                        | "</sup>"
                        | "<sub>"
                        | "</sub>"
                ) {
                    f.fallbacks += 1;
                } else {
                    f.tags.push(t.chars().take(60).collect());
                }
            }
            Event::Text(t) | Event::Code(t) => {
                f.text.push_str(t);
                if let Event::Text(t) = e {
                    let b = t.as_bytes();
                    for k in 0..b.len() {
                        if b[k] == b'<' && b.get(k + 1).is_some_and(|c| c.is_ascii_alphabetic() || *c == b'/') {
                            f.literal_markup.push(t[k..].chars().take(40).collect());
                        }
                    }
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                if matches!(events.get(i + 1), Some(Event::End(TagEnd::Link))) {
                    f.empty_links += 1;
                }
                if share_platform(dest_url).is_some() {
                    f.share_urls_left.push(dest_url.to_string());
                }
                f.link_dests.push(dest_url.to_string());
            }
            _ => {}
        }
    }
    f
}

#[test]
fn seed_article() {
    let Some(input) = read_shared("corpus/articles-recent/rfi-seed.md") else {
        return;
    };
    let out = html2cmark::convert_markdown(&input, &Options::default());
    // The first three lines and the blank line stay byte-identical.
    let header: Vec<&str> = input.split_inclusive('\n').take(4).collect();
    assert_eq!(header[3], "\n");
    assert!(out.starts_with(&header.concat()), "header changed:\n{out}");
    let body = &out[header.concat().len()..];
    let blocks: Vec<&str> = body.split("\n\n").collect();
    assert_eq!(blocks[0], "14/10/2023 - 10:25");
    assert!(
        blocks[1].starts_with("![](https://s.rfi.fr/media/display/") && blocks[1].ends_with("/AP23051245574942-2.jpg)"),
        "{}",
        blocks[1]
    );
    assert!(
        blocks[2].starts_with("**俄罗斯总统普京预计下周") && blocks[2].ends_with("新迹象。**"),
        "the lead is a strong paragraph without trailing spaces: {:?}",
        blocks[2]
    );
    assert!(body.contains("\n\n据中国海关统计，2022 年两国之间的贸易额达到创纪录水平。"));
    let share = body.find("\n\n分享 :\n\n").expect("the share label is a paragraph");
    assert_eq!(
        &body[share + "\n\n分享 :\n\n".len()..],
        "[Facebook](https://rfi.my/A1Bt.F) [WhatsApp](https://rfi.my/A1Bt.W) [X](https://rfi.my/A1Bt.X)\n"
    );
    assert_eq!(body.matches("rfi.my/A1Bt.W").count(), 1, "WhatsApp once");
    for bad in ["share-button", "share-modal", "%3A%2F%2F", "<span", "<div"] {
        assert!(!body.contains(bad), "{bad:?} left in:\n{body}");
    }
    let empty_links = body
        .match_indices("[](")
        .filter(|(i, _)| !body[..*i].ends_with('!'))
        .count();
    assert_eq!(empty_links, 0, "no empty link");
    let f = inspect(&out);
    assert_eq!(
        (f.tags.len(), f.empty_links, f.share_urls_left.len()),
        (0, 0, 0),
        "{f:?}"
    );

    // With front matter: the date follows from the comment (1697273101000 ms after the epoch).
    let mut options = Options::default();
    options.front_matter = true;
    let with = html2cmark::convert_markdown(&input, &options);
    let (front, rest) = with
        .strip_prefix("---\n")
        .and_then(|s| s.split_once("---\n"))
        .expect("front matter first");
    assert_eq!(rest, out, "front matter is only added");
    assert!(front.lines().any(|l| l == "date: 2023-10-14T08:45:01Z"), "{front}");
    assert!(
        front
            .lines()
            .any(|l| l == "title: \"普京将访华 法新社称遭孤立愈加依赖中国\""),
        "{front}"
    );
    assert!(
        front
            .lines()
            .any(|l| l.starts_with("source: \"https://www.rfi.fr/cn/%E4%B8%AD%E5%9B%BD/20231014-"))
    );
}

#[test]
fn shared_archives() {
    let Some(dir) = common::shared_dir() else {
        eprintln!("note: ../shared is absent; skipping the archive sweep");
        return;
    };
    let mut files = 0;
    let mut problems = Vec::new();
    let mut per_platform: std::collections::BTreeMap<&str, usize> = Default::default();
    let (mut tags, mut fallbacks, mut literal, mut empty, mut share_left) = (0, 0, 0, 0, 0);
    let (mut min_recall, mut sum_recall, mut worst) = (1.0f64, 0.0f64, String::new());
    for sub in ["articles", "articles-jekyll", "articles-recent"] {
        let Ok(entries) = std::fs::read_dir(dir.join("corpus").join(sub)) else {
            continue;
        };
        let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let Ok(input) = std::fs::read_to_string(&path) else {
                continue;
            };
            files += 1;
            let out = html2cmark::convert_markdown(&input, &Options::default());
            let Some(head) = header_len(&input) else {
                problems.push(format!("{name}: no archive header"));
                continue;
            };
            if !out.starts_with(&input[..head]) {
                problems.push(format!("{name}: header changed"));
                continue;
            }
            // Invariant 1 for the converted part: the Markdown after the header parses to the events the
            // converter produced for the body.
            let body_html = &input[head..];
            let want = common::normalize(&html2cmark::events(body_html, &Options::default()).collect::<Vec<_>>());
            // An e-mail autolink (`<a@b.c>`) parses to a destination without `mailto:`; the HTML had it.
            let parsed: Vec<Event<'static>> = common::parse(&out[head..])
                .into_iter()
                .map(|e| match e {
                    Event::Start(Tag::Link {
                        link_type: LinkType::Email,
                        dest_url,
                        title,
                        id,
                    }) => Event::Start(Tag::Link {
                        link_type: LinkType::Inline,
                        dest_url: format!("mailto:{dest_url}").into(),
                        title,
                        id,
                    }),
                    e => e,
                })
                .collect();
            let got = common::normalize(&parsed);
            if want != got {
                let at = want
                    .iter()
                    .zip(&got)
                    .position(|(a, b)| a != b)
                    .unwrap_or(want.len().min(got.len()));
                problems.push(format!(
                    "{name}: events differ at {at}: want {:?} got {:?}",
                    want.get(at),
                    got.get(at)
                ));
            }
            for href in hrefs(body_html) {
                if let Some(p) = share_platform(&href) {
                    *per_platform.entry(p).or_default() += 1;
                }
            }
            let f = inspect(&out[head..]);
            tags += f.tags.len();
            fallbacks += f.fallbacks;
            literal += f.literal_markup.len();
            empty += f.empty_links;
            share_left += f.share_urls_left.len();
            for t in f.tags.iter().take(3) {
                eprintln!("  tag left in {name}: {t}");
            }
            for t in f.literal_markup.iter().take(3) {
                eprintln!("  literal markup in {name}: {t}");
            }
            let (r, loss) = common::recall(&common::visible_text(body_html), &f.text);
            sum_recall += r;
            if r < min_recall {
                min_recall = r;
                worst = format!("{name}: {}", loss.unwrap_or_default());
            }
        }
    }
    println!("archive files converted: {files}");
    println!("share links in the input, per platform (all unwrapped): {per_platform:?}");
    println!(
        "raw HTML tags left: {tags} (fallbacks <strong>/<em>/<del>/<br>/<sup>/<sub>: {fallbacks}); literal markup in text: {literal}"
    );
    println!("empty links left: {empty}; share-intent URLs left: {share_left}");
    println!(
        "visible-text recall: mean {:.6}, min {min_recall:.6} ({worst})",
        sum_recall / files.max(1) as f64
    );
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert_eq!((tags, empty, share_left), (0, 0, 0));
    assert_eq!(literal, 0, "markup leaked as text");
    assert!(min_recall >= 1.0, "text lost: {worst}");
    assert!(Path::new(&dir).is_dir());
}
