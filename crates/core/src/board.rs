//! What the board reads: a page of tweets of one prediction, newest first, and ON/OFF
//! counts per hour. The read itself is the [`BoardQuery`](crate::ports::BoardQuery) port;
//! the DynamoDB adapter is `tweetboard_aws::board::BoardReader`.

use chrono::{DateTime, Duration, Timelike, Utc};

use crate::classification::Prediction;
use crate::error::ServiceError;

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
mod tests {
    use super::*;

    #[test]
    fn twitters_three_entities_are_decoded_once_and_nothing_else() {
        assert_eq!(unescape_twitter("AT&amp;T &lt;3 &gt;_&lt;"), "AT&T <3 >_<");
        assert_eq!(unescape_twitter("&amp;lt;script&amp;gt;"), "&lt;script&gt;");
        assert_eq!(
            unescape_twitter("&quot; &#39; &nbsp; & &am"),
            "&quot; &#39; &nbsp; & &am"
        );
        assert_eq!(unescape_twitter("no entities, é 🚀"), "no entities, é 🚀");
        assert_eq!(unescape_twitter("&amp;"), "&");
    }

    #[test]
    fn long_text_is_shown_cut_with_an_ellipsis() {
        assert_eq!(shown_text("short".into()), "short");
        let long = "é".repeat(MAX_SHOWN_TEXT_CHARS + 10);
        let shown = shown_text(long);
        assert_eq!(shown.chars().count(), MAX_SHOWN_TEXT_CHARS + 1);
        assert!(shown.ends_with('…'));
        assert_eq!(
            shown_text("x".repeat(MAX_SHOWN_TEXT_CHARS)).len(),
            MAX_SHOWN_TEXT_CHARS
        );
    }

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn counts_fall_in_the_hour_they_were_created_in_up_to_the_hour_of_now() {
        // GIVEN three hours of buckets ending in the current hour
        let mut counts = HourlyCounts::new(3, at("2026-11-26T10:42:00Z"));

        // WHEN tweets of each hour, of before, and an unreadable time are added
        counts.add(Prediction::On, "2026-11-26T08:00:00Z");
        counts.add(Prediction::Off, "2026-11-26T09:59:59.999Z");
        counts.add(Prediction::On, "2026-11-26T10:41:00+00:00");
        counts.add(Prediction::On, "2026-11-26T11:30:00+01:00");
        counts.add(Prediction::On, "2026-11-26T07:59:59Z");
        counts.add(Prediction::On, "yesterday");

        // THEN each is in its hour, and only those in the window count
        let b = counts.into_buckets();
        let starts: Vec<&str> = b.iter().map(|b| b.start.as_str()).collect();
        assert_eq!(
            starts,
            [
                "2026-11-26T08:00:00Z",
                "2026-11-26T09:00:00Z",
                "2026-11-26T10:00:00Z"
            ]
        );
        let pairs: Vec<(u64, u64)> = b.iter().map(|b| (b.on, b.off)).collect();
        assert_eq!(pairs, [(1, 0), (0, 1), (2, 0)]);
    }

    #[test]
    fn stored_hour_counts_fall_in_their_bucket_and_outside_ones_are_left_out() {
        let mut counts = HourlyCounts::new(3, at("2026-11-26T10:42:00Z"));

        counts.add_hour("2026-11-26T08", 2, 1);
        counts.add_hour("2026-11-26T10", 5, 0);
        counts.add_hour("2026-11-26T07", 9, 9);
        counts.add_hour("2026-11-26T11", 9, 9);
        counts.add_hour("garbage", 9, 9);

        let pairs: Vec<(u64, u64)> = counts.into_buckets().iter().map(|b| (b.on, b.off)).collect();
        assert_eq!(pairs, [(2, 1), (0, 0), (5, 0)]);
    }
}
