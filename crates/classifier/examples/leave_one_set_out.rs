//! Leave-one-set-out for the model's training set (issue 15, seventh round): for each
//! hand-written file of the manifest, trains on the generated set and the other
//! hand-written files, scores the held-out one, and prints the figures per set and
//! pooled; with `--compare MODEL.json`, the same table for a model trained on none of
//! them (the fifth round's). Training is slow in a debug build, so run it in release:
//!
//! ```sh
//! make model-loso    # or:
//! cargo run --release -p tweetboard-classifier --example leave_one_set_out -- \
//!     [--manifest crates/classifier/data/training-set.txt] [--repeat 1,2,3] \
//!     [--on-weight 1,1.5,2] [--seed 42[,7,...]] [--compare old-model.json] [--errors]
//! ```
//!
//! `--repeat` replaces the manifest's repeat of every hand-written file (a list runs the
//! whole measure once per value: how the repeat was chosen); `--on-weight` likewise
//! replaces the manifest's ON weight (how it was chosen, eighth round); `--seed` trains with other
//! seeds (each also draws another hold-out from the generated set), to see how much of a
//! difference is the draw. `--also FILE` (repeatable) then trains on the whole set, as
//! the shipped model is, and scores FILE with it (e.g. `unseen-handwritten-2.csv`, which
//! is never trained on); with `--compare`, the compared model too. Seven folds take about a
//! minute in release on a loaded machine.

use std::path::PathBuf;
use std::process::ExitCode;

use tweetboard_classifier::metrics::{Confusion, Evaluation};
use tweetboard_classifier::train::TrainOptions;
use tweetboard_classifier::training_set::{leave_one_set_out, pooled, scored, Fold, TrainingSet};
use tweetboard_classifier::Model;

const USAGE: &str = "usage: leave_one_set_out [--manifest FILE] [--repeat K[,K...]] [--on-weight W[,W...]] [--seed S[,S...]] [--compare MODEL.json] [--also FILE]... [--errors]";

struct Args {
    manifest: PathBuf,
    repeats: Vec<Option<u32>>,
    on_weights: Vec<Option<f64>>,
    compare: Option<PathBuf>,
    errors: bool,
    seeds: Vec<u64>,
    also: Vec<PathBuf>,
}

/// A flag's comma-separated numbers (`--seed 42,7,99`).
fn list<T: std::str::FromStr>(flag: &str, value: &str) -> Result<Vec<T>, String> {
    value
        .split(',')
        .map(|v| {
            v.trim()
                .parse()
                .map_err(|_| format!("{flag} {v:?} is not a number"))
        })
        .collect()
}

