//! The fast paths' tests (`recipe/scan.rs`), each against the definition it must match:
//! the byte tokenizers against the character tokenizer over every short ASCII string and
//! long random text, the hashing steps against `fnv1a`, the byte tables against their
//! classes, the SSE2 letter count against a byte loop, and the bucket sort against
//! `sort_unstable` and `dedup`. One file of about 600 lines because each test is read
//! beside the others over the same fast path, and splitting them by fast path would
//! spread the shared generators (`strings`, the xorshift streams) over several files.

use super::super::{every_sequence, every_string, fnv1a, tokenize_chars, TextSignals};
use super::*;

/// Every ASCII string of up to `len` bytes over `alphabet`.
fn strings(alphabet: &[u8], len: u32, mut each: impl FnMut(&str)) {
    every_sequence(alphabet, len, |bytes| each(std::str::from_utf8(bytes).unwrap()));
}

#[test]
fn the_byte_tokenizer_reads_ascii_as_the_character_tokenizer_does() {
    // Every ASCII byte alone and beside a letter, in every place.
    for b in 0u8..128 {
        for s in [
            format!("{}", b as char),
            format!("a{}b", b as char),
            format!("{}a", b as char),
            format!("a{}", b as char),
            format!("#{}a '{}'", b as char, b as char),
        ] {
            assert_eq!(tokenize_ascii(&s), tokenize_chars(&s), "{s:?}");
        }
    }
    // Every string of up to 6 bytes over the bytes that matter to it.
    strings(b"a1#@$'_ .\t-", 6, |s| {
        assert_eq!(tokenize_ascii(s), tokenize_chars(s), "{s:?}");
    });
    // URLs and near-URLs, numbers and near-numbers.
    for s in [
        "http://x https://y www.z http:/ https www httpx://",
        "a http://t.co/x,b www.",
        "$5 5$ $$5 $ 12'34 '12' 1_2 #1 @1 $1a 'a' ''a'' '' '",
        "rt @aws: new #lambda feature, 50% off!!! https://t.co/x $doge 2026",
    ] {
        assert_eq!(tokenize_ascii(s), tokenize_chars(s), "{s:?}");
    }
    // Hostile text: every path through `tokenize` is the character tokenizer's, the
    // ASCII one only for ASCII text (a text with one non-ASCII character takes the
    // character path whole).
    for s in [
        "e\u{200B}arn $500 d\u{00AD}m me",
        "cafe\u{301} s3\u{0308} aws\u{20DD}",
        "ＡＷＳ ｌａｍｂｄａ ａｗｓ",
        "awsの請求額が3倍 s3를 쓰는 ламбда",
        "\u{202E}swa\u{202C} #aws\u{FE0F} @x\u{200D}y",
    ] {
        let lower = s.to_lowercase();
        assert_eq!(super::super::tokenize(&lower), tokenize_chars(&lower), "{s:?}");
        assert_eq!(tokenize_mixed(&lower), tokenize_chars(&lower), "{s:?}");
    }
    // Hostile sizes: a megabyte of one word, of `aws`, of separators.
    for s in [
        "aws ".repeat(250_000),
        "a".repeat(1 << 20),
        "#@$-'".repeat(200_000),
    ] {
        assert_eq!(tokenize_ascii(&s), tokenize_chars(&s));
    }
}

#[test]
fn the_tokenizers_marks_are_the_byte_searches() {
    // The tokens are `tokenize_ascii`'s, and the marks those of searching the text for
    // `!`, `$` and `>` (`marks_of`), on every string of up to 6 bytes over bytes of
    // each class (a URL's start among them), every ASCII byte in every place, and URLs
    // that carry the marked bytes.
    let check = |s: &str| {
        let (tokens, marks) = tokenize_ascii_marked(s);
        assert_eq!(tokens, tokenize_chars(s), "{s:?}");
        assert_eq!(marks, marks_of(s), "{s:?}");
    };
    strings(b"a1#$!> -", 6, check);
    strings(b"w.!$>' ", 6, |s| check(&format!("www.{s} x{s}")));
    for b in 0u8..128 {
        let c = b as char;
        for s in [
            format!("{c}"),
            format!("a{c}b"),
            format!("{c}a"),
            format!("a{c}"),
            format!("#{c}a '{c}' {c}{c}"),
            format!("http://x{c}y z"),
        ] {
            check(&s);
        }
    }
    for s in [
        "rt @aws: new #lambda feature, 50% off!!! https://t.co/x $doge 2026",
        "x -> y => z https://a.b/?q=$1&r=!! www.>",
        "",
        "   ",
    ] {
        check(s);
    }
}

