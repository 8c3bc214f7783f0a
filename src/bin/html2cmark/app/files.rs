//! Which files a batch converts: folders searched recursively, glob filters, shards, the kind of each input, and
//! reading an input whole.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

/// The two kinds of input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An HTML document or fragment.
    Html,
    /// Markdown carrying raw HTML (the archive format).
    Markdown,
}

/// The kind of `path` from its extension and, for `.txt`, the first line of `head` (the start of the file).
pub fn kind_of(path: &Path, head: &[u8]) -> Kind {
    match extension(path).as_deref() {
        Some("md" | "markdown") => Kind::Markdown,
        Some("txt") => {
            let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
            let line = head.split(|&b| b == b'\n').next().unwrap_or(head);
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.trim_ascii_start().starts_with(b"<!--") || line.trim_ascii_end() == b"---" {
                Kind::Markdown
            } else {
                Kind::Html
            }
        }
        _ => Kind::Html,
    }
}

fn extension(path: &Path) -> Option<String> {
    path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase)
}

/// Why an input read as `read` bytes cannot be trusted, if it cannot: the file (regular, `opened` being its
/// metadata when it was opened, `now` after the end was read) changed size while it was read, so that the
/// bytes are part of one version, or a mixture of two. A size of 0 both before and after is what `/proc` and
/// similar files report whatever they hold: no check then.
pub fn size_change(opened: &fs::Metadata, read: u64, now: Option<&fs::Metadata>) -> Option<String> {
    let now = now.map(fs::Metadata::len);
    let (before, after) = (opened.len(), now.unwrap_or(opened.len()));
    if !opened.is_file() || (before == 0 && after == 0) || (read == before && after == before) {
        return None;
    }
    Some(format!(
        "changed size while being read ({before} bytes when opened, {read} bytes read, {after} bytes now); \
         run again once it is complete"
    ))
}

/// Reads the input at `path` whole.
///
/// # Errors
/// The message for the user: the file cannot be opened or read, or it changed size meanwhile (see
/// [`size_change`]).
pub fn read_input(path: &Path) -> Result<Vec<u8>, String> {
    let cannot = |e: std::io::Error| format!("cannot read: {e}");
    let mut file = fs::File::open(path).map_err(cannot)?;
    let opened = file.metadata().map_err(cannot)?;
    let mut bytes = Vec::with_capacity(usize::try_from(opened.len()).unwrap_or(0).saturating_add(1));
    file.read_to_end(&mut bytes).map_err(cannot)?;
    match size_change(&opened, bytes.len() as u64, file.metadata().ok().as_ref()) {
        Some(why) => Err(why),
        None => Ok(bytes),
    }
}

/// The extensions taken from folders when no `--glob` is given.
const DEFAULT_EXTENSIONS: &[&str] = &["html", "htm", "xhtml", "md", "markdown", "txt"];

/// Which files found in folders are taken: the `--glob` patterns (globset syntax: `*`, `?`, `[0-9]`, `[!a]`,
/// `{html,md}`, `**`), or the default extensions when no pattern includes. A pattern without `/` is matched
/// against the file name, one with `/` against the path relative to the folder given; `!PATTERN` excludes.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Some pattern includes: the default extensions no longer apply.
    any_include: bool,
    include_name: GlobSet,
    include_path: GlobSet,
    exclude_name: GlobSet,
    exclude_path: GlobSet,
}

impl Selection {
    /// The selection of `patterns`.
    ///
    /// # Errors
    /// A pattern is not a valid glob (an unclosed `[` or `{`, …): the message for the user.
    pub fn new(patterns: &[String]) -> Result<Selection, String> {
        let mut sets: [GlobSetBuilder; 4] = std::array::from_fn(|_| GlobSetBuilder::new());
        let mut any_include = false;
        for pattern in patterns {
            let (exclude, glob) = match pattern.strip_prefix('!') {
                Some(rest) => (true, rest),
                None => (false, pattern.as_str()),
            };
            let glob = glob.strip_prefix("./").unwrap_or(glob);
            if glob.is_empty() {
                return Err(format!("--glob: empty pattern `{pattern}`"));
            }
            let built = GlobBuilder::new(glob)
                .literal_separator(true)
                .backslash_escape(true)
                .build()
                .map_err(|e| format!("--glob: invalid pattern `{pattern}`: {}", e.kind()))?;
            any_include |= !exclude;
            sets[usize::from(exclude) * 2 + usize::from(glob.contains('/'))].add(built);
        }
        let [include_name, include_path, exclude_name, exclude_path] =
            sets.map(|set| set.build().map_err(|e| format!("--glob: {e}")));
        Ok(Selection {
            any_include,
            include_name: include_name?,
            include_path: include_path?,
            exclude_name: exclude_name?,
            exclude_path: exclude_path?,
        })
    }

