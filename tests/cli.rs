//! The `html2cmark` command, run as a process on temporary folders.

use std::fs;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use html2cmark::Options;

const BIN: &str = env!("CARGO_BIN_EXE_html2cmark");

const PAGE: &str = "<html><head><title>T</title></head><body><h1>Title</h1><p>Some <em>text</em> and \
                    <a href='/x'>a link</a>.</p><table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table></body></html>";
const ARCHIVE: &str =
    "<!--1697273101000-->\n[Title](https://example.com/a)\n------\n\n<div>12:00</div><p><b>Lead</b></p>\n";

fn run(args: &[&str]) -> Output {
    run_in(None, args)
}

fn run_in(dir: Option<&Path>, args: &[&str]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args).stdin(Stdio::null());
    if let Some(dir) = dir {
        cmd.current_dir(dir);
    }
    cmd.output().unwrap()
}

fn with_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap()
}

fn write(path: &Path, text: impl AsRef<[u8]>) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// Every file under `dir`, relative, sorted.
fn tree(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.push(path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out.sort();
    out
}

/// Whether this process can write into a folder it made read-only (root can).
fn read_only_is_enforced(dir: &Path) -> bool {
    fs::write(dir.join("probe"), "x").is_err()
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn one_shot_from_a_file_and_from_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.html");
    write(&page, PAGE);
    let expected = html2cmark::convert(PAGE);
    assert!(expected.contains("| a | b |"), "{expected}");

    let o = run(&[page.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout(&o), expected);
    assert_eq!(stderr(&o), "");

    for args in [&[][..], &["-"]] {
        let o = with_stdin(args, PAGE.as_bytes());
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        assert_eq!(stdout(&o), expected);
    }

    // Options as flags.
    let mut options = Options::default();
    options.tables = false;
    let o = run(&["--no-tables", page.to_str().unwrap()]);
    assert_eq!(stdout(&o), html2cmark::convert_with(PAGE, &options));
    assert_ne!(stdout(&o), expected);

    // --output writes the file (atomically: nothing else is left in the folder).
    let out = dir.path().join("page.md");
    let o = run(&["-o", out.to_str().unwrap(), page.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(fs::read_to_string(&out).unwrap(), expected);
    assert_eq!(tree(dir.path()), ["page.html", "page.md"]);

    // --events prints the event stream.
    let o = run(&["--events", page.to_str().unwrap()]);
    assert!(stdout(&o).starts_with("Start(Heading"), "{}", stdout(&o));
}

/// `--link-style` and `--wrap` (issue 8): the same Markdown as the library with those style fields, also in a
/// batch (reference definitions end each output file); bad values are usage errors.
#[test]
fn link_style_and_wrap_flags() {
    let html = "<p>Read <a href='https://www.rust-lang.org'>Rust</a> and <a href='/b'>the book</a> for a long \
                while.</p><ul><li>x <a href='/b'>again</a></li></ul>";
    let o = with_stdin(&["--link-style", "numbered", "--wrap=20"], html.as_bytes());
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "Read [Rust][1] and\n[the book][2] for a\nlong while.\n\n- x [again][2]\n\n[1]: https://www.rust-lang.org\n[2]: /b\n"
    );
    let mut options = Options::default();
    options.style.link = html2cmark::LinkStyle::ReferenceText;
    let o = with_stdin(&["--link-style=text"], html.as_bytes());
    assert_eq!(stdout(&o), html2cmark::convert_with(html, &options));
    assert!(
        stdout(&o).ends_with("\n\n[Rust]: https://www.rust-lang.org\n[the book]: /b\n"),
        "{}",
        stdout(&o)
    );
    let o = with_stdin(&["--link-style", "inline"], html.as_bytes());
    assert_eq!(stdout(&o), html2cmark::convert(html));

    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("in/a.html"), html);
    let out = dir.path().join("out");
    let o = run(&[
        "--link-style",
        "text",
        "--wrap",
        "20",
        "--out-dir",
        out.to_str().unwrap(),
        dir.path().join("in").to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    options.style.wrap = Some(20);
    assert_eq!(
        fs::read_to_string(out.join("a.md")).unwrap(),
        html2cmark::convert_with(html, &options)
    );

    for bad in [
        &["--link-style", "reference"][..],
        &["--wrap", "0"],
        &["--wrap", "-3"],
        &["--wrap"],
    ] {
        // (No input: a usage error exits before reading stdin, and writing to it could fail.)
        let o = run(bad);
        assert_eq!(code(&o), 2, "{bad:?}");
        assert!(stderr(&o).contains(bad[0]), "{bad:?}: {}", stderr(&o));
    }
    let help = stdout(&run(&["--help"]));
    assert!(
        help.contains("--link-style inline|numbered|text") && help.contains("--wrap N"),
        "{help}"
    );
}

/// Runs `command` (a shell command line) with a terminal on stdin, stdout and stderr of `columns` columns, through
/// `script(1)`; `None` where `script` is not there. What the terminal showed comes back as one text.
#[cfg(unix)]
fn in_terminal(command: &str, columns: u16) -> Option<String> {
    let o = Command::new("script")
        .args([
            "-qec",
            &format!("stty rows 24 cols {columns} 2>/dev/null; {command}"),
            "/dev/null",
        ])
        .stdin(Stdio::null())
        .output()
        .ok()?;
    o.status
        .success()
        .then(|| String::from_utf8_lossy(&o.stdout).into_owned())
}

/// No argument and stdin not a terminal (`/dev/null`, an empty pipe: CI steps, xargs, containers): empty input,
/// empty output, exit 0 (issue 18; `/dev/null` used to give the sample article). With a terminal: the sample.
#[cfg(unix)]
#[test]
fn no_argument_without_a_terminal_is_empty_input() {
    let o = run(&[]);
    assert_eq!((code(&o), stdout(&o), stderr(&o)), (0, String::new(), String::new()));
    let o = with_stdin(&[], b"");
    assert_eq!((code(&o), stdout(&o), stderr(&o)), (0, String::new(), String::new()));
    let o = with_stdin(&["-"], b"");
    assert_eq!((code(&o), stdout(&o)), (0, String::new()));
    match in_terminal(BIN, 80) {
        Some(shown) => {
            assert!(shown.contains("converting the bundled sample article"), "{shown}");
            assert!(shown.contains("# Harbour town opens its first night market"), "{shown}");
        }
        None => eprintln!("script(1) is not available: the terminal case is skipped"),
    }
}

#[test]
fn one_shot_streams_before_the_input_ends() {
    let mut child = Command::new(BIN)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let mut output = child.stdout.take().unwrap();
    input.write_all(b"<p>first paragraph</p><p>second</p><p>third").unwrap();
    input.flush().unwrap();
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut buf = [0u8; 256];
        let n = output.read(&mut buf).unwrap();
        tx.send(String::from_utf8_lossy(&buf[..n]).into_owned()).unwrap();
        let mut rest = String::new();
        output.read_to_string(&mut rest).unwrap();
        rest
    });
    // The first block arrives while stdin is still open.
    let first = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("no output before the input ended");
    assert!(first.starts_with("first paragraph\n"), "{first:?}");
    input.write_all(b" part</p>").unwrap();
    drop(input);
    let rest = reader.join().unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(first + &rest, "first paragraph\n\nsecond\n\nthird part\n");
}

#[test]
fn input_kinds() {
    let dir = tempfile::tempdir().unwrap();
    let expected = html2cmark::convert_markdown(ARCHIVE, &Options::default());
    assert_ne!(expected, html2cmark::convert(ARCHIVE));
    for name in ["a.md", "a.markdown", "a.txt"] {
        let path = dir.path().join(name);
        write(&path, ARCHIVE);
        assert_eq!(stdout(&run(&[path.to_str().unwrap()])), expected, "{name}");
    }
    // A .txt file that does not start like an archive is HTML; --from overrides the extension.
    let txt = dir.path().join("b.txt");
    write(&txt, "<p>a *b*</p>\n");
    assert_eq!(
        stdout(&run(&[txt.to_str().unwrap()])),
        html2cmark::convert("<p>a *b*</p>\n")
    );
    let md = dir.path().join("a.md");
    assert_eq!(
        stdout(&run(&["--from", "html", md.to_str().unwrap()])),
        html2cmark::convert(ARCHIVE)
    );
    assert_eq!(stdout(&with_stdin(&["--from=markdown"], ARCHIVE.as_bytes())), expected);
}

#[test]
fn one_shot_errors() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.html");
    let o = run(&[missing.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).starts_with(&format!("html2cmark: {}: cannot read:", missing.display())),
        "{}",
        stderr(&o)
    );

    let o = run(&[dir.path().to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("is a directory"), "{}", stderr(&o));

    // HTML bytes are decoded by the WHATWG rules: a declared UTF-8 page keeps its text, with U+FFFD for a bad byte.
    let page = dir.path().join("p.html");
    write(&page, b"<meta charset=utf-8><p>caf\xC3\xA9 \xFF</p>");
    let o = run(&[page.to_str().unwrap()]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).starts_with("café \u{FFFD}"), "{}", stdout(&o));
    // An undeclared GBK page is detected, and `--charset` can say it outright.
    let gbk = dir.path().join("g.html");
    write(
        &gbk,
        b"<p>\xd6\xd0\xce\xc4\xd0\xc2\xce\xc5\xa3\xac\xbd\xf1\xcc\xec\xcc\xec\xc6\xf8\xba\xdc\xba\xc3\xa1\xa3</p>",
    );
    let o = run(&["--charset", "gbk", gbk.to_str().unwrap()]);
    assert_eq!(stdout(&o), "中文新闻，今天天气很好。\n");
    // Markdown input is read as UTF-8, with a warning for bytes that are not.
    let md = dir.path().join("m.md");
    write(&md, b"caf\xC3\xA9 \xFF\n");
    let o = run(&[md.to_str().unwrap()]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).starts_with("café \u{FFFD}"), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("not valid UTF-8 (first bad byte at offset 6)"),
        "{}",
        stderr(&o)
    );

    let o = run(&["-o", dir.path().to_str().unwrap(), page.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("Is a directory") || stderr(&o).contains("is a directory"),
        "{}",
        stderr(&o)
    );

    for bad in [
        &["--bogus"][..],
        &["a", "b"],
        &["--check", "a"],
        &["--jobs", "x", "--in-place", "a"],
    ] {
        let o = run(bad);
        assert_eq!(code(&o), 2, "{bad:?}");
        assert!(stderr(&o).contains("see --help"), "{}", stderr(&o));
    }
    let o = run(&["--help"]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("EXAMPLES") && stdout(&o).contains("--share-links"));
    assert_eq!(
        stdout(&run(&["--version"])),
        format!("html2cmark {}\n", env!("CARGO_PKG_VERSION"))
    );
}

/// A folder with nested HTML and archives, files to leave alone, and hidden entries.
fn site(root: &Path) {
    write(&root.join("index.html"), PAGE);
    write(&root.join("a/b/deep.htm"), "<h2>Deep</h2><ul><li>x<li>y</ul>");
    write(&root.join("a/archive.md"), ARCHIVE);
    write(&root.join("a/style.css"), "p { color: red }");
    write(&root.join(".git/x.html"), "<p>hidden</p>");
    write(&root.join("a/.draft.html"), "<p>hidden</p>");
}

#[test]
fn batch_mirrors_nested_folders() {
    let dir = tempfile::tempdir().unwrap();
    let (src, out) = (dir.path().join("src"), dir.path().join("out"));
    site(&src);
    let single = dir.path().join("single.html");
    write(&single, "<p>single</p>");
    let o = run(&[
        "--out-dir",
        out.to_str().unwrap(),
        src.to_str().unwrap(),
        single.to_str().unwrap(),
        "-j",
        "2",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(tree(&out), ["a/archive.md", "a/b/deep.md", "index.md", "single.md"]);
    assert_eq!(
        fs::read_to_string(out.join("index.md")).unwrap(),
        html2cmark::convert(PAGE)
    );
    assert_eq!(
        fs::read_to_string(out.join("a/b/deep.md")).unwrap(),
        "## Deep\n\n- x\n- y\n"
    );
    assert_eq!(
        fs::read_to_string(out.join("a/archive.md")).unwrap(),
        html2cmark::convert_markdown(ARCHIVE, &Options::default())
    );
    assert_eq!(fs::read_to_string(out.join("single.md")).unwrap(), "single\n");
    assert!(
        stderr(&o).contains("4 files") && stderr(&o).contains("4 written"),
        "{}",
        stderr(&o)
    );
    assert_eq!(stdout(&o), "");

    // A second run writes nothing; --glob narrows the selection.
    let o = run(&["--out-dir", out.to_str().unwrap(), src.to_str().unwrap()]);
    assert!(stderr(&o).contains("0 written, 3 unchanged"), "{}", stderr(&o));
    let o = run(&[
        "--out-dir",
        out.to_str().unwrap(),
        "--glob",
        "**/*.htm",
        "--glob",
        "*.css",
        src.to_str().unwrap(),
    ]);
    assert!(stderr(&o).contains("2 files"), "{}", stderr(&o));
    assert!(out.join("a/style.md").exists());

    // An output folder inside the input folder is not searched.
    let o = run_in(Some(&src), &["--out-dir", "md", "."]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = run_in(Some(&src), &["--out-dir", "md", "."]);
    assert!(stderr(&o).contains("3 files"), "{}", stderr(&o));
}

#[test]
fn check_clean_and_dirty() {
    let dir = tempfile::tempdir().unwrap();
    let (src, out) = (dir.path().join("src"), dir.path().join("out"));
    site(&src);
    let (src, out) = (src.to_str().unwrap(), out.to_str().unwrap());
    assert_eq!(code(&run(&["--out-dir", out, src])), 0);

    let o = run(&["--check", "--out-dir", out, src]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout(&o), "");

    let stale = Path::new(out).join("a/b/deep.md");
    write(&stale, "## Deep\n\n- x\n- z\n");
    fs::remove_file(Path::new(out).join("index.md")).unwrap();
    let before = tree(Path::new(out));
    let o = run(&["--check", "--out-dir", out, src]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        format!(
            "{}\n{} (missing)\n",
            stale.display(),
            Path::new(out).join("index.md").display()
        )
    );
    assert_eq!(tree(Path::new(out)), before, "--check wrote something");

    let o = run(&["--check", "--diff", "--out-dir", out, src]);
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).contains("@@ line 3 @@\n - x\n-- z\n+- y\n"),
        "{}",
        stdout(&o)
    );

    // A failure wins over a difference.
    let o = run(&["--check", "--out-dir", out, src, "nowhere"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("html2cmark: nowhere: "), "{}", stderr(&o));
}

#[test]
fn in_place_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(&root.join("x/a.md"), ARCHIVE);
    write(&root.join("x/b.txt"), ARCHIVE.replace("12:00", "13:00"));
    write(&root.join("x/already.md"), "# Plain\n\nNo HTML here.\n");
    write(&root.join("x/page.html"), PAGE);
    let x = root.join("x");
    let x = x.to_str().unwrap();

    let o = run(&["--check", "--in-place", x]);
    assert_eq!(code(&o), 1);
    assert_eq!(stdout(&o).lines().count(), 2, "{}", stdout(&o));

    let o = run(&["--in-place", x]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("2 written, 1 unchanged, 1 skipped"),
        "{}",
        stderr(&o)
    );
    let a = fs::read_to_string(root.join("x/a.md")).unwrap();
    assert_eq!(a, html2cmark::convert_markdown(ARCHIVE, &Options::default()));
    assert_eq!(fs::read_to_string(root.join("x/page.html")).unwrap(), PAGE);

    let snapshot: Vec<_> = tree(root)
        .iter()
        .map(|p| (fs::read(root.join(p)).unwrap(), mtime(&root.join(p))))
        .collect();
    let o = run(&["--in-place", x]);
    assert_eq!(code(&o), 0);
    assert!(stderr(&o).contains("0 written, 3 unchanged"), "{}", stderr(&o));
    let again: Vec<_> = tree(root)
        .iter()
        .map(|p| (fs::read(root.join(p)).unwrap(), mtime(&root.join(p))))
        .collect();
    assert_eq!(snapshot, again);
    assert_eq!(code(&run(&["--check", "--in-place", x])), 0);

    // An HTML file named explicitly is refused rather than overwritten.
    let o = run(&["--in-place", root.join("x/page.html").to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("page.html: is HTML"), "{}", stderr(&o));
}

fn mtime(path: &Path) -> std::time::SystemTime {
    fs::metadata(path).unwrap().modified().unwrap()
}

#[test]
fn shards_partition_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    for i in 0..23 {
        write(&src.join(format!("d{}/f{i}.html", i % 4)), format!("<p>{i}</p>"));
    }
    let all_out = dir.path().join("all");
    assert_eq!(
        code(&run(&["--out-dir", all_out.to_str().unwrap(), src.to_str().unwrap()])),
        0
    );
    let all = tree(&all_out);
    assert_eq!(all.len(), 23);

    let mut union = Vec::new();
    for k in 1..=4 {
        let out = dir.path().join(format!("shard{k}"));
        let shard = format!("{k}/4");
        let o = run(&[
            "--out-dir",
            out.to_str().unwrap(),
            "--shard",
            &shard,
            src.to_str().unwrap(),
        ]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let files = tree(&out);
        assert!((5..=6).contains(&files.len()), "shard {k}: {files:?}");
        // The same shard twice is the same set.
        let again = dir.path().join(format!("again{k}"));
        run(&[
            "--out-dir",
            again.to_str().unwrap(),
            "--shard",
            &shard,
            src.to_str().unwrap(),
        ]);
        assert_eq!(tree(&again), files);
        union.extend(files);
    }
    union.sort();
    assert_eq!(union, all, "the shards overlap or miss files");
}

#[test]
fn unreadable_input_fails_alone() {
    let dir = tempfile::tempdir().unwrap();
    let (src, out) = (dir.path().join("src"), dir.path().join("out"));
    write(&src.join("good.html"), "<p>good</p>");
    write(&src.join("bad.html"), "<p>bad</p>");
    let missing = dir.path().join("missing.html");
    let o = run(&[
        "--out-dir",
        out.to_str().unwrap(),
        src.to_str().unwrap(),
        missing.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains(&format!("html2cmark: {}: ", missing.display())),
        "{}",
        stderr(&o)
    );
    assert_eq!(tree(&out), ["bad.md", "good.md"]);

    #[cfg(unix)]
    {
        let bad = src.join("bad.html");
        set_mode(&bad, 0o000);
        let enforced = fs::read(&bad).is_err();
        fs::remove_dir_all(&out).unwrap();
        let o = run(&["--out-dir", out.to_str().unwrap(), src.to_str().unwrap()]);
        if enforced {
            assert_eq!(code(&o), 2);
            assert!(
                stderr(&o).contains(&format!("html2cmark: {}: cannot read: ", bad.display())),
                "{}",
                stderr(&o)
            );
            assert_eq!(tree(&out), ["good.md"]);
        } else {
            eprintln!("running as root: an unreadable file is readable, so that part is skipped");
        }
        set_mode(&bad, 0o644);
    }
}

#[cfg(unix)]
#[test]
fn read_only_output_folder() {
    let dir = tempfile::tempdir().unwrap();
    let (src, out) = (dir.path().join("src"), dir.path().join("out"));
    write(&src.join("a.html"), "<p>a</p>");
    write(&src.join("sub/b.html"), "<p>b</p>");
    fs::create_dir_all(&out).unwrap();
    set_mode(&out, 0o555);
    let args = ["--out-dir", out.to_str().unwrap(), src.to_str().unwrap()];
    let o = if read_only_is_enforced(&out) {
        run(&args)
    } else {
        // Root writes anywhere: run as another user (setpriv), with the tree readable to it.
        fs::remove_file(out.join("probe")).unwrap();
        for path in [dir.path(), src.as_path(), src.join("sub").as_path()] {
            set_mode(path, 0o755);
        }
        let as_user = |extra: &[&str]| {
            Command::new("setpriv")
                .args(["--reuid=1234", "--regid=1234", "--clear-groups", BIN])
                .args(extra)
                .stdin(Stdio::null())
                .output()
        };
        if !as_user(&["--version"]).is_ok_and(|o| o.status.success()) {
            set_mode(&out, 0o755);
            eprintln!("running as root without setpriv (or uid 1234 cannot run the build): skipped");
            return;
        }
        as_user(&args).unwrap()
    };
    set_mode(&out, 0o755);
    // One error, before any input (issue 18: it was one per input).
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(
        err.starts_with(&format!(
            "html2cmark: {}: cannot write in the output folder: ",
            out.display()
        )),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(tree(&out), Vec::<String>::new(), "a temporary file was left behind");
}

/// Write failures that root meets too: a folder where an output file goes, a file where an output folder goes.
#[test]
fn blocked_outputs_fail_alone() {
    let dir = tempfile::tempdir().unwrap();
    let (src, out) = (dir.path().join("src"), dir.path().join("out"));
    write(&src.join("a.html"), "<p>a</p>");
    write(&src.join("sub/b.html"), "<p>b</p>");
    write(&src.join("c.html"), "<p>c</p>");
    fs::create_dir_all(out.join("a.md")).unwrap();
    write(&out.join("sub"), "a file where a folder should be");
    let o = run(&["--out-dir", out.to_str().unwrap(), src.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "html2cmark: {}: cannot write: is a directory",
            out.join("a.md").display()
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "html2cmark: {}: cannot create the folder: ",
            out.join("sub").display()
        )),
        "{err}"
    );
    assert!(err.contains("1 written, 0 unchanged, 2 failed"), "{err}");
    assert_eq!(fs::read_to_string(out.join("c.md")).unwrap(), "c\n");
    assert_eq!(tree(&out), ["c.md", "sub"]);
}

#[test]
fn element_policy_and_base_url_flags() {
    let page = "<html><head><base href='/docs/'></head><body><nav><a href=/>Home</a></nav>\
                <p>See <a href='intro'>intro</a>, x<sup>2</sup> <span class=ad>ad</span></p>\
                <footer>(c)</footer></body></html>";
    let mut options = Options::default();
    options.base_url = html2cmark::Url::parse("https://example.com/a/b").ok();
    options.drop_page_chrome = true;
    options.drop = html2cmark::Selector::parse_list(".ad").unwrap();
    options.keep_html = html2cmark::Selector::parse_list("sup").unwrap();
    let expected = html2cmark::convert_with(page, &options);
    assert_eq!(expected, "See [intro](https://example.com/docs/intro), x<sup>2</sup>\n");
    let o = with_stdin(
        &[
            "--base-url",
            "https://example.com/a/b",
            "--drop-page-chrome",
            "--drop",
            ".ad",
            "--keep-html=sup",
        ],
        page.as_bytes(),
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout(&o), expected);

    for (args, message) in [
        (
            &["--drop", "ul > li"][..],
            "--drop: invalid selector `ul > li`: combinators are not supported",
        ),
        (&["--base-url", "docs/"], "--base-url: `docs/` is not an absolute URL"),
    ] {
        let o = run(args);
        assert_eq!(code(&o), 2, "{args:?}");
        assert!(stderr(&o).contains(message), "{}", stderr(&o));
    }
    let help = stdout(&run(&["--help"]));
    for flag in ["--base-url", "--drop ", "--keep-html", "--drop-page-chrome"] {
        assert!(help.contains(flag), "{flag} in --help");
    }
}

/// Issue 21 item 6: `-o` writes through what is at the path instead of replacing it. A symbolic link stays a
/// link and its target gets the output (also a dangling one: the target is created); a character device and a
/// FIFO are opened and written, not renamed over (as root the old behaviour replaced device nodes).
#[cfg(unix)]
#[test]
fn output_writes_through_links_devices_and_fifos() {
    use std::os::unix::fs::{FileTypeExt, symlink};
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.html");
    write(&page, PAGE);
    let page = page.to_str().unwrap();
    let expected = html2cmark::convert(PAGE);

    write(&dir.path().join("real/target.md"), "old");
    symlink("real/target.md", dir.path().join("link.md")).unwrap();
    symlink("real/new.md", dir.path().join("dangling.md")).unwrap();
    for link in ["link.md", "dangling.md"] {
        let o = run_in(Some(dir.path()), &["-o", link, page]);
        assert_eq!(code(&o), 0, "{link}: {}", stderr(&o));
        assert!(
            fs::symlink_metadata(dir.path().join(link))
                .unwrap()
                .file_type()
                .is_symlink(),
            "{link}"
        );
    }
    assert_eq!(fs::read_to_string(dir.path().join("real/target.md")).unwrap(), expected);
    assert_eq!(fs::read_to_string(dir.path().join("real/new.md")).unwrap(), expected);
    assert_eq!(
        tree(dir.path()),
        ["dangling.md", "link.md", "page.html", "real/new.md", "real/target.md"]
    );

    // A character device: a node of our own where we may make one (root), else /dev/null (which a user who is
    // not root cannot replace anyway, so the test never puts the machine's /dev/null at risk).
    let node = dir.path().join("null");
    let made = Command::new("mknod")
        .args([node.to_str().unwrap(), "c", "1", "3"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let device = if made { node.as_path() } else { Path::new("/dev/null") };
    let o = run(&["-o", device.to_str().unwrap(), page]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(fs::symlink_metadata(device).unwrap().file_type().is_char_device());

    // A FIFO read by a thread gets the whole output and stays a FIFO.
    let fifo = dir.path().join("fifo");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let (tx, rx) = mpsc::channel();
    let reader_path = fifo.clone();
    std::thread::spawn(move || {
        let text = fs::read_to_string(reader_path);
        let _ = tx.send(text.map_err(|e| e.to_string()));
    });
    let o = run(&["-o", fifo.to_str().unwrap(), page]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo(),
        "the FIFO was replaced"
    );
    let got = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the FIFO reader got nothing");
    assert_eq!(got.unwrap(), expected);
}

/// Issue 21 item 6: `--in-place` keeps what each file is. A symbolic link stays a link (its target is
/// rewritten), a hard-linked file keeps its link count (the other name sees the new text), and the mode and, as
/// root, the owner and group are kept.
#[cfg(unix)]
#[test]
fn in_place_keeps_links_owner_and_mode() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let converted = html2cmark::convert_markdown(ARCHIVE, &Options::default());
    assert_ne!(converted, ARCHIVE);

    write(&root.join("x/hard.md"), ARCHIVE);
    fs::create_dir_all(root.join("elsewhere")).unwrap();
    fs::hard_link(root.join("x/hard.md"), root.join("elsewhere/hard.md")).unwrap();
    write(&root.join("store/s.md"), ARCHIVE);
    symlink("../store/s.md", root.join("x/link.md")).unwrap();
    write(&root.join("x/mode.md"), ARCHIVE);
    set_mode(&root.join("x/mode.md"), 0o640);
    write(&root.join("x/owned.md"), ARCHIVE);
    set_mode(&root.join("x/owned.md"), 0o604);
    let is_root = std::os::unix::fs::chown(root.join("x/owned.md"), Some(1234), Some(5678)).is_ok();

    let o = run(&["--in-place", root.join("x").to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("4 written"), "{}", stderr(&o));
    for path in [
        "x/hard.md",
        "elsewhere/hard.md",
        "store/s.md",
        "x/mode.md",
        "x/owned.md",
    ] {
        assert_eq!(fs::read_to_string(root.join(path)).unwrap(), converted, "{path}");
    }
    let meta = |p: &str| fs::symlink_metadata(root.join(p)).unwrap();
    assert_eq!(meta("x/hard.md").nlink(), 2, "the hard link was broken");
    assert_eq!(meta("x/hard.md").ino(), meta("elsewhere/hard.md").ino());
    assert!(
        meta("x/link.md").file_type().is_symlink(),
        "the symbolic link was replaced"
    );
    assert_eq!(meta("x/mode.md").permissions().mode() & 0o7777, 0o640);
    assert_eq!(meta("x/owned.md").permissions().mode() & 0o7777, 0o604);
    if is_root {
        assert_eq!((meta("x/owned.md").uid(), meta("x/owned.md").gid()), (1234, 5678));
    } else {
        eprintln!("not root: files of another owner cannot be made, so the owner part is skipped");
    }
    assert_eq!(
        tree(root),
        [
            "elsewhere/hard.md",
            "store/s.md",
            "x/hard.md",
            "x/link.md",
            "x/mode.md",
            "x/owned.md"
        ]
    );
}

/// Issue 21 item 7: a killed run leaves `.NAME.PID.N.tmp`; the next run that writes NAME removes those whose
/// process is gone, and keeps those of a live process (this test's own) and files that only look similar.
#[cfg(target_os = "linux")]
#[test]
fn stale_temporaries_are_removed() {
    let dir = tempfile::tempdir().unwrap();
    let (src, out) = (dir.path().join("src"), dir.path().join("out"));
    write(&src.join("a.html"), "<p>a</p>");
    let mut child = Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    assert!(!Path::new(&format!("/proc/{dead}")).exists());
    let live = std::process::id();
    let names = [
        format!(".a.md.{dead}.0.tmp"),
        format!(".a.md.{dead}.17.tmp"),
        format!(".a.md.{live}.0.tmp"),
        format!(".b.md.{dead}.0.tmp"),
        format!(".a.md.{dead}.x.tmp"),
        format!("a.md.{dead}.0.tmp"),
    ];
    for name in &names {
        write(&out.join(name), "partial");
    }
    let o = run(&["--out-dir", out.to_str().unwrap(), src.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let mut kept: Vec<String> = names[2..].to_vec();
    kept.push("a.md".into());
    kept.sort();
    assert_eq!(tree(&out), kept);

    // The one-shot `-o` cleans up the same way.
    write(&out.join(&names[0]), "partial");
    let o = run(&[
        "-o",
        out.join("a.md").to_str().unwrap(),
        src.join("a.html").to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(tree(&out), kept);
}

/// Issue 21 item 7: an input that grows while it is read is an error, not a silent success. The converter
/// blocks on a full stdout pipe long before the end of a 6 MB input; the test appends to the file meanwhile.
#[test]
fn input_changing_size_while_read_fails() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("big.html");
    let body: String = (0..200_000).map(|i| format!("<p>paragraph {i}</p>\n")).collect();
    write(&page, &body);
    let mut child = Command::new(BIN)
        .arg(&page)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut output = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    output.read_exact(&mut first).unwrap();
    fs::OpenOptions::new()
        .append(true)
        .open(&page)
        .unwrap()
        .write_all(b"<p>late</p>\n")
        .unwrap();
    let mut rest = Vec::new();
    output.read_to_end(&mut rest).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!(
            "html2cmark: {}: changed size while being read",
            page.display()
        )),
        "{}",
        stderr(&o)
    );
}

/// Issue 21 item 7: a path with a newline, an escape sequence or a byte that is not UTF-8 is printed quoted
/// and escaped, on one line, in messages on stderr and in the `--check` listing on stdout.
#[cfg(unix)]
#[test]
fn paths_in_messages_are_quoted() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("a\nb\x1b[31m.html");
    let o = run(&[missing.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    let shown = format!("\"{}/a\\nb\\u{{1b}}[31m.html\"", dir.path().display());
    assert!(err.starts_with(&format!("html2cmark: {shown}: cannot read:")), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(!err.contains('\x1b'), "{err}");

    let (src, out) = (dir.path().join("src"), dir.path().join("out"));
    write(&src.join("x\ny.html"), "<p>x</p>");
    write(&src.join(OsStr::from_bytes(b"bad\xff.html")), "<p>x</p>");
    let o = Command::new(BIN)
        .args([
            OsStr::new("--check"),
            OsStr::new("--out-dir"),
            out.as_os_str(),
            src.as_os_str(),
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        format!(
            "\"{0}/bad\\xff.md\" (missing)\n\"{0}/x\\ny.md\" (missing)\n",
            out.display()
        )
    );
}

/// An output that is a symbolic link to its own input is refused: writing through it would overwrite the
/// input. An output hard-linked to its input (as `cp -al` makes) is replaced by a new file, as every `-o` and
/// `--out-dir` output with other links is (only `--in-place` edits a file through its links), so the input
/// keeps its text.
#[cfg(unix)]
#[test]
fn out_dir_never_writes_through_to_its_input() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let (src, out) = (dir.path().join("src"), dir.path().join("out"));
    write(&src.join("hard.md"), ARCHIVE);
    write(&src.join("soft.md"), ARCHIVE);
    fs::create_dir_all(&out).unwrap();
    fs::hard_link(src.join("hard.md"), out.join("hard.md")).unwrap();
    std::os::unix::fs::symlink(src.join("soft.md"), out.join("soft.md")).unwrap();
    let o = run(&["--out-dir", out.to_str().unwrap(), src.to_str().unwrap()]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!(
            "{} would overwrite its own input",
            out.join("soft.md").display()
        )),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("1 written, 0 unchanged, 1 failed"),
        "{}",
        stderr(&o)
    );
    for name in ["hard.md", "soft.md"] {
        assert_eq!(fs::read_to_string(src.join(name)).unwrap(), ARCHIVE, "{name}");
    }
    assert_eq!(
        fs::read_to_string(out.join("hard.md")).unwrap(),
        html2cmark::convert_markdown(ARCHIVE, &Options::default())
    );
    assert_eq!(fs::metadata(src.join("hard.md")).unwrap().nlink(), 1);
}

/// `--in-place` on a folder where one file has several names (a hard link and a symbolic link beside it)
/// converts it once, by its first path, instead of two workers rewriting one file at the same time.
#[cfg(unix)]
#[test]
fn in_place_converts_a_linked_file_once() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let x = dir.path().join("x");
    write(&x.join("a.md"), ARCHIVE);
    fs::hard_link(x.join("a.md"), x.join("b.md")).unwrap();
    std::os::unix::fs::symlink("a.md", x.join("c.md")).unwrap();
    let o = run(&["--in-place", x.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("1 file (") && stderr(&o).contains("1 written"),
        "{}",
        stderr(&o)
    );
    let converted = html2cmark::convert_markdown(ARCHIVE, &Options::default());
    for name in ["a.md", "b.md", "c.md"] {
        assert_eq!(fs::read_to_string(x.join(name)).unwrap(), converted, "{name}");
    }
    assert_eq!(fs::metadata(x.join("a.md")).unwrap().nlink(), 2);
    assert!(fs::symlink_metadata(x.join("c.md")).unwrap().file_type().is_symlink());
}

/// `--in-place` run by a user who may not give a file back to its owner (only root may `chown` to another user):
/// a file the user can write is rewritten through its inode, so that it keeps its owner; one the user cannot
/// write fails with the reason rather than changing hands (as a rename in a writable folder would make it).
/// Needs root to set up the files and `setpriv` to run the command as another user; skipped otherwise.
#[cfg(target_os = "linux")]
#[test]
fn in_place_by_another_user_keeps_the_owner() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let x = dir.path().join("x");
    write(&x.join("shared.md"), ARCHIVE);
    write(&x.join("theirs.md"), ARCHIVE);
    let can_chown = std::os::unix::fs::chown(x.join("shared.md"), Some(5678), Some(5678)).is_ok()
        && std::os::unix::fs::chown(x.join("theirs.md"), Some(5678), Some(5678)).is_ok();
    let as_user = || {
        let mut cmd = Command::new("setpriv");
        cmd.args(["--reuid=1234", "--regid=1234", "--clear-groups", BIN])
            .stdin(Stdio::null());
        cmd
    };
    // The command must be reachable by that user (no private folder on the way to the build).
    let runs = as_user().arg("--version").output().is_ok_and(|o| o.status.success());
    if !can_chown || !runs {
        eprintln!("not root, no setpriv, or uid 1234 cannot run the build: the owner fallback is skipped");
        return;
    }
    set_mode(dir.path(), 0o755);
    set_mode(&x, 0o777);
    set_mode(&x.join("shared.md"), 0o666);
    set_mode(&x.join("theirs.md"), 0o644);
    let o = as_user().arg("--in-place").arg(&x).output().unwrap();
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "html2cmark: {}: cannot write: Permission denied",
            x.join("theirs.md").display()
        )) && err.contains("the owner cannot be kept"),
        "{err}"
    );
    assert!(err.contains("1 written, 0 unchanged, 1 failed"), "{err}");
    let meta = |name: &str| fs::metadata(x.join(name)).unwrap();
    assert_eq!(
        fs::read_to_string(x.join("shared.md")).unwrap(),
        html2cmark::convert_markdown(ARCHIVE, &Options::default())
    );
    assert_eq!(fs::read_to_string(x.join("theirs.md")).unwrap(), ARCHIVE);
    for name in ["shared.md", "theirs.md"] {
        assert_eq!((meta(name).uid(), meta(name).gid()), (5678, 5678), "{name}");
    }
    assert_eq!(tree(&x), ["shared.md", "theirs.md"]);
}

#[test]
fn stale_meta_charset_on_utf8_input_is_overruled_with_a_warning() {
    let o = with_stdin(
        &[],
        "<meta charset=\"big5\"><h1>Ελληνικά</h1><p>中文新闻</p>".as_bytes(),
    );
    assert_eq!(code(&o), 0);
    assert_eq!(stdout(&o), "# Ελληνικά\n\n中文新闻\n");
    assert!(
        stderr(&o).contains("declares charset Big5 but is valid UTF-8"),
        "{}",
        stderr(&o)
    );
    // --charset is obeyed as given, without a warning.
    let o = with_stdin(&["--charset", "big5"], "<meta charset=big5><p>中文</p>".as_bytes());
    assert!(!stderr(&o).contains("valid UTF-8"), "{}", stderr(&o));
    assert_ne!(stdout(&o), "中文\n");
}

/// Issue 18: full glob syntax (`{a,b}`, `[0-9]`), and a batch that matches nothing fails (exit 2) unless
/// `--allow-empty`; `--check` used to print `0 files … 0 differ` and pass.
#[test]
fn globs_use_full_syntax_and_an_empty_match_fails() {
    let dir = tempfile::tempdir().unwrap();
    let (src, out) = (dir.path().join("src"), dir.path().join("out"));
    write(&src.join("2024-a.html"), "<p>a</p>");
    write(&src.join("notes/b.md"), ARCHIVE);
    write(&src.join("c.htm"), "<p>c</p>");
    write(&src.join("d.txt"), "<p>d</p>");
    let (srcs, outs) = (src.to_str().unwrap(), out.to_str().unwrap());

    let o = run(&["--out-dir", outs, srcs, "--glob", "*.{html,md}"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(tree(&out), ["2024-a.md", "notes/b.md"]);
    let o = run(&["--check", "--out-dir", outs, srcs, "--glob", "*.{html,md}"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("2 files ("), "{}", stderr(&o));

    let o = run(&[
        "--check",
        "--out-dir",
        outs,
        srcs,
        "--glob",
        "[0-9]*.html",
        "--glob",
        "notes/*",
    ]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(stderr(&o).contains("2 files ("), "{}", stderr(&o));
    // `!` excludes, with the full syntax too.
    let o = run(&[
        "--check",
        "--out-dir",
        outs,
        srcs,
        "--glob",
        "*.{html,md}",
        "--glob",
        "![0-9]*",
    ]);
    assert!(stderr(&o).contains("1 file ("), "{}", stderr(&o));

    // Nothing matched: exit 2 with one clear line, in --check and in a write run; --allow-empty accepts it.
    let empty = dir.path().join("empty");
    for check in [true, false] {
        let mut args = vec!["--out-dir", empty.to_str().unwrap(), srcs, "--glob", "*.xml"];
        if check {
            args.insert(0, "--check");
        }
        let o = run(&args);
        assert_eq!(code(&o), 2, "{}", stderr(&o));
        assert_eq!(
            stderr(&o),
            "html2cmark: no input files: nothing under the paths given matches `*.xml`; --allow-empty accepts that\n"
        );
        args.push("--allow-empty");
        let o = run(&args);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        assert!(stderr(&o).contains("0 files ("), "{}", stderr(&o));
    }
    let bare = dir.path().join("bare");
    fs::create_dir_all(&bare).unwrap();
    let o = run(&["--in-place", "--check", bare.to_str().unwrap()]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("the default extensions"), "{}", stderr(&o));

    // A pattern that is not a glob is a usage error, not a silent non-match.
    let o = run(&["--check", "--out-dir", outs, srcs, "--glob", "[0-9"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--glob: invalid pattern `[0-9`"), "{}", stderr(&o));
}

/// Issue 18: outputs whose source is gone are listed by `--check` (exit 1), kept and counted by a write run,
/// removed by `--prune` (with the folders they leave empty), and shared out between shards.
#[test]
fn stale_outputs_fail_the_check_and_are_pruned() {
    let dir = tempfile::tempdir().unwrap();
    let (src, out) = (dir.path().join("src"), dir.path().join("out"));
    site(&src);
    let (srcs, outs) = (src.to_str().unwrap(), out.to_str().unwrap());
    assert_eq!(code(&run(&["--out-dir", outs, srcs])), 0);
    fs::remove_file(src.join("a/b/deep.htm")).unwrap();
    write(&out.join("notes.txt"), "not an output");

    let o = run(&["--check", "--out-dir", outs, srcs]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let deep = out.join("a/b/deep.md");
    assert_eq!(stdout(&o), format!("{} (stale: no input writes it)\n", deep.display()));
    assert!(
        stderr(&o).contains("0 differ, 2 up to date, 1 stale, 0 failed"),
        "{}",
        stderr(&o)
    );

    // In JSON too.
    let o = run(&["--check", "--report", "json", "--out-dir", outs, srcs]);
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).contains(&format!("{{\"output\":\"{}\",\"status\":\"stale\"}}", deep.display())),
        "{}",
        stdout(&o)
    );

    // Each shard lists its share: together, the one stale output once.
    let listed: usize = (1..=3)
        .map(|k| {
            let o = run(&["--check", "--shard", &format!("{k}/3"), "--out-dir", outs, srcs]);
            stdout(&o).matches("(stale").count()
        })
        .sum();
    assert_eq!(listed, 1);

    // A write run keeps it and says so; --prune removes it and the folders left empty, nothing else.
    let o = run(&["--out-dir", outs, srcs]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("1 stale kept (--prune removes them)"),
        "{}",
        stderr(&o)
    );
    assert!(deep.exists());
    // Not while an input is missing: its outputs would look stale.
    let o = run(&["--out-dir", outs, "--prune", srcs, "nowhere"]);
    assert_eq!(code(&o), 2);
    assert!(deep.exists());
    let o = run(&["--out-dir", outs, "--prune", srcs]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("1 stale removed"), "{}", stderr(&o));
    assert_eq!(tree(&out), ["a/archive.md", "index.md", "notes.txt"]);
    assert!(!out.join("a/b").exists());
    let o = run(&["--check", "--out-dir", outs, srcs]);
    assert_eq!((code(&o), stdout(&o)), (0, String::new()), "{}", stderr(&o));

    let o = run(&["--check", "--prune", "--out-dir", outs, srcs]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("--prune removes stale outputs of a write run"),
        "{}",
        stderr(&o)
    );
}

/// Issue 18: an `--out-dir` that cannot be used fails once, before any input (it was one line per input), and
/// one that names a file says so.
#[test]
fn an_unusable_out_dir_fails_once() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    for i in 0..20 {
        write(&src.join(format!("f{i}.html")), "<p>x</p>");
    }
    let file = dir.path().join("file");
    write(&file, "a file");
    let below = file.join("out");
    for (out, message) in [
        (&file, "--out-dir names a file, not a folder"),
        (&below, "cannot use the output folder: a part of the path is a file"),
    ] {
        for check in [false, true] {
            let mut args = vec!["--out-dir", out.to_str().unwrap(), src.to_str().unwrap()];
            if check {
                args.push("--check");
            }
            let o = run(&args);
            assert_eq!(code(&o), 2, "{}", stderr(&o));
            assert_eq!(
                stderr(&o),
                format!("html2cmark: {}: {message}\n", out.display()),
                "check: {check}"
            );
        }
    }
    assert_eq!(fs::read_to_string(&file).unwrap(), "a file");
}

/// Issue 18: `--check --diff` on a missing output says it is missing, rather than diffing against an empty
/// file "(on disk)" that differs "in its final newline".
#[test]
fn check_diff_on_a_missing_output_says_missing() {
    let dir = tempfile::tempdir().unwrap();
    let (src, out) = (dir.path().join("src"), dir.path().join("out"));
    write(&src.join("a.html"), "<p>a</p>");
    let o = run(&[
        "--check",
        "--diff",
        "--out-dir",
        out.to_str().unwrap(),
        src.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let (dest, input) = (out.join("a.md"), src.join("a.html"));
    assert_eq!(
        stdout(&o),
        format!(
            "{} (missing)\n(no file at {}: the conversion of {} would be written there)\n",
            dest.display(),
            dest.display(),
            input.display()
        )
    );
}

/// Issue 18: attached values and combined short flags (`-j4`, `-qj2`), and "1 file" in the summary.
#[test]
fn short_flags_combine_and_the_summary_counts_in_the_singular() {
    let dir = tempfile::tempdir().unwrap();
    let (src, out) = (dir.path().join("src"), dir.path().join("out"));
    write(&src.join("a.html"), "<p>a</p>");
    let (srcs, outs) = (src.to_str().unwrap(), out.to_str().unwrap());
    let o = run(&["-j4", "--out-dir", outs, srcs]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains(": 1 file (0.00 MB) in "), "{}", stderr(&o));
    assert!(stderr(&o).contains(", 1 thread; 1 written"), "{}", stderr(&o));
    let o = run(&["-qj2", "--check", "--out-dir", outs, srcs]);
    assert_eq!((code(&o), stderr(&o)), (0, String::new()));
    let o = run(&["--jobs=2", "--check", "--out-dir", outs, srcs]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = run(&["-qx", "--check", "--out-dir", outs, srcs]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("unknown option `-x`"), "{}", stderr(&o));
}

/// Issue 18: `--files-from FILE|-` converts the listed files among those the PATHs select (with the same
/// outputs as a whole run; listed files that are gone or elsewhere are ignored), or the listed files alone
/// when no PATH is given; `--report json` gives each file's status.
#[test]
fn files_from_and_json_report() {
    let dir = tempfile::tempdir().unwrap();
    let (src, out) = (dir.path().join("src"), dir.path().join("out"));
    write(&src.join("a.html"), "<p>a</p>");
    write(&src.join("sub/b.html"), "<p>b</p>");
    write(&src.join("c.html"), "<p>c</p>");
    write(&dir.path().join("README.md"), "elsewhere");
    let list = "src/sub/b.html\nsrc/gone.html\nREADME.md\n\nsrc/c.html\n";
    write(&dir.path().join("changed.txt"), list);

    let o = run_in(
        Some(dir.path()),
        &["--out-dir", "out", "src", "--files-from", "changed.txt"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(tree(&out), ["c.md", "sub/b.md"]);
    // From stdin, as `git diff --name-only | html2cmark … --files-from -`, in JSON.
    let mut child = Command::new(BIN)
        .args([
            "--check",
            "--report",
            "json",
            "--out-dir",
            "out",
            "src",
            "--files-from",
            "-",
        ])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"src/a.html\nsrc/c.html\n")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "{\"mode\":\"check\",\"exit\":1,\"totals\":{\"missing\":1,\"unchanged\":1},\"files\":[\n\
         {\"input\":\"src/a.html\",\"output\":\"out/a.md\",\"status\":\"missing\"},\n\
         {\"input\":\"src/c.html\",\"output\":\"out/c.md\",\"status\":\"unchanged\"}\n]}\n"
    );
    // No PATH: the listed files themselves; a missing one fails.
    let o = run_in(
        Some(dir.path()),
        &["--out-dir", "flat", "--files-from", "changed.txt", "--report=json"],
    );
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("\"input\":\"src/gone.html\",\"status\":\"failed\",\"message\":"),
        "{}",
        stdout(&o)
    );
    assert!(
        stdout(&o).contains("{\"input\":\"README.md\",\"output\":\"flat/README.md\",\"status\":\"written\"}"),
        "{}",
        stdout(&o)
    );
    assert_eq!(tree(&dir.path().join("flat")), ["README.md", "b.md", "c.md"]);
    let o = run(&["--out-dir", "o", "--files-from", "/nonexistent/list"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--files-from: cannot read: "), "{}", stderr(&o));
}

/// Issue 18: the progress line fits a narrow terminal (it wrapped into debris at 40 columns) and is not drawn
/// when stderr is not a terminal.
#[cfg(unix)]
#[test]
fn progress_fits_the_terminal_and_is_silent_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    for i in 0..200 {
        write(&src.join(format!("f{i}.html")), "<p>x</p>".repeat(200));
    }
    let out = dir.path().join("out");
    let o = run(&["--out-dir", out.to_str().unwrap(), src.to_str().unwrap()]);
    assert_eq!(code(&o), 0);
    assert!(
        !stderr(&o).contains('\r'),
        "a progress line without a terminal: {:?}",
        stderr(&o)
    );
    let out = dir.path().join("out2");
    let command = format!("{BIN} --out-dir {} {}", out.display(), src.display());
    let Some(shown) = in_terminal(&command, 40) else {
        eprintln!("script(1) is not available: the terminal case is skipped");
        return;
    };
    // Each redraw starts with `\r\x1b[K`; none may be wider than the terminal. (The summary line is the
    // same as without a terminal, and wraps as any long message does.)
    for drawn in shown.split('\r').filter_map(|s| s.strip_prefix("\x1b[K")) {
        let line = drawn.split('\n').next().unwrap_or("");
        if !line.starts_with("html2cmark:") {
            assert!(line.chars().count() < 40, "{line:?} is wider than 40 columns");
        }
    }
}

/// A project with `html2cmark.toml` at `root`: `site/a.html` (a link), `site/b.htm`, and `sub/deeper/` to run in.
fn project(root: &Path, config: &str) {
    write(&root.join("html2cmark.toml"), config);
    write(&root.join("site/a.html"), "<p>A <a href='/x'>link</a>.</p>");
    write(&root.join("site/b.htm"), "<p>B</p>");
    fs::create_dir_all(root.join("sub/deeper")).unwrap();
}

const CONFIG: &str = "# the project's settings\ninputs = [\"site\"]\nout-dir = \"md\"\nglobs = [\"*.html\"]\n\
                      link-style = \"numbered\"\n";

#[test]
fn config_file_is_found_upward_and_its_paths_are_relative_to_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    project(root, CONFIG);
    let o = run_in(Some(&root.join("sub/deeper")), &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // Inputs and out-dir relative to the file's folder, not the working folder; the globs and the link style.
    assert_eq!(tree(&root.join("md")), ["a.md"]);
    assert_eq!(
        fs::read_to_string(root.join("md/a.md")).unwrap(),
        "A [link][1].\n\n[1]: /x\n"
    );
    assert!(!root.join("sub/deeper/md").exists());

    // --config FILE: its paths are relative to its own folder; it wins over the file found upward.
    write(
        &root.join("conf/other.toml"),
        "inputs = [\"../site/b.htm\"]\nout-dir = \"../out\"\n",
    );
    let o = run_in(Some(&root.join("sub")), &["--config", "../conf/other.toml"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(tree(&root.join("out")), ["b.md"]);
    assert_eq!(fs::read_to_string(root.join("out/b.md")).unwrap(), "B\n");

    let o = run_in(Some(root), &["--config", "missing.toml"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("missing.toml: cannot read the config file"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn config_file_write_and_check_runs_agree() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    project(root, CONFIG);
    // Before the write run: the check fails (missing output), and writes nothing.
    let o = run_in(Some(&root.join("sub")), &["--check"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(!root.join("md").exists());
    let o = run_in(Some(root), &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // The check, from another folder, uses the same inputs, globs, output folder and options.
    let o = run_in(Some(&root.join("sub/deeper")), &["--check", "--diff"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(stderr(&o).contains("1 up to date"), "{}", stderr(&o));
    write(&root.join("site/a.html"), "<p>A <a href='/y'>link</a>.</p>");
    let o = run_in(Some(&root.join("sub/deeper")), &["--check"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert_eq!(stdout(&o), "../../md/a.md\n");
    assert_eq!(code(&run_in(Some(&root.join("sub")), &[])), 0);
    assert_eq!(code(&run_in(Some(root), &["--check"])), 0);
}

#[test]
fn flags_override_the_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    project(root, &format!("{CONFIG}drop = [\"em\"]\nallow-empty = true\n"));
    write(&root.join("other/c.html"), "<p>C <em>e</em> <code>k</code></p>");
    // A flag replaces a key; listed paths and --glob replace the file's lists (not add to them).
    let o = run_in(
        Some(root),
        &[
            "--link-style",
            "inline",
            "--glob",
            "*.htm",
            "--out-dir",
            "out",
            "site",
            "other",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(tree(&root.join("out")), ["b.md"]);
    let o = run_in(
        Some(root),
        &["--link-style", "inline", "--out-dir", "out2", "site/a.html"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(fs::read_to_string(root.join("out2/a.md")).unwrap(), "A [link](/x).\n");
    // --drop from the command line replaces the file's list: em is kept, code dropped.
    let o = run_in(Some(root), &["--drop", "code", "--out-dir", "out3", "other"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(fs::read_to_string(root.join("out3/c.md")).unwrap(), "C *e*\n");
    // The file's own list applies without the flag.
    let o = run_in(Some(root), &["--out-dir", "out4", "other"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(fs::read_to_string(root.join("out4/c.md")).unwrap(), "C `k`\n");
    // A one-shot command line takes only the conversion options; --no-config ignores the file.
    let o = run_in(Some(root), &["-o", "one.md", "site/a.html"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(
        fs::read_to_string(root.join("one.md")).unwrap(),
        "A [link][1].\n\n[1]: /x\n"
    );
    let o = run_in(Some(root), &["--no-config", "site/a.html"]);
    assert_eq!(
        (code(&o), stdout(&o).as_str()),
        (0, "A [link](/x).\n"),
        "{}",
        stderr(&o)
    );
    let o = run_in(Some(&root.join("sub")), &["--no-config"]);
    assert_eq!((code(&o), stdout(&o).as_str()), (0, ""), "{}", stderr(&o));
    assert!(!root.join("md").exists());
    // An on/off key has its opposite flag; a file without out-dir leaves a one-shot command line one-shot.
    write(&root.join("fm.toml"), "front-matter = true\n");
    write(&root.join("fm.html"), "<title>T</title><p>x</p>");
    let o = run_in(Some(root), &["--config", "fm.toml", "fm.html"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).starts_with("---\n"), "{}", stdout(&o));
    let o = run_in(Some(root), &["--config", "fm.toml", "--no-front-matter", "fm.html"]);
    assert_eq!((code(&o), stdout(&o).as_str()), (0, "x\n"), "{}", stderr(&o));
    let o = run_in(Some(root), &["--no-config", "--config", "html2cmark.toml"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("exclude each other"), "{}", stderr(&o));
}

#[test]
fn config_file_errors_name_the_file_the_line_and_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for (config, message) in [
        (
            "out-dir = \"md\"\nbogus = 1\n",
            "html2cmark.toml:2: unknown key `bogus`",
        ),
        (
            "out-dir = \"md\"\n\nwrap = \"wide\"\n",
            "html2cmark.toml:3: wrap: invalid type: string \"wide\", expected",
        ),
        (
            "heading = \"x\"\n",
            "html2cmark.toml:1: heading: expected atx or setext, got `x`",
        ),
        (
            "tables = 1\n",
            "html2cmark.toml:1: tables: invalid type: integer `1`, expected a boolean",
        ),
        (
            "drop = [\n  \"nav\",\n  \"a b\",\n]\n",
            "html2cmark.toml:1: drop: invalid selector `a b`",
        ),
        (
            "out-dir = \"md\"\nglobs = [\"[0-9\"]\n",
            "html2cmark.toml:2: globs: invalid pattern `[0-9`",
        ),
        ("out-dir = \"md\"\nwrap =\n", "html2cmark.toml:2: "),
    ] {
        write(&root.join("html2cmark.toml"), config);
        write(&root.join("a.html"), "<p>a</p>");
        let o = run_in(Some(root), &["a.html"]);
        assert_eq!(code(&o), 2, "{config}: {}", stderr(&o));
        assert!(
            stderr(&o).starts_with(&format!("html2cmark: {message}")),
            "{config}: {}",
            stderr(&o)
        );
        assert!(!root.join("md").exists());
    }
}
