//! The board's cursor, which comes back from any client: whatever the string, decoding
//! answers a cursor or a `CursorError`, never panics, and accepts only a cursor of the
//! asked prediction whose key is a board sort key, which then round-trips.
//!
//! The first byte picks what the rest is: 0, a string as a client sends it (only the
//! corpus's cursors carry a valid tag); 1, a payload signed with the board's key (as if
//! the key leaked, or the board had signed something odd), so the checks behind the
//! tag are reached; 2, a sort key the board itself would sign.
//!
//! The target's check, shared: `fuzz/fuzz_targets/board_cursor.rs` runs it under libFuzzer,
//! and `crates/core/tests/fuzz_corpus.rs` replays the committed corpus through it in
//! `make test`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use tweetboard_core::board::cursor::{is_sort_key, Cursor, CursorKey};
use tweetboard_core::board::CursorError;
use tweetboard_core::Prediction;

/// The key the corpus's valid cursors are signed with (fuzz/corpus/board_cursor).
const SECRET: &[u8] = b"fuzzing-the-board-cursor-key-0123456789";

/// `<base64url payload>.<base64url HMAC-SHA256 tag>`, as `Cursor::encode` signs.
fn sign(payload: &[u8]) -> String {
    let payload = URL_SAFE_NO_PAD.encode(payload);
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET).unwrap();
    mac.update(payload.as_bytes());
    format!(
        "{payload}.{}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    )
}

fn check_cursor(raw: &str, key: &CursorKey) {
    for prediction in [Prediction::On, Prediction::Off] {
        match Cursor::decode(raw, prediction, key) {
            Ok(c) => {
                assert_eq!(c.prediction, prediction.as_str());
                assert!(is_sort_key(&c.before), "{:?}", c.before);
                assert_eq!(Cursor::decode(&c.encode(key), prediction, key), Ok(c));
            }
            Err(e) => assert!(e.to_string().len() < 200 + raw.len()),
        }
    }
}

/// Panics if `data` breaks the target's invariants.
pub fn check(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let key = CursorKey::from_secret(SECRET);
    match mode % 3 {
        0 => check_cursor(&String::from_utf8_lossy(rest), &key),
        1 => check_cursor(&sign(rest), &key),
        _ => {
            let c = Cursor {
                prediction: "ON".into(),
                before: String::from_utf8_lossy(rest).into_owned(),
            };
            let raw = c.encode(&key);
            match Cursor::decode(&raw, Prediction::On, &key) {
                Ok(decoded) => {
                    assert!(is_sort_key(&c.before));
                    assert_eq!(decoded, c);
                }
                Err(CursorError::NotAKey) => assert!(!is_sort_key(&c.before)),
                Err(e) => panic!("a cursor the board signed was refused: {e}"),
            }
            assert_eq!(
                Cursor::decode(&raw, Prediction::Off, &key),
                Err(CursorError::OtherPrediction("ON".into()))
            );
        }
    }
}
