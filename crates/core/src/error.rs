//! Errors as types. Every failure the batch can meet is either *permanent* (the record
//! itself is bad: quarantine it and move on) or *transient* (the world is bad right now:
//! report the record for retry and never acknowledge it).

use thiserror::Error;

/// Whether retrying can help.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FailureKind {
    /// Throttling, 5xx, timeouts, connection errors: retry later.
    Transient,
    /// The input can never succeed as it is: quarantine it.
    Permanent,
}

/// Why a record's bytes are not a tweet. Always permanent.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum DecodeError {
    #[error("record is not valid UTF-8 JSON: {0}")]
    NotJson(String),
    #[error("record is JSON but not a tweet object: {0}")]
    NotATweet(String),
    #[error("tweet has no valid id: {0}")]
    InvalidId(String),
    #[error("tweet has no text")]
    MissingText,
}

impl DecodeError {
    /// A short, stable label for metrics and the quarantine `reason` prefix.
    pub fn code(&self) -> &'static str {
        match self {
            DecodeError::NotJson(_) => "not_json",
            DecodeError::NotATweet(_) => "not_a_tweet",
            DecodeError::InvalidId(_) => "invalid_id",
            DecodeError::MissingText => "missing_text",
        }
    }
}

/// The classifier could not produce a classification.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("classifier failed ({kind:?}): {message}")]
pub struct ClassifyError {
    pub kind: FailureKind,
    pub message: String,
}

impl ClassifyError {
    pub fn transient(message: impl Into<String>) -> Self {
        Self {
            kind: FailureKind::Transient,
            message: message.into(),
        }
    }
    pub fn permanent(message: impl Into<String>) -> Self {
        Self {
            kind: FailureKind::Permanent,
            message: message.into(),
        }
    }
}

/// A storage port failed. Adapters classify their service errors into the two kinds;
/// anything they do not recognise is transient, because retrying is always safe and
/// quarantining a good record is not.
#[derive(Debug, Error)]
#[error("{operation} failed ({kind:?}): {message}")]
pub struct StoreError {
    pub kind: FailureKind,
    pub operation: &'static str,
    pub message: String,
    #[source]
    pub source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl StoreError {
    pub fn transient(operation: &'static str, message: impl Into<String>) -> Self {
        Self {
            kind: FailureKind::Transient,
            operation,
            message: message.into(),
            source: None,
        }
    }
    pub fn permanent(operation: &'static str, message: impl Into<String>) -> Self {
        Self {
            kind: FailureKind::Permanent,
            operation,
            message: message.into(),
            source: None,
        }
    }
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }
    pub fn is_transient(&self) -> bool {
        self.kind == FailureKind::Transient
    }
}
