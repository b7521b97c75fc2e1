//! The consumer's handler against in-memory fakes: responses, typed event errors,
//! deadlines.

use super::*;
use chrono::Utc;
use lambda_runtime::Context;
use tweetboard_core::testing::{KeywordFake, MemoryQuarantine, MemoryTable};

fn consumer(table: MemoryTable) -> Consumer {
    Consumer::new(
        Arc::new(KeywordFake),
        Arc::new(table),
        Arc::new(MemoryQuarantine::default()),
        4,
        Duration::from_millis(100),
    )
}

fn tweet_record(seq: &str, id: &str) -> KinesisEventRecord {
    let data = format!(r#"{{"id_str": "{id}", "text": "x"}}"#).into_bytes();
    event::record(
        "arn:aws:kinesis:us-east-1:1:stream/s",
        "shardId-000000000001",
        seq,
        id,
        data,
        Utc::now(),
    )
}

#[tokio::test]
async fn failures_serialise_with_their_sequence_numbers() {
    let c = consumer(MemoryTable {
        fail_transiently: true,
        ..Default::default()
    });
    let batch = event::batch(vec![tweet_record("101", "1"), tweet_record("102", "2")]);

    let response = c
        .handle(LambdaEvent::new(batch, Context::default()))
        .await
        .unwrap();

    let json = serde_json::to_value(&response).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"batchItemFailures": [{"itemIdentifier": "101"}, {"itemIdentifier": "102"}]})
    );
}

#[tokio::test]
async fn a_forged_identity_fails_the_invocation_instead_of_being_retried_forever() {
    // GIVEN batches no event source mapping sends: a 3,000-byte eventID, an empty
    // one, a 500 KB sequence number, and two records sharing one eventID
    let table = Arc::new(MemoryTable::default());
    let c = Consumer::new(
        Arc::new(KeywordFake),
        table.clone(),
        Arc::new(MemoryQuarantine::default()),
        4,
        Duration::from_millis(100),
    );
    let mut long_id = tweet_record("101", "1");
    long_id.event_id = Some("x".repeat(3000));
    let mut empty_id = tweet_record("102", "2");
    empty_id.event_id = Some(String::new());
    let mut long_seq = tweet_record(&"9".repeat(500_000), "3");
    long_seq.event_id = Some("shardId-000000000001:103".into());
    let (mut a, mut b) = (tweet_record("104", "4"), tweet_record("105", "5"));
    a.event_id = Some("shardId-000000000000:104".into());
    b.event_id = a.event_id.clone();

    for (batch, field) in [
        (vec![long_id], Some("an eventID")),
        (vec![empty_id], Some("an eventID")),
        (vec![long_seq], Some("a sequence number")),
        (vec![a, b], None),
    ] {
        // WHEN each is handled
        let err = c
            .handle(LambdaEvent::new(event::batch(batch), Context::default()))
            .await
            .unwrap_err();
        // THEN the invocation fails with a typed error naming what is wrong
        match (&err, field) {
            (EventError::BadIdentity { field: f, .. }, Some(expected)) => assert_eq!(*f, expected),
            (
                EventError::DuplicateEventId {
                    first: 0, second: 1, ..
                },
                None,
            ) => {}
            _ => panic!("unexpected {err:?}"),
        }
        assert_eq!(
            lambda_runtime::Diagnostic::from(err).error_type,
            "tweetboard.MalformedEvent"
        );
    }
    // AND nothing was written for any of them
    assert_eq!(*table.puts.lock().unwrap(), 0);
}

#[tokio::test]
async fn a_record_without_a_sequence_number_fails_the_invocation_with_a_typed_error() {
    let c = consumer(MemoryTable::default());
    let batch = event::batch(vec![tweet_record("101", "1"), tweet_record("", "2")]);

    let err = c
        .handle(LambdaEvent::new(batch, Context::default()))
        .await
        .unwrap_err();

    assert_eq!(err, EventError::MissingSequenceNumber { index: 1 });
    let diagnostic = lambda_runtime::Diagnostic::from(err);
    assert_eq!(diagnostic.error_type, "tweetboard.MalformedEvent");
}

#[test]
fn the_margin_shrinks_with_a_short_timeout() {
    let three_seconds = Some(Instant::now() + Duration::from_secs(3));
    assert!(effective_margin(Duration::from_secs(3), three_seconds) <= Duration::from_millis(750));
    let fifteen_minutes = Some(Instant::now() + Duration::from_secs(900));
    assert_eq!(
        effective_margin(Duration::from_secs(3), fifteen_minutes),
        Duration::from_secs(3)
    );
    assert_eq!(
        effective_margin(Duration::from_secs(3), None),
        Duration::from_secs(3)
    );
}

