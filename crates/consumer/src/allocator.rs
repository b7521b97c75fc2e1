//! What the consumer tells the binary's allocator about a batch: that its writes begin
//! and that it ended.
//!
//! The binary's jemalloc gives freed pages back at once (`dirty_decay_ms:0` in
//! [`crate::JEMALLOC_CONF`]): the invocation body and the records read from it are the
//! largest blocks a process holds, and pages kept after them would be pages the
//! 10,000-record batch lacks under its 40 MB target. During the writes that follow, the
//! same rule costs CPU for nothing: every `PutItem` frees and allocates the same few
//! small slabs, so jemalloc returned a page to the kernel (`madvise`) and faulted a fresh
//! one back in about once a record, 7% of a new record's CPU in the native profile
//! (BENCHMARKS.md, "Session 15"). So for the writes alone the binary keeps freed pages
//! for reuse ([`WRITE_PHASE_DIRTY_DECAY_MS`]), and when the batch ends it restores the
//! option and gives back whatever is free, so a warm instance waits for its next batch
//! with what it held before.
//!
//! The library does not link the allocator: the binary hands its two calls over
//! ([`WritePhase`], made by [`crate::jemalloc_with_consumer_options!`]), and a consumer
//! without them (glibc's build, the tools, the tests) runs its batches unchanged.

/// How long jemalloc keeps freed pages while a batch is written. The pages the requests
/// reuse are taken again within milliseconds, so any value past that keeps them; what a
/// longer one adds is the pages nothing reuses. Measured (session 15, the stress batch's
/// peak RSS): 1 s adds 0.3 MB to today's, 5 s 1.2 MB, for the same CPU.
pub const WRITE_PHASE_DIRTY_DECAY_MS: isize = 1_000;

/// The binary's allocator calls around a batch's writes ([`crate::Consumer::with_write_phase`]).
#[derive(Clone, Copy, Debug)]
pub struct WritePhase {
    /// Called once the batch's records are read, before its first write.
    pub begin: fn(),
    /// Called when the batch ends, however it ends: restores what the process started
    /// with and gives back the free pages.
    pub end: fn(),
}

/// A batch's writes under way: dropping it ends the phase, on every way out of the
/// batch (an error, a panic unwinding).
#[must_use = "the phase ends when this is dropped"]
pub(crate) struct Writing(Option<WritePhase>);

impl Writing {
    pub(crate) fn begin(phase: Option<WritePhase>) -> Self {
        if let Some(p) = phase {
            (p.begin)();
        }
        Self(phase)
    }
}

impl Drop for Writing {
    fn drop(&mut self) {
        if let Some(phase) = self.0.take() {
            (phase.end)();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    // One test uses these statics: the calls are `fn` pointers, which cannot capture.
    static BEGINS: AtomicUsize = AtomicUsize::new(0);
    static ENDS: AtomicUsize = AtomicUsize::new(0);

    fn begin() {
        BEGINS.fetch_add(1, Ordering::SeqCst);
    }

    fn end() {
        ENDS.fetch_add(1, Ordering::SeqCst);
    }

    #[test]
    fn the_phase_begins_once_and_ends_when_the_batch_does() {
        // GIVEN the allocator's two calls
        let phase = WritePhase { begin, end };
        // WHEN a batch's writes begin
        let writing = Writing::begin(Some(phase));
        // THEN the phase has begun once and not ended while the batch runs
        assert_eq!(
            (BEGINS.load(Ordering::SeqCst), ENDS.load(Ordering::SeqCst)),
            (1, 0)
        );
        // AND it ends once when the batch does
        drop(writing);
        assert_eq!(
            (BEGINS.load(Ordering::SeqCst), ENDS.load(Ordering::SeqCst)),
            (1, 1)
        );
        // AND a consumer without the calls makes none
        drop(Writing::begin(None));
        assert_eq!(
            (BEGINS.load(Ordering::SeqCst), ENDS.load(Ordering::SeqCst)),
            (1, 1)
        );
    }
}
