//! The board's reads: newest-first pages of one prediction from the `board_by_time`
//! index, and ON/OFF counts per hour for the chart, as the [`BoardQuery`] port. Queries
//! only; never a Scan, never a write.
//!
//! The index is partitioned by `<prediction>#<shard>` ([`BOARD_SHARDS`] write shards per
//! prediction, the shard a hash of the tweet id) and sorted by `<created_at>#<padded
//! id>`. A page Queries every shard of its prediction at once, newest first from where
//! the last page stopped, and merges them: [`BOARD_SHARDS`] Queries per page, whether
//! the tweets are a second or ten years apart. The cursor is the last sort key returned,
//! unique per tweet, so the next page starts strictly after it and following `next`
//! visits every tweet of the prediction exactly once, back to the oldest.
//!
//! A cursor comes back from the client, so nothing in it is trusted: it is signed
//! (HMAC-SHA256 with the board's [`CursorKey`]) and its key must be a board sort key of
//! its prediction. Its codec is pure logic and lives in the domain
//! (`tweetboard_core::board::cursor`), where it is fuzzed without the SDK; this adapter
//! issues and checks cursors with it.
//!
//! The chart reads the counts table ([`CountsTable`]), never the tweets.

use std::sync::Arc;

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, Select};
use aws_sdk_dynamodb::Client;
use chrono::{DateTime, Utc};
use tweetboard_core::attributes::tweets;
use tweetboard_core::board::{initials, segments, shown_text, RetweetedBy};
use tweetboard_core::board::{BoardError, BoardTweet, HourlyCounts, Page, StatsBucket};
use tweetboard_core::ports::BoardQuery;
use tweetboard_core::stored::{board_partition, BOARD_SHARDS};
use tweetboard_core::{Prediction, ServiceError};

/// The cursor codec is pure logic, in the domain (so it can be fuzzed without the SDK);
/// re-exported here, where pages are read, for the adapter's users.
pub use tweetboard_core::board::cursor::{Cursor, CursorKey};

use crate::counts::{CountsTable, ReadMeter};
use crate::errors::classify;
use crate::item::{FromItem, Item, ItemError, ItemExt};

/// The most DynamoDB Queries one page runs: one per write shard of its prediction.
pub const MAX_QUERIES_PER_PAGE: usize = BOARD_SHARDS as usize;

/// Reads the tweets table's board index, and the counts table for the chart.
#[derive(Clone)]
pub struct BoardReader {
    client: Client,
    table: String,
    counts: CountsTable,
    /// Signs the cursors this reader issues and checks the ones it is given.
    cursor_key: CursorKey,
    meter: Option<Arc<ReadMeter>>,
}

impl BoardReader {
    pub fn new(
        client: Client,
        table: impl Into<String>,
        counts_table: impl Into<String>,
        cursor_key: CursorKey,
    ) -> Self {
        Self {
            counts: CountsTable::new(client.clone(), counts_table),
            client,
            table: table.into(),
            cursor_key,
            meter: None,
        }
    }

    /// Sums what every read costs (requests, items, read units) in `meter`.
    pub fn with_meter(mut self, meter: Arc<ReadMeter>) -> Self {
        self.counts = self.counts.with_meter(meter.clone());
        self.meter = Some(meter);
        self
    }

    /// One shard's newest `limit` tweets before `before`: the tweets with their sort
    /// keys, and whether the shard may hold more.
    async fn shard_page(
        &self,
        prediction: Prediction,
        shard: u32,
        before: Option<&str>,
        limit: usize,
    ) -> Result<(Vec<(String, BoardTweet)>, bool), ServiceError> {
        let mut query = self
            .partition_query(&board_partition(prediction.as_str(), shard))
            .scan_index_forward(false)
            .limit(limit as i32);
        query = match before {
            None => query.key_condition_expression("#p = :p"),
            Some(before) => query
                .key_condition_expression("#p = :p AND #s < :before")
                .expression_attribute_names("#s", tweets::BOARD_SORT)
                .expression_attribute_values(":before", AttributeValue::S(before.to_owned())),
        };
        let out = query.send().await.map_err(|e| classify("Query", e))?;
        if let Some(m) = &self.meter {
            m.add_page(out.items());
        }
        let items = out
            .items()
            .iter()
            .map(|item| {
                let sort = item.get_s(tweets::BOARD_SORT)?.to_owned();
                Ok((sort, BoardTweet::from_item(item)?))
            })
            .collect::<Result<Vec<_>, ItemError>>()
            .map_err(|e| e.during("Query"))?;
        let more = out.last_evaluated_key().is_some_and(|k| !k.is_empty());
        Ok((items, more))
    }

