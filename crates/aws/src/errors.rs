//! SDK errors → domain [`StoreError`]s, classified as transient or permanent.

use aws_sdk_dynamodb::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use tweetboard_core::StoreError;

/// Only a request the service rejects as invalid is permanent. Everything else
/// (throttling, 5xx, timeouts, connection errors, and codes we do not know) is
/// transient: a retry is always safe, a wrongly quarantined record is not.
pub fn classify<E, R>(operation: &'static str, err: SdkError<E, R>) -> StoreError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let permanent = matches!(&err, SdkError::ServiceError(se) if is_permanent_code(se.err().code()));
    let message = DisplayErrorContext(&err).to_string();
    let e = if permanent {
        StoreError::permanent(operation, message)
    } else {
        StoreError::transient(operation, message)
    };
    e.with_source(err)
}

fn is_permanent_code(code: Option<&str>) -> bool {
    matches!(code, Some("ValidationException"))
}

/// The service error code, if the error came from the service.
pub fn service_code<E: ProvideErrorMetadata, R>(err: &SdkError<E, R>) -> Option<&str> {
    match err {
        SdkError::ServiceError(se) => se.err().code(),
        _ => None,
    }
}
