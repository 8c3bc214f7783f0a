//! URL policy: share-intent and redirect unwrapping, the scheme allow/deny list, and readable URLs.
//!
//! Everything here works on the attribute value as the HTML parser gave it (character references already
//! decoded) and returns URL strings that are safe to put in a CommonMark link destination once the writer has
//! escaped them for their context: no spaces, no ASCII control characters, no `<`, `>`, `"` or `` ` ``.
//!
//! The module deliberately does not implement a full WHATWG URL parser: it only needs to find the scheme, the host,
//! the path and the query of links that share widgets and redirectors produce, and to decide on schemes the way a
//! browser would read them.

use std::borrow::Cow;

use percent_encoding::percent_decode;

/// A share intent unwrapped by [`unwrap_share`]: which platform it was for and the URL being shared.
///
/// Example: `https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fexample.com%2Fa` gives
/// `Share { platform: "Facebook", url: "https://example.com/a" }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Share {
    /// Display name of the platform: "Facebook", "X", "WhatsApp", "Telegram", "LinkedIn", "Weibo", "LINE",
    /// "Reddit", "Email" or "Pinterest".
    pub platform: &'static str,
    /// The URL being shared: absolute `http`/`https`, percent-decoded once from its parameter and re-encoded
    /// where a URL needs it (see [`unwrap_share`]).
    pub url: String,
}

/// What a URL is used for, which decides the schemes [`is_allowed`] accepts.
///
/// Example: `is_allowed("data:image/png;base64,AAAA", UrlKind::Image, true)` is true, but the same URL as a
/// [`UrlKind::Link`] is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UrlKind {
    /// The destination of a link (`<a href>`): the reader navigates to it.
    Link,
    /// The source of an image (`<img src>`): the renderer fetches and displays it.
    Image,
}

// ---------------------------------------------------------------------------------------------------------------
// Pulling an href apart
// ---------------------------------------------------------------------------------------------------------------

/// The parts of an absolute or protocol-relative URL that the share and redirect tables look at.
struct Parts<'a> {
    /// Lower-case scheme; `None` for a protocol-relative `//host/...` reference.
    scheme: Option<Cow<'a, str>>,
    /// Lower-case host without user info, port or trailing dot; empty when the URL has no authority.
    host: Cow<'a, str>,
    /// The path, as written (percent-encoded).
    path: &'a str,
    /// The query without its `?`, as written; `None` when there is no `?`.
    query: Option<&'a str>,
}

/// Trims what a browser's URL parser trims (leading and trailing C0 controls and spaces), removes the tabs and
/// newlines it removes anywhere, and undoes `&amp;` left in hrefs that were HTML-escaped twice.
fn clean_href(href: &str) -> Cow<'_, str> {
    let trimmed = remove_tab_newline(href.trim_matches(|c: char| c <= ' '));
    if !trimmed.as_bytes().contains(&b'&') || !trimmed.contains("&amp;") {
        return trimmed;
    }
    let mut s = trimmed.into_owned();
    // `&amp;amp;` (escaped three times) shows up too; bounded because every round shortens the string.
    while s.contains("&amp;") {
        s = s.replace("&amp;", "&");
    }
    Cow::Owned(s)
}

/// The URL Standard's first cleaning step ("remove all ASCII tab or newline from input"): a browser follows the
/// URL without them.
pub(crate) fn remove_tab_newline(url: &str) -> Cow<'_, str> {
    if memchr::memchr3(b'\t', b'\n', b'\r', url.as_bytes()).is_some() {
        Cow::Owned(url.replace(['\t', '\n', '\r'], ""))
    } else {
        Cow::Borrowed(url)
    }
}

/// Splits `url` into [`Parts`]. `None` when it has neither a scheme nor a leading `//`.
fn split(url: &str) -> Option<Parts<'_>> {
    let (scheme, after_scheme) = match url.strip_prefix("//") {
        Some(_) => (None, url),
        None => {
            let colon = url.find(':')?;
            let scheme = &url[..colon];
            let mut chars = scheme.chars();
            let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
            if !first_ok || !chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) {
                return None;
            }
            (Some(lower(scheme)), &url[colon + 1..])
        }
    };
    let Some(rest) = after_scheme.strip_prefix("//") else {
        // An opaque URL such as `mailto:?body=…`: no authority, everything up to `?` is the path.
        let (path, query) = split_path_query(after_scheme);
        return Some(Parts {
            scheme,
            host: Cow::Borrowed(""),
            path,
            query,
        });
    };
    let end = rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if host_port.starts_with('[') {
        host_port.split_inclusive(']').next().unwrap_or(host_port)
    } else {
        host_port.split(':').next().unwrap_or(host_port)
    };
    let host = lower(host.trim_end_matches('.'));
    let (path, query) = split_path_query(&rest[end..]);
    Some(Parts {
        scheme,
        host,
        path,
        query,
    })
}

/// Splits what follows the authority into path and query (without `?`), dropping the fragment.
/// `s` in ASCII lower case, copied only when it has an upper-case letter.
fn lower(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(s.to_ascii_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

fn split_path_query(s: &str) -> (&str, Option<&str>) {
    let before_fragment = s.split_once('#').map_or(s, |(a, _)| a);
    match before_fragment.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (before_fragment, None),
    }
}

/// The path in the form the tables use: ASCII lower case, no trailing slash.
fn path_key(path: &str) -> String {
    path.trim_end_matches('/').to_ascii_lowercase()
}

/// True when `host` is `domain` or one of its subdomains (`www.`, `m.`, …).
fn host_is(host: &str, domain: &str) -> bool {
    host == domain || host.strip_suffix(domain).is_some_and(|sub| sub.ends_with('.'))
}

/// The first value of query parameter `name` in `query`, decoded as a form value: `+` is a space, then
/// percent-decoding. Returns the raw bytes: a value need not be UTF-8.
fn form_param(query: &str, name: &str) -> Option<Vec<u8>> {
    raw_param(query, name).map(|raw| {
        let plus_as_space: Vec<u8> = raw.bytes().map(|b| if b == b'+' { b' ' } else { b }).collect();
        percent_decode(&plus_as_space).collect()
    })
}

/// The first value of query parameter `name`, percent-decoded but with `+` kept (RFC 6068 `mailto:` rules).
fn plain_param(query: &str, name: &str) -> Option<Vec<u8>> {
    raw_param(query, name).map(|raw| percent_decode(raw.as_bytes()).collect())
}

/// The first value of parameter `name` as written, for a non-empty value. Names compare ASCII
/// case-insensitively, because share widgets are not consistent about `U=` versus `u=`.
fn raw_param<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (key.eq_ignore_ascii_case(name) && !value.is_empty()).then_some(value)
    })
}

// ---------------------------------------------------------------------------------------------------------------
// Making a decoded value a valid URL string
// ---------------------------------------------------------------------------------------------------------------

/// Turns percent-decoded bytes into text: valid UTF-8 stays as characters, every byte of an invalid sequence
/// becomes `%XX`, so nothing is lost and the result is a `String`.
fn escape_invalid_utf8(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for &b in chunk.invalid() {
            push_pct(&mut out, b);
        }
    }
    out
}

fn push_pct(out: &mut String, b: u8) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push('%');
    out.push(char::from(HEX[usize::from(b >> 4)]));
    out.push(char::from(HEX[usize::from(b & 0xF)]));
}

/// Characters that are valid in a URL as UTF-8 but must not be shown decoded, because they are invisible,
/// reorder text or look like a separator: C1 controls, Unicode white space (U+3000 included), bidirectional
/// controls, zero-width and other format characters, and U+FFFD (a decoded U+FFFD would look like a decoding
/// error). The WHATWG URL standard's advice on displaying URLs asks the same.
fn keep_encoded(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(
            c,
            '\u{AD}'
                | '\u{34F}'
                | '\u{61C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF0}'..='\u{FFFD}'
                | '\u{E0000}'..='\u{E0FFF}'
        )
}

