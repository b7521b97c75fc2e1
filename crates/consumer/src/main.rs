//! The consumer Lambda binary: read config, build the clients and the model once, run.

use lambda_runtime::{service_fn, Error, LambdaEvent};
use tweetboard_aws::config::ConsumerConfig;
use tweetboard_aws::{telemetry, AwsClients};
use tweetboard_consumer::Consumer;

#[tokio::main]
async fn main() -> Result<(), Error> {
    telemetry::init();
    let config =
        ConsumerConfig::from_env().inspect_err(|e| tracing::error!(error = %e, "invalid configuration"))?;
    let aws = AwsClients::load()
        .await
        .inspect_err(|e| tracing::error!(error = %e, "invalid configuration"))?;
    let consumer = Consumer::from_config(&aws, &config)
        .inspect_err(|e| tracing::error!(error = %e, "cannot load the model"))?;
    let consumer = &consumer;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<_>| async move {
        consumer.handle(event).await
    }))
    .await
}
