//! Remote classifiers behind the domain's `Classifier` port: an Amazon ML real-time
//! endpoint (`Predict`) and a SageMaker real-time endpoint (`InvokeEndpoint`). Both send
//! the record the original system sent (see `tweetboard_classifier::record`), and every
//! failure is transient: the record is retried, never guessed.

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_machinelearning::error::DisplayErrorContext;
use aws_sdk_sagemakerruntime::primitives::Blob;
use tweetboard_classifier::Record;
use tweetboard_core::ports::Classifier;
use tweetboard_core::{Classification, ClassifyError, Tweet};

/// Amazon ML's binary-model reading of a prediction: the label, and the raw score for
/// label "1". A binary model's `predictedScores` holds that one score, keyed by the
/// predicted label (e.g. `{"0": 0.12}`).
pub fn read_aml_prediction(
    label: Option<&str>,
    scores: Option<&HashMap<String, f32>>,
) -> Result<(bool, f64), PredictionError> {
    let label = label.ok_or(PredictionError::NoLabel)?;
    let junk = match label {
        "1" => true,
        "0" => false,
        other => return Err(PredictionError::NotBinary(other.chars().take(32).collect())),
    };
    let scores = scores.ok_or(PredictionError::NoScores)?;
    let score = scores
        .get("1")
        .or_else(|| scores.get(label))
        .or_else(|| scores.values().next())
        .ok_or(PredictionError::NoScores)?;
    Ok((junk, f64::from(*score)))
}

/// Why a remote model's answer cannot be read as a binary prediction.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PredictionError {
    #[error("the prediction has no predictedLabel")]
    NoLabel,
    #[error("predictedLabel {0:?} is not a binary label")]
    NotBinary(String),
    #[error("the prediction has no predictedScores")]
    NoScores,
}

/// An Amazon ML real-time endpoint.
pub struct AmlClassifier {
    client: aws_sdk_machinelearning::Client,
    model_id: String,
    predict_endpoint: String,
}

impl AmlClassifier {
    /// The Rust SDK does not route `Predict` to `PredictEndpoint` by itself (other SDKs
    /// do), so the client is pointed at that endpoint here.
    pub fn new(sdk: &aws_config::SdkConfig, model_id: &str, predict_endpoint: &str) -> Self {
        let conf = aws_sdk_machinelearning::config::Builder::from(sdk)
            .endpoint_url(predict_endpoint)
            .build();
        Self {
            client: aws_sdk_machinelearning::Client::from_conf(conf),
            model_id: model_id.into(),
            predict_endpoint: predict_endpoint.into(),
        }
    }
}

#[async_trait]
impl Classifier for AmlClassifier {
    fn model_id(&self) -> &str {
        &self.model_id
    }

    async fn classify(&self, tweet: &Tweet) -> Result<Classification, ClassifyError> {
        let out = self
            .client
            .predict()
            .ml_model_id(&self.model_id)
            .predict_endpoint(&self.predict_endpoint)
            .set_record(Some(Record::from_tweet(tweet).to_aml_map()))
            .send()
            .await
            .map_err(|e| {
                ClassifyError::transient(format!("Amazon ML Predict: {}", DisplayErrorContext(&e)))
            })?;
        let p = out
            .prediction()
            .ok_or_else(|| ClassifyError::transient("Amazon ML Predict returned no prediction"))?;
        let (junk, score) = read_aml_prediction(p.predicted_label(), p.predicted_scores())
            .map_err(|e| ClassifyError::transient(format!("Amazon ML Predict: {e}")))?;
        Ok(Classification::from_label(junk, score, &self.model_id))
    }
}

/// The JSON a SageMaker endpoint for tweetboard answers with: `{"predictedLabel": "0" |
/// "1", "score": <raw score for "1">}`. The request body is the record as a JSON object
/// of strings, the same map Amazon ML receives.
#[derive(Debug, serde::Deserialize, serde::Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SageMakerPrediction {
    pub predicted_label: String,
    pub score: f64,
}

/// A SageMaker real-time endpoint.
pub struct SageMakerClassifier {
    client: aws_sdk_sagemakerruntime::Client,
    endpoint_name: String,
}

impl SageMakerClassifier {
    /// The runtime endpoint comes from the standard configuration
    /// (`AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME` for a local server).
    pub fn new(sdk: &aws_config::SdkConfig, endpoint_name: &str) -> Self {
        Self::from_client(aws_sdk_sagemakerruntime::Client::new(sdk), endpoint_name)
    }

    pub fn from_client(client: aws_sdk_sagemakerruntime::Client, endpoint_name: &str) -> Self {
        Self {
            client,
            endpoint_name: endpoint_name.into(),
        }
    }
}

#[async_trait]
impl Classifier for SageMakerClassifier {
    fn model_id(&self) -> &str {
        &self.endpoint_name
    }

    async fn classify(&self, tweet: &Tweet) -> Result<Classification, ClassifyError> {
        let body =
            serde_json::to_vec(&Record::from_tweet(tweet).to_aml_map()).expect("a map of strings serialises");
        let out = self
            .client
            .invoke_endpoint()
            .endpoint_name(&self.endpoint_name)
            .content_type("application/json")
            .accept("application/json")
            .body(Blob::new(body))
            .send()
            .await
            .map_err(|e| {
                ClassifyError::transient(format!(
                    "SageMaker InvokeEndpoint: {}",
                    aws_sdk_sagemakerruntime::error::DisplayErrorContext(&e)
                ))
            })?;
        let bytes = out.body().map(|b| b.as_ref()).unwrap_or_default();
        let p: SageMakerPrediction = serde_json::from_slice(bytes).map_err(|e| {
            ClassifyError::transient(format!("SageMaker InvokeEndpoint: unexpected response: {e}"))
        })?;
        let junk = match p.predicted_label.as_str() {
            "1" => true,
            "0" => false,
            other => {
                return Err(ClassifyError::transient(format!(
                    "SageMaker: predictedLabel {other:?} is not binary"
                )))
            }
        };
        Ok(Classification::from_label(junk, p.score, &self.endpoint_name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aml_binary_prediction_is_read_as_documented() {
        let scores: HashMap<String, f32> = [("0".to_owned(), 0.125f32)].into();
        assert_eq!(read_aml_prediction(Some("0"), Some(&scores)), Ok((false, 0.125)));
        let scores: HashMap<String, f32> = [("1".to_owned(), 0.75f32)].into();
        assert_eq!(read_aml_prediction(Some("1"), Some(&scores)), Ok((true, 0.75)));
        assert_eq!(
            read_aml_prediction(None, Some(&scores)),
            Err(PredictionError::NoLabel)
        );
        assert_eq!(
            read_aml_prediction(Some("cat"), Some(&scores)),
            Err(PredictionError::NotBinary("cat".into()))
        );
        assert_eq!(
            read_aml_prediction(Some("1"), Some(&HashMap::new())),
            Err(PredictionError::NoScores)
        );
    }
}
