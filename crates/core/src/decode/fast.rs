//! The fast path of [`super::decode_tweet`] for the common shape, a flat v1.1 (or bare
//! v2) tweet object: one pass over the bytes that reads the dozen fields the consumer
//! keeps and skips everything else with a word-at-a-time string scan (issue 12: serde's
//! field-by-field walk over a 3.7 KB tweet's user object and entities was three
//! quarters of a record's decode).
//!
//! It never decides anything serde would decide differently: it returns the
//! [`RawTweet`] serde would build (but for a numeric `id` beside an `id_str` string,
//! only checked as at most 20 digits and left out: `id_str` wins, so the tweet is the
//! same), or
//! `None` for anything it is not sure of (an escaped or non-UTF-8 key, a known field of
//! an unexpected type or given twice, a number serde would read as a float where it is
//! kept, a v2 envelope, deep nesting, invalid JSON of any kind), and then the serde
//! decoder, the reference, decides alone, with its own errors.
//! `None` is never an error: being stricter than serde costs only speed, being laxer
//! would be a bug, which `crates/core/tests/decode_fast_path.rs` looks for by
//! comparing both on generated, mutated and every committed input.
//!
//! Here: the tweet's fields. `fast/json.rs` holds the JSON grammar (strings, integers,
//! skipping values), `fast/scan.rs` the SIMD and word-at-a-time byte scans, and
//! `fast/id.rs` the batch's read of a tweet's id alone (`decode_tweet_id`, session 14).

use serde::de::IgnoredAny;

mod id;
mod json;
pub(crate) mod scan;

pub(super) use id::id_read_alone;

use super::{Entities, ExtendedTweet, IdField, RawTweet, RetweetedStatus, UrlEntity, UserV1};

/// Nesting allowed inside a skipped value before handing over to serde (whose own
/// limit is 128 levels in all; the known fields add at most 6).
const MAX_SKIP_DEPTH: usize = 64;

