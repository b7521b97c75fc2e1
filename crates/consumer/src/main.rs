//! The consumer Lambda binary: read config, build the clients and the model once, run.

use std::sync::Arc;

use lambda_runtime::{service_fn, Error, LambdaEvent};
use tweetboard_aws::config::ConsumerConfig;
use tweetboard_aws::{telemetry, AwsClients, DynamoQuarantine, DynamoTweetStore};
use tweetboard_classifier::RuleBaseline;
use tweetboard_consumer::Consumer;

#[tokio::main]
async fn main() -> Result<(), Error> {
    telemetry::init();
    let config = ConsumerConfig::from_env()
        .inspect_err(|e| tracing::error!(error = %e, "invalid configuration"))?;
    let aws = AwsClients::load()
        .await
        .inspect_err(|e| tracing::error!(error = %e, "invalid configuration"))?;
    let consumer = Consumer::new(
        Arc::new(RuleBaseline::default()),
        Arc::new(DynamoTweetStore::new(
            aws.dynamo.clone(),
            &config.table_name,
        )),
        Arc::new(DynamoQuarantine::new(
            aws.dynamo,
            &config.quarantine_table_name,
        )),
        config.write_concurrency,
        config.deadline_margin,
    );
    let consumer = &consumer;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<_>| async move {
        consumer.handle(event).await
    }))
    .await
}
