//! Link policy through the walker: share intents, redirectors, unsafe URLs, readable URLs, noise; and front matter.

mod common;

use html2cmark::{Options, ShareLinks, Unsupported, convert, convert_with};

const SHARED: &str = "https://example.com/news/2024/a-b?id=7";
const SHARED_ENC: &str = "https%3A%2F%2Fexample.com%2Fnews%2F2024%2Fa-b%3Fid%3D7";

/// One share intent per platform, written the way share widgets write them.
fn intents() -> Vec<(&'static str, String)> {
    let title = "Some%20title%20%E4%B8%AD%E5%9B%BD";
    vec![
        (
            "Facebook",
            format!("https://www.facebook.com/sharer/sharer.php?u={SHARED_ENC}"),
        ),
        (
            "Facebook",
            format!("https://www.facebook.com/dialog/share?app_id=1&amp;href={SHARED_ENC}&amp;locale=fr_FR"),
        ),
        (
            "X",
            format!("https://twitter.com/intent/tweet?url={SHARED_ENC}&amp;text={title}"),
        ),
        ("X", format!("https://x.com/intent/tweet?text={title}%20{SHARED_ENC}")),
        ("WhatsApp", format!("whatsapp://send?text={title}%20-%20{SHARED_ENC}")),
        (
            "WhatsApp",
            format!("https://web.whatsapp.com/send?text={title}%20-%20{SHARED_ENC}"),
        ),
        ("WhatsApp", format!("https://wa.me/?text={title}%20{SHARED_ENC}")),
        (
            "Telegram",
            format!("https://t.me/share/url?url={SHARED_ENC}&amp;text={title}"),
        ),
        (
            "LinkedIn",
            format!("https://www.linkedin.com/shareArticle?mini=true&amp;url={SHARED_ENC}"),
        ),
        (
            "Weibo",
            format!("http://service.weibo.com/share/share.php?url={SHARED_ENC}&amp;title={title}"),
        ),
        (
            "LINE",
            format!("https://social-plugins.line.me/lineit/share?url={SHARED_ENC}"),
        ),
        (
            "Reddit",
            format!("https://www.reddit.com/submit?url={SHARED_ENC}&amp;title={title}"),
        ),
        (
            "Pinterest",
            format!("https://www.pinterest.com/pin/create/button/?url={SHARED_ENC}"),
        ),
        (
            "Email",
            format!("mailto:?subject={title}&amp;body={title}%0A{SHARED_ENC}"),
        ),
    ]
}

