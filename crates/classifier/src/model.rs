//! The model artifact: a versioned JSON document holding the recipe, the weights of a
//! logistic regression, the decision threshold and the training metrics. Loading
//! validates everything, so a corrupt or incompatible model fails at start-up with a
//! clear error, never at the first record.

use std::path::Path;

use crate::metrics::Metrics;
use crate::recipe::Recipe;
use crate::record::RecordRef;

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
    /// Non-zero weights as `[bucket, weight]` pairs, in ascending bucket order without
    /// repeats (as training writes them; loading refuses any other order).
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

/// A loaded, validated model, ready to score: a weight is found in the artifact's sorted
/// pairs through a small index ([`WeightIndex`]).
#[derive(Debug, Clone)]
pub struct Model {
    artifact: ModelArtifact,
    index: WeightIndex,
}

/// Which buckets hold a weight, one bit each, and how many weights come before each
/// 64-bucket word: a bucket's weight is the artifact's pair at its rank among the set
/// bits.
///
/// Why not a dense table of every bucket: 2^18 `f32`s are 1 MB held for the process's
/// life beside the 54,000 pairs (430 KB) they copy, and the consumer's stress batch peaks
/// under its 40 MB target by less than that (issue 12, BENCHMARKS.md "Ninth round").
/// The bitmap and its counts take 16 bytes per 64 buckets (64 KB for 2^18), and a lookup
/// is two loads, a mask and a population count: no scan (a first version scanned a
/// slot's sorted pairs, 4,300 instructions a tweet against the dense table's 970). A
/// weight found is the pair's own `f32` and a bucket without one is 0.0, as the dense
/// table gave, so scores keep their bits.
///
/// Why a word's bits sit beside its count (session 13): a tweet's 150 or so lookups land
/// at random in these tables, and in a Kinesis batch the decoding of each record pushes
/// them out of the CPU's caches between tweets; one line per word and count, where two
/// arrays took two. (The weights stay in the artifact's pairs, which `train` writes out:
/// a copy of them as bare `f32`s would have been 216 KB more, for no gain that
/// alternated runs could tell from the noise.)
#[derive(Debug, Clone)]
struct WeightIndex {
    /// Per 64-bucket word: bit `b % 64` of word `b / 64` is set when bucket `b` has a
    /// weight, and the number of weights in the words before it.
    words: Vec<IndexWord>,
}

/// One 64-bucket word of [`WeightIndex`]: 16 bytes, so four share a cache line and none
/// straddles two.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C, align(16))]
struct IndexWord {
    present: u64,
    before: u32,
}

impl WeightIndex {
    /// `weights` must be sorted by bucket without repeats, each bucket below 2^`bits`
    /// (checked by the caller).
    fn new(weights: &[(u32, f32)], bits: u32) -> Self {
        let count = (1usize << bits).div_ceil(64);
        let mut words = vec![IndexWord::default(); count];
        for &(bucket, _) in weights {
            words[bucket as usize / 64].present |= 1 << (bucket % 64);
        }
        let mut before = 0u32;
        for word in &mut words {
            word.before = before;
            // At most 2^24 pairs fit below 2^24 buckets without repeats.
            before += word.present.count_ones();
        }
        Self { words }
    }

