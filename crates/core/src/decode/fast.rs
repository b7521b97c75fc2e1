//! The fast path of [`super::decode_tweet`] for the common shape, a flat v1.1 (or bare
//! v2) tweet object: one pass over the bytes that reads the dozen fields the consumer
//! keeps and skips everything else with a word-at-a-time string scan (issue 12: serde's
//! field-by-field walk over a 3.7 KB tweet's user object and entities was three
//! quarters of a record's decode).
//!
//! It never decides anything serde would decide differently: it returns the
//! [`RawTweet`] serde would build, or `None` for anything it is not sure of (an escaped
//! or non-UTF-8 key, a known field of an unexpected type or given twice, a number
//! serde would read as a float, a v2 envelope, deep nesting, invalid JSON of any kind),
//! and then the serde decoder, the reference, decides alone, with its own errors.
//! `None` is never an error: being stricter than serde costs only speed, being laxer
//! would be a bug, which `crates/core/tests/decode_fast_path.rs` looks for by
//! comparing both on generated, mutated and every committed input.
//!
//! Here: the tweet's fields, read through [`Grammar`], which two readers implement.
//! Where the CPU has AVX2 (or SSSE3), `fast/index.rs` first classifies the whole record
//! 64 bytes at a time into a bitmap of its tokens (simdjson's stage 1) and `fast/walk.rs`
//! reads the fields by walking those bits, so whitespace, string bodies and skipped
//! values cost nothing per byte (issue 12, tenth round). Elsewhere, or when the walk is
//! unsure, the byte-at-a-time reader does: `fast/json.rs` holds its JSON grammar
//! (strings, integers, skipping values) and `fast/scan.rs` its SIMD and word scans.

use serde::de::IgnoredAny;

mod index;
mod json;
mod scan;
mod walk;

use super::{Entities, ExtendedTweet, IdField, RawTweet, RetweetedStatus, UrlEntity, UserV1};

/// Nesting allowed inside a skipped value before handing over to serde (whose own
/// limit is 128 levels in all; the known fields add at most 6).
const MAX_SKIP_DEPTH: usize = 64;

/// The record's fields as serde would read them, or `None` to let serde decide: by
/// the structural walk where the CPU can build its index, else (or where the walk is
/// unsure) by the byte-at-a-time reader.
pub(super) fn raw_tweet(bytes: &[u8]) -> Option<RawTweet<IgnoredAny>> {
    if let Some(index) = index::Index::build(bytes) {
        if let Some(raw) = walk::raw_tweet(bytes, &index) {
            return Some(raw);
        }
    }
    raw_tweet_bytewise(bytes)
}

/// The byte-at-a-time reader alone: the fallback, and what the walk is tested against.
pub(super) fn raw_tweet_bytewise(bytes: &[u8]) -> Option<RawTweet<IgnoredAny>> {
    let mut p = Parser { b: bytes, i: 0 };
    p.ws();
    let raw = tweet(&mut p)?;
    p.ws();
    (p.i == p.b.len()).then_some(raw)
}

/// The byte-at-a-time reader: a position in the record.
struct Parser<'a> {
    b: &'a [u8],
    i: usize,
}

