//! The cargo-fuzz targets' short version for `make test`: every committed input of
//! `fuzz/corpus/<target>` replayed through the very check the target runs under
//! libFuzzer (`fuzz/checks/<target>.rs`, shared by path), which panics on a broken
//! invariant. `make fuzz` explores from this corpus; this keeps what it found covered.

#[path = "../../../fuzz/replay.rs"]
mod replay;

#[path = "../../../fuzz/checks/board_cursor.rs"]
mod board_cursor;
#[path = "../../../fuzz/checks/board_query.rs"]
mod board_query;
#[path = "../../../fuzz/checks/decode_record.rs"]
mod decode_record;
#[path = "../../../fuzz/checks/ingest_request.rs"]
mod ingest_request;

#[test]
fn fuzz_corpus_decode_record_every_committed_input_keeps_the_targets_invariants() {
    // as committed: 48 inputs
    assert!(replay::replay(env!("CARGO_MANIFEST_DIR"), "decode_record", decode_record::check) >= 48);
}

#[test]
fn fuzz_corpus_ingest_request_every_committed_input_keeps_the_targets_invariants() {
    assert!(
        replay::replay(
            env!("CARGO_MANIFEST_DIR"),
            "ingest_request",
            ingest_request::check
        ) >= 14
    );
}

#[test]
fn fuzz_corpus_board_cursor_every_committed_input_keeps_the_targets_invariants() {
    assert!(replay::replay(env!("CARGO_MANIFEST_DIR"), "board_cursor", board_cursor::check) >= 41);
}

#[test]
fn fuzz_corpus_board_query_every_committed_input_keeps_the_targets_invariants() {
    assert!(replay::replay(env!("CARGO_MANIFEST_DIR"), "board_query", board_query::check) >= 39);
}
