//! The board's reads: newest-first pages of one prediction from the `board_by_time`
//! index, and ON/OFF counts per hour for the chart. Queries only; never a Scan, never a
//! write.
//!
//! The index is partitioned by `<prediction>#<day>` and sorted by
//! `<created_at>#<padded id>`, so a page walks day partitions from today backwards,
//! newest first within each. The cursor records where the walk stopped (the day and
//! the last key), so following `next` visits every matching tweet exactly once.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeValue, Select};
use aws_sdk_dynamodb::Client;
use base64::Engine;
use chrono::{DateTime, Duration, NaiveDate, Timelike, Utc};
use tweetboard_core::attributes as attr;
use tweetboard_core::stored::board_partition;
use tweetboard_core::{Prediction, StoreError};

use crate::errors::classify;

type Item = HashMap<String, AttributeValue>;

/// A tweet as the board shows it; field names are the table's attribute names.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BoardTweet {
    pub tweet_id: String,
    pub text: String,
    pub name: String,
    pub screen_name: String,
    pub image_url: String,
    pub prediction: String,
    pub probability: f64,
    pub created_at: String,
    pub followers: u64,
    pub retweets: u64,
    pub favourites: u64,
    pub model_id: String,
}

impl BoardTweet {
    fn from_item(item: &Item) -> Self {
        let s = |k: &str| {
            item.get(k)
                .and_then(|v| v.as_s().ok())
                .cloned()
                .unwrap_or_default()
        };
        let n = |k: &str| {
            item.get(k)
                .and_then(|v| v.as_n().ok())
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        Self {
            tweet_id: s(attr::TWEET_ID),
            text: s(attr::TEXT),
            name: s(attr::NAME),
            screen_name: s(attr::SCREEN_NAME),
            image_url: s(attr::IMAGE_URL),
            prediction: s(attr::PREDICTION),
            probability: n(attr::PROBABILITY),
            created_at: s(attr::CREATED_AT),
            followers: n(attr::FOLLOWERS) as u64,
            retweets: n(attr::RETWEETS) as u64,
            favourites: n(attr::FAVOURITES) as u64,
            model_id: s(attr::MODEL_ID),
        }
    }
}

/// One page and where the next one starts.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Page {
    pub items: Vec<BoardTweet>,
    pub next: Option<String>,
}

/// Where a walk stopped: a day, and within it the last key returned (if any).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Cursor {
    p: String,
    d: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    k: Option<(String, String)>,
}

/// The index partition of one prediction on one day.
fn day_partition(prediction: Prediction, day: NaiveDate) -> String {
    board_partition(prediction.as_str(), &day.format("%Y-%m-%d").to_string())
}

/// Why a cursor was refused: the caller gets a 400.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CursorError {
    #[error("the cursor is not one this board issued")]
    Malformed,
    #[error("the cursor belongs to prediction {0}, not to this query")]
    OtherPrediction(String),
}

impl Cursor {
    fn encode(&self) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(serde_json::to_vec(self).expect("serialisable"))
    }

    fn decode(raw: &str, prediction: Prediction) -> Result<Self, CursorError> {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(raw)
            .map_err(|_| CursorError::Malformed)?;
        let c: Cursor = serde_json::from_slice(&bytes).map_err(|_| CursorError::Malformed)?;
        if c.p != prediction.as_str() {
            return Err(CursorError::OtherPrediction(c.p));
        }
        Ok(c)
    }
}

