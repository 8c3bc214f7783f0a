//! Side-by-side throughput of html2cmark and other HTML → Markdown converters, in one process, on the same
//! inputs; writes the Markdown table, the raw numbers and two SVG charts.
//!
//! ```text
//! cargo run --release -- [--runs N] [--max-size BYTES] [--out DIR]     # the comparison (scripts/compare.sh)
//! cargo run --release -- once CONVERTER FOLDER                          # one pass, for callgrind
//! ```
//!
//! Every converter is first run on every document in a child process (`probe`), so that a panic, an abort
//! (out of memory) or a hang is recorded against that document instead of ending the comparison; the timed
//! runs then use the documents every converter got through, and the table says which ones were left out.

#[path = "../../benches/support/mod.rs"]
mod support;

mod chart;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::Doc;

type Convert = fn(&str) -> usize;

/// A converter under test: name in the table, crate and version, function.
struct Entry {
    name: &'static str,
    what: &'static str,
    f: Convert,
}

fn ours(html: &str) -> usize {
    html2cmark::convert(html).len()
}

fn ours_streaming(html: &str) -> usize {
    let mut out = Vec::with_capacity(html.len() / 2);
    html2cmark::convert_reader(html.as_bytes(), &mut out, &html2cmark::Options::DEFAULT).expect("convert_reader");
    out.len()
}

fn htmd(html: &str) -> usize {
    htmd::convert(html).map(|s| s.len()).unwrap_or(0)
}

fn fast_html2md(html: &str) -> usize {
    html2md::rewrite_html(html, false).len()
}

fn html_to_markdown_rs(html: &str) -> usize {
    html_to_markdown_rs::convert(html, None)
        .ok()
        .and_then(|r| r.content)
        .map(|s| s.len())
        .unwrap_or(0)
}

fn mdka(html: &str) -> usize {
    mdka::html_to_markdown(html).len()
}

fn none(_html: &str) -> usize {
    0
}

const ENTRIES: &[Entry] = &[
    Entry {
        name: "html2cmark convert",
        what: "ours, one shot",
        f: ours,
    },
    Entry {
        name: "html2cmark convert_reader",
        what: "ours, streaming (an 8 KiB read, then 64 KiB reads)",
        f: ours_streaming,
    },
    Entry {
        name: "htmd",
        what: "htmd 0.5.6",
        f: htmd,
    },
    Entry {
        name: "fast_html2md",
        what: "fast_html2md 0.0.63 (rewrite_html)",
        f: fast_html2md,
    },
    Entry {
        name: "html-to-markdown-rs",
        what: "html-to-markdown-rs 3.19.1 (defaults)",
        f: html_to_markdown_rs,
    },
    Entry {
        name: "mdka",
        what: "mdka 3.3.0",
        f: mdka,
    },
    Entry {
        name: "html5ever + rcdom parse",
        what: "baseline: tree only, no conversion",
        f: support::parse_only,
    },
    Entry {
        name: "html5ever tokenize",
        what: "baseline: tokenizer, no-op sink",
        f: support::tokenize_only,
    },
];

fn entry(name: &str) -> Option<&'static Entry> {
    ENTRIES.iter().find(|e| key(e.name) == name)
}

/// A command-line key for an entry name: `html2cmark-convert`, `html5ever-rcdom-parse`, …
fn key(name: &str) -> String {
    name.split(|c: char| !c.is_alphanumeric() && c != '_' && c != '-')
        .filter(|w| !w.is_empty() && *w != "+")
        .collect::<Vec<_>>()
        .join("-")
}

fn load(folder: &str) -> Option<Vec<Doc>> {
    support::corpus(folder)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("probe") => probe(&args[1], &args[2], args[3].parse().unwrap()),
        Some("once") => once(&args[1], &args[2]),
        Some("pair") => pair(&args[1..]),
        _ => compare(&args),
    }
}

/// Child process: converts the documents of `folder` from index `from` on, printing `ok I` or `panic I` for
/// each (`start I` before it, so the parent knows which one an abort hit).
fn probe(conv: &str, folder: &str, from: usize) {
    std::panic::set_hook(Box::new(|_| {}));
    let e = entry(conv).expect("converter");
    let docs = load(folder).expect("folder");
    for (i, d) in docs.iter().enumerate().skip(from) {
        println!("start {i}");
        let r = catch_unwind(AssertUnwindSafe(|| (e.f)(&d.html)));
        println!("{} {i}", if r.is_ok() { "ok" } else { "panic" });
    }
}

