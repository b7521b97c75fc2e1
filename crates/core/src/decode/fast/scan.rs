//! The fast path's byte scans: where a string's next special byte is (`"`, `\\` or a
//! control byte) and where whitespace ends, sixteen bytes a step with SSE2 on x86_64
//! and eight a step in a word elsewhere. Each must find what a byte-at-a-time scan
//! finds; `fast/tests.rs` compares them on every position of generated buffers.

/// One byte of `b` in every lane of a word.
pub(super) const fn lanes(b: u8) -> u64 {
    u64::from_ne_bytes([b; 8])
}

/// The lanes of `w` holding a byte below `n` (`n` ≤ 128), as their high bits. Exact for
/// the lowest such lane, which is the only one read.
pub(super) const fn below(w: u64, n: u8) -> u64 {
    w.wrapping_sub(lanes(n)) & !w & lanes(0x80)
}

/// Whether b[i..i + 16] is inside `b`, in one compare against a bound the loops hoist
/// (`b.len().saturating_sub(i) >= 16` cost five instructions a step, with a `cmov`;
/// issue 12, ninth round). The same answer for every `i` and `b`.
#[inline(always)]
pub(super) fn block_at(b: &[u8], i: usize) -> bool {
    b.len().checked_sub(16).is_some_and(|last| i <= last)
}

/// How many decimal digits start the eight bytes in `w` (read little-endian, so the
/// first byte is the lowest lane), 0 to 8.
#[inline(always)]
pub(crate) fn digit_count(w: u64) -> usize {
    let d = w.wrapping_sub(lanes(b'0'));
    // A lane is no digit when subtracting '0' wrapped (a byte below it) or left 10 or
    // more (adding 0x76 reaches the high bit). The lanes below the first such lane are
    // digits, which neither borrow nor carry, so that lane is flagged exactly; the
    // lanes above it may not be, and are not read.
    let other = (d | d.wrapping_add(lanes(0x76))) & lanes(0x80);
    (other.trailing_zeros() / 8) as usize
}

/// The decimal digits at the start of the eight bytes in `w` (read little-endian, so
/// the first byte is the lowest lane): how many there are (0 to 8) and their value,
/// eight lanes at once (issue 12, eleventh round: a digit a step cost ten
/// instructions, a v1.1 tweet's 19-digit `id` two hundred).
#[inline(always)]
pub(super) fn leading_digits(w: u64) -> (usize, u64) {
    let d = w.wrapping_sub(lanes(b'0'));
    let len = digit_count(w);
    if len == 0 {
        return (0, 0);
    }
    // The digits moved up to the top lanes: the zero lanes below them are leading
    // zeros. Then pairs, fours and the eight are summed in place, the first digit (the
    // lowest lane) weighing most.
    let v = d << (8 * (8 - len));
    let v = (v & lanes(0x0f)).wrapping_mul(10 << 8 | 1) >> 8;
    let v = (v & 0x00ff_00ff_00ff_00ff).wrapping_mul(100 << 16 | 1) >> 16;
    let v = (v & 0x0000_ffff_0000_ffff).wrapping_mul(10_000 << 32 | 1) >> 32;
    (len, v)
}

/// [`Parser::string_special`] from `i`, eight bytes a step: the whole scan where SSE2
/// is not there, the last bytes after it where it is.
pub(super) fn string_special_words(b: &[u8], mut i: usize) -> usize {
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

/// The lanes of `v` that end a string's plain run: `"`, `\\` or a control character
/// (below 0x20), each all ones. Shared by the two string scans below.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn string_special_lanes(v: std::arch::x86_64::__m128i) -> std::arch::x86_64::__m128i {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_or_si128, _mm_set1_epi8, _mm_setzero_si128, _mm_subs_epu8};
    // SAFETY: SSE2 is in x86_64's baseline, and these only compute on a register.
    unsafe {
        // A byte is a control character when subtracting 0x1f, saturating at 0, leaves 0
        // (unsigned, so bytes from 0x80 up are not).
        let control = _mm_cmpeq_epi8(_mm_subs_epu8(v, _mm_set1_epi8(0x1f)), _mm_setzero_si128());
        _mm_or_si128(
            _mm_or_si128(
                _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8)),
                _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8)),
            ),
            control,
        )
    }
}

/// [`Parser::string_special`] from `i`, sixteen bytes a step while sixteen are left:
/// `Ok` with the index of the first `"`, `\\` or byte below 0x20, or `Err` with where
/// fewer than sixteen bytes remain to scan.
#[cfg(target_arch = "x86_64")]
pub(super) fn string_special_sse2(b: &[u8], mut i: usize) -> Result<usize, usize> {
    use std::arch::x86_64::{__m128i, _mm_loadu_si128, _mm_movemask_epi8};
    // SAFETY: SSE2 is in x86_64's baseline (every target of this arch enables it), and
    // each load reads the sixteen bytes b[i..i + 16], inside `b` by the loop's bound
    // (unaligned loads, so any address will do).
    unsafe {
        while block_at(b, i) {
            let v = _mm_loadu_si128(b.as_ptr().add(i).cast::<__m128i>());
            let mask = _mm_movemask_epi8(string_special_lanes(v)) as u32;
            if mask != 0 {
                return Ok(i + mask.trailing_zeros() as usize);
            }
            i += 16;
        }
    }
    Err(i)
}

