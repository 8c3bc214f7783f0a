//! Command-line parsing (lexopt), on top of the config file's settings.

use std::ffi::OsString;
use std::path::PathBuf;

use html2cmark::{CodeBlockStyle, HardBreakStyle, HeadingStyle, LinkStyle, Options, ShareLinks, Unsupported};

use super::config;
use super::files::{Kind, Selection};

/// The help text printed by `--help`.
pub const HELP: &str = "\
html2cmark: converts HTML (or Markdown carrying raw HTML) to CommonMark with GFM tables, strikethrough and
task lists.

USAGE
    html2cmark [OPTIONS] [FILE | -]                   one file (or stdin) to stdout, streamed
    html2cmark [OPTIONS] --out-dir OUT PATH...         files and folders to OUT/*.md, on all cores
    html2cmark [OPTIONS] --check --out-dir OUT PATH... are the files in OUT up to date? (exit 1 if not)
    html2cmark [OPTIONS] --in-place [--check] PATH...  rewrite Markdown archives in place (or check them)

With no FILE, stdin is converted; empty input (an empty pipe, /dev/null) gives empty output. Only when stdin
is a terminal is the bundled sample article converted instead, with a note on stderr.

INPUT KINDS
    HTML is converted as a whole document. Markdown that carries raw HTML (news archives, Jekyll posts) keeps
    its Markdown byte for byte and has its HTML converted. The kind comes from the extension: .md and
    .markdown are Markdown, .txt is Markdown when its first line is an HTML comment or `---` (front matter),
    anything else (and stdin) is HTML.
    --from html|markdown        use this kind for every input

BATCH (--out-dir OUT, --in-place)
    Each PATH is a file or a folder; folders are searched recursively (hidden entries and OUT itself are
    skipped). A file found in folder DIR at DIR/a/b.html is written to OUT/a/b.md; a file named on the
    command line is written to OUT/<its name>.md. Outputs are written only when their content changes (see
    OUTPUT FILES).
    --glob PATTERN              select the files found in folders by PATTERN (repeatable; a file is taken when
                                it matches any pattern, and `!PATTERN` excludes). Glob syntax: `*` and `?`
                                within one path segment, `**/` across folders, `[0-9]`, `[!a]`, `{html,md}`,
                                `\\` escapes; a pattern without `/` is matched against the file name, one with
                                `/` against the path relative to the folder given. A pattern that is not a
                                glob (`[0-9`) is an error. Default: *.html *.htm *.xhtml *.md *.markdown *.txt.
                                Files named on the command line are always taken.
    --files-from FILE           convert only the files listed in FILE (`-`: stdin), one path a line, e.g.
                                from `git diff --name-only`: with PATHs, the listed files among those they
                                select (same outputs as a whole run; others in the list are ignored);
                                without, the listed files as if named on the command line
    --allow-empty               a batch that matches no input at all succeeds (otherwise: exit 2, so that a
                                wrong path or pattern cannot make --check pass while checking nothing)
    -j, --jobs N                threads (default: all available cores); short options combine: -qj2
    --shard K/N                 process only shard K of N (1 <= K <= N): the files, sorted by path, whose
                                index modulo N is K-1; the N shards partition the set exactly
    --in-place                  rewrite Markdown archives in place; HTML files found in folders are skipped,
                                HTML files named on the command line are an error
    --check                     convert in memory and compare with the existing outputs (OUT/*.md, or the
                                files themselves with --in-place); print the paths that differ or are
                                missing, and the stale outputs (OUT/**/*.md that no input writes); write
                                nothing
    --diff                      with --check, also print a short line diff for each differing file
    --prune                     in a write run with --out-dir, remove the stale outputs (and the folders they
                                leave empty); refused when an input could not be read. Without it a write
                                run keeps them and counts them in the summary
    --report json               print one JSON object on stdout instead of the listing: each file's input,
                                output and status (written, unchanged, differs, missing, stale, pruned,
                                skipped, failed with its message), the totals and the exit status
    -q, --quiet                 no summary line on stderr; the progress line (bytes done, fitted to the
                                terminal's width) shows only when stderr is a terminal

CONFIG FILE
    The inputs, out-dir, globs, allow-empty and the conversion and style options of a batch can be kept in
    html2cmark.toml, so that the write run and the --check run cannot drift apart. Keys are the flags'
    names without the dashes; inputs, globs, drop and keep-html are lists; relative paths are relative to
    the file's folder. Run modes (--check, --diff, --prune, --in-place, --jobs, --shard, ...) stay flags.
        inputs = [\"site\"]
        out-dir = \"md\"
        globs = [\"*.html\", \"!drafts/**\"]
        link-style = \"numbered\"
        tables = false
    Flags override the file's keys; paths, --glob, --drop and --keep-html given as flags replace the file's
    lists. With -o, --events or `-` (stdin), or when neither the file nor the flags name an output folder,
    only the file's conversion options apply; with --in-place its out-dir does not. An unknown key or a bad
    value is an error naming the file, the line and the key.
    --config FILE               read FILE; default: html2cmark.toml in the working folder or the nearest
                                folder above it
    --no-config                 ignore any config file
    --no-allow-empty, --no-front-matter, --no-allow-unsafe-urls, --no-allow-data-images,
    --no-readable-urls, --no-drop-page-chrome
                                turn off what the file turns on (as --tables, --strikethrough, --task-lists
                                turn on what it turns off)

ONE-SHOT
    -o, --output FILE           write to FILE (see OUTPUT FILES) instead of stdout
    --events                    print the event stream instead of Markdown (HTML input only), for debugging

OUTPUT FILES (-o, --out-dir, --in-place)
    A regular file is replaced atomically: a temporary .NAME.PID.N.tmp in its folder, synced to the disk, then
    renamed over it, with the old file's mode (and its owner and group where allowed). A symbolic link stays a
    link: the file it points to is replaced. A device or a FIFO (-o /dev/null) is written, not replaced.
    --in-place edits each file: one with other hard links, or whose owner the new file cannot be given, is
    rewritten through its own inode (links and owner stay; that write is not atomic), and a file reached by
    several paths is converted once. Temporaries a killed run left are removed when their file is next
    written, if their process is gone (Linux). An input that changes size while it is read fails.
    --no-fsync                  do not sync outputs to the disk before the rename: faster for many small files
                                (1.7x on a 287-file batch), but a crash of the machine may leave empty or
                                partial outputs

CONVERSION OPTIONS (named after the fields of html2cmark::Options, with the same defaults)
    --no-tables                 tables become one paragraph per cell
    --no-strikethrough          <del>, <s>, <strike> keep their text without ~~
    --no-task-lists             checkboxes in list items are not written as [ ] / [x]
                                (--tables, --strikethrough, --task-lists turn them back on)
    --unsupported keep-html|keep-content|drop
                                elements Markdown cannot express (<sup>, <u>, ...); default keep-content
    --max-depth N               deepest element nesting kept as structure; default 256
    --max-input-bytes N         refuse larger inputs (the file fails); default: no limit
    --share-links unwrap|keep|drop
                                share and redirect links; default unwrap
    --allow-unsafe-urls         keep javascript:, data:, file: ... links and images
    --allow-data-images         keep raster data:image/... images
    --readable-urls             show percent-encoded non-ASCII characters in URLs as the characters
    --charset LABEL             the encoding of HTML input when known (e.g. from HTTP): gbk, big5, shift_jis...;
                                otherwise a BOM, <meta charset> or detection decides (WHATWG rules)
    --front-matter              start the output with YAML front matter (title, source, date, ...)
    --base-url URL              the URL the page was fetched from: relative links and images are resolved
                                against it (and against the page's <base href>); default: kept as written
    --drop SELECTORS            drop elements matching these simple selectors, with their content
                                (repeatable; comma-separated; tag, .class, #id, [attr], [attr=value],
                                e.g. --drop 'nav, .ads, [data-widget]')
    --keep-html SELECTORS       keep matching elements as raw HTML around their converted content
                                (repeatable; e.g. --keep-html 'sub, sup, kbd, details')
    --drop-page-chrome          drop page navigation: nav, aside, the page's header and footer, forms,
                                role=navigation|banner|contentinfo, aria-hidden=true, hidden

STYLE OPTIONS (the fields of Options::style; none changes what the Markdown means)
    --heading atx|setext        `# Title` (default), or underlined levels 1-2
    --bullet -|*|+              bullet list marker; default -
    --ordered-delimiter .|)     `1.` (default) or `1)`
    --emphasis *|_              emphasis delimiter tried first; default *
    --strong *|_                strong delimiter tried first; default *
    --code-block backticks|tildes|indented
                                code block style; default backticks
    --rule TEXT                 thematic break text, e.g. '* * *'; default ---
    --hard-break backslash|spaces
                                hard line breaks as `\\` at line end (default) or two spaces
    --link-style inline|numbered|text
                                `[text](url)` (default); `[text][1]`, or `[text][]` labelled by the text, with
                                the `[label]: url` definitions at the end of the document
    --wrap N                    wrap paragraph text at spaces to lines of at most N characters where a break
                                is possible (headings, tables and code never); default: no wrapping

    -h, --help                  this help
    -V, --version               the version

