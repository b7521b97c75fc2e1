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
//! (BENCHMARKS.md, "Where issue 12's targets stand now (session 15)"). So for the writes
//! alone the binary keeps freed pages of small extents for reuse
//! ([`WRITE_PHASE_DIRTY_DECAY_MS`]) and still gives large ones back at once
//! ([`WRITE_PHASE_OVERSIZE_THRESHOLD`]); when the batch ends it restores both options,
//! which purges what the arena held free, so a warm instance waits for its next batch
//! with what it held before.
//!
//! The library does not declare the allocator: the binary hands the calls over
//! ([`jemalloc::WRITE_PHASE`]), and a consumer without them (glibc's build, the tools, the
//! tests) runs its batches unchanged. The phase is a switch, not a count: it assumes one
//! batch at a time, as `lambda_runtime::Runtime::run` gives (with concurrent invocations
//! the first batch's end would end it for the others too, which costs CPU, not memory).

/// How long jemalloc keeps freed pages while a batch is written. The pages the requests
/// reuse are taken again within milliseconds, so any value past that keeps them; what a
/// longer one adds is the pages nothing reuses. Measured (session 15, the stress batch's
/// peak RSS): 1 s added 0.3 MB to session 14's binary, 5 s 1.2 MB, for the same CPU.
pub const WRITE_PHASE_DIRTY_DECAY_MS: isize = 1_000;

/// Free extents of this size or more go back at once even during the writes: a record
/// of hundreds of KB (Kinesis takes up to 1 MiB) leaves its decoded text, its item and
/// its request in extents nothing else reuses, and keeping them took a 6 MB batch of
/// four 1 MiB tweets from 30 to 36 MB (the session 15 attacker's finding). The slabs the
/// requests churn are 4–28 KB. The price: records of 32–64 KB free blocks that merge
/// past it, so a batch of them gets little of the phase's saving (its second reviewer's
/// 90 records of 48 KB: 2,598 `madvise` calls without the phase, 117 with the decay
/// alone, 1,377 with this threshold), for at most 1.6 MB more than without the phase.
pub const WRITE_PHASE_OVERSIZE_THRESHOLD: usize = 64 * 1024;

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
/// batch (an error, a panic unwinding). Public for the binary's tests of its allocator.
#[must_use = "the phase ends when this is dropped"]
pub struct Writing(Option<WritePhase>);

impl Writing {
    pub fn begin(phase: Option<WritePhase>) -> Self {
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

/// The write phase on the binary's jemalloc (`tikv-jemalloc-sys`, the consumer's
/// `jemalloc` feature, Linux). Only a process whose global allocator is that jemalloc
/// may be handed it: the consumer binary does (`src/main.rs`).
#[cfg(all(feature = "jemalloc", target_os = "linux"))]
pub mod jemalloc {
    use std::ffi::{c_void, CStr};
    use std::sync::OnceLock;

    use super::{WritePhase, WRITE_PHASE_DIRTY_DECAY_MS, WRITE_PHASE_OVERSIZE_THRESHOLD};

    /// Arena 0 (the only one, `narenas:1`) keeps freed pages of extents under
    /// [`WRITE_PHASE_OVERSIZE_THRESHOLD`] for [`WRITE_PHASE_DIRTY_DECAY_MS`] while a
    /// batch is written. The end puts back the two options arena 0 had before the first
    /// batch: setting the decay option purges every page the arena holds free
    /// (jemalloc's manual, under `arena.<i>.dirty_decay_ms`), which is how the pages go
    /// back. Under a `_RJEM_MALLOC_CONF` that sets another decay (for measuring), neither
    /// call does anything: that setting is then what runs. A call jemalloc refused would
    /// leave its option as it was.
    pub const WRITE_PHASE: WritePhase = WritePhase { begin, end };

    /// Arena 0's decay and threshold as the process started, read once, before the first
    /// phase changes them (never written after: what `end` puts back).
    struct Started {
        dirty_decay_ms: Option<isize>,
        oversize_threshold: Option<usize>,
    }

    fn started() -> &'static Started {
        static STARTED: OnceLock<Started> = OnceLock::new();
        STARTED.get_or_init(|| Started {
            dirty_decay_ms: read(c"arena.0.dirty_decay_ms"),
            oversize_threshold: read(c"arena.0.oversize_threshold"),
        })
    }

    fn begin() {
        if started().dirty_decay_ms == Some(0) {
            write(c"arena.0.oversize_threshold", WRITE_PHASE_OVERSIZE_THRESHOLD);
            write(c"arena.0.dirty_decay_ms", WRITE_PHASE_DIRTY_DECAY_MS);
        }
    }

    fn end() {
        let started = started();
        if started.dirty_decay_ms == Some(0) {
            write(c"arena.0.dirty_decay_ms", 0isize);
            if let Some(threshold) = started.oversize_threshold {
                write(c"arena.0.oversize_threshold", threshold);
            }
        }
    }

    /// The types of the options read here: any value jemalloc writes into one of them is
    /// valid (it writes a C `bool` as 0 or 1), and a name of another size is refused.
    pub trait Value: Copy + Default + sealed::Sealed {}
    impl Value for isize {}
    impl Value for usize {}
    impl Value for u32 {}
    impl Value for bool {}
    mod sealed {
        pub trait Sealed {}
        impl Sealed for isize {}
        impl Sealed for usize {}
        impl Sealed for u32 {}
        impl Sealed for bool {}
    }

    /// An option as jemalloc holds it, `None` if it refuses the name (or its type is not
    /// `T`'s size). Also the binary's tests' way to read the options back.
    pub fn read<T: Value>(name: &CStr) -> Option<T> {
        let mut value = T::default();
        let mut len = std::mem::size_of::<T>();
        // SAFETY: `value` is a `T` of `len` bytes; jemalloc copies at most `len` bytes
        // into it and refuses a name whose type has another size; every bit pattern it
        // writes is a valid `T` (`Value`).
        let rc = unsafe {
            tikv_jemalloc_sys::mallctl(
                name.as_ptr(),
                (&mut value as *mut T).cast::<c_void>(),
                &mut len,
                std::ptr::null_mut(),
                0,
            )
        };
        (rc == 0).then_some(value)
    }

    fn write<T: Copy>(name: &CStr, value: T) {
        let mut value = value;
        // SAFETY: as in `read`; jemalloc copies the value of the length given.
        unsafe {
            tikv_jemalloc_sys::mallctl(
                name.as_ptr(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                (&mut value as *mut T).cast::<c_void>(),
                std::mem::size_of::<T>(),
            );
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
