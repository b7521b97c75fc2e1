//! The board's query strings: any query a client sends, decoded as the router decodes
//! it (axum's `Query<HashMap<String, String>>` is `serde_urlencoded`), is parsed into
//! valid parameters or refused with a bounded message, never a panic; a cursor that
//! passes the parsing goes on to the cursor's decoding, which refuses or accepts it
//! without a panic too.
//!
//! The target's check, shared: `fuzz/fuzz_targets/board_query.rs` runs it under libFuzzer,
//! and `crates/core/tests/fuzz_corpus.rs` replays the committed corpus through it in
//! `make test`.

use std::collections::HashMap;

use tweetboard_core::board::cursor::{Cursor, CursorKey};
use tweetboard_core::board::query::{
    parse_hours, parse_show, parse_tweets_query, MAX_CHART_HOURS, MAX_LIMIT,
};

/// The key the corpus's valid cursors are signed with (as for `board_cursor`).
const SECRET: &[u8] = b"fuzzing-the-board-cursor-key-0123456789";

/// Panics if `data` breaks the target's invariants.
pub fn check(data: &[u8]) {
    let Ok(query) = std::str::from_utf8(data) else {
        return;
    };
    // A query the router cannot decode is axum's own 400, before our parsing.
    let Ok(params) = serde_urlencoded::from_str::<HashMap<String, String>>(query) else {
        return;
    };
    // An error quotes what it refuses (escaped): bounded by the query it came from.
    let bound = 200 + 10 * query.len();
    match parse_tweets_query(&params) {
        Ok(q) => {
            assert!((1..=MAX_LIMIT).contains(&q.limit));
            assert!(params
                .keys()
                .all(|k| ["prediction", "limit", "cursor"].contains(&k.as_str())));
            if let Some(cursor) = &q.cursor {
                assert!(!cursor.is_empty());
                let key = CursorKey::from_secret(SECRET);
                if let Ok(c) = Cursor::decode(cursor, q.prediction, &key) {
                    assert_eq!(c.prediction, q.prediction.as_str());
                }
            }
        }
        Err(e) => assert!(e.to_string().len() <= bound),
    }
    match parse_hours(&params) {
        Ok(h) => assert!((1..=MAX_CHART_HOURS).contains(&h)),
        Err(e) => assert!(e.to_string().len() <= bound),
    }
    let _ = parse_show(&params);
}
