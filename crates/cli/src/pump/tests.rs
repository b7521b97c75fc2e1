use super::*;
use crate::testing::{ScriptedShard, SHARD};
use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::Mutex;
use tweetboard_core::testing::{KeywordFake, MemoryQuarantine, MemoryTable};

#[derive(Default)]
struct MemoryCheckpoints(Mutex<HashMap<String, Checkpoint>>);

#[async_trait]
impl Checkpoints for MemoryCheckpoints {
    async fn get(&self, stream: &str, shard_id: &str) -> Result<Option<Checkpoint>, ServiceError> {
        Ok(self
            .0
            .lock()
            .unwrap()
            .get(&format!("{stream}#{shard_id}"))
            .cloned())
    }
    async fn put(&self, stream: &str, shard_id: &str, checkpoint: &Checkpoint) -> Result<(), ServiceError> {
        self.0
            .lock()
            .unwrap()
            .insert(format!("{stream}#{shard_id}"), checkpoint.clone());
        Ok(())
    }
}

#[tokio::test]
async fn a_throttled_get_shard_iterator_is_retried_with_backoff_instead_of_ending_the_pump() {
    // GIVEN a shard whose first GetShardIterator calls are throttled, as Kinesis does
    // beyond 5 calls per second per shard
    let source = Arc::new(ScriptedShard::six().with_iterator_failures(vec![
        ReadError::Throttled("LimitExceededException".into()),
        ReadError::Throttled("Rate exceeded for shard shardId-0".into()),
    ]));
    let table = Arc::new(MemoryTable::default());
    let consumer = Consumer::new(
        Arc::new(KeywordFake),
        table.clone(),
        Arc::new(MemoryQuarantine::default()),
        4,
        Duration::from_secs(1),
    );
    let checkpoints = Arc::new(MemoryCheckpoints::default());
    let options = PumpOptions {
        until_idle: true,
        idle_poll_interval: Duration::from_millis(10),
        backoff: Backoff {
            base: Duration::from_millis(1),
            cap: Duration::from_millis(5),
            max_attempts: 3,
        },
        ..PumpOptions::default()
    };

    // WHEN the pump runs until idle
    let summary = Pump::with_source(source.clone(), "s", checkpoints.clone(), &consumer, options)
        .run(|_| {})
        .await
        .unwrap();

    // THEN it backed off, counted the throttling, and delivered every record
    assert_eq!(summary.throttled_requests, 2);
    assert_eq!(summary.counts.written, 6);
    assert_eq!(table.items.lock().unwrap().len(), 6);
    assert_eq!(
        checkpoints.get("s", SHARD).await.unwrap(),
        Some(Checkpoint::After("12".into()))
    );
}
