//! The batch use case: decode, de-duplicate, classify, write once, quarantine the
//! hopeless, and report the rest for retry.
//!
//! The contract, which every test in the project leans on: each input record ends in
//! exactly one [`RecordOutcome`], and a record is only *settled* (not reported for
//! retry) once its result is durably written or quarantined. Nothing here keeps state
//! between calls: all there is lives in the arguments and the returned report.
//!
//! - this file: the options, the ports a batch needs, and the batch itself: in-batch
//!   de-duplication, rounds, and settling the waiting copies;
//! - [`outcome`]: where each record ended, and the counts and report of a batch;
//! - [`record`]: what one record goes through under the deadline (classify, write,
//!   quarantine);
//! - [`counts`]: the newly stored tweets added to the board chart's hourly counters.

mod counts;
mod outcome;
mod record;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use futures::stream::{self, StreamExt};
use tracing::Instrument;

pub use outcome::{BatchCounts, BatchReport, RecordOutcome};
use record::{classify_and_write, is_conflict, quarantine, time_for_a_record, RecordTime, Settled};

use crate::decode::decode_tweet;
use crate::error::DecodeError;
use crate::events::{BatchProcessed, DeadlineReached, RecordRetryReported};
use crate::ports::{Classifier, QuarantineWriter, TweetLookup, TweetWriter};
use crate::reason::{QuarantineReason, RetryReason};
use crate::record::InputRecord;
use crate::tweet::{Tweet, TweetId};

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

/// The ports one batch needs.
pub struct BatchPorts<'a> {
    pub classifier: &'a dyn Classifier,
    pub tweets: &'a dyn TweetWriter,
    pub quarantine: &'a dyn QuarantineWriter,
    /// When set, stored tweets are found first and settle as already stored (or as a
    /// conflict) without being classified or written. Replays look every tweet up; the
    /// consumer goes through [`crate::probe::ProbeFirst`], which reads the whole batch
    /// only when a probe of its first tweets finds most of them stored.
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
                    // Every request the record makes ends before the invocation does:
                    // a slow store turns into a reported retry, never a Lambda timeout
                    // that fails the whole batch. Cutting a record off is safe: its
                    // writes are conditional, so a redelivery finishes the job.
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
                    Some(kept) if is_conflict(tweet, &incoming, &kept, &records[i].event_id) => {
                        RecordOutcome::Conflict
                    }
                    _ => RecordOutcome::DuplicateInBatch,
                }
            }
        };
        outcomes[i] = Some(outcome);
    }

    counts::count_stored(ports, records, &decoded, &outcomes, options).await;

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
            Some(h) if is_conflict(tweet, &incoming, h, &records[i].event_id) => RecordOutcome::Conflict,
            _ => RecordOutcome::AlreadyStored,
        });
        false
    });
}
