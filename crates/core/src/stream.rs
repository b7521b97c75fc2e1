//! Reading a stream's shards: what the [`ShardSource`](crate::ports::ShardSource) port
//! speaks in. The Kinesis adapter is `tweetboard_aws::kinesis::KinesisReader`; the replay
//! and the pump are written against the port, so their unit tests can script the stream.

use chrono::{DateTime, Utc};

use crate::error::ServiceError;

/// A shard as listed by ListShards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardInfo {
    pub shard_id: String,
    pub parent_shard_id: Option<String>,
    pub adjacent_parent_shard_id: Option<String>,
    /// Closed shards (after a reshard) have an ending sequence number.
    pub closed: bool,
}

impl ShardInfo {
    pub fn parents(&self) -> impl Iterator<Item = &str> {
        self.parent_shard_id
            .iter()
            .chain(self.adjacent_parent_shard_id.iter())
            .map(String::as_str)
    }
}

/// Where to start reading a shard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartPosition {
    TrimHorizon,
    Latest,
    AtSequenceNumber(String),
    AfterSequenceNumber(String),
    AtTimestamp(DateTime<Utc>),
}

/// A record read from a shard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedRecord {
    pub sequence_number: String,
    pub partition_key: String,
    pub data: Vec<u8>,
    pub arrived_at: DateTime<Utc>,
}

/// One GetRecords page.
#[derive(Debug, Clone)]
pub struct RecordsPage {
    pub records: Vec<FetchedRecord>,
    /// `None` once a closed shard is fully read.
    pub next_iterator: Option<String>,
    pub millis_behind_latest: i64,
}

/// How long a stream keeps its records, and since when it exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamRetention {
    pub period: chrono::Duration,
    /// `None` when the service did not say.
    pub created_at: Option<DateTime<Utc>>,
}

impl StreamRetention {
    /// The oldest arrival time still readable at `now`, when records before it may have
    /// been trimmed: `None` for a stream younger than its retention period.
    pub fn trimmed_before(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let cutoff = now - self.period;
        match self.created_at {
            Some(created) if created >= cutoff => None,
            _ => Some(cutoff),
        }
    }
}

/// Reading failures the pollers handle differently.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("the shard iterator expired; get a new one from the last position")]
    ExpiredIterator,
    /// GetRecords (5 calls per second per shard) or GetShardIterator (5 per second per
    /// shard) over its limit: back off and call again.
    #[error("read throughput exceeded: {0}")]
    Throttled(String),
    #[error(transparent)]
    Store(#[from] ServiceError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_younger_than_its_retention_has_trimmed_nothing() {
        let now = Utc::now();
        let day = chrono::Duration::hours(24);
        let young = StreamRetention {
            period: day,
            created_at: Some(now - chrono::Duration::hours(2)),
        };
        let old = StreamRetention {
            period: day,
            created_at: Some(now - chrono::Duration::days(30)),
        };
        assert_eq!(young.trimmed_before(now), None);
        assert_eq!(old.trimmed_before(now), Some(now - day));
        assert_eq!(
            StreamRetention {
                created_at: None,
                ..old
            }
            .trimmed_before(now),
            Some(now - day)
        );
    }
}
