//! AWS adapters for tweetboard: every call to Kinesis and DynamoDB goes through here, via
//! the AWS SDK. The endpoint is whatever the standard `AWS_ENDPOINT_URL` /
//! `AWS_ENDPOINT_URL_<SERVICE>` variables name (a local emulator) or AWS itself: there is
//! no other switch.

pub mod board;
pub mod checkpoints;
pub mod config;
pub mod counts;
pub mod dynamo;
pub mod dynamo_client;
pub mod errors;
pub mod failures;
pub mod item;
pub mod kinesis;
pub mod ml;
pub mod provision;
pub mod quarantine;
pub mod reindex;
pub mod retry;
pub mod schema;
pub mod secrets;
pub mod startup;
pub mod telemetry;
pub mod user_agent;
pub mod watermark;
pub mod x_search;

pub use config::{load_sdk_config, ClassifierConfig, ConfigError, ConsumerConfig, IngestConfig, StoreNames};
pub use dynamo::{DynamoQuarantine, DynamoTweetStore};
pub use kinesis::{KinesisPublisher, KinesisReader};

/// The SDK clients every binary needs, built once from the standard AWS configuration.
#[derive(Clone, Debug)]
pub struct AwsClients {
    pub kinesis: aws_sdk_kinesis::Client,
    pub dynamo: aws_sdk_dynamodb::Client,
    pub sqs: aws_sdk_sqs::Client,
    /// For clients built on demand (Amazon ML, SageMaker).
    pub sdk: aws_config::SdkConfig,
}

impl AwsClients {
    /// Loads the SDK configuration (see [`load_sdk_config`]) and builds the clients.
    pub async fn load() -> Result<Self, ConfigError> {
        let sdk = load_sdk_config().await?;
        Ok(Self::from_sdk_config(&sdk))
    }

    /// The classifier the configuration names, built once per cold start. The embedded
    /// model is loaded and validated here, so a bad `MODEL_PATH` fails at start-up.
    pub fn classifier(
        &self,
        config: &ClassifierConfig,
    ) -> Result<std::sync::Arc<dyn tweetboard_core::ports::Classifier>, tweetboard_classifier::ModelError>
    {
        use std::sync::Arc;
        use tweetboard_classifier::{EmbeddedClassifier, Model};
        Ok(match config {
            ClassifierConfig::Embedded { model_path } => Arc::new(EmbeddedClassifier::new(
                Model::load_or_default(model_path.as_deref())?,
            )),
            ClassifierConfig::AmazonMl {
                model_id,
                predict_endpoint,
            } => Arc::new(ml::AmlClassifier::new(&self.sdk, model_id, predict_endpoint)),
            ClassifierConfig::SageMaker { endpoint_name } => {
                Arc::new(ml::SageMakerClassifier::new(&self.sdk, endpoint_name))
            }
        })
    }

    pub fn from_sdk_config(sdk: &aws_config::SdkConfig) -> Self {
        Self {
            kinesis: aws_sdk_kinesis::Client::new(sdk),
            dynamo: dynamo_client::dynamo_client(sdk),
            sqs: aws_sdk_sqs::Client::new(sdk),
            sdk: sdk.clone(),
        }
    }
}
