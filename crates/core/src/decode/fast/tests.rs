//! The fast path's pieces against their definitions: each scan against a byte-at-a-time
//! scan, each reader (keys, integers, kept strings, skipped values, the lazily read `id`
//! and the borrowed `created_at`) against serde_json or a reference kept here. Over 450
//! lines because each piece's test enumerates its inputs (every byte at every position,
//! every kind of number); the whole decoder against serde is
//! `crates/core/tests/decode_fast_path.rs`.

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
    // in the tail after it), and the key scan knows whether what it passed
    // was ASCII
    let cases = (0..36).flat_map(|len| {
        (0..len).flat_map(move |at| (0..=255u8).flat_map(move |c| [(len, at, c, false), (len, at, c, true)]))
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
            if let Some((end, ascii)) = super::scan::string_end_ascii_sse2(&b, start) {
                assert_eq!(end, want, "{b:?} from {start}");
                assert_eq!(ascii, b[start..end].is_ascii(), "{b:?} from {start}");
            }
            #[cfg(target_arch = "x86_64")]
            if let Some(end) = super::scan::plain_ascii_end_sse2(&b, start) {
                let want = (start..b.len()).find(|&j| matches!(b[j], b'"' | b'\\' | 0..=0x1f | 0x80..));
                assert_eq!(Some(end), want, "{b:?} from {start}");
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
                        super::scan::string_special_words(&b, start),
                        naive(&b, start),
                        "{special:#x} at {at} of {len} from {start}"
                    );
                }
            }
        }
    }
}

#[test]
fn a_block_is_inside_the_buffer_exactly_when_sixteen_bytes_are_left() {
    // GIVEN buffers of every length to 40 and starts beyond them, up to usize::MAX;
    // WHEN asked whether a sixteen-byte block starts there; THEN yes exactly when
    // sixteen bytes are left (the SSE2 loads rely on it)
    for len in 0..=40 {
        let b = vec![b'a'; len];
        for i in (0..=50).chain([usize::MAX - 15, usize::MAX]) {
            assert_eq!(
                super::scan::block_at(&b, i),
                len.saturating_sub(i) >= 16,
                "{len} from {i}"
            );
        }
    }
}

/// A key as [`Parser::key`] must read it, by definition: a quote, then the bytes to the
/// next `"`, `\\` or control character, ended by a quote and valid UTF-8.
fn key_reference(b: &[u8], i: usize) -> Option<(&[u8], usize)> {
    if b.get(i) != Some(&b'"') {
        return None;
    }
    let end = naive(b, i + 1);
    if b.get(end) != Some(&b'"') {
        return None;
    }
    std::str::from_utf8(&b[i + 1..end]).ok()?;
    Some((&b[i + 1..end], end + 1))
}

#[test]
fn a_key_is_read_as_its_definition_reads_it() {
    // GIVEN quoted keys of every length to 40 (shorter and longer than a block, near
    // and far from the buffer's end), each with one byte of every value, or a valid or
    // broken UTF-8 sequence, at every position; WHEN read as a key; THEN the key and
    // where reading stopped are the definition's, and `None` exactly where it is
    // `None` (an escape, a control byte, invalid UTF-8, no closing quote)
    let inserts: Vec<Vec<u8>> = (0..=255u8)
        .map(|c| vec![c])
        .chain(["é", "€", "😀"].map(|s| s.as_bytes().to_vec()))
        .chain([
            vec![0xc3],
            vec![0xe2, 0x82],
            vec![0xed, 0xa0, 0x80],
            vec![0xf0, 0x9f, 0x98],
        ])
        .collect();
    for len in 0..40 {
        for at in 0..=len {
            for insert in &inserts {
                for tail in [&b""[..], b":1}", b":\"rather a long value, past a block\"}"] {
                    let mut b = b"\"".to_vec();
                    b.extend((0..len).map(|k| b'a' + (k % 26) as u8));
                    b.splice(1 + at..1 + at, insert.iter().copied());
                    b.push(b'"');
                    b.extend_from_slice(tail);
                    let mut p = Parser { b: &b, i: 0 };
                    let got = p.key().map(|key| (key, p.i));
                    assert_eq!(got, key_reference(&b, 0), "{b:?}");
                }
            }
        }
    }
}

