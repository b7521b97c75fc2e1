//! Unit tests of the batch use case against in-memory fakes.

use std::time::{Duration, Instant};

use chrono::Utc;
use tweetboard_core::batch::{process_batch, BatchOptions, BatchPorts, RecordOutcome};
use tweetboard_core::testing::{KeywordFake, MemoryQuarantine, MemoryTable};
use tweetboard_core::{InputRecord, Prediction, RecordSource};

fn record(seq: u64, data: &str) -> InputRecord {
    let sequence_number = format!("4959{seq:020}");
    InputRecord {
        event_id: InputRecord::event_id_for("shardId-000000000000", &sequence_number),
        sequence_number,
        partition_key: "pk".into(),
        data: data.as_bytes().to_vec(),
        arrived_at: Utc::now(),
        source: RecordSource {
            stream_arn: "arn:aws:kinesis:us-east-1:123456789012:stream/tweets".into(),
            shard_id: "shardId-000000000000".into(),
        },
    }
}

fn tweet(id: &str, text: &str) -> String {
    serde_json::json!({"id_str": id, "text": text}).to_string()
}

async fn run(
    table: &MemoryTable,
    quarantine: &MemoryQuarantine,
    records: &[InputRecord],
    options: &BatchOptions,
) -> Vec<RecordOutcome> {
    let ports = BatchPorts {
        classifier: &KeywordFake,
        tweets: table,
        quarantine,
        lookup: None,
    };
    process_batch(&ports, records, options)
        .await
        .outcomes
        .into_iter()
        .map(|(_, o)| o)
        .collect()
}

