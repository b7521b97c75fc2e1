//! The capabilities the domain needs from the outside world, one small trait each, so
//! every use case asks for exactly what it uses and unit tests can pass fakes.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::board::{BoardError, Page, StatsBucket};
use crate::classification::{Classification, Prediction};
use crate::error::{ClassifyError, ServiceError};
use crate::stored::{HourCount, QuarantinedRecord, StoredTweet};
use crate::stream::{ReadError, RecordsPage, ShardInfo, StartPosition, StreamRetention};
use crate::tweet::{Tweet, TweetId};

/// Decides on topic or junk.
#[async_trait]
pub trait Classifier: Send + Sync {
    /// The id of the model, stored with each item.
    fn model_id(&self) -> &str;
    async fn classify(&self, tweet: &Tweet) -> Result<Classification, ClassifyError>;
}

/// The result of a conditional put.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PutOutcome {
    /// The item did not exist and is now stored.
    Written,
    /// An item with this id was already stored and was left untouched. `content_hash`
    /// is the stored item's hash when the store could tell it.
    AlreadyStored { content_hash: Option<String> },
}

/// Writes a classified tweet once: the conditional put is the idempotency mechanism.
#[async_trait]
pub trait TweetWriter: Send + Sync {
    async fn put_if_absent(&self, item: &StoredTweet) -> Result<PutOutcome, ServiceError>;

    /// Adds the tweets a batch newly stored (`Written`, never a redelivery) to the board
    /// chart's hourly counters, once per batch. A store without counters ignores it.
    async fn count_stored(&self, _hours: &[HourCount]) -> Result<(), ServiceError> {
        Ok(())
    }
}

/// Tells which tweets are already stored, before any work is done on them: a replay
/// of processed data then makes no classifier calls and no writes.
#[async_trait]
pub trait TweetLookup: Send + Sync {
    /// The stored content hash of each id that is stored (`None` when the item has none).
    /// Ids not in the map are not stored.
    async fn stored_hashes(&self, ids: &[TweetId]) -> Result<HashMap<TweetId, Option<String>>, ServiceError>;
}

/// Keeps records that can never succeed, with their raw bytes.
#[async_trait]
pub trait QuarantineWriter: Send + Sync {
    async fn quarantine(&self, record: &QuarantinedRecord) -> Result<(), ServiceError>;
}

/// A record bound for the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingRecord {
    pub partition_key: String,
    pub data: Vec<u8>,
}

/// Why records could not be published, by their index in the request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PublishReport {
    pub failed: Vec<(usize, String)>,
}

/// Puts records on the stream.
#[async_trait]
pub trait RecordPublisher: Send + Sync {
    async fn publish(&self, records: &[OutgoingRecord]) -> Result<PublishReport, ServiceError>;
}

/// The capability of reading a stream's shards, so the replay engine can be exercised
/// with scripted failures (expired iterators, throttling, trimmed data) in unit tests.
#[async_trait]
pub trait ShardSource: Send + Sync {
    async fn stream_arn(&self) -> Result<String, ServiceError>;
    async fn list_shards(&self) -> Result<Vec<ShardInfo>, ServiceError>;
    async fn retention(&self) -> Result<StreamRetention, ServiceError>;
    /// `Throttled` when the service throttles the request; never `ExpiredIterator`.
    async fn shard_iterator(
        &self,
        shard_id: &str,
        position: &StartPosition,
    ) -> Result<Option<String>, ReadError>;
    async fn get_records(&self, iterator: &str, limit: i32) -> Result<RecordsPage, ReadError>;
}

/// How far a shard has been processed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Checkpoint {
    /// Every record up to and including this sequence number is settled.
    After(String),
    /// The shard is closed and fully processed: its children may start.
    ShardEnd,
}

/// Where the pump keeps its per-shard checkpoints, so a restarted pump resumes where it
/// stopped: DynamoDB in production, memory in unit tests.
#[async_trait]
pub trait Checkpoints: Send + Sync {
    async fn get(&self, stream: &str, shard_id: &str) -> Result<Option<Checkpoint>, ServiceError>;
    async fn put(&self, stream: &str, shard_id: &str, checkpoint: &Checkpoint) -> Result<(), ServiceError>;
}

/// The board's reads: newest-first pages of one prediction, and ON/OFF counts per hour.
#[async_trait]
pub trait BoardQuery: Send + Sync {
    /// The newest `limit` tweets of `prediction` as of `now`, after `cursor` (a `next`
    /// this reader issued) if given. A cursor it did not issue, or one that does not fit
    /// the query, is a [`BoardError::Cursor`]. A page may hold fewer than `limit` tweets
    /// and still have a `next` (the reader bounds its work per page).
    async fn newest(
        &self,
        prediction: Prediction,
        limit: usize,
        cursor: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Page, BoardError>;

    /// ON and OFF counts per hour for the last `hours` hours up to `now`, oldest first:
    /// exactly `hours` buckets, the last one the hour `now` is in.
    async fn hourly_counts(&self, hours: u32, now: DateTime<Utc>) -> Result<Vec<StatsBucket>, ServiceError>;
}
