//! The recipe: how a [`Record`] becomes the sparse binary features a logistic
//! regression scores. Modelled on an Amazon ML recipe:
//!
//! - `text`: lowercased, tokenised into words; word unigrams and bigrams (`ngram(text, 2)`),
//!   hashed into `2^hash_bits` buckets. URLs become `<url>`, numbers `<num>`. A change
//!   of script (Latin, kana, katakana, kanji, Hangul) also ends a word, so unspaced
//!   Japanese still yields words and `AWSの` yields `aws`.
//! - counts (`followers`, `favourites`, `friends`, `lists`, `retweets`, `tweets`):
//!   quantile-binned (`quantile_bin(x, 10)`), bin boundaries learned at training time.
//! - `source`: a categorical token, the client's name (the anchor text of v1.1's HTML).
//! - extra signals that help on spam without costing much: counts of URLs, mentions,
//!   hashtags and emoji, runs of `!`/`$`, shouting (upper-case share), digits in the
//!   screen name, and the followers-to-friends ratio.
//! - two small lexicons, counted: cloud and engineering terms ([`CLOUD_TERMS`]) and
//!   spam terms ([`SPAM_TERMS`]). They carry the decision for wording the training data
//!   never used, which hashed n-grams alone cannot.
//! - AWS-domain evidence ([`AWS_EVIDENCE`]): the summed strength of the AWS services,
//!   concepts, regions, events and certifications named (0–4), alone, crossed with how
//!   the tweet carries `aws` (not at all, as `#aws`, as a word, as a word inside a
//!   sentence), and crossed with the spam terms. `#aws` is tacked onto anything on
//!   Twitter; the cross lets the model learn that the tag without evidence is not a
//!   reason to show a tweet, which a weight per word cannot say. Names that are
//!   ordinary words too (`lambda`, `s3`, `console`) are marked `ctx` in the lexicon and
//!   count only in AWS context: after `aws`/`amazon`, beside other evidence, or two
//!   together. The hand-written entries are joined by AWS vocabulary mined from the AWS
//!   SDK's service models ([`AWS_MINED`]), and `lambda` in code is no evidence
//!   ([`named_lambda_sense`]).
//! - everyday words of running a cloud ([`OPS_TERMS`]: the bill, the console, a region,
//!   a ticket) counted and crossed with the tweet's AWS anchor and with other clouds
//!   named (their names in `ops-terms.txt`, their products in [`OTHER_CLOUDS`]), and exam names crossed with what dump sellers offer ([`EXAM_TERMS`]).
//!
//! Every feature is a presence bit, so a record's feature vector is a short list of
//! bucket indices.
//!
//! Where the parts live: how the name `aws` is carried in `recipe/anchor.rs`, the ASCII
//! fast paths in `recipe/scan.rs`, the tests in `recipe/tests.rs`. What stays here (the
//! features, the lexicons and their lookups, the text's normalisation and signals) is
//! over 450 lines because its steps share private types (`Entry`, `WordFacts`, `Needs`,
//! `Script`) and one hot loop; splitting it further would only widen their visibility.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::LazyLock;

use crate::record::{Record, RecordRef, COUNT_NAMES};

mod anchor;
mod scan;

use anchor::*;

/// Recipe parameters, stored in the model artifact.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Recipe {
    /// Features hash into `2^hash_bits` buckets.
    pub hash_bits: u32,
    /// Upper boundaries of each count's quantile bins, ascending.
    pub quantile_bins: BTreeMap<String, Vec<f64>>,
}

impl Recipe {
    pub const MIN_HASH_BITS: u32 = 10;
    pub const MAX_HASH_BITS: u32 = 24;

    pub fn buckets(&self) -> usize {
        1usize << self.hash_bits
    }

    /// Learns quantile bin boundaries (`bins` bins per count) from training records.
    pub fn fit(records: &[Record], hash_bits: u32, bins: usize) -> Self {
        let mut quantile_bins = BTreeMap::new();
        let names = Record::default().counts().map(|(n, _)| n);
        for (i, name) in names.iter().enumerate() {
            let mut values: Vec<f64> = records.iter().map(|r| r.counts()[i].1 as f64).collect();
            values.sort_by(|a, b| a.total_cmp(b));
            let mut bounds: Vec<f64> = (1..bins)
                .filter_map(|q| values.get(q * values.len() / bins).copied())
                .collect();
            bounds.dedup();
            quantile_bins.insert((*name).to_owned(), bounds);
        }
        Self {
            hash_bits,
            quantile_bins,
        }
    }

