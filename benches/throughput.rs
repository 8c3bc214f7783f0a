//! Throughput of `convert` (one shot) and `convert_reader` (streaming), with the html5ever baselines measured
//! in the same run: parse into rcdom only, and tokenize only (a no-op sink).
//!
//! Inputs: generated article-like documents from 1 KB to 10 MB (linear growth), and the shared corpus
//! (`../shared/corpus/pages` and `articles`, or `HTML2CMARK_CORPUS`) when present.
//!
//! ```text
//! cargo bench --bench throughput                 # everything
//! cargo bench --bench throughput -- corpus/      # the corpus only
//! ```

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use html2cmark::Options;

mod support;

use support::Doc;

/// The four measured functions, each over one document.
fn ours(html: &str) -> usize {
    html2cmark::convert(html).len()
}

fn ours_streaming(html: &str) -> usize {
    let mut out = Vec::with_capacity(html.len() / 2);
    html2cmark::convert_reader(html.as_bytes(), &mut out, &Options::DEFAULT).expect("convert_reader");
    out.len()
}

type Converter = fn(&str) -> usize;

const CONVERTERS: &[(&str, Converter)] = &[
    ("convert", ours),
    ("convert_reader", ours_streaming),
    ("parse_only", support::parse_only),
    ("tokenize_only", support::tokenize_only),
];

fn generated(c: &mut Criterion) {
    let mut group = c.benchmark_group("generated");
    for size in [1_000, 10_000, 100_000, 1_000_000, 10_000_000] {
        let html = support::article(size);
        group.throughput(Throughput::Bytes(html.len() as u64));
        if size >= 1_000_000 {
            group.sample_size(10);
            group.measurement_time(Duration::from_secs(if size >= 10_000_000 { 20 } else { 5 }));
        } else {
            group.sample_size(30);
            group.measurement_time(Duration::from_secs(3));
        }
        for (name, f) in CONVERTERS {
            group.bench_with_input(BenchmarkId::new(*name, size), html.as_str(), |b, html| {
                b.iter(|| f(black_box(html)))
            });
        }
    }
    group.finish();
}

fn corpus(c: &mut Criterion) {
    let mut group = c.benchmark_group("corpus");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    for folder in ["pages", "articles"] {
        let Some(docs) = support::corpus(folder) else {
            eprintln!(
                "note: {} has no `{folder}` folder; corpus benchmarks for it skipped",
                support::corpus_root().display()
            );
            continue;
        };
        group.throughput(Throughput::Bytes(support::total_bytes(&docs) as u64));
        for (name, f) in CONVERTERS {
            group.bench_with_input(BenchmarkId::new(*name, folder), &docs, |b, docs: &Vec<Doc>| {
                b.iter(|| docs.iter().map(|d| f(black_box(&d.html))).sum::<usize>())
            });
        }
    }
    group.finish();
}

criterion_group!(benches, generated, corpus);
criterion_main!(benches);
