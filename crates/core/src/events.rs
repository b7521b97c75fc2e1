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

/// A batch newly stored tweets but could not add them to the board chart's hourly
/// counters: those hours under-count until `tweetboard recount` covers them.
pub struct HourCountsNotAdded<'a> {
    pub hours: &'a [crate::stored::HourCount],
    pub error: &'a crate::error::ServiceError,
}

impl HourCountsNotAdded<'_> {
    pub fn emit(&self) {
        let hours: Vec<String> = self
            .hours
            .iter()
            .map(|h| format!("{} +{} ON +{} OFF", h.hour, h.on, h.off))
            .collect();
        warn!(
            event = "hour_counts_not_added",
            hours = %hours.join(", "),
            error = %self.error,
            "the tweets are stored; the chart under-counts these hours until `tweetboard recount`"
        );
    }
}

// --- Polling the search API (issue 10) ---

/// A scheduled event started a poll run.
pub struct PollStarted<'a> {
    pub schedule_event_id: &'a str,
    pub detail_type: &'a str,
}

impl PollStarted<'_> {
    pub fn emit(&self) {
        info!(
            event = "poll_started",
            schedule_event_id = self.schedule_event_id,
            detail_type = self.detail_type
        );
    }
}

/// A polled tweet was not pushed: it does not decode (skipped for good), or the stream
/// refused it after retries (the watermark then stays).
pub struct PollTweetSkipped<'a> {
    pub tweet_id: &'a str,
    pub reason: &'a str,
}

impl PollTweetSkipped<'_> {
    pub fn emit(&self) {
        warn!(
            event = "poll_tweet_skipped",
            tweet_id = self.tweet_id,
            reason = self.reason
        );
    }
}

/// The search API answered 429: the run stops, the watermark stays.
pub struct SearchRateLimited<'a> {
    pub query: &'a str,
    pub reset_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl SearchRateLimited<'_> {
    pub fn emit(&self) {
        let reset_at = self.reset_at.map(|t| t.to_rfc3339());
        warn!(
            event = "search_rate_limited",
            query = self.query,
            reset_at = reset_at.as_deref().unwrap_or("unknown"),
            "rate limited; the next run should come after reset_at"
        );
    }
}

/// A search page that is not a search response: the run stops paging there.
pub struct SearchPageMalformed<'a> {
    pub page: u32,
    pub error: &'a str,
}

impl SearchPageMalformed<'_> {
    pub fn emit(&self) {
        warn!(
            event = "search_page_malformed",
            page = self.page,
            error = self.error
        );
    }
}

/// A search request failed transiently (5xx, timeout) and is retried after a backoff.
pub struct SearchRetried<'a> {
    pub page: u32,
    pub attempt: u32,
    pub error: &'a str,
}

impl SearchRetried<'_> {
    pub fn emit(&self) {
        info!(
            event = "search_retried",
            page = self.page,
            attempt = self.attempt,
            error = self.error
        );
    }
}

/// A poll run ended: its summary, with the old and new watermark.
pub struct PollFinished<'a> {
    pub summary: &'a crate::poll::PollSummary,
}

impl PollFinished<'_> {
    pub fn emit(&self) {
        let s = self.summary;
        info!(
            event = "poll_finished",
            query = %s.query,
            pages = s.pages,
            tweets_seen = s.tweets_seen,
            pushed = s.pushed,
            rejected = s.rejected,
            not_pushed = s.not_pushed,
            stopped = ?s.stopped,
            old_watermark = s.old_watermark.as_ref().map_or("none", |w| w.as_str()),
            new_watermark = s.new_watermark.as_ref().map_or("none", |w| w.as_str()),
            watermark_advanced = s.watermark_advanced,
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

/// The stored watermark is older than the search API's 7-day window (it would answer
/// 400): the run starts over from the newest tweets, and tweets between the old
/// watermark and the window's start may never have been pushed.
pub struct WatermarkTooOld<'a> {
    pub query: &'a str,
    pub since_id: &'a str,
    pub since_time: chrono::DateTime<chrono::Utc>,
}

impl WatermarkTooOld<'_> {
    pub fn emit(&self) {
        warn!(
            event = "watermark_too_old",
            query = self.query,
            since_id = self.since_id,
            since_time = %self.since_time.to_rfc3339(),
            "the watermark is outside the search window; polling from the newest, a gap may exist"
        );
    }
}

/// A run stopped before the old watermark and left a resume point: the next run
/// continues the backlog below `until` before it polls the newest again.
pub struct PollBacklogPending<'a> {
    pub query: &'a str,
    pub since_id: &'a str,
    pub until_id: &'a str,
    pub newest_id: &'a str,
    pub stored: bool,
}

impl PollBacklogPending<'_> {
    pub fn emit(&self) {
        info!(
            event = "poll_backlog_pending",
            query = self.query,
            since_id = self.since_id,
            until_id = self.until_id,
            newest_id = self.newest_id,
            stored = self.stored
        );
    }
}
