//! Kinesis adapters: the publisher behind ingest, and the shard reader behind
//! `tweetboard pump` and `replay`.

use async_trait::async_trait;
use aws_sdk_kinesis::operation::get_records::GetRecordsError;
use aws_sdk_kinesis::operation::get_shard_iterator::GetShardIteratorError;
use aws_sdk_kinesis::primitives::Blob;
use aws_sdk_kinesis::types::{PutRecordsRequestEntry, ShardIteratorType};
use aws_sdk_kinesis::Client;
use chrono::{DateTime, Utc};
use tweetboard_core::ports::{OutgoingRecord, PublishReport, RecordPublisher};
// The reading port and its types live in the domain; re-exported for the readers' users.
pub use tweetboard_core::ports::ShardSource;
pub use tweetboard_core::stream::{
    FetchedRecord, ReadError, RecordsPage, ShardInfo, StartPosition, StreamRetention,
};
use tweetboard_core::ServiceError;

use crate::errors::{classify, service_code};
use crate::retry::Backoff;

/// PutRecords limits: 500 records and 5 MiB (data plus partition keys) per request.
pub const PUT_RECORDS_MAX_RECORDS: usize = 500;
pub const PUT_RECORDS_MAX_BYTES: usize = 5 * 1024 * 1024;

/// Puts records on one stream.
#[derive(Clone)]
pub struct KinesisPublisher {
    client: Client,
    stream: String,
    backoff: Backoff,
}

impl KinesisPublisher {
    pub fn new(client: Client, stream: impl Into<String>) -> Self {
        Self {
            client,
            stream: stream.into(),
            backoff: Backoff::default(),
        }
    }

    pub fn with_backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    /// One PutRecords request, retrying only the entries that failed. Returns the
    /// entries (indices into `chunk`) still failed after the last attempt.
    async fn put_chunk(&self, chunk: &[&OutgoingRecord]) -> Vec<(usize, String)> {
        let mut pending: Vec<usize> = (0..chunk.len()).collect();
        let mut last_errors: Vec<(usize, String)> = Vec::new();
        for attempt in 0..self.backoff.max_attempts {
            if attempt > 0 {
                tokio::time::sleep(self.backoff.delay(attempt)).await;
            }
            let entries: Vec<PutRecordsRequestEntry> = pending
                .iter()
                .map(|&i| {
                    PutRecordsRequestEntry::builder()
                        .partition_key(&chunk[i].partition_key)
                        .data(Blob::new(chunk[i].data.clone()))
                        .build()
                        .expect("partition key and data are set")
                })
                .collect();
            let response = self
                .client
                .put_records()
                .stream_name(&self.stream)
                .set_records(Some(entries))
                .send()
                .await;
            match response {
                Ok(out) => {
                    // Results are positional: the n-th result is the n-th entry sent.
                    let mut still = Vec::new();
                    last_errors.clear();
                    for (pos, result) in out.records().iter().enumerate() {
                        if let Some(code) = result.error_code() {
                            let i = pending[pos];
                            still.push(i);
                            let msg = result.error_message().unwrap_or_default();
                            last_errors.push((i, format!("kinesis: {code}: {msg}")));
                        }
                    }
                    if still.is_empty() {
                        return Vec::new();
                    }
                    tracing::warn!(
                        event = "put_records_partial_failure",
                        failed = still.len(),
                        attempt = attempt + 1
                    );
                    pending = still;
                }
                Err(err) => {
                    let e = classify("PutRecords", err);
                    let reason = format!("kinesis: {e}");
                    last_errors = pending.iter().map(|&i| (i, reason.clone())).collect();
                    if !e.is_transient() {
                        break;
                    }
                }
            }
        }
        last_errors
    }
}

/// Splits records into PutRecords-sized chunks, keeping their original indices.
pub fn chunk_records(records: &[OutgoingRecord]) -> Vec<Vec<usize>> {
    let mut chunks = Vec::new();
    let mut current = Vec::new();
    let mut bytes = 0usize;
    for (i, r) in records.iter().enumerate() {
        let size = r.data.len() + r.partition_key.len();
        if !current.is_empty()
            && (current.len() == PUT_RECORDS_MAX_RECORDS || bytes + size > PUT_RECORDS_MAX_BYTES)
        {
            chunks.push(std::mem::take(&mut current));
            bytes = 0;
        }
        current.push(i);
        bytes += size;
    }
    if !current.is_empty() {
        chunks.push(current);
    }
    chunks
}

