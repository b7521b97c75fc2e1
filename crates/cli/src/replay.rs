//! `tweetboard replay`: read chosen shards over a range and run every record through the
//! consumer's pipeline again, to repair or backfill. Safe at any time, even beside the
//! live consumer: writes are conditional on the tweet id.
//!
//! Cheap by design: each batch first looks its tweet ids up (`BatchGetItem`), and stored
//! tweets settle as "already present" with no classifier call and no write.
//!
//! First version wins, across batches too: once a record of a tweet id has failed for
//! good in a run, later records of that id are held back for the rest of the run, so a
//! later version is never stored while the first is unsettled.

use std::cmp::Ordering;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tweetboard_aws::kinesis::{
    FetchedRecord, KinesisReader, ReadError, ShardInfo, ShardSource, StartPosition,
};
use tweetboard_aws::retry::Backoff;
use tweetboard_core::batch::{process_batch, BatchCounts, BatchOptions, BatchPorts};
use tweetboard_core::decode::decode_tweet;
use tweetboard_core::ports::{Classifier, QuarantineWriter, TweetLookup, TweetWriter};
use tweetboard_core::tweet::TweetId;
use tweetboard_core::{InputRecord, RecordOutcome, RecordSource, StoreError};

/// Where a replay starts in each shard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplayFrom {
    TrimHorizon,
    Latest,
    Time(DateTime<Utc>),
    Sequence(String),
}

/// Where it stops (inclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplayTo {
    Time(DateTime<Utc>),
    Sequence(String),
}

/// Parses `trim-horizon`, `latest`, an RFC 3339 time, or `seq:<N>`.
pub fn parse_from(raw: &str) -> Result<ReplayFrom, String> {
    match raw {
        "trim-horizon" => Ok(ReplayFrom::TrimHorizon),
        "latest" => Ok(ReplayFrom::Latest),
        _ => match parse_point(raw)? {
            Point::Time(t) => Ok(ReplayFrom::Time(t)),
            Point::Sequence(s) => Ok(ReplayFrom::Sequence(s)),
        },
    }
}

/// Parses an RFC 3339 time or `seq:<N>`.
pub fn parse_to(raw: &str) -> Result<ReplayTo, String> {
    match parse_point(raw)? {
        Point::Time(t) => Ok(ReplayTo::Time(t)),
        Point::Sequence(s) => Ok(ReplayTo::Sequence(s)),
    }
}

enum Point {
    Time(DateTime<Utc>),
    Sequence(String),
}

fn parse_point(raw: &str) -> Result<Point, String> {
    if let Some(seq) = raw.strip_prefix("seq:") {
        return if !seq.is_empty() && seq.len() <= 128 && seq.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Point::Sequence(seq.to_owned()))
        } else {
            Err(format!("{raw:?}: a sequence number is digits only, as in seq:49590338271490256608559692538361571095921575989136588898"))
        };
    }
    DateTime::parse_from_rfc3339(raw)
        .map(|t| Point::Time(t.with_timezone(&Utc)))
        .map_err(|_| {
            format!("{raw:?} is not trim-horizon, latest, an RFC 3339 time (2026-11-26T10:00:00Z) or seq:<N>")
        })
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

#[derive(Debug, Clone)]
pub struct ReplayOptions {
    /// Shards to read; empty means all, closed parents included.
    pub shards: Vec<String>,
    pub from: ReplayFrom,
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
            from: ReplayFrom::TrimHorizon,
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

#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error("unknown shard {shard}; the stream has: {}", available.join(", "))]
    UnknownShard { shard: String, available: Vec<String> },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Orders shards so that every parent comes before its children.
pub fn parents_first(shards: &[ShardInfo]) -> Vec<ShardInfo> {
    let listed: HashSet<&str> = shards.iter().map(|s| s.shard_id.as_str()).collect();
    let mut done: HashSet<String> = HashSet::new();
    let mut ordered = Vec::with_capacity(shards.len());
    while ordered.len() < shards.len() {
        let before = ordered.len();
        for s in shards {
            if done.contains(&s.shard_id) {
                continue;
            }
            if s.parents()
                .filter(|p| listed.contains(p))
                .all(|p| done.contains(p))
            {
                done.insert(s.shard_id.clone());
                ordered.push(s.clone());
            }
        }
        if ordered.len() == before {
            // A cycle cannot happen in Kinesis; keep the rest in listing order if it did.
            ordered.extend(shards.iter().filter(|s| !done.contains(&s.shard_id)).cloned());
            break;
        }
    }
    ordered
}

pub struct Replay<'a> {
    reader: &'a dyn ShardSource,
    pipeline: &'a ReplayPipeline,
    options: ReplayOptions,
}

