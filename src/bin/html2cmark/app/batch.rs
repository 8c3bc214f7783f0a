//! Many inputs to many outputs, on all cores: `--out-dir`, `--in-place`, `--check`.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::{self, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use html2cmark::Options;

use super::args::{Batch, Report, Target};
use super::diff::short_diff;
use super::files::{self, Input, Kind, Problem, kind_of};
use super::output::{FileId, Policy, decode, file_id, lossy_warning, write_file};
use super::progress::{self, Bar};
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
    Differs {
        missing: bool,
        diff: Option<String>,
    },
    Skipped,
    /// Reported on stderr already; the message for `--report json`.
    Failed(String),
}

impl Outcome {
    /// The status word of `--report json`.
    fn status(&self) -> &'static str {
        match self {
            Outcome::Written => "written",
            Outcome::Unchanged => "unchanged",
            Outcome::Differs { missing: true, .. } => "missing",
            Outcome::Differs { missing: false, .. } => "differs",
            Outcome::Skipped => "skipped",
            Outcome::Failed(_) => "failed",
        }
    }
}

/// Reports `message` for `path` and returns the failure.
fn failed(path: Option<&Path>, message: String) -> Outcome {
    report(path, &message);
    Outcome::Failed(message)
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
    /// Bytes read from the inputs.
    bytes: AtomicU64,
    /// The sizes (as listed before the run) of the files finished.
    done_bytes: AtomicU64,
}

