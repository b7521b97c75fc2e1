//! How a tweet carries the name `aws` (issue 15): as the tag, as a word tacked on, or as
//! a word used in a sentence, with the grammar that tells them apart (linking words,
//! words of AWS's after the name, Romance nouns, case endings and elided articles), and
//! how a token is read as the lexicons list it. Moved out of `recipe.rs` by concern;
//! most of its length is the word lists of the hand-written sets' languages.

use super::*;

/// A token as the lexicons list it: without a leading `#` or `@`, and without what an
/// apostrophe adds to a name (see [`apostrophe_stem`]: `API Gateway's timeout` names
/// `api gateway`, `AWS'de` is Turkish for "on AWS"; the tokenizer keeps the ASCII
/// apostrophe inside a word).
#[inline]
pub(super) fn lexicon_form(token: &str) -> &str {
    // By bytes (issue 12): `#` and `@` are ASCII, so the rest starts on a character.
    let sigils = token.bytes().take_while(|b| matches!(b, b'#' | b'@')).count();
    let word = &token[sigils..];
    // Most words have no apostrophe: told here, inlined, without the call.
    if !word.bytes().any(|b| b == b'\'') {
        return word;
    }
    apostrophe_stem(word)
}

/// A word less the suffix after its apostrophe: English's possessive `'s`, and the case
/// endings Turkish (`AWS'de`, `AWS'ye`, `AWS’nin`, `S3'e`) and other languages write
/// after an apostrophe on a name, up to five letters. English contractions keep their
/// form (`won't` is not the spam word `won`), as does anything longer or not letters
/// (`o'reilly`, `rock'n'roll`).
///
/// An article or preposition French and Italian elide onto the name before it is dropped
/// too (fourteenth round, the attacker's review of the thirteenth): `d'AWS`, `l'EC2`,
/// `dell'AWS` name `aws` and `ec2` (see [`elided_onto`]).
#[inline]
pub(super) fn apostrophe_stem(word: &str) -> &str {
    let word = elided_onto(word).unwrap_or(word);
    // By bytes: `'` is ASCII, so both sides of it start on a character.
    let Some(at) = word.bytes().position(|b| b == b'\'') else {
        return word;
    };
    let suffix = &word[at + 1..];
    let contraction = matches!(suffix, "t" | "ll" | "re" | "ve" | "m" | "d");
    if at == 0 || contraction || suffix.is_empty() || suffix.chars().count() > 5 {
        return word;
    }
    if suffix.chars().all(char::is_alphabetic) {
        &word[..at]
    } else {
        word
    }
}

/// The word after an elided French or Italian article or preposition (`l'`, `d'`, `qu'`,
/// `dell'`, `dall'`, `nell'`, `sull'`, `all'`, `coll'`, `pell'`, `un'`): `d'aws` in "la
/// facture d'AWS" is the name, which the tokenizer keeps in one token with its article
/// (the ASCII apostrophe is a word character, and `’` is read as it). `None` for any other
/// word: `o'reilly`, `y'all`, `rock'n'roll`.
#[inline]
pub(super) fn elided_onto(word: &str) -> Option<&str> {
    let at = word.bytes().position(|b| b == b'\'')?;
    let elided = matches!(
        &word[..at],
        "l" | "d" | "qu" | "dell" | "dall" | "nell" | "sull" | "all" | "coll" | "pell" | "un"
    );
    // By bytes: `'` is ASCII, so what follows it starts on a character.
    let rest = &word[at + 1..];
    (elided && !rest.is_empty()).then_some(rest)
}

/// How the tweet carries `aws`: the first of [`aws_carried_and_last`], as the tests ask it.
#[cfg(test)]
pub(super) fn aws_carried(tokens: &[&str]) -> u8 {
    aws_carried_and_last(tokens).0
}

