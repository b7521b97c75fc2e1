//! The batch use case: decode, de-duplicate, classify, write once, quarantine the
//! hopeless, and report the rest for retry.
//!
//! The contract, which every test in the project leans on: each input record ends in
//! exactly one [`RecordOutcome`], and a record is only *settled* (not reported for
//! retry) once its result is durably written or quarantined. Nothing here keeps state
//! between calls: all there is lives in the arguments and the returned report.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::Utc;
use futures::stream::{self, StreamExt};
use tracing::Instrument;

use crate::decode::decode_tweet;
use crate::error::{bounded_reason, DecodeError, FailureKind};
use crate::events::{
    BatchProcessed, ContentConflict, DeadlineReached, RecordQuarantined, RecordRetryReported,
};
use crate::ports::{Classifier, PutOutcome, QuarantineWriter, TweetLookup, TweetWriter};
use crate::reason::{QuarantineReason, RetryReason};
use crate::record::InputRecord;
use crate::stored::{QuarantinedRecord, StoredTweet, DYNAMODB_ITEM_LIMIT_BYTES};
use crate::tweet::{Tweet, TweetId};
use crate::Prediction;

/// How a batch is run.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// Records in flight at once (classify + write). A 10,000-record batch must not be
    /// written one by one, nor all at once.
    pub concurrency: usize,
    /// When the invocation is killed. `None` when there is no deadline (tests, tools).
    pub deadline: Option<Instant>,
    /// No new record is started once less than this is left before the deadline, so
    /// the ones in flight can finish and the response can be returned.
    pub deadline_margin: Duration,
}

impl Default for BatchOptions {
    fn default() -> Self {
        Self {
            concurrency: 32,
            deadline: None,
            deadline_margin: Duration::from_secs(3),
        }
    }
}

/// Where one record ended.
#[derive(Debug, Clone, PartialEq)]
pub enum RecordOutcome {
    /// Newly classified and stored.
    Written(Prediction),
    /// Already stored with the same content: a redelivery or replay, left untouched.
    AlreadyStored,
    /// Already stored with different content: the first version was kept.
    Conflict,
    /// An earlier record of this batch had the same tweet id and settled for both.
    DuplicateInBatch,
    /// Permanently bad: kept in the quarantine table with the reason.
    Quarantined(QuarantineReason),
    /// Transient failure or unstarted at the deadline: reported in `batchItemFailures`.
    Retry(RetryReason),
}

impl RecordOutcome {
    pub fn is_settled(&self) -> bool {
        !matches!(self, RecordOutcome::Retry(_))
    }
}

/// Counts of a batch's outcomes.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct BatchCounts {
    pub records: usize,
    pub written: usize,
    pub written_on: usize,
    pub written_off: usize,
    pub already_stored: usize,
    pub duplicates_in_batch: usize,
    pub conflicts: usize,
    pub quarantined: usize,
    pub retry: usize,
}

impl BatchCounts {
    /// Counts one outcome.
    pub fn add(&mut self, outcome: &RecordOutcome) {
        self.records += 1;
        match outcome {
            RecordOutcome::Written(p) => {
                self.written += 1;
                match p {
                    Prediction::On => self.written_on += 1,
                    Prediction::Off => self.written_off += 1,
                }
            }
            RecordOutcome::AlreadyStored => self.already_stored += 1,
            RecordOutcome::Conflict => self.conflicts += 1,
            RecordOutcome::DuplicateInBatch => self.duplicates_in_batch += 1,
            RecordOutcome::Quarantined(_) => self.quarantined += 1,
            RecordOutcome::Retry(_) => self.retry += 1,
        }
    }

    /// Adds another batch's counts to these.
    pub fn merge(&mut self, other: &BatchCounts) {
        self.records += other.records;
        self.written += other.written;
        self.written_on += other.written_on;
        self.written_off += other.written_off;
        self.already_stored += other.already_stored;
        self.duplicates_in_batch += other.duplicates_in_batch;
        self.conflicts += other.conflicts;
        self.quarantined += other.quarantined;
        self.retry += other.retry;
    }
}

/// The result of one batch: an outcome per input record, in input order.
#[derive(Debug, Clone, Default)]
pub struct BatchReport {
    pub outcomes: Vec<(String, RecordOutcome)>,
    pub counts: BatchCounts,
}

