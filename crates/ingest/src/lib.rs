//! The ingest Lambda: `{"tweets": [...]}` (or a v2 search response body) in,
//! Kinesis records out, `{"accepted": N, "rejected": [...]}` back.
//!
//! An EventBridge scheduled event (told apart by its shape: `detail-type` and `source`)
//! instead runs one poll of the X API search (`tweetboard_core::poll`) and returns its
//! summary.

use std::sync::Arc;
use std::time::Duration;

use aws_lambda_events::eventbridge::EventBridgeEvent;
use lambda_runtime::LambdaEvent;
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::Value;
use tweetboard_core::error::{bounded_reason, bounded_text};
use tweetboard_core::ingest::{prepare, prepare_json, IngestRequestError, PreparedBatch, Rejection};
use tweetboard_core::poll::{
    poll_once, PollError, PollOptions, PollSummary, SearchApi, SearchError, WatermarkStore,
};
use tweetboard_core::ports::{OutgoingRecord, RecordPublisher};
use tweetboard_core::ServiceError;

/// What the caller gets back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IngestResponse {
    pub accepted: usize,
    pub rejected: Vec<Rejection>,
}

/// What an invocation returns: an ingest response, or a poll's summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum IngestOutput {
    Ingested(IngestResponse),
    Polled(PollSummary),
}

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error(transparent)]
    BadRequest(#[from] IngestRequestError),
    #[error(transparent)]
    Publish(#[from] ServiceError),
    #[error("a scheduled event arrived but polling is not configured: set WATERMARK_TABLE_NAME and the X API token")]
    PollNotConfigured,
    #[error("the scheduled event is not an EventBridge event: {0}")]
    BadScheduledEvent(String),
    #[error("poll failed: {0}")]
    Poll(#[from] PollError),
}

/// Typed errors at the Lambda edge: a caller can tell a bad request (do not retry)
/// from a stream failure (retry).
impl From<IngestError> for lambda_runtime::Diagnostic {
    fn from(e: IngestError) -> Self {
        let error_type = match &e {
            IngestError::BadRequest(_) => "tweetboard.BadRequest",
            IngestError::Publish(_) => "tweetboard.PublishFailed",
            IngestError::PollNotConfigured => "tweetboard.PollNotConfigured",
            IngestError::BadScheduledEvent(_) => "tweetboard.BadRequest",
            // A refused token or query: an operator must act, retrying will not help.
            IngestError::Poll(PollError::Search(SearchError::Unauthorized { .. })) => {
                "tweetboard.SearchUnauthorized"
            }
            IngestError::Poll(PollError::Search(_)) => "tweetboard.SearchRejected",
            IngestError::Poll(_) => "tweetboard.PollFailed",
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

/// What a scheduled run polls with: the search API and the watermarks, built once per
/// cold start.
#[derive(Clone)]
pub struct Poller {
    pub search: Arc<dyn SearchApi>,
    pub watermarks: Arc<dyn WatermarkStore>,
    pub query: String,
    pub max_pages: u32,
}

/// Why polling could not be set up at cold start.
#[derive(Debug, thiserror::Error)]
pub enum PollSetupError {
    #[error(transparent)]
    Token(#[from] tweetboard_aws::secrets::SecretError),
    #[error(transparent)]
    Client(#[from] tweetboard_aws::x_search::XClientError),
}

/// One search request, its body included, may take this long before it is retried.
pub const SEARCH_TIMEOUT: Duration = Duration::from_secs(10);

impl Poller {
    /// The real adapters for `config`: the X API client with its token (read from
    /// Secrets Manager here, once) and the watermark table.
    pub async fn from_config(
        aws: &tweetboard_aws::AwsClients,
        config: &tweetboard_aws::config::PollConfig,
    ) -> Result<Self, PollSetupError> {
        let token = tweetboard_aws::secrets::resolve(&aws.sdk, &config.token).await?;
        Ok(Self {
            search: Arc::new(tweetboard_aws::x_search::XSearchClient::new(
                &config.api_base_url,
                token,
                SEARCH_TIMEOUT,
            )?),
            watermarks: Arc::new(tweetboard_aws::watermark::DynamoWatermarks::new(
                aws.dynamo.clone(),
                &config.watermark_table,
            )),
            query: config.query.clone(),
            max_pages: config.max_pages,
        })
    }
}

/// A scheduled run stops starting pages this long before the invocation's deadline, so
/// it can still push the page in hand and write the watermark.
pub const POLL_DEADLINE_MARGIN: Duration = Duration::from_secs(5);
/// A run's time when the invocation has no deadline (a local call).
pub const POLL_DEFAULT_BUDGET: Duration = Duration::from_secs(60);

/// The ingest handler: the publisher (and the poller) are built once per cold start and
/// borrowed.
#[derive(Clone)]
pub struct Ingest {
    publisher: Arc<dyn RecordPublisher>,
    poller: Option<Poller>,
}

/// Just enough of a payload to tell an EventBridge event from an ingest request.
#[derive(serde::Deserialize)]
struct Shape {
    #[serde(rename = "detail-type")]
    detail_type: Option<serde::de::IgnoredAny>,
    source: Option<serde::de::IgnoredAny>,
}

impl Ingest {
    pub fn new(publisher: Arc<dyn RecordPublisher>) -> Self {
        Self {
            publisher,
            poller: None,
        }
    }

    /// Scheduled events run a poll with `poller`.
    pub fn with_poller(mut self, poller: Poller) -> Self {
        self.poller = Some(poller);
        self
    }

    /// The Lambda entry point: an object with `detail-type` and `source` is an
    /// EventBridge (scheduled) event and runs a poll; anything else is an ingest request
    /// for [`Ingest::handle`]. Telling them apart reads the payload once without keeping
    /// any of it.
    pub async fn invoke(&self, event: LambdaEvent<Box<RawValue>>) -> Result<IngestOutput, IngestError> {
        let scheduled = serde_json::from_str::<Shape>(event.payload.get())
            .is_ok_and(|s| s.detail_type.is_some() && s.source.is_some());
        if !scheduled {
            return Ok(IngestOutput::Ingested(self.handle(event).await?));
        }
        let schedule: EventBridgeEvent = serde_json::from_str(event.payload.get())
            .map_err(|e| IngestError::BadScheduledEvent(bounded_reason(e.to_string())))?;
        tweetboard_core::events::PollStarted {
            schedule_event_id: schedule.id.as_deref().unwrap_or(""),
            detail_type: &schedule.detail_type,
        }
        .emit();
        let budget = deadline_budget(event.context.deadline);
        Ok(IngestOutput::Polled(self.poll(budget).await?))
    }

    /// An ingest request. The payload is taken as raw JSON: the request is read
    /// without building a tree of it, so a hostile body costs about its own size.
    pub async fn handle(&self, event: LambdaEvent<Box<RawValue>>) -> Result<IngestResponse, IngestError> {
        self.publish(prepare_json(event.payload.get().as_bytes())?).await
    }

    /// One poll of the search API, for at most `budget`.
    pub async fn poll(&self, budget: Duration) -> Result<PollSummary, IngestError> {
        let poller = self.poller.as_ref().ok_or(IngestError::PollNotConfigured)?;
        let options = PollOptions::new(
            poller.query.clone(),
            poller.max_pages,
            tokio::time::Instant::now() + budget,
        );
        Ok(poll_once(
            poller.search.as_ref(),
            poller.watermarks.as_ref(),
            self.publisher.as_ref(),
            &options,
        )
        .await?)
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

/// The time a run has: up to the invocation's deadline (milliseconds since the epoch)
/// less [`POLL_DEADLINE_MARGIN`], or [`POLL_DEFAULT_BUDGET`] when there is none.
fn deadline_budget(deadline_ms: u64) -> Duration {
    if deadline_ms == 0 {
        return POLL_DEFAULT_BUDGET;
    }
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    Duration::from_millis(deadline_ms.saturating_sub(now_ms)).saturating_sub(POLL_DEADLINE_MARGIN)
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

    /// A search API of one page of one tweet, and watermarks kept in memory.
    struct OnePage;

    #[async_trait::async_trait]
    impl SearchApi for OnePage {
        async fn search(&self, _: &tweetboard_core::poll::SearchRequest) -> Result<Vec<u8>, SearchError> {
            Ok(br#"{"data": [{"id": "18446744073709551615", "text": "t #aws"}], "meta": {"result_count": 1}}"#.to_vec())
        }
    }

    #[derive(Default)]
    struct Marks(Mutex<Option<tweetboard_core::poll::SinceId>>);

    #[async_trait::async_trait]
    impl WatermarkStore for Marks {
        async fn load(&self, _: &str) -> Result<Option<tweetboard_core::poll::SinceId>, ServiceError> {
            Ok(self.0.lock().unwrap().clone())
        }
        async fn advance(&self, _: &str, to: &tweetboard_core::poll::SinceId) -> Result<bool, ServiceError> {
            *self.0.lock().unwrap() = Some(to.clone());
            Ok(true)
        }
    }

    fn scheduled_event() -> LambdaEvent<Box<RawValue>> {
        let body = json!({
            "version": "0", "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa", "detail-type": "Scheduled Event",
            "source": "aws.events", "account": "123456789012", "time": "2026-11-27T04:00:00Z",
            "region": "us-east-1", "resources": ["arn:aws:events:us-east-1:123456789012:rule/poll"], "detail": {}
        });
        LambdaEvent::new(
            RawValue::from_string(body.to_string()).unwrap(),
            lambda_runtime::Context::default(),
        )
    }

    #[tokio::test]
    async fn a_scheduled_event_polls_and_a_request_still_ingests() {
        // GIVEN an ingest handler with a poller
        let recorder = Arc::new(Recorder::default());
        let ingest = Ingest::new(recorder.clone()).with_poller(Poller {
            search: Arc::new(OnePage),
            watermarks: Arc::new(Marks::default()),
            query: "#aws".into(),
            max_pages: 10,
        });
        // WHEN it gets an EventBridge scheduled event, THEN it polls and returns the summary
        let IngestOutput::Polled(summary) = ingest.invoke(scheduled_event()).await.unwrap() else {
            panic!("not a poll summary")
        };
        assert_eq!((summary.pushed, summary.watermark_advanced), (1, true));
        // AND a direct request is still an ingest
        let request =
            RawValue::from_string(json!({"tweets": [{"id_str": "11", "text": "a"}]}).to_string()).unwrap();
        let out = ingest
            .invoke(LambdaEvent::new(request, lambda_runtime::Context::default()))
            .await
            .unwrap();
        assert!(matches!(
            out,
            IngestOutput::Ingested(IngestResponse { accepted: 1, .. })
        ));
        assert_eq!(recorder.0.lock().unwrap().len(), 2);
    }

    #[tokio::test]
    async fn a_scheduled_event_without_polling_configured_is_a_typed_error() {
        let ingest = Ingest::new(Arc::new(Recorder::default()));
        let err = ingest.invoke(scheduled_event()).await.unwrap_err();
        assert_eq!(
            lambda_runtime::Diagnostic::from(err).error_type,
            "tweetboard.PollNotConfigured"
        );
    }
}
