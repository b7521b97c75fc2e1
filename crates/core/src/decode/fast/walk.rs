//! The structural walk (issue 12, tenth round): the tweet's fields read token by token
//! from the record's index (`fast/index.rs`), the next token found by clearing the
//! lowest bit of a word, not by stepping over bytes. A skipped string is its two quote
//! tokens, a skipped container its tokens checked against JSON's grammar (as serde
//! checks a value it ignores); only kept values, keys and scalars are read byte-wise.
//!
//! What the index already checked is not looked for again: control characters and
//! escapes (every escape in the record is one serde accepts), strings left open. Between
//! two tokens there is only whitespace or a string's body, so a scalar is valid when its
//! bytes are and the byte after them is whitespace or the next token. Like the
//! byte-at-a-time reader, it returns `None` wherever serde might decide differently;
//! `fast/tests.rs` compares the two readers, and `decode_fast_path.rs` this one with
//! serde.

use serde::de::IgnoredAny;

use super::index::{Block, Index};
use super::{Grammar, IdField, Parser, RawTweet, MAX_SKIP_DEPTH};

/// The record's fields by the walk, or `None` to let the byte-at-a-time reader decide.
pub(super) fn raw_tweet(b: &[u8], index: &Index) -> Option<RawTweet<IgnoredAny>> {
    let mut w = Walk {
        b,
        blocks: &index.blocks,
        bits: 0,
        base: 0,
        next_block: 0,
        cur: 0,
    };
    w.advance();
    let raw = super::tweet(&mut w)?;
    // Nothing after the tweet but whitespace: no token left.
    (w.cur == b.len()).then_some(raw)
}

/// A position in the record's tokens.
struct Walk<'a> {
    b: &'a [u8],
    blocks: &'a [Block],
    /// The current block's tokens not yet passed.
    bits: u64,
    /// The current block's first byte.
    base: usize,
    next_block: usize,
    /// The current token's byte, or the record's length after the last token.
    cur: usize,
}

impl<'a> Walk<'a> {
    /// On to the next token.
    #[inline(always)]
    fn advance(&mut self) {
        while self.bits == 0 {
            let Some(block) = self.blocks.get(self.next_block) else {
                self.cur = self.b.len();
                return;
            };
            self.bits = block.tokens;
            self.base = self.next_block * 64;
            self.next_block += 1;
        }
        self.cur = self.base + self.bits.trailing_zeros() as usize;
        self.bits &= self.bits - 1;
    }

    /// The current token's first byte; `None` after the last token.
    #[inline(always)]
    fn byte(&self) -> Option<u8> {
        self.b.get(self.cur).copied()
    }

    /// Takes the current token if it is `c`.
    #[inline(always)]
    fn take(&mut self, c: u8) -> Option<()> {
        (self.byte()? == c).then(|| self.advance())
    }

    /// The string whose opening quote is the current token: its body's range. Its
    /// closing quote is the next token (nothing in a string is one).
    #[inline(always)]
    fn string_span(&mut self) -> (usize, usize) {
        let start = self.cur + 1;
        self.advance();
        let end = self.cur;
        debug_assert_eq!(self.b.get(end), Some(&b'"'));
        self.advance();
        (start, end)
    }

    /// Whether `b[from..to]` (a string's body) is plain: no backslash, no byte from
    /// 0x80 up. A shift and a mask over the 64 bits from `from` (two blocks' words where
    /// it straddles an edge, as a third of keys do); `false` (look at the bytes) for a
    /// body of 64 bytes or more.
    #[inline(always)]
    fn plain(&self, from: usize, to: usize) -> bool {
        let len = to - from;
        if len >= 64 {
            return false;
        }
        let (k, offset) = (from / 64, from % 64);
        let word = |k: usize| self.blocks.get(k).map_or(0, |b| b.backslashes | b.high);
        let mut window = word(k) >> offset;
        if offset + len > 64 {
            window |= word(k + 1) << (64 - offset);
        }
        window & ((1u64 << len) - 1) == 0
    }

