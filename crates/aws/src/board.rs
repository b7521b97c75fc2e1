//! The board's reads: newest-first pages of one prediction from the `board_by_time`
//! index, and ON/OFF counts per hour for the chart, as the [`BoardQuery`] port. Queries
//! only; never a Scan, never a write.
//!
//! The index is partitioned by `<prediction>#<day>` and sorted by
//! `<created_at>#<padded id>`, so a page walks day partitions from today backwards,
//! newest first within each. The cursor records where the walk stopped (the day and
//! the last key), so following `next` visits every matching tweet exactly once.
//!
//! A cursor comes back from the client, so nothing in it is trusted: it is signed
//! (HMAC-SHA256 with the board's [`CursorKey`]), its day may not be in the future, and
//! its key must belong to its day and prediction. Whatever it says, one page runs at most
//! [`MAX_QUERIES_PER_PAGE`] Queries; a walk cut short returns what it found and a `next`
//! cursor where it stopped. The cursor is this adapter's own: it holds DynamoDB's
//! position in the index, so its signing lives here and only its errors are the
//! domain's ([`CursorError`]).
//!
//! Over 400 lines because about 200 of them are its unit tests (the cursor's checks and
//! the item mapping), which belong beside the code they pin down.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, Select};
use aws_sdk_dynamodb::Client;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use tweetboard_core::attributes::tweets;
use tweetboard_core::board::shown_text;
use tweetboard_core::board::{BoardError, BoardTweet, CursorError, HourlyCounts, Page, StatsBucket};
use tweetboard_core::ports::BoardQuery;
use tweetboard_core::stored::board_partition;
use tweetboard_core::{Prediction, ServiceError};

use crate::errors::classify;
use crate::item::{FromItem, Item, ItemError, ItemExt};

/// The most DynamoDB Queries one page may run, whatever its cursor or the lookback. A
/// Query of an empty day partition costs a round trip, so without a bound a page of a
/// quiet board with a long lookback (up to 3661 days) would hold its Lambda for thousands
/// of them.
pub const MAX_QUERIES_PER_PAGE: usize = 64;

/// The most Query pages one request for the chart's counts reads (each reads up to
/// 1 MB of the index); past it the counts are partial and a warning is logged. The
/// counts only read the window's part of each day partition.
pub const MAX_QUERIES_PER_CHART: usize = 64;

/// The secret that signs cursors (HMAC-SHA256), so a client can only send back a
/// cursor this board issued. From `BOARD_CURSOR_KEY`, or random per process (see
/// [`crate::config::BoardConfig`]).
#[derive(Clone)]
pub struct CursorKey(Vec<u8>);

impl CursorKey {
    /// The shortest secret accepted from the environment.
    pub const MIN_SECRET_LEN: usize = 32;

    /// A key from a configured secret.
    pub fn from_secret(secret: impl AsRef<[u8]>) -> Self {
        Self(secret.as_ref().to_vec())
    }

    /// A fresh random key: cursors signed with it are refused by every other process.
    pub fn random() -> Self {
        let mut bytes = vec![0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(bytes)
    }

    fn mac(&self, payload: &[u8]) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(payload);
        mac
    }
}

/// Never prints the secret.
impl std::fmt::Debug for CursorKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CursorKey(..)")
    }
}

/// Where a walk stopped: a day, and within it the last key returned (if any). On the
/// wire: `<base64url JSON>.<base64url HMAC-SHA256 of the first part>`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Cursor {
    /// The prediction the walk lists, `ON` or `OFF`.
    #[serde(rename = "p")]
    pub prediction: String,
    /// The day partition the next page starts in.
    #[serde(rename = "d")]
    pub day: NaiveDate,
    /// The last key returned in that day, `(tweet_id, board_sort)`; none to start at
    /// the day's newest tweet.
    #[serde(rename = "k", default, skip_serializing_if = "Option::is_none")]
    pub last_key: Option<(String, String)>,
}

/// The index partition of one prediction on one day.
fn day_partition(prediction: Prediction, day: NaiveDate) -> String {
    board_partition(prediction.as_str(), &day.format("%Y-%m-%d").to_string())
}

