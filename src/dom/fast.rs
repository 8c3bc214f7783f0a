//! Reading plain tags and text without html5ever's tokenizer, where doing so is exactly what it would do.
//!
//! html5ever's tokenizer reads a tag one character at a time: it decodes each character from UTF-8, runs it
//! through the state machine and appends it to a growing name or value. On web pages tags are most of the
//! bytes once scripts and styles are passed over ([`skip`](super::skip)), and that loop is most of the parse.
//! Most tags are plain, though: an ASCII name and a few attributes with ASCII names and values with nothing to
//! decode. Such a tag is read here with a few byte scans (and its values copied whole rather than a character
//! at a time), and handed to the tree builder as the same token the tokenizer would have made.
//!
//! It is exact because it reads only in the data state (HTML § 13.2.5.1), only what it can read completely,
//! and only tokens that leave the tokenizer in that state:
//! - It starts right after the tokenizer has emitted a tag that the tree builder answered with "go on": the
//!   tokenizer is then in the data state, has just read that tag's `>` (so it holds no character to read
//!   again and no carriage return whose line feed it must drop), and reads on from the input queue that
//!   [`Reader::next`] reads from too.
//! - A text run must run up to a `<` in the same buffer and hold no carriage return (newline normalization)
//!   or NUL: the tokenizer would emit the same text as character tokens.
//! - A tag must fit in the buffer and use only the plain forms of § 13.2.5.6 to § 13.2.5.40: an ASCII letter
//!   then ASCII letters, digits or `-` for the name, attribute names of ASCII letters, digits and `-_:.`,
//!   values quoted or unquoted with no carriage return or NUL, and whitespace where the grammar asks for it.
//!   Upper case in names is lowered and a repeated attribute is dropped, as there (found by a set of the names
//!   past a few attributes, not by comparing with each before it). Attributes past the first
//!   [`MAX_ATTRIBUTES`](super::MAX_ATTRIBUTES) are dropped, as [`cap`](super::cap) drops them before the
//!   tokenizer; only where they end is checked.
//! - In text and values, only the character references that mean one thing everywhere are decoded
//!   ([`reference()`]: `&amp;`, `&lt;`, numeric ones to ordinary characters, …, all ended by `;`).
//! - Anything else (a comment, a doctype, a stray `<`, another `&`, an odd character, a parse error other than
//!   a repeated attribute) stops the reading, and the tokenizer goes on from that point as if nothing had
//!   happened.
//! - Tags that make the tree builder switch the tokenizer out of the data state (the names of
//!   [`is_raw_text`](super::is_raw_text), which the depth filter keeps for the same reason; `noscript` does so
//!   only while scripting is on, which it is not here) are left to the tokenizer, which must see them to know
//!   which end tag ends their text, start and end tags alike.
//!
//! Left out: the line numbers passed with these tokens are those of the tag before them (they only label
//! parse errors, which nothing reads).

use std::collections::HashSet;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{Tag, TagKind, Token};
use html5ever::{Attribute, LocalName, QualName, ns};

/// The longest tag or attribute name read here (longer ones are left to the tokenizer).
const MAX_NAME: usize = 64;

/// Reads tokens (see the module documentation), remembering the names it has met.
pub(super) struct Reader {
    names: Names,
    /// The attributes of a tag kept ([`MAX_ATTRIBUTES`](super::MAX_ATTRIBUTES)): those past them are dropped,
    /// as [`cap`](super::cap) drops them before the tokenizer.
    pub(super) max_attributes: usize,
}

impl Default for Reader {
    fn default() -> Self {
        Reader {
            names: Names::default(),
            max_attributes: super::MAX_ATTRIBUTES,
        }
    }
}

impl Reader {
    /// The token at byte `at` of `buf`, and the offset just past it, if it is one that the tokenizer in the
    /// data state would read from there exactly so and then be in the data state again.
    pub(super) fn next(&mut self, buf: &StrTendril, at: usize) -> Option<(Token, usize)> {
        let bytes = buf.as_bytes();
        match bytes.get(at)? {
            b'<' => tag(buf, at, &mut self.names, self.max_attributes),
            _ => text(buf, at),
        }
    }
}

/// Up to this many attributes, a repeated one is found by comparing it with each before it; past it, by a set
/// of their names.
const FEW_ATTRIBUTES: usize = 16;

/// The names met lately, so that a name met again (most are) costs a compare rather than a lookup in the
/// atom tables, which hashes the whole name: a small cache indexed by length and a few bytes.
struct Names {
    slots: Vec<Option<(Short, LocalName)>>,
}

/// A lower-case name of at most [`SHORT`] bytes, zero-padded.
type Short = [u8; SHORT];