impl BatchReport {
    /// Sequence numbers to report in `batchItemFailures`, in stream order.
    pub fn retry_sequence_numbers(&self) -> impl Iterator<Item = &str> {
        self.outcomes
            .iter()
            .filter(|(_, o)| !o.is_settled())
            .map(|(seq, _)| seq.as_str())
    }
}

/// The ports one batch needs.
pub struct BatchPorts<'a> {
    pub classifier: &'a dyn Classifier,
    pub tweets: &'a dyn TweetWriter,
    pub quarantine: &'a dyn QuarantineWriter,
    /// When set, stored tweets are found first and settle as already stored (or as a
    /// conflict) without being classified or written. Replays use it; the consumer does
    /// not, since for fresh data the lookup is one more request per record.
    pub lookup: Option<&'a dyn TweetLookup>,
}

/// Runs one batch. Records must be in stream order (as Lambda delivers them).
pub async fn process_batch(
    ports: &BatchPorts<'_>,
    records: &[InputRecord],
    options: &BatchOptions,
) -> BatchReport {
    let decoded: Vec<Result<Tweet, DecodeError>> = records.iter().map(|r| decode_tweet(&r.data)).collect();

    // Occurrences of each id in stream order; the first is the candidate, later ones
    // wait for it. A later one is only processed itself if every earlier one was
    // quarantined (an oversized first copy must not hide a good second one).
    let mut occurrences: HashMap<&TweetId, Vec<usize>> = HashMap::new();
    for (i, d) in decoded.iter().enumerate() {
        if let Ok(t) = d {
            occurrences.entry(t.id()).or_default().push(i);
        }
    }

    let mut outcomes: Vec<Option<RecordOutcome>> = vec![None; records.len()];
    // The content hash of the version the table keeps for each processed record's id,
    // when known: later copies of the id in this batch are compared with it.
    let mut kept_hashes: Vec<Option<String>> = vec![None; records.len()];
    let mut round: Vec<usize> = decoded
        .iter()
        .enumerate()
        .filter_map(|(i, d)| match d {
            Err(_) => Some(i),
            Ok(t) => (occurrences[t.id()][0] == i).then_some(i),
        })
        .collect();
    if let Some(lookup) = ports.lookup {
        settle_stored(
            lookup,
            records,
            &decoded,
            &mut round,
            &mut outcomes,
            &mut kept_hashes,
        )
        .await;
    }
    let mut started_late = 0usize;

    while !round.is_empty() {
        let results: Vec<(usize, Settled)> = stream::iter(round.iter().copied())
            .map(|i| {
                let record = &records[i];
                let decoded = &decoded[i];
                async move {
                    let time = time_for_a_record(options);
                    if let RecordTime::TooLate = time {
                        return (i, None);
                    }
                    let work = async {
                        match decoded {
                            Err(e) => (
                                quarantine(ports, record, QuarantineReason::Decode(e.clone())).await,
                                None,
                            ),
                            Ok(tweet) => classify_and_write(ports, record, tweet).await,
                        }
                    };
                    // Every request the record makes ends before the invocation does:
                    // a slow store turns into a reported retry, never a Lambda timeout
                    // that fails the whole batch. Cutting a record off is safe: its
                    // writes are conditional, so a redelivery finishes the job.
                    // Every line logged while the record is worked on carries where it
                    // came from and its tweet id. WARN, so that a log filtered down to
                    // warnings (the records' trouble) still has it.
                    let span = tracing::warn_span!(
                        "record",
                        shard = %record.source.shard_id,
                        sequence_number = %record.sequence_number,
                        tweet_id = decoded.as_ref().map_or("", |t| t.id().as_str()),
                    );
                    let work = work.instrument(span);
                    let settled = match time {
                        RecordTime::Within(limit) => tokio::time::timeout(limit, work)
                            .await
                            .unwrap_or((RecordOutcome::Retry(RetryReason::CutOff), None)),
                        _ => work.await,
                    };
                    (i, Some(settled))
                }
            })
            .buffer_unordered(options.concurrency.max(1))
            .map(|(i, o)| {
                let o = o.unwrap_or_else(|| {
                    started_late += 1;
                    (RecordOutcome::Retry(RetryReason::NotStarted), None)
                });
                (i, o)
            })
            .collect()
            .await;

        let mut next_round = Vec::new();
        for (i, (outcome, kept)) in results {
            kept_hashes[i] = kept;
            if let (RecordOutcome::Quarantined(_), Ok(t)) = (&outcome, &decoded[i]) {
                let occ = &occurrences[t.id()];
                let pos = occ.iter().position(|&j| j == i).unwrap_or(occ.len());
                if let Some(&next) = occ.get(pos + 1) {
                    next_round.push(next);
                }
            }
            outcomes[i] = Some(outcome);
        }
        next_round.sort_unstable();
        round = next_round;
    }

    // Settle the waiting duplicates with the occurrence that was processed for them.
    for (i, d) in decoded.iter().enumerate() {
        if outcomes[i].is_some() {
            continue;
        }
        let Ok(tweet) = d else { continue };
        let occ = &occurrences[tweet.id()];
        let decider = occ
            .iter()
            .rev()
            .copied()
            .find(|&j| j < i && outcomes[j].is_some())
            .expect("a duplicate always has an earlier processed occurrence");
        let outcome = match outcomes[decider].as_ref().expect("decider has an outcome") {
            RecordOutcome::Retry(_) => {
                RecordOutcome::Retry(RetryReason::EarlierDuplicate(tweet.id().clone()))
            }
            _ => {
                // Compared with the version the table keeps, which is not the batch's
                // first copy when that copy itself lost to a stored version.
                let kept = kept_hashes[decider]
                    .clone()
                    .or_else(|| decoded[decider].as_ref().ok().map(Tweet::content_hash));
                let incoming = tweet.content_hash();
                match kept {
                    Some(kept) if !tweet.matches_stored_hash(&kept) => {
                        ContentConflict {
                            tweet_id: tweet.id().as_str(),
                            event_id: &records[i].event_id,
                            stored_hash: &kept,
                            incoming_hash: &incoming,
                        }
                        .emit();
                        RecordOutcome::Conflict
                    }
                    _ => RecordOutcome::DuplicateInBatch,
                }
            }
        };
        outcomes[i] = Some(outcome);
    }

    if started_late > 0 {
        DeadlineReached {
            unstarted: started_late,
        }
        .emit();
    }

    let mut report = BatchReport::default();
    for (record, outcome) in records.iter().zip(outcomes) {
        let outcome = outcome.expect("every record has an outcome");
        if let RecordOutcome::Retry(reason) = &outcome {
            RecordRetryReported {
                sequence_number: &record.sequence_number,
                reason,
            }
            .emit();
        }
        report.counts.add(&outcome);
        report.outcomes.push((record.sequence_number.clone(), outcome));
    }
    BatchProcessed {
        counts: &report.counts,
    }
    .emit();
    report
}

