//! `tweetboard replay` against the emulator: safe over a complete table, restores what
//! was lost, cheap (no classifier call for stored tweets), dry runs, ranges, shard
//! selection, and running beside the pump.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::{json, Value};
use tweetboard_aws::dynamo::CapacityMeter;
use tweetboard_aws::{DynamoQuarantine, DynamoTweetStore, KinesisReader};
use tweetboard_classifier::{EmbeddedClassifier, Model};
use tweetboard_cli::pump::PumpOptions;
use tweetboard_cli::replay::{parse_from, parse_to, Replay, ReplayError, ReplayOptions, ReplayPipeline};
use tweetboard_core::dry_run::DryRun;
use tweetboard_core::ports::Classifier;
use tweetboard_core::{Classification, ClassifyError, Tweet};
use tweetboard_integration_tests::*;

/// The real model, counting its calls (to prove a replay of stored data makes none).
struct Counting {
    inner: EmbeddedClassifier,
    calls: AtomicUsize,
}

#[async_trait]
impl Classifier for Counting {
    fn model_id(&self) -> &str {
        self.inner.model_id()
    }
    async fn classify(&self, tweet: &Tweet) -> Result<Classification, ClassifyError> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        self.inner.classify(tweet).await
    }
}

fn counting() -> Arc<Counting> {
    Arc::new(Counting {
        inner: EmbeddedClassifier::new(Model::embedded_default()),
        calls: AtomicUsize::new(0),
    })
}

struct Setup {
    env: TestEnv,
    reader: KinesisReader,
}

/// `n` tweets on a two-shard stream, processed by the pump into the table.
async fn processed(label: &str, n: u64) -> Setup {
    let env = TestEnv::with_shards(label, 2).await;
    let tweets: Vec<Value> = (0..n)
        .map(|i| v1_tweet(&big_id(i), &format!("CloudFront tip {i} #aws")))
        .collect();
    env.ingest_all(tweets).await;
    let consumer = env.consumer();
    let pump_options = PumpOptions {
        until_idle: true,
        idle_poll_interval: Duration::from_millis(50),
        ..PumpOptions::default()
    };
    env.pump(&consumer, pump_options).run(|_| {}).await.unwrap();
    let reader = KinesisReader::new(env.aws.kinesis.clone(), &env.names.stream);
    Setup { env, reader }
}

fn pipeline(env: &TestEnv, classifier: Arc<Counting>, meter: Arc<CapacityMeter>) -> ReplayPipeline {
    let store = Arc::new(DynamoTweetStore::new(env.aws.dynamo.clone(), &env.names.table).with_meter(meter));
    ReplayPipeline {
        classifier,
        tweets: store.clone(),
        quarantine: Arc::new(DynamoQuarantine::new(
            env.aws.dynamo.clone(),
            &env.names.quarantine_table,
        )),
        lookup: store,
    }
}

fn sorted(mut items: Vec<Item>) -> Vec<Item> {
    items.sort_by_key(|i| s(i, "tweet_id").to_owned());
    items
}

#[tokio::test]
async fn a_replay_over_a_complete_table_changes_nothing_and_classifies_nothing() {
    // GIVEN a fully processed stream
    let Setup { env, reader } = processed("replay-full", 120).await;
    let before = sorted(env.tweets().await);
    let classifier = counting();
    let meter = Arc::new(CapacityMeter::default());

    // WHEN it is replayed (twice: re-running is always safe)
    let p = pipeline(&env, classifier.clone(), meter.clone());
    let first = Replay::new(&reader, &p, ReplayOptions::default())
        .run(|_| {})
        .await
        .unwrap();
    let second = Replay::new(&reader, &p, ReplayOptions::default())
        .run(|_| {})
        .await
        .unwrap();

    // THEN every record was already present: no model call, no write, nothing changed
    for summary in [&first, &second] {
        assert_eq!(summary.records_read, 120);
        assert_eq!(
            (summary.already_present, summary.newly_written, summary.failed),
            (120, 0, 0)
        );
    }
    assert_eq!(classifier.calls.load(Ordering::Relaxed), 0);
    assert_eq!(meter.write_units(), 0.0);
    assert!(meter.read_units() > 0.0, "BatchGetItem capacity is reported");
    assert_eq!(sorted(env.tweets().await), before);
}

