//! The redelivery probe against real DynamoDB (the emulator): a redelivered batch is
//! read, not written, and a fresh one pays one read.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tweetboard_aws::{DynamoQuarantine, DynamoTweetStore};
use tweetboard_classifier::{EmbeddedClassifier, Model};
use tweetboard_consumer::Consumer;
use tweetboard_core::ports::{PutOutcome, TweetLookup, TweetWriter};
use tweetboard_core::probe::ProbeFirst;
use tweetboard_core::{ServiceError, StoredTweet, TweetId};
use tweetboard_integration_tests::*;

/// The real adapter, with its calls counted.
struct Counted {
    store: DynamoTweetStore,
    puts: AtomicUsize,
    lookups: AtomicUsize,
}

#[async_trait]
impl TweetWriter for Counted {
    async fn put_if_absent(&self, item: &StoredTweet) -> Result<PutOutcome, ServiceError> {
        self.puts.fetch_add(1, Ordering::Relaxed);
        self.store.put_if_absent(item).await
    }
}

#[async_trait]
impl TweetLookup for Counted {
    async fn stored_hashes(
        &self,
        ids: &[TweetId],
    ) -> Result<std::collections::HashMap<TweetId, Option<String>>, ServiceError> {
        self.lookups.fetch_add(1, Ordering::Relaxed);
        self.store.stored_hashes(ids).await
    }
}

struct Probed {
    consumer: Consumer,
    counted: Arc<Counted>,
}

/// The consumer as `from_config` wires it (the probe over the tweets table), with the
/// table's calls counted.
fn probed_consumer(env: &TestEnv) -> Probed {
    let counted = Arc::new(Counted {
        store: DynamoTweetStore::new(env.aws.dynamo.clone(), &env.names.table),
        puts: AtomicUsize::new(0),
        lookups: AtomicUsize::new(0),
    });
    let consumer = Consumer::new(
        Arc::new(EmbeddedClassifier::new(Model::embedded_default())),
        counted.clone(),
        Arc::new(DynamoQuarantine::new(
            env.aws.dynamo.clone(),
            &env.names.quarantine_table,
        )),
        32,
        Duration::from_secs(3),
    )
    .with_lookup(Arc::new(ProbeFirst::new(counted.clone())));
    Probed { consumer, counted }
}

fn tweets(n: u64, from: u64) -> Vec<Vec<u8>> {
    (from..from + n)
        .map(|i| {
            bytes(&v1_tweet(
                &big_id(i),
                &format!("Tweet {i} on Lambda and DynamoDB #aws"),
            ))
        })
        .collect()
}

#[tokio::test]
async fn a_redelivered_batch_is_read_in_hundreds_and_writes_nothing() {
    // GIVEN a batch of 250 tweets the consumer has already stored
    let env = TestEnv::new("probe-redelivery").await;
    let payloads = tweets(250, 1);
    let probed = probed_consumer(&env);
    let (_, first) = probed
        .consumer
        .process(env.batch(1, &payloads), None)
        .await
        .unwrap();
    assert_eq!(first.counts.written, 250);
    let puts_before = probed.counted.puts.load(Ordering::Relaxed);
    let lookups_before = probed.counted.lookups.load(Ordering::Relaxed);

    // WHEN Lambda delivers the same batch again
    let (response, again) = probed
        .consumer
        .process(env.batch(1, &payloads), None)
        .await
        .unwrap();

    // THEN every record settles as already stored without a single write: the probe of
    // the first 100 and one pre-read of the other 150
    assert!(response.batch_item_failures.is_empty());
    assert_eq!(again.counts.already_stored, 250);
    assert_eq!(probed.counted.puts.load(Ordering::Relaxed), puts_before);
    assert_eq!(probed.counted.lookups.load(Ordering::Relaxed) - lookups_before, 2);
}

#[tokio::test]
async fn a_fresh_batch_pays_one_probe_and_writes_every_tweet_once() {
    // GIVEN an empty table and a batch of 250 new tweets
    let env = TestEnv::new("probe-fresh").await;
    let probed = probed_consumer(&env);

    // WHEN the consumer handles it
    let (_, report) = probed
        .consumer
        .process(env.batch(1, &tweets(250, 1)), None)
        .await
        .unwrap();

    // THEN one lookup (the probe) and one conditional put per tweet; all are stored
    assert_eq!(report.counts.written, 250);
    assert_eq!(probed.counted.lookups.load(Ordering::Relaxed), 1);
    assert_eq!(probed.counted.puts.load(Ordering::Relaxed), 250);
    assert_eq!(env.tweets().await.len(), 250);
}

#[tokio::test]
async fn a_half_stored_batch_writes_only_the_new_half_and_flags_a_changed_tweet() {
    // GIVEN every other tweet of a batch stored, one of them since changed at the source
    let env = TestEnv::new("probe-half").await;
    let payloads = tweets(200, 1);
    let probed = probed_consumer(&env);
    let stored: Vec<Vec<u8>> = payloads.iter().step_by(2).cloned().collect();
    probed
        .consumer
        .process(env.batch(1, &stored), None)
        .await
        .unwrap();
    let mut incoming = payloads.clone();
    incoming[0] = bytes(&v1_tweet(&big_id(1), "Edited: another text for the same id #aws"));
    let puts_before = probed.counted.puts.load(Ordering::Relaxed);

    // WHEN the whole batch is delivered
    let (response, report) = probed
        .consumer
        .process(env.batch(1000, &incoming), None)
        .await
        .unwrap();

    // THEN the 100 new tweets are written, the stored ones are not written again, and the
    // changed one is a conflict that keeps the first version
    assert!(response.batch_item_failures.is_empty());
    assert_eq!(report.counts.written, 100);
    assert_eq!(report.counts.already_stored, 99);
    assert_eq!(report.counts.conflicts, 1);
    assert_eq!(probed.counted.puts.load(Ordering::Relaxed) - puts_before, 100);
    let kept = env.tweet(&big_id(1)).await.expect("stored");
    assert_eq!(s(&kept, "text"), "Tweet 1 on Lambda and DynamoDB #aws");
}