/// Settles the tweets that are already stored, and takes them out of `round`. A failed
/// lookup only costs efficiency: the conditional writes still keep the result exact.
async fn settle_stored(
    lookup: &dyn TweetLookup,
    records: &[InputRecord],
    decoded: &[Result<Tweet, DecodeError>],
    round: &mut Vec<usize>,
    outcomes: &mut [Option<RecordOutcome>],
    kept_hashes: &mut [Option<String>],
) {
    let ids: Vec<TweetId> = round
        .iter()
        .filter_map(|&i| decoded[i].as_ref().ok())
        .map(|t| t.id().clone())
        .collect();
    if ids.is_empty() {
        return;
    }
    let stored = match lookup.stored_hashes(&ids).await {
        Ok(stored) => stored,
        Err(e) => {
            tracing::warn!(event = "lookup_failed", error = %e, "writing conditionally without the pre-check");
            return;
        }
    };
    round.retain(|&i| {
        let Ok(tweet) = &decoded[i] else { return true };
        let Some(stored_hash) = stored.get(tweet.id()) else {
            return true;
        };
        let incoming = tweet.content_hash();
        kept_hashes[i] = stored_hash.clone();
        outcomes[i] = Some(match stored_hash {
            Some(h) if !tweet.matches_stored_hash(h) => {
                ContentConflict {
                    tweet_id: tweet.id().as_str(),
                    event_id: &records[i].event_id,
                    stored_hash: h,
                    incoming_hash: &incoming,
                }
                .emit();
                RecordOutcome::Conflict
            }
            _ => RecordOutcome::AlreadyStored,
        });
        false
    });
}

/// Whether a record may start, and how long its requests may take.
enum RecordTime {
    /// No deadline (tests, tools): no limit.
    Unlimited,
    /// Its requests must end within this.
    Within(Duration),
    /// Too close to the deadline: not started.
    TooLate,
}

