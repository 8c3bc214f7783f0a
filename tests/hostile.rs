//! Hostile and messy input (issue 7): nesting beyond `Options::max_depth`, legacy encodings, input limits and
//! pathological shapes at small sizes. Each check is what a user would look at: the text is all there, in
//! order; the Markdown parses back to the events we meant; nothing panics. (Large sizes and timings are in
//! `examples/pathological.rs`; time is never asserted here.)

mod common;

use html2cmark::encoding_rs::{BIG5, Encoding, GBK, SHIFT_JIS, WINDOWS_1252};
use html2cmark::pulldown_cmark::{Event, Tag};
use html2cmark::{Action, Converter, Error, Options, convert, convert_reader, convert_with};

/// Runs `f` on a thread with a small stack, so that recursion on document depth would overflow.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("no panic and no stack overflow")
}

/// The events for `html`, checked to come back from their Markdown unchanged (invariant 1).
fn faithful_events(html: &str, options: &Options) -> Vec<Event<'static>> {
    let events: Vec<_> = html2cmark::events(html, options).collect();
    if let Err((md, back)) = common::writer_round_trip(&events) {
        let md: String = md.chars().take(300).collect();
        panic!(
            "Markdown does not parse back for {:?}…: {md:?}…\n{back:?}",
            &html[..html.len().min(80)]
        );
    }
    events
}

/// The text the events carry, in order.
fn text_of(events: &[Event<'_>]) -> String {
    let mut s = String::new();
    for e in events {
        match e {
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            _ => {}
        }
    }
    s
}

/// Whether `words` appear in `text` in this order.
fn in_order<'a>(text: &str, words: impl IntoIterator<Item = &'a str>) -> bool {
    let mut rest = text;
    for w in words {
        match rest.find(w) {
            Some(i) => rest = &rest[i + w.len()..],
            None => return false,
        }
    }
    true
}

fn count(events: &[Event<'_>], want: fn(&Event<'_>) -> bool) -> usize {
    events.iter().filter(|e| want(e)).count()
}

fn is_quote(e: &Event<'_>) -> bool {
    matches!(e, Event::Start(Tag::BlockQuote(_)))
}

fn is_list(e: &Event<'_>) -> bool {
    matches!(e, Event::Start(Tag::List(_)))
}

// ---- depth ----

#[test]
fn text_nested_beyond_max_depth_is_all_kept_in_order() {
    for (open, close) in [
        ("<div>", "</div>"),
        ("<blockquote>", "</blockquote>"),
        ("<ul><li>", "</li></ul>"),
    ] {
        let n = 1000;
        let mut html = String::new();
        for i in 0..n {
            html.push_str(&format!("{open}w{i} "));
        }
        html.push_str(&close.repeat(n));
        let words: Vec<String> = (0..n).map(|i| format!("w{i}")).collect();
        let events = on_small_stack(move || faithful_events(&html, &Options::default()));
        assert!(in_order(&text_of(&events), words.iter().map(String::as_str)), "{open}");
    }
}

#[test]
fn output_nesting_is_capped_at_max_depth() {
    let mut options = Options::default();
    options.max_depth = 5;
    let html = format!("{}x{}", "<blockquote>".repeat(50), "</blockquote>".repeat(50));
    let events = faithful_events(&html, &options);
    assert_eq!(count(&events, is_quote), 5);
    assert_eq!(text_of(&events), "x");

    let html = format!("{}x{}", "<ul><li>w ".repeat(50), "</li></ul>".repeat(50));
    let events = faithful_events(&html, &options);
    assert!(count(&events, is_list) <= 5, "{events:?}");
    let text = text_of(&events);
    assert!(text.matches('w').count() == 50 && text.ends_with('x'), "{text:?}");
}

#[test]
fn end_tags_after_deep_content_close_the_elements_they_belong_to() {
    let n = 600;
    let html = format!(
        "<blockquote><p>in</p>{}deep{}<p>still in</p></blockquote><p>after</p>",
        "<div>".repeat(n),
        "</div>".repeat(n)
    );
    let md = convert(&html);
    assert!(md.starts_with("> in\n>\n> deep\n>\n> still in\n\nafter\n"), "{md:?}");
}

#[test]
fn unclosed_elements_beyond_max_depth_do_not_swallow_later_end_tags() {
    let n = 400;
    let html = format!(
        "<section>{}<p>a<li>b{}</section><ul><li>c</li></ul><blockquote>d</blockquote><p>e</p>",
        "<div>".repeat(n),
        "</div>".repeat(n)
    );
    let md = convert(&html);
    assert!(md.ends_with("- c\n\n> d\n\ne\n"), "{md:?}");
}