#[test]
fn the_hashing_tokenizer_gives_the_tokens_then_their_ngrams_and_forms() {
    // `tokenize_ascii_hashed` against its definition: `tokenize_ascii_marked`'s tokens
    // and marks, `Tally::of` them, then `ngrams_and_forms` over those tokens (ids in the
    // same order, the same forms and keys, the same answer for `lambda`).
    let check = |s: &str| {
        for mask in [(1u64 << 18) - 1, u64::MAX] {
            let mut got = Vec::new();
            let mut grams = Grams::new(mask, &mut got, 0);
            let (tokens, marks) = tokenize_ascii_hashed(s, &mut grams);
            let (forms, named, tally) = (grams.forms, grams.lambda_named, grams.tally);
            let (want_tokens, want_marks) = tokenize_ascii_marked(s);
            assert_eq!((&tokens, marks), (&want_tokens, want_marks), "{s:?}");
            assert_eq!(tally, Tally::of(&tokens), "{s:?}");
            let mut want = Vec::new();
            let (want_forms, want_named) = super::super::ngrams_and_forms(&tokens, mask, &mut want);
            assert_eq!(got, want, "{s:?}");
            assert_eq!(forms, want_forms, "{s:?}");
            assert_eq!(named, want_named, "{s:?}");
        }
    };
    // Every string of up to 6 bytes over bytes of each kind: letters, a digit, each
    // sigil, the apostrophe (inside, leading, trailing), `_`, separators.
    strings(b"a1#@$'_ .-", 6, check);
    strings(b"as'#@ ", 6, check);
    for b in 0u8..128 {
        let c = b as char;
        check(&format!("{c} a{c}b {c}a a{c} #{c}a '{c}' {c}{c} http://x{c}y z"));
    }
    for s in [
        "rt @aws: new #lambda feature, 50% off!!! https://t.co/x $doge 2026",
        "new in #aws lambda: snapstart for python and .net cuts cold starts from 1.9 s",
        "@awscloud's guide, aws's bill, 'quoted' words' ends'' lambda lambdas #lambda",
        "l'aws d'lambda s3's ec2's x'' ''y 12'34 '12' $5 5$",
        "",
        " ",
    ] {
        check(s);
    }
    check(&"lambda aws's #x @y 1 ".repeat(5_000));
    check(&"a".repeat(1 << 16));
}

/// Whether a token is the word `aws`, and whether one is a tag of it: the definitions
/// [`Grams`]' answers are checked against (`aws_carried_and_last`'s first two walks).
fn aws_of(tokens: &[&str]) -> (bool, bool) {
    use super::super::is_aws_word;
    (
        tokens.iter().any(|t| is_aws_word(t)),
        tokens
            .iter()
            .any(|t| t.strip_prefix('#').is_some_and(is_aws_word)),
    )
}

#[test]
fn the_hashing_tokenizer_tells_the_word_aws_and_its_tag_as_the_tokens_do() {
    // GIVEN every string of up to 5 bytes over the bytes of `aws`, its case endings and
    // elided articles, and sigils, and these fragments side by side
    let check = |s: &str| {
        let mut got = Vec::new();
        let mut grams = Grams::new((1u64 << 18) - 1, &mut got, 0);
        // WHEN it is tokenized and hashed in one pass
        let (tokens, _) = tokenize_ascii_hashed(s, &mut grams);
        // THEN its answers are those of walking the tokens
        assert_eq!((grams.aws_word, grams.aws_tag), aws_of(&tokens), "{s:?}");
    };
    strings(b"aws'#@d ", 5, check);
    for a in [
        "aws", "#aws", "@aws", "aws's", "#aws's", "d'aws", "l'aws", "dell'aws", "awss", "aws'", "#aws'",
    ] {
        for b in ["", " x", " aws", "'s", "#"] {
            check(&format!("{a}{b}"));
            check(&format!("x {a}{b} y"));
        }
    }
}

