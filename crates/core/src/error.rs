//! Errors as types. Every failure the batch can meet is either *permanent* (the record
//! itself is bad: quarantine it and move on) or *transient* (the world is bad right now:
//! report the record for retry and never acknowledge it).

use thiserror::Error;

/// The longest reason kept anywhere: in a quarantine entry, a log line, a retry report
/// or ingest's `rejected` list. Reasons quote record content (an invalid id, the string
/// serde choked on); unbounded, a 250 KB field makes a 250 KB reason, and the quarantine
/// entry carrying it no longer fits in a DynamoDB item.
pub const MAX_REASON_BYTES: usize = 1024;

/// `text` cut to at most [`MAX_REASON_BYTES`] bytes on a character boundary, with a note
/// of its full length. Short text is returned as it is.
pub fn bounded_reason(text: impl Into<String>) -> String {
    bounded_text(text, MAX_REASON_BYTES)
}

/// `text` cut to at most `max_bytes` (at least 64) on a character boundary, ending with
/// a note of its full length. Short text is returned as it is.
pub fn bounded_text(text: impl Into<String>, max_bytes: usize) -> String {
    let mut text = text.into();
    let max_bytes = max_bytes.max(64);
    if text.len() <= max_bytes {
        return text;
    }
    let cut_note = format!("... (cut from {} bytes)", text.len());
    let mut end = max_bytes - cut_note.len();
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    text.push_str(&cut_note);
    text
}

/// At most `max_chars` characters of `raw`, quoted, for an error message that names
/// the offending value without copying all of it.
pub fn preview(raw: &str, max_chars: usize) -> String {
    match raw.char_indices().nth(max_chars) {
        None => format!("{raw:?}"),
        Some((end, _)) => format!("{:?}... ({} bytes)", &raw[..end], raw.len()),
    }
}

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
    /// The same error with its message bounded (see [`bounded_reason`]).
    pub fn bounded(self) -> Self {
        match self {
            DecodeError::NotJson(m) => DecodeError::NotJson(bounded_reason(m)),
            DecodeError::NotATweet(m) => DecodeError::NotATweet(bounded_reason(m)),
            DecodeError::InvalidId(m) => DecodeError::InvalidId(bounded_reason(m)),
            DecodeError::MissingText => DecodeError::MissingText,
        }
    }

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

/// A call to an outside service through a port failed (DynamoDB, Kinesis, SQS).
/// Adapters classify their service's errors into the two kinds; anything they do not
/// recognise is transient, because retrying is always safe and quarantining a good
/// record is not.
#[derive(Debug, Error)]
#[error("{operation} failed ({kind:?}): {message}")]
pub struct ServiceError {
    pub kind: FailureKind,
    pub operation: &'static str,
    pub message: String,
    #[source]
    pub source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl ServiceError {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_reasons_are_cut_on_a_char_boundary_with_a_note() {
        let long = "é".repeat(100_000);
        let bounded = bounded_reason(long.clone());
        assert!(bounded.len() <= MAX_REASON_BYTES, "{}", bounded.len());
        assert!(bounded.ends_with("... (cut from 200000 bytes)"), "{bounded}");
        assert!(long.starts_with(bounded.trim_end_matches("... (cut from 200000 bytes)")));
        assert_eq!(bounded_reason("short"), "short");
    }

    #[test]
    fn previews_quote_a_prefix_and_give_the_size() {
        assert_eq!(preview("abc", 5), "\"abc\"");
        assert_eq!(preview(&"x".repeat(50), 3), "\"xxx\"... (50 bytes)");
    }
}
