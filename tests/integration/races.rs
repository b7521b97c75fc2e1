//! Concurrency against the oracle: over a generated stream with repeats, conflicting
//! versions and poison, the live pump, a replay of the whole stream and two more
//! consumers handling the same batches all run at once. Whoever gets to a record
//! first, the tables must end exactly as after one orderly delivery.
//! (`consumer.rs`, `replay.rs` and `reshard.rs` hold the race tests on plain tweets.)

use std::sync::Arc;
use std::time::Duration;

use tweetboard_aws::{DynamoQuarantine, DynamoTweetStore, KinesisReader};
use tweetboard_classifier::{EmbeddedClassifier, Model};
use tweetboard_cli::pump::PumpOptions;
use tweetboard_cli::replay::{Replay, ReplayOptions, ReplayPipeline};
use tweetboard_integration_tests::chaos;
use tweetboard_integration_tests::*;

#[tokio::test]
async fn a_pump_a_replay_and_two_consumers_racing_over_one_stream_leave_exactly_the_oracle() {
    // GIVEN a generated stream of 600 records on two shards
    let env = TestEnv::with_shards("races", 2).await;
    chaos::publish(&env, &chaos::generate_stream(600, 31)).await;
    let stream = chaos::read_stream(&env).await;
    let oracle = chaos::oracle(&stream);
    let consumer = env.consumer();
    let pump = env.pump(
        &consumer,
        PumpOptions {
            until_idle: true,
            batch_size: 40,
            idle_poll_interval: Duration::from_millis(20),
            ..PumpOptions::default()
        },
    );
    let reader = KinesisReader::new(env.aws.kinesis.clone(), &env.names.stream);
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
    let replay = Replay::new(
        &reader,
        &pipeline,
        ReplayOptions {
            batch_size: 30,
            ..ReplayOptions::default()
        },
    );
    // Each shard's records as Lambda-shaped batches of 50, in shard order.
    let shard_batches = |env: &TestEnv| {
        let mut events = Vec::new();
        for shard in stream
            .iter()
            .map(|r| r.shard_id.clone())
            .collect::<std::collections::BTreeSet<_>>()
        {
            let records: Vec<&chaos::StreamRecord> = stream.iter().filter(|r| r.shard_id == shard).collect();
            for chunk in records.chunks(50) {
                events.push(chaos::kinesis_event(&env.stream_arn, chunk.iter().copied()));
            }
        }
        events
    };
    // One shard's batches in order per consumer, delivered again from the lowest failure.
    let deliver_all = |c: tweetboard_consumer::Consumer| {
        let events = shard_batches(&env);
        async move {
            for event in events {
                let mut event = event;
                loop {
                    let response = c.handle(invocation(event.clone())).await.unwrap();
                    let Some(lowest) = response.batch_item_failures.first() else {
                        break;
                    };
                    let lowest = lowest.item_identifier.clone().unwrap();
                    let at = event
                        .records
                        .iter()
                        .position(|r| r.kinesis.sequence_number == lowest)
                        .expect("a failure is one of the batch's records");
                    event.records.drain(..at);
                }
            }
        }
    };

    // WHEN the pump, the replay and two more consumers run at once
    let (pumped, replayed, (), ()) = tokio::join!(
        pump.run(|_| {}),
        replay.run(|_| {}),
        deliver_all(env.consumer()),
        deliver_all(env.consumer()),
    );
    pumped.unwrap();
    replayed.unwrap();

    // THEN the tables are the oracle's: each tweet once from its first storable
    // version, every poison record quarantined, nothing else
    let verdict = chaos::verify(&env, &stream, &oracle).await;
    assert!(verdict.lost == 0 && verdict.wrong == 0, "{:#?}", verdict.problems);
    assert_eq!(verdict.tweets, oracle.tweets.len());
}
