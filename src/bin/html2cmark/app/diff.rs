//! A short line diff for `--check --diff`: what is on disk (`-`) against what the conversion gives (`+`).

use std::fmt::Write;

/// At most this many diff lines per file.
const MAX_LINES: usize = 40;
/// Above this many lines × lines in the changed middle, no alignment: all old lines, then all new ones.
const MAX_CELLS: usize = 4_000_000;

/// A unified-style diff of `old` and `new` with a line of context around each change, cut after
/// [`MAX_LINES`] lines.
pub fn short_diff(old: &str, new: &str) -> String {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ma, mb) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    let mut ops: Vec<(char, &str)> = Vec::new();
    if prefix > 0 {
        ops.push((' ', a[prefix - 1]));
    }
    if ma.len().saturating_mul(mb.len()) <= MAX_CELLS {
        align(ma, mb, &mut ops);
    } else {
        ops.extend(ma.iter().map(|l| ('-', *l)));
        ops.extend(mb.iter().map(|l| ('+', *l)));
    }
    if suffix > 0 {
        ops.push((' ', a[a.len() - suffix]));
    }
    let mut out = String::new();
    let _ = writeln!(out, "@@ line {} @@", prefix.max(1));
    for (sign, line) in ops.iter().take(MAX_LINES) {
        let _ = writeln!(out, "{sign}{line}");
    }
    if ops.len() > MAX_LINES {
        let _ = writeln!(out, "… {} more diff lines", ops.len() - MAX_LINES);
    }
    if old.ends_with('\n') != new.ends_with('\n') {
        out.push_str("(the files differ in their final newline)\n");
    }
    out
}

/// The longest common subsequence alignment of `a` and `b` as `-`, `+` and ` ` lines.
fn align<'a>(a: &[&'a str], b: &[&'a str], ops: &mut Vec<(char, &'a str)>) {
    let w = b.len() + 1;
    // lcs[i * w + j]: the LCS length of a[i..] and b[j..].
    let mut lcs = vec![0u32; (a.len() + 1) * w];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i * w + j] = if a[i] == b[j] {
                lcs[(i + 1) * w + j + 1] + 1
            } else {
                lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            ops.push((' ', a[i]));
            i += 1;
            j += 1;
        } else if j == b.len() || (i < a.len() && lcs[(i + 1) * w + j] >= lcs[i * w + j + 1]) {
            ops.push(('-', a[i]));
            i += 1;
        } else {
            ops.push(('+', b[j]));
            j += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_changed_line() {
        let d = short_diff("a\nb\nc\nd\n", "a\nb\nX\nd\n");
        assert_eq!(d, "@@ line 2 @@\n b\n-c\n+X\n d\n");
    }

    #[test]
    fn insertions_and_newline() {
        let d = short_diff("a\nc", "a\nb\nc\n");
        assert_eq!(
            d,
            "@@ line 1 @@\n a\n+b\n c\n(the files differ in their final newline)\n"
        );
    }
}