#[tokio::test]
async fn a_replay_after_deletions_restores_them_with_the_same_classification() {
    let Setup { env, reader } = processed("replay-restore", 60).await;
    let before = sorted(env.tweets().await);
    let lost: Vec<String> = (0..60).step_by(7).map(big_id).collect();
    for id in &lost {
        env.aws
            .dynamo
            .delete_item()
            .table_name(&env.names.table)
            .key("tweet_id", AttributeValue::S(id.clone()))
            .send()
            .await
            .unwrap();
    }
    let classifier = counting();

    let summary = Replay::new(
        &reader,
        &pipeline(&env, classifier.clone(), Arc::default()),
        ReplayOptions::default(),
    )
    .run(|_| {})
    .await
    .unwrap();

    assert_eq!(
        (summary.newly_written, summary.already_present),
        (lost.len(), 60 - lost.len())
    );
    assert_eq!(
        classifier.calls.load(Ordering::Relaxed),
        lost.len(),
        "only the lost tweets were classified"
    );
    let after = sorted(env.tweets().await);
    assert_eq!(after.len(), 60);
    for (b, a) in before.iter().zip(&after) {
        for attr in [
            "tweet_id",
            "prediction",
            "text",
            "content_hash",
            "source_sequence_number",
            "source_shard",
        ] {
            assert_eq!(b.get(attr), a.get(attr), "{attr} of {}", s(b, "tweet_id"));
        }
        assert_eq!(b.get("probability"), a.get("probability"));
    }
}

#[tokio::test]
async fn a_dry_run_writes_nothing_and_reports_what_it_would_write() {
    let Setup { env, reader } = processed("replay-dry", 30).await;
    for i in 0..4 {
        env.aws
            .dynamo
            .delete_item()
            .table_name(&env.names.table)
            .key("tweet_id", AttributeValue::S(big_id(i)))
            .send()
            .await
            .unwrap();
    }
    let dry = Arc::new(DryRun::default());
    let store = Arc::new(DynamoTweetStore::new(env.aws.dynamo.clone(), &env.names.table));
    let p = ReplayPipeline {
        classifier: counting(),
        tweets: dry.clone(),
        quarantine: dry.clone(),
        lookup: store,
    };

    let summary = Replay::new(&reader, &p, ReplayOptions::default())
        .run(|_| {})
        .await
        .unwrap();

    assert_eq!((summary.newly_written, summary.already_present), (4, 26));
    assert!(dry.estimated_write_units() >= 4);
    assert_eq!(env.tweets().await.len(), 26, "nothing was written");
}

#[tokio::test]
async fn shard_selection_and_sequence_ranges_limit_what_is_read() {
    let Setup { env, reader } = processed("replay-range", 80).await;
    let shards = reader.list_shards().await.unwrap();
    let shard = shards[0].shard_id.clone();
    // The shard's sequence numbers, read straight from the stream.
    let seqs: Vec<String> = read_shard(&reader, &shard)
        .await
        .into_iter()
        .map(|r| r.sequence_number)
        .collect();
    assert!(seqs.len() >= 10, "{}", seqs.len());
    let p = pipeline(&env, counting(), Arc::default());

    let options = ReplayOptions {
        shards: vec![shard.clone()],
        from: parse_from(&format!("seq:{}", seqs[2])).unwrap(),
        to: Some(parse_to(&format!("seq:{}", seqs[6])).unwrap()),
        ..ReplayOptions::default()
    };
    let summary = Replay::new(&reader, &p, options).run(|_| {}).await.unwrap();

    assert_eq!(summary.shards, [shard]);
    assert_eq!(summary.records_read, 5);

    let unknown = ReplayOptions {
        shards: vec!["shardId-999999999999".into()],
        ..ReplayOptions::default()
    };
    let err = Replay::new(&reader, &p, unknown).run(|_| {}).await.unwrap_err();
    assert!(matches!(err, ReplayError::UnknownShard { .. }));
    assert!(err.to_string().contains(&shards[1].shard_id), "{err}");
}

