//! Pathological inputs at two sizes each, to show that time and memory grow linearly.
//!
//! `cargo run --release --example pathological` prints a table: input, size, conversion time, time per MB,
//! peak resident memory of the process during the conversion (VmHWM, Linux only; each case runs in a child
//! process so the peaks do not mix), the resident memory just before converting (the input), the memory the
//! conversion added per input byte, and output size. `… -- NAME` runs only the cases whose name contains NAME;
//! `… -- --markdown docs/pathological.md` also writes the table there. Input is streamed through
//! `convert_reader` (an 8 KiB read, then 64 KiB reads) into a byte counter.

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

/// A link whose start tag has `n` more attributes, made by `attribute` (each with its leading space), then text.
fn attributes(n: usize, attribute: fn(usize) -> String) -> Vec<u8> {
    let attrs: String = (0..n).map(attribute).collect();
    format!("<p><a href=/x{attrs}>link</a> after</p>").into_bytes()
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
        name: "unique attributes",
        sizes: [100_000, 200_000],
        make: |n| attributes(n, |i| format!(" a{i}=1")),
    },
    Case {
        name: "repeated attribute",
        sizes: [500_000, 1_000_000],
        make: |n| attributes(n, |_| String::from(" a=1")),
    },
    Case {
        name: "attributes with refs",
        sizes: [100_000, 200_000],
        make: |n| attributes(n, |i| format!(" a{i}=&copy;")),
    },
    Case {
        name: "1000-attribute tags",
        sizes: [500, 1_000],
        make: |n| {
            let tag: String = (0..1000).map(|i| format!(" a{i}=&copy;")).collect();
            format!("<p><b{tag}>w</b></p>\n").repeat(n).into_bytes()
        },
    },
    Case {
        name: "<b> of 1000 reopened",
        sizes: [50_000, 100_000],
        make: |n| {
            let tag: String = (0..1000).map(|i| format!(" a{i}=v")).collect();
            format!("<p><b{tag}>x</p>{}", "<p>y</p>".repeat(n)).into_bytes()
        },
    },
    Case {
        name: "<body> attributes merged",
        sizes: [200, 400],
        make: |n| {
            (0..n)
                .map(|t| {
                    format!(
                        "<body{}>",
                        (0..1000).map(|i| format!(" a{t}x{i}=1")).collect::<String>()
                    )
                })
                .collect::<String>()
                .into_bytes()
        },
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
    Case {
        name: "'[' in text",
        sizes: [500_000, 1_000_000],
        make: |n| repeated("[", n),
    },
    Case {
        name: "'<' in text",
        sizes: [500_000, 1_000_000],
        make: |n| repeated("&lt;", n),
    },
    Case {
        name: "'*a' in text",
        sizes: [500_000, 1_000_000],
        make: |n| repeated("*a", n),
    },
    Case {
        name: "'![' in text",
        sizes: [500_000, 1_000_000],
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

/// A memory figure of this process in KiB from /proc/self/status (`VmHWM:` peak, `VmRSS:` current).
fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or(String::from("?"), |k| format!("{:.0}", k as f64 / 1024.0))
}

/// Runs one case in this process and prints one tab-separated result line: name, n, input bytes, seconds,
/// peak RSS (MiB), RSS before converting (MiB, the input itself), output bytes.
fn run_one(index: usize, size: usize) {
    let case = &CASES[index];
    let input = (case.make)(size);
    // Making the input can peak higher than holding it: reset the peak (Linux: `5` resets VmHWM to VmRSS),
    // so that it measures the conversion.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let base = status_kib("VmRSS:");
    let start = Instant::now();
    let mut out = Counter(0);
    if let Err(e) = html2cmark::convert_reader(&input[..], &mut out, &html2cmark::Options::default()) {
        eprintln!("{}: {e}", case.name);
    }
    let secs = start.elapsed().as_secs_f64();
    let peak = status_kib("VmHWM:");
    println!(
        "{}\t{}\t{}\t{:.3}\t{}\t{}\t{}",
        case.name,
        size,
        input.len(),
        secs,
        mib(peak),
        mib(base),
        out.0
    );
}

/// One measured row.
struct Row {
    name: String,
    n: String,
    bytes: f64,
    secs: f64,
    peak: f64,
    base: f64,
    output: String,
}

impl Row {
    fn parse(line: &str) -> Option<Row> {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 7 {
            return None;
        }
        Some(Row {
            name: f[0].to_string(),
            n: f[1].to_string(),
            bytes: f[2].parse().ok()?,
            secs: f[3].parse().ok()?,
            peak: f[4].parse().unwrap_or(f64::NAN),
            base: f[5].parse().unwrap_or(f64::NAN),
            output: f[6].to_string(),
        })
    }

    fn per_mb(&self) -> f64 {
        self.secs / (self.bytes / 1e6).max(1e-9)
    }

    /// Memory the conversion added, per byte of input.
    fn memory_ratio(&self) -> f64 {
        (self.peak - self.base).max(0.0) * 1048576.0 / self.bytes.max(1.0)
    }
}

/// Today's date (UTC) as YYYY-MM-DD, from the system clock.
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

fn markdown(rows: &[Row], command: &str) -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mut md = String::from("# Pathological inputs\n\n");
    md.push_str(&format!(
        "Generated on {} by `{command}` (release build, {cores} cores; do not edit by hand: run it again).\n\n",
        today()
    ));
    md.push_str(
        "Each input is converted with `convert_reader` (an 8 KiB read, then 64 KiB reads; default options) in a child process, at two \
         sizes, so that time and memory can be seen to grow linearly. *Peak RSS* is the process's peak resident \
         memory during the conversion, the input itself included (*input RSS* is the resident memory just before \
         converting, the input held in memory); *memory / byte* is what the conversion added, per input byte. \
         Nesting beyond `Options::max_depth` (256) is flattened, so deep inputs give short output.\n\n",
    );
    md.push_str("| input | n | input bytes | time (s) | s/MB | peak RSS (MiB) | input RSS (MiB) | memory / byte | output bytes |\n");
    md.push_str("|---|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    for r in rows {
        md.push_str(&format!(
            "| {} | {} | {:.0} | {:.3} | {:.4} | {:.0} | {:.0} | {:.1} | {} |\n",
            r.name.replace('|', "\\|").replace('<', "&lt;"),
            r.n,
            r.bytes,
            r.secs,
            r.per_mb(),
            r.peak,
            r.base,
            r.memory_ratio(),
            r.output
        ));
    }
    md
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--one") {
        let index = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        let size = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
        run_one(index, size);
        return;
    }
    let mut markdown_path = None;
    if let Some(at) = args.iter().position(|a| a == "--markdown") {
        markdown_path = args.get(at + 1).cloned();
        args.drain(at..(at + 2).min(args.len()));
    }
    let filter = args.first().cloned().unwrap_or_default();
    let Ok(exe) = std::env::current_exe() else {
        eprintln!("cannot find this executable");
        return;
    };
    println!(
        "{:<22} {:>10} {:>11} {:>9} {:>9} {:>9} {:>9} {:>8} {:>11}",
        "input", "n", "bytes", "time s", "s/MB", "peak MB", "input MB", "mem/B", "output"
    );
    let mut rows = Vec::new();
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
            let Some(row) = Row::parse(&line) else {
                println!("{line}");
                continue;
            };
            println!(
                "{:<22} {:>10} {:>11} {:>9.3} {:>9.4} {:>9} {:>9} {:>8.1} {:>11}",
                row.name,
                row.n,
                row.bytes,
                row.secs,
                row.per_mb(),
                row.peak,
                row.base,
                row.memory_ratio(),
                row.output
            );
            rows.push(row);
        }
    }
    if let Some(path) = markdown_path {
        let mut command = String::from("cargo run --release --example pathological -- --markdown ");
        command.push_str(&path);
        if !filter.is_empty() {
            command.push(' ');
            command.push_str(&filter);
        }
        if let Err(e) = std::fs::write(&path, markdown(&rows, &command)) {
            eprintln!("{path}: {e}");
        }
    }
}
