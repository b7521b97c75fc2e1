//! A Kinesis record's bytes → a tweet, or a typed error: never a panic, a decoded tweet
//! always has a canonical id (digits, no leading zero) and bounded error text, and the
//! result is exactly the reference serde decoder's (the check is in `../checks/`).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks/decode_record.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::check(data));
