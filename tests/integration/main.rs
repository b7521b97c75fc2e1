//! Integration tests against the local AWS emulator. Run with `make test`.

mod board;
mod board_paging;
mod chaos;
mod classifiers;
mod consumer;
mod crash;
mod fixtures;
mod hostile;
mod infra;
mod ingest;
mod poll;
mod probe;
mod provision;
mod pump;
mod quarantine;
mod races;
mod replay;
mod reshard;
