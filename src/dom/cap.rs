//! Dropping the attributes of a tag past the first [`MAX_ATTRIBUTES`](super::MAX_ATTRIBUTES) before html5ever's
//! tokenizer reads them.
//!
//! The tokenizer checks each attribute it reads against every attribute of the tag before it (to drop a
//! repeated one), so a tag with n attributes costs it n² / 2 comparisons: 160,000 attributes (1.5 MB) took 16
//! seconds. So the text it reads is cut first: from the start of the attribute past the cap to the `>` that
//! ends the tag, replaced by ` >` (or ` />` when the tag ends in `/>`), which leaves the tokenizer exactly where
//! the whole tag would have: it emits the same tag with the first attributes only. A tag with fewer attributes
//! is never touched.
//!
//! Finding tags in the text means knowing the tokenizer's state there, which only the tree builder decides
//! after each tag (`<title>` makes what follows text, `<plaintext>` all of it). So [`Cap`] follows the
//! tokenizer only from points where it is known to be in the data state (HTML § 13.2.5.1) with nothing held
//! back, and only up to the end of the next tag, comment or other markup declaration; then it waits until the
//! parser tells it that such a point has come again ([`Cap::resume`]):
//! - the start of the input;
//! - right after a tag that the tree builder answered with "go on" (or with a script to run or an encoding,
//!   which the tokenizer also follows in the data state), after the parser has read ahead (see
//!   [`fast`](super::fast)) from there;
//! - right after a comment or a doctype, which the tokenizer always ends in the data state;
//! - in a CDATA section (in SVG or MathML), which the tokenizer enters after asking the tree builder, and which
//!   ends at the first `]]>` ([`Cap::cdata`]).
//!
//! In between it reads text (nothing in the data state but a `<` can change the state) and tags by the states
//! of § 13.2.5.6 to § 13.2.5.40 as html5ever implements them, where only a few ASCII characters matter: a
//! character reference in a value never reaches past a quote, whitespace or `>`, and a carriage return is
//! whitespace wherever it ends a name or a value (the tokenizer makes it a line feed).
//!
//! Each byte of input is looked at once here, whichever way the input is split.

/// HTML whitespace in a tag, a carriage return included (see the module documentation).
fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

/// The offset of the first byte at or after `i` in `bytes` for which `stop` holds (the length if none).
fn until(bytes: &[u8], i: usize, stop: impl Fn(u8) -> bool) -> usize {
    bytes[i..]
        .iter()
        .position(|&b| stop(b))
        .map_or(bytes.len(), |at| i + at)
}

/// Where the tokenizer is, as far as the cap cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Not known until the parser says so: after a tag, a `<!` or a `<?`.
    Waiting,
    /// The data state.
    Data,
    /// After a `<`.
    TagOpen,
    /// After `</`.
    EndTagOpen,
    /// In a tag name.
    TagName,
    /// Before an attribute name.
    BeforeName,
    /// In an attribute name.
    Name,
    /// After an attribute name.
    AfterName,
    /// After an `=`.
    BeforeValue,
    /// In a value quoted by this byte.
    Quoted(u8),
    /// In an unquoted value.
    Unquoted,
    /// After a quoted value.
    AfterQuoted,
    /// After a `/` in a tag.
    SelfClosing,
    /// After `<!` (with a foreign element as the current node): this many bytes of `[CDATA[` matched.
    CdataOpen(usize),
    /// In a CDATA section, after this many `]` (at most 2).
    Cdata(u8),
}

/// Follows the tokenizer over the text it is about to read, and cuts the attributes of a tag past the first
/// `max`.
pub(super) struct Cap {
    /// Attributes kept per tag.
    max: usize,
    state: State,
    /// Attributes started in the current tag.
    count: usize,
    /// The rest of the current tag is dropped (its attributes have passed the cap).
    dropping: bool,
}

impl Cap {
    /// A cap of `max` attributes per tag, at the start of the input.
    pub(super) fn new(max: usize) -> Self {
        Cap {
            max,
            state: State::Data,
            count: 0,
            dropping: false,
        }
    }