    /// The record's feature indices, sorted and without repeats. Takes a [`Record`] or
    /// its borrowed [`RecordRef`] (the consumer's, which copies no string).
    pub fn features<'r>(&self, record: impl Into<RecordRef<'r>>) -> Vec<u32> {
        let (mut out, _) = self.features_in_order(record.into());
        scan::sort_dedup(&mut out, self.hash_bits);
        out
    }

    /// The buckets of the record's signal features: everything but the text's n-grams
    /// (counts, source, spam signals, lexicons, AWS evidence). Training regularises
    /// these few dense features less than the many sparse n-grams.
    pub fn signal_features<'r>(&self, record: impl Into<RecordRef<'r>>) -> Vec<u32> {
        let (mut out, text) = self.features_in_order(record.into());
        out.drain(..text);
        out
    }

    /// The features as computed, n-grams first, and how many of them are n-grams.
    fn features_in_order(&self, record: RecordRef<'_>) -> (Vec<u32>, usize) {
        let mask = (self.buckets() - 1) as u64;
        // Room for a full-length tweet's ids (a 280-character one has 100 to 200).
        let mut out: Vec<u32> = Vec::with_capacity(256);

        // Whether the text is ASCII, asked once: the lowercasing, the tokenizer and the
        // signals each asked it again (issue 12's ninth round).
        let text_ascii = record.text.is_ascii();
        let lower = if text_ascii {
            record.text.to_ascii_lowercase()
        } else {
            lowercase_visible(record.text)
        };
        // ASCII text in one pass (issue 12's tenth round): the tokenizer hashes each token
        // as it finds it (n-grams onto `out`, forms, the lambda answer and the tally into
        // `grams`) and notes the bytes the signals and `named_lambda_sense` ask about
        // (`!`, `$`, `>`), rather than searching for them again. Retagged tokens get their
        // n-grams, forms, lambda answer and tally below.
        let (words, marks, mut forms, mut lambda_named, mut tally, aws_seen) = if text_ascii {
            let mut grams = scan::Grams::new(mask, &mut out, 64);
            let (words, marks) = scan::tokenize_ascii_hashed(&lower, &mut grams);
            let aws_seen = Some((grams.aws_word, grams.aws_tag));
            (
                words,
                marks,
                grams.forms,
                grams.lambda_named,
                grams.tally,
                aws_seen,
            )
        } else {
            // Other text in one pass too (twelfth round): the mixed tokenizer hashes each
            // token as it finds it.
            // Room for the tokens of long text of another script, where each run of kana
            // or kanji is one (a token is at least one character, of three bytes in CJK):
            // growing the lists cost `kana-kanji` ≈ 6,800 instructions. A text of up to
            // 512 bytes (a full tweet that is mostly ASCII, 316 bytes for the hand-written
            // ones) keeps the room the ASCII path has: larger lists cost it more in the
            // allocator (≈ 1,100 instructions) than growing them once.
            let room = if lower.len() > 512 {
                lower.len() / 3 + 8
            } else {
                64
            };
            out.reserve(2 * room);

            let mut grams = scan::Grams::new(mask, &mut out, room);
            let words = scan::tokenize_mixed_hashed(&lower, &mut grams);
            let (forms, lambda_named, tally) = (grams.forms, grams.lambda_named, grams.tally);
            // `None`: whether a token is `aws` is asked of the tokens below
            // (`aws_carried_and_last`), as the mixed tokenizer does not note it.
            (
                words,
                scan::marks_of_mixed(&lower),
                forms,
                lambda_named,
                tally,
                None,
            )
        };
        let (carried, last_aws_word) = match aws_seen {
            // No token is the word `aws`: what `aws_carried_and_last` answers then, without
            // its two walks over the tokens (most tweets; twelfth round).
            Some((false, tag)) => (u8::from(tag), None),
            _ => aws_carried_and_last(&words),
        };
        // A tacked-on `aws` is read as the tag it stands for (thirteenth round), in the
        // n-grams, the signals and the lexicons too: the word's own weight, learned from
        // tweets that use the name, and `exam aws` read as AWS's exam showed a Google exam
        // tweet with ` aws` appended that ` #aws` left hidden. The first one is the tag
        // when the tweet has none; the others add nothing, as the tag says it already;
        // and a tail of one or two words after the last one is part of what was tacked
        // on (` aws lol`, ` aws x`, ` aws 2026`: the attacker's tails), so it is dropped.
        let retagged: Vec<&str>;
        let last_aws = if carried == 1 { last_aws_word } else { None };
        let tokens: &[&str] = match last_aws {
            Some(last) => {
                let tail = words.len() - last - 1;
                let mut tagged = words.iter().any(|t| t.strip_prefix('#').is_some_and(is_aws_word));
                retagged = words
                    .iter()
                    .enumerate()
                    .filter_map(|(i, &t)| match is_aws_word(t) {
                        false if i > last && tail <= 2 && !t.starts_with(['#', '@']) && t != "<url>" => None,
                        false => Some(t),
                        true if tagged => None,
                        true => {
                            tagged = true;
                            Some("#aws")
                        }
                    })
                    .collect();
                &retagged
            }
            _ => &words,
        };
        if last_aws.is_some() {
            out.clear();
            forms = ngrams_and_forms_plain(tokens, mask, &mut out);
            // Asked of the text once (a token that is `lambda` is in it): text that is not
            // ASCII can make many tokens (each CJK run is one).
            lambda_named = LAMBDA_FINDER.find(lower.as_bytes()).is_some() && named_lambda(tokens);
            tally = scan::Tally::of(tokens);
        }
        let text = tokens.len() + tokens.len().saturating_sub(1);
        // Each count's boundaries, found by one walk over the few stored ones rather than
        // a lookup by string per count, and its name's `q:<name>:` prefix hashed at
        // compile time: the same bins and hashes as `quantile_bins.get(name)` and
        // `fnv1a(&[b"q:", name, b":", &[bin]])`.
        let mut bounds: [&[f64]; COUNT_NAMES.len()] = [&[]; COUNT_NAMES.len()];
        for (name, edges) in &self.quantile_bins {
            if let Some(k) = COUNT_NAMES.iter().position(|n| n == name) {
                bounds[k] = edges;
            }
        }
        for (k, (_, value)) in record.counts().into_iter().enumerate() {
            let bin = bounds[k].iter().take_while(|&&edge| value as f64 >= edge).count();
            out.push((scan::fnv_extend(COUNT_PREFIXES[k], &[bin as u8]) & mask) as u32);
        }

        let mut push = |parts: &[&[u8]]| out.push((fnv1a(parts) & mask) as u32);

        let source = source_name(record.source);
        let mut ascii = [0u8; 64];
        if source.is_ascii() && source.len() <= ascii.len() {
            // `to_lowercase` of short ASCII, on the stack: no string to allocate.
            let lowered = &mut ascii[..source.len()];
            lowered.copy_from_slice(source.as_bytes());
            lowered.make_ascii_lowercase();
            push(&[b"src:", lowered]);
        } else {
            push(&[b"src:", source.to_lowercase().as_bytes()]);
        }

        let signals = TextSignals::of(record.text, text_ascii, &lower, marks, tally);
        push(&[b"x:urls:", &[signals.urls.min(2)]]);
        push(&[b"x:mentions:", &[signals.mentions.min(3)]]);
        push(&[b"x:hashtags:", &[signals.hashtags.min(6)]]);
        push(&[b"x:emoji:", &[signals.emoji.min(4)]]);
        if signals.bang_run {
            push(&[b"x:bang_run"]);
        }
        if signals.dollar {
            push(&[b"x:dollar"]);
        }
        if signals.shouting {
            push(&[b"x:shouting"]);
        }
        let lambda = if lambda_named {
            named_lambda_sense(&lower, marks, tokens)
        } else {
            LambdaSense::NotNamed
        };
        let LexiconCounts {
            cloud,
            spam,
            evidence,
            lone_names,
            ops,
            other_cloud,
            cert,
            sell,
            body_evidence,
        } = lexicon_counts_of(&lower, tokens, &forms, lambda);
        // Generic words of running a cloud (cluster, deploy, outage, latency, bill) are as
        // much Kubernetes', GCP's or on-prem talk as AWS's, and `#aws` is tacked onto
        // anything: counted alone they carried a tagged haircut tweet with one of them to
        // ON (issue 15, ninth round). Crossed with whether the tweet names AWS at all, the
        // model can weigh them only as support for positive evidence.
        let named = evidence.min(1);
        push(&[b"x:cloud_terms:", &[cloud.min(4) as u8, named]]);
        push(&[b"x:spam_terms:", &[spam.min(4) as u8]]);
        push(&[b"x:terms:", &[cloud.min(3) as u8, spam.min(3) as u8, named]]);
        push(&[b"x:aws_ev:", &[evidence]]);
        push(&[b"x:aws_ev_tag:", &[carried, evidence]]);
        // Evidence found only in tags or mentions (`#aws #kinesis` after a tweet about a
        // football match) says less than the same names in the words: tags are stuffed.
        push(&[b"x:aws_ev_words:", &[evidence, body_evidence]]);
        push(&[
            b"x:aws_lone:",
            &[carried, evidence.min(1), lone_names, cloud.min(2) as u8],
        ]);
        // Exam dumps and "free AWS credits" name AWS as much as its users do: the spam
        // words beside the evidence are what tell them apart.
        push(&[b"x:aws_ev_spam:", &[evidence.min(2), spam.min(2) as u8]]);
        if lambda != LambdaSense::NotNamed {
            // `lambda` beside code or programming words is Python's or Java's, unless the
            // evidence says AWS (`AWS Lambda in Python`): the cross lets the model say so.
            push(&[b"x:lambda_sense:", &[lambda as u8, evidence.min(2), carried & 3]]);
        }
        // Everyday words of running a cloud (the bill, the console, a region, a support
        // ticket) say AWS only beside an anchor: `aws` used in a sentence, evidence, a
        // lone ambiguous name; tacked-on `aws`, the tag alone or another cloud's name
        // leave them saying nothing. The cross lets the model weigh each combination.
        let anchor = if carried & 4 != 0 { 3 } else { carried.min(2) };
        push(&[
            b"x:ops:",
            &[
                anchor,
                evidence.min(1),
                lone_names,
                u8::from(other_cloud > 0),
                ops.min(3) as u8,
            ],
        ]);
        // Exam dumps name the exam as its candidates do; what they sell tells them apart.
        push(&[b"x:exam:", &[cert.min(1) as u8, sell.min(2) as u8]]);
        let digits = record.user.bytes().filter(u8::is_ascii_digit).count().min(5) as u8;
        push(&[b"x:user_digits:", &[digits]]);
        let ratio = ((record.followers as f64 + 1.0) / (record.friends as f64 + 1.0))
            .log2()
            .round() as i64;
        push(&[b"x:ff_ratio:", &[ratio.clamp(-6, 6) as i8 as u8]]);
        (out, text)
    }
}

/// Pushes the tokens' word and pair n-grams (masked) onto `out` and returns each
/// token's lexicon form and key, for [`lexicon_counts_of`], and whether a token is
/// `lambda` or `lambdas` less its leading `#`s and `@`s (what [`named_lambda_sense`] first
/// asks: told here by two compares of each token's key, where `lambda_sense` searched
/// the text for `lambda` and then compared every token; issue 12's tenth round).
///
/// The n-grams' hashes go on from the prefixes' states, hashed once at compile time:
/// the same hashes as `fnv1a(&[b"w:", token])` and `fnv1a(&[b"b:", a, b" ", b])`. Each
/// token's bytes are walked once for both n-grams it is in and its lexicon key
/// (`scan::token_hashes`, issue 12's ninth round). A pair goes out beside its second
/// word, not after all the words: the n-grams' order among themselves is free, as
/// `features` sorts them and `signal_features` drops them all.
#[cfg(test)]
fn ngrams_and_forms<'a>(tokens: &[&'a str], mask: u64, out: &mut Vec<u32>) -> (Vec<(&'a str, u64)>, bool) {
    let mut grams = scan::Grams::new(mask, out, tokens.len());
    for &t in tokens {
        grams.push(t, scan::token_hashes(t.as_bytes(), grams.head));
    }
    (grams.forms, grams.lambda_named)
}

/// The test-only `ngrams_and_forms` without asking whether a token names `lambda` (the recipe's
/// path for text that is not ASCII and for retagged tokens, which asks once for the
/// whole text instead). Its state stays in locals rather than in a [`scan::Grams`]: text
/// that is not ASCII makes many tokens (each CJK run is one), and the struct's pushes
/// cost `kana-kanji` ≈ 2,000 instructions more (issue 12's tenth round). The two are
/// held equal by
/// `one_pass_over_each_token_hashes_its_ngrams_and_lexicon_key_as_the_separate_passes_did`.
#[inline(always)]
fn ngrams_and_forms_plain<'a>(tokens: &[&'a str], mask: u64, out: &mut Vec<u32>) -> Vec<(&'a str, u64)> {
    let mut forms: Vec<(&str, u64)> = Vec::with_capacity(tokens.len());
    let mut head = scan::PAIR_PREFIX;
    for (i, &t) in tokens.iter().enumerate() {
        let h = scan::token_hashes(t.as_bytes(), head);
        out.push((h.word & mask) as u32);
        if i > 0 {
            out.push((h.pair & mask) as u32);
        }
        head = h.pair_head;
        forms.push(match h.key {
            // `#` and `@` are ASCII, so the form starts on a character.
            Some(key) => (&t[h.form_start..], key),
            None => {
                let form = lexicon_form(t);
                (form, word_hash(form))
            }
        });
    }
    forms
}