    /// A Query of one partition of the board index (the key condition is the caller's).
    fn partition_query(
        &self,
        partition: &str,
    ) -> aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder {
        self.client
            .query()
            .table_name(&self.table)
            .index_name(tweets::BOARD_INDEX)
            .expression_attribute_names("#p", tweets::BOARD_PARTITION)
            .expression_attribute_values(":p", AttributeValue::S(partition.to_owned()))
    }

    /// Counts the tweets in the index created from the first hour of a `hours`-hour
    /// window up to `now`, per hour, reading only `created_at` (billed as whole items:
    /// this reads every tweet of the window). What `tweetboard recount` rewrites the
    /// counters from; `on_page` is told the items of each page read (progress).
    pub async fn count_from_index(
        &self,
        hours: u32,
        now: DateTime<Utc>,
        on_page: &(dyn Fn(usize) + Sync),
    ) -> Result<Vec<StatsBucket>, ServiceError> {
        let mut counts = HourlyCounts::new(hours, now);
        let from = tweetboard_core::decode::format_time(counts.start());
        for prediction in [Prediction::On, Prediction::Off] {
            for shard in 0..BOARD_SHARDS {
                let mut start: Option<Item> = None;
                loop {
                    let page = self
                        .partition_query(&board_partition(prediction.as_str(), shard))
                        .key_condition_expression("#p = :p AND #s >= :from")
                        .expression_attribute_names("#s", tweets::BOARD_SORT)
                        .expression_attribute_values(":from", AttributeValue::S(from.clone()))
                        .expression_attribute_names("#c", tweets::CREATED_AT)
                        .projection_expression("#c")
                        .select(Select::SpecificAttributes)
                        .set_exclusive_start_key(start.take())
                        .send()
                        .await
                        .map_err(|e| classify("Query", e))?;
                    for item in page.items() {
                        counts.add(
                            prediction,
                            item.get_s(tweets::CREATED_AT).map_err(|e| e.during("Query"))?,
                        );
                    }
                    on_page(page.items().len());
                    match page.last_evaluated_key() {
                        Some(k) if !k.is_empty() => start = Some(k.clone()),
                        _ => break,
                    }
                }
            }
        }
        Ok(counts.into_buckets())
    }
}

/// The newest `limit` tweets of the shards' pages (each `(items newest first, more to
/// read)`), and whether more remain. A shard cut short before `limit` items (DynamoDB
/// stops a Query at 1 MB) still has unread tweets older than its last one, which may be
/// newer than other shards' items: the page then ends at that shard's last item, so that
/// the next page, strictly before the cursor, reads them instead of skipping them.
fn merge_shard_pages<T>(shards: Vec<(Vec<(String, T)>, bool)>, limit: usize) -> (Vec<(String, T)>, bool) {
    let mut more = false;
    let mut floor: Option<String> = None;
    let mut merged = Vec::new();
    for (items, shard_has_more) in shards {
        more |= shard_has_more;
        if shard_has_more && items.len() < limit {
            if let Some((last, _)) = items.last() {
                if floor.as_ref().is_none_or(|f| last > f) {
                    floor = Some(last.clone());
                }
            }
        }
        merged.extend(items);
    }
    merged.sort_by(|a, b| b.0.cmp(&a.0));
    if let Some(floor) = floor {
        merged.retain(|(sort, _)| *sort >= floor);
    }
    if merged.len() > limit {
        more = true;
        merged.truncate(limit);
    }
    (merged, more)
}

#[cfg(test)]
mod merge_tests {
    use super::merge_shard_pages;

    fn page(keys: &[&str], more: bool) -> (Vec<(String, ())>, bool) {
        (keys.iter().map(|k| (k.to_string(), ())).collect(), more)
    }

