//! The recipe's hot internals for the common case, ASCII text (issue 12): the tokenizer
//! by bytes (since the tenth round one that also hashes each token's n-grams and lexicon
//! key as it finds it, and notes the bytes the signals ask about), the character counts
//! of the spam signals, the features' hashing from precomputed prefix states, and the
//! sort of the feature ids. Each computes exactly what the general code in `recipe.rs`
//! computes (the tests, in `scan/tests.rs`, compare them over every short input and
//! hostile ones); text with any non-ASCII byte takes the mixed tokenizer, which decodes
//! only the characters that are not ASCII, knows about scripts and, since the twelfth
//! round, hashes as it goes too (`tokenize_mixed_hashed`; its tests, against
//! `tokenize_chars` and `ngrams_and_forms`, are in `recipe/tests.rs`). It is one file of
//! about 1,190 lines because these paths share the byte classes, `char_at` and the
//! hashing steps, and each is only read beside the definition it must match.

use super::{flush, Script};

/// FNV-1a's offset basis and prime (64-bit): [`super::fnv1a`] is this hash.
pub(super) const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0100_0000_01b3;

/// The FNV-1a state `h` carried on over `bytes`: `fnv_extend(fnv_extend(OFFSET, a), b)`
/// is `fnv1a(&[a, b])`, so a constant prefix (`w:`) is hashed once, at compile time.
#[inline(always)]
pub(super) fn fnv_extend(mut h: u64, bytes: &[u8]) -> u64 {
    // Four bytes a step: the same hash with a quarter of the loop's own work.
    let mut quads = bytes.chunks_exact(4);
    for q in &mut quads {
        h = (h ^ q[0] as u64).wrapping_mul(FNV_PRIME);
        h = (h ^ q[1] as u64).wrapping_mul(FNV_PRIME);
        h = (h ^ q[2] as u64).wrapping_mul(FNV_PRIME);
        h = (h ^ q[3] as u64).wrapping_mul(FNV_PRIME);
    }
    for &b in quads.remainder() {
        h = (h ^ b as u64).wrapping_mul(FNV_PRIME);
    }
    h
}

/// The FNV-1a state after the word n-grams' prefix `w:`.
pub(super) const WORD_PREFIX: u64 = fnv_const(FNV_OFFSET, b"w:");
/// The FNV-1a state after the pair n-grams' prefix `b:`.
pub(super) const PAIR_PREFIX: u64 = fnv_const(FNV_OFFSET, b"b:");

/// What the recipe hashes of one token, from one pass over its bytes (issue 12, ninth
/// round): the token's bytes were walked five times, for its word n-gram, as the first
/// and as the second word of a pair, for its lexicon key and for an apostrophe, each
/// walk with its own loop set-up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct TokenHashes {
    /// `fnv1a(&[b"w:", token])`: its word n-gram.
    pub word: u64,
    /// `fnv1a(&[b"b:", token, b" "])`: the state a pair it starts goes on from.
    pub pair_head: u64,
    /// `pair_in` carried on over the token: the pair it ends, when `pair_in` is the
    /// previous token's `pair_head`.
    pub pair: u64,
    /// Its lexicon key, [`super::word_hash`] of its [`super::lexicon_form`], when that
    /// form is the token less its leading `#`s and `@`s, that is, when it has no
    /// apostrophe after them (`None`: ask `lexicon_form`).
    pub key: Option<u64>,
    /// Where that form starts: after the leading `#`s and `@`s.
    pub form_start: usize,
}

/// [`TokenHashes`] of `token`, the previous token's `pair_head` given as `pair_in`.
#[inline(always)]
pub(super) fn token_hashes(token: &[u8], pair_in: u64) -> TokenHashes {
    #[inline(always)]
    fn step(h: u64, b: u8) -> u64 {
        (h ^ b as u64).wrapping_mul(FNV_PRIME)
    }
    let (mut word, mut head, mut pair) = (WORD_PREFIX, PAIR_PREFIX, pair_in);
    let mut apostrophes = 0u8;
    let sigils = token.iter().take_while(|&&b| matches!(b, b'#' | b'@')).count();
    let key = if sigils == 0 {
        // Most tokens: the form is the token, and its key (`w:` and the form) is its
        // word n-gram's hash, so three chains.
        for &b in token {
            word = step(word, b);
            head = step(head, b);
            pair = step(pair, b);
            apostrophes |= u8::from(b == b'\'');
        }
        word
    } else {
        for &b in &token[..sigils] {
            word = step(word, b);
            head = step(head, b);
            pair = step(pair, b);
        }
        let mut key = WORD_PREFIX;
        for &b in &token[sigils..] {
            word = step(word, b);
            head = step(head, b);
            pair = step(pair, b);
            key = step(key, b);
            apostrophes |= u8::from(b == b'\'');
        }
        key
    };
    TokenHashes {
        word,
        pair_head: step(head, b' '),
        pair,
        key: (apostrophes == 0).then_some(key),
        form_start: sigils,
    }
}

/// [`fnv_extend`] for constants.
pub(super) const fn fnv_const(mut h: u64, bytes: &[u8]) -> u64 {
    let mut i = 0;
    while i < bytes.len() {
        h = (h ^ bytes[i] as u64).wrapping_mul(FNV_PRIME);
        i += 1;
    }
    h
}

/// What a byte of lowercased ASCII text is to the tokenizer.
const SPACE: u8 = 0;
/// Kept inside a token: letters, digits, `_` and `'`.
const WORD: u8 = 1;
/// Kept only at a token's start: `#`, `@`, `$`.
const SIGIL: u8 = 2;
/// Ends a token and is dropped.
const OTHER: u8 = 3;

/// 256 entries (the non-ASCII bytes `OTHER`, never read by the ASCII tokenizer), so a
/// byte indexes it as it is, without a mask or a bounds check.
static CLASS: [u8; 256] = {
    let mut t = [OTHER; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = match c {
            // `char::is_whitespace` on ASCII: tab, line feed, vertical tab, form feed,
            // carriage return and space (not the separators 0x1C-0x1F).
            b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ' => SPACE,
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'\'' => WORD,
            b'#' | b'@' | b'$' => SIGIL,
            _ => OTHER,
        };
        b += 1;
    }
    t
};

