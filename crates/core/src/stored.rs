//! What gets written: a classified tweet for the tweets table, or a quarantined record.

use chrono::{DateTime, Utc};

use crate::classification::Classification;
use crate::decode::format_time;
use crate::error::{bounded_reason, MAX_REASON_BYTES};
use crate::reason::QuarantineReason;
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
        let created_at = stored_created_at(&tweet, record);
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

    /// Board index partition: prediction and write shard, e.g. `ON#3`.
    ///
    /// The board asks for "the newest N of a prediction", whatever their age. Keying
    /// the index on the prediction alone would send every write of a class to one
    /// partition; keying it on the day (as before) sent each day's writes to one
    /// partition too, and made a page walk every empty day between tweets. A fixed
    /// number of shards per prediction spreads every moment's writes over
    /// [`BOARD_SHARDS`] partitions, and a page is [`BOARD_SHARDS`] Queries (merged
    /// newest first) however far apart the tweets are.
    pub fn board_partition(&self) -> String {
        board_partition(
            self.classification.prediction.as_str(),
            board_shard(self.tweet.id().as_str()),
        )
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
        // partition `ON#<shard>` and `created_at#<20-digit id>`) add the rest.
        const NAMES: usize = 231;
        const NUMBERS: usize = 8 * 21;
        let board_keys = (3 + 1 + 10) + (self.created_at.len() + 1 + 20);
        // A retweet's four attributes (names 34 bytes) and the links map (3 bytes per
        // entry of overhead, plus its name).
        let retweeted = t.retweeted.as_ref().map_or(0, |r| {
            34 + r.text.len() + r.name.len() + r.screen_name.len() + r.image_url.len()
        });
        let urls = if t.urls.is_empty() {
            0
        } else {
            4 + 3 + t.urls.iter().map(|(u, e)| u.len() + e.len() + 3).sum::<usize>()
        };
        strings.iter().map(|s| s.len()).sum::<usize>() + NAMES + NUMBERS + board_keys + 3 + retweeted + urls
    }
}

/// The creation time stored for `tweet`: its own, or the record's arrival when it had none.
pub fn stored_created_at(tweet: &Tweet, record: &InputRecord) -> String {
    tweet
        .created_at
        .clone()
        .unwrap_or_else(|| format_time(record.arrived_at))
}

/// Tweets newly stored in one hour of their `created_at`, by prediction: what a batch
/// adds to the board chart's counters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HourCount {
    /// `2026-11-26T10`.
    pub hour: String,
    pub on: u64,
    pub off: u64,
}

/// Write shards of the board index per prediction. Changing it changes which
/// partition every stored tweet is in: the index would have to be rewritten.
pub const BOARD_SHARDS: u32 = 4;

/// The board index shard of a tweet id: FNV-1a (64 bit) of its decimal digits, modulo
/// [`BOARD_SHARDS`]. A hash, not the id's low digits: a snowflake id's low bits are a
/// per-millisecond sequence, mostly zero on a quiet stream.
pub fn board_shard(tweet_id: &str) -> u32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in tweet_id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h % u64::from(BOARD_SHARDS)) as u32
}

/// `ON#3` from a prediction and a shard.
pub fn board_partition(prediction: &str, shard: u32) -> String {
    format!("{prediction}#{shard}")
}

/// The day and hour keys of an RFC 3339 UTC time as stored (`format_time`):
/// `2026-11-26T10:42:00.000Z` → `("2026-11-26", "2026-11-26T10")`.
pub fn counted_hour(created_at: &str) -> (&str, &str) {
    (
        created_at.get(..10).unwrap_or(created_at),
        created_at.get(..13).unwrap_or(created_at),
    )
}

/// Raw bytes per quarantine part item. A Kinesis record (up to 1 MiB, more on newer
/// streams) can exceed DynamoDB's 400 KB item limit, so larger payloads are split: the
/// entry holds the first part and the part count; parts 2.. are items of their own.
pub const QUARANTINE_PART_BYTES: usize = 300 * 1024;

/// Room kept free in a quarantine entry for what `tweetboard quarantine retry` adds to
/// it later (two times and two bounded reasons), plus slack for the size estimate.
const QUARANTINE_ENTRY_RESERVE: usize = 2 * (MAX_REASON_BYTES + 64) + 1024;

/// A record that can never succeed as it is, kept with its raw bytes and the reason.
#[derive(Debug, Clone, PartialEq)]
pub struct QuarantinedRecord {
    pub event_id: String,
    /// The raw bytes; empty when `data_omitted`.
    pub data: Vec<u8>,
    /// The raw record's size in bytes (also when its bytes were not kept).
    pub data_size: usize,
    /// Set on the minimal entry written when the full entry was refused by the store:
    /// the record is accounted for (id, size, reason) but its bytes are not kept.
    pub data_omitted: bool,
    /// Why, at most [`MAX_REASON_BYTES`].
    pub reason: String,
    pub partition_key: String,
    pub sequence_number: String,
    pub source_arn: String,
    pub arrived_at: String,
    pub quarantined_at: String,
}

