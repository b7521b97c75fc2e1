//! The tweetboard domain: what a tweet is, how a Kinesis record becomes one, what the
//! classifier says about it, and the batch use case that turns at-least-once delivery
//! into exactly-once results.
//!
//! This crate knows no cloud. The AWS services are reached through the ports in
//! [`ports`]; adapters live in `tweetboard-aws`, fakes for unit tests in [`testing`].

pub mod attributes;
pub mod batch;
pub mod board;
pub mod classification;
pub mod decode;
pub mod dry_run;
pub mod error;
pub mod events;
#[cfg(any(test, feature = "testing"))]
pub mod hostile_corpus;
pub mod ingest;
#[cfg(any(test, feature = "testing"))]
pub mod peak_memory;
pub mod poll;
pub mod ports;
pub mod probe;
pub mod reason;
pub mod record;
pub mod stored;
pub mod stream;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod tweet;

pub use batch::{process_batch, BatchOptions, BatchReport, RecordOutcome};
pub use classification::{Classification, Prediction};
pub use error::{ClassifyError, DecodeError, FailureKind, ServiceError};
pub use reason::{QuarantineReason, RetryReason};
pub use record::{InputRecord, RecordSource};
pub use stored::{QuarantinedRecord, StoredTweet};
pub use tweet::{Tweet, TweetId};
