//! A Kinesis record's bytes → a tweet, or a typed error: never a panic, a decoded tweet
//! always has a canonical id (digits, no leading zero) and bounded error text, and the
//! result (tweet or error) is exactly the reference serde decoder's, so the one-pass fast
//! path (`crates/core/src/decode/fast.rs`) can neither accept nor read differently
//! anything the reference would not. And the batch's id pass (`decode_tweet_id`) keeps
//! its contract: decode's own error where decode fails with it, and where it reads an
//! id, decode's id or a decode that fails.
//!
//! The target's check, shared: `fuzz/fuzz_targets/decode_record.rs` runs it under libFuzzer,
//! `crates/core/tests/fuzz_corpus.rs` replays the committed corpus through it in
//! `make test`, and `crates/core/tests/decode_fast_path.rs` runs it on every input it
//! builds (its `agree`).

use tweetboard_core::decode::{decode_tweet, decode_tweet_id, decode_tweet_with_serde};

/// Panics if `data` breaks the target's invariants.
pub fn check(data: &[u8]) {
    let decoded = decode_tweet(data);
    assert_eq!(
        decoded,
        decode_tweet_with_serde(data),
        "the fast path and the reference disagree on {:?}",
        String::from_utf8_lossy(data)
    );
    match (decode_tweet_id(data), &decoded) {
        (Ok(id), Ok(tweet)) => assert_eq!(&id, tweet.id(), "the id pass read another id"),
        (Ok(_), Err(_)) => {}
        (Err(e), Err(reference)) => assert_eq!(&e, reference, "the id pass gave another error"),
        (Err(e), Ok(_)) => panic!("the id pass refused a tweet: {e}"),
    }
    match decoded {
        Ok(tweet) => {
            let id = tweet.id().as_str();
            assert!(!id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) && !id.starts_with('0'));
            let _ = tweet.content_hash();
        }
        Err(e) => assert!(e.to_string().len() <= 1200),
    }
}
