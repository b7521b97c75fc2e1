//! A record's base64 decoded 32 characters at a time with AVX2, for the blocks that are
//! all in the standard alphabet (issue 12: `base64_simd`, which decoded the whole text,
//! checks each block and then decodes it in a second pass, 38 instructions per 32
//! characters in its compiled loop; this is the one-pass form of Muła and Lemire's
//! decoder, "Faster Base64 Encoding and Decoding Using AVX2 Instructions", 21).
//!
//! It only ever decodes a **prefix** of whole 4-character groups that contain no padding
//! and nothing outside the alphabet; [`decode_prefix`] says how long, and the caller
//! decodes the rest as it decodes any text (`super::decode_base64_into`). That split is
//! exact: base64 groups of four characters decode independently, and padding and the
//! canonical trailing bits concern only the last group, which a prefix without padding
//! leaves to the rest (or, when the prefix is the whole text, is a full group of alphabet
//! characters, always valid). So the verdict and the bytes are the rest's decoder's.

/// Decodes the longest run of leading 32-character blocks of `text` that hold only
/// characters of the standard alphabet (`A-Z a-z 0-9 + /`), appending their bytes to
/// `out`, and returns how many characters it decoded: a multiple of 32, 0 where the CPU
/// has no AVX2 (or is not x86_64).
pub(super) fn decode_prefix(text: &[u8], out: &mut Vec<u8>) -> usize {
    #[cfg(target_arch = "x86_64")]
    if text.len() >= BLOCK && std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked just above.
        return unsafe { avx2::decode_prefix(text, out) };
    }
    let _ = (text, out);
    0
}

/// Characters decoded per step.
const BLOCK: usize = 32;

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::*;

    use super::BLOCK;

    /// Bytes written per step: 24 decoded, then 8 the next step writes over (and the
    /// last step leaves in the spare capacity, past the vector's length).
    const STORE: usize = 32;
    const DECODED: usize = 24;

    /// [`super::decode_prefix`] on a CPU with AVX2.
    ///
    /// # Safety
    /// The CPU must support AVX2.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn decode_prefix(text: &[u8], out: &mut Vec<u8>) -> usize {
        let blocks = text.len() / BLOCK;
        if blocks == 0 {
            return 0;
        }
        let start = out.len();

        // Each character's high and low nibble select a class bit from two tables; a
        // character is in the alphabet exactly when its two bits do not meet (`+` `/`
        // `0-9` `A-Z` `a-z`; every byte from 0x80 up, `=`, and every other ASCII byte
        // meet in some bit). Then an offset chosen by the high nibble (and `/`, which
        // shares `+`'s nibble) turns a character into its 6-bit value.
        let lut_lo = _mm256_setr_epi8(
            0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13, 0x1A, 0x1B, 0x1B, 0x1B,
            0x1A, //
            0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13, 0x1A, 0x1B, 0x1B, 0x1B, 0x1A,
        );
        let lut_hi = _mm256_setr_epi8(
            0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
            0x10, //
            0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
        );
        let lut_roll = _mm256_setr_epi8(
            0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0, //
            0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0,
        );
        let nibble = _mm256_set1_epi8(0x0F);
        let slash = _mm256_set1_epi8(b'/' as i8);
        // Four 6-bit values to three bytes: pairs merged by a multiply-add, then pairs
        // of pairs, then the three bytes of each 32-bit lane gathered to the front of
        // each 128-bit half, and the two halves' 12 bytes joined.
        let merge_pairs = _mm256_set1_epi32(0x0140_0140);
        let merge_quads = _mm256_set1_epi32(0x0001_1000);
        // The last four bytes of each half, and the last two lanes of the join, are
        // spare bytes (written over by the next block, or past the vector's length).
        // They take whatever is there: asked to be zero (`-1`), they cost the compiler a
        // blend a block.
        let gather = _mm256_setr_epi8(
            2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, 3, 7, 11, 15, //
            2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, 3, 7, 11, 15,
        );
        let join = _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 3, 7);

        // The first block checked before anything is reserved: a text that is not plain
        // base64 from its start (a newline, another alphabet) is left whole to the other
        // decoders, which allocate for it themselves.
        // SAFETY: `text` holds at least one block (`blocks` > 0).
        let first = _mm256_loadu_si256(text.as_ptr() as *const __m256i);
        let first_hi = _mm256_shuffle_epi8(lut_hi, _mm256_and_si256(_mm256_srli_epi32(first, 4), nibble));
        let first_lo = _mm256_shuffle_epi8(lut_lo, _mm256_and_si256(first, nibble));
        if _mm256_testz_si256(first_lo, first_hi) == 0 {
            return 0;
        }
        // Room for every block's store, the last one's 8 spare bytes included.
        out.reserve(blocks * DECODED + (STORE - DECODED));

        let mut done = 0;
        // SAFETY (the loop's pointers): every load reads one whole block of `text`; the
        // k-th store writes `STORE` bytes at `start + k * DECODED`, k < `blocks`, inside
        // the capacity reserved above; `set_len` below covers only bytes the stores wrote.
        let mut dst = out.as_mut_ptr().add(start);
        for block in text.chunks_exact(BLOCK) {
            let input = _mm256_loadu_si256(block.as_ptr() as *const __m256i);
            let hi_nibbles = _mm256_and_si256(_mm256_srli_epi32(input, 4), nibble);
            let lo_nibbles = _mm256_and_si256(input, nibble);
            let lo = _mm256_shuffle_epi8(lut_lo, lo_nibbles);
            let hi = _mm256_shuffle_epi8(lut_hi, hi_nibbles);
            if _mm256_testz_si256(lo, hi) == 0 {
                break;
            }
            let is_slash = _mm256_cmpeq_epi8(input, slash);
            let roll = _mm256_shuffle_epi8(lut_roll, _mm256_add_epi8(is_slash, hi_nibbles));
            let values = _mm256_add_epi8(input, roll);
            let pairs = _mm256_maddubs_epi16(values, merge_pairs);
            let quads = _mm256_madd_epi16(pairs, merge_quads);
            let bytes = _mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(quads, gather), join);
            _mm256_storeu_si256(dst as *mut __m256i, bytes);
            dst = dst.add(DECODED);
            done += BLOCK;
        }
        out.set_len(start + done / BLOCK * DECODED);
        done
    }
}
