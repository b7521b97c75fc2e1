//! Skipping a whole container the fast path does not keep (a tweet's `entities`
//! arrays, `user.entities`, `metadata`, ...) over 64-byte blocks, simdjson's way
//! (issue 12, sixth round): each block becomes bit masks (quotes, backslashes, control
//! characters, whitespace, `{}[]:,`), the escaped bytes are found from runs of
//! backslashes by one subtraction, the bytes inside strings by a prefix XOR of the
//! unescaped quotes, and only the tokens outside strings are visited (an opening
//! quote, a structural byte, the first byte of a number or literal), so whitespace and
//! string bodies cost nothing per byte.
//!
//! It checks what serde checks of a value it ignores, or gives up (`None`, and the
//! record goes to serde): no control character in a string and none but whitespace
//! outside, every escape valid (`\u` with four hex digits), no backslash outside a
//! string, numbers and literals by JSON's grammar, every comma, colon and bracket in
//! place, and nesting no deeper than the token walk allows. A block's masks cover bytes
//! after the container's end too: what they refuse there is invalid JSON anyway, so
//! giving up early changes nothing but speed.
//!
//! SSE2 only (x86_64's baseline); elsewhere the token walk (`Parser::skip_value`)
//! skips containers, as before: building the masks a word at a time costs more than
//! it saves.

use std::arch::x86_64::{
    __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8, _mm_subs_epu8,
};

use super::{Parser, MAX_SKIP_DEPTH};

/// One 64-byte block's bytes by class: bit `j` stands for byte `j`.
#[derive(Debug, PartialEq)]
struct Classes {
    quote: u64,
    backslash: u64,
    /// Below 0x20.
    control: u64,
    /// JSON's whitespace: space, `\n`, `\r`, `\t`.
    space: u64,
    /// `{`, `}`, `[`, `]`, `:` and `,`.
    op: u64,
}

fn classify(block: &[u8; 64]) -> Classes {
    let mut c = Classes {
        quote: 0,
        backslash: 0,
        control: 0,
        space: 0,
        op: 0,
    };
    // SAFETY: SSE2 is in x86_64's baseline, and each load reads the sixteen bytes
    // block[16k..16k + 16], inside the 64-byte array (unaligned loads, so any address
    // will do).
    unsafe {
        let eq = |v: __m128i, byte: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(byte as i8));
        let bits = |m: __m128i, k: usize| u64::from(_mm_movemask_epi8(m) as u16) << (16 * k);
        for k in 0..4 {
            let v = _mm_loadu_si128(block.as_ptr().add(16 * k).cast::<__m128i>());
            c.quote |= bits(eq(v, b'"'), k);
            c.backslash |= bits(eq(v, b'\\'), k);
            // Subtracting 0x1f, saturating at 0, leaves 0 only below 0x20 (unsigned).
            c.control |= bits(eq(_mm_subs_epu8(v, _mm_set1_epi8(0x1f)), 0), k);
            let space = _mm_or_si128(
                _mm_or_si128(eq(v, b' '), eq(v, b'\n')),
                _mm_or_si128(eq(v, b'\r'), eq(v, b'\t')),
            );
            c.space |= bits(space, k);
            // `[` and `{` differ only in bit 0x20, as `]` and `}` do, and no other
            // byte becomes `{` or `}` when that bit is set.
            let folded = _mm_or_si128(v, _mm_set1_epi8(0x20));
            let op = _mm_or_si128(
                _mm_or_si128(eq(folded, b'{'), eq(folded, b'}')),
                _mm_or_si128(eq(v, b':'), eq(v, b',')),
            );
            c.op |= bits(op, k);
        }
    }
    c
}

/// Bit `j` set when an odd number of bits at or below `j` are: the bytes from an
/// opening quote up to (not including) its closing one.
fn prefix_xor(mut x: u64) -> u64 {
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    x
}

/// The bytes of a block escaped by a backslash, and the backslashes that begin an
/// escape, given whether the block's first byte is escaped (`carry`, 0 or 1; updated
/// for the next block). simdjson's method: in a run of backslashes every other one
/// escapes the next byte, counted from the run's start, which one subtraction finds
/// for all runs at once.
fn escapes(backslash: u64, carry: &mut u64) -> (u64, u64) {
    if backslash == 0 {
        return (std::mem::take(carry), 0);
    }
    const ODD: u64 = 0xaaaa_aaaa_aaaa_aaaa;
    let potential = backslash & !*carry;
    let maybe_escaped = potential << 1;
    let code = ((maybe_escaped | ODD).wrapping_sub(potential)) ^ ODD;
    let escaped = code ^ (backslash | *carry);
    let escape = code & backslash;
    *carry = escape >> 63;
    (escaped, escape)
}

/// What the token walk expects next.
#[derive(Clone, Copy, PartialEq)]
enum Expect {
    Value,
    ValueOrClose,
    Key,
    KeyOrClose,
    Colon,
    CommaOrClose,
}

