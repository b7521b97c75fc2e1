//! Training: logistic regression over the recipe's hashed features, by AdaGrad with L2
//! regularisation. Deterministic for a given seed: the split and every epoch's order
//! come from a seeded SplitMix64, never from the OS.

use crate::dataset::Example;
use crate::metrics::Metrics;
use crate::model::{sigmoid, ModelArtifact, TrainingInfo, FORMAT};
use crate::recipe::{fnv1a, Recipe};

#[derive(Debug, Clone)]
pub struct TrainOptions {
    pub seed: u64,
    pub epochs: u32,
    /// Share of the examples held out for the reported metrics.
    pub holdout: f64,
    pub hash_bits: u32,
    pub quantile_bins: usize,
    pub learning_rate: f64,
    /// L2 regularisation of the recipe's signal features (counts, source, lexicons,
    /// AWS evidence): few, dense, and meant to carry the decision.
    pub l2: f64,
    /// L2 regularisation of the text's hashed n-grams: many and sparse. Kept larger, so
    /// everyday words that the training set happens to see in one class only (a
    /// generated set always has some) cannot outvote the evidence features.
    pub l2_text: f64,
    pub threshold: f64,
    /// How much an ON (AWS) row counts against an OFF row: its loss gradient is scaled
    /// by it. Above 1 it trades hiding margin for ON recall. Weighting moves the learned
    /// junk odds down by about the weight, so training hands the weight back to the
    /// bias (`+ ln w`) and moves the threshold to match (`threshold` read in the weighted
    /// model's scale, so `0.5` becomes `w / (1 + w)`): the artifact's score stays a
    /// calibrated junk probability, as Amazon ML's is, and every decision is the one the
    /// weighted model makes (a cut-off above 0.5, as Amazon ML lets one set). The
    /// shipped value is the manifest's `on-weight` (see [`crate::training_set`]), chosen
    /// by leave-one-set-out.
    pub on_weight: f64,
}

impl Default for TrainOptions {
    fn default() -> Self {
        Self {
            seed: 42,
            epochs: 25,
            holdout: 0.2,
            hash_bits: 18,
            quantile_bins: 10,
            learning_rate: 0.2,
            l2: 1e-4,
            l2_text: 3e-3,
            threshold: 0.5,
            on_weight: 1.0,
        }
    }
}

/// A small, fast, seedable generator (SplitMix64), so training is reproducible.
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next_u64() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

/// Splits examples into (train, holdout), shuffled by `seed`.
pub fn split(examples: &[Example], holdout: f64, seed: u64) -> (Vec<Example>, Vec<Example>) {
    let mut shuffled = examples.to_vec();
    SplitMix64::new(seed).shuffle(&mut shuffled);
    let n_holdout = ((examples.len() as f64) * holdout.clamp(0.0, 0.9)).round() as usize;
    let train = shuffled.split_off(n_holdout);
    (train, shuffled)
}

/// Trains on `examples` (after holding out a split), reporting each finished epoch.
pub fn train(
    examples: &[Example],
    options: &TrainOptions,
    data_name: &str,
    on_epoch: impl FnMut(u32),
) -> ModelArtifact {
    train_with(examples, &[], options, data_name, on_epoch)
}

