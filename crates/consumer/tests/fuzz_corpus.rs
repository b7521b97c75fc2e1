//! The `event_body` cargo-fuzz target's short version for `make test`: every committed
//! input of `fuzz/corpus/event_body` replayed through the very check the target runs
//! under libFuzzer (`fuzz/checks/event_body.rs`, shared by path), which panics on a
//! broken invariant. `make fuzz` explores from this corpus; this keeps what it found
//! covered. (As `crates/core/tests/fuzz_corpus.rs` does for the core's targets.)

use std::path::{Path, PathBuf};

#[path = "../../../fuzz/checks/event_body.rs"]
mod event_body;

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
fn fuzz_corpus_event_body_every_committed_input_keeps_the_targets_invariants() {
    // as committed: 22 inputs (fuzz/event_corpus.py)
    assert!(replay("event_body", event_body::check) >= 22);
}