/// How the tweet carries `aws`: bit 0 as the hashtag `#aws` or as a tacked-on word, bit 1
/// as the word `aws` used in a sentence, bit 2 likewise (kept apart from bit 1 so that the
/// values the model learned stay the same: used is 6, or 7 with the tag).
///
/// What is tacked on to ordinary tweets sits at their start or end, `what a match aws`,
/// and weighs as the tag does: both are stuck onto anything (thirteenth round, the
/// attacker's review of the twelfth: a final `aws` showed a Google exam tweet that `#aws`
/// left hidden). The name is used in a sentence when it has a word before it, a real word
/// after it (not a number, one letter, or `aws` again: ` aws 2026`, ` aws x` and
/// ` aws aws` are as tacked on as ` aws`), and grammar that ties it in: a word that links
/// a name before it ([`links_a_name`]: `we left AWS for`, `la factura de AWS`, `auf AWS`),
/// a word of AWS's after it ([`follows_the_name`]: `AWS console`, `AWS is down`), a
/// case ending on it (`AWS'de`, `AWS's`), or Japanese, Chinese or Korean glued to it
/// (`AWSの請求`). Any word after it counted before: ` aws lol` made any tweet use it.
/// At the start, `AWS is opening a region`, the verb after it is enough (`aws what a
/// match` is tacked on).
///
/// And the place of the last token that is the word `aws` (what
/// `tokens.iter().rposition(|t| is_aws_word(t))` finds): the walk below passes every
/// such token, where the recipe walked all the tokens again for it (issue 12, eleventh
/// round), and a tweet without the word has none.
pub(super) fn aws_carried_and_last(tokens: &[&str]) -> (u8, Option<usize>) {
    let tag = tokens
        .iter()
        .any(|t| t.strip_prefix('#').is_some_and(is_aws_word));
    if !tokens.iter().any(|t| is_aws_word(t)) {
        // Most tweets: nothing more to look for.
        return (u8::from(tag), None);
    }
    let is_word = |t: &&str| !t.starts_with(['#', '@']) && *t != "<url>" && *t != "rt";
    // A word that can carry a sentence on after the name: not a number, a single Latin
    // letter or `aws` itself (CJK words of one character are words).
    let is_real_word = |t: &&str| {
        let mut chars = t.chars();
        let one_letter =
            chars.next().is_some_and(|c| Script::of(c) == Script::Other) && chars.next().is_none();
        is_word(t) && *t != "<num>" && !one_letter && !is_aws_word(t)
    };
    // "A word before it" and "a real word after it" from the first word's and the last
    // real word's places, found once: asking each `aws` to rescan the tokens was
    // quadratic, and a hostile record of 100,000 `aws` took minutes.
    let first_word = tokens.iter().position(is_word);
    let last_real_word = tokens.iter().rposition(is_real_word);
    // A case ending ties the name only before more than the short tail that is tacked on
    // with it: three real words after it (` aws's lol` is as tacked on as ` aws lol`).
    // Found once, and only for a tweet with a case ending (most have none).
    let mut third_last_real_word: Option<Option<usize>> = None;
    let mut third_last_real_word = || {
        *third_last_real_word.get_or_insert_with(|| {
            tokens
                .iter()
                .enumerate()
                .rev()
                .filter(|(_, t)| is_real_word(t))
                .nth(2)
                .map(|(w, _)| w)
        })
    };
    let cjk = |t: &str| t.chars().next().is_some_and(|c| Script::of(c) != Script::Other);
    let mut word = false;
    let mut inside = false;
    let mut last = None;
    for (i, t) in tokens.iter().enumerate() {
        if is_aws_word(t) {
            word = true;
            last = Some(i);
            let word_before = first_word.is_some_and(|w| w < i);
            let real_after = last_real_word.is_some_and(|w| w > i);
            // The neighbours are words, not tags, mentions or `aws` again (` aws aws lol`,
            // ` aws #aws`: `aws` is a cloud term itself).
            let neighbour = |t: &&str| is_word(t) && !is_aws_word(t);
            let before = i.checked_sub(1).map(|b| tokens[b]).filter(neighbour);
            let after = tokens.get(i + 1).copied().filter(neighbour);
            // `d'AWS`, `dell'AWS`: the elided article is the linking word before the name,
            // but only before more than the short tail (` d'aws lol` is tacked on, as
            // ` aws lol` is: an attacker's review of the fourteenth round).
            let elided = *t != "aws" && elided_onto(t).is_some();
            let ending = *t != "aws" && !elided;
            let tied = (elided && third_last_real_word().is_some_and(|w| w > i))
                || (ending
                    && after.is_some_and(|a| is_real_word(&a))
                    && third_last_real_word().is_some_and(|w| w > i))
                || before.is_some_and(|b| links_a_name(b) || cjk(b))
                || romance_noun_ties(tokens, i, first_word)
                || after.is_some_and(|a| follows_the_name(a) || cjk(a));
            inside |= word_before && real_after && tied;
            // `AWS is opening a region`, `AWS console logged me out`, `AWS 账单`: the name
            // as the subject at the start, told from `aws what a match` by the verb or the
            // word of AWS's after it.
            inside |= !word_before && after.is_some_and(|next| follows_the_name(next) || cjk(next));
        }
    }
    let carried = if inside {
        u8::from(tag) | 6
    } else {
        u8::from(tag || word)
    };
    (carried, last)
}