/// What the tweet's fields are read with: each method reads one value at the reader's
/// position (after any whitespace) and returns `None` wherever serde might decide
/// differently. Implemented by the byte-at-a-time [`Parser`] (`fast/json.rs`) and the
/// structural walk (`fast/walk.rs`).
trait Grammar: Sized {
    /// `null`, or an object read by `field` (called with each key, after its colon),
    /// which returns `None` for what it cannot read, and skips what it does not know.
    fn opt_object<T: Default>(
        &mut self,
        field: impl FnMut(&mut Self, &mut T, &[u8], &mut u32) -> Option<()>,
    ) -> Option<Option<T>>;
    /// `null` or a string.
    fn opt_string(&mut self) -> Option<Option<String>>;
    /// `null` or an unsigned integer that fits a `u64`.
    fn opt_u64(&mut self) -> Option<Option<u64>>;
    /// A tweet's `id`, as [`IdField`] reads it; other kinds are left to serde.
    fn id(&mut self) -> Option<Option<IdField>>;
    /// An array (not `null`) of values read by `item`.
    fn array<T>(&mut self, item: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>>;
    /// The value of a member that is not kept, checked as serde checks it.
    fn skip_member_value(&mut self) -> Option<()>;
}

/// Marks field `bit` seen; `None` if it was already (serde: "duplicate field").
fn first(seen: &mut u32, bit: u32) -> Option<()> {
    let had = *seen & (1 << bit) != 0;
    *seen |= 1 << bit;
    (!had).then_some(())
}

/// The top-level object. `data` and `includes` (a v2 envelope) and the v2 fields
/// `author_id` and `public_metrics` are left to serde.
fn tweet<G: Grammar>(p: &mut G) -> Option<RawTweet<IgnoredAny>> {
    let raw = p.opt_object(|p, raw: &mut RawTweetFields, key, seen| {
        let r = &mut raw.0;
        match key {
            b"id_str" => {
                first(seen, 0)?;
                r.id_str = p.opt_string()?;
            }
            b"id" => {
                first(seen, 1)?;
                r.id = p.id()?;
            }
            b"text" => {
                first(seen, 2)?;
                r.text = p.opt_string()?;
            }
            b"full_text" => {
                first(seen, 3)?;
                r.full_text = p.opt_string()?;
            }
            b"extended_tweet" => {
                first(seen, 4)?;
                r.extended_tweet = extended_tweet(p)?;
            }
            b"user" => {
                first(seen, 5)?;
                r.user = user(p)?;
            }
            b"retweet_count" => {
                first(seen, 6)?;
                r.retweet_count = p.opt_u64()?;
            }
            b"favorite_count" => {
                first(seen, 7)?;
                r.favorite_count = p.opt_u64()?;
            }
            b"source" => {
                first(seen, 8)?;
                r.source = p.opt_string()?;
            }
            b"created_at" => {
                first(seen, 9)?;
                r.created_at = p.opt_string()?;
            }
            b"entities" => {
                first(seen, 10)?;
                r.entities = entities(p)?;
            }
            b"retweeted_status" => {
                first(seen, 11)?;
                r.retweeted_status = retweeted_status(p)?;
            }
            b"data" | b"includes" | b"author_id" | b"public_metrics" => return None,
            _ => p.skip_member_value()?,
        }
        Some(())
    })?;
    // `null` is no tweet object: serde's error.
    raw.map(|r| r.0)
}

fn user<G: Grammar>(p: &mut G) -> Option<Option<UserV1>> {
    p.opt_object(|p, u: &mut UserV1, key, seen| {
        match key {
            b"name" => {
                first(seen, 0)?;
                u.name = p.opt_string()?;
            }
            b"screen_name" => {
                first(seen, 1)?;
                u.screen_name = p.opt_string()?;
            }
            b"followers_count" => {
                first(seen, 2)?;
                u.followers_count = p.opt_u64()?;
            }
            b"friends_count" => {
                first(seen, 3)?;
                u.friends_count = p.opt_u64()?;
            }
            b"listed_count" => {
                first(seen, 4)?;
                u.listed_count = p.opt_u64()?;
            }
            b"statuses_count" => {
                first(seen, 5)?;
                u.statuses_count = p.opt_u64()?;
            }
            b"profile_image_url_https" => {
                first(seen, 6)?;
                u.profile_image_url_https = p.opt_string()?;
            }
            _ => p.skip_member_value()?,
        }
        Some(())
    })
}

fn extended_tweet<G: Grammar>(p: &mut G) -> Option<Option<ExtendedTweet>> {
    p.opt_object(|p, e: &mut ExtendedTweet, key, seen| {
        match key {
            b"full_text" => {
                first(seen, 0)?;
                e.full_text = p.opt_string()?;
            }
            b"entities" => {
                first(seen, 1)?;
                e.entities = entities(p)?;
            }
            _ => p.skip_member_value()?,
        }
        Some(())
    })
}

fn retweeted_status<G: Grammar>(p: &mut G) -> Option<Option<RetweetedStatus>> {
    p.opt_object(|p, r: &mut RetweetedStatus, key, seen| {
        match key {
            b"text" => {
                first(seen, 0)?;
                r.text = p.opt_string()?;
            }
            b"full_text" => {
                first(seen, 1)?;
                r.full_text = p.opt_string()?;
            }
            b"extended_tweet" => {
                first(seen, 2)?;
                r.extended_tweet = extended_tweet(p)?;
            }
            b"user" => {
                first(seen, 3)?;
                r.user = user(p)?;
            }
            b"entities" => {
                first(seen, 4)?;
                r.entities = entities(p)?;
            }
            _ => p.skip_member_value()?,
        }
        Some(())
    })
}

/// `entities`: only `urls`, an array of objects (serde refuses `null` for it).
fn entities<G: Grammar>(p: &mut G) -> Option<Option<Entities>> {
    p.opt_object(|p, e: &mut Entities, key, seen| {
        match key {
            b"urls" => {
                first(seen, 0)?;
                e.urls = url_entities(p)?;
            }
            _ => p.skip_member_value()?,
        }
        Some(())
    })
}

fn url_entities<G: Grammar>(p: &mut G) -> Option<Vec<UrlEntity>> {
    p.array(|p| {
        // `null` is not a URL entity: serde's error.
        p.opt_object(|p, u: &mut UrlEntity, key, seen| {
            match key {
                b"url" => {
                    first(seen, 0)?;
                    u.url = p.opt_string()?;
                }
                b"expanded_url" => {
                    first(seen, 1)?;
                    u.expanded_url = p.opt_string()?;
                }
                _ => p.skip_member_value()?,
            }
            Some(())
        })?
    })
}

/// [`RawTweet`] has no `Default` (its `data` type need not have one): the fields the
/// fast path fills, all absent to begin with.
struct RawTweetFields(RawTweet<IgnoredAny>);

impl Default for RawTweetFields {
    fn default() -> Self {
        RawTweetFields(RawTweet {
            id_str: None,
            id: None,
            text: None,
            full_text: None,
            extended_tweet: None,
            user: None,
            retweet_count: None,
            favorite_count: None,
            source: None,
            created_at: None,
            entities: None,
            retweeted_status: None,
            data: None,
            includes: None,
            author_id: None,
            public_metrics: None,
        })
    }
}

#[cfg(test)]
mod tests;
