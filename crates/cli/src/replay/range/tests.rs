use super::*;
use crate::testing::{tweet, ScriptedShard, SHARD};
use tweetboard_core::testing::{KeywordFake, MemoryQuarantine, MemoryTable};

use chrono::DateTime;
use std::sync::Arc;
use tweetboard_aws::retry::Backoff;
fn fast() -> Backoff {
    Backoff {
        base: Duration::from_millis(1),
        cap: Duration::from_millis(5),
        max_attempts: 3,
    }
}

fn pipeline(table: &Arc<MemoryTable>) -> ReplayPipeline {
    ReplayPipeline {
        classifier: Arc::new(KeywordFake),
        tweets: table.clone(),
        quarantine: Arc::new(MemoryQuarantine::default()),
        lookup: table.clone(),
    }
}

/// Runs a replay of `source` into `table` to its end.
async fn replay(source: &ScriptedShard, table: &Arc<MemoryTable>, options: ReplayOptions) -> ReplaySummary {
    Replay::new(source, &pipeline(table), options)
        .run(|_| {})
        .await
        .unwrap()
}

#[tokio::test]
async fn expired_iterators_throttling_and_trimmed_data_are_handled_and_reported() {
    // GIVEN a shard whose reads fail once with throttling and once with an expired
    // iterator (popped from the end), and a requested start (seq 5) already trimmed
    let source = ScriptedShard::six().with_read_failures(vec![
        ReadError::ExpiredIterator,
        ReadError::Throttled("rate exceeded".into()),
    ]);
    let table = Arc::new(MemoryTable::default());
    let options = ReplayOptions {
        from: StartPosition::AtSequenceNumber("5".into()),
        batch_size: 4,
        backoff: fast(),
        ..ReplayOptions::default()
    };

    // WHEN replayed
    let summary = replay(&source, &table, options).await;

    // THEN every available record is written once, and the trouble is reported
    assert_eq!(
        (summary.records_read, summary.newly_written, summary.failed),
        (6, 6, 0)
    );
    assert_eq!((summary.throttled_reads, summary.expired_iterators), (1, 1));
    assert_eq!(summary.trimmed, [SHARD]);
    assert_eq!(table.items.lock().unwrap().len(), 6);
}

#[tokio::test]
async fn a_later_version_of_a_tweet_whose_record_failed_is_held_back_for_the_rest_of_the_run() {
    // GIVEN tweet A whose first record keeps failing (the model endpoint throttles
    // it), and a later, edited record of A in the next read
    let a = "1850000000000000001";
    let source = ScriptedShard::new(vec![
        tweet(a, "flaky-model first version"),
        tweet("1850000000000000002", "lambda"),
        tweet(a, "lambda, edited later version"),
        tweet("1850000000000000003", "lambda"),
    ]);
    let table = Arc::new(MemoryTable::default());
    let options = ReplayOptions {
        batch_size: 2,
        max_retries: 1,
        backoff: fast(),
        ..ReplayOptions::default()
    };

    // WHEN replayed
    let summary = replay(&source, &table, options).await;

    // THEN the later version was not stored: the first still wins once it settles
    let items = table.items.lock().unwrap();
    assert!(!items.contains_key(a), "a later version of {a} was stored");
    assert_eq!(items.len(), 2);
    // AND it is reported as held back, beside the failed record
    assert_eq!(
        (
            summary.records_read,
            summary.newly_written,
            summary.failed,
            summary.held_back
        ),
        (4, 2, 1, 1)
    );
}

#[tokio::test]
async fn a_throttled_get_shard_iterator_is_retried_with_backoff() {
    // GIVEN a shard whose first two GetShardIterator calls are throttled
    let source = ScriptedShard::six().with_iterator_failures(vec![
        ReadError::Throttled("LimitExceededException".into()),
        ReadError::Throttled("Rate exceeded for shard shardId-0".into()),
    ]);
    let table = Arc::new(MemoryTable::default());
    let options = ReplayOptions {
        backoff: fast(),
        ..ReplayOptions::default()
    };

    // WHEN replayed
    let summary = replay(&source, &table, options).await;

    // THEN it backed off, counted the throttling and read everything
    assert_eq!(
        (
            summary.records_read,
            summary.newly_written,
            summary.throttled_reads
        ),
        (6, 6, 2)
    );
}

#[tokio::test]
async fn a_start_time_older_than_the_retention_is_reported_as_trimmed() {
    // GIVEN a stream that keeps records for a day and was created a year ago
    let now = Utc::now();
    async fn replay_from(source: &ScriptedShard, from: DateTime<Utc>) -> ReplaySummary {
        let table = Arc::new(MemoryTable::default());
        let options = ReplayOptions {
            from: StartPosition::AtTimestamp(from),
            backoff: fast(),
            ..ReplayOptions::default()
        };
        Replay::new(source, &pipeline(&table), options)
            .run(|_| {})
            .await
            .unwrap()
    }
    let old_stream = ScriptedShard::six();

    // WHEN replayed from three days ago, and from an hour ago
    let too_old = replay_from(&old_stream, now - chrono::Duration::days(3)).await;
    let recent = replay_from(&old_stream, now - chrono::Duration::hours(1)).await;

    // THEN only the start past retention reports the shard trimmed; both read everything
    assert_eq!(too_old.trimmed, [SHARD]);
    assert!(recent.trimmed.is_empty(), "{:?}", recent.trimmed);
    assert_eq!((too_old.records_read, recent.records_read), (6, 6));

    // AND a stream younger than its retention has trimmed nothing, however early the start
    let mut young_stream = ScriptedShard::six();
    young_stream.retention.created_at = Some(now - chrono::Duration::hours(2));
    let young = replay_from(&young_stream, now - chrono::Duration::days(3)).await;
    assert!(young.trimmed.is_empty(), "{:?}", young.trimmed);
}

#[test]
fn parents_come_before_children() {
    let shard = |id: &str, parent: Option<&str>| ShardInfo {
        shard_id: id.into(),
        parent_shard_id: parent.map(Into::into),
        adjacent_parent_shard_id: None,
        closed: false,
    };
    let listed = [
        shard("c2", Some("p")),
        shard("c1", Some("p")),
        shard("p", None),
        shard("o", None),
    ];
    let order: Vec<String> = parents_first(&listed).into_iter().map(|s| s.shard_id).collect();
    assert_eq!(order, ["p", "o", "c2", "c1"]);
}
