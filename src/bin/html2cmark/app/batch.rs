//! Many inputs to many outputs, on all cores: `--out-dir`, `--in-place`, `--check`.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::{self, IsTerminal, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use html2cmark::Options;

use super::args::{Batch, Target};
use super::diff::short_diff;
use super::files::{self, Input, Kind, kind_of};
use super::output::{FileId, Policy, decode, file_id, lossy_warning, write_file};
use super::{PROGRESS, STDERR, quote, report};

/// The stack of each worker: deep documents recurse in the parser and the walker.
const STACK: usize = 16 << 20;

/// One file to convert.
struct Task {
    input: Input,
    dest: PathBuf,
    /// Why the file is not converted, decided before the run (two inputs for one output, …).
    refused: Option<String>,
}

/// What became of one file.
enum Outcome {
    Written,
    Unchanged,
    Differs { missing: bool, diff: Option<String> },
    Skipped,
    Failed,
}

/// What every worker needs.
struct Config {
    target: Target,
    check: bool,
    diff: bool,
    /// How outputs are written.
    policy: Policy,
    from: Option<Kind>,
    options: Options,
}

/// Counters shared with the progress line.
#[derive(Default)]
struct Counters {
    done: AtomicUsize,
    bytes: AtomicU64,
}

/// Runs a batch and returns the exit status: 0, 1 (`--check` found differences) or 2 (a file failed).
pub fn run(cmd: Batch) -> u8 {
    let start = Instant::now();
    let out_dir = match &cmd.target {
        Target::OutDir(dir) => Some(dir.as_path()),
        Target::InPlace => None,
    };
    let (inputs, problems) = files::collect(&cmd.inputs, &cmd.globs, out_dir);
    for (path, cause) in &problems {
        report(Some(path), cause);
    }
    let inputs = match cmd.shard {
        Some(shard) => files::shard(inputs, shard),
        None => inputs,
    };
    let tasks = plan(inputs, &cmd.target);
    // Largest files first, so that no big file starts last and keeps one core busy after the others are done.
    let mut order: Vec<(u64, usize)> = tasks
        .iter()
        .enumerate()
        .map(|(i, t)| (fs::metadata(&t.input.path).map_or(0, |m| m.len()), i))
        .collect();
    order.sort_by_key(|&(size, i)| (std::cmp::Reverse(size), i));
    let edit = cmd.target == Target::InPlace;
    let config = Config {
        target: cmd.target,
        check: cmd.check,
        diff: cmd.diff,
        policy: Policy { sync: cmd.sync, edit },
        from: cmd.from,
        options: cmd.options,
    };
    let threads = cmd
        .jobs
        .unwrap_or_else(|| thread::available_parallelism().map_or(1, |n| n.get()))
        .min(tasks.len())
        .max(1);
    let counters = Counters::default();
    let progress = !cmd.quiet && io::stderr().is_terminal() && !tasks.is_empty();

    let next = AtomicUsize::new(0);
    let finished = AtomicBool::new(false);
    let mut outcomes: Vec<(usize, Outcome)> = Vec::with_capacity(tasks.len());
    thread::scope(|scope| {
        let progress_thread = progress.then(|| {
            PROGRESS.store(true, Ordering::Relaxed);
            scope.spawn(|| draw_progress(&counters, tasks.len(), start, &finished))
        });
        let mut workers = Vec::new();
        for _ in 0..threads {
            let worker = || {
                let mut mine = Vec::new();
                while let Some(&(_, i)) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                    mine.push((i, process(&tasks[i], &config, &counters)));
                    counters.done.fetch_add(1, Ordering::Relaxed);
                }
                mine
            };
            match thread::Builder::new().stack_size(STACK).spawn_scoped(scope, worker) {
                Ok(handle) => workers.push(handle),
                // Fewer threads than asked is still a run; with none, the work is done here.
                Err(e) if workers.is_empty() => {
                    report(
                        None,
                        &format!("cannot start a thread ({e}); converting on the main thread"),
                    );
                    outcomes.extend(worker());
                }
                Err(_) => break,
            }
        }
        for handle in workers {
            match handle.join() {
                Ok(mine) => outcomes.extend(mine),
                Err(_) => report(None, "a worker thread stopped unexpectedly"),
            }
        }
        finished.store(true, Ordering::Relaxed);
        if let Some(handle) = progress_thread {
            handle.thread().unpark();
            let _ = handle.join();
        }
    });
    PROGRESS.store(false, Ordering::Relaxed);
    outcomes.sort_by_key(|(i, _)| *i);

    // Differences go to stdout in path order, so that CI logs compare between runs.
    let mut stdout = io::stdout().lock();
    let (mut written, mut unchanged, mut differ, mut skipped, mut failed) = (0, 0, 0, 0, problems.len());
    for (i, outcome) in &outcomes {
        match outcome {
            Outcome::Written => written += 1,
            Outcome::Unchanged => unchanged += 1,
            Outcome::Skipped => skipped += 1,
            Outcome::Failed => failed += 1,
            Outcome::Differs { missing, diff } => {
                differ += 1;
                let task = &tasks[*i];
                let dest = quote(&task.dest);
                let _ = writeln!(stdout, "{dest}{}", if *missing { " (missing)" } else { "" });
                if let Some(diff) = diff {
                    let _ = write!(
                        stdout,
                        "--- {dest} (on disk)\n+++ {} (converted)\n{diff}",
                        quote(&task.input.path)
                    );
                }
            }
        }
    }
    let _ = stdout.flush();
    let lost = tasks.len() - outcomes.len();
    failed += lost;

    if !cmd.quiet {
        let secs = start.elapsed().as_secs_f64().max(1e-9);
        let bytes = counters.bytes.load(Ordering::Relaxed);
        let mb = bytes as f64 / 1e6;
        let mut line = format!(
            "{}{} files ({:.2} MB) in {:.2} s: {:.1} MB/s, {:.0} files/s, {} thread{}; ",
            match cmd.shard {
                Some((k, n)) => format!("shard {k}/{n}: "),
                None => String::new(),
            },
            tasks.len(),
            mb,
            secs,
            mb / secs,
            tasks.len() as f64 / secs,
            threads,
            if threads == 1 { "" } else { "s" },
        );
        if config.check {
            line += &format!("{differ} differ, {unchanged} up to date");
        } else {
            line += &format!("{written} written, {unchanged} unchanged");
        }
        if skipped > 0 {
            line += &format!(", {skipped} skipped (HTML, not rewritten in place)");
        }
        line += &format!(", {failed} failed");
        report(None, &line);
    }
    if failed > 0 {
        2
    } else if differ > 0 {
        1
    } else {
        0
    }
}

