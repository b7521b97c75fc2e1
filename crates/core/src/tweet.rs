//! The tweet as the domain sees it, whatever API version it came from.

use std::fmt;

use crate::decode::fast::scan::digit_count;
use crate::error::DecodeError;

/// A tweet id: the exact decimal form of a 64-bit snowflake.
///
/// Ids exceed 2^53, so they must never pass through a float (JavaScript's `Number`
/// silently rounds them; that is why the v1.1 API added `id_str`). The only way in is
/// [`TweetId::parse`], which accepts decimal digits that fit in a `u64`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TweetId(String);

impl TweetId {
    /// The widest id we accept: `u64::MAX` has 20 digits.
    const MAX_DIGITS: usize = 20;

    pub fn parse(raw: &str) -> Result<Self, DecodeError> {
        Self::check(raw)?;
        Ok(Self(raw.to_owned()))
    }

    /// [`Self::parse`] of a string the caller no longer needs: kept without a copy.
    pub fn parse_owned(raw: String) -> Result<Self, DecodeError> {
        Self::check(&raw)?;
        Ok(Self(raw))
    }

    fn check(raw: &str) -> Result<(), DecodeError> {
        let ok = !raw.is_empty()
            && raw.len() <= Self::MAX_DIGITS
            && all_ascii_digits(raw.as_bytes())
            && (raw == "0" || !raw.starts_with('0'))
            // Fewer than 20 digits always fit in a u64; 20 fit up to `u64::MAX`, which
            // for digit strings of one length is a string comparison (cheaper than
            // parsing, issue 12).
            && (raw.len() < Self::MAX_DIGITS || raw <= "18446744073709551615");
        if ok && raw != "0" {
            Ok(())
        } else {
            Err(DecodeError::InvalidId(format!(
                "{} is not a positive 64-bit decimal id",
                crate::error::preview(raw, 32)
            )))
        }
    }

    pub fn from_u64(id: u64) -> Result<Self, DecodeError> {
        Self::parse(&id.to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Zero-padded to 20 digits so that ids sort as strings in numeric order.
    pub fn padded(&self) -> String {
        format!("{:0>20}", self.0)
    }
}

/// Whether every byte of `b` is an ASCII digit, eight a step by the JSON fast path's
/// count of a word's leading digits: a byte at a time cost a 19-digit id 120
/// instructions, every tweet (issue 12, twelfth round).
fn all_ascii_digits(b: &[u8]) -> bool {
    let mut words = b.chunks_exact(8);
    words
        .by_ref()
        .all(|word| digit_count(u64::from_le_bytes(word.try_into().expect("8 bytes"))) == 8)
        && words.remainder().iter().all(u8::is_ascii_digit)
}

impl fmt::Display for TweetId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The client's name from a tweet's `source`: v1.1 gives an HTML anchor
/// (`<a href="...">Twitter for iPhone</a>`), v2 the name itself; plain text is kept.
pub fn source_name(source: &str) -> &str {
    // By bytes: the `>` ending the opening tag by `memchr`, the closing tag's `</` from the
    // end, where `rfind("</")` set up a substring search for every record (the recipe and
    // the content hash each ask; issue 12's tenth round). `>` and `</` are ASCII, so the
    // name between them starts and ends on characters.
    let bytes = source.as_bytes();
    let end = bytes.windows(2).rposition(|w| w == b"</");
    match (memchr::memchr(b'>', bytes), end) {
        (Some(start), Some(end)) if start < end => source[start + 1..end].trim(),
        _ => source.trim(),
    }
}

/// A tweet, normalised from the v1.1 or v2 API shape. `text` is kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tweet {
    pub id: TweetId,
    pub text: String,
    pub name: String,
    pub screen_name: String,
    pub followers: u64,
    pub friends: u64,
    pub listed: u64,
    pub statuses: u64,
    pub retweets: u64,
    pub favourites: u64,
    /// The client the tweet was sent from, as the API gave it (v1.1 gives HTML).
    pub source: String,
    pub image_url: String,
    /// Creation time in RFC 3339 UTC, when the tweet carried a parseable one.
    pub created_at: Option<String>,
    /// For a v1.1 retweet (`retweeted_status`): the retweeted tweet's full text and
    /// author, so the board can show it whole with "retweeted by" (the retweet's own
    /// `text` is `RT @user: ` and a truncated copy).
    pub retweeted: Option<Retweeted>,
    /// The links of the text (`entities.urls`, the retweeted tweet's included): each
    /// `t.co` URL with the expanded URL it stands for. At most [`MAX_URLS`].
    pub urls: Vec<(String, String)>,
}

/// The most `entities.urls` kept per tweet: a tweet holds a handful; a hostile record
/// could list thousands.
pub const MAX_URLS: usize = 20;

/// The retweeted tweet of a retweet, as the board shows it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Retweeted {
    pub text: String,
    pub name: String,
    pub screen_name: String,
    pub image_url: String,
}

