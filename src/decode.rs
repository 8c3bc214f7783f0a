//! Bytes to UTF-8 text, streaming, following the WHATWG Encoding and HTML standards' way of choosing an encoding.
//!
//! The encoding is chosen once, from the start of the input, in this order:
//! 1. a byte order mark (UTF-8, UTF-16LE, UTF-16BE), which is then not part of the text;
//! 2. the explicit encoding the caller knows (an HTTP `Content-Type` charset);
//! 3. a `<meta charset>` or `<meta http-equiv="Content-Type" content="…charset=…">` found by the HTML standard's
//!    "prescan a byte stream to determine its encoding" over the first [`PRESCAN_LIMIT`] bytes, unless it
//!    declares a legacy encoding and the bytes are valid UTF-8 with non-ASCII content (a page saved as UTF-8
//!    that kept its old declaration: see [`Decoder::overridden`]);
//! 4. UTF-8 if the first [`DETECT_LIMIT`] bytes (or the whole input, if shorter) are valid UTF-8;
//! 5. otherwise the guess of [`chardetng`] over those bytes.
//!
//! Every decision is a function of a prefix of the input, never of how the input was split into chunks: until it
//! is taken, bytes are held (at most [`DETECT_LIMIT`] of them), and the steps wait for the bytes they need. After
//! it, bytes are decoded as they come with an `encoding_rs` decoder that carries partial sequences over chunk
//! boundaries. Malformed sequences become U+FFFD and decoding goes on with the byte after them, so text after an
//! error is never lost.

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{CoderResult, Encoding, ISO_2022_JP, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252, X_USER_DEFINED};

/// How many bytes the `<meta>` prescan looks at, as the HTML standard says.
pub(crate) const PRESCAN_LIMIT: usize = 1024;

/// How many bytes the UTF-8 check and the detector look at, and so the most this decoder ever holds back.
///
/// A page whose first 64 KiB are ASCII and whose later bytes are in a legacy encoding is decoded as UTF-8 (its
/// later non-UTF-8 bytes become U+FFFD): holding more would make memory and latency unbounded.
pub(crate) const DETECT_LIMIT: usize = 64 * 1024;

/// Input bytes decoded per call to `encoding_rs`, so that the output reserved for one call stays small.
const SLICE: usize = 16 * 1024;

/// A streaming decoder from bytes in an unknown or given encoding to UTF-8.
///
/// Example (the decoder is crate-internal): feeding `b"<meta charset=gbk><p>\xd6\xd0\xce\xc4"` in any chunks and
/// then finishing writes `"<meta charset=gbk><p>中文"` and [`Decoder::encoding`] is GBK.
pub(crate) struct Decoder {
    explicit: Option<&'static Encoding>,
    /// Bytes held before the encoding is chosen; never more than [`DETECT_LIMIT`].
    pending: Vec<u8>,
    /// True once the prescan has looked at all the bytes it may, or found a `<meta>` charset.
    prescan_done: bool,
    /// The encoding a `<meta>` declared, once the prescan found one.
    declared: Option<&'static Encoding>,
    /// Where the check of a declared legacy encoding against UTF-8 goes on in `pending`, and how many valid
    /// non-ASCII UTF-8 sequences it has seen before that (see [`Decoder::weigh_declared`]).
    weighed: usize,
    utf8_seen: usize,
    /// The declared encoding that was not used because the bytes are UTF-8.
    overridden: Option<&'static Encoding>,
    /// How many of the held bytes have been written already (see [`Decoder::release_ascii`]).
    released: usize,
    /// The chosen encoding and its decoder, once chosen.
    decoder: Option<(&'static Encoding, encoding_rs::Decoder)>,
    finished: bool,
}

impl Decoder {
    /// A decoder that will use `explicit` (an encoding the transport declared, e.g. the HTTP charset) unless the
    /// input starts with a byte order mark, and will otherwise look for a `<meta>` charset and then detect.
    ///
    /// Example: `Decoder::new(Some(encoding_rs::SHIFT_JIS))` decodes Shift_JIS whatever a `<meta>` says.
    pub(crate) fn new(explicit: Option<&'static Encoding>) -> Self {
        Decoder {
            explicit,
            pending: Vec::new(),
            prescan_done: false,
            declared: None,
            weighed: 0,
            utf8_seen: 0,
            overridden: None,
            released: 0,
            decoder: None,
            finished: false,
        }
    }

    /// The encoding chosen, once it has been chosen (at the latest by [`Decoder::finish`]); for a UTF-16 byte
    /// order mark, UTF-16LE or UTF-16BE.
    ///
    /// Example: `None` right after `Decoder::new(None)`; `Some(UTF_8)` after `feed(b"\xEF\xBB\xBFx", …)`.
    pub(crate) fn encoding(&self) -> Option<&'static Encoding> {
        self.decoder.as_ref().map(|(encoding, _)| *encoding)
    }

