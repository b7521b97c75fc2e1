//! The fast path's JSON grammar: whitespace, strings (kept or skipped, escapes
//! decoded), integers, and skipping any value, each returning `None` wherever serde
//! might decide differently. The tweet's own fields are read in the parent module.
//! One file (about 640 lines) because these are one grammar: every step hands the next
//! its position and the same fallback rule, and splitting it would scatter that rule.

use super::scan::*;
use super::{Parser, MAX_SKIP_DEPTH};

/// `bytes` as text if they are UTF-8, as `std::str::from_utf8` decides (the reference
/// serde_json uses), with SIMD for 64 bytes and more: a 280-character tweet of CJK,
/// Cyrillic and emoji (653 bytes) cost 6,600 instructions in std's byte-at-a-time
/// check (issue 12, twelfth round). Shorter inputs go to std's check.
#[inline(always)]
pub(super) fn utf8(bytes: &[u8]) -> Option<&str> {
    simdutf8::basic::from_utf8(bytes).ok()
}

impl<'a> Parser<'a> {
    pub(super) fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    pub(super) fn ws(&mut self) {
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
    pub(super) fn ws_run(&mut self) {
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
    pub(super) fn eat(&mut self, c: u8) -> Option<()> {
        self.ws();
        (self.peek()? == c).then(|| self.i += 1)
    }

    /// A member's colon, in one compare where it follows the key at once (compact and
    /// pretty-printed JSON alike), else after whitespace.
    #[inline(always)]
    pub(super) fn colon(&mut self) -> Option<()> {
        if self.b.get(self.i) == Some(&b':') {
            self.i += 1;
            return Some(());
        }
        self.eat(b':')
    }

    /// The byte after a value and the whitespace after it: most often a comma or a
    /// closing bracket right after the value (compact and pretty-printed JSON alike),
    /// taken in one compare before the whitespace step.
    #[inline(always)]
    pub(super) fn after_value(&mut self) -> Option<u8> {
        match self.b.get(self.i) {
            Some(&c @ (b',' | b'}' | b']')) => Some(c),
            _ => {
                self.ws();
                self.peek()
            }
        }
    }

    pub(super) fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.i.checked_add(word.len())?;
        (self.b.get(self.i..end)? == word).then(|| self.i = end)
    }

    /// After a string's opening quote: the index of its next `"`, `\` or control
    /// character (or the end): sixteen bytes a step with SSE2 (part of every x86_64
    /// CPU, so no detection at run time), then eight a step.
    pub(super) fn string_special(&self, i: usize) -> usize {
        #[cfg(target_arch = "x86_64")]
        let i = match string_special_sse2(self.b, i) {
            Ok(found) => return found,
            Err(rest) => rest,
        };
        string_special_words(self.b, i)
    }
}

impl<'a> Parser<'a> {
    /// A string serde would ignore: its escapes checked, its bytes not (as serde does
    /// for a value it skips). Inlined, as `key`: the call, not the scan, was most of
    /// a short string's cost.
    #[inline(always)]
    pub(super) fn skip_string(&mut self) -> Option<()> {
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

    pub(super) fn hex4(&self, at: usize) -> Option<u16> {
        let digits = self.b.get(at..at + 4)?;
        digits.iter().try_fold(0u16, |n, &d| {
            let v = (d as char).to_digit(16)?;
            Some(n << 4 | v as u16)
        })
    }

    /// A key of an object whose fields are read: unescaped and valid UTF-8, or `None`.
    #[inline(always)]
    pub(super) fn key(&mut self) -> Option<&'a [u8]> {
        if self.peek()? != b'"' {
            return None;
        }
        let start = self.i + 1;
        // Nearly every key is plain ASCII ended within the blocks scanned: taken here;
        // anything else (an escape, a control or non-ASCII byte, the buffer's last
        // sixteen bytes) by the full check below.
        #[cfg(target_arch = "x86_64")]
        if let Some(end) = plain_ascii_end_sse2(self.b, start) {
            if self.b.get(end) == Some(&b'"') {
                self.i = end + 1;
                return Some(&self.b[start..end]);
            }
        }
        self.key_checked(start)
    }