/// The longest name cached.
const SHORT: usize = 16;

/// How many names are remembered (a power of two).
const SLOTS: usize = 128;

impl Default for Names {
    fn default() -> Self {
        Names {
            slots: vec![None; SLOTS],
        }
    }
}

impl Names {
    /// The atom for the name `name` (ASCII letters, digits and `-_:.`), lowered as the tokenizer lowers it.
    fn get(&mut self, name: &[u8]) -> LocalName {
        let len = name.len();
        if len > SHORT {
            return atom(&name.to_ascii_lowercase());
        }
        let mut key = [0u8; SHORT];
        for (k, b) in key.iter_mut().zip(name) {
            *k = b.to_ascii_lowercase();
        }
        let hash = len * 13 + usize::from(key[0]) * 31 + usize::from(key[1]) * 7 + usize::from(key[len.max(1) - 1]);
        let slot = &mut self.slots[hash % SLOTS];
        match slot {
            Some((k, cached)) if *k == key => cached.clone(),
            _ => {
                let name = atom(&key[..len]);
                *slot = Some((key, name.clone()));
                name
            }
        }
    }
}

/// The atom for `lower`, an ASCII name.
fn atom(lower: &[u8]) -> LocalName {
    // ok: the bytes are ASCII letters, digits and punctuation, so valid UTF-8.
    LocalName::from(std::str::from_utf8(lower).unwrap_or_default())
}

/// A text run from `at` up to the next `<`.
fn text(buf: &StrTendril, at: usize) -> Option<(Token, usize)> {
    let rest = &buf.as_bytes()[at..];
    let len = memchr::memchr(b'<', rest)?;
    Some((Token::CharacterTokens(content(buf, at, len, true)?), at + len))
}

/// The tag starting at the `<` at `at`, with its first `max` attributes (the tokenizer gets the same tag from
/// the text [`cap`](super::cap) leaves it).
fn tag(buf: &StrTendril, at: usize, names: &mut Names, max: usize) -> Option<(Token, usize)> {
    let bytes = buf.as_bytes();
    let mut i = at + 1;
    let kind = if bytes.get(i) == Some(&b'/') {
        i += 1;
        TagKind::EndTag
    } else {
        TagKind::StartTag
    };
    if !bytes.get(i)?.is_ascii_alphabetic() {
        return None;
    }
    let start = i;
    while bytes.get(i)?.is_ascii_alphanumeric() || bytes[i] == b'-' {
        i += 1;
    }
    let name = local_name(&bytes[start..i], names)?;
    // Their end tags too: `</script>` may end a script.
    if super::is_raw_text(&name) {
        return None;
    }
    let mut tag = Tag {
        kind,
        name,
        self_closing: false,
        attrs: Vec::new(),
        had_duplicate_attributes: false,
    };
    if kind == TagKind::EndTag {
        // An end tag with attributes or a `/` is a parse error: left to the tokenizer.
        i = skip_space(bytes, i);
        return (*bytes.get(i)? == b'>').then_some((Token::TagToken(tag), i + 1));
    }
    // How many attributes were read, and past a few, the names of those kept.
    let mut count = 0;
    let mut kept: Option<HashSet<LocalName>> = None;
    // Before attribute name (§ 13.2.5.32): whitespace is needed between the tag name or a quoted value and
    // the next attribute; `spaced` says whether it was there.
    loop {
        let after = skip_space(bytes, i);
        let spaced = after > i;
        i = after;
        match *bytes.get(i)? {
            b'>' => return Some((Token::TagToken(tag), i + 1)),
            b'/' => {
                // Self-closing start tag (§ 13.2.5.40).
                (*bytes.get(i + 1)? == b'>').then_some(())?;
                tag.self_closing = true;
                return Some((Token::TagToken(tag), i + 2));
            }
            _ if !spaced => return None,
            _ => {}
        }
        // Attribute name (§ 13.2.5.33).
        let start = i;
        while is_attr_name_byte(*bytes.get(i)?) {
            i += 1;
        }
        count += 1;
        let name = if count <= max {
            Some(local_name(&bytes[start..i], names)?)
        } else {
            // Dropped: only checked to be one read here.
            (i > start && i - start <= MAX_NAME).then_some(())?;
            None
        };
        // After attribute name (§ 13.2.5.34), before attribute value (§ 13.2.5.35).
        let after = skip_space(bytes, i);
        let value = if *bytes.get(after)? == b'=' {
            i = skip_space(bytes, after + 1);
            let (value, end) = attr_value(buf, i, name.is_some())?;
            i = end;
            value
        } else {
            // No value: what follows the name (after whitespace) starts the next attribute or ends the tag.
            StrTendril::new()
        };
        let Some(name) = name else { continue };
        let repeated = match kept.as_mut() {
            Some(kept) => !kept.insert(name.clone()),
            None => tag.attrs.iter().any(|a| a.name.local == name),
        };
        if repeated {
            // A repeated attribute is dropped (§ 13.2.5.33, "when the user agent leaves the attribute name
            // state").
            tag.had_duplicate_attributes = true;
            continue;
        }
        tag.attrs.push(Attribute {
            name: QualName::new(None, ns!(), name),
            value,
        });
        if kept.is_none() && tag.attrs.len() > FEW_ATTRIBUTES {
            kept = Some(tag.attrs.iter().map(|a| a.name.local.clone()).collect());
        }
    }
}

