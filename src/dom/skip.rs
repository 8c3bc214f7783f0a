//! Passing over the text of raw-text elements that nobody reads (`script`, `style`, …: see
//! [`SILENT_RAW_TEXT`](super::SILENT_RAW_TEXT)) without tokenizing it.
//!
//! On real pages such text is about 40% of the bytes, and the tokenizer spends over 30 instructions on each of
//! them only for the text to be dropped. After the start tag of such an element, the depth filter finds the end
//! of its text itself, with `memchr`, and lets the tokenizer go on from there.
//!
//! It is exact because it stops only where the tokenizer, in the state the element's start tag put it in
//! (script data or RAWTEXT, HTML § 13.2.5.4 and § 13.2.5.3), would be back in that same state: at a `<`. In
//! RAWTEXT a `<` leaves that state only for an appropriate end tag (`</` then the element's name in any case,
//! then whitespace, `/` or `>`); in script data also for `<!`, which may start an escape. Passing over
//! everything between `<`s that are neither is what the tokenizer would do: emit text. At a `<` that could be
//! either, or that the input so far ends too early to tell, the tokenizer takes over, so the element's end tag,
//! escapes and chunk boundaries are all its own work as before.

use html5ever::LocalName;

/// The raw text of one element being passed over.
pub(super) struct RawText {
    /// The element's name (lower-case ASCII): its end tag ends the text.
    name: LocalName,
    /// Script data, where `<!` may start an escape, rather than RAWTEXT.
    script: bool,
}

impl RawText {
    pub(super) fn new(name: LocalName, script: bool) -> Self {
        RawText { name, script }
    }

    /// Where the tokenizer must take over again in `text`, the element's raw text from its start or from where
    /// the last piece of input ended: the byte offset of the `<` of an end tag that may be the element's, of a
    /// `<!` in script data, or of a `<` too near the end of `text` to tell. `None` when all of `text` is the
    /// element's text.
    pub(super) fn end(&self, text: &[u8]) -> Option<usize> {
        let name = self.name.as_bytes();
        let mut from = 0;
        while let Some(found) = memchr::memchr(b'<', &text[from..]) {
            let at = from + found;
            match text.get(at + 1) {
                None => return Some(at),
                Some(b'!') if self.script => return Some(at),
                Some(b'/') => {
                    let tag = &text[at + 2..];
                    let Some(&after) = tag.get(name.len()) else {
                        return Some(at);
                    };
                    let ends_name = matches!(after, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>');
                    if ends_name && tag[..name.len()].eq_ignore_ascii_case(name) {
                        return Some(at);
                    }
                }
                Some(_) => {}
            }
            from = at + 1;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script() -> RawText {
        RawText::new(LocalName::from("script"), true)
    }

    fn style() -> RawText {
        RawText::new(LocalName::from("style"), false)
    }

    #[test]
    fn stops_at_the_elements_end_tag_in_any_case_followed_by_a_name_end() {
        for end in [
            "</script>",
            "</SCRIPT>",
            "</Script >",
            "</script/>",
            "</script\n>",
            "</script\r",
            "</script\x0c",
        ] {
            let text = format!("if (a < b) x = '</scriptx>' + '</scrip';{end} rest");
            let at = script().end(text.as_bytes());
            assert_eq!(at, text.find(end), "{end:?}");
        }
        assert_eq!(style().end(b"a > b { }</style>"), Some(9));
    }

    #[test]
    fn passes_over_other_end_tags_and_less_than_signs() {
        assert_eq!(script().end(b"document.write('<p>a</p></div>'); if (a<b) {}"), None);
        assert_eq!(style().end(b"p::before { content: '</p><!--' }"), None);
        assert_eq!(script().end(b"</scripts></scrip></ script>"), None);
    }

    #[test]
    fn hands_escapes_in_script_data_to_the_tokenizer() {
        assert_eq!(script().end(b"a = 1; <!-- b = '</script>' -->"), Some(7));
        assert_eq!(script().end(b"x <! y"), Some(2));
    }

    #[test]
    fn hands_a_less_than_sign_too_near_the_end_to_the_tokenizer() {
        assert_eq!(script().end(b"abc<"), Some(3));
        assert_eq!(script().end(b"abc</"), Some(3));
        assert_eq!(script().end(b"abc</SCRIP"), Some(3));
        assert_eq!(script().end(b"abc</script"), Some(3));
        assert_eq!(script().end(b"abc</x"), Some(3));
        assert_eq!(script().end(b"abc</xxxxxxx"), None);
    }
}
