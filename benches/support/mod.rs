//! Inputs and baselines shared by `benches/throughput.rs` and the `bench-peers` comparison.
//!
//! - [`article`]: a deterministic generator of article-like HTML documents of a given size;
//! - [`corpus`]: the shared real-world corpus (`../shared/corpus/pages` and `articles`), when present;
//! - [`parse_only`] and [`tokenize_only`]: the html5ever baselines every tree-based converter sits on.
#![allow(dead_code)]

use std::cell::Cell;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tokenizer::{BufferQueue, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts};
use html5ever::{ParseOpts, parse_document};
use markup5ever_rcdom::RcDom;

/// A small deterministic generator (xorshift64*), so that every run converts the same bytes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "the",
    "market",
    "report",
    "government",
    "said",
    "on",
    "Tuesday",
    "that",
    "new",
    "rules",
    "would",
    "take",
    "effect",
    "next",
    "year",
    "according",
    "to",
    "officials",
    "who",
    "asked",
    "not",
    "to",
    "be",
    "named",
    "and",
    "data",
    "show",
    "growth",
    "slowed",
    "in",
    "the",
    "second",
    "quarter",
    "as",
    "prices",
    "rose",
    "sharply",
    "while",
    "analysts",
    "expect",
    "a",
    "recovery",
    "by",
    "autumn",
    "*",
    "_",
    "3.5%",
    "[sic]",
    "#1",
    "<b>",
];

const CJK: &[&str] = &[
    "中国",
    "政府",
    "周二",
    "表示",
    "新规",
    "将于",
    "明年",
    "生效",
    "据",
    "官员",
    "透露",
    "数据",
    "显示",
    "第二季度",
    "经济",
    "增长",
    "放缓",
    "物价",
    "大幅",
    "上涨",
    "分析人士",
    "预计",
    "秋季",
    "复苏",
    "，",
    "。",
    "“",
    "”",
    "、",
    "日本語",
    "のテキスト",
    "한국어",
];

fn words(rng: &mut Rng, out: &mut String, n: usize) {
    for i in 0..n {
        if i > 0 {
            out.push(' ');
        }
        let w = rng.pick(WORDS);
        match w {
            "<b>" => out.push_str("&lt;b&gt;"),
            _ => out.push_str(w),
        }
    }
}

fn inline(rng: &mut Rng, out: &mut String, n: usize) {
    let mut left = n;
    while left > 0 {
        let take = (3 + rng.below(8)).min(left);
        left -= take;
        match rng.below(8) {
            0 => {
                let _ = write!(
                    out,
                    "<a href=\"https://example.com/news/{}?ref=home&amp;x=1\">",
                    rng.next() % 100_000
                );
                words(rng, out, take);
                out.push_str("</a>");
            }
            1 => {
                out.push_str("<em>");
                words(rng, out, take);
                out.push_str("</em>");
            }
            2 => {
                out.push_str("<strong>");
                words(rng, out, take);
                out.push_str("</strong>");
            }
            3 => {
                out.push_str("<code>");
                words(rng, out, take.min(3));
                out.push_str("</code>");
            }
            _ => words(rng, out, take),
        }
        out.push(if left > 0 { ' ' } else { '.' });
    }
}

fn cjk(rng: &mut Rng, out: &mut String, n: usize) {
    for i in 0..n {
        if i % 9 == 4 {
            out.push_str("<strong>");
            out.push_str(rng.pick(CJK));
            out.push_str("</strong>");
        } else if i % 13 == 7 {
            let _ = write!(
                out,
                "<a href=\"https://example.com/zh/{}\">{}</a>",
                rng.next() % 1000,
                rng.pick(CJK)
            );
        } else {
            out.push_str(rng.pick(CJK));
        }
    }
    out.push('。');
}

