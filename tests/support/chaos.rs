//! What the fault and crash trials share: a generated stream of tweets and poison
//! records, the oracle of what the tables must hold once it is delivered, the check of
//! the tables against it, and SDK clients that reach the emulator through the fault
//! proxy.
//!
//! The oracle compares tweets by id, content and the record they were stored from, and
//! the quarantine by event id and the exact raw bytes of each entry (read back whole,
//! its parts reassembled), never the model's label: the classifier may change.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use serde_json::json;
use tweetboard_aws::quarantine::QuarantineAdmin;
use tweetboard_aws::{load_sdk_config, AwsClients, KinesisPublisher, KinesisReader};
use tweetboard_core::decode::decode_tweet;
use tweetboard_core::ports::{OutgoingRecord, RecordPublisher};
use tweetboard_core::stored::DYNAMODB_ITEM_LIMIT_BYTES;

use crate::{invocation, read_shard, s, Item, TestEnv};

/// A small seeded generator (xorshift64): the trials must be reproducible from a seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// `count` records (at most 3,000): tweets from a pool of `count / 3` ids in up to three
/// versions (so exact repeats and conflicting versions are common), and about 8% poison
/// (not JSON, a bad id, no text, over the item limit once stored). Streams of different
/// seeds (below 1,000,000) share no tweet id.
pub fn generate_stream(count: usize, seed: u64) -> Vec<OutgoingRecord> {
    assert!(count <= 3_000);
    let mut rng = Rng::new(seed);
    let pool = (count as u64 / 3).max(1);
    (0..count)
        .map(|i| {
            let id = (1_859_000_000_000_000_000u64 + seed % 1_000_000 * 1_000 + rng.below(pool)).to_string();
            let tweet = |text: String| serde_json::to_vec(&json!({"id_str": id, "text": text})).unwrap();
            let data = match rng.below(100) {
                0..=1 => format!("not json {i}").into_bytes(),
                2..=3 => br#"{"id_str": "-7", "text": "a negative id"}"#.to_vec(),
                4..=5 => format!(r#"{{"id_str": "{id}"}}"#).into_bytes(),
                6..=7 if rng.below(4) == 0 => tweet("lambda ".repeat(60_000)),
                v => tweet(format!("EventBridge Pipes {} #aws", v % 3)),
            };
            OutgoingRecord {
                partition_key: id.clone(),
                data,
            }
        })
        .collect()
}

/// Puts `records` on the test's stream, in order, directly (not through a proxy).
pub async fn publish(env: &TestEnv, records: &[OutgoingRecord]) {
    let publisher = KinesisPublisher::new(env.aws.kinesis.clone(), &env.names.stream);
    for chunk in records.chunks(500) {
        let report = publisher.publish(chunk).await.expect("PutRecords");
        assert!(report.failed.is_empty(), "{:?}", report.failed);
    }
}

/// A record as read back from its shard: the order the consumer sees.
#[derive(Debug, Clone)]
pub struct StreamRecord {
    pub shard_id: String,
    pub sequence_number: String,
    pub data: Vec<u8>,
}

impl StreamRecord {
    pub fn event_id(&self) -> String {
        format!("{}:{}", self.shard_id, self.sequence_number)
    }
}

/// The Kinesis event an event source mapping would deliver for these records (their own
/// shard ids and sequence numbers, so their own event ids).
pub fn kinesis_event<'a>(
    stream_arn: &str,
    records: impl Iterator<Item = &'a StreamRecord>,
) -> aws_lambda_events::event::kinesis::KinesisEvent {
    use tweetboard_consumer::event;
    event::batch(
        records
            .map(|r| {
                event::record(
                    stream_arn,
                    &r.shard_id,
                    &r.sequence_number,
                    "pk",
                    r.data.clone(),
                    chrono::Utc::now(),
                )
            })
            .collect(),
    )
}

/// Every record of every shard of the test's stream, in shard order.
pub async fn read_stream(env: &TestEnv) -> Vec<StreamRecord> {
    let reader = KinesisReader::new(env.aws.kinesis.clone(), &env.names.stream);
    let mut all = Vec::new();
    for shard in reader.list_shards().await.expect("ListShards") {
        for r in read_shard(&reader, &shard.shard_id).await {
            all.push(StreamRecord {
                shard_id: shard.shard_id.clone(),
                sequence_number: r.sequence_number,
                data: r.data,
            });
        }
    }
    all
}

/// What the tables must hold once the stream is delivered, however often.
#[derive(Debug, Default)]
pub struct Oracle {
    /// Tweet id → the event id of the record its item must come from: the first of the
    /// id's records, in its shard's order, that can be stored.
    pub tweets: BTreeMap<String, String>,
    /// Records that must be quarantined: every one that does not decode, and every
    /// unstorable version of an id not stored before it.
    pub must_quarantine: BTreeSet<String>,
    /// An unstorable version of an id already stored: quarantined, or settled as a
    /// conflict when an earlier version is in its batch.
    pub may_quarantine: BTreeSet<String>,
}