/// The FNV-1a state after each count's `q:<name>:`, hashed at compile time.
const COUNT_PREFIXES: [u64; COUNT_NAMES.len()] = {
    let mut prefixes = [0; COUNT_NAMES.len()];
    let mut k = 0;
    while k < COUNT_NAMES.len() {
        let h = scan::fnv_const(scan::FNV_OFFSET, b"q:");
        let h = scan::fnv_const(h, COUNT_NAMES[k].as_bytes());
        prefixes[k] = scan::fnv_const(h, b":");
        k += 1;
    }
    prefixes
};

/// Words of cloud engineering: AWS services and the vocabulary around them.
const CLOUD_TERMS: &str = include_str!("../lexicons/cloud-terms.txt");
/// Words of the junk that rides a hashtag.
const SPAM_TERMS: &str = include_str!("../lexicons/spam-terms.txt");
/// Everyday words of running a cloud, and the names of other clouds (`other`).
const OPS_TERMS: &str = include_str!("../lexicons/ops-terms.txt");
/// Other providers' product names (`cloud run`, `aks`, `pub/sub`): another cloud named.
const OTHER_CLOUDS: &str = include_str!("../lexicons/other-clouds.txt");
/// Words that name an exam (`cert`) and words of those who sell its answers (`sell`).
const EXAM_TERMS: &str = include_str!("../lexicons/exam-terms.txt");

/// AWS-domain evidence: entries of one to three tokens, each with a strength.
const AWS_EVIDENCE: &str = include_str!("../lexicons/aws-evidence.txt");
/// More of it, mined from the AWS SDK's service models (service names, regions,
/// instance types, resources and errors the API names) by
/// `data/mine_aws_vocabulary.py`; the hand-written entries above win where both have one.
const AWS_MINED: &str = include_str!("../lexicons/aws-mined.txt");

/// What the lexicons find in a tweet's tokens.
struct LexiconCounts {
    /// Tokens (less a leading `#`) in the cloud lexicon.
    cloud: usize,
    /// Tokens (less a leading `#`) in the spam lexicon.
    spam: usize,
    /// The summed strength of the distinct evidence entries that count (tokens less a
    /// leading `#` or `@`, and runs of two or three of them), capped at 4.
    evidence: u8,
    /// The same sum over the entries found at least once in the text's words, not only
    /// as a hashtag or a mention: `great game #aws #lambda` has evidence 2 and none of
    /// it in its words (tags are stuffed onto anything).
    body_evidence: u8,
    /// Names marked `ctx` found without their context (`lambda` alone): not evidence,
    /// but not nothing either; the model weighs them (0 or 1).
    lone_names: u8,
    /// Tokens (less a leading `#`) in the everyday cloud lexicon.
    ops: usize,
    /// Tokens naming another cloud or host (`azure`, `heroku`), or runs naming one of
    /// their products (`cloud run`).
    other_cloud: usize,
    /// Tokens naming an exam, exam codes (`c02`, `saac03`) among them.
    cert: usize,
    /// Tokens of what exam-dump sellers offer.
    sell: usize,
}

/// The words that give a `ctx` entry its AWS context when they stand up to two words
/// before it (`aws lambda`, `amazon s3`, `#aws glue`).
const CONTEXT_WORDS: [&str; 2] = ["aws", "amazon"];

/// [`lexicon_counts_of`], each token's form found by its definition.
#[cfg(test)]
fn lexicon_counts(lower: &str, tokens: &[&str], lambda: LambdaSense) -> LexiconCounts {
    lexicon_counts_of(lower, tokens, &lexicon_forms(tokens), lambda)
}

/// Each token's lexicon form and its key: the definition `features_in_order`'s one pass
/// over each token's bytes is checked against.
#[cfg(test)]
fn lexicon_forms<'a>(tokens: &[&'a str]) -> Vec<(&'a str, u64)> {
    tokens
        .iter()
        .map(|t| {
            let form = lexicon_form(t);
            (form, word_hash(form))
        })
        .collect()
}

/// One pass, one lookup per token (one or two more for the few that start a longer
/// entry): the lexicon lookups are most of the recipe's cost after tokenising.
///
/// `lambda` in code syntax (`key=lambda x: x[1]`) is no evidence, nor beside words of
/// programming unless `aws`/`amazon` comes before it (`AWS Lambda in Kotlin`).
///
/// `forms` holds each token's lexicon form and key, which the recipe hashes with the
/// token's n-grams (`lexicon_forms` is their definition).
fn lexicon_counts_of(
    lower: &str,
    tokens: &[&str],
    forms: &[(&str, u64)],
    lambda: LambdaSense,
) -> LexiconCounts {
    debug_assert_eq!(tokens.len(), forms.len());
    let lexicons = &*LEXICONS;
    let Lexicons { other_runs, .. } = lexicons;
    let (mut cloud, mut spam) = (0, 0);
    let (mut ops, mut other_cloud, mut cert, mut sell) = (0, 0, 0, 0);
    // The maps are keyed by hashes, and runs by combining their words' hashes.
    // Each token's key is hashed once: a run's lookups reuse the next tokens' keys.
    // Each token's lexicon form is found once too: the context checks below and the
    // pairs' second words asked for it again (`apostrophe_stem` was a tenth of the recipe).
    let hash_at = |k: usize| forms.get(k).map(|&(_, key)| key);
    let after_context = |at: usize| {
        forms[at.saturating_sub(2)..at]
            .iter()
            .any(|(form, _)| CONTEXT_WORDS.contains(form))
    };
    // Whether the text names Route 53, found at the first `route <num>` pair.
    let mut route_53: Option<bool> = None;
    // Few tweets name more than a handful of entries: short lists beat sets. Each entry
    // is kept with whether it was found in the words (not only in a tag or a mention).
    let mut firm: Vec<(Entry, bool)> = Vec::new();
    let mut pending: Vec<(Entry, bool)> = Vec::new();
    // The last token that is a word (not a tag, a mention, a URL or `rt`): found when an
    // entry first asks for it (few tweets have one that does), not for every tweet.
    let mut last_word: Option<Option<usize>> = None;
    // Called only with an entry found: most tokens have none, and the call itself cost
    // more than the test.
    let mut note = |entry: Entry, at: usize| {
        let in_words = !tokens[at].starts_with(['#', '@']);
        let before = &tokens[at.saturating_sub(2)..at];
        let list = match entry.needs {
            Needs::Nothing => &mut firm,
            // A name that is an ordinary word too (`lambda`, `s3`) counts at once after
            // `aws` or `amazon`; otherwise only beside other evidence (below).
            Needs::Context => {
                if after_context(at) {
                    &mut firm
                } else {
                    &mut pending
                }
            }
            // A word like `bill` or `console` counts only next to the plain word `aws`:
            // not the tag, which is tacked onto anything (`#aws #cloud`).
            Needs::AwsWord => {
                let end = (at + 3).min(tokens.len());
                let after = &tokens[(at + 1).min(tokens.len())..end];
                // `AWS's bill` too: the possessive is the word. An `aws` right after it
                // that ends the tweet's words is tacked on (`new game console aws`, the
                // attacker's review of the tenth round); `la factura de AWS` is not.
                let mut last_word = || {
                    *last_word.get_or_insert_with(|| {
                        tokens
                            .iter()
                            .rposition(|t| !t.starts_with(['#', '@']) && *t != "<url>" && *t != "rt")
                    })
                };
                let aws_after = after
                    .iter()
                    .enumerate()
                    .any(|(j, t)| is_aws_word(t) && (j > 0 || last_word().is_some_and(|w| w > at + 1)));
                if !tokens[at].starts_with('#') && (before.iter().any(|t| is_aws_word(t)) || aws_after) {
                    &mut firm
                } else {
                    return;
                }
            }
        };
        match list.iter_mut().find(|(e, _)| e.key == entry.key) {
            Some((_, seen)) => *seen |= in_words,
            None => list.push((entry, in_words)),
        }
    };
    for (i, (t, &(bare, key))) in tokens.iter().zip(forms).enumerate() {
        // An exam code ends in `c0` and a digit: `clf-c02` tokenises as `clf c02`, the tag
        // `#saac03` as one token.
        if let [.., b'c', b'0', d] = bare.as_bytes() {
            cert += usize::from(d.is_ascii_digit() && bare.len() <= 7);
        }
        let mut hash = key;
        let mut facts = lexicons.word(hash);
        let mut dated = false;
        if facts.is_none() && bare.ends_with(|c: char| c.is_ascii_digit()) {
            // Event tags carry their year (`#reinvent2026`), products their generation
            // (`trainium2`).
            let stem = bare.trim_end_matches(|c: char| c.is_ascii_digit());
            if stem.len() != bare.len() && !stem.is_empty() {
                hash = word_hash(stem);
                facts = lexicons.word(hash);
                dated = is_year(&bare[stem.len()..]);
            }
        }
        let Some(facts) = facts else {
            continue;
        };
        if matches!(bare, "lambda" | "lambdas") {
            let after_aws = after_context(i);
            match lambda {
                LambdaSense::CodeSyntax => continue,
                LambdaSense::CodeWords if !after_aws => continue,
                _ => {}
            }
        }
        // The tokenizer keeps one of `#@$` at most, at the start: a token that starts
        // with `@` is never in the cloud or spam lexicon (they are matched less `#` only).
        if !t.starts_with('@') {
            cloud += usize::from(facts.cloud());
            spam += usize::from(facts.spam());
            ops += usize::from(facts.ops());
            other_cloud += usize::from(facts.other_cloud());
            if facts.starts_other() {
                // `cloud run`, `pub/sub`, `vertex ai`: one more lookup or two, for the few
                // words that start another cloud's product name.
                let pair = hash_at(i + 1).map(|b| run_hash(hash, b));
                let triple = pair.zip(hash_at(i + 2)).map(|(p, c)| run_hash(p, c));
                other_cloud += usize::from(pair.into_iter().chain(triple).any(|r| other_runs.contains(&r)));
            }
            cert += usize::from(facts.exam() == Some(ExamWord::Cert));
            sell += usize::from(facts.exam() == Some(ExamWord::Sell));
        }
        // A name with a year fused on (`#reInvent2024`) is the event's tag, never the
        // ordinary word (`reinvent yourself`): it needs no context.
        let evidence = facts.evidence().map(|e| match e.needs {
            Needs::Context if dated => Entry {
                needs: Needs::Nothing,
                ..e
            },
            _ => e,
        });
        if let Some(entry) = evidence {
            note(entry, i);
        }
        // Only for the words that start an entry of two or three: with the mined
        // vocabulary, many common words start a pair and few a triple.
        if facts.starts_pair() || facts.starts_triple() {
            if let Some(b) = hash_at(i + 1) {
                let mut pair = run_hash(hash, b);
                // `re:Invent2024`: the year comes off the pair's second word too, when
                // the pair as written is no entry. The digit test comes first: it is a
                // byte compare, and the map lookup it spares would run for every word
                // that starts a pair.
                let next = forms[i + 1].0;
                if facts.starts_pair()
                    && next.ends_with(|c: char| c.is_ascii_digit())
                    && lexicons.pair(pair).is_none()
                {
                    let stem = next.trim_end_matches(|c: char| c.is_ascii_digit());
                    if !stem.is_empty() && is_year(&next[stem.len()..]) {
                        pair = run_hash(hash, word_hash(stem));
                    }
                }
                // `route <num>` is AWS's only as Route 53 (numbers are `<num>` by then):
                // Route 66 and the Route 1 bus are roads.
                // Asked once per tweet: a hostile text of many `route 1` pairs would
                // otherwise rescan the whole text for each (quadratic; found by review).
                if facts.starts_pair()
                    && (pair != *ROUTE_NUM || *route_53.get_or_insert_with(|| mentions_route_53(lower)))
                {
                    if let Some(entry) = lexicons.pair(pair) {
                        note(entry, i);
                    }
                }
                if let (true, Some(c)) = (facts.starts_triple(), hash_at(i + 2)) {
                    if let Some(entry) = lexicons.triple(run_hash(pair, c)) {
                        note(entry, i);
                    }
                }
            }
        }
    }
    // Contextual entries without `aws` before them count beside firm evidence, or two
    // together (`s3 and ec2`), but not alone: a lone `lambda` is as often physics or
    // Python, a lone `s3` a TV season.
    let mut lone_names = u8::from(!pending.is_empty());
    if !firm.is_empty() || pending.len() >= 2 {
        lone_names = 0;
        for p in pending {
            match firm.iter_mut().find(|(e, _)| e.key == p.0.key) {
                Some((_, seen)) => *seen |= p.1,
                None => firm.push(p),
            }
        }
    }
    let sum = |in_words_only: bool| {
        firm.iter()
            .filter(|(_, seen)| *seen || !in_words_only)
            .map(|(e, _)| u32::from(e.strength))
            .sum::<u32>()
            .min(4) as u8
    };
    LexiconCounts {
        cloud,
        spam,
        evidence: sum(false),
        body_evidence: sum(true),
        lone_names,
        ops,
        other_cloud,
        cert,
        sell,
    }
}

