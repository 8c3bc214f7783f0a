//! Every character-level escaping decision of the writer, keyed by context.
//!
//! The rule throughout: a backslash (or, where a backslash cannot work, a numeric character reference) only where
//! the character would otherwise start or end markup in that exact position. The callers pass the characters that
//! will surround the text in the final output, so decisions are taken after adjacent text has been merged.

use crate::punct::is_punctuation;

/// Where a piece of inline text is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Context {
    /// A paragraph or a setext heading: every line start is a block start candidate.
    Paragraph,
    /// The single line of an ATX heading (line-start rules do not apply; a trailing `#` run would close it).
    AtxHeading,
    /// A GFM table cell: `|` splits cells, leading and trailing spaces are trimmed.
    TableCell,
}

/// The class of a character next to a delimiter run, as CommonMark's flanking rules see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    /// Unicode whitespace, a line end, or the start/end of the block.
    Space,
    /// Unicode punctuation or symbol.
    Punct,
    /// Anything else (letters, digits, ideographs).
    Other,
}

impl Class {
    pub(crate) fn of(c: char) -> Class {
        // Text never shows these as they are: line ends are written as references (`&#10;`, `&` … `;`) and
        // NUL as U+FFFD, a symbol.
        if matches!(c, '\n' | '\r' | '\0') {
            return Class::Punct;
        }
        if c.is_whitespace() {
            Class::Space
        } else if is_punctuation(c) {
            Class::Punct
        } else {
            Class::Other
        }
    }
}

/// The output character next to a text run: its class, and the character itself when it is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Neighbor {
    pub(crate) class: Class,
    pub(crate) ch: Option<char>,
}

impl Neighbor {
    pub(crate) const EDGE: Neighbor = Neighbor {
        class: Class::Space,
        ch: None,
    };

    pub(crate) fn char(c: char) -> Neighbor {
        Neighbor {
            class: Class::of(c),
            ch: Some(c),
        }
    }

    pub(crate) fn punct(c: char) -> Neighbor {
        Neighbor {
            class: Class::Punct,
            ch: Some(c),
        }
    }
}

/// Whether a delimiter run of `run_len` copies of `delim` between `prev` and `next` can open emphasis
/// (CommonMark 0.31.2 §6.2, with pulldown-cmark's GFM strikethrough rules for `~`).
pub(crate) fn can_open(delim: char, run_len: usize, prev: Class, next: Class) -> bool {
    if next == Class::Space {
        return false;
    }
    let left = next != Class::Punct || prev != Class::Other;
    if !left {
        return false;
    }
    let intraword = delim == '*' || (delim == '~' && run_len > 1);
    if intraword {
        return true;
    }
    // `_` and single `~`: not right-flanking, or preceded by punctuation.
    let right = prev != Class::Space && (prev != Class::Punct || next != Class::Other);
    !right || prev == Class::Punct
}

/// Whether a delimiter run can close emphasis (mirror image of [`can_open`]).
pub(crate) fn can_close(delim: char, run_len: usize, prev: Class, next: Class) -> bool {
    if prev == Class::Space {
        return false;
    }
    let right = prev != Class::Punct || next != Class::Other;
    if !right {
        return false;
    }
    let intraword = delim == '*' || (delim == '~' && run_len > 1);
    if intraword {
        return true;
    }
    let left = next != Class::Space && (next != Class::Punct || prev != Class::Other);
    !left || next == Class::Punct
}

/// Which ASCII punctuation and control characters occur in a text: every markup character is one of them, so
/// one pass over the text answers "could this character need escaping here?" for all of them. Letters, digits
/// and spaces are not recorded (nothing asks about them). Runs of non-ASCII text (CJK) are skipped eight bytes
/// at a time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct AsciiSet(u64);

/// The bit that stands for each byte in an [`AsciiSet`]: one per ASCII punctuation character, one each for NUL,
/// tab, line feed, line tabulation, form feed, carriage return and DEL, one shared by the other controls, and
/// none for letters, digits, space and non-ASCII bytes.
static ASCII_BITS: [u64; 256] = {
    let mut table = [0u64; 256];
    let mut b = 0;
    let mut next = 0;
    while b < 128 {
        let byte = b as u8;
        let bit = if byte.is_ascii_punctuation() {
            next += 1;
            next - 1
        } else {
            match byte {
                0 => 32,
                b'\t' => 33,
                b'\n' => 34,
                0x0b => 35,
                0x0c => 36,
                b'\r' => 37,
                0x7f => 38,
                // The other controls share a bit.
                0x01..=0x08 | 0x0e..=0x1f => 39,
                _ => 64,
            }
        };
        if bit < 64 {
            table[b] = 1 << bit;
        }
        b += 1;
    }
    table
};

impl AsciiSet {
    pub(crate) fn of(text: &str) -> Self {
        const HIGH: u64 = 0x8080_8080_8080_8080;
        let mut set = 0u64;
        let mut chunks = text.as_bytes().chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            if u64::from_ne_bytes(word) & HIGH == HIGH {
                continue;
            }
            for &b in chunk {
                set |= ASCII_BITS[usize::from(b)];
            }
        }
        for &b in chunks.remainder() {
            set |= ASCII_BITS[usize::from(b)];
        }
        AsciiSet(set)
    }

    /// Whether `c` (ASCII punctuation or a control character) occurs.
    pub(crate) fn has(self, c: u8) -> bool {
        debug_assert!(ASCII_BITS[usize::from(c)] != 0, "{c:#x} is not recorded");
        self.0 & ASCII_BITS[usize::from(c)] != 0
    }

    /// Whether any of `chars` (ASCII punctuation or control characters) occurs.
    pub(crate) fn has_any(self, chars: &[u8]) -> bool {
        chars.iter().any(|&c| self.has(c))
    }
}