    /// Whether a file found in a folder, at `rel` below it, is taken.
    pub fn selected(&self, rel: &Path) -> bool {
        let rel = slash_path(rel);
        let name = rel.rsplit('/').next().unwrap_or(&rel);
        let included = if self.any_include {
            self.include_name.is_match(name) || self.include_path.is_match(&rel)
        } else {
            DEFAULT_EXTENSIONS.contains(&extension(Path::new(name)).as_deref().unwrap_or(""))
        };
        included && !self.exclude_name.is_match(name) && !self.exclude_path.is_match(&rel)
    }
}

/// `rel` with `/` separators, for matching and display.
pub fn slash_path(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// One input file of a batch.
#[derive(Debug, Clone)]
pub struct Input {
    /// The file, as reached from the command-line argument.
    pub path: PathBuf,
    /// Its path relative to the folder given (or its file name, for a file given).
    pub rel: PathBuf,
    /// Named on the command line rather than found in a folder.
    pub explicit: bool,
}

/// A problem found while collecting inputs: the path and the cause.
pub type Problem = (PathBuf, String);

/// The inputs under `args`, sorted by path, with the problems met on the way (missing paths, unreadable folders).
/// `skip` (the output folder) is not searched.
pub fn collect(args: &[PathBuf], globs: &Selection, skip: Option<&Path>) -> (Vec<Input>, Vec<Problem>) {
    let skip = skip.and_then(|s| fs::canonicalize(s).ok());
    let mut inputs = Vec::new();
    let mut problems = Vec::new();
    for arg in args {
        match fs::metadata(arg) {
            Err(e) => problems.push((arg.clone(), e.to_string())),
            Ok(m) if m.is_dir() => walk(arg, Path::new(""), globs, skip.as_deref(), &mut inputs, &mut problems),
            Ok(_) => {
                let rel = arg.file_name().map(PathBuf::from).unwrap_or_else(|| arg.clone());
                inputs.push(Input {
                    path: arg.clone(),
                    rel,
                    explicit: true,
                });
            }
        }
    }
    inputs.sort_by(|a, b| a.path.cmp(&b.path));
    inputs.dedup_by(|a, b| a.path == b.path);
    (inputs, problems)
}

fn walk(
    root: &Path,
    rel: &Path,
    globs: &Selection,
    skip: Option<&Path>,
    out: &mut Vec<Input>,
    problems: &mut Vec<Problem>,
) {
    let dir = root.join(rel);
    if let Some(skip) = skip {
        if fs::canonicalize(&dir).is_ok_and(|d| d == skip) {
            return;
        }
    }
    let entries = match fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) => {
            problems.push((dir, format!("cannot read the folder: {e}")));
            return;
        }
    };
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                problems.push((dir.clone(), format!("cannot read the folder: {e}")));
                continue;
            }
        };
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let child = rel.join(&name);
        let path = entry.path();
        let Ok(file_type) = entry.file_type() else {
            problems.push((path, "cannot read the file type".into()));
            continue;
        };
        // Symbolic links to files are followed; links to folders are not (no cycles).
        let is_file = file_type.is_file() || (file_type.is_symlink() && fs::metadata(&path).is_ok_and(|m| m.is_file()));
        if file_type.is_dir() {
            walk(root, &child, globs, skip, out, problems);
        } else if is_file && globs.selected(&child) {
            out.push(Input {
                path,
                rel: child,
                explicit: false,
            });
        }
    }
}

/// Keeps shard `k` of `n` (1-based) of a sorted list: the items whose index is `k - 1` modulo `n`.
pub fn shard_of<T>(items: Vec<T>, (k, n): (usize, usize)) -> Vec<T> {
    items
        .into_iter()
        .enumerate()
        .filter(|(i, _)| i % n == k - 1)
        .map(|(_, item)| item)
        .collect()
}

