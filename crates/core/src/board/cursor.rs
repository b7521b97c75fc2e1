//! The board's pagination cursor: where a page stopped, signed so that a client can
//! only send back a cursor this board issued.
//!
//! Pure logic (JSON, base64url, HMAC-SHA256), no I/O: it sits in the domain so that
//! its decoding, which takes any string a client sends, can be fuzzed without building
//! the AWS SDK (`fuzz/fuzz_targets/board_cursor.rs`). The DynamoDB adapter
//! (`tweetboard_aws::board`) issues and checks cursors with it and re-exports it.
//!
//! Nothing in a cursor is trusted: it must carry a valid tag, be of the asked
//! prediction, and its key must be a board sort key (`<created_at>#<20-digit id>`).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::DateTime;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

use super::CursorError;
use crate::classification::Prediction;

/// The secret that signs cursors (HMAC-SHA256), so a client can only send back a
/// cursor this board issued. From `BOARD_CURSOR_KEY`, or random per process (see
/// `tweetboard_aws::config::BoardConfig`).
#[derive(Clone)]
pub struct CursorKey(Vec<u8>);

impl CursorKey {
    /// The shortest secret accepted from the environment.
    pub const MIN_SECRET_LEN: usize = 32;

    /// A key from a configured secret.
    pub fn from_secret(secret: impl AsRef<[u8]>) -> Self {
        Self(secret.as_ref().to_vec())
    }

    /// A fresh random key: cursors signed with it are refused by every other process.
    pub fn random() -> Self {
        let mut bytes = vec![0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(bytes)
    }

    fn mac(&self, payload: &[u8]) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(payload);
        mac
    }
}

/// Never prints the secret.
impl std::fmt::Debug for CursorKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CursorKey(..)")
    }
}

/// Where a page stopped: the sort key of the last tweet it returned. On the wire:
/// `<base64url JSON>.<base64url HMAC-SHA256 of the first part>`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Cursor {
    /// The prediction the walk lists, `ON` or `OFF`.
    #[serde(rename = "p")]
    pub prediction: String,
    /// The last sort key returned (`<created_at>#<20-digit id>`); the next page holds
    /// the tweets strictly before it.
    #[serde(rename = "k")]
    pub before: String,
}

impl Cursor {
    /// The signed wire form.
    pub fn encode(&self, key: &CursorKey) -> String {
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).expect("serialisable"));
        let tag = URL_SAFE_NO_PAD.encode(key.mac(payload.as_bytes()).finalize().into_bytes());
        format!("{payload}.{tag}")
    }

    /// Checks the signature, then that the cursor is of `prediction` and that its key is
    /// a board sort key.
    pub fn decode(raw: &str, prediction: Prediction, key: &CursorKey) -> Result<Self, CursorError> {
        let (payload, tag) = raw.split_once('.').ok_or(CursorError::Malformed)?;
        let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| CursorError::Malformed)?;
        key.mac(payload.as_bytes())
            .verify_slice(&tag)
            .map_err(|_| CursorError::Malformed)?;
        let bytes = URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| CursorError::Malformed)?;
        let c: Cursor = serde_json::from_slice(&bytes).map_err(|_| CursorError::Malformed)?;
        if c.prediction != prediction.as_str() {
            return Err(CursorError::OtherPrediction(c.prediction));
        }
        if !is_sort_key(&c.before) {
            return Err(CursorError::NotAKey);
        }
        Ok(c)
    }
}

/// Whether `sort` is a board sort key: `<created_at RFC 3339>#<20-digit zero-padded id>`.
pub fn is_sort_key(sort: &str) -> bool {
    let Some((created_at, padded_id)) = sort.rsplit_once('#') else {
        return false;
    };
    padded_id.len() == 20
        && padded_id.bytes().all(|b| b.is_ascii_digit())
        && DateTime::parse_from_rfc3339(created_at).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "1859000000000000001";

    fn cursor_at(sort: String) -> Cursor {
        Cursor {
            prediction: "ON".into(),
            before: sort,
        }
    }

    fn sort_key(created_at: &str, id: &str) -> String {
        format!("{created_at}#{id:0>20}")
    }

    #[test]
    fn a_cursor_round_trips_with_the_key_that_signed_it() {
        // GIVEN a cursor after a tweet, signed
        let key = CursorKey::from_secret("k".repeat(32));
        let c = cursor_at(sort_key("2026-11-26T10:00:00.000Z", ID));

        // WHEN it comes back
        let decoded = Cursor::decode(&c.encode(&key), Prediction::On, &key);

        // THEN it is the same cursor
        assert_eq!(decoded, Ok(c));
    }

    #[test]
    fn a_cursor_of_the_other_prediction_is_refused() {
        let key = CursorKey::random();
        let c = cursor_at(sort_key("2026-11-26T10:00:00.000Z", ID));

        let decoded = Cursor::decode(&c.encode(&key), Prediction::Off, &key);

        assert_eq!(decoded, Err(CursorError::OtherPrediction("ON".into())));
    }

    #[test]
    fn an_unsigned_tampered_or_foreign_cursor_is_refused() {
        // GIVEN a signed cursor, and the same payload unsigned, altered, or signed by
        // another process's random key
        let key = CursorKey::random();
        let c = cursor_at(sort_key("2026-11-20T10:00:00.000Z", ID));
        let signed = c.encode(&key);
        let (payload, tag) = signed.split_once('.').unwrap();
        let later = URL_SAFE_NO_PAD
            .encode(serde_json::to_vec(&cursor_at(sort_key("2026-11-25T10:00:00.000Z", ID))).unwrap());
        let foreign = c.encode(&CursorKey::random());

        for raw in [
            payload.to_owned(),
            format!("{later}.{tag}"),
            format!("{payload}.{}", &tag[1..]),
            foreign,
            "!!!".to_owned(),
            "e30".to_owned(),
            String::new(),
        ] {
            // WHEN each comes back
            let decoded = Cursor::decode(&raw, Prediction::On, &key);

            // THEN it is not one this board issued
            assert_eq!(decoded, Err(CursorError::Malformed), "{raw:?}");
        }
    }

    #[test]
    fn a_signed_cursor_whose_key_is_not_a_board_sort_key_is_refused() {
        // GIVEN correctly signed cursors whose key is not a board sort key
        let key = CursorKey::random();
        for sort in [
            format!("2026-11-26T10:00:00.000Z#{ID}"),
            sort_key("2026-11-26T10:00:00.000Z", "18x9"),
            sort_key("2026-11-26-not-a-time", ID),
            "2026-11-26T10:00:00.000Z".to_owned(),
            String::new(),
        ] {
            // WHEN it comes back
            let decoded = Cursor::decode(&cursor_at(sort.clone()).encode(&key), Prediction::On, &key);

            // THEN it is refused
            assert_eq!(decoded, Err(CursorError::NotAKey), "{sort}");
        }
    }

    #[test]
    fn the_cursor_key_is_never_printed() {
        let key = CursorKey::from_secret("a-secret-that-must-not-be-logged-ever");

        assert_eq!(format!("{key:?}"), "CursorKey(..)");
    }
}
