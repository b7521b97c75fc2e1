//! The shipped default model is what `tweetboard train` makes from the shipped data:
//! retraining reproduces it exactly, and its held-out accuracy meets the bar.

use std::path::Path;

use tweetboard_classifier::dataset;
use tweetboard_classifier::metrics::{Evaluation, Metrics};
use tweetboard_classifier::train::{train, TrainOptions};
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
    // GIVEN the shipped model, the shipped data set, and the seed the model was trained with
    let shipped = Model::embedded_default();
    let examples = dataset::load(&data("tweets-labeled.csv")).unwrap();
    let options = TrainOptions {
        seed: shipped.artifact().training.seed,
        ..TrainOptions::default()
    };

    // WHEN a model is trained on that data, with the default options and that seed
    let retrained = train(&examples, &options, "tweets-labeled.csv", |_| {});

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
    // the old yardstick too (the shipped model shows all 30)
    let e = evaluate_shipped("unseen-handwritten-2.csv");
    assert!(e.on_recall >= 0.93, "{e:?}");
}

/// The model's job on a `#aws` board (issue 15): hide ordinary tweets that are not about
/// AWS, with or without the tag, and still show the AWS ones. Measured on
/// `unseen-handwritten-4.csv`, a development set since the second round of issue 15 (its
/// figures in the data README are labelled so): these bars are what the shipped model
/// does there, a little below, so a retrained model that does worse fails here. The
/// issue's targets are judged on a frozen set the lead evaluates once.
#[test]
fn shipped_model_hides_ordinary_tweets_and_shows_aws_ones_on_the_development_set() {
    // GIVEN the shipped model and the development set, which has a kind column
    // THEN at least 95% of the ordinary tweets without the tag are hidden, and at least
    // 93% of those with it (57 of 61: the fourth round shows one more tagged tweet here
    // than the third, a Spanish `aws` typed for a verb; across the development sets the
    // tagged ones stay above 95%, see the test below), at least 95% of the spam, and at
    // least 95% of everything is right with at least 96% of AWS tweets shown
    let e = assert_holds(
        "unseen-handwritten-4.csv",
        Bars {
            ordinary: 0.95,
            tagged: 0.93,
            spam: 0.95,
            accuracy: 0.95,
            on_recall: 0.96,
        },
    );
    // AND the set is as large as it was written
    assert!(e.metrics.examples >= 200);
}

/// `unseen-handwritten-5.csv`, evaluated once with the second round's model, is a
/// development set of the third round: these bars are what the shipped model does there
/// (the issue's accuracy and ON-recall targets are not reached on it, see the data
/// README), so a retrained model that does worse fails here.
#[test]
fn shipped_model_keeps_its_figures_on_the_second_development_set() {
    // GIVEN the shipped model and the second round's frozen set, now a development set
    // THEN each ordinary group is at least 95% hidden, all spam, and at least 94% of
    // everything is right with 89% of AWS tweets shown (0.947 and 0.898: below the
    // issue's 0.95 and 0.93 even here)
    assert_holds(
        "unseen-handwritten-5.csv",
        Bars {
            ordinary: 0.95,
            tagged: 0.95,
            spam: 1.0,
            accuracy: 0.94,
            on_recall: 0.89,
        },
    );
}

/// `unseen-handwritten-6.csv` was evaluated once with the third round's model (its
/// independent figures, in the data README); the fourth round was developed looking at
/// its mistakes, so it is a development set like the others. These bars are what the
/// shipped model does there, a little below, so a retrained model that does worse fails.
#[test]
fn shipped_model_keeps_its_figures_on_the_third_rounds_frozen_set() {
    // GIVEN the shipped model and the set, now a development set
    // THEN each ordinary group is at least 95% hidden, all spam, and accuracy and ON
    // recall stay where they are (0.975 and 0.941; the third round's model, which never
    // saw the set, scored 0.938 and 0.871)
    assert_holds(
        "unseen-handwritten-6.csv",
        Bars {
            ordinary: 0.95,
            tagged: 0.95,
            spam: 1.0,
            accuracy: 0.97,
            on_recall: 0.94,
        },
    );
}

/// `unseen-handwritten-7.csv` was evaluated once with the fourth round's model (its
/// independent figures, in the data README); the fifth round was developed looking at
/// its mistakes, so it is a development set like the others. These bars are what the
/// shipped model does there, a little below, so a retrained model that does worse fails.
#[test]
fn shipped_model_keeps_its_figures_on_the_fourth_rounds_frozen_set() {
    // GIVEN the shipped model and the set, now a development set
    // THEN each ordinary group is at least 95% hidden (97.3% and 100%), 95% of the spam
    // (31 of 32), and accuracy and ON recall stay where they are (0.972 and 0.955, 85 of
    // 89; the fourth round's model, which never saw the set, scored 0.956 and 0.921)
    assert_holds(
        "unseen-handwritten-7.csv",
        Bars {
            ordinary: 0.95,
            tagged: 0.95,
            spam: 0.95,
            accuracy: 0.97,
            on_recall: 0.95,
        },
    );
}

