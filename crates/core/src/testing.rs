//! In-memory fakes of the ports, for unit tests only. Integration tests use the real
//! adapters against the emulator.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use async_trait::async_trait;

use crate::classification::Classification;
use crate::error::{ClassifyError, StoreError};
use crate::ports::{Classifier, PutOutcome, QuarantineWriter, TweetLookup, TweetWriter};
use crate::stored::{QuarantinedRecord, StoredTweet};
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

/// A table in memory. `fail_transiently` makes every write fail as if unreachable.
#[derive(Default)]
pub struct MemoryTable {
    pub items: Mutex<HashMap<String, StoredTweet>>,
    pub fail_transiently: bool,
    pub puts: Mutex<usize>,
}

#[async_trait]
impl TweetWriter for MemoryTable {
    async fn put_if_absent(&self, item: &StoredTweet) -> Result<PutOutcome, StoreError> {
        *self.puts.lock().unwrap() += 1;
        if self.fail_transiently {
            return Err(StoreError::transient("PutItem", "connection refused"));
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
}

#[async_trait]
impl TweetLookup for MemoryTable {
    async fn stored_hashes(&self, ids: &[TweetId]) -> Result<HashMap<TweetId, Option<String>>, StoreError> {
        if self.fail_transiently {
            return Err(StoreError::transient("BatchGetItem", "connection refused"));
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

/// A quarantine table in memory; `fail_transiently` makes every write fail.
#[derive(Default)]
pub struct MemoryQuarantine {
    pub entries: Mutex<Vec<QuarantinedRecord>>,
    pub fail_transiently: bool,
}

#[async_trait]
impl QuarantineWriter for MemoryQuarantine {
    async fn quarantine(&self, record: &QuarantinedRecord) -> Result<(), StoreError> {
        if self.fail_transiently {
            return Err(StoreError::transient("PutItem", "connection refused"));
        }
        let mut entries = self.entries.lock().unwrap();
        let seen: HashSet<&str> = entries.iter().map(|e| e.event_id.as_str()).collect();
        if !seen.contains(record.event_id.as_str()) {
            entries.push(record.clone());
        }
        Ok(())
    }
}