#[tokio::test]
async fn a_replay_beside_the_running_pump_loses_and_doubles_nothing() {
    // GIVEN tweets on the stream that no consumer has seen yet
    let env = TestEnv::with_shards("replay-live", 2).await;
    let tweets: Vec<Value> = (0..150)
        .map(|i| v1_tweet(&big_id(i), &format!("EventBridge rule {i} #aws")))
        .collect();
    env.ingest_all(tweets).await;
    let consumer = env.consumer();
    let reader = KinesisReader::new(env.aws.kinesis.clone(), &env.names.stream);
    let p = pipeline(&env, counting(), Arc::default());
    let pump = env.pump(
        &consumer,
        PumpOptions {
            until_idle: true,
            batch_size: 20,
            idle_poll_interval: Duration::from_millis(50),
            ..PumpOptions::default()
        },
    );
    let options = ReplayOptions {
        batch_size: 25,
        ..ReplayOptions::default()
    };

    // WHEN the pump and a replay run at the same time over the same stream
    let replay = Replay::new(&reader, &p, options);
    let (pumped, replayed) = tokio::join!(pump.run(|_| {}), replay.run(|_| {}));
    let (pumped, replayed) = (pumped.unwrap(), replayed.unwrap());

    // THEN between them every tweet was written exactly once
    assert_eq!(replayed.failed, 0);
    assert_eq!(pumped.counts.written + replayed.newly_written, 150);
    assert_eq!(pumped.counts.records, 150);
    assert_eq!(env.tweets().await.len(), 150);
}

#[tokio::test]
async fn from_failures_refetches_the_failed_batch_and_deletes_only_settled_messages() {
    use tweetboard_aws::failures::FailureQueue;
    use tweetboard_cli::replay::replay_failures;

    // GIVEN processed tweets, some of which were lost from the table ...
    let Setup { env, reader } = processed("replay-failures", 60).await;
    let shard = reader.list_shards().await.unwrap()[0].shard_id.clone();
    let records = read_shard(&reader, &shard).await;
    assert!(records.len() >= 8, "{}", records.len());
    let (first, last) = (&records[2], &records[6]);
    lose_from_table(&env, &records[2..=6]).await;
    // ... and the on-failure destination holds a record of that batch, and a stray message
    let record = json!({
        "requestContext": {"requestId": "r-1", "functionArn": "arn:aws:lambda:us-east-1:123456789012:function:consumer",
                           "condition": "RetryAttemptsExhausted", "approximateInvokeCount": 3},
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
        "version": "1.0", "timestamp": "2026-11-26T10:00:00.000Z",
        "KinesisBatchInfo": {"shardId": shard, "startSequenceNumber": first.sequence_number,
            "endSequenceNumber": last.sequence_number, "approximateArrivalOfFirstRecord": "2026-11-26T09:59:58.000Z",
            "approximateArrivalOfLastRecord": "2026-11-26T09:59:59.000Z", "batchSize": 5, "streamArn": env.stream_arn}
    });
    let queue_url = failure_queue_with(
        &env,
        "failures",
        [record.to_string(), "not an invocation record".to_owned()],
    )
    .await;
    let queue = FailureQueue::new(env.aws.sqs.clone(), &queue_url);

    // WHEN the failures are replayed
    let out = replay_failures(
        &queue,
        |stream| tweetboard_aws::KinesisReader::new(env.aws.kinesis.clone(), stream),
        &pipeline(&env, counting(), Arc::default()),
        &ReplayOptions::default(),
        |_| {},
    )
    .await
    .unwrap();

    // THEN exactly the failed batch was re-read and restored, its message deleted, the stray one kept
    assert_eq!((out.messages, out.deleted, out.kept.len()), (2, 1, 1));
    assert!(out.kept[0].1.contains("not an invocation record"));
    assert_eq!((out.replay.records_read, out.replay.newly_written), (5, 5));
    assert_eq!(env.tweets().await.len(), 60);
    let attrs = env
        .aws
        .sqs
        .get_queue_attributes()
        .queue_url(&queue_url)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::All)
        .send()
        .await
        .unwrap();
    let count = |name: aws_sdk_sqs::types::QueueAttributeName| -> u32 {
        attrs
            .attributes()
            .and_then(|a| a.get(&name))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    use aws_sdk_sqs::types::QueueAttributeName as Q;
    assert_eq!(
        count(Q::ApproximateNumberOfMessages) + count(Q::ApproximateNumberOfMessagesNotVisible),
        1
    );
}

/// The real model, taking `delay` per tweet: a long replay.
struct Slow {
    inner: EmbeddedClassifier,
    delay: Duration,
}

#[async_trait]
impl Classifier for Slow {
    fn model_id(&self) -> &str {
        self.inner.model_id()
    }
    async fn classify(&self, tweet: &Tweet) -> Result<Classification, ClassifyError> {
        tokio::time::sleep(self.delay).await;
        self.inner.classify(tweet).await
    }
}