/// Whether the skip takes all of `b` as one value (whitespace around it allowed).
fn skips_whole(b: &[u8]) -> bool {
    let mut p = Parser { b, i: 0 };
    p.ws();
    if p.skip_value().is_none() {
        return false;
    }
    p.ws();
    p.i == b.len()
}

#[test]
fn a_skipped_value_is_accepted_exactly_where_serde_accepts_it() {
    // GIVEN nested values like those a tweet's skipped members hold (compact and
    // spaced, every kind of scalar, empty and nested containers), each with every
    // byte removed, replaced by each byte that steers JSON, or such a byte inserted
    // before it; WHEN skipped; THEN the skip takes the whole value exactly where serde
    // ignores it without error (shallow values: only depth may make the skip stricter)
    let samples = [
        r#"{"url":{"urls":[{"url":"https://t.co/Wz8qQ2xLk1","expanded_url":"https://c.example.com","display_url":"c.example.com","indices":[0,23]}]},"description":{"urls":[]}}"#,
        r#"[{"text":"AWS","indices":[7,11]},{"text":"serverless","indices":[236,247]}]"#,
        r#"{ "a" : [ 1 , -20.5e+3 , 0 , true , false , null , "\u00e9\n\"" , { } , [ ] ] ,
            "b" : {"c":[[{}],[]],"d":{"e":-0.0E-1}} }"#,
        r#"[[],{},"",0,[[[]]]]"#,
    ];
    let steer = b"{}[],:\" \\0-1.eE+tfnlu\n\x01";
    let check = |b: &[u8]| {
        let serde = serde_json::from_slice::<serde::de::IgnoredAny>(b).is_ok();
        assert_eq!(skips_whole(b), serde, "{:?}", String::from_utf8_lossy(b));
    };
    for sample in samples {
        let s = sample.as_bytes();
        check(s);
        for i in 0..=s.len() {
            for &c in steer {
                let mut inserted = s.to_vec();
                inserted.insert(i, c);
                check(&inserted);
                if i < s.len() {
                    let mut replaced = s.to_vec();
                    replaced[i] = c;
                    check(&replaced);
                }
            }
            if i < s.len() {
                let mut cut = s.to_vec();
                cut.remove(i);
                check(&cut);
            }
        }
    }
}

/// [`Parser::integer`] as it was, a digit a step: the definition the word steps meet.
fn integer_reference(b: &[u8], start: usize) -> Option<(u64, usize)> {
    let mut i = start;
    let mut n: u64 = 0;
    while let Some(&d @ b'0'..=b'9') = b.get(i) {
        n = n.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
        i += 1;
    }
    let digits = i - start;
    if digits == 0 || (digits > 1 && b[start] == b'0') || matches!(b.get(i), Some(b'.' | b'e' | b'E')) {
        return None;
    }
    Some((n, i))
}

#[test]
fn the_digit_words_count_and_read_what_a_digit_at_a_time_reads() {
    // GIVEN eight-byte words of 0 to 8 digits (several digit patterns) ended by every
    // byte value, with every byte value again in the lanes after it; WHEN counted and
    // read as a word; THEN the count and the value are a digit-at-a-time scan's
    let patterns: [&[u8]; 4] = [b"12345678", b"99999999", b"00000000", b"90817263"];
    for len in 0..=8 {
        for pattern in patterns {
            for end in 0..=255u8 {
                for after in [b'0', b'9', b'/', b':', 0x00, 0xff, end] {
                    let mut bytes = [after; 8];
                    bytes[..len].copy_from_slice(&pattern[..len]);
                    if len < 8 {
                        bytes[len] = end;
                    }
                    let w = u64::from_le_bytes(bytes);
                    let want_len = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
                    let want: u64 = bytes[..want_len]
                        .iter()
                        .fold(0, |n, &d| n * 10 + u64::from(d - b'0'));
                    assert_eq!(super::scan::digit_count(w), want_len, "{bytes:?}");
                    assert_eq!(super::scan::leading_digits(w), (want_len, want), "{bytes:?}");
                }
            }
        }
    }
}

