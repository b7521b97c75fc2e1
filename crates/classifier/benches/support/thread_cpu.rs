//! The thread's own CPU clock, for benches that report CPU time rather than wall time
//! (on a shared machine, wall time counts the time other processes hold the core).
//! Shared by `crates/classifier/benches/classify.rs` and
//! `crates/consumer/benches/record.rs` through `#[path]`; it lives in a subfolder so
//! cargo does not take it for a bench target of its own.

use std::time::Duration;

/// CPU time this thread has used: `clock_gettime(CLOCK_THREAD_CPUTIME_ID)`.
pub fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the clock id is a constant Linux and
    // macOS both define. On failure the call leaves `ts` at zero.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}