    /// [`Self::key`] from `start` (after its quote), its bytes checked as UTF-8. Out of
    /// line: rarely taken, and inlined into each object's loop it cost 70 instructions
    /// a tweet.
    #[cold]
    #[inline(never)]
    pub(super) fn key_checked(&mut self, start: usize) -> Option<&'a [u8]> {
        let (end, ascii) = self.string_end_ascii(start);
        if self.b.get(end) != Some(&b'"') {
            return None;
        }
        self.i = end + 1;
        let key = &self.b[start..end];
        // serde reads a key as text, so it refuses one that is not UTF-8.
        if !ascii && !key.is_ascii() {
            utf8(key)?;
        }
        Some(key)
    }

    /// [`Self::string_special`] from `start`, and whether every byte before it is
    /// known ASCII: with SSE2 the check rides on the scan (`false` only says "not
    /// checked" where it does not).
    #[inline(always)]
    pub(super) fn string_end_ascii(&self, start: usize) -> (usize, bool) {
        #[cfg(target_arch = "x86_64")]
        if let Some(found) = string_end_ascii_sse2(self.b, start) {
            return found;
        }
        (self.string_special(start), false)
    }

    /// A string value that is kept: unescaped as serde_json unescapes it; `None` for
    /// a lone surrogate or invalid UTF-8 (serde's errors). Plain ASCII ended within
    /// the blocks scanned is taken inline, as a key is (issue 12, eleventh round: the
    /// call cost more than the copy); anything else by [`Self::string_checked`], from
    /// where the plain run ended.
    #[inline(always)]
    pub(super) fn string(&mut self) -> Option<String> {
        let start = self.i + 1;
        #[cfg(target_arch = "x86_64")]
        if let Some(end) = plain_ascii_end_sse2(self.b, start) {
            if self.b.get(end) == Some(&b'"') {
                let text = &self.b[start..end];
                self.i = end + 1;
                // SAFETY: the scan saw every byte before `end` below 0x80: ASCII, so UTF-8.
                return Some(unsafe { String::from_utf8_unchecked(text.to_vec()) });
            }
            return self.string_checked(end);
        }
        self.string_checked(start)
    }