#[test]
fn script_and_style_beyond_max_depth_stay_hidden_and_images_stay() {
    let n = 400;
    let html = format!(
        "{}<script>var hidden = 1;</script><style>.hidden{{}}</style><img src=i.png alt=pic>seen{}",
        "<div>".repeat(n),
        "</div>".repeat(n)
    );
    let md = convert(&html);
    assert!(!md.contains("hidden"), "{md:?}");
    assert!(md.contains("![pic](i.png)") && md.contains("seen"), "{md:?}");
}

#[test]
fn deep_nesting_streams_the_same_in_chunks() {
    let n = 3000;
    let html = format!("{}<p>x</p>{}<p>after</p>", "<div><b>".repeat(n), "</b></div>".repeat(n));
    let expected = convert(&html);
    assert!(expected.contains('x') && expected.contains("after"));
    for size in [1, 5, 64, 4096] {
        let mut c = Converter::new(Vec::new(), Options::default());
        for piece in html.as_bytes().chunks(size) {
            c.feed(piece).unwrap();
        }
        assert_eq!(
            String::from_utf8(c.finish().unwrap()).unwrap(),
            expected,
            "chunks of {size}"
        );
    }
}

// ---- encodings ----

const ZH_HANS: &str = "北京时间今天上午，国家统计局发布了最新的经济数据。消费市场正在逐步恢复。";
const ZH_HANT: &str = "台北市政府今天宣布，將在明年推動新的交通改善計畫，優先處理捷運與公車的轉乘問題。";
const JA: &str = "東京都は今日、新しい防災計画を発表しました。避難所の数を増やし、情報提供を強化します。";
const FR: &str = "Le président a déclaré que l'économie se redressait. « Ça ne suffit pas », a répondu un élu.";

fn encoded_page(text: &str, encoding: &'static Encoding, meta: bool) -> Vec<u8> {
    let meta = if meta {
        format!("<meta charset=\"{}\">", encoding.name())
    } else {
        String::new()
    };
    let html = format!("<html><head>{meta}<title>t</title></head><body><h1>{text}</h1><p>{text}</p></body></html>");
    let (bytes, used, errors) = encoding.encode(&html);
    assert!(used == encoding && !errors, "{} encodes the test text", encoding.name());
    bytes.into_owned()
}

/// Feeds `bytes` to a [`Converter`] in pseudo-random chunks of 1 to 40 bytes.
fn convert_in_random_chunks(bytes: &[u8], options: &Options, mut seed: u64) -> (String, &'static str) {
    let mut c = Converter::new(Vec::new(), options.clone());
    let mut rest = bytes;
    while !rest.is_empty() {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let n = (seed % 40 + 1) as usize;
        let n = n.min(rest.len());
        c.feed(&rest[..n]).unwrap();
        rest = &rest[n..];
    }
    let name = c.encoding().map_or("none", |e| e.name());
    (String::from_utf8(c.finish().unwrap()).unwrap(), name)
}

#[test]
fn legacy_encoded_pages_convert_to_their_text() {
    for (text, encoding) in [(ZH_HANS, GBK), (ZH_HANT, BIG5), (JA, SHIFT_JIS), (FR, WINDOWS_1252)] {
        let want = format!("# {text}\n\n{text}\n");
        // Declared in a <meta>, detected, and given explicitly (as from an HTTP charset).
        for (meta, explicit) in [(true, None), (false, None), (false, Some(encoding))] {
            let mut options = Options::default();
            options.encoding = explicit;
            let bytes = encoded_page(text, encoding, meta);
            for seed in 1..4 {
                let (md, chosen) = convert_in_random_chunks(&bytes, &options, seed);
                assert_eq!(md, want, "{} meta={meta} explicit={explicit:?}", encoding.name());
                // Detection on a page this short decides only at the end.
                if meta || explicit.is_some() {
                    assert_eq!(chosen, encoding.name());
                }
            }
            let mut out = Vec::new();
            convert_reader(&bytes[..], &mut out, &options).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), want);
        }
    }
}

#[test]
fn explicit_encoding_wins_over_meta_and_bom_wins_over_both() {
    let mut options = Options::default();
    options.encoding = Some(GBK);
    let mut bytes = b"<meta charset=big5><p>".to_vec();
    bytes.extend_from_slice(&GBK.encode(ZH_HANS).0);
    let (md, chosen) = convert_in_random_chunks(&bytes, &options, 7);
    assert_eq!((md.trim_end(), chosen), (ZH_HANS, "GBK"));

    let mut bytes = b"\xEF\xBB\xBF<meta charset=big5><p>".to_vec();
    bytes.extend_from_slice(ZH_HANT.as_bytes());
    let (md, chosen) = convert_in_random_chunks(&bytes, &options, 7);
    assert_eq!((md.trim_end(), chosen), (ZH_HANT, "UTF-8"));
}