impl Tweet {
    /// A tweet with only an id and text; the account fields are empty or zero.
    pub fn new(id: TweetId, text: impl Into<String>) -> Self {
        Self {
            id,
            text: text.into(),
            name: String::new(),
            screen_name: String::new(),
            followers: 0,
            friends: 0,
            listed: 0,
            statuses: 0,
            retweets: 0,
            favourites: 0,
            source: String::new(),
            image_url: String::new(),
            created_at: None,
            retweeted: None,
            urls: Vec::new(),
        }
    }

    pub fn id(&self) -> &TweetId {
        &self.id
    }

    /// A hash of the tweet's content, stored with each item so that a second, different
    /// record under the same id can be recognised as a conflict rather than a redelivery.
    /// Computed over the normalised fields, so a v1.1 and a v2 copy of the same tweet
    /// agree: the source counts by its client name, since v1.1 wraps it in an anchor.
    pub fn content_hash(&self) -> String {
        self.hash_with_source(source_name(&self.source))
    }

    /// Whether `stored` (a stored item's `content_hash`) is this tweet's content. Items
    /// stored before the source was normalised carry a hash over the source as given,
    /// which is accepted too: a redelivery of such a tweet is no conflict.
    pub fn matches_stored_hash(&self, stored: &str) -> bool {
        stored == self.content_hash() || stored == self.hash_with_source(&self.source)
    }

    fn hash_with_source(&self, source: &str) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for field in [
            self.id().as_str(),
            &self.text,
            &self.name,
            &self.screen_name,
            source,
            &self.image_url,
            self.created_at.as_deref().unwrap_or(""),
        ] {
            h.update((field.len() as u64).to_le_bytes());
            h.update(field.as_bytes());
        }
        for n in [
            self.followers,
            self.friends,
            self.listed,
            self.statuses,
            self.retweets,
            self.favourites,
        ] {
            h.update(n.to_le_bytes());
        }
        lower_hex(&h.finalize()[..16])
    }
}

