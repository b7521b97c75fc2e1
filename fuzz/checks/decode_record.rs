//! A Kinesis record's bytes → a tweet, or a typed error: never a panic, and a decoded
//! tweet always has a canonical id (digits, no leading zero) and bounded error text.
//!
//! The target's check, shared: `fuzz/fuzz_targets/decode_record.rs` runs it under libFuzzer,
//! and `crates/core/tests/fuzz_corpus.rs` replays the committed corpus through it in
//! `make test`.

use tweetboard_core::decode::decode_tweet;

/// Panics if `data` breaks the target's invariants.
pub fn check(data: &[u8]) {
    match decode_tweet(data) {
        Ok(tweet) => {
            let id = tweet.id().as_str();
            assert!(!id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) && !id.starts_with('0'));
            let _ = tweet.content_hash();
        }
        Err(e) => assert!(e.to_string().len() <= 1200),
    }
}