/// `unseen-handwritten-8.csv` was written by someone who read nothing of the project
/// while the fifth round was built, and evaluated once with it (the data README); these
/// bars are exactly what the shipped model did there, so any model that does worse on
/// the issue's own targets fails: ordinary tweets ≥ 95% hidden with and without the tag
/// (95.8%, 100%), accuracy ≥ 0.95 (0.963), ON recall ≥ 0.93 (0.930, 80 of 86).
#[test]
fn shipped_model_meets_the_issues_targets_on_the_fifth_rounds_frozen_set() {
    // GIVEN the shipped model and the set it was judged on once
    // THEN each ordinary group is at least 95% hidden, all the spam (30 of 30), and
    // accuracy and ON recall are at the issue's targets (0.963 and 0.930)
    assert_holds(
        "unseen-handwritten-8.csv",
        Bars {
            ordinary: 0.95,
            tagged: 0.95,
            spam: 0.99,
            accuracy: 0.95,
            on_recall: 0.93,
        },
    );
}

/// `unseen-handwritten-9.csv`, written independently while the sixth round was built
/// (which shipped no model), evaluated once with the shipped model: these bars are what
/// it did there. The tagged ordinary share (94.5%, 52 of 55) is below issue 15's 95%:
/// the bar holds the model where it is, it does not claim the target.
#[test]
fn shipped_model_keeps_its_figures_on_the_sixth_rounds_frozen_set() {
    // GIVEN the shipped model and the set it was judged on once
    // THEN the ordinary groups are hidden as they were (95.8% and 94.5%), all spam, and
    // accuracy and ON recall stay at 0.951 and 0.931 (81 of 87)
    assert_holds(
        "unseen-handwritten-9.csv",
        Bars {
            ordinary: 0.95,
            tagged: 0.94,
            spam: 0.99,
            accuracy: 0.95,
            on_recall: 0.93,
        },
    );
}

/// The four hand-written development sets together (`unseen-handwritten-4/5/6/7.csv`,
/// 972 tweets): the fourth and fifth rounds were chosen on them taken together, not on
/// one alone.
#[test]
fn shipped_model_keeps_its_figures_on_the_development_sets_together() {
    // GIVEN the shipped model and the four development sets
    let sets = ["4", "5", "6", "7"].map(|n| evaluate_shipped(&format!("unseen-handwritten-{n}.csv")));
    // WHEN their counts are added up
    let group = |name: &str| {
        sets.iter()
            .map(|e| e.groups.iter().find(|g| g.kind == name).unwrap())
            .fold((0, 0), |(hit, all), g| {
                (
                    hit + g.confusion.off_called_off + g.confusion.on_called_on,
                    all + g.examples,
                )
            })
    };
    let share = |(hit, all): (usize, usize)| hit as f64 / all as f64;
    let (right, all) = sets.iter().fold((0, 0), |(r, a), e| {
        (
            r + e.confusion.on_called_on + e.confusion.off_called_off,
            a + e.metrics.examples,
        )
    });

    // THEN at least 95% of the ordinary tweets are hidden, with the tag and without
    // (97.1% and 97.4%), and 99% of the spam (128 of 129)
    assert!(share(group("ordinary")) >= 0.95, "{:?}", group("ordinary"));
    assert!(
        share(group("ordinary-tagged")) >= 0.95,
        "{:?}",
        group("ordinary-tagged")
    );
    assert!(share(group("spam")) >= 0.99, "{:?}", group("spam"));
    // AND at least 96% of everything is right (0.963, 36 wrong of 972; the fourth
    // round's model 0.957, 42 wrong), with at least 93.5% of AWS tweets shown (318 of
    // 339, 0.938; fourth round 314, 0.926)
    assert!(share((right, all)) >= 0.96, "{right} of {all}");
    assert!(share(group("aws")) >= 0.935, "{:?}", group("aws"));
}

/// The contaminated set of the first round (the generator paraphrased some of its rows,
/// see the data README) still says something when the model falls well below it.
#[test]
fn shipped_model_keeps_its_figures_on_the_first_rounds_set() {
    let e = evaluate_shipped("unseen-handwritten-3.csv");
    assert!(e.metrics.accuracy >= 0.95 && e.on_recall >= 0.93, "{e:?}");
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