/// Steady-state timing of a few converters alone, interleaved in one process: `pair FOLDER RUNS CONV...`.
fn pair(args: &[String]) {
    let docs = load(&args[0]).expect("folder");
    let runs: usize = args[1].parse().unwrap();
    let convs: Vec<&Entry> = args[2..].iter().map(|c| entry(c).expect("converter")).collect();
    let mut times = vec![Vec::new(); convs.len()];
    for _ in 0..runs {
        for (k, e) in convs.iter().enumerate() {
            let start = Instant::now();
            let n: usize = docs.iter().map(|d| (e.f)(std::hint::black_box(&d.html))).sum();
            std::hint::black_box(n);
            times[k].push(start.elapsed());
        }
    }
    let bytes = support::total_bytes(&docs);
    for (k, e) in convs.iter().enumerate() {
        let m = median(times[k].clone());
        println!("{:30} {:8.1} MB/s  median {:?}", e.name, mbps(bytes, m), m);
    }
}

/// One conversion pass over a folder (or a generated `article:SIZE`), for callgrind: `none` only loads.
fn once(conv: &str, folder: &str) {
    let docs = match folder.strip_prefix("article:") {
        Some(size) => vec![Doc {
            name: folder.into(),
            html: support::article(size.parse().unwrap()),
        }],
        None => load(folder).expect("folder"),
    };
    let f = if conv == "none" {
        none
    } else {
        entry(conv).expect("converter").f
    };
    let n: usize = docs.iter().map(|d| f(std::hint::black_box(&d.html))).sum();
    println!("{} bytes in, {n} bytes out", support::total_bytes(&docs));
}

/// What the probe found: documents (by index) that panicked, aborted or took too long.
fn failures(conv: &str, folder: &str, count: usize) -> BTreeMap<usize, &'static str> {
    let exe = std::env::current_exe().unwrap();
    let mut failed = BTreeMap::new();
    let mut from = 0;
    while from < count {
        let mut child = Command::new(&exe)
            .args(["probe", conv, folder, &from.to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn probe");
        let out = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut current = None;
        let mut started = Instant::now();
        loop {
            match rx.recv_timeout(Duration::from_millis(200)) {
                Ok(line) => {
                    let (what, i) = line.split_once(' ').unwrap();
                    let i: usize = i.parse().unwrap();
                    match what {
                        "start" => {
                            current = Some(i);
                            started = Instant::now();
                        }
                        "panic" => {
                            failed.insert(i, "panic");
                            current = None;
                        }
                        _ => current = None,
                    }
                    from = i + 1;
                }
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                    if let Some(i) = current.filter(|_| started.elapsed() > Duration::from_secs(120)) {
                        let _ = child.kill();
                        let _ = child.wait();
                        failed.insert(i, "timeout (>120 s)");
                        from = i + 1;
                        break;
                    }
                }
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                    let status = child.wait().unwrap();
                    if let Some(i) = current {
                        failed.insert(
                            i,
                            if status.success() {
                                "exit"
                            } else {
                                "abort (out of memory?)"
                            },
                        );
                        from = i + 1;
                    }
                    break;
                }
            }
        }
    }
    failed
}

/// Median of durations.
fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn mbps(bytes: usize, t: Duration) -> f64 {
    bytes as f64 / 1e6 / t.as_secs_f64()
}