/// What the text escaper needs to know about the surroundings of one text run.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TextEnv {
    pub(crate) ctx: Context,
    /// The ASCII characters of the run ([`AsciiSet::of`]).
    pub(crate) ascii: AsciiSet,
    /// The character written just before the run.
    pub(crate) prev: Neighbor,
    /// The first character written after the run (a line end counts as whitespace).
    pub(crate) next: Neighbor,
    /// The run starts a line (the block's first line or after a break).
    pub(crate) line_start: bool,
    /// The run starts the block's first line.
    pub(crate) first_line: bool,
    /// The run ends its line (followed by a break or the end of the block).
    pub(crate) line_end: bool,
    /// The run ends the block.
    pub(crate) block_end: bool,
    /// The run is inside link or image text, where brackets must balance.
    pub(crate) in_link_text: bool,
    /// A `>` may be written somewhere after this run in the same block (so `<` could open a tag).
    pub(crate) gt_follows: bool,
    /// A later text run of the block contains `](` (so `[` here could open an inline link).
    pub(crate) link_close_follows: bool,
    /// A later text run of the block could make `]]` (holding it, or a `]` at its start or end, next to which
    /// link syntax or another run could write a `]`), so that a `[[` here could be closed as a wikilink.
    pub(crate) close_follows: bool,
    /// A later text run of the block contains `]:` (so `[` at the start of the block could open a link
    /// reference definition).
    pub(crate) bracket_follows: bool,
    /// Strikethrough is enabled, so `~` runs are delimiters.
    pub(crate) strikethrough: bool,
    /// Tables are enabled, so a delimiter-row-like line would turn the paragraph into a table.
    pub(crate) tables: bool,
    /// The run follows a task list marker at the start of the item (no block can start there).
    pub(crate) after_task_marker: bool,
    /// Links are written as references, whose labels are defined for the whole document: any bracketed text
    /// could become a shortcut reference to one of them.
    pub(crate) references: bool,
}

/// Appends `text` to `out`, escaped for its environment. `planned` marks the characters that the block-wide
/// pairing analysis ([`pairing_escapes`], [`backtick_escapes`]) found must be escaped.
pub(crate) fn push_text(out: &mut String, text: &str, env: &TextEnv, planned: &[bool]) {
    if is_plain(text, env, planned) {
        out.push_str(text);
        return;
    }
    // Plain text with one trailing space or tab (before a link, say): only that character can need care.
    if let Some(last @ (' ' | '\t')) = text.chars().next_back() {
        let body = &text[..text.len() - 1];
        if is_plain(body, env, planned) {
            out.push_str(body);
            let stripped = env.block_end || env.ctx != Context::Paragraph || env.next.ch != Some('\\');
            if (env.line_end || env.ctx == Context::TableCell && env.block_end) && stripped {
                push_entity(out, last);
            } else {
                out.push(last);
            }
            return;
        }
    }
    let chars: Vec<char> = text.chars().collect();
    if chars.is_empty() {
        return;
    }
    let n = chars.len();
    let mut escape_at = planned.to_vec();
    escape_at.resize(n, false);
    let mut scan = Scan::new(&chars, env.ascii);
    let mut entity_at = vec![false; n];

    if env.line_start && !env.after_task_marker {
        line_start_escapes(&chars, env, &mut escape_at, &mut entity_at);
    }
    if env.ctx == Context::AtxHeading && env.block_end {
        // §4.2: a closing sequence of `#` preceded by a space (or filling the content) would be removed.
        let trail = chars.iter().rev().take_while(|&&c| c == '#').count();
        if trail > 0 {
            let start = n - trail;
            let before = if start == 0 {
                env.prev.ch
            } else {
                Some(chars[start - 1])
            };
            if matches!(before, None | Some(' ') | Some('\t')) {
                escape_at[start] = true;
            }
        }
    }
    // Leading and trailing whitespace that the parser would strip.
    let strips_edges = env.ctx != Context::Paragraph || env.line_start;
    if strips_edges && env.line_start && is_edge_space(chars[0]) {
        entity_at[0] = true;
    }
    if (env.line_end || env.ctx == Context::TableCell && env.block_end) && is_edge_space(chars[n - 1]) {
        let trailing_stripped = env.block_end || env.ctx != Context::Paragraph || env.next.ch != Some('\\');
        if trailing_stripped {
            entity_at[n - 1] = true;
        }
    }

    let link_text_doubled = env.in_link_text && env.ascii.has(b'[') && has_doubled_bracket(&chars, env);
    // Where this run could make `]]`: its last `]]`, or a final `]` doubled by what follows.
    let (last_close, ends_close) = if env.ascii.has(b']') {
        let last = chars.windows(2).rposition(|w| w[0] == ']' && w[1] == ']');
        (last, chars.last() == Some(&']') && env.next.ch == Some(']'))
    } else {
        (None, false)
    };
    let mut i = 0;
    while i < n {
        let c = chars[i];
        match c {
            '*' | '_' | '~' | '`' => {
                // Pairing was decided block-wide; here only runs that touch the same character in the output
                // (where they would merge with a delimiter run or a code span fence) are added.
                let mut j = i;
                while j < n && chars[j] == c {
                    j += 1;
                }
                if (c != '~' || env.strikethrough) && run_touches(&chars, i, j, env, c) {
                    for e in &mut escape_at[i..j] {
                        *e = true;
                    }
                }
                if c == '`' && i == 0 && env.line_start && j >= 3 && (!chars[j..].contains(&'`') || !env.line_end) {
                    // A backtick fence at a line start (§4.5); not one if the rest of the line has a backtick.
                    for e in &mut escape_at[..j] {
                        *e = true;
                    }
                }
                i = j;
                continue;
            }
            '\\' => {
                let next = chars.get(i + 1).copied().or(if env.line_end && !env.block_end {
                    Some('\n')
                } else {
                    env.next.ch
                });
                let before_markup = i + 1 == n && next.is_none() && env.next.class == Class::Punct;
                // A following character written as a reference starts with `&`.
                // (A CR or line feed in text is written as a reference too.)
                let before_entity = entity_at.get(i + 1) == Some(&true) || matches!(chars.get(i + 1), Some('\r'));
                if before_markup || before_entity || next.is_some_and(|d| d.is_ascii_punctuation() || d == '\n') {
                    escape_at[i] = true;
                }
            }
            '[' | ']' => {
                // `[[` opens a wikilink under pulldown-cmark's `ENABLE_WIKILINKS` (`[[javascript:x]]` would be a
                // live link there): the first bracket is escaped, whatever follows.
                // (A `[` after one escaped here is no second opener.)
                let prev_escaped = i > 0 && escape_at[i - 1] && chars[i - 1] == '[';
                let next_open = c == '[' && chars.get(i + 1).copied().or(env.next.ch) == Some('[');
                let doubled = next_open || (bracket_doubled_at(&chars, env, i) && !prev_escaped);
                if doubled && (env.close_follows || last_close.is_some_and(|k| k > i) || ends_close) {
                    escape_at[i] = true;
                }
                // In link text the brackets must stay balanced: once one is escaped, all of the run's are.
                if link_text_doubled {
                    escape_at[i] = true;
                }
                let link_follows = c == '[' && (env.link_close_follows || scan.link_close_after(i));
                // With reference links, `[` never opens (`[1]` or `[Rust]` would be a shortcut reference), and
                // in link text no bracket pairs, so that the text ends at our `]`.
                let reference = env.references && (c == '[' || env.in_link_text);
                if reference || (env.in_link_text && !scan.balanced()) || (!env.in_link_text && link_follows) {
                    escape_at[i] = true;
                }
            }
            '!' if i + 1 == n && env.next.ch == Some('[') => {
                escape_at[i] = true;
            }
            '<' => {
                let at_line_start = i == 0 && env.line_start && env.ctx == Context::Paragraph;
                if (at_line_start && html_block_start(&chars[1..], env.first_line))
                    || lt_could_open(&chars[i + 1..], scan.gt_after(i), env.gt_follows, env.next.class)
                {
                    escape_at[i] = true;
                }
            }
            '&' if entity_like(&chars[i + 1..]) => {
                escape_at[i] = true;
            }
            '|' if env.ctx == Context::TableCell => {
                escape_at[i] = true;
            }
            _ => {}
        }
        i += 1;
    }

    // Stretches of characters written as they are are copied whole from `text`.
    out.reserve(text.len());
    let mut from = 0;
    for (i, (at, c)) in text.char_indices().enumerate() {
        let special = matches!(c, '\0' | '\r' | '\n');
        if !(entity_at[i] || escape_at[i] || special) {
            continue;
        }
        out.push_str(&text[from..at]);
        from = at + c.len_utf8();
        if entity_at[i] {
            push_entity(out, c);
        } else if c == '\0' {
            out.push('\u{FFFD}');
        } else if c == '\r' {
            out.push_str("&#13;");
        } else if c == '\n' {
            out.push_str("&#10;");
        } else {
            out.push('\\');
            out.push(c);
        }
    }
    out.push_str(&text[from..]);
}

