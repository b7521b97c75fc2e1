//! The consumer Lambda: a Kinesis batch in, a partial batch response out.
//!
//! [`Consumer`] is built once per cold start (SDK clients, the model) and only ever
//! borrowed by invocations: it has no field an invocation could write, so nothing from
//! one batch can leak into the next on a warm instance.

pub mod body;

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_lambda_events::event::kinesis::{KinesisEvent, KinesisEventRecord};
use aws_lambda_events::event::streams::KinesisEventResponse;
use lambda_runtime::LambdaEvent;
use tweetboard_core::batch::{process_batch, BatchOptions, BatchPorts, BatchReport};
use tweetboard_core::ports::{Classifier, QuarantineWriter, TweetLookup, TweetWriter};
use tweetboard_core::probe::ProbeFirst;
use tweetboard_core::{InputRecord, RecordSource};

/// A malformed event: the whole invocation fails and Lambda retries the batch.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EventError {
    #[error("record {index} of the batch has no sequence number; cannot report it for retry")]
    MissingSequenceNumber { index: usize },
    #[error("the invocation's body is not a Kinesis event: {0}")]
    NotAKinesisEvent(String),
    #[error("record {index} of the batch has data that is not base64: {reason}")]
    InvalidData { index: usize, reason: String },
    #[error("no invocation body to read (the runtime was started without the body layer)")]
    NoBody,
    #[error("record {index} of the batch has {field} of {len} bytes (at most {max}, and not empty): not a Kinesis record")]
    BadIdentity {
        index: usize,
        field: &'static str,
        len: usize,
        max: usize,
    },
    #[error("records {first} and {second} of the batch share the eventID {event_id:?}: not a Kinesis batch")]
    DuplicateEventId {
        first: usize,
        second: usize,
        event_id: String,
    },
}

/// Bounds on what Kinesis puts in a record's identity fields, with room to spare (an
/// eventID is `shardId-<12 digits>:<sequence number>`, a sequence number at most 129
/// digits, a partition key at most 256 characters, an ARN a few hundred bytes). They
/// key the quarantine entry and travel in every item, so a forged event with an
/// empty or huge one could be neither written nor quarantined, and would be retried
/// until it expired with its bytes lost; it is refused whole instead, with this error.
const MAX_EVENT_ID_BYTES: usize = 512;
const MAX_SEQUENCE_NUMBER_BYTES: usize = 256;
const MAX_PARTITION_KEY_BYTES: usize = 1024;
const MAX_SOURCE_ARN_BYTES: usize = 2048;

/// Refuses a batch that no event source mapping could have sent (see the bounds above):
/// an identity field empty or over its bound, or two records with one eventID (the
/// quarantine keeps one entry per eventID, so the second's bytes would be lost).
fn check_record_identities(records: &[InputRecord]) -> Result<(), EventError> {
    let mut seen: std::collections::HashMap<&str, usize> =
        std::collections::HashMap::with_capacity(records.len());
    for (index, r) in records.iter().enumerate() {
        for (field, value, max, may_be_empty) in [
            ("an eventID", &r.event_id, MAX_EVENT_ID_BYTES, false),
            (
                "a sequence number",
                &r.sequence_number,
                MAX_SEQUENCE_NUMBER_BYTES,
                false,
            ),
            ("a partition key", &r.partition_key, MAX_PARTITION_KEY_BYTES, true),
            (
                "an event source ARN",
                &r.source.stream_arn,
                MAX_SOURCE_ARN_BYTES,
                true,
            ),
        ] {
            if value.len() > max || (value.is_empty() && !may_be_empty) {
                return Err(EventError::BadIdentity {
                    index,
                    field,
                    len: value.len(),
                    max,
                });
            }
        }
        if let Some(first) = seen.insert(r.event_id.as_str(), index) {
            return Err(EventError::DuplicateEventId {
                first,
                second: index,
                event_id: r.event_id.clone(),
            });
        }
    }
    Ok(())
}

impl From<EventError> for lambda_runtime::Diagnostic {
    fn from(e: EventError) -> Self {
        lambda_runtime::Diagnostic {
            error_type: "tweetboard.MalformedEvent".into(),
            error_message: e.to_string(),
        }
    }
}

