//! The `event_body` cargo-fuzz target's short version for `make test`: every committed
//! input of `fuzz/corpus/event_body` replayed through the very check the target runs
//! under libFuzzer (`fuzz/checks/event_body.rs`, shared by path), which panics on a
//! broken invariant. `make fuzz` explores from this corpus; this keeps what it found
//! covered. (As `crates/core/tests/fuzz_corpus.rs` does for the core's targets.)

#[path = "../../../fuzz/replay.rs"]
mod replay;

#[path = "../../../fuzz/checks/event_body.rs"]
mod event_body;

#[test]
fn fuzz_corpus_event_body_every_committed_input_keeps_the_targets_invariants() {
    // as committed: 22 inputs (fuzz/event_corpus.py)
    assert!(replay::replay(env!("CARGO_MANIFEST_DIR"), "event_body", event_body::check) >= 22);
}
