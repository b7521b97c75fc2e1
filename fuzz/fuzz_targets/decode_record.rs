//! A Kinesis record's bytes → a tweet, or a typed error: never a panic, and a decoded
//! tweet always has a canonical id (digits, no leading zero) and bounded error text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tweetboard_core::decode::decode_tweet;

fuzz_target!(|data: &[u8]| {
    match decode_tweet(data) {
        Ok(tweet) => {
            let id = tweet.id().as_str();
            assert!(!id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) && !id.starts_with('0'));
            let _ = tweet.content_hash();
        }
        Err(e) => assert!(e.to_string().len() <= 1200),
    }
});