    /// The encoding a `<meta>` declared when the input was decoded as UTF-8 instead, because its bytes are valid
    /// UTF-8 with non-ASCII content (known once [`Decoder::encoding`] is).
    ///
    /// Example: `<meta charset="gb2312"><p>你好</p>` in UTF-8 bytes decodes as UTF-8, and this is `Some(GBK)`.
    pub(crate) fn overridden(&self) -> Option<&'static Encoding> {
        self.overridden
    }

    /// Decodes the next chunk of input, appending the text it completes to `out`.
    ///
    /// Before the encoding is chosen, bytes are held (at most [`DETECT_LIMIT`]) until the decision can be taken;
    /// only their ASCII start is written early (see [`Decoder::release_ascii`]). Input after [`Decoder::finish`]
    /// is ignored.
    ///
    /// Example: feeding `b"\xE4\xB8"` then `b"\xAD"` to a UTF-8 decoder writes `"中"` in the second call.
    pub(crate) fn feed(&mut self, bytes: &[u8], out: &mut String) {
        if self.finished {
            return;
        }
        let mut rest = bytes;
        if self.decoder.is_none() {
            let room = DETECT_LIMIT - self.pending.len();
            let (held, after) = rest.split_at(room.min(rest.len()));
            self.pending.extend_from_slice(held);
            rest = after;
            if !self.decide(false, out) {
                self.release_ascii(out);
                return;
            }
        }
        if let Some((_, decoder)) = self.decoder.as_mut() {
            decode_into(decoder, rest, out, false);
        }
    }

    /// Ends the input: takes the encoding decision if it was still open, and writes what is left, with a U+FFFD
    /// for a sequence the input cut short. Calling it again does nothing.
    ///
    /// Example: a UTF-8 input ending in `b"a\xE4\xB8"` ends in `"a\u{FFFD}"`.
    pub(crate) fn finish(&mut self, out: &mut String) {
        if self.finished {
            return;
        }
        self.finished = true;
        if self.decoder.is_none() {
            self.decide(true, out);
        }
        if let Some((_, decoder)) = self.decoder.as_mut() {
            decode_into(decoder, &[], out, true);
        }
    }

    /// Writes the held bytes up to the first that is not plain ASCII, while the decision is still open.
    ///
    /// Every encoding the `<meta>` prescan or detection can choose (UTF-8 — also for a declared UTF-16 — and the
    /// ASCII-compatible legacy encodings, or ISO-2022-JP) decodes bytes 0x00–0x7F other than ESC, SO and SI as
    /// the same ASCII characters,
    /// and leaves its decoder in its initial state after them; so the text of that start does not depend on the
    /// decision, and a streaming page that declares no encoding is not held back for its first 64 KiB. The bytes
    /// stay held, for detection to see them.
    fn release_ascii(&mut self, out: &mut String) {
        let rest = &self.pending[self.released..];
        let n = rest
            .iter()
            .position(|&b| b >= 0x80 || matches!(b, 0x0E | 0x0F | 0x1B))
            .unwrap_or(rest.len());
        // ASCII is UTF-8, so this never fails.
        out.push_str(std::str::from_utf8(&rest[..n]).unwrap_or_default());
        self.released += n;
    }

    /// Takes the decision if the held bytes allow it, then decodes them (without the BOM). Returns whether the
    /// decision is taken. With `at_end`, it always is.
    fn decide(&mut self, at_end: bool, out: &mut String) -> bool {
        let Some((encoding, bom_len)) = self.choose(at_end) else {
            return false;
        };
        let mut decoder = encoding.new_decoder_without_bom_handling();
        let pending = std::mem::take(&mut self.pending);
        let start = bom_len.max(self.released);
        decode_into(&mut decoder, pending.get(start..).unwrap_or_default(), out, false);
        self.decoder = Some((encoding, decoder));
        true
    }

    /// The encoding and the length of the BOM to skip, or `None` while more bytes are needed.
    fn choose(&mut self, at_end: bool) -> Option<(&'static Encoding, usize)> {
        let held = &self.pending;
        // Encoding standard, "decode": the BOM wins over everything. Wait for three bytes while they could
        // still become one.
        if !at_end && held.len() < 3 && is_bom_prefix(held) {
            return None;
        }
        if let Some(found) = Encoding::for_bom(held) {
            return Some(found);
        }
        if let Some(explicit) = self.explicit {
            return Some((explicit, 0));
        }
        if !self.prescan_done {
            let window = &held[..held.len().min(PRESCAN_LIMIT)];
            match prescan(window) {
                Some(encoding) => {
                    self.declared = Some(encoding);
                    self.prescan_done = true;
                }
                None if at_end || held.len() >= PRESCAN_LIMIT => self.prescan_done = true,
                None => return None,
            }
        }
        if let Some(declared) = self.declared {
            if declared == UTF_8 {
                return Some((UTF_8, 0));
            }
            return match self.weigh_declared(declared, at_end)? {
                true => {
                    self.overridden = Some(declared);
                    Some((UTF_8, 0))
                }
                false => Some((declared, 0)),
            };
        }
        let held = &self.pending;
        if !at_end && held.len() < DETECT_LIMIT {
            return None;
        }
        Some((detect(&held[..held.len().min(DETECT_LIMIT)], at_end), 0))
    }
}

impl Decoder {
    /// Whether the held bytes overrule the legacy encoding `declared` by a `<meta>`: `Some(true)` for UTF-8,
    /// `Some(false)` for the declared encoding, `None` while more bytes are needed.
    ///
    /// The bytes are read as UTF-8 from the start, one sequence at a time, and the first of these that happens
    /// decides: an invalid sequence (or, for a declared ISO-2022-JP, an escape byte) keeps the declaration;
    /// [`UTF8_EVIDENCE`] valid non-ASCII sequences overrule it. At the end of the input or of the
    /// [`DETECT_LIMIT`] window, any valid non-ASCII sequence overrules it, and pure ASCII keeps it. (chardetng
    /// with UTF-8 allowed guesses UTF-8 for exactly such input, so this is also "the detector disagrees".)
    /// Text in a legacy encoding is almost never valid UTF-8 beyond a character or two: a Latin-1 `é` is a lone
    /// lead byte, a GBK or Shift_JIS pair rarely continues a UTF-8 sequence. Each decision depends only on a
    /// prefix of the input, and the scan resumes where it stopped, so feeding byte by byte stays linear.
    fn weigh_declared(&mut self, declared: &'static Encoding, at_end: bool) -> Option<bool> {
        let held = &self.pending;
        let complete = at_end || held.len() >= DETECT_LIMIT;
        let mut i = self.weighed;
        let verdict = loop {
            let Some(&byte) = held.get(i) else {
                break complete.then_some(self.utf8_seen > 0);
            };
            if byte < 0x80 {
                if byte == 0x1B && declared == ISO_2022_JP {
                    break Some(false);
                }
                i += 1;
                continue;
            }
            let end = held.len().min(i + 4);
            match std::str::from_utf8(&held[i..end]) {
                Err(error) if error.valid_up_to() == 0 => {
                    // Cut off by the end of what is held: wait for the rest (at the end, it counts for nothing).
                    if error.error_len().is_none() {
                        break complete.then_some(self.utf8_seen > 0);
                    }
                    break Some(false);
                }
                _ => i += utf8_len(byte),
            }
            self.utf8_seen += 1;
            if self.utf8_seen >= UTF8_EVIDENCE {
                break Some(true);
            }
        };
        self.weighed = i;
        verdict
    }
}

