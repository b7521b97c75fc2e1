//! The JSON event fixtures in tests/fixtures: the same files `cargo lambda invoke
//! --data-file` sends. They must parse as Lambda's types, round-trip, and run.

use aws_lambda_events::event::kinesis::KinesisEvent;
use serde_json::Value;
use tweetboard_integration_tests::*;

const KINESIS_EVENT: &str = include_str!("../fixtures/kinesis-event.json");

#[test]
fn kinesis_event_fixture_round_trips() {
    let parsed: KinesisEvent = serde_json::from_str(KINESIS_EVENT).unwrap();
    let again: KinesisEvent = serde_json::from_str(&serde_json::to_string(&parsed).unwrap()).unwrap();
    assert_eq!(parsed, again);
    assert_eq!(parsed.records.len(), 3);
}

#[tokio::test]
async fn kinesis_event_fixture_runs_through_the_consumer() {
    // GIVEN fresh tables and the fixture's event: two tweets and a poison record
    let env = TestEnv::new("fixture").await;
    let event: KinesisEvent = serde_json::from_str(KINESIS_EVENT).unwrap();

    // WHEN the consumer handles it
    let response = env.consumer().handle(invocation(event)).await.unwrap();

    // THEN the response serialises as Lambda expects: an empty failure list, the poison
    // record quarantined, both tweets written.
    let json: Value = serde_json::to_value(&response).unwrap();
    assert_eq!(json, serde_json::json!({"batchItemFailures": []}));
    assert_eq!(env.tweets().await.len(), 2);
    assert_eq!(env.quarantined().await.len(), 1);
}