/// The destination of each input, refusing those that would write where another input writes or over
/// themselves. With `--in-place`, a file reached by several paths (links) is converted once, by its first path:
/// two workers rewriting one file would race, one reading what the other is writing.
fn plan(inputs: Vec<Input>, target: &Target) -> Vec<Task> {
    let out_canonical = match target {
        Target::OutDir(dir) => fs::canonicalize(dir).ok(),
        Target::InPlace => None,
    };
    let mut seen: HashMap<PathBuf, PathBuf> = HashMap::new();
    let mut rewritten: HashSet<FileId> = HashSet::new();
    inputs
        .into_iter()
        .filter(|input| match target {
            Target::InPlace => file_id(&input.path).is_none_or(|id| rewritten.insert(id)),
            Target::OutDir(_) => true,
        })
        .map(|input| {
            let (dest, refused) = match target {
                Target::InPlace => (input.path.clone(), None),
                Target::OutDir(dir) => {
                    let rel = input.rel.with_extension("md");
                    let dest = dir.join(&rel);
                    // The output would be the input itself: by its path, or through a symbolic link at the
                    // output's path, which the write would follow.
                    let own = fs::canonicalize(&input.path).is_ok_and(|input| {
                        out_canonical.as_ref().is_some_and(|out| input == out.join(&rel))
                            || fs::canonicalize(&dest).is_ok_and(|dest| dest == input)
                    });
                    let refused = if own {
                        Some(format!(
                            "{} would overwrite its own input (use --in-place to rewrite inputs)",
                            quote(&dest)
                        ))
                    } else {
                        seen.get(&dest).map(|first| {
                            format!(
                                "not converted: {} is already written from {}",
                                quote(&dest),
                                quote(first)
                            )
                        })
                    };
                    seen.entry(dest.clone()).or_insert_with(|| input.path.clone());
                    (dest, refused)
                }
            };
            Task { input, dest, refused }
        })
        .collect()
}