/// Whether a `[` of `chars` stands next to another `[` in the output (a wikilink opener).
fn has_doubled_bracket(chars: &[char], env: &TextEnv) -> bool {
    // (In link text the link's own `]` always follows.)
    (0..chars.len()).any(|i| bracket_doubled_at(chars, env, i))
}

/// Whether `chars[i]` is a `[` with another `[` written right before or after it.
fn bracket_doubled_at(chars: &[char], env: &TextEnv, i: usize) -> bool {
    let before = if i == 0 { env.prev.ch } else { Some(chars[i - 1]) };
    chars[i] == '[' && (chars.get(i + 1).copied().or(env.next.ch) == Some('[') || before == Some('['))
}

/// Escapes the `}` that ends a heading's written text, unless a backslash already stands before it: under
/// pulldown-cmark's `ENABLE_HEADING_ATTRIBUTES`, a trailing `{…}` is an attribute block, and `{onclick=x}` would
/// become an attribute of the heading. The scan for that block stops at any backslash, so `\}` ends none.
/// The last character of a heading's Markdown can only be text when it is `}`: code spans, raw HTML, links,
/// autolinks and references end in other characters.
pub(crate) fn guard_heading_attributes(heading: &mut String) {
    let end = heading.trim_end_matches([' ', '\t']).len();
    if heading[..end].ends_with('}') && !heading[..end - 1].ends_with('\\') {
        heading.insert(end - 1, '\\');
    }
}

/// Fast path: text that no rule below could escape. Not at a line start (where block syntax is checked) unless
/// it starts with a letter (no block starts with one, and a letter is neither a space nor a delimiter), no
/// escape planned block-wide, no trailing space or tab (which a line or cell end would strip), and none of the
/// characters the rules look at.
fn is_plain(text: &str, env: &TextEnv, planned: &[bool]) -> bool {
    (!env.line_start || starts_no_block(text))
        && !planned.contains(&true)
        && !text.ends_with(is_edge_space)
        && !env.ascii.has_any(b"*_~`\\[]!<&|#\0\r\n")
}

/// Whether `text` at the start of a line cannot start a block, whatever follows it: it starts with a letter, a
/// non-ASCII character, `(`, `"` or `'` (every block marker is other ASCII), or with up to nine digits and then
/// something other than `.` and `)` (so no ordered list marker, §5.2).
fn starts_no_block(text: &str) -> bool {
    let bytes = text.as_bytes();
    match bytes.first() {
        Some(b) if !b.is_ascii() || b.is_ascii_alphabetic() || matches!(b, b'(' | b'"' | b'\'') => true,
        Some(b) if b.is_ascii_digit() => {
            let k = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
            k > 9 || bytes.get(k).is_some_and(|b| !matches!(b, b'.' | b')'))
        }
        _ => false,
    }
}

/// White space that pulldown-cmark strips at the start and end of a line (and that makes a line blank): space,
/// tab, and also line tabulation and form feed, which HTML keeps as text.
pub(crate) fn is_edge_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{b}' | '\u{c}')
}

fn run_touches(chars: &[char], i: usize, j: usize, env: &TextEnv, c: char) -> bool {
    let prev = if i == 0 { env.prev.ch } else { Some(chars[i - 1]) };
    let next = if j == chars.len() { env.next.ch } else { Some(chars[j]) };
    prev == Some(c) || next == Some(c)
}

fn contains_seq(chars: &[char], seq: &[char]) -> bool {
    chars.windows(seq.len()).any(|w| w == seq)
}

/// Whether the characters after a `<` could make it an inline HTML tag, comment, declaration or autolink
/// (§6.5, §6.6), given whether a `>` may follow later in the block.
fn lt_could_open(rest: &[char], gt_here: bool, gt_follows: bool, next: Class) -> bool {
    // At the end of the run, the next character is markup (a delimiter could start an email autolink).
    let Some(&first) = rest.first() else {
        return gt_follows && next == Class::Punct;
    };
    if !(gt_here || gt_follows) {
        return false;
    }
    match first {
        '!' | '?' => true,
        '/' if rest.get(1).is_some_and(|c| c.is_ascii_alphabetic()) => true,
        c if c.is_ascii_alphabetic() => {
            let name = rest
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == '-')
                .count();
            let after = rest.get(name);
            // An open tag: the name ends at whitespace, `/`, `>` or the end of this text. (pulldown-cmark counts
            // line tabulation, form feed and CR as white space in a tag too.)
            let tag = matches!(
                after,
                None | Some(' ' | '\t' | '\n' | '\r' | '\u{b}' | '\u{c}' | '/' | '>')
            );
            // An autolink: a scheme, or an email address, up to the `>` with no space or `<`.
            let (clean, colon, at) = autolink_scan(rest);
            tag || (clean && (colon || at || !gt_here))
        }
        c if c.is_ascii_alphanumeric() || ".!#$%&'*+/=?^_`{|}~-".contains(c) => {
            // An email autolink can start with any of these (§6.5).
            let (clean, _, at) = autolink_scan(rest);
            clean && (at || !gt_here)
        }
        _ => false,
    }
}

