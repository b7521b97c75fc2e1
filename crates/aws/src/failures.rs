//! The event source mapping's on-failure destination (SQS). When Lambda gives up on a
//! batch it sends only metadata (shard, first and last sequence number), never the
//! records: `tweetboard replay --from-failures` reads these messages and re-fetches the
//! records from the stream while they are within retention.

use std::time::Duration;

use aws_sdk_sqs::Client;
use tweetboard_core::ServiceError;

use crate::errors::classify;

/// The `KinesisBatchInfo` of an invocation record.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KinesisBatchInfo {
    pub shard_id: String,
    pub start_sequence_number: String,
    pub end_sequence_number: String,
    pub stream_arn: String,
    #[serde(default)]
    pub batch_size: Option<u64>,
}

impl KinesisBatchInfo {
    /// The stream name, the last segment of the ARN.
    pub fn stream_name(&self) -> &str {
        self.stream_arn.rsplit('/').next().unwrap_or(&self.stream_arn)
    }
}

#[derive(serde::Deserialize)]
struct InvocationRecord {
    #[serde(rename = "KinesisBatchInfo")]
    kinesis_batch_info: Option<KinesisBatchInfo>,
}

/// Why a queued message is not an invocation record of a Kinesis batch.
#[derive(Debug, thiserror::Error)]
pub enum InvocationRecordError {
    #[error("not an invocation record: {0}")]
    NotJson(#[from] serde_json::Error),
    #[error("the invocation record has no KinesisBatchInfo (not from a Kinesis event source)")]
    NotKinesis,
}

/// Reads the batch metadata from an invocation record's JSON.
pub fn parse_invocation_record(body: &str) -> Result<KinesisBatchInfo, InvocationRecordError> {
    let record: InvocationRecord = serde_json::from_str(body)?;
    record.kinesis_batch_info.ok_or(InvocationRecordError::NotKinesis)
}

/// One received message.
#[derive(Debug, Clone)]
pub struct FailureMessage {
    pub message_id: String,
    pub receipt_handle: String,
    pub body: String,
}

/// How long a received message stays hidden from other readers, by default.
pub const DEFAULT_VISIBILITY: Duration = Duration::from_secs(300);

#[derive(Clone)]
pub struct FailureQueue {
    client: Client,
    queue_url: String,
    visibility: Duration,
}

impl FailureQueue {
    pub fn new(client: Client, queue_url: impl Into<String>) -> Self {
        Self {
            client,
            queue_url: queue_url.into(),
            visibility: DEFAULT_VISIBILITY,
        }
    }

    /// Sets how long a received message stays hidden (whole seconds, at least one).
    pub fn with_visibility(mut self, visibility: Duration) -> Self {
        self.visibility = visibility.max(Duration::from_secs(1));
        self
    }

    pub fn visibility(&self) -> Duration {
        self.visibility
    }

    fn visibility_seconds(&self) -> i32 {
        i32::try_from(self.visibility.as_secs()).unwrap_or(i32::MAX)
    }

    /// Up to `max` (1 to 10) messages, hidden from other readers for the visibility
    /// timeout while they are replayed; an empty vector once the queue has nothing visible.
    pub async fn receive(&self, max: i32) -> Result<Vec<FailureMessage>, ServiceError> {
        let out = self
            .client
            .receive_message()
            .queue_url(&self.queue_url)
            .max_number_of_messages(max.clamp(1, 10))
            .visibility_timeout(self.visibility_seconds())
            .wait_time_seconds(1)
            .send()
            .await
            .map_err(|e| classify("ReceiveMessage", e))?;
        Ok(out
            .messages()
            .iter()
            .map(|m| FailureMessage {
                message_id: m.message_id().unwrap_or_default().to_owned(),
                receipt_handle: m.receipt_handle().unwrap_or_default().to_owned(),
                body: m.body().unwrap_or_default().to_owned(),
            })
            .collect())
    }

    /// Hides a message being worked on for another visibility timeout from now, so no
    /// other reader receives it meanwhile.
    pub async fn extend_visibility(&self, message: &FailureMessage) -> Result<(), ServiceError> {
        self.client
            .change_message_visibility()
            .queue_url(&self.queue_url)
            .receipt_handle(&message.receipt_handle)
            .visibility_timeout(self.visibility_seconds())
            .send()
            .await
            .map_err(|e| classify("ChangeMessageVisibility", e))?;
        Ok(())
    }

    /// Deletes a message whose records are settled.
    pub async fn delete(&self, message: &FailureMessage) -> Result<(), ServiceError> {
        self.client
            .delete_message()
            .queue_url(&self.queue_url)
            .receipt_handle(&message.receipt_handle)
            .send()
            .await
            .map_err(|e| classify("DeleteMessage", e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_documented_invocation_record() {
        let body = r#"{
            "requestContext": {"requestId": "c9b8fa9f", "functionArn": "arn:aws:lambda:us-east-2:123456789012:function:consumer",
                               "condition": "RetryAttemptsExhausted", "approximateInvokeCount": 1},
            "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
            "version": "1.0", "timestamp": "2019-11-14T00:38:06.021Z",
            "KinesisBatchInfo": {"shardId": "shardId-000000000001",
                "startSequenceNumber": "49601189658422359378836298521827638475320189012309704722",
                "endSequenceNumber": "49601189658422359378836298522902373528957594348623495186",
                "approximateArrivalOfFirstRecord": "2019-11-14T00:38:04.835Z",
                "approximateArrivalOfLastRecord": "2019-11-14T00:38:05.580Z",
                "batchSize": 500, "streamArn": "arn:aws:kinesis:us-east-2:123456789012:stream/mystream"}}"#;
        let info = parse_invocation_record(body).unwrap();
        assert_eq!(info.shard_id, "shardId-000000000001");
        assert_eq!(info.stream_name(), "mystream");
        assert_eq!(info.batch_size, Some(500));
        assert!(matches!(
            parse_invocation_record("{}"),
            Err(InvocationRecordError::NotKinesis)
        ));
        assert!(matches!(
            parse_invocation_record("nope"),
            Err(InvocationRecordError::NotJson(_))
        ));
    }
}
