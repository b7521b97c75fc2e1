//! DynamoDB adapters: the tweets table (conditional put, the idempotency mechanism) and
//! the quarantine table.
//!
//! About 400 lines: the two tables' item mapping and conditional writes, and the
//! test that keeps the item-size estimate honest.

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValuesOnConditionCheckFailure};
use aws_sdk_dynamodb::Client;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tweetboard_core::attributes::{quarantine, tweets};

use aws_sdk_dynamodb::types::{ConsumedCapacity, KeysAndAttributes, ReturnConsumedCapacity};
use tweetboard_core::ports::{PutOutcome, QuarantineWriter, TweetLookup, TweetWriter};
use tweetboard_core::TweetId;

use crate::retry::Backoff;
use tweetboard_core::stored::HourCount;
use tweetboard_core::{QuarantinedRecord, ServiceError, StoredTweet};

use crate::counts::CountsTable;
use crate::errors::classify;
use crate::item::{Item, ItemError, ItemExt};

/// Capacity units DynamoDB reports as consumed, summed over a run (a replay), in
/// thousandths so it can be shared between concurrent requests without a lock.
#[derive(Debug, Default)]
pub struct CapacityMeter {
    read_milli: AtomicU64,
    write_milli: AtomicU64,
}

impl CapacityMeter {
    fn add(&self, consumed: Option<&ConsumedCapacity>, write: bool) {
        let units = consumed.and_then(|c| c.capacity_units()).unwrap_or(0.0);
        let counter = if write {
            &self.write_milli
        } else {
            &self.read_milli
        };
        counter.fetch_add((units * 1000.0).round() as u64, Ordering::Relaxed);
    }

    pub fn read_units(&self) -> f64 {
        self.read_milli.load(Ordering::Relaxed) as f64 / 1000.0
    }

    pub fn write_units(&self) -> f64 {
        self.write_milli.load(Ordering::Relaxed) as f64 / 1000.0
    }
}

/// BatchGetItem takes at most 100 keys.
const BATCH_GET_MAX_KEYS: usize = 100;

/// The tweets table.
#[derive(Clone)]
pub struct DynamoTweetStore {
    client: Client,
    table: String,
    meter: Option<Arc<CapacityMeter>>,
    /// The chart's hourly counters, added to once per batch for the tweets it stored.
    counts: Option<CountsTable>,
}

impl DynamoTweetStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
            meter: None,
            counts: None,
        }
    }

    /// Adds the tweets each batch newly stores to their hours' counters in `counts`
    /// (the board's chart). Every writer of the tweets table (consumer, replay, quarantine retry)
    /// sets it, so the counters see every tweet stored.
    pub fn with_counts(mut self, counts: CountsTable) -> Self {
        self.counts = Some(counts);
        self
    }

    /// Asks DynamoDB for the consumed capacity of every request and sums it in `meter`.
    pub fn with_meter(mut self, meter: Arc<CapacityMeter>) -> Self {
        self.meter = Some(meter);
        self
    }

    fn capacity_mode(&self) -> Option<ReturnConsumedCapacity> {
        self.meter.as_ref().map(|_| ReturnConsumedCapacity::Total)
    }

    pub fn table(&self) -> &str {
        &self.table
    }
}

fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

fn n(v: u64) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