/// Makes `text` (a decoded URL) a valid URL string: encodes spaces, controls and the characters a browser encodes
/// anyway (`"`, `<`, `>`, `` ` ``), encodes a `%` that does not start a `%XX` escape, and the characters of
/// [`keep_encoded`]. Other non-ASCII characters stay as UTF-8 (CommonMark allows them; browsers encode them as
/// UTF-8 when they follow the link). Existing `%XX` escapes are kept, never encoded twice.
fn normalize(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        match c {
            '%' => {
                let escape = bytes
                    .get(i + 1..i + 3)
                    .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit));
                out.push_str(if escape { "%" } else { "%25" });
            }
            ' ' | '"' | '<' | '>' | '`' => push_pct(&mut out, c as u8),
            c if keep_encoded(c) => {
                let mut buf = [0; 4];
                for &b in c.encode_utf8(&mut buf).as_bytes() {
                    push_pct(&mut out, b);
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Trims, normalizes and validates a candidate target: `Some` only for an absolute `http`/`https` URL with a
/// non-empty host.
fn absolute_http(candidate: &str) -> Option<String> {
    let candidate = candidate.trim_matches(|c: char| c.is_whitespace() || c.is_control());
    let url = normalize(candidate);
    let lower = url.get(..8).unwrap_or(&url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        return None;
    };
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let host = &rest[..host_end];
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    (!host.is_empty() && !host.starts_with(':')).then_some(url)
}

/// Like [`absolute_http`] for a decoded parameter value.
fn absolute_http_bytes(bytes: &[u8]) -> Option<String> {
    absolute_http(&escape_invalid_utf8(bytes))
}

/// The last `http://` or `https://` URL in free text (a WhatsApp message, a tweet, an e-mail body).
///
/// The URL ends at white space, at `<`, `>` or `"`, or at CJK punctuation (`，`, `。`, `」`, …), which titles
/// written in Chinese or Japanese put right after it. Trailing `.`, `,`, `:`, `;`, `!`, `?`, `'`, `*`, `_`, `~`
/// and an unbalanced closing bracket are sentence punctuation, not part of the URL (the rule GFM's extended
/// autolinks use).
fn last_url_in_text(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let start = [lower.rfind("https://"), lower.rfind("http://")]
        .into_iter()
        .flatten()
        .max()?;
    let tail = &text[start..];
    let end = tail.find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"') || is_cjk_punct(c));
    let mut url = &tail[..end.unwrap_or(tail.len())];
    loop {
        let trimmed = url.trim_end_matches(['.', ',', ':', ';', '!', '?', '\'', '*', '_', '~']);
        let trimmed = match trimmed.chars().last() {
            Some(close @ (')' | ']')) => {
                let open = if close == ')' { '(' } else { '[' };
                let opens = trimmed.matches(open).count();
                let closes = trimmed.matches(close).count();
                if closes > opens {
                    &trimmed[..trimmed.len() - 1]
                } else {
                    trimmed
                }
            }
            _ => trimmed,
        };
        if trimmed.len() == url.len() {
            break;
        }
        url = trimmed;
    }
    absolute_http(url)
}

fn is_cjk_punct(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303F}' | '\u{FF01}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}' | '\u{FF3B}'..='\u{FF40}'
        | '\u{FF5B}'..='\u{FF65}' | '\u{2018}'..='\u{201F}' | '\u{2026}')
}

// ---------------------------------------------------------------------------------------------------------------
// Share intents
// ---------------------------------------------------------------------------------------------------------------

/// Where a share intent keeps the shared URL.
#[derive(Clone, Copy)]
enum Take {
    /// A form-encoded query parameter that holds the URL itself.
    Url(&'static str),
    /// A form-encoded query parameter that holds text ending in the URL.
    Text(&'static str),
    /// The raw query (LINE's `line.me/R/msg/text/?…`): percent-encoded text ending in the URL.
    RawText,
}

/// One share intent: a host (matched with its subdomains), the paths it answers on (lower case, no trailing
/// slash, `/*` at the end for "anything below"; an empty list means any path) and where to look, in order.
struct ShareRule {
    platform: &'static str,
    /// `"http"` for `http`, `https` and protocol-relative URLs; otherwise the app scheme (`whatsapp`, `tg`, …).
    scheme: &'static str,
    host: &'static str,
    paths: &'static [&'static str],
    take: &'static [Take],
}

const SHARE_RULES: &[ShareRule] = &[
    ShareRule {
        platform: "Facebook",
        scheme: "http",
        host: "facebook.com",
        paths: &["/sharer/sharer.php", "/sharer.php", "/share.php", "/sharer"],
        take: &[Take::Url("u")],
    },
    ShareRule {
        platform: "Facebook",
        scheme: "http",
        host: "facebook.com",
        paths: &["/dialog/share", "/dialog/feed"],
        take: &[Take::Url("href"), Take::Url("link")],
    },
    ShareRule {
        platform: "X",
        scheme: "http",
        host: "twitter.com",
        paths: &["/intent/tweet", "/intent/post", "/share", "/home"],
        take: &[
            Take::Url("url"),
            Take::Url("counturl"),
            Take::Text("text"),
            Take::Text("status"),
        ],
    },
    ShareRule {
        platform: "X",
        scheme: "http",
        host: "x.com",
        paths: &["/intent/tweet", "/intent/post", "/share", "/home"],
        take: &[
            Take::Url("url"),
            Take::Url("counturl"),
            Take::Text("text"),
            Take::Text("status"),
        ],
    },
    ShareRule {
        platform: "WhatsApp",
        scheme: "whatsapp",
        host: "send",
        paths: &[""],
        take: &[Take::Text("text")],
    },
    ShareRule {
        platform: "WhatsApp",
        scheme: "http",
        host: "whatsapp.com",
        paths: &["/send"],
        take: &[Take::Text("text")],
    },
    ShareRule {
        platform: "WhatsApp",
        scheme: "http",
        host: "wa.me",
        paths: &[],
        take: &[Take::Text("text")],
    },
    ShareRule {
        platform: "Telegram",
        scheme: "http",
        host: "t.me",
        paths: &["/share/url", "/share"],
        take: &[Take::Url("url"), Take::Text("text")],
    },
    ShareRule {
        platform: "Telegram",
        scheme: "http",
        host: "telegram.me",
        paths: &["/share/url", "/share"],
        take: &[Take::Url("url"), Take::Text("text")],
    },
    ShareRule {
        platform: "Telegram",
        scheme: "tg",
        host: "msg_url",
        paths: &[""],
        take: &[Take::Url("url"), Take::Text("text")],
    },
    ShareRule {
        platform: "LinkedIn",
        scheme: "http",
        host: "linkedin.com",
        paths: &["/sharearticle", "/sharing/share-offsite", "/cws/share"],
        take: &[Take::Url("url")],
    },
    ShareRule {
        platform: "Weibo",
        scheme: "http",
        host: "service.weibo.com",
        paths: &["/share/share.php", "/share/mobile.php"],
        take: &[Take::Url("url")],
    },
    ShareRule {
        platform: "LINE",
        scheme: "http",
        host: "social-plugins.line.me",
        paths: &["/lineit/share"],
        take: &[Take::Url("url"), Take::Text("text")],
    },
    ShareRule {
        platform: "LINE",
        scheme: "http",
        host: "timeline.line.me",
        paths: &["/social-plugin/share"],
        take: &[Take::Url("url")],
    },
    ShareRule {
        platform: "LINE",
        scheme: "http",
        host: "line.me",
        paths: &["/r/share", "/r/msg/text", "/r/msg/text/*"],
        take: &[Take::Text("text"), Take::RawText],
    },
    ShareRule {
        platform: "LINE",
        scheme: "line",
        host: "msg",
        paths: &["/text", "/text/*"],
        take: &[Take::RawText],
    },
    ShareRule {
        platform: "Reddit",
        scheme: "http",
        host: "reddit.com",
        paths: &["/submit"],
        take: &[Take::Url("url"), Take::Text("title")],
    },
    ShareRule {
        platform: "Pinterest",
        scheme: "http",
        host: "pinterest.com",
        paths: &["/pin/create/*"],
        take: &[Take::Url("url")],
    },
];

/// Recognises a share intent and returns the URL being shared.
///
/// Known intents: Facebook (`facebook.com/sharer/sharer.php?u=`, `/sharer.php?u=`, `/dialog/share?href=`), X and
/// Twitter (`/intent/tweet?url=`, `/share?url=`, else the last URL in `text=`), WhatsApp (`whatsapp://send`,
/// `api.`/`web.whatsapp.com/send`, `wa.me/`: the last URL in `text=`), Telegram (`t.me`/`telegram.me`
/// `/share/url?url=`), LinkedIn (`/shareArticle?url=`, `/sharing/share-offsite/?url=`), Weibo
/// (`service.weibo.com/share/share.php?url=`), LINE (`social-plugins.line.me/lineit/share?url=`,
/// `line.me/R/msg/text/?<text>`), Reddit (`/submit?url=`), Pinterest (`/pin/create/button/?url=`) and e-mail
/// (`mailto:?subject=…&body=…` with no recipient: the last URL in the body, else in the subject).
///
/// Hosts match case-insensitively and with any subdomain (`www.`, `m.`, `api.`); `http`, `https` and
/// protocol-relative links all count; `&amp;` left in the href is read as `&`; `+` in a query value is a space
/// (except in `mailto:`, where RFC 6068 keeps it a plus). The value is percent-decoded exactly once (the shared
/// URL keeps its own escapes: `%25E4` in the intent gives `%E4` in the result) and then made a valid URL string:
/// spaces and controls become `%20`/`%XX`, invalid UTF-8 becomes `%XX`, existing `%XX` stay as they are, other
/// non-ASCII characters stay as UTF-8.
///
/// `None` when `href` is not a known intent or the value found is not an absolute `http`/`https` URL.
///
/// Example: `unwrap_share("whatsapp://send?text=Title%20-%20https%3A%2F%2Fexample.com%2Fa")` gives
/// `Some(Share { platform: "WhatsApp", url: "https://example.com/a".into() })`.
pub(crate) fn unwrap_share(href: &str) -> Option<Share> {
    if !could_be_share(href) {
        return None;
    }
    let href = clean_href(href);
    let parts = split(&href)?;
    let scheme = parts.scheme.as_deref();
    if scheme == Some("mailto") {
        return unwrap_mailto(&parts).map(|url| Share { platform: "Email", url });
    }
    let web = matches!(scheme, None | Some("http" | "https"));
    let query = parts.query.unwrap_or("");
    // The path is compared only for a rule whose host matches (rare), so it is made only then.
    let rule = SHARE_RULES.iter().find(|rule| {
        let scheme_ok = if rule.scheme == "http" {
            web
        } else {
            scheme == Some(rule.scheme)
        };
        scheme_ok
            && host_is(&parts.host, rule.host)
            && (rule.paths.is_empty() || {
                let path = path_key(parts.path);
                rule.paths.iter().any(|p| path_matches(&path, p))
            })
    })?;
    let url = rule.take.iter().find_map(|take| match *take {
        Take::Url(name) => form_param(query, name).and_then(|v| absolute_http_bytes(&v)),
        Take::Text(name) => form_param(query, name).and_then(|v| last_url_in_text(&escape_invalid_utf8(&v))),
        Take::RawText => {
            // `line.me/R/msg/text/<text>` also exists, with the text in the path.
            let raw = format!("{} {query}", parts.path);
            last_url_in_text(&escape_invalid_utf8(
                &percent_decode(raw.as_bytes()).collect::<Vec<u8>>(),
            ))
        }
    })?;
    Some(Share {
        platform: rule.platform,
        url,
    })
}

/// A quick test before the parse: every share rule reads the query, except LINE's, whose text can be in the
/// path (`line.me/R/msg/text/…`, `line://msg/text/…`). So a URL needs a `?` or `line` (in any case) to be a share
/// link; a tab or line break, which cleaning removes, could split either and sends the URL on to the parse.
fn could_be_share(href: &str) -> bool {
    let bytes = href.as_bytes();
    memchr::memchr3(b'?', b'\t', b'\n', bytes).is_some()
        || memchr::memchr(b'\r', bytes).is_some()
        || memchr::memchr2_iter(b'l', b'L', bytes)
            .any(|i| bytes[i..].get(..4).is_some_and(|w| w.eq_ignore_ascii_case(b"line")))
}

/// Whether a [`path_key`] matches a rule's path: equal, or for a rule path ending in `/*`, below it
/// (`/pin/create/*` matches `/pin/create/button`; `line.me/R/msg/text/<text>` has text in the path).
fn path_matches(path: &str, rule_path: &str) -> bool {
    match rule_path.strip_suffix('*') {
        Some(prefix) => path.len() > prefix.len() && path.starts_with(prefix),
        None => path == rule_path,
    }
}

/// `mailto:?subject=…&body=…` with no recipient: the last URL in the body, else in the subject.
fn unwrap_mailto(parts: &Parts<'_>) -> Option<String> {
    let recipient = percent_decode(parts.path.as_bytes()).decode_utf8_lossy();
    if !recipient.trim().is_empty() {
        // A link to a real address is a contact link, not a share button.
        return None;
    }
    let query = parts.query?;
    ["body", "subject"]
        .iter()
        .find_map(|name| plain_param(query, name).and_then(|v| last_url_in_text(&escape_invalid_utf8(&v))))
}

// ---------------------------------------------------------------------------------------------------------------
// Redirectors
// ---------------------------------------------------------------------------------------------------------------

/// One redirector: host (with subdomains), paths (empty: any path), and the parameters that may hold the target.
struct RedirectRule {
    host: &'static str,
    paths: &'static [&'static str],
    params: &'static [&'static str],
}