/// [`CLASS`] for the mixed tokenizer's runs of ASCII: [`DECODE`] for every byte that is
/// not ASCII, so that one load tells whether a byte is ASCII of the class asked.
static MIXED_CLASS: [u8; 256] = {
    let mut t = [DECODE; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = CLASS[b];
        b += 1;
    }
    t
};
/// [`MIXED_CLASS`]' code of a byte that is not ASCII: its character must be decoded.
const DECODE: u8 = 4;

/// [`CLASS`]'s `WORD` bytes for the hashing tokenizer's walk over a token (eleventh
/// round): 0 for any other byte (the walk stops), [`APOSTROPHE`] for `'`, 1 for the rest.
/// One load tells both whether the token goes on and, or-ed over its bytes, whether it
/// has an apostrophe, where the walk compared each byte with `'` besides.
static IN_WORD: [u8; 256] = {
    let mut t = [0; 256];
    let mut b = 0;
    while b < 256 {
        if CLASS[b] == WORD {
            t[b] = if b == b'\'' as usize { APOSTROPHE } else { 1 };
        }
        b += 1;
    }
    t
};
/// [`IN_WORD`]'s bit for `'`.
const APOSTROPHE: u8 = 2;

/// Bytes of the text that the spam signals and [`super::named_lambda_sense`] ask about, noted
/// by [`tokenize_ascii_marked`] as it passes them (issue 12, tenth round): the signals'
/// `contains("!!")` and `contains('$')` and the arrow's search for `>` each walked the
/// whole text again, and most texts have none of them.
pub(super) const MARK_BANG: u8 = 1;
/// A `$` is in the text.
pub(super) const MARK_DOLLAR: u8 = 2;
/// A `>` is in the text.
pub(super) const MARK_GT: u8 = 4;

/// Each byte's mark: `!`, `$` and `>` theirs, every other byte none.
static MARK: [u8; 256] = {
    let mut t = [0; 256];
    t[b'!' as usize] = MARK_BANG;
    t[b'$' as usize] = MARK_DOLLAR;
    t[b'>' as usize] = MARK_GT;
    t
};

/// The marks of any text, by byte searches: the definition [`tokenize_ascii_marked`]'s
/// are checked against.
pub(super) fn marks_of(text: &str) -> u8 {
    let bytes = text.as_bytes();
    let mut marks = 0;
    for (byte, mark) in [(b'!', MARK_BANG), (b'$', MARK_DOLLAR), (b'>', MARK_GT)] {
        if bytes.contains(&byte) {
            marks |= mark;
        }
    }
    marks
}

/// [`super::tokenize`] of ASCII text, a byte at a time: no character decoding, and one
/// table lookup where the general code asks `is_alphanumeric`, the script and `"#@$"`
/// of every character. ASCII has one script, so no token is split by a change of it.
pub(super) fn tokenize_ascii(lower: &str) -> Vec<&str> {
    tokenize_ascii_marked(lower).0
}

/// The marks of text that is not ASCII: [`marks_of`]'s `!` and `$`, and [`MARK_GT`]
/// always (`has_arrow` searches for `>` itself, and only for a tweet that names
/// `lambda`: most do not).
pub(super) fn marks_of_mixed(text: &str) -> u8 {
    // By SIMD: such text is long in bytes (a Japanese tweet's 100 characters are 300).
    let bytes = text.as_bytes();
    let mut marks = MARK_GT;
    if memchr::memchr(b'!', bytes).is_some() {
        marks |= MARK_BANG;
    }
    if memchr::memchr(b'$', bytes).is_some() {
        marks |= MARK_DOLLAR;
    }
    marks
}

/// [`tokenize_ascii`], and the text's marks ([`marks_of`]): every byte that is neither
/// a space nor kept inside a token passes one of the loops below, and only those are
/// looked up in [`MARK`] (`!`, `$` and `>` are never inside a token).
pub(super) fn tokenize_ascii_marked(lower: &str) -> (Vec<&str>, u8) {
    debug_assert!(lower.is_ascii());
    let bytes = lower.as_bytes();
    let class = |i: usize| CLASS[bytes[i] as usize];
    let mark = |i: usize| MARK[bytes[i] as usize];
    let mut tokens = Vec::with_capacity(64);
    let mut marks = 0u8;
    let mut i = 0;
    loop {
        while i < bytes.len() && class(i) == SPACE {
            i += 1;
        }
        if i == bytes.len() {
            return (tokens, marks);
        }
        // A whitespace-separated word starts here.
        if is_url(&bytes[i..]) {
            tokens.push("<url>");
            while i < bytes.len() && class(i) != SPACE {
                marks |= mark(i);
                i += 1;
            }
            continue;
        }
        // Its tokens, as the general code's state machine finds them: a token starts at
        // a kept byte (a sigil too, as none is open), runs over letters, digits, `_`
        // and `'`, and ends at the first other byte, which is dropped (a sigil there
        // starts nothing).
        loop {
            while i < bytes.len() && class(i) == OTHER {
                marks |= mark(i);
                i += 1;
            }
            if i == bytes.len() || class(i) == SPACE {
                break;
            }
            let start = i;
            i += 1;
            while i < bytes.len() && class(i) == WORD {
                i += 1;
            }
            // At once for the usual token, one that starts with a letter (so is no
            // number) and does not end with `'` (so has nothing to trim), with the mark
            // of a sigil that starts a token: a token that starts with a letter has none.
            if bytes[start].is_ascii_alphabetic() && bytes[i - 1] != b'\'' {
                tokens.push(&lower[start..i]);
            } else {
                marks |= mark(start);
                flush(&lower[start..i], &mut tokens);
            }
            if i < bytes.len() && class(i) != SPACE {
                marks |= mark(i);
                i += 1;
            }
        }
    }
}