/// Item attributes of a stored tweet. Empty strings are left out: they carry nothing,
/// and keeping them out keeps items small.
pub fn tweet_item(item: &StoredTweet) -> Item {
    let t = &item.tweet;
    let c = &item.classification;
    let mut m = HashMap::with_capacity(26);
    m.insert(tweets::TWEET_ID.into(), s(t.id().as_str()));
    m.insert(tweets::PREDICTION.into(), s(c.prediction.as_str()));
    m.insert(
        tweets::PROBABILITY.into(),
        AttributeValue::N(c.probability_text()),
    );
    m.insert(tweets::SCORE.into(), AttributeValue::N(format!("{:.6}", c.score)));
    m.insert(tweets::TEXT.into(), s(&t.text));
    for (name, value) in [
        (tweets::NAME, &t.name),
        (tweets::SCREEN_NAME, &t.screen_name),
        (tweets::SOURCE, &t.source),
        (tweets::IMAGE_URL, &t.image_url),
    ] {
        if !value.is_empty() {
            m.insert(name.into(), s(value));
        }
    }
    for (name, value) in [
        (tweets::FOLLOWERS, t.followers),
        (tweets::FRIENDS, t.friends),
        (tweets::LISTED, t.listed),
        (tweets::STATUSES, t.statuses),
        (tweets::RETWEETS, t.retweets),
        (tweets::FAVOURITES, t.favourites),
    ] {
        m.insert(name.into(), n(value));
    }
    m.insert(tweets::CREATED_AT.into(), s(&item.created_at));
    m.insert(tweets::CLASSIFIED_AT.into(), s(&item.classified_at));
    m.insert(tweets::MODEL_ID.into(), s(&c.model_id));
    m.insert(tweets::SOURCE_STREAM.into(), s(&item.source_stream));
    m.insert(tweets::SOURCE_SHARD.into(), s(&item.source_shard));
    m.insert(
        tweets::SOURCE_SEQUENCE_NUMBER.into(),
        s(&item.source_sequence_number),
    );
    m.insert(tweets::CONTENT_HASH.into(), s(&item.content_hash));
    if let Some(r) = &t.retweeted {
        for (name, value) in [
            (tweets::RT_TEXT, &r.text),
            (tweets::RT_NAME, &r.name),
            (tweets::RT_SCREEN_NAME, &r.screen_name),
            (tweets::RT_IMAGE_URL, &r.image_url),
        ] {
            if !value.is_empty() {
                m.insert(name.into(), s(value));
            }
        }
    }
    if !t.urls.is_empty() {
        let urls = t.urls.iter().map(|(u, e)| (u.clone(), s(e))).collect();
        m.insert(tweets::URLS.into(), AttributeValue::M(urls));
    }
    m.insert(tweets::BOARD_PARTITION.into(), s(item.board_partition()));
    m.insert(tweets::BOARD_SORT.into(), s(item.board_sort()));
    m
}

/// The key of part `n` (2-based) of a quarantined record's raw bytes.
pub fn quarantine_part_key(event_id: &str, n: usize) -> String {
    format!("{event_id}#part-{n}")
}

/// Item attributes of a quarantined record, with `first_part` of its raw bytes (the
/// layout is the domain's: [`QuarantinedRecord::data_parts`]).
pub fn quarantine_item(q: &QuarantinedRecord, first_part: &[u8], parts: usize) -> Item {
    let mut m = HashMap::with_capacity(11);
    m.insert(quarantine::EVENT_ID.into(), s(&q.event_id));
    m.insert(
        quarantine::DATA.into(),
        AttributeValue::B(Blob::new(first_part.to_vec())),
    );
    m.insert(quarantine::DATA_SIZE.into(), n(q.data_size as u64));
    if parts > 1 {
        m.insert(quarantine::DATA_PARTS.into(), n(parts as u64));
    }
    if q.data_omitted {
        m.insert(quarantine::DATA_OMITTED.into(), AttributeValue::Bool(true));
    }
    m.insert(quarantine::REASON.into(), s(&q.reason));
    if !q.partition_key.is_empty() {
        m.insert(quarantine::PARTITION_KEY.into(), s(&q.partition_key));
    }
    m.insert(quarantine::SEQUENCE_NUMBER.into(), s(&q.sequence_number));
    if !q.source_arn.is_empty() {
        m.insert(quarantine::SOURCE_ARN.into(), s(&q.source_arn));
    }
    m.insert(quarantine::ARRIVED_AT.into(), s(&q.arrived_at));
    m.insert(quarantine::QUARANTINED_AT.into(), s(&q.quarantined_at));
    m
}

