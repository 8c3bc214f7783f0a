//! Document metadata for YAML front matter: what pages and archive headers state about themselves (title,
//! source URL, publication date, author, description), normalised dates, and YAML that is valid for any value.

use pulldown_cmark::{CowStr, Event, MetadataBlockKind, Tag, TagEnd};

use crate::dom::{Kind, Node};
use crate::rules;

/// What a document states about itself. Each field keeps the first value found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Metadata {
    pub title: Option<String>,
    /// `og:title`, used when there is no `<title>`.
    pub alt_title: Option<String>,
    pub source: Option<String>,
    /// `og:url`, used when there is no canonical link.
    pub alt_source: Option<String>,
    pub date: Option<String>,
    pub author: Option<String>,
    pub description: Option<String>,
}

fn set(field: &mut Option<String>, value: &str) {
    let value = rules::collapse(value).trim_matches(' ').to_string();
    if field.is_none() && !value.is_empty() {
        *field = Some(value);
    }
}

impl Metadata {
    /// Records what one element states (`title`, `meta`, `link rel=canonical`, `time datetime`); other nodes
    /// are ignored. Does not look at children except for `title`'s text.
    pub(crate) fn observe(&mut self, node: &Node) {
        match node.tag() {
            "title" => set(&mut self.title, &rules::subtree_text(node, " ")),
            "time" if self.date.is_none() => {
                self.date = node.attr("datetime").and_then(|d| normalize_date(&d));
            }
            "link" => {
                let rel = node.attr("rel").unwrap_or_default().to_ascii_lowercase();
                if rel.split_ascii_whitespace().any(|r| r == "canonical") {
                    set(&mut self.source, &node.attr("href").unwrap_or_default());
                }
            }
            "meta" => self.observe_meta(node),
            _ => {}
        }
    }

    fn observe_meta(&mut self, node: &Node) {
        let key = node
            .attr("property")
            .or_else(|| node.attr("name"))
            .or_else(|| node.attr("itemprop"))
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let Some(content) = node.attr("content") else { return };
        match key.as_str() {
            "description" | "og:description" => set(&mut self.description, &content),
            "og:title" | "twitter:title" => set(&mut self.alt_title, &content),
            "og:url" => set(&mut self.alt_source, &content),
            // `article:author` is often a profile URL, which is not a name.
            "author" | "article:author" | "byl" | "dc.creator" if !content.trim_start().starts_with("http") => {
                set(
                    &mut self.author,
                    content.trim_start_matches("By ").trim_start_matches("by "),
                );
            }
            "article:published_time" | "datepublished" | "date" | "pubdate" | "dc.date" | "publish-date"
                if self.date.is_none() =>
            {
                self.date = normalize_date(&content);
            }
            _ => {}
        }
    }

    /// Observes every element of a subtree (iteratively).
    pub(crate) fn scan(&mut self, root: &Node) {
        let mut stack = vec![root.clone()];
        while let Some(n) = stack.pop() {
            if n.kind() == Kind::Element {
                self.observe(&n);
                if matches!(n.tag(), "script" | "style" | "template" | "svg") {
                    continue;
                }
            }
            let mut kids = n.children();
            kids.reverse();
            stack.extend(kids);
        }
    }

    /// Fills the fields that are still empty from `other`.
    pub(crate) fn fill_from(&mut self, other: &Metadata) {
        for (mine, theirs) in [
            (&mut self.title, &other.title),
            (&mut self.alt_title, &other.alt_title),
            (&mut self.source, &other.source),
            (&mut self.alt_source, &other.alt_source),
            (&mut self.date, &other.date),
            (&mut self.author, &other.author),
            (&mut self.description, &other.description),
        ] {
            if mine.is_none() {
                mine.clone_from(theirs);
            }
        }
    }

