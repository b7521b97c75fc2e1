//! The recipe's unit tests: each rule on tweets written for it, and each fast internal
//! against the definition it replaced (moved out of `recipe.rs` to keep it readable).
//! Over 450 lines because the recipe has that many rules, each with its own tweets, and
//! the tests reach `recipe.rs`'s private items (`Lexicons`, `KeyTable`, the tokenizers'
//! definitions) that a split into several modules would have to widen.

use super::*;

#[test]
fn tokenizer_keeps_tags_and_normalises_urls_and_numbers() {
    let t = tokenize("rt @aws: new #lambda feature, 50% off!!! https://t.co/x $doge 2026");
    assert_eq!(
        t,
        ["rt", "@aws", "new", "#lambda", "feature", "<num>", "off", "<url>", "$doge", "<num>"]
    );
}

#[test]
fn source_name_reads_the_anchor_text() {
    assert_eq!(
        source_name(r#"<a href="http://x" rel="nofollow">Twitter for iPhone</a>"#),
        "Twitter for iPhone"
    );
    assert_eq!(source_name("web"), "web");
}

#[test]
fn features_are_deterministic_sorted_and_in_range() {
    let recipe = Recipe {
        hash_bits: 12,
        quantile_bins: BTreeMap::new(),
    };
    let r = Record {
        text: "GIVEAWAY!! win $500 🎉🎉 #aws #free".into(),
        user: "win12345".into(),
        ..Default::default()
    };
    let f = recipe.features(&r);
    assert_eq!(f, recipe.features(&r));
    assert!(f.windows(2).all(|w| w[0] < w[1]));
    assert!(f.iter().all(|&i| (i as usize) < recipe.buckets()));
    // The hash is fixed forever: a stored model depends on it.
    assert_eq!(fnv1a(&[b"w:", b"aws"]), fnv1a(&[b"w:aws"]));
    assert_eq!(fnv1a(&[b"a"]), 0xaf63_dc4c_8601_ec8c);
}

#[test]
fn aws_evidence_needs_names_not_the_tag() {
    let evidence = |text: &str| {
        let lower = text.to_lowercase();
        let tokens = tokenize(&lower);
        (aws_evidence(&tokens), aws_carried(&tokens))
    };
    // The tag or the word alone is no evidence; how the tweet carries it is kept apart.
    assert_eq!(evidence("what a match tonight #aws"), (0, 1));
    assert_eq!(evidence("aws what a day"), (0, 1));
    assert_eq!(evidence("new phone, no tags"), (0, 0));
    // Strong names count 2, ordinary-word names 1, two-token names match as pairs.
    assert_eq!(evidence("DynamoDB into Lambda #aws"), (3, 1));
    assert_eq!(evidence("Step Functions retries"), (2, 0));
    assert_eq!(evidence("the AWS CLI and #aws"), (2, 7));
    // An entry counts once, and the sum stops at 4.
    assert_eq!(evidence("dynamodb dynamodb dynamodb"), (2, 0));
    // Names that are ordinary words too (wordfreq, `mark_ordinary_names.py`) need
    // context: alone `kinesis` is a tape or a yoga class.
    assert_eq!(evidence("kinesis tape for a sore calf"), (0, 0));
    assert_eq!(evidence("aws kinesis shards"), (2, 6));
    assert_eq!(evidence("s3 ec2 eks dynamodb kinesis"), (4, 0));
}

#[test]
fn evidence_only_in_tags_is_told_from_evidence_in_the_words() {
    let counts = |text: &str| {
        let lower = text.to_lowercase();
        let c = lexicon_counts(&lower, &tokenize(&lower), LambdaSense::NotNamed);
        (c.evidence, c.body_evidence)
    };
    // A name stuffed beside the tag is evidence, but none of it is in the words.
    assert_eq!(counts("great game last night #aws #dynamodb"), (2, 0));
    assert_eq!(counts("sunday roast #aws #kinesis"), (2, 0));
    // The same name in the words counts in both, once however often it occurs.
    assert_eq!(counts("dynamodb throttling again #dynamodb"), (2, 2));
    assert_eq!(counts("@awssupport my eks cluster"), (4, 2));
}

#[test]
fn route_and_a_number_is_evidence_only_as_route_53() {
    let evidence = |text: &str| {
        let lower = text.to_lowercase();
        lexicon_counts(&lower, &tokenize(&lower), LambdaSense::NotNamed).evidence
    };
    assert_eq!(evidence("Route 53 health checks flipped the failover"), 2);
    assert_eq!(evidence("moved our zones to route-53"), 2);
    assert_eq!(evidence("road trip on Route 66 next week"), 0);
    assert_eq!(evidence("the Route 1 bus was late, then route 530"), 0);
    assert!(!mentions_route_53("route 530") && mentions_route_53("route_53."));
    // A hostile text of 40,000 `route <num>` pairs with Route 53 at its very end: the
    // text is searched once, not once per pair (that was quadratic: minutes for a
    // 1 MB record), and the answer is the same as for one pair.
    let hostile = format!("{}route 53", "route 1 ".repeat(40_000));
    assert_eq!(evidence(&hostile), 2);
    assert_eq!(evidence(&"route 1 ".repeat(40_000)), 0);
}

#[test]
fn names_that_are_ordinary_words_count_only_in_aws_context() {
    let evidence = |text: &str| {
        let lower = text.to_lowercase();
        aws_evidence(&tokenize(&lower))
    };
    // Alone they are physics, Python, a TV season and a postcode, even with the tag.
    assert_eq!(evidence("how lambda relates to frequency"), 0);
    assert_eq!(evidence("python lambda x: x * 2"), 0);
    assert_eq!(evidence("Stranger Things S3 was the best #aws"), 0);
    assert_eq!(evidence("lost my keys near London EC2"), 0);
    // After aws/amazon, beside other evidence, or two together, they count.
    assert_eq!(evidence("AWS Lambda cold starts"), 1);
    assert_eq!(evidence("Amazon S3 lifecycle rules"), 2);
    assert_eq!(evidence("lambda reading from dynamodb"), 3);
    assert_eq!(evidence("copying from s3 to ec2"), 4);
}

#[test]
fn words_like_bill_count_only_beside_the_word_aws() {
    let evidence = |text: &str| {
        let lower = text.to_lowercase();
        aws_evidence(&tokenize(&lower))
    };
    assert_eq!(evidence("our AWS bill doubled"), 2);
    assert_eq!(evidence("llegó la factura de AWS"), 2);
    assert_eq!(evidence("AWSの請求額が3倍"), 2);
    // Not without the word, and not after the tag, which is tacked onto anything.
    assert_eq!(evidence("my phone bill doubled"), 0);
    assert_eq!(evidence("new console day #aws #cloud"), 0);
    // Regions as AWS writes them, and tags with a year.
    assert_eq!(evidence("us-east-1 is having a day"), 2);
    assert_eq!(evidence("US East coast storm"), 0);
    assert!(evidence("see you at AWS #reInvent2026") >= 2);
    // `reinvent` is an ordinary word, but not with a year fused on (eleventh round: the
    // event's tag alone was missed).
    assert_eq!(evidence("see you at #reInvent2026"), 2);
    assert_eq!(evidence("see you at #reinvent"), 0);
}

#[test]
fn aws_named_by_context_counts_and_its_ordinary_words_need_context() {
    let evidence = |text: &str| {
        let lower = text.to_lowercase();
        aws_evidence(&tokenize(&lower))
    };
    // An exam code alone names AWS: `SAP-C02` tokenises as `sap c02` (the pair, 2,
    // and then its `c02`, 1, counts beside it).
    assert_eq!(evidence("failed SAP-C02 by 20 points"), 3);
    assert_eq!(evidence("#sapc02 done"), 2);
    // Terms of running on AWS that name nothing else (with their `az` and `provider`).
    assert_eq!(evidence("cross-AZ traffic is the line nobody reads"), 3);
    assert_eq!(evidence("bumped the aws provider to v6"), 3);
    // Ordinary words stay no evidence alone, even with the tag ...
    assert_eq!(evidence("found a great parking spot #aws"), 0);
    assert_eq!(evidence("my internet provider is down again"), 0);
    assert_eq!(evidence("the free tier of the notes app is enough"), 0);
    // ... and count in AWS context or beside each other.
    assert_eq!(evidence("spot interruption notices on our EKS nodes"), 4);
    assert_eq!(evidence("Werner's keynote"), 3);
}

#[test]
fn aws_carried_reads_as_the_rescanning_definition_does() {
    // The definition: for each `aws`, rescan the tokens before and after it.
    fn rescanning(tokens: &[&str]) -> u8 {
        let tag = tokens.contains(&"#aws");
        let is_word = |t: &&str| !t.starts_with(['#', '@']) && *t != "<url>" && *t != "rt";
        let is_real = |t: &&str| is_word(t) && !matches!(*t, "<num>" | "x" | "aws");
        let (mut word, mut inside) = (false, false);
        for (i, t) in tokens.iter().enumerate() {
            if *t == "aws" {
                word = true;
                let before = tokens[..i].iter().any(is_word);
                let neighbour = |t: &&&str| is_word(t) && **t != "aws";
                let tied = tokens[..i]
                    .last()
                    .filter(neighbour)
                    .is_some_and(|b| links_a_name(b))
                    || tokens
                        .get(i + 1)
                        .filter(neighbour)
                        .is_some_and(|a| follows_the_name(a));
                inside |= before && tokens[i + 1..].iter().any(is_real) && tied;
                inside |= !before
                    && tokens
                        .get(i + 1)
                        .filter(neighbour)
                        .is_some_and(|next| follows_the_name(next));
            }
        }
        if inside {
            u8::from(tag) | 6
        } else {
            u8::from(tag || word)
        }
    }
    // Every sequence of up to five tokens over an alphabet of each kind that matters: a
    // linking word, a word of AWS's, a subject's verb, a number, one letter, another word.
    let alphabet = [
        "aws", "#aws", "x", "@m", "<url>", "rt", "is", "on", "console", "<num>", "lol",
    ];
    every_sequence(&alphabet, 5, |tokens| {
        assert_eq!(aws_carried(tokens), rescanning(tokens), "{tokens:?}");
    });
}

#[test]
fn a_tacked_on_aws_tail_is_not_a_sentence() {
    // GIVEN ordinary tweets with `aws` and a tail tacked on, as the attacker of the
    // twelfth round wrote them
    let carried = |text: &str| aws_carried(&tokenize(&lowercase_visible(text)));
    let exam = "Just passed the Google Professional Cloud Architect exam!";
    // THEN the word and any tail weigh as the tag does, not as the name used
    for tail in [
        " aws",
        " aws x",
        " aws 2026",
        " aws lol",
        " aws aws",
        " aws é",
        " aws 😀",
        " #aws",
    ] {
        assert_eq!(carried(&format!("{exam}{tail}")), 1, "{tail}");
    }
    // AND so does `aws` dropped between two words that do not tie it in, ASCII or not
    assert_eq!(carried("who else is up aws at 3am for no reason"), 1);
    assert_eq!(carried("Linode region in Frankfurt aws blipped this morning"), 1);
    assert_eq!(carried("qué partido anoche aws gol increíble"), 1);
    assert_eq!(
        carried("what a match\u{a0}aws\u{a0}lol"),
        carried("what a match aws lol")
    );
    assert_eq!(carried("what a match\u{a0}aws\u{a0}lol"), 1);
}

#[test]
fn a_tacked_on_aws_weighs_as_the_tag_in_every_feature() {
    // GIVEN the recipe and an ordinary tweet with `aws` tacked on in several ways
    let recipe = Recipe {
        hash_bits: 18,
        quantile_bins: BTreeMap::new(),
    };
    let features = |text: &str| {
        recipe.features(&Record {
            text: text.into(),
            ..Default::default()
        })
    };
    let exam = "Just passed the Google Professional Cloud Architect exam!";
    // THEN a tacked-on word has the tag's features, n-grams and lexicons included
    assert_eq!(
        features(&format!("{exam} aws")),
        features(&format!("{exam} #aws"))
    );
    // AND a tail of one or two words after it is part of what was tacked on
    for tail in [" aws lol", " aws x", " aws 2026", " aws aws lol"] {
        assert_eq!(
            features(&format!("{exam}{tail}")),
            features(&format!("{exam} #aws")),
            "{tail}"
        );
    }
    assert_ne!(
        features(&format!("{exam} aws what a day it was")),
        features(&format!("{exam} #aws"))
    );
    assert_eq!(
        features("AWS what a finish to the match last night"),
        features("#aws what a finish to the match last night")
    );
    // AND beside the tag it adds nothing, as the tag says it already
    assert_eq!(
        features(&format!("{exam} #aws aws")),
        features(&format!("{exam} #aws"))
    );
    assert_eq!(
        features(&format!("{exam} #aws aws x")),
        features(&format!("{exam} #aws"))
    );
    // AND the name used in a sentence keeps its own features
    assert_ne!(
        features("we moved everything to aws last year"),
        features("we moved everything to #aws last year")
    );
}

#[test]
fn aws_in_a_real_sentence_is_used() {
    let carried = |text: &str| aws_carried(&tokenize(&lowercase_visible(text)));
    // A linking word before it, a word of AWS's after it, an ending on it, or
    // Japanese glued to it: the name is used (6), ASCII or not
    for text in [
        "we moved everything to AWS last year",
        "finally passed the AWS exam today",
        "our team left AWS for bare metal",
        "spent the night in the AWS console again",
        "I think AWS support is the best part",
        "la factura de AWS subió otra vez este mes",
        "wir sind auf AWS umgezogen",
        "nous migrons sur AWS cette année",
        "projemiz AWS'ye taşındı sonunda iki ay sürdü",
        "今日はAWSの請求を見た",
        "what a day, AWS\u{a0}console\u{a0}down again",
    ] {
        assert_eq!(carried(text), 6, "{text}");
    }
    // AND at the start a verb or a word of AWS's is enough
    assert_eq!(carried("AWS is opening a region in Chile"), 6);
    assert_eq!(carried("AWS console logged me out again"), 6);
    assert_eq!(carried("AWS 账单这个月太贵了"), 6);
}

#[test]
fn invisible_characters_do_not_split_a_word() {
    let lower = lowercase_visible("E\u{200B}arn $500 daily, D\u{00AD}M me #a\u{200D}ws");
    assert_eq!(lower, "earn $500 daily, dm me #aws");
    assert_eq!(tokenize(&lower), tokenize("earn $500 daily, dm me #aws"));
    // Text without them is only lowercased.
    assert_eq!(lowercase_visible("Lambda の請求"), "lambda の請求");
}

#[test]
fn full_width_letters_and_a_curly_apostrophe_read_as_ascii() {
    assert_eq!(lowercase_visible("Ｌａｍｂｄａ ＡＷＳ"), "lambda aws");
    assert_eq!(
        lowercase_visible("API Gateway\u{2019}s timeout"),
        "api gateway's timeout"
    );
}

#[test]
fn every_default_ignorable_code_point_is_dropped() {
    // GIVEN spam words split by bidi marks, word joiners, a grapheme joiner, a
    // Mongolian vowel separator, variation selectors, tag characters and Hangul fillers
    let text = "f\u{200E}r\u{200F}e\u{202A}e e\u{2062}a\u{2066}r\u{2069}n \
                g\u{034F}i\u{180E}v\u{FE0F}e\u{E0061}a\u{E007F}w\u{3164}a\u{115F}y\u{1160}\u{FFA0}";
    // THEN the words are read as they are seen
    assert_eq!(lowercase_visible(text), "free earn giveaway");
    // AND visible text of other scripts is kept
    assert_eq!(lowercase_visible("한국어 ﾊﾝｶｸ"), "한국어 ﾊﾝｶｸ");
}

#[test]
fn full_width_signs_start_tags_and_mentions_but_brackets_stay() {
    // GIVEN a full-width tag, mention and ticker
    let lower = lowercase_visible("ＡＷＳ ＃ａｗｓ ＠ｂｏｂ ＄ＤＯＧＥ！");
    // THEN they are tokenised as a tag, a mention and a ticker, not as plain words
    assert_eq!(tokenize(&lower), ["aws", "#aws", "@bob", "$doge"]);
    // AND Japanese prose's brackets and comma stay full-width: as ASCII they would
    // read as code syntax beside `lambda`
    let lower = lowercase_visible("ＡＷＳ（Ｌａｍｂｄａ，Ｓ３）を使う");
    assert_eq!(lower, "aws（lambda，s3）を使う");
    assert_ne!(
        lambda_sense(&lower, scan::marks_of(&lower), &tokenize(&lower)),
        LambdaSense::CodeSyntax
    );
}

#[test]
fn route_53_is_found_across_any_space_and_not_en_route() {
    assert!(mentions_route_53("route\t53 failover"));
    assert!(mentions_route_53("route\n53 weighted records"));
    assert!(mentions_route_53("route\u{a0}53 private zones"));
    assert!(!mentions_route_53("en route 53 minutes late"));
    assert!(!mentions_route_53("we were en  route\t53 minutes"));
    assert!(!mentions_route_53("reroute 53 packets"));
}

#[test]
fn a_possessive_aws_is_the_word_aws() {
    // GIVEN `AWS's` in a sentence
    let lower = "aws's new region opened today";
    let tokens = tokenize(lower);
    // THEN it carries `aws` as a word inside a sentence, as `aws` does
    assert_eq!(
        aws_carried(&tokens),
        aws_carried(&tokenize("aws new region opened today"))
    );
    assert_ne!(aws_carried(&tokens), 0);
    // AND it gives a contextual name after it its AWS context
    let ctx = |text: &str| lexicon_counts(text, &tokenize(text), LambdaSense::NotNamed).evidence;
    assert_eq!(ctx("aws's lambda timed out"), ctx("aws lambda timed out"));
    assert!(ctx("aws's lambda timed out") > 0);
}

#[test]
fn a_suffix_after_an_apostrophe_leaves_the_name() {
    // GIVEN Turkish case endings after AWS and a service name, straight or curly
    let carried = |text: &str| aws_carried(&tokenize(&lowercase_visible(text)));
    let evidence = |text: &str| {
        let lower = lowercase_visible(text);
        lexicon_counts(&lower, &tokenize(&lower), LambdaSense::NotNamed).evidence
    };
    // THEN `AWS'de`, `AWS'ye` and `AWS’nin` carry `aws` as `aws` does, and inside a
    // sentence the ending ties the name in as a preposition would (`on AWS`)
    for (suffixed, plain) in [
        (
            "yeni hesap AWS'de açtım bugün sabah erkenden",
            "yeni hesap on AWS açtım bugün sabah erkenden",
        ),
        (
            "projemiz AWS'ye taşındı sonunda iki ay sürdü",
            "projemiz to AWS taşındı sonunda iki ay sürdü",
        ),
        ("AWS’nin yeni bölgesi ne zaman", "AWS yeni bölgesi ne zaman"),
        ("bugün #AWS'de bir demo", "bugün #AWS bir demo"),
    ] {
        assert_eq!(carried(suffixed), carried(plain), "{suffixed}");
        assert_ne!(carried(suffixed), 0, "{suffixed}");
    }
    // AND a contextual name with an ending is the name in AWS context
    assert_eq!(
        evidence("AWS Lambda'da soğuk başlangıç"),
        evidence("AWS Lambda soğuk başlangıç")
    );
    assert!(evidence("AWS Lambda'da soğuk başlangıç") > 0);
    // AND English contractions and longer tails are left alone (`won't` is not `won`)
    assert_eq!(apostrophe_stem("won't"), "won't");
    assert_eq!(apostrophe_stem("we'll"), "we'll");
    assert_eq!(apostrophe_stem("o'reilly"), "o'reilly");
    assert_eq!(apostrophe_stem("rock'n'roll"), "rock'n'roll");
    assert_eq!(apostrophe_stem("gateway's"), "gateway");
    assert_eq!(apostrophe_stem("'quoted"), "'quoted");
    assert!(!is_aws_word("aws'"));
    assert!(!is_aws_word("awsome"));
}

#[test]
fn ecs_rds_ebs_eks_count_only_in_aws_context() {
    let evidence = |text: &str| lexicon_counts(text, &tokenize(text), LambdaSense::NotNamed).evidence;
    assert_eq!(evidence("our game engine moved to an ecs"), 0);
    assert_eq!(evidence("the rds on my car radio is wrong"), 0);
    assert!(evidence("aws ecs tasks keep restarting") > 0);
    assert!(evidence("rds and ebs snapshots") > 0);
}

#[test]
fn possessives_pasted_error_names_and_aws_handles_are_evidence() {
    let evidence = |text: &str| {
        let lower = text.to_lowercase();
        aws_evidence(&tokenize(&lower))
    };
    assert_eq!(evidence("API Gateway's 29 second timeout again"), 2);
    assert_eq!(evidence("ProvisionedThroughputExceededException before lunch"), 2);
    assert_eq!(evidence("@AWSSupport any news on my case?"), 2);
    // Not the words apart, and not another gateway.
    assert_eq!(evidence("the api is down, the gateway's lights blink"), 0);
}

#[test]
fn the_mined_vocabulary_counts_with_the_markers_it_was_given() {
    let evidence = |text: &str| {
        let lower = text.to_lowercase();
        aws_evidence(&tokenize(&lower))
    };
    // Distinctive names from the SDK's models count alone; names of common or generic
    // software words only with AWS around them (eleventh round).
    assert_eq!(evidence("moved it all with Application Migration Service"), 0);
    assert!(evidence("moved it all with AWS Application Migration Service") > 0);
    assert_eq!(evidence("N. Virginia is down again"), 0);
    assert_eq!(evidence("us-east-1 in N. Virginia is down again"), 4);
    assert_eq!(evidence("my rails app keeps saying endpoint not found"), 0);
    assert_eq!(evidence("a rainy week in the Lisbon region"), 0);
    // (eighth round: `az4` is the `az` of availability zones too)
    assert_eq!(evidence("use1-az4 is having a day"), 3);
    assert_eq!(evidence("upsized to c7g.2xlarge"), 4);
    // Ordinary words among them need AWS around them.
    assert_eq!(evidence("a long weekend in Tokyo"), 0);
    assert_eq!(evidence("aws tokyo is slow today"), 1);
    assert_eq!(evidence("AWS Backup saved us"), 2);
    assert_eq!(evidence("forgot to backup my phone"), 0);
}

#[test]
fn lambda_in_code_is_told_from_the_service() {
    let sense = |text: &str| {
        let lower = text.to_lowercase();
        lambda_sense(&lower, scan::marks_of(&lower), &tokenize(&lower))
    };
    assert_eq!(sense("sorted(xs, key=lambda p: p[1])"), LambdaSense::CodeSyntax);
    assert_eq!(
        sense("nested lambdas in Java streams: x -> y -> x + y"),
        LambdaSense::CodeSyntax
    );
    assert_eq!(
        sense("a python lambda x: x * 2 is all I need"),
        LambdaSense::CodeSyntax
    );
    assert_eq!(sense("C# lambdas are closures"), LambdaSense::CodeWords);
    assert_eq!(sense("AWS Lambda: cold starts again"), LambdaSense::Plain);
    assert_eq!(sense("AWS Lambda timeout: 15 minutes max"), LambdaSense::Plain);
    assert_eq!(sense("lambda timeout: 15 minutes is the max"), LambdaSense::Plain);
    assert_eq!(sense("map(lambda row: row[1], rows)"), LambdaSense::CodeSyntax);
    assert_eq!(sense("f = lambda a, b: a + b"), LambdaSense::CodeSyntax);
    assert_eq!(sense("no such word here"), LambdaSense::NotNamed);
    // In code syntax `lambda` is no evidence, even after the tag.
    let lower = "#aws key=lambda x: x.size".to_string();
    assert_eq!(
        lexicon_counts(&lower, &tokenize(&lower), LambdaSense::CodeSyntax).evidence,
        0
    );
    let lower = "kotlin lambdas vs aws lambda in kotlin".to_string();
    assert_eq!(
        lexicon_counts(&lower, &tokenize(&lower), LambdaSense::CodeWords).evidence,
        1
    );
}

#[test]
fn aws_inside_a_sentence_is_told_from_aws_tacked_on() {
    let carried = |text: &str| {
        let lower = text.to_lowercase();
        aws_carried(&tokenize(&lower))
    };
    assert_eq!(carried("we left AWS for bare metal"), 6);
    // Tacked on, the word weighs as the tag does (thirteenth round)
    assert_eq!(carried("what a match tonight aws"), 1);
    assert_eq!(carried("aws what a match tonight #aws #fun"), 1);
}

#[test]
fn a_leading_aws_is_the_subject_only_before_a_verb() {
    let carried = |text: &str| {
        let lower = text.to_lowercase();
        aws_carried(&tokenize(&lower))
    };
    assert_eq!(carried("AWS is opening a region in Chile"), 6);
    assert_eq!(carried("aws just doubled our bill"), 6);
    assert_eq!(carried("aws sweet, breakfast in bed"), 1);
}

#[test]
fn everyday_cloud_words_and_other_clouds_are_counted() {
    let counts = |text: &str| {
        let lower = text.to_lowercase();
        let c = lexicon_counts(&lower, &tokenize(&lower), LambdaSense::NotNamed);
        (c.ops, c.other_cloud)
    };
    assert_eq!(counts("the console put my instances in the wrong region"), (3, 0));
    assert_eq!(counts("our Azure bill doubled #aws"), (1, 1));
    assert_eq!(counts("AWSの請求額がまた増えた"), (1, 0));
    assert_eq!(counts("what a match tonight #aws"), (0, 0));
}

#[test]
fn other_clouds_product_names_count_as_another_cloud_named() {
    // GIVEN tweets naming another provider's product, in one word or a run of two or three
    let other = |text: &str| {
        let lower = text.to_lowercase();
        lexicon_counts(&lower, &tokenize(&lower), LambdaSense::NotNamed).other_cloud
    };
    // THEN each counts as another cloud named (twelfth round): `pub/sub` and `fly.io`
    // are read as the tokenizer splits them
    assert_eq!(
        other("GCS bucket lifecycle rules moved everything to Coldline"),
        2
    );
    assert_eq!(other("our Cloud Run service timed out again"), 1);
    assert_eq!(other("pub/sub backlog growing, p99 is fine"), 1);
    assert_eq!(other("moved the app to Fly.io last week"), 1);
    assert_eq!(other("the AKS node pool upgrade took all night"), 1);
    assert_eq!(other("#gke autoscaler ate our spot nodes"), 1);
    // AND the words of those runs alone name nothing: a run names the product
    assert_eq!(other("it will run in the cloud, whatever that means"), 0);
    assert_eq!(other("pub quiz tonight, then sub sandwiches"), 0);
    // AND a mention is not a product named, as with the other lexicons
    assert_eq!(other("thanks @gke for nothing"), 0);
}

#[test]
fn exam_codes_are_told_from_what_dump_sellers_offer() {
    let counts = |text: &str| {
        let lower = text.to_lowercase();
        let c = lexicon_counts(&lower, &tokenize(&lower), LambdaSense::NotNamed);
        (c.cert, c.sell)
    };
    // An exam code, spelt as people spell it, names an exam; passing it sells nothing.
    assert_eq!(counts("passed SAA-C03 today!"), (1, 0));
    assert_eq!(counts("#saac03 done"), (1, 0));
    assert_eq!(counts("DVA-C02 dumps, answers PDF, download now"), (1, 4));
    // A thumb's `c02` for CO2 names one too: only the sellers' words beside it tell.
    assert_eq!(counts("the c02 sensor in the office"), (1, 0));
    assert_eq!(counts("my cat ate my homework"), (0, 0));
}

#[test]
fn a_change_of_script_ends_a_token() {
    assert_eq!(
        tokenize("awsの請求額が3倍"),
        ["aws", "の", "請求額", "が", "<num>", "倍"]
    );
    assert_eq!(tokenize("s3를 쓰는"), ["s3", "를", "쓰는"]);
    assert_eq!(tokenize("migração açaí"), ["migração", "açaí"]);
}

#[test]
fn quantile_bins_split_the_training_values() {
    let records: Vec<Record> = (0..100)
        .map(|i| Record {
            followers: i,
            ..Default::default()
        })
        .collect();
    let recipe = Recipe::fit(&records, 12, 10);
    assert_eq!(
        recipe.quantile_bins["followers"],
        (1..10).map(|q| (q * 10) as f64).collect::<Vec<_>>()
    );
}

#[test]
fn a_year_fused_onto_an_event_name_is_the_event() {
    let evidence = |text: &str| {
        let lower = text.to_lowercase();
        aws_evidence(&tokenize(&lower))
    };
    assert_eq!(evidence("see you at re:Invent2025"), 2);
    assert_eq!(evidence("booked for #reInvent2025"), 2);
    // Without the year the word is ordinary: it needs AWS around it.
    assert_eq!(evidence("time to reinvent my morning routine"), 0);
}

#[test]
fn an_everyday_word_before_a_tacked_on_aws_is_not_evidence() {
    let evidence = |text: &str| {
        let lower = text.to_lowercase();
        aws_evidence(&tokenize(&lower))
    };
    assert_eq!(evidence("bought a retro console aws"), 0);
    assert!(evidence("the console aws gives you is slow") > 0);
    assert!(evidence("our aws bill doubled") > 0);
}

#[test]
fn runs_of_bangs_and_dollars_are_read_after_normalising() {
    let recipe = Recipe::fit(&[], 16, 10);
    let features = |text: &str| {
        let record = Record {
            text: text.into(),
            ..Record::default()
        };
        recipe.features(&record)
    };
    assert_eq!(features("sale now \u{FF01}\u{FF01}"), features("sale now !!"));
    assert_eq!(features("only \u{FF04}5"), features("only $5"));
    assert_eq!(features("wow !\u{200B}!"), features("wow !!"));
}

#[test]
fn the_character_checks_fast_paths_agree_with_their_definitions_on_every_code_point() {
    // The definitions they had, before their one-compare fast paths (issue 12, seventh round).
    fn script(c: char) -> Script {
        match c as u32 {
            0x3040..=0x309F => Script::Hiragana,
            0x30A0..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F => Script::Katakana,
            0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF => Script::Han,
            0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF => Script::Hangul,
            _ => Script::Other,
        }
    }
    let odd = |c: char| invisible(c) || c == '\u{2019}' || full_width_ascii(c);
    for c in (0..=0x10FFFF).filter_map(char::from_u32) {
        assert!(Script::of(c) == script(c), "{:x}", c as u32);
        assert_eq!(c >= '\u{AD}' && odd(c), odd(c), "{:x}", c as u32);
    }
}

#[test]
fn the_lexicon_form_is_the_apostrophe_stem_after_the_sigils() {
    // Every string of up to 5 characters over the characters that matter to it.
    let alphabet = ["#", "@", "'", "a", "s", "1", "é", "’"];
    every_string(&alphabet, 5, |s| {
        let want = apostrophe_stem(s.trim_start_matches(['#', '@']));
        assert_eq!(lexicon_form(s), want, "{s:?}");
    });
}

#[test]
fn character_counts_read_every_code_point_as_the_unicode_tables_do() {
    // The definition it had, before its ASCII fast path.
    fn by_tables(text: &str) -> (usize, usize, usize) {
        let (mut upper, mut letters, mut emoji) = (0, 0, 0);
        for c in text.chars() {
            if c.is_alphabetic() {
                letters += 1;
                upper += usize::from(c.is_uppercase());
            } else if is_emoji(c) {
                emoji += 1;
            }
        }
        (upper, letters, emoji)
    }
    let mut all = String::new();
    for c in (0..=0x10FFFF).filter_map(char::from_u32) {
        let one = c.to_string();
        assert_eq!(TextSignals::char_counts(&one), by_tables(&one), "{:x}", c as u32);
        all.push(c);
    }
    assert_eq!(TextSignals::char_counts(&all), by_tables(&all));
}

#[test]
fn the_count_names_and_their_prefix_states_are_the_records_counts() {
    let names = Record::default().counts().map(|(name, _)| name);
    assert_eq!(names, COUNT_NAMES);
    for (k, name) in names.iter().enumerate() {
        for bin in 0..=10u8 {
            assert_eq!(
                scan::fnv_extend(COUNT_PREFIXES[k], &[bin]),
                fnv1a(&[b"q:", name.as_bytes(), b":", &[bin]])
            );
        }
    }
}

#[test]
fn ascii_text_is_lowercased_as_unicode_lowercases_it() {
    let all: String = (0u8..128).map(char::from).collect();
    assert_eq!(lowercase_visible(&all), all.to_lowercase());
    for b in 0u8..128 {
        let s = format!("A{}z", b as char);
        assert_eq!(lowercase_visible(&s), s.to_lowercase(), "{s:?}");
    }
}

#[test]
fn a_case_ending_ties_the_name_only_before_more_than_the_short_tail() {
    // GIVEN ordinary tweets with `aws's` or `aws'de` and a tail tacked on (the attacker's
    // review of the thirteenth round: ` aws's lol` showed a third of them)
    let carried = |text: &str| aws_carried(&tokenize(&lowercase_visible(text)));
    for (suffixed, bare) in [
        (
            "rain stopped play again aws's lol",
            "rain stopped play again aws lol",
        ),
        (
            "rain stopped play again aws'de var",
            "rain stopped play again aws var",
        ),
        (
            "rain stopped play again AWS’s lol xd",
            "rain stopped play again aws lol xd",
        ),
        ("rain stopped play again aws's", "rain stopped play again aws"),
    ] {
        // THEN they read as the bare word tacked on does: as the tag
        assert_eq!(carried(suffixed), carried(bare), "{suffixed}");
        assert_eq!(carried(suffixed), 1, "{suffixed}");
    }
    // AND before a real clause the ending still ties it, ASCII or not
    assert_eq!(carried("we saw AWS's new region in Spain open today"), 6);
    assert_eq!(carried("hesabımız AWS'de açıldı bugün sabah erkenden"), 6);
    // AND a verb-final clause of two words after the ending is read as the short tail
    // (Turkish `AWS'ye taşındı sonunda`): the price of not reading ` aws's lol xd` as use
    assert_eq!(carried("projemiz AWS'ye taşındı sonunda"), 1);
}

#[test]
fn an_elided_article_or_a_noun_before_a_tacked_on_name_does_not_tie_it() {
    // GIVEN ordinary tweets with `d'aws` or a Romance noun and `aws` and a tail tacked on
    // (an attacker's review of the fourteenth round: ` queda AWS lol` showed 39 of 49,
    // ` d'aws lol` 14)
    let carried = |text: &str| aws_carried(&tokenize(&lowercase_visible(text)));
    for text in [
        "rain stopped play again d'aws lol",
        "rain stopped play again d’aws lol",
        "rain stopped play again dell'aws lol xd",
        "rain stopped play again queda AWS lol",
        "rain stopped play again cuenta AWS",
        "rain stopped play again panne AWS lol",
    ] {
        // THEN they read as the bare word tacked on does: as the tag
        assert_eq!(carried(text), 1, "{text}");
    }
    // AND an elided article before a clause still ties it
    assert_eq!(carried("La facture d'AWS a doublé ce mois"), 6);
    // AND a Romance noun ties the name when it opens the tweet or follows an article or
    // a possessive (the sixteenth round: real outage, bill and account tweets)
    assert_eq!(carried("Panne AWS ce matin, notre site était inaccessible"), 6);
    assert_eq!(
        carried("Minha conta AWS foi bloqueada e o suporte não responde"),
        6
    );
    assert_eq!(carried("hoy llegó la factura AWS de octubre y duele"), 6);
    assert_eq!(carried("what a match, what a goal, panne AWS lol"), 1);
}

#[test]
fn an_elided_article_before_a_name_links_it() {
    // GIVEN French and Italian elided articles and prepositions glued to a name, with the
    // straight and the curly apostrophe, in ASCII text and in text with accents
    let carried = |text: &str| aws_carried(&tokenize(&lowercase_visible(text)));
    for (elided, spelled) in [
        (
            "La facture d'AWS a doublé ce mois",
            "La facture de AWS a doublé ce mois",
        ),
        (
            "La facture d’AWS a doublé ce mois",
            "La facture de AWS a doublé ce mois",
        ),
        (
            "the bill of l'AWS went up again",
            "the bill of the AWS went up again",
        ),
        (
            "la console dell’AWS è cambiata di nuovo",
            "la console del AWS è cambiata di nuovo",
        ),
        (
            "la console dell'AWS e cambiata di nuovo",
            "la console del AWS e cambiata di nuovo",
        ),
        (
            "migrazione sull'AWS finita ieri sera",
            "migrazione sul AWS finita ieri sera",
        ),
    ] {
        // THEN the name is used in a sentence, as with the article spelled out
        assert_eq!(carried(elided), 6, "{elided}");
        assert_eq!(carried(elided), carried(spelled), "{elided}");
    }
    // AND the word after the article is the lexicons' word (`l'EC2` is `ec2`)
    for (word, form) in [
        ("d'aws", "aws"),
        ("l'ec2", "ec2"),
        ("dell'aws's", "aws"),
        ("qu'amazon", "amazon"),
        ("#l'aws", "aws"),
        ("o'reilly", "o'reilly"),
        ("l'", "l'"),
        ("d'été", "été"),
    ] {
        assert_eq!(lexicon_form(word), form, "{word}");
    }
    assert!(is_aws_word("d'aws") && is_aws_word("nell'aws") && is_aws_word("all'aws"));
    assert!(!is_aws_word("d'awsome") && !is_aws_word("x'aws"));
    // AND the byte path and the character path read them alike
    let lower = lowercase_visible("la console dell’AWS è cambiata, l’EC2 aussi");
    assert_eq!(tokenize(&lower), tokenize_chars(&lower));
    let lower = lowercase_visible("the bill of l'AWS went up, d'EC2 too");
    assert_eq!(tokenize(&lower), tokenize_chars(&lower));
}

#[test]
fn text_that_is_not_ascii_is_lowercased_as_str_to_lowercase_and_the_odd_pass_lowercase_it() {
    // Every code point alone and between ASCII capitals and other letters, then all of
    // them at once: the one-pass path against its definition (issue 15).
    let mut all = String::new();
    for c in (0x80..=0x10FFFF).filter_map(char::from_u32) {
        for s in [
            c.to_string(),
            format!("A{c}z"),
            format!("漢{c}Б"),
            format!("{c}\u{2019}Ｓ"),
        ] {
            assert_eq!(
                lowercase_visible(&s),
                lowercase_visible_by_str(&s),
                "{:x}",
                c as u32
            );
        }
        all.push(c);
    }
    assert_eq!(lowercase_visible(&all), lowercase_visible_by_str(&all));
    // Σ, whose lowercase depends on its neighbours, in each place.
    for s in [
        "Σ",
        "ΑΣ",
        "ΑΣ Β",
        "ΣΑ",
        "ΟΔΟΣ. ΟΔΟΣ",
        "a\u{200B}Σ b",
        "ΑΣ\u{301} x",
        "Ｓ Σ’s",
    ] {
        assert_eq!(lowercase_visible(s), lowercase_visible_by_str(s), "{s:?}");
    }
}

#[test]
fn one_pass_over_each_token_hashes_its_ngrams_and_lexicon_key_as_the_separate_passes_did() {
    // The n-grams as the recipe hashed them before the ninth round: words, then pairs.
    fn by_parts(tokens: &[&str], mask: u64) -> Vec<u32> {
        let mut ids: Vec<u32> = tokens
            .iter()
            .map(|t| (fnv1a(&[b"w:", t.as_bytes()]) & mask) as u32)
            .collect();
        for pair in tokens.windows(2) {
            let h = fnv1a(&[b"b:", pair[0].as_bytes(), b" ", pair[1].as_bytes()]);
            ids.push((h & mask) as u32);
        }
        ids
    }
    let check = |tokens: &[&str]| {
        for mask in [(1u64 << 18) - 1, u64::from(u32::MAX)] {
            let mut got = Vec::new();
            let (forms, named) = ngrams_and_forms(tokens, mask, &mut got);
            assert_eq!(named, named_lambda(tokens), "{tokens:?}");
            let mut plain = Vec::new();
            let plain_forms = ngrams_and_forms_plain(tokens, mask, &mut plain);
            assert_eq!((&plain, &plain_forms), (&got, &forms), "{tokens:?}");
            let mut want = by_parts(tokens, mask);
            got.sort_unstable();
            want.sort_unstable();
            assert_eq!(got, want, "{tokens:?}");
            assert_eq!(forms, lexicon_forms(tokens), "{tokens:?}");
        }
    };
    // Every token of up to 5 pieces over the bytes that matter to the form (sigils, the
    // apostrophe, an elided article, a case ending), alone and in runs of three.
    let mut tokens = Vec::new();
    every_string(&["a", "#", "@", "'", "s", "l", "é", "1"], 5, |t| {
        tokens.push(t.to_owned())
    });
    for (i, t) in tokens.iter().enumerate() {
        check(&[t]);
        let next = &tokens[(i * 7919) % tokens.len()];
        let last = &tokens[(i * 104_729) % tokens.len()];
        check(&[t, next, last]);
    }
    check(&[]);
    // The tokens of ordinary and hostile tweets.
    for text in [
        "New in #AWS Lambda: SnapStart for Python and .NET cuts cold starts from 1.9 s to 180 ms https://t.co/x #serverless",
        "la facture d'AWS et l'EC2 d'AWS'de @aws's API Gateway's timeout o'reilly rock'n'roll won't",
        "awsの請求額が3倍 s3를 쓰는 ламбда #aws😀 @x’s ##aws @#aws",
    ] {
        let lower = lowercase_visible(text);
        check(&tokenize(&lower));
    }
}

#[test]
fn the_filtered_word_lookup_finds_what_the_map_finds() {
    // The table's facts are packed (`PackedFacts`): the map they were built from is the
    // reference, facts and all; and so for the runs of two and three words.
    let lexicons = &*LEXICONS;
    let maps = lexicon_maps();
    let same = |key: u64| {
        assert_eq!(
            lexicons.word(key).map(PackedFacts::unpack),
            maps.words.get(&key).copied(),
            "{key:x}"
        );
        assert_eq!(lexicons.pair(key), maps.pairs.get(&key).copied(), "pair {key:x}");
        assert_eq!(
            lexicons.triple(key),
            maps.triples.get(&key).copied(),
            "triple {key:x}"
        );
    };
    // Every word and run of every lexicon, every token of the labeled set and its runs
    // of two and three, and keys spread over the filters' bits (a fixed xorshift stream).
    for &key in maps
        .words
        .keys()
        .chain(maps.pairs.keys())
        .chain(maps.triples.keys())
    {
        same(key);
    }
    assert!(!maps.pairs.is_empty() && !maps.triples.is_empty());
    let data = include_str!("../../data/tweets-labeled.csv");
    for line in data.lines() {
        let lower = lowercase_visible(line);
        let keys: Vec<u64> = lexicon_forms(&tokenize(&lower))
            .into_iter()
            .map(|(_, key)| key)
            .collect();
        for (i, &key) in keys.iter().enumerate() {
            same(key);
            if let Some(&b) = keys.get(i + 1) {
                same(run_hash(key, b));
                if let Some(&c) = keys.get(i + 2) {
                    same(run_hash(run_hash(key, b), c));
                }
            }
        }
    }
    let mut state = 0x2545_f491_4f6c_dd1du64;
    for _ in 0..1_000_000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        same(state);
    }
}