/// One bar pair of the chart.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StatsBucket {
    /// Start of the hour, RFC 3339.
    pub start: String,
    pub on: u64,
    pub off: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum BoardError {
    #[error(transparent)]
    Cursor(#[from] CursorError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Reads the tweets table's board index.
#[derive(Clone)]
pub struct BoardReader {
    client: Client,
    table: String,
    /// How many days back a page may walk.
    lookback_days: i64,
}

impl BoardReader {
    pub fn new(client: Client, table: impl Into<String>, lookback_days: u32) -> Self {
        Self {
            client,
            table: table.into(),
            lookback_days: i64::from(lookback_days),
        }
    }

    /// The newest `limit` tweets of `prediction`, after `cursor` if given.
    pub async fn newest(
        &self,
        prediction: Prediction,
        limit: usize,
        cursor: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Page, BoardError> {
        let today = now.date_naive();
        let (mut day, mut last_key) = match cursor {
            Some(raw) => {
                let c = Cursor::decode(raw, prediction)?;
                (c.d, c.k)
            }
            None => (today, None),
        };
        let oldest = today - Duration::days(self.lookback_days);
        let mut items = Vec::with_capacity(limit);
        while items.len() < limit && day >= oldest {
            let partition = day_partition(prediction, day);
            let mut query = self
                .partition_query(&partition)
                .scan_index_forward(false)
                .limit((limit - items.len()) as i32);
            if let Some((tweet_id, sort)) = &last_key {
                query = query
                    .exclusive_start_key(attr::TWEET_ID, AttributeValue::S(tweet_id.clone()))
                    .exclusive_start_key(attr::BOARD_PARTITION, AttributeValue::S(partition.clone()))
                    .exclusive_start_key(attr::BOARD_SORT, AttributeValue::S(sort.clone()));
            }
            let out = query.send().await.map_err(|e| classify("Query", e))?;
            items.extend(out.items().iter().map(BoardTweet::from_item));
            let page_key = out.last_evaluated_key().filter(|k| !k.is_empty()).map(|k| {
                let s = |name: &str| {
                    k.get(name)
                        .and_then(|v| v.as_s().ok())
                        .cloned()
                        .unwrap_or_default()
                };
                (s(attr::TWEET_ID), s(attr::BOARD_SORT))
            });
            match page_key {
                Some(k) => last_key = Some(k),
                None => {
                    last_key = None;
                    day -= Duration::days(1);
                }
            }
        }
        let next = (items.len() >= limit && day >= oldest).then(|| {
            Cursor {
                p: prediction.as_str().into(),
                d: day,
                k: last_key,
            }
            .encode()
        });
        Ok(Page { items, next })
    }

    /// ON and OFF counts per hour for the last `hours` hours (oldest first).
    pub async fn hourly_counts(
        &self,
        hours: u32,
        now: DateTime<Utc>,
    ) -> Result<Vec<StatsBucket>, StoreError> {
        let end = now
            .with_minute(0)
            .and_then(|t| t.with_second(0))
            .and_then(|t| t.with_nanosecond(0))
            .unwrap_or(now);
        let start = end - Duration::hours(i64::from(hours) - 1);
        let mut buckets: Vec<StatsBucket> = (0..hours)
            .map(|h| StatsBucket {
                start: (start + Duration::hours(i64::from(h)))
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                on: 0,
                off: 0,
            })
            .collect();
        let mut day = start.date_naive();
        while day <= now.date_naive() {
            for prediction in [Prediction::On, Prediction::Off] {
                for created_at in self.created_times(prediction, day).await? {
                    let Ok(t) = DateTime::parse_from_rfc3339(&created_at) else {
                        continue;
                    };
                    let hour = (t.with_timezone(&Utc) - start).num_hours();
                    if let Some(b) = usize::try_from(hour).ok().and_then(|h| buckets.get_mut(h)) {
                        match prediction {
                            Prediction::On => b.on += 1,
                            Prediction::Off => b.off += 1,
                        }
                    }
                }
            }
            day += Duration::days(1);
        }
        Ok(buckets)
    }

    /// A Query of one partition of the board index.
    fn partition_query(
        &self,
        partition: &str,
    ) -> aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder {
        self.client
            .query()
            .table_name(&self.table)
            .index_name(attr::BOARD_INDEX)
            .key_condition_expression("#p = :p")
            .expression_attribute_names("#p", attr::BOARD_PARTITION)
            .expression_attribute_values(":p", AttributeValue::S(partition.to_owned()))
    }

    /// `created_at` of every tweet in one day partition (only that attribute is read).
    async fn created_times(&self, prediction: Prediction, day: NaiveDate) -> Result<Vec<String>, StoreError> {
        let partition = day_partition(prediction, day);
        let mut out = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let page = self
                .partition_query(&partition)
                .expression_attribute_names("#c", attr::CREATED_AT)
                .projection_expression("#c")
                .select(Select::SpecificAttributes)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| classify("Query", e))?;
            out.extend(
                page.items()
                    .iter()
                    .filter_map(|i| i.get(attr::CREATED_AT).and_then(|v| v.as_s().ok()).cloned()),
            );
            match page.last_evaluated_key() {
                Some(k) if !k.is_empty() => start = Some(k.clone()),
                _ => break,
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_are_checked() {
        let c = Cursor {
            p: "ON".into(),
            d: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
            k: Some(("1".into(), "s".into())),
        };
        assert_eq!(Cursor::decode(&c.encode(), Prediction::On).unwrap(), c);
        assert_eq!(
            Cursor::decode(&c.encode(), Prediction::Off).unwrap_err(),
            CursorError::OtherPrediction("ON".into())
        );
        assert_eq!(
            Cursor::decode("!!!", Prediction::On).unwrap_err(),
            CursorError::Malformed
        );
        assert_eq!(
            Cursor::decode("e30", Prediction::On).unwrap_err(),
            CursorError::Malformed
        );
    }
}
