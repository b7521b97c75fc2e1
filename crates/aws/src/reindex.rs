//! Moves tweets stored under an older board key design onto the current one, so that an
//! upgraded board shows them. Tables written before the board's fixed shards have
//! `board_partition = ON#<day>`; the board now reads `ON#0` .. `ON#3`
//! ([`tweetboard_core::stored::board_partition`]), and would show only tweets written
//! after the upgrade. What `tweetboard reindex` runs.

use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::Client;
use tweetboard_core::attributes::tweets;
use tweetboard_core::stored::{board_partition, board_shard};
use tweetboard_core::ServiceError;

use crate::errors::{classify, conditional_write};
use crate::item::Item;

/// What one pass did.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReindexReport {
    /// Items the Scan read.
    pub scanned: u64,
    /// Items moved to their current board partition.
    pub moved: u64,
    /// Items already in their current partition.
    pub current: u64,
    /// Items whose partition changed between the Scan and the update (another writer
    /// got there first): left as they are; a second pass moves them if they need it.
    pub changed_meanwhile: u64,
    /// Items without a board partition or prediction (not tweets of the board).
    pub skipped: u64,
}

/// The partition `item` belongs in now, and the one it is in; `None` when it is not a
/// board tweet.
fn partitions(item: &Item) -> Option<(String, String)> {
    let s = |name: &str| match item.get(name) {
        Some(AttributeValue::S(v)) => Some(v.as_str()),
        _ => None,
    };
    let id = s(tweets::TWEET_ID)?;
    let current = s(tweets::BOARD_PARTITION)?;
    let prediction = s(tweets::PREDICTION)?;
    Some((board_partition(prediction, board_shard(id)), current.to_owned()))
}

/// Scans `table` (only the three attributes it needs) and moves every tweet whose
/// `board_partition` is not the current design's, each with a conditional `UpdateItem`
/// (`board_partition` still what was read), so a concurrent writer is never overwritten.
/// Safe to run while the consumer writes (it writes the current design) and to run
/// again (a second pass moves nothing). `on_page` is told the report after each page.
pub async fn reindex_board(
    client: &Client,
    table: &str,
    on_page: &(dyn Fn(&ReindexReport) + Sync),
) -> Result<ReindexReport, ServiceError> {
    let mut report = ReindexReport::default();
    let mut start: Option<Item> = None;
    loop {
        let page = client
            .scan()
            .table_name(table)
            .projection_expression("#id, #p, #pred")
            .expression_attribute_names("#id", tweets::TWEET_ID)
            .expression_attribute_names("#p", tweets::BOARD_PARTITION)
            .expression_attribute_names("#pred", tweets::PREDICTION)
            .set_exclusive_start_key(start.take())
            .send()
            .await
            .map_err(|e| classify("Scan", e))?;
        for item in page.items() {
            report.scanned += 1;
            let Some((wanted, current)) = partitions(item) else {
                report.skipped += 1;
                continue;
            };
            if wanted == current {
                report.current += 1;
                continue;
            }
            let moved = client
                .update_item()
                .table_name(table)
                .key(tweets::TWEET_ID, item[tweets::TWEET_ID].clone())
                .update_expression("SET #p = :wanted")
                .condition_expression("#p = :current")
                .expression_attribute_names("#p", tweets::BOARD_PARTITION)
                .expression_attribute_values(":wanted", AttributeValue::S(wanted))
                .expression_attribute_values(":current", AttributeValue::S(current))
                .send()
                .await;
            if conditional_write("UpdateItem", moved)? {
                report.moved += 1;
            } else {
                report.changed_meanwhile += 1;
            }
        }
        on_page(&report);
        match page.last_evaluated_key() {
            Some(k) if !k.is_empty() => start = Some(k.clone()),
            _ => return Ok(report),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(pairs: &[(&str, &str)]) -> Item {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), AttributeValue::S(v.to_string())))
            .collect()
    }

    #[test]
    fn an_old_day_partition_moves_to_the_tweets_shard_and_a_current_one_stays() {
        let id = "1861234567890123456";
        let shard = board_shard(id);
        let old = item(&[
            (tweets::TWEET_ID, id),
            (tweets::PREDICTION, "ON"),
            (tweets::BOARD_PARTITION, "ON#2025-11-26"),
        ]);
        assert_eq!(
            partitions(&old),
            Some((format!("ON#{shard}"), "ON#2025-11-26".to_owned()))
        );
        let current = item(&[
            (tweets::TWEET_ID, id),
            (tweets::PREDICTION, "ON"),
            (tweets::BOARD_PARTITION, &format!("ON#{shard}")),
        ]);
        let (wanted, now) = partitions(&current).unwrap();
        assert_eq!(wanted, now);
        assert_eq!(partitions(&item(&[(tweets::TWEET_ID, id)])), None);
    }
}
