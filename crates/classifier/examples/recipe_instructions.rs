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
//! sigmoid of the recipe's features) or `classify` (all three), on the consumer bench's
//! 3.7 KB v1.1 tweet; `recipe-labeled` runs the recipe once over each of the 13,000
//! tweets of `data/tweets-labeled.csv` (shorter, and mostly ASCII), `setup-labeled` only
//! loads them. `RECIPE_ITERS` calls (1,000 unless set; the labeled stages divide by
//! 13,000 more). A stage's instructions per call are (its total − its set-up's) ÷ calls;
//! `make bench-recipe` runs them all.
use std::hint::black_box;
use std::path::Path;

use tweetboard_classifier::{dataset, EmbeddedClassifier, Model, Record};
use tweetboard_core::decode::decode_tweet;

/// The bench's 3.7 KB v1.1 tweet, the consumer bench's own fixture.
const TWEET: &str = include_str!("../../consumer/benches/v1-tweet.json");

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
    let labeled: Vec<Record> = if stage.ends_with("-labeled") {
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/tweets-labeled.csv");
        dataset::load(&data)
            .expect("the labeled set loads")
            .into_iter()
            .map(|e| e.record)
            .collect()
    } else {
        Vec::new()
    };
    for _ in 0..iters {
        match stage.as_str() {
            "setup" | "setup-labeled" => {}
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
            "recipe-labeled" => {
                for r in &labeled {
                    black_box(recipe.features(black_box(r)));
                }
            }
            other => panic!("unknown RECIPE_STAGE {other:?}"),
        }
    }
}