EXIT STATUS
    0   success (with --check: everything up to date)
    1   --check found outputs that differ, are missing or are stale
    2   a file failed, an input path is missing, the batch matched no input (without --allow-empty), the
        output folder cannot be used, or a usage error
    A failing file gets one line on stderr, `html2cmark: PATH: cause`, and the batch goes on (2 wins over 1).
    Input that is not valid UTF-8 is converted with U+FFFD replacement characters and a warning. A path holding
    control characters, invisible formatting characters or bytes that are not UTF-8 is shown quoted and
    escaped, as \"a\\nb\\u{1b}\".

EXAMPLES
    html2cmark                                    convert the bundled sample article (on a terminal)
    html2cmark page.html > page.md
    curl -s https://example.org | html2cmark
    html2cmark --from markdown < archive.txt
    html2cmark --out-dir md/ site/ --glob '*.html'
    html2cmark --out-dir md/ site/ --check --diff   in CI: fails when md/ is out of date
    html2cmark --check --diff                      the same, with inputs and out-dir from html2cmark.toml
    git diff --name-only | html2cmark --out-dir md/ site/ --files-from -
    html2cmark --in-place articles/ --shard 2/4     job 2 of a 4-job CI matrix
    html2cmark --events snippet.html
";

/// A machine-readable account of a batch on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Report {
    /// One JSON object: each file's status, and the totals.
    Json,
}

