//! An ingest request body → records and rejections by index, or a bad request: never
//! a panic; every record within Kinesis' limit, every index told once, reasons bounded.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tweetboard_core::ingest::{prepare_json, KINESIS_RECORD_LIMIT_BYTES};

fuzz_target!(|data: &[u8]| {
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
});