impl Cursor {
    /// The signed wire form.
    pub fn encode(&self, key: &CursorKey) -> String {
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).expect("serialisable"));
        let tag = URL_SAFE_NO_PAD.encode(key.mac(payload.as_bytes()).finalize().into_bytes());
        format!("{payload}.{tag}")
    }

    /// Checks the signature, then that the cursor is of `prediction`, not after `today`,
    /// and that its key is a tweet of its own day and prediction.
    pub fn decode(
        raw: &str,
        prediction: Prediction,
        key: &CursorKey,
        today: NaiveDate,
    ) -> Result<Self, CursorError> {
        let (payload, tag) = raw.split_once('.').ok_or(CursorError::Malformed)?;
        let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| CursorError::Malformed)?;
        key.mac(payload.as_bytes())
            .verify_slice(&tag)
            .map_err(|_| CursorError::Malformed)?;
        let bytes = URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| CursorError::Malformed)?;
        let c: Cursor = serde_json::from_slice(&bytes).map_err(|_| CursorError::Malformed)?;
        if c.prediction != prediction.as_str() {
            return Err(CursorError::OtherPrediction(c.prediction));
        }
        if c.day > today {
            return Err(CursorError::FutureDay(c.day));
        }
        if let Some((tweet_id, sort)) = &c.last_key {
            if !key_is_of_day(tweet_id, sort, c.day) {
                return Err(CursorError::KeyOutsideDay);
            }
        }
        Ok(c)
    }
}

/// Whether `(tweet_id, board_sort)` can be a key of `day`'s partition: the sort key is
/// `<created_at RFC 3339>#<20-digit zero-padded id>`, its date is the day (the partition
/// takes the first ten characters of `created_at`) and its id is the tweet's.
fn key_is_of_day(tweet_id: &str, sort: &str, day: NaiveDate) -> bool {
    let Some((created_at, padded_id)) = sort.rsplit_once('#') else {
        return false;
    };
    let id_ok = (1..=20).contains(&tweet_id.len())
        && tweet_id.bytes().all(|b| b.is_ascii_digit())
        && padded_id == format!("{tweet_id:0>20}");
    id_ok
        && DateTime::parse_from_rfc3339(created_at).is_ok()
        && created_at.get(..10) == Some(day.format("%Y-%m-%d").to_string().as_str())
}

/// Reads the tweets table's board index.
#[derive(Clone)]
pub struct BoardReader {
    client: Client,
    table: String,
    /// How many days back a page may walk.
    lookback_days: i64,
    /// Signs the cursors this reader issues and checks the ones it is given.
    cursor_key: CursorKey,
    max_queries_per_page: usize,
}

impl BoardReader {
    pub fn new(client: Client, table: impl Into<String>, lookback_days: u32, cursor_key: CursorKey) -> Self {
        Self {
            client,
            table: table.into(),
            lookback_days: i64::from(lookback_days),
            cursor_key,
            max_queries_per_page: MAX_QUERIES_PER_PAGE,
        }
    }

    /// Lowers the bound on Queries per page from [`MAX_QUERIES_PER_PAGE`] (at least 1), so
    /// tests can cut walks short on a small table.
    pub fn with_max_queries_per_page(mut self, max: usize) -> Self {
        self.max_queries_per_page = max.clamp(1, MAX_QUERIES_PER_PAGE);
        self
    }
}

