//! `tweetboard evaluate`: a model's metrics on a labeled file.

use std::path::PathBuf;

use tweetboard_classifier::metrics::Metrics;
use tweetboard_classifier::{dataset, Model};

use super::CliResult;

/// Evaluate a model on a labeled file: accuracy, precision, recall, F1, ROC AUC.
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
}

pub fn run(Args { model, data, json }: Args) -> CliResult {
    let model = Model::load_or_default(model.as_deref())?;
    let examples = dataset::load(&data)?;
    let scored: Vec<(f64, bool)> = examples
        .iter()
        .map(|e| (model.score(&e.record), e.junk))
        .collect();
    let metrics = Metrics::compute(&scored, model.threshold());
    if json {
        println!("{}", serde_json::to_string_pretty(&metrics)?);
    } else {
        println!("model {} on {}", model.id(), data.display());
        println!("{}", metrics.report());
    }
    Ok(())
}