/// Where batch outputs go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `OUT/<relative path>.md`.
    OutDir(PathBuf),
    /// Over the inputs themselves.
    InPlace,
}

/// What the command line asks for.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // One value per process.
pub enum Command {
    Help,
    Version,
    OneShot(OneShot),
    Batch(Batch),
}

/// One input to one output.
#[derive(Debug)]
pub struct OneShot {
    /// `None`: stdin (or the sample when stdin is a terminal); `Some("-")`: stdin.
    pub input: Option<PathBuf>,
    pub output: Option<PathBuf>,
    /// `--output` is synced to the disk before it replaces the old file (not `--no-fsync`).
    pub sync: bool,
    pub from: Option<Kind>,
    pub events: bool,
    pub options: Options,
}

/// Many inputs to many outputs.
#[derive(Debug)]
pub struct Batch {
    pub inputs: Vec<PathBuf>,
    pub target: Target,
    pub check: bool,
    pub diff: bool,
    pub globs: Selection,
    /// The `--glob` patterns as given, for messages.
    pub patterns: Vec<String>,
    /// Zero inputs is a success rather than an error.
    pub allow_empty: bool,
    /// Outputs in OUT that no input writes are removed (write runs with `--out-dir`).
    pub prune: bool,
    /// Only the files listed in this file (`-`: stdin), one path a line.
    pub files_from: Option<PathBuf>,
    pub report: Option<Report>,
    pub jobs: Option<usize>,
    pub shard: Option<(usize, usize)>,
    pub quiet: bool,
    /// Outputs are synced to the disk before they replace the old ones (not `--no-fsync`).
    pub sync: bool,
    pub from: Option<Kind>,
    pub options: Options,
}

/// Everything parsed, before the modes are checked against each other.
#[derive(Default)]
struct Raw {
    inputs: Vec<PathBuf>,
    from: Option<Kind>,
    out_dir: Option<PathBuf>,
    output: Option<PathBuf>,
    globs: Vec<String>,
    allow_empty: bool,
    prune: bool,
    files_from: Option<PathBuf>,
    report: Option<Report>,
    jobs: Option<usize>,
    shard: Option<(usize, usize)>,
    check: bool,
    diff: bool,
    in_place: bool,
    events: bool,
    quiet: bool,
    no_fsync: bool,
    options: Options,
    /// `--config FILE`, `--no-config`.
    config: Option<PathBuf>,
    no_config: bool,
    from_file: FromFile,
}

