//! The fast path of [`super::decode_tweet`] for the common shape, a flat v1.1 (or bare
//! v2) tweet object: one pass over the bytes that reads the dozen fields the consumer
//! keeps and skips everything else with a word-at-a-time string scan (issue 12: serde's
//! field-by-field walk over a 3.7 KB tweet's user object and entities was three
//! quarters of a record's decode).
//!
//! It never decides anything serde would decide differently: it returns the
//! [`RawTweet`] serde would build, or `None` for anything it is not sure of (an escaped
//! or non-UTF-8 key, a known field of an unexpected type or given twice, a number
//! serde would read as a float, a v2 envelope, deep nesting, invalid JSON of any kind),
//! and then the serde decoder, the reference, decides alone, with its own errors.
//! `None` is never an error: being stricter than serde costs only speed, being laxer
//! would be a bug, which `crates/core/tests/decode_fast_path.rs` looks for by
//! comparing both on generated, mutated and every committed input.

use serde::de::IgnoredAny;

use super::{Entities, ExtendedTweet, IdField, RawTweet, RetweetedStatus, UrlEntity, UserV1};

/// Nesting allowed inside a skipped value before handing over to serde (whose own
/// limit is 128 levels in all; the known fields add at most 6).
const MAX_SKIP_DEPTH: usize = 64;

/// The record's fields as serde would read them, or `None` to let serde decide.
pub(super) fn raw_tweet(bytes: &[u8]) -> Option<RawTweet<IgnoredAny>> {
    let mut p = Parser { b: bytes, i: 0 };
    p.ws();
    let raw = p.tweet()?;
    p.ws();
    (p.i == p.b.len()).then_some(raw)
}

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
}

/// One byte of `b` in every lane of a word.
const fn lanes(b: u8) -> u64 {
    u64::from_ne_bytes([b; 8])
}

/// The lanes of `w` holding a byte below `n` (`n` ≤ 128), as their high bits. Exact for
/// the lowest such lane, which is the only one read.
const fn below(w: u64, n: u8) -> u64 {
    w.wrapping_sub(lanes(n)) & !w & lanes(0x80)
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn ws(&mut self) {
        // Most calls stand on a token already (compact JSON), and every byte above a
        // space is one: a single compare then.
        let Some(&c) = self.b.get(self.i) else { return };
        if c > b' ' {
            return;
        }
        // Pretty-printed JSON: one space after each colon, the commonest run (issue 12,
        // sixth round: the SIMD step cost twenty instructions for it).
        if c == b' ' && self.b.get(self.i + 1).is_some_and(|&next| next > b' ') {
            self.i += 1;
            return;
        }
        self.ws_run();
    }

    /// A run of whitespace that is not one space: a newline and an indent before most
    /// tokens of pretty-printed JSON.
    fn ws_run(&mut self) {
        #[cfg(target_arch = "x86_64")]
        match whitespace_end_sse2(self.b, self.i) {
            Ok(end) => {
                self.i = end;
                return;
            }
            Err(rest) => self.i = rest,
        }
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.i += 1;
        }
    }

    /// Skips whitespace and takes `c`.
    fn eat(&mut self, c: u8) -> Option<()> {
        self.ws();
        (self.peek()? == c).then(|| self.i += 1)
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.i.checked_add(word.len())?;
        (self.b.get(self.i..end)? == word).then(|| self.i = end)
    }

    /// After a string's opening quote: the index of its next `"`, `\` or control
    /// character (or the end): sixteen bytes a step with SSE2 (part of every x86_64
    /// CPU, so no detection at run time), then eight a step.
    fn string_special(&self, i: usize) -> usize {
        #[cfg(target_arch = "x86_64")]
        let i = match string_special_sse2(self.b, i) {
            Ok(found) => return found,
            Err(rest) => rest,
        };
        string_special_words(self.b, i)
    }
}