    fn keys(merged: &[(String, ())]) -> Vec<&str> {
        merged.iter().map(|(k, _)| k.as_str()).collect()
    }

    #[test]
    fn the_newest_of_all_shards_make_the_page() {
        let (merged, more) =
            merge_shard_pages(vec![page(&["9", "5", "1"], false), page(&["8", "7"], false)], 3);
        assert_eq!(keys(&merged), ["9", "8", "7"]);
        assert!(more);
    }

    #[test]
    fn a_shard_cut_short_by_the_response_limit_ends_the_page_at_its_last_tweet() {
        // GIVEN shard A stopped at 1 MB after two tweets (it has older ones: 6, 4, ...)
        let (merged, more) = merge_shard_pages(
            vec![page(&["9", "7"], true), page(&["8", "5", "3", "2"], false)],
            4,
        );
        // THEN the page stops at 7: the next one (before 7) reads A's 6 and B's 5 again
        assert_eq!(keys(&merged), ["9", "8", "7"]);
        assert!(more);
    }

    #[test]
    fn a_last_page_has_no_more() {
        let (merged, more) = merge_shard_pages(vec![page(&["2"], false), page(&[], false)], 4);
        assert_eq!(keys(&merged), ["2"]);
        assert!(!more);
    }
}

#[async_trait]
impl BoardQuery for BoardReader {
    /// [`BOARD_SHARDS`] Queries, run at once, each for at most `limit` tweets: the
    /// newest `limit` of their union are the page's, since no shard can hold more of
    /// them than `limit`.
    async fn newest(
        &self,
        prediction: Prediction,
        limit: usize,
        cursor: Option<&str>,
        _now: DateTime<Utc>,
    ) -> Result<Page, BoardError> {
        let before = match cursor {
            Some(raw) => Some(Cursor::decode(raw, prediction, &self.cursor_key)?.before),
            None => None,
        };
        let limit = limit.max(1);
        let shards = futures::future::try_join_all(
            (0..BOARD_SHARDS).map(|shard| self.shard_page(prediction, shard, before.as_deref(), limit)),
        )
        .await?;
        let (merged, more) = merge_shard_pages(shards, limit);
        let next = match merged.last() {
            Some((sort, _)) if more => Some(
                Cursor {
                    prediction: prediction.as_str().into(),
                    before: sort.clone(),
                }
                .encode(&self.cursor_key),
            ),
            _ => None,
        };
        Ok(Page {
            items: merged.into_iter().map(|(_, t)| t).collect(),
            next,
        })
    }

    /// From the counts table: one small Query per day of the window, whatever the
    /// traffic.
    async fn hourly_counts(&self, hours: u32, now: DateTime<Utc>) -> Result<Vec<StatsBucket>, ServiceError> {
        self.counts.hourly(hours, now).await
    }
}