#[test]
fn packed_facts_unpack_to_what_was_packed() {
    // GIVEN every combination of the flags, the exam word and the evidence's parts, at
    // the ends of their ranges
    let entries = [None].into_iter().chain(
        [Needs::Nothing, Needs::Context, Needs::AwsWord]
            .into_iter()
            .flat_map(|needs| {
                [(0, 0), (1, 1), (3_670, 9), (u32::MAX as usize, u8::MAX)]
                    .map(|(key, strength)| Some(Entry { key, strength, needs }))
            }),
    );
    for evidence in entries {
        for exam in [None, Some(ExamWord::Cert), Some(ExamWord::Sell)] {
            for flags in 0..1u32 << 7 {
                let flag = |i: u32| flags & (1 << i) != 0;
                let facts = WordFacts {
                    cloud: flag(0),
                    spam: flag(1),
                    ops: flag(2),
                    other_cloud: flag(3),
                    exam,
                    evidence,
                    starts_pair: flag(4),
                    starts_triple: flag(5),
                    starts_other: flag(6),
                };
                // WHEN packed and unpacked THEN they are what they were
                let packed = PackedFacts::pack(&facts).expect("fits");
                assert_eq!(packed.unpack(), facts);
            }
        }
    }
    // AND an evidence key past 32 bits is refused, not cut short
    let too_far = WordFacts {
        evidence: Some(Entry {
            key: u32::MAX as usize + 1,
            strength: 1,
            needs: Needs::Nothing,
        }),
        ..WordFacts::default()
    };
    assert!(PackedFacts::pack(&too_far).is_none());
}