/// The least time kept for returning the response once the records' requests are cut
/// off, whatever the margin: with `DEADLINE_MARGIN_MS=0` the requests would otherwise
/// run into the deadline itself, and the invocation would time out.
const RESPONSE_RESERVE: Duration = Duration::from_millis(100);

/// A record starts only while the invocation is outside the margin of its deadline;
/// its requests then have the time left less half the margin (at least
/// [`RESPONSE_RESERVE`]), the rest being for returning the response.
fn time_for_a_record(options: &BatchOptions) -> RecordTime {
    let Some(deadline) = options.deadline else {
        return RecordTime::Unlimited;
    };
    let left = deadline.saturating_duration_since(Instant::now());
    let reserve = (options.deadline_margin / 2).max(RESPONSE_RESERVE);
    if left <= options.deadline_margin || left <= reserve {
        return RecordTime::TooLate;
    }
    RecordTime::Within(left - reserve)
}

/// A record's outcome, with the content hash of the version the table keeps for its
/// id when the record's own write told it.
type Settled = (RecordOutcome, Option<String>);

async fn classify_and_write(ports: &BatchPorts<'_>, record: &InputRecord, tweet: &Tweet) -> Settled {
    let classification = match ports.classifier.classify(tweet).await {
        Ok(c) => c,
        Err(e) if e.kind == FailureKind::Permanent => {
            return (
                quarantine(ports, record, QuarantineReason::classifier(&e.message)).await,
                None,
            )
        }
        Err(e) => return (RecordOutcome::Retry(RetryReason::classifier(&e.message)), None),
    };
    let item = StoredTweet::new(tweet.clone(), classification, record, Utc::now());
    let size = item.approximate_size();
    if size > DYNAMODB_ITEM_LIMIT_BYTES {
        return (
            quarantine(ports, record, QuarantineReason::ItemTooLarge { size }).await,
            None,
        );
    }
    match ports.tweets.put_if_absent(&item).await {
        Ok(PutOutcome::Written) => (
            RecordOutcome::Written(item.classification.prediction),
            Some(item.content_hash),
        ),
        Ok(PutOutcome::AlreadyStored { content_hash }) => match content_hash {
            Some(stored) if !tweet.matches_stored_hash(&stored) => {
                ContentConflict {
                    tweet_id: tweet.id().as_str(),
                    event_id: &record.event_id,
                    stored_hash: &stored,
                    incoming_hash: &item.content_hash,
                }
                .emit();
                (RecordOutcome::Conflict, Some(stored))
            }
            stored => (RecordOutcome::AlreadyStored, stored),
        },
        Err(e) if e.kind == FailureKind::Permanent => (
            quarantine(ports, record, QuarantineReason::write_rejected(&e)).await,
            None,
        ),
        Err(e) => (RecordOutcome::Retry(RetryReason::store(&e)), None),
    }
}

/// Quarantines a record; only once that write is durable is the record settled.
///
/// When the store refuses the entry for good (it should not: reasons are bounded and
/// the first part of the raw bytes is sized to leave room for them), a minimal entry
/// without the raw bytes is written instead. Retrying a write that can never succeed
/// would report the record for retry on every delivery and block its shard.
async fn quarantine(ports: &BatchPorts<'_>, record: &InputRecord, reason: QuarantineReason) -> RecordOutcome {
    let entry = QuarantinedRecord::new(record, &reason, Utc::now());
    let written = match ports.quarantine.quarantine(&entry).await {
        Err(e) if e.kind == FailureKind::Permanent => {
            let reason = QuarantineReason::QuarantineWriteRejected {
                data_size: entry.data_size,
                refusal: bounded_reason(e.to_string()),
                first: Box::new(reason),
            };
            let minimal = entry.minimal(&reason);
            ports
                .quarantine
                .quarantine(&minimal)
                .await
                .map(|()| (minimal, reason))
        }
        other => other.map(|()| (entry, reason)),
    };
    match written {
        Ok((entry, reason)) => {
            RecordQuarantined {
                event_id: &record.event_id,
                reason: &entry.reason,
            }
            .emit();
            RecordOutcome::Quarantined(reason)
        }
        Err(e) => RecordOutcome::Retry(RetryReason::quarantine_write(&e)),
    }
}
