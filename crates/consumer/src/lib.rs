//! The consumer Lambda: a Kinesis batch in, a partial batch response out.
//!
//! [`Consumer`] is built once per cold start (SDK clients, the model) and only ever
//! borrowed by invocations: it has no field an invocation could write, so nothing from
//! one batch can leak into the next on a warm instance.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_lambda_events::event::kinesis::{KinesisEvent, KinesisEventRecord};
use aws_lambda_events::event::streams::KinesisEventResponse;
use lambda_runtime::LambdaEvent;
use tweetboard_core::batch::{process_batch, BatchOptions, BatchPorts, BatchReport};
use tweetboard_core::ports::{Classifier, QuarantineWriter, TweetWriter};
use tweetboard_core::{InputRecord, RecordSource};

/// A malformed event: the whole invocation fails and Lambda retries the batch.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EventError {
    #[error("record {index} of the batch has no sequence number; cannot report it for retry")]
    MissingSequenceNumber { index: usize },
}

impl From<EventError> for lambda_runtime::Diagnostic {
    fn from(e: EventError) -> Self {
        lambda_runtime::Diagnostic {
            error_type: "tweetboard.MalformedEvent".into(),
            error_message: e.to_string(),
        }
    }
}

/// The consumer's dependencies and settings, shared read-only by every invocation.
#[derive(Clone)]
pub struct Consumer {
    classifier: Arc<dyn Classifier>,
    tweets: Arc<dyn TweetWriter>,
    quarantine: Arc<dyn QuarantineWriter>,
    concurrency: usize,
    deadline_margin: Duration,
}

impl Consumer {
    pub fn new(
        classifier: Arc<dyn Classifier>,
        tweets: Arc<dyn TweetWriter>,
        quarantine: Arc<dyn QuarantineWriter>,
        concurrency: usize,
        deadline_margin: Duration,
    ) -> Self {
        Self {
            classifier,
            tweets,
            quarantine,
            concurrency,
            deadline_margin,
        }
    }

    /// The production wiring: DynamoDB stores from the config, the default model.
    /// The Lambda binary and `tweetboard pump` both build their consumer here.
    pub fn from_config(
        aws: &tweetboard_aws::AwsClients,
        config: &tweetboard_aws::ConsumerConfig,
    ) -> Self {
        Self::new(
            Arc::new(tweetboard_classifier::RuleBaseline::default()),
            Arc::new(tweetboard_aws::DynamoTweetStore::new(
                aws.dynamo.clone(),
                &config.table_name,
            )),
            Arc::new(tweetboard_aws::DynamoQuarantine::new(
                aws.dynamo.clone(),
                &config.quarantine_table_name,
            )),
            config.write_concurrency,
            config.deadline_margin,
        )
    }

    /// The Lambda entry point.
    pub async fn handle(
        &self,
        event: LambdaEvent<KinesisEvent>,
    ) -> Result<KinesisEventResponse, EventError> {
        let deadline = deadline_from_epoch_millis(event.context.deadline);
        let (response, _) = self.process(&event.payload, deadline).await?;
        Ok(response)
    }

    /// Runs a batch and returns the Lambda response with the full report (for tools).
    pub async fn process(
        &self,
        event: &KinesisEvent,
        deadline: Option<Instant>,
    ) -> Result<(KinesisEventResponse, BatchReport), EventError> {
        let records = to_input_records(&event.records)?;
        let ports = BatchPorts {
            classifier: self.classifier.as_ref(),
            tweets: self.tweets.as_ref(),
            quarantine: self.quarantine.as_ref(),
        };
        let options = BatchOptions {
            concurrency: self.concurrency,
            deadline,
            deadline_margin: self.deadline_margin,
        };
        let report = process_batch(&ports, &records, &options).await;
        let mut response = KinesisEventResponse::default();
        for seq in report.retry_sequence_numbers() {
            // Never empty: `to_input_records` refuses records without one, and an
            // empty itemIdentifier would make Lambda fail the whole batch.
            response.add_failure(seq);
        }
        Ok((response, report))
    }
}

/// Lambda's context deadline (ms since the epoch) as an `Instant`; 0 means none.
pub fn deadline_from_epoch_millis(deadline_ms: u64) -> Option<Instant> {
    if deadline_ms == 0 {
        return None;
    }
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0);
    Some(Instant::now() + Duration::from_millis(deadline_ms.saturating_sub(now_ms)))
}

fn to_input_records(records: &[KinesisEventRecord]) -> Result<Vec<InputRecord>, EventError> {
    records
        .iter()
        .enumerate()
        .map(|(index, r)| {
            let seq = &r.kinesis.sequence_number;
            if seq.is_empty() {
                return Err(EventError::MissingSequenceNumber { index });
            }
            // eventID is `shardId-000000000000:<sequence number>`.
            let shard_id = r
                .event_id
                .as_deref()
                .and_then(|id| id.split_once(':'))
                .map(|(shard, _)| shard.to_owned())
                .unwrap_or_default();
            let event_id = r
                .event_id
                .clone()
                .unwrap_or_else(|| InputRecord::event_id_for(&shard_id, seq));
            Ok(InputRecord {
                event_id,
                sequence_number: seq.clone(),
                partition_key: r.kinesis.partition_key.clone(),
                data: r.kinesis.data.0.clone(),
                arrived_at: r.kinesis.approximate_arrival_timestamp.0,
                source: RecordSource {
                    stream_arn: r.event_source_arn.clone().unwrap_or_default(),
                    shard_id,
                },
            })
        })
        .collect()
}

/// Builds Lambda-shaped Kinesis events, for the local event source mapping and tests.
pub mod event {
    use aws_lambda_events::encodings::{Base64Data, SecondTimestamp};
    use aws_lambda_events::event::kinesis::{KinesisEvent, KinesisEventRecord, KinesisRecord};
    use chrono::{DateTime, Utc};

    /// One record as Lambda's Kinesis event source mapping would deliver it.
    pub fn record(
        stream_arn: &str,
        shard_id: &str,
        sequence_number: &str,
        partition_key: &str,
        data: Vec<u8>,
        arrived_at: DateTime<Utc>,
    ) -> KinesisEventRecord {
        let mut kinesis = KinesisRecord::default();
        // Both wrappers are non-exhaustive: fill them through their `DerefMut`.
        let mut timestamp = SecondTimestamp::default();
        *timestamp = arrived_at;
        let mut bytes = Base64Data::default();
        *bytes = data;
        kinesis.approximate_arrival_timestamp = timestamp;
        kinesis.data = bytes;
        kinesis.partition_key = partition_key.to_owned();
        kinesis.sequence_number = sequence_number.to_owned();
        kinesis.kinesis_schema_version = Some("1.0".into());
        let mut r = KinesisEventRecord::default();
        r.kinesis = kinesis;
        r.event_id = Some(format!("{shard_id}:{sequence_number}"));
        r.event_name = Some("aws:kinesis:record".into());
        r.event_source = Some("aws:kinesis".into());
        r.event_source_arn = Some(stream_arn.to_owned());
        r.event_version = Some("1.0".into());
        r.aws_region = stream_arn.split(':').nth(3).map(str::to_owned);
        r
    }

    pub fn batch(records: Vec<KinesisEventRecord>) -> KinesisEvent {
        let mut e = KinesisEvent::default();
        e.records = records;
        e
    }
}
