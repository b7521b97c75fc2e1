//! Tweet ids as the watermark compares them: exact integers of any length. X ids are
//! above 2^53 (a float would round them) and grow a digit now and then ("99" < "100",
//! which a string comparison gets wrong), so an id is kept as its canonical digits and
//! ordered by length first, then digit by digit.

use std::cmp::Ordering;
use std::fmt;

/// The most digits an id may have: far more than any snowflake id (20), and what the
/// four-digit length prefix of [`SinceId::order_key`] can spell.
pub const MAX_ID_DIGITS: usize = 9999;

/// A positive decimal tweet id of any length, without leading zeros.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SinceId(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0} is not a positive decimal tweet id")]
pub struct InvalidId(String);

impl SinceId {
    /// Accepts only canonical decimal digits: no sign, no leading zero, no exponent, not
    /// zero. `"0012"` is refused rather than read as 12: an id is a key, and two spellings
    /// of one key would be two tweets.
    pub fn parse(raw: &str) -> Result<Self, InvalidId> {
        let ok = !raw.is_empty()
            && raw.len() <= MAX_ID_DIGITS
            && raw.bytes().all(|b| b.is_ascii_digit())
            && !raw.starts_with('0');
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(InvalidId(crate::error::preview(raw, 32)))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id one below, in decimal of any length (`None` below 1): a watermark that
    /// keeps this id itself still to be read.
    pub fn predecessor(&self) -> Option<SinceId> {
        let mut digits = self.0.clone().into_bytes();
        for d in digits.iter_mut().rev() {
            if *d == b'0' {
                *d = b'9';
            } else {
                *d -= 1;
                break;
            }
        }
        let text = String::from_utf8(digits).ok()?;
        SinceId::parse(text.trim_start_matches('0')).ok()
    }

    /// A string whose byte order is the ids' numeric order (`"0003:100"` > `"0002:99"`):
    /// what the watermark table compares in its condition, since DynamoDB compares
    /// strings byte by byte and its numbers stop at 38 digits.
    pub fn order_key(&self) -> String {
        format!("{:04}:{}", self.0.len(), self.0)
    }
}

impl Ord for SinceId {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.as_bytes().cmp(other.0.as_bytes()))
    }
}

impl PartialOrd for SinceId {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for SinceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for SinceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SinceId({})", self.0)
    }
}

impl serde::Serialize for SinceId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> SinceId {
        SinceId::parse(s).unwrap()
    }

    #[test]
    fn ids_compare_as_integers_of_any_length() {
        assert!(id("100") > id("99"));
        assert!(id("10000000000000000000") > id("9999999999999999999"));
        // Above 2^53, where a float would make these equal.
        assert!(id("9007199254740993") > id("9007199254740992"));
        let long = "1".repeat(40);
        assert!(id(&long) > id("18446744073709551615"));
        assert_eq!(
            id("1850000000000000001").cmp(&id("1850000000000000001")),
            Ordering::Equal
        );
    }

    #[test]
    fn order_keys_sort_as_the_ids_do() {
        let mut ids = [
            "99",
            "100",
            "9007199254740993",
            "9007199254740992",
            "18446744073709551615",
            "1",
        ]
        .map(id);
        let mut keys: Vec<String> = ids.iter().map(SinceId::order_key).collect();
        ids.sort();
        keys.sort();
        assert_eq!(keys, ids.iter().map(SinceId::order_key).collect::<Vec<_>>());
    }

    #[test]
    fn only_canonical_positive_digits_are_ids() {
        for bad in ["", "0", "012", "-1", "1e18", "1.5", " 12", "12a"] {
            assert!(SinceId::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_predecessor_borrows_across_digits_and_lengths() {
        assert_eq!(
            id("18446744073709551616").predecessor(),
            Some(id("18446744073709551615"))
        );
        assert_eq!(
            id("10000000000000000000").predecessor(),
            Some(id("9999999999999999999"))
        );
        assert_eq!(id("2").predecessor(), Some(id("1")));
        assert_eq!(id("1").predecessor(), None);
    }
}
