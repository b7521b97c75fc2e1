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

    /// Amazon ML semantics over the model's raw score and threshold.
    pub fn classify_record(&self, record: &Record) -> Classification {
        Classification::from_score(self.model.score(record), self.model.threshold(), self.model.id())
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