    /// The YAML text (without the `---` fences), empty when nothing is known. Strings are double-quoted YAML
    /// scalars, so any title is valid; the date is an unquoted YAML timestamp.
    pub(crate) fn yaml(&self) -> String {
        let mut out = String::new();
        let title = self.title.as_ref().or(self.alt_title.as_ref());
        let source = self.source.as_ref().or(self.alt_source.as_ref());
        for (key, value) in [("title", title), ("source", source)] {
            if let Some(v) = value {
                out.push_str(&format!("{key}: {}\n", yaml_quote(v)));
            }
        }
        if let Some(date) = &self.date {
            out.push_str(&format!("date: {date}\n"));
        }
        for (key, value) in [("author", &self.author), ("description", &self.description)] {
            if let Some(v) = value {
                out.push_str(&format!("{key}: {}\n", yaml_quote(v)));
            }
        }
        out
    }

    /// Front matter events (a YAML metadata block), or none when nothing is known.
    pub(crate) fn events(&self) -> Vec<Event<'static>> {
        let yaml = self.yaml();
        if yaml.is_empty() {
            return Vec::new();
        }
        vec![
            Event::Start(Tag::MetadataBlock(MetadataBlockKind::YamlStyle)),
            Event::Text(CowStr::from(yaml)),
            Event::End(TagEnd::MetadataBlock(MetadataBlockKind::YamlStyle)),
        ]
    }
}