/// [`Parser::string_special`] from `i`, eight bytes a step: the whole scan where SSE2
/// is not there, the last bytes after it where it is.
fn string_special_words(b: &[u8], mut i: usize) -> usize {
    while let Some(chunk) = b.get(i..i + 8) {
        let w = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        let hits = below(w ^ lanes(b'"'), 1) | below(w ^ lanes(b'\\'), 1) | below(w, 0x20);
        if hits != 0 {
            return i + (hits.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < b.len() && !matches!(b[i], b'"' | b'\\' | 0..=0x1f) {
        i += 1;
    }
    i
}

/// [`Parser::string_special`] from `i`, sixteen bytes a step while sixteen are left:
/// `Ok` with the index of the first `"`, `\\` or byte below 0x20, or `Err` with where
/// fewer than sixteen bytes remain to scan.
#[cfg(target_arch = "x86_64")]
fn string_special_sse2(b: &[u8], mut i: usize) -> Result<usize, usize> {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
        _mm_setzero_si128, _mm_subs_epu8,
    };
    // SAFETY: SSE2 is in x86_64's baseline (every target of this arch enables it), and
    // each load reads the sixteen bytes b[i..i + 16], inside `b` by the loop's bound
    // (unaligned loads, so any address will do).
    unsafe {
        let quote = _mm_set1_epi8(b'"' as i8);
        let backslash = _mm_set1_epi8(b'\\' as i8);
        let below_space = _mm_set1_epi8(0x1f);
        let zero = _mm_setzero_si128();
        while b.len().saturating_sub(i) >= 16 {
            let v = _mm_loadu_si128(b.as_ptr().add(i).cast::<__m128i>());
            // A byte is a control character when subtracting 0x1f, saturating at 0,
            // leaves 0 (unsigned, so bytes from 0x80 up are not).
            let control = _mm_cmpeq_epi8(_mm_subs_epu8(v, below_space), zero);
            let hits = _mm_or_si128(
                _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                control,
            );
            let mask = _mm_movemask_epi8(hits) as u32;
            if mask != 0 {
                return Ok(i + mask.trailing_zeros() as usize);
            }
            i += 16;
        }
    }
    Err(i)
}

/// A string's first sixteen bytes from `i`, when they hold its end: the index of the
/// first `"`, `\\` or byte below 0x20, and whether every byte before it is ASCII;
/// `None` when there is no such byte among them or fewer than sixteen bytes are left.
#[cfg(target_arch = "x86_64")]
fn short_string_sse2(b: &[u8], i: usize) -> Option<(usize, bool)> {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
        _mm_setzero_si128, _mm_subs_epu8,
    };
    if b.len().saturating_sub(i) < 16 {
        return None;
    }
    // SAFETY: as in `string_special_sse2`: SSE2 is baseline, and the load reads
    // b[i..i + 16], inside `b` by the check above.
    unsafe {
        let v = _mm_loadu_si128(b.as_ptr().add(i).cast::<__m128i>());
        let control = _mm_cmpeq_epi8(_mm_subs_epu8(v, _mm_set1_epi8(0x1f)), _mm_setzero_si128());
        let hits = _mm_or_si128(
            _mm_or_si128(
                _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8)),
                _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8)),
            ),
            control,
        );
        let mask = _mm_movemask_epi8(hits) as u32;
        if mask == 0 {
            return None;
        }
        // The lanes before the first hit, and those of them with the high bit set.
        let before = (mask & mask.wrapping_neg()) - 1;
        let high = _mm_movemask_epi8(v) as u32 & before;
        Some((i + mask.trailing_zeros() as usize, high == 0))
    }
}

/// The whitespace from `i` (JSON's four bytes only), sixteen bytes a step while sixteen
/// are left: `Ok` with the index of the first other byte, or `Err` with where fewer
/// than sixteen bytes remain to scan.
#[cfg(target_arch = "x86_64")]
fn whitespace_end_sse2(b: &[u8], mut i: usize) -> Result<usize, usize> {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };
    // SAFETY: as in `string_special_sse2`: SSE2 is baseline, loads stay inside `b`.
    unsafe {
        let space = _mm_set1_epi8(b' ' as i8);
        let newline = _mm_set1_epi8(b'\n' as i8);
        let carriage = _mm_set1_epi8(b'\r' as i8);
        let tab = _mm_set1_epi8(b'\t' as i8);
        while b.len().saturating_sub(i) >= 16 {
            let v = _mm_loadu_si128(b.as_ptr().add(i).cast::<__m128i>());
            let ws = _mm_or_si128(
                _mm_or_si128(_mm_cmpeq_epi8(v, space), _mm_cmpeq_epi8(v, newline)),
                _mm_or_si128(_mm_cmpeq_epi8(v, carriage), _mm_cmpeq_epi8(v, tab)),
            );
            let other = !(_mm_movemask_epi8(ws) as u32) & 0xffff;
            if other != 0 {
                return Ok(i + other.trailing_zeros() as usize);
            }
            i += 16;
        }
    }
    Err(i)
}