#[async_trait]
impl RecordPublisher for KinesisPublisher {
    async fn publish(&self, records: &[OutgoingRecord]) -> Result<PublishReport, ServiceError> {
        let mut report = PublishReport::default();
        for chunk in chunk_records(records) {
            let refs: Vec<&OutgoingRecord> = chunk.iter().map(|&i| &records[i]).collect();
            for (pos, reason) in self.put_chunk(&refs).await {
                report.failed.push((chunk[pos], reason));
            }
        }
        report.failed.sort_by_key(|(i, _)| *i);
        Ok(report)
    }
}

#[async_trait]
impl ShardSource for KinesisReader {
    async fn stream_arn(&self) -> Result<String, ServiceError> {
        KinesisReader::stream_arn(self).await
    }
    async fn list_shards(&self) -> Result<Vec<ShardInfo>, ServiceError> {
        KinesisReader::list_shards(self).await
    }
    async fn retention(&self) -> Result<StreamRetention, ServiceError> {
        KinesisReader::retention(self).await
    }
    async fn shard_iterator(
        &self,
        shard_id: &str,
        position: &StartPosition,
    ) -> Result<Option<String>, ReadError> {
        KinesisReader::shard_iterator(self, shard_id, position).await
    }
    async fn get_records(&self, iterator: &str, limit: i32) -> Result<RecordsPage, ReadError> {
        KinesisReader::get_records(self, iterator, limit).await
    }
}

/// Reads one stream's shards.
#[derive(Clone)]
pub struct KinesisReader {
    client: Client,
    stream: String,
}

impl KinesisReader {
    pub fn new(client: Client, stream: impl Into<String>) -> Self {
        Self {
            client,
            stream: stream.into(),
        }
    }

    pub fn stream_name(&self) -> &str {
        &self.stream
    }

    pub async fn stream_arn(&self) -> Result<String, ServiceError> {
        let out = self.describe_summary().await?;
        Ok(out
            .stream_description_summary()
            .map(|d| d.stream_arn().to_owned())
            .unwrap_or_default())
    }

    async fn describe_summary(
        &self,
    ) -> Result<aws_sdk_kinesis::operation::describe_stream_summary::DescribeStreamSummaryOutput, ServiceError>
    {
        self.client
            .describe_stream_summary()
            .stream_name(&self.stream)
            .send()
            .await
            .map_err(|e| classify("DescribeStreamSummary", e))
    }

    /// The retention period and creation time (DescribeStreamSummary).
    pub async fn retention(&self) -> Result<StreamRetention, ServiceError> {
        let out = self.describe_summary().await?;
        let summary = out.stream_description_summary();
        Ok(StreamRetention {
            period: chrono::Duration::hours(summary.map_or(24, |d| i64::from(d.retention_period_hours()))),
            created_at: summary.and_then(|d| {
                DateTime::from_timestamp_millis(d.stream_creation_timestamp().to_millis().ok()?)
            }),
        })
    }

