//! Unit tests of the batch use case against in-memory fakes. One file past 450 lines:
//! every test here drives `process_batch` through the same few helpers (a record, a
//! tweet, a run with the fakes), and each names one rule of the batch's contract.

use std::time::{Duration, Instant};

use chrono::Utc;
use tweetboard_core::batch::{process_batch, BatchOptions, BatchPorts, RecordOutcome};
use tweetboard_core::error::MAX_REASON_BYTES;
use tweetboard_core::stored::HourCount;
use tweetboard_core::testing::{KeywordFake, MemoryQuarantine, MemoryTable};
use tweetboard_core::{InputRecord, Prediction, RecordSource};

fn record(seq: u64, data: &str) -> InputRecord {
    let sequence_number = format!("4959{seq:020}");
    InputRecord {
        event_id: InputRecord::event_id_for("shardId-000000000000", &sequence_number),
        sequence_number,
        partition_key: "pk".into(),
        data: data.as_bytes().to_vec().into(),
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
    run_ports(table, quarantine, None, records, options).await
}

/// [`run`] with the table as the batch's lookup too (stored tweets found first).
async fn run_looked_up(
    table: &MemoryTable,
    quarantine: &MemoryQuarantine,
    records: &[InputRecord],
) -> Vec<RecordOutcome> {
    run_ports(table, quarantine, Some(table), records, &BatchOptions::default()).await
}

async fn run_ports(
    table: &MemoryTable,
    quarantine: &MemoryQuarantine,
    lookup: Option<&MemoryTable>,
    records: &[InputRecord],
    options: &BatchOptions,
) -> Vec<RecordOutcome> {
    let ports = BatchPorts {
        classifier: &KeywordFake,
        tweets: table,
        quarantine,
        lookup: lookup.map(|t| t as &dyn tweetboard_core::ports::TweetLookup),
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
    // GIVEN tweet 11 written by a first run, and the item it stored
    let (table, q) = (MemoryTable::default(), MemoryQuarantine::default());
    let records = [record(1, &tweet("11", "lambda rocks"))];
    run(&table, &q, &records, &BatchOptions::default()).await;
    let stored = table.items.lock().unwrap()["11"].clone();

    // WHEN the same record runs again
    let outcomes = run(&table, &q, &records, &BatchOptions::default()).await;

    // THEN it is already stored, and the item is unchanged
    assert_eq!(outcomes, [RecordOutcome::AlreadyStored]);
    assert_eq!(table.items.lock().unwrap()["11"], stored);
}

#[tokio::test]
async fn duplicate_id_in_one_batch_first_record_wins() {
    // GIVEN an empty table and a batch holding two identical copies of tweet 11
    let (table, q) = (MemoryTable::default(), MemoryQuarantine::default());
    let records = [record(1, &tweet("11", "first")), record(2, &tweet("11", "first"))];

    // WHEN the batch runs
    let outcomes = run(&table, &q, &records, &BatchOptions::default()).await;

    // THEN the first is written and the second is a duplicate, with one write in all
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
async fn two_versions_of_one_tweet_in_one_batch_count_as_a_conflict() {
    // GIVEN an empty table and a batch holding two versions of tweet 11
    let (table, q) = (MemoryTable::default(), MemoryQuarantine::default());
    let records = [
        record(1, &tweet("11", "first")),
        record(2, &tweet("11", "second junk")),
    ];
    // WHEN the batch runs
    let ports = BatchPorts {
        classifier: &KeywordFake,
        tweets: &table,
        quarantine: &q,
        lookup: None,
    };
    let report = process_batch(&ports, &records, &BatchOptions::default()).await;
    // THEN the first is written and the second is a conflict, counted as one
    assert_eq!(report.outcomes[0].1, RecordOutcome::Written(Prediction::On));
    assert_eq!(report.outcomes[1].1, RecordOutcome::Conflict);
    assert_eq!(
        (report.counts.conflicts, report.counts.duplicates_in_batch),
        (1, 0)
    );
    assert_eq!(table.items.lock().unwrap()["11"].tweet.text, "first");
}

#[tokio::test]
async fn copies_in_a_batch_are_compared_with_the_stored_version_not_the_first_copy() {
    // GIVEN tweet 11 stored as "stored"
    let (table, q) = (MemoryTable::default(), MemoryQuarantine::default());
    let stored = [record(1, &tweet("11", "stored"))];
    run(&table, &q, &stored, &BatchOptions::default()).await;
    // WHEN a batch brings an edited copy first and the stored version second
    let records = [
        record(2, &tweet("11", "edited")),
        record(3, &tweet("11", "stored")),
    ];
    let outcomes = run(&table, &q, &records, &BatchOptions::default()).await;
    // THEN the edited copy is the conflict, and the stored version's copy is a plain duplicate
    assert_eq!(
        outcomes,
        [RecordOutcome::Conflict, RecordOutcome::DuplicateInBatch]
    );
    // AND the other way round, the edited copy after a redelivery is the conflict
    let records = [
        record(4, &tweet("11", "stored")),
        record(5, &tweet("11", "edited")),
    ];
    let outcomes = run(&table, &q, &records, &BatchOptions::default()).await;
    assert_eq!(outcomes, [RecordOutcome::AlreadyStored, RecordOutcome::Conflict]);
    assert_eq!(table.items.lock().unwrap()["11"].tweet.text, "stored");
}

#[tokio::test]
async fn same_id_with_different_content_later_is_a_conflict_and_first_is_kept() {
    // GIVEN tweet 11 stored as "first"
    let (table, q) = (MemoryTable::default(), MemoryQuarantine::default());
    run(
        &table,
        &q,
        &[record(1, &tweet("11", "first"))],
        &BatchOptions::default(),
    )
    .await;

    // WHEN a later batch brings an edited version of it
    let outcomes = run(
        &table,
        &q,
        &[record(2, &tweet("11", "edited"))],
        &BatchOptions::default(),
    )
    .await;

    // THEN it is a conflict, and the first version is kept
    assert_eq!(outcomes, [RecordOutcome::Conflict]);
    assert_eq!(table.items.lock().unwrap()["11"].tweet.text, "first");
}

#[tokio::test]
async fn poison_records_are_quarantined_raw_and_valid_ones_written() {
    // GIVEN a batch of bytes that are not JSON, a good tweet, a tweet without an id and a
    // tweet the model cannot score
    let (table, q) = (MemoryTable::default(), MemoryQuarantine::default());
    let records = [
        record(1, "{not json"),
        record(2, &tweet("12", "good")),
        record(3, r#"{"text": "no id"}"#),
        record(4, &tweet("14", "poison-model")),
    ];

    // WHEN the batch runs
    let outcomes = run(&table, &q, &records, &BatchOptions::default()).await;

    // THEN the good tweet is written and the other three are quarantined, each with its
    // reason
    assert!(matches!(&outcomes[0], RecordOutcome::Quarantined(r) if r.code() == "not_json"));
    assert_eq!(outcomes[1], RecordOutcome::Written(Prediction::On));
    assert!(matches!(&outcomes[2], RecordOutcome::Quarantined(r) if r.code() == "invalid_id"));
    assert!(matches!(&outcomes[3], RecordOutcome::Quarantined(r) if r.code() == "classifier"));
    // AND the entry of the bytes that are not JSON keeps them raw
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
    // GIVEN a table and a quarantine store that fail every write as if unreachable, and a
    // batch of a tweet, garbage and a copy of the tweet
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

    // WHEN the batch runs
    let outcomes = run(&table, &q, &records, &BatchOptions::default()).await;

    // THEN every record, the garbage too, is reported for retry
    assert!(
        outcomes.iter().all(|o| matches!(o, RecordOutcome::Retry(_))),
        "{outcomes:?}"
    );
}

#[tokio::test]
async fn transient_classifier_failure_is_retried_not_quarantined() {
    // GIVEN an empty table and quarantine store
    let (table, q) = (MemoryTable::default(), MemoryQuarantine::default());
    // WHEN a tweet the model fails on transiently (a throttled endpoint) runs
    let outcomes = run(
        &table,
        &q,
        &[record(1, &tweet("11", "flaky-model"))],
        &BatchOptions::default(),
    )
    .await;
    // THEN it is reported for retry, and nothing is quarantined
    assert!(matches!(&outcomes[0], RecordOutcome::Retry(_)));
    assert!(q.entries.lock().unwrap().is_empty());
}

#[tokio::test]
async fn oversized_first_copy_does_not_hide_a_good_second_copy() {
    // GIVEN a batch holding a 500 KB version of tweet 11 (over the table's 400 KB item
    // limit), then a version that fits
    let (table, q) = (MemoryTable::default(), MemoryQuarantine::default());
    let huge = "x".repeat(500 * 1024);
    let records = [record(1, &tweet("11", &huge)), record(2, &tweet("11", "fits"))];

    // WHEN the batch runs
    let outcomes = run(&table, &q, &records, &BatchOptions::default()).await;

    // THEN the oversized one is quarantined as too large, and the one that fits is written
    assert!(matches!(&outcomes[0], RecordOutcome::Quarantined(r) if r.code() == "item_too_large"));
    assert_eq!(outcomes[1], RecordOutcome::Written(Prediction::On));
    assert_eq!(table.items.lock().unwrap()["11"].tweet.text, "fits");
}

/// Tweet 11 with an id the batch's first pass reads (it looks at the id alone) and a
/// `user` that is a number, which the full decode refuses.
const ELEVEN_UNDECODABLE: &str = r#"{"id_str": "11", "text": "lambda", "user": 5}"#;

#[tokio::test]
async fn a_first_copy_whose_id_reads_but_which_does_not_decode_is_quarantined_and_the_next_copy_written() {
    // GIVEN tweet 11 whose id reads but whose body does not decode, then a good copy
    let (table, q) = (MemoryTable::default(), MemoryQuarantine::default());
    let records = [
        record(1, ELEVEN_UNDECODABLE),
        record(2, &tweet("11", "lambda rocks")),
    ];

    // WHEN the batch runs
    let outcomes = run(&table, &q, &records, &BatchOptions::default()).await;

    // THEN the first is quarantined with decode's reason, raw, and the good copy written
    assert!(matches!(&outcomes[0], RecordOutcome::Quarantined(r) if r.code() == "not_a_tweet"));
    assert_eq!(outcomes[1], RecordOutcome::Written(Prediction::On));
    assert_eq!(table.items.lock().unwrap()["11"].tweet.text, "lambda rocks");
    assert_eq!(q.entries.lock().unwrap()[0].data, ELEVEN_UNDECODABLE.as_bytes());
}

#[tokio::test]
async fn a_later_copy_that_does_not_decode_is_quarantined_not_settled_as_a_duplicate() {
    // GIVEN a good tweet 11, then a copy of its id that does not decode, with and without
    // a lookup (which finds 11 stored the second time)
    for lookup in [false, true] {
        let (table, q) = (MemoryTable::default(), MemoryQuarantine::default());
        let records = [
            record(1, &tweet("11", "lambda rocks")),
            record(2, ELEVEN_UNDECODABLE),
        ];
        if lookup {
            run(&table, &q, &records[..1], &BatchOptions::default()).await;
        }

        // WHEN the batch runs
        let outcomes = if lookup {
            run_looked_up(&table, &q, &records).await
        } else {
            run(&table, &q, &records, &BatchOptions::default()).await
        };

        // THEN the good one is written (or found stored) and the copy quarantined with its
        // bytes: it holds no tweet, so it is nobody's duplicate
        let first = if lookup {
            RecordOutcome::AlreadyStored
        } else {
            RecordOutcome::Written(Prediction::On)
        };
        assert_eq!(outcomes[0], first, "lookup {lookup}");
        assert!(
            matches!(&outcomes[1], RecordOutcome::Quarantined(r) if r.code() == "not_a_tweet"),
            "lookup {lookup}: {:?}",
            outcomes[1]
        );
        assert_eq!(q.entries.lock().unwrap()[0].data, ELEVEN_UNDECODABLE.as_bytes());
    }
}

#[tokio::test]
async fn a_stored_id_whose_first_copy_does_not_decode_is_found_stored_by_the_lookup() {
    // GIVEN a table holding tweet 11, and a batch of an undecodable record with its id
    // then the same tweet again
    let (table, q) = (MemoryTable::default(), MemoryQuarantine::default());
    let stored = tweet("11", "lambda rocks");
    run(&table, &q, &[record(1, &stored)], &BatchOptions::default()).await;
    let puts_before = *table.puts.lock().unwrap();
    let records = [record(5, ELEVEN_UNDECODABLE), record(6, &stored)];

    // WHEN the batch runs with the table as its lookup
    let outcomes = run_looked_up(&table, &q, &records).await;

    // THEN the undecodable one is quarantined and the copy is already stored, told by the
    // lookup: not classified and put again (the copy does not wait for the undecodable
    // record, which would take it past the lookup)
    assert!(matches!(&outcomes[0], RecordOutcome::Quarantined(r) if r.code() == "not_a_tweet"));
    assert_eq!(outcomes[1], RecordOutcome::AlreadyStored);
    assert_eq!(table.items.lock().unwrap().len(), 1);
    assert_eq!(*table.puts.lock().unwrap(), puts_before);
}

#[tokio::test]
async fn a_good_copy_does_not_wait_for_an_undecodable_first_copy_whose_quarantine_fails() {
    // GIVEN a quarantine that cannot be written for now, and a batch of an undecodable
    // record with tweet 11's id then a good tweet 11
    let table = MemoryTable::default();
    let q = MemoryQuarantine {
        fail_transiently: true,
        ..MemoryQuarantine::default()
    };
    let records = [
        record(1, ELEVEN_UNDECODABLE),
        record(2, &tweet("11", "lambda rocks")),
    ];

    // WHEN the batch runs
    let outcomes = run(&table, &q, &records, &BatchOptions::default()).await;

    // THEN the undecodable one is reported for retry, and the good one is written all the
    // same: it is no copy of a record that holds no tweet
    assert!(
        matches!(&outcomes[0], RecordOutcome::Retry(r) if r.code() == "quarantine_write_failed"),
        "{:?}",
        outcomes[0]
    );
    assert_eq!(outcomes[1], RecordOutcome::Written(Prediction::On));
}

#[tokio::test]
async fn past_the_deadline_nothing_starts_and_everything_is_reported() {
    // GIVEN an invocation with 1 s left and a 2 s deadline margin, and two tweets
    let (table, q) = (MemoryTable::default(), MemoryQuarantine::default());
    let options = BatchOptions {
        deadline: Some(Instant::now() + Duration::from_secs(1)),
        deadline_margin: Duration::from_secs(2),
        ..BatchOptions::default()
    };
    let records = [record(1, &tweet("11", "a")), record(2, &tweet("12", "b"))];

    // WHEN the batch runs
    let outcomes = run(&table, &q, &records, &options).await;

    // THEN both are reported for retry at the deadline, and nothing was written
    assert!(outcomes
        .iter()
        .all(|o| matches!(o, RecordOutcome::Retry(r) if r.code() == "deadline")));
    assert_eq!(*table.puts.lock().unwrap(), 0);
}

#[tokio::test]
async fn with_a_lookup_stored_tweets_are_neither_classified_nor_written() {
    // GIVEN a table holding tweet 11, and a batch of 11 (same content), 12 (new) and a
    // different version of 11
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
    let outcomes = run_looked_up(&table, &q, &records).await;

    // THEN only the new tweet is written
    assert_eq!(
        outcomes,
        [
            RecordOutcome::AlreadyStored,
            RecordOutcome::Written(Prediction::On),
            RecordOutcome::Conflict
        ]
    );
    assert_eq!(*table.puts.lock().unwrap(), puts_before + 1);
}

/// A v1.1 tweet whose `field` holds `value`.
fn tweet_with(id: &str, field: &str, value: serde_json::Value) -> String {
    let mut t = serde_json::json!({"id_str": id, "text": "t"});
    t[field] = value;
    t.to_string()
}

#[tokio::test]
async fn records_whose_reasons_would_quote_250_kb_are_quarantined_not_retried() {
    // GIVEN a 250 KB invalid id and a 250 KB string where a count belongs: both reasons
    // quote the offending value, and the quarantine store refuses items over 400 KB
    let (table, q) = (MemoryTable::default(), MemoryQuarantine::default());
    let big = "9".repeat(250_000) + "x";
    let records = [
        record(1, &tweet_with(&big, "text", "t".into())),
        record(2, &tweet_with("12", "retweet_count", big.clone().into())),
    ];
    // WHEN the batch runs
    let outcomes = run(&table, &q, &records, &BatchOptions::default()).await;
    // THEN both are quarantined with bounded reasons and their raw bytes kept whole
    assert!(
        matches!(&outcomes[0], RecordOutcome::Quarantined(r) if r.code() == "invalid_id"),
        "{outcomes:?}"
    );
    assert!(
        matches!(&outcomes[1], RecordOutcome::Quarantined(r) if r.code() == "not_a_tweet"),
        "{outcomes:?}"
    );
    let entries = q.entries.lock().unwrap();
    assert_eq!(entries.len(), 2);
    for (entry, record) in entries.iter().zip(&records) {
        assert!(entry.reason.len() <= MAX_REASON_BYTES, "{}", entry.reason.len());
        assert_eq!(entry.data, record.data);
        assert!(!entry.data_omitted);
    }
}

#[tokio::test]
async fn a_quarantine_entry_the_store_refuses_for_good_becomes_a_minimal_entry() {
    // GIVEN a quarantine store that can never take an entry with raw bytes
    let table = MemoryTable::default();
    let q = MemoryQuarantine {
        refuse_raw_bytes: true,
        ..MemoryQuarantine::default()
    };
    // WHEN a poison record is quarantined
    let records = [record(1, "not json at all")];
    let outcomes = run(&table, &q, &records, &BatchOptions::default()).await;
    // THEN it settles with a minimal entry: its size and reason, no bytes
    assert!(
        matches!(&outcomes[0], RecordOutcome::Quarantined(r) if r.code() == "quarantine_write_rejected"),
        "{outcomes:?}"
    );
    let entries = q.entries.lock().unwrap();
    assert_eq!(entries.len(), 1);
    assert!(entries[0].data_omitted && entries[0].data.is_empty());
    assert_eq!(entries[0].data_size, records[0].data.len());
    assert!(
        entries[0].reason.contains("first reason: not_json"),
        "{}",
        entries[0].reason
    );
}

#[tokio::test]
async fn a_store_that_hangs_near_the_deadline_turns_into_retries_before_the_deadline() {
    // GIVEN a store whose writes take 30 s and an invocation with 1.5 s left
    let table = MemoryTable {
        write_delay: Duration::from_secs(30),
        ..MemoryTable::default()
    };
    let q = MemoryQuarantine::default();
    let deadline = Instant::now() + Duration::from_millis(1500);
    let options = BatchOptions {
        deadline: Some(deadline),
        deadline_margin: Duration::from_millis(400),
        ..BatchOptions::default()
    };
    let records = [record(1, &tweet("11", "a")), record(2, &tweet("12", "b"))];
    // WHEN the batch runs
    let outcomes = run(&table, &q, &records, &options).await;
    // THEN it returns before the deadline with both records reported for retry
    assert!(Instant::now() < deadline, "returned after the deadline");
    assert!(
        outcomes
            .iter()
            .all(|o| matches!(o, RecordOutcome::Retry(r) if r.code() == "deadline")),
        "{outcomes:?}"
    );
}

#[tokio::test]
async fn with_no_margin_a_hanging_store_still_leaves_time_to_return_the_response() {
    // GIVEN DEADLINE_MARGIN_MS=0, a store whose writes take 30 s and 800 ms left
    let table = MemoryTable {
        write_delay: Duration::from_secs(30),
        ..MemoryTable::default()
    };
    let deadline = Instant::now() + Duration::from_millis(800);
    let options = BatchOptions {
        deadline: Some(deadline),
        deadline_margin: Duration::ZERO,
        ..BatchOptions::default()
    };
    // WHEN the batch runs
    let outcomes = run(
        &table,
        &MemoryQuarantine::default(),
        &[record(1, &tweet("11", "a"))],
        &options,
    )
    .await;
    // THEN the record is cut off with time to spare, and reported for retry
    assert!(Instant::now() < deadline, "returned after the deadline");
    assert!(
        matches!(&outcomes[0], RecordOutcome::Retry(r) if r.code() == "deadline"),
        "{outcomes:?}"
    );
}

#[tokio::test]
async fn a_batch_adds_what_it_newly_stored_to_the_hour_counts_once_and_a_redelivery_adds_nothing() {
    // GIVEN a batch of two on-topic tweets of one hour, a junk one of another hour, a
    // copy of the first, and a record that is not a tweet
    let (table, q) = (MemoryTable::default(), MemoryQuarantine::default());
    let at = |id: &str, text: &str, created: &str| {
        serde_json::json!({"id_str": id, "text": text, "created_at": created}).to_string()
    };
    let records = [
        record(1, &at("11", "lambda rocks", "Thu Nov 26 10:05:00 +0000 2026")),
        record(2, &at("12", "kinesis too", "Thu Nov 26 10:59:59 +0000 2026")),
        record(3, &at("13", "junk giveaway", "Thu Nov 26 09:00:00 +0000 2026")),
        record(4, &at("11", "lambda rocks", "Thu Nov 26 10:05:00 +0000 2026")),
        record(5, "not json"),
    ];

    // WHEN it runs, and is then delivered again
    run(&table, &q, &records, &BatchOptions::default()).await;
    run(&table, &q, &records, &BatchOptions::default()).await;

    // THEN the first run counted each stored tweet once, per hour, in one call; the
    // redelivery stored nothing new and counted nothing
    let counted = table.counted.lock().unwrap().clone();
    assert_eq!(
        counted,
        [vec![
            HourCount {
                hour: "2026-11-26T09".into(),
                on: 0,
                off: 1
            },
            HourCount {
                hour: "2026-11-26T10".into(),
                on: 2,
                off: 0
            },
        ]]
    );
}
