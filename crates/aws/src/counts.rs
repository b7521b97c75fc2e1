//! The counts table: ON/OFF tweets per hour of their `created_at`, for the board's chart.
//!
//! After each batch the consumer adds the tweets it newly stored to their hours'
//! counters (one `ADD` per hour the batch touched, so concurrent batches add up; a
//! redelivery stores nothing new, so it adds nothing). The board reads one Query per day of the chart's
//! window, each returning at most 24 small items, so a chart request costs the same read
//! units at ten tweets an hour as at ten thousand. The counters are approximate both ways:
//! a crash between the puts and the `ADD` under-counts by the batch's new tweets, and an
//! `ADD` whose response is lost (applied, then a timeout or a dropped connection) is
//! retried by the SDK and applied again, over-counting by the same tweets, since an `ADD`
//! is not idempotent. `tweetboard recount` repairs both: it rewrites the counters of the
//! last hours from the board index.
//!
//! A table of its own, not items in the tweets table: every scan and count of the tweets
//! table (tests, `make run`, replay checks) would otherwise have to tell them apart.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::Client;
use chrono::{DateTime, Duration, Utc};
use tweetboard_core::attributes::counts;
use tweetboard_core::board::{HourlyCounts, StatsBucket};
use tweetboard_core::stored::{counted_hour, HourCount};
use tweetboard_core::ServiceError;

use crate::errors::classify;
use crate::item::{Item, ItemExt};

/// What reads cost, summed over requests: the number of requests and items, and the
/// read units DynamoDB bills for them, computed from the items' sizes (eventually
/// consistent: half a unit per 4 KB a request reads, at least half a unit per request).
/// Computed, not taken from `ConsumedCapacity`: the emulator reports a fixed figure.
#[derive(Debug, Default)]
pub struct ReadMeter {
    requests: AtomicU64,
    items: AtomicU64,
    half_units: AtomicU64,
}

impl ReadMeter {
    /// Counts one Query or Scan response page of `items`.
    pub fn add_page(&self, items: &[Item]) {
        let bytes: usize = items.iter().map(item_size).sum();
        let blocks = bytes.div_ceil(4096).max(1) as u64;
        self.requests.fetch_add(1, Ordering::Relaxed);
        self.items.fetch_add(items.len() as u64, Ordering::Relaxed);
        self.half_units.fetch_add(blocks, Ordering::Relaxed);
    }

    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    pub fn items(&self) -> u64 {
        self.items.load(Ordering::Relaxed)
    }

    pub fn read_units(&self) -> f64 {
        self.half_units.load(Ordering::Relaxed) as f64 / 2.0
    }
}

/// DynamoDB's size of an item: attribute names plus values (a number counts about one
/// byte per two digits plus one). Whatever a projection returns, a Query is billed for
/// the whole item, so callers pass whole items.
pub fn item_size(item: &Item) -> usize {
    item.iter().map(|(k, v)| k.len() + value_size(v)).sum()
}

fn value_size(v: &AttributeValue) -> usize {
    match v {
        AttributeValue::S(s) => s.len(),
        AttributeValue::N(n) => n.len().div_ceil(2) + 1,
        AttributeValue::B(b) => b.as_ref().len(),
        AttributeValue::Bool(_) | AttributeValue::Null(_) => 1,
        AttributeValue::L(l) => 3 + l.iter().map(|v| 1 + value_size(v)).sum::<usize>(),
        AttributeValue::M(m) => 3 + m.iter().map(|(k, v)| 1 + k.len() + value_size(v)).sum::<usize>(),
        AttributeValue::Ss(s) => s.iter().map(String::len).sum(),
        AttributeValue::Ns(s) => s.iter().map(|n| n.len().div_ceil(2) + 1).sum(),
        AttributeValue::Bs(s) => s.iter().map(|b| b.as_ref().len()).sum(),
        _ => 0,
    }
}

/// The counts table.
#[derive(Clone)]
pub struct CountsTable {
    client: Client,
    table: String,
    meter: Option<Arc<ReadMeter>>,
}

