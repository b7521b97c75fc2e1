//! Capped exponential backoff with full jitter, for retries the SDK does not do for us
//! (partial `PutRecords` failures, event-source-mapping style batch retries).

use std::time::Duration;

use rand::Rng;

#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
    /// Attempts in all, the first included.
    pub max_attempts: u32,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            base: Duration::from_millis(100),
            cap: Duration::from_secs(5),
            max_attempts: 6,
        }
    }
}

impl Backoff {
    /// Delay before retry number `retry` (1-based): uniform in [0, min(cap, base·2^retry)].
    pub fn delay(&self, retry: u32) -> Duration {
        let ceiling = self.base.saturating_mul(1u32 << retry.min(20)).min(self.cap);
        let millis = ceiling.as_millis() as u64;
        Duration::from_millis(rand::thread_rng().gen_range(0..=millis))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delay_is_capped() {
        let b = Backoff {
            base: Duration::from_millis(100),
            cap: Duration::from_millis(300),
            max_attempts: 5,
        };
        for retry in 1..30 {
            assert!(b.delay(retry) <= Duration::from_millis(300));
        }
    }
}
