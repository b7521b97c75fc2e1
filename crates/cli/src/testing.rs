//! A scripted shard for the unit tests of the replay and the pump: the stream behaviour
//! the emulator cannot produce (throttling, expired iterators, trimmed data, retention)
//! on demand. Integration tests use the real reader against the emulator.

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use tweetboard_aws::kinesis::{
    FetchedRecord, ReadError, RecordsPage, ShardInfo, ShardSource, StartPosition, StreamRetention,
};
use tweetboard_core::ServiceError;

/// The one shard's id.
pub const SHARD: &str = "shardId-0";
/// The sequence number of the first record still in the shard; earlier ones are trimmed.
pub const FIRST_SEQ: u64 = 7;

/// One open shard whose record `n` has sequence number `FIRST_SEQ + n`, and scripts of
/// failures that calls pop from the end, one per call, before answering.
pub struct ScriptedShard {
    pub data: Vec<String>,
    pub read_failures: Mutex<Vec<ReadError>>,
    pub iterator_failures: Mutex<Vec<ReadError>>,
    pub iterators_issued: Mutex<Vec<StartPosition>>,
    pub retention: StreamRetention,
    pub arrived_at: DateTime<Utc>,
}

/// A v1.1 tweet's JSON.
pub fn tweet(id: &str, text: &str) -> String {
    format!(r#"{{"id_str": "{id}", "text": "{text}"}}"#)
}

impl ScriptedShard {
    /// A shard of these records, on a stream with a day's retention created long ago.
    pub fn new(data: Vec<String>) -> Self {
        Self {
            data,
            read_failures: Mutex::new(Vec::new()),
            iterator_failures: Mutex::new(Vec::new()),
            iterators_issued: Mutex::new(Vec::new()),
            retention: StreamRetention {
                period: chrono::Duration::hours(24),
                created_at: Some(Utc::now() - chrono::Duration::days(365)),
            },
            arrived_at: Utc::now(),
        }
    }

    /// Six tweets, ids 7 to 12, all on topic.
    pub fn six() -> Self {
        Self::new(
            (FIRST_SEQ..FIRST_SEQ + 6)
                .map(|s| tweet(&s.to_string(), "lambda"))
                .collect(),
        )
    }

    pub fn with_read_failures(self, failures: Vec<ReadError>) -> Self {
        *self.read_failures.lock().unwrap() = failures;
        self
    }

    pub fn with_iterator_failures(self, failures: Vec<ReadError>) -> Self {
        *self.iterator_failures.lock().unwrap() = failures;
        self
    }

    fn end(&self) -> u64 {
        FIRST_SEQ + self.data.len() as u64
    }
}

#[async_trait::async_trait]
impl ShardSource for ScriptedShard {
    async fn stream_arn(&self) -> Result<String, ServiceError> {
        Ok("arn:aws:kinesis:us-east-1:1:stream/s".into())
    }
    async fn list_shards(&self) -> Result<Vec<ShardInfo>, ServiceError> {
        Ok(vec![ShardInfo {
            shard_id: SHARD.into(),
            parent_shard_id: None,
            adjacent_parent_shard_id: None,
            closed: false,
        }])
    }
    async fn retention(&self) -> Result<StreamRetention, ServiceError> {
        Ok(self.retention.clone())
    }
    async fn shard_iterator(&self, _: &str, position: &StartPosition) -> Result<Option<String>, ReadError> {
        if let Some(e) = self.iterator_failures.lock().unwrap().pop() {
            return Err(e);
        }
        self.iterators_issued.lock().unwrap().push(position.clone());
        let from = match position {
            StartPosition::AfterSequenceNumber(s) => s.parse::<u64>().unwrap() + 1,
            StartPosition::AtSequenceNumber(s) => s.parse::<u64>().unwrap().max(FIRST_SEQ),
            StartPosition::Latest => self.end(),
            StartPosition::TrimHorizon | StartPosition::AtTimestamp(_) => FIRST_SEQ,
        };
        Ok(Some(from.to_string()))
    }
    async fn get_records(&self, iterator: &str, limit: i32) -> Result<RecordsPage, ReadError> {
        if let Some(e) = self.read_failures.lock().unwrap().pop() {
            return Err(e);
        }
        let from: u64 = iterator.parse().unwrap();
        let records: Vec<FetchedRecord> = (from..self.end())
            .take(limit as usize)
            .map(|seq| FetchedRecord {
                sequence_number: seq.to_string(),
                partition_key: seq.to_string(),
                data: self.data[(seq - FIRST_SEQ) as usize].clone().into_bytes(),
                arrived_at: self.arrived_at,
            })
            .collect();
        let next = records
            .last()
            .map(|r| (r.sequence_number.parse::<u64>().unwrap() + 1).to_string())
            .unwrap_or(iterator.into());
        Ok(RecordsPage {
            records,
            next_iterator: Some(next),
            millis_behind_latest: 0,
        })
    }
}
