//! What the model says about a tweet, with Amazon Machine Learning's binary-model
//! semantics: a raw score for label "1" (junk), a threshold, and a percent confidence.

use std::fmt;

/// The board's two classes. Amazon ML's `predictedLabel` "0" is on topic, "1" is junk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Prediction {
    /// On topic: shown on the board.
    On,
    /// Junk: hidden.
    Off,
}

impl Prediction {
    pub fn as_str(self) -> &'static str {
        match self {
            Prediction::On => "ON",
            Prediction::Off => "OFF",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ON" => Some(Prediction::On),
            "OFF" => Some(Prediction::Off),
            _ => None,
        }
    }

    /// Amazon ML's `predictedLabel` for this class.
    pub fn aml_label(self) -> &'static str {
        match self {
            Prediction::On => "0",
            Prediction::Off => "1",
        }
    }
}

impl fmt::Display for Prediction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One classification.
#[derive(Debug, Clone, PartialEq)]
pub struct Classification {
    pub prediction: Prediction,
    /// Raw score for label "1" (junk), in [0, 1].
    pub score: f64,
    /// Percent confidence in `prediction`, 3 decimals: the score of the predicted label
    /// (`score` for junk, `1 − score` for on-topic) × 100. With a threshold of 0.5 that
    /// is max(score, 1 − score); above it (a model trained with an ON weight, whose
    /// cut-off is higher) an on-topic call can carry under 50%, as it should.
    pub probability: f64,
    /// The id of the model that decided.
    pub model_id: String,
}

impl Classification {
    /// Applies Amazon ML's rule: label "1" when `score > threshold`.
    pub fn from_score(score: f64, threshold: f64, model_id: impl Into<String>) -> Self {
        let score = if score.is_finite() {
            score.clamp(0.0, 1.0)
        } else {
            0.5
        };
        let prediction = if score > threshold {
            Prediction::Off
        } else {
            Prediction::On
        };
        Self {
            prediction,
            score,
            probability: percent(match prediction {
                Prediction::Off => score,
                Prediction::On => 1.0 - score,
            }),
            model_id: model_id.into(),
        }
    }

    /// For a remote model that decided the label itself (with its own threshold) and
    /// returned the raw score for label "1". The probability is the predicted label's
    /// score, as [`Classification::from_score`] stores it: with a cut-off above 0.5 (the
    /// shipped model's 0.75) an on-topic call at score 0.616 carries 38.4%, not
    /// max(score, 1 − score), so the three classifier paths store the same number.
    pub fn from_label(junk: bool, score: f64, model_id: impl Into<String>) -> Self {
        let score = if score.is_finite() {
            score.clamp(0.0, 1.0)
        } else {
            0.5
        };
        let prediction = if junk { Prediction::Off } else { Prediction::On };
        Self {
            prediction,
            score,
            probability: percent(if junk { score } else { 1.0 - score }),
            model_id: model_id.into(),
        }
    }

    /// The probability as stored: a DynamoDB number with exactly 3 decimals.
    pub fn probability_text(&self) -> String {
        format!("{:.3}", self.probability)
    }
}

/// A probability × 100, rounded to 3 decimals.
fn percent(p: f64) -> f64 {
    (p * 100.0 * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amazon_ml_semantics() {
        let c = Classification::from_score(0.87654321, 0.5, "m");
        assert_eq!(c.prediction, Prediction::Off);
        assert_eq!(c.probability_text(), "87.654");
        let c = Classification::from_score(0.1, 0.5, "m");
        assert_eq!(c.prediction, Prediction::On);
        assert_eq!(c.probability_text(), "90.000");
        // The threshold is the model's, not a fixed 0.5.
        assert_eq!(
            Classification::from_score(0.6, 0.7, "m").prediction,
            Prediction::On
        );
        assert_eq!(
            Classification::from_score(f64::NAN, 0.5, "m").probability_text(),
            "50.000"
        );
        // Above a 0.5 threshold the confidence is the predicted label's own score: 60%
        // junk called on-topic is 40% sure, not 60%.
        let c = Classification::from_score(0.6, 0.75, "m");
        assert_eq!(c.prediction, Prediction::On);
        assert_eq!(c.probability_text(), "40.000");
        assert_eq!(
            Classification::from_score(0.8, 0.75, "m").probability_text(),
            "80.000"
        );
    }

    #[test]
    fn a_remote_label_stores_the_predicted_labels_score_as_the_embedded_model_does() {
        // GIVEN a remote model with a 0.75 cut-off that called a 0.6 junk score on-topic
        let remote = Classification::from_label(false, 0.6, "m");
        // THEN it stores what the embedded model stores for the same score and cut-off
        assert_eq!(remote, Classification::from_score(0.6, 0.75, "m"));
        assert_eq!(remote.probability_text(), "40.000");
        assert_eq!(
            Classification::from_label(true, 0.8, "m").probability_text(),
            "80.000"
        );
    }
}