#[test]
fn the_hashing_tokenizer_gives_the_definitions_tokens_on_long_random_text() {
    // GIVEN long texts of random fragments: words, numbers, sigils, apostrophes, URLs and
    // near-URLs after spaces and after other bytes, separators of every class, and any
    // ASCII byte (a fixed xorshift stream, so that a failure reproduces)
    let mut state = 0x3c6e_f372_fe94_f82bu64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    const FRAGMENTS: [&str; 27] = [
        "aws",
        "lambda",
        "s3",
        "2026",
        "1",
        "#",
        "@",
        "$",
        "'",
        "''",
        "_",
        " ",
        "  ",
        "\t",
        "-",
        ".",
        "!",
        ">",
        "http://t.co/x",
        "https://a.b",
        "www.",
        "http",
        "w",
        "h",
        "d'",
        "l'",
        "'s",
    ];
    for _ in 0..3_000 {
        let mut text = String::new();
        for _ in 0..next() % 80 {
            let r = next();
            if r % 10 == 0 {
                text.push(char::from((r >> 8) as u8 & 0x7f));
            } else {
                text.push_str(FRAGMENTS[(r >> 8) as usize % FRAGMENTS.len()]);
            }
        }
        // WHEN it is tokenized and hashed in one pass
        let mut got = Vec::new();
        let mut grams = Grams::new((1u64 << 18) - 1, &mut got, 0);
        let (tokens, marks) = tokenize_ascii_hashed(&text, &mut grams);
        let (forms, named, tally) = (grams.forms, grams.lambda_named, grams.tally);
        let aws = (grams.aws_word, grams.aws_tag);
        // THEN the tokens are the character tokenizer's, the marks the byte searches',
        // and the n-grams, forms, lambda answer, tally and `aws` answers those of the
        // tokens
        assert_eq!(tokens, tokenize_chars(&text), "{text:?}");
        assert_eq!(aws, aws_of(&tokens), "{text:?}");
        assert_eq!(marks, marks_of(&text), "{text:?}");
        assert_eq!(tally, Tally::of(&tokens), "{text:?}");
        let mut want = Vec::new();
        let (want_forms, want_named) = super::super::ngrams_and_forms(&tokens, (1u64 << 18) - 1, &mut want);
        assert_eq!((got, forms, named), (want, want_forms, want_named), "{text:?}");
    }
}

#[test]
fn the_marks_of_text_that_is_not_ascii_are_the_byte_searches() {
    // `marks_of_mixed` says `>` may be there (its search is left to `has_arrow`) and
    // finds `!` and `$` as `marks_of` does.
    for s in ["", "é", "!é", "é$", "$!>é", "ありがとう！", "\u{FF01}!", "a>b ü"] {
        assert_eq!(marks_of_mixed(s), marks_of(s) | MARK_GT, "{s:?}");
    }
    every_string(&["!", "$", ">", "é", "a", "日"], 5, |s| {
        assert_eq!(marks_of_mixed(s), marks_of(s) | MARK_GT, "{s:?}");
    });
}

#[test]
fn the_mixed_tokenizer_reads_any_text_as_the_character_tokenizer_does() {
    // Every string of up to 5 characters over ASCII that matters and characters of
    // each kind: accented, other scripts (hiragana, katakana, kanji, Hangul), a digit
    // of another script, a combining mark, an emoji, Unicode whitespace, a curly
    // apostrophe.
    let alphabet = [
        "a", "1", "#", "$", "'", " ", "-", "é", "の", "ア", "漢", "한", "٣", "\u{301}", "😀", "\u{3000}", "’",
    ];
    every_string(&alphabet, 5, |s| {
        assert_eq!(tokenize_mixed(s), tokenize_chars(s), "{s:?}");
    });
    // URLs beside other scripts and Unicode spaces, and hostile sizes.
    for s in [
        "https://t.co/é\u{3000}aws http://x\u{85}y www.é",
        "awsの請求額が3倍 s3를 쓰는 ламбда #aws😀 @x’s",
        "the traffic was awful, 39 minutes to go two streets ❤️ #aws",
    ] {
        assert_eq!(tokenize_mixed(s), tokenize_chars(s), "{s:?}");
    }
    for s in ["é".repeat(100_000), "aws😀".repeat(50_000), "漢a".repeat(100_000)] {
        assert_eq!(tokenize_mixed(&s), tokenize_chars(&s));
    }
    // And every text of the shipped labeled set.
    let data = include_str!("../../../data/tweets-labeled.csv");
    for line in data.lines() {
        let lower = super::super::lowercase_visible(line);
        assert_eq!(tokenize_mixed(&lower), tokenize_chars(&lower), "{line:?}");
    }
}

