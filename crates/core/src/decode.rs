//! Kinesis record bytes → [`Tweet`].
//!
//! Accepts the two shapes producers send:
//! - Twitter API v1.1 (what the original tweet board stored): `id_str`, `text` /
//!   `full_text` / `extended_tweet.full_text`, `user{...}`, `retweet_count`, ...
//! - API v2: a single-tweet envelope `{"data": {...}, "includes": {"users": [...]}}`, or
//!   a bare v2 tweet object (then the account fields are unknown and left empty).
//!
//! Every failure is a [`DecodeError`], which the batch treats as permanent.
//!
//! Over 450 lines because of its hand-written visitors (one envelope level, bounded
//! `includes.users`, ids that never pass through a float) and its time reader and
//! writer (the v1.1 spelling and the stored form without chrono's interpreters); its
//! unit tests are in `decode/tests.rs`, the fast path in `decode/fast.rs`.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::error::DecodeError;
use crate::tweet::{Retweeted, Tweet, TweetId, MAX_URLS};

pub(crate) mod fast;

/// The fields of a tweet object, v1.1 or v2. `D` is what a `data` field holds: at the
/// top level a v2 envelope's tweet ([`V2Data`]); inside that tweet it is skipped
/// ([`IgnoredAny`]). So the envelope is read exactly one level deep, and nothing is
/// buffered: a record of 127 nested `{"data": ...}` costs what its bytes cost.
#[derive(Deserialize)]
struct RawTweet<D> {
    id_str: Option<String>,
    /// v1.1 gives a number (exact in `serde_json` up to `u64::MAX`), v2 a string.
    id: Option<IdField>,
    text: Option<String>,
    full_text: Option<String>,
    extended_tweet: Option<ExtendedTweet>,
    user: Option<UserV1>,
    retweet_count: Option<u64>,
    favorite_count: Option<u64>,
    source: Option<String>,
    created_at: Option<String>,
    entities: Option<Entities>,
    /// v1.1 retweets: the retweeted tweet, read one level deep (its own
    /// `retweeted_status`, if any, is skipped).
    retweeted_status: Option<RetweetedStatus>,
    // v2 only
    data: Option<D>,
    includes: Option<Includes>,
    author_id: Option<String>,
    public_metrics: Option<TweetMetrics>,
}