/// Keeps shard `k` of `n` (1-based): the inputs whose index in the sorted list is `k - 1` modulo `n`.
pub fn shard(inputs: Vec<Input>, shard: (usize, usize)) -> Vec<Input> {
    shard_of(inputs, shard)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sel(patterns: &[&str]) -> Selection {
        Selection::new(&patterns.iter().map(|p| p.to_string()).collect::<Vec<_>>()).unwrap() // ok: test code
    }

    #[test]
    fn globs() {
        let m = |p: &str, t: &str| sel(&[p]).selected(Path::new(t));
        assert!(m("*.html", "a/b/c.html"));
        assert!(!m("*.html", "a/b/c.htm"));
        assert!(m("a/*.html", "a/c.html"));
        assert!(!m("a/*.html", "a/b/c.html"));
        assert!(m("a/**/*.html", "a/b/c.html"));
        assert!(m("**/c.html", "c.html"));
        assert!(m("**/c.html", "a/b/c.html"));
        assert!(m("a/**/c.html", "a/b/c.html"));
        assert!(m("bbc-10?8*", "bbc-1048026.md"));
        assert!(!m("?", "ab"));
        assert!(m("*.{html,md}", "x/a.md"));
        assert!(!m("*.{html,md}", "x/a.txt"));
        assert!(m("[0-9]*.html", "2024-a.html"));
        assert!(!m("[0-9]*.html", "a.html"));
        assert!(m("[!a]*", "b.html"));
        for bad in ["[0-9", "*.{html,md", ""] {
            assert!(Selection::new(&[bad.to_string()]).is_err(), "{bad}");
        }
    }

    #[test]
    fn selection() {
        let rel = Path::new("x/y.html");
        assert!(sel(&[]).selected(rel));
        assert!(!sel(&[]).selected(Path::new("x/y.css")));
        assert!(!sel(&["!x/*"]).selected(rel));
        assert!(sel(&["!z/*"]).selected(rel));
        assert!(sel(&["*.css", "*.html"]).selected(rel));
        assert!(!sel(&["*.html", "!y.*"]).selected(rel));
    }

    #[test]
    fn size_changes() {
        let dir = tempfile::tempdir().unwrap(); // ok: test code
        let path = dir.path().join("a");
        fs::write(&path, "12345").unwrap(); // ok: test code
        let opened = fs::metadata(&path).unwrap(); // ok: test code
        assert_eq!(size_change(&opened, 5, Some(&opened)), None);
        assert!(
            size_change(&opened, 3, Some(&opened)).is_some_and(|m| m.contains("5 bytes when opened, 3 bytes read"))
        );
        fs::write(&path, "1234567").unwrap(); // ok: test code
        let grown = fs::metadata(&path).unwrap(); // ok: test code
        assert!(size_change(&opened, 5, Some(&grown)).is_some_and(|m| m.contains("7 bytes now")));
        fs::write(&path, "").unwrap(); // ok: test code
        let empty = fs::metadata(&path).unwrap(); // ok: test code
        // What /proc files look like: size 0, content anyway.
        assert_eq!(size_change(&empty, 80, Some(&empty)), None);
        assert_eq!(read_input(&path), Ok(Vec::new()));
        assert!(read_input(dir.path()).is_err_and(|e| e.starts_with("cannot read: ")));
    }

    #[test]
    fn kinds() {
        assert_eq!(kind_of(Path::new("a.MD"), b""), Kind::Markdown);
        assert_eq!(kind_of(Path::new("a.txt"), b"<!--123-->\n[t](u)"), Kind::Markdown);
        assert_eq!(kind_of(Path::new("a.txt"), b"---\r\ntitle: x\r\n---"), Kind::Markdown);
        assert_eq!(kind_of(Path::new("a.txt"), b"<p>hi</p>"), Kind::Html);
        assert_eq!(kind_of(Path::new("a"), b"<!--x-->"), Kind::Html);
    }

    #[test]
    fn shards_partition() {
        let inputs: Vec<Input> = (0..10)
            .map(|i| Input {
                path: format!("{i}").into(),
                rel: format!("{i}").into(),
                explicit: false,
            })
            .collect();
        let mut all: Vec<PathBuf> = (1..=3)
            .flat_map(|k| shard(inputs.clone(), (k, 3)))
            .map(|i| i.path)
            .collect();
        all.sort();
        assert_eq!(all, inputs.iter().map(|i| i.path.clone()).collect::<Vec<_>>());
    }
}