impl Parser<'_> {
    /// The container at `self.i` (its `{` or `[`), skipped to just after its end;
    /// `None` for anything serde would refuse (or anything this walk is unsure of).
    pub(super) fn skip_container(&mut self) -> Option<()> {
        let b = self.b;
        let mut base = self.i;
        let mut objects: u64 = 0;
        let mut depth = 0usize;
        let mut expect = Expect::Value;
        let (mut escaped_carry, mut string_carry, mut scalar_carry) = (0u64, 0u64, 0u64);
        while base < b.len() {
            // The last block is padded with spaces, which are nothing anywhere.
            let mut padded = [b' '; 64];
            let block: &[u8; 64] = match b.get(base..base + 64) {
                Some(full) => full.try_into().expect("64 bytes"),
                None => {
                    padded[..b.len() - base].copy_from_slice(&b[base..]);
                    &padded
                }
            };
            let c = classify(block);
            let (escaped, escape) = escapes(c.backslash, &mut escaped_carry);
            let quote = c.quote & !escaped;
            let in_string = prefix_xor(quote) ^ string_carry;
            string_carry = ((in_string as i64) >> 63) as u64;
            // Control characters: none in a string, only whitespace outside; no
            // backslash outside a string.
            if c.control & (in_string | !c.space) != 0 || c.backslash & !in_string != 0 {
                return None;
            }
            let mut escape = escape;
            while escape != 0 {
                let at = base + escape.trailing_zeros() as usize;
                escape &= escape - 1;
                match *b.get(at + 1)? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                    b'u' => {
                        self.hex4(at + 2)?;
                    }
                    _ => return None,
                }
            }
            let outside = !in_string;
            let op = c.op & outside;
            let scalar = outside & !c.space & !c.op & !quote;
            let scalar_start = scalar & !(scalar << 1 | scalar_carry);
            scalar_carry = scalar >> 63;
            let mut tokens = op | (quote & in_string) | scalar_start;
            while tokens != 0 {
                let at = base + tokens.trailing_zeros() as usize;
                tokens &= tokens - 1;
                let value = matches!(expect, Expect::Value | Expect::ValueOrClose);
                match b[at] {
                    open @ (b'{' | b'[') => {
                        if !value || depth == MAX_SKIP_DEPTH {
                            return None;
                        }
                        let object = open == b'{';
                        objects = objects << 1 | u64::from(object);
                        depth += 1;
                        expect = if object {
                            Expect::KeyOrClose
                        } else {
                            Expect::ValueOrClose
                        };
                    }
                    close @ (b'}' | b']') => {
                        let (object, empty) = if close == b'}' {
                            (true, Expect::KeyOrClose)
                        } else {
                            (false, Expect::ValueOrClose)
                        };
                        if depth == 0
                            || (objects & 1 == 1) != object
                            || (expect != empty && expect != Expect::CommaOrClose)
                        {
                            return None;
                        }
                        objects >>= 1;
                        depth -= 1;
                        if depth == 0 {
                            self.i = at + 1;
                            return Some(());
                        }
                        expect = Expect::CommaOrClose;
                    }
                    b':' => {
                        if expect != Expect::Colon {
                            return None;
                        }
                        expect = Expect::Value;
                    }
                    b',' => {
                        if expect != Expect::CommaOrClose || depth == 0 {
                            return None;
                        }
                        expect = if objects & 1 == 1 {
                            Expect::Key
                        } else {
                            Expect::Value
                        };
                    }
                    b'"' => {
                        expect = match expect {
                            Expect::Key | Expect::KeyOrClose => Expect::Colon,
                            Expect::Value | Expect::ValueOrClose => Expect::CommaOrClose,
                            _ => return None,
                        };
                    }
                    first => {
                        // A number or literal, read by the grammar; the byte after it
                        // must end it (whitespace, a structural byte or a quote, which
                        // the walk then refuses).
                        if !value {
                            return None;
                        }
                        self.i = at;
                        match first {
                            b't' => self.literal(b"true")?,
                            b'f' => self.literal(b"false")?,
                            b'n' => self.literal(b"null")?,
                            b'-' | b'0'..=b'9' => self.skip_number()?,
                            _ => return None,
                        }
                        if !matches!(
                            b.get(self.i),
                            Some(
                                b' ' | b'\n' | b'\r' | b'\t' | b'{' | b'}' | b'[' | b']' | b':' | b',' | b'"'
                            )
                        ) {
                            return None;
                        }
                        expect = Expect::CommaOrClose;
                    }
                }
            }
            base += 64;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::{escapes, Parser};

    /// The escaped bytes and escape-starting backslashes of `s`, a byte at a time.
    fn naive_escapes(s: &[u8]) -> (u64, u64) {
        let (mut escaped, mut escape, mut pending) = (0u64, 0u64, false);
        for (j, &c) in s.iter().enumerate() {
            if pending {
                escaped |= 1 << j;
                pending = false;
            } else if c == b'\\' {
                escape |= 1 << j;
                pending = true;
            }
        }
        (escaped, escape)
    }

    #[test]
    fn the_escape_masks_match_a_byte_at_a_time_reading_across_blocks() {
        // GIVEN 128 bytes of backslashes and other bytes in every pattern of runs that
        // a small generator makes (runs of 0-5 backslashes, odd and even, crossing the
        // block boundary at every offset); WHEN read as two blocks with the carry;
        // THEN the masks are those of a byte-at-a-time reading
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..20_000 {
            let mut s = Vec::with_capacity(128);
            while s.len() < 128 {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let run = (seed >> 33) % 6;
                s.extend(std::iter::repeat_n(b'\\', run as usize));
                s.push(if (seed >> 40).is_multiple_of(3) { b'"' } else { b'a' });
            }
            s.truncate(128);
            let (want_escaped, want_escape) = naive_escapes(&s[..64]);
            let bits = |half: &[u8]| {
                half.iter()
                    .enumerate()
                    .fold(0u64, |m, (j, &c)| m | u64::from(c == b'\\') << j)
            };
            let mut carry = 0;
            assert_eq!(escapes(bits(&s[..64]), &mut carry), (want_escaped, want_escape));
            let (all_escaped, all_escape) = {
                // The second block read whole from the first byte, then shifted.
                let mut escaped = [0u64; 2];
                let mut escape = [0u64; 2];
                let mut pending = false;
                for (j, &c) in s.iter().enumerate() {
                    if pending {
                        escaped[j / 64] |= 1 << (j % 64);
                        pending = false;
                    } else if c == b'\\' {
                        escape[j / 64] |= 1 << (j % 64);
                        pending = true;
                    }
                }
                (escaped[1], escape[1])
            };
            assert_eq!(
                escapes(bits(&s[64..]), &mut carry),
                (all_escaped, all_escape),
                "{s:?}"
            );
        }
    }

    #[test]
    fn the_block_skip_ends_where_the_token_walk_ends() {
        // GIVEN containers of every kind (nested, empty, with escapes, numbers,
        // literals, long strings crossing blocks) and the same cut short or with a byte
        // changed; WHEN skipped by the block skip and by the token walk; THEN the block
        // skip never accepts what the walk refuses, ends where it ends, and accepts
        // every valid one
        let valid: Vec<String> = vec![
            "[]".into(),
            "{}".into(),
            "[0, 246]".into(),
            r#"{"a": [1, -2.5e+3, true, false, null, "x\"y\\z\/\u00e9"], "b": {"c": {}}}"#.into(),
            format!(
                r#"[{{"text": "{}", "indices": [7, 11]}}, "{}"]"#,
                "w".repeat(70),
                "\\\\".repeat(40)
            ),
            format!("{}1{}", "[".repeat(64), "]".repeat(64)),
            format!(
                "{{\n  \"k\": [\n    {}\n  ]\n}}",
                (0..40).map(|n| n.to_string()).collect::<Vec<_>>().join(",\n    ")
            ),
            r#"{"urls": [{"url": "https:\/\/t.co\/x", "expanded_url": "https:\/\/example.com\/a\"b"}]}"#
                .into(),
        ];
        let bytes: [u8; 18] = [
            b'"', b'\\', b'{', b'}', b'[', b']', b',', b':', b'0', b'-', b'.', b'e', 0x00, 0x1f, 0xff, b' ',
            b'u', b'n',
        ];
        for doc in &valid {
            for tail in ["", " ", ", \"next\": 1}", "]"] {
                let text = format!("{doc}{tail}");
                let b = text.as_bytes();
                let (mut block, mut walk) = (Parser { b, i: 0 }, Parser { b, i: 0 });
                assert_eq!(block.skip_container(), Some(()), "{text}");
                assert_eq!(walk.skip_value(), Some(()), "{text}");
                assert_eq!(block.i, doc.len(), "{text}");
                assert_eq!(walk.i, doc.len(), "{text}");
            }
            let b = doc.as_bytes();
            let mut changed = b.to_vec();
            for at in 0..b.len() {
                check(&b[..at]);
                for &c in &bytes {
                    changed[at] = c;
                    check(&changed);
                }
                changed[at] = b[at];
            }
        }

        fn check(b: &[u8]) {
            if !matches!(b.first(), Some(b'{' | b'[')) {
                return;
            }
            let (mut block, mut walk) = (Parser { b, i: 0 }, Parser { b, i: 0 });
            if block.skip_container().is_some() {
                assert_eq!(walk.skip_value(), Some(()), "{:?}", String::from_utf8_lossy(b));
                assert_eq!(block.i, walk.i, "{:?}", String::from_utf8_lossy(b));
            }
        }
    }
}