/// Parses the arguments after the program name, on top of the config file when one applies (see [`config`]). A
/// value goes after `=` or in the next argument, or is attached to a short option (`-j4`); short flags combine
/// (`-qj2`); `--` ends the options.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Command, String> {
    let args: Vec<OsString> = args.into_iter().collect();
    // The command line alone first: it says which config file applies, and which of its keys.
    let mut given = Raw::default();
    if let Some(command) = given.apply(args.clone(), Source::CommandLine)? {
        return Ok(command);
    }
    let path = match (given.no_config, given.config.take()) {
        (true, Some(_)) => return Err("--config and --no-config exclude each other".into()),
        (true, None) => None,
        (false, Some(path)) => Some(path),
        (false, None) => config::find(),
    };
    let Some(path) = path else {
        return given.into_command();
    };
    // A one-shot command line (`-o`, `--events`, stdin) takes the file's conversion options only, and so does
    // one that is not a batch when the file names no output folder; `--in-place` replaces the file's folder.
    let settings = config::load(&path)?;
    let one_shot = given.output.is_some() || given.events || given.inputs.iter().any(|p| p.as_os_str() == "-");
    let file_out_dir = settings.iter().any(|s| s.group == config::Group::OutDir);
    let batch = given.in_place || given.out_dir.is_some() || (file_out_dir && !one_shot);
    let mut raw = Raw::default();
    for setting in &settings {
        let skip = match setting.group {
            config::Group::Batch => !batch,
            config::Group::OutDir => !batch || given.in_place,
            config::Group::Conversion => false,
        };
        if !skip {
            raw.apply(setting.args.clone(), Source::File)
                .map_err(|e| setting.error(&e))?;
            if setting.key == "globs" {
                Selection::new(&raw.globs).map_err(|e| setting.error(&e))?;
            }
        }
    }
    raw.apply(args, Source::CommandLine)?;
    raw.into_command()
}

/// Where arguments come from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    /// The config file's keys, as arguments.
    File,
    /// The command line: its lists replace the file's.
    CommandLine,
}

/// The lists that hold the config file's values until the command line gives its own.
#[derive(Default)]
struct FromFile {
    inputs: bool,
    globs: bool,
    drop: bool,
    keep_html: bool,
}

/// Starts a list that `source` adds to: the command line's first value replaces what the file put there.
fn replace<T>(list: &mut Vec<T>, from_file: &mut bool, source: Source) {
    match source {
        Source::File => *from_file = true,
        Source::CommandLine if *from_file => {
            list.clear();
            *from_file = false;
        }
        Source::CommandLine => {}
    }
}