/// Whether the name at `at` follows a noun French, Spanish, Portuguese or Italian puts
/// before a name it qualifies (the outage, the bill, the account: `Panne AWS ce matin`,
/// `minha conta AWS`, `une panne d'AWS`), and that noun opens the tweet or follows an
/// article or a possessive. Appended after a tweet (` queda AWS lol`, ` compte d'AWS
/// lol`) the noun ties nothing: the fourteenth round tied the name after any of these
/// nouns, and an attacker then showed 39 of 49 ordinary tweets that way (the nouns pair
/// with `aws` as evidence already, and `queda`, `cuenta`, `conta` are everyday verbs);
/// the fifteenth round untied them all and hid real outage and bill tweets again.
pub(super) fn romance_noun_ties(tokens: &[&str], at: usize, first_word: Option<usize>) -> bool {
    let Some(noun) = at.checked_sub(1) else {
        return false;
    };
    let qualifies = matches!(
        tokens[noun],
        "panne"
            | "facture"
            | "compte"
            | "caída"
            | "factura"
            | "cuenta"
            | "queda"
            | "falha"
            | "fatura"
            | "conta"
            | "guasto"
            | "fattura"
            | "conto"
    );
    let opens = first_word == Some(noun);
    let after_article = noun.checked_sub(1).is_some_and(|d| {
        matches!(
            tokens[d],
            "la" | "le"
                | "el"
                | "il"
                | "lo"
                | "a"
                | "o"
                | "un"
                | "une"
                | "una"
                | "uno"
                | "um"
                | "uma"
                | "ma"
                | "mon"
                | "ta"
                | "ton"
                | "sa"
                | "son"
                | "notre"
                | "votre"
                | "leur"
                | "mi"
                | "tu"
                | "su"
                | "nuestra"
                | "nuestro"
                | "minha"
                | "meu"
                | "nossa"
                | "nosso"
                | "sua"
                | "seu"
                | "mia"
                | "mio"
                | "nostra"
                | "nostro"
                | "della"
                | "del"
                | "cette"
                | "esta"
                | "este"
                | "questa"
                | "questo"
        )
    });
    qualifies && (opens || after_article)
}

/// Words that tie a name after them into a sentence (see [`aws_carried_and_last`]): prepositions,
/// articles and possessives, and the verbs of moving to, running on and learning a
/// platform, in English and in the languages of the hand-written sets (Spanish,
/// Portuguese, French, German, Italian, Dutch, Polish, Indonesian; Turkish writes an
/// ending on the name instead). Matched as written, so `the` and `to` before a
/// tacked-on `aws` still tie it: a tweet seldom ends in one. Nouns tie only where
/// [`romance_noun_ties`] says.
pub(super) fn links_a_name(word: &str) -> bool {
    matches!(
        word,
        "on" | "to"
            | "from"
            | "in"
            | "into"
            | "onto"
            | "with"
            | "within"
            | "without"
            | "the"
            | "our"
            | "my"
            | "your"
            | "their"
            | "his"
            | "her"
            | "its"
            | "of"
            | "at"
            | "for"
            | "via"
            | "by"
            | "off"
            | "over"
            | "about"
            | "vs"
            | "versus"
            | "than"
            | "an"
            | "a"
            | "use"
            | "uses"
            | "used"
            | "using"
            | "left"
            | "leave"
            | "leaving"
            | "moved"
            | "move"
            | "moving"
            | "migrate"
            | "migrated"
            | "migrating"
            | "migration"
            | "run"
            | "runs"
            | "running"
            | "ran"
            | "host"
            | "hosted"
            | "hosting"
            | "deploy"
            | "deployed"
            | "deploying"
            | "built"
            | "build"
            | "building"
            | "switched"
            | "ditched"
            | "learn"
            | "learning"
            | "learned"
            | "learnt"
            | "study"
            | "studying"
            | "studied"
            | "love"
            | "hate"
            | "blame"
            | "trust"
            | "thanks"
            | "thank"
            | "is"
            | "was"
            | "does"
            | "did"
            | "has"
            | "are"
            | "can"
            | "de"
            | "del"
            | "do"
            | "da"
            | "dos"
            | "das"
            | "na"
            | "no"
            | "nos"
            | "nas"
            | "em"
            | "en"
            | "el"
            | "la"
            | "los"
            | "las"
            | "le"
            | "les"
            | "du"
            | "des"
            | "sur"
            | "dans"
            | "avec"
            | "chez"
            | "con"
            | "al"
            | "à"
            | "auf"
            | "bei"
            | "mit"
            | "zu"
            | "zur"
            | "zum"
            | "nach"
            | "von"
            | "vom"
            | "im"
            | "ins"
            | "der"
            | "die"
            | "den"
            | "dem"
            | "ke"
            | "di"
            | "dari"
            | "pada"
            | "dengan"
            | "op"
            | "naar"
            | "van"
            | "met"
            | "w"
            | "z"
            | "ze"
            | "su"
            | "sul"
            | "nel"
            | "per"
            | "pe"
            | "ist"
            | "hat"
            | "war"
            | "sind"
            | "wird"
            | "est"
            | "está"
            | "es"
            | "fue"
            | "è"
            | "é"
            | "ha"
            | "heeft"
    )
}