#[test]
fn an_integer_is_read_as_a_digit_at_a_time_reads_it() {
    // GIVEN numbers of 0 to 25 digits (leading zeros, u64::MAX and one past it, every
    // length around a word), each ended by a byte that may follow a number or not, or
    // by the buffer's end, at every distance from it; WHEN read as an integer and
    // skipped as digits; THEN the value, the end and the `None`s are the reference's
    let mut numbers: Vec<String> = (0..=25)
        .map(|n| "9876543210".repeat(3)[..n].to_string())
        .collect();
    numbers.extend(
        [
            "0",
            "00",
            "0123",
            "18446744073709551615",
            "18446744073709551616",
            "99999999999999999999",
        ]
        .map(String::from),
    );
    numbers.extend((1..=20).map(|n| format!("1{}", "0".repeat(n - 1))));
    for number in &numbers {
        for end in [
            &b""[..],
            b",",
            b"}",
            b"]",
            b".5",
            b"e1",
            b"E1",
            b"x",
            b" ",
            b"\xff",
            b"-",
        ] {
            for pad in 0..10 {
                let mut b = number.as_bytes().to_vec();
                b.extend_from_slice(end);
                b.extend(std::iter::repeat_n(b' ', pad));
                let mut p = Parser { b: &b, i: 0 };
                let got = p.integer().map(|n| (n, p.i));
                assert_eq!(got, integer_reference(&b, 0), "{:?}", String::from_utf8_lossy(&b));
                let mut p = Parser { b: &b, i: 0 };
                p.digits();
                assert_eq!(p.i, b.iter().take_while(|b| b.is_ascii_digit()).count(), "{b:?}");
            }
        }
    }
}

#[test]
fn a_kept_string_is_read_as_serde_reads_it() {
    // GIVEN string literals of up to four pieces (plain ASCII short and past a block,
    // valid non-ASCII, invalid UTF-8, every escape, surrogate pairs and lone halves,
    // control bytes) in every order, alone and followed by more; WHEN read as a kept
    // string; THEN the result is serde's (`None` where serde errs), and the string
    // ends where the literal does
    let pieces: [&[u8]; 16] = [
        b"plain",
        b"a longer plain piece, past a block",
        b"\\\"",
        b"\\\\",
        b"\\/\\b\\f\\n\\r\\t",
        b"\\u00e9",
        b"\\ud83d\\ude80",
        b"\\ud800",
        b"\\udc00x",
        b"\\x",
        "é🚀".as_bytes(),
        b"\xff",
        b"\xc3",
        b"\xed\xa0\x80",
        b"\x01",
        b"\x7f",
    ];
    let mut literals: Vec<Vec<u8>> = vec![b"\"\"".to_vec()];
    for a in pieces {
        for b in pieces {
            for c in [&b""[..], pieces[0], pieces[2], pieces[11]] {
                literals.push([&b"\""[..], a, b, c, b"\""].concat());
            }
        }
    }
    for literal in literals {
        let want = serde_json::from_slice::<String>(&literal).ok();
        // Alone (its last bytes read past the blocks), and with a block's worth after it.
        for after in [&b""[..], b",\"next\":\"a value long enough\"}"] {
            let b = [&literal[..], after].concat();
            let mut p = Parser { b: &b, i: 0 };
            let got = p.string().filter(|_| p.i == literal.len());
            assert_eq!(got, want, "{:?}", String::from_utf8_lossy(&b));
        }
    }
}

