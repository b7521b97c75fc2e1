//! In-memory fakes of the ports, for unit tests only. Integration tests use the real
//! adapters against the emulator.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::board::{BoardError, BoardTweet, CursorError, HourlyCounts, Page, StatsBucket};
use crate::classification::{Classification, Prediction};
use crate::error::{ClassifyError, ServiceError};
use crate::ports::{BoardQuery, Classifier, PutOutcome, QuarantineWriter, TweetLookup, TweetWriter};
use crate::stored::{HourCount, QuarantinedRecord, StoredTweet, DYNAMODB_ITEM_LIMIT_BYTES};
use crate::tweet::{Tweet, TweetId};

/// Junk when the text contains "junk"; fails permanently on "poison-model" and
/// transiently on "flaky-model".
pub struct KeywordFake;

#[async_trait]
impl Classifier for KeywordFake {
    fn model_id(&self) -> &str {
        "fake"
    }
    async fn classify(&self, tweet: &Tweet) -> Result<Classification, ClassifyError> {
        if tweet.text.contains("poison-model") {
            return Err(ClassifyError::permanent("model cannot score this"));
        }
        if tweet.text.contains("flaky-model") {
            return Err(ClassifyError::transient("endpoint throttled"));
        }
        let score = if tweet.text.contains("junk") { 0.9 } else { 0.1 };
        Ok(Classification::from_score(score, 0.5, "fake"))
    }
}

/// What DynamoDB answers for an item over its size limit; the fakes give the same, so
/// unit tests see what the real table does.
fn item_too_large(operation: &'static str, size: usize) -> ServiceError {
    ServiceError::permanent(
        operation,
        format!("ValidationException: Item size has exceeded the maximum allowed size ({size} bytes)"),
    )
}

/// A table in memory. `fail_transiently` makes every write fail as if unreachable.
/// Like DynamoDB, it refuses items over the 400 KB limit.
#[derive(Default)]
pub struct MemoryTable {
    pub items: Mutex<HashMap<String, StoredTweet>>,
    pub fail_transiently: bool,
    pub puts: Mutex<usize>,
    /// How long every write takes: a slow or hanging store.
    pub write_delay: std::time::Duration,
    /// What each batch handed to `count_stored`, in order.
    pub counted: Mutex<Vec<Vec<HourCount>>>,
}

#[async_trait]
impl TweetWriter for MemoryTable {
    async fn put_if_absent(&self, item: &StoredTweet) -> Result<PutOutcome, ServiceError> {
        *self.puts.lock().unwrap() += 1;
        if !self.write_delay.is_zero() {
            tokio::time::sleep(self.write_delay).await;
        }
        if self.fail_transiently {
            return Err(ServiceError::transient("PutItem", "connection refused"));
        }
        let size = item.approximate_size();
        if size > DYNAMODB_ITEM_LIMIT_BYTES {
            return Err(item_too_large("PutItem", size));
        }
        let mut items = self.items.lock().unwrap();
        let key = item.tweet.id().as_str().to_owned();
        if let Some(existing) = items.get(&key) {
            return Ok(PutOutcome::AlreadyStored {
                content_hash: Some(existing.content_hash.clone()),
            });
        }
        items.insert(key, item.clone());
        Ok(PutOutcome::Written)
    }

    async fn count_stored(&self, hours: &[HourCount]) -> Result<(), ServiceError> {
        self.counted.lock().unwrap().push(hours.to_vec());
        Ok(())
    }
}

#[async_trait]
impl TweetLookup for MemoryTable {
    async fn stored_hashes(&self, ids: &[TweetId]) -> Result<HashMap<TweetId, Option<String>>, ServiceError> {
        if self.fail_transiently {
            return Err(ServiceError::transient("BatchGetItem", "connection refused"));
        }
        let items = self.items.lock().unwrap();
        Ok(ids
            .iter()
            .filter_map(|id| {
                items
                    .get(id.as_str())
                    .map(|i| (id.clone(), Some(i.content_hash.clone())))
            })
            .collect())
    }
}

/// A quarantine table in memory; `fail_transiently` makes every write fail, and
/// `refuse_raw_bytes` refuses for good every entry that carries raw bytes (a store
/// that can never take the full entry). Like DynamoDB, it refuses an entry whose item
/// is over the 400 KB limit: it takes where the raw bytes are split from the layout
/// under test, but measures the entry itself (every attribute's name and value, the
/// reason included), so a layout that forgets the reason fails here as on DynamoDB.
#[derive(Default)]
pub struct MemoryQuarantine {
    pub entries: Mutex<Vec<QuarantinedRecord>>,
    pub fail_transiently: bool,
    pub refuse_raw_bytes: bool,
}