impl Raw {
    /// Applies `args` to what is parsed so far; `Some` for `--help` and `--version`.
    fn apply(&mut self, args: Vec<OsString>, source: Source) -> Result<Option<Command>, String> {
        use lexopt::Arg;
        let raw = self;
        let mut parser = lexopt::Parser::from_args(args);
        while let Some(arg) = parser.next().map_err(usage)? {
            let name = match arg {
                Arg::Value(path) => {
                    replace(&mut raw.inputs, &mut raw.from_file.inputs, source);
                    raw.inputs.push(path.into());
                    continue;
                }
                Arg::Short(c) => format!("-{c}"),
                Arg::Long(name) => format!("--{name}"),
            };
            let name = name.as_str();
            let o = &mut raw.options;
            match name {
                "-h" | "--help" => return Ok(Some(Command::Help)),
                "-V" | "--version" => return Ok(Some(Command::Version)),
                "--no-config" => raw.no_config = true,
                "--check" => raw.check = true,
                "--diff" => raw.diff = true,
                "--in-place" => raw.in_place = true,
                "--events" => raw.events = true,
                "-q" | "--quiet" => raw.quiet = true,
                "--no-fsync" => raw.no_fsync = true,
                "--allow-empty" | "--no-allow-empty" => raw.allow_empty = name == "--allow-empty",
                "--prune" => raw.prune = true,
                "--no-tables" | "--tables" => o.tables = name == "--tables",
                "--no-strikethrough" | "--strikethrough" => o.strikethrough = name == "--strikethrough",
                "--no-task-lists" | "--task-lists" => o.task_lists = name == "--task-lists",
                "--allow-unsafe-urls" | "--no-allow-unsafe-urls" => o.allow_unsafe_urls = name == "--allow-unsafe-urls",
                "--allow-data-images" | "--no-allow-data-images" => o.allow_data_images = name == "--allow-data-images",
                "--readable-urls" | "--no-readable-urls" => o.readable_urls = name == "--readable-urls",
                "--front-matter" | "--no-front-matter" => o.front_matter = name == "--front-matter",
                "--drop-page-chrome" | "--no-drop-page-chrome" => o.drop_page_chrome = name == "--drop-page-chrome",
                _ => {
                    if !VALUED.contains(&name) {
                        return Err(format!("unknown option `{name}`"));
                    }
                    let value = parser.value().map_err(usage)?;
                    let text = || {
                        value
                            .to_str()
                            .map(str::to_owned)
                            .ok_or_else(|| format!("{name}: the value is not valid UTF-8"))
                    };
                    match name {
                        "--from" => {
                            raw.from = Some(match text()?.as_str() {
                                "html" | "htm" => Kind::Html,
                                "markdown" | "md" => Kind::Markdown,
                                v => return Err(format!("--from: expected html or markdown, got `{v}`")),
                            })
                        }
                        "--out-dir" => raw.out_dir = Some(value.into()),
                        "-o" | "--output" => raw.output = Some(value.into()),
                        "--glob" => {
                            replace(&mut raw.globs, &mut raw.from_file.globs, source);
                            raw.globs.push(text()?);
                        }
                        "--config" => raw.config = Some(value.into()),
                        "--files-from" => raw.files_from = Some(value.into()),
                        "--report" => {
                            raw.report = match text()?.as_str() {
                                "json" => Some(Report::Json),
                                v => return Err(format!("--report: expected json, got `{v}`")),
                            }
                        }
                        "-j" | "--jobs" => {
                            let n = number(name, &text()?)?;
                            if n == 0 {
                                return Err(format!("{name}: needs at least 1"));
                            }
                            raw.jobs = Some(n);
                        }
                        "--shard" => raw.shard = Some(shard(&text()?)?),
                        "--unsupported" => {
                            o.unsupported = match text()?.as_str() {
                                "keep-html" => Unsupported::KeepHtml,
                                "keep-content" => Unsupported::KeepContent,
                                "drop" => Unsupported::Drop,
                                v => {
                                    return Err(format!(
                                        "--unsupported: expected keep-html, keep-content or drop, got `{v}`"
                                    ));
                                }
                            }
                        }
                        "--share-links" => {
                            o.share_links = match text()?.as_str() {
                                "unwrap" => ShareLinks::Unwrap,
                                "keep" => ShareLinks::Keep,
                                "drop" => ShareLinks::Drop,
                                v => return Err(format!("--share-links: expected unwrap, keep or drop, got `{v}`")),
                            }
                        }
                        "--heading" => {
                            o.style.heading = match text()?.as_str() {
                                "atx" => HeadingStyle::Atx,
                                "setext" => HeadingStyle::Setext,
                                v => return Err(format!("--heading: expected atx or setext, got `{v}`")),
                            }
                        }
                        "--code-block" => {
                            o.style.code_block = match text()?.as_str() {
                                "backticks" => CodeBlockStyle::Backticks,
                                "tildes" => CodeBlockStyle::Tildes,
                                "indented" => CodeBlockStyle::Indented,
                                v => {
                                    return Err(format!(
                                        "--code-block: expected backticks, tildes or indented, got `{v}`"
                                    ));
                                }
                            }
                        }
                        "--hard-break" => {
                            o.style.hard_break = match text()?.as_str() {
                                "backslash" => HardBreakStyle::Backslash,
                                "spaces" => HardBreakStyle::Spaces,
                                v => return Err(format!("--hard-break: expected backslash or spaces, got `{v}`")),
                            }
                        }
                        "--link-style" => {
                            o.style.link = match text()?.as_str() {
                                "inline" => LinkStyle::Inline,
                                "numbered" => LinkStyle::ReferenceNumbered,
                                "text" => LinkStyle::ReferenceText,
                                v => return Err(format!("--link-style: expected inline, numbered or text, got `{v}`")),
                            }
                        }
                        "--wrap" => {
                            let n = number(name, &text()?)?;
                            if n == 0 {
                                return Err(format!("{name}: needs at least 1"));
                            }
                            o.style.wrap = Some(n);
                        }
                        "--bullet" => o.style.bullet = one_of(name, &text()?, "-*+")?,
                        "--ordered-delimiter" => o.style.ordered_delimiter = one_of(name, &text()?, ".)")?,
                        "--emphasis" => o.style.emphasis = one_of(name, &text()?, "*_")?,
                        "--strong" => o.style.strong = one_of(name, &text()?, "*_")?,
                        "--rule" => {
                            let rule = text()?;
                            let mut marks = rule.chars().filter(|c| *c != ' ');
                            let first = marks.next();
                            let valid = matches!(first, Some('-' | '*' | '_'))
                                && marks.clone().all(|c| Some(c) == first)
                                && marks.count() >= 2
                                && !rule.starts_with("    ");
                            if !valid {
                                return Err(format!(
                                    "--rule: expected three or more of one of -, *, _ (spaces allowed), got `{rule}`"
                                ));
                            }
                            o.style.rule = rule.into();
                        }
                        "--max-depth" => o.max_depth = number(name, &text()?)?,
                        "--charset" => {
                            let label = text()?;
                            o.encoding = Some(
                                html2cmark::encoding_rs::Encoding::for_label(label.as_bytes())
                                    .ok_or_else(|| format!("--charset: unknown encoding `{label}`"))?,
                            );
                        }
                        "--max-input-bytes" => o.max_input_bytes = Some(number(name, &text()?)? as u64),
                        "--base-url" => {
                            let url = text()?;
                            o.base_url = Some(
                                html2cmark::Url::parse(url.trim())
                                    .map_err(|e| format!("--base-url: `{url}` is not an absolute URL ({e})"))?,
                            );
                        }
                        "--drop" => {
                            replace(&mut o.drop, &mut raw.from_file.drop, source);
                            o.drop.extend(selectors(name, &text()?)?);
                        }
                        "--keep-html" => {
                            replace(&mut o.keep_html, &mut raw.from_file.keep_html, source);
                            o.keep_html.extend(selectors(name, &text()?)?);
                        }
                        _ => return Err(format!("unknown option `{name}`")),
                    }
                }
            }
        }
        Ok(None)
    }
}