/// A tweet of the board index; the attributes a tweet item leaves out when empty
/// (name, screen name, image) are empty strings.
impl FromItem for BoardTweet {
    fn from_item(item: &Item) -> Result<Self, ItemError> {
        let s = |name| item.get_s(name).map(str::to_owned);
        let optional = |name| item.opt_s(name).map(|v| v.unwrap_or_default().to_owned());
        let urls: Vec<(String, String)> = match item.get(tweets::URLS) {
            Some(AttributeValue::M(m)) => m
                .iter()
                .filter_map(|(k, v)| v.as_s().ok().map(|e| (k.clone(), e.clone())))
                .collect(),
            _ => Vec::new(),
        };
        // A retweet shows the retweeted tweet whole, by its author, "retweeted by" the
        // account that retweeted it.
        let (text, name, screen_name, image_url, retweeted_by) = match item.opt_s(tweets::RT_TEXT)? {
            Some(rt_text) => (
                rt_text.to_owned(),
                optional(tweets::RT_NAME)?,
                optional(tweets::RT_SCREEN_NAME)?,
                optional(tweets::RT_IMAGE_URL)?,
                Some(RetweetedBy {
                    name: optional(tweets::NAME)?,
                    screen_name: optional(tweets::SCREEN_NAME)?,
                }),
            ),
            None => (
                s(tweets::TEXT)?,
                optional(tweets::NAME)?,
                optional(tweets::SCREEN_NAME)?,
                optional(tweets::IMAGE_URL)?,
                None,
            ),
        };
        let text = shown_text(text);
        Ok(Self {
            tweet_id: s(tweets::TWEET_ID)?,
            segments: segments(&text, &urls),
            initials: initials(&name, &screen_name),
            text,
            name,
            screen_name,
            image_url,
            retweeted_by,
            prediction: s(tweets::PREDICTION)?,
            probability: item.get_n(tweets::PROBABILITY)?,
            created_at: s(tweets::CREATED_AT)?,
            followers: item.get_n(tweets::FOLLOWERS)?,
            retweets: item.get_n(tweets::RETWEETS)?,
            favourites: item.get_n(tweets::FAVOURITES)?,
            model_id: s(tweets::MODEL_ID)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "1859000000000000001";

    /// A tweet item as the consumer writes it, with no name (left out when empty).
    fn tweet_item() -> Item {
        use tweetboard_core::{Classification, InputRecord, RecordSource, StoredTweet, Tweet, TweetId};
        let mut tweet = Tweet::new(TweetId::parse(ID).unwrap(), "lambda & <b>");
        tweet.screen_name = "handle".into();
        tweet.followers = 12;
        tweet.created_at = Some("2026-11-26T10:00:00.000Z".into());
        let record = InputRecord {
            event_id: "shardId-000000000000:1".into(),
            sequence_number: "1".into(),
            partition_key: ID.into(),
            data: Default::default(),
            arrived_at: Utc::now(),
            source: RecordSource {
                stream_arn: "arn:aws:kinesis:us-east-1:1:stream/tweets".into(),
                shard_id: "shardId-000000000000".into(),
            },
        };
        let classification = Classification::from_score(0.1, 0.5, "tweetboard-lr-1");
        crate::dynamo::tweet_item(&StoredTweet::new(tweet, classification, &record, Utc::now()))
    }

    #[test]
    fn a_tweet_item_reads_back_as_the_board_shows_it() {
        // GIVEN a tweet item without a name or image (left out when empty)
        let item = tweet_item();
        assert!(!item.contains_key(tweets::NAME));

        // WHEN it is read back
        let t = BoardTweet::from_item(&item).unwrap();

        // THEN every attribute is there, and the ones left out are empty
        assert_eq!((t.tweet_id.as_str(), t.text.as_str()), (ID, "lambda & <b>"));
        assert_eq!(
            (t.name.as_str(), t.screen_name.as_str(), t.image_url.as_str()),
            ("", "handle", "")
        );
        assert_eq!(
            (t.prediction.as_str(), t.model_id.as_str()),
            ("ON", "tweetboard-lr-1")
        );
        assert_eq!(t.created_at, "2026-11-26T10:00:00.000Z");
        assert_eq!((t.followers, t.retweets, t.favourites), (12, 0, 0));
        assert_eq!(t.probability, 90.0);
    }

    #[test]
    fn a_corrupt_tweet_item_is_an_error_naming_the_attribute_not_a_default() {
        // GIVEN tweet items with a required attribute missing, of the wrong type, or a
        // count that is not a count
        let corrupt = |name: &str, value: Option<AttributeValue>| {
            let mut item = tweet_item();
            match value {
                Some(v) => item.insert(name.into(), v),
                None => item.remove(name),
            };
            (item, name.to_owned())
        };
        for (item, attribute) in [
            corrupt(tweets::TEXT, None),
            corrupt(tweets::CREATED_AT, None),
            corrupt(tweets::FOLLOWERS, Some(AttributeValue::N("-3".into()))),
            corrupt(tweets::PROBABILITY, Some(AttributeValue::S("0.9".into()))),
            corrupt(tweets::SCREEN_NAME, Some(AttributeValue::Bool(true))),
        ] {
            // WHEN it is read back
            let err = BoardTweet::from_item(&item).unwrap_err();

            // THEN the error names the attribute, and as a store error it is permanent
            assert_eq!(err.attribute(), attribute, "{err}");
            let store = err.during("Query");
            assert!(!store.is_transient());
            assert!(store.to_string().contains(&format!("`{attribute}`")), "{store}");
        }
    }
}
