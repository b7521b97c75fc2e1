//! `tweetboard init`: the stream and tables (tweets, quarantine, checkpoints, the
//! chart's counts), created if missing and waited on until active. Safe to run any
//! number of times.

use std::time::{Duration, Instant};

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, TableStatus,
};
use aws_sdk_kinesis::types::StreamStatus;
use tweetboard_core::attributes;
use tweetboard_core::ServiceError;

use crate::config::StoreNames;
use crate::errors::{classify, service_code};

/// What `init` found and did, resource by resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitReport {
    pub created: Vec<String>,
    pub existing: Vec<String>,
}

/// How long `init` waits for a resource to become active.
const ACTIVE_TIMEOUT: Duration = Duration::from_secs(120);

pub async fn init(
    kinesis: &aws_sdk_kinesis::Client,
    dynamo: &aws_sdk_dynamodb::Client,
    names: &StoreNames,
    shard_count: i32,
) -> Result<InitReport, ServiceError> {
    let mut report = InitReport {
        created: Vec::new(),
        existing: Vec::new(),
    };
    let label = |kind: &str, name: &str| format!("{kind} {name}");

    let created = create_stream(kinesis, &names.stream, shard_count).await?;
    let l = label("stream", &names.stream);
    if created {
        report.created.push(l)
    } else {
        report.existing.push(l)
    }

    for (name, key, with_board_index) in [
        (&names.table, attributes::tweets::TWEET_ID, true),
        (&names.quarantine_table, attributes::quarantine::EVENT_ID, false),
        (&names.checkpoint_table, attributes::checkpoints::LEASE_KEY, false),
        (&names.watermark_table, attributes::watermarks::QUERY, false),
    ] {
        let created = create_table(dynamo, name, key, with_board_index).await?;
        let l = label("table", name);
        if created {
            report.created.push(l)
        } else {
            report.existing.push(l)
        }
    }

    // The board chart's hourly counters: keyed by day and hour, so a chart's window is
    // one Query per day.
    let created = create_counts_table(dynamo, &names.counts_table).await?;
    let l = label("table", &names.counts_table);
    if created {
        report.created.push(l)
    } else {
        report.existing.push(l)
    }

    wait_stream_active(kinesis, &names.stream).await?;
    for table in [
        &names.table,
        &names.quarantine_table,
        &names.checkpoint_table,
        &names.counts_table,
        &names.watermark_table,
    ] {
        wait_table_active(dynamo, table).await?;
    }
    Ok(report)
}

/// `tweetboard reshard`: UpdateShardCount with uniform scaling, waiting until the stream
/// is active again. Returns the open shard count before and after.
pub async fn reshard(
    kinesis: &aws_sdk_kinesis::Client,
    stream: &str,
    target: i32,
) -> Result<(i32, i32), ServiceError> {
    let out = kinesis
        .update_shard_count()
        .stream_name(stream)
        .target_shard_count(target)
        .scaling_type(aws_sdk_kinesis::types::ScalingType::UniformScaling)
        .send()
        .await
        .map_err(|e| classify("UpdateShardCount", e))?;
    wait_stream_active(kinesis, stream).await?;
    Ok((
        out.current_shard_count().unwrap_or(0),
        out.target_shard_count().unwrap_or(target),
    ))
}

async fn create_stream(
    client: &aws_sdk_kinesis::Client,
    stream: &str,
    shard_count: i32,
) -> Result<bool, ServiceError> {
    match client
        .create_stream()
        .stream_name(stream)
        .shard_count(shard_count)
        .send()
        .await
    {
        Ok(_) => Ok(true),
        Err(e) if service_code(&e) == Some("ResourceInUseException") => Ok(false),
        Err(e) => Err(classify("CreateStream", e)),
    }
}

fn key(name: &str, kind: KeyType) -> KeySchemaElement {
    KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(kind)
        .build()
        .expect("complete")
}

fn string_attribute(name: &str) -> AttributeDefinition {
    AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(ScalarAttributeType::S)
        .build()
        .expect("complete")
}

async fn create_table(
    client: &aws_sdk_dynamodb::Client,
    table: &str,
    partition_key: &str,
    with_board_index: bool,
) -> Result<bool, ServiceError> {
    let mut req = client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(string_attribute(partition_key))
        .key_schema(key(partition_key, KeyType::Hash));
    if with_board_index {
        req = req
            .attribute_definitions(string_attribute(attributes::tweets::BOARD_PARTITION))
            .attribute_definitions(string_attribute(attributes::tweets::BOARD_SORT))
            .global_secondary_indexes(
                GlobalSecondaryIndex::builder()
                    .index_name(attributes::tweets::BOARD_INDEX)
                    .key_schema(key(attributes::tweets::BOARD_PARTITION, KeyType::Hash))
                    .key_schema(key(attributes::tweets::BOARD_SORT, KeyType::Range))
                    .projection(Projection::builder().projection_type(ProjectionType::All).build())
                    .build()
                    .expect("complete"),
            );
    }
    match req.send().await {
        Ok(_) => Ok(true),
        Err(e) if service_code(&e) == Some("ResourceInUseException") => Ok(false),
        Err(e) => Err(classify("CreateTable", e)),
    }
}

async fn create_counts_table(client: &aws_sdk_dynamodb::Client, table: &str) -> Result<bool, ServiceError> {
    let result = client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(string_attribute(attributes::counts::DAY))
        .attribute_definitions(string_attribute(attributes::counts::HOUR))
        .key_schema(key(attributes::counts::DAY, KeyType::Hash))
        .key_schema(key(attributes::counts::HOUR, KeyType::Range))
        .send()
        .await;
    match result {
        Ok(_) => Ok(true),
        Err(e) if service_code(&e) == Some("ResourceInUseException") => Ok(false),
        Err(e) => Err(classify("CreateTable", e)),
    }
}

async fn wait_stream_active(client: &aws_sdk_kinesis::Client, stream: &str) -> Result<(), ServiceError> {
    wait_active("DescribeStreamSummary", &format!("stream {stream}"), || async {
        let out = client
            .describe_stream_summary()
            .stream_name(stream)
            .send()
            .await
            .map_err(|e| classify("DescribeStreamSummary", e))?;
        let status = out
            .stream_description_summary()
            .map(|d| d.stream_status().clone());
        Ok((status == Some(StreamStatus::Active), format!("{status:?}")))
    })
    .await
}

async fn wait_table_active(client: &aws_sdk_dynamodb::Client, table: &str) -> Result<(), ServiceError> {
    wait_active("DescribeTable", &format!("table {table}"), || async {
        let out = client
            .describe_table()
            .table_name(table)
            .send()
            .await
            .map_err(|e| classify("DescribeTable", e))?;
        let status = out.table().and_then(|t| t.table_status()).cloned();
        Ok((status == Some(TableStatus::Active), format!("{status:?}")))
    })
    .await
}

/// Polls `describe` (which answers "active?" and the status it saw) every 250 ms until
/// the resource is active, failing after [`ACTIVE_TIMEOUT`].
async fn wait_active<F, Fut>(operation: &'static str, what: &str, mut describe: F) -> Result<(), ServiceError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(bool, String), ServiceError>>,
{
    let start = Instant::now();
    loop {
        let (active, status) = describe().await?;
        if active {
            return Ok(());
        }
        if start.elapsed() > ACTIVE_TIMEOUT {
            return Err(ServiceError::transient(
                operation,
                format!("{what} not active after {ACTIVE_TIMEOUT:?} (status {status})"),
            ));
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}
