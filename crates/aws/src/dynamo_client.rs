//! The DynamoDB client's settings, where they differ from the SDK's defaults, and why.
//!
//! Every DynamoDB client of ours is built here (`AwsClients`, and the fault trials'
//! clients in `tests/support/chaos.rs`), so the fault tests exercise the settings the
//! Lambdas run with. Issue 12's ninth round (BENCHMARKS.md, "Ninth round: the SDK's
//! request path") measured what each costs per request.

use aws_config::SdkConfig;
use aws_sdk_dynamodb::config::{Builder, StalledStreamProtectionConfig};

use crate::user_agent::CachedUserAgent;

/// The DynamoDB client's configuration from the shared SDK configuration
/// (`config::load_sdk_config`: region, credentials, endpoint, timeouts, retries).
pub fn dynamo_config(sdk: &SdkConfig) -> Builder {
    Builder::from(sdk)
        // Stalled-stream protection guards long streaming bodies (S3 downloads). DynamoDB
        // has none: a request and its answer are at most a few hundred KB of JSON, and the
        // attempt timeout (`load_sdk_config`: 10 s, covering the body's read as well) ends
        // a stalled answer and hands it to the same retry policy. With it on, every request
        // paid for wrapping both bodies in a throughput monitor and a timer per poll.
        .stalled_stream_protection(StalledStreamProtectionConfig::disabled())
        // The SDK's user-agent headers, formatted once instead of per request.
        .interceptor(CachedUserAgent::default())
}

/// A DynamoDB client built with [`dynamo_config`].
pub fn dynamo_client(sdk: &SdkConfig) -> aws_sdk_dynamodb::Client {
    aws_sdk_dynamodb::Client::from_conf(dynamo_config(sdk).build())
}