#[test]
fn the_character_kinds_are_the_unicode_tables() {
    use super::super::{full_width_ascii, invisible, is_emoji};
    let odd = |c: char| invisible(c) || c == '\u{2019}' || full_width_ascii(c);
    let own_lowercase = |c: char| c.to_lowercase().eq([c]);
    for c in (0..=0x10FFFF).filter_map(char::from_u32) {
        let at = format!("{:x}", c as u32);
        // The block table says what the ranges say.
        assert_eq!(Kind::of(c), Kind::by_ranges(c as u32), "{at}");
        match Kind::of(c) {
            Kind::Upper => {
                assert!(
                    c.is_alphabetic() && c.is_alphanumeric() && c.is_uppercase(),
                    "{at}"
                );
                assert!(!c.is_whitespace() && !c.is_ascii() && !odd(c), "{at}");
            }
            Kind::Lower => {
                assert!(
                    c.is_alphabetic() && c.is_alphanumeric() && !c.is_uppercase(),
                    "{at}"
                );
                assert!(!c.is_whitespace() && !c.is_ascii() && !odd(c), "{at}");
                assert!(own_lowercase(c), "{at}");
            }
            Kind::Emoji | Kind::Plain => {
                assert!(
                    !c.is_alphabetic() && !c.is_alphanumeric() && !c.is_whitespace(),
                    "{at}"
                );
                assert_eq!(is_emoji(c), Kind::of(c) == Kind::Emoji, "{at}");
                assert!(!c.is_ascii() && !odd(c) && own_lowercase(c), "{at}");
            }
            Kind::Unknown => {}
        }
    }
}

#[test]
fn the_mixed_tokenizer_reads_every_code_point_as_the_character_tokenizer_does() {
    // Each character alone, between letters of two scripts, after a sigil and in a
    // URL: its class (kept, dropped, a space) and its script are what the character
    // tokenizer finds, whichever path told them.
    let mut s = String::new();
    for c in (0x80..=0x10FFFF).filter_map(char::from_u32) {
        for (before, after) in [("", ""), ("a", "b"), ("漢", "の"), ("#", "가"), ("б", "é")] {
            s.clear();
            s.push_str(before);
            s.push(c);
            s.push_str(after);
            assert_eq!(tokenize_mixed(&s), tokenize_chars(&s), "{:x}", c as u32);
        }
    }
    // Ordinary tweets in the languages the fast paths are for, lowercased as the
    // recipe does, and text of every such kind glued.
    for text in [
        "Сегодня перенесли все наши бэкапы в S3 Glacier, счёт уменьшился втрое #aws",
        "오늘 회사에서 AWS 람다와 다이나모DB로 서버리스 API를 만들었는데… 비용도 거의 안 나옴 #aws",
        "今日はAWSのLambdaで「サーバーレス」なAPIを作ってみました。簡単！ #aws",
        "Por fin migramos la base de datos a Aurora — ¡Qué alivio! «ÉXITO» #aws",
        "Η ΑWS ΣΑΣ ενημερώνει: νέα περιοχή 🇬🇷 😀 ✅ שלום مرحبا",
        "あ漢い字う語え文お書かカナ한글БбÉé—、。😀✅",
    ] {
        let lower = super::super::lowercase_visible(text);
        assert_eq!(tokenize_mixed(&lower), tokenize_chars(&lower), "{text:?}");
    }
}

