//! The default classifier: the model runs inside the Lambda.

use async_trait::async_trait;
use tweetboard_core::ports::Classifier;
use tweetboard_core::{Classification, ClassifyError, Tweet};

use crate::model::Model;
use crate::record::Record;

/// Scores tweets with a loaded [`Model`]; built once per cold start.
pub struct EmbeddedClassifier {
    model: Model,
}

impl EmbeddedClassifier {
    pub fn new(model: Model) -> Self {
        Self { model }
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Amazon ML semantics over the model's raw score and threshold. The score is
    /// reported as a 32-bit float, as Amazon ML's `predictedScores` carries it, so the
    /// embedded path and a remote endpoint serving the same model agree to the digit.
    pub fn classify_record(&self, record: &Record) -> Classification {
        let score = self.model.score(record) as f32 as f64;
        Classification::from_score(score, self.model.threshold(), self.model.id())
    }
}

#[async_trait]
impl Classifier for EmbeddedClassifier {
    fn model_id(&self) -> &str {
        self.model.id()
    }

    async fn classify(&self, tweet: &Tweet) -> Result<Classification, ClassifyError> {
        Ok(self.classify_record(&Record::from_tweet(tweet)))
    }
}