impl CountsTable {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
            meter: None,
        }
    }

    /// Sums what this table's reads cost in `meter` (benchmarks, tests).
    pub fn with_meter(mut self, meter: Arc<ReadMeter>) -> Self {
        self.meter = Some(meter);
        self
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    fn key(day: &str, hour: &str) -> Item {
        Item::from([
            (counts::DAY.to_owned(), AttributeValue::S(day.to_owned())),
            (counts::HOUR.to_owned(), AttributeValue::S(hour.to_owned())),
        ])
    }

    /// Adds what a batch newly stored in one hour to that hour's counters: one `ADD`
    /// of both numbers, so concurrent batches add up.
    pub async fn add(&self, hour: &HourCount) -> Result<(), ServiceError> {
        let day = hour.hour.get(..10).unwrap_or(&hour.hour);
        self.client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(Self::key(day, &hour.hour)))
            .update_expression("ADD #on :on, #off :off")
            .expression_attribute_names("#on", counts::ON)
            .expression_attribute_names("#off", counts::OFF)
            .expression_attribute_values(":on", AttributeValue::N(hour.on.to_string()))
            .expression_attribute_values(":off", AttributeValue::N(hour.off.to_string()))
            .send()
            .await
            .map_err(|e| classify("UpdateItem", e))?;
        Ok(())
    }

    /// Sets an hour's counters (`tweetboard recount`), whatever they were.
    pub async fn set(&self, hour_start: DateTime<Utc>, on: u64, off: u64) -> Result<(), ServiceError> {
        let stamp = tweetboard_core::decode::format_time(hour_start);
        let (day, hour) = counted_hour(&stamp);
        let mut item = Self::key(day, hour);
        item.insert(counts::ON.into(), AttributeValue::N(on.to_string()));
        item.insert(counts::OFF.into(), AttributeValue::N(off.to_string()));
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .send()
            .await
            .map_err(|e| classify("PutItem", e))?;
        Ok(())
    }

    /// ON and OFF per hour for the last `hours` hours up to `now`: one Query per day of
    /// the window (the hours from the window's first on), each at most 24 items.
    pub async fn hourly(&self, hours: u32, now: DateTime<Utc>) -> Result<Vec<StatsBucket>, ServiceError> {
        let mut buckets = HourlyCounts::new(hours, now);
        let from = tweetboard_core::decode::format_time(buckets.start());
        let (_, from_hour) = counted_hour(&from);
        let from_hour = from_hour.to_owned();
        let mut day = buckets.start().date_naive();
        while day <= now.date_naive() {
            let mut start: Option<Item> = None;
            // A day holds at most 24 small items (well under 1 MB): one page, but follow
            // the key anyway rather than assume it.
            loop {
                let out = self
                    .client
                    .query()
                    .table_name(&self.table)
                    .key_condition_expression("#d = :d AND #h >= :from")
                    .expression_attribute_names("#d", counts::DAY)
                    .expression_attribute_names("#h", counts::HOUR)
                    .expression_attribute_values(":d", AttributeValue::S(day.format("%Y-%m-%d").to_string()))
                    .expression_attribute_values(":from", AttributeValue::S(from_hour.clone()))
                    .set_exclusive_start_key(start.take())
                    .send()
                    .await
                    .map_err(|e| classify("Query", e))?;
                if let Some(m) = &self.meter {
                    m.add_page(out.items());
                }
                for item in out.items() {
                    let hour = item.get_s(counts::HOUR).map_err(|e| e.during("Query"))?;
                    let on = item.opt_n::<u64>(counts::ON).map_err(|e| e.during("Query"))?;
                    let off = item.opt_n::<u64>(counts::OFF).map_err(|e| e.during("Query"))?;
                    buckets.add_hour(hour, on.unwrap_or(0), off.unwrap_or(0));
                }
                match out.last_evaluated_key() {
                    Some(k) if !k.is_empty() => start = Some(k.clone()),
                    _ => break,
                }
            }
            day += Duration::days(1);
        }
        Ok(buckets.into_buckets())
    }
}

/// Rewrites the counters of the last `hours` hours up to `now` from the board index
/// (`tweetboard recount`): counts the stored tweets of each hour (reading every tweet of
/// the window once), then sets each hour's counters to them. Repairs the under-count a
/// crash between a put and its `ADD` leaves. Tweets the consumer stores while it runs
/// may be missed or counted twice in the hour they land in; run it again once the
/// stream is quiet, or for hours that are over. Returns the counts written.
pub async fn recount(
    index: &crate::board::BoardReader,
    counts: &CountsTable,
    hours: u32,
    now: DateTime<Utc>,
    on_page: &(dyn Fn(usize) + Sync),
) -> Result<Vec<StatsBucket>, ServiceError> {
    let buckets = index.count_from_index(hours, now, on_page).await?;
    for b in &buckets {
        let start = DateTime::parse_from_rfc3339(&b.start)
            .map_err(|e| ServiceError::permanent("recount", format!("bucket start {}: {e}", b.start)))?
            .with_timezone(&Utc);
        counts.set(start, b.on, b.off).await?;
    }
    Ok(buckets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_items_size_is_its_names_and_values() {
        let item = Item::from([
            ("day".to_owned(), AttributeValue::S("2026-11-26".into())),
            ("on".to_owned(), AttributeValue::N("1234".into())),
        ]);
        assert_eq!(item_size(&item), 3 + 10 + 2 + 3);
    }

    #[test]
    fn a_request_costs_half_a_unit_per_started_4_kb() {
        let meter = ReadMeter::default();
        let big = Item::from([("t".to_owned(), AttributeValue::S("x".repeat(5000)))]);
        meter.add_page(&[]);
        meter.add_page(&[big.clone(), big]);
        assert_eq!((meter.requests(), meter.items()), (2, 2));
        assert_eq!(meter.read_units(), 0.5 + 1.5);
    }
}