    /// Sets the number of attributes kept per tag.
    #[cfg(test)]
    pub(super) fn set_max(&mut self, max: usize) {
        self.max = max;
    }

    /// Whether the text that follows what has been looked at so far is read in a state known here: if so, it
    /// must go through [`Cap::cut`] before the tokenizer reads it.
    pub(super) fn is_following(&self) -> bool {
        self.state != State::Waiting
    }

    /// The tokenizer is in the data state with nothing held back, and reads next what is looked at next.
    pub(super) fn resume(&mut self) {
        self.state = State::Data;
        self.dropping = false;
    }

    /// The tokenizer, after `<!`, found that the current node is an SVG or MathML element: if `[CDATA[` comes
    /// next, it reads a CDATA section. Whether it does is known once 7 bytes have come: [`Cap::settle`].
    pub(super) fn cdata(&mut self) {
        self.state = State::CdataOpen(0);
        self.dropping = false;
    }

    /// Called after all the text so far has been looked at: a `[CDATA[` that the text cut short is looked at
    /// again from its start when the tokenizer asks again, once there is more text.
    pub(super) fn settle(&mut self) {
        if matches!(self.state, State::CdataOpen(_)) {
            self.state = State::Waiting;
        }
    }

    /// The text the tokenizer is to read for `text`, the next piece of its input: `None` when it is `text`
    /// itself, else `text` with the attributes past the cap cut out.
    pub(super) fn cut(&mut self, text: &str) -> Option<String> {
        let bytes = text.as_bytes();
        // While dropping, the text so far is dropped: start an output.
        let mut out = self.dropping.then(String::new);
        // The start of the text not yet copied to `out` (while not dropping).
        let mut kept = 0;
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            match self.state {
                State::Waiting => break,
                State::Data => match memchr::memchr(b'<', &bytes[i..]) {
                    Some(at) => {
                        i += at + 1;
                        self.state = State::TagOpen;
                    }
                    None => i = bytes.len(),
                },
                State::TagOpen => {
                    if b.is_ascii_alphabetic() {
                        self.start_tag();
                        i += 1;
                    } else if b == b'/' {
                        self.state = State::EndTagOpen;
                        i += 1;
                    } else if b == b'!' || b == b'?' {
                        // A markup declaration or a bogus comment.
                        self.state = State::Waiting;
                    } else {
                        // The `<` is text; this byte is read again in the data state.
                        self.state = State::Data;
                    }
                }
                State::EndTagOpen => {
                    if b.is_ascii_alphabetic() {
                        self.start_tag();
                        i += 1;
                    } else if b == b'>' {
                        // `</>` is dropped.
                        self.state = State::Data;
                        i += 1;
                    } else {
                        // A bogus comment.
                        self.state = State::Waiting;
                    }
                }
                State::TagName => {
                    i = until(bytes, i, |b| is_space(b) || matches!(b, b'/' | b'>'));
                    if let Some(&b) = bytes.get(i) {
                        i += 1;
                        match b {
                            b'/' => self.state = State::SelfClosing,
                            b'>' => self.end_tag(i, &mut out, &mut kept),
                            _ => self.state = State::BeforeName,
                        }
                    }
                }
                State::BeforeName => match b {
                    _ if is_space(b) => i += 1,
                    b'/' => {
                        self.state = State::SelfClosing;
                        i += 1;
                    }
                    b'>' => {
                        i += 1;
                        self.end_tag(i, &mut out, &mut kept);
                    }
                    // Anything else starts a name, `=` too.
                    _ => {
                        self.start_attribute(text, i, &mut out, kept);
                        i += 1;
                    }
                },
                State::Name => {
                    i = until(bytes, i, |b| is_space(b) || matches!(b, b'/' | b'=' | b'>'));
                    if let Some(&b) = bytes.get(i) {
                        i += 1;
                        match b {
                            b'/' => self.state = State::SelfClosing,
                            b'=' => self.state = State::BeforeValue,
                            b'>' => self.end_tag(i, &mut out, &mut kept),
                            _ => self.state = State::AfterName,
                        }
                    }
                }
                State::AfterName => match b {
                    _ if is_space(b) => i += 1,
                    b'/' => {
                        self.state = State::SelfClosing;
                        i += 1;
                    }
                    b'=' => {
                        self.state = State::BeforeValue;
                        i += 1;
                    }
                    b'>' => {
                        i += 1;
                        self.end_tag(i, &mut out, &mut kept);
                    }
                    _ => {
                        self.start_attribute(text, i, &mut out, kept);
                        i += 1;
                    }
                },
                State::BeforeValue => match b {
                    _ if is_space(b) => i += 1,
                    b'"' | b'\'' => {
                        self.state = State::Quoted(b);
                        i += 1;
                    }
                    b'>' => {
                        // A missing value: the tag ends.
                        i += 1;
                        self.end_tag(i, &mut out, &mut kept);
                    }
                    // This byte is read again in the unquoted value.
                    _ => self.state = State::Unquoted,
                },
                State::Quoted(quote) => match memchr::memchr(quote, &bytes[i..]) {
                    Some(at) => {
                        i += at + 1;
                        self.state = State::AfterQuoted;
                    }
                    None => i = bytes.len(),
                },
                State::Unquoted => {
                    i = until(bytes, i, |b| is_space(b) || b == b'>');
                    if let Some(&b) = bytes.get(i) {
                        i += 1;
                        match b {
                            b'>' => self.end_tag(i, &mut out, &mut kept),
                            _ => self.state = State::BeforeName,
                        }
                    }
                }
                State::AfterQuoted => match b {
                    _ if is_space(b) => {
                        self.state = State::BeforeName;
                        i += 1;
                    }
                    b'/' => {
                        self.state = State::SelfClosing;
                        i += 1;
                    }
                    b'>' => {
                        i += 1;
                        self.end_tag(i, &mut out, &mut kept);
                    }
                    // No whitespace before the next name: this byte is read again before a name.
                    _ => self.state = State::BeforeName,
                },
                State::SelfClosing => {
                    if b == b'>' {
                        i += 1;
                        self.end_tag(i, &mut out, &mut kept);
                    } else {
                        // Read again before a name.
                        self.state = State::BeforeName;
                    }
                }
                State::CdataOpen(matched) => {
                    if b == b"[CDATA["[matched] {
                        i += 1;
                        self.state = if matched == 6 {
                            State::Cdata(0)
                        } else {
                            State::CdataOpen(matched + 1)
                        };
                    } else {
                        // A bogus comment.
                        self.state = State::Waiting;
                    }
                }
                State::Cdata(brackets) => {
                    i += 1;
                    self.state = match b {
                        b']' => State::Cdata((brackets + 1).min(2)),
                        b'>' if brackets == 2 => State::Data,
                        _ => State::Cdata(0),
                    };
                }
            }
        }
        let mut out = out?;
        if !self.dropping {
            out.push_str(text.get(kept..).unwrap_or_default());
        }
        Some(out)
    }

    /// A start or end tag begins (its name's first letter is read).
    fn start_tag(&mut self) {
        self.state = State::TagName;
        self.count = 0;
        self.dropping = false;
    }

    /// An attribute name starts at byte `at` of `text`: past the cap, the text up to there is kept and the rest
    /// of the tag dropped.
    fn start_attribute(&mut self, text: &str, at: usize, out: &mut Option<String>, kept: usize) {
        self.state = State::Name;
        self.count += 1;
        if self.count > self.max && !self.dropping {
            self.dropping = true;
            // ok: `at` is where a name starts, at a character that is not ASCII whitespace, `/` or `>`, read
            // before a name: the first byte of a character.
            out.get_or_insert_with(String::new)
                .push_str(text.get(kept..at).unwrap_or_default());
        }
    }

    /// The tag's `>` was the byte before `end`; after the tag, the state is the tree builder's to decide.
    fn end_tag(&mut self, end: usize, out: &mut Option<String>, kept: &mut usize) {
        if self.dropping {
            // From any state where a name can start, whitespace then `>` (or `/>`) ends the tag as the dropped
            // text did: with the same self-closing flag, and no attribute more.
            let ending = if self.state == State::SelfClosing { " />" } else { " >" };
            out.get_or_insert_with(String::new).push_str(ending);
            *kept = end;
            self.dropping = false;
        }
        self.state = State::Waiting;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text the tokenizer reads for `pieces`, fed one after the other from the data state, with `max`
    /// attributes kept; the cap stops following at the first tag's end.
    fn cut(max: usize, pieces: &[&str]) -> String {
        let mut cap = Cap::new(max);
        let mut out = String::new();
        for piece in pieces {
            match cap.cut(piece) {
                Some(text) => out.push_str(&text),
                None => out.push_str(piece),
            }
        }
        out
    }

    #[test]
    fn attributes_past_the_cap_are_cut_to_the_end_of_the_tag() {
        for (html, expected) in [
            ("<p a b c>x<p d e f>", "<p a b  >x<p d e f>"),
            ("<p a=1 b=2 c=3 d=4>", "<p a=1 b=2  >"),
            ("<p a='1'b=\"2\"c=3>", "<p a='1'b=\"2\" >"),
            ("<p a b/c>", "<p a b/ >"),
            ("<p a b c/>", "<p a b  />"),
            ("<p a b c=1/>", "<p a b  >"),
            ("<p a b c='1'/>", "<p a b  />"),
            ("<p a b='1' =c>", "<p a b='1'  >"),
            ("<p a b c='>'>", "<p a b  >"),
            ("<p a b \"c>", "<p a b  >"),
            ("<p a\rb\r\nc\x0cd>", "<p a\rb\r\n >"),
            ("</p a b c>", "</p a b  >"),
            ("<p a=&copy; b=&amp c=&#62;>", "<p a=&copy; b=&amp  >"),
            ("<p a b \u{e9}=1>", "<p a b  >"),
            // Nothing to cut.
            ("<p a b>", "<p a b>"),
            ("<p a=1 b='c d e'>", "<p a=1 b='c d e'>"),
            ("<p a b/>", "<p a b/>"),
            ("a < b c d e <3", "a < b c d e <3"),
            ("</>a<<p a b c>", "</>a<<p a b  >"),
        ] {
            assert_eq!(cut(2, &[html]), expected, "{html:?}");
            // However the text is split.
            for at in (1..html.len()).filter(|&at| html.is_char_boundary(at)) {
                assert_eq!(cut(2, &[&html[..at], &html[at..]]), expected, "{html:?} split at {at}");
            }
        }
    }

    #[test]
    fn only_the_first_tag_is_followed() {
        assert_eq!(cut(1, &["<p a b><p c d>"]), "<p a  ><p c d>");
        for html in ["<!-- <p a b> -->", "<? <p a b> >", "</ <p a b> >", "<!DOCTYPE <p a b>"] {
            assert_eq!(cut(1, &[html]), html);
        }
    }

    #[test]
    fn a_cdata_section_ends_at_the_first_bracket_bracket_greater_than() {
        let mut cap = Cap::new(1);
        cap.cdata();
        let text = "[CDATA[<p a b>]>]]]><p c d>";
        assert_eq!(cap.cut(text).as_deref(), Some("[CDATA[<p a b>]>]]]><p c  >"));
        let mut cap = Cap::new(1);
        cap.cdata();
        assert_eq!(cap.cut("[CDATA<p a b>"), None);
        assert!(!cap.is_following());
        let mut cap = Cap::new(1);
        cap.cdata();
        assert_eq!(cap.cut("[CDA"), None);
        cap.settle();
        assert!(!cap.is_following(), "looked at again when the tokenizer asks again");
    }
}