/// The oracle of a stream as read back (each id is on one shard: its partition key).
pub fn oracle(stream: &[StreamRecord]) -> Oracle {
    let mut o = Oracle::default();
    for r in stream {
        match decode_tweet(&r.data) {
            Err(_) => {
                o.must_quarantine.insert(r.event_id());
            }
            // The item carries the text and more: anything near the limit is over it.
            Ok(t) if t.text.len() > DYNAMODB_ITEM_LIMIT_BYTES - 4096 => {
                if o.tweets.contains_key(t.id().as_str()) {
                    o.may_quarantine.insert(r.event_id());
                } else {
                    o.must_quarantine.insert(r.event_id());
                }
            }
            Ok(t) => {
                o.tweets
                    .entry(t.id().as_str().to_owned())
                    .or_insert_with(|| r.event_id());
            }
        }
    }
    o
}

/// What a delivery left that the oracle does not allow: empty when the tables are
/// exactly right. Counts of lost, duplicated and overwritten records for the figures.
#[derive(Debug, Default, serde::Serialize)]
pub struct Verdict {
    pub tweets: usize,
    pub quarantined: usize,
    /// Oracle tweets missing, and must-quarantine records not quarantined.
    pub lost: usize,
    /// Items stored from another record than the first storable version or with other
    /// text, or stored for an id the oracle does not have; quarantine entries for good
    /// records, or whose raw bytes differ from their record's.
    pub wrong: usize,
    pub problems: Vec<String>,
}

/// Checks the tables (read directly, not through a proxy) against the oracle.
pub async fn verify(env: &TestEnv, stream: &[StreamRecord], oracle: &Oracle) -> Verdict {
    let by_event: BTreeMap<String, &StreamRecord> = stream.iter().map(|r| (r.event_id(), r)).collect();
    let items: Vec<Item> = env.tweets().await;
    let mut v = Verdict {
        tweets: items.len(),
        ..Verdict::default()
    };
    let mut seen = BTreeSet::new();
    for item in &items {
        let id = s(item, "tweet_id").to_owned();
        let from = format!(
            "{}:{}",
            s(item, "source_shard"),
            s(item, "source_sequence_number")
        );
        match oracle.tweets.get(&id) {
            None => {
                v.wrong += 1;
                v.problems
                    .push(format!("{id} stored, but no record of it can be"));
            }
            Some(expected) if *expected != from => {
                v.wrong += 1;
                v.problems
                    .push(format!("{id} stored from {from}, expected {expected}"));
            }
            Some(expected) => {
                let text = decode_tweet(&by_event[expected].data).unwrap().text;
                if s(item, "text") != text {
                    v.wrong += 1;
                    v.problems
                        .push(format!("{id}: stored text differs from its record"));
                }
            }
        }
        seen.insert(id);
    }
    for id in oracle.tweets.keys() {
        if !seen.contains(id) {
            v.lost += 1;
            v.problems.push(format!("{id} lost: not stored"));
        }
    }
    let entries: BTreeSet<String> = env
        .quarantined()
        .await
        .iter()
        .filter(|e| e.contains_key("reason"))
        .map(|e| s(e, "event_id").to_owned())
        .collect();
    v.quarantined = entries.len();
    for e in &oracle.must_quarantine {
        if !entries.contains(e) {
            v.lost += 1;
            v.problems.push(format!("poison record {e} not quarantined"));
        }
    }
    for e in &entries {
        if !oracle.must_quarantine.contains(e) && !oracle.may_quarantine.contains(e) {
            v.wrong += 1;
            v.problems.push(format!("{e} quarantined but not poison"));
        } else {
            check_quarantined_bytes(env, e, &by_event[e].data, &mut v).await;
        }
    }
    v.problems.truncate(20);
    v
}

/// Clients whose endpoint is `endpoint` (a fault proxy), with the production retry
/// policy (three attempts) but short timeouts and backoff, so that a trial of thousands
/// of faults takes minutes, not hours.
pub async fn clients_through(endpoint: &str, attempt_timeout: Duration) -> AwsClients {
    let sdk = load_sdk_config().await.expect("AWS config");
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(2))
        .operation_attempt_timeout(attempt_timeout)
        .operation_timeout(attempt_timeout * 4)
        .build();
    let retry = RetryConfig::standard()
        .with_max_attempts(3)
        .with_initial_backoff(Duration::from_millis(10));
    // The production DynamoDB client's settings (`dynamo_client::dynamo_config`), so the
    // faults meet what the Lambdas run with.
    let dynamo = aws_sdk_dynamodb::Client::from_conf(
        tweetboard_aws::dynamo_client::dynamo_config(&sdk)
            .endpoint_url(endpoint)
            .timeout_config(timeouts.clone())
            .retry_config(retry.clone())
            .build(),
    );
    let kinesis = aws_sdk_kinesis::Client::from_conf(
        aws_sdk_kinesis::config::Builder::from(&sdk)
            .endpoint_url(endpoint)
            .timeout_config(timeouts)
            .retry_config(retry)
            .build(),
    );
    AwsClients {
        kinesis,
        dynamo,
        sqs: aws_sdk_sqs::Client::new(&sdk),
        sdk,
    }
}

