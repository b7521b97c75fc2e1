//! `tweetboard evaluate`: a model's metrics on a labeled file.

use std::path::PathBuf;

use tweetboard_classifier::metrics::Evaluation;
use tweetboard_classifier::{dataset, Model};

use super::CliResult;

/// Evaluate a model on a labeled file: accuracy, precision, recall, F1, ROC AUC, the
/// confusion matrix, and accuracy per kind when the file has a `kind` column.
///
/// A kind written as `group/kind` (e.g. `ordinary-tagged/sports`) is also counted in
/// its group.
#[derive(clap::Args)]
pub struct Args {
    /// A model artifact; default: the model compiled into this binary.
    #[arg(long)]
    model: Option<PathBuf>,
    /// Labeled examples (.csv, or .jsonl for JSON Lines).
    #[arg(long)]
    data: PathBuf,
    /// Print the metrics as JSON.
    #[arg(long)]
    json: bool,
    /// Also list every example the model gets wrong, with its score and kind.
    #[arg(long)]
    show_errors: bool,
}

pub fn run(
    Args {
        model,
        data,
        json,
        show_errors,
    }: Args,
) -> CliResult {
    let model = Model::load_or_default(model.as_deref())?;
    let examples = dataset::load(&data)?;
    let scores: Vec<f64> = examples.iter().map(|e| model.score(&e.record)).collect();
    let scored: Vec<(f64, bool, Option<&str>)> = examples
        .iter()
        .zip(&scores)
        .map(|(e, &s)| (s, e.junk, e.kind.as_deref()))
        .collect();
    let evaluation = Evaluation::compute(&scored, model.threshold());
    if json {
        outln!("{}", serde_json::to_string_pretty(&evaluation)?);
    } else {
        outln!("model {} on {}", model.id(), data.display());
        outln!("{}", evaluation.report());
    }
    if show_errors {
        // To stderr with --json, so the JSON on stdout stays one document.
        let lines = examples
            .iter()
            .zip(&scores)
            .filter(|(e, &s)| (s > model.threshold()) != e.junk)
            .map(|(e, s)| {
                let label = if e.junk { "OFF" } else { "ON" };
                let kind = e.kind.as_deref().unwrap_or("-");
                format!(
                    "{label} called {} (junk score {s:.3}) [{kind}] {}",
                    if e.junk { "ON" } else { "OFF" },
                    e.record.text.replace('\n', " ⏎ ")
                )
            });
        for line in lines {
            if json {
                eprintln!("{line}");
            } else {
                outln!("{line}");
            }
        }
    }
    Ok(())
}
