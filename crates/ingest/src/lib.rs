//! The ingest Lambda: `{"tweets": [...]}` (or a v2 search response body) in,
//! Kinesis records out, `{"accepted": N, "rejected": [...]}` back.

use std::sync::Arc;

use lambda_runtime::LambdaEvent;
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::Value;
use tweetboard_core::error::{bounded_reason, bounded_text};
use tweetboard_core::ingest::{prepare, prepare_json, IngestRequestError, PreparedBatch, Rejection};
use tweetboard_core::ports::{OutgoingRecord, RecordPublisher};
use tweetboard_core::ServiceError;

/// What the caller gets back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IngestResponse {
    pub accepted: usize,
    pub rejected: Vec<Rejection>,
}

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error(transparent)]
    BadRequest(#[from] IngestRequestError),
    #[error(transparent)]
    Publish(#[from] ServiceError),
}

/// Typed errors at the Lambda edge: a caller can tell a bad request (do not retry)
/// from a stream failure (retry).
impl From<IngestError> for lambda_runtime::Diagnostic {
    fn from(e: IngestError) -> Self {
        let error_type = match &e {
            IngestError::BadRequest(_) => "tweetboard.BadRequest",
            IngestError::Publish(_) => "tweetboard.PublishFailed",
        };
        lambda_runtime::Diagnostic {
            error_type: error_type.into(),
            error_message: e.to_string(),
        }
    }
}

/// The rejection reasons of one response add up to at most this. Lambda returns at most
/// 6 MB; 10,000 rejections with 1 KiB reasons, twice that once JSON-escaped, would not
/// fit, and the caller would lose the answer for tweets already published.
pub const RESPONSE_REASONS_BUDGET: usize = 1024 * 1024;

/// Shortens every reason to an equal share of [`RESPONSE_REASONS_BUDGET`] when together
/// they are over it. Every rejected index stays in the response.
fn shorten_reasons(rejected: &mut [Rejection]) {
    let total: usize = rejected.iter().map(|r| r.reason.len()).sum();
    if total <= RESPONSE_REASONS_BUDGET {
        return;
    }
    let share = RESPONSE_REASONS_BUDGET / rejected.len();
    for r in rejected {
        r.reason = bounded_text(std::mem::take(&mut r.reason), share);
    }
}

/// The ingest handler: the publisher is built once per cold start and borrowed.
#[derive(Clone)]
pub struct Ingest {
    publisher: Arc<dyn RecordPublisher>,
}

impl Ingest {
    pub fn new(publisher: Arc<dyn RecordPublisher>) -> Self {
        Self { publisher }
    }

    /// The Lambda entry point. The payload is taken as raw JSON: the request is read
    /// without building a tree of it, so a hostile body costs about its own size.
    pub async fn handle(&self, event: LambdaEvent<Box<RawValue>>) -> Result<IngestResponse, IngestError> {
        self.publish(prepare_json(event.payload.get().as_bytes())?).await
    }

    /// Validates every tweet, publishes the valid ones, and reports each rejected one
    /// (invalid, or still failing after PutRecords retries) by its index.
    pub async fn ingest(&self, body: &Value) -> Result<IngestResponse, IngestError> {
        self.publish(prepare(body)?).await
    }

    async fn publish(&self, prepared: PreparedBatch) -> Result<IngestResponse, IngestError> {
        let (indices, records): (Vec<usize>, Vec<OutgoingRecord>) = prepared.records.into_iter().unzip();
        let report = self.publisher.publish(&records).await?;
        let mut rejected = prepared.rejected;
        rejected.extend(report.failed.iter().map(|(pos, reason)| Rejection {
            index: indices[*pos],
            reason: bounded_reason(reason.as_str()),
        }));
        rejected.sort_by_key(|r| r.index);
        shorten_reasons(&mut rejected);
        for r in &rejected {
            tracing::warn!(event = "tweet_rejected", index = r.index, reason = %r.reason);
        }
        Ok(IngestResponse {
            accepted: records.len() - report.failed.len(),
            rejected,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::sync::Mutex;
    use tweetboard_core::ports::PublishReport;

    /// Records what it is given and fails the record whose partition key is "13".
    #[derive(Default)]
    struct Recorder(Mutex<Vec<OutgoingRecord>>);

    #[async_trait::async_trait]
    impl RecordPublisher for Recorder {
        async fn publish(&self, records: &[OutgoingRecord]) -> Result<PublishReport, ServiceError> {
            self.0.lock().unwrap().extend(records.iter().cloned());
            let failed = records
                .iter()
                .enumerate()
                .filter(|(_, r)| r.partition_key == "13")
                .map(|(i, _)| (i, "kinesis: ProvisionedThroughputExceededException".to_owned()))
                .collect();
            Ok(PublishReport { failed })
        }
    }

    #[tokio::test]
    async fn a_response_of_many_long_rejections_stays_far_below_lambdas_6_mb_limit() {
        // GIVEN 5,500 tweets whose count is a string of quotes: each reason quotes 1 KiB,
        // which JSON escaping doubles
        let ingest = Ingest::new(Arc::new(Recorder::default()));
        let quotes = "\"".repeat(2000);
        let tweets: Vec<Value> = (0..5500)
            .map(|i| json!({"id_str": (1000 + i).to_string(), "text": "t", "retweet_count": quotes}))
            .collect();
        // WHEN they are ingested
        let response = ingest.ingest(&json!({ "tweets": tweets })).await.unwrap();
        // THEN every one is rejected by index, and the response is at most a few MB
        assert_eq!(response.rejected.len(), 5500);
        let size = serde_json::to_vec(&response).unwrap().len();
        assert!(size < 3 * 1024 * 1024, "a {size}-byte response");
        assert!(
            response.rejected[0]
                .reason
                .starts_with("record is JSON but not a tweet"),
            "{}",
            response.rejected[0].reason
        );
    }

    #[tokio::test]
    async fn reports_invalid_and_unpublished_tweets_by_request_index() {
        let recorder = Arc::new(Recorder::default());
        let ingest = Ingest::new(recorder.clone());
        let body = json!({"tweets": [
            {"id_str": "11", "text": "a"}, {"text": "no id"}, {"id_str": "13", "text": "c"}
        ]});

        let response = ingest.ingest(&body).await.unwrap();

        assert_eq!(response.accepted, 1);
        let rejected: Vec<_> = response.rejected.iter().map(|r| r.index).collect();
        assert_eq!(rejected, [1, 2]);
        assert!(response.rejected[1].reason.contains("ProvisionedThroughput"));
        assert_eq!(recorder.0.lock().unwrap().len(), 2);
    }
}