#[test]
fn invalid_bytes_become_replacement_characters_and_the_text_after_them_is_kept() {
    let mut bytes = b"<meta charset=gbk><p>".to_vec();
    bytes.extend_from_slice(&GBK.encode("前文").0);
    bytes.extend_from_slice(b"\xFF\xFF");
    bytes.extend_from_slice(&GBK.encode("后文 after").0);
    bytes.extend_from_slice(b"</p><p>next</p>\x81");
    for seed in 1..6 {
        let (md, _) = convert_in_random_chunks(&bytes, &Options::default(), seed);
        assert!(md.starts_with("前文\u{FFFD}\u{FFFD}后文 after\n\nnext"), "{md:?}");
    }
    let bytes = b"<meta charset=utf-8><p>ok \xC3 still \xE4\xB8 here\xF0\x9F".to_vec();
    let (md, _) = convert_in_random_chunks(&bytes, &Options::default(), 3);
    assert_eq!(md, "ok \u{FFFD} still \u{FFFD} here\u{FFFD}\n");
}

#[test]
fn undeclared_pages_start_converting_before_the_encoding_is_detected() {
    let mut c = Converter::new(Vec::new(), Options::default());
    for i in 0..200 {
        c.feed(format!("<p>paragraph {i}</p>\n").as_bytes()).unwrap();
    }
    assert!(c.encoding().is_none(), "4 KB of ASCII does not decide the encoding");
    c.feed(&GBK.encode("<p>中文</p>").0).unwrap();
    let md = String::from_utf8(c.finish().unwrap()).unwrap();
    assert!(
        md.starts_with("paragraph 0\n\n") && md.ends_with("paragraph 199\n\n中文\n"),
        "{md:?}"
    );
}

// ---- limits ----

#[test]
fn max_input_bytes_stops_the_byte_stream_apis() {
    let mut options = Options::default();
    options.max_input_bytes = Some(1000);
    let html = "<p>word</p>".repeat(200);
    let mut out = Vec::new();
    let err = convert_reader(html.as_bytes(), &mut out, &options).unwrap_err();
    assert!(matches!(err, Error::InputTooLarge { limit: 1000 }), "{err}");
    let mut out = Vec::new();
    convert_reader(&html.as_bytes()[..1000], &mut out, &options).unwrap();
    assert!(out.starts_with(b"word\n\nword"));
    // Strings in memory are converted whole.
    assert_eq!(convert_with(&html, &options).matches("word").count(), 200);
}

// ---- pathological shapes, small ----

#[test]
fn unclosed_formatting_and_links_keep_every_word() {
    let n = 5000;
    for open in ["<a href=x>", "<b>", "<a href=x><b>", "<i><s><b>"] {
        let html: String = (0..n).map(|i| format!("{open}w{i} ")).collect();
        let words: Vec<String> = (0..n).map(|i| format!("w{i}")).collect();
        let events = on_small_stack(move || faithful_events(&html, &Options::default()));
        assert!(in_order(&text_of(&events), words.iter().map(String::as_str)), "{open}");
    }
}

#[test]
fn one_huge_text_node_and_one_huge_attribute() {
    let text = "word ".repeat(200_000);
    let md = convert(&format!("<p>{text}</p>"));
    assert_eq!(md, format!("{}\n", text.trim_end()));
    let value = "v".repeat(1_000_000);
    let md = convert(&format!(
        "<p><a href='/x' title='{value}' data-x='{value}'>link</a> after</p>"
    ));
    assert!(md.contains(&value) && md.ends_with(") after\n"), "{}", &md[..100]);
}

/// Converts `html` through [`Converter`] in pieces of `chunk` bytes.
fn convert_in_chunks(html: &str, chunk: usize, options: &Options) -> String {
    let mut c = Converter::new(Vec::new(), options.clone());
    for piece in html.as_bytes().chunks(chunk) {
        c.feed(piece).expect("feed");
    }
    String::from_utf8(c.finish().expect("finish")).expect("UTF-8 output")
}