impl<'a> Replay<'a> {
    pub fn new(reader: &'a dyn ShardSource, pipeline: &'a ReplayPipeline, options: ReplayOptions) -> Self {
        Self {
            reader,
            pipeline,
            options,
        }
    }

    /// Runs the replay; `on_progress` sees the running summary after every batch.
    pub async fn run(&self, on_progress: impl FnMut(&ReplaySummary)) -> Result<ReplaySummary, ReplayError> {
        self.run_holding(&mut Unsettled::default(), on_progress).await
    }

    /// Runs the replay, holding back the records of the tweet ids in `unsettled`, and
    /// adding the ids of records that fail: several replays in one run share it.
    pub async fn run_holding(
        &self,
        unsettled: &mut Unsettled,
        mut on_progress: impl FnMut(&ReplaySummary),
    ) -> Result<ReplaySummary, ReplayError> {
        let stream_arn = self.reader.stream_arn().await?;
        let all = self.reader.list_shards().await?;
        let chosen: Vec<ShardInfo> = if self.options.shards.is_empty() {
            all.clone()
        } else {
            let mut chosen = Vec::new();
            for wanted in &self.options.shards {
                match all.iter().find(|s| &s.shard_id == wanted) {
                    Some(s) => chosen.push(s.clone()),
                    None => {
                        return Err(ReplayError::UnknownShard {
                            shard: wanted.clone(),
                            available: all.iter().map(|s| s.shard_id.clone()).collect(),
                        })
                    }
                }
            }
            chosen
        };
        // A start time older than the retention period may have lost records to trimming.
        let trimmed_before = match &self.options.from {
            ReplayFrom::Time(from) => {
                let retention = self.reader.retention().await?;
                retention
                    .trimmed_before(Utc::now())
                    .filter(|cutoff| from < cutoff)
            }
            _ => None,
        };
        let mut summary = ReplaySummary::default();
        for shard in parents_first(&chosen) {
            summary.shards.push(shard.shard_id.clone());
            // A parent still listed closed within the retention period, so its child is
            // younger than that and has lost nothing.
            let parent_listed = shard.parents().any(|p| all.iter().any(|s| s.shard_id == p));
            if let (Some(cutoff), false) = (trimmed_before, parent_listed) {
                tracing::warn!(
                    event = "replay_start_trimmed",
                    shard_id = %shard.shard_id,
                    %cutoff,
                    "the requested start is older than the stream's retention period: records before the cutoff are trimmed and cannot be replayed"
                );
                summary.trimmed.push(shard.shard_id.clone());
            }
            self.replay_shard(
                &shard.shard_id,
                &stream_arn,
                &mut summary,
                unsettled,
                &mut on_progress,
            )
            .await?;
        }
        Ok(summary)
    }

    /// GetShardIterator, backing off while it is throttled, as reads do.
    async fn shard_iterator(
        &self,
        shard_id: &str,
        position: &StartPosition,
        summary: &mut ReplaySummary,
    ) -> Result<Option<String>, ReplayError> {
        let mut failures = 0u32;
        loop {
            let e = match self.reader.shard_iterator(shard_id, position).await {
                Ok(iterator) => return Ok(iterator),
                Err(ReadError::Throttled(msg)) => {
                    tracing::warn!(event = "get_shard_iterator_throttled", shard_id, %msg);
                    summary.throttled_reads += 1;
                    failures += 1;
                    tokio::time::sleep(self.options.backoff.delay(failures.min(10))).await;
                    continue;
                }
                Err(ReadError::Store(e)) => e,
                Err(e @ ReadError::ExpiredIterator) => {
                    StoreError::transient("GetShardIterator", e.to_string())
                }
            };
            if !e.is_transient() || failures >= self.options.max_retries {
                return Err(e.into());
            }
            failures += 1;
            tokio::time::sleep(self.options.backoff.delay(failures)).await;
        }
    }