/// The length of the UTF-8 sequence that the valid lead byte `byte` starts.
fn utf8_len(byte: u8) -> usize {
    match byte {
        0x00..=0x7F => 1,
        0x80..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

/// How many valid non-ASCII UTF-8 sequences, before any invalid one, overrule a `<meta>` that declares a legacy
/// encoding without waiting for the end of the input (see [`Decoder::weigh_declared`]).
const UTF8_EVIDENCE: usize = 8;

/// Whether `bytes` (shorter than three) could be the start of a UTF-8 or UTF-16 byte order mark.
fn is_bom_prefix(bytes: &[u8]) -> bool {
    [&[0xEF, 0xBB, 0xBF][..], &[0xFF, 0xFE], &[0xFE, 0xFF]]
        .iter()
        .any(|bom| bom.starts_with(bytes))
}

/// Decodes `src` into `out`, growing `out` as needed; `last` flushes a sequence left incomplete.
fn decode_into(decoder: &mut encoding_rs::Decoder, src: &[u8], out: &mut String, last: bool) {
    let mut slices = src.chunks(SLICE).peekable();
    if slices.peek().is_none() {
        decode_slice(decoder, &[], out, last);
    }
    while let Some(slice) = slices.next() {
        decode_slice(decoder, slice, out, last && slices.peek().is_none());
    }
}

fn decode_slice(decoder: &mut encoding_rs::Decoder, mut src: &[u8], out: &mut String, last: bool) {
    loop {
        // The worst case for this slice, so one call normally suffices; the loop covers the rest.
        let room = decoder.max_utf8_buffer_length(src.len()).unwrap_or(3 * SLICE + 16);
        out.reserve(room.max(16));
        let (result, read, _) = decoder.decode_to_string(src, out, last);
        src = &src[read..];
        if result == CoderResult::InputEmpty {
            return;
        }
    }
}

// -----------------------------------------------------------------------------------------------------------------
// Detection
// -----------------------------------------------------------------------------------------------------------------

/// HTML standard, "encoding sniffing algorithm", the step that may use frequency analysis: UTF-8 when `prefix` is
/// valid UTF-8 (a sequence cut by the end of the prefix counts as valid), else chardetng's guess.
///
/// chardetng runs with UTF-8 allowed (this is not a browser; a UTF-8 page with a stray byte is still UTF-8) and
/// with no top-level domain. ISO-2022-JP, which is all ASCII bytes and escapes, is accepted only for input with no
/// byte above 0x7F and at least one escape: browsers refuse it because of script filters that its escapes can
/// fool, but our output goes through an HTML parser and a Markdown writer, not a filter.
fn detect(prefix: &[u8], last: bool) -> &'static Encoding {
    // (encoding_rs validates several times faster than `str::from_utf8` on non-ASCII text; the standard
    // library then only looks at the tail, where a sequence cut off by the window's end still counts as valid.)
    let valid_up_to = Encoding::utf8_valid_up_to(prefix);
    let valid_utf8 = match std::str::from_utf8(&prefix[valid_up_to..]) {
        Ok(_) => true,
        Err(error) => error.valid_up_to() == 0 && error.error_len().is_none(),
    };
    let iso_2022_jp_possible = prefix.is_ascii() && prefix.contains(&0x1B);
    if valid_utf8 && !iso_2022_jp_possible {
        return UTF_8;
    }
    let mut detector = EncodingDetector::new(if iso_2022_jp_possible {
        Iso2022JpDetection::Allow
    } else {
        Iso2022JpDetection::Deny
    });
    detector.feed(prefix, last);
    let guess = detector.guess(None, Utf8Detection::Allow);
    if iso_2022_jp_possible && guess != ISO_2022_JP {
        UTF_8
    } else {
        guess
    }
}

// -----------------------------------------------------------------------------------------------------------------
// HTML standard, 13.2.3.2 "Prescan a byte stream to determine its encoding"
// -----------------------------------------------------------------------------------------------------------------

/// The encoding a `<meta>` in `bytes` declares, or `None`.
///
/// `None` also when the bytes end before the answer is known; the caller treats that as "not found" only when
/// `bytes` is the whole prescan window. A `Some` depends only on the bytes up to the end of the `<meta>` tag that
/// gave it, so finding it early in a shorter window gives the same answer as the whole window would.
fn prescan(bytes: &[u8]) -> Option<&'static Encoding> {
    let mut i = 0;
    loop {
        let rest = bytes.get(i..)?;
        if rest.is_empty() {
            return None;
        }
        if rest.starts_with(b"<!--") {
            // The comment ends at the first `-->` whose `-` may be those of `<!--`.
            let end = find(&rest[2..], b"-->")?;
            i += 2 + end + 3;
        } else if starts_with_ignore_case(rest, b"<meta") && (is_space(*rest.get(5)?) || rest[5] == b'/') {
            i += 6;
            if let Some(encoding) = meta(bytes, &mut i)? {
                return Some(encoding);
            }
            i += 1;
        } else if rest[0] == b'<' && (rest.get(1)?.is_ascii_alphabetic() || starts_tag_end(rest)?) {
            // A start or end tag: skip its name, then its attributes (so `<a title="<meta charset=x>">` is not a
            // meta).
            while !is_space(*bytes.get(i)?) && bytes[i] != b'>' {
                i += 1;
            }
            while let Attr::Pair(..) = attribute(bytes, &mut i, false)? {}
            i += 1;
        } else if rest[0] == b'<' && matches!(rest.get(1)?, b'!' | b'/' | b'?') {
            i += 1 + memchr::memchr(b'>', &rest[1..])? + 1;
        } else {
            // Text (or a `<` that starts none of the above): nothing happens before the next `<`.
            i += 1 + memchr::memchr(b'<', &rest[1..]).unwrap_or(rest.len() - 1);
        }
    }
}

/// `</` followed by a letter. `None` when the bytes end first.
fn starts_tag_end(rest: &[u8]) -> Option<bool> {
    Some(rest.get(1) == Some(&b'/') && rest.get(2)?.is_ascii_alphabetic())
}

/// The attributes of a `<meta>` whose name has just been read. `Some(Some(encoding))` when it declares one;
/// `Some(None)` when it does not (position left on its `>`); `None` when the bytes end first.
fn meta(bytes: &[u8], i: &mut usize) -> Option<Option<&'static Encoding>> {
    let mut names: Vec<Vec<u8>> = Vec::new();
    let mut got_pragma = false;
    let mut need_pragma: Option<bool> = None;
    let mut charset: Option<&'static Encoding> = None;
    while let Attr::Pair(name, value) = attribute(bytes, i, true)? {
        if names.contains(&name) {
            continue;
        }
        match name.as_slice() {
            b"http-equiv" => got_pragma |= value == b"content-type",
            b"content" if charset.is_none() => {
                if let Some(encoding) = charset_from_content(&value) {
                    charset = Some(encoding);
                    need_pragma = Some(true);
                }
            }
            b"charset" => {
                charset = encoding_for_meta(&value);
                need_pragma = Some(false);
            }
            _ => {}
        }
        names.push(name);
    }
    Some(match (need_pragma, charset) {
        (Some(true), _) if !got_pragma => None,
        (Some(_), Some(encoding)) => Some(encoding),
        _ => None,
    })
}

/// An attribute found by the prescan, or the `>` that ends the tag.
enum Attr {
    Pair(Vec<u8>, Vec<u8>),
    End,
}