#[async_trait]
impl BoardQuery for BoardReader {
    /// Runs at most the Query bound; a page cut short by it may hold fewer than `limit`
    /// tweets (even none) and still have a `next`.
    async fn newest(
        &self,
        prediction: Prediction,
        limit: usize,
        cursor: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Page, BoardError> {
        let today = now.date_naive();
        let (mut day, mut last_key) = match cursor {
            Some(raw) => {
                let c = Cursor::decode(raw, prediction, &self.cursor_key, today)?;
                (c.day, c.last_key)
            }
            None => (today, None),
        };
        let oldest = today - Duration::days(self.lookback_days);
        let mut items = Vec::with_capacity(limit);
        let mut queries = 0;
        while items.len() < limit && day >= oldest && queries < self.max_queries_per_page {
            queries += 1;
            let partition = day_partition(prediction, day);
            let mut query = self
                .partition_query(&partition, None)
                .scan_index_forward(false)
                .limit((limit - items.len()) as i32);
            if let Some((tweet_id, sort)) = &last_key {
                query = query
                    .exclusive_start_key(tweets::TWEET_ID, AttributeValue::S(tweet_id.clone()))
                    .exclusive_start_key(tweets::BOARD_PARTITION, AttributeValue::S(partition.clone()))
                    .exclusive_start_key(tweets::BOARD_SORT, AttributeValue::S(sort.clone()));
            }
            let out = query.send().await.map_err(|e| classify("Query", e))?;
            for item in out.items() {
                items.push(BoardTweet::from_item(item).map_err(|e| e.during("Query"))?);
            }
            let page_key = match out.last_evaluated_key().filter(|k| !k.is_empty()) {
                Some(k) => Some(page_key(k).map_err(|e| e.during("Query"))?),
                None => None,
            };
            match page_key {
                Some(k) => last_key = Some(k),
                None => {
                    last_key = None;
                    day -= Duration::days(1);
                }
            }
        }
        // The walk stopped with days left: the page is full or the Query bound was reached.
        let next = (day >= oldest).then(|| {
            Cursor {
                prediction: prediction.as_str().into(),
                day,
                last_key,
            }
            .encode(&self.cursor_key)
        });
        Ok(Page { items, next })
    }

    async fn hourly_counts(&self, hours: u32, now: DateTime<Utc>) -> Result<Vec<StatsBucket>, ServiceError> {
        let mut counts = HourlyCounts::new(hours, now);
        let mut budget = MAX_QUERIES_PER_CHART;
        let mut day = counts.start().date_naive();
        while day <= now.date_naive() {
            for prediction in [Prediction::On, Prediction::Off] {
                self.count_day(prediction, day, &mut counts, &mut budget).await?;
            }
            day += Duration::days(1);
        }
        if budget == 0 {
            tracing::warn!(
                event = "chart_counts_capped",
                queries = MAX_QUERIES_PER_CHART,
                "the chart's window holds more tweets than one request reads; its counts are partial"
            );
        }
        Ok(counts.into_buckets())
    }
}

impl BoardReader {
    /// Counts one day partition's tweets from the chart's first hour on (the sort key
    /// starts with `created_at`, so the rest of the day is not read), reading only
    /// `created_at`, in at most `budget` Query pages.
    async fn count_day(
        &self,
        prediction: Prediction,
        day: NaiveDate,
        counts: &mut HourlyCounts,
        budget: &mut usize,
    ) -> Result<(), ServiceError> {
        // The stored times are RFC 3339 with milliseconds (`format_time`): so is the bound.
        let from = tweetboard_core::decode::format_time(counts.start());
        let mut start: Option<Item> = None;
        while *budget > 0 {
            *budget -= 1;
            let page = self
                .partition_query(&day_partition(prediction, day), Some(&from))
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
            match page.last_evaluated_key() {
                Some(k) if !k.is_empty() => start = Some(k.clone()),
                _ => break,
            }
        }
        Ok(())
    }

    /// A Query of one partition of the board index.
    /// `sort_from` keeps only the keys at or after it (the sort key starts with
    /// `created_at`, so a time is a lower bound on creation).
    fn partition_query(
        &self,
        partition: &str,
        sort_from: Option<&str>,
    ) -> aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(tweets::BOARD_INDEX)
            .expression_attribute_names("#p", tweets::BOARD_PARTITION)
            .expression_attribute_values(":p", AttributeValue::S(partition.to_owned()));
        match sort_from {
            None => query.key_condition_expression("#p = :p"),
            Some(from) => query
                .key_condition_expression("#p = :p AND #s >= :from")
                .expression_attribute_names("#s", tweets::BOARD_SORT)
                .expression_attribute_values(":from", AttributeValue::S(from.to_owned())),
        }
    }
}

/// The key a Query stopped at, as a cursor keeps it: `(tweet_id, board_sort)`.
fn page_key(key: &Item) -> Result<(String, String), ItemError> {
    Ok((
        key.get_s(tweets::TWEET_ID)?.to_owned(),
        key.get_s(tweets::BOARD_SORT)?.to_owned(),
    ))
}