/// The n-grams and lexicon forms of the tokens so far (`super::ngrams_and_forms`):
/// each token's word n-gram (and the pair it ends, after the first) pushed onto `out`,
/// its form and key onto `forms`, the state the next token's pair goes on from, and
/// whether a token is `lambda` or `lambdas` less its leading `#`s and `@`s (what
/// `lambda_sense` first asks: told by two compares of each token's key, where
/// `lambda_sense` searched the text for `lambda` and then compared every token; issue
/// 12's tenth round).
pub(super) struct Grams<'a, 'o> {
    mask: u64,
    out: &'o mut Vec<u32>,
    pub forms: Vec<(&'a str, u64)>,
    /// The previous token's `pair_head` (`b:` alone before the first token).
    pub head: u64,
    pub lambda_named: bool,
    /// Whether a token is the word `aws` (`super::is_aws_word`), and whether one is a
    /// tag of it (`#` and such a word): what `super::aws_carried_and_last` first asks, in
    /// two walks over the tokens, and all it asks of a tweet without the word (twelfth
    /// round). Told by one compare of each token's key, as `lambda_named` is.
    pub aws_word: bool,
    pub aws_tag: bool,
    /// The URLs, mentions and hashtags among the tokens: counted by
    /// [`tokenize_ascii_hashed`] only (as it makes them), not by [`Grams::push`].
    pub tally: Tally,
}

/// How many of the tokens are URLs, mentions and hashtags (the spam signals' counts).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Tally {
    pub urls: usize,
    pub mentions: usize,
    pub hashtags: usize,
}

impl Tally {
    /// The counts of any tokens, one by one: the definition the hashing tokenizer's
    /// counts are checked against, and the counts of other text's tokens.
    pub(super) fn of(tokens: &[&str]) -> Self {
        let mut tally = Self::default();
        for t in tokens {
            tally.note(t);
        }
        tally
    }

    #[inline(always)]
    fn note(&mut self, t: &str) {
        match t.as_bytes() {
            b"<url>" => self.urls += 1,
            [b'@', _, ..] => self.mentions += 1,
            [b'#', _, ..] => self.hashtags += 1,
            _ => {}
        }
    }
}

impl<'a, 'o> Grams<'a, 'o> {
    /// No tokens yet; room for `tokens` forms.
    pub(super) fn new(mask: u64, out: &'o mut Vec<u32>, tokens: usize) -> Self {
        Self {
            mask,
            out,
            forms: Vec::with_capacity(tokens),
            head: PAIR_PREFIX,
            lambda_named: false,
            aws_word: false,
            aws_tag: false,
            tally: Tally::default(),
        }
    }

    /// Notes token `t` with its hashes `h` (from `head`), and whether it names `lambda`.
    #[inline(always)]
    pub(super) fn push(&mut self, t: &'a str, h: TokenHashes) {
        const LAMBDA: u64 = fnv_const(WORD_PREFIX, b"lambda");
        const LAMBDAS: u64 = fnv_const(WORD_PREFIX, b"lambdas");
        const AWS: u64 = fnv_const(WORD_PREFIX, b"aws");
        /// Whether a key's low byte is one of the three keys'.
        static NOTABLE_LOW_BYTES: [bool; 256] = {
            let mut t = [false; 256];
            t[(LAMBDA & 0xff) as usize] = true;
            t[(LAMBDAS & 0xff) as usize] = true;
            t[(AWS & 0xff) as usize] = true;
            t
        };
        self.out.push((h.word & self.mask) as u32);
        if !self.forms.is_empty() {
            self.out.push((h.pair & self.mask) as u32);
        }
        self.head = h.pair_head;
        self.forms.push(match h.key {
            // `#` and `@` are ASCII, so the form starts on a character.
            Some(key) => {
                let form = &t[h.form_start..];
                // The three keys' low bytes first: one load tells most tokens from all
                // three (twelfth round), where each key took its own compare.
                if NOTABLE_LOW_BYTES[(key & 0xff) as usize] {
                    // A key's match is confirmed by the words (a hash may collide); a
                    // token without a key has an apostrophe after its sigils, so is
                    // neither word.
                    if (key == LAMBDA || key == LAMBDAS) && matches!(form, "lambda" | "lambdas") {
                        self.lambda_named = true;
                    }
                    // Without an apostrophe after its sigils (it has a key), a token is
                    // the word `aws` only as `aws` itself, and a tag of it only as `#aws`.
                    if key == AWS {
                        self.aws_word |= t == "aws";
                        self.aws_tag |= t == "#aws";
                    }
                }
                (form, key)
            }
            None => {
                self.aws_word |= super::is_aws_word(t);
                self.aws_tag |= t.strip_prefix('#').is_some_and(super::is_aws_word);
                let form = super::lexicon_form(t);
                (form, super::word_hash(form))
            }
        });
    }
}