// 160,000 attributes on one tag took 16 s: html5ever's tokenizer compared each with all those before it.
#[test]
fn a_tag_with_200_000_attributes_keeps_the_first_thousand_and_the_text_after_it() {
    let n = 200_000;
    let shapes: [fn(usize) -> String; 5] = [
        |i| format!(" a{i}=1"),
        |i| format!(" a{i}=&copy;"),
        |i| format!(" A{i}='x\r\ny'"),
        |_| String::from(" a=1"),
        |i| format!(" a{}", i % 1500),
    ];
    for attribute in shapes {
        let attrs: String = (0..n).map(attribute).collect();
        let html =
            format!("<p><a href=/x title=t{attrs} title=late>link</a> after <img src=i.png{attrs} alt=lost></p>");
        let expected = "[link](/x \"t\") after ![](i.png)\n";
        assert_eq!(convert(&html), expected, "{}", &attrs[..20]);
        for chunk in [4096, 65_536] {
            assert_eq!(
                convert_in_chunks(&html, chunk, &Options::default()),
                expected,
                "{} in chunks of {chunk}",
                &attrs[..20]
            );
        }
    }
    // The first 1000 attributes are kept, in order.
    let mut options = Options::default();
    options.on("span", |el| {
        let attrs = el.attrs();
        let names: Vec<&str> = [attrs.first(), attrs.last()]
            .into_iter()
            .flatten()
            .map(|a| a.0.as_str())
            .collect();
        Action::Replace(vec![Event::Text(format!("{} {names:?}", attrs.len()).into())])
    });
    let attrs: String = (0..n).map(|i| format!(" a{i}=1")).collect();
    let html = format!("<p><span{attrs}>x</span></p>");
    assert_eq!(convert_with(&html, &options), "1000 [\"a0\", \"a999\"]\n");
    assert_eq!(convert_in_chunks(&html, 4096, &options), "1000 [\"a0\", \"a999\"]\n");
}

#[test]
fn wide_tables_keep_every_cell() {
    let n = 2000;
    let head: String = (0..n).map(|i| format!("<th>h{i}</th>")).collect();
    let row: String = (0..n).map(|i| format!("<td>c{i}</td>")).collect();
    let html = format!("<table><tr>{head}</tr><tr>{row}</tr></table>");
    let events = faithful_events(&html, &Options::default());
    let text = text_of(&events);
    let cells: Vec<String> = (0..n)
        .map(|i| format!("h{i}"))
        .chain((0..n).map(|i| format!("c{i}")))
        .collect();
    assert!(in_order(&text, cells.iter().map(String::as_str)));
}

#[test]
fn markup_characters_repeated_in_text_stay_text() {
    for plain in [
        "*", "_", "`", "[", "<", "*_", "[`", "<![", "\\", "&", "~", "|", "![", "]",
    ] {
        let c = plain.replace('&', "&amp;").replace('<', "&lt;");
        for n in [1, 2, 3, 1000, 20_000] {
            let html = format!("<p>a{}b</p><ul><li>{}</li></ul>", c.repeat(n), c.repeat(n));
            let events = faithful_events(&html, &Options::default());
            assert_eq!(
                text_of(&events),
                format!("a{}b{}", plain.repeat(n), plain.repeat(n)),
                "{c} x{n}"
            );
        }
    }
}

#[test]
fn deep_lists_of_code_blocks_keep_their_code() {
    // Within max_depth code is kept exactly.
    let n = 100;
    let mut html = String::new();
    for i in 0..n {
        html.push_str(&format!("<ul><li>item {i}<pre><code>code {i}\n  indented</code></pre>"));
    }
    let events = on_small_stack(move || faithful_events(&html, &Options::default()));
    let text = text_of(&events);
    let words: Vec<String> = (0..n).map(|i| format!("code {i}\n  indented")).collect();
    assert!(in_order(&text, words.iter().map(String::as_str)));
    // Deeper, a `pre` beyond the depth limit is flattened into plain text: its words are still kept.
    let n = 400;
    let html: String = (0..n)
        .map(|i| format!("<ul><li>item {i}<pre><code>code {i}</code></pre>"))
        .collect();
    let events = on_small_stack(move || faithful_events(&html, &Options::default()));
    let text = text_of(&events);
    let words: Vec<String> = (0..n).map(|i| format!("code {i}")).collect();
    assert!(in_order(&text, words.iter().map(String::as_str)));
}

#[test]
fn html5lib_inputs_convert_without_panic_and_parse_back() {
    let Some(json) = common::shared_json("conformance/html5lib-inputs.json") else {
        return;
    };
    let inputs: Vec<String> = serde_json::from_value(json).expect("an array of strings");
    assert!(inputs.len() > 1000);
    let mut options = Options::default();
    options.max_depth = 4;
    for input in &inputs {
        faithful_events(input, &Options::default());
        // A tiny depth limit exercises the depth filter on every input.
        faithful_events(input, &options);
    }
}