/// Gives freed heap memory back to the system past 128 KiB, every time. glibc's default
/// threshold moves up with the largest block freed (the model's JSON at cold start, an
/// invocation body): after that the heap keeps whatever a batch's records left at its
/// top, and the 10,000-record batch peaked at 54 MB instead of 38 MB (BENCHMARKS.md,
/// measured with `MALLOC_TRIM_THRESHOLD_`, which this sets from the code). Call it first
/// thing in `main`, before any other thread exists.
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a tunable of the allocator; no other thread is running
    // yet, and the value is one glibc documents as valid.
    unsafe {
        libc::mallopt(libc::M_TRIM_THRESHOLD, 128 * 1024);
    }
}

/// The consumer's dependencies and settings, shared read-only by every invocation.
#[derive(Clone)]
pub struct Consumer {
    classifier: Arc<dyn Classifier>,
    tweets: Arc<dyn TweetWriter>,
    quarantine: Arc<dyn QuarantineWriter>,
    /// Finds the batch's stored tweets before any work (see `with_lookup`).
    lookup: Option<Arc<dyn TweetLookup>>,
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
            lookup: None,
            concurrency,
            deadline_margin,
        }
    }

    /// Looks the batch's tweets up before classifying and writing them: the stored ones
    /// settle as already stored (or as conflicts) without a write. The production
    /// wiring passes the redelivery probe ([`ProbeFirst`]).
    pub fn with_lookup(mut self, lookup: Arc<dyn TweetLookup>) -> Self {
        self.lookup = Some(lookup);
        self
    }

    /// The production wiring: DynamoDB stores and the classifier the config names.
    /// The Lambda binary and `tweetboard pump` both build their consumer here.
    pub fn from_config(
        aws: &tweetboard_aws::AwsClients,
        config: &tweetboard_aws::ConsumerConfig,
    ) -> Result<Self, tweetboard_classifier::ModelError> {
        let tweets =
            tweetboard_aws::DynamoTweetStore::new(aws.dynamo.clone(), &config.table_name).with_counts(
                tweetboard_aws::counts::CountsTable::new(aws.dynamo.clone(), &config.counts_table_name),
            );
        Ok(Self::new(
            aws.classifier(&config.classifier)?,
            Arc::new(tweets.clone()),
            Arc::new(tweetboard_aws::DynamoQuarantine::new(
                aws.dynamo.clone(),
                &config.quarantine_table_name,
            )),
            config.write_concurrency,
            config.deadline_margin,
        )
        // A redelivered or replayed batch then costs a BatchGetItem per 100 records
        // instead of a failed conditional write per record; a fresh one, one request.
        .with_lookup(Arc::new(ProbeFirst::new(tweets))))
    }

    /// The Lambda entry point.
    pub async fn handle(&self, event: LambdaEvent<KinesisEvent>) -> Result<KinesisEventResponse, EventError> {
        self.handle_with_report(event).await.map(|(response, _)| response)
    }

    /// The Lambda entry point, also returning the batch report (for metrics).
    pub async fn handle_with_report(
        &self,
        event: LambdaEvent<KinesisEvent>,
    ) -> Result<(KinesisEventResponse, BatchReport), EventError> {
        let deadline = deadline_from_epoch_millis(event.context.deadline);
        tracing::debug!(
            event = "invocation_started",
            records = event.payload.records.len(),
            deadline_ms = event.context.deadline,
            remaining_ms = deadline.map(|d| d.saturating_duration_since(Instant::now()).as_millis() as u64),
        );
        self.process(event.payload, deadline).await
    }

    /// The Lambda entry point of the binary: the event read from the invocation's body
    /// ([`body::records_from_body`]), which [`body::BodyLayer`] set aside; the payload
    /// `lambda_runtime` deserialised is a placeholder.
    pub async fn handle_body_with_report(
        &self,
        context: &lambda_runtime::Context,
    ) -> Result<(KinesisEventResponse, BatchReport), EventError> {
        let body = body::take_invocation_body().ok_or(EventError::NoBody)?;
        let deadline = deadline_from_epoch_millis(context.deadline);
        let records = body::records_from_body(body)?;
        tracing::debug!(
            event = "invocation_started",
            records = records.len(),
            deadline_ms = context.deadline,
            remaining_ms = deadline.map(|d| d.saturating_duration_since(Instant::now()).as_millis() as u64),
        );
        self.process_records(records, deadline).await
    }

    /// Runs a batch and returns the Lambda response with the full report (for tools).
    pub async fn process(
        &self,
        event: KinesisEvent,
        deadline: Option<Instant>,
    ) -> Result<(KinesisEventResponse, BatchReport), EventError> {
        self.process_records(to_input_records(event.records)?, deadline)
            .await
    }

    async fn process_records(
        &self,
        records: Vec<InputRecord>,
        deadline: Option<Instant>,
    ) -> Result<(KinesisEventResponse, BatchReport), EventError> {
        check_record_identities(&records)?;
        let ports = BatchPorts {
            classifier: self.classifier.as_ref(),
            tweets: self.tweets.as_ref(),
            quarantine: self.quarantine.as_ref(),
            lookup: self.lookup.as_deref(),
        };
        let options = BatchOptions {
            concurrency: self.concurrency,
            deadline,
            deadline_margin: effective_margin(self.deadline_margin, deadline),
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

/// The configured margin, but never more than a quarter of the time the invocation has:
/// with Lambda's default 3-second timeout a fixed 3-second margin would start nothing,
/// and every batch would be retried forever.
pub fn effective_margin(configured: Duration, deadline: Option<Instant>) -> Duration {
    match deadline {
        Some(d) => configured.min(d.saturating_duration_since(Instant::now()) / 4),
        None => configured,
    }
}

/// Epoch milliseconds of 2001-09-09: any real deadline is later than this.
const EPOCH_MS_PLAUSIBLE: u64 = 1_000_000_000_000;

/// Lambda's context deadline as an `Instant`; 0 means none.
///
/// Lambda sends epoch milliseconds. `cargo lambda watch` sends the timeout itself
/// (e.g. `600000`), so a value too small to be an epoch time is read as "this many
/// milliseconds from now" rather than as a deadline 50 years ago.
pub fn deadline_from_epoch_millis(deadline_ms: u64) -> Option<Instant> {
    if deadline_ms == 0 {
        return None;
    }
    if deadline_ms < EPOCH_MS_PLAUSIBLE {
        return Some(Instant::now() + Duration::from_millis(deadline_ms));
    }
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0);
    Some(Instant::now() + Duration::from_millis(deadline_ms.saturating_sub(now_ms)))
}

/// Takes the records apart rather than copying them: a batch's data is held once.
fn to_input_records(records: Vec<KinesisEventRecord>) -> Result<Vec<InputRecord>, EventError> {
    records
        .into_iter()
        .enumerate()
        .map(|(index, r)| {
            let KinesisEventRecord {
                event_id,
                event_source_arn,
                kinesis,
                ..
            } = r;
            let seq = kinesis.sequence_number;
            if seq.is_empty() {
                return Err(EventError::MissingSequenceNumber { index });
            }
            // eventID is `shardId-000000000000:<sequence number>`.
            let shard_id = event_id
                .as_deref()
                .and_then(|id| id.split_once(':'))
                .map(|(shard, _)| shard.to_owned())
                .unwrap_or_default();
            let event_id = event_id.unwrap_or_else(|| InputRecord::event_id_for(&shard_id, &seq));
            Ok(InputRecord {
                event_id,
                sequence_number: seq,
                partition_key: kinesis.partition_key,
                data: kinesis.data.0.into(),
                arrived_at: kinesis.approximate_arrival_timestamp.0,
                source: RecordSource {
                    stream_arn: event_source_arn.unwrap_or_default(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use lambda_runtime::Context;
    use tweetboard_core::testing::{KeywordFake, MemoryQuarantine, MemoryTable};

    fn consumer(table: MemoryTable) -> Consumer {
        Consumer::new(
            Arc::new(KeywordFake),
            Arc::new(table),
            Arc::new(MemoryQuarantine::default()),
            4,
            Duration::from_millis(100),
        )
    }

    fn tweet_record(seq: &str, id: &str) -> KinesisEventRecord {
        let data = format!(r#"{{"id_str": "{id}", "text": "x"}}"#).into_bytes();
        event::record(
            "arn:aws:kinesis:us-east-1:1:stream/s",
            "shardId-000000000001",
            seq,
            id,
            data,
            Utc::now(),
        )
    }

    #[tokio::test]
    async fn failures_serialise_with_their_sequence_numbers() {
        let c = consumer(MemoryTable {
            fail_transiently: true,
            ..Default::default()
        });
        let batch = event::batch(vec![tweet_record("101", "1"), tweet_record("102", "2")]);

        let response = c
            .handle(LambdaEvent::new(batch, Context::default()))
            .await
            .unwrap();

        let json = serde_json::to_value(&response).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"batchItemFailures": [{"itemIdentifier": "101"}, {"itemIdentifier": "102"}]})
        );
    }

    #[tokio::test]
    async fn a_forged_identity_fails_the_invocation_instead_of_being_retried_forever() {
        // GIVEN batches no event source mapping sends: a 3,000-byte eventID, an empty
        // one, a 500 KB sequence number, and two records sharing one eventID
        let table = Arc::new(MemoryTable::default());
        let c = Consumer::new(
            Arc::new(KeywordFake),
            table.clone(),
            Arc::new(MemoryQuarantine::default()),
            4,
            Duration::from_millis(100),
        );
        let mut long_id = tweet_record("101", "1");
        long_id.event_id = Some("x".repeat(3000));
        let mut empty_id = tweet_record("102", "2");
        empty_id.event_id = Some(String::new());
        let mut long_seq = tweet_record(&"9".repeat(500_000), "3");
        long_seq.event_id = Some("shardId-000000000001:103".into());
        let (mut a, mut b) = (tweet_record("104", "4"), tweet_record("105", "5"));
        a.event_id = Some("shardId-000000000000:104".into());
        b.event_id = a.event_id.clone();

        for (batch, field) in [
            (vec![long_id], Some("an eventID")),
            (vec![empty_id], Some("an eventID")),
            (vec![long_seq], Some("a sequence number")),
            (vec![a, b], None),
        ] {
            // WHEN each is handled
            let err = c
                .handle(LambdaEvent::new(event::batch(batch), Context::default()))
                .await
                .unwrap_err();
            // THEN the invocation fails with a typed error naming what is wrong
            match (&err, field) {
                (EventError::BadIdentity { field: f, .. }, Some(expected)) => assert_eq!(*f, expected),
                (
                    EventError::DuplicateEventId {
                        first: 0, second: 1, ..
                    },
                    None,
                ) => {}
                _ => panic!("unexpected {err:?}"),
            }
            assert_eq!(
                lambda_runtime::Diagnostic::from(err).error_type,
                "tweetboard.MalformedEvent"
            );
        }
        // AND nothing was written for any of them
        assert_eq!(*table.puts.lock().unwrap(), 0);
    }

    #[tokio::test]
    async fn a_record_without_a_sequence_number_fails_the_invocation_with_a_typed_error() {
        let c = consumer(MemoryTable::default());
        let batch = event::batch(vec![tweet_record("101", "1"), tweet_record("", "2")]);

        let err = c
            .handle(LambdaEvent::new(batch, Context::default()))
            .await
            .unwrap_err();

        assert_eq!(err, EventError::MissingSequenceNumber { index: 1 });
        let diagnostic = lambda_runtime::Diagnostic::from(err);
        assert_eq!(diagnostic.error_type, "tweetboard.MalformedEvent");
    }

    #[test]
    fn the_margin_shrinks_with_a_short_timeout() {
        let three_seconds = Some(Instant::now() + Duration::from_secs(3));
        assert!(effective_margin(Duration::from_secs(3), three_seconds) <= Duration::from_millis(750));
        let fifteen_minutes = Some(Instant::now() + Duration::from_secs(900));
        assert_eq!(
            effective_margin(Duration::from_secs(3), fifteen_minutes),
            Duration::from_secs(3)
        );
        assert_eq!(
            effective_margin(Duration::from_secs(3), None),
            Duration::from_secs(3)
        );
    }

    #[test]
    fn deadlines_in_epoch_and_relative_form() {
        let now_ms = Utc::now().timestamp_millis() as u64;
        let epoch = deadline_from_epoch_millis(now_ms + 5_000).unwrap();
        let left = epoch.saturating_duration_since(Instant::now());
        assert!(
            left > Duration::from_secs(4) && left <= Duration::from_secs(5),
            "{left:?}"
        );
        let relative = deadline_from_epoch_millis(600_000).unwrap();
        assert!(relative.saturating_duration_since(Instant::now()) > Duration::from_secs(590));
        assert!(deadline_from_epoch_millis(0).is_none());
        let past = deadline_from_epoch_millis(now_ms - 1_000).unwrap();
        assert_eq!(past.saturating_duration_since(Instant::now()), Duration::ZERO);
    }

    #[test]
    fn shard_id_and_event_id_come_from_the_event_id() {
        let records = to_input_records(vec![tweet_record("77", "1")]).unwrap();
        assert_eq!(records[0].source.shard_id, "shardId-000000000001");
        assert_eq!(records[0].event_id, "shardId-000000000001:77");
        assert_eq!(records[0].source.stream_name(), "s");
    }
}