/// Scans what follows a `<` up to the next `>`: whether no whitespace, control character or `<` comes first
/// (`clean`), and whether a `:` or an `@` does. It stops at the first disqualifying character, so a run of `<`
/// is scanned in linear time.
fn autolink_scan(rest: &[char]) -> (bool, bool, bool) {
    let (mut colon, mut at) = (false, false);
    for &c in rest {
        match c {
            '>' => break,
            '<' => return (false, colon, at),
            c if c.is_ascii_whitespace() || c.is_ascii_control() => return (false, colon, at),
            ':' => colon = true,
            '@' => at = true,
            _ => {}
        }
    }
    (true, colon, at)
}

/// Facts about the rest of a text run, computed once so that per-character checks stay constant time.
struct Scan<'a> {
    chars: &'a [char],
    /// `gt[i]`: a `>` comes after index `i`.
    gt: Vec<bool>,
    /// `link[i]`: a `](` starts after index `i`.
    link: Vec<bool>,
    balanced: Option<bool>,
}

impl<'a> Scan<'a> {
    /// The facts for `chars`, whose ASCII characters are `ascii`: `gt` only when there is a `<` to ask about,
    /// `link` only when there is a `[`.
    fn new(chars: &'a [char], ascii: AsciiSet) -> Self {
        let n = chars.len();
        let (mut gt, mut link) = (Vec::new(), Vec::new());
        if ascii.has(b'<') {
            gt = vec![false; n + 1];
            for i in (0..n).rev() {
                gt[i] = gt[i + 1] || chars.get(i + 1) == Some(&'>');
            }
        }
        if ascii.has(b'[') {
            link = vec![false; n + 1];
            for i in (0..n).rev() {
                link[i] = link[i + 1] || (chars.get(i + 1) == Some(&']') && chars.get(i + 2) == Some(&'('));
            }
        }
        Scan {
            chars,
            gt,
            link,
            balanced: None,
        }
    }

    // (Absent facts read as `true`, the answer that escapes: never wrong, only wordier.)
    fn gt_after(&self, i: usize) -> bool {
        self.gt.get(i).copied().unwrap_or(true)
    }

    fn link_close_after(&self, i: usize) -> bool {
        self.link.get(i).copied().unwrap_or(true)
    }

    fn balanced(&mut self) -> bool {
        let chars = self.chars;
        *self.balanced.get_or_insert_with(|| brackets_balanced(chars))
    }
}

/// Whether a line starting with `<` followed by `rest` would start an HTML block (§4.6). Type 7 (any complete
/// tag alone on its line) cannot interrupt a paragraph, so it only counts on the first line.
fn html_block_start(rest: &[char], first_line: bool) -> bool {
    let s: String = rest.iter().take(12).collect::<String>().to_ascii_lowercase();
    if s.starts_with("!--") || s.starts_with('?') || s.starts_with("![cdata[") {
        return true;
    }
    if s.starts_with('!') && s[1..].starts_with(|c: char| c.is_ascii_alphabetic()) {
        return true;
    }
    let name_start = usize::from(s.starts_with('/'));
    let name: String = s[name_start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    if name.is_empty() {
        return false;
    }
    let after = rest.get(name_start + name.len());
    let ends = matches!(after, None | Some(' ' | '\t' | '>'))
        || (after == Some(&'/') && rest.get(name_start + name.len() + 1) == Some(&'>'));
    if name_start == 0 && matches!(name.as_str(), "pre" | "script" | "style" | "textarea") && ends {
        return true;
    }
    if ends && BLOCK_TAGS.binary_search(&name.as_str()).is_ok() {
        return true;
    }
    // Type 7: conservatively, any tag-like start on the first line.
    first_line && (ends || after.is_some_and(|c| c.is_ascii_alphabetic()))
}

/// The tag names of HTML block condition 6 (§4.6), sorted.
pub(crate) const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "base",
    "basefont",
    "blockquote",
    "body",
    "caption",
    "center",
    "col",
    "colgroup",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "frame",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hr",
    "html",
    "iframe",
    "legend",
    "li",
    "link",
    "main",
    "menu",
    "menuitem",
    "nav",
    "noframes",
    "ol",
    "optgroup",
    "option",
    "p",
    "param",
    "search",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "track",
    "ul",
];

