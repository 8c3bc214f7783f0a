//! The config file, `html2cmark.toml`: the inputs, the output folder, the globs and the conversion options of a
//! batch, so that the write run and the `--check` run read them from one place.
//!
//! The file is read into [`File`] (serde, with unknown keys refused), then each key becomes the command-line
//! arguments it stands for (`wrap = 72` is `--wrap=72`), checked by the same code as the flags; the command line
//! is applied after them and so overrides them.

use std::ffi::OsString;
use std::fmt::Display;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

/// The name looked for from the working folder upward.
pub const NAME: &str = "html2cmark.toml";

/// The keys of the file. Each is named after its flag, without the dashes (`out-dir` for `--out-dir`); `inputs`
/// and `globs` are lists.
#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct File {
    inputs: Option<Spanned<Vec<PathBuf>>>,
    out_dir: Option<Spanned<PathBuf>>,
    globs: Option<Spanned<Vec<String>>>,
    allow_empty: Option<Spanned<bool>>,
    from: Option<Spanned<String>>,
    tables: Option<Spanned<bool>>,
    strikethrough: Option<Spanned<bool>>,
    task_lists: Option<Spanned<bool>>,
    unsupported: Option<Spanned<String>>,
    max_depth: Option<Spanned<u64>>,
    max_input_bytes: Option<Spanned<u64>>,
    share_links: Option<Spanned<String>>,
    allow_unsafe_urls: Option<Spanned<bool>>,
    allow_data_images: Option<Spanned<bool>>,
    readable_urls: Option<Spanned<bool>>,
    charset: Option<Spanned<String>>,
    front_matter: Option<Spanned<bool>>,
    base_url: Option<Spanned<String>>,
    drop: Option<Spanned<Vec<String>>>,
    keep_html: Option<Spanned<Vec<String>>>,
    drop_page_chrome: Option<Spanned<bool>>,
    heading: Option<Spanned<String>>,
    bullet: Option<Spanned<String>>,
    ordered_delimiter: Option<Spanned<String>>,
    emphasis: Option<Spanned<String>>,
    strong: Option<Spanned<String>>,
    code_block: Option<Spanned<String>>,
    rule: Option<Spanned<String>>,
    hard_break: Option<Spanned<String>>,
    link_style: Option<Spanned<String>>,
    wrap: Option<Spanned<u64>>,
}

/// What selects and places the files of a batch (the other keys are conversion options).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// `inputs`, `globs`, `allow-empty`.
    Batch,
    /// `out-dir`.
    OutDir,
    Conversion,
}

/// One key of the file as the arguments it stands for.
#[derive(Debug)]
pub struct Setting {
    pub key: &'static str,
    pub group: Group,
    /// The flags, with their values attached (`--wrap=72`); `inputs` are values after `--`.
    pub args: Vec<OsString>,
    /// The file and line, for messages.
    place: String,
}

impl Setting {
    /// `message` (from the flag's parser, e.g. `--wrap: needs at least 1`, without the flag) as an error about
    /// this key.
    pub fn error(&self, message: &str) -> String {
        let message = match message.split_once(": ") {
            Some((flag, rest)) if flag.starts_with("--") && !flag.contains(' ') => rest,
            _ => message,
        };
        format!("{}: {}: {message}", self.place, self.key)
    }
}

/// The config file that applies when none is named: `html2cmark.toml` in the working folder or the nearest
/// folder above it, as a relative path (`../../html2cmark.toml`) so that the paths it names read as relative
/// ones in messages.
pub fn find() -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    let mut relative = PathBuf::new();
    for dir in cwd.ancestors() {
        if dir.join(NAME).is_file() {
            return Some(relative.join(NAME));
        }
        relative.push("..");
    }
    None
}