/// Result for one converter on one folder.
struct Measured {
    mbps: Option<f64>,
    median: Duration,
    bytes: usize,
    failed: Vec<(String, &'static str)>,
}

fn compare(args: &[String]) {
    let mut runs = 5usize;
    let mut max_size = 100_000_000usize;
    let mut out_dir = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs"));
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--runs" => runs = it.next().unwrap().parse().unwrap(),
            "--max-size" => max_size = it.next().unwrap().parse().unwrap(),
            "--out" => out_dir = it.next().unwrap().into(),
            other => panic!("unknown argument {other}"),
        }
    }
    std::fs::create_dir_all(&out_dir).unwrap();

    let mut results: BTreeMap<(&str, &'static str), Measured> = BTreeMap::new();
    let mut folders = Vec::new();
    for folder in ["pages", "articles"] {
        let Some(docs) = load(folder) else {
            eprintln!(
                "note: no {folder} folder under {}; skipped",
                support::corpus_root().display()
            );
            continue;
        };
        folders.push(folder);
        eprintln!(
            "{folder}: {} documents, {} bytes; probing every converter on every document",
            docs.len(),
            support::total_bytes(&docs)
        );
        // Probe each converter in child processes.
        let mut failed_by: BTreeMap<&'static str, BTreeMap<usize, &'static str>> = BTreeMap::new();
        for e in ENTRIES {
            let f = failures(&key(e.name), folder, docs.len());
            if !f.is_empty() {
                eprintln!("  {}: {} documents failed", e.name, f.len());
            }
            failed_by.insert(e.name, f);
        }
        // Timed runs, converters interleaved so that machine noise hits all alike. Each converter runs on the
        // documents it got through; MB/s is over those bytes.
        let mut times: BTreeMap<&'static str, Vec<Duration>> = BTreeMap::new();
        for run in 0..runs {
            eprintln!("  {folder}: run {}/{runs}", run + 1);
            for e in ENTRIES {
                let failed = &failed_by[e.name];
                let start = Instant::now();
                let mut n = 0usize;
                for (i, d) in docs.iter().enumerate() {
                    if !failed.contains_key(&i) {
                        n += (e.f)(std::hint::black_box(&d.html));
                    }
                }
                std::hint::black_box(n);
                times.entry(e.name).or_default().push(start.elapsed());
            }
        }
        for e in ENTRIES {
            let failed = &failed_by[e.name];
            let bytes: usize = docs
                .iter()
                .enumerate()
                .filter(|(i, _)| !failed.contains_key(i))
                .map(|(_, d)| d.html.len())
                .sum();
            let median = median(times.remove(e.name).unwrap());
            results.insert(
                (folder, e.name),
                Measured {
                    mbps: (bytes > 0).then(|| mbps(bytes, median)),
                    median,
                    bytes,
                    failed: failed.iter().map(|(i, why)| (docs[*i].name.clone(), *why)).collect(),
                },
            );
        }
    }

    // Time against size, for ours (both entry points) and the parse-only floor.
    let mut sizes = Vec::new();
    let mut size = 1_000usize;
    while size <= max_size {
        sizes.push(size);
        size *= 10;
    }
    let scaled: [&'static Entry; 3] = [
        entry("html2cmark-convert").unwrap(),
        entry("html2cmark-convert_reader").unwrap(),
        entry("html5ever-rcdom-parse").unwrap(),
    ];
    let mut scaling: Vec<(usize, Vec<Duration>)> = Vec::new();
    for &size in &sizes {
        let html = support::article(size);
        // Repeat small inputs so that each timing covers at least ~50 ms.
        let mut row = Vec::new();
        for e in scaled {
            let reps = (5_000_000 / html.len()).clamp(1, 10_000);
            let n_runs = if html.len() > 20_000_000 { 3 } else { runs };
            let mut ts = Vec::new();
            for _ in 0..n_runs {
                let start = Instant::now();
                for _ in 0..reps {
                    std::hint::black_box((e.f)(std::hint::black_box(&html)));
                }
                ts.push(start.elapsed() / reps as u32);
            }
            row.push(median(ts));
        }
        eprintln!("  generated {} bytes: {:?}", html.len(), row);
        scaling.push((html.len(), row));
    }

    // The report.
    let mut md = String::new();
    let rustc = Command::new("rustc")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap().trim().to_string())
        })
        .unwrap_or_default();
    let _ = writeln!(
        md,
        "Measured in one process, one thread, median of {runs} runs; {rustc}; {cpu}.\n"
    );
    let mut header = String::from("| converter |");
    let mut rule = String::from("|---|");
    for folder in &folders {
        let _ = write!(header, " {folder} MB/s | vs ours |");
        rule.push_str("---:|---:|");
    }
    let _ = writeln!(md, "{header}\n{rule}");
    let mut notes = Vec::new();
    for e in ENTRIES {
        let mut line = format!("| {} |", e.name);
        for folder in &folders {
            let m = &results[&(*folder, e.name)];
            let ours = results[&(*folder, "html2cmark convert")].mbps.unwrap_or(f64::NAN);
            match m.mbps {
                Some(v) => {
                    let star = if m.failed.is_empty() { "" } else { "*" };
                    let _ = write!(line, " {v:.1}{star} | {:.2}× |", v / ours);
                }
                None => line.push_str(" failed | – |"),
            }
            if !m.failed.is_empty() {
                let list: Vec<String> = m.failed.iter().map(|(n, why)| format!("{n} ({why})")).collect();
                notes.push(format!(
                    "\\* {} on {folder}: failed on {} of the documents, timed on the rest: {}",
                    e.name,
                    m.failed.len(),
                    list.join(", ")
                ));
            }
        }
        md.push_str(&line);
        md.push('\n');
    }
    for n in &notes {
        let _ = writeln!(md, "\n{n}");
    }
    md.push('\n');
    for e in ENTRIES {
        let _ = writeln!(md, "- {}: {}", e.name, e.what);
    }
    md.push('\n');
    for folder in &folders {
        let ours = results[&(*folder, "html2cmark convert")].mbps.unwrap_or(f64::NAN);
        let parse = results[&(*folder, "html5ever + rcdom parse")].mbps.unwrap_or(f64::NAN);
        let htmd = results[&(*folder, "htmd")].mbps.unwrap_or(f64::NAN);
        let _ = writeln!(
            md,
            "- {folder}: ours / parse-only = {:.2} (goal ≥ 1.0), ours / htmd = {:.2} (goal ≥ 1.5)",
            ours / parse,
            ours / htmd
        );
    }
    let _ = writeln!(
        md,
        "\nTime against input size (generated articles):\n\n| bytes | convert | convert_reader | parse only | convert MB/s |\n|---:|---:|---:|---:|---:|"
    );
    for (bytes, row) in &scaling {
        let _ = writeln!(
            md,
            "| {bytes} | {} | {} | {} | {:.1} |",
            fmt_t(row[0]),
            fmt_t(row[1]),
            fmt_t(row[2]),
            mbps(*bytes, row[0])
        );
    }
    print!("{md}");
    std::fs::write(out_dir.join("bench-results.md"), &md).unwrap();

    // Raw numbers.
    let mut tsv = String::from("set\tconverter\tbytes\tmedian_seconds\tmb_per_s\tfailed_documents\n");
    for ((folder, name), m) in &results {
        let _ = writeln!(
            tsv,
            "{folder}\t{name}\t{}\t{:.6}\t{}\t{}",
            m.bytes,
            m.median.as_secs_f64(),
            m.mbps.map(|v| format!("{v:.2}")).unwrap_or_default(),
            m.failed.len()
        );
    }
    for (bytes, row) in &scaling {
        for (e, t) in scaled.iter().zip(row) {
            let _ = writeln!(
                tsv,
                "generated\t{}\t{bytes}\t{:.9}\t{:.2}\t0",
                e.name,
                t.as_secs_f64(),
                mbps(*bytes, *t)
            );
        }
    }
    std::fs::write(out_dir.join("bench-results.tsv"), tsv).unwrap();

    // Charts.
    let names: Vec<&str> = ENTRIES.iter().map(|e| e.name).collect();
    let bars: Vec<(&str, Vec<Option<f64>>)> = folders
        .iter()
        .map(|f| (*f, names.iter().map(|n| results[&(*f, *n)].mbps).collect()))
        .collect();
    std::fs::write(
        out_dir.join("throughput.svg"),
        chart::bars("HTML → Markdown throughput (MB/s, higher is better)", &names, &bars),
    )
    .unwrap();
    let lines: Vec<(&str, Vec<(f64, f64)>)> = scaled
        .iter()
        .enumerate()
        .map(|(k, e)| {
            (
                e.name,
                scaling
                    .iter()
                    .map(|(b, row)| (*b as f64, row[k].as_secs_f64()))
                    .collect(),
            )
        })
        .collect();
    std::fs::write(
        out_dir.join("scaling.svg"),
        chart::loglog(
            "Time against input size (generated articles)",
            "input bytes",
            "seconds",
            &lines,
        ),
    )
    .unwrap();
    eprintln!(
        "wrote {}/bench-results.md, bench-results.tsv, throughput.svg, scaling.svg",
        out_dir.display()
    );
}

fn fmt_t(t: Duration) -> String {
    let s = t.as_secs_f64();
    if s < 1e-3 {
        format!("{:.1} µs", s * 1e6)
    } else if s < 1.0 {
        format!("{:.2} ms", s * 1e3)
    } else {
        format!("{s:.2} s")
    }
}
