//! The DynamoDB client's settings, where they differ from the SDK's defaults, and why.
//!
//! The Lambdas' and the CLI's DynamoDB client is built here (`AwsClients`), and so are
//! the fault trials' clients in `tests/support/chaos.rs`, so the fault mixes (throttles,
//! delays, dropped connections, lost answers) run on these settings. Some other tests
//! build plain SDK clients (`tests/integration/hostile.rs`'s never-answering DynamoDB
//! among them), and no fault kind stalls an answer mid-body, the one case the missing
//! stalled-stream protection changes (below). Issue 12's ninth round (BENCHMARKS.md, "Ninth round: the SDK's
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
