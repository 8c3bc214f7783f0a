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

/// No argument and no input on stdin (`/dev/null` here; a terminal works the same): the bundled sample article.
#[cfg(unix)]
#[test]
fn no_argument_converts_the_sample() {
    let o = run(&[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("# Harbour town opens its first night market\n"),
        "{}",
        stdout(&o)
    );
    assert!(
        stderr(&o).contains("converting the bundled sample article"),
        "{}",
        stderr(&o)
    );
    // An empty pipe is an empty document, not a request for the sample.
    let o = with_stdin(&[], b"");
    assert_eq!((code(&o), stdout(&o)), (0, String::new()));
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
    let enforced = read_only_is_enforced(&out);
    let o = run(&["--out-dir", out.to_str().unwrap(), src.to_str().unwrap()]);
    set_mode(&out, 0o755);
    if !enforced {
        eprintln!("running as root: a read-only folder is writable, so the assertions are skipped");
        return;
    }
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(
        err.contains(&format!("html2cmark: {}: cannot write: ", out.join("a.md").display())),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "html2cmark: {}: cannot create the folder: ",
            out.join("sub").display()
        )),
        "{err}"
    );
    assert!(err.contains("2 failed"), "{err}");
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
