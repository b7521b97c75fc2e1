//! Shard-range replay (`tweetboard replay [--shard ID] [--from ..] [--to ..]`): read the
//! chosen shards, parents before children, over a range, and run every record through
//! the pipeline, retrying transient failures and holding back later versions of a tweet
//! whose record failed.
//!
//! Over 400 lines because about 200 are its tests: the reading loop, its retries of
//! reads and of records, and the hold-back rule are one piece of behaviour, tested here
//! against a scripted shard.

use std::cmp::Ordering;
use std::collections::HashSet;
use std::time::Duration;

use chrono::Utc;
use tweetboard_aws::kinesis::{FetchedRecord, ReadError, ShardInfo, ShardSource, StartPosition};
use tweetboard_core::batch::{process_batch, BatchCounts, BatchOptions, BatchPorts};
use tweetboard_core::{InputRecord, RecordOutcome, RecordSource, ServiceError};

use super::{
    compare_sequence, ReplayError, ReplayOptions, ReplayPipeline, ReplaySummary, ReplayTo, Unsettled,
};

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

/// A replay of a shard range, borrowing its reader and pipeline.
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
            StartPosition::AtTimestamp(from) => {
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
                    ServiceError::transient("GetShardIterator", e.to_string())
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
        let start = self.options.from.clone();
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
                if let (StartPosition::AtSequenceNumber(wanted), Some(first)) =
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
                data: r.data.clone().into(),
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

#[cfg(test)]
mod tests;