#[tokio::test]
async fn from_failures_keeps_a_message_hidden_while_it_is_replayed_and_never_replays_it_twice_in_a_run() {
    use tweetboard_aws::failures::FailureQueue;
    use tweetboard_cli::replay::replay_failures;

    // GIVEN five lost tweets whose failed batch is recorded on the queue, behind a stray
    // message, and a replay that takes longer than the queue's visibility timeout
    let Setup { env, reader } = processed("replay-visibility", 40).await;
    let shard = reader.list_shards().await.unwrap()[0].shard_id.clone();
    let records = read_shard(&reader, &shard).await;
    assert!(records.len() >= 6, "{}", records.len());
    lose_from_table(&env, &records[0..5]).await;
    let batch = json!({
        "requestContext": {"requestId": "r-2", "condition": "RetryAttemptsExhausted"},
        "version": "1.0", "timestamp": "2026-11-26T10:00:00.000Z",
        "KinesisBatchInfo": {"shardId": shard, "startSequenceNumber": records[0].sequence_number,
            "endSequenceNumber": records[4].sequence_number, "batchSize": 5, "streamArn": env.stream_arn}
    })
    .to_string();
    let queue_url = failure_queue_with(
        &env,
        "failures-visibility",
        ["not an invocation record".to_owned(), batch.clone()],
    )
    .await;
    let visibility = Duration::from_secs(2);
    let queue = FailureQueue::new(env.aws.sqs.clone(), &queue_url).with_visibility(visibility);
    let store = Arc::new(DynamoTweetStore::new(env.aws.dynamo.clone(), &env.names.table));
    let slow = ReplayPipeline {
        classifier: Arc::new(Slow {
            inner: EmbeddedClassifier::new(Model::embedded_default()),
            delay: Duration::from_millis(1200),
        }),
        tweets: store.clone(),
        quarantine: Arc::new(DynamoQuarantine::new(
            env.aws.dynamo.clone(),
            &env.names.quarantine_table,
        )),
        lookup: store,
    };
    let options = ReplayOptions {
        concurrency: 1,
        ..ReplayOptions::default()
    };

    // WHEN the failures are replayed, and another reader looks at the queue well after
    // the visibility timeout, while the batch is still being replayed
    let probe = async {
        tokio::time::sleep(Duration::from_millis(3500)).await;
        env.aws
            .sqs
            .receive_message()
            .queue_url(&queue_url)
            .max_number_of_messages(10)
            .visibility_timeout(0)
            .send()
            .await
            .unwrap()
            .messages
            .unwrap_or_default()
    };
    let (out, seen_by_other) = tokio::join!(
        replay_failures(
            &queue,
            |stream| tweetboard_aws::KinesisReader::new(env.aws.kinesis.clone(), stream),
            &slow,
            &options,
            |_| {}
        ),
        probe
    );
    let out = out.unwrap();

    // THEN the other reader never saw the batch being replayed ...
    assert!(
        seen_by_other.iter().all(|m| m.body() != Some(batch.as_str())),
        "the batch being replayed became visible to another reader"
    );
    // ... each message was handled once in the run (the kept stray one came back
    // visible during the run, and was not replayed again), and the batch was restored
    assert_eq!(
        (out.messages, out.deleted, out.kept.len()),
        (2, 1, 1),
        "{:?}",
        out.kept
    );
    assert_eq!(out.received_again, 1);
    assert_eq!((out.replay.records_read, out.replay.newly_written), (5, 5));
    assert_eq!(env.tweets().await.len(), 40);
}

/// Deletes the tweets of `records` from the table: data lost after it was processed.
async fn lose_from_table(env: &TestEnv, records: &[tweetboard_aws::kinesis::FetchedRecord]) {
    for r in records {
        let id = tweetboard_core::decode::decode_tweet(&r.data)
            .unwrap()
            .id()
            .as_str()
            .to_owned();
        env.aws
            .dynamo
            .delete_item()
            .table_name(&env.names.table)
            .key("tweet_id", AttributeValue::S(id))
            .send()
            .await
            .unwrap();
    }
}

/// A new SQS queue (an on-failure destination) holding `bodies`, in order; its URL.
async fn failure_queue_with(env: &TestEnv, label: &str, bodies: impl IntoIterator<Item = String>) -> String {
    let queue_url = env
        .aws
        .sqs
        .create_queue()
        .queue_name(unique(label))
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    for body in bodies {
        env.aws
            .sqs
            .send_message()
            .queue_url(&queue_url)
            .message_body(body)
            .send()
            .await
            .unwrap();
    }
    queue_url
}
