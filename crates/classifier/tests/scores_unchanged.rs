//! Making the recipe cheaper (issue 12) must not change what it computes: the shipped
//! model's features and scores on every labeled data set under `data/` are hashed and
//! compared with the hashes recorded from the code before the speed-up, bit for bit.
//!
//! A change that is meant to change features or weights (a new model round, a new
//! feature) changes these hashes too: record the new ones by running this test with
//! `RECORD_SCORES=1` (it prints them) and say so in the commit.

use std::path::Path;

use tweetboard_classifier::dataset;
use tweetboard_classifier::recipe::fnv1a;
use tweetboard_classifier::Model;

/// Per data file: the hash of every example's sorted feature indices and the hash of
/// every example's score bits, in file order. Recorded from 8663812 (before issue 12's
/// recipe changes), model `tweetboard-lr-c051a288ce17`.
const RECORDED: &[(&str, &str)] = &[
    (
        "dev-handwritten.csv",
        "40 examples, features 459c970811ac6034, scores 07ee0feb69aa2ac4",
    ),
    (
        "tweets-labeled.csv",
        "12000 examples, features b3f663d672e2e694, scores affc13d1fb2380bd",
    ),
    (
        "unseen-handwritten-2.csv",
        "60 examples, features 664f5e5c71f860a3, scores 57dfc14924facc1c",
    ),
    (
        "unseen-handwritten-3.csv",
        "255 examples, features 7ff24ddd8617aa25, scores 91c4d4070cdd0aa3",
    ),
    (
        "unseen-handwritten-4.csv",
        "232 examples, features 8e45670c6f3bdbe4, scores 0cc3b0ab2052f29d",
    ),
    (
        "unseen-handwritten-5.csv",
        "247 examples, features 13f85e77b3e8a10b, scores 7613b3b58872b119",
    ),
    (
        "unseen-handwritten-6.csv",
        "242 examples, features eff8fdb0bd6ff49d, scores a74fd3bd2a936bd9",
    ),
    (
        "unseen-handwritten.csv",
        "110 examples, features 66ff420fc8d5856e, scores 0bdec215b9dc205b",
    ),
];

fn hashes(model: &Model, file: &Path) -> String {
    let examples = dataset::load(file).unwrap();
    let (mut features, mut scores) = (Vec::new(), Vec::new());
    for e in &examples {
        for f in model.artifact().recipe.features(&e.record) {
            features.extend_from_slice(&f.to_le_bytes());
        }
        features.push(0xff); // the end of one example's features
        scores.extend_from_slice(&model.score(&e.record).to_bits().to_le_bytes());
    }
    format!(
        "{} examples, features {:016x}, scores {:016x}",
        examples.len(),
        fnv1a(&[&features]),
        fnv1a(&[&scores])
    )
}

#[test]
fn the_shipped_models_features_and_scores_are_bit_identical_on_every_data_set() {
    // GIVEN the shipped model and every labeled CSV file under data/
    let model = Model::embedded_default();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    // WHEN each is featurised and scored
    let got: Vec<(String, String)> = files
        .iter()
        .map(|f| {
            (
                f.file_name().unwrap().to_string_lossy().into_owned(),
                hashes(&model, f),
            )
        })
        .collect();
    if std::env::var_os("RECORD_SCORES").is_some() {
        for (name, h) in &got {
            println!("    (\"{name}\", \"{h}\"),");
        }
        return;
    }
    // THEN every file's hashes are the recorded ones, and every recorded file is there
    let recorded: Vec<(String, String)> = RECORDED
        .iter()
        .map(|(n, h)| ((*n).to_owned(), (*h).to_owned()))
        .collect();
    assert_eq!(
        got, recorded,
        "features or scores changed (see the module's header)"
    );
}