#[test]
fn an_arrow_is_found_as_the_two_substring_searches_found_it() {
    let check = |s: &str| assert_eq!(has_arrow(s), s.contains("->") || s.contains("=>"), "{s:?}");
    every_string(&["-", "=", ">", "x", " ", "é", "→"], 6, check);
    check(&format!("{}->", "a".repeat(10_000)));
    check(&"> - = ".repeat(10_000));
}

#[test]
fn text_that_lowercases_to_ascii_tokenises_alike_by_either_tokenizer() {
    // The recipe picks the tokenizer by whether the text as written is ASCII; these
    // texts are not, but their lowercased, normalised forms are.
    for text in [
        "ＡＷＳ ｌａｍｂｄａ ＃ａｗｓ ＠ｕｓｅｒ",
        "Gateway’s e\u{200B}arn \u{212A}ubernetes",
        "\u{FEFF}aws s3",
    ] {
        let lower = lowercase_visible(text);
        assert!(!text.is_ascii() && lower.is_ascii(), "{text:?}");
        assert_eq!(
            scan::tokenize_mixed(&lower),
            scan::tokenize_ascii(&lower),
            "{text:?}"
        );
    }
}

#[test]
fn lambda_is_named_and_found_as_the_substring_searches_found_it() {
    // The tokens' pass says whether a token is `lambda` or `lambdas` (by their keys,
    // confirmed by the words), as comparing every token does; and the built-once finder
    // finds `lambda` where `match_indices` did.
    let check = |lower: &str| {
        let tokens = tokenize(lower);
        let mut out = Vec::new();
        let (_, named) = ngrams_and_forms(&tokens, u64::MAX, &mut out);
        assert_eq!(named, named_lambda(&tokens), "{lower:?}");
        let found: Vec<usize> = LAMBDA_FINDER.find_iter(lower.as_bytes()).collect();
        let searched: Vec<usize> = lower.match_indices("lambda").map(|(i, _)| i).collect();
        assert_eq!(found, searched, "{lower:?}");
    };
    every_string(&["lambda", "s", "#", "@", "'", " ", "lamb", "da", "é"], 4, check);
    check(&"lambda ".repeat(10_000));
    check(&format!("{}lambda", "lambd".repeat(10_000)));
}

