//! `tweetboard replay`: run stream records through the consumer's pipeline again, to
//! repair or backfill the tables. Two ways to choose the records, one file each:
//!
//! - [`range`]: chosen shards over a range (`--shard`, `--from`, `--to`);
//! - [`failures`]: the failed batches recorded in the on-failure SQS queue
//!   (`--from-failures`), each message deleted once its records are settled.
//!
//! This module holds what both share: the options, the pipeline, the summary, the
//! range points and their parsing, and the set of unsettled tweet ids.
//!
//! Safe at any time, even beside the live consumer: writes are conditional on the tweet
//! id. Cheap by design: each batch first looks its tweet ids up (`BatchGetItem`), and
//! stored tweets settle as "already present" with no classifier call and no write.
//!
//! First version wins, across batches too: once a record of a tweet id has failed for
//! good in a run, later records of that id are held back for the rest of the run, so a
//! later version is never stored while the first is unsettled.

pub mod failures;
pub mod range;

use std::cmp::Ordering;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tweetboard_aws::kinesis::StartPosition;
use tweetboard_aws::retry::Backoff;
use tweetboard_core::batch::BatchCounts;
use tweetboard_core::decode::decode_tweet;
use tweetboard_core::ports::{Classifier, QuarantineWriter, TweetLookup, TweetWriter};
use tweetboard_core::tweet::TweetId;
use tweetboard_core::ServiceError;

pub use failures::{replay_failures, FailureReplaySummary};
pub use range::{parents_first, Replay};

/// Where a replay stops in each shard (inclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplayTo {
    Time(DateTime<Utc>),
    Sequence(String),
}

/// A `--from` or `--to` that is not a position in a shard.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PositionError {
    #[error("{0:?}: a sequence number is digits only, as in seq:49590338271490256608559692538361571095921575989136588898")]
    Sequence(String),
    #[error("{0:?} is not trim-horizon, latest, an RFC 3339 time (2026-11-26T10:00:00Z) or seq:<N>")]
    Unknown(String),
}

/// Parses where a replay starts in each shard: `trim-horizon`, `latest`, an RFC 3339
/// time, or `seq:<N>`.
pub fn parse_from(raw: &str) -> Result<StartPosition, PositionError> {
    match raw {
        "trim-horizon" => Ok(StartPosition::TrimHorizon),
        "latest" => Ok(StartPosition::Latest),
        _ => match parse_point(raw)? {
            Point::Time(t) => Ok(StartPosition::AtTimestamp(t)),
            Point::Sequence(s) => Ok(StartPosition::AtSequenceNumber(s)),
        },
    }
}

/// Parses an RFC 3339 time or `seq:<N>`.
pub fn parse_to(raw: &str) -> Result<ReplayTo, PositionError> {
    match parse_point(raw)? {
        Point::Time(t) => Ok(ReplayTo::Time(t)),
        Point::Sequence(s) => Ok(ReplayTo::Sequence(s)),
    }
}

enum Point {
    Time(DateTime<Utc>),
    Sequence(String),
}

fn parse_point(raw: &str) -> Result<Point, PositionError> {
    if let Some(seq) = raw.strip_prefix("seq:") {
        return if !seq.is_empty() && seq.len() <= 128 && seq.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Point::Sequence(seq.to_owned()))
        } else {
            Err(PositionError::Sequence(raw.to_owned()))
        };
    }
    DateTime::parse_from_rfc3339(raw)
        .map(|t| Point::Time(t.with_timezone(&Utc)))
        .map_err(|_| PositionError::Unknown(raw.to_owned()))
}