/// [`tokenize_ascii_marked`], each token hashed as it is found (issue 12's tenth round):
/// a token that starts with a letter and does not end with `'` (most) is hashed during
/// the tokenizer's walk over its bytes, as [`token_hashes`] would (one walk instead of
/// two, and no second loop over the tokens); any other is hashed by `token_hashes` once
/// `flush` has made it. `grams` gets what `super::ngrams_and_forms` would make of the
/// tokens returned.
#[inline(never)]
pub(super) fn tokenize_ascii_hashed<'a>(lower: &'a str, grams: &mut Grams<'a, '_>) -> (Vec<&'a str>, u8) {
    #[inline(always)]
    fn step(h: u64, b: u8) -> u64 {
        (h ^ b as u64).wrapping_mul(FNV_PRIME)
    }
    debug_assert!(lower.is_ascii());
    let bytes = lower.as_bytes();
    let class = |i: usize| CLASS[bytes[i] as usize];
    let mark = |i: usize| MARK[bytes[i] as usize];
    let mut tokens = Vec::with_capacity(64);
    let mut marks = 0u8;
    let mut i = 0;
    // Whether `i` starts a whitespace-separated word: only there can a URL start. One
    // loop over the bytes between tokens, each looked up once (twelfth round: the nested
    // loops of `tokenize_ascii_marked` looked the byte after a token up four times).
    let mut word_start = true;
    while i < bytes.len() {
        let first = bytes[i];
        match CLASS[first as usize] {
            SPACE => {
                word_start = true;
                i += 1;
                continue;
            }
            OTHER => {
                word_start = false;
                marks |= MARK[first as usize];
                i += 1;
                continue;
            }
            _ => {}
        }
        if word_start {
            word_start = false;
            // `is_url`'s first test, on the byte in hand.
            if matches!(first, b'h' | b'w') && is_url(&bytes[i..]) {
                tokens.push("<url>");
                grams.push("<url>", token_hashes(b"<url>", grams.head));
                grams.tally.urls += 1;
                while i < bytes.len() && class(i) != SPACE {
                    marks |= mark(i);
                    i += 1;
                }
                continue;
            }
        }
        // A token starts here, as the general code's state machine finds them: at a kept
        // byte (a sigil too, as none is open); it runs over letters, digits, `_` and `'`,
        // and ends at the first other byte, which is dropped (a sigil there starts
        // nothing) unless it is a space.
        let start = i;
        i += 1;
        if first.is_ascii_alphabetic() {
            // `token_hashes` of a token without sigils, as the bytes pass.
            let mut word = step(WORD_PREFIX, first);
            let mut head = step(PAIR_PREFIX, first);
            let mut pair = step(grams.head, first);
            let mut apostrophes = 0u8;
            while i < bytes.len() && IN_WORD[bytes[i] as usize] != 0 {
                let b = bytes[i];
                word = step(word, b);
                head = step(head, b);
                pair = step(pair, b);
                apostrophes |= IN_WORD[b as usize];
                i += 1;
            }
            // Only a token with an apostrophe can end with one (the first byte is a
            // letter): most are told without reading the last byte again.
            if apostrophes & APOSTROPHE == 0 || bytes[i - 1] != b'\'' {
                // As `flush` would push it: ASCII bytes are character boundaries.
                debug_assert!(lower.is_char_boundary(start) && lower.is_char_boundary(i));
                // SAFETY: `start < i <= lower.len()` (the walk stepped past `start` and
                // stops at the end), and both are character boundaries of any `str`,
                // ASCII or not: the byte at `start` is an ASCII letter, so it starts a
                // character; the byte before `i` is ASCII too (`IN_WORD` is 0 for every
                // byte above 127, see `the_in_word_table_is_the_word_class_with_the_apostrophe_marked`),
                // and in UTF-8 the byte after an ASCII byte is never a continuation
                // byte, so `i` starts a character or is the end. (`&lower[start..i]`
                // checked both: ≈ 12 instructions a token, eleventh round.)
                let t = unsafe { lower.get_unchecked(start..i) };
                tokens.push(t);
                let h = TokenHashes {
                    word,
                    pair_head: step(head, b' '),
                    pair,
                    key: (apostrophes & APOSTROPHE == 0).then_some(word),
                    form_start: 0,
                };
                grams.push(t, h);
            } else {
                flush_hashed(&lower[start..i], &mut tokens, grams);
            }
        } else if matches!(first, b'#' | b'@') {
            // A tag or a mention (one sigil at most: a second ends it), hashed as it
            // passes too, its key from after the sigil.
            let mut word = step(WORD_PREFIX, first);
            let mut head = step(PAIR_PREFIX, first);
            let mut pair = step(grams.head, first);
            let mut key = WORD_PREFIX;
            let mut apostrophes = 0u8;
            while i < bytes.len() && IN_WORD[bytes[i] as usize] != 0 {
                let b = bytes[i];
                word = step(word, b);
                head = step(head, b);
                pair = step(pair, b);
                key = step(key, b);
                apostrophes |= IN_WORD[b as usize];
                i += 1;
            }
            if bytes[i - 1] != b'\'' {
                // As `flush` would push it: it is no number and has nothing to trim.
                debug_assert!(lower.is_char_boundary(start) && lower.is_char_boundary(i));
                // SAFETY: as for a token that starts with a letter above: `start < i <=
                // lower.len()`, the byte at `start` is ASCII (`#` or `@`), and so is the
                // byte before `i` (the sigil, or a byte `IN_WORD` keeps), after which
                // no UTF-8 continuation byte can follow.
                let t = unsafe { lower.get_unchecked(start..i) };
                tokens.push(t);
                let h = TokenHashes {
                    word,
                    pair_head: step(head, b' '),
                    pair,
                    key: (apostrophes & APOSTROPHE == 0).then_some(key),
                    form_start: 1,
                };
                grams.push(t, h);
                grams.tally.note(t);
            } else {
                flush_hashed(&lower[start..i], &mut tokens, grams);
            }
        } else {
            let mut digits = first.is_ascii_digit();
            while i < bytes.len() && class(i) == WORD {
                digits &= bytes[i].is_ascii_digit();
                i += 1;
            }
            marks |= mark(start);
            if digits {
                // Digits alone (`2026`, the `1` and `9` of `1.9`): `flush` makes the
                // token `<num>`, whose hashes but the pair's are constants (eleventh
                // round: `flush_hashed` walked the digits and `<num>` again). It is no
                // URL, mention or hashtag, and a digit has no mark.
                tokens.push(NUM);
                grams.push(NUM, num_hashes(grams.head));
            } else {
                flush_hashed(&lower[start..i], &mut tokens, grams);
            }
        }
        if i < bytes.len() && class(i) != SPACE {
            marks |= mark(i);
            i += 1;
        }
    }
    (tokens, marks)
}

/// The token `flush` makes of a number.
const NUM: &str = "<num>";

/// [`token_hashes`] of [`NUM`] after the pair state `pair_in`: all but the pair it ends
/// hashed at compile time.
#[inline(always)]
fn num_hashes(pair_in: u64) -> TokenHashes {
    const NUM_WORD: u64 = fnv_const(WORD_PREFIX, NUM.as_bytes());
    const NUM_PAIR_HEAD: u64 = fnv_const(fnv_const(PAIR_PREFIX, NUM.as_bytes()), b" ");
    TokenHashes {
        word: NUM_WORD,
        pair_head: NUM_PAIR_HEAD,
        pair: fnv_extend(pair_in, NUM.as_bytes()),
        // No sigil and no apostrophe: the form is the token, its key its word n-gram's.
        key: Some(NUM_WORD),
        form_start: 0,
    }
}

/// `flush`, and the token it makes (if any) hashed. Kept out of line: it runs only for
/// the tokens the walk does not hash itself, so the walk's hot loop need not carry it
/// (with a plain `#[inline]` LLVM leaves it out of line too: the same count).
#[inline(never)]
fn flush_hashed<'a>(current: &'a str, tokens: &mut Vec<&'a str>, grams: &mut Grams<'a, '_>) {
    let before = tokens.len();
    flush(current, tokens);
    if let Some(&t) = tokens.get(before) {
        grams.push(t, token_hashes(t.as_bytes(), grams.head));
        // Tokens that start with a letter are neither mentions nor hashtags, nor URLs
        // (those are pushed above): only these need counting.
        grams.tally.note(t);
    }
}