const IF_ABSENT_TWEET: &str = "attribute_not_exists(tweet_id)";
const IF_ABSENT_EVENT: &str = "attribute_not_exists(event_id)";

#[async_trait]
impl TweetWriter for DynamoTweetStore {
    async fn put_if_absent(&self, item: &StoredTweet) -> Result<PutOutcome, ServiceError> {
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(tweet_item(item)))
            .condition_expression(IF_ABSENT_TWEET)
            // Free, and tells a redelivery (same hash) from a conflict (different hash).
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .set_return_consumed_capacity(self.capacity_mode())
            .send()
            .await;
        match result {
            Ok(out) => {
                if let Some(m) = &self.meter {
                    m.add(out.consumed_capacity(), true);
                }
                Ok(PutOutcome::Written)
            }
            Err(err) => match err.as_service_error() {
                Some(PutItemError::ConditionalCheckFailedException(e)) => {
                    let content_hash = match e.item() {
                        Some(old) => old
                            .opt_s(tweets::CONTENT_HASH)
                            .map_err(|e| e.during("PutItem"))?
                            .map(str::to_owned),
                        None => None,
                    };
                    Ok(PutOutcome::AlreadyStored { content_hash })
                }
                _ => Err(classify("PutItem", err)),
            },
        }
    }

    async fn count_stored(&self, hours: &[HourCount]) -> Result<(), ServiceError> {
        if let Some(counts) = &self.counts {
            for hour in hours {
                counts.add(hour).await?;
            }
        }
        Ok(())
    }
}

#[async_trait]
impl TweetLookup for DynamoTweetStore {
    /// BatchGetItem in chunks of 100, reading only the key and the content hash, and
    /// retrying unprocessed keys (throttling) with backoff.
    async fn stored_hashes(&self, ids: &[TweetId]) -> Result<HashMap<TweetId, Option<String>>, ServiceError> {
        let mut found = HashMap::new();
        let backoff = Backoff::default();
        for chunk in ids.chunks(BATCH_GET_MAX_KEYS) {
            let mut keys: Vec<Item> = chunk
                .iter()
                .map(|id| HashMap::from([(tweets::TWEET_ID.to_owned(), s(id.as_str()))]))
                .collect();
            keys.dedup();
            let mut attempt = 0;
            while !keys.is_empty() {
                if attempt >= backoff.max_attempts {
                    return Err(ServiceError::transient(
                        "BatchGetItem",
                        format!("{} keys still unprocessed after {attempt} attempts", keys.len()),
                    ));
                }
                if attempt > 0 {
                    tokio::time::sleep(backoff.delay(attempt)).await;
                }
                attempt += 1;
                let request = KeysAndAttributes::builder()
                    .set_keys(Some(std::mem::take(&mut keys)))
                    .projection_expression("#id, #h")
                    .expression_attribute_names("#id", tweets::TWEET_ID)
                    .expression_attribute_names("#h", tweets::CONTENT_HASH)
                    .build()
                    .map_err(|e| ServiceError::permanent("BatchGetItem", e.to_string()))?;
                let out = self
                    .client
                    .batch_get_item()
                    .request_items(&self.table, request)
                    .set_return_consumed_capacity(self.capacity_mode())
                    .send()
                    .await
                    .map_err(|e| classify("BatchGetItem", e))?;
                if let Some(m) = &self.meter {
                    for c in out.consumed_capacity() {
                        m.add(Some(c), false);
                    }
                }
                for item in out
                    .responses()
                    .and_then(|r| r.get(&self.table))
                    .into_iter()
                    .flatten()
                {
                    let (id, hash) = stored_hash(item).map_err(|e| e.during("BatchGetItem"))?;
                    found.insert(id, hash);
                }
                keys = out
                    .unprocessed_keys()
                    .and_then(|u| u.get(&self.table))
                    .map(|k| k.keys().to_vec())
                    .unwrap_or_default();
            }
        }
        Ok(found)
    }
}