/// The options that take a value.
const VALUED: &[&str] = &[
    "--config",
    "--from",
    "--out-dir",
    "-o",
    "--output",
    "--glob",
    "-j",
    "--jobs",
    "--shard",
    "--files-from",
    "--report",
    "--unsupported",
    "--share-links",
    "--max-depth",
    "--max-input-bytes",
    "--charset",
    "--heading",
    "--bullet",
    "--ordered-delimiter",
    "--emphasis",
    "--strong",
    "--code-block",
    "--rule",
    "--hard-break",
    "--base-url",
    "--drop",
    "--keep-html",
    "--link-style",
    "--wrap",
];

/// A parsing error as the user reads it.
fn usage(e: lexopt::Error) -> String {
    match e {
        lexopt::Error::UnexpectedValue { option, .. } => format!("{option} takes no value"),
        lexopt::Error::MissingValue { option: Some(option) } => format!("{option} needs a value"),
        lexopt::Error::UnexpectedOption(option) => format!("unknown option `{option}`"),
        other => other.to_string(),
    }
}

fn selectors(name: &str, text: &str) -> Result<Vec<html2cmark::Selector>, String> {
    html2cmark::Selector::parse_list(text).map_err(|e| format!("{name}: {e}"))
}

fn number(name: &str, text: &str) -> Result<usize, String> {
    text.parse()
        .map_err(|_| format!("{name}: expected a number, got `{text}`"))
}

/// A one-character value from `allowed`.
fn one_of(name: &str, text: &str, allowed: &str) -> Result<char, String> {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if allowed.contains(c) => Ok(c),
        _ => {
            let list: Vec<String> = allowed.chars().map(String::from).collect();
            Err(format!("{name}: expected one of {}, got `{text}`", list.join(" ")))
        }
    }
}

fn shard(text: &str) -> Result<(usize, usize), String> {
    let bad = || format!("--shard: expected K/N with 1 <= K <= N, got `{text}`");
    let (k, n) = text.split_once('/').ok_or_else(bad)?;
    let k: usize = k.trim().parse().map_err(|_| bad())?;
    let n: usize = n.trim().parse().map_err(|_| bad())?;
    if k == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n))
}