#[test]
fn flush_by_bytes_is_flush_by_characters() {
    // The definition it had, character by character.
    fn by_chars<'a>(current: &'a str, tokens: &mut Vec<&'a str>) {
        let t = current.trim_matches('\'');
        if !t.is_empty() {
            let is_number = t.chars().all(|c| c.is_ascii_digit() || c == '$');
            tokens.push(if is_number && t.chars().any(|c| c.is_ascii_digit()) {
                "<num>"
            } else {
                t
            });
        }
    }
    let alphabet = ["'", "1", "$", "a", "é", "’", "٣", "\u{301}"];
    every_string(&alphabet, 6, |s| {
        let (mut got, mut want) = (Vec::new(), Vec::new());
        flush(s, &mut got);
        by_chars(s, &mut want);
        assert_eq!(got, want, "{s:?}");
    });
}

#[test]
fn ascii_letter_counts_are_the_character_counts() {
    strings(b"aZ1 !$\x7f", 5, |s| {
        let (upper, letters) = ascii_letters(s);
        let chars = TextSignals::char_counts(s);
        assert_eq!((upper, letters, 0), chars, "{s:?}");
    });
    for b in 0u8..128 {
        let s = (b as char).to_string();
        assert_eq!(
            {
                let (u, l) = ascii_letters(&s);
                (u, l, 0)
            },
            TextSignals::char_counts(&s),
            "{s:?}"
        );
    }
}

#[test]
fn ascii_letter_counts_by_blocks_are_the_counts_byte_by_byte() {
    // GIVEN texts of every length up to 600 bytes (every remainder of a 16-byte block)
    // of random ASCII, texts of one letter or one other byte long enough that a lane
    // passes 255 (more than 255 blocks), and their lengths either side of that
    let mut state = 0x6a09_e667_f3bc_c908u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut texts: Vec<String> = (0..=600)
        .map(|n| (0..n).map(|_| char::from(next() as u8 & 0x7f)).collect())
        .collect();
    for c in ['A', 'z', '@', '['] {
        for n in [255 * 16 - 1, 255 * 16, 255 * 16 + 1, 256 * 16 + 7, 10_000] {
            texts.push(c.to_string().repeat(n));
        }
    }
    for text in &texts {
        // WHEN they are counted 16 bytes a step
        // THEN the counts are those of one byte at a time
        assert_eq!(
            ascii_letters(text),
            ascii_letters_by_bytes(text.as_bytes()),
            "{text:?}"
        );
    }
}

#[test]
fn prefix_states_hash_as_fnv1a_over_the_parts() {
    strings(b"ab:\x00\x7f", 5, |s| {
        let b = s.as_bytes();
        let w = fnv_const(FNV_OFFSET, b"w:");
        assert_eq!(fnv_extend(w, b), fnv1a(&[b"w:", b]));
        assert_eq!(fnv_const(FNV_OFFSET, b), fnv1a(&[b]));
        assert_eq!(fnv_extend(fnv_extend(FNV_OFFSET, b), b), fnv1a(&[b, b]));
    });
}

#[test]
fn the_bucket_sort_sorts_and_deduplicates_as_sort_unstable_does() {
    // A fixed pseudo-random stream (xorshift), so that a failure reproduces.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for bits in [10, 18, 24, 32] {
        let mask = if bits == 32 { u32::MAX } else { (1u32 << bits) - 1 };
        for n in (0..=300).chain([2000]) {
            for dupes in [false, true] {
                let ids: Vec<u32> = (0..n)
                    .map(|_| {
                        let x = next() as u32 & mask;
                        if dupes {
                            x % 7
                        } else {
                            x
                        }
                    })
                    .collect();
                let mut want = ids.clone();
                want.sort_unstable();
                want.dedup();
                let mut got = ids.clone();
                sort_dedup(&mut got, bits);
                assert_eq!(got, want, "bits {bits}, n {n}, dupes {dupes}");
            }
        }
    }
    // Ids above the mask (not produced, but not trusted either) are still sorted.
    let mut ids: Vec<u32> = (0..100).map(|i| u32::MAX - i * 3).collect();
    let mut want = ids.clone();
    want.sort_unstable();
    sort_dedup(&mut ids, 18);
    assert_eq!(ids, want);
}