#[test]
fn deadlines_in_epoch_and_relative_form() {
    let now_ms = Utc::now().timestamp_millis() as u64;
    let epoch = deadline_from_epoch_millis(now_ms + 5_000).unwrap();
    let left = epoch.saturating_duration_since(Instant::now());
    assert!(
        left > Duration::from_secs(4) && left <= Duration::from_secs(5),
        "{left:?}"
    );
    let relative = deadline_from_epoch_millis(600_000).unwrap();
    assert!(relative.saturating_duration_since(Instant::now()) > Duration::from_secs(590));
    assert!(deadline_from_epoch_millis(0).is_none());
    let past = deadline_from_epoch_millis(now_ms - 1_000).unwrap();
    assert_eq!(past.saturating_duration_since(Instant::now()), Duration::ZERO);
}

#[test]
fn shard_id_and_event_id_come_from_the_event_id() {
    let records = to_input_records(vec![tweet_record("77", "1")]).unwrap();
    assert_eq!(records[0].source.shard_id, "shardId-000000000001");
    assert_eq!(records[0].event_id, "shardId-000000000001:77");
    assert_eq!(records[0].source.stream_name(), "s");
}

/// The write phase's calls, counted by the one test that makes them (`fn` pointers
/// cannot capture): how many began and ended, and how many puts the table had seen at
/// each.
mod phase {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, OnceLock};

    use tweetboard_core::testing::MemoryTable;

    pub static TABLE: OnceLock<Arc<MemoryTable>> = OnceLock::new();
    pub static BEGINS: AtomicUsize = AtomicUsize::new(0);
    pub static ENDS: AtomicUsize = AtomicUsize::new(0);
    pub static PUTS_AT_BEGIN: AtomicUsize = AtomicUsize::new(usize::MAX);
    pub static PUTS_AT_END: AtomicUsize = AtomicUsize::new(usize::MAX);

    fn puts() -> usize {
        *TABLE.get().expect("the test sets the table").puts.lock().unwrap()
    }

    pub fn begin() {
        BEGINS.fetch_add(1, Ordering::SeqCst);
        PUTS_AT_BEGIN.store(puts(), Ordering::SeqCst);
    }

    pub fn end() {
        ENDS.fetch_add(1, Ordering::SeqCst);
        PUTS_AT_END.store(puts(), Ordering::SeqCst);
    }

    pub fn counts() -> (usize, usize) {
        (BEGINS.load(Ordering::SeqCst), ENDS.load(Ordering::SeqCst))
    }
}

#[tokio::test]
async fn every_invocation_writes_inside_the_write_phase_and_ends_it_however_it_ends() {
    use std::sync::atomic::Ordering;
    // GIVEN a consumer whose binary hands it the allocator's two calls
    let table = Arc::new(MemoryTable::default());
    phase::TABLE.set(table.clone()).ok().expect("one test sets it");
    let c = Consumer::new(
        Arc::new(KeywordFake),
        table.clone(),
        Arc::new(MemoryQuarantine::default()),
        4,
        Duration::from_millis(100),
    )
    .with_write_phase(WritePhase {
        begin: phase::begin,
        end: phase::end,
    });
    let body = |records| bytes::Bytes::from(serde_json::to_vec(&event::batch(records)).unwrap());

    // WHEN an invocation's body holds two new tweets
    let good = body(vec![tweet_record("101", "1"), tweet_record("102", "2")]);
    let (response, _) = body::with_invocation_body(good, c.handle_body_with_report(&Context::default()))
        .await
        .unwrap();
    // THEN the phase began before the first write and ended after the last, once each
    assert!(response.batch_item_failures.is_empty());
    assert_eq!(phase::counts(), (1, 1));
    assert_eq!(phase::PUTS_AT_BEGIN.load(Ordering::SeqCst), 0);
    assert_eq!(phase::PUTS_AT_END.load(Ordering::SeqCst), 2);

    // WHEN an invocation fails after its body was read (two records share an eventID)
    let forged = body(vec![tweet_record("103", "3"), tweet_record("103", "4")]);
    let failed = body::with_invocation_body(forged, c.handle_body_with_report(&Context::default())).await;
    // THEN the phase it began ended too, and nothing was written
    assert!(
        matches!(failed, Err(EventError::DuplicateEventId { .. })),
        "{failed:?}"
    );
    assert_eq!(phase::counts(), (2, 2));
    assert_eq!(*table.puts.lock().unwrap(), 2);

    // WHEN the body is not an event at all
    let garbage = bytes::Bytes::from_static(b"not json");
    let refused = body::with_invocation_body(garbage, c.handle_body_with_report(&Context::default())).await;
    // THEN it fails before any phase: nothing began that would have to end
    assert!(
        matches!(refused, Err(EventError::NotAKinesisEvent(_))),
        "{refused:?}"
    );
    assert_eq!(phase::counts(), (2, 2));
}
