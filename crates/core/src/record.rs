//! A stream record as the batch use case sees it: the Lambda event shape stays in the
//! consumer crate.

use bytes::Bytes;
use chrono::{DateTime, Utc};

/// Where a record came from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RecordSource {
    /// The stream's ARN (`eventSourceARN`).
    pub stream_arn: String,
    pub shard_id: String,
}

impl RecordSource {
    /// The stream name, the last path segment of the ARN (`arn:...:stream/NAME`).
    pub fn stream_name(&self) -> &str {
        self.stream_arn.rsplit('/').next().unwrap_or(&self.stream_arn)
    }
}

/// One record of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputRecord {
    /// `shardId:sequenceNumber`, unique per record; the quarantine key.
    pub event_id: String,
    /// The item identifier reported back in `batchItemFailures`.
    pub sequence_number: String,
    pub partition_key: String,
    /// The record's bytes. In the consumer Lambda a slice of the invocation's body, in
    /// which each record's base64 was decoded in place: a batch's data is held once,
    /// never as the body and a copy (issue 12's memory target).
    pub data: Bytes,
    pub arrived_at: DateTime<Utc>,
    pub source: RecordSource,
}

impl InputRecord {
    /// The `eventID` Lambda gives a Kinesis record.
    pub fn event_id_for(shard_id: &str, sequence_number: &str) -> String {
        format!("{shard_id}:{sequence_number}")
    }
}