/// Converts one file and writes or compares its output; failures are reported here.
fn process(task: &Task, config: &Config, counters: &Counters) -> Outcome {
    let path = &task.input.path;
    let shown = Some(path.as_path());
    if let Some(why) = &task.refused {
        report(shown, why);
        return Outcome::Failed;
    }
    let bytes = match files::read_input(path) {
        Ok(bytes) => bytes,
        Err(why) => {
            report(shown, &why);
            return Outcome::Failed;
        }
    };
    counters.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
    if let Some(limit) = config.options.max_input_bytes.filter(|&l| bytes.len() as u64 > l) {
        report(shown, &format!("the input is larger than the limit of {limit} bytes"));
        return Outcome::Failed;
    }
    let kind = config
        .from
        .unwrap_or_else(|| kind_of(path, &bytes[..bytes.len().min(4096)]));
    if config.target == Target::InPlace && kind == Kind::Html {
        if task.input.explicit {
            report(
                shown,
                "is HTML: --in-place rewrites Markdown archives only (use --out-dir, or --from markdown)",
            );
            return Outcome::Failed;
        }
        return Outcome::Skipped;
    }
    let converted = catch_unwind(AssertUnwindSafe(|| match kind {
        // HTML bytes are decoded by the library (BOM, --charset, <meta charset>, detection).
        Kind::Html => {
            let mut md = Vec::new();
            match html2cmark::convert_reader(&bytes[..], &mut md, &config.options) {
                Ok(()) => Ok(String::from_utf8_lossy(&md).into_owned()),
                Err(e) => Err(e.to_string()),
            }
        }
        Kind::Markdown => {
            let (text, bad) = decode(&bytes);
            if let Some(at) = bad {
                report(shown, &lossy_warning(at));
            }
            Ok(html2cmark::convert_markdown(&text, &config.options))
        }
    }));
    let converted = match converted {
        Ok(Err(why)) => {
            report(shown, &why);
            return Outcome::Failed;
        }
        Ok(Ok(md)) => Ok(md),
        Err(panic) => Err(panic),
    };
    let Ok(md) = converted else {
        report(
            shown,
            "internal error: the converter panicked on this file (please report it)",
        );
        return Outcome::Failed;
    };

    let dest_shown = Some(task.dest.as_path());
    let existing = match config.target {
        Target::InPlace => Ok(bytes),
        Target::OutDir(_) => read_output(&task.dest),
    };
    let missing = match existing {
        Ok(old) if old == md.as_bytes() => return Outcome::Unchanged,
        Ok(old) if config.check => {
            let diff = config.diff.then(|| short_diff(&String::from_utf8_lossy(&old), &md));
            return Outcome::Differs { missing: false, diff };
        }
        Ok(_) => false,
        Err(e) if e.kind() == io::ErrorKind::NotFound => true,
        Err(e) if config.check => {
            report(dest_shown, &format!("cannot read the existing output: {e}"));
            return Outcome::Failed;
        }
        // Writing will fail with the telling error (a folder in the way, …) or succeed.
        Err(_) => false,
    };
    if config.check {
        let diff = config.diff.then(|| short_diff("", &md));
        return Outcome::Differs { missing, diff };
    }
    if let Some(parent) = task.dest.parent().filter(|p| !p.as_os_str().is_empty()) {
        if let Err(e) = fs::create_dir_all(parent) {
            report(Some(parent), &format!("cannot create the folder: {e}"));
            return Outcome::Failed;
        }
    }
    match write_file(&task.dest, md.as_bytes(), config.policy) {
        Ok(()) => Outcome::Written,
        Err(e) => {
            report(dest_shown, &format!("cannot write: {e}"));
            Outcome::Failed
        }
    }
}

/// The existing output at `dest`, to compare with. Only a regular file is read: a FIFO or a device given as an
/// output (through a link) would block or never end, and is written every time (`--check` cannot compare it).
fn read_output(dest: &Path) -> io::Result<Vec<u8>> {
    match fs::metadata(dest) {
        Ok(m) if !m.is_file() && !m.is_dir() => Err(io::Error::other("not a regular file, so it cannot be compared")),
        _ => fs::read(dest),
    }
}

/// Redraws the progress line on stderr every tenth of a second until `finished`, then clears it.
fn draw_progress(counters: &Counters, total: usize, start: Instant, finished: &AtomicBool) {
    let draw = |text: &str| {
        let _guard = STDERR.lock().unwrap_or_else(|e| e.into_inner());
        let mut err = io::stderr().lock();
        let _ = write!(err, "\r\x1b[K{text}");
        let _ = err.flush();
    };
    while !finished.load(Ordering::Relaxed) {
        let done = counters.done.load(Ordering::Relaxed);
        let mb = counters.bytes.load(Ordering::Relaxed) as f64 / 1e6;
        let secs = start.elapsed().as_secs_f64().max(1e-9);
        let width = 30;
        let filled = (done * width).checked_div(total).unwrap_or(0);
        draw(&format!(
            "[{}{}] {done}/{total} files, {mb:.1} MB, {:.1} MB/s",
            "#".repeat(filled),
            " ".repeat(width - filled),
            mb / secs
        ));
        thread::park_timeout(Duration::from_millis(100));
    }
    draw("");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(path: &str, rel: &str) -> Input {
        Input {
            path: path.into(),
            rel: rel.into(),
            explicit: false,
        }
    }

    #[test]
    fn plan_maps_and_refuses_collisions() {
        let tasks = plan(
            vec![
                input("in/a/x.html", "a/x.html"),
                input("in/a/x.md", "a/x.md"),
                input("in/b.htm", "b.htm"),
            ],
            &Target::OutDir("out".into()),
        );
        assert_eq!(tasks[0].dest, Path::new("out/a/x.md"));
        assert!(tasks[0].refused.is_none());
        assert!(tasks[1].refused.as_deref().is_some_and(|r| r.contains("in/a/x.html")));
        assert_eq!(tasks[2].dest, Path::new("out/b.md"));
        assert!(tasks.iter().all(|t| t.dest.starts_with("out")));
    }
}
