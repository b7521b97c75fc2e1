//! The model's training set as a committed list of labeled files (a manifest, e.g.
//! `data/training-set.txt`), so that the shipped model can be retrained from files alone,
//! and the leave-one-set-out measure that judges it.
//!
//! The first file is the base, the generated set: the hold-out split is drawn from it
//! alone. Every other file is trained on whole, each row `repeat` times: hand-written
//! tweets are about a tenth of the generated rows, and they are the only rows written the
//! way people write, so a row counts as several. The manifest's format, one file a line:
//!
//! ```text
//! # comment
//! tweets-labeled.csv 1
//! dev-handwritten.csv 3
//! ```
//!
//! Paths are relative to the manifest's folder. A line `on-weight <w>` (at most one)
//! weights every ON row's loss by `w` in training (1 without it; see
//! [`TrainOptions::on_weight`]): how recall is traded against hiding margin, chosen by
//! leave-one-set-out like the repeat.

use std::path::Path;

use crate::dataset::{self, DatasetError, Example};
use crate::metrics::Evaluation;
use crate::model::{Model, ModelArtifact, ModelError};
use crate::train::{train_with, TrainOptions};

/// One labeled file of the training set.
#[derive(Debug, Clone)]
pub struct Part {
    /// The file's name as the manifest gives it.
    pub file: String,
    /// How many times each of its rows is trained on.
    pub repeat: u32,
    pub examples: Vec<Example>,
}

/// The base file and the files trained on whole.
#[derive(Debug, Clone)]
pub struct TrainingSet {
    pub base: Part,
    pub extra: Vec<Part>,
    /// The manifest's `on-weight`, 1 without one: overrides [`TrainOptions::on_weight`].
    pub on_weight: f64,
}

/// The largest repeat a manifest may ask for: past it a few hand-written rows would
/// outweigh the generated set many times over, which is never what is meant.
pub const MAX_REPEAT: u32 = 50;

/// The largest ON weight a manifest may ask for, for the same reason.
pub const MAX_ON_WEIGHT: f64 = 20.0;

impl TrainingSet {
    /// Reads a manifest and every file it names.
    pub fn load(manifest: &Path) -> Result<Self, DatasetError> {
        let name = manifest.display().to_string();
        let text = std::fs::read_to_string(manifest).map_err(|source| DatasetError::Read {
            path: name.clone(),
            source,
        })?;
        let dir = manifest.parent().unwrap_or(Path::new("."));
        let mut parts = Vec::new();
        let mut on_weight = None;
        for (i, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let bad = |why: String| DatasetError::Bad {
                path: name.clone(),
                line: i + 1,
                why,
            };
            let mut words = line.split_whitespace();
            if let Some(value) = line.strip_prefix("on-weight ") {
                let w: f64 = value
                    .trim()
                    .parse()
                    .ok()
                    .filter(|w| (1.0..=MAX_ON_WEIGHT).contains(w))
                    .ok_or_else(|| {
                        bad(format!(
                            "on-weight {value:?} is not a number from 1 to {MAX_ON_WEIGHT}"
                        ))
                    })?;
                if on_weight.replace(w).is_some() {
                    return Err(bad("on-weight is given twice".into()));
                }
                continue;
            }
            let (Some(file), Some(repeat), None) = (words.next(), words.next(), words.next()) else {
                return Err(bad("expected `<file> <repeat>`".into()));
            };
            let repeat: u32 = repeat
                .parse()
                .ok()
                .filter(|r| (1..=MAX_REPEAT).contains(r))
                .ok_or_else(|| {
                    bad(format!(
                        "repeat {repeat:?} is not a whole number from 1 to {MAX_REPEAT}"
                    ))
                })?;
            if parts.is_empty() && repeat != 1 {
                return Err(bad(
                    "the first file is the base (the hold-out is drawn from it): its repeat must be 1".into(),
                ));
            }
            if parts.iter().any(|p: &Part| p.file == file) {
                return Err(bad(format!("{file} is listed twice")));
            }
            parts.push(Part {
                file: file.to_owned(),
                repeat,
                examples: dataset::load(&dir.join(file))?,
            });
        }
        let mut parts = parts.into_iter();
        let base = parts.next().ok_or(DatasetError::Empty { path: name })?;
        Ok(Self {
            base,
            extra: parts.collect(),
            on_weight: on_weight.unwrap_or(1.0),
        })
    }

    /// The rows trained on besides the base's: each extra file's rows, `repeat` times.
    pub fn extra_rows(&self) -> Vec<Example> {
        let mut rows = Vec::new();
        for part in &self.extra {
            for _ in 0..part.repeat {
                rows.extend_from_slice(&part.examples);
            }
        }
        rows
    }

    /// What the model was trained on, for the artifact's `training.data`:
    /// `tweets-labeled.csv + 3 × dev-handwritten.csv + ...`.
    pub fn describe(&self) -> String {
        let mut out = self.base.file.clone();
        for part in &self.extra {
            out += &format!(" + {} × {}", part.repeat, part.file);
        }
        if self.on_weight != 1.0 {
            out += &format!(", ON rows weighted {}", self.on_weight);
        }
        out
    }

    /// The same set without one extra file (a leave-one-set-out fold).
    pub fn without(&self, file: &str) -> Self {
        Self {
            base: self.base.clone(),
            extra: self.extra.iter().filter(|p| p.file != file).cloned().collect(),
            on_weight: self.on_weight,
        }
    }

    /// The same set with every extra file repeated `repeat` times.
    pub fn with_repeat(&self, repeat: u32) -> Self {
        let mut set = self.clone();
        for part in &mut set.extra {
            part.repeat = repeat;
        }
        set
    }

