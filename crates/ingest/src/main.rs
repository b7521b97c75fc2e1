//! The ingest Lambda binary: read config, build the Kinesis client (and, when polling
//! is configured, the X API client with its token and the watermark table) once, run.

use std::sync::Arc;

use lambda_runtime::{service_fn, Error, LambdaEvent};
use tweetboard_aws::config::IngestConfig;
use tweetboard_aws::startup::lambda_start;
use tweetboard_aws::KinesisPublisher;
use tweetboard_ingest::{Ingest, Poller};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let (config, aws) = lambda_start(IngestConfig::from_env).await?;
    let mut ingest = Ingest::new(Arc::new(KinesisPublisher::new(
        aws.kinesis.clone(),
        &config.stream_name,
    )));
    if let Some(poll) = &config.poll {
        // The token is read once per cold start; a secret that cannot be read fails the
        // start, loudly, rather than every scheduled run.
        let poller = Poller::from_config(&aws, poll).await.inspect_err(
            |e| tracing::error!(event = "invalid_configuration", error = %e, "cannot set up polling"),
        )?;
        ingest = ingest.with_poller(poller);
    }
    let ingest = &ingest;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<_>| async move {
        ingest.invoke(event).await
    }))
    .await
}
