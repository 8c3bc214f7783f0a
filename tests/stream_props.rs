//! Property tests over random tag soup: chunk independence, flush-rule safety, no panics.

use html2cmark::{Converter, Options, convert_with};
use proptest::prelude::*;

const PIECES: &[&str] = &[
    "<p>",
    "</p>",
    "<b>",
    "</b>",
    "<i>",
    "</i>",
    "<div>",
    "</div>",
    "<ul>",
    "</ul>",
    "<ol start=3>",
    "</ol>",
    "<li>",
    "</li>",
    "<table>",
    "</table>",
    "<tr>",
    "<td>",
    "<th>",
    "</td>",
    "<a href=x>",
    "</a>",
    "text",
    " ",
    "\n",
    "<br>",
    "<h1>",
    "</h1>",
    "<pre>",
    "</pre>",
    "<blockquote>",
    "</blockquote>",
    "<img src=i alt=A>",
    "<input type=checkbox>",
    "é中",
    "<!--c-->",
    "&amp;",
    "<code>",
    "</code>",
    "<span>",
    "</span>",
    "<s>",
    "</s>",
    "<x-y>",
    "</body>",
    "<q>",
    "<dl><dt>",
    "<dd>",
    "<select><option>o",
    "<svg><title>T</title>",
    "<script>s</script>",
    "</html>",
    "<nobr>",
];

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(0..PIECES.len(), 0..60).prop_map(|v| v.into_iter().map(|i| PIECES[i]).collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn random_soup_is_chunk_independent(html in soup(), sizes in prop::collection::vec(1usize..12, 1..20)) {
        let options = Options::default();
        let expected = convert_with(&html, &options);
        let mut c = Converter::new(Vec::new(), options);
        let bytes = html.as_bytes();
        let (mut at, mut k) = (0, 0);
        while at < bytes.len() {
            let n = sizes[k % sizes.len()].min(bytes.len() - at);
            c.feed(&bytes[at..at + n]).unwrap();
            at += n;
            k += 1;
        }
        let got = String::from_utf8(c.finish().unwrap()).unwrap();
        prop_assert_eq!(got, expected);
    }

    #[test]
    fn random_soup_flushes_only_final_nodes(html in soup(), size in 1usize..9) {
        prop_assert!(html2cmark::check_flush_rule(html.as_bytes(), size).is_ok());
    }

    #[test]
    fn random_soup_gives_balanced_events(html in soup()) {
        let mut depth = 0i64;
        for e in html2cmark::events(&html, &Options::default()) {
            match e {
                html2cmark::pulldown_cmark::Event::Start(_) => depth += 1,
                html2cmark::pulldown_cmark::Event::End(_) => { depth -= 1; prop_assert!(depth >= 0); }
                html2cmark::pulldown_cmark::Event::Text(t) => prop_assert!(!t.is_empty()),
                _ => {}
            }
        }
        prop_assert_eq!(depth, 0);
    }
}
