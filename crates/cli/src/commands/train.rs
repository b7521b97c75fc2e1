//! `tweetboard train`: fit the on-topic/junk model on a labeled file (or a training-set
//! manifest) and write it.

use std::path::PathBuf;

use tweetboard_classifier::train::{self, TrainOptions};
use tweetboard_classifier::training_set::TrainingSet;
use tweetboard_classifier::{dataset, Model};
use tweetboard_cli::progress;

use super::CliResult;

/// Train the on-topic/junk model from a labeled CSV or JSON Lines file.
///
/// Columns: text, id, followers, favourites, friends, lists, retweets, tweets, user,
/// source, label (ON/OFF or 0/1; OFF = 1 = junk). Holds out a split, prints its
/// accuracy, precision, recall, F1 and ROC AUC, and writes the model artifact.
/// Deterministic for a given seed.
///
/// The shipped model is trained from a manifest:
/// `tweetboard train --manifest crates/classifier/data/training-set.txt --out
/// crates/classifier/models/default.json`.
#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("input").required(true).args(["data", "manifest"])))]
pub struct Args {
    /// Labeled examples (.csv, or .jsonl for JSON Lines).
    #[arg(long)]
    data: Option<PathBuf>,
    /// A training-set manifest instead: one `<file> <repeat>` a line, the first file the
    /// generated set the hold-out is drawn from, each row of the others trained on
    /// <repeat> times and never held out, and optionally a line `on-weight <w>` that
    /// weights each ON row's loss by w and then hands w back to the bias (+ ln w) and
    /// the threshold (w / (1 + w) for 0.5), so the score stays a calibrated junk
    /// probability with the weighted model's decisions (see
    /// crates/classifier/data/training-set.txt).
    #[arg(long)]
    manifest: Option<PathBuf>,
    /// Where to write the model (JSON).
    #[arg(long)]
    out: PathBuf,
    #[arg(long, default_value_t = 42)]
    seed: u64,
    #[arg(long, default_value_t = 25, value_parser = clap::value_parser!(u32).range(1..=1000))]
    epochs: u32,
    /// Share of the examples held out for the reported metrics.
    #[arg(long, default_value_t = 0.2)]
    holdout: f64,
    /// Features hash into 2^BITS buckets.
    #[arg(long, default_value_t = 18, value_parser = clap::value_parser!(u32).range(10..=24))]
    hash_bits: u32,
    /// L2 regularisation of the text's n-grams per update: larger keeps their weights
    /// small, so the recipe's signal features (lexicons, AWS evidence) carry more of
    /// the decision.
    #[arg(long, default_value_t = TrainOptions::default().l2_text)]
    l2_text: f64,
    /// Print the metrics as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> CliResult {
    let Args {
        data,
        manifest,
        out,
        seed,
        epochs,
        holdout,
        hash_bits,
        l2_text,
        json,
    } = args;
    if !(0.0..=1.0).contains(&l2_text) {
        return Err(format!("--l2-text {l2_text} must be between 0 and 1").into());
    }
    if !(0.05..=0.5).contains(&holdout) {
        return Err(format!("--holdout {holdout} must be between 0.05 and 0.5").into());
    }
    let options = TrainOptions {
        seed,
        epochs,
        holdout,
        hash_bits,
        l2_text,
        ..TrainOptions::default()
    };
    let pb = progress::bar(u64::from(epochs), "train");
    let artifact = match (data, manifest) {
        (_, Some(manifest)) => TrainingSet::load(&manifest)?.train(&options, |_| pb.inc(1)),
        (Some(data), None) => {
            let examples = dataset::load(&data)?;
            let name = data
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            train::train(&examples, &options, &name, |_| pb.inc(1))
        }
        (None, None) => unreachable!("clap requires --data or --manifest"),
    };
    pb.finish_and_clear();
    // Validate as every consumer will at cold start before writing it anywhere.
    let model = Model::from_artifact(artifact, "trained model")?;
    let text = serde_json::to_string(model.artifact())? + "\n";
    std::fs::write(&out, text).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    let m = &model.artifact().training.holdout_metrics;
    if json {
        outln!("{}", serde_json::to_string_pretty(&model.artifact().training)?);
    } else {
        outln!("model {} written to {}", model.id(), out.display());
        outln!(
            "{} examples ({}), {} held out (seed {seed}, {epochs} epochs)",
            model.artifact().training.examples,
            model.artifact().training.data,
            m.examples
        );
        outln!("{}", m.report());
    }
    Ok(())
}
