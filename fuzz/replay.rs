//! The committed corpora replayed in `make test`, shared by path by the test files that
//! replay them (`crates/core/tests/fuzz_corpus.rs` for the core's targets,
//! `crates/consumer/tests/fuzz_corpus.rs` for the event read's): every committed input
//! of `fuzz/corpus/<target>` through the very check the target runs under libFuzzer
//! (`fuzz/checks/<target>.rs`), which panics on a broken invariant. Not a fuzz target.

use std::path::{Path, PathBuf};

/// Every committed input of a target's corpus, sorted by name (the files are named by
/// their hash: none is empty, or the corpus was not found). `crate_dir` is the replaying
/// crate's `CARGO_MANIFEST_DIR`, two levels below the repository's root.
fn corpus(crate_dir: &str, target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(crate_dir).join("../../fuzz/corpus").join(target);
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

/// Replays `target`'s corpus through `check`, naming the input that fails; how many
/// inputs it holds.
pub fn replay(crate_dir: &str, target: &str, check: fn(&[u8])) -> usize {
    let inputs = corpus(crate_dir, target);
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
