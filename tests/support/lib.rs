//! Shared set-up for the integration tests: every test gets its own stream and tables
//! (unique names) on the one emulator `make test` starts, so tests run in parallel.
//!
//! The emulator is reached only through the standard `AWS_ENDPOINT_URL` variable, as
//! production code reaches AWS; these helpers fail loudly when it is not set.

pub mod chaos;
pub mod fault_proxy;
pub mod lambda_host;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use aws_lambda_events::event::kinesis::KinesisEvent;
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::Utc;
use lambda_runtime::{Context, LambdaEvent};
use serde_json::{json, Value};
use tweetboard_aws::checkpoints::CheckpointStore;
use tweetboard_aws::config::StoreNames;
use tweetboard_aws::{
    load_sdk_config, provision, AwsClients, DynamoQuarantine, DynamoTweetStore, KinesisPublisher,
    KinesisReader,
};
use tweetboard_classifier::{EmbeddedClassifier, Model};
use tweetboard_cli::pump::{Pump, PumpOptions};
use tweetboard_consumer::{event, Consumer};
use tweetboard_core::ports::Classifier;
use tweetboard_ingest::Ingest;

pub mod x_search;

pub type Item = HashMap<String, AttributeValue>;

/// A shard id in Lambda's form.
pub const SHARD: &str = "shardId-000000000000";

/// A name no other test uses: label, process id, a per-process counter and the time.
pub fn unique(label: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let t = Utc::now().timestamp_micros() % 1_000_000_000;
    format!("it-{label}-{}-{n}-{t}", std::process::id())
}

/// The stream, tables and clients of one test.
pub struct TestEnv {
    pub aws: AwsClients,
    pub names: StoreNames,
    pub stream_arn: String,
}

impl TestEnv {
    /// A fresh stream (one shard) and tables.
    pub async fn new(label: &str) -> Self {
        Self::with_shards(label, 1).await
    }

    pub async fn with_shards(label: &str, shards: i32) -> Self {
        assert!(
            std::env::var("AWS_ENDPOINT_URL").is_ok(),
            "integration tests need the emulator: run them with `make test` (AWS_ENDPOINT_URL is not set)"
        );
        let aws = AwsClients::load().await.expect("AWS config");
        let base = unique(label);
        let names = StoreNames {
            stream: format!("{base}-s"),
            table: format!("{base}-t"),
            quarantine_table: format!("{base}-q"),
            checkpoint_table: format!("{base}-c"),
            counts_table: format!("{base}-n"),
            watermark_table: format!("{base}-w"),
        };
        provision::init(&aws.kinesis, &aws.dynamo, &names, shards)
            .await
            .expect("init");
        let stream_arn = tweetboard_aws::KinesisReader::new(aws.kinesis.clone(), &names.stream)
            .stream_arn()
            .await
            .expect("stream arn");
        Self {
            aws,
            names,
            stream_arn,
        }
    }

    /// The ingest handler over this test's stream.
    pub fn ingest(&self) -> Ingest {
        Ingest::new(Arc::new(KinesisPublisher::new(
            self.aws.kinesis.clone(),
            &self.names.stream,
        )))
    }

    /// `tweets` through the ingest handler; all must be accepted.
    pub async fn ingest_all(&self, tweets: Vec<Value>) {
        let response = self
            .ingest()
            .ingest(&json!({ "tweets": tweets }))
            .await
            .expect("ingest");
        assert!(response.rejected.is_empty(), "{:?}", response.rejected);
    }

    /// The local event source mapping over this test's stream and checkpoint table.
    pub fn pump<'a>(&self, consumer: &'a Consumer, options: PumpOptions) -> Pump<'a> {
        Pump::new(
            KinesisReader::new(self.aws.kinesis.clone(), &self.names.stream),
            CheckpointStore::new(self.aws.dynamo.clone(), &self.names.checkpoint_table),
            consumer,
            options,
        )
    }

    /// The production consumer wiring over this test's tables.
    pub fn consumer(&self) -> Consumer {
        consumer_over(&self.aws, &self.names, 32)
    }

    pub async fn tweet(&self, id: &str) -> Option<Item> {
        self.aws
            .dynamo
            .get_item()
            .table_name(&self.names.table)
            .key("tweet_id", AttributeValue::S(id.into()))
            .consistent_read(true)
            .send()
            .await
            .expect("GetItem")
            .item
    }

    /// Every item of a table (a Scan is fine for inspecting a test's own small table).
    pub async fn scan(&self, table: &str) -> Vec<Item> {
        // The emulator sorts the whole table for every Scan page: over 10,000 items on
        // a busy machine a page took 8 to over 30 s, past the SDK's 30 s operation
        // timeout the production clients keep.
        let client = aws_sdk_dynamodb::Client::from_conf(
            aws_sdk_dynamodb::config::Builder::from(&self.aws.sdk)
                .timeout_config(
                    aws_sdk_dynamodb::config::timeout::TimeoutConfig::builder()
                        .operation_timeout(Duration::from_secs(300))
                        .operation_attempt_timeout(Duration::from_secs(300))
                        .build(),
                )
                .build(),
        );
        let mut items = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let out = client
                .scan()
                .table_name(table)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .expect("Scan");
            items.extend(out.items.unwrap_or_default());
            match out.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => break,
            }
        }
        items
    }

    pub async fn tweets(&self) -> Vec<Item> {
        self.scan(&self.names.table).await
    }

    pub async fn quarantined(&self) -> Vec<Item> {
        self.scan(&self.names.quarantine_table).await
    }

    /// A Lambda-shaped batch of `payloads` on this test's stream, with sequence numbers
    /// `first_seq`, `first_seq + 1`, ...
    pub fn batch(&self, first_seq: u64, payloads: &[Vec<u8>]) -> KinesisEvent {
        event::batch(
            payloads
                .iter()
                .enumerate()
                .map(|(i, data)| {
                    event::record(
                        &self.stream_arn,
                        SHARD,
                        &seq(first_seq + i as u64),
                        "pk",
                        data.clone(),
                        Utc::now(),
                    )
                })
                .collect(),
        )
    }
}

