use super::*;

/// A small deterministic generator (xorshift64*), so failures replay.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The index a byte at a time: the definition the SIMD builds must meet.
fn naive(b: &[u8]) -> Option<Vec<Block>> {
    let mut blocks = vec![Block::default(); b.len().div_ceil(64)];
    let (mut in_string, mut escape_next, mut in_scalar, mut err) = (false, false, false, false);
    for (k, &c) in b.iter().enumerate() {
        let (block, bit) = (&mut blocks[k / 64], 1u64 << (k % 64));
        if c == b'\\' {
            block.backslashes |= bit;
        }
        if c >= 0x80 {
            block.high |= bit;
        }
        if in_string {
            if escape_next {
                escape_next = false;
                err |= !escape_ok(b, k);
            } else if c == b'\\' {
                escape_next = true;
            } else if c == b'"' {
                in_string = false;
                block.tokens |= bit;
            } else if c < 0x20 {
                err = true;
            }
            in_scalar = false;
            continue;
        }
        match c {
            b'"' => {
                in_string = true;
                block.tokens |= bit;
                in_scalar = false;
            }
            b' ' | b'\n' | b'\r' | b'\t' => in_scalar = false,
            b'{' | b'}' | b'[' | b']' | b':' | b',' => {
                block.tokens |= bit;
                in_scalar = false;
            }
            _ => {
                err |= c < 0x20 || c == b'\\';
                if !in_scalar {
                    block.tokens |= bit;
                }
                in_scalar = true;
            }
        }
    }
    (!err && !in_string).then_some(blocks)
}

/// One way of building the index.
type Build = fn(&[u8]) -> Option<Index>;

/// Every build this CPU can run, by name.
fn builds() -> Vec<(&'static str, Build)> {
    #[allow(unused_mut)]
    let mut all: Vec<(&'static str, Build)> = vec![("dispatch", Index::build)];
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("pclmulqdq") {
            // SAFETY: the CPU has both, just checked.
            all.push(("avx2", |b| unsafe { x86::build_avx2(b) }));
        }
        if std::is_x86_feature_detected!("ssse3") {
            // SAFETY: the CPU has SSSE3, just checked.
            all.push(("ssse3", |b| unsafe { x86::build_ssse3(b) }));
        }
    }
    all
}

fn check(b: &[u8]) {
    let want = naive(b);
    for (name, build) in builds() {
        let got = build(b).map(|index| index.blocks);
        if got.is_none() && name == "dispatch" && builds().len() == 1 {
            continue; // no SIMD build on this CPU: nothing to compare
        }
        assert_eq!(
            got,
            want,
            "{name} on {:?} ({} bytes)",
            String::from_utf8_lossy(b),
            b.len()
        );
    }
}

#[test]
fn the_index_marks_what_a_byte_at_a_time_reading_marks() {
    // GIVEN records of 0 to 300 bytes drawn from the bytes that matter (quotes,
    // backslashes and runs of them, brackets, whitespace, scalars' bytes, escape
    // letters, hex digits, control bytes including 0x0c and 0x1a, which the lookup
    // takes for `,` and `:`, and non-ASCII), so that strings, escapes and scalars cross
    // block edges and the last block is short; WHEN indexed by every build the CPU
    // has; THEN each gives the byte-at-a-time index, and refuses the same records
    let alphabet: &[u8] = b"\"\"\"\\\\\\{}[]:,  \n\ta1-u0fntr/b\x01\x0c\x1a\x1f\x7f\x80\xc3";
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for case in 0..60_000 {
        let len = if case % 10 == 0 {
            rng.below(300)
        } else {
            rng.below(140)
        };
        let mut b: Vec<u8> = (0..len).map(|_| alphabet[rng.below(alphabet.len())]).collect();
        // Most records mostly plain, so that valid ones (no refusal) are common too.
        if case % 2 == 0 {
            for c in b.iter_mut() {
                if rng.below(4) != 0 && !matches!(*c, b'"') {
                    *c = b"a1 ,:"[rng.below(5)];
                }
            }
        }
        check(&b);
    }
}

#[test]
fn runs_of_backslashes_across_block_edges_escape_as_byte_at_a_time() {
    // GIVEN a string holding a run of 1 to 6 backslashes ending at every offset around
    // the first and second block edges, followed by a quote, an `n` or a `u` escape;
    // THEN every build reads which quote ends the string as the byte-at-a-time reading
    for run in 1..=6 {
        for end in 50..140 {
            for after in [&b"\"x\""[..], b"n\"", b"u00e9\"", b"\\\"", b"\" "] {
                let mut b = b"[\"".to_vec();
                b.resize(end - run, b'a');
                b.extend(std::iter::repeat_n(b'\\', run));
                b.extend_from_slice(after);
                b.extend_from_slice(b"]");
                check(&b);
                // And cut at every length around the run.
                for cut in end.saturating_sub(run + 2)..b.len() {
                    check(&b[..cut]);
                }
            }
        }
    }
}

#[test]
fn escaped_bytes_are_those_after_an_odd_run_of_backslashes() {
    // GIVEN random backslash masks (dense and sparse) and both carries in; THEN the
    // carry trick marks the bytes a byte-at-a-time reading marks, and carries out the same
    let mut rng = Rng(7);
    for case in 0..200_000 {
        let backslash = match case % 3 {
            0 => rng.next(),
            1 => rng.next() | rng.next(),
            _ => rng.next() & rng.next(),
        };
        for carry in [0, 1] {
            let (mut want, mut escape_next) = (0u64, carry == 1);
            for k in 0..64 {
                if escape_next {
                    escape_next = false;
                    if backslash & 1 << k == 0 {
                        want |= 1 << k;
                    }
                } else if backslash & 1 << k != 0 {
                    escape_next = true;
                }
            }
            assert_eq!(
                escaped(backslash, carry),
                (want, u64::from(escape_next)),
                "{backslash:064b} carry {carry}"
            );
        }
    }
}

#[test]
fn the_prefix_xor_is_the_running_parity() {
    let mut rng = Rng(11);
    for _ in 0..100_000 {
        let x = rng.next() & rng.next();
        let mut want = 0u64;
        let mut parity = 0u64;
        for k in 0..64 {
            parity ^= x >> k & 1;
            want |= parity << k;
        }
        assert_eq!(prefix_xor_shifts(x), want, "{x:064b}");
    }
}
