//! Hostile and unlucky input through the consumer's Lambda handler, against the
//! emulator with the production adapters: every record ends written, quarantined (with
//! its raw bytes) or reported for retry, and nothing can block a shard.

use std::time::{Duration, Instant};

use serde_json::json;
use tweetboard_aws::quarantine::QuarantineAdmin;
use tweetboard_aws::telemetry::batch_metrics_emf;
use tweetboard_core::error::MAX_REASON_BYTES;
use tweetboard_integration_tests::*;

/// `depth` nested `{"data": ...}` envelopes around `inner`.
fn nested(depth: usize, inner: &str) -> Vec<u8> {
    format!("{}{inner}{}", r#"{"data": "#.repeat(depth), "}".repeat(depth)).into_bytes()
}

#[tokio::test]
async fn poison_records_that_quote_hundreds_of_kilobytes_are_quarantined_whole() {
    // GIVEN records whose decode errors quote 250 KB (an invalid id, a string where a
    // count belongs), and 600 KB of 120 nested envelopes
    let env = TestEnv::new("hostile-quote").await;
    let big = "9".repeat(250_000) + "x";
    let payloads = vec![
        bytes(&json!({"id_str": big, "text": "t"})),
        bytes(&json!({"id_str": "12", "text": "t", "retweet_count": big})),
        nested(120, &format!("[{}0]", "0,".repeat(300_000))),
    ];

    // WHEN the consumer handles them, twice (a redelivery)
    let batch = env.batch(1, &payloads);
    let first = env.consumer().handle(invocation(batch.clone())).await.unwrap();
    let again = env.consumer().handle(invocation(batch)).await.unwrap();

    // THEN nothing is reported for retry, and each is quarantined once, with a bounded
    // reason and its raw bytes exactly
    assert!(first.batch_item_failures.is_empty(), "{first:?}");
    assert!(again.batch_item_failures.is_empty(), "{again:?}");
    let admin = QuarantineAdmin::new(env.aws.dynamo.clone(), &env.names.quarantine_table);
    let entries = admin.list(None, false).await.unwrap();
    assert_eq!(entries.len(), 3);
    for (i, payload) in payloads.iter().enumerate() {
        let entry = admin
            .get(&format!("{SHARD}:{}", seq(1 + i as u64)))
            .await
            .unwrap()
            .expect("quarantined");
        assert!(entry.reason.len() <= MAX_REASON_BYTES, "{}", entry.reason.len());
        assert!(!entry.data_omitted);
        assert_eq!(&entry.data, payload, "record {i}");
    }
    assert!(env.tweets().await.is_empty());
}

#[tokio::test]
async fn two_versions_of_a_tweet_in_one_batch_show_in_the_conflicts_metric() {
    // GIVEN a batch holding two versions of one tweet
    let env = TestEnv::new("hostile-conflict").await;
    let first = v1_tweet(&big_id(1), "Lambda SnapStart for Python #aws");
    let edited = v1_tweet(&big_id(1), "Lambda SnapStart for Python and .NET #aws");
    let batch = env.batch(1, &[bytes(&first), bytes(&edited)]);

    // WHEN the consumer handles it
    let (response, report) = env
        .consumer()
        .handle_with_report(invocation(batch))
        .await
        .unwrap();

    // THEN both settle, the first version is kept, and the metric line counts a conflict
    assert!(response.batch_item_failures.is_empty());
    assert_eq!(
        s(&env.tweet(&big_id(1)).await.unwrap(), "text"),
        "Lambda SnapStart for Python #aws"
    );
    let emf = batch_metrics_emf("consumer", &report.counts, 0);
    assert_eq!(emf["Conflicts"], 1, "{emf}");
    assert_eq!(emf["DuplicatesInBatch"], 0, "{emf}");
}

#[tokio::test]
async fn a_dynamodb_that_never_answers_turns_into_retries_before_the_invocation_deadline() {
    // GIVEN a DynamoDB endpoint that accepts connections and never answers (the SDK's
    // attempt timeout is 10 s), and an invocation with 3 s left
    let env = TestEnv::new("hostile-hang").await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let silent = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let mut aws = env.aws.clone();
    aws.dynamo = aws_sdk_dynamodb::Client::from_conf(
        aws_sdk_dynamodb::config::Builder::from(&aws.sdk)
            .endpoint_url(&endpoint)
            .build(),
    );
    let consumer = consumer_over(&aws, &env.names, 4);
    let payloads: Vec<Vec<u8>> = (0..8)
        .map(|i| bytes(&v1_tweet(&big_id(i), "EventBridge Pipes #aws")))
        .collect();
    let mut event = invocation(env.batch(1, &payloads));
    let deadline = Instant::now() + Duration::from_secs(3);
    event.context.deadline = (chrono::Utc::now().timestamp_millis() + 3_000) as u64;

    // WHEN the consumer handles the batch
    let response = consumer.handle(event).await.unwrap();

    // THEN it answers before the deadline, with every record reported for retry
    assert!(Instant::now() < deadline, "the invocation would have timed out");
    assert_eq!(response.batch_item_failures.len(), payloads.len());
    silent.abort();
}
