//! The JSON stage of one record's CPU path (issue 12), alone, for counting its
//! instructions with callgrind on a release build of this crate only (the consumer's
//! bench binary links the SDK and takes 8-20 minutes to build in release here):
//!
//! ```sh
//! cargo build --release -p tweetboard-core --features testing --example decode_instructions
//! DECODE_STAGE=json valgrind --tool=callgrind target/release/examples/decode_instructions
//! ```
//!
//! `DECODE_STAGE` is `setup` (reading the tweet only), `json` (`decode_tweet`, the fast
//! path) or `json-serde` (the reference decoder), on the fixture as committed
//! (pretty-printed); `json-compact` and `json-serde-compact` decode the same tweet
//! without whitespace between tokens, as the API sends it; `json-weekday` decodes the
//! tweet as committed with its date's weekday corrected (the fixture's `Wed Nov 26 ...
//! 2026` was a Thursday, and a wrong weekday makes the date unreadable, so it is never
//! formatted: the corrected tweet pays what a real one pays); `json-compact-full` decodes
//! the compact tweet with its text replaced by 280 characters of non-ASCII text (CJK,
//! Cyrillic, emoji: the kept text's scan and UTF-8 check at a full tweet's length, as
//! the consumer bench's `batch-full` has them); `id-envelope` and `json-envelope` read a
//! v2 tweet in the envelope the poller writes (`{"data":...,"includes":...}`) by the
//! batch's id pass (`decode_tweet_id`) and by the full decode (session 14). `DECODE_ITERS` calls (1,000
//! unless set). A stage's instructions per call are (its total − setup's) ÷ calls;
//! `make bench-json` runs them all.
use std::hint::black_box;

use tweetboard_core::decode::{decode_tweet, decode_tweet_id, decode_tweet_with_serde, id_walk_reads};

/// A v2 search result's tweet and author in the envelope the poller writes
/// (crates/core/src/ingest/request.rs), the fields the poller asks for.
const ENVELOPE: &str = concat!(
    r#"{"data":{"id":"1993700123456789012","text":"New in #AWS Lambda: SnapStart for Python and .NET cuts cold starts for our API from 1.9 s to 180 ms. Notes on what broke (random seeds, cached connections) and how we fixed it, with @awscloud's guide: https://t.co/aB3dE5fGh7 #serverless","#,
    r#""author_id":"2244994945","created_at":"2026-11-26T18:02:11.000Z","lang":"en","#,
    r#""public_metrics":{"retweet_count":12,"reply_count":3,"like_count":87,"quote_count":1,"bookmark_count":4,"impression_count":5120},"#,
    r#""entities":{"hashtags":[{"start":7,"end":11,"tag":"AWS"},{"start":236,"end":247,"tag":"serverless"}],"mentions":[{"start":196,"end":205,"username":"awscloud","id":"66780587"}],"#,
    r#""urls":[{"start":213,"end":236,"url":"https://t.co/aB3dE5fGh7","expanded_url":"https://aws.amazon.com/blogs/compute/snapstart/","display_url":"aws.amazon.com/blogs/compute/…"}]}},"#,
    r#""includes":{"users":[{"id":"2244994945","name":"Ada Lovelace","username":"ada","profile_image_url":"https://pbs.twimg.com/profile_images/1/a_normal.jpg","#,
    r#""public_metrics":{"followers_count":1200,"following_count":300,"tweet_count":4500,"listed_count":20}}]}}"#
);

/// The bench's 3.7 KB v1.1 tweet, the consumer bench's own fixture.
const TWEET: &str = include_str!("../../consumer/benches/v1-tweet.json");

fn main() {
    let stage = std::env::var("DECODE_STAGE").unwrap_or_else(|_| "json".into());
    let iters: usize = std::env::var("DECODE_ITERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    let bytes = TWEET.as_bytes();
    let compact = compact(bytes);
    let weekday = String::from_utf8(bytes.to_vec()).expect("UTF-8").replacen(
        "\"Wed Nov 26 18:02:11 +0000 2026\"",
        "\"Thu Nov 26 18:02:11 +0000 2026\"",
        1,
    );
    assert_ne!(weekday.as_bytes(), bytes, "the fixture's date changed");
    let full = full_non_ascii(&compact);
    assert_eq!(decode_tweet(&full), decode_tweet_with_serde(&full));
    assert_eq!(
        decode_tweet(weekday.as_bytes()),
        decode_tweet_with_serde(weekday.as_bytes())
    );
    // Both decoders must agree here too, or the count would measure a different result.
    assert_eq!(decode_tweet(bytes), decode_tweet_with_serde(bytes));
    assert_eq!(decode_tweet(&compact), decode_tweet(bytes));
    let envelope = ENVELOPE.as_bytes();
    assert!(
        id_walk_reads(envelope),
        "the id pass reads the poller's envelope itself"
    );
    assert_eq!(
        decode_tweet_id(envelope).expect("an id"),
        decode_tweet(envelope).expect("a tweet").id
    );
    for _ in 0..iters {
        match stage.as_str() {
            "setup" => {}
            "json" => {
                black_box(decode_tweet(black_box(bytes)).expect("a tweet"));
            }
            "json-serde" => {
                black_box(decode_tweet_with_serde(black_box(bytes)).expect("a tweet"));
            }
            "json-weekday" => {
                black_box(decode_tweet(black_box(weekday.as_bytes())).expect("a tweet"));
            }
            "json-compact-full" => {
                black_box(decode_tweet(black_box(&full)).expect("a tweet"));
            }
            "json-compact" => {
                black_box(decode_tweet(black_box(&compact)).expect("a tweet"));
            }
            "json-serde-compact" => {
                black_box(decode_tweet_with_serde(black_box(&compact)).expect("a tweet"));
            }
            "id-envelope" => {
                black_box(decode_tweet_id(black_box(envelope)).expect("an id"));
            }
            "json-envelope" => {
                black_box(decode_tweet(black_box(envelope)).expect("a tweet"));
            }
            other => panic!("unknown DECODE_STAGE {other:?}"),
        }
    }
}

/// `compact` with its `full_text` replaced by 280 characters of non-ASCII text.
fn full_non_ascii(compact: &[u8]) -> Vec<u8> {
    const PIECE: &str = "東京の天気は晴れ。Привет, мир! 🚀🌏 ";
    let text: String = PIECE.chars().cycle().take(280).collect();
    let json = String::from_utf8(compact.to_vec()).expect("UTF-8");
    let start = json.find("\"full_text\":\"").expect("a full_text") + "\"full_text\":\"".len();
    let end = start + json[start..].find("\",\"").expect("the text's end");
    let full = format!("{}{}{}", &json[..start], text, &json[end..]);
    assert_ne!(full, json, "the text was not replaced");
    full.into_bytes()
}

/// `json` without the whitespace between tokens (strings kept byte for byte).
fn compact(json: &[u8]) -> Vec<u8> {
    let (mut out, mut in_string, mut escaped) = (Vec::with_capacity(json.len()), false, false);
    for &c in json {
        if in_string {
            (in_string, escaped) = (escaped || c != b'"', !escaped && c == b'\\');
        } else if c.is_ascii_whitespace() {
            continue;
        } else {
            in_string = c == b'"';
        }
        out.push(c);
    }
    out
}
