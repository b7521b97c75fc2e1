//! Per-shard checkpoints for `tweetboard pump`, kept in DynamoDB so that a restarted
//! pump resumes where it stopped: the adapter of the [`Checkpoints`] port.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::Client;
use chrono::Utc;
use tweetboard_core::attributes::checkpoints;
use tweetboard_core::decode::format_time;
pub use tweetboard_core::ports::{Checkpoint, Checkpoints};
use tweetboard_core::StoreError;

use crate::errors::classify;

/// The `checkpoint` value of a closed shard whose every record is settled.
const SHARD_END: &str = "SHARD_END";

#[derive(Clone)]
pub struct CheckpointStore {
    client: Client,
    table: String,
}

impl CheckpointStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    fn lease_key(stream: &str, shard_id: &str) -> AttributeValue {
        AttributeValue::S(format!("{stream}#{shard_id}"))
    }

    pub async fn get(&self, stream: &str, shard_id: &str) -> Result<Option<Checkpoint>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(checkpoints::LEASE_KEY, Self::lease_key(stream, shard_id))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| classify("GetItem", e))?;
        Ok(out
            .item()
            .and_then(|i| i.get(checkpoints::CHECKPOINT))
            .and_then(|v| v.as_s().ok())
            .map(|s| {
                if s == SHARD_END {
                    Checkpoint::ShardEnd
                } else {
                    Checkpoint::After(s.clone())
                }
            }))
    }

    pub async fn put(&self, stream: &str, shard_id: &str, checkpoint: &Checkpoint) -> Result<(), StoreError> {
        let value = match checkpoint {
            Checkpoint::After(seq) => seq.clone(),
            Checkpoint::ShardEnd => SHARD_END.to_owned(),
        };
        self.client
            .put_item()
            .table_name(&self.table)
            .item(checkpoints::LEASE_KEY, Self::lease_key(stream, shard_id))
            .item(checkpoints::CHECKPOINT, AttributeValue::S(value))
            .item(
                checkpoints::UPDATED_AT,
                AttributeValue::S(format_time(Utc::now())),
            )
            .send()
            .await
            .map_err(|e| classify("PutItem", e))?;
        Ok(())
    }
}

#[async_trait]
impl Checkpoints for CheckpointStore {
    async fn get(&self, stream: &str, shard_id: &str) -> Result<Option<Checkpoint>, StoreError> {
        CheckpointStore::get(self, stream, shard_id).await
    }
    async fn put(&self, stream: &str, shard_id: &str, checkpoint: &Checkpoint) -> Result<(), StoreError> {
        CheckpointStore::put(self, stream, shard_id, checkpoint).await
    }
}