/// Trains on `examples` (after holding out a split) and on every row of `extra`, which
/// is never held out: hand-written tweets are few, and a row in the hold-out would be a
/// row the model never learns from (see [`crate::training_set`]). With no `extra` this
/// is [`train`], bit for bit.
pub fn train_with(
    examples: &[Example],
    extra: &[Example],
    options: &TrainOptions,
    data_name: &str,
    mut on_epoch: impl FnMut(u32),
) -> ModelArtifact {
    let (mut train_set, holdout_set) = split(examples, options.holdout, options.seed);
    train_set.extend_from_slice(extra);
    let records: Vec<_> = train_set.iter().map(|e| e.record.clone()).collect();
    let recipe = Recipe::fit(&records, options.hash_bits, options.quantile_bins);
    let features: Vec<Vec<u32>> = train_set.iter().map(|e| recipe.features(&e.record)).collect();

    let mut l2 = vec![options.l2_text; recipe.buckets()];
    for e in &train_set {
        for f in recipe.signal_features(&e.record) {
            l2[f as usize] = options.l2;
        }
    }
    let mut weights = vec![0f64; recipe.buckets()];
    let mut grad_sq = vec![1e-8f64; recipe.buckets()];
    let (mut bias, mut bias_grad_sq) = (0f64, 1e-8f64);
    let mut order: Vec<usize> = (0..train_set.len()).collect();
    let mut rng = SplitMix64::new(options.seed ^ 0x5eed);
    for epoch in 0..options.epochs {
        rng.shuffle(&mut order);
        for &i in &order {
            let z = bias + features[i].iter().map(|&f| weights[f as usize]).sum::<f64>();
            let g = if train_set[i].junk {
                sigmoid(z) - 1.0
            } else {
                sigmoid(z) * options.on_weight
            };
            bias_grad_sq += g * g;
            bias -= options.learning_rate * g / bias_grad_sq.sqrt();
            for &f in &features[i] {
                let f = f as usize;
                let gi = g + l2[f] * weights[f];
                grad_sq[f] += gi * gi;
                weights[f] -= options.learning_rate * gi / grad_sq[f].sqrt();
            }
        }
        on_epoch(epoch + 1);
    }

    // Hand the ON weight back (see `TrainOptions::on_weight`): the same decisions, a
    // calibrated score. Without a weight nothing moves, bit for bit.
    let threshold = if options.on_weight == 1.0 {
        options.threshold
    } else {
        let shift = options.on_weight.ln();
        bias += shift;
        sigmoid(logit(options.threshold) + shift)
    };

    let sparse: Vec<(u32, f32)> = weights
        .iter()
        .enumerate()
        .filter(|(_, w)| w.abs() > 1e-6)
        .map(|(i, &w)| (i as u32, w as f32))
        .collect();
    let holdout_scored: Vec<(f64, bool)> = holdout_set
        .iter()
        .map(|e| {
            let z = bias
                + recipe
                    .features(&e.record)
                    .iter()
                    .map(|&f| weights[f as usize])
                    .sum::<f64>();
            (sigmoid(z), e.junk)
        })
        .collect();
    let metrics = Metrics::compute(&holdout_scored, threshold);

    // The id names the weights, so the same data and seed always give the same id.
    let mut digest_input = Vec::with_capacity(sparse.len() * 8);
    for (i, w) in &sparse {
        digest_input.extend_from_slice(&i.to_le_bytes());
        digest_input.extend_from_slice(&w.to_le_bytes());
    }
    let id = format!(
        "tweetboard-lr-{:012x}",
        fnv1a(&[&digest_input, &bias.to_le_bytes()]) & 0xffff_ffff_ffff
    );
    ModelArtifact {
        format: FORMAT.into(),
        id,
        recipe,
        bias,
        weights: sparse,
        threshold,
        training: TrainingInfo {
            data: data_name.into(),
            examples: examples.len() + extra.len(),
            holdout_examples: holdout_set.len(),
            seed: options.seed,
            epochs: options.epochs,
            holdout_metrics: metrics,
        },
    }
}

/// The log-odds of a probability in (0, 1): `sigmoid`'s inverse.
fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Record;

    fn toy(n: usize) -> Vec<Example> {
        (0..n)
            .map(|i| {
                let junk = i % 2 == 0;
                let text = if junk {
                    format!("win free crypto giveaway {i}")
                } else {
                    format!("lambda dynamodb kinesis tip {i}")
                };
                Example {
                    record: Record {
                        text,
                        ..Default::default()
                    },
                    junk,
                    kind: None,
                }
            })
            .collect()
    }

    #[test]
    fn training_is_deterministic_for_a_seed_and_learns_a_separable_set() {
        let data = toy(200);
        let options = TrainOptions {
            epochs: 5,
            hash_bits: 14,
            ..Default::default()
        };
        let a = train(&data, &options, "toy", |_| {});
        let b = train(&data, &options, "toy", |_| {});
        assert_eq!(a, b);
        assert_eq!(a.training.holdout_examples, 40);
        assert_eq!(a.training.holdout_metrics.accuracy, 1.0);
        let c = train(&data, &TrainOptions { seed: 7, ..options }, "toy", |_| {});
        assert_ne!(a.id, c.id);
    }

    #[test]
    fn an_on_weight_goes_back_into_the_bias_and_the_threshold() {
        // GIVEN a set where half the rows are ambiguous: the same words, either label
        let mut data = toy(200);
        for (i, e) in data.iter_mut().enumerate().filter(|(i, _)| i % 4 < 2) {
            e.record.text = format!("cloud news today {i}");
        }
        let options = TrainOptions {
            epochs: 5,
            hash_bits: 14,
            ..Default::default()
        };
        let plain = train(&data, &options, "toy", |_| {});
        let weighted = train(
            &data,
            &TrainOptions {
                on_weight: 3.0,
                ..options
            },
            "toy",
            |_| {},
        );
        // THEN no weight leaves the threshold at 0.5; a weight of 3 reads the calibrated
        // score at 3 / (1 + 3): the weighted model's 0.5
        assert_eq!(plain.threshold, 0.5);
        assert!((weighted.threshold - 0.75).abs() < 1e-12);
        // AND the ambiguous rows' score is still about their share of junk (a half), not
        // a third of its odds (a quarter), while the weight still decides them ON
        let model = crate::model::Model::from_artifact(weighted.clone(), "toy").unwrap();
        let ambiguous = Record {
            text: "cloud news today".into(),
            ..Default::default()
        };
        let score = model.score(&ambiguous);
        assert!((0.35..0.65).contains(&score), "score {score}");
        assert!(score < weighted.threshold);
    }
}