/// A year as event tags carry it: four digits from 2000 (`2024` in `#reinvent2024`).
fn is_year(digits: &str) -> bool {
    digits.len() == 4 && digits.starts_with("20")
}

/// The pair `route <num>`, as [`lexicon_counts_of`] combines its words' hashes.
static ROUTE_NUM: LazyLock<u64> = LazyLock::new(|| run_hash(word_hash("route"), word_hash("<num>")));

/// Whether the text names Route 53 (`route 53`, `route-53`), as the tokens no longer can.
///
/// Any run of spaces (tabs, line breaks, no-break spaces), `-` or `_` may stand between
/// the two; `route` must start a word, and `en route 53 minutes late` is a journey.
fn mentions_route_53(lower: &str) -> bool {
    lower.match_indices("route").any(|(i, _)| {
        let head = &lower[..i];
        if head.ends_with(|c: char| c.is_alphanumeric()) {
            return false;
        }
        let word_before = head.trim_end().rsplit(|c: char| !c.is_alphanumeric()).next();
        if word_before == Some("en") {
            return false;
        }
        let rest = lower[i + "route".len()..]
            .trim_start_matches(|c: char| c.is_whitespace() || c == '-' || c == '_');
        rest.starts_with("53") && !rest[2..].starts_with(|c: char| c.is_ascii_digit())
    })
}

#[cfg(test)]
fn aws_evidence(tokens: &[&str]) -> u8 {
    lexicon_counts(&tokens.join(" "), tokens, LambdaSense::Plain).evidence
}

/// What a tweet's `lambda` is, as far as cheap signs tell.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum LambdaSense {
    /// No `lambda` (or `lambdas`) in the tweet.
    NotNamed = 0,
    /// Named, with nothing of code around it.
    Plain = 1,
    /// Beside words of programming languages and functional programming (`Java`,
    /// `closures`, `anonymous`): often code, but `AWS Lambda in Kotlin` is AWS.
    CodeWords = 2,
    /// In code syntax: `key=lambda`, `(lambda`, `lambda x:`, an arrow `->` or `=>`.
    CodeSyntax = 3,
}

/// Words that put a `lambda` in code rather than in a cloud.
const CODE_WORDS: [&str; 22] = [
    "python",
    "java",
    "kotlin",
    "scala",
    "haskell",
    "lisp",
    "clojure",
    "c#",
    "csharp",
    "c++",
    "cpp",
    "javascript",
    "closure",
    "closures",
    "anonymous",
    "calculus",
    "expression",
    "expressions",
    "functional",
    "currying",
    "jdk",
    "linq",
];

/// `marks`: `lower`'s ([`scan::marks_of`]).
#[cfg(test)]
fn lambda_sense(lower: &str, marks: u8, tokens: &[&str]) -> LambdaSense {
    // Most tweets have no `lambda` at all: the recipe asks whether one is named in the
    // tokens' pass (`ngrams_and_forms`), and only then the rest.
    if !named_lambda(tokens) {
        return LambdaSense::NotNamed;
    }
    named_lambda_sense(lower, marks, tokens)
}

/// Finds `lambda` in a text: built once, as the substring search `match_indices` set up
/// for each tweet that names it (≈ 400 instructions) and then ran byte by byte; this
/// one skips over the text by SIMD (issue 12's tenth round).
static LAMBDA_FINDER: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new("lambda"));

/// The sense of `lambda` in a text whose tokens name it (the tokens' pass has asked
/// [`named_lambda`] first; the test-only `lambda_sense` asks it itself).
fn named_lambda_sense(lower: &str, marks: u8, tokens: &[&str]) -> LambdaSense {
    fn bare<'a>(t: &&'a str) -> &'a str {
        t.trim_start_matches(['#', '@'])
    }
    debug_assert!(named_lambda(tokens));
    let arrow = marks & scan::MARK_GT != 0 && has_arrow(lower);
    // `lambda` overlaps no other of itself, so its matches are `match_indices`' (a
    // match starts on a character, as `l` is ASCII).
    let syntax = arrow
        || LAMBDA_FINDER.find_iter(lower.as_bytes()).any(|i| {
            let head = lower[..i].trim_end();
            let before = head.chars().next_back();
            // `AWS Lambda timeout: 15 minutes` names the service: after `aws` or `amazon`
            // a word and a colon are no parameter list.
            let after_name = head.ends_with("aws") || head.ends_with("amazon");
            let after = &lower[i + "lambda".len()..];
            // Python's `lambda x, y: x + y`: a list of parameters, then a colon, then a
            // body that uses one of them (`lambda row: row[1]`); a word and a colon
            // followed by prose (`lambda timeout: 15 minutes`) is not code.
            let params = !after_name
                && after.strip_prefix(' ').is_some_and(|rest| {
                    let head: String = rest.chars().take(16).collect();
                    head.split_once(':').is_some_and(|(p, _)| {
                        let names: Vec<&str> = p.split([',', ' ', '*']).filter(|n| !n.is_empty()).collect();
                        let body: String = rest[p.len() + 1..].chars().take(24).collect();
                        !names.is_empty()
                            && p.chars().all(|c| c.is_alphanumeric() || "_, *".contains(c))
                            && names.iter().any(|n| {
                                body.split(|c: char| !c.is_alphanumeric() && c != '_')
                                    .any(|w| w == *n)
                            })
                    })
                });
            matches!(before, Some('=' | '(' | ',' | '[')) || params
        });
    if syntax {
        LambdaSense::CodeSyntax
    } else if tokens.iter().any(|t| CODE_WORDS.contains(&bare(t))) || lower.contains("c#") {
        LambdaSense::CodeWords
    } else {
        LambdaSense::Plain
    }
}

