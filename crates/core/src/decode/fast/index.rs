//! The record's structural index (simdjson's stage 1, issue 12, tenth round): one pass
//! over 64-byte blocks that marks where each token starts (`{}[]:,` outside strings,
//! every quote that is not escaped, the first byte of each number or literal), with the
//! blocks' backslashes and non-ASCII bytes beside them, so that `fast/walk.rs` reads
//! the record token by token and never looks at whitespace or a skipped string's body.
//!
//! Bytes are classified with `pshufb` nibble lookups (simdjson's tables: one shuffle
//! and one compare each for whitespace and for `{}[]:,`), 32 bytes a step with AVX2 or
//! 16 with SSSE3, chosen at run time: the sixth round's SSE2-only classification (11
//! compares and 5 movemasks per 16 bytes) cost more than it saved. Escapes are found as
//! simdjson finds them (odd-length runs of backslashes, by carry propagation), strings
//! by a prefix XOR of the real quotes (a carry-less multiply with AVX2's path, shifts
//! with SSSE3's), each carried across blocks.
//!
//! The index also checks what the walk then takes for granted, and refuses (`None`:
//! the byte-at-a-time reader decides) a record with a control character in a string or
//! outside whitespace, a backslash outside a string, an escape serde would refuse, or
//! a string left open. Each must match a byte-at-a-time definition:
//! `fast/index/tests.rs` compares them on generated blocks.

/// One 64-byte block of the record, bit `k` for its byte `k`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Block {
    /// Where a token starts: `{}[]:,` outside strings, a quote that opens or closes a
    /// string, the first byte of a run of other bytes outside strings (a scalar).
    pub(super) tokens: u64,
    /// Every `\\`.
    pub(super) backslashes: u64,
    /// Every byte from 0x80 up. (Kept apart from `backslashes`: OR-ed here, LLVM
    /// rebuilt the classification's vectors bit by bit, 300 instructions a block.)
    pub(super) high: u64,
}

/// The index of one record: a [`Block`] per 64 bytes (the last one padded with spaces).
pub(super) struct Index {
    pub(super) blocks: Vec<Block>,
}

impl Index {
    /// The index of `b`, or `None` where this CPU cannot build it (no SSSE3, or not
    /// x86_64) or the record is one the walk must not read (see the module's header).
    pub(super) fn build(b: &[u8]) -> Option<Index> {
        #[cfg(target_arch = "x86_64")]
        {
            // `is_x86_feature_detected!` asks CPUID once and caches the answer in an
            // atomic, so each call here is a load and a test; the answer never changes
            // while the process runs, and both builds give the same index.
            if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("pclmulqdq") {
                // SAFETY: the CPU has AVX2 and PCLMULQDQ, just checked.
                return unsafe { x86::build_avx2(b) };
            }
            if std::is_x86_feature_detected!("ssse3") {
                // SAFETY: the CPU has SSSE3, just checked.
                return unsafe { x86::build_ssse3(b) };
            }
        }
        let _ = b;
        None
    }
}

/// One block's bytes by class, bit `k` for byte `k`, as the SIMD lookups give them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Classes {
    pub(super) quote: u64,
    pub(super) backslash: u64,
    /// JSON's four whitespace bytes.
    pub(super) whitespace: u64,
    /// `{}[]:,` (and 0x0c and 0x1a, which the lookup also matches: both are control
    /// characters, which the index refuses anyway).
    pub(super) op: u64,
    /// Bytes below 0x20.
    pub(super) control: u64,
    pub(super) high: u64,
}

/// What one block leaves to the next.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Carry {
    /// 1 when the block's first byte is escaped (the last ended in an odd run of `\`).
    pub(super) escaped: u64,
    /// All ones when the block starts inside a string.
    pub(super) in_string: u64,
    /// 1 when the last block ended inside a scalar (so this one's first byte starts none).
    pub(super) scalar: u64,
}

const EVEN: u64 = 0x5555_5555_5555_5555;
const ODD: u64 = !EVEN;

/// The bytes escaped by a backslash (the byte after an odd-length run of them), given
/// the block's backslashes and whether its first byte is escaped; and whether the
/// next block's first byte is. simdjson's carry trick: adding a run's first bit to the
/// run clears it and sets the bit after it, so the runs starting on even and on odd
/// bits, each added to the backslashes, give the runs' ends, and a run of odd length
/// ends on a bit of the other parity than its start.
#[inline(always)]
pub(super) fn escaped(backslash: u64, carry: u64) -> (u64, u64) {
    if backslash == 0 {
        return (carry, 0);
    }
    // A first byte escaped by the last block is no escape itself, even if it is a `\`.
    let b = backslash & !carry;
    let starts = b & !(b << 1);
    let (even_sum, _) = b.overflowing_add(starts & EVEN);
    let (odd_sum, odd_over) = b.overflowing_add(starts & ODD);
    let ends = (even_sum & !b & ODD) | (odd_sum & !b & EVEN);
    // A run reaching bit 63 from an odd bit has odd length: its carry leaves the block.
    (ends | (carry & !backslash), u64::from(odd_over))
}

