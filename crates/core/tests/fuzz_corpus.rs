//! The cargo-fuzz targets' short version for `make test`: every committed input of
//! `fuzz/corpus/<target>` replayed through the very check the target runs under
//! libFuzzer (`fuzz/checks/<target>.rs`, shared by path), which panics on a broken
//! invariant. `make fuzz` explores from this corpus; this keeps what it found covered.

use std::path::{Path, PathBuf};

#[path = "../../../fuzz/checks/board_cursor.rs"]
mod board_cursor;
#[path = "../../../fuzz/checks/board_query.rs"]
mod board_query;
#[path = "../../../fuzz/checks/decode_record.rs"]
mod decode_record;
#[path = "../../../fuzz/checks/ingest_request.rs"]
mod ingest_request;

/// Every committed input of a target's corpus, sorted by name (the files are named by
/// their hash: none is empty, or the corpus was not found).
fn corpus(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target);
    let mut inputs: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.unwrap().path();
            let data = std::fs::read(&path).unwrap();
            (path, data)
        })
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "{}: no inputs", dir.display());
    inputs
}

/// Replays `target`'s corpus through `check`, naming the input that fails.
fn replay(target: &str, check: fn(&[u8])) -> usize {
    let inputs = corpus(target);
    for (path, data) in &inputs {
        if let Err(panic) = std::panic::catch_unwind(|| check(data)) {
            let why = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            panic!("{target}: {} fails its check: {why}", path.display());
        }
    }
    inputs.len()
}

#[test]
fn fuzz_corpus_decode_record_every_committed_input_keeps_the_targets_invariants() {
    // as committed: 48 inputs
    assert!(replay("decode_record", decode_record::check) >= 48);
}

#[test]
fn fuzz_corpus_ingest_request_every_committed_input_keeps_the_targets_invariants() {
    assert!(replay("ingest_request", ingest_request::check) >= 14);
}

#[test]
fn fuzz_corpus_board_cursor_every_committed_input_keeps_the_targets_invariants() {
    assert!(replay("board_cursor", board_cursor::check) >= 41);
}

#[test]
fn fuzz_corpus_board_query_every_committed_input_keeps_the_targets_invariants() {
    assert!(replay("board_query", board_query::check) >= 39);
}
