//! What gets written: a classified tweet for the tweets table, or a quarantined record.

use chrono::{DateTime, Utc};

use crate::classification::Classification;
use crate::decode::format_time;
use crate::record::InputRecord;
use crate::tweet::Tweet;

/// DynamoDB's item size limit. Items are checked against it before writing so an
/// oversized tweet is quarantined with a clear reason instead of failing as a
/// `ValidationException` on every retry.
pub const DYNAMODB_ITEM_LIMIT_BYTES: usize = 400 * 1024;

/// A classified tweet, ready for the tweets table.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredTweet {
    pub tweet: Tweet,
    pub classification: Classification,
    pub content_hash: String,
    /// RFC 3339 creation time: the tweet's own, or the record's arrival when it had none.
    pub created_at: String,
    pub classified_at: String,
    pub source_stream: String,
    pub source_shard: String,
    pub source_sequence_number: String,
}

impl StoredTweet {
    pub fn new(
        tweet: Tweet,
        classification: Classification,
        record: &InputRecord,
        now: DateTime<Utc>,
    ) -> Self {
        let created_at = tweet
            .created_at
            .clone()
            .unwrap_or_else(|| format_time(record.arrived_at));
        Self {
            content_hash: tweet.content_hash(),
            tweet,
            classification,
            created_at,
            classified_at: format_time(now),
            source_stream: record.source.stream_name().to_owned(),
            source_shard: record.source.shard_id.clone(),
            source_sequence_number: record.sequence_number.clone(),
        }
    }

    /// Board index partition: prediction and day bucket, e.g. `ON#2026-11-26`.
    ///
    /// The board asks for "the newest N of a prediction". Keying the index on the
    /// prediction alone would send every write of a class to one partition forever;
    /// the day spreads writes across partitions over time, and the board walks days
    /// backwards from today. (Hours would spread writes further but make the board
    /// walk 24 times as many empty buckets on a quiet stream.)
    pub fn board_partition(&self) -> String {
        board_partition(self.classification.prediction.as_str(), &self.created_at)
    }

    /// Board index sort key: newest-first order within a bucket, ties broken by id.
    pub fn board_sort(&self) -> String {
        format!("{}#{}", self.created_at, self.tweet.id().padded())
    }

    /// A close upper bound of DynamoDB's item size (attribute names plus values): used
    /// to refuse items over the limit and to estimate write units in a dry run.
    pub fn approximate_size(&self) -> usize {
        let t = &self.tweet;
        let strings = [
            t.id().as_str(),
            &t.text,
            &t.name,
            &t.screen_name,
            &t.source,
            &t.image_url,
            &self.created_at,
            &self.classified_at,
            &self.classification.model_id,
            &self.content_hash,
            &self.source_stream,
            &self.source_shard,
            &self.source_sequence_number,
        ];
        // DynamoDB counts attribute names plus values. The 24 names of the schema come to
        // 231 bytes; a number takes at most 21; the prediction, the two board keys (the
        // partition and `created_at#<20-digit id>`) add the rest.
        const NAMES: usize = 231;
        const NUMBERS: usize = 8 * 21;
        let board_keys = (4 + 1 + 10) + (self.created_at.len() + 1 + 20);
        strings.iter().map(|s| s.len()).sum::<usize>() + NAMES + NUMBERS + board_keys + 3
    }
}

/// `ON#2026-11-26` from a prediction and an RFC 3339 time.
pub fn board_partition(prediction: &str, created_at: &str) -> String {
    let day = created_at.get(..10).unwrap_or(created_at);
    format!("{prediction}#{day}")
}

/// A record that can never succeed as it is, kept with its raw bytes and the reason.
#[derive(Debug, Clone, PartialEq)]
pub struct QuarantinedRecord {
    pub event_id: String,
    pub data: Vec<u8>,
    pub reason: String,
    pub partition_key: String,
    pub sequence_number: String,
    pub source_arn: String,
    pub arrived_at: String,
    pub quarantined_at: String,
}

impl QuarantinedRecord {
    pub fn new(record: &InputRecord, reason: impl Into<String>, now: DateTime<Utc>) -> Self {
        Self {
            event_id: record.event_id.clone(),
            data: record.data.clone(),
            reason: reason.into(),
            partition_key: record.partition_key.clone(),
            sequence_number: record.sequence_number.clone(),
            source_arn: record.source.stream_arn.clone(),
            arrived_at: format_time(record.arrived_at),
            quarantined_at: format_time(now),
        }
    }
}
