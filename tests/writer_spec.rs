//! The writer against the CommonMark 0.31.2 and GFM 0.29 spec examples (read from `../shared/conformance`):
//! parse each example with pulldown-cmark, write the events, parse again, and compare the event streams.

mod common;

use std::collections::BTreeMap;

use common::{normalize, parse, shared_json, writer_round_trip};

/// Examples that cannot round-trip, with the reason, from `tests/data/writer_known_failures.txt`
/// (`file:example  reason` per line).
fn known_failures() -> BTreeMap<String, String> {
    include_str!("data/writer_known_failures.txt")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once(char::is_whitespace))
        .map(|(k, v)| (k.to_string(), v.trim().to_string()))
        .collect()
}

struct Tally {
    passed: usize,
    total: usize,
    unexpected: Vec<String>,
    source_backslashes: usize,
    our_backslashes: usize,
}

fn run(file: &str, only_extensions: bool) -> Option<Tally> {
    let spec = shared_json(&format!("conformance/{file}"))?;
    let known = known_failures();
    let mut tally = Tally {
        passed: 0,
        total: 0,
        unexpected: Vec::new(),
        source_backslashes: 0,
        our_backslashes: 0,
    };
    for ex in spec.as_array()? {
        if only_extensions && ex["extension"].is_null() {
            continue;
        }
        let md = ex["markdown"].as_str().unwrap_or_default();
        let id = format!("{file}:{}", ex["example"]);
        tally.total += 1;
        let events = parse(md);
        match writer_round_trip(&events) {
            Ok(ours) => {
                tally.passed += 1;
                tally.source_backslashes += md.matches('\\').count();
                tally.our_backslashes += ours.matches('\\').count();
            }
            Err((ours, back)) => {
                if !known.contains_key(&id) {
                    tally.unexpected.push(format!(
                        "{id}\n--- source\n{md}\n--- ours\n{ours}\n--- events\n{:?}\n--- back\n{:?}\n",
                        normalize(&events),
                        back
                    ));
                }
            }
        }
    }
    Some(tally)
}

/// `ratchet`: the pass count may not drop below it. Our backslashes may not exceed the sources' own count
/// (or `backslash_ceiling`, if that is higher; 0 means the sources' count is the limit).
fn check(file: &str, only_extensions: bool, ratchet: usize, backslash_ceiling: usize) {
    let Some(t) = run(file, only_extensions) else { return };
    println!(
        "{file}: {}/{} round-trip; backslashes on passing examples: ours {} vs source {}",
        t.passed, t.total, t.our_backslashes, t.source_backslashes
    );
    for u in &t.unexpected {
        println!("{u}");
    }
    assert!(
        t.unexpected.is_empty(),
        "{} examples failed that are not in the known-failures file",
        t.unexpected.len()
    );
    assert!(t.passed >= ratchet, "pass count dropped: {} < {ratchet}", t.passed);
    assert!(
        t.our_backslashes <= backslash_ceiling.max(t.source_backslashes),
        "the writer used {} backslashes, more than the ceiling {backslash_ceiling} (the sources use {})",
        t.our_backslashes,
        t.source_backslashes
    );
}

// The ceilings are the sources' own counts (119 and 122) plus the backslashes that keep `[[` from opening a
// wikilink under pulldown-cmark's ENABLE_WIKILINKS (`[[foo]]` text, examples 520, 548, 559 and 590 and their GFM
// twins): the safety promise covers every parser option, and the sources do not guard against that extension.
#[test]
fn commonmark_spec_round_trip() {
    check("spec.json", false, 652, 122);
}

#[test]
fn gfm_spec_round_trip() {
    check("gfm-spec.json", false, 673, 125);
}

/// Prints the examples where we write more backslashes than the source (run with `--ignored --nocapture`;
/// `SPEC=gfm-spec.json` for the GFM examples).
#[test]
#[ignore]
fn show_backslash_excess() {
    let file = std::env::var("SPEC").unwrap_or_else(|_| "spec.json".into());
    let Some(spec) = shared_json(&format!("conformance/{file}")) else {
        return;
    };
    for ex in spec.as_array().into_iter().flatten() {
        let md = ex["markdown"].as_str().unwrap_or_default();
        if let Ok(ours) = writer_round_trip(&parse(md)) {
            let (a, b) = (ours.matches('\\').count(), md.matches('\\').count());
            if a > b {
                println!("#{} +{}\n{md}---\n{ours}===", ex["example"], a - b);
            }
        }
    }
}

/// The spec examples again in the reference link styles and wrapped (issue 8): every example that round-trips
/// with the default style must round-trip with these too (soft breaks read as spaces when wrapping; at width 1
/// every space that can break does).
#[test]
fn spec_round_trip_in_other_link_styles_and_wrapped() {
    use html2cmark::{LinkStyle, Options};
    let known = known_failures();
    for file in ["spec.json", "gfm-spec.json"] {
        let Some(spec) = shared_json(&format!("conformance/{file}")) else {
            return;
        };
        for (link, wrap) in [
            (LinkStyle::ReferenceNumbered, None),
            (LinkStyle::ReferenceText, None),
            (LinkStyle::Inline, Some(1)),
            (LinkStyle::ReferenceText, Some(10)),
            (LinkStyle::ReferenceNumbered, Some(40)),
        ] {
            let mut options = Options::default();
            options.style.link = link;
            options.style.wrap = wrap;
            let (mut passed, mut failed) = (0, Vec::new());
            for ex in spec.as_array().into_iter().flatten() {
                let md = ex["markdown"].as_str().unwrap_or_default();
                let id = format!("{file}:{}", ex["example"]);
                if known.contains_key(&id) {
                    continue;
                }
                match common::writer_round_trip_with(&parse(md), &options) {
                    Ok(_) => passed += 1,
                    Err((ours, back)) => failed.push(format!(
                        "{id}\n--- source\n{md}--- ours\n{ours}--- events\n{:?}\n--- back\n{back:?}\n",
                        normalize(&parse(md))
                    )),
                }
            }
            println!(
                "{file} {link:?} wrap {wrap:?}: {passed} round-trip, {} fail",
                failed.len()
            );
            assert!(failed.is_empty(), "{}", failed.join("\n"));
        }
    }
}