    /// Every shard, open and closed, in the order ListShards returns them.
    pub async fn list_shards(&self) -> Result<Vec<ShardInfo>, ServiceError> {
        let mut shards = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let request = match &token {
                // With a token, the stream name must not be sent.
                Some(t) => self.client.list_shards().next_token(t),
                None => self.client.list_shards().stream_name(&self.stream),
            };
            let out = request.send().await.map_err(|e| classify("ListShards", e))?;
            for s in out.shards() {
                shards.push(ShardInfo {
                    shard_id: s.shard_id().to_owned(),
                    parent_shard_id: s.parent_shard_id().map(str::to_owned),
                    adjacent_parent_shard_id: s.adjacent_parent_shard_id().map(str::to_owned),
                    closed: s
                        .sequence_number_range()
                        .and_then(|r| r.ending_sequence_number())
                        .is_some(),
                });
            }
            match out.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_owned()),
                _ => break,
            }
        }
        Ok(shards)
    }

    pub async fn shard_iterator(
        &self,
        shard_id: &str,
        position: &StartPosition,
    ) -> Result<Option<String>, ReadError> {
        let mut req = self
            .client
            .get_shard_iterator()
            .stream_name(&self.stream)
            .shard_id(shard_id);
        req = match position {
            StartPosition::TrimHorizon => req.shard_iterator_type(ShardIteratorType::TrimHorizon),
            StartPosition::Latest => req.shard_iterator_type(ShardIteratorType::Latest),
            StartPosition::AtSequenceNumber(seq) => req
                .shard_iterator_type(ShardIteratorType::AtSequenceNumber)
                .starting_sequence_number(seq),
            StartPosition::AfterSequenceNumber(seq) => req
                .shard_iterator_type(ShardIteratorType::AfterSequenceNumber)
                .starting_sequence_number(seq),
            StartPosition::AtTimestamp(t) => req
                .shard_iterator_type(ShardIteratorType::AtTimestamp)
                .timestamp(aws_smithy_types::DateTime::from_millis(t.timestamp_millis())),
        };
        let out = req.send().await.map_err(|err| match err.as_service_error() {
            Some(GetShardIteratorError::ProvisionedThroughputExceededException(e)) => {
                ReadError::Throttled(e.to_string())
            }
            _ if is_throttling_code(service_code(&err)) => {
                ReadError::Throttled(service_code(&err).unwrap_or_default().to_owned())
            }
            _ => ReadError::Store(classify("GetShardIterator", err)),
        })?;
        Ok(out.shard_iterator().map(str::to_owned))
    }

    pub async fn get_records(&self, iterator: &str, limit: i32) -> Result<RecordsPage, ReadError> {
        let out = self
            .client
            .get_records()
            .shard_iterator(iterator)
            .limit(limit.clamp(1, 10_000))
            .send()
            .await;
        let out = match out {
            Ok(out) => out,
            Err(err) => {
                return Err(match err.as_service_error() {
                    Some(GetRecordsError::ExpiredIteratorException(_)) => ReadError::ExpiredIterator,
                    Some(GetRecordsError::ProvisionedThroughputExceededException(e)) => {
                        ReadError::Throttled(e.to_string())
                    }
                    _ if service_code(&err) == Some("ExpiredIteratorException") => ReadError::ExpiredIterator,
                    _ => ReadError::Store(classify("GetRecords", err)),
                })
            }
        };
        let records = out
            .records()
            .iter()
            .map(|r| FetchedRecord {
                sequence_number: r.sequence_number().to_owned(),
                partition_key: r.partition_key().unwrap_or_default().to_owned(),
                data: r.data().as_ref().to_vec(),
                arrived_at: r
                    .approximate_arrival_timestamp()
                    .and_then(|t| DateTime::from_timestamp_millis(t.to_millis().ok()?))
                    .unwrap_or_else(Utc::now),
            })
            .collect();
        Ok(RecordsPage {
            records,
            next_iterator: out.next_shard_iterator().map(str::to_owned),
            millis_behind_latest: out.millis_behind_latest().unwrap_or(0),
        })
    }
}

/// Throttling codes of the Kinesis read calls (GetShardIterator answers
/// `LimitExceededException` too, outside its modelled errors).
fn is_throttling_code(code: Option<&str>) -> bool {
    matches!(
        code,
        Some("ProvisionedThroughputExceededException" | "LimitExceededException" | "ThrottlingException")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(size: usize) -> OutgoingRecord {
        OutgoingRecord {
            partition_key: "1".into(),
            data: vec![b'x'; size],
        }
    }

    #[test]
    fn chunks_respect_record_count() {
        let records: Vec<_> = (0..1201).map(|_| rec(10)).collect();
        let sizes: Vec<_> = chunk_records(&records).iter().map(Vec::len).collect();
        assert_eq!(sizes, [500, 500, 201]);
    }

    #[test]
    fn chunks_respect_request_bytes() {
        let records: Vec<_> = (0..12).map(|_| rec(1024 * 1024 - 1)).collect();
        let chunks = chunk_records(&records);
        assert_eq!(chunks.iter().map(Vec::len).collect::<Vec<_>>(), [5, 5, 2]);
        assert_eq!(chunks.concat(), (0..12).collect::<Vec<_>>());
    }
}