#[test]
fn a_long_non_ascii_string_is_checked_as_serde_checks_it() {
    // GIVEN kept strings long enough for the SIMD UTF-8 check (64 bytes and more: CJK,
    // Cyrillic, emoji, with and without an escape), each also with one bad sequence
    // (a lone continuation byte, a cut sequence, an overlong form, a surrogate, a code
    // point past U+10FFFF, a byte never in UTF-8) put at every position; WHEN read as a
    // kept string; THEN the result is serde's (`None` where serde errs)
    let texts = [
        "東京の天気は晴れ。Привет, мир! 🚀🌏 ".repeat(4),
        "é".repeat(40),
        format!("{}\\n{}", "дом ".repeat(12), "🚀".repeat(20)),
        format!("{}{}", "a".repeat(70), "漢"),
    ];
    let bad: [&[u8]; 7] = [
        b"\x80",
        b"\xe6\x9d",
        b"\xc0\xaf",
        b"\xed\xa0\x80",
        b"\xf4\x90\x80\x80",
        b"\xff",
        b"\xf0\x9f\x9a",
    ];
    for text in &texts {
        let text = text.as_bytes();
        let mut literals = vec![[&b"\""[..], text, b"\""].concat()];
        for at in 0..=text.len() {
            for piece in bad {
                literals.push([&b"\""[..], &text[..at], piece, &text[at..], b"\""].concat());
            }
        }
        for literal in literals {
            let want = serde_json::from_slice::<String>(&literal).ok();
            let b = [&literal[..], b",\"next\":\"a value long enough\"}"].concat();
            let mut p = Parser { b: &b, i: 0 };
            let got = p.string().filter(|_| p.i == literal.len());
            assert_eq!(got, want, "{:?}", String::from_utf8_lossy(&b));
        }
    }
}

#[test]
fn a_numeric_id_is_read_only_where_id_str_does_not_win_and_as_serde_reads_it() {
    // GIVEN tweets whose `id` is a number of every kind (plain, zero, leading zero,
    // fraction, exponent, negative, at and past `u64::MAX`, out of a float's range,
    // bad grammar), with an `id_str` string before or after it, an `id_str` of
    // `null`, or none; WHEN decoded;
    // THEN the fast path gives serde's result (which refuses a number out of a float's
    // range, as `1e400`, where it reads an `id`), and reads every tweet whose `id_str`
    // is a string and whose `id` is at most 20 digits
    use crate::decode::{decode_tweet, decode_tweet_with_serde, fast_path_reads};
    let ids = [
        "0",
        "7",
        "1993700123456789012",
        "18446744073709551615",
        "18446744073709551616",
        "99999999999999999999999",
        "01",
        "1.5",
        "1e3",
        "1E+3",
        "2.0e-1",
        "-1",
        "1.",
        "1e",
        "1x",
        "00",
        "1e400",
        "-1e400",
        "123456789012345678901",
    ];
    let long = "9".repeat(400);
    for id in ids.into_iter().chain([long.as_str()]) {
        // Plain digits serde holds (at most 20 of them): read by the fast path.
        let plain =
            id.len() <= 20 && id.bytes().all(|b| b.is_ascii_digit()) && (id == "0" || !id.starts_with('0'));
        for (id_str, id_first) in [
            (Some("\"5\""), true),
            (Some("\"5\""), false),
            (Some("null"), true),
            (Some("null"), false),
            (None, true),
        ] {
            let id_member = format!("\"id\":{id}");
            let members: Vec<String> = match (id_str, id_first) {
                (Some(s), true) => vec![id_member, format!("\"id_str\":{s}")],
                (Some(s), false) => vec![format!("\"id_str\":{s}"), id_member],
                (None, _) => vec![id_member],
            };
            let json = format!("{{{},\"text\":\"hi\"}}", members.join(","));
            let fast = decode_tweet(json.as_bytes());
            assert_eq!(fast, decode_tweet_with_serde(json.as_bytes()), "{json}");
            if id_str == Some("\"5\"") && plain {
                assert!(fast_path_reads(json.as_bytes()), "{json}");
            }
        }
    }
}