/// A v2 envelope's `data`: one tweet (decoded without its own `data`), a search
/// response's array (only counted), or something else.
enum V2Data {
    One(Box<RawTweet<IgnoredAny>>),
    Many(usize),
    Other(&'static str),
}

impl<'de> Deserialize<'de> for V2Data {
    fn deserialize<De: Deserializer<'de>>(deserializer: De) -> Result<Self, De::Error> {
        struct DataVisitor;
        impl<'de> Visitor<'de> for DataVisitor {
            type Value = V2Data;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a v2 tweet object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V2Data, A::Error> {
                RawTweet::deserialize(MapAccessDeserializer::new(map)).map(|t| V2Data::One(Box::new(t)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<V2Data, A::Error> {
                let mut n = 0;
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    n += 1;
                }
                Ok(V2Data::Many(n))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<V2Data, E> {
                Ok(V2Data::Other("a boolean"))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<V2Data, E> {
                Ok(V2Data::Other("a number"))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<V2Data, E> {
                Ok(V2Data::Other("a number"))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<V2Data, E> {
                Ok(V2Data::Other("a number"))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<V2Data, E> {
                Ok(V2Data::Other("a string"))
            }
        }
        deserializer.deserialize_any(DataVisitor)
    }
}

/// A tweet's `id` as given: text (v2), an exact integer (v1.1), or something that can
/// never be an id (said without copying it).
enum IdField {
    Text(String),
    Number(u64),
    Invalid(String),
}

impl<'de> Deserialize<'de> for IdField {
    fn deserialize<De: Deserializer<'de>>(deserializer: De) -> Result<Self, De::Error> {
        struct IdVisitor;
        impl<'de> Visitor<'de> for IdVisitor {
            type Value = IdField;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a tweet id")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<IdField, E> {
                Ok(IdField::Text(v.to_owned()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<IdField, E> {
                Ok(IdField::Number(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<IdField, E> {
                Ok(IdField::Invalid(format!("{v} is not a positive id")))
            }
            // `serde_json` gives a float for a fraction, an exponent, or an integer
            // above `u64::MAX`: an id that went through a float may already be rounded,
            // so it is refused rather than trusted.
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<IdField, E> {
                Ok(IdField::Invalid(format!("{v} is not an exact integer id")))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<IdField, E> {
                Ok(IdField::Invalid(format!("id is {v}")))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<IdField, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(IdField::Invalid("id is an object".into()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<IdField, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(IdField::Invalid("id is an array".into()))
            }
        }
        deserializer.deserialize_any(IdVisitor)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ExtendedTweet {
    full_text: Option<String>,
    entities: Option<Entities>,
}

/// A retweet's `retweeted_status`: only what the board shows of it.
#[derive(Deserialize, Default)]
#[serde(default)]
struct RetweetedStatus {
    text: Option<String>,
    full_text: Option<String>,
    extended_tweet: Option<ExtendedTweet>,
    user: Option<UserV1>,
    entities: Option<Entities>,
}

/// `entities` (v1.1 and v2 alike): only the links.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Entities {
    urls: Vec<UrlEntity>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct UrlEntity {
    url: Option<String>,
    expanded_url: Option<String>,
}

/// The `(t.co URL, expanded URL)` pairs of some entities, at most [`MAX_URLS`] in all,
/// each URL once (its first pair), in order. Takes the entities, so the kept strings
/// move rather than being copied (issue 12). The first entities' pairs are collected
/// in their own vector's allocation (a `UrlEntity` and a pair have the same size, and
/// std collects a vector's `into_iter` in place), where a second vector was allocated
/// for them (issue 12, twelfth round).
fn url_pairs(entities: impl IntoIterator<Item = Entities>) -> Vec<(String, String)> {
    /// A pair that links something: an empty URL cannot be a key of the stored map
    /// (DynamoDB refuses empty attribute names), and links nothing.
    fn linked(u: UrlEntity) -> Option<(String, String)> {
        match (u.url, u.expanded_url) {
            (Some(url), Some(expanded)) if !url.is_empty() => Some((url, expanded)),
            _ => None,
        }
    }
    let mut entities = entities.into_iter();
    let Some(first) = entities.next() else {
        return Vec::new();
    };
    let mut out: Vec<(String, String)> = first.urls.into_iter().filter_map(linked).collect();
    // Each URL's first pair, in order, up to `MAX_URLS` of them: the pairs a push of
    // each new URL while fewer than `MAX_URLS` are kept would keep. The walk stops there,
    // so each pair is compared with at most `MAX_URLS` kept ones: a hostile record's
    // 30,000 distinct URLs took 700 ms compared with all the kept ones (the attacker's
    // review of the twelfth round).
    let mut kept = 0;
    for k in 0..out.len() {
        if kept == MAX_URLS {
            break;
        }
        if !out[..kept].iter().any(|(seen, _)| *seen == out[k].0) {
            out.swap(kept, k);
            kept += 1;
        }
    }
    out.truncate(kept);
    // The list is the entities' own allocation, as long as the record made it: a tweet
    // keeps its pairs while it is classified and written, so a long list's room would be
    // held with it (25 MB for a 1 MiB record of empty entities, the same review).
    if out.capacity() > 4 * MAX_URLS {
        out.shrink_to_fit();
    }
    for e in entities {
        for (url, expanded) in e.urls.into_iter().filter_map(linked) {
            if out.len() < MAX_URLS && !out.iter().any(|(seen, _)| *seen == url) {
                if out.capacity() == 0 {
                    // The four places the first push would make, without its
                    // growth path (issue 12, eleventh round).
                    out = Vec::with_capacity(4);
                }
                out.push((url, expanded));
            }
        }
    }
    out
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct UserV1 {
    name: Option<String>,
    screen_name: Option<String>,
    followers_count: Option<u64>,
    friends_count: Option<u64>,
    listed_count: Option<u64>,
    statuses_count: Option<u64>,
    profile_image_url_https: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Includes {
    users: IncludedUsers,
}

/// The first [`MAX_INCLUDED_USERS`] of an envelope's `includes.users`; the rest are
/// skipped unread. A real envelope carries the author and the users it mentions; an
/// array of a million `{}` would otherwise cost 180 bytes of memory per 3 of input.
#[derive(Default)]
struct IncludedUsers(Vec<UserV2>);

/// More users than a tweet can mention (the API allows 50 mentions a tweet).
const MAX_INCLUDED_USERS: usize = 100;

impl<'de> Deserialize<'de> for IncludedUsers {
    fn deserialize<De: Deserializer<'de>>(deserializer: De) -> Result<Self, De::Error> {
        struct UsersVisitor;
        impl<'de> Visitor<'de> for UsersVisitor {
            type Value = IncludedUsers;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array of users")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<IncludedUsers, A::Error> {
                let mut users = Vec::new();
                while users.len() < MAX_INCLUDED_USERS {
                    match seq.next_element::<UserV2>()? {
                        Some(user) => users.push(user),
                        None => return Ok(IncludedUsers(users)),
                    }
                }
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(IncludedUsers(users))
            }
        }
        deserializer.deserialize_seq(UsersVisitor)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct UserV2 {
    id: Option<String>,
    name: Option<String>,
    username: Option<String>,
    profile_image_url: Option<String>,
    public_metrics: Option<UserMetrics>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct UserMetrics {
    followers_count: Option<u64>,
    following_count: Option<u64>,
    tweet_count: Option<u64>,
    listed_count: Option<u64>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TweetMetrics {
    retweet_count: Option<u64>,
    like_count: Option<u64>,
}

/// Decodes one Kinesis record's bytes into a tweet. Error messages are bounded: they
/// may quote record content, never all of it.
pub fn decode_tweet(bytes: &[u8]) -> Result<Tweet, DecodeError> {
    decode(bytes).map_err(DecodeError::bounded)
}

/// The id of the tweet in `bytes`, for a batch's first pass (grouping its copies and
/// looking the stored ones up), at a fraction of [`decode_tweet`]'s cost where a cheap
/// walk can read it (issue 12: that pass decoded every tweet in full, about 1.5 µs a
/// record, only to keep its id). The contract, checked on every input the decoders are
/// compared on (`crates/core/tests/decode_fast_path.rs`):
/// - `Err(e)` only where `decode_tweet(bytes)` is `Err(e)`;
/// - `Ok(id)` where `decode_tweet(bytes)` is a tweet with this id, or an error: a record
///   the walk could read an id from may still not decode (a known field of the wrong
///   type, text that is not UTF-8), and its decode, which comes before anything is
///   written, quarantines it with decode's own error.
pub fn decode_tweet_id(bytes: &[u8]) -> Result<TweetId, DecodeError> {
    match fast::id_read_alone(bytes).map(TweetId::parse) {
        Some(Ok(id)) => Ok(id),
        // Not read, or not an id: the decoder decides, with its own error.
        _ => decode_tweet(bytes).map(|t| t.id),
    }
}

fn decode(bytes: &[u8]) -> Result<Tweet, DecodeError> {
    // The common shape in one pass (issue 12); serde decides whatever it is unsure of.
    let mut slot = None;
    match fast::raw_tweet(bytes, &mut slot) {
        Some((raw, plain_created_at)) => from_flat(raw, plain_created_at),
        None => decode_with_serde(bytes),
    }
}

/// Whether [`decode_tweet_id`]'s walk reads the id of `bytes` itself (else the decoder
/// does), for the tests that make sure the common shapes stay on it.
#[cfg(any(test, feature = "testing"))]
pub fn id_walk_reads(bytes: &[u8]) -> bool {
    fast::id_read_alone(bytes).is_some_and(|id| TweetId::parse(id).is_ok())
}

/// The reference decoder: serde over the whole record. The fast path must agree with
/// it on every input; `crates/core/tests/decode_fast_path.rs` compares them.
#[cfg(any(test, feature = "testing"))]
pub fn decode_tweet_with_serde(bytes: &[u8]) -> Result<Tweet, DecodeError> {
    decode_with_serde(bytes).map_err(DecodeError::bounded)
}

/// Whether the fast path reads `bytes` itself (else serde does), for the tests that
/// make sure the common shapes stay on it.
#[cfg(any(test, feature = "testing"))]
pub fn fast_path_reads(bytes: &[u8]) -> bool {
    fast::raw_tweet(bytes, &mut None).is_some()
}

fn decode_with_serde(bytes: &[u8]) -> Result<Tweet, DecodeError> {
    let mut raw: RawTweet<V2Data> = serde_json::from_slice(bytes).map_err(|e| {
        use serde_json::error::Category;
        match e.classify() {
            Category::Data => DecodeError::NotATweet(e.to_string()),
            Category::Syntax | Category::Eof | Category::Io => DecodeError::NotJson(e.to_string()),
        }
    })?;
    let includes = raw.includes.take().unwrap_or_default();
    match raw.data.take() {
        Some(V2Data::One(inner)) => from_v2(*inner, includes),
        Some(V2Data::Many(tweets)) => Err(DecodeError::NotATweet(format!(
            "a v2 response with {tweets} tweets; send each tweet as its own record"
        ))),
        Some(V2Data::Other(kind)) => Err(DecodeError::NotATweet(format!(
            "`data` is {kind}, not a tweet object"
        ))),
        None => from_flat(&mut raw, None),
    }
}

fn parse_id<D>(raw: &mut RawTweet<D>) -> Result<TweetId, DecodeError> {
    if let Some(id_str) = raw.id_str.take() {
        return TweetId::parse_owned(id_str);
    }
    match &raw.id {
        Some(IdField::Text(s)) => TweetId::parse(s),
        Some(IdField::Number(id)) => TweetId::from_u64(*id),
        Some(IdField::Invalid(why)) => Err(DecodeError::InvalidId(why.clone())),
        None => Err(DecodeError::InvalidId("no `id_str` or `id`".into())),
    }
}

/// A v1.1 tweet, or a bare v2 tweet object (no envelope, so no author).
/// The tweet from `raw`'s fields, taken out of it (borrowed, not moved: the fast path
/// builds `raw` in its caller's frame, and a move copied it). `plain_created_at`, where
/// the fast path borrowed the record's `created_at` instead of copying it into `raw`,
/// stands for `raw.created_at`.
fn from_flat<D>(raw: &mut RawTweet<D>, plain_created_at: Option<&str>) -> Result<Tweet, DecodeError> {
    let id = parse_id(raw)?;
    let mut retweeted_status = raw.retweeted_status.take();
    let urls = url_pairs(
        [
            raw.entities.take(),
            raw.extended_tweet.as_mut().and_then(|e| e.entities.take()),
            retweeted_status.as_mut().and_then(|r| r.entities.take()),
            retweeted_status
                .as_mut()
                .and_then(|r| r.extended_tweet.as_mut())
                .and_then(|e| e.entities.take()),
        ]
        .into_iter()
        .flatten(),
    );
    let retweeted = retweeted_status.and_then(|r| {
        let text = r
            .full_text
            .or(r.extended_tweet.and_then(|e| e.full_text))
            .or(r.text)?;
        let user = r.user.unwrap_or_default();
        Some(Retweeted {
            text,
            name: user.name.unwrap_or_default(),
            screen_name: user.screen_name.unwrap_or_default(),
            image_url: user.profile_image_url_https.unwrap_or_default(),
        })
    });
    let text = raw
        .full_text
        .take()
        .or(raw.extended_tweet.take().and_then(|e| e.full_text))
        .or(raw.text.take())
        .ok_or(DecodeError::MissingText)?;
    let user = raw.user.take().unwrap_or_default();
    let metrics = raw.public_metrics.take().unwrap_or_default();
    Ok(Tweet {
        id,
        text,
        name: user.name.unwrap_or_default(),
        screen_name: user.screen_name.unwrap_or_default(),
        followers: user.followers_count.unwrap_or(0),
        friends: user.friends_count.unwrap_or(0),
        listed: user.listed_count.unwrap_or(0),
        statuses: user.statuses_count.unwrap_or(0),
        retweets: raw.retweet_count.or(metrics.retweet_count).unwrap_or(0),
        favourites: raw.favorite_count.or(metrics.like_count).unwrap_or(0),
        source: raw.source.take().unwrap_or_default(),
        image_url: user.profile_image_url_https.unwrap_or_default(),
        created_at: plain_created_at
            .or(raw.created_at.as_deref())
            .and_then(normalise_time),
        retweeted,
        urls,
    })
}

fn from_v2(mut data: RawTweet<IgnoredAny>, includes: Includes) -> Result<Tweet, DecodeError> {
    let author_id = data.author_id.clone();
    let mut tweet = from_flat(&mut data, None)?;
    let author = includes
        .users
        .0
        .into_iter()
        .find(|u| author_id.is_some() && u.id == author_id);
    if let Some(user) = author {
        let m = user.public_metrics.unwrap_or_default();
        tweet.name = user.name.unwrap_or_default();
        tweet.screen_name = user.username.unwrap_or_default();
        tweet.followers = m.followers_count.unwrap_or(0);
        tweet.friends = m.following_count.unwrap_or(0);
        tweet.listed = m.listed_count.unwrap_or(0);
        tweet.statuses = m.tweet_count.unwrap_or(0);
        tweet.image_url = user.profile_image_url.unwrap_or_default();
    }
    Ok(tweet)
}

/// v1.1 writes `Wed Oct 10 20:19:24 +0000 2018`, v2 writes RFC 3339. Both become RFC 3339
/// UTC with milliseconds, which sorts as a string.
pub fn normalise_time(raw: &str) -> Option<String> {
    if let Some(decided) = v1_time_utc(raw) {
        return decided.map(format_time);
    }
    let parsed = DateTime::parse_from_rfc3339(raw)
        .or_else(|_| DateTime::parse_from_str(raw, "%a %b %d %H:%M:%S %z %Y"))
        .ok()?;
    Some(format_time(parsed.with_timezone(&Utc)))
}

/// The v1.1 API's own spelling, `Wed Oct 10 20:19:24 +0000 2018` (always UTC), read
/// without chrono's format interpreter, which costs about as much as the rest of a
/// tweet's fields. Anything else (another offset, a leap second, other spacing or case)
/// is `None` and left to [`normalise_time`]'s general parse, so both give the same
/// answer: the weekday must match the date, as chrono requires. A well-formed time
/// whose weekday does not match its date is `Some(None)`, decided here: chrono's
/// general parse refuses it too (issue 12: the bench tweet names the wrong weekday,
/// and the refusal cost 2,500 instructions, as much as the rest of a tweet's fields).
fn v1_time_utc(raw: &str) -> Option<Option<DateTime<Utc>>> {
    use chrono::{Datelike, NaiveDate};
    const DAYS: [&[u8; 3]; 7] = [b"Mon", b"Tue", b"Wed", b"Thu", b"Fri", b"Sat", b"Sun"];
    const MONTHS: [&[u8; 3]; 12] = [
        b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
    ];
    let b = raw.as_bytes();
    if b.len() != 30
        || &b[19..26] != b" +0000 "
        || [b[3], b[7], b[10]] != [b' '; 3]
        || [b[13], b[16]] != [b':'; 2]
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let weekday = DAYS.iter().position(|d| &b[0..3] == *d)?;
    let month = MONTHS.iter().position(|m| &b[4..7] == *m)? as u32 + 1;
    let (day, hour, minute, second, year) = (
        num(8..10)?,
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
        num(26..30)?,
    );
    let date = NaiveDate::from_ymd_opt(year as i32, month, day)?;
    // A second of 60 (a leap second) is left to chrono.
    let time = date.and_hms_opt(hour, minute, second).filter(|_| second < 60)?;
    if date.weekday().num_days_from_monday() as usize != weekday {
        return Some(None);
    }
    Some(Some(time.and_utc()))
}

/// The one time format stored in the tables: RFC 3339 UTC with milliseconds,
/// `2018-10-10T20:19:24.000Z`, as chrono's `to_rfc3339_opts(Millis, true)` writes it.
/// Written here digit by digit for the years 0000-9999 (chrono's formatter cost a real
/// v1.1 tweet's date 800 instructions, issue 12's twelfth round, and the consumer
/// formats two more times a record); chrono writes the rest (other years, and a leap
/// second, which it spells `60`).
pub fn format_time(t: DateTime<Utc>) -> String {
    use chrono::{Datelike, Timelike};
    // The fields from the naive time: through `DateTime`, each accessor added the
    // (zero) offset again.
    let naive = t.naive_utc();
    let year = naive.year();
    let nanos = naive.nanosecond();
    if !(0..=9999).contains(&year) || nanos >= 1_000_000_000 {
        return t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    }
    let mut out = *b"0000-00-00T00:00:00.000Z";
    let mut put = |at: usize, width: usize, mut n: u32| {
        for k in (at..at + width).rev() {
            out[k] = b'0' + (n % 10) as u8;
            n /= 10;
        }
    };
    put(0, 4, year as u32);
    put(5, 2, naive.month());
    put(8, 2, naive.day());
    put(11, 2, naive.hour());
    put(14, 2, naive.minute());
    put(17, 2, naive.second());
    put(20, 3, nanos / 1_000_000);
    // SAFETY: every byte of `out` is the template's (ASCII) or `b'0'` plus a digit below
    // 10 (`n % 10`): ASCII, so UTF-8. (std's check of these 24 bytes cost 85
    // instructions.)
    unsafe { String::from_utf8_unchecked(out.to_vec()) }
}

#[cfg(test)]
mod tests;
