//! Streaming: output is byte-identical however the input is chunked (DESIGN.md invariant 3), the flush rule
//! never converts a node that later changes, and Markdown comes out before the input ends.

use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;

use html2cmark::pulldown_cmark::{Event, Tag, TagEnd};
use html2cmark::{Action, Converter, Element, Options, Selector, Url, convert_with};

const DOCS: &[&str] = &[
    "<p>Hello <b>bold</b> and <i>it</i></p><p>second</p>",
    "<!doctype html><html><head><title>t</title><style>p{}</style></head><body><h1>Title</h1>\
     <div><p>a</p><div>b<span>c</span></div>tail</div><ul><li>one<li>two<li>three</ul></body></html>",
    "<div><a href=x>a<div>b</div>c</a></div><p>after",
    "<table><tr><td>1<td>2</table>x<table><tr><td>3</td></tr>text<tr><td>4</table>y",
    "<b>1<p>2</b>3</p>4<a href=q>5<div>6</a>7</div>8",
    "<ul><li>a<li>b<li>c<li>d<li>e<li>f<li>g<li>h<li>i<li>j<li>k<li>l<li>m<li>n<li>o<li>p<li>q<li>r<li>s<li><p>t</p></ul>",
    "<blockquote><p>q1</p><blockquote>q2<pre class=language-rs>fn x() {}\n</pre></blockquote></blockquote>",
    "caf\u{e9} \u{4e2d}\u{6587} &amp; &lt;tag&gt; &copy; <!-- comment --> \u{1F600} end",
    "<p>a<br>b<br><br>c</p><h2>x<br>y</h2><img src=i.png alt=I><video src=v></video>",
    "<ul><li><input type=checkbox checked>done<li><input type=checkbox>todo</ul><ol start=5><li>five</ol>",
    "<custom-el><div>inside custom</div><p>more</p></custom-el><x-y>z",
    "<dl><dt>T<dd>D</dl><details><summary>S</summary>body</details><figure><img src=f><figcaption>c</figcaption></figure>",
    "</body>after body</html>after html<!-- c -->",
    "<p>unclosed <em>emphasis <strong>strong<p>next<div>div",
    "<p>a\r\nb\r</p><pre>x\r\ny\r\n</pre>\r\n<p>c</p>",
    "<b>a</b><b>b</b><i>c</i> <i>d</i><b><i>e</i></b><b><i>f</i></b>g<b>h</b>",
    "<script>var s = '</scripts><p>x'; if (a<b) {}</SCRIPT ><p>one</p><style>p{content:'</p>'}</style/>two\
     <script>x<!--<script>y</script><p>no</p>--></script>three<script>a<!--b</script>four<noscript>n</noscript>",
];

/// A deterministic pseudo-random sequence (no RNG dependency needed).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, bound: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % bound
    }
}

fn stream(input: &[u8], sizes: &mut dyn FnMut() -> usize, options: &Options) -> String {
    let mut c = Converter::new(Vec::new(), options.clone());
    let mut rest = input;
    while !rest.is_empty() {
        let n = sizes().clamp(1, rest.len());
        c.feed(&rest[..n]).unwrap();
        rest = &rest[n..];
    }
    String::from_utf8(c.finish().unwrap()).unwrap()
}

fn assert_chunk_independent(input: &str, seed: u64) {
    assert_chunk_independent_with(input, seed, &Options::default());
}

fn assert_chunk_independent_with(input: &str, seed: u64, options: &Options) {
    let options = options.clone();
    let expected = convert_with(input, &options);
    for fixed in [1usize, 2, 3, 17, 4096] {
        let got = stream(input.as_bytes(), &mut || fixed, &options);
        assert_eq!(got, expected, "chunks of {fixed} bytes differ for {input:?}");
    }
    let mut rng = Lcg(seed);
    let got = stream(input.as_bytes(), &mut || 1 + rng.next(40), &options);
    assert_eq!(got, expected, "random chunks differ for {input:?}");
}

#[test]
fn hand_written_documents_are_chunk_independent() {
    for (i, doc) in DOCS.iter().enumerate() {
        assert_chunk_independent(doc, i as u64);
    }
}

