//! Pathological inputs at two sizes each, to show that time and memory grow linearly.
//!
//! `cargo run --release --example pathological` prints a table: input, size, conversion time, time per MB,
//! peak resident memory of the process (VmHWM, Linux only; each case runs in a child process so the peaks do
//! not mix) and output size. `… -- NAME` runs only the cases whose name contains NAME. Input is streamed
//! through `convert_reader` in 64 KiB reads into a byte counter.

use std::io::Write;
use std::time::Instant;

/// A case: a name and a generator of its input at scale `n`, with the two scales to run.
struct Case {
    name: &'static str,
    sizes: [usize; 2],
    make: fn(usize) -> Vec<u8>,
}

fn nested(open: &str, close: &str, n: usize) -> Vec<u8> {
    format!("{}x{}", open.repeat(n), close.repeat(n)).into_bytes()
}

fn repeated(unit: &str, n: usize) -> Vec<u8> {
    format!("<p>{}</p>", unit.repeat(n)).into_bytes()
}

const CASES: &[Case] = &[
    Case {
        name: "nested <div>",
        sizes: [50_000, 100_000],
        make: |n| nested("<div>", "</div>", n),
    },
    Case {
        name: "nested <b>",
        sizes: [50_000, 100_000],
        make: |n| nested("<b>", "</b>", n),
    },
    Case {
        name: "nested <blockquote>",
        sizes: [50_000, 100_000],
        make: |n| nested("<blockquote>", "</blockquote>", n),
    },
    Case {
        name: "nested <ul><li>",
        sizes: [50_000, 100_000],
        make: |n| nested("<ul><li>", "</li></ul>", n),
    },
    Case {
        name: "unclosed <a href>",
        sizes: [500_000, 1_000_000],
        make: |n| "<a href=x>w ".repeat(n).into_bytes(),
    },
    Case {
        name: "unclosed <b>",
        sizes: [500_000, 1_000_000],
        make: |n| "<b>w ".repeat(n).into_bytes(),
    },
    Case {
        name: "one text node (MB)",
        sizes: [50, 100],
        make: |n| format!("<p>{}</p>", "word ".repeat(n * 200_000)).into_bytes(),
    },
    Case {
        name: "one attribute (MB)",
        sizes: [5, 10],
        make: |n| format!("<p><a href=/x title='{}'>link</a></p>", "v".repeat(n << 20)).into_bytes(),
    },
    Case {
        name: "table columns",
        sizes: [5_000, 10_000],
        make: |n| {
            let head: String = (0..n).map(|i| format!("<th>h{i}</th>")).collect();
            let row: String = (0..n).map(|i| format!("<td>c{i}</td>")).collect();
            format!("<table><tr>{head}</tr><tr>{row}</tr><tr>{row}</tr></table>").into_bytes()
        },
    },
    Case {
        name: "'*' in text",
        sizes: [500_000, 1_000_000],
        make: |n| repeated("*", n),
    },
    Case {
        name: "'_' in text",
        sizes: [500_000, 1_000_000],
        make: |n| repeated("_", n),
    },
    Case {
        name: "'`' in text",
        sizes: [500_000, 1_000_000],
        make: |n| repeated("`", n),
    },
    // The next four are quadratic in the writer's escaping (`escape::push_text` scans the rest of the text for
    // `](` after every `[` and for `>` after every `<`; `escape::pairing_escapes` compares every delimiter run
    // with every other), so they run at sizes that finish; the issue asks for 1,000,000.
    Case {
        name: "'[' in text",
        sizes: [50_000, 100_000],
        make: |n| repeated("[", n),
    },
    Case {
        name: "'<' in text",
        sizes: [50_000, 100_000],
        make: |n| repeated("&lt;", n),
    },
    Case {
        name: "'*a' in text",
        sizes: [10_000, 20_000],
        make: |n| repeated("*a", n),
    },
    Case {
        name: "'![' in text",
        sizes: [10_000, 20_000],
        make: |n| repeated("![", n),
    },
    Case {
        name: "']' in text",
        sizes: [500_000, 1_000_000],
        make: |n| repeated("]", n),
    },
    Case {
        name: "'[a](' in text",
        sizes: [200_000, 400_000],
        make: |n| repeated("[a](", n),
    },
    Case {
        name: "nested lists of code",
        sizes: [10_000, 20_000],
        make: |n| {
            "<ul><li>item<pre><code>let x = 1;\n  y</code></pre>"
                .repeat(n)
                .into_bytes()
        },
    },
    Case {
        name: "flat lists of code",
        sizes: [50_000, 100_000],
        make: |n| {
            format!(
                "<ul>{}</ul>",
                "<li>item<pre><code>let x = 1;\n  y</code></pre>".repeat(n)
            )
            .into_bytes()
        },
    },
];

struct Counter(u64);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Peak resident memory of this process in KiB, from /proc/self/status.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Runs one case in this process and prints one tab-separated result line.
fn run_one(index: usize, size: usize) {
    let case = &CASES[index];
    let input = (case.make)(size);
    let start = Instant::now();
    let mut out = Counter(0);
    if let Err(e) = html2cmark::convert_reader(&input[..], &mut out, &html2cmark::Options::default()) {
        eprintln!("{}: {e}", case.name);
    }
    let secs = start.elapsed().as_secs_f64();
    let peak = peak_rss_kib().map_or(String::from("?"), |k| format!("{:.0}", k as f64 / 1024.0));
    println!(
        "{}\t{}\t{}\t{:.3}\t{}\t{}",
        case.name,
        size,
        input.len(),
        secs,
        peak,
        out.0
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--one") {
        let index = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(0);
        let size = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1);
        run_one(index, size);
        return;
    }
    let filter = args.get(1).cloned().unwrap_or_default();
    let Ok(exe) = std::env::current_exe() else {
        eprintln!("cannot find this executable");
        return;
    };
    println!(
        "{:<22} {:>10} {:>11} {:>9} {:>9} {:>9} {:>11}",
        "input", "n", "bytes", "time s", "s/MB", "peak MB", "output"
    );
    for (index, case) in CASES.iter().enumerate() {
        if !case.name.contains(&filter) {
            continue;
        }
        for size in case.sizes {
            let run = std::process::Command::new(&exe)
                .args(["--one", &index.to_string(), &size.to_string()])
                .output();
            let line = match run {
                Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).trim().to_string(),
                Ok(o) => format!("{}\tfailed: {}", case.name, String::from_utf8_lossy(&o.stderr).trim()),
                Err(e) => format!("{}\tcould not run: {e}", case.name),
            };
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 6 {
                println!("{line}");
                continue;
            }
            let bytes: f64 = f[2].parse().unwrap_or(0.0);
            let secs: f64 = f[3].parse().unwrap_or(0.0);
            let per_mb = if bytes > 0.0 { secs / (bytes / 1e6) } else { 0.0 };
            println!(
                "{:<22} {:>10} {:>11} {:>9} {:>9.4} {:>9} {:>11}",
                f[0], f[1], f[2], f[3], per_mb, f[4], f[5]
            );
        }
    }
}