#[tokio::test]
async fn first_delivery_writes_every_tweet_with_its_prediction() {
    // GIVEN an empty table and two tweets
    let (table, q) = (MemoryTable::default(), MemoryQuarantine::default());
    let records = [
        record(1, &tweet("11", "lambda rocks")),
        record(2, &tweet("12", "junk giveaway")),
    ];
    // WHEN the batch runs
    let outcomes = run(&table, &q, &records, &BatchOptions::default()).await;
    // THEN both are written, ON and OFF
    assert_eq!(
        outcomes,
        [
            RecordOutcome::Written(Prediction::On),
            RecordOutcome::Written(Prediction::Off)
        ]
    );
    assert_eq!(table.items.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn redelivery_is_a_no_op() {
    let (table, q) = (MemoryTable::default(), MemoryQuarantine::default());
    let records = [record(1, &tweet("11", "lambda rocks"))];
    run(&table, &q, &records, &BatchOptions::default()).await;
    let stored = table.items.lock().unwrap()["11"].clone();

    let outcomes = run(&table, &q, &records, &BatchOptions::default()).await;

    assert_eq!(outcomes, [RecordOutcome::AlreadyStored]);
    assert_eq!(table.items.lock().unwrap()["11"], stored);
}

#[tokio::test]
async fn duplicate_id_in_one_batch_first_record_wins() {
    let (table, q) = (MemoryTable::default(), MemoryQuarantine::default());
    let records = [
        record(1, &tweet("11", "first")),
        record(2, &tweet("11", "second junk")),
    ];

    let outcomes = run(&table, &q, &records, &BatchOptions::default()).await;

    assert_eq!(
        outcomes,
        [
            RecordOutcome::Written(Prediction::On),
            RecordOutcome::DuplicateInBatch
        ]
    );
    assert_eq!(table.items.lock().unwrap()["11"].tweet.text, "first");
    assert_eq!(*table.puts.lock().unwrap(), 1);
}

#[tokio::test]
async fn same_id_with_different_content_later_is_a_conflict_and_first_is_kept() {
    let (table, q) = (MemoryTable::default(), MemoryQuarantine::default());
    run(
        &table,
        &q,
        &[record(1, &tweet("11", "first"))],
        &BatchOptions::default(),
    )
    .await;

    let outcomes = run(
        &table,
        &q,
        &[record(2, &tweet("11", "edited"))],
        &BatchOptions::default(),
    )
    .await;

    assert_eq!(outcomes, [RecordOutcome::Conflict]);
    assert_eq!(table.items.lock().unwrap()["11"].tweet.text, "first");
}

#[tokio::test]
async fn poison_records_are_quarantined_raw_and_valid_ones_written() {
    let (table, q) = (MemoryTable::default(), MemoryQuarantine::default());
    let records = [
        record(1, "{not json"),
        record(2, &tweet("12", "good")),
        record(3, r#"{"text": "no id"}"#),
        record(4, &tweet("14", "poison-model")),
    ];

    let outcomes = run(&table, &q, &records, &BatchOptions::default()).await;

    assert!(matches!(&outcomes[0], RecordOutcome::Quarantined(r) if r.starts_with("not_json")));
    assert_eq!(outcomes[1], RecordOutcome::Written(Prediction::On));
    assert!(matches!(&outcomes[2], RecordOutcome::Quarantined(r) if r.starts_with("invalid_id")));
    assert!(matches!(&outcomes[3], RecordOutcome::Quarantined(r) if r.starts_with("classifier")));
    let entries = q.entries.lock().unwrap();
    assert_eq!(entries.len(), 3);
    let raw = entries
        .iter()
        .find(|e| e.event_id == records[0].event_id)
        .unwrap();
    assert_eq!(raw.data, b"{not json");
}

#[tokio::test]
async fn store_unreachable_reports_every_record_for_retry() {
    let table = MemoryTable {
        fail_transiently: true,
        ..Default::default()
    };
    let q = MemoryQuarantine {
        fail_transiently: true,
        ..Default::default()
    };
    let records = [
        record(1, &tweet("11", "a")),
        record(2, "garbage"),
        record(3, &tweet("11", "a")),
    ];

    let outcomes = run(&table, &q, &records, &BatchOptions::default()).await;

    assert!(
        outcomes.iter().all(|o| matches!(o, RecordOutcome::Retry(_))),
        "{outcomes:?}"
    );
}

#[tokio::test]
async fn transient_classifier_failure_is_retried_not_quarantined() {
    let (table, q) = (MemoryTable::default(), MemoryQuarantine::default());
    let outcomes = run(
        &table,
        &q,
        &[record(1, &tweet("11", "flaky-model"))],
        &BatchOptions::default(),
    )
    .await;
    assert!(matches!(&outcomes[0], RecordOutcome::Retry(_)));
    assert!(q.entries.lock().unwrap().is_empty());
}

#[tokio::test]
async fn oversized_first_copy_does_not_hide_a_good_second_copy() {
    let (table, q) = (MemoryTable::default(), MemoryQuarantine::default());
    let huge = "x".repeat(500 * 1024);
    let records = [record(1, &tweet("11", &huge)), record(2, &tweet("11", "fits"))];

    let outcomes = run(&table, &q, &records, &BatchOptions::default()).await;

    assert!(matches!(&outcomes[0], RecordOutcome::Quarantined(r) if r.starts_with("item_too_large")));
    assert_eq!(outcomes[1], RecordOutcome::Written(Prediction::On));
    assert_eq!(table.items.lock().unwrap()["11"].tweet.text, "fits");
}

#[tokio::test]
async fn past_the_deadline_nothing_starts_and_everything_is_reported() {
    let (table, q) = (MemoryTable::default(), MemoryQuarantine::default());
    let options = BatchOptions {
        deadline: Some(Instant::now() + Duration::from_secs(1)),
        deadline_margin: Duration::from_secs(2),
        ..BatchOptions::default()
    };
    let records = [record(1, &tweet("11", "a")), record(2, &tweet("12", "b"))];

    let outcomes = run(&table, &q, &records, &options).await;

    assert!(outcomes
        .iter()
        .all(|o| matches!(o, RecordOutcome::Retry(r) if r.starts_with("deadline"))));
    assert_eq!(*table.puts.lock().unwrap(), 0);
}

#[tokio::test]
async fn with_a_lookup_stored_tweets_are_neither_classified_nor_written() {
    // GIVEN a table holding tweet 11, and a batch of 11 (same content), 12 (new) and a
    // different version of 11 arriving as 13's neighbour
    let (table, q) = (MemoryTable::default(), MemoryQuarantine::default());
    run(
        &table,
        &q,
        &[record(1, &tweet("11", "stored"))],
        &BatchOptions::default(),
    )
    .await;
    let puts_before = *table.puts.lock().unwrap();
    let records = [
        record(5, &tweet("11", "stored")),
        record(6, &tweet("12", "new")),
        record(7, &tweet("11", "edited")),
    ];

    // WHEN the batch runs with the table as its lookup
    let ports = BatchPorts {
        classifier: &KeywordFake,
        tweets: &table,
        quarantine: &q,
        lookup: Some(&table),
    };
    let report = process_batch(&ports, &records, &BatchOptions::default()).await;

    // THEN only the new tweet is written
    let outcomes: Vec<_> = report.outcomes.into_iter().map(|(_, o)| o).collect();
    assert_eq!(
        outcomes,
        [
            RecordOutcome::AlreadyStored,
            RecordOutcome::Written(Prediction::On),
            RecordOutcome::DuplicateInBatch
        ]
    );
    assert_eq!(*table.puts.lock().unwrap(), puts_before + 1);
}