/// A tweet of the board index; the attributes a tweet item leaves out when empty
/// (name, screen name, image) are empty strings.
impl FromItem for BoardTweet {
    fn from_item(item: &Item) -> Result<Self, ItemError> {
        let s = |name| item.get_s(name).map(str::to_owned);
        let optional = |name| item.opt_s(name).map(|v| v.unwrap_or_default().to_owned());
        Ok(Self {
            tweet_id: s(tweets::TWEET_ID)?,
            text: shown_text(s(tweets::TEXT)?),
            name: optional(tweets::NAME)?,
            screen_name: optional(tweets::SCREEN_NAME)?,
            image_url: optional(tweets::IMAGE_URL)?,
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

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    const TODAY: &str = "2026-11-26";
    const ID: &str = "1859000000000000001";

    fn cursor_at(d: &str, key: Option<(&str, String)>) -> Cursor {
        Cursor {
            prediction: "ON".into(),
            day: day(d),
            last_key: key.map(|(id, sort)| (id.to_owned(), sort)),
        }
    }

    fn sort_key(created_at: &str, id: &str) -> String {
        format!("{created_at}#{id:0>20}")
    }

    #[test]
    fn a_cursor_round_trips_with_the_key_that_signed_it() {
        // GIVEN a cursor in the middle of a day, signed
        let key = CursorKey::from_secret("k".repeat(32));
        let c = cursor_at(TODAY, Some((ID, sort_key("2026-11-26T10:00:00.000Z", ID))));

        // WHEN it comes back
        let decoded = Cursor::decode(&c.encode(&key), Prediction::On, &key, day(TODAY));

        // THEN it is the same cursor
        assert_eq!(decoded, Ok(c));
    }

    #[test]
    fn a_cursor_of_the_other_prediction_is_refused() {
        let key = CursorKey::random();
        let c = cursor_at(TODAY, None);

        let decoded = Cursor::decode(&c.encode(&key), Prediction::Off, &key, day(TODAY));

        assert_eq!(decoded, Err(CursorError::OtherPrediction("ON".into())));
    }

    #[test]
    fn an_unsigned_tampered_or_foreign_cursor_is_refused() {
        // GIVEN a signed cursor, and the same payload unsigned, altered, or signed by
        // another process's random key
        let key = CursorKey::random();
        let signed = cursor_at("2026-11-20", None).encode(&key);
        let (payload, tag) = signed.split_once('.').unwrap();
        let later = URL_SAFE_NO_PAD.encode(br#"{"p":"ON","d":"2026-11-25"}"#);
        let foreign = cursor_at("2026-11-20", None).encode(&CursorKey::random());

        for raw in [
            payload.to_owned(),
            format!("{later}.{tag}"),
            format!("{payload}.{}", &tag[1..]),
            foreign,
            "!!!".to_owned(),
            "e30".to_owned(),
            String::new(),
        ] {
            // WHEN each comes back
            let decoded = Cursor::decode(&raw, Prediction::On, &key, day(TODAY));

            // THEN it is not one this board issued
            assert_eq!(decoded, Err(CursorError::Malformed), "{raw:?}");
        }
    }

    #[test]
    fn a_signed_cursor_for_a_day_after_today_is_refused() {
        // GIVEN a correctly signed cursor for the last day of year 9999, and one for tomorrow
        let key = CursorKey::random();
        for d in ["9999-12-31", "2026-11-27"] {
            // WHEN it comes back today
            let decoded = Cursor::decode(&cursor_at(d, None).encode(&key), Prediction::On, &key, day(TODAY));

            // THEN it is refused: a walk from there would Query every day back to today
            assert_eq!(decoded, Err(CursorError::FutureDay(day(d))));
        }
    }

    #[test]
    fn a_signed_cursor_whose_key_is_not_of_its_day_is_refused() {
        // GIVEN correctly signed cursors whose key is of another day, of another tweet, or
        // not a board sort key at all
        let key = CursorKey::random();
        let other_id = "1859000000000000002";
        for (id, sort) in [
            (ID, sort_key("2026-11-25T23:59:59.000Z", ID)),
            (ID, sort_key("2026-11-26T10:00:00.000Z", other_id)),
            (ID, format!("2026-11-26T10:00:00.000Z#{ID}")),
            ("", sort_key("2026-11-26T10:00:00.000Z", "")),
            ("18x9", sort_key("2026-11-26T10:00:00.000Z", "18x9")),
            (ID, sort_key("2026-11-26-not-a-time", ID)),
            (ID, "2026-11-26T10:00:00.000Z".to_owned()),
        ] {
            let c = cursor_at(TODAY, Some((id, sort.clone())));

            // WHEN it comes back
            let decoded = Cursor::decode(&c.encode(&key), Prediction::On, &key, day(TODAY));

            // THEN it is refused
            assert_eq!(decoded, Err(CursorError::KeyOutsideDay), "{id} {sort}");
        }
    }

    #[test]
    fn a_key_whose_time_has_an_offset_belongs_to_the_day_it_names() {
        // GIVEN a tweet whose created_at kept its offset: the partition took its first ten
        // characters, as board_partition does
        let sort = sort_key("2026-11-26T23:30:00-05:00", ID);

        // THEN its key belongs to that day and to no other
        assert!(key_is_of_day(ID, &sort, day("2026-11-26")));
        assert!(!key_is_of_day(ID, &sort, day("2026-11-27")));
    }

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
            data: Vec::new(),
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

    #[test]
    fn the_cursor_key_is_never_printed() {
        let key = CursorKey::from_secret("a-secret-that-must-not-be-logged-ever");

        assert_eq!(format!("{key:?}"), "CursorKey(..)");
    }
}
