//! A writer that writes nothing: `--dry-run` runs the whole pipeline against it and
//! reports what would have been written and the write capacity it would have cost.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use async_trait::async_trait;

use crate::error::ServiceError;
use crate::ports::{PutOutcome, QuarantineWriter, TweetWriter};
use crate::stored::{QuarantinedRecord, StoredTweet};

/// Counts instead of writing. One write capacity unit covers 1 KB of item.
#[derive(Default)]
pub struct DryRun {
    write_units: AtomicU64,
    quarantine_reasons: Mutex<Vec<String>>,
}

impl DryRun {
    /// Write capacity units the skipped writes would have consumed.
    pub fn estimated_write_units(&self) -> u64 {
        self.write_units.load(Ordering::Relaxed)
    }

    pub fn quarantine_reasons(&self) -> Vec<String> {
        self.quarantine_reasons
            .lock()
            .map(|r| r.clone())
            .unwrap_or_default()
    }

    fn add_units(&self, bytes: usize) {
        self.write_units
            .fetch_add(bytes.div_ceil(1024).max(1) as u64, Ordering::Relaxed);
    }
}

#[async_trait]
impl TweetWriter for DryRun {
    async fn put_if_absent(&self, item: &StoredTweet) -> Result<PutOutcome, ServiceError> {
        self.add_units(item.approximate_size());
        Ok(PutOutcome::Written)
    }
}

#[async_trait]
impl QuarantineWriter for DryRun {
    async fn quarantine(&self, record: &QuarantinedRecord) -> Result<(), ServiceError> {
        self.add_units(record.data.len() + record.reason.len() + 200);
        if let Ok(mut r) = self.quarantine_reasons.lock() {
            r.push(record.reason.clone());
        }
        Ok(())
    }
}