const REDIRECT_RULES: &[RedirectRule] = &[
    RedirectRule {
        host: "l.facebook.com",
        paths: &["/l.php"],
        params: &["u"],
    },
    RedirectRule {
        host: "lm.facebook.com",
        paths: &["/l.php"],
        params: &["u"],
    },
    RedirectRule {
        host: "l.messenger.com",
        paths: &["/l.php"],
        params: &["u"],
    },
    RedirectRule {
        host: "l.instagram.com",
        paths: &["", "/l.php"],
        params: &["u"],
    },
    RedirectRule {
        host: "out.reddit.com",
        paths: &[],
        params: &["url"],
    },
    RedirectRule {
        host: "slack-redir.net",
        paths: &["/link"],
        params: &["url"],
    },
    RedirectRule {
        host: "youtube.com",
        paths: &["/redirect"],
        params: &["q"],
    },
    RedirectRule {
        host: "vk.com",
        paths: &["/away.php"],
        params: &["to"],
    },
    RedirectRule {
        host: "link.zhihu.com",
        paths: &[""],
        params: &["target"],
    },
    RedirectRule {
        host: "weibo.cn",
        paths: &["/sinaurl"],
        params: &["u", "toasturl"],
    },
    RedirectRule {
        host: "douban.com",
        paths: &["/link2"],
        params: &["url"],
    },
    RedirectRule {
        host: "duckduckgo.com",
        paths: &["/l"],
        params: &["uddg"],
    },
    RedirectRule {
        host: "steamcommunity.com",
        paths: &["/linkfilter"],
        params: &["url", "u"],
    },
    RedirectRule {
        host: "safelinks.protection.outlook.com",
        paths: &[""],
        params: &["url"],
    },
    RedirectRule {
        host: "go.redirectingat.com",
        paths: &[""],
        params: &["url"],
    },
];

/// How many redirectors deep [`unwrap_redirect`] follows (a Google result pointing at a Facebook exit link).
const MAX_REDIRECT_DEPTH: usize = 4;

/// Returns the target of a redirect link whose target is in the URL itself.
///
/// Known redirectors: Google (`google.<tld>/url?q=` or `url=`), Facebook, Messenger and Instagram exit links
/// (`l.facebook.com/l.php?u=`, `lm.facebook.com`, …), `out.reddit.com/…?url=`, `slack-redir.net/link?url=`,
/// `href.li/?<target>`, YouTube `/redirect?q=`, VK `/away.php?to=`, `link.zhihu.com/?target=`,
/// `weibo.cn/sinaurl?u=`, `douban.com/link2/?url=`, DuckDuckGo `/l/?uddg=`, Steam `/linkfilter/?url=` and
/// Outlook safe links. Shorteners such as `t.co` hide their target and are left alone.
///
/// Nested redirects are followed up to four deep. The same decoding and validity rules as [`unwrap_share`] apply:
/// `None` unless the target is an absolute `http`/`https` URL.
///
/// Example: `unwrap_redirect("https://www.google.com/url?q=https%3A%2F%2Fexample.com%2F&sa=D")` gives
/// `Some("https://example.com/".into())`.
pub(crate) fn unwrap_redirect(href: &str) -> Option<String> {
    let mut target = redirect_target(href)?;
    for _ in 1..MAX_REDIRECT_DEPTH {
        match redirect_target(&target) {
            Some(next) => target = next,
            None => break,
        }
    }
    Some(target)
}

/// One level of [`unwrap_redirect`].
fn redirect_target(href: &str) -> Option<String> {
    // Every redirect carries its target in the query (cleaning the href never adds a `?`).
    if !href.contains('?') {
        return None;
    }
    let href = clean_href(href);
    let parts = split(&href)?;
    if !matches!(parts.scheme.as_deref(), None | Some("http" | "https")) {
        return None;
    }
    let query = parts.query?;
    let path = path_key(parts.path);
    if is_google(&parts.host) && path == "/url" {
        return ["q", "url"]
            .iter()
            .find_map(|name| form_param(query, name).and_then(|v| absolute_http_bytes(&v)));
    }
    if host_is(&parts.host, "href.li") {
        // `https://href.li/?https://example.com/x?y=1`: the whole query is the target, usually not encoded.
        let lower = query.to_ascii_lowercase();
        let target = if lower.starts_with("http:") || lower.starts_with("https:") {
            query.to_owned()
        } else {
            escape_invalid_utf8(&percent_decode(query.as_bytes()).collect::<Vec<u8>>())
        };
        return absolute_http(&target);
    }
    let rule = REDIRECT_RULES.iter().find(|rule| {
        host_is(&parts.host, rule.host) && (rule.paths.is_empty() || rule.paths.contains(&path.as_str()))
    })?;
    rule.params
        .iter()
        .find_map(|name| form_param(query, name).and_then(|v| absolute_http_bytes(&v)))
}

/// `google.com`, `www.google.co.uk`, `google.com.hk`, …: a `google` label followed only by short alphabetic
/// labels (a country code top-level domain and its second level).
fn is_google(host: &str) -> bool {
    let host = host.strip_prefix("www.").unwrap_or(host);
    host.strip_prefix("google.").is_some_and(|tld| {
        let labels: Vec<&str> = tld.split('.').collect();
        labels.len() <= 2
            && labels
                .iter()
                .all(|l| (2..=3).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_lowercase()))
    })
}

// ---------------------------------------------------------------------------------------------------------------
// Scheme policy
// ---------------------------------------------------------------------------------------------------------------

/// Schemes never allowed, for links or images.
///
/// - `javascript`, `vbscript`, `livescript`, `mocha`: run script in the context of the page that renders the
///   Markdown (the last two are Netscape-era aliases of `javascript`).
/// - `data`: a `data:text/html` link is a whole attacker-written document; browsers block top-level navigation to
///   `data:` but other renderers (Electron apps, e-book readers, older WebViews) do not. Images are the one
///   exception, see [`is_allowed`].
/// - `file`: decided to deny. A link converted from the web that points into the reader's own file system is at
///   best meaningless on another machine and at worst a way to open local files from a Markdown viewer that runs
///   with local privileges (editors, note apps); browsers refuse `file:` from web pages for the same reason.
/// - `mhtml`, `ms-its`, `its`, `mk`, `jar`, `view-source`: archive and viewer schemes that older browsers used to
///   load attacker-chosen content under another origin; nothing legitimate on the web links to them.
const DENIED_SCHEMES: &[&str] = &[
    "javascript",
    "vbscript",
    "livescript",
    "mocha",
    "data",
    "file",
    "mhtml",
    "ms-its",
    "its",
    "mk",
    "jar",
    "view-source",
];