/// Words of AWS's that follow its name in a sentence (see [`aws_carried_and_last`]): its account,
/// console, bill, regions, support, certifications, and the verbs a subject takes, in
/// English and the hand-written sets' languages; and any word of the lexicons' (an
/// evidence entry, a cloud term, an everyday word of running a cloud in any of their
/// languages: `AWS Lambda`, `AWS faturası`), one lookup for the word after an `aws`.
pub(super) fn follows_the_name(word: &str) -> bool {
    let lexicon = || {
        LEXICONS
            .word(word_hash(lexicon_form(word)))
            .is_some_and(|f| f.cloud() || f.ops() || f.has(PackedFacts::EVIDENCE))
    };
    SUBJECT_VERBS.contains(&word)
        || lexicon()
        || matches!(
            word,
            "account"
                | "accounts"
                | "console"
                | "bill"
                | "bills"
                | "billing"
                | "invoice"
                | "credits"
                | "credit"
                | "region"
                | "regions"
                | "service"
                | "services"
                | "support"
                | "outage"
                | "outages"
                | "was"
                | "wasn't"
                | "went"
                | "are"
                | "were"
                | "cost"
                | "costs"
                | "pricing"
                | "price"
                | "prices"
                | "free"
                | "certified"
                | "certification"
                | "certifications"
                | "certificate"
                | "cert"
                | "certs"
                | "exam"
                | "exams"
                | "docs"
                | "documentation"
                | "cli"
                | "sdk"
                | "cdk"
                | "team"
                | "summit"
                | "partner"
                | "partners"
                | "community"
                | "hero"
                | "heroes"
                | "architect"
                | "architecture"
                | "engineer"
                | "engineers"
                | "developer"
                | "job"
                | "jobs"
                | "infra"
                | "infrastructure"
                | "resources"
                | "instance"
                | "instances"
                | "security"
                | "iam"
                | "keys"
                | "bucket"
                | "buckets"
                | "api"
                | "status"
                | "health"
                | "dashboard"
                | "sso"
                | "organization"
                | "organizations"
                | "marketplace"
                | "skills"
                | "training"
                | "course"
                | "workshop"
                | "keynote"
                | "stack"
                | "setup"
                | "environment"
                | "deployment"
                | "migration"
                | "ist"
                | "hat"
                | "war"
                | "es"
                | "está"
                | "tiene"
                | "fue"
                | "est"
                | "tem"
                | "ha"
                | "cuenta"
                | "consola"
                | "factura"
                | "facturación"
                | "región"
                | "servicios"
                | "compte"
                | "facture"
                | "région"
                | "konto"
                | "rechnung"
                | "konsole"
                | "dienste"
                | "conta"
                | "fatura"
                | "região"
                | "serviços"
                | "akun"
                | "tagihan"
                | "hesabı"
                | "faturası"
                | "rachunek"
                | "faktura"
                | "rekening"
                | "factuur"
                | "è"
                | "é"
                | "heeft"
                | "solutions"
        )
}

/// The plain word `aws`, with what an apostrophe adds to it (`AWS's new region`,
/// Turkish `AWS'de`, French `d'AWS`; see [`apostrophe_stem`]).
#[inline]
pub(super) fn is_aws_word(t: &str) -> bool {
    // Asked of every token: an apostrophe that can make one is the fourth byte (`aws'`) or
    // ends an elided article of one to four letters, so only the first five bytes are
    // looked at before the stem is (scanning every long word cost 3% of the recipe). By
    // length first, and the four bytes by compares: `[1..5].contains` went through the
    // slice search's set-up for each token (issue 12's eleventh round).
    let b = t.as_bytes();
    match b.len() {
        3 => b == b"aws",
        0..=4 => false,
        _ => {
            let apostrophe_early = b[1] == b'\'' || b[2] == b'\'' || b[3] == b'\'' || b[4] == b'\'';
            apostrophe_early && apostrophe_stem(t) == "aws"
        }
    }
}

/// Verbs that make a leading `aws` the subject of a sentence (see [`aws_carried_and_last`]).
pub(super) const SUBJECT_VERBS: [&str; 24] = [
    "is",
    "isn't",
    "has",
    "hasn't",
    "had",
    "does",
    "doesn't",
    "did",
    "will",
    "won't",
    "should",
    "can",
    "can't",
    "just",
    "really",
    "finally",
    "announced",
    "launched",
    "charges",
    "charged",
    "makes",
    "keeps",
    "needs",
    "went",
];