/// An attribute value starting at `at`, and the offset just past it (§ 13.2.5.36 to § 13.2.5.38). Without
/// `keep` (a dropped attribute), an empty value: only where it ends matters, which a carriage return could
/// change (the tokenizer makes it a line feed), so one is left to the tokenizer.
fn attr_value(buf: &StrTendril, at: usize, keep: bool) -> Option<(StrTendril, usize)> {
    let bytes = buf.as_bytes();
    let content = |at: usize, len: usize| match keep {
        true => content(buf, at, len, false),
        false => memchr::memchr(b'\r', &bytes[at..at + len])
            .is_none()
            .then(StrTendril::new),
    };
    match *bytes.get(at)? {
        quote @ (b'"' | b'\'') => {
            let len = memchr::memchr(quote, &bytes[at + 1..])?;
            Some((content(at + 1, len)?, at + 2 + len))
        }
        // A missing value is a parse error.
        b'>' => None,
        _ => {
            let mut i = at;
            loop {
                match *bytes.get(i)? {
                    b'\t' | b'\n' | b'\x0c' | b' ' | b'>' => break,
                    // Parse errors.
                    b'"' | b'\'' | b'<' | b'=' | b'`' => return None,
                    _ => i += 1,
                }
            }
            Some((content(at, i - at)?, i))
        }
    }
}

/// The text or attribute value in the `len` bytes of `buf` from `at`, as the tokenizer reads it, with its
/// character references decoded. `None` if it holds a carriage return or NUL (which need normalizing) or a
/// character reference other than the plain ones [`reference()`] decodes.
///
/// With `share` and nothing to decode, it shares `buf`'s storage, as the tokenizer's text does: text nodes are
/// converted and freed soon. Attribute values are copied, as the tokenizer copies them: an element stays open
/// (with its attributes) for as long as its content streams in, and a shared value would keep the whole input
/// buffer it came from alive with it (on a page of nested sections, a buffer per open section).
fn content(buf: &StrTendril, at: usize, len: usize, share: bool) -> Option<StrTendril> {
    let bytes = &buf.as_bytes()[at..at + len];
    // Most values and many text runs are short: a plain loop beats setting up a vectorised search there.
    let special = |b: &u8| matches!(b, b'&' | b'\r' | 0);
    let found = if len < 32 {
        bytes.iter().position(special)
    } else {
        memchr::memchr3(b'&', b'\r', 0, bytes)
    };
    let Some(first) = found else {
        return Some(if share {
            sub(buf, at, len)
        } else {
            StrTendril::from_slice(&buf[at..at + len])
        });
    };
    if memchr::memchr2(b'\r', 0, &bytes[first..]).is_some() {
        return None;
    }
    let text = &buf[at..at + len];
    let mut out = String::with_capacity(len);
    out.push_str(&text[..first]);
    let mut rest = &text[first..];
    while !rest.is_empty() {
        let (c, used) = reference(rest)?;
        out.push(c);
        rest = &rest[used..];
        let next = rest.find('&').unwrap_or(rest.len());
        out.push_str(&rest[..next]);
        rest = &rest[next..];
    }
    Some(StrTendril::from(out))
}

/// The character that the reference at the start of `text` (an `&`) stands for, and its length: only the
/// forms that mean the same in text and in attribute values and that the tokenizer reads without a parse
/// error (§ 13.2.5.72 to § 13.2.5.80): `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&nbsp;`, and decimal
/// or hexadecimal references, ended by `;`, to a character that needs no replacing (no control, surrogate or
/// noncharacter).
fn reference(text: &str) -> Option<(char, usize)> {
    // The longest form read here, `&#x10ffff;` with leading zeros, is cut at 11 bytes.
    let window = &text.as_bytes()[1..text.len().min(12)];
    let semicolon = memchr::memchr(b';', window)? + 1;
    let c = match &text[1..semicolon] {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        name => {
            let digits = name.strip_prefix('#')?;
            let (digits, radix) = match digits.strip_prefix(['x', 'X']) {
                Some(hex) => (hex, 16),
                None => (digits, 10),
            };
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            let code = u32::from_str_radix(digits, radix).ok()?;
            let plain = matches!(code, 0x20..=0x7e | 0xa0..=0xfdcf | 0xfdf0..=0x10_ffff) && code & 0xfffe != 0xfffe;
            char::from_u32(code).filter(|_| plain)?
        }
    };
    Some((c, semicolon + 1))
}