/// Whether a URL may be written as a link destination or image source.
///
/// The policy is a deny list of schemes ([`DENIED_SCHEMES`]: script, `data:`, `file:` and legacy archive
/// schemes), because the useful set is open-ended: relative URLs, fragments, `http`, `https`, `mailto`, `tel`,
/// `ftp`, `sms`, `geo`, app schemes (`whatsapp:`, `tg:`, `zoommtg:`) and anything unknown are allowed, since an
/// unknown scheme at worst does nothing. The single exception: for a [`UrlKind::Image`] with
/// `allow_data_images`, `data:image/<type>` is allowed for raster types, but never `data:image/svg+xml` (or any
/// `svg` subtype), because an SVG opened on its own runs the script it carries.
///
/// The scheme is read the way a browser reads it, and then more strictly:
/// - Leading and trailing C0 controls and spaces are ignored, and tabs and newlines anywhere are removed
///   (`"  JaVaScRiPt:"`, `"java\tscript:"`, `"java\nscript:"`), exactly as the URL parser does.
/// - Other controls, white space and invisible format characters (NUL, U+00A0, U+200B, U+FEFF, …) in the scheme
///   are removed too before comparing: a browser would not run `"\u{0}javascript:"`, but a different renderer or a
///   later cleaning step might, so such a URL is refused when what remains is a denied scheme.
/// - Any other control character in the scheme part makes the URL refused outright: no real URL has one.
/// - Character references (`&#106;`, `&#x6A;`, `&colon;`, `&Tab;`) in the scheme part are decoded before
///   checking as well. The HTML parser has already decoded them once, so one still present was escaped twice;
///   but CommonMark decodes references in link destinations, so it would become a live `javascript:` link if the
///   writer let it through unescaped.
///
/// Example: `is_allowed("java\tscript:alert(1)", UrlKind::Link, false)` is false;
/// `is_allowed("/relative/path", UrlKind::Link, false)` and `is_allowed("tel:+33123", UrlKind::Link, false)` are
/// true.
pub(crate) fn is_allowed(url: &str, kind: UrlKind, allow_data_images: bool) -> bool {
    // Without a `&` there is no character reference to decode.
    if !url.contains('&') {
        return scheme_allowed(url, kind, allow_data_images);
    }
    let decoded = decode_char_refs(url);
    [url, decoded.as_str()]
        .iter()
        .all(|candidate| scheme_allowed(candidate, kind, allow_data_images))
}

fn scheme_allowed(url: &str, kind: UrlKind, allow_data_images: bool) -> bool {
    let Some((scheme_part, rest)) = scheme_part(url) else {
        return true; // relative reference or fragment
    };
    // A scheme of plain ASCII letters, digits, `+`, `-`, `.` (nearly every one) is compared as it is.
    if scheme_part
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
    {
        if !DENIED_SCHEMES.iter().any(|d| d.eq_ignore_ascii_case(scheme_part)) {
            return true;
        }
        return scheme_part.eq_ignore_ascii_case("data")
            && kind == UrlKind::Image
            && allow_data_images
            && is_raster_data_image(rest);
    }
    if scheme_part
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        return false;
    }
    let scheme: String = scheme_part
        .chars()
        .filter(|&c| !(keep_encoded(c) || c <= ' '))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if !DENIED_SCHEMES.contains(&scheme.as_str()) {
        return true;
    }
    scheme == "data" && kind == UrlKind::Image && allow_data_images && is_raster_data_image(rest)
}

/// The text before the first `:` when nothing before it is a `/`, `?` or `#` (otherwise the colon is inside a
/// relative path, query or fragment), together with what follows the colon.
fn scheme_part(url: &str) -> Option<(&str, &str)> {
    let colon = url.find(':')?;
    let before = &url[..colon];
    if before.contains(['/', '?', '#', '\\']) {
        return None;
    }
    Some((before, &url[colon + 1..]))
}

