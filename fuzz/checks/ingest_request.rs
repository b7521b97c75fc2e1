//! An ingest request body → records and rejections by index, or a bad request: never
//! a panic; every record within Kinesis' limit, every index told once, reasons bounded.
//!
//! The target's check, shared: `fuzz/fuzz_targets/ingest_request.rs` runs it under libFuzzer,
//! and `crates/core/tests/fuzz_corpus.rs` replays the committed corpus through it in
//! `make test`.

use tweetboard_core::ingest::{prepare_json, KINESIS_RECORD_LIMIT_BYTES};

/// Panics if `data` breaks the target's invariants.
pub fn check(data: &[u8]) {
    if let Ok(batch) = prepare_json(data) {
        let mut indexes: Vec<usize> = batch.records.iter().map(|(i, _)| *i).collect();
        indexes.extend(batch.rejected.iter().map(|r| r.index));
        let n = indexes.len();
        indexes.sort_unstable();
        indexes.dedup();
        assert_eq!(indexes.len(), n, "an index told twice");
        for (_, record) in &batch.records {
            assert!(record.data.len() + record.partition_key.len() <= KINESIS_RECORD_LIMIT_BYTES);
        }
        for r in &batch.rejected {
            assert!(r.reason.len() <= 1100);
        }
    }
}