/// Checks only what one trial's records decide, with reads by key (the tables hold the
/// other trials' items too): each oracle tweet stored from its record with its text,
/// and each record that must be quarantined quarantined.
pub async fn verify_trial(env: &TestEnv, stream: &[StreamRecord], oracle: &Oracle) -> Verdict {
    let by_event: BTreeMap<String, &StreamRecord> = stream.iter().map(|r| (r.event_id(), r)).collect();
    let mut v = Verdict::default();
    for (id, expected) in &oracle.tweets {
        match env.tweet(id).await {
            None => {
                v.lost += 1;
                v.problems.push(format!("{id} lost: not stored"));
            }
            Some(item) => {
                v.tweets += 1;
                let from = format!(
                    "{}:{}",
                    s(&item, "source_shard"),
                    s(&item, "source_sequence_number")
                );
                let text = decode_tweet(&by_event[expected].data).unwrap().text;
                if &from != expected || s(&item, "text") != text {
                    v.wrong += 1;
                    v.problems
                        .push(format!("{id} stored from {from}, expected {expected}"));
                }
            }
        }
    }
    for e in &oracle.must_quarantine {
        if check_quarantined_bytes(env, e, &by_event[e].data, &mut v).await {
            v.quarantined += 1;
        } else {
            v.lost += 1;
            v.problems.push(format!("poison record {e} not quarantined"));
        }
    }
    v
}

/// Reads the quarantine entry `event_id` back whole (its parts reassembled, as an
/// operator's `quarantine get` does) and counts it wrong unless its raw bytes are
/// exactly `data`, the record's. False when there is no entry.
pub async fn check_quarantined_bytes(env: &TestEnv, event_id: &str, data: &[u8], v: &mut Verdict) -> bool {
    let admin = QuarantineAdmin::new(env.aws.dynamo.clone(), &env.names.quarantine_table);
    match admin.get(event_id).await.expect("read a quarantine entry") {
        None => false,
        Some(entry) => {
            if entry.data != data {
                v.wrong += 1;
                v.problems.push(format!(
                    "{event_id}: quarantined bytes differ from the record's ({} bytes, expected {})",
                    entry.data.len(),
                    data.len()
                ));
            }
            true
        }
    }
}

/// Both tables, every item whole, keyed (tweets by id, quarantine items by event id,
/// extra parts included): what a redelivery must leave exactly as it was.
#[derive(Debug, PartialEq)]
pub struct Tables {
    pub tweets: BTreeMap<String, Item>,
    pub quarantine: BTreeMap<String, Item>,
}

pub async fn tables(env: &TestEnv) -> Tables {
    let by = |items: Vec<Item>, key: &str| -> BTreeMap<String, Item> {
        items.into_iter().map(|i| (s(&i, key).to_owned(), i)).collect()
    };
    Tables {
        tweets: by(env.tweets().await, "tweet_id"),
        quarantine: by(env.quarantined().await, "event_id"),
    }
}

/// How many items differ between two snapshots (changed, added or removed), over both
/// tables, with the first few keys for the report.
pub fn changed(before: &Tables, after: &Tables) -> (usize, Vec<String>) {
    let mut keys = Vec::new();
    for (name, b, a) in [
        ("tweet", &before.tweets, &after.tweets),
        ("quarantine entry", &before.quarantine, &after.quarantine),
    ] {
        let all: BTreeSet<&String> = b.keys().chain(a.keys()).collect();
        keys.extend(
            all.into_iter()
                .filter(|k| b.get(*k) != a.get(*k))
                .map(|k| format!("{name} {k}")),
        );
    }
    let n = keys.len();
    keys.truncate(20);
    (n, keys)
}

/// Delivers `stream` again exactly as Lambda redelivers it: the same records with the
/// same shard ids, sequence numbers and so event ids, each shard's in order, in batches
/// of 100, to a consumer without faults; every batch must settle without failures.
pub async fn redeliver(env: &TestEnv, stream: &[StreamRecord]) {
    let consumer = env.consumer();
    let mut shards: BTreeMap<&str, Vec<&StreamRecord>> = BTreeMap::new();
    for r in stream {
        shards.entry(r.shard_id.as_str()).or_default().push(r);
    }
    for records in shards.values() {
        for chunk in records.chunks(100) {
            let batch = kinesis_event(&env.stream_arn, chunk.iter().copied());
            let response = consumer.handle(invocation(batch)).await.expect("redelivery");
            assert!(
                response.batch_item_failures.is_empty(),
                "a redelivered batch reported failures: {:?}",
                response.batch_item_failures
            );
        }
    }
}