/// Whether a token is `lambda` or `lambdas`, less its leading `#`s and `@`s: the
/// definition of `ngrams_and_forms`' answer.
fn named_lambda(tokens: &[&str]) -> bool {
    tokens
        .iter()
        .any(|t| matches!(t.trim_start_matches(['#', '@']), "lambda" | "lambdas"))
}

/// Whether the text has an arrow, `->` or `=>`. Most have no `>` at all, which one
/// byte search tells (two substring searches cost ≈ 400 instructions on a 250-byte
/// tweet; issue 12's ninth round).
#[inline]
fn has_arrow(lower: &str) -> bool {
    let bytes = lower.as_bytes();
    bytes.contains(&b'>')
        && bytes
            .windows(2)
            .any(|w| w[1] == b'>' && matches!(w[0], b'-' | b'='))
}

/// Characters that show nothing but would split a word in [`tokenize`]: a zero-width
/// space inside `e\u{200B}arn` made the spam lexicon miss `earn` (an attacker's trick).
/// They are dropped before tokenising, so the word is read as it is seen. All of
/// Unicode's `Default_Ignorable_Code_Point` set, by its ranges (DerivedCoreProperties):
/// the six this started with were not the only ones an attacker can type (bidi marks
/// and isolates, word joiners, variation selectors, tags, the Hangul fillers).
fn invisible(c: char) -> bool {
    matches!(
        c as u32,
        0x00AD
            | 0x034F
            | 0x061C
            | 0x115F..=0x1160
            | 0x17B4..=0x17B5
            | 0x180B..=0x180F
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x206F
            | 0x3164
            | 0xFE00..=0xFE0F
            | 0xFEFF
            | 0xFFA0
            | 0xFFF0..=0xFFF8
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0000..=0xE0FFF
    )
}

/// The text lowercased, without [`invisible`] characters, with full-width ASCII
/// (`Ｌａｍｂｄａ`, `＃ａｗｓ`, `＠ｕｓｅｒ`) read as ASCII and a curly apostrophe
/// (`Gateway’s`) as `'`.
///
/// Full NFKC (mathematical letters, ligatures) would need `unicode-normalization`,
/// which is not in the dependency tree: the two forms people type are mapped here.
pub fn lowercase_visible(text: &str) -> String {
    if text.is_ascii() {
        // Most tweets: one copy and a lowercasing of its bytes in place, which the
        // compiler vectorises (`to_lowercase` walks ASCII a word at a time, then copies).
        return text.to_ascii_lowercase();
    }
    if text.contains('Σ') {
        // Its lowercase depends on the letters around it, which `str::to_lowercase`
        // alone knows.
        return lowercase_visible_by_str(text);
    }
    // One pass over the characters that are not ASCII (most of such a text is ASCII:
    // found eight bytes a step, not decoded one by one): a character that is its own
    // lowercase and not odd (CJK, Hangul, kana, lower-case accented Latin and Cyrillic,
    // emoji, punctuation) is kept as it is, told by a few compares (`scan::Kind`)
    // instead of the case tables' search (issue 15); any other is lowercased by
    // `char::to_lowercase` (which is `str::to_lowercase` a character at a time, but for
    // `Σ`) and each character of its lowercase mapped as below. Runs of characters
    // kept as they are are copied whole, and the ASCII capitals lowercased at the end
    // in one pass over the bytes that the compiler vectorises: the lowercase of any
    // other character, mapped, has no ASCII capital in it (a full-width capital is
    // lowercased before it is mapped), so only the text's own ASCII capitals are left
    // to lowercase, as `str::to_lowercase` lowercases them.
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut run = 0;
    let mut from = scan::next_non_ascii(bytes, 0);
    while from < bytes.len() {
        // A run of characters that are not ASCII (a word of another script, an emoji)
        // by `char_indices`, up to the next ASCII character, after which the walk skips
        // ahead again: text of another script is walked as the characters come.
        let mut ascii_at = bytes.len();
        for (k, c) in text[from..].char_indices() {
            let i = from + k;
            if c.is_ascii() {
                ascii_at = i;
                break;
            }
            match scan::Kind::of(c) {
                scan::Kind::Lower | scan::Kind::Emoji | scan::Kind::Plain => {}
                scan::Kind::Upper | scan::Kind::Unknown => {
                    out.push_str(&text[run..i]);
                    for l in c.to_lowercase() {
                        if let Some(v) = visible_form(l) {
                            out.push(v);
                        }
                    }
                    run = i + c.len_utf8();
                }
            }
        }
        from = scan::next_non_ascii(bytes, ascii_at);
    }
    out.push_str(&text[run..]);
    out.make_ascii_lowercase();
    out
}

/// What [`lowercase_visible`] makes of a lowercased character: nothing for an
/// [`invisible`] one, `'` for `’`, ASCII for a full-width form, else itself.
#[inline]
fn visible_form(c: char) -> Option<char> {
    if c < '\u{AD}' {
        return Some(c);
    }
    match c {
        c if invisible(c) => None,
        '\u{2019}' => Some('\''),
        // The full-width forms are ASCII shifted by 0xFEE0 (letters already lowercased).
        c if full_width_ascii(c) => Some(char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)),
        c => Some(c),
    }
}

/// [`lowercase_visible`] of text that is not ASCII, by `str::to_lowercase` and then a
/// pass over its characters: the definition the one-pass path is checked against, and
/// the path for text with a `Σ`.
fn lowercase_visible_by_str(text: &str) -> String {
    let lower = text.to_lowercase();
    if lower.is_ascii() {
        return lower;
    }
    // Every odd character is at U+00AD or above: one compare for the rest.
    let odd = |c: char| c >= '\u{AD}' && (invisible(c) || c == '\u{2019}' || full_width_ascii(c));
    if !lower.contains(odd) {
        return lower;
    }
    lower
        .chars()
        .filter(|c| !invisible(*c))
        .map(|c| match c {
            '\u{2019}' => '\'',
            // The full-width forms are ASCII shifted by 0xFEE0 (letters already lowercased).
            c if full_width_ascii(c) => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .collect()
}

/// A full-width form of printable ASCII (U+FF01–FF5E), but for the brackets, comma,
/// colon, equals sign, hyphen and greater-than sign: Japanese and Chinese prose wraps
/// and lists names with them (`ＡＷＳ（Ｌａｍｂｄａ，Ｓ３）`), and as ASCII they are
/// the code syntax [`named_lambda_sense`] looks for (`(lambda`, `=lambda`, `->`). The tokenizer
/// splits on them either way; `＃`, `＠` and `＄` must be ASCII to start a tag, a mention
/// or a ticker (`＃ａｗｓ` was read as the plain word `aws`).
fn full_width_ascii(c: char) -> bool {
    matches!(c, '\u{FF01}'..='\u{FF5E}')
        && !matches!(c, '（' | '）' | '，' | '：' | '＝' | '［' | '］' | '－' | '＞')
}

/// An evidence entry of the lexicon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Entry {
    /// Its line number among the entries: an entry counts once however often it occurs.
    key: usize,
    strength: u8,
    /// What else the tweet needs for it to count.
    needs: Needs,
}

/// An evidence entry's marker in the lexicon file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Needs {
    /// No marker: counts wherever it occurs.
    Nothing,
    /// `ctx`: `aws`/`amazon` just before it, other evidence, or another such entry.
    Context,
    /// `aws`: the plain word `aws` up to two words before or after it.
    AwsWord,
}

/// What the lexicons say about one word.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct WordFacts {
    cloud: bool,
    spam: bool,
    ops: bool,
    other_cloud: bool,
    exam: Option<ExamWord>,
    /// Its one-word evidence entry.
    evidence: Option<Entry>,
    /// It is the first word of a two-word evidence entry.
    starts_pair: bool,
    /// It is the first word of a three-word evidence entry.
    starts_triple: bool,
    /// It is the first word of another cloud's product name of two or three words.
    starts_other: bool,
}

/// A word of `exam-terms.txt`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ExamWord {
    Cert,
    Sell,
}

