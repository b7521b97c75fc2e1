//! The shipped default model is what `tweetboard train --manifest data/training-set.txt`
//! makes from the shipped data: retraining reproduces it exactly, and it meets its bars
//! on the sets it never trained on (its hold-out, `unseen-handwritten-2.csv` and `-3`).

use std::path::Path;

use tweetboard_classifier::dataset;
use tweetboard_classifier::metrics::{Evaluation, Metrics};
use tweetboard_classifier::train::TrainOptions;
use tweetboard_classifier::training_set::{leave_one_set_out, pooled, TrainingSet};
use tweetboard_classifier::Model;

fn data(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data").join(name)
}

/// The shipped model's figures on a labeled file with a kind column, every example
/// scored at the model's threshold.
fn evaluate_shipped(file: &str) -> Evaluation {
    let shipped = Model::embedded_default();
    let examples = dataset::load(&data(file)).unwrap();
    let scored: Vec<_> = examples
        .iter()
        .map(|e| (shipped.score(&e.record), e.junk, e.kind.as_deref()))
        .collect();
    Evaluation::compute(&scored, shipped.threshold())
}

/// The share of a group's tweets called OFF (hidden from the board).
fn hidden(e: &Evaluation, group: &str) -> f64 {
    let g = e.groups.iter().find(|g| g.kind == group).unwrap();
    g.confusion.off_called_off as f64 / g.examples as f64
}

/// The least share of each group a test asks of the shipped model on one set.
struct Bars {
    /// Ordinary tweets without the tag, hidden.
    ordinary: f64,
    /// Ordinary tweets with `#aws` or `aws` tacked on, hidden.
    tagged: f64,
    spam: f64,
    accuracy: f64,
    on_recall: f64,
}

/// Scores every example of `file` at the model's threshold and checks each group apart,
/// so that one group cannot hide another's misses.
fn assert_holds(file: &str, bars: Bars) -> Evaluation {
    let e = evaluate_shipped(file);
    assert!(hidden(&e, "ordinary") >= bars.ordinary, "{file}: {e:?}");
    assert!(hidden(&e, "ordinary-tagged") >= bars.tagged, "{file}: {e:?}");
    assert!(hidden(&e, "spam") >= bars.spam, "{file}: {e:?}");
    assert!(e.metrics.accuracy >= bars.accuracy, "{file}: {e:?}");
    assert!(e.on_recall >= bars.on_recall, "{file}: {e:?}");
    e
}

#[test]
fn retraining_on_the_shipped_data_reproduces_the_shipped_model() {
    // GIVEN the shipped model, its training set (the generated set and the hand-written
    // sets of data/training-set.txt), and the seed the model was trained with
    let shipped = Model::embedded_default();
    let set = TrainingSet::load(&data("training-set.txt")).unwrap();
    let options = TrainOptions {
        seed: shipped.artifact().training.seed,
        ..TrainOptions::default()
    };

    // WHEN a model is trained on that set, with the default options and that seed
    let retrained = set.train(&options, |_| {});

    // THEN it is the shipped model, exactly
    assert_eq!(&retrained, shipped.artifact());
}

#[test]
fn shipped_model_meets_the_accuracy_bar_on_its_holdout_and_on_handwritten_tweets() {
    // GIVEN the shipped model
    let shipped = Model::embedded_default();
    // THEN the held-out metrics recorded at its training cover at least 500 examples, and at
    // least 93% of them are right
    let holdout = shipped.artifact().training.holdout_metrics;
    assert!(holdout.examples >= 500 && holdout.accuracy >= 0.93, "{holdout:?}");
    // AND on hand-written tweets in phrasings the generator never used, scored at its
    // threshold, at least 95% are right
    let examples = dataset::load(&data("unseen-handwritten-2.csv")).unwrap();
    let scored: Vec<_> = examples
        .iter()
        .map(|e| (shipped.score(&e.record), e.junk))
        .collect();
    let m = Metrics::compute(&scored, shipped.threshold());
    assert!(m.accuracy >= 0.95, "{m:?}");
    // AND the AWS tweets among them are shown: issue 15's ON-recall bar (0.93) holds on
    // the old yardstick too (the shipped model, the fourteenth round's, shows 29 of 30, as
    // the twelfth round's did; the thirteenth round's 30)
    let e = evaluate_shipped("unseen-handwritten-2.csv");
    assert!(e.on_recall >= 0.93, "{e:?}");
}

