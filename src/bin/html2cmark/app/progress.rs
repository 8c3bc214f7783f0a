//! The progress line of a batch on a terminal: bytes done of the total (the work runs largest file first, so a
//! count of files would race ahead at the end), fitted to the terminal's width.

use std::io::{self, IsTerminal};

/// The widest line drawn, however wide the terminal.
const MAX_WIDTH: usize = 100;

/// What the bar is drawn against.
#[derive(Debug, Clone, Copy)]
pub struct Bar {
    pub files: usize,
    pub bytes: u64,
}

impl Bar {
    /// A bar for `files` inputs of `bytes` bytes in all, when stderr is a terminal; `None` otherwise (a log
    /// or a pipe gets no progress line).
    pub fn on_stderr(files: usize, bytes: u64) -> Option<Bar> {
        io::stderr().is_terminal().then_some(Bar { files, bytes })
    }

    /// The line for `done_files` and `done_bytes` at `rate` bytes per second, at most `width` characters
    /// (at least one is left free, so that the terminal does not wrap it).
    pub fn line(&self, done_files: usize, done_bytes: u64, rate: f64, width: usize) -> String {
        let width = width.saturating_sub(1).min(MAX_WIDTH);
        let text = format!(
            " {}/{} {:.0}% {}/{} files {}/s",
            mb(done_bytes),
            mb(self.bytes),
            percent(done_bytes, self.bytes),
            done_files,
            self.files,
            mb(rate as u64),
        );
        let short = format!(" {:.0}% {}/{}", percent(done_bytes, self.bytes), done_files, self.files);
        // The bar takes what the text leaves, if that is at least 10 columns; a narrow terminal gets the text.
        for text in [text.as_str(), short.as_str()] {
            let len = text.chars().count();
            if len + 12 <= width {
                let inner = width - len - 2;
                let filled = fraction(done_bytes, self.bytes, inner);
                return format!("[{}{}]{text}", "#".repeat(filled), " ".repeat(inner - filled));
            }
            if len < width {
                return text.trim_start().to_string();
            }
        }
        short.trim_start().chars().take(width).collect()
    }
}

/// The terminal's width in columns (80 when it cannot be told).
pub fn width() -> usize {
    terminal_size::terminal_size_of(io::stderr()).map_or(80, |(terminal_size::Width(w), _)| usize::from(w))
}

fn percent(done: u64, total: u64) -> f64 {
    if total == 0 {
        100.0
    } else {
        done as f64 * 100.0 / total as f64
    }
}

fn fraction(done: u64, total: u64, cells: usize) -> usize {
    if total == 0 {
        cells
    } else {
        ((done.min(total) as u128 * cells as u128) / total as u128) as usize
    }
}

/// Bytes for people: `512 B`, `3.4 kB`, `12.5 MB`, `1.2 GB`.
fn mb(bytes: u64) -> String {
    let b = bytes as f64;
    if b < 1e3 {
        format!("{bytes} B")
    } else if b < 1e6 {
        format!("{:.1} kB", b / 1e3)
    } else if b < 1e9 {
        format!("{:.1} MB", b / 1e6)
    } else {
        format!("{:.1} GB", b / 1e9)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_every_width() {
        let bar = Bar {
            files: 287,
            bytes: 9_870_000,
        };
        for width in 0..200 {
            for (files, bytes) in [(0, 0), (100, 4_000_000), (287, 9_870_000)] {
                let line = bar.line(files, bytes, 25e6, width);
                assert!(line.chars().count() < width.max(1), "{width}: {line:?}");
            }
        }
        assert_eq!(
            bar.line(100, 4_935_000, 25e6, 80),
            "[#################                  ] 4.9 MB/9.9 MB 50% 100/287 files 25.0 MB/s"
        );
        assert_eq!(bar.line(100, 4_935_000, 25e6, 30), "[#######        ] 50% 100/287");
        assert_eq!(bar.line(100, 4_935_000, 25e6, 12), "50% 100/287");
        let empty = Bar { files: 3, bytes: 0 };
        assert!(empty.line(0, 0, 0.0, 40).contains("100%"));
    }
}