/// Bit `k` set when an odd number of bits `0..=k` of `x` are (so from an opening quote
/// up to the byte before its closing one): six shift-XOR steps.
#[inline(always)]
pub(super) fn prefix_xor_shifts(mut x: u64) -> u64 {
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    x
}

/// One block's [`Block`] from its classes, and what it leaves to the next; `err`
/// gathers the bytes that make the record one the walk must not read. `escape_ok`
/// checks one escaped byte (by its offset in the block).
#[inline(always)]
pub(super) fn block(
    c: Classes,
    carry: &mut Carry,
    prefix_xor: impl Fn(u64) -> u64,
    mut escape_ok: impl FnMut(u32) -> bool,
    err: &mut u64,
) -> Block {
    let (escaped, next_escaped) = escaped(c.backslash, carry.escaped);
    carry.escaped = next_escaped;
    // The escaped bytes other than `\` must be one of serde's escapes. Rare: a loop.
    let mut check = escaped & !c.backslash;
    while check != 0 {
        if !escape_ok(check.trailing_zeros()) {
            *err |= 1;
        }
        check &= check - 1;
    }
    let quotes = c.quote & !escaped;
    // From an opening quote up to the byte before the closing one.
    let in_string = prefix_xor(quotes) ^ carry.in_string;
    carry.in_string = ((in_string as i64) >> 63) as u64;
    let outside = !(in_string | quotes);
    let scalar = outside & !(c.whitespace | c.op);
    let scalar_starts = scalar & !(scalar << 1 | carry.scalar);
    carry.scalar = scalar >> 63;
    // Control bytes in strings, control bytes outside but whitespace, backslashes
    // outside strings: serde refuses each, and the walk does not look for them.
    *err |= c.control & (in_string | !c.whitespace) | c.backslash & !in_string;
    Block {
        tokens: (c.op & outside) | quotes | scalar_starts,
        backslashes: c.backslash,
        high: c.high,
    }
}

/// Whether `b[at]` (after a `\`) is an escape serde accepts: `"\/bfnrt`, or `u` and
/// four hex digits.
#[inline(always)]
pub(super) fn escape_ok(b: &[u8], at: usize) -> bool {
    match b.get(at) {
        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => true,
        Some(b'u') => b
            .get(at + 1..at + 5)
            .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)),
        _ => false,
    }
}

/// The index from a function classifying one 64-byte block, for each ISA's build.
#[inline(always)]
pub(super) fn build_with(
    b: &[u8],
    classify: impl Fn(&[u8; 64]) -> Classes,
    prefix_xor: impl Fn(u64) -> u64 + Copy,
) -> Option<Index> {
    let mut blocks = Vec::with_capacity(b.len() / 64 + 1);
    let mut carry = Carry::default();
    let mut err = 0u64;
    let mut chunks = b.chunks_exact(64);
    let mut base = 0usize;
    for chunk in &mut chunks {
        let chunk: &[u8; 64] = chunk.try_into().expect("64 bytes");
        let at = base;
        blocks.push(block(
            classify(chunk),
            &mut carry,
            prefix_xor,
            |k| escape_ok(b, at + k as usize),
            &mut err,
        ));
        base += 64;
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        // The last bytes, padded with spaces: whitespace, which starts no token.
        let mut last = [b' '; 64];
        last[..rest.len()].copy_from_slice(rest);
        let at = base;
        blocks.push(block(
            classify(&last),
            &mut carry,
            prefix_xor,
            |k| escape_ok(b, at + k as usize),
            &mut err,
        ));
    }
    // A string left open (or an escape at the very end) is refused too.
    (err == 0 && carry.in_string == 0 && carry.escaped == 0).then_some(Index { blocks })
}

#[cfg(target_arch = "x86_64")]
pub(super) mod x86 {
    use std::arch::x86_64::*;

    use super::{build_with, prefix_xor_shifts, Classes, Index};

