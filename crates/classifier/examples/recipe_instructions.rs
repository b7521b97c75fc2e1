//! The classifier's part of one record's CPU path (issue 12), alone, for counting its
//! instructions with callgrind on a release build of this crate only (the consumer's
//! bench binary links the SDK and takes 8-20 minutes to build in release here):
//!
//! ```sh
//! cargo build --release -p tweetboard-classifier --example recipe_instructions
//! RECIPE_STAGE=recipe valgrind --tool=callgrind target/release/examples/recipe_instructions
//! ```
//!
//! `RECIPE_STAGE` is `setup` (decoding the tweet and loading the model only), `record`
//! (`Record::from_tweet`), `recipe` (`Recipe::features`), `score` (the dot product and
//! sigmoid of the recipe's features), `classify` (all three) or `classify-tweet` (the
//! consumer's path since the eleventh round: the same over a borrowed `RecordRef`, no
//! copy), on the consumer bench's
//! 3.7 KB v1.1 tweet; `recipe-labeled` runs the recipe once over each of the 13,000
//! tweets of `data/tweets-labeled.csv` (shorter, and mostly ASCII), `setup-labeled` only
//! loads them; `recipe-handwritten` and `setup-handwritten` the same over the hand-written
//! sets `bench-classify` also times (longer, many not in English); `recipe-handwritten-full`
//! and `setup-handwritten-full` the same with each text repeated to 280 characters, as
//! the consumer bench's `batch-full` (`RECIPE_ASCII=yes` or `no` keeps only the tweets
//! whose text is ASCII, or only the others, in the hand-written stages). `recipe-text` runs the recipe on one of the named tweets below
//! (`RECIPE_TEXT`: `en`, `ja`, `ko`, `es`, `ru`, `kana-kanji`), with the bench tweet's
//! counts, so text that is not ASCII is counted beside an ordinary English tweet (issue
//! 15). `RECIPE_ITERS` calls (1,000 unless set; the labeled stages divide by
//! 13,000 more). A stage's instructions per call are (its total − its set-up's) ÷ calls;
//! `make bench-recipe` runs them all.
use std::hint::black_box;
use std::path::Path;

use tweetboard_classifier::{dataset, EmbeddedClassifier, Model, Record, RecordRef};
use tweetboard_core::decode::decode_tweet;

/// The bench's 3.7 KB v1.1 tweet, the consumer bench's own fixture.
const TWEET: &str = include_str!("../../consumer/benches/v1-tweet.json");

/// Ordinary tweets of about the same length in five languages (written for this count,
/// in none of the data sets), by `RECIPE_TEXT` name.
const NAMED: [(&str, &str); 5] = [
    (
        "en",
        "Finally moved our nightly batch jobs from cron on an old box to Step Functions and \
         Lambda, the bill went down and nobody gets paged at 3am anymore #aws",
    ),
    (
        "ja",
        "今日はAWSのLambdaとDynamoDBでサーバーレスなAPIを作ってみました。思ったより簡単で、\
         請求額もほとんどかからない！来週はStep Functionsも試してみる予定です #aws",
    ),
    (
        "ko",
        "오늘 회사에서 AWS 람다와 다이나모DB로 서버리스 API를 만들었는데 생각보다 훨씬 \
         간단했어요. 비용도 거의 안 나오고 배포도 금방 끝났습니다 #aws",
    ),
    (
        "es",
        "Por fin migramos la base de datos a Aurora y el rendimiento mejoró muchísimo, además \
         la factura bajó un 30% este mes. ¡Qué alivio para todo el equipo! #aws",
    ),
    (
        "ru",
        "Сегодня перенесли все наши бэкапы в S3 Glacier, счёт за хранение уменьшился почти \
         втрое. Очень доволен результатом, осталось настроить политики жизненного цикла #aws",
    ),
];

/// The named tweet `name`; `kana-kanji` is the worst case the attacker found: 280
/// characters alternating hiragana and kanji, all different, glued (each its own token).
fn named_text(name: &str) -> String {
    if name == "kana-kanji" {
        return (0..140u32)
            .flat_map(|i| {
                [
                    char::from_u32(0x3041 + i % 86).unwrap(),
                    char::from_u32(0x4E00 + i * 131).unwrap(),
                ]
            })
            .collect();
    }
    NAMED
        .iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("unknown RECIPE_TEXT {name:?}"))
        .1
        .to_owned()
}

fn main() {
    let stage = std::env::var("RECIPE_STAGE").unwrap_or_else(|_| "recipe".into());
    let iters: usize = std::env::var("RECIPE_ITERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    let classifier = EmbeddedClassifier::new(Model::embedded_default());
    let model = classifier.model();
    let recipe = &model.artifact().recipe;
    let tweet = decode_tweet(TWEET.as_bytes()).expect("the bench tweet decodes");
    let record = Record::from_tweet(&tweet);
    let features = recipe.features(&record);
    let named = Record {
        text: named_text(&std::env::var("RECIPE_TEXT").unwrap_or_else(|_| "en".into())),
        ..record.clone()
    };
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let labeled: Vec<Record> = if stage.ends_with("-labeled") {
        dataset::load(&data.join("tweets-labeled.csv"))
            .expect("the labeled set loads")
            .into_iter()
            .map(|e| e.record)
            .collect()
    } else if stage.ends_with("-handwritten") || stage.ends_with("-handwritten-full") {
        // The hand-written sets `make bench-classify`'s second group reads, in name order.
        let records = dataset::load_handwritten(&data, true).expect("the hand-written sets load");
        // `RECIPE_ASCII=yes` keeps only the tweets whose text is ASCII, `no` the others.
        let records: Vec<Record> = match std::env::var("RECIPE_ASCII").as_deref() {
            Ok("yes") => records.into_iter().filter(|r| r.text.is_ascii()).collect(),
            Ok("no") => records.into_iter().filter(|r| !r.text.is_ascii()).collect(),
            _ => records,
        };
        eprintln!("{} hand-written tweets", records.len());
        if stage.ends_with("-full") {
            records
                .into_iter()
                .map(|r| Record {
                    text: dataset::to_full_length(&r.text),
                    ..r
                })
                .collect()
        } else {
            records
        }
    } else {
        Vec::new()
    };
    for _ in 0..iters {
        match stage.as_str() {
            "setup" | "setup-labeled" | "setup-handwritten" | "setup-handwritten-full" => {}
            "record" => {
                black_box(Record::from_tweet(black_box(&tweet)));
            }
            "recipe" => {
                black_box(recipe.features(black_box(&record)));
            }
            "score" => {
                black_box(model.score_features(black_box(&features)));
            }
            "classify" => {
                black_box(classifier.classify_record(&Record::from_tweet(black_box(&tweet))));
            }
            "classify-tweet" => {
                black_box(classifier.classify_record(RecordRef::from_tweet(black_box(&tweet))));
            }
            "recipe-text" => {
                black_box(recipe.features(black_box(&named)));
            }
            "recipe-labeled" | "recipe-handwritten" | "recipe-handwritten-full" => {
                for r in &labeled {
                    black_box(recipe.features(black_box(r)));
                }
            }
            other => panic!("unknown RECIPE_STAGE {other:?}"),
        }
    }
}
