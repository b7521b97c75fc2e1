//! Where each record of a batch ended, and what a batch reports: the outcomes in input
//! order, their counts (the metrics), and the sequence numbers to report for retry.

use crate::reason::{QuarantineReason, RetryReason};
use crate::Prediction;

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
