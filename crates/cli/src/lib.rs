//! The `tweetboard` operator CLI's engines (pump, replay, quarantine retry, ingest from
//! a file, the HTTP servers, logging), as a library so integration tests drive the same
//! code the commands call. The commands themselves (arguments, wiring, output) are in
//! the binary: `src/main.rs` and `src/commands/<name>.rs`.

pub mod gen;
pub mod http_server;
pub mod ingest_file;
pub mod logging;
pub mod out;
pub mod predict_server;
pub mod progress;
pub mod pump;
pub mod quarantine_retry;
pub mod replay;
#[cfg(test)]
mod testing;
