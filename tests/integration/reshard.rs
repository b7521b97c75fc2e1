//! Splitting a shard in the middle of a live stream: the pump and replay follow the
//! lineage (parents read to their end before children), and nothing is lost or doubled.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tweetboard_aws::checkpoints::{Checkpoint, CheckpointStore};
use tweetboard_aws::{provision, KinesisReader};
use tweetboard_aws::{DynamoQuarantine, DynamoTweetStore};
use tweetboard_classifier::{EmbeddedClassifier, Model};
use tweetboard_cli::pump::PumpOptions;
use tweetboard_cli::replay::{Replay, ReplayOptions, ReplayPipeline};
use tweetboard_integration_tests::*;

async fn wait_for_items(env: &TestEnv, n: usize) {
    let start = Instant::now();
    while env.tweets().await.len() < n {
        assert!(
            start.elapsed() < Duration::from_secs(90),
            "the pump did not write {n} tweets in time"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_split_in_the_middle_of_a_live_stream_loses_and_doubles_nothing() {
    // GIVEN a one-shard stream and a pump running live (not until idle)
    let env = TestEnv::with_shards("reshard", 1).await;
    let ingest = env.ingest();
    let batch = |range: std::ops::Range<u64>| -> Value {
        json!({"tweets": range.map(|i| v1_tweet(&big_id(i), &format!("Lambda SnapStart note {i} #aws"))).collect::<Vec<_>>()})
    };
    let consumer = env.consumer();
    let live = PumpOptions {
        batch_size: 25,
        idle_poll_interval: Duration::from_millis(50),
        ..PumpOptions::default()
    };
    let pump = env.pump(&consumer, live);

    // WHEN tweets arrive, the shard is split while the pump runs, and more tweets arrive
    let driver = async {
        ingest.ingest(&batch(0..100)).await.unwrap();
        wait_for_items(&env, 60).await;
        let (before, after) = provision::reshard(&env.aws.kinesis, &env.names.stream, 2)
            .await
            .unwrap();
        assert_eq!((before, after), (1, 2));
        ingest.ingest(&batch(100..200)).await.unwrap();
        wait_for_items(&env, 200).await;
    };
    tokio::select! {
        result = pump.run(|_| {}) => panic!("the live pump stopped: {result:?}"),
        () = driver => {}
    }

    // THEN every tweet is stored once, with its own content
    let items = env.tweets().await;
    assert_eq!(items.len(), 200);
    for item in &items {
        let id: u64 = s(item, "tweet_id").parse().unwrap();
        let n = id - 1_859_000_000_000_000_001;
        assert_eq!(s(item, "text"), format!("Lambda SnapStart note {n} #aws"));
    }

    // AND a pump run until idle finishes: the parent is read to its end, then its children
    let reader = KinesisReader::new(env.aws.kinesis.clone(), &env.names.stream);
    let shards = reader.list_shards().await.unwrap();
    assert_eq!(shards.len(), 3);
    let parent = shards
        .iter()
        .find(|s| s.closed)
        .expect("a closed parent")
        .shard_id
        .clone();
    assert!(shards
        .iter()
        .filter(|s| !s.closed)
        .all(|s| s.parent_shard_id.as_deref() == Some(parent.as_str())));
    let until_idle = PumpOptions {
        until_idle: true,
        idle_poll_interval: Duration::from_millis(50),
        ..PumpOptions::default()
    };
    let drained = env.pump(&consumer, until_idle).run(|_| {}).await.unwrap();
    assert_eq!(drained.counts.written, 0, "nothing left to write");
    let checkpoints = CheckpointStore::new(env.aws.dynamo.clone(), &env.names.checkpoint_table);
    assert_eq!(
        checkpoints.get(&env.names.stream, &parent).await.unwrap(),
        Some(Checkpoint::ShardEnd)
    );

    // AND a replay of every shard, parents first, finds everything already present
    let store = Arc::new(DynamoTweetStore::new(env.aws.dynamo.clone(), &env.names.table));
    let pipeline = ReplayPipeline {
        classifier: Arc::new(EmbeddedClassifier::new(Model::embedded_default())),
        tweets: store.clone(),
        quarantine: Arc::new(DynamoQuarantine::new(
            env.aws.dynamo.clone(),
            &env.names.quarantine_table,
        )),
        lookup: store,
    };
    let summary = Replay::new(&reader, &pipeline, ReplayOptions::default())
        .run(|_| {})
        .await
        .unwrap();
    assert_eq!(summary.shards[0], parent);
    assert_eq!((summary.newly_written, summary.failed), (0, 0));
    assert!(summary.records_read >= 100);
    assert_eq!(env.tweets().await.len(), 200);
}