fn brackets_balanced(chars: &[char]) -> bool {
    let mut depth = 0usize;
    for (k, &c) in chars.iter().enumerate() {
        match c {
            '[' => depth += 1,
            ']' => {
                if depth == 0 || chars.get(k + 1) == Some(&'(') {
                    return false;
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    depth == 0
}

fn push_entity(out: &mut String, c: char) {
    out.push_str("&#");
    out.push_str(&(c as u32).to_string());
    out.push(';');
}

/// Whether the characters after an `&` would be read as a character reference (§2.5).
fn entity_like(rest: &[char]) -> bool {
    let mut it = rest.iter().copied();
    match it.next() {
        Some('#') => {
            let (hex, start) = match rest.get(1) {
                Some('x' | 'X') => (true, 2),
                _ => (false, 1),
            };
            let digits = rest[start.min(rest.len())..]
                .iter()
                .take_while(|c| if hex { c.is_ascii_hexdigit() } else { c.is_ascii_digit() })
                .count();
            let max = if hex { 6 } else { 7 };
            (1..=max).contains(&digits) && rest.get(start + digits) == Some(&';')
        }
        Some(c) if c.is_ascii_alphanumeric() => {
            let len = rest.iter().take_while(|c| c.is_ascii_alphanumeric()).count();
            rest.get(len) == Some(&';') && is_named_reference(&rest[..len])
        }
        _ => false,
    }
}

/// Whether `&name;` is one of HTML's named character references, asked of pulldown-cmark itself so that the
/// answer always matches the parser that reads our output.
fn is_named_reference(name: &[char]) -> bool {
    if name.len() > 32 {
        return false;
    }
    let probe: String = std::iter::once('&')
        .chain(name.iter().copied())
        .chain(std::iter::once(';'))
        .collect();
    let mut text = String::new();
    for event in pulldown_cmark::Parser::new(&probe) {
        if let pulldown_cmark::Event::Text(t) = event {
            text.push_str(&t);
        }
    }
    text != probe
}

/// A delimiter run (`*`, `_`, `~`) as the block-wide pairing analysis sees it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Run {
    pub(crate) ch: char,
    pub(crate) can_open: bool,
    pub(crate) can_close: bool,
    /// A run of the text (a candidate for escaping) rather than one of our own delimiters.
    pub(crate) text: bool,
    /// For one of our delimiters, the index (in the same slice) of its partner.
    pub(crate) partner: Option<usize>,
    /// One of our delimiters that opens a span (it may still be able to close a text run before it).
    pub(crate) opens_span: bool,
    /// The link or image whose text holds the run: emphasis never pairs across a link's brackets (§6.3).
    pub(crate) scope: usize,
}

/// For each run, whether it must be escaped: a text run that could open while a run of the same character
/// that could close follows it, or that could close while a run that could open precedes it (§6.2; the
/// multiple-of-3 rule is ignored, which only errs towards escaping). Runs that can pair with nothing are left.
pub(crate) fn pairing_escapes(runs: &[Run]) -> Vec<bool> {
    use std::collections::HashMap;
    // Tilde runs of other lengths do not pair, but pulldown-cmark stops looking at them: treat them alike. Runs
    // pair only with runs of the same character in the same link text (`key`).
    //
    // Greedy, left to right: an escaped run can pair with nothing, so later runs only look at live ones. One of
    // our closers pairs with its own opener when that opener lies between (it is the nearer one). Counts per key
    // keep this linear: `later[k]` counts the runs after k that could close it whatever lies between (text runs,
    // our openers that can also close, closers without an opener), `open` the spans of ours open at k, `live`
    // the runs before k that could open for it.
    let key = |r: &Run| (r.ch, r.scope);
    let mut later = vec![0usize; runs.len()];
    let mut after: HashMap<(char, usize), usize> = HashMap::new();
    for k in (0..runs.len()).rev() {
        let r = &runs[k];
        later[k] = after.get(&key(r)).copied().unwrap_or(0);
        if r.can_close && (r.text || r.opens_span || r.partner.is_none()) {
            *after.entry(key(r)).or_default() += 1;
        }
    }
    let tildes = runs.iter().filter(|r| r.ch == '~').count();
    let mut open: HashMap<(char, usize), usize> = HashMap::new();
    let mut live: HashMap<(char, usize), usize> = HashMap::new();
    let mut escape = vec![false; runs.len()];
    for (k, r) in runs.iter().enumerate() {
        let kk = key(r);
        if !r.text {
            match (r.opens_span, r.partner) {
                (true, Some(_)) => *open.entry(kk).or_default() += 1,
                (false, Some(_)) => {
                    if let Some(n) = open.get_mut(&kk) {
                        *n = n.saturating_sub(1);
                    }
                }
                _ => {}
            }
            if r.can_open && (!r.opens_span || r.partner.is_none()) {
                *live.entry(kk).or_default() += 1;
            }
            continue;
        }
        if !(r.can_open || r.can_close) {
            continue;
        }
        // pulldown-cmark's tilde rules have special cases of their own: a flanking tilde run is escaped whenever
        // any other tilde run is in the block.
        if r.ch == '~' {
            escape[k] = tildes > 1;
            continue;
        }
        let spans_open = open.get(&kk).copied().unwrap_or(0) > 0;
        let closer_after = r.can_open && (later[k] > 0 || spans_open);
        let opener_before = r.can_close && (live.get(&kk).copied().unwrap_or(0) > 0 || spans_open);
        escape[k] = closer_after || opener_before;
        if !escape[k] && r.can_open {
            *live.entry(kk).or_default() += 1;
        }
    }
    escape
}

/// A backtick run as the block-wide code span analysis sees it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ticks {
    /// A run of the text (a candidate for escaping), not part of our own markup.
    pub(crate) text: bool,
    pub(crate) len: usize,
    /// The fence length of a code span written right next to the run (0 if none).
    pub(crate) touch: usize,
    /// Escaped whatever the pairing (a fence at a line start, §4.5).
    pub(crate) forced: bool,
}

/// For each backtick run, whether it must be escaped (§6.1). Only an unescaped text run can open a code span
/// of ours by mistake, and it does when a later run of the same length can close it. A backslash stops a run
/// from opening but not from closing (`` `a\` `` is a code span): an escaped run of length L written as
/// `` \` `` L times offers closers of every length up to L, and more next to a code span's fence. So runs are
/// decided from the last to the first, each against the closers that the runs after it offer.
pub(crate) fn backtick_escapes(runs: &[Ticks]) -> Vec<bool> {
    let mut escape = vec![false; runs.len()];
    let mut closers: std::collections::HashSet<usize> = std::collections::HashSet::new();
    let mut max_escaped = 0usize;
    for k in (0..runs.len()).rev() {
        let r = runs[k];
        let closable = closers.contains(&r.len) || r.len <= max_escaped;
        // A run next to a fence is always escaped (it would join the fence otherwise).
        if r.text && (closable || r.touch > 0 || r.forced) {
            escape[k] = true;
            max_escaped = max_escaped.max(r.len + r.touch);
        } else {
            closers.insert(r.len);
        }
    }
    escape
}

/// Marks the escapes needed where a text run starts a line, so that the line is not read as a block start
/// (§4.1 thematic breaks, §4.2 ATX headings, §4.3 setext underlines, §4.5 fences, §5.1 block quotes,
/// §5.2 list items, GFM §4.10 table delimiter rows).
fn line_start_escapes(chars: &[char], env: &TextEnv, escape_at: &mut [bool], entity_at: &mut [bool]) {
    if env.ctx != Context::Paragraph {
        return;
    }
    let n = chars.len();
    // The visible line this run starts: up to the end of the run; `whole` if nothing else follows on the line.
    // The run fills the rest of its line (a hard break's backslash would follow it on the line).
    let whole = env.line_end && env.next.ch != Some('\\');
    let after = |k: usize| -> Option<char> {
        if k < n {
            Some(chars[k])
        } else if whole {
            Some('\n')
        } else {
            env.next.ch
        }
    };
    let space_or_eol = |c: Option<char>| c.is_none_or(|c| c == '\n' || is_edge_space(c));
    let first = chars[0];
    if is_edge_space(first) {
        entity_at[0] = true;
        return;
    }
    match first {
        '#' => {
            let k = chars.iter().take_while(|&&c| c == '#').count();
            if k <= 6 && space_or_eol(after(k)) {
                escape_at[0] = true;
            }
        }
        '>' => escape_at[0] = true,
        '[' if env.first_line => {
            // §4.7: `[label]:` at the start of a paragraph would be a link reference definition.
            let here = contains_seq(chars, &[']', ':']);
            if here || (!chars.contains(&']') && env.bracket_follows) {
                escape_at[0] = true;
            }
        }
        '-' | '+' | '*' => {
            // An empty item cannot interrupt a paragraph (§5.2), but a lone `-` is a setext underline.
            // (Whitespace after the marker counts as content too: at the line end it is written as a reference.)
            let content_follows = matches!(after(1), Some(' ' | '\t'));
            let eol = matches!(after(1), None | Some('\n'));
            if env.first_line && space_or_eol(after(1)) || content_follows || (first == '-' && eol) {
                escape_at[0] = true;
            }
        }
        '=' if !env.first_line && whole && chars.iter().all(|&c| c == '=' || c == ' ' || c == '\t') => {
            escape_at[0] = true;
        }
        '~' if chars.iter().take_while(|&&c| c == '~').count() >= 3 => {
            // A tilde fence (§4.5); every tilde, so that no shorter run is left to act as a delimiter.
            let k = chars.iter().take_while(|&&c| c == '~').count();
            for e in &mut escape_at[..k] {
                *e = true;
            }
        }
        '0'..='9' => {
            let k = chars.iter().take_while(|c| c.is_ascii_digit()).count();
            if k <= 9 && k < n && matches!(chars[k], '.' | ')') && space_or_eol(after(k + 1)) {
                // Only an item starting at 1 with content can interrupt a paragraph (§5.2).
                let is_one = chars[..k].iter().collect::<String>().parse::<u64>() == Ok(1);
                // (Whitespace after the marker counts: at the line end it is written as a reference.)
                let has_content = k + 1 < n || !whole;
                if env.first_line || (is_one && has_content) {
                    escape_at[k] = true;
                }
            }
        }
        _ => {}
    }
    if whole && !escape_at.iter().any(|&e| e) {
        // Whole-line patterns: thematic breaks and setext underlines made of `-`, `*`, `_`.
        let non_space: Vec<char> = chars.iter().copied().filter(|c| *c != ' ' && *c != '\t').collect();
        if let Some(&c0) = non_space.first()
            && matches!(c0, '-' | '*' | '_')
            && non_space.iter().all(|&c| c == c0)
            && (non_space.len() >= 3 || (c0 == '-' && !env.first_line))
        {
            // Below the first line, the whole first run of `*` or `_`: what is left of a run after one
            // backslash could close a run on an earlier line (§6.2).
            let run = if c0 == '-' || env.first_line {
                1
            } else {
                chars.iter().take_while(|&&c| c == c0).count()
            };
            for e in &mut escape_at[..run] {
                *e = true;
            }
            return;
        }
        if env.tables && !env.first_line && delimiter_row_like(chars) {
            if let Some(k) = chars.iter().position(|&c| c == '-' || c == ':') {
                escape_at[k] = true;
            }
        }
    }
}

/// Whether a line that wrapping starts inside a paragraph (`line` runs from the character after the break to the
/// line's end) is still paragraph continuation text. Judged by its first word, conservatively: a word of only
/// `-` `*` `_` `=` `+` `|` `:` could make the line a list item, thematic break (§4.1), setext underline (§4.3) or
/// table delimiter row (GFM §4.10); `#` an ATX heading (§4.2); `>` a block quote (§5.1); a list marker
/// followed by a tab or the end of the word a list item (§5.2); three backticks or tildes a fence (§4.5); and
/// `<` an HTML block of the kinds that interrupt a paragraph (§4.6, types 1–6).
pub(crate) fn continuation_start_safe(line: &str) -> bool {
    let word = line.split(' ').next().unwrap_or_default();
    let mut chars = word.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if word
        .chars()
        .all(|c| matches!(c, '-' | '*' | '_' | '=' | '+' | '|' | ':' | '\t'))
    {
        return false;
    }
    match first {
        '#' | '>' => false,
        '-' | '+' | '*' => chars.next() != Some('\t'),
        '`' | '~' => !word.starts_with("```") && !word.starts_with("~~~"),
        '0'..='9' => {
            let digits = word.bytes().take_while(u8::is_ascii_digit).count();
            let rest = &word.as_bytes()[digits..];
            let marker = digits <= 9 && matches!(rest.first(), Some(b'.' | b')'));
            !(marker && matches!(rest.get(1), None | Some(b'\t')))
        }
        '<' => {
            let rest: Vec<char> = line.chars().skip(1).take(40).collect();
            !html_block_start(&rest, false)
        }
        _ => true,
    }
}

/// Whether the first part of a paragraph line, when wrapping ends the line early, still reads as it did when it
/// was escaped as the whole line: not a line of only thematic-break, setext-underline or delimiter-row
/// characters (`marks_only`, computed by the caller), not a backtick fence (§4.5: the backtick later on the line
/// was what kept it from being one), and on the paragraph's first line not a lone HTML tag (§4.6 type 7).
pub(crate) fn cut_line_safe(line: &str, marks_only: bool, first_line: bool) -> bool {
    let html = first_line && line.starts_with('<') && line.ends_with('>');
    !(marks_only || line.starts_with("```") || html)
}

/// Whether a character may make up a thematic break, setext underline or table delimiter row (with `+` and
/// white space, conservatively).
pub(crate) fn is_line_mark(c: char) -> bool {
    matches!(c, '-' | '*' | '_' | '=' | '+' | '|' | ':' | ' ' | '\t')
}

/// The first line of a list item's text, escaped if together with the bullet markers before it on the line it
/// would read as a thematic break (`* **`, `- --`: §4.1 wins over §5.2); `None` when it is fine as it is.
/// `markers` are the bullets written on the line before the text, innermost first.
pub(crate) fn guard_marker_line(markers: &str, first: &str) -> Option<String> {
    (!first.is_empty() && marker_line_breaks(markers, first)).then(|| format!("\\{first}"))
}

/// Whether the bullet markers on a line (innermost first) followed by `first` read as a thematic break: what
/// follows each marker is block-parsed, so it is enough that the innermost few markers and the text do.
pub(crate) fn marker_line_breaks(markers: &str, first: &str) -> bool {
    let mut bullets = markers.chars().filter(|c| *c != ' ');
    let Some(c) = bullets.next().filter(|c| matches!(c, '-' | '*')) else {
        return false;
    };
    let same_bullets = 1 + bullets.take_while(|&b| b == c).count();
    // (The text can be a whole 100 MB paragraph: stop at its first other character.)
    let same_text = first
        .chars()
        .filter(|ch| !matches!(ch, ' ' | '\t'))
        .try_fold(0usize, |n, ch| (ch == c).then_some(n + 1));
    same_text.is_some_and(|n| same_bullets + n >= 3)
}

/// Whether text right after a list item's marker would read as a GFM task list marker: `[ ]`, `[x]` or `[X]`
/// followed by white space or the line end (pulldown-cmark also takes a tab, U+000B or U+000C inside).
pub(crate) fn looks_like_task_marker(first: &str) -> bool {
    let b = first.as_bytes();
    b.len() >= 3
        && b[0] == b'['
        && matches!(b[1], b' ' | b'\t' | 0x0b | 0x0c | b'x' | b'X')
        && b[2] == b']'
        && b.get(3).is_none_or(|c| matches!(c, b' ' | b'\t' | 0x0b | 0x0c))
}

/// Whether a line looks like a GFM table delimiter row (`| --- | :-: |`).
fn delimiter_row_like(chars: &[char]) -> bool {
    chars.contains(&'-') && chars.contains(&'|') && chars.iter().all(|&c| matches!(c, '|' | '-' | ':' | ' ' | '\t'))
}

/// The bytes a bare link destination does not copy as they are: controls, space, `<`, parentheses, `\`, `&`,
/// `|` and DEL.
static DEST_CARE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = b <= 0x20 || matches!(b as u8, b'<' | b'(' | b')' | b'\\' | b'&' | b'|' | 0x7f);
        b += 1;
    }
    table
};

