//! After a batch: the tweets it newly stored, added to the board chart's hourly counters
//! in one request per hour, not one per tweet.

use std::collections::BTreeMap;

use super::record::{time_for_a_record, RecordTime};
use super::{BatchOptions, BatchPorts, RecordOutcome};
use crate::error::ServiceError;
use crate::events::HourCountsNotAdded;
use crate::stored::{counted_hour, HourCount};
use crate::Prediction;

/// Counts the `Written` records by the hour of their stored `created_at` (`written_at`,
/// by record) and hands them to the store. The tweets are stored whatever happens here: a failure (or no time
/// left before the deadline) is logged and left for `tweetboard recount`, never
/// reported as the records' (a redelivery would find them stored and count nothing).
pub(super) async fn count_stored(
    ports: &BatchPorts<'_>,
    written_at: &[Option<String>],
    outcomes: &[Option<RecordOutcome>],
    options: &BatchOptions,
) {
    let mut by_hour: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for (created_at, outcome) in written_at.iter().zip(outcomes) {
        let (Some(RecordOutcome::Written(prediction)), Some(created_at)) = (outcome, created_at) else {
            continue;
        };
        let counts = by_hour.entry(counted_hour(created_at).1.to_owned()).or_default();
        match prediction {
            Prediction::On => counts.0 += 1,
            Prediction::Off => counts.1 += 1,
        }
    }
    if by_hour.is_empty() {
        return;
    }
    let hours: Vec<HourCount> = by_hour
        .into_iter()
        .map(|(hour, (on, off))| HourCount { hour, on, off })
        .collect();
    let result = match time_for_a_record(options) {
        RecordTime::TooLate => Err(ServiceError::transient(
            "count_stored",
            "no time left before the invocation deadline",
        )),
        RecordTime::Within(limit) => tokio::time::timeout(limit, ports.tweets.count_stored(&hours))
            .await
            .unwrap_or_else(|_| {
                Err(ServiceError::transient(
                    "count_stored",
                    "cut off at the invocation deadline",
                ))
            }),
        RecordTime::Unlimited => ports.tweets.count_stored(&hours).await,
    };
    if let Err(error) = result {
        HourCountsNotAdded {
            hours: &hours,
            error: &error,
        }
        .emit();
    }
}