    async fn replay_shard(
        &self,
        shard_id: &str,
        stream_arn: &str,
        summary: &mut ReplaySummary,
        unsettled: &mut Unsettled,
        on_progress: &mut impl FnMut(&ReplaySummary),
    ) -> Result<(), ReplayError> {
        let start = match &self.options.from {
            ReplayFrom::TrimHorizon => StartPosition::TrimHorizon,
            ReplayFrom::Latest => StartPosition::Latest,
            ReplayFrom::Time(t) => StartPosition::AtTimestamp(*t),
            ReplayFrom::Sequence(s) => StartPosition::AtSequenceNumber(s.clone()),
        };
        let mut iterator = self.shard_iterator(shard_id, &start, summary).await?;
        let mut last_seq: Option<String> = None;
        let mut failures = 0u32;
        while let Some(it) = iterator.clone() {
            let page = match self.reader.get_records(&it, self.options.batch_size as i32).await {
                Ok(page) => page,
                Err(ReadError::ExpiredIterator) => {
                    summary.expired_iterators += 1;
                    let resume = match &last_seq {
                        Some(seq) => StartPosition::AfterSequenceNumber(seq.clone()),
                        None => start.clone(),
                    };
                    iterator = self.shard_iterator(shard_id, &resume, summary).await?;
                    continue;
                }
                Err(ReadError::Throttled(_)) => {
                    summary.throttled_reads += 1;
                    failures += 1;
                    tokio::time::sleep(self.options.backoff.delay(failures.min(10))).await;
                    continue;
                }
                Err(ReadError::Store(e)) if e.is_transient() && failures < self.options.max_retries => {
                    failures += 1;
                    tokio::time::sleep(self.options.backoff.delay(failures)).await;
                    continue;
                }
                Err(ReadError::Store(e)) => return Err(e.into()),
            };
            failures = 0;
            if last_seq.is_none() {
                if let (ReplayFrom::Sequence(wanted), Some(first)) =
                    (&self.options.from, page.records.first())
                {
                    if compare_sequence(&first.sequence_number, wanted) == Ordering::Greater {
                        summary.trimmed.push(shard_id.to_owned());
                    }
                }
            }
            let (records, reached_end): (Vec<FetchedRecord>, bool) = match &self.options.to {
                None => (page.records, false),
                Some(to) => {
                    let within = |r: &FetchedRecord| match to {
                        ReplayTo::Time(t) => r.arrived_at <= *t,
                        ReplayTo::Sequence(s) => compare_sequence(&r.sequence_number, s) != Ordering::Greater,
                    };
                    let total = page.records.len();
                    let kept: Vec<FetchedRecord> = page.records.into_iter().take_while(within).collect();
                    let ended = kept.len() < total;
                    (kept, ended)
                }
            };
            if let Some(last) = records.last() {
                last_seq = Some(last.sequence_number.clone());
            }
            summary.records_read += records.len();
            self.run_records(shard_id, stream_arn, &records, summary, unsettled)
                .await;
            on_progress(summary);
            let caught_up = records.is_empty() && page.millis_behind_latest == 0;
            if reached_end || caught_up {
                break;
            }
            iterator = page.next_iterator;
            if records.is_empty() {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
        Ok(())
    }

    /// One batch through the pipeline, retrying the records that failed transiently.
    /// Records of an unsettled tweet id are held back; the ids of records that still
    /// fail become unsettled.
    async fn run_records(
        &self,
        shard_id: &str,
        stream_arn: &str,
        records: &[FetchedRecord],
        summary: &mut ReplaySummary,
        unsettled: &mut Unsettled,
    ) {
        let mut pending: Vec<InputRecord> = records
            .iter()
            .filter(|r| {
                let held = unsettled.holds(&r.data);
                if held {
                    tracing::warn!(
                        event = "record_held_back",
                        shard_id,
                        sequence_number = %r.sequence_number,
                        "an earlier record of this tweet id failed in this run; not replayed so the first version wins"
                    );
                    summary.held_back += 1;
                }
                !held
            })
            .map(|r| InputRecord {
                event_id: InputRecord::event_id_for(shard_id, &r.sequence_number),
                sequence_number: r.sequence_number.clone(),
                partition_key: r.partition_key.clone(),
                data: r.data.clone(),
                arrived_at: r.arrived_at,
                source: RecordSource {
                    stream_arn: stream_arn.to_owned(),
                    shard_id: shard_id.to_owned(),
                },
            })
            .collect();
        let ports = BatchPorts {
            classifier: self.pipeline.classifier.as_ref(),
            tweets: self.pipeline.tweets.as_ref(),
            quarantine: self.pipeline.quarantine.as_ref(),
            lookup: Some(self.pipeline.lookup.as_ref()),
        };
        let options = BatchOptions {
            concurrency: self.options.concurrency,
            ..BatchOptions::default()
        };
        for attempt in 0..=self.options.max_retries {
            if pending.is_empty() {
                return;
            }
            if attempt > 0 {
                tokio::time::sleep(self.options.backoff.delay(attempt)).await;
            }
            let report = process_batch(&ports, &pending, &options).await;
            let mut settled = BatchCounts::default();
            let mut retry = Vec::new();
            for (record, (_, outcome)) in pending.iter().zip(&report.outcomes) {
                match outcome {
                    RecordOutcome::Retry(_) => retry.push(record.clone()),
                    other => settled.add(other),
                }
            }
            summary.add(&settled);
            pending = retry;
        }
        summary.failed += pending.len();
        for record in &pending {
            unsettled.add(&record.data);
        }
    }
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
    use crate::testing::{tweet, ScriptedShard, SHARD};
    use tweetboard_core::testing::{KeywordFake, MemoryQuarantine, MemoryTable};

    fn fast() -> Backoff {
        Backoff {
            base: Duration::from_millis(1),
            cap: Duration::from_millis(5),
            max_attempts: 3,
        }
    }

    fn pipeline(table: &Arc<MemoryTable>) -> ReplayPipeline {
        ReplayPipeline {
            classifier: Arc::new(KeywordFake),
            tweets: table.clone(),
            quarantine: Arc::new(MemoryQuarantine::default()),
            lookup: table.clone(),
        }
    }

    #[tokio::test]
    async fn expired_iterators_throttling_and_trimmed_data_are_handled_and_reported() {
        // GIVEN a shard whose reads fail once with throttling and once with an expired
        // iterator (popped from the end), and a requested start (seq 5) already trimmed
        let source = ScriptedShard::six().with_read_failures(vec![
            ReadError::ExpiredIterator,
            ReadError::Throttled("rate exceeded".into()),
        ]);
        let table = Arc::new(MemoryTable::default());
        let options = ReplayOptions {
            from: ReplayFrom::Sequence("5".into()),
            batch_size: 4,
            backoff: fast(),
            ..ReplayOptions::default()
        };

        // WHEN replayed
        let summary = Replay::new(&source, &pipeline(&table), options)
            .run(|_| {})
            .await
            .unwrap();

        // THEN every available record is written once, and the trouble is reported
        assert_eq!(
            (summary.records_read, summary.newly_written, summary.failed),
            (6, 6, 0)
        );
        assert_eq!((summary.throttled_reads, summary.expired_iterators), (1, 1));
        assert_eq!(summary.trimmed, [SHARD]);
        assert_eq!(table.items.lock().unwrap().len(), 6);
    }

    #[tokio::test]
    async fn a_later_version_of_a_tweet_whose_record_failed_is_held_back_for_the_rest_of_the_run() {
        // GIVEN tweet A whose first record keeps failing (the model endpoint throttles
        // it), and a later, edited record of A in the next read
        let a = "1850000000000000001";
        let source = ScriptedShard::new(vec![
            tweet(a, "flaky-model first version"),
            tweet("1850000000000000002", "lambda"),
            tweet(a, "lambda, edited later version"),
            tweet("1850000000000000003", "lambda"),
        ]);
        let table = Arc::new(MemoryTable::default());
        let options = ReplayOptions {
            batch_size: 2,
            max_retries: 1,
            backoff: fast(),
            ..ReplayOptions::default()
        };

        // WHEN replayed
        let summary = Replay::new(&source, &pipeline(&table), options)
            .run(|_| {})
            .await
            .unwrap();

        // THEN the later version was not stored: the first still wins once it settles
        let items = table.items.lock().unwrap();
        assert!(!items.contains_key(a), "a later version of {a} was stored");
        assert_eq!(items.len(), 2);
        // AND it is reported as held back, beside the failed record
        assert_eq!(
            (
                summary.records_read,
                summary.newly_written,
                summary.failed,
                summary.held_back
            ),
            (4, 2, 1, 1)
        );
    }

    #[tokio::test]
    async fn a_throttled_get_shard_iterator_is_retried_with_backoff() {
        // GIVEN a shard whose first two GetShardIterator calls are throttled
        let source = ScriptedShard::six().with_iterator_failures(vec![
            ReadError::Throttled("LimitExceededException".into()),
            ReadError::Throttled("Rate exceeded for shard shardId-0".into()),
        ]);
        let table = Arc::new(MemoryTable::default());
        let options = ReplayOptions {
            backoff: fast(),
            ..ReplayOptions::default()
        };

        // WHEN replayed
        let summary = Replay::new(&source, &pipeline(&table), options)
            .run(|_| {})
            .await
            .unwrap();

        // THEN it backed off, counted the throttling and read everything
        assert_eq!(
            (
                summary.records_read,
                summary.newly_written,
                summary.throttled_reads
            ),
            (6, 6, 2)
        );
    }

    #[tokio::test]
    async fn a_start_time_older_than_the_retention_is_reported_as_trimmed() {
        // GIVEN a stream that keeps records for a day and was created a year ago
        let now = Utc::now();
        async fn replay_from(source: &ScriptedShard, from: DateTime<Utc>) -> ReplaySummary {
            let table = Arc::new(MemoryTable::default());
            let options = ReplayOptions {
                from: ReplayFrom::Time(from),
                backoff: fast(),
                ..ReplayOptions::default()
            };
            Replay::new(source, &pipeline(&table), options)
                .run(|_| {})
                .await
                .unwrap()
        }
        let old_stream = ScriptedShard::six();

        // WHEN replayed from three days ago, and from an hour ago
        let too_old = replay_from(&old_stream, now - chrono::Duration::days(3)).await;
        let recent = replay_from(&old_stream, now - chrono::Duration::hours(1)).await;

        // THEN only the start past retention reports the shard trimmed; both read everything
        assert_eq!(too_old.trimmed, [SHARD]);
        assert!(recent.trimmed.is_empty(), "{:?}", recent.trimmed);
        assert_eq!((too_old.records_read, recent.records_read), (6, 6));

        // AND a stream younger than its retention has trimmed nothing, however early the start
        let mut young_stream = ScriptedShard::six();
        young_stream.retention.created_at = Some(now - chrono::Duration::hours(2));
        let young = replay_from(&young_stream, now - chrono::Duration::days(3)).await;
        assert!(young.trimmed.is_empty(), "{:?}", young.trimmed);
    }

    #[test]
    fn points_parse_with_clear_errors() {
        assert_eq!(parse_from("trim-horizon").unwrap(), ReplayFrom::TrimHorizon);
        assert_eq!(parse_from("seq:123").unwrap(), ReplayFrom::Sequence("123".into()));
        assert!(matches!(
            parse_from("2026-11-26T10:00:00Z").unwrap(),
            ReplayFrom::Time(_)
        ));
        assert!(parse_from("yesterday").unwrap_err().contains("RFC 3339"));
        assert!(parse_to("seq:12a").unwrap_err().contains("digits only"));
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

    #[test]
    fn parents_come_before_children() {
        let shard = |id: &str, parent: Option<&str>| ShardInfo {
            shard_id: id.into(),
            parent_shard_id: parent.map(Into::into),
            adjacent_parent_shard_id: None,
            closed: false,
        };
        let listed = [
            shard("c2", Some("p")),
            shard("c1", Some("p")),
            shard("p", None),
            shard("o", None),
        ];
        let order: Vec<String> = parents_first(&listed).into_iter().map(|s| s.shard_id).collect();
        assert_eq!(order, ["p", "o", "c2", "c1"]);
    }
}

/// What `replay --from-failures` did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct FailureReplaySummary {
    pub messages: usize,
    /// Messages whose records are all settled now, deleted from the queue.
    pub deleted: usize,
    /// `(message id, why)`: left on the queue.
    pub kept: Vec<(String, String)>,
    /// Messages received again in this run after their visibility timeout (kept ones
    /// coming back): not replayed twice, left on the queue.
    pub received_again: usize,
    pub replay: ReplaySummary,
}

/// Replays every failed batch the queue holds, deleting each message only once all of
/// its records are settled (written, already present or quarantined).
///
/// No message is worked on twice, nor by two readers at once: messages are received one
/// at a time (none waits in hand while its visibility timeout runs out), the one being
/// replayed is kept hidden for as long as that takes, and one received again in the same
/// run (a kept message whose timeout expired) is left alone.
pub async fn replay_failures(
    queue: &tweetboard_aws::failures::FailureQueue,
    kinesis: &aws_sdk_kinesis::Client,
    pipeline: &ReplayPipeline,
    options: &ReplayOptions,
    mut on_progress: impl FnMut(&FailureReplaySummary),
) -> Result<FailureReplaySummary, ReplayError> {
    use tweetboard_aws::failures::parse_invocation_record;
    let mut out = FailureReplaySummary::default();
    // Shared by every message: a failed record holds its id's later records back in
    // later messages too.
    let mut unsettled = Unsettled::default();
    let mut handled: HashSet<String> = HashSet::new();
    loop {
        let messages = queue.receive(1).await?;
        if messages.is_empty() {
            return Ok(out);
        }
        for message in messages {
            if !handled.insert(message.message_id.clone()) {
                out.received_again += 1;
                continue;
            }
            out.messages += 1;
            let info = match parse_invocation_record(&message.body) {
                Ok(info) => info,
                Err(why) => {
                    out.kept.push((message.message_id, why));
                    continue;
                }
            };
            let reader = KinesisReader::new(kinesis.clone(), info.stream_name());
            let range = ReplayOptions {
                shards: vec![info.shard_id.clone()],
                from: ReplayFrom::Sequence(info.start_sequence_number.clone()),
                to: Some(ReplayTo::Sequence(info.end_sequence_number.clone())),
                ..options.clone()
            };
            let replay = Replay::new(&reader, pipeline, range);
            let summary = match keep_hidden(queue, &message, replay.run_holding(&mut unsettled, |_| {})).await
            {
                Ok(s) => s,
                Err(ReplayError::UnknownShard { shard, .. }) => {
                    out.kept.push((
                        message.message_id,
                        format!("shard {shard} no longer exists (past retention)"),
                    ));
                    continue;
                }
                Err(e) => return Err(e),
            };
            let verdict = if summary.records_read == 0 {
                Some("no records in the range: past retention, or not yet readable".to_owned())
            } else if !summary.trimmed.is_empty() {
                Some("part of the range is past retention (trimmed)".to_owned())
            } else if summary.failed > 0 || summary.held_back > 0 {
                let held = match summary.held_back {
                    0 => String::new(),
                    n => format!(", {n} held back behind an earlier failed record of their tweet id"),
                };
                Some(format!("{} records still fail{held}; run again", summary.failed))
            } else {
                None
            };
            out.replay.merge(&summary);
            match verdict {
                None => {
                    queue.delete(&message).await?;
                    out.deleted += 1;
                }
                Some(why) => out.kept.push((message.message_id, why)),
            }
            on_progress(&out);
        }
    }
}

/// Runs `work`, extending the message's visibility every third of the timeout, so it
/// stays hidden from other readers however long the work takes.
async fn keep_hidden<T>(
    queue: &tweetboard_aws::failures::FailureQueue,
    message: &tweetboard_aws::failures::FailureMessage,
    work: impl std::future::Future<Output = T>,
) -> T {
    let every = queue.visibility() / 3;
    tokio::pin!(work);
    loop {
        tokio::select! {
            out = &mut work => return out,
            () = tokio::time::sleep(every) => {
                if let Err(e) = queue.extend_visibility(message).await {
                    tracing::warn!(event = "visibility_extension_failed", message_id = %message.message_id, error = %e);
                }
            }
        }
    }
}