/// Bytes an attribute name is read from here: other characters are legal, but rare enough to leave to the
/// tokenizer.
fn is_attr_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.')
}

/// The offset of the first byte at or after `i` that is not HTML whitespace (a carriage return is not skipped:
/// it needs normalizing, so the tokenizer gets it).
fn skip_space(bytes: &[u8], mut i: usize) -> usize {
    while matches!(bytes.get(i), Some(b'\t' | b'\n' | b'\x0c' | b' ')) {
        i += 1;
    }
    i
}

/// A tag or attribute name, lowered as the tokenizer lowers it (ASCII only); `None` if empty or too long.
fn local_name(name: &[u8], names: &mut Names) -> Option<LocalName> {
    if name.is_empty() || name.len() > MAX_NAME {
        return None;
    }
    Some(names.get(name))
}

/// `len` bytes of `buf` from `at`, sharing its storage.
fn sub(buf: &StrTendril, at: usize, len: usize) -> StrTendril {
    // ok: offsets within a tendril, which holds at most u32::MAX bytes; `at` and `at + len` fall on ASCII
    // bytes or the ends of the buffer, so on character boundaries.
    buf.subtendril(at as u32, len as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(html: &str) -> Option<(String, usize)> {
        let buf = StrTendril::from_slice(html);
        Reader::default()
            .next(&buf, 0)
            .map(|(token, end)| (format!("{token:?}"), end))
    }

    #[test]
    fn plain_tags_are_read_whole() {
        let html = "<DIV Class=a id='b' hidden data-x=\"1 2\">rest";
        let (token, end) = read(html).unwrap(); // ok: test
        assert_eq!(&html[end..], "rest");
        for part in [
            "name: Atom('div'",
            "Atom('class'",
            "Atom('hidden'",
            "\"1 2\"",
            "self_closing: false",
        ] {
            assert!(token.contains(part), "{part} in {token}");
        }
        let (token, end) = read("<br/>x").unwrap(); // ok: test
        assert_eq!(end, 5);
        assert!(token.contains("self_closing: true"), "{token}");
        let (_, end) = read("</p \n>").unwrap(); // ok: test
        assert_eq!(end, 6);
    }

    #[test]
    fn remembered_names_are_the_names_read() {
        let mut names = Names::default();
        let words: Vec<String> = (0..500).map(|i| format!("n{}x{}", i % 37, i % 11)).collect();
        for _ in 0..2 {
            for w in words.iter().chain([&"a-very-long-attribute-name".to_string()]) {
                assert_eq!(&*names.get(w.as_bytes()), w.as_str());
                assert_eq!(&*names.get(w.to_ascii_uppercase().as_bytes()), w.as_str());
            }
        }
    }

    /// An open element keeps its attributes: a value sharing the input buffer would keep all of it alive
    /// (the streaming memory bound would grow by a buffer per open element).
    #[test]
    fn attribute_values_do_not_hold_the_input_buffer() {
        let buf = StrTendril::from_slice("<div class=\"a-long-class-name\" id=another-long-id>text that is long<p>");
        let Some((Token::TagToken(tag), end)) = Reader::default().next(&buf, 0) else {
            panic!("tag not read")
        };
        for a in &tag.attrs {
            assert!(!format!("{:?}", a.value).contains("shared"), "{:?}", a.value);
        }
        let Some((Token::CharacterTokens(text), _)) = Reader::default().next(&buf, end) else {
            panic!("text not read")
        };
        assert!(
            format!("{text:?}").contains("shared"),
            "text is shared as the tokenizer shares it: {text:?}"
        );
    }

    #[test]
    fn a_repeated_attribute_is_dropped() {
        let (token, _) = read("<a href=x HREF=y>").unwrap(); // ok: test
        assert!(token.contains("\"x\"") && !token.contains("\"y\""), "{token}");
        assert!(token.contains("had_duplicate_attributes: true"), "{token}");
    }

    #[test]
    fn anything_unusual_is_left_to_the_tokenizer() {
        for html in [
            "<!-- c -->",
            "<!doctype html>",
            "< p>",
            "<p",
            "<p class=\"a",
            "<a href=x&y>",
            "<a href=\"x&amp\">",
            "<a title=\"&copy;\">",
            "<a title=\"&AMP;\">",
            "x &#0; y<p>",
            "x &#128; y<p>",
            "x &#xd800; y<p>",
            "x &#xFFFE; y<p>",
            "x &#13; y<p>",
            "x &#x110000; y<p>",
            "x &#; y<p>",
            "x &#x; y<p>",
            "x &#00000000065; y<p>",
            "<p class=\"a\"id=b>",
            "<p =x>",
            "<p a=>",
            "</p class=x>",
            "</p/>",
            "<p / >",
            "<p\r>",
            "<p a\u{0}=1>",
            "<p é=1>",
            "<title>",
            "<script>",
            "</SCRIPT>",
            "<TextArea>",
            "a\r\nb<p>",
            "text without a tag",
        ] {
            assert_eq!(read(html), None, "{html:?}");
        }
    }

    /// The whole tree `html` parses to, fed in pieces of `chunk` bytes (0: at once), with or without reading
    /// ahead: names with their namespaces, attributes with theirs, text, comments, template contents.
    fn tree(html: &str, chunk: usize, read_ahead: bool) -> String {
        tree_within(html, chunk, read_ahead, 256)
    }

    /// [`tree`] with the depth cap at `max_depth`.
    fn tree_within(html: &str, chunk: usize, read_ahead: bool, max_depth: usize) -> String {
        tree_capped(html, chunk, read_ahead, max_depth, crate::dom::MAX_ATTRIBUTES)
    }

    /// [`tree`] with the depth cap at `max_depth` and `max_attributes` attributes kept per element.
    fn tree_capped(html: &str, chunk: usize, read_ahead: bool, max_depth: usize, max_attributes: usize) -> String {
        use crate::dom::HtmlParser;
        use crate::dom::arena::{Arena, Data, Key};
        use std::fmt::Write as _;

        fn dump(arena: &Arena, key: Key, depth: usize, out: &mut String) {
            let pad = "  ".repeat(depth);
            match arena.data(key) {
                Some(Data::Element(e)) => {
                    let _ = writeln!(out, "{pad}<{:?} {}>", e.name.ns, e.name.local);
                    for a in &e.attrs {
                        let _ = writeln!(
                            out,
                            "{pad}  @{:?}:{:?}:{}={:?}",
                            a.name.prefix, a.name.ns, a.name.local, &*a.value
                        );
                    }
                    if let Some(contents) = arena.template_contents(key) {
                        let _ = writeln!(out, "{pad}  content");
                        dump(arena, contents, depth + 2, out);
                    }
                }
                Some(Data::Text(t)) => {
                    let _ = writeln!(out, "{pad}{:?}", t.to_string());
                }
                Some(Data::Comment(c)) => {
                    let _ = writeln!(out, "{pad}<!-- {c:?} -->");
                }
                Some(Data::Other) => {
                    let _ = writeln!(out, "{pad}<!other>");
                }
                _ => {}
            }
            let mut at = arena.first_child(key);
            while let Some(c) = at {
                dump(arena, c, depth + 1, out);
                at = arena.next_sibling(c);
            }
        }

        let mut parser = HtmlParser::new(max_depth, &[]);
        parser.tokenizer.sink.read_ahead.set(read_ahead);
        parser.set_max_attributes(max_attributes);
        if chunk == 0 {
            parser.process(html);
        } else {
            let mut from = 0;
            while from < html.len() {
                let mut to = (from + chunk).min(html.len());
                while !html.is_char_boundary(to) {
                    to += 1;
                }
                parser.process(&html[from..to]);
                from = to;
            }
        }
        let document = parser.document();
        parser.finish();
        let arena = document.tree.borrow();
        let mut out = String::new();
        dump(&arena, document.key, 0, &mut out);
        out
    }

    /// The pieces [`Soup`] is made of (`<plaintext>` last).
    const PIECES: &[&str] = &[
        "<div>",
        "</div>",
        "<p class=a>",
        "</p>",
        "<P CLASS=\"x y\" Id='z'>",
        "<a href=\"/u?a=1\">",
        "</a>",
        "<a href=\"/u?a=1&amp;b=2\">",
        "<b>",
        "</b>",
        "<i>",
        "</I>",
        "<br/>",
        "<br>",
        "<hr />",
        "<img src=x.png alt=\"A <b> & c\">",
        "<img src=y alt='\u{e9}t\u{e9}' alt=dup>",
        "<input disabled value=1>",
        "<table>",
        "<tr>",
        "<td>",
        "</td>",
        "</tr>",
        "</table>",
        "<ul>",
        "<li>",
        "</ul>",
        "<ol start=3>",
        "<pre>",
        "</pre>",
        "\n",
        "\r\n",
        "\r",
        " ",
        "text",
        "\u{4e2d}\u{6587}",
        "a &amp; b",
        "&lt;p&gt;",
        "&nbsp;",
        "x\u{0}y",
        "<!-- c -->",
        "<!--<p>-->",
        "<!doctype html>",
        "< p>",
        "<3",
        "</ >",
        "</p foo=1>",
        "<p/x>",
        "<p a=1b=2>",
        "<p a='1'b=2>",
        "<p\ta\n=\x0c'v'>",
        "<p a =b>",
        "<p a=b\n>",
        "<p a=b\nc>",
        "<p a= >",
        "<title>t<b></title>",
        "<textarea>\n<b>x</textarea>",
        "<script>if (a<b) {}</script>",
        "<style>p>a{}</style>",
        "<noscript><p>n</noscript>",
        "<xmp><b></xmp>",
        "<iframe><p></iframe>",
        "<svg>",
        "</svg>",
        "<svg><![CDATA[<b>c]]></svg>",
        "<math><mi>x</mi></math>",
        "<svg viewBox='0 0 1 1'><foreignObject>",
        "<template><p>t</template>",
        "<select><option>o",
        "<frameset>",
        "<body class=late>",
        "<html lang=x>",
        "<head>",
        "<h1>",
        "</h1>",
        "<span data-x=\"1\" data-x=\"2\">",
        "<a name=a></a>",
        "<p a:b=1 c_d=2 e.f=3>",
        "<meta charset=utf-8>",
        "<meta http-equiv=content-type content='text/html; charset=koi8-r'>",
        "&amp;",
        "&#65;&#x4e2d;&#X1F600;",
        "&#128;",
        "&copy;",
        "&copy",
        "&amp",
        "&#0;",
        "&#xd800;",
        "&#10;",
        "<pre>&#10;x</pre>",
        "<a title='&quot;q&quot;' href=\"?a=1&amp;b=2&#38;c\">",
        "<p a=&lt;b c=&amp>",
        "<p a=\"&notin;&notit;&not\">",
        "<plaintext><p>",
    ];

    /// A deterministic generator of tag soup: plain tags next to every form the fast path leaves alone.
    struct Soup(u64);

    impl Soup {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            // ok: the remainder is below `n`, a usize.
            (self.0 % n as u64) as usize
        }

        /// One of the first `n` [`PIECES`].
        fn piece(&mut self, n: usize) -> &'static str {
            PIECES[self.below(n)]
        }

        fn document(&mut self, pieces: usize) -> String {
            // A third of the pieces are short runs of the bytes that tags are made of, in any order.
            const NOISE: &[u8] = b"<>/=\"' &;#xaAbB1\n\t-_:.!?p";
            let mut html = String::new();
            for _ in 0..pieces {
                if self.below(3) == 0 {
                    for _ in 0..self.below(12) {
                        html.push(char::from(NOISE[self.below(NOISE.len())]));
                    }
                } else {
                    html.push_str(PIECES[self.below(PIECES.len())]);
                }
            }
            html
        }
    }

    #[test]
    fn reading_ahead_builds_the_same_tree_as_the_tokenizer() {
        let mut soup = Soup(0x9e37_79b9_7f4a_7c15);
        for n in 0..600 {
            let html = soup.document(5 + n % 60);
            let expected = tree(&html, 0, false);
            for chunk in [0, 1, 3, 64] {
                assert_eq!(tree(&html, chunk, true), expected, "{html:?} in chunks of {chunk}");
            }
            // Under a tight depth cap, the filter drops and closes elements on the tokens read ahead too.
            let capped = tree_within(&html, 0, false, 2);
            assert_eq!(tree_within(&html, 0, true, 2), capped, "{html:?} at depth 2");
        }
    }

    /// Tags with more attributes than the cap, each with the text the cap must leave of it (at 3 attributes),
    /// and markup whose text holds such tags that are no tags, whatever elements they are in.
    const CAPPED: &[(&str, &str)] = &[
        ("<p a=1 b=2 c=3 d=4>", "<p a=1 b=2 c=3  >"),
        ("<div A=1 b c='x' D e>", "<div A=1 b c='x'  >"),
        ("<br a b c d/>", "<br a b c  />"),
        (
            "<img src=x alt=y title=z data-a=1 data-b=2 />",
            "<img src=x alt=y title=z  />",
        ),
        (
            "<a href=\"?a=1&amp;b=2\" title='&copy;' x y z>",
            "<a href=\"?a=1&amp;b=2\" title='&copy;' x  >",
        ),
        ("<span a a A b c d>", "<span a a A  >"),
        ("<p a='1'b='2'c='3'd='4'>", "<p a='1'b='2'c='3' >"),
        ("<p a=1 b=2 c=3 d=4/x>", "<p a=1 b=2 c=3  >"),
        ("<p a=1 b=2 c=3/d>", "<p a=1 b=2 c=3/d>"),
        ("<p a b c/d/>", "<p a b c/ />"),
        ("</p a b c d>", "</p a b c  >"),
        ("<p a=1 b c d\r\ne>", "<p a=1 b c  >"),
        ("<p a b c =d e>", "<p a b c =d  >"),
        ("<p a\0 b c d>", "<p a\0 b c  >"),
        ("<p a b c \u{e9}=\u{e9}>", "<p a b c  >"),
        ("<html a b c d>", "<html a b c  >"),
        ("<body e f g h>", "<body e f g  >"),
        ("<math><mi a b c d>x</mi></math>", "<math><mi a b c  >x</mi></math>"),
        // Self-closing matters in SVG and MathML.
        ("<svg a b c d/>x", "<svg a b c  />x"),
        ("<math><mi/><mo a b c d e/>y</math>", "<math><mi/><mo a b c  />y</math>"),
        (
            "<svg a b c d><![CDATA[<p a b c d e>]]><p a b c d>",
            "<svg a b c  ><![CDATA[<p a b c d e>]]><p a b c  >",
        ),
        (
            "<svg><![CDATA[x]]]><p a b c d></svg>",
            "<svg><![CDATA[x]]]><p a b c  ></svg>",
        ),
        ("<!-- <p a b c d> --><p a b c d>", "<!-- <p a b c d> --><p a b c  >"),
        ("<!--><p a b c d>", "<!--><p a b c  >"),
        (
            "<!doctype html a b c d><p a b c d>",
            "<!doctype html a b c d><p a b c  >",
        ),
        ("<? <p a b c d e> >", "<? <p a b c d e> >"),
        ("</ <p a b c d e> >", "</ <p a b c d e> >"),
        ("<p>&copy; <b a b c d>", "<p>&copy; <b a b c  >"),
        ("x <3 <p a b c d>", "x <3 <p a b c  >"),
    ];

    /// Documents of tags with more attributes than the cap, among the other pieces of [`Soup`] (not the
    /// ones that leave the tokenizer reading text to the end): each builds the tree of the text the cap should
    /// leave, however it is split, with and without reading ahead.
    #[test]
    fn attributes_past_the_cap_are_dropped_as_if_not_written() {
        let mut soup = Soup(0x2545_f491_4f6c_dd1d);
        for n in 0..400 {
            let (mut html, mut cut) = (String::new(), String::new());
            for _ in 0..5 + n % 40 {
                let (piece, kept) = if soup.below(2) == 0 {
                    CAPPED[soup.below(CAPPED.len())]
                } else {
                    // Not `<plaintext>`, after which all is text.
                    let piece = soup.piece(PIECES.len() - 1);
                    (piece, piece)
                };
                html.push_str(piece);
                cut.push_str(kept);
            }
            let expected = tree_capped(&cut, 0, false, 256, 3);
            for chunk in [0, 1, 3, 64] {
                for read_ahead in [false, true] {
                    assert_eq!(
                        tree_capped(&html, chunk, read_ahead, 256, 3),
                        expected,
                        "{html:?} in chunks of {chunk}, reading ahead: {read_ahead}"
                    );
                }
            }
        }
        // Text that is text only because of the elements it is in.
        for (html, cut) in [
            (
                "<title><p a b c d e></title><p a b c d>",
                "<title><p a b c d e></title><p a b c  >",
            ),
            (
                "<textarea><p a b c d e></textarea>",
                "<textarea><p a b c d e></textarea>",
            ),
            (
                "<script><p a b c d e></script><p a b c d>",
                "<script><p a b c d e></script><p a b c  >",
            ),
            ("<style><p a b c d e></style>", "<style><p a b c d e></style>"),
            ("<xmp><p a b c d e></xmp>", "<xmp><p a b c d e></xmp>"),
            ("<iframe><p a b c d e></iframe>", "<iframe><p a b c d e></iframe>"),
            (
                "<plaintext><p a b c d e></plaintext><p a b c d>",
                "<plaintext><p a b c d e></plaintext><p a b c d>",
            ),
            ("<svg><title><p a b c d e></title>", "<svg><title><p a b c  ></title>"),
            ("<svg><style><b a b c d e></style>", "<svg><style><b a b c  ></style>"),
            (
                "<select><title><p a b c d e></title>",
                "<select><title><p a b c d e></title>",
            ),
        ] {
            let expected = tree_capped(cut, 0, false, 256, 3);
            for chunk in [0, 1, 3] {
                for read_ahead in [false, true] {
                    assert_eq!(
                        tree_capped(html, chunk, read_ahead, 256, 3),
                        expected,
                        "{html:?} in chunks of {chunk}"
                    );
                }
            }
        }
        // The cut text has no tag past the cap: it is read the same without one.
        let all: String = CAPPED.iter().map(|(_, cut)| *cut).collect();
        assert_eq!(
            tree_capped(&all, 0, false, 256, 3),
            tree_capped(&all, 0, false, 256, usize::MAX)
        );
    }

    /// Tag soup (noise included) under a cap of 2 attributes: the same tree however split, with and without
    /// reading ahead.
    #[test]
    fn capped_soup_builds_the_same_tree_however_read() {
        let mut soup = Soup(0x9e37_79b9_7f4a_7c15);
        for n in 0..300 {
            let html = soup.document(5 + n % 60);
            let expected = tree_capped(&html, 0, false, 256, 2);
            for chunk in [0, 1, 3, 64] {
                assert_eq!(
                    tree_capped(&html, chunk, true, 256, 2),
                    expected,
                    "{html:?} in chunks of {chunk}"
                );
            }
            assert_eq!(
                tree_capped(&html, 5, false, 256, 2),
                expected,
                "{html:?} in chunks of 5"
            );
        }
    }

    /// The html5lib tree-construction inputs (from `../shared/conformance`, when present): every tree is the
    /// same with and without reading ahead.
    #[test]
    fn html5lib_inputs_build_the_same_tree() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/html5lib-inputs.json");
        let Ok(text) = std::fs::read_to_string(&path) else {
            println!("note: {} is absent; html5lib inputs not checked", path.display());
            return;
        };
        let inputs: Vec<String> = serde_json::from_str(&text).expect("html5lib inputs are a JSON list of strings"); // ok: test
        let mut checked = 0;
        for html in &inputs {
            let expected = tree(html, 0, false);
            assert_eq!(tree(html, 0, true), expected, "{html:?}");
            assert_eq!(tree(html, 7, true), expected, "{html:?} in chunks of 7");
            // Under a cap of 2 attributes too.
            let capped = tree_capped(html, 0, false, 256, 2);
            assert_eq!(tree_capped(html, 0, true, 256, 2), capped, "{html:?} capped");
            assert_eq!(
                tree_capped(html, 3, true, 256, 2),
                capped,
                "{html:?} capped in chunks of 3"
            );
            checked += 1;
        }
        assert!(checked > 1000, "only {checked} inputs");
    }

    /// The real pages and articles of `../shared/corpus` (when present): every tree is the same with and
    /// without reading ahead.
    #[test]
    fn corpus_documents_build_the_same_tree() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
        let mut checked = 0;
        for dir in ["articles", "articles-jekyll", "articles-recent", "pages"] {
            let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
                continue;
            };
            for path in entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_file()) {
                let bytes = std::fs::read(&path).expect("a corpus file is readable"); // ok: test
                let html = String::from_utf8_lossy(&bytes);
                assert!(tree(&html, 0, true) == tree(&html, 0, false), "{}", path.display());
                checked += 1;
            }
        }
        if checked == 0 {
            println!("note: {} not found, skipping", root.display());
        }
    }

    #[test]
    fn plain_references_are_decoded() {
        let buf = StrTendril::from_slice("a &amp; b &lt;&#65;&#x4E2D;&nbsp;&quot;&apos;&gt;<p>");
        let Some((Token::CharacterTokens(text), _)) = Reader::default().next(&buf, 0) else {
            panic!("text not read")
        };
        assert_eq!(&*text, "a & b <A\u{4e2d}\u{a0}\"'>");
        let buf = StrTendril::from_slice("<a href=\"?a=1&amp;b=2\" title=x&lt;y>");
        let Some((Token::TagToken(tag), _)) = Reader::default().next(&buf, 0) else {
            panic!("tag not read")
        };
        let values: Vec<&str> = tag.attrs.iter().map(|a| &*a.value).collect();
        assert_eq!(values, ["?a=1&b=2", "x<y"]);
    }

    #[test]
    fn text_runs_end_at_the_next_tag() {
        let (token, end) = read("a b\nc<p>").unwrap(); // ok: test
        assert_eq!(end, 5);
        assert!(token.contains("a b\\nc"), "{token}");
    }
}