impl Raw {
    fn into_command(self) -> Result<Command, String> {
        let batch = self.out_dir.is_some() || self.in_place;
        if self.diff && !self.check {
            return Err("--diff needs --check".into());
        }
        if self.check && !batch {
            return Err(
                "--check needs --out-dir OUT (compare with OUT) or --in-place (compare with the inputs)".into(),
            );
        }
        if self.in_place && self.out_dir.is_some() {
            return Err("--in-place and --out-dir exclude each other".into());
        }
        if self.prune && (self.check || self.out_dir.is_none()) {
            return Err(
                "--prune removes stale outputs of a write run with --out-dir OUT (--check lists them without it)"
                    .into(),
            );
        }
        if batch {
            for (given, name) in [(self.output.is_some(), "--output"), (self.events, "--events")] {
                if given {
                    return Err(format!(
                        "{name} works for one input only, not with --out-dir or --in-place"
                    ));
                }
            }
            if self.inputs.is_empty() && self.files_from.is_none() {
                return Err("no input: give the files or folders to convert (or --files-from FILE)".into());
            }
            if self.inputs.iter().any(|p| p.as_os_str() == "-") {
                return Err("stdin (`-`) works for one input only, not with --out-dir or --in-place".into());
            }
            let target = match self.out_dir {
                Some(dir) => Target::OutDir(dir),
                None => Target::InPlace,
            };
            return Ok(Command::Batch(Batch {
                inputs: self.inputs,
                target,
                check: self.check,
                diff: self.diff,
                globs: Selection::new(&self.globs)?,
                patterns: self.globs,
                allow_empty: self.allow_empty,
                prune: self.prune,
                files_from: self.files_from,
                report: self.report,
                jobs: self.jobs,
                shard: self.shard,
                quiet: self.quiet,
                sync: !self.no_fsync,
                from: self.from,
                options: self.options,
            }));
        }
        for (given, name) in [
            (!self.globs.is_empty(), "--glob"),
            (self.jobs.is_some(), "--jobs"),
            (self.shard.is_some(), "--shard"),
            (self.allow_empty, "--allow-empty"),
            (self.files_from.is_some(), "--files-from"),
            (self.report.is_some(), "--report"),
        ] {
            if given {
                return Err(format!("{name} needs --out-dir OUT or --in-place"));
            }
        }
        if self.inputs.len() > 1 {
            return Err(format!(
                "{} inputs given: several inputs need --out-dir OUT (or --in-place)",
                self.inputs.len()
            ));
        }
        Ok(Command::OneShot(OneShot {
            input: self.inputs.into_iter().next(),
            output: self.output,
            sync: !self.no_fsync,
            from: self.from,
            events: self.events,
            options: self.options,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(args: &[&str]) -> Result<Command, String> {
        parse(args.iter().map(OsString::from))
    }

    #[test]
    fn one_shot_and_options() {
        let Ok(Command::OneShot(o)) = parse_str(&[
            "--no-tables",
            "--unsupported=drop",
            "--max-depth",
            "9",
            "--share-links",
            "keep",
            "a.html",
        ]) else {
            panic!("not one-shot");
        };
        assert_eq!(o.input, Some(PathBuf::from("a.html")));
        assert!(!o.options.tables);
        assert_eq!(o.options.unsupported, Unsupported::Drop);
        assert_eq!(o.options.max_depth, 9);
        assert_eq!(o.options.share_links, ShareLinks::Keep);

        let Ok(Command::OneShot(o)) = parse_str(&[
            "--heading=setext",
            "--bullet",
            "+",
            "--ordered-delimiter",
            ")",
            "--emphasis=_",
            "--strong=_",
            "--code-block=tildes",
            "--rule",
            "* * *",
            "--hard-break=spaces",
            "--link-style",
            "text",
            "--wrap=72",
        ]) else {
            panic!("not one-shot");
        };
        let style = &o.options.style;
        assert_eq!(
            (style.heading, style.code_block, style.hard_break),
            (HeadingStyle::Setext, CodeBlockStyle::Tildes, HardBreakStyle::Spaces)
        );
        assert_eq!(
            (style.bullet, style.ordered_delimiter, style.emphasis, style.strong),
            ('+', ')', '_', '_')
        );
        assert_eq!(style.rule, "* * *");
        assert_eq!((style.link, style.wrap), (LinkStyle::ReferenceText, Some(72)));

        let Ok(Command::OneShot(o)) = parse_str(&[
            "--base-url",
            "https://example.com/a/",
            "--drop=nav, .ad",
            "--drop",
            "[hidden]",
            "--keep-html",
            "sup,details",
            "--drop-page-chrome",
        ]) else {
            panic!("not one-shot");
        };
        assert_eq!(
            o.options.base_url.as_ref().map(|u| u.as_str()),
            Some("https://example.com/a/")
        );
        let shown = |v: &[html2cmark::Selector]| v.iter().map(ToString::to_string).collect::<Vec<_>>();
        assert_eq!(shown(&o.options.drop), ["nav", ".ad", "[hidden]"]);
        assert_eq!(shown(&o.options.keep_html), ["sup", "details"]);
        assert!(o.options.drop_page_chrome);
        for (bad, message) in [
            (
                &["--base-url", "/relative"][..],
                "--base-url: `/relative` is not an absolute URL",
            ),
            (
                &["--drop", "nav a"],
                "--drop: invalid selector `nav a`: combinators are not supported",
            ),
            (
                &["--keep-html", "sup,"],
                "--keep-html: invalid selector ``: empty selector",
            ),
            (&["--drop-page-chrome=1"], "--drop-page-chrome takes no value"),
        ] {
            match parse_str(bad) {
                Err(e) => assert!(e.starts_with(message), "{bad:?}: {e}"),
                Ok(_) => panic!("{bad:?} accepted"),
            }
        }
        for bad in [
            &["--bullet", "x"][..],
            &["--rule", "-*-"],
            &["--rule", "--"],
            &["--emphasis", "**"],
            &["--heading", "x"],
            &["--link-style", "reference"],
            &["--wrap", "0"],
            &["--wrap", "wide"],
        ] {
            assert!(parse_str(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn batch_and_errors() {
        let Ok(Command::Batch(b)) =
            parse_str(&["--out-dir", "o", "--check", "--diff", "-j", "3", "--shard", "2/5", "d"])
        else {
            panic!("not batch");
        };
        assert_eq!(b.target, Target::OutDir("o".into()));
        assert_eq!((b.jobs, b.shard, b.check, b.diff), (Some(3), Some((2, 5)), true, true));
        for bad in [
            &["--check", "x"][..],
            &["--diff", "--out-dir", "o", "x"],
            &["--shard", "0/2", "--in-place", "x"],
            &["--shard", "3/2", "--in-place", "x"],
            &["--jobs", "0", "--in-place", "x"],
            &["--glob", "*.html", "x"],
            &["a", "b"],
            &["--in-place"],
            &["--bogus"],
            &["--check=1", "--in-place", "x"],
            &["--from", "pdf", "x"],
            &["--out-dir"],
        ] {
            assert!(parse_str(bad).is_err(), "{bad:?} accepted");
        }
        assert!(matches!(parse_str(&["--", "--in-place"]), Ok(Command::OneShot(_))));
        // Attached values and combined short flags.
        for args in [
            &["-j4", "--in-place", "d"][..],
            &["-qj4", "--in-place", "d"],
            &["-q", "-j", "4", "--in-place", "d"],
        ] {
            let Ok(Command::Batch(b)) = parse_str(args) else {
                panic!("{args:?}: not batch");
            };
            assert_eq!(b.jobs, Some(4), "{args:?}");
            assert_eq!(b.quiet, args[0] != "-j4", "{args:?}");
        }
        let Ok(Command::OneShot(o)) = parse_str(&["-oout.md", "a.html"]) else {
            panic!("not one-shot");
        };
        assert_eq!(o.output, Some(PathBuf::from("out.md")));
        for (bad, message) in [
            (&["-qx", "a"][..], "unknown option `-x`"),
            (&["--prune", "--in-place", "d"], "--prune removes stale outputs"),
            (
                &["--prune", "--check", "--out-dir", "o", "d"],
                "--prune removes stale outputs",
            ),
            (
                &["--glob", "[0-9", "--out-dir", "o", "d"],
                "--glob: invalid pattern `[0-9`",
            ),
            (&["--report", "xml", "--out-dir", "o", "d"], "--report: expected json"),
            (&["--allow-empty", "a"], "--allow-empty needs --out-dir"),
            (&["-j"], "-j needs a value"),
        ] {
            match parse_str(bad) {
                Err(e) => assert!(e.starts_with(message), "{bad:?}: {e}"),
                Ok(_) => panic!("{bad:?} accepted"),
            }
        }
        let Ok(Command::Batch(b)) = parse_str(&["--in-place", "--no-fsync", "d"]) else {
            panic!("not batch");
        };
        assert!(!b.sync);
        let Ok(Command::OneShot(o)) = parse_str(&["-o", "x.md"]) else {
            panic!("not one-shot");
        };
        assert!(o.sync);
    }
}
