//! Why a record ended where it did, as types: each reason has a stable `code()` (the
//! quarantine table's `reason` starts with it, metrics and `quarantine list --reason`
//! use it) and a `Display` for the human text. Text taken from outside (a service's
//! error, a model's message) is bounded when the reason is made.

use std::fmt;

use crate::error::{bounded_reason, DecodeError};
use crate::stored::DYNAMODB_ITEM_LIMIT_BYTES;
use crate::tweet::TweetId;

/// Why a record can never succeed as it is: it is quarantined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuarantineReason {
    /// The bytes are not a tweet (`not_json`, `not_a_tweet`, `invalid_id`, `missing_text`).
    Decode(DecodeError),
    /// The classified item would exceed DynamoDB's item limit.
    ItemTooLarge { size: usize },
    /// The classifier refused the tweet for good.
    Classifier(String),
    /// DynamoDB refused the item itself (its size, a number out of range, ...).
    WriteRejected(String),
    /// The store refused the full quarantine entry too, so a minimal entry was written
    /// without the raw bytes.
    QuarantineWriteRejected {
        data_size: usize,
        refusal: String,
        first: Box<QuarantineReason>,
    },
}

impl QuarantineReason {
    pub fn classifier(message: &str) -> Self {
        Self::Classifier(bounded_reason(message))
    }

    pub fn write_rejected(error: &impl fmt::Display) -> Self {
        Self::WriteRejected(bounded_reason(error.to_string()))
    }

    /// The stable code: the quarantine `reason`'s prefix, and what operators filter on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Decode(e) => e.code(),
            Self::ItemTooLarge { .. } => "item_too_large",
            Self::Classifier(_) => "classifier",
            Self::WriteRejected(_) => "write_rejected",
            Self::QuarantineWriteRejected { .. } => "quarantine_write_rejected",
        }
    }

    /// Every code a reason can have, for validating `--reason` filters.
    pub const CODES: &'static [&'static str] = &[
        "not_json",
        "not_a_tweet",
        "invalid_id",
        "missing_text",
        "item_too_large",
        "classifier",
        "write_rejected",
        "quarantine_write_rejected",
    ];
}

impl fmt::Display for QuarantineReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.code())?;
        match self {
            Self::Decode(e) => write!(f, "{e}"),
            Self::ItemTooLarge { size } => write!(
                f,
                "about {size} bytes, over DynamoDB's {DYNAMODB_ITEM_LIMIT_BYTES}-byte item limit"
            ),
            Self::Classifier(message) | Self::WriteRejected(message) => f.write_str(message),
            Self::QuarantineWriteRejected {
                data_size,
                refusal,
                first,
            } => write!(
                f,
                "the raw bytes ({data_size} bytes) could not be stored ({refusal}); first reason: {first}"
            ),
        }
    }
}

/// Why a record is reported for retry: the failure is the world's, not the record's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetryReason {
    /// The invocation was within its deadline margin before the record started.
    NotStarted,
    /// The record's requests did not finish before the invocation deadline.
    CutOff,
    /// A store request failed transiently (throttling, 5xx, timeout, a table problem).
    Store(String),
    /// The classifier failed transiently.
    Classifier(String),
    /// The quarantine entry could not be written.
    QuarantineWrite(String),
    /// An earlier record of the same tweet in this batch is being retried; this one
    /// waits for it so the first version still wins.
    EarlierDuplicate(TweetId),
}

impl RetryReason {
    pub fn store(error: &impl fmt::Display) -> Self {
        Self::Store(bounded_reason(error.to_string()))
    }

    pub fn classifier(message: &str) -> Self {
        Self::Classifier(bounded_reason(message))
    }

    pub fn quarantine_write(error: &impl fmt::Display) -> Self {
        Self::QuarantineWrite(bounded_reason(error.to_string()))
    }

    /// The stable code, for logs and counts.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotStarted | Self::CutOff => "deadline",
            Self::Store(_) => "store",
            Self::Classifier(_) => "classifier",
            Self::QuarantineWrite(_) => "quarantine_write_failed",
            Self::EarlierDuplicate(_) => "earlier_duplicate",
        }
    }
}

impl fmt::Display for RetryReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotStarted => f.write_str("deadline: not started before the invocation deadline"),
            Self::CutOff => {
                f.write_str("deadline: its requests did not finish before the invocation deadline")
            }
            Self::Store(message) => f.write_str(message),
            Self::Classifier(message) => write!(f, "classifier: {message}"),
            Self::QuarantineWrite(message) => write!(f, "quarantine write failed: {message}"),
            Self::EarlierDuplicate(id) => write!(f, "an earlier record with tweet id {id} is being retried"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_text_starts_with_the_code() {
        let reasons = [
            QuarantineReason::Decode(DecodeError::NotJson("x".into())),
            QuarantineReason::Decode(DecodeError::MissingText),
            QuarantineReason::ItemTooLarge { size: 500_000 },
            QuarantineReason::classifier("cannot score"),
            QuarantineReason::write_rejected(&"ValidationException: Item size has exceeded"),
        ];
        for reason in &reasons {
            assert!(
                reason.to_string().starts_with(&format!("{}: ", reason.code())),
                "{reason}"
            );
            assert!(QuarantineReason::CODES.contains(&reason.code()));
        }
        let minimal = QuarantineReason::QuarantineWriteRejected {
            data_size: 3,
            refusal: "refused".into(),
            first: Box::new(reasons[0].clone()),
        };
        assert_eq!(
            minimal.to_string(),
            "quarantine_write_rejected: the raw bytes (3 bytes) could not be stored (refused); first reason: not_json: record is not valid UTF-8 JSON: x"
        );
    }

    #[test]
    fn outside_text_is_bounded_when_a_reason_is_made() {
        let long = "e".repeat(10_000);
        assert!(QuarantineReason::classifier(&long).to_string().len() <= 1100);
        assert!(RetryReason::store(&long).to_string().len() <= 1100);
        assert_eq!(RetryReason::CutOff.code(), "deadline");
    }
}