    /// The same set with ON rows weighted `on_weight` in training.
    pub fn with_on_weight(&self, on_weight: f64) -> Self {
        Self {
            on_weight,
            ..self.clone()
        }
    }

    /// Trains a model on the set: the hold-out from the base, every extra row trained on,
    /// ON rows weighted by the set's `on_weight` (whatever `options` says).
    pub fn train(&self, options: &TrainOptions, on_epoch: impl FnMut(u32)) -> ModelArtifact {
        let options = TrainOptions {
            on_weight: self.on_weight,
            ..options.clone()
        };
        train_with(
            &self.base.examples,
            &self.extra_rows(),
            &options,
            &self.describe(),
            on_epoch,
        )
    }
}

/// A model's scores on a labeled file, as [`Evaluation::compute`] takes them.
pub fn scored<'a>(model: &Model, examples: &'a [Example]) -> Vec<(f64, bool, Option<&'a str>)> {
    examples
        .iter()
        .map(|e| (model.score(&e.record), e.junk, e.kind.as_deref()))
        .collect()
}

/// One fold of the leave-one-set-out measure: the held-out file and the scores of the
/// model trained without it.
pub struct Fold {
    pub file: String,
    pub model_id: String,
    pub threshold: f64,
    pub scores: Vec<(f64, bool, Option<String>)>,
}

impl Fold {
    /// `model`'s scores of `examples`, the file they came from.
    pub fn score(file: &str, model: &Model, examples: &[Example]) -> Self {
        Self {
            file: file.to_owned(),
            model_id: model.id().to_owned(),
            threshold: model.threshold(),
            scores: scored(model, examples)
                .into_iter()
                .map(|(s, junk, kind)| (s, junk, kind.map(str::to_owned)))
                .collect(),
        }
    }

    pub fn evaluation(&self) -> Evaluation {
        let scored: Vec<_> = self
            .scores
            .iter()
            .map(|(s, junk, kind)| (*s, *junk, kind.as_deref()))
            .collect();
        Evaluation::compute(&scored, self.threshold)
    }
}

/// Leave-one-set-out: for each extra file, trains on the base and the other extra files
/// and scores the held-out one. The honest measure of a model that trains on
/// hand-written sets: each set is judged by a model that never saw it.
pub fn leave_one_set_out(
    set: &TrainingSet,
    options: &TrainOptions,
    mut on_fold: impl FnMut(&Fold),
) -> Result<Vec<Fold>, ModelError> {
    let mut folds = Vec::new();
    for held_out in &set.extra {
        let artifact = set.without(&held_out.file).train(options, |_| {});
        let model = Model::from_artifact(artifact, "leave-one-set-out fold")?;
        let fold = Fold::score(&held_out.file, &model, &held_out.examples);
        on_fold(&fold);
        folds.push(fold);
    }
    Ok(folds)
}

/// The folds' scores together, as one evaluation.
pub fn pooled(folds: &[Fold]) -> Option<Evaluation> {
    let threshold = folds.first()?.threshold;
    let scored: Vec<_> = folds
        .iter()
        .flat_map(|f| {
            f.scores
                .iter()
                .map(|(s, junk, kind)| (*s, *junk, kind.as_deref()))
        })
        .collect();
    Some(Evaluation::compute(&scored, threshold))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        std::fs::write(dir.join(name), text).unwrap();
    }

    #[test]
    fn a_manifest_names_the_base_and_the_files_trained_on_whole_with_their_repeat() {
        // GIVEN a manifest of a base file and one extra file repeated three times
        let dir = std::env::temp_dir().join(format!("tb-manifest-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        write(&dir, "base.csv", "text,label\na,ON\nb,OFF\n");
        write(&dir, "hand.csv", "text,label,kind\nc,ON,aws/x\n");
        write(
            &dir,
            "set.txt",
            "# the set\nbase.csv 1\nhand.csv 3  # hand-written\n",
        );
        // WHEN it is loaded
        let set = TrainingSet::load(&dir.join("set.txt")).unwrap();
        // THEN the extra rows are the extra file's rows three times, and the description
        // says so
        assert_eq!(set.base.examples.len(), 2);
        assert_eq!(set.extra_rows().len(), 3);
        assert_eq!(set.describe(), "base.csv + 3 × hand.csv");
        assert_eq!(set.without("hand.csv").extra_rows().len(), 0);
        assert_eq!(set.with_repeat(5).extra_rows().len(), 5);
        // AND a bad line is refused with its line number
        write(&dir, "bad.txt", "base.csv 1\nhand.csv 0\n");
        let err = TrainingSet::load(&dir.join("bad.txt")).unwrap_err().to_string();
        assert!(err.contains(": 2: repeat \"0\""), "{err}");
        write(&dir, "bad2.txt", "base.csv 2\n");
        assert!(TrainingSet::load(&dir.join("bad2.txt")).is_err());
        // AND an ON weight is read, said in the description, and refused out of range
        write(&dir, "weighted.txt", "base.csv 1\non-weight 1.5\nhand.csv 1\n");
        let weighted = TrainingSet::load(&dir.join("weighted.txt")).unwrap();
        assert_eq!(weighted.on_weight, 1.5);
        assert_eq!(
            weighted.describe(),
            "base.csv + 1 × hand.csv, ON rows weighted 1.5"
        );
        assert_eq!(set.on_weight, 1.0);
        write(&dir, "bad3.txt", "base.csv 1\non-weight 0.5\n");
        let err = TrainingSet::load(&dir.join("bad3.txt")).unwrap_err().to_string();
        assert!(err.contains(": 2: on-weight"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
