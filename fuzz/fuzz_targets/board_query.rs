//! The board's query strings: any query a client sends, decoded as the router decodes
//! it (axum's `Query<HashMap<String, String>>` is `serde_urlencoded`), is parsed into
//! valid parameters or refused with a bounded message, never a panic; a cursor that
//! passes the parsing goes on to the cursor's decoding, which refuses or accepts it
//! without a panic too.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks/board_query.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::check(data));
