//! What one record goes through: classification, the conditional write, quarantine
//! (with the minimal entry when the full one is refused), all under the invocation's
//! deadline.

use std::time::{Duration, Instant};

use chrono::Utc;

use super::{BatchOptions, BatchPorts, RecordOutcome};
use crate::error::{bounded_reason, FailureKind};
use crate::events::{ContentConflict, RecordQuarantined};
use crate::ports::PutOutcome;
use crate::reason::{QuarantineReason, RetryReason};
use crate::record::InputRecord;
use crate::stored::{QuarantinedRecord, StoredTweet, DYNAMODB_ITEM_LIMIT_BYTES};
use crate::tweet::Tweet;

/// Whether a record may start, and how long its requests may take.
pub(super) enum RecordTime {
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
pub(super) fn time_for_a_record(options: &BatchOptions) -> RecordTime {
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
pub(super) type Settled = (RecordOutcome, Option<String>);

/// Classifies and writes one tweet (taken whole: the stored item owns it, no copy).
/// Also returns, when the tweet was newly written, its stored `created_at` (for the
/// board chart's counters).
pub(super) async fn classify_and_write(
    ports: &BatchPorts<'_>,
    record: &InputRecord,
    tweet: Tweet,
) -> (Settled, Option<String>) {
    let classification = match ports.classifier.classify(&tweet).await {
        Ok(c) => c,
        Err(e) if e.kind == FailureKind::Permanent => {
            return (
                (
                    quarantine(ports, record, QuarantineReason::classifier(&e.message)).await,
                    None,
                ),
                None,
            )
        }
        Err(e) => {
            return (
                (RecordOutcome::Retry(RetryReason::classifier(&e.message)), None),
                None,
            )
        }
    };
    let item = StoredTweet::new(tweet, classification, record, Utc::now());
    let size = item.approximate_size();
    if size > DYNAMODB_ITEM_LIMIT_BYTES {
        return (
            (
                quarantine(ports, record, QuarantineReason::ItemTooLarge { size }).await,
                None,
            ),
            None,
        );
    }
    match ports.tweets.put_if_absent(&item).await {
        Ok(PutOutcome::Written) => (
            (
                RecordOutcome::Written(item.classification.prediction),
                Some(item.content_hash),
            ),
            Some(item.created_at),
        ),
        Ok(PutOutcome::AlreadyStored { content_hash }) => match content_hash {
            Some(stored) if is_conflict(&item.tweet, &item.content_hash, &stored, &record.event_id) => {
                ((RecordOutcome::Conflict, Some(stored)), None)
            }
            stored => ((RecordOutcome::AlreadyStored, stored), None),
        },
        Err(e) if e.kind == FailureKind::Permanent => (
            (
                quarantine(ports, record, QuarantineReason::write_rejected(&e)).await,
                None,
            ),
            None,
        ),
        Err(e) => ((RecordOutcome::Retry(RetryReason::store(&e)), None), None),
    }
}

/// Whether `tweet`, whose content hash is `incoming`, is another version than the one
/// the table keeps (content hash `kept`); a conflict is logged. The common case, the
/// same hash, costs a string compare: only a mismatch checks whether `kept` is the same
/// content hashed as older releases did.
pub(super) fn is_conflict(tweet: &Tweet, incoming: &str, kept: &str, event_id: &str) -> bool {
    if kept == incoming || tweet.matches_stored_hash(kept) {
        return false;
    }
    ContentConflict {
        tweet_id: tweet.id().as_str(),
        event_id,
        stored_hash: kept,
        incoming_hash: incoming,
    }
    .emit();
    true
}

/// Quarantines a record; only once that write is durable is the record settled.
///
/// When the store refuses the entry for good (it should not: reasons are bounded and
/// the first part of the raw bytes is sized to leave room for them), a minimal entry
/// without the raw bytes is written instead. Retrying a write that can never succeed
/// would report the record for retry on every delivery and block its shard.
pub(super) async fn quarantine(
    ports: &BatchPorts<'_>,
    record: &InputRecord,
    reason: QuarantineReason,
) -> RecordOutcome {
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