    /// simdjson's lookups, indexed by a byte's low nibble (`pshufb` gives 0 for bytes
    /// from 0x80 up, which matches none): a byte is whitespace when the whitespace
    /// table holds the byte itself, and one of `{}[]:,` when the other holds the byte
    /// with 0x20 set (which makes `[` `{` and `]` `}`).
    const WHITESPACE: [u8; 16] = [
        b' ', 100, 100, 100, 17, 100, 113, 2, 100, b'\t', b'\n', 112, 100, b'\r', 100, 100,
    ];
    const OPS: [u8; 16] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, b':', b'{', b',', b'}', 0, 0];

    /// The index with 32-byte AVX2 lookups and the prefix XOR by carry-less multiply.
    /// The helpers below carry the same `target_feature`s, so that the intrinsics are
    /// inlined into one loop (without them each intrinsic was a call).
    ///
    /// # Safety
    /// The CPU must have AVX2 and PCLMULQDQ.
    #[target_feature(enable = "avx2,pclmulqdq")]
    pub(in super::super) unsafe fn build_avx2(b: &[u8]) -> Option<Index> {
        build_with(b, |chunk| classify_avx2(chunk), |x| prefix_xor_clmul(x))
    }

    /// The index with 16-byte SSSE3 lookups and the prefix XOR by shifts.
    ///
    /// # Safety
    /// The CPU must have SSSE3.
    #[target_feature(enable = "ssse3")]
    pub(in super::super) unsafe fn build_ssse3(b: &[u8]) -> Option<Index> {
        build_with(b, |chunk| classify_ssse3(chunk), prefix_xor_shifts)
    }

    #[target_feature(enable = "pclmulqdq")]
    #[inline]
    fn prefix_xor_clmul(x: u64) -> u64 {
        let product = _mm_clmulepi64_si128(_mm_set_epi64x(0, x as i64), _mm_set1_epi8(-1), 0);
        _mm_cvtsi128_si64(product) as u64
    }

    /// One block's classes, 32 bytes a step.
    #[target_feature(enable = "avx2")]
    #[inline]
    pub(in super::super) fn classify_avx2(chunk: &[u8; 64]) -> Classes {
        // SAFETY: each load reads 32 of the chunk's 64 bytes (offsets 0 and 32), or
        // 16 of a table's 16, unaligned.
        let (whitespace, ops, lo, hi) = unsafe {
            (
                _mm256_broadcastsi128_si256(_mm_loadu_si128(WHITESPACE.as_ptr().cast())),
                _mm256_broadcastsi128_si256(_mm_loadu_si128(OPS.as_ptr().cast())),
                _mm256_loadu_si256(chunk.as_ptr().cast()),
                _mm256_loadu_si256(chunk.as_ptr().add(32).cast()),
            )
        };
        join(
            &[
                classes_avx2(lo, whitespace, ops),
                classes_avx2(hi, whitespace, ops),
            ],
            32,
        )
    }

    #[target_feature(enable = "avx2")]
    #[inline]
    fn classes_avx2(v: __m256i, whitespace: __m256i, ops: __m256i) -> Classes {
        let mask = |m: __m256i| _mm256_movemask_epi8(m) as u32 as u64;
        let ws = _mm256_cmpeq_epi8(_mm256_shuffle_epi8(whitespace, v), v);
        let op = _mm256_cmpeq_epi8(
            _mm256_shuffle_epi8(ops, v),
            _mm256_or_si256(v, _mm256_set1_epi8(0x20)),
        );
        let control = _mm256_cmpeq_epi8(_mm256_max_epu8(v, _mm256_set1_epi8(0x1f)), _mm256_set1_epi8(0x1f));
        let backslash = _mm256_cmpeq_epi8(v, _mm256_set1_epi8(b'\\' as i8));
        Classes {
            quote: mask(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(b'"' as i8))),
            backslash: mask(backslash),
            whitespace: mask(ws),
            op: mask(op),
            control: mask(control),
            high: mask(v),
        }
    }

    /// One block's classes, 16 bytes a step.
    #[target_feature(enable = "ssse3")]
    #[inline]
    pub(in super::super) fn classify_ssse3(chunk: &[u8; 64]) -> Classes {
        // SAFETY: each load reads 16 of the chunk's 64 bytes (offsets 0, 16, 32, 48),
        // or a table's 16, unaligned.
        let (whitespace, ops, q) = unsafe {
            let at = |k: usize| _mm_loadu_si128(chunk.as_ptr().add(16 * k).cast());
            (
                _mm_loadu_si128(WHITESPACE.as_ptr().cast()),
                _mm_loadu_si128(OPS.as_ptr().cast()),
                [at(0), at(1), at(2), at(3)],
            )
        };
        join(
            &[
                classes_ssse3(q[0], whitespace, ops),
                classes_ssse3(q[1], whitespace, ops),
                classes_ssse3(q[2], whitespace, ops),
                classes_ssse3(q[3], whitespace, ops),
            ],
            16,
        )
    }

    #[target_feature(enable = "ssse3")]
    #[inline]
    fn classes_ssse3(v: __m128i, whitespace: __m128i, ops: __m128i) -> Classes {
        let mask = |m: __m128i| _mm_movemask_epi8(m) as u32 as u64;
        let ws = _mm_cmpeq_epi8(_mm_shuffle_epi8(whitespace, v), v);
        let op = _mm_cmpeq_epi8(_mm_shuffle_epi8(ops, v), _mm_or_si128(v, _mm_set1_epi8(0x20)));
        let control = _mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8(0x1f)), _mm_set1_epi8(0x1f));
        let backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8));
        Classes {
            quote: mask(_mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8))),
            backslash: mask(backslash),
            whitespace: mask(ws),
            op: mask(op),
            control: mask(control),
            high: mask(v),
        }
    }

    /// The parts' classes side by side, each `width` bits.
    #[inline(always)]
    fn join(parts: &[Classes], width: u32) -> Classes {
        let mut all = Classes::default();
        for (k, p) in parts.iter().enumerate() {
            let shift = width * k as u32;
            all.quote |= p.quote << shift;
            all.backslash |= p.backslash << shift;
            all.whitespace |= p.whitespace << shift;
            all.op |= p.op << shift;
            all.control |= p.control << shift;
            all.high |= p.high << shift;
        }
        all
    }
}

#[cfg(test)]
mod tests;
