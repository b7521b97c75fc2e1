//! An ingest request body → records and rejections by index, or a bad request: never
//! a panic; every record within Kinesis' limit, every index told once, reasons bounded.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks/ingest_request.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::check(data));