/// A string's end from `i`, sixteen bytes a step while sixteen are left: the index of
/// the first `"`, `\\` or byte below 0x20, and whether every byte before it is ASCII;
/// `None` when fewer than sixteen bytes are left before such a byte is found. For keys:
/// most end within one step, and a longer one (a third of a v1.1 user's) goes on from
/// the next block, its ASCII check folded in, rather than being scanned again and then
/// checked byte by byte (issue 12, ninth round).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(super) fn string_end_ascii_sse2(b: &[u8], mut i: usize) -> Option<(usize, bool)> {
    use std::arch::x86_64::{__m128i, _mm_loadu_si128, _mm_movemask_epi8};
    // The high bits of the whole blocks passed.
    let mut high = 0u32;
    while block_at(b, i) {
        // SAFETY: as in `string_special_sse2`: SSE2 is baseline, and the load reads
        // b[i..i + 16], inside `b` by the loop's bound.
        let (mask, block_high) = unsafe {
            let v = _mm_loadu_si128(b.as_ptr().add(i).cast::<__m128i>());
            (
                _mm_movemask_epi8(string_special_lanes(v)) as u32,
                _mm_movemask_epi8(v) as u32,
            )
        };
        if mask != 0 {
            // The lanes before the first hit, and those of them with the high bit set.
            let before = (mask & mask.wrapping_neg()) - 1;
            let ascii = high | (block_high & before) == 0;
            return Some((i + mask.trailing_zeros() as usize, ascii));
        }
        high |= block_high;
        i += 16;
    }
    None
}

/// A key's plain run from `i`, sixteen bytes a step: the index of the first `"`, `\\`,
/// control character or non-ASCII byte, or `None` when there is none before the
/// buffer's end (or the buffer is shorter than sixteen bytes). Keys are plain ASCII, so
/// a key that ends at the quote found is one whose bytes need no other check; one
/// signed compare finds control and non-ASCII bytes at once, where
/// [`string_end_ascii_sse2`] carries a second mask through the loop and works out the
/// ASCII answer after it (issue 12, eleventh round: a dozen instructions a key). Fewer
/// than sixteen bytes from the end, the buffer's last sixteen are read, the lanes before
/// `i` shifted out (twelfth round: a compact tweet's last key, `"lang"`, went to the
/// checked key's call, 98 instructions).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(super) fn plain_ascii_end_sse2(b: &[u8], mut i: usize) -> Option<usize> {
    use std::arch::x86_64::{__m128i, _mm_loadu_si128};
    while block_at(b, i) {
        // SAFETY: as in `string_special_sse2`: SSE2 is baseline, and the load reads
        // b[i..i + 16], inside `b` by the loop's bound.
        let mask = plain_end_lanes(unsafe { _mm_loadu_si128(b.as_ptr().add(i).cast::<__m128i>()) });
        if mask != 0 {
            return Some(i + mask.trailing_zeros() as usize);
        }
        i += 16;
    }
    let last = b.len().checked_sub(16)?;
    if i >= b.len() {
        return None;
    }
    // Here `last < i < b.len()`: the loop stopped where fewer than sixteen bytes are
    // left. SAFETY: as above; the load reads b[last..last + 16], the buffer's last
    // sixteen bytes.
    let mask =
        plain_end_lanes(unsafe { _mm_loadu_si128(b.as_ptr().add(last).cast::<__m128i>()) }) >> (i - last);
    (mask != 0).then(|| i + mask.trailing_zeros() as usize)
}

/// The lanes of `v` that end a key's plain run (`"`, `\\`, a control or a non-ASCII
/// byte), as a 16-bit mask.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn plain_end_lanes(v: std::arch::x86_64::__m128i) -> u32 {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_cmplt_epi8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8};
    // SAFETY: SSE2 is in x86_64's baseline, and these only compute on a register.
    unsafe {
        // Signed bytes: those from 0x80 up are negative, below 0x20 as the controls are.
        let low = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));
        let quote = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8));
        let backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8));
        _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), low)) as u32
    }
}

/// The whitespace from `i` (JSON's four bytes only), sixteen bytes a step while sixteen
/// are left: `Ok` with the index of the first other byte, or `Err` with where fewer
/// than sixteen bytes remain to scan.
#[cfg(target_arch = "x86_64")]
pub(super) fn whitespace_end_sse2(b: &[u8], mut i: usize) -> Result<usize, usize> {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };
    // SAFETY: as in `string_special_sse2`: SSE2 is baseline, loads stay inside `b`.
    unsafe {
        let space = _mm_set1_epi8(b' ' as i8);
        let newline = _mm_set1_epi8(b'\n' as i8);
        let carriage = _mm_set1_epi8(b'\r' as i8);
        let tab = _mm_set1_epi8(b'\t' as i8);
        while block_at(b, i) {
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