// ---- the safety promise under every pulldown-cmark option (issue 21) ----

/// HTML that tries to reach a reader of the Markdown as live markup, through the converter's text: wikilinks,
/// heading attributes, definition lists, front matter, plus the classic payloads.
const HOSTILE_PAGES: &[&str] = &[
    "<p>[[javascript:alert(1)]]</p>",
    "<p>see [[javascript:alert(1)|click]] and ![[javascript:alert(2)]]</p>",
    "<p><a href=\"/x\">[</a>[javascript:alert(1)]]</p>",
    "<h1>Title {onclick=alert(1)}</h1>",
    "<h2>Two<br>lines {onmouseover=alert(1) .c #i}</h2>",
    "<h3>T {#id onclick=alert(1)}   </h3>",
    "<p>term<br>: [x](javascript:alert(1))</p>",
    "<p>a <img src=x onerror=alert(1)> <a href=\"javascript:alert(1)\">b</a> <a href=\"java&#x09;script:alert(1)\">c</a></p>",
    "<p>&lt;img src=x onerror=alert(1)&gt; &lt;script&gt;alert(1)&lt;/script&gt; &lt;javascript:alert(1)&gt;</p>",
    "<p>[x](javascript:alert(1)) ![y](javascript:alert(2)) [[z]](javascript:alert(3))</p>",
    "<title>&lt;img src=x onerror=alert(1)&gt; [t](javascript:alert(1)) [[javascript:alert(2)]]</title><p>body</p>",
    "<p>$x$ ^sup^ ~sub~ [^note] {attr=1}</p>",
];

#[test]
fn converted_pages_hold_no_live_markup_under_any_parser_option() {
    // The oracle sees what the extensions make live.
    use html2cmark::pulldown_cmark::Options as P;
    for (md, parser_options) in [
        ("[[javascript:alert(1)]]", P::ENABLE_WIKILINKS),
        ("# T {onclick=alert(1)}", P::ENABLE_HEADING_ATTRIBUTES),
        ("x <img src=x onerror=alert(1)>", P::empty()),
        ("[x](JavaScript:alert(1))", P::empty()),
    ] {
        assert!(!common::live_markup(md, parser_options).is_empty(), "{md:?}");
    }
    let mut options = Options::default();
    for front_matter in [false, true] {
        options.front_matter = front_matter;
        for html in HOSTILE_PAGES {
            let md = convert_with(html, &options);
            for parser_options in common::every_parser_option() {
                let live = common::live_markup(&md, parser_options);
                assert!(live.is_empty(), "{html:?} -> {md:?} under {parser_options:?}: {live:?}");
            }
        }
    }
}

#[test]
fn text_that_looks_like_extension_syntax_stays_text() {
    // Wikilinks and heading attributes are escaped (a definition list only changes structure), and read back as the same text.
    let md = convert("<p>[[javascript:alert(1)]]</p><h1>T {onclick=alert(1)}</h1><p>a<br>: b</p>");
    assert_eq!(
        md,
        "\\[[javascript:alert(1)]]\n\n# T {onclick=alert(1)\\}\n\na\\\n: b\n"
    );
    let events = faithful_events("<p>[[x]]</p><h2>{y}</h2>", &Options::default());
    assert!(text_of(&events).contains("[[x]]{y}"), "{events:?}");
}

// ---- a converter stops at the first write error (issue 17) ----

/// An output that fails its first `fails` writes, then records what it is given.
struct Flaky {
    fails: usize,
    got: Vec<u8>,
}

impl std::io::Write for Flaky {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        if self.fails > 0 {
            self.fails -= 1;
            return Err(std::io::Error::other("disk full"));
        }
        self.got.extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_converter_refuses_further_use_after_a_write_error() {
    let mut c = Converter::new(
        Flaky {
            fails: 1,
            got: Vec::new(),
        },
        Options::default(),
    );
    assert!(matches!(c.feed(b"<p>one</p><p>two</p><p>"), Err(Error::Write(_))));
    // The output works again, but nothing more is written: neither the lost block again nor what follows.
    assert!(matches!(c.feed(b"three</p>"), Err(Error::Stopped)));
    assert!(matches!(c.end_input(), Err(Error::Stopped)));
    assert!(matches!(c.finish(), Err(Error::Stopped)));
    assert_eq!(
        Error::Stopped.to_string(),
        "the converter stopped after an earlier write error"
    );
}