/// Appends a link destination (§6.3), choosing the bare or the `<…>` form.
pub(crate) fn push_link_dest(out: &mut String, dest: &str, in_table: bool) {
    // Most destinations need neither the pointy form nor an escape: copy them whole.
    let plain = !dest.is_empty() && !dest.bytes().any(|b| DEST_CARE[usize::from(b)]);
    if plain {
        out.push_str(dest);
        return;
    }
    let needs_pointy = dest.is_empty()
        || dest.starts_with('<')
        || dest.chars().any(|c| c == ' ' || c.is_ascii_control())
        || !parens_balanced(dest);
    if needs_pointy {
        out.push('<');
        for (i, c) in dest.char_indices() {
            match c {
                '<' | '>' => {
                    out.push('\\');
                    out.push(c);
                }
                '|' if in_table => out.push_str("\\|"),
                '\\' => push_backslash(out, &dest[i + 1..]),
                '&' => push_amp(out, &dest[i + 1..]),
                '\n' => out.push_str("%0A"),
                '\r' => out.push_str("%0D"),
                _ => out.push(c),
            }
        }
        out.push('>');
    } else {
        // Copy the spans between the (ASCII) characters that may need care.
        let mut from = 0;
        for (i, b) in dest.bytes().enumerate() {
            if matches!(b, b'\\' | b'&') || b == b'|' && in_table {
                out.push_str(&dest[from..i]);
                from = i + 1;
                match b {
                    b'\\' => push_backslash(out, &dest[i + 1..]),
                    b'&' => push_amp(out, &dest[i + 1..]),
                    _ => out.push_str("\\|"),
                }
            }
        }
        out.push_str(&dest[from..]);
    }
}