#[test]
fn a_run_of_bangs_is_found_as_the_substring_search_found_it() {
    let check = |s: &str| assert_eq!(BANG_RUN.find(s.as_bytes()).is_some(), s.contains("!!"), "{s:?}");
    every_string(&["!", "a", " ", "é", "！"], 6, check);
    check(&format!("{}!!", "! ".repeat(10_000)));
}

#[test]
fn the_client_name_is_read_by_bytes_as_by_substring_searches() {
    // `source_name`'s definition before it read the closing tag by bytes.
    fn by_substrings(source: &str) -> &str {
        match (source.find('>'), source.rfind("</")) {
            (Some(start), Some(end)) if start < end => source[start + 1..end].trim(),
            _ => source.trim(),
        }
    }
    let check = |s: &str| assert_eq!(source_name(s), by_substrings(s), "{s:?}");
    every_string(&["<", "/", ">", "</", "a", " ", "é", "\u{3000}"], 6, check);
    for s in [
        r#"<a href="http://x" rel="nofollow">Twitter for iPhone</a>"#,
        r#"<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>"#,
        "web",
        "",
        "</a><a>",
    ] {
        check(s);
    }
}

/// The path for text that is not ASCII asks once per text whether `lambda` is named (the
/// ASCII path asks per token): `x:lambda_sense` must be among the signal features exactly
/// when the tokens name it, whichever path the text takes. The buckets of every value the
/// feature can take are computed from its definition, and a text must hit exactly one of
/// them (a named `lambda`) or none (no `lambda` token).
#[test]
fn the_lambda_sense_feature_is_there_exactly_when_a_token_names_lambda_on_every_path() {
    let recipe = Recipe {
        hash_bits: 18,
        quantile_bins: BTreeMap::new(),
    };
    let mask = (recipe.buckets() - 1) as u64;
    let mut sense_buckets = HashSet::new();
    for sense in 1u8..=3 {
        for evidence in 0u8..=2 {
            for carried in 0u8..=3 {
                let h = fnv1a(&[b"x:lambda_sense:", &[sense, evidence, carried]]);
                sense_buckets.insert((h & mask) as u32);
            }
        }
    }
    let hits = |text: &str| {
        let record = Record {
            text: text.into(),
            ..Default::default()
        };
        recipe
            .signal_features(&record)
            .into_iter()
            .filter(|b| sense_buckets.contains(b))
            .count()
    };
    for text in [
        // Not ASCII: the general path.
        "AWS Lambdaの関数をPythonで書いた",
        "Lambda 関数 のタイムアウト",
        "café: #lambda cold starts",
        "Пишу на AWS Lambda каждый день",
        "λ calculus and a python lambda x: x → y",
        "@lambdas in Kotlin — closures everywhere",
        // ASCII with a tacked-on `aws` (the tokens retagged, the same path).
        "new lambda timeout limits today aws",
    ] {
        assert_eq!(hits(text), 1, "{text:?} names lambda");
    }
    for text in [
        "ラムダ 関数 と lambada の話",
        "lambdaX und lambdaé sind keine Wörter hier — café",
        "Пишу на AWS Fargate каждый день",
        "no lambada zone here aws",
    ] {
        assert!(!named_lambda(&tokenize(&text.to_lowercase())), "{text:?}");
        assert_eq!(hits(text), 0, "{text:?} does not name lambda");
    }
}