#[test]
fn the_bucket_sort_sorts_and_deduplicates_ids_out_of_bucket_order_and_repeats_anywhere() {
    // GIVEN lists whose last pass must step back far and undo its steps: descending ids,
    // ids above the masked range (out of bucket order), repeats of earlier ids at random
    // places, and runs of one id
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for bits in [7, 12, 18, 24] {
        let mask = (1u32 << bits) - 1;
        for n in 16..=255 {
            let spread: Vec<u32> = (0..n).map(|_| next() as u32 & mask).collect();
            let mut descending = spread.clone();
            descending.sort_unstable_by(|a, b| b.cmp(a));
            let above: Vec<u32> = spread.iter().map(|&x| x | (next() as u32 & !mask)).collect();
            let repeated: Vec<u32> = (0..n)
                .map(|i| match next() % 3 {
                    0 if i > 0 => spread[next() as usize % i],
                    _ => spread[i],
                })
                .collect();
            let runs: Vec<u32> = (0..n).map(|i| spread[i / 5]).collect();
            for ids in [spread, descending, above, repeated, runs] {
                let mut want = ids.clone();
                want.sort_unstable();
                want.dedup();
                let mut got = ids.clone();
                // WHEN they are sorted by buckets
                sort_dedup(&mut got, bits);
                // THEN the result is `sort_unstable` and `dedup`'s
                assert_eq!(got, want, "bits {bits}, n {n}, ids {ids:?}");
            }
        }
    }
}

#[test]
fn the_in_word_table_is_the_word_class_with_the_apostrophe_marked() {
    // GIVEN every byte
    for b in 0..=255u8 {
        // THEN the walk goes on over exactly the bytes `CLASS` keeps inside a token, and
        // only `'` sets the apostrophe's bit
        assert_eq!(IN_WORD[b as usize] != 0, CLASS[b as usize] == WORD, "{b}");
        assert_eq!(IN_WORD[b as usize] & APOSTROPHE != 0, b == b'\'', "{b}");
        // AND only ASCII bytes go on (what the tokenizer's unchecked slicing relies on)
        assert!(IN_WORD[b as usize] == 0 || b.is_ascii(), "{b}");
    }
}

#[test]
fn a_numbers_constant_hashes_are_its_hashes_after_any_token() {
    // GIVEN the pair states after no token, after words, tags and numbers
    let mut heads = vec![PAIR_PREFIX];
    for t in ["a", "lambda", "#aws", "@x", "<num>", "<url>", "don't"] {
        heads.push(token_hashes(t.as_bytes(), PAIR_PREFIX).pair_head);
    }
    for head in heads {
        // WHEN `<num>` follows it
        // THEN its constant hashes are `token_hashes`' of the token
        assert_eq!(num_hashes(head), token_hashes(NUM.as_bytes(), head), "{head:x}");
    }
    assert_eq!(NUM, "<num>");
}

#[test]
fn the_bucket_starts_are_the_counts_summed_before_each_bucket() {
    // GIVEN counts summing to at most 255: each bucket alone, pseudo-random ones, and
    // all in the first and in the last bucket
    let mut state = 0x0123_4567_89ab_cdefu64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for buckets in [128, 256] {
        let mut cases: Vec<[u8; 256]> = Vec::new();
        for b in 0..buckets {
            let mut counts = [0u8; 256];
            counts[b] = 255;
            cases.push(counts);
        }
        for total in [0usize, 1, 16, 121, 200, 255] {
            let mut counts = [0u8; 256];
            for _ in 0..total {
                counts[next() as usize % buckets] += 1;
            }
            cases.push(counts);
        }
        for counts in cases {
            // WHEN the starts of the first `buckets` are summed a word at a time
            let got = bucket_starts(&counts, buckets);
            // THEN they are the counts of the buckets before, one by one
            let mut want = [0u8; 256];
            for b in 1..buckets {
                want[b] = want[b - 1] + counts[b - 1];
            }
            assert_eq!(got, want, "{counts:?}");
        }
    }
}
