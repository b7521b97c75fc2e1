//! The Kinesis publisher against a scripted endpoint that speaks PutRecords' wire
//! protocol (JSON 1.1) and fails chosen entries, as Kinesis does under throttling:
//! only the failed entries are sent again, and entries that never succeed are reported.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use axum::{Json, Router};
use base64::Engine;
use serde_json::{json, Value};
use tweetboard_aws::retry::Backoff;
use tweetboard_aws::KinesisPublisher;
use tweetboard_core::ports::{OutgoingRecord, RecordPublisher};

/// The partition keys of every request, and which keys fail on which attempt.
#[derive(Default)]
struct Script {
    requests: Mutex<Vec<Vec<String>>>,
}

/// Keys ending in 1 fail the first time they are sent; keys ending in 9 always fail.
async fn put_records(State(script): State<Arc<Script>>, headers: HeaderMap, body: Bytes) -> Json<Value> {
    assert_eq!(headers["x-amz-target"], "Kinesis_20131202.PutRecords");
    let request: Value = serde_json::from_slice(&body).unwrap();
    let keys: Vec<String> = request["Records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["PartitionKey"].as_str().unwrap().to_owned())
        .collect();
    for r in request["Records"].as_array().unwrap() {
        base64::engine::general_purpose::STANDARD
            .decode(r["Data"].as_str().unwrap())
            .expect("base64 data");
    }
    let mut requests = script.requests.lock().unwrap();
    let seen_before = |k: &String| requests.iter().flatten().any(|old| old == k);
    let results: Vec<Value> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let fails = k.ends_with('9') || (k.ends_with('1') && !seen_before(k));
            if fails {
                json!({"ErrorCode": "ProvisionedThroughputExceededException", "ErrorMessage": "Rate exceeded for shard"})
            } else {
                json!({"SequenceNumber": format!("4959{i:052}"), "ShardId": "shardId-000000000000"})
            }
        })
        .collect();
    let failed = results.iter().filter(|r| r.get("ErrorCode").is_some()).count();
    requests.push(keys);
    Json(json!({"FailedRecordCount": failed, "Records": results}))
}

async fn publisher(script: Arc<Script>) -> KinesisPublisher {
    let app = Router::new().route("/", post(put_records)).with_state(script);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let config = aws_sdk_kinesis::Config::builder()
        .behavior_version_latest()
        .region(aws_sdk_kinesis::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_kinesis::config::Credentials::new(
            "test", "test", None, None, "test",
        ))
        .endpoint_url(url)
        .build();
    KinesisPublisher::new(aws_sdk_kinesis::Client::from_conf(config), "tweets").with_backoff(Backoff {
        base: Duration::from_millis(1),
        cap: Duration::from_millis(5),
        max_attempts: 4,
    })
}

fn records(keys: &[&str]) -> Vec<OutgoingRecord> {
    keys.iter()
        .map(|k| OutgoingRecord {
            partition_key: (*k).to_owned(),
            data: k.as_bytes().to_vec(),
        })
        .collect()
}

#[tokio::test]
async fn only_failed_entries_are_sent_again() {
    // GIVEN a publisher (four attempts) over the scripted endpoint
    let script = Arc::new(Script::default());
    let publisher = publisher(script.clone()).await;

    // WHEN it publishes five records, two of them keyed to fail the first time
    let report = publisher
        .publish(&records(&["10", "11", "12", "21", "30"]))
        .await
        .unwrap();

    // THEN none is reported failed, and the second request carried only those two
    assert!(report.failed.is_empty(), "{report:?}");
    let requests = script.requests.lock().unwrap().clone();
    assert_eq!(requests, [vec!["10", "11", "12", "21", "30"], vec!["11", "21"]]);
}

#[tokio::test]
async fn entries_that_never_succeed_are_reported_by_their_index() {
    // GIVEN a publisher (four attempts) over the scripted endpoint
    let script = Arc::new(Script::default());
    let publisher = publisher(script.clone()).await;

    // WHEN it publishes four records, the second and fourth keyed to fail every time
    let report = publisher
        .publish(&records(&["10", "19", "20", "29"]))
        .await
        .unwrap();

    // THEN those two are reported by their index, with Kinesis's error code
    let failed: Vec<usize> = report.failed.iter().map(|(i, _)| *i).collect();
    assert_eq!(failed, [1, 3]);
    assert!(
        report.failed[0]
            .1
            .contains("ProvisionedThroughputExceededException"),
        "{:?}",
        report.failed
    );
    // AND there were four attempts in all, the later ones carrying only the failing entries
    let requests = script.requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 4);
    assert!(requests[1..].iter().all(|r| r == &["19", "29"]));
}