/// Reads the file at `path` into its settings, in the order of [`File`]'s keys; paths in it are made relative
/// to the file's folder. Errors name the file, the line and the key.
pub fn load(path: &Path) -> Result<Vec<Setting>, String> {
    let shown = super::quote(path);
    let text = std::fs::read_to_string(path).map_err(|e| format!("{shown}: cannot read the config file: {e}"))?;
    let file: File = toml::from_str(&text).map_err(|e| {
        let message = e.message().trim_end().replacen("unknown field", "unknown key", 1);
        match e.span() {
            Some(span) => {
                let line = line_of(&text, span.start);
                match key_at(&text, span.start) {
                    Some(key) if !message.contains(&format!("`{key}`")) => {
                        format!("{shown}:{line}: {key}: {message}")
                    }
                    _ => format!("{shown}:{line}: {message}"),
                }
            }
            None => format!("{shown}: {message}"),
        }
    })?;
    let dir = path.parent().unwrap_or(Path::new(""));
    let mut settings = Settings {
        text: &text,
        shown: &shown,
        list: Vec::new(),
    };
    if let Some(inputs) = &file.inputs {
        let mut args = vec![OsString::from("--")];
        args.extend(inputs.get_ref().iter().map(|p| dir.join(p).into_os_string()));
        settings.push("inputs", Group::Batch, inputs.span(), args);
    }
    if let Some(out) = &file.out_dir {
        let mut arg = OsString::from("--out-dir=");
        arg.push(dir.join(out.get_ref()));
        settings.push("out-dir", Group::OutDir, out.span(), vec![arg]);
    }
    settings.list("globs", "--glob", Group::Batch, &file.globs);
    settings.switch("allow-empty", Group::Batch, &file.allow_empty);
    settings.value("from", &file.from);
    settings.switch("tables", Group::Conversion, &file.tables);
    settings.switch("strikethrough", Group::Conversion, &file.strikethrough);
    settings.switch("task-lists", Group::Conversion, &file.task_lists);
    settings.value("unsupported", &file.unsupported);
    settings.value("max-depth", &file.max_depth);
    settings.value("max-input-bytes", &file.max_input_bytes);
    settings.value("share-links", &file.share_links);
    settings.switch("allow-unsafe-urls", Group::Conversion, &file.allow_unsafe_urls);
    settings.switch("allow-data-images", Group::Conversion, &file.allow_data_images);
    settings.switch("readable-urls", Group::Conversion, &file.readable_urls);
    settings.value("charset", &file.charset);
    settings.switch("front-matter", Group::Conversion, &file.front_matter);
    settings.value("base-url", &file.base_url);
    settings.list("drop", "--drop", Group::Conversion, &file.drop);
    settings.list("keep-html", "--keep-html", Group::Conversion, &file.keep_html);
    settings.switch("drop-page-chrome", Group::Conversion, &file.drop_page_chrome);
    settings.value("heading", &file.heading);
    settings.value("bullet", &file.bullet);
    settings.value("ordered-delimiter", &file.ordered_delimiter);
    settings.value("emphasis", &file.emphasis);
    settings.value("strong", &file.strong);
    settings.value("code-block", &file.code_block);
    settings.value("rule", &file.rule);
    settings.value("hard-break", &file.hard_break);
    settings.value("link-style", &file.link_style);
    settings.value("wrap", &file.wrap);
    Ok(settings.list)
}

/// The settings being collected, with what their messages need.
struct Settings<'a> {
    text: &'a str,
    shown: &'a str,
    list: Vec<Setting>,
}

impl Settings<'_> {
    fn push(&mut self, key: &'static str, group: Group, span: Range<usize>, args: Vec<OsString>) {
        let place = format!("{}:{}", self.shown, line_of(self.text, span.start));
        self.list.push(Setting {
            key,
            group,
            args,
            place,
        });
    }

    /// `key = value`: `--key=value`.
    fn value<T: Display>(&mut self, key: &'static str, value: &Option<Spanned<T>>) {
        if let Some(value) = value {
            let arg = format!("--{key}={}", value.get_ref());
            self.push(key, Group::Conversion, value.span(), vec![arg.into()]);
        }
    }

    /// `key = true`: `--key`; `key = false`: `--no-key`.
    fn switch(&mut self, key: &'static str, group: Group, value: &Option<Spanned<bool>>) {
        if let Some(value) = value {
            let arg = match value.get_ref() {
                true => format!("--{key}"),
                false => format!("--no-{key}"),
            };
            self.push(key, group, value.span(), vec![arg.into()]);
        }
    }

    /// `key = [a, b]`: `FLAG=a FLAG=b`.
    fn list(&mut self, key: &'static str, flag: &str, group: Group, values: &Option<Spanned<Vec<String>>>) {
        if let Some(values) = values {
            let args = values.get_ref().iter().map(|v| format!("{flag}={v}").into()).collect();
            self.push(key, group, values.span(), args);
        }
    }
}

/// The 1-based line of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].bytes().filter(|&b| b == b'\n').count() + 1
}

/// The key whose value holds byte `offset`: the nearest line at or before it that starts with `key =`.
fn key_at(text: &str, offset: usize) -> Option<&str> {
    let offset = offset.min(text.len());
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    text[..end].lines().rev().find_map(|line| {
        let (key, _) = line.split_once('=')?;
        let key = key.trim();
        // A bare key, or a quoted one: not `"a` from an array's `"a=b",`.
        let key = match key.strip_prefix('"') {
            Some(quoted) => quoted.strip_suffix('"')?,
            None => key,
        };
        let plain = !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        plain.then_some(key)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_keys() {
        let text = "a = 1\nwrap = \"x\"\ndrop = [\n  1,\n]\n";
        assert_eq!(line_of(text, 0), 1);
        assert_eq!(line_of(text, text.find("\"x\"").unwrap()), 2); // ok: test code
        assert_eq!(key_at(text, text.find("\"x\"").unwrap()), Some("wrap")); // ok: test code
        assert_eq!(key_at(text, text.find("1,").unwrap()), Some("drop")); // ok: test code
        assert_eq!(key_at(text, 0), Some("a"));
        let text = "drop = [\n  \"[a=b]\",\n  2,\n]\n\"out-dir\" = 1\n";
        assert_eq!(key_at(text, text.find("2,").unwrap()), Some("drop")); // ok: test code
        assert_eq!(key_at(text, text.find("1\n").unwrap()), Some("out-dir")); // ok: test code
    }
}