/// `is_aws_word` as it was before the eleventh round: the definition its length-first
/// form is checked against.
fn is_aws_word_by_search(t: &str) -> bool {
    let apostrophe_early = || t.as_bytes()[1..5].contains(&b'\'');
    t == "aws" || (t.len() > 4 && apostrophe_early() && apostrophe_stem(t) == "aws")
}

#[test]
fn is_aws_word_by_length_and_byte_compares_is_the_search_it_replaced() {
    // GIVEN every string of up to six pieces of the letters of `aws`, apostrophes (ASCII
    // and the typographic one, which is three bytes), the elided articles' letters, a
    // sigil and a letter outside all of them
    let alphabet = ["a", "w", "s", "'", "’", "d", "l", "#", "x", "é"];
    let mut matched = 0;
    every_string(&alphabet, 6, |t| {
        // WHEN each is asked whether it is the word `aws`
        // THEN both forms answer alike
        assert_eq!(is_aws_word(t), is_aws_word_by_search(t), "{t:?}");
        matched += usize::from(is_aws_word(t));
    });
    // AND the inputs reach the stem's cases, not only the plain word
    assert!(matched > 3, "{matched}");
    for t in [
        "aws", "aws's", "aws'de", "d'aws", "dell'aws", "l'aws's", "awsome", "aws'",
    ] {
        assert_eq!(is_aws_word(t), is_aws_word_by_search(t), "{t:?}");
    }
}