/// `bytes` in lowercase hex, two digits a byte: what `format!("{b:02x}")` of each gives,
/// written directly (issue 12: a `format!` per byte of the content hash was 16
/// allocations and about 6,500 instructions a stored tweet).
fn lower_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(2 * bytes.len());
    for &b in bytes {
        hex.push(char::from(HEX[usize::from(b >> 4)]));
        hex.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    hex
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_digit_check_by_words_is_a_byte_at_a_time_check() {
        // GIVEN strings of 0 to 24 digits with one byte of every value put at every
        // position (and the digits alone); WHEN checked eight bytes a step; THEN the
        // answer is a byte-at-a-time check's
        for len in 0..=24 {
            let digits: Vec<u8> = (0..len).map(|k| b'0' + (k * 7 % 10) as u8).collect();
            assert!(super::all_ascii_digits(&digits), "{digits:?}");
            for at in 0..len {
                for byte in 0..=255u8 {
                    let mut b = digits.clone();
                    b[at] = byte;
                    assert_eq!(
                        super::all_ascii_digits(&b),
                        b.iter().all(u8::is_ascii_digit),
                        "{b:?}"
                    );
                }
            }
        }
    }

    use super::*;

    #[test]
    fn ids_above_2_pow_53_are_kept_exactly() {
        let id = TweetId::parse("1850000000000000001").unwrap();
        assert_eq!(id.as_str(), "1850000000000000001");
        assert_eq!(id.padded(), "01850000000000000001");
    }

    #[test]
    fn rejects_non_ids() {
        for bad in ["", "0", "-1", "12a", "1.5e18", "01", "18446744073709551616", " 1"] {
            assert!(TweetId::parse(bad).is_err(), "{bad:?} should be rejected");
        }
        assert!(TweetId::parse("18446744073709551615").is_ok());
    }

    #[test]
    fn the_id_check_agrees_with_parsing_a_u64() {
        // GIVEN digit strings around the 19- and 20-digit edges and u64::MAX; THEN an
        // id is accepted exactly when it is a positive u64 without a leading zero
        let edges = [
            "9999999999999999999",
            "10000000000000000000",
            "18446744073709551614",
            "18446744073709551615",
            "18446744073709551616",
            "18446744073709551625",
            "18446744073709551700",
            "19000000000000000000",
            "28446744073709551615",
            "99999999999999999999",
            "184467440737095516150",
            "1",
            "00000000000000000001",
        ];
        for raw in edges {
            let want = raw.parse::<u64>().is_ok_and(|n| n > 0 && n.to_string() == raw);
            assert_eq!(TweetId::parse(raw).is_ok(), want, "{raw}");
        }
    }

    #[test]
    fn a_hash_stored_before_the_source_was_normalised_still_matches() {
        // GIVEN a v1.1 tweet whose source is an anchor, and the hash older releases
        // stored for it (over the anchor as given)
        let mut tweet = Tweet::new(TweetId::parse("7").unwrap(), "hi");
        tweet.source = r#"<a href="https://x" rel="nofollow">Twitter Web App</a>"#.into();
        let legacy = tweet.hash_with_source(&tweet.source.clone());
        // THEN it is a match, as the current hash is, and other content is not
        assert_ne!(legacy, tweet.content_hash());
        assert!(tweet.matches_stored_hash(&legacy));
        assert!(tweet.matches_stored_hash(&tweet.content_hash()));
        let mut edited = tweet.clone();
        edited.text = "edited".into();
        assert!(!edited.matches_stored_hash(&legacy));
    }

    #[test]
    fn content_hash_depends_on_content() {
        let id = TweetId::parse("7").unwrap();
        let a = Tweet::new(id.clone(), "a");
        let b = Tweet::new(id, "b");
        assert_eq!(a.content_hash(), a.clone().content_hash());
        assert_ne!(a.content_hash(), b.content_hash());
        assert_eq!(a.content_hash().len(), 32);
    }

    #[test]
    fn the_hex_of_every_byte_is_formats() {
        // GIVEN every byte value, alone and all together; THEN its hex is `format!`'s,
        // the encoding of every content hash tables already hold
        let all: Vec<u8> = (0..=255).collect();
        for b in &all {
            assert_eq!(super::lower_hex(&[*b]), format!("{b:02x}"));
        }
        let formatted: String = all.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(super::lower_hex(&all), formatted);
    }

    #[test]
    fn content_hashes_are_the_ones_tables_already_hold() {
        // GIVEN tweets with every field set and none; THEN their hashes are the values
        // earlier releases stored (computed with the `format!`-per-byte hex encoding this
        // replaced): a changed hash would turn every redelivery of a stored tweet into a
        // conflict
        let mut full = Tweet::new(
            TweetId::parse("1993700123456789012").unwrap(),
            "New in #AWS Lambda: é 🚀",
        );
        full.name = "Ada".into();
        full.screen_name = "ada".into();
        full.source = "Twitter Web App".into();
        full.image_url = "https://pbs.twimg.com/a.jpg".into();
        full.created_at = Some("2026-11-26T18:02:11.000Z".into());
        (
            full.followers,
            full.friends,
            full.listed,
            full.statuses,
            full.retweets,
            full.favourites,
        ) = (1, 2, 3, 4, 5, u64::MAX);
        let bare = Tweet::new(TweetId::parse("7").unwrap(), "");
        assert_eq!(full.content_hash(), "973099e833cc0c15b4508ed21e277e92");
        assert_eq!(bare.content_hash(), "ab28b4744d44821028843d344417284e");
    }
}
