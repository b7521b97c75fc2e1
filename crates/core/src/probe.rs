//! Finding out cheaply whether a batch is a redelivery.
//!
//! The consumer cannot know that Lambda is redelivering a batch (after a timeout, a
//! crash, a partial failure) or that a shard is being replayed, and on such a batch
//! every record's conditional put fails. A failed conditional write is billed as a
//! write (five times a read on demand) and costs a request per record. [`ProbeFirst`]
//! looks up the first [`PROBE_KEYS`] tweets of the batch with one `BatchGetItem`; only
//! when at least [`PRE_READ_PERCENT`] of them are stored does it read the rest, 100
//! keys a request, so the batch settles its stored tweets without writing. A fresh
//! batch pays one extra request; small batches, where that request would cost as much
//! as the writes it could save, are not probed.
//!
//! Correctness never rests on the lookup: a tweet it misses (not probed, an eventually
//! consistent read behind a write) still meets the conditional put.

use std::collections::HashMap;

use async_trait::async_trait;

use crate::error::ServiceError;
use crate::events::RedeliveryProbed;
use crate::ports::TweetLookup;
use crate::tweet::TweetId;

/// Keys in the probe: what one `BatchGetItem` takes.
pub const PROBE_KEYS: usize = 100;

/// Batches with fewer tweets than this are not probed: one extra request would weigh
/// as much as the writes it could save.
pub const MIN_PROBED_BATCH: usize = 10;

/// The share of the probe (in percent) that must be stored for the rest to be read.
/// The break-even is about 10%: an eventually consistent read of an item up to 4 KB
/// costs half a read unit, a tenth of the write unit a failed conditional put costs
/// (on demand, a read unit is a fifth of a write unit's price), and a hundred keys
/// cost one request instead of a hundred. A quarter keeps a margin above it, so a
/// fresh batch holding a few redelivered tweets is not read twice over.
pub const PRE_READ_PERCENT: usize = 25;

/// A [`TweetLookup`] that reads all ids only when a probe of the first ones says most
/// of the batch is already stored.
pub struct ProbeFirst<L> {
    inner: L,
}

impl<L: TweetLookup> ProbeFirst<L> {
    pub fn new(inner: L) -> Self {
        Self { inner }
    }
}

#[async_trait]
impl<L: TweetLookup> TweetLookup for ProbeFirst<L> {
    /// The stored hashes of the probed ids, and of all the others when enough of the
    /// probed ones were stored. Ids not looked up are simply absent (not stored, as
    /// far as the caller knows), which leaves them to the conditional put.
    async fn stored_hashes(&self, ids: &[TweetId]) -> Result<HashMap<TweetId, Option<String>>, ServiceError> {
        if ids.len() < MIN_PROBED_BATCH {
            return Ok(HashMap::new());
        }
        let (probe, rest) = ids.split_at(ids.len().min(PROBE_KEYS));
        let mut found = self.inner.stored_hashes(probe).await?;
        let pre_read = !rest.is_empty() && found.len() * 100 >= probe.len() * PRE_READ_PERCENT;
        RedeliveryProbed {
            probed: probe.len(),
            stored: found.len(),
            pre_read: if pre_read { rest.len() } else { 0 },
        }
        .emit();
        if pre_read {
            // A failure here costs only efficiency: what the probe found still settles.
            match self.inner.stored_hashes(rest).await {
                Ok(more) => found.extend(more),
                Err(e) => {
                    tracing::warn!(event = "lookup_failed", error = %e, "writing the rest conditionally without the pre-read")
                }
            }
        }
        Ok(found)
    }
}

/// A shared lookup is a lookup (the consumer keeps its adapters in `Arc`s).
#[async_trait]
impl<T: TweetLookup + ?Sized> TweetLookup for std::sync::Arc<T> {
    async fn stored_hashes(&self, ids: &[TweetId]) -> Result<HashMap<TweetId, Option<String>>, ServiceError> {
        (**self).stored_hashes(ids).await
    }
}

