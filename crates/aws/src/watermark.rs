//! The poll watermark in DynamoDB: one item per query, moved forward only, by a
//! conditional `UpdateItem` that compares the ids' order keys (length-prefixed digits,
//! so the byte order is the numeric order for ids of any length). Two runs that
//! overlap cannot move it backwards: the later write of an older id fails its
//! condition and is reported as "not advanced".
//!
//! The same item holds a backlog's resume point (`pending_until`, its order key, and
//! `pending_newest`), written only while the watermark is the one the run read and
//! only further down than the stored one, and removed whenever the watermark moves.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::Client;
use chrono::Utc;
use std::collections::HashMap;
use tweetboard_core::attributes::watermarks;
use tweetboard_core::decode::format_time;

use tweetboard_core::poll::{Pending, SinceId, WatermarkStore};
use tweetboard_core::ServiceError;

use crate::errors::{classify, conditional_write};

#[derive(Clone, Debug)]
pub struct DynamoWatermarks {
    client: Client,
    table: String,
}

impl DynamoWatermarks {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }
}

impl DynamoWatermarks {
    async fn item(&self, query: &str) -> Result<Option<HashMap<String, AttributeValue>>, ServiceError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(watermarks::QUERY, AttributeValue::S(query.to_owned()))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| classify("GetItem", e))?;
        Ok(out.item)
    }
}

/// The id stored under `attribute`, if any.
fn id_attribute(
    item: &HashMap<String, AttributeValue>,
    attribute: &str,
    query: &str,
) -> Result<Option<SinceId>, ServiceError> {
    let Some(value) = item.get(attribute) else {
        return Ok(None);
    };
    let text = value.as_s().map_err(|_| {
        ServiceError::permanent("GetItem", format!("{attribute} of {query:?} is not a string"))
    })?;
    SinceId::parse(text)
        .map(Some)
        .map_err(|e| ServiceError::permanent("GetItem", format!("the stored {attribute} of {query:?}: {e}")))
}

#[async_trait]
impl WatermarkStore for DynamoWatermarks {
    async fn load(&self, query: &str) -> Result<Option<SinceId>, ServiceError> {
        match self.item(query).await? {
            Some(item) => id_attribute(&item, watermarks::SINCE_ID, query),
            None => Ok(None),
        }
    }

    async fn load_pending(&self, query: &str) -> Result<Option<Pending>, ServiceError> {
        let Some(item) = self.item(query).await? else {
            return Ok(None);
        };
        let until = id_attribute(&item, watermarks::PENDING_UNTIL, query)?;
        let newest = id_attribute(&item, watermarks::PENDING_NEWEST, query)?;
        Ok(until.zip(newest).map(|(until, newest)| Pending { until, newest }))
    }

    async fn set_pending(
        &self,
        query: &str,
        since: &SinceId,
        pending: &Pending,
    ) -> Result<bool, ServiceError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(watermarks::QUERY, AttributeValue::S(query.to_owned()))
            .update_expression("SET #until = :until, #until_order = :until_order, #newest = :newest, #at = :at")
            // The watermark is still the one this run read, and no other run got further
            // down the backlog.
            .condition_expression(
                "#order = :since_order AND (attribute_not_exists(#until_order) OR #until_order > :until_order)",
            )
            .expression_attribute_names("#order", watermarks::SINCE_ORDER)
            .expression_attribute_names("#until", watermarks::PENDING_UNTIL)
            .expression_attribute_names("#until_order", watermarks::PENDING_UNTIL_ORDER)
            .expression_attribute_names("#newest", watermarks::PENDING_NEWEST)
            .expression_attribute_names("#at", watermarks::UPDATED_AT)
            .expression_attribute_values(":since_order", AttributeValue::S(since.order_key()))
            .expression_attribute_values(":until", AttributeValue::S(pending.until.as_str().to_owned()))
            .expression_attribute_values(":until_order", AttributeValue::S(pending.until.order_key()))
            .expression_attribute_values(":newest", AttributeValue::S(pending.newest.as_str().to_owned()))
            .expression_attribute_values(":at", AttributeValue::S(format_time(Utc::now())))
            .send()
            .await;
        conditional_write("UpdateItem", result)
    }

    async fn advance(&self, query: &str, to: &SinceId) -> Result<bool, ServiceError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(watermarks::QUERY, AttributeValue::S(query.to_owned()))
            .update_expression(
                "SET #id = :id, #order = :order, #at = :at REMOVE #until, #until_order, #newest",
            )
            .condition_expression("attribute_not_exists(#order) OR #order < :order")
            .expression_attribute_names("#id", watermarks::SINCE_ID)
            .expression_attribute_names("#order", watermarks::SINCE_ORDER)
            .expression_attribute_names("#at", watermarks::UPDATED_AT)
            .expression_attribute_names("#until", watermarks::PENDING_UNTIL)
            .expression_attribute_names("#until_order", watermarks::PENDING_UNTIL_ORDER)
            .expression_attribute_names("#newest", watermarks::PENDING_NEWEST)
            .expression_attribute_values(":id", AttributeValue::S(to.as_str().to_owned()))
            .expression_attribute_values(":order", AttributeValue::S(to.order_key()))
            .expression_attribute_values(":at", AttributeValue::S(format_time(Utc::now())))
            .send()
            .await;
        conditional_write("UpdateItem", result)
    }
}