impl<'a> Parser<'a> {
    /// A string serde would ignore: its escapes checked, its bytes not (as serde does
    /// for a value it skips). Inlined, as `key`: the call, not the scan, was most of
    /// a short string's cost.
    #[inline(always)]
    fn skip_string(&mut self) -> Option<()> {
        self.i += 1; // the opening quote
        loop {
            self.i = self.string_special(self.i);
            match self.peek()? {
                b'"' => {
                    self.i += 1;
                    return Some(());
                }
                b'\\' => match *self.b.get(self.i + 1)? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.i += 2,
                    b'u' => {
                        self.hex4(self.i + 2)?;
                        self.i += 6;
                    }
                    _ => return None,
                },
                _ => return None, // a control character
            }
        }
    }

    fn hex4(&self, at: usize) -> Option<u16> {
        let digits = self.b.get(at..at + 4)?;
        digits.iter().try_fold(0u16, |n, &d| {
            let v = (d as char).to_digit(16)?;
            Some(n << 4 | v as u16)
        })
    }

    /// A key of an object whose fields are read: unescaped and valid UTF-8, or `None`.
    #[inline(always)]
    fn key(&mut self) -> Option<&'a [u8]> {
        if self.peek()? != b'"' {
            return None;
        }
        let start = self.i + 1;
        // Most keys end within sixteen bytes: one SIMD step finds the end and whether
        // the key is ASCII.
        #[cfg(target_arch = "x86_64")]
        let (end, ascii) = match short_string_sse2(self.b, start) {
            Some(found) => found,
            None => (self.string_special(start), false),
        };
        #[cfg(not(target_arch = "x86_64"))]
        let (end, ascii) = (self.string_special(start), false);
        if self.b.get(end) != Some(&b'"') {
            return None;
        }
        self.i = end + 1;
        let key = &self.b[start..end];
        // serde reads a key as text, so it refuses one that is not UTF-8.
        if !ascii && !key.is_ascii() {
            std::str::from_utf8(key).ok()?;
        }
        Some(key)
    }

    /// A string value that is kept: unescaped as serde_json unescapes it; `None` for
    /// a lone surrogate or invalid UTF-8 (serde's errors).
    fn string(&mut self) -> Option<String> {
        let start = self.i + 1;
        let end = self.string_special(start);
        match self.b.get(end)? {
            b'"' => {
                self.i = end + 1;
                let text = &self.b[start..end];
                if text.is_ascii() {
                    // SAFETY: every byte is ASCII (checked just above), and ASCII is
                    // UTF-8. The word-at-a-time ASCII check costs less than
                    // `from_utf8`'s on the short strings a tweet keeps.
                    return Some(unsafe { String::from_utf8_unchecked(text.to_vec()) });
                }
                std::str::from_utf8(text).ok().map(str::to_owned)
            }
            b'\\' => {
                // The string's end first (its escapes checked on the way), so that one
                // allocation holds the text: what an escape stands for is never longer
                // than the escape. Grown from the first piece, a v1.1 `source` (an HTML anchor with
                // escaped quotes) cost four reallocations.
                self.skip_string()?;
                let mut out = Vec::with_capacity(self.i - 1 - start);
                out.extend_from_slice(&self.b[start..end]);
                self.i = end;
                loop {
                    match self.peek()? {
                        b'"' => {
                            self.i += 1;
                            return String::from_utf8(out).ok();
                        }
                        b'\\' => self.escape(&mut out)?,
                        _ => return None,
                    }
                    let next = self.string_special(self.i);
                    out.extend_from_slice(&self.b[self.i..next]);
                    self.i = next;
                }
            }
            _ => None,
        }
    }

    /// One escape at `self.i` (a `\`), appended to `out` as UTF-8.
    fn escape(&mut self, out: &mut Vec<u8>) -> Option<()> {
        let c = *self.b.get(self.i + 1)?;
        self.i += 2;
        let byte = match c {
            b'"' => b'"',
            b'\\' => b'\\',
            b'/' => b'/',
            b'b' => 0x08,
            b'f' => 0x0c,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => {
                let first = self.hex4(self.i)?;
                self.i += 4;
                let c = match first {
                    0xd800..=0xdbff => {
                        // A leading surrogate must be followed by an escaped trailing one.
                        if self.b.get(self.i..self.i + 2)? != b"\\u" {
                            return None;
                        }
                        let second = self.hex4(self.i + 2)?;
                        if !(0xdc00..=0xdfff).contains(&second) {
                            return None;
                        }
                        self.i += 6;
                        let n = 0x10000 + ((u32::from(first) - 0xd800) << 10) + (u32::from(second) - 0xdc00);
                        char::from_u32(n)?
                    }
                    0xdc00..=0xdfff => return None,
                    n => char::from_u32(u32::from(n))?,
                };
                out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                return Some(());
            }
            _ => return None,
        };
        out.push(byte);
        Some(())
    }

    /// `null` or a string.
    fn opt_string(&mut self) -> Option<Option<String>> {
        self.ws();
        match self.peek()? {
            b'n' => self.literal(b"null").map(|()| None),
            b'"' => self.string().map(Some),
            _ => None,
        }
    }

    /// A plain unsigned integer as serde_json reads it into a `u64`: digits, no sign,
    /// fraction or exponent (those make a float, which serde refuses), no overflow.
    fn integer(&mut self) -> Option<u64> {
        let start = self.i;
        let mut n: u64 = 0;
        while let Some(d @ b'0'..=b'9') = self.peek() {
            n = n.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
            self.i += 1;
        }
        let digits = self.i - start;
        let leading_zero = digits > 1 && self.b[start] == b'0';
        if digits == 0 || leading_zero || matches!(self.peek(), Some(b'.' | b'e' | b'E')) {
            return None;
        }
        Some(n)
    }

    /// `null` or an unsigned integer.
    fn opt_u64(&mut self) -> Option<Option<u64>> {
        self.ws();
        match self.peek()? {
            b'n' => self.literal(b"null").map(|()| None),
            b'0'..=b'9' => self.integer().map(Some),
            _ => None,
        }
    }

    /// `null`, or an object read by `field` (called with each key, after its colon),
    /// which returns `None` for what it cannot read, and skips what it does not know.
    fn opt_object<T: Default>(
        &mut self,
        mut field: impl FnMut(&mut Self, &mut T, &[u8], &mut u32) -> Option<()>,
    ) -> Option<Option<T>> {
        self.ws();
        match self.peek()? {
            b'n' => self.literal(b"null").map(|()| None),
            b'{' => {
                self.i += 1;
                let mut value = T::default();
                // The known fields seen, one bit each: serde refuses a field given twice.
                let mut seen = 0u32;
                self.ws();
                if self.peek()? == b'}' {
                    self.i += 1;
                    return Some(Some(value));
                }
                loop {
                    self.ws();
                    let key = self.key()?;
                    self.eat(b':')?;
                    field(self, &mut value, key, &mut seen)?;
                    self.ws();
                    match self.peek()? {
                        b',' => self.i += 1,
                        b'}' => {
                            self.i += 1;
                            return Some(Some(value));
                        }
                        _ => return None,
                    }
                }
            }
            _ => None,
        }
    }

    /// The value of a member the fast path does not keep: a scalar read here, inlined
    /// into each object's loop (most skipped values are short strings, numbers and
    /// literals), a container by [`Self::skip_value`].
    #[inline(always)]
    fn skip_member_value(&mut self) -> Option<()> {
        self.ws();
        match self.peek()? {
            b'"' => self.skip_string(),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            b'-' | b'0'..=b'9' => self.skip_number(),
            _ => self.skip_value(),
        }
    }

    /// Any JSON value, checked as serde checks a value it ignores, without recursion.
    fn skip_value(&mut self) -> Option<()> {
        // One bit per open container: set for an object.
        let mut objects: u64 = 0;
        let mut depth = 0usize;
        loop {
            // A value.
            self.ws();
            match self.peek()? {
                b'"' => self.skip_string()?,
                b'{' | b'[' => {
                    let object = self.peek()? == b'{';
                    self.i += 1;
                    if depth == MAX_SKIP_DEPTH {
                        return None;
                    }
                    objects = objects << 1 | u64::from(object);
                    depth += 1;
                    self.ws();
                    let close = if object { b'}' } else { b']' };
                    if self.peek()? == close {
                        self.i += 1;
                        objects >>= 1;
                        depth -= 1;
                    } else {
                        if object {
                            self.skip_member_key()?;
                        }
                        continue;
                    }
                }
                b't' => self.literal(b"true")?,
                b'f' => self.literal(b"false")?,
                b'n' => self.literal(b"null")?,
                b'-' | b'0'..=b'9' => self.skip_number()?,
                _ => return None,
            }
            // After a value: the next member, or the ends of containers.
            loop {
                if depth == 0 {
                    return Some(());
                }
                self.ws();
                let object = objects & 1 == 1;
                match self.peek()? {
                    b',' => {
                        self.i += 1;
                        if object {
                            self.ws();
                            self.skip_member_key()?;
                        }
                        break;
                    }
                    b'}' if object => {}
                    b']' if !object => {}
                    _ => return None,
                }
                self.i += 1;
                objects >>= 1;
                depth -= 1;
            }
        }
    }

    /// A skipped object's key and its colon.
    #[inline(always)]
    fn skip_member_key(&mut self) -> Option<()> {
        if self.peek()? != b'"' {
            return None;
        }
        self.skip_string()?;
        self.eat(b':')
    }

    /// A number, by JSON's grammar: `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`.
    /// Inlined into each object's loop, as the other skipped scalars are: the call was
    /// a good part of a short number's cost.
    #[inline(always)]
    fn skip_number(&mut self) -> Option<()> {
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek()? {
            b'0' => self.i += 1,
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            self.some_digits()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            self.some_digits()?;
        }
        Some(())
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
    }

    fn some_digits(&mut self) -> Option<()> {
        let start = self.i;
        self.digits();
        (self.i > start).then_some(())
    }

    /// Marks field `bit` seen; `None` if it was already (serde: "duplicate field").
    fn first(seen: &mut u32, bit: u32) -> Option<()> {
        let had = *seen & (1 << bit) != 0;
        *seen |= 1 << bit;
        (!had).then_some(())
    }

    /// The top-level object. `data` and `includes` (a v2 envelope) and the v2 fields
    /// `author_id` and `public_metrics` are left to serde.
    fn tweet(&mut self) -> Option<RawTweet<IgnoredAny>> {
        let raw = self.opt_object(|p, raw: &mut RawTweetFields, key, seen| {
            let r = &mut raw.0;
            match key {
                b"id_str" => {
                    Self::first(seen, 0)?;
                    r.id_str = p.opt_string()?;
                }
                b"id" => {
                    Self::first(seen, 1)?;
                    r.id = p.id()?;
                }
                b"text" => {
                    Self::first(seen, 2)?;
                    r.text = p.opt_string()?;
                }
                b"full_text" => {
                    Self::first(seen, 3)?;
                    r.full_text = p.opt_string()?;
                }
                b"extended_tweet" => {
                    Self::first(seen, 4)?;
                    r.extended_tweet = p.extended_tweet()?;
                }
                b"user" => {
                    Self::first(seen, 5)?;
                    r.user = p.user()?;
                }
                b"retweet_count" => {
                    Self::first(seen, 6)?;
                    r.retweet_count = p.opt_u64()?;
                }
                b"favorite_count" => {
                    Self::first(seen, 7)?;
                    r.favorite_count = p.opt_u64()?;
                }
                b"source" => {
                    Self::first(seen, 8)?;
                    r.source = p.opt_string()?;
                }
                b"created_at" => {
                    Self::first(seen, 9)?;
                    r.created_at = p.opt_string()?;
                }
                b"entities" => {
                    Self::first(seen, 10)?;
                    r.entities = p.entities()?;
                }
                b"retweeted_status" => {
                    Self::first(seen, 11)?;
                    r.retweeted_status = p.retweeted_status()?;
                }
                b"data" | b"includes" | b"author_id" | b"public_metrics" => return None,
                _ => p.skip_member_value()?,
            }
            Some(())
        })?;
        // `null` is no tweet object: serde's error.
        raw.map(|r| r.0)
    }

    /// A tweet's `id`, as [`IdField`] reads it; other kinds are left to serde.
    fn id(&mut self) -> Option<Option<IdField>> {
        self.ws();
        match self.peek()? {
            b'n' => self.literal(b"null").map(|()| None),
            b'"' => self.string().map(|s| Some(IdField::Text(s))),
            b'0'..=b'9' => self.integer().map(|n| Some(IdField::Number(n))),
            _ => None,
        }
    }

    fn user(&mut self) -> Option<Option<UserV1>> {
        self.opt_object(|p, u: &mut UserV1, key, seen| {
            match key {
                b"name" => {
                    Self::first(seen, 0)?;
                    u.name = p.opt_string()?;
                }
                b"screen_name" => {
                    Self::first(seen, 1)?;
                    u.screen_name = p.opt_string()?;
                }
                b"followers_count" => {
                    Self::first(seen, 2)?;
                    u.followers_count = p.opt_u64()?;
                }
                b"friends_count" => {
                    Self::first(seen, 3)?;
                    u.friends_count = p.opt_u64()?;
                }
                b"listed_count" => {
                    Self::first(seen, 4)?;
                    u.listed_count = p.opt_u64()?;
                }
                b"statuses_count" => {
                    Self::first(seen, 5)?;
                    u.statuses_count = p.opt_u64()?;
                }
                b"profile_image_url_https" => {
                    Self::first(seen, 6)?;
                    u.profile_image_url_https = p.opt_string()?;
                }
                _ => p.skip_member_value()?,
            }
            Some(())
        })
    }

    fn extended_tweet(&mut self) -> Option<Option<ExtendedTweet>> {
        self.opt_object(|p, e: &mut ExtendedTweet, key, seen| {
            match key {
                b"full_text" => {
                    Self::first(seen, 0)?;
                    e.full_text = p.opt_string()?;
                }
                b"entities" => {
                    Self::first(seen, 1)?;
                    e.entities = p.entities()?;
                }
                _ => p.skip_member_value()?,
            }
            Some(())
        })
    }

    fn retweeted_status(&mut self) -> Option<Option<RetweetedStatus>> {
        self.opt_object(|p, r: &mut RetweetedStatus, key, seen| {
            match key {
                b"text" => {
                    Self::first(seen, 0)?;
                    r.text = p.opt_string()?;
                }
                b"full_text" => {
                    Self::first(seen, 1)?;
                    r.full_text = p.opt_string()?;
                }
                b"extended_tweet" => {
                    Self::first(seen, 2)?;
                    r.extended_tweet = p.extended_tweet()?;
                }
                b"user" => {
                    Self::first(seen, 3)?;
                    r.user = p.user()?;
                }
                b"entities" => {
                    Self::first(seen, 4)?;
                    r.entities = p.entities()?;
                }
                _ => p.skip_member_value()?,
            }
            Some(())
        })
    }

    /// `entities`: only `urls`, an array of objects (serde refuses `null` for it).
    fn entities(&mut self) -> Option<Option<Entities>> {
        self.opt_object(|p, e: &mut Entities, key, seen| {
            match key {
                b"urls" => {
                    Self::first(seen, 0)?;
                    e.urls = p.url_entities()?;
                }
                _ => p.skip_member_value()?,
            }
            Some(())
        })
    }

    fn url_entities(&mut self) -> Option<Vec<UrlEntity>> {
        self.eat(b'[')?;
        let mut urls = Vec::new();
        self.ws();
        if self.peek()? == b']' {
            self.i += 1;
            return Some(urls);
        }
        loop {
            // `null` is not a URL entity: serde's error.
            let url = self.opt_object(|p, u: &mut UrlEntity, key, seen| {
                match key {
                    b"url" => {
                        Self::first(seen, 0)?;
                        u.url = p.opt_string()?;
                    }
                    b"expanded_url" => {
                        Self::first(seen, 1)?;
                        u.expanded_url = p.opt_string()?;
                    }
                    _ => p.skip_member_value()?,
                }
                Some(())
            })??;
            urls.push(url);
            self.ws();
            match self.peek()? {
                b',' => self.i += 1,
                b']' => {
                    self.i += 1;
                    return Some(urls);
                }
                _ => return None,
            }
        }
    }
}