/// One section of an article: a heading, paragraphs (English and CJK), and now and then a list, a quote, a
/// table, code or a figure, inside the wrapper markup real pages have.
fn section(rng: &mut Rng, out: &mut String, index: usize) {
    let _ = write!(out, "<div class=\"section\" id=\"s{index}\">\n<h2>");
    {
        let n = 4 + rng.below(4);
        words(rng, out, n)
    };
    out.push_str("</h2>\n");
    for _ in 0..2 + rng.below(3) {
        out.push_str("<p>");
        {
            let n = 30 + rng.below(50);
            inline(rng, out, n)
        };
        out.push_str("</p>\n");
    }
    out.push_str("<p lang=\"zh\">");
    {
        let n = 40 + rng.below(60);
        cjk(rng, out, n)
    };
    out.push_str("</p>\n");
    match index % 6 {
        0 => {
            out.push_str("<ul>\n");
            for _ in 0..3 + rng.below(4) {
                out.push_str("  <li>");
                {
                    let n = 6 + rng.below(10);
                    inline(rng, out, n)
                };
                out.push_str("</li>\n");
            }
            out.push_str("</ul>\n");
        }
        1 => {
            out.push_str("<blockquote><p>");
            {
                let n = 20 + rng.below(20);
                inline(rng, out, n)
            };
            out.push_str("</p></blockquote>\n");
        }
        2 => {
            out.push_str(
                "<table>\n<thead><tr><th>Region</th><th>Q1</th><th>Q2</th><th>变化</th></tr></thead>\n<tbody>\n",
            );
            for _ in 0..4 + rng.below(4) {
                let _ = writeln!(
                    out,
                    "<tr><td>{}</td><td>{}.{}</td><td>{}.{}</td><td>{}</td></tr>",
                    rng.pick(WORDS),
                    rng.below(100),
                    rng.below(10),
                    rng.below(100),
                    rng.below(10),
                    rng.pick(CJK)
                );
            }
            out.push_str("</tbody>\n</table>\n");
        }
        3 => {
            out.push_str("<pre><code class=\"language-rust\">fn main() {\n    let x = a * b &lt; c;\n    println!(\"{x}\");\n}\n</code></pre>\n");
        }
        4 => {
            let _ = write!(
                out,
                "<figure><img src=\"https://img.example.com/{}.jpg\" alt=\"",
                rng.next() % 10_000
            );
            words(rng, out, 4);
            out.push_str("\"><figcaption>");
            words(rng, out, 8);
            out.push_str("</figcaption></figure>\n");
        }
        _ => {
            out.push_str("<ol>\n");
            for _ in 0..3 {
                out.push_str("  <li><p>");
                inline(rng, out, 10);
                out.push_str("</p><ul><li>");
                cjk(rng, out, 8);
                out.push_str("</li></ul></li>\n");
            }
            out.push_str("</ol>\n");
        }
    }
    out.push_str("</div>\n");
}

/// An article-like HTML document of at least `size` bytes (a little more: the last section is completed).
pub fn article(size: usize) -> String {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ size as u64);
    let mut out = String::with_capacity(size + 4096);
    out.push_str(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Generated article</title>\n\
         <style>body { font: 16px serif }</style><script>var tracking = 1 < 2;</script></head>\n\
         <body><nav><ul><li><a href=\"/\">Home</a></li><li><a href=\"/world\">World</a></li></ul></nav>\n\
         <article><h1>Generated article for throughput measurements</h1>\n",
    );
    let footer = "</article>\n<footer><p>&copy; Example News</p></footer></body></html>\n";
    let mut index = 0;
    while out.len() + footer.len() < size {
        section(&mut rng, &mut out, index);
        index += 1;
    }
    out.push_str(footer);
    out
}

/// One input document: a name and its text.
pub struct Doc {
    pub name: String,
    pub html: String,
}

/// The shared corpus folder (`shared/corpus` next to the repository), or `HTML2CMARK_CORPUS`.
pub fn corpus_root() -> PathBuf {
    if let Some(dir) = std::env::var_os("HTML2CMARK_CORPUS") {
        return PathBuf::from(dir);
    }
    // From the repository root, or from `bench-peers/` inside it.
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    ["../shared/corpus", "../../shared/corpus"]
        .iter()
        .map(|rel| manifest.join(rel))
        .find(|dir| dir.is_dir())
        .unwrap_or_else(|| manifest.join("../shared/corpus"))
}

/// The documents of one corpus folder (`pages` or `articles`), sorted by name; `None` when it is absent.
///
/// Articles are Markdown archives with the HTML body after the first blank line; only that HTML is returned,
/// so that every converter gets the same HTML.
pub fn corpus(folder: &str) -> Option<Vec<Doc>> {
    let dir = corpus_root().join(folder);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    paths.retain(|p| p.is_file());
    paths.sort();
    let docs: Vec<Doc> = paths
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).expect("read corpus file");
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let html = match p.extension().and_then(|e| e.to_str()) {
                Some("md") => match text.find("\n\n") {
                    Some(at) => text[at + 2..].to_string(),
                    None => text,
                },
                _ => text,
            };
            Doc {
                name: p.file_name().unwrap().to_string_lossy().into_owned(),
                html,
            }
        })
        .collect();
    (!docs.is_empty()).then_some(docs)
}

/// Total bytes of a set of documents.
pub fn total_bytes(docs: &[Doc]) -> usize {
    docs.iter().map(|d| d.html.len()).sum()
}

/// Baseline: html5ever's tree builder into rcdom, nothing else. Returns the document's child count so the work
/// cannot be optimised away.
pub fn parse_only(html: &str) -> usize {
    let dom = parse_document(RcDom::default(), ParseOpts::default()).one(StrTendril::from_slice(html));
    dom.document.children.borrow().len()
}

/// A token sink that only counts tokens.
struct CountSink(Cell<usize>);

impl TokenSink for CountSink {
    type Handle = ();

    fn process_token(&self, _token: Token, _line_number: u64) -> TokenSinkResult<()> {
        self.0.set(self.0.get() + 1);
        TokenSinkResult::Continue
    }
}

/// Baseline: html5ever's tokenizer alone with a no-op sink. Returns the token count.
pub fn tokenize_only(html: &str) -> usize {
    let tokenizer = Tokenizer::new(CountSink(Cell::new(0)), TokenizerOpts::default());
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&queue);
    tokenizer.end();
    tokenizer.sink.0.get()
}