#[async_trait]
impl QuarantineWriter for MemoryQuarantine {
    async fn quarantine(&self, record: &QuarantinedRecord) -> Result<(), ServiceError> {
        if self.fail_transiently {
            return Err(ServiceError::transient("PutItem", "connection refused"));
        }
        if self.refuse_raw_bytes && !record.data.is_empty() {
            return Err(ServiceError::permanent("PutItem", "ValidationException: refused"));
        }
        let parts = record.data_parts();
        let strings = [
            &record.event_id,
            &record.reason,
            &record.partition_key,
            &record.sequence_number,
            &record.source_arn,
            &record.arrived_at,
            &record.quarantined_at,
        ];
        // The names of the entry's attributes, and its two numbers at their widest.
        const NAMES_AND_NUMBERS: usize = 111 + 2 * 21;
        let entry_size = strings.iter().map(|s| s.len()).sum::<usize>() + parts[0].len() + NAMES_AND_NUMBERS;
        if entry_size > DYNAMODB_ITEM_LIMIT_BYTES {
            return Err(item_too_large("PutItem", entry_size));
        }
        if let Some(part) = parts.iter().find(|p| p.len() > DYNAMODB_ITEM_LIMIT_BYTES) {
            return Err(item_too_large("PutItem", part.len()));
        }
        if parts.concat() != record.data {
            return Err(ServiceError::permanent(
                "PutItem",
                "the parts do not add up to the raw bytes",
            ));
        }
        let mut entries = self.entries.lock().unwrap();
        let seen: HashSet<&str> = entries.iter().map(|e| e.event_id.as_str()).collect();
        if !seen.contains(record.event_id.as_str()) {
            entries.push(record.clone());
        }
        Ok(())
    }
}

/// The board's tweets in memory, newest first per prediction, `limit` at a time. Its
/// cursors are positions (`at:<n>`); any other cursor is one it did not issue.
/// `fail_transiently` makes every read fail as if the table were unreachable; `reads`
/// counts the reads, so a test can tell a request made none.
#[derive(Default)]
pub struct MemoryBoard {
    pub tweets: Vec<BoardTweet>,
    pub fail_transiently: bool,
    pub reads: Mutex<usize>,
}

impl MemoryBoard {
    pub fn new(tweets: Vec<BoardTweet>) -> Self {
        Self {
            tweets,
            ..Self::default()
        }
    }

    fn read(&self, operation: &'static str) -> Result<(), ServiceError> {
        *self.reads.lock().unwrap() += 1;
        if self.fail_transiently {
            return Err(ServiceError::transient(operation, "connection refused"));
        }
        Ok(())
    }
}

#[async_trait]
impl BoardQuery for MemoryBoard {
    async fn newest(
        &self,
        prediction: Prediction,
        limit: usize,
        cursor: Option<&str>,
        _now: DateTime<Utc>,
    ) -> Result<Page, BoardError> {
        let from = match cursor {
            None => 0,
            Some(c) => c
                .strip_prefix("at:")
                .and_then(|n| n.parse::<usize>().ok())
                .ok_or(CursorError::Malformed)?,
        };
        self.read("Query")?;
        let mut matching: Vec<&BoardTweet> = self
            .tweets
            .iter()
            .filter(|t| t.prediction == prediction.as_str())
            .collect();
        matching.sort_by(|a, b| (&b.created_at, &b.tweet_id).cmp(&(&a.created_at, &a.tweet_id)));
        let items: Vec<BoardTweet> = matching
            .iter()
            .skip(from)
            .take(limit)
            .map(|t| (*t).clone())
            .collect();
        let end = from + items.len();
        let next = (end < matching.len()).then(|| format!("at:{end}"));
        Ok(Page { items, next })
    }

    async fn hourly_counts(&self, hours: u32, now: DateTime<Utc>) -> Result<Vec<StatsBucket>, ServiceError> {
        self.read("Query")?;
        let mut counts = HourlyCounts::new(hours, now);
        for t in &self.tweets {
            if let Some(prediction) = Prediction::parse(&t.prediction) {
                counts.add(prediction, &t.created_at);
            }
        }
        Ok(counts.into_buckets())
    }
}
