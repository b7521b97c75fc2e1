//! `tweetboard pump`, the local event source mapping, against real Kinesis and DynamoDB.

use std::time::Duration;

use serde_json::Value;
use tweetboard_aws::retry::Backoff;
use tweetboard_cli::pump::{PumpError, PumpOptions};
use tweetboard_integration_tests::*;

fn options() -> PumpOptions {
    PumpOptions {
        until_idle: true,
        batch_size: 100,
        idle_poll_interval: Duration::from_millis(50),
        backoff: Backoff {
            base: Duration::from_millis(10),
            cap: Duration::from_millis(50),
            max_attempts: 3,
        },
        ..PumpOptions::default()
    }
}

#[tokio::test]
async fn pump_drains_every_shard_and_a_restart_resumes_from_the_checkpoints() {
    // GIVEN 300 tweets (with 10 repeats) on a two-shard stream
    let env = TestEnv::with_shards("pump", 2).await;
    let mut tweets: Vec<Value> = (0..300)
        .map(|i| v1_tweet(&big_id(i), &format!("ECS task {i} #aws")))
        .collect();
    tweets.extend((0..10).map(|i| v1_tweet(&big_id(i), &format!("ECS task {i} #aws"))));
    env.ingest_all(tweets).await;
    let consumer = env.consumer();

    // WHEN the pump runs until idle
    let summary = env.pump(&consumer, options()).run(|_| {}).await.unwrap();

    // THEN every record settled once and every tweet is stored once
    assert_eq!(summary.counts.records, 310);
    assert_eq!(summary.counts.written, 300);
    assert_eq!(
        summary.counts.already_stored + summary.counts.duplicates_in_batch,
        10
    );
    assert_eq!(env.tweets().await.len(), 300);

    // AND a second run starts after the checkpoints: nothing is delivered again
    let again = env.pump(&consumer, options()).run(|_| {}).await.unwrap();
    assert_eq!((again.invocations, again.counts.records), (0, 0));

    // AND new records are picked up from where it stopped
    env.ingest_all(vec![v1_tweet(&big_id(1000), "late arrival #aws")])
        .await;
    let third = env.pump(&consumer, options()).run(|_| {}).await.unwrap();
    assert_eq!((third.counts.records, third.counts.written), (1, 1));
}

#[tokio::test]
async fn pump_retries_a_failing_batch_and_never_moves_past_it() {
    // GIVEN records on the stream and a consumer whose DynamoDB is unreachable
    let env = TestEnv::new("pump-outage").await;
    env.ingest_all((0..20).map(|i| v1_tweet(&big_id(i), "Aurora #aws")).collect())
        .await;
    let broken = clients_with_dynamodb_unreachable().await;
    let failing = consumer_over(&broken, &env.names, 8);

    // WHEN the pump runs with few retries
    let err = env
        .pump(
            &failing,
            PumpOptions {
                max_retries: 2,
                ..options()
            },
        )
        .run(|_| {})
        .await
        .unwrap_err();

    // THEN it stops with a clear error naming the first unsettled record ...
    match &err {
        PumpError::RetriesExhausted {
            sequence_number,
            retries,
            ..
        } => {
            assert_eq!(*retries, 2);
            assert!(!sequence_number.is_empty());
        }
        other => panic!("unexpected error {other}"),
    }
    assert!(env.tweets().await.is_empty());

    // ... and once DynamoDB is back, a new run delivers every record: nothing was skipped
    let healthy = env.consumer();
    let summary = env.pump(&healthy, options()).run(|_| {}).await.unwrap();
    assert_eq!(summary.counts.written, 20);
}