/// The lexicons as one table of words, plus the evidence entries of two and three
/// words; built once per process from [`LexiconMaps`]. Keyed by the words' 64-bit hashes
/// ([`word_hash`], combined by [`run_hash`] for runs), not by the words: a token is
/// hashed once and a lookup compares no strings, which kept the lookups cheap when the
/// mined vocabulary made the maps several times larger. Two of the few thousand words
/// sharing a hash is about as likely as guessing a 61-bit number.
struct Lexicons {
    /// The words' keys: clear for most keys that are in no lexicon (see
    /// [`Lexicons::word`]).
    word_filter: KeyFilter,
    /// The words' facts by key, each packed beside its key (see [`PackedFacts`]): the
    /// lookup of a key past the filter, where the map's probe cost several times as much
    /// (issue 12, twelfth round).
    word_table: KeyTable<PackedFacts>,
    /// The keys of `pairs` and `triples` (see [`Lexicons::pair`]).
    run_filter: KeyFilter,
    pairs: KeyTable<Entry>,
    triples: KeyTable<Entry>,
    /// Other clouds' product names of two or three words, by their runs' keys.
    other_runs: HashSet<u64, Prehashed>,
}

/// A set of keys as one bit per [`KeyFilter::bit`] (8 KB): a key whose bit is clear is
/// in none of the set's tables, which a key that is in no lexicon learns at a bit test,
/// where a table's probe in a batch of different tweets most often misses the CPU's
/// cache. About 4% of keys outside the set find their bit set by one of the 2,875
/// words' (2.2% by one of the 827 pairs' and 749 triples').
struct KeyFilter {
    bits: Box<[u64; KEY_FILTER_BITS / 64]>,
}

impl KeyFilter {
    fn of(keys: impl IntoIterator<Item = u64>) -> Self {
        let mut bits = Box::new([0u64; KEY_FILTER_BITS / 64]);
        for key in keys {
            let bit = Self::bit(key);
            bits[bit / 64] |= 1 << (bit % 64);
        }
        Self { bits }
    }

    /// False only for a key that is not in the set.
    #[inline(always)]
    fn may_hold(&self, key: u64) -> bool {
        let bit = Self::bit(key);
        self.bits[bit / 64] & (1 << (bit % 64)) != 0
    }

    /// A key's bit: its top bits, FNV-1a's best mixed (a run key's mix its words' keys,
    /// see [`run_hash`]).
    #[inline(always)]
    fn bit(key: u64) -> usize {
        (key >> (64 - KEY_FILTER_BITS.trailing_zeros())) as usize
    }
}

/// The lexicons as maps, as the files read: what [`Lexicons`] is built from, and what
/// the tests check its tables against.
struct LexiconMaps {
    words: HashMap<u64, WordFacts, Prehashed>,
    pairs: HashMap<u64, Entry, Prehashed>,
    triples: HashMap<u64, Entry, Prehashed>,
    other_runs: HashSet<u64, Prehashed>,
}

/// A word's [`WordFacts`] in one `u64`, so that a [`KeyTable`] slot (16 bytes) holds
/// them beside the word's key (session 13). The table held a pointer into the map of
/// facts before: in a batch of different tweets a word's lookup missed the CPU's cache
/// twice over, once for its slot and again for its facts, the second only once the
/// first had come in.
///
/// Bit 0 is always set (a slot's value is never zero, so `Option<PackedFacts>` takes no
/// more room); bits 1-7 the flags, 8-9 the exam word, 10 whether there is a one-word
/// evidence entry, 11-12 what it needs, 16-23 its strength, 32-63 its key. Each fact is
/// read from the bits where it is asked for: unpacking them all into a [`WordFacts`]
/// at every lookup cost 850 instructions a full-length tweet.
#[derive(Clone, Copy)]
struct PackedFacts(std::num::NonZeroU64);

impl PackedFacts {
    const CLOUD: u64 = 1 << 1;
    const SPAM: u64 = 1 << 2;
    const OPS: u64 = 1 << 3;
    const OTHER_CLOUD: u64 = 1 << 4;
    const STARTS_PAIR: u64 = 1 << 5;
    const STARTS_TRIPLE: u64 = 1 << 6;
    const STARTS_OTHER: u64 = 1 << 7;
    const EVIDENCE: u64 = 1 << 10;

    /// `None` only for an evidence key past 32 bits (a lexicon of 4 billion lines).
    fn pack(facts: &WordFacts) -> Option<Self> {
        let flag = |on: bool, bit: u64| if on { bit } else { 0 };
        let mut bits = 1
            | flag(facts.cloud, Self::CLOUD)
            | flag(facts.spam, Self::SPAM)
            | flag(facts.ops, Self::OPS)
            | flag(facts.other_cloud, Self::OTHER_CLOUD)
            | flag(facts.starts_pair, Self::STARTS_PAIR)
            | flag(facts.starts_triple, Self::STARTS_TRIPLE)
            | flag(facts.starts_other, Self::STARTS_OTHER);
        bits |= match facts.exam {
            None => 0,
            Some(ExamWord::Cert) => 1 << 8,
            Some(ExamWord::Sell) => 2 << 8,
        };
        if let Some(e) = facts.evidence {
            let key = u32::try_from(e.key).ok()?;
            let needs = match e.needs {
                Needs::Nothing => 0,
                Needs::Context => 1,
                Needs::AwsWord => 2,
            };
            bits |= Self::EVIDENCE | needs << 11 | u64::from(e.strength) << 16 | u64::from(key) << 32;
        }
        std::num::NonZeroU64::new(bits).map(Self)
    }

    #[inline(always)]
    fn has(self, bit: u64) -> bool {
        self.0.get() & bit != 0
    }

    #[inline(always)]
    fn cloud(self) -> bool {
        self.has(Self::CLOUD)
    }

    #[inline(always)]
    fn spam(self) -> bool {
        self.has(Self::SPAM)
    }

    #[inline(always)]
    fn ops(self) -> bool {
        self.has(Self::OPS)
    }

    #[inline(always)]
    fn other_cloud(self) -> bool {
        self.has(Self::OTHER_CLOUD)
    }

    #[inline(always)]
    fn starts_pair(self) -> bool {
        self.has(Self::STARTS_PAIR)
    }

    #[inline(always)]
    fn starts_triple(self) -> bool {
        self.has(Self::STARTS_TRIPLE)
    }

    #[inline(always)]
    fn starts_other(self) -> bool {
        self.has(Self::STARTS_OTHER)
    }

    #[inline(always)]
    fn exam(self) -> Option<ExamWord> {
        match (self.0.get() >> 8) & 3 {
            1 => Some(ExamWord::Cert),
            2 => Some(ExamWord::Sell),
            _ => None,
        }
    }

    #[inline(always)]
    fn evidence(self) -> Option<Entry> {
        let bits = self.0.get();
        self.has(Self::EVIDENCE).then_some(Entry {
            key: (bits >> 32) as usize,
            strength: (bits >> 16) as u8,
            needs: match (bits >> 11) & 3 {
                1 => Needs::Context,
                2 => Needs::AwsWord,
                _ => Needs::Nothing,
            },
        })
    }

    /// The facts whole, for the tests' comparisons with the maps.
    #[cfg(test)]
    fn unpack(self) -> WordFacts {
        WordFacts {
            cloud: self.cloud(),
            spam: self.spam(),
            ops: self.ops(),
            other_cloud: self.other_cloud(),
            exam: self.exam(),
            evidence: self.evidence(),
            starts_pair: self.starts_pair(),
            starts_triple: self.starts_triple(),
            starts_other: self.starts_other(),
        }
    }
}

/// A map from keys that are hashes already to small values, open-addressed (linear
/// probing, at most a third full, so most probes end at the first or second slot): a
/// lookup is a multiply, a shift and a compare or two, where `HashMap::get`'s probe of
/// its groups cost several times as much (issue 12, twelfth round). Built once; the
/// keys must be distinct (they are a map's).
struct KeyTable<T> {
    /// A power of two of slots; a slot's value is `None` when it is empty.
    slots: Box<[(u64, Option<T>)]>,
}

impl<T: Copy> KeyTable<T> {
    fn of(entries: impl IntoIterator<Item = (u64, T)>) -> Self {
        let entries: Vec<(u64, T)> = entries.into_iter().collect();
        let len = (entries.len() * 3).next_power_of_two().max(2);
        let mut slots = vec![(0, None); len].into_boxed_slice();
        for (key, value) in entries {
            let mut slot = Self::first_slot(key, len);
            while slots[slot].1.is_some() {
                slot = (slot + 1) & (len - 1);
            }
            slots[slot] = (key, Some(value));
        }
        Self { slots }
    }

    /// The value of `key`, as the map it was built from has it.
    #[inline(always)]
    fn get(&self, key: u64) -> Option<T> {
        let mask = self.slots.len() - 1;
        let mut slot = Self::first_slot(key, self.slots.len());
        loop {
            match self.slots[slot] {
                (_, None) => return None,
                (k, value) if k == key => return value,
                _ => slot = (slot + 1) & mask,
            }
        }
    }