fn parse() -> Result<Args, String> {
    let mut args = Args {
        manifest: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/training-set.txt"),
        repeats: vec![None],
        on_weights: vec![None],
        compare: None,
        errors: false,
        seeds: vec![TrainOptions::default().seed],
        also: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or(format!("{a} needs a value\n{USAGE}"));
        match a.as_str() {
            "--manifest" => args.manifest = value()?.into(),
            "--compare" => args.compare = Some(value()?.into()),
            "--repeat" => args.repeats = list(&a, &value()?)?.into_iter().map(Some).collect(),
            "--on-weight" => args.on_weights = list(&a, &value()?)?.into_iter().map(Some).collect(),
            "--seed" => args.seeds = list(&a, &value()?)?,
            "--also" => args.also.push(value()?.into()),
            "--errors" => args.errors = true,
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok(args)
}

/// `a of b` for a group's tweets called OFF (hidden), or `—` when the set has none.
fn hidden(e: &Evaluation, group: &str) -> String {
    e.groups
        .iter()
        .find(|g| g.kind == group)
        .map(|g| format!("{} of {}", g.confusion.off_called_off, g.examples))
        .unwrap_or_else(|| "—".into())
}

fn row(name: &str, e: &Evaluation) -> String {
    let c: &Confusion = &e.confusion;
    format!(
        "| {name} | {} | {} | {:.3} | {:.3} ({} of {}) | {} | {} | {} |",
        e.metrics.examples,
        e.metrics.examples - c.correct(),
        e.metrics.accuracy,
        e.on_recall,
        c.on_called_on,
        c.on_called_on + c.on_called_off,
        hidden(e, "ordinary"),
        hidden(e, "ordinary-tagged"),
        hidden(e, "spam"),
    )
}

const HEADER: &str = "| held-out set | examples | errors | accuracy | ON recall | ordinary hidden (no tag) | ordinary hidden (tagged) | spam hidden |\n| --- | --- | --- | --- | --- | --- | --- | --- |";

fn print_errors(folds: &[Fold], set: &TrainingSet) {
    for fold in folds {
        let part = set.extra.iter().find(|p| p.file == fold.file).unwrap();
        for (e, (s, junk, kind)) in part.examples.iter().zip(&fold.scores) {
            if (*s > fold.threshold) != *junk {
                println!(
                    "  {}: {} called {} ({s:.3}) [{}] {}",
                    fold.file,
                    if *junk { "OFF" } else { "ON" },
                    if *junk { "ON" } else { "OFF" },
                    kind.as_deref().unwrap_or("-"),
                    e.record.text.replace('\n', " ⏎ ")
                );
            }
        }
    }
}

fn run() -> Result<(), String> {
    let args = parse()?;
    let set = TrainingSet::load(&args.manifest).map_err(|e| e.to_string())?;
    if let Some(path) = &args.compare {
        let model = Model::load(path).map_err(|e| e.to_string())?;
        println!(
            "\n{} (trained on none of the held-out sets)\n{HEADER}",
            model.id()
        );
        let folds: Vec<Fold> = set
            .extra
            .iter()
            .map(|p| Fold::score(&p.file, &model, &p.examples))
            .collect();
        for f in &folds {
            println!("{}", row(&f.file, &f.evaluation()));
        }
        if let Some(p) = pooled(&folds) {
            println!("{}", row("**pooled**", &p));
        }
        if args.errors {
            print_errors(&folds, &set);
        }
    }
    let mut runs = Vec::new();
    for r in &args.repeats {
        for w in &args.on_weights {
            runs.extend(args.seeds.iter().map(|s| (r, w, *s)));
        }
    }
    for (repeat, on_weight, seed) in runs {
        let options = TrainOptions {
            seed,
            ..TrainOptions::default()
        };
        let set = match repeat {
            Some(k) => set.with_repeat(*k),
            None => set.clone(),
        };
        let set = match on_weight {
            Some(w) => set.with_on_weight(*w),
            None => set,
        };
        let repeats: Vec<String> = set.extra.iter().map(|p| p.repeat.to_string()).collect();
        println!(
            "\nleave-one-set-out, {} + hand-written sets repeated {}, ON weight {} (seed {})\n{HEADER}",
            set.base.file,
            repeats.join("/"),
            set.on_weight,
            options.seed
        );
        let folds = leave_one_set_out(&set, &options, |f| println!("{}", row(&f.file, &f.evaluation())))
            .map_err(|e| e.to_string())?;
        if let Some(p) = pooled(&folds) {
            println!("{}", row("**pooled**", &p));
        }
        if args.errors {
            print_errors(&folds, &set);
        }
        if !args.also.is_empty() {
            let model =
                Model::from_artifact(set.train(&options, |_| {}), "whole set").map_err(|e| e.to_string())?;
            let mut models = vec![model];
            if let Some(path) = &args.compare {
                models.push(Model::load(path).map_err(|e| e.to_string())?);
            }
            for model in &models {
                println!("\n{} on other files\n{HEADER}", model.id());
                for file in &args.also {
                    let examples = tweetboard_classifier::dataset::load(file).map_err(|e| e.to_string())?;
                    let e = Evaluation::compute(&scored(model, &examples), model.threshold());
                    println!("{}", row(&file.display().to_string(), &e));
                    if args.errors {
                        for (x, (s, junk, kind)) in examples.iter().zip(scored(model, &examples)) {
                            if (s > model.threshold()) != junk {
                                println!(
                                    "  {} ({s:.3}) [{}] {}",
                                    if junk { "OFF shown" } else { "ON hidden" },
                                    kind.unwrap_or("-"),
                                    x.record.text
                                );
                            }
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
