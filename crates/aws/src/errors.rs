//! SDK errors → domain [`ServiceError`]s, classified as transient or permanent.

use aws_sdk_dynamodb::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use tweetboard_core::error::bounded_reason;
use tweetboard_core::events::StoreRequestRejected;
use tweetboard_core::ServiceError;

/// Only an error that is provably about the item itself (too large, a number out of
/// range, a key value too long) is permanent: the record is quarantined. Everything
/// else is transient: throttling, 5xx, timeouts, connection errors, codes we do not
/// know, and a `ValidationException` about the table or the request (a key schema that
/// does not match, a wrong index key type, a malformed expression). Those fail every
/// record alike; quarantining them would empty the stream into the quarantine table,
/// while retrying keeps the records on the stream and shows in `RetryReported`.
pub fn classify<E, R>(operation: &'static str, err: SdkError<E, R>) -> ServiceError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let (code, service_message) = match &err {
        SdkError::ServiceError(se) => (se.err().code(), se.err().message()),
        _ => (None, None),
    };
    let cause = cause_of(code, service_message.unwrap_or(""));
    let message = bounded_reason(DisplayErrorContext(&err).to_string());
    let e = match cause {
        Cause::Item => ServiceError::permanent(operation, message),
        Cause::TableOrRequest => {
            StoreRequestRejected {
                operation,
                message: &message,
            }
            .emit();
            ServiceError::transient(operation, message)
        }
        Cause::Transient => ServiceError::transient(operation, message),
    };
    e.with_source(err)
}

/// Why a request failed, as far as the record is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// The item can never be written as it is.
    Item,
    /// The table or the request is wrong: every record would fail alike.
    TableOrRequest,
    /// The service is unwell or unreachable right now.
    Transient,
}

/// DynamoDB's messages for a `ValidationException` that is the item's own fault. Any
/// other `ValidationException` (missing key, type mismatch for a key or an index key,
/// an invalid expression, ...) is about the table or the request.
const ITEM_FAULTS: &[&str] = &[
    "item size has exceeded the maximum allowed size",
    "item size to update has exceeded the maximum allowed size",
    "number overflow",
    "number underflow",
    "hash primary key values must be under 2048 bytes",
    "range key values must be under 1024 bytes",
    "aggregated size of all range keys has exceeded the size limit",
];

pub fn cause_of(code: Option<&str>, message: &str) -> Cause {
    if code != Some("ValidationException") {
        return Cause::Transient;
    }
    let message = message.to_ascii_lowercase();
    if ITEM_FAULTS.iter().any(|m| message.contains(m)) {
        Cause::Item
    } else {
        Cause::TableOrRequest
    }
}

/// The outcome of a conditional write: `true` if it was applied, `false` if its condition
/// did not hold (`ConditionalCheckFailedException`, an answer, not an error), any other
/// failure classified as [`classify`] does.
pub fn conditional_write<T, E, R>(
    operation: &'static str,
    result: Result<T, SdkError<E, R>>,
) -> Result<bool, ServiceError>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match result {
        Ok(_) => Ok(true),
        Err(e) if service_code(&e) == Some("ConditionalCheckFailedException") => Ok(false),
        Err(e) => Err(classify(operation, e)),
    }
}

/// The service error code, if the error came from the service.
pub fn service_code<E: ProvideErrorMetadata, R>(err: &SdkError<E, R>) -> Option<&str> {
    match err {
        SdkError::ServiceError(se) => se.err().code(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_validation_errors_about_the_item_are_the_records_fault() {
        // DynamoDB's own wording, and moto's.
        for item in [
            "Item size has exceeded the maximum allowed size",
            "Item size to update has exceeded the maximum allowed size",
            "Number overflow. Attempting to store a number with magnitude larger than supported range",
            "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes; Hash primary key values must be under 2048 bytes",
        ] {
            assert_eq!(cause_of(Some("ValidationException"), item), Cause::Item, "{item}");
        }
        for table in [
            "One or more parameter values were invalid: Missing the key tweet_id in the item",
            "One or more parameter values were invalid: Type mismatch for key tweet_id expected: N actual: S",
            "One or more parameter values were invalid: Type mismatch for Index Key board_partition Expected: N Actual: S IndexName: board_by_time",
            "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"(tweet_id\"",
            "The provided key element does not match the schema",
            "",
        ] {
            assert_eq!(cause_of(Some("ValidationException"), table), Cause::TableOrRequest, "{table}");
        }
        for code in [
            Some("ProvisionedThroughputExceededException"),
            Some("ResourceNotFoundException"),
            Some("InternalServerError"),
            None,
        ] {
            assert_eq!(
                cause_of(code, "Item size has exceeded the maximum allowed size"),
                Cause::Transient
            );
        }
    }
}