fn parens_balanced(s: &str) -> bool {
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => {
                if depth == 0 {
                    return false;
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    depth == 0
}

/// A backslash in a destination, title or info string: doubled when it could escape what follows (the end of
/// the string counts, since a closing delimiter follows it there; so do line ends, written `&#10;` or `%0A`).
fn push_backslash(out: &mut String, rest: &str) {
    if rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_punctuation() || c == '\n' || c == '\r') {
        out.push('\\');
    }
    out.push('\\');
}

fn push_amp(out: &mut String, rest: &str) {
    // A reference is ASCII up to its `;`, which comes within 40 bytes (the longest name has 31 characters).
    let head = &rest.as_bytes()[..rest.len().min(40)];
    if head.contains(&b';') {
        let chars: Vec<char> = rest.chars().take(40).collect();
        if entity_like(&chars) {
            out.push('\\');
        }
    }
    out.push('&');
}

/// Appends a link title (§6.3) with the quote style that needs no escaping where possible.
pub(crate) fn push_link_title(out: &mut String, title: &str, in_table: bool) {
    let (open, close) = if !title.contains('"') {
        ('"', '"')
    } else if !title.contains('\'') {
        ('\'', '\'')
    } else if !title.contains('(') && !title.contains(')') {
        ('(', ')')
    } else {
        ('"', '"')
    };
    out.push(open);
    // Every character that needs care is ASCII: copy the spans between them whole.
    let (open_byte, close_byte) = (open as u8, close as u8);
    let mut from = 0;
    for (i, b) in title.bytes().enumerate() {
        let special =
            matches!(b, b'\\' | b'&' | b'\n' | b'\r') || b == b'|' && in_table || b == open_byte || b == close_byte;
        if !special {
            continue;
        }
        out.push_str(&title[from..i]);
        from = i + 1;
        match b {
            b'\\' => push_backslash(out, &title[i + 1..]),
            b'&' => push_amp(out, &title[i + 1..]),
            // A line break inside a title would be subject to block parsing; a reference keeps it.
            b'\n' => out.push_str("&#10;"),
            b'\r' => out.push_str("&#13;"),
            b'|' => out.push_str("\\|"),
            _ => {
                out.push('\\');
                out.push(char::from(b));
            }
        }
    }
    out.push_str(&title[from..]);
    out.push(close);
}

/// Appends inline HTML: verbatim in a paragraph; on one line in a heading or a table cell, where a `|` would
/// also split the cell (a character reference renders the same).
pub(crate) fn push_inline_html(out: &mut String, html: &str, ctx: Context) {
    match ctx {
        Context::Paragraph => out.push_str(html),
        Context::AtxHeading => out.push_str(&html.replace('\n', " ")),
        Context::TableCell => out.push_str(&html.replace('|', "&#124;").replace('\n', " ")),
    }
}

/// Appends a code span (§6.1): a backtick run longer than any inside, padded where needed.
pub(crate) fn push_code_span(out: &mut String, code: &str, in_table: bool) {
    let code: std::borrow::Cow<str> = if code.contains(['\n', '\r']) {
        code.replace("\r\n", " ").replace(['\n', '\r'], " ").into()
    } else {
        code.into()
    };
    let fence = code_span_fence(&code);
    let all_space = code.chars().all(|c| c == ' ');
    let pad =
        !all_space && (code.starts_with('`') || code.ends_with('`') || (code.starts_with(' ') && code.ends_with(' ')));
    push_repeat(out, '`', fence);
    if pad {
        out.push(' ');
    }
    if in_table {
        for c in code.chars() {
            if c == '|' {
                out.push('\\');
            }
            out.push(c);
        }
    } else {
        out.push_str(&code);
    }
    if pad {
        out.push(' ');
    }
    push_repeat(out, '`', fence);
}

/// The backtick fence of a code span holding `code`: the shortest run of backticks that does not occur in it
/// (§6.1: the span ends at the first backtick string of the opening's length), so three and four backticks
/// inside need only two outside.
pub(crate) fn code_span_fence(code: &str) -> usize {
    // Bit k: a run of k backticks occurs. Runs of 64 or more (rare) are listed instead.
    let mut short = 0u64;
    let mut long = Vec::new();
    let mut run = 0usize;
    for b in code.bytes().chain(std::iter::once(0)) {
        if b == b'`' {
            run += 1;
            continue;
        }
        if run >= 64 {
            long.push(run);
        } else if run > 0 {
            short |= 1 << run;
        }
        run = 0;
    }
    if short | 1 != u64::MAX {
        // The lowest clear bit above bit 0.
        return (!(short | 1)).trailing_zeros() as usize;
    }
    long.sort_unstable();
    long.dedup();
    let mut fence = 64;
    for k in long {
        if k == fence {
            fence += 1;
        } else if k > fence {
            break;
        }
    }
    fence
}

/// The length of the longest run of `c` in `s`.
pub(crate) fn longest_run(s: &str, c: char) -> usize {
    let mut best = 0;
    let mut cur = 0;
    for d in s.chars() {
        if d == c {
            cur += 1;
            best = best.max(cur);
        } else {
            cur = 0;
        }
    }
    best
}

pub(crate) fn push_repeat(out: &mut String, c: char, n: usize) {
    out.extend(std::iter::repeat_n(c, n));
}

/// Appends a fenced code block's info string (§4.5: backslash escapes and references are decoded there).
pub(crate) fn push_info_string(out: &mut String, info: &str) {
    for (i, c) in info.char_indices() {
        match c {
            '\\' => push_backslash(out, &info[i + 1..]),
            '&' => push_amp(out, &info[i + 1..]),
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
}

/// Whether `dest` and `text` can be written as an autolink `<dest>` (§6.5).
pub(crate) fn autolink_form(dest: &str, text: &str) -> bool {
    // Both forms need the text to be the destination; most links fail here, before any scan.
    if dest != text {
        return false;
    }
    if dest
        .chars()
        .any(|c| c == '<' || c == '>' || c.is_whitespace() || c.is_control())
    {
        return false;
    }
    // pulldown-cmark gives an email autolink the bare address as destination (no `mailto:`), so only a bare
    // address written as its own text can use that form.
    if is_email(dest) {
        return true;
    }
    has_scheme(dest) && !dest.contains('&')
}

fn has_scheme(s: &str) -> bool {
    let Some(colon) = s.find(':') else { return false };
    let scheme = &s[..colon];
    (2..=32).contains(&scheme.len())
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'))
}

fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".!#$%&'*+/=?^_`{|}~-".contains(c))
        && !local.contains(['\\', '&']);
    let domain_ok = !domain.is_empty()
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        });
    local_ok && domain_ok
}