/// [`RawTweet`] has no `Default` (its `data` type need not have one): the fields the
/// fast path fills, all absent to begin with.
struct RawTweetFields(RawTweet<IgnoredAny>);

impl Default for RawTweetFields {
    fn default() -> Self {
        RawTweetFields(RawTweet {
            id_str: None,
            id: None,
            text: None,
            full_text: None,
            extended_tweet: None,
            user: None,
            retweet_count: None,
            favorite_count: None,
            source: None,
            created_at: None,
            entities: None,
            retweeted_status: None,
            data: None,
            includes: None,
            author_id: None,
            public_metrics: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Parser;

    /// The scan a byte at a time, the definition the fast scans must meet.
    fn naive(b: &[u8], i: usize) -> usize {
        (i..b.len())
            .find(|&j| matches!(b[j], b'"' | b'\\' | 0..=0x1f))
            .unwrap_or(b.len())
    }

    #[test]
    fn the_whitespace_skip_stops_where_a_byte_at_a_time_skip_stops() {
        // GIVEN runs of JSON's four whitespace bytes of every length to 40, ended by
        // every byte value; WHEN skipped from every start; THEN the skip ends at the
        // first byte that is not one of the four (a control character is not)
        let spaces = b" \n\r\t";
        for len in 0..40 {
            for end in 0..=255u8 {
                let mut b: Vec<u8> = (0..len).map(|k| spaces[k % 4]).collect();
                b.push(end);
                b.extend_from_slice(b"   ");
                for start in 0..=len {
                    let mut p = Parser { b: &b, i: start };
                    p.ws();
                    let want = (start..b.len())
                        .find(|&j| !spaces.contains(&b[j]))
                        .unwrap_or(b.len());
                    assert_eq!(p.i, want, "{b:?} from {start}");
                }
            }
        }
    }

    #[test]
    fn the_string_scan_finds_what_a_byte_at_a_time_scan_finds() {
        // GIVEN buffers of every length to 35 bytes, plain text with one byte of every
        // value (quote, backslash, controls, 0x7f, non-ASCII) at every position, and
        // the same ended by a quote; WHEN scanned from every start; THEN the SIMD and
        // word scans stop where the naive scan stops (inside a block, at its edges, and
        // in the tail after it), and the one-step scan knows whether what it passed
        // was ASCII
        let cases = (0..36).flat_map(|len| {
            (0..len)
                .flat_map(move |at| (0..=255u8).flat_map(move |c| [(len, at, c, false), (len, at, c, true)]))
        });
        for (len, at, special, quoted) in cases {
            let mut b = vec![b'a'; len];
            b[at] = special;
            if quoted {
                b.push(b'"');
            }
            let p = Parser { b: &b, i: 0 };
            // Starts past the special byte all see the same plain text.
            for start in 0..=b.len().min(at + 1) {
                let want = naive(&b, start);
                assert_eq!(p.string_special(start), want, "{b:?} from {start}");
                #[cfg(target_arch = "x86_64")]
                if let Some((end, ascii)) = super::short_string_sse2(&b, start) {
                    assert_eq!(end, want, "{b:?} from {start}");
                    assert_eq!(ascii, b[start..end].is_ascii(), "{b:?} from {start}");
                }
            }
        }
    }

    #[test]
    fn the_word_scan_alone_finds_what_a_byte_at_a_time_scan_finds_on_long_buffers() {
        // GIVEN long buffers (the word scan is the whole string scan on arm64, while on
        // x86_64 it only sees the tail after the SIMD loop), one special byte at every
        // position; WHEN the word scan runs from starts at every offset within a word and
        // a block; THEN it stops where the naive scan stops
        let specials = [b'"', b'\\', 0x00, 0x1f, 0x20, 0x7f, 0x80, 0xff];
        let lens = (0..=70).chain([127, 128, 129, 255, 256, 300]);
        for len in lens {
            for at in 0..len {
                for special in specials {
                    let mut b = vec![b'a'; len];
                    b[at] = special;
                    for start in 0..=b.len().min(17) {
                        assert_eq!(
                            super::string_special_words(&b, start),
                            naive(&b, start),
                            "{special:#x} at {at} of {len} from {start}"
                        );
                    }
                }
            }
        }
    }
}