/// Every record of one shard, from its start to where it is now.
pub async fn read_shard(
    reader: &tweetboard_aws::KinesisReader,
    shard_id: &str,
) -> Vec<tweetboard_aws::kinesis::FetchedRecord> {
    let start = tweetboard_aws::kinesis::StartPosition::TrimHorizon;
    let mut it = reader
        .shard_iterator(shard_id, &start)
        .await
        .expect("GetShardIterator");
    let mut records = Vec::new();
    while let Some(iterator) = it {
        let page = reader.get_records(&iterator, 10_000).await.expect("GetRecords");
        if page.records.is_empty() {
            break;
        }
        records.extend(page.records);
        it = page.next_iterator;
    }
    records
}

/// A consumer with the production adapters and the built-in model over the given tables.
pub fn consumer_over(aws: &AwsClients, names: &StoreNames, concurrency: usize) -> Consumer {
    let model = Arc::new(EmbeddedClassifier::new(Model::embedded_default()));
    consumer_with(aws, names, model, concurrency)
}

/// A consumer with the production stores over the given tables and `classifier`, and
/// the redelivery probe, as `Consumer::from_config` wires them.
pub fn consumer_with(
    aws: &AwsClients,
    names: &StoreNames,
    classifier: Arc<dyn Classifier>,
    concurrency: usize,
) -> Consumer {
    let tweets = DynamoTweetStore::new(aws.dynamo.clone(), &names.table).with_counts(
        tweetboard_aws::counts::CountsTable::new(aws.dynamo.clone(), &names.counts_table),
    );
    Consumer::new(
        classifier,
        Arc::new(tweets.clone()),
        Arc::new(DynamoQuarantine::new(aws.dynamo.clone(), &names.quarantine_table)),
        concurrency,
        Duration::from_secs(3),
    )
    .with_lookup(Arc::new(tweetboard_core::probe::ProbeFirst::new(tweets)))
}

/// Clients whose DynamoDB endpoint is a closed loopback port: a DynamoDB outage.
pub async fn clients_with_dynamodb_unreachable() -> AwsClients {
    let sdk = load_sdk_config().await.expect("AWS config");
    let dynamo = aws_sdk_dynamodb::Client::from_conf(
        aws_sdk_dynamodb::config::Builder::from(&sdk)
            .endpoint_url("http://127.0.0.1:9")
            .build(),
    );
    AwsClients {
        kinesis: aws_sdk_kinesis::Client::new(&sdk),
        dynamo,
        sqs: aws_sdk_sqs::Client::new(&sdk),
        sdk,
    }
}

/// A Kinesis-style sequence number (56 digits) from a small counter.
pub fn seq(n: u64) -> String {
    format!("4959{n:052}")
}

/// An invocation with a minute to run, as Lambda would give it.
pub fn invocation(payload: KinesisEvent) -> LambdaEvent<KinesisEvent> {
    let mut context = Context::default();
    context.deadline = (Utc::now().timestamp_millis() + 60_000) as u64;
    LambdaEvent::new(payload, context)
}

/// A v1.1 tweet with an account.
pub fn v1_tweet(id: &str, text: &str) -> Value {
    json!({
        "created_at": "Thu Nov 26 10:00:00 +0000 2026",
        "id_str": id,
        "text": text,
        "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
        "retweet_count": 1,
        "favorite_count": 2,
        "user": {
            "name": "Test Account", "screen_name": "tester", "followers_count": 100,
            "friends_count": 50, "listed_count": 3, "statuses_count": 1000,
            "profile_image_url_https": "https://pbs.twimg.com/profile_images/1/a_normal.jpg"
        }
    })
}

/// A v1.1 tweet created at `at`.
pub fn v1_tweet_at(id: &str, text: &str, at: chrono::DateTime<Utc>) -> Value {
    let mut t = v1_tweet(id, text);
    t["created_at"] = json!(at.format("%a %b %d %H:%M:%S +0000 %Y").to_string());
    t
}

pub fn bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).expect("serialisable")
}

/// Ids above 2^53 that a float would round: 1859000000000000001, ...
pub fn big_id(n: u64) -> String {
    (1_859_000_000_000_000_001u64 + n).to_string()
}

/// The string value of an attribute.
pub fn s<'a>(item: &'a Item, name: &str) -> &'a str {
    item.get(name)
        .and_then(|v| v.as_s().ok())
        .map(String::as_str)
        .unwrap_or_else(|| panic!("no S attribute {name}"))
}

/// The number value of an attribute, as DynamoDB returns it (a decimal string).
pub fn n<'a>(item: &'a Item, name: &str) -> &'a str {
    item.get(name)
        .and_then(|v| v.as_n().ok())
        .map(String::as_str)
        .unwrap_or_else(|| panic!("no N attribute {name}"))
}