#[cfg(test)]
mod tests {
    use super::{AsciiSet, code_span_fence};

    #[test]
    fn code_span_fence_is_the_shortest_missing_run() {
        assert_eq!(code_span_fence("plain"), 1);
        assert_eq!(code_span_fence("a ` b"), 2);
        assert_eq!(code_span_fence("three ``` four ```` that's it"), 1);
        assert_eq!(code_span_fence("three ``` four ```` one ` that's it"), 2);
        assert_eq!(code_span_fence("`` and `"), 3);
        assert_eq!(code_span_fence("`"), 2);
        assert_eq!(code_span_fence(""), 1);
        let every_length: String = (1..=70).map(|k| format!("{} ", "`".repeat(k))).collect();
        assert_eq!(code_span_fence(&every_length), 71);
        let but_one: String = (1..=70)
            .filter(|&k| k != 65)
            .map(|k| format!("{} ", "`".repeat(k)))
            .collect();
        assert_eq!(code_span_fence(&but_one), 65);
    }

    /// The set answers like a plain search for every character it records, at every offset within the
    /// eight-byte steps and next to non-ASCII text.
    #[test]
    fn ascii_set_finds_what_a_search_finds() {
        let recorded: Vec<u8> = (0u8..128)
            .filter(|b| b.is_ascii_punctuation() || b.is_ascii_control())
            .collect();
        let fillers = ["", "a", "日本語", "word 12 ", "çé"];
        for &c in &recorded {
            for filler in fillers {
                for pad in 0..9 {
                    let text = format!("{}{filler}{}{filler}", "語".repeat(pad), char::from(c));
                    let set = AsciiSet::of(&text);
                    for &q in &recorded {
                        // The rarely seen controls share one bit: asking for one of them answers for all.
                        let shared = |b: u8| b < 0x20 && !b"\0\t\n\x0b\x0c\r".contains(&b);
                        let expected = text.as_bytes().iter().any(|&b| b == q || (shared(q) && shared(b)));
                        assert_eq!(set.has(q), expected, "{q:#x} in {text:?}");
                    }
                }
            }
        }
        let plain = AsciiSet::of("Plain words, 123 and 日本語");
        assert!(plain.has(b','));
        assert!(!plain.has_any(b"*_~`\\[]!<&|#\0\r\n"));
    }
}
