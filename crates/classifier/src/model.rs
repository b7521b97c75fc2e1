//! The model artifact: a versioned JSON document holding the recipe, the weights of a
//! logistic regression, the decision threshold and the training metrics. Loading
//! validates everything, so a corrupt or incompatible model fails at start-up with a
//! clear error, never at the first record.

use std::path::Path;

use crate::metrics::Metrics;
use crate::recipe::Recipe;
use crate::record::Record;

/// The artifact format this build reads and writes.
/// `/2` added the AWS-evidence features (issue 15): a `/1` model would be scored on
/// features it was not trained with, so it is refused instead. `/3` (issue 15, second
/// round) changed the tokenizer (script boundaries) and the evidence features
/// (contextual entries, the spam cross, `aws` inside a sentence).
pub const FORMAT: &str = "tweetboard-model/3";

/// The model as stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ModelArtifact {
    pub format: String,
    /// Stored with every classified item.
    pub id: String,
    pub recipe: Recipe,
    pub bias: f64,
    /// Non-zero weights as `[bucket, weight]` pairs.
    pub weights: Vec<(u32, f32)>,
    /// Amazon ML's rule: label "1" (junk) when the score is above this.
    pub threshold: f64,
    pub training: TrainingInfo,
}

/// How the model was made and how it did on its held-out split.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TrainingInfo {
    pub data: String,
    pub examples: usize,
    pub holdout_examples: usize,
    pub seed: u64,
    pub epochs: u32,
    pub holdout_metrics: Metrics,
}

#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("cannot read model {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("model {origin} is not a valid model document: {source}")]
    Parse {
        origin: String,
        source: serde_json::Error,
    },
    #[error("model {origin} has format {found:?}; this build reads {FORMAT:?}")]
    Incompatible { origin: String, found: String },
    #[error("model {origin} is corrupt: {why}")]
    Corrupt { origin: String, why: String },
}

/// A loaded, validated model, ready to score: the weights are dense for O(1) lookups.
#[derive(Debug, Clone)]
pub struct Model {
    artifact: ModelArtifact,
    dense: Vec<f32>,
}

impl Model {
    /// The default model, compiled into the binary in the form `build.rs` makes of
    /// `models/default.json` (see [`crate::prebuilt`]): no float parsing at start-up.
    pub fn embedded_default() -> Self {
        crate::prebuilt::load("embedded default").expect("the embedded default model is valid")
    }

    /// The artifact at `path` when one is given (`MODEL_PATH`, `--model`), otherwise the
    /// compiled-in default.
    pub fn load_or_default(path: Option<&Path>) -> Result<Self, ModelError> {
        match path {
            Some(path) => Self::load(path),
            None => Ok(Self::embedded_default()),
        }
    }

