//! The batch's first pass reads a tweet's id alone where a cheap look can tell the
//! decoder would take the same id or fail (`crate::decode::decode_tweet_id`, issue 12,
//! session 14): the look itself, on the fast path's parser.

use super::Parser;

/// The id [`crate::decode::decode_tweet`] takes from `bytes`, read by a cheap look where
/// it can tell that the decoder either takes that id or fails; `None` for anything else,
/// and then only the decoder can tell. Two shapes are read:
/// - **a v2 envelope whose first member is `data`**, an object (what the poller writes:
///   `{"data":<tweet>,"includes":...}`): the decoder takes the id from that object
///   whatever follows it (a second `data` is its error), so only the object is read, all
///   of it, for its `id_str` or else its `id`, plain strings, and a `text` or `full_text`
///   string ([`Parser::inner_tweet_id`]);
/// - **a flat tweet** (v1.1, or a bare v2 object) when no key of the record, at any
///   depth, can be `data` ([`no_data_key`]: an envelope takes its id from `data`,
///   wherever it stands): the top-level object's members are read in order until its
///   `id_str` (a plain string) and a `text` or `full_text` string have both been seen,
///   every value before them checked as the fast path checks a value it skips. A v1.1
///   tweet has both among its first four members.
///
/// Any escaped key on the way declines. What is left unread (a known field of the wrong
/// type, an `id_str` given twice, bytes after the object) can only make the decoder fail,
/// never read another id: `id_str` outranks `id` whenever it is a string (`parse_id`).
/// Requiring the text keeps the decoder's commonest refusal (`missing_text`) for it to
/// make.
pub(in crate::decode) fn id_read_alone(bytes: &[u8]) -> Option<&str> {
    let mut p = Parser { b: bytes, i: 0 };
    p.eat(b'{')?;
    p.ws();
    let first_member = p.i;
    if p.member_key()? == b"data" {
        return p.inner_tweet_id();
    }
    if !no_data_key(bytes) {
        return None;
    }
    p.i = first_member;
    let (mut id, mut has_text) = (None, false);
    loop {
        match p.member_key()? {
            b"id_str" => {
                if id.is_some() {
                    return None;
                }
                id = Some(p.plain_string()?);
            }
            b"text" | b"full_text" => {
                has_text |= p.peek()? == b'"';
                p.skip_member_value()?;
            }
            _ => p.skip_member_value()?,
        }
        if has_text && id.is_some() {
            return id;
        }
        match p.after_value()? {
            b',' => p.i += 1,
            _ => return None,
        }
    }
}

impl<'a> Parser<'a> {
    /// The next member's key (after the whitespace before it), read past its colon to
    /// the first byte of its value: the step both walks take for every member.
    #[inline(always)]
    fn member_key(&mut self) -> Option<&'a [u8]> {
        self.ws();
        let key = self.key()?;
        self.colon()?;
        self.ws();
        Some(key)
    }

    /// A string value without an escape, as it stands between its quotes (`None` for
    /// anything else: only the decoder unescapes).
    fn plain_string(&mut self) -> Option<&'a str> {
        if self.peek()? != b'"' {
            return None;
        }
        let start = self.i + 1;
        let end = self.string_special(start);
        if self.b.get(end) != Some(&b'"') {
            return None;
        }
        self.i = end + 1;
        // Plain bytes before the quote; the id's own check wants ASCII digits.
        std::str::from_utf8(&self.b[start..end]).ok()
    }

    /// The id of the tweet object at `self.i` (an envelope's `data`), read through the
    /// whole object: its `id_str` if it has one, else its `id`, each only as a plain
    /// string (a v2 id is one; anything else is left to the decoder, which reads `id_str`
    /// first whatever its place), and only if it has a `text` or `full_text` string.
    fn inner_tweet_id(&mut self) -> Option<&'a str> {
        self.eat(b'{')?;
        let (mut id_str, mut id, mut has_text) = (None, None, false);
        loop {
            match self.member_key()? {
                b"id_str" if id_str.is_none() => id_str = Some(self.plain_string()?),
                b"id" if id.is_none() => id = Some(self.plain_string()?),
                b"id_str" | b"id" => return None,
                b"text" | b"full_text" => {
                    has_text |= self.peek()? == b'"';
                    self.skip_member_value()?;
                }
                _ => self.skip_member_value()?,
            }
            match self.after_value()? {
                b',' => self.i += 1,
                b'}' => break,
                _ => return None,
            }
        }
        if has_text {
            id_str.or(id)
        } else {
            None
        }
    }
}

/// Whether no key of `bytes` can be `data`. A JSON key is `data` only as `"data"` or
/// with some of its letters escaped, and JSON escapes a letter only as `\u00` and its
/// two hex digits: `\u0064` (d), `\u0061` (a) or `\u0074` (t). So neither in the bytes
/// means no such key (a string value `"data"`, or an escaped `a` anywhere, only sends
/// the record to the decoder).
fn no_data_key(bytes: &[u8]) -> bool {
    use memchr::memmem;
    if memmem::find(bytes, b"\"data\"").is_some() {
        return false;
    }
    !memmem::find_iter(bytes, b"\\u00")
        .any(|at| matches!(bytes.get(at + 4..at + 6), Some(b"64" | b"61" | b"74")))
}
