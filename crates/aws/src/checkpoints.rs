//! Per-shard checkpoints for `tweetboard pump`, kept in DynamoDB so that a restarted
//! pump resumes where it stopped: the adapter of the [`Checkpoints`] port.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::Client;
use chrono::Utc;
use tweetboard_core::attributes::checkpoints;
use tweetboard_core::decode::format_time;
pub use tweetboard_core::ports::{Checkpoint, Checkpoints};
use tweetboard_core::ServiceError;

use crate::errors::classify;
use crate::item::{FromItem, Item, ItemError, ItemExt};

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

    pub async fn get(&self, stream: &str, shard_id: &str) -> Result<Option<Checkpoint>, ServiceError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(checkpoints::LEASE_KEY, Self::lease_key(stream, shard_id))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| classify("GetItem", e))?;
        out.item()
            .map(Checkpoint::from_item)
            .transpose()
            .map_err(|e| e.during("GetItem"))
    }

    pub async fn put(
        &self,
        stream: &str,
        shard_id: &str,
        checkpoint: &Checkpoint,
    ) -> Result<(), ServiceError> {
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
    async fn get(&self, stream: &str, shard_id: &str) -> Result<Option<Checkpoint>, ServiceError> {
        CheckpointStore::get(self, stream, shard_id).await
    }
    async fn put(&self, stream: &str, shard_id: &str, checkpoint: &Checkpoint) -> Result<(), ServiceError> {
        CheckpointStore::put(self, stream, shard_id, checkpoint).await
    }
}

/// A checkpoint item: `SHARD_END`, or the last settled sequence number.
impl FromItem for Checkpoint {
    fn from_item(item: &Item) -> Result<Self, ItemError> {
        Ok(match item.get_s(checkpoints::CHECKPOINT)? {
            SHARD_END => Checkpoint::ShardEnd,
            "" => {
                return Err(ItemError::Invalid {
                    attribute: checkpoints::CHECKPOINT.to_owned(),
                    reason: "empty, not a sequence number".to_owned(),
                })
            }
            seq => Checkpoint::After(seq.to_owned()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(pairs: &[(&str, AttributeValue)]) -> Item {
        pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
    }

    #[test]
    fn a_checkpoint_item_reads_back_as_the_checkpoint_it_stores() {
        let s = |v: &str| AttributeValue::S(v.into());
        let at = item(&[
            (checkpoints::LEASE_KEY, s("tweets#shardId-0")),
            (checkpoints::CHECKPOINT, s("4959")),
        ]);
        let end = item(&[(checkpoints::CHECKPOINT, s(SHARD_END))]);

        assert_eq!(Checkpoint::from_item(&at), Ok(Checkpoint::After("4959".into())));
        assert_eq!(Checkpoint::from_item(&end), Ok(Checkpoint::ShardEnd));
    }

    #[test]
    fn a_checkpoint_item_without_a_usable_checkpoint_is_an_error_naming_it() {
        // GIVEN checkpoint items with the checkpoint missing, a number, or empty
        for corrupt in [
            item(&[(checkpoints::LEASE_KEY, AttributeValue::S("s#shardId-0".into()))]),
            item(&[(checkpoints::CHECKPOINT, AttributeValue::N("4959".into()))]),
            item(&[(checkpoints::CHECKPOINT, AttributeValue::S(String::new()))]),
        ] {
            // WHEN one is read back
            let err = Checkpoint::from_item(&corrupt).unwrap_err();

            // THEN the error names the attribute: the pump must not restart the shard
            assert_eq!(err.attribute(), checkpoints::CHECKPOINT, "{err}");
        }
    }
}