/// Where the first byte at or after `i` that is not ASCII is (`bytes.len()` if none):
/// eight bytes a step, as a tweet that is not ASCII is mostly ASCII (the hand-written
/// ones 263 of their 280 characters), and its walks by character decoded every one.
#[inline(always)]
pub(super) fn next_non_ascii(bytes: &[u8], mut i: usize) -> usize {
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    // Text of another script is a character that is not ASCII after another: told by
    // its first byte, without a word's set-up.
    if bytes.get(i).is_some_and(|&b| b >= 0x80) {
        return i;
    }
    while let Some(chunk) = bytes.get(i..i + 8) {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        let high = word & HIGH_BITS;
        if high != 0 {
            // Little-endian: the lowest set bit is the first such byte's.
            return i + (high.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < bytes.len() && bytes[i] < 0x80 {
        i += 1;
    }
    i
}

/// What the character at byte `i` of `lower` is to the tokenizer: its class, its
/// script and its length in bytes. ASCII by the table; any other character as the
/// character tokenizer reads it (whitespace, kept as alphanumeric, or dropped; `#@$_'`
/// are ASCII, so no other character is a sigil).
#[inline(always)]
fn char_at(lower: &str, i: usize) -> (u8, Script, usize) {
    let b = lower.as_bytes()[i];
    if b < 0x80 {
        return (CLASS[b as usize], Script::Other, 1);
    }
    let c = lower[i..].chars().next().unwrap_or(' ');
    let class = match Kind::of(c) {
        Kind::Upper | Kind::Lower => WORD,
        Kind::Emoji | Kind::Plain => OTHER,
        Kind::Unknown if c.is_whitespace() => SPACE,
        Kind::Unknown if c.is_alphanumeric() => WORD,
        Kind::Unknown => OTHER,
    };
    (class, Script::of(c), c.len_utf8())
}

/// What a non-ASCII character is, told by a few compares for the blocks most text that
/// is not ASCII is written in (issue 15): std's Unicode tables cost 20-80 ns a
/// character (a Korean tweet took four times an English one), a range check about one.
/// `Unknown` is every other character, for the tables to tell. Each range is checked
/// against the tables on every code point (`the_character_kinds_are_the_unicode_tables`),
/// so a toolchain whose Unicode version moves one of them fails that test.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
pub(super) enum Kind {
    /// Alphabetic, upper-case; not whitespace.
    Upper,
    /// Alphabetic, not upper-case, its own lowercase, none of `lowercase_visible`'s odd
    /// characters; not whitespace.
    Lower,
    /// One of [`super::is_emoji`]'s, not alphanumeric, not whitespace, its own
    /// lowercase, not odd.
    Emoji,
    /// Punctuation: not alphanumeric, not whitespace, not an emoji, its own lowercase,
    /// not odd.
    Plain,
    /// Any other: ask the tables.
    Unknown,
}

impl Kind {
    #[inline(always)]
    pub(super) fn of(c: char) -> Self {
        let u = c as u32;
        if u < 0x10000 {
            // Most such characters: their block of 16 is all of one kind (a Cyrillic
            // letter, a syllable, an ideograph), one load. The ranges' own compares
            // took 10-40 instructions a character (callgrind, a Russian tweet).
            match BLOCKS[(u >> 4) as usize] {
                MIXED => Self::by_ranges(u),
                k => Self::from_code(k),
            }
        } else if (0x1F300..=0x1FAFF).contains(&u) {
            Self::Emoji
        } else {
            Self::Unknown
        }
    }

    /// The kinds' codes in [`BLOCKS`].
    const fn from_code(k: u8) -> Self {
        match k {
            0 => Self::Upper,
            1 => Self::Lower,
            2 => Self::Emoji,
            3 => Self::Plain,
            _ => Self::Unknown,
        }
    }

    const fn code(self) -> u8 {
        self as u8
    }

    /// The definition: the ranges each kind is known for. Inlined: kana and Latin-1 are
    /// in blocks of mixed kinds, and out of line the call cost more than the compares
    /// (`kana-kanji` ≈ 2,400 instructions).
    #[inline(always)]
    const fn by_ranges(u: u32) -> Self {
        match u {
            // Hangul syllables, CJK ideographs (and extension A), hiragana, katakana
            // and its long-vowel mark, Hebrew and Arabic letters: letters without case.
            0xAC00..=0xD7A3
            | 0x4E00..=0x9FFF
            | 0x3400..=0x4DBF
            | 0x3041..=0x3096
            | 0x30A1..=0x30FA
            | 0x30FC..=0x30FF
            | 0x05D0..=0x05EA
            | 0x0620..=0x064A => Self::Lower,
            // Latin-1's lower-case letters (ß and ÿ among them), basic Cyrillic's and
            // Greek's.
            0x00DF..=0x00F6 | 0x00F8..=0x00FF | 0x0430..=0x045F | 0x03AC..=0x03CE => Self::Lower,
            // Their upper-case letters (Σ among them, whose lowercase depends on where
            // it stands).
            0x00C0..=0x00D6 | 0x00D8..=0x00DE | 0x0400..=0x042F | 0x0391..=0x03A1 | 0x03A3..=0x03AB => {
                Self::Upper
            }
            // Devanagari's letters and the vowel signs written on them (alphabetic
            // too): Hindi tweets, whose every character the tables told at ≈ 600
            // instructions each (issue 12's twelfth round).
            0x0904..=0x0939 | 0x093E..=0x094C => Self::Lower,
            // Latin Extended-A (Turkish, Polish, Czech, Baltic): upper and lower case
            // alternate, the upper first from U+0100, U+0139 and U+014A on (`ş`, `ı`, `ł`,
            // `ž`); `ĸ`, `ŉ` and `ſ` are lower-case, `Ÿ` upper.
            0x0100..=0x0137 | 0x014A..=0x0177 if u & 1 == 0 => Self::Upper,
            0x0139..=0x0148 | 0x0179..=0x017E if u & 1 == 1 => Self::Upper,
            0x0178 => Self::Upper,
            0x0100..=0x017F => Self::Lower,
            // Pictographs and dingbats, the emoji people type (but the dingbats' circled
            // digits ❶-➓, which are numbers), and the arrows and shapes of U+2B00-2BFF
            // (⬜, ⬆️, ⭐).
            0x1F300..=0x1FAFF | 0x2600..=0x2775 | 0x2794..=0x27BF | 0x2B00..=0x2BFF => Self::Emoji,
            // General punctuation (dashes, quotes but `’`, bullets, ellipsis), CJK
            // punctuation (、。「」【】) and Latin-1's (¡ ¿ « » © ° ×).
            0x2010..=0x2018
            | 0x201A..=0x2027
            | 0x2030..=0x205E
            | 0x3001..=0x3004
            | 0x3008..=0x3020
            | 0x00A1..=0x00A9
            | 0x00AB..=0x00AC
            | 0x00AE..=0x00B1
            | 0x00BB
            | 0x00BF
            | 0x00D7
            | 0x00F7
            // Currency signs (€ ₹) and arrows (→).
            | 0x20A0..=0x20CF
            | 0x2190..=0x21FF => Self::Plain,
            _ => Self::Unknown,
        }
    }
}

/// [`BLOCKS`]' code of a block whose characters are not all of one kind.
const MIXED: u8 = u8::MAX;

/// The kind of each block of 16 code points below U+10000 when all 16 have the same
/// [`Kind::by_ranges`], else [`MIXED`]: built from the ranges at compile time, so the
/// two cannot disagree (4 KB).
static BLOCKS: [u8; 0x1000] = {
    let mut t = [MIXED; 0x1000];
    let mut b = 0;
    while b < 0x1000 {
        let first = Kind::by_ranges(b as u32 * 16).code();
        let mut same = true;
        let mut i = 1;
        while i < 16 {
            if Kind::by_ranges(b as u32 * 16 + i).code() != first {
                same = false;
            }
            i += 1;
        }
        if same {
            t[b] = first;
        }
        b += 1;
    }
    t
};

/// [`super::tokenize`] of text with non-ASCII characters (emoji, accents, other
/// scripts): [`tokenize_mixed_hashed`]'s walk with its hashes dropped, so that the tokens
/// the tests check are the recipe's own (only `tokenize` and the tests want the tokens
/// alone; the recipe hashes as it walks).
pub(super) fn tokenize_mixed(lower: &str) -> Vec<&str> {
    let mut dropped = Vec::new();
    let mut grams = Grams::new(u64::MAX, &mut dropped, 0);
    tokenize_mixed_hashed(lower, &mut grams)
}

/// The tokens of text with non-ASCII characters (emoji, accents, other scripts), each
/// hashed as it is found, as [`tokenize_ascii_hashed`] hashes ASCII text's (issue 12's
/// twelfth round). The walk is [`tokenize_ascii`]'s: its ASCII bytes (most of such a
/// tweet) by the table, and only the other characters decoded. The same tokens as the
/// character tokenizer (which took 28% of the labeled tweets through `char_indices`,
/// `is_alphanumeric` and the script of every character): a token also ends where the
/// script of its kept characters changes, and the character that ends it starts the
/// next one. A token that starts with an ASCII
/// letter or a character that is not ASCII (a Latin or Cyrillic word, a run of kana,
/// kanji or Hangul) is hashed during the walk over its bytes, its characters that are
/// not ASCII byte by byte; any other (a number, a tag, a mention, a token that ends
/// with `'`) by [`token_hashes`] once `flush` has made it. `grams` gets what `super::ngrams_and_forms` and [`Tally::of`] would make
/// of the tokens returned, where the recipe walked the tokens again for their n-grams
/// and forms, again for the tally, and searched the text for `lambda`.
// Out of line, as `tokenize_ascii_hashed` is: inlined into `features_in_order` it cost
// the ASCII path ≈ 180 instructions a full-length tweet (26,127 against 25,944) and the mixed one ≈ 400.
#[inline(never)]
pub(super) fn tokenize_mixed_hashed<'a>(lower: &'a str, grams: &mut Grams<'a, '_>) -> Vec<&'a str> {
    #[inline(always)]
    fn step(h: u64, b: u8) -> u64 {
        (h ^ b as u64).wrapping_mul(FNV_PRIME)
    }
    let bytes = lower.as_bytes();
    let n = bytes.len();
    // `MIXED_CLASS` is `DECODE` for every byte that is not ASCII, so a run of ASCII bytes
    // of one class is skipped by one table load a byte (what `char_at` tells of them,
    // with `Script::Other`), and only a byte that is not ASCII is decoded: most of such a
    // tweet is ASCII (the hand-written ones 263 of their 280 characters), and
    // `char_at`'s answer for each of its bytes cost about 30 instructions a byte.
    let ascii_is = |i: usize, class: u8| bytes.get(i).is_some_and(|&b| MIXED_CLASS[b as usize] == class);
    let mut tokens = Vec::with_capacity(grams.forms.capacity());
    let mut i = 0;
    loop {
        loop {
            while ascii_is(i, SPACE) {
                i += 1;
            }
            if i == n || bytes[i] < 0x80 {
                break;
            }
            let (class, _, len) = char_at(lower, i);
            if class != SPACE {
                break;
            }
            i += len;
        }
        if i == n {
            return tokens;
        }
        if is_url(&bytes[i..]) {
            tokens.push("<url>");
            grams.push("<url>", token_hashes(b"<url>", grams.head));
            grams.tally.urls += 1;
            loop {
                while i < n && bytes[i] < 0x80 && CLASS[bytes[i] as usize] != SPACE {
                    i += 1;
                }
                if i == n || bytes[i] < 0x80 {
                    break;
                }
                let (class, _, len) = char_at(lower, i);
                if class == SPACE {
                    break;
                }
                i += len;
            }
            continue;
        }
        loop {
            let mut here = (SPACE, Script::Other, 0);
            loop {
                while ascii_is(i, OTHER) {
                    i += 1;
                }
                if i == n {
                    break;
                }
                here = char_at(lower, i);
                if here.0 != OTHER {
                    break;
                }
                i += here.2;
            }
            if i == n || here.0 == SPACE {
                break;
            }
            let (start, script) = (i, here.1);
            let first = bytes[start];
            i += here.2;
            let mut next = None;
            if first.is_ascii_alphabetic() || first >= 0x80 {
                // `token_hashes` of a token without sigils, as the bytes pass: one that
                // starts with an ASCII letter or a kept character that is not ASCII (`é`,
                // `б`, `٣`, `の`, `한`; no such character is a sigil), and runs on over the
                // kept characters of its script (for `Other`, ASCII or not). Its first
                // character is no sigil, no `'` and no ASCII digit.
                let (mut word, mut head, mut pair) = (WORD_PREFIX, PAIR_PREFIX, grams.head);
                for &b in &bytes[start..i] {
                    word = step(word, b);
                    head = step(head, b);
                    pair = step(pair, b);
                }
                let mut apostrophes = 0u8;
                loop {
                    // ASCII is of the script `Other`: a token of another script ends at it.
                    if script == Script::Other {
                        while let Some(&b) = bytes.get(i).filter(|&&b| MIXED_CLASS[b as usize] == WORD) {
                            word = step(word, b);
                            head = step(head, b);
                            pair = step(pair, b);
                            apostrophes |= u8::from(b == b'\'');
                            i += 1;
                        }
                    }
                    if i == n {
                        break;
                    }
                    let (class, s, len) = char_at(lower, i);
                    if class != WORD || s != script {
                        next = Some((class, len));
                        break;
                    }
                    // A kept character that is not ASCII: its bytes, none of them `'`.
                    for &b in &bytes[i..i + len] {
                        word = step(word, b);
                        head = step(head, b);
                        pair = step(pair, b);
                    }
                    i += len;
                }
                if bytes[i - 1] != b'\'' {
                    // As `flush` would push it: it starts with a letter, so is no number (`flush` asks for ASCII digits
                    // and `$` only), and has no `'` to trim at either end; nor is it a URL,
                    // a mention or a hashtag, so the tally has nothing to note.
                    let t = &lower[start..i];
                    tokens.push(t);
                    let h = TokenHashes {
                        word,
                        pair_head: step(head, b' '),
                        pair,
                        key: (apostrophes == 0).then_some(word),
                        form_start: 0,
                    };
                    grams.push(t, h);
                } else {
                    flush_hashed(&lower[start..i], &mut tokens, grams);
                }
            } else {
                loop {
                    if script == Script::Other {
                        while ascii_is(i, WORD) {
                            i += 1;
                        }
                    }
                    if i == n {
                        break;
                    }
                    let (class, s, len) = char_at(lower, i);
                    if class != WORD || s != script {
                        next = Some((class, len));
                        break;
                    }
                    i += len;
                }
                // A token that starts with neither an ASCII letter nor a character that
                // is not ASCII (a number, a tag, a mention): as `flush_hashed`, but
                // inlined (the call cost `kana-kanji` ≈ 20,000 instructions while every
                // run of kana or kanji still came here, before the walk above hashed them).
                let before = tokens.len();
                flush(&lower[start..i], &mut tokens);
                if let Some(&t) = tokens.get(before) {
                    grams.push(t, token_hashes(t.as_bytes(), grams.head));
                    grams.tally.note(t);
                }
            }
            match next {
                // A kept character of another script starts the next token.
                Some((WORD, _)) | Some((SPACE, _)) | None => {}
                // Any other ends this one and is dropped (a sigil there starts nothing).
                Some((_, len)) => i += len,
            }
        }
    }
}

/// Whether a word starting here is a URL, as [`super::tokenize`] tells one.
#[inline]
fn is_url(word: &[u8]) -> bool {
    matches!(word.first(), Some(b'h' | b'w'))
        && (word.starts_with(b"http://") || word.starts_with(b"https://") || word.starts_with(b"www."))
}

/// The character counts of [`super::TextSignals`] for ASCII text: letters, and
/// upper-case letters among them. ASCII has no emoji. 16 bytes a step by SSE2, the bytes
/// left over one at a time (twelfth round: the plain counts, left to the compiler to
/// vectorise, cost about 550 instructions for a 280-character tweet).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
pub(super) fn ascii_letters(text: &str) -> (usize, usize) {
    // SAFETY: `ascii_letters_sse2` needs SSE2 and nothing else (no pointer, no index
    // unchecked), and this is compiled only for targets with SSE2 enabled (every x86_64
    // target has it in its baseline).
    unsafe { ascii_letters_sse2(text.as_bytes()) }
}

/// [`ascii_letters`] on targets without SSE2.
#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
pub(super) fn ascii_letters(text: &str) -> (usize, usize) {
    ascii_letters_by_bytes(text.as_bytes())
}

/// [`ascii_letters`] by SSE2. A byte's count is its lane's, less one for each match (a
/// compare's match is all ones, -1), emptied every 255 blocks before a lane can
/// overflow. The compares are signed, so every byte from 0x80 on, being negative, is
/// no letter, as in [`ascii_letters_by_bytes`].
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
fn ascii_letters_sse2(bytes: &[u8]) -> (usize, usize) {
    use std::arch::x86_64::*;
    let (blocks, rest) = bytes.split_at(bytes.len() / 16 * 16);
    // The bytes left over as one more block, padded with zeros (which are no letters).
    let mut last = [0u8; 16];
    last[..rest.len()].copy_from_slice(rest);
    let (mut upper, mut letters) = (0, 0);
    let (before_upper, after_upper) = (_mm_set1_epi8(b'A' as i8 - 1), _mm_set1_epi8(b'Z' as i8 + 1));
    let (before_lower, after_lower) = (_mm_set1_epi8(b'a' as i8 - 1), _mm_set1_epi8(b'z' as i8 + 1));
    let case_bit = _mm_set1_epi8(0x20);
    for run in blocks.chunks(255 * 16).chain([&last[..]]) {
        let (mut upper_lanes, mut letter_lanes) = (_mm_setzero_si128(), _mm_setzero_si128());
        for block in run.chunks_exact(16) {
            let low = u64::from_le_bytes(block[..8].try_into().expect("8 bytes"));
            let high = u64::from_le_bytes(block[8..].try_into().expect("8 bytes"));
            let x = _mm_set_epi64x(high as i64, low as i64);
            let is_upper = _mm_and_si128(_mm_cmpgt_epi8(x, before_upper), _mm_cmplt_epi8(x, after_upper));
            upper_lanes = _mm_sub_epi8(upper_lanes, is_upper);
            let lowered = _mm_or_si128(x, case_bit);
            let is_letter = _mm_and_si128(
                _mm_cmpgt_epi8(lowered, before_lower),
                _mm_cmplt_epi8(lowered, after_lower),
            );
            letter_lanes = _mm_sub_epi8(letter_lanes, is_letter);
        }
        // Each lane's count summed: `sad` against zero sums each half's 8 bytes.
        for (lanes, total) in [(upper_lanes, &mut upper), (letter_lanes, &mut letters)] {
            let sums = _mm_sad_epu8(lanes, _mm_setzero_si128());
            *total += (_mm_cvtsi128_si64(sums) + _mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums))) as usize;
        }
    }
    (upper, letters)
}

