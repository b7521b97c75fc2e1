//! The `tweetboard` operator CLI, as a library so integration tests drive the same code.

pub mod http_server;
pub mod ingest_file;
pub mod logging;
pub mod predict_server;
pub mod progress;
pub mod pump;
pub mod quarantine_retry;
pub mod replay;
#[cfg(test)]
mod testing;
