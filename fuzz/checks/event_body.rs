//! An invocation's body → a Kinesis event's records, or a typed error: never a panic, and
//! the result (records or error) is exactly the exact read's (`records_from_body_exactly`:
//! the derived `Record`, as `KinesisEvent` reads it), so the fast path
//! (`parse_as::<FastRecord>` in `crates/consumer/src/body.rs`) can neither take nor read
//! differently anything the exact read would not. Records read keep what
//! `records_from_parsed` promises: a sequence number each (the item identifier Lambda
//! retries by), the shard the eventID names, data that is base64's decoding of a text
//! standing in the body; and the identity check every batch then passes refuses a batch
//! whose event ids are not unique (the quarantine's key) or says exactly why it refuses.
//!
//! The target's check, shared: `fuzz/fuzz_targets/event_body.rs` runs it under libFuzzer,
//! and `crates/consumer/tests/fuzz_corpus.rs` replays the committed corpus through it in
//! `make test`.

use base64::Engine;
use bytes::Bytes;
use tweetboard_consumer::body::{records_from_body, records_from_body_exactly};
use tweetboard_consumer::{check_record_identities, EventError};

/// How many records' texts are looked for in the body (each a scan of it).
const RECORDS_LOOKED_FOR: usize = 8;

/// Whether `needle`, between quotes, stands in `body`.
fn quoted_in(body: &[u8], needle: &[u8]) -> bool {
    let quoted = [b"\"", needle, b"\""].concat();
    body.windows(quoted.len()).any(|w| w == quoted)
}

/// Panics if `data` breaks the target's invariants.
pub fn check(data: &[u8]) {
    let read = records_from_body(Bytes::copy_from_slice(data));
    assert_eq!(
        read,
        records_from_body_exactly(Bytes::copy_from_slice(data)),
        "the fast path and the exact read disagree on {:?}",
        String::from_utf8_lossy(data)
    );
    let Ok(records) = read else { return };

    let mut decoded = 0usize;
    for (index, r) in records.iter().enumerate() {
        assert!(
            !r.sequence_number.is_empty(),
            "record {index} has no sequence number"
        );
        let shard = r.event_id.split_once(':').map_or("", |(shard, _)| shard);
        assert_eq!(
            r.source.shard_id, shard,
            "record {index}: not the eventID's shard"
        );
        decoded += r.data.len();
        // Nothing escaped in the body: every text is a slice of it, the data canonical
        // base64 (padded, no trailing bits), so its encoding stands there as written.
        if index < RECORDS_LOOKED_FOR && !data.contains(&b'\\') {
            let base64 = base64::engine::general_purpose::STANDARD.encode(&r.data);
            for (what, text) in [
                ("data", base64.as_bytes()),
                ("sequence number", r.sequence_number.as_bytes()),
                ("event id", r.event_id.as_bytes()),
            ] {
                // A record without an eventID is given `:<sequence number>`.
                if what == "event id" && r.event_id == format!(":{}", r.sequence_number) {
                    continue;
                }
                assert!(
                    quoted_in(data, text),
                    "record {index}: its {what} is not in the body"
                );
            }
        }
    }
    assert!(
        decoded <= data.len() / 4 * 3,
        "more data decoded than the body holds"
    );

    match check_record_identities(&records) {
        Ok(()) => {
            let mut ids: Vec<&str> = records.iter().map(|r| r.event_id.as_str()).collect();
            ids.sort_unstable();
            assert!(
                ids.windows(2).all(|w| w[0] != w[1]),
                "a batch with a repeated eventID passed the identity check"
            );
        }
        Err(EventError::DuplicateEventId {
            first,
            second,
            event_id,
        }) => {
            assert!(first < second && second < records.len());
            assert_eq!(records[first].event_id, event_id);
            assert_eq!(records[second].event_id, event_id);
        }
        Err(EventError::BadIdentity { index, len, max, .. }) => {
            assert!(index < records.len() && (len == 0 || len > max));
        }
        Err(e) => panic!("the identity check gave another error: {e}"),
    }
}