    /// [`Self::string`] for any literal (escapes, non-ASCII text, the buffer's last
    /// sixteen bytes), scanned on from `plain`: the bytes from the literal's start up
    /// to there are plain ASCII (none if it is the start).
    #[inline(never)]
    pub(super) fn string_checked(&mut self, plain: usize) -> Option<String> {
        let start = self.i + 1;
        // Where the first `"`, `\` or control byte is from `start`, as no byte before
        // `plain` is one; whether all bytes before it are ASCII, as those before
        // `plain` are. Where the plain run ended at a non-ASCII byte, the text is not
        // ASCII: only its end is looked for, by the scan with fewer steps a block, and
        // no ASCII check is made (issue 12, twelfth round: a 280-character text of
        // CJK, Cyrillic and emoji).
        let non_ascii = self.b.get(plain).is_some_and(|&c| c >= 0x80);
        let (end, ascii) = if non_ascii {
            (self.string_special(plain), false)
        } else {
            self.string_end_ascii(plain)
        };
        match self.b.get(end)? {
            b'"' => {
                self.i = end + 1;
                let text = &self.b[start..end];
                if ascii || (!non_ascii && text.is_ascii()) {
                    // SAFETY: every byte is ASCII (seen by the scan, or checked just
                    // above), and ASCII is UTF-8. The word-at-a-time ASCII check costs
                    // less than `from_utf8`'s on the short strings a tweet keeps.
                    return Some(unsafe { String::from_utf8_unchecked(text.to_vec()) });
                }
                utf8(text).map(str::to_owned)
            }
            b'\\' => {
                // The string's end first (its escapes checked on the way), so that one
                // allocation holds the text: what an escape stands for is never longer
                // than the escape. Grown from the first piece, a v1.1 `source` (an HTML
                // anchor with escaped quotes) cost four reallocations. Scanned from the
                // escape, as the bytes before it are plain (`skip_string` steps over the
                // byte it starts at, there an opening quote; issue 12, twelfth round).
                self.i = end - 1;
                self.skip_string()?;
                let close = self.i - 1;
                // A literal of ASCII bytes unescapes to UTF-8: its bytes copied are
                // ASCII, and each escape is written as a `char`'s UTF-8. Checked here,
                // a word at a time, it costs half what checking the result does (a
                // v1.1 `source`, issue 12, eleventh round).
                let ascii =
                    (ascii || (!non_ascii && self.b[start..end].is_ascii())) && self.b[end..close].is_ascii();
                let mut out = Vec::with_capacity(close - start);
                out.extend_from_slice(&self.b[start..end]);
                // Between the escapes, plain bytes (`skip_string` saw no quote or control
                // byte before `close`): the next special byte is the next backslash, or
                // the closing quote at `close`.
                let mut i = end;
                while i < close {
                    self.i = i;
                    self.escape(&mut out)?;
                    i = self.i;
                    let next = self.string_special(i);
                    out.extend_from_slice(&self.b[i..next]);
                    i = next;
                }
                self.i = close + 1;
                if !ascii {
                    utf8(&out)?;
                }
                // SAFETY: `out` is UTF-8: as the comment above `ascii` shows where it is
                // ASCII, and checked by `utf8` just above where it is not.
                Some(unsafe { String::from_utf8_unchecked(out) })
            }
            _ => None,
        }
    }

    /// One escape at `self.i` (a `\`), appended to `out` as UTF-8.
    pub(super) fn escape(&mut self, out: &mut Vec<u8>) -> Option<()> {
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

    /// `null` or a string. Inlined into each field's arm: a call here before the call
    /// to [`Self::string`] cost 16 instructions a kept string (issue 12, eleventh round).
    #[inline(always)]
    pub(super) fn opt_string(&mut self) -> Option<Option<String>> {
        self.ws();
        match self.peek()? {
            b'n' => self.literal(b"null").map(|()| None),
            b'"' => self.string().map(Some),
            _ => None,
        }
    }

    /// `null` or a string, as [`Self::opt_string`] reads it, borrowed from the input
    /// where its literal is plain ASCII (no escape, control or non-ASCII byte), and
    /// else unescaped into `owned`, which is `None` otherwise. Out of line: read once
    /// a tweet, and inlined into the tweet's members' loop it cost that loop registers.
    #[inline(never)]
    pub(super) fn opt_plain_string(&mut self, owned: &mut Option<String>) -> Option<Option<&'a str>> {
        *owned = None;
        self.ws();
        match self.peek()? {
            b'n' => self.literal(b"null").map(|()| None),
            b'"' => {
                let start = self.i + 1;
                #[cfg(target_arch = "x86_64")]
                if let Some(end) = plain_ascii_end_sse2(self.b, start) {
                    if self.b.get(end) == Some(&b'"') {
                        self.i = end + 1;
                        // SAFETY: the scan saw every byte before `end` below 0x80: ASCII,
                        // so UTF-8.
                        return Some(Some(unsafe {
                            std::str::from_utf8_unchecked(&self.b[start..end])
                        }));
                    }
                }
                *owned = Some(self.string()?);
                Some(None)
            }
            _ => None,
        }
    }

