//! Peak memory of decoding hostile records, measured with a counting allocator (this
//! test binary's only test, so nothing else allocates while it measures).
//!
//! A record of nested `{"data": ...}` envelopes once cost gigabytes: the decoder's
//! untagged enum buffered and cloned the subtree at every level. A 128 MB Lambda died,
//! the batch was retried, and the shard stalled. `decode_tweet` now reads one envelope
//! level and skips the rest, and these tests hold it to a small multiple of the input.

use tweetboard_core::decode::decode_tweet;
use tweetboard_core::peak_memory::{peak_during, PeakCounting};
use tweetboard_core::DecodeError;

#[global_allocator]
static ALLOCATOR: PeakCounting = PeakCounting;

/// `depth` envelopes around `inner`: `{"data": {"data": ... inner ... }}`.
fn nested(depth: usize, inner: &str) -> Vec<u8> {
    let mut s = String::with_capacity(inner.len() + depth * 11);
    for _ in 0..depth {
        s.push_str(r#"{"data": "#);
    }
    s.push_str(inner);
    for _ in 0..depth {
        s.push('}');
    }
    s.into_bytes()
}

#[test]
fn the_deepest_nesting_serde_json_accepts_decodes_in_a_small_multiple_of_its_size() {
    // GIVEN records at serde_json's nesting limit (128 levels): 127 envelopes around a
    // 1 MiB array, around a 1 MiB string, and around an object holding both
    let array = format!("[{}0]", "0,".repeat(512 * 1024));
    let string = format!("\"{}\"", "x".repeat(1 << 20));
    let object = format!(r#"{{"id": "1", "text": {string}, "entities": {array}}}"#);
    for (label, record) in [
        ("array", nested(127, &array)),
        ("string", nested(127, &string)),
        ("object", nested(126, &object)),
    ] {
        // WHEN each is decoded
        let (result, peak) = peak_during(|| decode_tweet(&record));
        // THEN it is refused as no tweet, and decoding it never holds more than twice
        // its own size (it was about 1,800 times its size before)
        assert!(
            matches!(result, Err(DecodeError::InvalidId(_) | DecodeError::NotATweet(_))),
            "{label}: {result:?}"
        );
        eprintln!(
            "{label}: record {} bytes, peak heap while decoding {peak} bytes",
            record.len()
        );
        assert!(
            peak <= 2 * record.len(),
            "{label}: decoding {} bytes peaked at {peak} bytes",
            record.len()
        );
    }
    // AND a megabyte of users beside the tweet costs no more: only the first hundred
    // are read
    let wide = format!(
        r#"{{"data": {{"id": "1850000000000000001", "text": "t", "author_id": "7"}}, "includes": {{"users": [{}{{"id": "7", "username": "last"}}]}}}}"#,
        "{},".repeat(350_000)
    );
    let (result, peak) = peak_during(|| decode_tweet(wide.as_bytes()));
    let tweet = result.expect("a tweet; its author is past the users read");
    assert_eq!(tweet.screen_name, "");
    eprintln!("wide users: record {} bytes, peak heap {peak} bytes", wide.len());
    assert!(peak <= 2 * wide.len(), "peaked at {peak}");

    // AND below the one envelope it reads, nothing is decoded: serde_json skips what is
    // ignored without recursing, so 100,000 levels (1.1 MB) cost as little
    let very_deep = nested(100_000, "1");
    let (result, peak) = peak_during(|| decode_tweet(&very_deep));
    assert!(matches!(result, Err(DecodeError::InvalidId(_))), "{result:?}");
    assert!(peak <= 2 * very_deep.len(), "peaked at {peak}");
}