/// Kinesis sequence numbers are decimal strings of up to 128 digits: compare as numbers.
pub fn compare_sequence(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// The pipeline a replay runs, built once.
pub struct ReplayPipeline {
    pub classifier: Arc<dyn Classifier>,
    pub tweets: Arc<dyn TweetWriter>,
    pub quarantine: Arc<dyn QuarantineWriter>,
    pub lookup: Arc<dyn TweetLookup>,
}

/// How a replay reads and retries.
#[derive(Debug, Clone)]
pub struct ReplayOptions {
    /// Shards to read; empty means all, closed parents included.
    pub shards: Vec<String>,
    /// Where to start in each shard (`AtSequenceNumber` also checks that the start is
    /// not past retention).
    pub from: StartPosition,
    pub to: Option<ReplayTo>,
    /// Records per GetRecords call and per pipeline batch.
    pub batch_size: usize,
    pub concurrency: usize,
    /// Retries of records that failed transiently, before they count as failed.
    pub max_retries: u32,
    pub backoff: Backoff,
}

impl Default for ReplayOptions {
    fn default() -> Self {
        Self {
            shards: Vec::new(),
            from: StartPosition::TrimHorizon,
            to: None,
            batch_size: 1000,
            concurrency: 32,
            max_retries: 5,
            backoff: Backoff {
                base: Duration::from_millis(200),
                cap: Duration::from_secs(5),
                max_attempts: 8,
            },
        }
    }
}

/// What a replay did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ReplaySummary {
    pub shards: Vec<String>,
    pub records_read: usize,
    /// Written now (in a dry run: would be written).
    pub newly_written: usize,
    pub already_present: usize,
    pub duplicates_in_batch: usize,
    pub conflicts: usize,
    pub quarantined: usize,
    /// Still failing after the retries: run the replay again later.
    pub failed: usize,
    /// Records of a tweet id whose earlier record failed in this run, not replayed so a
    /// later version cannot be stored before the first settles: run the replay again.
    pub held_back: usize,
    /// GetRecords and GetShardIterator calls the stream throttled (each retried after a
    /// backoff).
    pub throttled_reads: usize,
    pub expired_iterators: usize,
    /// Shards whose requested start (a sequence number, or a time older than the
    /// stream's retention period) was past retention: records before the first one read
    /// were trimmed and cannot be replayed.
    pub trimmed: Vec<String>,
    pub read_capacity_units: f64,
    pub write_capacity_units: f64,
    pub dry_run: bool,
}

impl ReplaySummary {
    /// Adds another replay's figures to these.
    pub fn merge(&mut self, other: &ReplaySummary) {
        for shard in &other.shards {
            if !self.shards.contains(shard) {
                self.shards.push(shard.clone());
            }
        }
        self.records_read += other.records_read;
        self.newly_written += other.newly_written;
        self.already_present += other.already_present;
        self.duplicates_in_batch += other.duplicates_in_batch;
        self.conflicts += other.conflicts;
        self.quarantined += other.quarantined;
        self.failed += other.failed;
        self.held_back += other.held_back;
        self.throttled_reads += other.throttled_reads;
        self.expired_iterators += other.expired_iterators;
        self.trimmed.extend(other.trimmed.iter().cloned());
    }

    fn add(&mut self, counts: &BatchCounts) {
        self.newly_written += counts.written;
        self.already_present += counts.already_stored;
        self.duplicates_in_batch += counts.duplicates_in_batch;
        self.conflicts += counts.conflicts;
        self.quarantined += counts.quarantined;
    }
}

/// Why a replay stopped.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error("unknown shard {shard}; the stream has: {}", available.join(", "))]
    UnknownShard { shard: String, available: Vec<String> },
    #[error(transparent)]
    Store(#[from] ServiceError),
}

/// Tweet ids with a record that failed in this run. Their later records are held back:
/// a later version must not be stored while the first is unsettled.
#[derive(Debug, Default)]
pub struct Unsettled(HashSet<TweetId>);

impl Unsettled {
    fn add(&mut self, data: &[u8]) {
        if let Ok(tweet) = decode_tweet(data) {
            self.0.insert(tweet.id().clone());
        }
    }

    /// Whether this record's tweet id is unsettled (undecodable records never are).
    fn holds(&self, data: &[u8]) -> bool {
        !self.0.is_empty() && decode_tweet(data).is_ok_and(|t| self.0.contains(t.id()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_parse_with_clear_errors() {
        assert_eq!(parse_from("trim-horizon").unwrap(), StartPosition::TrimHorizon);
        assert_eq!(
            parse_from("seq:123").unwrap(),
            StartPosition::AtSequenceNumber("123".into())
        );
        assert!(matches!(
            parse_from("2026-11-26T10:00:00Z").unwrap(),
            StartPosition::AtTimestamp(_)
        ));
        assert_eq!(
            parse_from("yesterday").unwrap_err(),
            PositionError::Unknown("yesterday".into())
        );
        assert!(parse_from("yesterday")
            .unwrap_err()
            .to_string()
            .contains("RFC 3339"));
        assert_eq!(
            parse_to("seq:12a").unwrap_err(),
            PositionError::Sequence("seq:12a".into())
        );
        assert!(parse_to("latest").is_err());
    }

    #[test]
    fn sequence_numbers_compare_as_numbers() {
        assert_eq!(compare_sequence("9", "10"), Ordering::Less);
        assert_eq!(
            compare_sequence(
                "4959000000000000000000000000000012",
                "4959000000000000000000000000000012"
            ),
            Ordering::Equal
        );
        assert_eq!(compare_sequence("100", "099"), Ordering::Greater);
    }
}