/// Documents for the element policy: wrappers entered while open that are dropped, kept as HTML or handled.
const POLICY_DOCS: &[&str] = &[
    "<head><base href='/b/'></head><body><header><nav><a href=x>x</a></nav></header><div class=ad><p>ad</p>\
     <div><p>deep ad</p></div></div><main><p>a <span class=math>x^2</span> <sup>2</sup></p>\
     <details><summary>s</summary><div><p>d1</p><p>d2</p></div></details><div class=note><p>n</p></div></main>\
     <footer>f</footer>",
    "<form><p>page in a form</p><div><input></div></form><form><input><button>b</button></form><p>after</p>",
    "<ul><li class=skip>s<li>a<li class=ad>ad<li><section>sec</section><li><span class=math>m</span></ul>",
    "<div hidden><p>h1</p><div><p>h2</p><b>unclosed<p>h3</div></div><p>visible</p>",
    "<section class=keep><div><p>a</p></div><b>x<section class=keep>inner</section>y</b></section>t",
];

fn policy_options() -> Vec<Options> {
    let list = |s: &str| Selector::parse_list(s).unwrap();
    let mut handlers = Options::default();
    handlers
        .on("span", |el: &Element<'_>| {
            if el.has_class("math") {
                Action::Replace(vec![Event::Code(el.text().into())])
            } else {
                Action::Descend
            }
        })
        .on("div", |el: &Element<'_>| {
            if el.has_class("note") {
                Action::Wrap(vec![Event::Start(Tag::BlockQuote(None)), Event::Text("Note:".into())])
            } else {
                Action::Descend
            }
        })
        .on("li", |el: &Element<'_>| {
            if el.has_class("skip") {
                Action::Skip
            } else {
                Action::Descend
            }
        })
        .on("section", |el: &Element<'_>| {
            Action::Replace(vec![
                Event::Start(Tag::Paragraph),
                Event::Text(el.text().into()),
                Event::End(TagEnd::Paragraph),
            ])
        });
    let mut all = handlers.clone();
    all.drop = list(".ad");
    all.keep_html = list("sup, details, summary");
    all.drop_page_chrome = true;
    all.base_url = Url::parse("https://example.com/a/").ok();
    let mut options = vec![handlers, all];
    for f in [
        (|o: &mut Options| o.drop = Selector::parse_list(".ad, [hidden], li.skip").unwrap()) as fn(&mut Options),
        |o| o.keep_html = Selector::parse_list("sup, details, summary, div, section.keep").unwrap(),
        |o| o.drop_page_chrome = true,
        |o| o.base_url = Url::parse("https://example.com/a/").ok(),
    ] {
        let mut o = Options::default();
        f(&mut o);
        options.push(o);
    }
    options
}

#[test]
fn policy_options_are_chunk_independent() {
    for (k, options) in policy_options().iter().enumerate() {
        for (i, doc) in DOCS.iter().chain(POLICY_DOCS).enumerate() {
            assert_chunk_independent_with(doc, (k * 100 + i) as u64, options);
        }
    }
}

#[test]
fn policy_options_are_chunk_independent_on_the_corpus_pages() {
    let options = policy_options();
    for (i, path) in corpus_files()
        .iter()
        .filter(|p| p.to_string_lossy().contains("/pages/"))
        .enumerate()
    {
        let bytes = std::fs::read(path).unwrap();
        let o = &options[i % options.len()];
        let expected = convert_with(&String::from_utf8_lossy(&bytes), o);
        let mut rng = Lcg(i as u64);
        let got = stream(&bytes, &mut || 1 + rng.next(3000), o);
        assert_eq!(got, expected, "{} in random chunks", path.display());
    }
}

#[test]
fn utf8_split_anywhere_and_invalid_bytes_decode_like_lossy() {
    // Declared UTF-8: undeclared input with invalid UTF-8 would go to encoding detection instead.
    let mut input = "<meta charset=utf-8><p>é中😀</p>".as_bytes().to_vec();
    input.extend_from_slice(b"<p>bad \xFF\xC3 x \xE4\xB8</p>\xF0\x9F");
    let expected = convert_with(&String::from_utf8_lossy(&input), &Options::default());
    assert!(expected.contains('\u{FFFD}'));
    for size in 1..8 {
        assert_eq!(
            stream(&input, &mut || size, &Options::default()),
            expected,
            "chunk size {size}"
        );
    }
}

/// Converts `input` fed as the pieces between the byte offsets in `cuts`.
fn fed_in_pieces(input: &[u8], cuts: &[usize]) -> String {
    let mut c = Converter::new(Vec::new(), Options::default());
    let mut from = 0;
    for &to in cuts.iter().chain([&input.len()]) {
        c.feed(&input[from..to]).unwrap();
        from = to;
    }
    String::from_utf8(c.finish().unwrap()).unwrap()
}