    /// A plain unsigned integer as serde_json reads it into a `u64`: digits, no sign,
    /// fraction or exponent (those make a float, which serde refuses), no overflow.
    #[inline(always)]
    pub(super) fn integer(&mut self) -> Option<u64> {
        /// 10 to the power of each count of digits a word can hold.
        const TENS: [u64; 9] = [
            1,
            10,
            100,
            1_000,
            10_000,
            100_000,
            1_000_000,
            10_000_000,
            100_000_000,
        ];
        let start = self.i;
        // A local index, not `self.i`: stored back once, not once a step.
        let mut i = start;
        let mut n: u64 = 0;
        // Eight bytes a step while eight are left, then a byte a step. Checked at each
        // step, the sum overflows exactly where the number does not fit a `u64`.
        while let Some(word) = self.b.get(i..i + 8) {
            let (len, value) = leading_digits(u64::from_le_bytes(word.try_into().expect("8 bytes")));
            n = n.checked_mul(TENS[len])?.checked_add(value)?;
            i += len;
            if len < 8 {
                break;
            }
        }
        if self.b.get(i..i + 8).is_none() {
            while let Some(&d @ b'0'..=b'9') = self.b.get(i) {
                n = n.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
                i += 1;
            }
        }
        self.i = i;
        let digits = i - start;
        let leading_zero = digits > 1 && self.b[start] == b'0';
        if digits == 0 || leading_zero || matches!(self.peek(), Some(b'.' | b'e' | b'E')) {
            return None;
        }
        Some(n)
    }

    /// `null` or an unsigned integer. An integer of fewer than eight digits ended
    /// inside the eight bytes from its start (a tweet's counts) is read inline when it
    /// follows its colon at once (compact JSON); anything else by
    /// [`Self::opt_u64_call`] (issue 12, twelfth round: the call cost a hundred
    /// instructions for a five-digit count; the whitespace step inline too cost compact
    /// JSON 90 instructions a tweet in registers).
    #[inline(always)]
    pub(super) fn opt_u64(&mut self) -> Option<Option<u64>> {
        if let Some(n) = self.short_integer() {
            return Some(Some(n));
        }
        self.opt_u64_call()
    }

    /// [`Self::opt_u64`] out of line: after whitespace, a short integer as there, or
    /// `null` or any integer.
    #[inline(never)]
    pub(super) fn opt_u64_call(&mut self) -> Option<Option<u64>> {
        self.ws();
        if let Some(n) = self.short_integer() {
            return Some(Some(n));
        }
        match self.peek()? {
            b'n' => self.literal(b"null").map(|()| None),
            b'0'..=b'9' => self.integer().map(Some),
            _ => None,
        }
    }

    /// [`Self::integer`] from one word: `Some` only for an integer it reads (fewer than
    /// eight digits, ended inside the eight bytes from `self.i`), `None` (nothing
    /// taken) for anything else, which `integer` then decides.
    #[inline(always)]
    pub(super) fn short_integer(&mut self) -> Option<u64> {
        let word = self.b.get(self.i..self.i + 8)?;
        let w = u64::from_le_bytes(word.try_into().expect("8 bytes"));
        let (len, value) = leading_digits(w);
        // The byte after the digits is the word's lane `len`. What `integer` refuses:
        // no digit, a leading zero, a fraction or an exponent next.
        let next = (w >> (8 * len as u32 % 64)) as u8;
        let read =
            (1..8).contains(&len) && (len == 1 || word[0] != b'0') && !matches!(next, b'.' | b'e' | b'E');
        read.then(|| {
            self.i += len;
            value
        })
    }