    /// Where a key's probe starts among `len` slots (a power of two): the top bits of
    /// the key times an odd constant. Not the key's own top bits: those are the word
    /// filter's, so every key past the filter would start in a word's run of slots.
    #[inline(always)]
    fn first_slot(key: u64, len: usize) -> usize {
        (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - len.trailing_zeros())) as usize
    }
}

/// The bits of a [`KeyFilter`].
const KEY_FILTER_BITS: usize = 1 << 16;

impl Lexicons {
    /// The facts of the word with lexicon key `key`, as [`LexiconMaps`]' `words` has them. Four tokens in
    /// five are in no lexicon (the labeled tweets'), and for most of them the filter's
    /// bit says so at a few instructions, where the map's probe cost several times as
    /// much (issue 12's ninth round).
    #[inline(always)]
    fn word(&self, key: u64) -> Option<PackedFacts> {
        if !self.word_filter.may_hold(key) {
            return None;
        }
        self.word_table.get(key)
    }

    /// The evidence entry of two words with run key `key`, as [`LexiconMaps`]' `pairs`
    /// has it. Many common words start a pair since the mined vocabulary came in, so most
    /// of these lookups find nothing: the filter says so at a bit test (session 13).
    #[inline(always)]
    fn pair(&self, key: u64) -> Option<Entry> {
        if !self.run_filter.may_hold(key) {
            return None;
        }
        self.pairs.get(key)
    }

    /// The evidence entry of three words with run key `key`, as [`Self::pair`].
    #[inline(always)]
    fn triple(&self, key: u64) -> Option<Entry> {
        if !self.run_filter.may_hold(key) {
            return None;
        }
        self.triples.get(key)
    }

    fn of(maps: LexiconMaps) -> Self {
        let packed = maps.words.iter().map(|(&key, facts)| {
            (
                key,
                PackedFacts::pack(facts).expect("the lexicons have fewer than 2^32 lines"),
            )
        });
        Self {
            word_filter: KeyFilter::of(maps.words.keys().copied()),
            word_table: KeyTable::of(packed),
            run_filter: KeyFilter::of(maps.pairs.keys().chain(maps.triples.keys()).copied()),
            pairs: KeyTable::of(maps.pairs),
            triples: KeyTable::of(maps.triples),
            other_runs: maps.other_runs,
        }
    }
}

/// A word's key in the lexicon maps: its word n-gram's hash (FNV-1a of `w:` and the
/// word), so that a token that is its own lexicon form (most: no `#`, `@` or
/// apostrophe) has its key from the n-gram's hashing at no cost. The maps are built per
/// process, so the key is no part of the stored model.
#[inline]
fn word_hash(word: &str) -> u64 {
    scan::fnv_extend(scan::WORD_PREFIX, word.as_bytes())
}