/// The record's fields as serde would read them, built in `slot` (the caller's, so the
/// tweet is not copied on its way out), or `None` to let serde decide (and whatever
/// `slot` then holds is of no use). With them, `created_at` borrowed from `bytes` when
/// its literal is plain ASCII (then the tweet's own `created_at` is left `None`): it is
/// only read to be reformatted, and a copy of its 30 bytes cost an allocation.
pub(super) fn raw_tweet<'r, 'b>(
    bytes: &'b [u8],
    slot: &'r mut Option<RawTweet<IgnoredAny>>,
) -> Option<(&'r mut RawTweet<IgnoredAny>, Option<&'b str>)> {
    let mut p = Parser { b: bytes, i: 0 };
    p.ws();
    let plain_created_at = p.tweet(slot)?;
    p.ws();
    if p.i != p.b.len() {
        return None;
    }
    // `null` is no tweet object: serde's error.
    Some((slot.as_mut()?, plain_created_at))
}

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Parser<'a> {
    /// Marks field `bit` seen; `None` if it was already (serde: "duplicate field").
    fn first(seen: &mut u32, bit: u32) -> Option<()> {
        let had = *seen & (1 << bit) != 0;
        *seen |= 1 << bit;
        (!had).then_some(())
    }

    /// The top-level object. `data` and `includes` (a v2 envelope) and the v2 fields
    /// `author_id` and `public_metrics` are left to serde.
    /// Returns `created_at` where [`Self::opt_plain_string`] borrowed it.
    fn tweet(&mut self, slot: &mut Option<RawTweet<IgnoredAny>>) -> Option<Option<&'a str>> {
        // Where a numeric `id` starts: only checked as digits on the way, and read as
        // an integer after the object only if no `id_str` string wins over it (issue 12,
        // twelfth round: a v1.1 tweet's 19-digit `id` cost 180 instructions to read, for
        // nothing when `id_str` is there, as it is in every v1.1 tweet).
        let mut numeric_id_at = None;
        let mut plain_created_at = None;
        self.opt_object(slot, |p, r: &mut RawTweet<IgnoredAny>, key, seen| {
            match key {
                b"id_str" => {
                    Self::first(seen, 0)?;
                    r.id_str = p.opt_string()?;
                }
                b"id" => {
                    Self::first(seen, 1)?;
                    p.ws();
                    let at = p.i;
                    if p.peek()?.is_ascii_digit() {
                        // serde reads an `id` that `id_str` outranks as any number it can
                        // hold: one of at most 20 digits (under 1e20) always is; one with
                        // a fraction or an exponent may overflow (`1e400`, serde's
                        // "number out of range"), and a longer one may too: left to
                        // serde, as `integer` left them.
                        if p.b[at] == b'0' {
                            p.i += 1;
                        } else {
                            p.digits();
                        }
                        if p.i - at > 20 || matches!(p.peek(), Some(b'.' | b'e' | b'E')) {
                            return None;
                        }
                        numeric_id_at = Some(at);
                    } else {
                        r.id = p.id()?;
                    }
                }
                b"text" => {
                    Self::first(seen, 2)?;
                    r.text = p.opt_string()?;
                }
                b"full_text" => {
                    Self::first(seen, 3)?;
                    r.full_text = p.opt_string()?;
                }
                b"extended_tweet" => {
                    Self::first(seen, 4)?;
                    p.extended_tweet(&mut r.extended_tweet)?;
                }
                b"user" => {
                    Self::first(seen, 5)?;
                    p.user(&mut r.user)?;
                }
                b"retweet_count" => {
                    Self::first(seen, 6)?;
                    r.retweet_count = p.opt_u64()?;
                }
                b"favorite_count" => {
                    Self::first(seen, 7)?;
                    r.favorite_count = p.opt_u64()?;
                }
                b"source" => {
                    Self::first(seen, 8)?;
                    r.source = p.opt_string()?;
                }
                b"created_at" => {
                    Self::first(seen, 9)?;
                    plain_created_at = p.opt_plain_string(&mut r.created_at)?;
                }
                b"entities" => {
                    Self::first(seen, 10)?;
                    p.entities(&mut r.entities)?;
                }
                b"retweeted_status" => {
                    Self::first(seen, 11)?;
                    p.retweeted_status(&mut r.retweeted_status)?;
                }
                b"data" | b"includes" | b"author_id" | b"public_metrics" => return None,
                _ => p.skip_member_value()?,
            }
            Some(())
        })?;
        if let (Some(r), Some(at)) = (slot.as_mut(), numeric_id_at) {
            // The tweet's id is `id_str` when it is a string (`parse_id`), else this
            // number, read as `integer` would have read it in place: `None` (serde
            // decides) for one serde reads as a float or that does not fit a `u64`.
            if r.id_str.is_none() {
                let mut id = Parser { b: self.b, i: at };
                r.id = Some(IdField::Number(id.integer()?));
            }
        }
        Some(plain_created_at)
    }

    /// A tweet's `id`, as [`IdField`] reads it; other kinds are left to serde.
    fn id(&mut self) -> Option<Option<IdField>> {
        self.ws();
        match self.peek()? {
            b'n' => self.literal(b"null").map(|()| None),
            b'"' => self.string().map(|s| Some(IdField::Text(s))),
            b'0'..=b'9' => self.integer().map(|n| Some(IdField::Number(n))),
            _ => None,
        }
    }

    fn user(&mut self, slot: &mut Option<UserV1>) -> Option<()> {
        self.opt_object(slot, |p, u: &mut UserV1, key, seen| {
            match key {
                b"name" => {
                    Self::first(seen, 0)?;
                    u.name = p.opt_string()?;
                }
                b"screen_name" => {
                    Self::first(seen, 1)?;
                    u.screen_name = p.opt_string()?;
                }
                b"followers_count" => {
                    Self::first(seen, 2)?;
                    u.followers_count = p.opt_u64()?;
                }
                b"friends_count" => {
                    Self::first(seen, 3)?;
                    u.friends_count = p.opt_u64()?;
                }
                b"listed_count" => {
                    Self::first(seen, 4)?;
                    u.listed_count = p.opt_u64()?;
                }
                b"statuses_count" => {
                    Self::first(seen, 5)?;
                    u.statuses_count = p.opt_u64()?;
                }
                b"profile_image_url_https" => {
                    Self::first(seen, 6)?;
                    u.profile_image_url_https = p.opt_string()?;
                }
                _ => p.skip_member_value()?,
            }
            Some(())
        })
    }

    fn extended_tweet(&mut self, slot: &mut Option<ExtendedTweet>) -> Option<()> {
        self.opt_object(slot, |p, e: &mut ExtendedTweet, key, seen| {
            match key {
                b"full_text" => {
                    Self::first(seen, 0)?;
                    e.full_text = p.opt_string()?;
                }
                b"entities" => {
                    Self::first(seen, 1)?;
                    p.entities(&mut e.entities)?;
                }
                _ => p.skip_member_value()?,
            }
            Some(())
        })
    }

    fn retweeted_status(&mut self, slot: &mut Option<RetweetedStatus>) -> Option<()> {
        self.opt_object(slot, |p, r: &mut RetweetedStatus, key, seen| {
            match key {
                b"text" => {
                    Self::first(seen, 0)?;
                    r.text = p.opt_string()?;
                }
                b"full_text" => {
                    Self::first(seen, 1)?;
                    r.full_text = p.opt_string()?;
                }
                b"extended_tweet" => {
                    Self::first(seen, 2)?;
                    p.extended_tweet(&mut r.extended_tweet)?;
                }
                b"user" => {
                    Self::first(seen, 3)?;
                    p.user(&mut r.user)?;
                }
                b"entities" => {
                    Self::first(seen, 4)?;
                    p.entities(&mut r.entities)?;
                }
                _ => p.skip_member_value()?,
            }
            Some(())
        })
    }

    /// `entities`: only `urls`, an array of objects (serde refuses `null` for it).
    fn entities(&mut self, slot: &mut Option<Entities>) -> Option<()> {
        self.opt_object(slot, |p, e: &mut Entities, key, seen| {
            match key {
                b"urls" => {
                    Self::first(seen, 0)?;
                    e.urls = p.url_entities()?;
                }
                _ => p.skip_member_value()?,
            }
            Some(())
        })
    }

    fn url_entities(&mut self) -> Option<Vec<UrlEntity>> {
        self.eat(b'[')?;
        self.ws();
        if self.peek()? == b']' {
            self.i += 1;
            return Some(Vec::new());
        }
        // The four places the first push would make, without its growth path.
        let mut urls = Vec::with_capacity(4);
        loop {
            let mut url = None;
            self.opt_object(&mut url, |p, u: &mut UrlEntity, key, seen| {
                match key {
                    b"url" => {
                        Self::first(seen, 0)?;
                        u.url = p.opt_string()?;
                    }
                    b"expanded_url" => {
                        Self::first(seen, 1)?;
                        u.expanded_url = p.opt_string()?;
                    }
                    _ => p.skip_member_value()?,
                }
                Some(())
            })?;
            // `null` is not a URL entity: serde's error.
            urls.push(url?);
            match self.after_value()? {
                b',' => self.i += 1,
                b']' => {
                    self.i += 1;
                    return Some(urls);
                }
                _ => return None,
            }
        }
    }
}

/// The fields the fast path fills, all absent to begin with (`RawTweet` derives no
/// `Default`: its `data` type need not have one).
impl Default for RawTweet<IgnoredAny> {
    fn default() -> Self {
        RawTweet {
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
        }
    }
}

#[cfg(test)]
mod tests;
