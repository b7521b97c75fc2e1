//! An invocation's body → a Kinesis event's records, or a typed error: never a panic, the
//! result exactly the exact read's (the fast path compared with it), and the records'
//! invariants kept (the check is in `../checks/`).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks/event_body.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::check(data));