#[test]
fn icon_only_share_links_become_named_links_to_the_shared_url() {
    for (platform, href) in intents() {
        let html = format!(r#"<p>Share: <a href="{href}"><span class="icon"></span></a></p>"#);
        assert_eq!(convert(&html), format!("Share: [{platform}]({SHARED})\n"), "{href}");
    }
}

#[test]
fn share_links_with_text_keep_their_text() {
    let (_, href) = &intents()[9];
    let html = format!(r#"<p><a href="{href}">分享到微博</a></p>"#);
    assert_eq!(convert(&html), format!("[分享到微博]({SHARED})\n"));
}

#[test]
fn share_icons_with_alt_text_label_the_link() {
    let (_, href) = &intents()[2];
    let html = format!(
        r#"<p><a href="{href}"><img src="/x.svg" alt="Share on X"></a><a href="{href}"><img src="/x.svg" alt="Tweet"></a></p>"#
    );
    // Alt text is visible text: it is kept (and not merged away).
    assert_eq!(convert(&html), format!("[Share on X]({SHARED}) [Tweet]({SHARED})\n"));
}

#[test]
fn consecutive_share_links_to_the_same_target_merge() {
    let all = intents();
    let [wa1, wa2] = [&all[4].1, &all[5].1];
    let fb = "https://www.facebook.com/sharer.php?u=https%3A%2F%2Fex.am%2Ff";
    let html =
        format!(r#"<div><a href="{wa1}"><i></i></a> <a href="{wa2}"><i></i></a><a href="{fb}"><i></i></a></div>"#);
    assert_eq!(
        convert(&html),
        format!("[WhatsApp]({SHARED}) [Facebook](https://ex.am/f)\n")
    );
    // The same target shared to another platform is the same link: it shows once too.
    let x = &all[2].1;
    let html = format!(r#"<div><a href="{wa1}"><i></i></a><a href="{x}"><i></i></a></div>"#);
    assert_eq!(convert(&html), format!("[WhatsApp]({SHARED})\n"));
    // Not adjacent (text between): both stay.
    let html = format!(r#"<p><a href="{wa1}"><i></i></a> or <a href="{wa2}"><i></i></a></p>"#);
    assert_eq!(
        convert(&html),
        format!("[WhatsApp]({SHARED}) or [WhatsApp]({SHARED})\n")
    );
}

#[test]
fn share_links_option_keep_and_drop() {
    let (_, href) = &intents()[0];
    let html = format!(r#"<p>Share <a href="{href}">on Facebook</a> <a href="{href}"><svg></svg></a> now</p>"#);
    let mut options = Options::default();
    options.share_links = ShareLinks::Keep;
    let raw = href.replace("&amp;", "&");
    assert_eq!(
        convert_with(&html, &options),
        format!("Share [on Facebook]({raw}) now\n")
    );
    options.share_links = ShareLinks::Drop;
    assert_eq!(convert_with(&html, &options), "Share now\n");
    assert_eq!(Options::default().share_links, ShareLinks::Unwrap);
}

#[test]
fn redirect_links_are_unwrapped_and_shorteners_left_alone() {
    let cases = [
        (
            format!("https://www.google.com/url?q={SHARED_ENC}&amp;sa=D"),
            SHARED.to_string(),
        ),
        (
            format!("https://l.facebook.com/l.php?u={SHARED_ENC}&amp;h=AT0"),
            SHARED.to_string(),
        ),
        (
            "https://t.co/AbCdEf123".to_string(),
            "https://t.co/AbCdEf123".to_string(),
        ),
    ];
    for (href, want) in cases {
        let html = format!(r#"<p><a href="{href}">read</a></p>"#);
        assert_eq!(convert(&html), format!("[read]({want})\n"));
        let mut keep = Options::default();
        keep.share_links = ShareLinks::Keep;
        assert_eq!(
            convert_with(&html, &keep),
            format!("[read]({})\n", href.replace("&amp;", "&"))
        );
    }
}

#[test]
fn unsafe_links_and_images_drop_to_their_text() {
    for html in [
        r#"<p><a href="javascript:alert(1)">click</a> me</p>"#,
        r#"<p><a href=" JaVaScRiPt:alert(1)">click</a> me</p>"#,
        r#"<p><a href="java&#x09;script:alert(1)">click</a> me</p>"#,
        r#"<p><a href="vbscript:msgbox(1)">click</a> me</p>"#,
        r#"<p><a href="data:text/html,<script>alert(1)</script>">click</a> me</p>"#,
    ] {
        let md = convert(html);
        assert_eq!(md, "click me\n", "{html}");
    }
    assert_eq!(convert(r#"<p><img src="javascript:alert(1)" alt="pic"></p>"#), "pic\n");
    assert_eq!(convert(r#"<p>a<iframe src="javascript:alert(1)"></iframe></p>"#), "a\n");
    let mut options = Options::default();
    options.allow_unsafe_urls = true;
    let md = convert_with(r#"<p><a href="javascript:void(0)">x</a></p>"#, &options);
    let dest = common::parse(&md).into_iter().find_map(|e| match e {
        html2cmark::pulldown_cmark::Event::Start(html2cmark::pulldown_cmark::Tag::Link { dest_url, .. }) => {
            Some(dest_url.to_string())
        }
        _ => None,
    });
    assert_eq!(dest.as_deref(), Some("javascript:void(0)"), "{md}");
}

#[test]
fn data_images_need_the_option_and_never_svg() {
    let png = r#"<p><img src="data:image/png;base64,iVBORw0KGgo=" alt="dot"></p>"#;
    let svg = r#"<p><img src="data:image/svg+xml;base64,PHN2Zz4=" alt="vector"></p>"#;
    assert_eq!(convert(png), "dot\n");
    let mut options = Options::default();
    options.allow_data_images = true;
    assert_eq!(
        convert_with(png, &options),
        "![dot](data:image/png;base64,iVBORw0KGgo=)\n"
    );
    assert_eq!(convert_with(svg, &options), "vector\n");
    // A data: image is never a link target.
    assert_eq!(
        convert_with(r#"<p><a href="data:image/png;base64,AA">x</a></p>"#, &options),
        "x\n"
    );
}

#[test]
fn raw_html_never_carries_script() {
    let mut options = Options::default();
    options.unsupported = Unsupported::KeepHtml;
    let html = r#"<p>E = mc<sup onclick="alert(1)" style="x">2</sup><u onmouseover=alert(1)>u</u><script>alert(1)</script></p><table><tr><td>a<br onload=alert(1)>b</td></tr></table>"#;
    let md = convert_with(html, &options);
    assert!(md.contains("<sup>2</sup>"), "{md}");
    for bad in ["onclick", "onmouseover", "onload", "<script", "alert"] {
        assert!(!md.contains(bad), "{bad} in {md}");
    }
}

#[test]
fn readable_urls_show_characters_and_keep_reserved_escapes() {
    let html = r#"<p><a href="https://example.com/%E4%B8%AD%E5%9B%BD/a%2Fb?q=%E6%96%87%26x">x</a><img src="https://example.com/%E5%9B%BE.png" alt="i"></p>"#;
    assert_eq!(
        convert(html),
        "[x](https://example.com/%E4%B8%AD%E5%9B%BD/a%2Fb?q=%E6%96%87%26x)![i](https://example.com/%E5%9B%BE.png)\n"
    );
    let mut options = Options::default();
    options.readable_urls = true;
    assert_eq!(
        convert_with(html, &options),
        "[x](https://example.com/中国/a%2Fb?q=文%26x)![i](https://example.com/图.png)\n"
    );
}

#[test]
fn noise_vanishes_and_text_does_not() {
    let html = concat!(
        r#"<div><p>Before</p><div data-selfpromo-newsletter></div><share-button v-on:open="openModal"></share-button>"#,
        r#"<img src="https://t.example/pixel.gif" width="1" height="1"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="">"#,
        r#"<divclass="m-block-ad "data-tms-ad-type="box"><span>Ad</span></div><p>After</p>"#,
        r#"<play-mediav-bind:current-media="mediaId"></play-mediav-bind:current-media="mediaId"><p>End</p></div>"#
    );
    assert_eq!(convert(html), "Before\n\nAd\n\nAfter\n\nEnd\n");
    // A lazy image whose `src` is a placeholder uses `data-src`.
    let lazy = r#"<p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="https://example.com/real.jpg" alt="r"></p>"#;
    assert_eq!(convert(lazy), "![r](https://example.com/real.jpg)\n");
    // A 1×1 image with alt text keeps the text.
    assert_eq!(
        convert(r#"<p><img src="https://t.example/p.gif" width="1" height="1" alt="tracker"></p>"#),
        "tracker\n"
    );
}

/// Reads one YAML double-quoted scalar (the subset `yaml_quote` writes).
fn yaml_unquote(s: &str) -> Option<String> {
    let inner = s.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return None, // an unescaped quote would end the scalar early
            '\\' => match chars.next()? {
                '"' => out.push('"'),
                '\\' => out.push('\\'),
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                }
                _ => return None,
            },
            c => out.push(c),
        }
    }
    Some(out)
}

/// The front matter of `md` as (key, raw value) pairs, checking the block's shape.
fn front_matter(md: &str) -> Vec<(String, String)> {
    let rest = md.strip_prefix("---\n").expect("front matter first");
    let (yaml, _) = rest.split_once("\n---\n").expect("closing fence");
    yaml.lines()
        .map(|l| {
            let (k, v) = l.split_once(": ").expect("key: value");
            assert!(k.bytes().all(|b| b.is_ascii_lowercase()), "{k}");
            (k.to_string(), v.to_string())
        })
        .collect()
}

#[test]
fn front_matter_from_a_page_is_valid_yaml_for_any_title() {
    let title =
        r#"Breaking: "quotes", #hash, back\slash, 'single', [brackets] {braces} & *star* | pipe > gt % @ `tick`"#;
    let html = format!(
        r#"<html><head><title>{}</title><meta name="description" content="Line one
line two"><link rel="canonical" href="https://example.com/c?a=1&amp;b=2"><meta property="article:published_time" content="2023-10-14T10:45:01+02:00"><meta name="author" content="Jane Doe"></head><body><p>Text</p></body></html>"#,
        title.replace('&', "&amp;").replace('<', "&lt;")
    );
    let mut options = Options::default();
    options.front_matter = true;
    let md = convert_with(&html, &options);
    let fields = front_matter(&md);
    let get = |k: &str| fields.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
    assert_eq!(get("title").and_then(|v| yaml_unquote(&v)).as_deref(), Some(title));
    assert_eq!(
        get("source").and_then(|v| yaml_unquote(&v)).as_deref(),
        Some("https://example.com/c?a=1&b=2")
    );
    assert_eq!(get("date").as_deref(), Some("2023-10-14T08:45:01Z"));
    assert_eq!(
        get("author").and_then(|v| yaml_unquote(&v)).as_deref(),
        Some("Jane Doe")
    );
    assert_eq!(
        get("description").and_then(|v| yaml_unquote(&v)).as_deref(),
        Some("Line one line two")
    );
    assert!(md.ends_with("---\n\nText\n"), "{md}");
    // pulldown-cmark reads it back as a metadata block followed by the paragraph.
    let events = common::parse_with(&md, options.parser_options());
    assert!(matches!(
        events.first(),
        Some(html2cmark::pulldown_cmark::Event::Start(
            html2cmark::pulldown_cmark::Tag::MetadataBlock(_)
        ))
    ));
    // Off by default.
    assert_eq!(convert(&html), "Text\n");
}

#[test]
fn front_matter_date_from_time_element_and_streaming_matches() {
    let html = r#"<body><article><h1>Title</h1><p><time datetime="2024-02-29T23:30:00-01:00">29 Feb</time></p><p>Body</p></article></body>"#;
    let mut options = Options::default();
    options.front_matter = true;
    let md = convert_with(html, &options);
    assert!(
        md.starts_with("---\ndate: 2024-03-01T00:30:00Z\n---\n\n# Title\n"),
        "{md}"
    );
    for chunk in [1, 7, 64] {
        let mut c = html2cmark::Converter::new(Vec::new(), options.clone());
        for piece in html.as_bytes().chunks(chunk) {
            c.feed(piece).unwrap();
        }
        assert_eq!(String::from_utf8(c.finish().unwrap()).unwrap(), md, "chunk {chunk}");
    }
    // Nothing known: no front matter at all.
    assert_eq!(convert_with("<p>x</p>", &options), "x\n");
}

#[test]
fn links_that_go_nowhere_are_their_text() {
    for (html, want) in [
        ("<p>Read <a href=\"\">this</a> first.</p>", "Read this first.\n"),
        ("<p><a href='  '>two <em>words</em></a></p>", "two *words*\n"),
        ("<p>x <a href>y</a> <a href=\"\n\">z</a></p>", "x y z\n"),
        (
            "<ul><li><a href=''><img src=a.png alt=A></a></li></ul>",
            "- ![A](a.png)\n",
        ),
        // A footnote mark whose link is empty stays a superscript.
        ("<p>n<sup><a href=''>3</a></sup></p>", "n³\n"),
    ] {
        assert_eq!(html2cmark::convert(html), want, "{html}");
    }
    // An empty href resolved against a base would only point back to the page: still the text.
    let mut options = html2cmark::Options::default();
    options.base_url = Some(html2cmark::Url::parse("https://example.com/p.html").unwrap());
    assert_eq!(
        html2cmark::convert_with("<p><a href=''>here</a></p>", &options),
        "here\n"
    );
}

#[test]
fn adjacent_links_keep_their_words_apart() {
    for (html, want) in [
        (
            "<p><a href=/a>Read</a><a href=/a>more</a></p>",
            "[Read](/a) [more](/a)\n",
        ),
        (
            "<p><a href=/x><img src=t.png alt=''></a><a href=/x>Title</a></p>",
            "[![](t.png)](/x) [Title](/x)\n",
        ),
        (
            "<div><a href=/b>Blog</a><a href=/b><b>home</b></a></div>",
            "[Blog](/b) [**home**](/b)\n",
        ),
        // Different targets stay as the page has them.
        (
            "<div><a href=/>Home</a><a href=/blog><b>Blog</b></a></div>",
            "[Home](/)[**Blog**](/blog)\n",
        ),
        // Space already there, or other text between: unchanged.
        (
            "<p><a href=/a>a</a> <a href=/a>b</a>, <a href=/a>c</a>.</p>",
            "[a](/a) [b](/a), [c](/a).\n",
        ),
        // An empty link after a link adds no space before the text that follows.
        ("<p><a href=/a>a</a><a href=/a><i></i></a>b</p>", "[a](/a)b\n"),
        // Formatting still merges: <b>a</b><b>b</b> is one word.
        ("<p><b>a</b><b>b</b></p>", "**ab**\n"),
    ] {
        assert_eq!(html2cmark::convert(html), want, "{html}");
    }
}