/// HTML standard, "get an attribute". Names and unquoted or quoted values are lower-cased (ASCII only), and
/// kept only with `keep` (a tag other than `<meta>` is only passed over). `None` when the bytes end first.
fn attribute(bytes: &[u8], i: &mut usize, keep: bool) -> Option<Attr> {
    while is_space(*bytes.get(*i)?) || bytes[*i] == b'/' {
        *i += 1;
    }
    if bytes[*i] == b'>' {
        return Some(Attr::End);
    }
    let mut name = Vec::new();
    let mut named = false;
    loop {
        let byte = *bytes.get(*i)?;
        match byte {
            b'=' if named => {
                *i += 1;
                break;
            }
            b'/' | b'>' => return Some(Attr::Pair(name, Vec::new())),
            _ if is_space(byte) => {
                while is_space(*bytes.get(*i)?) {
                    *i += 1;
                }
                if bytes[*i] != b'=' {
                    return Some(Attr::Pair(name, Vec::new()));
                }
                *i += 1;
                break;
            }
            _ => {
                named = true;
                if keep {
                    name.push(byte.to_ascii_lowercase());
                }
            }
        }
        *i += 1;
    }
    while is_space(*bytes.get(*i)?) {
        *i += 1;
    }
    let mut value = Vec::new();
    match bytes[*i] {
        quote @ (b'"' | b'\'') => {
            *i += 1;
            let len = memchr::memchr(quote, bytes.get(*i..)?)?;
            if keep {
                value.extend(bytes[*i..*i + len].iter().map(u8::to_ascii_lowercase));
            }
            *i += len + 1;
        }
        b'>' => {}
        _ => {
            while !is_space(*bytes.get(*i)?) && bytes[*i] != b'>' {
                if keep {
                    value.push(bytes[*i].to_ascii_lowercase());
                }
                *i += 1;
            }
        }
    }
    Some(Attr::Pair(name, value))
}

/// HTML standard, "extracting a character encoding from a meta element": the `charset=` in a `content` value.
fn charset_from_content(value: &[u8]) -> Option<&'static Encoding> {
    let mut pos = 0;
    loop {
        let mut j = pos + find_ignore_case(value.get(pos..)?, b"charset")? + 7;
        while value.get(j).is_some_and(|&b| is_space(b)) {
            j += 1;
        }
        if value.get(j) != Some(&b'=') {
            pos = j;
            continue;
        }
        j += 1;
        while value.get(j).is_some_and(|&b| is_space(b)) {
            j += 1;
        }
        let rest = value.get(j..)?;
        return match rest.first()? {
            &quote @ (b'"' | b'\'') => {
                let end = rest[1..].iter().position(|&b| b == quote)?;
                encoding_for_meta(&rest[1..1 + end])
            }
            _ => {
                let end = rest
                    .iter()
                    .position(|&b| is_space(b) || b == b';')
                    .unwrap_or(rest.len());
                encoding_for_meta(&rest[..end])
            }
        };
    }
}

/// The encoding a `<meta>` label names, with the prescan's substitutions: UTF-16 means UTF-8 (a page that a
/// byte-oriented prescan could read is not UTF-16) and x-user-defined means windows-1252.
///
/// Labels of the "replacement" encoding (`iso-2022-kr`, `hz-gb-2312`, …) are treated as unknown, and the search
/// goes on: the standard would turn the whole page into one U+FFFD, and losing the whole text is worse for a
/// converter than a wrong guess.
fn encoding_for_meta(label: &[u8]) -> Option<&'static Encoding> {
    let encoding = Encoding::for_label_no_replacement(label)?;
    Some(if encoding == UTF_16BE || encoding == UTF_16LE {
        UTF_8
    } else if encoding == X_USER_DEFINED {
        WINDOWS_1252
    } else {
        encoding
    })
}

fn is_space(byte: u8) -> bool {
    matches!(byte, b'\t' | b'\n' | b'\x0C' | b'\r' | b' ')
}

