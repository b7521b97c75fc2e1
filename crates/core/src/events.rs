//! Telemetry as typed events: one struct per thing that happens. `emit()` writes the
//! structured log line; the counts that become metrics live in [`crate::batch::BatchCounts`]
//! and are filled from the same outcomes, so logs and numbers cannot drift apart.

use tracing::{error, info, warn};

/// A record could never succeed and was stored in the quarantine table.
pub struct RecordQuarantined<'a> {
    pub event_id: &'a str,
    pub reason: &'a str,
}

impl RecordQuarantined<'_> {
    pub fn emit(&self) {
        warn!(
            event = "record_quarantined",
            event_id = self.event_id,
            reason = self.reason
        );
    }
}

/// A record hit a transient failure and is reported for retry.
pub struct RecordRetryReported<'a> {
    pub sequence_number: &'a str,
    pub reason: &'a crate::reason::RetryReason,
}

impl RecordRetryReported<'_> {
    pub fn emit(&self) {
        warn!(
            event = "record_retry_reported",
            sequence_number = self.sequence_number,
            code = self.reason.code(),
            reason = %self.reason
        );
    }
}

/// A tweet id already stored with different content: the first version is kept.
pub struct ContentConflict<'a> {
    pub tweet_id: &'a str,
    pub event_id: &'a str,
    pub stored_hash: &'a str,
    pub incoming_hash: &'a str,
}

impl ContentConflict<'_> {
    pub fn emit(&self) {
        warn!(
            event = "content_conflict",
            tweet_id = self.tweet_id,
            event_id = self.event_id,
            stored_hash = self.stored_hash,
            incoming_hash = self.incoming_hash,
            "same tweet id, different content; kept the first version"
        );
    }
}

/// The store refused a request for a reason that is not the record's: the table's
/// key schema or an index does not match, or the request is malformed. Every record
/// fails alike, so they are retried (never quarantined) and counted in `RetryReported`,
/// which is what to alarm on; this line says why.
pub struct StoreRequestRejected<'a> {
    pub operation: &'a str,
    pub message: &'a str,
}

impl StoreRequestRejected<'_> {
    pub fn emit(&self) {
        error!(
            event = "store_request_rejected",
            operation = self.operation,
            service_message = self.message,
            "the table or the request is wrong, not the record; retrying"
        );
    }
}

/// The invocation deadline is close; unstarted records were reported for retry.
pub struct DeadlineReached {
    pub unstarted: usize,
}

impl DeadlineReached {
    pub fn emit(&self) {
        error!(event = "deadline_reached", unstarted = self.unstarted);
    }
}

/// A batch finished.
pub struct BatchProcessed<'a> {
    pub counts: &'a crate::batch::BatchCounts,
}

impl BatchProcessed<'_> {
    pub fn emit(&self) {
        let c = self.counts;
        info!(
            event = "batch_processed",
            records = c.records,
            written = c.written,
            written_on = c.written_on,
            written_off = c.written_off,
            already_stored = c.already_stored,
            duplicates_in_batch = c.duplicates_in_batch,
            conflicts = c.conflicts,
            quarantined = c.quarantined,
            retry = c.retry,
        );
    }
}

/// The redelivery probe looked up the first tweets of a batch (one per batch).
pub struct RedeliveryProbed {
    /// Tweets probed.
    pub probed: usize,
    /// How many of them were already stored.
    pub stored: usize,
    /// Tweets read beyond the probe because enough of it was stored (0: none).
    pub pre_read: usize,
}

impl RedeliveryProbed {
    pub fn emit(&self) {
        info!(
            event = "redelivery_probed",
            probed = self.probed,
            stored = self.stored,
            pre_read = self.pre_read
        );
    }
}