/// Since the seventh round of issue 15 the hand-written sets `dev-handwritten.csv` and
/// `unseen-handwritten-4.csv` … `-9.csv` (`-10` since the eighth, `-11` and `-12` since
/// the tenth, `-13` and `-14` since the twelfth, `-15` since the thirteenth) are training data,
/// so they no longer measure the shipped model; the older yardsticks `-2` and `-3` stay
/// out of it.
#[test]
fn the_training_set_holds_the_burned_hand_written_sets_and_not_the_yardsticks() {
    // GIVEN the shipped model's training-set manifest
    let set = TrainingSet::load(&data("training-set.txt")).unwrap();
    // THEN its base is the generated set, and the files trained on whole are the
    // thirteen burned hand-written sets, each once
    assert_eq!(set.base.file, "tweets-labeled.csv");
    let extra: Vec<(&str, u32)> = set.extra.iter().map(|p| (p.file.as_str(), p.repeat)).collect();
    assert_eq!(
        extra,
        [
            ("dev-handwritten.csv", 1),
            ("unseen-handwritten-4.csv", 1),
            ("unseen-handwritten-5.csv", 1),
            ("unseen-handwritten-6.csv", 1),
            ("unseen-handwritten-7.csv", 1),
            ("unseen-handwritten-8.csv", 1),
            ("unseen-handwritten-9.csv", 1),
            ("unseen-handwritten-10.csv", 1),
            ("unseen-handwritten-11.csv", 1),
            ("unseen-handwritten-12.csv", 1),
            ("unseen-handwritten-13.csv", 1),
            ("unseen-handwritten-14.csv", 1),
            ("unseen-handwritten-15.csv", 1),
        ]
    );
    // AND the model says what it was trained on
    assert_eq!(Model::embedded_default().artifact().training.data, set.describe());
}

/// The honest measure of a model that trains on the hand-written sets: each set scored
/// by a model trained without it (leave-one-set-out, thirteen trainings). The bars are the
/// sixteenth round's bar for shipping (pooled: ON recall ≥ 0.96, ordinary tweets ≥ 97%
/// hidden with and without the tag, errors over the four model seeds no more than the
/// fourteenth round's): 52 errors of 3,109 at seed 42 (seeds 7/99/1859: 58, 55, 53; 218 in
/// all, as the fourteenth round, whose weights it retrains to); the fifteenth round's
/// made 52, 58, 54, 53 (217), the thirteenth's 54, 53, 55, 57 (219). About a minute in a debug
/// build, so not in `make test`: `make model-loso` runs it in release.
#[test]
#[ignore = "thirteen trainings; make model-loso runs it in release"]
fn leave_one_set_out_keeps_the_sixteenth_rounds_margin() {
    // GIVEN the shipped model's training set
    let set = TrainingSet::load(&data("training-set.txt")).unwrap();
    // WHEN each hand-written set is scored by a model trained without it
    let folds = leave_one_set_out(&set, &TrainOptions::default(), |_| {}).unwrap();
    let e = pooled(&folds).unwrap();
    // THEN pooled over the folds at most 52 of 3,109 are wrong, 96% of AWS tweets are
    // shown (the sixteenth round: 1,080 of 1,106), 97% of the ordinary tweets hidden with
    // the tag and without (751 of 759, 851 of 867), and 99% of spam (375 of 377)
    assert_eq!(e.metrics.examples, 3109);
    assert!(e.metrics.examples - e.confusion.correct() <= 52, "{e:?}");
    assert!(e.on_recall >= 0.96, "{e:?}");
    assert!(hidden(&e, "ordinary") >= 0.97, "{e:?}");
    assert!(hidden(&e, "ordinary-tagged") >= 0.97, "{e:?}");
    assert!(hidden(&e, "spam") >= 0.99, "{e:?}");
}