/// A YAML 1.2 double-quoted scalar (YAML spec §7.3.1): `\` and `"` escaped, C0/C1 controls, DEL, the YAML line
/// breaks U+2028/U+2029 and the BOM written as escapes, so the value stays on one line and reads back exactly.
///
/// `<`, `>`, `[`, `]` and `&` are written as `\u` escapes too, so that front matter read as Markdown (by a
/// renderer that does not know front matter, it is a thematic break and a setext heading) is only text: no raw
/// HTML, autolink, link, wikilink or character reference can start in it. YAML reads the value back unchanged.
pub(crate) fn yaml_quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}' | '<' | '>' | '[' | ']' | '&') => {
                out.push_str(&format!("\\u{:04X}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Days since 1970-01-01 of a proleptic Gregorian date (the usual era-based computation).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01: (year, month, day).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// RFC 3339 in UTC for seconds since the Unix epoch; `None` outside years 0–9999.
fn format_utc(seconds: i64) -> Option<String> {
    let (days, secs) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    if !(0..=9999).contains(&y) {
        return None;
    }
    Some(format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    ))
}

/// RFC 3339 UTC (`2023-10-14T08:45:01Z`) for milliseconds since the Unix epoch (sub-second part dropped).
///
/// Example: `date_from_epoch_ms(1697273101000)` gives `Some("2023-10-14T08:45:01Z")`.
pub(crate) fn date_from_epoch_ms(ms: i64) -> Option<String> {
    format_utc(ms.div_euclid(1000))
}

fn digits(s: &str, n: usize) -> Option<(i64, &str)> {
    let head = s.get(..n)?;
    if !head.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((head.parse().ok()?, &s[n..]))
}

/// Normalises a machine-readable date (`<time datetime>`, `article:published_time`): `YYYY-MM-DD` stays a date;
/// a date and time with a zone (`Z`, `±HH:MM`, `±HHMM`, `±HH`) becomes RFC 3339 in UTC (fraction dropped); a
/// date and time without a zone is written `YYYY-MM-DDTHH:MM:SS` (a local time, as given). `None` when it is
/// not such a date.
///
/// Example: `normalize_date("2023-10-14T10:45:01.5+02:00")` gives `Some("2023-10-14T08:45:01Z")`.
pub(crate) fn normalize_date(s: &str) -> Option<String> {
    let s = s.trim();
    let (year, rest) = digits(s, 4)?;
    let (month, rest) = digits(rest.strip_prefix('-')?, 2)?;
    let (day, rest) = digits(rest.strip_prefix('-')?, 2)?;
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => return None,
    };
    if !(1..=days_in_month).contains(&day) {
        return None;
    }
    if rest.is_empty() {
        return Some(format!("{year:04}-{month:02}-{day:02}"));
    }
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    let (hour, rest) = digits(rest, 2)?;
    let (minute, mut rest) = digits(rest.strip_prefix(':')?, 2)?;
    let mut second = 0;
    if let Some(r) = rest.strip_prefix(':') {
        (second, rest) = digits(r, 2)?;
        if let Some(frac) = rest.strip_prefix('.') {
            rest = frac.trim_start_matches(|c: char| c.is_ascii_digit());
        }
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let offset_minutes = match rest {
        "" => {
            return Some(format!(
                "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}"
            ));
        }
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first() {
                Some(b'+') => 1,
                Some(b'-') => -1,
                _ => return None,
            };
            let zone = &rest[1..];
            let (h, zone) = digits(zone, 2)?;
            let (m, zone) = match zone {
                "" => (0, ""),
                z => digits(z.strip_prefix(':').unwrap_or(z), 2)?,
            };
            if !zone.is_empty() || h > 23 || m > 59 {
                return None;
            }
            sign * (h * 60 + m)
        }
    };
    let local = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second.min(59);
    format_utc(local - offset_minutes * 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_milliseconds_become_utc() {
        assert_eq!(date_from_epoch_ms(0).as_deref(), Some("1970-01-01T00:00:00Z"));
        assert_eq!(
            date_from_epoch_ms(1_697_273_101_000).as_deref(),
            Some("2023-10-14T08:45:01Z")
        );
        assert_eq!(
            date_from_epoch_ms(951_782_400_000).as_deref(),
            Some("2000-02-29T00:00:00Z")
        );
        assert_eq!(date_from_epoch_ms(-1000).as_deref(), Some("1969-12-31T23:59:59Z"));
        assert_eq!(date_from_epoch_ms(i64::MAX), None);
    }

    #[test]
    fn civil_round_trip() {
        for days in (-800_000..800_000).step_by(997) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn dates_normalise_to_utc() {
        let cases = [
            ("2023-10-14T10:45:01+02:00", Some("2023-10-14T08:45:01Z")),
            ("2023-10-14T10:45:01.123+0200", Some("2023-10-14T08:45:01Z")),
            ("2023-10-14 01:00Z", Some("2023-10-14T01:00:00Z")),
            ("2023-01-01T01:00:00+05", Some("2022-12-31T20:00:00Z")),
            ("2023-12-31T23:30:00-01:00", Some("2024-01-01T00:30:00Z")),
            ("2023-10-14T10:45:01", Some("2023-10-14T10:45:01")),
            ("2023-10-14", Some("2023-10-14")),
            (" 2024-02-29 ", Some("2024-02-29")),
            ("2023-02-29", None),
            ("2023-13-01", None),
            ("2023-10-14T25:00Z", None),
            ("2023-10-14T10:00+2", None),
            ("yesterday", None),
            ("14/10/2023", None),
        ];
        for (input, want) in cases {
            assert_eq!(normalize_date(input).as_deref(), want, "{input:?}");
        }
    }

    #[test]
    fn yaml_quoting_escapes_what_yaml_would_misread() {
        assert_eq!(yaml_quote("plain"), "\"plain\"");
        assert_eq!(yaml_quote("a \"b\" \\ c"), r#""a \"b\" \\ c""#);
        assert_eq!(yaml_quote("x: #y\nz"), r#""x: #y\nz""#);
        assert_eq!(yaml_quote("\u{0}\u{7F}\u{85}\u{2028}"), r#""\u0000\u007F\u0085\u2028""#);
        // Read as Markdown, front matter holds no markup.
        assert_eq!(
            yaml_quote("<img src=x onerror=alert(1)> [x](javascript:y) &lt;"),
            r#""\u003Cimg src=x onerror=alert(1)\u003E \u005Bx\u005D(javascript:y) \u0026lt;""#
        );
    }
}
