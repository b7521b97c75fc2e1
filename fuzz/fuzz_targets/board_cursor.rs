//! The board's cursor, which comes back from any client: whatever the string, decoding
//! answers a cursor or a `CursorError`, never panics, and accepts only a cursor of the
//! asked prediction whose key is a board sort key, which then round-trips.
//!
//! The first byte picks what the rest is: 0, a string as a client sends it (only the
//! corpus's cursors carry a valid tag); 1, a payload signed with the board's key (as if
//! the key leaked, or the board had signed something odd), so the checks behind the
//! tag are reached; 2, a sort key the board itself would sign.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks/board_cursor.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::check(data));