/// The contaminated set of the first round (the generator paraphrased some of its rows,
/// see the data README) is not trained on; it still says something when the model falls
/// below it. The bars are what the shipped model does there, a little below: each
/// ordinary group at least 95% hidden, all spam, accuracy 0.988 and ON recall 0.975 (79
/// of 81; the twelfth round's 0.980 and 0.951, 77 of 81; the eleventh round's candidate
/// 0.976 and 0.951; the tenth
/// round's model 0.988 and 0.975; the ninth
/// round's 0.984 and 0.988, 76 of 79 hidden untagged; the eighth round's 0.980 and
/// 0.975; the fifth round's 0.980 and 0.951).
#[test]
fn shipped_model_keeps_its_figures_on_the_first_rounds_set() {
    assert_holds(
        "unseen-handwritten-3.csv",
        Bars {
            ordinary: 0.95,
            tagged: 0.95,
            spam: 1.0,
            accuracy: 0.97,
            on_recall: 0.95,
        },
    );
}

/// The issue's targets on the independent sets earlier rounds' models were judged on
/// once, and which the model trains on since (the data README has each whole result):
/// `unseen-handwritten-13.csv` and `-14.csv` (the tenth round's model: 0.982 and 0.941)
/// and `-15.csv` (the twelfth round's: 0.970, 68 of 72 untagged ordinary tweets hidden,
/// which a test pinned until the thirteenth round made it training data). This pins only
/// that the model does not fall below the targets on its own training rows; it is no
/// measure of the model: that is `unseen-handwritten-16.csv`'s, once.
#[test]
fn shipped_model_keeps_the_issue_targets_on_the_judged_sets_it_trains_on() {
    for file in [
        "unseen-handwritten-13.csv",
        "unseen-handwritten-14.csv",
        "unseen-handwritten-15.csv",
    ] {
        assert_holds(
            file,
            Bars {
                ordinary: 0.95,
                tagged: 0.95,
                spam: 1.0,
                accuracy: 0.95,
                on_recall: 0.93,
            },
        );
    }
}

/// The shipped model on the three newest independent sets (the data README has each
/// whole result): written by separate writers who read nothing of the project, each
/// SHA-256 committed before any model was scored on it, none trained on.
/// `unseen-handwritten-18.csv` judged the fifteenth round's model once: accuracy 0.981,
/// ON recall 0.978 (90 of 92), 69 of 72 untagged and 69 of 69 tagged ordinary tweets
/// hidden, all 31 spam; the sixteenth round, scored after, makes the same calls. `-17` judged the fourteenth round's once (0.978, 72 of 74 and 69
/// of 70 hidden), `-16` the thirteenth's (0.985, 70 of 71 and 71 of 71); the later models
/// score them after. The bars are the issue's targets, which all three meet; a later
/// model that trains on a set moves it to the test above.
#[test]
fn shipped_model_meets_the_issue_targets_on_the_newest_independent_sets() {
    for file in [
        "unseen-handwritten-16.csv",
        "unseen-handwritten-17.csv",
        "unseen-handwritten-18.csv",
    ] {
        assert_holds(
            file,
            Bars {
                ordinary: 0.95,
                tagged: 0.95,
                spam: 0.95,
                accuracy: 0.95,
                on_recall: 0.93,
            },
        );
    }
}

#[test]
fn the_shipped_data_set_is_large_and_balanced_enough() {
    let examples = dataset::load(&data("tweets-labeled.csv")).unwrap();
    let junk = examples.iter().filter(|e| e.junk).count();
    assert!(examples.len() >= 1000);
    assert!(
        junk * 3 >= examples.len() && (examples.len() - junk) * 3 >= examples.len(),
        "{junk} junk of {}",
        examples.len()
    );
}
