//! How much of the recipe's time is the CPU's memory of the text (issue 12, session 12):
//! the recipe and the score per record, timed over the first 1, 64, 512 and all of the
//! hand-written tweets, each text repeated to 280 characters (`dataset::to_full_length`) as the consumer bench's
//! `batch-full` (`FULL=0` keeps the texts as written), shuffled so that every subset
//! mixes the languages.
//!
//! ```sh
//! cargo build --release -p tweetboard-classifier --example recipe_fresh_text
//! target/release/examples/recipe_fresh_text
//! ```
//!
//! One record classified again and again, or a few dozen in turn, run with every branch
//! predicted (the predictor learns their texts); a stream of texts the CPU has not seen,
//! which is what a Kinesis batch is, does not. Callgrind counts instructions, which
//! cannot show this: this example times it (wall clock, the best of 7 rounds; compare
//! builds alternately, as the machine's load moves every figure).
use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use tweetboard_classifier::{dataset, Model, Record};

/// The best of 7 rounds of `reps` passes over `records`, in nanoseconds per record.
fn best_ns<T>(records: &[T], reps: usize, each: impl Fn(&T)) -> f64 {
    (0..7)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..reps {
                for r in records {
                    each(r);
                }
            }
            start.elapsed().as_nanos() as f64 / (reps * records.len()) as f64
        })
        .fold(f64::MAX, f64::min)
}

fn main() {
    let model = Model::embedded_default();
    let recipe = &model.artifact().recipe;
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let full = std::env::var("FULL").map_or(true, |v| v != "0");
    let mut records: Vec<Record> = dataset::load_handwritten(&data, false)
        .expect("the hand-written sets load")
        .into_iter()
        .map(|r| match full {
            true => Record {
                text: dataset::to_full_length(&r.text),
                ..r
            },
            false => r,
        })
        .collect();
    // A fixed shuffle (xorshift), so that the subsets mix the sets' languages.
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for i in (1..records.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        records.swap(i, (state % (i as u64 + 1)) as usize);
    }
    println!(
        "ns a record, best of 7 ({} texts; recipe + score, recipe alone, score of features made beforehand)",
        if full { "280-character" } else { "as written" }
    );
    for n in [1, 64, 512, records.len()] {
        let some = &records[..n];
        let reps = (200_000 / n).max(40);
        let features: Vec<Vec<u32>> = some.iter().map(|r| recipe.features(r)).collect();
        let both = best_ns(some, reps, |r| {
            black_box(model.score(black_box(r)));
        });
        let alone = best_ns(some, reps, |r| {
            black_box(recipe.features(black_box(r)));
        });
        let score = best_ns(&features, reps, |f| {
            black_box(model.score_features(black_box(f)));
        });
        println!("  {n:5} different records: {both:6.0}  {alone:6.0}  {score:6.0}");
    }
}