    /// Without a branch on whether the bucket has a weight (session 13): that depends on
    /// the tweet's words, so in a batch of different tweets the CPU often guesses it
    /// wrong, and each wrong guess threw away the lookups it had started for the
    /// features after it; as a select, a tweet's lookups all run at once. (A bucket
    /// without a weight past the last one ranks past the end of `weights`: 0.0 too.)
    #[inline]
    fn weight(&self, weights: &[(u32, f32)], bucket: u32) -> f32 {
        let Some(&IndexWord { present, before }) = self.words.get(bucket as usize / 64) else {
            return 0.0;
        };
        let bit = 1u64 << (bucket % 64);
        let rank = before as usize + (present & (bit - 1)).count_ones() as usize;
        let found = weights.get(rank).map_or(0.0, |&(_, w)| w);
        std::hint::select_unpredictable(present & bit != 0, found, 0.0)
    }
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
        let buckets = artifact.recipe.buckets();
        let mut previous: Option<u32> = None;
        for &(index, weight) in &artifact.weights {
            if index as usize >= buckets {
                return Err(corrupt(format!(
                    "weight index {index} is outside 2^{bits} buckets"
                )));
            }
            if !weight.is_finite() {
                return Err(corrupt(format!("weight {index} is not a finite number")));
            }
            // The lookup needs them sorted; a repeated bucket would be ambiguous.
            if let Some(p) = previous.filter(|&p| p >= index) {
                return Err(corrupt(format!(
                    "weight index {index} follows {p}: the weights are not in ascending bucket order without repeats"
                )));
            }
            previous = Some(index);
        }
        let index = WeightIndex::new(&artifact.weights, bits);
        Ok(Self { artifact, index })
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
    pub fn score<'r>(&self, record: impl Into<RecordRef<'r>>) -> f64 {
        let features = self.artifact.recipe.features(record);
        self.score_features(&features)
    }

    pub fn score_features(&self, features: &[u32]) -> f64 {
        // The index counts bits (`WeightIndex::weight`); the baseline x86_64 target has
        // no population-count instruction, so without this a count is a dozen shifts and
        // masks per feature. Every x86_64 CPU a Lambda runs on has one.
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("popcnt") {
            // SAFETY: the CPU has `popcnt`, checked just above; the function is otherwise
            // the same safe code as `sum_weights`.
            return sigmoid(unsafe { self.sum_weights_popcnt(features) });
        }
        sigmoid(self.sum_weights(features))
    }

    /// The bias plus each feature's weight, summed in the features' order.
    #[inline(always)]
    fn sum_weights(&self, features: &[u32]) -> f64 {
        self.artifact.bias
            + features
                .iter()
                .map(|&i| self.index.weight(&self.artifact.weights, i) as f64)
                .sum::<f64>()
    }

    /// [`Self::sum_weights`] compiled with the CPU's `popcnt`.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "popcnt")]
    unsafe fn sum_weights_popcnt(&self, features: &[u32]) -> f64 {
        self.sum_weights(features)
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
    use crate::record::Record;

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
        check(
            &|v| v["weights"] = serde_json::json!([[7, 0.5], [3, 0.25]]),
            "ascending bucket order",
        );
        check(
            &|v| v["weights"] = serde_json::json!([[3, 0.5], [3, 0.25]]),
            "without repeats",
        );
        assert!(Model::from_json("{not json", "x")
            .unwrap_err()
            .to_string()
            .contains("not a valid model document"));
        assert!(Model::load(Path::new("/nonexistent/model.json"))
            .unwrap_err()
            .to_string()
            .contains("cannot read"));
    }

    /// Every bucket's weight through the index, against the dense table it replaced.
    fn assert_lookup_matches_dense(bits: u32, weights: Vec<(u32, f32)>) {
        let mut artifact = Model::embedded_default().artifact().clone();
        artifact.recipe.hash_bits = bits;
        artifact.weights = weights;
        let model = Model::from_artifact(artifact, "test").unwrap();
        let mut dense = vec![0f32; 1 << bits];
        for &(i, w) in &model.artifact.weights {
            dense[i as usize] = w;
        }
        for (bucket, &w) in dense.iter().enumerate() {
            let found = model.index.weight(&model.artifact.weights, bucket as u32);
            assert_eq!(found.to_bits(), w.to_bits(), "bucket {bucket} of 2^{bits}");
        }
    }

    #[test]
    fn the_index_finds_every_weight_the_dense_table_held() {
        // GIVEN weights clustered, spread, at both ends, -0.0 among them, and none
        let spread = |bits: u32, step: u32| -> Vec<(u32, f32)> {
            (0..1u32 << bits)
                .step_by(step as usize)
                .map(|i| (i, (i as f32 * 0.37).sin()))
                .collect()
        };
        let mut clustered: Vec<(u32, f32)> = (0..40).map(|i| (1000 + i, i as f32 - 20.5)).collect();
        clustered.extend([(0, -0.0), ((1 << 12) - 1, 3.5)]);
        clustered.sort_by_key(|&(i, _)| i);
        // WHEN each is looked up in every bucket THEN the index gives the dense table's bits
        assert_lookup_matches_dense(12, clustered);
        assert_lookup_matches_dense(12, spread(12, 7));
        assert_lookup_matches_dense(10, spread(10, 1));
        assert_lookup_matches_dense(16, spread(16, 3));
        assert_lookup_matches_dense(14, Vec::new());
        assert_lookup_matches_dense(14, vec![((1 << 14) - 1, 1.0)]);
    }

    #[test]
    fn the_shipped_model_needs_no_dense_table() {
        // GIVEN the shipped model (54,000 weights in 2^18 buckets)
        let m = Model::embedded_default();
        // THEN its index is one bit and a share of a count per bucket: 64 KB, not the
        // 1 MB dense table it replaced
        let buckets = m.artifact.recipe.buckets();
        assert_eq!(m.index.words.len() * 64, buckets);
        let bytes = std::mem::size_of_val(&m.index.words[..]);
        assert_eq!(bytes, buckets / 4, "16 bytes per 64 buckets");
        // AND every pair is counted once
        let last = *m.index.words.last().expect("2^18 buckets");
        let counted = last.before as usize + last.present.count_ones() as usize;
        assert_eq!(counted, m.artifact.weights.len());
    }
}