/// Upper-case letters and letters of bytes, one at a time: the definition
/// [`ascii_letters`] is checked against.
#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "sse2"))))]
pub(super) fn ascii_letters_by_bytes(bytes: &[u8]) -> (usize, usize) {
    let (mut upper, mut letters) = (0, 0);
    for &b in bytes {
        upper += usize::from(b.wrapping_sub(b'A') < 26);
        letters += usize::from((b | 0x20).wrapping_sub(b'a') < 26);
    }
    (upper, letters)
}

/// Sorts the feature ids and drops repeats: what `sort_unstable` then `dedup` give.
/// The ids are hashes masked to `bits` bits, so spread evenly: one counting pass on
/// their top bits puts each in its bucket of none, one or two, and a pass that puts
/// each id in place as it comes (an insertion sort that drops repeats) finishes a list
/// already in order but for neighbours (the general sort cost a tenth of the recipe).
/// Lists too short or too long for the stack buffer are sorted as before.
pub(super) fn sort_dedup(ids: &mut Vec<u32>, bits: u32) {
    // 256 buckets from 100 ids, 128 below. The eleventh round took 64 buckets to 128:
    // fewer ids out of place cost the last pass less than the longer count of starts
    // cost (the bench tweet's recipe 25,038 -> 24,742 instructions, the labeled tweets'
    // 12,110 -> 11,883; 256 then: 24,697 and 12,213). Since the starts are counted 8 at
    // a time (twelfth round), 256 pay from about 100 ids (the bench tweet's recipe
    // 22,198 -> 21,952 and the full-length hand-written tweets' 32,877 -> 32,807 with 256
    // for all lists, but the labeled tweets' 11,247 -> 11,387, hence the split).
    if ids.len() >= 100 {
        sort_dedup_in::<8>(ids, bits);
    } else {
        sort_dedup_in::<7>(ids, bits);
    }
}