    pub fn load(path: &Path) -> Result<Self, ModelError> {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ModelError::Read {
            path: origin.clone(),
            source,
        })?;
        Self::from_json(&text, &origin)
    }

    pub fn from_json(text: &str, origin: &str) -> Result<Self, ModelError> {
        // Check the format before the shape, so an old or future artifact says so
        // instead of failing on a field it does not have.
        let value: serde_json::Value = serde_json::from_str(text).map_err(|source| ModelError::Parse {
            origin: origin.into(),
            source,
        })?;
        let found = value.get("format").and_then(|f| f.as_str()).unwrap_or("(none)");
        if found != FORMAT {
            return Err(ModelError::Incompatible {
                origin: origin.into(),
                found: found.into(),
            });
        }
        let artifact: ModelArtifact = serde_json::from_value(value).map_err(|source| ModelError::Parse {
            origin: origin.into(),
            source,
        })?;
        Self::from_artifact(artifact, origin)
    }

    pub fn from_artifact(artifact: ModelArtifact, origin: &str) -> Result<Self, ModelError> {
        let corrupt = |why: String| ModelError::Corrupt {
            origin: origin.into(),
            why,
        };
        let bits = artifact.recipe.hash_bits;
        if !(Recipe::MIN_HASH_BITS..=Recipe::MAX_HASH_BITS).contains(&bits) {
            return Err(corrupt(format!(
                "hash_bits {bits} is outside {}..={}",
                Recipe::MIN_HASH_BITS,
                Recipe::MAX_HASH_BITS
            )));
        }
        if artifact.id.trim().is_empty() {
            return Err(corrupt("the model id is empty".into()));
        }
        if !(artifact.threshold > 0.0 && artifact.threshold < 1.0) {
            return Err(corrupt(format!(
                "threshold {} is not in (0, 1)",
                artifact.threshold
            )));
        }
        if !artifact.bias.is_finite() {
            return Err(corrupt("the bias is not a finite number".into()));
        }
        for (name, bounds) in &artifact.recipe.quantile_bins {
            if bounds.iter().any(|b| !b.is_finite()) || bounds.windows(2).any(|w| w[0] >= w[1]) {
                return Err(corrupt(format!(
                    "quantile bins of {name} are not finite and ascending"
                )));
            }
        }
        let mut dense = vec![0f32; artifact.recipe.buckets()];
        for &(index, weight) in &artifact.weights {
            let slot = dense
                .get_mut(index as usize)
                .ok_or_else(|| corrupt(format!("weight index {index} is outside 2^{bits} buckets")))?;
            if !weight.is_finite() {
                return Err(corrupt(format!("weight {index} is not a finite number")));
            }
            *slot = weight;
        }
        Ok(Self { artifact, dense })
    }

    pub fn id(&self) -> &str {
        &self.artifact.id
    }

    pub fn threshold(&self) -> f64 {
        self.artifact.threshold
    }

    pub fn artifact(&self) -> &ModelArtifact {
        &self.artifact
    }

    /// The raw score for label "1" (junk), in [0, 1].
    pub fn score(&self, record: &Record) -> f64 {
        let features = self.artifact.recipe.features(record);
        self.score_features(&features)
    }

    pub fn score_features(&self, features: &[u32]) -> f64 {
        let z = self.artifact.bias
            + features
                .iter()
                .map(|&i| self.dense[i as usize] as f64)
                .sum::<f64>();
        sigmoid(z)
    }
}

pub fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// The shipped default, trained by `tweetboard train` on the shipped data set. The
/// binary embeds `build.rs`'s form of it instead; the tests parse the JSON itself.
#[cfg(test)]
const DEFAULT_MODEL_JSON: &str = include_str!("../models/default.json");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_default_loads_and_scores() {
        let m = Model::embedded_default();
        let s = m.score(&Record {
            text: "DynamoDB streams to Lambda #aws".into(),
            ..Default::default()
        });
        assert!((0.0..=1.0).contains(&s));
    }

    #[test]
    fn corrupt_and_incompatible_models_are_refused_with_reasons() {
        let good: serde_json::Value = serde_json::from_str(DEFAULT_MODEL_JSON).unwrap();
        let check = |edit: &dyn Fn(&mut serde_json::Value), expect: &str| {
            let mut v = good.clone();
            edit(&mut v);
            let err = Model::from_json(&v.to_string(), "test").unwrap_err().to_string();
            assert!(err.contains(expect), "{err}");
        };
        check(
            &|v| v["format"] = "tweetboard-model/1".into(),
            "has format \"tweetboard-model/1\"",
        );
        check(&|v| v["threshold"] = 1.5.into(), "threshold");
        check(&|v| v["recipe"]["hash_bits"] = 40.into(), "hash_bits");
        check(
            &|v| v["weights"] = serde_json::json!([[99999999, 0.5]]),
            "outside",
        );
        check(&|v| v["id"] = "".into(), "id is empty");
        assert!(Model::from_json("{not json", "x")
            .unwrap_err()
            .to_string()
            .contains("not a valid model document"));
        assert!(Model::load(Path::new("/nonexistent/model.json"))
            .unwrap_err()
            .to_string()
            .contains("cannot read"));
    }
}
