//! What the board reads: a page of tweets of one prediction, newest first, and ON/OFF
//! counts per hour. The read itself is the [`BoardQuery`](crate::ports::BoardQuery) port;
//! the DynamoDB adapter is `tweetboard_aws::board::BoardReader`.

use chrono::{DateTime, Duration, Timelike, Utc};

use crate::classification::Prediction;
use crate::error::ServiceError;

pub mod cursor;
pub mod query;

/// A tweet as the board shows it; field names are the table's attribute names. Empty
/// strings stand for the optional attributes an item leaves out (name, screen name,
/// image).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BoardTweet {
    pub tweet_id: String,
    pub text: String,
    pub name: String,
    pub screen_name: String,
    pub image_url: String,
    pub prediction: String,
    pub probability: f64,
    pub created_at: String,
    pub followers: u64,
    pub retweets: u64,
    pub favourites: u64,
    pub model_id: String,
    /// For a retweet, the account that retweeted it (`text`, `name`, `screen_name` and
    /// `image_url` are then the retweeted tweet's and its author's); `null` otherwise.
    pub retweeted_by: Option<RetweetedBy>,
    /// `text` cut into plain text and links (URLs, hashtags, mentions), for the script to
    /// build nodes from; see [`segments`].
    pub segments: Vec<Segment>,
    /// What the avatar shows when the image is absent or fails to load.
    pub initials: String,
}

/// The account that retweeted a tweet.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RetweetedBy {
    pub name: String,
    pub screen_name: String,
}

/// A piece of a tweet's shown text: plain text, or a link with the text it shows.
/// `href` is always an http(s) URL.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Segment {
    Text { text: String },
    Link { text: String, href: String },
}

/// Whether `url` is an http(s) URL (what a link may point at; never `javascript:`).
pub fn is_http_url(url: &str) -> bool {
    let b = url.as_bytes();
    let scheme = (b.len() > 7 && b[..7].eq_ignore_ascii_case(b"http://"))
        || (b.len() > 8 && b[..8].eq_ignore_ascii_case(b"https://"));
    scheme && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Percent-encodes everything but ASCII letters, digits and `_` (a hashtag in a path).
fn encode_path(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Cuts shown text into plain text and links, the way a tweet board shows them:
/// `http(s)://` URLs (trailing punctuation left out; a `t.co` URL listed in `urls`
/// links to, and shows, its expanded URL when that is http(s)), `#hashtags` and
/// `@mentions` (at most 15 letters, digits or `_`) linking to X. Plain strings only:
/// whoever shows them escapes them for their context.
pub fn segments(text: &str, urls: &[(String, String)]) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut plain = String::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    let push_link = |out: &mut Vec<Segment>, plain: &mut String, text: String, href: String| {
        if !plain.is_empty() {
            out.push(Segment::Text {
                text: std::mem::take(plain),
            });
        }
        out.push(Segment::Link { text, href });
    };
    while i < chars.len() {
        let (at, c) = chars[i];
        let after_boundary = i == 0 || !is_word(chars[i - 1].1);
        let rest = &text[at..];
        let b = rest.as_bytes();
        let starts_url = (b.len() >= 7 && b[..7].eq_ignore_ascii_case(b"http://"))
            || (b.len() >= 8 && b[..8].eq_ignore_ascii_case(b"https://"));
        if after_boundary && starts_url {
            let mut end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            while end > 0 && rest[..end].ends_with(['.', ',', ';', ':', '!', '?', ')', '"', '\'', '”', '’'])
            {
                end -= rest[..end].chars().next_back().map_or(1, char::len_utf8);
            }
            let url = &rest[..end];
            if url.len() > 8 {
                let (shown, href) = match urls.iter().find(|(u, _)| u == url) {
                    Some((_, expanded)) if is_http_url(expanded) => (expanded.clone(), expanded.clone()),
                    _ => (url.to_owned(), url.to_owned()),
                };
                push_link(&mut out, &mut plain, shown, href);
                let stop = at + end;
                while i < chars.len() && chars[i].0 < stop {
                    i += 1;
                }
                continue;
            }
        }
        if after_boundary && (c == '#' || c == '@') {
            let word: String = chars[i + 1..]
                .iter()
                .map(|&(_, c)| c)
                .take_while(|&c| is_word(c))
                .collect();
            let fits = match c {
                '@' => {
                    (1..=15).contains(&word.len())
                        && word.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                }
                _ => !word.is_empty() && !word.chars().all(|c| c.is_ascii_digit()),
            };
            if fits {
                let href = match c {
                    '@' => format!("https://x.com/{word}"),
                    _ => format!("https://x.com/hashtag/{}", encode_path(&word)),
                };
                let n = word.chars().count();
                push_link(&mut out, &mut plain, format!("{c}{word}"), href);
                i += 1 + n;
                continue;
            }
        }
        plain.push(c);
        i += 1;
    }
    if !plain.is_empty() {
        out.push(Segment::Text { text: plain });
    }
    out
}

/// Up to two letters for an avatar: the first letters of the name's first two words, or
/// the handle's first; letters and digits only, so no control or bidi character gets in.
pub fn initials(name: &str, screen_name: &str) -> String {
    let from_name: String = name
        .split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
        .take(2)
        .flat_map(char::to_uppercase)
        .collect();
    if !from_name.is_empty() {
        return from_name;
    }
    screen_name
        .chars()
        .find(|c| c.is_alphanumeric())
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_else(|| "?".to_owned())
}

/// One page and where the next one starts: an opaque cursor the client sends back.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Page {
    pub items: Vec<BoardTweet>,
    pub next: Option<String>,
}