#[test]
fn a_borrowed_created_at_gives_the_time_serde_gives() {
    // GIVEN tweets whose `created_at` is a v1.1 time (its weekday right and wrong), an
    // RFC 3339 time, the same with an escape or a non-ASCII byte in it, something else,
    // an empty string, `null`, a number, given twice, and ending the record (fewer than
    // sixteen bytes after it, where the plain scan does not reach); WHEN decoded; THEN
    // the fast path gives serde's result
    use crate::decode::{decode_tweet, decode_tweet_with_serde};
    let times = [
        "\"Thu Nov 26 18:02:11 +0000 2026\"",
        "\"Wed Nov 26 18:02:11 +0000 2026\"",
        "\"2024-05-01T10:00:00.000Z\"",
        "\"2024-05-01T10:00:00\\u002e000Z\"",
        "\"Thu\\u0020Nov 26 18:02:11 +0000 2026\"",
        "\"2024-05-01T10:00:00.000Z\u{e9}\"",
        "\"yesterday\"",
        "\"\"",
        "null",
        "5",
    ];
    for time in times {
        for json in [
            format!("{{\"id_str\":\"5\",\"created_at\":{time},\"text\":\"a text long enough\"}}"),
            format!("{{\"id_str\":\"5\",\"text\":\"hi\",\"created_at\":{time}}}"),
            format!("{{\"id_str\":\"5\",\"created_at\":{time},\"text\":\"hi\",\"created_at\":{time}}}"),
        ] {
            assert_eq!(
                decode_tweet(json.as_bytes()),
                decode_tweet_with_serde(json.as_bytes()),
                "{json}"
            );
        }
    }
}

#[test]
fn an_optional_count_is_read_as_whitespace_then_null_or_an_integer() {
    // GIVEN `null`, numbers of 0 to 12 digits (leading zeros, the words' edges), each
    // after no, one or many whitespace bytes, ended by a byte that may follow a number
    // or not, at every distance from the buffer's end; WHEN read as an optional count
    // (an integer of under eight digits is read from one word); THEN the value, the
    // end and the `None`s are those of whitespace, then `null` or `integer`
    fn reference(b: &[u8]) -> Option<(Option<u64>, usize)> {
        let mut p = Parser { b, i: 0 };
        p.ws();
        let value = match p.peek()? {
            b'n' => p.literal(b"null").map(|()| None)?,
            b'0'..=b'9' => Some(p.integer()?),
            _ => return None,
        };
        Some((value, p.i))
    }
    let mut values: Vec<String> = (0..=12).map(|n| "102030405060"[..n].to_string()).collect();
    values.extend(["0", "00", "01", "0.5", "7", "null", "nul", "-1"].map(String::from));
    for value in &values {
        for before in ["", " ", "\n  "] {
            for end in [&b""[..], b",", b"}", b".5", b"e1", b"E1", b"x", b" ", b"1"] {
                for pad in 0..10 {
                    let mut b = [before.as_bytes(), value.as_bytes(), end].concat();
                    b.extend(std::iter::repeat_n(b'}', pad));
                    let mut p = Parser { b: &b, i: 0 };
                    let got = p.opt_u64().map(|v| (v, p.i));
                    assert_eq!(got, reference(&b), "{:?}", String::from_utf8_lossy(&b));
                }
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[test]
fn the_plain_run_scan_reads_to_the_buffers_end() {
    // GIVEN buffers of 16 to 50 bytes, plain text with one byte of every value at every
    // position, and plain text alone; WHEN the plain run is scanned from every start,
    // the last sixteen bytes included; THEN the scan finds the first quote, backslash,
    // control or non-ASCII byte exactly where a byte-at-a-time scan does, and `None`
    // where there is none (shorter buffers are left to the callers' other scans)
    for len in 16..=50 {
        let plain = vec![b'a'; len];
        let cases = (0..len).flat_map(|at| (0..=255u8).map(move |c| (at, c)));
        for b in std::iter::once(plain.clone()).chain(cases.map(|(at, c)| {
            let mut b = plain.clone();
            b[at] = c;
            b
        })) {
            for start in 0..=b.len() {
                let want = (start..b.len()).find(|&j| matches!(b[j], b'"' | b'\\' | 0..=0x1f | 0x80..));
                assert_eq!(
                    super::scan::plain_ascii_end_sse2(&b, start),
                    want,
                    "{b:?} from {start}"
                );
            }
        }
    }
}