#[test]
fn aws_carried_and_last_finds_the_last_aws_word_as_a_search_from_the_end_does() {
    // GIVEN every sequence of up to five tokens over the word `aws` as the tokenizer
    // leaves it (plain, possessive, with a case ending, elided onto), the tag, look-alikes
    // and words of each kind the carrying rules ask about
    let alphabet = [
        "aws", "aws's", "d'aws", "aws'de", "#aws", "awsome", "x", "is", "on", "<url>", "lol",
    ];
    every_sequence(&alphabet, 5, |tokens| {
        // WHEN the carrying is read
        let (_, last) = aws_carried_and_last(tokens);
        // THEN the last place it gives is the search's
        assert_eq!(last, tokens.iter().rposition(|t| is_aws_word(t)), "{tokens:?}");
    });
}

/// Random text of the kinds the walks over text that is not ASCII must tell apart:
/// ASCII of every class (capitals, digits, sigils, apostrophes, spaces, URL starts),
/// accented Latin and Greek (`Σ` too) in both cases, Cyrillic, kana, kanji, Hangul,
/// combining marks, invisible characters, full-width forms, curly apostrophes, emoji,
/// Unicode spaces, and any code point at all.
fn hostile_text() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let piece = prop_oneof![
        4 => "[ -~]{1,12}",
        1 => Just("http://x.co/Ab ".to_owned()),
        1 => Just("www.".to_owned()),
        2 => "[À-ÿĀ-ſ]{1,4}",
        1 => "[Α-ωΣς]{1,4}",
        1 => "[А-яЁё]{1,4}",
        2 => "[ぁ-ゖァ-ヿー一-龥]{1,4}",
        1 => "[가-힣ᄀ-ᇿ]{1,3}",
        1 => "[\u{300}-\u{36F}\u{200B}-\u{200F}\u{FE00}-\u{FE0F}\u{AD}\u{E0001}\u{2060}\u{3164}]{1,2}",
        1 => "[！-～]{1,4}",
        1 => "[’‘“”…—–、。「」]{1,2}",
        1 => "[😀-🙏🔥🚀✅❤☕\u{1F1E6}-\u{1F1FF}]{1,3}",
        1 => "[\u{3000}\u{85}\u{A0}\u{2028}\u{2003}\t\n]{1,2}",
        1 => any::<char>().prop_map(String::from),
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2_000))]

    #[test]
    fn random_text_of_every_script_is_lowercased_as_str_to_lowercase_and_the_odd_pass_lowercase_it(text in hostile_text()) {
        proptest::prop_assert_eq!(lowercase_visible(&text), lowercase_visible_by_str(&text));
    }

    #[test]
    fn random_text_of_every_script_has_the_character_counts_of_the_walk_by_characters(text in hostile_text()) {
        proptest::prop_assert_eq!(TextSignals::char_counts(&text), TextSignals::char_counts_by_chars(&text));
    }

    #[test]
    fn random_text_of_every_script_tokenises_as_the_character_tokenizer_does(text in hostile_text()) {
        let lower = lowercase_visible(&text);
        proptest::prop_assert_eq!(scan::tokenize_mixed(&lower), tokenize_chars(&lower));
        // And as written: capitals, invisible and full-width characters left in.
        proptest::prop_assert_eq!(scan::tokenize_mixed(&text), tokenize_chars(&text));
    }

    #[test]
    fn the_next_byte_that_is_not_ascii_is_found_as_a_search_by_bytes_finds_it(text in hostile_text(), from in 0usize..64) {
        let bytes = text.as_bytes();
        let from = from.min(bytes.len());
        let by_search = bytes[from..].iter().position(|&b| b >= 0x80).map_or(bytes.len(), |k| from + k);
        proptest::prop_assert_eq!(scan::next_non_ascii(bytes, from), by_search);
    }
}

