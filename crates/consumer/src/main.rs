//! The consumer Lambda binary: read config, build the clients and the model once, run.
//! After each invocation it prints the batch's metrics as one EMF line on stdout.

use lambda_runtime::layers::TracingLayer;
use lambda_runtime::{service_fn, Error, LambdaEvent, Runtime};
use serde::de::IgnoredAny;
use tweetboard_aws::config::ConsumerConfig;
use tweetboard_aws::startup::lambda_start;
use tweetboard_aws::{schema, telemetry};
use tweetboard_consumer::body::BodyLayer;
use tweetboard_consumer::{Consumer, EventError};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    tweetboard_consumer::tune_allocator();
    let (config, aws) = lambda_start(ConsumerConfig::from_env).await?;
    // A table keyed otherwise would refuse every record alike: refuse to start instead.
    schema::check_consumer_tables(&aws.dynamo, &config.table_name, &config.quarantine_table_name)
        .await
        .inspect_err(|e| tracing::error!(error = %e, "the tables do not match the contract"))?;
    let consumer = Consumer::from_config(&aws, &config)
        .inspect_err(|e| tracing::error!(error = %e, "cannot load the model"))?;
    let function = std::env::var("AWS_LAMBDA_FUNCTION_NAME").unwrap_or_else(|_| "consumer".into());
    let (consumer, function) = (&consumer, function.as_str());
    // The event is read from the invocation's body by the handler, not deserialised by
    // the runtime (see `tweetboard_consumer::body`): the payload is a placeholder.
    let handler = service_fn(move |event: LambdaEvent<IgnoredAny>| async move {
        let (response, report) = consumer.handle_body_with_report(&event.context).await?;
        let now_ms = chrono::Utc::now().timestamp_millis();
        println!(
            "{}",
            telemetry::batch_metrics_emf(function, &report.counts, now_ms)
        );
        Ok::<_, EventError>(response)
    });
    Runtime::new(handler)
        .layer(BodyLayer)
        .layer(TracingLayer::new())
        .run()
        .await
}