/// [`sort_dedup`] with `1 << BUCKET_BITS` buckets.
fn sort_dedup_in<const BUCKET_BITS: u32>(ids: &mut Vec<u32>, bits: u32) {
    let buckets: usize = 1 << BUCKET_BITS;
    // At most 255 ids, so that a bucket's start and count are bytes, and a byte indexes
    // the buffer below without a bounds check.
    const MAX: usize = 255;
    let n = ids.len();
    if !(16..=MAX).contains(&n) || !(BUCKET_BITS..=32).contains(&bits) {
        ids.sort_unstable();
        ids.dedup();
        return;
    }
    let shift = bits - BUCKET_BITS;
    let bucket = |x: u32| ((x >> shift) as usize) & (buckets - 1);
    let mut counts = [0u8; 256];
    // Each id's bucket, kept from the count for the placing (twelfth round).
    let mut bucket_of = [0u8; MAX + 1];
    for (&x, b) in ids.iter().zip(&mut bucket_of) {
        *b = bucket(x) as u8;
        counts[*b as usize] += 1;
    }
    let mut starts = bucket_starts(&counts, buckets);
    let mut sorted = [0u32; MAX + 1];
    for (&x, &b) in ids.iter().zip(&bucket_of) {
        let at = &mut starts[b as usize];
        sorted[*at as usize] = x;
        *at += 1;
    }
    // Back into `ids`, in order and without repeats, each id put in place as it comes
    // (`ids` is all in `sorted` now): one pass, where an insertion sort of `sorted` and
    // then a pass dropping repeats cost twice as much (issue 12, eleventh round). In
    // bucket order an id is out of place only among its bucket's few, so most are above
    // the last kept and go on the end, a repeat of the last is dropped, and the rest step
    // back over the few larger ones. Any id above the top bucket's range (none, as the
    // ids are masked) would still be sorted here, only more slowly: this step alone
    // decides the order. `ids[..kept]` is ascending without repeats throughout, and
    // `kept` is at most the ids taken so far, so no write reaches past `n`.
    let sorted = &sorted[..n];
    ids[0] = sorted[0];
    let mut kept = 1;
    let mut last = sorted[0];
    for &x in &sorted[1..] {
        if x >= last {
            // On the end, kept only when it is not a repeat of the last: counted rather
            // than branched on (twelfth round, `9712d24`), as whether an id repeats the one before
            // is a coin toss no predictor learns (a tweet that says a thing twice repeats
            // a third of its n-grams). The write past the kept ones is inside `ids`, as
            // `kept` is at most the ids taken so far.
            ids[kept] = x;
            kept += usize::from(x != last);
            last = x;
            continue;
        }
        // Below the last: the larger ones step up one (most often only the last) ...
        let mut j = kept;
        while j > 0 && ids[j - 1] > x {
            ids[j] = ids[j - 1];
            j -= 1;
        }
        if j > 0 && ids[j - 1] == x {
            // ... and back again if `x` is a repeat (rare).
            for m in j..kept {
                ids[m] = ids[m + 1];
            }
        } else {
            ids[j] = x;
            kept += 1;
        }
    }
    ids.truncate(kept);
}

/// Each bucket's first place in the sorted ids, from the buckets' counts (which sum to
/// at most 255): the exclusive prefix sums, found 8 at a time. Multiplying a word of 8
/// counts by `0x0101_0101_0101_0101` puts in each byte the sum of the counts up to it
/// (no byte carries into the next, as no sum passes 255); shifted up one byte, and the
/// words before added to each byte, that is each bucket's start.
/// Only the first `buckets` (a multiple of 8) are summed; the rest of the starts are 0.
fn bucket_starts(counts: &[u8; 256], buckets: usize) -> [u8; 256] {
    const ONES: u64 = 0x0101_0101_0101_0101;
    debug_assert!(buckets.is_multiple_of(8) && buckets <= 256);
    let mut starts = [0u8; 256];
    let mut before = 0u64;
    for (words, out) in counts[..buckets].chunks_exact(8).zip(starts.chunks_exact_mut(8)) {
        let word = u64::from_le_bytes(words.try_into().expect("8 counts"));
        let inclusive = word.wrapping_mul(ONES);
        out.copy_from_slice(&((inclusive << 8).wrapping_add(before.wrapping_mul(ONES))).to_le_bytes());
        before += inclusive >> 56;
    }
    starts
}

#[cfg(test)]
mod tests;
