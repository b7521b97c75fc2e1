//! The batch use case with the redelivery probe, against in-memory fakes: what the
//! consumer does to a redelivered, a fresh and a partly stored batch.

use chrono::Utc;
use tweetboard_core::batch::{process_batch, BatchOptions, BatchPorts, RecordOutcome};
use tweetboard_core::probe::ProbeFirst;
use tweetboard_core::testing::{KeywordFake, MemoryQuarantine, MemoryTable};
use tweetboard_core::{InputRecord, RecordSource};

fn records(ids: std::ops::Range<u64>) -> Vec<InputRecord> {
    ids.map(|i| {
        let sequence_number = format!("4959{i:020}");
        InputRecord {
            event_id: InputRecord::event_id_for("shardId-000000000000", &sequence_number),
            sequence_number,
            partition_key: "pk".into(),
            data: serde_json::json!({"id_str": (1000 + i).to_string(), "text": format!("lambda tweet {i}")})
                .to_string()
                .into_bytes()
                .into(),
            arrived_at: Utc::now(),
            source: RecordSource {
                stream_arn: "arn:aws:kinesis:us-east-1:123456789012:stream/tweets".into(),
                shard_id: "shardId-000000000000".into(),
            },
        }
    })
    .collect()
}

async fn run(table: &MemoryTable, records: &[InputRecord]) -> Vec<RecordOutcome> {
    let quarantine = MemoryQuarantine::default();
    let probe = ProbeFirst::new(table);
    let ports = BatchPorts {
        classifier: &KeywordFake,
        tweets: table,
        quarantine: &quarantine,
        lookup: Some(&probe),
    };
    process_batch(&ports, records, &BatchOptions::default())
        .await
        .outcomes
        .into_iter()
        .map(|(_, o)| o)
        .collect()
}

fn puts(table: &MemoryTable) -> usize {
    *table.puts.lock().unwrap()
}

#[tokio::test]
async fn a_redelivered_batch_settles_as_already_stored_without_a_write() {
    // GIVEN a batch of 300 tweets already processed once
    let table = MemoryTable::default();
    let batch = records(0..300);
    run(&table, &batch).await;
    let before = puts(&table);
    // WHEN it is delivered again
    let outcomes = run(&table, &batch).await;
    // THEN every record is already stored and nothing was written
    assert!(outcomes.iter().all(|o| *o == RecordOutcome::AlreadyStored));
    assert_eq!(puts(&table), before);
}

#[tokio::test]
async fn a_fresh_batch_is_written_whole() {
    let table = MemoryTable::default();
    let outcomes = run(&table, &records(0..300)).await;
    assert!(outcomes.iter().all(|o| matches!(o, RecordOutcome::Written(_))));
    assert_eq!(puts(&table), 300);
}

#[tokio::test]
async fn a_batch_stored_but_for_its_tail_writes_only_the_tail() {
    // GIVEN the first 250 of 300 tweets stored (a retry after the invocation was cut off)
    let table = MemoryTable::default();
    run(&table, &records(0..250)).await;
    let before = puts(&table);
    // WHEN the whole batch is delivered
    let outcomes = run(&table, &records(0..300)).await;
    // THEN only the 50 new tweets are written
    assert_eq!(puts(&table) - before, 50);
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| **o == RecordOutcome::AlreadyStored)
            .count(),
        250
    );
}

/// A lookup that never answers in time: a throttled or hanging `BatchGetItem`.
struct HangingLookup;

#[async_trait::async_trait]
impl tweetboard_core::ports::TweetLookup for HangingLookup {
    async fn stored_hashes(
        &self,
        _: &[tweetboard_core::TweetId],
    ) -> Result<
        std::collections::HashMap<tweetboard_core::TweetId, Option<String>>,
        tweetboard_core::ServiceError,
    > {
        tokio::time::sleep(std::time::Duration::from_secs(600)).await;
        Ok(Default::default())
    }
}

#[tokio::test]
async fn a_hanging_lookup_gives_up_its_share_of_the_time_and_the_batch_is_still_written() {
    // GIVEN a batch with an invocation deadline and a lookup that would hang past it
    let table = MemoryTable::default();
    let quarantine = MemoryQuarantine::default();
    let ports = BatchPorts {
        classifier: &KeywordFake,
        tweets: &table,
        quarantine: &quarantine,
        lookup: Some(&HangingLookup),
    };
    let options = BatchOptions {
        deadline: Some(std::time::Instant::now() + std::time::Duration::from_secs(8)),
        deadline_margin: std::time::Duration::from_secs(1),
        ..BatchOptions::default()
    };
    let batch = records(0..50);

    // WHEN the batch is processed
    let outcomes = process_batch(&ports, &batch, &options).await.outcomes;

    // THEN the lookup was abandoned (the call returned at all: it would sleep ten minutes)
    // and every record was written conditionally instead, none left for retry
    assert!(outcomes
        .iter()
        .all(|(_, o)| matches!(o, RecordOutcome::Written(_))));
    assert_eq!(puts(&table), 50);
}