/// `scan::tokenize_mixed_hashed` against its definition: `tokenize_chars`' tokens, then
/// `ngrams_and_forms` over them (ids in the same order, the same forms and keys, the
/// same answer for `lambda`) and `Tally::of` them.
fn check_mixed_hashed(lower: &str) -> Result<(), proptest::test_runner::TestCaseError> {
    for mask in [(1u64 << 18) - 1, u64::MAX] {
        let mut got = Vec::new();
        let mut grams = scan::Grams::new(mask, &mut got, 0);
        let tokens = scan::tokenize_mixed_hashed(lower, &mut grams);
        let (forms, named, tally) = (grams.forms, grams.lambda_named, grams.tally);
        let want_tokens = tokenize_chars(lower);
        proptest::prop_assert_eq!(&tokens, &want_tokens, "{:?}", lower);
        proptest::prop_assert_eq!(tally, scan::Tally::of(&want_tokens), "{:?}", lower);
        let mut want = Vec::new();
        let (want_forms, want_named) = ngrams_and_forms(&want_tokens, mask, &mut want);
        proptest::prop_assert_eq!(got, want, "{:?}", lower);
        proptest::prop_assert_eq!(forms, want_forms, "{:?}", lower);
        proptest::prop_assert_eq!(named, want_named, "{:?}", lower);
    }
    Ok(())
}