    /// `null`, or an object read by `field` (called with each key, after its colon),
    /// which returns `None` for what it cannot read, and skips what it does not know.
    /// The object is built in `slot`, where its caller keeps it: returned by value, a
    /// user object and the tweet were copied with `memcpy` on their way up (issue 12,
    /// eleventh round).
    pub(super) fn opt_object<T: Default>(
        &mut self,
        slot: &mut Option<T>,
        mut field: impl FnMut(&mut Self, &mut T, &[u8], &mut u32) -> Option<()>,
    ) -> Option<()> {
        self.ws();
        match self.peek()? {
            b'n' => {
                *slot = None;
                self.literal(b"null")
            }
            b'{' => {
                self.i += 1;
                let value = slot.insert(T::default());
                // The known fields seen, one bit each: serde refuses a field given twice.
                let mut seen = 0u32;
                self.ws();
                if self.peek()? == b'}' {
                    self.i += 1;
                    return Some(());
                }
                loop {
                    // A key's quote at once (compact JSON) in one compare, which the
                    // key's own check then repeats for nothing.
                    if self.b.get(self.i) != Some(&b'"') {
                        self.ws();
                    }
                    let key = self.key()?;
                    self.colon()?;
                    field(self, value, key, &mut seen)?;
                    match self.after_value()? {
                        b',' => self.i += 1,
                        b'}' => {
                            self.i += 1;
                            return Some(());
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
    pub(super) fn skip_member_value(&mut self) -> Option<()> {
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
    pub(super) fn skip_value(&mut self) -> Option<()> {
        // One bit per open container: set for an object.
        let mut objects: u64 = 0;
        let mut depth = 0usize;
        loop {
            // A value.
            self.ws();
            match self.peek()? {
                b'"' => self.skip_string()?,
                open @ (b'{' | b'[') => {
                    self.i += 1;
                    if depth == MAX_SKIP_DEPTH {
                        return None;
                    }
                    let object = open == b'{';
                    self.ws();
                    // `{` + 2 is `}`, `[` + 2 is `]`.
                    if self.peek()? != open + 2 {
                        objects = objects << 1 | u64::from(object);
                        depth += 1;
                        if object {
                            self.skip_member_key()?;
                        }
                        continue;
                    }
                    // Empty: a whole value.
                    self.i += 1;
                }
                b't' => self.literal(b"true")?,
                b'f' => self.literal(b"false")?,
                b'n' => self.literal(b"null")?,
                b'-' | b'0'..=b'9' => self.skip_number()?,
                _ => return None,
            }
            // After a value: the next member, or the ends of containers. The byte is
            // matched once here (through `after_value`'s three it was matched twice).
            loop {
                if depth == 0 {
                    return Some(());
                }
                let object = objects & 1 == 1;
                let mut c = *self.b.get(self.i)?;
                if c <= b' ' {
                    self.ws();
                    c = self.peek()?;
                }
                self.i += 1;
                if c == b',' {
                    if object {
                        self.ws();
                        self.skip_member_key()?;
                    }
                    break;
                }
                // `]`, or `}` in an object (`]` is 0x5d, `}` 0x7d).
                if c != b']' | u8::from(object) << 5 {
                    return None;
                }
                objects >>= 1;
                depth -= 1;
            }
        }
    }

    /// A skipped object's key and its colon.
    #[inline(always)]
    pub(super) fn skip_member_key(&mut self) -> Option<()> {
        if self.peek()? != b'"' {
            return None;
        }
        self.skip_string()?;
        self.colon()
    }

    /// A number, by JSON's grammar: `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`.
    /// Inlined into each object's loop, as the other skipped scalars are: the call was
    /// a good part of a short number's cost.
    #[inline(always)]
    pub(super) fn skip_number(&mut self) -> Option<()> {
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

    pub(super) fn digits(&mut self) {
        // A local index, as in `integer`; eight bytes a step while eight are left.
        let mut i = self.i;
        while let Some(word) = self.b.get(i..i + 8) {
            let len = digit_count(u64::from_le_bytes(word.try_into().expect("8 bytes")));
            i += len;
            if len < 8 {
                self.i = i;
                return;
            }
        }
        while let Some(b'0'..=b'9') = self.b.get(i) {
            i += 1;
        }
        self.i = i;
    }

    pub(super) fn some_digits(&mut self) -> Option<()> {
        let start = self.i;
        self.digits();
        (self.i > start).then_some(())
    }
}
