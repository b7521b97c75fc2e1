//! The ingest Lambda binary: read config, build the Kinesis client once, run.

use std::sync::Arc;

use lambda_runtime::{service_fn, Error, LambdaEvent};
use tweetboard_aws::config::IngestConfig;
use tweetboard_aws::startup::lambda_start;
use tweetboard_aws::KinesisPublisher;
use tweetboard_ingest::Ingest;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let (config, aws) = lambda_start(IngestConfig::from_env).await?;
    let ingest = Ingest::new(Arc::new(KinesisPublisher::new(aws.kinesis, &config.stream_name)));
    let ingest = &ingest;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<_>| async move {
        ingest.handle(event).await
    }))
    .await
}