/// The id and content hash of a tweet item (the hash is `None` when the item has none).
fn stored_hash(item: &Item) -> Result<(TweetId, Option<String>), ItemError> {
    let id = item.get_s(tweets::TWEET_ID)?;
    let id = TweetId::parse(id).map_err(|e| ItemError::Invalid {
        attribute: tweets::TWEET_ID.to_owned(),
        reason: e.to_string(),
    })?;
    let hash = item.opt_s(tweets::CONTENT_HASH)?.map(str::to_owned);
    Ok((id, hash))
}

/// The quarantine table.
#[derive(Clone)]
pub struct DynamoQuarantine {
    client: Client,
    table: String,
}

impl DynamoQuarantine {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }
}

#[async_trait]
impl QuarantineWriter for DynamoQuarantine {
    /// Conditional too: a redelivered poison record keeps its first quarantine entry.
    async fn quarantine(&self, record: &QuarantinedRecord) -> Result<(), ServiceError> {
        // Extra parts first: the entry itself appears only once every part is stored.
        let parts = record.data_parts();
        for (i, part) in parts.iter().enumerate().skip(1) {
            self.client
                .put_item()
                .table_name(&self.table)
                .item(
                    quarantine::EVENT_ID,
                    s(quarantine_part_key(&record.event_id, i + 1)),
                )
                .item(quarantine::PART_OF, s(&record.event_id))
                .item(quarantine::DATA, AttributeValue::B(Blob::new(part.to_vec())))
                .send()
                .await
                .map_err(|e| classify("PutItem", e))?;
        }
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(quarantine_item(record, parts[0], parts.len())))
            .condition_expression(IF_ABSENT_EVENT)
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(err)
                if matches!(
                    err.as_service_error(),
                    Some(PutItemError::ConditionalCheckFailedException(_))
                ) =>
            {
                Ok(())
            }
            Err(err) => Err(classify("PutItem", err)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use tweetboard_core::{Classification, InputRecord, RecordSource, Tweet};

    /// DynamoDB's size of an item: names plus values (numbers: about a byte per two digits).
    fn dynamodb_size(item: &Item) -> usize {
        item.iter()
            .map(|(k, v)| {
                k.len()
                    + match v {
                        AttributeValue::S(s) => s.len(),
                        AttributeValue::N(n) => n.len().div_ceil(2) + 1,
                        AttributeValue::B(b) => b.as_ref().len(),
                        _ => 16,
                    }
            })
            .sum()
    }

    #[test]
    fn the_size_estimate_bounds_the_real_item_and_stays_close() {
        let mut tweet = Tweet::new(TweetId::parse("1859000000000000001").unwrap(), "x".repeat(280));
        tweet.name = "A name".into();
        tweet.screen_name = "handle".into();
        tweet.source = "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>".into();
        tweet.image_url = "https://pbs.twimg.com/profile_images/1/a_normal.jpg".into();
        tweet.followers = u64::MAX;
        tweet.created_at = Some("2026-11-26T10:00:00.000Z".into());
        let record = InputRecord {
            event_id: "shardId-000000000000:1".into(),
            sequence_number: "49590338271490256608559692538361571095921575989136588898".into(),
            partition_key: "1".into(),
            data: Default::default(),
            arrived_at: Utc::now(),
            source: RecordSource {
                stream_arn: "arn:aws:kinesis:us-east-1:1:stream/tweets".into(),
                shard_id: "shardId-000000000000".into(),
            },
        };
        let stored = StoredTweet::new(
            tweet,
            Classification::from_score(0.25, 0.5, "tweetboard-lr-1"),
            &record,
            Utc::now(),
        );
        let real = dynamodb_size(&tweet_item(&stored));
        let estimate = stored.approximate_size();
        assert!(estimate >= real, "estimate {estimate} < real {real}");
        assert!(estimate < real + 300, "estimate {estimate} far above real {real}");
    }
}
