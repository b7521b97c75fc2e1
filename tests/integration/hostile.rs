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

/// A table named like the tweets table but keyed `id` (a number): a wrong TABLE_NAME.
async fn create_wrongly_keyed_table(env: &TestEnv, name: &str) {
    use aws_sdk_dynamodb::types::{
        AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
    };
    env.aws
        .dynamo
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("id")
                .attribute_type(ScalarAttributeType::N)
                .build()
                .unwrap(),
        )
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name("id")
                .key_type(KeyType::Hash)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("CreateTable");
}

#[tokio::test]
async fn a_wrongly_keyed_table_retries_every_record_and_quarantines_none() {
    // GIVEN a consumer whose TABLE_NAME names a table keyed `id`, not `tweet_id`
    let env = TestEnv::new("hostile-schema").await;
    let mut names = env.names.clone();
    names.table = format!("{}-wrong", env.names.table);
    create_wrongly_keyed_table(&env, &names.table).await;
    let consumer = consumer_over(&env.aws, &names, 4);
    let payloads: Vec<Vec<u8>> = (0..3)
        .map(|i| bytes(&v1_tweet(&big_id(i), "Step Functions distributed map #aws")))
        .collect();

    // WHEN it handles a batch (DynamoDB answers each PutItem with a ValidationException)
    let response = consumer
        .handle(invocation(env.batch(1, &payloads)))
        .await
        .unwrap();

    // THEN every record is reported for retry and none is quarantined: the records are
    // fine, the table is not
    assert_eq!(response.batch_item_failures.len(), payloads.len());
    assert!(env.quarantined().await.is_empty());
}

#[tokio::test]
async fn the_cold_start_check_refuses_tables_that_are_not_the_contract() {
    use tweetboard_aws::schema::{check_consumer_tables, SchemaError};
    // GIVEN the tables `init` made, a wrongly keyed one and a missing one
    let env = TestEnv::new("hostile-check").await;
    let wrong = format!("{}-wrong", env.names.table);
    create_wrongly_keyed_table(&env, &wrong).await;
    let (tweets, quarantine) = (&env.names.table, &env.names.quarantine_table);

    // THEN the contract's tables pass, and the others are refused with what is wrong
    check_consumer_tables(&env.aws.dynamo, tweets, quarantine)
        .await
        .unwrap();
    let err = check_consumer_tables(&env.aws.dynamo, &wrong, quarantine)
        .await
        .unwrap_err();
    assert!(matches!(err, SchemaError::WrongKey { .. }), "{err}");
    assert!(
        err.to_string().contains("id (N HASH)") && err.to_string().contains("tweet_id (S HASH)"),
        "{err}"
    );
    let err = check_consumer_tables(&env.aws.dynamo, tweets, tweets)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("quarantine table"), "{err}");
    let err = check_consumer_tables(&env.aws.dynamo, "no-such-table", quarantine)
        .await
        .unwrap_err();
    assert!(matches!(err, SchemaError::NoSuchTable { .. }), "{err}");
}

#[tokio::test]
async fn the_hostile_corpus_through_the_consumer_ends_as_its_table_says() {
    use tweetboard_core::hostile_corpus;
    // GIVEN every record of the committed hostile corpus in one batch
    let env = TestEnv::new("hostile-corpus").await;
    let (cases, _) = hostile_corpus::load();
    let payloads: Vec<Vec<u8>> = cases.iter().map(|c| c.data.clone()).collect();
    let batch = env.batch(1, &payloads);

    // WHEN the consumer handles it, twice (a redelivery)
    let first = env.consumer().handle(invocation(batch.clone())).await.unwrap();
    let again = env.consumer().handle(invocation(batch)).await.unwrap();

    // THEN nothing is reported for retry, and every record ends as the table says
    assert!(first.batch_item_failures.is_empty(), "{first:?}");
    assert!(again.batch_item_failures.is_empty(), "{again:?}");
    assert_corpus_outcomes(&env, &cases).await;
}