/// The key of a run of words: its first words' key combined with the next word's.
/// Not symmetric, so `a b` and `b a` differ.
fn run_hash(head: u64, next: u64) -> u64 {
    head.rotate_left(23) ^ next.wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// The keys are hashes already: the map uses them as they are.
type Prehashed = std::hash::BuildHasherDefault<PrehashedHasher>;

#[derive(Default)]
pub struct PrehashedHasher(u64);

impl std::hash::Hasher for PrehashedHasher {
    fn write(&mut self, _: &[u8]) {
        unreachable!("the lexicon maps are keyed by u64 hashes only")
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

static LEXICONS: LazyLock<Lexicons> = LazyLock::new(|| Lexicons::of(lexicon_maps()));

/// The lexicon files read into maps.
fn lexicon_maps() -> LexiconMaps {
    let mut words: HashMap<u64, WordFacts, Prehashed> = HashMap::default();
    let mut pairs: HashMap<u64, Entry, Prehashed> = HashMap::default();
    let mut triples: HashMap<u64, Entry, Prehashed> = HashMap::default();
    for word in lexicon_words(CLOUD_TERMS) {
        words.entry(word_hash(word)).or_default().cloud = true;
    }
    for word in lexicon_words(SPAM_TERMS) {
        words.entry(word_hash(word)).or_default().spam = true;
    }
    for line in lexicon_words(OPS_TERMS) {
        let (word, other) = match line.split_once(' ') {
            Some((word, marker)) => (word, marker.trim() == "other"),
            None => (line, false),
        };
        let facts = words.entry(word_hash(word)).or_default();
        facts.ops |= !other;
        facts.other_cloud |= other;
    }
    let mut other_runs: HashSet<u64, Prehashed> = HashSet::default();
    for line in lexicon_words(OTHER_CLOUDS) {
        let keys: Vec<u64> = line.split_whitespace().map(word_hash).collect();
        match keys[..] {
            [one] => words.entry(one).or_default().other_cloud = true,
            [a, ref rest @ ..] => {
                words.entry(a).or_default().starts_other = true;
                other_runs.insert(rest.iter().fold(a, |run, &k| run_hash(run, k)));
            }
            [] => {}
        }
    }
    for line in lexicon_words(EXAM_TERMS) {
        if let Some((word, kind)) = line.split_once(' ') {
            let kind = if kind.trim() == "sell" {
                ExamWord::Sell
            } else {
                ExamWord::Cert
            };
            words.entry(word_hash(word)).or_default().exam = Some(kind);
        }
    }
    for (key, line) in lexicon_words(AWS_EVIDENCE)
        .chain(lexicon_words(AWS_MINED))
        .enumerate()
    {
        let mut parts: Vec<&'static str> = line.split_whitespace().collect();
        let needs = match parts.last() {
            Some(&"ctx") => Needs::Context,
            Some(&"aws") => Needs::AwsWord,
            _ => Needs::Nothing,
        };
        if needs != Needs::Nothing {
            parts.pop();
        }
        let Some((strength, entry)) = parts.split_last() else {
            continue;
        };
        let strength = strength.parse::<u8>().unwrap_or(1);
        let e = Entry { key, strength, needs };
        match *entry {
            // The first entry of a name wins: the hand-written lexicon comes first.
            [one] => {
                let facts = words.entry(word_hash(one)).or_default();
                facts.evidence = facts.evidence.or(Some(e));
            }
            [a, b] => {
                let a = word_hash(a);
                words.entry(a).or_default().starts_pair = true;
                pairs.entry(run_hash(a, word_hash(b))).or_insert(e);
            }
            [a, b, c] => {
                let a = word_hash(a);
                words.entry(a).or_default().starts_triple = true;
                let run = run_hash(run_hash(a, word_hash(b)), word_hash(c));
                triples.entry(run).or_insert(e);
            }
            _ => {}
        }
    }
    LexiconMaps {
        words,
        pairs,
        triples,
        other_runs,
    }
}

/// The words of a lexicon file: one a line, `#` to the end of a line is a comment.
pub fn lexicon_words(file: &'static str) -> impl Iterator<Item = &'static str> {
    file.lines()
        .map(|line| line.split('#').next().unwrap_or("").trim())
        .filter(|word| !word.is_empty())
}

/// Finds `!!`: built once, and by SIMD (a byte pair compared at each place cost ≈ 5
/// instructions a byte; issue 12's tenth round).
static BANG_RUN: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new("!!"));

/// Cheap character-level signals of spam.
struct TextSignals {
    urls: u8,
    mentions: u8,
    hashtags: u8,
    emoji: u8,
    bang_run: bool,
    dollar: bool,
    shouting: bool,
}

impl TextSignals {
    /// `text` as written (for its case) and `lower`, lowercased and normalised: the runs
    /// of `!` and the `$` are read there, so full-width `！！` and `＄` and a `!` split by an
    /// invisible character count as what they show. `ascii`: whether `text` is ASCII;
    /// `marks`: `lower`'s ([`scan::marks_of`]); `tally`: the tokens' URLs, mentions and
    /// hashtags ([`scan::Tally::of`]), counted by the ASCII tokenizer as it made them.
    fn of(text: &str, ascii: bool, lower: &str, marks: u8, tally: scan::Tally) -> Self {
        debug_assert_eq!(ascii, text.is_ascii());
        debug_assert_eq!(marks & !scan::MARK_GT, scan::marks_of(lower) & !scan::MARK_GT);
        let scan::Tally {
            urls,
            mentions,
            hashtags,
        } = tally;
        let (upper, letters, emoji) = if ascii {
            // Most tweets (issue 12): counted by bytes; ASCII has no emoji.
            let (upper, letters) = scan::ascii_letters(text);
            (upper, letters, 0)
        } else {
            Self::char_counts(text)
        };
        Self {
            urls: urls.min(255) as u8,
            mentions: mentions.min(255) as u8,
            hashtags: hashtags.min(255) as u8,
            emoji: emoji.min(255) as u8,
            // `!` is ASCII, so a run of two is two adjacent `!` bytes.
            bang_run: marks & scan::MARK_BANG != 0 && BANG_RUN.find(lower.as_bytes()).is_some(),
            dollar: marks & scan::MARK_DOLLAR != 0,
            shouting: letters >= 12 && upper * 10 > letters * 4,
        }
    }

    /// Upper-case letters, letters and emoji, character by character.
    fn char_counts(text: &str) -> (usize, usize, usize) {
        // Most of such a tweet is ASCII (an emoji or an accent beside English): its
        // letters counted by bytes, as ASCII text's are (a byte that is not ASCII is
        // neither an ASCII letter nor counted as one), and only the other characters
        // decoded and looked up (the walk by character cost 5,600 instructions a
        // full-length tweet; no ASCII character is an emoji).
        let (mut upper, mut letters) = scan::ascii_letters(text);
        let mut emoji = 0usize;
        let bytes = text.as_bytes();
        let mut from = scan::next_non_ascii(bytes, 0);
        while from < bytes.len() {
            // A run of characters that are not ASCII by `chars`, up to the next ASCII
            // character (counted above), after which the walk skips ahead again.
            let mut chars = text[from..].chars();
            let mut ascii_at = bytes.len();
            for c in chars.by_ref() {
                if c.is_ascii() {
                    ascii_at = bytes.len() - chars.as_str().len() - 1;
                    break;
                }
                Self::count_char(c, &mut upper, &mut letters, &mut emoji);
            }
            from = scan::next_non_ascii(bytes, ascii_at);
        }
        (upper, letters, emoji)
    }

    /// One character that is not ASCII counted: a letter, an upper-case one, an emoji.
    #[inline(always)]
    fn count_char(c: char, upper: &mut usize, letters: &mut usize, emoji: &mut usize) {
        // The common blocks told by a few compares (issue 15), the rest by the tables.
        match scan::Kind::of(c) {
            scan::Kind::Upper => {
                *letters += 1;
                *upper += 1;
            }
            scan::Kind::Lower => *letters += 1,
            scan::Kind::Emoji => *emoji += 1,
            scan::Kind::Plain => {}
            // The variation selectors and zero-width joiners of emoji (`❤️`, `👩‍💻`):
            // invisible, so no kind of their own, and neither letters nor emoji.
            scan::Kind::Unknown if matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{200B}'..='\u{200F}') => {}
            scan::Kind::Unknown => {
                if c.is_alphabetic() {
                    *letters += 1;
                    if c.is_uppercase() {
                        *upper += 1;
                    }
                } else if is_emoji(c) {
                    *emoji += 1;
                }
            }
        }
    }

    /// [`TextSignals::char_counts`] character by character: the definition its walk by
    /// bytes is checked against.
    #[cfg(test)]
    fn char_counts_by_chars(text: &str) -> (usize, usize, usize) {
        let (mut upper, mut letters, mut emoji) = (0usize, 0usize, 0usize);
        for c in text.chars() {
            if c.is_ascii() {
                let b = c as u8;
                letters += usize::from((b | 0x20).wrapping_sub(b'a') < 26);
                upper += usize::from(b.wrapping_sub(b'A') < 26);
                continue;
            }
            match scan::Kind::of(c) {
                scan::Kind::Upper => {
                    letters += 1;
                    upper += 1;
                }
                scan::Kind::Lower => letters += 1,
                scan::Kind::Emoji => emoji += 1,
                scan::Kind::Plain => {}
                scan::Kind::Unknown => {
                    if c.is_alphabetic() {
                        letters += 1;
                        if c.is_uppercase() {
                            upper += 1;
                        }
                    } else if is_emoji(c) {
                        emoji += 1;
                    }
                }
            }
        }
        (upper, letters, emoji)
    }
}

/// Pictographs, symbols and dingbats: the emoji spam leans on.
fn is_emoji(c: char) -> bool {
    matches!(c as u32, 0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF)
}

/// Lowercased text → word tokens. Keeps `#tags`, `@mentions` and `$tickers` whole,
/// maps URLs to `<url>` and numbers to `<num>`. Tokens borrow from the text (the
/// per-token allocations were most of a classification's cost).
pub fn tokenize(lower: &str) -> Vec<&str> {
    if lower.is_ascii() {
        // Most tweets: bytes, not characters (issue 12; the same tokens).
        return scan::tokenize_ascii(lower);
    }
    scan::tokenize_mixed(lower)
}

/// Calls `each` with every sequence of up to `max_len` items of `alphabet`, shortest
/// first: the exhaustive small inputs the fast paths are checked against their
/// definitions on.
#[cfg(test)]
fn every_sequence<T: Copy>(alphabet: &[T], max_len: u32, mut each: impl FnMut(&[T])) {
    let mut items = Vec::with_capacity(max_len as usize);
    for len in 0..=max_len {
        for n in 0..alphabet.len().pow(len) {
            items.clear();
            let mut k = n;
            for _ in 0..len {
                items.push(alphabet[k % alphabet.len()]);
                k /= alphabet.len();
            }
            each(&items);
        }
    }
}

/// Calls `each` with every string of up to `max_len` pieces of `alphabet`.
#[cfg(test)]
fn every_string(alphabet: &[&str], max_len: u32, mut each: impl FnMut(&str)) {
    let mut s = String::new();
    every_sequence(alphabet, max_len, |pieces| {
        s.clear();
        pieces.iter().for_each(|piece| s.push_str(piece));
        each(&s);
    });
}

/// [`tokenize`] of any text, character by character: the definition the two fast
/// tokenizers are checked against.
#[cfg(test)]
fn tokenize_chars(lower: &str) -> Vec<&str> {
    let mut tokens = Vec::with_capacity(64);
    for raw in lower.split(|c: char| c.is_whitespace()) {
        if raw.starts_with("http://") || raw.starts_with("https://") || raw.starts_with("www.") {
            tokens.push("<url>");
            continue;
        }
        // A token is a run of kept characters of one script; `#@$` are kept only at its
        // start.
        let mut start: Option<usize> = None;
        let mut script = Script::Other;
        for (i, c) in raw.char_indices() {
            let keep = c.is_alphanumeric()
                || c == '_'
                || c == '\''
                || (start.is_none() && matches!(c, '#' | '@' | '$'));
            let this = Script::of(c);
            match (keep, start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    flush(&raw[s..i], &mut tokens);
                    start = None;
                }
                // Japanese and Chinese put no spaces between words, and Japanese and
                // Korean glue particles onto Latin names (`AWSの請求`, `S3를`): a change
                // of script ends a token, so `aws` and `s3` are still seen, and a
                // Japanese sentence falls apart into its kanji, kana and katakana runs,
                // which is a rough but cheap word split.
                (true, Some(s)) if this != script => {
                    flush(&raw[s..i], &mut tokens);
                    start = Some(i);
                }
                _ => {}
            }
            script = this;
        }
        if let Some(s) = start {
            flush(&raw[s..], &mut tokens);
        }
    }
    tokens
}

/// The scripts a token may not span (see [`tokenize`]); everything else, Latin with its
/// accents, Cyrillic, digits, is one.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Script {
    Other,
    Hiragana,
    Katakana,
    Han,
    Hangul,
}

impl Script {
    fn of(c: char) -> Self {
        // Most characters (ASCII, accented Latin, emoji) are outside every range below:
        // two compares instead of twelve.
        if !(0x1100..=0xFFFF).contains(&(c as u32)) {
            return Self::Other;
        }
        match c as u32 {
            0x3040..=0x309F => Self::Hiragana,
            // Katakana, its phonetic extensions, the long-vowel mark and half-width forms.
            0x30A0..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F => Self::Katakana,
            0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF => Self::Han,
            0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF => Self::Hangul,
            _ => Self::Other,
        }
    }
}

// Inlined: the tokenizers call it for every token that does not start with a letter,
// and out of line the call cost more than its work (issue 12's tenth round).
#[inline(always)]
fn flush<'a>(current: &'a str, tokens: &mut Vec<&'a str>) {
    // By bytes: `'`, the digits and `$` are ASCII, so trimming bytes keeps the text on
    // character boundaries, and a non-ASCII byte is neither a digit nor `$`, as its
    // character is neither.
    let b = current.as_bytes();
    let (mut start, mut end) = (0, b.len());
    while start < end && b[start] == b'\'' {
        start += 1;
    }
    while end > start && b[end - 1] == b'\'' {
        end -= 1;
    }
    if start == end {
        return;
    }
    let t = &b[start..end];
    let is_number = t.iter().all(|&c| c.is_ascii_digit() || c == b'$');
    tokens.push(if is_number && t.iter().any(u8::is_ascii_digit) {
        "<num>"
    } else {
        &current[start..end]
    });
}

pub use tweetboard_core::tweet::source_name;

/// 64-bit FNV-1a over the concatenated parts: stable across platforms and releases,
/// which a stored model needs (`std`'s hasher is neither). Inlined so that a constant
/// first part (every signal feature's `x:...:` name) is hashed at compile time.
#[inline(always)]
pub fn fnv1a(parts: &[&[u8]]) -> u64 {
    parts
        .iter()
        .fold(scan::FNV_OFFSET, |h, part| scan::fnv_extend(h, part))
}

#[cfg(test)]
mod tests;
