//! Line wrapping of paragraph text ([`Style::wrap`](crate::Style::wrap)): some of the spaces that the inline
//! renderer marked become line breaks, where the new line cannot start a block.
//!
//! A space between two characters that are not white space reads the same as a line break (a soft break), so
//! only segmentation changes: the text, emphasis flanking (white space either way) and everything else parse
//! the same. The decisions about what a line may start with are in [`crate::escape`].

use crate::escape;

/// Wraps `text` (a paragraph's rendered lines, separated by `\n`) so that its lines fit in `room` characters
/// where a break is possible; the first line gets `first_room`. `spaces` holds the byte offsets, ascending, of
/// the spaces that may become breaks.
pub(crate) fn wrap(text: &str, spaces: &[usize], first_room: usize, room: usize) -> String {
    let mut breaks = Vec::new();
    let mut candidates = spaces.iter().copied().filter(|&p| breakable(text, p)).peekable();
    let mut start = 0;
    for (n, line) in text.split('\n').enumerate() {
        let end = start + line.len();
        let mut in_line = Vec::new();
        while let Some(&p) = candidates.peek() {
            if p >= end {
                break;
            }
            if p > start {
                in_line.push(p);
            }
            candidates.next();
        }
        let room = if n == 0 { first_room } else { room };
        wrap_line(text, start, end, &in_line, room, n == 0, &mut breaks);
        start = end + 1;
    }
    if breaks.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for p in breaks {
        out.push_str(&text[copied..p]);
        out.push('\n');
        copied = p + 1;
    }
    out.push_str(&text[copied..]);
    out
}

/// A space can become a line break when it stands between two characters that are not white space (before
/// another space it would make a hard break or be stripped) and not right after a backslash (a hard break).
fn breakable(text: &str, p: usize) -> bool {
    let prev = text[..p].chars().next_back();
    let next = text.get(p + 1..).and_then(|t| t.chars().next());
    text.as_bytes().get(p) == Some(&b' ')
        && prev.is_some_and(|c| !c.is_whitespace() && c != '\\')
        && next.is_some_and(|c| !c.is_whitespace())
}

/// Chooses the breaks of the line `text[start..end]` among `candidates` (byte offsets of breakable spaces):
/// greedily, the last safe break that keeps the line within `room`, or the first safe one after it when a word
/// is longer than the room.
fn wrap_line(
    text: &str,
    start: usize,
    end: usize,
    candidates: &[usize],
    room: usize,
    first_line: bool,
    breaks: &mut Vec<usize>,
) {
    // The column of each candidate and of the line end, in characters from the line start.
    let mut cols = Vec::with_capacity(candidates.len());
    let mut col = 0;
    let mut at = start;
    for &p in candidates {
        col += text[at..p].chars().count();
        cols.push(col);
        at = p;
    }
    let end_col = col + text[at..end].chars().count();
    // The line's start is all thematic-break-like characters up to here.
    let marks_end = start
        + text[start..end]
            .find(|c: char| !escape::is_line_mark(c))
            .unwrap_or(end - start);
    let safe = |cur: usize, p: usize| {
        escape::continuation_start_safe(&text[p + 1..end])
            && (cur != start || escape::cut_line_safe(&text[start..p], p <= marks_end, first_line))
    };
    let (mut cur, mut cur_col) = (start, 0);
    let mut k = 0;
    while end_col - cur_col > room {
        let mut fit = None;
        let mut j = k;
        while j < candidates.len() && cols[j] - cur_col <= room {
            if safe(cur, candidates[j]) {
                fit = Some(j);
            }
            j += 1;
        }
        let chosen = fit.or_else(|| (j..candidates.len()).find(|&j| safe(cur, candidates[j])));
        let Some(j) = chosen else { break };
        breaks.push(candidates[j]);
        cur = candidates[j] + 1;
        cur_col = cols[j] + 1;
        k = j + 1;
    }
}