/// One bar pair of the chart.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StatsBucket {
    /// Start of the hour, RFC 3339.
    pub start: String,
    pub on: u64,
    pub off: u64,
}

/// The most characters of a tweet's text the board shows (a long post has up to 25,000;
/// the table keeps the text whole). A producer can store items of 400 KB: twenty of
/// them, escaped for HTML, would push one page past Lambda's 6 MB response limit.
pub const MAX_SHOWN_TEXT_CHARS: usize = 4_000;

/// `text` as the board shows it: Twitter's own HTML escaping undone (see
/// [`unescape_twitter`]), then at most [`MAX_SHOWN_TEXT_CHARS`] characters, with an
/// ellipsis when cut. Whatever shows it escapes it for its own context again.
pub fn shown_text(text: String) -> String {
    let mut text = unescape_twitter(&text);
    if let Some((end, _)) = text.char_indices().nth(MAX_SHOWN_TEXT_CHARS) {
        text.truncate(end);
        text.push('…');
    }
    text
}

/// Twitter's APIs (v1.1 and v2) return tweet text with `&`, `<` and `>` escaped as
/// `&amp;`, `&lt;` and `&gt;`, and nothing else escaped. Those three are decoded, once
/// (so `&amp;lt;`, a typed `&lt;`, becomes `&lt;`); the table keeps the text verbatim.
pub fn unescape_twitter(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let (decoded, len) = if rest.starts_with("&amp;") {
            ('&', 5)
        } else if rest.starts_with("&lt;") {
            ('<', 4)
        } else if rest.starts_with("&gt;") {
            ('>', 4)
        } else {
            ('&', 1)
        };
        out.push(decoded);
        rest = &rest[len..];
    }
    out.push_str(rest);
    out
}

/// ON/OFF counts per hour being gathered: `hours` buckets ending with the hour `now` is
/// in. Readers add each tweet's `created_at`; the ones outside the buckets are not
/// counted.
#[derive(Debug, Clone)]
pub struct HourlyCounts {
    start: DateTime<Utc>,
    buckets: Vec<StatsBucket>,
}

impl HourlyCounts {
    pub fn new(hours: u32, now: DateTime<Utc>) -> Self {
        let end = now
            .with_minute(0)
            .and_then(|t| t.with_second(0))
            .and_then(|t| t.with_nanosecond(0))
            .unwrap_or(now);
        let start = end - Duration::hours(i64::from(hours) - 1);
        let buckets = (0..hours)
            .map(|h| StatsBucket {
                start: (start + Duration::hours(i64::from(h)))
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                on: 0,
                off: 0,
            })
            .collect();
        Self { start, buckets }
    }

    /// The start of the first bucket.
    pub fn start(&self) -> DateTime<Utc> {
        self.start
    }

    /// Counts a tweet created at `created_at` (RFC 3339); a time that does not parse or
    /// falls outside the buckets is not counted.
    pub fn add(&mut self, prediction: Prediction, created_at: &str) {
        let Ok(t) = DateTime::parse_from_rfc3339(created_at) else {
            return;
        };
        // Before the first bucket is outside, not in it: `num_hours` truncates towards zero.
        let since_start = t.with_timezone(&Utc) - self.start;
        if since_start < Duration::zero() {
            return;
        }
        let hour = since_start.num_hours();
        if let Some(b) = usize::try_from(hour).ok().and_then(|h| self.buckets.get_mut(h)) {
            match prediction {
                Prediction::On => b.on += 1,
                Prediction::Off => b.off += 1,
            }
        }
    }

    /// Adds an hour's counts as the counts table keeps them, keyed `2026-11-26T10`; an
    /// hour that does not parse or is outside the buckets is not counted.
    pub fn add_hour(&mut self, hour: &str, on: u64, off: u64) {
        let Ok(t) = DateTime::parse_from_rfc3339(&format!("{hour}:00:00Z")) else {
            return;
        };
        let since_start = t.with_timezone(&Utc) - self.start;
        if since_start < Duration::zero() {
            return;
        }
        if let Some(b) = usize::try_from(since_start.num_hours())
            .ok()
            .and_then(|h| self.buckets.get_mut(h))
        {
            b.on += on;
            b.off += off;
        }
    }

    pub fn into_buckets(self) -> Vec<StatsBucket> {
        self.buckets
    }
}

/// Why a cursor was refused: the caller gets a 400.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CursorError {
    #[error(
        "the cursor is not one this board issued (or the board restarted since); start from the first page"
    )]
    Malformed,
    #[error("the cursor belongs to prediction {0}, not to this query")]
    OtherPrediction(String),
    #[error("the cursor's key is not a key of the board index")]
    NotAKey,
}

/// Why a page could not be read: the client's cursor (400) or the store (503).
#[derive(Debug, thiserror::Error)]
pub enum BoardError {
    #[error(transparent)]
    Cursor(#[from] CursorError),
    #[error(transparent)]
    Store(#[from] ServiceError),
}

#[cfg(test)]
mod tests;
