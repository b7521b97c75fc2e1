//! The consumer Lambda: a Kinesis batch in, a partial batch response out.
//!
//! [`Consumer`] is built once per cold start (SDK clients, the model) and only ever
//! borrowed by invocations: it has no field an invocation could write, so nothing from
//! one batch can leak into the next on a warm instance. The one process-wide setting a
//! batch changes, the binary's allocator options during its writes ([`allocator`]), is
//! put back by a guard on every way out of the batch.

pub mod allocator;
pub mod body;
mod identity;

pub use allocator::{WritePhase, WRITE_PHASE_DIRTY_DECAY_MS, WRITE_PHASE_OVERSIZE_THRESHOLD};

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

impl From<EventError> for lambda_runtime::Diagnostic {
    fn from(e: EventError) -> Self {
        lambda_runtime::Diagnostic {
            error_type: "tweetboard.MalformedEvent".into(),
            error_message: e.to_string(),
        }
    }
}

/// The identity check every batch passes before any work ([`Consumer`] runs it on the
/// records the event read gives): for the `event_body` fuzz target's check
/// (`fuzz/checks/event_body.rs`), which runs it on every batch the read takes. Never in the
/// Lambda's public surface.
#[cfg(any(test, feature = "testing"))]
pub fn check_record_identities(records: &[InputRecord]) -> Result<(), EventError> {
    identity::check_record_identities(records)
}

/// Gives freed heap memory back to the system past 128 KiB, every time. glibc's default
/// threshold moves up with the largest block freed (the model's JSON at cold start, an
/// invocation body): after that the heap keeps whatever a batch's records left at its
/// top, and the 10,000-record batch peaked at 54 MB instead of 38 MB (BENCHMARKS.md,
/// measured with `MALLOC_TRIM_THRESHOLD_`, which this sets from the code). Call it first
/// thing in `main`, before any other thread exists. In the default build (jemalloc) it
/// tunes only what libc itself allocates; it matters for `--no-default-features`.
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a tunable of the allocator; no other thread is running
    // yet, and the value is one glibc documents as valid.
    unsafe {
        libc::mallopt(libc::M_TRIM_THRESHOLD, 128 * 1024);
    }
}

/// The options of the consumer binary's allocator when it is built with jemalloc
/// (the default feature `jemalloc`: BENCHMARKS.md, "Seventh round", "Ninth round"). `src/main.rs`
/// compiles them in, so a Lambda would need no environment variable; `_RJEM_MALLOC_CONF`
/// still overrides them, for measuring. glibc's allocator is a fifth of a new record's
/// CPU, and every faster allocator tried keeps freed memory the 10,000-record batch then
/// lacks (mimalloc, glibc's larger thread cache). So: one arena (the runtime is
/// single-threaded; more arenas only hold more free memory), freed pages given back at
/// once (`dirty_decay_ms:0` purges them, `muzzy_decay_ms:0` with `MADV_DONTNEED` rather
/// than leaving `MADV_FREE` pages counted in RSS), no background thread.
/// The write phase keeps freed pages for reuse while a batch is written
/// ([`allocator`]).
pub const JEMALLOC_CONF: &std::ffi::CStr =
    c"narenas:1,dirty_decay_ms:0,muzzy_decay_ms:0,background_thread:false";

/// Declares jemalloc the invoking crate's global allocator, with [`JEMALLOC_CONF`]
/// compiled in: the one definition the consumer binary (`src/main.rs`) and the record
/// bench (`benches/record.rs`, which measures the path under the binary's allocator)
/// both expand. Invoke it inside a module compiled only with the `jemalloc` feature on
/// Linux; the invoking crate needs `tikv-jemallocator`, as this package's targets have.
#[macro_export]
macro_rules! jemalloc_with_consumer_options {
    () => {
        #[global_allocator]
        static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

        /// `const char *malloc_conf` as jemalloc declares it (under the crate's `_rjem_`
        /// prefix): jemalloc reads it once, at its first allocation.
        #[repr(transparent)]
        struct MallocConf(*const std::ffi::c_char);

        // SAFETY: the pointer is to a `'static` constant string; nothing writes through it.
        unsafe impl Sync for MallocConf {}

        #[export_name = "_rjem_malloc_conf"]
        static MALLOC_CONF: MallocConf = MallocConf($crate::JEMALLOC_CONF.as_ptr());
    };
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
    /// The binary's allocator calls around a batch's writes (see `with_write_phase`).
    write_phase: Option<WritePhase>,
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
            write_phase: None,
        }
    }

    /// Tells the binary's allocator when each batch's writes begin and when the batch
    /// ends ([`WritePhase`]; the binary built with jemalloc passes its own). Only
    /// [`Consumer::handle_body_with_report`], the Lambda's entry point, makes the calls.
    pub fn with_write_phase(mut self, phase: WritePhase) -> Self {
        self.write_phase = Some(phase);
        self
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
        // The body is read, and shrunk to the records' data: from here to the batch's
        // end the allocator may keep freed pages for the writes to reuse (`allocator`).
        let _writing = allocator::Writing::begin(self.write_phase);
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
        identity::check_record_identities(&records)?;
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
mod tests;