/// `n` and `word`, plural unless `n` is 1: "1 file", "2 files".
fn count(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// Checks `--out-dir` once, before any input: a file in its place, or a folder that cannot be created or
/// written to, is one error rather than one per input. A write run creates the folder; `--check` only reads.
fn prepare_out_dir(dir: &Path, check: bool) -> Result<(), String> {
    match fs::metadata(dir) {
        Ok(m) if !m.is_dir() => return Err("--out-dir names a file, not a folder".into()),
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound && check => return Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if let Err(e) = fs::create_dir_all(dir) {
                let why = if e.kind() == io::ErrorKind::NotADirectory || e.kind() == io::ErrorKind::AlreadyExists {
                    " (a part of the path is a file)"
                } else {
                    ""
                };
                return Err(format!("cannot create the output folder: {e}{why}"));
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotADirectory => {
            return Err("cannot use the output folder: a part of the path is a file".into());
        }
        Err(e) => return Err(format!("cannot use the output folder: {e}")),
    }
    if check {
        return Ok(());
    }
    // A probe file, as the outputs' temporaries are made: whether the folder takes new files at all.
    let probe = dir.join(format!(".html2cmark-probe.{}.tmp", std::process::id()));
    match fs::OpenOptions::new().write(true).create_new(true).open(&probe) {
        Ok(_) => {
            let _ = fs::remove_file(&probe);
            Ok(())
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(format!("cannot write in the output folder: {e}")),
    }
}

/// The paths listed in `--files-from` (`-`: stdin), one a line; blank lines are skipped.
fn read_list(list: &Path) -> Result<Vec<PathBuf>, String> {
    let bytes = if list.as_os_str() == "-" {
        let mut bytes = Vec::new();
        io::Read::read_to_end(&mut io::stdin().lock(), &mut bytes).map(|_| bytes)
    } else {
        fs::read(list)
    }
    .map_err(|e| format!("--files-from: cannot read: {e}"))?;
    let text = String::from_utf8(bytes).map_err(|_| "--files-from: the list is not valid UTF-8".to_string())?;
    Ok(text
        .lines()
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .filter(|l| !l.trim().is_empty())
        .map(PathBuf::from)
        .collect())
}

/// What [`inputs`] found.
struct Found {
    /// The inputs to convert.
    chosen: Vec<Input>,
    /// Every input under the PATHs: their outputs are not stale.
    all: Vec<Input>,
    problems: Vec<Problem>,
}

/// The inputs of the run, and the problems met: the files under the PATHs, or with `--files-from` the listed
/// files among them (with no PATH, the listed files themselves, as if named on the command line); and every
/// file under the PATHs, whose outputs are not stale.
fn inputs(cmd: &Batch, out_dir: Option<&Path>) -> Result<Found, String> {
    let listed = cmd.files_from.as_deref().map(read_list).transpose()?;
    let Some(listed) = listed else {
        let (all, problems) = files::collect(&cmd.inputs, &cmd.globs, out_dir);
        return Ok(Found {
            chosen: all.clone(),
            all,
            problems,
        });
    };
    if cmd.inputs.is_empty() {
        let (chosen, problems) = files::collect(&listed, &cmd.globs, out_dir);
        return Ok(Found {
            chosen,
            all: Vec::new(),
            problems,
        });
    }
    let (all, problems) = files::collect(&cmd.inputs, &cmd.globs, out_dir);
    // Listed paths are compared with the inputs found, both made absolute and canonical where they exist:
    // `git diff --name-only` lists paths from the repository's root, a file that was deleted is not there.
    let canonical = |p: &Path| fs::canonicalize(p).ok();
    let wanted: HashSet<PathBuf> = listed.iter().filter_map(|p| canonical(p)).collect();
    let chosen = all
        .iter()
        .filter(|i| canonical(&i.path).is_some_and(|c| wanted.contains(&c)))
        .cloned()
        .collect();
    Ok(Found { chosen, all, problems })
}

/// The outputs in `dir` that no input writes: the `.md` files below it (hidden entries and the input folders
/// skipped, links not followed), sorted.
fn stale_outputs(dir: &Path, dests: &HashSet<PathBuf>, inputs: &[PathBuf]) -> Vec<PathBuf> {
    fn walk(dir: &Path, dests: &HashSet<PathBuf>, inputs: &HashSet<PathBuf>, out: &mut Vec<PathBuf>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_name().to_string_lossy().starts_with('.')
                || fs::canonicalize(&path).is_ok_and(|c| inputs.contains(&c))
            {
                continue;
            }
            match entry.file_type() {
                Ok(t) if t.is_dir() => walk(&path, dests, inputs, out),
                Ok(t)
                    if (t.is_file() || t.is_symlink())
                        && path.extension().is_some_and(|e| e == "md")
                        && !dests.contains(&path) =>
                {
                    out.push(path);
                }
                _ => {}
            }
        }
    }
    let inputs: HashSet<PathBuf> = inputs.iter().filter_map(|p| fs::canonicalize(p).ok()).collect();
    let mut out = Vec::new();
    walk(dir, dests, &inputs, &mut out);
    out.sort();
    out
}

/// Removes a stale output, then the folders it leaves empty up to `root` (not `root` itself).
fn prune(path: &Path, root: &Path) -> io::Result<()> {
    fs::remove_file(path)?;
    let mut folder = path.parent();
    while let Some(dir) = folder.filter(|d| *d != root && d.starts_with(root)) {
        if fs::remove_dir(dir).is_err() {
            break;
        }
        folder = dir.parent();
    }
    Ok(())
}

/// What became of a stale output.
enum Stale {
    /// Listed by `--check` (a failure), or kept by a write run without `--prune`.
    Found,
    Pruned,
    Failed(String),
}

/// Runs a batch and returns the exit status: 0, 1 (`--check` found differences or stale outputs) or 2 (a file
/// failed, or nothing matched).
pub fn run(cmd: Batch) -> u8 {
    let start = Instant::now();
    let out_dir = match &cmd.target {
        Target::OutDir(dir) => Some(dir.as_path()),
        Target::InPlace => None,
    };
    if let Some(dir) = out_dir {
        if let Err(why) = prepare_out_dir(dir, cmd.check) {
            report(Some(dir), &why);
            return 2;
        }
    }
    let Found { chosen, all, problems } = match inputs(&cmd, out_dir) {
        Ok(found) => found,
        Err(why) => {
            report(None, &why);
            return 2;
        }
    };
    for (path, cause) in &problems {
        report(Some(path), cause);
    }
    if all.is_empty() && chosen.is_empty() && problems.is_empty() && !cmd.allow_empty {
        let globs = if cmd.patterns.is_empty() {
            "the default extensions (see --help)".to_string()
        } else {
            cmd.patterns
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        report(
            None,
            &format!("no input files: nothing under the paths given matches {globs}; --allow-empty accepts that"),
        );
        return 2;
    }
    // Outputs are stale against every input under the PATHs, so that `--files-from` and `--shard` runs agree
    // with a whole run; each shard takes its share of them.
    let mut stale = match out_dir {
        Some(dir) if cmd.files_from.is_none() || !cmd.inputs.is_empty() => {
            let dests: HashSet<PathBuf> = plan(all, &cmd.target).into_iter().map(|t| t.dest).collect();
            let roots: Vec<PathBuf> = cmd.inputs.iter().filter(|p| p.is_dir()).cloned().collect();
            stale_outputs(dir, &dests, &roots)
        }
        _ => Vec::new(),
    };
    let inputs = match cmd.shard {
        Some(shard) => {
            stale = files::shard_of(stale, shard);
            files::shard(chosen, shard)
        }
        None => chosen,
    };
    let tasks = plan(inputs, &cmd.target);
    // Largest files first, so that no big file starts last and keeps one core busy after the others are done.
    let mut order: Vec<(u64, usize)> = tasks
        .iter()
        .enumerate()
        .map(|(i, t)| (fs::metadata(&t.input.path).map_or(0, |m| m.len()), i))
        .collect();
    order.sort_by_key(|&(size, i)| (std::cmp::Reverse(size), i));
    let total_bytes: u64 = order.iter().map(|&(size, _)| size).sum();
    let edit = cmd.target == Target::InPlace;
    let config = Config {
        target: cmd.target.clone(),
        check: cmd.check,
        diff: cmd.diff,
        policy: Policy { sync: cmd.sync, edit },
        from: cmd.from,
        options: cmd.options.clone(),
    };
    let threads = cmd
        .jobs
        .unwrap_or_else(|| thread::available_parallelism().map_or(1, |n| n.get()))
        .min(tasks.len())
        .max(1);
    let counters = Counters::default();
    let progress = if cmd.quiet || tasks.is_empty() {
        None
    } else {
        Bar::on_stderr(tasks.len(), total_bytes)
    };

    let next = AtomicUsize::new(0);
    let finished = AtomicBool::new(false);
    let mut outcomes: Vec<(usize, Outcome)> = Vec::with_capacity(tasks.len());
    thread::scope(|scope| {
        let progress_thread = progress.map(|bar| {
            PROGRESS.store(true, Ordering::Relaxed);
            let (counters, finished) = (&counters, &finished);
            scope.spawn(move || draw_progress(bar, counters, start, finished))
        });
        let mut workers = Vec::new();
        for _ in 0..threads {
            let worker = || {
                let mut mine = Vec::new();
                while let Some(&(size, i)) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                    mine.push((i, process(&tasks[i], &config, &counters)));
                    counters.done.fetch_add(1, Ordering::Relaxed);
                    counters.done_bytes.fetch_add(size, Ordering::Relaxed);
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

    // Stale outputs: listed (a failure of --check), removed with --prune, or counted.
    let stale: Vec<(PathBuf, Stale)> = stale
        .into_iter()
        .map(|path| {
            let what = match out_dir {
                Some(dir) if cmd.prune => {
                    if problems.is_empty() {
                        match prune(&path, dir) {
                            Ok(()) => Stale::Pruned,
                            Err(e) => Stale::Failed(format!("cannot remove the stale output: {e}")),
                        }
                    } else {
                        Stale::Failed(
                            "stale output kept: some inputs could not be read, so --prune removes nothing".into(),
                        )
                    }
                }
                _ => Stale::Found,
            };
            if let Stale::Failed(why) = &what {
                report(Some(&path), why);
            }
            (path, what)
        })
        .collect();

    // Differences go to stdout in path order, so that CI logs compare between runs.
    let mut stdout = io::stdout().lock();
    let json = cmd.report == Some(Report::Json);
    let (mut written, mut unchanged, mut differ, mut skipped, mut failed) = (0, 0, 0, 0, problems.len());
    for (i, outcome) in &outcomes {
        match outcome {
            Outcome::Written => written += 1,
            Outcome::Unchanged => unchanged += 1,
            Outcome::Skipped => skipped += 1,
            Outcome::Failed(_) => failed += 1,
            Outcome::Differs { missing, diff } => {
                differ += 1;
                if json {
                    continue;
                }
                let task = &tasks[*i];
                let dest = quote(&task.dest);
                let _ = writeln!(stdout, "{dest}{}", if *missing { " (missing)" } else { "" });
                match diff {
                    Some(diff) => {
                        let _ = write!(
                            stdout,
                            "--- {dest} (on disk)\n+++ {} (converted)\n{diff}",
                            quote(&task.input.path)
                        );
                    }
                    None if *missing && config.diff => {
                        let _ = writeln!(
                            stdout,
                            "(no file at {dest}: the conversion of {} would be written there)",
                            quote(&task.input.path)
                        );
                    }
                    None => {}
                }
            }
        }
    }
    let (mut stale_found, mut pruned) = (0, 0);
    for (path, what) in &stale {
        match what {
            Stale::Found => {
                stale_found += 1;
                if config.check && !json {
                    let _ = writeln!(stdout, "{} (stale: no input writes it)", quote(path));
                }
            }
            Stale::Pruned => pruned += 1,
            Stale::Failed(_) => failed += 1,
        }
    }
    let lost = tasks.len() - outcomes.len();
    failed += lost;
    let status = if failed > 0 {
        2
    } else if differ > 0 || (config.check && stale_found > 0) {
        1
    } else {
        0
    };
    if json {
        let _ = stdout.write_all(json_report(&tasks, &outcomes, &problems, &stale, config.check, status).as_bytes());
    }
    let _ = stdout.flush();

    if !cmd.quiet {
        let secs = start.elapsed().as_secs_f64().max(1e-9);
        let bytes = counters.bytes.load(Ordering::Relaxed);
        let mb = bytes as f64 / 1e6;
        let mut line = format!(
            "{}{} ({:.2} MB) in {:.2} s: {:.1} MB/s, {:.0} files/s, {}; ",
            match cmd.shard {
                Some((k, n)) => format!("shard {k}/{n}: "),
                None => String::new(),
            },
            count(tasks.len(), "file"),
            mb,
            secs,
            mb / secs,
            tasks.len() as f64 / secs,
            count(threads, "thread"),
        );
        if config.check {
            line += &format!("{differ} differ, {unchanged} up to date");
        } else {
            line += &format!("{written} written, {unchanged} unchanged");
        }
        if skipped > 0 {
            line += &format!(", {skipped} skipped (HTML, not rewritten in place)");
        }
        if stale_found > 0 {
            line += &if config.check {
                format!(", {stale_found} stale")
            } else {
                format!(", {stale_found} stale kept (--prune removes them)")
            };
        }
        if pruned > 0 {
            line += &format!(", {pruned} stale removed");
        }
        line += &format!(", {failed} failed");
        report(None, &line);
    }
    status
}

/// The `--report json` document: one object per input (and per input problem and stale output), in path
/// order, and the totals.
fn json_report(
    tasks: &[Task],
    outcomes: &[(usize, Outcome)],
    problems: &[Problem],
    stale: &[(PathBuf, Stale)],
    check: bool,
    status: u8,
) -> String {
    let mut files = Vec::new();
    let mut totals: std::collections::BTreeMap<&str, usize> = Default::default();
    let mut entry = |input: Option<&Path>, output: Option<&Path>, status: &'static str, message: Option<&str>| {
        *totals.entry(status).or_default() += 1;
        let mut line = String::from("{");
        if let Some(input) = input {
            line += &format!("\"input\":{},", json_string(&input.to_string_lossy()));
        }
        if let Some(output) = output {
            line += &format!("\"output\":{},", json_string(&output.to_string_lossy()));
        }
        line += &format!("\"status\":\"{status}\"");
        if let Some(message) = message {
            line += &format!(",\"message\":{}", json_string(message));
        }
        line.push('}');
        files.push(line);
    };
    for (path, cause) in problems {
        entry(Some(path), None, "failed", Some(cause));
    }
    for (i, outcome) in outcomes {
        let task = &tasks[*i];
        let message = match outcome {
            Outcome::Failed(why) => Some(why.as_str()),
            _ => None,
        };
        entry(Some(&task.input.path), Some(&task.dest), outcome.status(), message);
    }
    for (path, what) in stale {
        match what {
            Stale::Found => entry(None, Some(path), "stale", None),
            Stale::Pruned => entry(None, Some(path), "pruned", None),
            Stale::Failed(why) => entry(None, Some(path), "failed", Some(why)),
        }
    }
    let totals: Vec<String> = totals.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
    format!(
        "{{\"mode\":\"{}\",\"exit\":{status},\"totals\":{{{}}},\"files\":[\n{}\n]}}\n",
        if check { "check" } else { "write" },
        totals.join(","),
        files.join(",\n")
    )
}

/// `text` as a JSON string.
fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
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
        return failed(shown, why.clone());
    }
    let bytes = match files::read_input(path) {
        Ok(bytes) => bytes,
        Err(why) => {
            return failed(shown, why);
        }
    };
    counters.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
    if let Some(limit) = config.options.max_input_bytes.filter(|&l| bytes.len() as u64 > l) {
        return failed(shown, format!("the input is larger than the limit of {limit} bytes"));
    }
    let kind = config
        .from
        .unwrap_or_else(|| kind_of(path, &bytes[..bytes.len().min(4096)]));
    if config.target == Target::InPlace && kind == Kind::Html {
        if task.input.explicit {
            return failed(
                shown,
                "is HTML: --in-place rewrites Markdown archives only (use --out-dir, or --from markdown)".into(),
            );
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
            return failed(shown, why);
        }
        Ok(Ok(md)) => Ok(md),
        Err(panic) => Err(panic),
    };
    let Ok(md) = converted else {
        return failed(
            shown,
            "internal error: the converter panicked on this file (please report it)".into(),
        );
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
            return failed(dest_shown, format!("cannot read the existing output: {e}"));
        }
        // Writing will fail with the telling error (a folder in the way, …) or succeed.
        Err(_) => false,
    };
    if config.check {
        // A missing output has nothing to compare with: it is listed as missing, not diffed against nothing.
        return Outcome::Differs { missing, diff: None };
    }
    if let Some(parent) = task.dest.parent().filter(|p| !p.as_os_str().is_empty()) {
        if let Err(e) = fs::create_dir_all(parent) {
            return failed(Some(parent), format!("cannot create the folder: {e}"));
        }
    }
    match write_file(&task.dest, md.as_bytes(), config.policy) {
        Ok(()) => Outcome::Written,
        Err(e) => failed(dest_shown, format!("cannot write: {e}")),
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
fn draw_progress(bar: Bar, counters: &Counters, start: Instant, finished: &AtomicBool) {
    let draw = |text: &str| {
        let _guard = STDERR.lock().unwrap_or_else(|e| e.into_inner());
        let mut err = io::stderr().lock();
        let _ = write!(err, "\r\x1b[K{text}");
        let _ = err.flush();
    };
    while !finished.load(Ordering::Relaxed) {
        let done = counters.done.load(Ordering::Relaxed);
        let done_bytes = counters.done_bytes.load(Ordering::Relaxed);
        let rate = counters.bytes.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64().max(1e-9);
        draw(&bar.line(done, done_bytes, rate, progress::width()));
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