// html5ever's tokenizer dropped a U+FEFF that started any piece of input it was fed, not only the first.
#[test]
fn a_zero_width_no_break_space_at_the_start_of_a_chunk_is_kept() {
    // UTF-16LE: a byte order mark, `a`, U+FEFF, `b`; cut right before the U+FEFF.
    let utf16 = b"\xFF\xFEa\x00\xFF\xFEb\x00";
    assert_eq!(fed_in_pieces(utf16, &[]), "a\u{FEFF}b\n");
    assert_eq!(fed_in_pieces(utf16, &[4]), "a\u{FEFF}b\n");
    let utf8 = "<p>a\u{FEFF}b</p><p>\u{FEFF}c</p>".as_bytes();
    let whole = fed_in_pieces(utf8, &[]);
    assert_eq!(whole, "a\u{FEFF}b\n\n\u{FEFF}c\n");
    for cut in 1..utf8.len() {
        assert_eq!(fed_in_pieces(utf8, &[cut]), whole, "cut at {cut}");
    }
    for size in 1..8 {
        assert_eq!(
            stream(utf8, &mut || size, &Options::default()),
            whole,
            "chunks of {size}"
        );
        assert_eq!(stream(utf16, &mut || size, &Options::default()), "a\u{FEFF}b\n");
    }
    // After a `<meta charset>`, the tokenizer used to be fed again, and dropped a U+FEFF there too.
    assert_eq!(
        convert_with("<meta charset=utf-8>\u{FEFF}<p>x</p>", &Options::default()),
        "\u{FEFF}\n\nx\n"
    );
}

#[test]
fn a_byte_order_mark_at_the_start_is_dropped() {
    for input in [
        &b"\xEF\xBB\xBF<p>x\xEF\xBB\xBFy</p>"[..],
        b"\xFF\xFE<\x00p\x00>\x00x\x00\xFF\xFEy\x00",
        b"\xFE\xFF\x00<\x00p\x00>\x00x\xFE\xFF\x00y",
    ] {
        for cut in 0..input.len() {
            assert_eq!(fed_in_pieces(input, &[cut]), "x\u{FEFF}y\n", "{input:?} cut at {cut}");
        }
    }
    // A string's leading U+FEFF is its byte order mark; a second one is text.
    assert_eq!(convert_with("\u{FEFF}<p>x</p>", &Options::default()), "x\n");
    assert_eq!(convert_with("\u{FEFF}\u{FEFF}x", &Options::default()), "\u{FEFF}x\n");
    // The byte stream drops only the byte order mark itself: the U+FEFF after it is text.
    assert_eq!(fed_in_pieces(b"\xEF\xBB\xBF\xEF\xBB\xBFx", &[3]), "\u{FEFF}x\n");
}

// Attributes past the first 1,000 of a tag are cut from the text before html5ever reads it, also when the tag
// comes in many pieces.
#[test]
fn tags_past_the_attribute_limit_convert_the_same_in_any_chunks() {
    let attrs = |shape: fn(usize) -> String| -> String { (0..1200).map(shape).collect() };
    let html = format!(
        "<p><a href=/x{}>a</a> <a href='/y'{}>b</a> &copy; <span title=s{} title=late>c</span>\r\n\
         <!-- <a{}> --><svg{}/><b>d</b></p><p><img src=i.png{} alt=lost>e</p>",
        attrs(|i| format!(" a{i}")),
        attrs(|i| format!("\r\nA{i}='&amp;{i}'")),
        attrs(|i| format!(" d{i}=\"x>y\"")),
        attrs(|i| format!(" c{i}")),
        attrs(|i| format!(" s{}=1", i % 7)),
        attrs(|i| format!(" i{i}=&#x41;/")),
    );
    let expected = convert_with(&html, &Options::default());
    assert_eq!(expected, "[a](/x) [b](/y) © c **d**\n\n![](i.png)e\n");
    for seed in 0..20 {
        let mut rng = Lcg(seed);
        assert_eq!(
            stream(html.as_bytes(), &mut || 1 + rng.next(50), &Options::default()),
            expected,
            "seed {seed}"
        );
    }
}

fn html5lib_inputs() -> Option<Vec<String>> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/html5lib-inputs.json");
    match std::fs::read_to_string(&path) {
        Ok(json) => Some(serde_json::from_str(&json).expect("html5lib-inputs.json is an array of strings")),
        Err(_) => {
            println!("note: {} not found, skipping", path.display());
            None
        }
    }
}

#[test]
fn html5lib_inputs_are_chunk_independent() {
    let Some(inputs) = html5lib_inputs() else { return };
    let options = Options::default();
    for (i, input) in inputs.iter().enumerate() {
        let expected = convert_with(input, &options);
        for size in [1usize, 5, 64] {
            let got = stream(input.as_bytes(), &mut || size, &options);
            assert_eq!(got, expected, "html5lib input #{i} {input:?} in chunks of {size}");
        }
        let mut rng = Lcg(i as u64);
        assert_eq!(
            stream(input.as_bytes(), &mut || 1 + rng.next(9), &options),
            expected,
            "#{i} random"
        );
    }
}

