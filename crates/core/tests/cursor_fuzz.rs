//! Fuzzing the board's cursor, which comes back from any client: whatever the string,
//! and whatever a signed payload holds (as if the key leaked, or the board itself had
//! signed something odd), decoding answers `Ok` or a `CursorError`, never panics, and
//! accepts only cursors of the asked prediction whose key is a board sort key
//! (`<RFC 3339 time>#<20-digit id>`).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::DateTime;
use hmac::{Hmac, Mac};
use proptest::prelude::*;
use sha2::Sha256;
use tweetboard_core::board::cursor::{Cursor, CursorKey};
use tweetboard_core::Prediction;

const SECRET: &str = "a-secret-of-at-least-thirty-two-characters";

/// The tag `Cursor::encode` appends: HMAC-SHA256 of the payload under the secret.
fn sign(payload: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(payload);
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// Strings shaped like cursors: two base64url-ish parts around a dot, or anything.
fn cursor_like() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        ("[A-Za-z0-9_-]{0,200}", "[A-Za-z0-9_.=-]{0,60}").prop_map(|(a, b)| format!("{a}.{b}")),
    ]
}

/// JSON payloads near a cursor's shape, with hostile values.
fn payload() -> impl Strategy<Value = Vec<u8>> {
    let text = prop_oneof![
        any::<String>(),
        Just("ON".to_owned()),
        Just("OFF".to_owned()),
        "[0-9#:TZ.-]{0,40}"
    ];
    let key = prop_oneof![
        any::<String>(),
        Just("2026-11-27T10:00:00Z#00000000000000000042".to_owned()),
        Just("+262143-12-31T00:00:00Z#00000000000000000042".to_owned()),
        Just("2026-11-27T10:00:00Z#42".to_owned()),
        "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z#[0-9]{18,22}",
    ];
    (text, key, any::<Vec<u8>>(), 0u8..4).prop_map(|(p, k, raw, shape)| match shape {
        0 => raw,
        _ => serde_json::to_vec(&serde_json::json!({"p": p, "k": k})).unwrap(),
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(2_000),
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_string_is_refused_or_decoded_never_a_panic(raw in cursor_like()) {
        let key = CursorKey::from_secret(SECRET);
        // Unsigned by this key: only refusal is possible.
        prop_assert!(Cursor::decode(&raw, Prediction::On, &key).is_err());
    }

    #[test]
    fn the_test_signs_as_the_board_does(id in 0u64..u64::MAX) {
        let key = CursorKey::from_secret(SECRET);
        let c = Cursor {
            prediction: "ON".into(),
            before: format!("2026-11-27T10:00:00Z#{id:020}"),
        };
        let raw = c.encode(&key);
        let (payload, tag) = raw.split_once('.').unwrap();
        prop_assert_eq!(sign(payload.as_bytes()), tag);
    }

    #[test]
    fn a_signed_payload_decodes_only_when_it_is_a_valid_cursor(bytes in payload()) {
        let key = CursorKey::from_secret(SECRET);
        let b64 = URL_SAFE_NO_PAD.encode(&bytes);
        let tag = sign(b64.as_bytes());
        let raw = format!("{b64}.{tag}");
        if let Ok(c) = Cursor::decode(&raw, Prediction::On, &key) {
            prop_assert_eq!(c.prediction.as_str(), "ON");
            let (time, id) = c.before.rsplit_once('#').expect("a sort key");
            prop_assert!(id.len() == 20 && id.bytes().all(|b| b.is_ascii_digit()));
            prop_assert!(DateTime::parse_from_rfc3339(time).is_ok());
        }
    }
}