/// Hands `event` to the consumer exactly as the Lambda binary does (src/main.rs): the
/// invocation's JSON body taken by `BodyLayer` before `lambda_runtime` deserialises it,
/// then `handle_body_with_report`, which decodes it with `body::records_from_body`.
async fn handle_as_the_binary(
    consumer: &tweetboard_consumer::Consumer,
    event: &aws_lambda_events::event::kinesis::KinesisEvent,
) -> aws_lambda_events::event::streams::KinesisEventResponse {
    use lambda_runtime::{Context, LambdaInvocation};
    use tower::{Layer, Service};
    use tweetboard_consumer::body::{records_from_body, BodyLayer};
    let body = bytes::Bytes::from(serde_json::to_vec(event).unwrap());
    // The body decodes, record for record, to the event's data.
    let records = records_from_body(body.clone()).expect("records_from_body");
    assert_eq!(records.len(), event.records.len());
    for (record, sent) in records.iter().zip(&event.records) {
        assert_eq!(&record.data[..], &sent.kinesis.data.0[..], "{}", record.event_id);
    }
    let mut context = Context::default();
    context.deadline = (chrono::Utc::now().timestamp_millis() + 60_000) as u64;
    let handler = lambda_runtime::service_fn(move |invocation: LambdaInvocation| async move {
        consumer
            .handle_body_with_report(&invocation.context)
            .await
            .map(|(response, _)| response)
    });
    let (parts, ()) = lambda_http::http::Response::new(()).into_parts();
    BodyLayer
        .layer(handler)
        .call(LambdaInvocation { parts, body, context })
        .await
        .expect("the invocation")
}

#[tokio::test]
async fn the_hostile_corpus_through_the_binarys_body_path_ends_as_its_table_says() {
    use tweetboard_core::hostile_corpus;
    // GIVEN every record of the committed hostile corpus in one batch, as the JSON body
    // of an invocation
    let env = TestEnv::new("hostile-body").await;
    let (cases, _) = hostile_corpus::load();
    let payloads: Vec<Vec<u8>> = cases.iter().map(|c| c.data.clone()).collect();
    let batch = env.batch(1, &payloads);

    // WHEN the consumer handles it through the binary's body path, twice (a redelivery)
    let first = handle_as_the_binary(&env.consumer(), &batch).await;
    let again = handle_as_the_binary(&env.consumer(), &batch).await;

    // THEN the outcomes are the same as through `KinesisEvent`
    assert!(first.batch_item_failures.is_empty(), "{first:?}");
    assert!(again.batch_item_failures.is_empty(), "{again:?}");
    assert_corpus_outcomes(&env, &cases).await;
}

/// Each written case stored under its id, each quarantined one with its entry, its
/// reason code and its exact raw bytes, and nothing else in either table.
async fn assert_corpus_outcomes(env: &TestEnv, cases: &[tweetboard_core::hostile_corpus::HostileRecord]) {
    use tweetboard_core::hostile_corpus::RecordExpectation;
    let admin = QuarantineAdmin::new(env.aws.dynamo.clone(), &env.names.quarantine_table);
    let mut written = 0;
    for (i, case) in cases.iter().enumerate() {
        match &case.expect {
            RecordExpectation::Written { id } => {
                written += 1;
                assert!(env.tweet(id).await.is_some(), "{}: {id} not stored", case.name);
            }
            RecordExpectation::Quarantined { code } => {
                let entry = admin
                    .get(&format!("{SHARD}:{}", seq(1 + i as u64)))
                    .await
                    .unwrap()
                    .unwrap_or_else(|| panic!("{}: not quarantined", case.name));
                assert!(
                    entry.reason.starts_with(&format!("{code}:")),
                    "{}: {}",
                    case.name,
                    entry.reason
                );
                assert!(!entry.data_omitted, "{}", case.name);
                assert_eq!(entry.data, case.data, "{}: raw bytes", case.name);
            }
        }
    }
    assert_eq!(env.tweets().await.len(), written);
    assert_eq!(admin.list(None, true).await.unwrap().len(), cases.len() - written);
}