#[test]
fn flush_rule_never_converts_a_node_that_changes_later_hand_written() {
    let mut checked = 0;
    for doc in DOCS {
        for size in [1, 3, 17] {
            checked += html2cmark::check_flush_rule(doc.as_bytes(), size).unwrap_or_else(|e| panic!("{doc:?}: {e}"));
        }
    }
    assert!(checked > 100, "the check must look at nodes ({checked})");
}

#[test]
fn flush_rule_never_converts_a_node_that_changes_later_html5lib() {
    let Some(inputs) = html5lib_inputs() else { return };
    for (i, input) in inputs.iter().enumerate() {
        for size in [1, 3, 17, 256] {
            if let Err(e) = html2cmark::check_flush_rule(input.as_bytes(), size) {
                panic!("html5lib input #{i} {input:?}, chunks of {size}: {e}");
            }
        }
    }
}

#[test]
fn the_flush_check_sees_the_flushed_nodes() {
    // The first two paragraphs are flushed before the input ends; the last one only at the end.
    assert_eq!(html2cmark::check_flush_rule(b"<p>a</p><p>b</p><p>c</p>", 1), Ok(2));
}

/// A writer that remembers how much had been written at each write.
#[derive(Clone, Default)]
struct Recorder(Rc<RefCell<Vec<u8>>>);
impl Write for Recorder {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn output_is_produced_before_the_input_ends() {
    let recorder = Recorder::default();
    let mut c = Converter::new(recorder.clone(), Options::default());
    c.feed(b"<html><body><div class=wrapper><ul>").unwrap();
    let mut sizes = Vec::new();
    for i in 0..2000 {
        c.feed(format!("<li>item {i}</li>\n").as_bytes()).unwrap();
        if i % 100 == 99 {
            sizes.push(recorder.0.borrow().len());
        }
    }
    c.feed(b"</ul></div>").unwrap();
    for i in 0..2000 {
        c.feed(format!("<p>paragraph {i}</p>").as_bytes()).unwrap();
    }
    let before_finish = recorder.0.borrow().len();
    c.finish().unwrap();
    let total = recorder.0.borrow().len();
    assert!(
        sizes[1] > 0,
        "list items are written while the list is still open: {sizes:?}"
    );
    assert!(
        sizes.windows(2).all(|w| w[0] < w[1]),
        "output grows as input comes: {sizes:?}"
    );
    assert!(
        before_finish * 10 > total * 9,
        "almost everything is written before finish: {before_finish} of {total}"
    );
}

#[test]
fn input_limit_is_enforced() {
    let mut options = Options::default();
    options.max_input_bytes = Some(10);
    let mut c = Converter::new(Vec::new(), options);
    c.feed(b"<p>12345").unwrap();
    assert!(matches!(
        c.feed(b"67890"),
        Err(html2cmark::Error::InputTooLarge { limit: 10 })
    ));
}

fn corpus_files() -> Vec<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let mut files = Vec::new();
    for dir in ["articles", "articles-jekyll", "articles-recent", "pages"] {
        if let Ok(entries) = std::fs::read_dir(root.join(dir)) {
            files.extend(entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_file()));
        }
    }
    files.sort();
    if files.is_empty() {
        println!("note: {} not found, skipping", root.display());
    }
    files
}

#[test]
fn corpus_documents_are_chunk_independent_and_flush_safely() {
    let options = Options::default();
    for path in corpus_files() {
        let bytes = std::fs::read(&path).unwrap();
        let expected = convert_with(&String::from_utf8_lossy(&bytes), &options);
        let mut rng = Lcg(bytes.len() as u64);
        let got = stream(&bytes, &mut || 1 + rng.next(3000), &options);
        assert_eq!(got, expected, "{} in random chunks", path.display());
        if let Err(e) = html2cmark::check_flush_rule(&bytes, 4096) {
            panic!("{}: {e}", path.display());
        }
    }
}

#[test]
fn deep_nesting_streams_in_small_chunks() {
    let n = 100_000;
    let html = format!("{}x{}<p>after</p>", "<div>".repeat(n), "</div>".repeat(n));
    let expected = convert_with(&html, &Options::default());
    let got = std::thread::spawn(move || stream(html.as_bytes(), &mut || 7, &Options::default()))
        .join()
        .unwrap();
    assert_eq!(got, expected);
}
