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

pub use outcome::{BatchCounts, BatchReport, RecordOutcome};
use record::{classify_and_write, is_conflict, quarantine, time_for_a_record, RecordTime, Settled};

use crate::decode::{decode_tweet, decode_tweet_id};
use crate::error::DecodeError;
use crate::events::{BatchProcessed, DeadlineReached, RecordRetryReported};
use crate::ports::{Classifier, QuarantineWriter, TweetLookup, TweetWriter};
use crate::reason::{QuarantineReason, RetryReason};
use crate::record::InputRecord;
use crate::tweet::TweetId;

/// The redelivery lookup may use at most this fraction (1/N) of the time left.
const LOOKUP_SHARE_OF_TIME_LEFT: u32 = 4;

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
    // Only the ids are read in this first pass, and each tweet is decoded when it is
    // worked on, so a 10,000-record batch never holds all its decoded tweets beside their
    // raw bytes (issue 12's memory target). The pass reads an id without decoding the
    // rest where it can (`decode_tweet_id`; until session 14 it decoded each tweet in
    // full, so every record was decoded twice); a record it takes an id from may still
    // fail its decode, and is then quarantined by it, with decode's own error, before
    // anything is written. Until then its id counts as one: the lookup reads it, and the
    // redelivery probe's choice (how many ids, how many of the first stored) counts it.
    // That costs at most the reads or writes a fresh tweet would; the conditional writes
    // stay exact.
    let mut ids: Vec<Result<TweetId, DecodeError>> =
        records.iter().map(|r| decode_tweet_id(&r.data)).collect();

    // Occurrences of each id in stream order; the first is the candidate, later ones
    // wait for it. A later one is only processed itself if every earlier one was
    // quarantined (an oversized first copy must not hide a good second one).
    let mut occurrences = occurrences_of(&ids);
    // Every copy of an id that has copies is decoded in full here, and one that fails is
    // a record of its own, as the full decode of the first pass made it: a later copy
    // waits for the first and is settled by it, so it must decode (never the duplicate
    // of a tweet it does not hold), and a first copy that does not decode must not make
    // a good copy wait for its quarantine and miss the lookup (the attacker's review: a
    // failed quarantine write turned the good copy into a retry, and a stored tweet was
    // classified and put again). Copies are rare.
    let undecodable: Vec<(usize, DecodeError)> = occurrences
        .values()
        .filter(|occ| occ.len() > 1)
        .flatten()
        .filter_map(|&i| decode_tweet(&records[i].data).err().map(|e| (i, e)))
        .collect();
    if !undecodable.is_empty() {
        drop(occurrences);
        for (i, e) in undecodable {
            ids[i] = Err(e);
        }
        occurrences = occurrences_of(&ids);
    }

    let mut outcomes: Vec<Option<RecordOutcome>> = vec![None; records.len()];
    // The content hash of the version the table keeps for each processed record's id,
    // when known: later copies of the id in this batch are compared with it.
    let mut kept_hashes: Vec<Option<String>> = vec![None; records.len()];
    // When a record's tweet is newly written, its stored `created_at` (for the chart).
    let mut written_at: Vec<Option<String>> = vec![None; records.len()];
    let mut round: Vec<usize> = ids
        .iter()
        .enumerate()
        .filter_map(|(i, id)| match id {
            Err(_) => Some(i),
            Ok(id) => (occurrences[id][0] == i).then_some(i),
        })
        .collect();
    if let Some(lookup) = ports.lookup {
        settle_stored(
            lookup,
            options,
            records,
            &ids,
            &mut round,
            &mut outcomes,
            &mut kept_hashes,
        )
        .await;
    }
    let mut started_late = 0usize;

    while !round.is_empty() {
        let results: Vec<(usize, Settled, Option<String>)> = stream::iter(round.iter().copied())
            .map(|i| {
                let record = &records[i];
                let id = &ids[i];
                async move {
                    let time = time_for_a_record(options);
                    if let RecordTime::TooLate = time {
                        return (i, None);
                    }
                    let work = async {
                        // Decoded here (the first pass read only the id): a record
                        // whose id it read may still fail, and is quarantined.
                        match id.clone().and_then(|_| decode_tweet(&record.data)) {
                            Err(e) => (
                                (quarantine(ports, record, QuarantineReason::Decode(e)).await, None),
                                None,
                            ),
                            Ok(tweet) => classify_and_write(ports, record, tweet).await,
                        }
                    };
                    // No span per record (issue 12): entering and recording one cost
                    // every new record about 1.5% of its CPU, for lines that are rare.
                    // The lines a record can cause name it themselves (its event id,
                    // which is shard and sequence number, and its tweet id where known);
                    // the batch's outcome is the typed batch-level events.
                    // Every request the record makes ends before the invocation does:
                    // a slow store turns into a reported retry, never a Lambda timeout
                    // that fails the whole batch. Cutting a record off is safe: its
                    // writes are conditional, so a redelivery finishes the job.
                    let settled = match time {
                        RecordTime::Within(limit) => tokio::time::timeout(limit, work)
                            .await
                            .unwrap_or(((RecordOutcome::Retry(RetryReason::CutOff), None), None)),
                        _ => work.await,
                    };
                    (i, Some(settled))
                }
            })
            .buffer_unordered(options.concurrency.max(1))
            .map(|(i, o)| match o {
                Some((settled, written)) => (i, settled, written),
                None => {
                    started_late += 1;
                    (i, (RecordOutcome::Retry(RetryReason::NotStarted), None), None)
                }
            })
            .collect()
            .await;

        let mut next_round = Vec::new();
        for (i, (outcome, kept), written) in results {
            kept_hashes[i] = kept;
            written_at[i] = written;
            if let (RecordOutcome::Quarantined(_), Ok(id)) = (&outcome, &ids[i]) {
                let occ = &occurrences[id];
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
    for (i, id) in ids.iter().enumerate() {
        if outcomes[i].is_some() {
            continue;
        }
        let Ok(id) = id else { continue };
        let occ = &occurrences[id];
        let decider = occ
            .iter()
            .rev()
            .copied()
            .find(|&j| j < i && outcomes[j].is_some())
            .expect("a duplicate always has an earlier processed occurrence");
        let outcome = match outcomes[decider].as_ref().expect("decider has an outcome") {
            RecordOutcome::Retry(_) => RecordOutcome::Retry(RetryReason::EarlierDuplicate(id.clone())),
            _ => {
                // Compared with the version the table keeps, which is not the batch's
                // first copy when that copy itself lost to a stored version.
                let kept = kept_hashes[decider].clone().or_else(|| {
                    decode_tweet(&records[decider].data)
                        .ok()
                        .map(|t| t.content_hash())
                });
                match (kept, decode_tweet(&records[i].data)) {
                    (Some(kept), Ok(tweet))
                        if is_conflict(&tweet, &tweet.content_hash(), &kept, &records[i].event_id) =>
                    {
                        RecordOutcome::Conflict
                    }
                    _ => RecordOutcome::DuplicateInBatch,
                }
            }
        };
        outcomes[i] = Some(outcome);
    }

    counts::count_stored(ports, &written_at, &outcomes, options).await;

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

/// The records of each id, in stream order.
fn occurrences_of(ids: &[Result<TweetId, DecodeError>]) -> HashMap<&TweetId, Vec<usize>> {
    let mut occurrences: HashMap<&TweetId, Vec<usize>> = HashMap::new();
    for (i, id) in ids.iter().enumerate() {
        if let Ok(id) = id {
            occurrences.entry(id).or_default().push(i);
        }
    }
    occurrences
}

/// Settles the tweets that are already stored, and takes them out of `round`. A failed
/// lookup only costs efficiency: the conditional writes still keep the result exact.
async fn settle_stored(
    lookup: &dyn TweetLookup,
    options: &BatchOptions,
    records: &[InputRecord],
    ids: &[Result<TweetId, DecodeError>],
    round: &mut Vec<usize>,
    outcomes: &mut [Option<RecordOutcome>],
    kept_hashes: &mut [Option<String>],
) {
    let wanted: Vec<TweetId> = round
        .iter()
        .filter_map(|&i| ids[i].as_ref().ok())
        .cloned()
        .collect();
    if wanted.is_empty() {
        return;
    }
    // The lookup only saves writes: it may take at most a quarter of the time left, so a
    // throttled or hanging read (each request retried under the SDK's own timeouts) can
    // never make the invocation time out instead of answering. Past its share, every
    // record goes to the conditional writes, which are correct without it.
    let lookup_budget = match time_for_a_record(options) {
        RecordTime::Unlimited => None,
        RecordTime::Within(left) => Some(left / LOOKUP_SHARE_OF_TIME_LEFT),
        RecordTime::TooLate => return,
    };
    let lookup_call = lookup.stored_hashes(&wanted);
    let answer = match lookup_budget {
        None => lookup_call.await,
        Some(budget) => match tokio::time::timeout(budget, lookup_call).await {
            Ok(answer) => answer,
            Err(_) => {
                tracing::warn!(
                    event = "lookup_timed_out",
                    budget_ms = budget.as_millis() as u64,
                    "writing conditionally without the pre-check"
                );
                return;
            }
        },
    };
    let stored = match answer {
        Ok(stored) => stored,
        Err(e) => {
            tracing::warn!(event = "lookup_failed", error = %e, "writing conditionally without the pre-check");
            return;
        }
    };
    round.retain(|&i| {
        let Ok(id) = &ids[i] else { return true };
        let Some(stored_hash) = stored.get(id) else {
            return true;
        };
        // Decoded for its content hash. One that does not decode (the first pass read
        // only its id) stays in the round, whose decode quarantines it.
        let Ok(tweet) = decode_tweet(&records[i].data) else {
            return true;
        };
        let incoming = tweet.content_hash();
        kept_hashes[i] = stored_hash.clone();
        outcomes[i] = Some(match stored_hash {
            Some(h) if is_conflict(&tweet, &incoming, h, &records[i].event_id) => RecordOutcome::Conflict,
            _ => RecordOutcome::AlreadyStored,
        });
        false
    });
}