#[test]
fn the_hashing_mixed_tokenizer_gives_the_tokens_then_their_ngrams_forms_and_tally() {
    // Every string of up to 5 pieces over ASCII that matters and characters of each
    // kind (as the mixed tokenizer's own test), and tweets of each script.
    let alphabet = [
        "a", "1", "#", "@", "$", "'", " ", "-", "é", "の", "漢", "한", "٣", "\u{301}", "😀", "\u{3000}", "б",
    ];
    every_string(&alphabet, 5, |s| check_mixed_hashed(s).unwrap());
    for text in [
        "Сегодня перенесли все наши бэкапы в S3 Glacier, счёт уменьшился втрое #aws",
        "오늘 회사에서 AWS 람다와 다이나모DB로 서버리스 API를 만들었는데… 비용도 거의 안 나옴 #aws",
        "今日はAWSのLambdaで「サーバーレス」なAPIを作ってみました。簡単！ #aws @jeff’s lambdaの",
        "Por fin migramos la base de datos a Aurora — ¡Qué alivio! «ÉXITO» #aws https://t.co/é x",
        "l'aws d'lambda s3's ec2's x'' ''y 12'34 '12' $5 5$ café' naïve’s #λambda @lambda λ",
    ] {
        check_mixed_hashed(&lowercase_visible(text)).unwrap();
    }
    check_mixed_hashed(&"lambda é's #x @y 1 漢字 ".repeat(3_000)).unwrap();
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2_000))]

    #[test]
    fn random_text_of_every_script_is_hashed_as_its_tokens_ngrams_forms_and_tally(text in hostile_text()) {
        check_mixed_hashed(&lowercase_visible(&text))?;
        // And as written: capitals, invisible and full-width characters left in.
        check_mixed_hashed(&text)?;
    }
}

#[test]
fn the_key_table_finds_what_the_map_it_was_built_from_finds() {
    // GIVEN maps of every size up to 300 (tables of 2 to 1,024 slots, so that probes
    // run into each other often), with key 0 among them, and a fixed xorshift stream
    let mut state = 0x5851_f42d_4c95_7f2du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for n in 0..=300usize {
        let mut map: HashMap<u64, u32> = (0..n).map(|i| (next(), i as u32)).collect();
        if n % 7 == 1 {
            map.insert(0, u32::MAX);
        }
        // WHEN a table is built from it
        let table = KeyTable::of(map.iter().map(|(&k, &v)| (k, v)));
        // THEN it finds every key's value, and nothing for keys it does not hold (keys
        // near the held ones, and others)
        for (&key, &value) in &map {
            assert_eq!(table.get(key), Some(value), "n {n}, key {key:x}");
        }
        for key in map
            .keys()
            .flat_map(|&k| [k ^ 1, k.wrapping_add(1 << 63)])
            .chain((0..200).map(|_| next()))
        {
            assert_eq!(table.get(key), map.get(&key).copied(), "n {n}, key {key:x}");
        }
    }
}