fn starts_with_ignore_case(haystack: &[u8], prefix: &[u8]) -> bool {
    haystack
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn find_ignore_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use encoding_rs::{BIG5, EUC_JP, EUC_KR, GB18030, GBK, SHIFT_JIS, WINDOWS_1251};
    use proptest::prelude::*;

    use super::*;

    const ZH_HANS: &str = "北京时间今天上午，国家统计局发布了最新的经济数据。分析人士认为，消费市场正在逐步恢复，\
        但房地产行业仍然面临较大压力。专家建议政府继续加大基础设施投资力度，同时支持中小企业发展。";
    const ZH_HANT: &str = "台北市政府今天宣布，將在明年推動新的交通改善計畫。市長表示，這項計畫會優先處理捷運與公車的\
        轉乘問題，並且增加自行車道。許多市民對此表示歡迎，但也有人擔心經費不足。";
    const JA: &str = "東京都は今日、新しい防災計画を発表しました。計画では、地震や台風などの災害に備えて、避難所の数を\
        増やし、住民への情報提供を強化することになっています。専門家は早めの準備が大切だと話しています。";
    const KO: &str = "서울시는 오늘 새로운 대중교통 정책을 발표했습니다. 시장은 버스와 지하철의 환승 체계를 개선하고, \
        자전거 도로를 확대하겠다고 말했습니다. 많은 시민들이 이 정책을 환영했지만 예산 문제를 걱정하는 목소리도 있습니다.";
    const FR: &str = "Le président a déclaré que l'économie française se redressait grâce à une consommation accrue. \
        Néanmoins, les syndicats réclament des hausses de salaire et dénoncent la précarité. « Ça ne suffit pas », \
        a ajouté un représentant à l'Assemblée, où le débat s'est poursuivi très tard.";

    /// An HTML page around `body`, with a `<meta>` declaring `label` when given.
    fn page(meta: Option<&str>, body: &str) -> String {
        let meta = meta.map_or(String::new(), |m| format!("{m}\n"));
        format!(
            "<!DOCTYPE html>\n<html><head>{meta}<title>Test</title></head>\n<body><p>{body}</p><p>{body}</p></body></html>\n"
        )
    }

    fn encode(text: &str, encoding: &'static Encoding) -> Vec<u8> {
        let (bytes, used, had_errors) = encoding.encode(text);
        assert_eq!(used, encoding, "encoding_rs encodes {} as itself", encoding.name());
        assert!(!had_errors, "{} can encode the test text", encoding.name());
        bytes.into_owned()
    }

    fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if bom {
            out.extend_from_slice(if big_endian { &[0xFE, 0xFF] } else { &[0xFF, 0xFE] });
        }
        for unit in text.encode_utf16() {
            out.extend_from_slice(&if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            });
        }
        out
    }

    /// Decodes `bytes` fed in chunks of the given sizes (cycled), returning the text and the encoding chosen.
    fn decode_in(bytes: &[u8], explicit: Option<&'static Encoding>, sizes: &[usize]) -> (String, &'static str) {
        let mut decoder = Decoder::new(explicit);
        let mut out = String::new();
        let mut rest = bytes;
        let mut k = 0;
        while !rest.is_empty() {
            let n = sizes[k % sizes.len()].clamp(1, rest.len());
            decoder.feed(&rest[..n], &mut out);
            assert!(decoder.pending.len() <= DETECT_LIMIT);
            rest = &rest[n..];
            k += 1;
        }
        decoder.finish(&mut out);
        (out, decoder.encoding().map_or("none", |e| e.name()))
    }

    /// Pseudo-random chunk sizes from 1 to 40 (xorshift; fixed seeds keep failures reproducible).
    fn random_sizes(mut seed: u64) -> Vec<usize> {
        (0..257)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                (seed % 40) as usize + 1
            })
            .collect()
    }

    /// Decodes with every chunking the tests use and checks they all give `want` and `encoding`.
    fn assert_decodes(bytes: &[u8], explicit: Option<&'static Encoding>, want: &str, encoding: &'static Encoding) {
        let mut chunkings = vec![vec![usize::MAX], vec![1], vec![7], vec![2, 3]];
        chunkings.extend((1..=4).map(random_sizes));
        for sizes in chunkings {
            let (text, chosen) = decode_in(bytes, explicit, &sizes);
            if let Some((at, (got, wanted))) = text.chars().zip(want.chars()).enumerate().find(|(_, (g, w))| g != w) {
                panic!(
                    "chunks {:?}: character {at} is {got:?}, not {wanted:?}",
                    &sizes[..sizes.len().min(4)]
                );
            }
            assert_eq!(
                text.len(),
                want.len(),
                "chunks {:?}: one is a prefix of the other",
                &sizes[..sizes.len().min(4)]
            );
            assert_eq!(chosen, encoding.name(), "chunks {:?}", &sizes[..sizes.len().min(4)]);
        }
    }

    // --- legacy CJK and European pages ------------------------------------------------------------------------

    #[test]
    fn legacy_pages_with_meta_charset() {
        let cases: [(&str, &str, &'static Encoding); 8] = [
            (r#"<meta charset="gbk">"#, ZH_HANS, GBK),
            (
                r#"<meta http-equiv="Content-Type" content="text/html; charset=gb2312">"#,
                ZH_HANS,
                GBK,
            ),
            (r#"<meta charset=gb18030>"#, "中文 𠀀 € ¥ 𝄞 and 郑", GB18030),
            (
                r#"<META HTTP-EQUIV="content-type" CONTENT="text/html; charset=big5">"#,
                ZH_HANT,
                BIG5,
            ),
            (r#"<meta charset='shift_jis'>"#, JA, SHIFT_JIS),
            (
                r#"<meta content="text/html;charset=euc-kr" http-equiv="Content-Type">"#,
                KO,
                EUC_KR,
            ),
            (r#"<meta charset="iso-8859-1">"#, FR, WINDOWS_1252),
            (r#"<meta charset="euc-jp" />"#, JA, EUC_JP),
        ];
        for (meta, body, encoding) in cases {
            let html = page(Some(meta), body);
            assert_decodes(&encode(&html, encoding), None, &html, encoding);
        }
    }

    #[test]
    fn legacy_pages_without_meta_are_detected() {
        let cases: [(&str, &'static Encoding); 5] = [
            (ZH_HANS, GBK),
            (ZH_HANT, BIG5),
            (JA, SHIFT_JIS),
            (KO, EUC_KR),
            (FR, WINDOWS_1252),
        ];
        for (body, encoding) in cases {
            let html = page(None, body);
            assert_decodes(&encode(&html, encoding), None, &html, encoding);
        }
    }

    #[test]
    fn gb18030_four_byte_sequences_decode_when_detected_as_gbk() {
        // The WHATWG gbk decoder is the gb18030 decoder, so detection that says GBK loses nothing.
        let html = page(None, &format!("{ZH_HANS} 𠀀𠀁 €"));
        assert_decodes(&encode(&html, GB18030), None, &html, GBK);
    }

    #[test]
    fn unlabeled_utf8_and_ascii_are_utf8() {
        let html = page(None, &format!("{ZH_HANS} {JA} {KO} {FR}"));
        assert_decodes(html.as_bytes(), None, &html, UTF_8);
        let ascii = page(None, "Plain English text.");
        assert_decodes(ascii.as_bytes(), None, &ascii, UTF_8);
        assert_decodes(b"", None, "", UTF_8);
    }

    #[test]
    fn detection_window_cut_inside_a_character_is_still_utf8() {
        let text = format!("{ZH_HANS} {JA}").repeat(50);
        let bytes = text.as_bytes();
        // Every cut, including those inside a multi-byte character, reads as UTF-8 until the last window.
        for cut in (bytes.len() - 8)..=bytes.len() {
            let last = cut == bytes.len();
            assert_eq!(detect(&bytes[..cut], last), UTF_8, "cut at {cut}");
        }
        // One invalid byte anywhere (here in the middle) rules UTF-8 out.
        let mut broken = bytes.to_vec();
        let middle = broken.len() / 2;
        broken[middle] = 0xFF;
        assert_ne!(detect(&broken, true), UTF_8);
    }

    #[test]
    fn unlabeled_iso_2022_jp_is_detected() {
        let html = page(None, JA);
        let (bytes, _, _) = ISO_2022_JP.encode(&html);
        assert_decodes(&bytes, None, &html, ISO_2022_JP);
    }

    // --- order of decisions -----------------------------------------------------------------------------------

    #[test]
    fn bom_wins_over_explicit_and_meta() {
        let html = page(Some(r#"<meta charset="gbk">"#), ZH_HANS);
        let mut utf8 = vec![0xEF, 0xBB, 0xBF];
        utf8.extend_from_slice(html.as_bytes());
        assert_decodes(&utf8, None, &html, UTF_8);
        assert_decodes(&utf8, Some(SHIFT_JIS), &html, UTF_8);
        assert_decodes(&utf16(&html, false, true), Some(WINDOWS_1252), &html, UTF_16LE);
        assert_decodes(&utf16(&html, true, true), None, &html, UTF_16BE);
    }

    #[test]
    fn explicit_wins_over_meta() {
        let html = page(Some(r#"<meta charset="utf-8">"#), JA);
        assert_decodes(&encode(&html, SHIFT_JIS), Some(SHIFT_JIS), &html, SHIFT_JIS);
        // An explicit UTF-16 without a BOM is honoured.
        assert_decodes(&utf16(&html, false, false), Some(UTF_16LE), &html, UTF_16LE);
    }

    #[test]
    fn short_inputs_that_look_like_a_bom_start() {
        assert_decodes(b"\xEF\xBB", None, "\u{FFFD}", UTF_8);
        assert_decodes(b"\xEF\xBB\xBF", None, "", UTF_8);
        assert_decodes(b"\xFF\xFE", None, "", UTF_16LE);
        assert_decodes(b"\xFE\xFFx", None, "\u{FFFD}", UTF_16BE);
        assert_decodes(b"a", None, "a", UTF_8);
    }

    // --- the prescan ------------------------------------------------------------------------------------------

    fn prescan_str(html: &str) -> Option<&'static str> {
        prescan(html.as_bytes()).map(|e| e.name())
    }

    #[test]
    fn prescan_reads_the_meta_forms() {
        assert_eq!(prescan_str("<meta charset=big5>"), Some("Big5"));
        assert_eq!(prescan_str("<META CHARSET=\"Shift_JIS\">"), Some("Shift_JIS"));
        assert_eq!(prescan_str("<meta/charset=euc-kr>"), Some("EUC-KR"));
        assert_eq!(prescan_str("<meta charset = ' gbk ' >"), Some("GBK"));
        assert_eq!(
            prescan_str("<meta http-equiv=content-type content='text/html; charset=\"koi8-r\"'>"),
            Some("KOI8-R")
        );
        assert_eq!(
            prescan_str("<meta content=\"charset=windows-1251\" http-equiv=\"Content-Type\">"),
            Some("windows-1251")
        );
        assert_eq!(
            prescan_str("<meta http-equiv=Content-Type content=\"text/html; charsetX; charset = big5;\">"),
            Some("Big5")
        );
    }

    #[test]
    fn prescan_substitutions() {
        assert_eq!(prescan_str("<meta charset=utf-16>"), Some("UTF-8"));
        assert_eq!(prescan_str("<meta charset=utf-16be>"), Some("UTF-8"));
        assert_eq!(prescan_str("<meta charset=x-user-defined>"), Some("windows-1252"));
        assert_eq!(prescan_str("<meta charset=latin1>"), Some("windows-1252"));
        // A replacement-encoding label is skipped and a later meta still counts.
        assert_eq!(prescan_str("<meta charset=iso-2022-kr><meta charset=gbk>"), Some("GBK"));
    }

    #[test]
    fn prescan_ignores_what_is_not_a_meta_declaration() {
        assert_eq!(
            prescan_str("<!-- <meta charset=big5> --><meta charset=gbk>"),
            Some("GBK")
        );
        assert_eq!(prescan_str("<!--><meta charset=gbk>"), Some("GBK"));
        assert_eq!(
            prescan_str("<div title='<meta charset=big5>'></div><meta charset=gbk>"),
            Some("GBK")
        );
        assert_eq!(
            prescan_str("<!DOCTYPE html <meta charset=big5>><meta charset=gbk>"),
            Some("GBK")
        );
        assert_eq!(
            prescan_str("<?xml <meta charset=big5>?><meta charset=gbk>"),
            Some("GBK")
        );
        assert_eq!(prescan_str("</p <meta charset=big5>><meta charset=gbk>"), Some("GBK"));
        assert_eq!(prescan_str("<metadata charset=big5><meta charset=gbk>"), Some("GBK"));
        // content= without http-equiv, and an unknown label, declare nothing.
        assert_eq!(
            prescan_str("<meta content='text/html; charset=big5'><meta charset=gbk>"),
            Some("GBK")
        );
        assert_eq!(prescan_str("<meta charset=no-such-thing><p>"), None);
        assert_eq!(prescan_str("<meta name=description content='charset=big5'>"), None);
        // The first of two duplicate attributes counts.
        assert_eq!(prescan_str("<meta charset=gbk charset=big5>"), Some("GBK"));
        // charset= overrides an earlier content= (and needs no pragma).
        assert_eq!(prescan_str("<meta content='charset=big5' charset=gbk>"), Some("GBK"));
    }

    #[test]
    fn prescan_says_none_for_cut_off_input() {
        for cut in [
            "<meta charset=gbk",
            "<meta charset=\"gbk\"",
            "<meta",
            "<!-- x --",
            "<div title='x",
            "<",
        ] {
            assert_eq!(prescan_str(cut), None, "{cut}");
        }
    }

    #[test]
    fn meta_after_the_first_1024_bytes_is_not_used() {
        let filler = "x".repeat(PRESCAN_LIMIT);
        let html = format!("<p>{filler}</p><meta charset=big5><p>{ZH_HANS}</p>");
        // Not Big5: the page is detected (as GBK) instead.
        assert_decodes(&encode(&html, GBK), None, &html, GBK);
        // A meta that starts before the limit but ends after it is not seen either.
        let html = format!(
            "<p>{}</p><meta charset=big5><p>{ZH_HANT}</p>",
            "x".repeat(PRESCAN_LIMIT - 20)
        );
        let (_, chosen) = decode_in(&encode(&html, BIG5), None, &[usize::MAX]);
        assert_eq!(chosen, "Big5", "detected, not prescanned, but still Big5");
    }

    #[test]
    fn meta_spanning_chunk_boundaries() {
        let html = page(
            Some("<meta http-equiv='Content-Type' content='text/html; charset=windows-1251'>"),
            "Привет, мир! Это тест.",
        );
        let bytes = encode(&html, WINDOWS_1251);
        for split in 0..bytes.len().min(200) {
            let mut decoder = Decoder::new(None);
            let mut out = String::new();
            decoder.feed(&bytes[..split], &mut out);
            decoder.feed(&bytes[split..], &mut out);
            decoder.finish(&mut out);
            assert_eq!(out, html, "split at {split}");
            assert_eq!(decoder.encoding(), Some(WINDOWS_1251));
        }
    }

    // --- errors and boundaries --------------------------------------------------------------------------------

    #[test]
    fn invalid_bytes_become_replacement_and_keep_what_follows() {
        assert_decodes(b"<p>a\xFFb</p>", Some(UTF_8), "<p>a\u{FFFD}b</p>", UTF_8);
        assert_decodes(b"<p>\xE4\xB8<b>x</b>", Some(UTF_8), "<p>\u{FFFD}<b>x</b>", UTF_8);
        // A GBK lead byte followed by ASCII: the ASCII byte is kept.
        assert_decodes(b"<p>\x81<b>\xD6\xD0</b>", Some(GBK), "<p>\u{FFFD}<b>中</b>", GBK);
        // A Shift_JIS lead byte at the very end.
        assert_decodes(b"abc\x82", Some(SHIFT_JIS), "abc\u{FFFD}", SHIFT_JIS);
        // A truncated UTF-8 sequence at the end of an unlabeled input.
        assert_decodes(
            "中文\u{E9}".as_bytes().split_last().map(|(_, b)| b).unwrap_or_default(),
            None,
            "中文\u{FFFD}",
            UTF_8,
        );
        // A lone surrogate in UTF-16.
        assert_decodes(&[0xFF, 0xFE, 0x3D, 0xD8, 0x41, 0x00], None, "\u{FFFD}A", UTF_16LE);
    }

    #[test]
    fn mostly_utf8_with_a_stray_byte_decodes_the_rest() {
        let text = format!("{JA}\u{FFFD}{KO}");
        let bytes = [JA.as_bytes(), b"\xFF", KO.as_bytes()].concat();
        let (out, _) = decode_in(&bytes, None, &[usize::MAX]);
        // Whatever the guess, no panic and nothing after the bad byte vanishes: the last sentence ends intact
        // when the guess is UTF-8, and the output is at least as long in characters as the ASCII it had.
        assert!(out.chars().count() >= bytes.iter().filter(|b| b.is_ascii()).count());
        if out.starts_with(JA) {
            assert_eq!(out, text);
        }
    }

    #[test]
    fn multibyte_sequences_split_across_chunks() {
        let text = "中文 日本語 한국어 é 𝄞";
        assert_decodes(text.as_bytes(), Some(UTF_8), text, UTF_8);
        assert_decodes(&encode(text, GB18030), Some(GB18030), text, GB18030);
        assert_decodes(&utf16(text, false, true), None, text, UTF_16LE);
        assert_decodes(&utf16(text, true, false), Some(UTF_16BE), text, UTF_16BE);
    }

    // --- bounded, streaming, chunk-independent ----------------------------------------------------------------

    #[test]
    fn large_unlabeled_legacy_page_decides_at_the_limit_and_streams() {
        let body = ZH_HANS.repeat(1 + 3 * DETECT_LIMIT / ZH_HANS.len());
        let html = page(None, &body);
        let bytes = encode(&html, GBK);
        assert!(bytes.len() > 2 * DETECT_LIMIT);
        assert_decodes(&bytes, None, &html, GBK);

        let mut decoder = Decoder::new(None);
        let mut out = String::new();
        decoder.feed(&bytes[..DETECT_LIMIT - 1], &mut out);
        let ascii_start = &html[..html.find(|c: char| !c.is_ascii()).unwrap_or(html.len())];
        assert!(
            out == ascii_start && decoder.encoding().is_none(),
            "holds bytes until the decision, writing only their ASCII start"
        );
        decoder.feed(&bytes[DETECT_LIMIT - 1..DETECT_LIMIT + 10], &mut out);
        assert_eq!(decoder.encoding(), Some(GBK));
        assert!(
            html.starts_with(&out) && out.len() > DETECT_LIMIT,
            "decodes once decided"
        );
        assert!(decoder.pending.capacity() == 0, "held bytes are released");
    }

    /// The encoding chosen for `bytes` and the declaration it overrode, fed whole and byte by byte (both must agree).
    fn overridden_in(bytes: &[u8], explicit: Option<&'static Encoding>) -> (&'static str, Option<&'static str>) {
        let mut seen = Vec::new();
        for size in [usize::MAX, 1, 5] {
            let mut decoder = Decoder::new(explicit);
            let mut out = String::new();
            for piece in bytes.chunks(size.min(bytes.len().max(1))) {
                decoder.feed(piece, &mut out);
            }
            decoder.finish(&mut out);
            seen.push((
                decoder.encoding().map_or("none", |e| e.name()),
                decoder.overridden().map(|e| e.name()),
            ));
        }
        assert!(seen.windows(2).all(|w| w[0] == w[1]), "{seen:?}");
        seen[0]
    }

    #[test]
    fn stale_legacy_meta_on_utf8_bytes_is_overruled() {
        // Pages saved as UTF-8 that kept the declaration of their old encoding: long and short, CJK and Latin,
        // declared by charset= or by http-equiv.
        for (meta, body, declared) in [
            ("<meta charset=\"gb2312\">", ZH_HANS, "GBK"),
            ("<meta charset=big5>", "台灣", "Big5"),
            (
                "<meta http-equiv=Content-Type content='text/html; charset=Shift_JIS'>",
                JA,
                "Shift_JIS",
            ),
            ("<meta charset=iso-8859-1>", FR, "windows-1252"),
            ("<meta charset=windows-1251>", "Ünïcödé", "windows-1251"),
            ("<meta charset=euc-kr>", "x \u{1F600} y", "EUC-KR"),
        ] {
            let html = page(Some(meta), body);
            assert_decodes(html.as_bytes(), None, &html, UTF_8);
            assert_eq!(
                overridden_in(html.as_bytes(), None),
                ("UTF-8", Some(declared)),
                "{meta}"
            );
        }
    }

    #[test]
    fn legacy_meta_on_legacy_bytes_is_kept() {
        for (meta, body, encoding) in [
            ("<meta charset=gb2312>", ZH_HANS, GBK),
            ("<meta charset=big5>", ZH_HANT, BIG5),
            ("<meta charset=shift_jis>", JA, SHIFT_JIS),
            ("<meta charset=euc-kr>", KO, EUC_KR),
            ("<meta charset=iso-8859-1>", FR, WINDOWS_1252),
            ("<meta charset=windows-1251>", "Привет", WINDOWS_1251),
        ] {
            let html = page(Some(meta), body);
            let bytes = encode(&html, encoding);
            assert_decodes(&bytes, None, &html, encoding);
            assert_eq!(overridden_in(&bytes, None), (encoding.name(), None), "{meta}");
        }
        // Pure ASCII keeps the declaration; so does a Latin-1 text whose first accents happen to form UTF-8
        // (`Ã©`) when a later one does not.
        let ascii = page(Some("<meta charset=koi8-r>"), "plain &eacute; text");
        assert_eq!(overridden_in(ascii.as_bytes(), None), ("KOI8-R", None));
        let latin = page(Some("<meta charset=latin1>"), "\u{C3}\u{A9} then caf\u{E9}");
        let bytes = encode(&latin, WINDOWS_1252);
        assert_decodes(&bytes, None, &latin, WINDOWS_1252);
        assert_eq!(overridden_in(&bytes, None), ("windows-1252", None));
        // A declared UTF-8 is never "overridden".
        let utf8 = page(Some("<meta charset=utf-8>"), ZH_HANS);
        assert_eq!(overridden_in(utf8.as_bytes(), None), ("UTF-8", None));
    }

    #[test]
    fn bom_and_explicit_encoding_beat_the_utf8_check() {
        let html = page(Some("<meta charset=gbk>"), ZH_HANS);
        // The caller says GBK: the UTF-8 bytes are decoded as GBK (mojibake, as asked).
        let (text, chosen) = decode_in(html.as_bytes(), Some(GBK), &[usize::MAX]);
        assert_eq!(chosen, "GBK");
        assert_ne!(text, html);
        assert_eq!(overridden_in(html.as_bytes(), Some(GBK)), ("GBK", None));
        // A UTF-8 BOM is UTF-8 without any override; a UTF-16 BOM is UTF-16.
        let with_bom = [&b"\xEF\xBB\xBF"[..], html.as_bytes()].concat();
        assert_eq!(overridden_in(&with_bom, None), ("UTF-8", None));
        assert_eq!(overridden_in(&utf16(&html, false, true), None), ("UTF-16LE", None));
    }

    #[test]
    fn stale_meta_check_decides_early_on_long_utf8_pages() {
        let html = page(Some("<meta charset=gb2312>"), &ZH_HANS.repeat(50));
        let bytes = html.as_bytes();
        let mut decoder = Decoder::new(None);
        let mut out = String::new();
        decoder.feed(&bytes[..400], &mut out);
        assert_eq!(
            decoder.encoding(),
            Some(UTF_8),
            "decided after a few characters, not at 64 KiB"
        );
        assert_eq!(decoder.overridden(), Some(GBK));
        assert!(html.starts_with(&out) && out.len() > 200);
        // A Latin page with one accent waits for the end (or 64 KiB), writing its ASCII start meanwhile.
        let html = page(
            Some("<meta charset=latin1>"),
            &format!("{}caf\u{E9}", "word ".repeat(40)),
        );
        let mut decoder = Decoder::new(None);
        let mut out = String::new();
        decoder.feed(html.as_bytes(), &mut out);
        assert_eq!(decoder.encoding(), None);
        assert!(html.starts_with(&out) && out.ends_with("caf"));
        decoder.finish(&mut out);
        assert_eq!(
            (out.as_str(), decoder.overridden()),
            (html.as_str(), Some(WINDOWS_1252))
        );
    }

    #[test]
    fn labeled_page_streams_before_the_end() {
        let html = page(Some("<meta charset=big5>"), &ZH_HANT.repeat(20));
        let bytes = encode(&html, BIG5);
        let mut decoder = Decoder::new(None);
        let mut out = String::new();
        decoder.feed(&bytes[..200], &mut out);
        assert_eq!(decoder.encoding(), Some(BIG5));
        assert!(!out.is_empty() && html.starts_with(&out));
    }

    #[test]
    fn valid_utf8_prefix_decides_utf8_even_if_later_bytes_are_not() {
        let mut bytes = vec![b'a'; DETECT_LIMIT];
        bytes.extend_from_slice(&encode("中文", GBK));
        let mut want = "a".repeat(DETECT_LIMIT);
        // Each of the four GBK bytes starts a UTF-8 sequence that the next byte does not continue.
        want.push_str("\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}");
        assert_decodes(&bytes, None, &want, UTF_8);
    }

    #[test]
    fn finish_is_idempotent_and_later_input_is_ignored() {
        let mut decoder = Decoder::new(None);
        let mut out = String::new();
        assert_eq!(decoder.encoding(), None);
        decoder.feed(b"abc", &mut out);
        decoder.finish(&mut out);
        decoder.finish(&mut out);
        decoder.feed(b"def", &mut out);
        assert_eq!(out, "abc");
    }

    proptest! {
        #[test]
        fn chunking_never_changes_the_result(
            seed in 0usize..6,
            meta in prop::option::of(0usize..3),
            cuts in prop::collection::vec(0usize..4000, 0..12),
        ) {
            let encodings: [(&str, &'static Encoding); 6] =
                [(ZH_HANS, GBK), (ZH_HANT, BIG5), (JA, SHIFT_JIS), (KO, EUC_KR), (FR, WINDOWS_1252), (JA, UTF_8)];
            let (body, encoding) = encodings[seed];
            let meta = meta.map(|m| match m {
                0 => format!("<meta charset=\"{}\">", encoding.name()),
                1 => format!("<meta http-equiv=Content-Type content='text/html; charset={}'>", encoding.name()),
                _ => "<!-- <meta charset=koi8-r> -->".to_owned(),
            });
            let html = page(meta.as_deref(), body);
            let bytes = encode(&html, encoding);
            let (whole, chosen) = decode_in(&bytes, None, &[usize::MAX]);
            prop_assert_eq!(&whole, &html);
            prop_assert_eq!(chosen, encoding.name());
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(bytes.len())).collect();
            cuts.sort_unstable();
            let mut decoder = Decoder::new(None);
            let mut out = String::new();
            let mut start = 0;
            for cut in cuts.into_iter().chain([bytes.len()]) {
                decoder.feed(&bytes[start..cut], &mut out);
                start = cut;
            }
            decoder.finish(&mut out);
            prop_assert_eq!(out, whole);
        }

        #[test]
        fn arbitrary_bytes_never_panic_and_split_the_same(
            bytes in prop::collection::vec(any::<u8>(), 0..3000),
            sizes in prop::collection::vec(1usize..50, 1..8),
            explicit in prop::option::of(0usize..4),
        ) {
            let explicit = explicit.map(|i| [UTF_8, GBK, SHIFT_JIS, UTF_16BE][i]);
            let whole = decode_in(&bytes, explicit, &[usize::MAX]);
            prop_assert_eq!(decode_in(&bytes, explicit, &sizes), whole);
        }

        #[test]
        fn html_like_noise_prescans_the_same_in_pieces(
            parts in prop::collection::vec(prop::sample::select(vec![
                "<meta", " charset=", "gbk", "big5", "'", "\"", ">", "<!--", "-->", "<!", "<?", "</", "<a", " ", "/",
                "http-equiv=content-type", "content=", "text/html;", "x", "=", "\u{4E2D}",
            ]), 0..40),
            split in 0usize..400,
        ) {
            let html: String = parts.concat();
            let bytes = html.as_bytes();
            let split = split.min(bytes.len());
            let whole = decode_in(bytes, None, &[usize::MAX]);
            let mut decoder = Decoder::new(None);
            let mut out = String::new();
            decoder.feed(&bytes[..split], &mut out);
            decoder.feed(&bytes[split..], &mut out);
            decoder.finish(&mut out);
            prop_assert_eq!((out, decoder.encoding().map_or("none", |e| e.name())), whole);
        }
    }
}