/// A borrowed lookup is a lookup (a batch borrows its ports).
#[async_trait]
impl<T: TweetLookup + ?Sized> TweetLookup for &T {
    async fn stored_hashes(&self, ids: &[TweetId]) -> Result<HashMap<TweetId, Option<String>>, ServiceError> {
        (**self).stored_hashes(ids).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// Ids 1 to `stored_up_to` are stored; records every request's size.
    struct CountingLookup {
        stored_up_to: u64,
        requests: Mutex<Vec<usize>>,
        fail_after: Option<usize>,
    }

    impl CountingLookup {
        fn new(stored_up_to: u64) -> Self {
            Self {
                stored_up_to,
                requests: Mutex::new(Vec::new()),
                fail_after: None,
            }
        }
    }

    #[async_trait]
    impl TweetLookup for CountingLookup {
        async fn stored_hashes(
            &self,
            ids: &[TweetId],
        ) -> Result<HashMap<TweetId, Option<String>>, ServiceError> {
            let mut requests = self.requests.lock().unwrap();
            if self.fail_after.is_some_and(|n| requests.len() >= n) {
                return Err(ServiceError::transient("BatchGetItem", "connection refused"));
            }
            requests.push(ids.len());
            Ok(ids
                .iter()
                .filter(|id| id.as_str().parse::<u64>().unwrap() <= self.stored_up_to)
                .map(|id| (id.clone(), Some(format!("hash-{}", id.as_str()))))
                .collect())
        }
    }

    fn ids(n: u64) -> Vec<TweetId> {
        (1..=n).map(|i| TweetId::from_u64(i).unwrap()).collect()
    }

    #[tokio::test]
    async fn a_fresh_batch_costs_one_lookup_of_the_first_hundred_tweets() {
        // GIVEN a batch of 1,000 tweets, none stored
        let probe = ProbeFirst::new(CountingLookup::new(0));
        // WHEN the consumer asks which are stored
        let found = probe.stored_hashes(&ids(1000)).await.unwrap();
        // THEN one request of 100 keys answered: none
        assert!(found.is_empty());
        assert_eq!(*probe.inner.requests.lock().unwrap(), vec![100]);
    }

    #[tokio::test]
    async fn a_redelivered_batch_is_read_whole_so_no_tweet_is_written_again() {
        // GIVEN a batch of 1,000 tweets, all stored
        let probe = ProbeFirst::new(CountingLookup::new(1000));
        // WHEN the consumer asks which are stored
        let found = probe.stored_hashes(&ids(1000)).await.unwrap();
        // THEN the probe and then the other 900 were read, and every tweet is found
        assert_eq!(found.len(), 1000);
        assert_eq!(*probe.inner.requests.lock().unwrap(), vec![100, 900]);
        assert_eq!(
            found[&TweetId::parse("999").unwrap()].as_deref(),
            Some("hash-999")
        );
    }

    #[tokio::test]
    async fn a_probe_below_the_threshold_leaves_the_rest_to_the_conditional_put() {
        // GIVEN a batch whose first 20 of 100 probed tweets are stored (under a quarter)
        let probe = ProbeFirst::new(CountingLookup::new(20));
        // WHEN the consumer asks which are stored
        let found = probe.stored_hashes(&ids(1000)).await.unwrap();
        // THEN the stored ones of the probe are reported, and nothing more is read
        assert_eq!(found.len(), 20);
        assert_eq!(*probe.inner.requests.lock().unwrap(), vec![100]);
    }

    #[tokio::test]
    async fn a_quarter_of_the_probe_stored_is_enough_to_read_the_rest() {
        let probe = ProbeFirst::new(CountingLookup::new(25));
        let found = probe.stored_hashes(&ids(300)).await.unwrap();
        assert_eq!(found.len(), 25);
        assert_eq!(*probe.inner.requests.lock().unwrap(), vec![100, 200]);
    }

    #[tokio::test]
    async fn a_small_batch_is_not_probed() {
        let probe = ProbeFirst::new(CountingLookup::new(1000));
        let found = probe
            .stored_hashes(&ids(MIN_PROBED_BATCH as u64 - 1))
            .await
            .unwrap();
        assert!(found.is_empty());
        assert!(probe.inner.requests.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_failed_pre_read_still_reports_what_the_probe_found() {
        // GIVEN a fully stored batch whose second lookup fails
        let mut lookup = CountingLookup::new(1000);
        lookup.fail_after = Some(1);
        let probe = ProbeFirst::new(lookup);
        // WHEN the consumer asks which are stored
        let found = probe.stored_hashes(&ids(500)).await.unwrap();
        // THEN the probed hundred settle; the rest go to the conditional put
        assert_eq!(found.len(), 100);
    }

    #[tokio::test]
    async fn a_failed_probe_is_an_error_the_batch_treats_as_no_lookup() {
        let mut lookup = CountingLookup::new(1000);
        lookup.fail_after = Some(0);
        let probe = ProbeFirst::new(lookup);
        assert!(probe.stored_hashes(&ids(500)).await.is_err());
    }
}