    /// A key of an object whose fields are read: unescaped and valid UTF-8, or `None`.
    #[inline(always)]
    fn key(&mut self) -> Option<&'a [u8]> {
        if self.byte()? != b'"' {
            return None;
        }
        let (start, end) = self.string_span();
        let key = &self.b[start..end];
        // serde reads a key as text, so it refuses one that is not UTF-8.
        if !self.plain(start, end) && (key.contains(&b'\\') || std::str::from_utf8(key).is_err()) {
            return None;
        }
        Some(key)
    }

    /// A kept string: its opening quote is the current token.
    fn string(&mut self) -> Option<String> {
        let open = self.cur;
        let (start, end) = self.string_span();
        let text = &self.b[start..end];
        if self.plain(start, end) {
            // SAFETY: the index saw no byte from 0x80 up in the text, so it is ASCII,
            // which is UTF-8.
            return Some(unsafe { String::from_utf8_unchecked(text.to_vec()) });
        }
        if !text.contains(&b'\\') {
            return std::str::from_utf8(text).ok().map(str::to_owned);
        }
        // Escapes: decoded by the byte-at-a-time reader, which must end where we do.
        let mut p = Parser { b: self.b, i: open };
        let s = p.string()?;
        (p.i == end + 1).then_some(s)
    }

    /// Whether a scalar's bytes, read up to `end`, are all of it: the byte there is
    /// the next token (or the record's end) or whitespace (then the next non-space
    /// byte is a token, since every other byte outside strings starts or continues one).
    #[inline(always)]
    fn scalar_ends(&self, end: usize) -> Option<()> {
        (end == self.cur || matches!(self.b.get(end), Some(b' ' | b'\n' | b'\r' | b'\t'))).then_some(())
    }

    /// The literal `word`, the current token.
    #[inline(always)]
    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let start = self.cur;
        let end = start + word.len();
        if self.b.get(start..end)? != word {
            return None;
        }
        self.advance();
        self.scalar_ends(end)
    }

    /// A number by JSON's grammar, the current token.
    #[inline(always)]
    fn skip_number(&mut self) -> Option<()> {
        let mut p = Parser {
            b: self.b,
            i: self.cur,
        };
        p.skip_number()?;
        self.advance();
        self.scalar_ends(p.i)
    }

    /// An unsigned integer that fits a `u64`, the current token.
    fn integer(&mut self) -> Option<u64> {
        let mut p = Parser {
            b: self.b,
            i: self.cur,
        };
        let n = p.integer()?;
        self.advance();
        self.scalar_ends(p.i)?;
        Some(n)
    }

    /// A skipped object's key and its colon.
    #[inline(always)]
    fn skip_key(&mut self) -> Option<()> {
        if self.byte()? != b'"' {
            return None;
        }
        self.advance();
        self.advance();
        self.take(b':')
    }

    /// Any JSON value, checked as serde checks a value it ignores, without recursion.
    fn skip_value(&mut self) -> Option<()> {
        // One bit per open container: set for an object.
        let mut objects: u64 = 0;
        let mut depth = 0usize;
        loop {
            // A value.
            match self.byte()? {
                b'"' => {
                    self.advance();
                    self.advance();
                }
                open @ (b'{' | b'[') => {
                    self.advance();
                    if depth == MAX_SKIP_DEPTH {
                        return None;
                    }
                    let object = open == b'{';
                    let close = if object { b'}' } else { b']' };
                    if self.byte()? == close {
                        self.advance();
                    } else {
                        objects = objects << 1 | u64::from(object);
                        depth += 1;
                        if object {
                            self.skip_key()?;
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
                let object = objects & 1 == 1;
                match self.byte()? {
                    b',' => {
                        self.advance();
                        if object {
                            self.skip_key()?;
                        }
                        break;
                    }
                    b'}' if object => {}
                    b']' if !object => {}
                    _ => return None,
                }
                self.advance();
                objects >>= 1;
                depth -= 1;
            }
        }
    }
}

impl Grammar for Walk<'_> {
    fn opt_object<T: Default>(
        &mut self,
        mut field: impl FnMut(&mut Self, &mut T, &[u8], &mut u32) -> Option<()>,
    ) -> Option<Option<T>> {
        match self.byte()? {
            b'n' => self.literal(b"null").map(|()| None),
            b'{' => {
                self.advance();
                let mut value = T::default();
                // The known fields seen, one bit each: serde refuses a field given twice.
                let mut seen = 0u32;
                if self.byte()? == b'}' {
                    self.advance();
                    return Some(Some(value));
                }
                loop {
                    let key = self.key()?;
                    self.take(b':')?;
                    field(self, &mut value, key, &mut seen)?;
                    match self.byte()? {
                        b',' => self.advance(),
                        b'}' => {
                            self.advance();
                            return Some(Some(value));
                        }
                        _ => return None,
                    }
                }
            }
            _ => None,
        }
    }

    fn opt_string(&mut self) -> Option<Option<String>> {
        match self.byte()? {
            b'n' => self.literal(b"null").map(|()| None),
            b'"' => self.string().map(Some),
            _ => None,
        }
    }

    fn opt_u64(&mut self) -> Option<Option<u64>> {
        match self.byte()? {
            b'n' => self.literal(b"null").map(|()| None),
            b'0'..=b'9' => self.integer().map(Some),
            _ => None,
        }
    }

    fn id(&mut self) -> Option<Option<IdField>> {
        match self.byte()? {
            b'n' => self.literal(b"null").map(|()| None),
            b'"' => self.string().map(|s| Some(IdField::Text(s))),
            b'0'..=b'9' => self.integer().map(|n| Some(IdField::Number(n))),
            _ => None,
        }
    }

    fn array<T>(&mut self, mut item: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        self.take(b'[')?;
        let mut items = Vec::new();
        if self.byte()? == b']' {
            self.advance();
            return Some(items);
        }
        loop {
            items.push(item(self)?);
            match self.byte()? {
                b',' => self.advance(),
                b']' => {
                    self.advance();
                    return Some(items);
                }
                _ => return None,
            }
        }
    }

    /// Most skipped members are a short string, a number or a literal: taken here,
    /// inlined into each object's loop; containers by [`Walk::skip_value`].
    #[inline(always)]
    fn skip_member_value(&mut self) -> Option<()> {
        match self.byte()? {
            b'"' => {
                self.advance();
                self.advance();
                Some(())
            }
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            b'-' | b'0'..=b'9' => self.skip_number(),
            _ => self.skip_value(),
        }
    }
}
