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
/// every example's score bits, in file order. Recorded from the fourth model round's
/// recipe before issue 12's recipe changes were merged into it (commit 63143b5's
/// `recipe.rs`), model `tweetboard-lr-0182fdfd612f`; the merged recipe matches them.
const RECORDED: &[(&str, &str)] = &[
    (
        "dev-handwritten.csv",
        "40 examples, features f1b86410233fa914, scores 5c476156110cd512",
    ),
    (
        "tweets-labeled.csv",
        "13000 examples, features f6d35c596e094667, scores 8b3b2b6e3b9d4ef6",
    ),
    (
        "unseen-handwritten-2.csv",
        "60 examples, features 961c6301dedf4415, scores c1f5ab202443b6b2",
    ),
    (
        "unseen-handwritten-3.csv",
        "255 examples, features 8ce4b9f5288941d6, scores 8e4ba1bf98e9c850",
    ),
    (
        "unseen-handwritten-4.csv",
        "232 examples, features e1f12527b79239ce, scores 971557baca7ccae5",
    ),
    (
        "unseen-handwritten-5.csv",
        "247 examples, features 95f861152aa582b0, scores d4cdaef21e6f9191",
    ),
    (
        "unseen-handwritten-6.csv",
        "242 examples, features 0f69fa211cc7eba3, scores 712e052bb14a9f8b",
    ),
    (
        "unseen-handwritten-7.csv",
        "251 examples, features 14ca68d0baa5892e, scores 8c3b626ecde231e2",
    ),
    (
        "unseen-handwritten.csv",
        "110 examples, features 26c54d7c027f43f8, scores 055c993f862eef6b",
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
