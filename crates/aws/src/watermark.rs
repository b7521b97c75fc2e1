//! The poll watermark in DynamoDB: one item per query, moved forward only, by a
//! conditional `UpdateItem` that compares the ids' order keys (length-prefixed digits,
//! so the byte order is the numeric order for ids of any length). Two runs that
//! overlap cannot move it backwards: the later write of an older id fails its
//! condition and is reported as "not advanced".

use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::Client;
use chrono::Utc;
use tweetboard_core::attributes::watermarks;
use tweetboard_core::decode::format_time;
use tweetboard_core::poll::{SinceId, WatermarkStore};
use tweetboard_core::ServiceError;

use crate::errors::{classify, service_code};

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

#[async_trait]
impl WatermarkStore for DynamoWatermarks {
    async fn load(&self, query: &str) -> Result<Option<SinceId>, ServiceError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(watermarks::QUERY, AttributeValue::S(query.to_owned()))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| classify("GetItem", e))?;
        let Some(value) = out.item().and_then(|i| i.get(watermarks::SINCE_ID)) else {
            return Ok(None);
        };
        let text = value.as_s().map_err(|_| {
            ServiceError::permanent(
                "GetItem",
                format!("{} of {query:?} is not a string", watermarks::SINCE_ID),
            )
        })?;
        SinceId::parse(text).map(Some).map_err(|e| {
            ServiceError::permanent("GetItem", format!("the stored watermark of {query:?}: {e}"))
        })
    }

    async fn advance(&self, query: &str, to: &SinceId) -> Result<bool, ServiceError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(watermarks::QUERY, AttributeValue::S(query.to_owned()))
            .update_expression("SET #id = :id, #order = :order, #at = :at")
            .condition_expression("attribute_not_exists(#order) OR #order < :order")
            .expression_attribute_names("#id", watermarks::SINCE_ID)
            .expression_attribute_names("#order", watermarks::SINCE_ORDER)
            .expression_attribute_names("#at", watermarks::UPDATED_AT)
            .expression_attribute_values(":id", AttributeValue::S(to.as_str().to_owned()))
            .expression_attribute_values(":order", AttributeValue::S(to.order_key()))
            .expression_attribute_values(":at", AttributeValue::S(format_time(Utc::now())))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if service_code(&e) == Some("ConditionalCheckFailedException") => Ok(false),
            Err(e) => Err(classify("UpdateItem", e)),
        }
    }
}