/// `image/<subtype>` (parameters and `;base64` allowed), with a plain subtype that is not SVG.
fn is_raster_data_image(after_scheme: &str) -> bool {
    let media_type = after_scheme.split([',', ';']).next().unwrap_or("");
    let media_type: String = media_type
        .chars()
        .filter(|&c| c > ' ')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let Some(subtype) = media_type.strip_prefix("image/") else {
        return false;
    };
    !subtype.is_empty()
        && !subtype.contains("svg")
        && subtype
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

/// Decodes numeric character references and the few named ones that matter in a scheme (`&colon;`, `&Tab;`,
/// `&NewLine;`), leaving everything else as it is. Only the first 256 bytes are looked at: a scheme is short.
fn decode_char_refs(url: &str) -> String {
    let head_end = (0..=url.len().min(256))
        .rev()
        .find(|&i| url.is_char_boundary(i))
        .unwrap_or(0);
    let (head, tail) = url.split_at(head_end);
    let mut out = String::with_capacity(url.len());
    let mut rest = head;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        match char_ref(after) {
            Some((c, len)) => {
                out.push(c);
                rest = &after[len..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out.push_str(tail);
    out
}

/// Parses a character reference after its `&`; returns the character and the bytes consumed. The `;` is
/// optional, as browsers accept `&#106avascript:`.
fn char_ref(s: &str) -> Option<(char, usize)> {
    for (name, c) in [("colon;", ':'), ("Tab;", '\t'), ("NewLine;", '\n')] {
        if s.starts_with(name) {
            return Some((c, name.len()));
        }
    }
    let digits = s.strip_prefix('#')?;
    let (radix, body, prefix) = match digits.strip_prefix(['x', 'X']) {
        Some(hex) => (16, hex, 2),
        None => (10, digits, 1),
    };
    let len = body.find(|c: char| !c.is_digit(radix)).unwrap_or(body.len());
    if len == 0 {
        return None;
    }
    // Browsers accept any number of leading zeros; past eight significant digits the value is out of range anyway.
    let significant = body[..len].trim_start_matches('0');
    let value = if significant.len() > 8 {
        0x11_0000
    } else {
        u32::from_str_radix(significant, radix).unwrap_or(0)
    };
    let c = char::from_u32(value).unwrap_or('\u{FFFD}');
    let semicolon = usize::from(body[len..].starts_with(';'));
    Some((c, prefix + len + semicolon))
}

// ---------------------------------------------------------------------------------------------------------------
// Readable URLs
// ---------------------------------------------------------------------------------------------------------------

/// Shows percent-encoded UTF-8 characters as the characters they stand for, so that
/// `https://www.rfi.fr/cn/%E4%B8%AD%E5%9B%BD/x` reads `https://www.rfi.fr/cn/中国/x`.
///
/// Only escapes that decode to a non-ASCII character are decoded, and only after the authority (in the path,
/// query and fragment). Every ASCII escape stays exactly as written (`%2F`, `%3F`, `%23`, `%25`, `%20`, `%26`,
/// `%3D`, `%2B`, controls, and also harmless ones such as `%41`), as do invalid UTF-8 sequences and characters
/// that would be invisible or misleading when shown (white space such as U+3000, bidirectional controls,
/// zero-width characters, C1 controls, U+FFFD). A browser following the result percent-encodes the characters as
/// UTF-8 again, so it reaches the same resource (for the query this assumes a UTF-8 page, which is what a
/// Markdown renderer produces).
///
/// Example: `readable("https://example.com/%E4%B8%AD%2F%E6%96%87?q=%E4%B8%AD%26")` gives
/// `"https://example.com/中%2F文?q=中%26"`.
pub(crate) fn readable(url: &str) -> String {
    let start = authority_end(url);
    let (head, tail) = url.split_at(start);
    let mut out = String::with_capacity(url.len());
    out.push_str(head);
    let mut rest = tail;
    while let Some(pct) = rest.find('%') {
        out.push_str(&rest[..pct]);
        let run_len = escape_run_len(&rest[pct..]);
        if run_len == 0 {
            out.push('%');
            rest = &rest[pct + 1..];
            continue;
        }
        push_readable_run(&mut out, &rest[pct..pct + run_len]);
        rest = &rest[pct + run_len..];
    }
    out.push_str(rest);
    out
}

/// Byte offset where the path starts: after `scheme://authority`, or 0 for URLs without an authority.
fn authority_end(url: &str) -> usize {
    let Some(sep) = url.find("://") else {
        return url
            .strip_prefix("//")
            .map_or(0, |rest| rest.find(['/', '?', '#']).map_or(url.len(), |i| i + 2));
    };
    if url[..sep].contains(['/', '?', '#']) {
        return 0;
    }
    let after = sep + 3;
    url[after..].find(['/', '?', '#']).map_or(url.len(), |i| after + i)
}

/// Length in bytes of the run of consecutive `%XX` escapes at the start of `s`.
fn escape_run_len(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mut len = 0;
    while bytes.get(len) == Some(&b'%')
        && bytes
            .get(len + 1..len + 3)
            .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
    {
        len += 3;
    }
    len
}

/// Writes a run of `%XX` escapes, decoding the non-ASCII characters that may be shown.
fn push_readable_run(out: &mut String, run: &str) {
    let bytes: Vec<u8> = percent_decode(run.as_bytes()).collect();
    let mut index = 0; // byte index into `bytes`; escape i is run[3 * i..3 * i + 3]
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            let len = c.len_utf8();
            if c.is_ascii() || keep_encoded(c) {
                out.push_str(&run[3 * index..3 * (index + len)]);
            } else {
                out.push(c);
            }
            index += len;
        }
        let invalid = chunk.invalid().len();
        out.push_str(&run[3 * index..3 * (index + invalid)]);
        index += invalid;
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Base URL resolution
// ---------------------------------------------------------------------------------------------------------------

/// Resolves relative URLs against a document's base URL ([`Options::base_url`](crate::Options::base_url) and
/// the page's `<base href>`), with the WHATWG URL parser of the `url` crate.
#[derive(Clone, Debug)]
pub(crate) struct Resolver {
    base: url::Url,
    /// Fragment-only and empty references stay as written: the base is the document itself.
    keep_same_document: bool,
}

impl Resolver {
    /// The resolver for a document fetched from `document` whose `head` states `base_href` (HTML § 4.2.3: the
    /// first `base` element with an `href`). A `<base>` that does not parse, or that resolves to a URL that
    /// cannot be a base or that [`is_allowed`] refuses (`javascript:`, `data:`), is ignored, as browsers
    /// ignore a base they cannot use.
    pub(crate) fn new(document: &url::Url, base_href: Option<&str>) -> Resolver {
        let base = base_href
            .and_then(|href| document.join(href.trim()).ok())
            .filter(|b| !b.cannot_be_a_base() && is_allowed(b.as_str(), UrlKind::Link, false));
        match base {
            Some(base) => {
                let keep_same_document = without_fragment(&base) == without_fragment(document);
                Resolver {
                    base,
                    keep_same_document,
                }
            }
            None => Resolver {
                base: document.clone(),
                keep_same_document: true,
            },
        }
    }

    /// `href` resolved against the base. Absolute URLs are returned exactly as written; so are fragment-only
    /// and empty references while the base is the document itself, and references that do not resolve.
    ///
    /// Example: with base `https://example.com/a/b`, `"../c?d"` gives `"https://example.com/c?d"` and
    /// `"#top"` stays `"#top"`.
    pub(crate) fn resolve<'a>(&self, href: &'a str) -> Cow<'a, str> {
        use std::borrow::Cow;
        let trimmed = href.trim_matches(|c: char| c <= ' ');
        if self.keep_same_document && (trimmed.is_empty() || trimmed.starts_with('#')) {
            return Cow::Borrowed(href);
        }
        match url::Url::parse(trimmed) {
            Err(url::ParseError::RelativeUrlWithoutBase) => match self.base.join(trimmed) {
                Ok(resolved) => Cow::Owned(resolved.into()),
                Err(_) => Cow::Borrowed(href),
            },
            _ => Cow::Borrowed(href),
        }
    }
}

fn without_fragment(u: &url::Url) -> &str {
    &u.as_str()[..u.as_str().find('#').unwrap_or(u.as_str().len())]
}

#[cfg(test)]
mod tests {
    #[test]
    fn resolution_against_a_base() {
        let doc = url::Url::parse("https://example.com/blog/post.html?x=1#top").unwrap_or_else(|e| panic!("{e}"));
        let r = Resolver::new(&doc, None);
        assert_eq!(r.resolve("../about"), "https://example.com/about");
        assert_eq!(r.resolve("i.png"), "https://example.com/blog/i.png");
        assert_eq!(r.resolve("//cdn.example.net/x"), "https://cdn.example.net/x");
        assert_eq!(r.resolve("?page=2"), "https://example.com/blog/post.html?page=2");
        assert_eq!(r.resolve("/a b"), "https://example.com/a%20b");
        assert_eq!(r.resolve("#notes"), "#notes");
        assert_eq!(r.resolve(""), "");
        // Absolute URLs, whatever their scheme, are kept as written.
        assert_eq!(r.resolve("HTTPS://Example.COM/%7e"), "HTTPS://Example.COM/%7e");
        assert_eq!(r.resolve("javascript:alert(1)"), "javascript:alert(1)");
        assert_eq!(r.resolve("mailto:a@b.c"), "mailto:a@b.c");
        // A base elsewhere: fragments point there.
        let r = Resolver::new(&doc, Some("/other/"));
        assert_eq!(r.resolve("#notes"), "https://example.com/other/#notes");
        assert_eq!(r.resolve("x"), "https://example.com/other/x");
        // A base naming the document itself keeps fragments.
        let r = Resolver::new(&doc, Some("post.html?x=1"));
        assert_eq!(r.resolve("#notes"), "#notes");
        // Unusable bases are ignored.
        for bad in ["javascript:alert(1)", "data:text/html,x", "http://[::1"] {
            let r = Resolver::new(&doc, Some(bad));
            assert_eq!(r.resolve("x"), "https://example.com/blog/x", "{bad}");
        }
    }

    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
    use proptest::prelude::*;

    use super::*;

    /// What JavaScript's `encodeURIComponent` encodes, which is what share widgets use.
    const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'!')
        .remove(b'~')
        .remove(b'*')
        .remove(b'\'');

    fn enc(s: &str) -> String {
        utf8_percent_encode(s, COMPONENT).to_string()
    }

    /// Builds a share intent for `url` the way a share widget would.
    fn build_share_url(platform: &str, url: &str) -> String {
        let u = enc(url);
        let title = enc("普京将访华 · Titre accentué & «quoted»");
        match platform {
            "Facebook" => format!("https://www.facebook.com/sharer/sharer.php?u={u}"),
            "Facebook dialog" => format!("https://www.facebook.com/dialog/share?app_id=1&href={u}&locale=zh_CN"),
            "X" => format!("https://x.com/intent/tweet?url={u}&via=someone&text={title}"),
            "X text" => format!("https://twitter.com/intent/tweet?text={title}%20{u}"),
            "WhatsApp" => format!("whatsapp://send?text={title}%20-%20{u}"),
            "WhatsApp web" => format!("https://web.whatsapp.com/send?text={title}%20-%20{u}"),
            "Telegram" => format!("https://t.me/share/url?url={u}&text={title}"),
            "LinkedIn" => format!("https://www.linkedin.com/sharing/share-offsite/?url={u}"),
            "Weibo" => format!("http://service.weibo.com/share/share.php?url={u}&title={title}"),
            "LINE" => format!("https://social-plugins.line.me/lineit/share?url={u}"),
            "LINE text" => format!("https://line.me/R/msg/text/?{title}%0D%0A{u}"),
            "Reddit" => format!("https://www.reddit.com/submit?url={u}&title={title}"),
            "Email" => format!("mailto:?subject={title}&body={title}%0A%0A{u}"),
            "Pinterest" => format!("https://www.pinterest.com/pin/create/button/?url={u}&description={title}"),
            other => panic!("no template for {other}"),
        }
    }

    const BUILDERS: &[(&str, &str)] = &[
        ("Facebook", "Facebook"),
        ("Facebook dialog", "Facebook"),
        ("X", "X"),
        ("X text", "X"),
        ("WhatsApp", "WhatsApp"),
        ("WhatsApp web", "WhatsApp"),
        ("Telegram", "Telegram"),
        ("LinkedIn", "LinkedIn"),
        ("Weibo", "Weibo"),
        ("LINE", "LINE"),
        ("LINE text", "LINE"),
        ("Reddit", "Reddit"),
        ("Email", "Email"),
        ("Pinterest", "Pinterest"),
    ];

    fn share(href: &str) -> Option<(&'static str, String)> {
        unwrap_share(href).map(|s| (s.platform, s.url))
    }

    fn some(platform: &'static str, url: &str) -> Option<(&'static str, String)> {
        Some((platform, url.to_owned()))
    }

    // --- unwrap_share, platform by platform -------------------------------------------------------------------

    #[test]
    fn facebook_sharer_variants() {
        let target = "https://example.org/news/2024/story?id=7";
        let e = enc(target);
        for href in [
            format!("https://www.facebook.com/sharer/sharer.php?u={e}"),
            format!("https://facebook.com/sharer.php?u={e}&t=Title"),
            format!("http://m.facebook.com/sharer/sharer.php?u={e}"),
            format!("//www.facebook.com/sharer/sharer.php?u={e}"),
            format!("HTTPS://WWW.FACEBOOK.COM/sharer/sharer.php?u={e}"),
            format!("https://www.facebook.com/dialog/share?app_id=42&href={e}&display=popup"),
            format!("https://www.facebook.com/dialog/share?app_id=42&amp;href={e}&amp;redirect_uri={e}"),
        ] {
            assert_eq!(share(&href), some("Facebook", target), "{href}");
        }
    }

    #[test]
    fn facebook_dialog_keeps_the_inner_escapes_of_the_shared_url() {
        // The shared URL is itself percent-encoded; the intent encodes it once more (`%25E4`).
        let href = "https://www.facebook.com/dialog/share?app_id=1&amp;href=https%3A%2F%2Fnews.example%2Fcn%2F%25E4%25B8%25AD%25E5%259B%25BD%2Fa&amp;locale=zh_CN";
        assert_eq!(
            share(href),
            some("Facebook", "https://news.example/cn/%E4%B8%AD%E5%9B%BD/a")
        );
    }

    #[test]
    fn facebook_profile_link_is_not_a_share() {
        assert_eq!(
            share("https://www.facebook.com/somepage?u=https%3A%2F%2Fexample.com"),
            None
        );
        assert_eq!(share("https://www.facebook.com/sharer/sharer.php"), None);
        assert_eq!(
            share("https://notfacebook.com/sharer/sharer.php?u=https%3A%2F%2Fexample.com"),
            None
        );
    }

    #[test]
    fn x_and_twitter_intents() {
        let t = "https://example.com/a";
        assert_eq!(
            share("https://x.com/intent/tweet?url=https%3A%2F%2Fexample.com%2Fa&via=me"),
            some("X", t)
        );
        assert_eq!(
            share("https://twitter.com/intent/tweet?url=https%3A%2F%2Fexample.com%2Fa"),
            some("X", t)
        );
        assert_eq!(
            share("https://twitter.com/share?url=https%3A%2F%2Fexample.com%2Fa"),
            some("X", t)
        );
        assert_eq!(
            share("https://mobile.twitter.com/intent/tweet?url=https%3A%2F%2Fexample.com%2Fa"),
            some("X", t)
        );
        assert_eq!(
            share("https://x.com/intent/post?url=https%3A%2F%2Fexample.com%2Fa"),
            some("X", t)
        );
        assert_eq!(
            share("https://twitter.com/intent/tweet?counturl=https%3A%2F%2Fexample.com%2Fa&text=T"),
            some("X", t)
        );
    }

    #[test]
    fn x_falls_back_to_the_url_in_the_text() {
        assert_eq!(
            share("https://twitter.com/intent/tweet?text=Read+this%3A+https%3A%2F%2Fexample.com%2Fa+via+%40me"),
            some("X", "https://example.com/a")
        );
        // url= wins over the text.
        assert_eq!(
            share(
                "https://x.com/intent/tweet?text=see+https%3A%2F%2Fother.example%2F&url=https%3A%2F%2Fexample.com%2Fa"
            ),
            some("X", "https://example.com/a")
        );
        assert_eq!(share("https://x.com/intent/tweet?text=no+link+here"), None);
    }

    #[test]
    fn whatsapp_every_form() {
        let t = "https://example.com/a";
        for href in [
            "whatsapp://send?text=Title%20-%20https%3A%2F%2Fexample.com%2Fa",
            "WhatsApp://send?text=Title%20-%20https%3A%2F%2Fexample.com%2Fa",
            "https://api.whatsapp.com/send?text=Title%20-%20https%3A%2F%2Fexample.com%2Fa",
            "https://web.whatsapp.com/send?text=Title%20-%20https%3A%2F%2Fexample.com%2Fa",
            "https://api.whatsapp.com/send/?phone&text=Title+https%3A%2F%2Fexample.com%2Fa&type=custom_url",
            "https://wa.me/?text=Title%20https%3A%2F%2Fexample.com%2Fa",
            "https://wa.me/15551234567?text=https%3A%2F%2Fexample.com%2Fa",
        ] {
            assert_eq!(share(href), some("WhatsApp", t), "{href}");
        }
    }

    #[test]
    fn whatsapp_title_in_chinese_then_url() {
        let href = format!(
            "whatsapp://send?text={}%20-%20https%3A%2F%2Fshort.example%2FA1b.W",
            enc("普京将访华 法新社")
        );
        assert_eq!(share(&href), some("WhatsApp", "https://short.example/A1b.W"));
    }

    #[test]
    fn url_in_text_stops_at_sentence_and_cjk_punctuation() {
        let cases = [
            ("Read https://example.com/a.", "https://example.com/a"),
            ("(see https://example.com/a)", "https://example.com/a"),
            (
                "see https://en.example.org/wiki/Foo_(bar)",
                "https://en.example.org/wiki/Foo_(bar)",
            ),
            ("链接：https://example.com/a，请看。", "https://example.com/a"),
            ("「https://example.com/中文」", "https://example.com/中文"),
            (
                "first http://one.example/ then https://two.example/x!",
                "https://two.example/x",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(
                share(&format!("https://wa.me/?text={}", enc(text))),
                some("WhatsApp", want),
                "{text}"
            );
        }
    }

    #[test]
    fn telegram_intents() {
        let t = "https://example.com/a";
        assert_eq!(
            share("https://t.me/share/url?url=https%3A%2F%2Fexample.com%2Fa&text=Hi"),
            some("Telegram", t)
        );
        assert_eq!(
            share("https://telegram.me/share/url?url=https%3A%2F%2Fexample.com%2Fa"),
            some("Telegram", t)
        );
        assert_eq!(
            share("tg://msg_url?url=https%3A%2F%2Fexample.com%2Fa"),
            some("Telegram", t)
        );
        // A channel link is not a share intent.
        assert_eq!(
            share("https://t.me/somechannel?url=https%3A%2F%2Fexample.com%2Fa"),
            None
        );
    }

    #[test]
    fn linkedin_intents() {
        let t = "https://example.com/a";
        assert_eq!(
            share("https://www.linkedin.com/shareArticle?mini=true&url=https%3A%2F%2Fexample.com%2Fa&title=T"),
            some("LinkedIn", t)
        );
        assert_eq!(
            share("https://www.linkedin.com/sharing/share-offsite/?url=https%3A%2F%2Fexample.com%2Fa"),
            some("LinkedIn", t)
        );
        assert_eq!(
            share("https://linkedin.com/sharing/share-offsite?url=https%3A%2F%2Fexample.com%2Fa"),
            some("LinkedIn", t)
        );
    }

    #[test]
    fn weibo_intent() {
        assert_eq!(
            share(
                "http://service.weibo.com/share/share.php?url=https%3A%2F%2Fexample.com%2Fa&title=%E6%A0%87%E9%A2%98"
            ),
            some("Weibo", "https://example.com/a")
        );
        assert_eq!(share("https://weibo.com/u/123?url=https%3A%2F%2Fexample.com%2Fa"), None);
    }

    #[test]
    fn line_intents() {
        let t = "https://example.com/a";
        assert_eq!(
            share("https://social-plugins.line.me/lineit/share?url=https%3A%2F%2Fexample.com%2Fa"),
            some("LINE", t)
        );
        assert_eq!(
            share("https://line.me/R/msg/text/?Title%0D%0Ahttps%3A%2F%2Fexample.com%2Fa"),
            some("LINE", t)
        );
        assert_eq!(
            share("https://line.me/R/msg/text/Title%20https%3A%2F%2Fexample.com%2Fa"),
            some("LINE", t)
        );
        assert_eq!(
            share("line://msg/text/?Title%20https%3A%2F%2Fexample.com%2Fa"),
            some("LINE", t)
        );
        assert_eq!(
            share("line://msg/text/Title%20https%3A%2F%2Fexample.com%2Fa"),
            some("LINE", t)
        );
        // Neither a `?` nor `line` as written: the quick test must not turn these away.
        assert_eq!(
            share("HTTPS://LINE.ME/R/msg/text/Title%20https%3A%2F%2Fexample.com%2Fa"),
            some("LINE", t)
        );
        assert_eq!(
            share("https://li\tne.me/R/msg/text/Title%20https%3A%2F%2Fexample.com%2Fa"),
            some("LINE", t)
        );
        assert_eq!(
            share("https://www.facebook.com/sharer.php\n?u=https%3A%2F%2Fexample.com%2Fa"),
            some("Facebook", t)
        );
    }

    #[test]
    fn reddit_intent() {
        assert_eq!(
            share("https://www.reddit.com/submit?url=https%3A%2F%2Fexample.com%2Fa&title=T"),
            some("Reddit", "https://example.com/a")
        );
        assert_eq!(
            share("https://old.reddit.com/submit?url=https%3A%2F%2Fexample.com%2Fa"),
            some("Reddit", "https://example.com/a")
        );
        assert_eq!(
            share("https://www.reddit.com/r/rust/?url=https%3A%2F%2Fexample.com%2Fa"),
            None
        );
    }

    #[test]
    fn email_intent() {
        let t = "https://example.com/a";
        assert_eq!(
            share("mailto:?subject=Title&body=Read%20this%3A%20https%3A%2F%2Fexample.com%2Fa"),
            some("Email", t)
        );
        assert_eq!(
            share("MAILTO:?body=https%3A%2F%2Fexample.com%2Fa&amp;subject=T"),
            some("Email", t)
        );
        assert_eq!(share("mailto:?subject=https%3A%2F%2Fexample.com%2Fa"), some("Email", t));
        // RFC 6068: `+` in mailto stays a plus.
        assert_eq!(
            share("mailto:?body=https%3A%2F%2Fexample.com%2Fa+b"),
            some("Email", "https://example.com/a+b")
        );
        // A contact address is not a share button.
        assert_eq!(
            share("mailto:editor@example.com?body=https%3A%2F%2Fexample.com%2Fa"),
            None
        );
        assert_eq!(share("mailto:?subject=Hello&body=no%20link"), None);
    }

    #[test]
    fn pinterest_intent() {
        assert_eq!(
            share("https://www.pinterest.com/pin/create/button/?url=https%3A%2F%2Fexample.com%2Fa&media=x"),
            some("Pinterest", "https://example.com/a")
        );
        assert_eq!(
            share("https://pinterest.com/pin/create/link/?url=https%3A%2F%2Fexample.com%2Fa"),
            some("Pinterest", "https://example.com/a")
        );
        assert_eq!(
            share("http://www.pinterest.com/pin/create/api_other/?url=http%3A%2F%2Fexample.com%2Fa&media=x"),
            some("Pinterest", "http://example.com/a")
        );
        assert_eq!(
            share("https://www.pinterest.com/pin/create/?url=https%3A%2F%2Fexample.com%2Fa"),
            None
        );
    }

    #[test]
    fn share_of_a_non_http_value_is_none() {
        for href in [
            "https://www.facebook.com/sharer.php?u=javascript%3Aalert(1)",
            "https://www.facebook.com/sharer.php?u=%2Frelative%2Fpath",
            "https://www.facebook.com/sharer.php?u=%2F%2Fexample.com%2Fa",
            "https://www.facebook.com/sharer.php?u=https%3A%2F%2F",
            "https://www.facebook.com/sharer.php?u=https%3A%2F%2F%2Fpath",
            "https://www.facebook.com/sharer.php?u=ftp%3A%2F%2Fexample.com%2F",
            "https://x.com/intent/tweet?url=data%3Atext%2Fhtml%2C%3Cscript%3E",
            "https://www.facebook.com/sharer.php?u=",
        ] {
            assert_eq!(share(href), None, "{href}");
        }
    }

    #[test]
    fn plus_is_a_space_and_is_re_encoded() {
        assert_eq!(
            share("https://www.facebook.com/sharer.php?u=https%3A%2F%2Fexample.com%2Fa+b%2Bc"),
            some("Facebook", "https://example.com/a%20b+c")
        );
    }

    #[test]
    fn decoded_value_is_made_a_valid_url() {
        // Raw space, control character, quote and angle brackets are encoded; a lone % too; %XX is kept.
        let href = format!(
            "https://www.facebook.com/sharer.php?u={}",
            enc("https://example.com/a b\u{1}\"<>%zz%41?x=1 2")
        );
        assert_eq!(
            share(&href),
            some("Facebook", "https://example.com/a%20b%01%22%3C%3E%25zz%41?x=1%202")
        );
        // Non-ASCII stays UTF-8; invalid UTF-8 becomes %XX.
        let href = "https://www.facebook.com/sharer.php?u=https%3A%2F%2Fexample.com%2F%E4%B8%AD%FF%C3";
        assert_eq!(share(href), some("Facebook", "https://example.com/中%FF%C3"));
        // An invisible bidi override is kept encoded.
        let href = format!(
            "https://www.facebook.com/sharer.php?u={}",
            enc("https://example.com/\u{202E}x")
        );
        assert_eq!(share(&href), some("Facebook", "https://example.com/%E2%80%AEx"));
    }

    #[test]
    fn href_with_surrounding_whitespace_and_newlines() {
        assert_eq!(
            share("  \n https://www.facebook.com/sharer.php?u=https%3A%2F%2Fexa\nmple.com%2Fa \t"),
            some("Facebook", "https://example.com/a")
        );
    }

    #[test]
    fn double_escaped_ampersands() {
        assert_eq!(
            share("https://x.com/intent/tweet?via=me&amp;amp;url=https%3A%2F%2Fexample.com%2Fa"),
            some("X", "https://example.com/a")
        );
    }

    #[test]
    fn ordinary_links_are_not_shares() {
        for href in [
            "https://example.com/share?url=https%3A%2F%2Fexample.com%2Fa",
            "/sharer/sharer.php?u=https%3A%2F%2Fexample.com",
            "#share",
            "",
            "whatsapp://call?text=https%3A%2F%2Fexample.com",
            "https://www.pinterest.com/pin/123/?url=https%3A%2F%2Fexample.com%2Fa",
        ] {
            assert_eq!(share(href), None, "{href}");
        }
    }

    // --- round trip ------------------------------------------------------------------------------------------

    #[test]
    fn round_trip_of_chosen_urls() {
        let urls = [
            "https://example.com/a%20b/c?q=x%20y&z=1#frag",
            "https://例子.example/中文/页面?q=é&r=한국어#片段",
            "http://example.com/search?q=a&b=c&d=%26%3D%23",
            "https://example.com/100%25/%E4%B8%AD?x=%2F",
            "https://user@example.com:8080/p;params?q#",
            "https://example.com/",
        ];
        for url in urls {
            for &(builder, platform) in BUILDERS {
                let href = build_share_url(builder, url);
                assert_eq!(share(&href), some(platform, url), "{builder}: {href}");
            }
        }
    }

    #[test]
    fn round_trip_of_a_url_with_raw_spaces_gives_it_encoded() {
        for &(builder, platform) in BUILDERS
            .iter()
            .filter(|(b, _)| !b.contains("text") && !b.starts_with("WhatsApp"))
        {
            if builder == "Email" {
                continue;
            }
            let href = build_share_url(builder, "https://example.com/a b?q=c d");
            assert_eq!(
                share(&href),
                some(platform, "https://example.com/a%20b?q=c%20d"),
                "{builder}"
            );
        }
    }

    /// Valid URLs made of path and query pieces with escapes (`%20`, `%25`, `%23`), `&`, `=`, and letters in
    /// several scripts; they end in a letter or digit so that text-based intents cannot mistake their end.
    fn url_strategy() -> impl Strategy<Value = String> {
        let piece = prop::sample::select(vec![
            "a",
            "Z9",
            "-",
            "_",
            "~",
            ".",
            "%20",
            "%25",
            "%23",
            "%2F",
            "中文",
            "é",
            "ü",
            "한국어",
            "日本",
            "&",
            "=",
            "+",
            "!",
            "$",
            "'",
            "(",
            ")",
            "*",
            ",",
            ";",
            ":",
            "@",
            "/",
        ]);
        let part = prop::collection::vec(piece, 0..8).prop_map(|v| v.concat());
        (
            prop::bool::ANY,
            "[a-z]{1,10}",
            part.clone(),
            prop::option::of(part.clone()),
            prop::option::of(part),
            "[a-z0-9]",
        )
            .prop_map(|(https, host, path, query, fragment, last)| {
                let mut url = format!("{}://{host}.example/{path}", if https { "https" } else { "http" });
                if let Some(q) = query {
                    url.push('?');
                    url.push_str(&q);
                }
                if let Some(f) = fragment {
                    url.push('#');
                    url.push_str(&f);
                }
                url.push_str(&last);
                url
            })
    }

    proptest! {
        #[test]
        fn round_trip_property(url in url_strategy()) {
            for &(builder, platform) in BUILDERS {
                let href = build_share_url(builder, &url);
                prop_assert_eq!(share(&href), some(platform, &url), "{}: {}", builder, href);
            }
        }

        #[test]
        fn unwrap_never_panics(href in "\\PC{0,80}") {
            let _ = unwrap_share(&href);
            let _ = unwrap_redirect(&href);
            let _ = readable(&href);
            let _ = is_allowed(&href, UrlKind::Link, true);
        }

        #[test]
        fn share_results_are_valid_urls(raw in "\\PC{0,40}") {
            let href = format!("https://www.facebook.com/sharer.php?u={}", enc(&format!("https://example.com/{raw}")));
            let got = unwrap_share(&href).map(|s| s.url);
            let url = got.unwrap_or_default();
            prop_assert!(!url.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"')), "{}", url);
            // Every % starts an escape.
            let bytes = url.as_bytes();
            for (i, _) in url.match_indices('%') {
                prop_assert!(bytes.get(i + 1..i + 3).is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)), "{}", url);
            }
        }
    }

    // --- unwrap_redirect -------------------------------------------------------------------------------------

    #[test]
    fn google_redirects() {
        let t = Some("https://example.com/a?b=1".to_owned());
        assert_eq!(
            unwrap_redirect("https://www.google.com/url?q=https%3A%2F%2Fexample.com%2Fa%3Fb%3D1&sa=D&ust=1"),
            t
        );
        assert_eq!(
            unwrap_redirect("https://www.google.com/url?sa=t&url=https%3A%2F%2Fexample.com%2Fa%3Fb%3D1"),
            t
        );
        assert_eq!(
            unwrap_redirect("https://google.co.uk/url?q=https://example.com/a%3Fb%3D1"),
            t
        );
        assert_eq!(
            unwrap_redirect("https://www.google.com.hk/url?q=https%3A%2F%2Fexample.com%2Fa%3Fb%3D1"),
            t
        );
        assert_eq!(
            unwrap_redirect("https://www.google.com/search?q=https%3A%2F%2Fexample.com"),
            None
        );
        assert_eq!(
            unwrap_redirect("https://google.evil.example/url?q=https%3A%2F%2Fexample.com"),
            None
        );
        assert_eq!(unwrap_redirect("https://www.google.com/url?q=%2Fsearch%3Fq%3Dx"), None);
    }

    #[test]
    fn facebook_exit_links() {
        let t = Some("https://example.com/a".to_owned());
        assert_eq!(
            unwrap_redirect("https://l.facebook.com/l.php?u=https%3A%2F%2Fexample.com%2Fa&h=AT0x"),
            t
        );
        assert_eq!(
            unwrap_redirect("https://lm.facebook.com/l.php?u=https%3A%2F%2Fexample.com%2Fa"),
            t
        );
        assert_eq!(
            unwrap_redirect("https://l.instagram.com/?u=https%3A%2F%2Fexample.com%2Fa&e=x"),
            t
        );
    }

    #[test]
    fn other_redirectors() {
        let t = Some("https://example.com/a".to_owned());
        assert_eq!(
            unwrap_redirect("https://out.reddit.com/t3_abc?url=https%3A%2F%2Fexample.com%2Fa&token=x"),
            t
        );
        assert_eq!(
            unwrap_redirect("https://slack-redir.net/link?url=https%3A%2F%2Fexample.com%2Fa"),
            t
        );
        assert_eq!(unwrap_redirect("https://href.li/?https://example.com/a"), t);
        assert_eq!(unwrap_redirect("https://href.li/?https%3A%2F%2Fexample.com%2Fa"), t);
        assert_eq!(
            unwrap_redirect("https://www.youtube.com/redirect?event=x&q=https%3A%2F%2Fexample.com%2Fa"),
            t
        );
        assert_eq!(
            unwrap_redirect("https://vk.com/away.php?to=https%3A%2F%2Fexample.com%2Fa"),
            t
        );
        assert_eq!(
            unwrap_redirect("https://link.zhihu.com/?target=https%3A%2F%2Fexample.com%2Fa"),
            t
        );
        assert_eq!(
            unwrap_redirect("https://weibo.cn/sinaurl?u=https%3A%2F%2Fexample.com%2Fa"),
            t
        );
        assert_eq!(
            unwrap_redirect("https://www.douban.com/link2/?url=https%3A%2F%2Fexample.com%2Fa"),
            t
        );
        assert_eq!(
            unwrap_redirect("https://go.redirectingat.com?id=1X2&xs=1&url=https%3A%2F%2Fexample.com%2Fa"),
            t
        );
        assert_eq!(
            unwrap_redirect("https://duckduckgo.com/l/?uddg=https%3A%2F%2Fexample.com%2Fa&rut=x"),
            t
        );
        assert_eq!(
            unwrap_redirect("https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fexample.com%2Fa&data=x"),
            t
        );
    }

    #[test]
    fn href_li_keeps_the_targets_own_query() {
        assert_eq!(
            unwrap_redirect("https://href.li/?https://example.com/a?b=1&c=2"),
            Some("https://example.com/a?b=1&c=2".to_owned())
        );
    }

    #[test]
    fn shorteners_and_plain_links_are_left_alone() {
        assert_eq!(unwrap_redirect("https://t.co/AbCdEf123"), None);
        assert_eq!(
            unwrap_redirect("https://example.com/url?q=https%3A%2F%2Fexample.org"),
            None
        );
        assert_eq!(
            unwrap_redirect("https://l.facebook.com/l.php?u=javascript%3Aalert(1)"),
            None
        );
        assert_eq!(unwrap_redirect("https://out.reddit.com/t3_abc"), None);
        assert_eq!(unwrap_redirect("mailto:?url=https%3A%2F%2Fexample.com"), None);
    }

    #[test]
    fn nested_redirects_are_followed() {
        let inner = format!("https://l.facebook.com/l.php?u={}", enc("https://example.com/a b"));
        let outer = format!("https://www.google.com/url?q={}", enc(&inner));
        assert_eq!(unwrap_redirect(&outer), Some("https://example.com/a%20b".to_owned()));
    }

    #[test]
    fn redirect_with_protocol_relative_href_and_amp() {
        assert_eq!(
            unwrap_redirect("//l.facebook.com/l.php?h=x&amp;u=https%3A%2F%2Fexample.com%2Fa"),
            Some("https://example.com/a".to_owned())
        );
    }

    // --- is_allowed -------------------------------------------------------------------------------------------

    #[test]
    fn ordinary_urls_are_allowed() {
        for url in [
            "https://example.com/",
            "http://example.com/a:b",
            "/relative/path",
            "relative/path:with-colon",
            "./a?b=c:d",
            "#fragment",
            "?q=javascript:alert(1)",
            "/javascript:alert(1)",
            "mailto:someone@example.com",
            "tel:+33123456789",
            "ftp://ftp.example.com/file",
            "whatsapp://send?text=hi",
            "zoommtg://example.zoom.us/join",
            "",
        ] {
            assert!(is_allowed(url, UrlKind::Link, false), "{url:?}");
            assert!(is_allowed(url, UrlKind::Image, false), "{url:?}");
        }
    }

    #[test]
    fn script_schemes_and_tricks_are_denied() {
        for url in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "  javascript:alert(1)",
            "\u{1}\u{2}javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "java\r\nscript:alert(1)",
            "\u{0}javascript:alert(1)",
            "java\u{0}script:alert(1)",
            "\u{A0}javascript:alert(1)",
            "java\u{200B}script:alert(1)",
            "\u{FEFF}javascript:alert(1)",
            "javascript\t:alert(1)",
            "&#106;avascript:alert(1)",
            "&#x6A;avascript:alert(1)",
            "&#106avascript:alert(1)",
            "&#0000000000106;avascript:alert(1)",
            "javascript&colon;alert(1)",
            "java&Tab;script:alert(1)",
            "vbscript:msgbox(1)",
            "VBScript:msgbox(1)",
            "livescript:x",
            "data:text/html,<script>alert(1)</script>",
            "data:text/html;base64,PHNjcmlwdD4=",
            " DATA:text/html,x",
            "file:///etc/passwd",
            "FILE://server/share",
            "mhtml:file://c:/x.mht!x.htm",
            "view-source:https://example.com",
        ] {
            assert!(!is_allowed(url, UrlKind::Link, true), "link {url:?}");
            assert!(!is_allowed(url, UrlKind::Image, true), "image {url:?}");
        }
    }

    #[test]
    fn data_images_only_when_allowed_and_never_svg() {
        let png = "data:image/png;base64,iVBORw0KGgo=";
        assert!(is_allowed(png, UrlKind::Image, true));
        assert!(is_allowed("DATA:Image/JPEG;base64,/9j/", UrlKind::Image, true));
        assert!(is_allowed("data:image/webp,xyz", UrlKind::Image, true));
        assert!(!is_allowed(png, UrlKind::Image, false));
        assert!(!is_allowed(png, UrlKind::Link, true));
        for svg in [
            "data:image/svg+xml;base64,PHN2Zz4=",
            "data:image/svg+xml,<svg onload=alert(1)>",
            "data:IMAGE/SVG+XML,x",
            "data: image/svg+xml,x",
            "data:image/svg,x",
            "data:image/,x",
            "data:image/png<svg>,x",
            "data:text/plain,x",
            "data:,x",
        ] {
            assert!(!is_allowed(svg, UrlKind::Image, true), "{svg:?}");
        }
    }

    #[test]
    fn char_ref_decoding_is_bounded_and_total() {
        assert_eq!(
            decode_char_refs("&#106;&#x61;&colon;&amp;&#;&#xZZ;&#99999999999;"),
            "ja:&amp;&#;&#xZZ;\u{FFFD}"
        );
        let long = format!("{}&#106;", "a".repeat(300));
        assert_eq!(decode_char_refs(&long), long);
    }

    // --- readable ---------------------------------------------------------------------------------------------

    #[test]
    fn readable_shows_utf8_in_paths() {
        assert_eq!(
            readable("https://www.rfi.fr/cn/%E4%B8%AD%E5%9B%BD/x"),
            "https://www.rfi.fr/cn/中国/x"
        );
        assert_eq!(
            readable("https://example.com/caf%C3%A9?q=%C3%A9t%C3%A9#%E7%AB%A0"),
            "https://example.com/café?q=été#章"
        );
        assert_eq!(readable("https://example.com/%e4%b8%ad"), "https://example.com/中");
        assert_eq!(readable("/relative/%ED%95%9C"), "/relative/한");
    }

    #[test]
    fn readable_keeps_reserved_and_ascii_escapes() {
        let kept = "https://example.com/a%2Fb%3Fc%23d%25e%20f%26g%3Dh%2Bi%41%7E%00%0A%7F";
        assert_eq!(readable(kept), kept);
        assert_eq!(
            readable("https://example.com/%E4%B8%AD%2F%E6%96%87?q=%E4%B8%AD%26"),
            "https://example.com/中%2F文?q=中%26"
        );
    }

    #[test]
    fn readable_keeps_invalid_utf8_and_lone_percents_exactly() {
        for url in [
            "https://example.com/%E4%B8",    // truncated sequence
            "https://example.com/%FF%FE",    // never valid
            "https://example.com/%C0%AF",    // overlong slash
            "https://example.com/%ED%A0%80", // surrogate
            "https://example.com/%E4%B8%2F", // broken by an ASCII escape
            "https://example.com/100%",      // lone percent
            "https://example.com/%zz%4",     // not escapes
        ] {
            assert_eq!(readable(url), url);
        }
        assert_eq!(
            readable("https://example.com/%FF%E4%B8%AD%E4"),
            "https://example.com/%FF中%E4"
        );
    }

    #[test]
    fn readable_keeps_invisible_and_misleading_characters_encoded() {
        for url in [
            "https://example.com/a%E2%80%AEb", // right-to-left override
            "https://example.com/a%E3%80%80b", // ideographic space
            "https://example.com/a%C2%A0b",    // no-break space
            "https://example.com/a%E2%80%8Bb", // zero-width space
            "https://example.com/a%C2%85b",    // C1 next line
            "https://example.com/a%EF%BB%BFb", // BOM
            "https://example.com/a%EF%BF%BDb", // replacement character
        ] {
            assert_eq!(readable(url), url);
        }
    }

    #[test]
    fn readable_leaves_the_authority_alone() {
        assert_eq!(
            readable("https://us%C3%A9r@example.com/%C3%A9"),
            "https://us%C3%A9r@example.com/é"
        );
        assert_eq!(readable("//example.com/%C3%A9"), "//example.com/é");
        assert_eq!(readable("https://example.com"), "https://example.com");
    }

    #[test]
    fn readable_keeps_the_resource_the_same() {
        // Re-encoding the shown characters as UTF-8 gives back the original URL.
        const SET: &AsciiSet = &percent_encoding::CONTROLS.add(b' ');
        for url in [
            "https://www.rfi.fr/cn/%E4%B8%AD%E5%9B%BD/20231014-%E6%99%AE%E4%BA%AC",
            "https://example.com/%C3%A9%2F%E2%80%AE?q=%E4%B8%AD%26x#%E7%AB%A0",
        ] {
            let shown = readable(url);
            let mut again = String::new();
            for c in shown.chars() {
                if c.is_ascii() {
                    again.push(c);
                } else {
                    again.push_str(&utf8_percent_encode(c.encode_utf8(&mut [0; 4]), SET).to_string());
                }
            }
            assert_eq!(again, url);
        }
    }
}
