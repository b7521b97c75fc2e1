//! Integration tests against the local AWS emulator. Run with `make test`.

mod board;
mod classifiers;
mod consumer;
mod fixtures;
mod hostile;
mod infra;
mod ingest;
mod probe;
mod provision;
mod pump;
mod quarantine;
mod replay;
mod reshard;