impl QuarantinedRecord {
    pub fn new(record: &InputRecord, reason: &QuarantineReason, now: DateTime<Utc>) -> Self {
        Self {
            event_id: record.event_id.clone(),
            data: record.data.to_vec(),
            data_size: record.data.len(),
            data_omitted: false,
            reason: bounded_reason(reason.to_string()),
            partition_key: record.partition_key.clone(),
            sequence_number: record.sequence_number.clone(),
            source_arn: record.source.stream_arn.clone(),
            arrived_at: format_time(record.arrived_at),
            quarantined_at: format_time(now),
        }
    }

    /// The entry to write when the store refuses the full one for good: everything but
    /// the raw bytes, with `reason` saying why they are missing
    /// ([`QuarantineReason::QuarantineWriteRejected`]). A record must end accounted for;
    /// retrying a write that can never succeed would block its shard.
    pub fn minimal(&self, reason: &QuarantineReason) -> Self {
        Self {
            data: Vec::new(),
            data_omitted: true,
            reason: bounded_reason(reason.to_string()),
            ..self.clone()
        }
    }

    /// A close upper bound of the entry item's size apart from its data part: every
    /// other attribute's name and value.
    pub fn entry_size_without_data(&self) -> usize {
        const NAMES: usize = 120; // the names of the entry's attributes, `data` included
        const NUMBERS: usize = 2 * 21;
        [
            &self.event_id,
            &self.reason,
            &self.partition_key,
            &self.sequence_number,
            &self.source_arn,
            &self.arrived_at,
            &self.quarantined_at,
        ]
        .iter()
        .map(|s| s.len())
        .sum::<usize>()
            + NAMES
            + NUMBERS
            + 1
    }

    /// How the raw bytes are laid out: the entry's part first, sized so the entry stays
    /// under the item limit with its reason and the room kept for later stamps, then
    /// parts of [`QUARANTINE_PART_BYTES`].
    pub fn data_parts(&self) -> Vec<&[u8]> {
        let room = DYNAMODB_ITEM_LIMIT_BYTES
            .saturating_sub(self.entry_size_without_data() + QUARANTINE_ENTRY_RESERVE)
            .min(QUARANTINE_PART_BYTES);
        let (first, rest) = self.data.split_at(self.data.len().min(room));
        std::iter::once(first)
            .chain(rest.chunks(QUARANTINE_PART_BYTES))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::RecordSource;

    fn record(data: Vec<u8>) -> InputRecord {
        InputRecord {
            event_id: "shardId-000000000000:1".into(),
            sequence_number: "1".into(),
            partition_key: "p".repeat(256),
            data: data.into(),
            arrived_at: Utc::now(),
            source: RecordSource {
                stream_arn: "arn:aws:kinesis:us-east-1:1:stream/s".into(),
                shard_id: "shardId-000000000000".into(),
            },
        }
    }

    #[test]
    fn a_long_reason_is_bounded_and_the_first_part_leaves_room_for_it() {
        // GIVEN a 1 MiB record and a reason that quotes 250 KB of it
        let reason = QuarantineReason::Decode(crate::DecodeError::NotATweet("x".repeat(250_000)));
        let q = QuarantinedRecord::new(&record(vec![b'x'; 1 << 20]), &reason, Utc::now());
        // THEN the reason is bounded, and the entry with its first part fits an item
        assert!(q.reason.len() <= MAX_REASON_BYTES);
        let parts = q.data_parts();
        assert!(
            q.entry_size_without_data() + parts[0].len() + QUARANTINE_ENTRY_RESERVE
                <= DYNAMODB_ITEM_LIMIT_BYTES
        );
        assert!(parts.iter().all(|p| p.len() <= QUARANTINE_PART_BYTES));
        assert_eq!(parts.concat(), q.data);
    }

    #[test]
    fn board_shards_are_stable_and_spread_ids_over_every_shard() {
        // Pinned: a change moves every stored tweet to another partition.
        assert_eq!(
            board_shard("1859000000000000001"),
            board_shard("1859000000000000001")
        );
        let mut seen = [0usize; BOARD_SHARDS as usize];
        // Consecutive snowflake-like ids (low bits a sequence) still spread evenly.
        for i in 0..4000u64 {
            seen[board_shard(&(1_859_000_000_000_000_000u64 + (i << 22)).to_string()) as usize] += 1;
        }
        assert!(seen.iter().all(|&n| n > 800), "{seen:?}");
        assert_eq!(board_partition("ON", 3), "ON#3");
        assert_eq!(
            counted_hour("2026-11-26T10:42:00.000Z"),
            ("2026-11-26", "2026-11-26T10")
        );
    }

    #[test]
    fn small_and_empty_records_are_one_part() {
        let first = QuarantineReason::Decode(crate::DecodeError::NotJson("x".into()));
        let q = QuarantinedRecord::new(&record(b"abc".to_vec()), &first, Utc::now());
        assert_eq!(q.data_parts(), [b"abc".as_slice()]);
        let empty = q.minimal(&QuarantineReason::QuarantineWriteRejected {
            data_size: q.data_size,
            refusal: "ValidationException".into(),
            first: Box::new(first),
        });
        assert_eq!(empty.data_parts(), [b"".as_slice()]);
        assert_eq!((empty.data_size, empty.data_omitted), (3, true));
        assert!(
            empty.reason.starts_with("quarantine_write_rejected: "),
            "{}",
            empty.reason
        );
        assert!(
            empty
                .reason
                .ends_with("first reason: not_json: record is not valid UTF-8 JSON: x"),
            "{}",
            empty.reason
        );
    }
}
